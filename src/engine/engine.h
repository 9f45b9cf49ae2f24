/*
 * engine.h - the fold over a file's statement units (engine.c): the state it
 * carries from unit to unit, and the calls the per-file driver
 * (src/run/lint_file.c) makes. The engine applies statements to a catalog
 * and a transaction it is given, and appends what it decides to an output
 * (engine_output.h); it knows no run. Rules never include this; they see
 * rule_api.h.
 */
#ifndef MIGRALINT_ENGINE_H
#define MIGRALINT_ENGINE_H

#include "catalog.h"
#include "effects.h"
#include "engine_output.h"
#include "findings.h"
#include "ignore_index.h"
#include "registry.h"
#include "arena.h"
#include "body_cache.h"
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
#include "stmt_unit.h"
#include "tx.h"

/* The file being linted and where the engine is in it. */
typedef struct ml_engine_state {
	ml_catalog *catalog;          /* what the migrations built: statements are applied to it */
	const ml_options *options;    /* this file's options */
	const ml_rule_set *rules;     /* this file's rules: which are on, at which severity */
	ml_engine_output *out;        /* what the engine decides goes here, for the caller */
	ml_arena *file_arena;
	const char *path;             /* the file's path, for the catalog's records */
	ml_line_map map;
	ml_ptr_vec suppressions;  /* ml_suppression *, in the order they were found */
	ml_ignore_index ignores;  /* the same, by line and rule */

	ml_tx tx;                 /* the transaction state (file arena) */
	bool had_dynamic;             /* the file had such SQL: its placeholder names may be in the
					 transaction's locks, so reports replace them from then on */
	bool one_query_step;          /* the tool sends the step being linted as one query
					 (ml_engine_set_one_query) */
	const ml_effect *effect;      /* the statement being checked, for its findings; NULL outside */
	const ml_rule *slow_work_rule; /* the first rule that reported its slow work (ml_slow_work_reported_by) */
	ml_findings findings;         /* what the rule being run reported; taken after each rule */

	const ml_unit *unit;          /* the unit being analysed: its span, position base and
					 environment; NULL before the first */
	ml_migration_facts *migration; /* where the pass stands in its migration, for the
					 reversibility rules; NULL when nothing asks */
	struct ml_step_ledger *ledger; /* what the pass makes and removes, with migration */
	const ml_statement_observer *observer; /* runs the pass's top-level statements on a real
					 PostgreSQL, or NULL */
	const ml_observation *observed; /* what it did with the unit being analysed, or NULL */
	const ml_observation *top_observed; /* the same for the unit of the top level being
					 analysed, while its body's units are */
	ml_text_mentions mentions;    /* read ahead in this file's text, for the rules' fixes */
	ml_body_cache *bodies;        /* what the run learnt of PL/pgSQL bodies, or NULL */
} ml_engine_state;

/* engine.c */
/* Starts the analysis of a file in st: catalog is what the earlier files
 * built (told a new file begins; the file's statements are applied to it),
 * options and rules say what to check, map maps the file's text (copied),
 * file_arena (the caller's) holds what lasts the file, and out receives
 * the findings and statement records (the caller takes them, with
 * ml_engine_output_clear, while the text they point into is still there).
 * All must outlive the file's analysis. The transaction starts as the
 * options say. path names the file in what the catalog records (where a
 * view was made...); it must outlive the analysis too. */
void ml_engine_file_start(ml_engine_state *st, ml_catalog *catalog, const ml_options *options,
			  const ml_rule_set *rules, const ml_line_map *map, ml_arena *file_arena,
			  ml_engine_output *out, const char *path);
/* Takes in the directive comments found[0, n) of the file (in the file
 * arena): indexes them, so they silence the findings they cover, and
 * reports the rule names that are unknown and the comments without a
 * reason. */
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
/* The file goes on with its next step (a tool's section: an Alembic
 * revision, a Liquibase changeset): a transaction the tool opened for the
 * step before is committed; new_migration starts a new migration in the
 * catalog (tables from the step before are no longer new); in_transaction
 * opens the tool's transaction for the step, unless one is open. */
void ml_engine_next_step(ml_engine_state *st, bool new_migration, bool in_transaction);
/* Says whether the tool sends the step now linted as one query
 * (ml_section.one_query); rules read it as ctx->one_query_step. */
void ml_engine_set_one_query(ml_engine_state *st, bool one_query);
/* Ends the file: runs every rule's end-of-file hook and reports the ignore
 * comments that silenced nothing. */
void ml_engine_finish_file(ml_engine_state *st);
/* The first byte of the file later findings may point at, when the next
 * unit starts at next: next, or the BEGIN of the open transaction. */
size_t ml_engine_text_needed_from(const ml_engine_state *st, size_t next);

/* PL/pgSQL bodies met again are read from bodies (the run's, or NULL;
 * it must outlive the pass) instead of being compiled again. Call it
 * after ml_engine_file_start. */
void ml_engine_set_body_cache(ml_engine_state *st, ml_body_cache *bodies);
/* Hands each top-level statement of the pass to observer (NULL: none)
 * before its rules run; what it saw is the rules' ctx->observed, and a
 * statement PostgreSQL refused is a trace-error finding. Call it after
 * ml_engine_file_start; observer must outlive the pass. */
void ml_engine_set_observer(ml_engine_state *st, const ml_statement_observer *observer);
/* Tells the engine where the pass that ml_engine_file_start began stands
 * in its migration (an up or a down, its down or its up): rules read it
 * from their context (ml_stmt_ctx.migration), and the engine folds what
 * each statement that runs makes and removes into facts->changes, complete
 * when the finish hooks run. facts (the caller's) must outlive the pass. */
void ml_engine_set_migration(ml_engine_state *st, ml_migration_facts *facts);

/* Runs the check_history hook of every rule rules has on over the history
 * ctx describes; the findings go to ctx->out (rule_history.h). */
void ml_engine_check_history(const ml_history_ctx *ctx, const ml_rule_set *rules);

#endif
