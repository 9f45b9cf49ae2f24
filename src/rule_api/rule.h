/*
 * rule.h - a rule and the context it checks a statement in: the facts the
 * engine computed once for every rule, where the statement is, and where
 * its findings go (the engine fills the context; rule_api.c and
 * rule_catalog.c answer the questions asked of it).
 */
#ifndef MIGRALINT_RULE_H
#define MIGRALINT_RULE_H

#include <stdbool.h>
#include <stddef.h>

#include <pg_query/pg_query.pb-c.h>

#include "facts.h"
#include "migralint/migralint.h"

typedef struct ml_stmt_ctx ml_stmt_ctx;
struct ml_history_ctx;
/* What the migrations built so far, and the transaction the statement runs
 * in: opaque to rules, which ask the query functions below. */
typedef struct ml_catalog ml_catalog;
typedef struct ml_tx ml_tx;

typedef struct ml_rule {
	ml_rule_info info;        /* public description; must stay the first member */
	/* Checks one statement. NULL for rules that the engine reports itself
	 * (syntax-error and the like). */
	void (*check)(const ml_stmt_ctx *ctx, const struct ml_rule *self);
	/* Called once at the end of each file, with ctx->stmt NULL and the
	 * final transaction state; ml_report(-1) points at the open BEGIN, or
	 * at the end of the file. NULL for most rules. */
	void (*finish)(const ml_stmt_ctx *ctx, const struct ml_rule *self);
	/* Checks a whole migration history (rule_history.h): the files of one
	 * tool's migration directory, and how they differ from the ones git
	 * holds at --base. NULL for statement rules. */
	void (*check_history)(const struct ml_history_ctx *ctx, const struct ml_rule *self);
	/* Its findings say that the statement's own slow work (a rewrite, a
	 * scan, an index build, many rows changed) blocks the tables it works
	 * on: ml_slow_work_reported_by names it. */
	bool reports_slow_work;
	/* Its findings are about work that grows with the tables the statement
	 * works on (a lock held through a rewrite, a scan or an index build,
	 * many rows changed): with known table sizes (--stats) they are
	 * reported at info when every table the statement locks is known to
	 * be small, and at error when one is known to be large. */
	bool scales_with_table_size;
	/* Its findings are about a down as a down (does it reverse its up?):
	 * they keep their severity in a down migration, where --down info
	 * turns the others into info. */
	bool about_downs;
	/* Checks each statement after all the other rules, so that it sees
	 * what they reported. */
	bool runs_last;
} ml_rule;

/* Where a statement is in the file being linted, as byte offsets. */
typedef struct ml_stmt_span {
	const char *text;         /* the file's text */
	size_t start, end;        /* the statement's span: its findings point into it */
	size_t loc_base;          /* file offset of the statement's node location 0 */
	size_t loc_limit;         /* bytes of text node locations index */
	bool exact;               /* node locations map onto the file: the text was not rebuilt */
} ml_stmt_span;

struct ml_arena;
struct ml_findings;

/* What ml_file_mentions_from (rule_fix.h) has read of a file for one set
 * of phrases, so that the file's statements, asked in order, read its text
 * once: no match in [from, scanned_to), and the first one at found
 * (SIZE_MAX: none seen yet), or the end of the text at scanned_to. */
typedef struct ml_mention_memo {
	const char *phrases;      /* the phrases, each ended by a NUL, in the file's arena */
	size_t phrases_len;
	size_t from, scanned_to, found;
	bool at_end;
	unsigned long long used;  /* when last asked */
	unsigned long long hits;  /* how often asked: the least asked is replaced */
} ml_mention_memo;
#define ML_MENTION_MEMOS 8
typedef struct ml_text_mentions {
	ml_mention_memo memo[ML_MENTION_MEMOS];
	unsigned long long clock;
} ml_text_mentions;

/* The facts a rule reads. Everything is owned by the engine and valid only
 * during the check call. */
struct ml_stmt_ctx {
	const ml_options *options;
	const PgQuery__Node *stmt;  /* the statement */
	ml_tx_state tx_state;       /* transaction state the statement runs in */
	int tx_begin_line;          /* line of the BEGIN, or 0 */
	const ml_lock *held;        /* locks taken by earlier statements of this transaction */
	size_t n_held;
	bool lock_timeout_set;      /* SET lock_timeout seen earlier in the file */
	const ml_effect *effect;    /* what this statement locks, rewrites and scans */
	ml_body_kind body;          /* top level, DO block or function body */
	int loop_depth;             /* PL/pgSQL loops around the statement */
	bool loop_commits;          /* an enclosing loop COMMITs in its body */
	const char *const *loop_vars; /* PL/pgSQL variables in scope (loop variables among them) */
	size_t n_loop_vars;
	bool statement_timeout_set; /* SET statement_timeout seen earlier in the file */
	bool first_strong_lock;     /* the file's first statement to need a lock stronger than
				       SHARE UPDATE EXCLUSIVE on a table that existed before it */
	const ml_enum_value *const *new_enum_values; /* ALTER TYPE ... ADD VALUE earlier in this transaction */
	size_t n_new_enum_values;
	const ml_pending_constraint *const *not_valid_in_tx; /* NOT VALID constraints added earlier in this transaction */
	size_t n_not_valid_in_tx;
	bool dynamic;               /* built from EXECUTE of dynamic SQL; names may be placeholders */
	bool one_query_step;        /* the tool sends the file (or its section) as one query, which
				       runs outside a transaction only while it holds a single
				       statement (golang-migrate, prisma, pop .autocommit., dbmate) */
	ml_stmt_span span;          /* where the statement is: findings point into it */
	const char *slow_work_reported_by; /* see ml_slow_work_reported_by */
	struct ml_arena *arena;     /* text the helpers below return lives here, for the file */
	struct ml_findings *out;    /* ml_report appends here; the engine takes the findings */
	ml_text_mentions *mentions; /* the file's, for ml_file_mentions_from; NULL: none kept */
	const ml_migration_facts *migration; /* where the step stands in its migration (an up or
				       a down, and its counterpart), or NULL when the run does
				       not track it (a tool without downs, the rules off) */
	const ml_observation *observed; /* what PostgreSQL did with the statement (migralint
				       trace), or NULL: not traced */
	const ml_catalog *catalog;  /* for the query functions below */
	const ml_tx *tx;            /* the same */
};

/* The name of the first rule that reported this statement's slow work (a
 * rule with reports_slow_work that found something, whether a comment
 * silences it or not), or NULL. Complete only for a rule that runs_last. */
const char *ml_slow_work_reported_by(const ml_stmt_ctx *ctx);

#endif
