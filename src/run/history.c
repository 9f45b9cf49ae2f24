/*
 * history.c - the order a run lints its inputs in: the way each file's
 * migration tool runs them. Every file is given its tool (named by the
 * run's options, or detected from the layout and markers of its migration
 * directory), what that tool makes of it (version, up or down, skipped),
 * and its place in its history; files of one history are sorted by
 * version. A migration directory only partly named gets the rest of its
 * earlier migrations as context, so that a changed file is linted with the
 * history behind it; so do the migrations up to options.since.
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "map.h"
#include "migralint/migralint.h"
#include "registry.h"
#include "rule_set.h"
#include "run.h"
#include "tool.h"

struct detection {
	const ml_tool *tool;
	const char *why;
	int score;                /* how sure detection is, 0 to 100 */
};

/* From this score on, detection is sure enough (a tool's config file or
 * marker line) to claim every file laid out below the directory, the
 * ones the tool does not run included (sqitch's verify/ scripts). */
#define SURE_SCORE 90

struct planner {
	ml_run *run;
	ml_arena *arena;
	const ml_tool *forced;    /* the tool the options name, or NULL: detect */
	ml_map detected;          /* folder -> struct detection * */
	ml_map roots;             /* "tool\nfolder" -> ml_tool_root * */
	ml_map histories;         /* the same key -> history index + 1 */
	ml_map real_dirs;         /* folder as written -> the same with symlinks resolved */
	size_t n_histories;
};

/* The folder holding path, lexically: "a/b" for "a/b/c", "." for "c",
 * "x/.." above "x" when x is itself "." or "..". */
static const char *parent_of(ml_arena *arena, const char *path)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	const char *base = path;
	for (size_t i = 0; i < n; i++)
		if (path[i] == '/')
			base = path + i + 1;
	size_t base_len = n - (size_t)(base - path);
	if ((base_len == 1 && base[0] == '.') || (base_len == 2 && base[0] == '.' && base[1] == '.'))
		return ml_arena_printf(arena, "%.*s/..", (int)n, path);
	if (base == path)
		return ".";
	if (base == path + 1)
		return "/";
	return ml_arena_strndup(arena, path, (size_t)(base - path) - 1);
}

/* Does path end in "..": a folder above the paths as named? */
static bool ends_with_parent(const char *path)
{
	size_t n = strlen(path);
	return n >= 2 && !strcmp(path + n - 2, "..") && (n == 2 || path[n - 3] == '/');
}

static const struct detection *detect_dir(struct planner *pl, const char *dir)
{
	struct detection *d = ml_map_get(&pl->detected, dir);
	if (d)
		return d;
	d = ml_arena_alloc(pl->arena, sizeof(*d));
	/* The listing and the file heads are needed only here. */
	ml_arena *scratch = ml_arena_new();
	ml_tool_dir listing;
	if (!scratch || ml_tool_dir_read(scratch, dir, &listing) != 0) {
		d->tool = ml_tool_plain();
		d->why = "its folder cannot be listed";
	} else {
		d->tool = ml_tool_detect_scored(&listing, &d->why, &d->score);
		d->why = ml_arena_strdup(pl->arena, d->why);
	}
	ml_arena_free(scratch);
	ml_map_put(pl->arena, &pl->detected, dir, d);
	return d;
}

/* dir with symlinks resolved (as written when it cannot be), cached: one
 * folder named two ways ("db", "./db", "/abs/db") is one history. */
static const char *real_dir(struct planner *pl, const char *dir)
{
	const char *known = ml_map_get(&pl->real_dirs, dir);
	if (known)
		return known;
	char *real = realpath(dir, NULL);
	known = ml_arena_strdup(pl->arena, real ? real : dir);
	free(real);
	ml_map_put(pl->arena, &pl->real_dirs, dir, (void *)known);
	return known;
}

static bool lies_below(const char *dir, const char *arg);

/* The context directory argument that holds the folder dir, or dir: a
 * plain file named alone takes its place in the history that context
 * replays. */
static const char *context_holding(struct planner *pl, const char *dir)
{
	const ml_options *opts = &pl->run->options;
	const char *real = real_dir(pl, dir);
	for (size_t i = 0; i < opts->n_context; i++) {
		struct stat sb;
		if (stat(opts->context[i], &sb) != 0 || !S_ISDIR(sb.st_mode))
			continue;
		if (lies_below(real, real_dir(pl, opts->context[i])))
			return opts->context[i];
	}
	return dir;
}

/* The path of file relative to root, or its last depth components when it
 * is not below root as written. */
static const char *relative_path(const char *path, const char *root, int depth)
{
	size_t n = strlen(root);
	if (strcmp(root, ".") && !strncmp(path, root, n) && path[n] == '/')
		return path + n + 1;
	const char *p = path + strlen(path);
	for (int seen = 0; p > path; p--)
		if (p[-1] == '/' && ++seen == depth)
			break;
	return p;
}

/* Does tool, whose migration directory root is, run the file at path as
 * a migration? A folder two levels up proves nothing about a file that
 * is not laid out as the tool's migrations are. */
static bool is_migration_of(struct planner *pl, const ml_tool *tool, const char *root, const char *path)
{
	ml_tool_root probe = { .path = root };
	if (tool->open_root)
		tool->open_root(pl->arena, &probe);
	ml_migration_file file;
	ml_tool_classify(tool, pl->arena, &probe, relative_path(path, root, tool->depth), &file);
	return file.kind == ML_FILE_MIGRATION;
}

/* Gives entry its tool, root, history and classification for the file at
 * path. tool: the tool to use (a history's, for its context), or NULL. */
static void resolve(struct planner *pl, const char *path, const ml_tool *tool, const char *root_path,
		    ml_plan_entry *entry)
{
	const char *why = NULL;
	if (!tool && pl->forced) {
		tool = pl->forced;
		why = "named with --tool or \"tool\"";
	}
	const char *p1 = parent_of(pl->arena, path);
	if (tool && tool != ml_tool_plain() && !root_path) {
		root_path = tool->depth >= 2 ? parent_of(pl->arena, p1) : p1;
	} else if (tool) {
		/* plain: its history is the directory argument (below) */
	} else if (!tool) {
		/* The folder above first: one detection serves every migration
		 * folder of a diesel or prisma directory. It decides only for a
		 * file laid out as its tool's migrations (unless it is sure), and
		 * never from above the tree the paths name (".."). */
		const char *p2 = parent_of(pl->arena, p1);
		const struct detection *d2 = ends_with_parent(p2) ? NULL : detect_dir(pl, p2);
		const struct detection *d1 = NULL;
		if (d2 && d2->tool != ml_tool_plain() && d2->tool->depth >= 2 &&
		    (d2->score >= SURE_SCORE || is_migration_of(pl, d2->tool, p2, path))) {
			tool = d2->tool;
			why = d2->why;
			root_path = p2;
		} else if ((d1 = detect_dir(pl, p1))->tool != ml_tool_plain() && d1->tool->depth == 1) {
			tool = d1->tool;
			why = d1->why;
			root_path = p1;
		} else {
			/* A file the tool of the folder above would not run (a
			 * folder that only looks like diesel's) is linted as it is. */
			tool = ml_tool_plain();
			why = d1->why;
		}
	}
	if (tool == ml_tool_plain() && !root_path)
		root_path = entry->arg_dir ? entry->arg_dir : context_holding(pl, p1);
	/* Plain files named one by one run in the order they were named: each
	 * is a history of its own (the catalog still carries from one to the
	 * next). */
	bool alone = tool == ml_tool_plain() && !entry->arg_dir && (root_path == p1 || !pl->run->options.n_context);
	const char *key = alone ? ml_arena_printf(pl->arena, "plain\n%s\n%s", root_path, path)
				  : ml_arena_printf(pl->arena, "%s\n%s", tool->name, real_dir(pl, root_path));
	ml_tool_root *root = ml_map_get(&pl->roots, key);
	if (!root) {
		root = ml_arena_alloc(pl->arena, sizeof(*root));
		root->path = ml_arena_strdup(pl->arena, root_path);
		if (tool->open_root)
			tool->open_root(pl->arena, root);
		ml_map_put(pl->arena, &pl->roots, key, root);
		ml_map_put(pl->arena, &pl->histories, key, (void *)(uintptr_t)++pl->n_histories);
	}
	entry->tool = tool;
	entry->tool_why = why ? why : "the tool of its history";
	entry->root = root;
	entry->history = (size_t)(uintptr_t)ml_map_get(&pl->histories, key);
	const char *rel = tool == ml_tool_plain() ? relative_path(path, root_path, 1 << 20)
						   : relative_path(path, root_path, tool->depth);
	ml_tool_classify(tool, pl->arena, root, rel, &entry->file);
	if (!entry->file.name)
		entry->file.name = rel;
}

static void planner_init(struct planner *pl, ml_run *run, ml_arena *arena)
{
	memset(pl, 0, sizeof(*pl));
	pl->run = run;
	pl->arena = arena;
	const char *name = run->options.tool;
	if (name && strcmp(name, "auto"))
		pl->forced = ml_tool_find(name);
}

/* Is the folder dir the directory argument arg or below it (as written)? */
static bool lies_below(const char *dir, const char *arg)
{
	size_t n = strlen(arg);
	while (n > 1 && arg[n - 1] == '/')
		n--;
	return !strncmp(dir, arg, n) && (dir[n] == '\0' || dir[n] == '/');
}

static int sign(int c)
{
	return (c > 0) - (c < 0);
}

/* The order of a history: group, the tool's plan, version, up before down,
 * then the name as a version. */
static int compare_entries(const ml_plan_entry *a, const ml_plan_entry *b)
{
	if (a->history != b->history)
		return a->history < b->history ? -1 : 1;
	if (a->file.group != b->file.group)
		return a->file.group < b->file.group ? -1 : 1;
	bool pa = a->file.plan_index >= 0, pb = b->file.plan_index >= 0;
	if (pa != pb)
		return pa ? -1 : 1;
	if (pa && a->file.plan_index != b->file.plan_index)
		return a->file.plan_index < b->file.plan_index ? -1 : 1;
	int c = ml_version_compare(a->file.version, b->file.version);
	if (c)
		return sign(c);
	if (a->file.direction != b->file.direction)
		return a->file.direction == ML_DIRECTION_UP ? -1 : 1;
	return sign(ml_version_compare(a->file.name, b->file.name));
}

static int compare_items(const void *pa, const void *pb, void *data)
{
	const ml_input_list *list = data;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = compare_entries(&list->plan[a], &list->plan[b]);
	if (c)
		return c;
	return a < b ? -1 : a > b;
}

/* Adds, as context, the migrations of every history whose folder no
 * directory argument covered: some of its files were named alone. */
static void add_unnamed_history(struct planner *pl, ml_input_list *list)
{
	size_t n = list->len;
	ml_map walked = { 0 };
	for (size_t i = 0; i < n; i++) {
		ml_plan_entry *e = &list->plan[i];
		if (list->errors[i] || !e->tool || e->tool == ml_tool_plain() || e->context)
			continue;
		if (e->arg_dir && lies_below(e->root->path, e->arg_dir))
			continue;
		if (ml_map_get(&walked, e->root->path))
			continue;
		ml_map_put(pl->arena, &walked, e->root->path, (void *)"");
		size_t before = list->len;
		(void)ml_run_collect_dir(pl->run, list, e->root->path, true);
		for (size_t k = before; k < list->len; k++)
			if (!list->errors[k])
				resolve(pl, list->items[k].path, e->tool, e->root->path, &list->plan[k]);
	}
}

/* Does text (len bytes, NUL-terminated) hold no statement: comments and
 * blanks only? */
static bool no_statement(ml_arena *arena, const char *text, size_t len)
{
	return ml_tool_statement_count(arena, text, len, 1) == 0;
}

/* Pairs each up of the histories whose tool has downs with its down file:
 * plan[order[k, end)] is one history. A file with a down section (goose)
 * is paired in the file itself (lint_file.c). Without find_downs (no rule
 * asks whether a down exists), each is only marked as having downs. */
static void pair_downs(ml_arena *arena, ml_input_list *list, const size_t *order, size_t k, size_t end,
		       bool find_downs)
{
	const ml_plan_entry *first = NULL;
	bool any_down = false;
	for (size_t j = k; j < end; j++) {
		const ml_plan_entry *e = &list->plan[order[j]];
		if (list->errors[order[j]] || !e->tool)
			continue;
		if (!first)
			first = e;
		any_down |= e->file.direction == ML_DIRECTION_DOWN;
	}
	if (!first || first->tool->downs == ML_DOWNS_NONE)
		return;
	/* Optional downs are expected only where the directory has some. */
	if (first->tool->downs == ML_DOWNS_WHEN_USED && !any_down)
		return;
	for (size_t j = k; j < end; j++) {
		ml_plan_entry *e = &list->plan[order[j]];
		if (!list->errors[order[j]] && e->tool)
			e->downs = true;
	}
	/* Two ups of one version (duplicate-migration-version's) cannot be
	 * told apart by their downs: neither is paired. A version's files are
	 * neighbours in the order. */
	for (size_t j = k; j < end;) {
		const char *version = list->plan[order[j]].file.version;
		size_t run = j, ups = 0;
		while (run < end && version && !list->errors[order[run]] &&
		       ml_version_compare(list->plan[order[run]].file.version, version) == 0)
			ups += list->plan[order[run++]].file.direction == ML_DIRECTION_UP;
		for (size_t i = j; ups > 1 && i < run; i++)
			list->plan[order[i]].downs = false;
		j = run > j ? run : j + 1;
	}
	for (size_t j = k; j < end; j++) {
		ml_plan_entry *e = &list->plan[order[j]];
		if (list->errors[order[j]] || !e->tool || !e->downs)
			continue;
		if (!find_downs || e->file.direction != ML_DIRECTION_UP || e->file.kind != ML_FILE_MIGRATION)
			continue;
		e->down = ML_DOWN_MISSING;
		/* Its down sorts right after it: the same version, down after up. */
		for (size_t i = j + 1; i < end; i++) {
			const ml_plan_entry *d = &list->plan[order[i]];
			if (list->errors[order[i]] || !d->tool)
				continue;
			if (ml_version_compare(d->file.version, e->file.version) != 0 || !e->file.version)
				break;
			if (d->file.direction != ML_DIRECTION_DOWN)
				continue;
			const char *path = list->items[order[i]].path;
			e->down_path = path;
			e->down = ML_DOWN_PRESENT;
			if (d->file.kind == ML_FILE_MIGRATION) {
				/* A down of comments only is short; a longer one that
				 * starts with 64 KiB of them counts as having a statement. */
				enum { HEAD = 64 * 1024 };
				const char *text = ml_tool_read_head(arena, path, HEAD);
				size_t len = text ? strlen(text) : 0;
				if (text && len < HEAD && no_statement(arena, text, len))
					e->down = ML_DOWN_EMPTY;
			}
			break;
		}
	}
}

/* Marks as context the migrations of each history up to since, in the
 * order the tool runs them: up to the last one whose version is since
 * (sqitch's change names, a journal's order, versions compared as text),
 * or, in a history without that version, those whose version compares at
 * or below it. A file named to be linted is still listed (as skipped). */
static void mark_since(ml_input_list *list, const size_t *order, const char *since)
{
	for (size_t k = 0; k < list->len;) {
		size_t history = list->plan[order[k]].history, end = k, last = (size_t)-1;
		while (end < list->len && list->plan[order[end]].history == history) {
			const ml_plan_entry *e = &list->plan[order[end]];
			if (e->tool && e->file.version && !strcmp(e->file.version, since))
				last = end;
			end++;
		}
		for (size_t j = k; j < end; j++) {
			ml_plan_entry *e = &list->plan[order[j]];
			if (!e->tool || list->errors[order[j]])
				continue;
			bool before = last != (size_t)-1 ? j <= last
							 : e->file.version && ml_version_compare(e->file.version, since) <= 0;
			if (before && !e->context) {
				e->context = true;
				e->since = true;
			}
		}
		k = end;
	}
}

void ml_history_plan(ml_run *run, ml_input_list *list)
{
	if (!list->len)
		return;
	struct planner pl;
	planner_init(&pl, run, list->arena);
	for (size_t i = 0; i < list->len; i++) {
		if (list->errors[i]) {
			list->plan[i].history = ++pl.n_histories; /* keeps its place */
			continue;
		}
		resolve(&pl, list->items[i].path, NULL, NULL, &list->plan[i]);
	}
	add_unnamed_history(&pl, list);

	size_t *order = ml_arena_alloc(list->arena, list->len * sizeof(*order));
	for (size_t i = 0; i < list->len; i++)
		order[i] = i;
	qsort_r(order, list->len, sizeof(*order), compare_items, list);
	if (run->options.since)
		mark_since(list, order, run->options.since);
	/* Before context is dropped: the checks see every migration. */
	ml_history_check_all(run, list, order);
	ml_rule_set rules;
	ml_rule_set_from_options(&rules, &run->options);
	const ml_rule *missing_down = ml_registry_find("missing-down-migration");
	bool pairing = missing_down && rules.enabled[ml_registry_index(missing_down)];
	for (size_t k = 0; k < list->len;) {
		size_t end = k;
		while (end < list->len && list->plan[order[end]].history == list->plan[order[k]].history)
			end++;
		pair_downs(list->arena, list, order, k, end, pairing);
		k = end;
	}
	for (size_t i = 0; i < list->len; i++) {
		ml_plan_entry *e = &list->plan[i];
		if (e->tool && e->file.kind == ML_FILE_SKIPPED) {
			list->items[i].skip = true; /* listed, never read */
			if (e->context)
				e->dropped = true;
		}
	}

	/* What the tool had to say about a directory goes with the first
	 * file of it that is reported. */
	for (size_t k = 0; k < list->len; k++) {
		ml_plan_entry *e = &list->plan[order[k]];
		bool first = k == 0 || list->plan[order[k - 1]].history != e->history;
		for (size_t j = k; first && j < list->len && list->plan[order[j]].history == e->history; j++) {
			ml_plan_entry *r = &list->plan[order[j]];
			if (!r->context && r->root && r->root->note) {
				r->note = r->root->note;
				break;
			}
		}
	}

	/* Context after the last reported migration of its history changes
	 * nothing that is reported. */
	for (size_t k = list->len; k-- > 0;) {
		ml_plan_entry *e = &list->plan[order[k]];
		bool reported_later = k + 1 < list->len &&
				      list->plan[order[k + 1]].history == e->history &&
				      !list->plan[order[k + 1]].dropped;
		if (e->context && !e->since && !list->errors[order[k]] && !reported_later)
			e->dropped = true;
	}

	ml_pipeline_item *items = ml_arena_alloc(list->arena, list->len * sizeof(*items));
	const char **errors = ml_arena_alloc(list->arena, list->len * sizeof(*errors));
	ml_plan_entry *plan = ml_arena_alloc(list->arena, list->len * sizeof(*plan));
	size_t kept = 0;
	for (size_t k = 0; k < list->len; k++) {
		size_t i = order[k];
		if (list->plan[i].dropped)
			continue;
		items[kept] = list->items[i];
		errors[kept] = list->errors[i];
		plan[kept] = list->plan[i];
		kept++;
	}
	list->items = items;
	list->errors = errors;
	list->plan = plan;
	list->len = list->cap = kept;
}

void ml_history_entry_for(ml_run *run, const char *path, ml_plan_entry *entry)
{
	memset(entry, 0, sizeof(*entry));
	struct planner pl;
	planner_init(&pl, run, run->arena);
	struct stat sb;
	const char *folder = parent_of(run->arena, path);
	if (pl.forced || stat(folder, &sb) == 0) {
		resolve(&pl, path, NULL, NULL, entry);
		return;
	}
	resolve(&pl, path, ml_tool_plain(), folder, entry);
}

int ml_options_set_tool(ml_options *opts, const char *name)
{
	if (strcmp(name, "auto") && !ml_tool_find(name))
		return -1;
	opts->tool = strcmp(name, "auto") ? ml_tool_find(name)->name : NULL;
	return 0;
}

int ml_down_mode_parse(const char *text, ml_down_mode *out)
{
	static const char *const NAMES[] = { "info", "lint", "skip" };
	for (int i = 0; i < 3; i++)
		if (!strcmp(text, NAMES[i])) {
			*out = (ml_down_mode)i;
			return 0;
		}
	return -1;
}

int ml_detect_tool(const ml_options *opts, const char *path, const char **tool, const char **why)
{
	static _Thread_local char reason[512];
	struct stat sb;
	if (stat(path, &sb) != 0)
		return -1;
	ml_arena *arena = ml_arena_new();
	if (!arena)
		return -1;
	ml_run scratch = { .options = *opts, .arena = arena };
	struct planner pl;
	planner_init(&pl, &scratch, arena);
	if (pl.forced) {
		*tool = pl.forced->name;
		*why = "named with --tool or \"tool\"";
	} else if (S_ISDIR(sb.st_mode)) {
		const struct detection *d = detect_dir(&pl, path);
		*tool = d->tool->name;
		snprintf(reason, sizeof(reason), "%s", d->why);
		*why = reason;
	} else {
		ml_plan_entry entry = { 0 };
		resolve(&pl, path, NULL, NULL, &entry);
		*tool = entry.tool->name;
		snprintf(reason, sizeof(reason), "%s (migration directory %s)", entry.tool_why, entry.root->path);
		*why = reason;
	}
	ml_arena_free(arena);
	return 0;
}
