/*
 * disallowed-unique-constraint - ALTER TABLE ... ADD UNIQUE (or ADD COLUMN
 * ... UNIQUE) on a live table builds the unique index while ALTER TABLE
 * holds ACCESS EXCLUSIVE: reads and writes block for the whole build. The
 * index can be built CONCURRENTLY first and attached with USING INDEX.
 */
#include <stdio.h>

#include "rule_api.h"

static const char USING_INDEX_HELP[] =
	"CREATE UNIQUE INDEX CONCURRENTLY on the columns (outside a transaction), then ALTER TABLE ... ADD "
	"CONSTRAINT name UNIQUE USING INDEX index_name, which only takes a brief lock";

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT || ctx->body == ML_BODY_FUNCTION ||
	    ctx->body == ML_BODY_PROCEDURE)
		return;
	const PgQuery__AlterTableStmt *as = ctx->stmt->alter_table_stmt;
	/* On a table created earlier in this file the index build is instant. */
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
			/* USING INDEX attaches an index built beforehand. */
			if (con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE || (con->indexname && *con->indexname))
				break;
			char label[160];
			if (con->conname && *con->conname)
				snprintf(label, sizeof(label), "UNIQUE constraint \"%s\"", con->conname);
			else
				snprintf(label, sizeof(label), "a UNIQUE constraint");
			ml_report(ctx, self, con->location,
				  "%s is added to \"%s\" without USING INDEX: its index is built under an ACCESS "
				  "EXCLUSIVE lock, so reads and writes block for the whole build",
				  label, table);
			break;
		}
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse: {
			if (!def || def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF)
				break;
			const PgQuery__ColumnDef *col = def->column_def;
			for (size_t k = 0; k < col->n_constraints; k++) {
				const PgQuery__Node *c = col->constraints[k];
				if (!c || c->node_case != PG_QUERY__NODE__NODE_CONSTRAINT ||
				    c->constraint->contype != PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE)
					continue;
				ml_report_help(ctx, self, c->constraint->location,
					       "add the column without UNIQUE, CREATE UNIQUE INDEX CONCURRENTLY on it, then "
					       "ADD CONSTRAINT name UNIQUE USING INDEX index_name",
					       "ADD COLUMN \"%s\" ... UNIQUE builds a unique index over every row of \"%s\" "
					       "under an ACCESS EXCLUSIVE lock, so reads and writes block for the whole build",
					       col->colname, table);
				break;
			}
			break;
		}
		default:
			break;
		}
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
};
