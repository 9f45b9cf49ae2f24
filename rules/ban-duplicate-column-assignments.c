/*
 * ban-duplicate-column-assignments - a column assigned twice in one UPDATE
 * SET list (SET a = 1, a = 2, or through SET (a, b) = (...)), listed twice in
 * an INSERT column list, or either in ON CONFLICT DO UPDATE and MERGE.
 * PostgreSQL rejects the statement ("multiple assignments to same column",
 * "column specified more than once"). Assigning different elements or fields
 * of one column (SET tags[1] = ..., tags[2] = ...) is allowed; the whole
 * column together with a part of it is not.
 */
#include <stdio.h>
#include <string.h>

#include "rule_api.h"

/* SET lists and column lists are short; a longer one is checked in its first
 * MAX_TARGETS entries. */
#define MAX_TARGETS 256

/* What one statement says about a list of targets, for the message. */
struct target_list {
	const char *what;         /* "the SET list of UPDATE" */
	const char *postgres;     /* PostgreSQL's error, with %s for the column */
};

static const struct target_list SET_LIST = { "the SET list of UPDATE", "multiple assignments to same column \"%s\"" };
static const struct target_list CONFLICT_SET = { "the DO UPDATE SET list of INSERT ... ON CONFLICT",
						 "multiple assignments to same column \"%s\"" };
static const struct target_list MERGE_SET = { "the UPDATE SET list of MERGE",
					      "multiple assignments to same column \"%s\"" };
static const struct target_list INSERT_COLS = { "the column list of INSERT", "column \"%s\" specified more than once" };
static const struct target_list MERGE_COLS = { "the INSERT column list of MERGE",
					       "column \"%s\" specified more than once" };

/* Reports the first column that the ResTarget list assigns twice, where at
 * least one of the two assigns the whole column (no subscript or field). */
static void check_targets(const ml_stmt_ctx *ctx, const ml_rule *self, PgQuery__Node *const *targets, size_t n,
			  const struct target_list *list)
{
	if (n > MAX_TARGETS)
		n = MAX_TARGETS;
	for (size_t i = 1; i < n; i++) {
		const PgQuery__Node *ti = targets[i];
		if (!ti || ti->node_case != PG_QUERY__NODE__NODE_RES_TARGET || !ti->res_target->name)
			continue;
		const PgQuery__ResTarget *later = ti->res_target;
		for (size_t k = 0; k < i; k++) {
			const PgQuery__Node *tk = targets[k];
			if (!tk || tk->node_case != PG_QUERY__NODE__NODE_RES_TARGET || !tk->res_target->name)
				continue;
			const PgQuery__ResTarget *earlier = tk->res_target;
			if (strcmp(earlier->name, later->name) != 0)
				continue;
			if (earlier->n_indirection && later->n_indirection)
				continue; /* two parts of one array or composite column */
			char postgres[256];
			snprintf(postgres, sizeof(postgres), list->postgres, later->name);
			ml_report(ctx, self, later->location,
				  "column \"%s\" appears twice in %s: PostgreSQL rejects the statement (%s)", later->name,
				  list->what, postgres);
			return;
		}
	}
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	/* Dynamic SQL may put one placeholder for several names computed at
	 * run time: equal names there prove nothing. */
	if (ctx->dynamic)
		return;
	const PgQuery__Node *stmt = ctx->stmt;
	switch (stmt->node_case) {
	case PG_QUERY__NODE__NODE_UPDATE_STMT:
		check_targets(ctx, self, stmt->update_stmt->target_list, stmt->update_stmt->n_target_list, &SET_LIST);
		return;
	case PG_QUERY__NODE__NODE_INSERT_STMT: {
		const PgQuery__InsertStmt *is = stmt->insert_stmt;
		check_targets(ctx, self, is->cols, is->n_cols, &INSERT_COLS);
		if (is->on_conflict_clause)
			check_targets(ctx, self, is->on_conflict_clause->target_list,
				      is->on_conflict_clause->n_target_list, &CONFLICT_SET);
		return;
	}
	case PG_QUERY__NODE__NODE_MERGE_STMT: {
		const PgQuery__MergeStmt *ms = stmt->merge_stmt;
		for (size_t i = 0; i < ms->n_merge_when_clauses; i++) {
			const PgQuery__Node *w = ms->merge_when_clauses[i];
			if (!w || w->node_case != PG_QUERY__NODE__NODE_MERGE_WHEN_CLAUSE)
				continue;
			const PgQuery__MergeWhenClause *mw = w->merge_when_clause;
			if (mw->command_type == PG_QUERY__CMD_TYPE__CMD_UPDATE)
				check_targets(ctx, self, mw->target_list, mw->n_target_list, &MERGE_SET);
			else if (mw->command_type == PG_QUERY__CMD_TYPE__CMD_INSERT)
				check_targets(ctx, self, mw->target_list, mw->n_target_list, &MERGE_COLS);
		}
		return;
	}
	default:
		return;
	}
}

const ml_rule ml_rule_ban_duplicate_column_assignments = {
	.info = {
		.name = "ban-duplicate-column-assignments",
		.severity = ML_SEVERITY_ERROR,
		.summary = "a column assigned twice in one UPDATE SET list or INSERT column list, which PostgreSQL rejects",
		.help = "assign each column once; to change parts of an array or composite column, assign only "
			"its elements or fields (tags[1] = ..., tags[2] = ...), not the whole column as well",
	},
	.check = check,
};
