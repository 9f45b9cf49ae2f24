/*
 * renaming-table - ALTER TABLE ... RENAME TO on a table that existed before
 * this file: the rename is instant, but code still running during the deploy
 * names the old table and fails at once. Certain breakage, so error. Index
 * renames (ALTER INDEX ... RENAME) break nothing and are not reported.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_RENAME_STMT || ctx->body == ML_BODY_FUNCTION)
		return;
	const PgQuery__RenameStmt *rs = ctx->stmt->rename_stmt;
	if (rs->rename_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || ml_table_is_new(ctx, rs->relation))
		return;
	ml_report(ctx, self, -1,
		  "renaming table \"%s\" to \"%s\" makes every query of code still running that uses the old "
		  "name fail",
		  ml_table_name(ctx, rs->relation), rs->newname);
}

const ml_rule ml_rule_renaming_table = {
	.info = {
		.name = "renaming-table",
		.severity = ML_SEVERITY_ERROR,
		.summary = "ALTER TABLE ... RENAME TO on an existing table",
		.help = "rename it and, in the same transaction, create a view with the old name (SELECT * FROM "
			"the new one, which stays writable); drop the view once no code uses the old name",
	},
	.check = check,
};
