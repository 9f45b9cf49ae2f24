/*
 * catalog_names.c - the names PostgreSQL would give the unnamed indexes and
 * constraints of a statement, given what the catalog knows of the schema:
 * the rules of pg_names.c, with the relations and constraints the catalog
 * knows counting as taken. The catalog names its records with these, and
 * the step ledger (schema_changes.c) names what a step makes with the same
 * calls before the catalog applies the statement, so both agree.
 */
#include <stdint.h>
#include <string.h>

#include "catalog_private.h"
#include "pg_names.h"
#include "tree.h"

/* The most columns a name is built from; past 64 bytes the rest are cut
 * anyway. */
#define MAX_NAME_COLUMNS 64

static bool same_schema(const char *a, const char *b)
{
	if (!a || !*a)
		a = "public";
	if (!b || !*b)
		b = "public";
	return !strcmp(a, b);
}

struct taken {
	const ml_catalog *cat;
	const char *schema;
	bool relations;           /* tables, views, indexes of the schema count */
	bool constraints;         /* constraints of the schema's tables count */
	const ml_name_scope *scope;
};

static bool name_taken(const char *name, void *data)
{
	const struct taken *tk = data;
	const ml_catalog *cat = tk->cat;
	const ml_name_scope *scope = tk->scope;
	for (size_t i = 0; scope && i < scope->taken.len; i++)
		if (!strcmp(scope->taken.items[i], name))
			return true;
	for (size_t i = 0; scope && i < scope->freed.len; i++)
		if (!strcmp(scope->freed.items[i], name))
			return false;
	if (tk->relations) {
		if (ml_catalog_table(cat, tk->schema, name))
			return true;
		const ml_index_state *ix = ml_catalog_index(cat, name);
		if (ix && same_schema(ix->schema, tk->schema))
			return true;
	}
	size_t n;
	const ml_dependent *const *named = ml_catalog_dependents_named(cat, name, &n);
	for (size_t i = 0; i < n; i++) {
		const ml_dependent *d = named[i];
		bool relation = !strcmp(d->kind, "index") || !strcmp(d->kind, "view") ||
				!strcmp(d->kind, "materialized view");
		bool constraint = !strcmp(d->kind, "constraint") || !strcmp(d->kind, "foreign key");
		if (!(relation && tk->relations) && !(constraint && tk->constraints))
			continue;
		const ml_table_state *t = d->table != SIZE_MAX ? ml_catalog_table_by_id(cat, d->table) : NULL;
		if (!t || same_schema(t->schema, tk->schema))
			return true;
	}
	return false;
}

/* The one column a CHECK reads, for its name; NULL when none or several.
 * Every column a CHECK names is its table's; the columns the statement
 * adds count as well (the catalog may not have them yet). */
struct single {
	const char *column;
	bool several;
};

static bool on_single(const ProtobufCMessage *msg, void *data)
{
	struct single *s = data;
	if (msg->descriptor != &pg_query__column_ref__descriptor)
		return true;
	const PgQuery__ColumnRef *ref = (const PgQuery__ColumnRef *)msg;
	const PgQuery__Node *last = ref->n_fields ? ref->fields[ref->n_fields - 1] : NULL;
	if (last && last->node_case == PG_QUERY__NODE__NODE_STRING) {
		const char *column = last->string->sval;
		if (s->column && strcmp(s->column, column))
			s->several = true;
		s->column = column;
	}
	return false;
}

/* The names of a list of String nodes (a constraint's columns), at most max. */
static size_t string_names(PgQuery__Node *const *items, size_t n, const char **out, size_t max)
{
	size_t count = 0;
	for (size_t i = 0; i < n && count < max; i++)
		if (items[i] && items[i]->node_case == PG_QUERY__NODE__NODE_STRING)
			out[count++] = items[i]->string->sval;
	return count;
}

const char *ml_catalog_constraint_name(const ml_catalog *cat, ml_arena *arena, const char *schema, const char *table,
				       const PgQuery__Constraint *con, const char *column, const ml_name_scope *scope)
{
	if (con->conname && *con->conname)
		return con->conname;
	if (con->indexname && *con->indexname)
		return con->indexname; /* USING INDEX: the index's name */
	struct taken tk = { cat, schema, true, true, scope };
	const char *names[MAX_NAME_COLUMNS];
	size_t n = 0;
	switch (con->contype) {
	case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
		return ml_pg_choose_name(arena, table, NULL, "pkey", name_taken, &tk);
	case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: {
		/* Its index's columns: the keys (its column's, in a column
		 * definition), then the INCLUDE ones. */
		PgQuery__Node *elems[MAX_NAME_COLUMNS];
		size_t k = 0;
		PgQuery__String own = PG_QUERY__STRING__INIT;
		PgQuery__Node own_node = PG_QUERY__NODE__INIT;
		if (!con->n_keys && column) {
			own.sval = (char *)column;
			own_node.node_case = PG_QUERY__NODE__NODE_STRING;
			own_node.string = &own;
			elems[k++] = &own_node;
		}
		for (size_t i = 0; i < con->n_keys && k < MAX_NAME_COLUMNS; i++)
			elems[k++] = con->keys[i];
		for (size_t i = 0; i < con->n_including && k < MAX_NAME_COLUMNS; i++)
			elems[k++] = con->including[i];
		n = ml_pg_index_column_names(arena, elems, k, names, MAX_NAME_COLUMNS);
		return ml_pg_choose_name(arena, table, ml_pg_name_addition(arena, names, n), "key", name_taken, &tk);
	}
	case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION: {
		PgQuery__Node *elems[MAX_NAME_COLUMNS];
		size_t k = 0;
		for (size_t i = 0; i < con->n_exclusions && k < MAX_NAME_COLUMNS; i++) {
			const PgQuery__Node *pair = con->exclusions[i]; /* (element, operator) */
			if (pair && pair->node_case == PG_QUERY__NODE__NODE_LIST && pair->list->n_items)
				elems[k++] = pair->list->items[0];
		}
		for (size_t i = 0; i < con->n_including && k < MAX_NAME_COLUMNS; i++)
			elems[k++] = con->including[i];
		n = ml_pg_index_column_names(arena, elems, k, names, MAX_NAME_COLUMNS);
		return ml_pg_choose_name(arena, table, ml_pg_name_addition(arena, names, n), "excl", name_taken, &tk);
	}
	case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
		/* Checked against constraint names only. */
		tk.relations = false;
		if (con->n_fk_attrs)
			n = string_names(con->fk_attrs, con->n_fk_attrs, names, MAX_NAME_COLUMNS);
		else if (column)
			names[n++] = column;
		return ml_pg_choose_name(arena, table, ml_pg_name_addition(arena, names, n), "fkey", name_taken, &tk);
	case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK: {
		/* Named after the one column its expression reads, wherever
		 * it is written; after none when it reads several. */
		tk.relations = false;
		struct single s = { 0 };
		if (con->raw_expr)
			ml_walk(&con->raw_expr->base, on_single, &s);
		return ml_pg_choose_name(arena, table, s.several ? NULL : s.column, "check", name_taken, &tk);
	}
	default:
		return NULL; /* NOT NULL, DEFAULT, GENERATED...: no constraint of its own in PostgreSQL 15 */
	}
}

static bool is_key(const PgQuery__Constraint *con)
{
	return con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY || con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE;
}

/* Would PostgreSQL build one index for both keys of a column? */
static bool same_key(const PgQuery__Constraint *a, const PgQuery__Constraint *b)
{
	return a->deferrable == b->deferrable && a->initdeferred == b->initdeferred &&
	       a->nulls_not_distinct == b->nulls_not_distinct && !a->n_options && !b->n_options &&
	       !(a->indexspace && *a->indexspace) && !(b->indexspace && *b->indexspace);
}

#define MAX_COLUMN_KEYS 16

const char *ml_catalog_column_constraint_name(const ml_catalog *cat, ml_arena *arena, const char *schema,
					      const char *table, const PgQuery__ColumnDef *def,
					      const PgQuery__Constraint *con, const ml_name_scope *scope)
{
	if (!is_key(con) || (con->indexname && *con->indexname))
		return ml_catalog_constraint_name(cat, arena, schema, table, con, def->colname, scope);
	/* The column's keys, the primary key first as PostgreSQL orders
	 * them; each folded into the first kept one it matches. */
	const PgQuery__Constraint *keys[MAX_COLUMN_KEYS];
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < def->n_constraints && n < MAX_COLUMN_KEYS; i++) {
			const PgQuery__Node *node = def->constraints[i];
			const PgQuery__Constraint *k = node && node->node_case == PG_QUERY__NODE__NODE_CONSTRAINT
							       ? node->constraint : NULL;
			if (k && is_key(k) && (pass == 0) == (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY))
				keys[n++] = k;
		}
	}
	size_t leader[MAX_COLUMN_KEYS];
	for (size_t i = 0; i < n; i++) {
		leader[i] = i;
		for (size_t j = 0; j < i && leader[i] == i; j++)
			if (leader[j] == j && same_key(keys[j], keys[i]))
				leader[i] = j;
	}
	size_t me = n;
	for (size_t i = 0; i < n && me == n; i++)
		if (keys[i] == con)
			me = i;
	if (me == n)
		return ml_catalog_constraint_name(cat, arena, schema, table, con, def->colname, scope);
	if (leader[me] != me)
		return NULL; /* folded into another key: no constraint of its own */
	/* Named after the first of its group that has a name. */
	for (size_t i = me; i < n; i++)
		if (leader[i] == me && keys[i]->conname && *keys[i]->conname)
			return keys[i]->conname;
	return ml_catalog_constraint_name(cat, arena, schema, table, con, def->colname, scope);
}

const char *ml_catalog_index_name(const ml_catalog *cat, ml_arena *arena, const PgQuery__IndexStmt *ix,
				  const ml_name_scope *scope)
{
	if (ix->idxname && *ix->idxname)
		return ix->idxname;
	if (!ix->relation || !ix->relation->relname)
		return NULL;
	PgQuery__Node *elems[MAX_NAME_COLUMNS];
	size_t k = 0;
	for (size_t i = 0; i < ix->n_index_params && k < MAX_NAME_COLUMNS; i++)
		elems[k++] = ix->index_params[i];
	for (size_t i = 0; i < ix->n_index_including_params && k < MAX_NAME_COLUMNS; i++)
		elems[k++] = ix->index_including_params[i];
	const char *names[MAX_NAME_COLUMNS];
	size_t n = ml_pg_index_column_names(arena, elems, k, names, MAX_NAME_COLUMNS);
	struct taken tk = { cat, ix->relation->schemaname, true, ix->isconstraint, scope };
	const char *label = ix->primary ? "pkey" : ix->n_exclude_op_names ? "excl" : ix->isconstraint ? "key" : "idx";
	return ml_pg_choose_name(arena, ix->relation->relname, ix->primary ? NULL : ml_pg_name_addition(arena, names, n),
				 label, name_taken, &tk);
}

const char *ml_catalog_domain_check_name(const ml_catalog *cat, ml_arena *arena, const char *domain,
					 const ml_name_scope *scope)
{
	/* The catalog knows whether a domain was made with a CHECK, not its
	 * name or how many: the first is taken to be there, named as
	 * PostgreSQL names it. */
	bool checked = ml_catalog_domain_is_checked(cat, domain);
	const char *name = ml_pg_object_name(arena, domain, NULL, "check");
	for (size_t i = 0; !checked && scope && i < scope->taken.len; i++)
		checked = !strcmp(scope->taken.items[i], name);
	if (!checked)
		return name;
	ml_name_scope taken = { 0 };
	ml_ptr_vec_push(arena, &taken.taken, (void *)name);
	for (size_t i = 0; scope && i < scope->taken.len; i++)
		ml_ptr_vec_push(arena, &taken.taken, scope->taken.items[i]);
	struct taken tk = { cat, "", false, false, &taken };
	return ml_pg_choose_name(arena, domain, NULL, "check", name_taken, &tk);
}

const char *ml_catalog_added_constraint_name(const ml_catalog *cat, ml_arena *arena, const char *schema,
					     const char *name, const PgQuery__Constraint *con)
{
	return ml_catalog_constraint_name(cat, arena, schema, name, con, NULL, NULL);
}

const char *ml_catalog_free_constraint_name(const ml_catalog *cat, ml_arena *arena, const char *schema,
					    const char *name, const char *column, const char *label)
{
	struct taken tk = { cat, schema, true, true, NULL };
	return ml_pg_choose_name(arena, name, column, label, name_taken, &tk);
}
