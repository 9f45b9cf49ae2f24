/*
 * ignore_index.c - files each directive comment under the lines it covers
 * and the rules its names stand for (a squawk comment's names through
 * squawk's table, then migralint's registry), and finds the comments that
 * silence a finding: one hash lookup per line and rule, so a file with tens
 * of thousands of comments costs no more per finding than a file with one.
 */
#include <string.h>

#include "arena.h"
#include "engine.h"
#include "ignore_index.h"
#include "migralint/migralint.h"
#include "registry.h"
#include "rule.h"
#include "suppress.h"

/* The rule index a squawk-ignore-file without names is filed under: it
 * covers every rule. */
#define ALL_RULES ((size_t)0xFFFE)

/* Whole-file comments are filed under line 0. */
static uint64_t bucket_key(int line, size_t rule)
{
	return ((uint64_t)(unsigned)line << 16) | (uint64_t)(rule + 1);
}

static size_t slot_of(const ml_ignore_index *index, uint64_t key)
{
	return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 17) & (index->cap - 1);
}

static ml_ignore_bucket *find_bucket(const ml_ignore_index *index, uint64_t key)
{
	if (!index->cap)
		return NULL;
	for (size_t i = slot_of(index, key);; i = (i + 1) & (index->cap - 1)) {
		ml_ignore_bucket *b = &index->slots[i];
		if (b->key == key)
			return b;
		if (!b->key)
			return NULL;
	}
}

/* The bucket for key, made (empty) when there is none. */
static ml_ignore_bucket *bucket_for(ml_arena *arena, ml_ignore_index *index, uint64_t key)
{
	ml_ignore_bucket *b = find_bucket(index, key);
	if (b)
		return b;
	if ((index->len + 1) * 2 > index->cap) {
		/* Grown in the arena: the old slots stay there until the file is done. */
		ml_ignore_index grown = { .cap = index->cap ? index->cap * 2 : 64 };
		grown.slots = ml_arena_alloc(arena, grown.cap * sizeof(*grown.slots));
		for (size_t i = 0; i < index->cap; i++) {
			const ml_ignore_bucket *old = &index->slots[i];
			if (!old->key)
				continue;
			size_t j = slot_of(&grown, old->key);
			while (grown.slots[j].key)
				j = (j + 1) & (grown.cap - 1);
			grown.slots[j] = *old;
		}
		grown.len = index->len;
		*index = grown;
	}
	size_t i = slot_of(index, key);
	while (index->slots[i].key)
		i = (i + 1) & (index->cap - 1);
	index->slots[i].key = key;
	index->len++;
	return &index->slots[i];
}

static void file_under(ml_arena *arena, ml_ignore_index *index, int line, size_t rule, ml_suppression *s,
		       ml_ignore_name *name)
{
	ml_ignore_bucket *b = bucket_for(arena, index, bucket_key(line, rule));
	ml_ignore_entry *e = ml_arena_alloc(arena, sizeof(*e));
	e->s = s;
	e->name = name;
	if (b->last)
		b->last->next = e;
	else
		b->first = e;
	b->last = e;
	b->all_used = false;
}

/* What the k-th name of s stands for. */
static void resolve(const ml_suppression *s, size_t k, ml_ignore_name *name)
{
	const ml_squawk_name *sq = s->directive == ML_DIRECTIVE_SQUAWK ? ml_squawk_find(s->rules[k]) : NULL;
	if (!sq) {
		name->rules[0] = ml_registry_find(s->rules[k]);
		return;
	}
	size_t n = 0;
	for (size_t r = 0; r < 2 && sq->rules[r]; r++) {
		/* A rule this build lacks silences nothing. */
		const ml_rule *rule = ml_registry_find(sq->rules[r]);
		if (rule)
			name->rules[n++] = rule;
	}
	name->foreign = n == 0;
}

void ml_ignore_index_add(ml_arena *arena, ml_ignore_index *index, ml_suppression *s)
{
	s->names = ml_arena_alloc(arena, (s->n_rules ? s->n_rules : 1) * sizeof(*s->names));
	if (s->all_rules)
		file_under(arena, index, 0, ALL_RULES, s, &s->names[0]);
	for (size_t k = 0; k < s->n_rules; k++) {
		ml_ignore_name *name = &s->names[k];
		resolve(s, k, name);
		for (size_t r = 0; r < 2 && name->rules[r]; r++) {
			size_t rule = ml_registry_index(name->rules[r]);
			if (s->whole_file) {
				file_under(arena, index, 0, rule, s, name);
				continue;
			}
			file_under(arena, index, s->line, rule, s, name);
			/* On a line of its own it covers the next line too. */
			if (s->own_line)
				file_under(arena, index, s->end_line + 1, rule, s, name);
		}
	}
}

/* The first comment of bucket b other than about, marking the names of all
 * of them used. A bucket whose names are all marked is not walked again, so
 * many findings under many comments on one line stay linear. */
static ml_suppression *match_bucket(ml_ignore_bucket *b, const ml_suppression *about)
{
	if (!b)
		return NULL;
	if (b->all_used && b->first->s != about)
		return b->first->s;
	ml_suppression *first = NULL;
	bool all_used = true;
	for (ml_ignore_entry *e = b->first; e; e = e->next) {
		if (e->s == about) {
			all_used = all_used && e->name->used;
			continue;
		}
		e->name->used = true;
		if (!first)
			first = e->s;
	}
	b->all_used = all_used;
	return first;
}

ml_suppression *ml_ignore_index_match(ml_ignore_index *index, size_t rule, int stmt_line, int line,
				      const ml_suppression *about)
{
	if (!index->len)
		return NULL;
	ml_suppression *at_stmt = match_bucket(find_bucket(index, bucket_key(stmt_line, rule)), about);
	ml_suppression *at_line =
		line != stmt_line ? match_bucket(find_bucket(index, bucket_key(line, rule)), about) : NULL;
	ml_suppression *in_file = match_bucket(find_bucket(index, bucket_key(0, rule)), about);
	ml_suppression *every_rule = match_bucket(find_bucket(index, bucket_key(0, ALL_RULES)), about);
	return at_stmt ? at_stmt : at_line ? at_line : in_file ? in_file : every_rule;
}
