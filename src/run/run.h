/*
 * run.h - the run layer's own declarations: the input errors a run records
 * (run.c) and the driver that lints one input (lint_file.c).
 */
#ifndef MIGRALINT_RUN_H
#define MIGRALINT_RUN_H

#include "engine.h"
#include "pipeline.h"

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
