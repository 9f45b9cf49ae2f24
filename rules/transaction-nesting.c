/*
 * transaction-nesting - BEGIN / START TRANSACTION while a transaction is
 * already open: after an earlier BEGIN of the file, or anywhere in a file the
 * migration tool wraps in its own transaction (--assume-in-transaction).
 * PostgreSQL only warns and ignores the inner BEGIN, so the first COMMIT
 * ends the outer transaction: the statements after it are no longer atomic
 * with those before. A bare COMMIT under --assume-in-transaction is not
 * reported: `COMMIT;` before CREATE INDEX CONCURRENTLY is the documented
 * way out of such a tool's transaction.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_TRANSACTION_STMT || ctx->body != ML_BODY_TOP)
		return;
	PgQuery__TransactionStmtKind kind = ctx->stmt->transaction_stmt->kind;
	if (kind != PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN &&
	    kind != PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START)
		return;
	const char *verb = kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN ? "BEGIN" : "START TRANSACTION";
	if (ctx->tx_state == ML_TX_EXPLICIT)
		ml_report(ctx, self, -1,
			  "a transaction is already open since line %d: PostgreSQL ignores this %s with a warning, "
			  "and the next COMMIT commits everything since line %d",
			  ctx->tx_begin_line, verb, ctx->tx_begin_line);
	else if (ctx->tx_state == ML_TX_ASSUMED)
		ml_report(ctx, self, -1,
			  "the migration tool already runs this file in a transaction: "
			  "PostgreSQL ignores this %s, and the file's COMMIT ends the tool's transaction early",
			  verb);
}

const ml_rule ml_rule_transaction_nesting = {
	.info = {
		.name = "transaction-nesting",
		.severity = ML_SEVERITY_WARNING,
		.summary = "BEGIN inside a transaction that is already open",
		.help = "remove the inner BEGIN and its COMMIT (use SAVEPOINT for a nested unit), or turn the "
			"tool's own transaction off for this file if it must manage transactions itself",
	},
	.check = check,
};
