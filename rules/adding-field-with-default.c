/*
 * adding-field-with-default - ADD COLUMN whose DEFAULT makes PostgreSQL
 * rewrite the table under ACCESS EXCLUSIVE: any default before PG 11, a
 * volatile one (or a serial column) on every version.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const PgQuery__AlterTableStmt *as = ml_alter_table(ctx);
	if (!as || ml_table_is_new_or_truncated(ctx, as->relation))
		return;
	const char *table = ml_table_name(ctx, as->relation);
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__ColumnDef *def = ml_added_column(ml_alter_cmd(as, i));
		if (!def)
			continue;
		const PgQuery__Constraint *dflt = ml_column_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT);
		const char *volatile_fn = NULL;
		if (ml_type_is_serial(def->type_name)) {
			ml_report(ctx, self, def->location,
				  "adding serial column \"%s\" fills it from a sequence (nextval() is volatile): "
				  "\"%s\" is rewritten under an ACCESS EXCLUSIVE lock",
				  def->colname, table);
		} else if (dflt && dflt->raw_expr && ml_expr_is_volatile(ctx, dflt->raw_expr, &volatile_fn)) {
			ml_report(ctx, self, dflt->location,
				  "the DEFAULT of column \"%s\" calls %s(), which is volatile: \"%s\" is rewritten "
				  "under an ACCESS EXCLUSIVE lock",
				  def->colname, volatile_fn, table);
		} else if (dflt && ctx->options->pg_major < 11) {
			ml_report(ctx, self, dflt->location,
				  "before PostgreSQL 11 any DEFAULT on a new column rewrites \"%s\" under an ACCESS "
				  "EXCLUSIVE lock",
				  table);
		}
	}
}

const ml_rule ml_rule_adding_field_with_default = {
	.info = {
		.name = "adding-field-with-default",
		.severity = ML_SEVERITY_WARNING,
		.summary = "ADD COLUMN with a DEFAULT that rewrites the table",
		.help = "on PG 11+ use a constant DEFAULT (metadata only); for a volatile value add the column "
			"without it, SET DEFAULT afterwards (new rows only) and backfill old rows in batches",
	},
	.check = check,
	.reports_slow_work = true,
	.scales_with_table_size = true,
};
