/*
 * ban-char-field - a new char(n) / character(n) column (bpchar), or a type
 * change to one. Values are padded with blanks to n characters and trailing
 * blanks are ignored when comparing, which surprises clients, LIKE and
 * concatenation; it is no faster than text. The internal single-byte type
 * "char" (written with quotes) is a different type and stays quiet.
 */
#include <string.h>

#include "rule_api.h"

/* Checks one column type the statement defines; type_change is true for
 * ALTER COLUMN ... TYPE. */
static void check_column(const ml_stmt_ctx *ctx, const ml_rule *self, const ml_column_type *col)
{
	const char *name = col->builtin;
	if (!name || strcmp(name, "bpchar") != 0)
		return;
	const char *table = ml_table_name(ctx, col->table);
	ml_report(ctx, self, col->type->location,
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
