/*
 * test_read.c - how the pipeline reads an input (src/source/pipeline.c): a file a
 * directory walk found is read only if it is still the regular file the walk
 * saw (a file, link or FIFO put there since is refused, without blocking),
 * nothing is read past the size limit, and the --max-input-size syntax;
 * and when it starts workers: at once for an explicit count, not at all
 * for a short run by default, and parked when they do not run in parallel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "migralint/migralint.h"
#include "pipeline.h"
#include "unit.h"

static char dir[64];

static void dir_setup(void)
{
	strcpy(dir, "/tmp/migralint-unit-read-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void dir_teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Writes text to dir/name; returns the path (static buffer per call site). */
static const char *write_file(char *path, size_t len, const char *name, const char *text)
{
	snprintf(path, len, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/* Reads item through a pipeline without workers; copies what it got. */
static ml_read_status read_item(const ml_pipeline_item *item, size_t max_size, char *text, size_t text_len)
{
	ml_pipeline *p = ml_pipeline_new(item, 1, 1, max_size);
	ck_assert_ptr_nonnull(p);
	const ml_source *src = ml_pipeline_source(p, 0);
	ml_read_status status = src->read_status;
	if (text_len)
		snprintf(text, text_len, "%s", src->text ? src->text : "(none)");
	ml_pipeline_release(p, 0);
	ml_pipeline_free(p);
	return status;
}

/* The item a directory walk would make of path, as it is now. */
static ml_pipeline_item walked(const char *path, bool via_link)
{
	struct stat sb;
	ck_assert_int_eq(stat(path, &sb), 0);
	ml_pipeline_item item = { .path = path, .found_in_dir = true, .via_link = via_link };
	item.dev = (unsigned long long)sb.st_dev;
	item.ino = (unsigned long long)sb.st_ino;
	return item;
}

START_TEST(walked_file_still_there_is_read)
{
	char path[128], text[64];
	write_file(path, sizeof(path), "a.sql", "SELECT 1;\n");
	ml_pipeline_item item = walked(path, false);
	ck_assert_int_eq(read_item(&item, 0, text, sizeof(text)), ML_READ_DONE);
	ck_assert_str_eq(text, "SELECT 1;\n");
}
END_TEST

START_TEST(walked_file_replaced_by_another_is_refused)
{
	char path[128], other[128], text[64];
	write_file(path, sizeof(path), "a.sql", "SELECT 1;\n");
	ml_pipeline_item item = walked(path, false);
	write_file(other, sizeof(other), "b.sql", "DROP TABLE secret;\n");
	ck_assert_int_eq(rename(other, path), 0);
	ck_assert_int_eq(read_item(&item, 0, text, sizeof(text)), ML_READ_REPLACED);
	ck_assert_str_eq(text, "(none)");
}
END_TEST

START_TEST(walked_file_replaced_by_a_link_is_refused)
{
	char path[128], outside[128];
	write_file(path, sizeof(path), "a.sql", "SELECT 1;\n");
	ml_pipeline_item item = walked(path, false);
	/* the same file, even, but now reached through a link: not followed */
	write_file(outside, sizeof(outside), "b.sql", "SELECT 2;\n");
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(symlink(outside, path), 0);
	ml_pipeline_item same = walked(path, false);
	ck_assert_int_eq(read_item(&item, 0, NULL, 0), ML_READ_REPLACED);
	ck_assert_int_eq(read_item(&same, 0, NULL, 0), ML_READ_REPLACED);
	/* a walk that saw the link (via_link) follows it */
	same.via_link = true;
	ck_assert_int_eq(read_item(&same, 0, NULL, 0), ML_READ_DONE);
}
END_TEST

/* Opening a FIFO with no writer blocks, unless O_NONBLOCK: this test would
 * hit Check's timeout. */
START_TEST(walked_file_replaced_by_a_fifo_is_refused_without_blocking)
{
	char path[128];
	write_file(path, sizeof(path), "a.sql", "SELECT 1;\n");
	ml_pipeline_item item = walked(path, false);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(read_item(&item, 0, NULL, 0), ML_READ_REPLACED);
}
END_TEST

START_TEST(size_limit_is_exact)
{
	char path[128], text[64];
	write_file(path, sizeof(path), "a.sql", "SELECT 1;\n"); /* 10 bytes */
	ml_pipeline_item named = { .path = path };
	ck_assert_int_eq(read_item(&named, 10, text, sizeof(text)), ML_READ_DONE);
	ck_assert_str_eq(text, "SELECT 1;\n");
	ck_assert_int_eq(read_item(&named, 9, text, sizeof(text)), ML_READ_TOO_LARGE);
	ck_assert_str_eq(text, "(none)");
	ml_source src = { .read_status = ML_READ_TOO_LARGE };
	char why[128];
	ck_assert_str_eq(ml_source_read_error(&src, 9, why, sizeof(why)), "larger than --max-input-size (9): not read");
	ck_assert_str_eq(ml_source_read_error(&src, (size_t)64 << 20, why, sizeof(why)),
			 "larger than --max-input-size (64MiB): not read");
}
END_TEST

/* A stream is read up to the limit and the byte after it, no further. */
START_TEST(stream_is_not_read_past_the_limit)
{
	static const char DATA[] = "0123456789abcdef";
	for (size_t limit = 1; limit <= 20; limit++) {
		for (size_t cap = 1; cap <= 40; cap += 13) {
			FILE *f = fmemopen((void *)DATA, 16, "rb");
			ck_assert_ptr_nonnull(f);
			char *text = NULL;
			size_t len = 0;
			int err = ml_read_stream(f, cap, limit, &text, &len);
			if (limit >= 16) {
				ck_assert_int_eq(err, 0);
				ck_assert_uint_eq(len, 16);
				ck_assert_str_eq(text, DATA);
				free(text);
			} else {
				ck_assert_int_eq(err, EFBIG);
				ck_assert_int_eq(ftell(f), (long)limit + 1);
			}
			fclose(f);
		}
	}
}
END_TEST

START_TEST(size_syntax)
{
	static const struct {
		const char *text;
		size_t size;              /* 0: refused */
	} CASES[] = {
		{ "1", 1 },         { "65536", 65536 },  { "512K", 512 << 10 }, { "512k", 512 << 10 },
		{ "1KiB", 1024 },   { "1kib", 1024 },    { "64M", 64 << 20 },   { "64MiB", 64 << 20 },
		{ "1G", 1u << 30 }, { "2GiB", (size_t)2 << 30 }, { "0", 0 },  { "0K", 0 },
		{ "", 0 },          { "M", 0 },          { "-1", 0 },           { "+1", 0 },
		{ " 1", 0 },        { "1 ", 0 },         { "1.5M", 0 },         { "64KB", 0 },
		{ "64T", 0 },       { "1e3", 0 },        { "18446744073709551616", 0 },
	};
	for (size_t i = 0; i < sizeof(CASES) / sizeof(*CASES); i++) {
		size_t got = 0;
		int rc = ml_size_parse(CASES[i].text, &got);
		ck_assert_msg(CASES[i].size ? rc == 0 && got == CASES[i].size : rc == -1, "ml_size_parse(\"%s\")",
			      CASES[i].text);
	}
	char buf[32];
	ck_assert_str_eq(ml_size_format(100, buf, sizeof(buf)), "100");
	ck_assert_str_eq(ml_size_format(1536 << 10, buf, sizeof(buf)), "1536KiB");
	ck_assert_str_eq(ml_size_format(ML_DEFAULT_MAX_INPUT_SIZE, buf, sizeof(buf)), "64MiB");
	ck_assert_str_eq(ml_size_format((size_t)4 << 40, buf, sizeof(buf)), "4096GiB");
	/* what it writes reads back */
	for (size_t size = 1; size < ((size_t)1 << 40); size = size * 3 + 1024) {
		size_t back = 0;
		ck_assert_int_eq(ml_size_parse(ml_size_format(size, buf, sizeof(buf)), &back), 0);
		ck_assert_uint_eq(back, size);
	}
}
END_TEST

/* Takes every statement of a pipeline's items, as the engine does; calls
 * between(k) after the first statement of item k. */
static void drain(ml_pipeline *p, size_t n, void (*between)(size_t))
{
	for (size_t k = 0; k < n; k++) {
		const ml_source *src = ml_pipeline_source(p, k);
		bool first = true;
		for (size_t j = 0; j < src->chunks.len; j++) {
			if (src->chunks.items[j].kind != ML_CHUNK_STATEMENT)
				continue;
			ml_parsed parsed;
			ml_pipeline_take(p, k, j, &parsed);
			ml_parsed_free(&parsed);
			if (first && between)
				between(k);
			first = false;
		}
		ml_pipeline_release(p, k);
	}
}

static ml_pipeline_item text_item(const char *path, const char *sql)
{
	ml_pipeline_item item = { .path = path, .text = strdup(sql) };
	ck_assert_ptr_nonnull(item.text);
	item.len = strlen(sql);
	return item;
}

START_TEST(default_jobs_start_no_worker_on_a_short_run)
{
	ml_pipeline_item items[3] = { text_item("a.sql", "SELECT 1; SELECT 2;"), text_item("b.sql", "SELECT 3;"),
				      text_item("c.sql", "CREATE TABLE t (id int);") };
	ml_pipeline *p = ml_pipeline_new(items, 3, 0, 0);
	ck_assert_ptr_nonnull(p);
	drain(p, 3, NULL);
	ml_pipeline_stats st = ml_pipeline_get_stats(p);
	ck_assert_int_eq(st.workers, 0);
	ck_assert_int_eq(st.mode, ML_PIPELINE_SERIAL);
	ml_pipeline_free(p);
}
END_TEST

START_TEST(explicit_jobs_start_workers_at_once)
{
	ml_pipeline_item items[1] = { text_item("a.sql", "SELECT 1;") };
	ml_pipeline *p = ml_pipeline_new(items, 1, 3, 0);
	ck_assert_ptr_nonnull(p);
	ml_pipeline_stats st = ml_pipeline_get_stats(p);
	ck_assert_int_eq(st.workers, 2);
	ck_assert_int_eq(st.mode, ML_PIPELINE_PARALLEL);
	drain(p, 1, NULL);
	ml_pipeline_free(p);
}
END_TEST

/* Idle wall time, no CPU: to the adaptation, a period in which nothing ran
 * beside the engine. */
static void idle_60ms(size_t k)
{
	(void)k;
	struct timespec ts = { 0, 60 * 1000 * 1000 };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* A machine with nothing else running, or one whose cores are all busy. */
static int runnable_idle(void)
{
	return 1;
}

static int runnable_busy(void)
{
	return 1000;
}

/* A default pipeline over n files of sql, with probe standing for the
 * machine's run queue, drained with 60 ms asleep after each file's first
 * statement: a run that lasts but whose periods use no CPU. Returns what
 * its workers did. */
static ml_pipeline_stats slow_run(int n, const char *sql, int (*probe)(void))
{
	ml_pipeline_set_runnable_probe(probe);
	ml_pipeline_item items[8];
	char names[8][16];
	ck_assert_int_le(n, 8);
	for (int i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "%d.sql", i);
		items[i] = text_item(names[i], sql);
	}
	ml_pipeline *p = ml_pipeline_new(items, (size_t)n, 0, 0);
	ck_assert_ptr_nonnull(p);
	drain(p, (size_t)n, idle_60ms);
	ml_pipeline_stats st = ml_pipeline_get_stats(p);
	ml_pipeline_free(p);
	ml_pipeline_set_runnable_probe(NULL);
	return st;
}

START_TEST(default_workers_start_on_a_long_run_and_park_when_not_parallel)
{
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return; /* one core: no worker by default, nothing to adapt */
	/* 60 ms into the run the workers start (probing); each later period
	 * is spent asleep, so the probe finds them not running in parallel. */
	ml_pipeline_stats st = slow_run(6, "SELECT 1; SELECT 2; SELECT 3;", runnable_idle);
	ck_assert_int_ge(st.workers, 1);
	ck_assert_uint_ge(st.periods, 1);
	ck_assert_int_eq(st.mode, ML_PIPELINE_PARKED);
	ck_assert_uint_ge(st.parked_periods, 1);
}
END_TEST

START_TEST(default_workers_wait_while_the_cores_are_busy)
{
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	ml_pipeline_stats st = slow_run(4, "SELECT 1; SELECT 2;", runnable_busy);
	ck_assert_int_eq(st.workers, 0);
	ck_assert_uint_ge(st.busy_checks, 1);
}
END_TEST

START_TEST(adaptation_decides_by_cpu_per_wall)
{
	/* Two threads on one core give about 1.0; a worker beside the engine more. */
	ck_assert_int_eq(ml_pipeline_decide(ML_PIPELINE_PROBE, 1.02), ML_PIPELINE_PARKED);
	ck_assert_int_eq(ml_pipeline_decide(ML_PIPELINE_PROBE, 1.6), ML_PIPELINE_PARALLEL);
	ck_assert_int_eq(ml_pipeline_decide(ML_PIPELINE_PARALLEL, 1.9), ML_PIPELINE_PARALLEL);
	ck_assert_int_eq(ml_pipeline_decide(ML_PIPELINE_PARALLEL, 1.1), ML_PIPELINE_PARKED);
	ck_assert_int_eq(ml_pipeline_decide(ML_PIPELINE_PARKED, 1.9), ML_PIPELINE_PARKED);
}
END_TEST

Suite *read_suite(void)
{
	Suite *s = suite_create("read");
	TCase *tc = tcase_create("read");
	tcase_add_checked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_test(tc, walked_file_still_there_is_read);
	tcase_add_test(tc, walked_file_replaced_by_another_is_refused);
	tcase_add_test(tc, walked_file_replaced_by_a_link_is_refused);
	tcase_add_test(tc, walked_file_replaced_by_a_fifo_is_refused_without_blocking);
	tcase_add_test(tc, size_limit_is_exact);
	tcase_add_test(tc, stream_is_not_read_past_the_limit);
	tcase_add_test(tc, size_syntax);
	tcase_add_test(tc, default_jobs_start_no_worker_on_a_short_run);
	tcase_add_test(tc, explicit_jobs_start_workers_at_once);
	tcase_add_test(tc, default_workers_start_on_a_long_run_and_park_when_not_parallel);
	tcase_add_test(tc, default_workers_wait_while_the_cores_are_busy);
	tcase_add_test(tc, adaptation_decides_by_cpu_per_wall);
	suite_add_tcase(s, tc);
	return s;
}
