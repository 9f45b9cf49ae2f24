/*
 * test_history.c - the migration tool presets (src/history/): version
 * order, each preset's reading of names and its cutting of a file into up
 * and down steps with their transactions. The projects under
 * tests/projects/ cover the same end to end (tests/projects_test.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tool.h"
#include "tool_scan.h"
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

/* ---- a project folder on disk, for detection and the files beside ---- */

static char project[64];

/* Makes a fresh empty folder in project. */
static void project_make(void)
{
	snprintf(project, sizeof(project), "/tmp/migralint-history-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(project));
}

static void project_remove(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", project);
	ck_assert_int_eq(system(cmd), 0);
}

/* Writes text to project/relpath, making its folders. */
static void put(const char *relpath, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", project, relpath);
	for (char *slash = strchr(path + strlen(project) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* The tool detected for project/sub, and its score's reason in *why. */
static const char *detected(const char *sub, const char **why)
{
	ml_tool_dir dir;
	ck_assert_int_eq(ml_tool_dir_read(arena, ml_arena_printf(arena, "%s/%s", project, sub), &dir), 0);
	return ml_tool_detect(&dir, why)->name;
}

/* Classifies relpath with tool for the folder project/sub, opened as the
 * run opens it. */
static ml_migration_file classify_in(const char *tool, const char *sub, const char *relpath, ml_tool_root *root)
{
	const ml_tool *t = ml_tool_find(tool);
	ck_assert_ptr_nonnull(t);
	memset(root, 0, sizeof(*root));
	root->path = ml_arena_printf(arena, "%s/%s", project, sub);
	if (t->open_root)
		t->open_root(arena, root);
	ml_migration_file f;
	t->classify(arena, root, relpath, &f);
	return f;
}

/* Cuts text as tool does for file f of root. */
static size_t cut_in(const char *tool, const ml_tool_root *root, const ml_migration_file *f, const char *text,
		     ml_section *out)
{
	const ml_tool *t = ml_tool_find(tool);
	if (!t->sections)
		return ml_tool_whole_file(f, strlen(text), f->transaction != 0, f->transaction_why, out);
	return t->sections(arena, root, f, text, strlen(text), out, ML_MAX_SECTIONS);
}

START_TEST(scan_skips_comments_and_quotes)
{
	const char *text = "-- a; comment\nCREATE TABLE t (a text DEFAULT 'x;y');\n/* b; /* nested; */ c; */\n"
			   "DO $body$ BEGIN PERFORM 1; END $body$;;\n  ;\nSELECT E'\\';', \"q;\"\"\" FROM t";
	size_t at = 0, start, end, n = 0;
	const char *first[] = { "CREATE", "DO", "SELECT" };
	while (ml_tool_scan_next(text, strlen(text), &at, &start, &end)) {
		ck_assert_uint_lt(n, 3);
		char w[2][ML_SCAN_WORD_MAX];
		ck_assert_uint_ge(ml_tool_scan_words(text, start, end, w, 2), 1);
		ck_assert_str_eq(w[0], first[n]);
		n++;
	}
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(ml_tool_scan_count("-- only a comment;\n;", 20, 5), 0);
	ck_assert_uint_eq(ml_tool_scan_count("SELECT 1", 8, 5), 1);
	/* Words skip comments between them and stop at anything else. */
	char w[4][ML_SCAN_WORD_MAX];
	const char *ci = "create /* x */ unique\n-- y\nindex concurrently i ON t (a)";
	ck_assert_uint_eq(ml_tool_scan_words(ci, 0, strlen(ci), w, 4), 4);
	ck_assert_str_eq(w[1], "UNIQUE");
	ck_assert_str_eq(w[3], "CONCURRENTLY");
	/* A parameter is not a dollar quote; a$b$ is an identifier. */
	ck_assert_uint_eq(ml_tool_scan_count("SELECT $1; SELECT a$b$; SELECT 2", 32, 5), 3);
}
END_TEST

START_TEST(golang_migrate_files_and_implicit_transaction)
{
	ml_migration_file up = classify("golang-migrate", "0010_add.up.sql");
	ck_assert_int_eq(up.kind, ML_FILE_MIGRATION);
	ck_assert_str_eq(up.version, "0010");
	ck_assert_int_eq(up.direction, ML_DIRECTION_UP);
	ml_migration_file down = classify("golang-migrate", "1579713176_x.y.down.sql");
	ck_assert_int_eq(down.direction, ML_DIRECTION_DOWN);
	ck_assert_str_eq(down.version, "1579713176");
	ck_assert_int_eq(classify("golang-migrate", "0010_add.sql").kind, ML_FILE_SKIPPED);
	ck_assert_int_eq(classify("golang-migrate", "seed.up.sql").kind, ML_FILE_SKIPPED);
	ck_assert_int_eq(classify("golang-migrate", "sub/1_x.up.sql").kind, ML_FILE_SKIPPED);

	ml_section s[ML_MAX_SECTIONS];
	ck_assert_uint_eq(cut("golang-migrate", "1_a.up.sql", "CREATE TABLE a (id int);\nCREATE INDEX i ON a (id);\n", s),
			  1);
	ck_assert(s[0].in_transaction);
	/* One statement (comments and a trailing ';' aside): no transaction block. */
	ck_assert_uint_eq(cut("golang-migrate", "2_i.up.sql", "-- build it online\nCREATE INDEX CONCURRENTLY i ON a (id);\n",
			      s),
			  1);
	ck_assert(!s[0].in_transaction);
	ck_assert_int_eq(s[0].direction, ML_DIRECTION_UP);
	cut("golang-migrate", "2_i.down.sql", "DROP INDEX CONCURRENTLY i;", s);
	ck_assert(!s[0].in_transaction);
	ck_assert_int_eq(s[0].direction, ML_DIRECTION_DOWN);
}
END_TEST

START_TEST(sqlx_no_transaction_on_the_first_bytes)
{
	ck_assert_str_eq(classify("sqlx", "20240101000000_init.sql").version, "20240101000000");
	ck_assert_int_eq(classify("sqlx", "2_x.down.sql").direction, ML_DIRECTION_DOWN);
	ck_assert_int_eq(classify("sqlx", "2_x.up.sql").direction, ML_DIRECTION_UP);
	ck_assert_int_eq(classify("sqlx", "init.sql").kind, ML_FILE_SKIPPED);
	ml_section s[ML_MAX_SECTIONS];
	cut("sqlx", "3_i.sql", "-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\n", s);
	ck_assert(!s[0].in_transaction);
	/* Anywhere but the first bytes it is a comment. */
	cut("sqlx", "3_i.sql", "\n-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\n", s);
	ck_assert(s[0].in_transaction);
	cut("sqlx", "3_i.sql", "-- No-Transaction\nSELECT 1;\n", s);
	ck_assert(s[0].in_transaction);
}
END_TEST

START_TEST(dbmate_sections_and_string_order)
{
	const char *text = "-- a comment\n-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n\n"
			   "--migrate:down\nDROP INDEX CONCURRENTLY i;\n";
	ml_section s[ML_MAX_SECTIONS];
	ck_assert_uint_eq(cut("dbmate", "20240101_i.sql", text, s), 2);
	ck_assert_uint_eq(s[0].start, strstr(text, "-- migrate:up") - text);
	ck_assert_uint_eq(s[0].end, strstr(text, "--migrate:down") - text);
	ck_assert(!s[0].in_transaction);
	ck_assert_int_eq(s[0].direction, ML_DIRECTION_UP);
	ck_assert_int_eq(s[1].direction, ML_DIRECTION_DOWN);
	ck_assert(s[1].in_transaction); /* the option is per section */
	ck_assert_uint_eq(s[1].end, strlen(text));
	/* Case as written: MIGRATE:UP is no marker; nor is migrate:upgrade. */
	ck_assert_uint_eq(cut("dbmate", "1_x.sql", "-- MIGRATE:UP\nSELECT 1;\n-- migrate:upgrade\n", s), 1);
	ck_assert_str_eq(s[0].why, "no '-- migrate:up' line: dbmate refuses this file; linted whole as an up");

	/* dbmate sorts by file name: 10_b before 9_a. */
	project_make();
	put("db/migrations/9_a.sql", "-- migrate:up\nSELECT 1;\n");
	put("db/migrations/10_b.sql", "-- migrate:up\nSELECT 1;\n");
	put("db/migrations/notes.txt", "");
	ml_tool_root root;
	ml_migration_file nine = classify_in("dbmate", "db/migrations", "9_a.sql", &root);
	ml_migration_file ten = classify_in("dbmate", "db/migrations", "10_b.sql", &root);
	ck_assert_str_eq(nine.version, "9");
	ck_assert_int_eq(ten.plan_index, 0);
	ck_assert_int_eq(nine.plan_index, 1);
	ck_assert_int_eq(classify_in("dbmate", "db/migrations", "notes.sql", &root).kind, ML_FILE_SKIPPED);
	const char *why;
	ck_assert_str_eq(detected("db/migrations", &why), "dbmate");
	project_remove();
}
END_TEST

START_TEST(sql_migrate_sections_exactly_as_written)
{
	const char *text = "-- leading text is not run\n-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY i ON t (a);\n"
			   "-- +migrate Down\nDROP INDEX i;\n";
	ml_section s[ML_MAX_SECTIONS];
	ck_assert_uint_eq(cut("sql-migrate", "2_i.sql", text, s), 2);
	ck_assert_uint_eq(s[0].start, strstr(text, "-- +migrate Up") - text);
	ck_assert(!s[0].in_transaction);
	ck_assert_int_eq(s[1].direction, ML_DIRECTION_DOWN);
	ck_assert(s[1].in_transaction);
	/* The tool matches "-- +migrate " and the word's case. */
	ck_assert_uint_eq(cut("sql-migrate", "2_i.sql", "--  +migrate Up\n-- +migrate up\nSELECT 1;\n", s), 1);
	ck_assert_str_eq(s[0].why,
			 "no '-- +migrate Up' line: sql-migrate runs nothing of this file; linted whole as an up");
	/* A StatementBegin line is no section. */
	ck_assert_uint_eq(cut("sql-migrate", "3_f.sql",
			      "-- +migrate Up\n-- +migrate StatementBegin\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS "
			      "$$ SELECT 1; $$;\n-- +migrate StatementEnd\n",
			      s),
			  1);
	ml_migration_file f = classify("sql-migrate", "20240101_x.sql");
	ck_assert_str_eq(f.version, "20240101");
	ck_assert_ptr_null(classify("sql-migrate", "seed.sql").version); /* after the numbered ones */
}
END_TEST

START_TEST(pop_dialects_autocommit_and_order)
{
	project_make();
	put("migrations/9_a.up.sql", "CREATE TABLE a (id int);\n");
	put("migrations/10_b.postgres.up.sql", "SELECT 1;\n");
	put("migrations/10_b.up.sql", "SELECT 1;\n");
	put("migrations/10_b.down.sql", "SELECT 1;\n");
	put("migrations/10_b.mysql.up.sql", "SELECT 1;\n");
	put("migrations/11_c.postgres.autocommit.up.sql", "CREATE INDEX CONCURRENTLY i ON a (id);\n");
	put("migrations/12_d.autocommit.down.sql", "DROP INDEX CONCURRENTLY i;\n");
	put("migrations/13_e.crdb.up.sql", "SELECT 1;\n");
	put("migrations/14_f.oracle.up.sql", "SELECT 1;\n");
	ml_tool_root root;
	ml_migration_file f = classify_in("pop", "migrations", "10_b.postgres.up.sql", &root);
	ck_assert_int_eq(f.kind, ML_FILE_MIGRATION);
	ck_assert_str_eq(f.version, "10");
	ck_assert_int_eq(f.transaction, -1);
	/* pop compares versions as strings: "10" < "11" < ... < "9". */
	ck_assert_int_eq(f.plan_index, 0);
	ck_assert_int_eq(classify_in("pop", "migrations", "9_a.up.sql", &root).plan_index, 5);
	/* The version's postgres file wins over the one without a dialect, per direction. */
	f = classify_in("pop", "migrations", "10_b.up.sql", &root);
	ck_assert_int_eq(f.kind, ML_FILE_SKIPPED);
	ck_assert_ptr_nonnull(strstr(f.skip, ".postgres."));
	ck_assert_int_eq(classify_in("pop", "migrations", "10_b.down.sql", &root).kind, ML_FILE_MIGRATION);
	f = classify_in("pop", "migrations", "10_b.mysql.up.sql", &root);
	ck_assert_int_eq(f.kind, ML_FILE_SKIPPED);
	ck_assert_ptr_nonnull(strstr(f.skip, "mysql"));
	f = classify_in("pop", "migrations", "13_e.crdb.up.sql", &root);
	ck_assert_int_eq(f.kind, ML_FILE_SKIPPED);
	ck_assert_ptr_nonnull(strstr(f.skip, "cockroach"));
	ck_assert_ptr_nonnull(strstr(classify_in("pop", "migrations", "14_f.oracle.up.sql", &root).skip, "oracle"));
	f = classify_in("pop", "migrations", "11_c.postgres.autocommit.up.sql", &root);
	ck_assert_int_eq(f.kind, ML_FILE_MIGRATION);
	ck_assert_int_eq(f.transaction, 0);
	ml_section s[ML_MAX_SECTIONS];
	cut_in("pop", &root, &f, "CREATE INDEX CONCURRENTLY i ON a (id);\n", s);
	ck_assert(!s[0].in_transaction);
	f = classify_in("pop", "migrations", "12_d.autocommit.down.sql", &root);
	ck_assert_int_eq(f.transaction, 0);
	ck_assert_int_eq(f.direction, ML_DIRECTION_DOWN);
	ck_assert_int_eq(classify_in("pop", "migrations", "15_g.up.fizz.sql", &root).kind, ML_FILE_SKIPPED);
	ck_assert_int_eq(classify_in("pop", "migrations", "16_a.b.up.sql", &root).kind, ML_FILE_SKIPPED);
	const char *why;
	ck_assert_str_eq(detected("migrations", &why), "pop");
	project_remove();
}
END_TEST

START_TEST(flyway_names_order_and_transactions)
{
	project_make();
	put("sql/V1__init.sql", "CREATE TABLE t (a int);\n");
	put("sql/V2__idx.sql", "CREATE INDEX CONCURRENTLY i ON t (a);\n");
	put("sql/V3__forced.sql", "CREATE INDEX CONCURRENTLY j ON t (a);\n");
	put("sql/V3__forced.sql.conf", "# forced\nexecuteInTransaction = true\n");
	put("sql/V10__off.sql", "SELECT 1;\n");
	put("sql/V10__off.sql.conf", "executeInTransaction=false\n");
	put("sql/nested/V1_1__sub.sql", "SELECT 1;\n");
	ml_tool_root root;
	ml_migration_file f = classify_in("flyway", "sql", "V10__off.sql", &root);
	ck_assert_str_eq(f.version, "10");
	ck_assert_int_eq(f.transaction, 0);
	ck_assert_int_lt(ml_version_compare(classify_in("flyway", "sql", "V2__idx.sql", &root).version, f.version), 0);
	f = classify_in("flyway", "sql", "nested/V1_1__sub.sql", &root);
	ck_assert_str_eq(f.version, "1_1");
	f = classify_in("flyway", "sql", "U2__idx.sql", &root);
	ck_assert_int_eq(f.direction, ML_DIRECTION_DOWN);
	ck_assert_str_eq(f.version, "2");
	f = classify_in("flyway", "sql", "R__views.sql", &root);
	ck_assert_int_eq(f.group, 1);
	ck_assert_ptr_null(f.version);
	ck_assert_str_eq(f.name, "views");
	f = classify_in("flyway", "sql", "beforeMigrate.sql", &root);
	ck_assert_int_eq(f.kind, ML_FILE_SKIPPED);
	ck_assert_ptr_nonnull(strstr(f.skip, "callback"));
	ck_assert_ptr_nonnull(strstr(classify_in("flyway", "sql", "afterEachMigrate__grants.sql", &root).skip, "callback"));
	ck_assert_ptr_nonnull(strstr(classify_in("flyway", "sql", "B5__base.sql", &root).skip, "baseline"));
	ck_assert_int_eq(classify_in("flyway", "sql", "V__x.sql", &root).kind, ML_FILE_SKIPPED);
	ck_assert_int_eq(classify_in("flyway", "sql", "v1__x.sql", &root).kind, ML_FILE_SKIPPED);

	/* Flyway's own detection of statements that cannot run in a transaction. */
	ml_section s[ML_MAX_SECTIONS];
	static const struct {
		const char *sql;
		bool in_transaction;
	} CASES[] = {
		{ "CREATE TABLE x (a int);\nCREATE INDEX i ON x (a);\n", true },
		{ "-- CREATE INDEX CONCURRENTLY in a comment\nCREATE INDEX i ON x (a);\n", true },
		{ "INSERT INTO x VALUES ('CREATE INDEX CONCURRENTLY');\n", true },
		{ "create unique index concurrently i on x (a);\n", false },
		{ "DROP INDEX CONCURRENTLY IF EXISTS i;\n", false },
		{ "VACUUM ANALYZE x;\n", false },
		{ "ALTER SYSTEM SET work_mem = '64MB';\n", false },
		{ "CREATE DATABASE d;\n", false },
		{ "DROP TABLESPACE s;\n", false },
		{ "REINDEX VERBOSE SCHEMA s;\n", false },
		{ "REINDEX TABLE CONCURRENTLY x;\n", true }, /* Flyway does not see this one */
		{ "DISCARD ALL;\n", false },
		{ "UPDATE x SET a = 1;\nCREATE INDEX CONCURRENTLY i ON x (a);\n", false }, /* mixed */
	};
	f = classify_in("flyway", "sql", "V2__idx.sql", &root);
	for (size_t i = 0; i < sizeof(CASES) / sizeof(*CASES); i++) {
		ck_assert_uint_eq(cut_in("flyway", &root, &f, CASES[i].sql, s), 1);
		ck_assert_msg(s[0].in_transaction == CASES[i].in_transaction, "%s", CASES[i].sql);
	}
	ck_assert_ptr_nonnull(strstr(s[0].why, "mixed=true"));
	/* The script config wins over the detection, both ways. */
	f = classify_in("flyway", "sql", "V3__forced.sql", &root);
	cut_in("flyway", &root, &f, "CREATE INDEX CONCURRENTLY j ON t (a);\n", s);
	ck_assert(s[0].in_transaction);
	f = classify_in("flyway", "sql", "V10__off.sql", &root);
	cut_in("flyway", &root, &f, "SELECT 1;\n", s);
	ck_assert(!s[0].in_transaction);

	/* The project config turns it off for every migration. */
	f = classify_in("flyway", "sql", "V1__init.sql", &root);
	cut_in("flyway", &root, &f, "SELECT 1;\n", s);
	ck_assert(s[0].in_transaction);
	const char *why;
	ck_assert_str_eq(detected("sql", &why), "flyway");
	put("flyway.toml", "[flyway]\nexecuteInTransaction = false\n");
	f = classify_in("flyway", "sql", "V1__init.sql", &root);
	cut_in("flyway", &root, &f, "SELECT 1;\n", s);
	ck_assert(!s[0].in_transaction);
	ck_assert_str_eq(detected("sql", &why), "flyway");
	ck_assert_ptr_nonnull(strstr(why, "config"));
	project_remove();
}
END_TEST

/* The shared layouts: VERSION_name.up.sql is golang-migrate's unless
 * pop's or sqlx's own marks are there. */
START_TEST(detection_tells_the_up_down_tools_apart)
{
	const char *why;
	project_make();
	put("gm/1_a.up.sql", "CREATE TABLE a (id int);\n");
	put("gm/1_a.down.sql", "DROP TABLE a;\n");
	put("gm/2_b.up.sql", "SELECT 1;\n");
	ck_assert_str_eq(detected("gm", &why), "golang-migrate");

	put("pop/20200101000000_a.up.sql", "SELECT 1;\n");
	put("pop/20200101000001_b.postgres.up.sql", "SELECT 1;\n");
	ck_assert_str_eq(detected("pop", &why), "pop");
	put("popa/1_a.autocommit.up.sql", "SELECT 1;\n");
	ck_assert_str_eq(detected("popa", &why), "pop");
	put("popy/migrations/1_a.up.sql", "SELECT 1;\n");
	put("popy/database.yml", "development:\n  dialect: postgres\n");
	ck_assert_str_eq(detected("popy/migrations", &why), "pop");

	put("sqlx/1_a.up.sql", "SELECT 1;\n");
	put("sqlx/2_i.up.sql", "-- no-transaction\nCREATE INDEX CONCURRENTLY i ON a (id);\n");
	ck_assert_str_eq(detected("sqlx", &why), "sqlx");
	put("rust/migrations/20240101000000_init.sql", "CREATE TABLE a (id int);\n");
	put("rust/Cargo.toml", "[dependencies]\nsqlx = { version = \"0.7\", features = [\"postgres\"] }\n");
	ck_assert_str_eq(detected("rust/migrations", &why), "sqlx");
	/* A flat folder of VERSION_name.sql without any tool's mark: plain. */
	put("flat/1_a.sql", "CREATE TABLE a (id int);\n");
	ck_assert_str_eq(detected("flat", &why), "plain");

	put("sm/1_a.sql", "-- +migrate Up\nSELECT 1;\n");
	ck_assert_str_eq(detected("sm", &why), "sql-migrate");
	put("fw/V1__a.sql", "SELECT 1;\n");
	ck_assert_str_eq(detected("fw", &why), "flyway");
	project_remove();
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
	tcase_add_test(tc, scan_skips_comments_and_quotes);
	tcase_add_test(tc, golang_migrate_files_and_implicit_transaction);
	tcase_add_test(tc, sqlx_no_transaction_on_the_first_bytes);
	tcase_add_test(tc, dbmate_sections_and_string_order);
	tcase_add_test(tc, sql_migrate_sections_exactly_as_written);
	tcase_add_test(tc, pop_dialects_autocommit_and_order);
	tcase_add_test(tc, flyway_names_order_and_transactions);
	tcase_add_test(tc, detection_tells_the_up_down_tools_apart);
	suite_add_tcase(s, tc);
	return s;
}
