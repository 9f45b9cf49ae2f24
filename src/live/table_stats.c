/*
 * table_stats.c - reads the table sizes of a live database through libpq,
 * for `migralint stats` (src/cli/cmd_stats.c): one query, in a read-only
 * transaction with timeouts, whose result is already the --stats file's
 * text, so that psql running the same SQL (docs/trace.md) writes
 * the same file byte for byte.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pq_load.h"

#include "table_stats.h"

/* Kept in step with docs/trace.md by tests/table_stats_test.sh. */
const char ML_TABLE_STATS_SQL[] =
	"WITH RECURSIVE rel AS (\n"
	"  SELECT c.oid, c.relkind, n.nspname || '.' || c.relname AS name,\n"
	"         CASE WHEN coalesce(s.n_live_tup, 0) > 0 OR c.reltuples < 0\n"
	"              THEN coalesce(s.n_live_tup, 0) ELSE c.reltuples::bigint END AS rows,\n"
	"         pg_total_relation_size(c.oid) AS bytes\n"
	"  FROM pg_class c\n"
	"  JOIN pg_namespace n ON n.oid = c.relnamespace\n"
	"  LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid\n"
	"  WHERE c.relkind IN ('r', 'p', 'm') AND c.relpersistence <> 't'\n"
	"    AND n.nspname NOT IN ('pg_catalog', 'information_schema')\n"
	"    AND n.nspname NOT LIKE 'pg\\_toast%'\n"
	"), tree (root, relid) AS (\n"
	"  SELECT oid, oid FROM rel WHERE relkind = 'p'\n"
	"  UNION ALL\n"
	"  SELECT tree.root, i.inhrelid FROM tree JOIN pg_inherits i ON i.inhparent = tree.relid\n"
	"), sizes AS (\n"
	"  SELECT name, rows, bytes FROM rel WHERE relkind <> 'p'\n"
	"  UNION ALL\n"
	"  SELECT rel.name, coalesce(sum(part.rows), 0), coalesce(sum(part.bytes), 0)\n"
	"  FROM rel JOIN tree ON tree.root = rel.oid\n"
	"  LEFT JOIN rel part ON part.oid = tree.relid AND part.relkind <> 'p'\n"
	"  WHERE rel.relkind = 'p'\n"
	"  GROUP BY rel.oid, rel.name\n"
	")\n"
	"SELECT coalesce('{' || string_agg(format(E'\\n  %s: {\"rows\": %s, \"bytes\": %s}', to_json(name), rows, bytes),\n"
	"                                  ',' ORDER BY name COLLATE \"C\") || E'\\n}', '{}')\n"
	"FROM sizes;\n";

/* A message into err, with PostgreSQL's text (which ends in a newline, and
 * may span lines) joined into one line. */
static void fail(char *err, size_t err_size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t err_size, const char *fmt, ...)
{
	if (!err || !err_size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	size_t len = strlen(err);
	while (len > 0 && (err[len - 1] == '\n' || err[len - 1] == ' '))
		err[--len] = '\0';
	for (char *p = err; *p; p++)
		if (*p == '\n')
			*p = ' ';
}

/* Runs sql on conn; true when it did what it should (expect). */
static bool run(PGconn *conn, const char *sql, ExecStatusType expect, char *err, size_t err_size)
{
	PGresult *res = PQexec(conn, sql);
	bool ok = res && PQresultStatus(res) == expect;
	if (!ok)
		fail(err, err_size, "%s: %s", sql, res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
	PQclear(res);
	return ok;
}

char *ml_table_stats_read(const char *url, int timeout_s, char *err, size_t err_size)
{
	if (err && err_size)
		err[0] = '\0';
	/* The URL's own settings beat the defaults before it; UTF-8 after it,
	 * as the file is JSON. */
	const char *const keys[] = { "connect_timeout", "fallback_application_name", "dbname", "client_encoding", NULL };
	const char *const values[] = { "10", "migralint stats", url, "UTF8", NULL };
	if (ml_pq_load(err, err_size) != 0)
		return NULL;
	PGconn *conn = PQconnectdbParams(keys, values, 1);
	if (!conn || PQstatus(conn) != CONNECTION_OK) {
		fail(err, err_size, "cannot connect to the database: %s",
		     conn ? PQerrorMessage(conn) : "out of memory");
		PQfinish(conn);
		return NULL;
	}
	char settings[160];
	snprintf(settings, sizeof(settings), "SET LOCAL statement_timeout = '%ds'; SET LOCAL lock_timeout = '5s'",
		 timeout_s);
	char *json = NULL;
	/* Read only: nothing this session does can change the database. */
	if (run(conn, "BEGIN READ ONLY", PGRES_COMMAND_OK, err, err_size) &&
	    run(conn, settings, PGRES_COMMAND_OK, err, err_size)) {
		PGresult *res = PQexec(conn, ML_TABLE_STATS_SQL);
		if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
			fail(err, err_size, "the table sizes query failed: %s",
			     res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
		} else if (PQntuples(res) != 1 || PQnfields(res) != 1 || PQgetisnull(res, 0, 0)) {
			fail(err, err_size, "the table sizes query gave no result");
		} else if (!(json = strdup(PQgetvalue(res, 0, 0)))) {
			fail(err, err_size, "out of memory");
		}
		PQclear(res);
		if (json && !run(conn, "COMMIT", PGRES_COMMAND_OK, err, err_size)) {
			free(json);
			json = NULL;
		}
	}
	PQfinish(conn);
	return json;
}
