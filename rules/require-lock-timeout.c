/*
 * require-lock-timeout - the file's first statement that needs a lock
 * stronger than SHARE UPDATE EXCLUSIVE on a table that existed before the
 * migration, with no SET lock_timeout earlier in the file. A lock request
 * that waits (behind a long query or an idle transaction) holds its place in
 * the table's lock queue, and every later request that conflicts with it
 * waits behind it: for ACCESS EXCLUSIVE that is every query on the table,
 * plain SELECTs included. lock_timeout turns that wait into a quick error.
 * Reported once per file: one SET covers the whole file. The fix puts
 * SET lock_timeout = '5s' on a line before the statement.
 */
#include "rule_api.h"

/* Who queues behind a waiting request for mode. */
static const char *queued_behind(ml_lock_mode mode)
{
	switch (mode) {
	case ML_LOCK_ACCESS_EXCLUSIVE:
		return "every later query on it, plain SELECTs included,";
	case ML_LOCK_EXCLUSIVE:
		return "every later query on it except plain SELECTs";
	default:
		return "every later INSERT, UPDATE and DELETE on it";
	}
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const ml_lock *lock = ml_first_strong_lock(ctx);
	if (!lock || ctx->lock_timeout_set)
		return;
	/* The fix sets it just before the statement: SET LOCAL in a
	 * transaction, which ends with it. A plain SET lasts for the session,
	 * and a CONCURRENTLY build waiting for older transactions past it is
	 * cancelled and leaves an INVALID index: no fix when the file has one,
	 * or a statement another fix makes one. */
	static const char *const CONCURRENT[] = { "concurrently", "index", "reindex", "detach" };
	ml_fix_plan fix;
	if (ml_fix_start(&fix, ctx) &&
	    (ctx->tx_state != ML_TX_NONE ||
	     !ml_file_mentions_from(ctx, 0, CONCURRENT, sizeof(CONCURRENT) / sizeof(CONCURRENT[0])))) {
		const char *line = ctx->tx_state == ML_TX_NONE ? "SET lock_timeout = '5s';" : "SET LOCAL lock_timeout = '5s';";
		ml_fix_lines_before(&fix, &line, 1);
	} else {
		ml_fix_refuse(&fix);
	}
	ml_report_fixed(ctx, self, -1, NULL, &fix, "set lock_timeout before the statement",
			"%s needs %s on \"%s\" and no lock_timeout is set: while it waits for the lock, %s "
			"queues behind it",
			ctx->effect->form, ml_lock_mode_name(lock->mode), lock->table, queued_behind(lock->mode));
}

const ml_rule ml_rule_require_lock_timeout = {
	.info = {
		.name = "require-lock-timeout",
		.severity = ML_SEVERITY_WARNING,
		.summary = "a lock stronger than SHARE UPDATE EXCLUSIVE on a live table with no lock_timeout set",
		.help = "start the file with SET lock_timeout = '5s'; (SET LOCAL inside BEGIN): a blocked "
			"migration then fails fast and can be retried, instead of stalling traffic",
	},
	.check = check,
};
