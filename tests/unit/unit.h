/*
 * unit.h - the suites of the unit_tests executable (one per test_*.c file).
 */
#ifndef MIGRALINT_UNIT_H
#define MIGRALINT_UNIT_H

#include <check.h>

Suite *linemap_suite(void);
Suite *split_suite(void);
Suite *suppress_suite(void);
Suite *engine_suite(void);
Suite *lock_table_suite(void);

#endif
