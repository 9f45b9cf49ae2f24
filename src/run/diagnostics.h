/*
 * diagnostics.h - the edge where what the engine decided (engine_output.h:
 * byte spans) becomes the public ml_diagnostic and the lock timeline's
 * records: lines and columns from the file's line map, excerpts, the
 * positions of fix edits, names computed at run time described in words,
 * and copies the run owns (diagnostics.c).
 */
#ifndef MIGRALINT_DIAGNOSTICS_H
#define MIGRALINT_DIAGNOSTICS_H

#include "engine_output.h"
#include "arena.h"
#include "linemap.h"
#include "map.h"

/* The file whose findings are being turned into diagnostics. */
typedef struct ml_edge_file {
	const char *path;         /* display path, owned by whoever owns the results */
	const ml_line_map *map;   /* the file's text and its lines */
	size_t dropped;           /* text before this offset was given back (ml_source.dropped):
				     a finding there gets no excerpt rather than a wrong one */
	bool excerpts;            /* make excerpts (false: ml_options.skip_excerpts) */
	const char *direction;    /* "up" or "down", for each diagnostic */
	const char *version;      /* the migration's version, or NULL */
	bool as_info;             /* report every finding at info (a down migration) */
	bool discard;             /* context: nothing is reported */
} ml_edge_file;

/* Fills *d from e, a finding of file: its byte span becomes 1-based lines
 * and character columns, and so does each fix edit's; the excerpt is the
 * lines it spans (at most a few, long lines cut); with e->dynamic_names the
 * names holding the placeholder are described (ml_without_placeholder).
 * Every string, the locks, the fix and the suppressing comment's public
 * view (made once per comment, kept in the comment) are allocated in arena;
 * a rule's own help is static and shared. */
void ml_diagnostic_from_finding(ml_arena *arena, const ml_edge_file *file, const ml_engine_finding *e,
				ml_diagnostic *d);

/* What one statement did, for the lock timeline (--format locks, and
 * --statements), in the run's memory. */
typedef struct ml_statement_record {
	const char *path;
	size_t start, end;        /* its byte span in the file */
	int line, column;
	const char *kind;         /* form label, or the statement type */
	ml_lock locks[ML_MAX_STMT_LOCKS];
	size_t n_locks;
	bool rewrite, scan;
	ml_tx_state tx;
	ml_body_kind body;
	ml_lock *held;            /* locks held after it, in the transaction */
	size_t n_held;
	const ml_observation *observed; /* what PostgreSQL did with it (migralint trace), or NULL */
} ml_statement_record;

/* Fills *r from rec, a statement the engine recorded in file, as
 * ml_diagnostic_from_finding does: path, line and column from its start,
 * its strings and locks in arena. kinds, when not NULL, holds the kind
 * texts already copied into arena: records of the same kind share one. */
void ml_statement_record_copy(ml_arena *arena, ml_map *kinds, const ml_edge_file *file,
			      const ml_engine_record *rec, ml_statement_record *r);

/* Moves what out holds into run: each finding becomes one of run's
 * diagnostics, each statement record one of its statements (both in the
 * run's arena), and out is cleared. Call it after each call into the
 * engine, while the text out's findings point into is still there. */
void ml_run_take_output(ml_run *run, const ml_edge_file *file, ml_engine_output *out);

/* text, or a copy in arena where every name holding ML_DYNAMIC_PLACEHOLDER
 * (quoted with " or ', schema-qualified, or glued to other text as in
 * idx_dynamic_name) is replaced, quotes included, by ML_DYNAMIC_NAME_TEXT.
 * NULL gives NULL. */
const char *ml_without_placeholder(ml_arena *arena, const char *text);

#endif
