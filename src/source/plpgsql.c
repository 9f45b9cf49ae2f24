/*
 * plpgsql.c - the PL/pgSQL expander: turns the body of a DO block or of a
 * LANGUAGE plpgsql function or procedure into the units it runs, in order.
 * libpg_query hands PL/pgSQL trees over only as JSON, so this file walks
 * them with cJSON, finds the SQL statements, maps each back to its place in
 * the migration file and gives it its environment: the loops around it,
 * whether they COMMIT and which PL/pgSQL variables exist. EXECUTE of text
 * it can rebuild becomes the units of that text; the rest becomes a note
 * that it was not analysed. It analyses nothing itself: the engine does,
 * after the statement the body belongs to.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <strings.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <pg_query.h>

#include "arena.h"
#include "facts.h"
#include "linemap.h"
#include "parse.h"
#include "pg_grammar.h"
#include "plpgsql_compile.h"
#include "tree.h"
#include "plpgsql.h"
#include "plpgsql_compile.h"
#include "stmt_unit.h"
#include "tree.h"

/* Deeper PL/pgSQL nesting than this is reported, not walked. */
#define PLPGSQL_MAX_DEPTH 600
/* Longer compiler messages are cut (an unterminated quote puts the rest of
 * the body in the message). */
#define PLPGSQL_MESSAGE_MAX 300

struct vars;

struct body {
	const ml_line_map *map;   /* the file */
	const ml_unit *parent;    /* the DO or CREATE statement */
	ml_unit_list *out;        /* the units found so far */
	size_t content_start;     /* file offset of the body's first character */
	size_t content_end;
	int first_line;           /* file line of PL/pgSQL line 1 */
	char quote;               /* '$' (the file holds the body as it is), '\'' or 'E' */
	bool depth_reported;
	const char *procedure;    /* name of the procedure being defined, or NULL */
	ml_body_cache *cache;     /* the run's, or NULL */
	struct vars *vars;        /* what its variables hold where the walk is */
};

static const char *def_string(const PgQuery__DefElem *d)
{
	if (!d->arg)
		return NULL;
	if (d->arg->node_case == PG_QUERY__NODE__NODE_STRING)
		return d->arg->string->sval;
	if (d->arg->node_case == PG_QUERY__NODE__NODE_LIST && d->arg->list->n_items == 1 &&
	    d->arg->list->items[0]->node_case == PG_QUERY__NODE__NODE_STRING)
		return d->arg->list->items[0]->string->sval;
	return NULL;
}

/* From the location of "AS" (or of the string itself), finds where the body
 * string's content begins in the file. Returns false when it cannot. */
static bool locate_body(const ml_line_map *map, size_t from, const char *body, struct body *out)
{
	const char *text = map->text;
	size_t p = from, end = out->parent->end;
	if (p + 2 <= end && (text[p] == 'A' || text[p] == 'a') && (text[p + 1] == 'S' || text[p + 1] == 's'))
		p += 2;
	for (;;) {
		while (p < end && isspace((unsigned char)text[p]))
			p++;
		if (p + 1 < end && text[p] == '-' && text[p + 1] == '-') {
			while (p < end && text[p] != '\n' && text[p] != '\r')
				p++;
			continue;
		}
		break;
	}
	bool escapes = p < end && (text[p] == 'E' || text[p] == 'e');
	if (escapes)
		p++;
	if (p >= end)
		return false;
	out->quote = escapes ? 'E' : text[p];
	if (text[p] == '$') {
		size_t q = p + 1;
		while (q < end && text[q] != '$')
			q++;
		p = q + 1;
	} else if (text[p] == '\'') {
		p++;
	} else {
		return false;
	}
	size_t body_len = strlen(body);
	out->content_start = p;
	out->content_end = p + body_len <= map->len ? p + body_len : map->len;
	int col;
	ml_line_map_position(map, p, &out->first_line, &col);
	return true;
}

/* Where in the file the query of a statement at PL/pgSQL line lineno is. */
static void locate_query(const struct body *b, const char *query, int lineno, size_t *base, bool *exact)
{
	const ml_line_map *map = b->map;
	int line = b->first_line + (lineno > 0 ? lineno - 1 : 0);
	size_t from = lineno <= 1 ? b->content_start : ml_line_map_line_start(map, line);
	if (from < b->content_start || from > b->content_end)
		from = b->content_start;
	size_t qlen = strlen(query);
	const char *hit = qlen ? memmem(map->text + from, b->content_end - from, query, qlen) : NULL;
	if (hit) {
		*base = (size_t)(hit - map->text);
		*exact = true;
		return;
	}
	/* PL/pgSQL blanks out INTO clauses, so look for the first words only. */
	size_t prefix = 0;
	while (prefix < qlen && prefix < 32 && !(query[prefix] == ' ' && query[prefix + 1] == ' '))
		prefix++;
	hit = prefix ? memmem(map->text + from, b->content_end - from, query, prefix) : NULL;
	*base = hit ? (size_t)(hit - map->text) : from;
	while (!hit && *base < b->content_end && isspace((unsigned char)map->text[*base]))
		(*base)++;
	*exact = false;
}

/* The file offset of the first case-insensitive word on PL/pgSQL line
 * lineno, or the start of that line's text when it is not there. */
static size_t locate_word(const struct body *b, const char *word, int lineno)
{
	const ml_line_map *map = b->map;
	int line = b->first_line + (lineno > 0 ? lineno - 1 : 0);
	size_t from = lineno <= 1 ? b->content_start : ml_line_map_line_start(map, line);
	if (from < b->content_start || from > b->content_end)
		from = b->content_start;
	size_t to = ml_line_map_line_end(map, line);
	if (to > b->content_end || to < from)
		to = b->content_end;
	size_t n = strlen(word);
	for (size_t p = from; p + n <= to; p++)
		if (!strncasecmp(map->text + p, word, n) && (p == from || !isalnum((unsigned char)map->text[p - 1])))
			return p;
	while (from < to && isspace((unsigned char)map->text[from]))
		from++;
	return from;
}

/* The file offset of byte offset off of the body. In a '...' body each
 * doubled quote in the file is one byte of the body; an E'...' body's
 * escapes are not followed (its offsets map to the body's start). */
static size_t body_to_file(const struct body *b, size_t off)
{
	if (b->quote == '$')
		return b->content_start + off;
	if (b->quote == 'E')
		return b->content_start;
	const char *text = b->map->text;
	size_t p = b->content_start;
	for (size_t i = 0; i < off && p < b->map->len; i++)
		p += text[p] == '\'' && p + 1 < b->map->len && text[p + 1] == '\'' ? 2 : 1;
	return p;
}

/* A unit of kind for the body's walk, in environment env. */
static ml_unit body_unit(const struct body *b, ml_unit_kind kind, const ml_stmt_env *env)
{
	return (ml_unit){ .kind = kind, .directive_line = b->parent->directive_line, .env = *env };
}

/* Adds a syntax-error unit: libpg_query's PL/pgSQL compiler refused the
 * body, at the token where it stopped when that was found, else on the
 * line it names. */
static void add_compile_error(struct body *b, const ml_body_outcome *c)
{
	const ml_line_map *map = b->map;
	size_t start = b->content_start, end = b->content_start;
	if (c->located) {
		start = body_to_file(b, c->error_start);
		end = body_to_file(b, c->error_end);
	} else if (c->near_line > 1) {
		start = ml_line_map_line_start(map, b->first_line + c->near_line - 1);
		while (start < b->content_end && isspace((unsigned char)map->text[start]))
			start++;
		if (start > b->content_end)
			start = b->content_start;
		end = start;
	}
	/* An unterminated quote makes the message's token the rest of the body. */
	const char *message = c->message;
	size_t keep = strlen(message);
	if (keep > PLPGSQL_MESSAGE_MAX) {
		keep = PLPGSQL_MESSAGE_MAX;
		while (keep > 0 && ((unsigned char)message[keep] & 0xC0) == 0x80)
			keep--;
	}
	ml_unit unit = body_unit(b, ML_UNIT_SYNTAX_ERROR, &b->parent->env);
	unit.start = b->content_start;
	unit.end = b->content_end;
	unit.error_start = start;
	unit.error_end = end;
	unit.message = ml_arena_printf(b->out->arena, "PL/pgSQL: %.*s%s", (int)keep, message,
				       keep < strlen(message) ? " ..." : "");
	ml_unit_list_add(b->out, &unit);
}

static bool contains_commit(const cJSON *node, int depth)
{
	if (!node || depth > PLPGSQL_MAX_DEPTH)
		return false;
	for (const cJSON *child = node->child; child; child = child->next) {
		if (child->string && !strcmp(child->string, "PLpgSQL_stmt_commit"))
			return true;
		if (contains_commit(child, depth + 1))
			return true;
	}
	return false;
}

static void walk(struct body *b, const cJSON *node, const ml_stmt_env *env, int depth);

/* Adds the units of the SQL statement an expression holder runs. */
static void add_sql(struct body *b, const cJSON *expr_holder, int lineno, const ml_stmt_env *env)
{
	const cJSON *expr = cJSON_GetObjectItemCaseSensitive(expr_holder, "PLpgSQL_expr");
	const cJSON *query = cJSON_GetObjectItemCaseSensitive(expr, "query");
	if (!cJSON_IsString(query) || !query->valuestring[0])
		return;
	size_t base;
	bool exact;
	locate_query(b, query->valuestring, lineno, &base, &exact);
	size_t len = strlen(query->valuestring);
	size_t end = exact ? base + len : base;
	if (end > b->content_end)
		end = b->content_end;
	ml_unit like = body_unit(b, ML_UNIT_STATEMENT, env);
	like.start = base;
	like.end = end;
	ml_parsed parsed;
	ml_parse_body_statement(b->cache, b->out->arena, query->valuestring, len, &parsed);
	ml_unit_list_add_parse(b->out, &parsed, query->valuestring, len, base, exact, &like, b->map);
}

/* ---- what the body's variables hold --------------------------------------- */

/* EXECUTE v is analysed when the walk knows the SQL text v holds there:
 * the last value given to v before it, in the same branch, from literals,
 * ||, format() and other variables it knows. A value given in a branch or
 * a loop is not known after it (the branch may not have run), nor inside
 * a loop before it (the next round sees it). */

/* What a variable holds where the walk is. */
typedef struct var_value {
	const char *text;         /* the SQL text (the placeholder for parts computed at run time), or NULL */
	const char *unknown;      /* when text is NULL: why, finishing "\"v\" ..." */
	const char *part_var;     /* when text holds a placeholder for a variable: its name */
	const char *part_why;     /* and why its value is not known */
} var_value;

struct vars {
	ml_arena *arena;          /* the values' text; freed with the walk */
	ml_body_cache *cache;     /* the run's, or NULL: for the expressions parsed */
	const char **names;       /* by datum number: the variable's name, NULL for rows and fields */
	var_value *values;        /* by datum number */
	unsigned *seen;           /* by datum number: the collect_writes call that last listed it */
	unsigned collecting;      /* that call's number */
	size_t n;
	size_t spent;             /* bytes of values built so far */
};

/* Values are rebuilt text, and v := v || '...' copies v each time: past
 * this many bytes in one body, further values are not followed. */
#define PLPGSQL_VALUE_BUDGET ((size_t)16 * 1024 * 1024)

static const char *const UNKNOWN_PARAMETER = "is a parameter (its value comes from the caller)";
static const char *const UNKNOWN_UNSET = "is not given a value before it";
static const char *const UNKNOWN_BRANCH = "is given its value in a branch (IF, CASE, an exception handler)";
static const char *const UNKNOWN_LOOP = "is given its value in a loop";
static const char *const UNKNOWN_RUNTIME = "is given a value computed at run time";
static const char *const UNKNOWN_QUERY = "is given its value by a query";
static const char *const UNKNOWN_PART = "is changed in part (an element or a field)";
static const char *const UNKNOWN_SHADOWED = "names more than one variable of this body";
static const char *const UNKNOWN_FIELD = "is a field of a record, filled at run time";
static const char *const UNKNOWN_TOO_LONG =
	"is given its value after this body's rebuilt text passed migralint's limit (16 MB)";
static const char *const UNKNOWN_DECLARED =
	"is read in a DECLARE, whose value migralint does not follow (it is set where its block begins)";
static const char CHAINED[] = "is given the value of ";

static void set_unknown(struct vars *v, size_t varno, const char *why)
{
	if (varno < v->n) {
		memset(&v->values[varno], 0, sizeof(v->values[varno]));
		v->values[varno].unknown = why;
	}
}

/* The datum number of the variable called name, or (size_t)-1 when there
 * is none or more than one (a block's own variable hiding another). */
static size_t find_var(const struct vars *v, const char *name, bool *ambiguous)
{
	size_t found = (size_t)-1;
	*ambiguous = false;
	for (size_t i = 0; i < v->n; i++) {
		if (!v->names[i] || strcmp(v->names[i], name) != 0)
			continue;
		if (found != (size_t)-1)
			*ambiguous = true;
		found = i;
	}
	return *ambiguous ? (size_t)-1 : found;
}

/* SQL text rebuilt from an expression. Names we cannot know (a parameter,
 * a column, a function's result) become ML_DYNAMIC_PLACEHOLDER, so the
 * statement still parses and rules treat it as an existing table. */
struct sql_text {
	ml_strbuf buf;
	size_t known;             /* bytes that came from the body's literals */
	size_t placeholders;      /* parts only the run knows */
	const struct vars *vars;
	const char *unknown_var;  /* the first variable whose value was not known */
	const char *unknown_why;
};

static void text_unknown(struct sql_text *t, const char *var, const char *why)
{
	if (var && !t->unknown_var) {
		/* Names come from parse trees freed before the text is used. */
		t->unknown_var = ml_arena_strdup(t->buf.arena, var);
		t->unknown_why = why;
	}
}

static void text_placeholder(struct sql_text *t)
{
	ml_strbuf_str(&t->buf, ML_DYNAMIC_PLACEHOLDER);
	t->placeholders++;
}

static void text_known(struct sql_text *t, const char *s)
{
	ml_strbuf_str(&t->buf, s);
	t->known += strlen(s);
}

static const char *literal_text(const PgQuery__Node *n)
{
	while (n && n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST)
		n = n->type_cast->arg;
	if (n && n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL)
		return n->a_const->sval->sval;
	return NULL;
}

static void eval_text(struct sql_text *t, const PgQuery__Node *n, int depth);

/* format('...%I...%s...%L...', args): the PL/pgSQL idiom for DDL over many
 * tables. Known arguments are put in; unknown ones become placeholders. */
static void eval_format(struct sql_text *t, const PgQuery__FuncCall *call, int depth)
{
	struct sql_text format = { .buf = { .arena = t->buf.arena }, .vars = t->vars };
	if (call->n_args)
		eval_text(&format, call->args[0], depth + 1);
	text_unknown(t, format.unknown_var, format.unknown_why);
	t->placeholders += format.placeholders;
	if (!format.known) {
		text_placeholder(t);
		return;
	}
	size_t next_arg = 1;
	for (const char *p = format.buf.data; *p; p++) {
		if (*p != '%') {
			ml_strbuf_add(&t->buf, p, 1);
			t->known++;
			continue;
		}
		p++;
		if (*p == '%') {
			text_known(t, "%");
			continue;
		}
		/* %[position$][flags][width]type */
		const char *q = p;
		size_t position = 0;
		while (*q >= '0' && *q <= '9')
			position = position * 10 + (size_t)(*q++ - '0');
		if (*q == '$' && position > 0) {
			next_arg = position;
			p = q + 1;
		}
		while (*p == '-' || (*p >= '0' && *p <= '9') || *p == '*')
			p++;
		if (!*p)
			break;
		const PgQuery__Node *arg = next_arg < call->n_args ? call->args[next_arg] : NULL;
		next_arg++;
		bool quote = *p == 'L';
		if (quote)
			ml_strbuf_str(&t->buf, "'");
		if (arg && depth < 16)
			eval_text(t, arg, depth + 1);
		else
			text_placeholder(t);
		if (quote)
			ml_strbuf_str(&t->buf, "'");
	}
}

static void eval_text(struct sql_text *t, const PgQuery__Node *n, int depth)
{
	const char *literal = literal_text(n);
	if (literal) {
		text_known(t, literal);
		return;
	}
	if (n && n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
		char number[24];
		snprintf(number, sizeof(number), "%d", n->a_const->ival->ival);
		text_known(t, number);
		return;
	}
	/* A variable the walk knows the value of. */
	if (n && n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && n->column_ref->n_fields == 1 &&
	    n->column_ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING && t->vars) {
		const char *name = n->column_ref->fields[0]->string->sval;
		bool ambiguous;
		size_t varno = find_var(t->vars, name, &ambiguous);
		const var_value *v = varno != (size_t)-1 ? &t->vars->values[varno] : NULL;
		if (v && v->text) {
			ml_strbuf_str(&t->buf, v->text);
			t->known += strlen(v->text);
			text_unknown(t, v->part_var, v->part_why);
			return;
		}
		if (v || ambiguous)
			text_unknown(t, name, ambiguous ? UNKNOWN_SHADOWED : v->unknown);
	}
	/* r.sql, a field of a row read at run time */
	if (n && n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && n->column_ref->n_fields > 1) {
		ml_strbuf dotted = { .arena = t->buf.arena };
		for (size_t i = 0; i < n->column_ref->n_fields; i++)
			if (n->column_ref->fields[i]->node_case == PG_QUERY__NODE__NODE_STRING) {
				ml_strbuf_str(&dotted, dotted.len ? "." : "");
				ml_strbuf_str(&dotted, n->column_ref->fields[i]->string->sval);
			}
		text_unknown(t, dotted.data, UNKNOWN_FIELD);
	}
	if (n && n->node_case == PG_QUERY__NODE__NODE_PARAM_REF)
		text_unknown(t, ml_arena_printf(t->buf.arena, "$%d", n->param_ref->number), UNKNOWN_PARAMETER);
	if (n && depth < 16 && n->node_case == PG_QUERY__NODE__NODE_A_EXPR &&
	    n->a_expr->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP &&
	    !strcmp(ml_last_name(n->a_expr->name, n->a_expr->n_name), "||")) {
		eval_text(t, n->a_expr->lexpr, depth + 1);
		eval_text(t, n->a_expr->rexpr, depth + 1);
		return;
	}
	if (n && depth < 16 && n->node_case == PG_QUERY__NODE__NODE_FUNC_CALL) {
		const PgQuery__FuncCall *call = n->func_call;
		const char *name = ml_last_name(call->funcname, call->n_funcname);
		if (!strcmp(name, "format")) {
			eval_format(t, call, depth + 1);
			return;
		}
		if ((!strcmp(name, "quote_ident") || !strcmp(name, "quote_literal")) && call->n_args == 1) {
			bool quote = !strcmp(name, "quote_literal");
			if (quote)
				ml_strbuf_str(&t->buf, "'");
			eval_text(t, call->args[0], depth + 1);
			if (quote)
				ml_strbuf_str(&t->buf, "'");
			return;
		}
	}
	text_placeholder(t);
}

/* Parses sql (a SELECT) for its target list. Returns the SELECT when it
 * computes values without reading anything (no FROM, WHERE, UNION ...),
 * else NULL; the caller frees *parsed. */
static const PgQuery__SelectStmt *plain_select(ml_body_cache *cache, const char *sql, ml_parsed *parsed)
{
	/* The nesting guards apply here too: the expression is the user's. */
	ml_parse_body_statement(cache, NULL, sql, strlen(sql), parsed);
	const PgQuery__ParseResult *tree = parsed->status == ML_PARSED_OK ? parsed->tree : NULL;
	if (!tree || tree->n_stmts != 1 || !tree->stmts[0]->stmt ||
	    tree->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
		return NULL;
	const PgQuery__SelectStmt *sel = tree->stmts[0]->stmt->select_stmt;
	if (sel->n_from_clause || sel->where_clause || sel->n_group_clause || sel->having_clause ||
	    sel->n_values_lists || sel->op != PG_QUERY__SET_OPERATION__SETOP_NONE || sel->n_target_list == 0)
		return NULL;
	for (size_t i = 0; i < sel->n_target_list; i++)
		if (sel->target_list[i]->node_case != PG_QUERY__NODE__NODE_RES_TARGET)
			return NULL;
	return sel;
}

/* The value of a target of a plain SELECT (NULL: none), in the vars'
 * arena. */
static var_value eval_value(struct vars *vars, const PgQuery__Node *target)
{
	var_value value = { .unknown = UNKNOWN_QUERY };
	if (!target)
		return value;
	if (vars->spent > PLPGSQL_VALUE_BUDGET) {
		value.unknown = UNKNOWN_TOO_LONG;
		return value;
	}
	struct sql_text t = { .buf = { .arena = vars->arena }, .vars = vars };
	ml_strbuf_add(&t.buf, "", 0);
	eval_text(&t, target->res_target->val, 0);
	vars->spent += t.buf.cap;
	if (t.known) {
		value.text = t.buf.data;
		value.part_var = t.unknown_var;
		value.part_why = t.unknown_why;
		return value;
	}
	/* v := w, where w := x ...: name the first link and the reason at
	 * the end of the chain, not every link. */
	const char *why = t.unknown_why ? t.unknown_why : UNKNOWN_RUNTIME;
	value.unknown = !t.unknown_var ? UNKNOWN_RUNTIME
		: !strncmp(why, CHAINED, sizeof(CHAINED) - 1)
			? why
			: ml_arena_printf(vars->arena, "%s\"%s\", which %s", CHAINED, t.unknown_var, why);
	return value;
}

/* v := expr: the whole variable is given expr's value; v[i] := ... or
 * r.f := ... changes a part of it. */
static void assign(struct body *b, const cJSON *stmt)
{
	struct vars *vars = b->vars;
	const cJSON *varno = cJSON_GetObjectItemCaseSensitive(stmt, "varno");
	const cJSON *expr = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(stmt, "expr"), "PLpgSQL_expr");
	const cJSON *query = cJSON_GetObjectItemCaseSensitive(expr, "query");
	if (!cJSON_IsNumber(varno) || varno->valueint < 0 || (size_t)varno->valueint >= vars->n)
		return;
	size_t target = (size_t)varno->valueint;
	if (!vars->names[target] || !cJSON_IsString(query)) {
		set_unknown(vars, target, UNKNOWN_PART);
		return;
	}
	/* The query is the whole statement, "v := expr" (or "v = expr"). */
	const char *q = query->valuestring;
	const char *op = strstr(q, ":=");
	const char *eq = strchr(q, '=');
	size_t skip = 2;
	if (!op || (eq && eq < op)) {
		op = eq;
		skip = 1;
	}
	if (!op || memchr(q, '[', (size_t)(op - q))) {
		set_unknown(vars, target, UNKNOWN_PART);
		return;
	}
	ml_parsed parsed;
	const PgQuery__SelectStmt *sel = plain_select(vars->cache, ml_arena_printf(vars->arena, "SELECT %s", op + skip), &parsed);
	vars->values[target] = eval_value(vars, sel && sel->n_target_list == 1 ? sel->target_list[0] : NULL);
	ml_parsed_free(&parsed);
}

/* A declared RECORD variable's datum (a PLpgSQL_rec with a line: not NEW
 * or OLD) on the 17 grammar, where 15 has a PLpgSQL_var (pg_grammar.h);
 * NULL for any other node, and always NULL on 15. */
static const cJSON *declared_record(const cJSON *node)
{
#if ML_PLPGSQL_RECORD_IS_REC
	const cJSON *rec = cJSON_GetObjectItemCaseSensitive(node, "PLpgSQL_rec");
	return cJSON_GetObjectItemCaseSensitive(rec, "lineno") ? rec : NULL;
#else
	(void)node;
	return NULL;
#endif
}

/* The i-th of n INTO targets, datum number varno, is given the i-th column
 * of sel (or no value when sel does not have n columns); *i moves on when
 * varno is a datum. */
static void assign_column(struct vars *vars, const cJSON *varno, const PgQuery__SelectStmt *sel, size_t n, size_t *i)
{
	if (!cJSON_IsNumber(varno) || varno->valueint < 0 || (size_t)varno->valueint >= vars->n)
		return;
	size_t target = (size_t)varno->valueint;
	vars->values[target] =
		eval_value(vars, sel && sel->n_target_list == n && vars->names[target] ? sel->target_list[*i] : NULL);
	(*i)++;
}

/* SELECT expr, ... INTO v, ...: each variable is given its column. */
static void assign_into(struct body *b, const cJSON *stmt)
{
	struct vars *vars = b->vars;
	const cJSON *target = cJSON_GetObjectItemCaseSensitive(stmt, "target");
	const cJSON *row = cJSON_GetObjectItemCaseSensitive(target, "PLpgSQL_row");
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(row, "fields");
	/* INTO r, r a declared record: 15's row of one field, r (17 names r). */
	const cJSON *record = declared_record(target);
	const cJSON *expr = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(stmt, "sqlstmt"), "PLpgSQL_expr");
	const cJSON *query = cJSON_GetObjectItemCaseSensitive(expr, "query");
	ml_parsed parsed;
	const PgQuery__SelectStmt *sel = cJSON_IsString(query) ? plain_select(vars->cache, query->valuestring, &parsed) : NULL;
	size_t n = record ? 1 : (size_t)cJSON_GetArraySize(fields);
	size_t i = 0;
	if (record)
		assign_column(vars, cJSON_GetObjectItemCaseSensitive(record, "dno"), sel, n, &i);
	const cJSON *field;
	cJSON_ArrayForEach(field, fields)
	{
		assign_column(vars, cJSON_GetObjectItemCaseSensitive(field, "varno"), sel, n, &i);
	}
	if (cJSON_IsString(query))
		ml_parsed_free(&parsed);
}

static void add_write(struct vars *vars, size_t varno, ml_ptr_vec *out)
{
	if (varno < vars->n && vars->seen[varno] != vars->collecting) {
		vars->seen[varno] = vars->collecting;
		ml_ptr_vec_push(vars->arena, out, (void *)(uintptr_t)varno);
	}
}

static void collect_writes_in(struct vars *vars, const cJSON *node, ml_ptr_vec *out, int depth)
{
	if (!node || depth > PLPGSQL_MAX_DEPTH)
		return;
	for (const cJSON *child = node->child; child; child = child->next) {
		const char *key = child->string ? child->string : "";
		if (cJSON_IsNumber(child) && (!strcmp(key, "varno") || !strcmp(key, "dno") || !strcmp(key, "target"))) {
			if (child->valueint >= 0)
				add_write(vars, (size_t)child->valueint, out);
			continue;
		}
		/* FOR i IN 1..n names its own variable. */
		if (!strcmp(key, "PLpgSQL_var")) {
			const cJSON *name = cJSON_GetObjectItemCaseSensitive(child, "refname");
			for (size_t i = 0; cJSON_IsString(name) && i < vars->n; i++)
				if (vars->names[i] && !strcmp(vars->names[i], name->valuestring))
					add_write(vars, i, out);
		}
		if (cJSON_IsObject(child) || cJSON_IsArray(child))
			collect_writes_in(vars, child, out, depth + 1);
	}
}

/* Lists in *out (once each) the datum numbers of the variables node, a
 * statement and what it holds, may change: assignment targets, INTO
 * targets, loop variables, GET DIAGNOSTICS targets. */
static void collect_writes(struct vars *vars, const cJSON *node, ml_ptr_vec *out)
{
	vars->collecting++;
	collect_writes_in(vars, node, out, 0);
}

static void forget(struct vars *vars, const ml_ptr_vec *writes, const char *why)
{
	for (size_t i = 0; i < writes->len; i++)
		set_unknown(vars, (size_t)(uintptr_t)writes->items[i], why);
}

/* ---- dynamic SQL ---------------------------------------------------------- */

/* Adds a unit noting that the SQL an EXECUTE at at runs could not be
 * analysed, and why. */
static void add_not_analysed(struct body *b, size_t at, const struct sql_text *sql, bool parsed,
			     const ml_stmt_env *env)
{
	ml_arena *arena = b->out->arena;
	const char *message;
	const char *why = sql->unknown_why ? sql->unknown_why : UNKNOWN_RUNTIME;
	if (parsed && sql->unknown_var)
		message = ml_arena_printf(arena, "EXECUTE runs SQL from \"%s\", which %s: it was not analysed",
					  sql->unknown_var, why);
	else if (parsed)
		message = "EXECUTE runs SQL computed at run time: it was not analysed";
	else if (sql->unknown_var)
		message = ml_arena_printf(arena,
					  "EXECUTE runs SQL built in part from \"%s\", which %s: it was not analysed",
					  sql->unknown_var, why);
	else if (sql->placeholders)
		message = "EXECUTE runs SQL built in part from values computed at run time: it was not analysed";
	else
		message = "EXECUTE runs SQL that does not parse as migralint rebuilds it: it was not analysed";
	ml_unit unit = body_unit(b, ML_UNIT_NOT_ANALYSED, env);
	unit.start = at;
	unit.end = at + 7 <= b->content_end ? at + 7 : at;
	unit.message = message;
	ml_unit_list_add(b->out, &unit);
}

/* EXECUTE of a string built from literals, ||, format() and variables the
 * walk knows: rebuild the SQL and add its statements as dynamic units, at
 * the EXECUTE. Anything else is noted as not analysed. */
static void dynamic_sql(struct body *b, const cJSON *expr_holder, int lineno, const ml_stmt_env *env)
{
	const cJSON *expr = cJSON_GetObjectItemCaseSensitive(expr_holder, "PLpgSQL_expr");
	const cJSON *query = cJSON_GetObjectItemCaseSensitive(expr, "query");
	if (!cJSON_IsString(query))
		return;
	ml_arena *arena = ml_arena_new();
	ml_parsed parsed;
	const PgQuery__SelectStmt *sel = plain_select(b->cache, ml_arena_printf(arena, "SELECT %s", query->valuestring), &parsed);
	struct sql_text sql = { .buf = { .arena = arena }, .vars = b->vars };
	ml_strbuf_add(&sql.buf, "", 0); /* never NULL, even when format() yields nothing */
	if (sel && sel->n_target_list == 1)
		eval_text(&sql, sel->target_list[0]->res_target->val, 0);
	size_t at = locate_word(b, "EXECUTE", lineno);
	if (!sql.known) {
		add_not_analysed(b, at, &sql, true, env);
	} else {
		/* Statements we rebuilt may not parse (a placeholder where a
		 * number belongs): that is our guess failing, not the file. */
		ml_unit like = body_unit(b, ML_UNIT_STATEMENT, env);
		like.start = like.end = at;
		like.env.dynamic = true;
		ml_parsed rebuilt;
		ml_parse_body_statement(b->cache, b->out->arena, sql.buf.data, sql.buf.len, &rebuilt);
		if (ml_unit_list_add_parse(b->out, &rebuilt, sql.buf.data, sql.buf.len, at, false, &like, b->map) < 0)
			add_not_analysed(b, at, &sql, false, &like.env);
	}
	ml_parsed_free(&parsed);
	ml_arena_free(arena);
}

static bool is_loop(const char *type)
{
	static const char *const LOOPS[] = {
		"PLpgSQL_stmt_loop", "PLpgSQL_stmt_while", "PLpgSQL_stmt_fori", "PLpgSQL_stmt_fors",
		"PLpgSQL_stmt_forc", "PLpgSQL_stmt_foreach_a", "PLpgSQL_stmt_dynfors",
	};
	for (size_t i = 0; i < sizeof(LOOPS) / sizeof(LOOPS[0]); i++)
		if (!strcmp(type, LOOPS[i]))
			return true;
	return false;
}

static int stmt_lineno(const cJSON *stmt)
{
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(stmt, "lineno");
	return cJSON_IsNumber(l) ? l->valueint : 0;
}

/* Is a statement of this type one whose parts may run or not: IF, CASE,
 * or a block with exception handlers? */
static bool is_branching(const char *type, const cJSON *stmt)
{
	return !strcmp(type, "PLpgSQL_stmt_if") || !strcmp(type, "PLpgSQL_stmt_case") ||
	       (!strcmp(type, "PLpgSQL_stmt_block") && cJSON_GetObjectItemCaseSensitive(stmt, "exceptions"));
}

static void restore(struct vars *vars, const ml_ptr_vec *writes, const var_value *before)
{
	for (size_t i = 0; i < writes->len; i++)
		vars->values[(uintptr_t)writes->items[i]] = before[i];
}

/* Walks the parts of an IF, a CASE or a block with exception handlers.
 * Each branch starts from what was known before the statement (before[],
 * for the variables in writes); an exception handler starts knowing none
 * of them, since the block may have failed anywhere. */
static void walk_branches(struct body *b, const cJSON *stmt, const ml_stmt_env *env, int depth,
			  const ml_ptr_vec *writes, const var_value *before)
{
	for (const cJSON *part = stmt->child; part; part = part->next) {
		if (part->string && !strcmp(part->string, "PLpgSQL_exception_block")) {
			walk_branches(b, part, env, depth + 1, writes, before);
		} else if (part->string && !strcmp(part->string, "exceptions")) {
			walk_branches(b, part, env, depth + 1, writes, before);
		} else if (part->string && !strcmp(part->string, "exc_list")) {
			const cJSON *handler;
			cJSON_ArrayForEach(handler, part)
			{
				forget(b->vars, writes, UNKNOWN_BRANCH);
				walk(b, handler, env, depth + 1);
			}
		} else if (cJSON_IsArray(part)) {
			/* A list of statements is one branch; a list of
			 * ELSIF or WHEN parts is one branch each. */
			const cJSON *first = part->child;
			bool statements = first && first->child && first->child->string &&
					  !strncmp(first->child->string, "PLpgSQL_stmt_", 13);
			if (statements) {
				restore(b->vars, writes, before);
				walk(b, part, env, depth + 1);
				continue;
			}
			const cJSON *branch;
			cJSON_ArrayForEach(branch, part)
			{
				restore(b->vars, writes, before);
				walk(b, branch, env, depth + 1);
			}
		}
	}
}

static void walk_statement(struct body *b, const char *type, const cJSON *stmt, const ml_stmt_env *env,
			   int depth)
{
	struct vars *vars = b->vars;
	if (!strcmp(type, "PLpgSQL_stmt_assign")) {
		assign(b, stmt);
		return;
	}
	if (!strcmp(type, "PLpgSQL_stmt_execsql")) {
		add_sql(b, cJSON_GetObjectItemCaseSensitive(stmt, "sqlstmt"), stmt_lineno(stmt), env);
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(stmt, "into")))
			assign_into(b, stmt);
		return;
	}
	if (!strcmp(type, "PLpgSQL_stmt_commit") || !strcmp(type, "PLpgSQL_stmt_rollback")) {
		bool commit = !strcmp(type, "PLpgSQL_stmt_commit");
		/* Rules see it as the transaction statement it is. */
		ml_arena *arena = b->out->arena;
		static const PgQuery__TransactionStmt TS_INIT = PG_QUERY__TRANSACTION_STMT__INIT;
		static const PgQuery__Node NODE_INIT = PG_QUERY__NODE__INIT;
		PgQuery__TransactionStmt *ts = ml_arena_alloc(arena, sizeof(*ts));
		*ts = TS_INIT;
		ts->kind = commit ? PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT
				  : PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK;
		PgQuery__Node *node = ml_arena_alloc(arena, sizeof(*node));
		*node = NODE_INIT;
		node->node_case = PG_QUERY__NODE__NODE_TRANSACTION_STMT;
		node->transaction_stmt = ts;
		size_t at = locate_word(b, commit ? "COMMIT" : "ROLLBACK", stmt_lineno(stmt));
		ml_unit unit = body_unit(b, ML_UNIT_TX_END, env);
		unit.stmt = node;
		unit.start = at;
		unit.end = at + (commit ? 6 : 8) <= b->content_end ? at + (commit ? 6 : 8) : at;
		unit.procedure = b->procedure;
		ml_unit_list_add(b->out, &unit);
		return;
	}
	/* EXECUTE, and the other statements that run a query given as text:
	 * RETURN QUERY EXECUTE, OPEN ... FOR EXECUTE, FOR ... IN EXECUTE. */
	if (!strcmp(type, "PLpgSQL_stmt_dynexecute") || !strcmp(type, "PLpgSQL_stmt_dynfors")) {
		dynamic_sql(b, cJSON_GetObjectItemCaseSensitive(stmt, "query"), stmt_lineno(stmt), env);
	} else if (cJSON_GetObjectItemCaseSensitive(stmt, "dynquery")) {
		dynamic_sql(b, cJSON_GetObjectItemCaseSensitive(stmt, "dynquery"), stmt_lineno(stmt), env);
	}
	/* A plain block runs its statements in order. */
	if (!strcmp(type, "PLpgSQL_stmt_block") && !is_branching(type, stmt)) {
		walk(b, stmt, env, depth + 1);
		return;
	}
	ml_ptr_vec writes = { 0 };
	collect_writes(vars, stmt, &writes);
	if (is_loop(type)) {
		/* The next round sees what this one assigned. */
		forget(vars, &writes, UNKNOWN_LOOP);
		ml_stmt_env inner = *env;
		inner.loop_depth++;
		inner.loop_commits = env->loop_commits || contains_commit(stmt, 0);
		walk(b, stmt, &inner, depth + 1);
		forget(vars, &writes, UNKNOWN_LOOP);
		return;
	}
	if (is_branching(type, stmt) && writes.len) {
		var_value *before = ml_arena_alloc(vars->arena, writes.len * sizeof(*before));
		for (size_t i = 0; i < writes.len; i++)
			before[i] = vars->values[(uintptr_t)writes.items[i]];
		walk_branches(b, stmt, env, depth + 1, &writes, before);
		forget(vars, &writes, UNKNOWN_BRANCH);
		return;
	}
	walk(b, stmt, env, depth + 1);
	/* Any other statement that sets a variable (FETCH, GET DIAGNOSTICS,
	 * EXECUTE ... INTO) sets it to what only the run knows. */
	forget(vars, &writes, UNKNOWN_RUNTIME);
}

static void walk(struct body *b, const cJSON *node, const ml_stmt_env *env, int depth)
{
	if (!node)
		return;
	if (depth > PLPGSQL_MAX_DEPTH) {
		if (!b->depth_reported) {
			/* The statements below this depth are skipped. */
			b->depth_reported = true;
			ml_unit unit = body_unit(b, ML_UNIT_TOO_COMPLEX, env);
			unit.start = unit.end = b->content_start;
			unit.what = "PL/pgSQL";
			unit.partial = true;
			ml_unit_list_add(b->out, &unit);
		}
		return;
	}
	for (const cJSON *child = node->child; child; child = child->next) {
		if (child->string && !strncmp(child->string, "PLpgSQL_stmt_", 13))
			walk_statement(b, child->string, child, env, depth + 1);
		else if (cJSON_IsObject(child) || cJSON_IsArray(child))
			walk(b, child, env, depth + 1);
	}
}

/* Names of all PL/pgSQL variables, for telling "id = v_id" (a point) from
 * "id = other_id" (a join). */
static const char **collect_variables(ml_arena *arena, const cJSON *function, size_t *count)
{
	const cJSON *datums = cJSON_GetObjectItemCaseSensitive(function, "datums");
	ml_ptr_vec names = { 0 };
	const cJSON *d;
	cJSON_ArrayForEach(d, datums)
	{
		const cJSON *kind = d->child;
		const cJSON *refname = kind ? cJSON_GetObjectItemCaseSensitive(kind, "refname") : NULL;
		if (cJSON_IsString(refname) && refname->valuestring[0] != '(')
			ml_ptr_vec_push(arena, &names, ml_arena_strdup(arena, refname->valuestring));
	}
	*count = names.len;
	return (const char **)names.items;
}

/* The body's variables as they are before its first statement: a
 * declared one holds its DEFAULT (or nothing), a parameter is unknown.
 * The JSON does not say which block declares which variable, and an
 * inner block's DEFAULTs run when that block begins: only DEFAULTs that
 * read no variable are known here (one that does reads it as unknown,
 * UNKNOWN_DECLARED, rather than with its value at the body's start). */
static void init_vars(struct vars *vars, const cJSON *function)
{
	const cJSON *datums = cJSON_GetObjectItemCaseSensitive(function, "datums");
	vars->n = (size_t)cJSON_GetArraySize(datums);
	vars->names = ml_arena_alloc(vars->arena, (vars->n ? vars->n : 1) * sizeof(*vars->names));
	vars->values = ml_arena_alloc(vars->arena, (vars->n ? vars->n : 1) * sizeof(*vars->values));
	vars->seen = ml_arena_alloc(vars->arena, (vars->n ? vars->n : 1) * sizeof(*vars->seen));
	/* The values start in initial[]; while the DEFAULTs are evaluated
	 * every variable they read is unknown. */
	var_value *initial = ml_arena_alloc(vars->arena, (vars->n ? vars->n : 1) * sizeof(*initial));
	size_t i = 0;
	const cJSON *d;
	cJSON_ArrayForEach(d, datums)
	{
		const cJSON *var = declared_record(d);
		var = var ? var : cJSON_GetObjectItemCaseSensitive(d, "PLpgSQL_var");
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(var, "refname");
		vars->values[i].unknown = UNKNOWN_DECLARED;
		initial[i].unknown = UNKNOWN_RUNTIME;
		if (cJSON_IsString(name)) {
			vars->names[i] = name->valuestring;
			/* Parameters come before the declarations, which have a line. */
			bool declared = cJSON_GetObjectItemCaseSensitive(var, "lineno") != NULL;
			initial[i].unknown = declared || !strcmp(name->valuestring, "found") ? UNKNOWN_UNSET
											     : UNKNOWN_PARAMETER;
		}
		i++;
	}
	i = 0;
	cJSON_ArrayForEach(d, datums)
	{
		const cJSON *var = declared_record(d);
		var = var ? var : cJSON_GetObjectItemCaseSensitive(d, "PLpgSQL_var");
		const cJSON *def = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(var, "default_val"), "PLpgSQL_expr");
		const cJSON *query = cJSON_GetObjectItemCaseSensitive(def, "query");
		if (vars->names[i] && cJSON_IsString(query)) {
			ml_parsed parsed;
			const PgQuery__SelectStmt *sel =
				plain_select(vars->cache, ml_arena_printf(vars->arena, "SELECT %s", query->valuestring), &parsed);
			initial[i] = eval_value(vars, sel && sel->n_target_list == 1 ? sel->target_list[0] : NULL);
			ml_parsed_free(&parsed);
		}
		i++;
	}
	memcpy(vars->values, initial, vars->n * sizeof(*initial));
}

/* Adds a unit noting that the PL/pgSQL body of parent, a statement rebuilt
 * from an EXECUTE (located at the EXECUTE), was not analysed. */
static void add_dynamic_body(const ml_unit *parent, const ml_line_map *map, ml_body_kind kind, ml_unit_list *out)
{
	size_t at = parent->start, end = at;
	if (at + 7 <= map->len && !strncasecmp(map->text + at, "EXECUTE", 7))
		end = at + 7;
	ml_unit unit = { .kind = ML_UNIT_NOT_ANALYSED, .start = at, .end = end,
			 .directive_line = parent->directive_line, .env = parent->env };
	unit.message = kind == ML_BODY_DO ? "EXECUTE runs a DO block built as text: the statements in its body were "
					    "not analysed"
					  : "EXECUTE creates a PL/pgSQL routine built as text: the statements in its "
					    "body were not analysed";
	ml_unit_list_add(out, &unit);
}

void ml_plpgsql_expand(const ml_unit *parent, const ml_line_map *map, ml_body_cache *cache, ml_unit_list *out)
{
	const PgQuery__Node *stmt = parent->stmt;
	const ml_stmt_env *outer = &parent->env;
	const char *language = "plpgsql";
	const PgQuery__DefElem *as = NULL;
	ml_body_kind kind;
	if (stmt->node_case == PG_QUERY__NODE__NODE_DO_STMT) {
		const PgQuery__DoStmt *ds = stmt->do_stmt;
		as = ml_option(ds->args, ds->n_args, "as");
		const PgQuery__DefElem *lang = ml_option(ds->args, ds->n_args, "language");
		if (lang && def_string(lang))
			language = def_string(lang);
		kind = ML_BODY_DO;
	} else if (stmt->node_case == PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT) {
		const PgQuery__CreateFunctionStmt *fs = stmt->create_function_stmt;
		as = ml_option(fs->options, fs->n_options, "as");
		const PgQuery__DefElem *lang = ml_option(fs->options, fs->n_options, "language");
		language = lang && def_string(lang) ? def_string(lang) : "sql";
		kind = fs->is_procedure ? ML_BODY_PROCEDURE : ML_BODY_FUNCTION;
	} else {
		return;
	}
	if (strcmp(language, "plpgsql") != 0 || !as || !def_string(as))
		return;
	out->body = kind;
	if (!parent->loc_exact) {
		/* A DO block or a routine that an EXECUTE builds as text: its
		 * body is nowhere in the file to map findings onto. */
		if (outer->dynamic)
			add_dynamic_body(parent, map, kind, out);
		return;
	}
	const char *body_text = def_string(as);

	struct body b = { .map = map, .parent = parent, .out = out, .cache = cache };
	if (kind == ML_BODY_PROCEDURE)
		b.procedure = ml_last_name(stmt->create_function_stmt->funcname,
					   stmt->create_function_stmt->n_funcname);
	if (as->location < 0 || !locate_body(map, parent->loc_base + (size_t)as->location, body_text, &b)) {
		if (outer->dynamic)
			add_dynamic_body(parent, map, kind, out);
		return;
	}
	out->body_start = b.content_start;
	out->body_end = b.content_end;

	/* Compiling a body costs memory like parsing a statement of its size. */
	ml_statement_size size;
	ml_statement_measure(body_text, strlen(body_text), &size);
	if (size.tokens > ML_MAX_STATEMENT_TOKENS) {
		ml_unit unit = body_unit(&b, ML_UNIT_TOO_COMPLEX, outer);
		unit.start = unit.end = b.content_start;
		unit.what = "PL/pgSQL body";
		unit.tokens = size.tokens;
		ml_unit_list_add(out, &unit);
		return;
	}

	ml_body_outcome own;
	const ml_body_outcome *compiled = ml_plpgsql_compile(out->arena, cache, stmt, body_text, &own);
	if (compiled->failed) {
		add_compile_error(&b, compiled);
		return;
	}
	if (!compiled->tree) {
		ml_unit unit = body_unit(&b, ML_UNIT_TOO_COMPLEX, outer);
		unit.start = unit.end = b.content_start;
		unit.what = "PL/pgSQL body";
		ml_unit_list_add(out, &unit);
		return;
	}
	const cJSON *function =
		cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(compiled->tree, 0), "PLpgSQL_function");

	ml_stmt_env env = *outer;
	env.body = kind;
	env.loop_depth = 0;
	env.loop_commits = false;
	env.loop_vars = collect_variables(out->arena, function, &env.n_loop_vars);

	struct vars vars = { .arena = ml_arena_new(), .cache = cache };
	init_vars(&vars, function);
	b.vars = &vars;

	out->walked = true;
	walk(&b, cJSON_GetObjectItemCaseSensitive(function, "action"), &env, 0);
	ml_arena_free(vars.arena);
	if (compiled == &own)
		cJSON_Delete(own.tree);
}
