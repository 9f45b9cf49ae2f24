/*
 * test_plpgsql_expand.c - the PL/pgSQL expander alone (src/source/plpgsql.c,
 * src/source/stmt_unit.c): a body's child units, their kinds, spans and
 * environments, with no engine, run or rule involved.
 */
#include <string.h>

#include "facts.h"
#include "linemap.h"
#include "parse.h"
#include "plpgsql.h"
#include "stmt_unit.h"
#include "unit.h"

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
	suite_add_tcase(s, tc);
	return s;
}
