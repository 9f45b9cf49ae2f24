/*
 * truncating-table - TRUNCATE of a table that existed before the migration
 * file: its rows are gone at once, under ACCESS EXCLUSIVE on each table, and
 * TRUNCATE is not MVCC-safe: a transaction whose snapshot was taken before it
 * sees the table empty once it commits. Tables created earlier in the same
 * file are new and unused, so they are left alone. What CASCADE adds (every
 * referencing table emptied too) is ban-truncate-cascade's finding; this one
 * names it.
 */
#include <stdio.h>
#include <string.h>

#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	/* A function body runs per call, as application code. */
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_TRUNCATE_STMT || ctx->body == ML_BODY_FUNCTION)
		return;
	const PgQuery__TruncateStmt *ts = ctx->stmt->truncate_stmt;
	/* "a", "b" for the message: the live tables only; long lists are cut short. */
	char tables[256] = "";
	int location = -1;
	size_t live = 0;
	bool cut = false;
	for (size_t i = 0; i < ts->n_relations; i++) {
		const PgQuery__Node *r = ts->relations[i];
		if (!r || r->node_case != PG_QUERY__NODE__NODE_RANGE_VAR || ml_table_is_new(ctx, r->range_var))
			continue;
		if (live++ == 0)
			location = r->range_var->location;
		if (!cut)
			cut = !ml_name_list_append(tables, sizeof(tables), ml_table_name(ctx, r->range_var));
	}
	if (!live)
		return;
	bool many = live > 1, cascade = ts->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
	ml_report(ctx, self, location,
		  "TRUNCATE empties %s, which existed before this migration: the rows are gone at once under ACCESS "
		  "EXCLUSIVE, and transactions whose snapshot predates it see %s empty instead of %s old rows "
		  "(TRUNCATE is not MVCC-safe)%s%s%s",
		  tables, many ? "the tables" : "the table", many ? "their" : "its",
		  cascade ? "; with CASCADE it also empties the tables that reference " : "",
		  cascade ? (many ? "them" : "it") : "", cascade ? " (see ban-truncate-cascade)" : "");
}

const ml_rule ml_rule_truncating_table = {
	.info = {
		.name = "truncating-table",
		.severity = ML_SEVERITY_WARNING,
		.summary = "TRUNCATE of a table that existed before the migration",
		.help = "make sure the data may go and nobody reads the table meanwhile; otherwise DELETE in batches, "
			"each committed on its own, which concurrent readers see as ordinary row changes",
	},
	.check = check,
};
