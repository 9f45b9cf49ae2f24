"""dependency_facts.py - the cases of tests/dependency_facts_test.sh: for each
kind of object that can depend on a column, what PostgreSQL 15 does to it
when the column is dropped (with and without CASCADE), changes type, or is
renamed, and when its table is dropped or renamed; checked on a real server,
then compared with what migralint lists as the statement's `references`.

usage: dependency_facts.py MIGRALINT SOCKET_DIR SOURCE_DIR
(run by dependency_facts_test.sh once the server is up; SOURCE_DIR is the
repository, read to tell which rules list references yet).

Every case starts from the fixture below, adds its objects, and runs each
statement in a transaction of its own that is rolled back. Its objects are
described by what the statements do to them:

  drop     DROP COLUMN c: "fails" (PostgreSQL refuses unless CASCADE, which
           then drops it with a NOTICE), "dropped" (it goes silently with the
           column), "breaks" (untracked: it stays, and fails when used),
           "unaffected".
  alter    ALTER COLUMN c TYPE: "fails" (refused) or "fine".
  table    DROP TABLE t: "fails" (refused unless CASCADE), "dropped" (goes
           with the table), "breaks" (stays, fails when used).
  rename   (RENAME COLUMN c TO d, RENAME TO u): "works" or "breaks" when the
           case's `use` runs afterwards.

migralint's side: the case's SQL is 001_setup.sql and the statement
002_drop.sql of a two-file history in a temporary directory. For DROP COLUMN
the `dropped-column-still-referenced` diagnostic must list exactly the objects
PostgreSQL refuses over ("fails"; "cascades" with CASCADE), drops with the
column ("dropped") and the untracked ones that break ("breaks"); for RENAME
COLUMN exactly the ones that break, and so for RENAME TABLE (renaming-table).
ALTER COLUMN TYPE (changing-column-type) and DROP TABLE (ban-drop-table) must
list, among their references that say "fails" or "cascades", exactly the
objects PostgreSQL refuses over. Nothing listed or no diagnostic at all is
the same thing, and a drop that only takes objects PostgreSQL drops with the
column anyway (indexes, the table's constraints, statistics) may go
unreported: they are listed when something else makes the rule fire.
References of kind "migration" and "code" are not compared.
Names compare without a "public." prefix or an argument list.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

ML, SOCK, SRC = sys.argv[1], sys.argv[2], sys.argv[3]
PSQL = [
    "/usr/lib/postgresql/15/bin/psql", "-X", "-q", "-A", "-t", "-h", SOCK,
    "-U", "postgres", "-d", "postgres",
]
VERBOSE = os.environ.get("DEPENDENCY_FACTS_VERBOSE") == "1"
ONLY = os.environ.get("DEPENDENCY_FACTS_ONLY")

# The fixture: t's column c is the one dropped; its type depends on what the
# case needs (a policy compares it with current_user, EXCLUDE needs a type with
# a gist operator class without btree_gist), and ALTER TYPE changes it to
# another. o is the other table of the foreign keys and rules.
TABLE_T = {
    "int": ("integer", "3", "4", "bigint", ""),
    "text": ("text", "'postgres'", "'x'", "varchar(100)", ""),
    "range": ("int4range", "'[1,3)'", "'[5,7)'", "int8range", " USING int8range(lower(c), upper(c))"),
}


def fixture(ctype):
    typ, v1, v2, _, _ = TABLE_T[ctype]
    return (
        "CREATE TABLE o (id integer PRIMARY KEY, x integer UNIQUE, tc integer);\n"
        "INSERT INTO o VALUES (1, 3, 3), (2, 4, 4);\n"
        f"CREATE TABLE t (id integer NOT NULL, a integer, b integer, c {typ});\n"
        f"INSERT INTO t VALUES (1, 10, 5, {v1}), (2, 20, 6, {v2});\n"
    )


def alter_type(ctype):
    _, _, _, other, using = TABLE_T[ctype]
    return f"ALTER TABLE t ALTER COLUMN c TYPE {other}{using}"


class Obj:
    """One object of a case: migralint's kind and name for it, how PostgreSQL
    names it in messages (desc), and what each statement does to it."""

    def __init__(self, kind, name, desc, drop, alter="fine", table="dropped", rename_col="works",
                 rename_table="works", listed=True):
        self.kind, self.name, self.desc = kind, name, desc
        self.drop, self.alter, self.table = drop, alter, table
        self.rename_col, self.rename_table = rename_col, rename_table
        self.listed = listed  # migralint lists it (a comment is no object of its own)


def exists_sql(o):
    """SQL giving true while o exists."""
    n = o.name.replace("'", "''")
    if o.kind in ("view", "materialized view", "index"):
        return f"to_regclass('{n}') IS NOT NULL"
    if o.kind in ("constraint", "foreign key"):
        return f"EXISTS (SELECT FROM pg_constraint WHERE conname = '{n}')"
    if o.kind == "trigger":
        return f"EXISTS (SELECT FROM pg_trigger WHERE tgname = '{n}')"
    if o.kind == "generated column":
        return (f"EXISTS (SELECT FROM pg_attribute WHERE attname = '{n}' AND attgenerated <> '' "
                "AND NOT attisdropped AND attrelid IN (SELECT oid FROM pg_class WHERE relname IN ('t', 'u')))")
    if o.kind == "policy":
        return f"EXISTS (SELECT FROM pg_policy WHERE polname = '{n}')"
    if o.kind == "statistics":
        return f"EXISTS (SELECT FROM pg_statistic_ext WHERE stxname = '{n}')"
    if o.kind == "publication":
        return (f"EXISTS (SELECT FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid "
                f"WHERE p.pubname = '{n}')")
    if o.kind == "rule":
        return f"EXISTS (SELECT FROM pg_rewrite WHERE rulename = '{n}')"
    if o.kind == "function":
        return f"EXISTS (SELECT FROM pg_proc WHERE proname = '{n}')"
    if o.kind == "comment":
        return ("EXISTS (SELECT FROM pg_description d JOIN pg_class r ON r.oid = d.objoid "
                f"WHERE r.relname IN ('t', 'u') AND d.objsubid > 0 AND d.description = '{n}')")
    raise ValueError(o.kind)


class Case:
    def __init__(self, name, setup, use, objs, ctype="int", alter_msg=None):
        self.name, self.setup, self.use, self.objs = name, setup, use, objs
        self.ctype, self.alter_msg = ctype, alter_msg


TRG_PLAIN = ("CREATE FUNCTION trg_f() RETURNS trigger LANGUAGE plpgsql AS $f$BEGIN RETURN NEW; END$f$;\n")
VIEW_OR_RULE = "cannot alter type of a column used by a view or rule"
FUNCTION = "cannot alter type of a column used by a function or procedure"
TRIGGER = "cannot alter type of a column used in a trigger definition"

# use: SQL that exercises the objects after the statement ({T} and {C} are the
# table's and the column's names then); it must work before the statement.
CASES = [
    Case("view SELECT c", "CREATE VIEW v AS SELECT id, c FROM t;", "SELECT count(*) FROM v",
         [Obj("view", "v", "view v", "fails", "fails", "fails")], alter_msg=VIEW_OR_RULE),
    Case("view using c only in WHERE", "CREATE VIEW v AS SELECT id FROM t WHERE c > 0;", "SELECT count(*) FROM v",
         [Obj("view", "v", "view v", "fails", "fails", "fails")], alter_msg=VIEW_OR_RULE),
    Case("view SELECT *", "CREATE VIEW v AS SELECT * FROM t;", "SELECT count(*) FROM v",
         [Obj("view", "v", "view v", "fails", "fails", "fails")], alter_msg=VIEW_OR_RULE),
    Case("view SELECT * made before c was added",
         "ALTER TABLE t DROP COLUMN c;\nCREATE VIEW v AS SELECT * FROM t;\n"
         "ALTER TABLE t ADD COLUMN c integer;",
         "SELECT count(*) FROM v",
         [Obj("view", "v", "view v", "unaffected", "fine", "fails")]),
    Case("view not using c", "CREATE VIEW v AS SELECT id, a FROM t;", "SELECT count(*) FROM v",
         [Obj("view", "v", "view v", "unaffected", "fine", "fails")]),
    Case("view over a view using c",
         "CREATE VIEW v AS SELECT id, c FROM t;\nCREATE VIEW w AS SELECT id FROM v;", "SELECT count(*) FROM w",
         [Obj("view", "v", "view v", "fails", "fails", "fails"),
          Obj("view", "w", "view w", "fails", "fine", "fails")], alter_msg=VIEW_OR_RULE),
    Case("materialized view", "CREATE MATERIALIZED VIEW mv AS SELECT id, c FROM t;", "REFRESH MATERIALIZED VIEW mv",
         [Obj("materialized view", "mv", "materialized view mv", "fails", "fails", "fails")], alter_msg=VIEW_OR_RULE),
    Case("view, index, CHECK and statistics together",
         "CREATE VIEW v AS SELECT id, c FROM t;\nCREATE INDEX i_c ON t (a, c);\n"
         "ALTER TABLE t ADD CONSTRAINT t_chk CHECK (c > 0);\nCREATE STATISTICS s ON a, b, c FROM t;",
         "SELECT count(*) FROM v",
         [Obj("view", "v", "view v", "fails", "fails", "fails"),
          Obj("index", "i_c", "index i_c", "dropped"),
          Obj("constraint", "t_chk", "constraint t_chk on table t", "dropped"),
          Obj("statistics", "s", "statistics object s", "dropped")], alter_msg=VIEW_OR_RULE),
    Case("index (c)", "CREATE INDEX i_c ON t (c);", "REINDEX INDEX i_c",
         [Obj("index", "i_c", "index i_c", "dropped")]),
    Case("index ((c + 1))", "CREATE INDEX i_c ON t ((c + 1));", "REINDEX INDEX i_c",
         [Obj("index", "i_c", "index i_c", "dropped")]),
    Case("index (a, c)", "CREATE INDEX i_c ON t (a, c);", "REINDEX INDEX i_c",
         [Obj("index", "i_c", "index i_c", "dropped")]),
    Case("index (a) INCLUDE (c)", "CREATE INDEX i_c ON t (a) INCLUDE (c);", "REINDEX INDEX i_c",
         [Obj("index", "i_c", "index i_c", "dropped")]),
    Case("index (a) WHERE c > 0", "CREATE INDEX i_c ON t (a) WHERE c > 0;", "REINDEX INDEX i_c",
         [Obj("index", "i_c", "index i_c", "dropped")]),
    Case("index (a), not c", "CREATE INDEX i_a ON t (a);", "REINDEX INDEX i_a",
         [Obj("index", "i_a", "index i_a", "unaffected")]),
    Case("CHECK (c > 0)", "ALTER TABLE t ADD CONSTRAINT t_chk CHECK (c > 0);", "INSERT INTO {T} (id) VALUES (9)",
         [Obj("constraint", "t_chk", "constraint t_chk on table t", "dropped")]),
    Case("CHECK (a > c)", "ALTER TABLE t ADD CONSTRAINT t_chk CHECK (a > c);", "INSERT INTO {T} (id) VALUES (9)",
         [Obj("constraint", "t_chk", "constraint t_chk on table t", "dropped")]),
    Case("UNIQUE (c)", "ALTER TABLE t ADD CONSTRAINT t_uq UNIQUE (c);", "INSERT INTO {T} (id) VALUES (9)",
         [Obj("constraint", "t_uq", "constraint t_uq on table t", "dropped")]),
    Case("UNIQUE (a, c)", "ALTER TABLE t ADD CONSTRAINT t_uq UNIQUE (a, c);", "INSERT INTO {T} (id) VALUES (9)",
         [Obj("constraint", "t_uq", "constraint t_uq on table t", "dropped")]),
    Case("PRIMARY KEY (c)", "ALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY (c);",
         "INSERT INTO {T} (id, {C}) VALUES (9, 99)",
         [Obj("constraint", "t_pk", "constraint t_pk on table t", "dropped")]),
    Case("EXCLUDE USING gist (c WITH &&)", "ALTER TABLE t ADD CONSTRAINT t_ex EXCLUDE USING gist (c WITH &&);",
         "INSERT INTO {T} (id) VALUES (9)",
         [Obj("constraint", "t_ex", "constraint t_ex on table t", "dropped")], ctype="range"),
    Case("foreign key t (c) REFERENCES o (x)",
         "ALTER TABLE t ADD CONSTRAINT t_fk FOREIGN KEY (c) REFERENCES o (x);", "INSERT INTO {T} (id) VALUES (9)",
         [Obj("foreign key", "t_fk", "constraint t_fk on table t", "dropped")]),
    Case("foreign key o (tc) REFERENCES t (c)",
         "ALTER TABLE t ADD CONSTRAINT t_uq UNIQUE (c);\n"
         "ALTER TABLE o ADD CONSTRAINT o_fk FOREIGN KEY (tc) REFERENCES t (c);",
         "INSERT INTO o VALUES (7, 7, 3)",
         [Obj("foreign key", "o_fk", "constraint o_fk on table o", "fails", "fine", "fails"),
          Obj("constraint", "t_uq", "constraint t_uq on table t", "dropped")]),
    Case("trigger BEFORE UPDATE OF c",
         TRG_PLAIN + "CREATE TRIGGER tr BEFORE UPDATE OF c ON t FOR EACH ROW EXECUTE FUNCTION trg_f();",
         "UPDATE {T} SET a = a",
         [Obj("trigger", "tr", "trigger tr on table t", "fails", "fails")], alter_msg=TRIGGER),
    Case("trigger WHEN (NEW.c IS DISTINCT FROM OLD.c)",
         TRG_PLAIN + "CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW "
         "WHEN (NEW.c IS DISTINCT FROM OLD.c) EXECUTE FUNCTION trg_f();",
         "UPDATE {T} SET a = a",
         [Obj("trigger", "tr", "trigger tr on table t", "fails", "fails")], alter_msg=TRIGGER),
    Case("trigger whose PL/pgSQL function uses NEW.c",
         "CREATE FUNCTION trg_f() RETURNS trigger LANGUAGE plpgsql AS $f$BEGIN NEW.c := NEW.c; RETURN NEW; END$f$;\n"
         "CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION trg_f();",
         "UPDATE {T} SET a = a",
         [Obj("function", "trg_f", "function trg_f()", "breaks", table="breaks", rename_col="breaks"),
          Obj("trigger", "tr", "trigger tr on table t", "unaffected")]),
    Case("generated column g AS (c * 2)", "ALTER TABLE t ADD COLUMN g integer GENERATED ALWAYS AS (c * 2) STORED;",
         "SELECT g FROM {T}",
         [Obj("generated column", "g", "column g of table t", "fails", "fails")],
         alter_msg="cannot alter type of a column used by a generated column"),
    Case("policy USING (c = current_user)",
         "ALTER TABLE t ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p ON t USING (c = current_user);",
         "CREATE ROLE df_reader; GRANT SELECT ON {T} TO df_reader; SET ROLE df_reader; SELECT count(*) FROM {T}",
         [Obj("policy", "p", "policy p on table t", "fails", "fails")], ctype="text",
         alter_msg="cannot alter type of a column used in a policy definition"),
    Case("statistics (a, c)", "CREATE STATISTICS s ON a, c FROM t;", "ANALYZE {T}",
         [Obj("statistics", "s", "statistics object s", "dropped")]),
    # the documentation says the object stays while 2 columns remain; PostgreSQL 15 drops it
    Case("statistics (a, b, c)", "CREATE STATISTICS s ON a, b, c FROM t;", "ANALYZE {T}",
         [Obj("statistics", "s", "statistics object s", "dropped")]),
    Case("publication FOR TABLE t (a, c)", "CREATE PUBLICATION pb FOR TABLE t (a, c);",
         "SELECT attnames FROM pg_publication_tables WHERE pubname = 'pb'",
         [Obj("publication", "pb", "publication of table t in publication pb", "fails", "fails")],
         alter_msg="cannot alter type of a column used by a publication WHERE clause"),
    Case("rule ON UPDATE TO t WHERE NEW.c < 0",
         "CREATE RULE r AS ON UPDATE TO t WHERE NEW.c < 0 DO INSTEAD NOTHING;", "UPDATE {T} SET a = a",
         [Obj("rule", "r", "rule r on table t", "fails", "fails")], alter_msg=VIEW_OR_RULE),
    Case("rule on o that updates t.c",
         "CREATE RULE r AS ON INSERT TO o DO ALSO UPDATE t SET c = NEW.x WHERE id = NEW.id;",
         "INSERT INTO o VALUES (5, 5, 5)",
         [Obj("rule", "r", "rule r on table o", "fails", "fails", "fails")], alter_msg=VIEW_OR_RULE),
    Case("function BEGIN ATOMIC", "CREATE FUNCTION f() RETURNS SETOF integer LANGUAGE sql BEGIN ATOMIC SELECT c FROM t; END;",
         "SELECT f()", [Obj("function", "f", "function f()", "fails", "fails", "fails")], alter_msg=FUNCTION),
    Case("function RETURN (SELECT c ...)",
         "CREATE FUNCTION f() RETURNS integer LANGUAGE sql RETURN (SELECT c FROM t LIMIT 1);",
         "SELECT f()", [Obj("function", "f", "function f()", "fails", "fails", "fails")], alter_msg=FUNCTION),
    Case("function LANGUAGE sql, string body",
         "CREATE FUNCTION f() RETURNS SETOF integer LANGUAGE sql AS $f$SELECT c FROM t$f$;", "SELECT f()",
         [Obj("function", "f", "function f()", "breaks", table="breaks", rename_col="breaks",
              rename_table="breaks")]),
    Case("function LANGUAGE plpgsql",
         "CREATE FUNCTION f() RETURNS integer LANGUAGE plpgsql AS "
         "$f$DECLARE r integer; BEGIN SELECT c INTO r FROM t LIMIT 1; RETURN r; END$f$;", "SELECT f()",
         [Obj("function", "f", "function f()", "breaks", table="breaks", rename_col="breaks",
              rename_table="breaks")]),
    Case("function not using c",
         "CREATE FUNCTION f() RETURNS integer LANGUAGE plpgsql AS "
         "$f$DECLARE r integer; BEGIN SELECT a INTO r FROM t LIMIT 1; RETURN r; END$f$;", "SELECT f()",
         [Obj("function", "f", "function f()", "unaffected", table="breaks", rename_table="breaks")]),
    Case("COMMENT ON COLUMN", "COMMENT ON COLUMN t.c IS 'the c column';",
         "SELECT col_description('{T}'::regclass, attnum) FROM pg_attribute "
         "WHERE attrelid = '{T}'::regclass AND attname = '{C}'",
         [Obj("comment", "the c column", "comment", "dropped", listed=False)]),
]

DROP_COLUMN = "ALTER TABLE t DROP COLUMN c"
DROP_TABLE = "DROP TABLE t"
RENAME_COLUMN = "ALTER TABLE t RENAME COLUMN c TO d"
RENAME_TABLE = "ALTER TABLE t RENAME TO u"


def on_server(case, stmt, table="t", column="c"):
    """Runs the case's fixture and objects, then stmt, in a transaction
    rolled back. Returns (errored, messages of stmt, {object name: exists},
    use's error or None)."""
    probes = "\n".join(f"SELECT 'obj|{o.name}|' || ({exists_sql(o)})::text;" for o in case.objs)
    use = case.use.format(T=table, C=column)
    script = f"""\\set ON_ERROR_STOP 0
BEGIN;
{fixture(case.ctype)}{case.setup}
\\echo ==setup-done
SAVEPOINT s;
\\echo ==stmt
{stmt};
\\if :ERROR
\\echo ==errored
ROLLBACK TO SAVEPOINT s;
\\endif
\\echo ==probes
{probes}
\\echo ==use
{use};
\\if :ERROR
\\echo ==use-failed
\\endif
ROLLBACK;
"""
    p = subprocess.run(PSQL, input=script, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sections, cur = {}, "setup"
    for line in p.stdout.splitlines():
        if line.startswith("=="):
            cur = line[2:]
            sections[cur] = []
        else:
            sections.setdefault(cur, []).append(line)
    if "setup-done" not in sections or any("ERROR" in l for l in sections.get("setup", [])):
        raise RuntimeError("setup failed: " + " / ".join(sections.get("setup", [])))
    exists = {}
    for line in sections.get("probes", []):
        if line.startswith("obj|"):
            _, name, val = line.split("|", 2)
            exists[name] = val == "true"
    use_err = None
    if "use-failed" in sections:
        use_err = next((l for l in sections.get("use", []) if l.startswith("ERROR")), "error")
    return "errored" in sections, "\n".join(sections.get("stmt", [])), exists, use_err


def mentions(text, desc, what):
    """Whether a message line says `<desc> <what>` (e.g. "view v depends on")
    or `<what> <desc>` (e.g. "drop cascades to view v") as whole words."""
    if what.startswith("drop cascades to"):
        return re.search(r"drop cascades to " + re.escape(desc) + r"$", text, re.M) is not None
    return re.search(r"(^|\s)" + re.escape(desc) + " " + re.escape(what), text, re.M) is not None


problems_total = 0
passed = 0
skipped = []


def report(name, problems):
    global problems_total, passed
    if problems:
        problems_total += 1
        print(f"FAIL {name}: " + "; ".join(problems))
    else:
        passed += 1
        print(f"ok   {name}")


def check_drop_column(case, cascade):
    stmt = DROP_COLUMN + (" CASCADE" if cascade else "")
    errored, msgs, exists, use_err = on_server(case, stmt)
    probs = []
    failing = [o for o in case.objs if o.drop == "fails"]
    if failing and not cascade:
        if not errored or "cannot drop column c of table t because other objects depend on it" not in msgs:
            probs.append(f"expected the drop refused, got: {msgs or 'success'}")
        for o in failing:
            if not mentions(msgs, o.desc, "depends on"):
                probs.append(f"the refusal does not name {o.desc}")
        for o in case.objs:
            if not exists.get(o.name):
                probs.append(f"{o.desc} gone after a refused drop")
    else:
        if errored:
            probs.append(f"refused: {msgs}")
        for o in case.objs:
            gone = not exists.get(o.name)
            should_go = o.drop in ("dropped", "fails")
            if gone != should_go:
                probs.append(f"{o.desc} {'gone' if gone else 'still there'}, expected {o.drop}")
            noticed = mentions(msgs, o.desc, "drop cascades to")
            if noticed != (o.drop == "fails"):
                probs.append(f"{o.desc} {'named' if noticed else 'not named'} in a CASCADE notice")
        breaks = any(o.drop == "breaks" for o in case.objs)
        alive = not any(o.drop in ("dropped", "fails") for o in case.objs)
        if alive and bool(use_err) != breaks:
            probs.append(f"use {'fails: ' + use_err if use_err else 'works'}, expected it to {'break' if breaks else 'work'}")
    report(f"{case.name}: {stmt}", probs)


def check_alter_type(case):
    stmt = alter_type(case.ctype)
    errored, msgs, exists, use_err = on_server(case, stmt)
    probs = []
    failing = [o for o in case.objs if o.alter == "fails"]
    if failing:
        if not errored or case.alter_msg not in msgs:
            probs.append(f"expected '{case.alter_msg}', got: {msgs or 'success'}")
    elif errored:
        probs.append(f"refused: {msgs}")
    elif use_err:
        probs.append(f"use fails afterwards: {use_err}")
    report(f"{case.name}: {stmt}", probs)


def check_drop_table(case, cascade):
    stmt = DROP_TABLE + (" CASCADE" if cascade else "")
    errored, msgs, exists, use_err = on_server(case, stmt)
    probs = []
    failing = [o for o in case.objs if o.table == "fails"]
    if failing and not cascade:
        if not errored or "cannot drop table t because other objects depend on it" not in msgs:
            probs.append(f"expected the drop refused, got: {msgs or 'success'}")
        for o in failing:
            if not mentions(msgs, o.desc, "depends on"):
                probs.append(f"the refusal does not name {o.desc}")
    else:
        if errored:
            probs.append(f"refused: {msgs}")
        for o in case.objs:
            gone = not exists.get(o.name)
            if gone != (o.table != "breaks"):
                probs.append(f"{o.desc} {'gone' if gone else 'still there'}, expected {o.table}")
            noticed = mentions(msgs, o.desc, "drop cascades to")
            if noticed != (o.table == "fails"):
                probs.append(f"{o.desc} {'named' if noticed else 'not named'} in a CASCADE notice")
    report(f"{case.name}: {stmt}", probs)


def check_rename(case, stmt, table, column, attr):
    errored, msgs, exists, use_err = on_server(case, stmt, table, column)
    probs = []
    if errored:
        probs.append(f"refused: {msgs}")
    for o in case.objs:
        if not exists.get(o.name):
            probs.append(f"{o.desc} gone")
    breaks = any(getattr(o, attr) == "breaks" for o in case.objs)
    if bool(use_err) != breaks:
        probs.append(f"use {'fails: ' + use_err if use_err else 'works'}, expected it to {'break' if breaks else 'work'}")
    report(f"{case.name}: {stmt}", probs)


# ---- migralint ---------------------------------------------------------------

def norm_name(name):
    name = (name or "").lower()
    if name.startswith("public."):
        name = name[len("public."):]
    return re.sub(r"\(.*\)$", "", name)


def migralint_refs(case, stmt, rule):
    """Lints the case as a two-file history; returns the set of (kind, name,
    effect) that RULE's diagnostics on 002_drop.sql list, or an error string."""
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "001_setup.sql"), "w") as f:
            f.write(fixture(case.ctype) + case.setup + "\n")
        with open(os.path.join(tmp, "002_drop.sql"), "w") as f:
            f.write(stmt + ";\n")
        p = subprocess.run([ML, "--no-config", "--pg-version", "15", "--format", "json", tmp],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode not in (0, 1):
            return f"migralint exited {p.returncode}: {p.stderr.strip()}"
        doc = json.loads(p.stdout)
    refs = set()
    for d in doc["diagnostics"]:
        if d["rule"] != rule or not d["path"].endswith("002_drop.sql"):
            continue
        for r in d.get("references") or []:
            if r.get("kind") in ("migration", "code"):
                continue
            refs.add((r.get("kind"), norm_name(r.get("name")), r.get("effect")))
    return refs


# Known differences between PostgreSQL and migralint, each with its reason:
# (case, kind, name) of an object migralint does not list yet. They are
# printed as "gap", not failures, and a gap migralint closes is a failure
# until it is taken off this list.
KNOWN_GAPS = {
    # (case, kind, name): why migralint does not list it yet. Empty: none.
}
gaps = []


def compare(name, got, want):
    if isinstance(got, str):
        report(name, [got])
        return
    case_name = name.split(": migralint on ")[0]
    known = {r for r in want if (case_name, r[0], r[1]) in KNOWN_GAPS}
    closed = known & got
    if closed:
        report(name, [f"known gap closed, take it off KNOWN_GAPS: {k} {n}" for k, n, _ in sorted(closed)])
        return
    if known:
        gaps.append(f"{name}: {', '.join(f'{k} {n} ({e})' for k, n, e in sorted(known))} not listed: "
                    + KNOWN_GAPS[(case_name, *sorted(known)[0][:2])])
        want = want - known
    # What PostgreSQL drops with the column anyway (indexes, the table's own
    # constraints, statistics) does not make the drop wrong by itself: the
    # rule reports it only along with something that does.
    if not got and all(e == "dropped" for _, _, e in want):
        report(name + " (only objects dropped with the column: not reported)", [])
        return
    probs = []
    for k, n, e in sorted(want - got, key=str):
        probs.append(f"missing {k} {n} ({e})")
    for k, n, e in sorted(got - want, key=str):
        probs.append(f"unexpected {k} {n} ({e})")
    report(name, probs)


def rule_lists_references(rule):
    """Whether the rule's source fills its findings' references: until it
    does, the comparison for its statements is skipped (and said so)."""
    path = os.path.join(SRC, "rules", rule + ".c")
    if not os.path.exists(path):
        return False
    with open(path) as f:
        return "references" in f.read()


def json_lists_references():
    """Whether --format json writes the diagnostics' references."""
    path = os.path.join(SRC, "src", "report", "report_json.c")
    with open(path) as f:
        return '\\"references\\"' in f.read()


DROPPED_RULE = "dropped-column-still-referenced"
json_refs = json_lists_references()
have_dropped_rule = json_refs and os.path.exists(os.path.join(SRC, "rules", DROPPED_RULE + ".c"))
have_type_refs = json_refs and rule_lists_references("changing-column-type")
have_table_refs = json_refs and rule_lists_references("ban-drop-table")
have_rename_table_refs = json_refs and rule_lists_references("renaming-table")

def check_partition_key():
    """A partition key column: no object to list, but PostgreSQL refuses to
    drop it even with CASCADE, and to change its type."""
    name = "partition key"
    if ONLY and not re.search(ONLY, name):
        return
    script = """\\set ON_ERROR_STOP 0
BEGIN;
CREATE TABLE t (id integer NOT NULL, c integer) PARTITION BY RANGE (c);
CREATE TABLE t_low PARTITION OF t FOR VALUES FROM (0) TO (10);
SAVEPOINT s;
ALTER TABLE t DROP COLUMN c CASCADE;
ROLLBACK TO SAVEPOINT s;
ALTER TABLE t ALTER COLUMN c TYPE bigint;
ROLLBACK TO SAVEPOINT s;
ALTER TABLE t RENAME COLUMN c TO d;
SELECT 'key|' || pg_get_partkeydef('t'::regclass);
ROLLBACK;
"""
    p = subprocess.run(PSQL, input=script, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    probs = []
    for want in ('ERROR:  cannot drop column "c" because it is part of the partition key of relation "t"',
                 'ERROR:  cannot alter column "c" because it is part of the partition key of relation "t"',
                 "key|RANGE (d)"):
        if want not in p.stdout:
            probs.append(f"expected '{want}', got: {p.stdout.strip()}")
    report(f"{name}: DROP COLUMN c CASCADE and ALTER COLUMN c TYPE refused, RENAME COLUMN followed", probs)


def doc_block(doc, heading):
    """The first ```sql block after `## heading` of a rule's doc page."""
    m = re.search(r"^## " + heading + r"\n.*?^```sql\n(.*?)^```", doc, re.S | re.M)
    return m.group(1) if m else None


def check_doc_recipe():
    """docs/rules/dropped-column-still-referenced.md: its Bad example fails on
    the server as the page says, and its Good example (the expand and contract
    recipe) runs, each in a database of its own holding the users table."""
    name = "docs/rules/dropped-column-still-referenced.md"
    if ONLY and not re.search(ONLY, name):
        return
    path = os.path.join(SRC, name)
    if not os.path.exists(path):
        return
    with open(path) as f:
        doc = f.read()
    bad, good = doc_block(doc, "Bad"), doc_block(doc, "Good")
    table = "CREATE TABLE users (id bigint PRIMARY KEY, legacy_name text, display_name text);\n"
    # the Good recipe starts from what the Bad example made: the view
    bad_setup = "\n".join(l for l in bad.splitlines() if "DROP COLUMN" not in l)
    probs = []
    for what, sql, want_error in (("Bad", table + bad, "cannot drop column legacy_name of table users"),
                                  ("Good", table + bad_setup + "\n" + good, None)):
        db = "df_doc_" + what.lower()
        subprocess.run(PSQL + ["-c", f"CREATE DATABASE {db}"], stdout=subprocess.DEVNULL, check=True)
        p = subprocess.run(PSQL[:-1] + [db, "-v", "ON_ERROR_STOP=1"], input=sql, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        subprocess.run(PSQL + ["-c", f"DROP DATABASE {db}"], stdout=subprocess.DEVNULL, check=True)
        errors = [l for l in p.stdout.splitlines() if "ERROR" in l]
        if want_error and not any(want_error in l for l in errors):
            probs.append(f"{what} example: expected '{want_error}', got: {errors or 'no error'}")
        if not want_error and errors:
            probs.append(f"{what} example fails: {errors}")
    report(f"{name}: the Bad example fails on PostgreSQL, the Good one runs", probs)


def check_example():
    """examples/app-still-uses-column: its migrations run in order until the
    last one, whose DROP COLUMN PostgreSQL refuses because of the view, as
    its README says."""
    name = "examples/app-still-uses-column"
    folder = os.path.join(SRC, name, "db", "migrations")
    if (ONLY and not re.search(ONLY, name)) or not os.path.isdir(folder):
        return
    files = sorted(f for f in os.listdir(folder) if f.endswith(".sql"))
    db = "df_example"
    subprocess.run(PSQL + ["-c", f"CREATE DATABASE {db}"], stdout=subprocess.DEVNULL, check=True)
    errors = {}
    for f in files:
        p = subprocess.run(PSQL[:-1] + [db, "-v", "ON_ERROR_STOP=1", "-f", os.path.join(folder, f)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        errors[f] = [l for l in p.stdout.splitlines() if "ERROR" in l or "DETAIL" in l]
    subprocess.run(PSQL + ["-c", f"DROP DATABASE {db}"], stdout=subprocess.DEVNULL, check=True)
    probs = [f"{f}: {e}" for f, e in errors.items() if e and f != files[-1]]
    last = "\n".join(errors[files[-1]])
    if ("cannot drop column legacy_name of table authors because other objects depend on it" not in last
            or "view author_directory depends on column legacy_name" not in last):
        probs.append(f"{files[-1]}: expected the drop refused because of view author_directory, got: {last or 'success'}")
    report(f"{name}: the migrations run, the last one's DROP COLUMN is refused (view author_directory)", probs)


check_partition_key()
check_doc_recipe()
check_example()
for case in CASES:
    if ONLY and not re.search(ONLY, case.name):
        continue
    for cascade in (False, True):
        check_drop_column(case, cascade)
    check_alter_type(case)
    for cascade in (False, True):
        check_drop_table(case, cascade)
    check_rename(case, RENAME_COLUMN, "t", "d", "rename_col")
    check_rename(case, RENAME_TABLE, "u", "c", "rename_table")

    listed = [o for o in case.objs if o.listed]
    if have_dropped_rule:
        for cascade in (False, True):
            stmt = DROP_COLUMN + (" CASCADE" if cascade else "")
            want = set()
            for o in listed:
                if o.drop == "fails":
                    want.add((o.kind, o.name, "cascades" if cascade else "fails"))
                elif o.drop in ("dropped", "breaks"):
                    want.add((o.kind, o.name, o.drop))
            compare(f"{case.name}: migralint on {stmt}", migralint_refs(case, stmt, DROPPED_RULE), want)
        want = {(o.kind, o.name, "breaks") for o in listed if o.rename_col == "breaks"}
        compare(f"{case.name}: migralint on {RENAME_COLUMN}",
                migralint_refs(case, RENAME_COLUMN, DROPPED_RULE), want)
    # ALTER TYPE and DROP TABLE: what PostgreSQL refuses over (compared
    # among the references that say "fails" or "cascades" only).
    if have_type_refs:
        got = migralint_refs(case, alter_type(case.ctype), "changing-column-type")
        want = {(o.kind, o.name, "fails") for o in listed if o.alter == "fails"}
        compare(f"{case.name}: migralint on {alter_type(case.ctype)}",
                got if isinstance(got, str) else {r for r in got if r[2] in ("fails", "cascades")}, want)
    if have_table_refs:
        for cascade in (False, True):
            stmt = DROP_TABLE + (" CASCADE" if cascade else "")
            got = migralint_refs(case, stmt, "ban-drop-table")
            want = {(o.kind, o.name, "cascades" if cascade else "fails") for o in listed if o.table == "fails"}
            compare(f"{case.name}: migralint on {stmt}",
                    got if isinstance(got, str) else {r for r in got if r[2] in ("fails", "cascades")}, want)
    # RENAME TABLE: tracked objects follow the table; what names it by text breaks.
    if have_rename_table_refs:
        want = {(o.kind, o.name, "breaks") for o in listed if o.rename_table == "breaks"}
        compare(f"{case.name}: migralint on {RENAME_TABLE}", migralint_refs(case, RENAME_TABLE, "renaming-table"), want)

if not json_refs:
    skipped.append("migralint's side: src/report/report_json.c writes no \"references\" yet")
elif not have_dropped_rule:
    skipped.append(f"migralint's side of DROP/RENAME COLUMN: rules/{DROPPED_RULE}.c does not exist yet")
if json_refs and not have_type_refs:
    skipped.append("migralint's side of ALTER COLUMN TYPE: rules/changing-column-type.c lists no references yet")
if json_refs and not have_rename_table_refs:
    skipped.append("migralint's side of RENAME TABLE: rules/renaming-table.c lists no references yet")
if json_refs and not have_table_refs:
    skipped.append("migralint's side of DROP TABLE: rules/ban-drop-table.c lists no references yet")
for g in gaps:
    print(f"gap  {g}")
for s in skipped:
    print(f"skip {s}")
print(f"{passed} passed, {problems_total} failed")
sys.exit(1 if problems_total else 0)
