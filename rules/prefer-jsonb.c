/*
 * prefer-jsonb - a new json column, or a type change to json. json keeps the
 * input text as it was: it has no equality operator (so DISTINCT, UNION,
 * GROUP BY and comparisons fail), no GIN index support, and every access
 * parses it again. jsonb has all three.
 */
#include <string.h>

#include "rule_api.h"

/* Checks one column type the statement defines; type_change is true for
 * ALTER COLUMN ... TYPE. */
static void check_column(const ml_stmt_ctx *ctx, const ml_rule *self, const ml_column_type *col)
{
	const char *name = col->builtin;
	if (!name || strcmp(name, "json") != 0)
		return;
	const char *table = ml_table_name(ctx, col->table);
	ml_report(ctx, self, col->type->location,
		  "column \"%s\" of \"%s\" %s %s: it has no equality operator (DISTINCT, UNION and GROUP "
		  "BY on it fail), no GIN index support, and is parsed again on every access",
		  col->column, table, col->type_change ? "is changed to" : "is", ml_type_text(ctx, col->type));
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	ml_each_column_type(ctx, self, check_column);
}

const ml_rule ml_rule_prefer_jsonb = {
	.info = {
		.name = "prefer-jsonb",
		.severity = ML_SEVERITY_INFO,
		.summary = "a new json column instead of jsonb",
		.help = "use jsonb, unless the exact input text (key order, duplicate keys, whitespace) must be kept",
	},
	.check = check,
};
