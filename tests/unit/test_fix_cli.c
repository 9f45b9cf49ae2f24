/*
 * test_fix_cli.c - the two pieces of --fix and --diff that can be checked
 * apart from a run: the unified diff (src/cli/diff.c) applied back gives
 * the new text, is minimal (as many changed lines as a longest common
 * subsequence leaves), marks a missing final newline and quotes hostile
 * names; and the safe write (src/cli/fix_write.c) keeps permissions and
 * links, and leaves alone a file changed since it was read, however it
 * changed (other bytes of the same size and time, another size, another
 * inode).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diff.h"
#include "fix_write.h"
#include "unit.h"

/* ---- the diff ------------------------------------------------------------ */

/* The diff of old and new, as text (free it). */
static char *diff_of(const char *name, const char *old_text, size_t old_len, const char *new_text, size_t new_len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(ml_write_unified_diff(out, name, old_text, old_len, new_text, new_len), 0);
	fclose(out);
	return buf;
}

/* The next line of s at *at (with its '\n'): its length, 0 at the end. */
static size_t next_line(const char *s, size_t len, size_t at)
{
	const char *nl = memchr(s + at, '\n', len - at);
	return nl ? (size_t)(nl - (s + at)) + 1 : len - at;
}

/* Applies diff to old the way patch does, checking every context and
 * removed line against old; returns the new text (free it) in *out_len
 * bytes, and the lines added and removed. */
static char *apply(const char *diff, const char *old_text, size_t old_len, size_t *out_len, int *changed_lines)
{
	size_t dlen = strlen(diff), at = 0, old_at = 0, o = 0;
	char *out = malloc(old_len + dlen + 1);
	long old_line = 0; /* lines of old consumed */
	*changed_lines = 0;
	ck_assert(!strncmp(diff, "--- ", 4));
	at += next_line(diff, dlen, at);
	ck_assert(!strncmp(diff + at, "+++ ", 4));
	at += next_line(diff, dlen, at);
	char last = 0;          /* the mark of the last line */
	while (at < dlen) {
		size_t n = next_line(diff, dlen, at);
		const char *l = diff + at;
		if (l[0] == '@') {
			long a, ac = 1, b, bc = 1;
			if (sscanf(l, "@@ -%ld,%ld +%ld,%ld @@", &a, &ac, &b, &bc) != 4) {
				ac = bc = 1;
				ck_assert_msg(sscanf(l, "@@ -%ld,%ld +%ld @@", &a, &ac, &b) == 3 ||
						      sscanf(l, "@@ -%ld +%ld,%ld @@", &a, &b, &bc) == 3 ||
						      sscanf(l, "@@ -%ld +%ld @@", &a, &b) == 2,
					      "bad hunk header: %.*s", (int)n, l);
			}
			long first = ac ? a - 1 : a; /* old lines before the hunk */
			while (old_line < first) {
				size_t m = next_line(old_text, old_len, old_at);
				memcpy(out + o, old_text + old_at, m);
				o += m;
				old_at += m;
				old_line++;
			}
		} else if (l[0] == '\\') {
			ck_assert(!strncmp(l, "\\ No newline at end of file", 27));
			/* The line before had no '\n': the one the diff added goes. */
			if (last == ' ' || last == '+')
				o--;
		} else {
			ck_assert_msg(l[0] == ' ' || l[0] == '-' || l[0] == '+', "bad line: %.*s", (int)n, l);
			if (l[0] != '+') {
				/* It must be old's next line (without its '\n' when
				 * the note follows). */
				size_t m = next_line(old_text, old_len, old_at);
				bool note = at + n < dlen && diff[at + n] == '\\';
				ck_assert_uint_eq(m, note ? n - 2 : n - 1);
				ck_assert(!memcmp(old_text + old_at, l + 1, m));
				old_at += m;
				old_line++;
			}
			if (l[0] != '-') {
				memcpy(out + o, l + 1, n - 1);
				o += n - 1;
			}
			if (l[0] != ' ')
				(*changed_lines)++;
			last = l[0];
		}
		at += n;
	}
	memcpy(out + o, old_text + old_at, old_len - old_at);
	o += old_len - old_at;
	*out_len = o;
	return out;
}

/* The length of a longest common subsequence of the lines of a and b. */
static long lcs_lines(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *al[64], *bl[64];
	size_t an[64], bn[64];
	long na = 0, nb = 0;
	for (size_t at = 0; at < alen; at += an[na++])
		al[na] = a + at, an[na] = next_line(a, alen, at);
	for (size_t at = 0; at < blen; at += bn[nb++])
		bl[nb] = b + at, bn[nb] = next_line(b, blen, at);
	long t[65][65] = { { 0 } };
	for (long i = na - 1; i >= 0; i--)
		for (long j = nb - 1; j >= 0; j--)
			t[i][j] = an[i] == bn[j] && !memcmp(al[i], bl[j], an[i])
					  ? t[i + 1][j + 1] + 1
					  : (t[i + 1][j] > t[i][j + 1] ? t[i + 1][j] : t[i][j + 1]);
	return t[0][0];
}

static long count_lines(const char *s, size_t len)
{
	long n = 0;
	for (size_t at = 0; at < len; at += next_line(s, len, at))
		n++;
	return n;
}

/* Checks that the diff of old and new applies back to new and changes as
 * few lines as possible. */
static void check_diff(const char *old_text, size_t old_len, const char *new_text, size_t new_len, bool minimal)
{
	char *diff = diff_of("t.sql", old_text, old_len, new_text, new_len);
	bool equal = old_len == new_len && !memcmp(old_text, new_text, old_len);
	if (equal) {
		ck_assert_str_eq(diff, "");
		free(diff);
		return;
	}
	size_t len;
	int changed;
	char *back = apply(diff, old_text, old_len, &len, &changed);
	ck_assert_msg(len == new_len && !memcmp(back, new_text, len), "the diff does not give the new text:\n%s", diff);
	if (minimal) {
		long lcs = lcs_lines(old_text, old_len, new_text, new_len);
		ck_assert_int_eq(changed, count_lines(old_text, old_len) + count_lines(new_text, new_len) - 2 * lcs);
	}
	free(back);
	free(diff);
}

START_TEST(diff_small_cases)
{
	char *d = diff_of("x.sql", "a\nb\nc\n", 6, "a\nB\nc\n", 6);
	ck_assert_str_eq(d, "--- a/x.sql\n+++ b/x.sql\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
	free(d);
	d = diff_of("x.sql", "a\nb\nc\n", 6, "a\nb\nc\n", 6);
	ck_assert_str_eq(d, "");
	free(d);
	/* No final newline, kept; and one added. */
	d = diff_of("x.sql", "a\nb", 3, "a\nB", 3);
	ck_assert_str_eq(d, "--- a/x.sql\n+++ b/x.sql\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
			    "+B\n\\ No newline at end of file\n");
	free(d);
	d = diff_of("x.sql", "a", 1, "a\n", 2);
	ck_assert_str_eq(d, "--- a/x.sql\n+++ b/x.sql\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n");
	free(d);
	/* From and to nothing: the empty side's range names line 0. */
	d = diff_of("x.sql", "", 0, "a\n", 2);
	ck_assert_str_eq(d, "--- a/x.sql\n+++ b/x.sql\n@@ -0,0 +1 @@\n+a\n");
	free(d);
	d = diff_of("x.sql", "a\nb\n", 4, "", 0);
	ck_assert_str_eq(d, "--- a/x.sql\n+++ b/x.sql\n@@ -1,2 +0,0 @@\n-a\n-b\n");
	free(d);
	/* CRLF lines keep their CR. */
	d = diff_of("x.sql", "a\r\nb\r\n", 6, "a\r\nb c\r\n", 8);
	ck_assert_str_eq(d, "--- a/x.sql\n+++ b/x.sql\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+b c\r\n");
	free(d);
}
END_TEST

START_TEST(diff_hunks_and_context)
{
	/* Changes at lines 2 and 9 (6 lines apart): one hunk; at 2 and 10:
	 * two, each with 3 lines of context. */
	const char *old_text = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n";
	const char *one = "1\nX\n3\n4\n5\n6\n7\n8\nY\n10\n11\n12\n13\n14\n15\n";
	const char *two = "1\nX\n3\n4\n5\n6\n7\n8\n9\nY\n11\n12\n13\n14\n15\n";
	char *d = diff_of("x.sql", old_text, strlen(old_text), one, strlen(one));
	ck_assert_str_eq(d, "--- a/x.sql\n+++ b/x.sql\n@@ -1,12 +1,12 @@\n 1\n-2\n+X\n 3\n 4\n 5\n 6\n 7\n 8\n-9\n+Y\n"
			    " 10\n 11\n 12\n");
	free(d);
	d = diff_of("x.sql", old_text, strlen(old_text), two, strlen(two));
	ck_assert_str_eq(d, "--- a/x.sql\n+++ b/x.sql\n@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n"
			    "@@ -7,7 +7,7 @@\n 7\n 8\n 9\n-10\n+Y\n 11\n 12\n 13\n");
	free(d);
	/* Lines added: the new side's numbers move. */
	const char *added = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\nnew\n14\n15\n";
	d = diff_of("x.sql", old_text, strlen(old_text), added, strlen(added));
	ck_assert_str_eq(d, "--- a/x.sql\n+++ b/x.sql\n@@ -11,5 +11,6 @@\n 11\n 12\n 13\n+new\n 14\n 15\n");
	free(d);
}
END_TEST

START_TEST(diff_names)
{
	char *d = diff_of("./db/x.sql", "a\n", 2, "b\n", 2);
	ck_assert(!strncmp(d, "--- a/db/x.sql\n+++ b/db/x.sql\n", 30));
	free(d);
	d = diff_of("/abs/x.sql", "a\n", 2, "b\n", 2);
	ck_assert(!strncmp(d, "--- a/abs/x.sql\n+++ b/abs/x.sql\n", 32));
	free(d);
	/* A space: a tab ends the name, as git writes it. */
	d = diff_of("db/my file.sql", "a\n", 2, "b\n", 2);
	ck_assert(!strncmp(d, "--- a/db/my file.sql\t\n+++ b/db/my file.sql\t\n", 44));
	free(d);
	/* A line break, ESC or a quote cannot end the header line. */
	d = diff_of("db/x\n+++ evil\x1b.sql", "a\n", 2, "b\n", 2);
	ck_assert_str_eq(d, "--- \"a/db/x\\n+++ evil\\033.sql\"\n+++ \"b/db/x\\n+++ evil\\033.sql\"\n@@ -1 +1 @@\n-a\n+b\n");
	free(d);
}
END_TEST

/* A random text of lines drawn from a few, sometimes without a final
 * newline. */
static size_t random_text(char *buf, unsigned *seed, int max_lines)
{
	static const char *const LINES[] = { "a\n", "b\n", "c\n", "\n", "CREATE INDEX i ON t (x);\n", "b\r\n" };
	int n = rand_r(seed) % (max_lines + 1);
	size_t len = 0;
	for (int i = 0; i < n; i++) {
		const char *l = LINES[rand_r(seed) % 6];
		memcpy(buf + len, l, strlen(l));
		len += strlen(l);
	}
	if (len && rand_r(seed) % 4 == 0)
		len--; /* the last line loses its '\n' */
	return len;
}

START_TEST(diff_random_minimal)
{
	unsigned seed = 15;
	char a[64 * 32], b[64 * 32];
	for (int round = 0; round < 4000; round++) {
		size_t alen = random_text(a, &seed, round % 2 ? 12 : 40);
		size_t blen;
		if (round % 3 == 0) {
			/* b close to a: a few lines changed. */
			memcpy(b, a, alen);
			blen = alen;
			for (int k = rand_r(&seed) % 3; k >= 0 && blen; k--)
				b[rand_r(&seed) % blen] = 'z';
		} else {
			blen = random_text(b, &seed, round % 2 ? 12 : 40);
		}
		check_diff(a, alen, b, blen, true);
	}
}
END_TEST

START_TEST(diff_large)
{
	/* 200,000 lines with 50 changed: minimal and fast. */
	size_t cap = 200000 * 16;
	char *a = malloc(cap), *b = malloc(cap);
	size_t alen = 0, blen = 0;
	for (int i = 0; i < 200000; i++) {
		alen += (size_t)sprintf(a + alen, "line %d;\n", i % 1000);
		blen += (size_t)sprintf(b + blen, i % 4000 == 7 ? "CHANGED %d;\n" : "line %d;\n", i % 1000);
	}
	char *diff = diff_of("big.sql", a, alen, b, blen);
	size_t len;
	int changed;
	char *back = apply(diff, a, alen, &len, &changed);
	ck_assert(len == blen && !memcmp(back, b, len));
	ck_assert_int_eq(changed, 100);
	free(back);
	free(diff);
	/* 12,000 lines, every one different: past the work budget, still a
	 * diff that applies. */
	alen = blen = 0;
	for (int i = 0; i < 12000; i++) {
		alen += (size_t)sprintf(a + alen, "old %d\n", i);
		blen += (size_t)sprintf(b + blen, "new %d\n", i);
	}
	check_diff(a, alen, b, blen, false);
	free(a);
	free(b);
}
END_TEST

/* ---- the safe write -------------------------------------------------------- */

static char dir[64];

static void dir_setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/migralint-fixw-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void dir_teardown(void)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *in_dir(const char *name)
{
	static char path[4][128];
	static int next;
	char *p = path[next++ % 4];
	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	return p;
}

static void put_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

/* The file's bytes (free them). */
static char *file_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	char *buf = calloc(1, 4096);
	size_t n = fread(buf, 1, 4095, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Entries of dir, "." and ".." left out: a temporary file left behind
 * shows. */
static int entries(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	FILE *p = popen(cmd, "r");
	int n = -1;
	ck_assert_int_eq(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

/* Reads path for fixing; fails the test when it cannot be read. */
static char *read_for_fix(const char *path, ml_fix_target *target, size_t *len)
{
	char why[256], *text;
	ck_assert_msg(ml_fix_read(path, 1 << 20, target, &text, len, why, sizeof(why)) == 0, "%s: %s", path, why);
	return text;
}

START_TEST(write_keeps_mode_and_bytes)
{
	const char *path = in_dir("m.sql");
	put_file(path, "CREATE INDEX i ON t (x);\r\nSELECT 'é'", 0640);
	ml_fix_target target;
	size_t len;
	char *text = read_for_fix(path, &target, &len);
	ck_assert_uint_eq(len, strlen("CREATE INDEX i ON t (x);\r\nSELECT 'é'"));
	char why[256];
	const char *fixed = "CREATE INDEX CONCURRENTLY i ON t (x);\r\nSELECT 'é'";
	ck_assert_int_eq(ml_fix_write(&target, text, len, fixed, strlen(fixed), why, sizeof(why)), ML_FIX_WRITTEN);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	ck_assert_int_ne(st.st_ino, target.st.st_ino); /* a new file, renamed over */
	char *now = file_text(path);
	ck_assert_str_eq(now, fixed);
	ck_assert_int_eq(entries(), 1);
	free(now);
	free(text);
	ml_fix_target_free(&target);
}
END_TEST

START_TEST(write_through_symlink)
{
	put_file(in_dir("real.sql"), "DROP INDEX i;\n", 0644);
	ck_assert_int_eq(symlink("real.sql", in_dir("link.sql")), 0);
	ml_fix_target target;
	size_t len;
	char *text = read_for_fix(in_dir("link.sql"), &target, &len);
	ck_assert_str_eq(strrchr(target.path, '/'), "/real.sql");
	char why[256];
	ck_assert_int_eq(ml_fix_write(&target, text, len, "DROP INDEX CONCURRENTLY i;\n", 27, why, sizeof(why)),
			 ML_FIX_WRITTEN);
	struct stat st;
	ck_assert_int_eq(lstat(in_dir("link.sql"), &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	char *now = file_text(in_dir("real.sql"));
	ck_assert_str_eq(now, "DROP INDEX CONCURRENTLY i;\n");
	free(now);
	free(text);
	ml_fix_target_free(&target);
}
END_TEST

/* The file is changed by change() between the read and the write: nothing
 * is written, why says so, and no temporary file is left. */
static void check_not_overwritten(void (*change)(const char *path, const struct stat *was), const char *why_has)
{
	const char *path = in_dir("c.sql");
	put_file(path, "DROP INDEX i;\n", 0644);
	ml_fix_target target;
	size_t len;
	char *text = read_for_fix(path, &target, &len);
	change(path, &target.st);
	char *changed_text = access(path, F_OK) == 0 ? file_text(path) : NULL;
	char why[256] = "";
	ck_assert_int_eq(ml_fix_write(&target, text, len, "DROP INDEX CONCURRENTLY i;\n", 27, why, sizeof(why)),
			 ML_FIX_CHANGED);
	ck_assert_msg(strstr(why, why_has), "why: %s", why);
	if (changed_text) {
		char *now = file_text(path);
		ck_assert_str_eq(now, changed_text);
		free(now);
	}
	ck_assert_int_eq(entries(), changed_text ? 1 : 0);
	free(changed_text);
	free(text);
	ml_fix_target_free(&target);
}

/* Other bytes of the same size, with the old modification time put back:
 * only the bytes tell. */
static void same_size_and_time(const char *path, const struct stat *was)
{
	int fd = open(path, O_WRONLY);
	ck_assert_int_eq(pwrite(fd, "drop", 4, 0), 4);
	close(fd);
	struct timespec times[2] = { was->st_atim, was->st_mtim };
	ck_assert_int_eq(utimensat(AT_FDCWD, path, times, 0), 0);
}

static void appended(const char *path, const struct stat *was)
{
	FILE *f = fopen(path, "a");
	fputs("SELECT 1;\n", f);
	fclose(f);
}

static void replaced(const char *path, const struct stat *was)
{
	put_file(in_dir("other.sql"), "DROP INDEX j;\n", 0644);
	ck_assert_int_eq(rename(in_dir("other.sql"), path), 0);
}

static void removed(const char *path, const struct stat *was)
{
	ck_assert_int_eq(unlink(path), 0);
}

static void touched(const char *path, const struct stat *was)
{
	struct timespec times[2] = { was->st_atim, was->st_mtim };
	times[1].tv_sec -= 10;
	ck_assert_int_eq(utimensat(AT_FDCWD, path, times, 0), 0);
}

START_TEST(write_refuses_changed_file)
{
	check_not_overwritten(same_size_and_time, "content changed");
	check_not_overwritten(appended, "size changed");
	check_not_overwritten(replaced, "replaced");
	check_not_overwritten(removed, "No such file");
	check_not_overwritten(touched, "modified");
}
END_TEST

START_TEST(read_refusals)
{
	ml_fix_target target;
	char why[256], *text;
	size_t len;
	ck_assert_int_eq(mkfifo(in_dir("f.sql"), 0644), 0);
	ck_assert_int_eq(ml_fix_read(in_dir("f.sql"), 1 << 20, &target, &text, &len, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "not a regular file");
	put_file(in_dir("big.sql"), "SELECT 1;\n", 0644);
	ck_assert_int_eq(ml_fix_read(in_dir("big.sql"), 4, &target, &text, &len, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "larger than --max-input-size (4)");
	ck_assert_int_eq(ml_fix_read(in_dir("none.sql"), 1 << 20, &target, &text, &len, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "No such file or directory");
}
END_TEST

START_TEST(write_unwritable_directory)
{
	if (geteuid() == 0)
		return; /* root writes anyway: tests/fix_cli_test.sh checks this as another user */
	const char *path = in_dir("u.sql");
	put_file(path, "DROP INDEX i;\n", 0644);
	ml_fix_target target;
	size_t len;
	char *text = read_for_fix(path, &target, &len);
	ck_assert_int_eq(chmod(dir, 0555), 0);
	char why[512];
	ck_assert_int_eq(ml_fix_write(&target, text, len, "DROP INDEX CONCURRENTLY i;\n", 27, why, sizeof(why)),
			 ML_FIX_FAILED);
	ck_assert_msg(strstr(why, "cannot create a temporary file in") && strstr(why, "Permission denied"), "why: %s",
		      why);
	char *now = file_text(path);
	ck_assert_str_eq(now, "DROP INDEX i;\n");
	free(now);
	free(text);
	ml_fix_target_free(&target);
}
END_TEST

Suite *fix_cli_suite(void)
{
	Suite *s = suite_create("fix_cli");
	TCase *tc = tcase_create("diff");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, diff_small_cases);
	tcase_add_test(tc, diff_hunks_and_context);
	tcase_add_test(tc, diff_names);
	tcase_add_test(tc, diff_random_minimal);
	tcase_add_test(tc, diff_large);
	suite_add_tcase(s, tc);
	tc = tcase_create("write");
	tcase_add_checked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_test(tc, write_keeps_mode_and_bytes);
	tcase_add_test(tc, write_through_symlink);
	tcase_add_test(tc, write_refuses_changed_file);
	tcase_add_test(tc, read_refusals);
	tcase_add_test(tc, write_unwritable_directory);
	suite_add_tcase(s, tc);
	return s;
}
