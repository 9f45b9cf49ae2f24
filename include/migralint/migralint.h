/*
 * migralint.h - the public API of libmigralint, the PostgreSQL migration
 * safety linter.
 *
 * Ownership rule for the whole API: every pointer a function returns is owned
 * by the object it was obtained from (a run, or the static rule registry) and
 * stays valid until that object is freed. Callers never free what they did not
 * allocate with a *_new function. Strings are UTF-8 and NUL-terminated.
 *
 * A typical caller:
 *
 *     ml_options opts;
 *     ml_options_init(&opts);
 *     ml_run *run = ml_run_new(&opts);
 *     ml_run_lint_path(run, "migrations/");
 *     ml_run_write_report(run, ML_FORMAT_JSON, stdout, false);
 *     int status = ml_run_exit_status(run);
 *     ml_run_free(run);
 */
#ifndef MIGRALINT_H
#define MIGRALINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MIGRALINT_VERSION "0.1.0"

/* The PostgreSQL grammar the library was built with, from libpg_query's
 * pg_query.h: "PostgreSQL 15.1 grammar" (the default build, Debian 12's
 * libpg-query-dev) or "PostgreSQL 17.4 grammar", followed by
 * ", libpg_query V" when pg_query.h defines PG_QUERY_VERSION. Static. */
const char *ml_grammar_version(void);
/* Its PG_VERSION_NUM, e.g. 150001 or 170004. */
int ml_grammar_version_num(void);

typedef enum ml_severity {
	ML_SEVERITY_INFO = 0,
	ML_SEVERITY_WARNING = 1,
	ML_SEVERITY_ERROR = 2,
} ml_severity;

typedef enum ml_format {
	ML_FORMAT_TEXT = 0,
	ML_FORMAT_JSON = 1,
	ML_FORMAT_LOCKS = 2,      /* the lock timeline: one line per statement */
	ML_FORMAT_SARIF = 3,      /* SARIF 2.1.0, for code scanning */
	ML_FORMAT_GITHUB = 4,     /* GitHub Actions workflow commands */
	ML_FORMAT_GITLAB = 5,     /* GitLab Code Quality report */
	ML_FORMAT_GCC = 6,        /* path:line:col: severity: message [rule], for editors */
	ML_FORMAT_MARKDOWN = 7,   /* a pull-request comment */
} ml_format;

/* Exit statuses of the command-line tool; part of the public interface. */
enum ml_exit_status {
	ML_EXIT_CLEAN = 0,        /* no finding at or above --fail-on */
	ML_EXIT_FINDINGS = 1,     /* findings at or above --fail-on */
	ML_EXIT_INPUT_ERROR = 2,  /* some input could not be read; the rest was linted */
	ML_EXIT_USAGE = 3,        /* bad usage */
	ML_EXIT_FAILED = 4,       /* no complete report: it could not be written (stdout full
				     or closed), or memory ran out */
};

#define ML_MAX_RULE_FILTER 128

/* What a run does with down migrations (goose Down sections, down.sql
 * files, Flyway U undo scripts...). Each is linted on its own, against the
 * schema its up left, and never replayed into the history. */
typedef enum ml_down_mode {
	ML_DOWN_INFO = 0,         /* linted; every finding reported at info (the default) */
	ML_DOWN_LINT = 1,         /* linted like an up, at the rules' severities */
	ML_DOWN_SKIP = 2,         /* not linted; the file is still listed */
} ml_down_mode;

/* The default of ml_options.max_input_size: 64 MiB. */
#define ML_DEFAULT_MAX_INPUT_SIZE ((size_t)64 << 20)

/* ---- tracing: the statements run on a real PostgreSQL -------------------- */

/* A statement a run is about to apply, handed to the observer
 * (ml_statement_observer) in the order its history runs. */
typedef struct ml_traced_statement {
	const char *path;             /* the file, as the run names it */
	const char *text;             /* the statement's text, NUL-terminated, psql commands
					 blanked; len bytes */
	size_t len;
	size_t start;                 /* its first byte in the file */
	int line;                     /* its first line */
	bool in_transaction;          /* the model says it runs inside a transaction (the tool's,
					 or a BEGIN of the file's); false: on its own */
	bool tx_control;              /* BEGIN, COMMIT, ROLLBACK, SAVEPOINT and the like */
	bool syntax_error;            /* migralint's parser refused it (PostgreSQL 15 grammar) */
	bool stdin_data;              /* COPY ... FROM STDIN: its data is not sent, so it cannot
					 run */
	bool server_io;               /* COPY to or from a server file or PROGRAM: it reaches
					 past the transaction */
	const char *const *claimed;   /* the relations the lock model says it locks, as written
					 ("name" or "schema.name", unquoted); n_claimed of them */
	size_t n_claimed;
} ml_traced_statement;

/* What a traced statement did. */
typedef enum ml_observed_status {
	ML_OBSERVED_NOT_RUN = 0,      /* not run: not_run says why */
	ML_OBSERVED_RAN,
	ML_OBSERVED_FAILED,           /* PostgreSQL refused it: error says why */
} ml_observed_status;

/* A relation lock the statement's backend held after it, in its transaction. */
typedef struct ml_observed_lock {
	const char *table;            /* "schema.name" */
	const char *parent;           /* the table it is a partition or inheritance child of, or NULL */
	const char *renamed_from;     /* its name before the statement, when the statement renamed
					 it; else NULL */
	const char *via_index;        /* a table whose index the statement names (DROP INDEX,
					 REINDEX INDEX lock the table too): that index as the
					 statement wrote it; else NULL */
	const char *mode;             /* "ACCESS EXCLUSIVE", "SHARE", ... */
	bool taken;                   /* the statement took it; false: held from before, in the
					 same transaction */
	bool created;                 /* the statement created the table */
	bool is_table;                /* a table, partitioned table, materialized view or foreign
					 table; false: an index, a view, a sequence */
} ml_observed_lock;

typedef struct ml_observation {
	ml_observed_status status;
	const char *not_run;          /* NOT_RUN: why, e.g. "the transaction failed at line 3" */
	const char *error;            /* FAILED: PostgreSQL's message */
	const char *sqlstate;         /* FAILED: its SQLSTATE, e.g. "42P01" */
	const char *error_detail;     /* FAILED: DETAIL and HINT, or NULL */
	const char *error_hint;
	long error_offset;            /* FAILED: the byte of text PostgreSQL points at, or -1 */
	bool locks_seen;              /* locks were read while its transaction was open (false
					 for a statement run outside a transaction, that finished
					 between two samples) */
	bool locks_sampled;           /* locks_seen from samples taken while it ran outside a
					 transaction: one it held only between two samples may be
					 missing */
	const ml_observed_lock *locks; /* relations outside pg_catalog, information_schema and
					 TOAST */
	size_t n_locks;
	const char *const *absent;    /* the claimed relations that existed neither before nor
					 after it (DROP ... IF EXISTS of nothing) */
	size_t n_absent;
	bool tables_seen;             /* relfilenodes and scan counters were read around it */
	const char *const *rewritten; /* tables that got a new relfilenode ("schema.name") */
	size_t n_rewritten;
	const char *const *scanned;   /* tables whose sequential scans grew */
	size_t n_scanned;
	bool skipped;                 /* PostgreSQL skipped part of it: an object of IF EXISTS
					 that does not exist, or of IF NOT EXISTS that does (its
					 NOTICE "..., skipping") */
	long long rows;               /* rows it changed, or -1 */
	double ms;                    /* wall time on the server's connection */
} ml_observation;

/* Runs a run's statements on a real PostgreSQL as they are linted
 * (src/live/trace.c is one). Each function is called from the thread that
 * analyses, in the history's order; data is passed through. file_start
 * and file_end bracket each up pass of a file (context files too: context
 * is true); downs are never traced. statement fills *out, whose memory
 * stays the observer's until its next call; the engine copies what it
 * keeps. */
typedef struct ml_statement_observer {
	void *data;
	void (*file_start)(void *data, const char *path, bool context);
	void (*statement)(void *data, const ml_traced_statement *stmt, ml_observation *out);
	void (*file_end)(void *data);
} ml_statement_observer;

/* ---- table sizes: --stats ------------------------------------------------ */

/* Row counts and sizes of the tables of a database, read from a --stats
 * file ({"schema.table": {"rows": N, "bytes": N}}). Opaque; read-only once
 * loaded, so one may be shared by many threads. */
typedef struct ml_table_sizes ml_table_sizes;

/* The defaults of ml_options.small_rows and large_rows. */
#define ML_DEFAULT_SMALL_ROWS 10000LL
#define ML_DEFAULT_LARGE_ROWS 10000000LL

typedef struct ml_options {
	int pg_major;                 /* target server major version, e.g. 15 */
	int pg_minor;                 /* target server minor version, e.g. 4 for 13.4 */
	bool assume_in_transaction;   /* the migration tool wraps each file in a transaction */
	ml_severity fail_on;          /* lowest severity that makes the exit status 1 */
	bool skip_excerpts;           /* leave ml_diagnostic.excerpt NULL, for reports that neither
					 quote the source nor fingerprint it (json, locks, github,
					 gcc) */
	bool record_statements;       /* keep each statement's locks for the locks format and the
					 JSON "statements" array */
	const char *doc_base_url;     /* base URL of the rule pages (SARIF helpUri, markdown
					 links; the rule name and ".md" are appended); NULL: none,
					 and reports link to no rule page */
	int jobs;                     /* threads reading and parsing files and statements ahead of
					 the analysis, which runs in order; 0: one per core, 1:
					 none. The report is the same for every value. */
	size_t max_input_size;        /* the most bytes read from one input (a file, a stream); a
					 larger one is an input error, not linted. 0 means
					 ML_DEFAULT_MAX_INPUT_SIZE. */
	const char *tool;             /* the migration tool whose rules the history follows: a
					 name of ml_tool_names() ("goose", "flyway", "plain"...);
					 NULL or "auto": detected per migration directory */
	ml_down_mode down;            /* what to do with down migrations */
	const char *base;             /* a git revision (the pull request's base, HEAD before a
					 commit): each migration directory is compared with the
					 one git holds there (applied-migration-modified,
					 migration-out-of-order). NULL: no comparison */
	const char *since;            /* report only migrations whose version sorts after this one;
					 the earlier ones are context. NULL: all */
	const char *const *context;   /* paths read and replayed in version order as history, never
					 reported (n_context of them); the linted files take their
					 place among them */
	size_t n_context;
	const char *const *references; /* the application's code: files and directories scanned for
					 uses of the columns a migration drops or renames
					 (dropped-column-still-referenced); n_references of them,
					 0: not scanned, and ban-drop-column warns on every drop */
	size_t n_references;
	const char *const *references_exclude; /* glob patterns of paths below them not scanned
					 (n_references_exclude of them) */
	size_t n_references_exclude;
	const char *exclude[ML_MAX_RULE_FILTER]; /* rule names turned off; NULL-terminated */
	const char *include[ML_MAX_RULE_FILTER]; /* opt-in rule names turned on; NULL-terminated */
	const ml_statement_observer *observer; /* runs each statement on a real PostgreSQL as it
					 is linted (migralint trace); NULL: none */
	const ml_table_sizes *table_sizes; /* known table sizes (--stats); NULL: none. The
					 findings of the rules about locks held through
					 rewrites, scans and index builds, and about unbatched
					 DML, are reported at info when every table their
					 statement locks is below small_rows rows, at error when
					 one has large_rows rows or more, and their message
					 gives the sizes. The run-wide options decide (not a
					 file's, from ml_options_hook). A table a reported
					 migration of the run made is not looked up: the sizes
					 describe the database before them (context migrations,
					 and an ml_lint_text catalog, are history it has). */
	long long small_rows, large_rows; /* 0: ML_DEFAULT_SMALL_ROWS, ML_DEFAULT_LARGE_ROWS */
	struct ml_severity_override {
		const char *rule;     /* rule name or alias; NULL ends the list */
		ml_severity severity;
	} severity[ML_MAX_RULE_FILTER];  /* per-rule severity instead of the default */
} ml_options;

/* Decides the options for one input path: called with opts holding the
 * run's options, it may change them for that file, and returns false to
 * skip the file (an exclude pattern). */
typedef bool (*ml_options_hook)(void *data, const char *path, ml_options *opts);

/* A lock a statement takes. */
typedef struct ml_table_lock {
	const char *table;       /* "schema.name" or "name" */
	const char *mode;        /* "ACCESS EXCLUSIVE", "SHARE", ... */
	long long rows;          /* its rows as ml_options.table_sizes gives them, or -1: no
				    sizes, not in them, or a table the run's reported
				    migrations made */
	long long bytes;         /* its size in bytes from the same, or -1 */
} ml_table_lock;

/* One change of a fix: replace the bytes [start, end) of the file (start ==
 * end: an insertion) with replacement. line:column to end_line:end_column is
 * the same range for reports (1-based, columns count characters). */
typedef struct ml_edit {
	size_t start, end;
	int line, column, end_line, end_column;
	const char *replacement;
} ml_edit;

/* A mechanical fix: its edits, applied together, make the statement safe. */
typedef struct ml_fix {
	const char *description;  /* e.g. "add CONCURRENTLY" */
	const ml_edit *edits;     /* in file order, not overlapping; n_edits >= 1 */
	size_t n_edits;
} ml_fix;

/* The comment that silenced a finding: a suppressed finding stays in the
 * run, for review, but counts toward neither the exit status nor --fail-on. */
typedef struct ml_suppression_info {
	const char *kind;        /* "migralint-ignore", "migralint-ignore-file", "squawk-ignore" or
				    "squawk-ignore-file" */
	const char *reason;      /* the reason the comment gives, or NULL when it gives none */
	int line, column;        /* where the comment starts, 1-based */
} ml_suppression_info;

/* Something that still uses what a finding's statement drops, renames or
 * changes: an object the migrations created (a view, an index, a
 * function...), a later migration's statement, or a line of the
 * application's code. */
typedef struct ml_reference {
	const char *kind;        /* "view", "materialized view", "index", "constraint", "foreign key",
				    "trigger", "generated column", "policy", "statistics",
				    "publication", "rule", "function", "migration", "code", or
				    "lock": the statement that took a lock still held (name: the
				    table, effect "held") */
	const char *name;        /* the object's name, or NULL (a migration's statement, code) */
	const char *effect;      /* "fails": PostgreSQL refuses the statement unless it says CASCADE;
				    "cascades": the statement's CASCADE drops it too; "dropped":
				    PostgreSQL drops it with the column anyway; "breaks": it fails
				    when it next runs (PostgreSQL does not track it); "uses": the
				    application's code uses the name; "drops": (on a later
				    statement that uses a gone column) the statement that dropped or
				    renamed it; "held": (kind "lock") the lock is still held */
	const char *path;        /* where it is: the migration that made it, or the code file */
	int line;                /* 1-based; 0 when unknown */
	const char *text;        /* code: its line, trimmed and cut; else NULL */
} ml_reference;

/* A finding. All strings are owned by the run that produced it. */
typedef struct ml_diagnostic {
	const char *rule;        /* public rule id, e.g. "ban-drop-column" */
	ml_severity severity;
	const char *path;        /* the path as given by the caller */
	int line, column;        /* 1-based; column counts characters */
	int end_line, end_column; /* 1-based, end_column is one past the last character */
	size_t start, end;       /* the same range as byte offsets in the file (for editors and fixes) */
	const char *message;     /* one sentence naming what is wrong */
	const char *help;        /* the safe recipe; may be NULL */
	const char *excerpt;     /* the source lines from line to end_line (at most a few); may be NULL */
	const ml_table_lock *locks; /* what the flagged statement locks; n_locks is 0 when nothing */
	size_t n_locks;
	int rewrite;             /* 1 or 0 when n_locks > 0: the statement rewrites a table; else -1 */
	int scan;                /* 1 or 0 when n_locks > 0: it reads a whole table; else -1 */
	const ml_fix *fix;       /* a mechanical fix, or NULL */
	const ml_suppression_info *suppressed; /* NULL for a finding in force; else the comment
					 that silenced it */
	const char *direction;   /* "up" or "down": the part of the migration it is in */
	const char *version;     /* the migration's version as its tool reads it, or NULL */
	const ml_reference *references; /* what still uses what the statement drops or changes
				    (dropped-column-still-referenced...); n_references of them */
	size_t n_references;
} ml_diagnostic;

/* One linted input, in the order the inputs were linted. */
typedef struct ml_file_summary {
	const char *path;
	int statements;          /* statements found, syntax errors included */
	int syntax_errors;
	const char *tool;        /* the migration tool whose rules it was linted by ("plain"...) */
	const char *version;     /* its migration version, or NULL */
	const char *direction;   /* "up" (goose-style files with a down section too) or "down" */
	const char *skipped;     /* NULL, or why it was listed but not parsed (another
				    dialect, a verify script, a tool's callback...) */
	const char *note;        /* NULL, or what the user should know about its migration
				    directory (a journal or plan that could not be read), on
				    the first file of that directory */
} ml_file_summary;

/* A rule as the registry describes it. */
typedef struct ml_rule_info {
	const char *name;        /* public id */
	const char *alias;       /* an accepted older id, or NULL */
	ml_severity severity;    /* default severity */
	bool opt_in;             /* off unless named with --include */
	const char *summary;     /* one line */
	const char *help;        /* the safe recipe, shown under each finding */
} ml_rule_info;

typedef struct ml_run ml_run;

/* Fills opts with the defaults: PostgreSQL 15, no assumed transaction,
 * fail on warnings, no rule filters. */
void ml_options_init(ml_options *opts);

/* Sets opts->tool from name: a preset of ml_tool_names(), or "auto".
 * Returns 0, or -1 for an unknown name (opts unchanged). */
int ml_options_set_tool(ml_options *opts, const char *name);
/* The presets, "goose, dbmate, ..., plain", for messages; static. */
const char *ml_tool_names(void);
/* Parses "lint", "info" or "skip" into *out. Returns 0, or -1. */
int ml_down_mode_parse(const char *text, ml_down_mode *out);

/* The tool whose rules a run with opts follows for the file or directory
 * path, and why (one sentence): the preset opts names, or the one detected
 * from the layout and markers of path's migration directory. *tool is
 * static; *why is static or the calling thread's, valid until its next
 * call. Returns 0, or -1 when path cannot be read. */
int ml_detect_tool(const ml_options *opts, const char *path, const char **tool, const char **why);

/* Parses "11", "11.0" or "13.4" into opts. Returns 0, or -1 when text is not
 * a version (opts is then unchanged). */
int ml_options_set_pg_version(ml_options *opts, const char *text);

/* Parses a size: a number of bytes, or a number followed by K, M or G (or
 * KiB, MiB, GiB; any case), powers of 1024: "65536", "512K", "64M",
 * "1GiB". Stores it in *out and returns 0, or returns -1 when text is not
 * such a size, is 0, or does not fit in a size_t. */
int ml_size_parse(const char *text, size_t *out);
/* Writes size to buf (len bytes, 24 are enough) the way ml_size_parse reads
 * it, with the largest unit that divides it: "64MiB", "1536KiB", "100".
 * Returns buf. */
char *ml_size_format(size_t size, char *buf, size_t len);

/* Returns the severity named by text ("error", "warning", "info") in *out.
 * Returns 0, or -1 for an unknown name. */
int ml_severity_parse(const char *text, ml_severity *out);
const char *ml_severity_name(ml_severity severity);

/* The registry of rules, in a fixed order: ml_rule_count() of them, the
 * i-th returned by ml_rule_at (NULL past the end). They are static. */
size_t ml_rule_count(void);
const ml_rule_info *ml_rule_at(size_t index);

/* The rule's Markdown documentation page, built into the library, or NULL. */
const char *ml_rule_doc(const ml_rule_info *rule);
/* Writes rule's whole page, as --explain prints it and SARIF carries it: its
 * documentation, then which squawk-ignore names silence it (docs/squawk.md). */
void ml_rule_write_page(FILE *out, const ml_rule_info *rule);

/* Looks a rule up by its id or alias. Returns NULL when there is none. */
const ml_rule_info *ml_rule_find(const char *name);

/* What the library calls when memory runs out where it cannot go on (a
 * statement's working memory), with the size it asked for. The handler
 * must not return: it exits the process (the command line exits with
 * ML_EXIT_FAILED). NULL restores the default, which writes a message to
 * stderr and aborts. Process-wide; set it before the first run. Where the
 * library can go on, it does, and ml_run_exit_status says ML_EXIT_FAILED. */
void ml_set_out_of_memory_handler(void (*handler)(size_t size));

/* A rule name of squawk (https://squawkhq.com), as its "-- squawk-ignore"
 * and "-- squawk-ignore-file" comments write it, and the migralint rules
 * such a comment silences (docs/squawk.md). */
typedef struct ml_squawk_name {
	const char *squawk;       /* squawk's name or alias, e.g. "require-timeout-settings" */
	const char *rules[2];     /* the ids of the rules it silences, for ml_rule_find; rules[0]
				     is NULL when migralint has no such check (the name is
				     accepted and silences nothing), rules[1] is NULL unless it
				     names two */
} ml_squawk_name;

/* The squawk names, in a fixed order: ml_squawk_name_count() of them, the
 * i-th returned by ml_squawk_name_at (NULL past the end). Static. */
size_t ml_squawk_name_count(void);
const ml_squawk_name *ml_squawk_name_at(size_t index);

/* Creates a run. opts is copied; the strings it points to must outlive the
 * run. Returns NULL only when memory runs out. Free with ml_run_free. */
ml_run *ml_run_new(const ml_options *opts);
void ml_run_free(ml_run *run);

/* Sets a hook deciding each file's options (a configuration file's per-path
 * settings). data is passed through and must outlive the run. */
void ml_run_set_options_hook(ml_run *run, ml_options_hook hook, void *data);

/* Lints a file, or every *.sql below a directory (sorted, hidden folders
 * skipped). A path that cannot be read is recorded (ml_run_input_error_list)
 * and the others are still linted; nothing is written to stderr. Below a
 * directory only directories and regular files are opened, and symbolic
 * links are followed only to what lies inside it: a link out of it, a link
 * loop, or a FIFO or device named *.sql is recorded as an input that could
 * not be read. A file named as path is read as given (a FIFO, a device).
 * No input is read past opts.max_input_size. Returns 0, or -1 when some
 * input under path could not be read. */
int ml_run_lint_path(ml_run *run, const char *path);

/* The same for n paths, as one run in order: files are read and parsed
 * ahead on opts.jobs threads across all of them. The options hook may be
 * called more than once for a path, always on the calling thread, and must
 * give the same answer each time. Returns 0, or -1 as above. */
int ml_run_lint_paths(ml_run *run, const char *const *paths, size_t n);

/* Makes the run read path's text from the len bytes at text (copied)
 * instead of the file, wherever the file is met: named, found below a
 * directory, or replayed as context. path is compared as the run writes
 * it (as given, or as found below a directory: "dir/name.sql"). For --fix
 * and --diff, which lint the fixed text before it is written. Returns 0,
 * or -1 when memory runs out. */
int ml_run_set_text(ml_run *run, const char *path, const char *text, size_t len);

/* Lints len bytes of SQL reported under display_path. The bytes need not be
 * NUL-terminated and are copied. Returns 0. */
int ml_run_lint_buffer(ml_run *run, const char *display_path, const char *data, size_t len);

/* Lints everything readable from stream (e.g. stdin) under display_path,
 * up to opts.max_input_size bytes: a longer stream is recorded as an input
 * error, and nothing past the limit is read. Returns 0, or -1 after
 * recording a read error (ml_run_input_error_list). */
int ml_run_lint_stream(ml_run *run, const char *display_path, FILE *stream);

/* The diagnostics so far, sorted by path, line, column and rule, the
 * suppressed ones (ml_diagnostic.suppressed set) included. The array
 * belongs to the run and is valid until the next lint call or ml_run_free. */
const ml_diagnostic *ml_run_diagnostics(ml_run *run, size_t *count);
const ml_file_summary *ml_run_files(const ml_run *run, size_t *count);
int ml_run_input_errors(const ml_run *run);

/* Why options.base could not be used, or NULL: git is missing, a linted
 * migration is not in a git work tree, or the revision is not in the
 * repository (a shallow clone, a branch not fetched). One or two sentences
 * naming the path or revision and saying how to fix it; owned by the run.
 * Once it is set, the run lints nothing more: the caller reports it as a
 * usage error (the command line exits ML_EXIT_USAGE, without a report). */
const char *ml_run_base_error(const ml_run *run);

/* An input that could not be read. */
typedef struct ml_input_error {
	const char *path;         /* as given, or as found below a directory */
	const char *reason;       /* e.g. "No such file or directory" */
} ml_input_error;

/* The inputs that could not be read, in the order met; run-owned. */
const ml_input_error *ml_run_input_error_list(const ml_run *run, size_t *count);

/* ---- table sizes ---------------------------------------------------------- */

/* Reads a --stats file at path: a JSON object mapping "schema.table" (as
 * PostgreSQL names them: nspname.relname) to {"rows": N, "bytes": N}, rows
 * required, both whole numbers from 0 (docs/trace.md). Returns the
 * sizes (free with ml_table_sizes_free, after the last run that uses
 * them), or NULL with a one-line message in err (err_size bytes) naming
 * the file and what is wrong: unreadable, not JSON (at its line and
 * column), not an object, a key that is not "schema.table", an entry that
 * is not an object, rows missing, a count that is not a whole number from
 * 0, an unknown or repeated key. */
ml_table_sizes *ml_table_sizes_load(const char *path, char *err, size_t err_size);
/* Frees sizes. NULL is fine. */
void ml_table_sizes_free(ml_table_sizes *sizes);

/* ---- one text, no state ------------------------------------------------- */

/* What earlier migrations built: tables, columns and what is known of them,
 * indexes, constraints, functions with their volatility. Opaque. A catalog
 * is only read by ml_lint_text, so one may be shared by many threads. */
typedef struct ml_catalog ml_catalog;
/* An empty catalog (the built-in functions only), or NULL when memory runs
 * out. Free it with ml_catalog_free. */
ml_catalog *ml_catalog_new(void);
/* A copy of cat that shares nothing with it; NULL when memory runs out. */
ml_catalog *ml_catalog_clone(const ml_catalog *cat);
/* Frees cat. NULL is fine. */
void ml_catalog_free(ml_catalog *cat);

/* What one statement does, as the lock timeline shows it: for an editor's
 * hover. Strings and arrays belong to the result that holds it. */
typedef struct ml_statement_info {
	size_t start, end;        /* its bytes in the text */
	int line, column;         /* where it starts, 1-based; column counts characters */
	const char *kind;         /* its strongest form ("ALTER TABLE ... SET NOT NULL") or its
				     type ("SELECT") */
	const ml_table_lock *locks; /* the tables it locks and the mode on each (rows and bytes
				     -1); n_locks of them */
	size_t n_locks;
	bool rewrite;             /* it rewrites a table */
	bool scan;                /* it reads a whole table */
	const char *transaction;  /* what it runs in: "none" (its own transaction), "explicit"
				     (after BEGIN), "assumed" (the tool wraps the file) or
				     "implicit" (a DO block run in autocommit) */
	const char *body;         /* "top", "do", "procedure" or "function" */
	const ml_table_lock *held; /* the locks its transaction holds after it, until it ends
				     (rows and bytes -1); n_held of them */
	size_t n_held;
} ml_statement_info;

/* What ml_lint_text found. Everything belongs to the result until
 * ml_lint_result_free. */
typedef struct ml_lint_result {
	const ml_diagnostic *diagnostics; /* sorted by line, column and rule, suppressed ones included */
	size_t n_diagnostics;
	int statements;           /* statements found, syntax errors included */
	int syntax_errors;
	/* The catalog the text started from with the text applied: what the
	 * next migration meets. Take it over by setting the field to NULL
	 * after copying the pointer; otherwise it is freed with the result. */
	ml_catalog *catalog;
	int exit_status;          /* as ml_run_exit_status for this text alone */
	const ml_statement_info *statement_info; /* with opts->record_statements: each statement
				     analysed, PL/pgSQL bodies' included, in the order run;
				     else NULL */
	size_t n_statement_info;
	const char *error;        /* NULL, or why the text was not linted (larger than
				     opts->max_input_size, memory ran out): then there is
				     no diagnostic */
	struct ml_lint_result_private *internal; /* the result's memory */
} ml_lint_result;

/* Lints len bytes of SQL (need not be NUL-terminated; copied), reported
 * under path, as a migration that runs after the ones that built before
 * (NULL: an empty catalog), with opts (NULL: the defaults). The migration
 * tool is opts->tool, or the one detected from path's folder when that
 * exists (only read, for its layout and markers): a goose file's Down
 * section is then linted as a down. Keeps no state between calls and
 * writes nothing: calls may run on many threads at once.
 * Free the result with ml_lint_result_free. */
ml_lint_result ml_lint_text(const ml_catalog *before, const ml_options *opts, const char *path, const char *text,
			    size_t len);
/* Frees what result holds (its catalog too, unless taken). */
void ml_lint_result_free(ml_lint_result *result);

/* The catalog the migrations that run before path build, for
 * ml_lint_text's before: when path lies in a migration directory of a
 * detected tool (or opts->tool's), its earlier migrations in the tool's
 * order, replayed as context (the way naming the file alone on the command
 * line replays them; path itself need not exist); else an empty catalog.
 * opts: NULL gives the defaults. Reads files, writes nothing, keeps no
 * state. Returns the catalog (the caller frees it with ml_catalog_free), or
 * NULL when memory runs out. */
ml_catalog *ml_history_before(const ml_options *opts, const char *path);

/* ---- fixes ----------------------------------------------------------------- */

/* Applies the fixes of diagnostics (n of them; those of other paths than
 * path, suppressed ones and ones without a fix are passed over) to the len
 * bytes of text, the file they were found in. Fixes are taken in the order
 * of their first edit; one whose edits overlap or touch an edit already
 * taken is left for a later pass, and one with an edit inside the range of
 * a finding about text that was not parsed (a syntax-error,
 * statement-too-complex, invalid-input or psql-meta-command finding; a
 * syntax error's range is its failing token, and rules only place fixes in
 * and around the parsed statement they flag) is left out. No byte outside
 * the edits changes. Returns a
 * malloc'd NUL-terminated text (the caller frees it; *out_len its length,
 * *applied the fixes taken, both may be NULL), or NULL when memory runs
 * out. */
char *ml_fixes_apply(const char *path, const char *text, size_t len, const ml_diagnostic *diagnostics, size_t n,
		     size_t *out_len, size_t *applied);

/* Parses a --format name into *out. Returns 0, or -1 for an unknown name. */
int ml_format_parse(const char *name, ml_format *out);
/* "text, json, ..." for messages. Static storage. */
const char *ml_format_names(void);

/* Writes the report in format to out. color asks for ANSI colours (text
 * format only). Returns 0, or -1 when the report is not complete: writing
 * failed (errno says why, e.g. ENOSPC or EPIPE), or memory ran out while
 * it was made (errno is ENOMEM; the report left something out). */
int ml_run_write_report(ml_run *run, ml_format format, FILE *out, bool color);

/* Writes s (NULL: nothing) for a person to read, escaped as the text
 * reports escape what comes from the input: control characters (ESC, line
 * breaks), bytes that are not UTF-8 and the markers of CI workflow commands
 * ("##[", "##vso[") become visible escapes such as \x1b. For messages that
 * quote a path or a name, e.g. on stderr. */
void ml_write_escaped(FILE *out, const char *s);

/* As ml_write_escaped, for an s that starts an output line: a ':' that is
 * its first non-blank character is escaped too (\x3a), so that the line
 * cannot be a workflow command such as "::warning::". */
void ml_write_escaped_line(FILE *out, const char *s);

/* The exit status the command line should use (enum ml_exit_status);
 * suppressed findings never count:
 * ML_EXIT_FAILED when memory ran out during the run (some input was not
 * linted, or the findings cannot be listed), else ML_EXIT_INPUT_ERROR when
 * an input could not be read, else by the findings. */
int ml_run_exit_status(ml_run *run);

#ifdef __cplusplus
}
#endif

#endif
