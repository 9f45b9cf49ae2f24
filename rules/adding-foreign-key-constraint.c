/*
 * adding-foreign-key-constraint - a FOREIGN KEY added to a live table
 * without NOT VALID: PostgreSQL checks every existing row against the
 * referenced table while holding SHARE ROW EXCLUSIVE on both tables, so
 * writes to both block for the whole scan. ADD COLUMN ... REFERENCES skips
 * the scan when the new column is all NULL (no DEFAULT) but still locks the
 * referenced table against writes, on top of the ACCESS EXCLUSIVE of the
 * ADD COLUMN. Outside a transaction the fix adds NOT VALID and a VALIDATE
 * CONSTRAINT statement after the ADD.
 */
#include <string.h>

#include "rule_api.h"

/* What other sessions can no longer do on a table locked in mode. */
static const char *blocked_by(ml_lock_mode mode)
{
	return mode == ML_LOCK_ACCESS_EXCLUSIVE ? "reads and writes" : "writes";
}

static void report_constraint(const ml_stmt_ctx *ctx, const ml_rule *self, const PgQuery__AlterTableStmt *as,
			      size_t i, const PgQuery__Constraint *con)
{
	const PgQuery__RangeVar *rel = as->relation;
	const char *table = ml_table_name(ctx, rel);
	const char *ref = ml_table_name(ctx, con->pktable);
	ml_lock_mode table_mode = ml_lock_mode_on(ctx, table, ML_LOCK_SHARE_ROW_EXCLUSIVE);
	ml_lock_mode ref_mode = ml_lock_mode_on(ctx, ref, ML_LOCK_SHARE_ROW_EXCLUSIVE);
	const char *label = ml_constraint_label(ctx, con, "FOREIGN KEY", "a FOREIGN KEY");
	/* In a transaction the VALIDATE would run under the ADD's locks, and
	 * NOT VALID alone leaves the key unchecked: no fix there. PostgreSQL
	 * 15 cannot add a NOT VALID foreign key to a partitioned table. */
	ml_fix_plan fix;
	if (ml_fix_start(&fix, ctx) && ctx->tx_state == ML_TX_NONE && !ml_table_is_partitioned(ctx, rel))
		ml_fix_not_valid(&fix, as, i, con);
	else
		ml_fix_refuse(&fix);
	const char *description = "add NOT VALID and VALIDATE CONSTRAINT in a separate statement";
	if (!strcmp(table, ref) || table_mode == ref_mode)
		ml_report_fixed(ctx, self, con->location, NULL, &fix, description,
				"%s is added to \"%s\" without NOT VALID: every existing row is checked against \"%s\" "
				"while %s locks on %s block %s until the transaction ends",
				label, table, ref, ml_lock_mode_name(table_mode),
				strcmp(table, ref) ? "both tables" : "the table", blocked_by(table_mode));
	else
		ml_report_fixed(ctx, self, con->location, NULL, &fix, description,
				"%s is added to \"%s\" without NOT VALID: every existing row is checked against \"%s\" "
				"while %s blocks %s of \"%s\" and %s blocks %s of \"%s\" until the transaction ends",
				label, table, ref, ml_lock_mode_name(table_mode), blocked_by(table_mode), table,
				ml_lock_mode_name(ref_mode), blocked_by(ref_mode), ref);
}

static void report_column(const ml_stmt_ctx *ctx, const ml_rule *self, const PgQuery__RangeVar *rel,
			  const PgQuery__ColumnDef *col, const PgQuery__Constraint *con)
{
	const char *table = ml_table_name(ctx, rel);
	const char *ref = ml_table_name(ctx, con->pktable);
	ml_lock_mode table_mode = ml_lock_mode_on(ctx, table, ML_LOCK_ACCESS_EXCLUSIVE);
	ml_lock_mode ref_mode = ml_lock_mode_on(ctx, ref, ML_LOCK_SHARE_ROW_EXCLUSIVE);
	/* PostgreSQL skips the check only when the new column is all NULL:
	 * with a DEFAULT, every row's value is looked up in the referenced
	 * table. */
	if (ml_column_constraint(col, PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT)) {
		if (ml_table_is_new_or_truncated(ctx, rel))
			return; /* no row to check the default of */
		ml_report_help(ctx, self, con->location,
			       "add the column without REFERENCES, then ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, "
			       "commit, and VALIDATE CONSTRAINT in a later transaction",
			       "ADD COLUMN \"%s\" ... DEFAULT ... REFERENCES \"%s\" checks the default of every existing "
			       "row of \"%s\" against \"%s\" while %s blocks %s of \"%s\" and %s blocks %s of \"%s\" "
			       "until the transaction ends",
			       col->colname, ref, table, ref, ml_lock_mode_name(table_mode), blocked_by(table_mode), table,
			       ml_lock_mode_name(ref_mode), blocked_by(ref_mode), ref);
		return;
	}
	ml_report_help(ctx, self, con->location,
		       "set lock_timeout first and commit soon after, so a wait behind a long transaction fails "
		       "fast instead of queueing every query; or add the column alone and the constraint later "
		       "with NOT VALID, then VALIDATE CONSTRAINT in another transaction",
		       "ADD COLUMN \"%s\" ... REFERENCES \"%s\" locks \"%s\" in %s mode, blocking its %s, on top of "
		       "%s on \"%s\": the check itself is cheap because the new column is all NULL, but both "
		       "locks last until the transaction ends",
		       col->colname, ref, ref, ml_lock_mode_name(ref_mode), blocked_by(ref_mode),
		       ml_lock_mode_name(table_mode), table);
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const PgQuery__AlterTableStmt *as = ml_alter_table(ctx);
	/* A table created earlier in this file is empty and unused: nothing
	 * to check, no one to block on it. */
	if (!as || ctx->body == ML_BODY_FUNCTION || ctx->body == ML_BODY_PROCEDURE ||
	    ml_table_is_new(ctx, as->relation))
		return;
	/* One truncated earlier in this transaction has no row to check, but
	 * the lock on the referenced table still lasts until COMMIT. */
	bool nothing_to_check = ml_table_is_new_or_truncated(ctx, as->relation);
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		const PgQuery__Constraint *con = ml_added_constraint(cmd, PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN);
		if (con && !con->skip_validation && con->pktable && !nothing_to_check)
			report_constraint(ctx, self, as, i, con);
		/* every REFERENCES of a new column, not only the first */
		const PgQuery__ColumnDef *col = ml_added_column(cmd);
		for (size_t k = 0; col && k < col->n_constraints; k++) {
			const PgQuery__Node *c = col->constraints[k];
			if (c && c->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
			    c->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN && c->constraint->pktable)
				report_column(ctx, self, as->relation, col, c->constraint);
		}
	}
}

const ml_rule ml_rule_adding_foreign_key_constraint = {
	.info = {
		.name = "adding-foreign-key-constraint",
		.severity = ML_SEVERITY_WARNING,
		.summary = "FOREIGN KEY added to an existing table without NOT VALID",
		.help = "ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID (a brief lock, no scan), commit, then "
			"ALTER TABLE ... VALIDATE CONSTRAINT in a later transaction: it scans without blocking writes",
	},
	.check = check,
	.reports_slow_work = true,
	.scales_with_table_size = true,
};
