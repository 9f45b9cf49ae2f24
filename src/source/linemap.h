/*
 * linemap.h - byte offsets to 1-based line and character column, and the
 * UTF-8 checks the source layer makes (linemap.c).
 */
#ifndef MIGRALINT_LINEMAP_H
#define MIGRALINT_LINEMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

typedef struct ml_line_map {
	const char *text;       /* the file text; not owned */
	size_t len;
	size_t *line_starts;    /* byte offset of each line's first byte; arena-owned */
	size_t n_lines;
	/* The last positions ml_line_map_position computed: an offset on the
	 * same line counts characters on from the nearest one before it, so a
	 * long line of many statements is not counted again from its start
	 * for each one. A cache, not part of the map's value; one thread per
	 * map. */
	struct ml_line_memo {
		size_t offset, line;
		int column;
		bool valid;
	} memo[4];
	unsigned memo_next;
} ml_line_map;

/* Builds the map of text (len bytes) in arena. A line ends at "\n", "\r\n"
 * or a lone "\r", as PostgreSQL's scanner and editors see lines. */
void ml_line_map_init(ml_line_map *map, ml_arena *arena, const char *text, size_t len);
/* Converts a byte offset (clamped to the text) into a 1-based line and a
 * 1-based column counted in UTF-8 characters. A byte that is not a UTF-8
 * continuation byte counts as one character, so invalid text still gets
 * stable columns. */
void ml_line_map_position(const ml_line_map *map, size_t offset, int *line, int *column);
/* Byte offset of the first byte of 1-based line (clamped). */
size_t ml_line_map_line_start(const ml_line_map *map, int line);
/* Byte offset of the first byte of the line holding offset. */
size_t ml_line_map_start_of_line_at(const ml_line_map *map, size_t offset);
/* Byte offset just past the last character of 1-based line, before its
 * line break. */
size_t ml_line_map_line_end(const ml_line_map *map, int line);

/* Returns the byte offset of the first byte that is not valid UTF-8, or len
 * when the whole text is valid. */
size_t ml_utf8_first_invalid(const char *text, size_t len);
/* The length of the valid UTF-8 sequence at text (1 for ASCII), or 0 when
 * the bytes there are not one. */
size_t ml_utf8_sequence_length(const char *text, size_t len);
/* Byte offset of the character_index-th character (1-based, as libpg_query's
 * cursorpos counts) of text, clamped to len. */
size_t ml_utf8_char_to_byte(const char *text, size_t len, int character_index);

#endif
