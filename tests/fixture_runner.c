/*
 * fixture_runner.c - the data-driven tests: for every registered rule it
 * checks that the rule's four parts are in step (rules/<name>.c,
 * docs/rules/<name>.md, tests/fixtures/<name>/ with fires-* and quiet-*
 * cases), lints every fixture and compares the diagnostics with the expected
 * JSON beside it, and lints the Bad and Good examples of every doc page.
 * Findings an ignore comment silenced are in the expected JSON (marked
 * "suppressed", so a fixture shows which comment took effect) but never
 * count as the rule firing, nor as a warning in a Good example.
 *
 * A fixture may also be a folder, fires-NAME/ or quiet-NAME/ beside
 * NAME.json, for rules about a whole history: its now/ holds a project's
 * files as they are, its base/ (optional) the same project as git holds
 * it at the base revision, and its args file the command line's words
 * (--tool, --down, --base REF, then the paths to lint). The runner builds
 * a throwaway repository (git init in a temporary folder, base/ committed,
 * then replaced by now/), lints from inside it, and compares the findings
 * of the fixture's rule (only: a history's files have many) as above.
 *
 * The rules that compare the lock model with a trace (trace-mismatch,
 * trace-error) read what PostgreSQL did from the tracer. Their fixtures
 * name, with "--observed FILE" in the header, a JSON file of their folder
 * that plays the tracer: {"LINE": {"status": "ran" | "failed" | "not run",
 * "locks": [{"table", "mode", "taken", "created", "is_table", "parent",
 * "renamed_from", "via_index"}], "rewritten": [...], "scanned": [...], "absent": [...],
 * "sampled": bool, "skipped": bool, "error": {"message", "sqlstate", "offset"}}}, keyed by
 * the statement's first line. A statement it does not list ran, with
 * nothing read around it. (tests/trace_test.sh runs the real tracer.)
 *
 * usage: fixture_runner REPO_ROOT
 * It also lints every .sql file in tests/safe-recipes, migrations written with the
 * safe recipes, which must give no warning and no error under the default
 * rules, and checks the table of squawk's rule names in docs/squawk.md
 * against the one built in (ml_squawk_name_at).
 *
 * A case whose findings of its rule carry mechanical fixes has their fixed
 * text beside it, <case>.fixed.sql: check_fixes applies the fixes with
 * ml_fixes_apply until none is left and compares (see there).
 *
 * MIGRALINT_UPDATE_FIXTURES=1 rewrites the expected .json and .fixed.sql
 * files (review the diff before committing). MIGRALINT_FIXTURE_RULE=name limits the run to one
 * rule.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "migralint/migralint.h"

static int passed, failed;
static bool update;

/* ---- the tracer's stand-in: what PostgreSQL did, read from a file ------- */

static cJSON *observed_cases; /* the current fixture's --observed file, or NULL */
static char fixture_dir[1024]; /* the current fixture's folder */

static const char *json_text(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *const *json_names(const cJSON *o, const char *key, size_t *n)
{
	static const char *names[3][16];
	static int turn;
	const char **out = names[turn++ % 3];
	*n = 0;
	const cJSON *item;
	cJSON_ArrayForEach(item, cJSON_GetObjectItem(o, key))
		if (cJSON_IsString(item) && *n < 16)
			out[(*n)++] = item->valuestring;
	return out;
}

static void replay_statement(void *data, const ml_traced_statement *ts, ml_observation *out)
{
	(void)data;
	static ml_observed_lock locks[16];
	char key[16];
	snprintf(key, sizeof(key), "%d", ts->line);
	const cJSON *o = cJSON_GetObjectItem(observed_cases, key);
	*out = (ml_observation){ .status = ML_OBSERVED_RAN, .error_offset = -1, .rows = -1 };
	if (!o)
		return;
	const char *status = json_text(o, "status");
	if (status && !strcmp(status, "failed")) {
		const cJSON *e = cJSON_GetObjectItem(o, "error");
		out->status = ML_OBSERVED_FAILED;
		out->error = json_text(e, "message");
		out->sqlstate = json_text(e, "sqlstate");
		const cJSON *at = cJSON_GetObjectItem(e, "offset");
		out->error_offset = cJSON_IsNumber(at) ? (long)at->valuedouble : -1;
		return;
	}
	if (status && !strcmp(status, "not run")) {
		out->status = ML_OBSERVED_NOT_RUN;
		out->not_run = "not run";
		return;
	}
	const cJSON *list = cJSON_GetObjectItem(o, "locks");
	if (cJSON_IsArray(list)) {
		out->locks_seen = true;
		out->locks_sampled = cJSON_IsTrue(cJSON_GetObjectItem(o, "sampled"));
		const cJSON *l;
		cJSON_ArrayForEach(l, list)
		{
			if (out->n_locks == 16)
				break;
			const cJSON *is_table = cJSON_GetObjectItem(l, "is_table");
			locks[out->n_locks++] = (ml_observed_lock){
				.table = json_text(l, "table"),
				.parent = json_text(l, "parent"),
				.renamed_from = json_text(l, "renamed_from"),
				.via_index = json_text(l, "via_index"),
				.mode = json_text(l, "mode"),
				.taken = !cJSON_IsFalse(cJSON_GetObjectItem(l, "taken")),
				.created = cJSON_IsTrue(cJSON_GetObjectItem(l, "created")),
				.is_table = !cJSON_IsFalse(is_table),
			};
		}
		out->locks = locks;
	}
	if (cJSON_GetObjectItem(o, "rewritten")) {
		out->tables_seen = true;
		out->rewritten = json_names(o, "rewritten", &out->n_rewritten);
		out->scanned = json_names(o, "scanned", &out->n_scanned);
	}
	out->absent = json_names(o, "absent", &out->n_absent);
	out->skipped = cJSON_IsTrue(cJSON_GetObjectItem(o, "skipped"));
}

static void replay_file(void *data, const char *path, bool context)
{
	(void)data;
	(void)path;
	(void)context;
}

static void replay_end(void *data)
{
	(void)data;
}

static const ml_statement_observer replay_observer = { NULL, replay_file, replay_statement, replay_end };

static void result(bool ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("%s ", ok ? "ok  " : "FAIL");
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	if (ok)
		passed++;
	else
		failed++;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static bool exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

/* Applies "--pg-version 11 --assume-in-transaction ..." (a CRLF file's CR
 * aside) to opts. Returns false on an unknown word. "--history FILE" (fixtures only: history is
 * NULL elsewhere) names, in *history, a file of the fixture's folder that
 * is linted first in the same run, as an earlier migration: the schema the
 * fixture's statements meet (a partitioned table, a column's type).
 * "--stats FILE" (fixtures only, as history) names, in *stats, a --stats
 * file of the fixture's folder: the tables' sizes. */
static bool apply_header(ml_options *opts, char *words, char **history, char **stats)
{
	static char rule_store[16][64];
	int rules = 0;
	for (char *w = strtok(words, " \t\r"); w; w = strtok(NULL, " \t\r")) {
		if (!strcmp(w, "--assume-in-transaction")) {
			opts->assume_in_transaction = true;
		} else if (!strcmp(w, "--pg-version")) {
			char *v = strtok(NULL, " \t\r");
			if (!v || ml_options_set_pg_version(opts, v) != 0)
				return false;
		} else if (!strcmp(w, "--include") || !strcmp(w, "--exclude")) {
			char *v = strtok(NULL, " \t\r");
			if (!v || rules == 16)
				return false;
			snprintf(rule_store[rules], sizeof(rule_store[0]), "%s", v);
			const char **list = !strcmp(w, "--include") ? opts->include : opts->exclude;
			size_t k = 0;
			while (list[k])
				k++;
			list[k] = rule_store[rules++];
		} else if (!strcmp(w, "--observed") && history) {
			/* A file of the fixture's folder. */
			char *v = strtok(NULL, " \t\r");
			char path[2200];
			snprintf(path, sizeof(path), "%s/%s", fixture_dir, v ? v : "");
			char *text = v ? read_file(path, NULL) : NULL;
			cJSON_Delete(observed_cases);
			observed_cases = text ? cJSON_Parse(text) : NULL;
			free(text);
			if (!observed_cases)
				return false;
			opts->observer = &replay_observer;
		} else if (!strcmp(w, "--history") && history) {
			char *v = strtok(NULL, " \t\r");
			if (!v || *history)
				return false;
			*history = strdup(v);
		} else if (!strcmp(w, "--stats") && stats) {
			char *v = strtok(NULL, " \t\r");
			if (!v || *stats)
				return false;
			*stats = strdup(v);
		} else {
			return false;
		}
	}
	return true;
}

/* Reads the options header of SQL text: a first line
 * "-- migralint-test: ...". */
static bool options_from_sql(const char *sql, ml_options *opts, char **history, char **stats)
{
	static const char MARK[] = "-- migralint-test:";
	if (strncmp(sql, MARK, sizeof(MARK) - 1) != 0)
		return true;
	const char *eol = strchr(sql, '\n');
	size_t n = eol ? (size_t)(eol - sql) : strlen(sql);
	char *words = strndup(sql + sizeof(MARK) - 1, n - (sizeof(MARK) - 1));
	bool ok = apply_header(opts, words, history, stats);
	free(words);
	return ok;
}

/* Lints path (or the text when text != NULL), after history when it is not
 * NULL, and returns the JSON report's diagnostics of path, detached; the
 * caller deletes them. */
static cJSON *lint(const ml_options *opts, const char *path, const char *text, const char *history)
{
	ml_run *run = ml_run_new(opts);
	if (history)
		ml_run_lint_path(run, history);
	if (text)
		ml_run_lint_buffer(run, path, text, strlen(text));
	else
		ml_run_lint_path(run, path);
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	ml_run_write_report(run, ML_FORMAT_JSON, mem, false);
	fclose(mem);
	ml_run_free(run);
	cJSON *report = cJSON_Parse(buf);
	free(buf);
	cJSON *diags = report ? cJSON_DetachItemFromObject(report, "diagnostics") : NULL;
	cJSON_Delete(report);
	for (int i = diags && history ? cJSON_GetArraySize(diags) - 1 : -1; i >= 0; i--) {
		const cJSON *at = cJSON_GetObjectItem(cJSON_GetArrayItem(diags, i), "path");
		if (!cJSON_IsString(at) || strcmp(at->valuestring, path) != 0)
			cJSON_DeleteItemFromArray(diags, i);
	}
	return diags;
}

/* Findings of rule in force (not silenced by an ignore comment). */
static int count_rule(const cJSON *diags, const char *rule)
{
	int n = 0;
	const cJSON *d;
	cJSON_ArrayForEach(d, diags)
	{
		const cJSON *r = cJSON_GetObjectItem(d, "rule");
		if (cJSON_IsString(r) && !strcmp(r->valuestring, rule) && !cJSON_GetObjectItem(d, "suppressed"))
			n++;
	}
	return n;
}

static int count_at_least(const cJSON *diags, const char *severity_floor)
{
	int n = 0;
	const cJSON *d;
	cJSON_ArrayForEach(d, diags)
	{
		const char *s = cJSON_GetObjectItem(d, "severity")->valuestring;
		if (cJSON_GetObjectItem(d, "suppressed"))
			continue;
		if (!strcmp(s, "error") || (!strcmp(severity_floor, "warning") && !strcmp(s, "warning")))
			n++;
	}
	return n;
}

/* The catalog history (a file linted with ml_lint_text first) leaves, or
 * NULL without one. The caller frees it. */
static ml_catalog *history_catalog(const ml_options *opts, const char *history)
{
	if (!history)
		return NULL;
	size_t len;
	char *earlier = read_file(history, &len);
	ml_lint_result r = ml_lint_text(NULL, opts, history, earlier ? earlier : "", earlier ? len : 0);
	ml_catalog *before = r.catalog;
	r.catalog = NULL;
	ml_lint_result_free(&r);
	free(earlier);
	return before;
}

/* What one lint of a case's text says about rule's fixes. */
struct fix_lint {
	ml_lint_result result;
	ml_diagnostic *fixing;    /* rule's findings in force and the unparsed statements', which
				     ml_fixes_apply keeps fixes away from; n_fixing of them */
	size_t n_fixing;
	int hits;                 /* rule's findings in force */
	int fixable;              /* those with a fix */
	int syntax_errors;
};

static bool unparsed_rule(const char *rule)
{
	return !strcmp(rule, "syntax-error") || !strcmp(rule, "statement-too-complex") ||
	       !strcmp(rule, "invalid-input") || !strcmp(rule, "psql-meta-command");
}

/* rule NULL: every rule's findings. */
static void fix_lint(struct fix_lint *out, const ml_catalog *before, const ml_options *opts, const char *path,
		     const char *text, size_t len, const char *rule)
{
	*out = (struct fix_lint){ .result = ml_lint_text(before, opts, path, text, len) };
	const ml_lint_result *r = &out->result;
	out->fixing = malloc((r->n_diagnostics + 1) * sizeof(*out->fixing));
	for (size_t i = 0; i < r->n_diagnostics; i++) {
		const ml_diagnostic *d = &r->diagnostics[i];
		bool mine = (!rule || !strcmp(d->rule, rule)) && !d->suppressed;
		out->hits += mine;
		out->fixable += mine && d->fix;
		out->syntax_errors += !strcmp(d->rule, "syntax-error");
		if (mine || unparsed_rule(d->rule))
			out->fixing[out->n_fixing++] = *d;
	}
}

static void fix_lint_free(struct fix_lint *l)
{
	free(l->fixing);
	ml_lint_result_free(&l->result);
}

/* Every rule's fixes of a case together, as --fix applies them: pass after
 * pass they must come to an end (at most MAX_ALL_FIX_PASSES passes: a fix
 * waits for the next pass only when it touches another), leave no more
 * syntax errors than there were, and change nothing once applied. Fixes of
 * several rules on one statement (a SET before it, CONCURRENTLY in it, a
 * VALIDATE after it) must fit together. */
#define MAX_ALL_FIX_PASSES 8
static void check_all_fixes(const ml_catalog *before, const ml_options *opts, const char *sql_path, const char *sql)
{
	char *text = strdup(sql);
	size_t len = strlen(sql);
	int passes = 0, syntax_before = -1, syntax_after = -1;
	bool ended = false;
	for (int pass = 0; pass <= MAX_ALL_FIX_PASSES && !ended; pass++) {
		struct fix_lint l;
		fix_lint(&l, before, opts, sql_path, text, len, NULL);
		if (pass == 0)
			syntax_before = l.syntax_errors;
		syntax_after = l.syntax_errors;
		size_t out_len = 0, applied = 0;
		char *out = l.fixable ? ml_fixes_apply(sql_path, text, len, l.fixing, l.n_fixing, &out_len, &applied) : NULL;
		fix_lint_free(&l);
		if (!applied) {
			ended = true;
		} else {
			free(text);
			text = out;
			len = out_len;
			out = NULL;
			passes++;
		}
		free(out);
	}
	if (passes)
		result(ended && syntax_after <= syntax_before,
		       "%s: every rule's fixes together come to an end in %d passes (at most %d) and leave %d syntax "
		       "errors (%d before)",
		       sql_path, passes, MAX_ALL_FIX_PASSES, syntax_after, syntax_before);
	free(text);
}

/* The mechanical fixes of a case (rule's only, as --fix would apply them
 * with the others left out): applied with ml_fixes_apply, pass after pass
 * until none applies (at most MAX_FIX_PASSES), the text must equal the
 * golden <case>.fixed.sql beside the case (MIGRALINT_UPDATE_FIXTURES
 * writes it, and removes one a case without a fix has), still parse as
 * well as before (a case may hold a statement that does not parse, which
 * no fix touches), have none of rule's fixed findings left and no new one,
 * and change no more when fixed again. A case without a fix must have no
 * .fixed.sql. Only rule's fixes make the golden text: the other rules'
 * (a timeout set before the statement...) have their own folders; all of
 * them together are check_all_fixes's. */
#define MAX_FIX_PASSES 4
static void check_fixes(const ml_options *opts, const char *rule, const char *sql_path, const char *sql,
			const char *history)
{
	char fixed_path[1100];
	snprintf(fixed_path, sizeof(fixed_path), "%.*s.fixed.sql", (int)(strlen(sql_path) - 4), sql_path);
	ml_catalog *before = history_catalog(opts, history);
	check_all_fixes(before, opts, sql_path, sql);
	size_t len = strlen(sql);
	struct fix_lint first;
	fix_lint(&first, before, opts, sql_path, sql, len, rule);
	if (!first.fixable) {
		if (update && exists(fixed_path))
			unlink(fixed_path);
		result(!exists(fixed_path), "%s: no fix of %s, and no %s", sql_path, rule, fixed_path);
		fix_lint_free(&first);
		ml_catalog_free(before);
		return;
	}
	char *text = strdup(sql);
	size_t text_len = len;
	int passes = 0;
	bool converged = false;
	struct fix_lint last = first;
	for (int pass = 0; pass <= MAX_FIX_PASSES; pass++) {
		if (pass > 0)
			fix_lint(&last, before, opts, sql_path, text, text_len, rule);
		size_t out_len = 0, applied = 0;
		char *out = ml_fixes_apply(sql_path, text, text_len, last.fixing, last.n_fixing, &out_len, &applied);
		bool same = out && out_len == text_len && !memcmp(out, text, text_len);
		if (applied == 0 || !out) {
			/* Fixed again, the text changes no more. */
			result(same, "%s: a pass that applies none of %s's fixes leaves the text as it is", sql_path, rule);
			converged = true;
			free(out);
			break;
		}
		free(text);
		text = out;
		text_len = out_len;
		passes++;
		if (pass > 0)
			fix_lint_free(&last);
	}
	result(converged, "%s: %s's fixes are all applied within %d passes (%d)", sql_path, rule, MAX_FIX_PASSES, passes);
	if (converged) {
		result(last.syntax_errors == first.syntax_errors && last.fixable == 0 &&
			       last.hits == first.hits - first.fixable,
		       "%s: the fixed text parses as before (%d syntax errors, %d before) and has none of %s's %d "
		       "fixed findings left (%d of %d findings, %d with a fix)",
		       sql_path, last.syntax_errors, first.syntax_errors, rule, first.fixable, last.hits,
		       first.hits - first.fixable, last.fixable);
		if (last.result.diagnostics != first.result.diagnostics)
			fix_lint_free(&last);
	}
	if (update) {
		FILE *f = fopen(fixed_path, "wb");
		if (f) {
			fwrite(text, 1, text_len, f);
			fclose(f);
		}
	}
	size_t golden_len = 0;
	char *golden = read_file(fixed_path, &golden_len);
	bool same = golden && golden_len == text_len && !memcmp(golden, text, text_len);
	result(same, "%s: the fixed text equals %s", sql_path, fixed_path);
	if (!same)
		printf("---- expected\n%s\n---- actual\n%s\n", golden ? golden : "(missing)", text);
	free(golden);
	free(text);
	fix_lint_free(&first);
	ml_catalog_free(before);
}

/* Checks a case's diagnostics (taken: deleted here): the rule fires in a
 * fires- case and stays quiet in a quiet- one, and they equal json_path
 * (rewritten first with MIGRALINT_UPDATE_FIXTURES). */
static void check_case(const char *rule, const char *name, const char *case_path, const char *json_path, cJSON *diags)
{
	int hits = count_rule(diags, rule);
	if (!strncmp(name, "fires-", 6))
		result(hits > 0, "%s: %s fires (%d)", case_path, rule, hits);
	else
		result(hits == 0, "%s: %s stays quiet (%d)", case_path, rule, hits);

	char *actual = cJSON_Print(diags);
	if (update) {
		FILE *f = fopen(json_path, "w");
		fprintf(f, "%s\n", actual);
		fclose(f);
	}
	char *expected_text = read_file(json_path, NULL);
	cJSON *expected = expected_text ? cJSON_Parse(expected_text) : NULL;
	bool same = expected && cJSON_Compare(expected, diags, true);
	result(same, "%s: diagnostics match %s", case_path, json_path);
	if (!same)
		printf("---- expected\n%s\n---- actual\n%s\n", expected_text ? expected_text : "(missing)", actual);
	cJSON_Delete(expected);
	free(expected_text);
	free(actual);
	cJSON_Delete(diags);
}

static void run_fixture(const char *rule, const char *dir, const char *name)
{
	snprintf(fixture_dir, sizeof(fixture_dir), "%s", dir);
	cJSON_Delete(observed_cases);
	observed_cases = NULL;
	char sql_path[1024], json_path[1024];
	snprintf(sql_path, sizeof(sql_path), "%s/%s", dir, name);
	snprintf(json_path, sizeof(json_path), "%s/%.*s.json", dir, (int)(strlen(name) - 4), name);
	char *sql = read_file(sql_path, NULL);
	ml_options opts;
	ml_options_init(&opts);
	char *history = NULL, *stats = NULL;
	if (!sql || !options_from_sql(sql, &opts, &history, &stats)) {
		result(false, "%s: unreadable or bad migralint-test header", sql_path);
		free(sql);
		free(history);
		free(stats);
		return;
	}
	ml_table_sizes *sizes = NULL;
	if (stats) {
		char stats_path[1024], err[512];
		snprintf(stats_path, sizeof(stats_path), "%s/%s", dir, stats);
		free(stats);
		sizes = ml_table_sizes_load(stats_path, err, sizeof(err));
		if (!sizes) {
			result(false, "%s: stats file: %s", sql_path, err);
			free(sql);
			free(history);
			return;
		}
		opts.table_sizes = sizes;
	}
	char history_path[1024] = "";
	if (history) {
		snprintf(history_path, sizeof(history_path), "%s/%s", dir, history);
		free(history);
		if (!exists(history_path)) {
			result(false, "%s: history file %s exists", sql_path, history_path);
			free(sql);
			ml_table_sizes_free(sizes);
			return;
		}
	}
	/* The engine's stand-in for names dynamic SQL computes at run time
	 * (ML_DYNAMIC_PLACEHOLDER) must never reach a report. */
	bool names_placeholder = strstr(sql, "dynamic_name") != NULL;
	check_fixes(&opts, rule, sql_path, sql, *history_path ? history_path : NULL);
	free(sql);
	cJSON *diags = lint(&opts, sql_path, NULL, *history_path ? history_path : NULL);
	ml_table_sizes_free(sizes);
	if (!diags) {
		result(false, "%s: no JSON report", sql_path);
		return;
	}
	char *printed = cJSON_PrintUnformatted(diags);
	if (!names_placeholder && strstr(printed, "dynamic_name"))
		result(false, "%s: a report prints the internal placeholder \"dynamic_name\"", sql_path);
	free(printed);
	check_case(rule, name, sql_path, json_path, diags);
}

/* Runs a shell command; true when it exits 0. */
static bool shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool shell(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd) == 0;
}

/* Applies the words of a folder fixture's args file to opts; the paths go
 * to paths[0, *n). Returns false on a word it does not know. */
static bool apply_args(ml_options *opts, char *words, char **paths, size_t *n)
{
	for (char *w = strtok(words, " \t\n"); w; w = strtok(NULL, " \t\n")) {
		if (!strcmp(w, "--tool") || !strcmp(w, "--down") || !strcmp(w, "--base")) {
			char *v = strtok(NULL, " \t\n");
			if (!v)
				return false;
			if (!strcmp(w, "--tool") && ml_options_set_tool(opts, v) != 0)
				return false;
			if (!strcmp(w, "--down") && ml_down_mode_parse(v, &opts->down) != 0)
				return false;
			if (!strcmp(w, "--base"))
				opts->base = v;
		} else if (w[0] == '-') {
			return false;
		} else if (*n < 64) {
			paths[(*n)++] = w;
		}
	}
	return *n > 0;
}

/* A folder fixture (see the top of the file). */
static void run_dir_fixture(const char *rule, const char *dir, const char *name)
{
	char case_dir[1024], json_path[1024], args_path[1100];
	snprintf(case_dir, sizeof(case_dir), "%s/%s", dir, name);
	snprintf(json_path, sizeof(json_path), "%s/%s.json", dir, name);
	snprintf(args_path, sizeof(args_path), "%s/args", case_dir);
	char *args = read_file(args_path, NULL);
	char *repo_root = getcwd(NULL, 0);
	char tmp[] = "/tmp/migralint-fixture-XXXXXX";
	if (!args || !repo_root || !mkdtemp(tmp)) {
		result(false, "%s: has an args file (and a temporary folder could be made)", case_dir);
		free(args);
		free(repo_root);
		return;
	}
	ml_options opts;
	ml_options_init(&opts);
	char *paths[64];
	size_t n_paths = 0;
	bool ok = apply_args(&opts, args, paths, &n_paths);
	result(ok, "%s: args name options it knows and at least one path", case_dir);
	const char *git = "git -c user.name=fixture -c user.email=fixture@invalid -c init.defaultBranch=main "
			  "-c commit.gpgsign=false";
	char base_dir[1100];
	snprintf(base_dir, sizeof(base_dir), "%s/base", case_dir);
	if (ok && exists(base_dir))
		ok = shell("cp -R '%s/.' '%s/' && cd '%s' && %s init -q && %s add -A && %s commit -qm base && "
			   "find . -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +",
			   base_dir, tmp, tmp, git, git, git);
	ok = ok && shell("cp -R '%s/now/.' '%s/'", case_dir, tmp);
	result(ok, "%s: the repository was built", case_dir);
	cJSON *diags = NULL;
	if (ok && chdir(tmp) == 0) {
		ml_run *run = ml_run_new(&opts);
		ml_run_lint_paths(run, (const char *const *)paths, n_paths);
		const char *base_error = ml_run_base_error(run);
		if (base_error) {
			/* A usage error: its message stands for the report. */
			diags = cJSON_CreateArray();
			cJSON *item = cJSON_CreateObject();
			cJSON_AddStringToObject(item, "base_error", base_error);
			cJSON_AddItemToArray(diags, item);
		} else {
			char *buf = NULL;
			size_t len = 0;
			FILE *mem = open_memstream(&buf, &len);
			ml_run_write_report(run, ML_FORMAT_JSON, mem, false);
			fclose(mem);
			cJSON *report = cJSON_Parse(buf);
			free(buf);
			diags = report ? cJSON_DetachItemFromObject(report, "diagnostics") : NULL;
			cJSON_Delete(report);
		}
		ml_run_free(run);
		if (chdir(repo_root) != 0)
			exit(2);
	}
	shell("rm -rf '%s'", tmp);
	for (int i = diags ? cJSON_GetArraySize(diags) - 1 : -1; i >= 0; i--) {
		const cJSON *r = cJSON_GetObjectItem(cJSON_GetArrayItem(diags, i), "rule");
		if (cJSON_IsString(r) && strcmp(r->valuestring, rule) != 0)
			cJSON_DeleteItemFromArray(diags, i);
	}
	if (!diags) {
		result(false, "%s: no JSON report", case_dir);
		free(args);
		free(repo_root);
		return;
	}
	check_case(rule, name, case_dir, json_path, diags);
	free(args);
	free(repo_root);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_rule_fixtures(const char *rule)
{
	char dir[512];
	snprintf(dir, sizeof(dir), "tests/fixtures/%s", rule);
	DIR *d = opendir(dir);
	if (!d) {
		result(false, "%s: fixture folder %s exists", rule, dir);
		return;
	}
	char *names[512];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 512) {
		size_t len = strlen(e->d_name);
		char sub[1024];
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		struct stat sb;
		/* Other folders hold what the fixtures name (--history files). */
		bool folder = (!strncmp(e->d_name, "fires-", 6) || !strncmp(e->d_name, "quiet-", 6)) &&
			      stat(sub, &sb) == 0 && S_ISDIR(sb.st_mode);
		/* A case's fixed text (<case>.fixed.sql) is checked with its case. */
		if (len > 10 && !strcmp(e->d_name + len - 10, ".fixed.sql")) {
			char case_path[1100];
			snprintf(case_path, sizeof(case_path), "%s/%.*s.sql", dir, (int)(len - 10), e->d_name);
			if (!exists(case_path))
				result(false, "%s: the fixed text of a case that exists (%s)", sub, case_path);
			continue;
		}
		if ((len > 4 && !strcmp(e->d_name + len - 4, ".sql")) || folder)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), compare_names);
	int fires = 0, quiet = 0;
	for (size_t i = 0; i < n; i++) {
		if (!strncmp(names[i], "fires-", 6))
			fires++;
		else if (!strncmp(names[i], "quiet-", 6))
			quiet++;
		else
			result(false, "%s/%s: fixture names start with fires- or quiet-", dir, names[i]);
		size_t len = strlen(names[i]);
		if (len > 4 && !strcmp(names[i] + len - 4, ".sql"))
			run_fixture(rule, dir, names[i]);
		else
			run_dir_fixture(rule, dir, names[i]);
		free(names[i]);
	}
	result(fires > 0 && quiet > 0, "%s: has firing (%d) and quiet (%d) fixtures", rule, fires, quiet);
}

/* Finds the ```sql (or, for Bad, ```text) block of a "## heading" section.
 * Returns a malloc'd copy of the block or NULL; *header receives the
 * migralint-test comment words before the fence, if any. */
static char *doc_block(const char *doc, const char *heading, char **header, bool *text_only)
{
	*header = NULL;
	*text_only = false;
	const char *sec = strstr(doc, heading);
	if (!sec)
		return NULL;
	const char *next = strstr(sec + strlen(heading), "\n## ");
	const char *fence = strstr(sec, "```sql\n");
	if (!fence || (next && fence > next)) {
		const char *text = strstr(sec, "```text\n");
		*text_only = text && (!next || text < next);
		return NULL;
	}
	/* an HTML comment on the line before the fence carries options */
	const char *line = fence;
	if (line > sec + 1) {
		const char *prev = line - 1;
		while (prev > sec && prev[-1] != '\n')
			prev--;
		static const char MARK[] = "<!-- migralint-test:";
		if (!strncmp(prev, MARK, sizeof(MARK) - 1)) {
			const char *end = strstr(prev, "-->");
			if (end)
				*header = strndup(prev + sizeof(MARK) - 1, (size_t)(end - prev - (sizeof(MARK) - 1)));
		}
	}
	const char *body = fence + strlen("```sql\n");
	const char *close = strstr(body, "\n```");
	if (!close)
		return NULL;
	return strndup(body, (size_t)(close - body) + 1);
}

static void run_doc(const char *rule)
{
	char path[512];
	snprintf(path, sizeof(path), "docs/rules/%s.md", rule);
	char *doc = read_file(path, NULL);
	if (!doc) {
		result(false, "%s: doc page %s exists", rule, path);
		return;
	}
	char title[256];
	snprintf(title, sizeof(title), "# %s\n", rule);
	result(!strncmp(doc, title, strlen(title)), "%s: doc starts with its title", path);
	const ml_rule_info *info = ml_rule_find(rule);
	char severity_line[64];
	snprintf(severity_line, sizeof(severity_line), "**Severity:** %s", ml_severity_name(info->severity));
	result(strstr(doc, severity_line) != NULL, "%s: states the rule's severity (%s)", path, severity_line);
	static const char *const SECTIONS[] = { "\n## Why\n", "\n## Bad\n", "\n## Good\n", "\n## Suppress\n" };
	for (size_t i = 0; i < 4; i++)
		result(strstr(doc, SECTIONS[i]) != NULL, "%s: has section %.*s", path,
		       (int)strlen(SECTIONS[i]) - 2, SECTIONS[i] + 1);

	for (int good = 0; good <= 1; good++) {
		char *header;
		bool text_only;
		char *sql = doc_block(doc, good ? "\n## Good\n" : "\n## Bad\n", &header, &text_only);
		if (!sql) {
			/* A binary-file example cannot be shown as SQL. */
			result(!good && text_only, "%s: %s example is a ```sql block", path, good ? "Good" : "Bad");
			free(header);
			continue;
		}
		ml_options opts;
		ml_options_init(&opts);
		if (header && !apply_header(&opts, header, NULL, NULL)) {
			result(false, "%s: bad migralint-test comment", path);
		}
		char label[600];
		snprintf(label, sizeof(label), "%s#%s", path, good ? "good" : "bad");
		cJSON *diags = lint(&opts, label, sql, NULL);
		int hits = count_rule(diags, rule);
		if (good) {
			int serious = count_at_least(diags, "warning");
			result(hits == 0 && serious == 0, "%s: Good example gives no warning or error (%d of the rule, %d in all)",
			       path, hits, serious);
			if (hits || serious) {
				char *printed = cJSON_Print(diags);
				printf("%s\n", printed);
				free(printed);
			}
		} else {
			result(hits > 0, "%s: Bad example fires %s (%d)", path, rule, hits);
		}
		cJSON_Delete(diags);
		free(sql);
		free(header);
	}
	free(doc);
}

static void run_safe_recipes(void)
{
	DIR *d = opendir("tests/safe-recipes");
	if (!d) {
		result(false, "tests/safe-recipes exists");
		return;
	}
	char *names[256];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 256) {
		size_t len = strlen(e->d_name);
		if (len > 4 && !strcmp(e->d_name + len - 4, ".sql"))
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), compare_names);
	result(n >= 3, "tests/safe-recipes holds safe migrations (%zu)", n);
	for (size_t i = 0; i < n; i++) {
		char path[512];
		snprintf(path, sizeof(path), "tests/safe-recipes/%s", names[i]);
		char *sql = read_file(path, NULL);
		ml_options opts;
		ml_options_init(&opts);
		bool header_ok = sql && options_from_sql(sql, &opts, NULL, NULL);
		free(sql);
		cJSON *diags = header_ok ? lint(&opts, path, NULL, NULL) : NULL;
		int serious = diags ? count_at_least(diags, "warning") : -1;
		result(serious == 0, "%s: no warning or error (%d)", path, serious);
		if (serious > 0) {
			char *printed = cJSON_Print(diags);
			printf("%s\n", printed);
			free(printed);
		}
		cJSON_Delete(diags);
		free(names[i]);
	}
}

/* docs/squawk.md's table, "| `squawk-name` | `rule`, `rule` |" rows (or
 * "| `squawk-name` | none: ... |"), lists the built-in names in order. */
static void run_squawk_page(void)
{
	char *doc = read_file("docs/squawk.md", NULL);
	if (!doc) {
		result(false, "docs/squawk.md exists");
		return;
	}
	size_t row = 0;
	bool in_order = true;
	for (char *line = strtok(doc, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "| `", 3) != 0)
			continue;
		char name[128], rules[256];
		if (sscanf(line, "| `%127[^`]` | %255[^|]|", name, rules) != 2)
			continue;
		const ml_squawk_name *s = ml_squawk_name_at(row++);
		char expected[256] = "";
		for (size_t k = 0; s && k < 2 && s->rules[k]; k++)
			snprintf(expected + strlen(expected), sizeof(expected) - strlen(expected), "%s`%s`", k ? ", " : "",
				 s->rules[k]);
		if (s && !s->rules[0])
			snprintf(expected, sizeof(expected), "none");
		size_t n = strlen(rules);
		while (n && rules[n - 1] == ' ')
			rules[--n] = '\0';
		bool same = s && !strcmp(s->squawk, name) &&
			    (s->rules[0] ? !strcmp(rules, expected) : !strncmp(rules, "none", 4));
		if (!same) {
			result(false, "docs/squawk.md row %zu: `%s` | %s, built in: %s | %s", row, name, rules,
			       s ? s->squawk : "(none)", expected);
			in_order = false;
		}
	}
	result(in_order && row == ml_squawk_name_count(), "docs/squawk.md lists the %zu built-in squawk names (%zu rows)",
	       ml_squawk_name_count(), row);
	/* Every migralint rule a name points to exists, or is the one
	 * docs/squawk.md says a build may lack. */
	for (size_t i = 0; i < ml_squawk_name_count(); i++) {
		const ml_squawk_name *s = ml_squawk_name_at(i);
		for (size_t k = 0; k < 2 && s->rules[k]; k++)
			if (!ml_rule_find(s->rules[k]) && strcmp(s->rules[k], "ban-duplicate-column-assignments") != 0)
				result(false, "squawk name %s points to %s, which is not a rule", s->squawk, s->rules[k]);
	}
	free(doc);
}

int main(int argc, char **argv)
{
	if (argc != 2 || chdir(argv[1]) != 0) {
		fprintf(stderr, "usage: fixture_runner REPO_ROOT\n");
		return 2;
	}
	const char *u = getenv("MIGRALINT_UPDATE_FIXTURES");
	update = u && *u && strcmp(u, "0") != 0;
	const char *only = getenv("MIGRALINT_FIXTURE_RULE");
	for (size_t i = 0; i < ml_rule_count(); i++) {
		const ml_rule_info *rule = ml_rule_at(i);
		if (only && *only && strcmp(only, rule->name) != 0)
			continue;
		char path[512];
		snprintf(path, sizeof(path), "rules/%s.c", rule->name);
		result(exists(path), "%s: rule file %s exists", rule->name, path);
		result(ml_rule_doc(rule) != NULL, "%s: doc page is built into the binary", rule->name);
		run_doc(rule->name);
		run_rule_fixtures(rule->name);
	}
	if (!only || !*only) {
		run_safe_recipes();
		run_squawk_page();
	}
	/* Every fixture folder and doc page belongs to a registered rule. */
	DIR *d = opendir("tests/fixtures");
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			result(ml_rule_find(e->d_name) != NULL && !strcmp(ml_rule_find(e->d_name)->name, e->d_name),
			       "tests/fixtures/%s belongs to a registered rule", e->d_name);
	if (d)
		closedir(d);
	d = opendir("docs/rules");
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 4 || strcmp(e->d_name + len - 3, ".md") != 0)
			continue;
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)(len - 3), e->d_name);
		result(ml_rule_find(name) != NULL, "docs/rules/%s belongs to a registered rule", e->d_name);
	}
	if (d)
		closedir(d);
	d = opendir("rules");
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0)
			continue;
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)(len - 2), e->d_name);
		result(ml_rule_find(name) != NULL, "rules/%s is registered in src/engine/rules.def", e->d_name);
	}
	if (d)
		closedir(d);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
