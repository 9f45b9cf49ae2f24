/*
 * test_catalog.c - the catalog (src/model/catalog.c) on its own: parsed
 * statements applied one by one, then questions asked, with no engine, run
 * or file around it. Tables and columns created, altered, renamed and
 * dropped; NOT NULL facts and CHECK validation; unique keys and foreign
 * keys; indexes; functions over the built-in volatility layer; partitions,
 * checked domains and committing procedures; clones that share nothing;
 * the lists of what uses tables and columns against a walk over all.
 */
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "catalog_private.h"
#include "facts.h"
#include "unit.h"

/* Applies each statement of the NULL-terminated list to c. */
static void apply_all(ml_catalog *c, const char *const *sql)
{
	for (; *sql; sql++)
		ml_catalog_apply(c, parse_one(*sql), 1);
}

#define APPLY(c, ...) apply_all((c), (const char *const[]){ __VA_ARGS__, NULL })

static const ml_column_facts *column(const ml_catalog *c, const char *table, const char *name)
{
	return ml_catalog_column(c, NULL, table, name);
}

START_TEST(create_table_records_columns)
{
	APPLY(cat, "CREATE TABLE users (id bigserial PRIMARY KEY, email varchar(200) NOT NULL, bio text, "
		   "age int4, born timestamp(3))");
	const ml_table_state *t = ml_catalog_table(cat, NULL, "users");
	ck_assert_ptr_nonnull(t);
	ck_assert(ml_catalog_table_is_new(cat, "", "users"));
	ck_assert(ml_catalog_table_is_new(cat, "public", "users"));
	ck_assert(!ml_catalog_table_is_new(cat, "auth", "users")); /* another schema's table */
	ck_assert_ptr_null(ml_catalog_table(cat, "auth", "users"));

	const ml_column_facts *id = column(cat, "users", "id");
	ck_assert_ptr_nonnull(id);
	ck_assert_str_eq(id->type, "bigserial");
	ck_assert(id->not_null && !id->nullable);
	const ml_column_facts *email = column(cat, "users", "email");
	ck_assert_str_eq(email->type, "varchar(200)");
	ck_assert(email->not_null && !email->nullable);
	const ml_column_facts *bio = column(cat, "users", "bio");
	ck_assert_str_eq(bio->type, "text");
	ck_assert(!bio->not_null && bio->nullable);
	ck_assert_str_eq(column(cat, "users", "age")->type, "integer");
	ck_assert_str_eq(column(cat, "users", "born")->type, "timestamp(3)");
	ck_assert_ptr_null(column(cat, "users", "missing"));
	ck_assert_ptr_null(column(cat, "nobody", "id"));
}
END_TEST

START_TEST(tables_are_new_only_in_their_file)
{
	APPLY(cat, "CREATE TABLE a (id int)");
	ck_assert(ml_catalog_table_is_new(cat, NULL, "a"));
	ml_catalog_begin_file(cat, "test.sql");
	ck_assert(!ml_catalog_table_is_new(cat, NULL, "a"));
	ck_assert_ptr_nonnull(ml_catalog_table(cat, NULL, "a")); /* still known */
	APPLY(cat, "CREATE TABLE b AS SELECT 1 AS x", "CREATE TABLE IF NOT EXISTS a (id int)");
	ck_assert(ml_catalog_table_is_new(cat, NULL, "b"));
	ck_assert(!ml_catalog_table_is_new(cat, NULL, "a")); /* IF NOT EXISTS on a known table creates nothing */
	/* A table only altered was not created by the migrations. */
	APPLY(cat, "ALTER TABLE legacy ADD COLUMN note text");
	ck_assert_ptr_nonnull(ml_catalog_table(cat, NULL, "legacy"));
	ck_assert(!ml_catalog_table_is_new(cat, NULL, "legacy"));
}
END_TEST

START_TEST(alter_column_facts)
{
	APPLY(cat, "CREATE TABLE t (a int, b varchar(10) NOT NULL)", "ALTER TABLE t ADD COLUMN c text",
	      "ALTER TABLE t ALTER COLUMN a SET NOT NULL", "ALTER TABLE t ALTER COLUMN b DROP NOT NULL",
	      "ALTER TABLE t ALTER COLUMN b TYPE varchar(20)");
	const ml_column_facts *a = column(cat, "t", "a"), *b = column(cat, "t", "b"), *c = column(cat, "t", "c");
	ck_assert(a->not_null && !a->nullable);
	ck_assert(!b->not_null && b->nullable);
	ck_assert_str_eq(b->type, "varchar(20)");
	ck_assert_str_eq(c->type, "text");
	ck_assert(c->nullable);
}
END_TEST

START_TEST(inherited_columns_are_not_known_nullable)
{
	APPLY(cat, "CREATE TABLE child (extra int) INHERITS (parent)");
	const ml_column_facts *extra = column(cat, "child", "extra");
	ck_assert(!extra->not_null && !extra->nullable);
}
END_TEST

START_TEST(rename_and_drop)
{
	APPLY(cat, "CREATE TABLE old_name (id int PRIMARY KEY, a int)", "ALTER TABLE old_name RENAME TO new_name",
	      "ALTER TABLE new_name RENAME COLUMN a TO b");
	ck_assert_ptr_null(ml_catalog_table(cat, NULL, "old_name"));
	ck_assert(ml_catalog_table_is_new(cat, NULL, "new_name"));
	ck_assert_ptr_null(column(cat, "new_name", "a"));
	ck_assert_ptr_nonnull(column(cat, "new_name", "b"));
	APPLY(cat, "DROP TABLE new_name");
	ck_assert_ptr_null(ml_catalog_table(cat, NULL, "new_name"));
	ck_assert(!ml_catalog_table_is_new(cat, NULL, "new_name"));
	/* Created again, it starts afresh. */
	APPLY(cat, "CREATE TABLE new_name (x int)");
	ck_assert_ptr_null(column(cat, "new_name", "b"));
	ck_assert_ptr_nonnull(column(cat, "new_name", "x"));
}
END_TEST

START_TEST(not_null_checks_and_validation)
{
	APPLY(cat, "ALTER TABLE orders ADD CONSTRAINT total_nn CHECK (total IS NOT NULL) NOT VALID");
	const ml_column_facts *total = column(cat, "orders", "total");
	ck_assert(total->pending_not_null_check && !total->valid_not_null_check);
	APPLY(cat, "ALTER TABLE orders VALIDATE CONSTRAINT total_nn");
	ck_assert(!total->pending_not_null_check && total->valid_not_null_check);
	APPLY(cat, "ALTER TABLE orders DROP CONSTRAINT total_nn");
	ck_assert(!total->pending_not_null_check && !total->valid_not_null_check);
	/* Added valid at once; other checks say nothing about NULL. */
	APPLY(cat, "ALTER TABLE orders ADD CONSTRAINT qty_nn CHECK (qty IS NOT NULL)",
	      "ALTER TABLE orders ADD CONSTRAINT price_pos CHECK (price > 0)");
	ck_assert(column(cat, "orders", "qty")->valid_not_null_check);
	/* price is known to be used (by price_pos), not to be NOT NULL. */
	const ml_column_facts *price = column(cat, "orders", "price");
	ck_assert(!price || (!price->not_null && !price->valid_not_null_check && !price->pending_not_null_check));
}
END_TEST

START_TEST(unique_keys)
{
	APPLY(cat, "CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int, UNIQUE (a, b))");
	const char *id[] = { "id" }, *a[] = { "a" }, *ab[] = { "b", "a" }, *abc[] = { "a", "c", "b" }, *c[] = { "c" };
	ck_assert(ml_catalog_columns_cover_key(cat, NULL, "t", id, 1));
	ck_assert(ml_catalog_columns_cover_key(cat, NULL, "t", ab, 2));
	ck_assert(ml_catalog_columns_cover_key(cat, NULL, "t", abc, 3));
	ck_assert(!ml_catalog_columns_cover_key(cat, NULL, "t", a, 1));
	ck_assert(!ml_catalog_columns_cover_key(cat, NULL, "t", c, 1));
	/* PostgreSQL's name for the unnamed UNIQUE is t_a_b_key. */
	APPLY(cat, "ALTER TABLE t DROP CONSTRAINT t_a_b_key");
	ck_assert(!ml_catalog_columns_cover_key(cat, NULL, "t", ab, 2));
	APPLY(cat, "CREATE UNIQUE INDEX t_c ON t (c)");
	ck_assert(ml_catalog_columns_cover_key(cat, NULL, "t", c, 1));
	APPLY(cat, "DROP INDEX t_c");
	ck_assert(!ml_catalog_columns_cover_key(cat, NULL, "t", c, 1));
	/* A partial unique index names no single row. */
	APPLY(cat, "CREATE UNIQUE INDEX t_c_live ON t (c) WHERE c > 0");
	ck_assert(!ml_catalog_columns_cover_key(cat, NULL, "t", c, 1));
	/* Dropping a column drops the keys that hold it. */
	APPLY(cat, "ALTER TABLE t DROP COLUMN id");
	ck_assert(!ml_catalog_columns_cover_key(cat, NULL, "t", id, 1));
	/* A table whose definition was not seen: id counts as its key. */
	ck_assert(ml_catalog_columns_cover_key(cat, NULL, "elsewhere", id, 1));
	ck_assert(!ml_catalog_columns_cover_key(cat, NULL, "elsewhere", a, 1));
}
END_TEST

START_TEST(foreign_keys_and_indexes)
{
	APPLY(cat, "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES auth.users (id)",
	      "CREATE INDEX orders_user_idx ON shop.orders (user_id)");
	const ml_table_state *orders = ml_catalog_table(cat, NULL, "orders");
	const ml_foreign_key_state *fk = ml_catalog_foreign_key(orders, "orders_user_fk");
	ck_assert_ptr_nonnull(fk);
	ck_assert_str_eq(fk->ref_schema, "auth");
	ck_assert_str_eq(fk->ref_name, "users");
	ck_assert_ptr_null(ml_catalog_foreign_key(orders, "other"));
	ck_assert_ptr_null(ml_catalog_foreign_key(NULL, "orders_user_fk"));
	const ml_index_state *ix = ml_catalog_index(cat, "orders_user_idx");
	ck_assert_ptr_nonnull(ix);
	ck_assert_str_eq(ix->table, "shop.orders");
	ck_assert_str_eq(ix->schema, "shop");
	ck_assert_str_eq(ix->table_name, "orders");
	APPLY(cat, "ALTER TABLE orders DROP CONSTRAINT orders_user_fk", "DROP INDEX orders_user_idx");
	ck_assert_ptr_null(ml_catalog_foreign_key(orders, "orders_user_fk"));
	ck_assert_ptr_null(ml_catalog_index(cat, "orders_user_idx"));
}
END_TEST

START_TEST(tables_move_and_take_their_indexes)
{
	APPLY(cat, "CREATE TABLE t (a int)", "CREATE INDEX t_a_idx ON t (a)", "ALTER TABLE t RENAME TO u",
	      "ALTER TABLE u SET SCHEMA app");
	/* Renamed and moved, the table keeps its index. */
	ck_assert_ptr_null(ml_catalog_table(cat, NULL, "u"));
	ck_assert_ptr_nonnull(ml_catalog_table(cat, "app", "u"));
	ck_assert_ptr_nonnull(ml_catalog_index(cat, "t_a_idx"));
	/* Dropped, it takes the index with it, also when made again. */
	APPLY(cat, "DROP TABLE app.u", "CREATE TABLE app.u (a int)");
	ck_assert_ptr_null(ml_catalog_index(cat, "t_a_idx"));
}
END_TEST

START_TEST(unnamed_keys_and_foreign_keys)
{
	APPLY(cat, "CREATE TABLE t (id int PRIMARY KEY, a int, b int, UNIQUE (a, b))", "CREATE TABLE o (x int REFERENCES t)");
	/* PostgreSQL's names, every column in them. */
	const char *ab[] = { "a", "b" };
	ck_assert(ml_catalog_columns_cover_key(cat, NULL, "t", ab, 2));
	size_t n;
	ml_dependent_hit *hits = ml_catalog_column_dependents(cat, arena, NULL, "t", "b", &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(hits[0].dependent->name, "t_a_b_key");
	/* A foreign key without columns uses the table it references. */
	hits = ml_catalog_table_dependents(cat, arena, NULL, "t", &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(hits[0].dependent->name, "o_x_fkey");
	ck_assert_int_eq(hits[0].dependency, ML_DEPENDENCY_NORMAL);
}
END_TEST

START_TEST(function_volatility_over_builtins)
{
	bool builtin = true;
	/* The built-in layer: pg_catalog's functions. */
	ck_assert_int_eq(ml_catalog_function_volatility(cat, "now", &builtin), 's');
	ck_assert(builtin);
	ck_assert_int_eq(ml_catalog_function_volatility(cat, "random", &builtin), 'v');
	ck_assert(builtin);
	ck_assert_int_eq(ml_catalog_function_volatility(cat, "lower", NULL), 'i');
	ck_assert_int_eq(ml_catalog_function_volatility(cat, "make_slug", &builtin), 0);
	ck_assert(!builtin);
	/* Created functions: as declared, VOLATILE when not said; the latest wins. */
	APPLY(cat, "CREATE FUNCTION make_slug(text) RETURNS text IMMUTABLE LANGUAGE sql AS $$ SELECT lower($1) $$",
	      "CREATE FUNCTION next_code() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$");
	ck_assert_int_eq(ml_catalog_function_volatility(cat, "make_slug", &builtin), 'i');
	ck_assert(!builtin);
	ck_assert_int_eq(ml_catalog_function_volatility(cat, "next_code", NULL), 'v');
	APPLY(cat, "CREATE OR REPLACE FUNCTION make_slug(text) RETURNS text STABLE LANGUAGE sql AS $$ SELECT $1 $$");
	ck_assert_int_eq(ml_catalog_function_volatility(cat, "make_slug", NULL), 's');
	/* A created function shadows a built-in of the same name. */
	APPLY(cat, "CREATE FUNCTION now() RETURNS timestamptz VOLATILE LANGUAGE sql AS $$ SELECT clock_timestamp() $$");
	ck_assert_int_eq(ml_catalog_function_volatility(cat, "now", &builtin), 'v');
	ck_assert(!builtin);
}
END_TEST

START_TEST(expression_volatility)
{
	const char *name = NULL;
	ck_assert(!ml_catalog_expr_is_volatile(cat, parse_one("SELECT lower('A') || now()::text"), &name));
	ck_assert_ptr_null(name);
	ck_assert(ml_catalog_expr_is_volatile(cat, parse_one("SELECT 1 + random()"), &name));
	ck_assert_str_eq(name, "random");
	/* Unknown functions are VOLATILE, the default of CREATE FUNCTION. */
	ck_assert(ml_catalog_expr_is_volatile(cat, parse_one("SELECT make_code(1)"), &name));
	ck_assert_str_eq(name, "make_code");
	APPLY(cat, "CREATE FUNCTION make_code(int) RETURNS text IMMUTABLE LANGUAGE sql AS $$ SELECT $1::text $$");
	ck_assert(!ml_catalog_expr_is_volatile(cat, parse_one("SELECT make_code(1)"), NULL));
}
END_TEST

START_TEST(partitions)
{
	APPLY(cat, "CREATE TABLE events (id int, at date) PARTITION BY RANGE (at)",
	      "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
	      "ALTER TABLE events ATTACH PARTITION events_old FOR VALUES FROM (MINVALUE) TO ('2024-01-01')");
	const ml_table_state *events = ml_catalog_table(cat, NULL, "events");
	const ml_table_state *p2024 = ml_catalog_table(cat, NULL, "events_2024");
	ck_assert(events->partitioned);
	ck_assert(!p2024->partitioned);
	ck_assert_uint_eq(events->partitions.len, 2);
	ck_assert_ptr_eq(p2024->parent, events);
	/* A partition's keys come from its parent: not all written here. */
	const char *id[] = { "id" };
	ck_assert(ml_catalog_columns_cover_key(cat, NULL, "events_2024", id, 1));
	APPLY(cat, "ALTER TABLE events DETACH PARTITION events_old");
	ck_assert_uint_eq(events->partitions.len, 1);
	ck_assert_ptr_null(ml_catalog_table(cat, NULL, "events_old")->parent);
	APPLY(cat, "DROP TABLE events_2024");
	ck_assert_uint_eq(events->partitions.len, 0);
}
END_TEST

START_TEST(domains_and_procedures)
{
	APPLY(cat, "CREATE DOMAIN positive AS int CHECK (VALUE > 0)", "CREATE DOMAIN label AS text");
	ck_assert(ml_catalog_domain_is_checked(cat, "positive"));
	ck_assert(!ml_catalog_domain_is_checked(cat, "label"));
	ck_assert(!ml_catalog_domain_is_checked(cat, "unknown"));
	ck_assert(!ml_catalog_procedure_commits(cat, "batch"));
	ml_catalog_note_commits(cat, "batch");
	ck_assert(ml_catalog_procedure_commits(cat, "batch"));
	ck_assert(!ml_catalog_procedure_commits(cat, "other"));
}
END_TEST

START_TEST(borrowing_clone_changes_only_itself)
{
	/* What a down migration is linted against: the up's schema, changed
	 * by the down, thrown away; the original is as it was. */
	APPLY(cat, "CREATE TABLE t (id int PRIMARY KEY, a text)", "CREATE INDEX t_a ON t (a)");
	ml_catalog *copy = ml_catalog_clone_borrowing(cat);
	ck_assert_ptr_nonnull(copy);
	ck_assert_ptr_nonnull(column(copy, "t", "a"));
	APPLY(copy, "ALTER TABLE t DROP COLUMN a", "DROP INDEX t_a", "ALTER TABLE t RENAME TO t2",
	      "CREATE TABLE u (x int)");
	ck_assert_ptr_nonnull(column(cat, "t", "a"));
	ck_assert_ptr_nonnull(ml_catalog_index(cat, "t_a"));
	ck_assert_ptr_null(ml_catalog_table(cat, NULL, "u"));
	ck_assert_ptr_null(ml_catalog_table(cat, NULL, "t2"));
	ck_assert_ptr_nonnull(ml_catalog_table(copy, NULL, "t2"));
	ck_assert_str_eq(column(copy, "t2", "id")->type, column(cat, "t", "id")->type);
	ml_catalog_free(copy);
	ck_assert_str_eq(column(cat, "t", "a")->name, "a");
}
END_TEST

START_TEST(clone_shares_nothing)
{
	APPLY(cat, "CREATE TABLE p (id int PRIMARY KEY, a text) PARTITION BY LIST (a)",
	      "CREATE TABLE p1 PARTITION OF p FOR VALUES IN ('x')", "CREATE INDEX p_a ON p (a)",
	      "CREATE FUNCTION f() RETURNS int STABLE LANGUAGE sql AS $$ SELECT 1 $$",
	      "CREATE DOMAIN d AS int CHECK (VALUE > 0)",
	      "ALTER TABLE p ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID",
	      "ALTER TABLE p1 ADD CONSTRAINT p1_fk FOREIGN KEY (id) REFERENCES q (id)");
	ml_catalog_note_commits(cat, "proc");
	ml_catalog *copy = ml_catalog_clone(cat);
	ck_assert_ptr_nonnull(copy);

	/* Changes to the copy leave the original as it was ... */
	APPLY(copy, "ALTER TABLE p ADD COLUMN b int", "ALTER TABLE p VALIDATE CONSTRAINT a_nn",
	      "ALTER TABLE p ALTER COLUMN a SET NOT NULL", "DROP INDEX p_a", "ALTER TABLE p RENAME TO p_renamed");
	ml_catalog_begin_file(copy, "test.sql");
	ck_assert_ptr_null(column(cat, "p", "b"));
	ck_assert(column(cat, "p", "a")->pending_not_null_check);
	ck_assert(column(cat, "p", "a")->nullable);
	ck_assert_ptr_nonnull(ml_catalog_index(cat, "p_a"));
	ck_assert_ptr_nonnull(ml_catalog_table(cat, NULL, "p"));
	ck_assert(ml_catalog_table_is_new(cat, NULL, "p"));
	ck_assert_ptr_null(ml_catalog_table(copy, NULL, "p"));
	ck_assert(!ml_catalog_table_is_new(copy, NULL, "p_renamed"));

	/* ... and the other way round. */
	APPLY(cat, "DROP TABLE p1", "CREATE FUNCTION f() RETURNS int VOLATILE LANGUAGE sql AS $$ SELECT 2 $$");
	const ml_table_state *p1 = ml_catalog_table(copy, NULL, "p1");
	ck_assert_ptr_nonnull(p1);
	ck_assert_int_eq(ml_catalog_function_volatility(copy, "f", NULL), 's');
	ck_assert_int_eq(ml_catalog_function_volatility(cat, "f", NULL), 'v');

	/* The copy stands alone once the original is gone: its links point
	 * at its own tables, its strings are its own. */
	ml_catalog_free(cat);
	cat = NULL;
	const ml_table_state *p = ml_catalog_table(copy, NULL, "p_renamed");
	ck_assert_ptr_eq(p1->parent, p);
	ck_assert_uint_eq(p->partitions.len, 1);
	ck_assert_ptr_eq(p->partitions.items[0], p1);
	ck_assert_str_eq(p1->name, "p1");
	ck_assert_str_eq(ml_catalog_foreign_key(p1, "p1_fk")->ref_name, "q");
	ck_assert(column(copy, "p_renamed", "a")->valid_not_null_check);
	ck_assert_str_eq(column(copy, "p_renamed", "a")->type, "text");
	const char *id[] = { "id" }, *a[] = { "a" };
	ck_assert(ml_catalog_columns_cover_key(copy, NULL, "p_renamed", id, 1));
	ck_assert(!ml_catalog_columns_cover_key(copy, NULL, "p_renamed", a, 1));
	ck_assert(ml_catalog_domain_is_checked(copy, "d"));
	ck_assert(ml_catalog_procedure_commits(copy, "proc"));
	ml_catalog_free(copy);
}
END_TEST

/* ---- the dependents' lists against a walk over all of them ---------------- */

/* What the catalog answered before it kept lists per table: every live
 * dependent looked at, oldest first (the same rules, no shortcut). */
typedef struct walk_hits {
	ml_dependent_hit items[256];
	size_t n;
} walk_hits;

static bool walk_listed(const walk_hits *h, const ml_dependent *d)
{
	for (size_t k = 0; k < h->n; k++)
		if (h->items[k].dependent == d)
			return true;
	return false;
}

static void walk_add(walk_hits *h, const ml_dependent *d, ml_dependency dependency, bool indirect)
{
	ck_assert_uint_lt(h->n, sizeof(h->items) / sizeof(h->items[0]));
	h->items[h->n++] = (ml_dependent_hit){ d, dependency, indirect };
}

static bool walk_has_word(const ml_dependent *d, const char *word)
{
	char lower[256];
	size_t n = strlen(word);
	ck_assert_uint_lt(n, sizeof(lower));
	for (size_t i = 0; i <= n; i++)
		lower[i] = word[i] >= 'A' && word[i] <= 'Z' ? (char)(word[i] - 'A' + 'a') : word[i];
	for (size_t i = 0; i < d->n_words; i++)
		if (!strcmp(d->words[i], lower))
			return true;
	return false;
}

static bool walk_runs_on(const ml_catalog *c, const ml_dependent *d, const ml_table_state *t)
{
	for (size_t i = 0; t && i < c->trigger_functions.len; i++) {
		const ml_trigger_function *link = c->trigger_functions.items[i];
		if (link->table == t->id && !strcmp(link->function, d->name))
			return true;
	}
	return false;
}

static void walk_view_users(const ml_catalog *c, const ml_dependent *const *live, size_t n_live,
			    const ml_dependent *d, walk_hits *h, int depth)
{
	if (depth > 8 || (strcmp(d->kind, "view") && strcmp(d->kind, "materialized view")))
		return;
	const ml_table_state *as_table = ml_catalog_table(c, "", d->name);
	for (size_t i = 0; as_table && i < n_live; i++) {
		const ml_dependent *user = live[i];
		if (user == d || user->own_columns == ML_DEPENDENCY_UNTRACKED)
			continue;
		bool found = false;
		for (size_t k = 0; !found && k < user->n_uses; k++)
			found = user->uses[k].table == as_table->id;
		if (!found || walk_listed(h, user))
			continue;
		walk_add(h, user, ML_DEPENDENCY_NORMAL, true);
		walk_view_users(c, live, n_live, user, h, depth + 1);
	}
}

static void walk_column(const ml_catalog *c, const ml_dependent *const *live, size_t n_live, const char *schema,
			const char *name, const char *column, walk_hits *h)
{
	h->n = 0;
	const ml_table_state *t = ml_catalog_table(c, schema, name);
	const ml_column_facts *col = t ? ml_catalog_column_facts((ml_catalog *)c, t, column, false) : NULL;
	for (size_t i = 0; i < n_live; i++) {
		const ml_dependent *d = live[i];
		if (d->n_words) {
			if (walk_has_word(d, column) && (walk_has_word(d, name) || walk_runs_on(c, d, t)))
				walk_add(h, d, ML_DEPENDENCY_UNTRACKED, false);
			continue;
		}
		bool hit = false;
		for (size_t k = 0; t && k < d->n_uses; k++) {
			const ml_column_use *u = &d->uses[k];
			hit = hit || (u->table == t->id && ((col && u->column == col->id) ||
							   (u->star && (!col || col->added_at <= d->made_at))));
		}
		for (size_t k = 0; t && k < d->n_row_columns; k++)
			hit = hit || (!strcmp(d->row_columns[k], column) && walk_runs_on(c, d, t));
		if (!hit || walk_listed(h, d))
			continue;
		ml_dependency dependency = d->own_columns == ML_DEPENDENCY_UNTRACKED ? ML_DEPENDENCY_UNTRACKED
					   : d->table == t->id ? d->own_columns : ML_DEPENDENCY_NORMAL;
		walk_add(h, d, dependency, false);
		if (dependency == ML_DEPENDENCY_NORMAL)
			walk_view_users(c, live, n_live, d, h, 0);
	}
}

static void walk_table(const ml_catalog *c, const ml_dependent *const *live, size_t n_live, const char *schema,
		       const char *name, walk_hits *h)
{
	h->n = 0;
	const ml_table_state *t = ml_catalog_table(c, schema, name);
	for (size_t i = 0; i < n_live; i++) {
		const ml_dependent *d = live[i];
		if (d->n_words) {
			if (walk_has_word(d, name))
				walk_add(h, d, ML_DEPENDENCY_UNTRACKED, false);
			continue;
		}
		if (!t || d->table == t->id || walk_listed(h, d))
			continue;
		for (size_t k = 0; k < d->n_uses; k++) {
			if (d->uses[k].table != t->id)
				continue;
			bool untracked = d->own_columns == ML_DEPENDENCY_UNTRACKED;
			walk_add(h, d, untracked ? ML_DEPENDENCY_UNTRACKED : ML_DEPENDENCY_NORMAL, false);
			if (!untracked)
				walk_view_users(c, live, n_live, d, h, 0);
			break;
		}
	}
}

static void assert_same_hits(const ml_dependent_hit *got, size_t n, const walk_hits *want, const char *what)
{
	ck_assert_msg(n == want->n, "%s: %zu hits, the walk finds %zu", what, n, want->n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(got[i].dependent == want->items[i].dependent, "%s: hit %zu is %s, the walk's %s", what, i,
			      got[i].dependent->name, want->items[i].dependent->name);
		ck_assert_int_eq(got[i].dependency, want->items[i].dependency);
		ck_assert_int_eq(got[i].indirect, want->items[i].indirect);
	}
}

/* The list of live dependents where pred holds, against the catalog's. */
static void assert_list(const ml_dependent *const *live, size_t n_live, const ml_dependent *const *list, size_t n,
			bool (*pred)(const ml_dependent *, size_t), size_t arg, const char *what)
{
	size_t k = 0;
	for (size_t i = 0; i < n_live; i++) {
		if (!pred(live[i], arg))
			continue;
		ck_assert_msg(k < n && list[k] == live[i], "%s: %s missing or out of place", what, live[i]->name);
		k++;
	}
	ck_assert_msg(k == n, "%s: %zu listed, %zu live", what, n, k);
}

static bool touches_table(const ml_dependent *d, size_t id)
{
	bool touches = d->table == id;
	for (size_t k = 0; k < d->n_uses; k++)
		touches = touches || d->uses[k].table == id;
	return touches;
}

static bool has_words(const ml_dependent *d, size_t unused)
{
	(void)unused;
	return d->n_words > 0;
}

static bool has_rows(const ml_dependent *d, size_t unused)
{
	(void)unused;
	return d->n_row_columns > 0;
}

/* Every list of c holds what a walk over its live dependents finds, and
 * every question about a table or column c knows (or a few it does not)
 * has the walk's answer. */
static void assert_lists_match_walk(const ml_catalog *c)
{
	size_t n_live;
	const ml_dependent **live = ml_catalog_live_dependents(c, arena, &n_live);
	for (size_t i = 1; i < n_live; i++)
		ck_assert_uint_lt(live[i - 1]->order, live[i]->order);
	for (size_t i = 0; i < n_live; i++) {
		size_t n;
		const ml_dependent *const *named = ml_catalog_dependents_named(c, live[i]->name, &n);
		bool found = false;
		for (size_t k = 0; k < n; k++) {
			found = found || named[k] == live[i];
			ck_assert(k == 0 || named[k - 1]->order < named[k]->order);
		}
		ck_assert(found);
	}
	assert_list(live, n_live, (const ml_dependent *const *)c->word_dependents.items, c->word_dependents.len,
		    has_words, 0, "words");
	assert_list(live, n_live, (const ml_dependent *const *)c->row_dependents.items, c->row_dependents.len,
		    has_rows, 0, "rows");
	static const char *const others[] = { "x", "y", "z", "id", "nosuch" };
	walk_hits *want = ml_arena_alloc(arena, sizeof(*want));
	for (size_t i = 0; i < c->all_tables.len; i++) {
		const ml_table_state *t = c->all_tables.items[i];
		size_t n;
		const ml_dependent *const *of = ml_catalog_dependents_of_table(c, t->id, &n);
		assert_list(live, n_live, of, n, touches_table, t->id, t->name);
		walk_table(c, live, n_live, t->schema, t->name, want);
		const ml_dependent_hit *got = ml_catalog_table_dependents(c, arena, t->schema, t->name, &n);
		assert_same_hits(got, n, want, t->name);
		for (size_t k = 0; k < t->columns.len + sizeof(others) / sizeof(*others); k++) {
			const char *column = k < t->columns.len ? ((const ml_column_facts *)t->columns.items[k])->name
							       : others[k - t->columns.len];
			walk_column(c, live, n_live, t->schema, t->name, column, want);
			got = ml_catalog_column_dependents(c, arena, t->schema, t->name, column, &n);
			assert_same_hits(got, n, want, column);
		}
	}
}

/* Applies each statement to c, checking its lists after each. */
static void apply_checked(ml_catalog *c, const char *const *sql)
{
	for (; *sql; sql++) {
		ml_catalog_apply(c, parse_one(*sql), 1);
		assert_lists_match_walk(c);
	}
}

#define APPLY_CHECKED(c, ...) apply_checked((c), (const char *const[]){ __VA_ARGS__, NULL })

/* The dependents of table.column (column NULL: of the table) as "name
 * name* ..." (* when only through a view), oldest first. */
static const char *hit_names(const ml_catalog *c, const char *table, const char *column)
{
	size_t n;
	const ml_dependent_hit *hits = column ? ml_catalog_column_dependents(c, arena, NULL, table, column, &n)
					      : ml_catalog_table_dependents(c, arena, NULL, table, &n);
	static char out[512];
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && len < sizeof(out); i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s%s", i ? " " : "", hits[i].dependent->name,
					hits[i].indirect ? "*" : "");
	return out;
}

START_TEST(dependent_lists_follow_every_change)
{
	APPLY_CHECKED(cat, "CREATE TABLE a (id int PRIMARY KEY, x int, y int, z int)",
		      "CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id), x int)",
		      "CREATE INDEX a_x ON a (x)", "CREATE INDEX a_xy ON a (x, y)",
		      "CREATE VIEW v AS SELECT id, x FROM a", "CREATE VIEW w AS SELECT * FROM v",
		      "ALTER TABLE a ADD CONSTRAINT a_y_pos CHECK (y > 0)",
		      "CREATE FUNCTION f_words() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT z FROM a); END $$",
		      "CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.y := 1; RETURN NEW; END $$");
	/* The engine walks the trigger function's body: it reads NEW.y. */
	ml_catalog_body_stmt(cat, parse_one("SELECT NEW.y"));
	ml_catalog_body_end(cat);
	assert_lists_match_walk(cat);
	APPLY_CHECKED(cat, "CREATE TRIGGER a_trg BEFORE INSERT ON a FOR EACH ROW EXECUTE FUNCTION trg()",
		      "CREATE INDEX b_x ON b (x)");
	ck_assert_str_eq(hit_names(cat, "a", "x"), "a_x a_xy v w*");
	ck_assert_str_eq(hit_names(cat, "a", "y"), "a_xy a_y_pos trg");
	ck_assert_str_eq(hit_names(cat, "a", "z"), "f_words");
	ck_assert_str_eq(hit_names(cat, "a", NULL), "b_a_id_fkey v w* f_words");

	/* A copy sharing the objects changes apart: a renamed index keeps
	 * its place, a dropped column takes its index and constraint, a view
	 * made again comes last. */
	ml_catalog *copy = ml_catalog_clone_borrowing(cat);
	assert_lists_match_walk(copy);
	APPLY_CHECKED(copy, "ALTER INDEX a_x RENAME TO a_x2", "ALTER TABLE a DROP COLUMN y",
		      "CREATE OR REPLACE VIEW v AS SELECT id, x, z FROM a", "ALTER TABLE a RENAME COLUMN x TO x_new");
	ck_assert_str_eq(hit_names(copy, "a", "x_new"), "a_x2 v w*");
	ck_assert_str_eq(hit_names(copy, "a", "y"), "trg");
	ck_assert_str_eq(hit_names(copy, "a", "z"), "f_words v w*");
	ck_assert_str_eq(hit_names(cat, "a", "x"), "a_x a_xy v w*");
	ck_assert_str_eq(hit_names(cat, "a", "y"), "a_xy a_y_pos trg");

	/* The original goes on; a copy of its own then drops a table. */
	APPLY_CHECKED(cat, "DROP VIEW w", "CREATE INDEX a_x_late ON a (x)", "ALTER INDEX a_xy RENAME TO a_xy2",
		      "ALTER TABLE a DROP CONSTRAINT a_y_pos", "ALTER TABLE b RENAME CONSTRAINT b_pkey TO b_key");
	ck_assert_str_eq(hit_names(cat, "a", "x"), "a_x a_xy2 v a_x_late");
	ml_catalog *deep = ml_catalog_clone(cat);
	assert_lists_match_walk(deep);
	/* A policy of a that reads only b: it belongs to a, goes with a. */
	APPLY_CHECKED(deep, "CREATE POLICY a_pol ON a USING (EXISTS (SELECT 1 FROM b WHERE b.x = 1))",
		      "ALTER POLICY a_pol ON a RENAME TO a_pol2");
	ck_assert_str_eq(hit_names(deep, "b", "x"), "b_x a_pol2");
	APPLY_CHECKED(deep, "DROP TABLE a CASCADE", "DROP FUNCTION trg()");
	ck_assert_str_eq(hit_names(deep, "b", "a_id"), "");
	ck_assert_str_eq(hit_names(deep, "b", "x"), "b_x");
	ck_assert_str_eq(hit_names(cat, "a", "y"), "a_xy2 trg");
	ck_assert_str_eq(hit_names(cat, "b", "a_id"), "b_a_id_fkey");
	APPLY_CHECKED(cat, "DROP TABLE b", "DROP INDEX a_x");
	ck_assert_str_eq(hit_names(cat, "a", "x"), "a_xy2 v a_x_late");
	assert_lists_match_walk(copy);
	ml_catalog_free(deep);
	ml_catalog_free(copy);
}
END_TEST

START_TEST(free_accepts_null)
{
	ml_catalog_free(NULL);
	ml_catalog *empty = ml_catalog_new();
	ml_catalog *copy = ml_catalog_clone(empty);
	ml_catalog_free(empty);
	ck_assert_ptr_null(ml_catalog_table(copy, NULL, "anything"));
	ml_catalog_free(copy);
}
END_TEST

Suite *catalog_suite(void)
{
	Suite *s = suite_create("catalog");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, catalog_setup, catalog_teardown);
	tcase_add_test(tc, create_table_records_columns);
	tcase_add_test(tc, tables_are_new_only_in_their_file);
	tcase_add_test(tc, alter_column_facts);
	tcase_add_test(tc, inherited_columns_are_not_known_nullable);
	tcase_add_test(tc, rename_and_drop);
	tcase_add_test(tc, not_null_checks_and_validation);
	tcase_add_test(tc, unique_keys);
	tcase_add_test(tc, foreign_keys_and_indexes);
	tcase_add_test(tc, tables_move_and_take_their_indexes);
	tcase_add_test(tc, unnamed_keys_and_foreign_keys);
	tcase_add_test(tc, function_volatility_over_builtins);
	tcase_add_test(tc, expression_volatility);
	tcase_add_test(tc, partitions);
	tcase_add_test(tc, domains_and_procedures);
	tcase_add_test(tc, clone_shares_nothing);
	tcase_add_test(tc, borrowing_clone_changes_only_itself);
	tcase_add_test(tc, free_accepts_null);
	tcase_add_test(tc, dependent_lists_follow_every_change);
	suite_add_tcase(s, tc);
	return s;
}
