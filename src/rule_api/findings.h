/*
 * findings.h - what rules report, before the engine decides what becomes of
 * it: a rule, a byte span of the file, a message and help, and a fix as
 * edits. No line, column or excerpt: the run turns spans into those at the
 * edge, for each report. Library-private; rules see only the opaque sink
 * (ml_stmt_ctx.out) through ml_report.
 */
#ifndef MIGRALINT_FINDINGS_H
#define MIGRALINT_FINDINGS_H

#include "arena.h"
#include "migralint/migralint.h"
#include "rule.h"

typedef struct ml_finding {
	const ml_rule *rule;
	size_t start, end;        /* byte span in the file */
	const char *message;      /* in the sink's arena */
	const char *help;         /* the rule's own help (static) or one in the sink's arena */
	const char *fix_description; /* what the fix does ("add CONCURRENTLY"), NULL: no fix */
	const ml_edit *edits;     /* the fix: byte ranges (start, end) and replacements, in file
				     order, not overlapping; their line fields are not set */
	size_t n_edits;
	const ml_reference *references; /* what still uses what the statement drops (their strings
				     in the sink's arena); n_references of them */
	size_t n_references;
	/* The column the statement drops or renames, which the run looks for
	 * in the application's code (ml_options.references); NULL: none. */
	const char *gone_schema, *gone_table, *gone_column;
	bool only_if_used;        /* the finding stands only if the code uses the column */
} ml_finding;

/* Findings in the order they were reported. Starts as { .arena = a }; the
 * strings of the findings live in that arena. */
typedef struct ml_findings {
	ml_arena *arena;
	ml_finding *items;
	size_t len, cap;
} ml_findings;

/* A finding about a migration of a history (rule_history.h), before the
 * run gives it a line, a column and a severity. */
typedef struct ml_history_finding {
	const ml_rule *rule;
	size_t migration;         /* index into the history's migrations */
	size_t at;                /* byte offset in that migration's text */
	int step;                 /* severity moved this many levels from the rule's */
	const char *message;      /* in the sink's arena */
} ml_history_finding;

typedef struct ml_history_findings {
	ml_arena *arena;
	ml_history_finding *items;
	size_t len, cap;
} ml_history_findings;

/* Appends a copy of *f (its strings and edits are not copied). */
void ml_findings_add(ml_findings *out, const ml_finding *f);

/* Reports a finding of rule at location (as ml_report) with help, message
 * (both kept as given: in the sink's arena or static) and, when n_edits >
 * 0, the fix of those edits (file offsets, in file order, not overlapping,
 * in the sink's arena) described by description (copied). For
 * ml_report_fixed (rule_fix.c). */
void ml_report_edits(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, const char *help,
		     const ml_edit *edits, size_t n_edits, const char *description, const char *message);

#endif
