/*
 * tool_django.c - Django's "manage.py sqlmigrate APP NNNN" output saved to
 * .sql files, one per migration, in one folder, in the order of their
 * names (0001_initial.sql, 0002_...). sqlmigrate prints a comment block
 * "--" / "-- Create model X" / "--" before each operation, and prints
 * BEGIN; and COMMIT; itself around an atomic migration (none around one
 * with atomic = False): the file's own BEGIN/COMMIT decide, the run adds no
 * transaction. Output of "sqlmigrate --backwards" is a down migration: a
 * file whose name holds "backward" or ends in .down.sql or _down.sql.
 * Sources: https://docs.djangoproject.com/en/stable/ref/django-admin/#sqlmigrate,
 * https://docs.djangoproject.com/en/stable/howto/writing-migrations/#non-atomic-migrations,
 * django/db/migrations/migration.py (Migration.apply, collect_sql);
 * docs/tools.md.
 */
#define _GNU_SOURCE
#include <string.h>
#include <strings.h>

#include "tool.h"

/* How the descriptions of Django's operations start, as sqlmigrate prints
 * them in its comment blocks (Operation.describe()). pg_dump's blocks
 * ("-- Name: x; Type: TABLE") start otherwise. */
static const char *const OPERATIONS[] = {
	"Create model ", "Delete model ", "Rename model ", "Add field ", "Remove field ", "Alter field ",
	"Rename field ", "Alter unique_together ", "Alter index_together ", "Alter order_with_respect_to ",
	"Rename table ", "Alter db_table ", "Create index ", "Remove index ", "Rename index ",
	"Add constraint ", "Remove constraint ", "Raw SQL operation", "Raw Python operation",
	"Concurrently create index ", "Concurrently remove index ", "Creates extension ", "Create collation ",
	"Remove collation ", "Custom state/database change combination",
	"MIGRATION NOW PERFORMS OPERATION THAT CANNOT BE WRITTEN AS SQL",
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Is the line text[at, end) just "--"? */
static bool bare_dashes(const char *text, size_t at, size_t end)
{
	while (end > at && is_blank(text[end - 1]))
		end--;
	return end - at == 2 && text[at] == '-' && text[at + 1] == '-';
}

/* Does text hold a sqlmigrate block: "--", "-- <operation>", "--"? */
static bool has_operation_block(const char *text)
{
	const char *lines[3] = { 0 };
	size_t lens[3] = { 0 };
	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		lines[0] = lines[1];
		lens[0] = lens[1];
		lines[1] = lines[2];
		lens[1] = lens[2];
		lines[2] = line;
		lens[2] = n;
		if (lines[0] && bare_dashes(lines[0], 0, lens[0]) && bare_dashes(lines[2], 0, lens[2]) && lens[1] > 3 &&
		    !strncmp(lines[1], "-- ", 3))
			for (size_t i = 0; i < sizeof(OPERATIONS) / sizeof(*OPERATIONS); i++) {
				size_t k = strlen(OPERATIONS[i]);
				if (lens[1] - 3 >= k && !strncmp(lines[1] + 3, OPERATIONS[i], k))
					return true;
			}
		if (!nl)
			break;
		line = nl + 1;
	}
	return false;
}

/* At most this many files are read, this many bytes of each. */
#define DJANGO_FILES 64
#define DJANGO_BYTES 8192

static int detect(const ml_tool_dir *dir, const char **why)
{
	size_t read = 0;
	for (size_t i = 0; i < dir->n_files && read < DJANGO_FILES; i++) {
		if (!ml_tool_ends_with(dir->files[i], ".sql"))
			continue;
		read++;
		const char *head = ml_tool_dir_head(dir, dir->files[i], DJANGO_BYTES);
		if (head && has_operation_block(head)) {
			*why = "a *.sql file has sqlmigrate's '--' / '-- Create model X' / '--' comment blocks";
			return 90;
		}
	}
	return 0;
}

static void classify(ml_arena *arena, const ml_tool_root *root, const char *relpath, ml_migration_file *out)
{
	(void)root;
	if (strchr(relpath, '/') || !ml_tool_ends_with(relpath, ".sql")) {
		out->kind = ML_FILE_SKIPPED;
		out->skip = "not a sqlmigrate file of this folder";
		return;
	}
	const char *name = ml_tool_base_name(relpath);
	/* The migration's number: the file's leading digits, or the first
	 * ones after an app label (blog_0002_x.sql). */
	const char *d = name;
	while (*d && (*d < '0' || *d > '9'))
		d++;
	size_t digits = ml_tool_digits(d);
	out->version = digits ? ml_arena_strndup(arena, d, digits) : NULL;
	out->name = relpath;
	if (strcasestr(name, "backward") || ml_tool_ends_with(name, ".down.sql") || ml_tool_ends_with(name, "_down.sql"))
		out->direction = ML_DIRECTION_DOWN;
	out->transaction = 0;
	out->transaction_why = "sqlmigrate prints BEGIN;/COMMIT; itself (none for atomic = False): the file's own "
			       "decide";
}

const ml_tool ml_tool_django_preset = {
	.name = "django",
	.summary = "Django sqlmigrate output: NNNN_name.sql in name order, with its own BEGIN;/COMMIT;",
	.depth = 1,
	.detect = detect,
	.classify = classify,
	.in_transaction_default = 0,
	.downs = ML_DOWNS_NONE,
};
