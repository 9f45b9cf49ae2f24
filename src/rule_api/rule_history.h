/*
 * rule_history.h - what a rule sees of a whole migration history (one tool's
 * migration directory) when it checks the history rather than a statement:
 * its migrations in the tool's order, each compared with the one git holds
 * at --base when that is given, and where its findings go
 * (ml_report_history, rule_history.c). The run builds the history
 * (src/run/history_checks.c); the engine calls each rule's check_history.
 */
#ifndef MIGRALINT_RULE_HISTORY_H
#define MIGRALINT_RULE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "rule.h"

/* A migration file compared with the one at the base revision. */
typedef enum ml_base_state {
	ML_BASE_UNKNOWN = 0,      /* no --base */
	ML_BASE_NEW,              /* not at the base: written since */
	ML_BASE_SAME,             /* the same text as at the base (line endings aside) */
	ML_BASE_EDITED,           /* its statements changed */
	ML_BASE_COSMETIC,         /* only whitespace or comments changed */
	ML_BASE_DELETED,          /* at the base, gone now (path: where it was) */
	ML_BASE_RENAMED,          /* at the base under base_path; its text as renamed_text says */
} ml_base_state;

/* One migration file of a history. */
typedef struct ml_history_migration {
	const char *path;         /* as the run names it; for a deleted one, where it was */
	const char *version;      /* as its tool reads it, or NULL (Flyway R__, plain without digits) */
	bool down;                /* a down file (an up file with a down section says false) */
	int group;                /* the tool's order class (Flyway: 0 versioned, 1 repeatable) */
	bool planned;             /* the tool's own plan orders it (sqitch.plan, a journal), not
				     its version */
	size_t order;             /* its place in the tool's order among the migrations now */
	bool reported;            /* linted and reported by this run, not only context */
	const char *text;         /* its text now, when read (with --base), else NULL */
	size_t len;
	ml_base_state base;
	const char *base_path;    /* ML_BASE_RENAMED: its path at the base */
	ml_base_state renamed_text; /* ML_BASE_RENAMED: ML_BASE_SAME, _EDITED or _COSMETIC */
	size_t changed_at;        /* _EDITED, _COSMETIC: byte of text where it first differs */
} ml_history_migration;

struct ml_history_findings;

/* A history, for a rule's check_history. Valid during the call only. */
typedef struct ml_history_ctx {
	const ml_options *options;
	const char *tool;         /* the tool's name ("goose") */
	const char *root;         /* its migration directory */
	const char *out_of_order; /* what the tool does with a migration older than an applied
				     one (one sentence), or NULL */
	bool out_of_order_fails;  /* the tool refuses it: the deploy fails */
	bool versioned;           /* the tool keys what it applied by version or plan entry; false
				     for plain, whose runner is unknown (numbers in its names may
				     only sort the files) */
	const char *base_ref;     /* --base as given, or NULL */
	const ml_history_migration *migrations; /* ups and downs now, in the tool's order, then the
				     ones deleted since the base */
	size_t n;
	struct ml_arena *arena;   /* for messages */
	struct ml_history_findings *out;
} ml_history_ctx;

/* Do a and b have one version, compared as versions (001 is 1, 1_2 is
 * 1.2)? False when either has none. */
bool ml_history_same_version(const ml_history_migration *a, const ml_history_migration *b);

/* Reports a finding of rule on migration m (an index into ctx->migrations)
 * at byte offset at of its text (0 for a migration without text). step
 * moves the rule's severity for the file up (+1) or down (-1) a level, for
 * a finding graver or milder than the rule's usual one (Flyway refusing an
 * out-of-order migration; an edit to comments only). The message is
 * printf-formatted; the help is the rule's. */
void ml_report_history(const ml_history_ctx *ctx, const ml_rule *rule, size_t m, size_t at, int step,
		       const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
