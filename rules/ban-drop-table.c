/*
 * ban-drop-table - DROP TABLE of a table that existed before this file: code
 * still running during the deploy reads and writes it, and every such query
 * fails once it is gone. Tables created earlier in the same file (staging or
 * temporary tables) are the migration's own and stay quiet.
 */
#include <string.h>

#include "rule_api.h"

#define MAX_REFERENCES 32

static bool is_tracked(const ml_dependent_hit *hit)
{
	return hit->dependency == ML_DEPENDENCY_NORMAL;
}

/* Does the DROP statement drop the table named name too? */
static bool dropped_together(const PgQuery__DropStmt *ds, const char *name)
{
	for (size_t i = 0; name && i < ds->n_objects; i++) {
		const PgQuery__Node *o = ds->objects[i];
		if (o && o->node_case == PG_QUERY__NODE__NODE_LIST &&
		    !strcmp(ml_last_name(o->list->items, o->list->n_items), name))
			return true;
	}
	return false;
}

static bool is_untracked(const ml_dependent_hit *hit)
{
	return hit->dependency == ML_DEPENDENCY_UNTRACKED;
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	/* A function body runs per call, as application code (partition
	 * maintenance, for one), not as part of the deploy. */
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_DROP_STMT || ctx->body == ML_BODY_FUNCTION)
		return;
	const PgQuery__DropStmt *ds = ctx->stmt->drop_stmt;
	if (ds->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
		return;
	bool cascade = ds->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
	for (size_t i = 0; i < ds->n_objects; i++) {
		const PgQuery__Node *o = ds->objects[i];
		if (!o || o->node_case != PG_QUERY__NODE__NODE_LIST)
			continue;
		const PgQuery__List *l = o->list;
		/* objects hold [[catalog,] schema,] name as String nodes */
		PgQuery__RangeVar rel = PG_QUERY__RANGE_VAR__INIT;
		rel.relname = (char *)ml_last_name(l->items, l->n_items);
		if (l->n_items >= 2 && l->items[l->n_items - 2] &&
		    l->items[l->n_items - 2]->node_case == PG_QUERY__NODE__NODE_STRING)
			rel.schemaname = l->items[l->n_items - 2]->string->sval;
		if (!*rel.relname || ml_table_is_new(ctx, &rel))
			continue;
		size_t n, n_refs = 0;
		size_t n_all;
		const ml_dependent_hit *all = ml_table_dependents(ctx, &rel, &n_all);
		/* A body the same migration replaces or drops breaks nothing. */
		const ml_dependent_hit *unsettled = ml_dependents_unsettled(ctx, all, n_all, NULL, rel.relname, &n_all);
		/* A foreign key of a table the same statement drops goes with it. */
		ml_dependent_hit hits[MAX_REFERENCES];
		for (size_t k = n = 0; k < n_all && n < MAX_REFERENCES; k++)
			if (!dropped_together(ds, ml_dependent_table(ctx, unsettled[k].dependent)))
				hits[n++] = unsettled[k];
		ml_reference refs[MAX_REFERENCES];
		const char *tracked = ml_dependents_text(ctx, hits, n, is_tracked, cascade ? "cascades" : "fails", refs,
							 MAX_REFERENCES, &n_refs);
		const char *untracked = ml_dependents_text(ctx, hits, n, is_untracked, "breaks", refs, MAX_REFERENCES,
							   &n_refs);
		const char *lead = cascade ? "; CASCADE also drops the views and foreign keys that depend on it" : "";
		if (tracked)
			lead = cascade ? "; CASCADE also drops " : "; it fails: PostgreSQL refuses it without CASCADE while these depend on it: ";
		ml_report_extra extra = { .references = refs, .n_references = n_refs };
		ml_report_extra_at(ctx, self, -1, &extra,
				   "dropping table \"%s\" makes every query of code still running against it fail, and "
				   "the drop waits for an ACCESS EXCLUSIVE lock that queues all other queries on "
				   "it%s%s%s%s",
				   ml_table_name(ctx, &rel), lead, tracked ? tracked : "",
				   untracked ? "; these still name it in bodies PostgreSQL does not track, and fail when "
					       "called: "
					     : "",
				   untracked ? untracked : "");
	}
}

const ml_rule ml_rule_ban_drop_table = {
	.info = {
		.name = "ban-drop-table",
		.severity = ML_SEVERITY_WARNING,
		.summary = "DROP TABLE of a table that existed before the migration",
		.help = "first deploy code that no longer uses the table, then drop it in a later migration with "
			"lock_timeout set",
	},
	.check = check,
};
