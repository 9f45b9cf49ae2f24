/*
 * ban-drop-column - DROP COLUMN breaks the application code still running
 * during a rolling deploy that reads or writes the column. The fallback
 * for when migralint cannot tell: with the application's code given
 * (--references), dropped-column-still-referenced reports the drops
 * something still uses, and this rule stays quiet.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const PgQuery__AlterTableStmt *as = ml_alter_table(ctx);
	if (!as || ml_table_is_new(ctx, as->relation) || ctx->options->n_references > 0)
		return;
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		if (!cmd || cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn)
			continue;
		ml_report(ctx, self, -1,
			  "dropping column \"%s\" of \"%s\" breaks code that still reads or writes it during the "
			  "deploy (--references PATH checks the application's code for uses instead)",
			  cmd->name, ml_table_name(ctx, as->relation));
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
