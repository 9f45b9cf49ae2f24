/*
 * renaming-table - ALTER TABLE ... RENAME TO on a table that existed before
 * this file: the rename is instant, but code still running during the deploy
 * names the old table and fails at once. Certain breakage, so error. Index
 * renames (ALTER INDEX ... RENAME) break nothing and are not reported.
 */
#include "rule_api.h"

#define MAX_REFERENCES 32

static bool is_untracked(const ml_dependent_hit *hit)
{
	return hit->dependency == ML_DEPENDENCY_UNTRACKED;
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_RENAME_STMT || ctx->body == ML_BODY_FUNCTION)
		return;
	const PgQuery__RenameStmt *rs = ctx->stmt->rename_stmt;
	if (rs->rename_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || ml_table_is_new(ctx, rs->relation))
		return;
	/* Views, foreign keys and rules follow the table; bodies keep the
	 * old name. */
	size_t n, n_refs = 0;
	size_t n_all;
	const ml_dependent_hit *all = ml_table_dependents(ctx, rs->relation, &n_all);
	/* A body the same migration replaces or drops breaks nothing. */
	const ml_dependent_hit *hits = ml_dependents_unsettled(ctx, all, n_all, NULL, rs->relation->relname, &n);
	ml_reference refs[MAX_REFERENCES];
	const char *untracked = ml_dependents_text(ctx, hits, n, is_untracked, "breaks", refs, MAX_REFERENCES, &n_refs);
	ml_report_extra extra = { .references = refs, .n_references = n_refs };
	ml_report_extra_at(ctx, self, -1, &extra,
			   "renaming table \"%s\" to \"%s\" makes every query of code still running that uses the "
			   "old name fail%s%s",
			   ml_table_name(ctx, rs->relation), rs->newname,
			   untracked ? "; these still name it in bodies PostgreSQL does not track, and fail when called: "
				     : "",
			   untracked ? untracked : "");
}

const ml_rule ml_rule_renaming_table = {
	.info = {
		.name = "renaming-table",
		.severity = ML_SEVERITY_ERROR,
		.summary = "ALTER TABLE ... RENAME TO on an existing table",
		.help = "rename it and, in the same transaction, create a view with the old name (SELECT * FROM "
			"the new one, which stays writable); drop the view once no code uses the old name",
	},
	.check = check,
};
