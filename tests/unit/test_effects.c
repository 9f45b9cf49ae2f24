/*
 * test_effects.c - effects (src/model/effects.c) computed from a statement,
 * a catalog, a transaction and a PostgreSQL version, with no engine: the
 * lock, rewrite and scan the lock table documents for a handful of
 * statements on PostgreSQL 10 and 15, a constant DEFAULT that stops
 * rewriting on 11+, a volatile one that does not, and functions the catalog
 * learnt from an earlier CREATE FUNCTION.
 */
#include <string.h>

#include "catalog.h"
#include "effects.h"
#include "facts.h"
#include "lock_forms.h"
#include "tx.h"
#include "unit.h"

/* The effect of sql at the top level on pg_major, outside a transaction. */
static ml_effect effect_of(const char *sql, int pg_major)
{
	ml_effect e;
	ml_effect_compute(arena, cat, NULL, pg_major, parse_one(sql), NULL, &e);
	return e;
}

static void learn(const char *sql)
{
	ml_catalog_apply(cat, parse_one(sql), 1);
}

/* The mode e takes on table, or ML_LOCK_NONE. */
static ml_lock_mode lock_on(const ml_effect *e, const char *table)
{
	for (size_t i = 0; i < e->n_locks; i++)
		if (!strcmp(e->locks[i].table, table))
			return e->locks[i].mode;
	return ML_LOCK_NONE;
}

START_TEST(constant_default_rewrites_before_11_only)
{
	const char *sql = "ALTER TABLE orders ADD COLUMN archived boolean NOT NULL DEFAULT false";
	ml_effect pg10 = effect_of(sql, 10), pg15 = effect_of(sql, 15);
	ck_assert(ml_effect_has(&pg10, ML_FORM_ADD_COLUMN_DEFAULT));
	ck_assert_int_eq(lock_on(&pg10, "orders"), ML_LOCK_ACCESS_EXCLUSIVE);
	ck_assert(pg10.rewrite && pg10.scan && pg10.slow);
	ck_assert(ml_effect_has(&pg15, ML_FORM_ADD_COLUMN_DEFAULT));
	ck_assert_int_eq(lock_on(&pg15, "orders"), ML_LOCK_ACCESS_EXCLUSIVE);
	ck_assert(!pg15.rewrite && !pg15.scan && !pg15.slow);
	ck_assert_str_eq(pg15.form, "ALTER TABLE ... ADD COLUMN ... DEFAULT");
}
END_TEST

START_TEST(volatile_default_rewrites_everywhere)
{
	for (int pg = 10; pg <= 15; pg += 5) {
		ml_effect e = effect_of("ALTER TABLE orders ADD COLUMN token float8 DEFAULT random()", pg);
		ck_assert(ml_effect_has(&e, ML_FORM_ADD_COLUMN_VOLATILE_DEFAULT));
		ck_assert(e.rewrite && e.scan && e.slow);
		ck_assert_int_eq(lock_on(&e, "orders"), ML_LOCK_ACCESS_EXCLUSIVE);
	}
	/* now() is STABLE: one value for the statement, no rewrite on 11+. */
	ml_effect now = effect_of("ALTER TABLE orders ADD COLUMN created timestamptz DEFAULT now()", 15);
	ck_assert(ml_effect_has(&now, ML_FORM_ADD_COLUMN_DEFAULT));
	ck_assert(!now.rewrite);
}
END_TEST

START_TEST(functions_created_earlier_decide_the_default)
{
	const char *sql = "ALTER TABLE orders ADD COLUMN code text DEFAULT make_code()";
	/* Unknown: CREATE FUNCTION's default is VOLATILE. */
	ml_effect unknown = effect_of(sql, 15);
	ck_assert(ml_effect_has(&unknown, ML_FORM_ADD_COLUMN_VOLATILE_DEFAULT));
	ck_assert(unknown.rewrite);
	learn("CREATE FUNCTION make_code() RETURNS text IMMUTABLE LANGUAGE sql AS $$ SELECT 'x' $$");
	ml_effect immutable = effect_of(sql, 15);
	ck_assert(ml_effect_has(&immutable, ML_FORM_ADD_COLUMN_DEFAULT));
	ck_assert(!immutable.rewrite && !immutable.scan);
	learn("CREATE OR REPLACE FUNCTION make_code() RETURNS text LANGUAGE sql AS $$ SELECT 'y' $$");
	ml_effect volatile_again = effect_of(sql, 15);
	ck_assert(ml_effect_has(&volatile_again, ML_FORM_ADD_COLUMN_VOLATILE_DEFAULT));
	ck_assert(volatile_again.rewrite);
}
END_TEST

START_TEST(create_index)
{
	for (int pg = 10; pg <= 15; pg += 5) {
		ml_effect plain = effect_of("CREATE INDEX orders_a ON orders (a)", pg);
		ck_assert_int_eq(lock_on(&plain, "orders"), ML_LOCK_SHARE);
		ck_assert(!plain.rewrite && plain.scan && plain.index_build && plain.slow);
		ck_assert(!plain.fails_in_transaction);
		ml_effect concurrent = effect_of("CREATE INDEX CONCURRENTLY orders_a ON orders (a)", pg);
		ck_assert_int_eq(lock_on(&concurrent, "orders"), ML_LOCK_SHARE_UPDATE_EXCLUSIVE);
		ck_assert(concurrent.fails_in_transaction);
	}
}
END_TEST

START_TEST(set_not_null_with_a_valid_check)
{
	const char *sql = "ALTER TABLE orders ALTER COLUMN total SET NOT NULL";
	ml_effect before = effect_of(sql, 15);
	ck_assert(ml_effect_has(&before, ML_FORM_SET_NOT_NULL));
	ck_assert(before.scan && !before.rewrite);
	learn("ALTER TABLE orders ADD CONSTRAINT total_nn CHECK (total IS NOT NULL) NOT VALID");
	ml_effect pending = effect_of(sql, 15);
	ck_assert(ml_effect_has(&pending, ML_FORM_SET_NOT_NULL));
	learn("ALTER TABLE orders VALIDATE CONSTRAINT total_nn");
	ml_effect pg15 = effect_of(sql, 15), pg10 = effect_of(sql, 10);
	ck_assert(ml_effect_has(&pg15, ML_FORM_SET_NOT_NULL_CHECKED));
	ck_assert(!pg15.scan);
	/* PostgreSQL 10 and 11 scan all the same. */
	ck_assert(ml_effect_has(&pg10, ML_FORM_SET_NOT_NULL_CHECKED));
	ck_assert(pg10.scan);
}
END_TEST

START_TEST(new_tables_are_not_slow)
{
	learn("CREATE TABLE fresh (id int)");
	ml_effect e = effect_of("ALTER TABLE fresh ADD COLUMN token float8 DEFAULT random()", 15);
	ck_assert(e.rewrite);
	ck_assert_uint_eq(e.n_locks, 1);
	ck_assert(e.locks[0].new_table);
	ck_assert(!e.slow);
	/* In the next file it holds data. */
	ml_catalog_begin_file(cat, "test.sql");
	e = effect_of("ALTER TABLE fresh ADD COLUMN token float8 DEFAULT random()", 15);
	ck_assert(!e.locks[0].new_table);
	ck_assert(e.slow);
}
END_TEST

START_TEST(type_change_uses_the_known_type)
{
	const char *sql = "ALTER TABLE users ALTER COLUMN name TYPE varchar(100)";
	ml_effect unknown = effect_of(sql, 15);
	ck_assert(ml_effect_has(&unknown, ML_FORM_ALTER_COLUMN_TYPE));
	ck_assert(unknown.rewrite);
	learn("ALTER TABLE users ADD COLUMN name varchar(50)");
	ml_effect widening = effect_of(sql, 15);
	ck_assert(ml_effect_has(&widening, ML_FORM_ALTER_COLUMN_TYPE_COERCIBLE));
	ck_assert(!widening.rewrite && !widening.scan);
	ml_effect shortening = effect_of("ALTER TABLE users ALTER COLUMN name TYPE varchar(20)", 15);
	ck_assert(shortening.rewrite);
}
END_TEST

START_TEST(updates_and_batches)
{
	ml_effect all = effect_of("UPDATE orders SET a = 1", 15);
	ck_assert_int_eq(lock_on(&all, "orders"), ML_LOCK_ROW_EXCLUSIVE);
	ck_assert(all.unbatched && all.many_rows && all.slow && all.scan);
	/* orders' definition is unknown: id counts as its key. */
	ml_effect one = effect_of("UPDATE orders SET a = 1 WHERE id = 5", 15);
	ck_assert(!one.unbatched && !one.many_rows);
	/* A key the catalog knows. */
	learn("CREATE TABLE pairs (a int, b int, c int, UNIQUE (a, b))");
	ml_catalog_begin_file(cat, "test.sql");
	ml_effect pair = effect_of("DELETE FROM pairs WHERE a = 1 AND b = 2", 15);
	ck_assert(!pair.unbatched);
	ml_effect half = effect_of("DELETE FROM pairs WHERE a = 1", 15);
	ck_assert(half.unbatched && half.many_rows);
	ml_effect by_id = effect_of("DELETE FROM pairs WHERE id = 1", 15);
	ck_assert(by_id.unbatched); /* its definition was seen: id is no key of it */
	const PgQuery__Node *del = parse_one("DELETE FROM pairs WHERE c BETWEEN 1 AND 1000");
	ck_assert(ml_where_is_batched(cat, del->delete_stmt->relation, del->delete_stmt->where_clause, NULL, NULL,
				      0, NULL));
}
END_TEST

START_TEST(truncated_tables_are_instant)
{
	ml_tx tx;
	ml_tx_init(&tx, arena, ML_TX_NONE);
	ml_effect none = { .form = "" };
	const char *begin = "BEGIN", *truncate = "TRUNCATE orders";
	ml_tx_apply(&tx, cat, parse_one(begin), &none, ML_BODY_TOP, 1, 0, strlen(begin));
	ml_tx_apply(&tx, cat, parse_one(truncate), &none, ML_BODY_TOP, 2, 10, 10 + strlen(truncate));
	ml_effect e;
	ml_effect_compute(arena, cat, &tx, 15, parse_one("CREATE INDEX orders_a ON orders (a)"), NULL, &e);
	ck_assert(e.index_build && e.scan);
	ck_assert(!e.slow);
	ml_effect_compute(arena, cat, &tx, 15, parse_one("UPDATE orders SET a = 1"), NULL, &e);
	ck_assert(e.unbatched && !e.many_rows);
	ml_effect_compute(arena, cat, NULL, 15, parse_one("CREATE INDEX orders_a ON orders (a)"), NULL, &e);
	ck_assert(e.slow);
}
END_TEST

START_TEST(locks_on_other_tables)
{
	learn("ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)");
	ml_effect drop = effect_of("DROP TABLE orders", 15);
	ck_assert_int_eq(lock_on(&drop, "orders"), ML_LOCK_ACCESS_EXCLUSIVE);
	ck_assert_int_eq(lock_on(&drop, "users"), ML_LOCK_ACCESS_EXCLUSIVE);
	ml_effect fk = effect_of("ALTER TABLE orders DROP CONSTRAINT orders_user_fk", 15);
	ck_assert(ml_effect_has(&fk, ML_FORM_DROP_FOREIGN_KEY));
	ck_assert_int_ne(lock_on(&fk, "users"), ML_LOCK_NONE);
	/* An index the catalog saw created locks its table when dropped. */
	learn("CREATE INDEX orders_a ON shop.orders (a)");
	ml_effect drop_index = effect_of("DROP INDEX orders_a", 15);
	ck_assert_int_eq(lock_on(&drop_index, "shop.orders"), ML_LOCK_ACCESS_EXCLUSIVE);
	ml_effect lock = effect_of("LOCK TABLE a, b IN SHARE MODE", 15);
	ck_assert_int_eq(lock_on(&lock, "a"), ML_LOCK_SHARE);
	ck_assert_int_eq(lock_on(&lock, "b"), ML_LOCK_SHARE);
	ml_effect read = effect_of("INSERT INTO archive SELECT * FROM orders", 15);
	ck_assert_int_eq(lock_on(&read, "archive"), ML_LOCK_ROW_EXCLUSIVE);
	ck_assert_int_eq(lock_on(&read, "orders"), ML_LOCK_ACCESS_SHARE);
	ck_assert(ml_effect_has(&read, ML_FORM_READ_ALL));
}
END_TEST

Suite *effects_suite(void)
{
	Suite *s = suite_create("effects");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, catalog_setup, catalog_teardown);
	tcase_add_test(tc, constant_default_rewrites_before_11_only);
	tcase_add_test(tc, volatile_default_rewrites_everywhere);
	tcase_add_test(tc, functions_created_earlier_decide_the_default);
	tcase_add_test(tc, create_index);
	tcase_add_test(tc, set_not_null_with_a_valid_check);
	tcase_add_test(tc, new_tables_are_not_slow);
	tcase_add_test(tc, type_change_uses_the_known_type);
	tcase_add_test(tc, updates_and_batches);
	tcase_add_test(tc, truncated_tables_are_instant);
	tcase_add_test(tc, locks_on_other_tables);
	suite_add_tcase(s, tc);
	return s;
}
