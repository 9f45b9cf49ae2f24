/*
 * parse.c - one statement from text to a protobuf-c tree: the size and
 * nesting guards, libpg_query's parse, the depth check on the packed tree
 * and the unpacking into an arena of the statement's own. Safe to call from
 * any thread, so pipeline workers do this part ahead of the engine.
 */
#include <string.h>

#include "arena.h"
#include "parse.h"
#include "tree.h"
#include "unpack.h"

/* ml_parse_statement, unpacking into into (the caller's, out->arena stays
 * NULL), or into an arena of out's own when into is NULL. */
static void parse(ml_arena *into, const char *text, size_t len, ml_parsed *out)
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
	PgQueryProtobufParseResult result = pg_query_parse_protobuf(text);
	if (result.error) {
		out->status = ML_PARSED_ERROR;
		out->result = result;
		return;
	}
	out->arena = into ? NULL : ml_arena_new();
	bool too_deep;
	out->tree = ml_unpack_bounded(into ? into : out->arena, &pg_query__parse_result__descriptor,
				      (const uint8_t *)result.parse_tree.data, result.parse_tree.len, ML_MAX_TREE_DEPTH,
				      &too_deep);
	/* The packed bytes are not needed once unpacked. */
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
	parse(NULL, text, len, out);
}

void ml_parse_statement_in(ml_arena *arena, const char *text, size_t len, ml_parsed *out)
{
	parse(arena, text, len, out);
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
