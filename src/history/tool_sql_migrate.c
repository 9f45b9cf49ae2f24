/*
 * tool_sql_migrate.c - sql-migrate (rubenv/sql-migrate): every *.sql file
 * of one folder is a migration; files whose names start with digits run in
 * the order of that number, the others after them by name. A line
 * "-- +migrate Up" opens the up, "-- +migrate Down" the down (exactly so:
 * the tool matches the prefix "-- +migrate " and the word's case); the
 * option notransaction on that line runs the section outside a
 * transaction. Lines before the first marker are not run.
 * StatementBegin/StatementEnd only keep a statement's ';' together, which
 * the psql splitter does too for valid SQL.
 * Sources: https://github.com/rubenv/sql-migrate#writing-migrations,
 * sqlparse/sqlparse.go (markers, options), migrate.go (Migration.Less).
 */
#include <string.h>

#include "tool.h"

#define PREFIX "-- +migrate "

static int detect(const ml_tool_dir *dir, const char **why)
{
	if (!ml_tool_dir_has_marker(dir, "-- +migrate up", false))
		return 0;
	if (ml_tool_dir_parent_has(dir, "dbconfig.yml")) {
		*why = "a *.sql file has a '-- +migrate Up' line, and dbconfig.yml is beside the folder";
		return 95;
	}
	*why = "a *.sql file has a '-- +migrate Up' line";
	return 90;
}

static void classify(ml_arena *arena, const ml_tool_root *root, const char *relpath, ml_migration_file *out)
{
	(void)root;
	if (strchr(relpath, '/') || !ml_tool_ends_with(relpath, ".sql")) {
		out->kind = ML_FILE_SKIPPED;
		out->skip = "not a sql-migrate migration: sql-migrate runs the *.sql files of its folder";
		return;
	}
	size_t digits = ml_tool_digits(relpath);
	out->version = digits ? ml_arena_strndup(arena, relpath, digits) : NULL;
	out->name = relpath;
}

/* Is the line at text[at] "-- +migrate WORD ..."? Then sets *direction
 * for Up and Down (other words: false) and *no_tx when an option is
 * notransaction. */
static bool marker(const char *text, size_t len, size_t at, ml_direction *direction, bool *no_tx)
{
	size_t p = strlen(PREFIX);
	if (len - at < p || memcmp(text + at, PREFIX, p))
		return false;
	const char *nl = memchr(text + at, '\n', len - at);
	size_t eol = nl ? (size_t)(nl - text) : len;
	bool first = true, found = false;
	*no_tx = false;
	for (size_t i = at + p; i < eol;) {
		while (i < eol && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'))
			i++;
		size_t s = i;
		while (i < eol && text[i] != ' ' && text[i] != '\t' && text[i] != '\r')
			i++;
		if (i == s)
			break;
		if (first) {
			first = false;
			if (i - s == 2 && !memcmp(text + s, "Up", 2)) {
				*direction = ML_DIRECTION_UP;
				found = true;
			} else if (i - s == 4 && !memcmp(text + s, "Down", 4)) {
				*direction = ML_DIRECTION_DOWN;
				found = true;
			} else {
				return false;
			}
		} else if (i - s == 13 && !memcmp(text + s, "notransaction", 13)) {
			*no_tx = true;
		}
	}
	return found;
}

/* Does text[0, end) hold a line that is neither blank nor a comment? */
static bool holds_sql(const char *text, size_t end)
{
	for (size_t at = 0; at < end;) {
		while (at < end && (text[at] == ' ' || text[at] == '\t' || text[at] == '\r'))
			at++;
		if (at < end && text[at] != '\n' && !(text[at] == '-' && at + 1 < end && text[at + 1] == '-'))
			return true;
		const char *nl = memchr(text + at, '\n', end - at);
		at = nl ? (size_t)(nl - text) + 1 : end;
	}
	return false;
}

static size_t sections(ml_arena *arena, const ml_tool_root *root, const ml_migration_file *file, const char *text,
		       size_t len, ml_section *out, size_t max)
{
	(void)root;
	bool seen_up;
	size_t n = ml_tool_marker_sections(file, text, len, marker, "sql-migrate runs each section in a transaction",
					   "notransaction on the section's -- +migrate line", out, max, &seen_up);
	if (!n)
		return ml_tool_whole_file(file, len, true,
					  "no '-- +migrate Up' line: sql-migrate runs nothing of this file; linted whole "
					  "as an up",
					  out);
	/* What comes before the first marker goes with the first step, but
	 * sql-migrate does not run it: statements there are blanked. */
	if (out[0].start && holds_sql(text, out[0].start)) {
		char *own = ml_arena_strndup(arena, text, len);
		for (size_t i = 0; i < out[0].start; i++)
			if (own[i] != '\n')
				own[i] = ' ';
		/* The step's own text is only its own: a down pass reads all of
		 * it, so the sections after it are blanked too. */
		for (size_t i = out[0].end; i < len; i++)
			if (own[i] != '\n')
				own[i] = ' ';
		out[0].text = own;
	}
	out[0].start = 0;
	return n;
}

const ml_tool ml_tool_sql_migrate_preset = {
	.name = "sql-migrate",
	.summary = "sql-migrate: *.sql with -- +migrate Up / Down sections, notransaction",
	.depth = 1,
	.detect = detect,
	.classify = classify,
	.sections = sections,
	.in_transaction_default = 1,
	.downs = ML_DOWNS_EXPECTED,
	.out_of_order = "sql-migrate catches up: it applies a missing older migration first, after the newer ones "
			"already applied",
};
