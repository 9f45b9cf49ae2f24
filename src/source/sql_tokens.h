/*
 * sql_tokens.h - whether two texts hold the same SQL, comments and
 * whitespace aside, as PostgreSQL's own scanner splits them (sql_tokens.c):
 * an edit to an applied migration that changes nothing it runs.
 */
#ifndef MIGRALINT_SQL_TOKENS_H
#define MIGRALINT_SQL_TOKENS_H

#include <stddef.h>

/* Compares a[0, alen) and b[0, blen) token by token, skipping comments and
 * the whitespace between tokens. Returns 1 when every token is the same
 * (kind and text), 0 when they differ, -1 when one does not scan (an
 * unterminated quote): then the caller cannot tell. */
int ml_sql_same_tokens(const char *a, size_t alen, const char *b, size_t blen);

#endif
