/*
 * config_json.c - reads the configuration file's text as JSON, the way users
 * write it: // and block comments and a UTF-8 byte order mark are allowed,
 * and a syntax error is reported at its line and column, naming the common
 * mistakes (a trailing comma, a missing one, an early end of the file).
 * What the JSON says is checked by config.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_json.h"
#include "pipeline.h"

/* "PATH: " and the message into err. */
static void fail(const char *path, char *err, size_t err_len, const char *fmt, ...)
{
	if (!err || !err_len)
		return;
	int n = snprintf(err, err_len, "%s: ", path);
	if (n < 0 || (size_t)n >= err_len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err + n, err_len - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Blanks out // and block comments outside strings, keeping every newline and
 * byte offset, so parse errors map to the original line and column. Returns
 * the offset of an unterminated block comment, or -1. */
static long strip_comments(char *text, size_t len)
{
	size_t i = 0;
	while (i < len) {
		char c = text[i];
		if (c == '"') {
			for (i++; i < len && text[i] != '"' && text[i] != '\n'; i++)
				if (text[i] == '\\' && i + 1 < len)
					i++;
			if (i < len && text[i] == '"')
				i++;
		} else if (c == '/' && i + 1 < len && text[i + 1] == '/') {
			while (i < len && text[i] != '\n')
				text[i++] = ' ';
		} else if (c == '/' && i + 1 < len && text[i + 1] == '*') {
			size_t start = i;
			text[i++] = ' ';
			text[i++] = ' ';
			while (i < len && !(text[i] == '*' && i + 1 < len && text[i + 1] == '/')) {
				if (text[i] != '\n')
					text[i] = ' ';
				i++;
			}
			if (i >= len)
				return (long)start;
			text[i++] = ' ';
			text[i++] = ' ';
		} else {
			i++;
		}
	}
	return -1;
}

/* 1-based line and column (in characters) of byte offset off. */
static void line_column(const char *text, size_t off, int *line, int *column)
{
	*line = 1;
	*column = 1;
	for (size_t i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*column = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			(*column)++;
		}
	}
}

static void fail_json(const char *path, char *err, size_t err_len, const char *original, const char *stripped,
		      size_t off, const char *what)
{
	int line, column;
	line_column(original, off, &line, &column);
	char near[40] = "";
	size_t k = 0;
	for (const char *p = stripped + off; *p && *p != '\n' && *p != '\r' && k < 24; p++)
		near[k++] = *p;
	near[k] = '\0';
	while (k > 0 && near[k - 1] == ' ')
		near[--k] = '\0';
	if (!err || !err_len)
		return;
	if (what)
		snprintf(err, err_len, "%s:%d:%d: invalid JSON: %s", path, line, column, what);
	else if (*near)
		snprintf(err, err_len, "%s:%d:%d: invalid JSON near '%s'", path, line, column, near);
	else
		snprintf(err, err_len, "%s:%d:%d: invalid JSON: unexpected end of line or file", path, line, column);
}

static bool json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Names the common mistakes at a parse error at off, moving *where to the
 * offending character: a comma before } or ], a missing comma, the end of
 * the file. NULL when none applies. */
static const char *json_hint(const char *stripped, size_t off, size_t *where)
{
	size_t len = strlen(stripped);
	/* The token at the error: cJSON points at it, or just past a '}'. */
	size_t i = off;
	while (i < len && json_space(stripped[i]))
		i++;
	size_t before = off;
	while (before > 0 && json_space(stripped[before - 1]))
		before--;
	const size_t candidates[2] = { before > 0 ? before - 1 : len, i };
	for (int c = 0; c < 2; c++) {
		size_t tok = candidates[c];
		if (tok >= len || (stripped[tok] != '}' && stripped[tok] != ']'))
			continue;
		size_t j = tok;
		while (j > 0 && json_space(stripped[j - 1]))
			j--;
		if (j > 0 && stripped[j - 1] == ',') {
			*where = j - 1;
			return "trailing comma (JSON allows none before '}' or ']')";
		}
	}
	if (i < len && stripped[i] == '"' && before > 0 &&
	    strchr("\"}]0123456789el", stripped[before - 1])) {
		*where = i;
		return "missing ',' before this";
	}
	if (i >= len) {
		*where = len;
		bool empty = true;
		for (size_t k = 0; k < len && empty; k++)
			empty = json_space(stripped[k]);
		return empty ? "the file is empty (an empty configuration is {})"
			     : "unexpected end of the file (a '}' or ']' missing?)";
	}
	return NULL;
}

cJSON *ml_config_json_read(const char *path, char *err, size_t err_len)
{
	if (err && err_len)
		err[0] = '\0';
	FILE *f = fopen(path, "rb");
	if (!f) {
		fail(path, err, err_len, "cannot read the configuration file: %s", strerror(errno));
		return NULL;
	}
	char *original = NULL;
	size_t len = 0;
	int read_errno = ml_read_stream(f, 4096, SIZE_MAX, &original, &len);
	fclose(f);
	if (read_errno == ENOMEM) {
		fail(path, err, err_len, "out of memory");
		return NULL;
	}
	if (read_errno) {
		fail(path, err, err_len, "cannot read the configuration file: %s", strerror(read_errno));
		return NULL;
	}
	if (memchr(original, '\0', len)) {
		fail(path, err, err_len, "the file contains a NUL byte: it is not a JSON text");
		free(original);
		return NULL;
	}
	char *text = strdup(original);
	if (!text) {
		free(original);
		fail(path, err, err_len, "out of memory");
		return NULL;
	}
	/* A UTF-8 byte order mark is allowed and ignored. */
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		memset(text, ' ', 3);
	long open_comment = strip_comments(text, len);
	if (open_comment >= 0) {
		fail_json(path, err, err_len, original, text, (size_t)open_comment, "unterminated /* comment");
		free(text);
		free(original);
		return NULL;
	}
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
	if (!root) {
		size_t off = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
		size_t where = off;
		const char *hint = json_hint(text, off, &where);
		fail_json(path, err, err_len, original, text, hint ? where : off, hint);
	}
	free(text);
	free(original);
	return root;
}
