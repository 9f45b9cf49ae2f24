/*
 * dropped-column-still-referenced - a column dropped or renamed while
 * something still uses it: a view, a constraint, a policy or a function
 * body the migrations made (the catalog knows each, and where it was
 * made), a later statement of the run, or, with --references, the
 * application's code (the run scans it after the lint and adds the uses).
 * Says what each user does: the drop fails, CASCADE takes it along,
 * PostgreSQL drops it anyway, or it breaks when it next runs.
 */
#include <string.h>

#include "rule_api.h"

#define MAX_REFERENCES 64

static bool is_tracked(const ml_dependent_hit *hit)
{
	return hit->dependency == ML_DEPENDENCY_NORMAL;
}

static bool is_untracked(const ml_dependent_hit *hit)
{
	return hit->dependency == ML_DEPENDENCY_UNTRACKED;
}

static bool goes_along(const ml_dependent_hit *hit)
{
	return hit->dependency == ML_DEPENDENCY_AUTO;
}

/* The column column of rel goes: dropped (renamed_to NULL) or renamed. */
static void column_goes(const ml_stmt_ctx *ctx, const ml_rule *self, const PgQuery__RangeVar *rel,
			const char *column, const char *renamed_to, bool cascade)
{
	size_t n_all, n;
	const ml_dependent_hit *all = ml_column_dependents(ctx, rel, column, &n_all);
	/* A body that the same migration replaces or drops before it ends,
	 * or a column it adds back, breaks nothing once it commits. */
	const ml_dependent_hit *hits = ml_dependents_unsettled(ctx, all, n_all, column, NULL, &n);
	ml_reference refs[MAX_REFERENCES];
	size_t n_refs = 0;
	/* A rename keeps everything PostgreSQL tracks working: it follows the
	 * column. Only bodies naming the old name break. */
	const char *tracked = renamed_to ? NULL
					 : ml_dependents_text(ctx, hits, n, is_tracked, cascade ? "cascades" : "fails",
							      refs, MAX_REFERENCES, &n_refs);
	const char *untracked = ml_dependents_text(ctx, hits, n, is_untracked, "breaks", refs, MAX_REFERENCES, &n_refs);
	bool scan_code = ctx->options->n_references > 0 && !ml_table_is_new(ctx, rel);
	if (!tracked && !untracked && !scan_code)
		return;
	const char *along = renamed_to ? NULL
				       : ml_dependents_text(ctx, hits, n, goes_along, "dropped", refs, MAX_REFERENCES,
							    &n_refs);
	const char *table = ml_table_name(ctx, rel);
	const char *what = renamed_to ? "renaming column" : "dropping column";
	ml_report_extra extra = {
		.references = refs,
		.n_references = n_refs,
		.gone_schema = scan_code ? (rel->schemaname ? rel->schemaname : "") : NULL,
		.gone_table = scan_code ? rel->relname : NULL,
		.gone_column = scan_code ? column : NULL,
		.only_if_used = !tracked && !untracked,
	};
	ml_report_extra_at(ctx, self, -1, &extra, "%s \"%s\" of \"%s\"%s%s%s%s%s%s%s%s%s%s%s",
			   what, column, table,
			   renamed_to ? " to \"" : "", renamed_to ? renamed_to : "", renamed_to ? "\"" : "",
			   tracked ? (cascade ? " with CASCADE also drops " : " fails: PostgreSQL refuses it without "
									     "CASCADE while these use it: ")
				   : "",
			   tracked ? tracked : "",
			   untracked ? (tracked ? "; these still name it in bodies PostgreSQL does not track, and fail "
						  "when called: "
						: " breaks these, which name it in bodies PostgreSQL does not track and fail "
						  "when called: ")
				     : "",
			   untracked ? untracked : "",
			   along && (tracked || untracked) ? "; PostgreSQL also drops " : "",
			   along && (tracked || untracked) ? along : "",
			   along && (tracked || untracked) ? " with it" : "",
			   /* Only the code may use it: the scan names where, or drops the finding. */
			   !tracked && !untracked ? " breaks the application's code that still uses it" : "");
}

/* ---- later statements that still use a column gone earlier ---------------- */

#define MAX_SEEN 16

struct later_use {
	const ml_stmt_ctx *ctx;
	const ml_rule *self;
	const ml_gone_column *seen[MAX_SEEN];
	size_t n_seen;
};

/* Does the statement (an ALTER TABLE) add column back before using it? */
static bool added_here(const ml_stmt_ctx *ctx, const char *column)
{
	const PgQuery__AlterTableStmt *as = ml_alter_table(ctx);
	for (size_t i = 0; as && i < as->n_cmds; i++) {
		const PgQuery__ColumnDef *def = ml_added_column(ml_alter_cmd(as, i));
		if (def && def->colname && !strcmp(def->colname, column))
			return true;
	}
	return false;
}

static void on_ref(const ml_column_ref *ref, void *data)
{
	struct later_use *u = data;
	if (!ref->column || ref->star || added_here(u->ctx, ref->column))
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
