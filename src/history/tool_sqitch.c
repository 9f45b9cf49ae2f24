/*
 * tool_sqitch.c - sqitch: a project folder with sqitch.plan and the folders
 * deploy/, revert/ and verify/, one NAME.sql per change in each. The plan
 * gives the order; deploy scripts are the ups, revert scripts the downs,
 * and verify scripts only check a deploy, so they are listed, never linted.
 * sqitch runs each script as written (psql -f for PostgreSQL): the
 * scripts carry their own BEGIN/COMMIT, so no step is in a transaction
 * that the script does not open itself.
 *
 * Reworked changes: the plan names a change again after a tag, and the
 * earlier script is kept as NAME@TAG.sql. NAME@TAG is the change as of that
 * tag: its last entry in the plan before the tag. NAME alone is its last
 * entry in the plan.
 * Sources: https://sqitch.org/docs/manual/sqitch-plan/,
 * https://sqitch.org/docs/manual/sqitch-rework/; docs/tools.md.
 */
#include <string.h>

#include "tool.h"

/* The largest plan read; a longer one is read up to here (a note says so). */
#define PLAN_BYTES (8u << 20)

typedef struct sqitch_change {
	const char *name;
} sqitch_change;

typedef struct sqitch_tag {
	const char *name;         /* without the '@' */
	size_t changes_before;    /* how many changes the plan lists before it */
} sqitch_tag;

typedef struct sqitch_plan {
	sqitch_change *changes;
	size_t n_changes;
	sqitch_tag *tags;
	size_t n_tags;
} sqitch_plan;

static bool has_file(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static int detect(const ml_tool_dir *dir, const char **why)
{
	bool plan = has_file(dir->files, dir->n_files, "sqitch.plan");
	bool deploy = has_file(dir->subdirs, dir->n_subdirs, "deploy");
	bool revert = has_file(dir->subdirs, dir->n_subdirs, "revert");
	if (plan && deploy) {
		*why = "sqitch.plan beside a deploy/ folder";
		return 95;
	}
	if (plan) {
		*why = "sqitch.plan in the folder";
		return 90;
	}
	if (deploy && revert) {
		*why = "deploy/ and revert/ folders (no sqitch.plan: scripts run in name order)";
		return 60;
	}
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Reads the plan's change and tag lines; pragmas (%), comments (#) and
 * blank lines carry no order. */
static void parse_plan(ml_arena *arena, const char *text, sqitch_plan *plan)
{
	ml_ptr_vec changes = { 0 }, tags = { 0 };
	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');
		const char *end = nl ? nl : line + strlen(line);
		const char *p = line;
		while (p < end && is_space(*p))
			p++;
		if (p < end && *p != '%' && *p != '#') {
			/* "@tag", "name", "+name" (deploy) or "-name" (a revert entry,
			 * which adds no change to the order). */
			bool tag = *p == '@', revert = *p == '-';
			if (tag || revert || *p == '+')
				p++;
			const char *name = p;
			while (p < end && !is_space(*p) && *p != '[')
				p++;
			if (p > name && tag) {
				sqitch_tag *t = ml_arena_alloc(arena, sizeof(*t));
				t->name = ml_arena_strndup(arena, name, (size_t)(p - name));
				t->changes_before = changes.len;
				ml_ptr_vec_push(arena, &tags, t);
			} else if (p > name && !revert) {
				sqitch_change *c = ml_arena_alloc(arena, sizeof(*c));
				c->name = ml_arena_strndup(arena, name, (size_t)(p - name));
				ml_ptr_vec_push(arena, &changes, c);
			}
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	plan->n_changes = changes.len;
	plan->changes = ml_arena_alloc(arena, (changes.len + 1) * sizeof(*plan->changes));
	for (size_t i = 0; i < changes.len; i++)
		plan->changes[i] = *(sqitch_change *)changes.items[i];
	plan->n_tags = tags.len;
	plan->tags = ml_arena_alloc(arena, (tags.len + 1) * sizeof(*plan->tags));
	for (size_t i = 0; i < tags.len; i++)
		plan->tags[i] = *(sqitch_tag *)tags.items[i];
}

static void open_root(ml_arena *arena, ml_tool_root *root)
{
	const char *text = ml_tool_read_head(arena, ml_arena_printf(arena, "%s/sqitch.plan", root->path), PLAN_BYTES);
	if (!text) {
		root->note = "sqitch.plan could not be read: scripts run in the order of their names";
		return;
	}
	if (strlen(text) >= PLAN_BYTES)
		root->note = "sqitch.plan is larger than 8 MiB: only its first 8 MiB give the order";
	sqitch_plan *plan = ml_arena_alloc(arena, sizeof(*plan));
	parse_plan(arena, text, plan);
	root->data = plan;
}

/* The plan position of the change a script is named for ("users" or
 * "users@v1.0"), or -1 when the plan does not list it. */
static long plan_position(const sqitch_plan *plan, const char *script)
{
	const char *at = strchr(script, '@');
	size_t name_len = at ? (size_t)(at - script) : strlen(script);
	size_t limit = plan->n_changes;
	if (at) {
		size_t t = 0;
		while (t < plan->n_tags && strcmp(plan->tags[t].name, at + 1))
			t++;
		if (t == plan->n_tags)
			return -1;
		limit = plan->tags[t].changes_before;
	}
	for (size_t i = limit; i-- > 0;)
		if (strlen(plan->changes[i].name) == name_len && !strncmp(plan->changes[i].name, script, name_len))
			return (long)i;
	return -1;
}

static void classify(ml_arena *arena, const ml_tool_root *root, const char *relpath, ml_migration_file *out)
{
	const char *slash = strchr(relpath, '/');
	size_t folder = slash ? (size_t)(slash - relpath) : 0;
	bool deploy = folder == 6 && !strncmp(relpath, "deploy", 6);
	bool revert = folder == 6 && !strncmp(relpath, "revert", 6);
	bool verify = folder == 6 && !strncmp(relpath, "verify", 6);
	if (!(deploy || revert || verify) || !ml_tool_ends_with(relpath, ".sql")) {
		out->kind = ML_FILE_SKIPPED;
		out->skip = "not a sqitch script: sqitch runs deploy/, revert/ and verify/ NAME.sql";
		return;
	}
	if (verify) {
		out->kind = ML_FILE_SKIPPED;
		out->skip = "a sqitch verify script: it checks a deploy, it does not change the schema";
		return;
	}
	const char *change = ml_arena_strndup(arena, slash + 1, strlen(slash + 1) - strlen(".sql"));
	out->direction = revert ? ML_DIRECTION_DOWN : ML_DIRECTION_UP;
	/* A change has a name, not a version: the name is what --since and
	 * the reports show, and the plan gives the order. */
	out->version = change;
	out->name = change;
	out->transaction = 0;
	out->transaction_why = "sqitch runs a script as written: its own BEGIN/COMMIT decide";
	const sqitch_plan *plan = root->data;
	if (!plan)
		return;
	out->plan_index = plan_position(plan, change);
	if (out->plan_index < 0) {
		out->kind = ML_FILE_SKIPPED;
		out->skip = "not in sqitch.plan: sqitch never runs it";
	}
}

const ml_tool ml_tool_sqitch_preset = {
	.name = "sqitch",
	.summary = "sqitch: deploy/ and revert/ NAME.sql in sqitch.plan order; verify/ skipped; own BEGIN/COMMIT",
	.depth = 2,
	.detect = detect,
	.open_root = open_root,
	.classify = classify,
	.in_transaction_default = 0,
	.downs = ML_DOWNS_EXPECTED,
};
