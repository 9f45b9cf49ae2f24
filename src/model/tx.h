/*
 * tx.h - the transaction state of the file being linted, as a value: open or
 * not, the locks it holds, the timeouts set, and what its statements added
 * (enum values, NOT VALID constraints, emptied tables). Applied statement by
 * statement (ml_tx_apply) after the rules have seen it. Rules reach it
 * through rule_api.h.
 */
#ifndef MIGRALINT_TX_H
#define MIGRALINT_TX_H

#include <pg_query/pg_query.pb-c.h>

#include "arena.h"
#include "catalog.h"
#include "facts.h"
#include "map.h"

typedef struct ml_tx {
	ml_arena *arena;          /* not owned: where the facts below live */
	ml_tx_state state;
	int begin_line;           /* line of the open BEGIN, or 0 */
	size_t begin_start, begin_end; /* its byte span, for end-of-file reports */
	ml_lock *held;            /* the locks the transaction holds, one per table */
	size_t n_held, cap_held;
	ml_map held_index;        /* table -> its slot in held + 1 */
	ml_ptr_vec new_enum_values;  /* ml_enum_value *, this transaction */
	ml_ptr_vec not_valid_in_tx;  /* ml_pending_constraint *, this transaction */
	ml_ptr_vec emptied_tables;   /* tables emptied in this transaction (private to tx.c) */
	bool lock_timeout_set;
	bool statement_timeout_set;
	bool lock_timeout_local, statement_timeout_local; /* set with SET LOCAL: ends with the transaction */
	bool seen_strong_lock;    /* a statement needed more than SHARE UPDATE EXCLUSIVE on an existing table */
	ml_map dropped_constraints; /* "table\nconstraint" -> non-NULL: dropped by a statement of the file */
} ml_tx;

/* Starts *tx in state (ML_TX_NONE, or ML_TX_ASSUMED when the tool wraps the
 * file in a transaction), with nothing held or set. Its facts are allocated
 * in arena, which must outlive it. */
void ml_tx_init(ml_tx *tx, ml_arena *arena, ml_tx_state state);

/* Applies a statement that runs now (top level or in a DO block, body) after
 * the rules have seen it: BEGIN, COMMIT, ROLLBACK and savepoints; SET and
 * set_config of the timeouts; the locks of effect held until the
 * transaction ends; the enum values, NOT VALID constraints and emptied
 * tables it adds; the constraints it drops; its first strong lock. line and
 * [start, end) place it in the file. Emptied tables are the catalog's
 * (ml_catalog_touch): cat must be the one the statement is then applied to. */
void ml_tx_apply(ml_tx *tx, ml_catalog *cat, const PgQuery__Node *stmt, const ml_effect *effect,
		 ml_body_kind body, int line, size_t start, size_t end);

/* Ends the transaction: releases the held locks, forgets what it added and
 * the SET LOCAL timeouts. keep_state leaves the state as it is (autocommit,
 * or a COMMIT inside a DO block, which starts the next transaction at once). */
void ml_tx_end(ml_tx *tx, bool keep_state);

/* How the table schema.name of cat was emptied in the transaction. */
ml_emptied ml_tx_emptied(const ml_tx *tx, const ml_catalog *cat, const char *schema, const char *name);

/* Would a statement with this effect be the file's first to need a lock
 * stronger than SHARE UPDATE EXCLUSIVE on a table that existed before it? */
bool ml_tx_first_strong_lock(const ml_tx *tx, const ml_effect *effect);

/* Did an earlier statement of the file drop the constraint name of rel? */
bool ml_tx_constraint_dropped(const ml_tx *tx, const PgQuery__RangeVar *rel, const char *name);

/* The names reports and ml_statement_info give a transaction state ("none",
 * "explicit", "assumed", "implicit") and a body kind ("top", "do",
 * "procedure", "function"). Static. */
const char *ml_tx_name(ml_tx_state tx);
const char *ml_body_name(ml_body_kind body);

#endif
