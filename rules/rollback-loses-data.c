/*
 * rollback-loses-data - an up drops a table, column or materialized view,
 * and its down makes it again: the structure comes back on rollback, the
 * rows do not. An info note, so that nobody counts on the down to undo
 * the up's data loss.
 */
#include "rule_api.h"

static void finish(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const ml_migration_facts *m = ctx->migration;
	if (!m || !m->down || !m->up || !m->changes)
		return;
	for (size_t i = 0; i < m->up->n_removed; i++) {
		const ml_object_change *c = &m->up->removed[i];
		/* Dropped and made again by the up itself: lost by the up, not the
		 * rollback. */
		if (!c->holds_data || c->renamed_from || ml_step_replaces(m->up, &c->object))
			continue;
		const ml_object_change *again = ml_step_makes(m->changes, &c->object);
		if (!again)
			continue;
		ml_report_span(ctx, self, again->start, again->end,
			       "the up (%s:%d) drops %s and its data; this down makes it again, empty: rolling back "
			       "does not bring the data back",
			       m->up_path, c->line, ml_object_text(ctx, &c->object));
	}
}

const ml_rule ml_rule_rollback_loses_data = {
	.info = {
		.name = "rollback-loses-data",
		.severity = ML_SEVERITY_INFO,
		.summary = "a down makes again what its up dropped, without the data",
		.help = "keep the data the up drops until the change is final (rename the column or table, or copy "
			"the rows to an archive table, and drop it in a later migration), or restore from a backup",
	},
	.finish = finish,
	.about_downs = true,
};
