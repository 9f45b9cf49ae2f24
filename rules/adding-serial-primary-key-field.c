/*
 * adding-serial-primary-key-field - a PRIMARY KEY added to a live table
 * builds its index under the ACCESS EXCLUSIVE lock of ALTER TABLE (plus a
 * scan when its columns are not NOT NULL yet); ADD COLUMN ... serial
 * PRIMARY KEY also rewrites the table to fill the column first. Reads and
 * writes block throughout. A unique index built CONCURRENTLY can become the
 * primary key with USING INDEX under a brief lock.
 */
#include "rule_api.h"

static const PgQuery__Constraint *column_constraint(const PgQuery__ColumnDef *col, PgQuery__ConstrType type)
{
	for (size_t k = 0; k < col->n_constraints; k++) {
		const PgQuery__Node *c = col->constraints[k];
		if (c && c->node_case == PG_QUERY__NODE__NODE_CONSTRAINT && c->constraint->contype == type)
			return c->constraint;
	}
	return NULL;
}

/* Does the new column get a distinct value per existing row (so the
 * primary key can succeed), at the price of a rewrite? */
static bool fills_itself(const ml_stmt_ctx *ctx, const PgQuery__ColumnDef *col)
{
	if (ml_type_is_serial(col->type_name) || column_constraint(col, PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY) ||
	    column_constraint(col, PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED))
		return true;
	const PgQuery__Constraint *dflt = column_constraint(col, PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT);
	return dflt && dflt->raw_expr && ml_expr_is_volatile(ctx, dflt->raw_expr, NULL);
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT || ctx->body == ML_BODY_FUNCTION ||
	    ctx->body == ML_BODY_PROCEDURE)
		return;
	const PgQuery__AlterTableStmt *as = ctx->stmt->alter_table_stmt;
	/* On a table created earlier in this file the build is instant. */
	if (!as->relation || ml_table_is_new(ctx, as->relation))
		return;
	const char *table = ml_table_name(ctx, as->relation);
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__Node *n = as->cmds[i];
		if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
			continue;
		const PgQuery__AlterTableCmd *cmd = n->alter_table_cmd;
		const PgQuery__Node *def = cmd->def;
		switch (cmd->subtype) {
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse: {
			if (!def || def->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
				break;
			const PgQuery__Constraint *con = def->constraint;
			/* USING INDEX turns an index built beforehand into the key. */
			if (con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY || (con->indexname && *con->indexname))
				break;
			ml_report(ctx, self, con->location,
				  "PRIMARY KEY is added to \"%s\" without USING INDEX: its index is built under an ACCESS "
				  "EXCLUSIVE lock, so reads and writes block for the whole build",
				  table);
			break;
		}
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse: {
			if (!def || def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF)
				break;
			const PgQuery__ColumnDef *col = def->column_def;
			const PgQuery__Constraint *pk = column_constraint(col, PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY);
			if (!pk)
				break;
			if (fills_itself(ctx, col))
				ml_report(ctx, self, pk->location,
					  "ADD COLUMN \"%s\" ... PRIMARY KEY rewrites \"%s\" to fill the new column and then "
					  "builds the primary key index, all under an ACCESS EXCLUSIVE lock that blocks reads "
					  "and writes throughout",
					  col->colname, table);
			else if (column_constraint(col, PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT))
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
			break;
		}
		default:
			break;
		}
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
};
