/*
 * test_suppress.c - migralint-ignore and squawk-ignore directives: parsing
 * one comment and finding the real comments of a text (src/source/suppress.c).
 */
#include <string.h>

#include "arena.h"
#include "linemap.h"
#include "suppress.h"
#include "unit.h"

static bool parse(const char *comment, ml_suppression *out)
{
	memset(out, 0x5A, sizeof(*out)); /* garbage the parser must overwrite */
	return ml_suppression_parse(arena, comment, strlen(comment), out);
}

/* ---- ml_suppression_parse ------------------------------------------------ */

START_TEST(parse_one_rule)
{
	ml_suppression s;
	ck_assert(parse("-- migralint-ignore rule-a", &s));
	ck_assert(!s.whole_file);
	ck_assert_uint_eq(s.n_rules, 1);
	ck_assert_str_eq(s.rules[0], "rule-a");
	ck_assert_ptr_null(s.reason);
}
END_TEST

START_TEST(parse_rules_and_reason)
{
	ml_suppression s;
	ck_assert(parse("-- migralint-ignore rule-a, rule-b: because reasons", &s));
	ck_assert(!s.whole_file);
	ck_assert_uint_eq(s.n_rules, 2);
	ck_assert_str_eq(s.rules[0], "rule-a");
	ck_assert_str_eq(s.rules[1], "rule-b");
	ck_assert_ptr_nonnull(s.reason);
	ck_assert_str_eq(s.reason, "because reasons");
}
END_TEST

START_TEST(parse_rules_without_spaces)
{
	ml_suppression s;
	ck_assert(parse("--migralint-ignore a,b:why  ", &s));
	ck_assert_uint_eq(s.n_rules, 2);
	ck_assert_str_eq(s.rules[0], "a");
	ck_assert_str_eq(s.rules[1], "b");
	ck_assert_str_eq(s.reason, "why");
}
END_TEST

START_TEST(parse_block_comment)
{
	ml_suppression s;
	ck_assert(parse("/* migralint-ignore rule-a */", &s));
	ck_assert(!s.whole_file);
	ck_assert_uint_eq(s.n_rules, 1);
	ck_assert_str_eq(s.rules[0], "rule-a"); /* not "rule-a" followed by the closing marker */
	ck_assert_ptr_null(s.reason);

	ck_assert(parse("/*migralint-ignore rule-a: ok*/", &s));
	ck_assert_uint_eq(s.n_rules, 1);
	ck_assert_str_eq(s.rules[0], "rule-a");
	ck_assert_str_eq(s.reason, "ok");
}
END_TEST

START_TEST(parse_whole_file)
{
	ml_suppression s;
	ck_assert(parse("-- migralint-ignore-file rule-a", &s));
	ck_assert(s.whole_file);
	ck_assert_uint_eq(s.n_rules, 1);
	ck_assert_str_eq(s.rules[0], "rule-a");

	ck_assert(parse("/* migralint-ignore-file a, b */", &s));
	ck_assert(s.whole_file);
	ck_assert_uint_eq(s.n_rules, 2);
}
END_TEST

START_TEST(parse_not_a_directive)
{
	ml_suppression s;
	ck_assert(!parse("-- migralint-ignored", &s));
	ck_assert(!parse("-- migralint-ignored rule-a", &s));
	ck_assert(!parse("-- migralint-ignore-filed rule-a", &s));
	ck_assert(!parse("-- some other comment", &s));
	ck_assert(!parse("-- note: migralint-ignore rule-a", &s));
	ck_assert(!parse("migralint-ignore rule-a", &s)); /* not a comment */
	ck_assert(!parse("-", &s));
	ck_assert(!parse("", &s));
}
END_TEST

START_TEST(parse_no_rules)
{
	ml_suppression s;
	ck_assert(parse("-- migralint-ignore", &s));
	ck_assert(!s.whole_file);
	ck_assert_uint_eq(s.n_rules, 0);
	ck_assert_ptr_null(s.reason);

	ck_assert(parse("-- migralint-ignore: only a reason", &s));
	ck_assert_uint_eq(s.n_rules, 0);
	ck_assert_str_eq(s.reason, "only a reason");
}
END_TEST

START_TEST(parse_uses_len_not_nul)
{
	/* Only the first len bytes are the comment. */
	const char *text = "-- migralint-ignore a\nSELECT b;";
	ml_suppression s;
	ck_assert(ml_suppression_parse(arena, text, strlen("-- migralint-ignore a"), &s));
	ck_assert_uint_eq(s.n_rules, 1);
	ck_assert_str_eq(s.rules[0], "a");
}
END_TEST

START_TEST(parse_rule_offsets)
{
	ml_suppression s;
	ck_assert(parse("--  migralint-ignore a,  bb : why", &s));
	ck_assert_uint_eq(s.n_rules, 2);
	ck_assert_uint_eq(s.rule_at[0], 21);
	ck_assert_uint_eq(s.rule_at[1], 25);
}
END_TEST

/* ---- squawk's comments --------------------------------------------------- */

START_TEST(parse_squawk_ignore)
{
	ml_suppression s;
	ck_assert(parse("-- squawk-ignore ban-drop-column, renaming-column,ban-drop-database", &s));
	ck_assert_int_eq(s.directive, ML_DIRECTIVE_SQUAWK);
	ck_assert(!s.whole_file);
	ck_assert(!s.all_rules);
	ck_assert_uint_eq(s.n_rules, 3);
	ck_assert_str_eq(s.rules[0], "ban-drop-column");
	ck_assert_str_eq(s.rules[1], "renaming-column");
	ck_assert_str_eq(s.rules[2], "ban-drop-database");
	ck_assert_ptr_null(s.reason);
	ck_assert_str_eq(ml_suppression_kind(&s), "squawk-ignore");

	/* squawk's note after a second "--" is the reason */
	ck_assert(parse("-- squawk-ignore ban-drop-column,prefer-robust-stmts -- drop is intentional", &s));
	ck_assert_uint_eq(s.n_rules, 2);
	ck_assert_str_eq(s.rules[1], "prefer-robust-stmts");
	ck_assert_str_eq(s.reason, "drop is intentional");

	ck_assert(parse("/* squawk-ignore ban-drop-column */", &s));
	ck_assert_uint_eq(s.n_rules, 1);
	ck_assert_str_eq(s.rules[0], "ban-drop-column");

	ck_assert(!parse("-- squawk-ignored ban-drop-column", &s));
	ck_assert(!parse("-- note: squawk-ignore ban-drop-column", &s));

	/* a line comment without names silences nothing (as in squawk) */
	ck_assert(parse("-- squawk-ignore -- why", &s));
	ck_assert_uint_eq(s.n_rules, 0);
	ck_assert(!s.all_rules);
}
END_TEST

START_TEST(parse_squawk_ignore_file)
{
	ml_suppression s;
	ck_assert(parse("-- squawk-ignore-file ban-drop-column -- some comment here", &s));
	ck_assert(s.whole_file);
	ck_assert(!s.all_rules);
	ck_assert_uint_eq(s.n_rules, 1);
	ck_assert_str_eq(s.reason, "some comment here");
	ck_assert_str_eq(ml_suppression_kind(&s), "squawk-ignore-file");

	/* without names: every rule of the file */
	ck_assert(parse("-- squawk-ignore-file", &s));
	ck_assert(s.all_rules);
	ck_assert_uint_eq(s.n_rules, 0);
	ck_assert(parse("/* squawk-ignore-file -- generated file */", &s));
	ck_assert(s.all_rules);
	ck_assert_str_eq(s.reason, "generated file");
	/* a migralint-ignore-file without names is no such thing */
	ck_assert(parse("-- migralint-ignore-file", &s));
	ck_assert(!s.all_rules);
}
END_TEST

START_TEST(mentions_directive)
{
	ck_assert(ml_mentions_directive("x -- migralint-ignore a", 23));
	ck_assert(ml_mentions_directive("/* squawk-ignore-file */", 24));
	ck_assert(!ml_mentions_directive("-- squawk-ignore", 15)); /* cut before the end of the word */
	ck_assert(!ml_mentions_directive("-- please ignore this", 21));
	ck_assert(!ml_mentions_directive("-ignore", 7));
	ck_assert(ml_mentions_directive("-- xx -ignore, then squawk-ignore", 33));
}
END_TEST

/* ---- ml_suppressions_scan ------------------------------------------------- */

static ml_ptr_vec scan(const char *text, size_t start, size_t end, ml_line_map *map, int *status)
{
	ml_line_map_init(map, arena, text, strlen(text));
	ml_ptr_vec list = { 0 };
	*status = ml_suppressions_scan(arena, map, start, end, &list);
	return list;
}

START_TEST(scan_ignores_strings_finds_comments)
{
	const char *t = "SELECT '-- migralint-ignore x' AS s, $$ /* migralint-ignore y */ $$;\n"
			"-- migralint-ignore rule-a\n"
			"SELECT 1; -- migralint-ignore rule-b: why\n"
			"   /* migralint-ignore-file rule-c */\n";
	ml_line_map map;
	int status;
	ml_ptr_vec list = scan(t, 0, strlen(t), &map, &status);
	ck_assert_int_eq(status, 0);
	ck_assert_uint_eq(list.len, 3);

	const ml_suppression *a = list.items[0];
	ck_assert_int_eq(a->line, 2);
	ck_assert_int_eq(a->column, 1);
	ck_assert(a->own_line);
	ck_assert(!a->whole_file);
	ck_assert_uint_eq(a->n_rules, 1);
	ck_assert_str_eq(a->rules[0], "rule-a");

	const ml_suppression *b = list.items[1];
	ck_assert_int_eq(b->line, 3);
	ck_assert_int_eq(b->column, 11);
	ck_assert(!b->own_line); /* after code */
	ck_assert_str_eq(b->rules[0], "rule-b");
	ck_assert_str_eq(b->reason, "why");

	const ml_suppression *c = list.items[2];
	ck_assert_int_eq(c->line, 4);
	ck_assert_int_eq(c->column, 4);
	ck_assert(c->own_line); /* only blanks before it */
	ck_assert(c->whole_file);
}
END_TEST

START_TEST(scan_comment_ends_at_carriage_return)
{
	/* PostgreSQL's scanner ends a "--" comment at a lone CR: the rule list
	 * and the reason stop there, and the statement after it is on the
	 * next line. */
	const char *t = "-- migralint-ignore rule-a\rDROP TABLE t; -- migralint-ignore rule-b: why\rDROP TABLE u;\r";
	ml_line_map map;
	int status;
	ml_ptr_vec list = scan(t, 0, strlen(t), &map, &status);
	ck_assert_int_eq(status, 0);
	ck_assert_uint_eq(list.len, 2);
	const ml_suppression *a = list.items[0];
	ck_assert_int_eq(a->line, 1);
	ck_assert_int_eq(a->end_line, 1);
	ck_assert(a->own_line);
	ck_assert_uint_eq(a->n_rules, 1);
	ck_assert_str_eq(a->rules[0], "rule-a");
	const ml_suppression *b = list.items[1];
	ck_assert_int_eq(b->line, 2);
	ck_assert_int_eq(b->column, 15);
	ck_assert(!b->own_line);
	ck_assert_uint_eq(b->n_rules, 1);
	ck_assert_str_eq(b->rules[0], "rule-b");
	ck_assert_str_eq(b->reason, "why");
}
END_TEST
START_TEST(scan_only_strings_finds_nothing)
{
	const char *t = "SELECT '-- migralint-ignore x';\nSELECT E'\\' -- migralint-ignore y';\n";
	ml_line_map map;
	int status;
	ml_ptr_vec list = scan(t, 0, strlen(t), &map, &status);
	ck_assert_int_eq(status, 0);
	ck_assert_uint_eq(list.len, 0);
}
END_TEST

START_TEST(scan_subrange_positions)
{
	/* Scanning from an offset inside the text still reports file lines and
	 * columns; the column counts characters (é is one). */
	const char *t = "SELECT 1; -- migralint-ignore skipped\nSELECT '\xC3\xA9'; -- migralint-ignore r\n";
	size_t from = (size_t)(strchr(t, '\n') + 1 - t);
	ml_line_map map;
	int status;
	ml_ptr_vec list = scan(t, from, strlen(t), &map, &status);
	ck_assert_int_eq(status, 0);
	ck_assert_uint_eq(list.len, 1);
	const ml_suppression *s = list.items[0];
	ck_assert_int_eq(s->line, 2);
	ck_assert_int_eq(s->column, 13); /* S E L E C T _ ' é ' ; _ -> 12 characters before */
	ck_assert(!s->own_line);
	ck_assert_str_eq(s->rules[0], "r");
}
END_TEST

START_TEST(scan_range_end_is_respected)
{
	const char *t = "SELECT 1;\n-- migralint-ignore r\n";
	ml_line_map map;
	int status;
	ml_ptr_vec list = scan(t, 0, strlen("SELECT 1;"), &map, &status);
	ck_assert_int_eq(status, 0);
	ck_assert_uint_eq(list.len, 0);
}
END_TEST

START_TEST(scan_rejected_text)
{
	/* The scanner rejects an unterminated quoted string: -1, nothing added. */
	const char *t = "-- migralint-ignore r\nSELECT 'abc";
	ml_line_map map;
	int status;
	ml_ptr_vec list = scan(t, 0, strlen(t), &map, &status);
	ck_assert_int_eq(status, -1);
	ck_assert_uint_eq(list.len, 0);
}
END_TEST

Suite *suppress_suite(void)
{
	Suite *s = suite_create("suppress");
	TCase *tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, arena_setup, arena_teardown);
	tcase_add_test(tc, parse_one_rule);
	tcase_add_test(tc, parse_rules_and_reason);
	tcase_add_test(tc, parse_rules_without_spaces);
	tcase_add_test(tc, parse_block_comment);
	tcase_add_test(tc, parse_whole_file);
	tcase_add_test(tc, parse_not_a_directive);
	tcase_add_test(tc, parse_no_rules);
	tcase_add_test(tc, parse_uses_len_not_nul);
	tcase_add_test(tc, parse_rule_offsets);
	tcase_add_test(tc, parse_squawk_ignore);
	tcase_add_test(tc, parse_squawk_ignore_file);
	tcase_add_test(tc, mentions_directive);
	suite_add_tcase(s, tc);

	tc = tcase_create("scan");
	tcase_add_checked_fixture(tc, arena_setup, arena_teardown);
	tcase_add_test(tc, scan_ignores_strings_finds_comments);
	tcase_add_test(tc, scan_comment_ends_at_carriage_return);
	tcase_add_test(tc, scan_only_strings_finds_nothing);
	tcase_add_test(tc, scan_subrange_positions);
	tcase_add_test(tc, scan_range_end_is_respected);
	tcase_add_test(tc, scan_rejected_text);
	suite_add_tcase(s, tc);
	return s;
}
