/*
 * prefer-timestamptz - a new timestamp (without time zone) column, or a type
 * change to one. It stores a wall-clock reading with no offset, so the same
 * value means different instants for sessions or servers in different time
 * zones, and arithmetic across daylight-saving changes is off by an hour.
 */
#include <string.h>

#include "rule_api.h"

/* Checks one column type the statement defines; type_change is true for
 * ALTER COLUMN ... TYPE. */
static void check_column(const ml_stmt_ctx *ctx, const ml_rule *self, const ml_column_type *col)
{
	const char *name = col->builtin;
	if (!name || strcmp(name, "timestamp") != 0)
		return;
	const char *table = ml_table_name(ctx, col->table);
	ml_report(ctx, self, col->type->location,
		  "column \"%s\" of \"%s\" %s %s without time zone: it stores a wall-clock time with no "
		  "offset, so its values mean different instants to sessions in different time zones",
		  col->column, table, col->type_change ? "is changed to" : "is", ml_type_text(ctx, col->type));
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	ml_each_column_type(ctx, self, check_column);
}

const ml_rule ml_rule_prefer_timestamptz = {
	.info = {
		.name = "prefer-timestamptz",
		.alias = "prefer-timestamp-tz",
		.severity = ML_SEVERITY_INFO,
		.summary = "a new timestamp without time zone column",
		.help = "use timestamptz: it stores an absolute instant and shows it in each session's time zone",
	},
	.check = check,
};
