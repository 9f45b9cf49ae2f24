/*
 * test_history.c - the migration tool presets (src/history/): version
 * order, each preset's reading of names and its cutting of a file into up
 * and down steps with their transactions. The projects under
 * tests/projects/ cover the same end to end (tests/projects_test.sh).
 */
#include <string.h>

#include "tool.h"
#include "unit.h"

START_TEST(versions_compare_as_numbers)
{
	static const struct {
		const char *a, *b;
		int sign;
	} CASES[] = {
		{ "2", "10", -1 },
		{ "1.2", "1.10", -1 },
		{ "1_2", "1.2", 0 },                 /* Flyway's underscore is a dot */
		{ "20240101120000", "99", 1 },       /* a timestamp after a small number */
		{ "0001", "1", 0 },
		{ "0002", "10", -1 },
		{ "2023-12-22-040137", "2023-09-18-141700", 1 },
		{ "1.2", "1.2.1", -1 },
		{ "a", "b", -1 },
		{ "1", NULL, -1 },                   /* no version: after every version */
		{ NULL, NULL, 0 },
	};
	for (size_t i = 0; i < sizeof(CASES) / sizeof(*CASES); i++) {
		int c = ml_version_compare(CASES[i].a, CASES[i].b);
		int sign = (c > 0) - (c < 0);
		ck_assert_msg(sign == CASES[i].sign, "%s vs %s: %d", CASES[i].a ? CASES[i].a : "NULL",
			      CASES[i].b ? CASES[i].b : "NULL", c);
		int back = ml_version_compare(CASES[i].b, CASES[i].a);
		ck_assert_int_eq((back > 0) - (back < 0), -CASES[i].sign);
	}
}
END_TEST

/* Classifies relpath with the preset named tool. */
static ml_migration_file classify(const char *tool, const char *relpath)
{
	const ml_tool *t = ml_tool_find(tool);
	ck_assert_ptr_nonnull(t);
	ml_tool_root root = { .path = "/nonexistent" };
	ml_migration_file f;
	t->classify(arena, &root, relpath, &f);
	return f;
}

/* Cuts text with the preset named tool into out; returns how many. */
static size_t cut(const char *tool, const char *relpath, const char *text, ml_section *out)
{
	const ml_tool *t = ml_tool_find(tool);
	ml_tool_root root = { .path = "/nonexistent" };
	ml_migration_file f = classify(tool, relpath);
	ck_assert_ptr_nonnull(t->sections);
	return t->sections(arena, &root, &f, text, strlen(text), out, ML_MAX_SECTIONS);
}

START_TEST(every_preset_is_found_by_name)
{
	ck_assert_uint_ge(ml_tool_count(), 3);
	for (size_t i = 0; i < ml_tool_count(); i++) {
		const ml_tool *t = ml_tool_at(i);
		ck_assert_ptr_eq(ml_tool_find(t->name), t);
		ck_assert_ptr_nonnull(t->classify);
		ck_assert_ptr_nonnull(strstr(ml_tool_names(), t->name));
	}
	ck_assert_str_eq(ml_tool_at(ml_tool_count() - 1)->name, "plain");
	ck_assert_ptr_null(ml_tool_find("no-such-tool"));
}
END_TEST

START_TEST(plain_reads_down_files_and_versions)
{
	ml_migration_file f = classify("plain", "0003_add.sql");
	ck_assert_str_eq(f.version, "0003");
	ck_assert_int_eq(f.direction, ML_DIRECTION_UP);
	ck_assert_int_eq(classify("plain", "12_x.down.sql").direction, ML_DIRECTION_DOWN);
	ck_assert_int_eq(classify("plain", "m/down.sql").direction, ML_DIRECTION_DOWN);
	ck_assert_ptr_null(classify("plain", "seed.sql").version);
}
END_TEST

START_TEST(goose_cuts_up_and_down)
{
	const char *text = "-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\nDROP TABLE t;\n";
	ml_section s[ML_MAX_SECTIONS];
	ck_assert_uint_eq(cut("goose", "00002_t.sql", text, s), 2);
	ck_assert_int_eq(s[0].direction, ML_DIRECTION_UP);
	ck_assert_uint_eq(s[0].start, 0);
	ck_assert_uint_eq(s[0].end, strstr(text, "-- +goose Down") - text);
	ck_assert(s[0].in_transaction);
	ck_assert_int_eq(s[1].direction, ML_DIRECTION_DOWN);
	ck_assert_uint_eq(s[1].end, strlen(text));

	/* NO TRANSACTION covers both; markers in any case, blanks free. */
	const char *no_tx = "--  +goose  NO TRANSACTION\n--+goose up\nCREATE INDEX CONCURRENTLY i ON t (a);\n"
			    "-- +GOOSE DOWN\nDROP INDEX CONCURRENTLY i;\n";
	ck_assert_uint_eq(cut("goose", "00003_i.sql", no_tx, s), 2);
	ck_assert(!s[0].in_transaction);
	ck_assert(!s[1].in_transaction);

	/* Only an up: one step. */
	ck_assert_uint_eq(cut("goose", "00004_x.sql", "-- +goose Up\nSELECT 1;\n", s), 1);
	ck_assert_str_eq(classify("goose", "00004_x.sql").version, "00004");
	ck_assert_int_eq(classify("goose", "notes.sql").kind, ML_FILE_SKIPPED);
}
END_TEST

START_TEST(diesel_reads_folders)
{
	ml_migration_file up = classify("diesel", "2023-12-22-040137_sorting/up.sql");
	ck_assert_int_eq(up.kind, ML_FILE_MIGRATION);
	ck_assert_str_eq(up.version, "2023-12-22-040137");
	ck_assert_int_eq(up.direction, ML_DIRECTION_UP);
	ml_migration_file down = classify("diesel", "2023-12-22-040137_sorting/down.sql");
	ck_assert_int_eq(down.direction, ML_DIRECTION_DOWN);
	ck_assert_int_eq(classify("diesel", "2023-12-22-040137_sorting/seed.sql").kind, ML_FILE_SKIPPED);
	ck_assert_int_eq(classify("diesel", "loose.sql").kind, ML_FILE_SKIPPED);
}
END_TEST

Suite *history_suite(void)
{
	Suite *s = suite_create("history");
	TCase *tc = tcase_create("presets");
	tcase_add_checked_fixture(tc, arena_setup, arena_teardown);
	tcase_add_test(tc, versions_compare_as_numbers);
	tcase_add_test(tc, every_preset_is_found_by_name);
	tcase_add_test(tc, plain_reads_down_files_and_versions);
	tcase_add_test(tc, goose_cuts_up_and_down);
	tcase_add_test(tc, diesel_reads_folders);
	suite_add_tcase(s, tc);
	return s;
}
