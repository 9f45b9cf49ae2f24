/*
 * test_lint_text.c - the stateless entry point ml_lint_text: a text with
 * its own result; a catalog from an earlier text changes what a later one
 * is told (a table created in the same text is new, one from the catalog
 * holds data); the caller's catalog is never changed; a text over
 * max_input_size is refused; and many threads linting at once get the
 * same results as one thread, with the parse cache off and on. Also what an editor builds on: the statements'
 * locks (record_statements), a file's history before it
 * (ml_history_before), and fixes applied to a text (ml_fixes_apply).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migralint/migralint.h"
#include "parse_cache.h"
#include "unit.h"

static size_t count_rule(const ml_lint_result *r, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n_diagnostics; i++)
		n += !strcmp(r->diagnostics[i].rule, rule) && !r->diagnostics[i].suppressed;
	return n;
}

static const char CREATE[] = "CREATE TABLE t (id bigint PRIMARY KEY);\n";
static const char INDEX[] = "CREATE INDEX t_id ON t (id);\n";

START_TEST(text_alone)
{
	const char sql[] = "ALTER TABLE t DROP COLUMN c;\nSELECT (;\n";
	ml_lint_result r = ml_lint_text(NULL, NULL, "a.sql", sql, strlen(sql));
	ck_assert_ptr_null(r.error);
	ck_assert_int_eq(r.statements, 2);
	ck_assert_int_eq(r.syntax_errors, 1);
	ck_assert_uint_eq(count_rule(&r, "ban-drop-column"), 1);
	ck_assert_uint_eq(count_rule(&r, "syntax-error"), 1);
	ck_assert_str_eq(r.diagnostics[0].path, "a.sql");
	ck_assert_int_eq(r.diagnostics[0].line, 1);
	ck_assert_uint_eq(r.diagnostics[0].start, 0);
	ck_assert_int_eq(r.exit_status, ML_EXIT_FINDINGS);
	ck_assert_ptr_nonnull(r.catalog);
	ml_lint_result_free(&r);
	ck_assert_ptr_null(r.diagnostics);
}
END_TEST

START_TEST(catalog_carries_history)
{
	/* In one text the table is new: indexing it blocks no one. */
	char both[sizeof(CREATE) + sizeof(INDEX)];
	snprintf(both, sizeof(both), "%s%s", CREATE, INDEX);
	ml_lint_result same = ml_lint_text(NULL, NULL, "1.sql", both, strlen(both));
	ck_assert_uint_eq(count_rule(&same, "require-concurrent-index-creation"), 0);
	ml_lint_result_free(&same);

	/* Created by an earlier migration, it holds data by now. */
	ml_lint_result first = ml_lint_text(NULL, NULL, "1.sql", CREATE, strlen(CREATE));
	ml_catalog *history = first.catalog;
	first.catalog = NULL;
	ml_lint_result_free(&first);
	ml_lint_result later = ml_lint_text(history, NULL, "2.sql", INDEX, strlen(INDEX));
	ck_assert_uint_eq(count_rule(&later, "require-concurrent-index-creation"), 1);
	ml_lint_result_free(&later);

	/* The caller's catalog did not change: a text dropping the table
	 * leaves it there for the next call. */
	const char drop[] = "DROP TABLE t;\n";
	ml_lint_result dropped = ml_lint_text(history, NULL, "3.sql", drop, strlen(drop));
	ml_lint_result_free(&dropped);
	ml_lint_result again = ml_lint_text(history, NULL, "4.sql", INDEX, strlen(INDEX));
	ck_assert_uint_eq(count_rule(&again, "require-concurrent-index-creation"), 1);
	ml_lint_result_free(&again);
	ml_catalog_free(history);
}
END_TEST

START_TEST(too_large_is_refused)
{
	ml_options opts;
	ml_options_init(&opts);
	opts.max_input_size = 8;
	ml_lint_result r = ml_lint_text(NULL, &opts, "big.sql", CREATE, strlen(CREATE));
	ck_assert_ptr_nonnull(r.error);
	ck_assert_uint_eq(r.n_diagnostics, 0);
	ck_assert_int_eq(r.exit_status, ML_EXIT_INPUT_ERROR);
	ml_lint_result_free(&r);
}
END_TEST

/* ---- for editors ---------------------------------------------------------- */

START_TEST(statements_are_described)
{
	ml_options opts;
	ml_options_init(&opts);
	opts.record_statements = true;
	const char sql[] = "BEGIN;\nCREATE INDEX i ON t (a);\nCOMMIT;\n";
	ml_lint_result r = ml_lint_text(NULL, &opts, "a.sql", sql, strlen(sql));
	ck_assert_uint_eq(r.n_statement_info, 3);
	const ml_statement_info *index = &r.statement_info[1];
	ck_assert_uint_eq(index->start, 7);
	ck_assert_uint_eq(index->end, 30); /* the semicolon is not the statement's */
	ck_assert_int_eq(index->line, 2);
	ck_assert_str_eq(index->kind, "CREATE INDEX");
	ck_assert_str_eq(index->transaction, "explicit");
	ck_assert_uint_eq(index->n_locks, 1);
	ck_assert_str_eq(index->locks[0].table, "t");
	ck_assert_str_eq(index->locks[0].mode, "SHARE");
	ck_assert_uint_eq(index->n_held, 1);
	ml_lint_result_free(&r);
	opts.record_statements = false;
	ml_lint_result none = ml_lint_text(NULL, &opts, "a.sql", sql, strlen(sql));
	ck_assert_ptr_null(none.statement_info);
	ml_lint_result_free(&none);
}
END_TEST

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(history_before_a_file)
{
	char dir[] = "/tmp/migralint-unit-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char a[256], b[256], c[256];
	snprintf(a, sizeof(a), "%s/001_create.sql", dir);
	snprintf(b, sizeof(b), "%s/002_check.sql", dir);
	snprintf(c, sizeof(c), "%s/003_not_null.sql", dir);
	write_file(a, "-- +goose Up\nCREATE TABLE t (id bigint PRIMARY KEY, a int);\n");
	write_file(b, "-- +goose Up\nALTER TABLE t ADD CONSTRAINT c CHECK (a IS NOT NULL) NOT VALID;\n"
		      "-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementEnd\n");
	const char later[] = "-- +goose Up\nALTER TABLE t VALIDATE CONSTRAINT c;\n"
			     "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n";
	/* 003 need not exist: an editor's new, unsaved file. */
	ml_catalog *before = ml_history_before(NULL, c);
	ck_assert_ptr_nonnull(before);
	ml_lint_result r = ml_lint_text(before, NULL, c, later, strlen(later));
	/* The CHECK from 002, validated here, spares SET NOT NULL its scan. */
	ck_assert_uint_eq(count_rule(&r, "adding-not-nullable-field"), 0);
	ml_lint_result_free(&r);
	ml_lint_result alone = ml_lint_text(NULL, NULL, c, later, strlen(later));
	ck_assert_uint_eq(count_rule(&alone, "adding-not-nullable-field"), 1);
	ml_lint_result_free(&alone);
	ml_catalog_free(before);
	/* Written to disk, the file is still not its own context: 003 replayed
	 * before itself would make the CHECK valid for the first statement. */
	write_file(c, later);
	ml_catalog *again = ml_history_before(NULL, c);
	const char first[] = "-- +goose Up\nALTER TABLE t ALTER COLUMN a SET NOT NULL;\n";
	ml_lint_result r2 = ml_lint_text(again, NULL, c, first, strlen(first));
	ck_assert_uint_eq(count_rule(&r2, "adding-not-nullable-field"), 1);
	ml_lint_result_free(&r2);
	ml_catalog_free(again);
	/* The first migration has no history. */
	ml_catalog *empty = ml_history_before(NULL, a);
	ml_lint_result r3 = ml_lint_text(empty, NULL, a, later, strlen(later));
	ck_assert_uint_eq(count_rule(&r3, "adding-not-nullable-field"), 1);
	ml_lint_result_free(&r3);
	ml_catalog_free(empty);
	unlink(a);
	unlink(b);
	unlink(c);
	rmdir(dir);
}
END_TEST

static const ml_edit *edit_of(const char *text, size_t start, size_t end, const char *replacement)
{
	static ml_edit edits[8];
	static size_t n;
	(void)text;
	edits[n % 8] = (ml_edit){ .start = start, .end = end, .replacement = replacement };
	return &edits[n++ % 8];
}

START_TEST(fixes_applied_to_a_text)
{
	const char text[] = "CREATE INDEX i ON t (a);\nSELECT (;\nDROP INDEX j;\n";
	ml_fix concurrently = { "add CONCURRENTLY", edit_of(text, 12, 12, " CONCURRENTLY"), 1 };
	ml_fix twice = { "add CONCURRENTLY", edit_of(text, 12, 12, " CONCURRENTLY"), 1 };
	ml_fix same_spot = { "add IF NOT EXISTS", edit_of(text, 12, 12, " IF NOT EXISTS"), 1 };
	ml_fix in_error = { "fix the syntax", edit_of(text, 33, 34, "1"), 1 };
	ml_fix drop = { "add CONCURRENTLY", edit_of(text, 46, 46, " CONCURRENTLY"), 1 };
	ml_suppression_info ignored = { .kind = "migralint-ignore" };
	ml_diagnostic d[] = {
		{ .rule = "r1", .path = "a.sql", .start = 0, .end = 23, .fix = &concurrently },
		{ .rule = "r2", .path = "a.sql", .start = 0, .end = 23, .fix = &twice },
		{ .rule = "r3", .path = "a.sql", .start = 0, .end = 23, .fix = &same_spot },
		{ .rule = "syntax-error", .path = "a.sql", .start = 25, .end = 34 },
		{ .rule = "r4", .path = "a.sql", .start = 25, .end = 34, .fix = &in_error },
		{ .rule = "r5", .path = "a.sql", .start = 36, .end = 48, .fix = &drop, .suppressed = &ignored },
		{ .rule = "r5", .path = "b.sql", .start = 36, .end = 48, .fix = &drop },
	};
	size_t len = 0, applied = 0;
	char *out = ml_fixes_apply("a.sql", text, strlen(text), d, sizeof(d) / sizeof(d[0]), &len, &applied);
	ck_assert_ptr_nonnull(out);
	/* One CONCURRENTLY for the two findings asking for it; IF NOT EXISTS at
	 * the same byte waits for a pass of its own; the unparsed statement, the
	 * silenced finding and another file's are left alone. */
	ck_assert_str_eq(out, "CREATE INDEX CONCURRENTLY i ON t (a);\nSELECT (;\nDROP INDEX j;\n");
	ck_assert_uint_eq(len, strlen(out));
	ck_assert_uint_eq(applied, 1);
	free(out);
	ml_diagnostic clean = { .rule = "r1", .path = "a.sql" };
	out = ml_fixes_apply("a.sql", text, strlen(text), &clean, 1, &len, &applied);
	ck_assert_str_eq(out, text);
	ck_assert_uint_eq(applied, 0);
	free(out);
}
END_TEST

/* ---- many threads -------------------------------------------------------- */

#define THREADS 8
#define ROUNDS 20

static const char *const TEXTS[] = {
	"ALTER TABLE users ADD COLUMN age int NOT NULL;\n",
	"BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;\n",
	"DO $$ BEGIN UPDATE t SET a = 1; COMMIT; END $$;\n",
	"ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);\nALTER TABLE t ALTER COLUMN a TYPE bigint;\n",
};
#define N_TEXTS (sizeof(TEXTS) / sizeof(TEXTS[0]))

/* A text's findings as one line: rule, byte range and message each. */
static void fingerprint(const ml_lint_result *r, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < r->n_diagnostics && used < len; i++) {
		const ml_diagnostic *d = &r->diagnostics[i];
		int n = snprintf(buf + used, len - used, "%s@%zu-%zu:%s;", d->rule, d->start, d->end, d->message);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static char expected[N_TEXTS][4096];
static const ml_catalog *shared;

static void *lint_many(void *arg)
{
	long mismatches = 0;
	char got[4096];
	for (int round = 0; round < ROUNDS; round++) {
		for (size_t k = 0; k < N_TEXTS; k++) {
			size_t which = (k + (size_t)(uintptr_t)arg) % N_TEXTS;
			ml_lint_result r = ml_lint_text(shared, NULL, "m.sql", TEXTS[which], strlen(TEXTS[which]));
			fingerprint(&r, got, sizeof(got));
			mismatches += strcmp(got, expected[which]) != 0;
			ml_lint_result_free(&r);
		}
	}
	return (void *)mismatches;
}

START_TEST(threads_agree_with_one)
{
	const char create[] = "CREATE TABLE t (a int);\n";
	ml_lint_result base = ml_lint_text(NULL, NULL, "0.sql", create, strlen(create));
	shared = base.catalog;
	for (size_t k = 0; k < N_TEXTS; k++) {
		ml_lint_result r = ml_lint_text(shared, NULL, "m.sql", TEXTS[k], strlen(TEXTS[k]));
		ck_assert_uint_gt(r.n_diagnostics, 0);
		fingerprint(&r, expected[k], sizeof(expected[k]));
		ml_lint_result_free(&r);
	}
	pthread_t threads[THREADS];
	for (uintptr_t i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL, lint_many, (void *)i), 0);
	long mismatches = 0;
	for (int i = 0; i < THREADS; i++) {
		void *ret;
		pthread_join(threads[i], &ret);
		mismatches += (long)ret;
	}
	ck_assert_int_eq(mismatches, 0);
	ml_lint_result_free(&base);
}
END_TEST

/* The same with the parse cache on, as the language server runs (its
 * history replays parse on the pipeline's threads): a budget this small
 * turns a generation over every few statements, so threads take trees
 * while another frees the generation they came from. Under ThreadSanitizer
 * (lint_threads) a race fails the test. */
START_TEST(threads_agree_with_the_parse_cache)
{
	const char create[] = "CREATE TABLE t (a int);\n";
	ml_lint_result base = ml_lint_text(NULL, NULL, "0.sql", create, strlen(create));
	shared = base.catalog;
	for (size_t k = 0; k < N_TEXTS; k++) {
		ml_lint_result r = ml_lint_text(shared, NULL, "m.sql", TEXTS[k], strlen(TEXTS[k]));
		fingerprint(&r, expected[k], sizeof(expected[k]));
		ml_lint_result_free(&r);
	}
	ml_parse_cache_enable(4096);
	pthread_t threads[THREADS];
	for (uintptr_t i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL, lint_many, (void *)i), 0);
	long mismatches = 0;
	for (int i = 0; i < THREADS; i++) {
		void *ret;
		pthread_join(threads[i], &ret);
		mismatches += (long)ret;
	}
	size_t hits, misses;
	ml_parse_cache_counts(&hits, &misses);
	ml_parse_cache_enable(0);
	ck_assert_int_eq(mismatches, 0);
	ck_assert_uint_gt(hits, 0);
	ml_lint_result_free(&base);
}
END_TEST

Suite *lint_text_suite(void)
{
	Suite *s = suite_create("lint_text");
	TCase *tc = tcase_create("lint_text");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, text_alone);
	tcase_add_test(tc, catalog_carries_history);
	tcase_add_test(tc, too_large_is_refused);
	tcase_add_test(tc, statements_are_described);
	tcase_add_test(tc, history_before_a_file);
	tcase_add_test(tc, fixes_applied_to_a_text);
	tcase_add_test(tc, threads_agree_with_one);
	tcase_add_test(tc, threads_agree_with_the_parse_cache);
	suite_add_tcase(s, tc);
	return s;
}
