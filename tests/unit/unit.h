/*
 * unit.h - the suites of the unit_tests executable (one per test_*.c file).
 */
#ifndef MIGRALINT_UNIT_H
#define MIGRALINT_UNIT_H

#include <stddef.h>

#include <check.h>

/* A fresh arena for each test of the suites that allocate from one
 * (tcase_add_checked_fixture(tc, arena_setup, arena_teardown)); defined in
 * unit_main.c. */
struct ml_arena;
extern struct ml_arena *arena;
void arena_setup(void);
void arena_teardown(void);

/* unit_sql.c: calls fn(statement, path, byte offset, data) for every
 * statement of every *.sql file under dir, in directory order; the
 * statement's text is valid during the call. Fails the test when dir
 * cannot be read. */
typedef void (*unit_statement_fn)(const char *stmt, const char *path, size_t at, void *data);
void unit_each_sql_statement(const char *dir, unit_statement_fn fn, void *data);

/* The same plus cat, an empty catalog that has begun its first file, freed
 * at teardown (tcase_add_checked_fixture(tc, catalog_setup,
 * catalog_teardown)); for the suites of the model layer. */
struct ml_catalog;
extern struct ml_catalog *cat;
void catalog_setup(void);
void catalog_teardown(void);

/* The first statement of sql (NUL-terminated), parsed with the library's
 * parser; the test fails when sql does not parse. The tree lives until the
 * next arena_teardown, so only suites with that fixture may ask. */
struct PgQuery__Node;
const struct PgQuery__Node *parse_one(const char *sql);

Suite *linemap_suite(void);
Suite *split_suite(void);
Suite *suppress_suite(void);
Suite *engine_suite(void);
Suite *lock_table_suite(void);
Suite *unpack_suite(void);
Suite *pack_suite(void);
Suite *mentions_suite(void);
Suite *read_suite(void);
Suite *catalog_suite(void);
Suite *tx_suite(void);
Suite *effects_suite(void);
Suite *rule_set_suite(void);
Suite *glob_suite(void);
Suite *plpgsql_expand_suite(void);
Suite *lint_text_suite(void);
Suite *diagnostics_suite(void);
Suite *history_suite(void);
Suite *code_refs_suite(void);
Suite *git_suite(void);
Suite *schema_changes_suite(void);
Suite *table_sizes_suite(void);
Suite *fix_cli_suite(void);
Suite *lsp_text_suite(void);

#endif
