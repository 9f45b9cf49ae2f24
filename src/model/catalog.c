/*
 * catalog.c - the catalog: what the migrations have built so far, learnt
 * statement by statement (ml_catalog_apply): the tables they created, the
 * columns they defined or altered, their NOT NULL checks and whether those
 * are validated, their unique keys and foreign keys, their indexes,
 * functions, committing procedures, checked domains and partitions. Built-in
 * functions answer through the same calls, from volatility.c beneath. The
 * catalog owns its memory (one arena); a clone copies it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "catalog.h"
#include "catalog_private.h"
#include "facts.h"
#include "map.h"
#include "tree.h"
#include "volatility.h"

ml_catalog *ml_catalog_new(void)
{
	ml_arena *arena = ml_arena_new();
	if (!arena)
		return NULL;
	ml_catalog *cat = ml_arena_alloc(arena, sizeof(*cat));
	cat->arena = arena;
	return cat;
}

void ml_catalog_free(ml_catalog *cat)
{
	if (cat)
		ml_arena_free(cat->arena); /* cat itself lives in it */
}

void ml_catalog_begin_file(ml_catalog *cat, const char *path)
{
	cat->file++;
	cat->path = ml_arena_strdup(cat->arena, path ? path : "");
}

int ml_catalog_file(const ml_catalog *cat)
{
	return cat->file;
}

/* ---- clone ---------------------------------------------------------------- */

/* Where a clone's copies go, and whether it borrows the source's strings
 * (a short-lived copy: strings are never changed in place, only replaced). */
struct clone_to {
	ml_arena *arena;
	bool borrow;
};

static const char *copy_str(const struct clone_to *to, const char *s)
{
	return s && !to->borrow ? ml_arena_strdup(to->arena, s) : s;
}

/* A copy of vec (of items of size bytes each) in arena, with the items
 * copied when size is not 0, else the pointers kept. */
static ml_ptr_vec copy_vec(ml_arena *arena, const ml_ptr_vec *vec, size_t size)
{
	ml_ptr_vec out = { 0 };
	if (!vec->len)
		return out;
	/* Sized once: a copy is made for every down migration. */
	out.items = ml_arena_alloc(arena, vec->len * sizeof(*out.items));
	out.len = out.cap = vec->len;
	char *block = size ? ml_arena_alloc(arena, vec->len * size) : NULL;
	for (size_t i = 0; i < vec->len; i++) {
		void *item = vec->items[i];
		if (size) {
			memcpy(block + i * size, item, size);
			item = block + i * size;
		}
		out.items[i] = item;
	}
	return out;
}

/* The strings of a table's entries, copied into arena. */
static void copy_table_strings(const struct clone_to *to, ml_table_state *t)
{
	ml_arena *arena = to->arena;
	t->schema = copy_str(to, t->schema);
	t->name = copy_str(to, t->name);
	t->columns = copy_vec(arena, &t->columns, sizeof(ml_column_facts));
	for (size_t i = 0; i < t->columns.len; i++) {
		ml_column_facts *c = t->columns.items[i];
		c->name = copy_str(to, c->name);
		c->type = copy_str(to, c->type);
	}
	t->checks = copy_vec(arena, &t->checks, sizeof(ml_check_state));
	for (size_t i = 0; i < t->checks.len; i++) {
		ml_check_state *chk = t->checks.items[i];
		chk->name = copy_str(to, chk->name);
		chk->column = copy_str(to, chk->column);
	}
	t->foreign_keys = copy_vec(arena, &t->foreign_keys, sizeof(ml_foreign_key_state));
	for (size_t i = 0; i < t->foreign_keys.len; i++) {
		ml_foreign_key_state *fk = t->foreign_keys.items[i];
		fk->name = copy_str(to, fk->name);
		fk->ref_schema = copy_str(to, fk->ref_schema);
		fk->ref_name = copy_str(to, fk->ref_name);
	}
	t->unique_keys = copy_vec(arena, &t->unique_keys, sizeof(ml_unique_key));
	for (size_t i = 0; i < t->unique_keys.len; i++) {
		ml_unique_key *k = t->unique_keys.items[i];
		const char **columns = ml_arena_alloc(arena, (k->n_columns ? k->n_columns : 1) * sizeof(*columns));
		for (size_t c = 0; c < k->n_columns; c++)
			columns[c] = copy_str(to, k->columns[c]);
		k->columns = columns;
		k->name = copy_str(to, k->name);
	}
}

static ml_catalog *clone_catalog(const ml_catalog *src, bool borrow)
{
	ml_catalog *cat = ml_catalog_new();
	if (!cat)
		return NULL;
	ml_arena *arena = cat->arena;
	const struct clone_to to_arena = { arena, borrow }, *to = &to_arena;
	cat->file = src->file;
	/* Tables first, then the links between them, by id. */
	for (size_t i = 0; i < src->all_tables.len; i++) {
		ml_table_state *t = ml_arena_alloc(arena, sizeof(*t));
		*t = *(const ml_table_state *)src->all_tables.items[i];
		copy_table_strings(to, t);
		ml_ptr_vec_push(arena, &cat->all_tables, t);
	}
	for (size_t i = 0; i < cat->all_tables.len; i++) {
		ml_table_state *t = cat->all_tables.items[i];
		if (t->parent)
			t->parent = cat->all_tables.items[t->parent->id];
		t->partitions = copy_vec(arena, &t->partitions, 0);
		for (size_t k = 0; k < t->partitions.len; k++)
			t->partitions.items[k] = cat->all_tables.items[((ml_table_state *)t->partitions.items[k])->id];
	}
	/* The maps slot for slot (nothing hashed again), their values the
	 * copy's own. */
	ml_map_copy(arena, &cat->tables, &src->tables, !borrow);
	for (size_t i = 0; i < cat->tables.cap; i++) {
		ml_map_entry *e = &cat->tables.entries[i];
		if (e->key && e->value)
			e->value = cat->all_tables.items[((ml_table_state *)e->value)->id];
	}
	ml_map_copy(arena, &cat->indexes, &src->indexes, !borrow);
	for (size_t i = 0; i < cat->indexes.cap; i++) {
		ml_map_entry *e = &cat->indexes.entries[i];
		if (!e->key || !e->value)
			continue;
		const ml_index_state *from = e->value;
		ml_index_state *ix = ml_arena_alloc(arena, sizeof(*ix));
		ix->name = copy_str(to, from->name);
		ix->table = copy_str(to, from->table);
		ix->schema = copy_str(to, from->schema);
		ix->table_name = copy_str(to, from->table_name);
		ix->table_id = from->table_id;
		e->value = ix;
	}
	cat->functions = copy_vec(arena, &src->functions, sizeof(ml_function_state));
	for (size_t i = 0; i < cat->functions.len; i++) {
		ml_function_state *f = cat->functions.items[i];
		f->name = copy_str(to, f->name);
		ml_map_put(arena, &cat->function_names, f->name, f);
	}
	for (size_t i = 0; i < src->committing_procedures.len; i++)
		ml_ptr_vec_push(arena, &cat->committing_procedures,
				(void *)copy_str(to, src->committing_procedures.items[i]));
	ml_map_copy(arena, &cat->checked_domains, &src->checked_domains, !borrow);
	ml_map_copy(arena, &cat->objects, &src->objects, !borrow);
	cat->path = copy_str(to, src->path);
	cat->line = src->line;
	cat->applied = src->applied;
	cat->next_column_id = src->next_column_id;
	ml_catalog_deps_clone(cat, src, borrow);
	return cat;
}

ml_catalog *ml_catalog_clone(const ml_catalog *src)
{
	return clone_catalog(src, false);
}

ml_catalog *ml_catalog_clone_borrowing(const ml_catalog *src)
{
	return clone_catalog(src, true);
}

/* ---- tables by name ------------------------------------------------------- */

/* The lookup key of a table: an unqualified name means the default schema,
 * "public" under the usual search_path; it does not match a table of the
 * same name in another schema (auth.users is not users). */
static const char *table_key(char *buf, size_t len, const char *schema, const char *name)
{
	/* What snprintf(buf, len, "%s.%s", ...) writes, without printf: a
	 * statement looks tables up many times, and the formatting was most of
	 * the cost. */
	const char *parts[3] = { schema && *schema ? schema : "public", ".", name };
	size_t n = 0;
	for (size_t i = 0; i < 3; i++)
		for (const char *p = parts[i]; *p && n + 1 < len; p++)
			buf[n++] = *p;
	buf[n] = '\0';
	return buf;
}

const char *ml_qualified_name(ml_arena *arena, const char *schema, const char *name)
{
	if (schema && *schema)
		return ml_arena_printf(arena, "%s.%s", schema, name);
	return ml_arena_strdup(arena, name);
}

static ml_table_state *find_table(const ml_catalog *cat, const char *schema, const char *name)
{
	char key[512];
	return ml_map_get(&cat->tables, table_key(key, sizeof(key), schema, name));
}

const ml_table_state *ml_catalog_table(const ml_catalog *cat, const char *schema, const char *name)
{
	return name ? find_table(cat, schema, name) : NULL;
}

const ml_table_state *ml_catalog_table_by_id(const ml_catalog *cat, size_t id)
{
	return id < cat->all_tables.len ? cat->all_tables.items[id] : NULL;
}

ml_table_state *ml_catalog_touch(ml_catalog *cat, const char *schema, const char *name)
{
	ml_table_state *t = find_table(cat, schema, name);
	if (t)
		return t;
	t = ml_arena_alloc(cat->arena, sizeof(*t));
	t->schema = ml_arena_strdup(cat->arena, schema ? schema : "");
	t->name = ml_arena_strdup(cat->arena, name);
	t->id = cat->all_tables.len;
	ml_ptr_vec_push(cat->arena, &cat->all_tables, t);
	char key[512];
	ml_map_put(cat->arena, &cat->tables, table_key(key, sizeof(key), schema, name), t);
	return t;
}

/* Files the table under a new name (and schema, when newschema is not
 * NULL), or under none (newname NULL). */
static void rekey_table(ml_catalog *cat, ml_table_state *t, const char *newschema, const char *newname)
{
	char key[512];
	ml_map_put(cat->arena, &cat->tables, table_key(key, sizeof(key), t->schema, t->name), NULL);
	if (!newname)
		return;
	t->name = ml_arena_strdup(cat->arena, newname);
	if (newschema)
		t->schema = ml_arena_strdup(cat->arena, newschema);
	ml_map_put(cat->arena, &cat->tables, table_key(key, sizeof(key), t->schema, t->name), t);
}

ml_column_facts *ml_catalog_column_facts(ml_catalog *cat, const ml_table_state *table, const char *column,
					 bool create)
{
	for (size_t i = 0; i < table->columns.len; i++) {
		ml_column_facts *c = table->columns.items[i];
		if (!strcmp(c->name, column))
			return c;
	}
	if (!create)
		return NULL;
	ml_column_facts *c = ml_arena_alloc(cat->arena, sizeof(*c));
	c->name = ml_arena_strdup(cat->arena, column);
	c->id = ++cat->next_column_id;
	ml_ptr_vec_push(cat->arena, &((ml_table_state *)table)->columns, c);
	return c;
}

/* ---- questions ------------------------------------------------------------ */

bool ml_catalog_table_is_new(const ml_catalog *cat, const char *schema, const char *name)
{
	const ml_table_state *t = name ? find_table(cat, schema, name) : NULL;
	return t && t->created_in_run && t->created_in_file == cat->file;
}

const ml_column_facts *ml_catalog_column(const ml_catalog *cat, const char *schema, const char *name,
					 const char *column)
{
	const ml_table_state *t = name ? find_table(cat, schema, name) : NULL;
	return t && column ? ml_catalog_column_facts(NULL, t, column, false) : NULL;
}

const ml_index_state *ml_catalog_index(const ml_catalog *cat, const char *name)
{
	const ml_index_state *ix = name ? ml_map_get(&cat->indexes, name) : NULL;
	/* An index goes with its table; its table is found under its name
	 * while it is there. */
	const ml_table_state *t = ix ? ml_catalog_table_by_id(cat, ix->table_id) : NULL;
	return t && find_table(cat, t->schema, t->name) == t ? ix : NULL;
}

char ml_catalog_function_volatility(const ml_catalog *cat, const char *name, bool *builtin)
{
	if (builtin)
		*builtin = false;
	if (!name)
		return 0;
	/* The newest of that name, without a walk over every function. */
	const ml_function_state *f = ml_map_get(&cat->function_names, name);
	if (f)
		return f->volatility;
	char v = ml_builtin_volatility(name);
	if (builtin)
		*builtin = v != 0;
	return v;
}

struct volatility_search {
	const ml_catalog *cat;
	const char *found;
};

static bool find_volatile(const ProtobufCMessage *msg, void *data)
{
	struct volatility_search *s = data;
	if (s->found)
		return false;
	if (msg->descriptor == &pg_query__func_call__descriptor) {
		const PgQuery__FuncCall *call = (const PgQuery__FuncCall *)msg;
		const char *name = ml_last_name(call->funcname, call->n_funcname);
		char v = ml_catalog_function_volatility(s->cat, name, NULL);
		/* A function we know nothing about was made with CREATE FUNCTION,
		 * whose default is VOLATILE. */
		if (!v || v == 'v')
			s->found = name;
	}
	/* A subquery cannot appear in a DEFAULT; nothing else calls functions. */
	return true;
}

bool ml_catalog_expr_is_volatile(const ml_catalog *cat, const PgQuery__Node *expr, const char **name)
{
	struct volatility_search s = { .cat = cat };
	if (expr)
		ml_walk(&expr->base, find_volatile, &s);
	if (name)
		*name = s.found;
	return s.found != NULL;
}

bool ml_catalog_procedure_commits(const ml_catalog *cat, const char *name)
{
	for (size_t i = 0; name && i < cat->committing_procedures.len; i++)
		if (!strcmp(cat->committing_procedures.items[i], name))
			return true;
	return false;
}

void ml_catalog_note_commits(ml_catalog *cat, const char *procedure)
{
	ml_ptr_vec_push(cat->arena, &cat->committing_procedures, ml_arena_strdup(cat->arena, procedure));
}

bool ml_catalog_domain_is_checked(const ml_catalog *cat, const char *name)
{
	return name && ml_map_get(&cat->checked_domains, name);
}

/* ---- recording ----------------------------------------------------------- */

/* The column a CHECK (col IS NOT NULL) constrains, or NULL for other checks. */
static const char *not_null_check_column(const PgQuery__Constraint *con)
{
	const PgQuery__Node *e = con->raw_expr;
	if (!e || e->node_case != PG_QUERY__NODE__NODE_NULL_TEST)
		return NULL;
	const PgQuery__NullTest *t = e->null_test;
	if (t->nulltesttype != PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL || !t->arg ||
	    t->arg->node_case != PG_QUERY__NODE__NODE_COLUMN_REF)
		return NULL;
	const PgQuery__ColumnRef *ref = t->arg->column_ref;
	return ref->n_fields ? ml_last_name(ref->fields, ref->n_fields) : NULL;
}

/* Records a column definition. may_inherit: the table takes columns from
 * elsewhere (INHERITS, PARTITION OF, OF type), which can make this one NOT
 * NULL without the definition saying so. */
static void record_column(ml_catalog *cat, ml_table_state *t, const PgQuery__ColumnDef *def, bool may_inherit)
{
	if (!def->colname || !*def->colname)
		return;
	ml_column_facts *c = ml_catalog_column_facts(cat, t, def->colname, false);
	if (!c) {
		c = ml_catalog_column_facts(cat, t, def->colname, true);
		c->added_at = cat->applied;
	}
	const char *type = ml_type_name_text(cat->arena, def->type_name);
	c->type = type ? ml_arena_strdup(cat->arena, type) : NULL;
	/* PostgreSQL makes serial and identity columns NOT NULL itself. */
	c->not_null = def->is_not_null || ml_column_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL) ||
		      ml_column_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) ||
		      ml_column_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY) ||
		      ml_type_is_serial(def->type_name);
	c->nullable = !c->not_null && !may_inherit;
}

/* A PRIMARY KEY makes its columns NOT NULL. Without a column list (USING
 * INDEX) any column of the table may be in it: none is known nullable. */
static void record_primary_key(ml_catalog *cat, ml_table_state *t, const PgQuery__Constraint *con)
{
	if (con->n_keys == 0) {
		for (size_t i = 0; i < t->columns.len; i++)
			((ml_column_facts *)t->columns.items[i])->nullable = false;
		return;
	}
	for (size_t i = 0; i < con->n_keys; i++) {
		const PgQuery__Node *k = con->keys[i];
		if (!k || k->node_case != PG_QUERY__NODE__NODE_STRING)
			continue;
		ml_column_facts *c = ml_catalog_column_facts(cat, t, k->string->sval, true);
		c->not_null = true;
		c->nullable = false;
	}
}

static void record_check(ml_catalog *cat, ml_table_state *t, const PgQuery__Constraint *con)
{
	const char *column = not_null_check_column(con);
	if (!column)
		return;
	ml_check_state *chk = ml_arena_alloc(cat->arena, sizeof(*chk));
	chk->name = ml_arena_strdup(cat->arena, con->conname ? con->conname : "");
	chk->column = ml_arena_strdup(cat->arena, column);
	chk->valid = !con->skip_validation;
	ml_ptr_vec_push(cat->arena, &t->checks, chk);
	ml_column_facts *c = ml_catalog_column_facts(cat, t, column, true);
	if (chk->valid)
		c->valid_not_null_check = true;
	else
		c->pending_not_null_check = true;
}

static void validate_check(ml_catalog *cat, ml_table_state *t, const char *name)
{
	for (size_t i = 0; i < t->checks.len; i++) {
		ml_check_state *chk = t->checks.items[i];
		if (strcmp(chk->name, name) != 0)
			continue;
		chk->valid = true;
		ml_column_facts *c = ml_catalog_column_facts(cat, t, chk->column, true);
		c->valid_not_null_check = true;
		c->pending_not_null_check = false;
	}
}

static void drop_check(ml_catalog *cat, ml_table_state *t, const char *name)
{
	for (size_t i = 0; i < t->checks.len; i++) {
		ml_check_state *chk = t->checks.items[i];
		if (strcmp(chk->name, name) != 0)
			continue;
		ml_column_facts *c = ml_catalog_column_facts(cat, t, chk->column, true);
		c->valid_not_null_check = false;
		c->pending_not_null_check = false;
		chk->name = "";
	}
}

static void record_foreign_key(ml_catalog *cat, ml_table_state *t, const PgQuery__Constraint *con)
{
	if (!con->pktable)
		return;
	ml_foreign_key_state *fk = ml_arena_alloc(cat->arena, sizeof(*fk));
	fk->name = ml_arena_strdup(cat->arena, con->conname ? con->conname : "");
	fk->ref_schema = ml_arena_strdup(cat->arena, con->pktable->schemaname ? con->pktable->schemaname : "");
	fk->ref_name = ml_arena_strdup(cat->arena, con->pktable->relname);
	ml_ptr_vec_push(cat->arena, &t->foreign_keys, fk);
}

/* Records the foreign keys a column definition declares. */
static void record_column_foreign_keys(ml_catalog *cat, ml_table_state *t, const PgQuery__ColumnDef *def)
{
	for (size_t i = 0; i < def->n_constraints; i++) {
		const PgQuery__Node *n = def->constraints[i];
		if (n && n->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
		    n->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN)
			record_foreign_key(cat, t, n->constraint);
	}
}

/* ---- unique keys ---------------------------------------------------------- */

/* Keys with more columns than this are not recorded (they name one row only
 * when all of them are given, which WHERE clauses rarely do). */
#define MAX_KEY_COLUMNS 16

static void add_unique_key(ml_catalog *cat, ml_table_state *t, const char *name, const char *const *columns, size_t n)
{
	if (n == 0)
		return;
	ml_unique_key *k = ml_arena_alloc(cat->arena, sizeof(*k));
	k->name = ml_arena_strdup(cat->arena, name ? name : "");
	k->columns = ml_arena_alloc(cat->arena, n * sizeof(*k->columns));
	for (size_t i = 0; i < n; i++)
		k->columns[i] = ml_arena_strdup(cat->arena, columns[i]);
	k->n_columns = n;
	ml_ptr_vec_push(cat->arena, &t->unique_keys, k);
}

/* The key named name of table t, or NULL. */
static ml_unique_key *find_key(const ml_table_state *t, const char *name)
{
	for (size_t i = 0; name && *name && i < t->unique_keys.len; i++) {
		ml_unique_key *k = t->unique_keys.items[i];
		if (!strcmp(k->name, name))
			return k;
	}
	return NULL;
}

/* Forgets the keys named name, or (name NULL) the keys that include column. */
static void drop_keys(ml_table_state *t, const char *name, const char *column)
{
	for (size_t i = 0; i < t->unique_keys.len; i++) {
		const ml_unique_key *k = t->unique_keys.items[i];
		bool drop = name ? !strcmp(k->name, name) : false;
		for (size_t c = 0; !name && c < k->n_columns; c++)
			drop |= !strcmp(k->columns[c], column);
		if (drop)
			t->unique_keys.items[i--] = t->unique_keys.items[--t->unique_keys.len];
	}
}

/* Records a PRIMARY KEY or UNIQUE constraint of table t: the columns it
 * lists, or those of def for one written in a column definition. */
static void record_key_constraint(ml_catalog *cat, ml_table_state *t, const PgQuery__Constraint *con,
				  const PgQuery__ColumnDef *def)
{
	const char *column = def ? def->colname : NULL;
	if (con->indexname && *con->indexname) {
		const char *conname = con->conname && *con->conname ? con->conname : NULL;
		/* USING INDEX: the index becomes the constraint and takes its name. */
		ml_unique_key *k = find_key(t, con->indexname);
		if (k && conname)
			k->name = ml_arena_strdup(cat->arena, conname);
		return;
	}
	const char *columns[MAX_KEY_COLUMNS];
	size_t n = 0;
	if (column) {
		columns[n++] = column;
	} else {
		if (con->n_keys > MAX_KEY_COLUMNS)
			return;
		for (size_t i = 0; i < con->n_keys; i++) {
			const PgQuery__Node *key = con->keys[i];
			if (!key || key->node_case != PG_QUERY__NODE__NODE_STRING)
				return;
			columns[n++] = key->string->sval;
		}
	}
	/* Unnamed: PostgreSQL's name for it, which a later DROP CONSTRAINT
	 * names. A key folded into another of its column is none of its own. */
	const char *name = def ? ml_catalog_column_constraint_name(cat, cat->arena, t->schema, t->name, def, con, NULL)
			       : ml_catalog_constraint_name(cat, cat->arena, t->schema, t->name, con, NULL, NULL);
	if (name)
		add_unique_key(cat, t, name, columns, n);
}

/* Records the PRIMARY KEY and UNIQUE constraints of a column definition. */
static void record_column_keys(ml_catalog *cat, ml_table_state *t, const PgQuery__ColumnDef *def)
{
	if (!def->colname || !*def->colname)
		return;
	for (size_t i = 0; i < def->n_constraints; i++) {
		const PgQuery__Node *n = def->constraints[i];
		if (n && n->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
		    (n->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
		     n->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE))
			record_key_constraint(cat, t, n->constraint, def);
	}
}

static bool has_column(const char *const *columns, size_t n, const char *column)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(columns[i], column))
			return true;
	return false;
}

bool ml_catalog_columns_cover_key(const ml_catalog *cat, const char *schema, const char *name,
				  const char *const *columns, size_t n_columns)
{
	const ml_table_state *t = name ? find_table(cat, schema, name) : NULL;
	for (size_t i = 0; t && i < t->unique_keys.len; i++) {
		const ml_unique_key *k = t->unique_keys.items[i];
		size_t c = 0;
		while (c < k->n_columns && has_column(columns, n_columns, k->columns[c]))
			c++;
		if (c == k->n_columns)
			return true;
	}
	/* A table whose definition the run never saw: id is its key more
	 * often than not. */
	return (!t || !t->keys_known) && has_column(columns, n_columns, "id");
}

const ml_foreign_key_state *ml_catalog_foreign_key(const ml_table_state *t, const char *name)
{
	for (size_t i = 0; t && i < t->foreign_keys.len; i++) {
		const ml_foreign_key_state *fk = t->foreign_keys.items[i];
		if (*fk->name && !strcmp(fk->name, name))
			return fk;
	}
	return NULL;
}

static void add_partition(ml_catalog *cat, const PgQuery__RangeVar *parent, const PgQuery__RangeVar *partition,
			  const PgQuery__PartitionBoundSpec *bound)
{
	if (!parent || !partition)
		return;
	ml_table_state *p = ml_catalog_touch(cat, parent->schemaname, parent->relname);
	ml_table_state *c = ml_catalog_touch(cat, partition->schemaname, partition->relname);
	c->default_partition = bound && bound->is_default;
	for (size_t i = 0; i < p->partitions.len; i++)
		if (p->partitions.items[i] == c)
			return;
	ml_ptr_vec_push(cat->arena, &p->partitions, c);
	c->parent = p;
}

/* Takes partition c out of its parent's list (DETACH, or DROP TABLE). */
static void unlink_partition(ml_table_state *c)
{
	ml_table_state *p = c ? c->parent : NULL;
	for (size_t i = 0; p && i < p->partitions.len; i++) {
		if (p->partitions.items[i] == c) {
			p->partitions.items[i] = p->partitions.items[--p->partitions.len];
			break;
		}
	}
	if (c) {
		c->parent = NULL;
		c->default_partition = false;
	}
}

static void remove_partition(ml_catalog *cat, const PgQuery__RangeVar *parent, const PgQuery__RangeVar *partition)
{
	ml_table_state *p = parent ? find_table(cat, parent->schemaname, parent->relname) : NULL;
	ml_table_state *c = partition ? find_table(cat, partition->schemaname, partition->relname) : NULL;
	if (p && c && c->parent == p)
		unlink_partition(c);
}

static void apply_create(ml_catalog *cat, const PgQuery__CreateStmt *cs)
{
	if (!cs->relation)
		return;
	ml_table_state *existing = find_table(cat, cs->relation->schemaname, cs->relation->relname);
	if (existing && cs->if_not_exists)
		return; /* IF NOT EXISTS on a table we know: nothing is created */
	ml_table_state *t = ml_catalog_touch(cat, cs->relation->schemaname, cs->relation->relname);
	t->created_in_run = true;
	t->created_in_file = cat->file;
	t->partitioned = cs->partspec != NULL;
	t->columns = (ml_ptr_vec){ 0 };
	t->checks = (ml_ptr_vec){ 0 };
	t->foreign_keys = (ml_ptr_vec){ 0 };
	t->partitions = (ml_ptr_vec){ 0 };
	bool may_inherit = cs->n_inh_relations > 0 || cs->of_typename;
	t->unique_keys = (ml_ptr_vec){ 0 };
	/* A partition gets its parent's unique indexes, LIKE and OF copy from
	 * elsewhere: their keys are not all written here. */
	t->keys_known = !cs->partbound && !cs->of_typename;
	for (size_t i = 0; i < cs->n_table_elts; i++) {
		const PgQuery__Node *e = cs->table_elts[i];
		if (!e)
			continue;
		if (e->node_case == PG_QUERY__NODE__NODE_TABLE_LIKE_CLAUSE)
			t->keys_known = false;
		if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
			record_column(cat, t, e->column_def, may_inherit);
			record_column_foreign_keys(cat, t, e->column_def);
			record_column_keys(cat, t, e->column_def);
		} else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
			   (e->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
			    e->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE)) {
			record_key_constraint(cat, t, e->constraint, NULL);
		} else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
			   e->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) {
			record_check(cat, t, e->constraint);
		} else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
			   e->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
			record_foreign_key(cat, t, e->constraint);
		}
	}
	/* A table's PRIMARY KEY may come before its columns. */
	for (size_t i = 0; i < cs->n_table_elts; i++) {
		const PgQuery__Node *e = cs->table_elts[i];
		if (e && e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
		    e->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY)
			record_primary_key(cat, t, e->constraint);
	}
	/* CREATE TABLE p PARTITION OF parent */
	if (cs->partbound && cs->n_inh_relations == 1 && cs->inh_relations[0] &&
	    cs->inh_relations[0]->node_case == PG_QUERY__NODE__NODE_RANGE_VAR)
		add_partition(cat, cs->inh_relations[0]->range_var, cs->relation, cs->partbound);
}

static void forget_column(ml_table_state *t, const char *name)
{
	for (size_t i = 0; i < t->columns.len; i++) {
		const ml_column_facts *c = t->columns.items[i];
		if (!strcmp(c->name, name)) {
			memmove(&t->columns.items[i], &t->columns.items[i + 1],
				(t->columns.len - i - 1) * sizeof(*t->columns.items));
			t->columns.len--;
			return;
		}
	}
}

static void apply_alter(ml_catalog *cat, const PgQuery__AlterTableStmt *as)
{
	if (!as->relation || as->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
		return;
	ml_table_state *t = ml_catalog_touch(cat, as->relation->schemaname, as->relation->relname);
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		if (!cmd)
			continue;
		const PgQuery__Node *def = cmd->def;
		switch (cmd->subtype) {
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
			if (def && def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
				record_column(cat, t, def->column_def, false);
				record_column_foreign_keys(cat, t, def->column_def);
				record_column_keys(cat, t, def->column_def);
			}
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
			/* The indexes and constraints that include it go too
			 * (catalog_deps.c forgot what depends on it). */
			if (cmd->name) {
				drop_keys(t, NULL, cmd->name);
				forget_column(t, cmd->name);
			}
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
			if (def && def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD)
				add_partition(cat, as->relation, def->partition_cmd->name, def->partition_cmd->bound);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
			if (def && def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD)
				remove_partition(cat, as->relation, def->partition_cmd->name);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
			if (def && def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF && cmd->name) {
				ml_column_facts *c = ml_catalog_column_facts(cat, t, cmd->name, true);
				const char *type = ml_type_name_text(cat->arena, def->column_def->type_name);
				c->type = type ? ml_arena_strdup(cat->arena, type) : NULL;
			}
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
			if (cmd->name) {
				ml_column_facts *c = ml_catalog_column_facts(cat, t, cmd->name, true);
				c->not_null = true;
				c->nullable = false;
			}
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
			if (cmd->name) {
				ml_column_facts *c = ml_catalog_column_facts(cat, t, cmd->name, true);
				c->not_null = false;
				c->nullable = true;
			}
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
			if (def && def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
			    def->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK)
				record_check(cat, t, def->constraint);
			else if (def && def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
				 def->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN)
				record_foreign_key(cat, t, def->constraint);
			else if (def && def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
				 (def->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
				  def->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE)) {
				/* A primary key makes its columns NOT NULL and names one row. */
				if (def->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY)
					record_primary_key(cat, t, def->constraint);
				record_key_constraint(cat, t, def->constraint, NULL);
			}
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
			if (cmd->name)
				validate_check(cat, t, cmd->name);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
			if (cmd->name) {
				drop_check(cat, t, cmd->name);
				drop_keys(t, cmd->name, NULL);
			}
			for (size_t k = 0; cmd->name && k < t->foreign_keys.len; k++) {
				const ml_foreign_key_state *fk = t->foreign_keys.items[k];
				if (!strcmp(fk->name, cmd->name))
					t->foreign_keys.items[k--] = t->foreign_keys.items[--t->foreign_keys.len];
			}
			break;
		default:
			break;
		}
	}
}

static void apply_index(ml_catalog *cat, const PgQuery__IndexStmt *ix)
{
	if (!ix->relation || !ix->idxname || !*ix->idxname)
		return;
	ml_index_state *s = ml_arena_alloc(cat->arena, sizeof(*s));
	s->name = ml_arena_strdup(cat->arena, ix->idxname);
	s->table = ml_qualified_name(cat->arena, ix->relation->schemaname, ix->relation->relname);
	s->schema = ml_arena_strdup(cat->arena, ix->relation->schemaname ? ix->relation->schemaname : "");
	s->table_name = ml_arena_strdup(cat->arena, ix->relation->relname);
	s->table_id = ml_catalog_touch(cat, ix->relation->schemaname, ix->relation->relname)->id;
	ml_map_put(cat->arena, &cat->indexes, s->name, s);
}

/* A unique index on plain columns, without WHERE, is a key of its table. */
static void apply_unique_index(ml_catalog *cat, const PgQuery__IndexStmt *ix)
{
	if (!ix->relation || !ix->unique || ix->where_clause || ix->n_index_params > MAX_KEY_COLUMNS)
		return;
	const char *columns[MAX_KEY_COLUMNS];
	for (size_t i = 0; i < ix->n_index_params; i++) {
		const PgQuery__Node *p = ix->index_params[i];
		if (!p || p->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM || p->index_elem->expr || !p->index_elem->name ||
		    !*p->index_elem->name)
			return;
		columns[i] = p->index_elem->name;
	}
	ml_table_state *t = ml_catalog_touch(cat, ix->relation->schemaname, ix->relation->relname);
	add_unique_key(cat, t, ix->idxname, columns, ix->n_index_params);
}

static void apply_function(ml_catalog *cat, const PgQuery__CreateFunctionStmt *fn)
{
	char volatility = 'v';
	for (size_t i = 0; i < fn->n_options; i++) {
		const PgQuery__Node *o = fn->options[i];
		if (!o || o->node_case != PG_QUERY__NODE__NODE_DEF_ELEM ||
		    strcmp(o->def_elem->defname, "volatility") != 0 || !o->def_elem->arg ||
		    o->def_elem->arg->node_case != PG_QUERY__NODE__NODE_STRING)
			continue;
		volatility = o->def_elem->arg->string->sval[0]; /* "immutable", "stable", "volatile" */
	}
	ml_function_state *f = ml_arena_alloc(cat->arena, sizeof(*f));
	f->name = ml_arena_strdup(cat->arena, ml_last_name(fn->funcname, fn->n_funcname));
	f->volatility = volatility;
	ml_ptr_vec_push(cat->arena, &cat->functions, f);
	ml_map_put(cat->arena, &cat->function_names, f->name, f);
}

static void apply_drop(ml_catalog *cat, const PgQuery__DropStmt *ds)
{
	if (ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
		/* A dropped index is forgotten: a later one of that name is another. */
		for (size_t i = 0; i < ds->n_objects; i++) {
			const PgQuery__Node *o = ds->objects[i];
			if (!o || o->node_case != PG_QUERY__NODE__NODE_LIST)
				continue;
			const char *name = ml_last_name(o->list->items, o->list->n_items);
			const ml_index_state *ix = ml_map_get(&cat->indexes, name);
			ml_table_state *t = ix ? find_table(cat, ix->schema, ix->table_name) : NULL;
			if (t)
				drop_keys(t, name, NULL);
			if (ix)
				ml_map_put(cat->arena, &cat->indexes, name, NULL);
		}
		return;
	}
	if (ds->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE && ds->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_VIEW &&
	    ds->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW)
		return;
	for (size_t i = 0; i < ds->n_objects; i++) {
		const PgQuery__Node *o = ds->objects[i];
		if (!o || o->node_case != PG_QUERY__NODE__NODE_LIST)
			continue;
		const PgQuery__List *l = o->list;
		const char *name = ml_last_name(l->items, l->n_items);
		const char *schema = l->n_items >= 2 && l->items[l->n_items - 2]->node_case ==
			PG_QUERY__NODE__NODE_STRING ? l->items[l->n_items - 2]->string->sval : "";
		ml_table_state *t = find_table(cat, schema, name);
		if (t) {
			/* A dropped table is forgotten (its indexes with it); one
			 * re-created later in the run starts afresh. A partition
			 * leaves its parent. */
			unlink_partition(t);
			t->created_in_run = false;
			rekey_table(cat, t, NULL, NULL);
		}
	}
}

/* CREATE TABLE ... AS, SELECT ... INTO, CREATE MATERIALIZED VIEW. */
static void apply_create_as(ml_catalog *cat, const PgQuery__RangeVar *rel, bool if_not_exists)
{
	if (!rel || (if_not_exists && find_table(cat, rel->schemaname, rel->relname)))
		return;
	ml_table_state *t = ml_catalog_touch(cat, rel->schemaname, rel->relname);
	t->created_in_run = true;
	t->created_in_file = cat->file;
	/* It has no keys until an index or constraint adds one. */
	t->unique_keys = (ml_ptr_vec){ 0 };
	t->keys_known = true;
}

static void apply_tables(ml_catalog *cat, const PgQuery__Node *stmt);

void ml_catalog_apply(ml_catalog *cat, const PgQuery__Node *stmt, int line)
{
	cat->applied++;
	cat->line = line;
	ml_catalog_objects_apply(cat, stmt);
	ml_catalog_deps_apply(cat, stmt, false);
	apply_tables(cat, stmt);
	ml_catalog_deps_apply(cat, stmt, true);
}

/* What stmt changes of tables, columns, keys, indexes, functions, domains. */
static void apply_tables(ml_catalog *cat, const PgQuery__Node *stmt)
{
	switch (stmt->node_case) {
	case PG_QUERY__NODE__NODE_CREATE_STMT:
		apply_create(cat, stmt->create_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
		if (stmt->create_table_as_stmt->into)
			apply_create_as(cat, stmt->create_table_as_stmt->into->rel, stmt->create_table_as_stmt->if_not_exists);
		break;
	case PG_QUERY__NODE__NODE_SELECT_STMT:
		if (stmt->select_stmt->into_clause) /* SELECT ... INTO new_table */
			apply_create_as(cat, stmt->select_stmt->into_clause->rel, false);
		break;
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		apply_alter(cat, stmt->alter_table_stmt);
		break;
	case PG_QUERY__NODE__NODE_INDEX_STMT:
		apply_unique_index(cat, stmt->index_stmt);
		apply_index(cat, stmt->index_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
		apply_function(cat, stmt->create_function_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT: {
		/* Adding a column of a domain with a CHECK checks every row. */
		const PgQuery__CreateDomainStmt *ds = stmt->create_domain_stmt;
		for (size_t i = 0; i < ds->n_constraints; i++) {
			const PgQuery__Node *n = ds->constraints[i];
			if (n && n->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
			    n->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK)
				ml_map_put(cat->arena, &cat->checked_domains,
					   ml_last_name(ds->domainname, ds->n_domainname), (void *)"checked");
		}
		break;
	}
	case PG_QUERY__NODE__NODE_DROP_STMT:
		apply_drop(cat, stmt->drop_stmt);
		break;
	case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT: {
		/* ALTER TABLE ... SET SCHEMA: the same table in another schema. */
		const PgQuery__AlterObjectSchemaStmt *as = stmt->alter_object_schema_stmt;
		ml_table_state *t = as->object_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE && as->relation && as->newschema &&
					    *as->newschema
					    ? find_table(cat, as->relation->schemaname, as->relation->relname)
					    : NULL;
		if (t)
			rekey_table(cat, t, as->newschema, t->name);
		break;
	}
	case PG_QUERY__NODE__NODE_RENAME_STMT: {
		const PgQuery__RenameStmt *rs = stmt->rename_stmt;
		if (rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE && rs->relation && rs->newname) {
			ml_table_state *t = find_table(cat, rs->relation->schemaname, rs->relation->relname);
			if (t)
				rekey_table(cat, t, NULL, rs->newname);
		} else if (rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN && rs->relation &&
			   rs->subname && rs->newname) {
			ml_table_state *t = find_table(cat, rs->relation->schemaname, rs->relation->relname);
			ml_column_facts *c = t ? ml_catalog_column_facts(cat, t, rs->subname, false) : NULL;
			if (c)
				c->name = ml_arena_strdup(cat->arena, rs->newname);
			else if (t) /* the new name exists now, whatever else is known of it */
				ml_catalog_column_facts(cat, t, rs->newname, true);
			for (size_t i = 0; t && i < t->unique_keys.len; i++) {
				ml_unique_key *k = t->unique_keys.items[i];
				for (size_t j = 0; j < k->n_columns; j++)
					if (!strcmp(k->columns[j], rs->subname))
						k->columns[j] = ml_arena_strdup(cat->arena, rs->newname);
			}
		}
		break;
	}
	default:
		break;
	}
}

