/*
 * sql_tokens.h - SQL text as PostgreSQL's own scanner splits it into tokens
 * (sql_tokens.c): whether two texts hold the same SQL, comments and
 * whitespace aside (an edit to an applied migration that changes nothing it
 * runs), and where a statement's tokens lie (for placing fixes).
 */
#ifndef MIGRALINT_SQL_TOKENS_H
#define MIGRALINT_SQL_TOKENS_H

#include <stddef.h>

#include "arena.h"

/* Compares a[0, alen) and b[0, blen) token by token, skipping comments and
 * the whitespace between tokens. Returns 1 when every token is the same
 * (kind and text), 0 when they differ, -1 when one does not scan (an
 * unterminated quote): then the caller cannot tell. */
int ml_sql_same_tokens(const char *a, size_t alen, const char *b, size_t blen);

/* One token: text[start, end), its kind (a PgQuery__Token: IDENT, SCONST,
 * ASCII_40 for '(', a keyword's own token...) and its keyword kind (a
 * PgQuery__KeywordKind; NO_KEYWORD for names, literals and punctuation). */
typedef struct ml_sql_token {
	size_t start, end;
	int token;
	int keyword_kind;
} ml_sql_token;

/* The tokens of text[0, len), comments left out, in arena (*n of them; the
 * array may be empty). NULL when the text does not scan (an unterminated
 * quote or comment) or memory runs out. */
const ml_sql_token *ml_sql_tokens(ml_arena *arena, const char *text, size_t len, size_t *n);

#endif
