/*
 * tool_scan.c - the statement scanner of tool_scan.h: finds where the
 * statements of a file begin and end, and the words they begin with, the
 * way a migration tool does before it decides how to run a file, without
 * parsing. It knows PostgreSQL's lexical forms that may hold a ';': line
 * and (nested) block comments, quoted strings and identifiers, escape
 * strings and dollar quotes. Not a preset.
 */
#include <string.h>

#include "tool_scan.h"

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       (unsigned char)c >= 0x80;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* The length of the dollar-quote tag at text[at] ("$$", "$body$"), or 0
 * when text[at] does not open one. */
static size_t dollar_tag(const char *text, size_t len, size_t at)
{
	if (text[at] != '$' || (at > 0 && is_word_char(text[at - 1])))
		return 0; /* a$b: part of an identifier */
	size_t i = at + 1;
	if (i < len && text[i] >= '0' && text[i] <= '9')
		return 0; /* $1: a parameter */
	while (i < len && is_word_char(text[i]))
		i++;
	return i < len && text[i] == '$' ? i + 1 - at : 0;
}

/* If text[at] opens a comment or quoted text, the offset just past it (the
 * end of text when it is not closed); else at itself. */
static size_t skip_quoted(const char *text, size_t len, size_t at)
{
	char c = text[at];
	if (c == '-' && at + 1 < len && text[at + 1] == '-') {
		const char *nl = memchr(text + at, '\n', len - at);
		return nl ? (size_t)(nl - text) + 1 : len;
	}
	if (c == '/' && at + 1 < len && text[at + 1] == '*') {
		size_t depth = 1, i = at + 2;
		while (i < len && depth) {
			if (text[i] == '/' && i + 1 < len && text[i + 1] == '*') {
				depth++;
				i += 2;
			} else if (text[i] == '*' && i + 1 < len && text[i + 1] == '/') {
				depth--;
				i += 2;
			} else {
				i++;
			}
		}
		return i;
	}
	if (c == '\'' || c == '"') {
		/* E'...' takes backslash escapes; elsewhere a doubled quote is one. */
		bool escapes = c == '\'' && at > 0 && (text[at - 1] == 'E' || text[at - 1] == 'e') &&
			       (at < 2 || !is_word_char(text[at - 2]));
		size_t i = at + 1;
		while (i < len) {
			if (escapes && text[i] == '\\') {
				i += 2;
				continue;
			}
			if (text[i] == c) {
				if (i + 1 < len && text[i + 1] == c) {
					i += 2;
					continue;
				}
				return i + 1;
			}
			i++;
		}
		return len;
	}
	size_t tag = dollar_tag(text, len, at);
	if (tag) {
		for (size_t i = at + tag; i + tag <= len; i++)
			if (text[i] == '$' && !memcmp(text + i, text + at, tag))
				return i + tag;
		return len;
	}
	return at;
}

/* The offset of the first character of text[at, len) that is neither a
 * blank nor in a comment. */
static size_t skip_blanks(const char *text, size_t len, size_t at)
{
	while (at < len) {
		if (is_blank(text[at])) {
			at++;
			continue;
		}
		bool comment = (text[at] == '-' || text[at] == '/') && at + 1 < len &&
			       text[at + 1] == (text[at] == '-' ? '-' : '*');
		if (!comment)
			break;
		at = skip_quoted(text, len, at);
	}
	return at;
}

bool ml_tool_scan_next(const char *text, size_t len, size_t *at, size_t *start, size_t *end)
{
	size_t i = *at;
	for (;;) {
		i = skip_blanks(text, len, i);
		if (i >= len) {
			*at = len;
			return false;
		}
		if (text[i] != ';')
			break;
		i++; /* an empty statement */
	}
	*start = i;
	while (i < len && text[i] != ';') {
		size_t past = skip_quoted(text, len, i);
		i = past > i ? past : i + 1;
	}
	*end = i < len ? i : len;
	*at = i < len ? i + 1 : len;
	return true;
}

size_t ml_tool_scan_words(const char *text, size_t start, size_t end, char words[][ML_SCAN_WORD_MAX], size_t max)
{
	size_t n = 0, at = start;
	while (n < max) {
		at = skip_blanks(text, end, at);
		if (at >= end || !is_word_char(text[at]))
			break;
		size_t w = 0;
		while (at < end && is_word_char(text[at])) {
			char c = text[at++];
			if (w + 1 < ML_SCAN_WORD_MAX)
				words[n][w++] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
		}
		words[n][w] = '\0';
		n++;
	}
	return n;
}

size_t ml_tool_scan_count(const char *text, size_t len, size_t limit)
{
	size_t n = 0, at = 0, start, end;
	while (n < limit && ml_tool_scan_next(text, len, &at, &start, &end))
		n++;
	return n;
}
