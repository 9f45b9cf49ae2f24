/*
 * report_text.c - the default report for people: each finding as
 * path:line:col: severity[rule]: message, the source lines with a caret under
 * the flagged part, what still uses what it drops (one line per reference),
 * the safe recipe, and a summary line (which counts the
 * findings ignore comments silenced; they are not listed). Colour only when
 * the caller allows it (a terminal without NO_COLOR). What comes from the
 * input (path, names in messages, excerpts) is escaped (report_escape.c).
 */
#include <stdlib.h>
#include <string.h>

#include "migralint/migralint.h"
#include "report.h"
#include "report_escape.h"

#define BOLD "\033[1m"
#define RESET "\033[0m"

static const char *severity_color(ml_severity s)
{
	return s == ML_SEVERITY_ERROR ? "\033[1;31m" : s == ML_SEVERITY_WARNING ? "\033[1;33m" : "\033[1;36m";
}

static void text_begin(ml_report_ctx *rc)
{
	(void)rc;
}

/* Writes the caret line under one excerpt line (len bytes at p): blanks up
 * to the finding's column, then carets to its end on that line. Each
 * character takes the width the line above gave it: one column, a tab, or
 * the length of its escape. */
static void text_carets(ml_report_ctx *rc, const ml_diagnostic *d, const char *p, size_t len)
{
	int last = d->end_line == d->line ? d->end_column : 0; /* 0: to the end of the line */
	int col = 1, carets = 0;
	ml_text_iter it;
	ml_text_piece piece;
	ml_text_iter_init(&it, p, len, 0);
	while ((last == 0 || col < last) && ml_text_next(&it, &piece)) {
		if (piece.shown != piece.src) {
			if (col < d->column)
				fprintf(rc->out, "%*s", (int)piece.shown_len, "");
			else
				carets += (int)piece.shown_len;
			col++;
			continue;
		}
		for (size_t i = 0; i < piece.src_len && (last == 0 || col < last); i++) {
			char c = piece.src[i];
			if (((unsigned char)c & 0xC0) == 0x80)
				continue; /* inside a character */
			if (col < d->column)
				fputc(c == '\t' ? '\t' : ' ', rc->out); /* tabs keep the caret lined up */
			else
				carets++;
			col++;
		}
	}
	if (carets < 1)
		carets = 1;
	if (rc->color)
		fputs(severity_color(d->severity), rc->out);
	for (int i = 0; i < carets; i++)
		fputc('^', rc->out);
	if (rc->color)
		fputs(RESET, rc->out);
	fputc('\n', rc->out);
}

/* Prints the excerpt with line numbers and a caret line under the first
 * line, from the column to the end of the finding on that line. */
static void text_excerpt(ml_report_ctx *rc, const ml_diagnostic *d)
{
	if (!d->excerpt)
		return;
	int width = snprintf(NULL, 0, "%d", d->end_line > d->line ? d->end_line : d->line);
	const char *p = d->excerpt;
	int line = d->line;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len && p[len - 1] == '\r')
			len--;
		fprintf(rc->out, " %*d | ", width, line);
		ml_text_write(rc->out, p, len, 0);
		fputc('\n', rc->out);
		if (line == d->line) {
			fprintf(rc->out, " %*s | ", width, "");
			text_carets(rc, d, p, len);
		}
		line++;
		if (!nl)
			break;
		p = nl + 1;
	}
}

/* One line per reference under the finding (ML_REPORT_MAX_REFERENCES of
 * them, then how many more): what still uses what the statement drops. */
static void text_references(ml_report_ctx *rc, const ml_diagnostic *d)
{
	for (size_t i = 0; i < d->n_references && i < ML_REPORT_MAX_REFERENCES; i++) {
		char *line = ml_report_reference_text(&d->references[i], true);
		if (!line) {
			rc->out_of_memory = true;
			return;
		}
		fputs("  ", rc->out);
		ml_text_puts(rc->out, line, 0);
		fputc('\n', rc->out);
		free(line);
	}
	if (d->n_references > ML_REPORT_MAX_REFERENCES)
		fprintf(rc->out, "  ... and %zu more (--format json lists them all)\n",
			d->n_references - ML_REPORT_MAX_REFERENCES);
}

static void text_diagnostic(ml_report_ctx *rc, const ml_diagnostic *d)
{
	FILE *out = rc->out;
	const char *sev = ml_severity_name(d->severity);
	if (rc->color)
		fputs(BOLD, out);
	ml_text_puts(out, d->path, ML_TEXT_LINE_START);
	if (rc->color)
		fprintf(out, ":%d:%d:" RESET " %s%s" RESET "[" BOLD "%s" RESET "]: ", d->line, d->column,
			severity_color(d->severity), sev, d->rule);
	else
		fprintf(out, ":%d:%d: %s[%s]: ", d->line, d->column, sev, d->rule);
	ml_text_puts(out, d->message, 0);
	fputc('\n', out);
	text_excerpt(rc, d);
	text_references(rc, d);
	if (d->help) {
		fprintf(out, "  %shelp%s: ", rc->color ? BOLD : "", rc->color ? RESET : "");
		ml_text_puts(out, d->help, 0);
		fputc('\n', out);
	}
	fputc('\n', out);
}

static void text_end(ml_report_ctx *rc)
{
	/* A file its tool does not run is listed, never passed over in silence. */
	size_t n;
	const ml_file_summary *files = ml_run_files(rc->run, &n);
	for (size_t i = 0; i < n; i++) {
		if (files[i].note) {
			fputs("note: ", rc->out);
			ml_text_puts(rc->out, files[i].path, 0);
			fputs(": ", rc->out);
			ml_text_puts(rc->out, files[i].note, 0);
			fputc('\n', rc->out);
		}
		if (!files[i].skipped)
			continue;
		fputs("skipped: ", rc->out);
		ml_text_puts(rc->out, files[i].path, 0);
		fputs(": ", rc->out);
		ml_text_puts(rc->out, files[i].skipped, 0);
		fputc('\n', rc->out);
	}
	ml_report_totals t = ml_report_count(rc->run);
	fprintf(rc->out, "%d file%s, %d statement%s: %d error%s, %d warning%s, %d info%s", t.files,
		t.files == 1 ? "" : "s", t.statements, t.statements == 1 ? "" : "s", t.errors,
		t.errors == 1 ? "" : "s", t.warnings, t.warnings == 1 ? "" : "s", t.infos, t.infos == 1 ? "" : "s");
	/* Silenced findings are not listed, but a reviewer sees how many. */
	if (t.suppressed)
		fprintf(rc->out, ", %d suppressed", t.suppressed);
	fputc('\n', rc->out);
}

const ml_report_format ml_report_text = { "text", ML_FORMAT_TEXT, text_begin, text_diagnostic, text_end, false };
