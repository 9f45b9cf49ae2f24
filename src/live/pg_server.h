/*
 * pg_server.h - a throwaway PostgreSQL for `migralint trace` (pg_server.c):
 * initdb into a new temporary directory, started by pg_ctl listening on a
 * unix socket in that directory only, and removed when the process that
 * started it ends, however it ends.
 */
#ifndef MIGRALINT_PG_SERVER_H
#define MIGRALINT_PG_SERVER_H

#include <stddef.h>

/* Debian's PostgreSQL 15 programs: the default of --pg-bin. */
#define ML_PG_DEFAULT_BIN "/usr/lib/postgresql/15/bin"

typedef struct ml_pg_server ml_pg_server;

/* Starts a server with the programs of bin_dir (initdb, pg_ctl, postgres;
 * NULL: ML_PG_DEFAULT_BIN), in a new directory under $TMPDIR (or /tmp),
 * listening on a unix socket in that directory only. Run as root, the
 * server runs as the postgres system user. Nothing is printed: the
 * programs' output goes to log files in the directory. A watchdog process
 * stops the server and removes its directory when this process exits
 * without ml_pg_server_stop, is killed or crashes; the Ctrl-C that ends
 * this process does not end the watchdog. The caller must not ignore
 * SIGCHLD nor reap children it did not start (the watchdog is a child
 * until ml_pg_server_stop), and a child it forks without exec keeps the
 * server alive until that child ends too.
 * Returns the server (the caller owns it: ml_pg_server_stop), or NULL with
 * a message in err (err_size bytes) that names what failed and how to fix
 * it (no PostgreSQL at bin_dir, no postgres user, the tail of initdb's or
 * the server's log); nothing is left behind then. */
ml_pg_server *ml_pg_server_start(const char *bin_dir, char *err, size_t err_size);

/* A libpq connection string for the server's postgres database as its
 * superuser, e.g. "host='/tmp/migralint-pg-AbC123' port=5432
 * user=postgres dbname=postgres" (the directory quoted by libpq's rules,
 * whatever characters it holds). Owned by server. */
const char *ml_pg_server_conninfo(const ml_pg_server *server);

/* The server's major version, e.g. 15 (from its data directory's
 * PG_VERSION; 0 if that could not be read). */
int ml_pg_server_major(const ml_pg_server *server);

/* Stops server (immediate shutdown), removes its directory, ends and reaps
 * its watchdog, and frees it; all done when it returns. NULL is fine. */
void ml_pg_server_stop(ml_pg_server *server);

#endif
