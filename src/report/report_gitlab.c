/*
 * report_gitlab.c - the GitLab Code Quality report (--format gitlab): a JSON
 * array with one Code Climate issue per finding (description, check_name,
 * fingerprint, severity, location.path relative to the project directory,
 * location.lines.begin and end), which a job publishes as
 * artifacts:reports:codequality. The fingerprint is the one the SARIF
 * report uses, so GitLab can tell new findings from old ones across commits.
 * An empty array when there is nothing to report.
 */
#include <stdlib.h>
#include <string.h>

#include "current_dir.h"
#include "migralint/migralint.h"
#include "report.h"

typedef struct gitlab_state {
	char *cwd;                /* current directory, or NULL */
	uint64_t *fingerprints;   /* per sorted diagnostic, or NULL */
} gitlab_state;

/* Code Climate severities: info, minor, major, critical, blocker. */
static const char *gitlab_severity(ml_severity s)
{
	return s == ML_SEVERITY_ERROR ? "critical" : s == ML_SEVERITY_WARNING ? "major" : "info";
}

static void gitlab_begin(ml_report_ctx *rc)
{
	gitlab_state *st = calloc(1, sizeof(*st));
	rc->state = st;
	if (st) {
		st->cwd = ml_current_dir();
		st->fingerprints = ml_report_fingerprints(rc);
	}
	/* Without them, the fingerprints are only unique, not stable. */
	if (!st || (!st->fingerprints && rc->count))
		rc->out_of_memory = true;
	fputc('[', rc->out);
}

static void gitlab_diagnostic(ml_report_ctx *rc, const ml_diagnostic *d)
{
	FILE *out = rc->out;
	gitlab_state *st = rc->state;
	fputs(rc->index ? ",\n{\"type\":\"issue\",\"check_name\":" : "\n{\"type\":\"issue\",\"check_name\":", out);
	ml_json_string(out, d->rule);
	fputs(",\"description\":", out);
	ml_json_string(out, d->message);
	if (d->help) {
		fputs(",\"content\":{\"body\":", out);
		ml_json_string(out, d->help);
		fputc('}', out);
	}
	fprintf(out, ",\"categories\":[\"Bug Risk\"],\"severity\":\"%s\",\"fingerprint\":\"", gitlab_severity(d->severity));
	if (st && st->fingerprints)
		fprintf(out, "%016llx", (unsigned long long)st->fingerprints[rc->index]);
	else
		fprintf(out, "%016zx", rc->index); /* out of memory: unique at least */
	fputs("\",\"location\":{\"path\":", out);
	bool relative;
	char *path = ml_report_path(d->path, st ? st->cwd : NULL, &relative);
	ml_json_string(out, path ? path : d->path);
	free(path);
	fprintf(out, ",\"lines\":{\"begin\":%d,\"end\":%d}}}", d->line, d->end_line < d->line ? d->line : d->end_line);
}

static void gitlab_end(ml_report_ctx *rc)
{
	fputs(rc->count ? "\n]\n" : "]\n", rc->out);
	gitlab_state *st = rc->state;
	if (st) {
		free(st->cwd);
		free(st->fingerprints);
		free(st);
		rc->state = NULL;
	}
}

const ml_report_format ml_report_gitlab = { "gitlab", ML_FORMAT_GITLAB, gitlab_begin, gitlab_diagnostic,
					    gitlab_end, false };
