/*
 * facts.h - the facts the model computes for a statement and rules read:
 * the transaction state, where the statement sits, the locks it takes and
 * holds, what it locks, rewrites and scans, and what is known of columns,
 * enum values, NOT VALID constraints and emptied tables. Types only, no
 * code (ml_effect_has is inline): the layers below the rule API (source,
 * model) include it as rules do; it lives here because src/rule_api/ is
 * the only folder of src/ on the rules' include path (tests/layers_test.py
 * allows it).
 */
#ifndef MIGRALINT_FACTS_H
#define MIGRALINT_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lock_forms.h"

typedef enum ml_tx_state {
	ML_TX_NONE = 0,   /* autocommit: the statement is its own transaction */
	ML_TX_EXPLICIT,   /* after BEGIN / START TRANSACTION */
	ML_TX_ASSUMED,    /* --assume-in-transaction: the tool wraps the file */
	ML_TX_IMPLICIT,   /* inside a DO block run in autocommit: one transaction until it COMMITs */
} ml_tx_state;

/* Where the statement sits. */
typedef enum ml_body_kind {
	ML_BODY_TOP = 0,      /* a statement of the migration file */
	ML_BODY_DO,           /* inside a DO block: runs now, in the caller's transaction */
	ML_BODY_PROCEDURE,    /* inside a PL/pgSQL procedure body: runs when CALLed */
	ML_BODY_FUNCTION,     /* inside a PL/pgSQL function body: runs per call, not now */
} ml_body_kind;

#define ML_MAX_STMT_LOCKS 8

typedef struct ml_lock {
	const char *table;        /* "schema.name" or "name", as written, lower-cased by the parser */
	ml_lock_mode mode;
	bool new_table;           /* the table was created earlier in this run */
	int line;                 /* line of the statement that took the lock */
} ml_lock;

/* What one statement does, from the lock table (lock_table.c). */
typedef struct ml_effect {
	const char *form;         /* label of the strongest form, e.g. "ALTER TABLE ... SET NOT NULL" */
	uint64_t forms;           /* every form the statement has, as bits 1 << ml_form */
	ml_lock locks[ML_MAX_STMT_LOCKS]; /* the strongest mode per table touched */
	size_t n_locks;
	bool rewrite;             /* rewrites the table (and its indexes) */
	bool scan;                /* reads the whole table */
	bool index_build;         /* builds an index */
	bool many_rows;           /* an UPDATE or DELETE not limited to one batch */
	bool slow;                /* rewrite, scan, index build or many rows on a table that existed before the run */
	bool unbatched;           /* UPDATE or DELETE whose WHERE does not bound it to one batch */
	bool fails_in_transaction; /* PostgreSQL rejects it inside a transaction block (CONCURRENTLY, VACUUM) */
} ml_effect;

/* Does the statement have this form (e.g. one ALTER TABLE subcommand)? */
static inline bool ml_effect_has(const ml_effect *effect, ml_form form)
{
	return (effect->forms >> form) & 1u;
}

/* What the run knows about a column it created or altered. */
typedef struct ml_column_facts {
	const char *name;
	const char *type;         /* type as written, e.g. "varchar(20)"; NULL when unknown */
	bool not_null;            /* known to be NOT NULL (NOT NULL, PRIMARY KEY, serial, identity, SET NOT NULL) */
	bool nullable;            /* known to allow NULL: defined without NOT NULL where nothing else could
				     have made it NOT NULL (no inherited columns, no PRIMARY KEY on it), or
				     DROP NOT NULL; neither flag: unknown */
	bool valid_not_null_check;   /* a CHECK (col IS NOT NULL) that is valid: added without NOT VALID, or VALIDATEd */
	bool pending_not_null_check; /* such a CHECK added NOT VALID and not validated yet */
} ml_column_facts;

/* An enum value added earlier in the current transaction. */
typedef struct ml_enum_value {
	const char *type;         /* enum type name as written */
	const char *label;
	int line;
} ml_enum_value;

/* A constraint added NOT VALID earlier in the current transaction. */
typedef struct ml_pending_constraint {
	const char *table;
	const char *name;
	int line;
} ml_pending_constraint;

/* How a table was emptied earlier in the current transaction. */
typedef enum ml_emptied {
	ML_NOT_EMPTIED = 0,
	ML_EMPTIED_BY_DELETE,     /* DELETE without WHERE: no row is visible, the dead ones are still on disk */
	ML_EMPTIED_BY_TRUNCATE,   /* TRUNCATE: a new, empty file; scans, rewrites and index builds are instant */
} ml_emptied;

#endif
