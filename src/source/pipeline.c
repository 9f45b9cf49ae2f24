/*
 * pipeline.c - reads, splits and parses a run's files on worker threads,
 * ahead of the engine. Parsing (and libpg_query's packing of each tree) is
 * most of the work, and a statement parses on its own; the analysis must
 * run in order, because transactions and schema knowledge carry from one
 * statement and one file to the next. So workers prepare file k + i and
 * parse the statements after the one the engine is analysing, across file
 * boundaries, and the engine takes the results in order. Whatever a worker
 * has not started when the engine needs it, the engine does itself: the
 * report is the same as with no workers, byte for byte.
 *
 * Workers cost more than they save on a small run, and on a machine whose
 * cores are busy: two threads then share one core, the engine waits for a
 * worker the scheduler put aside, and the handing over is paid for
 * nothing. So by default (jobs 0) no worker starts before the run has
 * taken START_AFTER of work, nor while the threads running on the machine
 * (/proc/stat) fill its cores; then the engine measures, period by
 * period, the process's CPU time against the wall time: below
 * PARALLEL_RATIO, the workers did not run beside the engine, and they are
 * parked until a later probe period finds cores free again. An explicit
 * jobs count starts its workers at once and keeps them.
 *
 * Claims go in order: files are prepared in input order, and statement
 * chunks are claimed in (file, chunk) order and queued in a ring, oldest
 * first. The engine takes chunks in that same order, so the chunk it wants
 * is either at the head of the ring or not claimed yet.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "migralint/migralint.h"
#include "parse.h"
#include "pipeline.h"
#include "split.h"
#include "tree.h"

/* Statements parsed ahead of the engine at most: bounds the trees held. */
#define RING_SIZE 64
/* And their tokens at most (ml_statement_measure), which bounds the memory
 * the trees take (up to about 330 bytes a token while parsed) beside the
 * statement the engine is on. A statement with more tokens than this is
 * left to the engine, which parses it when it gets there. */
#define TOKENS_AHEAD ((size_t)250000)
/* Files prepared ahead of the one the engine is on, and their bytes: bounds
 * the text held. The engine's own file is always prepared, whatever its size. */
#define FILES_AHEAD 64
#define BYTES_AHEAD ((size_t)32 * 1024 * 1024)
#define MAX_WORKERS 64
/* Adaptive workers (jobs 0): none before this much wall time (a run that
 * ends sooner never starts a thread), periods this long, and the CPU to
 * wall ratio over a period under which workers did not run in parallel
 * (two threads sharing one core give about 1.0, a worker beside the engine
 * 1.3 and more). Probes of a parked pool are this many periods apart at
 * first, then twice as many after each failed probe, up to the most. */
#define START_AFTER_NS (30ull * 1000 * 1000)
#define PERIOD_NS (50ull * 1000 * 1000)
#define PARALLEL_RATIO 1.25
#define PROBE_FIRST 4
#define PROBE_MOST 64

enum file_state { FILE_UNCLAIMED = 0, FILE_PREPARING, FILE_READY, FILE_RELEASED };

struct file_slot {
	enum file_state state;
	bool skip;                   /* nothing to read: excluded, or an error item */
	bool counted_ahead;          /* its bytes are in bytes_ahead */
	const char *read_path;       /* to read; NULL when text was given */
	bool found_in_dir, via_link; /* as in ml_pipeline_item */
	unsigned long long dev, ino;
	ml_source source;
};

struct ring_entry {
	size_t file, chunk;
	bool done;
	size_t tokens;               /* counted in tokens_ahead */
	ml_parsed parsed;
};

struct ml_pipeline {
	struct file_slot *files;
	size_t n_files;
	size_t max_size;             /* the most bytes read from one input */
	size_t engine_file;          /* the file the engine is on */
	size_t prepare_next;         /* next file to prepare */
	size_t bytes_ahead;          /* text of files prepared past engine_file */
	size_t claim_file, claim_chunk; /* next statement chunk to claim */
	struct ring_entry ring[RING_SIZE];
	size_t ring_head, ring_count;
	size_t tokens_ahead;         /* of the ring's statements parsed or being parsed */
	bool stopping;
	pthread_mutex_t mutex;
	/* Waking threads is costly next to parsing one statement: workers wait
	 * on work_ready and are woken only when they are idle and new work
	 * appears; the engine waits on engine_wake and is woken only when it
	 * waits. */
	pthread_cond_t work_ready;
	pthread_cond_t engine_wake;
	int idle_workers;
	bool engine_waiting;
	pthread_t workers[MAX_WORKERS];
	int n_workers;
	/* Workers 0..active_workers - 1 may claim work; the others wait. */
	int active_workers;
	/* The engine's adaptation (jobs 0); only the engine touches these. */
	bool adaptive;
	int max_workers;             /* workers to start: one less than the cores */
	bool started;                /* the workers are started */
	unsigned long long t0;       /* when the pipeline was made */
	unsigned long long period_wall, period_cpu; /* when the current period began */
	int periods_to_probe;        /* parked: periods left before a probe */
	int probe_gap;               /* parked: periods between probes */
	ml_pipeline_stats stats;
};

/* ---- preparing a file ----------------------------------------------------- */

/* Files at least this big are read into pages of their own, which the
 * engine hands back to the system as it moves past them. */
#define MAPPED_MIN ((size_t)1 << 20)

/* Reads a regular file of size bytes (as fstat said) into anonymous pages;
 * the file may have changed size since. Returns 0, or an errno value;
 * EAGAIN when the file grew. */
static int read_mapped(FILE *f, size_t size, ml_source *src)
{
	size_t cap = size + 2;
	char *data = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (data == MAP_FAILED)
		return ENOMEM;
	size_t used = 0, n;
	while (used < cap - 1 && (n = fread(data + used, 1, cap - 1 - used, f)) > 0)
		used += n;
	if (ferror(f) || used == cap - 1) {
		/* A read error, or a file that grew while read: the plain way. */
		munmap(data, cap);
		return ferror(f) ? (errno ? errno : EIO) : EAGAIN;
	}
	data[used] = '\0';
	src->text = data;
	src->len = used;
	src->mapped_size = cap;
	return 0;
}

static void read_failed(ml_source *src, int err)
{
	if (err == EFBIG) {
		src->read_status = ML_READ_TOO_LARGE;
	} else {
		src->read_status = ML_READ_FAILED;
		src->read_errno = err; /* strerror on the engine's thread: its buffer can be per thread */
	}
}

/* Reads slot's file whole into a NUL-terminated buffer of its source, at
 * most max_size bytes, or records why it could not. */
static void read_whole(const struct file_slot *slot, size_t max_size, ml_source *src)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY;
	if (slot->found_in_dir) {
		/* The walk saw a regular file. Whatever may have replaced it
		 * since is not waited on (a FIFO would block the open) nor
		 * followed (a new link could point anywhere), and is not read:
		 * the descriptor must be that file. */
		flags |= O_NONBLOCK;
		if (!slot->via_link)
			flags |= O_NOFOLLOW;
	}
	int fd = open(slot->read_path, flags);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0) {
		int err = errno ? errno : EIO;
		if (fd >= 0)
			close(fd);
		if (slot->found_in_dir && err == ELOOP && !slot->via_link)
			src->read_status = ML_READ_REPLACED;
		else
			read_failed(src, err);
		return;
	}
	if (slot->found_in_dir && (!S_ISREG(sb.st_mode) || (unsigned long long)sb.st_dev != slot->dev ||
				   (unsigned long long)sb.st_ino != slot->ino)) {
		close(fd);
		src->read_status = ML_READ_REPLACED;
		return;
	}
	if (S_ISREG(sb.st_mode) && (unsigned long long)sb.st_size > max_size) {
		close(fd);
		src->read_status = ML_READ_TOO_LARGE;
		return;
	}
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		close(fd);
		read_failed(src, ENOMEM);
		return;
	}
	/* A regular file's size is known: one buffer of the right size, with
	 * no doubling to waste. A FIFO or device grows the buffer as it reads. */
	size_t cap = 64 * 1024;
	if (S_ISREG(sb.st_mode) && sb.st_size > 0) {
		cap = (size_t)sb.st_size + 2;
		if (cap > MAPPED_MIN) {
			int err = read_mapped(f, (size_t)sb.st_size, src);
			if (err != EAGAIN) {
				fclose(f);
				if (err)
					read_failed(src, err);
				return;
			}
			rewind(f);
		}
	}
	int err = ml_read_stream(f, cap, max_size, &src->text, &src->len);
	fclose(f);
	if (err)
		read_failed(src, err);
}

int ml_read_stream(FILE *stream, size_t cap, size_t limit, char **text, size_t *len)
{
	/* The byte after the limit tells a stream that is too large from one
	 * that is just at it; nothing after it is read. */
	size_t most = limit < SIZE_MAX - 2 ? limit + 1 : SIZE_MAX - 2;
	if (cap > most + 1)
		cap = most + 1;
	if (cap < 2)
		cap = 2;
	size_t used = 0;
	char *data = malloc(cap);
	while (data && used < most) {
		if (cap - used < 2) {
			size_t want = cap > (most + 1) / 2 ? most + 1 : cap * 2;
			char *grown = realloc(data, want);
			if (!grown) {
				free(data);
				data = NULL;
				break;
			}
			data = grown;
			cap = want;
		}
		size_t room = cap - used - 1;
		if (room > most - used)
			room = most - used;
		size_t n = fread(data + used, 1, room, stream);
		used += n;
		if (n == 0)
			break;
	}
	if (!data)
		return ENOMEM;
	if (ferror(stream)) {
		int err = errno ? errno : EIO;
		free(data);
		return err;
	}
	if (used > limit) {
		free(data);
		return EFBIG;
	}
	data[used] = '\0';
	*text = data;
	*len = used;
	return 0;
}

const char *ml_source_read_error(const ml_source *src, size_t max_size, char *buf, size_t len)
{
	char size[32];
	switch (src->read_status) {
	case ML_READ_TOO_LARGE:
		snprintf(buf, len, "larger than --max-input-size (%s): not read",
			 ml_size_format(max_size ? max_size : ML_DEFAULT_MAX_INPUT_SIZE, size, sizeof(size)));
		return buf;
	case ML_READ_REPLACED:
		return "replaced since its directory was read (no longer the regular file found there): not read";
	case ML_READ_FAILED:
		return strerror(src->read_errno);
	default:
		return "not read";
	}
}

/* Makes slot's source ready for the engine: its text, and its chunks unless
 * it holds a NUL byte (the engine then reports the file and stops). */
static void prepare(struct file_slot *slot, size_t max_size)
{
	ml_source *src = &slot->source;
	if (slot->skip)
		return;
	if (slot->read_path) {
		read_whole(slot, max_size, src);
		if (src->read_status != ML_READ_DONE)
			return;
	}
	const char *nul = memchr(src->text, '\0', src->len);
	if (nul) {
		src->has_nul = true;
		src->nul_at = (size_t)(nul - src->text);
		return;
	}
	src->arena = ml_arena_new();
	ml_split(src->arena, src->text, src->len, &src->chunks);
}

static void release_source(ml_source *src)
{
	if (src->mapped_size)
		munmap(src->text, src->mapped_size);
	else
		free(src->text);
	src->text = NULL;
	src->mapped_size = 0;
	if (src->arena)
		ml_arena_free(src->arena);
	src->arena = NULL;
	memset(&src->chunks, 0, sizeof(src->chunks));
}

/* ---- claiming work (mutex held) ------------------------------------------ */

static bool may_prepare(const struct ml_pipeline *p)
{
	if (p->prepare_next >= p->n_files)
		return false;
	if (p->prepare_next <= p->engine_file)
		return true;
	return p->prepare_next - p->engine_file <= FILES_AHEAD && p->bytes_ahead < BYTES_AHEAD;
}

/* The next statement chunk to parse, if the ring has room and its file is
 * prepared. Moves the claim cursor past it. */
static bool claim_statement(struct ml_pipeline *p, size_t *file, size_t *chunk)
{
	if (p->ring_count == RING_SIZE)
		return false;
	if (p->claim_file < p->engine_file) {
		p->claim_file = p->engine_file;
		p->claim_chunk = 0;
	}
	while (p->claim_file < p->n_files) {
		struct file_slot *f = &p->files[p->claim_file];
		if (f->state == FILE_UNCLAIMED || f->state == FILE_PREPARING)
			return false;
		const ml_chunk_list *chunks = &f->source.chunks;
		while (f->state == FILE_READY && p->claim_chunk < chunks->len) {
			size_t j = p->claim_chunk++;
			if (chunks->items[j].kind == ML_CHUNK_STATEMENT) {
				*file = p->claim_file;
				*chunk = j;
				return true;
			}
		}
		p->claim_file++;
		p->claim_chunk = 0;
	}
	return false;
}

static struct ring_entry *ring_push(struct ml_pipeline *p, size_t file, size_t chunk)
{
	struct ring_entry *e = &p->ring[(p->ring_head + p->ring_count) % RING_SIZE];
	p->ring_count++;
	e->file = file;
	e->chunk = chunk;
	e->done = false;
	e->tokens = 0;
	memset(&e->parsed, 0, sizeof(e->parsed));
	return e;
}

/* Drops the ring's oldest entry, freeing what was parsed unless the caller
 * took it (mutex held). */
static void ring_pop(struct ml_pipeline *p)
{
	struct ring_entry *e = &p->ring[p->ring_head];
	ml_parsed_free(&e->parsed);
	p->tokens_ahead -= e->tokens;
	e->tokens = 0;
	p->ring_head = (p->ring_head + 1) % RING_SIZE;
	p->ring_count--;
}

/* New work may be there for idle workers (mutex held). */
static void wake_workers(struct ml_pipeline *p, bool all)
{
	if (p->idle_workers == 0)
		return;
	if (all)
		pthread_cond_broadcast(&p->work_ready);
	else
		pthread_cond_signal(&p->work_ready);
}

/* Something the engine may be waiting for happened (mutex held). */
static void wake_engine(struct ml_pipeline *p)
{
	if (p->engine_waiting)
		pthread_cond_signal(&p->engine_wake);
}

/* The engine waits for a worker (mutex held). */
static void engine_wait(struct ml_pipeline *p)
{
	p->engine_waiting = true;
	pthread_cond_wait(&p->engine_wake, &p->mutex);
	p->engine_waiting = false;
}

/* Parses e's statement, called with the mutex unlocked. A statement left
 * unparsed (ML_PARSED_NONE) is parsed by the engine itself: one that would
 * take the trees held ahead past TOKENS_AHEAD, or when memory runs out. */
static void parse_entry(struct ml_pipeline *p, struct ring_entry *e)
{
	const ml_source *src = &p->files[e->file].source;
	const ml_chunk *c = &src->chunks.items[e->chunk];
	size_t len = c->end - c->start;
	char *copy = malloc(len + 1);
	if (!copy)
		return;
	ml_chunk_copy_text(src->text, &src->chunks, c->start, c->end, copy);
	ml_statement_size size;
	ml_statement_measure(copy, len, &size);
	pthread_mutex_lock(&p->mutex);
	bool room = p->tokens_ahead + size.tokens <= TOKENS_AHEAD;
	if (room) {
		e->tokens = size.tokens;
		p->tokens_ahead += size.tokens;
	}
	pthread_mutex_unlock(&p->mutex);
	if (room)
		ml_parse_statement(copy, len, &e->parsed);
	free(copy);
}

/* The worker's index among p->workers (mutex held). */
static int worker_index(const struct ml_pipeline *p)
{
	pthread_t self = pthread_self();
	for (int i = 0; i < p->n_workers; i++)
		if (pthread_equal(p->workers[i], self))
			return i;
	return 0;
}

static void *worker_main(void *arg)
{
	struct ml_pipeline *p = arg;
	pthread_mutex_lock(&p->mutex);
	int index = worker_index(p);
	while (!p->stopping) {
		size_t file, chunk;
		if (index >= p->active_workers) {
			/* Parked: the engine found that workers did not run beside it. */
			p->idle_workers++;
			pthread_cond_wait(&p->work_ready, &p->mutex);
			p->idle_workers--;
		} else if (claim_statement(p, &file, &chunk)) {
			struct ring_entry *e = ring_push(p, file, chunk);
			pthread_mutex_unlock(&p->mutex);
			/* The slot stays put: the engine pops it only once done. */
			parse_entry(p, e);
			pthread_mutex_lock(&p->mutex);
			e->done = true;
			wake_engine(p);
		} else if (may_prepare(p)) {
			size_t k = p->prepare_next++;
			struct file_slot *f = &p->files[k];
			f->state = FILE_PREPARING;
			pthread_mutex_unlock(&p->mutex);
			prepare(f, p->max_size);
			pthread_mutex_lock(&p->mutex);
			f->state = FILE_READY;
			if (k > p->engine_file) {
				p->bytes_ahead += f->source.len;
				f->counted_ahead = true;
			}
			wake_engine(p);
			wake_workers(p, true); /* its statements can be parsed */
		} else {
			p->idle_workers++;
			pthread_cond_wait(&p->work_ready, &p->mutex);
			p->idle_workers--;
		}
	}
	pthread_mutex_unlock(&p->mutex);
	return NULL;
}

/* ---- the engine's side ---------------------------------------------------- */

unsigned long long ml_now_ns(clockid_t clock)
{
	struct timespec ts;
	if (clock_gettime(clock, &ts) != 0)
		return 0;
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

/* Starts p->max_workers workers, all active (engine's thread). */
static void start_workers(struct ml_pipeline *p)
{
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	/* Parsing recurses in libpg_query: workers get the engine's stack. */
	pthread_attr_setstacksize(&attr, ML_LINT_STACK_SIZE);
	pthread_mutex_lock(&p->mutex);
	for (int i = 0; i < p->max_workers; i++)
		if (pthread_create(&p->workers[p->n_workers], &attr, worker_main, p) == 0)
			p->n_workers++;
	p->active_workers = p->n_workers;
	p->started = true;
	p->stats.mode = p->n_workers ? ML_PIPELINE_PARALLEL : ML_PIPELINE_SERIAL;
	pthread_mutex_unlock(&p->mutex);
	pthread_attr_destroy(&attr);
}

ml_pipeline *ml_pipeline_new(const ml_pipeline_item *items, size_t n, int jobs, size_t max_size)
{
	struct ml_pipeline *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->files = calloc(n ? n : 1, sizeof(*p->files));
	if (!p->files) {
		free(p);
		return NULL;
	}
	p->n_files = n;
	p->max_size = max_size ? max_size : ML_DEFAULT_MAX_INPUT_SIZE;
	for (size_t k = 0; k < n; k++) {
		struct file_slot *f = &p->files[k];
		f->skip = items[k].skip;
		f->found_in_dir = items[k].found_in_dir;
		f->via_link = items[k].via_link;
		f->dev = items[k].dev;
		f->ino = items[k].ino;
		f->source.path = items[k].path;
		if (items[k].text) {
			/* Given text is ready to split; taking it over avoids a copy. */
			f->source.text = items[k].text;
			f->source.len = items[k].len;
		} else {
			f->read_path = items[k].path;
		}
	}
	pthread_mutex_init(&p->mutex, NULL);
	pthread_cond_init(&p->work_ready, NULL);
	pthread_cond_init(&p->engine_wake, NULL);
	p->t0 = ml_now_ns(CLOCK_MONOTONIC);
	if (jobs == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		p->adaptive = true;
		p->max_workers = cores > 1 ? (int)(cores - 1 < MAX_WORKERS ? cores - 1 : MAX_WORKERS) : 0;
		return p;
	}
	/* The engine's thread analyses, and parses instead of waiting for a
	 * worker: with jobs - 1 workers, jobs threads keep busy. */
	p->max_workers = jobs - 1 < MAX_WORKERS ? jobs - 1 : MAX_WORKERS;
	start_workers(p);
	return p;
}

/* ---- adapting the workers (jobs 0) ------------------------------------------ */

ml_pipeline_mode ml_pipeline_decide(ml_pipeline_mode mode, double cpu_per_wall)
{
	if (mode == ML_PIPELINE_PARALLEL || mode == ML_PIPELINE_PROBE)
		return cpu_per_wall >= PARALLEL_RATIO ? ML_PIPELINE_PARALLEL : ML_PIPELINE_PARKED;
	return ML_PIPELINE_PARKED;
}

static void set_active(struct ml_pipeline *p, int n)
{
	pthread_mutex_lock(&p->mutex);
	p->active_workers = n;
	wake_workers(p, true);
	pthread_mutex_unlock(&p->mutex);
}

static void begin_period(struct ml_pipeline *p, unsigned long long now)
{
	p->period_wall = now;
	p->period_cpu = ml_now_ns(CLOCK_PROCESS_CPUTIME_ID);
}

/* Threads running or ready to run on the machine, ours among them, from
 * /proc/stat's procs_running; -1 when it cannot be read. */
static int runnable_now(void)
{
	FILE *f = fopen("/proc/stat", "re");
	if (!f)
		return -1;
	char line[256];
	int n = -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "procs_running %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

static int (*runnable_probe)(void) = runnable_now;

void ml_pipeline_set_runnable_probe(int (*probe)(void))
{
	runnable_probe = probe ? probe : runnable_now;
}

/* Is there a core for a worker now? Not when the threads already running
 * (the engine among them) fill the cores: a worker would only take turns
 * with them. Yes when it cannot be told. */
static bool core_free(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int running = runnable_probe();
	return running < 0 || cores < 1 || running < cores;
}

/* On the engine's thread, between statements: once the run has lasted
 * START_AFTER_NS, starts the workers when a core is free, then parks and
 * probes them period by period. */
static void adapt(struct ml_pipeline *p)
{
	if (!p->adaptive || p->max_workers == 0)
		return;
	unsigned long long now = ml_now_ns(CLOCK_MONOTONIC);
	if (!p->started) {
		if (now - p->t0 < START_AFTER_NS || now - p->period_wall < PERIOD_NS)
			return;
		if (!core_free()) {
			/* A busy machine: look again a period later. */
			p->stats.busy_checks++;
			p->period_wall = now;
			return;
		}
		start_workers(p);
		p->stats.mode = ML_PIPELINE_PROBE;
		p->probe_gap = PROBE_FIRST;
		begin_period(p, now);
		return;
	}
	if (now - p->period_wall < PERIOD_NS)
		return;
	p->stats.periods++;
	if (p->stats.mode == ML_PIPELINE_PARKED) {
		p->stats.parked_periods++;
		if (--p->periods_to_probe > 0) {
			begin_period(p, now);
			return;
		}
		if (!core_free()) {
			p->stats.busy_checks++;
			p->periods_to_probe = p->probe_gap;
			begin_period(p, now);
			return;
		}
		p->stats.probes++;
		p->stats.mode = ML_PIPELINE_PROBE;
		set_active(p, p->n_workers);
		begin_period(p, now);
		return;
	}
	double cpu = (double)(ml_now_ns(CLOCK_PROCESS_CPUTIME_ID) - p->period_cpu);
	double wall = (double)(now - p->period_wall);
	ml_pipeline_mode was = p->stats.mode;
	p->stats.mode = ml_pipeline_decide(was, cpu / wall);
	if (p->stats.mode == ML_PIPELINE_PARKED) {
		/* A probe that failed waits twice as long for the next one. */
		if (was == ML_PIPELINE_PROBE && p->probe_gap < PROBE_MOST)
			p->probe_gap *= 2;
		p->periods_to_probe = p->probe_gap;
		set_active(p, 0);
	} else {
		p->probe_gap = PROBE_FIRST;
	}
	begin_period(p, now);
}

ml_pipeline_stats ml_pipeline_get_stats(const ml_pipeline *p)
{
	ml_pipeline_stats stats = p->stats;
	stats.workers = p->n_workers;
	return stats;
}

const ml_source *ml_pipeline_source(ml_pipeline *p, size_t k)
{
	adapt(p);
	pthread_mutex_lock(&p->mutex);
	p->engine_file = k;
	struct file_slot *f = &p->files[k];
	if (f->counted_ahead) {
		p->bytes_ahead -= f->source.len;
		f->counted_ahead = false;
	}
	if (f->state == FILE_UNCLAIMED) {
		/* No worker got to it: files are claimed in order, so every
		 * file before k is done with and this one is next. */
		if (p->prepare_next < k + 1)
			p->prepare_next = k + 1;
		f->state = FILE_PREPARING;
		pthread_mutex_unlock(&p->mutex);
		prepare(f, p->max_size);
		pthread_mutex_lock(&p->mutex);
		f->state = FILE_READY;
	}
	while (f->state == FILE_PREPARING)
		engine_wait(p);
	/* Its statements can be parsed, and the window ahead moved. */
	wake_workers(p, true);
	pthread_mutex_unlock(&p->mutex);
	return &f->source;
}

/* Is (file, chunk) before (k, j)? */
static bool before(size_t file, size_t chunk, size_t k, size_t j)
{
	return file < k || (file == k && chunk < j);
}

void ml_pipeline_take(ml_pipeline *p, size_t k, size_t j, ml_parsed *out)
{
	memset(out, 0, sizeof(*out));
	adapt(p);
	pthread_mutex_lock(&p->mutex);
	for (;;) {
		if (p->ring_count == 0)
			break;
		struct ring_entry *e = &p->ring[p->ring_head];
		if (!before(e->file, e->chunk, k, j) && !(e->file == k && e->chunk == j))
			break; /* claims go in order: (k, j) was never claimed */
		while (!e->done) {
			/* A worker is on it: parse a later statement meanwhile,
			 * rather than sleep and be woken. */
			size_t file, chunk;
			if (claim_statement(p, &file, &chunk)) {
				struct ring_entry *mine = ring_push(p, file, chunk);
				pthread_mutex_unlock(&p->mutex);
				parse_entry(p, mine);
				pthread_mutex_lock(&p->mutex);
				mine->done = true;
			} else {
				engine_wait(p);
			}
		}
		bool wanted = e->file == k && e->chunk == j;
		if (wanted) {
			*out = e->parsed;
			memset(&e->parsed, 0, sizeof(e->parsed));
		}
		ring_pop(p); /* frees a chunk the engine skipped */
		wake_workers(p, false); /* room in the ring */
		if (wanted) {
			pthread_mutex_unlock(&p->mutex);
			return;
		}
	}
	/* Not claimed yet: the caller parses it; no worker may claim it now. */
	if (!before(k, j, p->claim_file, p->claim_chunk)) {
		p->claim_file = k;
		p->claim_chunk = j + 1;
	}
	pthread_mutex_unlock(&p->mutex);
	out->status = ML_PARSED_NONE;
}

void ml_pipeline_release(ml_pipeline *p, size_t k)
{
	pthread_mutex_lock(&p->mutex);
	/* Parses of this file the engine did not take (it stopped early). */
	while (p->ring_count > 0) {
		struct ring_entry *e = &p->ring[p->ring_head];
		if (e->file > k)
			break;
		while (!e->done)
			engine_wait(p);
		ring_pop(p);
	}
	if (p->claim_file <= k) {
		p->claim_file = k + 1;
		p->claim_chunk = 0;
	}
	p->files[k].state = FILE_RELEASED;
	wake_workers(p, true);
	pthread_mutex_unlock(&p->mutex);
	release_source(&p->files[k].source);
}

void ml_pipeline_drop_text(ml_pipeline *p, size_t k, size_t before)
{
	ml_source *src = &p->files[k].source;
	if (!src->mapped_size)
		return;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t upto = before / page * page;
	/* Workers only read text past the engine's chunk: no lock needed. */
	if (upto > src->dropped && madvise(src->text + src->dropped, upto - src->dropped, MADV_DONTNEED) == 0)
		src->dropped = upto;
}

void ml_pipeline_free(ml_pipeline *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mutex);
	p->stopping = true;
	pthread_cond_broadcast(&p->work_ready);
	pthread_mutex_unlock(&p->mutex);
	for (int i = 0; i < p->n_workers; i++)
		pthread_join(p->workers[i], NULL);
	while (p->ring_count > 0)
		ring_pop(p);
	for (size_t k = 0; k < p->n_files; k++)
		release_source(&p->files[k].source);
	pthread_cond_destroy(&p->work_ready);
	pthread_cond_destroy(&p->engine_wake);
	pthread_mutex_destroy(&p->mutex);
	free(p->files);
	free(p);
}
