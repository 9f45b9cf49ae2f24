/*
 * stmt_unit.c - lists of statement units: turns a parse into units (one per
 * statement, with its span in the file), or into the unit that says why it
 * did not parse, and keeps the parses alive as long as the units.
 */
#include <ctype.h>
#include <string.h>

#include "arena.h"
#include "linemap.h"
#include "parse.h"
#include "tree.h"
#include "stmt_unit.h"

/* Syntax error messages are cut after this many bytes, and the token they
 * quote after SYNTAX_TOKEN_MAX. */
#define SYNTAX_MESSAGE_MAX 300
#define SYNTAX_TOKEN_MAX 60

void ml_unit_list_init(ml_unit_list *list, ml_arena *arena)
{
	memset(list, 0, sizeof(*list));
	list->arena = arena;
}

void ml_unit_list_add(ml_unit_list *list, const ml_unit *unit)
{
	if (list->len == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 8;
		list->items = ml_arena_grow(list->arena, list->items, list->cap * sizeof(*list->items),
					    cap * sizeof(*list->items));
		list->cap = cap;
	}
	list->items[list->len++] = *unit;
}

void ml_unit_list_free(ml_unit_list *list)
{
	for (size_t i = 0; i < list->parses.len; i++)
		ml_parsed_free(list->parses.items[i]);
	list->parses.len = 0;
	list->len = 0;
}

/* The unit for a parse error err in text (len bytes at file offset base):
 * the token the parser stopped at underlined, its message cut short. */
static void add_syntax_error(ml_unit_list *list, const char *text, size_t len, size_t base, bool exact,
			     const PgQueryError *err, const ml_unit *like, const ml_line_map *map)
{
	ml_unit unit = *like;
	unit.kind = ML_UNIT_SYNTAX_ERROR;
	unit.stmt = NULL;
	unit.start = base;
	unit.end = base + len;
	unit.is_statement = true;
	size_t offset = base;
	if (exact && err->cursorpos > 0)
		offset = base + ml_utf8_char_to_byte(text, len, err->cursorpos);
	/* Underline the token the parser stopped at. */
	size_t end = offset;
	while (end < base + len && end < map->len && !isspace((unsigned char)map->text[end]) &&
	       (end == offset || (map->text[end] != ';' && map->text[end] != ',' && map->text[end] != '(' &&
				  map->text[end] != ')')))
		end++;
	if (end == offset && end < map->len)
		end++;
	unit.error_start = offset;
	unit.error_end = end;
	/* libpg_query quotes the token it stopped at, whatever its length: an
	 * unterminated quote makes it the rest of the file. */
	const char *message = err->message;
	const char *near = strstr(message, " at or near \"");
	size_t head = near ? (size_t)(near - message) + strlen(" at or near \"") : 0;
	size_t message_len = strlen(message);
	if (near && message_len > head + SYNTAX_TOKEN_MAX + 1) {
		size_t keep = head + SYNTAX_TOKEN_MAX;
		while (keep > head && ((unsigned char)message[keep] & 0xC0) == 0x80)
			keep--;
		message = ml_arena_printf(list->arena, "%.*s...\"", (int)keep, message);
	} else if (message_len > SYNTAX_MESSAGE_MAX) {
		size_t keep = SYNTAX_MESSAGE_MAX;
		while (keep > 0 && ((unsigned char)message[keep] & 0xC0) == 0x80)
			keep--;
		message = ml_arena_printf(list->arena, "%.*s ...", (int)keep, message);
	}
	unit.message = message;
	ml_unit_list_add(list, &unit);
}

int ml_unit_list_add_parse(ml_unit_list *list, ml_parsed *parsed, const char *text, size_t len, size_t base,
			   bool exact, const ml_unit *like, const ml_line_map *map)
{
	ml_parsed *kept = ml_arena_alloc(list->arena, sizeof(*kept));
	*kept = *parsed;
	memset(parsed, 0, sizeof(*parsed));
	/* A tree in the list's own arena needs no freeing. */
	if (kept->arena || kept->status == ML_PARSED_ERROR)
		ml_ptr_vec_push(list->arena, &list->parses, kept);
	if (kept->status == ML_PARSED_TOO_COMPLEX) {
		ml_unit unit = *like;
		unit.kind = ML_UNIT_TOO_COMPLEX;
		unit.stmt = NULL;
		if (exact) {
			unit.start = base;
			unit.end = base + len;
		}
		unit.tokens = kept->too_many_tokens;
		unit.what = "statement";
		ml_unit_list_add(list, &unit);
		return 0;
	}
	if (kept->status == ML_PARSED_ERROR) {
		if (!like->env.dynamic)
			add_syntax_error(list, text, len, base, exact, kept->result.error, like, map);
		return -1;
	}
	const PgQuery__ParseResult *tree = kept->tree;
	int count = 0;
	for (size_t i = 0; tree && i < tree->n_stmts; i++) {
		const PgQuery__RawStmt *raw = tree->stmts[i];
		if (!raw || !raw->stmt)
			continue;
		size_t s = raw->stmt_location > 0 ? (size_t)raw->stmt_location : 0;
		size_t e = raw->stmt_len > 0 ? s + (size_t)raw->stmt_len : len;
		if (s > len)
			s = len;
		if (e > len)
			e = len;
		while (s < e && isspace((unsigned char)text[s]))
			s++;
		/* Text that is not a verbatim slice of the file (PL/pgSQL
		 * with blanked INTO, rebuilt dynamic SQL) keeps the span
		 * the caller gave. */
		ml_unit unit = *like;
		unit.kind = ML_UNIT_STATEMENT;
		unit.stmt = raw->stmt;
		if (exact) {
			unit.start = base + s;
			unit.end = base + e;
			while (unit.end > unit.start && isspace((unsigned char)map->text[unit.end - 1]))
				unit.end--;
		}
		unit.loc_base = base;
		unit.loc_exact = exact;
		unit.loc_limit = len;
		ml_unit_list_add(list, &unit);
		count++;
	}
	return count;
}
