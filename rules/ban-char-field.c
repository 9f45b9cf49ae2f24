/*
 * ban-char-field - a new char(n) / character(n) column (bpchar), or a type
 * change to one. Values are padded with blanks to n characters and trailing
 * blanks are ignored when comparing, which surprises clients, LIKE and
 * concatenation; it is no faster than text. The internal single-byte type
 * "char" (written with quotes) is a different type and stays quiet. For a
 * column of a table the file makes, the fix writes text with a CHECK.
 */
#include <string.h>

#include "rule_api.h"

/* The fix, for a column a table this file makes defines: text, with the
 * limit char(n) enforces kept as CHECK (char_length(col) <= n) after it
 * (char without a length is char(1); bpchar without one has no limit).
 * Not for an array nor for ALTER COLUMN ... TYPE, as prefer-text-field. */
static void fix_type(ml_fix_plan *fix, const ml_stmt_ctx *ctx, const ml_column_type *col)
{
	static const char *const CHARS[] = { "char", "character", "nchar", "national char", "national character",
					     "bpchar", NULL };
	ml_type_span span;
	int limit = 0;
	bool limited = ml_type_modifier(col->type, 0, &limit);
	if (!ml_fix_start(fix, ctx) || col->type_change || !ml_column_table_is_new(ctx, col) ||
	    col->type->n_typmods > 1 || (col->type->n_typmods == 1 && !limited) ||
	    !ml_type_span_of(ctx, col->type, &span) || !ml_type_written_as(&span, CHARS) || span.array) {
		ml_fix_refuse(fix);
		return;
	}
	ml_fix_type(fix, &span, "text", "text",
		    limited ? ml_fix_text(ctx, " CHECK (char_length(%s) <= %d)", ml_quote_ident(ctx, col->column), limit)
			    : NULL);
}

/* Checks one column type the statement defines; type_change is true for
 * ALTER COLUMN ... TYPE. */
static void check_column(const ml_stmt_ctx *ctx, const ml_rule *self, const ml_column_type *col)
{
	const char *name = col->builtin;
	if (!name || strcmp(name, "bpchar") != 0)
		return;
	const char *table = ml_table_name(ctx, col->table);
	ml_fix_plan fix;
	fix_type(&fix, ctx, col);
	ml_report_fixed(ctx, self, col->type->location, NULL, &fix,
			col->type->n_typmods ? "use text with a CHECK on its length" : "use text",
			"column \"%s\" of \"%s\" %s %s: values are padded with blanks to the full length and "
			"trailing blanks are ignored in comparisons, which clients and LIKE do not expect",
			col->column, table, col->type_change ? "is changed to" : "is",
			col->type->n_typmods ? ml_type_text(ctx, col->type) : "bpchar");
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	ml_each_column_type(ctx, self, check_column);
}

const ml_rule ml_rule_ban_char_field = {
	.info = {
		.name = "ban-char-field",
		.severity = ML_SEVERITY_INFO,
		.summary = "a new char(n) / character(n) column, which pads values with blanks",
		.help = "use text (add CHECK (char_length(col) = n) when the length is fixed)",
	},
	.check = check,
};
