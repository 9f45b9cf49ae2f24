/*
 * unbatched-update - a UPDATE on an existing table that is not limited to one
 * batch: one statement holds row locks on every row it touches until commit
 * and bloats the table. The engine decides what counts as a batch
 * (effects.c, ml_where_is_batched). Quiet on a table emptied earlier in the
 * transaction: no row is left for it to touch.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	/* A function body runs per call, as application code, not as a
	 * one-off backfill. */
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_UPDATE_STMT || ctx->body == ML_BODY_FUNCTION)
		return;
	const PgQuery__RangeVar *rel = ctx->stmt->update_stmt->relation;
	if (!ctx->effect->unbatched || ml_table_is_new(ctx, rel) ||
	    ml_table_emptied(ctx, rel) != ML_NOT_EMPTIED)
		return;
	ml_report(ctx, self, -1,
		  "UPDATE on \"%s\" is not limited to one batch: it locks every matching row until commit%s",
		  ml_table_name(ctx, rel),
		  ctx->stmt->update_stmt->where_clause ? "" : " (no WHERE: the whole table)");
}

const ml_rule ml_rule_unbatched_update = {
	.info = {
		.name = "unbatched-update",
		.severity = ML_SEVERITY_WARNING,
		.summary = "UPDATE not limited to one batch on an existing table",
		.help = "run it in batches of a few thousand rows by key range (WHERE id >= x AND id < y), each "
			"batch its own transaction, e.g. a DO loop or procedure that COMMITs, outside the "
			"schema migration",
	},
	.check = check,
	.reports_slow_work = true,
	.scales_with_table_size = true,
};
