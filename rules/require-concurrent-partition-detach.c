/*
 * require-concurrent-partition-detach - ALTER TABLE parent DETACH PARTITION
 * without CONCURRENTLY takes ACCESS EXCLUSIVE on the partitioned table and
 * on the partition: every read and write of the whole partitioned table
 * blocks. PostgreSQL 14 added DETACH PARTITION ... CONCURRENTLY, which takes
 * only SHARE UPDATE EXCLUSIVE on the parent (and ACCESS EXCLUSIVE on the
 * partition once queries through the parent no longer see it); before 14
 * there is no alternative, so the rule stays quiet there. The fix adds
 * CONCURRENTLY outside a transaction.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const PgQuery__AlterTableStmt *as = ml_alter_table(ctx);
	/* A partitioned table created earlier in this file is not in use yet. */
	if (!as || ctx->body == ML_BODY_FUNCTION || ctx->body == ML_BODY_PROCEDURE ||
	    ctx->options->pg_major < 14 || ml_table_is_new(ctx, as->relation))
		return;
	const char *parent = ml_table_name(ctx, as->relation);
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		/* DETACH ... FINALIZE is its own subcommand: it completes an
		 * interrupted concurrent detach. */
		if (!cmd || cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition || !cmd->def ||
		    cmd->def->node_case != PG_QUERY__NODE__NODE_PARTITION_CMD)
			continue;
		const PgQuery__PartitionCmd *pc = cmd->def->partition_cmd;
		if (pc->concurrent)
			continue;
		const char *partition = pc->name ? ml_table_name(ctx, pc->name) : "?";
		/* PostgreSQL refuses CONCURRENTLY in a transaction block, next to
		 * other subcommands, and while the table has a DEFAULT
		 * partition. */
		ml_fix_plan fix;
		size_t first, last, n;
		const ml_token *t = ml_stmt_tokens(ctx, &n);
		if (ml_fix_start(&fix, ctx) && ctx->tx_state == ML_TX_NONE && as->n_cmds == 1 &&
		    !ml_table_has_default_partition(ctx, as->relation) && ml_alter_cmd_tokens(ctx, as, i, &first, &last))
			ml_fix_insert(&fix, t[last - 1].end, " CONCURRENTLY");
		else
			ml_fix_refuse(&fix);
		ml_report_fixed(ctx, self, pc->name ? pc->name->location : -1, NULL, &fix, "add CONCURRENTLY",
				"DETACH PARTITION \"%s\" without CONCURRENTLY takes ACCESS EXCLUSIVE on \"%s\" and on "
				"the partition: every read and write of the partitioned table blocks until the "
				"transaction ends",
				partition, parent);
	}
}

const ml_rule ml_rule_require_concurrent_partition_detach = {
	.info = {
		.name = "require-concurrent-partition-detach",
		.severity = ML_SEVERITY_WARNING,
		.summary = "DETACH PARTITION without CONCURRENTLY (PostgreSQL 14+)",
		.help = "use ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY in a migration that runs outside a "
			"transaction (not possible while the table has a DEFAULT partition); if it is interrupted, "
			"complete it with DETACH PARTITION ... FINALIZE",
	},
	.check = check,
};
