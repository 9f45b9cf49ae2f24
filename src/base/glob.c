/*
 * glob.c - paths and path globs, for the configuration file and the scan of
 * the application's code: making a path absolute and relative to the file's
 * directory, and matching the globs of "exclude", of an override's "files"
 * and of "references"."exclude" against it ("*", "?", "[...]", "**" as
 * whole directories; a glob naming a directory matches what lies below it).
 * In the base layer because both the run (the code scan) and the command
 * line (the configuration) use it.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"

/* ---- paths ---- */

/* Resolves ".", ".." and repeated slashes of an absolute path, in place. */
void ml_path_normalize(char *p)
{
	size_t n = strlen(p), r = 1, w = 1;
	while (r < n) {
		size_t start = r;
		while (r < n && p[r] != '/')
			r++;
		size_t len = r - start;
		if (r < n)
			r++;
		if (len == 0 || (len == 1 && p[start] == '.'))
			continue;
		if (len == 2 && p[start] == '.' && p[start + 1] == '.') {
			if (w > 1) {
				w--;
				while (w > 1 && p[w - 1] != '/')
					w--;
			}
			continue;
		}
		memmove(p + w, p + start, len);
		w += len;
		p[w++] = '/';
	}
	if (w > 1)
		w--;
	p[w] = '\0';
}

/* base + "/" + rel, malloc'd; rel when it is absolute. */
char *ml_path_join(const char *base, const char *rel)
{
	if (rel[0] == '/' || !base)
		return strdup(rel);
	size_t a = strlen(base), b = strlen(rel);
	char *out = malloc(a + b + 2);
	if (!out)
		return NULL;
	memcpy(out, base, a);
	out[a] = '/';
	memcpy(out + a + 1, rel, b + 1);
	return out;
}

/* The directory part of an absolute, normalized path, malloc'd. */
char *ml_path_parent(const char *abs)
{
	const char *slash = strrchr(abs, '/');
	size_t len = slash && slash != abs ? (size_t)(slash - abs) : 1;
	char *out = malloc(len + 1);
	if (!out)
		return NULL;
	memcpy(out, abs, len);
	out[len] = '\0';
	return out;
}

char *ml_path_relative(const char *path, const char *cwd, const char *const *dirs, size_t n_dirs)
{
	if (!path || !*path)
		return NULL;
	char *abs = ml_path_join(cwd, path);
	if (!abs || abs[0] != '/') {
		free(abs);
		return NULL;
	}
	ml_path_normalize(abs);
	for (size_t i = 0; i < n_dirs; i++) {
		const char *dir = dirs[i];
		if (!dir)
			continue;
		size_t n = strlen(dir);
		const char *rest = NULL;
		if (!strcmp(dir, "/"))
			rest = abs + 1;
		else if (!strncmp(abs, dir, n) && abs[n] == '/')
			rest = abs + n + 1;
		if (rest && *rest) {
			char *out = strdup(rest);
			free(abs);
			return out;
		}
	}
	free(abs);
	return NULL;
}

/* ---- globs ---- */

/* Matches a [...] class at *pp (just after '[') against c and moves *pp past
 * the closing ']'. */
static bool match_class(const char **pp, char c)
{
	const char *p = *pp;
	bool negate = *p == '!' || *p == '^';
	if (negate)
		p++;
	bool hit = false;
	bool first = true;
	while (*p && (first || *p != ']')) {
		first = false;
		char lo = *p == '\\' && p[1] ? *++p : *p;
		p++;
		char hi = lo;
		if (p[0] == '-' && p[1] && p[1] != ']') {
			p++;
			hi = *p == '\\' && p[1] ? *++p : *p;
			p++;
		}
		if ((unsigned char)c >= (unsigned char)lo && (unsigned char)c <= (unsigned char)hi)
			hit = true;
	}
	if (*p == ']')
		p++;
	*pp = p;
	return hit != negate;
}

/* A glob is matched by a small automaton over the path's bytes: one state
 * per element of the glob (a literal byte, "?", a class, "*", "**" + "/",
 * "**" at the end), plus, for each "**" + "/", one for "inside a directory
 * name it skips". All live states move together, byte by byte, so a match
 * costs at most (path length) x (glob length) steps whatever the glob: the
 * backtracking matcher this replaces took minutes for "*a*a*a*a*a*a*b"
 * against a 100-character name, and a pull request controls both. */

/* Longer globs are refused (ml_glob_problem): the matcher keeps its states
 * on the stack. */
#define GLOB_MAX_LEN 1024

enum glob_op {
	GLOB_LITERAL,             /* one byte */
	GLOB_ONE,                 /* "?": one byte but '/' */
	GLOB_CLASS,               /* "[...]": one byte but '/', in the set */
	GLOB_STAR,                /* "*": any bytes but '/' */
	GLOB_DIRS,                /* "**" + "/" at a segment start: zero or more whole directories */
	GLOB_REST,                /* "**" ending the glob at a segment start: everything */
};

typedef struct glob_elem {
	enum glob_op op;
	char c;                   /* GLOB_LITERAL */
	const char *set;          /* GLOB_CLASS: just after its '[' */
} glob_elem;

/* Splits glob (at most GLOB_MAX_LEN bytes) into elems; returns how many.
 * "**" is special only as a whole path segment; whether an element starts
 * a segment depends only on the element before it (a literal '/', or a
 * "**" + "/"), so it is decided here, once. */
static size_t glob_compile(const char *p, glob_elem *elems)
{
	size_t n = 0;
	bool segment_start = true;
	while (*p) {
		glob_elem *e = &elems[n++];
		if (segment_start && p[0] == '*' && p[1] == '*' && (p[2] == '/' || !p[2])) {
			e->op = p[2] ? GLOB_DIRS : GLOB_REST;
			p += p[2] ? 3 : 2;
			continue;
		}
		segment_start = false;
		switch (*p) {
		case '*':
			e->op = GLOB_STAR;
			while (*p == '*')
				p++;
			break;
		case '?':
			e->op = GLOB_ONE;
			p++;
			break;
		case '[':
			e->op = GLOB_CLASS;
			e->set = ++p;
			(void)match_class(&p, '\0'); /* only to move past the ']' */
			break;
		case '\\':
			if (p[1])
				p++;
			/* fall through */
		default:
			e->op = GLOB_LITERAL;
			e->c = *p;
			segment_start = *p == '/';
			p++;
			break;
		}
	}
	return n;
}

/* Does a glob match a path, or any directory the path lies in ("legacy"
 * matches "legacy/0001.sql")? The second is the first on a prefix of the
 * path ending before a '/': the automaton runs once over the whole path and
 * accepts where the glob is used up at a '/' or at the end. */
bool ml_glob_matches(const char *glob, const char *rel)
{
	glob_elem elems[GLOB_MAX_LEN];
	size_t n = glob_compile(glob, elems);
	/* at[i]: element i is next; in_dir[i]: inside a directory name that
	 * the "**" + "/" at element i skips. */
	bool at[GLOB_MAX_LEN + 1], in_dir[GLOB_MAX_LEN], next_at[GLOB_MAX_LEN + 1], next_in_dir[GLOB_MAX_LEN];
	memset(at, 0, n + 1);
	memset(in_dir, 0, n);
	at[0] = true;
	for (const char *s = rel;; s++) {
		/* A star or a "**" + "/" may match nothing; elements only
		 * point forward, so one pass in order finds all. */
		for (size_t i = 0; i < n; i++) {
			if (!at[i])
				continue;
			if (elems[i].op == GLOB_REST)
				return true;
			if (elems[i].op == GLOB_STAR || elems[i].op == GLOB_DIRS)
				at[i + 1] = true;
		}
		if (at[n] && (!*s || *s == '/'))
			return true;
		if (!*s)
			return false;
		char c = *s;
		bool alive = false;
		memset(next_at, 0, n + 1);
		memset(next_in_dir, 0, n);
		for (size_t i = 0; i < n; i++) {
			if (in_dir[i]) {
				if (c == '/')
					next_at[i] = true;
				else
					next_in_dir[i] = true;
				alive = true;
			}
			if (!at[i])
				continue;
			const glob_elem *e = &elems[i];
			bool step = false;
			switch (e->op) {
			case GLOB_LITERAL:
				step = c == e->c;
				break;
			case GLOB_ONE:
				step = c != '/';
				break;
			case GLOB_CLASS: {
				const char *set = e->set;
				step = c != '/' && match_class(&set, c);
				break;
			}
			case GLOB_STAR:
				if (c != '/')
					next_at[i] = alive = true;
				break;
			case GLOB_DIRS:
				if (c == '/')
					next_at[i] = true;
				else
					next_in_dir[i] = true;
				alive = true;
				break;
			case GLOB_REST:
				break;
			}
			if (step)
				next_at[i + 1] = alive = true;
		}
		if (!alive)
			return false;
		memcpy(at, next_at, n + 1);
		memcpy(in_dir, next_in_dir, n);
	}
}

/* Why text is not a usable glob, or NULL. */
const char *ml_glob_problem(const char *g)
{
	if (!*g)
		return "empty glob";
	if (strlen(g) > GLOB_MAX_LEN)
		return "bad glob: longer than 1024 bytes";
	for (const char *p = g; *p; p++) {
		if (*p == '\\') {
			if (!p[1])
				return "bad glob: it ends with a backslash";
			p++;
		} else if (*p == '[') {
			const char *q = p + 1;
			if (*q == '!' || *q == '^')
				q++;
			if (*q == ']')
				q++;
			while (*q && *q != ']') {
				if (*q == '\\' && q[1])
					q++;
				q++;
			}
			if (!*q)
				return "bad glob: '[' without its closing ']'";
			p = q;
		}
	}
	return NULL;
}

/* Drops a leading "./" or "/" and a trailing "/" (the glob names a directory,
 * which matches every file below it). */
char *ml_glob_normalize(const char *g)
{
	while (g[0] == '.' && g[1] == '/')
		g += 2;
	while (g[0] == '/')
		g++;
	char *out = strdup(g);
	if (!out)
		return NULL;
	size_t n = strlen(out);
	while (n > 0 && out[n - 1] == '/' && !(n > 1 && out[n - 2] == '\\'))
		out[--n] = '\0';
	return out;
}

const char *ml_glob_first_match(char *const *globs, const char *path)
{
	for (size_t i = 0; path && globs && globs[i]; i++)
		if (ml_glob_matches(globs[i], path))
			return globs[i];
	return NULL;
}
