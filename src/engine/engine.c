/*
 * engine.c - the fold over a file's statement units (the driver in
 * src/run/lint_file.c makes them): keeps the transaction and lock state as
 * the units run in order, runs every enabled rule over each statement,
 * walks the units of a PL/pgSQL body after the statement they belong to,
 * maps the other kinds of unit to the engine's own rules (engine_rules.c),
 * and hands what the rules found to the output its caller takes
 * (engine_report.c decides what becomes of each finding). It knows no run,
 * and no line or column beyond what ignore comments and the transaction
 * need.
 */
#include <string.h>

#include <pg_query.h>

#include "arena.h"
#include "catalog.h"
#include "effects.h"
#include "engine.h"
#include "engine_report.h"
#include "engine_rules.h"
#include "facts.h"
#include "findings.h"
#include "ignore_index.h"
#include "linemap.h"
#include "lock_table.h"
#include "migralint/migralint.h"
#include "plpgsql.h"
#include "rule.h"
#include "rule_set.h"
#include "schema_changes.h"
#include "stmt_unit.h"
#include "suppress.h"
#include "tree.h"
#include "tx.h"

/* ---- one statement ------------------------------------------------------- */

static void fill_context(ml_engine_state *st, ml_stmt_ctx *ctx, const PgQuery__Node *stmt,
			 const ml_effect *effect, const ml_stmt_env *env)
{
	*ctx = (ml_stmt_ctx){
		.options = st->options,
		.stmt = stmt,
		.tx_state = st->tx.state,
		.tx_begin_line = st->tx.begin_line,
		.held = st->tx.held,
		.n_held = st->tx.n_held,
		.lock_timeout_set = st->tx.lock_timeout_set,
		.statement_timeout_set = st->tx.statement_timeout_set,
		.effect = effect,
		.body = env ? env->body : ML_BODY_TOP,
		.loop_depth = env ? env->loop_depth : 0,
		.loop_commits = env ? env->loop_commits : false,
		.loop_vars = env ? env->loop_vars : NULL,
		.n_loop_vars = env ? env->n_loop_vars : 0,
		.new_enum_values = (const ml_enum_value *const *)st->tx.new_enum_values.items,
		.n_new_enum_values = st->tx.new_enum_values.len,
		.not_valid_in_tx = (const ml_pending_constraint *const *)st->tx.not_valid_in_tx.items,
		.n_not_valid_in_tx = st->tx.not_valid_in_tx.len,
		.dynamic = env ? env->dynamic : false,
		.one_query_step = st->one_query_step,
		.span = { .text = st->map.text, .start = st->unit->start, .end = st->unit->end,
			  .loc_base = st->unit->loc_base, .loc_limit = st->unit->loc_limit, .exact = st->unit->loc_exact },
		.catalog = st->catalog,
		.observed = st->observed,
		.migration = st->migration,
		.tx = &st->tx,
		.arena = st->file_arena,
		.out = &st->findings,
		.mentions = &st->mentions,
	};
}

/* Copies what f says still uses what its statement drops into to, in arena. */
static void copy_uses(ml_arena *arena, const ml_finding *f, ml_finding *to)
{
	if (f->n_references) {
		ml_reference *refs = ml_arena_alloc(arena, f->n_references * sizeof(*refs));
		for (size_t k = 0; k < f->n_references; k++) {
			const ml_reference *r = &f->references[k];
			refs[k] = (ml_reference){ .kind = r->kind, .effect = r->effect, .line = r->line,
						  .name = ml_arena_strdup(arena, r->name),
						  .path = ml_arena_strdup(arena, r->path),
						  .text = ml_arena_strdup(arena, r->text) };
		}
		to->references = refs;
		to->n_references = f->n_references;
	}
	if (f->gone_column) {
		to->gone_schema = ml_arena_strdup(arena, f->gone_schema ? f->gone_schema : "");
		to->gone_table = ml_arena_strdup(arena, f->gone_table);
		to->gone_column = ml_arena_strdup(arena, f->gone_column);
		to->only_if_used = f->only_if_used;
	}
}

/* Records what the rules reported into st->findings: the ones of rules that
 * are on go to the output, with their fix (copied: the caller takes them
 * later). */
static void take_findings(ml_engine_state *st)
{
	ml_arena *arena = st->out->arena;
	for (size_t i = 0; i < st->findings.len; i++) {
		const ml_finding *f = &st->findings.items[i];
		ml_engine_finding *e = ml_engine_report_at(st, f->rule, f->start, f->end, f->help, f->message);
		if (!e)
			continue;
		copy_uses(arena, f, &e->finding);
		if (!f->n_edits)
			continue;
		ml_edit *edits = ml_arena_alloc(arena, f->n_edits * sizeof(*edits));
		for (size_t k = 0; k < f->n_edits; k++) {
			edits[k] = f->edits[k];
			edits[k].replacement = ml_arena_strdup(arena, f->edits[k].replacement);
		}
		e->finding.edits = edits;
		e->finding.n_edits = f->n_edits;
		e->finding.fix_description = ml_arena_strdup(arena, f->fix_description);
	}
	st->findings.len = 0;
}

static void analyse_body(ml_engine_state *st, const ml_unit *unit);

/* ---- tracing -------------------------------------------------------------- */

/* Hands unit, a statement of the top level, and the tables effect (NULL:
 * none known) says it locks, to the observer; what it saw, copied into
 * the file arena, is st->observed for the rules and the statement's record,
 * and st->top_observed for its trace-error. */
static void observe(ml_engine_state *st, const ml_unit *unit, const ml_effect *effect)
{
	size_t len = unit->end - unit->start;
	ml_traced_statement ts = {
		.path = st->path,
		.text = ml_arena_strndup(st->file_arena, st->map.text + unit->start, len),
		.len = len,
		.start = unit->start,
		.in_transaction = st->tx.state != ML_TX_NONE,
		.tx_control = unit->stmt && unit->stmt->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT,
		.syntax_error = unit->kind == ML_UNIT_SYNTAX_ERROR,
	};
	if (unit->stmt && unit->stmt->node_case == PG_QUERY__NODE__NODE_COPY_STMT) {
		const PgQuery__CopyStmt *copy = unit->stmt->copy_stmt;
		ts.server_io = copy->is_program || (copy->filename && *copy->filename);
		ts.stdin_data = copy->is_from && !ts.server_io;
	}
	const char *claimed[ML_MAX_STMT_LOCKS];
	for (size_t i = 0; effect && i < effect->n_locks; i++)
		if (effect->locks[i].mode != ML_LOCK_NONE)
			claimed[ts.n_claimed++] = effect->locks[i].table;
	ts.claimed = claimed;
	int column;
	ml_line_map_position(&st->map, unit->start, &ts.line, &column);
	ml_observation seen = { .error_offset = -1, .rows = -1 };
	st->observer->statement(st->observer->data, &ts, &seen);
	st->observed = st->top_observed = ml_observation_copy(st->file_arena, &seen);
}


/* Analyses unit, a parsed statement (ML_UNIT_STATEMENT or ML_UNIT_TX_END):
 * computes its effect, runs the rules, then applies what it changes
 * (transaction, locks, schema), and analyses the units of its PL/pgSQL
 * body after it. */
static void ml_engine_statement(ml_engine_state *st, const ml_unit *unit)
{
	const PgQuery__Node *stmt = unit->stmt;
	const ml_stmt_env *env = &unit->env;
	ml_effect effect;
	ml_effect_compute(st->file_arena, st->catalog, &st->tx, st->options->pg_major, stmt, env, &effect);
	if (st->observer && env->body == ML_BODY_TOP)
		observe(st, unit, &effect);
	int line, column;
	ml_line_map_position(&st->map, unit->start, &line, &column);
	/* A function or procedure body runs when called: it changes neither
	 * the transaction nor the schema now. */
	bool runs_now = env->body == ML_BODY_TOP || env->body == ML_BODY_DO;

	ml_stmt_ctx ctx;
	fill_context(st, &ctx, stmt, &effect, env);
	ctx.first_strong_lock = runs_now && ml_tx_first_strong_lock(&st->tx, &effect);
	size_t n_rules = ml_rule_count();
	const ml_effect *outer_effect = st->effect;
	st->effect = &effect;
	st->slow_work_rule = NULL;
	/* Registry order, then the rules that read what the others found. */
	for (int last = 0; last < 2; last++) {
		for (size_t i = 0; i < n_rules; i++) {
			const ml_rule *rule = ml_registry_rule(i);
			if (!rule->check || !st->rules->enabled[i] || rule->runs_last != (last == 1))
				continue;
			ctx.slow_work_reported_by = st->slow_work_rule ? st->slow_work_rule->info.name : NULL;
			rule->check(&ctx, rule);
			take_findings(st);
		}
	}
	st->effect = outer_effect;
	if (!runs_now) {
		/* What the routine's body uses, for the columns it depends on. */
		ml_catalog_body_stmt(st->catalog, stmt);
		if (st->options->record_statements)
			ml_engine_record_statement(st, stmt, &effect, st->tx.state, env->body);
		return;
	}
	ml_tx_state tx_before = st->tx.state;
	/* The transaction first: it reads the tables under the names they
	 * have before the statement. */
	ml_tx_apply(&st->tx, st->catalog, stmt, &effect, env->body, line, unit->start, unit->end);
	if (st->ledger) {
		/* Before the catalog applies it: the ledger reads what exists. */
		if (env->dynamic)
			ml_step_ledger_mark_unread(st->ledger);
		else
			ml_step_ledger_apply(st->ledger, st->catalog, stmt, line, unit->start, unit->end);
	}
	ml_catalog_apply(st->catalog, stmt, line);
	if (st->options->record_statements)
		ml_engine_record_statement(st, stmt, &effect, tx_before, env->body);

	if (stmt->node_case == PG_QUERY__NODE__NODE_DO_STMT ||
	    stmt->node_case == PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT) {
		/* The PL/pgSQL body: its statements are reported at their own
		 * lines, then this statement is the current unit again. */
		analyse_body(st, unit);
		ml_catalog_body_end(st->catalog);
		st->unit = unit;
	}
}

/* Runs every rule's end-of-file hook. */
static void finish_file(ml_engine_state *st)
{
	ml_effect none;
	memset(&none, 0, sizeof(none));
	none.form = "";
	/* Findings point at the open BEGIN, or at the end of the file. */
	bool open = st->tx.state == ML_TX_EXPLICIT;
	ml_unit end = { .start = open ? st->tx.begin_start : st->map.len,
			.end = open ? st->tx.begin_end : st->map.len };
	int col;
	ml_line_map_position(&st->map, end.start, &end.directive_line, &col);
	st->unit = &end;
	if (st->ledger) {
		ml_step_changes *changes = ml_arena_alloc(st->file_arena, sizeof(*changes));
		ml_step_ledger_result(st->ledger, st->file_arena, changes);
		st->migration->changes = changes;
	}
	ml_stmt_ctx ctx;
	fill_context(st, &ctx, NULL, &none, NULL);
	for (size_t i = 0; i < ml_rule_count(); i++) {
		const ml_rule *rule = ml_registry_rule(i);
		if (!rule->finish || !st->rules->enabled[i])
			continue;
		rule->finish(&ctx, rule);
		take_findings(st);
	}
	st->unit = NULL;
}

/* ---- units -------------------------------------------------------------- */

/* Analyses one unit and, for a DO block or a PL/pgSQL routine, the units
 * of its body after it. */
static void analyse_unit(ml_engine_state *st, const ml_unit *unit)
{
	st->unit = unit;
	/* Names computed at run time are the placeholder from here on. */
	if (unit->env.dynamic)
		st->had_dynamic = true;
	st->observed = NULL;
	bool traced = st->observer && unit->env.body == ML_BODY_TOP &&
		      (unit->kind == ML_UNIT_STATEMENT || unit->kind == ML_UNIT_TX_END ||
		       unit->kind == ML_UNIT_SYNTAX_ERROR || unit->kind == ML_UNIT_TOO_COMPLEX);
	st->top_observed = NULL;
	/* A statement is observed once its effect is known (ml_engine_statement). */
	if (traced && (unit->kind == ML_UNIT_SYNTAX_ERROR || unit->kind == ML_UNIT_TOO_COMPLEX))
		observe(st, unit, NULL);
	switch (unit->kind) {
	case ML_UNIT_TX_END:
		/* CALLs of a procedure whose body COMMITs commit too. */
		if (unit->procedure)
			ml_catalog_note_commits(st->catalog, unit->procedure);
		ml_engine_statement(st, unit);
		break;
	case ML_UNIT_STATEMENT:
		ml_engine_statement(st, unit);
		break;
	case ML_UNIT_SYNTAX_ERROR:
		if (st->ledger)
			ml_step_ledger_mark_unread(st->ledger);
		ml_engine_report_syntax_error(st, unit);
		break;
	case ML_UNIT_TOO_COMPLEX:
		if (st->ledger)
			ml_step_ledger_mark_unread(st->ledger);
		ml_engine_report_too_complex(st, unit);
		break;
	case ML_UNIT_NOT_ANALYSED:
		if (st->ledger)
			ml_step_ledger_mark_unread(st->ledger);
		ml_engine_report_at(st, &ml_rule_dynamic_sql_not_analysed, unit->start, unit->end,
				    ml_rule_dynamic_sql_not_analysed.info.help, unit->message);
		break;
	case ML_UNIT_META_COMMAND:
		ml_engine_report_at(st, &ml_rule_psql_meta_command, unit->start, unit->end,
				    ml_rule_psql_meta_command.info.help, unit->message);
		break;
	case ML_UNIT_INVALID_INPUT:
		ml_engine_report_at(st, &ml_rule_invalid_input, unit->start, unit->end, ml_rule_invalid_input.info.help,
				    unit->message);
		break;
	}
	if (traced) {
		/* The unit again: a DO block's body made others current. */
		st->unit = unit;
		ml_engine_report_trace_error(st, unit, st->top_observed);
		st->observed = st->top_observed = NULL;
	}
}

/* The units of the PL/pgSQL body of unit (a DO block or a routine), after
 * the ignore comments inside the body: the file's scan saw the body as
 * one string. */
static void analyse_body(ml_engine_state *st, const ml_unit *unit)
{
	ml_arena *arena = ml_arena_new();
	ml_unit_list body;
	ml_unit_list_init(&body, arena);
	ml_plpgsql_expand(unit, &st->map, st->bodies, &body);
	if (body.body_end > body.body_start &&
	    ml_mentions_directive(st->map.text + body.body_start, body.body_end - body.body_start)) {
		size_t first = st->suppressions.len;
		ml_suppressions_scan(st->file_arena, &st->map, body.body_start, body.body_end, &st->suppressions);
		ml_engine_take_suppressions(st, first);
	}
	/* A DO block run in autocommit is one transaction until it COMMITs. */
	bool implicit = body.walked && body.body == ML_BODY_DO && st->tx.state == ML_TX_NONE;
	if (implicit)
		st->tx.state = ML_TX_IMPLICIT;
	for (size_t i = 0; i < body.len; i++)
		analyse_unit(st, &body.items[i]);
	if (implicit)
		ml_tx_end(&st->tx, false);
	ml_unit_list_free(&body);
	ml_arena_free(arena);
}

void ml_engine_analyse(ml_engine_state *st, const ml_unit *units, size_t n)
{
	for (size_t i = 0; i < n; i++)
		analyse_unit(st, &units[i]);
	st->unit = NULL;
}

void ml_engine_end_command(ml_engine_state *st)
{
	if (st->tx.state == ML_TX_NONE)
		ml_tx_end(&st->tx, true); /* autocommit: the statement's own transaction ended */
}

/* ---- one file ------------------------------------------------------------ */

void ml_engine_file_start(ml_engine_state *st, ml_catalog *catalog, const ml_options *options,
			  const ml_rule_set *rules, const ml_line_map *map, ml_arena *file_arena,
			  ml_engine_output *out, const char *path)
{
	memset(st, 0, sizeof(*st));
	st->catalog = catalog;
	st->options = options;
	st->rules = rules;
	st->out = out;
	st->map = *map;
	st->file_arena = file_arena;
	st->findings.arena = file_arena;
	st->path = path;
	ml_catalog_begin_file(catalog, path);
	ml_tx_init(&st->tx, file_arena, options->assume_in_transaction ? ML_TX_ASSUMED : ML_TX_NONE);
}

void ml_engine_set_body_cache(ml_engine_state *st, ml_body_cache *bodies)
{
	st->bodies = bodies;
}

void ml_engine_set_observer(ml_engine_state *st, const ml_statement_observer *observer)
{
	st->observer = observer;
}

void ml_engine_set_migration(ml_engine_state *st, ml_migration_facts *facts)
{
	st->migration = facts;
	st->ledger = facts ? ml_step_ledger_new(st->file_arena) : NULL;
}

void ml_engine_add_suppressions(ml_engine_state *st, ml_suppression *const *found, size_t n)
{
	size_t first = st->suppressions.len;
	for (size_t i = 0; i < n; i++)
		ml_ptr_vec_push(st->file_arena, &st->suppressions, found[i]);
	ml_engine_take_suppressions(st, first);
}

void ml_engine_next_step(ml_engine_state *st, bool new_migration, bool in_transaction)
{
	if (st->tx.state == ML_TX_ASSUMED)
		ml_tx_end(&st->tx, false);
	if (new_migration)
		ml_catalog_begin_file(st->catalog, st->path);
	if (in_transaction && st->tx.state == ML_TX_NONE)
		st->tx.state = ML_TX_ASSUMED;
}

void ml_engine_set_one_query(ml_engine_state *st, bool one_query)
{
	st->one_query_step = one_query;
}

void ml_engine_finish_file(ml_engine_state *st)
{
	finish_file(st);
	ml_engine_report_unused_ignores(st);
}

size_t ml_engine_text_needed_from(const ml_engine_state *st, size_t next)
{
	/* Findings point at the next unit or later, or at the BEGIN of the
	 * open transaction. */
	if (st->tx.state == ML_TX_EXPLICIT && st->tx.begin_start < next)
		return st->tx.begin_start;
	return next;
}

/* ---- a whole history ------------------------------------------------------ */

void ml_engine_check_history(const ml_history_ctx *ctx, const ml_rule_set *rules)
{
	for (size_t i = 0; i < ml_rule_count(); i++) {
		const ml_rule *rule = ml_registry_rule(i);
		if (rule->check_history && rules->enabled[i])
			rule->check_history(ctx, rule);
	}
}
