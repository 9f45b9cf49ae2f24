/*
 * pg_names.h - the names PostgreSQL 15 makes up for what a statement
 * leaves unnamed (pg_names.c): an index's or constraint's name from its
 * table, its columns and a label ("users_email_key"), cut to 63 bytes the
 * way the server cuts it, with a number after the label when the name is
 * taken ("users_email_key1"). Pure functions over parse trees; what counts
 * as taken is the caller's (the catalog's) to say.
 */
#ifndef MIGRALINT_PG_NAMES_H
#define MIGRALINT_PG_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include <pg_query/pg_query.pb-c.h>

#include "arena.h"

/* PostgreSQL's NAMEDATALEN: a name holds at most ML_NAMEDATALEN - 1 bytes. */
#define ML_NAMEDATALEN 64

/* name1, name2 (NULL: none) and label (NULL: none) joined with "_", the
 * longer of name1 and name2 shortened first until the whole fits in 63
 * bytes, never cutting a UTF-8 character (makeObjectName). In arena. */
const char *ml_pg_object_name(ml_arena *arena, const char *name1, const char *name2, const char *label);

/* The names joined with "_", stopping once 64 bytes are reached: the
 * middle part of an index's or foreign key's name (ChooseIndexNameAddition,
 * ChooseForeignKeyConstraintNameAddition). In arena; "" for none. */
const char *ml_pg_name_addition(ml_arena *arena, const char *const *names, size_t n);

/* The names PostgreSQL gives the columns of an index (ChooseIndexColumnNames):
 * each element of elems (IndexElem nodes, or String nodes: a constraint's
 * key columns) is its column's name, the name of the function or other
 * expression it computes ("lower", "coalesce", a cast's type), or "expr";
 * a name met before gets a number ("a", "a1"). Writes at most max names
 * into out (strings in arena or in the tree) and returns how many. */
size_t ml_pg_index_column_names(ml_arena *arena, PgQuery__Node *const *elems, size_t n, const char **out, size_t max);

/* Is name taken, in the caller's sense (a relation or constraint of the
 * schema the name is for)? */
typedef bool (*ml_pg_name_taken_fn)(const char *name, void *data);

/* ml_pg_object_name(name1, name2, label), or, while taken says that name
 * is taken, the same with label1, label2... (ChooseRelationName,
 * ChooseConstraintName). taken NULL: the first. In arena. */
const char *ml_pg_choose_name(ml_arena *arena, const char *name1, const char *name2, const char *label,
			      ml_pg_name_taken_fn taken, void *data);

#endif
