/*
 * unit.h - the suites of the unit_tests executable (one per test_*.c file).
 */
#ifndef MIGRALINT_UNIT_H
#define MIGRALINT_UNIT_H

#include <check.h>

/* A fresh arena for each test of the suites that allocate from one
 * (tcase_add_checked_fixture(tc, arena_setup, arena_teardown)); defined in
 * unit_main.c. */
struct ml_arena;
extern struct ml_arena *arena;
void arena_setup(void);
void arena_teardown(void);

Suite *linemap_suite(void);
Suite *split_suite(void);
Suite *suppress_suite(void);
Suite *engine_suite(void);
Suite *lock_table_suite(void);
Suite *unpack_suite(void);
Suite *read_suite(void);
Suite *plpgsql_expand_suite(void);

#endif
