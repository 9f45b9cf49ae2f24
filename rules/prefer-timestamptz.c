/*
 * prefer-timestamptz - a new timestamp (without time zone) column, or a type
 * change to one. It stores a wall-clock reading with no offset, so the same
 * value means different instants for sessions or servers in different time
 * zones, and arithmetic across daylight-saving changes is off by an hour.
 * On a table the file makes, the fix writes timestamptz.
 */
#include <string.h>

#include "rule_api.h"

/* The fix, on a table this file makes: timestamptz, with the precision
 * kept. Not when the file names the column again after its type: an
 * expression index or generated column on it (date(col), col::date) is
 * immutable only for timestamp, and such uses are not read here. */
static void fix_type(ml_fix_plan *fix, const ml_stmt_ctx *ctx, const ml_column_type *col)
{
	static const char *const TIMESTAMPS[] = { "timestamp", "timestamp without time zone", NULL };
	ml_type_span span;
	if (!ml_fix_start(fix, ctx) || !ml_column_table_is_new(ctx, col) || !ml_type_span_of(ctx, col->type, &span) ||
	    !ml_type_written_as(&span, TIMESTAMPS) || ml_file_mentions_from(ctx, span.end, &col->column, 1)) {
		ml_fix_refuse(fix);
		return;
	}
	size_t len;
	const char *text = ml_stmt_text(ctx, &len);
	const char *mods = ml_fix_text(ctx, "%.*s", (int)(span.mods_end - span.mods_start), text + span.mods_start);
	ml_fix_type(fix, &span, "timestamptz", "timestamptz", mods);
}

/* Checks one column type the statement defines; type_change is true for
 * ALTER COLUMN ... TYPE. */
static void check_column(const ml_stmt_ctx *ctx, const ml_rule *self, const ml_column_type *col)
{
	const char *name = col->builtin;
	if (!name || strcmp(name, "timestamp") != 0)
		return;
	const char *table = ml_table_name(ctx, col->table);
	ml_fix_plan fix;
	fix_type(&fix, ctx, col);
	ml_report_fixed(ctx, self, col->type->location, NULL, &fix, "use timestamptz",
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
