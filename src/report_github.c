/*
 * report_github.c - GitHub Actions workflow commands (--format github): one
 * "::error file=...,line=...,col=...,endLine=...,endColumn=...,title=RULE::
 * message" line per finding (::warning for warnings, ::notice for info), so
 * a CI step annotates the pull request without a SARIF upload. Paths are
 * relative to the current directory, the workspace root in a job. Nothing
 * else is written: GitHub shows the annotations and their count.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Writes s escaped for a workflow command: '%', CR and LF always, and ':' and
 * ',' too in a property value. */
static void escaped(FILE *out, const char *s, bool property)
{
	for (; s && *s; s++) {
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
