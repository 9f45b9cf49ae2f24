/*
 * lsp_internal.h - what the files of the language server share: the
 * server's state, an open document, and the calls between the dispatcher
 * (lsp_server.c), the documents and their linting (lsp_documents.c) and
 * the answers built from a lint (lsp_diagnostics.c, lsp_actions.c,
 * lsp_hover.c).
 *
 * Ownership: the server owns its documents and its folders' options; a
 * document owns its text, its line index, its last lint and its history
 * catalog, all replaced together when it changes. A request's JSON (what
 * came and what goes back) is freed once the request is answered.
 */
#ifndef MIGRALINT_LSP_INTERNAL_H
#define MIGRALINT_LSP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "lsp_rpc.h"
#include "lsp_server.h"
#include "lsp_text.h"
#include "migralint/migralint.h"

/* The options of one folder's documents, loaded once. */
typedef struct ml_lsp_folder {
	char *dir;                /* the folder (absolute), or "" for documents that are not files */
	ml_lsp_config config;
	bool error_shown;         /* config.error was shown to the user */
} ml_lsp_folder;

/* An open document. */
typedef struct ml_lsp_document {
	char *uri;                /* as the client names it */
	char *path;               /* the file it is (file: URIs), or NULL: linted alone */
	char *dir;                /* path's folder, or NULL */
	char *text;               /* NUL-terminated, len bytes */
	size_t len;
	long version;
	ml_lsp_lines lines;       /* over text */
	bool dirty;               /* changed since the last lint */
	bool linted;              /* result below is text's lint */
	ml_lint_result result;    /* with statement_info */
	ml_options options;       /* what it was linted with (points into its folder's options) */
	bool excluded;            /* the configuration excludes it: not linted */
	char *not_linted;         /* why the text was not linted (too large), or NULL */
	bool holds_nul;           /* the client's text holds a NUL character, which a C string
				     (text) cannot: text stops at the first one, so it is not
				     linted (as the command line does not lint such a file) */
	ml_catalog *history;      /* what the earlier migrations of its folder build, or NULL:
				     not read yet */
	const char *tool;         /* the migration tool detected for it (static), or NULL: not
				     detected yet, or it is not on disk */
} ml_lsp_document;

typedef struct ml_lsp_server {
	ml_lsp_server_options opts;
	ml_rpc_reader reader;
	bool initialized;         /* initialize was answered */
	bool shut_down;           /* shutdown was received */
	bool exiting;             /* exit was received */
	bool message_has_nul;     /* the message being handled holds a NUL character in one of
				     its strings (\u0000, or a NUL byte), which cJSON's strings
				     end at */
	bool output_failed;       /* writing to the client failed: stop */
	char *root;               /* the workspace folder, or NULL */
	cJSON *settings;          /* the editor's "migralint" settings, or NULL */
	/* What the client said it can do. */
	bool related_information, code_description, document_changes, watch_registration;
	long next_request_id;
	ml_lsp_document **docs;
	size_t n_docs, cap_docs;
	ml_lsp_folder **folders;
	size_t n_folders, cap_folders;
} ml_lsp_server;

/* ---- the dispatcher (lsp_server.c) --------------------------------------- */

/* Whether v is a JSON number that is a whole number a long holds, stored
 * in *out (a client's 1e300 is not one: converting it would be undefined). */
bool ml_lsp_json_long(const cJSON *v, long *out);
/* Sends message (deleted here; NULL: memory ran out, said on the log). */
void ml_lsp_send(ml_lsp_server *s, cJSON *message);
/* Says text to the user (window/showMessage; type 1 error, 2 warning,
 * 3 info) or to the client's log (window/logMessage), and on the log. */
void ml_lsp_show(ml_lsp_server *s, int type, const char *text);
void ml_lsp_log(ml_lsp_server *s, int type, const char *text);

/* ---- documents (lsp_documents.c) ----------------------------------------- */

/* The open document of uri, or NULL. */
ml_lsp_document *ml_lsp_document_find(ml_lsp_server *s, const char *uri);
/* Opens uri with text (copied). An open one is replaced. Returns it, or
 * NULL when memory runs out. */
ml_lsp_document *ml_lsp_document_open(ml_lsp_server *s, const char *uri, long version, const char *text,
				      size_t len);
/* Replaces doc's text (copied). Returns 0, or -1 when memory runs out
 * (doc keeps its text). */
int ml_lsp_document_set_text(ml_lsp_document *doc, long version, const char *text, size_t len);
/* Publishes an empty list for doc and forgets it. */
void ml_lsp_document_close(ml_lsp_server *s, ml_lsp_document *doc);
/* Lints doc now if it changed, and publishes its diagnostics. */
void ml_lsp_document_ready(ml_lsp_server *s, ml_lsp_document *doc);
/* Lints and publishes every document that changed. */
void ml_lsp_lint_changed(ml_lsp_server *s);
/* A file changed on disk (saved, created, deleted: path). Drops the
 * history of the documents whose migrations it may be, and the options of
 * every folder when it is a configuration file; those documents are linted
 * again. */
void ml_lsp_file_changed(ml_lsp_server *s, const char *path, const ml_lsp_document *saved);
/* Drops every folder's options and every history (the settings changed). */
void ml_lsp_reload_all(ml_lsp_server *s);
/* Frees every document and folder. */
void ml_lsp_documents_free(ml_lsp_server *s);

/* ---- answers (lsp_diagnostics.c, lsp_actions.c, lsp_hover.c) ------------- */

/* Whether d is one of doc's published diagnostics: in force (not
 * silenced by a comment), and about doc. */
bool ml_lsp_diagnostic_published(const ml_lsp_document *doc, const ml_diagnostic *d);
/* d as the protocol's Diagnostic, or NULL when memory runs out. */
cJSON *ml_lsp_diagnostic_json(const ml_lsp_server *s, const ml_lsp_document *doc, const ml_diagnostic *d);
/* doc's diagnostics for textDocument/publishDiagnostics, or NULL when
 * memory runs out. */
cJSON *ml_lsp_diagnostics_json(const ml_lsp_server *s, const ml_lsp_document *doc);
/* The JSON range of bytes [start, end) of doc. */
cJSON *ml_lsp_range_json(const ml_lsp_lines *lines, size_t start, size_t end);
/* The code actions for the findings in bytes [start, end] of doc and those
 * named (the request's context.diagnostics: an array, or NULL), and for
 * the whole file; only: the kinds the client asked for (NULL: all). NULL
 * when memory runs out. */
cJSON *ml_lsp_code_actions(const ml_lsp_server *s, const ml_lsp_document *doc, size_t start, size_t end,
			   const cJSON *named, const cJSON *only);
/* The hover at byte offset of doc, or a null JSON when no statement is
 * there. NULL when memory runs out. */
cJSON *ml_lsp_hover(const ml_lsp_document *doc, size_t offset);

#endif
