/*
 * dropped-column-still-referenced - a column dropped or renamed while
 * something still uses it: a view, a constraint, a policy or a function
 * body the migrations made (the catalog knows each, and where it was
 * made), a later statement of the run, or, with --references, the
 * application's code (the run scans it after the lint and adds the uses).
 * Says what each user does: the drop fails, CASCADE takes it along,
 * PostgreSQL drops it anyway, or it breaks when it next runs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rule_api.h"

#define MAX_NAMED 6
#define MAX_REFERENCES 64

/* A message being built in a fixed buffer; what does not fit is cut. */
typedef struct text {
	char buf[2048];
	size_t len;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...)
{
	if (t->len >= sizeof(t->buf) - 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len = t->len + (size_t)n < sizeof(t->buf) ? t->len + (size_t)n : sizeof(t->buf) - 1;
}

static const char *effect_of(ml_dependency dependency, bool cascade)
{
	switch (dependency) {
	case ML_DEPENDENCY_NORMAL:
		return cascade ? "cascades" : "fails";
	case ML_DEPENDENCY_AUTO:
		return "dropped";
	default:
		return "breaks";
	}
}

/* "view user_names (db/migrations/0003_views.sql:4)" for each hit whose
 * effect is effect, joined with ", "; returns how many. */
static size_t name_hits(text *t, const ml_dependent_hit *hits, size_t n, bool cascade, const char *effect)
{
	size_t named = 0, count = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(effect_of(hits[i].dependency, cascade), effect))
			continue;
		count++;
		if (named == MAX_NAMED)
			continue;
		const ml_dependent *d = hits[i].dependent;
		add(t, "%s%s %s (%s:%d)", named ? ", " : "", d->kind, d->name, d->path, d->line);
		named++;
	}
	if (count > named)
		add(t, " and %zu more", count - named);
	return count;
}

static size_t count_effect(const ml_dependent_hit *hits, size_t n, bool cascade, const char *effect)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += !strcmp(effect_of(hits[i].dependency, cascade), effect);
	return count;
}

/* The column column of rel goes: dropped (renamed_to NULL) or renamed. */
static void column_goes(const ml_stmt_ctx *ctx, const ml_rule *self, const PgQuery__RangeVar *rel,
			const char *column, const char *renamed_to, bool cascade)
{
	size_t n;
	const ml_dependent_hit *hits = ml_column_dependents(ctx, rel, column, &n);
	/* A rename keeps everything PostgreSQL tracks working: it follows the
	 * column. Only bodies naming the old name break. */
	size_t fails = renamed_to ? 0 : count_effect(hits, n, cascade, "fails");
	size_t cascades = renamed_to ? 0 : count_effect(hits, n, cascade, "cascades");
	size_t breaks = count_effect(hits, n, cascade, "breaks");
	size_t dropped = renamed_to ? 0 : count_effect(hits, n, cascade, "dropped");
	bool scan_code = ctx->options->n_references > 0 && !ml_table_is_new(ctx, rel);
	if (!fails && !cascades && !breaks && !scan_code)
		return;

	const char *table = ml_table_name(ctx, rel);
	text t = { .len = 0 };
	if (renamed_to)
		add(&t, "renaming column \"%s\" of \"%s\" to \"%s\"", column, table, renamed_to);
	else
		add(&t, "dropping column \"%s\" of \"%s\"", column, table);
	const char *sep = "";
	if (fails) {
		add(&t, " fails: PostgreSQL refuses it without CASCADE, as ");
		name_hits(&t, hits, n, cascade, "fails");
		add(&t, " %s it", fails == 1 ? "uses" : "use");
		sep = ";";
	}
	if (cascades) {
		add(&t, "%s with CASCADE also drops ", *sep ? sep : "");
		name_hits(&t, hits, n, cascade, "cascades");
		sep = ";";
	}
	if (breaks) {
		add(&t, "%s %s ", *sep ? sep : "", renamed_to ? "breaks" : "breaks");
		name_hits(&t, hits, n, cascade, "breaks");
		add(&t, ", which still %s it in %s body: PostgreSQL does not track that, and the call fails at run "
			"time", breaks == 1 ? "names" : "name", breaks == 1 ? "its" : "their");
		sep = ";";
	}
	if (dropped && (fails || cascades || breaks)) {
		add(&t, "; PostgreSQL also drops ");
		name_hits(&t, hits, n, cascade, "dropped");
		add(&t, " with it");
	}

	ml_reference refs[MAX_REFERENCES];
	size_t n_refs = 0;
	for (size_t i = 0; i < n && n_refs < MAX_REFERENCES; i++) {
		const char *effect = effect_of(hits[i].dependency, cascade);
		if (renamed_to && strcmp(effect, "breaks"))
			continue;
		const ml_dependent *d = hits[i].dependent;
		refs[n_refs++] = (ml_reference){ .kind = d->kind, .name = d->name, .effect = effect, .path = d->path,
						 .line = d->line };
	}
	ml_report_extra extra = {
		.references = refs,
		.n_references = n_refs,
		.gone_schema = scan_code ? (rel->schemaname ? rel->schemaname : "") : NULL,
		.gone_table = scan_code ? rel->relname : NULL,
		.gone_column = scan_code ? column : NULL,
		.only_if_used = !fails && !cascades && !breaks,
	};
	ml_report_extra_at(ctx, self, -1, &extra, "%s", t.buf);
}

/* ---- later statements that still use a column gone earlier ---------------- */

#define MAX_SEEN 16

struct later_use {
	const ml_stmt_ctx *ctx;
	const ml_rule *self;
	const ml_gone_column *seen[MAX_SEEN];
	size_t n_seen;
};

static void on_ref(const ml_column_ref *ref, void *data)
{
	struct later_use *u = data;
	if (!ref->column || ref->star)
		return;
	const ml_gone_column *gone = ml_column_gone(u->ctx, ref->schema, ref->table, ref->column);
	if (!gone)
		return;
	for (size_t i = 0; i < u->n_seen; i++)
		if (u->seen[i] == gone)
			return;
	if (u->n_seen < MAX_SEEN)
		u->seen[u->n_seen++] = gone;
	const char *table = ref->schema && *ref->schema ? ref->schema : NULL;
	ml_reference where = { .kind = "migration", .effect = "drops", .path = gone->path, .line = gone->line };
	ml_report_extra extra = { .references = &where, .n_references = 1 };
	if (gone->renamed_to)
		ml_report_extra_at(u->ctx, u->self, ref->location, &extra,
				   "column \"%s\" of \"%s%s%s\" was renamed to \"%s\" at %s:%d: this statement still "
				   "uses the old name and fails",
				   ref->column, table ? table : "", table ? "." : "", ref->table, gone->renamed_to,
				   gone->path, gone->line);
	else
		ml_report_extra_at(u->ctx, u->self, ref->location, &extra,
				   "column \"%s\" of \"%s%s%s\" was dropped at %s:%d: this statement still uses it and "
				   "fails",
				   ref->column, table ? table : "", table ? "." : "", ref->table, gone->path, gone->line);
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const PgQuery__Node *stmt = ctx->stmt;
	struct later_use later = { .ctx = ctx, .self = self };
	ml_stmt_gone_column_refs(ctx, on_ref, &later);
	/* A function body's statements run when it is called, not now. */
	if (ctx->body == ML_BODY_FUNCTION || ctx->body == ML_BODY_PROCEDURE)
		return;
	if (stmt->node_case == PG_QUERY__NODE__NODE_RENAME_STMT) {
		const PgQuery__RenameStmt *rs = stmt->rename_stmt;
		if (rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN &&
		    rs->relation_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE && rs->subname && rs->newname)
			column_goes(ctx, self, rs->relation, rs->subname, rs->newname, false);
		return;
	}
	const PgQuery__AlterTableStmt *as = ml_alter_table(ctx);
	if (!as)
		return;
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		if (cmd && cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn && cmd->name)
			column_goes(ctx, self, as->relation, cmd->name, NULL,
				    cmd->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE);
	}
}

const ml_rule ml_rule_dropped_column_still_referenced = {
	.info = {
		.name = "dropped-column-still-referenced",
		.severity = ML_SEVERITY_ERROR,
		.summary = "DROP COLUMN or RENAME COLUMN of a column something still uses",
		.help = "expand and contract: first drop or change what uses the column (views, constraints, "
			"functions, the application's code: deploy code that ignores it), then drop it in a later "
			"migration",
	},
	.check = check,
};
