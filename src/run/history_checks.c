/*
 * history_checks.c - the checks of a whole migration history, run once the
 * run has planned its inputs (history.c) and before it lints them: each
 * history (one tool's migration directory) is laid out as its migrations
 * in the tool's order and, with options.base, compared with the directory
 * git holds at that revision (src/history/git.h): which migrations are
 * new, which applied ones were edited (in what they run, or only in
 * comments and layout), renamed or deleted. The engine runs the rules'
 * check_history over it; their findings become diagnostics here, with the
 * severity each file's options give the rule.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "diagnostics.h"
#include "engine.h"
#include "findings.h"
#include "git.h"
#include "linemap.h"
#include "map.h"
#include "migralint/migralint.h"
#include "pipeline.h"
#include "rule_history.h"
#include "rule_set.h"
#include "run.h"
#include "sql_tokens.h"
#include "suppress.h"
#include "tool.h"

/* A history being laid out: its migrations, and the current ones by their
 * path relative to the migration directory. */
struct layout {
	ml_run *run;
	ml_arena *arena;          /* the plan's: lives until the run has linted */
	const ml_plan_entry *first;
	ml_history_migration *migrations;
	const char **relpaths;    /* per migration: its path below the directory */
	ml_migration_file *files; /* per migration: what its tool makes of it */
	size_t n, cap;
	ml_map by_relpath;        /* relpath -> index + 1 */
	bool whole_dir;           /* every file of the directory is in the plan */
};

static size_t add_migration(struct layout *l, const ml_history_migration *m, const char *relpath,
			    const ml_migration_file *file)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		l->migrations = ml_arena_grow(l->arena, l->migrations, l->cap * sizeof(*l->migrations),
					      cap * sizeof(*l->migrations));
		l->relpaths = ml_arena_grow(l->arena, l->relpaths, l->cap * sizeof(*l->relpaths),
					    cap * sizeof(*l->relpaths));
		l->files = ml_arena_grow(l->arena, l->files, l->cap * sizeof(*l->files), cap * sizeof(*l->files));
		l->cap = cap;
	}
	l->migrations[l->n] = *m;
	l->relpaths[l->n] = relpath;
	l->files[l->n] = *file;
	return l->n++;
}

/* path in arena with repeated slashes and "." components left out
 * ("db//./x.sql" is "db/x.sql"): one file named two ways is one file. */
static const char *tidy(ml_arena *arena, const char *path)
{
	size_t n = strlen(path);
	char *out = ml_arena_alloc(arena, n + 2);
	size_t used = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && path[j] != '/')
			j++;
		bool dot = j - i == 1 && path[i] == '.';
		if (j > i && !dot) {
			if (used || path[0] == '/')
				out[used++] = '/';
			memcpy(out + used, path + i, j - i);
			used += j - i;
		}
		i = j + 1;
	}
	if (!used)
		out[used++] = path[0] == '/' ? '/' : '.';
	out[used] = '\0';
	return out;
}

/* The path of path below root, '/' separated (in arena), or NULL when it
 * is not below it as written. */
static const char *below(ml_arena *arena, const char *path, const char *root)
{
	path = tidy(arena, path);
	root = tidy(arena, root);
	if (!strcmp(root, "."))
		return path;
	size_t n = strlen(root);
	if (!strncmp(path, root, n) && (path[n] == '/' || (n == 1 && root[0] == '/')))
		return path + n + (path[n] == '/');
	return NULL;
}

/* The text of the regular file path, malloc'd, or NULL (what cannot be
 * read was reported when the run walked or read it). A link is followed:
 * the walk let through only those to files inside the directory named. */
static char *read_text(const char *path, size_t limit, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat sb;
	FILE *f = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? fdopen(fd, "rb") : NULL;
	if (!f) {
		close(fd);
		return NULL;
	}
	char *text = NULL;
	if (ml_read_stream(f, 64 * 1024, limit, &text, len) != 0)
		text = NULL;
	fclose(f);
	return text;
}

/* Reads mig's text now (mig->text, mig->len, in arena) when it has none
 * yet; it stays NULL when the file cannot be read. */
static void load_text(ml_arena *arena, const ml_options *opts, ml_history_migration *mig)
{
	size_t len = 0;
	char *text = mig->text ? NULL : read_text(mig->path, ml_input_limit(opts), &len);
	if (!text)
		return;
	mig->text = ml_arena_strndup(arena, text, len);
	mig->len = len;
	free(text);
}

/* text[0, len) with what its tool does not run when it applies the
 * migration left out: the up steps only (a goose Down section edited is
 * no edit of what ran). In arena; text itself when all of it is up. */
static const char *up_text(ml_arena *arena, const ml_plan_entry *e, const ml_migration_file *file, const char *text,
			   size_t len, size_t *out_len)
{
	*out_len = len;
	if (!e->tool->sections || memchr(text, '\0', len))
		return text;
	ml_section *steps = malloc(ML_MAX_SECTIONS * sizeof(*steps));
	if (!steps)
		return text;
	size_t n = e->tool->sections(arena, e->root, file, text, len, steps, ML_MAX_SECTIONS);
	bool all_up = true;
	for (size_t s = 0; s < n; s++)
		all_up &= steps[s].direction == ML_DIRECTION_UP;
	if (all_up || !n) {
		free(steps);
		return text;
	}
	/* The up steps' bytes, a line break after each. */
	char *up = ml_arena_alloc(arena, len + n + 1);
	size_t used = 0;
	for (size_t s = 0; s < n; s++) {
		if (steps[s].direction != ML_DIRECTION_UP || steps[s].end > len || steps[s].start > steps[s].end)
			continue;
		const char *from = steps[s].text ? steps[s].text : text;
		memcpy(up + used, from + steps[s].start, steps[s].end - steps[s].start);
		used += steps[s].end - steps[s].start;
		up[used++] = '\n';
	}
	up[used] = '\0';
	free(steps);
	*out_len = used;
	return up;
}

/* Are a and b the same text, "\r\n" and "\n" alike (a checkout may turn
 * one into the other)? */
static bool same_text(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen == blen && !memcmp(a, b, alen))
		return true;
	size_t i = 0, j = 0;
	while (i < alen && j < blen) {
		if (a[i] == '\r' && i + 1 < alen && a[i + 1] == '\n')
			i++;
		if (b[j] == '\r' && j + 1 < blen && b[j + 1] == '\n')
			j++;
		if (a[i] != b[j])
			return false;
		i++;
		j++;
	}
	return i == alen && j == blen;
}

/* The byte of now where it first differs from then, moved back to the
 * start of its line. */
static size_t first_difference(const char *now, size_t now_len, const char *then, size_t then_len)
{
	size_t i = 0;
	while (i < now_len && i < then_len && now[i] == then[i])
		i++;
	while (i > 0 && now[i - 1] != '\n')
		i--;
	return i;
}

/* How the up of the migration e (text now) differs from the one at the
 * base (then). */
static ml_base_state compare_text(ml_arena *arena, const ml_plan_entry *e, const ml_migration_file *file,
				  const char *now, size_t now_len, const char *then, size_t then_len)
{
	if (same_text(now, now_len, then, then_len))
		return ML_BASE_SAME;
	size_t up_now_len, up_then_len;
	const char *up_now = up_text(arena, e, file, now, now_len, &up_now_len);
	const char *up_then = up_text(arena, e, file, then, then_len, &up_then_len);
	if (same_text(up_now, up_now_len, up_then, up_then_len))
		return ML_BASE_SAME;
	return ml_sql_same_tokens(up_now, up_now_len, up_then, up_then_len) == 1 ? ML_BASE_COSMETIC : ML_BASE_EDITED;
}

/* Compares the history laid out in l with the migration directory at the
 * base. Returns 0, or -1 with the run's base error set. */
static int compare_with_base(struct layout *l)
{
	ml_run *run = l->run;
	const ml_plan_entry *e = l->first;
	const char *error = NULL;
	ml_git_base *base = NULL;
	if (ml_git_base_open(l->arena, e->root->path, run->options.base, &base, &error) != 0) {
		run->base_error = ml_arena_strdup(run->arena, error);
		return -1;
	}
	ml_git_file *files = NULL;
	size_t n_files = 0;
	if (ml_git_base_list(base, l->arena, e->root->path, &files, &n_files, &error) != 0) {
		run->base_error = ml_arena_strdup(run->arena, error);
		return -1;
	}
	/* The base's migrations of this history: classified as the tool
	 * classifies them now. Downs do not count: a down edited or removed
	 * changes nothing a database has applied. */
	ml_git_file *kept = ml_arena_alloc(l->arena, (n_files + 1) * sizeof(*kept));
	size_t n_kept = 0;
	for (size_t i = 0; i < n_files; i++) {
		size_t plen = strlen(files[i].path);
		if (plen < 4 || strcmp(files[i].path + plen - 4, ".sql"))
			continue;
		if (!l->whole_dir && !ml_map_get(&l->by_relpath, files[i].path))
			continue;
		ml_migration_file file;
		ml_tool_classify(e->tool, l->arena, e->root, files[i].path, &file);
		if (file.kind != ML_FILE_MIGRATION || file.direction == ML_DIRECTION_DOWN)
			continue;
		kept[n_kept++] = files[i];
	}
	if (ml_git_base_read(base, l->arena, kept, n_kept, ml_input_limit(&run->options), &error) != 0) {
		run->base_error = ml_arena_strdup(run->arena, error);
		return -1;
	}
	bool *matched = ml_arena_alloc(l->arena, (n_kept + 1) * sizeof(*matched));
	size_t n_now = l->n;
	for (size_t m = 0; m < n_now; m++) {
		ml_history_migration *mig = &l->migrations[m];
		if (mig->down) {
			mig->base = ML_BASE_SAME;
			continue;
		}
		load_text(l->arena, &run->options, mig);
		mig->base = ML_BASE_NEW;
		for (size_t k = 0; k < n_kept; k++) {
			if (strcmp(kept[k].path, l->relpaths[m]))
				continue;
			matched[k] = true;
			if (!mig->text) {
				mig->base = ML_BASE_SAME; /* unreadable: its input error says so */
				break;
			}
			mig->base = compare_text(l->arena, e, &l->files[m], mig->text, mig->len, kept[k].text, kept[k].len);
			if (mig->base != ML_BASE_SAME)
				mig->changed_at = first_difference(mig->text, mig->len, kept[k].text, kept[k].len);
			break;
		}
	}
	/* What the base had and the directory no longer has: renamed, when a
	 * new migration holds the same statements, else deleted. The same text
	 * is looked for first; the same tokens (a rename with a layout edit)
	 * only among a few pairs, each comparison being two scans. */
	size_t n_gone = 0, added = 0;
	for (size_t k = 0; k < n_kept; k++)
		n_gone += !matched[k];
	for (size_t m = 0; m < n_now; m++)
		added += l->migrations[m].base == ML_BASE_NEW && l->migrations[m].text;
	bool by_tokens = n_gone * added <= 256;
	for (size_t k = 0; k < n_kept; k++) {
		if (matched[k])
			continue;
		bool renamed = false;
		for (size_t m = 0; m < n_now && !renamed; m++) {
			ml_history_migration *mig = &l->migrations[m];
			if (mig->base != ML_BASE_NEW || !mig->text)
				continue;
			ml_base_state how = same_text(mig->text, mig->len, kept[k].text, kept[k].len) ? ML_BASE_SAME
					    : by_tokens ? compare_text(l->arena, e, &l->files[m], mig->text, mig->len,
								       kept[k].text, kept[k].len)
							: ML_BASE_EDITED;
			if (how == ML_BASE_EDITED)
				continue;
			mig->base = ML_BASE_RENAMED;
			mig->renamed_text = how;
			mig->base_path = ml_arena_printf(l->arena, "%s/%s", e->root->path, kept[k].path);
			renamed = true;
		}
		if (renamed)
			continue;
		ml_migration_file file;
		ml_tool_classify(e->tool, l->arena, e->root, kept[k].path, &file);
		ml_history_migration gone = { .path = ml_arena_printf(l->arena, "%s/%s", e->root->path, kept[k].path),
					      .version = file.version,
					      .group = file.group,
					      .planned = file.plan_index >= 0,
					      .order = (size_t)-1,
					      .base = ML_BASE_DELETED };
		add_migration(l, &gone, kept[k].path, &file);
	}
	return 0;
}

/* The severity of a finding of rule about path, moved step levels, in
 * *severity; false when the rule is off for path (or path is excluded). */
static bool severity_for(ml_run *run, const char *path, const ml_rule *rule, int step, ml_severity *severity)
{
	ml_options options = run->options;
	if (run->options_hook && !run->options_hook(run->options_hook_data, path, &options))
		return false;
	ml_rule_set rules;
	ml_rule_set_from_options(&rules, &options);
	size_t i = ml_registry_index(rule);
	if (!rules.enabled[i])
		return false;
	int s = (int)rules.severity[i] + step;
	*severity = s < ML_SEVERITY_INFO ? ML_SEVERITY_INFO : s > ML_SEVERITY_ERROR ? ML_SEVERITY_ERROR : (ml_severity)s;
	return true;
}

/* The migralint-ignore-file (or squawk-ignore-file) comment of text (map)
 * that silences rule, or NULL. A history finding is about the file as a
 * whole: only a whole-file comment can silence it. */
static ml_suppression *file_ignore(ml_arena *arena, const ml_line_map *map, const ml_rule *rule)
{
	if (!map->len || !ml_mentions_directive(map->text, map->len))
		return NULL;
	ml_ptr_vec found = { 0 };
	if (ml_suppressions_scan(arena, map, 0, map->len, &found) != 0)
		return NULL;
	for (size_t i = 0; i < found.len; i++) {
		ml_suppression *s = found.items[i];
		if (!s->whole_file)
			continue;
		if (s->all_rules)
			return s;
		for (size_t k = 0; k < s->n_rules; k++)
			if (!strcmp(s->rules[k], rule->info.name) || (rule->info.alias && !strcmp(s->rules[k], rule->info.alias)))
				return s;
	}
	return NULL;
}

/* Turns the history's findings into the run's diagnostics. */
static void take_findings(struct layout *l, const ml_history_findings *found)
{
	ml_run *run = l->run;
	for (size_t i = 0; i < found->len; i++) {
		const ml_history_finding *f = &found->items[i];
		ml_history_migration *mig = &l->migrations[f->migration];
		if (mig->base != ML_BASE_DELETED)
			load_text(l->arena, &run->options, mig); /* for the finding's line and excerpt */
		ml_engine_finding e = { .finding = { .rule = f->rule, .start = f->at, .message = f->message,
						     .help = f->rule->info.help },
					.rewrite = -1, .scan = -1 };
		if (!severity_for(run, mig->path, f->rule, f->step, &e.severity))
			continue;
		ml_line_map map;
		ml_line_map_init(&map, l->arena, mig->text ? mig->text : "", mig->text ? mig->len : 0);
		int line, column;
		ml_line_map_position(&map, f->at, &line, &column);
		e.finding.end = ml_line_map_line_end(&map, line);
		e.suppressed_by = file_ignore(l->arena, &map, f->rule);
		if (e.finding.end < e.finding.start)
			e.finding.end = e.finding.start;
		ml_edge_file file = { .path = ml_arena_strdup(run->arena, mig->path), .map = &map,
				      .excerpts = !run->options.skip_excerpts && mig->text,
				      .direction = mig->down ? "down" : "up",
				      .version = mig->version ? ml_arena_strdup(run->arena, mig->version) : NULL };
		ml_diagnostic *d = ml_arena_alloc(run->arena, sizeof(*d));
		ml_diagnostic_from_finding(run->arena, &file, &e, d);
		d->direction = file.direction;
		d->version = file.version;
		ml_ptr_vec_push(run->arena, &run->diagnostics, d);
	}
}

/* Lays out and checks the history whose entries are plan[order[k, end)]. */
static void check_one(ml_run *run, ml_input_list *list, const size_t *order, size_t k, size_t end)
{
	const ml_plan_entry *first = NULL;
	bool reported = false;
	for (size_t j = k; j < end; j++) {
		const ml_plan_entry *e = &list->plan[order[j]];
		if (list->errors[order[j]] || !e->tool || !e->root)
			continue;
		if (!first)
			first = e;
		reported |= !e->context || e->since;
	}
	if (!first || !reported)
		return;
	struct layout l = { .run = run, .arena = list->arena, .first = first };
	/* A plain file named alone is a history of its own: the rest of its
	 * folder is nobody's history. */
	l.whole_dir = first->tool != ml_tool_plain() || first->arg_dir;
	for (size_t j = k; j < end; j++) {
		const ml_plan_entry *e = &list->plan[order[j]];
		const ml_pipeline_item *item = &list->items[order[j]];
		if (list->errors[order[j]] || !e->tool || e->file.kind != ML_FILE_MIGRATION)
			continue;
		const char *rel = below(l.arena, item->path, e->root->path);
		if (!rel)
			rel = e->file.name;
		ml_history_migration m = { .path = item->path,
					   .version = e->file.version,
					   .down = e->file.direction == ML_DIRECTION_DOWN,
					   .group = e->file.group,
					   .planned = e->file.plan_index >= 0,
					   .order = l.n,
					   .reported = !e->context || e->since };
		size_t at = add_migration(&l, &m, rel, &e->file);
		ml_map_put(l.arena, &l.by_relpath, rel, (void *)(at + 1));
	}
	if (run->options.base && compare_with_base(&l) != 0)
		return;
	ml_history_findings found = { .arena = l.arena };
	ml_history_ctx ctx = { .options = &run->options,
			       .tool = first->tool->name,
			       .root = first->root->path,
			       .out_of_order = first->tool->out_of_order,
			       .out_of_order_fails = first->tool->out_of_order_fails &&
						     first->tool->out_of_order_fails(first->root),
			       .versioned = first->tool != ml_tool_plain(),
			       .base_ref = run->options.base,
			       .migrations = l.migrations,
			       .n = l.n,
			       .arena = l.arena,
			       .out = &found };
	ml_rule_set rules;
	ml_rule_set_from_options(&rules, &run->options);
	ml_engine_check_history(&ctx, &rules);
	take_findings(&l, &found);
}

void ml_history_check_all(ml_run *run, ml_input_list *list, const size_t *order)
{
	for (size_t k = 0; k < list->len && !run->base_error;) {
		size_t end = k;
		while (end < list->len && list->plan[order[end]].history == list->plan[order[k]].history)
			end++;
		check_one(run, list, order, k, end);
		k = end;
	}
}
