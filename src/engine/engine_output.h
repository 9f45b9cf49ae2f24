/*
 * engine_output.h - what the engine decided about the units it analysed,
 * for its caller to take (src/run/diagnostics.c turns it into the public
 * diagnostics): each finding of a rule that is on, with its severity, the
 * comment that silences it and the locks of its statement; and, when the
 * options ask for them, what each statement did (--statements). Byte
 * spans only: lines, columns and excerpts are made at the edge.
 */
#ifndef MIGRALINT_ENGINE_OUTPUT_H
#define MIGRALINT_ENGINE_OUTPUT_H

#include "findings.h"
#include "arena.h"
#include "linemap.h"
#include "map.h"
#include "suppress.h"
#include "rule_api.h"

/* A finding the engine keeps: its rule is on for the file. */
typedef struct ml_engine_finding {
	ml_finding finding;       /* rule, byte span (end >= start), message, help, fix edits */
	ml_severity severity;     /* the rule's severity for the file */
	ml_suppression *suppressed_by; /* the file's comment that silences it, or NULL */
	bool dynamic_names;       /* the file had dynamic SQL by then: names in its text and
				     locks may be ML_DYNAMIC_PLACEHOLDER */
	const ml_lock *locks;     /* what its statement locks; n_locks 0 outside a statement */
	size_t n_locks;
	int rewrite, scan;        /* 1 or 0 when n_locks > 0, else -1 (as ml_diagnostic) */
} ml_engine_finding;

/* What one statement did, for the lock timeline (--format locks, and
 * --statements); the run makes its ml_statement_record. */
typedef struct ml_engine_record {
	size_t start, end;        /* the statement's byte span in the file */
	const char *kind;         /* form label, or the statement type */
	ml_lock locks[ML_MAX_STMT_LOCKS];
	size_t n_locks;
	bool rewrite, scan;
	bool dynamic_names;       /* as ml_engine_finding.dynamic_names, for the table names */
	ml_tx_state tx;
	ml_body_kind body;
	ml_lock *held;            /* locks held after it, in the transaction (their tables are
				     the file's) */
	size_t n_held;
	const ml_observation *observed; /* what PostgreSQL did with it when traced, or NULL (in
				     the file arena) */
} ml_engine_record;

/* What the engine appends to as it analyses: findings and statement
 * records in the order it made them. Their strings, edits and locks live
 * in arena until ml_engine_output_clear; the suppression comments and the
 * tables of held locks are the file's. */
typedef struct ml_engine_output {
	ml_arena *arena;
	ml_engine_finding *findings; /* malloc'd, kept across clears */
	size_t n_findings, cap_findings;
	ml_engine_record *statements; /* the same */
	size_t n_statements, cap_statements;
} ml_engine_output;

/* Starts an empty output. Memory running out does not return
 * (ml_out_of_memory). Free it with ml_engine_output_free. */
void ml_engine_output_init(ml_engine_output *out);
/* Forgets every finding and record, and what they point at in out's arena. */
void ml_engine_output_clear(ml_engine_output *out);
void ml_engine_output_free(ml_engine_output *out);
/* A new zeroed finding, or record, at the end of out. Valid until the next
 * add or clear. */
ml_engine_finding *ml_engine_output_add_finding(ml_engine_output *out);
ml_engine_record *ml_engine_output_add_statement(ml_engine_output *out);

/* A deep copy of obs (NULL gives NULL) in arena: its strings and lists. */
const ml_observation *ml_observation_copy(ml_arena *arena, const ml_observation *obs);

#endif
