/*
 * slow-statement-under-exclusive-lock - a scan, rewrite, index build or
 * large UPDATE/DELETE in a transaction that already holds ACCESS EXCLUSIVE
 * on a live table: locks last until COMMIT, so that table is blocked, reads
 * included, for the whole slow statement.
 */
#include "rule_api.h"

static const char *slow_kind(const ml_effect *e)
{
	if (e->many_rows)
		return "changes many rows";
	if (e->rewrite)
		return "rewrites a table";
	if (e->index_build)
		return "builds an index";
	return "scans a whole table";
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	/* A statement PostgreSQL refuses in a transaction never runs there;
	 * concurrently-in-transaction reports it. */
	if (!ctx->effect->slow || ctx->effect->fails_in_transaction || ctx->tx == ML_TX_NONE ||
	    ctx->body == ML_BODY_FUNCTION || ctx->body == ML_BODY_PROCEDURE)
		return;
	for (size_t i = 0; i < ctx->n_held; i++) {
		const ml_lock *held = &ctx->held[i];
		if (held->mode != ML_LOCK_ACCESS_EXCLUSIVE || held->new_table)
			continue;
		ml_report(ctx, self, -1,
			  "%s (%s) while this transaction holds ACCESS EXCLUSIVE on \"%s\" (taken at line %d): "
			  "\"%s\" stays blocked, reads included, until COMMIT",
			  ctx->effect->form, slow_kind(ctx->effect), held->table, held->line, held->table);
		return;
	}
}

const ml_rule ml_rule_slow_statement_under_exclusive_lock = {
	.info = {
		.name = "slow-statement-under-exclusive-lock",
		.severity = ML_SEVERITY_WARNING,
		.summary = "a slow statement while the transaction holds ACCESS EXCLUSIVE on a live table",
		.help = "COMMIT right after the statement that takes the ACCESS EXCLUSIVE lock and do the slow "
			"work (backfill, index build, validation) in its own transactions",
	},
	.check = check,
};
