/*
 * test_schema_changes.c - the step ledger (src/model/schema_changes.c) on
 * its own: a catalog set up by statements, then a step's statements folded
 * into a ledger (each before the catalog applies it, as the engine does),
 * and its net effect read back: what each kind of statement makes, removes
 * and renames, the names PostgreSQL gives what is left unnamed, IF [NOT]
 * EXISTS, nets within a step, containment, and the messages' texts. The
 * names were checked on PostgreSQL 15 (tests/schema_changes_test.sh runs
 * many of the same statements there).
 */
#include <string.h>

#include "arena.h"
#include "catalog.h"
#include "facts.h"
#include "schema_changes.h"
#include "unit.h"

/* Applies each statement of the NULL-terminated list to the catalog only:
 * what was there before the step. */
static void setup_all(const char *const *sql)
{
	for (; *sql; sql++)
		ml_catalog_apply(cat, parse_one(*sql), 1);
}

/* Folds each statement into a new ledger, then applies it to the catalog;
 * *out is the step's net effect. */
static void step_all(ml_step_changes *out, const char *const *sql)
{
	ml_step_ledger *ledger = ml_step_ledger_new(arena);
	int line = 1;
	for (; *sql; sql++, line++) {
		const PgQuery__Node *stmt = parse_one(*sql);
		ml_step_ledger_apply(ledger, cat, stmt, line, (size_t)line * 100, (size_t)line * 100 + strlen(*sql));
		ml_catalog_apply(cat, stmt, line);
	}
	ml_step_ledger_result(ledger, arena, out);
}

#define SETUP(...) setup_all((const char *const[]){ __VA_ARGS__, NULL })
#define STEP(out, ...) step_all((out), (const char *const[]){ __VA_ARGS__, NULL })

/* The changes as "text; text", each with " (from X)" for a rename and
 * " [data]" when it holds data: one string to compare. */
static const char *texts(const ml_object_change *list, size_t n)
{
	ml_strbuf buf = { .arena = arena };
	ml_strbuf_str(&buf, "");
	for (size_t i = 0; i < n; i++) {
		if (i)
			ml_strbuf_str(&buf, "; ");
		ml_strbuf_str(&buf, ml_schema_object_text(arena, &list[i].object));
		if (list[i].renamed_from)
			ml_strbuf_str(&buf, ml_arena_printf(arena, " (%s %s)", "renamed", list[i].renamed_from));
		if (list[i].holds_data)
			ml_strbuf_str(&buf, " [data]");
	}
	return buf.data;
}

#define MADE(c) texts((c)->made, (c)->n_made)
#define REMOVED(c) texts((c)->removed, (c)->n_removed)

static ml_schema_object object(ml_object_kind kind, const char *schema, const char *name, const char *member,
			       const char *parent)
{
	return (ml_schema_object){ kind, schema, name, member, parent };
}

START_TEST(create_table_lists_the_table_only)
{
	SETUP("CREATE TABLE users (id bigint PRIMARY KEY)");
	ml_step_changes c;
	STEP(&c, "CREATE TABLE posts (id serial PRIMARY KEY, user_id bigint REFERENCES users, slug text UNIQUE)",
	     "CREATE INDEX ON posts (slug)", "ALTER TABLE posts ADD COLUMN body text, ADD CHECK (id > 0)");
	ck_assert_str_eq(MADE(&c), "table posts [data]");
	ck_assert_str_eq(REMOVED(&c), "");
	ck_assert(c.complete);
	ck_assert_int_eq(c.made[0].line, 1);
	ck_assert_uint_eq(c.made[0].start, 100);
	/* Its members are made with it. */
	ml_schema_object body = object(ML_OBJECT_COLUMN, "", "posts", "body", NULL);
	ck_assert_ptr_eq(ml_step_changes_makes(&c, &body), &c.made[0]);
	ml_schema_object ix = object(ML_OBJECT_INDEX, "public", "posts_slug_idx", NULL, "posts");
	ck_assert_ptr_eq(ml_step_changes_makes(&c, &ix), &c.made[0]);
	ml_schema_object other = object(ML_OBJECT_COLUMN, "", "users", "body", NULL);
	ck_assert_ptr_null(ml_step_changes_makes(&c, &other));
	ck_assert_ptr_null(ml_step_changes_removes(&c, &body));
}
END_TEST

START_TEST(create_table_variants)
{
	SETUP("CREATE TABLE t (id int)", "CREATE TABLE parent (a int) PARTITION BY RANGE (a)");
	ml_step_changes c;
	STEP(&c, "CREATE TABLE IF NOT EXISTS t (id int, x int)", "CREATE TABLE IF NOT EXISTS u (id int)",
	     "CREATE TABLE copy AS SELECT * FROM t", "SELECT id INTO ids FROM t",
	     "CREATE TABLE p1 PARTITION OF parent FOR VALUES FROM (1) TO (10)", "CREATE TABLE lookalike (LIKE t)",
	     "CREATE TABLE IF NOT EXISTS copy AS SELECT 1", "CREATE UNLOGGED TABLE app.log (line text)");
	ck_assert_str_eq(MADE(&c), "table u [data]; table copy [data]; table ids [data]; table p1 [data]; "
				   "table lookalike [data]; table app.log [data]");
}
END_TEST

START_TEST(drop_table_takes_its_members)
{
	SETUP("CREATE TABLE t (id int PRIMARY KEY, a int UNIQUE)", "CREATE INDEX t_a_idx ON t (a)");
	ml_step_changes c;
	STEP(&c, "ALTER TABLE t ADD COLUMN b int", "ALTER TABLE t RENAME COLUMN a TO aa", "DROP TABLE t");
	/* The column made and the rename are gone with the table. */
	ck_assert_str_eq(MADE(&c), "");
	ck_assert_str_eq(REMOVED(&c), "table t [data]");
	ck_assert_int_eq(c.removed[0].line, 3);
	ml_schema_object col = object(ML_OBJECT_COLUMN, "public", "t", "a", NULL);
	ml_schema_object ix = object(ML_OBJECT_INDEX, "", "t_a_idx", NULL, "t");
	ml_schema_object con = object(ML_OBJECT_CONSTRAINT, "", "t", "t_a_key", NULL);
	ml_schema_object elsewhere = object(ML_OBJECT_COLUMN, "other", "t", "a", NULL);
	ck_assert_ptr_eq(ml_step_changes_removes(&c, &col), &c.removed[0]);
	ck_assert_ptr_eq(ml_step_changes_removes(&c, &ix), &c.removed[0]);
	ck_assert_ptr_eq(ml_step_changes_removes(&c, &con), &c.removed[0]);
	ck_assert_ptr_null(ml_step_changes_removes(&c, &elsewhere));
}
END_TEST

START_TEST(drop_table_cascade_and_partitions)
{
	SETUP("CREATE TABLE t (id int PRIMARY KEY)", "CREATE TABLE o (x int REFERENCES t)",
	      "CREATE VIEW v AS SELECT id FROM t", "CREATE TABLE p (a int) PARTITION BY RANGE (a)",
	      "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (1) TO (10)");
	ml_step_changes c;
	STEP(&c, "DROP TABLE t CASCADE", "DROP TABLE p");
	ck_assert_str_eq(REMOVED(&c), "constraint o_x_fkey on o; view v; table t [data]; table p1 [data]; "
				      "table p [data]");
}
END_TEST

START_TEST(add_column_with_its_constraints)
{
	SETUP("CREATE TABLE users (id bigint PRIMARY KEY, email text)", "CREATE TABLE orgs (id int PRIMARY KEY)");
	ml_step_changes c;
	STEP(&c,
	     "ALTER TABLE users ADD COLUMN name text UNIQUE, ADD COLUMN age int CHECK (age > 0), "
	     "ADD COLUMN org_id int REFERENCES orgs (id), ADD COLUMN lo int CHECK (lo < age), "
	     "ADD COLUMN nick text NOT NULL DEFAULT ''",
	     "ALTER TABLE users ADD COLUMN IF NOT EXISTS email text UNIQUE");
	ck_assert_str_eq(MADE(&c), "column users.name [data]; constraint users_name_key on users; "
				   "column users.age [data]; constraint users_age_check on users; "
				   "column users.org_id [data]; constraint users_org_id_fkey on users; "
				   "column users.lo [data]; constraint users_check on users; column users.nick [data]");
	/* The down that drops them: each column takes its constraints. */
	STEP(&c, "ALTER TABLE users DROP COLUMN name, DROP COLUMN lo, DROP COLUMN age",
	     "ALTER TABLE users DROP COLUMN org_id, DROP COLUMN nick");
	ck_assert_str_eq(REMOVED(&c), "constraint users_name_key on users; column users.name [data]; "
				      "constraint users_check on users; column users.lo [data]; "
				      "constraint users_age_check on users; column users.age [data]; "
				      "constraint users_org_id_fkey on users; column users.org_id [data]; "
				      "column users.nick [data]");
}
END_TEST

START_TEST(keys_of_one_column_fold_into_one)
{
	SETUP("CREATE TABLE t (a int)");
	ml_step_changes c;
	STEP(&c, "ALTER TABLE t ADD COLUMN id int PRIMARY KEY UNIQUE, ADD COLUMN u int UNIQUE UNIQUE",
	     "ALTER TABLE t ADD COLUMN k int PRIMARY KEY CONSTRAINT named UNIQUE");
	ck_assert_str_eq(MADE(&c), "column t.id [data]; constraint t_pkey on t; column t.u [data]; "
				   "constraint t_u_key on t; column t.k [data]; constraint named on t");
	/* The catalog recorded the same: dropping the columns takes those. */
	STEP(&c, "ALTER TABLE t DROP COLUMN id, DROP COLUMN u");
	ck_assert_str_eq(REMOVED(&c), "constraint t_pkey on t; column t.id [data]; constraint t_u_key on t; "
				      "column t.u [data]");
}
END_TEST

START_TEST(unnamed_table_constraints)
{
	SETUP("CREATE TABLE p (a int, b int, PRIMARY KEY (a, b))", "CREATE TABLE c (x int, y int, r int4range, w int)");
	ml_step_changes c;
	STEP(&c,
	     "ALTER TABLE c ADD FOREIGN KEY (x, y) REFERENCES p, ADD CHECK (x > 0), ADD CHECK (x < 100), "
	     "ADD CHECK (x < y), ADD UNIQUE (x) INCLUDE (y)",
	     "ALTER TABLE c ADD PRIMARY KEY (w)", "ALTER TABLE c ADD EXCLUDE USING gist (r WITH &&)",
	     "ALTER TABLE c ADD CONSTRAINT named CHECK (w > 0)");
	ck_assert_str_eq(MADE(&c), "constraint c_x_y_fkey on c; constraint c_x_check on c; constraint c_x_check1 on c; "
				   "constraint c_check on c; constraint c_x_y_key on c; constraint c_pkey on c; "
				   "constraint c_r_excl on c; constraint named on c");
	STEP(&c, "ALTER TABLE c DROP CONSTRAINT c_x_check1, DROP CONSTRAINT IF EXISTS named");
	ck_assert_str_eq(REMOVED(&c), "constraint c_x_check1 on c; constraint named on c");
}
END_TEST

START_TEST(unnamed_index_names)
{
	SETUP("CREATE TABLE t (a int, b int, email text, j jsonb)", "CREATE INDEX t_b_idx ON t (email)");
	ml_step_changes c;
	STEP(&c, "CREATE INDEX ON t (a)", "CREATE INDEX ON t (a)", "CREATE INDEX ON t (a) INCLUDE (b)",
	     "CREATE UNIQUE INDEX ON t (lower(email))", "CREATE INDEX ON t ((a + b), (a::text), a, a)",
	     "CREATE INDEX ON t (coalesce(a, b), (CASE WHEN a > 0 THEN b END), (b::bigint))",
	     "CREATE INDEX ON t ((j->>'k'), (email COLLATE \"C\"), (greatest(a, b)))",
	     "CREATE INDEX CONCURRENTLY ON t (b)", "CREATE INDEX IF NOT EXISTS t_b_idx ON t (b)",
	     "CREATE INDEX IF NOT EXISTS named ON t (b)");
	ck_assert_str_eq(MADE(&c), "index t_a_idx; index t_a_idx1; index t_a_b_idx; index t_lower_idx; "
				   "index t_expr_a_a1_a2_idx; index t_coalesce_case_b_idx; index t_expr_email_greatest_idx; "
				   "index t_b_idx1; index named");
	ck_assert_str_eq(c.made[0].object.parent, "t");
}
END_TEST

START_TEST(names_cut_to_63_bytes)
{
	SETUP("CREATE TABLE a_table_name_long_enough_that_postgresql_has_to_cut_names_built (id int)",
	      "CREATE TABLE \"täblé_ñämé_wïth_müch_ümläüt_ïn_ït_äs_wéll_äs_mörë\" (\"çølümñ_ñämé_wïth_ümläüts\" int)");
	ml_step_changes c;
	STEP(&c,
	     "ALTER TABLE a_table_name_long_enough_that_postgresql_has_to_cut_names_built "
	     "ADD UNIQUE (id), ADD CHECK (id > 0)",
	     "CREATE INDEX ON \"täblé_ñämé_wïth_müch_ümläüt_ïn_ït_äs_wéll_äs_mörë\" (\"çølümñ_ñämé_wïth_ümläüts\")");
	ck_assert_uint_eq(c.n_made, 3);
	ck_assert_str_eq(c.made[0].object.member, "a_table_name_long_enough_that_postgresql_has_to_cut_name_id_key");
	ck_assert_str_eq(c.made[1].object.member, "a_table_name_long_enough_that_postgresql_has_to_cut_na_id_check");
	/* Each part cut between characters, never inside one: 62 bytes
	 * here (as PostgreSQL 15 names it). */
	ck_assert_str_eq(c.made[2].object.name, "täblé_ñämé_wïth_müch__çølümñ_ñämé_wïth_üml_idx");
	ck_assert_uint_eq(strlen(c.made[2].object.name), 62);
}
END_TEST

START_TEST(taken_names_get_a_number)
{
	SETUP("CREATE TABLE t (a int, b int)", "CREATE INDEX t_a_idx ON t (b)",
	      "ALTER TABLE t ADD CONSTRAINT t_a_key CHECK (a > 0)", "ALTER TABLE t ADD CONSTRAINT t_b_check CHECK (b > 0)");
	ml_step_changes c;
	STEP(&c, "CREATE INDEX ON t (a)", "ALTER TABLE t ADD UNIQUE (a)", "ALTER TABLE t ADD CHECK (b < 10)",
	     "ALTER TABLE t ADD UNIQUE (b)", "CREATE INDEX ON t (b)");
	ck_assert_str_eq(MADE(&c), "index t_a_idx1; constraint t_a_key1 on t; constraint t_b_check1 on t; "
				   "constraint t_b_key on t; index t_b_idx");
}
END_TEST

START_TEST(drop_column_takes_what_is_on_it)
{
	SETUP("CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int UNIQUE)", "CREATE INDEX ON t (a, b)",
	      "CREATE INDEX ON t (lower(b::text))", "ALTER TABLE t ADD CHECK (a < b)", "ALTER TABLE t ADD UNIQUE (a, c)",
	      "CREATE TABLE o (x int REFERENCES t (c))", "CREATE VIEW v AS SELECT c FROM t");
	ml_step_changes c;
	STEP(&c, "ALTER TABLE t DROP COLUMN a");
	ck_assert_str_eq(REMOVED(&c), "index t_a_b_idx; constraint t_check on t; constraint t_a_c_key on t; "
				      "column t.a [data]");
	/* Without CASCADE the view and the foreign key stop the drop; with
	 * it they go. */
	STEP(&c, "ALTER TABLE t DROP COLUMN b, DROP COLUMN c CASCADE");
	ck_assert_str_eq(REMOVED(&c), "index t_lower_idx; column t.b [data]; constraint t_c_key on t; "
				      "constraint o_x_fkey on o; view v; column t.c [data]");
}
END_TEST

START_TEST(renames)
{
	SETUP("CREATE TABLE t (a int UNIQUE, b int)", "CREATE INDEX t_b_idx ON t (b)",
	      "CREATE TABLE keep (id int)");
	ml_step_changes c;
	STEP(&c, "ALTER TABLE t RENAME TO u", "ALTER TABLE u RENAME COLUMN a TO aa",
	     "ALTER TABLE u RENAME CONSTRAINT t_a_key TO u_aa_key", "ALTER INDEX t_b_idx RENAME TO u_b_idx",
	     "ALTER TABLE u ADD COLUMN c int");
	ck_assert_str_eq(REMOVED(&c), "table t (renamed u) [data]; column t.a (renamed aa) [data]; "
				      "constraint t_a_key on t (renamed u_aa_key); index t_b_idx (renamed u_b_idx)");
	ck_assert_str_eq(MADE(&c), "table u (renamed t) [data]; column u.aa (renamed a) [data]; "
				   "constraint u_aa_key on u (renamed t_a_key); index u_b_idx (renamed t_b_idx); "
				   "column u.c [data]");
	ck_assert_str_eq(c.made[3].object.parent, "u");
	ck_assert_str_eq(c.removed[3].object.parent, "t");
	/* A rename removes the old name, but not what is in it. */
	ml_schema_object col = object(ML_OBJECT_COLUMN, "", "t", "b", NULL);
	ck_assert_ptr_null(ml_step_changes_removes(&c, &col));
	ml_schema_object old = object(ML_OBJECT_TABLE, "public", "t", NULL, NULL);
	ck_assert_ptr_eq(ml_step_changes_removes(&c, &old), &c.removed[0]);
	/* Renamed back in one step: nothing. */
	STEP(&c, "ALTER TABLE u RENAME TO tmp", "ALTER TABLE tmp RENAME TO u", "ALTER TABLE u RENAME COLUMN aa TO x",
	     "ALTER TABLE u RENAME COLUMN x TO aa");
	ck_assert_str_eq(MADE(&c), "");
	ck_assert_str_eq(REMOVED(&c), "");
	/* What the step made and renamed is made under its last name. */
	STEP(&c, "CREATE TABLE n (a int)", "ALTER TABLE n RENAME TO m", "ALTER TABLE keep ADD COLUMN x int",
	     "ALTER TABLE keep RENAME COLUMN x TO y", "CREATE INDEX i ON keep (id)", "ALTER INDEX i RENAME TO j");
	ck_assert_str_eq(MADE(&c), "table m [data]; column keep.y [data]; index j");
	ck_assert_str_eq(REMOVED(&c), "");
}
END_TEST

START_TEST(renames_of_other_kinds_and_set_schema)
{
	SETUP("CREATE TYPE mood AS ENUM ('a')", "CREATE DOMAIN pos AS int CHECK (VALUE > 0)",
	      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'", "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x",
	      "CREATE SEQUENCE s", "CREATE SCHEMA app", "CREATE TABLE t (a int)", "CREATE INDEX t_a_idx ON t (a)",
	      "CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$",
	      "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg()");
	ml_step_changes c;
	STEP(&c, "ALTER TYPE mood RENAME TO feeling", "ALTER DOMAIN pos RENAME CONSTRAINT pos_check TO positive",
	     "ALTER FUNCTION f() RENAME TO g", "ALTER MATERIALIZED VIEW mv RENAME TO mw", "ALTER SEQUENCE s RENAME TO s2",
	     "ALTER TRIGGER tr ON t RENAME TO tr2", "ALTER SCHEMA app RENAME TO application");
	ck_assert_str_eq(MADE(&c), "type feeling (renamed mood); constraint positive on pos (renamed pos_check); "
				   "function g (renamed f); view mw (renamed mv) [data]; sequence s2 (renamed s); "
				   "trigger tr2 on t (renamed tr); schema application (renamed app)");
	STEP(&c, "ALTER TABLE t SET SCHEMA application", "ALTER FUNCTION g() SET SCHEMA application");
	ck_assert_str_eq(REMOVED(&c), "table t (renamed application.t) [data]; index t_a_idx (renamed application.t_a_idx); "
				      "function g (renamed application.g)");
	ck_assert_str_eq(MADE(&c), "table application.t (renamed public.t) [data]; "
				   "index application.t_a_idx (renamed public.t_a_idx); "
				   "function application.g (renamed public.g)");
}
END_TEST

START_TEST(made_and_dropped_in_one_step_is_neither)
{
	SETUP("CREATE TABLE t (a int)");
	ml_step_changes c;
	STEP(&c, "CREATE TABLE tmp (a int UNIQUE)", "CREATE INDEX ON tmp (a)", "DROP TABLE tmp",
	     "ALTER TABLE t ADD COLUMN b int UNIQUE", "CREATE INDEX ON t (b)", "ALTER TABLE t DROP COLUMN b",
	     "CREATE TYPE mood AS ENUM ('a')", "DROP TYPE mood", "CREATE SCHEMA s", "CREATE TABLE s.x (a int)",
	     "DROP SCHEMA s CASCADE", "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
	     "DROP FUNCTION f()");
	ck_assert_str_eq(MADE(&c), "");
	ck_assert_str_eq(REMOVED(&c), "");
	/* Dropped and made again: both, the data is gone. */
	STEP(&c, "DROP TABLE t", "CREATE TABLE t (a int, b int)");
	ck_assert_str_eq(REMOVED(&c), "table t [data]");
	ck_assert_str_eq(MADE(&c), "table t [data]");
}
END_TEST

START_TEST(schemas_hold_what_is_in_them)
{
	SETUP("CREATE SCHEMA old", "CREATE TABLE old.t (id int)", "CREATE TABLE outside (id int)");
	ml_step_changes c;
	STEP(&c, "CREATE SCHEMA app", "CREATE TABLE app.t (id int PRIMARY KEY)", "CREATE INDEX ON app.t (id)",
	     "CREATE VIEW app.v AS SELECT 1", "CREATE SCHEMA IF NOT EXISTS app", "CREATE SCHEMA IF NOT EXISTS old",
	     "CREATE SCHEMA AUTHORIZATION joe", "ALTER TABLE old.t ADD COLUMN x int");
	ck_assert_str_eq(MADE(&c), "schema app; schema joe; column old.t.x [data]");
	ml_schema_object t = object(ML_OBJECT_TABLE, "app", "t", NULL, NULL);
	ck_assert_ptr_eq(ml_step_changes_makes(&c, &t), &c.made[0]);
	STEP(&c, "DROP SCHEMA old CASCADE", "DROP TABLE outside");
	ck_assert_str_eq(REMOVED(&c), "schema old; table outside [data]");
	ml_schema_object in_old = object(ML_OBJECT_COLUMN, "old", "t", "id", NULL);
	ck_assert_ptr_eq(ml_step_changes_removes(&c, &in_old), &c.removed[0]);
	/* public and unqualified are one schema. */
	STEP(&c, "DROP SCHEMA public CASCADE");
	ml_schema_object unqualified = object(ML_OBJECT_FUNCTION, "", "anything", NULL, NULL);
	ck_assert_ptr_eq(ml_step_changes_removes(&c, &unqualified), &c.removed[0]);
}
END_TEST

START_TEST(types_and_domain_constraints)
{
	SETUP("CREATE DOMAIN email AS text", "CREATE DOMAIN checked AS int CHECK (VALUE > 0)");
	ml_step_changes c;
	STEP(&c, "CREATE TYPE mood AS ENUM ('sad', 'ok')", "CREATE TYPE pair AS (a int, b text)",
	     "CREATE TYPE floatrange AS RANGE (subtype = float8)", "CREATE DOMAIN pos AS int CHECK (VALUE > 0)",
	     "CREATE TYPE shell", "ALTER DOMAIN email ADD CHECK (VALUE LIKE '%@%')",
	     "ALTER DOMAIN email ADD CONSTRAINT has_at CHECK (VALUE LIKE '%@%')",
	     "ALTER DOMAIN checked ADD CHECK (VALUE < 100)", "ALTER DOMAIN pos ADD CHECK (VALUE < 10)");
	ck_assert_str_eq(MADE(&c), "type mood; type pair; type floatrange; type pos; type shell; "
				   "constraint email_check on email; constraint has_at on email; "
				   "constraint checked_check1 on checked");
	STEP(&c, "ALTER DOMAIN email DROP CONSTRAINT has_at", "DROP TYPE mood, pair", "DROP DOMAIN IF EXISTS pos");
	ck_assert_str_eq(REMOVED(&c), "constraint has_at on email; type mood; type pair; type pos");
	ml_schema_object con = object(ML_OBJECT_CONSTRAINT, "", "pos", "pos_check", NULL);
	ck_assert_ptr_eq(ml_step_changes_removes(&c, &con), &c.removed[3]);
}
END_TEST

START_TEST(functions_by_name)
{
	SETUP("CREATE FUNCTION old() RETURNS int LANGUAGE sql AS 'SELECT 1'", "CREATE TABLE t (a int)",
	      "CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$",
	      "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg()");
	ml_step_changes c;
	STEP(&c, "CREATE OR REPLACE FUNCTION old() RETURNS int LANGUAGE sql AS 'SELECT 2'",
	     "CREATE FUNCTION old(i int) RETURNS int LANGUAGE sql AS 'SELECT i'",
	     "CREATE FUNCTION add1(i int) RETURNS int LANGUAGE sql RETURN i + 1",
	     "CREATE PROCEDURE p() LANGUAGE sql AS 'SELECT 1'",
	     "CREATE AGGREGATE mysum (int) (sfunc = int4pl, stype = int)");
	ck_assert_str_eq(MADE(&c), "function add1; function p; function mysum");
	STEP(&c, "DROP FUNCTION trg() CASCADE", "DROP PROCEDURE p", "DROP ROUTINE IF EXISTS add1");
	ck_assert_str_eq(REMOVED(&c), "trigger tr on t; function trg; function p; function add1");
}
END_TEST

START_TEST(views_sequences_triggers_extensions)
{
	SETUP("CREATE TABLE t (id int, a int)", "CREATE VIEW old_v AS SELECT id FROM t", "CREATE EXTENSION citext",
	      "CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$",
	      "CREATE TRIGGER old_tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg()", "CREATE SEQUENCE s");
	ml_step_changes c;
	STEP(&c, "CREATE OR REPLACE VIEW old_v AS SELECT id, a FROM t", "CREATE VIEW v AS SELECT a FROM t",
	     "CREATE OR REPLACE VIEW v2 AS SELECT 1 AS x", "CREATE MATERIALIZED VIEW mv AS SELECT id FROM t",
	     "CREATE INDEX ON mv (id)", "CREATE SEQUENCE IF NOT EXISTS s", "CREATE SEQUENCE s2",
	     "CREATE OR REPLACE TRIGGER old_tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION trg()",
	     "CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg()",
	     "CREATE EXTENSION IF NOT EXISTS citext", "CREATE EXTENSION IF NOT EXISTS hstore");
	/* The index is the new view's. */
	ck_assert_str_eq(MADE(&c), "view v; view v2; view mv [data]; sequence s2; trigger tr on t; extension hstore");
	STEP(&c, "DROP MATERIALIZED VIEW mv", "DROP VIEW v2, v", "DROP SEQUENCE s", "DROP TRIGGER tr ON t",
	     "DROP EXTENSION hstore");
	ck_assert_str_eq(REMOVED(&c), "view mv [data]; view v2; view v; sequence s; trigger tr on t; extension hstore");
	ml_schema_object ix = object(ML_OBJECT_INDEX, "", "mv_id_idx", NULL, "mv");
	ck_assert_ptr_eq(ml_step_changes_removes(&c, &ix), &c.removed[0]);
}
END_TEST

START_TEST(if_exists_of_unknown_counts_as_removed)
{
	SETUP("CREATE TABLE t (a int)");
	ml_step_changes c;
	STEP(&c, "DROP TABLE IF EXISTS ghost", "DROP INDEX IF EXISTS ghost_idx", "ALTER TABLE t DROP COLUMN IF EXISTS g",
	     "ALTER TABLE t DROP CONSTRAINT IF EXISTS g_check", "DROP TABLE t", "DROP TABLE IF EXISTS t",
	     "ALTER TABLE IF EXISTS t DROP COLUMN IF EXISTS a");
	/* What the step removed already is not removed again. */
	ck_assert_str_eq(REMOVED(&c), "table ghost [data]; index ghost_idx; table t [data]");
}
END_TEST

START_TEST(using_index_makes_the_index_a_constraint)
{
	SETUP("CREATE TABLE t (a int, b int)", "CREATE UNIQUE INDEX t_a_uq ON t (a)");
	ml_step_changes c;
	STEP(&c, "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE USING INDEX t_a_uq", "CREATE UNIQUE INDEX ON t (b)",
	     "ALTER TABLE t ADD UNIQUE USING INDEX t_b_idx");
	ck_assert_str_eq(REMOVED(&c), "index t_a_uq");
	ck_assert_str_eq(MADE(&c), "constraint t_a_key on t; constraint t_b_idx on t");
}
END_TEST

START_TEST(statements_that_change_nothing)
{
	SETUP("CREATE TABLE t (a int)");
	ml_step_changes c;
	STEP(&c, "INSERT INTO t VALUES (1)", "UPDATE t SET a = 2", "SELECT * FROM t", "ALTER TABLE t ALTER COLUMN a TYPE bigint",
	     "COMMENT ON TABLE t IS 'x'", "GRANT SELECT ON t TO PUBLIC", "CREATE POLICY p ON t USING (true)");
	ck_assert_uint_eq(c.n_made, 0);
	ck_assert_uint_eq(c.n_removed, 0);
	ck_assert(c.complete);
}
END_TEST

START_TEST(unread_and_dynamic_steps_are_not_complete)
{
	ml_step_changes c;
	ml_step_ledger *ledger = ml_step_ledger_new(arena);
	ml_step_ledger_apply(ledger, cat, parse_one("CREATE TABLE t (a int)"), 1, 0, 22);
	ml_step_ledger_result(ledger, arena, &c);
	ck_assert(c.complete);
	ml_step_ledger_mark_unread(ledger);
	ml_step_ledger_result(ledger, arena, &c);
	ck_assert(!c.complete);
	ck_assert_str_eq(MADE(&c), "table t [data]");
	/* A name dynamic SQL computes (the engine puts a placeholder in). */
	ledger = ml_step_ledger_new(arena);
	ml_step_ledger_apply(ledger, cat, parse_one("DROP TABLE dynamic_name"), 1, 0, 22);
	ml_step_ledger_result(ledger, arena, &c);
	ck_assert(!c.complete);
	ck_assert_uint_eq(c.n_removed, 0);
}
END_TEST

START_TEST(results_are_copies)
{
	ml_step_ledger *ledger = ml_step_ledger_new(arena);
	ml_step_changes first, second;
	ml_step_ledger_apply(ledger, cat, parse_one("CREATE TABLE t (a int)"), 1, 0, 22);
	ml_step_ledger_result(ledger, arena, &first);
	ml_step_ledger_apply(ledger, cat, parse_one("ALTER TABLE t RENAME TO u"), 2, 23, 48);
	ml_step_ledger_result(ledger, arena, &second);
	ck_assert_str_eq(MADE(&first), "table t [data]");
	ck_assert_str_eq(MADE(&second), "table u [data]");
	ck_assert_int_eq(second.made[0].line, 2);
}
END_TEST

START_TEST(object_texts_and_matching)
{
	static const struct {
		ml_schema_object obj;
		const char *text;
	} cases[] = {
		{ { ML_OBJECT_SCHEMA, "", "app", NULL, NULL }, "schema app" },
		{ { ML_OBJECT_TABLE, "", "users", NULL, NULL }, "table users" },
		{ { ML_OBJECT_TABLE, "public", "users", NULL, NULL }, "table public.users" },
		{ { ML_OBJECT_COLUMN, "", "users", "email", NULL }, "column users.email" },
		{ { ML_OBJECT_INDEX, "", "users_email_idx", NULL, "users" }, "index users_email_idx" },
		{ { ML_OBJECT_CONSTRAINT, "", "users", "users_email_key", NULL }, "constraint users_email_key on users" },
		{ { ML_OBJECT_TYPE, "", "mood", NULL, NULL }, "type mood" },
		{ { ML_OBJECT_FUNCTION, "", "f", NULL, NULL }, "function f" },
		{ { ML_OBJECT_VIEW, "", "v", NULL, NULL }, "view v" },
		{ { ML_OBJECT_SEQUENCE, "", "s", NULL, NULL }, "sequence s" },
		{ { ML_OBJECT_TRIGGER, "", "users", "tr", NULL }, "trigger tr on users" },
		{ { ML_OBJECT_EXTENSION, "", "citext", NULL, NULL }, "extension citext" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_str_eq(ml_schema_object_text(arena, &cases[i].obj), cases[i].text);
	ml_step_changes c;
	STEP(&c, "CREATE TABLE public.users (id int)");
	ml_schema_object bare = object(ML_OBJECT_TABLE, "", "users", NULL, NULL);
	ml_schema_object view = object(ML_OBJECT_VIEW, "", "users", NULL, NULL);
	ml_schema_object other = object(ML_OBJECT_TABLE, "auth", "users", NULL, NULL);
	ck_assert_ptr_eq(ml_step_changes_makes(&c, &bare), &c.made[0]);
	ck_assert_ptr_null(ml_step_changes_makes(&c, &view));
	ck_assert_ptr_null(ml_step_changes_makes(&c, &other));
	ck_assert_ptr_null(ml_step_changes_makes(NULL, &bare));
	ck_assert_ptr_null(ml_step_changes_removes(&c, NULL));
}
END_TEST

Suite *schema_changes_suite(void)
{
	Suite *s = suite_create("schema_changes");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, catalog_setup, catalog_teardown);
	tcase_add_test(tc, create_table_lists_the_table_only);
	tcase_add_test(tc, create_table_variants);
	tcase_add_test(tc, drop_table_takes_its_members);
	tcase_add_test(tc, drop_table_cascade_and_partitions);
	tcase_add_test(tc, add_column_with_its_constraints);
	tcase_add_test(tc, keys_of_one_column_fold_into_one);
	tcase_add_test(tc, unnamed_table_constraints);
	tcase_add_test(tc, unnamed_index_names);
	tcase_add_test(tc, names_cut_to_63_bytes);
	tcase_add_test(tc, taken_names_get_a_number);
	tcase_add_test(tc, drop_column_takes_what_is_on_it);
	tcase_add_test(tc, renames);
	tcase_add_test(tc, renames_of_other_kinds_and_set_schema);
	tcase_add_test(tc, made_and_dropped_in_one_step_is_neither);
	tcase_add_test(tc, schemas_hold_what_is_in_them);
	tcase_add_test(tc, types_and_domain_constraints);
	tcase_add_test(tc, functions_by_name);
	tcase_add_test(tc, views_sequences_triggers_extensions);
	tcase_add_test(tc, if_exists_of_unknown_counts_as_removed);
	tcase_add_test(tc, using_index_makes_the_index_a_constraint);
	tcase_add_test(tc, statements_that_change_nothing);
	tcase_add_test(tc, unread_and_dynamic_steps_are_not_complete);
	tcase_add_test(tc, results_are_copies);
	tcase_add_test(tc, object_texts_and_matching);
	suite_add_tcase(s, tc);
	return s;
}
