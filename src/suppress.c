/*
 * suppress.c - finds "migralint-ignore" directives. Comments are located with
 * libpg_query's own scanner, so a "--" inside a string literal or a dollar
 * quote is never mistaken for a directive.
 */
#include <ctype.h>
#include <string.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "internal.h"

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && isspace((unsigned char)*p))
		p++;
	return p;
}

bool ml_suppression_parse(ml_arena *arena, const char *comment, size_t len, ml_suppression *out)
{
	const char *p = comment, *end = comment + len;
	if (len >= 2 && p[0] == '-' && p[1] == '-') {
		p += 2;
	} else if (len >= 4 && p[0] == '/' && p[1] == '*' && end[-2] == '*' && end[-1] == '/') {
		p += 2;
		end -= 2;
	} else {
		return false;
	}
	p = skip_space(p, end);
	static const char KEY[] = "migralint-ignore";
	size_t key_len = sizeof(KEY) - 1;
	if ((size_t)(end - p) < key_len || memcmp(p, KEY, key_len) != 0)
		return false;
	p += key_len;
	bool whole_file = false;
	if ((size_t)(end - p) >= 5 && !memcmp(p, "-file", 5)) {
		whole_file = true;
		p += 5;
	}
	if (p < end && !isspace((unsigned char)*p) && *p != ':')
		return false; /* e.g. "migralint-ignored": not ours */

	memset(out, 0, sizeof(*out));
	out->whole_file = whole_file;
	ml_ptr_vec rules = { 0 };
	for (;;) {
		while (p < end && (isspace((unsigned char)*p) || *p == ','))
			p++;
		if (p >= end)
			break;
		if (*p == ':') {
			const char *r = skip_space(p + 1, end);
			const char *re = end;
			while (re > r && isspace((unsigned char)re[-1]))
				re--;
			out->reason = ml_arena_strndup(arena, r, (size_t)(re - r));
			break;
		}
		const char *w = p;
		while (p < end && !isspace((unsigned char)*p) && *p != ',' && *p != ':')
			p++;
		/* Keep odd names as written: the engine warns about unknown ones. */
		ml_ptr_vec_push(arena, &rules, ml_arena_strndup(arena, w, (size_t)(p - w)));
	}
	out->n_rules = rules.len;
	out->rules = (const char **)rules.items;
	return true;
}

int ml_suppressions_scan(ml_arena *arena, const ml_line_map *map, size_t start, size_t end,
			 ml_ptr_vec *list)
{
	char *text = ml_arena_strndup(arena, map->text + start, end - start);
	PgQueryScanResult result = pg_query_scan(text);
	if (result.error) {
		pg_query_free_scan_result(result);
		return -1;
	}
	PgQuery__ScanResult *scan =
		ml_unpack(arena, &pg_query__scan_result__descriptor, (const uint8_t *)result.pbuf.data, result.pbuf.len);
	pg_query_free_scan_result(result);
	if (!scan)
		return -1;
	for (size_t i = 0; i < scan->n_tokens; i++) {
		const PgQuery__ScanToken *tok = scan->tokens[i];
		if (tok->token != PG_QUERY__TOKEN__SQL_COMMENT && tok->token != PG_QUERY__TOKEN__C_COMMENT)
			continue;
		if (tok->start < 0 || tok->end < tok->start || (size_t)tok->end > end - start)
			continue;
		ml_suppression s;
		if (!ml_suppression_parse(arena, text + tok->start, (size_t)(tok->end - tok->start), &s))
			continue;
		size_t offset = start + (size_t)tok->start;
		ml_line_map_position(map, offset, &s.line, &s.column);
		int end_column;
		ml_line_map_position(map, start + (size_t)tok->end, &s.end_line, &end_column);
		size_t line_start = ml_line_map_line_start(map, s.line);
		/* On a line of its own: only blanks before it on its first line
		 * and after it on its last, so it belongs to the next line. */
		s.own_line = true;
		for (size_t k = line_start; k < offset; k++)
			if (!isspace((unsigned char)map->text[k]))
				s.own_line = false;
		size_t after = start + (size_t)tok->end, line_end = ml_line_map_line_end(map, s.end_line);
		for (size_t k = after; k < line_end; k++)
			if (!isspace((unsigned char)map->text[k]))
				s.own_line = false;
		ml_suppression *copy = ml_arena_alloc(arena, sizeof(*copy));
		*copy = s;
		ml_ptr_vec_push(arena, list, copy);
	}
	return 0;
}
