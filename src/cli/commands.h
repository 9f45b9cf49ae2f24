/*
 * commands.h - the subcommands main.c hands the command line to:
 * `migralint trace` (cmd_trace.c), `migralint stats` (cmd_stats.c) and
 * `migralint lsp` (cmd_lsp.c).
 * Each parses its own options, reports its errors once on stderr and
 * returns the process's exit status (enum ml_exit_status); only main.c
 * exits.
 */
#ifndef MIGRALINT_COMMANDS_H
#define MIGRALINT_COMMANDS_H

#include "migralint/migralint.h"

/* `migralint stats --database-url URL [--output FILE]`: argv[0] is
 * "stats". */
int ml_cli_stats(int argc, char **argv);

/* `migralint lsp [--stdio] [--max-message-size SIZE]`: the language server
 * on standard input and output until the client says exit. argv[0] is
 * "lsp". */
int ml_cli_lsp(int argc, char **argv);

/* What `migralint trace` adds to the linter's options. */
typedef struct ml_trace_args {
	const char *pg_bin;       /* --pg-bin: the PostgreSQL programs (NULL: Debian's 15) */
	const char *database_url; /* --database-url: a scratch database instead of a server of
				     migralint's own, or NULL */
	const char *lock_timeout; /* --lock-timeout (NULL: 10s) */
} ml_trace_args;

typedef struct ml_trace_session ml_trace_session;

/* Starts the server (or connects to the scratch database) a trace runs
 * on. Returns ML_EXIT_CLEAN with *out set (end it with
 * ml_cli_trace_finish), or ML_EXIT_USAGE after saying on stderr why it
 * could not start. */
int ml_cli_trace_start(const ml_trace_args *args, ml_trace_session **out);
/* The observer to put in the run's options; owned by session. */
const ml_statement_observer *ml_cli_trace_observer(ml_trace_session *session);
/* Turns every rule but the trace's own (trace-error, trace-mismatch) and
 * those about input not read as SQL (invalid-input, psql-meta-command,
 * syntax-error, statement-too-complex) off in opts->exclude: a trace
 * reports what PostgreSQL did. */
void ml_cli_trace_rules_only(ml_options *opts);
/* Says on stderr how long the trace took, ends it (a scratch database is
 * rolled back, a server of migralint's own stopped and removed) and frees
 * session. NULL is fine. */
void ml_cli_trace_finish(ml_trace_session *session);

#endif
