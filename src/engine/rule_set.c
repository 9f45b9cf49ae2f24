/*
 * rule_set.c - the one place that decides which rules are on and at what
 * severity (rule_set.h): the registry's defaults, the rule lists of
 * ml_options, then layers of settings (the configuration file's top level
 * and matching overrides, the command line), recording where each setting
 * came from. Also the public questions about ml_options' rule lists
 * (migralint/config.h), answered the same way, and the lists' editing.
 */
#include <string.h>

#include "migralint/config.h"
#include "migralint/migralint.h"
#include "rule_set.h"

_Static_assert(ML_RULE_SET_MAX == ML_CONFIG_MAX_RULES, "origins are kept in ml_config_origins");

static bool names_rule(const char *name, const ml_rule_info *info)
{
	return !strcmp(name, info->name) || (info->alias && !strcmp(name, info->alias));
}

static bool listed(const char *const *names, const ml_rule_info *info)
{
	for (size_t i = 0; i < ML_MAX_RULE_FILTER && names[i]; i++)
		if (names_rule(names[i], info))
			return true;
	return false;
}

/* The rule's state under the lists of opts, over its defaults. */
static bool listed_enabled(const ml_options *opts, const ml_rule_info *info)
{
	bool on = info->opt_in ? listed(opts->include, info) : true;
	return listed(opts->exclude, info) ? false : on;
}

static ml_severity listed_severity(const ml_options *opts, const ml_rule_info *info)
{
	ml_severity severity = info->severity;
	for (size_t k = 0; k < ML_MAX_RULE_FILTER && opts->severity[k].rule; k++)
		if (names_rule(opts->severity[k].rule, info))
			severity = opts->severity[k].severity;
	return severity;
}

static void apply_change(ml_rule_set *set, const ml_rule_change *c, const char *origin,
			 const ml_rule_origins *origins)
{
	const ml_rule_info *info = ml_rule_at(c->rule);
	if (!info || c->rule >= ML_RULE_SET_MAX)
		return;
	const char **recorded = origins ? origins->state : NULL;
	switch (c->kind) {
	case ML_RULE_INCLUDE:
		if (!info->opt_in && set->enabled[c->rule])
			return;
		/* fall through */
	case ML_RULE_ON:
		set->enabled[c->rule] = true;
		break;
	case ML_RULE_OFF:
		set->enabled[c->rule] = false;
		break;
	case ML_RULE_SEVERITY:
		set->severity[c->rule] = c->severity;
		recorded = origins ? origins->severity : NULL;
		break;
	}
	if (recorded)
		recorded[c->rule] = origin;
}

void ml_rule_set_resolve(ml_rule_set *set, const ml_options *opts, const ml_rule_layer *layers, size_t n_layers,
			 const ml_rule_origins *origins)
{
	memset(set, 0, sizeof(*set));
	for (size_t i = 0; i < ml_rule_count() && i < ML_RULE_SET_MAX; i++) {
		const ml_rule_info *info = ml_rule_at(i);
		set->enabled[i] = opts ? listed_enabled(opts, info) : !info->opt_in;
		set->severity[i] = opts ? listed_severity(opts, info) : info->severity;
	}
	for (size_t l = 0; l < n_layers; l++)
		for (size_t k = 0; k < layers[l].n_changes; k++)
			apply_change(set, &layers[l].changes[k], layers[l].origin, origins);
}

void ml_rule_set_from_options(ml_rule_set *set, const ml_options *opts)
{
	ml_rule_set_resolve(set, opts, NULL, 0, NULL);
}

void ml_rule_set_write_options(const ml_rule_set *set, ml_options *opts)
{
	size_t ne = 0, ni = 0, ns = 0;
	for (size_t i = 0; i < ml_rule_count() && i < ML_RULE_SET_MAX; i++) {
		const ml_rule_info *info = ml_rule_at(i);
		if (!set->enabled[i] && !info->opt_in && ne + 1 < ML_MAX_RULE_FILTER)
			opts->exclude[ne++] = info->name;
		if (set->enabled[i] && info->opt_in && ni + 1 < ML_MAX_RULE_FILTER)
			opts->include[ni++] = info->name;
		if (set->severity[i] != info->severity && ns + 1 < ML_MAX_RULE_FILTER) {
			opts->severity[ns].rule = info->name;
			opts->severity[ns++].severity = set->severity[i];
		}
	}
	opts->exclude[ne] = NULL;
	opts->include[ni] = NULL;
	opts->severity[ns].rule = NULL;
}

/* ---- the public questions (migralint/config.h) ---- */

bool ml_options_rule_enabled(const ml_options *opts, const ml_rule_info *rule)
{
	return listed_enabled(opts, rule);
}

ml_severity ml_options_rule_severity(const ml_options *opts, const ml_rule_info *rule)
{
	return listed_severity(opts, rule);
}

int ml_rule_index(const ml_rule_info *rule)
{
	for (size_t i = 0; rule && i < ml_rule_count(); i++)
		if (ml_rule_at(i) == rule)
			return (int)i;
	return -1;
}

/* ---- editing the lists ---- */

/* Removes every entry naming rule from a NULL-terminated list; returns the
 * new length. */
static size_t remove_rule(const char **names, const ml_rule_info *rule)
{
	size_t w = 0;
	for (size_t r = 0; r < ML_MAX_RULE_FILTER && names[r]; r++)
		if (!names_rule(names[r], rule))
			names[w++] = names[r];
	if (w < ML_MAX_RULE_FILTER)
		names[w] = NULL;
	return w;
}

static size_t list_length(const char *const *names)
{
	size_t n = 0;
	while (n < ML_MAX_RULE_FILTER && names[n])
		n++;
	return n;
}

int ml_options_set_rule(ml_options *opts, const char *name, bool on)
{
	const ml_rule_info *rule = ml_rule_find(name);
	if (!rule)
		return -1;
	const char **add = on ? opts->include : opts->exclude;
	size_t kept = 0;
	for (size_t i = 0; i < ML_MAX_RULE_FILTER && add[i]; i++)
		kept += !names_rule(add[i], rule);
	if (kept + 1 >= ML_MAX_RULE_FILTER)
		return -1;
	remove_rule(opts->include, rule);
	remove_rule(opts->exclude, rule);
	size_t n = list_length(add);
	add[n] = rule->name;
	add[n + 1] = NULL;
	return 0;
}
