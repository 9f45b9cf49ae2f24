/*
 * lsp_diagnostics.c - a lint as the protocol's diagnostics: ranges in
 * UTF-16 over the document's text, the rule as code with a link to its
 * page, the safe recipe as a second paragraph, and what still uses what a
 * statement drops (a view, an earlier statement holding a lock, a line of
 * the application) as related information. Findings an ignore comment
 * silenced are not published: the comment is the user's decision.
 */
#include <stdlib.h>
#include <string.h>

#include "lsp_internal.h"
#include "lsp_uri.h"
#include "report.h"

static cJSON *position_json(ml_lsp_position p)
{
	cJSON *o = cJSON_CreateObject();
	if (o && (!cJSON_AddNumberToObject(o, "line", (double)p.line) ||
		  !cJSON_AddNumberToObject(o, "character", (double)p.character))) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *range_of(ml_lsp_position a, ml_lsp_position b)
{
	cJSON *r = cJSON_CreateObject(), *start = position_json(a), *end = position_json(b);
	if (!r || !start || !end || !cJSON_AddItemToObject(r, "start", start)) {
		cJSON_Delete(r);
		cJSON_Delete(start);
		cJSON_Delete(end);
		return NULL;
	}
	if (!cJSON_AddItemToObject(r, "end", end)) {
		cJSON_Delete(r);
		cJSON_Delete(end);
		return NULL;
	}
	return r;
}

cJSON *ml_lsp_range_json(const ml_lsp_lines *lines, size_t start, size_t end)
{
	if (end < start)
		end = start;
	return range_of(ml_lsp_position_of(lines, start), ml_lsp_position_of(lines, end));
}

static int severity_number(ml_severity severity)
{
	switch (severity) {
	case ML_SEVERITY_ERROR:
		return 1;
	case ML_SEVERITY_WARNING:
		return 2;
	default:
		return 3;
	}
}

/* The related information of d: each reference with a place. */
static cJSON *related_json(const ml_lsp_document *doc, const ml_diagnostic *d)
{
	cJSON *out = cJSON_CreateArray();
	for (size_t i = 0; out && i < d->n_references; i++) {
		const ml_reference *ref = &d->references[i];
		if (!ref->path)
			continue;
		char *uri = NULL;
		cJSON *range = NULL;
		/* The run names the document as it was linted: its path, or the
		 * URI of a buffer that is not a file (untitled:...). */
		if (!strcmp(ref->path, doc->path ? doc->path : doc->uri)) {
			/* In this document: the whole line, which we have. */
			uri = strdup(doc->uri);
			size_t line = ref->line > 0 && (size_t)ref->line <= doc->lines.n ? (size_t)ref->line - 1 : 0;
			range = ml_lsp_range_json(&doc->lines, doc->lines.starts[line], ml_lsp_line_end(&doc->lines, line));
		} else {
			/* The run names files as it was given them: absolute ones
			 * here, or relative to the current directory. */
			uri = ml_lsp_path_to_uri(ref->path, NULL);
			size_t line = ref->line > 0 ? (size_t)ref->line - 1 : 0;
			range = range_of((ml_lsp_position){ line, 0 }, (ml_lsp_position){ line + (ref->line > 0), 0 });
		}
		char *message = ml_report_reference_text(ref, false);
		cJSON *item = cJSON_CreateObject(), *location = cJSON_CreateObject();
		bool ok = uri && range && message && item && location && cJSON_AddStringToObject(location, "uri", uri) &&
			  cJSON_AddItemToObject(location, "range", range);
		if (ok)
			range = NULL;
		ok = ok && cJSON_AddItemToObject(item, "location", location);
		if (ok)
			location = NULL;
		ok = ok && cJSON_AddStringToObject(item, "message", message) && cJSON_AddItemToArray(out, item);
		if (ok)
			item = NULL;
		free(uri);
		free(message);
		cJSON_Delete(range);
		cJSON_Delete(location);
		cJSON_Delete(item);
		if (!ok) {
			cJSON_Delete(out);
			return NULL;
		}
	}
	return out;
}

cJSON *ml_lsp_diagnostic_json(const ml_lsp_server *s, const ml_lsp_document *doc, const ml_diagnostic *d)
{
	const char *base = doc->options.doc_base_url && *doc->options.doc_base_url ? doc->options.doc_base_url
										   : ML_LSP_DEFAULT_DOC_BASE;
	size_t base_len = strlen(base);
	bool slash = base_len && base[base_len - 1] == '/';
	char *href = malloc(base_len + strlen(d->rule) + 5);
	char *message = malloc(strlen(d->message) + (d->help ? strlen(d->help) : 0) + 16);
	cJSON *o = cJSON_CreateObject(), *desc = cJSON_CreateObject();
	cJSON *range = ml_lsp_range_json(&doc->lines, d->start, d->end);
	cJSON *related = s->related_information && d->n_references ? related_json(doc, d) : NULL;
	bool ok = href && message && o && desc && range && (related || !s->related_information || !d->n_references);
	if (ok) {
		sprintf(href, "%s%s%s.md", base, slash ? "" : "/", d->rule);
		if (d->help && *d->help)
			sprintf(message, "%s\n\nhelp: %s", d->message, d->help);
		else
			strcpy(message, d->message);
		ok = cJSON_AddItemToObject(o, "range", range);
		if (ok)
			range = NULL;
		ok = ok && cJSON_AddNumberToObject(o, "severity", severity_number(d->severity)) &&
		     cJSON_AddStringToObject(o, "code", d->rule);
		if (ok && s->code_description) {
			ok = cJSON_AddStringToObject(desc, "href", href) && cJSON_AddItemToObject(o, "codeDescription", desc);
			if (ok)
				desc = NULL;
		}
		ok = ok && cJSON_AddStringToObject(o, "source", "migralint") &&
		     cJSON_AddStringToObject(o, "message", message);
		if (ok && related && cJSON_GetArraySize(related)) {
			ok = cJSON_AddItemToObject(o, "relatedInformation", related);
			if (ok)
				related = NULL;
		}
	}
	free(href);
	free(message);
	cJSON_Delete(desc);
	cJSON_Delete(range);
	cJSON_Delete(related);
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

bool ml_lsp_diagnostic_published(const ml_lsp_document *doc, const ml_diagnostic *d)
{
	return !d->suppressed && !strcmp(d->path, doc->path ? doc->path : doc->uri);
}

cJSON *ml_lsp_diagnostics_json(const ml_lsp_server *s, const ml_lsp_document *doc)
{
	cJSON *out = cJSON_CreateArray();
	if (!out || doc->excluded)
		return out;
	if (doc->not_linted) {
		/* Said where the user looks: at the top of the document. */
		cJSON *o = cJSON_CreateObject();
		cJSON *range = range_of((ml_lsp_position){ 0, 0 }, (ml_lsp_position){ 0, 0 });
		if (!o || !range || !cJSON_AddItemToObject(o, "range", range)) {
			cJSON_Delete(o);
			cJSON_Delete(range);
			cJSON_Delete(out);
			return NULL;
		}
		if (!cJSON_AddNumberToObject(o, "severity", 1) || !cJSON_AddStringToObject(o, "source", "migralint") ||
		    !cJSON_AddStringToObject(o, "message", doc->not_linted) || !cJSON_AddItemToArray(out, o)) {
			cJSON_Delete(o);
			cJSON_Delete(out);
			return NULL;
		}
		return out;
	}
	if (!doc->linted)
		return out;
	for (size_t i = 0; i < doc->result.n_diagnostics; i++) {
		const ml_diagnostic *d = &doc->result.diagnostics[i];
		if (!ml_lsp_diagnostic_published(doc, d))
			continue;
		cJSON *o = ml_lsp_diagnostic_json(s, doc, d);
		if (!o || !cJSON_AddItemToArray(out, o)) {
			cJSON_Delete(o);
			cJSON_Delete(out);
			return NULL;
		}
	}
	return out;
}
