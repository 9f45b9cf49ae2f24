/*
 * tool_alembic.c - Alembic offline SQL: the output of
 * "alembic upgrade A:B --sql" saved to a .sql file. The file holds many
 * revisions; each opens with a "-- Running upgrade A -> B" comment (or
 * "-- Running downgrade B -> A" in a downgrade script) and is a migration
 * of its own: a table an earlier revision created is not new in a later
 * one. The preamble (BEGIN; and CREATE TABLE alembic_version) goes with the
 * first revision. Files run in the order of their names.
 *
 * Alembic prints the transaction itself: by default one BEGIN; before the
 * first revision and one COMMIT; after the last (transaction_per_migration
 * = False), so that the revisions share one transaction; with
 * transaction_per_migration = True, a BEGIN; ... COMMIT; around each. The
 * steps are therefore never put in a transaction by the run: the file's
 * own BEGIN/COMMIT decide. With the per-revision form, each revision's
 * BEGIN; (printed before its comment) goes with its revision.
 * Sources: https://alembic.sqlalchemy.org/en/latest/offline.html,
 * https://alembic.sqlalchemy.org/en/latest/api/runtime.html (transaction_per_migration),
 * alembic/runtime/migration.py (run_migrations prints "-- Running " + the
 * step's "upgrade A -> B"); docs/tools.md.
 */
#include <string.h>
#include <strings.h>

#include "tool.h"

static int detect(const ml_tool_dir *dir, const char **why)
{
	if (ml_tool_dir_has_marker(dir, "-- Running upgrade", false) ||
	    ml_tool_dir_has_marker(dir, "-- Running downgrade", false)) {
		*why = "a *.sql file has an Alembic '-- Running upgrade A -> B' line";
		return 90;
	}
	return 0;
}

static void classify(ml_arena *arena, const ml_tool_root *root, const char *relpath, ml_migration_file *out)
{
	(void)root;
	if (strchr(relpath, '/')) {
		out->kind = ML_FILE_SKIPPED;
		out->skip = "not an Alembic offline script of this folder";
		return;
	}
	size_t digits = ml_tool_digits(relpath);
	out->version = digits ? ml_arena_strndup(arena, relpath, digits) : NULL;
	out->name = relpath;
}

static size_t line_end(const char *text, size_t len, size_t at)
{
	const char *nl = memchr(text + at, '\n', len - at);
	return nl ? (size_t)(nl - text) : len;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* text[from, to) without its blanks at both ends, in arena; NULL if empty. */
static const char *trimmed(ml_arena *arena, const char *text, size_t from, size_t to)
{
	while (from < to && is_blank(text[from]))
		from++;
	while (to > from && is_blank(text[to - 1]))
		to--;
	return to > from ? ml_arena_strndup(arena, text + from, to - from) : NULL;
}

/* A "-- Running NAME FROM -> TO" line at text[at, end): its direction and
 * the revision it applies (TO of an upgrade, FROM of a downgrade). */
static bool running_line(ml_arena *arena, const char *text, size_t at, size_t end, ml_direction *dir,
			 const char **version)
{
	while (at < end && is_blank(text[at]))
		at++;
	if (end - at < 2 || strncmp(text + at, "--", 2))
		return false;
	at += 2;
	while (at < end && is_blank(text[at]))
		at++;
	if (end - at < 8 || strncmp(text + at, "Running ", 8))
		return false;
	at += 8;
	const char *arrow = NULL;
	for (size_t i = at; i + 1 < end; i++)
		if (text[i] == '-' && text[i + 1] == '>') {
			arrow = text + i;
			break;
		}
	if (!arrow)
		return false;
	size_t name_end = at;
	while (name_end < end && !is_blank(text[name_end]))
		name_end++;
	bool down = name_end - at == 9 && !strncmp(text + at, "downgrade", 9);
	size_t a = (size_t)(arrow - text);
	*dir = down ? ML_DIRECTION_DOWN : ML_DIRECTION_UP;
	*version = down ? trimmed(arena, text, name_end, a) : trimmed(arena, text, a + 2, end);
	return true;
}

/* Is text[at, end) the line "BEGIN;" (any case, blanks around)? */
static bool begin_line(const char *text, size_t at, size_t end)
{
	while (at < end && is_blank(text[at]))
		at++;
	while (end > at && is_blank(text[end - 1]))
		end--;
	return end - at == 6 && !strncasecmp(text + at, "BEGIN;", 6);
}

/* Where the step whose comment line starts at line begins: at its BEGIN;
 * line when alembic printed one for it (transaction_per_migration), after
 * the blank lines in between; else at the comment. */
static size_t step_start(const char *text, size_t line, size_t floor)
{
	size_t at = line;
	while (at > floor) {
		size_t prev = at - 1; /* the '\n' ending the line before */
		size_t start = prev;
		while (start > floor && text[start - 1] != '\n')
			start--;
		bool blank = true;
		for (size_t i = start; i < prev; i++)
			if (!is_blank(text[i]))
				blank = false;
		if (blank) {
			at = start;
			continue;
		}
		return begin_line(text, start, prev) ? start : line;
	}
	return line;
}

/* Does text[from, to) hold a line "word" (BEGIN; or COMMIT;)? */
static bool holds_line(const char *text, size_t from, size_t to, const char *word)
{
	size_t n = strlen(word);
	for (size_t at = from; at < to;) {
		size_t le = line_end(text, to, at);
		size_t s = at, e = le;
		while (s < e && is_blank(text[s]))
			s++;
		while (e > s && is_blank(text[e - 1]))
			e--;
		if (e - s == n && !strncasecmp(text + s, word, n))
			return true;
		at = le + 1;
	}
	return false;
}

static size_t sections(ml_arena *arena, const ml_tool_root *root, const ml_migration_file *file, const char *text,
		       size_t len, ml_section *out, size_t max)
{
	(void)root;
	size_t n = 0;
	for (size_t at = 0; at < len && n < max;) {
		size_t le = line_end(text, len, at);
		ml_direction dir;
		const char *version;
		if (running_line(arena, text, at, le, &dir, &version)) {
			size_t start = n ? step_start(text, at, out[n - 1].start) : 0;
			if (n)
				out[n - 1].end = start;
			ml_tool_whole_file(file, len, false, NULL, &out[n]);
			out[n].start = start;
			out[n].direction = dir;
			out[n].version = version;
			n++;
		}
		at = le + 1;
	}
	if (!n)
		return ml_tool_whole_file(file, len, false,
					  "no '-- Running upgrade' line: the file runs as written, its own BEGIN/COMMIT "
					  "decide",
					  out);
	for (size_t i = 0; i < n; i++) {
		bool own = holds_line(text, out[i].start, out[i].end, "BEGIN;") &&
			   holds_line(text, out[i].start, out[i].end, "COMMIT;");
		out[i].why = own ? "alembic printed BEGIN;/COMMIT; around this revision (transaction_per_migration)"
				 : "alembic printed one BEGIN;/COMMIT; around all revisions: the file's own "
				   "BEGIN/COMMIT decide";
	}
	return n;
}

const ml_tool ml_tool_alembic_preset = {
	.name = "alembic",
	.summary = "Alembic offline SQL (upgrade --sql output): each '-- Running upgrade A -> B' is a migration",
	.depth = 1,
	.detect = detect,
	.classify = classify,
	.sections = sections,
	.in_transaction_default = 0,
	.downs = ML_DOWNS_NONE,
};
