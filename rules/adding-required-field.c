/*
 * adding-required-field - ADD COLUMN ... NOT NULL without a DEFAULT on an
 * existing table: PostgreSQL rejects it as soon as the table has a row. A
 * table emptied earlier in the same transaction (TRUNCATE, DELETE without
 * WHERE) has none the statement can see, so it succeeds: quiet.
 */
#include "rule_api.h"

/* DEFAULT NULL fills nothing: the column still has no usable default. */
static bool has_real_default(const PgQuery__ColumnDef *def)
{
	for (size_t i = 0; i < def->n_constraints; i++) {
		const PgQuery__Node *n = def->constraints[i];
		if (!n || n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT ||
		    n->constraint->contype != PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT)
			continue;
		const PgQuery__Node *e = n->constraint->raw_expr;
		if (e && e->node_case == PG_QUERY__NODE__NODE_A_CONST && e->a_const->isnull)
			continue;
		return true;
	}
	return false;
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const PgQuery__AlterTableStmt *as = ml_alter_table(ctx);
	if (!as || ml_table_is_new(ctx, as->relation) || ml_table_emptied(ctx, as->relation) != ML_NOT_EMPTIED)
		return;
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__ColumnDef *def = ml_added_column(ml_alter_cmd(as, i));
		if (!def)
			continue;
		bool not_null = def->is_not_null || ml_column_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL) ||
				ml_column_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY);
		if (!not_null || ml_column_fills_itself(def) || has_real_default(def))
			continue;
		ml_report(ctx, self, def->location,
			  "adding NOT NULL column \"%s\" without a DEFAULT fails on \"%s\" as soon as it has a row",
			  def->colname, ml_table_name(ctx, as->relation));
	}
}

const ml_rule ml_rule_adding_required_field = {
	.info = {
		.name = "adding-required-field",
		.severity = ML_SEVERITY_ERROR,
		.summary = "ADD COLUMN ... NOT NULL without a DEFAULT on an existing table",
		.help = "add the column nullable (or with a constant DEFAULT on PG 11+), backfill it in batches, "
			"then ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, and SET NOT NULL",
	},
	.check = check,
};
