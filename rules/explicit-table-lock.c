/*
 * explicit-table-lock - LOCK TABLE in a migration. The lock lasts until the
 * transaction ends, on top of whatever the migration's own statements take,
 * and the default mode is ACCESS EXCLUSIVE, which blocks every read. The
 * message names the mode and exactly what it blocks, since the weak modes
 * block little.
 */
#include "rule_api.h"

/* What other sessions wait for while the table is held in mode, from
 * PostgreSQL's lock conflict table. */
static const char *blocked_by(ml_lock_mode mode)
{
	switch (mode) {
	case ML_LOCK_ACCESS_SHARE:
		return "reads and writes go on; only statements that need ACCESS EXCLUSIVE (most ALTER TABLE, DROP, "
		       "TRUNCATE, VACUUM FULL) wait";
	case ML_LOCK_ROW_SHARE:
		return "reads and writes go on; only statements that need EXCLUSIVE or ACCESS EXCLUSIVE (most ALTER "
		       "TABLE, DROP, TRUNCATE, VACUUM FULL) wait";
	case ML_LOCK_ROW_EXCLUSIVE:
		return "reads and writes go on; statements that need SHARE or stronger (CREATE INDEX without "
		       "CONCURRENTLY, CREATE TRIGGER, most ALTER TABLE) wait";
	case ML_LOCK_SHARE_UPDATE_EXCLUSIVE:
		return "reads and writes go on, but VACUUM, ANALYZE, CREATE INDEX (even CONCURRENTLY) and ALTER "
		       "TABLE wait";
	case ML_LOCK_SHARE:
		return "reads go on, but every INSERT, UPDATE and DELETE waits, as do VACUUM and ALTER TABLE";
	case ML_LOCK_SHARE_ROW_EXCLUSIVE:
		return "reads go on, but every INSERT, UPDATE and DELETE waits, as do VACUUM, CREATE INDEX and "
		       "ALTER TABLE";
	case ML_LOCK_EXCLUSIVE:
		return "only plain SELECTs go on: writes and SELECT ... FOR UPDATE/SHARE wait";
	default:
		return "every read and write of the table waits";
	}
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_LOCK_STMT || ctx->body == ML_BODY_FUNCTION ||
	    ctx->body == ML_BODY_PROCEDURE)
		return;
	const PgQuery__LockStmt *ls = ctx->stmt->lock_stmt;
	/* LockStmt.mode is PostgreSQL's LOCKMODE, 1 (ACCESS SHARE) to 8
	 * (ACCESS EXCLUSIVE), the order of ml_lock_mode. */
	ml_lock_mode written = ls->mode >= 1 && ls->mode <= 8 ? (ml_lock_mode)ls->mode : ML_LOCK_ACCESS_EXCLUSIVE;
	size_t len;
	const char *text = ml_stmt_text(ctx, &len);
	bool mode_named = text && ml_word_end(text, len, "MODE") != (size_t)-1;
	for (size_t i = 0; i < ls->n_relations; i++) {
		const PgQuery__Node *r = ls->relations[i];
		/* A table created earlier in this file is not in use yet. */
		if (!r || r->node_case != PG_QUERY__NODE__NODE_RANGE_VAR || ml_table_is_new(ctx, r->range_var))
			continue;
		const char *table = ml_table_name(ctx, r->range_var);
		ml_lock_mode mode = ml_lock_mode_on(ctx, table, written);
		ml_report(ctx, self, r->range_var->location,
			  "LOCK TABLE \"%s\" takes %s%s until the transaction ends: %s", table,
			  ml_lock_mode_name(mode),
			  mode == ML_LOCK_ACCESS_EXCLUSIVE && text && !mode_named ? " (the default mode)" : "",
			  blocked_by(mode));
	}
}

const ml_rule ml_rule_explicit_table_lock = {
	.info = {
		.name = "explicit-table-lock",
		.severity = ML_SEVERITY_WARNING,
		.summary = "LOCK TABLE in a migration",
		.help = "drop the LOCK TABLE and rely on the locks the migration's statements take themselves; if "
			"something must be serialized, use pg_advisory_xact_lock or the weakest mode that does it, with "
			"lock_timeout set and a short transaction",
	},
	.check = check,
};
