/*
 * schema.c - what the run has learnt about the database from the migrations
 * it read so far: the tables it created, the columns it defined or altered,
 * its NOT NULL checks and their validity, its unique keys, its indexes and
 * functions. Rules ask these questions through rule_api.h; the engine records
 * answers here once per statement.
 */
#include <stdio.h>
#include <string.h>

#include "engine.h"

/* The lookup key of a table: an unqualified name means the default schema,
 * "public" under the usual search_path; it does not match a table of the
 * same name in another schema (auth.users is not users). */
static const char *table_key(char *buf, size_t len, const char *schema, const char *name)
{
	snprintf(buf, len, "%s.%s", schema && *schema ? schema : "public", name);
	return buf;
}

const char *ml_qualified_name(ml_arena *arena, const char *schema, const char *name)
{
	if (schema && *schema)
		return ml_arena_printf(arena, "%s.%s", schema, name);
	return ml_arena_strdup(arena, name);
}

ml_table_state *ml_schema_find(ml_run *run, const char *schema, const char *name)
{
	char key[512];
	return ml_map_get(&run->tables, table_key(key, sizeof(key), schema, name));
}

ml_table_state *ml_schema_touch(ml_run *run, const char *schema, const char *name)
{
	ml_table_state *t = ml_schema_find(run, schema, name);
	if (t)
		return t;
	t = ml_arena_alloc(run->arena, sizeof(*t));
	t->schema = ml_arena_strdup(run->arena, schema ? schema : "");
	t->name = ml_arena_strdup(run->arena, name);
	char key[512];
	ml_map_put(run->arena, &run->tables, table_key(key, sizeof(key), schema, name), t);
	return t;
}

/* Files the table under a new name, or under none (newname NULL). */
static void rekey_table(ml_run *run, ml_table_state *t, const char *newname)
{
	char key[512];
	ml_map_put(run->arena, &run->tables, table_key(key, sizeof(key), t->schema, t->name), NULL);
	if (!newname)
		return;
	t->name = ml_arena_strdup(run->arena, newname);
	ml_map_put(run->arena, &run->tables, table_key(key, sizeof(key), t->schema, t->name), t);
}

ml_column_facts *ml_schema_column(ml_run *run, ml_table_state *table, const char *column, bool create)
{
	for (size_t i = 0; i < table->columns.len; i++) {
		ml_column_facts *c = table->columns.items[i];
		if (!strcmp(c->name, column))
			return c;
	}
	if (!create)
		return NULL;
	ml_column_facts *c = ml_arena_alloc(run->arena, sizeof(*c));
	c->name = ml_arena_strdup(run->arena, column);
	ml_ptr_vec_push(run->arena, &table->columns, c);
	return c;
}

const ml_index_state *ml_schema_index(ml_run *run, const char *name)
{
	return ml_map_get(&run->indexes, name);
}

char ml_schema_function_volatility(ml_run *run, const char *name)
{
	for (size_t i = run->functions.len; i-- > 0;) {
		const ml_function_state *f = run->functions.items[i];
		if (!strcmp(f->name, name))
			return f->volatility;
	}
	return 0;
}

bool ml_schema_table_is_new(const ml_run *run, const char *schema, const char *name)
{
	const ml_table_state *t = ml_schema_find((ml_run *)run, schema, name);
	return t && t->created_in_run && t->created_in_file == run->file_count;
}

bool ml_table_is_new(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel)
{
	return rel && ml_schema_table_is_new(ctx->engine->run, rel->schemaname, rel->relname);
}

bool ml_table_is_partitioned(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel)
{
	const ml_table_state *t = rel ? ml_schema_find(ctx->engine->run, rel->schemaname, rel->relname) : NULL;
	return t && t->partitioned;
}

const char *ml_partition_names(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel)
{
	const ml_table_state *t = rel ? ml_schema_find(ctx->engine->run, rel->schemaname, rel->relname) : NULL;
	if (!t || t->partitions.len == 0)
		return NULL;
	ml_arena *arena = ctx->engine->file_arena;
	ml_strbuf names = { .arena = arena };
	size_t shown = t->partitions.len < ML_PARTITION_NAMES_SHOWN ? t->partitions.len : ML_PARTITION_NAMES_SHOWN;
	for (size_t i = 0; i < shown; i++) {
		const ml_table_state *p = t->partitions.items[i];
		if (i)
			ml_strbuf_str(&names, ", ");
		ml_strbuf_str(&names, ml_qualified_name(arena, p->schema, p->name));
	}
	if (shown < t->partitions.len)
		ml_strbuf_str(&names, ml_arena_printf(arena, " and %zu more", t->partitions.len - shown));
	return names.data;
}

/* The table of the index named name, when the run saw it created. */
static const ml_table_state *index_table(const ml_stmt_ctx *ctx, const char *name)
{
	const ml_index_state *ix = name ? ml_schema_index(ctx->engine->run, name) : NULL;
	return ix ? ml_schema_find(ctx->engine->run, ix->schema, ix->table_name) : NULL;
}

bool ml_index_is_partitioned(const ml_stmt_ctx *ctx, const char *name)
{
	const ml_table_state *t = index_table(ctx, name);
	return t && t->partitioned;
}

bool ml_index_table_is_new(const ml_stmt_ctx *ctx, const char *name)
{
	const ml_index_state *ix = name ? ml_schema_index(ctx->engine->run, name) : NULL;
	return ix && ml_schema_table_is_new(ctx->engine->run, ix->schema, ix->table_name);
}

const ml_column_facts *ml_column_find(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel,
				       const char *column)
{
	if (!rel)
		return NULL;
	ml_table_state *t = ml_schema_find(ctx->engine->run, rel->schemaname, rel->relname);
	return t ? ml_schema_column(ctx->engine->run, t, column, false) : NULL;
}

const char *ml_table_name(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel)
{
	if (!rel)
		return "?";
	/* A name dynamic SQL computes is the placeholder here; reports say
	 * what it is (ml_engine_without_placeholder). */
	return ml_qualified_name(ctx->engine->file_arena, rel->schemaname, rel->relname);
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
static void record_column(ml_run *run, ml_table_state *t, const PgQuery__ColumnDef *def,
			  const ml_stmt_ctx *ctx, bool may_inherit)
{
	if (!def->colname || !*def->colname)
		return;
	ml_column_facts *c = ml_schema_column(run, t, def->colname, true);
	const char *type = ml_type_name_text(ctx->engine->file_arena, def->type_name);
	c->type = type ? ml_arena_strdup(run->arena, type) : NULL;
	/* PostgreSQL makes serial and identity columns NOT NULL itself. */
	c->not_null = def->is_not_null || ml_column_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL) ||
		      ml_column_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) ||
		      ml_column_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY) ||
		      ml_type_is_serial(def->type_name);
	c->nullable = !c->not_null && !may_inherit;
}

/* A PRIMARY KEY makes its columns NOT NULL. Without a column list (USING
 * INDEX) any column of the table may be in it: none is known nullable. */
static void record_primary_key(ml_run *run, ml_table_state *t, const PgQuery__Constraint *con)
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
		ml_column_facts *c = ml_schema_column(run, t, k->string->sval, true);
		c->not_null = true;
		c->nullable = false;
	}
}

static void record_check(ml_run *run, ml_table_state *t, const PgQuery__Constraint *con)
{
	const char *column = not_null_check_column(con);
	if (!column)
		return;
	ml_check_state *chk = ml_arena_alloc(run->arena, sizeof(*chk));
	chk->name = ml_arena_strdup(run->arena, con->conname ? con->conname : "");
	chk->column = ml_arena_strdup(run->arena, column);
	chk->valid = !con->skip_validation;
	ml_ptr_vec_push(run->arena, &t->checks, chk);
	ml_column_facts *c = ml_schema_column(run, t, column, true);
	if (chk->valid)
		c->valid_not_null_check = true;
	else
		c->pending_not_null_check = true;
}

static void validate_check(ml_run *run, ml_table_state *t, const char *name)
{
	for (size_t i = 0; i < t->checks.len; i++) {
		ml_check_state *chk = t->checks.items[i];
		if (strcmp(chk->name, name) != 0)
			continue;
		chk->valid = true;
		ml_column_facts *c = ml_schema_column(run, t, chk->column, true);
		c->valid_not_null_check = true;
		c->pending_not_null_check = false;
	}
}

static void drop_check(ml_run *run, ml_table_state *t, const char *name)
{
	for (size_t i = 0; i < t->checks.len; i++) {
		ml_check_state *chk = t->checks.items[i];
		if (strcmp(chk->name, name) != 0)
			continue;
		ml_column_facts *c = ml_schema_column(run, t, chk->column, true);
		c->valid_not_null_check = false;
		c->pending_not_null_check = false;
		chk->name = "";
	}
}

static void record_foreign_key(ml_run *run, ml_table_state *t, const PgQuery__Constraint *con)
{
	if (!con->pktable)
		return;
	ml_foreign_key_state *fk = ml_arena_alloc(run->arena, sizeof(*fk));
	fk->name = ml_arena_strdup(run->arena, con->conname ? con->conname : "");
	fk->ref_schema = ml_arena_strdup(run->arena, con->pktable->schemaname ? con->pktable->schemaname : "");
	fk->ref_name = ml_arena_strdup(run->arena, con->pktable->relname);
	ml_ptr_vec_push(run->arena, &t->foreign_keys, fk);
}

/* Records the foreign keys a column definition declares. */
static void record_column_foreign_keys(ml_run *run, ml_table_state *t, const PgQuery__ColumnDef *def)
{
	for (size_t i = 0; i < def->n_constraints; i++) {
		const PgQuery__Node *n = def->constraints[i];
		if (n && n->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
		    n->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN)
			record_foreign_key(run, t, n->constraint);
	}
}

/* ---- unique keys ---------------------------------------------------------- */

/* Keys with more columns than this are not recorded (they name one row only
 * when all of them are given, which WHERE clauses rarely do). */
#define MAX_KEY_COLUMNS 16

static void add_unique_key(ml_run *run, ml_table_state *t, const char *name, const char *const *columns, size_t n)
{
	if (n == 0)
		return;
	ml_unique_key *k = ml_arena_alloc(run->arena, sizeof(*k));
	k->name = ml_arena_strdup(run->arena, name ? name : "");
	k->columns = ml_arena_alloc(run->arena, n * sizeof(*k->columns));
	for (size_t i = 0; i < n; i++)
		k->columns[i] = ml_arena_strdup(run->arena, columns[i]);
	k->n_columns = n;
	ml_ptr_vec_push(run->arena, &t->unique_keys, k);
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
 * lists, or `column` for one written in a column definition. */
static void record_key_constraint(ml_run *run, ml_table_state *t, const PgQuery__Constraint *con, const char *column)
{
	const char *conname = con->conname && *con->conname ? con->conname : NULL;
	if (con->indexname && *con->indexname) {
		/* USING INDEX: the index becomes the constraint and takes its name. */
		ml_unique_key *k = find_key(t, con->indexname);
		if (k && conname)
			k->name = ml_arena_strdup(run->arena, conname);
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
	if (conname) {
		add_unique_key(run, t, conname, columns, n);
		return;
	}
	/* PostgreSQL's own name for it (before any cut to 63 bytes): what a
	 * later DROP CONSTRAINT names. */
	bool primary = con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
	char name[512];
	int used = snprintf(name, sizeof(name), "%s", t->name);
	for (size_t i = 0; !primary && i < n && used > 0 && (size_t)used < sizeof(name); i++)
		used += snprintf(name + used, sizeof(name) - (size_t)used, "_%s", columns[i]);
	if (used > 0 && (size_t)used < sizeof(name))
		snprintf(name + used, sizeof(name) - (size_t)used, "%s", primary ? "_pkey" : "_key");
	add_unique_key(run, t, name, columns, n);
}

/* Records the PRIMARY KEY and UNIQUE constraints of a column definition. */
static void record_column_keys(ml_run *run, ml_table_state *t, const PgQuery__ColumnDef *def)
{
	if (!def->colname || !*def->colname)
		return;
	for (size_t i = 0; i < def->n_constraints; i++) {
		const PgQuery__Node *n = def->constraints[i];
		if (n && n->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
		    (n->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
		     n->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE))
			record_key_constraint(run, t, n->constraint, def->colname);
	}
}

static bool has_column(const char *const *columns, size_t n, const char *column)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(columns[i], column))
			return true;
	return false;
}

bool ml_schema_columns_cover_key(ml_run *run, const char *schema, const char *name, const char *const *columns,
				 size_t n_columns)
{
	const ml_table_state *t = ml_schema_find(run, schema, name);
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

const ml_foreign_key_state *ml_schema_foreign_key(const ml_table_state *t, const char *name)
{
	for (size_t i = 0; t && i < t->foreign_keys.len; i++) {
		const ml_foreign_key_state *fk = t->foreign_keys.items[i];
		if (*fk->name && !strcmp(fk->name, name))
			return fk;
	}
	return NULL;
}

static void add_partition(ml_run *run, const PgQuery__RangeVar *parent, const PgQuery__RangeVar *partition)
{
	if (!parent || !partition)
		return;
	ml_table_state *p = ml_schema_touch(run, parent->schemaname, parent->relname);
	ml_table_state *c = ml_schema_touch(run, partition->schemaname, partition->relname);
	for (size_t i = 0; i < p->partitions.len; i++)
		if (p->partitions.items[i] == c)
			return;
	ml_ptr_vec_push(run->arena, &p->partitions, c);
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
	if (c)
		c->parent = NULL;
}

static void remove_partition(ml_run *run, const PgQuery__RangeVar *parent, const PgQuery__RangeVar *partition)
{
	ml_table_state *p = parent ? ml_schema_find(run, parent->schemaname, parent->relname) : NULL;
	ml_table_state *c = partition ? ml_schema_find(run, partition->schemaname, partition->relname) : NULL;
	if (p && c && c->parent == p)
		unlink_partition(c);
}

static void apply_create(ml_engine_state *st, const PgQuery__CreateStmt *cs, const ml_stmt_ctx *ctx)
{
	ml_run *run = st->run;
	if (!cs->relation)
		return;
	ml_table_state *existing = ml_schema_find(run, cs->relation->schemaname, cs->relation->relname);
	if (existing && cs->if_not_exists)
		return; /* IF NOT EXISTS on a table we know: nothing is created */
	ml_table_state *t = ml_schema_touch(run, cs->relation->schemaname, cs->relation->relname);
	t->created_in_run = true;
	t->created_in_file = run->file_count;
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
			record_column(run, t, e->column_def, ctx, may_inherit);
			record_column_foreign_keys(run, t, e->column_def);
			record_column_keys(run, t, e->column_def);
		} else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
			   (e->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
			    e->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE)) {
			record_key_constraint(run, t, e->constraint, NULL);
		} else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
			   e->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) {
			record_check(run, t, e->constraint);
		} else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
			   e->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
			record_foreign_key(run, t, e->constraint);
		}
	}
	/* A table's PRIMARY KEY may come before its columns. */
	for (size_t i = 0; i < cs->n_table_elts; i++) {
		const PgQuery__Node *e = cs->table_elts[i];
		if (e && e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
		    e->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY)
			record_primary_key(run, t, e->constraint);
	}
	/* CREATE TABLE p PARTITION OF parent */
	if (cs->partbound && cs->n_inh_relations == 1 && cs->inh_relations[0] &&
	    cs->inh_relations[0]->node_case == PG_QUERY__NODE__NODE_RANGE_VAR)
		add_partition(run, cs->inh_relations[0]->range_var, cs->relation);
}

static void apply_alter(ml_engine_state *st, const PgQuery__AlterTableStmt *as, const ml_stmt_ctx *ctx)
{
	ml_run *run = st->run;
	if (!as->relation || as->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
		return;
	ml_table_state *t = ml_schema_touch(run, as->relation->schemaname, as->relation->relname);
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__Node *n = as->cmds[i];
		if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
			continue;
		const PgQuery__AlterTableCmd *cmd = n->alter_table_cmd;
		const PgQuery__Node *def = cmd->def;
		switch (cmd->subtype) {
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
			if (def && def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
				record_column(run, t, def->column_def, ctx, false);
				record_column_foreign_keys(run, t, def->column_def);
				record_column_keys(run, t, def->column_def);
			}
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
			/* The indexes and constraints that include it go too. */
			if (cmd->name)
				drop_keys(t, NULL, cmd->name);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
			if (def && def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD)
				add_partition(run, as->relation, def->partition_cmd->name);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
			if (def && def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD)
				remove_partition(run, as->relation, def->partition_cmd->name);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
			if (def && def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF && cmd->name) {
				ml_column_facts *c = ml_schema_column(run, t, cmd->name, true);
				const char *type = ml_type_name_text(ctx->engine->file_arena, def->column_def->type_name);
				c->type = type ? ml_arena_strdup(run->arena, type) : NULL;
			}
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
			if (cmd->name) {
				ml_column_facts *c = ml_schema_column(run, t, cmd->name, true);
				c->not_null = true;
				c->nullable = false;
			}
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
			if (cmd->name) {
				ml_column_facts *c = ml_schema_column(run, t, cmd->name, true);
				c->not_null = false;
				c->nullable = true;
			}
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
			if (def && def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
			    def->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK)
				record_check(run, t, def->constraint);
			else if (def && def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
				 def->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN)
				record_foreign_key(run, t, def->constraint);
			else if (def && def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
				 (def->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
				  def->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE)) {
				/* A primary key makes its columns NOT NULL and names one row. */
				if (def->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY)
					record_primary_key(run, t, def->constraint);
				record_key_constraint(run, t, def->constraint, NULL);
			}
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
			if (cmd->name)
				validate_check(run, t, cmd->name);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
			if (cmd->name) {
				drop_check(run, t, cmd->name);
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

static void apply_index(ml_engine_state *st, const PgQuery__IndexStmt *ix)
{
	ml_run *run = st->run;
	if (!ix->relation || !ix->idxname || !*ix->idxname)
		return;
	ml_index_state *s = ml_arena_alloc(run->arena, sizeof(*s));
	s->name = ml_arena_strdup(run->arena, ix->idxname);
	s->table = ml_qualified_name(run->arena, ix->relation->schemaname, ix->relation->relname);
	s->schema = ml_arena_strdup(run->arena, ix->relation->schemaname ? ix->relation->schemaname : "");
	s->table_name = ml_arena_strdup(run->arena, ix->relation->relname);
	ml_map_put(run->arena, &run->indexes, s->name, s);
}

/* A unique index on plain columns, without WHERE, is a key of its table. */
static void apply_unique_index(ml_engine_state *st, const PgQuery__IndexStmt *ix)
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
	ml_table_state *t = ml_schema_touch(st->run, ix->relation->schemaname, ix->relation->relname);
	add_unique_key(st->run, t, ix->idxname, columns, ix->n_index_params);
}

static void apply_function(ml_engine_state *st, const PgQuery__CreateFunctionStmt *fn)
{
	ml_run *run = st->run;
	char volatility = 'v';
	for (size_t i = 0; i < fn->n_options; i++) {
		const PgQuery__Node *o = fn->options[i];
		if (!o || o->node_case != PG_QUERY__NODE__NODE_DEF_ELEM ||
		    strcmp(o->def_elem->defname, "volatility") != 0 || !o->def_elem->arg ||
		    o->def_elem->arg->node_case != PG_QUERY__NODE__NODE_STRING)
			continue;
		volatility = o->def_elem->arg->string->sval[0]; /* "immutable", "stable", "volatile" */
	}
	ml_function_state *f = ml_arena_alloc(run->arena, sizeof(*f));
	f->name = ml_arena_strdup(run->arena, ml_last_name(fn->funcname, fn->n_funcname));
	f->volatility = volatility;
	ml_ptr_vec_push(run->arena, &run->functions, f);
}

static void apply_drop(ml_engine_state *st, const PgQuery__DropStmt *ds)
{
	if (ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
		/* A dropped index is forgotten: a later one of that name is another. */
		for (size_t i = 0; i < ds->n_objects; i++) {
			const PgQuery__Node *o = ds->objects[i];
			if (!o || o->node_case != PG_QUERY__NODE__NODE_LIST)
				continue;
			const char *name = ml_last_name(o->list->items, o->list->n_items);
			const ml_index_state *ix = ml_map_get(&st->run->indexes, name);
			ml_table_state *t = ix ? ml_schema_find(st->run, ix->schema, ix->table_name) : NULL;
			if (t)
				drop_keys(t, name, NULL);
			if (ix)
				ml_map_put(st->run->arena, &st->run->indexes, name, NULL);
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
		ml_table_state *t = ml_schema_find(st->run, schema, name);
		if (t) {
			/* A dropped table is forgotten; one re-created later in
			 * the run starts afresh. A partition leaves its parent. */
			unlink_partition(t);
			t->created_in_run = false;
			rekey_table(st->run, t, NULL);
		}
	}
}

/* CREATE TABLE ... AS, SELECT ... INTO, CREATE MATERIALIZED VIEW. */
static void apply_create_as(ml_engine_state *st, const PgQuery__RangeVar *rel, bool if_not_exists)
{
	if (!rel || (if_not_exists && ml_schema_find(st->run, rel->schemaname, rel->relname)))
		return;
	ml_table_state *t = ml_schema_touch(st->run, rel->schemaname, rel->relname);
	t->created_in_run = true;
	t->created_in_file = st->run->file_count;
	/* It has no keys until an index or constraint adds one. */
	t->unique_keys = (ml_ptr_vec){ 0 };
	t->keys_known = true;
}

void ml_schema_apply(ml_engine_state *st, const PgQuery__Node *stmt)
{
	ml_stmt_ctx ctx = { .engine = st, .options = st->options };
	switch (stmt->node_case) {
	case PG_QUERY__NODE__NODE_CREATE_STMT:
		apply_create(st, stmt->create_stmt, &ctx);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
		if (stmt->create_table_as_stmt->into)
			apply_create_as(st, stmt->create_table_as_stmt->into->rel, stmt->create_table_as_stmt->if_not_exists);
		break;
	case PG_QUERY__NODE__NODE_SELECT_STMT:
		if (stmt->select_stmt->into_clause) /* SELECT ... INTO new_table */
			apply_create_as(st, stmt->select_stmt->into_clause->rel, false);
		break;
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		apply_alter(st, stmt->alter_table_stmt, &ctx);
		break;
	case PG_QUERY__NODE__NODE_INDEX_STMT:
		apply_unique_index(st, stmt->index_stmt);
		apply_index(st, stmt->index_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
		apply_function(st, stmt->create_function_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT: {
		/* Adding a column of a domain with a CHECK checks every row. */
		const PgQuery__CreateDomainStmt *ds = stmt->create_domain_stmt;
		for (size_t i = 0; i < ds->n_constraints; i++) {
			const PgQuery__Node *n = ds->constraints[i];
			if (n && n->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
			    n->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK)
				ml_map_put(st->run->arena, &st->run->checked_domains,
					   ml_last_name(ds->domainname, ds->n_domainname), (void *)ds);
		}
		break;
	}
	case PG_QUERY__NODE__NODE_DROP_STMT:
		apply_drop(st, stmt->drop_stmt);
		break;
	case PG_QUERY__NODE__NODE_RENAME_STMT: {
		const PgQuery__RenameStmt *rs = stmt->rename_stmt;
		if (rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE && rs->relation && rs->newname) {
			ml_table_state *t = ml_schema_find(st->run, rs->relation->schemaname, rs->relation->relname);
			if (t)
				rekey_table(st->run, t, rs->newname);
		} else if (rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN && rs->relation &&
			   rs->subname && rs->newname) {
			ml_table_state *t = ml_schema_find(st->run, rs->relation->schemaname, rs->relation->relname);
			ml_column_facts *c = t ? ml_schema_column(st->run, t, rs->subname, false) : NULL;
			if (c)
				c->name = ml_arena_strdup(st->run->arena, rs->newname);
			for (size_t i = 0; t && i < t->unique_keys.len; i++) {
				ml_unique_key *k = t->unique_keys.items[i];
				for (size_t j = 0; j < k->n_columns; j++)
					if (!strcmp(k->columns[j], rs->subname))
						k->columns[j] = ml_arena_strdup(st->run->arena, rs->newname);
			}
		}
		break;
	}
	default:
		break;
	}
}

/* ---- tables emptied in the transaction ----------------------------------- */

struct ml_emptied_table {
	const ml_table_state *table;
	ml_emptied how;
};

static ml_emptied emptied_state(const ml_engine_state *st, const ml_table_state *t)
{
	for (size_t i = 0; t && i < st->emptied_tables.len; i++) {
		const struct ml_emptied_table *e = st->emptied_tables.items[i];
		if (e->table == t)
			return e->how;
	}
	return ML_NOT_EMPTIED;
}

ml_emptied ml_schema_emptied(const ml_engine_state *st, const char *schema, const char *name)
{
	return name ? emptied_state(st, ml_schema_find(st->run, schema, name)) : ML_NOT_EMPTIED;
}

ml_emptied ml_table_emptied(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel)
{
	return rel ? ml_schema_emptied(ctx->engine, rel->schemaname, rel->relname) : ML_NOT_EMPTIED;
}

bool ml_table_is_new_or_truncated(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel)
{
	return ml_table_is_new(ctx, rel) || ml_table_emptied(ctx, rel) == ML_EMPTIED_BY_TRUNCATE;
}

static void mark_emptied(ml_engine_state *st, ml_table_state *t, ml_emptied how, int depth)
{
	for (size_t i = 0; i < st->emptied_tables.len; i++) {
		struct ml_emptied_table *e = st->emptied_tables.items[i];
		if (e->table == t) {
			if (how > e->how)
				e->how = how;
			return;
		}
	}
	struct ml_emptied_table *e = ml_arena_alloc(st->file_arena, sizeof(*e));
	e->table = t;
	e->how = how;
	ml_ptr_vec_push(st->file_arena, &st->emptied_tables, e);
	/* Without ONLY, TRUNCATE and DELETE empty the partitions too. */
	for (size_t i = 0; depth < 8 && i < t->partitions.len; i++)
		mark_emptied(st, t->partitions.items[i], how, depth + 1);
}

/* rel empties as a whole: without ONLY, which would leave the rows of its
 * children (and ALTER TABLE reaches them). */
static void empty_relation(ml_engine_state *st, const PgQuery__RangeVar *rel, ml_emptied how)
{
	if (rel && rel->inh)
		mark_emptied(st, ml_schema_touch(st->run, rel->schemaname, rel->relname), how, 0);
}

static void forget_emptied(ml_engine_state *st, const PgQuery__RangeVar *rel)
{
	const ml_table_state *t = rel ? ml_schema_find(st->run, rel->schemaname, rel->relname) : NULL;
	for (size_t i = 0; t && i < st->emptied_tables.len; i++) {
		const struct ml_emptied_table *e = st->emptied_tables.items[i];
		if (e->table == t) {
			st->emptied_tables.items[i] = st->emptied_tables.items[--st->emptied_tables.len];
			return;
		}
	}
}

/* Forgets the emptied tables that a statement may fill again. */
static bool find_refills(const ProtobufCMessage *msg, void *data)
{
	ml_engine_state *st = data;
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	if (d == &pg_query__insert_stmt__descriptor) {
		forget_emptied(st, ((const PgQuery__InsertStmt *)msg)->relation);
	} else if (d == &pg_query__copy_stmt__descriptor) {
		if (((const PgQuery__CopyStmt *)msg)->is_from)
			forget_emptied(st, ((const PgQuery__CopyStmt *)msg)->relation);
	} else if (d == &pg_query__merge_stmt__descriptor) {
		forget_emptied(st, ((const PgQuery__MergeStmt *)msg)->relation);
	} else if (d == &pg_query__alter_table_stmt__descriptor) {
		/* ATTACH PARTITION brings the partition's rows to the parent;
		 * INHERIT makes the table's rows the parent's. */
		const PgQuery__AlterTableStmt *as = (const PgQuery__AlterTableStmt *)msg;
		for (size_t i = 0; i < as->n_cmds; i++) {
			const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
			if (cmd && cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition)
				forget_emptied(st, as->relation);
			if (cmd && cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddInherit && cmd->def &&
			    cmd->def->node_case == PG_QUERY__NODE__NODE_RANGE_VAR)
				forget_emptied(st, cmd->def->range_var);
		}
	} else if (d == &pg_query__call_stmt__descriptor) {
		st->emptied_tables.len = 0; /* a procedure may insert anywhere */
	} else if (d == &pg_query__func_call__descriptor) {
		/* So may a volatile function of the user's; built-in ones do not
		 * insert into user tables, and PostgreSQL refuses INSERT in a
		 * STABLE or IMMUTABLE one. */
		const PgQuery__FuncCall *call = (const PgQuery__FuncCall *)msg;
		const char *name = ml_last_name(call->funcname, call->n_funcname);
		char declared = ml_schema_function_volatility(st->run, name);
		if (declared == 'v' || (!declared && !ml_builtin_volatility(name)))
			st->emptied_tables.len = 0;
	}
	return st->emptied_tables.len > 0;
}

void ml_schema_note_rows(ml_engine_state *st, const PgQuery__Node *stmt)
{
	if (st->emptied_tables.len > 0)
		ml_walk(&stmt->base, find_refills, st);
	if (stmt->node_case == PG_QUERY__NODE__NODE_TRUNCATE_STMT) {
		const PgQuery__TruncateStmt *ts = stmt->truncate_stmt;
		for (size_t i = 0; i < ts->n_relations; i++)
			if (ts->relations[i] && ts->relations[i]->node_case == PG_QUERY__NODE__NODE_RANGE_VAR)
				empty_relation(st, ts->relations[i]->range_var, ML_EMPTIED_BY_TRUNCATE);
	} else if (stmt->node_case == PG_QUERY__NODE__NODE_DELETE_STMT) {
		/* Only a plain DELETE FROM t: USING an empty table deletes nothing,
		 * and rows a WITH clause inserts are not seen by the DELETE. */
		const PgQuery__DeleteStmt *ds = stmt->delete_stmt;
		if (!ds->where_clause && ds->n_using_clause == 0 && !ds->with_clause)
			empty_relation(st, ds->relation, ML_EMPTIED_BY_DELETE);
	}
}

bool ml_procedure_commits(const ml_stmt_ctx *ctx, const char *name)
{
	const ml_run *run = ctx->engine->run;
	for (size_t i = 0; i < run->committing_procedures.len; i++)
		if (!strcmp(run->committing_procedures.items[i], name))
			return true;
	return false;
}
