/*
 * engine.h - the private state of a run and of the file being linted, shared
 * by the engine's source files (engine.c, plpgsql.c, run.c, report.c, ...).
 * The catalog, the transaction and effects have headers of their own
 * (catalog.h, tx.h, effects.h). Rules never include this; they see
 * rule_api.h.
 */
#ifndef MIGRALINT_ENGINE_H
#define MIGRALINT_ENGINE_H

#include <pg_query.h>

#include "catalog.h"
#include "effects.h"
#include "findings.h"
#include "ignore_index.h"
#include "arena.h"
#include "linemap.h"
#include "map.h"
#include "migralint/migralint.h"
#include "parse.h"
#include "pipeline.h"
#include "plpgsql_compile.h"
#include "split.h"
#include "suppress.h"
#include "lock_table.h"
#include "rule_api.h"
#include "rule_set.h"
#include "tree.h"
#include "stmt_unit.h"
#include "tx.h"


struct ml_run {
	ml_options options;
	ml_arena *arena;          /* diagnostics, file summaries and schema facts */
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
};

/* The file being linted and where the engine is in it. */
typedef struct ml_engine_state {
	ml_run *run;
	const ml_options *options;    /* this file's options */
	const ml_rule_set *rules;     /* this file's rules: which are on, at which severity */
	const char *path;         /* run-owned copy */
	ml_arena *file_arena;
	ml_line_map map;
	ml_ptr_vec suppressions;  /* ml_suppression *, in the order they were found */
	ml_ignore_index ignores;  /* the same, by line and rule */

	ml_tx tx;                 /* the transaction state (file arena) */
	const struct ml_source *source; /* the file's text as the pipeline holds it */
	bool had_dynamic;             /* the file had such SQL: its placeholder names may be in the
					 transaction's locks, so reports replace them from then on */
	const ml_effect *effect;      /* the statement being checked, for its findings; NULL outside */
	const ml_rule *slow_work_rule; /* the first rule that reported its slow work (ml_slow_work_reported_by) */
	ml_findings findings;         /* what the rule being run reported; taken after each rule */

	const ml_unit *unit;          /* the unit being analysed: its span, position base and
					 environment; NULL before the first */
} ml_engine_state;

/* What one statement did, for the lock timeline (--format locks). */
typedef struct ml_statement_record {
	const char *path;
	int line, column;
	const char *kind;         /* form label, or the statement type */
	ml_lock locks[ML_MAX_STMT_LOCKS];
	size_t n_locks;
	bool rewrite, scan;
	ml_tx_state tx;
	ml_body_kind body;
	ml_lock *held;            /* locks held after it, in the transaction */
	size_t n_held;
} ml_statement_record;

/* engine.c */
typedef struct ml_pipeline ml_pipeline;
/* Starts the analysis of a file in st: path is its display path (run-owned),
 * options and rules say what to check, src holds its text and map maps it
 * (copied), file_arena (the caller's) holds what lasts the file. All must
 * outlive the file's analysis. The transaction starts as the options say;
 * the run's catalog is told a new file begins. */
void ml_engine_file_start(ml_engine_state *st, ml_run *run, const char *path, const ml_options *options,
			  const ml_rule_set *rules, const struct ml_source *src, const ml_line_map *map,
			  ml_arena *file_arena);
/* Takes in the directive comments found[0, n) of the file (in the file
 * arena), as ml_engine_take_suppressions does. */
void ml_engine_add_suppressions(ml_engine_state *st, ml_suppression *const *found, size_t n);
/* Analyses units[0, n) in order: a statement's effect is computed, the
 * rules run over it and what it changes (transaction, locks, schema) is
 * applied, and the units of its PL/pgSQL body follow it; the other kinds of
 * unit become the finding of the engine's rule for them. The units stay
 * the caller's. */
void ml_engine_analyse(ml_engine_state *st, const ml_unit *units, size_t n);
/* A top-level command (what psql sends as one query: a statement chunk)
 * has been analysed: an autocommit transaction ends with it. */
void ml_engine_end_command(ml_engine_state *st);
/* Ends the file: runs every rule's end-of-file hook and reports the ignore
 * comments that silenced nothing. */
void ml_engine_finish_file(ml_engine_state *st);
/* The first byte of the file later findings may point at, when the next
 * unit starts at next: next, or the BEGIN of the open transaction. */
size_t ml_engine_text_needed_from(const ml_engine_state *st, size_t next);
/* Takes in the directive comments from st->suppressions.items[first] on:
 * indexes them, so they silence the findings they cover, and reports the
 * rule names that are unknown and the comments without a reason. */
void ml_engine_take_suppressions(ml_engine_state *st, size_t first);
/* "<what> too large to analyse: N tokens, ..." for statement-too-complex,
 * in arena. */
const char *ml_too_large_message(ml_arena *arena, const char *what, size_t tokens);
/* Reports a finding of rule at a file byte span. A finding a comment
 * silences is kept, marked suppressed. Returns the diagnostic (run-owned),
 * or NULL when the rule is off. */
ml_diagnostic *ml_engine_report_at(ml_engine_state *st, const ml_rule *rule, size_t start, size_t end,
				  const char *help, const char *message);


/* registry.c */
/* The index-th rule of the registry (rules.def order), or NULL past the end.
 * Rules are static. */
const ml_rule *ml_registry_rule(size_t index);
/* The registry index of rule, which must be a registered rule. */
size_t ml_registry_index(const ml_rule *rule);
/* The rule with this id or alias, or NULL. */
const ml_rule *ml_registry_find(const char *name);

/* squawk.c */
/* The entry of squawk's rule name, or NULL when squawk has no rule of that
 * name. Static. */
const ml_squawk_name *ml_squawk_find(const char *name);

/* engine.c */
/* text, or a copy in arena where every name holding ML_DYNAMIC_PLACEHOLDER
 * (quoted with " or ', schema-qualified, or glued to other text as in
 * idx_dynamic_name) is replaced, quotes included, by ML_DYNAMIC_NAME_TEXT.
 * NULL gives NULL. */
const char *ml_engine_without_placeholder(ml_arena *arena, const char *text);

/* engine-reported rules */
extern const ml_rule ml_rule_syntax_error;
extern const ml_rule ml_rule_invalid_input;
extern const ml_rule ml_rule_psql_meta_command;
extern const ml_rule ml_rule_unknown_rule_in_ignore;
extern const ml_rule ml_rule_unused_ignore;
extern const ml_rule ml_rule_ignore_without_reason;
extern const ml_rule ml_rule_statement_too_complex;
extern const ml_rule ml_rule_dynamic_sql_not_analysed;

#endif
