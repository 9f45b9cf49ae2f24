/*
 * report_escape.h - text for people: the escaping the human-readable formats
 * share (report_escape.c says what is escaped and why). Every string that
 * comes from the input (paths, identifiers in messages, excerpts) goes
 * through it in text, locks, gcc and markdown, and in github annotations'
 * messages.
 */
#ifndef MIGRALINT_REPORT_ESCAPE_H
#define MIGRALINT_REPORT_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The string starts an output line: its first non-blank ':' is escaped, so
 * the line cannot begin with "::" (a GitHub Actions workflow command). */
#define ML_TEXT_LINE_START 1u

/* Walks a string piece by piece: runs shown as they are, and single
 * characters shown as a visible escape. */
typedef struct ml_text_iter {
	const char *start, *p, *end;
	bool line_start;          /* only blanks so far on a ML_TEXT_LINE_START line */
	char escape[12];          /* the current escape, when it is built */
} ml_text_iter;

typedef struct ml_text_piece {
	const char *src;          /* the input bytes the piece stands for */
	size_t src_len;
	const char *shown;        /* what to write for them: src itself (a run of
				     plain characters), or an escape such as "\x1b"
				     standing for one character or one invalid byte */
	size_t shown_len;
} ml_text_piece;

/* Starts walking len bytes of s (which must outlive the walk). */
void ml_text_iter_init(ml_text_iter *it, const char *s, size_t len, unsigned flags);
/* Fills *piece with the next piece; returns false at the end. An escaped
 * piece (shown != src) is one character; its text lives in it until the
 * next call. */
bool ml_text_next(ml_text_iter *it, ml_text_piece *piece);
/* Writes len bytes of s, escaped. */
void ml_text_write(FILE *out, const char *s, size_t len, unsigned flags);
/* Writes the NUL-terminated s (NULL: nothing), escaped. */
void ml_text_puts(FILE *out, const char *s, unsigned flags);

#endif
