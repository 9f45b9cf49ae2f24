/*
 * disallowed-unique-constraint - ALTER TABLE ... ADD UNIQUE (or ADD COLUMN
 * ... UNIQUE) on a live table builds the unique index while ALTER TABLE
 * holds ACCESS EXCLUSIVE: reads and writes block for the whole build. The
 * index can be built CONCURRENTLY first and attached with USING INDEX.
 */
#include "rule_api.h"

static const char USING_INDEX_HELP[] =
	"CREATE UNIQUE INDEX CONCURRENTLY on the columns (outside a transaction), then ALTER TABLE ... ADD "
	"CONSTRAINT name UNIQUE USING INDEX index_name, which only takes a brief lock";

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const PgQuery__AlterTableStmt *as = ml_alter_table(ctx);
	/* On a table created earlier in this file, or truncated earlier in this
	 * transaction, the index build is instant. */
	if (!as || ctx->body == ML_BODY_FUNCTION || ctx->body == ML_BODY_PROCEDURE ||
	    ml_table_is_new_or_truncated(ctx, as->relation))
		return;
	const char *table = ml_table_name(ctx, as->relation);
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		const PgQuery__Constraint *con = ml_added_constraint(cmd, PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE);
		const PgQuery__ColumnDef *col = ml_added_column(cmd);
		const PgQuery__Constraint *col_unique = ml_column_constraint(col, PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE);
		/* USING INDEX attaches an index built beforehand. */
		if (con && !(con->indexname && *con->indexname))
			ml_report(ctx, self, con->location,
				  "%s is added to \"%s\" without USING INDEX: its index is built under an ACCESS "
				  "EXCLUSIVE lock, so reads and writes block for the whole build",
				  ml_constraint_label(ctx, con, "UNIQUE constraint", "a UNIQUE constraint"), table);
		else if (col_unique)
			ml_report_help(ctx, self, col_unique->location,
				       "add the column without UNIQUE, CREATE UNIQUE INDEX CONCURRENTLY on it, then "
				       "ADD CONSTRAINT name UNIQUE USING INDEX index_name",
				       "ADD COLUMN \"%s\" ... UNIQUE builds a unique index over every row of \"%s\" "
				       "under an ACCESS EXCLUSIVE lock, so reads and writes block for the whole build",
				       col->colname, table);
	}
}

const ml_rule ml_rule_disallowed_unique_constraint = {
	.info = {
		.name = "disallowed-unique-constraint",
		.severity = ML_SEVERITY_WARNING,
		.summary = "UNIQUE constraint added to an existing table without USING INDEX",
		.help = USING_INDEX_HELP,
	},
	.check = check,
	.reports_slow_work = true,
	.scales_with_table_size = true,
};
