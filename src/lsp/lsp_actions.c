/*
 * lsp_actions.c - textDocument/codeAction: for each finding in the range,
 * its mechanical fix (a quickfix), and an "ignore" comment above its
 * statement with a reason for the user to write; and for the whole file,
 * every fix at once (source.fixAll.migralint, built with ml_fixes_apply).
 * Every edit is a byte range of the document's text turned into UTF-16
 * positions, sent with the document's version so that a client does not
 * apply it to a text that has changed since.
 */
#include <stdlib.h>
#include <string.h>

#include "lsp_internal.h"

/* What the reason of an inserted ignore comment says until the user
 * writes one. */
static const char REASON_PLACEHOLDER[] = "TODO: why this is safe";

/* Fix-all applies the fixes, lints the result and applies again while
 * fixes that touched each other wait: at most this many passes. */
#define FIX_ALL_PASSES 4

/* The kind of a code action that applies every fix of a file. */
static const char FIX_ALL_KIND[] = "source.fixAll.migralint";

/* Did the client ask for kind? only lists kinds, and a kind includes its
 * sub-kinds ("source" includes "source.fixAll.migralint"). */
static bool kind_wanted(const cJSON *only, const char *kind)
{
	if (!cJSON_IsArray(only))
		return true;
	const cJSON *k;
	cJSON_ArrayForEach(k, only)
	{
		if (!cJSON_IsString(k))
			continue;
		size_t n = strlen(k->valuestring);
		if (!strncmp(kind, k->valuestring, n) && (kind[n] == '\0' || kind[n] == '.'))
			return true;
	}
	return false;
}

static cJSON *text_edit(const ml_lsp_lines *lines, size_t start, size_t end, const char *new_text, size_t new_len)
{
	cJSON *e = cJSON_CreateObject(), *range = ml_lsp_range_json(lines, start, end);
	char *copy = malloc(new_len + 1);
	bool ok = e && range && copy && cJSON_AddItemToObject(e, "range", range);
	if (ok)
		range = NULL;
	if (ok) {
		memcpy(copy, new_text, new_len);
		copy[new_len] = '\0';
		ok = cJSON_AddStringToObject(e, "newText", copy) != NULL;
	}
	free(copy);
	cJSON_Delete(range);
	if (!ok) {
		cJSON_Delete(e);
		return NULL;
	}
	return e;
}

/* A WorkspaceEdit of edits (an array, taken over) to doc at its version. */
static cJSON *workspace_edit(const ml_lsp_server *s, const ml_lsp_document *doc, cJSON *edits)
{
	cJSON *w = cJSON_CreateObject();
	if (!w || !edits) {
		cJSON_Delete(w);
		cJSON_Delete(edits);
		return NULL;
	}
	if (s->document_changes) {
		cJSON *changes = cJSON_AddArrayToObject(w, "documentChanges");
		cJSON *change = cJSON_CreateObject(), *id = cJSON_CreateObject();
		if (!changes || !change || !id || !cJSON_AddStringToObject(id, "uri", doc->uri) ||
		    !cJSON_AddNumberToObject(id, "version", (double)doc->version) ||
		    !cJSON_AddItemToObject(change, "textDocument", id)) {
			cJSON_Delete(id);
			cJSON_Delete(change);
			cJSON_Delete(edits);
			cJSON_Delete(w);
			return NULL;
		}
		if (!cJSON_AddItemToObject(change, "edits", edits)) {
			cJSON_Delete(edits);
			cJSON_Delete(change);
			cJSON_Delete(w);
			return NULL;
		}
		if (!cJSON_AddItemToArray(changes, change)) {
			cJSON_Delete(change);
			cJSON_Delete(w);
			return NULL;
		}
		return w;
	}
	cJSON *changes = cJSON_AddObjectToObject(w, "changes");
	if (!changes || !cJSON_AddItemToObject(changes, doc->uri, edits)) {
		cJSON_Delete(edits);
		cJSON_Delete(w);
		return NULL;
	}
	return w;
}

/* Adds a code action to out; diagnostic and edit are taken over (the
 * diagnostic may be NULL). Returns false when memory runs out. */
static bool add_action(cJSON *out, const char *title, const char *kind, cJSON *diagnostic, cJSON *edit,
		       bool preferred)
{
	cJSON *a = cJSON_CreateObject();
	bool ok = a && edit && cJSON_AddStringToObject(a, "title", title) && cJSON_AddStringToObject(a, "kind", kind);
	if (ok && diagnostic) {
		cJSON *list = cJSON_AddArrayToObject(a, "diagnostics");
		ok = list && cJSON_AddItemToArray(list, diagnostic);
		if (ok)
			diagnostic = NULL;
	}
	ok = ok && (!preferred || cJSON_AddTrueToObject(a, "isPreferred")) && cJSON_AddItemToObject(a, "edit", edit);
	if (ok)
		edit = NULL;
	ok = ok && cJSON_AddItemToArray(out, a);
	if (ok)
		a = NULL;
	cJSON_Delete(a);
	cJSON_Delete(diagnostic);
	cJSON_Delete(edit);
	return ok;
}

static bool quickfix(const ml_lsp_server *s, const ml_lsp_document *doc, const ml_diagnostic *d, cJSON *out)
{
	cJSON *edits = cJSON_CreateArray();
	for (size_t i = 0; edits && i < d->fix->n_edits; i++) {
		const ml_edit *e = &d->fix->edits[i];
		cJSON *te = e->end <= doc->len ? text_edit(&doc->lines, e->start, e->end, e->replacement,
							    strlen(e->replacement))
					       : NULL;
		if (!te || !cJSON_AddItemToArray(edits, te)) {
			cJSON_Delete(te);
			cJSON_Delete(edits);
			return false;
		}
	}
	char *title = malloc(strlen(d->fix->description) + strlen(d->rule) + 32);
	if (!title) {
		cJSON_Delete(edits);
		return false;
	}
	sprintf(title, "%s (%s)", d->fix->description, d->rule);
	bool ok = add_action(out, title, "quickfix", ml_lsp_diagnostic_json(s, doc, d), workspace_edit(s, doc, edits),
			     true);
	free(title);
	return ok;
}

/* The top-level statement that holds offset: where an ignore comment
 * applies (a finding inside a PL/pgSQL body is silenced above the
 * statement that holds the body). NULL when there is none. */
static const ml_statement_info *top_statement(const ml_lint_result *r, size_t offset)
{
	for (size_t i = 0; i < r->n_statement_info; i++) {
		const ml_statement_info *st = &r->statement_info[i];
		if (!strcmp(st->body, "top") && st->start <= offset && offset <= st->end)
			return st;
	}
	return NULL;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* When the bytes [a, b) are a line "-- migralint-ignore NAMES[: reason]"
 * (blanks before it allowed), returns true with *insert_at where another
 * name goes (after the last one) and *listed whether rule is among them,
 * by its id or alias. */
static bool ignore_comment(const char *text, size_t a, size_t b, const char *rule, size_t *insert_at, bool *listed)
{
	static const char KEYWORD[] = "migralint-ignore";
	size_t i = a;
	while (i < b && blank(text[i]))
		i++;
	if (b - i < 2 || text[i] != '-' || text[i + 1] != '-')
		return false;
	i += 2;
	while (i < b && blank(text[i]))
		i++;
	size_t k = sizeof(KEYWORD) - 1;
	if (b - i < k + 1 || strncmp(text + i, KEYWORD, k) || !blank(text[i + k]))
		return false;
	i += k;
	size_t end = i;
	while (end < b && text[end] != ':')
		end++;
	while (end > i && blank(text[end - 1]))
		end--;
	const ml_rule_info *wanted = ml_rule_find(rule);
	*listed = false;
	for (size_t p = i; p < end;) {
		while (p < end && (blank(text[p]) || text[p] == ','))
			p++;
		size_t q = p;
		while (q < end && !blank(text[q]) && text[q] != ',')
			q++;
		char name[128];
		if (q > p && q - p < sizeof(name)) {
			memcpy(name, text + p, q - p);
			name[q - p] = '\0';
			*listed = *listed || (wanted && ml_rule_find(name) == wanted);
		}
		p = q;
	}
	*insert_at = end;
	return end > i;
}

static bool ignore_action(const ml_lsp_server *s, const ml_lsp_document *doc, const ml_diagnostic *d, cJSON *out)
{
	const ml_statement_info *st = top_statement(&doc->result, d->start);
	if (!st || st->start > doc->len)
		return true; /* a finding about the file: no statement to put a comment above */
	const ml_lsp_lines *lines = &doc->lines;
	size_t line = ml_lsp_line_of(lines, st->start), line_start = lines->starts[line];
	size_t insert_at, new_len;
	bool listed = false;
	char *new_text;
	if (line > 0 && ignore_comment(doc->text, lines->starts[line - 1], ml_lsp_line_end(lines, line - 1), d->rule,
				       &insert_at, &listed)) {
		if (listed)
			return true; /* named already, yet in force: adding it again would change nothing */
		new_text = malloc(strlen(d->rule) + 3);
		if (!new_text)
			return false;
		new_len = (size_t)sprintf(new_text, ", %s", d->rule);
	} else {
		/* On a line of its own above the statement, indented like it,
		 * ending as the document's lines end. */
		size_t indent = 0, line_end = ml_lsp_line_end(lines, line);
		while (line_start + indent < line_end && blank(doc->text[line_start + indent]))
			indent++;
		const char *eol = "\n";
		if (line_end < doc->len && doc->text[line_end] == '\r')
			eol = line_end + 1 < doc->len && doc->text[line_end + 1] == '\n' ? "\r\n" : "\r";
		new_text = malloc(indent + strlen(d->rule) + sizeof(REASON_PLACEHOLDER) + 32);
		if (!new_text)
			return false;
		memcpy(new_text, doc->text + line_start, indent);
		new_len = indent + (size_t)sprintf(new_text + indent, "-- migralint-ignore %s: %s%s", d->rule,
						   REASON_PLACEHOLDER, eol);
		insert_at = line_start;
	}
	cJSON *edits = cJSON_CreateArray(), *edit = text_edit(lines, insert_at, insert_at, new_text, new_len);
	free(new_text);
	if (!edits || !edit || !cJSON_AddItemToArray(edits, edit)) {
		cJSON_Delete(edits);
		cJSON_Delete(edit);
		return false;
	}
	char *title = malloc(strlen(d->rule) + 64);
	if (!title) {
		cJSON_Delete(edits);
		return false;
	}
	sprintf(title, "Ignore %s here (migralint-ignore comment)", d->rule);
	bool ok = add_action(out, title, "quickfix", ml_lsp_diagnostic_json(s, doc, d), workspace_edit(s, doc, edits),
			     false);
	free(title);
	return ok;
}

/* The rules about ignore comments themselves: a comment to silence them
 * would be a comment about a comment. */
static bool ignorable(const ml_diagnostic *d)
{
	return strcmp(d->rule, "unknown-rule-in-ignore") && strcmp(d->rule, "unused-ignore") &&
	       strcmp(d->rule, "ignore-without-reason");
}

/* How many of diagnostics (n) have a fix that ml_fixes_apply may take. */
static size_t count_fixes(const char *path, const ml_diagnostic *diagnostics, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += diagnostics[i].fix && !diagnostics[i].suppressed && !strcmp(diagnostics[i].path, path);
	return count;
}

/* Moves a byte boundary off the middle of a UTF-8 character and of a CRLF
 * (where no UTF-16 position can say it): down for a start, up for an end. */
static size_t align(const char *text, size_t len, size_t at, bool up)
{
	if (up) {
		while (at < len && ((unsigned char)text[at] & 0xC0) == 0x80)
			at++;
		if (at > 0 && at < len && text[at - 1] == '\r' && text[at] == '\n')
			at++;
	} else {
		while (at > 0 && ((unsigned char)text[at] & 0xC0) == 0x80)
			at--;
		if (at > 0 && at < len && text[at - 1] == '\r' && text[at] == '\n')
			at--;
	}
	return at;
}

/* Every fix of doc applied, as one edit of the part that changes. */
static bool fix_all_action(const ml_lsp_server *s, const ml_lsp_document *doc, cJSON *out)
{
	const char *path = doc->path ? doc->path : doc->uri;
	const ml_diagnostic *diagnostics = doc->result.diagnostics;
	size_t n = doc->result.n_diagnostics, fixes = count_fixes(path, diagnostics, n), total = 0;
	if (!fixes)
		return true;
	ml_options opts = doc->options;
	opts.record_statements = false;
	char *fixed = NULL;
	const char *text = doc->text;
	size_t len = doc->len;
	ml_lint_result relint = { 0 };
	bool relinted = false;
	for (int pass = 0; pass < FIX_ALL_PASSES; pass++) {
		size_t out_len = 0, applied = 0;
		char *next = ml_fixes_apply(path, text, len, diagnostics, n, &out_len, &applied);
		if (!next) {
			free(fixed);
			if (relinted)
				ml_lint_result_free(&relint);
			return false;
		}
		if (!applied) {
			free(next);
			break;
		}
		free(fixed);
		fixed = next;
		text = fixed;
		len = out_len;
		total += applied;
		if (applied == fixes)
			break;
		/* Some waited for a fix they touched: lint what we have. */
		if (relinted)
			ml_lint_result_free(&relint);
		relint = ml_lint_text(doc->history, &opts, path, text, len);
		relinted = true;
		diagnostics = relint.diagnostics;
		n = relint.n_diagnostics;
		fixes = count_fixes(path, diagnostics, n);
	}
	if (relinted)
		ml_lint_result_free(&relint);
	if (!total) {
		free(fixed);
		return true;
	}
	/* One edit: what lies between the common start and the common end. */
	size_t head = 0, tail = 0;
	while (head < doc->len && head < len && doc->text[head] == fixed[head])
		head++;
	while (tail < doc->len - head && tail < len - head && doc->text[doc->len - 1 - tail] == fixed[len - 1 - tail])
		tail++;
	size_t start = align(doc->text, doc->len, head, false);
	size_t end = align(doc->text, doc->len, doc->len - tail, true);
	size_t new_start = start, new_end = len - (doc->len - end);
	cJSON *edits = cJSON_CreateArray(), *edit = text_edit(&doc->lines, start, end, fixed + new_start,
							       new_end - new_start);
	free(fixed);
	if (!edits || !edit || !cJSON_AddItemToArray(edits, edit)) {
		cJSON_Delete(edits);
		cJSON_Delete(edit);
		return false;
	}
	char title[96];
	snprintf(title, sizeof(title), "Apply every migralint fix in this file (%zu)", total);
	return add_action(out, title, FIX_ALL_KIND, NULL, workspace_edit(s, doc, edits), false);
}

/* The number at key of o, or -1. */
static long number_at(const cJSON *o, const char *key)
{
	long n;
	return ml_lsp_json_long(cJSON_GetObjectItemCaseSensitive(o, key), &n) && n >= 0 ? n : -1;
}

/* Is d one of the diagnostics the client names (the request's
 * context.diagnostics): its code, and its range's start? Clients send the
 * diagnostics of the cursor's line with a range that is only the cursor
 * (Neovim), so those count as well as the range. */
static bool named_by_client(const ml_lsp_document *doc, const ml_diagnostic *d, const cJSON *named)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, named)
	{
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(c, "code");
		const cJSON *range = cJSON_GetObjectItemCaseSensitive(c, "range");
		const cJSON *start = range ? cJSON_GetObjectItemCaseSensitive(range, "start") : NULL;
		if (!cJSON_IsString(code) || strcmp(code->valuestring, d->rule) || !start)
			continue;
		ml_lsp_position p = ml_lsp_position_of(&doc->lines, d->start);
		if (number_at(start, "line") == (long)p.line && number_at(start, "character") == (long)p.character)
			return true;
	}
	return false;
}

cJSON *ml_lsp_code_actions(const ml_lsp_server *s, const ml_lsp_document *doc, size_t start, size_t end,
			   const cJSON *named, const cJSON *only)
{
	cJSON *out = cJSON_CreateArray();
	if (!out || !doc->linted || doc->not_linted)
		return out;
	bool quickfixes = kind_wanted(only, "quickfix");
	for (size_t i = 0; quickfixes && i < doc->result.n_diagnostics; i++) {
		const ml_diagnostic *d = &doc->result.diagnostics[i];
		if (!ml_lsp_diagnostic_published(doc, d) ||
		    ((d->start > end || d->end < start) && !named_by_client(doc, d, named)))
			continue;
		if ((d->fix && d->fix->n_edits && !quickfix(s, doc, d, out)) ||
		    (ignorable(d) && !ignore_action(s, doc, d, out))) {
			cJSON_Delete(out);
			return NULL;
		}
	}
	if (kind_wanted(only, FIX_ALL_KIND) && !fix_all_action(s, doc, out)) {
		cJSON_Delete(out);
		return NULL;
	}
	return out;
}
