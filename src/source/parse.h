/*
 * parse.h - one statement chunk parsed by libpg_query into a typed tree
 * (parse.c), bounded in size and nesting so that no input can exhaust the
 * stack.
 */
#ifndef MIGRALINT_PARSE_H
#define MIGRALINT_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "arena.h"
#include "body_cache.h"

typedef enum ml_parse_status {
	ML_PARSED_NONE = 0,       /* not parsed (yet) */
	ML_PARSED_OK,             /* tree holds the statements (NULL if unpacking failed) */
	ML_PARSED_ERROR,          /* result.error says where and why */
	ML_PARSED_TOO_COMPLEX,    /* nested past the bounds below: not parsed or not unpacked */
} ml_parse_status;

typedef struct ml_parsed {
	ml_parse_status status;
	size_t too_many_tokens;            /* ML_PARSED_TOO_COMPLEX for its size: its tokens, else 0 */
	PgQueryProtobufParseResult result; /* ML_PARSED_ERROR: libpg_query's error */
	ml_arena *arena;                   /* owns tree */
	PgQuery__ParseResult *tree;
} ml_parsed;

/* Parses text (len bytes, NUL-terminated) into *out, from any thread. The
 * caller frees *out with ml_parsed_free. */
void ml_parse_statement(const char *text, size_t len, ml_parsed *out);
/* The same, with the tree in arena (the caller's; it must outlive the
 * tree): many small statements parsed for later cost no arena each. */
void ml_parse_statement_in(ml_arena *arena, const char *text, size_t len, ml_parsed *out);
/* The same, for SQL a PL/pgSQL body runs: the tree comes from bodies, the
 * run's cache (ml_body_cache; NULL: none), when the text was parsed
 * before, and goes there when it parses. Into arena when it is not NULL,
 * else into an arena of out's own. From the thread that uses bodies. */
void ml_parse_body_statement(ml_body_cache *bodies, ml_arena *arena, const char *text, size_t len, ml_parsed *out);
void ml_parsed_free(ml_parsed *p);

/* True when text (NUL-terminated, len bytes) parses, and one of its
 * statements is a COPY ... FROM STDIN: the server then asks psql for the
 * data. Thread-safe. */
bool ml_copies_from_stdin(const char *text, size_t len);

#endif
