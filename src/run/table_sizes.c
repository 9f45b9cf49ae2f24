/*
 * table_sizes.c - the --stats file: a JSON object mapping "schema.table"
 * to {"rows": N, "bytes": N}, as `migralint stats` writes it (or the SQL
 * docs/trace.md gives). Loaded whole and checked before anything is
 * linted: every problem is one message naming the file and the entry.
 * Read-only once loaded, so the run's threads may share it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arena.h"
#include "map.h"
#include "pipeline.h"
#include "table_sizes.h"

/* A stats file of a database with a million tables is a few tens of MB. */
#define STATS_MAX_BYTES ((size_t)1 << 30)
/* The largest whole number a JSON number (a double) holds exactly. */
#define MAX_EXACT 9007199254740992.0

struct ml_table_sizes {
	ml_arena *arena;
	ml_map by_key;            /* "schema.table" -> ml_table_size * */
	ml_map by_name;           /* "table" -> ml_table_size *, or &AMBIGUOUS: in several schemas */
};

static const ml_table_size AMBIGUOUS;

/* ---- loading -------------------------------------------------------------- */

/* "PATH: " and the message into err. */
static void fail(const char *path, char *err, size_t err_size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fail(const char *path, char *err, size_t err_size, const char *fmt, ...)
{
	if (!err || !err_size)
		return;
	int n = snprintf(err, err_size, "%s: ", path);
	if (n < 0 || (size_t)n >= err_size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err + n, err_size - (size_t)n, fmt, ap);
	va_end(ap);
}

static const char *type_name(const cJSON *v)
{
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	return "null";
}

/* Reads a count ("rows" or "bytes") of the entry key into *out. */
static bool load_count(const char *path, char *err, size_t err_size, const char *key, const cJSON *v,
		       long long *out)
{
	const char *what = !strcmp(v->string, "rows") ? "rows" : "bytes";
	if (!cJSON_IsNumber(v)) {
		fail(path, err, err_size, "\"%s\": \"%s\": expected a whole number of %s from 0, got %s", key,
		     v->string, what, type_name(v));
		return false;
	}
	double d = v->valuedouble;
	if (!(d >= 0) || d > MAX_EXACT || d != (double)(long long)d) {
		fail(path, err, err_size, "\"%s\": \"%s\": expected a whole number of %s from 0 to %.0f, got %.17g",
		     key, v->string, what, MAX_EXACT, d);
		return false;
	}
	*out = (long long)d;
	return true;
}

/* Takes the entry item (its key and its value) into sizes. */
static bool load_entry(const char *path, char *err, size_t err_size, ml_table_sizes *sizes, const cJSON *item)
{
	const char *key = item->string;
	const char *dot = strchr(key, '.');
	if (!dot || dot == key || !dot[1]) {
		fail(path, err, err_size, "\"%s\": not a \"schema.table\" name (write public.%s for a table of the "
					  "public schema)", key, dot ? "table" : key);
		return false;
	}
	if (ml_map_get(&sizes->by_key, key)) {
		fail(path, err, err_size, "\"%s\": given twice", key);
		return false;
	}
	if (!cJSON_IsObject(item)) {
		fail(path, err, err_size, "\"%s\": expected an object {\"rows\": N, \"bytes\": N}, got %s", key,
		     type_name(item));
		return false;
	}
	ml_table_size *size = ml_arena_alloc(sizes->arena, sizeof(*size));
	size->key = ml_arena_strdup(sizes->arena, key);
	size->rows = size->bytes = -1;
	for (const cJSON *v = item->child; v; v = v->next) {
		long long *to = !strcmp(v->string, "rows") ? &size->rows : !strcmp(v->string, "bytes") ? &size->bytes : NULL;
		if (!to) {
			fail(path, err, err_size, "\"%s\": unknown key \"%s\" (allowed: rows, bytes)", key, v->string);
			return false;
		}
		if (*to >= 0) {
			fail(path, err, err_size, "\"%s\": \"%s\" given twice", key, v->string);
			return false;
		}
		if (!load_count(path, err, err_size, key, v, to))
			return false;
	}
	if (size->rows < 0) {
		fail(path, err, err_size, "\"%s\": \"rows\" is missing (the table's row count)", key);
		return false;
	}
	ml_map_put(sizes->arena, &sizes->by_key, size->key, size);
	const char *name = dot + 1;
	const ml_table_size *other = ml_map_get(&sizes->by_name, name);
	ml_map_put(sizes->arena, &sizes->by_name, name, other ? (void *)&AMBIGUOUS : size);
	return true;
}

/* 1-based line and column (in characters) of byte offset off of text. */
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

ml_table_sizes *ml_table_sizes_load(const char *path, char *err, size_t err_size)
{
	if (err && err_size)
		err[0] = '\0';
	FILE *f = fopen(path, "rb");
	if (!f) {
		fail(path, err, err_size, "cannot read the table sizes: %s", strerror(errno));
		return NULL;
	}
	char *text = NULL;
	size_t len = 0;
	int read_errno = ml_read_stream(f, 4096, STATS_MAX_BYTES, &text, &len);
	fclose(f);
	if (read_errno) {
		fail(path, err, err_size, "cannot read the table sizes: %s",
		     read_errno == EFBIG ? "larger than 1 GiB" : strerror(read_errno));
		return NULL;
	}
	if (memchr(text, '\0', len)) {
		fail(path, err, err_size, "not JSON: the file contains a NUL byte");
		free(text);
		return NULL;
	}
	/* A UTF-8 byte order mark is allowed. */
	const char *start = len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? text + 3 : text;
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(start, &end, 1);
	if (!root) {
		int line, column;
		size_t off = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
		line_column(text, off, &line, &column);
		bool blank = true;
		for (const char *p = start; *p && blank; p++)
			blank = strchr(" \t\r\n", *p) != NULL;
		if (blank)
			fail(path, err, err_size, "not JSON: the file is empty (a database without tables is {})");
		else
			fail(path, err, err_size, "not JSON: a syntax error at line %d, column %d", line, column);
		free(text);
		return NULL;
	}
	free(text);
	if (!cJSON_IsObject(root)) {
		fail(path, err, err_size,
		     "the top level must be an object mapping \"schema.table\" to {\"rows\": N, \"bytes\": N}, not %s",
		     type_name(root));
		cJSON_Delete(root);
		return NULL;
	}
	ml_table_sizes *sizes = calloc(1, sizeof(*sizes));
	if (!sizes || !(sizes->arena = ml_arena_new())) {
		free(sizes);
		cJSON_Delete(root);
		fail(path, err, err_size, "out of memory");
		return NULL;
	}
	for (const cJSON *item = root->child; item; item = item->next) {
		if (!load_entry(path, err, err_size, sizes, item)) {
			ml_table_sizes_free(sizes);
			cJSON_Delete(root);
			return NULL;
		}
	}
	cJSON_Delete(root);
	return sizes;
}

void ml_table_sizes_free(ml_table_sizes *sizes)
{
	if (!sizes)
		return;
	ml_arena_free(sizes->arena);
	free(sizes);
}

/* ---- looking up ----------------------------------------------------------- */

const ml_table_size *ml_table_sizes_find(const ml_table_sizes *sizes, const char *table)
{
	if (!sizes || !table)
		return NULL;
	if (strchr(table, '.'))
		return ml_map_get(&sizes->by_key, table);
	char key[512];
	int n = snprintf(key, sizeof(key), "public.%s", table);
	const ml_table_size *size = n > 0 && (size_t)n < sizeof(key) ? ml_map_get(&sizes->by_key, key) : NULL;
	if (!size) {
		size = ml_map_get(&sizes->by_name, table);
		if (size == &AMBIGUOUS)
			size = NULL;
	}
	return size;
}

/* ---- in words ------------------------------------------------------------- */

static void describe_rows(long long rows, char *buf, size_t len)
{
	if (rows < 10000) {
		snprintf(buf, len, "%lld %s", rows, rows == 1 ? "row" : "rows");
		return;
	}
	static const char UNITS[] = "KMB";
	long long scale = 1000;
	size_t unit = 0;
	while (unit + 1 < sizeof(UNITS) - 1 && rows / scale >= 10000) {
		scale *= 1000;
		unit++;
	}
	snprintf(buf, len, "%lld%c rows", (rows + scale / 2) / scale, UNITS[unit]);
}

/* As pg_size_pretty: in half units, to round the last one half up. */
static void describe_bytes(long long bytes, char *buf, size_t len)
{
	if (bytes < 10 * 1024) {
		snprintf(buf, len, "%lld bytes", bytes);
		return;
	}
	static const char *const UNITS[] = { "kB", "MB", "GB", "TB", "PB" };
	long long half = bytes >> 9;
	size_t unit = 0;
	while (unit + 1 < sizeof(UNITS) / sizeof(*UNITS) && half >= 10 * 1024 * 2 - 1) {
		half >>= 10;
		unit++;
	}
	snprintf(buf, len, "%lld %s", (half + 1) / 2, UNITS[unit]);
}

char *ml_table_size_describe(const ml_table_size *size, char *buf, size_t len)
{
	char rows[32], bytes[32];
	describe_rows(size->rows, rows, sizeof(rows));
	if (size->bytes < 0) {
		snprintf(buf, len, "%s", rows);
		return buf;
	}
	describe_bytes(size->bytes, bytes, sizeof(bytes));
	snprintf(buf, len, "%s, %s", rows, bytes);
	return buf;
}
