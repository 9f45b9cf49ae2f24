/*
 * body_cache.c - the run's cache of PL/pgSQL bodies: for each routine text
 * the compiler's outcome with its JSON already parsed by cJSON, and for
 * each SQL text a body ran the packed parse tree libpg_query gave for it.
 * One arena and two hash maps; when the bytes kept pass the budget the
 * whole cache is emptied at the next body (never in the middle of one, so
 * the tree the expander walks stays). Emptying everything at once keeps
 * it simple, and a run rarely meets more distinct bodies than fit.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "body_cache.h"
#include "map.h"

typedef struct kept_tree {
	size_t len;
	uint8_t bytes[];
} kept_tree;

struct ml_body_cache {
	size_t max_bytes;
	size_t bytes;             /* kept: keys, trees, outcomes (estimated) */
	ml_arena *arena;          /* keys, kept_tree, ml_body_outcome, messages */
	ml_map bodies;            /* routine source -> ml_body_outcome */
	ml_map trees;             /* statement text -> kept_tree */
	ml_ptr_vec json;          /* cJSON * of the outcomes, freed when emptied */
	ml_body_cache_stats stats;
};

/* Per entry, beside its bytes: map slot, arena rounding. */
#define ENTRY_OVERHEAD 64

ml_body_cache *ml_body_cache_new(size_t max_bytes)
{
	ml_body_cache *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	if (!(c->arena = ml_arena_new())) {
		free(c);
		return NULL;
	}
	c->max_bytes = max_bytes;
	return c;
}

static void empty(ml_body_cache *c)
{
	for (size_t i = 0; i < c->json.len; i++)
		cJSON_Delete(c->json.items[i]);
	ml_arena_reset(c->arena);
	memset(&c->bodies, 0, sizeof(c->bodies));
	memset(&c->trees, 0, sizeof(c->trees));
	memset(&c->json, 0, sizeof(c->json));
	c->bytes = 0;
}

void ml_body_cache_free(ml_body_cache *c)
{
	if (!c)
		return;
	empty(c);
	ml_arena_free(c->arena);
	free(c);
}

const ml_body_outcome *ml_body_cache_get_body(ml_body_cache *c, const char *source)
{
	const ml_body_outcome *o = c->bodies.len ? ml_map_get(&c->bodies, source) : NULL;
	if (o)
		c->stats.body_hits++;
	else
		c->stats.body_misses++;
	return o;
}

/* The memory a cJSON tree takes, about: its items and their strings.
 * Iterative over siblings, recursive over depth (the compiler's JSON is
 * as deep as the body's nesting, which the expander bounds before). */
static size_t tree_bytes(const cJSON *node)
{
	size_t n = 0;
	for (; node; node = node->next) {
		n += sizeof(*node) + 16;
		if (node->string)
			n += strlen(node->string) + 1;
		if (node->valuestring)
			n += strlen(node->valuestring) + 1;
		n += tree_bytes(node->child);
	}
	return n;
}

const ml_body_outcome *ml_body_cache_put_body(ml_body_cache *c, const char *source, const ml_body_outcome *outcome)
{
	size_t need = strlen(source) + sizeof(*outcome) + ENTRY_OVERHEAD +
		      (outcome->message ? strlen(outcome->message) + 1 : 0) + tree_bytes(outcome->tree);
	if (need > c->max_bytes / 2)
		return NULL;
	if (c->bytes + need > c->max_bytes) {
		empty(c);
		c->stats.flushes++;
	}
	ml_body_outcome *kept = ml_arena_alloc(c->arena, sizeof(*kept));
	*kept = *outcome;
	kept->message = ml_arena_strdup(c->arena, outcome->message);
	if (kept->tree)
		ml_ptr_vec_push(c->arena, &c->json, kept->tree);
	ml_map_put(c->arena, &c->bodies, source, kept);
	c->bytes += need;
	return kept;
}

const uint8_t *ml_body_cache_get_tree(ml_body_cache *c, const char *text, size_t *len)
{
	const kept_tree *t = c->trees.len ? ml_map_get(&c->trees, text) : NULL;
	if (!t) {
		c->stats.statement_misses++;
		return NULL;
	}
	c->stats.statement_hits++;
	*len = t->len;
	return t->bytes;
}

void ml_body_cache_put_tree(ml_body_cache *c, const char *text, const uint8_t *bytes, size_t len)
{
	size_t need = strlen(text) + len + ENTRY_OVERHEAD;
	if (c->bytes + need > c->max_bytes)
		return;
	kept_tree *t = ml_arena_alloc(c->arena, sizeof(*t) + len);
	t->len = len;
	memcpy(t->bytes, bytes, len);
	ml_map_put(c->arena, &c->trees, text, t);
	c->bytes += need;
}

void ml_body_cache_stats_get(const ml_body_cache *c, ml_body_cache_stats *stats)
{
	*stats = c->stats;
	stats->bytes = c->bytes;
}
