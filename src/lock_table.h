/*
 * lock_table.h - the statement forms migralint knows and, for each, what it
 * locks, rewrites and scans (lock_table.c holds the data).
 */
#ifndef MIGRALINT_LOCK_TABLE_H
#define MIGRALINT_LOCK_TABLE_H

#include <stdbool.h>

#include "rule_api.h"

typedef enum ml_form {
	ML_FORM_NONE = 0,             /* takes no table lock worth reporting (SELECT, SET, ...) */
	ML_FORM_CREATE_TABLE,
	ML_FORM_CREATE_TABLE_REFERENCES,
	ML_FORM_DROP_TABLE,
	ML_FORM_ADD_COLUMN,
	ML_FORM_ADD_COLUMN_DEFAULT,
	ML_FORM_ADD_COLUMN_VOLATILE_DEFAULT,
	ML_FORM_ADD_COLUMN_GENERATED,
	ML_FORM_ADD_COLUMN_REFERENCES,
	ML_FORM_ALTER_COLUMN_TYPE,
	ML_FORM_ALTER_COLUMN_TYPE_COERCIBLE,
	ML_FORM_SET_NOT_NULL,
	ML_FORM_SET_NOT_NULL_CHECKED,
	ML_FORM_ALTER_COLUMN_METADATA,   /* DROP NOT NULL, SET/DROP DEFAULT */
	ML_FORM_DROP_COLUMN,
	ML_FORM_RENAME,                  /* RENAME COLUMN, RENAME TO */
	ML_FORM_RENAME_INDEX,
	ML_FORM_ADD_FOREIGN_KEY,
	ML_FORM_ADD_FOREIGN_KEY_NOT_VALID,
	ML_FORM_VALIDATE_CONSTRAINT,
	ML_FORM_ADD_CHECK,
	ML_FORM_ADD_CHECK_NOT_VALID,
	ML_FORM_ADD_UNIQUE,              /* UNIQUE or PRIMARY KEY building an index */
	ML_FORM_ADD_UNIQUE_USING_INDEX,
	ML_FORM_ADD_EXCLUDE,
	ML_FORM_DROP_CONSTRAINT,
	ML_FORM_CREATE_INDEX,
	ML_FORM_CREATE_INDEX_CONCURRENTLY,
	ML_FORM_CREATE_INDEX_ON_ONLY,
	ML_FORM_DROP_INDEX,
	ML_FORM_DROP_INDEX_CONCURRENTLY,
	ML_FORM_REINDEX,
	ML_FORM_REINDEX_CONCURRENTLY,
	ML_FORM_CLUSTER,
	ML_FORM_VACUUM_FULL,
	ML_FORM_VACUUM,
	ML_FORM_TRUNCATE,
	ML_FORM_ATTACH_PARTITION,
	ML_FORM_DETACH_PARTITION,
	ML_FORM_DETACH_PARTITION_CONCURRENTLY,
	ML_FORM_CREATE_TRIGGER,
	ML_FORM_ENABLE_DISABLE_TRIGGER,
	ML_FORM_DROP_TRIGGER,
	ML_FORM_ADD_ENUM_VALUE,
	ML_FORM_REFRESH_MATVIEW,
	ML_FORM_REFRESH_MATVIEW_CONCURRENTLY,
	ML_FORM_SET_STORAGE,             /* SET STATISTICS, SET (...), CLUSTER ON, COMMENT ON */
	ML_FORM_SET_PERSISTENCE,         /* SET LOGGED / UNLOGGED / ACCESS METHOD / TABLESPACE */
	ML_FORM_LOCK_TABLE,
	ML_FORM_UPDATE,
	ML_FORM_DELETE,
	ML_FORM_INSERT,
	ML_FORM_ALTER_TABLE_OTHER,
	ML_FORM_COUNT
} ml_form;

typedef struct ml_lock_fact {
	ml_form form;
	const char *label;            /* how reports name the form */
	ml_lock_mode target_lock;     /* on the table the statement works on */
	ml_lock_mode referenced_lock; /* on a table it references (foreign keys, partitions) */
	bool rewrite;                 /* rewrites the table and its indexes */
	bool scan;                    /* reads the whole table */
	bool index_build;             /* builds an index */
	bool in_transaction_error;    /* PostgreSQL rejects it inside a transaction block */
	int min_pg, max_pg;           /* major versions where the row holds; 0 = unbounded */
} ml_lock_fact;

/* The row for form on PostgreSQL major version pg_major. Never NULL: every
 * form has a row for every version. */
const ml_lock_fact *ml_lock_fact_for(ml_form form, int pg_major);

/* All rows, for tests and the documentation. */
const ml_lock_fact *ml_lock_facts(size_t *count);

#endif
