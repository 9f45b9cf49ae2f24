/*
 * cli_settings.c - the settings a run's options are built from, shared by
 * the command line (main.c) and the language server (cmd_lsp.c): the
 * configuration file read into them, its context, references and table
 * sizes, and the options of each file, built from the defaults, the file's
 * top level, its overrides and what was given.
 */
#include <stdlib.h>
#include <string.h>

#include "cli_settings.h"

static const char FROM_CLI[] = "command line";

void ml_cli_settings_free_lists(ml_cli_settings *s)
{
	free(s->context);
	free(s->references);
	ml_table_sizes_free(s->sizes);
}

/* Appends the n paths of from to *list (which holds *n, with room for
 * them: it is grown). Returns false when memory runs out. */
static bool append_paths(const char ***list, size_t *n, const char *const *from, size_t n_from)
{
	if (!n_from)
		return true;
	const char **all = realloc(*list, (*n + n_from + 1) * sizeof(*all));
	if (!all)
		return false;
	*list = all;
	for (size_t i = 0; i < n_from; i++)
		all[(*n)++] = from[i];
	return true;
}

int ml_cli_settings_load_config(ml_cli_settings *s, const char *config_path, bool no_config, const char *start_dir,
				char *err, size_t err_len)
{
	char *found = NULL;
	if (!no_config && !config_path)
		config_path = found = ml_config_discover(start_dir);
	if (!config_path)
		return ML_EXIT_CLEAN;
	s->config = ml_config_load(config_path, err, err_len);
	free(found);
	if (!s->config)
		return ML_EXIT_USAGE;
	/* The file's "context" comes after the command line's. */
	ml_options from_file;
	ml_options_init(&from_file);
	ml_config_apply(s->config, NULL, &from_file, NULL);
	/* and so do its "references" paths */
	if (!append_paths(&s->context, &s->n_context, from_file.context, from_file.n_context) ||
	    !append_paths(&s->references, &s->n_references, from_file.references, from_file.n_references))
		return ML_EXIT_FAILED;
	if (!s->stats && (s->stats = ml_config_stats_path(s->config)))
		s->stats_origin = ml_config_path(s->config);
	return ML_EXIT_CLEAN;
}

int ml_cli_settings_load_stats(ml_cli_settings *s, char *err, size_t err_len)
{
	if (s->stats && !(s->sizes = ml_table_sizes_load(s->stats, err, err_len)))
		return ML_EXIT_USAGE;
	return ML_EXIT_CLEAN;
}

/* Fills opts for path (NULL: the run as a whole, no per-path settings) and,
 * when origins is not NULL, where each setting came from. Returns false when
 * the configuration excludes path. */
bool ml_cli_effective_options(const ml_cli_settings *s, const char *path, ml_options *opts,
			      ml_config_origins *origins)
{
	ml_options_init(opts);
	opts->record_statements = s->cli.record_statements;
	opts->skip_excerpts = s->cli.skip_excerpts;
	opts->observer = s->cli.observer;
	opts->jobs = s->cli.jobs;
	opts->table_sizes = s->sizes;
	if (origins)
		ml_config_origins_init(origins);
	if (!ml_config_apply(s->config, path, opts, origins))
		return false;
	if (origins && s->stats)
		origins->stats = s->stats_origin;
	if (s->given_pg_version) {
		opts->pg_major = s->cli.pg_major;
		opts->pg_minor = s->cli.pg_minor;
		if (origins)
			origins->pg_version = FROM_CLI;
	}
	if (s->given_assume_in_transaction) {
		opts->assume_in_transaction = s->cli.assume_in_transaction;
		if (origins)
			origins->assume_in_transaction = FROM_CLI;
	}
	if (s->given_fail_on) {
		opts->fail_on = s->cli.fail_on;
		if (origins)
			origins->fail_on = FROM_CLI;
	}
	if (s->given_max_input_size) {
		opts->max_input_size = s->cli.max_input_size;
		if (origins)
			origins->max_input_size = FROM_CLI;
	}
	if (s->given_tool) {
		opts->tool = s->cli.tool;
		if (origins)
			origins->tool = FROM_CLI;
	}
	if (s->given_down) {
		opts->down = s->cli.down;
		if (origins)
			origins->down = FROM_CLI;
	}
	if (s->given_since) {
		opts->since = s->cli.since;
		if (origins)
			origins->since = FROM_CLI;
	}
	if (s->given_base) {
		opts->base = s->cli.base;
		if (origins)
			origins->base = FROM_CLI;
	}
	if (s->n_context) {
		/* The command line's context comes on top of the file's. */
		opts->context = s->context;
		opts->n_context = s->n_context;
		if (origins && s->cli.n_context)
			origins->context = opts->n_context > s->cli.n_context ? "command line and config" : FROM_CLI;
	}
	if (s->n_references) {
		/* The command line's paths come on top of the file's, as context. */
		opts->references = s->references;
		opts->n_references = s->n_references;
		if (origins && s->cli.n_references)
			origins->references = opts->n_references > s->cli.n_references ? "command line and config" : FROM_CLI;
	}
	ml_options_apply_rule_flags(opts, s->cli.include, s->cli.exclude, FROM_CLI, origins);
	return true;
}

bool ml_cli_file_options(void *data, const char *path, ml_options *opts)
{
	return ml_cli_effective_options(data, path, opts, NULL);
}
