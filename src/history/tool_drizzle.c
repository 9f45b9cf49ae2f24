/*
 * tool_drizzle.c - drizzle-kit migrations: NNNN_name.sql files in one
 * folder, and meta/_journal.json whose "entries" list their "tag"s (the
 * names without .sql) in the order the migrator runs them; a file the
 * journal does not list never runs. The migrator runs all pending
 * migrations in one transaction.
 *
 * drizzle cuts a file at "--> statement-breakpoint" lines and sends each
 * piece as one query. drizzle-kit writes the marker after a statement's
 * ';', so the psql splitter, which cuts at the ';' and reads the marker
 * as a comment, finds the same statements; and since every piece runs in
 * the migrator's one transaction, a piece of several statements runs no
 * differently from its statements one by one. What differs is only a
 * marker written inside a dollar-quoted body, which drizzle would cut in
 * two and PostgreSQL reject: that file fails under drizzle, not here.
 * Sources: https://orm.drizzle.team/docs/migrations,
 * drizzle-orm's migrator.js (readMigrationFiles) and pg-core dialect.migrate;
 * docs/tools.md.
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "tool.h"

/* The largest journal read. */
#define JOURNAL_BYTES (4u << 20)

typedef struct drizzle_journal {
	const char **tags;
	size_t n;
} drizzle_journal;

static int detect(const ml_tool_dir *dir, const char **why)
{
	bool journal = false;
	for (size_t i = 0; i < dir->n_sub_files; i++)
		if (!strcmp(dir->sub_files[i], "meta/_journal.json"))
			journal = true;
	if (journal) {
		*why = "meta/_journal.json beside the *.sql files";
		return 95;
	}
	if (ml_tool_dir_has_marker(dir, "--> statement-breakpoint", false)) {
		*why = "a *.sql file has a '--> statement-breakpoint' line (no meta/_journal.json: name order)";
		return 80;
	}
	return 0;
}

static void open_root(ml_arena *arena, ml_tool_root *root)
{
	const char *path = ml_arena_printf(arena, "%s/meta/_journal.json", root->path);
	const char *text = ml_tool_read_head(arena, path, JOURNAL_BYTES);
	cJSON *json = text ? cJSON_Parse(text) : NULL;
	const cJSON *entries = cJSON_GetObjectItemCaseSensitive(json, "entries");
	if (!cJSON_IsArray(entries)) {
		root->note = text ? "meta/_journal.json has no \"entries\" list: migrations run in version order"
				  : "meta/_journal.json could not be read: migrations run in version order";
		cJSON_Delete(json);
		return;
	}
	drizzle_journal *j = ml_arena_alloc(arena, sizeof(*j));
	size_t n = (size_t)cJSON_GetArraySize(entries);
	j->tags = ml_arena_alloc(arena, (n + 1) * sizeof(*j->tags));
	j->n = 0;
	const cJSON *entry;
	cJSON_ArrayForEach(entry, entries)
	{
		const cJSON *tag = cJSON_GetObjectItemCaseSensitive(entry, "tag");
		if (cJSON_IsString(tag) && tag->valuestring)
			j->tags[j->n++] = ml_arena_strdup(arena, tag->valuestring);
	}
	cJSON_Delete(json);
	root->data = j;
}

static void classify(ml_arena *arena, const ml_tool_root *root, const char *relpath, ml_migration_file *out)
{
	if (strchr(relpath, '/') || !ml_tool_ends_with(relpath, ".sql")) {
		out->kind = ML_FILE_SKIPPED;
		out->skip = "not a drizzle migration: drizzle runs the *.sql files its meta/_journal.json lists";
		return;
	}
	size_t digits = ml_tool_digits(relpath);
	out->version = digits ? ml_arena_strndup(arena, relpath, digits) : NULL;
	out->name = relpath;
	out->transaction = 1;
	out->transaction_why = "drizzle's migrator runs all pending migrations in one transaction";
	const drizzle_journal *j = root->data;
	if (!j)
		return;
	size_t tag_len = strlen(relpath) - strlen(".sql");
	for (size_t i = 0; i < j->n && out->plan_index < 0; i++)
		if (strlen(j->tags[i]) == tag_len && !strncmp(j->tags[i], relpath, tag_len))
			out->plan_index = (long)i;
	if (out->plan_index < 0) {
		out->kind = ML_FILE_SKIPPED;
		out->skip = "not in meta/_journal.json: drizzle's migrator never runs it";
	}
}

const ml_tool ml_tool_drizzle_preset = {
	.name = "drizzle",
	.summary = "drizzle-kit: NNNN_name.sql in meta/_journal.json order, all pending in one transaction",
	.depth = 1,
	.detect = detect,
	.open_root = open_root,
	.classify = classify,
	.in_transaction_default = 1,
	.downs = ML_DOWNS_NONE,
	.out_of_order = "drizzle applies a journal entry only when its \"when\" time is later than the last applied "
			"migration's: an older one is skipped for good, without an error",
};
