/*
 * down-does-not-reverse-up - a down migration that does not undo its up:
 * something the up makes (a table, column, index, constraint, type,
 * function, view...) that the down leaves, something the up drops or
 * renames that the down does not bring back, or something the down drops
 * that its up never made. Each is named, with the line of the up that
 * made or removed it. The comparison needs both steps read completely: a
 * syntax error or dynamic SQL in either leaves the pair unjudged.
 */
#include "rule_api.h"

static void finish(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const ml_migration_facts *m = ctx->migration;
	if (!m || !m->down || !m->up || !m->changes || !m->up->complete || !m->changes->complete)
		return;
	if (m->irreversible && *m->irreversible)
		return;
	const ml_step_changes *up = m->up, *down = m->changes;
	/* Extensions are the database's more than the migration's (often
	 * installed beforehand, shared by other schemas): a down that leaves one
	 * installed, or drops one, is not judged. */
	for (size_t i = 0; i < up->n_made; i++) {
		const ml_object_change *c = &up->made[i];
		if (c->object.kind == ML_OBJECT_EXTENSION || ml_step_removes(down, &c->object) || ml_step_replaces(up, &c->object))
			continue;
		if (c->renamed_from)
			ml_report_span(ctx, self, m->step_start, m->step_start,
				       "the up (%s:%d) renames %s from \"%s\"; this down does not rename it back",
				       m->up_path, c->line, ml_object_text(ctx, &c->object), c->renamed_from);
		else
			ml_report_span(ctx, self, m->step_start, m->step_start,
				       "the up (%s:%d) makes %s; this down does not drop it", m->up_path, c->line,
				       ml_object_text(ctx, &c->object));
	}
	for (size_t i = 0; i < up->n_removed; i++) {
		const ml_object_change *c = &up->removed[i];
		if (c->object.kind == ML_OBJECT_EXTENSION || c->renamed_from || ml_step_makes(down, &c->object) ||
		    ml_step_replaces(up, &c->object))
			continue; /* a rename is judged by its new name, above */
		ml_report_span(ctx, self, m->step_start, m->step_start,
			       "the up (%s:%d) drops %s; this down does not make it again", m->up_path, c->line,
			       ml_object_text(ctx, &c->object));
	}
	for (size_t i = 0; i < down->n_removed; i++) {
		const ml_object_change *c = &down->removed[i];
		if (c->object.kind == ML_OBJECT_EXTENSION || c->renamed_from || ml_step_replaces(down, &c->object) ||
		    (ml_step_makes(up, &c->object) && !ml_step_replaces(up, &c->object)))
			continue;
		ml_report_span(ctx, self, c->start, c->end, "this down drops %s, which its up (%s) does not make",
			       ml_object_text(ctx, &c->object), m->up_path);
	}
}

const ml_rule ml_rule_down_does_not_reverse_up = {
	.info = {
		.name = "down-does-not-reverse-up",
		.severity = ML_SEVERITY_WARNING,
		.summary = "a down migration that does not undo its up",
		.help = "make the down the up's mirror: drop what the up makes, in reverse order, make again what "
			"it drops, rename back what it renames, and touch nothing else",
	},
	.finish = finish,
	.about_downs = true,
};
