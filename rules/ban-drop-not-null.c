/*
 * ban-drop-not-null - ALTER COLUMN ... DROP NOT NULL on a table that existed
 * before this file. The change itself is instant, but from then on NULLs can
 * be written, and code still running may assume the column never holds one.
 * A column the run knows to be nullable already changes nothing: quiet.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const PgQuery__AlterTableStmt *as = ml_alter_table(ctx);
	if (!as || ctx->body == ML_BODY_FUNCTION || ml_table_is_new(ctx, as->relation))
		return;
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		if (!cmd || cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull)
			continue;
		/* A column the run knows allows NULL already: nothing changes. */
		const ml_column_facts *facts = ml_column_find(ctx, as->relation, cmd->name);
		if (facts && facts->nullable)
			continue;
		ml_report(ctx, self, -1,
			  "dropping NOT NULL on column \"%s\" of \"%s\" lets NULLs in, which breaks code still "
			  "running that assumes the column always has a value",
			  cmd->name, ml_table_name(ctx, as->relation));
	}
}

const ml_rule ml_rule_ban_drop_not_null = {
	.info = {
		.name = "ban-drop-not-null",
		.severity = ML_SEVERITY_WARNING,
		.summary = "ALTER COLUMN ... DROP NOT NULL on an existing table",
		.help = "first deploy code that copes with NULL in the column, then drop NOT NULL in a later "
			"migration (suppress with a reason once that is done)",
	},
	.check = check,
};
