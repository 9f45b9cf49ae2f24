/*
 * rule_catalog.h - what a rule may ask about the database the migrations
 * built and the transaction the statement runs in: new, partitioned and
 * emptied tables, indexes, columns, constraints dropped, procedures
 * (rule_catalog.c; ml_name_list_append is src/source/tree.c's).
 */
#ifndef MIGRALINT_RULE_CATALOG_H
#define MIGRALINT_RULE_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include <pg_query/pg_query.pb-c.h>

#include "facts.h"
#include "rule.h"

/* Does a procedure this run created COMMIT or ROLLBACK in its body? */
bool ml_procedure_commits(const ml_stmt_ctx *ctx, const char *name);

/* Did an earlier statement of this migration file drop the constraint name
 * of table rel (ALTER TABLE ... DROP CONSTRAINT [IF EXISTS] name)? */
bool ml_constraint_dropped_earlier(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel, const char *name);

/* Was this table created earlier in the same migration file, so that no one
 * else can be using it yet? (Tables created by earlier files of the run hold
 * data by now.) */
bool ml_table_is_new(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel);

/* Has the run met rel before this statement (created it, or altered,
 * indexed or referenced it as an existing table) and not dropped it since?
 * False says only that the run does not know it. */
bool ml_table_seen(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel);

/* Does the run know rel as a partitioned table (it saw CREATE TABLE ...
 * PARTITION BY)? */
bool ml_table_is_partitioned(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel);

/* The partitions of rel the run saw created or attached, as "a, b, c" in
 * engine memory, or NULL when it saw none. Only the first
 * ML_PARTITION_NAMES_SHOWN are named, then "and N more": the text stays
 * short (and its cost flat) however many partitions the table has. */
#define ML_PARTITION_NAMES_SHOWN 10
const char *ml_partition_names(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel);

/* Does the run know a DEFAULT partition of rel (created PARTITION OF rel
 * DEFAULT, or attached as one, and not detached or dropped since)? */
bool ml_table_has_default_partition(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel);

/* Is the index named name one the run saw created on a partitioned table,
 * that is a partitioned index? */
bool ml_index_is_partitioned(const ml_stmt_ctx *ctx, const char *name);

/* Is the index named name one the run saw created on a table created earlier
 * in this file? */
bool ml_index_table_is_new(const ml_stmt_ctx *ctx, const char *name);

/* Was rel emptied earlier in the current transaction, so that it holds no
 * row this statement can see? The engine clears it when the transaction
 * ends (or rolls back to a savepoint) and when rows may come back: INSERT,
 * COPY FROM or MERGE into it, ATTACH PARTITION or INHERIT into it, CALL, or
 * a call of a function that is neither built in nor known to the run as
 * STABLE or IMMUTABLE. */
ml_emptied ml_table_emptied(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel);

/* Is scanning, rewriting or indexing rel instant because its file holds no
 * data: created earlier in this file (ml_table_is_new), or truncated earlier
 * in this transaction, whose ACCESS EXCLUSIVE lock it still holds? For the
 * rules about slow work; the others still care about a truncated table's
 * readers. */
bool ml_table_is_new_or_truncated(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel);

/* The column facts for table.column, or NULL when the run knows nothing. */
const ml_column_facts *ml_column_find(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel,
				       const char *column);

/* The objects the run saw made that use column of rel (views, indexes,
 * constraints, triggers, policies, functions...), oldest first, each with
 * what dropping the column does to it (facts.h): *n of them, in engine
 * memory. */
const ml_dependent_hit *ml_column_dependents(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel, const char *column,
					     size_t *n);
/* The objects outside rel that use it: views, other tables' foreign keys,
 * functions whose bodies name it. */
const ml_dependent_hit *ml_table_dependents(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel, size_t *n);
/* How column of schema.table went away earlier in the run (dropped or
 * renamed), or NULL when it did not or came back. */
const ml_gone_column *ml_column_gone(const ml_stmt_ctx *ctx, const char *schema, const char *table, const char *column);
/* Calls fn for each table column the statement names, resolved through
 * its aliases and scopes (src/model/column_refs.h), when some column has
 * gone away in the run and the statement's text names one of them: a
 * cheap no-op for the others. */
void ml_stmt_gone_column_refs(const ml_stmt_ctx *ctx, ml_column_ref_fn fn, void *data);

/* The name of the table d belongs to (an index's, a foreign key's...), or
 * NULL for a view or a function. */
const char *ml_dependent_table(const ml_stmt_ctx *ctx, const ml_dependent *d);

/* hits without the untracked ones a later statement of the file settles
 * before the migration ends: it replaces or drops the routine, or adds the
 * column back (column not NULL), or makes a table or view of the name again
 * (table not NULL) (ml_later_in_file_replaces and the like). A new array in
 * engine memory, *n_out long. */
const ml_dependent_hit *ml_dependents_unsettled(const ml_stmt_ctx *ctx, const ml_dependent_hit *hits, size_t n,
						const char *column, const char *table, size_t *n_out);

/* The hits that keep accepts, named for a message: "view user_names
 * (db/0003.sql:4), trigger t (db/0005.sql:9)" (the first few, then "and N
 * more"), in engine memory, or NULL when none. Each is also appended to
 * refs (room for max_refs, *n_refs used) with effect as its effect. */
const char *ml_dependents_text(const ml_stmt_ctx *ctx, const ml_dependent_hit *hits, size_t n,
			       bool (*keep)(const ml_dependent_hit *hit), const char *effect, ml_reference *refs,
			       size_t max_refs, size_t *n_refs);

/* "schema.name" or "name" for rel, in engine memory. */
const char *ml_table_name(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel);
/* Appends "name" (quoted, after ", " when list is not empty) to the
 * NUL-terminated list in buf (size bytes), for a message naming several
 * tables. When it does not fit, appends "..." instead and returns false:
 * the list is full, append nothing more. */
bool ml_name_list_append(char *buf, size_t size, const char *name);

/* What a migration step made and removed (ctx->migration, facts.h): does
 * step remove obj, itself or with what holds it (a column with its table)?
 * Does it make obj, itself or inside something it makes? The change that
 * does, or NULL. */
const ml_object_change *ml_step_removes(const ml_step_changes *step, const ml_schema_object *obj);
const ml_object_change *ml_step_makes(const ml_step_changes *step, const ml_schema_object *obj);
/* Does step both remove obj and make it again (DROP INDEX, then CREATE
 * INDEX of that name; a column dropped and added back)? It exists before
 * and after the step, as a new object: nothing for a down to undo, and
 * its data lost by the step itself. */
bool ml_step_replaces(const ml_step_changes *step, const ml_schema_object *obj);
/* "table users", "column users.email", "index users_email_idx"..., in the
 * file's arena. */
const char *ml_object_text(const ml_stmt_ctx *ctx, const ml_schema_object *obj);

#endif
