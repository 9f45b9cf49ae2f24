/*
 * lsp_text.h - positions in a document as the Language Server Protocol
 * counts them (lsp_text.c): a line and a character offset in UTF-16 code
 * units, lines ending at "\n", "\r\n" or a lone "\r". migralint counts
 * bytes; this turns one into the other for any bytes: a 4-byte UTF-8
 * character is two units, and a byte that is not part of a UTF-8 sequence
 * counts as one unit (the U+FFFD a client shows for it).
 */
#ifndef MIGRALINT_LSP_TEXT_H
#define MIGRALINT_LSP_TEXT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ml_lsp_position {
	size_t line;              /* 0-based */
	size_t character;         /* UTF-16 code units from the line's start */
} ml_lsp_position;

/* The lines of a text: where each starts. The text is not owned and must
 * outlive the index. */
typedef struct ml_lsp_lines {
	const char *text;
	size_t len;
	size_t *starts;           /* starts[i]: the first byte of line i; n >= 1 of them */
	size_t n;
} ml_lsp_lines;

/* Indexes the len bytes of text into *lines. Returns 0, or -1 when memory
 * runs out (*lines is then empty). Release with ml_lsp_lines_release. */
int ml_lsp_lines_index(ml_lsp_lines *lines, const char *text, size_t len);
void ml_lsp_lines_release(ml_lsp_lines *lines);

/* The byte where line's line break starts (the text's end for the last
 * line). line < lines->n. */
size_t ml_lsp_line_end(const ml_lsp_lines *lines, size_t line);

/* The line holding byte offset (offset <= len; a line break belongs to the
 * line it ends). */
size_t ml_lsp_line_of(const ml_lsp_lines *lines, size_t offset);

/* The position of byte offset (clamped to len). An offset inside a
 * character counts that character as before it. */
ml_lsp_position ml_lsp_position_of(const ml_lsp_lines *lines, size_t offset);

/* The byte at pos. A character past the line's end means its end, as the
 * protocol says; one inside a surrogate pair means the pair's start.
 * Returns 0 with *offset set, or -1 when pos.line is past the last line. */
int ml_lsp_offset_of(const ml_lsp_lines *lines, ml_lsp_position pos, size_t *offset);

/* The UTF-16 code units of the len bytes at s, counted as above. */
size_t ml_lsp_utf16_units(const char *s, size_t len);

/* The length of the well-formed UTF-8 character at s (n > 0 bytes left),
 * and in *units its UTF-16 units; or 0 when the byte at s does not start
 * one (a stray continuation byte, an overlong form, a surrogate, past
 * U+10FFFF, cut short): that byte then counts as one unit (*units is 1). */
size_t ml_lsp_char_at(const char *s, size_t n, size_t *units);

#endif
