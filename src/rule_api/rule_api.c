/*
 * rule_api.c - the helpers of rule_api.h that read the rule context: report
 * a finding, the statement's text, and the shared questions of several rules
 * about ALTER TABLE, constraints, column types and locks. A finding becomes a
 * byte span and a message appended to the context's sink; whether the rule
 * is on, whether a comment silences it, its severity, line and excerpt are
 * decided above this layer, by the engine and the run.
 */
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "facts.h"
#include "findings.h"
#include "lock_forms.h"
#include "migralint/migralint.h"
#include "rule.h"
#include "rule_alter.h"
#include "rule_catalog.h"
#include "rule_report.h"
#include "rule_tree.h"
#include "tree.h"

void ml_findings_add(ml_findings *out, const ml_finding *f)
{
	if (out->len == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 8;
		out->items = ml_arena_grow(out->arena, out->items, out->cap * sizeof(*out->items),
					   cap * sizeof(*out->items));
		out->cap = cap;
	}
	out->items[out->len++] = *f;
}

/* Appends a finding of rule at location (see ml_report) with message, help
 * and, when n_edits > 0, the fix edits (file offsets, in the sink's arena). */
static void report_at(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, const char *help,
		      const ml_edit *edits, size_t n_edits, const char *description, const ml_report_extra *extra,
		      const char *message)
{
	const ml_stmt_span *span = &ctx->span;
	size_t start = span->start;
	if (location >= 0 && span->exact && (size_t)location < span->loc_limit)
		start = span->loc_base + (size_t)location;
	if (start < span->start || start > span->end)
		start = span->start;
	ml_finding f = {
		.rule = rule,
		.start = start,
		.end = span->end,
		.message = message,
		.help = help,
	};
	if (n_edits) {
		f.edits = edits;
		f.n_edits = n_edits;
		f.fix_description = ml_arena_strdup(ctx->out->arena, description);
	}
	if (extra) {
		/* The array may be the rule's own; the strings live as long as
		 * the statement's analysis, and the engine copies them. */
		if (extra->n_references) {
			ml_reference *refs = ml_arena_alloc(ctx->out->arena, extra->n_references * sizeof(*refs));
			memcpy(refs, extra->references, extra->n_references * sizeof(*refs));
			f.references = refs;
			f.n_references = extra->n_references;
		}
		f.gone_schema = extra->gone_schema;
		f.gone_table = extra->gone_table;
		f.gone_column = extra->gone_column;
		f.only_if_used = extra->only_if_used;
	}
	ml_findings_add(ctx->out, &f);
}

static void report_va(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, const char *help,
		      const ml_report_extra *extra, const char *fmt, va_list ap)
{
	report_at(ctx, rule, location, help, NULL, 0, NULL, extra, ml_arena_vprintf(ctx->out->arena, fmt, ap));
}

void ml_report_edits(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, const char *help,
		     const ml_edit *edits, size_t n_edits, const char *description, const char *message)
{
	report_at(ctx, rule, location, help, edits, n_edits, description, NULL, message);
}

void ml_report(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_va(ctx, rule, location, rule->info.help, NULL, fmt, ap);
	va_end(ap);
}

void ml_report_span(const ml_stmt_ctx *ctx, const ml_rule *rule, size_t start, size_t end, const char *fmt, ...)
{
	size_t len = ctx->span.text ? strlen(ctx->span.text) : 0;
	if (end > len)
		end = len;
	if (start > end)
		start = end;
	va_list ap;
	va_start(ap, fmt);
	ml_finding f = { .rule = rule, .start = start, .end = end, .help = rule->info.help,
			 .message = ml_arena_vprintf(ctx->out->arena, fmt, ap) };
	va_end(ap);
	ml_findings_add(ctx->out, &f);
}

void ml_report_help(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, const char *help,
		    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_va(ctx, rule, location, help, NULL, fmt, ap);
	va_end(ap);
}

void ml_report_extra_at(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, const ml_report_extra *extra,
			const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_va(ctx, rule, location, rule->info.help, extra, fmt, ap);
	va_end(ap);
}

const char *ml_slow_work_reported_by(const ml_stmt_ctx *ctx)
{
	return ctx->slow_work_reported_by;
}

const char *ml_stmt_text(const ml_stmt_ctx *ctx, size_t *len)
{
	const ml_stmt_span *span = &ctx->span;
	if (!span->exact || span->end < span->loc_base) {
		*len = 0;
		return NULL;
	}
	*len = span->end - span->loc_base;
	return span->text + span->loc_base;
}

const char *ml_type_text(const ml_stmt_ctx *ctx, const PgQuery__TypeName *type)
{
	return ml_type_name_text(ctx->arena, type);
}

const PgQuery__AlterTableStmt *ml_alter_table(const ml_stmt_ctx *ctx)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT || !ctx->stmt->alter_table_stmt->relation)
		return NULL;
	const PgQuery__AlterTableStmt *as = ctx->stmt->alter_table_stmt;
	return as && as->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ? as : NULL;
}

const char *ml_constraint_label(const ml_stmt_ctx *ctx, const PgQuery__Constraint *con, const char *kind,
				const char *unnamed)
{
	if (con->conname && *con->conname)
		return ml_arena_printf(ctx->arena, "%s \"%s\"", kind, con->conname);
	return unnamed;
}

ml_lock_mode ml_lock_mode_on(const ml_stmt_ctx *ctx, const char *table, ml_lock_mode fallback)
{
	for (size_t i = 0; i < ctx->effect->n_locks; i++)
		if (!strcmp(ctx->effect->locks[i].table, table))
			return ctx->effect->locks[i].mode;
	return fallback;
}

const ml_lock *ml_first_strong_lock(const ml_stmt_ctx *ctx)
{
	if (!ctx->first_strong_lock)
		return NULL;
	const ml_lock *best = NULL;
	for (size_t i = 0; i < ctx->effect->n_locks; i++) {
		const ml_lock *l = &ctx->effect->locks[i];
		if (!l->new_table && (!best || l->mode > best->mode))
			best = l;
	}
	return best;
}

/* The name of a built-in type (written bare or as pg_catalog.name), or NULL
 * for a user type and for %TYPE references. */
static const char *builtin_type(const PgQuery__TypeName *type)
{
	if (!type || type->n_names == 0 || type->pct_type)
		return NULL;
	if (type->n_names > 1) {
		const PgQuery__Node *schema = type->names[type->n_names - 2];
		if (!schema || schema->node_case != PG_QUERY__NODE__NODE_STRING ||
		    strcmp(schema->string->sval, "pg_catalog") != 0)
			return NULL;
	}
	return ml_last_name(type->names, type->n_names);
}

static void visit_column(const ml_stmt_ctx *ctx, const ml_rule *rule, ml_column_type_fn fn,
			 const PgQuery__RangeVar *table, const char *column, const PgQuery__TypeName *type,
			 bool type_change)
{
	if (!type)
		return;
	ml_column_type col = { .table = table, .column = column, .type = type, .builtin = builtin_type(type),
			       .type_change = type_change };
	fn(ctx, rule, &col);
}

void ml_each_column_type(const ml_stmt_ctx *ctx, const ml_rule *rule, ml_column_type_fn fn)
{
	const PgQuery__Node *stmt = ctx->stmt;
	if (stmt->node_case == PG_QUERY__NODE__NODE_CREATE_STMT) {
		const PgQuery__CreateStmt *cs = stmt->create_stmt;
		if (!cs->relation || !strcmp(cs->relation->relpersistence, "t"))
			return;
		for (size_t i = 0; i < cs->n_table_elts; i++) {
			const PgQuery__Node *e = cs->table_elts[i];
			if (e && e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF)
				visit_column(ctx, rule, fn, cs->relation, e->column_def->colname, e->column_def->type_name,
					     false);
		}
		return;
	}
	const PgQuery__AlterTableStmt *as = ml_alter_table(ctx);
	if (!as)
		return;
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		const PgQuery__ColumnDef *added = ml_added_column(cmd);
		if (added)
			visit_column(ctx, rule, fn, as->relation, added->colname, added->type_name, false);
		else if (cmd && cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType && cmd->def &&
			 cmd->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF)
			visit_column(ctx, rule, fn, as->relation, cmd->name, cmd->def->column_def->type_name, true);
	}
}

bool ml_column_table_is_new(const ml_stmt_ctx *ctx, const ml_column_type *col)
{
	if (ctx->stmt->node_case == PG_QUERY__NODE__NODE_CREATE_STMT) {
		const PgQuery__CreateStmt *cs = ctx->stmt->create_stmt;
		return !(cs->if_not_exists && ml_table_seen(ctx, cs->relation));
	}
	return ml_table_is_new(ctx, col->table);
}

bool ml_type_modifier(const PgQuery__TypeName *type, size_t i, int *out)
{
	const PgQuery__Node *m = type && i < type->n_typmods ? type->typmods[i] : NULL;
	if (!m || m->node_case != PG_QUERY__NODE__NODE_A_CONST || m->a_const->val_case != PG_QUERY__A__CONST__VAL_IVAL)
		return false;
	*out = m->a_const->ival->ival;
	return true;
}

/* ---- a look at the rest of the file ------------------------------------- */

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       (unsigned char)c >= 0x80;
}

/* The words before offset at in its statement (back to the previous ';'),
 * lower-cased and joined by single spaces, into buf. */
static void words_before(const char *text, size_t from, size_t at, char *buf, size_t size)
{
	size_t start = at;
	while (start > from && text[start - 1] != ';' && at - start < 400)
		start--;
	size_t n = 0;
	bool space = false;
	for (size_t i = start; i < at && n + 2 < size; i++) {
		char c = text[i];
		/* Comments are not the statement's words. */
		if (c == '-' && i + 1 < at && text[i + 1] == '-') {
			while (i < at && text[i] != '\n')
				i++;
			space = true;
			continue;
		}
		if (c == '/' && i + 1 < at && text[i + 1] == '*') {
			const char *close = strstr(text + i + 2, "*/");
			if (!close || (size_t)(close - text) >= at)
				break;
			i = (size_t)(close - text) + 1;
			space = true;
			continue;
		}
		if (word_char(c)) {
			if (space && n)
				buf[n++] = ' ';
			space = false;
			buf[n++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		} else {
			space = true;
		}
	}
	buf[n] = '\0';
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

#define LOOK_AHEAD (64 * 1024)

/* Calls test on the words before each whole-word, case-insensitive use of
 * name in the text after the statement, until it says true. */
static bool later_use_where(const ml_stmt_ctx *ctx, const char *name, bool (*test)(const char *words))
{
	const ml_stmt_span *span = &ctx->span;
	if (!span->text || !name || !*name)
		return false;
	/* The rest of the migration, as far as a look ahead stays cheap: a
	 * file of many statements must not be read again for each. */
	size_t n = strlen(name), from = span->end;
	size_t limit = from + LOOK_AHEAD;
	const char *text = span->text;
	for (size_t at = from; text[at] && at < limit; at++) {
		if (((text[at] ^ name[0]) & ~0x20) != 0 || strncasecmp(text + at, name, n) != 0)
			continue;
		const char *p = text + at;
		if ((at > from && word_char(p[-1])) || word_char(p[n]))
			continue;
		char words[512];
		words_before(span->text, from, at, words, sizeof(words));
		if (test(words))
			return true;
	}
	return false;
}

static bool replaces_routine(const char *words)
{
	return starts_with(words, "create or replace function") || starts_with(words, "create or replace procedure") ||
	       starts_with(words, "drop function") || starts_with(words, "drop procedure") ||
	       starts_with(words, "drop routine");
}

static bool adds_column(const char *words)
{
	size_t n = strlen(words);
	return starts_with(words, "alter table") &&
	       ((n >= 10 && !strcmp(words + n - 10, "add column")) ||
		(n >= 24 && !strcmp(words + n - 24, "add column if not exists")));
}

static bool ends_with(const char *words, const char *tail)
{
	size_t n = strlen(words), k = strlen(tail);
	return n >= k && !strcmp(words + n - k, tail) && (n == k || words[n - k - 1] == ' ');
}

static bool makes_table(const char *words)
{
	return ends_with(words, "create table") || ends_with(words, "create table if not exists") ||
	       ends_with(words, "create unlogged table") || ends_with(words, "create view") ||
	       ends_with(words, "create or replace view") || ends_with(words, "create materialized view") ||
	       (starts_with(words, "alter table") && ends_with(words, "rename to"));
}

bool ml_later_in_file_makes_table(const ml_stmt_ctx *ctx, const char *name)
{
	return later_use_where(ctx, name, makes_table);
}

bool ml_later_in_file_replaces(const ml_stmt_ctx *ctx, const char *name)
{
	return later_use_where(ctx, name, replaces_routine);
}

bool ml_later_in_file_adds_column(const ml_stmt_ctx *ctx, const char *column)
{
	return later_use_where(ctx, column, adds_column);
}
