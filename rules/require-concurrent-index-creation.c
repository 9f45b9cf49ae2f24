/*
 * require-concurrent-index-creation - CREATE INDEX without CONCURRENTLY on a
 * table that existed before this migration: the SHARE lock blocks every
 * write to the table for the whole index build.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_INDEX_STMT || ctx->body == ML_BODY_FUNCTION)
		return;
	const PgQuery__IndexStmt *ix = ctx->stmt->index_stmt;
	/* ON ONLY a partitioned parent builds nothing: the index stays
	 * invalid until each partition's index is attached. */
	if (ix->concurrent || !ix->relation || !ix->relation->inh || ml_table_is_new(ctx, ix->relation))
		return;
	size_t len;
	const char *text = ml_stmt_text(ctx, &len);
	size_t after_index = text ? ml_word_end(text, len, "INDEX") : (size_t)-1;
	const char *message = "CREATE INDEX on \"%s\" without CONCURRENTLY takes a SHARE lock: writes to the "
			      "table block until the index is built";
	if (after_index != (size_t)-1)
		ml_report_fix(ctx, self, ix->relation->location, after_index, " CONCURRENTLY", "add CONCURRENTLY",
			      message, ml_table_name(ctx, ix->relation));
	else
		ml_report(ctx, self, ix->relation->location, message, ml_table_name(ctx, ix->relation));
}

const ml_rule ml_rule_require_concurrent_index_creation = {
	.info = {
		.name = "require-concurrent-index-creation",
		.severity = ML_SEVERITY_WARNING,
		.summary = "CREATE INDEX without CONCURRENTLY on an existing table",
		.help = "use CREATE INDEX CONCURRENTLY in a migration that runs outside a transaction; if it "
			"fails it leaves an INVALID index: drop it and run it again",
	},
	.check = check,
};
