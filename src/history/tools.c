/*
 * tools.c - the registry of migration tool presets, detection of a
 * migration directory's tool from its layout and markers, and the helpers
 * the presets share: listing a directory once, reading the first bytes of
 * its files, finding marker lines.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "map.h"
#include "split.h"
#include "tool.h"

#define ML_TOOL(name) extern const ml_tool ml_tool_##name##_preset;
#include "tools.def"
#undef ML_TOOL

static const ml_tool *const TOOLS[] = {
#define ML_TOOL(name) &ml_tool_##name##_preset,
#include "tools.def"
#undef ML_TOOL
};
#define N_TOOLS (sizeof(TOOLS) / sizeof(TOOLS[0]))

size_t ml_tool_count(void)
{
	return N_TOOLS;
}

const ml_tool *ml_tool_at(size_t i)
{
	return i < N_TOOLS ? TOOLS[i] : NULL;
}

const ml_tool *ml_tool_find(const char *name)
{
	for (size_t i = 0; i < N_TOOLS; i++)
		if (!strcmp(TOOLS[i]->name, name))
			return TOOLS[i];
	return NULL;
}

const ml_tool *ml_tool_plain(void)
{
	return &ml_tool_plain_preset;
}

static char tool_names[512];

static void make_tool_names(void)
{
	size_t used = 0;
	for (size_t i = 0; i < N_TOOLS && used < sizeof(tool_names); i++)
		used += (size_t)snprintf(tool_names + used, sizeof(tool_names) - used, "%s%s", i ? ", " : "",
					 TOOLS[i]->name);
}

const char *ml_tool_names(void)
{
	/* Public, so called from any thread: made once. */
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, make_tool_names);
	return tool_names;
}

/* ---- listing a directory -------------------------------------------------- */

/* The most entries of one folder detection looks at: a directory with more
 * is still detected from its first ones, in sorted order. */
#define MAX_LISTED 100000
/* The most files of its subfolders a directory's listing holds. */
#define MAX_SUB_LISTED 20000

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Names of the entries of the folder open on fd (closed here) in *files
 * and *dirs (either may be NULL), sorted, in arena. prefix goes in front of
 * each file name. */
static void list_fd(ml_arena *arena, int fd, const char *prefix, ml_ptr_vec *files, ml_ptr_vec *dirs)
{
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	struct dirent *e;
	size_t seen = 0;
	while ((e = readdir(d)) && seen++ < MAX_LISTED) {
		if (e->d_name[0] == '.')
			continue;
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISREG(st.st_mode) && files)
			ml_ptr_vec_push(arena, files, ml_arena_printf(arena, "%s%s", prefix, e->d_name));
		else if (S_ISDIR(st.st_mode) && dirs)
			ml_ptr_vec_push(arena, dirs, ml_arena_strdup(arena, e->d_name));
	}
	closedir(d);
	if (files && files->len)
		qsort(files->items, files->len, sizeof(void *), compare_strings);
	if (dirs && dirs->len)
		qsort(dirs->items, dirs->len, sizeof(void *), compare_strings);
}

int ml_tool_dir_read(ml_arena *arena, const char *path, ml_tool_dir *dir)
{
	memset(dir, 0, sizeof(*dir));
	dir->path = ml_arena_strdup(arena, path);
	dir->arena = arena;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int again = dup(fd);
	ml_ptr_vec files = { 0 }, dirs = { 0 }, sub = { 0 };
	list_fd(arena, fd, "", &files, &dirs);
	/* One level down, within a budget: the folder may be a project's top,
	 * with node_modules below it. */
	for (size_t i = 0; again >= 0 && i < dirs.len && sub.len < MAX_SUB_LISTED; i++) {
		int sfd = openat(again, dirs.items[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sfd >= 0)
			list_fd(arena, sfd, ml_arena_printf(arena, "%s/", (const char *)dirs.items[i]), &sub, NULL);
	}
	if (sub.len)
		qsort(sub.items, sub.len, sizeof(void *), compare_strings);
	if (again >= 0)
		close(again);
	dir->files = (const char **)files.items;
	dir->n_files = files.len;
	dir->subdirs = (const char **)dirs.items;
	dir->n_subdirs = dirs.len;
	dir->sub_files = (const char **)sub.items;
	dir->n_sub_files = sub.len;
	dir->heads = ml_arena_alloc(arena, sizeof(*dir->heads));
	return 0;
}

bool ml_tool_dir_parent_has(const ml_tool_dir *dir, const char *name)
{
	struct stat st;
	const char *path = ml_arena_printf(dir->arena, "%s/../%s", dir->path, name);
	return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

const char *ml_tool_dir_head(const ml_tool_dir *dir, const char *relpath, size_t max)
{
	/* Several presets look at the same files: each is read once (at the
	 * largest size asked). */
	const char *key = ml_arena_printf(dir->arena, "%zu\n%s", max, relpath);
	const char *head = dir->heads ? ml_map_get(dir->heads, key) : NULL;
	if (head)
		return *head ? head : NULL;
	head = ml_tool_read_head(dir->arena, ml_arena_printf(dir->arena, "%s/%s", dir->path, relpath), max);
	if (dir->heads)
		ml_map_put(dir->arena, dir->heads, key, (void *)(head ? head : ""));
	return head;
}

const char *ml_tool_read_head(ml_arena *arena, const char *full, size_t max)
{
	/* Not through a link, and never a FIFO or a device: a pull request
	 * controls what the folder holds. */
	int fd = open(full, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	char *buf = NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		/* Sized to the file: detection reads many small files. */
		if (st.st_size >= 0 && (unsigned long long)st.st_size < max)
			max = (size_t)st.st_size;
		buf = ml_arena_alloc(arena, max + 1);
		size_t got = 0;
		while (got < max) {
			ssize_t n = read(fd, buf + got, max - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		buf[got] = '\0';
	}
	close(fd);
	return buf;
}

const ml_tool *ml_tool_detect(const ml_tool_dir *dir, const char **why)
{
	int score;
	return ml_tool_detect_scored(dir, why, &score);
}

const ml_tool *ml_tool_detect_scored(const ml_tool_dir *dir, const char **why, int *score)
{
	const ml_tool *best = NULL;
	int best_score = 0;
	const char *best_why = NULL;
	for (size_t i = 0; i < N_TOOLS; i++) {
		if (!TOOLS[i]->detect)
			continue;
		const char *reason = NULL;
		int s = TOOLS[i]->detect(dir, &reason);
		if (s > best_score) {
			best = TOOLS[i];
			best_score = s;
			best_why = reason;
		}
	}
	*score = best_score;
	if (!best) {
		*why = "no tool's layout or markers found: every *.sql file is a migration, in version order";
		return ml_tool_plain();
	}
	*why = best_why ? best_why : "its layout";
	return best;
}

/* ---- helpers for presets --------------------------------------------------- */

void ml_tool_classify(const ml_tool *tool, ml_arena *arena, const ml_tool_root *root, const char *relpath,
		      ml_migration_file *out)
{
	memset(out, 0, sizeof(*out));
	out->plan_index = -1;
	out->transaction = -1;
	tool->classify(arena, root, relpath, out);
}

const char *ml_tool_base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

bool ml_tool_ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);
	return n >= s && !strcmp(name + n - s, suffix);
}

size_t ml_tool_digits(const char *name)
{
	size_t n = 0;
	while (name[n] >= '0' && name[n] <= '9')
		n++;
	return n;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Does the line at text[at, len) start with marker, case-insensitively,
 * where a space in marker stands for any run of blanks (and none after
 * "--")? */
static bool line_matches(const char *text, size_t len, size_t at, const char *marker)
{
	while (at < len && is_blank(text[at]))
		at++;
	for (const char *m = marker; *m; m++) {
		if (*m == ' ') {
			while (at < len && is_blank(text[at]))
				at++;
			continue;
		}
		if (at >= len || lower(text[at]) != lower(*m))
			return false;
		at++;
	}
	return true;
}

size_t ml_tool_find_line(const char *text, size_t len, size_t from, const char *marker)
{
	size_t at = from;
	while (at < len) {
		if ((at == 0 || text[at - 1] == '\n') && line_matches(text, len, at, marker))
			return at;
		const char *nl = memchr(text + at, '\n', len - at);
		if (!nl)
			break;
		at = (size_t)(nl - text) + 1;
	}
	return (size_t)-1;
}

/* At most this many files are read for markers, this many bytes of each. */
#define MARKER_FILES 64
#define MARKER_BYTES 8192

bool ml_tool_dir_has_marker(const ml_tool_dir *dir, const char *marker, bool deep)
{
	return ml_tool_dir_marked(dir, marker, deep, NULL);
}

bool ml_tool_dir_marked(const ml_tool_dir *dir, const char *marker, bool deep, bool (*name_ok)(const char *name))
{
	const char **names = deep ? dir->sub_files : dir->files;
	size_t n = deep ? dir->n_sub_files : dir->n_files, read = 0;
	for (size_t i = 0; i < n && read < MARKER_FILES; i++) {
		if (!ml_tool_ends_with(names[i], ".sql") || (name_ok && !name_ok(names[i])))
			continue;
		read++;
		const char *head = ml_tool_dir_head(dir, names[i], MARKER_BYTES);
		if (head && ml_tool_find_line(head, strlen(head), 0, marker) != (size_t)-1)
			return true;
	}
	return false;
}

size_t ml_tool_statement_count(ml_arena *arena, const char *text, size_t len, size_t at_most)
{
	ml_chunk_list chunks = { 0 };
	ml_split(arena, text, len, &chunks);
	size_t n = 0;
	for (size_t i = 0; i < chunks.len && n < at_most; i++)
		if (chunks.items[i].kind == ML_CHUNK_STATEMENT && chunks.items[i].end > chunks.items[i].start)
			n++;
	return n;
}

size_t ml_tool_marker_sections(const ml_migration_file *file, const char *text, size_t len, ml_tool_marker marker,
			       const char *why_tx, const char *why_no_tx, ml_section *out, size_t max, bool *seen_up)
{
	size_t n = 0;
	*seen_up = false;
	for (size_t at = 0; at < len;) {
		ml_direction direction = ML_DIRECTION_UP;
		bool no_tx = false;
		if (n < max && marker(text, len, at, &direction, &no_tx)) {
			if (n)
				out[n - 1].end = at;
			ml_tool_whole_file(file, len, !no_tx, no_tx ? why_no_tx : why_tx, &out[n]);
			out[n].start = at;
			out[n].direction = direction;
			out[n].new_migration = direction == ML_DIRECTION_DOWN || !*seen_up;
			*seen_up |= direction == ML_DIRECTION_UP;
			n++;
		}
		const char *nl = memchr(text + at, '\n', len - at);
		at = nl ? (size_t)(nl - text) + 1 : len;
	}
	return n;
}

size_t ml_tool_whole_file(const ml_migration_file *file, size_t len, bool in_transaction, const char *why,
			  ml_section *out)
{
	memset(out, 0, sizeof(*out));
	out->start = 0;
	out->end = len;
	out->direction = file->direction;
	out->in_transaction = in_transaction;
	out->new_migration = true;
	out->why = why;
	return 1;
}
