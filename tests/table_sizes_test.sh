#!/usr/bin/env bash
# table_sizes_test.sh - --stats as users meet it: a bad table sizes file
# stops the run (exit 3, the file and the entry named, no report) before
# anything is linted; severities move both ways with --fail-on and ignore
# comments still working; the config keys "stats" (relative to the
# configuration file) and "table_size" with their errors and
# --print-config; tables made by context migrations are looked up, ones
# made by reported migrations are not; downs stay at info; the sizes in
# the text, JSON (valid against the schema) and SARIF reports.
# usage: table_sizes_test.sh MIGRALINT
set -u
ML=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

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

run() { # run ARGS... ; sets out, err, code
	out=$("$ML" "$@" 2>"$tmp/err")
	code=$?
	err=$(cat "$tmp/err")
}
has() { grep -qF -- "$1" <<<"$2"; }

# severity_of RULE: the severity of RULE's one finding in the JSON report $out
severity_of() {
	"$PY" -c 'import json,sys
ds = [d for d in json.loads(sys.argv[1])["diagnostics"] if d["rule"] == sys.argv[2]]
print(",".join(d["severity"] for d in ds) or "none")' "$out" "$1"
}

cd "$tmp" || exit 1
timeouts="SET lock_timeout = '5s'; SET statement_timeout = '30min';"
printf '%s\nCREATE INDEX idx_orders_at ON orders (created_at);\n' "$timeouts" >large.sql
printf '%s\nCREATE INDEX idx_settings_name ON settings (name);\n' "$timeouts" >small.sql
printf '%s\n-- migralint-ignore require-concurrent-index-creation: built at night\nCREATE INDEX idx_orders_at ON orders (created_at);\n' \
	"$timeouts" >waived.sql
cat >sizes.json <<'EOF'
{
  "public.orders": {"rows": 48213112, "bytes": 12884901888},
  "public.settings": {"rows": 12, "bytes": 16384}
}
EOF

# ---- bad files: exit 3, named, before anything is linted -------------------
bad() { # bad NAME TEXT EXPECTED-FRAGMENT
	printf '%s' "$2" >"bad-$1.json"
	run --no-config --stats "bad-$1.json" large.sql
	check "bad stats ($1): exit 3" test "$code" -eq 3
	check "bad stats ($1): the message names the file and says what is wrong" \
		has "migralint: error: bad-$1.json: $3" "$err"
	check "bad stats ($1): no report" test -z "$out"
}
bad empty '' 'not JSON: the file is empty'
bad syntax '{"public.orders": {"rows": 1}' 'not JSON: a syntax error at line 1'
bad array '[{"public.orders": 1}]' 'the top level must be an object mapping "schema.table"'
bad no-schema '{"orders": {"rows": 1}}' '"orders": not a "schema.table" name'
bad not-object '{"public.orders": 48213112}' '"public.orders": expected an object {"rows": N, "bytes": N}, got a number'
bad no-rows '{"public.orders": {"bytes": 1}}' '"public.orders": "rows" is missing'
bad negative '{"public.orders": {"rows": -5}}' '"public.orders": "rows": expected a whole number of rows from 0'
bad fraction '{"public.orders": {"rows": 2.5}}' '"public.orders": "rows": expected a whole number of rows from 0 to 9007199254740992, got 2.5'
bad string '{"public.orders": {"rows": "48M"}}' '"public.orders": "rows": expected a whole number of rows from 0, got a string'
bad unknown-key '{"public.orders": {"rows": 1, "size": 2}}' '"public.orders": unknown key "size" (allowed: rows, bytes)'
run --no-config --stats missing.json large.sql
check "missing stats file: exit 3, named" bash -c '[ "$0" -eq 3 ] && grep -qF "missing.json: cannot read the table sizes: No such file" <<<"$1"' "$code" "$err"
run --no-config --stats= large.sql
check "--stats with an empty value is bad usage" test "$code" -eq 3

# ---- severities move both ways ----------------------------------------------
run --no-config --format json large.sql
check "without stats: the index build is a warning" test "$(severity_of require-concurrent-index-creation)" = warning
run --no-config --fail-on error large.sql
check "without stats: --fail-on error passes" test "$code" -eq 0
run --no-config --stats sizes.json --format json large.sql
check "48M rows: the index build is an error" test "$(severity_of require-concurrent-index-creation)" = error
check "48M rows: the JSON lock gives rows and bytes" \
	"$PY" -c 'import json,sys
d = [d for d in json.loads(sys.argv[1])["diagnostics"] if d["rule"] == "require-concurrent-index-creation"][0]
sys.exit(d["lock"]["tables"] != [{"table": "orders", "mode": "SHARE", "rows": 48213112, "bytes": 12884901888}])' "$out"
run --no-config --stats sizes.json --fail-on error large.sql
check "48M rows: --fail-on error fails" test "$code" -eq 1
check "text: the message gives the size" \
	has "error[require-concurrent-index-creation]: CREATE INDEX on \"orders\" without CONCURRENTLY takes a SHARE lock: writes to the table block until the index is built (orders: 48M rows, 12 GB)" "$out"
check "text: the summary counts it as an error" has "1 error, 0 warnings" "$out"
run --no-config --stats sizes.json small.sql
check "12 rows: --fail-on warning passes (info)" test "$code" -eq 0
check "12 rows: info, with the size" has "info[require-concurrent-index-creation]:" "$out"
check "12 rows: the message gives the size" has "(settings: 12 rows, 16 kB)" "$out"
run --no-config small.sql
check "without stats the same file fails --fail-on warning" test "$code" -eq 1
run --no-config --stats sizes.json --fail-on error --format json waived.sql
check "a waived finding on a large table is an error in the report" \
	test "$(severity_of require-concurrent-index-creation)" = error
check "a waived finding still counts toward nothing" test "$code" -eq 0
check "and is marked suppressed" has '"suppressed":{"kind":"migralint-ignore"' "$out"
run --no-config --stats sizes.json --format sarif large.sql
printf '%s' "$out" >sarif.json
check "SARIF: error level, the size in the message" \
	"$PY" -c 'import json,sys
r = [r for r in json.load(open(sys.argv[1]))["runs"][0]["results"] if r["ruleId"] == "require-concurrent-index-creation"][0]
sys.exit(not (r["level"] == "error" and "built (orders: 48M rows, 12 GB)\n" in r["message"]["text"]))' sarif.json
# fingerprint [ARGS...]: the SARIF fingerprint of the index build of large.sql
fingerprint() {
	"$ML" --no-config "$@" --format sarif large.sql >fp.json 2>/dev/null
	"$PY" -c 'import json,sys
r = [r for r in json.load(open("fp.json"))["runs"][0]["results"] if r["ruleId"] == "require-concurrent-index-creation"]
print(r[0]["partialFingerprints"]["migralintFingerprint/v1"] if r else "none")'
}
printf '{"public.orders": {"rows": 9500, "bytes": 9000}}\n' >grown.json
fp_none=$(fingerprint)
fp_large=$(fingerprint --stats sizes.json)
fp_small=$(fingerprint --stats grown.json)
check "SARIF/GitLab fingerprint: the same without sizes and with sizes of other units ($fp_none)" \
	bash -c '[ "$0" != none ] && [ "$0" = "$1" ] && [ "$0" = "$2" ]' "$fp_none" "$fp_large" "$fp_small"
if "$PY" -c 'import jsonschema' 2>/dev/null; then
	run --no-config --stats sizes.json --format json large.sql small.sql
	check "JSON with sizes is valid against docs/json-output.schema.json" \
		"$PY" -c 'import json,sys,jsonschema
schema = json.load(open(sys.argv[2]))
jsonschema.validate(json.loads(sys.argv[1]), schema)' "$out" "$ROOT/docs/json-output.schema.json"
fi

# ---- tables made in the run, context, downs ----------------------------------
mkdir -p hist
printf 'CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz);\n' >hist/001_orders.sql
printf '%s\nCREATE INDEX idx_orders_at ON orders (created_at);\n' "$timeouts" >hist/002_index.sql
run --no-config --tool plain --stats sizes.json --format json hist/001_orders.sql hist/002_index.sql
check "a table an earlier reported migration made is not sized (warning)" \
	test "$(severity_of require-concurrent-index-creation)" = warning
check "a table an earlier reported migration made: no size in the report" bash -c '! grep -q "48M rows\|48213112" <<<"$0"' "$out"
run --no-config --tool plain --stats sizes.json --format json --context hist/001_orders.sql hist/002_index.sql
check "a table a context migration made is sized (error)" test "$(severity_of require-concurrent-index-creation)" = error
mkdir -p goose
cat >goose/20240101000000_index.sql <<EOF
-- +goose Up
SELECT 1;
-- +goose Down
$timeouts
CREATE INDEX idx_orders_region_old ON orders (region);
EOF
run --no-config --tool goose --stats sizes.json --format json goose
check "a down's finding on a large table stays info (--down info)" \
	test "$(severity_of require-concurrent-index-creation)" = info
run --no-config --tool goose --down lint --stats sizes.json --format json goose
check "with --down lint it is an error" test "$(severity_of require-concurrent-index-creation)" = error

# ---- configuration ------------------------------------------------------------
mkdir -p proj/ci proj/db elsewhere
cp sizes.json proj/ci/sizes.json
cp large.sql small.sql proj/db/
cat >proj/.migralint.json <<'EOF'
{
  "stats": "ci/sizes.json",
  "table_size": { "small_rows": 10, "large_rows": 50000000 }
}
EOF
(cd elsewhere && "$ML" --config ../proj/.migralint.json --format json ../proj/db/large.sql ../proj/db/small.sql) \
	>"$tmp/out" 2>"$tmp/err"
out=$(cat "$tmp/out")
err=$(cat "$tmp/err")
check "config: \"stats\" is read from the config file's directory" \
	has '"rows":48213112' "$out"
check "config: large_rows 50000000 leaves 48M rows at warning, small_rows 10 leaves 12 rows at warning" \
	test "$(severity_of require-concurrent-index-creation)" = warning,warning
(cd proj && "$ML" --print-config) >"$tmp/out" 2>"$tmp/err"
out=$(cat "$tmp/out")
check "--print-config shows the stats file and its origin" \
	grep -qE '^  stats +.*ci/sizes.json +\.migralint\.json$' <<<"$out"
check "--print-config shows small_rows from the file" grep -qE '^  table_size.small_rows +10 +\.migralint\.json$' <<<"$out"
check "--print-config shows large_rows from the file" grep -qE '^  table_size.large_rows +50000000 +\.migralint\.json$' <<<"$out"
(cd proj && "$ML" --stats ../sizes.json --print-config) >"$tmp/out" 2>"$tmp/err"
out=$(cat "$tmp/out")
check "--print-config: --stats beats the file's" grep -qE '^  stats +\.\./sizes\.json +command line$' <<<"$out"
(cd proj && "$ML" --stats ../bad-array.json db/large.sql) >"$tmp/out" 2>"$tmp/err"
code=$?
check "--stats beats the file's stats (its bad file is the one read)" \
	bash -c '[ "$0" -eq 3 ] && grep -qF "../bad-array.json: the top level" "$1"' "$code" "$tmp/err"
run --no-config --print-config
check "--print-config: the defaults" \
	bash -c 'grep -qE "^  stats +\(none\) +default$" <<<"$0" && grep -qE "^  table_size.small_rows +10000 +default$" <<<"$0" && grep -qE "^  table_size.large_rows +10000000 +default$" <<<"$0"' "$out"

bad_config() { # bad_config NAME JSON EXPECTED-FRAGMENT
	printf '%s\n' "$2" >"cfg-$1.json"
	run --config "cfg-$1.json" large.sql
	check "config ($1): exit 3" test "$code" -eq 3
	check "config ($1): names the file and the key" has "migralint: error: cfg-$1.json: $3" "$err"
}
bad_config inverted '{"table_size": {"small_rows": 5000, "large_rows": 1000}}' \
	'"table_size": small_rows (5000) is more than large_rows (1000)'
bad_config default-large '{"table_size": {"small_rows": 20000000}}' \
	'"table_size": small_rows (20000000) is more than large_rows (10000000, the default)'
bad_config zero '{"table_size": {"large_rows": 0}}' '"table_size.large_rows": bad row count 0 (expected a whole number from 1)'
bad_config text '{"table_size": {"small_rows": "10K"}}' '"table_size.small_rows": expected a whole number of rows from 1, got a string'
bad_config unknown '{"table_size": {"small_row": 1}}' '"table_size.small_row": unknown key (did you mean "small_rows"? allowed: small_rows, large_rows)'
bad_config not-object '{"table_size": 10000}' '"table_size": expected an object, got a number'
bad_config stats-number '{"stats": 1}' '"stats": expected the path of a table sizes file (a non-empty string), got a number'
bad_config stats-override '{"overrides": [{"files": ["**"], "stats": "x.json"}]}' \
	'"overrides[0].stats": not allowed in an override'
printf '{"stats": "nowhere.json"}\n' >cfg-missing.json
run --config cfg-missing.json large.sql
check "config: a stats file that is not there stops the run (exit 3, named)" \
	bash -c '[ "$0" -eq 3 ] && grep -qF "nowhere.json: cannot read the table sizes" <<<"$1" && [ -z "$2" ]' "$code" "$err" "$out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
