/*
 * report_locks.c - the lock timeline for reviewers (--format locks): one line
 * per statement with what it locks, whether it rewrites or scans, the
 * transaction it runs in and the locks held after it. Paths and table names
 * are escaped (report_escape.c).
 */
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
		fputc('\n', rc->out);
	}
}

/* The timeline lists statements, not findings. */
static void locks_diagnostic(ml_report_ctx *rc, const ml_diagnostic *d)
{
	(void)rc;
	(void)d;
}

static void locks_end(ml_report_ctx *rc)
{
	fprintf(rc->out, "%zu statement%s\n", rc->run->statements.len, rc->run->statements.len == 1 ? "" : "s");
}

const ml_report_format ml_report_locks = { "locks", ML_FORMAT_LOCKS, locks_begin, locks_diagnostic, locks_end,
					   false };
