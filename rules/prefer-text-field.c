/*
 * prefer-text-field - a new varchar(n) column (or a type change to one). The
 * length limit lives in the column type, so changing it later is an ALTER
 * COLUMN ... TYPE under an ACCESS EXCLUSIVE lock (only lengthening is
 * metadata-only, since 9.2; shortening rewrites the table). text with a CHECK
 * on char_length(col) keeps the limit in a constraint that can be replaced
 * NOT VALID and validated without blocking writes.
 */
#include <string.h>

#include "rule_api.h"

/* Checks one column type the statement defines; type_change is true for
 * ALTER COLUMN ... TYPE. */
static void check_column(const ml_stmt_ctx *ctx, const ml_rule *self, const ml_column_type *col)
{
	const char *name = col->builtin;
	/* varchar without a length is text by another name */
	if (!name || strcmp(name, "varchar") != 0 || col->type->n_typmods == 0)
		return;
	const char *table = ml_table_name(ctx, col->table);
	ml_report(ctx, self, col->type->location,
		  "column \"%s\" of \"%s\" %s %s: changing the limit later takes an ACCESS EXCLUSIVE lock "
		  "on the table, and shortening it rewrites the table",
		  col->column, table, col->type_change ? "is changed to" : "is", ml_type_text(ctx, col->type));
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	ml_each_column_type(ctx, self, check_column);
}

const ml_rule ml_rule_prefer_text_field = {
	.info = {
		.name = "prefer-text-field",
		.severity = ML_SEVERITY_INFO,
		.summary = "a new varchar(n) column, whose length limit can only change under ACCESS EXCLUSIVE",
		.help = "use text with CHECK (char_length(col) <= n); to change the limit later, add the new check "
			"NOT VALID, VALIDATE it in a later transaction, and drop the old one",
	},
	.check = check,
};
