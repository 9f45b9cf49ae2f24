/*
 * rule_fix.h - mechanical fixes: how a rule builds one as edits of the file
 * and reports it with its finding, and what it needs to place the edits:
 * the statement's tokens, a column type's bytes, a table's name as
 * written, an ALTER TABLE subcommand's bytes, names quoted for SQL and the
 * names PostgreSQL gives constraints (rule_fix.c).
 *
 * The contract of a fix:
 * - It is offered only for a statement of the migration's top level whose
 *   text is a verbatim slice of the file: ml_fix_start refuses statements
 *   of PL/pgSQL bodies and dynamic SQL, and statements rebuilt from their
 *   text (PL/pgSQL with INTO).
 * - Offsets given to ml_fix_replace and ml_fix_insert are statement offsets:
 *   byte offsets into ml_stmt_text, where node location 0 is, as node
 *   locations and ml_stmt_tokens count. The fix holds file offsets.
 * - Its edits, applied together and alone, make the statement it is
 *   reported on safe in the way its description says and stop that finding;
 *   the SQL still parses and does what it did. A rule that cannot place an
 *   edit refuses the whole fix (ml_fix_refuse), and the finding is then
 *   reported without one.
 * - Edits must not overlap; edits at the same place are applied in the
 *   order they were added; a fix whose edits overlap is dropped. At most
 *   ML_FIX_MAX_EDITS edits.
 * - Added lines and statements use the line ending of the statement's line,
 *   so a CRLF file stays CRLF. No statement is added to a step its tool
 *   sends as one query while it runs outside a transaction
 *   (ctx->one_query_step): a second statement would make that query one
 *   implicit transaction.
 * The text of the edits is copied when the finding is reported.
 */
#ifndef MIGRALINT_RULE_FIX_H
#define MIGRALINT_RULE_FIX_H

#include <stdbool.h>
#include <stddef.h>

#include <pg_query/pg_query.pb-c.h>

#include "rule.h"

#define ML_FIX_MAX_EDITS 8

/* One edit of a fix being built: replace the file's bytes [start, end)
 * with text (start == end: an insertion). */
typedef struct ml_fix_step {
	size_t start, end;
	const char *text;
} ml_fix_step;

/* A fix being built. Fill it with ml_fix_start and the calls below. */
typedef struct ml_fix_plan {
	const ml_stmt_ctx *ctx;
	ml_fix_step edits[ML_FIX_MAX_EDITS];
	size_t n;
	bool refused;             /* an edit could not be placed: no fix */
} ml_fix_plan;

/* Starts an empty fix for ctx's statement. Returns false, and the fix is
 * refused, when the statement is not one a fix may edit (see above). */
bool ml_fix_start(ml_fix_plan *fix, const ml_stmt_ctx *ctx);
/* Replaces the statement's bytes [start, end) with text. */
void ml_fix_replace(ml_fix_plan *fix, size_t start, size_t end, const char *text);
/* Inserts text at statement offset at. */
void ml_fix_insert(ml_fix_plan *fix, size_t at, const char *text);
/* Adds sql, one statement written without its ';', after the statement:
 * on a line of its own after the statement's ';' (after a comment that
 * ends that line, so that an ignore comment there stays on the statement's
 * line), or, for the file's last statement written without one, after the
 * statement's last token with the ';' it lacks. */
void ml_fix_statement_after(ml_fix_plan *fix, const char *sql);
/* Puts lines (each a whole statement with its ';', no line break) before
 * the statement, one per line: at the start of the line the statement
 * starts on when only blanks precede it there (else at the statement
 * itself), and above an ignore comment on its own line just above, or a
 * goose "-- +goose StatementBegin", so that the comment stays on the
 * statement. A tool's section marker (-- +goose Up, -- migrate:up) stays
 * above the lines. */
void ml_fix_lines_before(ml_fix_plan *fix, const char *const *lines, size_t n);
/* Gives up: the finding is reported without a fix. */
void ml_fix_refuse(ml_fix_plan *fix);
/* Does the fix hold an edit and was it not refused? */
bool ml_fix_usable(const ml_fix_plan *fix);
/* printf into engine memory (the file's): the text of an edit. */
const char *ml_fix_text(const ml_stmt_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The line break of the statement's line: "\r\n" in a CRLF file, "\r" in
 * one of lone CRs, else "\n". */
const char *ml_fix_newline(const ml_stmt_ctx *ctx);

/* ml_report_help (help NULL: the rule's) with fix as the finding's fix,
 * described by description ("add CONCURRENTLY"), when fix is usable; else
 * the finding alone. */
void ml_report_fixed(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, const char *help,
		     const ml_fix_plan *fix, const char *description, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* Makes fix add NOT VALID to con, the CHECK or FOREIGN KEY constraint that
 * subcommand i of ALTER TABLE as adds (at the end of the subcommand),
 * name it when it has no name (CONSTRAINT and the name PostgreSQL would
 * give it, ml_added_constraint_name, so that the statement after can name
 * it), and add "ALTER TABLE <table> VALIDATE CONSTRAINT <name>" after the
 * statement. Refused for ALTER TABLE ONLY (the constraint then lives on
 * the parent alone), and for an unnamed constraint when another
 * subcommand adds one without a name too (which of them PostgreSQL numbers
 * would be a guess). Whether a separate VALIDATE helps (outside a
 * transaction) is the caller's to decide. */
void ml_fix_not_valid(ml_fix_plan *fix, const PgQuery__AlterTableStmt *as, size_t i, const PgQuery__Constraint *con);

/* ---- where things are in the statement's text ----------------------------- */

/* A token of the statement's text as PostgreSQL's scanner splits it
 * (comments are not tokens): statement offsets [start, end), its kind (a
 * PgQuery__Token: PG_QUERY__TOKEN__IDENT, ASCII_40 for '(', a keyword's own
 * token...) and keyword kind (a PgQuery__KeywordKind). */
typedef struct ml_token {
	size_t start, end;
	int token;
	int keyword_kind;
} ml_token;

/* The statement's tokens (from its own start: not those of statements
 * before it that its text may hold), *n of them, in engine memory valid
 * during the check call (the next statement's tokens reuse it); NULL (and
 * *n 0) when the statement's text is not the file's or does not scan. */
const ml_token *ml_stmt_tokens(const ml_stmt_ctx *ctx, size_t *n);
/* Is t the word (a keyword or an unquoted name, any case)? */
bool ml_token_is(const ml_stmt_ctx *ctx, const ml_token *t, const char *word);
/* The index of the token that starts at statement offset at, or (size_t)-1. */
size_t ml_token_at(const ml_stmt_ctx *ctx, size_t at);
/* The statement offset just past the first token at or after from that is
 * word (ml_token_is), or (size_t)-1. */
size_t ml_stmt_word_end(const ml_stmt_ctx *ctx, size_t from, const char *word);

/* The tokens of subcommand i of ALTER TABLE as (its first and one past its
 * last, ml_stmt_tokens indexes): the subcommands lie between the table's
 * name and the end, separated by commas outside parentheses and brackets.
 * False when they cannot be told apart (ALTER TABLE ALL IN TABLESPACE, a
 * count that does not match the tree's). */
bool ml_alter_cmd_tokens(const ml_stmt_ctx *ctx, const PgQuery__AlterTableStmt *as, size_t i, size_t *first,
			 size_t *last);

/* rel's name as the statement writes it ("orders", "app.\"Orders\""), in
 * engine memory, or NULL when it cannot be read. */
const char *ml_relation_text(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel);

/* Where a column type is written. */
typedef struct ml_type_span {
	size_t start;             /* its first byte (statement offset) */
	size_t last_name;         /* where its last name starts: "int4" of pg_catalog.int4; start
				     when unqualified */
	size_t end;               /* past its name, modifiers ("(20)") and WITH[OUT] TIME ZONE:
				     where array bounds, COLLATE and constraints begin */
	size_t mods_start, mods_end; /* the modifiers "(3)" with their parentheses; empty when none */
	bool qualified;           /* written with a schema (pg_catalog.int4) */
	bool array;               /* [] or ARRAY follows */
	const char *words;        /* the name's words from last_name, lower-cased unless quoted,
				     joined by single spaces: "character varying", "int", "int4" */
} ml_type_span;
/* Reads where type is written into *out. False when its text is not the
 * file's or does not start at its location. */
bool ml_type_span_of(const ml_stmt_ctx *ctx, const PgQuery__TypeName *type, ml_type_span *out);

/* Is span's type written as one of words (ml_type_span.words; a NULL-ended
 * list)? */
bool ml_type_written_as(const ml_type_span *span, const char *const *words);

/* name as SQL writes it: as is when it is a lower-case name that is no
 * reserved word, else in double quotes. In engine memory. */
const char *ml_quote_ident(const ml_stmt_ctx *ctx, const char *name);

/* Makes fix write the type at span as another: its bytes from its name
 * through its modifiers and WITH[OUT] TIME ZONE become name, or, when the
 * type is written with its schema, internal after the schema (int8 for
 * pg_catalog.int4: bigint is no name there); then tail (NULL: nothing).
 * Array bounds, COLLATE and the rest of the definition stay as written. */
void ml_fix_type(ml_fix_plan *fix, const ml_type_span *span, const char *name, const char *internal,
		 const char *tail);

/* ---- names for what a fix adds ---------------------------------------------- */

/* The name PostgreSQL gives con, a constraint added to rel without one
 * (its own name when it has one), as the catalog knows the schema:
 * "orders_customer_id_fkey", numbered when the catalog knows that name is
 * taken. NULL for a kind that has no constraint of its own. In engine
 * memory. */
const char *ml_added_constraint_name(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel,
				     const PgQuery__Constraint *con);
/* "<table>_<column>_<label>" cut to 63 bytes as PostgreSQL cuts names, and
 * numbered while the catalog knows a constraint or relation of that name
 * in rel's schema: a name for a constraint a fix adds. In engine memory. */
const char *ml_fix_constraint_name(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel, const char *column,
				   const char *label);

/* Does the text from statement offset from to the end of the file mention
 * one of phrases (words separated by single spaces, matched as whole words
 * in any case, any blanks between them; comments and strings included)?
 * True as well when the file goes on past what a look ahead reads (64
 * KiB): a fix that must not meet such a statement is then not offered. */
bool ml_file_mentions_from(const ml_stmt_ctx *ctx, size_t from, const char *const *phrases, size_t n);

#endif
