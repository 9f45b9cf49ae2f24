/*
 * tool_prisma.c - prisma migrate: migrations/TIMESTAMP_name/migration.sql,
 * one folder per migration, in timestamp order; migration_lock.toml in the
 * migrations folder marks it. prisma migrate deploy does not wrap a
 * migration in a transaction of its own: it sends the whole migration.sql
 * to PostgreSQL as one query, and PostgreSQL runs a query of several
 * statements as one implicit transaction. A migration of a single
 * statement therefore runs outside a transaction block (the known way to
 * run CREATE INDEX CONCURRENTLY with prisma), and one of several inside one.
 * Sources: https://www.prisma.io/docs/orm/prisma-migrate/understanding-prisma-migrate/migration-histories,
 * https://github.com/prisma/prisma/issues/14456 (CONCURRENTLY works only
 * alone in its migration), https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-MULTI-STATEMENT;
 * docs/tools.md.
 */
#include <string.h>

#include "tool.h"

static int detect(const ml_tool_dir *dir, const char **why)
{
	size_t migrations = 0, dated = 0;
	for (size_t i = 0; i < dir->n_sub_files; i++)
		if (ml_tool_ends_with(dir->sub_files[i], "/migration.sql")) {
			migrations++;
			if (ml_tool_digits(dir->sub_files[i]) >= 8)
				dated++;
		}
	if (!migrations)
		return 0;
	for (size_t i = 0; i < dir->n_files; i++)
		if (!strcmp(dir->files[i], "migration_lock.toml")) {
			*why = "folders holding migration.sql, and prisma's migration_lock.toml beside them";
			return 95;
		}
	if (dated) {
		*why = "folders TIMESTAMP_name holding migration.sql, one per migration";
		return 70;
	}
	/* Any folder with a migration.sql in it proves too little: a test
	 * folder, a tool's output. */
	return 0;
}

static void classify(ml_arena *arena, const ml_tool_root *root, const char *relpath, ml_migration_file *out)
{
	(void)root;
	const char *slash = strchr(relpath, '/');
	if (!slash || strcmp(slash + 1, "migration.sql")) {
		out->kind = ML_FILE_SKIPPED;
		out->skip = "not a prisma migration: prisma migrate runs MIGRATION/migration.sql only";
		return;
	}
	size_t folder = (size_t)(slash - relpath);
	size_t digits = ml_tool_digits(relpath);
	/* prisma applies the folders in the order of their names; the names
	 * start with a UTC timestamp, which orders the same as a number. */
	out->version = ml_arena_strndup(arena, relpath, digits ? digits : folder);
	out->name = ml_arena_strndup(arena, relpath, folder);
}

static size_t sections(ml_arena *arena, const ml_tool_root *root, const ml_migration_file *file, const char *text,
		       size_t len, ml_section *out, size_t max)
{
	(void)root;
	(void)max;
	size_t statements = ml_tool_statement_count(arena, text, len, 2);
	if (statements <= 1)
		ml_tool_whole_file(file, len, false,
				   "prisma sends migration.sql as one query: a single statement runs outside a "
				   "transaction block",
				   out);
	else
		ml_tool_whole_file(file, len, true,
				   "prisma sends migration.sql as one query: PostgreSQL runs its statements as one "
				   "implicit transaction",
				   out);
	out->one_query = true;
	return 1;
}

const ml_tool ml_tool_prisma_preset = {
	.name = "prisma",
	.summary = "prisma migrate: TIMESTAMP_name/migration.sql, one implicit transaction per migration",
	.depth = 2,
	.detect = detect,
	.classify = classify,
	.sections = sections,
	.in_transaction_default = 1,
	.downs = ML_DOWNS_NONE,
	.out_of_order = "prisma migrate deploy applies every migration missing from _prisma_migrations, so an older "
			"one runs after the newer ones already applied",
};
