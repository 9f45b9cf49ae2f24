/*
 * run.h - the run layer's own declarations: the state of a run (its results
 * and the catalog it carries from file to file), the input errors it records
 * (run.c) and the driver that lints one input (lint_file.c). Turning the
 * engine's output into diagnostics is in diagnostics.h.
 */
#ifndef MIGRALINT_RUN_H
#define MIGRALINT_RUN_H

#include "catalog.h"
#include "diagnostics.h"
#include "engine.h"
#include "pipeline.h"
#include "tree.h"

struct ml_run {
	ml_options options;
	ml_arena *arena;          /* diagnostics, statement records, file summaries, input errors */
	ml_ptr_vec diagnostics;   /* ml_diagnostic * */
	ml_diagnostic *sorted;    /* sorted copy handed to callers; rebuilt when stale */
	size_t n_sorted;
	ml_ptr_vec files;         /* ml_file_summary * */
	ml_file_summary *files_copy; /* malloc'd contiguous copy handed to callers */
	size_t files_copy_len;    /* its capacity */
	ml_map seen_files;        /* "dev:inode" of files linted, so each is linted once */
	int input_errors;
	bool out_of_memory;       /* memory ran out: some input was not linted, or the
				     findings could not be sorted (ML_EXIT_FAILED) */
	ml_input_error *input_error_list; /* input_errors entries, run-arena */
	size_t input_error_cap;
	ml_options_hook options_hook; /* per-file options, or NULL */
	void *options_hook_data;
	int skipped_files;        /* inputs an exclude pattern skipped */
	ml_catalog *catalog;      /* what the migrations built, carried from file to file */
	ml_ptr_vec statements;    /* ml_statement_record * */
	ml_map statement_kinds;   /* their kind texts, each copied once */
};

/* run.c */
/* Records that path could not be read, for ml_run_input_error_list (the
 * library prints nothing). Returns -1. Strings are copied. */
int ml_run_input_error(ml_run *run, const char *path, const char *reason);
/* The same for a read that failed with errno err; ENOMEM also marks the
 * run as out of memory (exit status ML_EXIT_FAILED): the input is fine,
 * the linter was not. Returns -1. */
int ml_run_read_error(ml_run *run, const char *path, int err);
/* Records why src could not be read (its read_status), as
 * ml_run_read_error does for an errno value. Returns -1. */
int ml_run_source_error(ml_run *run, const char *path, const ml_source *src);
/* Records that memory ran out before path could be linted: an input error
 * naming it, and the run marked out of memory. Returns -1. */
int ml_run_out_of_memory(ml_run *run, const char *path);

/* lint_file.c */
/* Lints item of pipeline (ml_pipeline_source), adding its summary and
 * findings to run, or an input error when it could not be read, and
 * releases the item. Never fails: bad input becomes a finding. Items are
 * linted in order, on one thread. */
void ml_run_lint_source(ml_run *run, ml_pipeline *pipeline, size_t item);

#endif
