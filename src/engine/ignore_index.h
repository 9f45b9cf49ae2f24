/*
 * ignore_index.h - the directive comments of a file, indexed by the line they
 * cover and the rule they name (ignore_index.c), so that the engine finds
 * the comments silencing a finding at the same cost however many the file
 * has. The comments themselves are parsed in the source layer (suppress.c);
 * naming rules through the registry and squawk's table is the engine's.
 */
#ifndef MIGRALINT_IGNORE_INDEX_H
#define MIGRALINT_IGNORE_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "rule.h"
#include "suppress.h"

/* What one rule name of a directive comment (ml_suppression.rules[k])
 * stands for. */
typedef struct ml_ignore_name {
	const ml_rule *rules[2];  /* the rules it silences (squawk's require-timeout-settings names
				     two); rules[0] is NULL when it silences none */
	bool foreign;             /* a squawk rule migralint has no counterpart for: accepted, and
				     never reported as unknown or unused */
	bool used;                /* it silenced a finding */
} ml_ignore_name;

/* The directive comments of a file indexed by the line they cover and the
 * rule they name: finding the comments that silence a finding costs the
 * same however many comments the file has. */
typedef struct ml_ignore_entry {
	ml_suppression *s;
	ml_ignore_name *name;     /* the name of s that names the rule */
	struct ml_ignore_entry *next;
} ml_ignore_entry;

typedef struct ml_ignore_bucket {
	uint64_t key;             /* line << 16 | (rule index + 1), line 0 for the whole file; 0: empty */
	ml_ignore_entry *first, *last; /* in the order the comments were taken in */
	bool all_used;            /* every entry's name is marked used */
} ml_ignore_bucket;

typedef struct ml_ignore_index {
	ml_ignore_bucket *slots;  /* open addressing; cap is 0 or a power of two */
	size_t len, cap;
} ml_ignore_index;

/* Resolves the rule names of s into s->names (in arena; a squawk comment's
 * names through squawk's table first, then as migralint's) and adds s to
 * index under the lines it covers: its own line, the line after it when it
 * is on a line of its own, or the whole file. A squawk-ignore-file without
 * names is filed for every rule, with s->names[0] marking its use. */
void ml_ignore_index_add(ml_arena *arena, ml_ignore_index *index, ml_suppression *s);

/* The comment that silences the rule with registry index rule for a
 * statement starting on stmt_line with the finding on line, or NULL. A
 * comment covering the line wins over a whole-file one; every comment that
 * covers the finding has its name marked used. about, when not NULL, is a
 * comment the finding is about: it does not silence it. */
ml_suppression *ml_ignore_index_match(ml_ignore_index *index, size_t rule, int stmt_line, int line,
				      const ml_suppression *about);

#endif
