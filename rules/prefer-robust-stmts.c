/*
 * prefer-robust-stmts (opt-in) - statements that fail when a migration run
 * outside a transaction is run again after failing part-way: CREATE TABLE /
 * INDEX without IF NOT EXISTS, DROP TABLE / INDEX / TYPE without IF EXISTS,
 * ADD COLUMN without IF NOT EXISTS, DROP COLUMN / CONSTRAINT without IF
 * EXISTS, and ADD CONSTRAINT (which has no IF NOT EXISTS) unless the file
 * drops that constraint first. Without a transaction the
 * statements before the failure stay done, so the second run stops at the
 * first of them with "already exists" or "does not exist". Inside a
 * transaction (BEGIN, --assume-in-transaction, a DO block) a failure rolls
 * everything back and a re-run starts clean, so the rule stays quiet there.
 * Statements on a table created earlier in the file are also left alone:
 * the re-run already stops at (or skips) that CREATE TABLE. The fix writes
 * the IF [NOT] EXISTS form where the grammar has one (not ADD CONSTRAINT,
 * nor an unnamed index).
 */
#include <string.h>

#include "rule_api.h"

/* A fix that inserts text after the first word `after` of the statement
 * (and after CONCURRENTLY when it follows): IF [NOT] EXISTS after CREATE
 * TABLE, CREATE INDEX, DROP TABLE, INDEX or TYPE. */
static void fix_after_word(ml_fix_plan *fix, const ml_stmt_ctx *ctx, const char *after, const char *text)
{
	if (!ml_fix_start(fix, ctx))
		return;
	size_t at = ml_stmt_word_end(ctx, 0, after), n;
	const ml_token *t = ml_stmt_tokens(ctx, &n);
	size_t next = at != (size_t)-1 ? ml_stmt_word_end(ctx, at, "concurrently") : (size_t)-1;
	/* CONCURRENTLY right after the word: the clause goes after it. */
	for (size_t i = 0; next != (size_t)-1 && i + 1 < n; i++)
		if (t[i].end == at && t[i + 1].end == next)
			at = next;
	ml_fix_insert(fix, at, text);
}

/* A fix that inserts "IF EXISTS " before the name that subcommand i, DROP
 * [COLUMN] name or DROP CONSTRAINT name, drops. */
static void fix_drop_in_alter(ml_fix_plan *fix, const ml_stmt_ctx *ctx, const PgQuery__AlterTableStmt *as, size_t i,
			      const char *kind)
{
	if (!ml_fix_start(fix, ctx))
		return;
	size_t first, last, n;
	const ml_token *t = ml_stmt_tokens(ctx, &n);
	if (!ml_alter_cmd_tokens(ctx, as, i, &first, &last) || !ml_token_is(ctx, &t[first], "drop")) {
		ml_fix_refuse(fix);
		return;
	}
	size_t k = first + 1;
	if (k < last && ml_token_is(ctx, &t[k], kind))
		k++;
	if (k >= last || ml_token_is(ctx, &t[k], "if")) {
		ml_fix_refuse(fix);
		return;
	}
	ml_fix_insert(fix, t[k].start, "IF EXISTS ");
}

/* Is there a subcommand of type subtype for the constraint name in as,
 * between index from and index to (excluded)? */
static bool constraint_cmd_between(const PgQuery__AlterTableStmt *as, size_t from, size_t to,
				   PgQuery__AlterTableType subtype, const char *name)
{
	for (size_t i = from; i < to && i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		if (!cmd || cmd->subtype != subtype)
			continue;
		const char *cmd_name = cmd->name;
		if (subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint)
			cmd_name = cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT
					   ? cmd->def->constraint->conname
					   : NULL;
		if (cmd_name && !strcmp(cmd_name, name))
			return true;
	}
	return false;
}

/* Is the ADD CONSTRAINT name at index `at` preceded by a DROP CONSTRAINT of
 * that name, earlier in the same ALTER TABLE or in an earlier statement of
 * the file? A re-run drops it again before adding it. (A DROP without IF
 * EXISTS in its own statement is reported itself.) */
static bool dropped_before(const ml_stmt_ctx *ctx, const PgQuery__AlterTableStmt *as, size_t at, const char *name)
{
	if (!name || !*name)
		return false;
	return constraint_cmd_between(as, 0, at, PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint, name) ||
	       ml_constraint_dropped_earlier(ctx, as->relation, name);
}

static void check_alter_table(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const PgQuery__AlterTableStmt *as = ml_alter_table(ctx);
	if (!as || ml_table_is_new(ctx, as->relation))
		return;
	const char *table = ml_table_name(ctx, as->relation);
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		if (!cmd)
			continue;
		switch (cmd->subtype) {
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn: {
			const PgQuery__ColumnDef *col = ml_added_column(cmd);
			if (cmd->missing_ok || !col)
				break;
			/* IF NOT EXISTS goes right before the column's name. */
			ml_fix_plan fix;
			if (ml_fix_start(&fix, ctx) && col->location >= 0)
				ml_fix_insert(&fix, (size_t)col->location, "IF NOT EXISTS ");
			else
				ml_fix_refuse(&fix);
			ml_report_fixed(ctx, self, col->location, "write ADD COLUMN IF NOT EXISTS", &fix,
					"add IF NOT EXISTS",
					"ADD COLUMN \"%s\" to \"%s\" fails with \"already exists\" when the migration is "
					"run again after failing part-way outside a transaction",
					col->colname, table);
			break;
		}
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn: {
			if (cmd->missing_ok)
				break;
			ml_fix_plan fix;
			fix_drop_in_alter(&fix, ctx, as, i, "column");
			ml_report_fixed(ctx, self, -1, "write DROP COLUMN IF EXISTS", &fix, "add IF EXISTS",
					"DROP COLUMN \"%s\" from \"%s\" fails with \"does not exist\" when the migration "
					"is run again after failing part-way outside a transaction",
					cmd->name, table);
			break;
		}
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
			/* DROP CONSTRAINT x, ADD CONSTRAINT x in one statement is
			 * all or nothing: x exists before it and after it. */
			if (!cmd->missing_ok && cmd->name &&
			    !constraint_cmd_between(as, i + 1, as->n_cmds, PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint,
						    cmd->name)) {
				ml_fix_plan fix;
				fix_drop_in_alter(&fix, ctx, as, i, "constraint");
				ml_report_fixed(ctx, self, -1, "write DROP CONSTRAINT IF EXISTS", &fix, "add IF EXISTS",
						"DROP CONSTRAINT \"%s\" on \"%s\" fails with \"does not exist\" when the "
						"migration is run again after failing part-way outside a transaction",
						cmd->name, table);
			}
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint: {
			if (!cmd->def || cmd->def->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
				break;
			const PgQuery__Constraint *con = cmd->def->constraint;
			if (dropped_before(ctx, as, i, con->conname))
				break;
			if (con->conname[0])
				ml_report_help(ctx, self, con->location,
					       "run ALTER TABLE ... DROP CONSTRAINT IF EXISTS with the same name first "
					       "(ADD CONSTRAINT has no IF NOT EXISTS)",
					       "ADD CONSTRAINT \"%s\" on \"%s\" fails with \"already exists\" when the "
					       "migration is run again after failing part-way outside a transaction",
					       con->conname, table);
			else
				ml_report_help(ctx, self, con->location,
					       "name the constraint and run ALTER TABLE ... DROP CONSTRAINT IF EXISTS "
					       "with that name first (ADD CONSTRAINT has no IF NOT EXISTS)",
					       "ADD CONSTRAINT without a name on \"%s\" fails or adds a second copy when "
					       "the migration is run again after failing part-way outside a transaction",
					       table);
			break;
		}
		default:
			break;
		}
	}
}

/* DROP TYPE names its types with TypeName nodes. */
static void check_drop_type(const ml_stmt_ctx *ctx, const ml_rule *self, const PgQuery__DropStmt *ds)
{
	for (size_t i = 0; i < ds->n_objects; i++) {
		const PgQuery__Node *o = ds->objects[i];
		if (!o || o->node_case != PG_QUERY__NODE__NODE_TYPE_NAME)
			continue;
		char name[256];
		ml_dotted_name(o->type_name->names, o->type_name->n_names, name, sizeof(name));
		ml_fix_plan fix;
		fix_after_word(&fix, ctx, "type", " IF EXISTS");
		ml_report_fixed(ctx, self, -1, "write DROP TYPE IF EXISTS", &fix, "add IF EXISTS",
				"DROP TYPE \"%s\" fails with \"does not exist\" when the migration is run again after "
				"failing part-way outside a transaction",
				name);
	}
}

static void check_drop(const ml_stmt_ctx *ctx, const ml_rule *self, const PgQuery__DropStmt *ds)
{
	if (ds->missing_ok)
		return;
	if (ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE) {
		check_drop_type(ctx, self, ds);
		return;
	}
	bool table = ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE;
	if (!table && ds->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_INDEX)
		return;
	for (size_t i = 0; i < ds->n_objects; i++) {
		const PgQuery__Node *o = ds->objects[i];
		if (!o || o->node_case != PG_QUERY__NODE__NODE_LIST || o->list->n_items == 0)
			continue;
		const PgQuery__List *names = o->list;
		const char *name = ml_last_name(names->items, names->n_items);
		if (table) {
			PgQuery__RangeVar rel = PG_QUERY__RANGE_VAR__INIT;
			rel.relname = (char *)name;
			if (names->n_items > 1 && names->items[names->n_items - 2] &&
			    names->items[names->n_items - 2]->node_case == PG_QUERY__NODE__NODE_STRING)
				rel.schemaname = names->items[names->n_items - 2]->string->sval;
			if (ml_table_is_new(ctx, &rel))
				continue;
		}
		ml_fix_plan fix;
		fix_after_word(&fix, ctx, table ? "table" : "index", " IF EXISTS");
		ml_report_fixed(ctx, self, -1, table ? "write DROP TABLE IF EXISTS" : "write DROP INDEX IF EXISTS", &fix,
				"add IF EXISTS",
				"DROP %s \"%s\" fails with \"does not exist\" when the migration is run again after "
				"failing part-way outside a transaction",
				table ? "TABLE" : "INDEX", name);
	}
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	/* Inside a transaction a failure undoes everything, so a re-run is
	 * safe; function bodies do not run now. */
	if (ctx->tx_state != ML_TX_NONE || ctx->body != ML_BODY_TOP)
		return;
	const PgQuery__Node *stmt = ctx->stmt;
	switch (stmt->node_case) {
	case PG_QUERY__NODE__NODE_CREATE_STMT: {
		const PgQuery__CreateStmt *cs = stmt->create_stmt;
		/* a temporary table is gone when the failed session ends */
		if (cs->if_not_exists || !cs->relation || !strcmp(cs->relation->relpersistence, "t"))
			return;
		ml_fix_plan fix;
		fix_after_word(&fix, ctx, "table", " IF NOT EXISTS");
		ml_report_fixed(ctx, self, cs->relation->location, "write CREATE TABLE IF NOT EXISTS", &fix,
				"add IF NOT EXISTS",
				"CREATE TABLE \"%s\" fails with \"already exists\" when the migration is run again "
				"after failing part-way outside a transaction",
				ml_table_name(ctx, cs->relation));
		return;
	}
	case PG_QUERY__NODE__NODE_INDEX_STMT: {
		const PgQuery__IndexStmt *is = stmt->index_stmt;
		if (is->if_not_exists || ml_table_is_new(ctx, is->relation))
			return;
		if (is->idxname[0]) {
			ml_fix_plan fix;
			fix_after_word(&fix, ctx, "index", " IF NOT EXISTS");
			ml_report_fixed(ctx, self, -1, "write CREATE INDEX IF NOT EXISTS", &fix, "add IF NOT EXISTS",
					"CREATE INDEX \"%s\" fails with \"already exists\" when the migration is run "
					"again after failing part-way outside a transaction",
					is->idxname);
		} else
			ml_report_help(ctx, self, -1, "name the index and write CREATE INDEX IF NOT EXISTS",
				       "CREATE INDEX without a name on \"%s\" builds a second, duplicate index when the "
				       "migration is run again after failing part-way outside a transaction",
				       ml_table_name(ctx, is->relation));
		return;
	}
	case PG_QUERY__NODE__NODE_DROP_STMT:
		check_drop(ctx, self, stmt->drop_stmt);
		return;
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		check_alter_table(ctx, self);
		return;
	default:
		return;
	}
}

const ml_rule ml_rule_prefer_robust_stmts = {
	.info = {
		.name = "prefer-robust-stmts",
		.severity = ML_SEVERITY_WARNING,
		.opt_in = true,
		.summary = "a statement that fails when a migration run outside a transaction is run again",
		.help = "use the IF [NOT] EXISTS form, or run the migration inside a transaction",
	},
	.check = check,
};
