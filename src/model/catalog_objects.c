/*
 * catalog_objects.c - which named objects the migrations of the run made
 * and have not dropped since: schemas, extensions, types and domains,
 * sequences, views, functions (by name: overloads are one) and triggers.
 * IF NOT EXISTS and OR REPLACE make nothing when the object is there; the
 * step ledger (schema_changes.c) asks here. Also the reading of the names
 * DROP, RENAME and SET SCHEMA give their objects, which the ledger shares.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "catalog_private.h"
#include "tree.h"

bool ml_qname_of_list(PgQuery__Node *const *items, size_t n, bool with_table, ml_qname *q)
{
	const char *parts[4] = { 0 };
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!items[i] || items[i]->node_case != PG_QUERY__NODE__NODE_STRING || k == 4)
			return false;
		parts[k++] = items[i]->string->sval;
	}
	if (!k || !parts[k - 1] || !*parts[k - 1])
		return false;
	*q = (ml_qname){ "", parts[k - 1], NULL };
	size_t next = k - 1;
	if (with_table) {
		if (!next)
			return false;
		q->table = parts[--next];
	}
	if (next)
		q->schema = parts[next - 1];
	return true;
}

bool ml_qname_of_object(const PgQuery__Node *o, bool with_table, ml_qname *q)
{
	if (!o)
		return false;
	switch (o->node_case) {
	case PG_QUERY__NODE__NODE_LIST:
		return ml_qname_of_list(o->list->items, o->list->n_items, with_table, q);
	case PG_QUERY__NODE__NODE_TYPE_NAME:
		return ml_qname_of_list(o->type_name->names, o->type_name->n_names, false, q);
	case PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS:
		return ml_qname_of_list(o->object_with_args->objname, o->object_with_args->n_objname, false, q);
	case PG_QUERY__NODE__NODE_STRING:
		*q = (ml_qname){ "", o->string->sval, NULL };
		return o->string->sval && *o->string->sval;
	default:
		return false;
	}
}

bool ml_qname_of_range(const PgQuery__RangeVar *rv, ml_qname *q)
{
	if (!rv || !rv->relname || !*rv->relname)
		return false;
	*q = (ml_qname){ rv->schemaname ? rv->schemaname : "", rv->relname, NULL };
	return true;
}

const char *ml_created_schema(const PgQuery__CreateSchemaStmt *cs)
{
	/* CREATE SCHEMA AUTHORIZATION role names the schema after the role. */
	const char *name = cs->schemaname && *cs->schemaname ? cs->schemaname
			   : cs->authrole && cs->authrole->rolename ? cs->authrole->rolename : NULL;
	return name && *name ? name : NULL;
}

/* ---- the objects ------------------------------------------------------------ */

#define KEY_SIZE 600

/* The key of an object: its class, its schema (public when unqualified;
 * none for schemas and extensions) or, for a trigger, its table's id, and
 * its name. */
static const char *object_key(char *buf, char cls, const char *schema, const char *name)
{
	bool global = cls == 'S' || cls == 'E';
	snprintf(buf, KEY_SIZE, "%c|%s|%s", cls, global ? "" : schema && *schema ? schema : "public", name);
	return buf;
}

static const char *trigger_key(char *buf, size_t table, const char *name)
{
	char id[32];
	snprintf(id, sizeof(id), "#%zu", table);
	return object_key(buf, 'G', id, name);
}

static void note(ml_catalog *cat, const char *key, bool exists)
{
	if (exists || ml_map_get(&cat->objects, key))
		ml_map_put(cat->arena, &cat->objects, key, exists ? (void *)"exists" : NULL);
}

static void note_object(ml_catalog *cat, char cls, const ml_qname *q, bool exists)
{
	char key[KEY_SIZE];
	note(cat, object_key(key, cls, q->schema, q->name), exists);
}

/* Forgets every object whose key starts with prefix (a schema's). */
static void forget_prefix(ml_catalog *cat, const char *prefix)
{
	size_t len = strlen(prefix);
	for (size_t i = 0; i < cat->objects.cap; i++) {
		ml_map_entry *e = &cat->objects.entries[i];
		if (e->key && e->value && !strncmp(e->key, prefix, len))
			e->value = NULL;
	}
}

int ml_object_kind_of(PgQuery__ObjectType type)
{
	switch (type) {
	case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
		return ML_OBJECT_SCHEMA;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
	case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
		return ML_OBJECT_TABLE;
	case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
		return ML_OBJECT_INDEX;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
	case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
		return ML_OBJECT_TYPE;
	case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
	case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
	case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
	case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE:
		return ML_OBJECT_FUNCTION;
	case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
	case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
		return ML_OBJECT_VIEW;
	case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
		return ML_OBJECT_SEQUENCE;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
		return ML_OBJECT_TRIGGER;
	case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION:
		return ML_OBJECT_EXTENSION;
	default:
		return -1;
	}
}

/* The class this file keeps a DROP's, RENAME's or SET SCHEMA's objects
 * under, or 0 (tables, indexes and triggers are kept elsewhere or by
 * table). */
static char class_of(PgQuery__ObjectType type)
{
	switch (ml_object_kind_of(type)) {
	case ML_OBJECT_SCHEMA:
		return 'S';
	case ML_OBJECT_EXTENSION:
		return 'E';
	case ML_OBJECT_TYPE:
		return 'T';
	case ML_OBJECT_SEQUENCE:
		return 'Q';
	case ML_OBJECT_VIEW:
		return 'V';
	case ML_OBJECT_FUNCTION:
		return 'F';
	default:
		return 0;
	}
}

static void drop_objects(ml_catalog *cat, const PgQuery__DropStmt *ds)
{
	bool trigger = ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER;
	char cls = class_of(ds->remove_type);
	for (size_t i = 0; (cls || trigger) && i < ds->n_objects; i++) {
		ml_qname q;
		if (!ml_qname_of_object(ds->objects[i], trigger, &q))
			continue;
		char key[KEY_SIZE];
		if (trigger) {
			/* A dropped table's triggers need no forgetting: a table
			 * made again under its name has an id of its own. */
			const ml_table_state *t = ml_catalog_table(cat, q.schema, q.table);
			if (t)
				note(cat, trigger_key(key, t->id, q.name), false);
			continue;
		}
		note_object(cat, cls, &q, false);
		if (cls == 'S') {
			/* What the migrations made in it goes (PostgreSQL refuses a
			 * schema that is not empty without CASCADE). */
			static const char CLASSES[] = "TQVF";
			for (const char *c = CLASSES; *c; c++) {
				object_key(key, *c, q.name, "");
				forget_prefix(cat, key);
			}
		}
	}
}

/* Files an object under a new schema or name. */
static void move_object(ml_catalog *cat, char cls, const ml_qname *q, const char *schema, const char *name)
{
	char key[KEY_SIZE];
	if (!name || !*name || !ml_map_get(&cat->objects, object_key(key, cls, q->schema, q->name)))
		return;
	note(cat, key, false);
	note(cat, object_key(key, cls, schema, name), true);
}

static void rename_object(ml_catalog *cat, const PgQuery__RenameStmt *rs)
{
	ml_qname q;
	char cls = class_of(rs->rename_type);
	switch (rs->rename_type) {
	case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
		q = (ml_qname){ "", rs->subname, NULL };
		if (rs->subname && *rs->subname)
			move_object(cat, cls, &q, "", rs->newname);
		return;
	case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
	case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
	case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
		if (ml_qname_of_range(rs->relation, &q))
			move_object(cat, cls, &q, q.schema, rs->newname);
		return;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER: {
		const ml_table_state *t = ml_qname_of_range(rs->relation, &q) ? ml_catalog_table(cat, q.schema, q.name)
									   : NULL;
		char key[KEY_SIZE];
		if (t && rs->subname && rs->newname && ml_map_get(&cat->objects, trigger_key(key, t->id, rs->subname))) {
			note(cat, key, false);
			note(cat, trigger_key(key, t->id, rs->newname), true);
		}
		return;
	}
	default:
		if (cls && ml_qname_of_object(rs->object, false, &q))
			move_object(cat, cls, &q, q.schema, rs->newname);
		return;
	}
}

static void set_schema(ml_catalog *cat, const PgQuery__AlterObjectSchemaStmt *as)
{
	ml_qname q;
	char cls = class_of(as->object_type);
	if (cls == 'Q' || cls == 'V') {
		if (ml_qname_of_range(as->relation, &q))
			move_object(cat, cls, &q, as->newschema, q.name);
	} else if (cls == 'T' || cls == 'F') {
		if (ml_qname_of_object(as->object, false, &q))
			move_object(cat, cls, &q, as->newschema, q.name);
	}
}

static void note_list(ml_catalog *cat, char cls, PgQuery__Node *const *names, size_t n)
{
	ml_qname q;
	if (ml_qname_of_list(names, n, false, &q))
		note_object(cat, cls, &q, true);
}

static void note_range(ml_catalog *cat, char cls, const PgQuery__RangeVar *rv)
{
	ml_qname q;
	if (ml_qname_of_range(rv, &q))
		note_object(cat, cls, &q, true);
}

void ml_catalog_objects_apply(ml_catalog *cat, const PgQuery__Node *stmt)
{
	ml_qname q;
	switch (stmt->node_case) {
	case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
		q = (ml_qname){ "", ml_created_schema(stmt->create_schema_stmt), NULL };
		if (q.name)
			note_object(cat, 'S', &q, true);
		break;
	case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
		q = (ml_qname){ "", stmt->create_extension_stmt->extname, NULL };
		if (q.name && *q.name)
			note_object(cat, 'E', &q, true);
		break;
	case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
		note_list(cat, 'T', stmt->create_enum_stmt->type_name, stmt->create_enum_stmt->n_type_name);
		break;
	case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT:
		note_list(cat, 'T', stmt->create_range_stmt->type_name, stmt->create_range_stmt->n_type_name);
		break;
	case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
		note_list(cat, 'T', stmt->create_domain_stmt->domainname, stmt->create_domain_stmt->n_domainname);
		break;
	case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
		note_range(cat, 'T', stmt->composite_type_stmt->typevar);
		break;
	case PG_QUERY__NODE__NODE_DEFINE_STMT: {
		const PgQuery__DefineStmt *ds = stmt->define_stmt;
		if (ds->kind == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE)
			note_list(cat, 'T', ds->defnames, ds->n_defnames);
		else if (ds->kind == PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE)
			note_list(cat, 'F', ds->defnames, ds->n_defnames);
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
		note_range(cat, 'Q', stmt->create_seq_stmt->sequence);
		break;
	case PG_QUERY__NODE__NODE_VIEW_STMT:
		note_range(cat, 'V', stmt->view_stmt->view);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
		if (stmt->create_table_as_stmt->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW &&
		    stmt->create_table_as_stmt->into)
			note_range(cat, 'V', stmt->create_table_as_stmt->into->rel);
		break;
	case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
		note_list(cat, 'F', stmt->create_function_stmt->funcname, stmt->create_function_stmt->n_funcname);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT: {
		const PgQuery__CreateTrigStmt *tr = stmt->create_trig_stmt;
		char key[KEY_SIZE];
		if (tr->trigname && *tr->trigname && ml_qname_of_range(tr->relation, &q))
			note(cat, trigger_key(key, ml_catalog_touch(cat, q.schema, q.name)->id, tr->trigname), true);
		break;
	}
	case PG_QUERY__NODE__NODE_DROP_STMT:
		drop_objects(cat, stmt->drop_stmt);
		break;
	case PG_QUERY__NODE__NODE_RENAME_STMT:
		rename_object(cat, stmt->rename_stmt);
		break;
	case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT:
		set_schema(cat, stmt->alter_object_schema_stmt);
		break;
	default:
		break;
	}
}

bool ml_catalog_has_object(const ml_catalog *cat, char cls, const char *schema, const char *name)
{
	char key[KEY_SIZE];
	return name && ml_map_get(&cat->objects, object_key(key, cls, schema, name));
}

const char *ml_catalog_view_schema(const ml_catalog *cat, ml_arena *arena, const char *name)
{
	/* Keys are "V|schema|name": a walk, for the rare question. */
	for (size_t i = 0; i < cat->objects.cap; i++) {
		const ml_map_entry *e = &cat->objects.entries[i];
		if (!e->key || !e->value || strncmp(e->key, "V|", 2))
			continue;
		const char *schema = e->key + 2, *bar = strchr(schema, '|');
		if (!bar || strcmp(bar + 1, name))
			continue;
		size_t len = (size_t)(bar - schema);
		return len == 6 && !strncmp(schema, "public", 6) ? NULL : ml_arena_strndup(arena, schema, len);
	}
	return NULL;
}

bool ml_catalog_has_trigger(const ml_catalog *cat, const ml_table_state *t, const char *name)
{
	char key[KEY_SIZE];
	return t && name && ml_map_get(&cat->objects, trigger_key(key, t->id, name));
}
