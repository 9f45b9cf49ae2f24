/*
 * adding-not-nullable-field - ALTER COLUMN ... SET NOT NULL scans the whole
 * table under ACCESS EXCLUSIVE, unless (PG 12+) a valid CHECK (col IS NOT
 * NULL) already proves it.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const PgQuery__AlterTableStmt *as = ml_alter_table(ctx);
	if (!as || ml_table_is_new_or_truncated(ctx, as->relation))
		return;
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		if (!cmd || cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull)
			continue;
		const char *column = cmd->name;
		const char *table = ml_table_name(ctx, as->relation);
		const ml_column_facts *facts = ml_column_find(ctx, as->relation, column);
		if (facts && facts->valid_not_null_check && ctx->options->pg_major >= 12)
			continue;
		if (facts && facts->valid_not_null_check)
			ml_report(ctx, self, -1,
				  "SET NOT NULL on \"%s\" scans all of \"%s\" under an ACCESS EXCLUSIVE lock: the "
				  "valid CHECK (%s IS NOT NULL) only lets PostgreSQL 12+ skip the scan",
				  column, table, column);
		else if (facts && facts->pending_not_null_check)
			ml_report(ctx, self, -1,
				  "SET NOT NULL on \"%s\" scans all of \"%s\" under an ACCESS EXCLUSIVE lock: its "
				  "CHECK (%s IS NOT NULL) is NOT VALID and was never validated, so it does not help",
				  column, table, column);
		else
			ml_report(ctx, self, -1,
				  "SET NOT NULL on \"%s\" scans all of \"%s\" under an ACCESS EXCLUSIVE lock, "
				  "blocking reads and writes",
				  column, table);
	}
}

const ml_rule ml_rule_adding_not_nullable_field = {
	.info = {
		.name = "adding-not-nullable-field",
		.severity = ML_SEVERITY_WARNING,
		.summary = "ALTER COLUMN ... SET NOT NULL scans the table under ACCESS EXCLUSIVE",
		.help = "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; commit; VALIDATE CONSTRAINT c; then "
			"SET NOT NULL (PG 12+ skips the scan) and DROP CONSTRAINT c",
	},
	.check = check,
	.reports_slow_work = true,
	.scales_with_table_size = true,
};
