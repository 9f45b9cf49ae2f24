/*
 * require-concurrent-index-deletion - DROP INDEX without CONCURRENTLY takes
 * ACCESS EXCLUSIVE on the index's table, blocking reads and writes.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_DROP_STMT || ctx->body == ML_BODY_FUNCTION)
		return;
	const PgQuery__DropStmt *ds = ctx->stmt->drop_stmt;
	if (ds->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_INDEX || ds->concurrent)
		return;
	/* The engine resolved each index to its table; one created in this
	 * run is not in use yet. */
	for (size_t i = 0; i < ctx->effect->n_locks; i++) {
		if (ctx->effect->locks[i].new_table)
			continue;
		const char *message = "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table: "
				      "reads and writes block until it finishes";
		size_t len;
		const char *text = ml_stmt_text(ctx, &len);
		size_t after_index = text && ds->n_objects == 1 ? ml_word_end(text, len, "INDEX") : (size_t)-1;
		/* CONCURRENTLY drops one index per statement: no fix for a list. */
		if (after_index != (size_t)-1)
			ml_report_fix(ctx, self, -1, after_index, " CONCURRENTLY", "add CONCURRENTLY", "%s", message);
		else
			ml_report(ctx, self, -1, "%s", message);
		return;
	}
}

const ml_rule ml_rule_require_concurrent_index_deletion = {
	.info = {
		.name = "require-concurrent-index-deletion",
		.severity = ML_SEVERITY_WARNING,
		.summary = "DROP INDEX without CONCURRENTLY",
		.help = "use DROP INDEX CONCURRENTLY (one index per statement) in a migration that runs "
			"outside a transaction",
	},
	.check = check,
};
