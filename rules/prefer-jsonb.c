/*
 * prefer-jsonb - a new json column, or a type change to json. json keeps the
 * input text as it was: it has no equality operator (so DISTINCT, UNION,
 * GROUP BY and comparisons fail), no GIN index support, and every access
 * parses it again. jsonb has all three. On a table the file makes, the fix
 * writes jsonb.
 */
#include <string.h>

#include "rule_api.h"

/* The fix, on a table this file makes: jsonb. Not when the file names the
 * column again after its type: json's functions (json_each,
 * json_array_length...) take no jsonb, and such uses are not read here. */
static void fix_type(ml_fix_plan *fix, const ml_stmt_ctx *ctx, const ml_column_type *col)
{
	static const char *const JSON[] = { "json", NULL };
	ml_type_span span;
	if (!ml_fix_start(fix, ctx) || !ml_column_table_is_new(ctx, col) || !ml_type_span_of(ctx, col->type, &span) ||
	    !ml_type_written_as(&span, JSON) || ml_file_mentions_from(ctx, span.end, &col->column, 1)) {
		ml_fix_refuse(fix);
		return;
	}
	ml_fix_type(fix, &span, "jsonb", "jsonb", NULL);
}

/* Checks one column type the statement defines; type_change is true for
 * ALTER COLUMN ... TYPE. */
static void check_column(const ml_stmt_ctx *ctx, const ml_rule *self, const ml_column_type *col)
{
	const char *name = col->builtin;
	if (!name || strcmp(name, "json") != 0)
		return;
	const char *table = ml_table_name(ctx, col->table);
	ml_fix_plan fix;
	fix_type(&fix, ctx, col);
	ml_report_fixed(ctx, self, col->type->location, NULL, &fix, "use jsonb",
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
