/*
 * registry.h - the rules migralint has, in rules.def order (registry.c), and
 * squawk's rule names with the rules they stand for (squawk.c).
 */
#ifndef MIGRALINT_REGISTRY_H
#define MIGRALINT_REGISTRY_H

#include "rule_api.h"

/* registry.c */
/* The index-th rule of the registry (rules.def order), or NULL past the end.
 * Rules are static. */
const ml_rule *ml_registry_rule(size_t index);
/* The registry index of rule, which must be a registered rule. */
size_t ml_registry_index(const ml_rule *rule);
/* The rule with this id or alias, or NULL. */
const ml_rule *ml_registry_find(const char *name);

/* squawk.c */
/* The entry of squawk's rule name, or NULL when squawk has no rule of that
 * name. Static. */
const ml_squawk_name *ml_squawk_find(const char *name);

#endif
