/*
 * require-concurrent-index-creation - CREATE INDEX without CONCURRENTLY on a
 * table that existed before this migration: the SHARE lock blocks every
 * write to the table for the whole index build. On a partitioned table,
 * where PostgreSQL refuses CONCURRENTLY, the finding gives the recipe that
 * works instead: an index ON ONLY the parent, built concurrently on each
 * partition and attached. The fix adds CONCURRENTLY outside a transaction
 * (inside one PostgreSQL rejects it).
 */
#include <stdio.h>

#include "rule_api.h"

static void report_partitioned(const ml_stmt_ctx *ctx, const ml_rule *self, const PgQuery__IndexStmt *ix)
{
	const char *table = ml_table_name(ctx, ix->relation);
	const char *index = ix->idxname && *ix->idxname ? ix->idxname : "parent_idx";
	const char *partitions = ml_partition_names(ctx, ix->relation);
	char help[1024];
	snprintf(help, sizeof(help),
		 "create the index on the parent alone with CREATE INDEX %s ON ONLY %s (...), which builds "
		 "nothing and leaves it invalid; then, outside a transaction, for each partition (%s) run "
		 "CREATE INDEX CONCURRENTLY on the partition and ALTER INDEX %s ATTACH PARTITION with that "
		 "index: %s becomes valid once every partition has its index attached",
		 index, table, partitions ? partitions : "every partition", index, index);
	ml_report_help(ctx, self, ix->relation->location, help,
		       "CREATE INDEX on partitioned table \"%s\" builds the index on every partition under SHARE "
		       "locks: writes to all of them block until it is built, and PostgreSQL cannot build it "
		       "CONCURRENTLY on a partitioned table",
		       table);
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_INDEX_STMT || ctx->body == ML_BODY_FUNCTION)
		return;
	const PgQuery__IndexStmt *ix = ctx->stmt->index_stmt;
	/* ON ONLY a partitioned parent builds nothing: the index stays
	 * invalid until each partition's index is attached. */
	if (ix->concurrent || !ix->relation || !ix->relation->inh ||
	    ml_table_is_new_or_truncated(ctx, ix->relation))
		return;
	if (ml_table_is_partitioned(ctx, ix->relation)) {
		report_partitioned(ctx, self, ix);
		return;
	}
	/* CONCURRENTLY fails inside a transaction block. */
	ml_fix_plan fix;
	if (ml_fix_start(&fix, ctx) && ctx->tx_state == ML_TX_NONE)
		ml_fix_insert(&fix, ml_stmt_word_end(ctx, 0, "INDEX"), " CONCURRENTLY");
	else
		ml_fix_refuse(&fix);
	ml_report_fixed(ctx, self, ix->relation->location, NULL, &fix, "add CONCURRENTLY",
			"CREATE INDEX on \"%s\" without CONCURRENTLY takes a SHARE lock: writes to the table block "
			"until the index is built",
			ml_table_name(ctx, ix->relation));
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
	.reports_slow_work = true,
	.scales_with_table_size = true,
};
