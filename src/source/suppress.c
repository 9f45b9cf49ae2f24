/*
 * suppress.c - finds "migralint-ignore" directives, and squawk's
 * "squawk-ignore" ones (docs/squawk.md), and parses them. Comments are
 * located with libpg_query's own scanner, so a "--" inside a string
 * literal or a dollar quote is never mistaken for a directive. The rule
 * names stay as written: the engine resolves them and indexes the comments
 * (src/engine/ignore_index.c).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <string.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "arena.h"
#include "linemap.h"
#include "suppress.h"
#include "unpack.h"

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && isspace((unsigned char)*p))
		p++;
	return p;
}

const char *ml_suppression_kind(const ml_suppression *s)
{
	if (s->directive == ML_DIRECTIVE_SQUAWK)
		return s->whole_file ? "squawk-ignore-file" : "squawk-ignore";
	return s->whole_file ? "migralint-ignore-file" : "migralint-ignore";
}

/* Does c end a line (\n, or the CR of \r\n or of a lone \r)? */
static bool is_line_break(char c)
{
	return c == '\n' || c == '\r';
}

/* The directive words, each followed by "-ignore". */
static const struct {
	const char *word;
	ml_directive directive;
} DIRECTIVES[] = {
	{ "migralint", ML_DIRECTIVE_MIGRALINT },
	{ "squawk", ML_DIRECTIVE_SQUAWK },
};

bool ml_mentions_directive(const char *text, size_t len)
{
	static const char IGNORE[] = "-ignore";
	const size_t ignore_len = sizeof(IGNORE) - 1;
	const char *p = text, *end = text + len;
	while ((p = memmem(p, (size_t)(end - p), IGNORE, ignore_len))) {
		for (size_t i = 0; i < sizeof(DIRECTIVES) / sizeof(DIRECTIVES[0]); i++) {
			size_t n = strlen(DIRECTIVES[i].word);
			if ((size_t)(p - text) >= n && !memcmp(p - n, DIRECTIVES[i].word, n))
				return true;
		}
		p += ignore_len;
	}
	return false;
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
	ml_directive directive = ML_DIRECTIVE_MIGRALINT;
	bool known = false;
	for (size_t i = 0; i < sizeof(DIRECTIVES) / sizeof(DIRECTIVES[0]) && !known; i++) {
		size_t n = strlen(DIRECTIVES[i].word);
		if ((size_t)(end - p) >= n + 7 && !memcmp(p, DIRECTIVES[i].word, n) && !memcmp(p + n, "-ignore", 7)) {
			directive = DIRECTIVES[i].directive;
			p += n + 7;
			known = true;
		}
	}
	if (!known)
		return false;
	bool whole_file = false;
	if ((size_t)(end - p) >= 5 && !memcmp(p, "-file", 5)) {
		whole_file = true;
		p += 5;
	}
	if (p < end && !isspace((unsigned char)*p) && *p != ':')
		return false; /* e.g. "migralint-ignored": not ours */
	memset(out, 0, sizeof(*out));
	bool squawk = directive == ML_DIRECTIVE_SQUAWK;
	if (squawk) {
		/* squawk's syntax: a second "--" starts a note, which is the
		 * reason (a colon works too). */
		const char *note = (size_t)(end - p) >= 2 ? memmem(p, (size_t)(end - p), "--", 2) : NULL;
		if (note) {
			const char *r = skip_space(note + 2, end);
			const char *re = end;
			while (re > r && isspace((unsigned char)re[-1]))
				re--;
			out->reason = ml_arena_strndup(arena, r, (size_t)(re - r));
			end = note;
		}
	}
	out->directive = directive;
	out->whole_file = whole_file;
	ml_ptr_vec rules = { 0 };
	size_t *rule_at = NULL, cap = 0;
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
		if (rules.len == cap) {
			rule_at = ml_arena_grow(arena, rule_at, cap * sizeof(*rule_at), (cap ? cap * 2 : 4) * sizeof(*rule_at));
			cap = cap ? cap * 2 : 4;
		}
		rule_at[rules.len] = (size_t)(w - comment);
		ml_ptr_vec_push(arena, &rules, ml_arena_strndup(arena, w, (size_t)(p - w)));
	}
	out->n_rules = rules.len;
	out->rules = (const char **)rules.items;
	out->rule_at = rule_at;
	/* squawk-ignore-file without names: squawk silences every rule. */
	out->all_rules = squawk && whole_file && rules.len == 0;
	return true;
}

size_t ml_find_irreversible(ml_arena *arena, const char *text, size_t start, size_t end, const char **reason)
{
	static const char MARK[] = "migralint: irreversible";
	const size_t mark_len = sizeof(MARK) - 1;
	*reason = NULL;
	if (end <= start || !memmem(text + start, end - start, MARK, mark_len))
		return (size_t)-1;
	/* PostgreSQL's scanner says what is a comment: not a string that
	 * holds the words, and a block comment over several lines is one. */
	char *copy = ml_arena_strndup(arena, text + start, end - start);
	PgQueryScanResult result = pg_query_scan(copy);
	PgQuery__ScanResult *scan =
		result.error ? NULL
			     : ml_unpack(arena, &pg_query__scan_result__descriptor, (const uint8_t *)result.pbuf.data,
					 result.pbuf.len);
	pg_query_free_scan_result(result);
	for (size_t i = 0; scan && i < scan->n_tokens; i++) {
		const PgQuery__ScanToken *tok = scan->tokens[i];
		if (tok->token != PG_QUERY__TOKEN__SQL_COMMENT && tok->token != PG_QUERY__TOKEN__C_COMMENT)
			continue;
		if (tok->start < 0 || tok->end < tok->start || (size_t)tok->end > end - start)
			continue;
		const char *comment = copy + tok->start;
		size_t len = (size_t)(tok->end - tok->start);
		const char *hit = memmem(comment, len, MARK, mark_len);
		if (!hit)
			continue;
		size_t r = (size_t)(hit - comment) + mark_len, stop = len;
		if (tok->token == PG_QUERY__TOKEN__C_COMMENT && stop >= 2 && comment[stop - 2] == '*' &&
		    comment[stop - 1] == '/')
			stop -= 2;
		if (r < stop && comment[r] == ':')
			r++;
		while (r < stop && isspace((unsigned char)comment[r]))
			r++;
		while (stop > r && isspace((unsigned char)comment[stop - 1]))
			stop--;
		*reason = ml_arena_strndup(arena, comment + r, stop - r);
		return start + (size_t)tok->start;
	}
	return (size_t)-1;
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
		s.offset = offset;
		/* On a line of its own: only blanks before it on its first line
		 * and after it on its last, so it belongs to the next line. Each
		 * side is read only up to its first non-blank: a long line with
		 * many comments is not read again for each one. A lone CR ends a
		 * line too, as in PostgreSQL's scanner. */
		s.own_line = true;
		for (size_t k = offset; k > 0 && !is_line_break(map->text[k - 1]) && s.own_line; k--)
			if (!isspace((unsigned char)map->text[k - 1]))
				s.own_line = false;
		for (size_t k = start + (size_t)tok->end; k < map->len && !is_line_break(map->text[k]) && s.own_line; k++)
			if (!isspace((unsigned char)map->text[k]))
				s.own_line = false;
		ml_suppression *copy = ml_arena_alloc(arena, sizeof(*copy));
		*copy = s;
		ml_ptr_vec_push(arena, list, copy);
	}
	return 0;
}
