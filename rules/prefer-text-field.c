/*
 * prefer-text-field - a new varchar(n) column (or a type change to one). The
 * length limit lives in the column type, so changing it later is an ALTER
 * COLUMN ... TYPE under an ACCESS EXCLUSIVE lock (only lengthening is
 * metadata-only, since 9.2; shortening rewrites the table). text with a CHECK
 * on char_length(col) keeps the limit in a constraint that can be replaced
 * NOT VALID and validated without blocking writes. For a column of a table
 * the file makes, the fix writes that.
 */
#include <string.h>

#include "rule_api.h"

/* The fix, for a column a table this file makes defines: text, with the
 * limit kept as CHECK (char_length(col) <= n) after it, as the docs advise.
 * Not for an array (the check would be on each element) nor for ALTER
 * COLUMN ... TYPE (which takes no constraint). */
static void fix_type(ml_fix_plan *fix, const ml_stmt_ctx *ctx, const ml_column_type *col)
{
	static const char *const VARCHARS[] = { "varchar", "character varying", "char varying", "nchar varying",
						"national character varying", "national char varying", NULL };
	ml_type_span span;
	int limit;
	if (!ml_fix_start(fix, ctx) || col->type_change || !ml_column_table_is_new(ctx, col) ||
	    !ml_type_modifier(col->type, 0, &limit) || col->type->n_typmods != 1 ||
	    !ml_type_span_of(ctx, col->type, &span) || !ml_type_written_as(&span, VARCHARS) || span.array) {
		ml_fix_refuse(fix);
		return;
	}
	ml_fix_type(fix, &span, "text", "text",
		    ml_fix_text(ctx, " CHECK (char_length(%s) <= %d)", ml_quote_ident(ctx, col->column), limit));
}

/* Checks one column type the statement defines; type_change is true for
 * ALTER COLUMN ... TYPE. */
static void check_column(const ml_stmt_ctx *ctx, const ml_rule *self, const ml_column_type *col)
{
	const char *name = col->builtin;
	/* varchar without a length is text by another name */
	if (!name || strcmp(name, "varchar") != 0 || col->type->n_typmods == 0)
		return;
	const char *table = ml_table_name(ctx, col->table);
	ml_fix_plan fix;
	fix_type(&fix, ctx, col);
	ml_report_fixed(ctx, self, col->type->location, NULL, &fix, "use text with a CHECK on its length",
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
