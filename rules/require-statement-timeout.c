/*
 * require-statement-timeout - the file's first statement that needs a lock
 * stronger than SHARE UPDATE EXCLUSIVE on a table that existed before the
 * migration, with no SET statement_timeout earlier in the file. Such a lock
 * blocks writes (or reads too) for as long as the statement runs; a scan or
 * rewrite nobody expected to be long then becomes an outage with no upper
 * bound. The trigger is the strong lock, not every statement: a
 * statement_timeout would cancel a CREATE INDEX CONCURRENTLY (SHARE UPDATE
 * EXCLUSIVE, harmless to traffic but long) and leave an INVALID index.
 * Reported once per file. The fix puts SET statement_timeout = '15s' on a
 * line before the statement.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const ml_lock *lock = ml_first_strong_lock(ctx);
	if (!lock || ctx->statement_timeout_set)
		return;
	/* The fix sets it just before the statement: SET LOCAL in a
	 * transaction, which ends with it. A plain SET lasts for the session,
	 * and would cancel a long statement that blocks nobody: no fix when
	 * the file has one (CONCURRENTLY, VALIDATE CONSTRAINT), or a statement
	 * another fix turns into one (an index, a CHECK or foreign key made
	 * NOT VALID and validated, SET NOT NULL through a validated CHECK). */
	static const char *const LONG[] = { "concurrently", "index", "reindex", "detach", "validate", "check",
					    "references", "foreign", "set not null" };
	ml_fix_plan fix;
	if (ml_fix_start(&fix, ctx) &&
	    (ctx->tx_state != ML_TX_NONE || !ml_file_mentions_from(ctx, 0, LONG, sizeof(LONG) / sizeof(LONG[0])))) {
		const char *line = ctx->tx_state == ML_TX_NONE ? "SET statement_timeout = '15s';"
							       : "SET LOCAL statement_timeout = '15s';";
		ml_fix_lines_before(&fix, &line, 1);
	} else {
		ml_fix_refuse(&fix);
	}
	ml_report_fixed(ctx, self, -1, NULL, &fix, "set statement_timeout before the statement",
			"%s needs %s on \"%s\" and no statement_timeout is set: nothing bounds how long it holds "
			"that lock, blocking %s, if it runs longer than expected",
			ctx->effect->form, ml_lock_mode_name(lock->mode), lock->table,
			lock->mode == ML_LOCK_ACCESS_EXCLUSIVE ? "reads and writes" : "writes");
}

const ml_rule ml_rule_require_statement_timeout = {
	.info = {
		.name = "require-statement-timeout",
		.severity = ML_SEVERITY_WARNING,
		.summary = "a lock stronger than SHARE UPDATE EXCLUSIVE on a live table with no statement_timeout set",
		.help = "SET statement_timeout = '...'; before the locking statements (SET LOCAL inside BEGIN), "
			"sized to the longest you accept the table being blocked; long CONCURRENTLY builds go in "
			"their own file without it",
	},
	.check = check,
};
