/*
 * adding-not-nullable-field - ALTER COLUMN ... SET NOT NULL scans the whole
 * table under ACCESS EXCLUSIVE, unless (PG 12+) a valid CHECK (col IS NOT
 * NULL) already proves it. Outside a transaction on PG 12+ the fix turns
 * the statement into that recipe.
 */
#include "rule_api.h"

/* The fix: the statement becomes the recipe, each step its own statement
 * (autocommit: its own transaction). A CHECK (col IS NOT NULL) added NOT
 * VALID (a brief lock, no scan), validated (a scan under SHARE UPDATE
 * EXCLUSIVE: reads and writes go on), the SET NOT NULL that then skips its
 * scan (PostgreSQL 12+), and the CHECK dropped. */
static void fix_through_check(ml_fix_plan *fix, const ml_stmt_ctx *ctx, const PgQuery__AlterTableStmt *as,
			      const char *column)
{
	const char *table = ml_relation_text(ctx, as->relation);
	if (!table || as->n_cmds != 1 || !as->relation->inh || as->missing_ok) {
		ml_fix_refuse(fix);
		return;
	}
	const char *name = ml_quote_ident(ctx, ml_fix_constraint_name(ctx, as->relation, column, "not_null"));
	const char *before[2] = {
		ml_fix_text(ctx, "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID;", table,
				name, ml_quote_ident(ctx, column)),
		ml_fix_text(ctx, "ALTER TABLE %s VALIDATE CONSTRAINT %s;", table, name),
	};
	ml_fix_lines_before(fix, before, 2);
	ml_fix_statement_after(fix, ml_fix_text(ctx, "ALTER TABLE %s DROP CONSTRAINT %s", table, name));
}

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
		else {
			/* Only PostgreSQL 12+ skips the scan, and only in a later
			 * transaction than the VALIDATE's does the recipe help. */
			ml_fix_plan fix;
			if (ml_fix_start(&fix, ctx) && ctx->tx_state == ML_TX_NONE && ctx->options->pg_major >= 12)
				fix_through_check(&fix, ctx, as, column);
			else
				ml_fix_refuse(&fix);
			ml_report_fixed(ctx, self, -1, NULL, &fix,
					"SET NOT NULL through a validated CHECK (col IS NOT NULL), in separate statements",
					"SET NOT NULL on \"%s\" scans all of \"%s\" under an ACCESS EXCLUSIVE lock, "
					"blocking reads and writes",
					column, table);
		}
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
