/*
 * adding-field-with-default - ADD COLUMN whose DEFAULT makes PostgreSQL
 * rewrite the table under ACCESS EXCLUSIVE: any default before PG 11, a
 * volatile one (or a serial column) on every version.
 */
#include "rule_api.h"

static const PgQuery__Constraint *default_of(const PgQuery__ColumnDef *def)
{
	for (size_t i = 0; i < def->n_constraints; i++) {
		const PgQuery__Node *n = def->constraints[i];
		if (n && n->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
		    n->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT)
			return n->constraint;
	}
	return NULL;
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT)
		return;
	const PgQuery__AlterTableStmt *as = ctx->stmt->alter_table_stmt;
	if (ml_table_is_new(ctx, as->relation))
		return;
	const char *table = ml_table_name(ctx, as->relation);
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__Node *n = as->cmds[i];
		if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD ||
		    n->alter_table_cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn || !n->alter_table_cmd->def ||
		    n->alter_table_cmd->def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF)
			continue;
		const PgQuery__ColumnDef *def = n->alter_table_cmd->def->column_def;
		const PgQuery__Constraint *dflt = default_of(def);
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
};
