/*
 * linemap.c - turns byte offsets into the 1-based line and character column
 * that every report shows, and the UTF-8 helpers that need the same notion
 * of "character" (libpg_query counts its error cursor in characters).
 */
#include <string.h>

#include "arena.h"
#include "linemap.h"

/* Where the line after the one starting at or after p begins: past the next
 * "\n", "\r\n" or lone "\r" (PostgreSQL's scanner ends a line at either
 * character), or NULL when the text has no more line breaks. *nl is the
 * scan's memory of the next newline at or after p (NULL: none), so a file
 * of CR-only lines is not searched to its end for each line. */
static const char *next_line(const char *p, const char *end, bool has_cr, const char **nl)
{
	if (*nl && *nl < p)
		*nl = memchr(p, '\n', (size_t)(end - p));
	if (!has_cr)
		return *nl ? *nl + 1 : NULL;
	/* A CR before the newline ends the line first, unless it is the CR
	 * of a CR LF. */
	const char *line_end = *nl ? *nl : end;
	const char *cr = memchr(p, '\r', (size_t)(line_end - p));
	if (cr && cr + 1 != *nl)
		return cr + 1;
	return *nl ? *nl + 1 : NULL;
}

void ml_line_map_init(ml_line_map *map, ml_arena *arena, const char *text, size_t len)
{
	const char *end = text + len;
	/* Most files have no carriage return at all: memchr finds the lines. */
	bool has_cr = memchr(text, '\r', len) != NULL;
	size_t n = 1;
	const char *nl = memchr(text, '\n', len);
	for (const char *p = text; (p = next_line(p, end, has_cr, &nl));)
		n++;
	map->text = text;
	map->len = len;
	map->n_lines = n;
	memset(map->memo, 0, sizeof(map->memo));
	map->memo_next = 0;
	map->line_starts = ml_arena_alloc(arena, n * sizeof(size_t));
	map->line_starts[0] = 0;
	size_t i = 1;
	nl = memchr(text, '\n', len);
	for (const char *p = text; (p = next_line(p, end, has_cr, &nl));)
		map->line_starts[i++] = (size_t)(p - text);
}

static size_t line_index(const ml_line_map *map, size_t offset)
{
	size_t lo = 0, hi = map->n_lines;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (map->line_starts[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int count_chars(const char *p, size_t n)
{
	int chars = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)p[i] & 0xC0) != 0x80)
			chars++;
	return chars;
}

void ml_line_map_position(const ml_line_map *map, size_t offset, int *line, int *column)
{
	if (offset > map->len)
		offset = map->len;
	size_t idx = line_index(map, offset);
	size_t start = map->line_starts[idx];
	*line = (int)idx + 1;
	ml_line_map *cache = (ml_line_map *)map; /* the memo only */
	const struct ml_line_memo *from = NULL;
	for (size_t i = 0; i < sizeof(cache->memo) / sizeof(cache->memo[0]); i++) {
		const struct ml_line_memo *m = &cache->memo[i];
		if (m->valid && m->line == idx && m->offset <= offset && (!from || m->offset > from->offset))
			from = m;
	}
	if (from)
		*column = from->column + count_chars(map->text + from->offset, offset - from->offset);
	else
		*column = count_chars(map->text + start, offset - start) + 1;
	if (from && from->offset == offset)
		return;
	struct ml_line_memo *slot = &cache->memo[cache->memo_next];
	cache->memo_next = (cache->memo_next + 1) % (sizeof(cache->memo) / sizeof(cache->memo[0]));
	*slot = (struct ml_line_memo){ offset, idx, *column, true };
}

size_t ml_line_map_start_of_line_at(const ml_line_map *map, size_t offset)
{
	return map->line_starts[line_index(map, offset > map->len ? map->len : offset)];
}

size_t ml_line_map_line_start(const ml_line_map *map, int line)
{
	if (line < 1)
		line = 1;
	if ((size_t)line > map->n_lines)
		line = (int)map->n_lines;
	return map->line_starts[line - 1];
}

size_t ml_line_map_line_end(const ml_line_map *map, int line)
{
	if (line < 1)
		line = 1;
	if ((size_t)line >= map->n_lines)
		return map->len;
	size_t start = map->line_starts[line - 1];
	/* The next line starts right after this one's line break. */
	size_t end = map->line_starts[line] - 1;
	if (map->text[end] == '\n' && end > start && map->text[end - 1] == '\r')
		end--;
	return end;
}

size_t ml_utf8_sequence_length(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	if (len == 0)
		return 0;
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t need;
	unsigned min;
	unsigned cp;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1, min = 0x80, cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2, min = 0x800, cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3, min = 0x10000, cp = c & 0x07;
	} else {
		return 0;
	}
	if (len <= need)
		return 0;
	for (size_t k = 1; k <= need; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return need + 1;
}

size_t ml_utf8_first_invalid(const char *text, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if ((unsigned char)text[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = ml_utf8_sequence_length(text + i, len - i);
		if (n == 0)
			return i;
		i += n;
	}
	return len;
}

size_t ml_utf8_char_to_byte(const char *text, size_t len, int character_index)
{
	if (character_index <= 1)
		return 0;
	int seen = 0;
	for (size_t i = 0; i < len; i++) {
		if (((unsigned char)text[i] & 0xC0) != 0x80) {
			seen++;
			if (seen == character_index)
				return i;
		}
	}
	return len;
}
