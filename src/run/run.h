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
#include "tool.h"
#include "tree.h"

/* The bytes a run keeps of the PL/pgSQL bodies it met (body_cache.h): past
 * it, the cache starts again empty. */
#define ML_RUN_BODY_CACHE ((size_t)16 * 1024 * 1024)

/* Where a file stands in its migration history (history.c). */
typedef struct ml_plan_entry {
	const ml_tool *tool;      /* whose rules it follows */
	const char *tool_why;     /* why that tool (detected, or named) */
	ml_tool_root *root;       /* its migration directory, shared by its history */
	ml_migration_file file;   /* what the tool makes of it */
	size_t history;           /* which history it belongs to: the order of first appearance */
	const char *arg_dir;      /* the directory argument it was found below, or NULL: named itself */
	bool context;             /* replayed as history, never reported */
	bool dropped;             /* context after the last reported migration: not needed */
	const char *note;         /* the first reported file of its history: its directory's note */
	bool since;               /* named to be linted, but at or before options.since: replayed
				     as context and listed as skipped */
	bool downs;               /* its tool has downs in this directory: the reversibility
				     rules look at it */
	ml_down_presence down;    /* an up with downs in files of their own: whether its down is
				     there (a tool with down sections decides in lint_file.c) */
	const char *down_path;    /* that down file, or NULL */
} ml_plan_entry;

/* The list of what a run lints, in order: files to read, and inputs that
 * could not be read, recorded when their turn comes so that the errors
 * keep their order (run.c collects it, history.c orders it). */
typedef struct ml_input_list {
	ml_arena *arena;
	ml_pipeline_item *items;
	const char **errors;      /* per item: the reason it cannot be read, or NULL */
	ml_plan_entry *plan;      /* per item */
	size_t len, cap;
	const char *walking;      /* what items added now get: the directory argument being
				     walked (NULL: a path named itself), */
	bool context;             /* and whether they are context */
	size_t sql_found;         /* *.sql files the walks found, those already listed included */
} ml_input_list;

/* The catalog file numbers [first, last] of one reported input (a file
 * with several migration steps has several); last is INT_MAX while it is
 * linted. */
typedef struct ml_file_range {
	int first, last;
} ml_file_range;

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
	ml_ptr_vec column_checks; /* ml_column_check *: columns dropped or renamed, to look for
				     in the application's code */
	size_t column_checks_done; /* column_checks[0, done) were looked for (code_refs.c) */
	ml_map migration_dirs;    /* with references: "dev:inode" of the folders holding files
				     the run linted or replayed, whose *.sql are migrations */
	ml_map migration_dir_paths; /* the folders' paths already looked at, for the above */
	ml_map buffer_files;      /* with references: "dev:inode" of the files buffers and streams
				     were reported under (the migration an editor lints) */
	const char *base_error;   /* why options.base cannot be used (ml_run_base_error), or NULL */
	ml_map reference_errors;  /* paths the code scan could not read, each reported once */
	ml_map up_changes;        /* "history\nversion" -> ml_up_record *: what each up of a
				     history with downs made and removed, for its down */
	ml_file_range *reported;  /* the catalog's file numbers (ml_catalog_file) of reported
				     migrations, in order: a table they made is new to the
				     --stats sizes; n_reported of them, in the run's arena */
	size_t n_reported, cap_reported;
	ml_map texts;             /* path -> ml_run_text *: texts read instead of the files
				     (ml_run_set_text), in the run's arena */
	ml_body_cache *bodies;    /* the PL/pgSQL bodies met, each compiled once; NULL when
				     memory ran out (each is then compiled where it is met) */
};

/* A text a run reads instead of a file (ml_run_set_text). */
typedef struct ml_run_text {
	const char *text;
	size_t len;
} ml_run_text;

/* What an up made and removed (lint_file.c), kept for its down. */
typedef struct ml_up_record {
	ml_step_changes changes;  /* in the run's arena */
	const char *path;
	const char *irreversible; /* its "migralint: irreversible" reason, or NULL */
} ml_up_record;

/* A column a reported migration drops or renames, and the finding about it
 * (ml_finding.gone_column), for the scan of the application's code. In the
 * run's arena. */
typedef struct ml_column_check {
	ml_diagnostic *diagnostic; /* one of run->diagnostics */
	const char *schema;       /* "" when unqualified */
	const char *table, *column;
	bool only_if_used;        /* remove the diagnostic when the code does not use it */
} ml_column_check;

/* run.c */
/* The most bytes read from one input under opts: max_input_size, or
 * ML_DEFAULT_MAX_INPUT_SIZE when it is 0. */
size_t ml_input_limit(const ml_options *opts);
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

/* Adds the files below the directory path (every *.sql, as
 * ml_run_lint_path walks it) to list, each with plan.context set to
 * context. Returns 0, or -1 when some entry could not be read. */
int ml_run_collect_dir(ml_run *run, ml_input_list *list, const char *path, bool context);

/* history.c */
/* Puts list in the order the migration tools run it: each file gets its
 * tool (run->options.tool, or detected per migration directory), its
 * version and direction; files of one history are sorted by version, down
 * after up; a migration directory only partly named gets its earlier
 * migrations as context (walked here); migrations up to options.since are
 * context; context after the last reported migration of a history is
 * dropped. Files the tool does not run are marked skipped (not read). */
void ml_history_plan(ml_run *run, ml_input_list *list);
/* The place of a single text reported under path (a buffer, standard
 * input) in *entry: the named tool, or the one detected from path's
 * folder when it exists, else plain; never context. */
void ml_history_entry_for(ml_run *run, const char *path, ml_plan_entry *entry);

/* history_checks.c */
/* Runs the history rules (check_history) over each history of list that
 * has a reported migration, with order the plan's order (history.c):
 * each laid out in its tool's order and, with options.base, compared with
 * git's copy of its directory at that revision. Their findings become
 * run's diagnostics. When the base cannot be read, run->base_error says
 * why and nothing more is checked. */
void ml_history_check_all(ml_run *run, ml_input_list *list, const size_t *order);

/* lint_file.c */
/* Lints item of pipeline (ml_pipeline_source) as entry says (its tool's
 * steps: up, then each down against a copy of the catalog; context only
 * replayed), adding its summary and findings to run, or an input error
 * when it could not be read, and releases the item. Never fails: bad input
 * becomes a finding. Items are linted in order, on one thread. */
void ml_run_lint_source(ml_run *run, ml_pipeline *pipeline, size_t item, const ml_plan_entry *entry);

#endif
