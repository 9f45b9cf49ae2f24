/*
 * column_refs.h - which columns of which tables a statement or an
 * expression names (column_refs.c): aliases, joins, subqueries and CTEs
 * resolved the way PostgreSQL resolves them, as far as the catalog knows
 * the tables' columns. The catalog records dependencies with it; the rule
 * about dropped columns finds later uses with it.
 */
#ifndef MIGRALINT_COLUMN_REFS_H
#define MIGRALINT_COLUMN_REFS_H

#include <pg_query/pg_query.pb-c.h>

#include "catalog.h"

/* ml_column_ref and ml_column_ref_fn are in facts.h: rules read them too. */

/* Calls fn for each table column stmt names: the columns a query reads
 * (SELECT, and the queries of views, CREATE TABLE AS, INSERT, UPDATE,
 * DELETE with their targets), and the columns DDL names (CREATE INDEX,
 * ALTER TABLE's column subcommands and constraints, RENAME COLUMN, COMMENT
 * ON COLUMN, triggers, policies, statistics, rules). An unqualified column
 * of a query over several tables goes to the one table cat knows to have
 * it, or to none when that is not clear: a missed use rather than a
 * wrong one. */
void ml_column_refs_of_stmt(const ml_catalog *cat, const PgQuery__Node *stmt, ml_column_ref_fn fn, void *data);

/* The same for expr, an expression over the one table schema.table (a
 * CHECK, an index expression, a generated column, a policy, a trigger's
 * WHEN with NEW and OLD): every column it names is that table's. */
void ml_column_refs_of_expr(const ml_catalog *cat, const PgQuery__Node *expr, const char *schema, const char *table,
			    ml_column_ref_fn fn, void *data);

/* The same for con, a constraint of table schema.table (of its column
 * column when it is a column constraint, else NULL): its keys, its
 * expression, and for a foreign key the referenced table's columns. */
void ml_column_refs_of_constraint(const ml_catalog *cat, const PgQuery__Constraint *con, const char *schema,
				  const char *table, const char *column, ml_column_ref_fn fn, void *data);

#endif
