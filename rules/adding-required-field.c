/*
 * adding-required-field - ADD COLUMN ... NOT NULL without a DEFAULT on an
 * existing table: PostgreSQL rejects it as soon as the table has a row.
 */
#include "rule_api.h"

static bool has_constraint(const PgQuery__ColumnDef *def, PgQuery__ConstrType type)
{
	for (size_t i = 0; i < def->n_constraints; i++) {
		const PgQuery__Node *n = def->constraints[i];
		if (n && n->node_case == PG_QUERY__NODE__NODE_CONSTRAINT && n->constraint->contype == type)
			return true;
	}
	return false;
}

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
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT)
		return;
	const PgQuery__AlterTableStmt *as = ctx->stmt->alter_table_stmt;
	if (ml_table_is_new(ctx, as->relation))
		return;
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__Node *n = as->cmds[i];
		if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD ||
		    n->alter_table_cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn || !n->alter_table_cmd->def ||
		    n->alter_table_cmd->def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF)
			continue;
		const PgQuery__ColumnDef *def = n->alter_table_cmd->def->column_def;
		bool not_null = def->is_not_null || has_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL) ||
				has_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY);
		/* serial, identity and generated columns fill every row themselves */
		bool fills_itself = ml_type_is_serial(def->type_name) ||
				    has_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY) ||
				    has_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED);
		if (!not_null || fills_itself || has_real_default(def))
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
