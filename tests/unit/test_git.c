/*
 * test_git.c - a migration directory at a base commit (src/history/git.c),
 * against throwaway repositories made with the git program in a temporary
 * folder: listing and reading at HEAD and at an older commit, what the
 * listing leaves out, names git and the shell find hard, every error the
 * base can meet (with the fix it names), and a directory large enough that
 * a reader who fed git's stdin before reading its stdout would block.
 * Without git on PATH the suite has no tests and says so.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "git.h"
#include "unit.h"

extern char **environ;

/* The test's temporary folder (HOME too, so no one's git config counts),
 * and the current folder and variables to restore. */
static char tmp[PATH_MAX];
static char saved_cwd[PATH_MAX];
static char *saved_home, *saved_path;

/* Runs argv (argv[0] looked up on PATH) in dir, its stdout into *out when
 * out is not NULL (malloc'd, the last newline cut), else into /dev/null;
 * returns its exit status. */
static int run_in(const char *dir, const char *const *argv, char **out)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (out)
		posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	else
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	/* -C instead of a chdir in the child, which posix_spawn lacks */
	size_t n = 0;
	while (argv[n])
		n++;
	const char **full = calloc(n + 3, sizeof(*full));
	full[0] = argv[0];
	size_t k = 1;
	if (dir && strcmp(argv[0], "git") == 0) {
		full[k++] = "-C";
		full[k++] = dir;
	}
	for (size_t i = 1; i < n; i++)
		full[k++] = argv[i];
	pid_t pid;
	int rc = posix_spawnp(&pid, full[0], &fa, NULL, (char *const *)full, environ);
	posix_spawn_file_actions_destroy(&fa);
	free(full);
	close(fds[1]);
	ck_assert_msg(rc == 0, "cannot run %s: %s", argv[0], strerror(rc));
	size_t len = 0, cap = 256;
	char *buf = malloc(cap);
	ssize_t r;
	while ((r = read(fds[0], buf + len, cap - len - 1)) > 0) {
		len += (size_t)r;
		if (cap - len < 2)
			buf = realloc(buf, cap *= 2);
	}
	close(fds[0]);
	buf[len] = '\0';
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (out)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Runs git in dir with the arguments; the test fails unless it succeeds. */
#define GIT(dir, ...) git_ok(dir, (const char *const[]){ "git", __VA_ARGS__, NULL })
static void git_ok(const char *dir, const char *const *argv)
{
	int status = run_in(dir, argv, NULL);
	ck_assert_msg(status == 0, "git %s %s in %s: status %d", argv[1], argv[2] ? argv[2] : "", dir, status);
}

/* What git printed in dir (malloc'd). */
#define GIT_OUT(dir, ...) git_out(dir, (const char *const[]){ "git", __VA_ARGS__, NULL })
static char *git_out(const char *dir, const char *const *argv)
{
	char *out;
	ck_assert_int_eq(run_in(dir, argv, &out), 0);
	return out;
}

static void commit(const char *repo, const char *message)
{
	GIT(repo, "add", "-A");
	GIT(repo, "-c", "user.name=migralint test", "-c", "user.email=test@migralint.invalid", "commit", "-q",
	    "--allow-empty", "-m", message);
}

/* tmp/rel, in a buffer of the arena. */
static char *at_tmp(const char *rel)
{
	return ml_arena_printf(arena, "%s/%s", tmp, rel);
}

/* Writes len bytes to dir/rel, making its folders. */
static void put(const char *dir, const char *rel, const char *data, size_t len)
{
	char *path = ml_arena_printf(arena, "%s/%s", dir, rel);
	for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		ck_assert_msg(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s", path);
		*s = '/';
	}
	FILE *f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void put_text(const char *dir, const char *rel, const char *text)
{
	put(dir, rel, text, strlen(text));
}

/* A new repository at tmp/name (with branch main); returns its path. */
static char *new_repo(const char *name)
{
	char *repo = at_tmp(name);
	ck_assert_int_eq(mkdir(repo, 0755), 0);
	GIT(repo, "init", "-q", "-b", "main");
	return repo;
}

static bool git_available(void)
{
	pid_t pid;
	char *argv[] = { "git", "--version", NULL };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	int rc = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return false;
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void git_setup(void)
{
	arena_setup();
	strcpy(tmp, "/tmp/migralint-git-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	ck_assert_ptr_nonnull(getcwd(saved_cwd, sizeof(saved_cwd)));
	saved_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	saved_path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	setenv("HOME", tmp, 1);
	setenv("XDG_CONFIG_HOME", tmp, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	/* git looks for a repository no higher than the test's folder */
	setenv("GIT_CEILING_DIRECTORIES", tmp, 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void git_teardown(void)
{
	ck_assert_int_eq(chdir(saved_cwd), 0);
	if (saved_home)
		setenv("HOME", saved_home, 1);
	if (saved_path)
		setenv("PATH", saved_path, 1);
	free(saved_home);
	free(saved_path);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("GIT_CONFIG_NOSYSTEM");
	unsetenv("GIT_CEILING_DIRECTORIES");
	nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	arena_teardown();
}

/* Opens the base; the test fails when it does not open. */
static ml_git_base *open_ok(const char *dir, const char *ref)
{
	ml_git_base *base = NULL;
	const char *error = NULL;
	int rc = ml_git_base_open(arena, dir, ref, &base, &error);
	ck_assert_msg(rc == 0, "open %s at %s: %s", dir, ref, error ? error : "(no message)");
	ck_assert_ptr_nonnull(base);
	return base;
}

/* The error of opening the base, which must fail. */
static const char *open_fails(const char *dir, const char *ref)
{
	ml_git_base *base = NULL;
	const char *error = NULL;
	ck_assert_int_eq(ml_git_base_open(arena, dir, ref, &base, &error), -1);
	ck_assert_ptr_null(base);
	ck_assert_ptr_nonnull(error);
	return error;
}

/* Lists and reads dir at the base; the test fails on an error. */
static ml_git_file *list_read(const ml_git_base *base, const char *dir, size_t *n)
{
	ml_git_file *files;
	const char *error = NULL;
	int rc = ml_git_base_list(base, arena, dir, &files, n, &error);
	ck_assert_msg(rc == 0, "list %s: %s", dir, error ? error : "(no message)");
	rc = ml_git_base_read(base, arena, files, *n, 0, &error);
	ck_assert_msg(rc == 0, "read %s: %s", dir, error ? error : "(no message)");
	return files;
}

/* The files are exactly paths[] with texts[], in that order. */
static void expect_files(const ml_git_file *files, size_t n, const char *const *paths, const char *const *texts)
{
	size_t want = 0;
	while (paths[want])
		want++;
	for (size_t i = 0; i < n && i < want; i++) {
		ck_assert_str_eq(files[i].path, paths[i]);
		ck_assert_ptr_nonnull(files[i].text);
		ck_assert_str_eq(files[i].text, texts[i]);
		/* a text with a NUL inside is compared up to it: the caller
		 * compares the rest */
		if (!memchr(files[i].text, '\0', files[i].len))
			ck_assert_uint_eq(files[i].len, strlen(texts[i]));
		ck_assert_uint_ge(strlen(files[i].oid), 40);
	}
	ck_assert_msg(n == want, "%zu files, expected %zu", n, want);
}

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

START_TEST(lists_and_reads_at_head_and_at_an_older_commit)
{
	char *repo = new_repo("repo");
	put_text(repo, "db/001_users.sql", "create table users (id int);\n");
	put_text(repo, "db/002_posts.sql", "create table posts (id int);\n");
	commit(repo, "first");
	char *first = GIT_OUT(repo, "rev-parse", "HEAD");
	/* later: one removed, one changed, one added */
	ck_assert_int_eq(remove(ml_arena_printf(arena, "%s/db/001_users.sql", repo)), 0);
	put_text(repo, "db/002_posts.sql", "create table posts (id bigint);\n");
	put_text(repo, "db/003_tags.sql", "create table tags (id int);\n");
	commit(repo, "second");
	char *second = GIT_OUT(repo, "rev-parse", "HEAD");
	char *db = ml_arena_printf(arena, "%s/db", repo);

	ml_git_base *head = open_ok(db, "HEAD");
	ck_assert_str_eq(ml_git_base_commit(head), second);
	ck_assert_str_eq(ml_git_base_ref(head), "HEAD");
	size_t n;
	ml_git_file *files = list_read(head, db, &n);
	expect_files(files, n, LIST("002_posts.sql", "003_tags.sql"),
		     LIST("create table posts (id bigint);\n", "create table tags (id int);\n"));

	/* the older commit, by relative name and by hex */
	const char *refs[] = { "HEAD~1", "main^", first };
	for (size_t r = 0; r < 3; r++) {
		ml_git_base *old = open_ok(db, refs[r]);
		ck_assert_str_eq(ml_git_base_commit(old), first);
		files = list_read(old, db, &n);
		expect_files(files, n, LIST("001_users.sql", "002_posts.sql"),
			     LIST("create table users (id int);\n", "create table posts (id int);\n"));
	}
	/* a tag peels to its commit */
	GIT(repo, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "tag", "-a", "-m", "v1", "v1", first);
	ck_assert_str_eq(ml_git_base_commit(open_ok(db, "v1")), first);
	free(first);
	free(second);
}
END_TEST

START_TEST(lists_only_regular_files_below_the_folder)
{
	char *repo = new_repo("repo");
	put_text(repo, "db/a/b/c/deep.sql", "select 1;\n");
	put_text(repo, "db/001.sql", "select 2;\n");
	put_text(repo, "db/run.sh", "#!/bin/sh\n");
	ck_assert_int_eq(chmod(ml_arena_printf(arena, "%s/db/run.sh", repo), 0755), 0);
	ck_assert_int_eq(symlink("001.sql", ml_arena_printf(arena, "%s/db/link.sql", repo)), 0);
	/* siblings whose names start with the folder's */
	put_text(repo, "db.sql", "select 3;\n");
	put_text(repo, "dbx/002.sql", "select 4;\n");
	put_text(repo, "db-old/003.sql", "select 5;\n");
	commit(repo, "files");
	/* a submodule: a commit recorded in the tree */
	char *head = GIT_OUT(repo, "rev-parse", "HEAD");
	GIT(repo, "update-index", "--add", "--cacheinfo", ml_arena_printf(arena, "160000,%s,db/vendored", head));
	GIT(repo, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-q", "-m", "submodule");
	free(head);
	char *tree = GIT_OUT(repo, "ls-tree", "-r", "HEAD", "--", "db");
	ck_assert_ptr_nonnull(strstr(tree, "120000 blob"));   /* the traps are there */
	ck_assert_ptr_nonnull(strstr(tree, "160000 commit"));
	ck_assert_ptr_nonnull(strstr(tree, "100755 blob"));
	free(tree);

	char *db = ml_arena_printf(arena, "%s/db", repo);
	size_t n;
	ml_git_file *files = list_read(open_ok(db, "HEAD"), db, &n);
	expect_files(files, n, LIST("001.sql", "a/b/c/deep.sql", "run.sh"),
		     LIST("select 2;\n", "select 1;\n", "#!/bin/sh\n"));

	/* the top folder itself: everything regular, paths from the top */
	files = list_read(open_ok(repo, "HEAD"), repo, &n);
	expect_files(files, n,
		     LIST("db-old/003.sql", "db.sql", "db/001.sql", "db/a/b/c/deep.sql", "db/run.sh", "dbx/002.sql"),
		     LIST("select 5;\n", "select 3;\n", "select 2;\n", "select 1;\n", "#!/bin/sh\n", "select 4;\n"));
	/* a file named as the folder is no folder */
	ml_git_file *none;
	const char *error;
	ck_assert_int_eq(ml_git_base_list(open_ok(repo, "HEAD"), arena, ml_arena_printf(arena, "%s/db.sql", repo),
					  &none, &n, &error), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(a_folder_absent_at_the_commit_has_no_files)
{
	char *repo = new_repo("repo");
	put_text(repo, "README", "readme\n");
	commit(repo, "first");
	put_text(repo, "db/001.sql", "select 1;\n");
	commit(repo, "second");
	char *db = ml_arena_printf(arena, "%s/db", repo);
	ml_git_base *old = open_ok(db, "HEAD~1");
	ml_git_file *files;
	size_t n = 99;
	const char *error = "unset";
	ck_assert_int_eq(ml_git_base_list(old, arena, db, &files, &n, &error), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(error);
	ck_assert_int_eq(ml_git_base_read(old, arena, files, n, 0, &error), 0);

	/* a folder deleted from the work tree is still read at the base
	 * (named by its commit: HEAD~1 resolved once in this arena) */
	char *second = GIT_OUT(repo, "rev-parse", "HEAD");
	GIT(repo, "rm", "-q", "-r", "db");
	commit(repo, "gone");
	ml_git_base *before = open_ok(repo, ml_arena_strdup(arena, second));
	free(second);
	files = list_read(before, db, &n);
	expect_files(files, n, LIST("001.sql"), LIST("select 1;\n"));
	/* and opening from it finds the repository above it */
	ck_assert_str_eq(ml_git_base_commit(open_ok(db, ml_git_base_commit(before))), ml_git_base_commit(before));
}
END_TEST

START_TEST(reads_hard_names_and_nul_bytes)
{
	char *repo = new_repo("repo");
	const char *space = "V1__with space.sql", *newline = "V2__new\nline.sql", *utf8 = "V3__caf\xc3\xa9_\xe6\x97\xa5.sql";
	const char *dash = "-V4__dash.sql", *quote = "V5__it's \"quoted\" *.sql";
	put_text(repo, ml_arena_printf(arena, "m m/%s", space), "select 'space';\n");
	put_text(repo, ml_arena_printf(arena, "m m/%s", newline), "select 'newline';\n");
	put_text(repo, ml_arena_printf(arena, "m m/%s", utf8), "select 'caf\xc3\xa9';\n");
	put_text(repo, ml_arena_printf(arena, "m m/%s", dash), "select 'dash';\n");
	put_text(repo, ml_arena_printf(arena, "m m/%s", quote), "select 'quote';\n");
	static const char nul[] = "select 1;\0garbage\0\n";
	put(repo, "m m/V6__nul.sql", nul, sizeof(nul) - 1);
	put(repo, "m m/V7__empty.sql", "", 0);
	commit(repo, "names");

	char *m = ml_arena_printf(arena, "%s/m m", repo);
	size_t n;
	ml_git_file *files = list_read(open_ok(m, "HEAD"), m, &n);
	/* sorted by bytes: '-' before 'V' */
	expect_files(files, n, LIST(dash, space, newline, utf8, quote, "V6__nul.sql", "V7__empty.sql"),
		     LIST("select 'dash';\n", "select 'space';\n", "select 'newline';\n", "select 'caf\xc3\xa9';\n",
			  "select 'quote';\n", "select 1;", ""));
	/* expect_files compared up to the first NUL; the whole text: */
	ck_assert_uint_eq(files[5].len, sizeof(nul) - 1);
	ck_assert_mem_eq(files[5].text, nul, sizeof(nul) - 1);
	ck_assert_int_eq(files[5].text[files[5].len], '\0');
	ck_assert_uint_eq(files[6].len, 0);
	ck_assert_str_eq(files[6].text, "");
}
END_TEST

START_TEST(a_folder_named_through_symbolic_links_or_relatively)
{
	char *repo = new_repo("repo");
	put_text(repo, "sub/db/001.sql", "select 1;\n");
	commit(repo, "first");
	/* a link to the folder, and a link to the repository */
	char *to_db = at_tmp("to-db"), *to_repo = at_tmp("to-repo");
	ck_assert_int_eq(symlink(ml_arena_printf(arena, "%s/sub/db", repo), to_db), 0);
	ck_assert_int_eq(symlink(repo, to_repo), 0);
	size_t n;
	ml_git_file *files = list_read(open_ok(to_db, "HEAD"), to_db, &n);
	expect_files(files, n, LIST("001.sql"), LIST("select 1;\n"));
	char *via_repo = ml_arena_printf(arena, "%s/sub/../sub/db/", to_repo);
	files = list_read(open_ok(via_repo, "HEAD"), via_repo, &n);
	expect_files(files, n, LIST("001.sql"), LIST("select 1;\n"));
	/* relative to the current folder */
	ck_assert_int_eq(chdir(ml_arena_printf(arena, "%s/sub", repo)), 0);
	files = list_read(open_ok("db", "HEAD"), "db", &n);
	expect_files(files, n, LIST("001.sql"), LIST("select 1;\n"));
	files = list_read(open_ok(".", "HEAD"), "./db", &n);
	expect_files(files, n, LIST("001.sql"), LIST("select 1;\n"));
}
END_TEST

START_TEST(an_unknown_ref_says_fetch_or_name_another)
{
	char *repo = new_repo("repo");
	put_text(repo, "db/001.sql", "select 1;\n");
	commit(repo, "first");
	char *db = ml_arena_printf(arena, "%s/db", repo);
	const char *error = open_fails(db, "no-such-branch");
	ck_assert_msg(strstr(error, "no commit 'no-such-branch'") && strstr(error, "git fetch origin no-such-branch")
			      && strstr(error, "name another") && strstr(error, repo),
		      "%s", error);
	ck_assert_ptr_null(strstr(error, "shallow"));
	error = open_fails(db, "origin/feature");
	ck_assert_msg(strstr(error, "git fetch origin feature)"), "%s", error);
	error = open_fails(db, "HEAD~5");
	ck_assert_msg(strstr(error, "no commit 'HEAD~5'") && strstr(error, "fetch"), "%s", error);
	/* a ref that names something other than a commit */
	char *tree = GIT_OUT(repo, "rev-parse", "HEAD^{tree}");
	error = open_fails(db, tree);
	ck_assert_msg(strstr(error, "no commit"), "%s", error);
	free(tree);
	error = open_fails(db, "");
	ck_assert_msg(strstr(error, "no base ref"), "%s", error);
	/* HEAD before the first commit (a pre-commit hook's first run): an
	 * empty base, nothing applied; another ref there still fails. */
	char *fresh = new_repo("fresh");
	put_text(fresh, "db/001.sql", "select 1;\n");
	ml_git_base *empty = NULL;
	const char *why = NULL;
	ck_assert_int_eq(ml_git_base_open(arena, ml_arena_printf(arena, "%s/db", fresh), "HEAD", &empty, &why), 0);
	ck_assert_ptr_null(ml_git_base_commit(empty));
	ml_git_file *none = NULL;
	size_t n_none = 99;
	ck_assert_int_eq(ml_git_base_list(empty, arena, ml_arena_printf(arena, "%s/db", fresh), &none, &n_none, &why), 0);
	ck_assert_uint_eq(n_none, 0);
	error = open_fails(fresh, "main");
	ck_assert_msg(strstr(error, "no commit 'main'"), "%s", error);
}
END_TEST

START_TEST(a_ref_starting_with_a_dash_is_refused)
{
	char *repo = new_repo("repo");
	put_text(repo, "db/001.sql", "select 1;\n");
	commit(repo, "first");
	char *db = ml_arena_printf(arena, "%s/db", repo);
	char *written = at_tmp("written");
	const char *refs[] = { ml_arena_printf(arena, "--output=%s", written), "-h", "--all", "-" };
	for (size_t i = 0; i < 4; i++) {
		const char *error = open_fails(db, refs[i]);
		ck_assert_msg(strstr(error, refs[i]) && strstr(error, "starts with '-'") && strstr(error, "option"),
			      "%s", error);
	}
	ck_assert_int_ne(access(written, F_OK), 0);
}
END_TEST

START_TEST(a_shallow_clone_without_the_base_says_fetch_depth_0)
{
	char *repo = new_repo("origin");
	put_text(repo, "db/001.sql", "select 1;\n");
	commit(repo, "first");
	char *first = GIT_OUT(repo, "rev-parse", "HEAD");
	put_text(repo, "db/002.sql", "select 2;\n");
	commit(repo, "second");
	char *clone = at_tmp("clone");
	GIT(tmp, "clone", "-q", "--depth", "1", ml_arena_printf(arena, "file://%s", repo), clone);
	char *shallow = GIT_OUT(clone, "rev-parse", "--is-shallow-repository");
	ck_assert_str_eq(shallow, "true");
	free(shallow);
	char *db = ml_arena_printf(arena, "%s/db", clone);

	const char *error = open_fails(db, first);
	ck_assert_msg(strstr(error, first) && strstr(error, "shallow") && strstr(error, "fetch-depth: 0")
			      && strstr(error, "git fetch --unshallow"),
		      "%s", error);
	error = open_fails(db, "HEAD~1");
	ck_assert_msg(strstr(error, "fetch-depth: 0"), "%s", error);
	/* what the clone has is read */
	size_t n;
	ml_git_file *files = list_read(open_ok(db, "HEAD"), db, &n);
	expect_files(files, n, LIST("001.sql", "002.sql"), LIST("select 1;\n", "select 2;\n"));
	/* after fetching the history, the base is there */
	GIT(clone, "fetch", "-q", "--unshallow");
	files = list_read(open_ok(db, first), db, &n);
	expect_files(files, n, LIST("001.sql"), LIST("select 1;\n"));
	free(first);
}
END_TEST

START_TEST(a_folder_outside_a_work_tree_is_named)
{
	char *plain = at_tmp("plain");
	ck_assert_int_eq(mkdir(plain, 0755), 0);
	const char *error = open_fails(plain, "HEAD");
	ck_assert_msg(strstr(error, plain) && strstr(error, "not in a git work tree") && strstr(error, "clone"), "%s",
		      error);
	/* a bare repository has no work tree either */
	char *bare = at_tmp("bare.git");
	GIT(tmp, "init", "-q", "--bare", bare);
	error = open_fails(bare, "HEAD");
	ck_assert_msg(strstr(error, "not in a git work tree"), "%s", error);
	/* a folder of another repository than the base's */
	char *one = new_repo("one"), *two = new_repo("two");
	commit(one, "first");
	commit(two, "first");
	ml_git_file *files;
	size_t n;
	ck_assert_int_eq(ml_git_base_list(open_ok(one, "HEAD"), arena, two, &files, &n, &error), -1);
	ck_assert_msg(strstr(error, two) && strstr(error, "not inside the repository"), "%s", error);
}
END_TEST

START_TEST(no_git_on_path_says_install_git)
{
	char *repo = new_repo("repo");
	commit(repo, "first");
	char *empty = at_tmp("no-programs");
	ck_assert_int_eq(mkdir(empty, 0755), 0);
	setenv("PATH", empty, 1);
	const char *error = open_fails(repo, "HEAD");
	ck_assert_msg(strstr(error, "git is not installed") && strstr(error, "install git") && strstr(error, repo),
		      "%s", error);
}
END_TEST

START_TEST(a_repository_of_another_user_says_safe_directory)
{
	if (geteuid() != 0) {
		fprintf(stderr, "test_git: not root, so no repository of another user: dubious ownership untested\n");
		return;
	}
	char *repo = new_repo("other's repo");
	commit(repo, "first");
	const char *chown_argv[] = { "chown", "-R", "65534:65534", repo, NULL };
	ck_assert_int_eq(run_in(NULL, chown_argv, NULL), 0);
	const char *error = open_fails(repo, "HEAD");
	ck_assert_msg(strstr(error, "dubious ownership") && strstr(error, repo)
			      && strstr(error, ml_arena_printf(arena, "git config --global --add safe.directory '%s/other'\\''s repo'",
							       tmp)),
		      "%s", error);
	/* the command it names is the fix (HOME is the test's folder) */
	GIT(tmp, "config", "--global", "--add", "safe.directory", repo);
	open_ok(repo, "HEAD");
}
END_TEST

START_TEST(a_hook_environment_does_not_move_the_repository)
{
	char *repo = new_repo("repo"), *other = new_repo("other");
	put_text(repo, "db/001.sql", "select 1;\n");
	commit(repo, "first");
	put_text(other, "db/999.sql", "select 999;\n");
	commit(other, "first");
	/* as a hook of other would export them */
	setenv("GIT_DIR", ml_arena_printf(arena, "%s/.git", other), 1);
	setenv("GIT_INDEX_FILE", ".git/index", 1);
	setenv("GIT_PREFIX", "db/", 1);
	char *db = ml_arena_printf(arena, "%s/db", repo);
	size_t n;
	ml_git_file *files = list_read(open_ok(db, "HEAD"), db, &n);
	expect_files(files, n, LIST("001.sql"), LIST("select 1;\n"));
	unsetenv("GIT_DIR");
	unsetenv("GIT_INDEX_FILE");
	unsetenv("GIT_PREFIX");
}
END_TEST

START_TEST(opening_again_comes_from_the_arena)
{
	char *repo = new_repo("repo");
	put_text(repo, "a/001.sql", "select 1;\n");
	put_text(repo, "b/001.sql", "select 2;\n");
	commit(repo, "first");
	commit(repo, "second");
	char *a = ml_arena_printf(arena, "%s/a", repo);
	ml_git_base *head = open_ok(a, "HEAD");
	/* another folder of the same repository: the same base */
	ck_assert_ptr_eq(open_ok(ml_arena_printf(arena, "%s/b", repo), "HEAD"), head);
	ml_git_base *older = open_ok(a, "HEAD~1");
	ck_assert_ptr_ne(older, head);
	ck_assert_str_ne(ml_git_base_commit(older), ml_git_base_commit(head));
	/* without git, what was opened still opens: it comes from the arena */
	char *empty = at_tmp("no-programs");
	ck_assert_int_eq(mkdir(empty, 0755), 0);
	setenv("PATH", empty, 1);
	ck_assert_ptr_eq(open_ok(a, "HEAD"), head);
	ck_assert_ptr_eq(open_ok(ml_arena_printf(arena, "%s/a/", repo), "HEAD"), head);
	ck_assert_ptr_eq(open_ok(a, "HEAD~1"), older);
	const char *error = open_fails(a, "HEAD~2");
	ck_assert_msg(strstr(error, "git is not installed"), "%s", error);
	/* a reset arena has forgotten it */
	char *keep = strdup(a);
	ml_arena_reset(arena);
	error = open_fails(keep, "HEAD");
	ck_assert_msg(strstr(error, "git is not installed"), "%s", error);
	setenv("PATH", saved_path, 1);
	open_ok(keep, "HEAD");
	free(keep);
}
END_TEST

START_TEST(a_missing_object_is_named)
{
	char *repo = new_repo("repo");
	put_text(repo, "db/001.sql", "select 1;\n");
	put_text(repo, "db/002.sql", "select 2;\n");
	commit(repo, "first");
	char *db = ml_arena_printf(arena, "%s/db", repo);
	ml_git_base *base = open_ok(db, "HEAD");
	ml_git_file *files;
	size_t n;
	const char *error;
	ck_assert_int_eq(ml_git_base_list(base, arena, db, &files, &n, &error), 0);
	ck_assert_uint_eq(n, 2);
	files[1].oid = "0123456789012345678901234567890123456789";
	ck_assert_int_eq(ml_git_base_read(base, arena, files, n, 0, &error), -1);
	ck_assert_msg(strstr(error, "no object 0123456789012345678901234567890123456789") && strstr(error, "002.sql"),
		      "%s", error);
}
END_TEST

/* One thread's listing and reading of a shared base. */
typedef struct reader_job {
	const ml_git_base *base;
	const char *dir;
	size_t n;
	bool same;   /* every text as expected */
} reader_job;

static void *read_in_thread(void *arg)
{
	reader_job *job = arg;
	ml_arena *own = ml_arena_new();
	ml_git_file *files;
	const char *error;
	if (ml_git_base_list(job->base, own, job->dir, &files, &job->n, &error) == 0
	    && ml_git_base_read(job->base, own, files, job->n, 0, &error) == 0) {
		job->same = true;
		for (size_t i = 0; i < job->n; i++) {
			char want[64];
			snprintf(want, sizeof(want), "select %zu;\n", i);
			job->same = job->same && files[i].len == strlen(want) && strcmp(files[i].text, want) == 0;
		}
	}
	ml_arena_free(own);
	return NULL;
}

START_TEST(threads_share_a_base)
{
	enum { THREADS = 4, FILES = 200 };
	char *repo = new_repo("repo");
	for (int i = 0; i < FILES; i++)
		put_text(repo, ml_arena_printf(arena, "db/%03d.sql", i), ml_arena_printf(arena, "select %d;\n", i));
	commit(repo, "first");
	char *db = ml_arena_printf(arena, "%s/db", repo);
	ml_git_base *base = open_ok(db, "HEAD");
	pthread_t threads[THREADS];
	reader_job jobs[THREADS];
	for (int t = 0; t < THREADS; t++) {
		jobs[t] = (reader_job){ .base = base, .dir = db };
		ck_assert_int_eq(pthread_create(&threads[t], NULL, read_in_thread, &jobs[t]), 0);
	}
	for (int t = 0; t < THREADS; t++) {
		pthread_join(threads[t], NULL);
		ck_assert_uint_eq(jobs[t].n, FILES);
		ck_assert(jobs[t].same);
	}
}
END_TEST

START_TEST(three_thousand_files_of_4_kib)
{
	enum { FILES = 3000, SIZE = 4096 };
	char *repo = new_repo("repo");
	char *text = malloc(SIZE);
	for (int i = 0; i < FILES; i++) {
		/* each file its own bytes, so a mix-up shows */
		for (int j = 0; j < SIZE; j++)
			text[j] = (char)('a' + (i * 7 + j) % 26);
		snprintf(text, SIZE, "-- %05d\n", i);
		text[strlen(text)] = '\n';
		put(repo, ml_arena_printf(arena, "db/%02d/V%05d__step.sql", i % 50, i), text, SIZE);
	}
	commit(repo, "many");
	char *db = ml_arena_printf(arena, "%s/db", repo);
	struct timespec t0, t1, t2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ml_git_base *base = open_ok(db, "HEAD");
	ml_git_file *files;
	size_t n;
	const char *error = NULL;
	ck_assert_msg(ml_git_base_list(base, arena, db, &files, &n, &error) == 0, "%s", error);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_msg(ml_git_base_read(base, arena, files, n, 0, &error) == 0, "%s", error);
	/* A limit below a blob's size names the file. */
	ck_assert_int_eq(ml_git_base_read(base, arena, files, n, 100, &error), -1);
	ck_assert_msg(strstr(error, "is larger than 100 bytes") && strstr(error, "--max-input-size"), "%s", error);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	ck_assert_uint_eq(n, FILES);
	for (size_t k = 0; k < n; k++) {
		int i = atoi(strchr(files[k].path, 'V') + 1);
		for (int j = 0; j < SIZE; j++)
			text[j] = (char)('a' + (i * 7 + j) % 26);
		snprintf(text, SIZE, "-- %05d\n", i);
		text[strlen(text)] = '\n';
		ck_assert_uint_eq(files[k].len, SIZE);
		ck_assert_msg(memcmp(files[k].text, text, SIZE) == 0, "%s", files[k].path);
		if (k)
			ck_assert_int_lt(strcmp(files[k - 1].path, files[k].path), 0);
	}
	free(text);
	/* a figure for the report, not a limit: bench/ holds those */
	fprintf(stderr, "test_git: %d files of %d bytes: open+list %.0f ms, read %.0f ms\n", FILES, SIZE,
		(double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
		(double)(t2.tv_sec - t1.tv_sec) * 1e3 + (double)(t2.tv_nsec - t1.tv_nsec) / 1e6);
}
END_TEST

Suite *git_suite(void)
{
	Suite *s = suite_create("git");
	if (!git_available()) {
		fprintf(stderr, "test_git: no git on PATH: the git suite is skipped\n");
		return s;
	}
	TCase *tc = tcase_create("base");
	tcase_add_checked_fixture(tc, git_setup, git_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, lists_and_reads_at_head_and_at_an_older_commit);
	tcase_add_test(tc, lists_only_regular_files_below_the_folder);
	tcase_add_test(tc, a_folder_absent_at_the_commit_has_no_files);
	tcase_add_test(tc, reads_hard_names_and_nul_bytes);
	tcase_add_test(tc, a_folder_named_through_symbolic_links_or_relatively);
	tcase_add_test(tc, an_unknown_ref_says_fetch_or_name_another);
	tcase_add_test(tc, a_ref_starting_with_a_dash_is_refused);
	tcase_add_test(tc, a_shallow_clone_without_the_base_says_fetch_depth_0);
	tcase_add_test(tc, a_folder_outside_a_work_tree_is_named);
	tcase_add_test(tc, no_git_on_path_says_install_git);
	tcase_add_test(tc, a_repository_of_another_user_says_safe_directory);
	tcase_add_test(tc, a_hook_environment_does_not_move_the_repository);
	tcase_add_test(tc, opening_again_comes_from_the_arena);
	tcase_add_test(tc, a_missing_object_is_named);
	tcase_add_test(tc, threads_share_a_base);
	tcase_add_test(tc, three_thousand_files_of_4_kib);
	suite_add_tcase(s, tc);
	return s;
}
