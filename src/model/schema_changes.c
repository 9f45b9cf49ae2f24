/*
 * schema_changes.c - the step ledger: what one migration step (an up or a
 * down) makes, removes and renames, read statement by statement before the
 * catalog applies each, and folded into the step's net effect for the
 * reversibility rules. Each object the step touches is one entry that
 * remembers whether it existed when the step began, whether it exists now,
 * and its name then and now; the net effect compares the two. Members
 * (columns, constraints, triggers) and indexes point at the entry of their
 * table, so a table's rename or drop reaches them without a search by name.
 * Unnamed indexes and constraints get the names PostgreSQL gives them, from
 * the catalog's own naming (catalog_names.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "catalog_private.h"
#include "map.h"
#include "pg_grammar.h"
#include "plpgsql.h"
#include "schema_changes.h"
#include "tree.h"

typedef struct entity entity;

/* One object the step touched. A member's table (or a domain constraint's
 * type) and an index's table is its container; a member's schema and
 * table name are the container's. */
struct entity {
	ml_object_kind kind;
	entity *container;
	const char *was_schema, *was_name, *was_member; /* when the step began (existed) */
	const char *schema, *name, *member;             /* now, or when it went */
	bool existed, exists;
	bool matview;             /* a VIEW that holds rows */
	bool changed;             /* made, removed or renamed by the step, not only a container */
	int line;                 /* the statement that last made, removed or renamed it */
	size_t start, end;
};

struct ml_step_ledger {
	ml_arena *arena;
	ml_ptr_vec entities;      /* entity *, in the order the step met them */
	ml_map live;              /* key of an existing object -> entity */
	ml_map gone;              /* key of an object the step removed -> entity */
	bool unread;
	const ml_catalog *cat;    /* the statement's */
	int line;
	size_t start, end;
	ml_name_scope names;      /* names the statement chose so far for what it left unnamed, and
				     the constraint and index names it freed */
};

ml_step_ledger *ml_step_ledger_new(ml_arena *arena)
{
	ml_step_ledger *ledger = ml_arena_alloc(arena, sizeof(*ledger));
	ledger->arena = arena;
	return ledger;
}

void ml_step_ledger_mark_unread(ml_step_ledger *ledger)
{
	ledger->unread = true;
}

/* ---- identities ----------------------------------------------------------- */

/* An unqualified name is in the search path's first schema: public. */
static const char *norm_schema(const char *schema)
{
	return schema && *schema ? schema : "public";
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool is_member_kind(ml_object_kind kind)
{
	return kind == ML_OBJECT_COLUMN || kind == ML_OBJECT_CONSTRAINT || kind == ML_OBJECT_TRIGGER;
}

static bool is_relation_kind(ml_object_kind kind)
{
	return kind == ML_OBJECT_TABLE || kind == ML_OBJECT_VIEW || kind == ML_OBJECT_INDEX || kind == ML_OBJECT_SEQUENCE;
}

/* Objects that share a namespace share a class: tables, views, indexes
 * and sequences are all relations of their schema. */
static char kind_class(ml_object_kind kind)
{
	switch (kind) {
	case ML_OBJECT_SCHEMA:
		return 'S';
	case ML_OBJECT_EXTENSION:
		return 'E';
	case ML_OBJECT_TYPE:
		return 'T';
	case ML_OBJECT_FUNCTION:
		return 'F';
	default:
		return is_relation_kind(kind) ? 'R' : 'M';
	}
}

#define KEY_SIZE 600

static const char *top_key(char *buf, ml_object_kind kind, const char *schema, const char *name)
{
	bool global = kind == ML_OBJECT_SCHEMA || kind == ML_OBJECT_EXTENSION;
	snprintf(buf, KEY_SIZE, "%c|%s|%s", kind_class(kind), global ? "" : norm_schema(schema), name);
	return buf;
}

static const char *member_key(char *buf, ml_object_kind kind, const entity *container, const char *member)
{
	snprintf(buf, KEY_SIZE, "M%d|%p|%s", (int)kind, (const void *)container, member);
	return buf;
}

static const char *entity_key(char *buf, const entity *e)
{
	return is_member_kind(e->kind) ? member_key(buf, e->kind, e->container, e->member)
				       : top_key(buf, e->kind, e->schema, e->name);
}

/* The schema and name an entity has now (was: had when the step began). */
static const char *schema_of(const entity *e, bool was)
{
	if (is_member_kind(e->kind))
		return e->container ? schema_of(e->container, was) : "";
	return was ? e->was_schema : e->schema;
}

static const char *name_of(const entity *e, bool was)
{
	if (is_member_kind(e->kind))
		return e->container ? name_of(e->container, was) : "";
	return was ? e->was_name : e->name;
}

/* ---- the entities --------------------------------------------------------- */

static entity *find_top(const ml_step_ledger *l, ml_object_kind kind, const char *schema, const char *name)
{
	char key[KEY_SIZE];
	return ml_map_get(&l->live, top_key(key, kind, schema, name));
}

static entity *find_member(const ml_step_ledger *l, const entity *container, ml_object_kind kind, const char *member)
{
	char key[KEY_SIZE];
	return ml_map_get(&l->live, member_key(key, kind, container, member));
}

static void stamp(ml_step_ledger *l, entity *e)
{
	e->changed = true;
	e->line = l->line;
	e->start = l->start;
	e->end = l->end;
}

/* A new entry for an object that exists now: made by the statement
 * (existed false), or one that was there before the step. */
static entity *add_entity(ml_step_ledger *l, ml_object_kind kind, entity *container, const char *schema,
			  const char *name, const char *member, bool existed)
{
	entity *e = ml_arena_alloc(l->arena, sizeof(*e));
	e->kind = kind;
	e->container = container;
	if (!is_member_kind(kind)) {
		e->schema = ml_arena_strdup(l->arena, schema ? schema : "");
		e->name = ml_arena_strdup(l->arena, name);
	}
	e->member = member ? ml_arena_strdup(l->arena, member) : NULL;
	e->existed = existed;
	e->exists = true;
	if (existed) {
		e->was_schema = e->schema;
		e->was_name = e->name;
		e->was_member = e->member;
	}
	char key[KEY_SIZE];
	ml_map_put(l->arena, &l->live, entity_key(key, e), e);
	ml_ptr_vec_push(l->arena, &l->entities, e);
	return e;
}

static entity *make(ml_step_ledger *l, ml_object_kind kind, entity *container, const char *schema, const char *name,
		    const char *member)
{
	entity *e = add_entity(l, kind, container, schema, name, member, false);
	stamp(l, e);
	return e;
}

/* The entry of a top-level object that exists now: the step's, or one for
 * an object that was there before it. A relation entry that only stood
 * for a container takes the kind the statement says it has. */
static entity *existing_top(ml_step_ledger *l, ml_object_kind kind, const char *schema, const char *name)
{
	entity *e = find_top(l, kind, schema, name);
	if (e && !e->changed && e->existed && e->kind != kind)
		e->kind = kind;
	return e ? e : add_entity(l, kind, NULL, schema, name, NULL, true);
}

static entity *existing_member(ml_step_ledger *l, entity *container, ml_object_kind kind, const char *member)
{
	entity *e = find_member(l, container, kind, member);
	return e ? e : add_entity(l, kind, container, NULL, NULL, member, true);
}

/* Did the step remove the object under this key, and not make it again? */
static bool known_gone(const ml_step_ledger *l, const char *key)
{
	return ml_map_get(&l->gone, key) && !ml_map_get(&l->live, key);
}

/* The entry of the table (or view) schema.name, as a container; NULL when
 * the step removed it (a statement on it fails). */
static entity *relation(ml_step_ledger *l, const char *schema, const char *name)
{
	char key[KEY_SIZE];
	entity *e = find_top(l, ML_OBJECT_TABLE, schema, name);
	if (e || known_gone(l, top_key(key, ML_OBJECT_TABLE, schema, name)))
		return e;
	return add_entity(l, ML_OBJECT_TABLE, NULL, schema, name, NULL, true);
}

static void remove_entity(ml_step_ledger *l, entity *e)
{
	if (!e->exists)
		return;
	e->exists = false;
	stamp(l, e);
	char key[KEY_SIZE];
	entity_key(key, e);
	if (ml_map_get(&l->live, key) == e)
		ml_map_put(l->arena, &l->live, key, NULL);
	ml_map_put(l->arena, &l->gone, key, e);
	if (e->kind == ML_OBJECT_CONSTRAINT || e->kind == ML_OBJECT_INDEX)
		ml_ptr_vec_push(l->arena, &l->names.freed, (void *)(e->member ? e->member : e->name));
	/* Its columns, constraints, triggers and indexes go with it. */
	for (size_t i = 0; i < l->entities.len; i++) {
		entity *m = l->entities.items[i];
		if (m->container == e && m->exists)
			remove_entity(l, m);
	}
}

/* Files e under a new schema, name or (a member) member name. */
static void rename_entity(ml_step_ledger *l, entity *e, const char *schema, const char *name, const char *member)
{
	char key[KEY_SIZE];
	entity_key(key, e);
	if (ml_map_get(&l->live, key) == e)
		ml_map_put(l->arena, &l->live, key, NULL);
	if (is_member_kind(e->kind))
		e->member = ml_arena_strdup(l->arena, member);
	else {
		e->schema = ml_arena_strdup(l->arena, schema ? schema : "");
		e->name = ml_arena_strdup(l->arena, name);
	}
	ml_map_put(l->arena, &l->live, entity_key(key, e), e);
	stamp(l, e);
}

/* ---- what the catalog knows ----------------------------------------------- */

static const ml_dependent *catalog_dependent(const ml_catalog *cat, const char *kind, const char *name, size_t table)
{
	size_t n;
	const ml_dependent *const *named = ml_catalog_dependents_named(cat, name, &n);
	for (size_t i = 0; i < n; i++) {
		const ml_dependent *d = named[i];
		if (!strcmp(d->kind, kind) && (table == SIZE_MAX || d->table == table))
			return d;
	}
	return NULL;
}

/* Does the catalog know a relation schema.name (a table, an index, a view)? */
static bool catalog_has_relation(const ml_catalog *cat, const char *schema, const char *name)
{
	if (ml_catalog_table(cat, schema, name))
		return true;
	const ml_index_state *ix = ml_catalog_index(cat, name);
	if (ix && !strcmp(norm_schema(ix->schema), norm_schema(schema)))
		return true;
	return catalog_dependent(cat, "index", name, SIZE_MAX) || catalog_dependent(cat, "view", name, SIZE_MAX) ||
	       catalog_dependent(cat, "materialized view", name, SIZE_MAX);
}

/* Does a top-level object exist before the statement, as far as the step
 * and the catalog know? */
static bool top_exists(const ml_step_ledger *l, ml_object_kind kind, const char *schema, const char *name)
{
	char key[KEY_SIZE];
	top_key(key, kind, schema, name);
	if (ml_map_get(&l->live, key))
		return true;
	if (ml_map_get(&l->gone, key))
		return false;
	const ml_catalog *cat = l->cat;
	switch (kind) {
	case ML_OBJECT_TABLE:
	case ML_OBJECT_INDEX:
		return catalog_has_relation(cat, schema, name);
	case ML_OBJECT_VIEW:
		return ml_catalog_has_object(cat, 'V', schema, name) || catalog_has_relation(cat, schema, name);
	case ML_OBJECT_SEQUENCE:
		return ml_catalog_has_object(cat, 'Q', schema, name) || catalog_has_relation(cat, schema, name);
	case ML_OBJECT_FUNCTION:
		return ml_catalog_has_object(cat, 'F', schema, name);
	case ML_OBJECT_TYPE:
		return ml_catalog_has_object(cat, 'T', schema, name);
	case ML_OBJECT_SCHEMA:
		return ml_catalog_has_object(cat, 'S', "", name);
	case ML_OBJECT_EXTENSION:
		return ml_catalog_has_object(cat, 'E', "", name);
	default:
		return false;
	}
}

/* ---- names from the tree -------------------------------------------------- */

typedef ml_qname qname;

/* Names computed at run time by dynamic SQL are not known: the step's
 * effect is not complete. */
static bool dynamic(ml_step_ledger *l, const char *name)
{
	if (name && strstr(name, ML_DYNAMIC_PLACEHOLDER)) {
		l->unread = true;
		return true;
	}
	return false;
}

static bool known_qname(ml_step_ledger *l, const qname *q)
{
	return !dynamic(l, q->name) && !dynamic(l, q->table) && !dynamic(l, q->schema);
}

static bool list_qname(ml_step_ledger *l, PgQuery__Node *const *items, size_t n, bool with_table, qname *q)
{
	return ml_qname_of_list(items, n, with_table, q) && known_qname(l, q);
}

static bool object_qname(ml_step_ledger *l, const PgQuery__Node *o, bool with_table, qname *q)
{
	return ml_qname_of_object(o, with_table, q) && known_qname(l, q);
}

static bool range_qname(ml_step_ledger *l, const PgQuery__RangeVar *rv, qname *q)
{
	return ml_qname_of_range(rv, q) && known_qname(l, q);
}

/* ---- removing ------------------------------------------------------------- */

/* Removes a top-level object: the step's entry, or one for an object that
 * was there. IF EXISTS of an object the step removed already does nothing;
 * of one the step does not know, it counts as removing it: the step cannot
 * tell, and a down that says IF EXISTS means the object to be there. */
static entity *remove_top(ml_step_ledger *l, ml_object_kind kind, const char *schema, const char *name)
{
	char key[KEY_SIZE];
	if (known_gone(l, top_key(key, kind, schema, name)))
		return NULL;
	entity *e = existing_top(l, kind, schema, name);
	remove_entity(l, e);
	return e;
}

static void remove_member(ml_step_ledger *l, entity *container, ml_object_kind kind, const char *member)
{
	char key[KEY_SIZE];
	if (!container || !member || known_gone(l, member_key(key, kind, container, member)))
		return;
	remove_entity(l, existing_member(l, container, kind, member));
}

/* Removes an object the catalog records as using a column or table, which
 * goes with it. */
static void remove_dependent(ml_step_ledger *l, const ml_dependent *d)
{
	const ml_table_state *t = d->table != SIZE_MAX ? ml_catalog_table_by_id(l->cat, d->table) : NULL;
	entity *owner = t ? relation(l, t->schema, t->name) : NULL;
	if (!strcmp(d->kind, "index")) {
		entity *e = remove_top(l, ML_OBJECT_INDEX, t ? t->schema : "", d->name);
		if (e && !e->container)
			e->container = owner;
	} else if (!strcmp(d->kind, "constraint") || !strcmp(d->kind, "foreign key")) {
		remove_member(l, owner, ML_OBJECT_CONSTRAINT, d->name);
	} else if (!strcmp(d->kind, "trigger")) {
		remove_member(l, owner, ML_OBJECT_TRIGGER, d->name);
	} else if (!strcmp(d->kind, "generated column")) {
		remove_member(l, owner, ML_OBJECT_COLUMN, d->name);
	} else if (!strcmp(d->kind, "view") || !strcmp(d->kind, "materialized view")) {
		/* The record has no schema; the catalog's list of views may. */
		const char *schema = ml_catalog_view_schema(l->cat, l->arena, d->name);
		entity *e = remove_top(l, ML_OBJECT_VIEW, schema ? schema : "", d->name);
		if (e && !strcmp(d->kind, "materialized view"))
			e->matview = true;
	} else if (!strcmp(d->kind, "function")) {
		remove_top(l, ML_OBJECT_FUNCTION, "", d->name);
	}
}

/* Removes what a drop takes with it, as the catalog knows: hits of an
 * automatic dependency always, of a normal one with CASCADE. */
static void remove_hits(ml_step_ledger *l, const ml_dependent_hit *hits, size_t n, bool cascade)
{
	for (size_t i = 0; i < n; i++)
		if (hits[i].dependency == ML_DEPENDENCY_AUTO || (cascade && hits[i].dependency == ML_DEPENDENCY_NORMAL))
			remove_dependent(l, hits[i].dependent);
}

static void drop_column(ml_step_ledger *l, const qname *table, entity *t, const char *column, bool cascade)
{
	char key[KEY_SIZE];
	if (known_gone(l, member_key(key, ML_OBJECT_COLUMN, t, column)))
		return;
	/* Its indexes and constraints go with it; with CASCADE, the views
	 * and other tables' foreign keys that use it. */
	size_t n;
	ml_dependent_hit *hits = ml_catalog_column_dependents(l->cat, l->arena, table->schema, table->name, column, &n);
	remove_hits(l, hits, n, cascade);
	remove_member(l, t, ML_OBJECT_COLUMN, column);
}

/* A table (or view) removed, with what uses it when CASCADE, and its
 * partitions. */
static void drop_relation(ml_step_ledger *l, ml_object_kind kind, const qname *q, bool cascade, bool matview)
{
	if (cascade) {
		size_t n;
		ml_dependent_hit *hits = ml_catalog_table_dependents(l->cat, l->arena, q->schema, q->name, &n);
		remove_hits(l, hits, n, true);
	}
	const ml_table_state *t = kind == ML_OBJECT_TABLE ? ml_catalog_table(l->cat, q->schema, q->name) : NULL;
	for (size_t i = 0; t && i < t->partitions.len; i++) {
		const ml_table_state *p = t->partitions.items[i];
		remove_top(l, ML_OBJECT_TABLE, p->schema, p->name);
	}
	entity *e = remove_top(l, kind, q->schema, q->name);
	if (e && matview)
		e->matview = true;
}

static void drop_schema(ml_step_ledger *l, const char *name)
{
	entity *s = remove_top(l, ML_OBJECT_SCHEMA, "", name);
	if (!s)
		return;
	/* Whatever the step knows in it goes too (PostgreSQL refuses a
	 * schema that is not empty without CASCADE). */
	for (size_t i = 0; i < l->entities.len; i++) {
		entity *e = l->entities.items[i];
		if (e->exists && e->kind != ML_OBJECT_SCHEMA && e->kind != ML_OBJECT_EXTENSION && !is_member_kind(e->kind) &&
		    !strcmp(norm_schema(e->schema), name))
			remove_entity(l, e);
	}
}

/* The entry of the index named name: the step's, or one for an index that
 * was there, with its table as the catalog knows it. */
static entity *index_entity(ml_step_ledger *l, const char *schema, const char *name)
{
	if (find_top(l, ML_OBJECT_INDEX, schema, name))
		return existing_top(l, ML_OBJECT_INDEX, schema, name);
	entity *e = existing_top(l, ML_OBJECT_INDEX, schema, name);
	/* The catalog's record of what uses the table follows its renames;
	 * its list of indexes keeps the name the table had. */
	const ml_dependent *d = catalog_dependent(l->cat, "index", name, SIZE_MAX);
	const ml_table_state *t = d && d->table != SIZE_MAX ? ml_catalog_table_by_id(l->cat, d->table) : NULL;
	const ml_index_state *ix = ml_catalog_index(l->cat, name);
	if (t)
		e->container = relation(l, t->schema, t->name);
	else if (ix)
		e->container = relation(l, ix->schema, ix->table_name);
	return e;
}

/* The kind of relation a DROP, RENAME or SET SCHEMA names, or -1 for others. */
static int relation_kind(PgQuery__ObjectType type)
{
	int kind = ml_object_kind_of(type);
	return kind >= 0 && is_relation_kind((ml_object_kind)kind) ? kind : -1;
}

/* The kind of a type or routine a DROP, RENAME or SET SCHEMA names, or -1. */
static int object_kind(PgQuery__ObjectType type)
{
	int kind = ml_object_kind_of(type);
	return kind == ML_OBJECT_TYPE || kind == ML_OBJECT_FUNCTION ? kind : -1;
}

static void apply_drop(ml_step_ledger *l, const PgQuery__DropStmt *ds)
{
	bool cascade = ds->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
	for (size_t i = 0; ml_object_kind_of(ds->remove_type) >= 0 && i < ds->n_objects; i++) {
		qname q;
		bool trigger = ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER;
		if (!object_qname(l, ds->objects[i], trigger, &q))
			continue;
		switch (ds->remove_type) {
		case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
		case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
			drop_relation(l, ML_OBJECT_TABLE, &q, cascade, false);
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
			drop_relation(l, ML_OBJECT_VIEW, &q, cascade, false);
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
			drop_relation(l, ML_OBJECT_VIEW, &q, cascade, true);
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
			char key[KEY_SIZE];
			if (!known_gone(l, top_key(key, ML_OBJECT_INDEX, q.schema, q.name)))
				remove_entity(l, index_entity(l, q.schema, q.name));
			break;
		}
		case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
			remove_top(l, ML_OBJECT_SEQUENCE, q.schema, q.name);
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
			drop_schema(l, q.name);
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
		case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
			remove_top(l, ML_OBJECT_TYPE, q.schema, q.name);
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
		case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
		case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
		case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE:
			/* With CASCADE, the triggers that run it. */
			for (size_t k = 0; cascade && k < l->cat->trigger_functions.len; k++) {
				const ml_trigger_function *link = l->cat->trigger_functions.items[k];
				const ml_table_state *t = ml_catalog_table_by_id(l->cat, link->table);
				if (t && !strcmp(link->function, q.name))
					remove_member(l, relation(l, t->schema, t->name), ML_OBJECT_TRIGGER, link->trigger);
			}
			remove_top(l, ML_OBJECT_FUNCTION, q.schema, q.name);
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
			remove_member(l, relation(l, q.schema, q.table), ML_OBJECT_TRIGGER, q.name);
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION:
			remove_top(l, ML_OBJECT_EXTENSION, "", q.name);
			break;
		default:
			break;
		}
	}
}

/* ---- making ----------------------------------------------------------- */

/* Makes a top-level object, unless IF NOT EXISTS (or OR REPLACE) finds it
 * there already. */
static entity *make_top(ml_step_ledger *l, ml_object_kind kind, const qname *q, bool unless_exists)
{
	if (unless_exists && top_exists(l, kind, q->schema, q->name))
		return NULL;
	return make(l, kind, NULL, q->schema, q->name, NULL);
}

/* The constraints written in a column definition: made with the column. */
static void make_column_constraints(ml_step_ledger *l, entity *t, const qname *table, const PgQuery__ColumnDef *def)
{
	for (size_t i = 0; i < def->n_constraints; i++) {
		const PgQuery__Node *n = def->constraints[i];
		if (!n || n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
			continue;
		const char *name = ml_catalog_column_constraint_name(l->cat, l->arena, table->schema, table->name, def,
								     n->constraint, &l->names);
		if (!name || dynamic(l, name))
			continue;
		ml_ptr_vec_push(l->arena, &l->names.taken, (void *)name);
		make(l, ML_OBJECT_CONSTRAINT, t, NULL, NULL, name);
	}
}

static void add_column(ml_step_ledger *l, entity *t, const qname *table, const PgQuery__ColumnDef *def,
		       bool if_not_exists)
{
	if (!def->colname || !*def->colname || dynamic(l, def->colname))
		return;
	if (if_not_exists) {
		char key[KEY_SIZE];
		member_key(key, ML_OBJECT_COLUMN, t, def->colname);
		if (ml_map_get(&l->live, key) ||
		    (!ml_map_get(&l->gone, key) && ml_catalog_column(l->cat, table->schema, table->name, def->colname)))
			return;
	}
	make(l, ML_OBJECT_COLUMN, t, NULL, NULL, def->colname);
	make_column_constraints(l, t, table, def);
}

static void add_constraint(ml_step_ledger *l, entity *t, const qname *table, const PgQuery__Constraint *con)
{
	if (con->indexname && *con->indexname) {
		/* USING INDEX: the index becomes the constraint (renamed to
		 * it): no index of its own any more. */
		char key[KEY_SIZE];
		if (!known_gone(l, top_key(key, ML_OBJECT_INDEX, table->schema, con->indexname)))
			remove_entity(l, index_entity(l, table->schema, con->indexname));
	}
	const char *name = ml_catalog_constraint_name(l->cat, l->arena, table->schema, table->name, con, NULL, &l->names);
	if (!name || dynamic(l, name))
		return;
	ml_ptr_vec_push(l->arena, &l->names.taken, (void *)name);
	make(l, ML_OBJECT_CONSTRAINT, t, NULL, NULL, name);
}

static void apply_alter_table(ml_step_ledger *l, const PgQuery__AlterTableStmt *as)
{
	qname table;
	if ((as->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE && as->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE) ||
	    !range_qname(l, as->relation, &table))
		return;
	entity *t = relation(l, table.schema, table.name);
	for (size_t i = 0; t && i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		if (!cmd)
			continue;
		const PgQuery__ColumnDef *def = ml_added_column(cmd);
		if (def) {
			add_column(l, t, &table, def, cmd->missing_ok);
			continue;
		}
		const PgQuery__Node *d = cmd->def;
		switch (cmd->subtype) {
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
		ML_AT_RECURSE_CASE(DropColumn)
			if (cmd->name && *cmd->name && !dynamic(l, cmd->name))
				drop_column(l, &table, t, cmd->name, cmd->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
		ML_AT_RECURSE_CASE(AddConstraint)
			if (d && d->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
				add_constraint(l, t, &table, d->constraint);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
		ML_AT_RECURSE_CASE(DropConstraint)
			if (cmd->name && *cmd->name && !dynamic(l, cmd->name))
				remove_member(l, t, ML_OBJECT_CONSTRAINT, cmd->name);
			break;
		default:
			break;
		}
	}
}

static void apply_index(ml_step_ledger *l, const PgQuery__IndexStmt *ix)
{
	qname table;
	if (!range_qname(l, ix->relation, &table))
		return;
	const char *name = ml_catalog_index_name(l->cat, l->arena, ix, &l->names);
	if (!name || dynamic(l, name))
		return;
	entity *t = relation(l, table.schema, table.name);
	qname q = { table.schema, name, NULL };
	entity *e = t ? make_top(l, ML_OBJECT_INDEX, &q, ix->if_not_exists) : NULL;
	if (e)
		e->container = t;
}

static void apply_domain(ml_step_ledger *l, const PgQuery__AlterDomainStmt *ad)
{
	qname q;
	if (!ad->subtype || !list_qname(l, ad->type_name, ad->n_type_name, false, &q))
		return;
	entity *type = find_top(l, ML_OBJECT_TYPE, q.schema, q.name);
	if (!type)
		type = add_entity(l, ML_OBJECT_TYPE, NULL, q.schema, q.name, NULL, true);
	if (ad->subtype[0] == 'X' && ad->name && *ad->name) {
		remove_member(l, type, ML_OBJECT_CONSTRAINT, ad->name);
	} else if (ad->subtype[0] == 'C' && ad->def && ad->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
		const PgQuery__Constraint *con = ad->def->constraint;
		const char *name = con->conname && *con->conname ? con->conname
				   : con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK
					   ? ml_catalog_domain_check_name(l->cat, l->arena, q.name, &l->names)
					   : NULL;
		if (name)
			make(l, ML_OBJECT_CONSTRAINT, type, NULL, NULL, name);
	}
}

/* ---- renaming ------------------------------------------------------------ */

/* "name", or "schema.name" when the schema changes with it. */
static const char *rename_text(ml_arena *arena, const char *schema, const char *name, bool schema_changed)
{
	return schema_changed ? ml_arena_printf(arena, "%s.%s", norm_schema(schema), name) : ml_arena_strdup(arena, name);
}

static void rename_top(ml_step_ledger *l, ml_object_kind kind, const qname *q, const char *schema, const char *name,
		       bool matview)
{
	if (!name || !*name || dynamic(l, name) || dynamic(l, schema))
		return;
	entity *e = kind == ML_OBJECT_INDEX ? index_entity(l, q->schema, q->name) : existing_top(l, kind, q->schema, q->name);
	if (matview)
		e->matview = true;
	bool moves = strcmp(norm_schema(schema), norm_schema(e->schema)) != 0;
	/* A table's indexes move to its new schema with it: the ones the
	 * catalog knows join the step's first. */
	const ml_table_state *t = moves ? ml_catalog_table(l->cat, q->schema, q->name) : NULL;
	size_t n_of = 0;
	const ml_dependent *const *of = t ? ml_catalog_dependents_of_table(l->cat, t->id, &n_of) : NULL;
	for (size_t i = 0; i < n_of; i++) {
		const ml_dependent *d = of[i];
		if (d->table == t->id && !strcmp(d->kind, "index"))
			index_entity(l, q->schema, d->name);
	}
	rename_entity(l, e, schema, name, NULL);
	for (size_t i = 0; moves && i < l->entities.len; i++) {
		entity *ix = l->entities.items[i];
		if (ix->container == e && ix->kind == ML_OBJECT_INDEX && ix->exists)
			rename_entity(l, ix, schema, ix->name, NULL);
	}
}

static void rename_member(ml_step_ledger *l, entity *container, ml_object_kind kind, const char *member,
			  const char *newname)
{
	if (!container || !member || !*member || !newname || !*newname || dynamic(l, member) || dynamic(l, newname))
		return;
	rename_entity(l, existing_member(l, container, kind, member), NULL, NULL, newname);
}

static void apply_rename(ml_step_ledger *l, const PgQuery__RenameStmt *rs)
{
	qname q;
	int kind = relation_kind(rs->rename_type);
	if (kind >= 0) {
		if (range_qname(l, rs->relation, &q))
			rename_top(l, (ml_object_kind)kind, &q, q.schema, rs->newname,
				   rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW);
		return;
	}
	kind = object_kind(rs->rename_type);
	if (kind >= 0) {
		if (object_qname(l, rs->object, false, &q))
			rename_top(l, (ml_object_kind)kind, &q, q.schema, rs->newname, false);
		return;
	}
	switch (rs->rename_type) {
	case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
		/* A view's columns are not objects of their own here. */
		if (relation_kind(rs->relation_type) == ML_OBJECT_TABLE && range_qname(l, rs->relation, &q))
			rename_member(l, relation(l, q.schema, q.name), ML_OBJECT_COLUMN, rs->subname, rs->newname);
		break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
		if (range_qname(l, rs->relation, &q))
			rename_member(l, relation(l, q.schema, q.name), ML_OBJECT_CONSTRAINT, rs->subname, rs->newname);
		break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
		if (range_qname(l, rs->relation, &q))
			rename_member(l, relation(l, q.schema, q.name), ML_OBJECT_TRIGGER, rs->subname, rs->newname);
		break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_DOMCONSTRAINT:
		if (object_qname(l, rs->object, false, &q))
			rename_member(l, existing_top(l, ML_OBJECT_TYPE, q.schema, q.name), ML_OBJECT_CONSTRAINT, rs->subname,
				      rs->newname);
		break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
		if (rs->subname && *rs->subname && !dynamic(l, rs->subname)) {
			q = (qname){ "", rs->subname, NULL };
			rename_top(l, ML_OBJECT_SCHEMA, &q, "", rs->newname, false);
		}
		break;
	default:
		break;
	}
}

static void apply_set_schema(ml_step_ledger *l, const PgQuery__AlterObjectSchemaStmt *as)
{
	qname q;
	int kind = relation_kind(as->object_type);
	if (kind >= 0 && kind != ML_OBJECT_INDEX && range_qname(l, as->relation, &q)) {
		rename_top(l, (ml_object_kind)kind, &q, as->newschema, q.name,
			   as->object_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW);
		return;
	}
	kind = object_kind(as->object_type);
	if (kind >= 0 && object_qname(l, as->object, false, &q))
		rename_top(l, (ml_object_kind)kind, &q, as->newschema, q.name, false);
}

/* ---- statements ----------------------------------------------------------- */

static void create_table(ml_step_ledger *l, const PgQuery__CreateStmt *cs)
{
	qname q;
	if (cs && range_qname(l, cs->relation, &q))
		make_top(l, ML_OBJECT_TABLE, &q, cs->if_not_exists);
}

static void create_type(ml_step_ledger *l, PgQuery__Node *const *names, size_t n)
{
	qname q;
	if (list_qname(l, names, n, false, &q))
		make_top(l, ML_OBJECT_TYPE, &q, false);
}

/* OWNED BY table.column: the sequence goes with its table (DROP TABLE
 * drops the sequences its columns own), as pg_dump writes serial columns
 * (CREATE SEQUENCE, then ALTER SEQUENCE ... OWNED BY). OWNED BY NONE
 * frees it. */
static void sequence_owner(ml_step_ledger *l, const qname *seq, PgQuery__Node *const *options, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const PgQuery__Node *o = options[i];
		if (!o || o->node_case != PG_QUERY__NODE__NODE_DEF_ELEM || !o->def_elem->defname ||
		    strcmp(o->def_elem->defname, "owned_by") || !o->def_elem->arg ||
		    o->def_elem->arg->node_case != PG_QUERY__NODE__NODE_LIST)
			continue;
		entity *s = find_top(l, ML_OBJECT_SEQUENCE, seq->schema, seq->name);
		if (!s)
			s = existing_top(l, ML_OBJECT_SEQUENCE, seq->schema, seq->name);
		const PgQuery__List *names = o->def_elem->arg->list;
		qname column;
		/* [schema.]table.column: the table is the list without its last name. */
		if (names->n_items >= 2 && list_qname(l, names->items, names->n_items - 1, false, &column))
			s->container = relation(l, column.schema, column.name);
		else
			s->container = NULL; /* NONE */
	}
}

void ml_step_ledger_apply(ml_step_ledger *l, const ml_catalog *cat, const PgQuery__Node *stmt, int line, size_t start,
			  size_t end)
{
	if (!stmt)
		return;
	l->cat = cat;
	l->line = line;
	l->start = start;
	l->end = end;
	l->names.taken.len = 0;
	l->names.freed.len = 0;
	qname q;
	switch (stmt->node_case) {
	case PG_QUERY__NODE__NODE_CREATE_STMT:
		create_table(l, stmt->create_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_FOREIGN_TABLE_STMT:
		create_table(l, stmt->create_foreign_table_stmt->base_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT: {
		const PgQuery__CreateTableAsStmt *ct = stmt->create_table_as_stmt;
		bool matview = ct->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW;
		entity *e = ct->into && range_qname(l, ct->into->rel, &q)
				    ? make_top(l, matview ? ML_OBJECT_VIEW : ML_OBJECT_TABLE, &q, ct->if_not_exists)
				    : NULL;
		if (e)
			e->matview = matview;
		break;
	}
	case PG_QUERY__NODE__NODE_SELECT_STMT:
		/* SELECT ... INTO makes a table; other queries nothing. */
		if (stmt->select_stmt->into_clause && range_qname(l, stmt->select_stmt->into_clause->rel, &q))
			make_top(l, ML_OBJECT_TABLE, &q, false);
		break;
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		apply_alter_table(l, stmt->alter_table_stmt);
		break;
	case PG_QUERY__NODE__NODE_INDEX_STMT:
		apply_index(l, stmt->index_stmt);
		break;
	case PG_QUERY__NODE__NODE_DROP_STMT:
		apply_drop(l, stmt->drop_stmt);
		break;
	case PG_QUERY__NODE__NODE_RENAME_STMT:
		apply_rename(l, stmt->rename_stmt);
		break;
	case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT:
		apply_set_schema(l, stmt->alter_object_schema_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
		q = (qname){ "", ml_created_schema(stmt->create_schema_stmt), NULL };
		if (q.name && !dynamic(l, q.name))
			make_top(l, ML_OBJECT_SCHEMA, &q, stmt->create_schema_stmt->if_not_exists);
		break;
	case PG_QUERY__NODE__NODE_VIEW_STMT:
		if (range_qname(l, stmt->view_stmt->view, &q))
			make_top(l, ML_OBJECT_VIEW, &q, stmt->view_stmt->replace);
		break;
	case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
		if (range_qname(l, stmt->create_seq_stmt->sequence, &q)) {
			make_top(l, ML_OBJECT_SEQUENCE, &q, stmt->create_seq_stmt->if_not_exists);
			sequence_owner(l, &q, stmt->create_seq_stmt->options, stmt->create_seq_stmt->n_options);
		}
		break;
	case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT:
		if (range_qname(l, stmt->alter_seq_stmt->sequence, &q))
			sequence_owner(l, &q, stmt->alter_seq_stmt->options, stmt->alter_seq_stmt->n_options);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT: {
		const PgQuery__CreateTrigStmt *tr = stmt->create_trig_stmt;
		if (!tr->trigname || !*tr->trigname || dynamic(l, tr->trigname) || !range_qname(l, tr->relation, &q))
			break;
		entity *t = relation(l, q.schema, q.name);
		if (!t)
			break;
		if (tr->replace) {
			/* OR REPLACE of a trigger that is there makes nothing. */
			char key[KEY_SIZE];
			member_key(key, ML_OBJECT_TRIGGER, t, tr->trigname);
			if (ml_map_get(&l->live, key) ||
			    (!ml_map_get(&l->gone, key) &&
			     ml_catalog_has_trigger(cat, ml_catalog_table(cat, q.schema, q.name), tr->trigname)))
				break;
		}
		make(l, ML_OBJECT_TRIGGER, t, NULL, NULL, tr->trigname);
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT: {
		/* By name: a function of a name that is there already (replaced,
		 * or another signature of it) makes nothing new. */
		const PgQuery__CreateFunctionStmt *fn = stmt->create_function_stmt;
		if (list_qname(l, fn->funcname, fn->n_funcname, false, &q))
			make_top(l, ML_OBJECT_FUNCTION, &q, true);
		break;
	}
	case PG_QUERY__NODE__NODE_DEFINE_STMT: {
		const PgQuery__DefineStmt *ds = stmt->define_stmt;
		if (ds->kind == PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE &&
		    list_qname(l, ds->defnames, ds->n_defnames, false, &q))
			make_top(l, ML_OBJECT_FUNCTION, &q, true);
		else if (ds->kind == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE &&
			 list_qname(l, ds->defnames, ds->n_defnames, false, &q))
			make_top(l, ML_OBJECT_TYPE, &q, ds->if_not_exists);
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
		create_type(l, stmt->create_enum_stmt->type_name, stmt->create_enum_stmt->n_type_name);
		break;
	case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT:
		create_type(l, stmt->create_range_stmt->type_name, stmt->create_range_stmt->n_type_name);
		break;
	case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
		create_type(l, stmt->create_domain_stmt->domainname, stmt->create_domain_stmt->n_domainname);
		break;
	case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
		if (range_qname(l, stmt->composite_type_stmt->typevar, &q))
			make_top(l, ML_OBJECT_TYPE, &q, false);
		break;
	case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT:
		apply_domain(l, stmt->alter_domain_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT: {
		const char *name = stmt->create_extension_stmt->extname;
		q = (qname){ "", name, NULL };
		if (name && *name && !dynamic(l, name))
			make_top(l, ML_OBJECT_EXTENSION, &q, stmt->create_extension_stmt->if_not_exists);
		break;
	}
	default:
		break;
	}
}

/* ---- the net effect ------------------------------------------------------- */

static bool made_fresh(const entity *e)
{
	return e && !e->existed && e->exists;
}

static bool removed_whole(const entity *e)
{
	return e && e->existed && !e->exists;
}

/* Is e listed under something else the step made (was false) or removed
 * (was true): its table, or its schema? */
static bool listed_under(const ml_step_ledger *l, const entity *e, bool was)
{
	if (made_fresh(e->container) || removed_whole(e->container))
		return true;
	if (e->kind == ML_OBJECT_SCHEMA || e->kind == ML_OBJECT_EXTENSION)
		return false;
	const char *schema = norm_schema(schema_of(e, was));
	for (size_t i = 0; i < l->entities.len; i++) {
		const entity *s = l->entities.items[i];
		if (s->kind == ML_OBJECT_SCHEMA && (was ? removed_whole(s) : made_fresh(s)) &&
		    !strcmp(was ? s->was_name : s->name, schema))
			return true;
	}
	return false;
}

static bool renamed(const entity *e)
{
	if (!e->existed || !e->exists)
		return false;
	if (is_member_kind(e->kind))
		return strcmp(e->was_member, e->member) != 0;
	return strcmp(norm_schema(e->was_schema), norm_schema(e->schema)) || strcmp(e->was_name, e->name);
}

static ml_object_change change_of(ml_arena *arena, const entity *e, bool was, const char *renamed_from)
{
	ml_object_change c = { 0 };
	c.object.kind = e->kind;
	c.object.schema = ml_arena_strdup(arena, schema_of(e, was));
	c.object.name = ml_arena_strdup(arena, name_of(e, was));
	if (is_member_kind(e->kind))
		c.object.member = ml_arena_strdup(arena, was ? e->was_member : e->member);
	if (e->kind == ML_OBJECT_INDEX && e->container)
		c.object.parent = ml_arena_strdup(arena, name_of(e->container, was));
	c.line = e->line;
	c.start = e->start;
	c.end = e->end;
	c.renamed_from = renamed_from;
	c.holds_data = e->kind == ML_OBJECT_TABLE || e->kind == ML_OBJECT_COLUMN || (e->kind == ML_OBJECT_VIEW && e->matview);
	return c;
}

/* The other name of a renamed entity: where it came from (was false) or
 * went to (was true). */
static const char *other_name(ml_arena *arena, const entity *e, bool was)
{
	if (is_member_kind(e->kind))
		return ml_arena_strdup(arena, was ? e->member : e->was_member);
	bool moved = strcmp(norm_schema(e->was_schema), norm_schema(e->schema)) != 0;
	return was ? rename_text(arena, e->schema, e->name, moved) : rename_text(arena, e->was_schema, e->was_name, moved);
}

void ml_step_ledger_result(const ml_step_ledger *l, ml_arena *arena, ml_step_changes *out)
{
	*out = (ml_step_changes){ .complete = !l->unread };
	size_t n = l->entities.len;
	if (!n)
		return;
	ml_object_change *made = ml_arena_alloc(arena, n * sizeof(*made));
	ml_object_change *removed = ml_arena_alloc(arena, n * sizeof(*removed));
	for (size_t i = 0; i < n; i++) {
		const entity *e = l->entities.items[i];
		if (!e->changed)
			continue;
		bool is_renamed = renamed(e);
		if (((e->existed && !e->exists) || is_renamed) && !listed_under(l, e, true))
			removed[out->n_removed++] = change_of(arena, e, true, is_renamed ? other_name(arena, e, true) : NULL);
		if (((!e->existed && e->exists) || is_renamed) && !listed_under(l, e, false))
			made[out->n_made++] = change_of(arena, e, false, is_renamed ? other_name(arena, e, false) : NULL);
	}
	out->made = made;
	out->removed = removed;
}

/* ---- questions ------------------------------------------------------------- */

static bool same_object(const ml_schema_object *a, const ml_schema_object *b)
{
	if (a->kind != b->kind || !same_str(a->name, b->name) || !same_str(a->member, b->member))
		return false;
	return a->kind == ML_OBJECT_SCHEMA || a->kind == ML_OBJECT_EXTENSION ||
	       !strcmp(norm_schema(a->schema), norm_schema(b->schema));
}

/* Is obj inside c: in schema c, a member of table (view, type) c, or an
 * index of table c? */
static bool contains(const ml_schema_object *c, const ml_schema_object *obj)
{
	if (c->kind == ML_OBJECT_SCHEMA)
		return obj->kind != ML_OBJECT_SCHEMA && obj->kind != ML_OBJECT_EXTENSION &&
		       !strcmp(norm_schema(obj->schema), c->name);
	if (c->kind != ML_OBJECT_TABLE && c->kind != ML_OBJECT_VIEW && c->kind != ML_OBJECT_TYPE)
		return false;
	if (strcmp(norm_schema(obj->schema), norm_schema(c->schema)))
		return false;
	if (is_member_kind(obj->kind))
		return !strcmp(obj->name, c->name);
	return obj->kind == ML_OBJECT_INDEX && obj->parent && !strcmp(obj->parent, c->name);
}

/* The change of list (n long) that is obj, or (not a rename) holds it. */
static const ml_object_change *find_change(const ml_object_change *list, size_t n, const ml_schema_object *obj)
{
	for (size_t i = 0; i < n; i++)
		if (same_object(&list[i].object, obj))
			return &list[i];
	for (size_t i = 0; i < n; i++)
		if (!list[i].renamed_from && contains(&list[i].object, obj))
			return &list[i];
	return NULL;
}

const ml_object_change *ml_step_changes_removes(const ml_step_changes *step, const ml_schema_object *obj)
{
	return step && obj ? find_change(step->removed, step->n_removed, obj) : NULL;
}

const ml_object_change *ml_step_changes_makes(const ml_step_changes *step, const ml_schema_object *obj)
{
	return step && obj ? find_change(step->made, step->n_made, obj) : NULL;
}

const char *ml_schema_object_text(ml_arena *arena, const ml_schema_object *obj)
{
	const char *qualified = ml_qualified_name(arena, obj->schema, obj->name ? obj->name : "");
	switch (obj->kind) {
	case ML_OBJECT_SCHEMA:
		return ml_arena_printf(arena, "schema %s", obj->name);
	case ML_OBJECT_TABLE:
		return ml_arena_printf(arena, "table %s", qualified);
	case ML_OBJECT_COLUMN:
		return ml_arena_printf(arena, "column %s.%s", qualified, obj->member ? obj->member : "");
	case ML_OBJECT_INDEX:
		return ml_arena_printf(arena, "index %s", qualified);
	case ML_OBJECT_CONSTRAINT:
		return ml_arena_printf(arena, "constraint %s on %s", obj->member ? obj->member : "", qualified);
	case ML_OBJECT_TYPE:
		return ml_arena_printf(arena, "type %s", qualified);
	case ML_OBJECT_FUNCTION:
		return ml_arena_printf(arena, "function %s", qualified);
	case ML_OBJECT_VIEW:
		return ml_arena_printf(arena, "view %s", qualified);
	case ML_OBJECT_SEQUENCE:
		return ml_arena_printf(arena, "sequence %s", qualified);
	case ML_OBJECT_TRIGGER:
		return ml_arena_printf(arena, "trigger %s on %s", obj->member ? obj->member : "", qualified);
	case ML_OBJECT_EXTENSION:
		return ml_arena_printf(arena, "extension %s", obj->name);
	}
	return qualified;
}
