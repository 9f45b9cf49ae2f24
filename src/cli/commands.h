/*
 * commands.h - the subcommands main.c hands the command line to:
 * `migralint trace` (cmd_trace.c), `migralint stats` (cmd_stats.c),
 * `migralint lsp` (cmd_lsp.c), and the --fix and --diff modes (cmd_fix.c).
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

/* What `migralint --fix` and `--diff` get from the command line. */
typedef struct ml_fix_request {
	bool diff;                /* --diff: print what --fix would write, write nothing */
	const ml_options *options; /* the run-wide options (as ml_run_new takes them) */
	ml_options_hook hook;     /* each file's options (the configuration), and its data */
	void *hook_data;
	const char *const *paths; /* as given; "-" is standard input */
	size_t n_paths;
	const char *stdin_name;   /* what standard input is reported under */
	ml_format format;         /* --fix: the report of what is left */
	bool color;
} ml_fix_request;

/* Lints the paths as a run does, applies the fixes of its findings in
 * passes until a pass changes nothing (each pass lints the fixed texts in
 * place of the files, history included), then writes each changed file
 * (--fix) or prints the unified diff (--diff); standard input's fixed
 * text, or its diff, goes to stdout. Reports on stderr (a summary line,
 * and each file not read or written) and returns the exit status: --fix
 * that of a run over what is left, --diff 1 when a file would change, else
 * 0; either ML_EXIT_INPUT_ERROR when a file could not be read or written,
 * ML_EXIT_USAGE for an unusable --base, ML_EXIT_FAILED when stdout cannot
 * be written or memory runs out. */
int ml_cli_fix(const ml_fix_request *request);

#endif
