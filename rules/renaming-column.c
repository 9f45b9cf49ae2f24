/*
 * renaming-column - ALTER TABLE ... RENAME COLUMN on a table that existed
 * before this file: the rename is instant, but code still running during the
 * deploy names the old column and fails at once. Certain breakage, so error.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_RENAME_STMT || ctx->body == ML_BODY_FUNCTION)
		return;
	const PgQuery__RenameStmt *rs = ctx->stmt->rename_stmt;
	if (rs->rename_type != PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN ||
	    rs->relation_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || ml_table_is_new(ctx, rs->relation))
		return;
	ml_report(ctx, self, -1,
		  "renaming column \"%s\" of \"%s\" to \"%s\" makes every query of code still running that uses "
		  "the old name fail",
		  rs->subname, ml_table_name(ctx, rs->relation), rs->newname);
}

const ml_rule ml_rule_renaming_column = {
	.info = {
		.name = "renaming-column",
		.severity = ML_SEVERITY_ERROR,
		.summary = "ALTER TABLE ... RENAME COLUMN on an existing table",
		.help = "expand and contract: add the new column, write both and backfill in batches, switch reads "
			"to it, and drop the old column in a later migration",
	},
	.check = check,
};
