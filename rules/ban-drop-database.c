/*
 * ban-drop-database - DROP DATABASE in a migration: it deletes every table
 * and all data of a database at once, with no undo, and PostgreSQL refuses
 * it inside a transaction block anyway. It does not belong in a schema
 * migration, whatever the context.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_DROPDB_STMT)
		return;
	const PgQuery__DropdbStmt *ds = ctx->stmt->dropdb_stmt;
	bool force = ml_option_on(ds->options, ds->n_options, "force");
	const char *rejected = ctx->body != ML_BODY_TOP ? "; PostgreSQL rejects it inside a function or DO block"
			       : ctx->tx_state != ML_TX_NONE ? "; PostgreSQL rejects it inside a transaction block, as here"
						       : "";
	ml_report(ctx, self, -1, "DROP DATABASE \"%s\" deletes the whole database and all its data with no undo%s%s",
		  ds->dbname, force ? ", and WITH (FORCE) first terminates every session connected to it" : "",
		  rejected);
}

const ml_rule ml_rule_ban_drop_database = {
	.info = {
		.name = "ban-drop-database",
		.severity = ML_SEVERITY_WARNING,
		.summary = "DROP DATABASE in a migration",
		.help = "drop databases by hand or from provisioning tooling, after a backup, never from a "
			"schema migration",
	},
	.check = check,
};
