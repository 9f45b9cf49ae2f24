/*
 * exclusion-constraint - ALTER TABLE ... ADD EXCLUDE on a live table builds
 * the constraint's index while ALTER TABLE holds ACCESS EXCLUSIVE: reads
 * and writes block for the whole build. Unlike UNIQUE and PRIMARY KEY there
 * is no online way round it: no USING INDEX for exclusion constraints and
 * no CONCURRENTLY, so the message says so instead of offering a recipe.
 */
#include <stdio.h>

#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT || ctx->body == ML_BODY_FUNCTION ||
	    ctx->body == ML_BODY_PROCEDURE)
		return;
	const PgQuery__AlterTableStmt *as = ctx->stmt->alter_table_stmt;
	/* On a table created earlier in this file the build is instant. */
	if (!as->relation || ml_table_is_new(ctx, as->relation))
		return;
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__Node *n = as->cmds[i];
		if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
			continue;
		const PgQuery__AlterTableCmd *cmd = n->alter_table_cmd;
		if (cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint &&
		    cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse)
			continue;
		if (!cmd->def || cmd->def->node_case != PG_QUERY__NODE__NODE_CONSTRAINT ||
		    cmd->def->constraint->contype != PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION)
			continue;
		const PgQuery__Constraint *con = cmd->def->constraint;
		char label[160];
		if (con->conname && *con->conname)
			snprintf(label, sizeof(label), "EXCLUDE constraint \"%s\"", con->conname);
		else
			snprintf(label, sizeof(label), "an EXCLUDE constraint");
		ml_report(ctx, self, con->location,
			  "%s on \"%s\" builds its index under an ACCESS EXCLUSIVE lock, blocking reads and writes for "
			  "the whole build, and PostgreSQL has no online way to add one (no USING INDEX, no "
			  "CONCURRENTLY)",
			  label, ml_table_name(ctx, as->relation));
	}
}

const ml_rule ml_rule_exclusion_constraint = {
	.info = {
		.name = "exclusion-constraint",
		.severity = ML_SEVERITY_WARNING,
		.summary = "EXCLUDE constraint added to an existing table, which has no online alternative",
		.help = "there is no non-blocking way: add it while the table is small, in a maintenance window "
			"with lock_timeout set, or in the CREATE TABLE of a new table; otherwise enforce the rule with "
			"a trigger that takes an advisory lock per key and checks for conflicts",
	},
	.check = check,
};
