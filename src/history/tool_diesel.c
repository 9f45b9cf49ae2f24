/*
 * tool_diesel.c - diesel (diesel_migrations): one folder per migration,
 * VERSION_name/up.sql and down.sql, ordered by the version (a timestamp,
 * 2023-12-22-040137); each runs in a transaction unless the folder's
 * metadata.toml says run_in_transaction = false. Sources in docs/tools.md.
 */
#include <string.h>

#include "tool.h"

static int detect(const ml_tool_dir *dir, const char **why)
{
	/* VERSION_name/up.sql: a folder named by its version. */
	size_t ups = 0;
	for (size_t i = 0; i < dir->n_sub_files; i++)
		if (ml_tool_ends_with(dir->sub_files[i], "/up.sql") && ml_tool_digits(dir->sub_files[i]) >= 4)
			ups++;
	if (!ups)
		return 0;
	if (ml_tool_dir_parent_has(dir, "diesel.toml")) {
		*why = "folders holding up.sql, and diesel.toml beside the migrations folder";
		return 95;
	}
	*why = "folders holding up.sql and down.sql, one per migration";
	return 70;
}

/* The version of a migration folder: what comes before its first '_' (diesel
 * reads the version up to the first underscore). */
static const char *folder_version(ml_arena *arena, const char *folder, size_t len)
{
	const char *us = memchr(folder, '_', len);
	return ml_arena_strndup(arena, folder, us ? (size_t)(us - folder) : len);
}

/* Does the folder's metadata.toml turn the transaction off? */
static bool runs_outside_transaction(ml_arena *arena, const ml_tool_root *root, const char *folder, size_t len)
{
	const char *path = ml_arena_printf(arena, "%s/%.*s/metadata.toml", root->path, (int)len, folder);
	const char *toml = ml_tool_read_head(arena, path, 4096);
	if (!toml)
		return false;
	for (const char *p = strstr(toml, "run_in_transaction"); p; p = strstr(p + 1, "run_in_transaction")) {
		const char *v = p + strlen("run_in_transaction");
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v++ != '=')
			continue;
		while (*v == ' ' || *v == '\t')
			v++;
		if (!strncmp(v, "false", 5))
			return true;
	}
	return false;
}

static void classify(ml_arena *arena, const ml_tool_root *root, const char *relpath, ml_migration_file *out)
{
	const char *slash = strchr(relpath, '/');
	const char *file = slash ? slash + 1 : NULL;
	if (!file || strchr(file, '/') || (strcmp(file, "up.sql") && strcmp(file, "down.sql"))) {
		out->kind = ML_FILE_SKIPPED;
		out->skip = "not a diesel migration: diesel runs MIGRATION/up.sql and MIGRATION/down.sql only";
		return;
	}
	size_t folder_len = (size_t)(slash - relpath);
	out->version = folder_version(arena, relpath, folder_len);
	out->direction = strcmp(file, "down.sql") ? ML_DIRECTION_UP : ML_DIRECTION_DOWN;
	if (runs_outside_transaction(arena, root, relpath, folder_len)) {
		out->transaction = 0;
		out->transaction_why = "metadata.toml: run_in_transaction = false";
	}
}

const ml_tool ml_tool_diesel_preset = {
	.name = "diesel",
	.summary = "diesel: VERSION_name/up.sql and down.sql, metadata.toml run_in_transaction",
	.depth = 2,
	.detect = detect,
	.classify = classify,
	.in_transaction_default = 1,
	.downs = ML_DOWNS_EXPECTED,
	.out_of_order = "diesel runs every migration missing from __diesel_schema_migrations, so an older one runs "
			"after the newer ones already applied",
};
