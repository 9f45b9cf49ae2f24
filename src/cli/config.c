/*
 * config.c - the .migralint.json configuration file: finding it, and loading
 * it with strict validation: every unknown key, wrong type or unknown rule
 * is an error naming the key path, with the likely meant name when one is
 * close. Reading the JSON is config_json.c's; applying the loaded file to a
 * path's options is config_apply.c's.
 */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "current_dir.h"
#include "migralint/migralint.h"
#include "rule_set.h"
#include "migralint/config.h"
#include "config_file.h"
#include "config_json.h"
#include "glob.h"

/* ---- finding the file ---- */

static bool is_file(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

char *ml_config_discover(const char *start_dir)
{
	if (!start_dir || !*start_dir)
		start_dir = ".";
	char *here = strcmp(start_dir, ".") ? ml_path_join(start_dir, ML_CONFIG_FILE_NAME) : strdup(ML_CONFIG_FILE_NAME);
	if (!here)
		return NULL;
	if (is_file(here))
		return here;
	free(here);
	char *dir = realpath(start_dir, NULL);
	if (!dir)
		return NULL;
	for (;;) {
		char *candidate = ml_path_join(strcmp(dir, "/") ? dir : "", ML_CONFIG_FILE_NAME);
		if (!candidate || is_file(candidate)) {
			free(dir);
			return candidate;
		}
		free(candidate);
		if (!strcmp(dir, "/"))
			break;
		char *up = ml_path_parent(dir);
		free(dir);
		if (!(dir = up))
			return NULL;
	}
	free(dir);
	return NULL;
}

/* ---- loading ---- */

typedef struct loader {
	const char *path;
	char *err;
	size_t err_len;
	bool failed;
} loader;

static void fail(loader *ld, const char *key, const char *fmt, ...)
{
	if (ld->failed)
		return;
	ld->failed = true;
	if (!ld->err || !ld->err_len)
		return;
	int n = key ? snprintf(ld->err, ld->err_len, "%s: \"%s\": ", ld->path, key)
		    : snprintf(ld->err, ld->err_len, "%s: ", ld->path);
	if (n < 0 || (size_t)n >= ld->err_len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ld->err + n, ld->err_len - (size_t)n, fmt, ap);
	va_end(ap);
}

static void fail_oom(loader *ld)
{
	fail(ld, NULL, "out of memory");
}

static const char *type_name(const cJSON *v)
{
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	return "null";
}

/* key path + "." + name, or + "[i]"; into buf. */
static const char *child_key(char *buf, size_t len, const char *parent, const char *name)
{
	/* A path longer than buf is cut: it is only shown in messages. */
	int n = parent && *parent ? snprintf(buf, len, "%s.%s", parent, name) : snprintf(buf, len, "%s", name);
	if (n < 0)
		buf[0] = '\0';
	return buf;
}

static const char *index_key(char *buf, size_t len, const char *parent, int i)
{
	snprintf(buf, len, "%s[%d]", parent, i);
	return buf;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return (size_t)-1;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The candidate closest to name when it is close enough to be a typo. */
static const char *closest(const char *name, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = strlen(name) / 3 + 1;
	if (best_d < 2)
		best_d = 2;
	best_d++;
	for (size_t i = 0; i < n; i++) {
		if (!candidates[i])
			continue;
		size_t d = edit_distance(name, candidates[i]);
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best;
}

static void fail_unknown_rule(loader *ld, const char *key, const char *name)
{
	size_t n = ml_rule_count();
	const char **names = calloc(n * 2 + 1, sizeof(*names));
	const char *hint = NULL;
	if (names) {
		for (size_t i = 0; i < n; i++) {
			names[2 * i] = ml_rule_at(i)->name;
			names[2 * i + 1] = ml_rule_at(i)->alias;
		}
		hint = closest(name, names, n * 2);
	}
	if (hint)
		fail(ld, key, "unknown rule (did you mean \"%s\"? see migralint --list-rules)", hint);
	else
		fail(ld, key, "unknown rule (see migralint --list-rules)");
	free(names);
}

static void fail_unknown_key(loader *ld, const char *key, const char *name, const char *const *allowed,
			     size_t n_allowed)
{
	char list[512] = "";
	size_t used = 0;
	for (size_t i = 0; i < n_allowed && used < sizeof(list); i++) {
		int w = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", allowed[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	const char *hint = closest(name, allowed, n_allowed);
	if (hint)
		fail(ld, key, "unknown key (did you mean \"%s\"? allowed: %s)", hint, list);
	else
		fail(ld, key, "unknown key (allowed: %s)", list);
}

/* Reports a key given twice in one object; cJSON keeps both. */
static bool check_duplicates(loader *ld, const cJSON *object, const char *parent)
{
	for (const cJSON *a = object->child; a; a = a->next)
		for (const cJSON *b = a->next; b; b = b->next)
			if (!strcmp(a->string, b->string)) {
				char key[512];
				fail(ld, child_key(key, sizeof(key), parent, b->string), "duplicate key");
				return false;
			}
	return true;
}

static bool load_pg_version(loader *ld, const cJSON *v, const char *key, ml_config_layer *l)
{
	char text[64];
	if (cJSON_IsString(v)) {
		snprintf(text, sizeof(text), "%s", v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		snprintf(text, sizeof(text), "%.15g", v->valuedouble);
	} else {
		fail(ld, key, "expected a string such as \"13.4\" or a number, got %s", type_name(v));
		return false;
	}
	ml_options scratch;
	ml_options_init(&scratch);
	if (ml_options_set_pg_version(&scratch, text) != 0 ||
	    (cJSON_IsString(v) && strlen(v->valuestring) >= sizeof(text))) {
		fail(ld, key, "bad PostgreSQL version \"%s\" (expected \"N\" or \"N.M\", e.g. \"11\" or \"13.4\")",
		     cJSON_IsString(v) ? v->valuestring : text);
		return false;
	}
	l->has_pg_version = true;
	l->pg_major = scratch.pg_major;
	l->pg_minor = scratch.pg_minor;
	return true;
}

static bool load_severity_name(loader *ld, const cJSON *v, const char *key, ml_severity *out)
{
	if (!cJSON_IsString(v)) {
		fail(ld, key, "expected \"error\", \"warning\" or \"info\", got %s", type_name(v));
		return false;
	}
	if (ml_severity_parse(v->valuestring, out) != 0) {
		fail(ld, key, "bad severity \"%s\" (expected \"error\", \"warning\" or \"info\")", v->valuestring);
		return false;
	}
	return true;
}

static bool expect_object(loader *ld, const cJSON *v, const char *key)
{
	if (cJSON_IsObject(v))
		return check_duplicates(ld, v, key);
	fail(ld, key, "expected an object, got %s", type_name(v));
	return false;
}

/* Looks the rule key up; also rejects one rule named twice (by id and
 * alias) in the same object. */
static int rule_key(loader *ld, const cJSON *object, const cJSON *item, const char *key)
{
	const ml_rule_info *rule = ml_rule_find(item->string);
	if (!rule) {
		fail_unknown_rule(ld, key, item->string);
		return -1;
	}
	for (const cJSON *prev = object->child; prev != item; prev = prev->next)
		if (ml_rule_find(prev->string) == rule) {
			fail(ld, key, "names the same rule as \"%s\"", prev->string);
			return -1;
		}
	return ml_rule_index(rule);
}

static bool load_rules(loader *ld, const cJSON *v, const char *parent, ml_config_layer *l)
{
	char key[512];
	child_key(key, sizeof(key), parent, "rules");
	if (!expect_object(ld, v, key))
		return false;
	size_t n = (size_t)cJSON_GetArraySize(v);
	l->rules = calloc(n ? n : 1, sizeof(*l->rules));
	if (!l->rules) {
		fail_oom(ld);
		return false;
	}
	for (const cJSON *item = v->child; item; item = item->next) {
		char item_key[600];
		child_key(item_key, sizeof(item_key), key, item->string);
		int index = rule_key(ld, v, item, item_key);
		if (index < 0)
			return false;
		bool on;
		if (cJSON_IsBool(item)) {
			on = cJSON_IsTrue(item);
		} else if (cJSON_IsString(item) && (!strcmp(item->valuestring, "on") || !strcmp(item->valuestring, "off"))) {
			on = !strcmp(item->valuestring, "on");
		} else {
			if (cJSON_IsString(item))
				fail(ld, item_key, "bad value \"%s\" (expected true, false, \"on\" or \"off\")",
				     item->valuestring);
			else
				fail(ld, item_key, "expected true, false, \"on\" or \"off\", got %s", type_name(item));
			return false;
		}
		l->rules[l->n_rules++] = (ml_rule_change){ .rule = (size_t)index, .kind = on ? ML_RULE_ON : ML_RULE_OFF };
	}
	return true;
}

static bool load_severities(loader *ld, const cJSON *v, const char *parent, ml_config_layer *l)
{
	char key[512];
	child_key(key, sizeof(key), parent, "severity");
	if (!expect_object(ld, v, key))
		return false;
	size_t n = (size_t)cJSON_GetArraySize(v);
	l->severities = calloc(n ? n : 1, sizeof(*l->severities));
	if (!l->severities) {
		fail_oom(ld);
		return false;
	}
	for (const cJSON *item = v->child; item; item = item->next) {
		char item_key[600];
		child_key(item_key, sizeof(item_key), key, item->string);
		int index = rule_key(ld, v, item, item_key);
		if (index < 0)
			return false;
		ml_severity severity;
		if (!load_severity_name(ld, item, item_key, &severity))
			return false;
		l->severities[l->n_severities++] =
			(ml_rule_change){ .rule = (size_t)index, .kind = ML_RULE_SEVERITY, .severity = severity };
	}
	return true;
}

/* An array of globs into a NULL-terminated malloc'd list. */
static bool load_globs(loader *ld, const cJSON *v, const char *key, char ***out)
{
	if (!cJSON_IsArray(v)) {
		fail(ld, key, "expected an array of path globs, got %s", type_name(v));
		return false;
	}
	int n = cJSON_GetArraySize(v);
	char **globs = calloc((size_t)n + 1, sizeof(*globs));
	if (!globs) {
		fail_oom(ld);
		return false;
	}
	*out = globs;
	int i = 0;
	for (const cJSON *item = v->child; item; item = item->next, i++) {
		char item_key[600];
		index_key(item_key, sizeof(item_key), key, i);
		if (!cJSON_IsString(item)) {
			fail(ld, item_key, "expected a path glob (a string), got %s", type_name(item));
			return false;
		}
		char *glob = ml_glob_normalize(item->valuestring);
		if (!glob) {
			fail_oom(ld);
			return false;
		}
		globs[i] = glob;
		const char *problem = ml_glob_problem(glob);
		if (problem) {
			fail(ld, item_key, "%s", problem);
			return false;
		}
	}
	return true;
}

/* A non-empty string, copied into *out. */
static bool load_string(loader *ld, const cJSON *v, const char *key, const char *what, char **out)
{
	if (!cJSON_IsString(v) || !*v->valuestring) {
		fail(ld, key, "expected %s (a non-empty string), got %s", what,
		     cJSON_IsString(v) ? "an empty string" : type_name(v));
		return false;
	}
	if (!(*out = strdup(v->valuestring))) {
		fail_oom(ld);
		return false;
	}
	return true;
}

/* path as the file at dir names it: a relative one taken from dir.
 * malloc'd, or NULL when memory runs out. */
static char *from_dir(const char *dir, const char *path)
{
	size_t len = (dir ? strlen(dir) : 0) + strlen(path) + 2;
	char *out = malloc(len);
	if (!out)
		return NULL;
	if (path[0] == '/' || !dir || !strcmp(dir, "."))
		snprintf(out, len, "%s", path);
	else
		snprintf(out, len, "%s/%s", dir, path);
	return out;
}

/* "context" or "references"."paths": an array of paths; a relative one is
 * taken from dir (the configuration file's directory), as the file names
 * it. */
static bool load_paths(loader *ld, const cJSON *v, const char *key, const char *dir, char ***out)
{
	if (!cJSON_IsArray(v)) {
		fail(ld, key, "expected an array of paths, got %s", type_name(v));
		return false;
	}
	int n = cJSON_GetArraySize(v);
	char **paths = calloc((size_t)n + 1, sizeof(*paths));
	if (!paths) {
		fail_oom(ld);
		return false;
	}
	*out = paths;
	int i = 0;
	for (const cJSON *item = v->child; item; item = item->next, i++) {
		char item_key[600];
		index_key(item_key, sizeof(item_key), key, i);
		if (!cJSON_IsString(item) || !*item->valuestring) {
			fail(ld, item_key, "expected a path (a non-empty string), got %s",
			     cJSON_IsString(item) ? "an empty string" : type_name(item));
			return false;
		}
		if (!(paths[i] = from_dir(dir, item->valuestring))) {
			fail_oom(ld);
			return false;
		}
	}
	return true;
}

/* A size: a string in ml_size_parse's syntax ("64M"), or a whole number of
 * bytes. */
static bool load_size(loader *ld, const cJSON *v, const char *key, size_t *out)
{
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d >= 1 && d <= 9007199254740992.0 && d == (double)(unsigned long long)d &&
		    (unsigned long long)d <= SIZE_MAX) {
			*out = (size_t)d;
			return true;
		}
		fail(ld, key, "bad size %.17g (expected a whole number of bytes from 1, or a string such as \"64M\")", d);
		return false;
	}
	if (!cJSON_IsString(v)) {
		fail(ld, key, "expected a size such as \"64M\" or a number of bytes, got %s", type_name(v));
		return false;
	}
	if (ml_size_parse(v->valuestring, out) != 0) {
		fail(ld, key,
		     "bad size \"%s\" (expected a number of bytes, or a number and K, M or G: \"512K\", \"64M\", \"1G\")",
		     v->valuestring);
		return false;
	}
	return true;
}

static bool load_bool(loader *ld, const cJSON *v, const char *key, bool *out)
{
	if (!cJSON_IsBool(v)) {
		fail(ld, key, "expected true or false, got %s", type_name(v));
		return false;
	}
	*out = cJSON_IsTrue(v);
	return true;
}

static const char *const TOP_KEYS[] = {
	"pg_version", "assume_in_transaction", "fail_on", "rules", "severity", "exclude", "doc_base_url",
	"max_input_size", "overrides", "require_reasons", "tool", "down", "since", "base", "context", "references",
	"stats", "table_size",
};
static const char *const REFERENCES_KEYS[] = { "paths", "exclude" };
static const char *const TABLE_SIZE_KEYS[] = { "small_rows", "large_rows" };

/* A row count of "table_size": a whole number from 1. */
static bool load_rows(loader *ld, const cJSON *v, const char *key, long long *out)
{
	if (!cJSON_IsNumber(v)) {
		fail(ld, key, "expected a whole number of rows from 1, got %s", type_name(v));
		return false;
	}
	double d = v->valuedouble;
	if (!(d >= 1 && d <= 9007199254740992.0) || d != (double)(long long)d) {
		fail(ld, key, "bad row count %.17g (expected a whole number from 1)", d);
		return false;
	}
	*out = (long long)d;
	return true;
}

/* "table_size": {"small_rows": N, "large_rows": N}, the thresholds the
 * --stats sizes are measured against: below small_rows a table is small,
 * from large_rows on it is large, so small_rows may not exceed large_rows
 * (either one's default counting when only the other is given). */
static bool load_table_size(loader *ld, const cJSON *v, const char *key, ml_config *cfg)
{
	if (!expect_object(ld, v, key))
		return false;
	for (const cJSON *item = v->child; item; item = item->next) {
		char item_key[600];
		child_key(item_key, sizeof(item_key), key, item->string);
		bool ok;
		if (!strcmp(item->string, "small_rows")) {
			ok = load_rows(ld, item, item_key, &cfg->small_rows);
		} else if (!strcmp(item->string, "large_rows")) {
			ok = load_rows(ld, item, item_key, &cfg->large_rows);
		} else {
			fail_unknown_key(ld, item_key, item->string, TABLE_SIZE_KEYS,
					 sizeof(TABLE_SIZE_KEYS) / sizeof(*TABLE_SIZE_KEYS));
			ok = false;
		}
		if (!ok)
			return false;
	}
	long long small = cfg->small_rows ? cfg->small_rows : ML_DEFAULT_SMALL_ROWS;
	long long large = cfg->large_rows ? cfg->large_rows : ML_DEFAULT_LARGE_ROWS;
	if (small > large) {
		fail(ld, key, "small_rows (%lld%s) is more than large_rows (%lld%s): a table below small_rows is "
			      "small, one of large_rows or more is large",
		     small, cfg->small_rows ? "" : ", the default", large, cfg->large_rows ? "" : ", the default");
		return false;
	}
	return true;
}

/* "references": {"paths": [...], "exclude": [...]}, the application's code
 * scanned for uses of the columns a migration drops or renames. The paths
 * are taken from dir as "context" paths are; the globs are matched below
 * each path, so they stay as written. */
static bool load_references(loader *ld, const cJSON *v, const char *key, const char *dir, ml_config *cfg)
{
	if (!expect_object(ld, v, key))
		return false;
	for (const cJSON *item = v->child; item; item = item->next) {
		char item_key[600];
		child_key(item_key, sizeof(item_key), key, item->string);
		bool ok;
		if (!strcmp(item->string, "paths")) {
			ok = load_paths(ld, item, item_key, dir, &cfg->references);
			/* Reports show where code uses a column as the path named
			 * plus the path below it: from the current directory when
			 * the path lies below it (as a user would write it), else
			 * absolute. */
			for (size_t i = 0; ok && cfg->references[i]; i++) {
				const char *cwd[1] = { cfg->cwd };
				char *abs = ml_path_join(cfg->cwd, cfg->references[i]);
				if (!abs) {
					fail_oom(ld);
					return false;
				}
				if (abs[0] != '/')
					continue; /* no current directory: as the file names it */
				ml_path_normalize(abs);
				char *shown = ml_path_relative(abs, cfg->cwd, cwd, 1);
				if (!shown)
					shown = cfg->cwd && !strcmp(abs, cfg->cwd) ? strdup(".") : strdup(abs);
				free(abs);
				if (!shown) {
					fail_oom(ld);
					return false;
				}
				free(cfg->references[i]);
				cfg->references[i] = shown;
			}
		} else if (!strcmp(item->string, "exclude")) {
			ok = load_globs(ld, item, item_key, &cfg->references_exclude);
		} else {
			fail_unknown_key(ld, item_key, item->string, REFERENCES_KEYS,
					 sizeof(REFERENCES_KEYS) / sizeof(*REFERENCES_KEYS));
			ok = false;
		}
		if (!ok)
			return false;
	}
	return true;
}
static const char *const OVERRIDE_KEYS[] = {
	"files", "pg_version", "assume_in_transaction", "rules", "severity", "require_reasons",
};

static bool load_override(loader *ld, const cJSON *v, const char *key, ml_config_layer *l)
{
	if (!expect_object(ld, v, key))
		return false;
	bool has_files = false;
	for (const cJSON *item = v->child; item; item = item->next) {
		char item_key[600];
		child_key(item_key, sizeof(item_key), key, item->string);
		const char *k = item->string;
		bool ok = true;
		if (!strcmp(k, "files")) {
			has_files = true;
			ok = load_globs(ld, item, item_key, &l->files);
			if (ok && !l->files[0]) {
				fail(ld, item_key, "an override needs at least one glob");
				ok = false;
			}
		} else if (!strcmp(k, "pg_version")) {
			ok = load_pg_version(ld, item, item_key, l);
		} else if (!strcmp(k, "assume_in_transaction")) {
			ok = load_bool(ld, item, item_key, &l->assume_in_transaction);
			l->has_assume_in_transaction = ok;
		} else if (!strcmp(k, "require_reasons")) {
			ok = load_bool(ld, item, item_key, &l->require_reasons);
			l->has_require_reasons = ok;
		} else if (!strcmp(k, "rules")) {
			ok = load_rules(ld, item, key, l);
		} else if (!strcmp(k, "severity")) {
			ok = load_severities(ld, item, key, l);
		} else if (!strcmp(k, "fail_on")) {
			fail(ld, item_key, "not allowed in an override: fail_on decides the exit status of the whole "
					   "run; set it at the top level");
			ok = false;
		} else if (!strcmp(k, "exclude")) {
			fail(ld, item_key, "not allowed in an override: put the globs in the top-level \"exclude\"");
			ok = false;
		} else if (!strcmp(k, "doc_base_url")) {
			fail(ld, item_key, "not allowed in an override: doc_base_url applies to the whole run; set it "
					   "at the top level");
			ok = false;
		} else if (!strcmp(k, "max_input_size")) {
			fail(ld, item_key, "not allowed in an override: max_input_size applies to the whole run; set "
					   "it at the top level");
			ok = false;
		} else if (!strcmp(k, "tool") || !strcmp(k, "down") || !strcmp(k, "since") || !strcmp(k, "base") ||
			   !strcmp(k, "context")) {
			fail(ld, item_key, "not allowed in an override: the history is the whole run's; set it at the "
					   "top level");
			ok = false;
		} else if (!strcmp(k, "references")) {
			fail(ld, item_key, "not allowed in an override: the application's code is scanned once for the "
					   "whole run; set it at the top level");
			ok = false;
		} else if (!strcmp(k, "stats") || !strcmp(k, "table_size")) {
			fail(ld, item_key, "not allowed in an override: the table sizes are the database's, the same "
					   "for every file; set it at the top level");
			ok = false;
		} else if (!strcmp(k, "overrides")) {
			fail(ld, item_key, "not allowed in an override: overrides do not nest");
			ok = false;
		} else {
			fail_unknown_key(ld, item_key, k, OVERRIDE_KEYS, sizeof(OVERRIDE_KEYS) / sizeof(*OVERRIDE_KEYS));
			ok = false;
		}
		if (!ok)
			return false;
	}
	if (!has_files) {
		fail(ld, key, "an override needs \"files\": an array of path globs it applies to");
		return false;
	}
	return true;
}

/* Why url cannot be the base of the rule links, or NULL. It goes into the
 * SARIF report and, as a link, into the pull-request comment, and the
 * configuration may come from the pull request itself: only a plain http(s)
 * URL is taken, with none of the bytes that end a Markdown link or a URL in
 * text (spaces, quotes, brackets, parentheses), nothing outside printable
 * ASCII (control bytes, terminal escapes, look-alike Unicode), and none of
 * the other bytes RFC 3986 leaves out of URLs. The message quotes a byte of
 * url only when it is one of those printable ones (it goes to a terminal),
 * in buf (len bytes). */
static const char *url_problem(const char *url, char *buf, size_t len)
{
	size_t scheme = !strncasecmp(url, "https://", 8) ? 8 : !strncasecmp(url, "http://", 7) ? 7 : 0;
	if (!scheme)
		return "it does not start with http:// or https://";
	if (!url[scheme] || url[scheme] == '/' || url[scheme] == '?' || url[scheme] == '#')
		return "no host after the scheme";
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return "it contains a control character";
		if (*p >= 0x80)
			return "it contains a byte outside ASCII";
		if (*p == ' ')
			return "it contains a space";
		if (strchr("\"'()<>[]{}\\^`|", *p)) {
			snprintf(buf, len, "it contains %c%c%c", *p == '\'' ? '"' : '\'', *p, *p == '\'' ? '"' : '\'');
			return buf;
		}
	}
	return NULL;
}

static bool load_top(loader *ld, ml_config *cfg, const cJSON *root)
{
	if (!cJSON_IsObject(root)) {
		fail(ld, NULL, "the top level must be an object, not %s", type_name(root));
		return false;
	}
	if (!check_duplicates(ld, root, ""))
		return false;
	for (const cJSON *item = root->child; item; item = item->next) {
		const char *k = item->string;
		bool ok = true;
		if (!strcmp(k, "pg_version")) {
			ok = load_pg_version(ld, item, k, &cfg->top);
		} else if (!strcmp(k, "assume_in_transaction")) {
			ok = load_bool(ld, item, k, &cfg->top.assume_in_transaction);
			cfg->top.has_assume_in_transaction = ok;
		} else if (!strcmp(k, "require_reasons")) {
			ok = load_bool(ld, item, k, &cfg->top.require_reasons);
			cfg->top.has_require_reasons = ok;
		} else if (!strcmp(k, "fail_on")) {
			ok = load_severity_name(ld, item, k, &cfg->fail_on);
			cfg->has_fail_on = ok;
		} else if (!strcmp(k, "rules")) {
			ok = load_rules(ld, item, "", &cfg->top);
		} else if (!strcmp(k, "severity")) {
			ok = load_severities(ld, item, "", &cfg->top);
		} else if (!strcmp(k, "exclude")) {
			ok = load_globs(ld, item, k, &cfg->exclude);
		} else if (!strcmp(k, "doc_base_url")) {
			char why[32];
			const char *problem = cJSON_IsString(item) ? url_problem(item->valuestring, why, sizeof(why)) : NULL;
			if (!cJSON_IsString(item) || !*item->valuestring) {
				fail(ld, k, "expected a URL (a non-empty string), got %s",
				     cJSON_IsString(item) ? "an empty string" : type_name(item));
				ok = false;
			} else if (problem) {
				fail(ld, k, "not a usable URL: %s (an http:// or https:// URL without spaces, quotes, "
					    "control characters or any of ()<>[]{}\\^`|: percent-encode them)",
				     problem);
				ok = false;
			} else if (!(cfg->doc_base_url = strdup(item->valuestring))) {
				fail_oom(ld);
				ok = false;
			}
		} else if (!strcmp(k, "max_input_size")) {
			ok = load_size(ld, item, k, &cfg->max_input_size);
		} else if (!strcmp(k, "tool")) {
			ml_options probe;
			ok = load_string(ld, item, k, "a migration tool", &cfg->tool);
			if (ok && ml_options_set_tool(&probe, cfg->tool) != 0) {
				fail(ld, k, "unknown tool \"%s\" (auto, %s)", cfg->tool, ml_tool_names());
				ok = false;
			}
		} else if (!strcmp(k, "down")) {
			char *mode = NULL;
			ok = load_string(ld, item, k, "info, lint or skip", &mode);
			if (ok && ml_down_mode_parse(mode, &cfg->down) != 0) {
				fail(ld, k, "expected info, lint or skip, got \"%s\"", mode);
				ok = false;
			}
			cfg->has_down = ok;
			free(mode);
		} else if (!strcmp(k, "since")) {
			ok = load_string(ld, item, k, "a migration version", &cfg->since);
		} else if (!strcmp(k, "base")) {
			ok = load_string(ld, item, k, "a git revision", &cfg->base);
		} else if (!strcmp(k, "context")) {
			ok = load_paths(ld, item, k, cfg->dir_lexical, &cfg->context);
		} else if (!strcmp(k, "references")) {
			ok = load_references(ld, item, k, cfg->dir_lexical, cfg);
		} else if (!strcmp(k, "stats")) {
			/* Taken from the file's directory, as "context" paths are. */
			char *path = NULL;
			ok = load_string(ld, item, k, "the path of a table sizes file", &path);
			if (ok && !(cfg->stats = from_dir(cfg->dir_lexical, path))) {
				fail_oom(ld);
				ok = false;
			}
			free(path);
		} else if (!strcmp(k, "table_size")) {
			ok = load_table_size(ld, item, k, cfg);
		} else if (!strcmp(k, "overrides")) {
			if (!cJSON_IsArray(item)) {
				fail(ld, k, "expected an array of objects, got %s", type_name(item));
				return false;
			}
			size_t n = (size_t)cJSON_GetArraySize(item);
			cfg->overrides = calloc(n ? n : 1, sizeof(*cfg->overrides));
			if (!cfg->overrides) {
				fail_oom(ld);
				return false;
			}
			int i = 0;
			for (const cJSON *o = item->child; o; o = o->next, i++) {
				char key[64];
				index_key(key, sizeof(key), "overrides", i);
				ml_config_layer *l = &cfg->overrides[cfg->n_overrides++];
				size_t len = strlen(cfg->path) + strlen(key) + 2;
				if (!(l->origin = malloc(len))) {
					fail_oom(ld);
					return false;
				}
				snprintf(l->origin, len, "%s %s", cfg->path, key);
				if (!load_override(ld, o, key, l))
					return false;
			}
		} else {
			fail_unknown_key(ld, k, k, TOP_KEYS, sizeof(TOP_KEYS) / sizeof(*TOP_KEYS));
			ok = false;
		}
		if (!ok)
			return false;
	}
	return true;
}

static void free_globs(char **globs)
{
	for (size_t i = 0; globs && globs[i]; i++)
		free(globs[i]);
	free(globs);
}

static void free_layer(ml_config_layer *l)
{
	free(l->origin);
	free(l->rules);
	free(l->severities);
	free_globs(l->files);
}

void ml_config_free(ml_config *cfg)
{
	if (!cfg)
		return;
	free_layer(&cfg->top);
	for (size_t i = 0; i < cfg->n_overrides; i++)
		free_layer(&cfg->overrides[i]);
	free(cfg->overrides);
	free_globs(cfg->exclude);
	free_globs(cfg->context);
	free_globs(cfg->references);
	free_globs(cfg->references_exclude);
	free(cfg->tool);
	free(cfg->stats);
	free(cfg->since);
	free(cfg->base);
	free(cfg->doc_base_url);
	free(cfg->path);
	free(cfg->dir_real);
	free(cfg->dir_lexical);
	free(cfg->cwd);
	free(cfg);
}

/* Where the file lives, absolute: with symlinks resolved, and lexically from
 * the current directory. */
static bool locate(ml_config *cfg)
{
	cfg->cwd = ml_current_dir();
	char *real = realpath(cfg->path, NULL);
	if (real) {
		cfg->dir_real = ml_path_parent(real);
		free(real);
	}
	char *abs = ml_path_join(cfg->cwd, cfg->path);
	if (abs && abs[0] == '/') {
		ml_path_normalize(abs);
		cfg->dir_lexical = ml_path_parent(abs);
	}
	free(abs);
	return cfg->dir_real || cfg->dir_lexical;
}

ml_config *ml_config_load(const char *path, char *err, size_t err_len)
{
	loader ld = { .path = path, .err = err, .err_len = err_len };
	if (err && err_len)
		err[0] = '\0';
	if (ml_rule_count() > ML_CONFIG_MAX_RULES) {
		fail(&ld, NULL, "the rule registry holds more than %d rules", ML_CONFIG_MAX_RULES);
		return NULL;
	}
	cJSON *root = ml_config_json_read(path, err, err_len);
	if (!root)
		return NULL;

	ml_config *cfg = calloc(1, sizeof(*cfg));
	if (!cfg || !(cfg->path = strdup(path))) {
		free(cfg);
		cJSON_Delete(root);
		fail_oom(&ld);
		return NULL;
	}
	ld.path = cfg->path;
	if (!(cfg->top.origin = strdup(path)) || !locate(cfg)) {
		fail_oom(&ld);
	} else {
		load_top(&ld, cfg, root);
	}
	cJSON_Delete(root);
	if (ld.failed) {
		ld.path = path;
		ml_config_free(cfg);
		return NULL;
	}
	if (!cfg->exclude && !(cfg->exclude = calloc(1, sizeof(*cfg->exclude)))) {
		ml_config_free(cfg);
		fail_oom(&ld);
		return NULL;
	}
	return cfg;
}

const char *ml_config_path(const ml_config *cfg)
{
	return cfg ? cfg->path : NULL;
}

const char *ml_config_stats_path(const ml_config *cfg)
{
	return cfg ? cfg->stats : NULL;
}

const char *const *ml_config_exclude_globs(const ml_config *cfg)
{
	static const char *const none[] = { NULL };
	return cfg && cfg->exclude ? (const char *const *)cfg->exclude : none;
}
