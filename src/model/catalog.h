/*
 * catalog.h - the catalog: what the migrations of a run have built so far
 * (tables, columns, constraints, indexes, functions, domains, partitions),
 * over a base layer of PostgreSQL's built-in functions (volatility.c). A
 * value of its own: applied statement by statement, cloned, freed, and asked
 * without the engine. The model layer and the engine include this; rules
 * reach it through rule_api.h.
 */
#ifndef MIGRALINT_CATALOG_H
#define MIGRALINT_CATALOG_H

#include <pg_query/pg_query.pb-c.h>

#include "arena.h"
#include "facts.h"

typedef struct ml_catalog ml_catalog;

/* A table the catalog has seen defined or altered. Owned by the catalog;
 * read-only outside catalog.c. */
typedef struct ml_table_state {
	const char *schema;       /* "" when unqualified */
	const char *name;
	size_t id;                /* its place among the catalog's tables, for clones */
	bool created_in_run;
	int created_in_file;      /* the file (ml_catalog_begin_file) of the CREATE: the table is new only there */
	bool partitioned;
	ml_ptr_vec columns;       /* ml_column_facts * */
	ml_ptr_vec checks;        /* private to catalog.c: its CHECK (col IS NOT NULL) constraints */
	ml_ptr_vec foreign_keys;  /* ml_foreign_key_state * */
	ml_ptr_vec partitions;    /* ml_table_state *: partitions the catalog saw attached or created */
	struct ml_table_state *parent; /* the partitioned table it is a partition of, or NULL */
	bool default_partition;   /* it is its parent's DEFAULT partition */
	ml_ptr_vec unique_keys;   /* private to catalog.c: primary key, unique constraints and indexes */
	bool keys_known;          /* the catalog saw the table's whole definition: unique_keys are all it has */
} ml_table_state;

/* A foreign key of a table, for the locks on the table it references. */
typedef struct ml_foreign_key_state {
	const char *name;         /* "" when unnamed */
	const char *ref_schema;   /* "" when unqualified */
	const char *ref_name;
} ml_foreign_key_state;

/* An index the migrations created. */
typedef struct ml_index_state {
	const char *name;
	const char *table;        /* display name of its table */
	const char *schema, *table_name; /* its table, for ml_catalog_table */
	size_t table_id;          /* its table's ml_table_state.id */
} ml_index_state;

/* An empty catalog (only the built-in functions), or NULL when memory runs
 * out. The caller frees it with ml_catalog_free. */
ml_catalog *ml_catalog_new(void);
/* A copy of cat that shares nothing with it: applying statements to one
 * leaves the other as it was. NULL when memory runs out. */
ml_catalog *ml_catalog_clone(const ml_catalog *cat);
/* A copy of cat that borrows cat's strings (names, types): cheaper, and
 * valid only while cat lives unchanged; free it first. For a down
 * migration linted against its up's schema and thrown away. */
ml_catalog *ml_catalog_clone_borrowing(const ml_catalog *cat);
/* Frees cat and everything it returned. NULL is fine. */
void ml_catalog_free(ml_catalog *cat);
/* Starts the next migration file, at path (copied; objects made from now
 * on were made there): tables created from now on are new
 * (ml_catalog_table_is_new) until the next call. */
void ml_catalog_begin_file(ml_catalog *cat, const char *path);
/* The number of the current file: 0 before the first ml_catalog_begin_file,
 * then one more at each call (ml_table_state.created_in_file counts the
 * same way; a clone goes on from its source's number). */
int ml_catalog_file(const ml_catalog *cat);
/* Records what stmt, run now in the current file at line, changes: tables,
 * columns, constraints, keys, indexes, functions, checked domains,
 * partitions, and what uses which tables and columns. */
void ml_catalog_apply(ml_catalog *cat, const PgQuery__Node *stmt, int line);
/* The PL/pgSQL body of the routine the last ml_catalog_apply created, as
 * the engine walks it: each statement (which does not run now) adds what
 * it uses to the routine's record; ml_catalog_body_end settles the record
 * (a body never walked keeps the words that stand in for it). */
void ml_catalog_body_stmt(ml_catalog *cat, const PgQuery__Node *stmt);
void ml_catalog_body_end(ml_catalog *cat);
/* Records that the procedure named procedure COMMITs or ROLLBACKs in its body. */
void ml_catalog_note_commits(ml_catalog *cat, const char *procedure);

/* The table schema.name (an empty or NULL schema means "public"), or NULL
 * when the catalog has not met it. */
const ml_table_state *ml_catalog_table(const ml_catalog *cat, const char *schema, const char *name);
/* The same, adding an empty entry (not created by the migrations) when the
 * catalog has not met the table yet. Never NULL. */
ml_table_state *ml_catalog_touch(ml_catalog *cat, const char *schema, const char *name);
/* Was the table created in the current file? Tables created by earlier
 * files hold data by now. */
bool ml_catalog_table_is_new(const ml_catalog *cat, const char *schema, const char *name);
/* The name PostgreSQL gives con, a constraint ALTER TABLE ... ADD adds to
 * schema.name (its own name when it has one; "<table>_<columns>_fkey" and
 * the like, numbered while the catalog knows the name is taken), in arena;
 * NULL for a kind that has no constraint of its own (NOT NULL, DEFAULT). */
const char *ml_catalog_added_constraint_name(const ml_catalog *cat, ml_arena *arena, const char *schema,
					     const char *name, const PgQuery__Constraint *con);
/* "<name>_<column>_<label>" (column NULL: none), cut to 63 bytes as
 * PostgreSQL cuts names and numbered while the catalog knows a constraint
 * or relation of that name in schema: a free name for a constraint to add
 * to schema.name. In arena. */
const char *ml_catalog_free_constraint_name(const ml_catalog *cat, ml_arena *arena, const char *schema,
					    const char *name, const char *column, const char *label);
/* The facts about column of table schema.name, or NULL when unknown. */
const ml_column_facts *ml_catalog_column(const ml_catalog *cat, const char *schema, const char *name,
					 const char *column);
/* The index created under name and not dropped since (nor its table), or
 * NULL. */
const ml_index_state *ml_catalog_index(const ml_catalog *cat, const char *name);
/* The foreign key named name of table t (NULL is fine), or NULL. */
const ml_foreign_key_state *ml_catalog_foreign_key(const ml_table_state *t, const char *name);
/* Does a set of columns of the table, each equal to one value, name at most
 * one row: does it hold every column of a unique key the catalog knows
 * (primary key, unique constraint, unique index)? For a table whose
 * definition it did not see (created before the run, by LIKE or as a
 * partition), a column named id also counts as a key. */
bool ml_catalog_columns_cover_key(const ml_catalog *cat, const char *schema, const char *name,
				  const char *const *columns, size_t n_columns);
/* 'i', 's' or 'v' for the function name: as declared by the latest CREATE
 * FUNCTION of that name (VOLATILE when not said), else as built in
 * (volatility.c); 0 when neither knows it. *builtin, when not NULL, tells
 * whether the built-in layer answered. */
char ml_catalog_function_volatility(const ml_catalog *cat, const char *name, bool *builtin);
/* Does expr call a volatile function, or one the catalog does not know (a
 * CREATE FUNCTION is VOLATILE unless it says otherwise)? *name, when not
 * NULL, receives the first one found (it points into expr). */
bool ml_catalog_expr_is_volatile(const ml_catalog *cat, const PgQuery__Node *expr, const char **name);
/* Does the procedure name COMMIT or ROLLBACK in its body (ml_catalog_note_commits)? */
bool ml_catalog_procedure_commits(const ml_catalog *cat, const char *name);
/* Was the domain name created with a CHECK constraint? */
bool ml_catalog_domain_is_checked(const ml_catalog *cat, const char *name);

/* The objects that use column of table schema.name (views, indexes,
 * constraints, triggers, functions...), oldest first, each with what
 * dropping the column does to it: a new array in arena, *n long (NULL when
 * none). */
ml_dependent_hit *ml_catalog_column_dependents(const ml_catalog *cat, ml_arena *arena, const char *schema,
					       const char *name, const char *column, size_t *n);
/* The objects outside table schema.name that use it (views, other tables'
 * foreign keys, functions...), as ml_catalog_column_dependents. */
ml_dependent_hit *ml_catalog_table_dependents(const ml_catalog *cat, ml_arena *arena, const char *schema,
					      const char *name, size_t *n);
/* The table with id (ml_table_state.id, ml_dependent.table), dropped or
 * not, or NULL when there is none. */
const ml_table_state *ml_catalog_table_by_id(const ml_catalog *cat, size_t id);
/* How column of table schema.name went away (an earlier DROP COLUMN or
 * RENAME COLUMN of the run), or NULL when it did not, or came back. */
const ml_gone_column *ml_catalog_gone_column(const ml_catalog *cat, const char *schema, const char *name,
					     const char *column);
/* Has any column gone away so far (a cheap test before asking)? */
bool ml_catalog_has_gone_columns(const ml_catalog *cat);
/* Does text (len bytes of SQL) hold, as words, the name of a column that
 * has gone away and the name of a table one went from? A filter before
 * ml_catalog_gone_column: false means none of its columns can be gone. */
bool ml_catalog_text_names_gone_column(const ml_catalog *cat, const char *text, size_t len);

/* Display name "schema.name" or "name" in arena. */
const char *ml_qualified_name(ml_arena *arena, const char *schema, const char *name);

#endif
