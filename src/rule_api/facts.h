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
	uint32_t id;              /* the column's identity in the catalog: it survives renames */
	size_t added_at;          /* the catalog's statement count when the run added it; 0: it
				     was there before the run */
} ml_column_facts;

/* What happens to an object when a column or table it uses is dropped. */
typedef enum ml_dependency {
	ML_DEPENDENCY_NORMAL = 0, /* PostgreSQL refuses the drop unless CASCADE, which drops the object */
	ML_DEPENDENCY_AUTO,       /* PostgreSQL drops the object with the column */
	ML_DEPENDENCY_UNTRACKED,  /* PostgreSQL does not know (a function body): the object fails
				     when it next runs */
} ml_dependency;

/* A column, or a table, an object uses. */
typedef struct ml_column_use {
	size_t table;             /* ml_table_state.id */
	uint32_t column;          /* ml_column_facts.id; 0 with star or for the table itself */
	bool star;                /* every column the table had when the object was made (SELECT *) */
} ml_column_use;

/* An object the migrations made that uses columns or tables: a view, an
 * index, a constraint, a trigger, a function... Made once, never changed:
 * copies of a catalog share it. */
typedef struct ml_dependent {
	const char *kind;         /* "view", "materialized view", "index", "constraint", "foreign
				     key", "trigger", "generated column", "policy", "statistics",
				     "publication", "rule" or "function" */
	const char *name;         /* its name as PostgreSQL has it, or as it would name it */
	const char *path;         /* the migration that made it */
	int line;                 /* the line of that statement, 1-based */
	size_t table;             /* the table it belongs to (ml_table_state.id: an index, a
				     constraint, a trigger...), or SIZE_MAX (a view, a function) */
	ml_dependency own_columns; /* what dropping a column of its own table does to it; a
				     column of another table is NORMAL, or UNTRACKED for a body */
	size_t made_at;           /* the catalog's statement count when it was made */
	const ml_column_use *uses;
	size_t n_uses;
	const char *const *words; /* an untracked body that could not be parsed: its words,
				     lower-cased, sorted, unique (then uses is empty) */
	size_t n_words;
	const char *const *row_columns; /* a trigger function's NEW.x and OLD.x: columns of the
				     tables whose triggers run it */
	size_t n_row_columns;
	uint64_t table_bits;      /* bit (id % 64) of each table in uses: most dependents are
				     passed over without a look at their uses */
	size_t order;             /* its place among the catalog's dependents: a newer one has a
				     higher number; a copy (renamed, body walked) keeps it */
} ml_dependent;

/* A dependent of a column or table, and what the drop does to it. */
typedef struct ml_dependent_hit {
	const ml_dependent *dependent;
	ml_dependency dependency;
	bool indirect;            /* it uses a view that uses the column or table: it goes (or
				     blocks a drop) with that view, but a type change does not
				     reach it */
} ml_dependent_hit;

/* One column of a table that a statement names. The strings point into
 * the statement's tree. */
typedef struct ml_column_ref {
	const char *schema;       /* "" when unqualified */
	const char *table;
	const char *column;       /* NULL: the table itself, or with star every column it has now */
	bool star;                /* SELECT *, t.* */
	bool trigger_row;         /* NEW.column or OLD.column outside a trigger's own statement (a
				     trigger function's body): table is NULL, the trigger's table */
	int location;             /* byte offset in the statement's text, or -1 */
} ml_column_ref;

typedef void (*ml_column_ref_fn)(const ml_column_ref *ref, void *data);

/* A column an earlier statement of the run dropped or renamed. */
typedef struct ml_gone_column {
	size_t table;             /* ml_table_state.id */
	const char *column;       /* the name that is gone */
	const char *renamed_to;   /* NULL: dropped */
	const char *path;         /* the migration that did it, and the line */
	int line;
} ml_gone_column;

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

/* ---- what a migration step makes and removes (reversibility) ----------- */

/* The kinds of schema object the reversibility rules compare. */
typedef enum ml_object_kind {
	ML_OBJECT_SCHEMA = 0,
	ML_OBJECT_TABLE,          /* also a partitioned or foreign table */
	ML_OBJECT_COLUMN,         /* member of a table */
	ML_OBJECT_INDEX,          /* named in its schema; parent: its table */
	ML_OBJECT_CONSTRAINT,     /* member of a table (a domain's: of the type) */
	ML_OBJECT_TYPE,           /* enum, composite, range, domain */
	ML_OBJECT_FUNCTION,       /* also a procedure or aggregate; by name, not signature */
	ML_OBJECT_VIEW,           /* also a materialized view */
	ML_OBJECT_SEQUENCE,
	ML_OBJECT_TRIGGER,        /* member of a table */
	ML_OBJECT_EXTENSION,
} ml_object_kind;

/* A schema object, as PostgreSQL would name it. Names are folded as the
 * parser folds them (unquoted names lower case); an object named without a
 * schema has schema "" (the search path's first schema). */
typedef struct ml_schema_object {
	ml_object_kind kind;
	const char *schema;       /* "" when unqualified */
	const char *name;         /* the object; for a member (column, constraint, trigger): its table */
	const char *member;       /* a member's own name, else NULL */
	const char *parent;       /* an index's table, else NULL (not part of its identity) */
} ml_schema_object;

/* One object a step made or removed, and the statement that did it. */
typedef struct ml_object_change {
	ml_schema_object object;
	int line;                 /* line of the statement, in the file that ran it */
	size_t start, end;        /* the statement's bytes in that file */
	const char *renamed_from; /* made by a rename of this name (same kind and parent),
				     or removed by a rename to it; NULL: made or dropped */
	bool holds_data;          /* a table, column or materialized view: dropping it loses rows */
} ml_object_change;

/* The net effect of one migration step (an up or a down) on the schema:
 * what exists after it that did not before, and the reverse. An object
 * made and dropped in the same step is in neither list. A member made
 * inside an object the step made (the columns of a new table) is listed
 * under its container only. */
typedef struct ml_step_changes {
	const ml_object_change *made;
	size_t n_made;
	const ml_object_change *removed;
	size_t n_removed;
	bool complete;            /* false: some statement of the step was not read (a syntax
				     error, dynamic SQL), so what it made or removed is unknown */
} ml_step_changes;

/* Whether an up migration has a down, as its tool lays downs out. */
typedef enum ml_down_presence {
	ML_DOWN_NOT_EXPECTED = 0, /* the tool has no downs (or not in this directory) */
	ML_DOWN_PRESENT,          /* a down with at least one statement */
	ML_DOWN_MISSING,          /* no down file or section */
	ML_DOWN_EMPTY,            /* a down with no statement (comments and blanks only) */
} ml_down_presence;

/* Where a step stands in its migration, for the reversibility rules. */
typedef struct ml_migration_facts {
	bool down;                /* this pass is a down step */
	const char *version;      /* the migration's version, or NULL */
	/* An up: */
	ml_down_presence down_presence;
	const char *down_path;    /* the down's file, or NULL (none, or a section of this file) */
	const char *irreversible; /* the reason of a "-- migralint: irreversible: <reason>"
				     comment in the up ("" when it gives none), or NULL; a
				     down gets its up's */
	size_t irreversible_at;   /* the comment's byte offset */
	/* A down: */
	const ml_step_changes *up; /* what its up changed, or NULL when the up was not read in
				     this run */
	const char *up_path;      /* the up's file */
	/* Both: what this step changed (complete in a rule's finish hook). */
	const ml_step_changes *changes;
	size_t step_start;        /* byte offset where the step starts in its file (a goose
				     section's marker line; 0 for a file of its own): where a
				     finding about the whole step points */
} ml_migration_facts;

#endif
