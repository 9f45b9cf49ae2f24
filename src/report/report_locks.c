/*
 * report_locks.c - the lock timeline for reviewers (--format locks): one line
 * per statement with what it locks, whether it rewrites or scans, the
 * transaction it runs in and the locks held after it. Paths and table names
 * are escaped (report_escape.c).
 */
#include <string.h>

#include "engine.h"
#include "facts.h"
#include "lock_table.h"
#include "migralint/migralint.h"
#include "report.h"
#include "report_escape.h"

/* ---- locks: the lock timeline, one line per statement -------------------- */

static void locks_list(FILE *out, const ml_lock *locks, size_t n, bool with_line)
{
	if (!n) {
		fputs("-", out);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", " : "", out);
		ml_text_puts(out, locks[i].table, 0);
		fprintf(out, " %s", ml_lock_mode_name(locks[i].mode));
		if (with_line)
			fprintf(out, " (line %d)", locks[i].line);
	}
}

static void names_list(FILE *out, const char *const *names, size_t n)
{
	if (!n)
		fputs("-", out);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", " : "", out);
		ml_text_puts(out, names[i], 0);
	}
}

/* What PostgreSQL did, after the model's claims: " || observed: ...". */
static void observed_part(FILE *out, const ml_observation *o)
{
	fputs(" || observed: ", out);
	if (o->status == ML_OBSERVED_NOT_RUN) {
		fputs("not run: ", out);
		ml_text_puts(out, o->not_run, 0);
		return;
	}
	if (o->status == ML_OBSERVED_FAILED) {
		fputs("failed: ", out);
		ml_text_puts(out, o->error, 0);
		fprintf(out, " (%s)", o->sqlstate ? o->sqlstate : "?");
		return;
	}
	fprintf(out, "%.1f ms", o->ms);
	if (o->rows >= 0)
		fprintf(out, ", %lld row%s", o->rows, o->rows == 1 ? "" : "s");
	fputs(" | locks: ", out);
	if (!o->locks_seen) {
		fputs(o->locks_sampled ? "not seen (ran outside a transaction, between two samples)" : "not read", out);
	} else {
		size_t shown = 0;
		for (size_t i = 0; i < o->n_locks; i++) {
			const ml_observed_lock *l = &o->locks[i];
			if (!l->taken)
				continue;
			fputs(shown++ ? ", " : "", out);
			ml_text_puts(out, l->table, 0);
			fprintf(out, " %s%s", l->mode, l->created ? " (created)" : "");
		}
		if (!shown)
			fputs("-", out);
	}
	if (o->tables_seen) {
		fputs(" | rewrite: ", out);
		names_list(out, o->rewritten, o->n_rewritten);
		fputs(" | scan: ", out);
		names_list(out, o->scanned, o->n_scanned);
	}
}

static void locks_begin(ml_report_ctx *rc)
{
	ml_run *run = rc->run;
	for (size_t i = 0; i < run->statements.len; i++) {
		const ml_statement_record *r = run->statements.items[i];
		ml_text_puts(rc->out, r->path, ML_TEXT_LINE_START);
		fprintf(rc->out, ":%d:%d: ", r->line, r->column);
		ml_text_puts(rc->out, r->kind, 0);
		fprintf(rc->out, "%s | locks: ",
			r->body == ML_BODY_TOP ? "" : r->body == ML_BODY_DO ? " [in DO]" : " [in a routine body, not run now]");
		locks_list(rc->out, r->locks, r->n_locks, false);
		fprintf(rc->out, " | rewrite: %s | scan: %s | transaction: %s | held: ", r->rewrite ? "yes" : "no",
			r->scan ? "yes" : "no", ml_tx_name(r->tx));
		locks_list(rc->out, r->held, r->n_held, true);
		if (r->observed)
			observed_part(rc->out, r->observed);
		fputc('\n', rc->out);
	}
}

/* The timeline lists statements, not findings; a trace's own findings
 * (what PostgreSQL refused, where the model and PostgreSQL differ) follow
 * it, one line each. */
static void locks_diagnostic(ml_report_ctx *rc, const ml_diagnostic *d)
{
	if (strncmp(d->rule, "trace-", 6) != 0 || d->suppressed)
		return;
	ml_text_puts(rc->out, d->path, ML_TEXT_LINE_START);
	fprintf(rc->out, ":%d:%d: %s: ", d->line, d->column, ml_severity_name(d->severity));
	ml_text_puts(rc->out, d->message, 0);
	fprintf(rc->out, " [%s]\n", d->rule);
}

static void locks_end(ml_report_ctx *rc)
{
	fprintf(rc->out, "%zu statement%s\n", rc->run->statements.len, rc->run->statements.len == 1 ? "" : "s");
}

const ml_report_format ml_report_locks = { "locks", ML_FORMAT_LOCKS, locks_begin, locks_diagnostic, locks_end,
					   false };
