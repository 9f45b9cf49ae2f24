/*
 * test_glob.c - paths and path globs of the configuration file
 * (src/base/glob.c): normalizing and relating paths, checking and matching
 * globs. tests/config_test.sh covers the same through --print-config.
 */
#include <stdlib.h>
#include <string.h>

#include "glob.h"
#include "unit.h"

START_TEST(globs_match_paths)
{
	static const struct {
		const char *glob, *path;
		bool match;
	} CASES[] = {
		{ "*.sql", "a.sql", true },
		{ "*.sql", "db/a.sql", false },      /* a star stays in its directory */
		{ "db/*.sql", "db/a.sql", true },
		{ "db", "db/down/a.sql", true },     /* a directory matches what lies below it */
		{ "db", "dbx/a.sql", false },
		{ "**/down/*.sql", "down/a.sql", true },
		{ "**/down/*.sql", "db/x/down/a.sql", true },
		{ "**/down/*.sql", "db/xdown/a.sql", false },
		{ "db/**", "db/a/b/c.sql", true },
		{ "db/**", "dbx/a.sql", false },
		{ "a**b.sql", "axxb.sql", true },    /* "**" inside a name is a star */
		{ "a**b.sql", "a/b.sql", false },
		{ "?.sql", "a.sql", true },
		{ "?.sql", "/.sql", false },
		{ "[a-c]1.sql", "b1.sql", true },
		{ "[!a-c]1.sql", "b1.sql", false },
		{ "[!a-c]1.sql", "d1.sql", true },
		{ "[]]x", "]x", true },
		{ "\\*.sql", "*.sql", true },
		{ "\\*.sql", "a.sql", false },
	};
	for (size_t i = 0; i < sizeof(CASES) / sizeof(*CASES); i++) {
		ck_assert_ptr_null(ml_glob_problem(CASES[i].glob));
		ck_assert_msg(ml_glob_matches(CASES[i].glob, CASES[i].path) == CASES[i].match, "%s against %s",
			      CASES[i].glob, CASES[i].path);
	}
}
END_TEST

START_TEST(the_first_matching_glob)
{
	char a[] = "legacy/**", b[] = "*.sql";
	char *globs[] = { a, b, NULL };
	ck_assert_ptr_eq(ml_glob_first_match(globs, "legacy/x.sql"), a);
	ck_assert_ptr_eq(ml_glob_first_match(globs, "x.sql"), b);
	ck_assert_ptr_null(ml_glob_first_match(globs, "db/x.sql"));
	ck_assert_ptr_null(ml_glob_first_match(globs, NULL));
	ck_assert_ptr_null(ml_glob_first_match(NULL, "x.sql"));
}
END_TEST

START_TEST(bad_globs_are_named)
{
	ck_assert_str_eq(ml_glob_problem(""), "empty glob");
	ck_assert_ptr_nonnull(strstr(ml_glob_problem("a\\"), "backslash"));
	ck_assert_ptr_nonnull(strstr(ml_glob_problem("[ab"), "closing ']'"));
	char *long_glob = malloc(1100);
	ck_assert_ptr_nonnull(long_glob);
	memset(long_glob, 'a', 1099);
	long_glob[1099] = '\0';
	ck_assert_ptr_nonnull(strstr(ml_glob_problem(long_glob), "longer than 1024"));
	free(long_glob);
}
END_TEST

START_TEST(globs_are_normalized)
{
	static const char *const CASES[][2] = {
		{ "./db/", "db" }, { "/db", "db" }, { "././a//", "a" }, { "a\\/", "a\\/" }, { "*.sql", "*.sql" },
	};
	for (size_t i = 0; i < sizeof(CASES) / sizeof(*CASES); i++) {
		char *g = ml_glob_normalize(CASES[i][0]);
		ck_assert_str_eq(g, CASES[i][1]);
		free(g);
	}
}
END_TEST

START_TEST(paths_relative_to_a_directory)
{
	char p[] = "/a/./b//c/../d/";
	ml_path_normalize(p);
	ck_assert_str_eq(p, "/a/b/d");
	char root[] = "/..";
	ml_path_normalize(root);
	ck_assert_str_eq(root, "/");

	char *parent = ml_path_parent("/a/b");
	ck_assert_str_eq(parent, "/a");
	free(parent);
	parent = ml_path_parent("/a");
	ck_assert_str_eq(parent, "/");
	free(parent);

	const char *const dirs[] = { NULL, "/proj" };
	char *rel = ml_path_relative("db/../db/x.sql", "/proj", dirs, 2);
	ck_assert_str_eq(rel, "db/x.sql");
	free(rel);
	rel = ml_path_relative("/proj/sub/y.sql", "/elsewhere", dirs, 2);
	ck_assert_str_eq(rel, "sub/y.sql");
	free(rel);
	ck_assert_ptr_null(ml_path_relative("/projx/y.sql", "/", dirs, 2));
	ck_assert_ptr_null(ml_path_relative("/proj", "/", dirs, 2)); /* the directory itself */
	ck_assert_ptr_null(ml_path_relative("", "/proj", dirs, 2));
	const char *const top[] = { "/" };
	rel = ml_path_relative("x.sql", "/tmp", top, 1);
	ck_assert_str_eq(rel, "tmp/x.sql");
	free(rel);
}
END_TEST

Suite *glob_suite(void)
{
	Suite *s = suite_create("glob");
	TCase *tc = tcase_create("glob");
	tcase_add_test(tc, globs_match_paths);
	tcase_add_test(tc, the_first_matching_glob);
	tcase_add_test(tc, bad_globs_are_named);
	tcase_add_test(tc, globs_are_normalized);
	tcase_add_test(tc, paths_relative_to_a_directory);
	suite_add_tcase(s, tc);
	return s;
}
