/*
 * trace.h - the tracer of `migralint trace` (trace.c): an observer
 * (ml_statement_observer) that runs each statement of a run on a real
 * PostgreSQL as it is linted, and reads what the statement locked, rewrote
 * and scanned.
 */
#ifndef MIGRALINT_TRACE_H
#define MIGRALINT_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "migralint/migralint.h"

typedef struct ml_tracer ml_tracer;

typedef struct ml_trace_settings {
	const char *conninfo;     /* the server: a libpq connection string or URL */
	bool scratch;             /* a database the user named, not one migralint started: the
				     whole trace is one transaction that is rolled back, context
				     files are taken as applied already, and what cannot run
				     in a transaction is not run */
	const char *lock_timeout; /* every session's lock_timeout, e.g. "10s" */
} ml_trace_settings;

/* Connects twice to the server settings names: one session runs the
 * statements, the other reads pg_locks. Returns the tracer (free it with
 * ml_tracer_free), or NULL with a message in err (err_size bytes) saying
 * why it could not connect. */
ml_tracer *ml_tracer_new(const ml_trace_settings *settings, char *err, size_t err_size);

/* The observer to set in ml_options.observer; owned by t. */
const ml_statement_observer *ml_tracer_observer(ml_tracer *t);

/* What a trace did, for the timing figures. */
typedef struct ml_trace_totals {
	int statements;           /* statements handed to the tracer */
	int run;                  /* of them, run on the server */
	double server_ms;         /* the time they took on the server */
	double observe_ms;        /* the time spent reading locks, files and counters */
} ml_trace_totals;
ml_trace_totals ml_tracer_totals(const ml_tracer *t);

/* Ends the trace: on a scratch database, rolls back everything it did.
 * Closes the sessions and frees t. NULL is fine. */
void ml_tracer_free(ml_tracer *t);

#endif
