/*
 * exclusion-constraint - ALTER TABLE ... ADD EXCLUDE on a live table builds
 * the constraint's index while ALTER TABLE holds ACCESS EXCLUSIVE: reads
 * and writes block for the whole build. Unlike UNIQUE and PRIMARY KEY there
 * is no online way round it: no USING INDEX for exclusion constraints and
 * no CONCURRENTLY, so the message says so instead of offering a recipe.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const PgQuery__AlterTableStmt *as = ml_alter_table(ctx);
	/* On a table created earlier in this file, or truncated earlier in this
	 * transaction, the build is instant. */
	if (!as || ctx->body == ML_BODY_FUNCTION || ctx->body == ML_BODY_PROCEDURE ||
	    ml_table_is_new_or_truncated(ctx, as->relation))
		return;
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__Constraint *con =
			ml_added_constraint(ml_alter_cmd(as, i), PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION);
		if (!con)
			continue;
		ml_report(ctx, self, con->location,
			  "%s on \"%s\" builds its index under an ACCESS EXCLUSIVE lock, blocking reads and writes for "
			  "the whole build, and PostgreSQL has no online way to add one (no USING INDEX, no "
			  "CONCURRENTLY)",
			  ml_constraint_label(ctx, con, "EXCLUDE constraint", "an EXCLUDE constraint"),
			  ml_table_name(ctx, as->relation));
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
	.reports_slow_work = true,
	.scales_with_table_size = true,
};
