/*
 * test_engine.c - the engine through the public API: transaction tracking,
 * error recovery, suppressions, input checks, schema memory across buffers
 * of a run, exit status and positions (src/engine/engine.c, src/run/run.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diagnostics.h"
#include "engine.h"
#include "run.h"
#include "migralint/migralint.h"
#include "plpgsql.h"
#include "tree.h"
#include "unit.h"

static ml_run *run;

static void teardown(void)
{
	ml_run_free(run);
	run = NULL;
}

/* Starts a run with default options, or with opts when not NULL. */
static ml_run *start(const ml_options *opts)
{
	/* The timeout rules add a finding to nearly every file; these tests
	 * count what the engine itself does, so they leave them out. */
	ml_options defaults;
	ml_options_init(&defaults);
	defaults.exclude[0] = "require-lock-timeout";
	defaults.exclude[1] = "require-statement-timeout";
	ml_run_free(run);
	run = ml_run_new(opts ? opts : &defaults);
	ck_assert_ptr_nonnull(run);
	return run;
}

static void lint(const char *path, const char *sql)
{
	ck_assert_int_eq(ml_run_lint_buffer(run, path, sql, strlen(sql)), 0);
}

/* Lints sql as "m.sql" in a new run with opts (NULL: defaults). */
static void lint_new(const ml_options *opts, const char *sql)
{
	start(opts);
	lint("m.sql", sql);
}

/* Findings of rule in force (no ignore comment silenced them). */
static size_t count_rule(const char *rule)
{
	size_t n, hits = 0;
	const ml_diagnostic *d = ml_run_diagnostics(run, &n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(d[i].rule, rule) && !d[i].suppressed)
			hits++;
	return hits;
}

/* Findings of rule an ignore comment silenced. */
static size_t count_suppressed(const char *rule)
{
	size_t n, hits = 0;
	const ml_diagnostic *d = ml_run_diagnostics(run, &n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(d[i].rule, rule) && d[i].suppressed)
			hits++;
	return hits;
}

/* Findings in force. */
static size_t count_all(void)
{
	size_t n, hits = 0;
	const ml_diagnostic *d = ml_run_diagnostics(run, &n);
	for (size_t i = 0; i < n; i++)
		hits += !d[i].suppressed;
	return hits;
}

/* The k-th (0-based) diagnostic of rule in force, or silenced when
 * suppressed is set; fails the test when there is none. */
static const ml_diagnostic *nth_kind(const char *rule, size_t k, bool suppressed)
{
	size_t n;
	const ml_diagnostic *d = ml_run_diagnostics(run, &n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(d[i].rule, rule) && (d[i].suppressed != NULL) == suppressed && k-- == 0)
			return &d[i];
	ck_abort_msg("no %s diagnostic of rule %s", suppressed ? "suppressed" : "", rule);
	return NULL;
}

static const ml_diagnostic *nth_of(const char *rule, size_t k)
{
	return nth_kind(rule, k, false);
}

static const ml_diagnostic *first_of(const char *rule)
{
	return nth_of(rule, 0);
}

/* ---- transactions -------------------------------------------------------- */

START_TEST(concurrently_inside_begin)
{
	lint_new(NULL, "BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;\n");
	ck_assert_uint_eq(count_rule("concurrently-in-transaction"), 1);
	const ml_diagnostic *d = first_of("concurrently-in-transaction");
	ck_assert_int_eq(d->line, 2);
	ck_assert_int_eq(d->column, 1);
	ck_assert_int_eq(d->severity, ML_SEVERITY_ERROR);
	ck_assert_str_eq(d->path, "m.sql");
	ck_assert_ptr_nonnull(strstr(d->message, "line 1")); /* names the BEGIN */
}
END_TEST

START_TEST(concurrently_after_commit)
{
	lint_new(NULL, "BEGIN;\nSELECT 1;\nCOMMIT;\nCREATE INDEX CONCURRENTLY i ON t (a);\n");
	ck_assert_uint_eq(count_rule("concurrently-in-transaction"), 0);

	lint_new(NULL, "BEGIN;\nROLLBACK;\nCREATE INDEX CONCURRENTLY i ON t (a);\n");
	ck_assert_uint_eq(count_rule("concurrently-in-transaction"), 0);

	lint_new(NULL, "CREATE INDEX CONCURRENTLY i ON t (a);\n");
	ck_assert_uint_eq(count_rule("concurrently-in-transaction"), 0);
}
END_TEST

START_TEST(concurrently_assume_in_transaction)
{
	ml_options opts;
	ml_options_init(&opts);
	opts.assume_in_transaction = true;
	lint_new(&opts, "SELECT 1;\nCREATE INDEX CONCURRENTLY i ON t (a);\n");
	ck_assert_uint_eq(count_rule("concurrently-in-transaction"), 1);
	ck_assert_int_eq(first_of("concurrently-in-transaction")->line, 2);
	ck_assert_int_eq(ml_run_exit_status(run), ML_EXIT_FINDINGS);

	/* an explicit COMMIT ends the tool's transaction */
	lint_new(&opts, "COMMIT;\nCREATE INDEX CONCURRENTLY i ON t (a);\n");
	ck_assert_uint_eq(count_rule("concurrently-in-transaction"), 0);
}
END_TEST

START_TEST(start_transaction_and_end)
{
	lint_new(NULL, "START TRANSACTION;\nCREATE INDEX CONCURRENTLY i ON t (a);\nEND;\n"
		       "CREATE INDEX CONCURRENTLY j ON t (b);\n");
	ck_assert_uint_eq(count_rule("concurrently-in-transaction"), 1);
	ck_assert_int_eq(first_of("concurrently-in-transaction")->line, 2);
}
END_TEST

START_TEST(transaction_state_is_per_file)
{
	/* A BEGIN left open in one buffer does not leak into the next. */
	start(NULL);
	lint("a.sql", "BEGIN;\nSELECT 1;\n");
	lint("b.sql", "CREATE INDEX CONCURRENTLY i ON t (a);\n");
	ck_assert_uint_eq(count_rule("concurrently-in-transaction"), 0);
}
END_TEST

/* ---- recovery from syntax errors ---------------------------------------- */

START_TEST(syntax_error_does_not_stop_the_file)
{
	lint_new(NULL, "SELECT 1;\nSELEC oops;\nSELECT 2;\nALTER TABLE t DROP COLUMN c;\n");
	ck_assert_uint_eq(count_rule("syntax-error"), 1);
	const ml_diagnostic *e = first_of("syntax-error");
	ck_assert_int_eq(e->line, 2);
	ck_assert_int_eq(e->column, 1);
	ck_assert_uint_eq(count_rule("ban-drop-column"), 1);
	ck_assert_int_eq(first_of("ban-drop-column")->line, 4);

	size_t n;
	const ml_file_summary *f = ml_run_files(run, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(f[0].path, "m.sql");
	ck_assert_int_eq(f[0].statements, 4);
	ck_assert_int_eq(f[0].syntax_errors, 1);
}
END_TEST

START_TEST(unclosed_parenthesis_costs_one_statement)
{
	/* The open "(" would keep every later ";" from splitting. */
	lint_new(NULL, "CREATE TABLE t (id int;\nALTER TABLE a DROP COLUMN b;\nALTER TABLE a DROP COLUMN c;\n");
	ck_assert_uint_eq(count_rule("syntax-error"), 1);
	ck_assert_int_eq(first_of("syntax-error")->line, 1);
	ck_assert_uint_eq(count_rule("ban-drop-column"), 2);
	ck_assert_int_eq(nth_of("ban-drop-column", 1)->line, 3);
	size_t n;
	const ml_file_summary *f = ml_run_files(run, &n);
	ck_assert_int_eq(f[0].statements, 3);
	ck_assert_int_eq(f[0].syntax_errors, 1);
}
END_TEST

START_TEST(unterminated_comment_is_reported)
{
	lint_new(NULL, "SELECT 1;\n/* never closed\nALTER TABLE t DROP COLUMN c;\n");
	ck_assert_uint_eq(count_rule("syntax-error"), 1);
	ck_assert_int_eq(first_of("syntax-error")->line, 2);
	ck_assert_uint_eq(count_rule("ban-drop-column"), 0); /* inside the comment */
}
END_TEST

START_TEST(unterminated_copy_data_is_reported)
{
	lint_new(NULL, "COPY t (a) FROM stdin;\n1\n2\n");
	ck_assert_uint_eq(count_rule("syntax-error"), 1);
	ck_assert_int_eq(first_of("syntax-error")->line, 2);
}
END_TEST

START_TEST(meta_command_inside_statement_is_blanked)
{
	/* psql keeps the statement open across \echo: it is not part of it. */
	lint_new(NULL, "ALTER TABLE t\n\\echo hi\nDROP COLUMN c;\n");
	ck_assert_uint_eq(count_rule("syntax-error"), 0);
	ck_assert_uint_eq(count_rule("psql-meta-command"), 1);
	ck_assert_uint_eq(count_rule("ban-drop-column"), 1);
	ck_assert_int_eq(first_of("ban-drop-column")->line, 1);
}
END_TEST

START_TEST(byte_order_mark_is_skipped)
{
	lint_new(NULL, "\xEF\xBB\xBF" "ALTER TABLE t DROP COLUMN c;\n");
	ck_assert_uint_eq(count_rule("syntax-error"), 0);
	ck_assert_uint_eq(count_rule("ban-drop-column"), 1);
}
END_TEST

START_TEST(deep_nesting_is_reported_not_crashed)
{
	/* 60,000 nested additions: a finding, and the next statement is linted. */
	size_t terms = 60000;
	char *sql = malloc(terms * 2 + 64);
	strcpy(sql, "SELECT ");
	char *p = sql + strlen(sql);
	for (size_t i = 0; i < terms; i++) {
		memcpy(p, "1+", 2);
		p += 2;
	}
	strcpy(p, "1;\nALTER TABLE t DROP COLUMN c;\n");
	lint_new(NULL, sql);
	free(sql);
	ck_assert_uint_eq(count_rule("statement-too-complex"), 1);
	/* it went unchecked: an error, not a warning */
	ck_assert_int_eq(first_of("statement-too-complex")->severity, ML_SEVERITY_ERROR);
	ck_assert_int_eq(ml_run_exit_status(run), ML_EXIT_FINDINGS);
	ck_assert_uint_eq(count_rule("ban-drop-column"), 1);
}
END_TEST


/* A malloc'd text: head, then reps copies of unit, then tail. */
static char *repeat(const char *head, const char *unit, size_t reps, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *out = malloc(hl + ul * reps + tl + 1);
	ck_assert_ptr_nonnull(out);
	memcpy(out, head, hl);
	for (size_t i = 0; i < reps; i++)
		memcpy(out + hl + i * ul, unit, ul);
	memcpy(out + hl + ul * reps, tail, tl + 1);
	return out;
}

START_TEST(measure_skips_comments_and_quoted_bodies)
{
	/* Padding is not complexity: comments count for nothing, and a string
	 * or a dollar-quoted body is one token however long. */
	static const char *const padded[][3] = {
		{ "SELECT 1 /* ", "a + ", " */;" },
		{ "SELECT 1 /* /* nested */ ", "a + ", " */;" },
		{ "SELECT 1 -- ", "a + ", "\n;" },
		{ "SELECT $$", "a + ", "$$;" },
		{ "SELECT $body$ $$ ", "a + ", "$body$;" },
		{ "SELECT E'\\'", "a + ", "';" },
		{ "SELECT '", "a + ''", "';" },
		{ "SELECT \"", "a + ", "\";" },
	};
	for (size_t i = 0; i < sizeof(padded) / sizeof(padded[0]); i++) {
		char *sql = repeat(padded[i][0], padded[i][1], 200000, padded[i][2]);
		ml_statement_size size;
		ml_statement_measure(sql, strlen(sql), &size);
		ck_assert_msg(size.depth < 10 && size.tokens < 10, "case %zu: depth %d, %zu tokens", i, size.depth,
			      size.tokens);
		free(sql);
	}
	/* what the padding hides is counted: a CR ends a -- comment, an
	 * E-string's \' does not end it, a $1 is no dollar quote */
	static const char *const counted[][3] = {
		{ "SELECT 1 -- note\r", "a + ", "1;" },
		{ "SELECT E'\\'' || ", "a + ", "1;" },
		{ "SELECT $1 + ", "a + ", "1;" },
		{ "SELECT x$$ + ", "a + ", "1;" }, /* x$$ is one identifier */
	};
	for (size_t i = 0; i < sizeof(counted) / sizeof(counted[0]); i++) {
		char *sql = repeat(counted[i][0], counted[i][1], 200000, counted[i][2]);
		ml_statement_size size;
		ml_statement_measure(sql, strlen(sql), &size);
		ck_assert_msg(size.depth > 400000 && size.tokens > 400000, "case %zu: depth %d, %zu tokens", i,
			      size.depth, size.tokens);
		free(sql);
	}
	/* a flat list is long but not deep; commas are tokens too */
	char *sql = repeat("SELECT 1 WHERE x IN (0", ", 1", 100000, ");");
	ml_statement_size size;
	ml_statement_measure(sql, strlen(sql), &size);
	ck_assert_int_lt(size.depth, 10);
	ck_assert_uint_eq(size.tokens, 7 + 200000 + 2); /* SELECT 1 WHERE x IN ( 0 , 1 ... ) ; */
	free(sql);
}
END_TEST

START_TEST(padding_does_not_hide_a_statement)
{
	/* Once, 200,000 tokens of comment made this ALTER "too complex": a
	 * warning, and the rename unchecked. */
	static const char *const padded[][3] = {
		{ "ALTER TABLE users /* ", "x + ", " */ RENAME COLUMN email TO e;\n" },
		{ "ALTER TABLE users -- ", "x + ", "\nRENAME COLUMN email TO e;\n" },
		{ "DO $$ BEGIN ALTER TABLE users RENAME COLUMN email TO e; PERFORM '", "x + ", "'; END $$;\n" },
	};
	for (size_t i = 0; i < sizeof(padded) / sizeof(padded[0]); i++) {
		char *sql = repeat(padded[i][0], padded[i][1], 200000, padded[i][2]);
		lint_new(NULL, sql);
		free(sql);
		ck_assert_msg(count_rule("renaming-column") == 1 && count_rule("statement-too-complex") == 0,
			      "case %zu: %zu renaming-column, %zu statement-too-complex", i,
			      count_rule("renaming-column"), count_rule("statement-too-complex"));
	}
	/* an unterminated comment stays a syntax error */
	char *sql = repeat("ALTER TABLE users RENAME COLUMN email TO e /* ", "x + ", 200000, ";\n");
	lint_new(NULL, sql);
	free(sql);
	ck_assert_uint_eq(count_rule("syntax-error"), 1);
	ck_assert_uint_eq(count_rule("statement-too-complex"), 0);
}
END_TEST

START_TEST(too_large_statement_is_reported_not_parsed)
{
	/* 1,040,007 tokens: more than ML_MAX_STATEMENT_TOKENS, so it is not
	 * parsed (a 20 MB INSERT took 1.4 GB), and says so at error severity;
	 * the statement after it is linted. */
	char *sql = repeat("INSERT INTO t VALUES ", "(1),", 260000, "(1);\nALTER TABLE t DROP COLUMN c;\n");
	lint_new(NULL, sql);
	free(sql);
	ck_assert_uint_eq(count_rule("statement-too-complex"), 1);
	const ml_diagnostic *d = first_of("statement-too-complex");
	ck_assert_int_eq(d->severity, ML_SEVERITY_ERROR);
	ck_assert_int_eq(d->line, 1);
	ck_assert_str_eq(d->message, "statement too large to analyse: 1,040,007 tokens, more than the 1,000,000 "
				     "migralint parses; it was not checked");
	ck_assert_uint_eq(count_rule("ban-drop-column"), 1);

	/* a comment in front of it can silence it, once reviewed */
	sql = repeat("-- migralint-ignore statement-too-complex: seed data, reviewed\nINSERT INTO t VALUES ", "(1),",
		     260000, "(1); -- migralint-ignore ban-drop-column\nALTER TABLE t DROP COLUMN c;\n");
	lint_new(NULL, sql);
	free(sql);
	ck_assert_uint_eq(count_rule("statement-too-complex"), 0);
	ck_assert_uint_eq(count_rule("ban-drop-column"), 1);

	/* a PL/pgSQL body is compiled on its own: the same bound */
	sql = repeat("DO $$ BEGIN\n", "PERFORM 1;\n", 340000, "END $$;\nALTER TABLE t DROP COLUMN c;\n");
	lint_new(NULL, sql);
	free(sql);
	ck_assert_uint_eq(count_rule("statement-too-complex"), 1);
	d = first_of("statement-too-complex");
	ck_assert_int_eq(d->line, 1);
	ck_assert_int_eq(d->column, 6);
	ck_assert_ptr_nonnull(strstr(d->message, "PL/pgSQL body too large to analyse: 1,020,002 tokens"));
	ck_assert_uint_eq(count_rule("ban-drop-column"), 1);
}
END_TEST

START_TEST(long_plpgsql_body_is_analysed)
{
	/* 20,000 lines of PL/pgSQL are one string to the statement around
	 * them: the body is analysed, statement by statement, to its last.
	 * (Rules stay quiet on what a function definition does; a procedure's
	 * rename is reported.) */
	static const char *const kinds[] = { "PROCEDURE p()", "FUNCTION f() RETURNS void" };
	for (size_t k = 0; k < 2; k++) {
		char head[128];
		snprintf(head, sizeof(head), "CREATE %s LANGUAGE plpgsql AS $$\nDECLARE n int := 0;\nBEGIN\n", kinds[k]);
		char *sql = repeat(head, "  n := n + (SELECT count(*) FROM users WHERE id > n);\n", 20000,
				   "  ALTER TABLE users RENAME COLUMN email TO e;\n  PERFORM (;\nEND $$;\n");
		lint_new(NULL, sql);
		free(sql);
		ck_assert_uint_eq(count_rule("statement-too-complex"), 0);
		/* the body was compiled: its last line's error is found */
		ck_assert_uint_eq(count_rule("syntax-error"), 1);
	}
	char *sql = repeat("CREATE PROCEDURE p() LANGUAGE plpgsql AS $$\nDECLARE n int := 0;\nBEGIN\n",
			   "  n := n + (SELECT count(*) FROM users WHERE id > n);\n", 20000,
			   "  ALTER TABLE users RENAME COLUMN email TO e;\nEND $$;\n");
	lint_new(NULL, sql);
	free(sql);
	ck_assert_uint_eq(count_rule("statement-too-complex"), 0);
	ck_assert_uint_eq(count_rule("renaming-column"), 1);
	ck_assert_int_eq(first_of("renaming-column")->line, 20004);
}
END_TEST

START_TEST(unqualified_name_is_not_another_schema)
{
	/* archive.orders is new; the live public orders is not. */
	lint_new(NULL, "CREATE TABLE archive.orders (id int, x int);\nALTER TABLE orders DROP COLUMN x;\n"
		       "ALTER TABLE archive.orders DROP COLUMN x;\n");
	ck_assert_uint_eq(count_rule("ban-drop-column"), 1);
	ck_assert_int_eq(first_of("ban-drop-column")->line, 2);
}
END_TEST

START_TEST(suppression_inside_do_body)
{
	lint_new(NULL, "DO $$ BEGIN\n  -- migralint-ignore unbatched-update\n  UPDATE t SET a = 1;\n"
		       "  UPDATE t SET b = 1;\nEND $$;\n");
	ck_assert_uint_eq(count_rule("unbatched-update"), 1);
	ck_assert_int_eq(first_of("unbatched-update")->line, 4);
}
END_TEST

START_TEST(block_comment_before_code_covers_its_line_only)
{
	lint_new(NULL, "/* migralint-ignore ban-drop-column */ ALTER TABLE t DROP COLUMN d;\n"
		       "ALTER TABLE t DROP COLUMN e;\n");
	ck_assert_uint_eq(count_rule("ban-drop-column"), 1);
	ck_assert_int_eq(first_of("ban-drop-column")->line, 2);
}
END_TEST

START_TEST(syntax_error_column_in_characters)
{
	/* the error is at "oops": 17 characters before it, but 19 bytes */
	lint_new(NULL, "SELECT '\xC3\xA9\xC3\xA9' AS x oops;\n");
	ck_assert_uint_eq(count_rule("syntax-error"), 1);
	const ml_diagnostic *e = first_of("syntax-error");
	ck_assert_int_eq(e->line, 1);
	ck_assert_int_eq(e->column, 18);
	ck_assert_int_eq(e->end_column, 22); /* the token is underlined */
}
END_TEST

START_TEST(files_are_summarised_in_order)
{
	start(NULL);
	lint("a.sql", "SELECT 1;\nSELECT 2;\n");
	lint("b.sql", "SELECT (;\n");
	size_t n;
	const ml_file_summary *f = ml_run_files(run, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(f[0].path, "a.sql");
	ck_assert_int_eq(f[0].statements, 2);
	ck_assert_int_eq(f[0].syntax_errors, 0);
	ck_assert_str_eq(f[1].path, "b.sql");
	ck_assert_int_eq(f[1].statements, 1);
	ck_assert_int_eq(f[1].syntax_errors, 1);
}
END_TEST

START_TEST(empty_statements_are_not_counted)
{
	/* A bare ';' is no statement: nothing is parsed or linted there. */
	lint_new(NULL, "SELECT 1;;\n;\n");
	size_t n;
	const ml_file_summary *f = ml_run_files(run, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(f[0].statements, 1);
	ck_assert_uint_eq(count_all(), 0);
}
END_TEST

START_TEST(copy_data_and_meta_commands)
{
	lint_new(NULL, "\\set ON_ERROR_STOP on\nCOPY t (a) FROM stdin;\n1;DROP\n\\.\n"
		       "ALTER TABLE t DROP COLUMN c;\n");
	ck_assert_uint_eq(count_rule("psql-meta-command"), 1);
	ck_assert_int_eq(first_of("psql-meta-command")->line, 1);
	ck_assert_uint_eq(count_rule("syntax-error"), 0); /* the data is not SQL */
	ck_assert_uint_eq(count_rule("ban-drop-column"), 1);
	ck_assert_int_eq(first_of("ban-drop-column")->line, 5);
	size_t n;
	const ml_file_summary *f = ml_run_files(run, &n);
	ck_assert_int_eq(f[0].statements, 2);
}
END_TEST

/* ---- suppressions ------------------------------------------------------- */

START_TEST(suppress_line_above)
{
	lint_new(NULL, "-- migralint-ignore ban-drop-column\nALTER TABLE t DROP COLUMN c;\n");
	ck_assert_uint_eq(count_rule("ban-drop-column"), 0);
	ck_assert_uint_eq(count_all(), 0);
	ck_assert_uint_eq(count_suppressed("ban-drop-column"), 1);
}
END_TEST

START_TEST(suppressed_finding_names_its_comment)
{
	/* Kept for review with the comment that silenced it, and not counted
	 * for the exit status. */
	lint_new(NULL, "SELECT 1;\n  -- migralint-ignore ban-drop-column: unused since 2024.03\n"
		       "ALTER TABLE t DROP COLUMN c;\nALTER TABLE t DROP COLUMN d; /* migralint-ignore ban-drop-column */\n");
	ck_assert_uint_eq(count_rule("ban-drop-column"), 0);
	ck_assert_uint_eq(count_suppressed("ban-drop-column"), 2);
	const ml_diagnostic *d = nth_kind("ban-drop-column", 0, true);
	ck_assert_int_eq(d->line, 3);
	ck_assert_str_eq(d->suppressed->kind, "migralint-ignore");
	ck_assert_str_eq(d->suppressed->reason, "unused since 2024.03");
	ck_assert_int_eq(d->suppressed->line, 2);
	ck_assert_int_eq(d->suppressed->column, 3);
	d = nth_kind("ban-drop-column", 1, true);
	ck_assert_int_eq(d->line, 4);
	ck_assert_ptr_null(d->suppressed->reason);
	ck_assert_int_eq(d->suppressed->column, 30);
	ck_assert_int_eq(ml_run_exit_status(run), ML_EXIT_CLEAN);

	/* The comment on the statement's line is named, not a whole-file one;
	 * an empty reason is no reason. */
	lint_new(NULL, "-- migralint-ignore-file ban-drop-column: the whole file\n"
		       "-- migralint-ignore ban-drop-column:\nALTER TABLE t DROP COLUMN c;\n"
		       "ALTER TABLE t DROP COLUMN d;\n");
	d = nth_kind("ban-drop-column", 0, true);
	ck_assert_str_eq(d->suppressed->kind, "migralint-ignore");
	ck_assert_ptr_null(d->suppressed->reason);
	d = nth_kind("ban-drop-column", 1, true);
	ck_assert_str_eq(d->suppressed->kind, "migralint-ignore-file");
	ck_assert_str_eq(d->suppressed->reason, "the whole file");

	/* --fail-on info: a silenced info finding does not fail either */
	ml_options opts;
	ml_options_init(&opts);
	opts.fail_on = ML_SEVERITY_INFO;
	opts.exclude[0] = "require-lock-timeout";
	opts.exclude[1] = "require-statement-timeout";
	lint_new(&opts, "CREATE TABLE t (a int); -- migralint-ignore prefer-bigint-over-int\n");
	ck_assert_uint_eq(count_suppressed("prefer-bigint-over-int"), 1);
	ck_assert_int_eq(ml_run_exit_status(run), ML_EXIT_CLEAN);
	lint("b.sql", "CREATE TABLE u (a int);\n");
	ck_assert_int_eq(ml_run_exit_status(run), ML_EXIT_FINDINGS);
}
END_TEST

START_TEST(suppress_end_of_first_line)
{
	lint_new(NULL, "ALTER TABLE t DROP COLUMN c; -- migralint-ignore ban-drop-column\n");
	ck_assert_uint_eq(count_rule("ban-drop-column"), 0);

	/* a statement over two lines, the directive at the end of its first */
	lint_new(NULL, "SELECT 1;\nALTER TABLE t /* migralint-ignore ban-drop-column */\n  DROP COLUMN c;\n");
	ck_assert_uint_eq(count_rule("ban-drop-column"), 0);
}
END_TEST

START_TEST(suppress_block_comment_spanning_lines)
{
	/* A block comment ending on the line above covers the statement. */
	lint_new(NULL, "/* migralint-ignore\n   ban-drop-column */\nALTER TABLE t DROP COLUMN c;\n");
	ck_assert_uint_eq(count_rule("ban-drop-column"), 0);
}
END_TEST

START_TEST(suppress_two_lines_above_does_not_apply)
{
	lint_new(NULL, "-- migralint-ignore ban-drop-column\n\nALTER TABLE t DROP COLUMN c;\n");
	ck_assert_uint_eq(count_rule("ban-drop-column"), 1);
	ck_assert_int_eq(first_of("ban-drop-column")->line, 3);
}
END_TEST

START_TEST(suppress_after_code_on_previous_line_does_not_apply)
{
	/* The directive trails the previous statement: it is not on a line of
	 * its own, so it covers that statement only. */
	lint_new(NULL, "SELECT 1; -- migralint-ignore ban-drop-column\nALTER TABLE t DROP COLUMN c;\n");
	ck_assert_uint_eq(count_rule("ban-drop-column"), 1);
}
END_TEST

START_TEST(suppress_other_rule_does_not_apply)
{
	lint_new(NULL, "-- migralint-ignore require-concurrent-index-creation\nALTER TABLE t DROP COLUMN c;\n");
	ck_assert_uint_eq(count_rule("ban-drop-column"), 1);
	ck_assert_uint_eq(count_rule("unknown-rule-in-ignore"), 0);
}
END_TEST

START_TEST(suppress_by_alias)
{
	lint_new(NULL, "BEGIN;\n-- migralint-ignore ban-concurrent-index-creation-in-transaction\n"
		       "CREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;\n");
	ck_assert_uint_eq(count_rule("concurrently-in-transaction"), 0);
	ck_assert_uint_eq(count_rule("unknown-rule-in-ignore"), 0);
}
END_TEST

START_TEST(ignore_file)
{
	lint_new(NULL, "-- migralint-ignore-file ban-drop-column\nALTER TABLE t DROP COLUMN c;\n\n\n"
		       "ALTER TABLE t DROP COLUMN d;\nCREATE INDEX i ON t (a);\n");
	ck_assert_uint_eq(count_rule("ban-drop-column"), 0);
	/* only the named rule is silenced */
	ck_assert_uint_eq(count_rule("require-concurrent-index-creation"), 1);

	/* at the end of the file, after the last statement */
	lint_new(NULL, "ALTER TABLE t DROP COLUMN c;\nALTER TABLE t DROP COLUMN d;\n"
		       "/* migralint-ignore-file ban-drop-column */\n");
	ck_assert_uint_eq(count_rule("ban-drop-column"), 0);
	ck_assert_uint_eq(count_all(), 0);
}
END_TEST

START_TEST(ignore_file_is_per_file)
{
	start(NULL);
	lint("a.sql", "-- migralint-ignore-file ban-drop-column\nSELECT 1;\n");
	lint("b.sql", "ALTER TABLE t DROP COLUMN c;\n");
	ck_assert_uint_eq(count_rule("ban-drop-column"), 1);
	ck_assert_str_eq(first_of("ban-drop-column")->path, "b.sql");
}
END_TEST

START_TEST(unknown_rule_in_ignore)
{
	lint_new(NULL, "SELECT 1;\n  -- migralint-ignore no-such-rule, ban-drop-column\nALTER TABLE t DROP COLUMN c;\n");
	ck_assert_uint_eq(count_rule("unknown-rule-in-ignore"), 1);
	const ml_diagnostic *d = first_of("unknown-rule-in-ignore");
	ck_assert_int_eq(d->line, 2);
	ck_assert_int_eq(d->column, 23); /* the name in the comment */
	ck_assert_int_eq(d->end_column, 35);
	ck_assert_ptr_nonnull(strstr(d->message, "no-such-rule"));
	/* the known rule in the same comment still works */
	ck_assert_uint_eq(count_rule("ban-drop-column"), 0);

	/* a directive that names no rule at all */
	lint_new(NULL, "-- migralint-ignore\nSELECT 1;\n");
	ck_assert_uint_eq(count_rule("unknown-rule-in-ignore"), 1);
	ck_assert_int_eq(first_of("unknown-rule-in-ignore")->line, 1);

	/* a string that looks like a directive is not one */
	lint_new(NULL, "SELECT '-- migralint-ignore no-such-rule';\n");
	ck_assert_uint_eq(count_all(), 0);
}
END_TEST

/* ---- input checks ------------------------------------------------------- */

START_TEST(nesting_estimate_steps_over_nul_bytes)
{
	/* A NUL once stopped the scan in place: it never returned. */
	static const char text[] = "SELECT (1\0\0 + (2));\0";
	ck_assert_int_ge(ml_nesting_estimate(text, sizeof(text) - 1), 2);
}
END_TEST

START_TEST(nul_byte_is_invalid_input_only)
{
	static const char sql[] = "ALTER TABLE t DROP COLUMN c;\nSELEC\0T 1;\n";
	start(NULL);
	ck_assert_int_eq(ml_run_lint_buffer(run, "bin.sql", sql, sizeof(sql) - 1), 0);
	ck_assert_uint_eq(count_rule("invalid-input"), 1);
	ck_assert_uint_eq(count_all(), 1); /* nothing else: the file is not linted */
	const ml_diagnostic *d = first_of("invalid-input");
	ck_assert_int_eq(d->line, 2);
	ck_assert_int_eq(d->column, 6);
	ck_assert_int_eq(ml_run_exit_status(run), ML_EXIT_FINDINGS);
}
END_TEST

START_TEST(invalid_utf8_still_lints)
{
	lint_new(NULL, "SELECT 'caf\xE9';\nALTER TABLE t DROP COLUMN c;\n");
	ck_assert_uint_eq(count_rule("invalid-input"), 1);
	const ml_diagnostic *d = first_of("invalid-input");
	ck_assert_int_eq(d->line, 1);
	ck_assert_int_eq(d->column, 12);
	ck_assert_uint_eq(count_rule("ban-drop-column"), 1);
	ck_assert_int_eq(first_of("ban-drop-column")->line, 2);
}
END_TEST

/* ---- schema memory -------------------------------------------------------- */

START_TEST(index_on_new_table_is_quiet)
{
	lint_new(NULL, "CREATE INDEX i ON t (a);\n");
	ck_assert_uint_eq(count_rule("require-concurrent-index-creation"), 1);

	lint_new(NULL, "CREATE TABLE t (a int);\nCREATE INDEX i ON t (a);\n");
	ck_assert_uint_eq(count_rule("require-concurrent-index-creation"), 0);
}
END_TEST

START_TEST(table_from_earlier_buffer_is_live)
{
	/* README: a table is new only in the file that creates it; one created
	 * by an earlier migration of the run holds data by the time the next
	 * one runs, so CREATE INDEX on it is flagged again. */
	start(NULL);
	lint("001.sql", "CREATE TABLE t (a int);\nCREATE INDEX i ON t (a);\n");
	ck_assert_uint_eq(count_rule("require-concurrent-index-creation"), 0);
	lint("002.sql", "CREATE INDEX j ON t (a);\n");
	ck_assert_uint_eq(count_rule("require-concurrent-index-creation"), 1);
	const ml_diagnostic *d = first_of("require-concurrent-index-creation");
	ck_assert_str_eq(d->path, "002.sql");
	ck_assert_int_eq(d->line, 1);
}
END_TEST

START_TEST(table_created_later_in_file_does_not_count)
{
	/* Only an earlier statement makes the table new. */
	lint_new(NULL, "CREATE INDEX i ON t (a);\nCREATE TABLE t2 (a int);\nCREATE INDEX j ON t2 (a);\n");
	ck_assert_uint_eq(count_rule("require-concurrent-index-creation"), 1);
	ck_assert_int_eq(first_of("require-concurrent-index-creation")->line, 1);
}
END_TEST

/* The lines of rule's findings, in order, as "3,5" (at most 16). */
static const char *lines_of(const char *rule, char *buf, size_t len)
{
	size_t n, used = 0;
	const ml_diagnostic *d = ml_run_diagnostics(run, &n);
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		if (!strcmp(d[i].rule, rule))
			used += (size_t)snprintf(buf + used, len - used, "%s%d", used ? "," : "", d[i].line);
	return buf;
}

START_TEST(unique_keys_from_earlier_file)
{
	/* A table whose CREATE TABLE the run saw has exactly the unique keys
	 * it declared (and those added later): equality with a literal is a
	 * point fix on those only, not on a column that merely is called id. */
	char buf[128];
	start(NULL);
	lint("001.sql", "CREATE TABLE tenant (id bigint PRIMARY KEY, slug text UNIQUE, version text);\n"
			"CREATE TABLE post (id bigint, url text);\n"
			"CREATE TABLE membership (org_id bigint, user_id bigint, role text,\n"
			"    PRIMARY KEY (org_id, user_id));\n"
			"CREATE TABLE tag (id bigint PRIMARY KEY, name text, CONSTRAINT tag_name UNIQUE (name));\n");
	lint("002.sql", "UPDATE tenant SET version = 'V1' WHERE version = 'V0';\n"     /* 1 fires */
			"UPDATE tenant SET version = 'V1' WHERE slug = 'acme';\n"      /* 2 */
			"UPDATE tenant SET version = 'V1' WHERE id = 5;\n"             /* 3 */
			"UPDATE post SET url = NULL WHERE id = 3;\n"                   /* 4 fires: no key */
			"UPDATE membership SET role = 'x' WHERE org_id = 1 AND user_id = 2;\n" /* 5 */
			"UPDATE membership SET role = 'x' WHERE org_id = 1;\n"         /* 6 fires */
			"DELETE FROM tag WHERE name = 'old';\n"                        /* 7 */
			"ALTER TABLE tag DROP CONSTRAINT tag_name;\n"
			"DELETE FROM tag WHERE name = 'older';\n"                      /* 9 fires */
			"ALTER TABLE tenant DROP CONSTRAINT tenant_slug_key;\n"        /* PostgreSQL's name */
			"UPDATE tenant SET version = 'V2' WHERE slug = 'acme';\n"      /* 11 fires */
			"ALTER TABLE post ADD PRIMARY KEY (id);\n"
			"UPDATE post SET url = NULL WHERE id = 4;\n");                 /* 13 */
	ck_assert_str_eq(lines_of("unbatched-update", buf, sizeof(buf)), "1,4,6,11");
	ck_assert_str_eq(lines_of("unbatched-delete", buf, sizeof(buf)), "9");
}
END_TEST

START_TEST(unique_keys_follow_renames_and_drops)
{
	char buf[128];
	start(NULL);
	lint("001.sql", "CREATE TABLE account (id bigint, email text, nick text);\n"
			"CREATE UNIQUE INDEX account_email_key ON account (email);\n"
			"CREATE TABLE profile (LIKE account INCLUDING ALL);\n");
	lint("002.sql", "ALTER TABLE account RENAME COLUMN email TO mail;\n"
			"UPDATE account SET nick = 'a' WHERE mail = 'x@example.com';\n"   /* 2 */
			"ALTER TABLE account DROP COLUMN mail;\n"
			"ALTER TABLE account ADD COLUMN mail text;\n"
			"UPDATE account SET nick = 'b' WHERE mail = 'x@example.com';\n"   /* 5 fires */
			"UPDATE account SET nick = 'c' WHERE id = 1;\n"                   /* 6 fires: not a key */
			"UPDATE profile SET nick = 'd' WHERE id = 1;\n");                 /* 7: LIKE copies keys */
	ck_assert_str_eq(lines_of("unbatched-update", buf, sizeof(buf)), "5,6");
}
END_TEST

/* ---- exit status ---------------------------------------------------------- */

START_TEST(exit_status)
{
	lint_new(NULL, "SELECT 1;\n");
	ck_assert_uint_eq(count_all(), 0);
	ck_assert_int_eq(ml_run_exit_status(run), ML_EXIT_CLEAN);

	lint_new(NULL, "CREATE INDEX i ON t (a);\n");
	ck_assert_int_eq(first_of("require-concurrent-index-creation")->severity, ML_SEVERITY_WARNING);
	ck_assert_int_eq(ml_run_exit_status(run), ML_EXIT_FINDINGS);

	ml_options opts;
	ml_options_init(&opts);
	opts.fail_on = ML_SEVERITY_ERROR;
	lint_new(&opts, "CREATE INDEX i ON t (a);\n");
	ck_assert_uint_eq(count_rule("require-concurrent-index-creation"), 1); /* still reported */
	ck_assert_int_eq(ml_run_exit_status(run), ML_EXIT_CLEAN);

	lint_new(&opts, "CREATE INDEX i ON t (a);\nSELEC 1;\n");
	ck_assert_int_eq(ml_run_exit_status(run), ML_EXIT_FINDINGS);
}
END_TEST

START_TEST(excluded_rule_is_silent)
{
	ml_options opts;
	ml_options_init(&opts);
	opts.exclude[0] = "ban-drop-column";
	lint_new(&opts, "ALTER TABLE t DROP COLUMN c;\nCREATE INDEX i ON t (a);\n");
	ck_assert_uint_eq(count_rule("ban-drop-column"), 0);
	ck_assert_uint_eq(count_rule("require-concurrent-index-creation"), 1);
}
END_TEST

/* ---- positions ------------------------------------------------------------ */

START_TEST(column_counts_characters)
{
	/* CREATE starts at byte 24 but character 21 of line 2 */
	lint_new(NULL, "SELECT 1;\nBEGIN; SELECT '\xC3\xA9\xE2\x82\xAC'; CREATE INDEX CONCURRENTLY i ON t (a);\n");
	ck_assert_uint_eq(count_rule("concurrently-in-transaction"), 1);
	const ml_diagnostic *d = first_of("concurrently-in-transaction");
	ck_assert_int_eq(d->line, 2);
	ck_assert_int_eq(d->column, 21);
	ck_assert_int_eq(d->end_line, 2);
	ck_assert_int_eq(d->end_column, 57); /* one past ')' */
}
END_TEST

START_TEST(diagnostics_between_lint_calls)
{
	/* The sorted array is rebuilt (and the old one released) when a later
	 * lint call adds findings. */
	start(NULL);
	lint("a.sql", "ALTER TABLE t DROP COLUMN c;\n");
	ck_assert_uint_eq(count_all(), 1);
	lint("b.sql", "SELECT 1;\n");
	ck_assert_uint_eq(count_all(), 1);
	lint("c.sql", "ALTER TABLE t DROP COLUMN d;\nALTER TABLE t DROP COLUMN e;\n");
	ck_assert_uint_eq(count_all(), 3);
	ck_assert_str_eq(nth_of("ban-drop-column", 2)->path, "c.sql");
	ck_assert_int_eq(nth_of("ban-drop-column", 2)->line, 2);
}
END_TEST

START_TEST(diagnostics_are_sorted)
{
	start(NULL);
	lint("b.sql", "ALTER TABLE t DROP COLUMN c;\n");
	lint("a.sql", "SELECT 1;\nALTER TABLE t DROP COLUMN d;\nCREATE INDEX i ON t (a);\n");
	size_t n;
	const ml_diagnostic *d = ml_run_diagnostics(run, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(d[0].path, "a.sql");
	ck_assert_int_eq(d[0].line, 2);
	ck_assert_str_eq(d[1].path, "a.sql");
	ck_assert_int_eq(d[1].line, 3);
	ck_assert_str_eq(d[2].path, "b.sql");
}
END_TEST

/* ml_bool_word reads SQL Boolean literals the way boolin does. */
START_TEST(boolean_words_read_like_boolin)
{
	static const char *const TRUE_WORDS[] = { "true", "TRUE", "t", "Tr", "yes", "Y", "on", "ON", "1", " on " };
	static const char *const FALSE_WORDS[] = { "false", "F", "fal", "no", "N", "off", "OF", "0", "\tno" };
	static const char *const NOT_WORDS[] = { "", "o", "2", "10", "truex", "nope", "of f", "onn" };
	bool value;
	for (size_t i = 0; i < sizeof(TRUE_WORDS) / sizeof(TRUE_WORDS[0]); i++) {
		value = false;
		ck_assert_msg(ml_bool_word(TRUE_WORDS[i], &value) && value, "\"%s\" is true", TRUE_WORDS[i]);
	}
	for (size_t i = 0; i < sizeof(FALSE_WORDS) / sizeof(FALSE_WORDS[0]); i++) {
		value = true;
		ck_assert_msg(ml_bool_word(FALSE_WORDS[i], &value) && !value, "\"%s\" is false", FALSE_WORDS[i]);
	}
	for (size_t i = 0; i < sizeof(NOT_WORDS) / sizeof(NOT_WORDS[0]); i++)
		ck_assert_msg(!ml_bool_word(NOT_WORDS[i], &value), "\"%s\" is not Boolean", NOT_WORDS[i]);
}
END_TEST

/* Reports never show the placeholder dynamic SQL stands in for names. */
START_TEST(placeholder_names_are_described)
{
	ml_arena *a = ml_arena_new();
	static const char *const CASES[][2] = {
		{ "renaming table \"users\" to \"dynamic_name\" breaks", "renaming table \"users\" to " ML_DYNAMIC_NAME_TEXT " breaks" },
		{ "on \"app.dynamic_name\": x", "on " ML_DYNAMIC_NAME_TEXT ": x" },
		{ "index \"idx_dynamic_name_2\" and 'dynamic_name'", "index " ML_DYNAMIC_NAME_TEXT " and " ML_DYNAMIC_NAME_TEXT },
		{ "holds dynamic_name.", "holds " ML_DYNAMIC_NAME_TEXT "." },
		{ "dynamic_name", ML_DYNAMIC_NAME_TEXT },
		{ "\"dynamic_name", "\"" ML_DYNAMIC_NAME_TEXT },
	};
	for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++)
		ck_assert_str_eq(ml_without_placeholder(a, CASES[i][0]), CASES[i][1]);
	const char *plain = "no placeholder in \"users\"";
	ck_assert_ptr_eq(ml_without_placeholder(a, plain), plain);
	ck_assert_ptr_null(ml_without_placeholder(a, NULL));
	ml_arena_free(a);
}
END_TEST

START_TEST(drop_not_null_on_column_known_nullable)
{
	/* ban-drop-not-null: a column an earlier migration created nullable
	 * changes nothing; NOT NULL, PRIMARY KEY (also given after the
	 * columns), serial and identity columns and inherited columns do. */
	start(NULL);
	lint("001.sql", "CREATE TABLE t (a int, b int NOT NULL, c serial, d int, e int GENERATED BY DEFAULT AS IDENTITY,\n"
			"  f text, PRIMARY KEY (d));\n"
			"CREATE TABLE parent (id int NOT NULL, note text NOT NULL) PARTITION BY LIST (id);\n"
			"CREATE TABLE child PARTITION OF parent (note) FOR VALUES IN (1);\n"
			"CREATE TABLE u (x int, y int);\n");
	lint("002.sql", "ALTER TABLE t ALTER COLUMN a DROP NOT NULL;\n"       /* 1: quiet */
			"ALTER TABLE t ALTER COLUMN b DROP NOT NULL;\n"       /* 2 */
			"ALTER TABLE t ALTER COLUMN c DROP NOT NULL;\n"       /* 3 */
			"ALTER TABLE t ALTER COLUMN d DROP NOT NULL;\n"       /* 4 */
			"ALTER TABLE t ALTER COLUMN e DROP NOT NULL;\n"       /* 5 */
			"ALTER TABLE t ALTER COLUMN f SET NOT NULL;\n"
			"ALTER TABLE t ALTER COLUMN f DROP NOT NULL;\n"       /* 7 */
			"ALTER TABLE t ALTER COLUMN f DROP NOT NULL;\n"       /* 8: quiet, dropped already */
			"ALTER TABLE child ALTER COLUMN note DROP NOT NULL;\n" /* 9: inherited */
			"ALTER TABLE u ADD CONSTRAINT u_pkey PRIMARY KEY USING INDEX u_x_idx;\n"
			"ALTER TABLE u ALTER COLUMN y DROP NOT NULL;\n"       /* 11: which column is unknown */
			"ALTER TABLE unknown_table ALTER COLUMN z DROP NOT NULL;\n"); /* 12 */
	char buf[64];
	ck_assert_str_eq(lines_of("ban-drop-not-null", buf, sizeof(buf)), "2,3,4,5,7,9,11,12");
}
END_TEST

/* The tables the recorded statement starting on line locks, as "a b c ". */
static const char *locked_at(int line)
{
	static char buf[256];
	buf[0] = '\0';
	for (size_t i = 0; i < run->statements.len; i++) {
		const ml_statement_record *r = run->statements.items[i];
		if (r->line != line)
			continue;
		size_t used = 0;
		for (size_t k = 0; k < r->n_locks && used < sizeof(buf) - 64; k++)
			used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s ", r->locks[k].table);
	}
	return buf;
}

START_TEST(partitioned_index_drop_locks_attached_partitions)
{
	/* DROP INDEX of a partitioned index locks the parent and each
	 * partition still attached: not one detached or dropped since. */
	ml_options opts;
	ml_options_init(&opts);
	opts.record_statements = true;
	start(&opts);
	lint("001.sql", "CREATE TABLE ev (id int, at date) PARTITION BY RANGE (at);\n"
			"CREATE TABLE ev_1 PARTITION OF ev FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');\n"
			"CREATE TABLE ev_2 PARTITION OF ev FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');\n"
			"CREATE TABLE ev_3 PARTITION OF ev FOR VALUES FROM ('2024-03-01') TO ('2024-04-01');\n"
			"CREATE INDEX ev_id_idx ON ev (id);\n");
	lint("002.sql", "DROP INDEX ev_id_idx;\n"
			"CREATE INDEX ev_id_idx ON ev (id);\n"
			"DROP TABLE ev_1;\n"
			"ALTER TABLE ev DETACH PARTITION ev_3;\n"
			"DROP INDEX ev_id_idx;\n");
	ck_assert_str_eq(locked_at(1), "ev ev_1 ev_2 ev_3 ");
	ck_assert_str_eq(locked_at(5), "ev ev_2 ");
	ck_assert_uint_eq(count_rule("require-concurrent-index-deletion"), 0);
}
END_TEST

Suite *engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("transactions");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, concurrently_inside_begin);
	tcase_add_test(tc, concurrently_after_commit);
	tcase_add_test(tc, concurrently_assume_in_transaction);
	tcase_add_test(tc, start_transaction_and_end);
	tcase_add_test(tc, transaction_state_is_per_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("recovery");
	/* 20,000-line bodies and million-token statements: seconds under ASan */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, unclosed_parenthesis_costs_one_statement);
	tcase_add_test(tc, unterminated_comment_is_reported);
	tcase_add_test(tc, unterminated_copy_data_is_reported);
	tcase_add_test(tc, meta_command_inside_statement_is_blanked);
	tcase_add_test(tc, byte_order_mark_is_skipped);
	tcase_add_test(tc, deep_nesting_is_reported_not_crashed);
	tcase_add_test(tc, padding_does_not_hide_a_statement);
	tcase_add_test(tc, long_plpgsql_body_is_analysed);
	tcase_add_test(tc, too_large_statement_is_reported_not_parsed);
	tcase_add_test(tc, unqualified_name_is_not_another_schema);
	tcase_add_test(tc, suppression_inside_do_body);
	tcase_add_test(tc, block_comment_before_code_covers_its_line_only);
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, syntax_error_does_not_stop_the_file);
	tcase_add_test(tc, syntax_error_column_in_characters);
	tcase_add_test(tc, files_are_summarised_in_order);
	tcase_add_test(tc, empty_statements_are_not_counted);
	tcase_add_test(tc, copy_data_and_meta_commands);
	suite_add_tcase(s, tc);

	tc = tcase_create("suppressions");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, suppress_line_above);
	tcase_add_test(tc, suppressed_finding_names_its_comment);
	tcase_add_test(tc, suppress_end_of_first_line);
	tcase_add_test(tc, suppress_block_comment_spanning_lines);
	tcase_add_test(tc, suppress_two_lines_above_does_not_apply);
	tcase_add_test(tc, suppress_after_code_on_previous_line_does_not_apply);
	tcase_add_test(tc, suppress_other_rule_does_not_apply);
	tcase_add_test(tc, suppress_by_alias);
	tcase_add_test(tc, ignore_file);
	tcase_add_test(tc, ignore_file_is_per_file);
	tcase_add_test(tc, unknown_rule_in_ignore);
	suite_add_tcase(s, tc);

	tc = tcase_create("input");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, nul_byte_is_invalid_input_only);
	tcase_add_test(tc, invalid_utf8_still_lints);
	suite_add_tcase(s, tc);

	tc = tcase_create("run");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, index_on_new_table_is_quiet);
	tcase_add_test(tc, table_from_earlier_buffer_is_live);
	tcase_add_test(tc, drop_not_null_on_column_known_nullable);
	tcase_add_test(tc, partitioned_index_drop_locks_attached_partitions);
	tcase_add_test(tc, table_created_later_in_file_does_not_count);
	tcase_add_test(tc, unique_keys_from_earlier_file);
	tcase_add_test(tc, unique_keys_follow_renames_and_drops);
	tcase_add_test(tc, exit_status);
	tcase_add_test(tc, excluded_rule_is_silent);
	tcase_add_test(tc, column_counts_characters);
	tcase_add_test(tc, diagnostics_between_lint_calls);
	tcase_add_test(tc, diagnostics_are_sorted);
	tcase_add_test(tc, nesting_estimate_steps_over_nul_bytes);
	tcase_add_test(tc, boolean_words_read_like_boolin);
	tcase_add_test(tc, placeholder_names_are_described);
	tcase_add_test(tc, measure_skips_comments_and_quoted_bodies);
	suite_add_tcase(s, tc);
	return s;
}
