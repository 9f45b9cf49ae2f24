#!/usr/bin/env bash
# psql_split_test.sh - whatever psql 15 runs from a file, migralint lints.
#
# Files are built at random (a fixed seed) from the pieces that decide what
# psql sends: statements that each create a table of their own name, "--"
# comments ended by a newline or a lone carriage return, CR LF, psql
# meta-commands, "\\", "\;", whole-line commands, unterminated quotes in a
# command, COPY ... FROM stdin (one that parses, one that does not) with data
# and "\." lines, block comments, quotes and parentheses. Each file runs with
# `psql -f` on a throw-away PostgreSQL 15 cluster (initdb into a temporary
# directory, unix socket only); the tables that exist afterwards are the
# statements psql ran. migralint's `--format json --statements` timeline must
# list each of them as a CREATE TABLE at its position. It may list more: psql
# drops what follows a failing command, which migralint cannot know.
#
# PSQL_SPLIT_TRIALS sets the number of files (default 200), PSQL_SPLIT_SEED
# the seed (default 1); a failure prints the file.
# Exits 77 (skipped) without PostgreSQL 15 or /usr/bin/python3.
# usage: psql_split_test.sh MIGRALINT
set -u
ML=$(readlink -f "$1") # the files run in a directory of their own
# a throw-away PostgreSQL 15 cluster: PGBIN, PY, as_pg and dir (tests/pg_server.sh)
source "$(dirname -- "${BASH_SOURCE[0]}")/pg_server.sh"

# The files are written and run in a directory of their own: a "\o |cat"
# or "\w" piece must not write anywhere else.
mkdir "$dir/work"
cd "$dir/work" || exit 1
"$PY" - "$ML" "$PGBIN/psql" "$dir" "${PSQL_SPLIT_TRIALS:-200}" "${PSQL_SPLIT_SEED:-1}" <<'EOF'
import json, random, re, subprocess, sys

ml, psql_bin, sock, trials, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
random.seed(seed)

def psql(args, stdin=b""):
    return subprocess.run([psql_bin, "-X", "-q", "-h", sock, "-U", "postgres", "-d", "postgres"] + args,
                          input=stdin, capture_output=True, timeout=60)

psql(["-c", "CREATE TABLE copy_target (a int)"])
DROP_ALL = ("DO $$ DECLARE r record; BEGIN FOR r IN SELECT relname FROM pg_class "
            "WHERE relname ~ '^m[0-9]+$' AND relkind = 'r' LOOP EXECUTE 'DROP TABLE ' || r.relname; "
            "END LOOP; END $$")

PIECES = [
    None, None, None, None,  # a statement creating the next table
    "-- c", "-- c\\echo x", "\r", "\n", "\r\n", " ",
    "\\set x 1 ", "\\echo a ", "\\echo 'a\\\\b' ", "\\\\ ", "\\; ", "\\g ", "\\echo 'open ",
    "\\! true ", "\\o |cat ", "\\h SELECT ",
    "COPY copy_target FROM stdin;", ")COPY copy_target FROM stdin;", "1\n", "\\.\n", "\\.\r\n",
    "/* c */", "/* ", " */", "'", "$$", "(", ")", "SELECT 1",
]

failures = 0
extra_total = 0
for trial in range(trials):
    n = 0
    parts = []
    for _ in range(random.randint(3, 16)):
        piece = random.choice(PIECES)
        if piece is None:
            n += 1
            piece = "CREATE TABLE m%d ();" % n
        parts.append(piece)
    text = "".join(parts)
    with open("t.sql", "w", newline="") as f:
        f.write(text)
    psql(["-c", DROP_ALL])
    psql(["-f", "t.sql"])
    out = psql(["-Atc", "SELECT substr(relname, 2) FROM pg_class WHERE relname ~ '^m[0-9]+$' AND relkind = 'r'"])
    ran = {int(x) for x in out.stdout.decode().split()}

    lint = subprocess.run([ml, "--no-config", "--format", "json", "--statements", "t.sql"], capture_output=True,
                          timeout=60)
    try:
        doc = json.loads(lint.stdout)
    except ValueError:
        print("FAIL trial %d: migralint printed no JSON (exit %d): %r" % (trial, lint.returncode, text))
        failures += 1
        continue
    lines = re.split(r"\r\n|\r|\n", text)
    linted = set()
    for s in doc.get("statements", []):
        if s["kind"] != "CREATE TABLE":
            continue
        rest = "\n".join([lines[s["line"] - 1][s["column"] - 1:]] + lines[s["line"]:])
        m = re.match(r"(?:\s|/\*.*?\*/|--[^\r\n]*|;)*CREATE TABLE m(\d+)", rest, re.S)
        if m:
            linted.add(int(m.group(1)))
    missed = ran - linted
    extra_total += len(linted - ran)
    if missed:
        failures += 1
        print("FAIL trial %d: psql ran m%s, migralint did not lint them: %r"
              % (trial, sorted(missed), text))
print("%d files, %d with a statement psql ran and migralint did not lint; "
      "%d statements linted that psql did not run (after a failing command, or not sent)"
      % (trials, failures, extra_total))
sys.exit(1 if failures else 0)
EOF
