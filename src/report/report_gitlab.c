/*
 * report_gitlab.c - the GitLab Code Quality report (--format gitlab): a JSON
 * array with one Code Climate issue per finding (description, check_name,
 * content.body with the safe recipe and what still uses what the statement
 * drops, fingerprint, severity, location.path relative to the project directory,
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

/* The body (Markdown): the safe recipe, then what still uses what
 * the statement drops, each in a code span; malloc'd, or NULL when there is
 * neither (or memory runs out). */
static char *gitlab_body(ml_report_ctx *rc, const ml_diagnostic *d)
{
	if (!d->help && !d->n_references)
		return NULL;
	char *body = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&body, &len);
	if (!f) {
		rc->out_of_memory = true;
		return NULL;
	}
	if (d->help)
		fputs(d->help, f);
	if (d->n_references)
		fputs(d->help ? "\n\nStill used by:" : "Still used by:", f);
	for (size_t i = 0; i < d->n_references && i < ML_REPORT_MAX_REFERENCES; i++) {
		char *line = ml_report_reference_text(&d->references[i], true);
		if (!line) {
			rc->out_of_memory = true;
			break;
		}
		/* a code span longer than any run of backticks in it */
		size_t run = 0, longest = 0;
		for (const char *p = line; *p; p++) {
			run = *p == '`' ? run + 1 : 0;
			if (run > longest)
				longest = run;
		}
		fputs("\n- ", f);
		for (size_t k = 0; k <= longest; k++)
			fputc('`', f);
		fprintf(f, " %s ", line);
		for (size_t k = 0; k <= longest; k++)
			fputc('`', f);
		free(line);
	}
	if (d->n_references > ML_REPORT_MAX_REFERENCES)
		fprintf(f, "\n- ... and %zu more", d->n_references - ML_REPORT_MAX_REFERENCES);
	if (fclose(f) != 0) {
		free(body);
		rc->out_of_memory = true;
		return NULL;
	}
	return body;
}

static void gitlab_diagnostic(ml_report_ctx *rc, const ml_diagnostic *d)
{
	FILE *out = rc->out;
	gitlab_state *st = rc->state;
	fputs(rc->index ? ",\n{\"type\":\"issue\",\"check_name\":" : "\n{\"type\":\"issue\",\"check_name\":", out);
	ml_json_string(out, d->rule);
	fputs(",\"description\":", out);
	ml_json_string(out, d->message);
	char *body = gitlab_body(rc, d);
	if (body) {
		fputs(",\"content\":{\"body\":", out);
		ml_json_string(out, body);
		fputc('}', out);
	}
	free(body);
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
