/*
 * ban-truncate-cascade - TRUNCATE ... CASCADE also empties every table with
 * a foreign key to the truncated ones, and every table referencing those, and
 * takes ACCESS EXCLUSIVE on all of them. Which tables that is depends on the
 * live schema, not on the statement. Plain TRUNCATE (RESTRICT) refuses
 * instead, so it stays quiet here; emptying the tables it names is
 * truncating-table's finding.
 */
#include <stdio.h>
#include <string.h>

#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_TRUNCATE_STMT || ctx->body == ML_BODY_FUNCTION)
		return;
	const PgQuery__TruncateStmt *ts = ctx->stmt->truncate_stmt;
	if (ts->behavior != PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
		return;
	/* "a", "b", "c" for the message; long lists are cut short. */
	char tables[256] = "";
	for (size_t i = 0; i < ts->n_relations; i++) {
		const PgQuery__Node *r = ts->relations[i];
		if (!r || r->node_case != PG_QUERY__NODE__NODE_RANGE_VAR)
			continue;
		if (!ml_name_list_append(tables, sizeof(tables), ml_table_name(ctx, r->range_var)))
			break;
	}
	ml_report(ctx, self, -1,
		  "TRUNCATE ... CASCADE on %s also empties every table with a foreign key to %s, recursively, "
		  "under an ACCESS EXCLUSIVE lock on each of them",
		  tables, ts->n_relations > 1 ? "them" : "it");
}

const ml_rule ml_rule_ban_truncate_cascade = {
	.info = {
		.name = "ban-truncate-cascade",
		.severity = ML_SEVERITY_WARNING,
		.summary = "TRUNCATE ... CASCADE, which empties every referencing table too",
		.help = "name every table to empty in the TRUNCATE and leave CASCADE out, so that PostgreSQL "
			"refuses if another table still references them",
	},
	.check = check,
};
