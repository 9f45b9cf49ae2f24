/*
 * parse.c - one statement from text to a protobuf-c tree: the size and
 * nesting guards, libpg_query's parse (or the tree of the same text from
 * the parse cache, when a program turned it on), the depth check on the
 * packed tree and the unpacking into an arena of the statement's own. Safe
 * to call from any thread, so pipeline workers do this part ahead of the
 * engine.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "body_cache.h"
#include "parse.h"
#include "parse_cache.h"
#include "tree.h"
#include "unpack.h"
#include "migralint/migralint.h"

/* Built here, with the pg_query.h the library is compiled against (a
 * program including another copy of it would report that copy). */
const char *ml_grammar_version(void)
{
#ifdef PG_QUERY_VERSION
	return "PostgreSQL " PG_VERSION " grammar, libpg_query " PG_QUERY_VERSION;
#else
	return "PostgreSQL " PG_VERSION " grammar";
#endif
}

int ml_grammar_version_num(void)
{
	return PG_VERSION_NUM;
}

/* ml_parse_statement, unpacking into into (the caller's, out->arena stays
 * NULL), or into an arena of out's own when into is NULL; the tree from
 * bodies, a run's cache of the SQL of PL/pgSQL bodies, when it holds the
 * text (bodies may be NULL). */
static void parse(ml_body_cache *bodies, ml_arena *into, const char *text, size_t len, ml_parsed *out)
{
	memset(out, 0, sizeof(*out));
	ml_statement_size size;
	ml_statement_measure(text, len, &size);
	if (size.tokens > ML_MAX_STATEMENT_TOKENS) {
		out->status = ML_PARSED_TOO_COMPLEX;
		out->too_many_tokens = size.tokens;
		return;
	}
	if (size.depth > ML_MAX_NESTING_ESTIMATE) {
		out->status = ML_PARSED_TOO_COMPLEX;
		return;
	}
	/* A statement parsed before (a language server linting after an
	 * edit, a body met again in a run) comes from a cache, when it is
	 * on; only trees that parsed go there. */
	size_t packed_len = 0;
	const uint8_t *packed = bodies ? ml_body_cache_get_tree(bodies, text, &packed_len) : NULL;
	uint8_t *cached = packed ? NULL : ml_parse_cache_get(ML_CACHE_STATEMENT, text, &packed_len);
	PgQueryProtobufParseResult result = { 0 };
	bool parsed_now = false;
	if (cached) {
		packed = cached;
	} else if (!packed) {
		result = pg_query_parse_protobuf(text);
		parsed_now = true;
		if (result.error) {
			out->status = ML_PARSED_ERROR;
			out->result = result;
			return;
		}
		packed = (const uint8_t *)result.parse_tree.data;
		packed_len = result.parse_tree.len;
		ml_parse_cache_put(ML_CACHE_STATEMENT, text, packed, packed_len);
		if (bodies)
			ml_body_cache_put_tree(bodies, text, packed, packed_len);
	}
	out->arena = into ? NULL : ml_arena_new();
	bool too_deep;
	out->tree = ml_unpack_bounded(into ? into : out->arena, &pg_query__parse_result__descriptor, packed, packed_len,
				      ML_MAX_TREE_DEPTH, &too_deep);
	/* The packed bytes are not needed once unpacked. */
	free(cached);
	if (parsed_now)
		pg_query_free_protobuf_parse_result(result);
	if (too_deep) {
		ml_arena_free(out->arena);
		out->arena = NULL;
		out->tree = NULL;
		out->status = ML_PARSED_TOO_COMPLEX;
		return;
	}
	out->status = ML_PARSED_OK;
}

void ml_parse_statement(const char *text, size_t len, ml_parsed *out)
{
	parse(NULL, NULL, text, len, out);
}

void ml_parse_statement_in(ml_arena *arena, const char *text, size_t len, ml_parsed *out)
{
	parse(NULL, arena, text, len, out);
}

void ml_parse_body_statement(ml_body_cache *bodies, ml_arena *arena, const char *text, size_t len, ml_parsed *out)
{
	parse(bodies, arena, text, len, out);
}

void ml_parsed_free(ml_parsed *p)
{
	if (p->status == ML_PARSED_ERROR)
		pg_query_free_protobuf_parse_result(p->result);
	if (p->arena)
		ml_arena_free(p->arena);
	memset(p, 0, sizeof(*p));
}

bool ml_copies_from_stdin(const char *text, size_t len)
{
	ml_parsed parsed;
	ml_parse_statement(text, len, &parsed);
	bool copies = false;
	for (size_t i = 0; parsed.status == ML_PARSED_OK && parsed.tree && i < parsed.tree->n_stmts; i++) {
		const PgQuery__RawStmt *raw = parsed.tree->stmts[i];
		const PgQuery__Node *n = raw ? raw->stmt : NULL;
		if (n && n->node_case == PG_QUERY__NODE__NODE_COPY_STMT && n->copy_stmt->is_from &&
		    !n->copy_stmt->is_program && (!n->copy_stmt->filename || !n->copy_stmt->filename[0]))
			copies = true;
	}
	ml_parsed_free(&parsed);
	return copies;
}
