/*
 * lsp_server.h - `migralint lsp`: the linter as a language server
 * (lsp_server.c and the files it calls), speaking the Language Server
 * Protocol over a pair of file descriptors. It publishes each open
 * document's findings, offers their fixes and "ignore" comments as code
 * actions and a statement's locks on hover, lints a migration with the
 * earlier migrations of its directory as history, and reloads the
 * configuration when it changes. docs/editors.md describes it for users.
 *
 * The configuration file is read above this layer (src/cli/): the caller
 * hands the server a loader that turns a folder and the editor's settings
 * into options.
 */
#ifndef MIGRALINT_LSP_SERVER_H
#define MIGRALINT_LSP_SERVER_H

#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "migralint/migralint.h"

/* The largest message read by default: a document of the default
 * max_input_size, escaped, and room for the rest. */
#define ML_LSP_DEFAULT_MAX_MESSAGE (2 * ML_DEFAULT_MAX_INPUT_SIZE + ((size_t)1 << 20))

/* Where the rule pages are, for a diagnostic's codeDescription when the
 * configuration sets no doc_base_url: the rule name and ".md" follow. */
#define ML_LSP_DEFAULT_DOC_BASE "https://github.com/migralint/migralint/blob/main/docs/rules/"

/* The options that apply to the documents of one folder. */
typedef struct ml_lsp_config {
	ml_options options;       /* the run-wide options, before the hook */
	ml_options_hook hook;     /* each file's options (overrides, excludes), or NULL */
	void *hook_data;
	const char *path;         /* the configuration file used, or NULL: none */
	char *error;              /* NULL, or a malloc'd message naming what could not be used and
				     why (an invalid configuration file, a bad setting): the options
				     then hold the defaults with what could be used */
	void *owner;              /* the loader's; everything above lives until release */
} ml_lsp_config;

/* Turns a folder and the editor's settings into options. */
typedef struct ml_lsp_config_loader {
	void *data;               /* passed to both functions */
	/* Fills *out for the documents of dir (an absolute directory): the
	 * configuration file settings names (relative to root, the workspace
	 * folder, when not absolute), or else the nearest .migralint.json from
	 * dir up; then the settings themselves (the "migralint" object of the
	 * editor's settings, or NULL). Returns 0, or -1 when memory runs out. */
	int (*load)(void *data, const char *dir, const char *root, const cJSON *settings, ml_lsp_config *out);
	/* Frees what load put in config. */
	void (*release)(void *data, ml_lsp_config *config);
} ml_lsp_config_loader;

typedef struct ml_lsp_server_options {
	int in_fd, out_fd;        /* the client's messages come on in_fd, the server's go to out_fd,
				     and nothing else does */
	size_t max_message_size;  /* a larger message is skipped with an error; 0: the default */
	FILE *log;                /* what the server has to say besides the protocol, or NULL */
	ml_lsp_config_loader loader;
} ml_lsp_server_options;

/* The memory the parse cache may keep while the server runs: the trees of
 * the statements of the documents being edited. */
#define ML_LSP_PARSE_CACHE ((size_t)256 << 20)

/* Serves one client until it says exit or its input ends, with the parse
 * cache on for the process meanwhile (src/source/parse_cache.h). Returns the
 * process's exit status as the protocol wants it: 0 after shutdown and
 * exit, 1 when exit came without shutdown, the input ended first, or the
 * output could not be written. */
int ml_lsp_serve(const ml_lsp_server_options *opts);

#endif
