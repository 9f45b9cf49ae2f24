/*
 * test_tx.c - the transaction state (src/model/tx.c) as a value: parsed
 * statements applied to an ml_tx and a catalog, no engine. BEGIN, COMMIT,
 * ROLLBACK, AND CHAIN and savepoints; locks held until the transaction ends;
 * timeouts set with SET, SET LOCAL and set_config; tables emptied and filled
 * again; what a transaction adds and what the file dropped; the first
 * strong lock; COMMIT inside DO blocks.
 */
#include <string.h>

#include "catalog.h"
#include "facts.h"
#include "lock_forms.h"
#include "tx.h"
#include "unit.h"

static ml_tx tx;

static void setup(void)
{
	catalog_setup();
	ml_tx_init(&tx, arena, ML_TX_NONE);
}

/* Applies sql at line (taking the locks of effect, when not NULL) to the
 * transaction, then to the catalog, as the engine does for a statement of
 * the file. */
static void run_in(ml_body_kind body, const char *sql, int line, const ml_effect *effect)
{
	ml_effect none = { .form = "" };
	const PgQuery__Node *stmt = parse_one(sql);
	ml_tx_apply(&tx, cat, stmt, effect ? effect : &none, body, line, (size_t)line * 100,
		    (size_t)line * 100 + strlen(sql));
	ml_catalog_apply(cat, stmt, 1);
}

static void run(const char *sql, int line)
{
	run_in(ML_BODY_TOP, sql, line, NULL);
}

/* An effect locking table in mode. */
static ml_effect locking(const char *table, ml_lock_mode mode, bool new_table)
{
	ml_effect e = { .form = "test", .n_locks = 1 };
	e.locks[0] = (ml_lock){ .table = table, .mode = mode, .new_table = new_table };
	return e;
}

static ml_emptied emptied(const char *table)
{
	return ml_tx_emptied(&tx, cat, NULL, table);
}

START_TEST(begin_commit_rollback)
{
	ck_assert_int_eq(tx.state, ML_TX_NONE);
	run("BEGIN", 3);
	ck_assert_int_eq(tx.state, ML_TX_EXPLICIT);
	ck_assert_int_eq(tx.begin_line, 3);
	ck_assert_uint_eq(tx.begin_start, 300);
	ck_assert_uint_eq(tx.begin_end, 305);
	run("BEGIN", 4); /* a second BEGIN is only a warning for PostgreSQL: the first one counts */
	ck_assert_int_eq(tx.begin_line, 3);
	run("COMMIT", 5);
	ck_assert_int_eq(tx.state, ML_TX_NONE);
	ck_assert_int_eq(tx.begin_line, 0);
	run("START TRANSACTION", 6);
	ck_assert_int_eq(tx.state, ML_TX_EXPLICIT);
	run("ROLLBACK", 7);
	ck_assert_int_eq(tx.state, ML_TX_NONE);
	/* The tool's own transaction: BEGIN adds nothing, COMMIT ends it. */
	ml_tx_init(&tx, arena, ML_TX_ASSUMED);
	run("BEGIN", 1);
	ck_assert_int_eq(tx.state, ML_TX_ASSUMED);
	ck_assert_int_eq(tx.begin_line, 0);
	run("COMMIT", 2);
	ck_assert_int_eq(tx.state, ML_TX_NONE);
}
END_TEST

START_TEST(locks_are_held_until_the_end)
{
	ml_effect share = locking("orders", ML_LOCK_SHARE, false);
	ml_effect exclusive = locking("orders", ML_LOCK_ACCESS_EXCLUSIVE, false);
	ml_effect other = locking("users", ML_LOCK_ROW_EXCLUSIVE, false);
	/* Outside a transaction each statement releases its own locks. */
	run_in(ML_BODY_TOP, "CREATE INDEX i ON orders (a)", 1, &share);
	ck_assert_uint_eq(tx.n_held, 0);
	run("BEGIN", 2);
	run_in(ML_BODY_TOP, "CREATE INDEX i2 ON orders (a)", 3, &share);
	run_in(ML_BODY_TOP, "UPDATE users SET a = 1 WHERE id = 1", 4, &other);
	ck_assert_uint_eq(tx.n_held, 2);
	ck_assert_str_eq(tx.held[0].table, "orders");
	ck_assert_int_eq(tx.held[0].mode, ML_LOCK_SHARE);
	ck_assert_int_eq(tx.held[0].line, 3);
	/* A stronger lock on a table held replaces it; a weaker one does not. */
	run_in(ML_BODY_TOP, "ALTER TABLE orders ADD COLUMN b int", 5, &exclusive);
	run_in(ML_BODY_TOP, "CREATE INDEX i3 ON orders (b)", 6, &share);
	ck_assert_uint_eq(tx.n_held, 2);
	ck_assert_int_eq(tx.held[0].mode, ML_LOCK_ACCESS_EXCLUSIVE);
	ck_assert_int_eq(tx.held[0].line, 5);
	/* A savepoint keeps them; COMMIT AND CHAIN releases them but stays open. */
	run("SAVEPOINT s", 7);
	run("ROLLBACK TO SAVEPOINT s", 8);
	run("RELEASE SAVEPOINT s", 9);
	ck_assert_uint_eq(tx.n_held, 2);
	run("COMMIT AND CHAIN", 10);
	ck_assert_uint_eq(tx.n_held, 0);
	ck_assert_int_eq(tx.state, ML_TX_EXPLICIT);
	run_in(ML_BODY_TOP, "UPDATE users SET a = 2 WHERE id = 1", 11, &other);
	ck_assert_uint_eq(tx.n_held, 1);
	ck_assert_str_eq(tx.held[0].table, "users");
	run("ROLLBACK", 12);
	ck_assert_uint_eq(tx.n_held, 0);
}
END_TEST

START_TEST(timeouts_set_and_set_local)
{
	run("SET lock_timeout = '5s'", 1);
	ck_assert(tx.lock_timeout_set && !tx.lock_timeout_local);
	ck_assert(!tx.statement_timeout_set);
	run("BEGIN", 2);
	run("SET LOCAL statement_timeout = '1min'", 3);
	ck_assert(tx.statement_timeout_set && tx.statement_timeout_local);
	run("COMMIT", 4);
	/* SET LOCAL ends with the transaction; SET stays. */
	ck_assert(!tx.statement_timeout_set);
	ck_assert(tx.lock_timeout_set);
	run("SET lock_timeout = 0", 5);
	ck_assert(!tx.lock_timeout_set);
	run("SET lock_timeout TO '0s'", 6);
	ck_assert(!tx.lock_timeout_set);
	run("SELECT set_config('statement_timeout', '30s', false)", 7);
	ck_assert(tx.statement_timeout_set && !tx.statement_timeout_local);
	run("SET lock_timeout = '2s'", 8);
	run("RESET ALL", 9);
	ck_assert(!tx.lock_timeout_set && !tx.statement_timeout_set);
	run("BEGIN", 10);
	run("SELECT set_config('lock_timeout', '3s', true)", 11);
	ck_assert(tx.lock_timeout_set && tx.lock_timeout_local);
	run("ROLLBACK", 12);
	ck_assert(!tx.lock_timeout_set);
	run("SET statement_timeout TO DEFAULT", 13);
	ck_assert(!tx.statement_timeout_set);
}
END_TEST

START_TEST(emptied_tables)
{
	run("CREATE TABLE events (id int, at date) PARTITION BY RANGE (at)", 1);
	run("CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", 2);
	run("BEGIN", 3);
	run("TRUNCATE orders", 4);
	run("DELETE FROM users", 5);
	run("DELETE FROM audit WHERE at < now()", 6);
	ck_assert_int_eq(emptied("orders"), ML_EMPTIED_BY_TRUNCATE);
	ck_assert_int_eq(emptied("users"), ML_EMPTIED_BY_DELETE);
	ck_assert_int_eq(emptied("audit"), ML_NOT_EMPTIED);
	/* Rows may come back: INSERT, or a function of the user's. */
	run("INSERT INTO users (id) VALUES (1)", 7);
	ck_assert_int_eq(emptied("users"), ML_NOT_EMPTIED);
	ck_assert_int_eq(emptied("orders"), ML_EMPTIED_BY_TRUNCATE);
	run("SELECT now(), lower('x')", 8); /* built-in functions insert nothing */
	ck_assert_int_eq(emptied("orders"), ML_EMPTIED_BY_TRUNCATE);
	run("SELECT refill_orders()", 9);
	ck_assert_int_eq(emptied("orders"), ML_NOT_EMPTIED);
	/* A function the catalog knows as STABLE inserts nothing either. */
	run("CREATE FUNCTION lookup() RETURNS int STABLE LANGUAGE sql AS $$ SELECT 1 $$", 10);
	run("TRUNCATE orders", 11);
	run("SELECT lookup()", 12);
	ck_assert_int_eq(emptied("orders"), ML_EMPTIED_BY_TRUNCATE);
	/* Without ONLY the partitions are emptied too; ONLY leaves them. */
	run("TRUNCATE events", 13);
	ck_assert_int_eq(emptied("events_1"), ML_EMPTIED_BY_TRUNCATE);
	run("TRUNCATE ONLY items", 14);
	ck_assert_int_eq(emptied("items"), ML_NOT_EMPTIED);
	/* A rename keeps the table emptied under its new name. */
	run("ALTER TABLE orders RENAME TO orders_old", 15);
	ck_assert_int_eq(emptied("orders_old"), ML_EMPTIED_BY_TRUNCATE);
	/* ROLLBACK TO may undo the TRUNCATE. */
	run("ROLLBACK TO SAVEPOINT s", 16);
	ck_assert_int_eq(emptied("orders_old"), ML_NOT_EMPTIED);
	run("TRUNCATE orders_old", 17);
	run("COMMIT", 18);
	ck_assert_int_eq(emptied("orders_old"), ML_NOT_EMPTIED);
	/* Outside a transaction nothing stays emptied for the next statement. */
	run("TRUNCATE orders_old", 19);
	ck_assert_int_eq(emptied("orders_old"), ML_NOT_EMPTIED);
}
END_TEST

START_TEST(transaction_facts_and_file_facts)
{
	run("BEGIN", 1);
	run("ALTER TYPE mood ADD VALUE 'meh'", 2);
	run("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh'", 3);
	run("ALTER TABLE orders ADD CONSTRAINT orders_fk FOREIGN KEY (u) REFERENCES users (id) NOT VALID", 4);
	run("ALTER TABLE orders DROP CONSTRAINT old_check", 5);
	ck_assert_uint_eq(tx.new_enum_values.len, 1);
	const ml_enum_value *v = tx.new_enum_values.items[0];
	ck_assert_str_eq(v->type, "mood");
	ck_assert_str_eq(v->label, "meh");
	ck_assert_int_eq(v->line, 2);
	ck_assert_uint_eq(tx.not_valid_in_tx.len, 1);
	const ml_pending_constraint *c = tx.not_valid_in_tx.items[0];
	ck_assert_str_eq(c->table, "orders");
	ck_assert_str_eq(c->name, "orders_fk");
	run("COMMIT", 6);
	ck_assert_uint_eq(tx.new_enum_values.len, 0);
	ck_assert_uint_eq(tx.not_valid_in_tx.len, 0);
	/* A dropped constraint is a fact of the file: it outlives the transaction. */
	const PgQuery__RangeVar orders = { .relname = "orders", .schemaname = "" };
	ck_assert(ml_tx_constraint_dropped(&tx, &orders, "old_check"));
	ck_assert(!ml_tx_constraint_dropped(&tx, &orders, "orders_fk"));
	ck_assert(!ml_tx_constraint_dropped(&tx, NULL, "old_check"));
}
END_TEST

START_TEST(first_strong_lock)
{
	ml_effect weak = locking("orders", ML_LOCK_SHARE_UPDATE_EXCLUSIVE, false);
	ml_effect on_new = locking("fresh", ML_LOCK_ACCESS_EXCLUSIVE, true);
	ml_effect strong = locking("orders", ML_LOCK_ACCESS_EXCLUSIVE, false);
	ck_assert(!ml_tx_first_strong_lock(&tx, &weak));
	ck_assert(!ml_tx_first_strong_lock(&tx, &on_new));
	ck_assert(ml_tx_first_strong_lock(&tx, &strong));
	run_in(ML_BODY_TOP, "VACUUM orders", 1, &weak);
	ck_assert(ml_tx_first_strong_lock(&tx, &strong));
	run_in(ML_BODY_TOP, "ALTER TABLE orders ADD COLUMN c int", 2, &strong);
	ck_assert(tx.seen_strong_lock);
	ck_assert(!ml_tx_first_strong_lock(&tx, &strong));
}
END_TEST

START_TEST(commit_in_do_blocks)
{
	/* A DO block run in autocommit is one transaction until it COMMITs,
	 * which starts the next one at once. */
	ml_effect share = locking("orders", ML_LOCK_SHARE, false);
	tx.state = ML_TX_IMPLICIT;
	run_in(ML_BODY_DO, "CREATE INDEX i ON orders (a)", 2, &share);
	ck_assert_uint_eq(tx.n_held, 1);
	run_in(ML_BODY_DO, "COMMIT", 3, NULL);
	ck_assert_int_eq(tx.state, ML_TX_IMPLICIT);
	ck_assert_uint_eq(tx.n_held, 0);
	ml_tx_end(&tx, false);
	ck_assert_int_eq(tx.state, ML_TX_NONE);
	/* Inside a transaction block PostgreSQL refuses the COMMIT: nothing ends. */
	run("BEGIN", 5);
	run_in(ML_BODY_DO, "CREATE INDEX i2 ON orders (a)", 6, &share);
	run_in(ML_BODY_DO, "COMMIT", 7, NULL);
	ck_assert_int_eq(tx.state, ML_TX_EXPLICIT);
	ck_assert_uint_eq(tx.n_held, 1);
}
END_TEST

Suite *tx_suite(void)
{
	Suite *s = suite_create("tx");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, catalog_teardown);
	tcase_add_test(tc, begin_commit_rollback);
	tcase_add_test(tc, locks_are_held_until_the_end);
	tcase_add_test(tc, timeouts_set_and_set_local);
	tcase_add_test(tc, emptied_tables);
	tcase_add_test(tc, transaction_facts_and_file_facts);
	tcase_add_test(tc, first_strong_lock);
	tcase_add_test(tc, commit_in_do_blocks);
	suite_add_tcase(s, tc);
	return s;
}
