/*
 * test_code_refs.c - the scan of the application's code (src/run/code_refs.c)
 * on temporary trees: a run is given column checks by hand, as
 * dropped-column-still-referenced leaves them, and the scan is asked where
 * the code still uses each column. Whole words, the table's singular and
 * CamelCase forms, Rails ignored_columns and the migralint: column-removed
 * comment, what is skipped (binary files, hidden and dependency folders,
 * excluded globs, the run's migrations), unreadable files and paths, links,
 * the message and the removal of a finding no code uses. tests/references/
 * and tests/cli_test.sh cover the same end to end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "code_refs.h"
#include "run.h"
#include "unit.h"

static char root[64];

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	chmod(path, 0700);
	return remove(path);
}

static void tree_setup(void)
{
	snprintf(root, sizeof(root), "/tmp/migralint-code-refs-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void tree_teardown(void)
{
	nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* root/rel, in a static buffer (one of a few). */
static const char *at(const char *rel)
{
	static char bufs[4][256];
	static int next;
	char *b = bufs[next++ % 4];
	snprintf(b, sizeof(bufs[0]), "%s/%s", root, rel);
	return b;
}

/* Writes len bytes of text (-1: strlen) to root/rel, making its folders. */
static void put_n(const char *rel, const char *text, long len)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *s = path + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fwrite(text, 1, len < 0 ? strlen(text) : (size_t)len, f);
	fclose(f);
}

static void put(const char *rel, const char *text)
{
	put_n(rel, text, -1);
}

/* A run scanning root (or the given paths) with jobs threads. */
static ml_run *new_run_with(const char *const *refs, size_t n, const char *const *exclude, size_t n_exclude, int jobs)
{
	ml_options opts;
	ml_options_init(&opts);
	opts.references = refs;
	opts.n_references = n;
	opts.references_exclude = exclude;
	opts.n_references_exclude = n_exclude;
	opts.jobs = jobs;
	ml_run *run = ml_run_new(&opts);
	ck_assert_ptr_nonnull(run);
	return run;
}

static const char *root_ref[1];

static ml_run *new_run(void)
{
	root_ref[0] = root;
	return new_run_with(root_ref, 1, NULL, 0, 0);
}

/* A finding about table.column, as the rule leaves it: a diagnostic of the
 * run and a column check pointing at it. */
static ml_diagnostic *add_check(ml_run *run, const char *schema, const char *table, const char *column,
				bool only_if_used)
{
	ml_diagnostic *d = ml_arena_alloc(run->arena, sizeof(*d));
	d->rule = "dropped-column-still-referenced";
	d->severity = ML_SEVERITY_ERROR;
	d->path = "db/migrations/0004_drop.sql";
	d->line = d->column = d->end_line = d->end_column = 1;
	d->message = ml_arena_printf(run->arena, "dropping %s.%s", table, column);
	d->direction = "up";
	ml_ptr_vec_push(run->arena, &run->diagnostics, d);
	ml_column_check *c = ml_arena_alloc(run->arena, sizeof(*c));
	*c = (ml_column_check){ .diagnostic = d, .schema = schema, .table = table, .column = column,
				.only_if_used = only_if_used };
	ml_ptr_vec_push(run->arena, &run->column_checks, c);
	return d;
}

/* The code references of d as "path:line" below root, joined with " ". */
static const char *uses(const ml_diagnostic *d)
{
	static char out[8192];
	size_t used = 0;
	out[0] = '\0';
	size_t skip = strlen(root) + 1;
	for (size_t i = 0; i < d->n_references; i++) {
		const ml_reference *r = &d->references[i];
		if (strcmp(r->kind, "code"))
			continue;
		ck_assert_str_eq(r->effect, "uses");
		ck_assert_ptr_null(r->name);
		const char *p = !strncmp(r->path, root, skip - 1) ? r->path + skip : r->path;
		used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s:%d", used ? " " : "", p, r->line);
	}
	return out;
}

/* The text of d's first code reference. */
static const char *first_text(const ml_diagnostic *d)
{
	for (size_t i = 0; i < d->n_references; i++)
		if (!strcmp(d->references[i].kind, "code"))
			return d->references[i].text;
	return NULL;
}

/* Is d among the run's diagnostics (sorted, as callers see them)? */
static bool reported(ml_run *run, const char *message_start)
{
	size_t n;
	const ml_diagnostic *all = ml_run_diagnostics(run, &n);
	for (size_t i = 0; i < n; i++)
		if (!strncmp(all[i].message, message_start, strlen(message_start)))
			return true;
	return false;
}

START_TEST(a_use_is_the_column_in_a_file_naming_its_table)
{
	put("app/models/user.rb", "class User < ApplicationRecord\n"
				  "  validates :email, presence: true\n"
				  "  def display\n"
				  "    legacy_name || email\n"
				  "  end\n"
				  "  # legacy_name_old and my_legacy_name are other words\n"
				  "  LEGACY_NAME = 1 # case does not matter; legacy_name twice on a line is one use\n"
				  "end\n");
	put("app/helpers/text.rb", "# formats legacy_name for display, but names no table\n");
	ml_run *run = new_run();
	ml_diagnostic *d = add_check(run, "", "users", "legacy_name", false);
	ml_run_check_code_references(run);
	ck_assert_str_eq(uses(d), "app/models/user.rb:4 app/models/user.rb:7");
	ck_assert_str_eq(first_text(d), "legacy_name || email");
	ck_assert_int_eq(ml_run_input_errors(run), 0);
	ml_run_free(run);
}
END_TEST

START_TEST(five_languages)
{
	/* Go: a struct with db tags, its table named in a query. */
	put("go/user.go", "package store\n\n"
			  "type User struct {\n"
			  "\tID         int64  `db:\"id\"`\n"
			  "\tLegacyName string `db:\"legacy_name\"`\n"
			  "}\n\n"
			  "const q = `SELECT id FROM users`\n");
	/* Django, with its db_table. */
	put("py/models.py", "from django.db import models\n\n"
			    "class Account(models.Model):\n"
			    "    legacy_name = models.TextField()\n\n"
			    "    class Meta:\n"
			    "        db_table = \"users\"\n");
	/* SQLAlchemy. */
	put("py/orm.py", "class Member(Base):\n"
			 "    __tablename__ = 'users'\n"
			 "    legacyName = Column('legacy_name', String)\n");
	/* Prisma: the model's @map and @@map. */
	put("prisma/schema.prisma", "model Person {\n"
				    "  id         Int     @id\n"
				    "  legacyName String? @map(\"legacy_name\")\n"
				    "  @@map(\"users\")\n"
				    "}\n");
	/* Drizzle (TypeScript). */
	put("ts/schema.ts", "export const users = pgTable('users', {\n"
			    "  id: serial('id').primaryKey(),\n"
			    "  legacyName: text('legacy_name'),\n"
			    "});\n");
	ml_run *run = new_run();
	ml_diagnostic *d = add_check(run, "public", "users", "legacy_name", true);
	ml_run_check_code_references(run);
	ck_assert_str_eq(uses(d), "go/user.go:5 prisma/schema.prisma:3 py/models.py:4 py/orm.py:3 ts/schema.ts:3");
	ck_assert(reported(run, "dropping users.legacy_name; still used at "));
	ml_run_free(run);
}
END_TEST

START_TEST(table_forms)
{
	static const struct {
		const char *table, *words;
	} CASES[] = {
		{ "users", "users user" },
		{ "categories", "categories category categorie" },
		{ "addresses", "addresses address addresse" },
		{ "statuses", "statuses status statuse" },
		{ "boxes", "boxes box boxe" },
		{ "profiles", "profiles profile" },
		{ "user_profiles", "user_profiles userprofiles user_profile userprofile" },
		{ "People", "people person" },
		{ "order_items", "order_items orderitems order_item orderitem" },
		{ "status", "status" },
		{ "address", "address" },
		{ "analysis", "analysis" },
		{ "user-profiles", "" }, /* not a word: cannot be looked for */
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof(CASES) / sizeof(*CASES); i++) {
		char words[16][ML_CODE_WORD_MAX + 1], joined[1024] = "";
		size_t n = ml_code_table_words(CASES[i].table, words, 16);
		for (size_t k = 0; k < n; k++)
			snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s", k ? " " : "", words[k]);
		ck_assert_msg(!strcmp(joined, CASES[i].words), "%s: %s", CASES[i].table, joined);
	}
	char words[2][ML_CODE_WORD_MAX + 1];
	ck_assert_uint_eq(ml_code_column_words("Legacy_Name", words, 2), 2);
	ck_assert_str_eq(words[0], "legacy_name");
	ck_assert_str_eq(words[1], "legacyname");
	ck_assert_uint_eq(ml_code_column_words("email", words, 2), 1);
}
END_TEST

START_TEST(singular_and_camel_case_tables_in_code)
{
	put("app/category.rb", "class Category < ApplicationRecord\n  scope :shown, -> { where(legacy_flag: true) }\nend\n");
	put("app/address.ts", "export class Address {\n  legacyFlag?: boolean;\n}\n");
	put("app/status.go", "type Status struct {\n\tLegacyFlag bool\n}\n");
	put("app/profile.kt", "data class UserProfile(val legacyFlag: Boolean)\n");
	put("app/other.py", "class Categorical:\n    legacy_flag = True\n"); /* Categorical is another word */
	ml_run *run = new_run();
	ml_diagnostic *category = add_check(run, "", "categories", "legacy_flag", false);
	ml_diagnostic *addr = add_check(run, "", "addresses", "legacy_flag", false);
	ml_diagnostic *st = add_check(run, "", "statuses", "legacy_flag", false);
	ml_diagnostic *prof = add_check(run, "", "user_profiles", "legacy_flag", false);
	ml_run_check_code_references(run);
	ck_assert_str_eq(uses(category), "app/category.rb:2");
	ck_assert_str_eq(uses(addr), "app/address.ts:2");
	ck_assert_str_eq(uses(st), "app/status.go:2");
	ck_assert_str_eq(uses(prof), "app/profile.kt:1");
	ml_run_free(run);
}
END_TEST

START_TEST(rails_ignored_columns_is_not_a_use)
{
	put("app/models/user.rb", "class User < ApplicationRecord\n"
				  "  self.ignored_columns += %w[legacy_name]\n"
				  "end\n");
	put("app/models/account.rb", "class Account < ApplicationRecord\n"
				     "  self.table_name = 'users'\n"
				     "  self.ignored_columns = [\n"
				     "    \"legacy_name\",\n"
				     "    \"other\",\n"
				     "  ]\n"
				     "  def shown = legacy_name # a use after the statement\n"
				     "end\n");
	put("app/models/member.rb", "class Member < ApplicationRecord\n"
				    "  self.table_name = \"users\"\n"
				    "  self.ignored_columns +=\n"
				    "    %i(legacy_name)\n"
				    "end\n");
	ml_run *run = new_run();
	ml_diagnostic *d = add_check(run, "", "users", "legacy_name", true);
	ml_run_check_code_references(run);
	ck_assert_str_eq(uses(d), "app/models/account.rb:7");
	ml_run_free(run);
}
END_TEST

START_TEST(the_column_removed_comment_is_not_a_use)
{
	put("a/user.go", "type User struct {\n"
			 "\t// migralint: column-removed users.legacy_name\n"
			 "\tLegacyName string `db:\"legacy_name\"`\n"
			 "\tNickname string `db:\"nickname\"`\n"
			 "}\n");
	put("b/schema.prisma", "model User {\n"
			       "  legacyName String? @map(\"legacy_name\") // migralint: column-removed public.users.legacy_name\n"
			       "  nickname   String?\n"
			       "  @@map(\"users\")\n"
			       "}\n");
	/* Another schema's table, another column, and a later line: uses. */
	put("c/user.py", "class User:  # table users\n"
			 "    legacy_name = Column()  # migralint: column-removed billing.users.legacy_name\n"
			 "    nickname = Column()  # migralint: column-removed users.legacy_name\n"
			 "    # migralint: column-removed users.legacy_name, users.nickname\n"
			 "\n"
			 "    alias = legacy_name\n");
	/* The marker alone does not name the table for the rest of the file. */
	put("d/notes.py", "# migralint: column-removed users.legacy_name\nx = 1\nprint(legacy_name)\n");
	ml_run *run = new_run();
	ml_diagnostic *legacy = add_check(run, "public", "users", "legacy_name", false);
	ml_diagnostic *nick = add_check(run, "", "users", "nickname", false);
	ml_run_check_code_references(run);
	ck_assert_str_eq(uses(legacy), "c/user.py:2 c/user.py:6");
	ck_assert_str_eq(uses(nick), "a/user.go:4 b/schema.prisma:3 c/user.py:3");
	ml_run_free(run);
}
END_TEST

START_TEST(binary_files_are_skipped)
{
	static char bin[20000];
	memset(bin, ' ', sizeof(bin));
	const char *text = "users legacy_name\n";
	memcpy(bin + 100, text, strlen(text));
	bin[50] = '\0';
	put_n("app/logo.png", bin, sizeof(bin));
	/* A NUL past the first 8 KiB: text with a stray byte, still read. */
	memset(bin, ' ', sizeof(bin));
	memcpy(bin + 100, text, strlen(text));
	bin[ML_CODE_BINARY_PROBE + 10] = '\0';
	put_n("app/dump.txt", bin, sizeof(bin));
	ml_run *run = new_run();
	ml_diagnostic *d = add_check(run, "", "users", "legacy_name", false);
	ml_run_check_code_references(run);
	ck_assert_str_eq(uses(d), "app/dump.txt:1");
	ml_run_free(run);
}
END_TEST

START_TEST(dependency_and_hidden_folders_are_skipped)
{
	const char *use = "SELECT legacy_name FROM users\n";
	put("node_modules/orm/index.js", use);
	put("web/node_modules/x/y.js", use);
	put("vendor/bundle/gem.rb", use);
	put("venv/lib/python3.11/site-packages/pkg/mod.py", use);
	put(".git/objects/ab", use);
	put(".venv/lib/x.py", use);
	put("app/.hidden.rb", use);
	put("app/query.sql", use);
	ml_run *run = new_run();
	ml_diagnostic *d = add_check(run, "", "users", "legacy_name", false);
	ml_run_check_code_references(run);
	ck_assert_str_eq(uses(d), "app/query.sql:1");
	ml_run_free(run);
}
END_TEST

START_TEST(excluded_globs_are_skipped)
{
	const char *use = "SELECT legacy_name FROM users\n";
	put("app/a.sql", use);
	put("app/legacy/b.sql", use);
	put("app/c_test.go", use);
	put("db/migrate/0001_users.rb", use);
	put("lib/d.sql", use);
	root_ref[0] = root;
	/* Matched below the reference path, or against the path as shown
	 * (here absolute). */
	char shown[128];
	snprintf(shown, sizeof(shown), "%s/lib/*.sql", root);
	const char *const exclude[] = { "app/legacy", "**/*_test.go", "./db/migrate/", shown };
	ml_run *run = new_run_with(root_ref, 1, exclude, 4, 0);
	ml_diagnostic *d = add_check(run, "", "users", "legacy_name", false);
	ml_run_check_code_references(run);
	ck_assert_str_eq(uses(d), "app/a.sql:1");
	ml_run_free(run);
}
END_TEST

START_TEST(the_runs_migrations_are_skipped)
{
	const char *use = "ALTER TABLE users ADD COLUMN legacy_name text;\n";
	put("db/migrations/0001_add.sql", use);       /* linted: skipped by device and inode */
	put("db/old/0000_init.sql", use);             /* linted too */
	/* and 0003_later.sql below: in a folder of the run's migrations, not
	 * linted, a migration all the same: skipped */
	put("db/old/notes.md", "users.legacy_name is going\n"); /* but not the rest */
	put("app/q.sql", "SELECT legacy_name FROM users;\n");
	put("tools/drop.psql", use);                 /* linted, whatever its name */
	put("tools/fix.psql", use);                  /* not linted: code */
	ml_run *run = new_run();
	ml_run_lint_path(run, at("db/migrations/0001_add.sql"));
	ml_run_lint_path(run, at("tools/drop.psql"));
	ml_run_lint_path(run, at("db/old/0000_init.sql"));
	put("db/old/0003_later.sql", use);
	ml_diagnostic *d = add_check(run, "", "users", "legacy_name", false);
	ml_run_check_code_references(run);
	ck_assert_str_eq(uses(d), "app/q.sql:1 db/old/notes.md:1 tools/fix.psql:1");
	ml_run_free(run);
}
END_TEST

START_TEST(context_files_are_skipped)
{
	put("db/context/0001_add.sql", "ALTER TABLE users ADD COLUMN legacy_name text;\n");
	put("db/now/0002_other.sql", "SELECT 1;\n");
	put("app/q.sql", "SELECT legacy_name FROM users;\n");
	const char *context[1] = { at("db/context") };
	root_ref[0] = root;
	ml_options opts;
	ml_options_init(&opts);
	opts.references = root_ref;
	opts.n_references = 1;
	opts.context = context;
	opts.n_context = 1;
	ml_run *run = ml_run_new(&opts);
	ml_run_lint_path(run, at("db/now/0002_other.sql"));
	ml_diagnostic *d = add_check(run, "", "users", "legacy_name", false);
	ml_run_check_code_references(run);
	ck_assert_str_eq(uses(d), "app/q.sql:1");
	ml_run_free(run);
}
END_TEST

START_TEST(only_if_used_without_a_use_is_removed)
{
	put("app/user.rb", "class User\n  def name = legacy_name\nend\n");
	ml_run *run = new_run();
	ml_diagnostic *used = add_check(run, "", "users", "legacy_name", true);
	add_check(run, "", "users", "unused_column", true);
	ml_diagnostic *kept = add_check(run, "", "users", "other_unused", false);
	size_t n;
	ml_run_diagnostics(run, &n); /* a sorted copy made before the scan */
	ck_assert_uint_eq(n, 3);
	ml_run_check_code_references(run);
	const ml_diagnostic *all = ml_run_diagnostics(run, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert(reported(run, "dropping users.legacy_name; still used at "));
	ck_assert(!reported(run, "dropping users.unused_column"));
	ck_assert(reported(run, "dropping users.other_unused"));
	ck_assert_uint_eq(kept->n_references, 0);
	ck_assert_str_eq(kept->message, "dropping users.other_unused");
	ck_assert_str_eq(uses(used), "app/user.rb:2");
	(void)all;
	/* Only the checks not looked at yet are looked at by a later call. */
	ml_run_check_code_references(run);
	ck_assert_str_eq(uses(used), "app/user.rb:2");
	ml_run_free(run);
}
END_TEST

START_TEST(the_message_names_two_uses_then_counts)
{
	put("a/one.rb", "class User\n  legacy_name\nend\n");
	put("b/two.rb", "class User\n  legacy_name\nend\n");
	put("c/three.rb", "class User\n  legacy_name\n  x = legacy_name\nend\n");
	root_ref[0] = at("a");
	const char *two[2] = { at("a"), at("b") };
	const char *all[1] = { root };
	ml_run *run = new_run_with(root_ref, 1, NULL, 0, 0);
	ml_diagnostic *d = add_check(run, "", "users", "legacy_name", false);
	size_t n;
	ml_run_diagnostics(run, &n); /* a sorted copy made before the scan */
	ml_run_check_code_references(run);
	ck_assert(reported(run, "dropping users.legacy_name; still used at ")); /* not the old copy */
	char want[PATH_MAX * 4];
	snprintf(want, sizeof(want), "dropping users.legacy_name; still used at %s/a/one.rb:2", root);
	ck_assert_str_eq(d->message, want);
	ml_run_free(run);

	run = new_run_with(two, 2, NULL, 0, 0);
	d = add_check(run, "", "users", "legacy_name", false);
	ml_run_check_code_references(run);
	snprintf(want, sizeof(want), "dropping users.legacy_name; still used at %s/a/one.rb:2 and %s/b/two.rb:2", root,
		 root);
	ck_assert_str_eq(d->message, want);
	ml_run_free(run);

	run = new_run_with(all, 1, NULL, 0, 0);
	d = add_check(run, "", "users", "legacy_name", false);
	/* The rule's own references stay first. */
	ml_reference *view = ml_arena_alloc(run->arena, sizeof(*view));
	*view = (ml_reference){ .kind = "view", .name = "user_names", .effect = "fails", .path = "db/v.sql", .line = 4 };
	d->references = view;
	d->n_references = 1;
	ml_run_check_code_references(run);
	snprintf(want, sizeof(want), "dropping users.legacy_name; still used at %s/a/one.rb:2, %s/b/two.rb:2 and 2 more",
		 root, root);
	ck_assert_str_eq(d->message, want);
	ck_assert_uint_eq(d->n_references, 5);
	ck_assert_str_eq(d->references[0].kind, "view");
	ck_assert_str_eq(uses(d), "a/one.rb:2 b/two.rb:2 c/three.rb:2 c/three.rb:3");
	ml_run_free(run);
}
END_TEST

START_TEST(paths_are_shown_as_named)
{
	put("app/models/user.rb", "class User\n  legacy_name\nend\n");
	char cwd[PATH_MAX];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(root), 0);
	const char *refs[3] = { "app", "./app/models/", "app/models/user.rb" };
	for (int i = 0; i < 3; i++) {
		ml_run *run = new_run_with(&refs[i], 1, NULL, 0, 0);
		ml_diagnostic *d = add_check(run, "", "users", "legacy_name", false);
		ml_run_check_code_references(run);
		static const char *const WANT[3] = { "app/models/user.rb", "./app/models/user.rb", "app/models/user.rb" };
		ck_assert_uint_eq(d->n_references, 1);
		ck_assert_str_eq(d->references[0].path, WANT[i]);
		ml_run_free(run);
	}
	ck_assert_int_eq(chdir(cwd), 0);
}
END_TEST

START_TEST(a_long_line_is_cut_around_the_use)
{
	char line[1200];
	memset(line, 'a', sizeof(line));
	memcpy(line, "const users = 1; ", 17);
	memcpy(line + 600, " legacy_name ", 13);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	put("app/bundle.min.js", line);
	ml_run *run = new_run();
	ml_diagnostic *d = add_check(run, "", "users", "legacy_name", false);
	ml_run_check_code_references(run);
	const char *text = first_text(d);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(strstr(text, "legacy_name"));
	ck_assert(!strncmp(text, "...", 3));
	ck_assert(!strcmp(text + strlen(text) - 3, "..."));
	ck_assert_uint_le(strlen(text), ML_CODE_TEXT_MAX + 6);
	ml_run_free(run);
}
END_TEST

START_TEST(a_missing_path_is_an_input_error_and_the_rest_is_scanned)
{
	put("app/q.sql", "SELECT legacy_name FROM users;\n");
	const char *refs[2] = { at("nowhere"), at("app") };
	ml_run *run = new_run_with(refs, 2, NULL, 0, 0);
	ml_diagnostic *d = add_check(run, "", "users", "legacy_name", false);
	ml_run_check_code_references(run);
	ck_assert_str_eq(uses(d), "app/q.sql:1");
	size_t n;
	const ml_input_error *errors = ml_run_input_error_list(run, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(errors[0].path, at("nowhere"));
	ck_assert_str_eq(errors[0].reason, "No such file or directory");
	/* Reported once, however often the run looks. */
	add_check(run, "", "users", "other", false);
	ml_run_check_code_references(run);
	ml_run_input_error_list(run, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(ml_run_exit_status(run), ML_EXIT_INPUT_ERROR);
	ml_run_free(run);

	/* With nothing to look for, a wrong path is still found. */
	run = new_run_with(refs, 2, NULL, 0, 0);
	ml_run_check_code_references(run);
	errors = ml_run_input_error_list(run, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(errors[0].path, at("nowhere"));
	ml_run_free(run);
}
END_TEST

START_TEST(an_unreadable_file_is_an_input_error_once)
{
	put("app/a.sql", "SELECT legacy_name FROM users;\n");
	put("app/locked.sql", "SELECT legacy_name FROM users;\n");
	put("app/z.sql", "SELECT legacy_name FROM users;\n");
	put("closed/x.sql", "SELECT legacy_name FROM users;\n");
	chmod(at("app/locked.sql"), 0);
	chmod(at("closed"), 0);
	chmod(root, 0755);
	/* Root reads everything: the scan runs as nobody in a child. */
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (geteuid() == 0 && setresuid(65534, 65534, 65534) != 0)
			_exit(10);
		ml_run *run = new_run();
		ml_diagnostic *d = add_check(run, "", "users", "legacy_name", false);
		ml_run_check_code_references(run);
		size_t n;
		const ml_input_error *e = ml_run_input_error_list(run, &n);
		if (strcmp(uses(d), "app/a.sql:1 app/z.sql:1"))
			_exit(11);
		/* in the order of the walk */
		if (n != 2 || strcmp(e[0].path, at("app/locked.sql")) || strcmp(e[0].reason, "Permission denied") ||
		    strcmp(e[1].path, at("closed")) || strcmp(e[1].reason, "Permission denied"))
			_exit(12);
		add_check(run, "", "users", "nickname", false);
		ml_run_check_code_references(run);
		ml_run_input_error_list(run, &n);
		_exit(n == 2 ? 0 : 13);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
}
END_TEST

START_TEST(links_loop_and_leave_without_harm)
{
	put("app/q.sql", "SELECT legacy_name FROM users;\n");
	put("outside/secret.sql", "SELECT legacy_name FROM users;\n");
	ck_assert_int_eq(symlink("..", at("app/up")), 0);                /* out of the path */
	ck_assert_int_eq(mkdir(at("app/sub"), 0755), 0);
	ck_assert_int_eq(symlink("..", at("app/sub/loop")), 0);          /* a loop inside */
	ck_assert_int_eq(symlink(at("outside"), at("app/out")), 0);     /* out of the path */
	ck_assert_int_eq(symlink("q.sql", at("app/same.sql")), 0);      /* inside: followed, the same file */
	ck_assert_int_eq(symlink("../outside/secret.sql", at("app/sub/s.sql")), 0); /* out */
	ck_assert_int_eq(symlink("nowhere", at("app/dangling.sql")), 0);
	ck_assert_int_eq(symlink("self", at("app/self")), 0);
	mkfifo(at("app/fifo.sql"), 0644);
	root_ref[0] = at("app");
	ml_run *run = new_run_with(root_ref, 1, NULL, 0, 0);
	ml_diagnostic *d = add_check(run, "", "users", "legacy_name", false);
	ml_run_check_code_references(run);
	ck_assert_str_eq(uses(d), "app/q.sql:1"); /* same.sql is the same file: once */
	ck_assert_int_eq(ml_run_input_errors(run), 0);
	ml_run_free(run);
}
END_TEST

START_TEST(the_same_for_any_number_of_threads)
{
	for (int i = 0; i < 600; i++) {
		char rel[64], text[160];
		snprintf(rel, sizeof(rel), "pkg%d/file%03d.%s", i % 7, i, i % 2 ? "rb" : "go");
		snprintf(text, sizeof(text), "%s\nx = %s\n", i % 3 ? "class User" : "// nothing", i % 5 ? "legacy_name" : "other");
		put(rel, text);
	}
	char first[8192] = "";
	for (int jobs = 1; jobs <= 4; jobs *= 2) {
		root_ref[0] = root;
		ml_run *run = new_run_with(root_ref, 1, NULL, 0, jobs);
		ml_diagnostic *d = add_check(run, "", "users", "legacy_name", false);
		ml_run_check_code_references(run);
		ck_assert_uint_eq(d->n_references, 320);
		if (jobs == 1)
			snprintf(first, sizeof(first), "%s", uses(d));
		else
			ck_assert_str_eq(uses(d), first);
		ml_run_free(run);
	}
}
END_TEST

START_TEST(large_files_are_read_whole_up_to_the_limit)
{
	/* 300 KB: read in several rounds; the use is at the end. */
	static char big[300000];
	memset(big, ' ', sizeof(big));
	for (size_t i = 80; i < sizeof(big); i += 81)
		big[i] = '\n';
	const char *tail = "\nSELECT legacy_name FROM users;\n";
	memcpy(big + sizeof(big) - strlen(tail), tail, strlen(tail));
	put_n("app/big.sql", big, sizeof(big));
	put_n("app/huge.sql", big, sizeof(big));
	root_ref[0] = root;
	ml_options opts;
	ml_options_init(&opts);
	opts.references = root_ref;
	opts.n_references = 1;
	ml_run *run = ml_run_new(&opts);
	ml_diagnostic *d = add_check(run, "", "users", "legacy_name", false);
	ml_run_check_code_references(run);
	ck_assert_str_eq(uses(d), "app/big.sql:3705 app/huge.sql:3705");
	ck_assert_int_eq(ml_run_input_errors(run), 0);
	ml_run_free(run);

	/* Past --max-input-size: an input error naming it; the rest is read. */
	opts.max_input_size = 100000;
	put("app/small.sql", "SELECT legacy_name FROM users;\n");
	run = ml_run_new(&opts);
	d = add_check(run, "", "users", "legacy_name", false);
	ml_run_check_code_references(run);
	ck_assert_str_eq(uses(d), "app/small.sql:1");
	size_t n;
	const ml_input_error *e = ml_run_input_error_list(run, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(e[0].path, at("app/big.sql"));
	ck_assert_str_eq(e[0].reason, "larger than max_input_size: not scanned (exclude it in \"references\")");
	ck_assert_str_eq(e[1].path, at("app/huge.sql"));
	ml_run_free(run);
}
END_TEST

START_TEST(a_name_that_is_not_a_word_keeps_the_finding)
{
	put("app/q.sql", "SELECT \"legacy name\" FROM users;\n");
	ml_run *run = new_run();
	ml_diagnostic *d = add_check(run, "", "users", "legacy name", true);
	ml_run_check_code_references(run);
	ck_assert_uint_eq(d->n_references, 0);
	ck_assert(reported(run, "dropping users.legacy name"));
	ml_run_free(run);
}
END_TEST

/* ---- reports ------------------------------------------------------------ */

/* The report of run in format, malloc'd. */
static char *report(ml_run *run, ml_format format)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ml_run_write_report(run, format, f, false), 0);
	fclose(f);
	return out;
}

/* A run with one finding that a view and two lines of code still use. */
static ml_run *run_with_references(void)
{
	put("app/user.rb", "class User\n  def shown = legacy_name\n  validates :legacy_name\nend\n");
	ml_run *run = new_run();
	ml_diagnostic *d = add_check(run, "", "users", "legacy_name", true);
	ml_reference *view = ml_arena_alloc(run->arena, sizeof(*view));
	*view = (ml_reference){ .kind = "view", .name = "user_names", .effect = "fails",
				.path = "db/migrations/0003_views.sql", .line = 4 };
	d->references = view;
	d->n_references = 1;
	add_check(run, "", "users", "unused", false); /* no reference: nothing listed */
	ml_run_check_code_references(run);
	ck_assert_uint_eq(d->n_references, 3);
	return run;
}

START_TEST(text_lists_each_reference_under_the_finding)
{
	ml_run *run = run_with_references();
	char *text = report(run, ML_FORMAT_TEXT);
	char want[1024];
	snprintf(want, sizeof(want),
		 "db/migrations/0004_drop.sql:1:1: error[dropped-column-still-referenced]: dropping users.legacy_name; "
		 "still used at %s/app/user.rb:2 and %s/app/user.rb:3\n"
		 "  view user_names at db/migrations/0003_views.sql:4 (the statement fails)\n"
		 "  still used at %s/app/user.rb:2: def shown = legacy_name\n"
		 "  still used at %s/app/user.rb:3: validates :legacy_name\n\n",
		 root, root, root, root);
	ck_assert_msg(strstr(text, want), "%s", text);
	ck_assert_msg(strstr(text, "dropping users.unused\n\n"), "%s", text);
	free(text);

	text = report(run, ML_FORMAT_GCC);
	snprintf(want, sizeof(want),
		 "[dropped-column-still-referenced]\n"
		 "db/migrations/0003_views.sql:4:1: note: view user_names (the statement fails) [dropped-column-still-referenced]\n"
		 "%s/app/user.rb:2:1: note: still used here: def shown = legacy_name [dropped-column-still-referenced]\n"
		 "%s/app/user.rb:3:1: note: still used here: validates :legacy_name [dropped-column-still-referenced]\n"
		 "db/migrations/0004_drop.sql:1:1: error: dropping users.unused [dropped-column-still-referenced]\n",
		 root, root);
	ck_assert_msg(strstr(text, want), "%s", text);
	free(text);
	ml_run_free(run);
}
END_TEST

START_TEST(json_and_sarif_carry_the_references)
{
	ml_run *run = run_with_references();
	char *text = report(run, ML_FORMAT_JSON);
	cJSON *doc = cJSON_Parse(text);
	ck_assert_ptr_nonnull(doc);
	cJSON *diags = cJSON_GetObjectItem(doc, "diagnostics");
	ck_assert_int_eq(cJSON_GetArraySize(diags), 2);
	cJSON *refs = cJSON_GetObjectItem(cJSON_GetArrayItem(diags, 0), "references");
	ck_assert_int_eq(cJSON_GetArraySize(refs), 3);
	cJSON *view = cJSON_GetArrayItem(refs, 0), *code = cJSON_GetArrayItem(refs, 2);
	ck_assert_str_eq(cJSON_GetObjectItem(view, "kind")->valuestring, "view");
	ck_assert_str_eq(cJSON_GetObjectItem(view, "name")->valuestring, "user_names");
	ck_assert_str_eq(cJSON_GetObjectItem(view, "effect")->valuestring, "fails");
	ck_assert_int_eq(cJSON_GetObjectItem(view, "line")->valueint, 4);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(view, "text")));
	ck_assert_str_eq(cJSON_GetObjectItem(code, "kind")->valuestring, "code");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(code, "name")));
	ck_assert_str_eq(cJSON_GetObjectItem(code, "effect")->valuestring, "uses");
	ck_assert_str_eq(cJSON_GetObjectItem(code, "path")->valuestring, at("app/user.rb"));
	ck_assert_int_eq(cJSON_GetObjectItem(code, "line")->valueint, 3);
	ck_assert_str_eq(cJSON_GetObjectItem(code, "text")->valuestring, "validates :legacy_name");
	/* A finding without references has no "references". */
	ck_assert_ptr_null(cJSON_GetObjectItem(cJSON_GetArrayItem(diags, 1), "references"));
	cJSON_Delete(doc);
	free(text);

	text = report(run, ML_FORMAT_SARIF);
	doc = cJSON_Parse(text);
	ck_assert_ptr_nonnull(doc);
	cJSON *results = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "runs"), 0), "results");
	cJSON *related = cJSON_GetObjectItem(cJSON_GetArrayItem(results, 0), "relatedLocations");
	ck_assert_int_eq(cJSON_GetArraySize(related), 3);
	cJSON *first = cJSON_GetArrayItem(related, 0), *last = cJSON_GetArrayItem(related, 2);
	ck_assert_int_eq(cJSON_GetObjectItem(first, "id")->valueint, 1);
	cJSON *loc = cJSON_GetObjectItem(first, "physicalLocation");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(loc, "artifactLocation"), "uri")->valuestring,
			 "db/migrations/0003_views.sql");
	ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(loc, "region"), "startLine")->valueint, 4);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(first, "message"), "text")->valuestring,
			 "view user_names (the statement fails)");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(last, "message"), "text")->valuestring,
			 "still used here: validates :legacy_name");
	loc = cJSON_GetObjectItem(last, "physicalLocation");
	ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(loc, "region"), "startLine")->valueint, 3);
	ck_assert_ptr_null(cJSON_GetObjectItem(cJSON_GetArrayItem(results, 1), "relatedLocations"));
	cJSON_Delete(doc);
	free(text);
	ml_run_free(run);
}
END_TEST

START_TEST(markdown_github_and_gitlab_mention_them)
{
	ml_run *run = run_with_references();
	char *text = report(run, ML_FORMAT_MARKDOWN);
	char want[1024];
	snprintf(want, sizeof(want),
		 "**Still used by:**\n\n"
		 "- view `user_names` at `db/migrations/0003_views.sql:4` (the statement fails)\n"
		 "- code at `%s/app/user.rb:2`: `def shown = legacy_name`\n"
		 "- code at `%s/app/user.rb:3`: `validates :legacy_name`\n",
		 root, root);
	ck_assert_msg(strstr(text, want), "%s", text);
	free(text);

	text = report(run, ML_FORMAT_GITHUB);
	snprintf(want, sizeof(want), "%%0A  view user_names at db/migrations/0003_views.sql:4 (the statement fails)"
				     "%%0A  still used at %s/app/user.rb:2: def shown = legacy_name",
		 root);
	ck_assert_msg(strstr(text, want), "%s", text);
	free(text);

	text = report(run, ML_FORMAT_GITLAB);
	cJSON *doc = cJSON_Parse(text);
	ck_assert_ptr_nonnull(doc);
	const char *body = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(doc, 0), "content"), "body")
				   ->valuestring;
	snprintf(want, sizeof(want), "Still used by:\n- ` view user_names at db/migrations/0003_views.sql:4 (the statement "
				     "fails) `\n- ` still used at %s/app/user.rb:2: def shown = legacy_name `",
		 root);
	ck_assert_msg(strstr(body, want), "%s", body);
	cJSON_Delete(doc);
	free(text);
	ml_run_free(run);
}
END_TEST

START_TEST(fingerprints_leave_out_the_uses_in_code)
{
	/* The same finding with one use, then two: a use that comes or goes
	 * is not a new finding for code scanning. */
	put("app/user.rb", "class User\n  legacy_name\nend\n");
	ml_run *run = new_run();
	add_check(run, "", "users", "legacy_name", false);
	ml_run_check_code_references(run);
	char *one = report(run, ML_FORMAT_SARIF);
	ml_run_free(run);
	put("app/user.rb", "class User\n  legacy_name\n  x = legacy_name\nend\n");
	run = new_run();
	add_check(run, "", "users", "legacy_name", false);
	ml_run_check_code_references(run);
	char *two = report(run, ML_FORMAT_SARIF);
	ml_run_free(run);
	const char *a = strstr(one, "migralintFingerprint/v1"), *b = strstr(two, "migralintFingerprint/v1");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert(!strncmp(a, b, 50));
	ck_assert_ptr_nonnull(strstr(two, "and "));
	free(one);
	free(two);
}
END_TEST

START_TEST(many_references_are_counted_past_the_first_twenty)
{
	ml_strbuf code = { .arena = arena };
	ml_strbuf_str(&code, "class User\n");
	for (int i = 0; i < 25; i++)
		ml_strbuf_str(&code, "  legacy_name\n");
	put("app/user.rb", code.data);
	ml_run *run = new_run();
	ml_diagnostic *d = add_check(run, "", "users", "legacy_name", false);
	ml_run_check_code_references(run);
	ck_assert_uint_eq(d->n_references, 25);
	ck_assert_msg(strstr(d->message, ":3 and 23 more"), "%s", d->message);
	char *text = report(run, ML_FORMAT_TEXT);
	ck_assert_msg(strstr(text, "app/user.rb:21: legacy_name\n  ... and 5 more (--format json lists them all)\n"), "%s",
		      text);
	ck_assert_ptr_null(strstr(text, "app/user.rb:22:"));
	free(text);
	ml_run_free(run);
}
END_TEST

Suite *code_refs_suite(void)
{
	Suite *s = suite_create("code_refs");
	TCase *tc = tcase_create("scan");
	tcase_add_checked_fixture(tc, tree_setup, tree_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, a_use_is_the_column_in_a_file_naming_its_table);
	tcase_add_test(tc, five_languages);
	tcase_add_test(tc, table_forms);
	tcase_add_test(tc, singular_and_camel_case_tables_in_code);
	tcase_add_test(tc, rails_ignored_columns_is_not_a_use);
	tcase_add_test(tc, the_column_removed_comment_is_not_a_use);
	tcase_add_test(tc, binary_files_are_skipped);
	tcase_add_test(tc, dependency_and_hidden_folders_are_skipped);
	tcase_add_test(tc, excluded_globs_are_skipped);
	tcase_add_test(tc, the_runs_migrations_are_skipped);
	tcase_add_test(tc, context_files_are_skipped);
	tcase_add_test(tc, only_if_used_without_a_use_is_removed);
	tcase_add_test(tc, the_message_names_two_uses_then_counts);
	tcase_add_test(tc, paths_are_shown_as_named);
	tcase_add_test(tc, a_long_line_is_cut_around_the_use);
	tcase_add_test(tc, a_missing_path_is_an_input_error_and_the_rest_is_scanned);
	tcase_add_test(tc, an_unreadable_file_is_an_input_error_once);
	tcase_add_test(tc, links_loop_and_leave_without_harm);
	tcase_add_test(tc, the_same_for_any_number_of_threads);
	tcase_add_test(tc, a_name_that_is_not_a_word_keeps_the_finding);
	tcase_add_test(tc, large_files_are_read_whole_up_to_the_limit);
	suite_add_tcase(s, tc);
	tc = tcase_create("reports");
	tcase_add_checked_fixture(tc, tree_setup, tree_teardown);
	tcase_add_checked_fixture(tc, arena_setup, arena_teardown);
	tcase_add_test(tc, text_lists_each_reference_under_the_finding);
	tcase_add_test(tc, json_and_sarif_carry_the_references);
	tcase_add_test(tc, markdown_github_and_gitlab_mention_them);
	tcase_add_test(tc, fingerprints_leave_out_the_uses_in_code);
	tcase_add_test(tc, many_references_are_counted_past_the_first_twenty);
	suite_add_tcase(s, tc);
	return s;
}
