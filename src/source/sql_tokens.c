/*
 * sql_tokens.c - SQL texts as sequences of tokens from libpg_query's
 * scanner (PostgreSQL's own lexer), comments left out: two texts compared
 * so that strings, quoted names and dollar-quoted bodies keep every byte
 * while the layout between tokens does not count, and a statement's tokens
 * with their byte ranges, where fixes are placed.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "arena.h"
#include "sql_tokens.h"
#include "unpack.h"

/* The scan of text[0, len) (NUL-terminated in arena), or NULL. */
static PgQuery__ScanResult *scan(ml_arena *arena, const char *text, size_t len)
{
	char *copy = ml_arena_strndup(arena, text, len);
	PgQueryScanResult result = pg_query_scan(copy);
	if (result.error) {
		pg_query_free_scan_result(result);
		return NULL;
	}
	PgQuery__ScanResult *out =
		ml_unpack(arena, &pg_query__scan_result__descriptor, (const uint8_t *)result.pbuf.data, result.pbuf.len);
	pg_query_free_scan_result(result);
	return out;
}

static bool is_comment(const PgQuery__ScanToken *t)
{
	return t->token == PG_QUERY__TOKEN__SQL_COMMENT || t->token == PG_QUERY__TOKEN__C_COMMENT;
}

/* The next token of s at or after *i that is not a comment, or NULL. */
static const PgQuery__ScanToken *next_token(const PgQuery__ScanResult *s, size_t *i)
{
	while (*i < s->n_tokens && is_comment(s->tokens[*i]))
		(*i)++;
	return *i < s->n_tokens ? s->tokens[(*i)++] : NULL;
}

int ml_sql_same_tokens(const char *a, size_t alen, const char *b, size_t blen)
{
	ml_arena *arena = ml_arena_new();
	if (!arena)
		return -1;
	PgQuery__ScanResult *sa = scan(arena, a, alen), *sb = scan(arena, b, blen);
	int same = -1;
	if (sa && sb) {
		size_t i = 0, j = 0;
		same = 1;
		for (;;) {
			const PgQuery__ScanToken *ta = next_token(sa, &i), *tb = next_token(sb, &j);
			if (!ta || !tb) {
				same = !ta && !tb;
				break;
			}
			size_t la = (size_t)(ta->end - ta->start), lb = (size_t)(tb->end - tb->start);
			/* Keywords and unquoted names are folded to lower case by
			 * PostgreSQL: CREATE TABLE Users is create table users. */
			bool folded = ta->keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD ||
				      (ta->token == PG_QUERY__TOKEN__IDENT && a[ta->start] != '"');
			if (ta->token != tb->token || la != lb || ta->end > (int32_t)alen || tb->end > (int32_t)blen ||
			    (folded ? strncasecmp(a + ta->start, b + tb->start, la)
				    : memcmp(a + ta->start, b + tb->start, la)) != 0) {
				same = 0;
				break;
			}
		}
	}
	ml_arena_free(arena);
	return same;
}

const ml_sql_token *ml_sql_tokens(ml_arena *arena, const char *text, size_t len, size_t *n)
{
	*n = 0;
	PgQuery__ScanResult *s = scan(arena, text, len);
	if (!s)
		return NULL;
	ml_sql_token *out = ml_arena_alloc(arena, (s->n_tokens + 1) * sizeof(*out));
	for (size_t i = 0; i < s->n_tokens; i++) {
		const PgQuery__ScanToken *t = s->tokens[i];
		if (is_comment(t) || t->start < 0 || t->end < t->start || (size_t)t->end > len)
			continue;
		out[(*n)++] = (ml_sql_token){ .start = (size_t)t->start, .end = (size_t)t->end, .token = t->token,
					      .keyword_kind = t->keyword_kind };
	}
	return out;
}
