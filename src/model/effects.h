/*
 * effects.h - what a statement locks, rewrites and scans (effects.c),
 * computed from the statement, where it sits, the catalog and the
 * transaction alone: no engine state.
 */
#ifndef MIGRALINT_EFFECTS_H
#define MIGRALINT_EFFECTS_H

#include <pg_query/pg_query.pb-c.h>

#include "arena.h"
#include "catalog.h"
#include "facts.h"
#include "stmt_unit.h"
#include "tx.h"

/* Fills *out with what stmt, run in env (NULL: at the top level), locks,
 * rewrites and scans on PostgreSQL pg_major, given what cat knows and what
 * tx (NULL: no transaction) emptied. The table names of out->locks are
 * allocated in arena. */
void ml_effect_compute(ml_arena *arena, const ml_catalog *cat, const ml_tx *tx, int pg_major,
		       const PgQuery__Node *stmt, const ml_stmt_env *env, ml_effect *out);
/* Is the WHERE of an UPDATE/DELETE of rel limited to one batch: a key range,
 * a subquery or CTE with LIMIT, a value that varies per call or loop turn
 * (env: NULL at the top level), or constants for every column of a unique
 * key of rel that cat knows of (ml_catalog_columns_cover_key)? */
bool ml_where_is_batched(const ml_catalog *cat, const PgQuery__RangeVar *rel, const PgQuery__Node *where,
			 const PgQuery__WithClause *with, PgQuery__Node *const *from, size_t n_from,
			 const ml_stmt_env *env);
/* Is a change from type old_text to new_text one PostgreSQL makes without
 * rewriting the table or rebuilding its indexes? The contract is where
 * rules read it: src/rule_api/rule_tree.h. */
bool ml_type_change_is_coercible(const char *old_text, const char *new_text);

#endif
