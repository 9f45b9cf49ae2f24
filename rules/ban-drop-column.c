/*
 * ban-drop-column - DROP COLUMN breaks the application code still running
 * during a rolling deploy that reads or writes the column.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT)
		return;
	const PgQuery__AlterTableStmt *as = ctx->stmt->alter_table_stmt;
	if (as->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || ml_table_is_new(ctx, as->relation))
		return;
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__Node *n = as->cmds[i];
		if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD ||
		    n->alter_table_cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn)
			continue;
		ml_report(ctx, self, -1,
			  "dropping column \"%s\" of \"%s\" breaks code that still reads or writes it during the "
			  "deploy",
			  n->alter_table_cmd->name, ml_table_name(ctx, as->relation));
	}
}

const ml_rule ml_rule_ban_drop_column = {
	.info = {
		.name = "ban-drop-column",
		.severity = ML_SEVERITY_WARNING,
		.summary = "ALTER TABLE ... DROP COLUMN on an existing table",
		.help = "expand and contract: stop reading and writing the column, deploy, then drop it in a "
			"later migration with lock_timeout set",
	},
	.check = check,
};
