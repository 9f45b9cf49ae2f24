/*
 * catalog_private.h - the catalog's own state, shared by the files that
 * build it (catalog.c: tables, columns, keys; catalog_deps.c: what depends
 * on them). Nothing outside src/model/ includes it.
 */
#ifndef MIGRALINT_CATALOG_PRIVATE_H
#define MIGRALINT_CATALOG_PRIVATE_H

#include <pg_query/pg_query.pb-c.h>

#include "arena.h"
#include "catalog.h"
#include "map.h"

/* A primary key, unique constraint or unique index on plain columns, without
 * a WHERE: each combination of its columns' values names at most one row. */
typedef struct ml_unique_key {
	const char *name;         /* constraint or index name as PostgreSQL would give it; "" when unknown */
	const char **columns;
	size_t n_columns;
} ml_unique_key;

/* A CHECK (col IS NOT NULL) constraint the migrations added. */
typedef struct ml_check_state {
	const char *name;         /* constraint name, "" when unnamed */
	const char *column;
	bool valid;
} ml_check_state;

/* A function the migrations created, with its declared volatility. */
typedef struct ml_function_state {
	const char *name;
	char volatility;          /* 'i', 's' or 'v' */
} ml_function_state;

struct ml_catalog {
	ml_arena *arena;          /* everything below */
	ml_map tables;            /* "schema.name" (unqualified: public) -> ml_table_state * (NULL once
				     dropped or renamed) */
	ml_ptr_vec all_tables;    /* ml_table_state *, by id: dropped ones too, which partitions and a
				     transaction's emptied tables may still point at */
	ml_map indexes;           /* index name -> ml_index_state * (NULL once dropped) */
	ml_ptr_vec functions;     /* ml_function_state *, in the order they were created */
	ml_map function_names;    /* name -> the newest of functions of that name */
	ml_ptr_vec committing_procedures; /* names (char *) of procedures whose body COMMITs */
	ml_map checked_domains;   /* domain name -> non-NULL when created with a CHECK */
	ml_map objects;           /* named objects the migrations made (catalog_objects.c) -> non-NULL
				     while they exist */
	int file;                 /* the current file: ml_catalog_begin_file calls so far */
	const char *path;         /* its path, for where objects were made */
	int line;                 /* the line of the statement being applied */
	size_t applied;           /* statements applied so far: when objects and columns came */
	uint32_t next_column_id;
	/* What uses tables and columns (catalog_deps.c): the objects
	 * (ml_dependent) are shared by copies, the lists are each one's.
	 * Every list holds live dependents only, oldest first (by order), so
	 * a question or a drop looks at the few it concerns, never at all. */
	ml_map dependent_names;   /* name -> ml_ptr_vec * of the dependents of that name: every
				     live one is in exactly one of these */
	ml_ptr_vec table_dependents; /* by table id: ml_ptr_vec * of the dependents that use the
				     table or belong to it (NULL: none yet) */
	ml_ptr_vec word_dependents; /* the bodies known by their words (n_words) */
	ml_ptr_vec row_dependents; /* the trigger functions that read NEW.x or OLD.x */
	size_t next_order;        /* the order of the next dependent kept */
	ml_ptr_vec gone;          /* ml_gone_column *: columns dropped or renamed */
	ml_map gone_index;        /* "<table id>:<column>" -> the last of gone for it */
	ml_map gone_words;        /* their names and their tables' names -> GONE_COLUMN | GONE_TABLE
				     (as a pointer), to pass over statements naming none */
	ml_ptr_vec trigger_functions; /* ml_trigger_function *: which function triggers on which table run */
	const ml_dependent *body_function; /* the PL/pgSQL function whose body the engine walks now */
	struct uses *body_builder; /* what its statements use so far */
	bool body_walked;
};

/* A trigger on a table runs a function: its body reads the table's
 * columns through NEW and OLD. */
typedef struct ml_trigger_function {
	size_t table;
	const char *trigger;
	const char *function;
} ml_trigger_function;

/* The facts about table.column; when unknown, a new empty entry (a column
 * that was there before the run) if create is set, else NULL. */
ml_column_facts *ml_catalog_column_facts(ml_catalog *cat, const ml_table_state *table, const char *column, bool create);

/* catalog_deps.c */
/* Records the objects stmt makes that use tables and columns, forgets the
 * ones it drops or replaces, and what it drops or renames of columns.
 * ml_catalog_apply calls it twice: before the tables change (after false:
 * what goes) and after (what is made). */
void ml_catalog_deps_apply(ml_catalog *cat, const PgQuery__Node *stmt, bool after);
/* Copies src's dependency records into cat (a clone): shared when
 * borrowing, else copied. */
void ml_catalog_deps_clone(ml_catalog *cat, const ml_catalog *src, bool borrow);
/* The live dependents named name, oldest first (*n of them; NULL when
 * none), in the catalog's memory: valid until the catalog changes. */
const ml_dependent *const *ml_catalog_dependents_named(const ml_catalog *cat, const char *name, size_t *n);
/* Is any of the objects that use tables and columns named name? */
bool ml_catalog_dependent_named(const ml_catalog *cat, const char *name);
/* The live dependents that use table id (ml_table_state.id) or belong to
 * it, oldest first (*n of them; NULL when none), in the catalog's memory:
 * valid until the catalog changes. */
const ml_dependent *const *ml_catalog_dependents_of_table(const ml_catalog *cat, size_t id, size_t *n);
/* Every live dependent, oldest first (*n of them), in a new array in
 * arena (NULL when none): for copies and checks, a walk over all. */
const ml_dependent **ml_catalog_live_dependents(const ml_catalog *cat, ml_arena *arena, size_t *n);

/* catalog_names.c: the names PostgreSQL gives what a statement leaves
 * unnamed, given what cat knows of the schema (its tables, indexes, views
 * and constraints count as taken, and so do the names in others: char *,
 * chosen earlier by the same statement; NULL for none). In arena. */
/* Constraint con of table schema.table (column: the column definition it
 * is written in, else NULL): its own name, the index's for USING INDEX,
 * else "<table>_<columns>_key" and the like; NULL for a kind PostgreSQL 15
 * keeps no constraint of (NOT NULL, DEFAULT, GENERATED). */
/* The names one statement has taken and freed so far, for the names of
 * what it leaves unnamed: the catalog applies a statement only after it,
 * so a constraint an earlier subcommand of one ALTER TABLE dropped still
 * looks taken there (PostgreSQL runs every DROP of an ALTER TABLE before
 * its ADDs). NULL: none. Names are the caller's. */
typedef struct ml_name_scope {
	ml_ptr_vec taken;
	ml_ptr_vec freed;
} ml_name_scope;

const char *ml_catalog_constraint_name(const ml_catalog *cat, ml_arena *arena, const char *schema, const char *table,
				       const PgQuery__Constraint *con, const char *column, const ml_name_scope *scope);
/* The same for constraint con written in column definition def, and NULL
 * as well for a PRIMARY KEY or UNIQUE folded into another key of the same
 * column: PostgreSQL keeps one index for keys that differ in nothing else
 * (the primary key's, or the first's), named after the first of them that
 * has a name. */
const char *ml_catalog_column_constraint_name(const ml_catalog *cat, ml_arena *arena, const char *schema,
					      const char *table, const PgQuery__ColumnDef *def,
					      const PgQuery__Constraint *con, const ml_name_scope *scope);
/* The index ix makes: its own name, else "<table>_<columns>_idx"; NULL
 * without a table. */
const char *ml_catalog_index_name(const ml_catalog *cat, ml_arena *arena, const PgQuery__IndexStmt *ix,
				  const ml_name_scope *scope);
/* An unnamed CHECK added to domain: "<domain>_check", numbered when the
 * catalog knows the domain has a CHECK already. */
const char *ml_catalog_domain_check_name(const ml_catalog *cat, ml_arena *arena, const char *domain,
					 const ml_name_scope *scope);

/* catalog_objects.c */
/* A name as a statement writes it: schema "" when unqualified (for a
 * trigger, its table's schema), the object's name, and for a trigger its
 * table. The strings are the tree's. */
typedef struct ml_qname {
	const char *schema;
	const char *name;
	const char *table;
} ml_qname;
/* Reads a list of String nodes: [catalog.][schema.]name, or with
 * with_table [schema.]table.name. False when it is not one. */
bool ml_qname_of_list(PgQuery__Node *const *items, size_t n, bool with_table, ml_qname *q);
/* The same for a DROP's or RENAME's object: a list of names, a type name,
 * a routine with its arguments, or one name. */
bool ml_qname_of_object(const PgQuery__Node *o, bool with_table, ml_qname *q);
bool ml_qname_of_range(const PgQuery__RangeVar *rv, ml_qname *q);
/* The kind of object a DROP, RENAME or SET SCHEMA of type names, or -1
 * for the kinds ml_object_kind has none of (policies, rules...). */
int ml_object_kind_of(PgQuery__ObjectType type);
/* The schema CREATE SCHEMA makes (named, or after its AUTHORIZATION
 * role), or NULL. */
const char *ml_created_schema(const PgQuery__CreateSchemaStmt *cs);
/* Records the named objects stmt makes, drops, renames or moves. */
void ml_catalog_objects_apply(ml_catalog *cat, const PgQuery__Node *stmt);
/* Did the migrations make an object of class cls ('S' schema, 'E'
 * extension, 'T' type or domain, 'Q' sequence, 'V' view or materialized
 * view, 'F' function, procedure or aggregate) named schema.name (schema
 * ignored for schemas and extensions; "" is public), and not drop it
 * since? */
bool ml_catalog_has_object(const ml_catalog *cat, char cls, const char *schema, const char *name);
/* The schema of a view (or materialized view) named name that the
 * migrations made, in arena; NULL when none is known, or it is public. */
const char *ml_catalog_view_schema(const ml_catalog *cat, ml_arena *arena, const char *name);
/* The same for the trigger name of table t. */
bool ml_catalog_has_trigger(const ml_catalog *cat, const ml_table_state *t, const char *name);

#endif
