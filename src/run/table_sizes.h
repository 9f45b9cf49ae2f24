/*
 * table_sizes.h - the table sizes of a --stats file (table_sizes.c): the
 * public ml_table_sizes, looked up by the names statements give tables,
 * and a size in words for a finding's message.
 */
#ifndef MIGRALINT_TABLE_SIZES_H
#define MIGRALINT_TABLE_SIZES_H

#include <stddef.h>

#include "migralint/migralint.h"

/* One table of the file. */
typedef struct ml_table_size {
	const char *key;          /* "schema.table", as the file names it */
	long long rows;           /* >= 0 */
	long long bytes;          /* >= 0, or -1: the file gives none */
} ml_table_size;

/* The size of table as a statement names it ("schema.name" or "name", with
 * the parser's case: unquoted names lower case), or NULL when the file does
 * not give it. A name without a schema is public.name when the file has
 * that; else the one table of that name when exactly one schema has it. */
const ml_table_size *ml_table_sizes_find(const ml_table_sizes *sizes, const char *table);

/* Writes size to buf (len bytes; 48 are enough) as people read it:
 * "48M rows, 12 GB", "1 row", "9500 rows, 1464 kB". Rows count in K, M
 * and B (powers of 1000) from 10,000 on; bytes as PostgreSQL's
 * pg_size_pretty writes them (bytes, kB, MB, GB, TB, PB: powers of 1024,
 * from 10 of a unit on, rounded half up). Returns buf. */
char *ml_table_size_describe(const ml_table_size *size, char *buf, size_t len);

#endif
