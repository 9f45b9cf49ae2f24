/*
 * report_text.c - the default report for people: each finding as
 * path:line:col: severity[rule]: message, the source lines with a caret under
 * the flagged part, the safe recipe, and a summary line (which counts the
 * findings ignore comments silenced; they are not listed). Colour only when
 * the caller allows it (a terminal without NO_COLOR).
 */
#include <string.h>

#include "report.h"

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
		fprintf(rc->out, " %*d | %.*s\n", width, line, (int)len, p);
		if (line == d->line) {
			fprintf(rc->out, " %*s | ", width, "");
			int col = 1;
			const char *q = p;
			/* Keep tabs so the caret lines up with the text above. */
			while (col < d->column && q < p + len) {
				if (((unsigned char)*q & 0xC0) != 0x80) {
					fputc(*q == '\t' ? '\t' : ' ', rc->out);
					col++;
				}
				q++;
			}
			int chars = 0;
			for (const char *r = q; r < p + len; r++)
				if (((unsigned char)*r & 0xC0) != 0x80)
					chars++;
			int carets = d->end_line == d->line ? d->end_column - d->column : chars;
			if (carets > chars)
				carets = chars;
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
		line++;
		if (!nl)
			break;
		p = nl + 1;
	}
}

static void text_diagnostic(ml_report_ctx *rc, const ml_diagnostic *d)
{
	const char *sev = ml_severity_name(d->severity);
	if (rc->color)
		fprintf(rc->out, BOLD "%s:%d:%d:" RESET " %s%s" RESET "[" BOLD "%s" RESET "]: %s\n", d->path, d->line,
			d->column, severity_color(d->severity), sev, d->rule, d->message);
	else
		fprintf(rc->out, "%s:%d:%d: %s[%s]: %s\n", d->path, d->line, d->column, sev, d->rule, d->message);
	text_excerpt(rc, d);
	if (d->help)
		fprintf(rc->out, "  %shelp%s: %s\n", rc->color ? BOLD : "", rc->color ? RESET : "", d->help);
	fputc('\n', rc->out);
}

static void text_end(ml_report_ctx *rc)
{
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
