/*
 * engine_output.c - the list the engine appends its findings and statement
 * records to, and its caller empties after each call into the engine: two
 * arrays kept across clears and an arena for what the entries point at, so
 * a long file costs only what one batch of units produced.
 */
#include <stdlib.h>
#include <string.h>

#include "engine_output.h"

void ml_engine_output_init(ml_engine_output *out)
{
	memset(out, 0, sizeof(*out));
	out->arena = ml_arena_new();
	if (!out->arena)
		ml_out_of_memory(64 * 1024); /* about an arena's first block */
}

void ml_engine_output_clear(ml_engine_output *out)
{
	if (!out->n_findings && !out->n_statements)
		return;
	out->n_findings = out->n_statements = 0;
	ml_arena_reset(out->arena);
}

void ml_engine_output_free(ml_engine_output *out)
{
	ml_arena_free(out->arena);
	free(out->findings);
	free(out->statements);
	memset(out, 0, sizeof(*out));
}

/* Room for one more item of size bytes in *items (len used, *cap held). */
static void *grow(void *items, size_t len, size_t *cap, size_t size)
{
	if (len < *cap)
		return items;
	size_t want = *cap ? *cap * 2 : 16;
	void *grown = realloc(items, want * size);
	if (!grown)
		ml_out_of_memory(want * size);
	*cap = want;
	return grown;
}

ml_engine_finding *ml_engine_output_add_finding(ml_engine_output *out)
{
	out->findings = grow(out->findings, out->n_findings, &out->cap_findings, sizeof(*out->findings));
	ml_engine_finding *f = &out->findings[out->n_findings++];
	memset(f, 0, sizeof(*f));
	return f;
}

static const char *const *copy_names(ml_arena *arena, const char *const *names, size_t n)
{
	if (!n)
		return NULL;
	const char **copy = ml_arena_alloc(arena, n * sizeof(*copy));
	for (size_t i = 0; i < n; i++)
		copy[i] = ml_arena_strdup(arena, names[i]);
	return copy;
}

const ml_observation *ml_observation_copy(ml_arena *arena, const ml_observation *obs)
{
	if (!obs)
		return NULL;
	ml_observation *c = ml_arena_alloc(arena, sizeof(*c));
	*c = *obs;
	c->not_run = ml_arena_strdup(arena, obs->not_run);
	c->error = ml_arena_strdup(arena, obs->error);
	c->sqlstate = ml_arena_strdup(arena, obs->sqlstate);
	c->error_detail = ml_arena_strdup(arena, obs->error_detail);
	c->error_hint = ml_arena_strdup(arena, obs->error_hint);
	if (obs->n_locks) {
		ml_observed_lock *locks = ml_arena_alloc(arena, obs->n_locks * sizeof(*locks));
		for (size_t i = 0; i < obs->n_locks; i++) {
			locks[i] = obs->locks[i];
			locks[i].table = ml_arena_strdup(arena, obs->locks[i].table);
			locks[i].parent = ml_arena_strdup(arena, obs->locks[i].parent);
			locks[i].renamed_from = ml_arena_strdup(arena, obs->locks[i].renamed_from);
			locks[i].mode = ml_arena_strdup(arena, obs->locks[i].mode);
		}
		c->locks = locks;
	} else {
		c->locks = NULL;
	}
	c->rewritten = copy_names(arena, obs->rewritten, obs->n_rewritten);
	c->scanned = copy_names(arena, obs->scanned, obs->n_scanned);
	c->absent = copy_names(arena, obs->absent, obs->n_absent);
	return c;
}

ml_engine_record *ml_engine_output_add_statement(ml_engine_output *out)
{
	out->statements = grow(out->statements, out->n_statements, &out->cap_statements, sizeof(*out->statements));
	ml_engine_record *r = &out->statements[out->n_statements++];
	memset(r, 0, sizeof(*r));
	return r;
}
