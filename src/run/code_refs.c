/*
 * code_refs.c - the scan of the application's code (--references): after
 * the migrations are linted, every column a reported migration drops or
 * renames (run->column_checks) is looked for in the project's text files,
 * all of them in one pass over the files.
 *
 * The pass: worker threads take folders from a queue (a reference path,
 * then every folder below it that is not hidden, a dependency folder or
 * excluded), read each folder's entries, queue its folders and read its
 * files through the folder's descriptor, and cut each file into words (runs
 * of letters, digits, _ and non-ASCII bytes), looking every word up,
 * lowercased, in one hash of the words wanted: each column's forms, each
 * table's forms, and the two words that start a marker (ignored_columns,
 * migralint). Most words are turned away by their length and first byte
 * before they are hashed. Only a file with a hit is looked at further: a
 * column's word is a use when the same file names the column's table,
 * unless its line is part of a Rails ignored_columns statement or carries a
 * "migralint: column-removed" comment for it. What the workers found (uses,
 * files that could not be read) is sorted into the walk's order (each
 * folder's entries by name) before it is applied, so the report
 * is the same for any number of threads. docs/code-references.md is the
 * user's side of this.
 */
#define _GNU_SOURCE /* O_NOFOLLOW, O_DIRECTORY */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "code_refs.h"
#include "glob.h"
#include "map.h"
#include "migralint/migralint.h"
#include "run.h"

/* Folders that hold other people's code (installed dependencies, caches of
 * compiled files), never the application's: not walked. Hidden folders
 * (.git, .venv, .bundle...) are not walked either. */
static const char *const DEPENDENCY_DIRS[] = {
	"node_modules", "vendor", "bower_components", "jspm_packages", "site-packages", "__pycache__",
};

/* How deep a walk goes below a reference path. */
#define WALK_MAX_DEPTH 128
/* How far an ignored_columns statement is followed (a few lines, or an
 * array over a few dozen). */
#define IGNORED_MAX_BYTES 16384
/* Uses named in a diagnostic's message; the references list them all. */
#define MESSAGE_USES 2

/* ---- words --------------------------------------------------------------- */

/* Bytes that make up words: letters, digits, _ and the bytes of non-ASCII
 * characters (so that "légacy_name" is not "gacy_name"). */
static const unsigned char WORD_BYTE[256] = {
	['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1, ['_'] = 1, [0x80 ... 0xff] = 1,
};

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* name lowercased into out (ML_CODE_WORD_MAX + 1 bytes). Returns its
 * length, or 0 when it is not a word that fits. */
static size_t word_of(const char *name, char *out)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (!WORD_BYTE[*p] || n == ML_CODE_WORD_MAX)
			return 0;
		out[n++] = (char)lower(*p);
	}
	out[n] = '\0';
	return n;
}

/* Adds word (n bytes) to out unless it is there or empty or out is full;
 * with also_joined, the word without its underscores too. */
static void add_form(char (*out)[ML_CODE_WORD_MAX + 1], size_t *n, size_t max, const char *word, size_t len,
		     bool also_joined)
{
	char buf[ML_CODE_WORD_MAX + 1];
	if (!len || len > ML_CODE_WORD_MAX)
		return;
	memcpy(buf, word, len);
	buf[len] = '\0';
	bool there = false;
	for (size_t i = 0; i < *n && !there; i++)
		there = !strcmp(out[i], buf);
	if (!there && *n < max)
		memcpy(out[(*n)++], buf, len + 1);
	if (also_joined) {
		char joined[ML_CODE_WORD_MAX + 1];
		size_t j = 0;
		for (size_t i = 0; i < len; i++)
			if (buf[i] != '_')
				joined[j++] = buf[i];
		if (j != len)
			add_form(out, n, max, joined, j, false);
	}
}

static bool ends_with(const char *w, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n > k && !memcmp(w + n - k, suffix, k);
}

size_t ml_code_table_words(const char *table, char (*out)[ML_CODE_WORD_MAX + 1], size_t max)
{
	char w[ML_CODE_WORD_MAX + 1];
	size_t len = table ? word_of(table, w) : 0, n = 0;
	if (!len)
		return 0;
	add_form(out, &n, max, w, len, true);
	/* The singular an ORM names a model by: a few irregular plurals, then
	 * the English endings; when an ending is ambiguous (statuses, houses)
	 * both readings are looked for. */
	static const struct {
		const char *plural, *singular;
	} IRREGULAR[] = { { "people", "person" }, { "children", "child" }, { "men", "man" }, { "mice", "mouse" } };
	for (size_t i = 0; i < sizeof(IRREGULAR) / sizeof(*IRREGULAR); i++) {
		size_t pl = strlen(IRREGULAR[i].plural), sl = strlen(IRREGULAR[i].singular);
		if ((len == pl || (len > pl && w[len - pl - 1] == '_')) && !strcmp(w + len - pl, IRREGULAR[i].plural) &&
		    len - pl + sl <= ML_CODE_WORD_MAX) {
			char s[ML_CODE_WORD_MAX + 1];
			memcpy(s, w, len - pl);
			memcpy(s + len - pl, IRREGULAR[i].singular, sl);
			add_form(out, &n, max, s, len - pl + sl, true);
		}
	}
	if (ends_with(w, len, "ies")) {
		char s[ML_CODE_WORD_MAX + 1];
		memcpy(s, w, len - 3);
		s[len - 3] = 'y'; /* categories: category */
		add_form(out, &n, max, s, len - 2, true);
		add_form(out, &n, max, w, len - 1, true); /* movies: movie */
	} else if (ends_with(w, len, "ses") || ends_with(w, len, "xes") || ends_with(w, len, "zes") ||
		   ends_with(w, len, "ches") || ends_with(w, len, "shes")) {
		add_form(out, &n, max, w, len - 2, true); /* addresses: address, statuses: status, boxes: box */
		add_form(out, &n, max, w, len - 1, true); /* houses: house, caches: cache */
	} else if (ends_with(w, len, "s") && !ends_with(w, len, "ss") && !ends_with(w, len, "us") &&
		   !ends_with(w, len, "is")) {
		add_form(out, &n, max, w, len - 1, true); /* users: user */
	}
	return n;
}

size_t ml_code_column_words(const char *column, char (*out)[ML_CODE_WORD_MAX + 1], size_t max)
{
	char w[ML_CODE_WORD_MAX + 1];
	size_t len = column ? word_of(column, w) : 0, n = 0;
	if (len)
		add_form(out, &n, max, w, len, true);
	return n;
}

/* ---- the words wanted ---------------------------------------------------- */

enum { ROLE_TABLE = 1, ROLE_COLUMN = 2 };
enum { SPECIAL_NONE, SPECIAL_IGNORED_COLUMNS, SPECIAL_MARKER };

/* A word names a check's table or column. */
typedef struct word_use {
	uint32_t check;
	uint32_t role;
} word_use;

typedef struct wanted_word {
	char text[ML_CODE_WORD_MAX + 1]; /* lowercased */
	size_t len;
	uint64_t hash;
	int special;
	word_use *uses;
	size_t n_uses, cap;
} wanted_word;

/* A column check as the scan sees it. */
typedef struct wanted {
	ml_column_check *check;
	char schema[ML_CODE_WORD_MAX + 1], table[ML_CODE_WORD_MAX + 1], column[ML_CODE_WORD_MAX + 1];
	bool searchable;          /* its table and column are words: looked for */
} wanted;

typedef struct word_set {
	wanted_word **slots;      /* open addressing, mask + 1 of them */
	size_t mask;
	uint64_t lengths;         /* bit n: a word of n bytes is wanted */
	uint8_t first[256];       /* 1: a word starts with this byte (either case) */
} word_set;

static uint64_t hash_lower(const unsigned char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= lower(s[i]);
		h *= 1099511628211ULL;
	}
	return h;
}

static wanted_word *find_word(const word_set *set, const unsigned char *s, size_t n, uint64_t h)
{
	for (size_t k = h & set->mask;; k = (k + 1) & set->mask) {
		wanted_word *w = set->slots[k];
		if (!w)
			return NULL;
		if (w->hash != h || w->len != n)
			continue;
		size_t i = 0;
		while (i < n && lower(s[i]) == (unsigned char)w->text[i])
			i++;
		if (i == n)
			return w;
	}
}

/* The entry of text (lowercase), added when missing. */
static wanted_word *intern(ml_arena *arena, word_set *set, const char *text)
{
	size_t n = strlen(text);
	uint64_t h = hash_lower((const unsigned char *)text, n);
	wanted_word *w = find_word(set, (const unsigned char *)text, n, h);
	if (w)
		return w;
	w = ml_arena_alloc(arena, sizeof(*w));
	memcpy(w->text, text, n + 1);
	w->len = n;
	w->hash = h;
	size_t k = h & set->mask;
	while (set->slots[k])
		k = (k + 1) & set->mask;
	set->slots[k] = w;
	set->lengths |= (uint64_t)1 << n;
	set->first[(unsigned char)text[0]] = 1;
	set->first[(unsigned char)text[0] >= 'a' && (unsigned char)text[0] <= 'z' ? text[0] - 32 : text[0]] = 1;
	return w;
}

static void add_use(ml_arena *arena, wanted_word *w, uint32_t check, uint32_t role)
{
	for (size_t i = 0; i < w->n_uses; i++)
		if (w->uses[i].check == check && w->uses[i].role == role)
			return;
	if (w->n_uses == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 4;
		w->uses = ml_arena_grow(arena, w->uses, w->cap * sizeof(*w->uses), cap * sizeof(*w->uses));
		w->cap = cap;
	}
	w->uses[w->n_uses++] = (word_use){ check, role };
}

#define MAX_FORMS 16

/* The words of the n checks, in arena. */
static void build_words(ml_arena *arena, word_set *set, wanted *checks, size_t n)
{
	size_t cap = 64;
	while (cap < (n * (MAX_FORMS + 2) + 2) * 2)
		cap *= 2;
	set->slots = ml_arena_alloc(arena, cap * sizeof(*set->slots));
	set->mask = cap - 1;
	intern(arena, set, "ignored_columns")->special = SPECIAL_IGNORED_COLUMNS;
	intern(arena, set, "migralint")->special = SPECIAL_MARKER;
	for (size_t i = 0; i < n; i++) {
		char forms[MAX_FORMS][ML_CODE_WORD_MAX + 1];
		size_t nt = ml_code_table_words(checks[i].check->table, forms, MAX_FORMS);
		char cols[2][ML_CODE_WORD_MAX + 1];
		size_t nc = ml_code_column_words(checks[i].check->column, cols, 2);
		checks[i].searchable = nt && nc;
		if (!checks[i].searchable)
			continue;
		for (size_t k = 0; k < nt; k++)
			add_use(arena, intern(arena, set, forms[k]), (uint32_t)i, ROLE_TABLE);
		for (size_t k = 0; k < nc; k++)
			add_use(arena, intern(arena, set, cols[k]), (uint32_t)i, ROLE_COLUMN);
	}
}

/* ---- the pass over the files ------------------------------------------ */

/* A use found by a worker, in its arena. */
typedef struct found_use {
	uint32_t check;
	int line;
	const char *text;
	struct found_use *next;
} found_use;

/* What a worker found in a file (only files with uses or errors have one),
 * or a path it could not read. */
typedef struct file_result {
	size_t root;              /* the index of its reference path */
	const char *path;         /* as shown: the reference path as named + the path below it */
	char key[64];             /* "dev:inode" of a file with uses */
	found_use *uses;
	const char *error;        /* why it could not be read, or NULL */
} file_result;

/* A directory to read, or a reference path that is a file. */
typedef struct job {
	size_t root;
	char *path;               /* as shown; malloc'd */
	char *rel;                /* below the reference path ("" for itself); malloc'd */
	int depth;
	bool link;                /* reached through a symbolic link */
	bool file;                /* a reference path naming a file */
	struct job *next;
} job;

typedef struct scan {
	ml_run *run;
	ml_arena *arena;          /* the words, and what the workers share */
	word_set words;
	wanted *checks;
	size_t n_checks;
	const char *const *exclude; /* normalized globs, NULL-terminated */
	char **root_real;         /* per reference path: resolved, or NULL */
	size_t max_size;          /* the most bytes read of a file */
	/* the queue of directories, under lock */
	pthread_mutex_t lock;
	pthread_cond_t more;
	job *jobs;                /* a stack: depth first, so few wait at once */
	size_t pending;           /* jobs queued or being read */
	ml_map seen_dirs;         /* "dev:inode" of the folders walked (in arena, under lock) */
} scan;

static void file_key(char *buf, size_t len, const struct stat *sb)
{
	snprintf(buf, len, "%llu:%llu", (unsigned long long)sb->st_dev, (unsigned long long)sb->st_ino);
}

/* Records an input error for path, once per run (on the run's thread). */
static void scan_error(ml_run *run, const char *path, const char *why)
{
	if (ml_map_get(&run->reference_errors, path))
		return;
	ml_map_put(run->arena, &run->reference_errors, path, (void *)"");
	ml_run_input_error(run, path, why);
}

static bool is_dependency_dir(const char *name)
{
	for (size_t i = 0; i < sizeof(DEPENDENCY_DIRS) / sizeof(*DEPENDENCY_DIRS); i++)
		if (!strcmp(name, DEPENDENCY_DIRS[i]))
			return true;
	return false;
}

/* Does an exclude glob match the path below the reference path, or the path
 * as shown (without a leading "./" or "/", as globs are written)? */
static bool excluded(const scan *sc, const char *rel, const char *shown)
{
	if (!sc->exclude || !sc->exclude[0])
		return false;
	for (;;) {
		if (shown[0] == '.' && shown[1] == '/')
			shown += 2;
		else if (shown[0] == '/')
			shown++;
		else
			break;
	}
	for (size_t i = 0; sc->exclude[i]; i++)
		if (ml_glob_matches(sc->exclude[i], rel) || ml_glob_matches(sc->exclude[i], shown))
			return true;
	return false;
}

/* Is path (absolute, resolved) dir itself or below it? */
static bool lies_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return true;
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/* malloc'd a + b + c, or out of memory. */
static char *concat(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *out = malloc(la + lb + lc + 1);
	if (!out)
		ml_out_of_memory(la + lb + lc + 1);
	memcpy(out, a, la);
	memcpy(out + la, b, lb);
	memcpy(out + la + lb, c, lc + 1);
	return out;
}

/* Queues a job (taking over path and rel). */
static void push_job(scan *sc, size_t root, char *path, char *rel, int depth, bool link, bool file)
{
	job *j = malloc(sizeof(*j));
	if (!j)
		ml_out_of_memory(sizeof(*j));
	*j = (job){ root, path, rel, depth, link, file, NULL };
	pthread_mutex_lock(&sc->lock);
	j->next = sc->jobs;
	sc->jobs = j;
	sc->pending++;
	pthread_cond_signal(&sc->more);
	pthread_mutex_unlock(&sc->lock);
}

/* An entry of a directory being read. */
typedef struct dir_entry {
	size_t name;              /* offset of its name in the worker's names */
	unsigned char type;       /* d_type */
} dir_entry;

/* What a worker keeps between files. */
typedef struct worker {
	scan *sc;
	ml_arena *arena;          /* results, uses and their text: kept until they are applied */
	ml_ptr_vec results;       /* file_result * */
	char *buf;                /* the file's bytes, and a NUL after them */
	size_t buf_cap;
	struct dir_entry *entries; /* the directory being read */
	size_t cap_entries;
	char *names;              /* its entries' names, one after the other */
	size_t cap_names;
	/* per file, reset for each */
	struct hit *hits;
	size_t n_hits, cap_hits;
	struct marker *markers;
	size_t n_markers, cap_markers;
	struct range *ignored;
	size_t n_ignored, cap_ignored;
	uint32_t *named;          /* per check: the stamp of the last file naming its table */
	int *last_line;           /* per check: the line of its last use in that file */
	uint32_t stamp;
} worker;

static void add_result(worker *w, size_t root, const char *path, const char *key, found_use *uses, const char *error)
{
	file_result *r = ml_arena_alloc(w->arena, sizeof(*r));
	r->root = root;
	r->path = ml_arena_strdup(w->arena, path);
	if (key)
		snprintf(r->key, sizeof(r->key), "%s", key);
	r->uses = uses;
	r->error = error ? ml_arena_strdup(w->arena, error) : NULL;
	ml_ptr_vec_push(w->arena, &w->results, r);
}

/* A wanted word in the file. */
typedef struct hit {
	const wanted_word *word;
	size_t at;                /* offset of its first byte */
	size_t line_start;        /* offset of its line */
	int line;
} hit;

/* "migralint: column-removed [schema.]table.column" on a line. */
typedef struct marker {
	int line;
	bool next_line;           /* alone on its line: it applies to the next one too */
	struct marker_name {
		char schema[ML_CODE_WORD_MAX + 1], table[ML_CODE_WORD_MAX + 1], column[ML_CODE_WORD_MAX + 1];
	} *names;
	size_t n_names;
} marker;

/* The bytes of an ignored_columns statement, from its line's start. */
typedef struct range {
	size_t start, end;
} range;

#define GROW(ptr, n, cap)                                                                         \
	do {                                                                                      \
		if ((n) == (cap)) {                                                               \
			size_t grown_ = (cap) ? (cap) * 2 : 16;                                   \
			void *p_ = realloc((ptr), grown_ * sizeof(*(ptr)));                       \
			if (!p_)                                                                  \
				ml_out_of_memory(grown_ * sizeof(*(ptr)));                        \
			(ptr) = p_;                                                               \
			(cap) = grown_;                                                           \
		}                                                                                 \
	} while (0)

/* Makes *buf (malloc'd, *cap bytes) hold at least need bytes, doubling from
 * first; memory running out does not return. */
static void grow_bytes(char **buf, size_t *cap, size_t need, size_t first)
{
	if (need <= *cap)
		return;
	size_t grown = *cap ? *cap : first;
	while (grown < need)
		grown *= 2;
	char *p = realloc(*buf, grown);
	if (!p)
		ml_out_of_memory(grown);
	*buf = p;
	*cap = grown;
}

/* Where the ignored_columns statement whose name ends at `at` ends: after
 * the bracket or %w literal it assigns, through its closing delimiter;
 * without one, at the end of its line, continued while a line ends with an
 * operator or a comma. */
static size_t ignored_end(const char *buf, size_t len, size_t at)
{
	size_t limit = len - at > IGNORED_MAX_BYTES ? at + IGNORED_MAX_BYTES : len;
	char open = 0, close = 0, last = 0;
	int depth = 0;
	for (size_t p = at; p < limit; p++) {
		char c = buf[p];
		if (depth) {
			if (c == close && --depth == 0)
				return p;
			if (c == open && open != close)
				depth++;
			continue;
		}
		if (c == '\n') {
			if (!last || !strchr("=+-,\\([{|<", last))
				return p;
			continue;
		}
		if (c == ';' || c == '#')
			return p;
		if (c == '%' && p + 2 < limit && strchr("wWiI", buf[p + 1]) && !WORD_BYTE[(unsigned char)buf[p + 2]] &&
		    buf[p + 2] != ' ') {
			p += 2;
			c = buf[p];
			open = c;
			close = c == '[' ? ']' : c == '(' ? ')' : c == '{' ? '}' : c == '<' ? '>' : c;
			depth = 1;
			continue;
		}
		if (c == '[' || c == '(' || c == '{') {
			open = c;
			close = c == '[' ? ']' : c == '(' ? ')' : '}';
			depth = 1;
			continue;
		}
		if (c != ' ' && c != '\t' && c != '\r')
			last = c;
	}
	return limit;
}

/* One name of a marker at *pp: [schema.]table.column, each part a word or
 * a "quoted" word. Returns false when there is none. */
static bool marker_name(const char *buf, size_t end, size_t *pp, struct marker_name *out)
{
	char parts[3][ML_CODE_WORD_MAX + 1];
	size_t n = 0, p = *pp;
	for (;;) {
		bool quoted = p < end && buf[p] == '"';
		p += quoted;
		size_t len = 0;
		while (p < end && WORD_BYTE[(unsigned char)buf[p]] && len < ML_CODE_WORD_MAX)
			parts[n][len++] = (char)lower((unsigned char)buf[p++]);
		parts[n][len] = '\0';
		if (quoted && p < end && buf[p] == '"')
			p++;
		if (!len)
			return false;
		n++;
		if (n == 3 || p >= end || buf[p] != '.')
			break;
		p++;
	}
	if (n < 2)
		return false;
	memset(out, 0, sizeof(*out));
	if (n == 3)
		memcpy(out->schema, parts[0], sizeof(parts[0]));
	memcpy(out->table, parts[n - 2], sizeof(parts[0]));
	memcpy(out->column, parts[n - 1], sizeof(parts[0]));
	*pp = p;
	return true;
}

/* The marker whose word "migralint" is h, when it is one. */
static void read_marker(worker *w, const char *buf, size_t len, const hit *h)
{
	size_t line_end = h->at;
	while (line_end < len && buf[line_end] != '\n')
		line_end++;
	size_t p = h->at + h->word->len;
	while (p < line_end && (buf[p] == ' ' || buf[p] == '\t'))
		p++;
	if (p >= line_end || buf[p] != ':')
		return;
	p++;
	while (p < line_end && (buf[p] == ' ' || buf[p] == '\t'))
		p++;
	static const char DIRECTIVE[] = "column-removed";
	size_t k = 0;
	while (k < sizeof(DIRECTIVE) - 1 && p + k < line_end && lower((unsigned char)buf[p + k]) == DIRECTIVE[k])
		k++;
	if (k < sizeof(DIRECTIVE) - 1)
		return;
	p += k;
	marker m = { .line = h->line };
	for (;;) {
		while (p < line_end && (buf[p] == ' ' || buf[p] == '\t' || buf[p] == ','))
			p++;
		struct marker_name name;
		if (p >= line_end || !marker_name(buf, line_end, &p, &name))
			break;
		m.names = ml_arena_grow(w->arena, m.names, m.n_names * sizeof(name), (m.n_names + 1) * sizeof(name));
		m.names[m.n_names++] = name;
	}
	if (!m.n_names)
		return;
	/* Nothing but a comment's opening before it: the comment sits above
	 * the line it is about. */
	m.next_line = true;
	for (size_t q = h->line_start; q < h->at && m.next_line; q++)
		m.next_line = strchr(" \t#/*-;!<%'\"", buf[q]) != NULL;
	GROW(w->markers, w->n_markers, w->cap_markers);
	w->markers[w->n_markers++] = m;
}

static bool marker_line(const worker *w, int line)
{
	for (size_t i = 0; i < w->n_markers; i++)
		if (w->markers[i].line == line)
			return true;
	return false;
}

/* Does a marker on line, or alone on the line above, name check c? */
static bool marked_removed(const worker *w, const wanted *c, int line)
{
	for (size_t i = 0; i < w->n_markers; i++) {
		const marker *m = &w->markers[i];
		if (m->line != line && !(m->next_line && m->line + 1 == line))
			continue;
		for (size_t k = 0; k < m->n_names; k++) {
			const struct marker_name *nm = &m->names[k];
			if (!strcmp(nm->table, c->table) && !strcmp(nm->column, c->column) &&
			    (!nm->schema[0] || !c->schema[0] || !strcmp(nm->schema, c->schema)))
				return true;
		}
	}
	return false;
}

static bool in_ignored(const worker *w, size_t at)
{
	for (size_t i = 0; i < w->n_ignored; i++)
		if (at >= w->ignored[i].start && at <= w->ignored[i].end)
			return true;
	return false;
}

/* The text of the line a use is on: trimmed, and when longer than
 * ML_CODE_TEXT_MAX bytes, the part around the use, cut at characters, with
 * "..." where it was cut. */
static const char *use_text(ml_arena *arena, const char *buf, size_t len, size_t start, size_t at)
{
	size_t end = start;
	while (end < len && buf[end] != '\n')
		end++;
	while (start < end && strchr(" \t\r\f\v", buf[start]))
		start++;
	while (end > start && strchr(" \t\r\f\v", buf[end - 1]))
		end--;
	if (end - start <= ML_CODE_TEXT_MAX)
		return ml_arena_strndup(arena, buf + start, end - start);
	size_t from = at > start + ML_CODE_TEXT_MAX / 3 ? at - ML_CODE_TEXT_MAX / 3 : start;
	if (from + ML_CODE_TEXT_MAX > end)
		from = end - ML_CODE_TEXT_MAX;
	while (from > start && ((unsigned char)buf[from] & 0xC0) == 0x80)
		from--;
	size_t to = from + ML_CODE_TEXT_MAX < end ? from + ML_CODE_TEXT_MAX : end;
	while (to < end && to > from && ((unsigned char)buf[to] & 0xC0) == 0x80)
		to--;
	return ml_arena_printf(arena, "%s%.*s%s", from > start ? "..." : "", (int)(to - from), buf + from,
			       to < end ? "..." : "");
}

/* The uses in the len bytes of buf (buf[len] is a NUL), in the worker's
 * arena, in the order of the file. */
static found_use *scan_text(worker *w, const char *buf, size_t len)
{
	const scan *sc = w->sc;
	const word_set *set = &sc->words;
	const unsigned char *s = (const unsigned char *)buf, *end = s + len;
	w->n_hits = w->n_markers = w->n_ignored = 0;
	int line = 1;
	size_t counted = 0, line_start = 0; /* lines are counted up to `counted` */
	bool column_hit = false;
	const unsigned char *p = s;
	while (p < end) {
		while (!WORD_BYTE[*p] && p < end)
			p++;
		const unsigned char *start = p;
		while (WORD_BYTE[*p])
			p++;
		size_t n = (size_t)(p - start);
		if (n > ML_CODE_WORD_MAX || !((set->lengths >> n) & 1) || !set->first[*start])
			continue;
		const wanted_word *word = find_word(set, start, n, hash_lower(start, n));
		if (!word)
			continue;
		size_t at = (size_t)(start - s);
		/* Lines are counted only up to the words found. */
		for (const char *nl; (nl = memchr(buf + counted, '\n', at - counted));) {
			line++;
			counted = (size_t)(nl - buf) + 1;
			line_start = counted;
		}
		counted = at;
		GROW(w->hits, w->n_hits, w->cap_hits);
		hit *h = &w->hits[w->n_hits++];
		*h = (hit){ word, at, line_start, line };
		if (word->special == SPECIAL_MARKER) {
			read_marker(w, buf, len, h);
			w->n_hits--;
		} else if (word->special == SPECIAL_IGNORED_COLUMNS) {
			GROW(w->ignored, w->n_ignored, w->cap_ignored);
			w->ignored[w->n_ignored++] = (range){ line_start, ignored_end(buf, len, at + n) };
			w->n_hits--;
		} else {
			for (size_t k = 0; k < word->n_uses && !column_hit; k++)
				column_hit = word->uses[k].role == ROLE_COLUMN;
		}
	}
	if (!column_hit)
		return NULL;
	/* A column's word is a use where the file names its table (not on a
	 * marker's line), outside ignored_columns and not marked removed. */
	uint32_t stamp = ++w->stamp;
	for (size_t k = 0; k < w->n_hits; k++) {
		const hit *h = &w->hits[k];
		if (marker_line(w, h->line))
			continue;
		for (size_t u = 0; u < h->word->n_uses; u++)
			if (h->word->uses[u].role == ROLE_TABLE)
				w->named[h->word->uses[u].check] = stamp;
	}
	found_use *first = NULL, **tail = &first;
	for (size_t k = 0; k < w->n_hits; k++) {
		const hit *h = &w->hits[k];
		for (size_t u = 0; u < h->word->n_uses; u++) {
			const word_use *use = &h->word->uses[u];
			if (use->role != ROLE_COLUMN || w->named[use->check] != stamp)
				continue;
			if (w->last_line[use->check] == h->line)
				continue; /* one use per line */
			if (in_ignored(w, h->at) || marked_removed(w, &sc->checks[use->check], h->line))
				continue;
			w->last_line[use->check] = h->line;
			found_use *f = ml_arena_alloc(w->arena, sizeof(*f));
			*f = (found_use){ use->check, h->line, use_text(w->arena, buf, len, h->line_start, h->at), NULL };
			*tail = f;
			tail = &f->next;
		}
	}
	/* last_line belongs to this file only */
	for (found_use *f = first; f; f = f->next)
		w->last_line[f->check] = 0;
	return first;
}

/* Reads the file name of the directory open on dfd (or path, when dfd is
 * AT_FDCWD), shown as path, and looks for the uses in it. The caller knows
 * it is a regular file (from the directory, or fstatat). link: reached
 * through a symbolic link inside the reference path. in_migration_dir: the
 * directory holds the run's migrations. */
static void scan_file(worker *w, size_t root, int dfd, const char *name, const char *path, bool link,
		      bool in_migration_dir)
{
	scan *sc = w->sc;
	/* The *.sql of the folders of the run's migrations are migrations, not
	 * the application's code. */
	size_t nlen = strlen(name);
	if (in_migration_dir && nlen > 4 && !strcmp(name + nlen - 4, ".sql"))
		return;
	/* O_NONBLOCK: a FIFO put in the file's place since the directory was
	 * read cannot make the scan wait. */
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (link ? 0 : O_NOFOLLOW));
	if (fd < 0) {
		/* Gone, or replaced by a link, since the directory was read: not
		 * code. */
		if (errno != ENOENT && errno != ELOOP)
			add_result(w, root, path, NULL, NULL, strerror(errno));
		return;
	}
	/* Read without asking its size first: a read that returns less than it
	 * was asked for has met the end of a regular file. One system call
	 * fewer per file is a quarter of the scan's time in the kernel. */
	size_t len = 0;
	for (;;) {
		grow_bytes(&w->buf, &w->buf_cap, len + 2, 65536);
		size_t room = w->buf_cap - 1 - len;
		if (room > sc->max_size + 1 - len)
			room = sc->max_size + 1 - len;
		ssize_t got = read(fd, w->buf + len, room);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			if (errno != EAGAIN)
				add_result(w, root, path, NULL, NULL, strerror(errno));
			close(fd);
			return;
		}
		len += (size_t)got;
		if (len > sc->max_size) {
			add_result(w, root, path, NULL, NULL,
				   "larger than max_input_size: not scanned (exclude it in \"references\")");
			close(fd);
			return;
		}
		if ((size_t)got < room)
			break;
	}
	w->buf[len] = '\0';
	if (memchr(w->buf, '\0', len < ML_CODE_BINARY_PROBE ? len : ML_CODE_BINARY_PROBE)) {
		close(fd);
		return; /* binary */
	}
	found_use *uses = scan_text(w, w->buf, len);
	if (!uses) {
		close(fd);
		return;
	}
	/* The run's migrations (linted or replayed, or a buffer's file) are
	 * not the application's code: only a file with uses is asked which
	 * file it is. */
	struct stat sb;
	char key[64];
	bool migration = fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode);
	close(fd);
	if (!migration) {
		file_key(key, sizeof(key), &sb);
		migration = ml_map_get(&sc->run->seen_files, key) || ml_map_get(&sc->run->buffer_files, key);
	}
	if (!migration)
		add_result(w, root, path, key, uses, NULL);
}

static int compare_entries(const void *a, const void *b, void *names)
{
	return strcmp((const char *)names + ((const dir_entry *)a)->name, (const char *)names + ((const dir_entry *)b)->name);
}

/* Reads the directory of j: its files are scanned, its directories queued. */
static void read_dir(worker *w, const job *j)
{
	scan *sc = w->sc;
	int fd = open(j->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (j->link || !j->depth ? 0 : O_NOFOLLOW));
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0) {
		add_result(w, j->root, j->path, NULL, NULL, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	char key[64];
	file_key(key, sizeof(key), &sb);
	pthread_mutex_lock(&sc->lock);
	bool seen = ml_map_get(&sc->seen_dirs, key) != NULL;
	if (!seen)
		ml_map_put(sc->arena, &sc->seen_dirs, key, (void *)"");
	pthread_mutex_unlock(&sc->lock);
	if (seen) {
		close(fd); /* walked already: a link back up the tree, or named twice */
		return;
	}
	bool migration_dir = ml_map_get(&sc->run->migration_dirs, key) != NULL;
	if (j->depth > WALK_MAX_DEPTH) {
		add_result(w, j->root, j->path, NULL, NULL, "directories nested too deeply: not scanned below");
		close(fd);
		return;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		add_result(w, j->root, j->path, NULL, NULL, strerror(errno));
		close(fd);
		return;
	}
	size_t n = 0, used = 0;
	struct dirent *e;
	while ((errno = 0, e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue; /* hidden: .git, .venv, editors' files */
		size_t len = strlen(e->d_name) + 1;
		GROW(w->entries, n, w->cap_entries);
		grow_bytes(&w->names, &w->cap_names, used + len, 4096);
		memcpy(w->names + used, e->d_name, len);
		w->entries[n++] = (dir_entry){ used, e->d_type };
		used += len;
	}
	if (errno)
		add_result(w, j->root, j->path, NULL, NULL, strerror(errno));
	if (n > 1)
		qsort_r(w->entries, n, sizeof(*w->entries), compare_entries, w->names);
	int dfd = dirfd(d);
	size_t plen = strlen(j->path);
	const char *sep = plen && j->path[plen - 1] == '/' ? "" : "/";
	char *child = NULL, *child_rel = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *name = w->names + w->entries[i].name;
		free(child);
		free(child_rel);
		child = concat(j->path, sep, name);
		child_rel = concat(j->rel, *j->rel ? "/" : "", name);
		unsigned char type = w->entries[i].type;
		bool link = type == DT_LNK;
		if (type == DT_UNKNOWN || link) {
			struct stat st;
			/* A link is followed only to what lies inside the reference
			 * path; one that leads nowhere (or round in a loop) is not
			 * code. */
			if (fstatat(dfd, name, &st, link ? 0 : AT_SYMLINK_NOFOLLOW) != 0) {
				if (!link)
					add_result(w, j->root, child, NULL, NULL, strerror(errno));
				continue;
			}
			if (!link && S_ISLNK(st.st_mode)) {
				link = true;
				if (fstatat(dfd, name, &st, 0) != 0)
					continue;
			}
			if (link) {
				char *real = realpath(child, NULL);
				bool within = real && sc->root_real[j->root] && lies_within(real, sc->root_real[j->root]);
				free(real);
				if (!within)
					continue;
			}
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
		}
		if (type == DT_DIR) {
			if (is_dependency_dir(name) || excluded(sc, child_rel, child))
				continue;
			push_job(sc, j->root, child, child_rel, j->depth + 1, link || j->link, false);
			child = child_rel = NULL;
		} else if (type == DT_REG && !excluded(sc, child_rel, child)) {
			scan_file(w, j->root, dfd, name, child, link, migration_dir);
		}
		/* FIFOs, sockets and devices are not the application's code. */
	}
	free(child);
	free(child_rel);
	closedir(d);
}

static void run_job(worker *w, const job *j)
{
	if (!j->file) {
		read_dir(w, j);
		return;
	}
	/* A reference path naming a file: scanned whatever its name. */
	const char *slash = strrchr(j->path, '/');
	char *dir = slash ? strndup(j->path, slash == j->path ? 1 : (size_t)(slash - j->path)) : strdup(".");
	struct stat ds;
	char key[64] = "";
	if (dir && stat(dir, &ds) == 0)
		file_key(key, sizeof(key), &ds);
	free(dir);
	scan_file(w, j->root, AT_FDCWD, j->path, j->path, true, *key && ml_map_get(&w->sc->run->migration_dirs, key));
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	scan *sc = w->sc;
	for (;;) {
		pthread_mutex_lock(&sc->lock);
		while (!sc->jobs && sc->pending)
			pthread_cond_wait(&sc->more, &sc->lock);
		job *j = sc->jobs;
		if (j)
			sc->jobs = j->next;
		pthread_mutex_unlock(&sc->lock);
		if (!j)
			break; /* nothing queued, nothing being read: the walk is over */
		run_job(w, j);
		free(j->path);
		free(j->rel);
		free(j);
		pthread_mutex_lock(&sc->lock);
		if (--sc->pending == 0)
			pthread_cond_broadcast(&sc->more);
		pthread_mutex_unlock(&sc->lock);
	}
	return NULL;
}

/* How many threads read the files: opts.jobs, or one per core. */
static int scan_jobs(const ml_options *opts)
{
	long jobs = opts->jobs > 0 ? opts->jobs : sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs < 1)
		jobs = 1;
	return jobs > 64 ? 64 : (int)jobs;
}

/* Runs the queued jobs on a few threads, the calling one among them.
 * Returns the workers (whose arenas hold the results), *n_out of them, to
 * free with free_workers. */
static worker *run_workers(scan *sc, int *n_out)
{
	int n = scan_jobs(&sc->run->options);
	worker *workers = calloc((size_t)n, sizeof(*workers));
	pthread_t *threads = calloc((size_t)n, sizeof(*threads));
	bool *started = calloc((size_t)n, sizeof(*started));
	if (!workers || !threads || !started)
		ml_out_of_memory((size_t)n * sizeof(*workers));
	for (int k = 0; k < n; k++) {
		workers[k].sc = sc;
		workers[k].arena = ml_arena_new();
		workers[k].named = calloc(sc->n_checks + 1, sizeof(*workers[k].named));
		workers[k].last_line = calloc(sc->n_checks + 1, sizeof(*workers[k].last_line));
		if (!workers[k].arena || !workers[k].named || !workers[k].last_line)
			ml_out_of_memory(sc->n_checks * sizeof(int));
	}
	for (int k = 1; k < n; k++)
		started[k] = pthread_create(&threads[k], NULL, worker_main, &workers[k]) == 0;
	worker_main(&workers[0]);
	for (int k = 1; k < n; k++)
		if (started[k])
			pthread_join(threads[k], NULL);
	free(threads);
	free(started);
	*n_out = n;
	return workers;
}

static void free_workers(worker *workers, int n)
{
	for (int k = 0; k < n; k++) {
		ml_arena_free(workers[k].arena);
		free(workers[k].buf);
		free(workers[k].entries);
		free(workers[k].names);
		free(workers[k].hits);
		free(workers[k].markers);
		free(workers[k].ignored);
		free(workers[k].named);
		free(workers[k].last_line);
	}
	free(workers);
}

/* The order of the walk: by reference path, then by path, a folder's
 * entries by name ('/' sorts before every other byte, so that "a/b" comes
 * before "a-b" as a walk meets them). */
static int compare_results(const void *pa, const void *pb)
{
	const file_result *a = *(const file_result *const *)pa, *b = *(const file_result *const *)pb;
	if (a->root != b->root)
		return a->root < b->root ? -1 : 1;
	const unsigned char *x = (const unsigned char *)a->path, *y = (const unsigned char *)b->path;
	while (*x && *x == *y)
		x++, y++;
	int cx = *x == '/' ? 1 : *x ? *x + 1 : 0, cy = *y == '/' ? 1 : *y ? *y + 1 : 0;
	if (cx != cy)
		return cx < cy ? -1 : 1;
	/* the same path: an error before what was found */
	return (b->error != NULL) - (a->error != NULL);
}

/* ---- applying what was found --------------------------------------------- */

/* The diagnostics whose checks are [from, to) of the run's column checks get
 * their uses (uses[k] for check from + k, in file order); those to drop are
 * removed from the run. */
static void apply(ml_run *run, const wanted *checks, size_t n, ml_ptr_vec *uses)
{
	ml_arena *arena = run->arena;
	bool *done = calloc(n + 1, sizeof(*done));
	ml_ptr_vec removed = { 0 };
	if (!done)
		ml_out_of_memory(n);
	for (size_t i = 0; i < n; i++) {
		if (done[i])
			continue;
		ml_diagnostic *d = checks[i].check->diagnostic;
		/* The checks of one diagnostic, its uses in their order. */
		size_t total = 0;
		bool keep = false;
		for (size_t k = i; k < n; k++) {
			if (checks[k].check->diagnostic != d)
				continue;
			done[k] = true;
			total += uses[k].len;
			keep |= !checks[k].check->only_if_used || !checks[k].searchable || uses[k].len;
		}
		if (!keep) {
			ml_ptr_vec_push(arena, &removed, d);
			continue;
		}
		if (!total)
			continue;
		ml_reference *refs = ml_arena_alloc(arena, (d->n_references + total) * sizeof(*refs));
		if (d->n_references)
			memcpy(refs, d->references, d->n_references * sizeof(*refs));
		size_t r = d->n_references;
		for (size_t k = i; k < n; k++)
			if (checks[k].check->diagnostic == d)
				for (size_t u = 0; u < uses[k].len; u++)
					refs[r++] = *(const ml_reference *)uses[k].items[u];
		ml_strbuf msg = { .arena = arena };
		ml_strbuf_str(&msg, d->message);
		ml_strbuf_str(&msg, "; still used at ");
		const ml_reference *code = refs + d->n_references;
		for (size_t u = 0; u < total && u < MESSAGE_USES; u++) {
			if (u)
				ml_strbuf_str(&msg, total == 2 ? " and " : ", ");
			char *at = ml_arena_printf(arena, "%s:%d", code[u].path, code[u].line);
			ml_strbuf_str(&msg, at);
		}
		if (total > MESSAGE_USES) {
			char *more = ml_arena_printf(arena, " and %zu more", total - MESSAGE_USES);
			ml_strbuf_str(&msg, more);
		}
		d->message = msg.data;
		d->references = refs;
		d->n_references = r;
	}
	free(done);
	if (removed.len) {
		size_t kept = 0;
		for (size_t k = 0; k < run->diagnostics.len; k++) {
			bool drop = false;
			for (size_t j = 0; j < removed.len && !drop; j++)
				drop = run->diagnostics.items[k] == removed.items[j];
			if (!drop)
				run->diagnostics.items[kept++] = run->diagnostics.items[k];
		}
		run->diagnostics.len = kept;
	}
	/* The sorted copy holds the old messages: made again when asked. */
	free(run->sorted);
	run->sorted = NULL;
	run->n_sorted = 0;
}

void ml_run_check_code_references(ml_run *run)
{
	const ml_options *opts = &run->options;
	if (!opts->n_references)
		return;
	size_t n = run->column_checks.len - run->column_checks_done;
	ml_arena *arena = ml_arena_new();
	if (!arena) {
		run->out_of_memory = true;
		return;
	}
	scan sc = { .run = run, .arena = arena };
	sc.max_size = ml_input_limit(opts);
	/* The exclude globs as the configuration reads them; one that cannot
	 * be used (only the library's callers can give one) is an input
	 * error. */
	const char **exclude = ml_arena_alloc(arena, (opts->n_references_exclude + 1) * sizeof(*exclude));
	size_t n_exclude = 0;
	for (size_t i = 0; i < opts->n_references_exclude; i++) {
		char *glob = ml_glob_normalize(opts->references_exclude[i]);
		const char *problem = glob ? ml_glob_problem(glob) : "out of memory";
		if (problem)
			scan_error(run, opts->references_exclude[i], ml_arena_printf(arena, "references exclude glob: %s", problem));
		else
			exclude[n_exclude++] = ml_arena_strdup(arena, glob);
		free(glob);
	}
	sc.exclude = exclude;
	if (!n) {
		/* Nothing to look for: the paths are still checked, so that a
		 * wrong one is found before it is needed. */
		for (size_t i = 0; i < opts->n_references; i++) {
			struct stat sb;
			if (stat(opts->references[i], &sb) != 0)
				scan_error(run, opts->references[i], strerror(errno));
			else if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode))
				scan_error(run, opts->references[i], "not a regular file or a directory: not scanned");
			else if (access(opts->references[i], S_ISDIR(sb.st_mode) ? R_OK | X_OK : R_OK) != 0)
				scan_error(run, opts->references[i], strerror(errno));
		}
		ml_arena_free(arena);
		return;
	}
	sc.n_checks = n;
	sc.checks = ml_arena_alloc(arena, n * sizeof(*sc.checks));
	for (size_t i = 0; i < n; i++) {
		wanted *c = &sc.checks[i];
		c->check = run->column_checks.items[run->column_checks_done + i];
		/* For the markers' names, compared lowercased. */
		if (!word_of(c->check->schema ? c->check->schema : "", c->schema))
			c->schema[0] = '\0';
		if (!word_of(c->check->table ? c->check->table : "", c->table))
			c->table[0] = '\0';
		if (!word_of(c->check->column ? c->check->column : "", c->column))
			c->column[0] = '\0';
	}
	build_words(arena, &sc.words, sc.checks, n);

	/* The reference paths: a wrong one is named now, the others are
	 * queued for the workers. */
	sc.root_real = ml_arena_alloc(arena, (opts->n_references + 1) * sizeof(*sc.root_real));
	pthread_mutex_init(&sc.lock, NULL);
	pthread_cond_init(&sc.more, NULL);
	for (size_t i = 0; i < opts->n_references; i++) {
		const char *path = opts->references[i];
		struct stat sb;
		if (stat(path, &sb) != 0) {
			scan_error(run, path, strerror(errno));
		} else if (S_ISREG(sb.st_mode)) {
			push_job(&sc, i, concat(path, "", ""), concat("", "", ""), 0, true, true);
		} else if (!S_ISDIR(sb.st_mode)) {
			scan_error(run, path, "not a regular file or a directory: not scanned");
		} else if (!(sc.root_real[i] = realpath(path, NULL))) {
			scan_error(run, path, strerror(errno ? errno : ENOMEM));
		} else {
			push_job(&sc, i, concat(path, "", ""), concat("", "", ""), 0, false, false);
		}
	}
	/* The stack pops the last first: the first path is read first. */
	job *reversed = NULL;
	while (sc.jobs) {
		job *j = sc.jobs;
		sc.jobs = j->next;
		j->next = reversed;
		reversed = j;
	}
	sc.jobs = reversed;
	int n_workers = 0;
	worker *workers = sc.pending ? run_workers(&sc, &n_workers) : NULL;
	pthread_mutex_destroy(&sc.lock);
	pthread_cond_destroy(&sc.more);
	for (size_t i = 0; i < opts->n_references; i++)
		free(sc.root_real[i]);

	/* In the walk's order: the errors, and the uses as references. */
	ml_ptr_vec results = { 0 };
	for (int k = 0; k < n_workers; k++)
		for (size_t r = 0; r < workers[k].results.len; r++)
			ml_ptr_vec_push(arena, &results, workers[k].results.items[r]);
	if (results.len > 1)
		qsort(results.items, results.len, sizeof(void *), compare_results);
	ml_ptr_vec *uses = ml_arena_alloc(arena, n * sizeof(*uses));
	ml_map scanned = { 0 }; /* a file reached twice (a link to it) counts once */
	for (size_t i = 0; i < results.len; i++) {
		const file_result *r = results.items[i];
		if (r->error) {
			scan_error(run, r->path, r->error);
			continue;
		}
		if (ml_map_get(&scanned, r->key))
			continue;
		ml_map_put(arena, &scanned, r->key, (void *)"");
		const char *path = ml_arena_strdup(run->arena, r->path);
		for (found_use *f = r->uses; f; f = f->next) {
			ml_reference *ref = ml_arena_alloc(run->arena, sizeof(*ref));
			*ref = (ml_reference){ .kind = "code", .effect = "uses", .path = path, .line = f->line,
					       .text = ml_arena_strdup(run->arena, f->text) };
			ml_ptr_vec_push(arena, &uses[f->check], ref);
		}
	}
	free_workers(workers, n_workers);
	apply(run, sc.checks, n, uses);
	run->column_checks_done = run->column_checks.len;
	ml_arena_free(arena);
}
