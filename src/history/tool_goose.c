/*
 * tool_goose.c - goose (pressly/goose): NNN_name.sql files in one folder,
 * ordered by the number; "-- +goose Up" and "-- +goose Down" cut a file into
 * its up and down; each runs in a transaction unless the file says
 * "-- +goose NO TRANSACTION". StatementBegin/StatementEnd blocks hold one
 * statement each, which the psql splitter also finds for valid SQL.
 * The down section is optional; since v3.3.0 goose refuses a migration
 * older than the newest applied one unless told -allow-missing.
 * Sources in docs/tools.md.
 */
#include <string.h>

#include "tool.h"

/* VERSION_name.sql: the only files goose runs. */
static bool goose_name(const char *name)
{
	size_t digits = ml_tool_digits(name);
	return digits && name[digits] == '_' && !strchr(name, '/');
}

static int detect(const ml_tool_dir *dir, const char **why)
{
	if (ml_tool_dir_marked(dir, "-- +goose up", false, goose_name)) {
		*why = "a VERSION_name.sql file has a '-- +goose Up' line";
		return 90;
	}
	return 0;
}

static void classify(ml_arena *arena, const ml_tool_root *root, const char *relpath, ml_migration_file *out)
{
	(void)root;
	const char *name = ml_tool_base_name(relpath);
	size_t digits = ml_tool_digits(name);
	if (!goose_name(relpath)) {
		out->kind = ML_FILE_SKIPPED;
		out->skip = "not a goose migration: goose runs the files of its folder named VERSION_name.sql";
		return;
	}
	out->version = ml_arena_strndup(arena, name, digits);
}

static size_t sections(ml_arena *arena, const ml_tool_root *root, const ml_migration_file *file, const char *text,
		       size_t len, ml_section *out, size_t max)
{
	(void)arena;
	(void)root;
	(void)max;
	bool no_tx = ml_tool_find_line(text, len, 0, "-- +goose no transaction") != (size_t)-1;
	const char *why = no_tx ? "-- +goose NO TRANSACTION" : "goose runs each migration in a transaction";
	size_t up = ml_tool_find_line(text, len, 0, "-- +goose up");
	size_t down = ml_tool_find_line(text, len, 0, "-- +goose down");
	ml_tool_whole_file(file, len, !no_tx, why, &out[0]);
	if (down == (size_t)-1)
		return 1;
	ml_tool_whole_file(file, len, !no_tx, why, &out[1]);
	if (up != (size_t)-1 && down < up) {
		/* Down written first (goose itself refuses the file): each part
		 * is still what it says. */
		out[0].end = up;
		out[0].direction = ML_DIRECTION_DOWN;
		out[1].start = up;
		return 2;
	}
	out[0].end = down;
	out[1].start = down;
	out[1].direction = ML_DIRECTION_DOWN;
	return 2;
}

/* goose has no config file: -allow-missing (goose.WithAllowMissing()) is
 * given on each run, out of migralint's sight, so the default holds. */
static bool refuses_older(const ml_tool_root *root)
{
	(void)root;
	return true;
}

const ml_tool ml_tool_goose_preset = {
	.name = "goose",
	.summary = "pressly/goose: VERSION_name.sql with -- +goose Up / Down sections",
	.depth = 1,
	.detect = detect,
	.classify = classify,
	.sections = sections,
	.in_transaction_default = 1,
	.downs = ML_DOWNS_EXPECTED,
	.out_of_order = "goose refuses to apply a migration older than the newest applied one unless run with "
			"-allow-missing, which applies it after the newer ones",
	.out_of_order_fails = refuses_older,
};
