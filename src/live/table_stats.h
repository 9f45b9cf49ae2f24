/*
 * table_stats.h - the table sizes of a live database, for --stats
 * (table_stats.c): one read-only query of pg_class and
 * pg_stat_user_tables, run through libpq by `migralint stats`.
 */
#ifndef MIGRALINT_TABLE_STATS_H
#define MIGRALINT_TABLE_STATS_H

#include <stddef.h>

/* The query, as docs/trace.md prints it for psql: its one row and
 * column is the --stats file's text, {"schema.table": {"rows": N, "bytes":
 * N}, ...}, one table a line, sorted by name in byte order ("{}" for a
 * database without tables). Ordinary and partitioned tables and
 * materialized views outside pg_catalog, information_schema and the TOAST
 * schemas, temporary ones left out; rows is pg_stat_user_tables.n_live_tup,
 * or pg_class.reltuples when the statistics know no live row (reset, or
 * never gathered) and ANALYZE or VACUUM has counted some; bytes is
 * pg_total_relation_size (indexes and TOAST included); a partitioned
 * table has the sums of its partitions, at every level. */
extern const char ML_TABLE_STATS_SQL[];

/* Connects to the database url names (a libpq URI, postgresql://..., or a
 * key=value connection string), runs ML_TABLE_STATS_SQL in a READ ONLY
 * transaction with statement_timeout set to timeout_s seconds and
 * lock_timeout to 5 seconds, and disconnects. Writes nothing. Returns the
 * query's text (malloc'd: the caller frees it), or NULL with a one-line
 * message in err (err_size bytes) saying what failed with PostgreSQL's own
 * words: connecting (the URL itself is never repeated: it may hold a
 * password), or the query. */
char *ml_table_stats_read(const char *url, int timeout_s, char *err, size_t err_size);

#endif
