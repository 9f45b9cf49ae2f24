/*
 * schema_changes.h - what a migration step makes and removes, for the
 * reversibility rules (missing-down-migration, down-does-not-reverse-up,
 * rollback-loses-data): each statement's objects as PostgreSQL names them
 * (the names it chooses for unnamed indexes and constraints too), folded
 * into the net effect of the step (ml_step_changes in facts.h), and the
 * comparison of an up's effect with its down's.
 *
 * What the net effect lists (tests/schema_changes_test.sh checks it against
 * PostgreSQL 15's catalogs):
 * - made: exists after the step under that name and did not before; removed:
 *   the reverse. Made and dropped within the step: neither. Dropped and made
 *   again: both (the rows are gone).
 * - A rename (RENAME TO, RENAME COLUMN / CONSTRAINT, ALTER INDEX ... RENAME,
 *   SET SCHEMA) of an object that was there is removed under the old name
 *   with renamed_from the new one, and made under the new with renamed_from
 *   the old; when the schema changes, both are written "schema.name" (an
 *   unqualified one as public). Renamed back within the step: nothing. An
 *   object the step made and renamed is made under its last name.
 * - Not listed on their own, as they are part of something listed: the
 *   columns, constraints, triggers and indexes of a table made or removed by
 *   the step (a domain's constraints: of the type), anything in a schema the
 *   step made or removed; the index of a PRIMARY KEY, UNIQUE or EXCLUDE
 *   constraint (the constraint is listed; ADD CONSTRAINT ... USING INDEX
 *   removes the index and makes the constraint); the sequence of a serial or
 *   identity column; a table's row type; a partition's copies of its
 *   parent's indexes and constraints (CREATE INDEX on a partitioned table is
 *   the one index); an extension's members; the constraint of a CREATE
 *   CONSTRAINT TRIGGER (the trigger is listed).
 * - DROP COLUMN removes the indexes and constraints on the column that the
 *   catalog knows, and with CASCADE the views, other tables' foreign keys and
 *   generated columns that use it; DROP TABLE ... CASCADE the views and
 *   foreign keys that use the table, and a partitioned table its partitions;
 *   DROP FUNCTION ... CASCADE the triggers that run it.
 * - Schemas: "" (unqualified) and "public" are the same schema, for finding
 *   objects and in ml_step_changes_makes and _removes; objects keep the
 *   schema as written.
 * - Functions (procedures, aggregates) are one object per name: a CREATE
 *   FUNCTION of a name that exists (another signature, OR REPLACE) makes
 *   nothing, DROP FUNCTION of one signature removes the name.
 * - IF NOT EXISTS / OR REPLACE make nothing when the step or the catalog
 *   knows the object exists (tables, indexes, columns, views, sequences,
 *   types, functions, triggers, schemas, extensions the run made); else the
 *   object counts as made. DROP ... IF EXISTS of an object the step removed
 *   already does nothing; of one neither the step nor the catalog knows, it
 *   counts as removed: the ledger cannot tell whether it was there, and a
 *   down that names it means it to be.
 * - holds_data: tables, columns, materialized views.
 * - A sequence OWNED BY a column (CREATE or ALTER SEQUENCE) goes with its
 *   table within the step; a later step knows the ownership only if the
 *   catalog does, which it does not (a down's DROP TABLE then leaves the
 *   sequence standing, and its DROP SEQUENCE IF EXISTS removes one the up is
 *   not seen to make).
 * - An index of a materialized view dropped through a CASCADE is listed
 *   without its view.
 * Not followed (the objects stay as they were): ATTACH / DETACH PARTITION
 * (DETACH makes a partition's copies of its parent's indexes its own), DROP
 * TYPE ... CASCADE (PostgreSQL drops the columns of the type), DROP
 * EXTENSION ... CASCADE, objects made inside CREATE SCHEMA's own element
 * list (the schema is listed), what ALTER SCHEMA ... RENAME moves, the
 * indexes a DROP COLUMN takes that the catalog does not know (made before
 * the run), views and functions another drop's CASCADE took (the catalog
 * still counts them for OR REPLACE). Names PostgreSQL numbers against
 * objects the run did not make (users_email_key1 when an unknown
 * users_email_key exists) come out unnumbered; an unnamed CHECK added to a
 * domain made with a CHECK is taken to be the second ("<domain>_check1");
 * a UNIQUE of one ALTER TABLE subcommand that repeats another's (ADD COLUMN
 * a int UNIQUE, ADD UNIQUE (a)) is listed twice where PostgreSQL keeps one
 * (within one column definition it is folded).
 */
#ifndef MIGRALINT_SCHEMA_CHANGES_H
#define MIGRALINT_SCHEMA_CHANGES_H

#include <pg_query/pg_query.pb-c.h>

#include "arena.h"
#include "catalog.h"
#include "facts.h"

/* The fold of one step's statements. Lives in the arena it was made with
 * (which it grows as statements come: one step's worth). */
typedef struct ml_step_ledger ml_step_ledger;

/* A new, empty ledger in arena. */
ml_step_ledger *ml_step_ledger_new(ml_arena *arena);

/* Folds stmt (a statement that runs now: top level or in a DO block) into
 * the ledger, before cat applies it: cat says what exists (IF NOT EXISTS,
 * IF EXISTS, the columns a DROP TABLE takes with it, the names PostgreSQL
 * picks). line, start and end locate the statement in its file. Statements
 * that make or remove nothing cost a switch on the node type. A name that
 * dynamic SQL computes (ML_DYNAMIC_PLACEHOLDER) is not followed, and makes
 * the step not complete. The ledger copies what it keeps: stmt may go. */
void ml_step_ledger_apply(ml_step_ledger *ledger, const ml_catalog *cat, const PgQuery__Node *stmt, int line,
			  size_t start, size_t end);

/* Marks the step as not completely read (a statement that did not parse,
 * dynamic SQL): ml_step_changes.complete becomes false. */
void ml_step_ledger_mark_unread(ml_step_ledger *ledger);

/* The net effect so far, in arena (copied: the ledger may go on), in the
 * order the step first met each object. */
void ml_step_ledger_result(const ml_step_ledger *ledger, ml_arena *arena, ml_step_changes *out);

/* Does step remove obj, itself (a rename away from its name counts) or with
 * what holds it (a column, constraint or trigger with its table, view or
 * type; an index with its table, obj->parent; anything with its schema)?
 * An index or constraint on a dropped column is listed itself. Returns the
 * change that does (in step), or NULL; NULL for a NULL step or obj. */
const ml_object_change *ml_step_changes_removes(const ml_step_changes *step, const ml_schema_object *obj);

/* Does step make obj (itself, by a rename to its name too, or as part of
 * an object it makes: the same containment)? Returns the change, or NULL. */
const ml_object_change *ml_step_changes_makes(const ml_step_changes *step, const ml_schema_object *obj);

/* "table public.users", "column users.email", "index users_email_idx",
 * "constraint users_email_key on users", "trigger t on users", "type mood",
 * "function f", "view v", "sequence s", "schema app", "extension citext"
 * for messages, in arena: the schema shown when the object has one. */
const char *ml_schema_object_text(ml_arena *arena, const ml_schema_object *obj);

#endif
