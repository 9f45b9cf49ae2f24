/*
 * lock_forms.h - the lock model's vocabulary: lock modes and the statement
 * forms the lock table (src/model/lock_table.c) has a row for. Types only,
 * no code: the layers below the rule API include it (through facts.h) as
 * rules do; it lives here because src/rule_api/ is the only folder of src/
 * on the rules' include path (tests/layers_test.py allows it).
 */
#ifndef MIGRALINT_LOCK_FORMS_H
#define MIGRALINT_LOCK_FORMS_H

/* Lock modes, weakest first; the order is the conflict strength. */
typedef enum ml_lock_mode {
	ML_LOCK_NONE = 0,
	ML_LOCK_ACCESS_SHARE,
	ML_LOCK_ROW_SHARE,
	ML_LOCK_ROW_EXCLUSIVE,
	ML_LOCK_SHARE_UPDATE_EXCLUSIVE,
	ML_LOCK_SHARE,
	ML_LOCK_SHARE_ROW_EXCLUSIVE,
	ML_LOCK_EXCLUSIVE,
	ML_LOCK_ACCESS_EXCLUSIVE,
} ml_lock_mode;

/* Statement forms of the lock model (lock_table.c has a row for each). */
typedef enum ml_form {
	ML_FORM_NONE = 0,             /* takes no table lock worth reporting (SELECT, SET, ...) */
	ML_FORM_CREATE_TABLE,
	ML_FORM_CREATE_TABLE_REFERENCES,
	ML_FORM_DROP_TABLE,
	ML_FORM_ADD_COLUMN,
	ML_FORM_ADD_COLUMN_DEFAULT,
	ML_FORM_ADD_COLUMN_VOLATILE_DEFAULT,
	ML_FORM_ADD_COLUMN_GENERATED,
	ML_FORM_ADD_COLUMN_CHECKED_DOMAIN,   /* a domain type with a CHECK: every row is checked */
	ML_FORM_ADD_COLUMN_NOT_NULL,     /* NOT NULL without a default: every row is checked for the
					    NULL it would have (and it fails on the first) */
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
	ML_FORM_DROP_FOREIGN_KEY,        /* also locks the referenced table */
	ML_FORM_CREATE_INDEX,
	ML_FORM_CREATE_INDEX_CONCURRENTLY,
	ML_FORM_CREATE_INDEX_ON_ONLY,
	ML_FORM_DROP_VIEW,               /* DROP VIEW / DROP MATERIALIZED VIEW */
	ML_FORM_DROP_INDEX,
	ML_FORM_DROP_INDEX_CONCURRENTLY,
	ML_FORM_REINDEX,
	ML_FORM_REINDEX_CONCURRENTLY,
	ML_FORM_CLUSTER,
	ML_FORM_VACUUM_FULL,
	ML_FORM_VACUUM,
	ML_FORM_ANALYZE,                 /* ANALYZE alone: reads a sample of the table, not all of it */
	ML_FORM_PUBLICATION_TABLE,       /* CREATE PUBLICATION ... FOR TABLE, ALTER PUBLICATION ... TABLE */
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
	ML_FORM_SELECT,                  /* a table a query reads (FROM, JOIN, USING, subqueries) */
	ML_FORM_READ_ALL,                /* a table INSERT ... SELECT / CREATE TABLE ... AS copies whole */
	ML_FORM_CREATE_TABLE_AS,         /* also SELECT ... INTO, CREATE MATERIALIZED VIEW */
	ML_FORM_UPDATE,
	ML_FORM_DELETE,
	ML_FORM_INSERT,
	ML_FORM_ALTER_TABLE_OTHER,
	ML_FORM_COUNT
} ml_form;
_Static_assert(ML_FORM_COUNT <= 64, "ml_effect.forms is a 64-bit set");

#endif
