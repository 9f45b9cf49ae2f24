/*
 * table-rewrite - statements that rewrite (or copy) a live table and its
 * indexes under ACCESS EXCLUSIVE, blocking reads and writes for as long as
 * the copy takes: SET LOGGED / UNLOGGED / ACCESS METHOD / TABLESPACE,
 * CLUSTER, VACUUM FULL, REFRESH MATERIALIZED VIEW without CONCURRENTLY, and
 * ADD COLUMN of a stored generated or identity column. Rewrites that other
 * rules report (ALTER COLUMN TYPE: changing-column-type; volatile defaults and
 * serial columns: adding-field-with-default) are left to them.
 */
#include "rule_api.h"

static const char HELP_REPACK[] =
	"run it in a maintenance window with lock_timeout set, or rebuild the table online with pg_repack or "
	"pg_squeeze";

static const PgQuery__Constraint *generated_constraint(const PgQuery__ColumnDef *def)
{
	for (size_t i = 0; i < def->n_constraints; i++) {
		const PgQuery__Node *n = def->constraints[i];
		if (n && n->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
		    (n->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY ||
		     n->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED))
			return n->constraint;
	}
	return NULL;
}

static void check_alter(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const PgQuery__AlterTableStmt *as = ml_alter_table(ctx);
	if (!as || ml_table_is_new_or_truncated(ctx, as->relation))
		return;
	const char *table = ml_table_name(ctx, as->relation);
	bool persistence = ml_effect_has(ctx->effect, ML_FORM_SET_PERSISTENCE);
	bool generated = ml_effect_has(ctx->effect, ML_FORM_ADD_COLUMN_GENERATED);
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		if (!cmd)
			continue;
		switch (cmd->subtype) {
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged:
			if (persistence)
				ml_report_help(ctx, self, -1,
					       "make the table logged or unlogged when it is created, or accept the "
					       "rewrite in a maintenance window with lock_timeout set",
					       "SET %s rewrites \"%s\"%s under an ACCESS EXCLUSIVE lock, blocking "
					       "reads and writes until it finishes",
					       cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged ? "LOGGED"
												: "UNLOGGED",
					       table,
					       cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged
						       ? " and writes all of it to the WAL"
						       : "");
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetAccessMethod:
			if (persistence)
				ml_report_help(ctx, self, -1, HELP_REPACK,
					       "SET ACCESS METHOD %s rewrites \"%s\" under an ACCESS EXCLUSIVE lock, "
					       "blocking reads and writes until it finishes",
					       cmd->name, table);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace:
			if (persistence)
				ml_report_help(ctx, self, -1,
					       "move the table online with pg_repack --tablespace, or in a maintenance "
					       "window with lock_timeout set",
					       "SET TABLESPACE %s copies \"%s\" file by file under an ACCESS EXCLUSIVE "
					       "lock, blocking reads and writes until it finishes",
					       cmd->name, table);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
		ML_AT_RECURSE_CASE(AddColumn) {
			const PgQuery__ColumnDef *def = ml_added_column(cmd);
			if (!generated || !def)
				break;
			const PgQuery__Constraint *con = generated_constraint(def);
			/* serial columns are adding-field-with-default's */
			if (!con || ml_type_is_serial(def->type_name))
				break;
			if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY)
				ml_report_help(ctx, self, def->location,
					       "add a plain bigint column, fill it from a sequence in batches, SET NOT "
					       "NULL via a validated CHECK, then ALTER COLUMN ... ADD GENERATED ... AS "
					       "IDENTITY (RESTART above the highest value): none of these rewrites",
					       "adding identity column \"%s\" numbers every existing row: \"%s\" is "
					       "rewritten under an ACCESS EXCLUSIVE lock, blocking reads and writes",
					       def->colname, table);
			else
				ml_report_help(ctx, self, def->location,
					       "add a plain column, fill new rows with a trigger and old rows in "
					       "batches, or compute the value in a view or in queries",
					       "adding stored generated column \"%s\" computes it for every existing "
					       "row: \"%s\" is rewritten under an ACCESS EXCLUSIVE lock, blocking reads "
					       "and writes",
					       def->colname, table);
			break;
		}
		default:
			break;
		}
	}
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->body == ML_BODY_FUNCTION)
		return;
	const PgQuery__Node *stmt = ctx->stmt;
	switch (stmt->node_case) {
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		check_alter(ctx, self);
		return;
	case PG_QUERY__NODE__NODE_CLUSTER_STMT: {
		const PgQuery__RangeVar *rel = stmt->cluster_stmt->relation;
		if (!ml_effect_has(ctx->effect, ML_FORM_CLUSTER) || (rel && ml_table_is_new_or_truncated(ctx, rel)))
			return;
		if (rel)
			ml_report_help(ctx, self, -1, HELP_REPACK,
				       "CLUSTER rewrites \"%s\" in index order under an ACCESS EXCLUSIVE lock, "
				       "blocking reads and writes until it finishes",
				       ml_table_name(ctx, rel));
		else
			ml_report_help(ctx, self, -1, HELP_REPACK,
				       "CLUSTER without a table name rewrites every table that was clustered before, "
				       "each under an ACCESS EXCLUSIVE lock");
		return;
	}
	case PG_QUERY__NODE__NODE_VACUUM_STMT: {
		const PgQuery__VacuumStmt *vs = stmt->vacuum_stmt;
		if (!ml_effect_has(ctx->effect, ML_FORM_VACUUM_FULL))
			return;
		if (vs->n_rels == 0) {
			ml_report_help(ctx, self, -1, HELP_REPACK,
				       "VACUUM FULL without a table name rewrites every table of the database, each "
				       "under an ACCESS EXCLUSIVE lock");
			return;
		}
		for (size_t i = 0; i < vs->n_rels; i++) {
			const PgQuery__Node *r = vs->rels[i];
			if (!r || r->node_case != PG_QUERY__NODE__NODE_VACUUM_RELATION || !r->vacuum_relation->relation)
				continue;
			const PgQuery__RangeVar *rel = r->vacuum_relation->relation;
			if (ml_table_is_new(ctx, rel))
				continue;
			ml_report_help(ctx, self, -1, HELP_REPACK,
				       "VACUUM FULL rewrites \"%s\" under an ACCESS EXCLUSIVE lock, blocking reads and "
				       "writes until it finishes",
				       ml_table_name(ctx, rel));
		}
		return;
	}
	case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT: {
		const PgQuery__RangeVar *rel = stmt->refresh_mat_view_stmt->relation;
		if (!ml_effect_has(ctx->effect, ML_FORM_REFRESH_MATVIEW) || ml_table_is_new(ctx, rel))
			return;
		ml_report_help(ctx, self, -1,
			       "create a unique index on the view and use REFRESH MATERIALIZED VIEW CONCURRENTLY, "
			       "which lets reads go on",
			       "REFRESH MATERIALIZED VIEW rebuilds \"%s\" under an ACCESS EXCLUSIVE lock: every read "
			       "of the view waits until the query behind it has run",
			       ml_table_name(ctx, rel));
		return;
	}
	default:
		return;
	}
}

const ml_rule ml_rule_table_rewrite = {
	.info = {
		.name = "table-rewrite",
		.severity = ML_SEVERITY_WARNING,
		.summary = "a statement that rewrites an existing table under ACCESS EXCLUSIVE",
		.help = "rebuild the table online (pg_repack, pg_squeeze) or in a maintenance window with "
			"lock_timeout set",
	},
	.check = check,
	.reports_slow_work = true,
	.scales_with_table_size = true,
};
