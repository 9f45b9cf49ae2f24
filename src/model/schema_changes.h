/*
 * schema_changes.h - what a migration step makes and removes, for the
 * reversibility rules (missing-down-migration, down-does-not-reverse-up,
 * rollback-loses-data): each statement's objects as PostgreSQL names them
 * (the names it chooses for unnamed indexes and constraints too), folded
 * into the net effect of the step (ml_step_changes in facts.h), and the
 * comparison of an up's effect with its down's.
 */
#ifndef MIGRALINT_SCHEMA_CHANGES_H
#define MIGRALINT_SCHEMA_CHANGES_H

#include <pg_query/pg_query.pb-c.h>

#include "arena.h"
#include "catalog.h"
#include "facts.h"

/* The fold of one step's statements. Lives in the arena it was made with. */
typedef struct ml_step_ledger ml_step_ledger;

/* A new, empty ledger in arena. */
ml_step_ledger *ml_step_ledger_new(ml_arena *arena);

/* Folds stmt (a statement that runs now: top level or in a DO block) into
 * the ledger, before cat applies it: cat says what exists (IF NOT EXISTS,
 * IF EXISTS, the columns a DROP TABLE takes with it, the names PostgreSQL
 * picks). line, start and end locate the statement in its file. Statements
 * that make or remove nothing cost a switch on the node type. */
void ml_step_ledger_apply(ml_step_ledger *ledger, const ml_catalog *cat, const PgQuery__Node *stmt, int line,
			  size_t start, size_t end);

/* Marks the step as not completely read (a statement that did not parse,
 * dynamic SQL): ml_step_changes.complete becomes false. */
void ml_step_ledger_mark_unread(ml_step_ledger *ledger);

/* The net effect so far, in arena (copied: the ledger may go on). */
void ml_step_ledger_result(const ml_step_ledger *ledger, ml_arena *arena, ml_step_changes *out);

/* Does step remove obj, itself or with what holds it (a column with its
 * table, anything with its schema dropped CASCADE, an index or constraint
 * with its table or column)? Returns the change that does, or NULL. */
const ml_object_change *ml_step_changes_removes(const ml_step_changes *step, const ml_schema_object *obj);

/* Does step make obj (itself or as part of an object it makes)? Returns
 * the change, or NULL. */
const ml_object_change *ml_step_changes_makes(const ml_step_changes *step, const ml_schema_object *obj);

/* "table public.users", "column users.email", "index users_email_idx" for
 * messages, in arena. */
const char *ml_schema_object_text(ml_arena *arena, const ml_schema_object *obj);

#endif
