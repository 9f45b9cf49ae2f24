/*
 * lint_text.c - the stateless entry point, ml_lint_text: one text, linted
 * as a migration that runs after the ones a catalog describes, with a
 * result of its own. It is a run of one buffer started from a copy of the
 * caller's catalog, whose catalog is handed out at the end: the command
 * line's runs and this call share every step below the run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lock_table.h"
#include "run.h"
#include "tx.h"

struct ml_lint_result_private {
	ml_run *run;
};

static ml_table_lock *table_locks(ml_arena *arena, const ml_lock *locks, size_t n)
{
	ml_table_lock *out = ml_arena_alloc(arena, (n + 1) * sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = (ml_table_lock){ .table = locks[i].table, .mode = ml_lock_mode_name(locks[i].mode),
					  .rows = -1, .bytes = -1 };
	return out;
}

/* The run's statement records as the public ml_statement_info, in its arena. */
static void statement_info(ml_run *run, ml_lint_result *result)
{
	size_t n = run->statements.len;
	ml_statement_info *info = ml_arena_alloc(run->arena, (n + 1) * sizeof(*info));
	for (size_t i = 0; i < n; i++) {
		const ml_statement_record *r = run->statements.items[i];
		info[i] = (ml_statement_info){ .start = r->start, .end = r->end, .line = r->line, .column = r->column,
					       .kind = r->kind, .locks = table_locks(run->arena, r->locks, r->n_locks),
					       .n_locks = r->n_locks, .rewrite = r->rewrite, .scan = r->scan,
					       .transaction = ml_tx_name(r->tx), .body = ml_body_name(r->body),
					       .held = table_locks(run->arena, r->held, r->n_held), .n_held = r->n_held };
	}
	result->statement_info = info;
	result->n_statement_info = n;
}

ml_lint_result ml_lint_text(const ml_catalog *before, const ml_options *opts, const char *path, const char *text,
			    size_t len)
{
	ml_lint_result result = { .exit_status = ML_EXIT_FAILED };
	ml_options defaults;
	if (!opts) {
		ml_options_init(&defaults);
		opts = &defaults;
	}
	size_t limit = ml_input_limit(opts);
	if (len > limit) {
		result.error = "the text is larger than max_input_size";
		result.exit_status = ML_EXIT_INPUT_ERROR;
		return result;
	}
	struct ml_lint_result_private *internal = calloc(1, sizeof(*internal));
	ml_run *run = internal ? ml_run_new(opts) : NULL;
	ml_catalog *start = run && before ? ml_catalog_clone(before) : NULL;
	if (!run || (before && !start)) {
		ml_run_free(run);
		free(internal);
		result.error = "out of memory";
		return result;
	}
	if (start) {
		ml_catalog_free(run->catalog);
		run->catalog = start;
	}
	internal->run = run;
	result.internal = internal;
	ml_run_lint_buffer(run, path, text, len);
	result.diagnostics = ml_run_diagnostics(run, &result.n_diagnostics);
	size_t n_files;
	const ml_file_summary *files = ml_run_files(run, &n_files);
	if (n_files) {
		result.statements = files[0].statements;
		result.syntax_errors = files[0].syntax_errors;
	}
	result.exit_status = ml_run_exit_status(run);
	if (opts->record_statements)
		statement_info(run, &result);
	if (run->out_of_memory)
		result.error = "out of memory";
	result.catalog = run->catalog;
	run->catalog = NULL;
	return result;
}

void ml_lint_result_free(ml_lint_result *result)
{
	if (!result)
		return;
	ml_catalog_free(result->catalog);
	if (result->internal) {
		ml_run_free(result->internal->run);
		free(result->internal);
	}
	memset(result, 0, sizeof(*result));
}
