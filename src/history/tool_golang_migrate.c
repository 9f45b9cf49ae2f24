/*
 * tool_golang_migrate.c - golang-migrate (golang-migrate/migrate): the
 * files of one folder named VERSION_title.up.sql and VERSION_title.down.sql,
 * VERSION an unsigned integer, run in the order of its value. The
 * PostgreSQL drivers send a file as one query; PostgreSQL runs a query of
 * several statements as one implicit transaction, and a query of one
 * statement outside any (so a file holding only CREATE INDEX CONCURRENTLY
 * works). The x-multi-statement URL option (each statement sent on its own)
 * is not visible in the files and is not followed.
 * Sources: https://github.com/golang-migrate/migrate/blob/master/MIGRATIONS.md,
 * source/parse.go (the name pattern), database/postgres/postgres.go (Run);
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-MULTI-STATEMENT
 */
#include <string.h>

#include "tool.h"

/* Where name's ".up." or ".down." (the last one) starts after the version
 * and its '_', with its direction; 0 when the name is not the tool's. */
static size_t direction_at(const char *name, ml_direction *direction)
{
	size_t digits = ml_tool_digits(name);
	if (!digits || name[digits] != '_' || !ml_tool_ends_with(name, ".sql"))
		return 0;
	size_t found = 0;
	for (const char *p = name + digits + 1; (p = strchr(p, '.')); p++) {
		if (!strncmp(p, ".up.", 4)) {
			found = (size_t)(p - name);
			*direction = ML_DIRECTION_UP;
		} else if (!strncmp(p, ".down.", 6)) {
			found = (size_t)(p - name);
			*direction = ML_DIRECTION_DOWN;
		}
	}
	return found;
}

static int detect(const ml_tool_dir *dir, const char **why)
{
	/* Every migration has an up file; and a folder where most *.sql files
	 * are named otherwise is not golang-migrate's (one *.down.sql among
	 * plain migrations is a hand-written down). */
	size_t ups = 0, named = 0, sql = 0;
	for (size_t i = 0; i < dir->n_files; i++) {
		ml_direction d;
		if (!ml_tool_ends_with(dir->files[i], ".sql"))
			continue;
		sql++;
		if (direction_at(dir->files[i], &d)) {
			named++;
			ups += d == ML_DIRECTION_UP;
		}
	}
	if (!ups || named * 2 <= sql)
		return 0;
	*why = "files named VERSION_title.up.sql and VERSION_title.down.sql";
	return 60;
}

static void classify(ml_arena *arena, const ml_tool_root *root, const char *relpath, ml_migration_file *out)
{
	(void)root;
	ml_direction direction = ML_DIRECTION_UP;
	if (strchr(relpath, '/') || !direction_at(relpath, &direction)) {
		out->kind = ML_FILE_SKIPPED;
		out->skip = "not a golang-migrate migration: golang-migrate runs the files of its folder named "
			    "VERSION_title.up.sql and VERSION_title.down.sql";
		return;
	}
	out->version = ml_arena_strndup(arena, relpath, ml_tool_digits(relpath));
	out->direction = direction;
}

static size_t sections(ml_arena *arena, const ml_tool_root *root, const ml_migration_file *file, const char *text,
		       size_t len, ml_section *out, size_t max)
{
	(void)root;
	(void)max;
	size_t statements = ml_tool_statement_count(arena, text, len, 2);
	if (statements > 1)
		ml_tool_whole_file(file, len, true,
				   "golang-migrate sends the file as one query: PostgreSQL runs its statements as one "
				   "implicit transaction",
				   out);
	else
		ml_tool_whole_file(file, len, false,
				   "golang-migrate sends the file as one query of a single statement: PostgreSQL runs "
				   "it outside a transaction",
				   out);
	out->one_query = true;
	return 1;
}

const ml_tool ml_tool_golang_migrate_preset = {
	.name = "golang-migrate",
	.summary = "golang-migrate: VERSION_title.up.sql / .down.sql, a file of several statements is one implicit "
		   "transaction",
	.depth = 1,
	.detect = detect,
	.classify = classify,
	.sections = sections,
	.in_transaction_default = 1,
	.downs = ML_DOWNS_EXPECTED,
	.out_of_order = "golang-migrate records only the newest applied version and runs only the versions above "
			"it: it never runs this one, and says nothing",
};
