/*
 * changing-column-type - ALTER COLUMN ... TYPE that rewrites a live table and
 * every index on it under ACCESS EXCLUSIVE. Changes PostgreSQL makes in
 * place (varchar(n) -> varchar(m >= n) or text, numeric, timestamp, time
 * and interval precision raised, varbit widened: ml_type_change_is_coercible)
 * only touch the catalog and stay quiet, but only when the run has seen the
 * old type; an unknown old type may rewrite, so it is reported. A change
 * PostgreSQL refuses (a view, trigger or policy uses the column) is
 * reported as failing instead, naming what uses it.
 */
#include <string.h>

#include "rule_api.h"

/* PostgreSQL refuses to change the type of a column a view, rule,
 * trigger, policy, generated column, publication column list or
 * SQL-standard function uses; indexes, constraints and foreign keys are
 * rebuilt. */
static bool blocks_type_change(const ml_dependent_hit *hit)
{
	return hit->dependency == ML_DEPENDENCY_NORMAL && !hit->indirect &&
	       strcmp(hit->dependent->kind, "foreign key") != 0;
}

#define MAX_REFERENCES 32

/* Reports the type changes of as that fail for what uses their column;
 * returns whether any did. */
static bool report_blocked(const ml_stmt_ctx *ctx, const ml_rule *self, const PgQuery__AlterTableStmt *as)
{
	bool any = false;
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		if (!cmd || cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType || !cmd->name)
			continue;
		size_t n, n_refs = 0;
		const ml_dependent_hit *hits = ml_column_dependents(ctx, as->relation, cmd->name, &n);
		ml_reference refs[MAX_REFERENCES];
		const char *users = ml_dependents_text(ctx, hits, n, blocks_type_change, "fails", refs, MAX_REFERENCES,
						       &n_refs);
		if (!users)
			continue;
		ml_report_extra extra = { .references = refs, .n_references = n_refs };
		ml_report_extra_at(ctx, self, -1, &extra,
				   "changing the type of column \"%s\" of \"%s\" fails: PostgreSQL refuses it while "
				   "these use the column: %s; drop them first and make them again after the change",
				   cmd->name, ml_table_name(ctx, as->relation), users);
		any = true;
	}
	return any;
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const PgQuery__AlterTableStmt *as = ml_alter_table(ctx);
	if (!as || ctx->body == ML_BODY_FUNCTION || report_blocked(ctx, self, as))
		return;
	/* The engine marks the statement when at least one of its type changes
	 * rewrites; the loop below finds which. */
	if (ml_table_is_new_or_truncated(ctx, as->relation) || !ml_effect_has(ctx->effect, ML_FORM_ALTER_COLUMN_TYPE))
		return;
	const char *table = ml_table_name(ctx, as->relation);
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		if (!cmd || cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType || !cmd->def ||
		    cmd->def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF || !cmd->name)
			continue;
		const PgQuery__ColumnDef *def = cmd->def->column_def;
		const char *new_type = ml_type_text(ctx, def->type_name);
		/* The schema facts are applied after the rules run, so this is
		 * the type before this statement. */
		const ml_column_facts *facts = ml_column_find(ctx, as->relation, cmd->name);
		const char *old_type = facts ? facts->type : NULL;
		if (ml_type_change_has_real_using(cmd)) {
			ml_report(ctx, self, def->location,
				  "changing column \"%s\" of \"%s\" to %s with a USING expression rewrites the table "
				  "and its indexes under an ACCESS EXCLUSIVE lock, blocking reads and writes",
				  cmd->name, table, new_type);
		} else if (!old_type) {
			ml_report(ctx, self, def->location,
				  "changing column \"%s\" of \"%s\" to %s may rewrite the table and its indexes under "
				  "an ACCESS EXCLUSIVE lock: the old type is unknown to this run, and only "
				  "binary-coercible changes such as varchar(n) to text skip the rewrite",
				  cmd->name, table, new_type);
		} else if (!ml_type_change_is_coercible(old_type, new_type)) {
			bool tz = !strcmp(old_type, "timestamp") && !strcmp(new_type, "timestamptz");
			ml_report(ctx, self, def->location,
				  "changing column \"%s\" of \"%s\" from %s to %s rewrites the table and its indexes "
				  "under an ACCESS EXCLUSIVE lock, blocking reads and writes%s",
				  cmd->name, table, old_type, new_type,
				  tz ? " (unless the session TimeZone is UTC, on PostgreSQL 12+)" : "");
		}
	}
}

const ml_rule ml_rule_changing_column_type = {
	.info = {
		.name = "changing-column-type",
		.severity = ML_SEVERITY_WARNING,
		.summary = "ALTER COLUMN ... TYPE that rewrites an existing table",
		.help = "add a column of the new type, write both, backfill it in batches, switch reads and drop the "
			"old column; to widen varchar, use a larger varchar(n) or text, which needs no rewrite",
	},
	.check = check,
	.reports_slow_work = true,
	.scales_with_table_size = true,
};
