/*
 * body_cache.h - what one run learnt of the PL/pgSQL bodies it met, so that
 * a body met again (the same trigger function re-created by migration after
 * migration, a file linted as history and again as a migration) is neither
 * compiled nor read again (body_cache.c). Kept per run, keyed by exact
 * text; bounded in bytes.
 */
#ifndef MIGRALINT_BODY_CACHE_H
#define MIGRALINT_BODY_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

typedef struct ml_body_cache ml_body_cache;

/* What libpg_query's PL/pgSQL compiler made of a routine, as the expander
 * reads it. */
typedef struct ml_body_outcome {
	bool failed;              /* the compiler refused the body */
	const char *message;      /* then its message */
	bool located;             /* error_start/error_end hold where it stopped */
	size_t error_start, error_end; /* byte span in the body */
	int near_line;            /* the body line its context names ("near line N"), or 0 */
	cJSON *tree;              /* compiled: its JSON, parsed; NULL when cJSON refused it */
} ml_body_outcome;

/* How often each kind of lookup found its text (for tests and the
 * benchmark). */
typedef struct ml_body_cache_stats {
	size_t body_hits, body_misses;
	size_t statement_hits, statement_misses;
	size_t flushes;           /* times the cache was full and emptied */
	size_t bytes;             /* what it holds now, as estimated */
} ml_body_cache_stats;

/* A cache keeping about max_bytes at most, or NULL when memory runs out.
 * The caller frees it with ml_body_cache_free. A cache is used by one
 * thread at a time (a run's engine): what get returns stays valid only
 * until the next put. */
ml_body_cache *ml_body_cache_new(size_t max_bytes);
void ml_body_cache_free(ml_body_cache *cache);

/* The outcome kept for the routine source (the whole statement given to
 * the compiler, NUL-terminated), or NULL. The cache keeps ownership. */
const ml_body_outcome *ml_body_cache_get_body(ml_body_cache *cache, const char *source);
/* Keeps *outcome for source: the cache takes over outcome->tree (which it
 * frees) and copies the message. When the cache is full it is emptied
 * first, so what get returned before is gone. Returns the kept outcome;
 * NULL when nothing was kept (memory ran out, or the entry alone is over
 * the budget), and then the tree is still the caller's. */
const ml_body_outcome *ml_body_cache_put_body(ml_body_cache *cache, const char *source, const ml_body_outcome *outcome);

/* The packed parse tree kept for a statement's text (NUL-terminated), *len
 * its bytes, or NULL. Valid until the next put. */
const uint8_t *ml_body_cache_get_tree(ml_body_cache *cache, const char *text, size_t *len);
/* Keeps a copy of the len bytes of text's packed tree. Never empties the
 * cache: when it is full, the tree is not kept. */
void ml_body_cache_put_tree(ml_body_cache *cache, const char *text, const uint8_t *bytes, size_t len);

/* The counts so far into *stats. */
void ml_body_cache_stats_get(const ml_body_cache *cache, ml_body_cache_stats *stats);

#endif
