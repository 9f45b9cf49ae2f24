/*
 * missing-down-migration - an up migration of a tool with downs (goose,
 * dbmate, golang-migrate, diesel, pop, sqitch, sql-migrate; Flyway undo and
 * sqlx where the directory uses them) that has no down, or a down that
 * runs nothing. A rollback then has to be written during the incident it
 * is for. An up that says "-- migralint: irreversible: <reason>" has no
 * down on purpose.
 */
#include "rule_api.h"

static void finish(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const ml_migration_facts *m = ctx->migration;
	if (!m || m->down || (m->irreversible && *m->irreversible))
		return;
	const char *no_reason = m->irreversible ? " (its \"migralint: irreversible\" comment gives no reason: add one "
						  "after a colon)"
						: "";
	/* A comment without a reason is where the fix goes. */
	size_t at = m->irreversible ? m->irreversible_at : m->step_start;
	if (m->down_presence == ML_DOWN_MISSING)
		ml_report_span(ctx, self, at, at,
			       "this migration has no down: rolling it back means writing one when it is needed%s",
			       no_reason);
	else if (m->down_presence == ML_DOWN_EMPTY && m->down_path)
		ml_report_span(ctx, self, at, at,
			       "the down of this migration (%s) runs no statement: a rollback reports success and "
			       "leaves the schema as the up made it%s",
			       m->down_path, no_reason);
	else if (m->down_presence == ML_DOWN_EMPTY)
		ml_report_span(ctx, self, at, at,
			       "the down section of this migration runs no statement: a rollback reports success and "
			       "leaves the schema as the up made it%s",
			       no_reason);
}

const ml_rule ml_rule_missing_down_migration = {
	.info = {
		.name = "missing-down-migration",
		.severity = ML_SEVERITY_WARNING,
		.summary = "an up migration without a down, or with an empty one",
		.help = "write the down that undoes the up (drop what it makes, make again what it drops), or say "
			"why there is none with a \"-- migralint: irreversible: <reason>\" comment in the up",
	},
	.finish = finish,
};
