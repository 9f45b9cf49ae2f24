#!/usr/bin/env bash
# trace_cli_test.sh - `migralint trace` as users meet it: a history traced on
# migralint's own throwaway server, a syntax error and a failing statement
# reported at PostgreSQL's position while the rest of the run goes on, the
# tool's transactions (the rest of a failed one not run; CONCURRENTLY in and
# out of one), the JSON timeline, a scratch database where nothing is
# committed, bad --pg-bin and --database-url, and no server left behind,
# also after Ctrl-C.
# Exits 77 (skipped) without PostgreSQL 15, jq or /usr/bin/python3.
# usage: trace_cli_test.sh MIGRALINT
set -u
ML=$(cd "$(dirname -- "$1")" && pwd)/$(basename -- "$1")
here=$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
if ! command -v jq >/dev/null; then
	echo "skipped: jq not found"
	exit 77
fi
# a throw-away PostgreSQL 15 cluster for the scratch-database cases: PGBIN,
# PY, as_pg and dir (tests/pg_server.sh)
source "$here/pg_server.sh"
tmp=$dir/work
mkdir -p "$tmp"
passed=0
failed=0
check() {
	local name=$1
	shift
	if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}
run() { # run ARGS... ; sets out, err, code
	out=$("$ML" "$@" 2>"$tmp/err")
	code=$?
	err=$(cat "$tmp/err")
}
has() { grep -q -- "$1" <<<"$2"; }
# migralint's servers go under a TMPDIR of this test's own: other tests may
# run servers at the same time.
export TMPDIR=$dir/servers
mkdir -p "$TMPDIR"
servers() { pgrep -f -- "bin/postgres -D $TMPDIR/migralint-pg-" | wc -l; }
# the status of the statement at FILE:LINE in the JSON timeline $out
status_at() { jq -r --arg p "$1" --argjson l "$2" '.statements[] | select((.path | endswith($p)) and .line == $l) | .observed.status' <<<"$out"; }

before=$(servers)

# ---- a plain history: each statement on its own -----------------------------
mkdir -p "$tmp/plain"
cd "$tmp/plain" || exit 1
cat >001_orders.sql <<'EOF'
CREATE TABLE orders (id bigint PRIMARY KEY, note text, amount integer);
EOF
cat >002_broken.sql <<'EOF'
ALTER TABLE orders ADD COLUMN a integer;

ALTER TABLE orders ADD COLUMN b integer,, ADD COLUMN c integer;

ALTER TABLE order_lines ADD COLUMN d integer;
ALTER TABLE orders ADD COLUMN e integer;
EOF
cat >003_more.sql <<'EOF'
ALTER TABLE orders ALTER COLUMN amount TYPE bigint;
CREATE INDEX orders_note_idx ON orders (note);
EOF
run trace --no-config --tool plain --format json .
check "a trace with a failing statement exits 1" test "$code" -eq 1
check "stdout is the JSON report alone" bash -c 'jq -e .statements <<<"$0" >/dev/null' "$out"
check "stderr gives the figures" has "migralint trace: server started and connected in" "$err"
check "the syntax error: PostgreSQL's message at its position (line 3, the second comma)" \
	bash -c 'jq -e ".diagnostics[] | select(.rule == \"trace-error\" and (.path | endswith(\"002_broken.sql\")) and .line == 3 and .column == 41) | select(.message | test(\"syntax error at or near\"))" <<<"$0" >/dev/null' "$out"
check "the failing statement: at its line (PostgreSQL gives no position for it)" \
	bash -c 'jq -e ".diagnostics[] | select(.rule == \"trace-error\" and .line == 5 and .column == 1) | select(.message | test(\"order_lines. does not exist .SQLSTATE 42P01\"))" <<<"$0" >/dev/null' "$out"
check "each statement runs on its own: the one after the failure ran" test "$(status_at 002_broken.sql 6)" = ran
check "the next file ran" test "$(status_at 003_more.sql 1)" = ran
check "its rewrite was seen" bash -c 'jq -e ".statements[] | select((.path | endswith(\"003_more.sql\")) and .line == 1) | .observed.rewritten == [\"public.orders\"]" <<<"$0" >/dev/null' "$out"
check "its lock was seen, taken by it" bash -c 'jq -e ".statements[] | select((.path | endswith(\"003_more.sql\")) and .line == 1) | .observed.locks[] | select(.table == \"public.orders\" and .mode == \"ACCESS EXCLUSIVE\" and .taken)" <<<"$0" >/dev/null' "$out"
check "no trace-mismatch" bash -c '! jq -e ".diagnostics[] | select(.rule == \"trace-mismatch\")" <<<"$0" >/dev/null' "$out"
check "only the trace's rules report (and syntax-error)" \
	bash -c '! jq -e ".diagnostics[] | select((.rule | startswith(\"trace-\")) or .rule == \"syntax-error\" | not)" <<<"$0" >/dev/null' "$out"

run trace --no-config --tool plain .
check "the default format is the timeline with what was observed" has "002_broken.sql:6:1: ALTER TABLE ... ADD COLUMN .*|| observed: " "$out"
check "the timeline is followed by the trace's findings" has "^./002_broken.sql:5:1: error: PostgreSQL refused it" "$out"

# ---- the tool's transaction: after a failure, the rest of it does not run --
run trace --no-config --tool plain --assume-in-transaction --format json .
check "in the tool's transaction, the statements after the syntax error are not run" \
	test "$(status_at 002_broken.sql 5)" = "not run"
check "... with the reason" bash -c 'jq -e ".statements[] | select(.line == 6 and (.path | endswith(\"002_broken.sql\"))) | .observed.reason == \"the transaction failed at line 3\"" <<<"$0" >/dev/null' "$out"
check "... and the next file still runs" test "$(status_at 003_more.sql 2)" = ran

# ---- what is not SQL is still said; a lost connection ------------------------
mkdir -p "$tmp/odd"
cd "$tmp/odd" || exit 1
printf 'CREATE TABLE c1 (id integer);\n\\i other.sql\n' >001_meta.sql
printf 'CREATE TABLE c2 (id integer);\n\0\n' >002_nul.sql
printf 'CREATE TABLE c3 (id integer);\nSELECT pg_terminate_backend(pg_backend_pid());\nINSERT INTO c3 VALUES (1);\n' >003_crash.sql
printf 'INSERT INTO c1 VALUES (1);\n' >004_after.sql
run trace --no-config --tool plain --assume-in-transaction --format json .
check "a psql meta-command is reported in a trace" \
	bash -c 'jq -e ".diagnostics[] | select(.rule == \"psql-meta-command\")" <<<"$0" >/dev/null' "$out"
check "a file with a NUL byte is reported in a trace" \
	bash -c 'jq -e ".diagnostics[] | select(.rule == \"invalid-input\" and (.path | endswith(\"002_nul.sql\")))" <<<"$0" >/dev/null' "$out"
check "a statement that ends its session fails with libpq's message" \
	bash -c 'jq -e ".diagnostics[] | select(.rule == \"trace-error\" and (.path | endswith(\"003_crash.sql\")) and .line == 2)" <<<"$0" >/dev/null' "$out"
check "the rest of its transaction is not run" test "$(status_at 003_crash.sql 3)" = "not run"
check "the next file runs on a new session" test "$(status_at 004_after.sql 1)" = ran

# ---- goose: CONCURRENTLY in and out of the tool's transaction --------------
mkdir -p "$tmp/goose/db/migrations"
cd "$tmp/goose" || exit 1
cat >db/migrations/00001_orders.sql <<'EOF'
-- +goose Up
CREATE TABLE orders (id bigint PRIMARY KEY, note text);
INSERT INTO orders SELECT g, 'note ' || g FROM generate_series(1, 20000) g;
-- +goose Down
DROP TABLE orders;
EOF
cat >db/migrations/00002_index_in_transaction.sql <<'EOF'
-- +goose Up
CREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);
-- +goose Down
DROP INDEX orders_note_idx;
EOF
cat >db/migrations/00003_index_no_transaction.sql <<'EOF'
-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY orders_note_2_idx ON orders (note);
-- +goose Down
DROP INDEX CONCURRENTLY orders_note_2_idx;
EOF
run trace --no-config --format json db/migrations
check "goose: the rows were counted" bash -c 'jq -e ".statements[] | select(.line == 3 and (.path | endswith(\"00001_orders.sql\"))) | .observed.rows == 20000" <<<"$0" >/dev/null' "$out"
check "goose: CONCURRENTLY in the tool's transaction fails as PostgreSQL says (25001)" \
	bash -c 'jq -e ".diagnostics[] | select(.rule == \"trace-error\" and (.path | endswith(\"00002_index_in_transaction.sql\"))) | select(.message | test(\"SQLSTATE 25001\"))" <<<"$0" >/dev/null' "$out"
check "goose: NO TRANSACTION runs it on its own, its locks sampled" \
	bash -c 'jq -e ".statements[] | select((.path | endswith(\"00003_index_no_transaction.sql\")) and .line == 3) | .observed.status == \"ran\" and .observed.sampled" <<<"$0" >/dev/null' "$out"
check "goose: downs are not run" bash -c '! jq -e ".statements[] | select(.line == 5 or .line == 4) | select(.observed)" <<<"$0" >/dev/null' "$out"
printf '%s' "$out" >"$tmp/goose.json"
check "goose: the JSON report follows docs/json-output.schema.json" "$PY" -c '
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.validate(json.load(open(sys.argv[2])), schema)' "$here/../docs/json-output.schema.json" "$tmp/goose.json"
check "goose: no trace-mismatch" bash -c '! jq -e ".diagnostics[] | select(.rule == \"trace-mismatch\")" <<<"$0" >/dev/null' "$out"

# ---- a scratch database: nothing is committed ----------------------------------
cd "$tmp/plain" || exit 1
url="host=$dir user=postgres dbname=postgres"
run trace --no-config --tool plain --format json --database-url "$url" .
check "scratch: the statements ran" test "$(status_at 003_more.sql 1)" = ran
committed=$("$PGBIN/psql" -X -A -t -h "$dir" -U postgres -d postgres -c "SELECT count(*) FROM pg_class WHERE relname = 'orders'")
check "scratch: nothing was committed (no table orders)" test "$committed" = 0
printf 'BEGIN;\nCREATE TABLE t1 (id int);\nCOMMIT;\nVACUUM t1;\n' >"$tmp/txn.sql"
run trace --no-config --format json --database-url "$url" "$tmp/txn.sql"
check "scratch: COMMIT written in the file is not run" bash -c 'jq -e ".statements[] | select(.line == 3) | .observed.status == \"not run\"" <<<"$0" >/dev/null' "$out"
check "scratch: VACUUM (no transaction block) is not run, with why" \
	bash -c 'jq -e ".statements[] | select(.line == 4) | .observed.reason | test(\"cannot run inside a transaction block\")" <<<"$0" >/dev/null' "$out"
committed=$("$PGBIN/psql" -X -A -t -h "$dir" -U postgres -d postgres -c "SELECT count(*) FROM pg_class WHERE relname = 't1'")
check "scratch: a COMMIT in the file commits nothing" test "$committed" = 0

# ---- bad input ------------------------------------------------------------------
run trace --no-config --pg-bin "$tmp/nowhere" .
check "--pg-bin without PostgreSQL: exit 3, the directory named" bash -c '[ "$0" -eq 3 ] && grep -q "nowhere" <<<"$1" && [ -z "$2" ]' "$code" "$err" "$out"
run trace --no-config --database-url "host=$tmp/nosocket user=postgres password=s3cret dbname=x" .
check "--database-url that cannot connect: exit 3, no password in the message" \
	bash -c '[ "$0" -eq 3 ] && grep -q "cannot connect" <<<"$1" && ! grep -q s3cret <<<"$1"' "$code" "$err"
run trace --no-config --lock-timeout soon .
check "--lock-timeout soon: exit 3" test "$code" -eq 3
run --no-config --pg-bin /usr .
check "--pg-bin is a trace option only" test "$code" -eq 3

# ---- no server left behind, also after Ctrl-C ------------------------------------
check "no server is left after the traces" test "$(servers)" = "$before"
check "no server directory is left either" test -z "$(ls -A "$TMPDIR")"
printf 'SELECT pg_sleep(60);\n' >"$tmp/slow.sql"
# A background job of a script ignores SIGINT unless it is given back.
started_at=$SECONDS
env --default-signal=INT "$ML" trace --no-config "$tmp/slow.sql" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 100); do
	[[ $(servers) -gt $before ]] && break
	sleep 0.1
done
started=$(servers)
sleep 0.5
kill -INT "$pid"
wait "$pid" 2>/dev/null
interrupted=$?
for _ in $(seq 1 100); do
	[[ $(servers) -le $before ]] && break
	sleep 0.1
done
check "Ctrl-C: a server had started" test "$started" -gt "$before"
check "Ctrl-C: migralint died of it (130), long before the 60 s statement ended" \
	bash -c '[ "$0" -eq 130 ] && [ $(( SECONDS - $1 )) -lt 40 ]' "$interrupted" "$started_at"
check "Ctrl-C: the server is gone after it" test "$(servers)" = "$before"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
