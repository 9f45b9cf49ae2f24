/*
 * trace.c - runs a run's statements on a real PostgreSQL as they are
 * linted (the observer of trace.h) and reads, for each, what PostgreSQL
 * did: the relation locks its session holds after it (read from pg_locks
 * by a second session while the transaction is still open), the tables
 * that got a new relfilenode (rewritten) and those whose sequential scan
 * counter grew (scanned), the rows it changed, its time and its error.
 *
 * Statements run as the history's tool runs them: the tool's transaction
 * around a file is opened before its first statement and committed after
 * its last; BEGIN and COMMIT of the file's own run as written. A statement
 * the model says runs on its own gets a transaction of the tracer's, so
 * that its locks can be read before they are released; one PostgreSQL
 * refuses inside a transaction block (CONCURRENTLY, VACUUM) is run again
 * on its own, its locks sampled from the second session while it runs.
 * After a failure inside a transaction, the rest of that transaction is
 * not run, as the tool would not run it, and the next file goes on.
 *
 * On a scratch database (a server migralint did not start), nothing is
 * ever committed: the trace is one transaction, each file a savepoint in
 * it, each statement a savepoint in that, all rolled back at the end.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pq_load.h"

#include "arena.h"
#include "trace.h"

/* SQLSTATE 25001: "cannot run inside a transaction block"; 2D000: a
 * COMMIT in a DO block or procedure run inside one ("invalid transaction
 * termination"). Either runs only on its own. */
#define SQLSTATE_ACTIVE_SQL_TRANSACTION "25001"
#define SQLSTATE_INVALID_TRANSACTION_TERMINATION "2D000"

static bool runs_only_on_its_own(const ml_observation *seen)
{
	return seen->sqlstate && (!strcmp(seen->sqlstate, SQLSTATE_ACTIVE_SQL_TRANSACTION) ||
				  !strcmp(seen->sqlstate, SQLSTATE_INVALID_TRANSACTION_TERMINATION));
}

/* A relation outside the catalogs: the lock model names tables, and
 * indexes and views for the statements about them. */
typedef struct table_row {
	unsigned oid, filenode, parent;
	unsigned index_of;        /* an index: its table's oid; else 0 */
	long long scans;
	const char *name;         /* "schema.name" */
	bool is_table;            /* a table, partitioned table, materialized view or foreign table */
} table_row;

typedef struct snapshot {
	table_row *rows;          /* sorted by oid */
	size_t n;
	bool ok;
} snapshot;

typedef struct lock_row {
	unsigned oid;
	const char *mode;         /* "ACCESS EXCLUSIVE"... */
} lock_row;

typedef struct lock_set {
	lock_row *rows;
	size_t n, cap;
	bool ok;
} lock_set;

struct ml_tracer {
	ml_trace_settings settings;
	PGconn *work;             /* runs the statements */
	PGconn *watch;            /* reads pg_locks and, outside a transaction, the tables */
	char work_pid[16];
	ml_statement_observer observer;
	ml_arena *arena;          /* the current statement's observation; reset per statement */
	/* What was read after the last statement observed, kept as what the
	 * next one starts from while nothing else ran on the working session
	 * (work_changes == seen_at) in the same transaction: half the reads. */
	ml_arena *seen_arena[2];
	snapshot seen_tables;
	lock_set seen_locks;
	int seen_in;              /* which of seen_arena holds them */
	unsigned long work_changes, seen_at;
	bool seen;
	bool skipped;             /* the statement running said ", skipping" (on_notice) */
	int lost_tx_line;         /* the line whose statement took the connection, and its
				     transaction, down; 0: none */
	bool context;             /* the current file is context */
	int failed_line;          /* the line where the current transaction failed, or 0 */
	bool file_failed;         /* scratch: a statement of the current file failed */
	bool scratch_open;        /* scratch: the trace's transaction is open */
	const char *lost;         /* the connection is gone for good: why (lost_text), or NULL */
	char lost_text[512];
	ml_trace_totals totals;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Notices are not the report's. One of the working session that ends in
 * ", skipping" (DROP ... IF EXISTS of nothing, ADD COLUMN IF NOT EXISTS of
 * a column there already) says the statement did less than it says: arg
 * is the flag to set. The server's messages are English unless its
 * lc_messages says otherwise (a scratch database's may). */
static void on_notice(void *arg, const PGresult *res)
{
	const char *message = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	size_t len = message ? strlen(message) : 0;
	if (arg && len >= 10 && !strcmp(message + len - 10, ", skipping"))
		*(bool *)arg = true;
}

/* Runs sql (no parameters, no result wanted) on conn. Returns whether it
 * worked. */
static bool exec_ok(PGconn *conn, const char *sql)
{
	PGresult *res = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(res);
	PQclear(res);
	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* exec_ok on the working session, for a command that may change what it
 * holds or counts: what was read after the last statement is stale. */
static bool work_exec(ml_tracer *t, const char *sql)
{
	t->work_changes++;
	return exec_ok(t->work, sql);
}

static const char *mode_from_pg(const char *pg)
{
	static const char *const MODES[][2] = {
		{ "AccessShareLock", "ACCESS SHARE" },
		{ "RowShareLock", "ROW SHARE" },
		{ "RowExclusiveLock", "ROW EXCLUSIVE" },
		{ "ShareUpdateExclusiveLock", "SHARE UPDATE EXCLUSIVE" },
		{ "ShareLock", "SHARE" },
		{ "ShareRowExclusiveLock", "SHARE ROW EXCLUSIVE" },
		{ "ExclusiveLock", "EXCLUSIVE" },
		{ "AccessExclusiveLock", "ACCESS EXCLUSIVE" },
	};
	for (size_t i = 0; i < sizeof(MODES) / sizeof(*MODES); i++)
		if (!strcmp(MODES[i][0], pg))
			return MODES[i][1];
	return NULL;
}

static int mode_rank(const char *mode)
{
	static const char *const ORDER[] = { "ACCESS SHARE",	    "ROW SHARE", "ROW EXCLUSIVE",
					     "SHARE UPDATE EXCLUSIVE", "SHARE",	    "SHARE ROW EXCLUSIVE",
					     "EXCLUSIVE",	       "ACCESS EXCLUSIVE" };
	for (int i = 0; i < 8; i++)
		if (!strcmp(ORDER[i], mode))
			return i + 1;
	return 0;
}

/* ---- what the server holds ------------------------------------------------ */

/* The user tables as conn sees them, with the scan counter of its own
 * transaction (xact: pg_stat_get_xact_numscans, in the session that runs
 * the statements) or the server's (pg_stat_get_numscans, flushed). */
static snapshot read_tables(ml_arena *arena, PGconn *conn, bool xact)
{
	static const char *const SQL =
		"SELECT c.oid, c.relfilenode, %s(c.oid), "
		"coalesce((SELECT min(i.inhparent) FROM pg_inherits i WHERE i.inhrelid = c.oid), 0), "
		"n.nspname || '.' || c.relname, c.relkind IN ('r', 'p', 'm', 'f'), "
		"coalesce((SELECT x.indrelid FROM pg_index x WHERE x.indexrelid = c.oid), 0) "
		"FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
		"WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast' "
		"ORDER BY c.oid";
	char sql[512];
	snprintf(sql, sizeof(sql), SQL, xact ? "pg_stat_get_xact_numscans" : "pg_stat_get_numscans");
	snapshot s = { 0 };
	PGresult *res = PQexec(conn, sql);
	if (PQresultStatus(res) == PGRES_TUPLES_OK) {
		s.n = (size_t)PQntuples(res);
		s.rows = ml_arena_alloc(arena, (s.n + 1) * sizeof(*s.rows));
		for (size_t i = 0; i < s.n; i++) {
			table_row *r = &s.rows[i];
			r->oid = (unsigned)strtoul(PQgetvalue(res, (int)i, 0), NULL, 10);
			r->filenode = (unsigned)strtoul(PQgetvalue(res, (int)i, 1), NULL, 10);
			r->scans = strtoll(PQgetvalue(res, (int)i, 2), NULL, 10);
			r->parent = (unsigned)strtoul(PQgetvalue(res, (int)i, 3), NULL, 10);
			r->name = ml_arena_strdup(arena, PQgetvalue(res, (int)i, 4));
			r->is_table = PQgetvalue(res, (int)i, 5)[0] == 't';
			r->index_of = (unsigned)strtoul(PQgetvalue(res, (int)i, 6), NULL, 10);
		}
		s.ok = true;
	}
	PQclear(res);
	return s;
}

static const table_row *find_table(const snapshot *s, unsigned oid)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->rows[mid].oid == oid)
			return &s->rows[mid];
		if (s->rows[mid].oid < oid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool has_lock(const lock_set *set, unsigned oid, const char *mode)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->rows[i].oid == oid && !strcmp(set->rows[i].mode, mode))
			return true;
	return false;
}

static void add_lock(ml_arena *arena, lock_set *set, unsigned oid, const char *mode)
{
	if (has_lock(set, oid, mode))
		return;
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		set->rows = ml_arena_grow(arena, set->rows, set->cap * sizeof(*set->rows), cap * sizeof(*set->rows));
		set->cap = cap;
	}
	set->rows[set->n++] = (lock_row){ .oid = oid, .mode = mode };
}

/* Adds the relation locks the working session holds now to set (read by
 * the watching session). */
static void read_locks(ml_tracer *t, ml_arena *arena, lock_set *set)
{
	const char *params[1] = { t->work_pid };
	PGresult *res = PQexecParams(t->watch,
				     "SELECT relation, mode FROM pg_locks WHERE pid = $1::int AND locktype = 'relation' "
				     "AND granted AND database = (SELECT oid FROM pg_database WHERE datname = "
				     "current_database())",
				     1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_TUPLES_OK) {
		for (int i = 0; i < PQntuples(res); i++) {
			const char *mode = mode_from_pg(PQgetvalue(res, i, 1));
			if (mode)
				add_lock(arena, set, (unsigned)strtoul(PQgetvalue(res, i, 0), NULL, 10), mode);
		}
		set->ok = true;
	}
	PQclear(res);
}

/* ---- the observation -------------------------------------------------------- */

/* The name of oid in after, else in before (a table the statement dropped). */
static const table_row *table_in(const snapshot *before, const snapshot *after, unsigned oid)
{
	const table_row *r = find_table(after, oid);
	return r ? r : find_table(before, oid);
}

static int compare_locks(const void *a, const void *b)
{
	const ml_observed_lock *x = a, *y = b;
	int c = strcmp(x->table, y->table);
	return c ? c : mode_rank(x->mode) - mode_rank(y->mode);
}

/* Does the relation PostgreSQL names "schema.name" match name as a
 * statement wrote it ("name" is looked up on the search path, which
 * migrations mostly leave alone: any schema's will do)? */
static bool names_match(const char *written, const char *qualified)
{
	if (!strcmp(written, qualified))
		return true;
	const char *dot = strchr(qualified, '.');
	return !strchr(written, '.') && dot && !strcmp(written, dot + 1);
}

static bool in_snapshot(const snapshot *s, const char *written)
{
	for (size_t i = 0; i < s->n; i++)
		if (names_match(written, s->rows[i].name))
			return true;
	return false;
}

/* The claimed name of an index of table (or of parent, the partitioned
 * table it belongs to), or NULL: DROP INDEX and REINDEX INDEX name the
 * index, and lock its table too. */
static const char *claimed_index_of(const ml_traced_statement *ts, const snapshot *s, unsigned table,
				    unsigned parent)
{
	for (size_t i = 0; i < s->n; i++) {
		const table_row *r = &s->rows[i];
		if (!r->index_of || (r->index_of != table && (!parent || r->index_of != parent)))
			continue;
		for (size_t k = 0; k < ts->n_claimed; k++)
			if (names_match(ts->claimed[k], r->name))
				return ts->claimed[k];
	}
	return NULL;
}

/* Fills out's locks, rewrites and scans from what was read around the
 * statement ts, and which relations it claims exist on neither side. */
static void describe(ml_tracer *t, const ml_traced_statement *ts, const snapshot *before, const snapshot *after,
		     const lock_set *held_before, const lock_set *held_after, ml_observation *out)
{
	if (held_after->ok) {
		ml_observed_lock *locks = ml_arena_alloc(t->arena, (held_after->n + 1) * sizeof(*locks));
		size_t n = 0;
		for (size_t i = 0; i < held_after->n; i++) {
			const lock_row *l = &held_after->rows[i];
			const table_row *r = table_in(before, after, l->oid);
			if (!r)
				continue; /* an index, a sequence, a catalog */
			const table_row *parent = r->parent ? table_in(before, after, r->parent) : NULL;
			const table_row *was = find_table(before, l->oid);
			locks[n++] = (ml_observed_lock){ .table = r->name,
							 .parent = parent ? parent->name : NULL,
							 .mode = l->mode,
							 .taken = !has_lock(held_before, l->oid, l->mode),
							 .renamed_from = was && strcmp(was->name, r->name) ? was->name : NULL,
							 .via_index = r->is_table ? claimed_index_of(ts, before, l->oid, r->parent)
										  : NULL,
							 .created = !was,
							 .is_table = r->is_table };
		}
		qsort(locks, n, sizeof(*locks), compare_locks);
		out->locks = locks;
		out->n_locks = n;
		out->locks_seen = true;
	}
	if (before->ok && after->ok) {
		const char **rewritten = ml_arena_alloc(t->arena, (after->n + 1) * sizeof(*rewritten));
		const char **scanned = ml_arena_alloc(t->arena, (after->n + 1) * sizeof(*scanned));
		size_t n_rewritten = 0, n_scanned = 0;
		for (size_t i = 0; i < after->n; i++) {
			const table_row *now = &after->rows[i];
			const table_row *was = find_table(before, now->oid);
			if (!was || !now->is_table)
				continue;
			if (was->filenode && now->filenode && was->filenode != now->filenode)
				rewritten[n_rewritten++] = now->name;
			if (now->scans > was->scans)
				scanned[n_scanned++] = now->name;
		}
		out->rewritten = rewritten;
		out->n_rewritten = n_rewritten;
		out->scanned = scanned;
		out->n_scanned = n_scanned;
		out->tables_seen = true;
		const char **absent = ml_arena_alloc(t->arena, (ts->n_claimed + 1) * sizeof(*absent));
		size_t n_absent = 0;
		for (size_t i = 0; i < ts->n_claimed; i++)
			if (!in_snapshot(before, ts->claimed[i]) && !in_snapshot(after, ts->claimed[i]))
				absent[n_absent++] = ml_arena_strdup(t->arena, ts->claimed[i]);
		out->absent = absent;
		out->n_absent = n_absent;
	}
}

/* The length of libpq's message msg without the line break it ends with. */
static size_t message_len(const char *msg)
{
	size_t len = strlen(msg);
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	return len;
}

/* The byte of text that PostgreSQL's 1-based character position names,
 * or -1. */
static long byte_at_char(const char *text, size_t len, const char *position)
{
	if (!position)
		return -1;
	long chars = strtol(position, NULL, 10) - 1;
	if (chars < 0)
		return -1;
	size_t i = 0;
	for (; i < len && chars > 0; chars--) {
		i++;
		while (i < len && ((unsigned char)text[i] & 0xC0) == 0x80)
			i++;
	}
	return i < len ? (long)i : -1;
}

/* Fills out from a result that is not a success (or none at all). */
static void record_error(ml_tracer *t, const ml_traced_statement *ts, const PGresult *res, ml_observation *out)
{
	out->status = ML_OBSERVED_FAILED;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!primary) {
		/* No message from the server: libpq's own (the connection was lost). */
		const char *msg = PQerrorMessage(t->work);
		size_t len = message_len(msg);
		primary = len ? ml_arena_strndup(t->arena, msg, len) : "no result from the server";
	}
	out->error = ml_arena_strdup(t->arena, primary);
	out->sqlstate = res ? ml_arena_strdup(t->arena, PQresultErrorField(res, PG_DIAG_SQLSTATE)) : NULL;
	out->error_detail = res ? ml_arena_strdup(t->arena, PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL)) : NULL;
	out->error_hint = res ? ml_arena_strdup(t->arena, PQresultErrorField(res, PG_DIAG_MESSAGE_HINT)) : NULL;
	out->error_offset = res ? byte_at_char(ts->text, ts->len, PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION))
				: -1;
}

/* Fills out from res, the statement's result: ran or failed. A COPY that
 * reached its data is finished first: COPY ... TO STDOUT is read to its
 * end, one FROM STDIN (stdin_data, not sent) ended without data. */
static void record_result(ml_tracer *t, const ml_traced_statement *ts, PGresult *res, double ms,
			  ml_observation *out)
{
	out->ms = ms;
	ExecStatusType st = PQresultStatus(res);
	if (st == PGRES_COPY_OUT || st == PGRES_COPY_IN) {
		if (st == PGRES_COPY_OUT) {
			char *row;
			while (PQgetCopyData(t->work, &row, 0) > 0)
				PQfreemem(row);
		} else {
			PQputCopyEnd(t->work, "migralint trace sends no COPY data");
		}
		PGresult *end = PQgetResult(t->work), *next;
		while (end && (next = PQgetResult(t->work)))
			PQclear(next);
		record_result(t, ts, end, ms, out);
		PQclear(end);
		return;
	}
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
		out->status = ML_OBSERVED_RAN;
		const char *rows = PQcmdTuples(res);
		out->rows = rows && *rows ? strtoll(rows, NULL, 10) : -1;
		t->totals.run++;
		t->totals.server_ms += ms;
	} else {
		record_error(t, ts, res, out);
	}
}

/* Sends the statement and waits for its result, ending a COPY it starts. */
static PGresult *send_statement(ml_tracer *t, const ml_traced_statement *ts, double *ms)
{
	t->work_changes++;
	t->skipped = false;
	double start = now_ms();
	/* One statement per call: text that holds more is refused, not run. */
	PGresult *res = PQexecParams(t->work, ts->text, 0, NULL, NULL, NULL, NULL, 0);
	*ms = now_ms() - start;
	return res;
}

/* Runs the statement inside the transaction open on the working session,
 * reading locks and tables around it (not for context). */
static void run_observed(ml_tracer *t, const ml_traced_statement *ts, ml_observation *out)
{
	bool observe = !t->context;
	double start = now_ms(), ms;
	snapshot before = { 0 };
	lock_set held_before = { 0 };
	if (observe) {
		if (t->seen && t->seen_at == t->work_changes && PQtransactionStatus(t->work) == PQTRANS_INTRANS) {
			before = t->seen_tables;
			held_before = t->seen_locks;
		} else {
			t->seen_in ^= 1;
			ml_arena_reset(t->seen_arena[t->seen_in]);
			before = read_tables(t->seen_arena[t->seen_in], t->work, true);
			read_locks(t, t->seen_arena[t->seen_in], &held_before);
		}
	}
	t->seen = false;
	t->totals.observe_ms += now_ms() - start;
	PGresult *res = send_statement(t, ts, &ms);
	record_result(t, ts, res, ms, out);
	out->skipped = t->skipped;
	PQclear(res);
	if (out->status != ML_OBSERVED_RAN || !observe)
		return;
	start = now_ms();
	/* The other arena: before's stays until the observation is taken. */
	ml_arena *into = t->seen_arena[t->seen_in ^ 1];
	ml_arena_reset(into);
	snapshot after = read_tables(into, t->work, true);
	lock_set held_after = { 0 };
	read_locks(t, into, &held_after);
	describe(t, ts, &before, &after, &held_before, &held_after, out);
	t->seen_in ^= 1;
	t->seen_tables = after;
	t->seen_locks = held_after;
	t->seen_at = t->work_changes;
	t->seen = after.ok && held_after.ok;
	t->totals.observe_ms += now_ms() - start;
}

/* Flushes the working session's statistics, so that the watching session
 * sees its scans. */
static void flush_stats(ml_tracer *t)
{
	work_exec(t, "SELECT pg_stat_force_next_flush()");
}

/* Runs the statement outside a transaction (PostgreSQL refuses it inside
 * one), sampling its locks from the watching session while it runs. */
static void run_outside(ml_tracer *t, const ml_traced_statement *ts, ml_observation *out)
{
	bool observe = !t->context;
	snapshot before = { 0 }, after = { 0 };
	lock_set none = { .ok = true }, sampled = { 0 };
	if (observe) {
		flush_stats(t);
		before = read_tables(t->arena, t->watch, false);
	}
	double start = now_ms();
	t->work_changes++;
	t->skipped = false;
	if (!PQsendQueryParams(t->work, ts->text, 0, NULL, NULL, NULL, NULL, 0)) {
		record_error(t, ts, NULL, out);
		return;
	}
	int samples_with_locks = 0;
	for (;;) {
		if (!PQconsumeInput(t->work) || !PQisBusy(t->work))
			break;
		if (observe) {
			size_t had = sampled.n;
			read_locks(t, t->arena, &sampled);
			samples_with_locks += sampled.n > had;
		}
		struct pollfd pfd = { .fd = PQsocket(t->work), .events = POLLIN };
		poll(&pfd, 1, 1);
	}
	PGresult *res = NULL, *next;
	while ((next = PQgetResult(t->work))) {
		if (res)
			PQclear(res);
		res = next;
	}
	record_result(t, ts, res, now_ms() - start, out);
	out->skipped = t->skipped;
	PQclear(res);
	if (out->status != ML_OBSERVED_RAN || !observe)
		return;
	flush_stats(t);
	after = read_tables(t->arena, t->watch, false);
	sampled.ok = samples_with_locks > 0;
	describe(t, ts, &before, &after, &none, &sampled, out);
	out->locks_sampled = true;
}

/* After the connection broke (a statement crashed its backend, and the
 * server restarted them all): connects both sessions again, waiting for
 * the server's recovery. Returns whether it could. */
static bool reconnect(ml_tracer *t)
{
	for (int attempt = 0; attempt < 20; attempt++) {
		PQreset(t->work);
		PQreset(t->watch);
		if (PQstatus(t->work) == CONNECTION_OK && PQstatus(t->watch) == CONNECTION_OK)
			break;
		struct timespec pause = { 0, 250 * 1000 * 1000 };
		nanosleep(&pause, NULL);
	}
	if (PQstatus(t->work) != CONNECTION_OK || PQstatus(t->watch) != CONNECTION_OK)
		return false;
	snprintf(t->work_pid, sizeof(t->work_pid), "%d", PQbackendPID(t->work));
	char sql[128];
	snprintf(sql, sizeof(sql), "SET lock_timeout = '%s'", t->settings.lock_timeout);
	t->seen = false;
	return exec_ok(t->work, sql) && exec_ok(t->watch, sql);
}

/* ---- the observer ------------------------------------------------------------ */

/* Gives up the trace: the statements from here on are not run. */
static void lose(ml_tracer *t, const ml_traced_statement *ts, const char *why)
{
	snprintf(t->lost_text, sizeof(t->lost_text), "not traced: %s at %s:%d", why, ts->path, ts->line);
	t->lost = t->lost_text;
}

static void scratch_statement(ml_tracer *t, const ml_traced_statement *ts, ml_observation *out)
{
	if (ts->tx_control) {
		out->not_run = "transaction control is not run on a database migralint did not start: the trace is "
			       "one transaction, rolled back at the end";
		return;
	}
	if (t->file_failed) {
		out->not_run = ml_arena_printf(t->arena, "the migration failed at line %d", t->failed_line);
		return;
	}
	/* Whatever the statement is, it runs inside the trace's transaction,
	 * or not at all. */
	if (!exec_ok(t->work, "SAVEPOINT migralint_statement") || PQtransactionStatus(t->work) != PQTRANS_INTRANS) {
		lose(t, ts, "the trace's transaction is not open");
		out->not_run = t->lost;
		return;
	}
	run_observed(t, ts, out);
	if (PQtransactionStatus(t->work) == PQTRANS_IDLE) {
		lose(t, ts, "the trace's transaction ended");
		return;
	}
	if (out->status == ML_OBSERVED_RAN) {
		exec_ok(t->work, "RELEASE SAVEPOINT migralint_statement");
		return;
	}
	work_exec(t, "ROLLBACK TO SAVEPOINT migralint_statement");
	if (runs_only_on_its_own(out)) {
		*out = (ml_observation){ .status = ML_OBSERVED_NOT_RUN, .error_offset = -1, .rows = -1,
					 .not_run = "it cannot run inside a transaction block (or it commits), and "
						    "nothing is committed on a database migralint did not start" };
		return;
	}
	/* The tool stops the migration here: undo the file's statements. */
	work_exec(t, "ROLLBACK TO SAVEPOINT migralint_file");
	t->file_failed = true;
	t->failed_line = ts->line;
}

static void throwaway_statement(ml_tracer *t, const ml_traced_statement *ts, ml_observation *out)
{
	PGTransactionStatusType status = PQtransactionStatus(t->work);
	if (t->lost_tx_line) {
		if (ts->in_transaction) {
			out->not_run = ml_arena_printf(t->arena, "the connection, and the transaction, were lost at line %d",
						       t->lost_tx_line);
			return;
		}
		t->lost_tx_line = 0;
	}
	if (t->failed_line) {
		if (ts->in_transaction && status == PQTRANS_INERROR) {
			out->not_run = ml_arena_printf(t->arena, "the transaction failed at line %d", t->failed_line);
			return;
		}
		/* The failed transaction is over, as the model sees it. */
		if (status != PQTRANS_IDLE)
			work_exec(t, "ROLLBACK");
		t->failed_line = 0;
		status = PQtransactionStatus(t->work);
	}
	if (ts->tx_control) {
		double ms;
		PGresult *res = send_statement(t, ts, &ms);
		record_result(t, ts, res, ms, out);
		PQclear(res);
		return;
	}
	if (ts->in_transaction && status == PQTRANS_IDLE)
		work_exec(t, "BEGIN"); /* the tool's transaction around the file */
	else if (!ts->in_transaction && status == PQTRANS_INTRANS)
		work_exec(t, "COMMIT"); /* it ended, as the model sees it */
	bool own = !ts->in_transaction;
	if (own)
		work_exec(t, "BEGIN");
	run_observed(t, ts, out);
	if (out->status == ML_OBSERVED_RAN) {
		if (own) {
			t->work_changes++;
			PGresult *res = PQexec(t->work, "COMMIT");
			if (PQresultStatus(res) != PGRES_COMMAND_OK)
				record_error(t, ts, res, out); /* a deferred constraint, say */
			PQclear(res);
		}
		return;
	}
	if (!own) {
		t->failed_line = ts->line;
		return;
	}
	work_exec(t, "ROLLBACK");
	if (runs_only_on_its_own(out)) {
		*out = (ml_observation){ .error_offset = -1, .rows = -1 };
		run_outside(t, ts, out);
	}
}

static void on_statement(void *data, const ml_traced_statement *ts, ml_observation *out)
{
	ml_tracer *t = data;
	ml_arena_reset(t->arena);
	t->totals.statements++;
	*out = (ml_observation){ .status = ML_OBSERVED_NOT_RUN, .error_offset = -1, .rows = -1 };
	if (t->lost) {
		out->not_run = t->lost;
		return;
	}
	if (t->context && t->settings.scratch) {
		out->not_run = "context: the scratch database is taken to hold it already";
		return;
	}
	if (ts->stdin_data) {
		out->not_run = "COPY ... FROM STDIN: migralint trace does not send its data";
		return;
	}
	if (ts->server_io && t->settings.scratch) {
		out->not_run = "COPY to or from a server file or program is not run on a database migralint did not "
			       "start: it is not rolled back";
		return;
	}
	if (t->settings.scratch)
		scratch_statement(t, ts, out);
	else
		throwaway_statement(t, ts, out);
	if (PQstatus(t->work) != CONNECTION_OK || PQstatus(t->watch) != CONNECTION_OK) {
		/* The statement crashed its backend (or the server went): the
		 * server restarts, and the trace goes on from a new session. */
		if (t->settings.scratch || !reconnect(t))
			lose(t, ts, "the connection to the server was lost");
		/* The transaction the statement was in is gone with it. */
		t->failed_line = 0;
		t->lost_tx_line = ts->in_transaction ? ts->line : 0;
	}
}

static void on_file_start(void *data, const char *path, bool context)
{
	(void)path;
	ml_tracer *t = data;
	t->context = context;
	t->failed_line = 0;
	t->lost_tx_line = 0;
	t->file_failed = false;
	if (!t->settings.scratch || context || t->lost)
		return;
	if (!t->scratch_open)
		t->scratch_open = work_exec(t, "BEGIN");
	work_exec(t, "SAVEPOINT migralint_file");
}

static void on_file_end(void *data)
{
	ml_tracer *t = data;
	if (t->lost)
		return;
	if (t->settings.scratch) {
		if (!t->context)
			work_exec(t, "RELEASE SAVEPOINT migralint_file");
		return;
	}
	/* The tool commits the file's transaction, or a failed one is over. */
	PGTransactionStatusType status = PQtransactionStatus(t->work);
	if (status == PQTRANS_INTRANS)
		work_exec(t, "COMMIT");
	else if (status == PQTRANS_INERROR)
		work_exec(t, "ROLLBACK");
	t->failed_line = 0;
}

/* ---- the tracer ---------------------------------------------------------------- */

static PGconn *connect_session(const ml_trace_settings *s, bool *skipped, char *err, size_t err_size)
{
	/* UTF-8 whatever the database's encoding: error positions are
	 * counted in characters of the text sent (byte_at_char). */
	static const char *const KEYS[] = { "dbname", "client_encoding", "connect_timeout", NULL };
	const char *values[] = { s->conninfo, "UTF8", "10", NULL };
	if (ml_pq_load(err, err_size) != 0)
		return NULL;
	PGconn *conn = PQconnectdbParams(KEYS, values, 1);
	if (!conn) {
		snprintf(err, err_size, "cannot connect: out of memory");
		return NULL;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		const char *msg = PQerrorMessage(conn);
		snprintf(err, err_size, "cannot connect to the database: %.*s", (int)message_len(msg), msg);
		PQfinish(conn);
		return NULL;
	}
	PQsetNoticeReceiver(conn, on_notice, skipped);
	char sql[128];
	snprintf(sql, sizeof(sql), "SET lock_timeout = '%s'", s->lock_timeout);
	if (!exec_ok(conn, sql) || !exec_ok(conn, "SET application_name = 'migralint trace'")) {
		snprintf(err, err_size, "cannot set lock_timeout to '%s': %s", s->lock_timeout, PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

ml_tracer *ml_tracer_new(const ml_trace_settings *settings, char *err, size_t err_size)
{
	ml_tracer *t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	t->settings = *settings;
	if (!t->settings.lock_timeout)
		t->settings.lock_timeout = "10s";
	t->work = connect_session(&t->settings, &t->skipped, err, err_size);
	t->watch = t->work ? connect_session(&t->settings, NULL, err, err_size) : NULL;
	if (!t->watch) {
		if (t->work)
			PQfinish(t->work);
		free(t);
		return NULL;
	}
	snprintf(t->work_pid, sizeof(t->work_pid), "%d", PQbackendPID(t->work));
	t->arena = ml_arena_new();
	t->seen_arena[0] = ml_arena_new();
	t->seen_arena[1] = ml_arena_new();
	t->observer = (ml_statement_observer){ .data = t,
					       .file_start = on_file_start,
					       .statement = on_statement,
					       .file_end = on_file_end };
	return t;
}

const ml_statement_observer *ml_tracer_observer(ml_tracer *t)
{
	return &t->observer;
}

ml_trace_totals ml_tracer_totals(const ml_tracer *t)
{
	return t->totals;
}

void ml_tracer_free(ml_tracer *t)
{
	if (!t)
		return;
	if (t->settings.scratch && t->scratch_open && PQstatus(t->work) == CONNECTION_OK)
		work_exec(t, "ROLLBACK");
	PQfinish(t->work);
	PQfinish(t->watch);
	ml_arena_free(t->arena);
	ml_arena_free(t->seen_arena[0]);
	ml_arena_free(t->seen_arena[1]);
	free(t);
}
