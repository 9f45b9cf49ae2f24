/*
 * tree.h - helpers over libpg_query's protobuf-c parse trees that need no
 * context: a type as text, how deeply encoded trees nest, and what a
 * statement costs to parse, read from its tokens. (The helpers rules share
 * are declared in rule_api.h.)
 */
#ifndef MIGRALINT_TREE_H
#define MIGRALINT_TREE_H

#include <pg_query/pg_query.pb-c.h>

#include "arena.h"

/* "varchar(20)", "int4[]", "interval day to second(3)": a type as written,
 * in arena (or a static string), or NULL for a NULL type. */
const char *ml_type_name_text(ml_arena *arena, const PgQuery__TypeName *type);
/* How deeply messages nest in the protobuf-encoded data of a message of
 * type desc, read without recursion; stops counting past limit (returns
 * limit + 1 then). protobuf-c's own unpacking recurses, so deeper trees
 * must not reach it. */
int ml_protobuf_depth(const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len, int limit);

/* What a statement costs to parse, read from its tokens without parsing. */
typedef struct ml_statement_size {
	/* An upper bound on how deeply its parse tree can nest: the tokens
	 * since the last comma, summed over open parentheses, plus the
	 * parenthesis depth (INT32_MAX past 4,096 open parentheses). */
	int depth;
	/* Its tokens: words, numbers, operators, punctuation; a quoted string
	 * or a dollar-quoted body counts as one, a comment as none. The parse
	 * tree, and the memory parsing takes, grow with them. */
	size_t tokens;
} ml_statement_size;
/* Measures text (len bytes) into *out. */
void ml_statement_measure(const char *text, size_t len, ml_statement_size *out);
/* ml_statement_measure's depth alone. */
int ml_nesting_estimate(const char *text, size_t len);

/* libpg_query and protobuf-c recurse once per tree level, using about a
 * kilobyte of stack each. Files are linted on a thread with a stack of
 * ML_LINT_STACK_SIZE; statements whose nesting estimate or decoded depth
 * passes these bounds are reported as statement-too-complex instead. */
#define ML_LINT_STACK_SIZE ((size_t)512 * 1024 * 1024)
#define ML_MAX_NESTING_ESTIMATE 100000
#define ML_MAX_TREE_DEPTH 300000
/* Parsing takes about 120 to 330 bytes of memory per token (measured with
 * libpg_query 15: a VALUES list of numbers at the low end, function calls,
 * casts and PL/pgSQL bodies at the high end), all at once. A statement or
 * PL/pgSQL body of more tokens than this is reported as
 * statement-too-complex instead of parsed, which bounds one parse at about
 * 330 MB: a 20 MB INSERT ... VALUES took 1.4 GB. */
#define ML_MAX_STATEMENT_TOKENS ((size_t)1000000)

#endif
