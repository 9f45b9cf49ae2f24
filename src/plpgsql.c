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
			while (p < end && text[p] != '\n')
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
		/* COMMIT in a DO block ends the block's transaction (allowed
		 * only when the DO itself runs outside a transaction block). */
		if (b->executes_now && st->tx == ML_TX_IMPLICIT)
			st->n_held = 0;
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
			ml_engine_report_at(b->st, &ml_rule_syntax_error, b->content_start, b->content_start,
					    ml_rule_syntax_error.info.help,
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
	if (as->location < 0 || !locate_body(st, st->loc_base + (size_t)as->location, body_text, &b))
		return;

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
		ml_engine_report_at(st, &ml_rule_syntax_error, b.content_start, b.content_start, ml_rule_syntax_error.info.help,
				    "PL/pgSQL body too deeply nested to analyse");
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
	if (implicit) {
		st->tx = ML_TX_NONE;
		st->n_held = 0;
	}
	cJSON_Delete(json);
}
