/*
 * tool_plain.c - the plain preset: every *.sql file is a migration run as it
 * is written (psql -f, or a runner of the project's own). Files run in
 * version order of their paths (numbers as numbers); a file named
 * *.down.sql or down.sql is a down migration, never replayed as an up.
 * Whether a file runs in a transaction is the run's assume_in_transaction.
 */
#include <string.h>

#include "tool.h"

static void classify(ml_arena *arena, const ml_tool_root *root, const char *relpath, ml_migration_file *out)
{
	(void)root;
	const char *name = ml_tool_base_name(relpath);
	size_t digits = ml_tool_digits(name);
	out->version = digits ? ml_arena_strndup(arena, name, digits) : NULL;
	out->name = relpath;
	if (!strcmp(name, "down.sql") || ml_tool_ends_with(name, ".down.sql") || ml_tool_ends_with(name, "_down.sql"))
		out->direction = ML_DIRECTION_DOWN;
}

const ml_tool ml_tool_plain_preset = {
	.name = "plain",
	.summary = "every *.sql file runs as written, in version order (psql -f, a runner of your own)",
	.depth = 1,
	.classify = classify,
	.in_transaction_default = -1,
	.downs = ML_DOWNS_NONE,
};
