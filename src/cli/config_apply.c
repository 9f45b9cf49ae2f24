/*
 * config_apply.c - applies a loaded configuration file to the options of one
 * input path: its exclude globs, its top level, then each override whose
 * globs match the path, in file order, recording where each setting came
 * from for --print-config; the rule settings go to the resolver
 * (src/engine/rule_set.c), as the command line's --include and --exclude
 * do after them.
 */
#include <stdlib.h>
#include <string.h>

#include "migralint/config.h"
#include "config_file.h"
#include "glob.h"
#include "migralint/migralint.h"
#include "rule_set.h"

void ml_config_origins_init(ml_config_origins *origins)
{
	static const char *const DEFAULT = "default";
	memset(origins, 0, sizeof(*origins));
	origins->pg_version = DEFAULT;
	origins->assume_in_transaction = DEFAULT;
	origins->fail_on = DEFAULT;
	origins->doc_base_url = DEFAULT;
	origins->tool = origins->down = origins->since = origins->base = origins->context = DEFAULT;
	origins->references = origins->references_exclude = DEFAULT;
	origins->stats = origins->small_rows = origins->large_rows = DEFAULT;
	origins->max_input_size = DEFAULT;
	origins->exclude = DEFAULT;
	for (size_t i = 0; i < ML_CONFIG_MAX_RULES; i++) {
		origins->rule_state[i] = DEFAULT;
		origins->rule_severity[i] = DEFAULT;
	}
}

/* The settings of l that are not about rules. */
static void apply_settings(const ml_config_layer *l, ml_options *opts, ml_config_origins *origins)
{
	if (l->has_pg_version) {
		opts->pg_major = l->pg_major;
		opts->pg_minor = l->pg_minor;
		if (origins)
			origins->pg_version = l->origin;
	}
	if (l->has_assume_in_transaction) {
		opts->assume_in_transaction = l->assume_in_transaction;
		if (origins)
			origins->assume_in_transaction = l->origin;
	}
}

/* The rule settings of l as three layers of the resolver, into out;
 * *reasons holds the change its require_reasons makes. Returns whether
 * they change anything. */
static bool rule_layers(const ml_config_layer *l, ml_rule_change *reasons, ml_rule_layer *out)
{
	/* require_reasons is the ignore-without-reason rule under a plainer
	 * name; it comes after the layer's "rules". */
	int index = l->has_require_reasons ? ml_rule_index(ml_rule_find("ignore-without-reason")) : -1;
	*reasons = (ml_rule_change){ .rule = (size_t)index, .kind = l->require_reasons ? ML_RULE_ON : ML_RULE_OFF };
	out[0] = (ml_rule_layer){ .origin = l->origin, .changes = l->rules, .n_changes = l->n_rules };
	out[1] = (ml_rule_layer){ .origin = l->origin, .changes = reasons, .n_changes = index >= 0 };
	out[2] = (ml_rule_layer){ .origin = l->origin, .changes = l->severities, .n_changes = l->n_severities };
	return l->n_rules || index >= 0 || l->n_severities;
}

bool ml_config_apply(const ml_config *cfg, const char *path, ml_options *opts, ml_config_origins *origins)
{
	if (!cfg)
		return true;
	const char *const dirs[2] = { cfg->dir_real, cfg->dir_lexical };
	char *rel = path ? ml_path_relative(path, cfg->cwd, dirs, 2) : NULL;
	const char *glob = ml_glob_first_match(cfg->exclude, rel);
	if (glob) {
		if (origins)
			origins->excluded_by = glob;
		free(rel);
		return false;
	}
	if (cfg->has_fail_on) {
		opts->fail_on = cfg->fail_on;
		if (origins)
			origins->fail_on = cfg->path;
	}
	if (cfg->doc_base_url) {
		opts->doc_base_url = cfg->doc_base_url;
		if (origins)
			origins->doc_base_url = cfg->path;
	}
	if (cfg->max_input_size) {
		opts->max_input_size = cfg->max_input_size;
		if (origins)
			origins->max_input_size = cfg->path;
	}
	if (cfg->tool) {
		(void)ml_options_set_tool(opts, cfg->tool); /* checked when loaded */
		if (origins)
			origins->tool = cfg->path;
	}
	if (cfg->has_down) {
		opts->down = cfg->down;
		if (origins)
			origins->down = cfg->path;
	}
	if (cfg->since) {
		opts->since = cfg->since;
		if (origins)
			origins->since = cfg->path;
	}
	if (cfg->base) {
		opts->base = cfg->base;
		if (origins)
			origins->base = cfg->path;
	}
	if (cfg->context) {
		opts->context = (const char *const *)cfg->context;
		opts->n_context = 0;
		while (cfg->context[opts->n_context])
			opts->n_context++;
		if (origins)
			origins->context = cfg->path;
	}
	if (cfg->references) {
		opts->references = (const char *const *)cfg->references;
		opts->n_references = 0;
		while (cfg->references[opts->n_references])
			opts->n_references++;
		if (origins)
			origins->references = cfg->path;
	}
	if (cfg->references_exclude) {
		opts->references_exclude = (const char *const *)cfg->references_exclude;
		opts->n_references_exclude = 0;
		while (cfg->references_exclude[opts->n_references_exclude])
			opts->n_references_exclude++;
		if (origins)
			origins->references_exclude = cfg->path;
	}
	if (cfg->small_rows) {
		opts->small_rows = cfg->small_rows;
		if (origins)
			origins->small_rows = cfg->path;
	}
	if (cfg->large_rows) {
		opts->large_rows = cfg->large_rows;
		if (origins)
			origins->large_rows = cfg->path;
	}
	if (origins && cfg->stats)
		origins->stats = cfg->path;
	if (origins && cfg->exclude && cfg->exclude[0])
		origins->exclude = cfg->path;
	/* The rule settings of the top level and of the matching overrides,
	 * in file order, go to the resolver at once. Out of memory, they are
	 * left out. */
	ml_rule_layer *layers = calloc(3 * (cfg->n_overrides + 1), sizeof(*layers));
	ml_rule_change *reasons = calloc(cfg->n_overrides + 1, sizeof(*reasons));
	size_t n = 0;
	bool changed = false;
	for (size_t i = 0; i <= cfg->n_overrides; i++) {
		const ml_config_layer *l = i == 0 ? &cfg->top : &cfg->overrides[i - 1];
		if (i > 0 && !ml_glob_first_match(l->files, rel))
			continue;
		apply_settings(l, opts, origins);
		if (layers && reasons) {
			changed |= rule_layers(l, &reasons[n / 3], &layers[n]);
			n += 3;
		}
	}
	if (changed) {
		ml_rule_set set;
		ml_rule_origins recorded = { .state = origins ? origins->rule_state : NULL,
					     .severity = origins ? origins->rule_severity : NULL };
		ml_rule_set_resolve(&set, opts, layers, n, &recorded);
		ml_rule_set_write_options(&set, opts);
	}
	free(layers);
	free(reasons);
	free(rel);
	return true;
}

void ml_options_apply_rule_flags(ml_options *opts, const char *const *include, const char *const *exclude,
				 const char *origin, ml_config_origins *origins)
{
	ml_rule_change changes[2 * ML_MAX_RULE_FILTER];
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		const char *const *names = pass == 0 ? include : exclude;
		for (size_t i = 0; names && i < ML_MAX_RULE_FILTER && names[i]; i++) {
			int index = ml_rule_index(ml_rule_find(names[i]));
			if (index >= 0)
				changes[n++] = (ml_rule_change){ .rule = (size_t)index,
								 .kind = pass == 0 ? ML_RULE_INCLUDE : ML_RULE_OFF };
		}
	}
	if (!n)
		return;
	ml_rule_layer flags = { .origin = origin, .changes = changes, .n_changes = n };
	ml_rule_origins recorded = { .state = origins ? origins->rule_state : NULL };
	ml_rule_set set;
	ml_rule_set_resolve(&set, opts, &flags, 1, &recorded);
	ml_rule_set_write_options(&set, opts);
}
