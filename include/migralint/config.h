/*
 * config.h - the .migralint.json configuration file: finding it, loading and
 * validating it, and applying it to the options of one input path.
 *
 * The file is JSON with // and block comments. Every key, type and rule name
 * is checked when it is loaded: nothing unknown is ignored. See
 * docs/config.md for the format.
 *
 * A typical caller (the command line does this for every file through an
 * ml_options_hook):
 *
 *     char err[512];
 *     char *path = ml_config_discover(".");
 *     ml_config *cfg = path ? ml_config_load(path, err, sizeof(err)) : NULL;
 *     if (path && !cfg) { fprintf(stderr, "%s\n", err); ... }
 *     ml_options opts;
 *     ml_options_init(&opts);
 *     if (ml_config_apply(cfg, "migrations/0001_init.sql", &opts, NULL))
 *         ... lint with opts ...
 *     ml_config_free(cfg);   // after the last use of opts
 *     free(path);
 */
#ifndef MIGRALINT_CONFIG_H
#define MIGRALINT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "migralint/migralint.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The name the file is looked up under. */
#define ML_CONFIG_FILE_NAME ".migralint.json"

/* The most rules the registry may hold for ml_config_origins; loading fails
 * beyond it. */
#define ML_CONFIG_MAX_RULES 256

typedef struct ml_config ml_config;

/* Where each effective setting came from: "default", the configuration
 * file's path, "<path> overrides[N]" (N counts from 0), or whatever the caller
 * stores (the command line stores "command line"). The strings are static or
 * owned by the ml_config that was applied; they live as long as it does. */
typedef struct ml_config_origins {
	const char *pg_version;
	const char *assume_in_transaction;
	const char *fail_on;
	const char *doc_base_url;
	const char *max_input_size;
	const char *tool;             /* "tool", "down", "since" and "context" */
	const char *down;
	const char *since;
	const char *base;             /* "base" / --base */
	const char *context;
	const char *references;       /* "references"."paths" / --references */
	const char *references_exclude; /* "references"."exclude" / --references-exclude */
	const char *stats;            /* "stats" / --stats (the caller loads the file) */
	const char *small_rows;       /* "table_size"."small_rows" */
	const char *large_rows;       /* "table_size"."large_rows" */
	const char *exclude;          /* the exclude globs (all from one place) */
	const char *excluded_by;      /* the glob that excluded the path, or NULL */
	/* Indexed like ml_rule_at(): whether the rule is on, and its severity. */
	const char *rule_state[ML_CONFIG_MAX_RULES];
	const char *rule_severity[ML_CONFIG_MAX_RULES];
} ml_config_origins;

/* Looks for ML_CONFIG_FILE_NAME in start_dir, then in each parent up to the
 * filesystem root. Returns a malloc'd path the caller frees, or NULL when
 * there is none (or memory ran out). A file found in start_dir itself is
 * returned as start_dir joined with the name (".migralint.json" for a
 * start_dir of "."); one found in a parent is returned as an absolute path. */
char *ml_config_discover(const char *start_dir);

/* Reads and validates the configuration file at path. Returns a new
 * configuration to free with ml_config_free, or NULL with a one-line message
 * in err (always NUL-terminated when err_len > 0) naming the file and either
 * the line and column (invalid JSON: "PATH:3:5: invalid JSON: ...") or the key
 * path ("PATH: \"overrides[1].rules.ban-drop-colum\": unknown rule").
 * Relative input paths given later to ml_config_apply are resolved against
 * the current directory at the time of this call. */
ml_config *ml_config_load(const char *path, char *err, size_t err_len);

/* Frees cfg and every string it owns (NULL is allowed). Options filled by
 * ml_config_apply point into cfg: free it only after their last use. */
void ml_config_free(ml_config *cfg);

/* The path cfg was loaded from, as given to ml_config_load. Owned by cfg. */
const char *ml_config_path(const ml_config *cfg);

/* The table sizes file cfg names ("stats"), a relative path in the file
 * taken from the file's directory; NULL when it names none. Owned by cfg.
 * Loading it (ml_table_sizes_load) is the caller's: ml_config_apply sets
 * only the thresholds ("table_size"). */
const char *ml_config_stats_path(const ml_config *cfg);

/* The exclude globs of cfg, NULL-terminated; owned by cfg. */
const char *const *ml_config_exclude_globs(const ml_config *cfg);

/* Fills origins with "default" for every setting. */
void ml_config_origins_init(ml_config_origins *origins);

/* Applies cfg to opts for the input path: the top level settings, then every
 * override whose "files" globs match, in file order. Returns false, leaving
 * opts unchanged, when an "exclude" glob matches path (the file is not to be
 * linted); true otherwise. cfg may be NULL (nothing to apply, returns true).
 * path may be NULL: only the top level settings are applied and nothing is
 * excluded. Globs are matched against path relative to the configuration
 * file's directory; a path outside that directory matches no glob.
 * Rule settings rewrite opts->exclude, opts->include and opts->severity (as
 * the canonical rule names, static strings); opts->doc_base_url then points
 * into cfg, which must outlive opts. When origins is not NULL, each setting
 * cfg changed has its origin recorded there. */
bool ml_config_apply(const ml_config *cfg, const char *path, ml_options *opts, ml_config_origins *origins);

/* Applies the command line's rule flags to opts, after ml_config_apply:
 * each rule named in include (id or alias) is turned on, except one that is
 * on by default and on already (naming it changes nothing), then each rule
 * named in exclude is turned off, so a rule named in both is off. Unknown
 * names are skipped. Both lists are NULL-terminated within
 * ML_MAX_RULE_FILTER entries; NULL is an empty list. When a flag names a
 * rule, opts->exclude, opts->include and opts->severity are rewritten as
 * ml_config_apply rewrites them, and, when origins is not NULL, origin (not
 * copied) is recorded as where that rule's on/off state comes from. */
void ml_options_apply_rule_flags(ml_options *opts, const char *const *include, const char *const *exclude,
				 const char *origin, ml_config_origins *origins);

/* Turns the rule named name (id or alias) on or off in opts, removing it from
 * the opposite list, so that a later setting beats an earlier one. Returns 0,
 * or -1 when the rule is unknown or a list is full (opts is then unchanged). */
int ml_options_set_rule(ml_options *opts, const char *name, bool on);

/* Whether the rule is on in opts, and its severity there (the same
 * resolution the engine uses: src/engine/rule_set.c). */
bool ml_options_rule_enabled(const ml_options *opts, const ml_rule_info *rule);
ml_severity ml_options_rule_severity(const ml_options *opts, const ml_rule_info *rule);

/* The index of rule in the registry (ml_rule_at), or -1. */
int ml_rule_index(const ml_rule_info *rule);

#ifdef __cplusplus
}
#endif

#endif
