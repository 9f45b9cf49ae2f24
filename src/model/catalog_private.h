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
	ml_ptr_vec committing_procedures; /* names (char *) of procedures whose body COMMITs */
	ml_map checked_domains;   /* domain name -> non-NULL when created with a CHECK */
	int file;                 /* the current file: ml_catalog_begin_file calls so far */
	const char *path;         /* its path, for where objects were made */
	int line;                 /* the line of the statement being applied */
	size_t applied;           /* statements applied so far: when objects and columns came */
	uint32_t next_column_id;
	ml_ptr_vec dependents;    /* ml_dependent *, oldest first: what uses tables and columns
				     (catalog_deps.c); shared by copies, the list is each one's */
	ml_ptr_vec gone;          /* ml_gone_column *: columns dropped or renamed */
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

#endif
