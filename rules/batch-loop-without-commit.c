/*
 * batch-loop-without-commit - an UPDATE or DELETE on a live table inside a
 * PL/pgSQL loop of a DO block or procedure that never COMMITs. Splitting a
 * backfill into batches only helps when each batch commits: without COMMIT
 * every batch is part of one transaction, so the row locks of all of them
 * are held to the end, and the dead rows cannot be vacuumed until then.
 * Function bodies are left alone: a function cannot COMMIT.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->loop_depth == 0 || ctx->loop_commits ||
	    (ctx->body != ML_BODY_DO && ctx->body != ML_BODY_PROCEDURE))
		return;
	const PgQuery__RangeVar *rel;
	const char *verb;
	if (ctx->stmt->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT) {
		rel = ctx->stmt->update_stmt->relation;
		verb = "UPDATE of";
	} else if (ctx->stmt->node_case == PG_QUERY__NODE__NODE_DELETE_STMT) {
		rel = ctx->stmt->delete_stmt->relation;
		verb = "DELETE from";
	} else {
		return;
	}
	if (!rel || ml_table_is_new(ctx, rel))
		return;
	ml_report(ctx, self, -1,
		  "%s \"%s\" in a %s loop that never COMMITs: all batches are one transaction, so the row "
		  "locks of every batch are held until it ends",
		  verb, ml_table_name(ctx, rel), ctx->body == ML_BODY_DO ? "DO block" : "procedure");
}

const ml_rule ml_rule_batch_loop_without_commit = {
	.info = {
		.name = "batch-loop-without-commit",
		.severity = ML_SEVERITY_WARNING,
		.summary = "an UPDATE or DELETE in a PL/pgSQL loop that never COMMITs, so all batches are one transaction",
		.help = "COMMIT after each batch inside the loop (PostgreSQL 11+, in a DO block or procedure run "
			"outside a transaction block), or run each batch as its own statement from the client",
	},
	.check = check,
	.scales_with_table_size = true,
};
