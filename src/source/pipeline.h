/*
 * pipeline.h - the inputs of a run read, split and parsed ahead of the
 * analysis by worker threads (pipeline.c), handed over in order.
 */
#ifndef MIGRALINT_PIPELINE_H
#define MIGRALINT_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "arena.h"
#include "parse.h"
#include "split.h"

typedef struct ml_pipeline ml_pipeline;

/* A file of the run as the engine gets it: read, checked for NUL bytes and
 * split. Owned by the pipeline until ml_pipeline_release. */
typedef enum ml_read_status {
	ML_READ_DONE = 0,         /* read (or nothing to read: skipped, or text given) */
	ML_READ_FAILED,           /* read_errno says why */
	ML_READ_TOO_LARGE,        /* more bytes than the run's max_input_size */
	ML_READ_REPLACED,         /* found in a directory, but by the time it was opened no
				     longer the regular file the walk had seen there */
} ml_read_status;

typedef struct ml_source {
	const char *path;         /* display path, the caller's */
	char *text;               /* NUL-terminated; NULL when it was not read */
	size_t len;
	ml_read_status read_status;
	int read_errno;           /* ML_READ_FAILED: why (an errno value) */
	size_t mapped_size;       /* text is mmap'd pages of this size; 0: malloc'd */
	size_t dropped;           /* text before this offset is gone (ml_pipeline_drop_text) */
	bool has_nul;             /* then not split: nul_at is the first NUL */
	size_t nul_at;
	ml_arena *arena;          /* owns chunks */
	ml_chunk_list chunks;
} ml_source;

/* Reads stream to its end into a NUL-terminated malloc'd buffer (*text,
 * *len bytes; the caller frees it), starting with cap bytes and doubling,
 * but never more than limit bytes and the one after them. Returns 0, EFBIG
 * when the stream holds more than limit bytes, or another errno value
 * (nothing to free in both cases). */
int ml_read_stream(FILE *stream, size_t cap, size_t limit, char **text, size_t *len);

/* Why src could not be read, for a message: a static string, or buf (len
 * bytes). max_size is the run's max_input_size. On the engine's thread:
 * strerror's buffer may be per thread. */
const char *ml_source_read_error(const ml_source *src, size_t max_size, char *buf, size_t len);

typedef struct ml_pipeline_item {
	const char *path;         /* display path; read from it unless text is set */
	char *text;               /* malloc'd, NUL-terminated; the pipeline takes it over */
	size_t len;
	bool skip;                /* do not read: excluded, or nothing to read */
	/* Found by a directory walk, which saw a regular file (device dev,
	 * inode ino) there, through a symbolic link when via_link: it is opened
	 * without waiting (a FIFO put there since would block), without
	 * following a link that was not one, and read only if the descriptor is
	 * that same regular file. Named files are read as given. */
	bool found_in_dir;
	bool via_link;
	unsigned long long dev, ino;
} ml_pipeline_item;

/* A pipeline whose workers read, split and parse the items' statements
 * ahead of the engine, reading at most max_size bytes of an input (0:
 * ML_DEFAULT_MAX_INPUT_SIZE). jobs >= 2 starts jobs - 1 workers at once;
 * jobs 1 none; jobs 0 one less than the cores, started only once the run
 * has lasted a while, and parked while they do not run in parallel with
 * the engine (pipeline.c). items are copied; their paths must outlive the
 * pipeline. Returns NULL only when out of memory. */
ml_pipeline *ml_pipeline_new(const ml_pipeline_item *items, size_t n, int jobs, size_t max_size);
/* Item k, ready: prepared here if no worker got to it. Call for k = 0, 1,
 * ... in order, and release each before the next. */
const ml_source *ml_pipeline_source(ml_pipeline *p, size_t k);
/* Statement chunk j of item k as a worker parsed it, moved to *out (the
 * caller frees it); status ML_PARSED_NONE when no worker did, and then none
 * will. Take chunks in increasing order. */
void ml_pipeline_take(ml_pipeline *p, size_t k, size_t j, ml_parsed *out);
/* Gives the pages of item k's text wholly before offset before back to the
 * system, when the text has pages of its own (a large regular file): the
 * engine is done with them. They read as zeros afterwards. */
void ml_pipeline_drop_text(ml_pipeline *p, size_t k, size_t before);
/* Frees item k's text and chunks and whatever was parsed of it and not taken. */
void ml_pipeline_release(ml_pipeline *p, size_t k);
/* Where adaptive workers stand. */
typedef enum ml_pipeline_mode {
	ML_PIPELINE_SERIAL = 0, /* no worker started */
	ML_PIPELINE_PROBE,      /* workers on for one period, to measure */
	ML_PIPELINE_PARALLEL,   /* workers on: they ran beside the engine */
	ML_PIPELINE_PARKED,     /* workers waiting: they did not */
} ml_pipeline_mode;

/* The next mode after a period in mode, in which the process used
 * cpu_per_wall seconds of CPU per second (pure; for the tests). */
ml_pipeline_mode ml_pipeline_decide(ml_pipeline_mode mode, double cpu_per_wall);

typedef struct ml_pipeline_stats {
	int workers;                /* started */
	ml_pipeline_mode mode;      /* now */
	unsigned periods;           /* measured since the workers started */
	unsigned parked_periods;
	unsigned probes;
	unsigned busy_checks;       /* starts or probes put off: no core was free */
} ml_pipeline_stats;

/* For the tests: how many threads are running or ready on the machine
 * (-1: unknown), in place of /proc/stat; NULL restores it. Not thread-safe:
 * set it before pipelines are made. */
void ml_pipeline_set_runnable_probe(int (*probe)(void));

/* What p's workers did so far (the engine's thread). */
ml_pipeline_stats ml_pipeline_get_stats(const ml_pipeline *p);

/* clock_gettime(clock) in nanoseconds; 0 when the clock cannot be read. */
unsigned long long ml_now_ns(clockid_t clock);

/* Stops the workers and frees everything. NULL is fine. */
void ml_pipeline_free(ml_pipeline *p);

#endif
