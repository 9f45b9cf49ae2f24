/*
 * cli_settings.h - the settings every file's options are built from: the
 * command line's (or an editor's) choices and the configuration file
 * (cli_settings.c). main.c fills them from argv, `migralint lsp`
 * (cmd_lsp.c) from the editor's settings, and both build options the same
 * way: defaults < the file's top level < its matching overrides < what
 * was given.
 */
#ifndef MIGRALINT_CLI_SETTINGS_H
#define MIGRALINT_CLI_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "migralint/config.h"
#include "migralint/migralint.h"

typedef struct ml_cli_settings {
	ml_options cli;               /* the options given (command line, editor settings) */
	bool given_pg_version, given_assume_in_transaction, given_fail_on, given_max_input_size;
	bool given_tool, given_down, given_since, given_base;
	const char **context;         /* --context paths, then the config's (malloc'd array) */
	size_t n_context;
	const char **references;      /* --references paths, then the config's (malloc'd array) */
	size_t n_references;
	const char *stats;            /* --stats, else the config's "stats", or NULL */
	const char *stats_origin;
	ml_table_sizes *sizes;        /* stats, loaded before anything is linted */
	ml_config *config;            /* NULL with --no-config or when there is none */
} ml_cli_settings;

/* Reads the configuration file into s->config: config_path, or else (unless
 * no_config) the nearest .migralint.json from start_dir up, or none. Its
 * "context" and "references" paths go after the ones s holds, and its
 * "stats" becomes s->stats unless s names one. Returns ML_EXIT_CLEAN;
 * ML_EXIT_USAGE with a one-line message in err (err_len bytes) naming the
 * file and the problem; ML_EXIT_FAILED when memory runs out. */
int ml_cli_settings_load_config(ml_cli_settings *s, const char *config_path, bool no_config, const char *start_dir,
				char *err, size_t err_len);

/* Loads s->stats (if any) into s->sizes. Returns ML_EXIT_CLEAN, or
 * ML_EXIT_USAGE with the message in err naming the file and the entry. */
int ml_cli_settings_load_stats(ml_cli_settings *s, char *err, size_t err_len);

/* Fills opts for path (NULL: the run as a whole, no per-path settings) and,
 * when origins is not NULL, where each setting came from. opts points into
 * s, which must outlive it. Returns false when the configuration excludes
 * path. */
bool ml_cli_effective_options(const ml_cli_settings *s, const char *path, ml_options *opts,
			      ml_config_origins *origins);

/* The same as an ml_options_hook: data is the ml_cli_settings. */
bool ml_cli_file_options(void *data, const char *path, ml_options *opts);

/* Frees the path lists of s (not the strings: argv's and the config's)
 * and its table sizes; not the configuration (ml_config_free). */
void ml_cli_settings_free_lists(ml_cli_settings *s);

#endif
