/*
 * registry.c - the list of rules, built from rules.def, and lookups by name.
 * Adding a rule touches only rules/<name>.c, one line of rules.def, its doc
 * page and its fixtures.
 */
#include <string.h>

#include "engine.h"
#include "migralint/migralint.h"
#include "registry.h"
#include "rule.h"
#include "rule_set.h"

#define ML_RULE(ident) extern const ml_rule ml_rule_##ident;
#include "rules.def"
#undef ML_RULE

static const ml_rule *const REGISTRY[] = {
#define ML_RULE(ident) &ml_rule_##ident,
#include "rules.def"
#undef ML_RULE
};

#define REGISTRY_SIZE (sizeof(REGISTRY) / sizeof(REGISTRY[0]))
_Static_assert(REGISTRY_SIZE <= ML_RULE_SET_MAX, "an ml_rule_set holds every rule");

/* Generated from the docs/rules pages by cmake/embed-docs.cmake. */
const char *ml_embedded_doc(const char *name);

size_t ml_rule_count(void)
{
	return REGISTRY_SIZE;
}

const ml_rule_info *ml_rule_at(size_t index)
{
	return index < REGISTRY_SIZE ? &REGISTRY[index]->info : NULL;
}

const ml_rule *ml_registry_rule(size_t index)
{
	return index < REGISTRY_SIZE ? REGISTRY[index] : NULL;
}

size_t ml_registry_index(const ml_rule *rule)
{
	for (size_t i = 0; i < REGISTRY_SIZE; i++)
		if (REGISTRY[i] == rule)
			return i;
	return 0;
}

const ml_rule *ml_registry_find(const char *name)
{
	for (size_t i = 0; i < REGISTRY_SIZE; i++) {
		const ml_rule_info *info = &REGISTRY[i]->info;
		if (!strcmp(info->name, name) || (info->alias && !strcmp(info->alias, name)))
			return REGISTRY[i];
	}
	return NULL;
}

const ml_rule_info *ml_rule_find(const char *name)
{
	const ml_rule *rule = ml_registry_find(name);
	return rule ? &rule->info : NULL;
}

const char *ml_rule_doc(const ml_rule_info *rule)
{
	return rule ? ml_embedded_doc(rule->name) : NULL;
}
