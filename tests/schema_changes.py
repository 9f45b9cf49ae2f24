"""schema_changes.py - the cases of tests/schema_changes_test.sh: up/down
pairs of migration steps run on a real PostgreSQL 15, whose effect on the
schema, read from pg_catalog, must be what the step ledger
(src/model/schema_changes.c) says, as tests/ledger_dump prints it.

usage: schema_changes.py LEDGER_DUMP SOCKET_DIR

Each case gets a new database. Its setup runs first (the ledger's catalog
applies it too, folding nothing), then the up, then the down, each with
psql -f (autocommit, so CREATE INDEX CONCURRENTLY runs). Around each step
the objects of the user's schemas are read from pg_class, pg_attribute,
pg_constraint, pg_index, pg_type, pg_proc, pg_trigger, pg_namespace and
pg_extension by their OIDs, and compared:

  made     an object whose OID is new;
  removed  an object whose OID is gone;
  renamed  an object whose OID stays and whose name (schema and name; a
           member's own name) changes: removed under the old name with
           renamed_from the new one, made under the new with the old.

The ledger's rules for what is not listed apply to PostgreSQL's side before
the comparison, so that it checks the ledger's own folding:
  - a member (column, constraint, trigger) or index of a table made or
    removed by the step, and anything in a schema the step made or removed,
    is not listed: the table or schema is;
  - what is part of another object is no object of its own here: the index
    of a PRIMARY KEY, UNIQUE or EXCLUDE constraint (the constraint is
    listed), a sequence owned by a serial or identity column, a table's row
    type and array types, the copies a partition or an inheriting table gets
    of its parent's columns, indexes, constraints and triggers, internal
    triggers and a range type's multirange and constructors, an extension's
    members.
Functions compare by name (overloads are one object in the ledger), views and
materialized views are both "view" (holds_data tells them apart).

A case may list the differences the ledger makes on purpose (ledger_only /
pg_only, each "step what kind schema name member"): the comparison expects
exactly those.
"""
import os
import re
import subprocess
import sys
import tempfile

DUMP, SOCK = sys.argv[1], sys.argv[2]
PSQL = ["/usr/lib/postgresql/15/bin/psql", "-X", "-q", "-h", SOCK, "-U", "postgres"]
VERBOSE = os.environ.get("SCHEMA_CHANGES_VERBOSE") == "1"
ONLY = os.environ.get("SCHEMA_CHANGES_ONLY")
DB = "ledger_case"

# One row per object: id, kind, schema, name, member, parent, container id,
# schema id, holds_data. Members carry their table's (or domain's) name.
SNAPSHOT = r"""
WITH ns AS (
  SELECT oid, nspname FROM pg_namespace
  WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    AND nspname NOT LIKE 'pg\_temp\_%' AND nspname NOT LIKE 'pg\_toast\_temp\_%'
), ext AS (
  SELECT classid, objid FROM pg_depend WHERE deptype = 'e'
), rel AS (
  SELECT c.oid, c.relname, c.relkind, c.relnamespace, ns.nspname, c.relispartition
  FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
  WHERE NOT EXISTS (SELECT FROM ext WHERE ext.classid = 'pg_class'::regclass AND ext.objid = c.oid)
)
SELECT 'n' || oid, 'schema', '-', nspname, '-', '-', '', '', 0 FROM ns
  WHERE NOT EXISTS (SELECT FROM ext WHERE ext.classid = 'pg_namespace'::regclass AND ext.objid = ns.oid)
UNION ALL
SELECT 'c' || oid,
       CASE WHEN relkind IN ('r', 'p', 'f') THEN 'table' WHEN relkind IN ('v', 'm') THEN 'view' ELSE 'sequence' END,
       nspname, relname, '-', '-', '', 'n' || relnamespace,
       CASE WHEN relkind IN ('r', 'p', 'f', 'm') THEN 1 ELSE 0 END
  FROM rel
  WHERE relkind IN ('r', 'p', 'f', 'v', 'm')
     OR (relkind = 'S' AND NOT EXISTS (
           SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = rel.oid
             AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')))
UNION ALL
SELECT 'c' || i.oid, 'index', i.nspname, i.relname, '-', t.relname, 'c' || t.oid, 'n' || i.relnamespace, 0
  FROM rel i JOIN pg_index x ON x.indexrelid = i.oid JOIN pg_class t ON t.oid = x.indrelid
  WHERE i.relkind IN ('i', 'I') AND NOT i.relispartition
    AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.oid AND k.conrelid = x.indrelid
                      AND k.contype IN ('p', 'u', 'x'))
UNION ALL
SELECT 'a' || a.attrelid || '.' || a.attnum, 'column', r.nspname, r.relname, a.attname, '-', 'c' || r.oid,
       'n' || r.relnamespace, 1
  FROM pg_attribute a JOIN rel r ON r.oid = a.attrelid
  WHERE r.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped AND a.attislocal
UNION ALL
SELECT 'o' || k.oid, 'constraint', r.nspname, r.relname, k.conname, '-', 'c' || r.oid, 'n' || r.relnamespace, 0
  FROM pg_constraint k JOIN rel r ON r.oid = k.conrelid
  WHERE k.contype IN ('c', 'f', 'p', 'u', 'x') AND k.conparentid = 0 AND k.conislocal
UNION ALL
SELECT 'o' || k.oid, 'constraint', ns.nspname, t.typname, k.conname, '-', 't' || t.oid, 'n' || t.typnamespace, 0
  FROM pg_constraint k JOIN pg_type t ON t.oid = k.contypid JOIN ns ON ns.oid = t.typnamespace
  WHERE k.contypid <> 0
UNION ALL
SELECT 't' || t.oid, 'type', ns.nspname, t.typname, '-', '-', '', 'n' || t.typnamespace, 0
  FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
  WHERE (t.typtype IN ('e', 'r', 'd', 'b', 'p')
         OR (t.typtype = 'c' AND EXISTS (SELECT FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c')))
    AND NOT EXISTS (SELECT FROM pg_type a WHERE a.typarray = t.oid)
    AND NOT EXISTS (SELECT FROM ext WHERE ext.classid = 'pg_type'::regclass AND ext.objid = t.oid)
UNION ALL
SELECT 'p' || p.oid, 'function', ns.nspname, p.proname, '-', '-', '', 'n' || p.pronamespace, 0
  FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
  WHERE NOT EXISTS (SELECT FROM ext WHERE ext.classid = 'pg_proc'::regclass AND ext.objid = p.oid)
    AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                      AND d.deptype = 'i')
UNION ALL
SELECT 'g' || g.oid, 'trigger', r.nspname, r.relname, g.tgname, '-', 'c' || r.oid, 'n' || r.relnamespace, 0
  FROM pg_trigger g JOIN rel r ON r.oid = g.tgrelid
  WHERE NOT g.tgisinternal AND g.tgparentid = 0
UNION ALL
SELECT 'e' || oid, 'extension', '-', extname, '-', '-', '', '', 0 FROM pg_extension WHERE extname <> 'plpgsql'
"""

MEMBERS = ("column", "constraint", "trigger")


class Case:
    def __init__(self, name, setup, up, down, ledger_only=(), pg_only=()):
        self.name, self.setup, self.up, self.down = name, setup, up, down
        self.ledger_only, self.pg_only = list(ledger_only), list(pg_only)


# The cases. Names PostgreSQL makes up are left to it: the comparison checks
# the ledger's. Each down names them as PostgreSQL does.
LONG_T = "a_table_name_long_enough_that_postgresql_has_to_cut_names_built"
CASES = [
    Case("create table with inline and table constraints",
         "CREATE TABLE users (id bigint PRIMARY KEY);",
         "CREATE TABLE posts (id serial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users, "
         "slug text UNIQUE, score int CHECK (score >= 0), a int, b int, CHECK (a < b), UNIQUE (a, b));",
         "DROP TABLE posts;"),
    Case("add columns with inline constraints",
         "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE orgs (id int PRIMARY KEY);",
         "ALTER TABLE users ADD COLUMN name text UNIQUE, ADD COLUMN age int CHECK (age > 0),\n"
         "  ADD COLUMN org_id int REFERENCES orgs (id), ADD COLUMN lo int CHECK (lo < age), ADD COLUMN nick text NOT NULL DEFAULT '';",
         "ALTER TABLE users DROP COLUMN name, DROP COLUMN lo, DROP COLUMN age, DROP COLUMN org_id;\n"
         "ALTER TABLE users DROP COLUMN nick;"),
    Case("add column IF NOT EXISTS, of a column there and of a new one",
         "CREATE TABLE t (id int, a int);",
         "ALTER TABLE t ADD COLUMN IF NOT EXISTS a int UNIQUE, ADD COLUMN IF NOT EXISTS b int;",
         "ALTER TABLE t DROP COLUMN IF EXISTS b;"),
    Case("unnamed table constraints added and dropped",
         "CREATE TABLE p (a int, b int, PRIMARY KEY (a, b));\nCREATE TABLE c (x int, y int, r int4range, w int);",
         "ALTER TABLE c ADD FOREIGN KEY (x, y) REFERENCES p, ADD CHECK (x > 0), ADD CHECK (x < 100),\n"
         "  ADD CHECK (x < y), ADD UNIQUE (x) INCLUDE (y);\n"
         "ALTER TABLE c ADD PRIMARY KEY (w);\nALTER TABLE c ADD EXCLUDE USING gist (r WITH &&);",
         "ALTER TABLE c DROP CONSTRAINT c_x_y_fkey, DROP CONSTRAINT c_x_check, DROP CONSTRAINT c_x_check1;\n"
         "ALTER TABLE c DROP CONSTRAINT c_check, DROP CONSTRAINT c_x_y_key, DROP CONSTRAINT c_pkey;\n"
         "ALTER TABLE c DROP CONSTRAINT c_r_excl;"),
    Case("unnamed indexes on columns, INCLUDE, expressions, repeats",
         "CREATE TABLE t (a int, b int, email text, d date, j jsonb);",
         "CREATE INDEX ON t (a);\nCREATE INDEX ON t (a);\nCREATE INDEX ON t (a) INCLUDE (b);\n"
         "CREATE UNIQUE INDEX ON t (lower(email));\nCREATE INDEX ON t ((a + b), (a::text), a, a);\n"
         "CREATE INDEX ON t (coalesce(a, b), (CASE WHEN a > 0 THEN b END), (b::bigint));\n"
         "CREATE INDEX ON t ((j->>'k'), (email COLLATE \"C\"), (greatest(a, b)), (least(a, b)));\n"
         "CREATE INDEX CONCURRENTLY ON t (d);\nCREATE INDEX named_one ON t (b) WHERE b > 0;",
         "DROP INDEX t_a_idx, t_a_idx1, t_a_b_idx, t_lower_idx;\nDROP INDEX CONCURRENTLY t_expr_a_a1_a2_idx;\n"
         "DROP INDEX t_coalesce_case_b_idx, t_expr_email_greatest_least_idx, t_d_idx, named_one;"),
    Case("names PostgreSQL cuts to 63 bytes",
         f"CREATE TABLE {LONG_T} (id int);",
         f"ALTER TABLE {LONG_T} ADD COLUMN some_rather_long_column_name int UNIQUE,\n"
         "  ADD COLUMN another_long_column_name_here int CHECK (another_long_column_name_here > 0);\n"
         f"CREATE INDEX ON {LONG_T} (some_rather_long_column_name, another_long_column_name_here);\n"
         f"ALTER TABLE {LONG_T} ADD UNIQUE (some_rather_long_column_name, another_long_column_name_here);\n"
         'CREATE TABLE "täblé_ñämé_wïth_müch_ümläüt_ïn_ït_äs_wéll_äs_mörë" ("çølümñ_ñämé_wïth_ümläüts" int);\n'
         'CREATE INDEX ON "täblé_ñämé_wïth_müch_ümläüt_ïn_ït_äs_wéll_äs_mörë" ("çølümñ_ñämé_wïth_ümläüts");',
         f"ALTER TABLE {LONG_T} DROP COLUMN another_long_column_name_here;\n"
         f"ALTER TABLE {LONG_T} DROP COLUMN some_rather_long_column_name;\n"
         'DROP TABLE "täblé_ñämé_wïth_müch_ümläüt_ïn_ït_äs_wéll_äs_mörë";'),
    Case("names taken already get a number",
         "CREATE TABLE t (a int, b int);\nCREATE INDEX t_a_idx ON t (b);\n"
         "ALTER TABLE t ADD CONSTRAINT t_a_key CHECK (a > 0);\nALTER TABLE t ADD CONSTRAINT t_b_check CHECK (b > 0);",
         "CREATE INDEX ON t (a);\nALTER TABLE t ADD UNIQUE (a);\nALTER TABLE t ADD CHECK (b < 10);\n"
         "ALTER TABLE t ADD UNIQUE (b);\nCREATE INDEX ON t (b);",
         "DROP INDEX t_a_idx1, t_b_idx;\nALTER TABLE t DROP CONSTRAINT t_a_key1, DROP CONSTRAINT t_b_check1, "
         "DROP CONSTRAINT t_b_key;"),
    Case("primary key and unique on one column keep one index",
         "CREATE TABLE t (a int);",
         "ALTER TABLE t ADD COLUMN id int PRIMARY KEY UNIQUE, ADD COLUMN u int UNIQUE UNIQUE;",
         "ALTER TABLE t DROP COLUMN id, DROP COLUMN u;"),
    Case("rename table, column, constraint, index, trigger and back",
         "CREATE TABLE t (a int UNIQUE, b int);\nCREATE INDEX t_b_idx ON t (b);\n"
         "CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;\n"
         "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();",
         "ALTER TABLE t RENAME TO u;\nALTER TABLE u RENAME COLUMN a TO aa;\n"
         "ALTER TABLE u RENAME CONSTRAINT t_a_key TO u_aa_key;\nALTER INDEX t_b_idx RENAME TO u_b_idx;\n"
         "ALTER TRIGGER tr ON u RENAME TO tr2;\nALTER TABLE u ADD COLUMN c int;",
         "ALTER TABLE u DROP COLUMN c;\nALTER TRIGGER tr2 ON u RENAME TO tr;\nALTER INDEX u_b_idx RENAME TO t_b_idx;\n"
         "ALTER TABLE u RENAME CONSTRAINT u_aa_key TO t_a_key;\nALTER TABLE u RENAME COLUMN aa TO a;\n"
         "ALTER TABLE u RENAME TO t;"),
    Case("rename back in the same step cancels",
         "CREATE TABLE t (a int);\nCREATE VIEW v AS SELECT 1 AS x;",
         "ALTER TABLE t RENAME TO t_old;\nALTER TABLE t_old RENAME TO t;\nALTER TABLE t RENAME COLUMN a TO b;\n"
         "ALTER TABLE t RENAME COLUMN b TO a;\nALTER VIEW v RENAME TO w;",
         "ALTER VIEW w RENAME TO v;"),
    Case("rename of something the step made is its new name only",
         "CREATE TABLE keep (id int);",
         "CREATE TABLE t (a int);\nALTER TABLE t RENAME TO u;\nALTER TABLE keep ADD COLUMN x int;\n"
         "ALTER TABLE keep RENAME COLUMN x TO y;\nCREATE INDEX i ON keep (id);\nALTER INDEX i RENAME TO j;",
         "DROP INDEX j;\nALTER TABLE keep DROP COLUMN y;\nDROP TABLE u;"),
    Case("renames of types, functions, views, sequences, schemas",
         "CREATE TYPE mood AS ENUM ('a');\nCREATE DOMAIN pos AS int CHECK (VALUE > 0);\n"
         "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';\nCREATE VIEW v AS SELECT 1 AS x;\n"
         "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;\nCREATE SEQUENCE s;\nCREATE SCHEMA app;",
         "ALTER TYPE mood RENAME TO feeling;\nALTER DOMAIN pos RENAME TO positive;\n"
         "ALTER DOMAIN positive RENAME CONSTRAINT pos_check TO positive_check;\n"
         "ALTER FUNCTION f() RENAME TO g;\nALTER VIEW v RENAME TO w;\nALTER MATERIALIZED VIEW mv RENAME TO mw;\n"
         "ALTER SEQUENCE s RENAME TO s2;\nALTER SCHEMA app RENAME TO application;",
         "ALTER SCHEMA application RENAME TO app;\nALTER SEQUENCE s2 RENAME TO s;\n"
         "ALTER MATERIALIZED VIEW mw RENAME TO mv;\nALTER VIEW w RENAME TO v;\nALTER FUNCTION g() RENAME TO f;\n"
         "ALTER DOMAIN positive RENAME CONSTRAINT positive_check TO pos_check;\n"
         "ALTER DOMAIN positive RENAME TO pos;\nALTER TYPE feeling RENAME TO mood;"),
    Case("set schema of a table with its index, a type, a function",
         "CREATE SCHEMA app;\nCREATE TABLE t (a int UNIQUE, b int);\nCREATE INDEX t_b_idx ON t (b);\n"
         "CREATE TYPE mood AS ENUM ('a');\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';",
         "ALTER TABLE t SET SCHEMA app;\nALTER TYPE mood SET SCHEMA app;\nALTER FUNCTION f() SET SCHEMA app;",
         "ALTER TABLE app.t SET SCHEMA public;\nALTER TYPE app.mood SET SCHEMA public;\n"
         "ALTER FUNCTION app.f() SET SCHEMA public;"),
    Case("a schema and what is made in it; DROP SCHEMA CASCADE",
         "CREATE TABLE outside (id int);",
         "CREATE SCHEMA app;\nCREATE TABLE app.t (id int PRIMARY KEY, name text);\nCREATE INDEX ON app.t (name);\n"
         "CREATE TYPE app.mood AS ENUM ('a');\nCREATE VIEW app.v AS SELECT id FROM app.t;\n"
         "CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS 'SELECT 1';\nCREATE SEQUENCE app.s;",
         "DROP SCHEMA app CASCADE;"),
    Case("DROP SCHEMA of objects made before the step",
         "CREATE SCHEMA app;\nCREATE TABLE app.t (id int);\nCREATE VIEW app.v AS SELECT 1 AS x;",
         "ALTER TABLE app.t ADD COLUMN x int;\nCREATE INDEX ON app.t (x);",
         "DROP SCHEMA app CASCADE;"),
    Case("CREATE SCHEMA IF NOT EXISTS and AUTHORIZATION",
         "CREATE SCHEMA app;",
         "CREATE SCHEMA IF NOT EXISTS app;\nCREATE SCHEMA IF NOT EXISTS other;\nCREATE SCHEMA AUTHORIZATION postgres;",
         "DROP SCHEMA postgres;\nDROP SCHEMA other;"),
    Case("types: enum, composite, range, domain, shell; domain constraints",
         "CREATE DOMAIN email AS text;\nCREATE DOMAIN checked AS int CHECK (VALUE > 0);",
         "CREATE TYPE mood AS ENUM ('sad', 'ok');\nCREATE TYPE pair AS (a int, b text);\n"
         "CREATE TYPE floatrange AS RANGE (subtype = float8);\nCREATE DOMAIN pos AS int CHECK (VALUE > 0) CHECK (VALUE < 10);\n"
         "CREATE TYPE shell;\nALTER DOMAIN email ADD CHECK (VALUE LIKE '%@%');\n"
         "ALTER DOMAIN email ADD CONSTRAINT has_at CHECK (VALUE LIKE '%@%');\nALTER DOMAIN checked ADD CHECK (VALUE < 100);",
         "ALTER DOMAIN checked DROP CONSTRAINT checked_check1;\nALTER DOMAIN email DROP CONSTRAINT email_check;\n"
         "ALTER DOMAIN email DROP CONSTRAINT has_at;\nDROP TYPE shell;\nDROP DOMAIN pos;\n"
         "DROP TYPE floatrange, pair, mood;"),
    Case("functions, procedures, aggregates; OR REPLACE of one there",
         "CREATE FUNCTION old() RETURNS int LANGUAGE sql AS 'SELECT 1';",
         "CREATE OR REPLACE FUNCTION old() RETURNS int LANGUAGE sql AS 'SELECT 2';\n"
         "CREATE FUNCTION add1(i int) RETURNS int LANGUAGE sql RETURN i + 1;\n"
         "CREATE PROCEDURE p() LANGUAGE sql AS 'SELECT 1';\n"
         "CREATE OR REPLACE FUNCTION fresh() RETURNS int LANGUAGE plpgsql AS $$BEGIN RETURN 1; END$$;\n"
         "CREATE AGGREGATE mysum (int) (sfunc = int4pl, stype = int);",
         "DROP AGGREGATE mysum (int);\nDROP FUNCTION fresh();\nDROP PROCEDURE p;\nDROP FUNCTION add1;\n"
         "DROP FUNCTION IF EXISTS old();"),
    Case("views and materialized views, OR REPLACE, an index on one",
         "CREATE TABLE t (id int, a int);\nCREATE VIEW old_v AS SELECT id FROM t;",
         "CREATE OR REPLACE VIEW old_v AS SELECT id, a FROM t;\nCREATE VIEW v AS SELECT a FROM t;\n"
         "CREATE OR REPLACE VIEW v2 AS SELECT 1 AS x;\nCREATE MATERIALIZED VIEW mv AS SELECT id FROM t;\n"
         "CREATE INDEX ON mv (id);\nCREATE MATERIALIZED VIEW IF NOT EXISTS mv AS SELECT 1;",
         "DROP MATERIALIZED VIEW mv;\nDROP VIEW v2, v;\nDROP VIEW old_v;"),
    Case("sequences, and the ones serial and identity columns own",
         "CREATE TABLE t (a int);",
         "CREATE SEQUENCE s;\nCREATE SEQUENCE IF NOT EXISTS s;\nALTER TABLE t ADD COLUMN id serial, "
         "ADD COLUMN j int GENERATED ALWAYS AS IDENTITY;\nCREATE TABLE u (id bigserial PRIMARY KEY);",
         "DROP TABLE u;\nALTER TABLE t DROP COLUMN id, DROP COLUMN j;\nDROP SEQUENCE s;"),
    Case("triggers, OR REPLACE, constraint triggers; DROP FUNCTION CASCADE",
         "CREATE TABLE t (a int);\n"
         "CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;\n"
         "CREATE TRIGGER old_tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();",
         "CREATE OR REPLACE TRIGGER old_tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION trg();\n"
         "CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();\n"
         "CREATE OR REPLACE TRIGGER tr2 AFTER DELETE ON t FOR EACH ROW EXECUTE FUNCTION trg();\n"
         "CREATE CONSTRAINT TRIGGER ctr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();",
         "DROP TRIGGER tr ON t;\nDROP FUNCTION trg() CASCADE;"),
    Case("extensions",
         "CREATE EXTENSION citext;",
         "CREATE EXTENSION IF NOT EXISTS citext;\nCREATE EXTENSION IF NOT EXISTS hstore;\nCREATE EXTENSION pg_trgm;",
         "DROP EXTENSION pg_trgm;\nDROP EXTENSION IF EXISTS hstore;"),
    Case("IF NOT EXISTS of a table there makes nothing",
         "CREATE TABLE t (a int);",
         "CREATE TABLE IF NOT EXISTS t (a int, b int);\nCREATE TABLE IF NOT EXISTS u (a int);\n"
         "CREATE INDEX IF NOT EXISTS u_a ON u (a);\nCREATE INDEX IF NOT EXISTS u_a ON u (a);",
         "DROP TABLE IF EXISTS u;"),
    Case("IF EXISTS of an object nothing knows counts as removed",
         "CREATE TABLE t (a int);",
         "DROP TABLE IF EXISTS ghost;\nDROP INDEX IF EXISTS ghost_idx;\nALTER TABLE t DROP COLUMN IF EXISTS ghost;\n"
         "ALTER TABLE t DROP CONSTRAINT IF EXISTS ghost_check;",
         "DROP TABLE t;\nDROP TABLE IF EXISTS t;",
         ledger_only=["1 removed table public ghost -", "1 removed index public ghost_idx -",
                      "1 removed column public t ghost", "1 removed constraint public t ghost_check"]),
    Case("made and dropped in one step is neither",
         "CREATE TABLE t (a int);",
         "CREATE TABLE tmp (a int UNIQUE);\nCREATE INDEX ON tmp (a);\nDROP TABLE tmp;\n"
         "ALTER TABLE t ADD COLUMN b int UNIQUE;\nCREATE INDEX ON t (b);\nALTER TABLE t DROP COLUMN b;\n"
         "CREATE TYPE mood AS ENUM ('a');\nDROP TYPE mood;\nCREATE SCHEMA s;\nCREATE TABLE s.x (a int);\n"
         "DROP SCHEMA s CASCADE;",
         "CREATE TABLE tmp (a int);\nALTER TABLE tmp ADD COLUMN b int;\nALTER TABLE tmp RENAME TO tmp2;\n"
         "DROP TABLE tmp2;"),
    Case("members of a table made in the step are the table's",
         "CREATE TABLE users (id int PRIMARY KEY);",
         "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int UNIQUE, ADD CHECK (a > 0);\n"
         "CREATE INDEX ON t (b);\nALTER TABLE t ADD FOREIGN KEY (a) REFERENCES users;\n"
         "ALTER TABLE t DROP CONSTRAINT t_a_check;",
         "DROP TABLE t;"),
    Case("drop a column: its indexes and constraints go, CASCADE takes views and foreign keys",
         "CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int UNIQUE);\nCREATE INDEX ON t (a, b);\n"
         "CREATE INDEX ON t (lower(b::text));\nALTER TABLE t ADD CHECK (a < b);\nALTER TABLE t ADD UNIQUE (a, c);\n"
         "CREATE TABLE o (x int REFERENCES t (c));\nCREATE VIEW v AS SELECT c FROM t;",
         "ALTER TABLE t DROP COLUMN a;",
         "ALTER TABLE t DROP COLUMN b, DROP COLUMN c CASCADE;"),
    Case("drop a table: CASCADE takes views and other tables' foreign keys; partitions go with it",
         "CREATE TABLE t (id int PRIMARY KEY);\nCREATE TABLE o (x int REFERENCES t);\n"
         "CREATE VIEW v AS SELECT id FROM t;\nCREATE TABLE p (a int, b int) PARTITION BY RANGE (a);\n"
         "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (1) TO (10);",
         "DROP TABLE t CASCADE;",
         "DROP TABLE p;"),
    Case("partitions: a partitioned table, its partitions and an index on all of them",
         "CREATE TABLE p (a int, b int) PARTITION BY RANGE (a);\n"
         "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (1) TO (10);",
         "CREATE INDEX ON p (b);\nALTER TABLE p ADD COLUMN c int;\n"
         "CREATE TABLE p2 PARTITION OF p FOR VALUES FROM (10) TO (20);\n"
         "CREATE TABLE q (a int PRIMARY KEY) PARTITION BY LIST (a);\n"
         "CREATE TABLE q1 PARTITION OF q FOR VALUES IN (1);",
         "DROP TABLE q;\nDROP TABLE p2;\nALTER TABLE p DROP COLUMN c;\nDROP INDEX p_b_idx;"),
    Case("ADD CONSTRAINT USING INDEX: the index becomes the constraint",
         "CREATE TABLE t (a int, b int);\nCREATE UNIQUE INDEX t_a_uq ON t (a);",
         "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE USING INDEX t_a_uq;\nCREATE UNIQUE INDEX ON t (b);\n"
         "ALTER TABLE t ADD UNIQUE USING INDEX t_b_idx;",
         "ALTER TABLE t DROP CONSTRAINT t_a_key, DROP CONSTRAINT t_b_idx;"),
    Case("CREATE TABLE AS, SELECT INTO, LIKE",
         "CREATE TABLE t (id int PRIMARY KEY, a int CHECK (a > 0));\nCREATE INDEX ON t (a);",
         "CREATE TABLE copy AS SELECT * FROM t;\nSELECT id INTO ids FROM t;\n"
         "CREATE TABLE lookalike (LIKE t INCLUDING ALL);\nCREATE TABLE IF NOT EXISTS copy AS SELECT 1;",
         "DROP TABLE copy, ids;\nDROP TABLE lookalike;"),
    Case("drop and make again in one step is both",
         "CREATE TABLE t (a int);\nCREATE INDEX t_a_idx ON t (a);",
         "DROP TABLE t;\nCREATE TABLE t (a int, b int);",
         "DROP INDEX IF EXISTS t_a_idx;\nCREATE INDEX t_a_idx ON t (a);",
         ledger_only=["2 removed index public t_a_idx -"]),
    Case("a view's triggers and columns, views over views, generated columns, other schemas",
         "CREATE SCHEMA app;\nCREATE TABLE app.t (id int, a int, b int GENERATED ALWAYS AS (a * 2) STORED);\n"
         "CREATE VIEW v AS SELECT id, a FROM app.t;\nCREATE VIEW w AS SELECT id FROM v;\n"
         "CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;",
         "CREATE TRIGGER instead INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION trg();\n"
         "CREATE INDEX ON app.t (a);\nALTER VIEW v RENAME COLUMN a TO aa;\nALTER VIEW w SET SCHEMA app;\n"
         "CREATE SEQUENCE app.s;\nALTER SEQUENCE app.s SET SCHEMA public;",
         "DROP SEQUENCE s;\nALTER TABLE app.t DROP COLUMN a CASCADE;\nDROP VIEW IF EXISTS app.w;"),
    Case("inheritance, and constraints and indexes on a partitioned table",
         "CREATE TABLE parent (a int);\nCREATE TABLE p (a int, b int) PARTITION BY RANGE (a);\n"
         "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (1) TO (10);",
         "CREATE TABLE child (b int) INHERITS (parent);\nALTER TABLE parent ADD COLUMN c int CHECK (c > 0);\n"
         "ALTER TABLE p ADD CHECK (b > 0), ADD UNIQUE (a, b);\nCREATE UNIQUE INDEX ON p (a);",
         "DROP INDEX p_a_idx;\nALTER TABLE p DROP CONSTRAINT p_a_b_key, DROP CONSTRAINT p_b_check;\n"
         "ALTER TABLE parent DROP COLUMN c;\nDROP TABLE child;"),
    Case("renames reach what a step made on the table afterwards",
         "CREATE TABLE t (id serial PRIMARY KEY, a int);",
         "ALTER TABLE t RENAME TO u;\nCREATE INDEX ON u (a);\nALTER TABLE u ADD CHECK (a > 0);\n"
         "ALTER TABLE u RENAME COLUMN a TO b;",
         "ALTER TABLE u DROP CONSTRAINT u_a_check;\nDROP INDEX u_a_idx;\nALTER TABLE u RENAME COLUMN b TO a;\n"
         "ALTER TABLE u RENAME TO t;"),
    Case("gap: a domain's CHECK named by hand, then an unnamed one added",
         "CREATE DOMAIN d AS int CONSTRAINT positive CHECK (VALUE > 0);",
         "ALTER DOMAIN d ADD CHECK (VALUE < 10);",
         "DROP DOMAIN d;",
         ledger_only=["1 made constraint public d d_check1"], pg_only=["1 made constraint public d d_check"]),
    Case("gap: a function of a known name with other arguments is no new function by name",
         "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';",
         "CREATE FUNCTION f(i int) RETURNS int LANGUAGE sql AS 'SELECT i';",
         "DROP FUNCTION f(int);",
         pg_only=["1 made function public f -"]),
    Case("gap: DROP TYPE CASCADE takes the columns of the type",
         "CREATE TYPE mood AS ENUM ('a');\nCREATE TABLE t (id int, m mood);",
         "DROP TYPE mood CASCADE;",
         "CREATE TYPE mood AS ENUM ('a');",
         pg_only=["1 removed column public t m"]),
    Case("gap: DETACH PARTITION makes the partition's copies of the parent's columns and indexes its own",
         "CREATE TABLE p (a int, b int) PARTITION BY RANGE (a);\nCREATE INDEX ON p (b);\n"
         "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (1) TO (10);",
         "ALTER TABLE p DETACH PARTITION p1;",
         "ALTER TABLE p ATTACH PARTITION p1 FOR VALUES FROM (1) TO (10);",
         pg_only=["1 made index public p1_b_idx -", "2 removed index public p1_b_idx -",
                  "1 made column public p1 a", "1 made column public p1 b", "2 removed column public p1 a",
                  "2 removed column public p1 b"]),
    Case("references of a constraint or index a step made earlier by PostgreSQL's name",
         "CREATE TABLE t (a int, b int);",
         "ALTER TABLE t ADD CHECK (a > 0), ADD CHECK (a > 1);\nCREATE INDEX ON t (a);\nCREATE INDEX ON t (a);\n"
         "ALTER TABLE t ADD UNIQUE (a, b);",
         "ALTER TABLE t DROP COLUMN a;"),
]


def run_psql(args):
    r = subprocess.run(PSQL + ["-v", "ON_ERROR_STOP=1"] + args, capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def psql(db, sql=None, file=None, query=False):
    args = ["-d", db]
    if query:
        args += ["-A", "-t", "-F", "\t"]
    return run_psql(args + (["-f", file] if file else ["-c", sql]))


def snapshot():
    code, out, err = psql(DB, SNAPSHOT, query=True)
    if code:
        raise RuntimeError("snapshot failed: " + err)
    rows = {}
    for line in out.splitlines():
        f = line.split("\t")
        rows[f[0]] = dict(id=f[0], kind=f[1], schema=f[2], name=f[3], member=f[4], parent=f[5],
                          container=f[6], ns=f[7], holds=f[8])
    return rows


def ident(row):
    return row["member"] if row["kind"] in MEMBERS else (row["schema"], row["name"])


def rename_text(row, other):
    """The name a renamed object had (or gets): its own (a member's own), with
    its schema when the schema changes."""
    if row["kind"] in MEMBERS:
        return row["member"]
    if row["schema"] != other["schema"]:
        return row["schema"] + "." + row["name"]
    return row["name"]


def pg_changes(before, after, step):
    """What PostgreSQL did, as the ledger lists it."""
    new = set(after) - set(before)
    gone = set(before) - set(after)
    out = []

    def line(what, row, renamed):
        return (f"{step} {what} {row['kind']} {row['schema']} {row['name']} {row['member']} {row['parent']} "
                f"{renamed} {row['holds']}")

    for i in sorted(gone):
        row = before[i]
        if row["container"] in gone or row["ns"] in gone:
            continue
        out.append(line("removed", row, "-"))
    for i in sorted(new):
        row = after[i]
        if row["container"] in new or row["ns"] in new:
            continue
        out.append(line("made", row, "-"))
    for i in sorted(set(before) & set(after)):
        b, a = before[i], after[i]
        if ident(b) == ident(a):
            continue
        out.append(line("removed", b, rename_text(a, b)))
        out.append(line("made", a, rename_text(b, a)))
    return out


def ledger_changes(text):
    out, complete = [], {}
    for raw in text.splitlines():
        f = raw.split("\t")
        if f[1] == "complete":
            complete[f[0]] = f[2]
            continue
        out.append(" ".join(f))
    return out, complete


def short(line):
    """step what kind schema name member: how a case names a difference."""
    return " ".join(line.split(" ")[:6])


def run_case(case, tmp):
    code, _, err = run_psql(["-d", "postgres", "-c", f"DROP DATABASE IF EXISTS {DB}", "-c",
                             f"CREATE DATABASE {DB} TEMPLATE template0 STRATEGY FILE_COPY"])
    if code:
        return [f"CREATE DATABASE failed: {err.strip()}"]
    files = {}
    for part in ("setup", "up", "down"):
        files[part] = os.path.join(tmp, part + ".sql")
        with open(files[part], "w", encoding="utf-8") as fh:
            fh.write(getattr(case, part) + "\n")
    code, _, err = psql(DB, file=files["setup"])
    if code:
        return [f"setup fails on PostgreSQL: {err.strip()}"]
    expected = []
    for step, part in ((1, "up"), (2, "down")):
        before = snapshot()
        code, _, err = psql(DB, file=files[part])
        if code:
            return [f"{part} fails on PostgreSQL: {err.strip()}"]
        expected += pg_changes(before, snapshot(), step)
    r = subprocess.run([DUMP, files["setup"], files["up"], files["down"]], capture_output=True, text=True)
    if r.returncode:
        return [f"ledger_dump failed ({r.returncode}): {r.stderr.strip()}"]
    got, complete = ledger_changes(r.stdout)
    problems = [f"step {s} not complete" for s, c in sorted(complete.items()) if c != "1"]
    pg_left, ledger_left = sorted(expected), sorted(got)
    for line in list(pg_left):
        if line in ledger_left:
            ledger_left.remove(line)
            pg_left.remove(line)
    ledger_extra = sorted(short(x) for x in ledger_left)
    pg_extra = sorted(short(x) for x in pg_left)
    if ledger_extra != sorted(case.ledger_only) or pg_extra != sorted(case.pg_only):
        for line in pg_left:
            problems.append("PostgreSQL: " + line)
        for line in ledger_left:
            problems.append("ledger:     " + line)
    if VERBOSE:
        print(f"--- {case.name}")
        for line in sorted(expected):
            print("  pg     " + line)
        for line in sorted(got):
            print("  ledger " + line)
    return problems


def main():
    failed = 0
    ran = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            if ONLY and not re.search(ONLY, case.name):
                continue
            ran += 1
            problems = run_case(case, tmp)
            if problems:
                failed += 1
                print(f"FAIL {case.name}")
                for p in problems:
                    print("  " + p)
            else:
                print(f"ok   {case.name}")
    psql("postgres", f"DROP DATABASE IF EXISTS {DB}")
    print(f"{ran - failed} of {ran} cases agree with PostgreSQL 15")
    return 1 if failed or not ran else 0


if __name__ == "__main__":
    sys.exit(main())
