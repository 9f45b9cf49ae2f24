/*
 * lock_table.c - the lock model as data: one row per statement form and
 * PostgreSQL version range, taken from PostgreSQL's documentation and checked
 * against pg_locks on a PostgreSQL 15 server (see ../shared/pg-lock-facts.md
 * and tests). The engine classifies a statement into forms; everything about
 * locks, rewrites and scans comes from here.
 */
#include <stddef.h>

#include "lock_forms.h"
#include "lock_table.h"

#define AE ML_LOCK_ACCESS_EXCLUSIVE
#define EX ML_LOCK_EXCLUSIVE
#define SRE ML_LOCK_SHARE_ROW_EXCLUSIVE
#define SH ML_LOCK_SHARE
#define SUE ML_LOCK_SHARE_UPDATE_EXCLUSIVE
#define RE ML_LOCK_ROW_EXCLUSIVE
#define RS ML_LOCK_ROW_SHARE
#define AS ML_LOCK_ACCESS_SHARE
#define NO ML_LOCK_NONE

static const ml_lock_fact LOCK_FACTS[] = {
	/* form, label, target, referenced, rewrite, scan, index build, error in tx, pg range */
	{ ML_FORM_NONE, "statement", NO, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_CREATE_TABLE, "CREATE TABLE", AE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_CREATE_TABLE_REFERENCES, "CREATE TABLE ... REFERENCES", AE, SRE, false, false, false, false, 0, 0 },
	{ ML_FORM_DROP_TABLE, "DROP TABLE", AE, AE, false, false, false, false, 0, 0 },
	{ ML_FORM_ADD_COLUMN, "ALTER TABLE ... ADD COLUMN", AE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_ADD_COLUMN_DEFAULT, "ALTER TABLE ... ADD COLUMN ... DEFAULT", AE, NO, true, true, false, false, 0, 10 },
	{ ML_FORM_ADD_COLUMN_DEFAULT, "ALTER TABLE ... ADD COLUMN ... DEFAULT", AE, NO, false, false, false, false, 11, 0 },
	{ ML_FORM_ADD_COLUMN_VOLATILE_DEFAULT, "ALTER TABLE ... ADD COLUMN ... DEFAULT volatile", AE, NO, true, true, false, false, 0, 0 },
	{ ML_FORM_ADD_COLUMN_GENERATED, "ALTER TABLE ... ADD COLUMN serial/identity/generated", AE, NO, true, true, false, false, 0, 0 },
	{ ML_FORM_ADD_COLUMN_CHECKED_DOMAIN, "ALTER TABLE ... ADD COLUMN of a domain with CHECK", AE, NO, true, true, false, false, 0, 0 },
	{ ML_FORM_ADD_COLUMN_NOT_NULL, "ALTER TABLE ... ADD COLUMN ... NOT NULL without DEFAULT", AE, NO, false, true, false, false, 0, 0 },
	{ ML_FORM_ADD_COLUMN_REFERENCES, "ALTER TABLE ... ADD COLUMN ... REFERENCES", AE, SRE, false, false, false, false, 0, 0 },
	{ ML_FORM_ALTER_COLUMN_TYPE, "ALTER TABLE ... ALTER COLUMN ... TYPE", AE, NO, true, true, false, false, 0, 0 },
	{ ML_FORM_ALTER_COLUMN_TYPE_COERCIBLE, "ALTER TABLE ... ALTER COLUMN ... TYPE (binary-coercible)", AE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_SET_NOT_NULL, "ALTER TABLE ... ALTER COLUMN ... SET NOT NULL", AE, NO, false, true, false, false, 0, 0 },
	{ ML_FORM_SET_NOT_NULL_CHECKED, "ALTER TABLE ... ALTER COLUMN ... SET NOT NULL", AE, NO, false, true, false, false, 0, 11 },
	{ ML_FORM_SET_NOT_NULL_CHECKED, "ALTER TABLE ... ALTER COLUMN ... SET NOT NULL (valid CHECK)", AE, NO, false, false, false, false, 12, 0 },
	{ ML_FORM_ALTER_COLUMN_METADATA, "ALTER TABLE ... ALTER COLUMN (default / DROP NOT NULL)", AE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_DROP_COLUMN, "ALTER TABLE ... DROP COLUMN", AE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_RENAME, "ALTER TABLE ... RENAME", AE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_RENAME_INDEX, "ALTER INDEX ... RENAME", SUE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_ADD_FOREIGN_KEY, "ALTER TABLE ... ADD FOREIGN KEY", SRE, SRE, false, true, false, false, 0, 0 },
	{ ML_FORM_ADD_FOREIGN_KEY_NOT_VALID, "ALTER TABLE ... ADD FOREIGN KEY ... NOT VALID", SRE, SRE, false, false, false, false, 0, 0 },
	{ ML_FORM_VALIDATE_CONSTRAINT, "ALTER TABLE ... VALIDATE CONSTRAINT", SUE, RS, false, true, false, false, 0, 0 },
	{ ML_FORM_ADD_CHECK, "ALTER TABLE ... ADD CHECK", AE, NO, false, true, false, false, 0, 0 },
	{ ML_FORM_ADD_CHECK_NOT_VALID, "ALTER TABLE ... ADD CHECK ... NOT VALID", AE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_ADD_UNIQUE, "ALTER TABLE ... ADD UNIQUE / PRIMARY KEY", AE, NO, false, true, true, false, 0, 0 },
	{ ML_FORM_ADD_UNIQUE_USING_INDEX, "ALTER TABLE ... ADD ... USING INDEX", AE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_ADD_EXCLUDE, "ALTER TABLE ... ADD EXCLUDE", AE, NO, false, true, true, false, 0, 0 },
	{ ML_FORM_DROP_CONSTRAINT, "ALTER TABLE ... DROP CONSTRAINT", AE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_DROP_FOREIGN_KEY, "ALTER TABLE ... DROP CONSTRAINT (foreign key)", AE, AE, false, false, false, false, 0, 0 },
	{ ML_FORM_CREATE_INDEX, "CREATE INDEX", SH, NO, false, true, true, false, 0, 0 },
	{ ML_FORM_CREATE_INDEX_CONCURRENTLY, "CREATE INDEX CONCURRENTLY", SUE, NO, false, true, true, true, 0, 0 },
	{ ML_FORM_CREATE_INDEX_ON_ONLY, "CREATE INDEX ... ON ONLY", SH, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_DROP_VIEW, "DROP VIEW", AE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_DROP_INDEX, "DROP INDEX", AE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_DROP_INDEX_CONCURRENTLY, "DROP INDEX CONCURRENTLY", SUE, NO, false, false, false, true, 0, 0 },
	/* REINDEX: the table, and as "referenced" the index REINDEX INDEX rebuilds */
	{ ML_FORM_REINDEX, "REINDEX", SH, AE, false, true, true, false, 0, 0 },
	{ ML_FORM_REINDEX_CONCURRENTLY, "REINDEX CONCURRENTLY", SUE, SUE, false, true, true, true, 12, 0 },
	{ ML_FORM_REINDEX_CONCURRENTLY, "REINDEX CONCURRENTLY (unsupported before PG 12)", SH, NO, false, true, true, true, 0, 11 },
	{ ML_FORM_CLUSTER, "CLUSTER", AE, NO, true, true, true, false, 0, 0 },
	{ ML_FORM_VACUUM_FULL, "VACUUM FULL", AE, NO, true, true, true, true, 0, 0 },
	{ ML_FORM_VACUUM, "VACUUM", SUE, NO, false, true, false, true, 0, 0 },
	{ ML_FORM_ANALYZE, "ANALYZE", SUE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_PUBLICATION_TABLE, "CREATE/ALTER PUBLICATION ... TABLE", SUE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_TRUNCATE, "TRUNCATE", AE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_ATTACH_PARTITION, "ALTER TABLE ... ATTACH PARTITION", AE, AE, false, true, false, false, 0, 11 },
	{ ML_FORM_ATTACH_PARTITION, "ALTER TABLE ... ATTACH PARTITION", SUE, AE, false, true, false, false, 12, 0 },
	{ ML_FORM_DETACH_PARTITION, "ALTER TABLE ... DETACH PARTITION", AE, AE, false, false, false, false, 0, 0 },
	/* two transactions: SUE on both, then SUE on the parent and AE on the partition */
	{ ML_FORM_DETACH_PARTITION_CONCURRENTLY, "ALTER TABLE ... DETACH PARTITION CONCURRENTLY", SUE, AE, false, false, false, true, 14, 0 },
	{ ML_FORM_DETACH_PARTITION_CONCURRENTLY, "ALTER TABLE ... DETACH PARTITION CONCURRENTLY (unsupported before PG 14)", AE, AE, false, false, false, true, 0, 13 },
	{ ML_FORM_CREATE_TRIGGER, "CREATE TRIGGER", SRE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_ENABLE_DISABLE_TRIGGER, "ALTER TABLE ... ENABLE/DISABLE TRIGGER", SRE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_DROP_TRIGGER, "DROP TRIGGER", AE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_ADD_ENUM_VALUE, "ALTER TYPE ... ADD VALUE", NO, NO, false, false, false, true, 0, 11 },
	{ ML_FORM_ADD_ENUM_VALUE, "ALTER TYPE ... ADD VALUE", NO, NO, false, false, false, false, 12, 0 },
	{ ML_FORM_REFRESH_MATVIEW, "REFRESH MATERIALIZED VIEW", AE, NO, true, true, false, false, 0, 0 },
	{ ML_FORM_REFRESH_MATVIEW_CONCURRENTLY, "REFRESH MATERIALIZED VIEW CONCURRENTLY", EX, NO, false, true, false, false, 0, 0 },
	{ ML_FORM_SET_STORAGE, "ALTER TABLE ... SET (storage) / COMMENT", SUE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_SET_PERSISTENCE, "ALTER TABLE ... SET LOGGED/UNLOGGED/TABLESPACE/ACCESS METHOD", AE, NO, true, true, false, false, 0, 0 },
	{ ML_FORM_LOCK_TABLE, "LOCK TABLE", AE, NO, false, false, false, false, 0, 0 },
	/* reads: ACCESS SHARE on each table a query reads; a copy reading one whole scans it */
	{ ML_FORM_SELECT, "SELECT", AS, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_READ_ALL, "SELECT (reads a whole table)", AS, NO, false, true, false, false, 0, 0 },
	{ ML_FORM_CREATE_TABLE_AS, "CREATE TABLE ... AS", AE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_UPDATE, "UPDATE", RE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_DELETE, "DELETE", RE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_INSERT, "INSERT", RE, NO, false, false, false, false, 0, 0 },
	{ ML_FORM_ALTER_TABLE_OTHER, "ALTER TABLE", AE, NO, false, false, false, false, 0, 0 },
};

const ml_lock_fact *ml_lock_fact_for(ml_form form, int pg_major)
{
	for (size_t i = 0; i < sizeof(LOCK_FACTS) / sizeof(LOCK_FACTS[0]); i++) {
		const ml_lock_fact *f = &LOCK_FACTS[i];
		if (f->form != form)
			continue;
		if (f->min_pg && pg_major < f->min_pg)
			continue;
		if (f->max_pg && pg_major > f->max_pg)
			continue;
		return f;
	}
	return &LOCK_FACTS[0];
}

const ml_lock_fact *ml_lock_facts(size_t *count)
{
	*count = sizeof(LOCK_FACTS) / sizeof(LOCK_FACTS[0]);
	return LOCK_FACTS;
}

const char *ml_lock_mode_name(ml_lock_mode mode)
{
	static const char *const NAMES[] = {
		"", "ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE",
		"SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE",
	};
	return mode <= ML_LOCK_ACCESS_EXCLUSIVE ? NAMES[mode] : "";
}
