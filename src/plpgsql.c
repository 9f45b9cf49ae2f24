/*
 * plpgsql.c - looks inside DO blocks and LANGUAGE plpgsql function and
 * procedure bodies. libpg_query hands PL/pgSQL trees over only as JSON, so
 * this file walks them with cJSON, finds the SQL statements, maps each back
 * to its line in the migration file and analyses it like a top-level
 * statement, knowing the loops around it, whether they COMMIT and which
 * PL/pgSQL variables exist.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <strings.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <pg_query.h>

#include "engine.h"

/* Deeper PL/pgSQL nesting than this is reported, not walked. */
#define PLPGSQL_MAX_DEPTH 600

struct body {
	ml_engine_state *st;
	size_t content_start;     /* file offset of the body's first character */
	size_t content_end;
	int first_line;           /* file line of PL/pgSQL line 1 */
	bool executes_now;        /* a DO block, not a function definition */
	bool depth_reported;
	const char *procedure;    /* name of the procedure being defined, or NULL */
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

static const PgQuery__DefElem *find_option(PgQuery__Node *const *options, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (options[i] && options[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
		    !strcmp(options[i]->def_elem->defname, name))
			return options[i]->def_elem;
	return NULL;
}

/* From the location of "AS" (or of the string itself), finds where the body
 * string's content begins in the file. Returns false when it cannot. */
static bool locate_body(const ml_engine_state *st, size_t from, const char *body, struct body *out)
{
	const char *text = st->map.text;
	size_t p = from, end = st->stmt_end;
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
	if (p < end && (text[p] == 'E' || text[p] == 'e'))
		p++;
	if (p >= end)
		return false;
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
	out->content_end = p + body_len <= st->map.len ? p + body_len : st->map.len;
	int col;
	ml_line_map_position(&st->map, p, &out->first_line, &col);
	return true;
}

/* Where in the file the query of a statement at PL/pgSQL line lineno is. */
static void locate_query(const struct body *b, const char *query, int lineno, size_t *base, bool *exact)
{
	const ml_engine_state *st = b->st;
	int line = b->first_line + (lineno > 0 ? lineno - 1 : 0);
	size_t from = lineno <= 1 ? b->content_start : ml_line_map_line_start(&st->map, line);
	if (from < b->content_start || from > b->content_end)
		from = b->content_start;
	size_t qlen = strlen(query);
	const char *hit = qlen ? memmem(st->map.text + from, b->content_end - from, query, qlen) : NULL;
	if (hit) {
		*base = (size_t)(hit - st->map.text);
		*exact = true;
		return;
	}
	/* PL/pgSQL blanks out INTO clauses, so look for the first words only. */
	size_t prefix = 0;
	while (prefix < qlen && prefix < 32 && !(query[prefix] == ' ' && query[prefix + 1] == ' '))
		prefix++;
	hit = prefix ? memmem(st->map.text + from, b->content_end - from, query, prefix) : NULL;
	*base = hit ? (size_t)(hit - st->map.text) : from;
	while (!hit && *base < b->content_end && isspace((unsigned char)st->map.text[*base]))
		(*base)++;
	*exact = false;
}

/* The file offset of the first case-insensitive word on PL/pgSQL line
 * lineno, or the start of that line's text when it is not there. */
static size_t locate_word(const struct body *b, const char *word, int lineno)
{
	const ml_engine_state *st = b->st;
	int line = b->first_line + (lineno > 0 ? lineno - 1 : 0);
	size_t from = lineno <= 1 ? b->content_start : ml_line_map_line_start(&st->map, line);
	if (from < b->content_start || from > b->content_end)
		from = b->content_start;
	size_t to = ml_line_map_line_end(&st->map, line);
	if (to > b->content_end || to < from)
		to = b->content_end;
	size_t n = strlen(word);
	for (size_t p = from; p + n <= to; p++)
		if (!strncasecmp(st->map.text + p, word, n) &&
		    (p == from || !isalnum((unsigned char)st->map.text[p - 1])))
			return p;
	while (from < to && isspace((unsigned char)st->map.text[from]))
		from++;
	return from;
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

static void analyse_sql(struct body *b, const cJSON *expr_holder, int lineno, const ml_stmt_env *env)
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
	ml_engine_state *st = b->st;
	st->stmt_start = base;
	st->stmt_end = end;
	ml_engine_parse_and_analyse(st, query->valuestring, len, base, exact, env);
}

/* ---- dynamic SQL ---------------------------------------------------------- */

/* Names we cannot know (a variable, an expression) become this identifier,
 * so the statement still parses and rules treat it as an existing table. */

struct text_buf {
	ml_arena *arena;
	char *data;
	size_t len, cap;
};

static void buf_add(struct text_buf *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = (t->len + n + 1) * 2;
		char *grown = ml_arena_alloc(t->arena, cap);
		if (t->len)
			memcpy(grown, t->data, t->len);
		t->data = grown;
		t->cap = cap;
	}
	memcpy(t->data + t->len, s, n);
	t->len += n;
	t->data[t->len] = '\0';
}

static void buf_str(struct text_buf *t, const char *s)
{
	buf_add(t, s, strlen(s));
}

static const char *literal_text(const PgQuery__Node *n)
{
	while (n && n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST)
		n = n->type_cast->arg;
	if (n && n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL)
		return n->a_const->sval->sval;
	return NULL;
}

static void eval_text(struct text_buf *t, const PgQuery__Node *n, int depth);

/* format('...%I...%s...%L...', args): the PL/pgSQL idiom for DDL over many
 * tables. Literal arguments are put in; unknown ones become placeholders. */
static void eval_format(struct text_buf *t, const PgQuery__FuncCall *call, int depth)
{
	const char *fmt = call->n_args ? literal_text(call->args[0]) : NULL;
	if (!fmt) {
		buf_str(t, ML_DYNAMIC_PLACEHOLDER);
		return;
	}
	size_t next_arg = 1;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			buf_add(t, p, 1);
			continue;
		}
		p++;
		if (*p == '%') {
			buf_add(t, "%", 1);
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
		const char *value = arg ? literal_text(arg) : NULL;
		if (*p == 'L') {
			buf_str(t, "'");
			buf_str(t, value ? value : ML_DYNAMIC_PLACEHOLDER);
			buf_str(t, "'");
		} else if (value) {
			buf_str(t, value);
		} else if (arg && depth < 16) {
			eval_text(t, arg, depth + 1);
		} else {
			buf_str(t, ML_DYNAMIC_PLACEHOLDER);
		}
	}
}

static void eval_text(struct text_buf *t, const PgQuery__Node *n, int depth)
{
	const char *literal = literal_text(n);
	if (literal) {
		buf_str(t, literal);
		return;
	}
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
				buf_str(t, "'");
			eval_text(t, call->args[0], depth + 1);
			if (quote)
				buf_str(t, "'");
			return;
		}
	}
	buf_str(t, ML_DYNAMIC_PLACEHOLDER);
}

/* EXECUTE of a string built from literals, || and format(): rebuild the SQL
 * and lint it like any statement, at the EXECUTE's line. */
static void dynamic_sql(struct body *b, const cJSON *expr_holder, int lineno, const ml_stmt_env *env)
{
	const cJSON *expr = cJSON_GetObjectItemCaseSensitive(expr_holder, "PLpgSQL_expr");
	const cJSON *query = cJSON_GetObjectItemCaseSensitive(expr, "query");
	if (!cJSON_IsString(query))
		return;
	ml_engine_state *st = b->st;
	ml_arena *arena = ml_arena_new();
	char *select = ml_arena_printf(arena, "SELECT %s", query->valuestring);
	/* The nesting guards apply here too: the expression is the user's. */
	ml_parsed parsed;
	ml_parse_statement(select, strlen(select), &parsed);
	const PgQuery__ParseResult *tree = parsed.status == ML_PARSED_OK ? parsed.tree : NULL;
	const PgQuery__Node *value = NULL;
	if (tree && tree->n_stmts == 1 && tree->stmts[0]->stmt &&
	    tree->stmts[0]->stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
		const PgQuery__SelectStmt *sel = tree->stmts[0]->stmt->select_stmt;
		if (sel->n_target_list == 1 && sel->target_list[0]->node_case == PG_QUERY__NODE__NODE_RES_TARGET)
			value = sel->target_list[0]->res_target->val;
	}
	if (value) {
		struct text_buf sql = { .arena = arena };
		buf_add(&sql, "", 0); /* never NULL, even when format() yields nothing */
		eval_text(&sql, value, 0);
		size_t at = locate_word(b, "EXECUTE", lineno);
		st->stmt_start = at;
		st->stmt_end = at;
		/* Statements we rebuilt may not parse (a placeholder where a
		 * number belongs): that is our guess failing, not the file. */
		bool saved = st->dynamic;
		st->dynamic = true;
		ml_engine_parse_and_analyse(st, sql.data, sql.len, at, false, env);
		st->dynamic = saved;
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

static void walk_statement(struct body *b, const char *type, const cJSON *stmt, const ml_stmt_env *env,
			   int depth)
{
	ml_engine_state *st = b->st;
	if (!strcmp(type, "PLpgSQL_stmt_execsql")) {
		analyse_sql(b, cJSON_GetObjectItemCaseSensitive(stmt, "sqlstmt"), stmt_lineno(stmt), env);
		return;
	}
	if (!strcmp(type, "PLpgSQL_stmt_commit") || !strcmp(type, "PLpgSQL_stmt_rollback")) {
		bool commit = !strcmp(type, "PLpgSQL_stmt_commit");
		if (b->procedure)
			ml_ptr_vec_push(st->run->arena, &st->run->committing_procedures,
					ml_arena_strdup(st->run->arena, b->procedure));
		/* Rules see it as the transaction statement it is. */
		PgQuery__TransactionStmt ts = PG_QUERY__TRANSACTION_STMT__INIT;
		ts.kind = commit ? PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT
				 : PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK;
		PgQuery__Node node = PG_QUERY__NODE__INIT;
		node.node_case = PG_QUERY__NODE__NODE_TRANSACTION_STMT;
		node.transaction_stmt = &ts;
		size_t at = locate_word(b, commit ? "COMMIT" : "ROLLBACK", stmt_lineno(stmt));
		st->stmt_start = at;
		st->stmt_end = at + (commit ? 6 : 8) <= b->content_end ? at + (commit ? 6 : 8) : at;
		st->loc_exact = false;
		ml_engine_statement(st, &node, env);
		return;
	}
	if (!strcmp(type, "PLpgSQL_stmt_dynexecute")) {
		dynamic_sql(b, cJSON_GetObjectItemCaseSensitive(stmt, "query"), stmt_lineno(stmt), env);
		return;
	}
	if (is_loop(type)) {
		ml_stmt_env inner = *env;
		inner.loop_depth++;
		inner.loop_commits = env->loop_commits || contains_commit(stmt, 0);
		walk(b, stmt, &inner, depth + 1);
		return;
	}
	walk(b, stmt, env, depth + 1);
}

static void walk(struct body *b, const cJSON *node, const ml_stmt_env *env, int depth)
{
	if (!node)
		return;
	if (depth > PLPGSQL_MAX_DEPTH) {
		if (!b->depth_reported) {
			b->depth_reported = true;
			ml_engine_report_at(b->st, &ml_rule_statement_too_complex, b->content_start, b->content_start,
					    ml_rule_statement_too_complex.info.help,
					    "PL/pgSQL nested too deeply to analyse; statements below this depth were "
					    "not checked");
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

void ml_plpgsql_analyse(ml_engine_state *st, const PgQuery__Node *stmt, const ml_stmt_env *outer)
{
	const char *language = "plpgsql";
	const PgQuery__DefElem *as = NULL;
	ml_body_kind kind;
	if (stmt->node_case == PG_QUERY__NODE__NODE_DO_STMT) {
		const PgQuery__DoStmt *ds = stmt->do_stmt;
		as = find_option(ds->args, ds->n_args, "as");
		const PgQuery__DefElem *lang = find_option(ds->args, ds->n_args, "language");
		if (lang && def_string(lang))
			language = def_string(lang);
		kind = ML_BODY_DO;
	} else if (stmt->node_case == PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT) {
		const PgQuery__CreateFunctionStmt *fs = stmt->create_function_stmt;
		as = find_option(fs->options, fs->n_options, "as");
		const PgQuery__DefElem *lang = find_option(fs->options, fs->n_options, "language");
		language = lang && def_string(lang) ? def_string(lang) : "sql";
		kind = fs->is_procedure ? ML_BODY_PROCEDURE : ML_BODY_FUNCTION;
	} else {
		return;
	}
	if (strcmp(language, "plpgsql") != 0 || !as || !def_string(as) || !st->loc_exact)
		return;
	const char *body_text = def_string(as);

	struct body b = { .st = st, .executes_now = kind == ML_BODY_DO };
	if (kind == ML_BODY_PROCEDURE)
		b.procedure = ml_last_name(stmt->create_function_stmt->funcname,
					   stmt->create_function_stmt->n_funcname);
	if (as->location < 0 || !locate_body(st, st->loc_base + (size_t)as->location, body_text, &b))
		return;
	/* Directives inside the body: the file scan saw the body as one string. */
	if (b.content_end > b.content_start &&
	    memmem(st->map.text + b.content_start, b.content_end - b.content_start, "migralint-ignore", 16)) {
		size_t first = st->suppressions.len;
		ml_suppressions_scan(st->file_arena, &st->map, b.content_start, b.content_end, &st->suppressions);
		ml_engine_report_unknown_ignores(st, first);
	}

	/* Compiling a body costs memory like parsing a statement of its size. */
	ml_statement_size size;
	ml_statement_measure(body_text, strlen(body_text), &size);
	if (size.tokens > ML_MAX_STATEMENT_TOKENS) {
		ml_engine_report_at(st, &ml_rule_statement_too_complex, b.content_start, b.content_start,
				    ml_rule_statement_too_complex.info.help,
				    ml_too_large_message(st->file_arena, "PL/pgSQL body", size.tokens));
		return;
	}

	/* libpg_query parses the whole statement again for PL/pgSQL. */
	char *source = ml_arena_strndup(st->file_arena, st->map.text + st->stmt_start, st->stmt_end - st->stmt_start);
	PgQueryPlpgsqlParseResult parsed = pg_query_parse_plpgsql(source);
	if (parsed.error) {
		const char *message = ml_arena_printf(st->file_arena, "PL/pgSQL: %s", parsed.error->message);
		ml_engine_report_at(st, &ml_rule_syntax_error, b.content_start, b.content_start, ml_rule_syntax_error.info.help,
				    message);
		pg_query_free_plpgsql_parse_result(parsed);
		return;
	}
	cJSON *json = cJSON_Parse(parsed.plpgsql_funcs);
	pg_query_free_plpgsql_parse_result(parsed);
	if (!json) {
		ml_engine_report_at(st, &ml_rule_statement_too_complex, b.content_start, b.content_start,
				    ml_rule_statement_too_complex.info.help,
				    "PL/pgSQL body nested too deeply to analyse: it was not checked");
		return;
	}
	const cJSON *function = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(json, 0), "PLpgSQL_function");

	ml_stmt_env env = *outer;
	env.body = kind;
	env.loop_depth = 0;
	env.loop_commits = false;
	env.loop_vars = collect_variables(st->file_arena, function, &env.n_loop_vars);

	/* A DO block run in autocommit is one transaction until it COMMITs. */
	bool implicit = kind == ML_BODY_DO && st->tx == ML_TX_NONE;
	if (implicit)
		st->tx = ML_TX_IMPLICIT;
	walk(&b, cJSON_GetObjectItemCaseSensitive(function, "action"), &env, 0);
	if (implicit)
		ml_engine_end_transaction(st, false);
	cJSON_Delete(json);
}
