/*
 * tool_sqlx.c - sqlx (launchbadge/sqlx, `sqlx migrate`): the files of one
 * folder named VERSION_description.sql (simple) or VERSION_description.up.sql
 * and .down.sql (reversible), VERSION an integer, run in the order of its
 * value. Each runs in a transaction unless the file's very first bytes are
 * "-- no-transaction"; such a file is sent as one query, which PostgreSQL
 * still runs as one implicit transaction when it holds several statements.
 * Sources: https://docs.rs/sqlx/latest/sqlx/migrate/trait.MigrationSource.html,
 * sqlx-core/src/migrate/source.rs (`sql.starts_with("-- no-transaction")`),
 * https://github.com/launchbadge/sqlx/blob/main/sqlx-cli/README.md
 */
#include <string.h>

#include "tool.h"

#define NO_TRANSACTION "-- no-transaction"

/* Is name VERSION_description.sql? */
static bool is_migration_name(const char *name)
{
	size_t digits = ml_tool_digits(name);
	return digits && name[digits] == '_' && ml_tool_ends_with(name, ".sql");
}

/* Does the file beside the migration folder (path dir/../name) hold text? */
static bool parent_file_holds(const ml_tool_dir *dir, const char *name, const char *text)
{
	if (!ml_tool_dir_parent_has(dir, name))
		return false;
	const char *head =
		ml_tool_read_head(dir->arena, ml_arena_printf(dir->arena, "%s/../%s", dir->path, name), 65536);
	return head && (!text || strstr(head, text));
}

static int detect(const ml_tool_dir *dir, const char **why)
{
	size_t migrations = 0;
	for (size_t i = 0; i < dir->n_files; i++) {
		if (!is_migration_name(dir->files[i]))
			continue;
		migrations++;
		const char *head = ml_tool_dir_head(dir, dir->files[i], sizeof(NO_TRANSACTION));
		if (head && !strncmp(head, NO_TRANSACTION, strlen(NO_TRANSACTION))) {
			*why = "a VERSION_description.sql file opens with '-- no-transaction'";
			return 90;
		}
	}
	if (!migrations)
		return 0;
	if (parent_file_holds(dir, "sqlx.toml", NULL)) {
		*why = "VERSION_description.sql files, and sqlx.toml beside the migrations folder";
		return 95;
	}
	if (parent_file_holds(dir, "Cargo.toml", "sqlx")) {
		*why = "VERSION_description.sql files, and a Cargo.toml naming sqlx beside the migrations folder";
		return 80;
	}
	return 0;
}

static void classify(ml_arena *arena, const ml_tool_root *root, const char *relpath, ml_migration_file *out)
{
	(void)root;
	if (strchr(relpath, '/') || !is_migration_name(relpath)) {
		out->kind = ML_FILE_SKIPPED;
		out->skip = "not a sqlx migration: sqlx runs the files of its folder named VERSION_description.sql "
			    "(or .up.sql and .down.sql)";
		return;
	}
	out->version = ml_arena_strndup(arena, relpath, ml_tool_digits(relpath));
	if (ml_tool_ends_with(relpath, ".down.sql"))
		out->direction = ML_DIRECTION_DOWN;
}

static size_t sections(ml_arena *arena, const ml_tool_root *root, const ml_migration_file *file, const char *text,
		       size_t len, ml_section *out, size_t max)
{
	(void)root;
	(void)max;
	size_t n = strlen(NO_TRANSACTION);
	if (len >= n && !memcmp(text, NO_TRANSACTION, n)) {
		/* sqlx then sends the file as one query: several statements
		 * still form one implicit transaction. */
		if (ml_tool_statement_count(arena, text, len, 2) > 1)
			return ml_tool_whole_file(file, len, true,
						  "'-- no-transaction', but sqlx sends the file as one query: PostgreSQL "
						  "runs its statements as one implicit transaction",
						  out);
		return ml_tool_whole_file(file, len, false, "the file opens with '-- no-transaction'", out);
	}
	return ml_tool_whole_file(file, len, true, "sqlx runs each migration in a transaction", out);
}

const ml_tool ml_tool_sqlx_preset = {
	.name = "sqlx",
	.summary = "sqlx: VERSION_description.sql (or .up.sql / .down.sql), -- no-transaction on the first line",
	.depth = 1,
	.detect = detect,
	.classify = classify,
	.sections = sections,
	.in_transaction_default = 1,
	.downs = ML_DOWNS_WHEN_USED,
	.out_of_order = "sqlx applies every migration missing from _sqlx_migrations, so an older one runs after the "
			"newer ones already applied",
};
