/*
 * lsp_documents.c - the open documents of the language server: their
 * text, the options of their folder (loaded once per folder through the
 * caller's loader, dropped when a configuration file or the settings
 * change), the history their earlier migrations build (read once, dropped
 * when another migration of their folder changes), and their lint, run
 * when they changed and published as textDocument/publishDiagnostics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsp_internal.h"
#include "lsp_uri.h"

static char *dup_n(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	if (out) {
		memcpy(out, s, n);
		out[n] = '\0';
	}
	return out;
}

/* path's folder, malloc'd ("/" for a file at the root), or NULL when
 * memory runs out. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return dup_n(".", 1);
	return dup_n(path, slash == path ? 1 : (size_t)(slash - path));
}

ml_lsp_document *ml_lsp_document_find(ml_lsp_server *s, const char *uri)
{
	for (size_t i = 0; i < s->n_docs; i++)
		if (!strcmp(s->docs[i]->uri, uri))
			return s->docs[i];
	return NULL;
}

/* Forgets doc's lint (its diagnostics, hover and actions). */
static void drop_lint(ml_lsp_document *doc)
{
	if (doc->linted)
		ml_lint_result_free(&doc->result);
	doc->linted = false;
	doc->excluded = false;
	free(doc->not_linted);
	doc->not_linted = NULL;
}

static void document_free(ml_lsp_document *doc)
{
	if (!doc)
		return;
	drop_lint(doc);
	ml_catalog_free(doc->history);
	ml_lsp_lines_release(&doc->lines);
	free(doc->text);
	free(doc->uri);
	free(doc->path);
	free(doc->dir);
	free(doc);
}

int ml_lsp_document_set_text(ml_lsp_document *doc, long version, const char *text, size_t len)
{
	char *copy = dup_n(text, len);
	ml_lsp_lines lines;
	if (!copy || ml_lsp_lines_index(&lines, copy, len) != 0) {
		free(copy);
		return -1;
	}
	/* The lint was of the old text: its offsets mean nothing now. */
	drop_lint(doc);
	ml_lsp_lines_release(&doc->lines);
	free(doc->text);
	doc->text = copy;
	doc->len = len;
	doc->lines = lines;
	doc->version = version;
	doc->dirty = true;
	return 0;
}

ml_lsp_document *ml_lsp_document_open(ml_lsp_server *s, const char *uri, long version, const char *text,
				      size_t len)
{
	ml_lsp_document *old = ml_lsp_document_find(s, uri);
	ml_lsp_document *doc = calloc(1, sizeof(*doc));
	if (!doc)
		return NULL;
	doc->uri = strdup(uri);
	doc->path = ml_lsp_uri_to_path(uri);
	doc->dir = doc->path ? dir_of(doc->path) : NULL;
	if (!doc->uri || (doc->path && !doc->dir) || ml_lsp_document_set_text(doc, version, text, len) != 0) {
		document_free(doc);
		return NULL;
	}
	if (old) {
		for (size_t i = 0; i < s->n_docs; i++)
			if (s->docs[i] == old)
				s->docs[i] = doc;
		document_free(old);
		return doc;
	}
	if (s->n_docs == s->cap_docs) {
		size_t cap = s->cap_docs ? 2 * s->cap_docs : 8;
		ml_lsp_document **grown = realloc(s->docs, cap * sizeof(*grown));
		if (!grown) {
			document_free(doc);
			return NULL;
		}
		s->docs = grown;
		s->cap_docs = cap;
	}
	s->docs[s->n_docs++] = doc;
	return doc;
}

/* Sends doc's diagnostics (an empty list when it is closing). */
static void publish(ml_lsp_server *s, ml_lsp_document *doc, bool closing)
{
	cJSON *params = cJSON_CreateObject();
	cJSON *diagnostics = closing ? cJSON_CreateArray() : ml_lsp_diagnostics_json(s, doc);
	if (!params || !diagnostics || !cJSON_AddStringToObject(params, "uri", doc->uri) ||
	    (!closing && !cJSON_AddNumberToObject(params, "version", (double)doc->version))) {
		cJSON_Delete(params);
		cJSON_Delete(diagnostics);
		ml_lsp_send(s, NULL);
		return;
	}
	cJSON_AddItemToObject(params, "diagnostics", diagnostics);
	ml_lsp_send(s, ml_rpc_notification("textDocument/publishDiagnostics", params));
}

void ml_lsp_document_close(ml_lsp_server *s, ml_lsp_document *doc)
{
	publish(s, doc, true);
	for (size_t i = 0; i < s->n_docs; i++)
		if (s->docs[i] == doc) {
			memmove(s->docs + i, s->docs + i + 1, (s->n_docs - i - 1) * sizeof(*s->docs));
			s->n_docs--;
			break;
		}
	document_free(doc);
}

/* The folder a document of dir (NULL: not a file) takes its options from,
 * loaded on first use; NULL when memory runs out. */
static ml_lsp_folder *folder_for(ml_lsp_server *s, const char *dir)
{
	char *cwd = NULL;
	if (!dir && !(dir = s->root))
		dir = cwd = getcwd(NULL, 0);
	if (!dir)
		return NULL;
	for (size_t i = 0; i < s->n_folders; i++)
		if (!strcmp(s->folders[i]->dir, dir)) {
			free(cwd);
			return s->folders[i];
		}
	ml_lsp_folder *f = calloc(1, sizeof(*f));
	if (f)
		f->dir = strdup(dir);
	free(cwd);
	if (!f || !f->dir || s->opts.loader.load(s->opts.loader.data, f->dir, s->root, s->settings, &f->config) != 0) {
		if (f)
			free(f->dir);
		free(f);
		return NULL;
	}
	if (s->n_folders == s->cap_folders) {
		size_t cap = s->cap_folders ? 2 * s->cap_folders : 8;
		ml_lsp_folder **grown = realloc(s->folders, cap * sizeof(*grown));
		if (!grown) {
			s->opts.loader.release(s->opts.loader.data, &f->config);
			free(f->dir);
			free(f);
			return NULL;
		}
		s->folders = grown;
		s->cap_folders = cap;
	}
	s->folders[s->n_folders++] = f;
	/* The same problem is said once, not on every keystroke. */
	for (size_t i = 0; f->config.error && i + 1 < s->n_folders; i++)
		if (s->folders[i]->config.error && !strcmp(s->folders[i]->config.error, f->config.error))
			f->error_shown = true;
	if (f->config.error && !f->error_shown) {
		char *text = malloc(strlen(f->config.error) + 64);
		if (text) {
			sprintf(text, "migralint: %s (linting with the defaults until it is fixed)", f->config.error);
			ml_lsp_show(s, 1, text);
			free(text);
		}
		f->error_shown = true;
	}
	return f;
}

/* Lints doc with its folder's options and its history, and publishes. */
static void lint(ml_lsp_server *s, ml_lsp_document *doc)
{
	drop_lint(doc);
	doc->dirty = false;
	if (doc->holds_nul) {
		/* What the command line says of a file with a NUL byte. */
		doc->not_linted = strdup("not linted: the document contains a NUL character (U+0000): it looks "
					 "binary, not SQL text");
		publish(s, doc, false);
		return;
	}
	ml_lsp_folder *folder = folder_for(s, doc->dir);
	if (!folder) {
		ml_lsp_log(s, 1, "out of memory loading the options: the document was not linted");
		doc->not_linted = strdup("out of memory loading the options");
		publish(s, doc, false);
		return;
	}
	ml_options opts = folder->config.options;
	if (doc->path && folder->config.hook && !folder->config.hook(folder->config.hook_data, doc->path, &opts)) {
		doc->excluded = true;
		doc->options = opts;
		publish(s, doc, false);
		return;
	}
	opts.record_statements = true; /* for hover and the ignore action */
	opts.skip_excerpts = true;
	/* Which tool runs its folder is read from the folder (its listing,
	 * its files' markers): once, not after every edit. */
	if (doc->path && !opts.tool) {
		const char *why;
		if (!doc->tool && ml_detect_tool(&opts, doc->path, &doc->tool, &why) != 0)
			doc->tool = NULL;
		opts.tool = doc->tool;
	}
	if (doc->path && !doc->history)
		doc->history = ml_history_before(&opts, doc->path);
	/* One thread: with the statements' trees in the parse cache, what is
	 * left is the analysis, which runs in order anyway, and handing
	 * statements to and from parsing threads cost more than it saved
	 * (bench/run.sh ONLY=lsp: 33 ms after an edit instead of 57, half the
	 * CPU). */
	opts.jobs = 1;
	doc->options = opts;
	doc->result = ml_lint_text(doc->history, &opts, doc->path ? doc->path : doc->uri, doc->text, doc->len);
	doc->linted = true;
	if (doc->result.error) {
		char limit[32], msg[256];
		ml_size_format(opts.max_input_size ? opts.max_input_size : ML_DEFAULT_MAX_INPUT_SIZE, limit, sizeof(limit));
		if (doc->len > (opts.max_input_size ? opts.max_input_size : ML_DEFAULT_MAX_INPUT_SIZE))
			snprintf(msg, sizeof(msg),
				 "not linted: the document is %zu bytes, larger than max_input_size (%s); raise "
				 "max_input_size in .migralint.json or the editor's settings to lint it",
				 doc->len, limit);
		else
			snprintf(msg, sizeof(msg), "not linted: %s", doc->result.error);
		doc->not_linted = strdup(msg);
		ml_lsp_log(s, 2, msg);
	}
	publish(s, doc, false);
}

void ml_lsp_document_ready(ml_lsp_server *s, ml_lsp_document *doc)
{
	if (doc->dirty)
		lint(s, doc);
}

void ml_lsp_lint_changed(ml_lsp_server *s)
{
	for (size_t i = 0; i < s->n_docs && !s->output_failed; i++)
		if (s->docs[i]->dirty)
			lint(s, s->docs[i]);
}

static void free_folders(ml_lsp_server *s)
{
	for (size_t i = 0; i < s->n_folders; i++) {
		s->opts.loader.release(s->opts.loader.data, &s->folders[i]->config);
		free(s->folders[i]->dir);
		free(s->folders[i]);
	}
	s->n_folders = 0;
}

void ml_lsp_reload_all(ml_lsp_server *s)
{
	/* The lints and histories were made with the folders' options, which
	 * go: drop them first. */
	for (size_t i = 0; i < s->n_docs; i++) {
		ml_lsp_document *doc = s->docs[i];
		drop_lint(doc);
		ml_catalog_free(doc->history);
		doc->history = NULL;
		doc->tool = NULL;
		doc->dirty = true;
	}
	free_folders(s);
}

/* Are two folders (NULL: none) close enough that a file of one may be a
 * migration of the other's history? The same folder, one the parent of the
 * other, or two children of one parent (a migration per folder, as diesel
 * and prisma keep them; sqitch's deploy/ beside its plan). */
static bool related_dirs(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	if (!strcmp(a, b))
		return true;
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
	size_t pa = sa ? (size_t)(sa - a) : 0, pb = sb ? (size_t)(sb - b) : 0;
	size_t la = strlen(a), lb = strlen(b);
	return (pa == pb && !strncmp(a, b, pa)) || (pa == lb && !strncmp(a, b, pa)) || (pb == la && !strncmp(a, b, pb));
}

void ml_lsp_file_changed(ml_lsp_server *s, const char *path, const ml_lsp_document *saved)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	bool config = !strcmp(base, ".migralint.json");
	for (size_t i = 0; !config && i < s->n_folders; i++) {
		const ml_lsp_config *c = &s->folders[i]->config;
		config = c->path && !strcmp(c->path, path);
	}
	if (config) {
		ml_lsp_log(s, 3, "a configuration file changed: reloading the options");
		ml_lsp_reload_all(s);
		return;
	}
	char *dir = dir_of(path);
	for (size_t i = 0; dir && i < s->n_docs; i++) {
		ml_lsp_document *doc = s->docs[i];
		if (doc == saved) {
			doc->dirty = true; /* saved: published again, its own history is the same */
			continue;
		}
		if (!related_dirs(doc->dir, dir))
			continue;
		drop_lint(doc);
		ml_catalog_free(doc->history);
		doc->history = NULL;
		doc->tool = NULL;
		doc->dirty = true;
	}
	free(dir);
}

void ml_lsp_documents_free(ml_lsp_server *s)
{
	for (size_t i = 0; i < s->n_docs; i++)
		document_free(s->docs[i]);
	free(s->docs);
	s->docs = NULL;
	s->n_docs = s->cap_docs = 0;
	free_folders(s);
	free(s->folders);
	s->folders = NULL;
	s->cap_folders = 0;
}
