/*
 * report_sarif.c - the SARIF 2.1.0 report (--format sarif), what GitHub code
 * scanning and other SARIF viewers ingest. One run: the tool driver with
 * every registered rule (its doc page inline as help.markdown, and as
 * helpUri when doc_base_url says where it is published), the files linted as
 * artifacts, one result per finding (1-based regions in Unicode code points,
 * artifact URIs relative to %SRCROOT%, the current directory), a fingerprint
 * that survives lines shifting above the finding, what still uses what the
 * statement drops as relatedLocations, the mechanical fix when there is one, the lock facts as properties, and for a finding an ignore
 * comment silenced, that comment as an inSource suppression. Unreadable inputs become
 * tool execution notifications. Written as a stream, one result per line.
 */
#include <stdlib.h>
#include <string.h>

#include "current_dir.h"
#include "migralint/migralint.h"
#include "report.h"

typedef struct sarif_state {
	char *cwd;                /* current directory, or NULL */
	uint64_t *fingerprints;   /* per sorted diagnostic, or NULL */
} sarif_state;

static const char *sarif_level(ml_severity s)
{
	return s == ML_SEVERITY_ERROR ? "error" : s == ML_SEVERITY_WARNING ? "warning" : "note";
}

/* Writes bytes percent-encoded for a URI path: unreserved characters and '/'
 * stay, everything else (spaces, ':', '%', non-ASCII bytes) becomes %XX. */
static void uri_path(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    strchr("-._~/", c))
			fputc(c, out);
		else
			fprintf(out, "%%%02X", c);
	}
}

/* Writes an artifactLocation object for path: a relative URI with uriBaseId
 * %SRCROOT% when the file lies below the current directory, else an
 * absolute file:// URI. */
static void artifact_location(FILE *out, const char *path, const char *cwd)
{
	bool relative = false;
	char *shown = ml_report_path(path, cwd, &relative);
	const char *p = shown ? shown : path;
	fputs("{\"uri\":\"", out);
	if (relative || p[0] != '/') {
		uri_path(out, p);
		fputs("\",\"uriBaseId\":\"%SRCROOT%\"}", out);
	} else {
		fputs("file://", out);
		uri_path(out, p);
		fputs("\"}", out);
	}
	free(shown);
}

/* The registry index of a rule id, for ruleIndex; -1 when it is not there. */
static long rule_index(const char *name)
{
	for (size_t i = 0; i < ml_rule_count(); i++)
		if (!strcmp(ml_rule_at(i)->name, name))
			return (long)i;
	return -1;
}

static void sarif_rule(ml_report_ctx *rc, const ml_rule_info *r, const char *doc_base)
{
	FILE *out = rc->out;
	fputs("{\"id\":", out);
	ml_json_string(out, r->name);
	if (r->alias) {
		fputs(",\"deprecatedIds\":[", out);
		ml_json_string(out, r->alias);
		fputc(']', out);
	}
	fputs(",\"shortDescription\":{\"text\":", out);
	ml_json_string(out, r->summary);
	fputs("},\"fullDescription\":{\"text\":", out);
	/* "summary. help" */
	size_t len = strlen(r->summary) + (r->help ? strlen(r->help) : 0) + 16;
	char *full = malloc(len);
	if (full) {
		snprintf(full, len, "%s%s%s", r->summary, r->help ? ". Safe recipe: " : "", r->help ? r->help : "");
		ml_json_string(out, full);
		free(full);
	} else {
		ml_json_string(out, r->summary);
		rc->out_of_memory = true;
	}
	fputc('}', out);
	if (doc_base) {
		fputs(",\"helpUri\":\"", out);
		/* the base is a URL already; the rule name needs no encoding */
		for (const char *p = doc_base; *p; p++)
			if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
				fprintf(out, "\\u%04x", (unsigned char)*p);
			else
				fputc(*p, out);
		fprintf(out, "%s.md\"", r->name);
	}
	fputs(",\"help\":{\"text\":", out);
	ml_json_string(out, r->help ? r->help : r->summary);
	/* the page as --explain prints it; without memory for it, the doc alone */
	char *page = NULL;
	size_t page_len = 0;
	FILE *page_out = open_memstream(&page, &page_len);
	if (page_out) {
		ml_rule_write_page(page_out, r);
		if (fclose(page_out) != 0) {
			free(page);
			page = NULL;
		}
	}
	const char *doc = page ? page : ml_rule_doc(r);
	if (doc) {
		fputs(",\"markdown\":", out);
		ml_json_string(out, doc);
	}
	free(page);
	fprintf(out, "},\"defaultConfiguration\":{\"enabled\":%s,\"level\":\"%s\"}", r->opt_in ? "false" : "true",
		sarif_level(r->severity));
	fputs(",\"properties\":{\"tags\":[\"postgresql\",\"migration\"", out);
	if (r->opt_in)
		fputs(",\"opt-in\"", out);
	fputs("]}}", out);
}

static void sarif_begin(ml_report_ctx *rc)
{
	FILE *out = rc->out;
	sarif_state *st = calloc(1, sizeof(*st));
	rc->state = st;
	if (st) {
		st->cwd = ml_current_dir();
		st->fingerprints = ml_report_fingerprints(rc);
	}
	if (!st || (!st->fingerprints && rc->count))
		rc->out_of_memory = true;
	const char *cwd = st ? st->cwd : NULL;
	fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{"
	      "\"tool\":{\"driver\":{\"name\":\"migralint\",\"version\":\"" MIGRALINT_VERSION "\","
	      "\"semanticVersion\":\"" MIGRALINT_VERSION "\",\"rules\":[",
	      out);
	const char *doc_base = ml_report_doc_base(rc->run);
	for (size_t i = 0; i < ml_rule_count(); i++) {
		fputs(i ? ",\n" : "\n", out);
		sarif_rule(rc, ml_rule_at(i), doc_base);
	}
	fputs("]}}", out);
	if (cwd && cwd[0] == '/') {
		fputs(",\"originalUriBaseIds\":{\"%SRCROOT%\":{\"uri\":\"file://", out);
		uri_path(out, cwd);
		fputs(cwd[strlen(cwd) - 1] == '/' ? "\"}}" : "/\"}}", out);
	}
	fputs(",\"columnKind\":\"unicodeCodePoints\",\"artifacts\":[", out);
	size_t n;
	const ml_file_summary *files = ml_run_files(rc->run, &n);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n{\"location\":" : "\n{\"location\":", out);
		artifact_location(out, files[i].path, cwd);
		fputc('}', out);
	}
	fputs("],\"results\":[", out);
}

/* Writes the region object of a 1-based range. */
static void region(FILE *out, int line, int column, int end_line, int end_column)
{
	if (line < 1)
		line = 1;
	if (column < 1)
		column = 1;
	if (end_line < line)
		end_line = line;
	if (end_column < 1 || (end_line == line && end_column < column))
		end_column = column;
	fprintf(out, "{\"startLine\":%d,\"startColumn\":%d,\"endLine\":%d,\"endColumn\":%d", line, column, end_line,
		end_column);
}

static void sarif_diagnostic(ml_report_ctx *rc, const ml_diagnostic *d)
{
	FILE *out = rc->out;
	sarif_state *st = rc->state;
	const char *cwd = st ? st->cwd : NULL;
	fputs(rc->index ? ",\n{\"ruleId\":" : "\n{\"ruleId\":", out);
	ml_json_string(out, d->rule);
	long index = rule_index(d->rule);
	if (index >= 0)
		fprintf(out, ",\"ruleIndex\":%ld", index);
	fprintf(out, ",\"level\":\"%s\",\"message\":{\"text\":", sarif_level(d->severity));
	if (d->help) {
		size_t len = strlen(d->message) + strlen(d->help) + 16;
		char *text = malloc(len);
		if (text)
			snprintf(text, len, "%s\nSafe recipe: %s", d->message, d->help);
		else
			rc->out_of_memory = true;
		ml_json_string(out, text ? text : d->message);
		free(text);
	} else {
		ml_json_string(out, d->message);
	}
	fputs("},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":", out);
	artifact_location(out, d->path, cwd);
	fputs(",\"region\":", out);
	region(out, d->line, d->column, d->end_line, d->end_column);
	fputc('}', out);
	int lines = 1;
	for (const char *p = d->excerpt; p && *p; p++)
		if (*p == '\n')
			lines++;
	if (d->excerpt && *d->excerpt && d->line >= 1 && d->end_line == d->line + lines - 1) {
		/* the excerpt is the region's whole lines (when it was not cut) */
		fprintf(out, ",\"contextRegion\":{\"startLine\":%d,\"endLine\":%d,\"snippet\":{\"text\":", d->line,
			d->end_line);
		ml_json_string(out, d->excerpt);
		fputs("}}", out);
	}
	fputs("}}]", out);
	if (d->n_references) {
		/* What still uses what the statement drops: a view, an index, a
		 * later migration, a line of the application's code. */
		fputs(",\"relatedLocations\":[", out);
		for (size_t i = 0; i < d->n_references; i++) {
			const ml_reference *r = &d->references[i];
			fprintf(out, "%s{\"id\":%zu", i ? "," : "", i + 1);
			if (r->path) {
				fputs(",\"physicalLocation\":{\"artifactLocation\":", out);
				artifact_location(out, r->path, cwd);
				if (r->line > 0)
					fprintf(out, ",\"region\":{\"startLine\":%d}", r->line);
				fputc('}', out);
			}
			char *text = ml_report_reference_text(r, false);
			if (!text)
				rc->out_of_memory = true;
			fputs(",\"message\":{\"text\":", out);
			ml_json_string(out, text ? text : r->kind);
			fputs("}}", out);
			free(text);
		}
		fputc(']', out);
	}
	if (st && st->fingerprints)
		fprintf(out, ",\"partialFingerprints\":{\"migralintFingerprint/v1\":\"%016llx\"}",
			(unsigned long long)st->fingerprints[rc->index]);
	if (d->fix) {
		const ml_fix *f = d->fix;
		fputs(",\"fixes\":[{\"description\":{\"text\":", out);
		ml_json_string(out, f->description ? f->description : "apply the fix");
		fputs("},\"artifactChanges\":[{\"artifactLocation\":", out);
		artifact_location(out, d->path, cwd);
		fputs(",\"replacements\":[", out);
		for (size_t i = 0; i < f->n_edits; i++) {
			const ml_edit *e = &f->edits[i];
			fputs(i ? ",{\"deletedRegion\":" : "{\"deletedRegion\":", out);
			region(out, e->line, e->column, e->end_line, e->end_column);
			fputs("},\"insertedContent\":{\"text\":", out);
			ml_json_string(out, e->replacement ? e->replacement : "");
			fputs("}}", out);
		}
		fputs("]}]}]", out);
	}
	if (d->suppressed) {
		/* Listed, not dropped: a viewer shows it as suppressed, with the
		 * comment's reason and where the comment is. */
		const ml_suppression_info *s = d->suppressed;
		fputs(",\"suppressions\":[{\"kind\":\"inSource\"", out);
		if (s->reason) {
			fputs(",\"justification\":", out);
			ml_json_string(out, s->reason);
		}
		fputs(",\"location\":{\"physicalLocation\":{\"artifactLocation\":", out);
		artifact_location(out, d->path, cwd);
		fputs(",\"region\":", out);
		region(out, s->line, s->column, s->line, s->column);
		fprintf(out, "}}},\"properties\":{\"kind\":\"%s\"}}]", s->kind);
	}
	/* Which part of which migration the finding is in: a viewer can tell
	 * a down migration's findings from the up's. */
	fprintf(out, ",\"properties\":{\"direction\":\"%s\",\"version\":",
		d->direction && !strcmp(d->direction, "down") ? "down" : "up");
	ml_json_string(out, d->version);
	const char *strongest = ml_report_strongest_lock(d);
	if (strongest) {
		fprintf(out, ",\"lock\":{\"mode\":\"%s\",\"tables\":[", strongest);
		for (size_t i = 0; i < d->n_locks; i++) {
			fputs(i ? ",{\"table\":" : "{\"table\":", out);
			ml_json_string(out, d->locks[i].table);
			fprintf(out, ",\"mode\":\"%s\"}", d->locks[i].mode);
		}
		fprintf(out, "]},\"rewrite\":%s,\"scan\":%s", d->rewrite == 1 ? "true" : "false",
			d->scan == 1 ? "true" : "false");
	}
	fputs("}}", out);
}

/* The message of an unreadable input, as a JSON string (its path alone
 * when memory runs out). */
static void write_input_error(ml_report_ctx *rc, const ml_input_error *e)
{
	FILE *out = rc->out;
	size_t len = strlen(e->path) + strlen(e->reason) + 64;
	char *text = malloc(len);
	if (!text) {
		ml_json_string(out, e->path);
		rc->out_of_memory = true;
		return;
	}
	snprintf(text, len, "cannot read '%s': %s; it was not linted", e->path, e->reason);
	ml_json_string(out, text);
	free(text);
}

static void sarif_end(ml_report_ctx *rc)
{
	FILE *out = rc->out;
	size_t n_errors;
	const ml_input_error *errors_list = ml_run_input_error_list(rc->run, &n_errors);
	int errors = (int)n_errors;
	fprintf(out, "],\"invocations\":[{\"executionSuccessful\":%s", errors ? "false" : "true");
	if (errors) {
		fputs(",\"toolExecutionNotifications\":[", out);
		for (int i = 0; i < errors; i++) {
			fputs(i ? ",{\"level\":\"error\",\"descriptor\":{\"id\":\"input-error\"},\"message\":{\"text\":"
				: "{\"level\":\"error\",\"descriptor\":{\"id\":\"input-error\"},\"message\":{\"text\":",
			      out);
			write_input_error(rc, &errors_list[i]);
			fputs("}}", out);
		}
		fputc(']', out);
	}
	fputs("}]}]}\n", out);
	sarif_state *st = rc->state;
	if (st) {
		free(st->cwd);
		free(st->fingerprints);
		free(st);
		rc->state = NULL;
	}
}

const ml_report_format ml_report_sarif = { "sarif", ML_FORMAT_SARIF, sarif_begin, sarif_diagnostic, sarif_end,
					   true };
