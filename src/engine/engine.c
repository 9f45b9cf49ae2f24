/*
 * engine.c - the fold over a file's statement units (the driver in
 * src/run/lint_file.c makes them): keeps the transaction and lock state as
 * the units run in order, runs every enabled rule over each statement,
 * walks the units of a PL/pgSQL body after the statement they belong to,
 * maps the other kinds of unit to the engine's own rules, and records the
 * findings with the suppression comments that silence them.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pg_query.h>

#include "arena.h"
#include "catalog.h"
#include "effects.h"
#include "engine.h"
#include "facts.h"
#include "findings.h"
#include "ignore_index.h"
#include "linemap.h"
#include "lock_table.h"
#include "migralint/migralint.h"
#include "plpgsql.h"
#include "rule.h"
#include "rule_set.h"
#include "stmt_unit.h"
#include "suppress.h"
#include "tree.h"
#include "tx.h"

/* Excerpts show at most this many lines of a statement, and of each line
 * at most this many bytes, then EXCERPT_CUT. */
#define EXCERPT_MAX_LINES 6
#define EXCERPT_MAX_LINE_BYTES 1000
#define EXCERPT_CUT " ..."
#define EXCERPT_MAX_BYTES (EXCERPT_MAX_LINES * (EXCERPT_MAX_LINE_BYTES + sizeof(EXCERPT_CUT)))

/* ---- reporting ----------------------------------------------------------- */

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' || c == '.' || (unsigned char)c >= 0x80;
}

const char *ml_engine_without_placeholder(ml_arena *arena, const char *text)
{
	if (!text || !strstr(text, ML_DYNAMIC_PLACEHOLDER))
		return text;
	size_t len = strlen(text), room = len + 1;
	/* Each replacement grows the text by at most this much. */
	size_t grow = sizeof(ML_DYNAMIC_NAME_TEXT) > sizeof(ML_DYNAMIC_PLACEHOLDER)
			      ? sizeof(ML_DYNAMIC_NAME_TEXT) - sizeof(ML_DYNAMIC_PLACEHOLDER)
			      : 0;
	for (const char *p = text; (p = strstr(p, ML_DYNAMIC_PLACEHOLDER)); p += sizeof(ML_DYNAMIC_PLACEHOLDER) - 1)
		room += grow;
	char *out = ml_arena_alloc(arena, room);
	size_t used = 0, at = 0;
	const char *hit;
	while ((hit = strstr(text + at, ML_DYNAMIC_PLACEHOLDER))) {
		size_t start = (size_t)(hit - text), end = start + sizeof(ML_DYNAMIC_PLACEHOLDER) - 1;
		/* The whole name around it, and its quotes when it has them. */
		while (start > at && is_name_char(text[start - 1]))
			start--;
		while (end < len && is_name_char(text[end]))
			end++;
		while (end > start && text[end - 1] == '.')
			end--; /* a full stop ending the sentence */
		if (start > at && end < len && (text[start - 1] == '"' || text[start - 1] == '\'') &&
		    text[end] == text[start - 1]) {
			start--;
			end++;
		}
		memcpy(out + used, text + at, start - at);
		used += start - at;
		memcpy(out + used, ML_DYNAMIC_NAME_TEXT, sizeof(ML_DYNAMIC_NAME_TEXT) - 1);
		used += sizeof(ML_DYNAMIC_NAME_TEXT) - 1;
		at = end;
	}
	memcpy(out + used, text + at, len - at);
	used += len - at;
	out[used] = '\0';
	return out;
}

/* The public view of the comment s, for the findings it silences: made once,
 * in the run's arena (the comment itself lives with the file). */
static const ml_suppression_info *suppression_info(ml_engine_state *st, ml_suppression *s)
{
	if (!s->info) {
		ml_suppression_info *info = ml_arena_alloc(st->run->arena, sizeof(*info));
		info->kind = ml_suppression_kind(s);
		info->reason = s->reason && *s->reason ? ml_arena_strdup(st->run->arena, s->reason) : NULL;
		info->line = s->line;
		info->column = s->column;
		s->info = info;
	}
	return s->info;
}

static const char *excerpt_of(ml_engine_state *st, int line, int end_line)
{
	if (end_line - line + 1 > EXCERPT_MAX_LINES)
		end_line = line + EXCERPT_MAX_LINES - 1;
	size_t start = ml_line_map_line_start(&st->map, line);
	size_t end = ml_line_map_line_end(&st->map, end_line);
	if (end < start)
		end = start;
	/* Text already given back reads as zeros: no excerpt rather than a
	 * wrong one (the engine keeps what its findings can point at). */
	if (st->source && start < st->source->dropped)
		return NULL;
	/* Each line is cut at EXCERPT_MAX_LINE_BYTES (on a character
	 * boundary), so a 50 MB line does not come back in every report. */
	/* A line of up to EXCERPT_MAX_LINE_BYTES + 3 bytes gets longer when
	 * cut: room for a cut mark on every line. */
	size_t room = (end - start < EXCERPT_MAX_BYTES ? end - start : EXCERPT_MAX_BYTES) +
		      EXCERPT_MAX_LINES * (sizeof(EXCERPT_CUT) - 1) + 1;
	char *out = ml_arena_alloc(st->run->arena, room);
	size_t used = 0;
	/* Lines are joined with "\n" whatever their breaks were ("\r\n", a
	 * lone "\r"), so every report sees one kind of line. */
	for (int l = line; l <= end_line; l++) {
		size_t at = ml_line_map_line_start(&st->map, l);
		size_t line_end = ml_line_map_line_end(&st->map, l);
		size_t take = line_end - at;
		bool cut = take > EXCERPT_MAX_LINE_BYTES;
		if (cut) {
			take = EXCERPT_MAX_LINE_BYTES;
			while (take > 0 && ((unsigned char)st->map.text[at + take] & 0xC0) == 0x80)
				take--;
		}
		memcpy(out + used, st->map.text + at, take);
		used += take;
		if (cut) {
			memcpy(out + used, EXCERPT_CUT, sizeof(EXCERPT_CUT) - 1);
			used += sizeof(EXCERPT_CUT) - 1;
		}
		if (l < end_line)
			out[used++] = '\n';
	}
	out[used] = '\0';
	return out;
}

/* ml_engine_report_at for a finding whose ignore comments are those of
 * directive_line (0: the finding's own line); about, when not NULL, is a
 * comment the finding is about, which does not silence it. */
static ml_diagnostic *report_at(ml_engine_state *st, const ml_rule *rule, size_t start, size_t end,
				int directive_line, const ml_suppression *about, const char *help, const char *message)
{
	ml_run *run = st->run;
	if (!st->rules->enabled[ml_registry_index(rule)])
		return NULL;
	/* Said, even if a comment silences it: the hazard was looked at. */
	if (rule->reports_slow_work && !st->slow_work_rule)
		st->slow_work_rule = rule;
	int line, column, end_line, end_column;
	ml_line_map_position(&st->map, start, &line, &column);
	if (end < start)
		end = start;
	ml_line_map_position(&st->map, end, &end_line, &end_column);
	if (!directive_line)
		directive_line = line;
	ml_suppression *by = ml_ignore_index_match(&st->ignores, ml_registry_index(rule), directive_line, line,
						   about);
	ml_diagnostic *d = ml_arena_alloc(run->arena, sizeof(*d));
	if (by)
		d->suppressed = suppression_info(st, by);
	d->rule = rule->info.name;
	d->severity = st->rules->severity[ml_registry_index(rule)];
	d->path = st->path;
	d->line = line;
	d->column = column;
	d->end_line = end_line;
	d->end_column = end_column;
	d->start = start;
	d->end = end;
	/* Names computed at run time are the placeholder inside the engine;
	 * only dynamic SQL makes them. */
	if (st->had_dynamic) {
		message = ml_engine_without_placeholder(st->file_arena, message);
		help = ml_engine_without_placeholder(st->file_arena, help);
	}
	d->message = ml_arena_strdup(run->arena, message);
	/* A rule's own help is static: only a message-specific one is copied. */
	d->help = !help || help == rule->info.help ? help : ml_arena_strdup(run->arena, help);
	d->excerpt = st->options->skip_excerpts ? NULL : excerpt_of(st, line, end_line);
	d->rewrite = d->scan = -1;
	const ml_effect *e = st->effect;
	if (e && e->n_locks) {
		ml_table_lock *locks = ml_arena_alloc(run->arena, e->n_locks * sizeof(*locks));
		for (size_t i = 0; i < e->n_locks; i++) {
			locks[i].table = ml_arena_strdup(run->arena, st->had_dynamic ? ml_engine_without_placeholder(
										       st->file_arena, e->locks[i].table)
									 : e->locks[i].table);
			locks[i].mode = ml_lock_mode_name(e->locks[i].mode);
		}
		d->locks = locks;
		d->n_locks = e->n_locks;
		d->rewrite = e->rewrite;
		d->scan = e->scan;
	}
	ml_ptr_vec_push(run->arena, &run->diagnostics, d);
	return d;
}

ml_diagnostic *ml_engine_report_at(ml_engine_state *st, const ml_rule *rule, size_t start, size_t end,
				  const char *help, const char *message)
{
	return report_at(st, rule, start, end, st->unit ? st->unit->directive_line : 0, NULL, help, message);
}


/* The statement type for the lock timeline: "CREATE FUNCTION" for
 * CreateFunctionStmt, from the protobuf field name. */
static const char *statement_type(ml_arena *arena, const PgQuery__Node *stmt)
{
	if (stmt->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT) {
		static const char *const KINDS[] = { "TRANSACTION", "BEGIN", "START TRANSACTION", "COMMIT",
						     "ROLLBACK", "SAVEPOINT", "RELEASE", "ROLLBACK TO",
						     "PREPARE TRANSACTION", "COMMIT PREPARED", "ROLLBACK PREPARED" };
		size_t k = (size_t)stmt->transaction_stmt->kind;
		return k < sizeof(KINDS) / sizeof(KINDS[0]) ? KINDS[k] : "TRANSACTION";
	}
	if (stmt->node_case == PG_QUERY__NODE__NODE_VARIABLE_SET_STMT)
		return "SET";
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field(stmt->base.descriptor, (unsigned)stmt->node_case);
	if (!f)
		return "statement";
	char *name = ml_arena_strdup(arena, f->name);
	size_t n = strlen(name);
	if (n > 5 && !strcmp(name + n - 5, "_stmt"))
		name[n - 5] = '\0';
	for (char *p = name; *p; p++)
		*p = *p == '_' ? ' ' : (char)toupper((unsigned char)*p);
	return name;
}

static void record_statement(ml_engine_state *st, const PgQuery__Node *stmt, const ml_effect *effect,
			     ml_tx_state tx, ml_body_kind body)
{
	ml_run *run = st->run;
	ml_statement_record *r = ml_arena_alloc(run->arena, sizeof(*r));
	r->path = st->path;
	ml_line_map_position(&st->map, st->unit->start, &r->line, &r->column);
	r->kind = effect->n_locks ? ml_arena_strdup(run->arena, effect->form) : statement_type(run->arena, stmt);
	r->n_locks = effect->n_locks;
	for (size_t i = 0; i < effect->n_locks; i++) {
		r->locks[i] = effect->locks[i];
		r->locks[i].table = ml_arena_strdup(run->arena, st->had_dynamic ? ml_engine_without_placeholder(
									       st->file_arena, effect->locks[i].table)
								 : effect->locks[i].table);
	}
	r->rewrite = effect->rewrite;
	r->scan = effect->scan;
	r->tx = tx;
	r->body = body;
	r->n_held = st->tx.state == ML_TX_NONE ? 0 : st->tx.n_held;
	r->held = ml_arena_alloc(run->arena, (r->n_held + 1) * sizeof(ml_lock));
	for (size_t i = 0; i < r->n_held; i++) {
		r->held[i] = st->tx.held[i];
		r->held[i].table = ml_arena_strdup(run->arena, st->had_dynamic ? ml_engine_without_placeholder(
									     st->file_arena, st->tx.held[i].table)
								   : st->tx.held[i].table);
	}
	ml_ptr_vec_push(run->arena, &run->statements, r);
}

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
		.span = { .text = st->map.text, .start = st->unit->start, .end = st->unit->end,
			  .loc_base = st->unit->loc_base, .loc_limit = st->unit->loc_limit, .exact = st->unit->loc_exact },
		.catalog = st->run->catalog,
		.tx = &st->tx,
		.arena = st->file_arena,
		.out = &st->findings,
		.engine = st,
	};
}

/* Records what the rules reported into st->findings: the ones of rules that
 * are on become diagnostics, with their fix. */
static void take_findings(ml_engine_state *st)
{
	for (size_t i = 0; i < st->findings.len; i++) {
		const ml_finding *f = &st->findings.items[i];
		ml_diagnostic *d = ml_engine_report_at(st, f->rule, f->start, f->end, f->help, f->message);
		if (!d || !f->n_edits)
			continue;
		ml_fix *fix = ml_arena_alloc(st->run->arena, sizeof(*fix));
		ml_edit *edits = ml_arena_alloc(st->run->arena, f->n_edits * sizeof(*edits));
		for (size_t k = 0; k < f->n_edits; k++) {
			edits[k] = f->edits[k];
			ml_line_map_position(&st->map, edits[k].start, &edits[k].line, &edits[k].column);
			ml_line_map_position(&st->map, edits[k].end, &edits[k].end_line, &edits[k].end_column);
			edits[k].replacement = ml_arena_strdup(st->run->arena, f->edits[k].replacement);
		}
		fix->edits = edits;
		fix->n_edits = f->n_edits;
		fix->description = ml_arena_strdup(st->run->arena, f->fix_description);
		d->fix = fix;
	}
	st->findings.len = 0;
}

static void analyse_body(ml_engine_state *st, const ml_unit *unit);

/* Analyses unit, a parsed statement (ML_UNIT_STATEMENT or ML_UNIT_TX_END):
 * computes its effect, runs the rules, then applies what it changes
 * (transaction, locks, schema), and analyses the units of its PL/pgSQL
 * body after it. */
static void ml_engine_statement(ml_engine_state *st, const ml_unit *unit)
{
	const PgQuery__Node *stmt = unit->stmt;
	const ml_stmt_env *env = &unit->env;
	ml_effect effect;
	ml_effect_compute(st->file_arena, st->run->catalog, &st->tx, st->options->pg_major, stmt, env, &effect);
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
		if (st->options->record_statements)
			record_statement(st, stmt, &effect, st->tx.state, env->body);
		return;
	}
	ml_tx_state tx_before = st->tx.state;
	/* The transaction first: it reads the tables under the names they
	 * have before the statement. */
	ml_tx_apply(&st->tx, st->run->catalog, stmt, &effect, env->body, line, unit->start, unit->end);
	ml_catalog_apply(st->run->catalog, stmt);
	if (st->options->record_statements)
		record_statement(st, stmt, &effect, tx_before, env->body);

	if (stmt->node_case == PG_QUERY__NODE__NODE_DO_STMT ||
	    stmt->node_case == PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT) {
		/* The PL/pgSQL body: its statements are reported at their own
		 * lines, then this statement is the current unit again. */
		analyse_body(st, unit);
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

static void report_syntax_error(ml_engine_state *st, const ml_unit *unit)
{
	if (unit->is_statement && st->options->record_statements) {
		/* The timeline lists every statement, the ones that did not parse too. */
		ml_run *run = st->run;
		ml_statement_record *r = ml_arena_alloc(run->arena, sizeof(*r));
		r->path = st->path;
		ml_line_map_position(&st->map, unit->start, &r->line, &r->column);
		r->kind = "syntax error";
		r->tx = st->tx.state;
		r->held = ml_arena_alloc(run->arena, sizeof(ml_lock));
		ml_ptr_vec_push(run->arena, &run->statements, r);
	}
	ml_engine_report_at(st, &ml_rule_syntax_error, unit->error_start, unit->error_end, ml_rule_syntax_error.info.help,
			    unit->message);
}

/* n with a comma between groups of three digits, in arena. */
static const char *grouped(ml_arena *arena, size_t n)
{
	char digits[32], out[48];
	int len = snprintf(digits, sizeof(digits), "%zu", n), used = 0;
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[used++] = ',';
		out[used++] = digits[i];
	}
	out[used] = '\0';
	return ml_arena_strdup(arena, out);
}

static void report_too_complex(ml_engine_state *st, const ml_unit *unit)
{
	const char *message;
	if (unit->tokens)
		message = ml_arena_printf(st->file_arena,
					  "%s too large to analyse: %s tokens, more than the %s migralint parses; it was "
					  "not checked",
					  unit->what, grouped(st->file_arena, unit->tokens),
					  grouped(st->file_arena, ML_MAX_STATEMENT_TOKENS));
	else if (unit->partial)
		message = ml_arena_printf(st->file_arena,
					  "%s nested too deeply to analyse; statements below this depth were not checked",
					  unit->what);
	else
		message = ml_arena_printf(st->file_arena, "%s nested too deeply to analyse: it was not checked",
					  unit->what);
	ml_engine_report_at(st, &ml_rule_statement_too_complex, unit->start, unit->start,
			    ml_rule_statement_too_complex.info.help, message);
}

/* Analyses one unit and, for a DO block or a PL/pgSQL routine, the units
 * of its body after it. */
static void analyse_unit(ml_engine_state *st, const ml_unit *unit)
{
	st->unit = unit;
	/* Names computed at run time are the placeholder from here on. */
	if (unit->env.dynamic)
		st->had_dynamic = true;
	switch (unit->kind) {
	case ML_UNIT_TX_END:
		/* CALLs of a procedure whose body COMMITs commit too. */
		if (unit->procedure)
			ml_catalog_note_commits(st->run->catalog, unit->procedure);
		ml_engine_statement(st, unit);
		break;
	case ML_UNIT_STATEMENT:
		ml_engine_statement(st, unit);
		break;
	case ML_UNIT_SYNTAX_ERROR:
		report_syntax_error(st, unit);
		break;
	case ML_UNIT_TOO_COMPLEX:
		report_too_complex(st, unit);
		break;
	case ML_UNIT_NOT_ANALYSED:
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
}

/* The units of the PL/pgSQL body of unit (a DO block or a routine), after
 * the ignore comments inside the body: the file's scan saw the body as
 * one string. */
static void analyse_body(ml_engine_state *st, const ml_unit *unit)
{
	ml_arena *arena = ml_arena_new();
	ml_unit_list body;
	ml_unit_list_init(&body, arena);
	ml_plpgsql_expand(unit, &st->map, &body);
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

void ml_engine_take_suppressions(ml_engine_state *st, size_t first)
{
	for (size_t i = first; i < st->suppressions.len; i++)
		ml_ignore_index_add(st->file_arena, &st->ignores, st->suppressions.items[i]);
	/* Reports on a comment are silenced by the comments of their own line. */
	for (size_t i = first; i < st->suppressions.len; i++) {
		const ml_suppression *s = st->suppressions.items[i];
		size_t at = s->offset;
		if (s->n_rules == 0 && !s->all_rules) {
			const char *message = ml_arena_printf(st->file_arena, "%s names no rule; it silences nothing",
							      ml_suppression_kind(s));
			report_at(st, &ml_rule_unknown_rule_in_ignore, at, at, 0, NULL,
				  ml_rule_unknown_rule_in_ignore.info.help, message);
			continue;
		}
		for (size_t k = 0; k < s->n_rules; k++) {
			if (s->names[k].rules[0] || s->names[k].foreign)
				continue;
			const char *message = ml_arena_printf(st->file_arena, "unknown rule \"%s\" in %s comment",
							      s->rules[k], ml_suppression_kind(s));
			size_t name_at = at + s->rule_at[k];
			report_at(st, &ml_rule_unknown_rule_in_ignore, name_at, name_at + strlen(s->rules[k]), 0, NULL,
				  ml_rule_unknown_rule_in_ignore.info.help, message);
		}
		if (!s->reason || !*s->reason) {
			/* Its own ignore-without-reason would only excuse itself. */
			const char *message = ml_arena_printf(
				st->file_arena, "%s comment gives no reason: say after %s why the waiver is safe",
				ml_suppression_kind(s),
				s->directive == ML_DIRECTIVE_SQUAWK ? "a second \"--\"" : "a colon");
			report_at(st, &ml_rule_ignore_without_reason, at, at, 0, s, ml_rule_ignore_without_reason.info.help,
				  message);
		}
	}
}

/* Reports each rule name of the file's comments that silenced no finding,
 * at the end of the file when every finding has been made. Names of rules
 * that are off for this file are not reported: the comment may be meant for
 * a run that checks them. A name that silences unused-ignore itself is
 * judged last, once the reports it may silence are made, and it never
 * silences the report about itself. */
static void report_unused_ignores(ml_engine_state *st)
{
	if (!st->rules->enabled[ml_registry_index(&ml_rule_unused_ignore)])
		return;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < st->suppressions.len; i++) {
			ml_suppression *s = st->suppressions.items[i];
			if (s->all_rules && pass == 1 && !s->names[0].used) {
				/* It silences unused-ignore too: judged last, and
				 * never by itself. */
				const char *message = ml_arena_printf(
					st->file_arena, "this %s comment without rule names silences every rule, but the file "
							"has no finding to silence",
					ml_suppression_kind(s));
				report_at(st, &ml_rule_unused_ignore, s->offset, s->offset, 0, s,
					  ml_rule_unused_ignore.info.help, message);
			}
			for (size_t k = 0; k < s->n_rules; k++) {
				const ml_ignore_name *name = &s->names[k];
				if (!name->rules[0] || name->used)
					continue;
				bool about_itself = false, enabled = false;
				for (size_t r = 0; r < 2 && name->rules[r]; r++) {
					about_itself |= name->rules[r] == &ml_rule_unused_ignore;
					enabled |= st->rules->enabled[ml_registry_index(name->rules[r])];
				}
				if (!enabled || about_itself != (pass == 1))
					continue;
				const char *message = ml_arena_printf(
					st->file_arena, "\"%s\" in this %s comment silences nothing: %s has no %s%s%s finding",
					s->rules[k], ml_suppression_kind(s),
					s->whole_file ? "the file" : "the statement it covers", name->rules[0]->info.name,
					name->rules[1] ? " or " : "", name->rules[1] ? name->rules[1]->info.name : "");
				size_t at = s->offset + s->rule_at[k];
				report_at(st, &ml_rule_unused_ignore, at, at + strlen(s->rules[k]), 0,
					  about_itself ? s : NULL, ml_rule_unused_ignore.info.help, message);
			}
		}
	}
}

void ml_engine_file_start(ml_engine_state *st, ml_run *run, const char *path, const ml_options *options,
			  const ml_rule_set *rules, const struct ml_source *src, const ml_line_map *map,
			  ml_arena *file_arena)
{
	memset(st, 0, sizeof(*st));
	st->run = run;
	st->options = options;
	st->rules = rules;
	st->path = path;
	st->source = src;
	st->map = *map;
	st->file_arena = file_arena;
	st->findings.arena = file_arena;
	ml_catalog_begin_file(run->catalog);
	ml_tx_init(&st->tx, file_arena, options->assume_in_transaction ? ML_TX_ASSUMED : ML_TX_NONE);
}

void ml_engine_add_suppressions(ml_engine_state *st, ml_suppression *const *found, size_t n)
{
	size_t first = st->suppressions.len;
	for (size_t i = 0; i < n; i++)
		ml_ptr_vec_push(st->file_arena, &st->suppressions, found[i]);
	ml_engine_take_suppressions(st, first);
}

void ml_engine_finish_file(ml_engine_state *st)
{
	finish_file(st);
	report_unused_ignores(st);
}

size_t ml_engine_text_needed_from(const ml_engine_state *st, size_t next)
{
	/* Findings point at the next unit or later, or at the BEGIN of the
	 * open transaction. */
	if (st->tx.state == ML_TX_EXPLICIT && st->tx.begin_start < next)
		return st->tx.begin_start;
	return next;
}
