/*
 * split.h - a file's text cut into statements, psql meta-commands and COPY
 * data, the way psql would send them (split.c).
 */
#ifndef MIGRALINT_SPLIT_H
#define MIGRALINT_SPLIT_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

typedef enum ml_chunk_kind {
	ML_CHUNK_STATEMENT = 0,   /* SQL text ending at a ';' or the end of the file */
	ML_CHUNK_META_COMMAND,    /* a psql backslash command, to the end of its line */
	ML_CHUNK_COPY_DATA,       /* inline data after COPY ... FROM STDIN, through "\." */
	ML_CHUNK_TRAILER,         /* comments after the last statement that hold a directive; empty text */
} ml_chunk_kind;

typedef struct ml_chunk {
	ml_chunk_kind kind;
	size_t start;             /* byte offset of the first character (no leading blanks or comments) */
	size_t end;               /* byte offset one past the last byte; a statement's ';' is excluded */
	size_t gap_start;         /* where the blanks and comments in front of it begin */
	bool terminated;          /* a statement ended with ';' (false at end of file) */
	bool has_ignore_comment;  /* the gap or the text mentions a directive (ml_mentions_directive) */
	bool unterminated;        /* COPY data without its closing "\." line */
} ml_chunk;

typedef struct ml_range {
	size_t start, end;
} ml_range;

typedef struct ml_chunk_list {
	ml_chunk *items;          /* arena-owned */
	size_t len, cap;
	ml_range *blanks;         /* psql commands, the "\" of "\;" and COPY data inside statements:
	                           * not part of their text; in text order, never overlapping */
	size_t n_blanks, cap_blanks;
} ml_chunk_list;

/* Splits text into statements, psql meta-commands and COPY data, the way psql
 * would send them: quotes, dollar quotes, nested comments, parentheses (for
 * CREATE RULE) and BEGIN ATOMIC ... END bodies keep their semicolons. An
 * unterminated quote runs to the end of the text; an unterminated comment
 * becomes a statement for the parser to reject. A leading byte order mark
 * is skipped. Never fails; chunks are allocated in arena. */
void ml_split(ml_arena *arena, const char *text, size_t len, ml_chunk_list *out);
/* The same, but every semicolon outside quotes and comments ends a
 * statement: for re-splitting a piece that did not parse. */
void ml_split_simple(ml_arena *arena, const char *text, size_t len, ml_chunk_list *out);

/* Copies text[start, end) to dst (end - start + 1 bytes) with the psql
 * commands inside it (chunks->blanks) turned into spaces, so offsets still
 * match the file, and a NUL. */
void ml_chunk_copy_text(const char *text, const ml_chunk_list *chunks, size_t start, size_t end, char *dst);

#endif
