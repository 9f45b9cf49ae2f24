/*
 * report_github.c - GitHub Actions workflow commands (--format github): one
 * "::error file=...,line=...,col=...,endLine=...,endColumn=...,title=RULE::
 * message" line per finding (::warning for warnings, ::notice for info), so
 * a CI step annotates the pull request without a SARIF upload. Paths are
 * relative to the current directory, the workspace root in a job. Nothing
 * else is written: GitHub shows the annotations and their count.
 *
 * What comes from the input is escaped twice: first as in every report for
 * people (report_escape.c: a control character or a line break in a name
 * shows as \x1b or \n in the annotation), then as the workflow command
 * syntax asks (GitHub's docs and @actions/core's escapeData and
 * escapeProperty): '%', CR and LF everywhere, and ':' and ',' in a property
 * value too, as %25, %0D, %0A, %3A and %2C. The runner reads one command
 * per line, so no line break from the input may reach it raw.
 */
#include <stdlib.h>
#include <string.h>

#include "current_dir.h"
#include "migralint/migralint.h"
#include "report.h"
#include "report_escape.h"

/* Writes n bytes of s escaped for a workflow command: '%', CR and LF
 * always, and ':' and ',' too in a property value. */
static void command_escaped(FILE *out, const char *s, size_t n, bool property)
{
	for (const char *end = s + n; s < end; s++) {
		switch (*s) {
		case '%': fputs("%25", out); break;
		case '\r': fputs("%0D", out); break;
		case '\n': fputs("%0A", out); break;
		case ':': property ? fputs("%3A", out) : fputc(':', out); break;
		case ',': property ? fputs("%2C", out) : fputc(',', out); break;
		default: fputc(*s, out); break;
		}
	}
}

/* Writes s (NULL: nothing) from the input: escaped for people, then for the
 * workflow command. */
static void escaped(FILE *out, const char *s, bool property)
{
	if (!s)
		return;
	ml_text_iter it;
	ml_text_piece piece;
	ml_text_iter_init(&it, s, strlen(s), 0);
	while (ml_text_next(&it, &piece))
		command_escaped(out, piece.shown, piece.shown_len, property);
}

static void github_begin(ml_report_ctx *rc)
{
	rc->state = ml_current_dir();
}

static void github_diagnostic(ml_report_ctx *rc, const ml_diagnostic *d)
{
	FILE *out = rc->out;
	const char *command = d->severity == ML_SEVERITY_ERROR ? "error"
			      : d->severity == ML_SEVERITY_WARNING ? "warning" : "notice";
	bool relative;
	char *path = ml_report_path(d->path, rc->state, &relative);
	fprintf(out, "::%s file=", command);
	escaped(out, path ? path : d->path, true);
	free(path);
	fprintf(out, ",line=%d,col=%d,endLine=%d,endColumn=%d,title=", d->line, d->column, d->end_line,
		d->end_column);
	escaped(out, d->rule, true);
	fputs("::", out);
	escaped(out, d->message, false);
	/* What still uses what the statement drops, a line each. */
	for (size_t i = 0; i < d->n_references && i < ML_REPORT_MAX_REFERENCES; i++) {
		char *line = ml_report_reference_text(&d->references[i], true);
		if (!line) {
			rc->out_of_memory = true;
			break;
		}
		fputs("%0A  ", out);
		escaped(out, line, false);
		free(line);
	}
	if (d->n_references > ML_REPORT_MAX_REFERENCES)
		fprintf(out, "%%0A  ... and %zu more", d->n_references - ML_REPORT_MAX_REFERENCES);
	if (d->help) {
		fputs("%0Ahelp: ", out);
		escaped(out, d->help, false);
	}
	fputc('\n', out);
}

static void github_end(ml_report_ctx *rc)
{
	free(rc->state);
	rc->state = NULL;
}

const ml_report_format ml_report_github = { "github", ML_FORMAT_GITHUB, github_begin, github_diagnostic,
					    github_end, false };
