/*
 * cmd_trace.c - what `migralint trace` adds to the command line: the
 * server the trace runs on (a throwaway one of migralint's own, or the
 * scratch database --database-url names), the observer handed to the run,
 * the rules it reports, and the figures it gives on stderr at the end.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "pg_server.h"
#include "trace.h"

struct ml_trace_session {
	ml_pg_server *server;     /* NULL with --database-url */
	ml_tracer *tracer;
	double startup_ms;        /* starting the server and connecting */
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int ml_cli_trace_start(const ml_trace_args *args, ml_trace_session **out)
{
	*out = NULL;
	ml_trace_session *s = calloc(1, sizeof(*s));
	if (!s) {
		fputs("migralint: error: out of memory\n", stderr);
		return ML_EXIT_USAGE;
	}
	char err[2048];
	double start = now_ms();
	ml_trace_settings settings = { .lock_timeout = args->lock_timeout };
	if (args->database_url) {
		settings.conninfo = args->database_url;
		settings.scratch = true;
	} else {
		s->server = ml_pg_server_start(args->pg_bin, err, sizeof(err));
		if (!s->server) {
			fputs("migralint: error: cannot start a PostgreSQL server for the trace: ", stderr);
			ml_write_escaped(stderr, err);
			fputc('\n', stderr);
			free(s);
			return ML_EXIT_USAGE;
		}
		settings.conninfo = ml_pg_server_conninfo(s->server);
	}
	s->tracer = ml_tracer_new(&settings, err, sizeof(err));
	if (!s->tracer) {
		/* The URL may hold a password: the message names no URL. */
		fputs("migralint: error: ", stderr);
		ml_write_escaped(stderr, err);
		fputc('\n', stderr);
		ml_pg_server_stop(s->server);
		free(s);
		return ML_EXIT_USAGE;
	}
	s->startup_ms = now_ms() - start;
	*out = s;
	return ML_EXIT_CLEAN;
}

const ml_statement_observer *ml_cli_trace_observer(ml_trace_session *session)
{
	return ml_tracer_observer(session->tracer);
}

void ml_cli_trace_rules_only(ml_options *opts)
{
	size_t n = 0;
	while (n < ML_MAX_RULE_FILTER - 1 && opts->exclude[n])
		n++;
	/* What was not read, or not as SQL, is still said: never skipped
	 * silently. */
	static const char *const KEPT[] = { "invalid-input", "psql-meta-command", "syntax-error", "statement-too-complex" };
	for (size_t i = 0; i < ml_rule_count() && n < ML_MAX_RULE_FILTER - 1; i++) {
		const ml_rule_info *r = ml_rule_at(i);
		bool kept = !strncmp(r->name, "trace-", 6);
		for (size_t k = 0; k < sizeof(KEPT) / sizeof(*KEPT); k++)
			kept |= !strcmp(r->name, KEPT[k]);
		if (!kept)
			opts->exclude[n++] = r->name;
	}
	opts->exclude[n] = NULL;
}

void ml_cli_trace_finish(ml_trace_session *session)
{
	if (!session)
		return;
	ml_trace_totals t = ml_tracer_totals(session->tracer);
	fprintf(stderr,
		"migralint trace: %s in %.2f s; %d statement%s, %d run: %.1f ms on the server, %.1f ms reading "
		"locks, files and counters\n",
		session->server ? "server started and connected" : "connected", session->startup_ms / 1e3, t.statements,
		t.statements == 1 ? "" : "s", t.run, t.server_ms, t.observe_ms);
	ml_tracer_free(session->tracer);
	ml_pg_server_stop(session->server);
	free(session);
}
