/*
 * rule_report.h - how a rule reports a finding, and the statement's text
 * (rule_api.c; ml_word_end is src/source/tree.c's). A finding with a
 * mechanical fix is reported through rule_fix.h.
 */
#ifndef MIGRALINT_RULE_REPORT_H
#define MIGRALINT_RULE_REPORT_H

#include <stddef.h>

#include "rule.h"

/* Reports a finding of rule at location (a byte offset into the statement's
 * text as libpg_query gives it; -1 means the statement start). The message is
 * printf-formatted; the help is the rule's unless ml_report_help is used.
 * Suppression comments and --exclude are applied by the engine. */
void ml_report(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void ml_report_help(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, const char *help,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Reports a finding of rule at bytes [start, end) of ctx->span.text (the
 * file's text, or the text of the step being linted when its tool gives it
 * one; the same offsets): a finding about a whole step, from a finish hook,
 * at where the step starts or at a statement an ml_object_change recorded.
 * end is clamped to the text and start to end. The message is formatted
 * into the findings' arena; the help is the rule's. */
void ml_report_span(const ml_stmt_ctx *ctx, const ml_rule *rule, size_t start, size_t end, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* What a finding about a column or table that goes away carries besides
 * its message: what still uses it, and the column for the scan of the
 * application's code (ml_options.references). */
typedef struct ml_report_extra {
	const ml_reference *references; /* the array is copied; its strings must last the
				     statement's analysis (the engine copies them) */
	size_t n_references;
	const char *gone_schema, *gone_table, *gone_column; /* NULL: no code scan */
	bool only_if_used;        /* the finding stands only if the code uses the column */
} ml_report_extra;

/* ml_report with extra. */
void ml_report_extra_at(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, const ml_report_extra *extra,
			const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Does a statement later in the file (the text after this statement)
 * replace or drop the routine name (CREATE OR REPLACE FUNCTION or
 * PROCEDURE, DROP FUNCTION, PROCEDURE or ROUTINE naming it), or, with
 * column set, add a column of that name (ADD COLUMN)? A look at the text
 * (the next 64 KiB), for what a migration settles before it commits. */
bool ml_later_in_file_replaces(const ml_stmt_ctx *ctx, const char *name);
bool ml_later_in_file_adds_column(const ml_stmt_ctx *ctx, const char *column);
/* The same for a table or view made under name (CREATE TABLE or VIEW, or
 * ALTER TABLE ... RENAME TO name). */
bool ml_later_in_file_makes_table(const ml_stmt_ctx *ctx, const char *name);

/* The statement's source text in the file (not NUL-terminated; *len bytes),
 * or NULL when the statement was rebuilt (PL/pgSQL with INTO, dynamic SQL).
 * Byte 0 is where node location 0 is. */
const char *ml_stmt_text(const ml_stmt_ctx *ctx, size_t *len);

/* Byte offset just past the first whole word `word` (any case) in text, or
 * (size_t)-1 when it is not there. For placing fixes. */
size_t ml_word_end(const char *text, size_t len, const char *word);

#endif
