/*
 * test_lint_text.c - the stateless entry point ml_lint_text: a text with
 * its own result; a catalog from an earlier text changes what a later one
 * is told (a table created in the same text is new, one from the catalog
 * holds data); the caller's catalog is never changed; a text over
 * max_input_size is refused; and many threads linting at once get the
 * same results as one thread.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "migralint/migralint.h"
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

Suite *lint_text_suite(void)
{
	Suite *s = suite_create("lint_text");
	TCase *tc = tcase_create("lint_text");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, text_alone);
	tcase_add_test(tc, catalog_carries_history);
	tcase_add_test(tc, too_large_is_refused);
	tcase_add_test(tc, threads_agree_with_one);
	suite_add_tcase(s, tc);
	return s;
}
