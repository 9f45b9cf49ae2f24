#!/usr/bin/env bash
# plpgsql_bodies_test.sh - checks migralint's PL/pgSQL fixtures against a
# real PostgreSQL 15 server: PostgreSQL must refuse exactly the bodies the
# expected JSON reports as PL/pgSQL syntax errors, at the same line and
# column, and accept every other body.
#
# libpg_query's PL/pgSQL compiler knows less than PostgreSQL's (OUT
# parameters, $n names, variable types), so migralint helps it along
# (src/source/plpgsql_compile.c); this is where that help is held to what
# PostgreSQL says. Each fixture runs in a throw-away cluster with
# check_function_bodies on, so CREATE FUNCTION compiles its body. A DO block
# would run, so it is compiled as a function of the same body instead (on
# the same line). The fixtures use built-in types only.
#
# Exits 77 (skipped) without PostgreSQL 15 or /usr/bin/python3.
# usage: plpgsql_bodies_test.sh MIGRALINT REPO_ROOT
set -u
ML=$1
ROOT=$2
# a throw-away PostgreSQL 15 cluster: PGBIN, PY, as_pg and dir (tests/pg_server.sh)
source "$(dirname -- "${BASH_SOURCE[0]}")/pg_server.sh"

# The fixtures with PL/pgSQL bodies whose verdicts PostgreSQL can check.
fixtures=("$ROOT"/tests/fixtures/syntax-error/*plpgsql*.sql "$ROOT"/tests/fixtures/dynamic-sql-not-analysed/*.sql)

# Prints "LINE:COLUMN" for each body PostgreSQL refuses in the file $1 (run
# as psql's output $2 shows), and for each PL/pgSQL syntax-error in the JSON
# report $3, as "pg ..." and "ml ..." lines.
compare='
import json, re, sys
sql = open(sys.argv[1], encoding="utf-8").read().split("\n")
psql = open(sys.argv[2], encoding="utf-8").read().split("\n")
for i, text in enumerate(psql):
    m = re.match(r"psql:[^:]*:(\d+): ERROR:  (.*)", text)
    if not m:
        continue
    end = int(m.group(1))
    # The statement ends on line `end`; it starts at the last CREATE or DO
    # at the start of a line before it.
    start = max(n for n in range(1, end + 1) if re.match(r"(CREATE|DO)\b", sql[n - 1]))
    where = re.match(r"LINE (\d+): (.*)", psql[i + 1]) if i + 1 < len(psql) else None
    if not where or "..." in psql[i + 1]:
        print("pg unplaced", end, m.group(2))
        continue
    caret = psql[i + 2].index("^") - len("LINE %s: " % where.group(1))
    print("pg %d:%d %s" % (start + int(where.group(1)) - 1, caret + 1, m.group(2)))
for d in json.load(open(sys.argv[3]))["diagnostics"]:
    if d["rule"] == "syntax-error" and d["message"].startswith("PL/pgSQL: "):
        print("ml %d:%d %s" % (d["line"], d["column"], d["message"][len("PL/pgSQL: "):]))
'

passed=0
failed=0
n=0
for sql in "${fixtures[@]}"; do
	[[ -f $sql ]] || continue
	name=${sql#"$ROOT"/tests/fixtures/}
	n=$((n + 1))
	db=fixture_$n
	"$PGBIN/psql" -X -q -h "$dir" -U postgres -d postgres -c "CREATE DATABASE $db" >/dev/null
	# DO $tag$ -> CREATE FUNCTION pg_temp.do_block() ... AS $tag$, on the same line.
	sed -E 's/^DO (\$[A-Za-z_]*\$)$/CREATE OR REPLACE FUNCTION pg_temp.do_block() RETURNS void LANGUAGE plpgsql AS \1/' \
		"$sql" >"$dir/compiled.sql"
	"$PGBIN/psql" -X -h "$dir" -U postgres -d "$db" -v ON_ERROR_STOP=0 -v VERBOSITY=default \
		-c "SET check_function_bodies = on" -f "$dir/compiled.sql" >"$dir/psql.out" 2>&1
	"$ML" --no-config --format json "$sql" >"$dir/ml.json" 2>/dev/null
	"$PY" -c "$compare" "$dir/compiled.sql" "$dir/psql.out" "$dir/ml.json" >"$dir/verdicts"
	pg=$(sed -n 's/^pg \([0-9:]*\) .*/\1/p' "$dir/verdicts" | sort)
	ml=$(sed -n 's/^ml \([0-9:]*\) .*/\1/p' "$dir/verdicts" | sort)
	if grep -q '^pg unplaced' "$dir/verdicts" || [[ $pg != "$ml" ]]; then
		echo "FAIL $name: PostgreSQL and migralint disagree"
		sed 's/^/    /' "$dir/verdicts"
		failed=$((failed + 1))
	else
		echo "ok   $name ($(grep -c '^pg ' "$dir/verdicts") bodies refused by both)"
		passed=$((passed + 1))
	fi
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
