#!/usr/bin/env bash
# corpus_test.sh - robustness and realism over the real migrations in
# ../shared/corpus (read in place, never copied): one run over every project
# finishes without a crash and lists every file, and known hazards are found.
# Exits 77 (skipped) when ../shared is absent, as in a user's clone.
# usage: corpus_test.sh MIGRALINT REPO_ROOT
set -u
ML=$1
ROOT=$2
CORPUS=$(cd "$ROOT/../shared/corpus" 2>/dev/null && pwd)
if [ -z "$CORPUS" ] || [ ! -d "$CORPUS" ]; then
	echo "skipped: $CORPUS not present"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
check() {
	local name=$1
	shift
	if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}

projects=()
for d in "$CORPUS"/*/; do
	case "$(basename "$d")" in postgres_regress) ;; *) projects+=("${d%/}") ;; esac
done
"$ML" --format json "${projects[@]}" >"$tmp/report.json" 2>"$tmp/err"
code=$?
check "one run over ${#projects[@]} projects exits 0..2 (got $code)" test "$code" -le 2
expected=$(find "${projects[@]}" -name '*.sql' -not -path '*/.*' | sort)
listed=$(/usr/bin/python3 -c 'import json,sys; [print(f["path"]) for f in json.load(open(sys.argv[1]))["files"]]' "$tmp/report.json" | sort)
check "every corpus file is listed ($(wc -l <<<"$expected") files)" test "$expected" = "$listed"
lemmy=LemmyNet__lemmy/migrations/2023-06-07-105918_add_hot_rank_columns/up.sql
hits=$(/usr/bin/python3 -c 'import json,sys; print(sum(1 for d in json.load(open(sys.argv[1]))["diagnostics"] if d["path"].endswith(sys.argv[2]) and d["rule"]=="unbatched-update"))' "$tmp/report.json" "$lemmy")
check "the four full-table UPDATEs in $lemmy are flagged (got $hits)" test "$hits" -eq 4

# PostgreSQL's regression SQL: psql commands, invalid SQL, a non-UTF-8 file.
"$ML" --format json "$CORPUS/postgres_regress" >"$tmp/regress.json" 2>"$tmp/err"
code=$?
check "postgres_regress run exits 0..2 (got $code)" test "$code" -le 2
n=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["files"]))' "$tmp/regress.json")
check "every postgres_regress file is listed ($n)" test "$n" -eq "$(find "$CORPUS/postgres_regress" -name '*.sql' | wc -l)"
check "the non-UTF-8 file is reported as invalid-input" \
	grep -q '"rule":"invalid-input","severity":"error","path":"[^"]*collate.windows.win1252.sql"' "$tmp/regress.json"

# Parsing ahead on worker threads must not change a byte of the report.
"$ML" --jobs 1 --format json --statements "$CORPUS/postgres_regress" >"$tmp/jobs1.json" 2>/dev/null
"$ML" --jobs 2 --format json --statements "$CORPUS/postgres_regress" >"$tmp/jobs2.json" 2>/dev/null
check "postgres_regress: --jobs 2 report identical to --jobs 1" cmp -s "$tmp/jobs1.json" "$tmp/jobs2.json"

# The whole corpus in one run (all projects and postgres_regress), with
# worker threads: it finishes, lists every file, and the memory checker
# reports nothing. In the build-asan run of this script the binary carries
# AddressSanitizer and UBSan, which abort on an error; otherwise valgrind
# memcheck runs it (about a minute on the 2-core development VM): no invalid
# read or write, no use of uninitialised memory, no leak but libpg_query's
# own (tests/valgrind.supp).
if grep -qa __asan_init "$ML" || { command -v ldd >/dev/null 2>&1 && ldd "$ML" 2>/dev/null | grep -q libasan; }; then
	checker="AddressSanitizer+UBSan"
	wrap=()
elif command -v valgrind >/dev/null 2>&1; then
	checker=valgrind
	wrap=(valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
		--suppressions="$ROOT/tests/valgrind.supp" --num-callers=30 --log-file="$tmp/valgrind.log")
else
	checker="no memory checker (valgrind is not installed)"
	wrap=()
fi
start=$(date +%s)
${wrap[@]+"${wrap[@]}"} "$ML" --jobs 2 --format json "$CORPUS" >"$tmp/whole.json" 2>"$tmp/whole.err"
code=$?
echo "whole corpus under $checker: $(($(date +%s) - start)) s, exit $code"
check "whole corpus, one run under $checker: exits 0..2 (got $code)" test "$code" -le 2
if [ "$checker" = valgrind ]; then
	check "valgrind: ERROR SUMMARY: 0 errors" grep -q "ERROR SUMMARY: 0 errors from 0 contexts" "$tmp/valgrind.log"
fi
find "$CORPUS" -name '*.sql' -not -path '*/.*' | sort >"$tmp/whole.expected"
/usr/bin/python3 -c 'import json,sys; [print(f["path"]) for f in json.load(open(sys.argv[1]))["files"]]' \
	"$tmp/whole.json" 2>/dev/null | sort >"$tmp/whole.listed"
check "whole corpus: every .sql file is listed ($(wc -l <"$tmp/whole.expected") files)" \
	bash -c '[ -s "$0" ] && cmp -s "$0" "$1"' "$tmp/whole.expected" "$tmp/whole.listed"
if [ "$failed" -gt 0 ]; then
	tail -30 "$tmp/whole.err"
	[ "$checker" != valgrind ] || grep -v "^==[0-9]*== *$" "$tmp/valgrind.log" | tail -60
fi

# Each project linted the way its tool runs it (README.md of the corpus names
# the tool): detected from its layout, except concourse and synapse, whose
# own runners wrap each file in a transaction (plain, assumed transaction).
# Nothing in a down migration is reported above info, no file its tool runs
# outside a transaction gets concurrently-in-transaction, and a migration
# linted alone (the rest of its directory as context) gets the findings it
# gets in the whole run.
declare -A EXPECT_TOOL=([LemmyNet__lemmy]=diesel [goharbor__harbor]=golang-migrate [ory__kratos]=pop
	[documenso__documenso]=prisma [supabase__auth]=pop)
for project in "${projects[@]}"; do
	name=$(basename "$project")
	opts=()
	case "$name" in concourse__concourse | element-hq__synapse) opts=(--tool plain --assume-in-transaction) ;; esac
	"$ML" --no-config --format json --fail-on info "${opts[@]+"${opts[@]}"}" "$project" >"$tmp/p.json" 2>/dev/null
	/usr/bin/python3 - "$tmp/p.json" "${EXPECT_TOOL[$name]:-plain}" >"$tmp/p.check" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
tools = sorted({f["tool"] for f in d["files"]})
print("tools", ",".join(tools))
# down-does-not-reverse-up judges the down as a down: it keeps its severity.
print("down_above_info", sum(1 for x in d["diagnostics"] if x["direction"] == "down" and x["severity"] != "info"
                             and x["rule"] != "down-does-not-reverse-up"))
print("autocommit_concurrently", sum(1 for x in d["diagnostics"] if x["rule"] == "concurrently-in-transaction"
      and ".autocommit." in x["path"]))
PY
	check "$name: linted as ${EXPECT_TOOL[$name]:-plain}" grep -qx "tools ${EXPECT_TOOL[$name]:-plain}" "$tmp/p.check"
	check "$name: nothing in a down migration above info (but down-does-not-reverse-up)" grep -qx "down_above_info 0" "$tmp/p.check"
	check "$name: no concurrently-in-transaction in a file run outside a transaction" \
		grep -qx "autocommit_concurrently 0" "$tmp/p.check"
	"$ML" --no-config --format gcc --fail-on info "${opts[@]+"${opts[@]}"}" "$project" >"$tmp/p.all" 2>/dev/null
	# Four migrations spread over the history, each linted alone.
	mapfile -t files < <(/usr/bin/python3 -c 'import json,sys
fs=[f["path"] for f in json.load(open(sys.argv[1]))["files"] if not f.get("skipped")]
for i in range(4): print(fs[(len(fs)-1)*(i+1)//4])' "$tmp/p.json")
	for f in "${files[@]}"; do
		ctx=()
		[ ${#opts[@]} -eq 0 ] || ctx=(--context "$project")
		"$ML" --no-config --format gcc --fail-on info "${opts[@]+"${opts[@]}"}" "${ctx[@]+"${ctx[@]}"}" "$f" \
			>"$tmp/p.alone" 2>/dev/null
		grep -F -- "$f:" "$tmp/p.all" | grep -E "^.{${#f}}:[0-9]" >"$tmp/p.want" || true
		check "$name: ${f#"$CORPUS"/} alone = in the whole run ($(wc -l <"$tmp/p.want") findings)" \
			cmp -s "$tmp/p.alone" "$tmp/p.want"
	done
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
