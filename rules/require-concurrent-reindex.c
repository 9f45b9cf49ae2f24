/*
 * require-concurrent-reindex - REINDEX without CONCURRENTLY takes SHARE on
 * the table (writes block) and ACCESS EXCLUSIVE on every index it rebuilds;
 * since planning any query on the table locks all its indexes, nearly all
 * reads block too. PostgreSQL 12 added REINDEX ... CONCURRENTLY; before
 * that there is no alternative, so the rule stays quiet there.
 */
#include <stdio.h>
#include <string.h>

#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_REINDEX_STMT || ctx->body == ML_BODY_FUNCTION ||
	    ctx->body == ML_BODY_PROCEDURE || ctx->options->pg_major < 12)
		return;
	/* The lock model tells plain REINDEX from REINDEX CONCURRENTLY,
	 * including (CONCURRENTLY false). */
	if (!ml_effect_has(ctx->effect, ML_FORM_REINDEX))
		return;
	const PgQuery__ReindexStmt *rs = ctx->stmt->reindex_stmt;
	const char *kind = NULL;
	switch (rs->kind) {
	case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX:
		kind = "INDEX";
		break;
	case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE:
		kind = "TABLE";
		break;
	case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SCHEMA:
		kind = "SCHEMA";
		break;
	case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_DATABASE:
		kind = "DATABASE";
		break;
	default:
		/* REINDEX SYSTEM: system catalogs cannot be reindexed
		 * concurrently, so there is nothing better to suggest. */
		return;
	}
	/* Indexes of tables created earlier in this file are empty and
	 * unused. The engine resolves what it can to the owning table. */
	if (rs->relation && rs->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE &&
	    ml_table_is_new_or_truncated(ctx, rs->relation))
		return;
	if (ctx->effect->n_locks > 0) {
		bool all_new = true;
		for (size_t i = 0; i < ctx->effect->n_locks; i++)
			all_new &= ctx->effect->locks[i].new_table;
		if (all_new)
			return;
	}

	char message[512];
	const char *name = rs->relation ? ml_table_name(ctx, rs->relation) : rs->name ? rs->name : "?";
	switch (rs->kind) {
	case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX:
		snprintf(message, sizeof(message),
			 "REINDEX INDEX \"%s\" without CONCURRENTLY takes ACCESS EXCLUSIVE on the index and SHARE on "
			 "its table: writes block, and so do nearly all reads, because planning a query on the table "
			 "locks every one of its indexes",
			 name);
		break;
	case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE:
		snprintf(message, sizeof(message),
			 "REINDEX TABLE \"%s\" without CONCURRENTLY takes SHARE on the table and ACCESS EXCLUSIVE on "
			 "each of its indexes: writes block, and so do nearly all reads, because planning a query on "
			 "the table locks every one of its indexes",
			 name);
		break;
	default:
		snprintf(message, sizeof(message),
			 "REINDEX %s \"%s\" without CONCURRENTLY rebuilds the indexes of every table in it, one table at "
			 "a time under SHARE on the table and ACCESS EXCLUSIVE on its indexes: while a table is "
			 "processed, its writes and nearly all its reads block",
			 kind, name);
		break;
	}
	/* Not inside a transaction block, where PostgreSQL rejects it; and
	 * not when the options say CONCURRENTLY false: that is the user's. */
	ml_fix_plan fix;
	if (ml_fix_start(&fix, ctx) && ctx->tx_state == ML_TX_NONE && !ml_option(rs->params, rs->n_params, "concurrently"))
		ml_fix_insert(&fix, ml_stmt_word_end(ctx, 0, kind), " CONCURRENTLY");
	else
		ml_fix_refuse(&fix);
	ml_report_fixed(ctx, self, -1, NULL, &fix, "add CONCURRENTLY", "%s", message);
}

const ml_rule ml_rule_require_concurrent_reindex = {
	.info = {
		.name = "require-concurrent-reindex",
		.severity = ML_SEVERITY_WARNING,
		.summary = "REINDEX without CONCURRENTLY (PostgreSQL 12+)",
		.help = "use REINDEX ... CONCURRENTLY in a migration that runs outside a transaction; if it fails "
			"it leaves an INVALID index named *_ccnew: drop it and run it again",
	},
	.check = check,
	.reports_slow_work = true,
	.scales_with_table_size = true,
};
