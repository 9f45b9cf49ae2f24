/*
 * tree.h - helpers over libpg_query's protobuf-c parse trees that need no
 * context: a type as text, how deeply encoded trees nest, and what a
 * statement costs to parse, read from its tokens. (The helpers rules share
 * are declared in rule_api.h.)
 */
#ifndef MIGRALINT_TREE_H
#define MIGRALINT_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* The helpers rules share, for the layers below the rule API. Their
 * contracts are where rules read them: src/rule_api/rule_tree.h (walking,
 * names, types, options), rule_alter.h (ALTER TABLE subcommands, column
 * constraints), rule_catalog.h (ml_name_list_append) and rule_report.h
 * (ml_word_end). rule_api.c includes both sides, so the compiler checks
 * that the declarations agree. */
typedef bool (*ml_visit_fn)(const ProtobufCMessage *msg, void *data);
void ml_walk(const ProtobufCMessage *msg, ml_visit_fn visit, void *data);
const char *ml_last_name(PgQuery__Node *const *names, size_t n);
const char *ml_dotted_name(PgQuery__Node *const *names, size_t n, char *buf, size_t len);
bool ml_type_is_serial(const PgQuery__TypeName *type);
bool ml_type_change_has_real_using(const PgQuery__AlterTableCmd *cmd);
const PgQuery__DefElem *ml_option(PgQuery__Node *const *options, size_t n, const char *defname);
bool ml_option_bool(const PgQuery__DefElem *opt);
bool ml_option_on(PgQuery__Node *const *options, size_t n, const char *defname);
bool ml_bool_word(const char *text, bool *value);
const PgQuery__AlterTableCmd *ml_alter_cmd(const PgQuery__AlterTableStmt *as, size_t i);
const PgQuery__ColumnDef *ml_added_column(const PgQuery__AlterTableCmd *cmd);
const PgQuery__Constraint *ml_added_constraint(const PgQuery__AlterTableCmd *cmd, PgQuery__ConstrType type);
const PgQuery__Constraint *ml_column_constraint(const PgQuery__ColumnDef *def, PgQuery__ConstrType type);
bool ml_column_fills_itself(const PgQuery__ColumnDef *def);
bool ml_name_list_append(char *buf, size_t size, const char *name);
size_t ml_word_end(const char *text, size_t len, const char *word);

#endif
