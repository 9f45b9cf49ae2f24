/*
 * rule_tree.h - helpers over a statement's parse tree: walking it, names,
 * types, volatility, the column types a statement defines and options.
 * Those taking a context are rule_api.c's and rule_catalog.c's; the others
 * are src/source/tree.c's (ml_type_change_is_coercible src/model/effects.c's),
 * which src/source/tree.h declares again for the layers below.
 */
#ifndef MIGRALINT_RULE_TREE_H
#define MIGRALINT_RULE_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include <pg_query/pg_query.pb-c.h>

#include "rule.h"

/* Visits msg and every message below it, depth first, without recursion. The
 * visitor returns false to skip the children of that message. Walks at most
 * a bounded number of messages. */
typedef bool (*ml_visit_fn)(const ProtobufCMessage *msg, void *data);
void ml_walk(const ProtobufCMessage *msg, ml_visit_fn visit, void *data);

/* The last name of a qualified name list (e.g. funcname, type names), or "". */
const char *ml_last_name(PgQuery__Node *const *names, size_t n);

/* "varchar(20)", "int4[]": a type as text in engine memory. */
const char *ml_type_text(const ml_stmt_ctx *ctx, const PgQuery__TypeName *type);

/* Is the column type a serial pseudo-type (serial, bigserial, smallserial)? */
bool ml_type_is_serial(const PgQuery__TypeName *type);

/* Does the expression call a volatile function (so a DEFAULT with it rewrites
 * the table even on PostgreSQL 11+)? *name receives the first one found. */
bool ml_expr_is_volatile(const ml_stmt_ctx *ctx, const PgQuery__Node *expr, const char **name);

/* Is a change from type old_text to new_text (as ml_type_text writes them)
 * one PostgreSQL makes without rewriting the table or rebuilding its
 * indexes? Only cases checked on PostgreSQL 15: varchar(n) -> varchar(m >= n)
 * / varchar / text, text -> varchar, numeric(p,s) -> numeric(p' >= p, s) /
 * numeric, varbit(n) -> varbit(m >= n) / varbit, a raised or dropped
 * precision of timestamp, timestamptz, time, timetz and interval, cidr ->
 * inet, and the same type again. NULL types: false. */
bool ml_type_change_is_coercible(const char *old_text, const char *new_text);

/* A column type a statement defines. */
typedef struct ml_column_type {
	const PgQuery__RangeVar *table;
	const char *column;
	const PgQuery__TypeName *type;
	const char *builtin;      /* the built-in type's name ("int4", "varchar", written bare or as
				     pg_catalog.x), or NULL for user types and %TYPE references */
	bool type_change;         /* ALTER COLUMN ... TYPE; false for a new column */
} ml_column_type;

typedef void (*ml_column_type_fn)(const ml_stmt_ctx *ctx, const ml_rule *rule, const ml_column_type *col);

/* Calls fn for every column type the statement defines: the columns of
 * CREATE TABLE (not temporary tables, which vanish with the session), ADD
 * COLUMN, and the new type of ALTER COLUMN ... TYPE. */
void ml_each_column_type(const ml_stmt_ctx *ctx, const ml_rule *rule, ml_column_type_fn fn);

/* Is col's table made by this migration file: the CREATE TABLE defining
 * it (unless CREATE TABLE IF NOT EXISTS of a table the run knows, which
 * does nothing), or a table created earlier in the file? No one uses it
 * yet: its columns' types may still change freely. */
bool ml_column_table_is_new(const ml_stmt_ctx *ctx, const ml_column_type *col);

/* The i-th modifier of type ("20" of varchar(20)) when it is an integer,
 * into *out; false when there is none or it is something else. */
bool ml_type_modifier(const PgQuery__TypeName *type, size_t i, int *out);

/* Does ALTER COLUMN ... TYPE carry a USING expression that computes
 * something? USING col and USING col::type only restate the conversion
 * PostgreSQL would do anyway, so they decide nothing about a rewrite. */
bool ml_type_change_has_real_using(const PgQuery__AlterTableCmd *cmd);

/* The option defname in a list of DefElem nodes (the last one when it is
 * repeated, as PostgreSQL reads it), or NULL. Points into the tree. */
const PgQuery__DefElem *ml_option(PgQuery__Node *const *options, size_t n, const char *defname);

/* The value of a Boolean option of a utility statement (VACUUM (FULL false),
 * REINDEX (CONCURRENTLY off)), read the way PostgreSQL reads it: no value
 * is true; true, false, on, off in any case, quoted or not; the numbers 1
 * and 0. Values PostgreSQL rejects (it fails the statement) are read by
 * what they say when they are a Boolean word (yes, no, t, f), else as true.
 * NULL opt: false. */
bool ml_option_bool(const PgQuery__DefElem *opt);

/* Is the option defname given and true (ml_option, ml_option_bool)? Every
 * Boolean option the engine and the rules look at is read through this. */
bool ml_option_on(PgQuery__Node *const *options, size_t n, const char *defname);

/* Reads text the way PostgreSQL's boolin reads a SQL Boolean literal:
 * true/false, yes/no, on/off, 1/0 and unambiguous prefixes of the words,
 * in any case, blanks around ignored. Returns false (and leaves *value)
 * when text is not one. */
bool ml_bool_word(const char *text, bool *value);

/* "schema.name" or "name": the String nodes of a qualified name list joined
 * with dots, written into buf (cut short to fit len bytes, NUL included).
 * Returns buf; the caller owns it. */
const char *ml_dotted_name(PgQuery__Node *const *names, size_t n, char *buf, size_t len);

#endif
