/*
 * require-enum-value-ordering - ALTER TYPE ... ADD VALUE without BEFORE or
 * AFTER. An enum sorts and compares by declaration order, not by label, so
 * where the new value goes decides ORDER BY, <, > and range checks on every
 * column of the type. Without a position it goes last, which is right only
 * by accident; asking for BEFORE/AFTER makes the author decide and the
 * reviewer see it.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_ALTER_ENUM_STMT)
		return;
	const PgQuery__AlterEnumStmt *es = ctx->stmt->alter_enum_stmt;
	if (!es->new_val || !*es->new_val || (es->old_val && *es->old_val))
		return; /* RENAME VALUE keeps the position */
	if (es->new_val_neighbor && *es->new_val_neighbor)
		return;
	ml_report(ctx, self, -1,
		  "ALTER TYPE %s ADD VALUE '%s' without BEFORE or AFTER puts the value last in the sort order "
		  "of %s, which decides ORDER BY and comparisons on every column of that type",
		  ml_last_name(es->type_name, es->n_type_name), es->new_val,
		  ml_last_name(es->type_name, es->n_type_name));
}

const ml_rule ml_rule_require_enum_value_ordering = {
	.info = {
		.name = "require-enum-value-ordering",
		.severity = ML_SEVERITY_INFO,
		.summary = "ALTER TYPE ... ADD VALUE without BEFORE or AFTER",
		.help = "say where the value sorts: ADD VALUE 'x' BEFORE 'y' or AFTER 'y' (AFTER the current "
			"last value when last is what you want)",
	},
	.check = check,
};
