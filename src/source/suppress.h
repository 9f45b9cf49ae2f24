/*
 * suppress.h - directive comments (migralint-ignore, squawk-ignore and their
 * -file forms): found in a file's text and parsed (suppress.c). What they
 * silence is the engine's business (src/engine/ignore_index.h).
 */
#ifndef MIGRALINT_SUPPRESS_H
#define MIGRALINT_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "linemap.h"
#include "migralint/migralint.h"

struct ml_ignore_name;            /* what a rule name resolves to: src/engine/ignore_index.h */

/* Whose syntax a directive comment uses. */
typedef enum ml_directive {
	ML_DIRECTIVE_MIGRALINT = 0,   /* migralint-ignore[-file] RULE[, RULE...][: reason] */
	ML_DIRECTIVE_SQUAWK,          /* squawk-ignore[-file] [RULE[, RULE...]][ -- reason] (docs/squawk.md) */
} ml_directive;

typedef struct ml_suppression {
	int line;                 /* 1-based line where the comment starts */
	int end_line;             /* line where it ends (block comments can span lines) */
	ml_directive directive;
	bool whole_file;          /* migralint-ignore-file, squawk-ignore-file */
	bool all_rules;           /* squawk-ignore-file without names: every rule */
	bool own_line;            /* nothing but the comment on that line */
	int column;               /* 1-based column of the comment, for warnings */
	size_t offset;            /* byte offset of the comment in the file */
	size_t n_rules;
	const char **rules;       /* rule names as written; arena-owned */
	const size_t *rule_at;    /* byte offset of each name from the comment's start */
	const char *reason;       /* text after ':' (or, in a squawk comment, after a second
				     "--"), or NULL */
	/* Set by the engine when it takes the comment in (ignore_index.h): */
	struct ml_ignore_name *names;  /* one per entry of rules */
	const ml_suppression_info *info; /* its public view, made when it first silences a
					    finding; run-owned */
} ml_suppression;

/* The name of a directive, e.g. "migralint-ignore-file". Static storage. */
const char *ml_suppression_kind(const ml_suppression *s);

/* Parses the text of one comment (with its -- or slash-star markers). Returns
 * true and fills *out (rules allocated in arena) when it is a migralint or
 * squawk directive; false otherwise. */
bool ml_suppression_parse(ml_arena *arena, const char *comment, size_t len, ml_suppression *out);

/* The first "-- migralint: irreversible: <reason>" comment (or the same in
 * a block comment) in text[start, end): its byte offset, with *reason the
 * reason (in arena, trimmed; "" when the comment gives none), or
 * (size_t)-1 when there is none. It says that an up migration has no down
 * on purpose. */
size_t ml_find_irreversible(ml_arena *arena, const char *text, size_t start, size_t end, const char **reason);

/* Does text[0, len) mention a directive ("migralint-ignore" or
 * "squawk-ignore")? A quick test before scanning for real comments. */
bool ml_mentions_directive(const char *text, size_t len);

/* Finds every directive comment in text[start, end) with pg_query_scan and
 * appends it to list (ml_suppression pointers in arena). Returns 0, or -1 when
 * the scanner rejected the text (nothing is appended then). */
int ml_suppressions_scan(ml_arena *arena, const ml_line_map *map, size_t start, size_t end,
			 ml_ptr_vec *list);

#endif
