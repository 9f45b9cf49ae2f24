/*
 * require-concurrent-index-deletion - DROP INDEX without CONCURRENTLY takes
 * ACCESS EXCLUSIVE on the index's table, blocking reads and writes. Quiet for
 * a partitioned index, which PostgreSQL cannot drop concurrently.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_DROP_STMT || ctx->body == ML_BODY_FUNCTION)
		return;
	const PgQuery__DropStmt *ds = ctx->stmt->drop_stmt;
	if (ds->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_INDEX || ds->concurrent)
		return;
	/* An index of a table created in this file is not in use yet, and a
	 * partitioned index cannot be dropped CONCURRENTLY at all (PostgreSQL
	 * refuses it, and nothing else drops it online): both stay quiet. The
	 * engine resolves the indexes the run created; others are reported. */
	bool reported = false;
	for (size_t i = 0; i < ds->n_objects && !reported; i++) {
		const PgQuery__Node *o = ds->objects[i];
		const char *name = o && o->node_case == PG_QUERY__NODE__NODE_LIST
					   ? ml_last_name(o->list->items, o->list->n_items)
					   : NULL;
		if (name && (ml_index_table_is_new(ctx, name) || ml_index_is_partitioned(ctx, name)))
			continue;
		reported = true;
	}
	if (!reported)
		return;
	const char *message = "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table: "
			      "reads and writes block until it finishes";
	size_t len;
	const char *text = ml_stmt_text(ctx, &len);
	size_t after_index = text && ds->n_objects == 1 ? ml_word_end(text, len, "INDEX") : (size_t)-1;
	/* CONCURRENTLY drops one index per statement: no fix for a list. */
	if (after_index != (size_t)-1)
		ml_report_fix(ctx, self, -1, after_index, " CONCURRENTLY", "add CONCURRENTLY", "%s", message);
	else
		ml_report(ctx, self, -1, "%s", message);
}

const ml_rule ml_rule_require_concurrent_index_deletion = {
	.info = {
		.name = "require-concurrent-index-deletion",
		.severity = ML_SEVERITY_WARNING,
		.summary = "DROP INDEX without CONCURRENTLY",
		.help = "use DROP INDEX CONCURRENTLY (one index per statement) in a migration that runs "
			"outside a transaction",
	},
	.check = check,
};
