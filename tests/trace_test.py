#!/usr/bin/env python3
"""trace_test.py - the lock model against PostgreSQL itself: runs
`migralint trace` over every fixture (tests/fixtures/*/*.sql) and every
example (examples/), and requires that no statement gives trace-mismatch.

The fixtures: each is traced in a fresh database of the server
tests/trace_test.sh started (scratch mode, --database-url: one transaction,
rolled back). Fixtures alter tables they never create, as migrations alter
tables that earlier ones made. So when PostgreSQL answers that a table,
schema or column does not exist, the test makes an empty one (a column is
made as text) in that database and traces the fixture again, until nothing
is missing. A fixture's --history file is applied first, with psql. A
statement that still fails (a stub column of the wrong type) is counted, not
compared. Fixtures are traced at the server's version: their --pg-version
headers are about the model on older servers. STAND_IN lists the few claims
that rest on state a fixture does not show (a column's type, whether a table
is logged), where the stand-ins differ from what the fixture means; each must
still give its trace-mismatch.

The examples: each migration directory is traced with migralint's own
throwaway server (`migralint trace DIR`, no --database-url), as a user
runs it, the way its tool runs it.

It prints what ran and failed, and how many fixtures ran nothing (their
stand-ins could not make them run: a type the migration needs, an
extension), and fails on any trace-mismatch, on fewer than 1,000 fixture
statements run, or on an example statement that failed.

usage: trace_test.py MIGRALINT REPO_ROOT PSQL SOCKET_DIR
"""
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import tempfile

ML, ROOT, PSQL, SOCKET = sys.argv[1:5]
FAILURES = []

# Claims the model makes about state a fixture does not show, where the
# test's stand-ins (an empty table with a primary key, text columns) differ
# from what the fixture means. Each must still differ, or the entry goes.
STAND_IN = {
    ("tests/fixtures/prefer-text-field/quiet-varchar-without-length.sql", 10):
        "the column's type is not in the migration: the model assumes one that TYPE text rewrites, the stand-in "
        "column is text already",
    ("tests/fixtures/table-rewrite/quiet-table-truncated-in-transaction.sql", 7):
        "SET LOGGED rewrites an unlogged table and does nothing to a logged one: the migration does not say which, "
        "and the stand-in table is logged",
}
STAND_IN_SEEN = set()
COUNTS = {"ran": 0, "failed": 0, "not run": 0}
COUNTS_LOCK = threading.Lock()


def psql(db, sql, check=True):
    r = subprocess.run([PSQL, "-X", "-q", "-h", SOCKET, "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1"],
                       input=sql, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"psql on {db}: {r.stderr}")
    return r


def ident(name):
    return '"' + name.replace('"', '""') + '"'


def qualified(name):
    """'s.t' or 't' (as PostgreSQL's message quotes it) as SQL."""
    parts = name.split(".")
    return ".".join(ident(p) for p in parts)


def trace(args, database=None):
    cmd = [ML, "trace", "--no-config", "--format", "json"]
    if database:
        cmd += ["--database-url", f"host={SOCKET} user=postgres dbname={database}"]
    # A session time zone other than UTC: there, timestamp to timestamptz
    # rewrites the table, as the model says it may (on UTC it does not).
    env = dict(os.environ, PGTZ="America/New_York")
    r = subprocess.run(cmd + args, capture_output=True, text=True, cwd=ROOT, env=env)
    if r.returncode not in (0, 1):
        raise RuntimeError(f"migralint trace {' '.join(args)} exited {r.returncode}: {r.stderr}")
    return json.loads(r.stdout)


STUBS = [
    (re.compile(r'^relation "([^"]+)" does not exist$'), "table"),
    (re.compile(r'^schema "([^"]+)" does not exist$'), "schema"),
    (re.compile(r'^column "([^"]+)" of relation "([^"]+)" does not exist$'), "column"),
    (re.compile(r'^column "([^"]+)" does not exist$'), "bare column"),
]


def stub_for(error, statement_tables, kind_of_statement):
    """The SQL that makes what PostgreSQL said is missing, or None. A
    statement about an index (ALTER INDEX, DROP INDEX, REINDEX) gets an
    index on a table of its own."""
    for pattern, kind in STUBS:
        m = pattern.match(error["message"] or "")
        if not m:
            continue
        if kind == "table":
            name = m.group(1)
            schema = f"CREATE SCHEMA IF NOT EXISTS {ident(name.split('.')[0])};\n" if "." in name else ""
            if "INDEX" in kind_of_statement.upper() and name in statement_tables:
                table = qualified(name + "_stub_table")
                return (schema + f"CREATE TABLE {table} (c text);\n"
                        f"CREATE INDEX {ident(name.split('.')[-1])} ON {table} (c);")
            # With a primary key, as most live tables have: REINDEX and
            # CLUSTER ... USING name_pkey have an index to work on.
            pkey = ident(name.split(".")[-1] + "_pkey")
            return schema + f"CREATE TABLE IF NOT EXISTS {qualified(name)} (id bigint CONSTRAINT {pkey} PRIMARY KEY);"
        if kind == "schema":
            return f"CREATE SCHEMA IF NOT EXISTS {ident(m.group(1))};"
        if kind == "column":
            return f"ALTER TABLE {qualified(m.group(2))} ADD COLUMN IF NOT EXISTS {ident(m.group(1))} text;"
        if kind == "bare column" and len(statement_tables) == 1:
            return f"ALTER TABLE {qualified(statement_tables[0])} ADD COLUMN IF NOT EXISTS {ident(m.group(1))} text;"
    return None


def header_words(sql):
    first = sql.split("\n", 1)[0]
    if not first.startswith("-- migralint-test:"):
        return []
    return first[len("-- migralint-test:"):].split()


def fixture(n, path):
    sql = open(os.path.join(ROOT, path), encoding="utf-8", errors="replace").read()
    words = header_words(sql)
    args = ["--assume-in-transaction"] if "--assume-in-transaction" in words else []
    history = words[words.index("--history") + 1] if "--history" in words else None
    db = f"fixture_{n}"
    psql("postgres", f"CREATE DATABASE {db} TEMPLATE template0;")
    try:
        if history:
            text = open(os.path.join(ROOT, os.path.dirname(path), history), encoding="utf-8").read()
            psql(db, text, check=False)
        made = set()
        for _ in range(12):
            report = trace(args + [path], db)
            new = []
            for s in report.get("statements", []):
                o = s.get("observed") or {}
                if o.get("status") == "failed":
                    tables = [l["table"] for l in s.get("locks", [])]
                    stub = stub_for(o["error"], tables, s.get("kind", ""))
                    if stub and stub not in made:
                        new.append(stub)
            if not new:
                break
            for stub in new:
                made.add(stub)
                psql(db, stub, check=False)
        ran = 0
        for s in report.get("statements", []):
            status = (s.get("observed") or {}).get("status", "not run")
            with COUNTS_LOCK:
                COUNTS[status] += 1
            ran += status == "ran"
        for d in report["diagnostics"]:
            if d["rule"] == "trace-mismatch" and not d.get("suppressed"):
                if (d["path"], d["line"]) in STAND_IN:
                    STAND_IN_SEEN.add((d["path"], d["line"]))
                    print(f"not compared: {d['path']}:{d['line']}: {STAND_IN[(d['path'], d['line'])]}")
                else:
                    FAILURES.append(f"{d['path']}:{d['line']}: {d['message']}")
        return ran
    finally:
        psql("postgres", f"DROP DATABASE {db};")


def with_readme_baseline(path):
    """A copy of the migrations of path beside the tables they alter: the
    first ```sql block of examples/README.md (the earlier migrations the
    example stands on), as the context migration that sorts first. Returns
    the copy's folder and the baseline's path."""
    text = open(os.path.join(ROOT, "examples/README.md"), encoding="utf-8").read()
    block = text.split("```sql\n", 1)[1].split("```", 1)[0]
    folder = tempfile.mkdtemp(prefix="trace-test-")
    for name in os.listdir(os.path.join(ROOT, path)):
        shutil.copy(os.path.join(ROOT, path, name), folder)
    baseline = os.path.join(folder, "00000000000000_baseline.sql")
    with open(baseline, "w", encoding="utf-8") as f:
        f.write(block)
    return folder, baseline


def example(path, context=None, failures_allowed=False):
    report = trace((["--context", context] if context else []) + [path])
    for s in report.get("statements", []):
        o = s.get("observed") or {}
        status = o.get("status", "not run")
        COUNTS[status] += 1
        if status == "failed":
            line = f"{s['path']}:{s['line']}: example statement failed: {o['error']['message']}"
            if failures_allowed:
                print("expected:", line)
            else:
                FAILURES.append(line)
    for d in report["diagnostics"]:
        if d["rule"] == "trace-mismatch" and not d.get("suppressed"):
            FAILURES.append(f"{d['path']}:{d['line']}: {d['message']}")
    return len(report.get("statements", []))


def main():
    fixtures = sorted(os.path.join("tests/fixtures", rule, f) for rule in os.listdir(os.path.join(ROOT, "tests/fixtures"))
                      if os.path.isdir(os.path.join(ROOT, "tests/fixtures", rule))
                      for f in os.listdir(os.path.join(ROOT, "tests/fixtures", rule)) if f.endswith(".sql"))
    only = os.environ.get("TRACE_ONLY")
    if only:
        fixtures = [f for f in fixtures if re.search(only, f)]
    # Two at a time: each fixture has a database of its own.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        ran = list(pool.map(fixture, range(len(fixtures)), fixtures))
    silent = [path for path, n in zip(fixtures, ran) if n == 0]
    print(f"fixtures: {len(fixtures)} traced; statements ran {COUNTS['ran']}, failed {COUNTS['failed']}, "
          f"not run {COUNTS['not run']}; {len(silent)} fixtures with no statement that ran")
    ran_fixtures = COUNTS["ran"]
    if not only or re.search(only, "examples"):
        folder, baseline = with_readme_baseline("examples/migrations")
        # app-still-uses-column drops a column a view still uses: PostgreSQL
        # refuses it, which is what the example shows.
        examples = [(folder, baseline, False), ("examples/reversible/db/migrations", None, False),
                    ("examples/app-still-uses-column/db/migrations", None, True)]
        try:
            for path, context, failures_allowed in examples:
                statements = example(path, context, failures_allowed)
                print(f"example {path}: {statements} statements traced on migralint's own server")
                if statements == 0:
                    FAILURES.append(f"{path}: no statement traced")
        finally:
            shutil.rmtree(folder)
    # A test that compares nothing would pass: most fixtures must run.
    for path, line in sorted(set(STAND_IN) - STAND_IN_SEEN):
        if not only or re.search(only, path):
            FAILURES.append(f"{path}:{line}: listed in STAND_IN but gives no trace-mismatch: remove it")
    if not only and ran_fixtures < 1000:
        FAILURES.append(f"only {ran_fixtures} fixture statements ran: the comparison covers too little")
    for f in FAILURES:
        print("FAIL", f)
    print(f"{len(FAILURES)} failures")
    return 1 if FAILURES else 0


sys.exit(main())
