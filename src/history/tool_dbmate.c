/*
 * tool_dbmate.c - dbmate (amacneil/dbmate): the files of one folder whose
 * names start with digits and end in .sql, the digits the version. A
 * "-- migrate:up" line opens the up, a "-- migrate:down" line the down; each
 * runs in a transaction unless its own marker line says transaction:false;
 * such a section is sent as one query, which PostgreSQL still runs as one
 * implicit transaction when it holds several statements.
 * dbmate sorts the files by their names as strings (not the versions as
 * numbers), so that is the order here: 10_b.sql runs before 9_a.sql.
 * Sources: https://github.com/amacneil/dbmate#creating-migrations and
 * #options, pkg/dbmate/migration.go (the marker patterns and options),
 * pkg/dbmate/db.go (FindMigrations: `^(\d+).*\.sql$`, sorted by FileName).
 */
#include <stdlib.h>
#include <string.h>

#include "tool.h"

typedef struct dbmate_root {
	const char **names;       /* the folder's migration file names, sorted as strings */
	size_t n;
} dbmate_root;

static bool is_migration_name(const char *name)
{
	return ml_tool_digits(name) && ml_tool_ends_with(name, ".sql");
}

static int detect(const ml_tool_dir *dir, const char **why)
{
	if (ml_tool_dir_has_marker(dir, "-- migrate:up", false)) {
		*why = "a *.sql file has a '-- migrate:up' line";
		return 90;
	}
	return 0;
}

static void open_root(ml_arena *arena, ml_tool_root *root)
{
	ml_tool_dir dir;
	if (ml_tool_dir_read(arena, root->path, &dir) != 0)
		return;
	dbmate_root *data = ml_arena_alloc(arena, sizeof(*data));
	data->names = ml_arena_alloc(arena, (dir.n_files + 1) * sizeof(*data->names));
	/* dir.files is sorted with strcmp: dbmate's order. */
	for (size_t i = 0; i < dir.n_files; i++)
		if (is_migration_name(dir.files[i]))
			data->names[data->n++] = dir.files[i];
	root->data = data;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void classify(ml_arena *arena, const ml_tool_root *root, const char *relpath, ml_migration_file *out)
{
	if (strchr(relpath, '/') || !is_migration_name(relpath)) {
		out->kind = ML_FILE_SKIPPED;
		out->skip = "not a dbmate migration: dbmate runs the files of its folder whose names start with digits "
			    "and end in .sql";
		return;
	}
	out->version = ml_arena_strndup(arena, relpath, ml_tool_digits(relpath));
	const dbmate_root *data = root->data;
	if (data && data->n) {
		const char **hit = bsearch(&relpath, data->names, data->n, sizeof(*data->names), compare_names);
		if (hit)
			out->plan_index = (long)(hit - data->names);
	}
}

/* If the line at text[at] is a dbmate marker, sets *direction and *no_tx
 * (its options hold transaction:false) and returns true. The marker is
 * "--", blanks, "migrate:up" or "migrate:down", then the end of the line or
 * blanks and options, case as written. */
static bool marker(const char *text, size_t len, size_t at, ml_direction *direction, bool *no_tx)
{
	if (at + 2 > len || text[at] != '-' || text[at + 1] != '-')
		return false;
	at += 2;
	while (at < len && (text[at] == ' ' || text[at] == '\t'))
		at++;
	size_t word;
	if (len - at >= 10 && !memcmp(text + at, "migrate:up", 10)) {
		*direction = ML_DIRECTION_UP;
		word = 10;
	} else if (len - at >= 12 && !memcmp(text + at, "migrate:down", 12)) {
		*direction = ML_DIRECTION_DOWN;
		word = 12;
	} else {
		return false;
	}
	at += word;
	if (at < len && text[at] != ' ' && text[at] != '\t' && text[at] != '\n' && text[at] != '\r')
		return false; /* migrate:upgrade */
	const char *nl = memchr(text + at, '\n', len - at);
	size_t eol = nl ? (size_t)(nl - text) : len;
	*no_tx = false;
	/* Options: blank-separated key:value pairs. */
	for (size_t i = at; i < eol;) {
		while (i < eol && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'))
			i++;
		size_t s = i;
		while (i < eol && text[i] != ' ' && text[i] != '\t' && text[i] != '\r')
			i++;
		if (i - s == 17 && !memcmp(text + s, "transaction:false", 17))
			*no_tx = true;
	}
	return true;
}

static size_t sections(ml_arena *arena, const ml_tool_root *root, const ml_migration_file *file, const char *text,
		       size_t len, ml_section *out, size_t max)
{
	(void)root;
	bool seen_up;
	size_t n = ml_tool_marker_sections(file, text, len, marker, "dbmate runs each section in a transaction",
					   "transaction:false on the section's -- migrate: line", out, max, &seen_up);
	if (!seen_up)
		return ml_tool_whole_file(file, len, true,
					  "no '-- migrate:up' line: dbmate refuses this file; linted whole as an up", out);
	/* Only comments may come before the first marker (dbmate refuses
	 * statements there): they go with the first step. */
	out[0].start = 0;
	/* dbmate sends a section as one query: a transaction:false section of
	 * several statements is still one implicit transaction. */
	for (size_t i = 0; i < n; i++) {
		size_t section_len = out[i].end - out[i].start;
		out[i].one_query = true;
		if (!out[i].in_transaction && ml_tool_statement_count(arena, text + out[i].start, section_len, 2) > 1) {
			out[i].in_transaction = true;
			out[i].why = "transaction:false, but dbmate sends the section as one query: PostgreSQL runs its "
				     "statements as one implicit transaction";
		}
	}
	return n;
}

const ml_tool ml_tool_dbmate_preset = {
	.name = "dbmate",
	.summary = "dbmate: VERSION_name.sql with -- migrate:up / -- migrate:down sections, transaction:false",
	.depth = 1,
	.detect = detect,
	.open_root = open_root,
	.classify = classify,
	.sections = sections,
	.in_transaction_default = 1,
	.downs = ML_DOWNS_EXPECTED,
	.out_of_order = "dbmate applies every pending migration, an older one after the newer ones already applied "
			"(it refuses only with --strict)",
};
