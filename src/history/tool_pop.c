/*
 * tool_pop.c - pop (gobuffalo/pop `soda migrate`, and ory/x popx, its
 * fork in Ory's projects): the files of one folder named
 * VERSION_name[.DIALECT][.autocommit].up.sql and .down.sql (or .fizz, not
 * SQL: the walk never reads them). Only files of the postgres dialect
 * (postgres, postgresql, pg, pgx) and files without one are run on
 * PostgreSQL; when a version has both, pop runs the dialect's file and not
 * the other. The others (mysql, sqlite3, cockroach ...) are skipped. Each
 * migration runs in a transaction unless its name holds .autocommit.
 * (popx; gobuffalo/pop would read it as an unknown dialect): then the file
 * is sent as one query, which PostgreSQL still runs as one implicit
 * transaction when it holds several statements. pop sorts by the version
 * as a string, so that is the order.
 * Sources: https://gobuffalo.io/documentation/database/migrations/,
 * gobuffalo/pop migration_info.go and dialect synonyms, ory/x
 * popx/match.go (the name pattern with .autocommit) and
 * popx/migration_info.go (sortAndFilter, compareMigration).
 */
#include <stdlib.h>
#include <string.h>

#include "tool.h"

/* A file name of pop's: VERSION_name[.DIALECT][.autocommit].(up|down).sql */
typedef struct pop_name {
	size_t version_len;
	char dialect[16];         /* canonical, "" for none (pop's "all") */
	const char *dialect_as_written;
	size_t dialect_len;
	bool autocommit;
	ml_direction direction;
} pop_name;

/* pop's synonyms of the dialects it knows (dialect.go, CanonicalDialect). */
static const struct {
	const char *synonym, *dialect;
} DIALECTS[] = {
	{ "postgres", "postgres" },   { "postgresql", "postgres" }, { "pg", "postgres" },
	{ "pgx", "postgres" },        { "cockroach", "cockroach" }, { "cockroachdb", "cockroach" },
	{ "crdb", "cockroach" },      { "mysql", "mysql" },         { "mariadb", "mysql" },
	{ "sqlite3", "sqlite3" },     { "sqlite", "sqlite3" },
};

static bool is_dialect_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Reads name as pop does; false when it is not pop's. An unknown dialect
 * leaves dialect set to "?". */
static bool parse_name(const char *name, pop_name *out)
{
	memset(out, 0, sizeof(*out));
	size_t digits = ml_tool_digits(name);
	if (!digits || name[digits] != '_')
		return false;
	const char *p = name + digits + 1;
	size_t name_len = strcspn(p, ".");
	if (!name_len || !p[name_len])
		return false;
	p += name_len; /* at the first '.' */
	out->version_len = digits;
	/* The rest: up to two optional segments, then up|down, then sql. */
	const char *segments[4];
	size_t lengths[4], n = 0;
	while (*p == '.' && n < 4) {
		p++;
		size_t l = strcspn(p, ".");
		segments[n] = p;
		lengths[n++] = l;
		p += l;
	}
	if (*p || n < 2 || lengths[n - 1] != 3 || memcmp(segments[n - 1], "sql", 3))
		return false;
	const char *dir = segments[n - 2];
	if (lengths[n - 2] == 2 && !memcmp(dir, "up", 2))
		out->direction = ML_DIRECTION_UP;
	else if (lengths[n - 2] == 4 && !memcmp(dir, "down", 4))
		out->direction = ML_DIRECTION_DOWN;
	else
		return false;
	size_t extra = n - 2;
	if (extra >= 1 && lengths[extra - 1] == 10 && !memcmp(segments[extra - 1], "autocommit", 10)) {
		out->autocommit = true;
		extra--;
	}
	if (extra > 1)
		return false;
	if (extra == 1) {
		for (size_t i = 0; i < lengths[0]; i++)
			if (!is_dialect_char(segments[0][i]))
				return false;
		if (!lengths[0])
			return false;
		out->dialect_as_written = segments[0];
		out->dialect_len = lengths[0];
		strcpy(out->dialect, "?");
		for (size_t i = 0; i < sizeof(DIALECTS) / sizeof(*DIALECTS); i++)
			if (strlen(DIALECTS[i].synonym) == lengths[0] &&
			    !memcmp(DIALECTS[i].synonym, segments[0], lengths[0]))
				strcpy(out->dialect, DIALECTS[i].dialect);
	}
	return true;
}

typedef struct pop_root {
	const char **versions;    /* the distinct versions, sorted as strings: pop's order */
	size_t n_versions;
	const char **postgres;    /* "VERSION.up" / "VERSION.down" that have a postgres file, sorted */
	size_t n_postgres;
} pop_root;

static int detect(const ml_tool_dir *dir, const char **why)
{
	bool migrations = false, marked = false;
	for (size_t i = 0; i < dir->n_files; i++) {
		pop_name pn;
		if (ml_tool_ends_with(dir->files[i], ".up.fizz") || ml_tool_ends_with(dir->files[i], ".down.fizz")) {
			migrations = marked = true;
			*why = "*.up.fizz migrations, which only pop runs";
		} else if (parse_name(dir->files[i], &pn)) {
			migrations = true;
			if (!marked && (pn.dialect[0] || pn.autocommit)) {
				marked = true;
				*why = pn.autocommit ? "a VERSION_name.autocommit.up.sql file (pop/popx)"
						     : "VERSION_name.DIALECT.up.sql files (pop's dialect infix)";
			}
		}
	}
	if (!migrations)
		return 0;
	if (ml_tool_dir_parent_has(dir, "database.yml")) {
		*why = "VERSION_name.up.sql files, and pop's database.yml beside the migrations folder";
		return 95;
	}
	return marked ? 85 : 0;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Keeps the distinct strings of v[0, n) sorted; returns how many. */
static size_t sort_unique(const char **v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), compare_strings);
	size_t out = 1;
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i], v[out - 1]))
			v[out++] = v[i];
	return out;
}

static const char *direction_key(ml_arena *arena, const char *name, const pop_name *pn)
{
	return ml_arena_printf(arena, "%.*s.%s", (int)pn->version_len, name,
			       pn->direction == ML_DIRECTION_UP ? "up" : "down");
}

static void open_root(ml_arena *arena, ml_tool_root *root)
{
	ml_tool_dir dir;
	if (ml_tool_dir_read(arena, root->path, &dir) != 0)
		return;
	pop_root *data = ml_arena_alloc(arena, sizeof(*data));
	data->versions = ml_arena_alloc(arena, (dir.n_files + 1) * sizeof(char *));
	data->postgres = ml_arena_alloc(arena, (dir.n_files + 1) * sizeof(char *));
	for (size_t i = 0; i < dir.n_files; i++) {
		pop_name pn;
		if (!parse_name(dir.files[i], &pn))
			continue;
		data->versions[data->n_versions++] = ml_arena_strndup(arena, dir.files[i], pn.version_len);
		if (!strcmp(pn.dialect, "postgres"))
			data->postgres[data->n_postgres++] = direction_key(arena, dir.files[i], &pn);
	}
	data->n_versions = sort_unique(data->versions, data->n_versions);
	data->n_postgres = sort_unique(data->postgres, data->n_postgres);
	root->data = data;
}

static void classify(ml_arena *arena, const ml_tool_root *root, const char *relpath, ml_migration_file *out)
{
	pop_name pn;
	out->kind = ML_FILE_SKIPPED;
	if (strchr(relpath, '/') || !parse_name(relpath, &pn)) {
		out->skip = "not a pop migration: pop runs the files of its folder named "
			    "VERSION_name[.dialect][.autocommit].up.sql and .down.sql";
		return;
	}
	if (!strcmp(pn.dialect, "?")) {
		out->skip = ml_arena_printf(arena, "a migration for the dialect '%.*s', which pop does not know",
					    (int)pn.dialect_len, pn.dialect_as_written);
		return;
	}
	if (pn.dialect[0] && strcmp(pn.dialect, "postgres")) {
		out->skip = ml_arena_printf(arena, "a migration for %s (.%.*s. in the name): pop runs it on that "
						   "database only, never on PostgreSQL",
					    pn.dialect, (int)pn.dialect_len, pn.dialect_as_written);
		return;
	}
	const pop_root *data = root->data;
	if (!pn.dialect[0] && data && data->n_postgres) {
		const char *key = direction_key(arena, relpath, &pn);
		if (bsearch(&key, data->postgres, data->n_postgres, sizeof(char *), compare_strings)) {
			out->skip = "pop runs this version's .postgres. file on PostgreSQL instead of this one";
			return;
		}
	}
	out->kind = ML_FILE_MIGRATION;
	out->version = ml_arena_strndup(arena, relpath, pn.version_len);
	out->direction = pn.direction;
	if (data && data->n_versions) {
		const char **hit =
			bsearch(&out->version, data->versions, data->n_versions, sizeof(char *), compare_strings);
		if (hit)
			out->plan_index = (long)(hit - data->versions);
	}
	if (pn.autocommit) {
		out->transaction = 0;
		out->transaction_why = ".autocommit. in the file name";
	}
}

static size_t sections(ml_arena *arena, const ml_tool_root *root, const ml_migration_file *file, const char *text,
		       size_t len, ml_section *out, size_t max)
{
	(void)root;
	(void)max;
	if (file->transaction != 0)
		return ml_tool_whole_file(file, len, true, "pop runs each migration in a transaction", out);
	/* popx runs an .autocommit. file as one query: several statements
	 * still form one implicit transaction. */
	if (ml_tool_statement_count(arena, text, len, 2) > 1)
		ml_tool_whole_file(file, len, true,
				   ".autocommit. in the name, but popx sends the file as one query: PostgreSQL runs "
				   "its statements as one implicit transaction",
				   out);
	else
		ml_tool_whole_file(file, len, false, file->transaction_why, out);
	out->one_query = true;
	return 1;
}

const ml_tool ml_tool_pop_preset = {
	.name = "pop",
	.summary = "pop/popx: VERSION_name[.postgres][.autocommit].up.sql / .down.sql, other dialects skipped",
	.depth = 1,
	.detect = detect,
	.open_root = open_root,
	.classify = classify,
	.sections = sections,
	.in_transaction_default = 1,
	.downs = ML_DOWNS_EXPECTED,
	.out_of_order = "pop runs every up migration missing from its schema_migration table, so an older one runs "
			"after the newer ones already applied",
};
