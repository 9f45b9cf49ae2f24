/*
 * ban-uncommitted-transaction - a BEGIN / START TRANSACTION that the file
 * never closes with COMMIT, ROLLBACK or END. When the session ends the open
 * transaction is rolled back, so everything after the BEGIN is silently
 * undone (while the tool may record the migration as applied); when the
 * session goes on, the tool's next statements run inside it. Under
 * --assume-in-transaction the tool's own COMMIT closes whatever is open at
 * the end, which is why files end with `COMMIT; CREATE INDEX CONCURRENTLY
 * ...; BEGIN;` for such tools: nothing is reported there.
 */
#include "rule_api.h"

static void finish(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->tx_state != ML_TX_EXPLICIT || ctx->options->assume_in_transaction)
		return;
	ml_report(ctx, self, -1,
		  "the transaction begun at line %d is still open at the end of the file: when the session "
		  "ends, PostgreSQL rolls back every statement it has not committed",
		  ctx->tx_begin_line);
}

const ml_rule ml_rule_ban_uncommitted_transaction = {
	.info = {
		.name = "ban-uncommitted-transaction",
		.severity = ML_SEVERITY_WARNING,
		.summary = "BEGIN without a matching COMMIT or ROLLBACK before the end of the file",
		.help = "end the transaction with COMMIT; at the end of the file (or drop the BEGIN when the "
			"migration tool already wraps the file in a transaction)",
	},
	.finish = finish,
};
