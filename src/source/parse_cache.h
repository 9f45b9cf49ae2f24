/*
 * parse_cache.h - the packed parse trees of statements met before, kept
 * process-wide once a program turns the cache on (parse_cache.c). A
 * language server lints one text again after every edit, and all but the
 * edited statement are the same: parse.c takes their trees from here
 * instead of parsing them again, and plpgsql.c the compiled PL/pgSQL
 * bodies. Off unless turned on; a run over files does not use it.
 * Thread-safe.
 */
#ifndef MIGRALINT_PARSE_CACHE_H
#define MIGRALINT_PARSE_CACHE_H

#include <stddef.h>
#include <stdint.h>

/* What is cached for a text. */
typedef enum ml_parse_cache_kind {
	ML_CACHE_STATEMENT = 1,   /* libpg_query's packed parse tree of a statement */
	ML_CACHE_PLPGSQL = 2,     /* its PL/pgSQL compiler's JSON for a routine, NUL included */
} ml_parse_cache_kind;

/* Keeps up to about max_bytes of statements and their trees (0: turns the
 * cache off and frees it). Call it before linting starts, not while
 * another thread parses. */
void ml_parse_cache_enable(size_t max_bytes);

/* What is cached of kind for text (NUL-terminated): a malloc'd copy the
 * caller frees, *len its bytes; NULL when the cache is off, does not hold
 * text, or memory runs out. */
uint8_t *ml_parse_cache_get(ml_parse_cache_kind kind, const char *text, size_t *len);

/* Keeps a copy of the len bytes libpg_query gave for text. Nothing when
 * the cache is off or memory runs out. */
void ml_parse_cache_put(ml_parse_cache_kind kind, const char *text, const uint8_t *bytes, size_t len);

/* How many lookups found their statement, and how many did not, since the
 * cache was turned on (for tests and the benchmark). */
void ml_parse_cache_counts(size_t *hits, size_t *misses);

#endif
