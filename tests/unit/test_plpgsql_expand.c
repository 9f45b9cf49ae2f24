/*
 * test_plpgsql_expand.c - the PL/pgSQL expander alone (src/source/plpgsql.c,
 * src/source/stmt_unit.c): a body's child units, their kinds, spans and
 * environments, with no engine, run or rule involved.
 */
#include <string.h>

#include "body_cache.h"
#include "facts.h"
#include "linemap.h"
#include "parse.h"
#include "plpgsql.h"
#include "stmt_unit.h"
#include "unit.h"

#include "../protobuf_compare.h"

/* The statement the children come from, as the driver hands it over. */
static ml_line_map map;
static ml_unit_list top;
static ml_unit_list children;

static void setup(void)
{
	arena_setup();
	ml_unit_list_init(&top, arena);
	ml_unit_list_init(&children, arena);
}

static void teardown(void)
{
	ml_unit_list_free(&children);
	ml_unit_list_free(&top);
	arena_teardown();
}

/* Parses sql, a file holding one statement, into top and expands it into
 * children. Returns the statement's unit. */
static const ml_unit *expand(const char *sql)
{
	size_t len = strlen(sql);
	ml_line_map_init(&map, arena, sql, len);
	ml_parsed parsed;
	ml_parse_statement(sql, len, &parsed);
	ck_assert_int_eq(parsed.status, ML_PARSED_OK);
	ml_unit like = { .start = 0, .end = len, .directive_line = 1, .env = { .body = ML_BODY_TOP } };
	ck_assert_int_eq(ml_unit_list_add_parse(&top, &parsed, sql, len, 0, true, &like, &map), 1);
	ml_plpgsql_expand(&top.items[0], &map, NULL, &children);
	return &top.items[0];
}

/* The file offset of the first occurrence of needle in sql. */
static size_t offset_of(const char *sql, const char *needle)
{
	const char *hit = strstr(sql, needle);
	ck_assert_msg(hit != NULL, "\"%s\" not in the SQL", needle);
	return (size_t)(hit - sql);
}

/* Does the unit's environment list the PL/pgSQL variable name? */
static bool has_var(const ml_unit *u, const char *name)
{
	for (size_t i = 0; i < u->env.n_loop_vars; i++)
		if (!strcmp(u->env.loop_vars[i], name))
			return true;
	return false;
}

static const char DO_BLOCK[] = "DO $$\n"
			       "DECLARE\n"
			       "  t text := 'users';\n"
			       "  v_unset text;\n"
			       "BEGIN\n"
			       "  FOR i IN 1..10 LOOP\n"
			       "    UPDATE users SET n = i WHERE id = i;\n"
			       "    COMMIT;\n"
			       "  END LOOP;\n"
			       "  EXECUTE 'ALTER TABLE accounts ADD COLUMN c int';\n"
			       "  EXECUTE 'ALTER TABLE ' || t || ' DROP COLUMN x';\n"
			       "  EXECUTE v_unset;\n"
			       "END $$;\n";

START_TEST(test_do_block_units)
{
	const char *sql = DO_BLOCK;
	const ml_unit *parent = expand(sql);
	ck_assert_int_eq(children.body, ML_BODY_DO);
	ck_assert(children.walked);
	ck_assert_uint_eq(children.body_start, offset_of(sql, "\nDECLARE"));
	ck_assert_uint_eq(children.body_end, offset_of(sql, "$$;"));
	ck_assert_uint_eq(children.len, 5);

	/* The UPDATE in the loop: its own text in the file, one loop deep,
	 * a loop that COMMITs, the body's variables in scope. */
	const ml_unit *u = &children.items[0];
	const char *update = "UPDATE users SET n = i WHERE id = i";
	ck_assert_int_eq(u->kind, ML_UNIT_STATEMENT);
	ck_assert_int_eq(u->stmt->node_case, PG_QUERY__NODE__NODE_UPDATE_STMT);
	ck_assert_uint_eq(u->start, offset_of(sql, update));
	ck_assert_uint_eq(u->end, offset_of(sql, update) + strlen(update));
	ck_assert(u->loc_exact);
	ck_assert_uint_eq(u->loc_base, u->start);
	ck_assert_uint_eq(u->loc_limit, strlen(update));
	ck_assert_int_eq(u->env.body, ML_BODY_DO);
	ck_assert_int_eq(u->env.loop_depth, 1);
	ck_assert(u->env.loop_commits);
	ck_assert(!u->env.dynamic);
	ck_assert(has_var(u, "i") && has_var(u, "t") && has_var(u, "v_unset"));
	ck_assert_int_eq(u->directive_line, parent->directive_line);

	/* The COMMIT: a transaction statement that ends the transaction, at
	 * the word COMMIT. */
	u = &children.items[1];
	ck_assert_int_eq(u->kind, ML_UNIT_TX_END);
	ck_assert_int_eq(u->stmt->node_case, PG_QUERY__NODE__NODE_TRANSACTION_STMT);
	ck_assert_int_eq(u->stmt->transaction_stmt->kind, PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT);
	ck_assert_uint_eq(u->start, offset_of(sql, "COMMIT"));
	ck_assert_uint_eq(u->end, offset_of(sql, "COMMIT") + 6);
	ck_assert(!u->loc_exact);
	ck_assert_int_eq(u->env.loop_depth, 1);
	ck_assert(u->env.loop_commits);
	ck_assert_ptr_null(u->procedure);

	/* EXECUTE of a constant: the statement it runs, as dynamic SQL at the
	 * EXECUTE, outside the loop. */
	size_t first_execute = offset_of(sql, "EXECUTE 'ALTER");
	u = &children.items[2];
	ck_assert_int_eq(u->kind, ML_UNIT_STATEMENT);
	ck_assert_int_eq(u->stmt->node_case, PG_QUERY__NODE__NODE_ALTER_TABLE_STMT);
	ck_assert_str_eq(u->stmt->alter_table_stmt->relation->relname, "accounts");
	ck_assert_uint_eq(u->start, first_execute);
	ck_assert_uint_eq(u->end, first_execute);
	ck_assert(!u->loc_exact);
	ck_assert(u->env.dynamic);
	ck_assert_int_eq(u->env.loop_depth, 0);
	ck_assert(!u->env.loop_commits);

	/* EXECUTE of a string built from a variable the walk knows. */
	size_t second_execute = offset_of(sql, "EXECUTE 'ALTER TABLE ' ||");
	u = &children.items[3];
	ck_assert_int_eq(u->kind, ML_UNIT_STATEMENT);
	ck_assert_int_eq(u->stmt->node_case, PG_QUERY__NODE__NODE_ALTER_TABLE_STMT);
	ck_assert_str_eq(u->stmt->alter_table_stmt->relation->relname, "users");
	ck_assert_uint_eq(u->start, second_execute);
	ck_assert(u->env.dynamic);

	/* EXECUTE of a variable never given a value: not analysed, and why. */
	size_t third_execute = offset_of(sql, "EXECUTE v_unset");
	u = &children.items[4];
	ck_assert_int_eq(u->kind, ML_UNIT_NOT_ANALYSED);
	ck_assert_uint_eq(u->start, third_execute);
	ck_assert_uint_eq(u->end, third_execute + 7);
	ck_assert_str_eq(u->message, "EXECUTE runs SQL from \"v_unset\", which is not given a value before it: it was "
				     "not analysed");
}
END_TEST

/* A procedure's COMMIT names the procedure; its statements run when it is
 * called, not now. */
START_TEST(test_procedure_commit)
{
	const char *sql = "CREATE PROCEDURE purge() LANGUAGE plpgsql AS $$\n"
			  "BEGIN\n"
			  "  DELETE FROM events;\n"
			  "  COMMIT;\n"
			  "END $$;\n";
	expand(sql);
	ck_assert_int_eq(children.body, ML_BODY_PROCEDURE);
	ck_assert_uint_eq(children.len, 2);
	ck_assert_int_eq(children.items[0].kind, ML_UNIT_STATEMENT);
	ck_assert_int_eq(children.items[0].env.body, ML_BODY_PROCEDURE);
	ck_assert_int_eq(children.items[1].kind, ML_UNIT_TX_END);
	ck_assert_str_eq(children.items[1].procedure, "purge");
}
END_TEST

/* A body the PL/pgSQL compiler refuses: one syntax-error unit where it
 * stopped, which is not a statement of the timeline. */
START_TEST(test_body_does_not_compile)
{
	const char *sql = "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\n"
			  "BEGIN\n"
			  "  IF true THEN\n"
			  "    PERFORM 1;\n"
			  "END $$;\n";
	expand(sql);
	ck_assert(!children.walked);
	ck_assert_uint_eq(children.len, 1);
	const ml_unit *u = &children.items[0];
	ck_assert_int_eq(u->kind, ML_UNIT_SYNTAX_ERROR);
	ck_assert(!u->is_statement);
	ck_assert(!strncmp(u->message, "PL/pgSQL: ", 10));
	ck_assert_uint_ge(u->error_start, children.body_start);
	ck_assert_uint_le(u->error_end, children.body_end);
}
END_TEST

/* SELECT ... INTO: PL/pgSQL blanks the INTO out of the query, which is
 * then no verbatim slice of the file: found by its first words, with node
 * locations that do not map onto the file. */
START_TEST(test_select_into_not_exact)
{
	const char *sql = "DO $$\n"
			  "DECLARE n int;\n"
			  "BEGIN\n"
			  "  SELECT count(*) INTO n FROM users;\n"
			  "END $$;\n";
	expand(sql);
	ck_assert(children.walked);
	ck_assert_uint_eq(children.len, 1);
	const ml_unit *u = &children.items[0];
	ck_assert_int_eq(u->kind, ML_UNIT_STATEMENT);
	ck_assert_int_eq(u->stmt->node_case, PG_QUERY__NODE__NODE_SELECT_STMT);
	ck_assert(!u->loc_exact);
	ck_assert_uint_eq(u->start, offset_of(sql, "SELECT count"));
	ck_assert_uint_eq(u->end, u->start);
}
END_TEST

/* Not PL/pgSQL, not a routine: no units. A DO block rebuilt from an
 * EXECUTE: its body is nowhere in the file, which a unit says. */
START_TEST(test_nothing_to_expand)
{
	expand("CREATE FUNCTION one() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;");
	ck_assert_uint_eq(children.len, 0);
	ck_assert(!children.walked);
	ml_unit_list_free(&children);
	ml_unit_list_free(&top);

	const char *sql = "DO $$ BEGIN EXECUTE 'DO $b$ BEGIN DROP TABLE t; END $b$'; END $$;";
	expand(sql);
	ck_assert_uint_eq(children.len, 1);
	ml_unit dynamic_do = children.items[0];
	ck_assert_int_eq(dynamic_do.kind, ML_UNIT_STATEMENT);
	ck_assert_int_eq(dynamic_do.stmt->node_case, PG_QUERY__NODE__NODE_DO_STMT);
	ck_assert(dynamic_do.env.dynamic);
	ml_unit_list grandchildren;
	ml_unit_list_init(&grandchildren, arena);
	ml_plpgsql_expand(&dynamic_do, &map, NULL, &grandchildren);
	ck_assert_uint_eq(grandchildren.len, 1);
	ck_assert_int_eq(grandchildren.items[0].kind, ML_UNIT_NOT_ANALYSED);
	ck_assert_uint_eq(grandchildren.items[0].start, offset_of(sql, "EXECUTE"));
	ck_assert_uint_eq(grandchildren.items[0].end, offset_of(sql, "EXECUTE") + 7);
	ck_assert_str_eq(grandchildren.items[0].message, "EXECUTE runs a DO block built as text: the statements in its "
							 "body were not analysed");
	ck_assert(!grandchildren.walked);
	ml_unit_list_free(&grandchildren);
}
END_TEST

/* ---- the run's cache of bodies ------------------------------------------- */

/* One file of one statement, expanded with a cache: its own map and lists,
 * in the test's arena. */
struct expansion {
	ml_line_map map;
	ml_unit_list top, children;
};

static void expand_cached(struct expansion *e, ml_body_cache *cache, const char *sql)
{
	size_t len = strlen(sql);
	ml_line_map_init(&e->map, arena, sql, len);
	ml_unit_list_init(&e->top, arena);
	ml_unit_list_init(&e->children, arena);
	ml_parsed parsed;
	ml_parse_statement(sql, len, &parsed);
	ck_assert_int_eq(parsed.status, ML_PARSED_OK);
	/* The statement starts after any leading comment line. */
	size_t at = strncmp(sql, "--", 2) ? 0 : (size_t)(strchr(sql, '\n') + 1 - sql);
	ml_unit like = { .start = at, .end = len, .directive_line = 1, .env = { .body = ML_BODY_TOP } };
	ck_assert_int_eq(ml_unit_list_add_parse(&e->top, &parsed, sql, len, 0, true, &like, &e->map), 1);
	ml_plpgsql_expand(&e->top.items[0], &e->map, cache, &e->children);
}

static void expansion_free(struct expansion *e)
{
	ml_unit_list_free(&e->children);
	ml_unit_list_free(&e->top);
}

static bool same_text_or_null(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool same_tree(const PgQuery__Node *a, const PgQuery__Node *b)
{
	if (!a || !b)
		return a == b;
	size_t size = protobuf_c_message_get_packed_size(&a->base);
	uint8_t *buf = ml_arena_alloc(arena, size ? size : 1);
	protobuf_c_message_pack(&a->base, buf);
	return pb_packs_to(&b->base, buf, size);
}

/* Are b's units a's, shifted by shift bytes in the file? */
static void assert_same_units(const ml_unit_list *a, const ml_unit_list *b, size_t shift)
{
	ck_assert_int_eq(a->body, b->body);
	ck_assert_int_eq(a->walked, b->walked);
	ck_assert_uint_eq(a->body_start + shift, b->body_start);
	ck_assert_uint_eq(a->body_end + shift, b->body_end);
	ck_assert_uint_eq(a->len, b->len);
	for (size_t i = 0; i < a->len; i++) {
		const ml_unit *u = &a->items[i], *v = &b->items[i];
		ck_assert_int_eq(u->kind, v->kind);
		ck_assert_uint_eq(u->start + shift, v->start);
		ck_assert_uint_eq(u->end + shift, v->end);
		ck_assert_int_eq(u->loc_exact, v->loc_exact);
		ck_assert_uint_eq(u->loc_limit, v->loc_limit);
		ck_assert_msg(same_text_or_null(u->message, v->message), "unit %zu: \"%s\" / \"%s\"", i,
			      u->message ? u->message : "(null)", v->message ? v->message : "(null)");
		if (u->kind == ML_UNIT_SYNTAX_ERROR) {
			ck_assert_uint_eq(u->error_start + shift, v->error_start);
			ck_assert_uint_eq(u->error_end + shift, v->error_end);
		}
		ck_assert_int_eq(u->env.loop_depth, v->env.loop_depth);
		ck_assert_int_eq(u->env.loop_commits, v->env.loop_commits);
		ck_assert_int_eq(u->env.dynamic, v->env.dynamic);
		ck_assert_uint_eq(u->env.n_loop_vars, v->env.n_loop_vars);
		for (size_t k = 0; k < u->env.n_loop_vars; k++)
			ck_assert_str_eq(u->env.loop_vars[k], v->env.loop_vars[k]);
		ck_assert(same_text_or_null(u->procedure, v->procedure));
		ck_assert_msg(same_tree(u->stmt, v->stmt), "unit %zu: the trees differ", i);
	}
}

/* The same body twice (in another file, at another place): compiled and
 * its SQL parsed once, and the same units as without the cache. */
START_TEST(test_cache_same_body_once)
{
	ml_body_cache *cache = ml_body_cache_new(1 << 20);
	ck_assert_ptr_nonnull(cache);
	struct expansion plain, first, again;
	expand_cached(&plain, NULL, DO_BLOCK);
	expand_cached(&first, cache, DO_BLOCK);
	ml_body_cache_stats st;
	ml_body_cache_stats_get(cache, &st);
	ck_assert_uint_eq(st.body_hits, 0);
	ck_assert_uint_eq(st.body_misses, 1);
	size_t parsed_first = st.statement_misses;
	ck_assert_uint_gt(parsed_first, 0);

	char *shifted = ml_arena_printf(arena, "-- the same again\n%s", DO_BLOCK);
	expand_cached(&again, cache, shifted);
	ml_body_cache_stats_get(cache, &st);
	ck_assert_uint_eq(st.body_hits, 1);
	ck_assert_uint_eq(st.body_misses, 1);
	ck_assert_uint_eq(st.statement_misses, parsed_first); /* no statement parsed again */
	ck_assert_uint_gt(st.statement_hits, 0);

	assert_same_units(&plain.children, &first.children, 0);
	assert_same_units(&plain.children, &again.children, strlen("-- the same again\n"));
	expansion_free(&plain);
	expansion_free(&first);
	expansion_free(&again);
	ml_body_cache_free(cache);
}
END_TEST

/* Different bodies, and the same body in routines the compiler is told
 * apart (another parameter): each compiled on its own, with its own
 * units. A body that does not compile is kept too, error and place. */
START_TEST(test_cache_different_bodies)
{
	static const char *const SQL[] = {
		"CREATE FUNCTION f(a int) RETURNS void LANGUAGE plpgsql AS $$\n"
		"BEGIN\n  UPDATE users SET n = a;\nEND $$;\n",
		"CREATE FUNCTION f(b int) RETURNS void LANGUAGE plpgsql AS $$\n"
		"BEGIN\n  UPDATE users SET n = a;\nEND $$;\n",
		"CREATE FUNCTION f(a int) RETURNS void LANGUAGE plpgsql AS $$\n"
		"BEGIN\n  DELETE FROM users;\n  DROP TABLE accounts;\nEND $$;\n",
		"CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\n"
		"BEGIN\n  IF true THEN\n    PERFORM 1;\nEND $$;\n",
	};
	enum { N = sizeof(SQL) / sizeof(SQL[0]) };
	ml_body_cache *cache = ml_body_cache_new(1 << 20);
	ck_assert_ptr_nonnull(cache);
	struct expansion plain[N], cached[N], again[N];
	for (size_t i = 0; i < N; i++) {
		expand_cached(&plain[i], NULL, SQL[i]);
		expand_cached(&cached[i], cache, SQL[i]);
	}
	ml_body_cache_stats st;
	ml_body_cache_stats_get(cache, &st);
	ck_assert_uint_eq(st.body_misses, N);
	ck_assert_uint_eq(st.body_hits, 0);
	for (size_t i = 0; i < N; i++)
		expand_cached(&again[i], cache, SQL[i]);
	ml_body_cache_stats_get(cache, &st);
	ck_assert_uint_eq(st.body_misses, N);
	ck_assert_uint_eq(st.body_hits, N);
	for (size_t i = 0; i < N; i++) {
		assert_same_units(&plain[i].children, &cached[i].children, 0);
		assert_same_units(&plain[i].children, &again[i].children, 0);
	}
	/* They are not one another's. */
	ck_assert_uint_eq(cached[0].children.len, 1);
	ck_assert_uint_eq(cached[2].children.len, 2);
	ck_assert_int_eq(cached[3].children.items[0].kind, ML_UNIT_SYNTAX_ERROR);
	for (size_t i = 0; i < N; i++) {
		expansion_free(&plain[i]);
		expansion_free(&cached[i]);
		expansion_free(&again[i]);
	}
	ml_body_cache_free(cache);
}
END_TEST

/* A cache too small to keep a body keeps none and changes nothing; one
 * that fills up starts again empty, and what it gives stays right. */
START_TEST(test_cache_bounded)
{
	struct expansion plain, a, b;
	expand_cached(&plain, NULL, DO_BLOCK);
	ml_body_cache *tiny = ml_body_cache_new(64);
	ck_assert_ptr_nonnull(tiny);
	expand_cached(&a, tiny, DO_BLOCK);
	expand_cached(&b, tiny, DO_BLOCK);
	ml_body_cache_stats st;
	ml_body_cache_stats_get(tiny, &st);
	ck_assert_uint_eq(st.body_hits, 0);
	ck_assert_uint_eq(st.body_misses, 2);
	ck_assert_uint_eq(st.bytes, 0);
	assert_same_units(&plain.children, &a.children, 0);
	assert_same_units(&plain.children, &b.children, 0);
	expansion_free(&a);
	expansion_free(&b);
	ml_body_cache_free(tiny);

	/* Room for about two bodies of DO_BLOCK's size: the third fills it. */
	ml_body_cache *sizer = ml_body_cache_new(1 << 20);
	expand_cached(&a, sizer, DO_BLOCK);
	ml_body_cache_stats_get(sizer, &st);
	expansion_free(&a);
	ml_body_cache_free(sizer);
	size_t budget = 2 * st.bytes + 8;
	ml_body_cache *small = ml_body_cache_new(budget);
	ck_assert_ptr_nonnull(small);
	static const char *const TABLES[] = { "users", "items", "posts", "users" };
	for (size_t i = 0; i < sizeof(TABLES) / sizeof(TABLES[0]); i++) {
		char *sql = ml_arena_strdup(arena, DO_BLOCK);
		memcpy(strstr(sql, "users"), TABLES[i], 5);
		struct expansion without, with;
		expand_cached(&without, NULL, sql);
		expand_cached(&with, small, sql);
		assert_same_units(&without.children, &with.children, 0);
		expansion_free(&without);
		expansion_free(&with);
	}
	ml_body_cache_stats_get(small, &st);
	ck_assert_uint_ge(st.flushes, 1);
	ck_assert_uint_eq(st.body_misses, 4); /* "users" again came after a flush */
	ck_assert_uint_le(st.bytes, budget);
	ml_body_cache_free(small);
	expansion_free(&plain);
}
END_TEST

Suite *plpgsql_expand_suite(void)
{
	Suite *s = suite_create("plpgsql_expand");
	TCase *tc = tcase_create("expand");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_do_block_units);
	tcase_add_test(tc, test_procedure_commit);
	tcase_add_test(tc, test_body_does_not_compile);
	tcase_add_test(tc, test_select_into_not_exact);
	tcase_add_test(tc, test_nothing_to_expand);
	tcase_add_test(tc, test_cache_same_body_once);
	tcase_add_test(tc, test_cache_different_bodies);
	tcase_add_test(tc, test_cache_bounded);
	suite_add_tcase(s, tc);
	return s;
}
