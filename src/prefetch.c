/*
 * prefetch.c - parses the statements of a large file on worker threads,
 * ahead of the engine. Parsing (and libpg_query's packing of the tree) is
 * most of the work and each statement parses on its own, while the
 * analysis must run in order (transactions, schema state): so workers parse
 * chunk i + k while the engine analyses chunk i, and the engine takes the
 * results in order. The output is the same as without workers.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* Chunks parsed ahead of the engine at most: bounds the memory held. */
#define PREFETCH_WINDOW 512
#define PREFETCH_MAX_WORKERS 16

enum slot_state { SLOT_PENDING = 0, SLOT_WORKING, SLOT_DONE };

struct slot {
	enum slot_state state;
	bool parsed;                        /* result holds a parse (or its error) */
	PgQueryProtobufParseResult result;
};

struct ml_prefetch {
	const char *text;
	const ml_chunk_list *chunks;
	struct slot *slots;
	size_t next;                        /* next chunk a worker claims */
	size_t taken;                       /* chunks the engine has taken */
	bool stopping;
	pthread_mutex_t mutex;
	pthread_cond_t changed;
	pthread_t workers[PREFETCH_MAX_WORKERS];
	int n_workers;
};

static void parse_chunk(struct ml_prefetch *p, size_t i, struct slot *slot)
{
	const ml_chunk *c = &p->chunks->items[i];
	if (c->kind != ML_CHUNK_STATEMENT)
		return;
	size_t len = c->end - c->start;
	char *copy = malloc(len + 1);
	if (!copy)
		return;
	ml_chunk_copy_text(p->text, p->chunks, c->start, c->end, copy);
	/* Statements too deep to parse safely are left to the engine, which
	 * reports them. */
	if (ml_nesting_estimate(copy, len) <= ML_MAX_NESTING_ESTIMATE) {
		slot->result = pg_query_parse_protobuf(copy);
		slot->parsed = true;
	}
	free(copy);
}

static void *worker_main(void *arg)
{
	struct ml_prefetch *p = arg;
	pthread_mutex_lock(&p->mutex);
	for (;;) {
		while (!p->stopping && p->next < p->chunks->len && p->next >= p->taken + PREFETCH_WINDOW)
			pthread_cond_wait(&p->changed, &p->mutex);
		if (p->stopping || p->next >= p->chunks->len)
			break;
		size_t i = p->next++;
		struct slot *slot = &p->slots[i];
		slot->state = SLOT_WORKING;
		pthread_mutex_unlock(&p->mutex);
		parse_chunk(p, i, slot);
		pthread_mutex_lock(&p->mutex);
		slot->state = SLOT_DONE;
		pthread_cond_broadcast(&p->changed);
	}
	pthread_mutex_unlock(&p->mutex);
	return NULL;
}

ml_prefetch *ml_prefetch_start(const char *text, const ml_chunk_list *chunks, int jobs)
{
	if (jobs < 2 || chunks->len < ML_PREFETCH_MIN_CHUNKS)
		return NULL;
	struct ml_prefetch *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->slots = calloc(chunks->len, sizeof(*p->slots));
	if (!p->slots) {
		free(p);
		return NULL;
	}
	p->text = text;
	p->chunks = chunks;
	pthread_mutex_init(&p->mutex, NULL);
	pthread_cond_init(&p->changed, NULL);
	/* The engine's thread is busy analysing: jobs - 1 workers parse. */
	int workers = jobs - 1 < PREFETCH_MAX_WORKERS ? jobs - 1 : PREFETCH_MAX_WORKERS;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, ML_LINT_STACK_SIZE);
	for (int i = 0; i < workers; i++)
		if (pthread_create(&p->workers[p->n_workers], &attr, worker_main, p) == 0)
			p->n_workers++;
	pthread_attr_destroy(&attr);
	if (p->n_workers == 0) {
		ml_prefetch_finish(p);
		return NULL;
	}
	return p;
}

bool ml_prefetch_take(ml_prefetch *p, size_t i, PgQueryProtobufParseResult *out)
{
	pthread_mutex_lock(&p->mutex);
	while (p->slots[i].state != SLOT_DONE && (p->slots[i].state == SLOT_WORKING || i >= p->next))
		pthread_cond_wait(&p->changed, &p->mutex);
	struct slot *slot = &p->slots[i];
	bool parsed = slot->state == SLOT_DONE && slot->parsed;
	if (parsed) {
		*out = slot->result;
		slot->parsed = false; /* now the caller's */
	}
	if (p->taken < i + 1)
		p->taken = i + 1;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->mutex);
	return parsed;
}

void ml_prefetch_finish(ml_prefetch *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mutex);
	p->stopping = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->mutex);
	for (int i = 0; i < p->n_workers; i++)
		pthread_join(p->workers[i], NULL);
	for (size_t i = 0; i < p->chunks->len; i++)
		if (p->slots[i].parsed)
			pg_query_free_protobuf_parse_result(p->slots[i].result);
	pthread_cond_destroy(&p->changed);
	pthread_mutex_destroy(&p->mutex);
	free(p->slots);
	free(p);
}
