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

ml_engine_record *ml_engine_output_add_statement(ml_engine_output *out)
{
	out->statements = grow(out->statements, out->n_statements, &out->cap_statements, sizeof(*out->statements));
	ml_engine_record *r = &out->statements[out->n_statements++];
	memset(r, 0, sizeof(*r));
	return r;
}
