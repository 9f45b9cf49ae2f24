/*
 * adding-serial-primary-key-field - a PRIMARY KEY added to a live table
 * builds its index under the ACCESS EXCLUSIVE lock of ALTER TABLE (plus a
 * scan when its columns are not NOT NULL yet); ADD COLUMN ... serial
 * PRIMARY KEY also rewrites the table to fill the column first. Reads and
 * writes block throughout. A unique index built CONCURRENTLY can become the
 * primary key with USING INDEX under a brief lock.
 */
#include "rule_api.h"

/* Does the new column get a distinct value per existing row (so the
 * primary key can succeed), at the price of a rewrite? */
static bool distinct_per_row(const ml_stmt_ctx *ctx, const PgQuery__ColumnDef *col)
{
	if (ml_column_fills_itself(col))
		return true;
	const PgQuery__Constraint *dflt = ml_column_constraint(col, PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT);
	return dflt && dflt->raw_expr && ml_expr_is_volatile(ctx, dflt->raw_expr, NULL);
}

static void report_column(const ml_stmt_ctx *ctx, const ml_rule *self, const char *table,
			  const PgQuery__ColumnDef *col, const PgQuery__Constraint *pk)
{
	if (distinct_per_row(ctx, col))
		ml_report(ctx, self, pk->location,
			  "ADD COLUMN \"%s\" ... PRIMARY KEY rewrites \"%s\" to fill the new column and then "
			  "builds the primary key index, all under an ACCESS EXCLUSIVE lock that blocks reads "
			  "and writes throughout",
			  col->colname, table);
	else if (ml_column_constraint(col, PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT))
		ml_report(ctx, self, pk->location,
			  "ADD COLUMN \"%s\" ... PRIMARY KEY gives every existing row of \"%s\" the same "
			  "default, so it fails once the table has two rows, after building the index under "
			  "an ACCESS EXCLUSIVE lock that blocks reads and writes",
			  col->colname, table);
	else
		ml_report(ctx, self, pk->location,
			  "ADD COLUMN \"%s\" ... PRIMARY KEY leaves the new column NULL in every existing "
			  "row of \"%s\", so it fails on a table with any row, while holding an ACCESS "
			  "EXCLUSIVE lock that blocks reads and writes",
			  col->colname, table);
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const PgQuery__AlterTableStmt *as = ml_alter_table(ctx);
	/* On a table created earlier in this file, or truncated earlier in this
	 * transaction, the build is instant. */
	if (!as || ctx->body == ML_BODY_FUNCTION || ctx->body == ML_BODY_PROCEDURE ||
	    ml_table_is_new_or_truncated(ctx, as->relation))
		return;
	const char *table = ml_table_name(ctx, as->relation);
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		const PgQuery__Constraint *con = ml_added_constraint(cmd, PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY);
		const PgQuery__ColumnDef *col = ml_added_column(cmd);
		const PgQuery__Constraint *col_pk = ml_column_constraint(col, PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY);
		/* USING INDEX turns an index built beforehand into the key. */
		if (con && !(con->indexname && *con->indexname))
			ml_report(ctx, self, con->location,
				  "PRIMARY KEY is added to \"%s\" without USING INDEX: its index is built under an ACCESS "
				  "EXCLUSIVE lock, so reads and writes block for the whole build",
				  table);
		else if (col_pk)
			report_column(ctx, self, table, col, col_pk);
	}
}

const ml_rule ml_rule_adding_serial_primary_key_field = {
	.info = {
		.name = "adding-serial-primary-key-field",
		.severity = ML_SEVERITY_WARNING,
		.summary = "PRIMARY KEY added to an existing table without USING INDEX",
		.help = "make the columns NOT NULL (for a new column: add it without a default, backfill in "
			"batches, use the CHECK ... NOT VALID recipe), CREATE UNIQUE INDEX CONCURRENTLY on them, then "
			"ALTER TABLE ... ADD CONSTRAINT name PRIMARY KEY USING INDEX index_name",
	},
	.check = check,
	.reports_slow_work = true,
	.scales_with_table_size = true,
};
