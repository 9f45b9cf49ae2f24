/*
 * lock_table.h - the statement forms migralint knows and, for each, what it
 * locks, rewrites and scans (lock_table.c holds the data).
 */
#ifndef MIGRALINT_LOCK_TABLE_H
#define MIGRALINT_LOCK_TABLE_H

#include <stdbool.h>

#include "lock_forms.h"

typedef struct ml_lock_fact {
	ml_form form;
	const char *label;            /* how reports name the form */
	ml_lock_mode target_lock;     /* on the table the statement works on */
	ml_lock_mode referenced_lock; /* on a table it references (foreign keys, partitions), or on
					 the index REINDEX INDEX rebuilds */
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

/* "ACCESS EXCLUSIVE" and so on; "" for ML_LOCK_NONE. (Rules see it in
 * src/rule_api/rule_alter.h.) */
const char *ml_lock_mode_name(ml_lock_mode mode);

#endif
