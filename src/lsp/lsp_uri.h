/*
 * lsp_uri.h - file: URIs and the paths they name (lsp_uri.c), as editors
 * write them: "file:///home/me/db/001%20init.sql".
 */
#ifndef MIGRALINT_LSP_URI_H
#define MIGRALINT_LSP_URI_H

/* The path a file: URI names, percent-decoded: a malloc'd absolute path
 * the caller frees. NULL when uri is not a file: URI on this machine (an
 * editor's unsaved buffer, "untitled:Untitled-1"), is malformed (a bad
 * escape, an encoded NUL) or memory runs out. */
char *ml_lsp_uri_to_path(const char *uri);

/* The file: URI of path: a malloc'd string the caller frees, or NULL when
 * memory runs out. A relative path is taken from base (an absolute
 * directory; NULL: the current directory). Every byte but letters, digits,
 * "-._~" and "/" is percent-encoded. */
char *ml_lsp_path_to_uri(const char *path, const char *base);

#endif
