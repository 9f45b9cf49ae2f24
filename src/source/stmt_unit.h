/*
 * stmt_unit.h - a statement unit: one thing the source layer hands the engine to
 * analyse, in the order it runs (a parsed statement, a statement that did
 * not parse, SQL that could not be analysed, ...), with where it is in the
 * file and where it runs (top level, DO block, routine body, dynamic SQL).
 * The engine reads the current unit instead of keeping a cursor of its own.
 */
#ifndef MIGRALINT_STMT_UNIT_H
#define MIGRALINT_STMT_UNIT_H

#include <pg_query/pg_query.pb-c.h>

#include "arena.h"
#include "facts.h"
#include "linemap.h"

/* Where a unit runs: everything about its surroundings the rules read. */
typedef struct ml_stmt_env {
	ml_body_kind body;
	int loop_depth;           /* PL/pgSQL loops around it */
	bool loop_commits;        /* an enclosing loop COMMITs in its body */
	const char *const *loop_vars; /* the PL/pgSQL variables in scope */
	size_t n_loop_vars;
	bool dynamic;             /* rebuilt from the text an EXECUTE runs: names may be
				     ML_DYNAMIC_PLACEHOLDER, and the text is nowhere in the file */
} ml_stmt_env;

typedef enum ml_unit_kind {
	ML_UNIT_STATEMENT = 0,    /* stmt is a parsed statement */
	ML_UNIT_SYNTAX_ERROR,     /* did not parse or compile: message, error_start..error_end */
	ML_UNIT_TOO_COMPLEX,      /* not parsed or walked for its size or nesting: tokens, what, partial */
	ML_UNIT_NOT_ANALYSED,     /* SQL an EXECUTE runs that could not be rebuilt, parsed or
				     mapped onto the file (dynamic-sql-not-analysed): message */
	ML_UNIT_TX_END,           /* a COMMIT or ROLLBACK PL/pgSQL runs: stmt is the
				     TransactionStmt, it ends the transaction; procedure */
	ML_UNIT_META_COMMAND,     /* a psql meta-command, skipped: message */
	ML_UNIT_INVALID_INPUT,    /* text that is not valid input (a NUL byte, bad UTF-8): message */
} ml_unit_kind;

typedef struct ml_unit {
	ml_unit_kind kind;
	const PgQuery__Node *stmt; /* ML_UNIT_STATEMENT, ML_UNIT_TX_END; owned by whoever made the unit */
	size_t start, end;        /* its byte span in the file: what its findings point at */
	size_t loc_base;          /* the file offset of node location 0 */
	size_t loc_limit;         /* the length of the text node locations index */
	bool loc_exact;           /* node locations map onto the file verbatim */
	int directive_line;       /* the line whose ignore comments apply to its findings (the
				     first line of the top-level statement); 0: each finding's own */
	ml_stmt_env env;
	const char *message;      /* SYNTAX_ERROR, NOT_ANALYSED, META_COMMAND, INVALID_INPUT */
	size_t error_start, error_end; /* SYNTAX_ERROR: the text to underline */
	bool is_statement;        /* SYNTAX_ERROR: a statement that did not parse (the lock
				     timeline lists it), not a body that did not compile */
	size_t tokens;            /* TOO_COMPLEX: its tokens when too large, 0 when nested too deeply */
	const char *what;         /* TOO_COMPLEX: "statement", "PL/pgSQL body", ... */
	bool partial;             /* TOO_COMPLEX: only what lies below a depth was skipped */
	const char *procedure;    /* TX_END: the procedure whose body runs it, or NULL */
} ml_unit;

struct ml_parsed;                 /* a statement's parse: parse.c */

/* Units in the order they run, and the parses their trees live in. */
typedef struct ml_unit_list {
	ml_arena *arena;          /* the caller's: holds the units, their messages and environments */
	ml_unit *items;
	size_t len, cap;
	ml_ptr_vec parses;        /* struct ml_parsed *, taken over by ml_unit_list_add_parse */
	/* Set by ml_plpgsql_expand: */
	ml_body_kind body;        /* the kind of body expanded (ML_BODY_TOP: none) */
	bool walked;              /* the body compiled and items are its statements: a DO block
				     then runs as one transaction of its own when none is open */
	size_t body_start, body_end; /* the body's text in the file (empty when it was not found):
					the file's scan for ignore comments saw it as one string */
} ml_unit_list;

/* An empty list whose units are allocated in arena. */
void ml_unit_list_init(ml_unit_list *list, ml_arena *arena);
/* Appends a copy of unit. */
void ml_unit_list_add(ml_unit_list *list, const ml_unit *unit);
/* Appends the units of *parsed, the parse of text (NUL-terminated, len
 * bytes) found at file offset base (exact: a verbatim slice of the file,
 * whose text map holds), and takes *parsed over. Each unit is like like
 * (its directive line and environment; its span too when not exact): a
 * statement unit for each statement (its span trimmed of blanks when
 * exact), a too-complex unit, or a syntax-error unit where the parser
 * stopped, except for dynamic SQL (like->env.dynamic), whose errors are
 * the caller's to report. Returns the number of statements, or -1 when
 * the text did not parse. */
int ml_unit_list_add_parse(ml_unit_list *list, struct ml_parsed *parsed, const char *text, size_t len, size_t base,
			   bool exact, const ml_unit *like, const ml_line_map *map);
/* Frees the parses the list took over (the units' trees) and empties the
 * list; its array stays in the arena for the next units. */
void ml_unit_list_free(ml_unit_list *list);

#endif
