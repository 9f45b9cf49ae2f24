/*
 * lsp_text.c - byte offsets to and from the protocol's positions (lines,
 * UTF-16 code units). A document's line index is built once per version;
 * each conversion then finds its line by binary search and walks that line
 * only, so converting every diagnostic of a large file stays linear.
 */
#include <stdlib.h>
#include <string.h>

#include "lsp_text.h"

size_t ml_lsp_char_at(const char *s, size_t n, size_t *units)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char c = u[0];
	*units = 1;
	if (c < 0x80)
		return 1;
	size_t k;
	unsigned char lo = 0x80, hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF) {
		k = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		k = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F; /* no UTF-16 surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		k = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (n < k || u[1] < lo || u[1] > hi)
		return 0;
	for (size_t i = 2; i < k; i++)
		if ((u[i] & 0xC0) != 0x80)
			return 0;
	*units = k == 4 ? 2 : 1;
	return k;
}

size_t ml_lsp_utf16_units(const char *s, size_t len)
{
	size_t units = 0;
	for (size_t i = 0; i < len;) {
		if ((unsigned char)s[i] < 0x80) {
			units++;
			i++;
			continue;
		}
		size_t u, k = ml_lsp_char_at(s + i, len - i, &u);
		i += k ? k : 1;
		units += u;
	}
	return units;
}

/* The next line break from text + i (len bytes in all): the byte after it,
 * or 0 when there is none. "\r\n" is one break. */
static size_t next_break(const char *text, size_t len, size_t i)
{
	const char *nl = memchr(text + i, '\n', len - i);
	size_t end = nl ? (size_t)(nl - text) : len;
	const char *cr = memchr(text + i, '\r', end - i);
	if (cr)
		return (size_t)(cr - text) + 1 + ((size_t)(cr - text) + 1 < len && cr[1] == '\n');
	return nl ? end + 1 : 0;
}

int ml_lsp_lines_index(ml_lsp_lines *lines, const char *text, size_t len)
{
	size_t n = 1;
	for (size_t i = 0; i < len && (i = next_break(text, len, i)); )
		n++;
	*lines = (ml_lsp_lines){ .text = text, .len = len };
	size_t *starts = malloc(n * sizeof(*starts));
	if (!starts)
		return -1;
	size_t k = 0;
	starts[k++] = 0;
	for (size_t i = 0; i < len && (i = next_break(text, len, i)); )
		starts[k++] = i;
	lines->starts = starts;
	lines->n = n;
	return 0;
}

void ml_lsp_lines_release(ml_lsp_lines *lines)
{
	free(lines->starts);
	*lines = (ml_lsp_lines){ 0 };
}

size_t ml_lsp_line_end(const ml_lsp_lines *lines, size_t line)
{
	if (line + 1 >= lines->n)
		return lines->len;
	size_t end = lines->starts[line + 1] - 1; /* the '\n' or the lone '\r' */
	if (lines->text[end] == '\n' && end > lines->starts[line] && lines->text[end - 1] == '\r')
		end--;
	return end;
}

size_t ml_lsp_line_of(const ml_lsp_lines *lines, size_t offset)
{
	size_t lo = 0, hi = lines->n; /* the answer is in [lo, hi) */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (lines->starts[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

ml_lsp_position ml_lsp_position_of(const ml_lsp_lines *lines, size_t offset)
{
	if (!lines->n)
		return (ml_lsp_position){ 0, 0 };
	if (offset > lines->len)
		offset = lines->len;
	size_t line = ml_lsp_line_of(lines, offset);
	size_t start = lines->starts[line], end = ml_lsp_line_end(lines, line);
	if (offset > end)
		offset = end; /* inside the line break: the line's end */
	/* A character the offset cuts counts as before it. */
	size_t units = 0;
	for (size_t i = start; i < offset;) {
		size_t u, k = ml_lsp_char_at(lines->text + i, end - i, &u);
		i += k ? k : 1;
		units += u;
	}
	return (ml_lsp_position){ line, units };
}

int ml_lsp_offset_of(const ml_lsp_lines *lines, ml_lsp_position pos, size_t *offset)
{
	if (pos.line >= lines->n)
		return -1;
	size_t i = lines->starts[pos.line], end = ml_lsp_line_end(lines, pos.line), units = 0;
	while (i < end && units < pos.character) {
		size_t u, k = ml_lsp_char_at(lines->text + i, end - i, &u);
		if (!k)
			k = 1;
		if (units + u > pos.character)
			break; /* inside a surrogate pair: its start */
		units += u;
		i += k;
	}
	*offset = i;
	return 0;
}
