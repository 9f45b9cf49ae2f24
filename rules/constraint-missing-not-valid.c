/*
 * constraint-missing-not-valid - a CHECK constraint added to a live table
 * without NOT VALID scans every row under the ACCESS EXCLUSIVE lock of
 * ALTER TABLE; so does ADD COLUMN with a CHECK, new column or not. And
 * VALIDATE CONSTRAINT in the same transaction as the NOT VALID add gains
 * nothing: the ADD's lock is still held while VALIDATE scans.
 * FOREIGN KEY without NOT VALID is adding-foreign-key-constraint's finding,
 * not reported here a second time. Outside a transaction the fix adds NOT
 * VALID and a VALIDATE CONSTRAINT statement after the ADD.
 */
#include <string.h>

#include "rule_api.h"

/* The strongest mode the transaction already holds on table, or NONE. */
static ml_lock_mode held_on(const ml_stmt_ctx *ctx, const char *table)
{
	for (size_t i = 0; i < ctx->n_held; i++)
		if (!strcmp(ctx->held[i].table, table))
			return ctx->held[i].mode;
	return ML_LOCK_NONE;
}

/* What other sessions can no longer do on a table locked in mode. */
static const char *blocked_by(ml_lock_mode mode)
{
	if (mode == ML_LOCK_ACCESS_EXCLUSIVE)
		return "reads and writes";
	if (mode >= ML_LOCK_SHARE)
		return "writes";
	return "schema changes";
}

static void check_validate(const ml_stmt_ctx *ctx, const ml_rule *self, const PgQuery__AlterTableStmt *as,
			   const PgQuery__AlterTableCmd *cmd)
{
	const char *table = ml_table_name(ctx, as->relation);
	for (size_t i = 0; i < ctx->n_not_valid_in_tx; i++) {
		const ml_pending_constraint *p = ctx->not_valid_in_tx[i];
		if (strcmp(p->table, table) || !cmd->name || strcmp(p->name, cmd->name))
			continue;
		ml_lock_mode held = held_on(ctx, table);
		if (held == ML_LOCK_NONE)
			held = ML_LOCK_ACCESS_EXCLUSIVE;
		ml_report_help(ctx, self, -1,
			       "COMMIT between the NOT VALID add and VALIDATE CONSTRAINT; with a migration tool that "
			       "wraps each file in a transaction, put VALIDATE CONSTRAINT in the next migration",
			       "VALIDATE CONSTRAINT \"%s\" runs in the transaction that added it NOT VALID (line %d): "
			       "the %s lock from that ADD is still held on \"%s\", blocking %s while VALIDATE scans "
			       "the table, so NOT VALID saves nothing",
			       cmd->name, p->line, ml_lock_mode_name(held), table, blocked_by(held));
		return;
	}
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const PgQuery__AlterTableStmt *as = ml_alter_table(ctx);
	/* A table created earlier in this file is empty: the scan is free
	 * and no one else uses the table yet. So is one truncated earlier in
	 * this transaction, which is locked already. */
	if (!as || ctx->body == ML_BODY_FUNCTION || ctx->body == ML_BODY_PROCEDURE ||
	    ml_table_is_new_or_truncated(ctx, as->relation))
		return;
	const char *table = ml_table_name(ctx, as->relation);
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		const PgQuery__Constraint *con = ml_added_constraint(cmd, PG_QUERY__CONSTR_TYPE__CONSTR_CHECK);
		const PgQuery__ColumnDef *col = ml_added_column(cmd);
		const PgQuery__Constraint *col_check = ml_column_constraint(col, PG_QUERY__CONSTR_TYPE__CONSTR_CHECK);
		if (con && !con->skip_validation) {
			ml_lock_mode mode = ml_lock_mode_on(ctx, table, ML_LOCK_ACCESS_EXCLUSIVE);
			/* In a transaction the VALIDATE would scan under the ADD's
			 * lock, and NOT VALID alone leaves the constraint
			 * unchecked: no fix there. */
			ml_fix_plan fix;
			if (ml_fix_start(&fix, ctx) && ctx->tx_state == ML_TX_NONE)
				ml_fix_not_valid(&fix, as, i, con);
			else
				ml_fix_refuse(&fix);
			ml_report_fixed(ctx, self, con->location, NULL, &fix,
					"add NOT VALID and VALIDATE CONSTRAINT in a separate statement",
					"%s is added to \"%s\" without NOT VALID: it scans every row under an %s lock "
					"that blocks %s until the transaction ends",
					ml_constraint_label(ctx, con, "CHECK constraint", "a CHECK constraint"), table,
					ml_lock_mode_name(mode), blocked_by(mode));
		} else if (col_check) {
			/* PostgreSQL checks the new column's value in every
			 * existing row (a full scan), though it is NULL or the
			 * default everywhere; a column CHECK cannot be NOT VALID. */
			ml_report_help(ctx, self, col_check->location,
				       "add the column without the CHECK, then ADD CONSTRAINT ... CHECK (...) NOT "
				       "VALID and VALIDATE CONSTRAINT in a later transaction",
				       "ADD COLUMN \"%s\" with a CHECK constraint scans every row of \"%s\" to check "
				       "it, under an ACCESS EXCLUSIVE lock that blocks reads and writes, even though "
				       "the column is new",
				       col->colname, table);
		} else if (cmd && ML_AT_IS(cmd->subtype, ValidateConstraint)) {
			check_validate(ctx, self, as, cmd);
		}
	}
}

const ml_rule ml_rule_constraint_missing_not_valid = {
	.info = {
		.name = "constraint-missing-not-valid",
		.severity = ML_SEVERITY_WARNING,
		.summary = "CHECK constraint added without NOT VALID, or validated in the transaction that added it",
		.help = "ADD CONSTRAINT ... CHECK (...) NOT VALID (a brief lock, no scan), commit, then "
			"ALTER TABLE ... VALIDATE CONSTRAINT in a later transaction: it scans without blocking reads "
			"or writes",
	},
	.check = check,
	.reports_slow_work = true,
	.scales_with_table_size = true,
};
