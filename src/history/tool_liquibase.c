/*
 * tool_liquibase.c - Liquibase formatted SQL: a file whose first line is
 * "--liquibase formatted sql" holds changesets, each opened by a
 * "--changeset author:id" line and run as its own unit, in a transaction
 * unless that line says runInTransaction:false. A changeset's
 * "--rollback <sql>" lines (or a "/ * liquibase rollback ... * /" block)
 * are its down step. A .sql file without the header is one raw changeset.
 * includeAll runs the files of a folder in alphabetical order of their
 * names, so the order here is the names' byte order, V10 before V2 as
 * Liquibase itself runs them (open_root gives each file its place).
 * Sources: https://docs.liquibase.com/concepts/changelogs/sql-format.html,
 * https://docs.liquibase.com/change-types/includeall.html; docs/tools.md.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tool.h"

/* The folder's .sql files in includeAll's order, for plan_index. */
typedef struct liquibase_root {
	const char **names;
	size_t n;
} liquibase_root;

static int detect(const ml_tool_dir *dir, const char **why)
{
	bool props = ml_tool_dir_parent_has(dir, "liquibase.properties");
	for (size_t i = 0; i < dir->n_files; i++)
		if (!strcmp(dir->files[i], "liquibase.properties"))
			props = true;
	if (ml_tool_dir_has_marker(dir, "-- liquibase formatted sql", false)) {
		*why = props ? "a *.sql file opens with '--liquibase formatted sql', and liquibase.properties is beside it"
			     : "a *.sql file opens with '--liquibase formatted sql'";
		return props ? 95 : 90;
	}
	if (props) {
		*why = "liquibase.properties beside *.sql files without the formatted SQL header";
		return 50;
	}
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void open_root(ml_arena *arena, ml_tool_root *root)
{
	DIR *d = opendir(root->path);
	if (!d)
		return;
	ml_ptr_vec names = { 0 };
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && ml_tool_ends_with(e->d_name, ".sql"))
			ml_ptr_vec_push(arena, &names, ml_arena_strdup(arena, e->d_name));
	closedir(d);
	if (names.len)
		qsort(names.items, names.len, sizeof(void *), compare_names);
	liquibase_root *lr = ml_arena_alloc(arena, sizeof(*lr));
	lr->names = (const char **)names.items;
	lr->n = names.len;
	root->data = lr;
}

static void classify(ml_arena *arena, const ml_tool_root *root, const char *relpath, ml_migration_file *out)
{
	if (strchr(relpath, '/') || !ml_tool_ends_with(relpath, ".sql")) {
		out->kind = ML_FILE_SKIPPED;
		out->skip = "not in the changelog folder: includeAll runs the *.sql files of its folder";
		return;
	}
	out->name = relpath;
	size_t digits = ml_tool_digits(relpath);
	out->version = digits ? ml_arena_strndup(arena, relpath, digits) : NULL;
	const liquibase_root *lr = root->data;
	for (size_t i = 0; lr && i < lr->n; i++)
		if (!strcmp(lr->names[i], ml_tool_base_name(relpath)))
			out->plan_index = (long)i;
}

/* ---- cutting a file into changesets ---------------------------------------- */

static size_t line_end(const char *text, size_t len, size_t at)
{
	const char *nl = memchr(text + at, '\n', len - at);
	return nl ? (size_t)(nl - text) : len;
}

static size_t next_line(const char *text, size_t len, size_t at)
{
	size_t end = line_end(text, len, at);
	return end < len ? end + 1 : len;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static size_t skip_blanks(const char *text, size_t end, size_t at)
{
	while (at < end && is_blank(text[at]))
		at++;
	return at;
}

/* Does the line at text[at, end) start with "--", blanks, then word
 * (case-insensitive) followed by a blank or the line's end? Returns the
 * offset after word, or 0 when it does not. */
static size_t comment_word(const char *text, size_t end, size_t at, const char *word)
{
	at = skip_blanks(text, end, at);
	if (end - at < 2 || text[at] != '-' || text[at + 1] != '-')
		return 0;
	at = skip_blanks(text, end, at + 2);
	size_t n = strlen(word);
	if (end - at < n || strncasecmp(text + at, word, n))
		return 0;
	at += n;
	if (at < end && !is_blank(text[at]))
		return 0;
	return at;
}

/* Is the line at text[at, end) blank? */
static bool blank_line(const char *text, size_t end, size_t at)
{
	return skip_blanks(text, end, at) == end;
}

/* The value of attribute name ("runInTransaction") on a changeset line, in
 * arena, or NULL. Values may be quoted. */
static const char *attribute(ml_arena *arena, const char *text, size_t at, size_t end, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = at; i + n < end; i++) {
		if ((i > at && !is_blank(text[i - 1])) || strncasecmp(text + i, name, n) || text[i + n] != ':')
			continue;
		size_t v = i + n + 1, e;
		char quote = (v < end && (text[v] == '"' || text[v] == '\'')) ? text[v++] : 0;
		for (e = v; e < end && (quote ? text[e] != quote : !is_blank(text[e])); e++)
			;
		return ml_arena_strndup(arena, text + v, e - v);
	}
	return NULL;
}

/* Does a dbms attribute ("postgresql,h2", "!oracle", "all") let the
 * changeset run on PostgreSQL? */
static bool runs_on_postgres(const char *dbms)
{
	if (!dbms || !*dbms)
		return true;
	bool any_positive = false, listed = false;
	for (const char *p = dbms; *p;) {
		while (*p == ',' || *p == ' ')
			p++;
		size_t n = strcspn(p, ", ");
		if (!n)
			break;
		bool negated = *p == '!';
		const char *name = negated ? p + 1 : p;
		size_t nn = negated ? n - 1 : n;
		bool pg = (nn == 10 && !strncasecmp(name, "postgresql", 10)) || (nn == 3 && !strncasecmp(name, "all", 3));
		if (negated && nn == 10 && !strncasecmp(name, "postgresql", 10))
			return false;
		if (!negated)
			any_positive = true;
		if (!negated && pg)
			listed = true;
		p += n;
	}
	return listed || !any_positive;
}

/* A text of len bytes, all blanks but the line breaks. */
static char *blank_text(ml_arena *arena, const char *text, size_t len)
{
	char *b = ml_arena_alloc(arena, len + 1);
	for (size_t i = 0; i < len; i++)
		b[i] = text[i] == '\n' ? '\n' : ' ';
	b[len] = '\0';
	return b;
}

/* Does the line text[body, le) open a "/ * liquibase rollback" block? */
static bool rollback_block(const char *text, size_t le, size_t body)
{
	if (le - body < 2 || text[body] != '/' || text[body + 1] != '*')
		return false;
	size_t at = skip_blanks(text, le, body + 2);
	return le - at >= 18 && !strncasecmp(text + at, "liquibase rollback", 18);
}

/* Is text[from, to) a placeholder Liquibase accepts for "nothing to undo"? */
static bool no_op_rollback(const char *text, size_t from, size_t to)
{
	from = skip_blanks(text, to, from);
	while (to > from && is_blank(text[to - 1]))
		to--;
	size_t n = to - from;
	return (n == 12 && !strncasecmp(text + from, "not required", 12)) ||
	       (n == 5 && !strncasecmp(text + from, "empty", 5));
}

/* Cuts the changeset text[start, end) (its "--changeset" line at start, or
 * the file's preamble before it) into its up step and, when it has rollback
 * SQL, its down step. The down step's text holds only the rollback SQL,
 * at its own offsets; its range starts after the changeset's last line of
 * SQL, so that the steps do not overlap. Returns how many steps it wrote. */
static size_t cut_changeset(ml_arena *arena, const ml_migration_file *file, const char *text, size_t len,
			    size_t start, size_t cs_line, size_t end, ml_section *out, size_t room)
{
	size_t cs_end = line_end(text, len, cs_line);
	const char *rit = attribute(arena, text, cs_line, cs_end, "runInTransaction");
	bool in_tx = !(rit && !strcasecmp(rit, "false"));
	const char *why = in_tx ? "Liquibase runs each changeset in a transaction"
				: "--changeset ... runInTransaction:false";
	const char *dbms = attribute(arena, text, cs_line, cs_end, "dbms");
	bool on_pg = runs_on_postgres(dbms);

	char *down = NULL;
	size_t last_sql_end = cs_end; /* end of the changeset's last line of its own SQL */
	for (size_t at = next_line(text, len, cs_line); at < end; at = next_line(text, len, at)) {
		size_t le = line_end(text, len, at);
		if (le > end)
			le = end;
		size_t after = comment_word(text, le, at, "rollback");
		size_t body = skip_blanks(text, le, at);
		if (after) {
			if (!no_op_rollback(text, after, le)) {
				if (!down)
					down = blank_text(arena, text, len);
				memcpy(down + after, text + after, le - after);
			}
			continue;
		}
		if (rollback_block(text, le, body)) {
			/* The block runs from the next line to its closing star-slash. */
			size_t from = next_line(text, len, at), to = from;
			while (to + 1 < end && !(text[to] == '*' && text[to + 1] == '/'))
				to++;
			if (to + 1 >= end)
				to = end;
			if (from < to && !no_op_rollback(text, from, to)) {
				if (!down)
					down = blank_text(arena, text, len);
				memcpy(down + from, text + from, to - from);
			}
			if (to >= end)
				break;
			at = to; /* the loop goes on after the closing line */
			continue;
		}
		if (!blank_line(text, le, at))
			last_sql_end = le;
	}

	size_t n = 0;
	ml_tool_whole_file(file, len, in_tx, why, &out[n]);
	out[n].start = start;
	out[n].end = end;
	if (!on_pg) {
		out[n].text = blank_text(arena, text, len);
		out[n].why = "dbms: Liquibase does not run this changeset on PostgreSQL";
	}
	n++;
	if (!down || room < 2)
		return n;
	size_t split = next_line(text, len, last_sql_end);
	if (split > end)
		split = end;
	out[0].end = split;
	ml_tool_whole_file(file, len, in_tx, why, &out[n]);
	out[n].start = split;
	out[n].end = end;
	out[n].direction = ML_DIRECTION_DOWN;
	out[n].text = on_pg ? down : blank_text(arena, text, len);
	if (!on_pg)
		out[n].why = out[0].why;
	return ++n;
}

/* Is the file's first line the formatted SQL header? */
static bool formatted(const char *text, size_t len)
{
	size_t at = (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) ? 3 : 0;
	size_t le = line_end(text, len, at);
	size_t w = comment_word(text, le, at, "liquibase");
	if (!w)
		return false;
	w = skip_blanks(text, le, w);
	return le - w >= 9 && !strncasecmp(text + w, "formatted", 9);
}

/* The next "--changeset" line at or after from, or len. */
static size_t next_changeset(const char *text, size_t len, size_t from)
{
	for (size_t at = from; at < len; at = next_line(text, len, at))
		if (comment_word(text, line_end(text, len, at), at, "changeset"))
			return at;
	return len;
}

static size_t sections(ml_arena *arena, const ml_tool_root *root, const ml_migration_file *file, const char *text,
		       size_t len, ml_section *out, size_t max)
{
	(void)root;
	if (!formatted(text, len))
		return ml_tool_whole_file(file, len, true,
					  "a .sql file without '--liquibase formatted sql' runs as one changeset, "
					  "in a transaction",
					  out);
	size_t cs = next_changeset(text, len, 0);
	if (cs == len)
		return ml_tool_whole_file(file, len, true, "Liquibase runs each changeset in a transaction", out);
	size_t n = 0, start = 0;
	while (cs < len && n < max) {
		size_t next = next_changeset(text, len, next_line(text, len, cs));
		/* The last step may have to take the rest when out is full. */
		if (max - n < 2)
			next = len;
		n += cut_changeset(arena, file, text, len, start, cs, next, out + n, max - n);
		start = cs = next;
	}
	return n;
}

const ml_tool ml_tool_liquibase_preset = {
	.name = "liquibase",
	.summary = "Liquibase formatted SQL: --changeset steps (runInTransaction:false), --rollback downs, "
		   "includeAll name order",
	.depth = 1,
	.detect = detect,
	.open_root = open_root,
	.classify = classify,
	.sections = sections,
	.in_transaction_default = 1,
	.downs = ML_DOWNS_WHEN_USED,
};
