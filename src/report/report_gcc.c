/*
 * report_gcc.c - the compiler-style report for editors (--format gcc): one
 * "path:line:col: error|warning|note: message [rule]" line per finding,
 * followed by a "path:line:1: note: ... [rule]" line at the place of each
 * thing that still uses what the finding's statement drops, and nothing
 * else, the shape vim's default errorformat, emacs compilation-mode
 * and flymake, and most editor plugins parse. The path is printed as given,
 * so the editor resolves it the way it named it (--stdin-filename included),
 * escaped like every report for people (report_escape.c): a line break in a
 * name shows as \n and the finding stays on one line.
 */
#include <stdlib.h>

#include "migralint/migralint.h"
#include "report.h"
#include "report_escape.h"

static void gcc_begin(ml_report_ctx *rc)
{
	(void)rc;
}

static void gcc_diagnostic(ml_report_ctx *rc, const ml_diagnostic *d)
{
	const char *sev = d->severity == ML_SEVERITY_ERROR ? "error"
			  : d->severity == ML_SEVERITY_WARNING ? "warning" : "note";
	ml_text_puts(rc->out, d->path, ML_TEXT_LINE_START);
	fprintf(rc->out, ":%d:%d: %s: ", d->line, d->column, sev);
	ml_text_puts(rc->out, d->message, 0);
	fprintf(rc->out, " [%s]\n", d->rule);
	/* What still uses what the statement drops, as gcc shows where
	 * something was declared: a note at its own place, after the finding. */
	for (size_t i = 0; i < d->n_references; i++) {
		const ml_reference *r = &d->references[i];
		if (!r->path)
			continue;
		char *what = ml_report_reference_text(r, false);
		if (!what) {
			rc->out_of_memory = true;
			return;
		}
		ml_text_puts(rc->out, r->path, ML_TEXT_LINE_START);
		fprintf(rc->out, ":%d:1: note: ", r->line > 0 ? r->line : 1);
		ml_text_puts(rc->out, what, 0);
		fprintf(rc->out, " [%s]\n", d->rule);
		free(what);
	}
}

static void gcc_end(ml_report_ctx *rc)
{
	(void)rc;
}

const ml_report_format ml_report_gcc = { "gcc", ML_FORMAT_GCC, gcc_begin, gcc_diagnostic, gcc_end, false };
