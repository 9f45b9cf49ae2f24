/*
 * tool_flyway.c - Flyway (Redgate): V<version>__<description>.sql versioned
 * migrations in the order of their versions (numbers as numbers, '_' a
 * '.'), U<version>__ undo migrations (the down of that version), then
 * R__<description>.sql repeatable migrations ordered by description.
 * Flyway scans its locations recursively. SQL callbacks (beforeMigrate.sql,
 * afterEachMigrate__x.sql ...) and baseline migrations (B<version>__) are
 * skipped. A migration runs in a transaction unless its script config
 * (V1__x.sql.conf) says executeInTransaction=false; without that, Flyway's
 * PostgreSQL parser runs it outside a transaction when one of its
 * statements cannot run in one (CREATE/DROP [UNIQUE] INDEX CONCURRENTLY,
 * CREATE/DROP DATABASE, TABLESPACE or SUBSCRIPTION, ALTER SYSTEM, REINDEX
 * [VERBOSE] SCHEMA/DATABASE/SYSTEM, VACUUM, DISCARD ALL; ALTER TYPE ... ADD
 * VALUE only before PostgreSQL 12, not followed here); and the project
 * config (flyway.conf flyway.executeInTransaction, flyway.toml
 * executeInTransaction) can turn transactions off for all.
 *
 * Undo migrations are a paid-edition feature, so a down is expected only
 * where the project writes them. A new version below the newest applied
 * one is "ignored": migrate's validation (validateOnMigrate, on by
 * default) fails on it unless the project config sets outOfOrder=true
 * (applied late) or an ignoreMigrationPatterns entry such as *:ignored
 * (passed over). These are read from flyway.toml or, without one,
 * flyway.conf, beside the migrations, above them or in conf/ there;
 * settings given on the command line or in FLYWAY_* variables are out of
 * sight here.
 * Sources: https://documentation.red-gate.com/fd/migrations-184127470.html,
 * https://documentation.red-gate.com/fd/callbacks-275218509.html,
 * https://documentation.red-gate.com/fd/flyway-execute-in-transaction-setting-277578997.html,
 * https://documentation.red-gate.com/fd/script-configuration-195718301.html,
 * flyway-database-postgresql PostgreSQLParser.java (detectCanExecuteInTransaction),
 * https://documentation.red-gate.com/fd/reference/configuration/flyway-namespace/flyway-out-of-order-setting,
 * https://documentation.red-gate.com/fd/validate-277578898.html,
 * https://documentation.red-gate.com/fd/reference/configuration/flyway-namespace/flyway-ignore-migration-patterns-setting,
 * https://documentation.red-gate.com/fd/undo-277578896.html,
 * https://documentation.red-gate.com/flyway/reference/configuration-precedence; docs/tools.md.
 */
#include <string.h>
#include <strings.h>

#include "split.h"
#include "tool.h"

typedef struct flyway_root {
	bool project_no_tx;       /* the project config turns transactions off */
	const char *project_why;
	bool out_of_order_fails;  /* migrate refuses a new version below the newest applied one */
} flyway_root;

/* Is name prefix + version + "__" + description + ".sql"? Returns the
 * version's length (0: not so). A version is digits with '.' or '_'
 * between them. */
static size_t versioned(const char *name, char prefix)
{
	if (name[0] != prefix || !ml_tool_ends_with(name, ".sql"))
		return 0;
	const char *sep = strstr(name + 1, "__");
	if (!sep || sep == name + 1 || !(name[1] >= '0' && name[1] <= '9'))
		return 0;
	for (const char *p = name + 1; p < sep; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == '_'))
			return 0;
	return (size_t)(sep - name - 1);
}

/* Is name a SQL callback: an event (beforeMigrate, afterEachMigrateError,
 * createSchema ...) then ".sql" or "__description.sql"? */
static bool is_callback(const char *name)
{
	size_t word;
	if (!strncmp(name, "before", 6))
		word = 6;
	else if (!strncmp(name, "after", 5))
		word = 5;
	else if (!strncmp(name, "createSchema", 12))
		return name[12] == '.' || (name[12] == '_' && name[13] == '_');
	else
		return false;
	if (!(name[word] >= 'A' && name[word] <= 'Z'))
		return false;
	while ((name[word] >= 'a' && name[word] <= 'z') || (name[word] >= 'A' && name[word] <= 'Z'))
		word++;
	return !strcmp(name + word, ".sql") || (name[word] == '_' && name[word + 1] == '_');
}

/* The value of key in a config's text (key=value or key = value at a
 * line's start), or NULL. */
static const char *config_value(ml_arena *arena, const char *text, const char *key)
{
	size_t n = strlen(key), len = strlen(text), at = 0;
	while ((at = ml_tool_find_line(text, len, at, key)) != (size_t)-1) {
		const char *v = text + at;
		while (*v == ' ' || *v == '\t')
			v++;
		v += n;
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v == '=') {
			v++;
			while (*v == ' ' || *v == '\t' || *v == '"')
				v++;
			size_t l = 0;
			while (v[l] && v[l] != '\n' && v[l] != '\r' && v[l] != ' ' && v[l] != '\t' && v[l] != '"' &&
			       v[l] != '#')
				l++;
			return ml_arena_strndup(arena, v, l);
		}
		at++;
	}
	return NULL;
}

static int detect(const ml_tool_dir *dir, const char **why)
{
	bool migrations = false, conf = false;
	for (size_t i = 0; i < dir->n_files; i++) {
		const char *f = dir->files[i];
		if (versioned(f, 'V') || (!strncmp(f, "R__", 3) && ml_tool_ends_with(f, ".sql")))
			migrations = true;
		else if (ml_tool_ends_with(f, ".sql.conf") && (f[0] == 'V' || f[0] == 'R' || f[0] == 'U'))
			conf = true;
	}
	if (!migrations)
		return 0;
	static const char *const PROJECT[] = { "flyway.conf", "flyway.toml" };
	for (size_t p = 0; p < 2; p++) {
		for (size_t i = 0; i < dir->n_files; i++)
			if (!strcmp(dir->files[i], PROJECT[p]))
				conf = true;
		if (ml_tool_dir_parent_has(dir, PROJECT[p])) {
			*why = "V<version>__<description>.sql files, and a Flyway config beside the folder";
			return 95;
		}
	}
	if (conf) {
		*why = "V<version>__<description>.sql files with Flyway config files";
		return 90;
	}
	*why = "files named V<version>__<description>.sql";
	return 70;
}

/* The project config files, nearest to the migrations first: Flyway reads
 * its working directory's before its installation's conf/, the nearer one
 * taking precedence, so the first of these that sets a key decides it. In
 * one folder flyway.toml comes before flyway.conf, and Flyway reads only
 * one format: with a flyway.toml around, the .conf files are not read.
 * flyway.user.toml (a developer's own, kept out of version control) is
 * not read: the deploy does not have it. */
static const struct {
	const char *path;
	bool toml;
	const char *no_tx_why; /* the section's why when it turns transactions off */
} PROJECT_CONFIGS[] = {
	{ "flyway.toml", true, "flyway.toml: executeInTransaction = false" },
	{ "flyway.conf", false, "flyway.conf: flyway.executeInTransaction=false" },
	{ "../flyway.toml", true, "flyway.toml: executeInTransaction = false" },
	{ "../flyway.conf", false, "flyway.conf: flyway.executeInTransaction=false" },
	{ "../conf/flyway.toml", true, "conf/flyway.toml: executeInTransaction = false" },
	{ "../conf/flyway.conf", false, "conf/flyway.conf: flyway.executeInTransaction=false" },
};
#define N_PROJECT_CONFIGS (sizeof(PROJECT_CONFIGS) / sizeof(*PROJECT_CONFIGS))

/* Does text[0, len) start with word, followed by neither a letter nor a
 * digit? Returns the length matched, 0 when not. */
static size_t starts_with_word(const char *text, size_t len, const char *word)
{
	size_t n = strlen(word);
	if (n > len || strncmp(text, word, n))
		return 0;
	if (n < len && ((text[n] >= 'a' && text[n] <= 'z') || (text[n] >= 'A' && text[n] <= 'Z') ||
			(text[n] >= '0' && text[n] <= '9') || text[n] == '_' || text[n] == '.'))
		return 0;
	return n;
}

/* Does the line from start to end end in a backslash (before a '\r')? */
static bool continued(const char *start, const char *end)
{
	if (end > start && end[-1] == '\r')
		end--;
	return end > start && end[-1] == '\\';
}

/* The value of the Flyway setting key in a project config's text, or NULL
 * when the file does not set it. flyway.conf: a line "flyway.<key>=value"
 * (or ':'). flyway.toml: "<key> = value" in the [flyway] table, or
 * "flyway.<key> = value" before the first table; an [environments.*]
 * table's settings are not read, since which environment deploys is not
 * known here. The value is the rest of the line (a TOML array running to
 * its ']', a .conf value on over lines ending in a backslash), without a TOML
 * comment, trimmed; in arena. */
static const char *project_setting(ml_arena *arena, const char *text, bool toml, const char *key)
{
	const char *flyway_key = ml_arena_printf(arena, "flyway.%s", key);
	bool at_root = true, in_flyway = false;
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		const char *next = *end ? end + 1 : end;
		const char *p = line;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (toml && p < end && *p == '[') {
			/* A table header: [flyway], [ flyway ], [environments.dev]. */
			const char *name = p + 1, *close = memchr(name, ']', (size_t)(end - name));
			while (name < end && (*name == ' ' || *name == '\t'))
				name++;
			size_t n = close ? (size_t)(close - name) : 0;
			while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
				n--;
			at_root = false;
			in_flyway = n == 6 && !strncmp(name, "flyway", 6);
			line = next;
			continue;
		}
		size_t matched = 0;
		if (!toml || at_root)
			matched = starts_with_word(p, (size_t)(end - p), flyway_key);
		else if (in_flyway)
			matched = starts_with_word(p, (size_t)(end - p), key);
		if (!matched) {
			line = next;
			continue;
		}
		p += matched;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end || !(*p == '=' || (!toml && *p == ':'))) {
			line = next;
			continue;
		}
		p++;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (toml && p < end && *p == '[' && !memchr(p, ']', (size_t)(end - p))) {
			const char *close = strchr(end, ']');
			end = close ? close + 1 : end + strlen(end);
		}
		/* A .conf value goes on over lines that end in a backslash. */
		while (!toml && *end && continued(p, end)) {
			const char *more = strchr(end + 1, '\n');
			end = more ? more : end + 1 + strlen(end + 1);
		}
		const char *v = p;
		if (toml) {
			/* A '#' outside a string starts a comment. */
			char quote = 0;
			for (const char *c = v; c < end; c++) {
				if (quote) {
					quote = *c == quote ? 0 : quote;
				} else if (*c == '"' || *c == '\'') {
					quote = *c;
				} else if (*c == '#') {
					end = c;
					break;
				}
			}
		}
		while (end > v && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			end--;
		return ml_arena_strndup(arena, v, (size_t)(end - v));
	}
	return NULL;
}

/* Is the setting value v (possibly quoted) the boolean b? Flyway reads
 * booleans without regard to case. */
static bool is_bool(const char *v, const char *b)
{
	if (!v)
		return false;
	size_t n = strlen(v);
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v++;
		n -= 2;
	}
	return n == strlen(b) && !strncasecmp(v, b, n);
}

static bool is_false(const char *v)
{
	return is_bool(v, "false");
}

/* Do the ignoreMigrationPatterns (a list such as "*:future,versioned:ignored"
 * or ["*:future", "*:ignored"]) let validate pass an ignored versioned
 * migration: a version below the newest applied one? */
static bool ignores_ignored(const char *patterns)
{
	for (const char *p = patterns; p && *p;) {
		size_t n = strcspn(p, " \t\r\n,[]\"'\\");
		if (!n) {
			p++;
			continue;
		}
		const char *colon = memchr(p, ':', n);
		if (colon) {
			size_t type = (size_t)(colon - p), status = n - type - 1;
			bool type_ok = (type == 1 && *p == '*') || (type == 9 && !strncasecmp(p, "versioned", 9));
			bool status_ok = (status == 1 && colon[1] == '*') ||
					 (status == 7 && !strncasecmp(colon + 1, "ignored", 7));
			if (type_ok && status_ok)
				return true;
		}
		p += n;
	}
	return false;
}

static void open_root(ml_arena *arena, ml_tool_root *root)
{
	const char *texts[N_PROJECT_CONFIGS];
	for (size_t i = 0; i < N_PROJECT_CONFIGS; i++)
		texts[i] = ml_tool_read_head(arena, ml_arena_printf(arena, "%s/%s", root->path, PROJECT_CONFIGS[i].path),
					     65536);
	bool toml = false;
	for (size_t i = 0; i < N_PROJECT_CONFIGS; i++)
		toml |= texts[i] && PROJECT_CONFIGS[i].toml;
	static const char *const KEYS[] = { "executeInTransaction", "outOfOrder", "validateOnMigrate",
					    "ignoreMigrationPatterns" };
	const char *value[4] = { 0 };
	size_t from[4] = { 0 };
	for (size_t k = 0; k < 4; k++)
		for (size_t i = 0; i < N_PROJECT_CONFIGS && !value[k]; i++)
			if (texts[i] && PROJECT_CONFIGS[i].toml == toml &&
			    (value[k] = project_setting(arena, texts[i], toml, KEYS[k])))
				from[k] = i;

	flyway_root *data = ml_arena_alloc(arena, sizeof(*data));
	memset(data, 0, sizeof(*data));
	if (is_false(value[0])) {
		data->project_no_tx = true;
		data->project_why = PROJECT_CONFIGS[from[0]].no_tx_why;
	}
	/* Validation on migrate (on unless validateOnMigrate=false) fails on
	 * an ignored migration unless outOfOrder=true applies it or an
	 * ignoreMigrationPatterns entry lets it pass. */
	data->out_of_order_fails =
		!is_false(value[2]) && !is_bool(value[1], "true") && !ignores_ignored(value[3]);
	root->data = data;
}

/* Does Flyway's migrate refuse a new version below the newest applied one,
 * given the project config? */
static bool out_of_order_fails(const ml_tool_root *root)
{
	const flyway_root *data = root ? root->data : NULL;
	return !data || data->out_of_order_fails;
}

static void classify(ml_arena *arena, const ml_tool_root *root, const char *relpath, ml_migration_file *out)
{
	const char *name = ml_tool_base_name(relpath);
	size_t v;
	if ((v = versioned(name, 'V'))) {
		out->version = ml_arena_strndup(arena, name + 1, v);
	} else if ((v = versioned(name, 'U'))) {
		out->version = ml_arena_strndup(arena, name + 1, v);
		out->direction = ML_DIRECTION_DOWN;
	} else if (!strncmp(name, "R__", 3) && ml_tool_ends_with(name, ".sql")) {
		out->group = 1;
		out->name = ml_arena_strndup(arena, name + 3, strlen(name) - 3 - 4);
	} else {
		out->kind = ML_FILE_SKIPPED;
		if (versioned(name, 'B'))
			out->skip = "a Flyway baseline migration: Flyway runs it only on an empty database, instead of "
				    "the versioned migrations up to its version";
		else if (is_callback(name))
			out->skip = "a Flyway callback: Flyway runs it around its commands, not as a migration";
		else
			out->skip = "not a Flyway migration: Flyway runs V<version>__<description>.sql, "
				    "U<version>__ (undo) and R__<description>.sql";
		return;
	}
	const char *conf = ml_tool_read_head(arena, ml_arena_printf(arena, "%s/%s.conf", root->path, relpath), 16384);
	const char *value = conf ? config_value(arena, conf, "executeInTransaction") : NULL;
	if (value && (!strcmp(value, "false") || !strcmp(value, "true"))) {
		out->transaction = !strcmp(value, "true");
		out->transaction_why = out->transaction ? "its .sql.conf: executeInTransaction=true"
							: "its .sql.conf: executeInTransaction=false";
	}
}

#define WORD_MAX 32

/* The offset of the first character of text[at, end) that is neither a
 * blank nor inside a comment. */
static size_t skip_blanks(const char *text, size_t at, size_t end)
{
	while (at < end) {
		char c = text[at];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
			at++;
		} else if (c == '-' && at + 1 < end && text[at + 1] == '-') {
			const char *nl = memchr(text + at, '\n', end - at);
			at = nl ? (size_t)(nl - text) + 1 : end;
		} else if (c == '/' && at + 1 < end && text[at + 1] == '*') {
			size_t depth = 1;
			at += 2;
			while (at < end && depth) {
				if (text[at] == '/' && at + 1 < end && text[at + 1] == '*') {
					depth++;
					at += 2;
				} else if (text[at] == '*' && at + 1 < end && text[at + 1] == '/') {
					depth--;
					at += 2;
				} else {
					at++;
				}
			}
		} else {
			break;
		}
	}
	return at;
}

/* The first max keywords of the statement text[start, end) upper-cased in
 * words, as Flyway's parser reads them: comments between them skipped; a
 * quote, a parenthesis or any other sign ends them. Returns how many. */
static size_t first_words(const char *text, size_t start, size_t end, char words[][WORD_MAX], size_t max)
{
	size_t n = 0, at = start;
	while (n < max) {
		at = skip_blanks(text, at, end);
		size_t w = 0;
		while (at < end && ((text[at] >= 'a' && text[at] <= 'z') || (text[at] >= 'A' && text[at] <= 'Z') ||
				    (text[at] >= '0' && text[at] <= '9') || text[at] == '_')) {
			char c = text[at++];
			if (w + 1 < WORD_MAX)
				words[n][w++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
		}
		if (!w)
			break;
		words[n++][w] = '\0';
	}
	return n;
}

/* Can the statement text[start, end) not run in a transaction, as Flyway's
 * PostgreSQL parser sees it? */
static bool non_transactional(const char *text, size_t start, size_t end)
{
	char w[4][WORD_MAX];
	size_t n = first_words(text, start, end, w, 4);
	if (!n)
		return false;
	if (!strcmp(w[0], "VACUUM"))
		return true;
	if (n < 2)
		return false;
	if (!strcmp(w[0], "ALTER") && !strcmp(w[1], "SYSTEM"))
		return true;
	if (!strcmp(w[0], "DISCARD") && !strcmp(w[1], "ALL"))
		return true;
	if (!strcmp(w[0], "CREATE") || !strcmp(w[0], "DROP")) {
		if (!strcmp(w[1], "DATABASE") || !strcmp(w[1], "TABLESPACE") || !strcmp(w[1], "SUBSCRIPTION"))
			return true;
		size_t i = !strcmp(w[1], "UNIQUE") ? 2 : 1;
		return n > i + 1 && !strcmp(w[i], "INDEX") && !strcmp(w[i + 1], "CONCURRENTLY");
	}
	if (!strcmp(w[0], "REINDEX")) {
		size_t i = !strcmp(w[1], "VERBOSE") ? 2 : 1;
		return n > i && (!strcmp(w[i], "SCHEMA") || !strcmp(w[i], "DATABASE") || !strcmp(w[i], "SYSTEM"));
	}
	return false;
}

static size_t sections(ml_arena *arena, const ml_tool_root *root, const ml_migration_file *file, const char *text,
		       size_t len, ml_section *out, size_t max)
{
	(void)max;
	if (file->transaction >= 0)
		return ml_tool_whole_file(file, len, file->transaction == 1, file->transaction_why, out);
	ml_chunk_list chunks = { 0 };
	ml_split(arena, text, len, &chunks);
	size_t outside = 0, inside = 0;
	for (size_t i = 0; i < chunks.len; i++) {
		const ml_chunk *c = &chunks.items[i];
		if (c->kind != ML_CHUNK_STATEMENT || c->end <= c->start)
			continue;
		if (non_transactional(text, c->start, c->end))
			outside++;
		else
			inside++;
	}
	if (outside && inside)
		return ml_tool_whole_file(file, len, false,
					  "it holds statements that cannot run in a transaction (such as CREATE INDEX "
					  "CONCURRENTLY) and others: Flyway runs it outside a transaction with "
					  "mixed=true, and refuses it without",
					  out);
	if (outside)
		return ml_tool_whole_file(file, len, false,
					  "its statements cannot run in a transaction (such as CREATE INDEX "
					  "CONCURRENTLY): Flyway runs it outside one",
					  out);
	const flyway_root *data = root->data;
	if (data && data->project_no_tx)
		return ml_tool_whole_file(file, len, false, data->project_why, out);
	return ml_tool_whole_file(file, len, true, "Flyway runs each migration in a transaction", out);
}

const ml_tool ml_tool_flyway_preset = {
	.name = "flyway",
	.summary = "Flyway: V<version>__x.sql, U<version>__ undo, R__ repeatable last; executeInTransaction, "
		   "CONCURRENTLY detected",
	.depth = 1,
	.detect = detect,
	.open_root = open_root,
	.classify = classify,
	.sections = sections,
	.in_transaction_default = 1,
	.downs = ML_DOWNS_WHEN_USED,
	.out_of_order = "Flyway ignores a version below the newest applied one: migrate's validation fails on it "
			"(\"Detected resolved migration not applied to database\") unless outOfOrder=true, which applies "
			"it after the newer ones, and with validation off or an *:ignored pattern it never runs",
	.out_of_order_fails = out_of_order_fails,
};
