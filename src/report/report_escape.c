/*
 * report_escape.c - the escaping every report for people shares (text,
 * locks, gcc, markdown, the messages of github annotations, and the command
 * line's messages on stderr). A pull request controls identifiers, file
 * names, --stdin-filename and the SQL excerpts quote; all of it must reach a
 * terminal or a CI log as plain text:
 *
 *   - no control character: ESC (which opens colour, screen-clearing and
 *     OSC 8 link sequences), the 8-bit C1 controls (CSI is one), DEL, and
 *     the line breaks LF, CR, U+2028 and U+2029, which would start a line of
 *     the input's own;
 *   - no byte that is not UTF-8 (a terminal in a legacy charset reads 0x9B
 *     as CSI);
 *   - no workflow command a CI runner obeys: GitHub Actions reads a line
 *     whose first non-blank characters are "::", and, in its older syntax,
 *     "##[" anywhere on a line; Azure Pipelines reads "##vso[".
 *
 * Each such character is shown as a visible escape: \n, \r, \xNN for other
 * control characters and for bytes that are not UTF-8, \uNNNN for C1
 * controls and line separators, \x23 for the '#' that would complete "##["
 * or "##vso[", and \x3a for a ':' that is the first non-blank character of
 * an output line. A backslash in the input is not doubled: the escapes are
 * for safety and legibility, not a reversible encoding. A tab stays a tab.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "linemap.h"
#include "migralint/migralint.h"
#include "report_escape.h"

/* The code point of the valid UTF-8 sequence of n bytes at s. */
static uint32_t code_point(const unsigned char *s, size_t n)
{
	if (n == 1)
		return s[0];
	uint32_t cp = s[0] & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
	for (size_t k = 1; k < n; k++)
		cp = (cp << 6) | (s[k] & 0x3F);
	return cp;
}

/* White space a CI runner skips before looking for "::" (what .NET's
 * String.TrimStart removes), plus the invisible U+200B and U+FEFF. */
static bool blank(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) ||
	       cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

/* Whether the '#' at p completes "##[" or "##vso[" (any case). */
static bool completes_command_marker(const ml_text_iter *it, const char *p)
{
	if (p == it->start || p[-1] != '#')
		return false;
	size_t left = (size_t)(it->end - p) - 1;
	if (left >= 1 && p[1] == '[')
		return true;
	return left >= 4 && strncasecmp(p + 1, "vso[", 4) == 0;
}

/* The visible escape of the character of n bytes at p (n is 0 for a byte
 * that is not UTF-8) written into it->escape, or NULL when it is shown as
 * it is. */
static const char *escape_for(ml_text_iter *it, const char *p, size_t n)
{
	unsigned char c = (unsigned char)*p;
	char *buf = it->escape;
	if (n == 0) {
		snprintf(buf, sizeof(it->escape), "\\x%02x", c);
		return buf;
	}
	if (n == 1) {
		if (c == '\n')
			return "\\n";
		if (c == '\r')
			return "\\r";
		if ((c < 0x20 && c != '\t') || c == 0x7F) {
			snprintf(buf, sizeof(it->escape), "\\x%02x", c);
			return buf;
		}
		if (c == ':' && it->line_start)
			return "\\x3a";
		if (c == '#' && completes_command_marker(it, p))
			return "\\x23";
		return NULL;
	}
	uint32_t cp = code_point((const unsigned char *)p, n);
	if ((cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029) {
		snprintf(buf, sizeof(it->escape), "\\u%04x", (unsigned)cp);
		return buf;
	}
	return NULL;
}

void ml_text_iter_init(ml_text_iter *it, const char *s, size_t len, unsigned flags)
{
	it->start = s;
	it->p = s;
	it->end = s + len;
	it->line_start = (flags & ML_TEXT_LINE_START) != 0;
}

bool ml_text_next(ml_text_iter *it, ml_text_piece *piece)
{
	if (it->p >= it->end)
		return false;
	const char *run = it->p;
	while (it->p < it->end) {
		const char *p = it->p;
		unsigned char c = (unsigned char)*p;
		size_t n = c < 0x80 ? 1 : ml_utf8_sequence_length(p, (size_t)(it->end - p));
		const char *escape = escape_for(it, p, n);
		if (escape) {
			if (p > run)
				break; /* the run first; the escape on the next call */
			piece->src = p;
			piece->src_len = n ? n : 1;
			piece->shown = escape;
			piece->shown_len = strlen(escape);
			it->p = p + piece->src_len;
			it->line_start = false;
			return true;
		}
		if (it->line_start && !blank(c < 0x80 ? c : code_point((const unsigned char *)p, n)))
			it->line_start = false;
		it->p = p + n;
	}
	piece->src = piece->shown = run;
	piece->src_len = piece->shown_len = (size_t)(it->p - run);
	return true;
}

void ml_text_write(FILE *out, const char *s, size_t len, unsigned flags)
{
	ml_text_iter it;
	ml_text_piece piece;
	ml_text_iter_init(&it, s, len, flags);
	while (ml_text_next(&it, &piece))
		fwrite(piece.shown, 1, piece.shown_len, out);
}

void ml_text_puts(FILE *out, const char *s, unsigned flags)
{
	if (s)
		ml_text_write(out, s, strlen(s), flags);
}

void ml_write_escaped(FILE *out, const char *s)
{
	ml_text_puts(out, s, 0);
}

void ml_write_escaped_line(FILE *out, const char *s)
{
	ml_text_puts(out, s, ML_TEXT_LINE_START);
}
