/*
 * trace-mismatch - where migralint's lock model and PostgreSQL disagree
 * about a statement `migralint trace` ran: a lock the model claims that
 * PostgreSQL did not take, a lock PostgreSQL took that the model does not
 * claim or claims weaker, a rewrite or a whole-table scan on one side only.
 * The tracer's account is ctx->observed; the model's is ctx->effect.
 *
 * What is not compared, because the model does not claim it: ACCESS SHARE
 * on a table the model names no lock on (a name looked up), ROW SHARE where
 * it says at most ACCESS SHARE (a foreign key's check of each row written
 * takes it on the referenced table, so it depends on the rows), locks on
 * tables the statement itself created, and scans of a
 * statement that reads or changes rows (the plan decides how it reads
 * them, and a traced database without statistics reads small tables
 * whole). A DO block and a CALL run statements the model judges one by
 * one, so their sum is not compared either.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rule_api.h"

/* The message, appended to part by part. */
typedef struct differences {
	char text[1024];
	size_t len;
	int count;
} differences;

static void add(differences *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(differences *d, const char *fmt, ...)
{
	if (d->len + 8 >= sizeof(d->text))
		return;
	if (d->count++)
		d->len += (size_t)snprintf(d->text + d->len, sizeof(d->text) - d->len, "; ");
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(d->text + d->len, sizeof(d->text) - d->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		d->len += (size_t)n < sizeof(d->text) - d->len ? (size_t)n : sizeof(d->text) - d->len - 1;
}

static ml_lock_mode mode_named(const char *name)
{
	for (int m = ML_LOCK_ACCESS_SHARE; m <= ML_LOCK_ACCESS_EXCLUSIVE; m++)
		if (!strcmp(ml_lock_mode_name((ml_lock_mode)m), name))
			return (ml_lock_mode)m;
	return ML_LOCK_NONE;
}

/* Does table ("schema.name", as PostgreSQL names it) match claimed (as the
 * statement wrote it: "name" finds it on the search path, where migrations
 * mostly mean public)? */
static bool same_table(const char *claimed, const char *table)
{
	if (!claimed || !table)
		return false;
	if (!strcmp(claimed, table))
		return true;
	const char *dot = strrchr(table, '.');
	return !strchr(claimed, '.') && dot && !strcmp(claimed, dot + 1);
}

/* The model's lock on the table of l (or on the table it is a partition
 * of, or on the index of it the statement names), or NULL. */
static const ml_lock *claim_for(const ml_effect *effect, const ml_observed_lock *l, bool with_parent)
{
	for (size_t i = 0; i < effect->n_locks; i++)
		if (effect->locks[i].mode != ML_LOCK_NONE &&
		    (same_table(effect->locks[i].table, l->table) || same_table(effect->locks[i].table, l->renamed_from) ||
		     (l->via_index && !strcmp(effect->locks[i].table, l->via_index)) ||
		     (with_parent && same_table(effect->locks[i].table, l->parent))))
			return &effect->locks[i];
	return NULL;
}

static bool is_absent(const ml_observation *seen, const char *table)
{
	for (size_t i = 0; i < seen->n_absent; i++)
		if (!strcmp(seen->absent[i], table))
			return true;
	return false;
}

static void compare_locks(const ml_stmt_ctx *ctx, const ml_observation *seen, differences *d)
{
	const ml_effect *effect = ctx->effect;
	/* Each lock the model claims: PostgreSQL holds that mode on it now, or
	 * a stronger one, unless there was nothing by that name to lock, or
	 * PostgreSQL skipped an object it names (IF [NOT] EXISTS). */
	for (size_t i = 0; i < effect->n_locks; i++) {
		const ml_lock *claim = &effect->locks[i];
		if (claim->mode == ML_LOCK_NONE || is_absent(seen, claim->table) || seen->skipped)
			continue;
		bool held = false;
		ml_lock_mode strongest = ML_LOCK_NONE;
		for (size_t k = 0; k < seen->n_locks; k++) {
			const ml_observed_lock *l = &seen->locks[k];
			if (!same_table(claim->table, l->table) && !same_table(claim->table, l->renamed_from))
				continue;
			/* A stronger mode taken is the other loop's finding; one
			 * held from before does not stand for this statement's
			 * request (PostgreSQL records each mode asked for). */
			ml_lock_mode m = mode_named(l->mode);
			held |= l->taken ? m >= claim->mode : m == claim->mode;
			if (l->taken && m > strongest)
				strongest = m;
		}
		/* Samples may miss a lock; what they saw still counts below. */
		if (!held && !seen->locks_sampled)
			add(d, "the model says %s on %s, PostgreSQL took %s", ml_lock_mode_name(claim->mode), claim->table,
			    strongest ? ml_lock_mode_name(strongest) : "no lock on it");
	}
	/* Each lock PostgreSQL took: the model claims it, or a stronger one. */
	for (size_t k = 0; k < seen->n_locks; k++) {
		const ml_observed_lock *l = &seen->locks[k];
		if (!l->taken)
			continue;
		const ml_lock *claim = claim_for(effect, l, true);
		ml_lock_mode m = mode_named(l->mode);
		/* A foreign key's check locks the referenced rows FOR KEY SHARE:
		 * ROW SHARE on that table, for each row written. */
		bool row_check = m == ML_LOCK_ROW_SHARE && (!claim || claim->mode <= ML_LOCK_ACCESS_SHARE);
		if (!claim) {
			/* Indexes, views and sequences are named only when the
			 * statement is about them. */
			if (m == ML_LOCK_ACCESS_SHARE || row_check || l->created || !l->is_table)
				continue;
			add(d, "PostgreSQL took %s on %s, the model names no lock on it", l->mode, l->table);
		} else if (m > claim->mode && !row_check) {
			add(d, "PostgreSQL took %s on %s, the model says %s", l->mode, l->table,
			    ml_lock_mode_name(claim->mode));
		}
	}
}

static void compare_tables(const ml_stmt_ctx *ctx, const ml_observation *seen, differences *d)
{
	const ml_effect *effect = ctx->effect;
	/* TRUNCATE gives a table a new, empty file (no rows are copied), and
	 * rebuilds the empty indexes of one created in the same transaction
	 * (a scan of nothing). */
	if (ml_effect_has(effect, ML_FORM_TRUNCATE))
		return;
	bool rewritten = seen->n_rewritten > 0;
	/* What PostgreSQL skipped (IF [NOT] EXISTS) it did not do. */
	if (effect->rewrite && !rewritten && !seen->skipped)
		add(d, "the model says it rewrites the table, PostgreSQL kept %s file", effect->n_locks > 1 ? "each table's" : "its");
	else if (!effect->rewrite && rewritten)
		add(d, "PostgreSQL rewrote %s (a new relfilenode), the model says no rewrite", seen->rewritten[0]);
	/* VACUUM reads the table page by page, not as a sequential scan. */
	static const ml_form ROWS[] = { ML_FORM_UPDATE, ML_FORM_DELETE,	 ML_FORM_INSERT, ML_FORM_SELECT,
					ML_FORM_READ_ALL, ML_FORM_CREATE_TABLE_AS, ML_FORM_VACUUM };
	for (size_t i = 0; i < sizeof(ROWS) / sizeof(*ROWS); i++)
		if (ml_effect_has(effect, ROWS[i]))
			return;
	if (effect->scan && !seen->n_scanned && !seen->skipped)
		add(d, "the model says it reads the whole table, PostgreSQL made no sequential scan");
	else if (!effect->scan && seen->n_scanned)
		add(d, "PostgreSQL read %s sequentially, the model says no scan", seen->scanned[0]);
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const ml_observation *seen = ctx->observed;
	if (!seen || seen->status != ML_OBSERVED_RAN || ctx->body != ML_BODY_TOP)
		return;
	PgQuery__Node__NodeCase kind = ctx->stmt->node_case;
	if (kind == PG_QUERY__NODE__NODE_DO_STMT || kind == PG_QUERY__NODE__NODE_CALL_STMT)
		return;
	differences d = { .len = 0 };
	if (seen->locks_seen)
		compare_locks(ctx, seen, &d);
	if (seen->tables_seen)
		compare_tables(ctx, seen, &d);
	if (d.count)
		ml_report(ctx, self, -1, "the lock model and PostgreSQL differ: %s", d.text);
}

const ml_rule ml_rule_trace_mismatch = {
	.info = {
		.name = "trace-mismatch",
		.severity = ML_SEVERITY_WARNING,
		.summary = "migralint's lock model and what PostgreSQL did differ (migralint trace)",
		.help = "the other findings about this statement rest on the model: trust what PostgreSQL did, and "
			"report the difference to migralint with the statement and the PostgreSQL version",
	},
	.check = check,
};
