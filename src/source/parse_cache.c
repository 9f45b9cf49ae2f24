/*
 * parse_cache.c - the process-wide cache of packed parse trees, keyed by a
 * statement's exact text. Two generations, each an arena with a hash map:
 * entries go into the young one, a hit in the old one is copied into the
 * young one, and when the young one holds half the budget the old one is
 * freed whole and the young one takes its place. So what the last lints
 * used stays, memory is bounded, and nothing is freed entry by entry.
 * Callers get a copy of a tree, made under the lock, so a generation can
 * be freed while another thread unpacks. A key is the kind's byte, then
 * the text.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "map.h"
#include "parse_cache.h"

typedef struct cached_tree {
	size_t len;
	uint8_t bytes[];
} cached_tree;

typedef struct generation {
	ml_arena *arena;          /* NULL until the first entry */
	ml_map map;               /* text -> cached_tree */
	size_t bytes;             /* texts and trees kept */
} generation;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic size_t budget; /* 0: off */
static generation young, old;
static size_t hits, misses;

static void generation_free(generation *g)
{
	ml_arena_free(g->arena);
	memset(g, 0, sizeof(*g));
}

void ml_parse_cache_enable(size_t max_bytes)
{
	pthread_mutex_lock(&lock);
	atomic_store(&budget, max_bytes);
	if (!max_bytes) {
		generation_free(&young);
		generation_free(&old);
	}
	hits = misses = 0;
	pthread_mutex_unlock(&lock);
}

/* Adds key's bytes to the young generation, the old one going when the
 * young one is full. Called with the lock held. */
static void add(const char *key, const uint8_t *tree, size_t len)
{
	if (!young.arena && !(young.arena = ml_arena_new()))
		return;
	cached_tree *t = ml_arena_alloc(young.arena, sizeof(*t) + len);
	t->len = len;
	memcpy(t->bytes, tree, len);
	ml_map_put(young.arena, &young.map, key, t);
	young.bytes += strlen(key) + len + 64;
	if (young.bytes > atomic_load(&budget) / 2) {
		generation_free(&old);
		old = young;
		memset(&young, 0, sizeof(young));
	}
}

/* The key of text: kind's byte, then text; in buf when it fits, else
 * malloc'd (*owned then says so); NULL when memory runs out. */
static char *key_of(ml_parse_cache_kind kind, const char *text, char *buf, size_t buf_len, char **owned)
{
	size_t n = strlen(text);
	char *key = buf;
	*owned = NULL;
	if (n + 2 > buf_len && !(key = *owned = malloc(n + 2)))
		return NULL;
	key[0] = (char)kind;
	memcpy(key + 1, text, n + 1);
	return key;
}

uint8_t *ml_parse_cache_get(ml_parse_cache_kind kind, const char *text, size_t *len)
{
	if (!atomic_load(&budget))
		return NULL;
	char buf[1024], *owned;
	const char *key = key_of(kind, text, buf, sizeof(buf), &owned);
	if (!key)
		return NULL;
	pthread_mutex_lock(&lock);
	const cached_tree *t = young.arena ? ml_map_get(&young.map, key) : NULL;
	bool from_old = false;
	if (!t && old.arena) {
		t = ml_map_get(&old.map, key);
		from_old = t != NULL;
	}
	uint8_t *copy = t ? malloc(t->len ? t->len : 1) : NULL;
	if (copy) {
		memcpy(copy, t->bytes, t->len);
		*len = t->len;
		if (from_old)
			add(key, copy, t->len); /* still in use: keep it young */
	}
	if (copy)
		hits++;
	else
		misses++;
	pthread_mutex_unlock(&lock);
	free(owned);
	return copy;
}

void ml_parse_cache_put(ml_parse_cache_kind kind, const char *text, const uint8_t *bytes, size_t len)
{
	if (!atomic_load(&budget))
		return;
	char buf[1024], *owned;
	const char *key = key_of(kind, text, buf, sizeof(buf), &owned);
	if (!key)
		return;
	pthread_mutex_lock(&lock);
	if (!young.arena || !ml_map_get(&young.map, key))
		add(key, bytes, len);
	pthread_mutex_unlock(&lock);
	free(owned);
}

void ml_parse_cache_counts(size_t *hit, size_t *miss)
{
	pthread_mutex_lock(&lock);
	*hit = hits;
	*miss = misses;
	pthread_mutex_unlock(&lock);
}
