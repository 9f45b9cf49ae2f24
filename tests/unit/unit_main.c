/*
 * unit_main.c - runs every unit test suite and exits non-zero on a failure.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "catalog.h"
#include "parse.h"
#include "unit.h"

ml_arena *arena;

/* The parses parse_one handed out since arena_setup. */
#define MAX_PARSES 256
static ml_parsed parses[MAX_PARSES];
static size_t n_parses;

void arena_setup(void)
{
	arena = ml_arena_new();
	ck_assert_ptr_nonnull(arena);
}

void arena_teardown(void)
{
	for (size_t i = 0; i < n_parses; i++)
		ml_parsed_free(&parses[i]);
	n_parses = 0;
	ml_arena_free(arena);
	arena = NULL;
}

ml_catalog *cat;

void catalog_setup(void)
{
	arena_setup();
	cat = ml_catalog_new();
	ck_assert_ptr_nonnull(cat);
	ml_catalog_begin_file(cat, "test.sql");
}

void catalog_teardown(void)
{
	ml_catalog_free(cat);
	cat = NULL;
	arena_teardown();
}

const PgQuery__Node *parse_one(const char *sql)
{
	ck_assert_uint_lt(n_parses, MAX_PARSES);
	ml_parsed *p = &parses[n_parses++];
	ml_parse_statement(sql, strlen(sql), p);
	ck_assert_msg(p->status == ML_PARSED_OK && p->tree && p->tree->n_stmts > 0, "does not parse: %s", sql);
	return p->tree->stmts[0]->stmt;
}

int main(void)
{
	SRunner *sr = srunner_create(linemap_suite());
	srunner_add_suite(sr, split_suite());
	srunner_add_suite(sr, suppress_suite());
	srunner_add_suite(sr, engine_suite());
	srunner_add_suite(sr, lock_table_suite());
	srunner_add_suite(sr, unpack_suite());
	srunner_add_suite(sr, pack_suite());
	srunner_add_suite(sr, mentions_suite());
	srunner_add_suite(sr, read_suite());
	srunner_add_suite(sr, catalog_suite());
	srunner_add_suite(sr, tx_suite());
	srunner_add_suite(sr, effects_suite());
	srunner_add_suite(sr, rule_set_suite());
	srunner_add_suite(sr, glob_suite());
	srunner_add_suite(sr, plpgsql_expand_suite());
	srunner_add_suite(sr, lint_text_suite());
	srunner_add_suite(sr, diagnostics_suite());
	srunner_add_suite(sr, history_suite());
	srunner_add_suite(sr, code_refs_suite());
	srunner_add_suite(sr, git_suite());
	srunner_add_suite(sr, schema_changes_suite());
	srunner_add_suite(sr, table_sizes_suite());
	srunner_add_suite(sr, fix_cli_suite());
	srunner_add_suite(sr, lsp_text_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
