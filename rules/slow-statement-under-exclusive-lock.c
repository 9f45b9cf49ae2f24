/*
 * slow-statement-under-exclusive-lock - a scan, rewrite, index build or
 * large UPDATE/DELETE in a transaction that already holds ACCESS EXCLUSIVE
 * on a live table: locks last until COMMIT, so that table is blocked, reads
 * included, for the whole slow statement.
 *
 * One hazard, one finding: when another rule already reported the slow work
 * (require-concurrent-index-creation, changing-column-type, ...) and the
 * held lock is on a table the statement itself works on, that finding says
 * it all and this rule stays quiet. It runs after the other rules to know.
 * The statement that took the lock goes with the finding as a reference
 * (kind "lock"), for editors' related information and SARIF.
 */
#include <string.h>

#include "rule_api.h"

static const char *slow_kind(const ml_effect *e)
{
	if (e->many_rows)
		return "changes many rows";
	if (e->rewrite)
		return "rewrites a table";
	if (e->index_build)
		return "builds an index";
	return "scans a whole table";
}

/* Are a and b the same table, as lock names write them ("public.t" is t)? */
static bool same_table(const char *a, const char *b)
{
	static const char PUBLIC[] = "public.";
	if (!strncmp(a, PUBLIC, sizeof(PUBLIC) - 1))
		a += sizeof(PUBLIC) - 1;
	if (!strncmp(b, PUBLIC, sizeof(PUBLIC) - 1))
		b += sizeof(PUBLIC) - 1;
	return !strcmp(a, b);
}

/* Does the statement itself lock table (it is among the tables it works on)? */
static bool statement_locks(const ml_effect *e, const char *table)
{
	for (size_t i = 0; i < e->n_locks; i++)
		if (same_table(e->locks[i].table, table))
			return true;
	return false;
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	/* A statement PostgreSQL refuses in a transaction never runs there;
	 * concurrently-in-transaction reports it. */
	if (!ctx->effect->slow || ctx->effect->fails_in_transaction || ctx->tx_state == ML_TX_NONE ||
	    ctx->body == ML_BODY_FUNCTION || ctx->body == ML_BODY_PROCEDURE)
		return;
	const char *reported_by = ml_slow_work_reported_by(ctx);
	for (size_t i = 0; i < ctx->n_held; i++) {
		const ml_lock *held = &ctx->held[i];
		if (held->mode != ML_LOCK_ACCESS_EXCLUSIVE || held->new_table)
			continue;
		ml_reference taker = { .kind = "lock", .name = held->table, .effect = "held", .line = held->line };
		ml_report_extra extra = { .references = &taker, .n_references = 1 };
		if (!reported_by) {
			ml_report_extra_at(ctx, self, -1, &extra,
				  "%s (%s) while this transaction holds ACCESS EXCLUSIVE on \"%s\" (taken at line %d): "
				  "\"%s\" stays blocked, reads included, until COMMIT",
				  ctx->effect->form, slow_kind(ctx->effect), held->table, held->line, held->table);
			return;
		}
		/* The other finding covers the tables the statement works on. */
		if (statement_locks(ctx->effect, held->table))
			continue;
		ml_report_extra_at(ctx, self, -1, &extra,
			  "%s (%s, reported by %s) while this transaction holds ACCESS EXCLUSIVE on \"%s\" (taken at "
			  "line %d): \"%s\" stays blocked, reads included, until COMMIT",
			  ctx->effect->form, slow_kind(ctx->effect), reported_by, held->table, held->line, held->table);
		return;
	}
}

const ml_rule ml_rule_slow_statement_under_exclusive_lock = {
	.info = {
		.name = "slow-statement-under-exclusive-lock",
		.severity = ML_SEVERITY_WARNING,
		.summary = "a slow statement while the transaction holds ACCESS EXCLUSIVE on a live table",
		.help = "COMMIT right after the statement that takes the ACCESS EXCLUSIVE lock and do the slow "
			"work (backfill, index build, validation) in its own transactions",
	},
	.check = check,
	.runs_last = true,
	.scales_with_table_size = true,
};
