/*
 * rule_set.h - which rules are on, and at what severity: the one place that
 * works it out (rule_set.c). The registry gives the defaults; over them come
 * the rule lists of ml_options (--include, --exclude and severity overrides,
 * or what a configuration wrote there), then layers of settings in order:
 * the configuration file's top level, the overrides matching a path, the
 * command line. The engine reads a file's ml_rule_set; --print-config shows
 * it with where each setting came from.
 */
#ifndef MIGRALINT_RULE_SET_H
#define MIGRALINT_RULE_SET_H

#include <stdbool.h>
#include <stddef.h>

#include "migralint/migralint.h"

/* The most rules the registry may hold (registry.c checks it when it is
 * compiled); the same as ML_CONFIG_MAX_RULES, so origins fit
 * ml_config_origins. */
#define ML_RULE_SET_MAX 256

/* Each rule's state, indexed like the registry (ml_rule_at); entries past
 * ml_rule_count() are unused. A plain value: copy it, keep it anywhere. */
typedef struct ml_rule_set {
	bool enabled[ML_RULE_SET_MAX];
	ml_severity severity[ML_RULE_SET_MAX];
} ml_rule_set;

typedef enum ml_rule_change_kind {
	ML_RULE_ON,               /* turn the rule on */
	ML_RULE_OFF,              /* turn it off */
	ML_RULE_INCLUDE,          /* as --include: turn it on, except that for a rule on by default
				     that is on already it is no setting at all (its origin stays) */
	ML_RULE_SEVERITY,         /* give it the change's severity */
} ml_rule_change_kind;

/* One setting of one rule. */
typedef struct ml_rule_change {
	size_t rule;              /* registry index; one past the registry is ignored */
	ml_rule_change_kind kind;
	ml_severity severity;     /* ML_RULE_SEVERITY */
} ml_rule_change;

/* Settings from one place, applied in order: a later one beats an earlier. */
typedef struct ml_rule_layer {
	const char *origin;       /* where they come from, for ml_rule_origins; not copied */
	const ml_rule_change *changes;
	size_t n_changes;
} ml_rule_layer;

/* Where each rule's on/off state and severity were last set: arrays of
 * ML_RULE_SET_MAX entries indexed like the registry (either may be NULL).
 * Only the rules a layer names get its origin; the others keep theirs. */
typedef struct ml_rule_origins {
	const char **state;
	const char **severity;
} ml_rule_origins;

/* Fills *set: the registry's defaults, then the rule lists of opts (NULL:
 * none; they record no origin), then each of the n_layers layers in order,
 * recording their origins in origins (NULL: none). opts' lists name rules
 * by id or alias: include turns an opt-in rule on, exclude turns any rule
 * off (beating include), and the last severity naming a rule wins; names
 * the registry does not know are skipped. */
void ml_rule_set_resolve(ml_rule_set *set, const ml_options *opts, const ml_rule_layer *layers, size_t n_layers,
			 const ml_rule_origins *origins);

/* ml_rule_set_resolve with opts alone: the set a file is linted with. */
void ml_rule_set_from_options(ml_rule_set *set, const ml_options *opts);

/* Rewrites the rule lists of opts (exclude, include, severity) as the
 * shortest that resolve to set: the rules off that are on by default, the
 * opt-in rules on, the severities that differ from the default, by their
 * ids (static strings), in registry order. */
void ml_rule_set_write_options(const ml_rule_set *set, ml_options *opts);

#endif
