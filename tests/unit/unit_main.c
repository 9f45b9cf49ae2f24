/*
 * unit_main.c - runs every unit test suite and exits non-zero on a failure.
 */
#include <stdlib.h>

#include "internal.h"
#include "unit.h"

ml_arena *arena;

void arena_setup(void)
{
	arena = ml_arena_new();
	ck_assert_ptr_nonnull(arena);
}

void arena_teardown(void)
{
	ml_arena_free(arena);
	arena = NULL;
}

int main(void)
{
	SRunner *sr = srunner_create(linemap_suite());
	srunner_add_suite(sr, split_suite());
	srunner_add_suite(sr, suppress_suite());
	srunner_add_suite(sr, engine_suite());
	srunner_add_suite(sr, lock_table_suite());
	srunner_add_suite(sr, unpack_suite());
	srunner_add_suite(sr, read_suite());
	srunner_add_suite(sr, plpgsql_expand_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
