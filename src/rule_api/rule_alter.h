/*
 * rule_alter.h - helpers for ALTER TABLE, constraints and locks. Those
 * taking a context are rule_api.c's; the others are src/source/tree.c's
 * (ml_lock_mode_name src/model/lock_table.c's), which the layers below
 * declare again for themselves.
 */
#ifndef MIGRALINT_RULE_ALTER_H
#define MIGRALINT_RULE_ALTER_H

#include <stdbool.h>
#include <stddef.h>

#include <pg_query/pg_query.pb-c.h>

#include "facts.h"
#include "lock_forms.h"
#include "pg_grammar.h"
#include "rule.h"

/* What these return points into the statement's tree, ctx->effect or engine
 * memory: the engine owns it, and it is valid only during the check call.
 * NULL arguments where noted give NULL, so that the calls chain:
 * ml_column_constraint(ml_added_column(ml_alter_cmd(as, i)), type). */

/* The statement as ALTER TABLE on a table (objtype TABLE), else NULL: ALTER
 * FOREIGN TABLE, INDEX, VIEW, SEQUENCE and ALTER TYPE ... ATTRIBUTE share the
 * node but hold no rows to scan or rewrite. */
const PgQuery__AlterTableStmt *ml_alter_table(const ml_stmt_ctx *ctx);

/* The i-th subcommand of as (i < as->n_cmds), or NULL when that entry is
 * not an AlterTableCmd. */
const PgQuery__AlterTableCmd *ml_alter_cmd(const PgQuery__AlterTableStmt *as, size_t i);

/* The column an ADD COLUMN subcommand adds (AT_AddColumn, or its Recurse
 * form on the 15 grammar: pg_grammar.h), or NULL for any other subcommand
 * and for a NULL cmd. */
const PgQuery__ColumnDef *ml_added_column(const PgQuery__AlterTableCmd *cmd);

/* The constraint an ADD CONSTRAINT subcommand (AT_AddConstraint, or its
 * Recurse form on the 15 grammar) adds when it is of that type (CHECK,
 * UNIQUE, FOREIGN KEY, ...), else NULL; NULL for a NULL cmd. */
const PgQuery__Constraint *ml_added_constraint(const PgQuery__AlterTableCmd *cmd, PgQuery__ConstrType type);

/* The first constraint of that type in a column definition (DEFAULT, NOT
 * NULL, PRIMARY KEY, REFERENCES, IDENTITY and the like are constraints
 * there), or NULL; NULL for a NULL def. */
const PgQuery__Constraint *ml_column_constraint(const PgQuery__ColumnDef *def, PgQuery__ConstrType type);

/* Does the column fill every existing row with a value of its own when it is
 * added: a serial type, GENERATED ... AS IDENTITY, or GENERATED ALWAYS AS
 * (expr)? (PostgreSQL rewrites the table to do so.) */
bool ml_column_fills_itself(const PgQuery__ColumnDef *def);

/* How a message names a constraint: `kind "name"` (kind e.g. "CHECK
 * constraint") in engine memory when it has a name, else the caller's
 * `unnamed` ("a CHECK constraint") itself. */
const char *ml_constraint_label(const ml_stmt_ctx *ctx, const PgQuery__Constraint *con, const char *kind,
				const char *unnamed);

/* The mode this statement takes on table (as ml_table_name writes it) in the
 * lock model (ctx->effect), or fallback when the model lists no lock on it. */
ml_lock_mode ml_lock_mode_on(const ml_stmt_ctx *ctx, const char *table, ml_lock_mode fallback);

/* When the statement is the file's first to need a lock stronger than SHARE
 * UPDATE EXCLUSIVE on a table that existed before it (ctx->first_strong_lock),
 * the strongest lock it takes on such a table; else NULL. */
const ml_lock *ml_first_strong_lock(const ml_stmt_ctx *ctx);

/* "ACCESS EXCLUSIVE" and so on; "" for ML_LOCK_NONE. */
const char *ml_lock_mode_name(ml_lock_mode mode);

#endif
