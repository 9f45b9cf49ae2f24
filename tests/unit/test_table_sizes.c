/*
 * test_table_sizes.c - the --stats file (src/run/table_sizes.c): what it
 * accepts and the message for each way it can be wrong, how a statement's
 * table name finds its entry (schema, public, the one schema that has it,
 * case), sizes in words as pg_size_pretty writes bytes, and the rules
 * whose severity the sizes move are the ones their pages and
 * docs/trace.md say.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registry.h"
#include "table_sizes.h"
#include "unit.h"

/* Writes text to a new temporary file; returns its path (free it, and
 * unlink it). */
static char *stats_file(const char *text)
{
	char *path = strdup("/tmp/migralint-stats-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	size_t len = strlen(text);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

/* Loads text; returns the sizes, or NULL with the message in err. */
static ml_table_sizes *load(const char *text, char *err, size_t err_size)
{
	char *path = stats_file(text);
	ml_table_sizes *sizes = ml_table_sizes_load(path, err, err_size);
	unlink(path);
	free(path);
	return sizes;
}

/* text's load fails with a message holding each of the fragments. */
static void refused(const char *text, const char *fragment1, const char *fragment2)
{
	char err[512];
	ml_table_sizes *sizes = load(text, err, sizeof(err));
	ck_assert_msg(!sizes, "accepted: %s", text);
	ck_assert_msg(strstr(err, "/tmp/migralint-stats-"), "the message names the file: %s", err);
	ck_assert_msg(strstr(err, fragment1), "\"%s\" not in: %s", fragment1, err);
	ck_assert_msg(!fragment2 || strstr(err, fragment2), "\"%s\" not in: %s", fragment2, err);
}

START_TEST(bad_files_are_refused_with_what_is_wrong)
{
	refused("", "not JSON", "empty");
	refused("{\"public.a\": {\"rows\": 1},}", "not JSON", "line 1, column 27");
	refused("{\n  \"public.a\": {\"rows\": 1}\n} trailing", "not JSON", "line 3");
	refused("[]", "top level must be an object", "an array");
	refused("{\"orders\": {\"rows\": 1}}", "\"orders\": not a \"schema.table\" name", "public.orders");
	refused("{\"public.\": {\"rows\": 1}}", "not a \"schema.table\" name", NULL);
	refused("{\"public.a\": 5}", "\"public.a\": expected an object", "got a number");
	refused("{\"public.a\": {\"bytes\": 5}}", "\"public.a\": \"rows\" is missing", NULL);
	refused("{\"public.a\": {\"rows\": -1}}", "\"rows\": expected a whole number of rows from 0", "-1");
	refused("{\"public.a\": {\"rows\": 1.5}}", "whole number", "1.5");
	refused("{\"public.a\": {\"rows\": \"12\"}}", "\"rows\": expected a whole number", "got a string");
	refused("{\"public.a\": {\"rows\": 1e300}}", "from 0 to 9007199254740992", NULL);
	refused("{\"public.a\": {\"rows\": 1, \"bytes\": null}}", "\"bytes\": expected a whole number of bytes", "null");
	refused("{\"public.a\": {\"rows\": 1, \"row\": 2}}", "unknown key \"row\"", "rows, bytes");
	refused("{\"public.a\": {\"rows\": 1, \"rows\": 2}}", "\"rows\" given twice", NULL);
	refused("{\"public.a\": {\"rows\": 1}, \"public.a\": {\"rows\": 2}}", "\"public.a\": given twice", NULL);
	char err[256];
	ck_assert_ptr_null(ml_table_sizes_load("/nonexistent/stats.json", err, sizeof(err)));
	ck_assert_msg(strstr(err, "/nonexistent/stats.json: cannot read the table sizes"), "%s", err);
}
END_TEST

START_TEST(names_find_their_entries)
{
	char err[256];
	ml_table_sizes *sizes = load("\xEF\xBB\xBF{\"public.orders\": {\"rows\": 48213112, \"bytes\": 12884901888},"
				     " \"app.orders\": {\"rows\": 7},"
				     " \"app.events\": {\"rows\": 15000000},"
				     " \"a.dup\": {\"rows\": 1}, \"b.dup\": {\"rows\": 2},"
				     " \"public.Accounts\": {\"rows\": 3, \"bytes\": 0}}",
				     err, sizeof(err));
	ck_assert_msg(sizes, "%s", err);
	const ml_table_size *s = ml_table_sizes_find(sizes, "orders");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->key, "public.orders"); /* public first, though app has one too */
	ck_assert_int_eq(s->rows, 48213112);
	ck_assert_int_eq(s->bytes, 12884901888LL);
	ck_assert_int_eq(ml_table_sizes_find(sizes, "app.orders")->rows, 7);
	ck_assert_int_eq(ml_table_sizes_find(sizes, "app.orders")->bytes, -1);
	ck_assert_str_eq(ml_table_sizes_find(sizes, "events")->key, "app.events"); /* the one schema with it */
	ck_assert_ptr_null(ml_table_sizes_find(sizes, "dup"));                     /* two schemas: unknown */
	ck_assert_ptr_nonnull(ml_table_sizes_find(sizes, "a.dup"));
	ck_assert_ptr_null(ml_table_sizes_find(sizes, "public.events"));
	ck_assert_ptr_nonnull(ml_table_sizes_find(sizes, "Accounts"));
	ck_assert_ptr_null(ml_table_sizes_find(sizes, "accounts")); /* relname keeps its case */
	ck_assert_ptr_null(ml_table_sizes_find(sizes, "nowhere"));
	ml_table_sizes_free(sizes);
	sizes = load("{}", err, sizeof(err));
	ck_assert_msg(sizes, "an empty database: %s", err);
	ck_assert_ptr_null(ml_table_sizes_find(sizes, "orders"));
	ml_table_sizes_free(sizes);
}
END_TEST

static const char *described(long long rows, long long bytes)
{
	static char buf[64];
	ml_table_size size = { .key = "public.t", .rows = rows, .bytes = bytes };
	return ml_table_size_describe(&size, buf, sizeof(buf));
}

START_TEST(sizes_in_words)
{
	ck_assert_str_eq(described(0, 0), "0 rows, 0 bytes");
	ck_assert_str_eq(described(1, -1), "1 row");
	ck_assert_str_eq(described(9999, 10239), "9999 rows, 10239 bytes");
	ck_assert_str_eq(described(10000, 10240), "10K rows, 10 kB");
	ck_assert_str_eq(described(48213112, 12884901888LL), "48M rows, 12 GB");
	ck_assert_str_eq(described(2500000, 734003200), "2500K rows, 700 MB");
	ck_assert_str_eq(described(9999499, 5368709120LL), "9999K rows, 5120 MB");
	ck_assert_str_eq(described(9999500, 1099511627776LL), "10000K rows, 1024 GB");
	ck_assert_str_eq(described(3000000000LL, 20LL * 1099511627776LL), "3000M rows, 20 TB");
	ck_assert_str_eq(described(12000000000000LL, 30LL * 1125899906842624LL), "12000B rows, 30 PB");
	/* pg_size_pretty rounds half units up: 10.5 kB is 11 kB. */
	ck_assert_str_eq(described(1, 10752), "1 row, 11 kB");
}
END_TEST

START_TEST(flagged_rules_are_the_documented_ones)
{
	FILE *f = fopen(MIGRALINT_SOURCE_DIR "/docs/trace.md", "rb");
	ck_assert_ptr_nonnull(f);
	static char doc[1 << 16];
	size_t len = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	doc[len] = '\0';
	/* The table of "Which findings change", up to the paragraph after it. */
	char *table = strstr(doc, "\n### Which findings change\n");
	ck_assert_ptr_nonnull(table);
	char *end = strstr(table, "\nThe others keep their severity");
	ck_assert_ptr_nonnull(end);
	*end = '\0';
	int flagged = 0;
	for (size_t i = 0; ml_registry_rule(i); i++) {
		const ml_rule *rule = ml_registry_rule(i);
		char link[128];
		snprintf(link, sizeof(link), "(rules/%s.md)", rule->info.name);
		const char *page = ml_rule_doc(&rule->info);
		ck_assert_ptr_nonnull(page);
		const char *severity = strstr(page, "**Severity:**");
		ck_assert_ptr_nonnull(severity);
		const char *eol = strchr(severity, '\n');
		const char *mention = strstr(severity, "(../trace.md#table-sizes---stats)");
		bool on_page = mention && (!eol || mention < eol);
		ck_assert_msg(rule->scales_with_table_size == on_page,
			      "%s: scales_with_table_size is %d, its page's Severity line %s table sizes", rule->info.name,
			      rule->scales_with_table_size, on_page ? "names" : "does not name");
		ck_assert_msg(rule->scales_with_table_size == (strstr(table, link) != NULL),
			      "%s: scales_with_table_size is %d, docs/trace.md's table %s it", rule->info.name,
			      rule->scales_with_table_size, strstr(table, link) ? "lists" : "does not list");
		flagged += rule->scales_with_table_size;
	}
	ck_assert_int_eq(flagged, 15);
}
END_TEST

Suite *table_sizes_suite(void)
{
	Suite *s = suite_create("table_sizes");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, bad_files_are_refused_with_what_is_wrong);
	tcase_add_test(tc, names_find_their_entries);
	tcase_add_test(tc, sizes_in_words);
	tcase_add_test(tc, flagged_rules_are_the_documented_ones);
	suite_add_tcase(s, tc);
	return s;
}
