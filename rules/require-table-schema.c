/*
 * require-table-schema (opt-in) - CREATE TABLE, ALTER TABLE, CREATE INDEX
 * ... ON and DROP TABLE naming a table without its schema. Which table that
 * is depends on the search_path of the session running the migration: a
 * different role, connection string or tool can create the table in another
 * schema or alter a same-named table elsewhere. Temporary tables live in
 * their own schema and are left alone; so is dynamic SQL, whose names are
 * only known at run time.
 */
#include <string.h>

#include "rule_api.h"

static bool unqualified(const PgQuery__RangeVar *rel)
{
	return rel && !rel->schemaname[0] && strcmp(rel->relpersistence, "t") != 0;
}

static void report_rel(const ml_stmt_ctx *ctx, const ml_rule *self, const PgQuery__RangeVar *rel,
		       const char *what)
{
	ml_report(ctx, self, rel->location,
		  "%s names table \"%s\" without a schema: which table that is depends on the search_path of the "
		  "session that runs the migration",
		  what, rel->relname);
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->dynamic)
		return;
	const PgQuery__Node *stmt = ctx->stmt;
	switch (stmt->node_case) {
	case PG_QUERY__NODE__NODE_CREATE_STMT: {
		const PgQuery__CreateStmt *cs = stmt->create_stmt;
		if (!cs->relation || !strcmp(cs->relation->relpersistence, "t"))
			return;
		if (unqualified(cs->relation)) {
			report_rel(ctx, self, cs->relation, "CREATE TABLE");
			return;
		}
		/* the parent of PARTITION OF / INHERITS */
		for (size_t i = 0; i < cs->n_inh_relations; i++) {
			const PgQuery__Node *n = cs->inh_relations[i];
			if (n && n->node_case == PG_QUERY__NODE__NODE_RANGE_VAR && unqualified(n->range_var)) {
				report_rel(ctx, self, n->range_var, "CREATE TABLE");
				return;
			}
		}
		return;
	}
	case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT: {
		const PgQuery__CreateTableAsStmt *ct = stmt->create_table_as_stmt;
		if (ct->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE && ct->into && unqualified(ct->into->rel))
			report_rel(ctx, self, ct->into->rel, "CREATE TABLE AS");
		return;
	}
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT: {
		const PgQuery__AlterTableStmt *as = stmt->alter_table_stmt;
		if (as->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE && unqualified(as->relation))
			report_rel(ctx, self, as->relation, "ALTER TABLE");
		return;
	}
	case PG_QUERY__NODE__NODE_INDEX_STMT:
		if (unqualified(stmt->index_stmt->relation))
			report_rel(ctx, self, stmt->index_stmt->relation, "CREATE INDEX");
		return;
	case PG_QUERY__NODE__NODE_DROP_STMT: {
		const PgQuery__DropStmt *ds = stmt->drop_stmt;
		if (ds->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
			return;
		for (size_t i = 0; i < ds->n_objects; i++) {
			const PgQuery__Node *o = ds->objects[i];
			if (!o || o->node_case != PG_QUERY__NODE__NODE_LIST || o->list->n_items != 1)
				continue;
			ml_report(ctx, self, -1,
				  "DROP TABLE names table \"%s\" without a schema: which table it drops depends on the "
				  "search_path of the session that runs the migration",
				  ml_last_name(o->list->items, o->list->n_items));
		}
		return;
	}
	default:
		return;
	}
}

const ml_rule ml_rule_require_table_schema = {
	.info = {
		.name = "require-table-schema",
		.severity = ML_SEVERITY_INFO,
		.opt_in = true,
		.summary = "a table named without its schema in CREATE / ALTER / DROP TABLE or CREATE INDEX",
		.help = "write the schema with the name (public.orders), so the statement means the same table "
			"whatever the search_path",
	},
	.check = check,
};
