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
	/* CONCURRENTLY drops one index per statement, without CASCADE, and
	 * not inside a transaction block: no fix for the others. */
	ml_fix_plan fix;
	if (ml_fix_start(&fix, ctx) && ctx->tx_state == ML_TX_NONE && ds->n_objects == 1 &&
	    ds->behavior != PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
		ml_fix_insert(&fix, ml_stmt_word_end(ctx, 0, "INDEX"), " CONCURRENTLY");
	else
		ml_fix_refuse(&fix);
	ml_report_fixed(ctx, self, -1, NULL, &fix, "add CONCURRENTLY",
			"DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table: reads and "
			"writes block until it finishes");
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
