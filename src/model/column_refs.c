/*
 * column_refs.c - the table columns a statement or an expression names.
 * A query's FROM items make a scope (tables under their aliases, and
 * subqueries, functions and CTEs, which are not tables); subqueries see the
 * scopes around them. A qualified column goes to the item of that name; an
 * unqualified one to the only table of the innermost scope that can have
 * it. Where that is not clear, the column is left out: the callers flag
 * what uses a column, and a wrong use would be a false alarm.
 */
#include <string.h>

#include "catalog.h"
#include "column_refs.h"
#include "tree.h"

#define MAX_SCOPE_ITEMS 64
#define MAX_CTES 32
#define MAX_DEPTH 100

/* A FROM item: a table under a name, or something else under a name. */
typedef struct scope_item {
	const char *name;         /* the alias, or the table's own name */
	const char *schema;       /* the table's schema, "" when unqualified */
	const char *table;        /* NULL: a subquery, a function, a CTE */
	bool new_old;             /* NEW and OLD name this table too (a trigger's WHEN, a rule) */
	bool excluded;            /* EXCLUDED names this table too (INSERT ... ON CONFLICT) */
} scope_item;

typedef struct scope {
	const struct scope *outer;
	scope_item items[MAX_SCOPE_ITEMS];
	size_t n;
	const char *ctes[MAX_CTES];
	size_t n_ctes;
} scope;

typedef struct walker {
	const ml_catalog *cat;
	ml_column_ref_fn fn;
	void *data;
	int depth;
} walker;

static void walk_node(walker *w, const scope *sc, const void *node);
static void walk_select(walker *w, const scope *outer, const PgQuery__SelectStmt *sel);

static void emit_ref(walker *w, const scope_item *it, const char *column, bool star, int location)
{
	ml_column_ref ref = { .schema = it->schema ? it->schema : "", .table = it->table, .column = column,
			      .star = star, .location = location };
	w->fn(&ref, w->data);
}

static void emit(walker *w, const scope_item *it, const char *column, int location)
{
	emit_ref(w, it, column, false, location);
}

static void add_item(scope *sc, const char *name, const char *schema, const char *table)
{
	if (sc->n < MAX_SCOPE_ITEMS && name)
		sc->items[sc->n++] = (scope_item){ .name = name, .schema = schema ? schema : "", .table = table };
}

static bool is_cte(const scope *sc, const char *name)
{
	for (; sc; sc = sc->outer)
		for (size_t i = 0; i < sc->n_ctes; i++)
			if (!strcmp(sc->ctes[i], name))
				return true;
	return false;
}

/* A table in FROM, or a CTE of that name; the table itself is used. */
static void add_range_var(walker *w, scope *sc, const PgQuery__RangeVar *rv)
{
	if (!rv || !rv->relname)
		return;
	const char *name = rv->alias && rv->alias->aliasname ? rv->alias->aliasname : rv->relname;
	bool cte = (!rv->schemaname || !*rv->schemaname) && is_cte(sc, rv->relname);
	add_item(sc, name, rv->schemaname, cte ? NULL : rv->relname);
	if (!cte && sc->n)
		emit(w, &sc->items[sc->n - 1], NULL, rv->location);
}

/* Does the table of it have column, as far as the catalog knows: 1 yes
 * (or had it, before a drop or rename), 0 no (it knows all the columns of a
 * table the migrations created), -1 unknown. */
static int has_column(const walker *w, const scope_item *it, const char *column)
{
	const ml_table_state *t = ml_catalog_table(w->cat, it->schema, it->table);
	if (!t)
		return -1;
	if (ml_catalog_column(w->cat, it->schema, it->table, column))
		return 1;
	/* A column dropped or renamed earlier: still the table's name for it
	 * to the statements that use it. */
	if (ml_catalog_gone_column(w->cat, it->schema, it->table, column))
		return 1;
	return t->created_in_run && t->keys_known ? 0 : -1;
}

static const char *field_name(const PgQuery__Node *n)
{
	return n && n->node_case == PG_QUERY__NODE__NODE_STRING ? n->string->sval : NULL;
}

static const scope_item *find_item(const scope *sc, const char *schema, const char *name)
{
	for (; sc; sc = sc->outer) {
		for (size_t i = sc->n; i-- > 0;) {
			const scope_item *it = &sc->items[i];
			if (schema) {
				if (it->table && !strcmp(it->table, name) && !strcmp(it->schema, schema))
					return it;
			} else if (!strcmp(it->name, name) ||
				   (it->new_old && (!strcmp(name, "new") || !strcmp(name, "old"))) ||
				   (it->excluded && !strcmp(name, "excluded"))) {
				return it;
			}
		}
	}
	return NULL;
}

/* An unqualified column: the innermost scope with a table that has it or
 * may have it decides. */
static void resolve_bare(walker *w, const scope *sc, const char *column, int location)
{
	for (; sc; sc = sc->outer) {
		const scope_item *known = NULL, *maybe = NULL;
		size_t n_known = 0, n_maybe = 0, n_other = 0;
		for (size_t i = 0; i < sc->n; i++) {
			const scope_item *it = &sc->items[i];
			if (!it->table) {
				n_other++;
				continue;
			}
			int has = has_column(w, it, column);
			if (has > 0) {
				known = it;
				n_known++;
			} else if (has < 0) {
				maybe = it;
				n_maybe++;
			}
		}
		if (n_known == 1 && n_maybe == 0) {
			emit(w, known, column, location);
			return;
		}
		if (n_known == 0 && n_maybe == 1 && n_other == 0) {
			emit(w, maybe, column, location);
			return;
		}
		/* Something here may have it: not clear, or not a table's. */
		if (n_known || n_maybe || n_other)
			return;
	}
}

static void resolve_ref(walker *w, const scope *sc, const PgQuery__ColumnRef *ref)
{
	size_t n = ref->n_fields;
	if (!n)
		return;
	const PgQuery__Node *last = ref->fields[n - 1];
	bool star = last && last->node_case == PG_QUERY__NODE__NODE_A_STAR;
	const char *column = star ? NULL : field_name(last);
	if (!star && !column)
		return;
	if (n == 1) {
		if (!star) {
			resolve_bare(w, sc, column, ref->location);
			return;
		}
		/* SELECT *: every table of the innermost scope with items. */
		for (; sc && !sc->n; sc = sc->outer)
			;
		for (size_t i = 0; sc && i < sc->n; i++)
			if (sc->items[i].table)
				emit_ref(w, &sc->items[i], NULL, true, ref->location);
		return;
	}
	const char *qualifier = field_name(ref->fields[n - 2]);
	const char *schema = n >= 3 ? field_name(ref->fields[n - 3]) : NULL;
	if (!qualifier)
		return;
	const scope_item *it = find_item(sc, schema, qualifier);
	if (it && it->table) {
		emit_ref(w, it, column, star, ref->location);
	} else if (!it && !schema && column && (!strcmp(qualifier, "new") || !strcmp(qualifier, "old"))) {
		/* A trigger function's row: the table is whichever runs it. */
		ml_column_ref row = { .schema = "", .column = column, .trigger_row = true, .location = ref->location };
		w->fn(&row, w->data);
	}
}

struct visit {
	walker *w;
	const scope *sc;
};

static bool visit(const ProtobufCMessage *msg, void *data)
{
	struct visit *v = data;
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	if (d == &pg_query__column_ref__descriptor) {
		resolve_ref(v->w, v->sc, (const PgQuery__ColumnRef *)msg);
		return false;
	}
	if (d == &pg_query__select_stmt__descriptor || d == &pg_query__insert_stmt__descriptor ||
	    d == &pg_query__update_stmt__descriptor || d == &pg_query__delete_stmt__descriptor) {
		walk_node(v->w, v->sc, msg);
		return false;
	}
	return true;
}

/* The column names an expression (or a list of them) holds, in scope sc. */
static void walk_expr(walker *w, const scope *sc, const void *node)
{
	if (!node)
		return;
	struct visit v = { w, sc };
	ml_walk(node, visit, &v);
}

static void walk_exprs(walker *w, const scope *sc, PgQuery__Node *const *nodes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		walk_expr(w, sc, nodes[i]);
}

static void add_from(walker *w, scope *sc, const PgQuery__Node *item)
{
	if (!item)
		return;
	switch (item->node_case) {
	case PG_QUERY__NODE__NODE_RANGE_VAR:
		add_range_var(w, sc, item->range_var);
		break;
	case PG_QUERY__NODE__NODE_JOIN_EXPR:
		add_from(w, sc, item->join_expr->larg);
		add_from(w, sc, item->join_expr->rarg);
		break;
	case PG_QUERY__NODE__NODE_RANGE_SUBSELECT: {
		const PgQuery__RangeSubselect *rs = item->range_subselect;
		/* A LATERAL subquery sees the items before it. */
		if (rs->subquery && rs->subquery->node_case == PG_QUERY__NODE__NODE_SELECT_STMT)
			walk_select(w, rs->lateral ? sc : sc->outer, rs->subquery->select_stmt);
		add_item(sc, rs->alias ? rs->alias->aliasname : "", "", NULL);
		break;
	}
	case PG_QUERY__NODE__NODE_RANGE_FUNCTION: {
		const PgQuery__RangeFunction *rf = item->range_function;
		walk_exprs(w, sc, rf->functions, rf->n_functions);
		add_item(sc, rf->alias ? rf->alias->aliasname : "", "", NULL);
		break;
	}
	case PG_QUERY__NODE__NODE_RANGE_TABLE_SAMPLE:
		add_from(w, sc, item->range_table_sample->relation);
		break;
	default:
		break;
	}
}

/* The ON conditions of the joins in a FROM item, once every item is in scope. */
static void walk_join_quals(walker *w, const scope *sc, const PgQuery__Node *item)
{
	if (!item || item->node_case != PG_QUERY__NODE__NODE_JOIN_EXPR)
		return;
	walk_join_quals(w, sc, item->join_expr->larg);
	walk_join_quals(w, sc, item->join_expr->rarg);
	walk_expr(w, sc, item->join_expr->quals);
}

static void add_ctes(walker *w, scope *sc, const PgQuery__WithClause *with)
{
	if (!with)
		return;
	for (size_t i = 0; i < with->n_ctes; i++) {
		const PgQuery__Node *n = with->ctes[i];
		if (!n || n->node_case != PG_QUERY__NODE__NODE_COMMON_TABLE_EXPR)
			continue;
		const PgQuery__CommonTableExpr *cte = n->common_table_expr;
		/* A recursive CTE sees itself. */
		if (with->recursive && cte->ctename && sc->n_ctes < MAX_CTES)
			sc->ctes[sc->n_ctes++] = cte->ctename;
		walk_node(w, sc, cte->ctequery);
		if (!with->recursive && cte->ctename && sc->n_ctes < MAX_CTES)
			sc->ctes[sc->n_ctes++] = cte->ctename;
	}
}

static void walk_select(walker *w, const scope *outer, const PgQuery__SelectStmt *sel)
{
	if (!sel || w->depth > MAX_DEPTH)
		return;
	w->depth++;
	scope sc = { .outer = outer };
	add_ctes(w, &sc, sel->with_clause);
	if (sel->larg || sel->rarg) {
		walk_select(w, &sc, sel->larg);
		walk_select(w, &sc, sel->rarg);
		w->depth--;
		return;
	}
	for (size_t i = 0; i < sel->n_from_clause; i++)
		add_from(w, &sc, sel->from_clause[i]);
	for (size_t i = 0; i < sel->n_from_clause; i++)
		walk_join_quals(w, &sc, sel->from_clause[i]);
	walk_exprs(w, &sc, sel->target_list, sel->n_target_list);
	walk_expr(w, &sc, sel->where_clause);
	walk_exprs(w, &sc, sel->group_clause, sel->n_group_clause);
	walk_expr(w, &sc, sel->having_clause);
	walk_exprs(w, &sc, sel->window_clause, sel->n_window_clause);
	walk_exprs(w, &sc, sel->values_lists, sel->n_values_lists);
	walk_exprs(w, &sc, sel->distinct_clause, sel->n_distinct_clause);
	walk_exprs(w, &sc, sel->sort_clause, sel->n_sort_clause);
	w->depth--;
}

/* A target table's scope item, alias and EXCLUDED included. NEW and OLD
 * in a function body's INSERT, UPDATE or DELETE are the trigger's row,
 * not the target's. */
static void add_target(walker *w, scope *sc, const PgQuery__RangeVar *rel)
{
	add_range_var(w, sc, rel);
	if (sc->n && rel && sc->items[sc->n - 1].table)
		sc->items[sc->n - 1].excluded = true;
}

/* SET col = ..., INSERT (col, ...): columns of the target by name. */
static void target_names(walker *w, const scope *sc, PgQuery__Node *const *targets, size_t n)
{
	const scope_item *target = sc->n ? &sc->items[0] : NULL;
	for (size_t i = 0; i < n; i++) {
		const PgQuery__Node *t = targets[i];
		if (!t || t->node_case != PG_QUERY__NODE__NODE_RES_TARGET)
			continue;
		if (target && target->table && t->res_target->name)
			emit(w, target, t->res_target->name, t->res_target->location);
		walk_expr(w, sc, t->res_target->val);
	}
}

static void walk_insert(walker *w, const scope *outer, const PgQuery__InsertStmt *ins)
{
	scope ctes = { .outer = outer };
	add_ctes(w, &ctes, ins->with_clause);
	if (ins->select_stmt && ins->select_stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT)
		walk_select(w, &ctes, ins->select_stmt->select_stmt);
	scope sc = { .outer = &ctes };
	add_target(w, &sc, ins->relation);
	target_names(w, &sc, ins->cols, ins->n_cols);
	const PgQuery__OnConflictClause *oc = ins->on_conflict_clause;
	if (oc) {
		if (oc->infer) {
			for (size_t i = 0; i < oc->infer->n_index_elems; i++) {
				const PgQuery__Node *e = oc->infer->index_elems[i];
				if (e && e->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM && e->index_elem->name &&
				    sc.n && sc.items[0].table)
					emit(w, &sc.items[0], e->index_elem->name, -1);
				else if (e && e->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM)
					walk_expr(w, &sc, e->index_elem->expr);
			}
			walk_expr(w, &sc, oc->infer->where_clause);
		}
		target_names(w, &sc, oc->target_list, oc->n_target_list);
		walk_expr(w, &sc, oc->where_clause);
	}
	walk_exprs(w, &sc, ins->returning_list, ins->n_returning_list);
}

static void walk_update(walker *w, const scope *outer, const PgQuery__UpdateStmt *up)
{
	scope sc = { .outer = outer };
	add_ctes(w, &sc, up->with_clause);
	add_target(w, &sc, up->relation);
	for (size_t i = 0; i < up->n_from_clause; i++)
		add_from(w, &sc, up->from_clause[i]);
	for (size_t i = 0; i < up->n_from_clause; i++)
		walk_join_quals(w, &sc, up->from_clause[i]);
	target_names(w, &sc, up->target_list, up->n_target_list);
	walk_expr(w, &sc, up->where_clause);
	walk_exprs(w, &sc, up->returning_list, up->n_returning_list);
}

static void walk_delete(walker *w, const scope *outer, const PgQuery__DeleteStmt *del)
{
	scope sc = { .outer = outer };
	add_ctes(w, &sc, del->with_clause);
	add_target(w, &sc, del->relation);
	for (size_t i = 0; i < del->n_using_clause; i++)
		add_from(w, &sc, del->using_clause[i]);
	for (size_t i = 0; i < del->n_using_clause; i++)
		walk_join_quals(w, &sc, del->using_clause[i]);
	walk_expr(w, &sc, del->where_clause);
	walk_exprs(w, &sc, del->returning_list, del->n_returning_list);
}

/* A query, wrapped in a Node or not. */
static void walk_node(walker *w, const scope *sc, const void *node)
{
	if (!node)
		return;
	const ProtobufCMessage *msg = node;
	if (msg->descriptor == &pg_query__node__descriptor) {
		const PgQuery__Node *n = node;
		switch (n->node_case) {
		case PG_QUERY__NODE__NODE_SELECT_STMT:
			walk_select(w, sc, n->select_stmt);
			return;
		case PG_QUERY__NODE__NODE_INSERT_STMT:
			walk_insert(w, sc, n->insert_stmt);
			return;
		case PG_QUERY__NODE__NODE_UPDATE_STMT:
			walk_update(w, sc, n->update_stmt);
			return;
		case PG_QUERY__NODE__NODE_DELETE_STMT:
			walk_delete(w, sc, n->delete_stmt);
			return;
		default:
			walk_expr(w, sc, node);
			return;
		}
	}
	if (msg->descriptor == &pg_query__select_stmt__descriptor)
		walk_select(w, sc, node);
	else if (msg->descriptor == &pg_query__insert_stmt__descriptor)
		walk_insert(w, sc, node);
	else if (msg->descriptor == &pg_query__update_stmt__descriptor)
		walk_update(w, sc, node);
	else if (msg->descriptor == &pg_query__delete_stmt__descriptor)
		walk_delete(w, sc, node);
}

/* A scope holding only the table (NEW, OLD and EXCLUDED name it too). */
static void table_scope(scope *sc, const char *schema, const char *table)
{
	*sc = (scope){ 0 };
	if (table)
		sc->items[sc->n++] = (scope_item){ .name = table, .schema = schema ? schema : "", .table = table,
						   .new_old = true, .excluded = true };
}

static void names_of(walker *w, const scope *sc, PgQuery__Node *const *names, size_t n)
{
	for (size_t i = 0; i < n && sc->n; i++) {
		const char *name = field_name(names[i]);
		if (name)
			emit(w, &sc->items[0], name, -1);
	}
}

static void index_elems(walker *w, const scope *sc, PgQuery__Node *const *elems, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const PgQuery__Node *e = elems[i];
		if (!e)
			continue;
		if (e->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM) {
			if (e->index_elem->name && sc->n)
				emit(w, &sc->items[0], e->index_elem->name, -1);
			walk_expr(w, sc, e->index_elem->expr);
		} else if (e->node_case == PG_QUERY__NODE__NODE_LIST && e->list->n_items) {
			/* EXCLUDE (elem WITH op) */
			index_elems(w, sc, e->list->items, 1);
		} else {
			walk_expr(w, sc, e);
		}
	}
}

static void walk_constraint(walker *w, const scope *sc, const PgQuery__Constraint *con)
{
	names_of(w, sc, con->keys, con->n_keys);
	names_of(w, sc, con->including, con->n_including);
	names_of(w, sc, con->fk_attrs, con->n_fk_attrs);
	index_elems(w, sc, con->exclusions, con->n_exclusions);
	walk_expr(w, sc, con->raw_expr);
	walk_expr(w, sc, con->where_clause);
	if (con->pktable && con->pktable->relname) {
		scope pk;
		table_scope(&pk, con->pktable->schemaname, con->pktable->relname);
		names_of(w, &pk, con->pk_attrs, con->n_pk_attrs);
		/* Without columns it references the primary key, whichever
		 * that is: a use of the table itself. */
		if (!con->n_pk_attrs)
			emit(w, &pk.items[0], NULL, -1);
	}
}

static void walk_column_def(walker *w, const scope *sc, const PgQuery__ColumnDef *def)
{
	walk_expr(w, sc, def->raw_default);
	for (size_t i = 0; i < def->n_constraints; i++) {
		const PgQuery__Node *c = def->constraints[i];
		if (c && c->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
			walk_constraint(w, sc, c->constraint);
	}
}

static void walk_alter(walker *w, const PgQuery__AlterTableStmt *as)
{
	if (!as->relation || as->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
		return;
	scope sc;
	table_scope(&sc, as->relation->schemaname, as->relation->relname);
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		if (!cmd)
			continue;
		switch (cmd->subtype) {
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
			/* IF EXISTS: a column already gone is fine. */
			if (cmd->name && !cmd->missing_ok)
				emit(w, &sc.items[0], cmd->name, -1);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStorage:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetCompression:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnGenericOptions:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetIdentity:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity:
			/* SET STATISTICS may name the column by number. */
			if (cmd->name && !cmd->num)
				emit(w, &sc.items[0], cmd->name, -1);
			break;
		default:
			break;
		}
		const PgQuery__Node *def = cmd->def;
		if (!def)
			continue;
		if (def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF)
			walk_column_def(w, &sc, def->column_def);
		else if (def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
			walk_constraint(w, &sc, def->constraint);
		else if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault)
			walk_expr(w, &sc, def);
	}
}

void ml_column_refs_of_expr(const ml_catalog *cat, const PgQuery__Node *expr, const char *schema, const char *table,
			    ml_column_ref_fn fn, void *data)
{
	walker w = { cat, fn, data, 0 };
	scope sc;
	table_scope(&sc, schema, table);
	walk_expr(&w, &sc, expr);
}

void ml_column_refs_of_constraint(const ml_catalog *cat, const PgQuery__Constraint *con, const char *schema,
				  const char *table, const char *column, ml_column_ref_fn fn, void *data)
{
	walker w = { cat, fn, data, 0 };
	scope sc;
	table_scope(&sc, schema, table);
	/* A column constraint without keys is on its column. */
	bool keyed = con->n_keys || con->n_fk_attrs || con->n_exclusions;
	if (column && !keyed && con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_CHECK &&
	    con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED)
		emit(&w, &sc.items[0], column, -1);
	walk_constraint(&w, &sc, con);
}

void ml_column_refs_of_stmt(const ml_catalog *cat, const PgQuery__Node *stmt, ml_column_ref_fn fn, void *data)
{
	if (!stmt)
		return;
	walker w = { cat, fn, data, 0 };
	scope sc;
	switch (stmt->node_case) {
	case PG_QUERY__NODE__NODE_SELECT_STMT:
	case PG_QUERY__NODE__NODE_INSERT_STMT:
	case PG_QUERY__NODE__NODE_UPDATE_STMT:
	case PG_QUERY__NODE__NODE_DELETE_STMT:
		walk_node(&w, NULL, stmt);
		break;
	case PG_QUERY__NODE__NODE_VIEW_STMT:
		walk_node(&w, NULL, stmt->view_stmt->query);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
		walk_node(&w, NULL, stmt->create_table_as_stmt->query);
		break;
	case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
		walk_node(&w, NULL, stmt->explain_stmt->query);
		break;
	case PG_QUERY__NODE__NODE_INDEX_STMT: {
		const PgQuery__IndexStmt *ix = stmt->index_stmt;
		if (!ix->relation)
			break;
		table_scope(&sc, ix->relation->schemaname, ix->relation->relname);
		index_elems(&w, &sc, ix->index_params, ix->n_index_params);
		index_elems(&w, &sc, ix->index_including_params, ix->n_index_including_params);
		walk_expr(&w, &sc, ix->where_clause);
		break;
	}
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		walk_alter(&w, stmt->alter_table_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_STMT: {
		const PgQuery__CreateStmt *cs = stmt->create_stmt;
		if (!cs->relation)
			break;
		table_scope(&sc, cs->relation->schemaname, cs->relation->relname);
		/* Only what reaches other tables: its own columns are new. */
		for (size_t i = 0; i < cs->n_table_elts; i++) {
			const PgQuery__Node *e = cs->table_elts[i];
			const PgQuery__Constraint *con = e && e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT
								 ? e->constraint : NULL;
			if (con && con->pktable && con->n_pk_attrs) {
				scope pk;
				table_scope(&pk, con->pktable->schemaname, con->pktable->relname);
				names_of(&w, &pk, con->pk_attrs, con->n_pk_attrs);
			}
		}
		break;
	}
	case PG_QUERY__NODE__NODE_RENAME_STMT: {
		const PgQuery__RenameStmt *rs = stmt->rename_stmt;
		if (rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN && rs->relation && rs->subname &&
		    !rs->missing_ok) {
			table_scope(&sc, rs->relation->schemaname, rs->relation->relname);
			emit(&w, &sc.items[0], rs->subname, -1);
		}
		break;
	}
	case PG_QUERY__NODE__NODE_COMMENT_STMT: {
		const PgQuery__CommentStmt *cs = stmt->comment_stmt;
		if (cs->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN || !cs->object ||
		    cs->object->node_case != PG_QUERY__NODE__NODE_LIST || cs->object->list->n_items < 2)
			break;
		const PgQuery__List *l = cs->object->list;
		const char *column = field_name(l->items[l->n_items - 1]);
		const char *table = field_name(l->items[l->n_items - 2]);
		const char *schema = l->n_items >= 3 ? field_name(l->items[l->n_items - 3]) : "";
		if (column && table) {
			table_scope(&sc, schema, table);
			emit(&w, &sc.items[0], column, -1);
		}
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT: {
		const PgQuery__CreateTrigStmt *tr = stmt->create_trig_stmt;
		if (!tr->relation)
			break;
		table_scope(&sc, tr->relation->schemaname, tr->relation->relname);
		names_of(&w, &sc, tr->columns, tr->n_columns);
		walk_expr(&w, &sc, tr->when_clause);
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT: {
		const PgQuery__CreatePolicyStmt *p = stmt->create_policy_stmt;
		if (!p->table)
			break;
		table_scope(&sc, p->table->schemaname, p->table->relname);
		walk_expr(&w, &sc, p->qual);
		walk_expr(&w, &sc, p->with_check);
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_STATS_STMT: {
		const PgQuery__CreateStatsStmt *st = stmt->create_stats_stmt;
		if (st->n_relations != 1 || !st->relations[0] ||
		    st->relations[0]->node_case != PG_QUERY__NODE__NODE_RANGE_VAR)
			break;
		const PgQuery__RangeVar *rel = st->relations[0]->range_var;
		table_scope(&sc, rel->schemaname, rel->relname);
		for (size_t i = 0; i < st->n_exprs; i++) {
			const PgQuery__Node *e = st->exprs[i];
			if (!e || e->node_case != PG_QUERY__NODE__NODE_STATS_ELEM)
				continue;
			if (e->stats_elem->name)
				emit(&w, &sc.items[0], e->stats_elem->name, -1);
			walk_expr(&w, &sc, e->stats_elem->expr);
		}
		break;
	}
	case PG_QUERY__NODE__NODE_RULE_STMT: {
		const PgQuery__RuleStmt *r = stmt->rule_stmt;
		if (!r->relation)
			break;
		table_scope(&sc, r->relation->schemaname, r->relation->relname);
		walk_expr(&w, &sc, r->where_clause);
		for (size_t i = 0; i < r->n_actions; i++)
			walk_node(&w, &sc, r->actions[i]);
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
		/* A SQL-standard body (BEGIN ATOMIC, RETURN) is parsed now. */
		table_scope(&sc, NULL, NULL);
		walk_expr(&w, &sc, stmt->create_function_stmt->sql_body);
		break;
	default:
		break;
	}
}
