/*
 * lsp_uri.c - file: URIs to paths and back. Only local files: a URI with
 * a host other than localhost names a file elsewhere, and is not a path.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lsp_uri.h"

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *ml_lsp_uri_to_path(const char *uri)
{
	if (!uri || strncasecmp(uri, "file://", 7) != 0)
		return NULL;
	const char *p = uri + 7;
	if (!strncasecmp(p, "localhost/", 10))
		p += 9;
	if (*p != '/')
		return NULL;
	size_t n = strcspn(p, "?#");
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '%') {
			out[o++] = p[i];
			continue;
		}
		int hi = i + 2 < n ? hex_value(p[i + 1]) : -1, lo = hi >= 0 ? hex_value(p[i + 2]) : -1;
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(out);
			return NULL;
		}
		out[o++] = (char)(hi * 16 + lo);
		i += 2;
	}
	out[o] = '\0';
	return out;
}

char *ml_lsp_path_to_uri(const char *path, const char *base)
{
	char *joined = NULL;
	if (path[0] != '/') {
		char *cwd = base ? NULL : getcwd(NULL, 0);
		const char *dir = base ? base : cwd;
		if (!dir)
			return NULL;
		size_t d = strlen(dir), p = strlen(path);
		joined = malloc(d + p + 2);
		if (joined) {
			memcpy(joined, dir, d);
			joined[d] = '/';
			memcpy(joined + d + 1, path, p + 1);
		}
		free(cwd);
		if (!joined)
			return NULL;
		path = joined;
	}
	static const char HEX[] = "0123456789ABCDEF";
	size_t n = strlen(path);
	char *out = malloc(7 + 3 * n + 1);
	if (out) {
		size_t o = 0;
		memcpy(out, "file://", 7);
		o = 7;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)path[i];
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~/", c)) {
				out[o++] = (char)c;
			} else {
				out[o++] = '%';
				out[o++] = HEX[c >> 4];
				out[o++] = HEX[c & 15];
			}
		}
		out[o] = '\0';
	}
	free(joined);
	return out;
}
