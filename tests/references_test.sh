#!/usr/bin/env bash
# references_test.sh - --references end to end: the application under
# tests/references/project (Rails, Go, Django, SQLAlchemy, Prisma, Drizzle
# and Knex code, tests/references/README.md lists what uses what) and its
# migrations, linted with the scan of the code: which drops
# dropped-column-still-referenced reports with which uses, the quiet ones
# (a file that never names the table, ignored_columns, the column-removed
# comment, a dependency folder, an excluded folder), every format, the
# configuration file, a missing path, standard input, and the same report
# for any --jobs.
# usage: references_test.sh MIGRALINT REPO_ROOT
set -u
ML=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$2" && pwd)
PROJECT=$ROOT/tests/references/project
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

check() { # check NAME CONDITION...
	local name=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
		echo "ok   $name"
	else
		failed=$((failed + 1))
		echo "FAIL $name"
		[ -n "${err:-}" ] && printf '     stderr: %s\n' "$err"
	fi
}

run() { # run ARGS... (in the current directory); sets out, err, code
	out=$("$ML" "$@" 2>"$tmp/err")
	code=$?
	err=$(cat "$tmp/err")
}

# uses JSON: one line per dropped-column-still-referenced finding, "LINE:
# PATH:LINE PATH:LINE..." (its code references), sorted by line; and checks
# that each code reference is kind code, effect uses, with the text of its
# line (trimmed) from the file.
uses() {
	"$PY" -c '
import json, sys
for d in json.loads(sys.stdin.read())["diagnostics"]:
    if d["rule"] != "dropped-column-still-referenced":
        continue
    refs = [r for r in d.get("references", []) if r["kind"] == "code"]
    for r in refs:
        assert r["effect"] == "uses" and r["name"] is None, r
        with open(r["path"], encoding="utf-8") as f:
            line = f.read().split("\n")[r["line"] - 1].strip()
        assert r["text"] == line, (r, line)
    print(str(d["line"]) + ":", " ".join("%s:%d" % (r["path"], r["line"]) for r in refs))
'
}

EXPECTED="5: ./app/models/report.rb:3 ./app/models/report.rb:5 ./app/models/user.rb:8
6: ./go/store/profile.go:7 ./go/store/profile.go:10
7: ./django/accounts/models.py:5
8: ./py/shop/orm.py:11
9: ./prisma/schema.prisma:8
10: ./web/src/db/schema.ts:5
11: ./web/src/db/queries.ts:6
17: ./docs/schema.md:3"

cd "$PROJECT" || exit 1

# ---- the whole history, with the code -------------------------------------
run --no-config --format json --references . db/migrations
json=$out
check "exit 1: findings" test "$code" -eq 1
got=$(uses <<<"$json")
check "each drop still used is reported with its uses, in five languages" test "$got" = "$EXPECTED"
[ "$got" = "$EXPECTED" ] || printf '     got:\n%s\n' "$got"
for line in 14 15 16; do
	check "a drop nothing uses is quiet (line $line: only in a file without its table, ignored_columns, the column-removed comment)" \
		bash -c '! grep -q "^$0:" <<<"$1"' "$line" "$got"
done
check "a drop nothing uses gets no finding at all (ban-drop-column is the fallback)" "$PY" -c '
import json, sys
lines = sorted({d["line"] for d in json.loads(sys.stdin.read())["diagnostics"]})
assert not {14, 15, 16} & set(lines), lines
' <<<"$json"
check "node_modules is not read" bash -c '! grep -q node_modules <<<"$0"' "$json"
check "the migrations are not uses of themselves" bash -c '! grep -q "\"path\":\"./db/migrations/" <<<"$0"' "$json"
check "the message names the first two uses, then counts" \
	grep -qF 'dropping column \"legacy_name\" of \"users\"; still used at ./app/models/report.rb:3, ./app/models/report.rb:5 and 1 more' <<<"$json"

run --no-config --format json --references . --jobs 1 db/migrations
check "the same report on one thread" test "$out" = "$json"

# ---- without the code ------------------------------------------------------
run --no-config --format json db/migrations
check "without --references nothing is scanned" bash -c '! grep -q "\"kind\":\"code\"" <<<"$0"' "$out"

# ---- one migration named, standard input -----------------------------------
run --no-config --format json --references . db/migrations/0002_drop_columns.sql
check "one file named: its folder's other migrations are not uses" test "$(uses <<<"$out")" = "$EXPECTED"
run --no-config --format json --references . --stdin-filename db/migrations/0002_drop_columns.sql - \
	<db/migrations/0002_drop_columns.sql
check "standard input under a migration's name: the same uses" test "$(uses <<<"$out")" = "$EXPECTED"

# ---- the formats -----------------------------------------------------------
run --no-config --references . db/migrations
check "text: a line per use under the finding" \
	grep -qxF '  still used at ./app/models/user.rb:8: legacy_name.presence || email' <<<"$out"
check "text: the Go struct's line" \
	grep -qxF '  still used at ./go/store/profile.go:7: LegacyBio string `db:"legacy_bio"`' <<<"$out"
run --no-config --format gcc --references . db/migrations
check "gcc: a note at each use" grep -qxF \
	'./prisma/schema.prisma:8:1: note: still used here: legacyNumber String? @map("legacy_number") [dropped-column-still-referenced]' \
	<<<"$out"
run --no-config --format sarif --references . db/migrations
check "sarif: relatedLocations at the uses, relative to the current directory" "$PY" -c '
import json, sys
results = json.loads(sys.stdin.read())["runs"][0]["results"]
related = [r for x in results if x["ruleId"] == "dropped-column-still-referenced" for r in x.get("relatedLocations", [])]
assert len(related) == 11, len(related)
first = related[0]
assert first["id"] == 1
assert first["physicalLocation"]["artifactLocation"] == {"uri": "app/models/report.rb", "uriBaseId": "%SRCROOT%"}, first
assert first["physicalLocation"]["region"] == {"startLine": 3}, first
assert first["message"]["text"] == "still used here: SELECT id, email, legacy_name", first
' <<<"$out"
run --no-config --format markdown --references . db/migrations
check "markdown: the uses listed" grep -qF -- '- code at `./py/shop/orm.py:11`: `legacy_total = Column(Numeric)`' <<<"$out"
run --no-config --format github --references . db/migrations
check "github: the uses in the annotation" grep -qF '%0A  still used at ./web/src/db/queries.ts:6: .whereNotNull("discontinued_at");' <<<"$out"
run --no-config --format gitlab --references . db/migrations
check "gitlab: the uses in the body" grep -qF -- '- ` still used at ./django/accounts/models.py:5: legacy_plan = models.TextField(null=True) `' <<<"$out"

# ---- a path that cannot be read --------------------------------------------
run --no-config --format json --references . --references nowhere db/migrations
check "a missing reference path: exit 2" test "$code" -eq 2
check "a missing reference path: named on stderr" \
	grep -qxF "migralint: error: cannot read 'nowhere': No such file or directory" <<<"$err"
check "a missing reference path: the rest is scanned and reported" test "$(uses <<<"$out")" = "$EXPECTED"
run --no-config --references nowhere db/migrations/0001_schema.sql
check "a missing reference path is named even when nothing is dropped" \
	bash -c '[ "$0" -eq 2 ] && grep -qF "cannot read '"'"'nowhere'"'"'" <<<"$1"' "$code" "$err"

# ---- the configuration file, in a copy of the project ----------------------
cp -r "$PROJECT" "$tmp/proj"
cd "$tmp/proj" || exit 1
# A binary file that names a dropped column and its table is not read.
printf 'PNG\0 products legacy_sku\n' >web/logo.png
cat >.migralint.json <<'EOF'
{ "references": { "paths": ["."], "exclude": ["docs", "**/queries.ts"] } }
EOF
run --format json db/migrations
got=$(uses <<<"$out")
check "config: the exclude globs (a folder, a file anywhere) leave their uses out" \
	test "$got" = "$(grep -v '^17:\|^11:' <<<"$EXPECTED")"
run --print-config
check "config: --print-config shows the paths and globs" \
	bash -c 'grep -qE "^  references +\. +\.migralint\.json$" <<<"$0" &&
		 grep -qE "^  references_exclude +docs +\.migralint\.json$" <<<"$0"' "$out"
mkdir -p sub
(cd sub && "$ML" --format json ../db/migrations >"$tmp/out" 2>"$tmp/err")
check "config from a parent folder: its paths are taken from its folder" \
	grep -qF "\"path\":\"$tmp/proj/app/models/user.rb\",\"line\":8" "$tmp/out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
