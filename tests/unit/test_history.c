/*
 * test_history.c - the migration tool presets (src/history/): version
 * order, each preset's reading of names and its cutting of a file into up
 * and down steps with their transactions. The projects under
 * tests/projects/ cover the same end to end (tests/projects_test.sh).
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

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
	ml_tool_classify(t, arena, &root, relpath, &f);
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

/* ---- temp folders ------------------------------------------------------- */

/* Writes files (relpath, text, ..., NULL) under a new temp folder, making
 * subfolders as needed; returns the folder (static buffer per call site:
 * the caller passes dir of at least 64 bytes). */
static const char *make_tree(char *dir, const char *const *files)
{
	strcpy(dir, "/tmp/migralint-history-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (size_t i = 0; files[i]; i += 2) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		for (char *slash = strchr(path + strlen(dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
			*slash = '\0';
			mkdir(path, 0755);
			*slash = '/';
		}
		FILE *f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fputs(files[i + 1], f);
		fclose(f);
	}
	return dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The preset ml_tool_detect picks for the folder path, and its score. */
static const ml_tool *detect_in(const char *path, int *score)
{
	ml_tool_dir dir;
	ck_assert_int_eq(ml_tool_dir_read(arena, path, &dir), 0);
	const char *why = NULL;
	const ml_tool *t = ml_tool_detect(&dir, &why);
	ck_assert_ptr_nonnull(why);
	*score = t->detect ? t->detect(&dir, &why) : 0;
	return t;
}

/* Classifies relpath with the preset named tool against the opened root. */
static ml_migration_file classify_at(const char *tool, const ml_tool_root *root, const char *relpath)
{
	ml_migration_file f;
	ml_tool_classify(ml_tool_find(tool), arena, root, relpath, &f);
	return f;
}

static ml_tool_root open_at(const char *tool, const char *path)
{
	ml_tool_root root = { .path = path };
	const ml_tool *t = ml_tool_find(tool);
	if (t->open_root)
		t->open_root(arena, &root);
	return root;
}

/* The steps must cover text in order without overlapping, and a step's own
 * text must be the file's length with its line breaks where the file's are. */
static void check_steps(const char *text, const ml_section *s, size_t n)
{
	size_t len = strlen(text);
	ck_assert_uint_ge(n, 1);
	ck_assert_uint_eq(s[0].start, 0);
	ck_assert_uint_eq(s[n - 1].end, len);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_le(s[i].start, s[i].end);
		if (i)
			ck_assert_uint_eq(s[i].start, s[i - 1].end);
		ck_assert_ptr_nonnull(s[i].why);
		if (s[i].text) {
			ck_assert_uint_eq(strlen(s[i].text), len);
			for (size_t k = 0; k < len; k++)
				ck_assert((text[k] == '\n') == (s[i].text[k] == '\n'));
		}
	}
}

/* The non-blank words of a step's own text, joined by single spaces. */
static const char *words(const char *t)
{
	static char buf[1024];
	size_t n = 0;
	for (const char *p = t; *p && n + 2 < sizeof(buf); p++) {
		if (*p == ' ' || *p == '\n') {
			if (n && buf[n - 1] != ' ')
				buf[n++] = ' ';
			continue;
		}
		buf[n++] = *p;
	}
	while (n && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	return buf;
}

/* ---- liquibase ------------------------------------------------------------ */

START_TEST(liquibase_cuts_changesets_and_rollbacks)
{
	const char *text = "--liquibase formatted sql\n"
			   "\n"
			   "--changeset alice:1\n"
			   "CREATE TABLE t (id int);\n"
			   "--rollback DROP TABLE t;\n"
			   "\n"
			   "-- changeset alice:2 runInTransaction:false\n"
			   "CREATE INDEX CONCURRENTLY i ON t (id);\n"
			   "--rollback DROP INDEX CONCURRENTLY i;\n"
			   "--changeset bob:3 dbms:mysql\n"
			   "ALTER TABLE t ENGINE = InnoDB;\n"
			   "--changeset bob:4 dbms:postgresql,h2\n"
			   "ALTER TABLE t ADD COLUMN a int;\n"
			   "--rollback not required\n";
	ml_section s[ML_MAX_SECTIONS];
	size_t n = cut("liquibase", "V1__t.sql", text, s);
	ck_assert_uint_eq(n, 6);
	check_steps(text, s, n);
	/* alice:1 with the preamble, then its rollback. */
	ck_assert_int_eq(s[0].direction, ML_DIRECTION_UP);
	ck_assert(s[0].in_transaction);
	ck_assert(s[0].new_migration);
	ck_assert_ptr_null(s[0].text);
	ck_assert_uint_eq(s[0].end, strstr(text, "--rollback DROP TABLE") - text);
	ck_assert_int_eq(s[1].direction, ML_DIRECTION_DOWN);
	ck_assert(s[1].in_transaction);
	ck_assert_str_eq(words(s[1].text), "DROP TABLE t;");
	size_t drop = strstr(text, "DROP TABLE t;") - text;
	ck_assert(!strncmp(s[1].text + drop, "DROP TABLE t;", 13)); /* at the file's offset */
	ck_assert_uint_eq(s[1].end, strstr(text, "-- changeset alice:2") - text);
	/* alice:2 opts out of the transaction, for its rollback too. */
	ck_assert(!s[2].in_transaction);
	ck_assert_str_eq(s[2].why, "--changeset ... runInTransaction:false");
	ck_assert_int_eq(s[3].direction, ML_DIRECTION_DOWN);
	ck_assert(!s[3].in_transaction);
	ck_assert_str_eq(words(s[3].text), "DROP INDEX CONCURRENTLY i;");
	/* bob:3 is MySQL's: nothing of it is linted. */
	ck_assert_ptr_nonnull(s[4].text);
	ck_assert_str_eq(words(s[4].text), "");
	/* bob:4 runs on PostgreSQL; "not required" is no rollback. */
	ck_assert_ptr_null(s[5].text);
	ck_assert_int_eq(s[5].direction, ML_DIRECTION_UP);
}
END_TEST

START_TEST(liquibase_reads_rollback_blocks_and_raw_files)
{
	const char *text = "--liquibase formatted sql\n"
			   "--changeset a:1\n"
			   "CREATE TABLE t (id int);\n"
			   "/* liquibase rollback\n"
			   "DROP TABLE t;\n"
			   "*/\n";
	ml_section s[ML_MAX_SECTIONS];
	size_t n = cut("liquibase", "1.sql", text, s);
	ck_assert_uint_eq(n, 2);
	check_steps(text, s, n);
	ck_assert_str_eq(words(s[1].text), "DROP TABLE t;");

	/* Without the header: one raw changeset, in a transaction. */
	const char *raw = "CREATE TABLE u (id int);\n--changeset a:1\nSELECT 1;\n";
	n = cut("liquibase", "2.sql", raw, s);
	ck_assert_uint_eq(n, 1);
	ck_assert(s[0].in_transaction);
	/* A header but no changeset yet: one step. */
	ck_assert_uint_eq(cut("liquibase", "3.sql", "--liquibase formatted sql\nSELECT 1;\n", s), 1);
}
END_TEST

START_TEST(liquibase_orders_by_name_as_includeall_does)
{
	char dir[64];
	static const char *const FILES[] = {
		"V2__b.sql", "--liquibase formatted sql\n--changeset a:2\nSELECT 1;\n",
		"V10__c.sql", "--liquibase formatted sql\n--changeset a:10\nSELECT 1;\n",
		"V1__a.sql", "--liquibase formatted sql\n--changeset a:1\nSELECT 1;\n",
		NULL,
	};
	make_tree(dir, FILES);
	int score;
	ck_assert_str_eq(detect_in(dir, &score)->name, "liquibase");
	ck_assert_int_eq(score, 90);
	ml_tool_root root = open_at("liquibase", dir);
	/* Liquibase sorts the names as text ('0' < '_'): V10, V1, V2. */
	ck_assert_int_eq(classify_at("liquibase", &root, "V10__c.sql").plan_index, 0);
	ck_assert_int_eq(classify_at("liquibase", &root, "V1__a.sql").plan_index, 1);
	ck_assert_int_eq(classify_at("liquibase", &root, "V2__b.sql").plan_index, 2);
	ck_assert_int_eq(classify_at("liquibase", &root, "sub/x.sql").kind, ML_FILE_SKIPPED);
	remove_tree(dir);
}
END_TEST

/* ---- sqitch ----------------------------------------------------------------- */

START_TEST(sqitch_orders_by_plan_and_skips_verify)
{
	char dir[64];
	static const char *const FILES[] = {
		"sqitch.plan",
		"%syntax-version=1.0.0\n"
		"%project=flipr\n"
		"\n"
		"# the schema first\n"
		"zschema 2024-01-01T00:00:00Z Ann <ann@example.com> # schema\n"
		"users [zschema] 2024-01-02T00:00:00Z Ann <ann@example.com> # users\n"
		"@v1.0 2024-01-03T00:00:00Z Ann <ann@example.com> # tag\n"
		"+audit [users] 2024-01-04T00:00:00Z Ann <ann@example.com>\n"
		"users [users@v1.0] 2024-01-05T00:00:00Z Ann <ann@example.com> # reworked\n",
		"deploy/zschema.sql", "BEGIN;\nCREATE SCHEMA app;\nCOMMIT;\n",
		"deploy/users.sql", "BEGIN;\nALTER TABLE users ADD COLUMN b int;\nCOMMIT;\n",
		"deploy/users@v1.0.sql", "BEGIN;\nCREATE TABLE users (id int);\nCOMMIT;\n",
		"deploy/audit.sql", "BEGIN;\nSELECT 1;\nCOMMIT;\n",
		"deploy/stray.sql", "SELECT 1;\n",
		"revert/users.sql", "BEGIN;\nALTER TABLE users DROP COLUMN b;\nCOMMIT;\n",
		"verify/users.sql", "SELECT id FROM users WHERE false;\n",
		NULL,
	};
	make_tree(dir, FILES);
	int score;
	ck_assert_str_eq(detect_in(dir, &score)->name, "sqitch");
	ck_assert_int_eq(score, 95);
	ml_tool_root root = open_at("sqitch", dir);
	ck_assert_ptr_nonnull(root.data);
	ck_assert_ptr_null(root.note);
	ml_migration_file f = classify_at("sqitch", &root, "deploy/zschema.sql");
	ck_assert_int_eq(f.kind, ML_FILE_MIGRATION);
	ck_assert_int_eq(f.plan_index, 0); /* first in the plan, last by name */
	ck_assert_int_eq(f.transaction, 0);
	ck_assert_int_eq(classify_at("sqitch", &root, "deploy/users@v1.0.sql").plan_index, 1);
	ck_assert_int_eq(classify_at("sqitch", &root, "deploy/audit.sql").plan_index, 2);
	ck_assert_int_eq(classify_at("sqitch", &root, "deploy/users.sql").plan_index, 3);
	ml_migration_file r = classify_at("sqitch", &root, "revert/users.sql");
	ck_assert_int_eq(r.direction, ML_DIRECTION_DOWN);
	ck_assert_int_eq(r.plan_index, 3);
	ml_migration_file v = classify_at("sqitch", &root, "verify/users.sql");
	ck_assert_int_eq(v.kind, ML_FILE_SKIPPED);
	ck_assert_ptr_nonnull(strstr(v.skip, "verify"));
	ck_assert_int_eq(classify_at("sqitch", &root, "deploy/stray.sql").kind, ML_FILE_SKIPPED);
	ck_assert_int_eq(classify_at("sqitch", &root, "deploy/users@v9.sql").kind, ML_FILE_SKIPPED);
	ck_assert_int_eq(classify_at("sqitch", &root, "sql/x.sql").kind, ML_FILE_SKIPPED);

	/* Without a plan: a note, and the scripts in name order. */
	unlink(ml_arena_printf(arena, "%s/sqitch.plan", dir));
	ck_assert_str_eq(detect_in(dir, &score)->name, "sqitch");
	ck_assert_int_eq(score, 60);
	ml_tool_root bare = open_at("sqitch", dir);
	ck_assert_ptr_nonnull(bare.note);
	f = classify_at("sqitch", &bare, "deploy/stray.sql");
	ck_assert_int_eq(f.kind, ML_FILE_MIGRATION);
	ck_assert_int_eq(f.plan_index, -1);
	remove_tree(dir);
}
END_TEST

/* ---- prisma ------------------------------------------------------------------ */

START_TEST(prisma_one_statement_runs_outside_a_transaction)
{
	ml_migration_file f = classify("prisma", "20240101120000_add_index/migration.sql");
	ck_assert_int_eq(f.kind, ML_FILE_MIGRATION);
	ck_assert_str_eq(f.version, "20240101120000");
	ck_assert_int_eq(classify("prisma", "20240101120000_add_index/notes.sql").kind, ML_FILE_SKIPPED);
	ck_assert_int_eq(classify("prisma", "migration.sql").kind, ML_FILE_SKIPPED);

	ml_section s[ML_MAX_SECTIONS];
	ck_assert_uint_eq(cut("prisma", "1_x/migration.sql", "-- CreateIndex\nCREATE INDEX CONCURRENTLY i ON t (a);\n", s),
			  1);
	ck_assert(!s[0].in_transaction);
	ck_assert_uint_eq(cut("prisma", "1_x/migration.sql",
			      "-- AlterTable\nALTER TABLE t ADD COLUMN b int;\n-- CreateIndex\nCREATE INDEX i ON t (b);\n", s),
			  1);
	ck_assert(s[0].in_transaction);
	ck_assert_int_eq(s[0].direction, ML_DIRECTION_UP);
	/* A semicolon in a string is no second statement. */
	ck_assert_uint_eq(cut("prisma", "1_x/migration.sql", "COMMENT ON TABLE t IS 'a; b';\n", s), 1);
	ck_assert(!s[0].in_transaction);
}
END_TEST

START_TEST(prisma_detection)
{
	char dir[64];
	static const char *const FILES[] = {
		"20240101120000_init/migration.sql", "CREATE TABLE t (id int);\n",
		"20240202120000_more/migration.sql", "ALTER TABLE t ADD COLUMN a int;\n",
		NULL,
	};
	make_tree(dir, FILES);
	int score;
	ck_assert_str_eq(detect_in(dir, &score)->name, "prisma");
	ck_assert_int_eq(score, 70);
	FILE *lock = fopen(ml_arena_printf(arena, "%s/migration_lock.toml", dir), "w");
	ck_assert_ptr_nonnull(lock);
	fputs("provider = \"postgresql\"\n", lock);
	fclose(lock);
	ck_assert_str_eq(detect_in(dir, &score)->name, "prisma");
	ck_assert_int_eq(score, 95);
	remove_tree(dir);
}
END_TEST

/* ---- drizzle ----------------------------------------------------------------- */

START_TEST(drizzle_orders_by_journal)
{
	char dir[64];
	/* The journal, not the names, gives the order: here 0010 before 0002. */
	static const char *const FILES[] = {
		"meta/_journal.json",
		"{\"version\":\"7\",\"dialect\":\"postgresql\",\"entries\":["
		"{\"idx\":0,\"version\":\"7\",\"when\":1700000000000,\"tag\":\"0000_init\",\"breakpoints\":true},"
		"{\"idx\":1,\"version\":\"7\",\"when\":1700000000001,\"tag\":\"0010_late\",\"breakpoints\":true},"
		"{\"idx\":2,\"version\":\"7\",\"when\":1700000000002,\"tag\":\"0002_early\",\"breakpoints\":true}]}",
		"0000_init.sql", "CREATE TABLE t (id int);\n--> statement-breakpoint\nCREATE TABLE u (id int);\n",
		"0010_late.sql", "ALTER TABLE t ADD COLUMN a int;\n",
		"0002_early.sql", "ALTER TABLE u ADD COLUMN b int;\n",
		"0003_orphan.sql", "DROP TABLE t;\n",
		NULL,
	};
	make_tree(dir, FILES);
	int score;
	ck_assert_str_eq(detect_in(dir, &score)->name, "drizzle");
	ck_assert_int_eq(score, 95);
	ml_tool_root root = open_at("drizzle", dir);
	ck_assert_ptr_null(root.note);
	ml_migration_file f = classify_at("drizzle", &root, "0000_init.sql");
	ck_assert_int_eq(f.plan_index, 0);
	ck_assert_int_eq(f.transaction, 1);
	ck_assert_str_eq(f.version, "0000");
	ck_assert_int_eq(classify_at("drizzle", &root, "0010_late.sql").plan_index, 1);
	ck_assert_int_eq(classify_at("drizzle", &root, "0002_early.sql").plan_index, 2);
	ml_migration_file orphan = classify_at("drizzle", &root, "0003_orphan.sql");
	ck_assert_int_eq(orphan.kind, ML_FILE_SKIPPED);
	ck_assert_ptr_nonnull(strstr(orphan.skip, "_journal.json"));
	ck_assert_int_eq(classify_at("drizzle", &root, "meta/x.sql").kind, ML_FILE_SKIPPED);

	/* A broken journal: a note, and the files in version order. */
	FILE *j = fopen(ml_arena_printf(arena, "%s/meta/_journal.json", dir), "w");
	fputs("{\"entries\": [", j);
	fclose(j);
	ml_tool_root broken = open_at("drizzle", dir);
	ck_assert_ptr_nonnull(broken.note);
	f = classify_at("drizzle", &broken, "0003_orphan.sql");
	ck_assert_int_eq(f.kind, ML_FILE_MIGRATION);
	ck_assert_int_eq(f.plan_index, -1);
	remove_tree(dir);
}
END_TEST

/* ---- alembic ----------------------------------------------------------------- */

START_TEST(alembic_cuts_revisions_of_one_transaction)
{
	/* alembic upgrade --sql with transaction_per_migration = False. */
	const char *text = "BEGIN;\n\n"
			   "CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL\n);\n\n"
			   "-- Running upgrade  -> 1975ea83b712\n\n"
			   "CREATE TABLE account (id SERIAL NOT NULL);\n\n"
			   "INSERT INTO alembic_version (version_num) VALUES ('1975ea83b712');\n\n"
			   "-- Running upgrade 1975ea83b712 -> ae1027a6acf\n\n"
			   "ALTER TABLE account ADD COLUMN last_transaction_date TIMESTAMP WITHOUT TIME ZONE;\n\n"
			   "UPDATE alembic_version SET version_num='ae1027a6acf' WHERE alembic_version.version_num = "
			   "'1975ea83b712';\n\n"
			   "COMMIT;\n\n";
	ml_section s[ML_MAX_SECTIONS];
	size_t n = cut("alembic", "upgrade.sql", text, s);
	ck_assert_uint_eq(n, 2);
	check_steps(text, s, n);
	ck_assert_str_eq(s[0].version, "1975ea83b712");
	ck_assert_str_eq(s[1].version, "ae1027a6acf");
	ck_assert_uint_eq(s[1].start, strstr(text, "-- Running upgrade 1975") - text);
	for (size_t i = 0; i < n; i++) {
		ck_assert(!s[i].in_transaction);
		ck_assert(s[i].new_migration);
		ck_assert_int_eq(s[i].direction, ML_DIRECTION_UP);
		ck_assert_ptr_nonnull(strstr(s[i].why, "all revisions"));
	}
}
END_TEST

START_TEST(alembic_per_migration_and_downgrade)
{
	/* transaction_per_migration = True: each revision's BEGIN; is its own. */
	const char *text = "BEGIN;\n\nCREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);\n\n"
			   "-- Running upgrade  -> a1\n\nCREATE TABLE t (id int);\n\n"
			   "INSERT INTO alembic_version (version_num) VALUES ('a1');\n\nCOMMIT;\n\n"
			   "BEGIN;\n\n-- Running upgrade a1 -> b2\n\nCREATE INDEX i ON t (id);\n\n"
			   "UPDATE alembic_version SET version_num='b2';\n\nCOMMIT;\n\n";
	ml_section s[ML_MAX_SECTIONS];
	size_t n = cut("alembic", "upgrade.sql", text, s);
	ck_assert_uint_eq(n, 2);
	check_steps(text, s, n);
	ck_assert_uint_eq(s[1].start, strstr(text, "BEGIN;\n\n-- Running upgrade a1") - text);
	ck_assert_ptr_nonnull(strstr(s[0].why, "transaction_per_migration"));
	ck_assert_ptr_nonnull(strstr(s[1].why, "transaction_per_migration"));

	const char *down = "BEGIN;\n\n-- Running downgrade b2 -> a1\n\nDROP INDEX i;\n\n"
			   "-- Running downgrade a1 -> \n\nDROP TABLE t;\n\nDELETE FROM alembic_version;\n\nCOMMIT;\n";
	n = cut("alembic", "downgrade.sql", down, s);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(s[0].direction, ML_DIRECTION_DOWN);
	ck_assert_str_eq(s[0].version, "b2");
	ck_assert_str_eq(s[1].version, "a1");

	/* No revision comment: one step as written. */
	ck_assert_uint_eq(cut("alembic", "x.sql", "SELECT 1;\n", s), 1);
	ck_assert(!s[0].in_transaction);
}
END_TEST

START_TEST(alembic_and_django_detection)
{
	char dir[64];
	static const char *const ALEMBIC[] = {
		"0001_upgrade.sql", "BEGIN;\n-- Running upgrade  -> a1\nCREATE TABLE t (id int);\nCOMMIT;\n",
		NULL,
	};
	make_tree(dir, ALEMBIC);
	int score;
	ck_assert_str_eq(detect_in(dir, &score)->name, "alembic");
	ck_assert_int_eq(score, 90);
	remove_tree(dir);

	static const char *const DJANGO[] = {
		"0001_initial.sql",
		"BEGIN;\n--\n-- Create model Author\n--\nCREATE TABLE \"app_author\" (\"id\" bigint NOT NULL);\nCOMMIT;\n",
		NULL,
	};
	make_tree(dir, DJANGO);
	ck_assert_str_eq(detect_in(dir, &score)->name, "django");
	ck_assert_int_eq(score, 90);
	remove_tree(dir);

	/* pg_dump's comment blocks are not Django's. */
	static const char *const DUMP[] = {
		"dump.sql", "--\n-- PostgreSQL database dump\n--\n\n--\n-- Name: t; Type: TABLE; Schema: public\n--\n"
			    "CREATE TABLE t (id int);\n",
		NULL,
	};
	make_tree(dir, DUMP);
	ck_assert_str_eq(detect_in(dir, &score)->name, "plain");
	remove_tree(dir);
}
END_TEST

/* ---- django ------------------------------------------------------------------- */

START_TEST(django_reads_names)
{
	ml_migration_file f = classify("django", "0002_author_age.sql");
	ck_assert_int_eq(f.kind, ML_FILE_MIGRATION);
	ck_assert_str_eq(f.version, "0002");
	ck_assert_int_eq(f.direction, ML_DIRECTION_UP);
	ck_assert_int_eq(f.transaction, 0);
	ck_assert_str_eq(classify("django", "blog_0010_x.sql").version, "0010");
	ck_assert_int_eq(classify("django", "0002_author_age_backwards.sql").direction, ML_DIRECTION_DOWN);
	ck_assert_int_eq(classify("django", "0002_author_age.down.sql").direction, ML_DIRECTION_DOWN);
	ck_assert_int_eq(classify("django", "app/0001.sql").kind, ML_FILE_SKIPPED);
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
	ml_tool_classify(t, arena, root, relpath, &f);
	return f;
}

/* Cuts text as tool does for file f of root. */
static size_t cut_in(const char *tool, const ml_tool_root *root, const ml_migration_file *f, const char *text,
		     ml_section *out)
{
	const ml_tool *t = ml_tool_find(tool);
	ck_assert_ptr_nonnull(t->sections);
	return t->sections(arena, root, f, text, strlen(text), out, ML_MAX_SECTIONS);
}

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
	/* The splitter keeps a body's and a string's ';' in their statement. */
	ck_assert_uint_eq(cut("golang-migrate", "3_f.up.sql",
			      "/* a; b */ CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN ';'; END $$;\n",
			      s),
			  1);
	ck_assert(!s[0].in_transaction);
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
	/* Sent as one query, two statements are one implicit transaction. */
	cut("sqlx", "3_i.sql", "-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\nSELECT 1;\n", s);
	ck_assert(s[0].in_transaction);
	ck_assert_ptr_nonnull(strstr(s[0].why, "implicit"));
}
END_TEST

START_TEST(dbmate_sections_and_string_order)
{
	const char *text = "-- a comment\n-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n\n"
			   "--migrate:down\nDROP INDEX CONCURRENTLY i;\n";
	ml_section s[ML_MAX_SECTIONS];
	ck_assert_uint_eq(cut("dbmate", "20240101_i.sql", text, s), 2);
	ck_assert_uint_eq(s[0].start, 0); /* the comments before the marker go with the up */
	ck_assert_uint_eq(s[0].end, strstr(text, "--migrate:down") - text);
	check_steps(text, s, 2);
	ck_assert(!s[0].in_transaction);
	ck_assert_int_eq(s[0].direction, ML_DIRECTION_UP);
	ck_assert_int_eq(s[1].direction, ML_DIRECTION_DOWN);
	ck_assert(s[1].in_transaction); /* the option is per section */
	ck_assert_uint_eq(s[1].end, strlen(text));
	/* A transaction:false section is sent as one query: two statements are
	 * one implicit transaction. */
	const char *two = "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\nANALYZE t;\n"
			  "-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY i;\n";
	ck_assert_uint_eq(cut("dbmate", "2_i.sql", two, s), 2);
	ck_assert(s[0].in_transaction);
	ck_assert(!s[1].in_transaction);
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
	check_steps(text, s, 2);
	ck_assert_uint_eq(s[1].start, strstr(text, "-- +migrate Down") - text);
	ck_assert(!s[0].in_transaction);
	ck_assert_int_eq(s[1].direction, ML_DIRECTION_DOWN);
	ck_assert(s[1].in_transaction);
	ck_assert_ptr_null(s[0].text); /* only a comment before the marker: kept */
	/* A statement before the first marker is not run: blanked in the up. */
	const char *early = "DROP TABLE t;\n-- +migrate Up\nSELECT 1;\n";
	ck_assert_uint_eq(cut("sql-migrate", "4_e.sql", early, s), 1);
	check_steps(early, s, 1);
	ck_assert_ptr_nonnull(s[0].text);
	ck_assert_str_eq(words(s[0].text), "-- +migrate Up SELECT 1;");
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
	cut_in("pop", &root, &f, "CREATE INDEX CONCURRENTLY i ON a (id);\nANALYZE a;\n", s);
	ck_assert(s[0].in_transaction); /* one query of two statements */
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
		{ "CREATE /* online */ INDEX\n-- yes\nCONCURRENTLY i ON x (a);\n", false },
		{ "DO $$ BEGIN PERFORM 1; END $$;\nSELECT 'VACUUM';\n", true },
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

/* What each preset says about downs and about a new migration older than
 * the newest applied one (docs/tools.md, "Downs and out-of-order
 * migrations"). A preset missing from the table fails: every tool states
 * its facts. */
START_TEST(every_preset_states_downs_and_out_of_order)
{
	static const struct {
		const char *name;
		ml_tool_downs downs;
		bool by_version;  /* says what it does with an older version */
		bool fails;       /* refuses it by default (no config) */
	} FACTS[] = {
		{ "goose", ML_DOWNS_EXPECTED, true, true },
		{ "dbmate", ML_DOWNS_EXPECTED, true, false },
		{ "golang-migrate", ML_DOWNS_EXPECTED, true, false },
		{ "flyway", ML_DOWNS_WHEN_USED, true, true },
		{ "liquibase", ML_DOWNS_WHEN_USED, false, false },
		{ "sqitch", ML_DOWNS_EXPECTED, false, false },
		{ "sqlx", ML_DOWNS_WHEN_USED, true, false },
		{ "sql-migrate", ML_DOWNS_EXPECTED, true, false },
		{ "diesel", ML_DOWNS_EXPECTED, true, false },
		{ "pop", ML_DOWNS_EXPECTED, true, false },
		{ "prisma", ML_DOWNS_NONE, true, false },
		{ "drizzle", ML_DOWNS_NONE, true, false },
		{ "alembic", ML_DOWNS_NONE, false, false },
		{ "django", ML_DOWNS_NONE, false, false },
		{ "plain", ML_DOWNS_NONE, false, false },
	};
	size_t n = sizeof(FACTS) / sizeof(*FACTS);
	ck_assert_uint_eq(ml_tool_count(), n);
	for (size_t i = 0; i < ml_tool_count(); i++) {
		const ml_tool *t = ml_tool_at(i);
		size_t f = 0;
		while (f < n && strcmp(FACTS[f].name, t->name))
			f++;
		ck_assert_msg(f < n, "%s: no facts in the table", t->name);
		ck_assert_msg(t->downs == FACTS[f].downs, "%s: downs %d", t->name, (int)t->downs);
		ck_assert_msg((t->out_of_order != NULL) == FACTS[f].by_version, "%s: out_of_order", t->name);
		if (t->out_of_order) {
			/* One sentence naming its tool, for a finding's message. */
			ck_assert_msg(!strncasecmp(t->out_of_order, t->name, strlen(t->name)), "%s: %s", t->name,
				      t->out_of_order);
			ck_assert_ptr_null(strchr(t->out_of_order, '\n'));
			ck_assert_ptr_null(strstr(t->out_of_order, ". "));
			ck_assert_int_ne(t->out_of_order[strlen(t->out_of_order) - 1], '.');
		}
		/* Opened on a folder with no config at all: the defaults. */
		ml_tool_root root = { .path = "/nonexistent/migralint-no-such-dir" };
		if (t->open_root)
			t->open_root(arena, &root);
		bool fails = t->out_of_order_fails && t->out_of_order_fails(&root);
		ck_assert_msg(fails == FACTS[f].fails, "%s: fails %d", t->name, fails);
		if (t->out_of_order_fails)
			ck_assert_ptr_nonnull(t->out_of_order);
	}
}
END_TEST

/* Flyway's migrate refuses an out-of-order version unless the project
 * config lets it through; the config forms Flyway reads, each in a fresh
 * project where the migrations are db/sql. */
START_TEST(flyway_reads_out_of_order_from_the_project_config)
{
	static const struct {
		const char *file, *text;
		const char *file2, *text2; /* a second config, or NULL */
		bool fails;
	} CASES[] = {
		{ NULL, NULL, NULL, NULL, true },
		/* flyway.conf beside the migrations, above them, in conf/. */
		{ "db/sql/flyway.conf", "flyway.outOfOrder=true\n", NULL, NULL, false },
		{ "db/flyway.conf", "flyway.url=jdbc:postgresql://db/app\nflyway.outOfOrder = true\n", NULL, NULL, false },
		{ "db/conf/flyway.conf", "flyway.outOfOrder=TRUE\r\n", NULL, NULL, false },
		{ "db/flyway.conf", "flyway.outOfOrder: true\n", NULL, NULL, false },
		{ "db/flyway.conf", "flyway.outOfOrder=false\n", NULL, NULL, true },
		{ "db/flyway.conf", "# flyway.outOfOrder=true\n", NULL, NULL, true },
		{ "db/flyway.conf", "flyway.outOfOrderX=true\n", NULL, NULL, true },
		{ "db/flyway.conf", "outOfOrder=true\n", NULL, NULL, true }, /* no flyway. prefix */
		/* flyway.toml: the [flyway] table, or a dotted key before any table. */
		{ "db/flyway.toml", "[flyway]\nlocations = [\"filesystem:sql\"]\noutOfOrder = true\n", NULL, NULL, false },
		{ "db/sql/flyway.toml", "[ flyway ]\noutOfOrder = true # hotfixes land late\n", NULL, NULL, false },
		{ "db/flyway.toml", "flyway.outOfOrder = true\n[environments.prod]\nurl = \"x\"\n", NULL, NULL, false },
		{ "db/flyway.toml", "[flyway]\noutOfOrder = false\n", NULL, NULL, true },
		{ "db/flyway.toml", "[environments.dev.flyway]\noutOfOrder = true\n", NULL, NULL, true },
		{ "db/flyway.toml", "[environments.dev]\noutOfOrder = true\n[flyway]\nmixed = true\n", NULL, NULL, true },
		{ "db/conf/flyway.toml", "[flyway]\noutOfOrder = true\n", NULL, NULL, false },
		/* The nearer file decides; with a flyway.toml about, no .conf is read. */
		{ "db/sql/flyway.toml", "[flyway]\noutOfOrder = false\n", "db/flyway.toml", "[flyway]\noutOfOrder = true\n",
		  true },
		{ "db/sql/flyway.conf", "flyway.outOfOrder=false\n", "db/flyway.toml", "[flyway]\noutOfOrder = true\n",
		  false },
		{ "db/flyway.conf", "flyway.outOfOrder=true\n", "db/conf/flyway.toml", "[flyway]\nmixed = true\n", true },
		{ "db/flyway.conf", "flyway.outOfOrder=true\n", "db/conf/flyway.conf", "flyway.outOfOrder=false\n",
		  false },
		/* Validation off: nothing fails (the migration is passed over). */
		{ "db/flyway.conf", "flyway.validateOnMigrate=false\n", NULL, NULL, false },
		{ "db/flyway.toml", "[flyway]\nvalidateOnMigrate = true\n", NULL, NULL, true },
		/* Patterns that let validate pass an ignored versioned migration. */
		{ "db/flyway.conf", "flyway.ignoreMigrationPatterns=*:future,versioned:ignored\n", NULL, NULL, false },
		{ "db/flyway.conf", "flyway.ignoreMigrationPatterns=*:future\n", NULL, NULL, true },
		{ "db/flyway.conf", "flyway.ignoreMigrationPatterns=*:future,\\\n    *:ignored\n", NULL, NULL, false },
		{ "db/flyway.conf", "flyway.ignoreMigrationPatterns=*:future\n# *:ignored\n", NULL, NULL, true },
		{ "db/flyway.conf", "flyway.ignoreMigrationPatterns=repeatable:ignored\n", NULL, NULL, true },
		{ "db/flyway.toml", "[flyway]\nignoreMigrationPatterns = [\"*:Ignored\"]\n", NULL, NULL, false },
		{ "db/flyway.toml", "[flyway]\nignoreMigrationPatterns = [\n  \"*:future\",\n  \"versioned:*\",\n]\n",
		  NULL, NULL, false },
		{ "db/flyway.toml", "[flyway]\nignoreMigrationPatterns = [\"*:missing\"] # not ignored ones\n", NULL,
		  NULL, true },
	};
	const ml_tool *flyway = ml_tool_find("flyway");
	ck_assert_ptr_nonnull(flyway->out_of_order_fails);
	for (size_t i = 0; i < sizeof(CASES) / sizeof(*CASES); i++) {
		project_make();
		put("db/sql/V1__init.sql", "CREATE TABLE t (a int);\n");
		if (CASES[i].file)
			put(CASES[i].file, CASES[i].text);
		if (CASES[i].file2)
			put(CASES[i].file2, CASES[i].text2);
		ml_tool_root root;
		classify_in("flyway", "db/sql", "V1__init.sql", &root);
		ck_assert_msg(flyway->out_of_order_fails(&root) == CASES[i].fails, "case %zu: %s %s", i,
			      CASES[i].file ? CASES[i].file : "(no config)", CASES[i].text ? CASES[i].text : "");
		project_remove();
	}

	/* The same reader still finds executeInTransaction in flyway.conf. */
	project_make();
	put("db/sql/V1__init.sql", "SELECT 1;\n");
	put("db/conf/flyway.conf", "flyway.executeInTransaction=false\n");
	ml_tool_root root;
	ml_migration_file f = classify_in("flyway", "db/sql", "V1__init.sql", &root);
	ml_section s[ML_MAX_SECTIONS];
	cut_in("flyway", &root, &f, "SELECT 1;\n", s);
	ck_assert(!s[0].in_transaction);
	ck_assert_str_eq(s[0].why, "conf/flyway.conf: flyway.executeInTransaction=false");
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
	tcase_add_test(tc, liquibase_cuts_changesets_and_rollbacks);
	tcase_add_test(tc, liquibase_reads_rollback_blocks_and_raw_files);
	tcase_add_test(tc, liquibase_orders_by_name_as_includeall_does);
	tcase_add_test(tc, sqitch_orders_by_plan_and_skips_verify);
	tcase_add_test(tc, prisma_one_statement_runs_outside_a_transaction);
	tcase_add_test(tc, prisma_detection);
	tcase_add_test(tc, drizzle_orders_by_journal);
	tcase_add_test(tc, alembic_cuts_revisions_of_one_transaction);
	tcase_add_test(tc, alembic_per_migration_and_downgrade);
	tcase_add_test(tc, alembic_and_django_detection);
	tcase_add_test(tc, django_reads_names);
	tcase_add_test(tc, golang_migrate_files_and_implicit_transaction);
	tcase_add_test(tc, sqlx_no_transaction_on_the_first_bytes);
	tcase_add_test(tc, dbmate_sections_and_string_order);
	tcase_add_test(tc, sql_migrate_sections_exactly_as_written);
	tcase_add_test(tc, pop_dialects_autocommit_and_order);
	tcase_add_test(tc, flyway_names_order_and_transactions);
	tcase_add_test(tc, every_preset_states_downs_and_out_of_order);
	tcase_add_test(tc, flyway_reads_out_of_order_from_the_project_config);
	tcase_add_test(tc, detection_tells_the_up_down_tools_apart);
	suite_add_tcase(s, tc);
	return s;
}
