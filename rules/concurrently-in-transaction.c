/*
 * concurrently-in-transaction - a CONCURRENTLY operation (CREATE/DROP INDEX,
 * REINDEX, DETACH PARTITION), or another statement PostgreSQL refuses inside
 * a transaction block (VACUUM, REINDEX SCHEMA/DATABASE), run inside a
 * transaction block or a function, where PostgreSQL rejects it.
 */
#include <string.h>

#include "rule_api.h"

/* The operation's name when stmt is a CONCURRENTLY operation, else NULL. */
static const char *concurrent_operation(const ml_stmt_ctx *ctx)
{
	const PgQuery__Node *stmt = ctx->stmt;
	/* the engine read REINDEX's options, (CONCURRENTLY false) included */
	if (ml_effect_has(ctx->effect, ML_FORM_REINDEX_CONCURRENTLY))
		return "REINDEX CONCURRENTLY";
	switch (stmt->node_case) {
	case PG_QUERY__NODE__NODE_INDEX_STMT:
		return stmt->index_stmt->concurrent ? "CREATE INDEX CONCURRENTLY" : NULL;
	case PG_QUERY__NODE__NODE_DROP_STMT:
		return stmt->drop_stmt->concurrent ? "DROP INDEX CONCURRENTLY" : NULL;
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT: {
		const PgQuery__AlterTableStmt *as = stmt->alter_table_stmt;
		for (size_t i = 0; i < as->n_cmds; i++) {
			const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
			if (cmd && cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition && cmd->def &&
			    cmd->def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD && cmd->def->partition_cmd->concurrent)
				return "DETACH PARTITION CONCURRENTLY";
		}
		return NULL;
	}
	default:
		return NULL;
	}
}

/* Other statements the lock model marks as refused in a transaction block:
 * VACUUM, and REINDEX of a whole schema or database. */
static const char *other_refused_operation(const ml_stmt_ctx *ctx)
{
	const ml_effect *e = ctx->effect;
	if (!e->fails_in_transaction)
		return NULL;
	if (ml_effect_has(e, ML_FORM_VACUUM) || ml_effect_has(e, ML_FORM_VACUUM_FULL))
		return "VACUUM";
	if (ctx->stmt->node_case == PG_QUERY__NODE__NODE_REINDEX_STMT &&
	    !ml_effect_has(e, ML_FORM_REINDEX_CONCURRENTLY))
		return "REINDEX SCHEMA / SYSTEM / DATABASE";
	return NULL;
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const char *op = concurrent_operation(ctx);
	if (!op)
		op = other_refused_operation(ctx);
	if (!op)
		return;
	if (ctx->body != ML_BODY_TOP) {
		ml_report(ctx, self, -1, "%s cannot be executed from a function or DO block: PostgreSQL rejects it",
			  op);
		return;
	}
	if (ctx->tx_state == ML_TX_EXPLICIT)
		ml_report(ctx, self, -1,
			  "%s cannot run inside a transaction block (BEGIN at line %d): PostgreSQL rejects it", op,
			  ctx->tx_begin_line);
	else if (ctx->tx_state == ML_TX_ASSUMED)
		ml_report(ctx, self, -1,
			  "%s cannot run inside a transaction block, and the migration tool runs this file in one"
			  ": PostgreSQL rejects it",
			  op);
}

const ml_rule ml_rule_concurrently_in_transaction = {
	.info = {
		.name = "concurrently-in-transaction",
		.alias = "ban-concurrent-index-creation-in-transaction",
		.severity = ML_SEVERITY_ERROR,
		.summary = "CONCURRENTLY inside a transaction block, where PostgreSQL rejects it",
		.help = "put it in a migration of its own with the tool's transaction turned off (goose "
			"-- +goose NO TRANSACTION, dbmate transaction:false, Rails disable_ddl_transaction!, "
			"Django atomic = False, Flyway executeInTransaction=false, Alembic autocommit_block())",
	},
	.check = check,
};
