#!/usr/bin/env bash
# table_stats_test.sh - `migralint stats` against a real PostgreSQL 15 that
# the test starts (tests/pg_server.sh): tables of known sizes (a big one
# from generate_series, a small and an empty one, a partitioned table with
# a partitioned partition, a materialized view, a view and catalogs that
# must not appear), ANALYZE, then the JSON checked against what the server
# says of each table; the reltuples fallback after a statistics reset;
# errors (a database that does not exist, a table locked past
# lock_timeout) on stderr once with exit status 2 and the output file left
# as it was; the SQL docs/trace.md prints, run with psql as the doc
# says, writing the same file byte for byte; and the file fed back to
# --stats moving severities.
# Exits 77 (skipped) without PostgreSQL 15 or /usr/bin/python3.
# usage: table_stats_test.sh MIGRALINT REPO_ROOT
set -u
ML=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$2" && pwd)
here=$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# a throw-away PostgreSQL 15 cluster: PGBIN, PY, as_pg and dir (tests/pg_server.sh)
source "$here/pg_server.sh"
passed=0
failed=0
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
work=$(mktemp -d)
locker=
cleanup() {
	[ -n "$locker" ] && kill "$locker" 2>/dev/null
	rm -rf "$work"
	pg_server_cleanup
}
trap cleanup EXIT
url="postgresql://postgres@/postgres?host=$dir"
psql() { "$PGBIN/psql" -X -q -h "$dir" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }
value() { psql -A -t -c "$1"; }

psql <<'EOF' || { echo "FAIL the tables could not be made"; exit 1; }
CREATE SCHEMA app;
CREATE TABLE orders (id bigint PRIMARY KEY, region text, created_at timestamptz);
INSERT INTO orders SELECT g, 'eu', now() FROM generate_series(1, 200000) g;
CREATE TABLE settings (name text PRIMARY KEY, value text);
INSERT INTO settings SELECT 'setting_' || g, 'on' FROM generate_series(1, 12) g;
CREATE TABLE empty_table (id int);
CREATE UNLOGGED TABLE scratch (id int);
INSERT INTO scratch SELECT generate_series(1, 30);
-- partitioned, with a partitioned partition, and a name that needs quotes
CREATE TABLE app."Events" (id bigint, at date, kind text) PARTITION BY RANGE (at);
CREATE TABLE app.events_2023 PARTITION OF app."Events" FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE app.events_2024 PARTITION OF app."Events" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
  PARTITION BY LIST (kind);
CREATE TABLE app.events_2024_click PARTITION OF app.events_2024 FOR VALUES IN ('click');
CREATE TABLE app.events_2024_view PARTITION OF app.events_2024 FOR VALUES IN ('view');
INSERT INTO app."Events" SELECT g, '2023-06-01', 'click' FROM generate_series(1, 100) g;
INSERT INTO app."Events" SELECT g, '2024-06-01', 'click' FROM generate_series(1, 200) g;
INSERT INTO app."Events" SELECT g, '2024-06-01', 'view' FROM generate_series(1, 300) g;
CREATE MATERIALIZED VIEW order_regions AS SELECT region, count(*) AS n FROM orders GROUP BY region;
CREATE VIEW recent_orders AS SELECT * FROM orders WHERE created_at > now() - interval '1 day';
EOF
# ANALYZE from a session of its own: the inserting one has sent its counts
# (at exit), so n_live_tup is ANALYZE's count and not that plus the inserts.
psql -c "ANALYZE" || { echo "FAIL ANALYZE"; exit 1; }

# ---- the command ----------------------------------------------------------------
out=$("$ML" stats --database-url "$url" 2>"$work/err")
code=$?
err=$(cat "$work/err")
check "stats: exit 0, nothing on stderr" bash -c '[ "$0" -eq 0 ] && [ -z "$1" ]' "$code" "$err"
printf '%s\n' "$out" >"$work/stdout.json"

# expect KEY ROWS BYTES-SQL: the entry's rows, and its bytes as the server computes them
expect() {
	local bytes
	bytes=$(value "SELECT $3")
	check "stats: $1 has $2 rows and $bytes bytes" "$PY" -c 'import json,sys
m = json.load(open(sys.argv[1]))
e = m.get(sys.argv[2])
sys.exit(e != {"rows": int(sys.argv[3]), "bytes": int(sys.argv[4])})' "$work/stdout.json" "$1" "$2" "$bytes"
}
expect public.orders 200000 "pg_total_relation_size('orders')"
expect public.settings 12 "pg_total_relation_size('settings')"
expect public.empty_table 0 "pg_total_relation_size('empty_table')"
expect public.scratch 30 "pg_total_relation_size('scratch')"
expect public.order_regions 1 "pg_total_relation_size('order_regions')"
expect app.events_2023 100 "pg_total_relation_size('app.events_2023')"
expect app.events_2024_view 300 "pg_total_relation_size('app.events_2024_view')"
expect app.events_2024 500 \
	"pg_total_relation_size('app.events_2024_click') + pg_total_relation_size('app.events_2024_view')"
expect app.Events 600 \
	"pg_total_relation_size('app.events_2023') + pg_total_relation_size('app.events_2024_click') + pg_total_relation_size('app.events_2024_view')"
check "stats: exactly the tables and materialized views (no view, catalog or index)" "$PY" -c 'import json,sys
keys = sorted(json.load(open(sys.argv[1])))
want = sorted(["public.orders", "public.settings", "public.empty_table", "public.scratch", "public.order_regions",
    "app.Events", "app.events_2023", "app.events_2024", "app.events_2024_click", "app.events_2024_view"])
sys.exit(keys != want)' "$work/stdout.json"
check "stats: one table a line, sorted by name in byte order" "$PY" -c 'import sys
lines = open(sys.argv[1]).read().split("\n")
body = lines[1:-2]
names = [l.split("\"")[1] for l in body]
sys.exit(not (lines[0] == "{" and lines[-2] == "}" and lines[-1] == "" and names == sorted(names, key=lambda s: s.encode())
              and all(l.startswith("  \"") for l in body)))' "$work/stdout.json"

"$ML" stats --database-url "$url" --output "$work/sizes.json" >"$work/out" 2>"$work/err"
code=$?
check "stats --output: exit 0, nothing on stdout" bash -c '[ "$0" -eq 0 ] && [ ! -s "$1" ]' "$code" "$work/out"
check "stats --output: the file is what stdout had" cmp -s "$work/sizes.json" "$work/stdout.json"
check "stats --output: no temporary file left beside it" bash -c '[ "$(ls -A "$0" | grep -c "^\.sizes")" -eq 0 ]' "$work"
check "stats --output: migralint reads it back" bash -c '"$0" --no-config --stats "$1" /dev/null >/dev/null' "$ML" "$work/sizes.json"

# A role with no privilege on any table reads the same sizes (docs/trace.md says so).
psql -c "CREATE ROLE sizes_reader LOGIN" >/dev/null
"$ML" stats --database-url "postgresql://sizes_reader@/postgres?host=$dir" --output "$work/reader.json" 2>"$work/err"
err=$(cat "$work/err")
check "stats as a role without privileges on the tables: the same file" cmp -s "$work/reader.json" "$work/sizes.json"

# ---- the SQL of the docs, with psql ----------------------------------------------
"$PY" - "$ROOT/docs/trace.md" >"$work/doc.sql" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"<!-- table sizes SQL[^\n]*-->\n```sql\n(.*?)```", text, re.S)
sys.stdout.write(m.group(1) if m else "")
EOF
"$ML" stats --sql >"$work/cmd.sql"
check "docs/trace.md prints the query migralint stats runs" cmp -s "$work/doc.sql" "$work/cmd.sql"
PGOPTIONS='-c default_transaction_read_only=on -c statement_timeout=60s -c lock_timeout=5s' \
	"$PGBIN/psql" "$url" -X -A -t -q -v ON_ERROR_STOP=1 -f "$work/doc.sql" >"$work/psql.json" 2>"$work/err"
err=$(cat "$work/err")
check "psql with the documented SQL writes the same file, byte for byte" cmp -s "$work/psql.json" "$work/sizes.json"

# ---- rows from reltuples when the statistics are reset -------------------------
psql -c "SELECT pg_stat_reset()" >/dev/null
check "after pg_stat_reset, n_live_tup is 0" test "$(value "SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'orders'")" = 0
"$ML" stats --database-url "$url" >"$work/reset.json" 2>"$work/err"
check "after a reset, rows come from reltuples (orders: 200000, Events: 600)" "$PY" -c 'import json,sys
m = json.load(open(sys.argv[1]))
sys.exit(not (m["public.orders"]["rows"] == 200000 and m["app.Events"]["rows"] == 600 and m["public.empty_table"]["rows"] == 0))' \
	"$work/reset.json"

# ---- errors ------------------------------------------------------------------------
# Nothing it runs can write: its transaction is READ ONLY (the server refuses
# a write in it; here the statement log shows how it began).
psql -c "ALTER ROLE sizes_reader SET log_statement = 'all'" >/dev/null
"$ML" stats --database-url "postgresql://sizes_reader@/postgres?host=$dir" >/dev/null 2>&1
check "the query runs in a READ ONLY transaction with its timeouts" \
	bash -c 'grep -q "statement: BEGIN READ ONLY" "$0" && grep -q "statement: SET LOCAL statement_timeout = .60s.; SET LOCAL lock_timeout = .5s." "$0"' \
	"$dir/server.log"
cp "$work/sizes.json" "$work/kept.json"
"$ML" stats --database-url "postgresql://postgres@/no_such_db?host=$dir" --output "$work/kept.json" \
	>"$work/out" 2>"$work/err"
code=$?
err=$(cat "$work/err")
check "no such database: exit 2" test "$code" -eq 2
check "no such database: one line on stderr with PostgreSQL's reason" \
	bash -c '[ "$(wc -l <<<"$0")" -eq 1 ] && grep -q "^migralint stats: error: cannot connect to the database: .*database \"no_such_db\" does not exist" <<<"$0"' "$err"
check "no such database: nothing on stdout, the output file as it was" \
	bash -c '[ ! -s "$0" ] && cmp -s "$1" "$2"' "$work/out" "$work/kept.json" "$work/sizes.json"
# A migration holding ACCESS EXCLUSIVE on orders: the query gives up after lock_timeout.
PGAPPNAME=table_stats_locker "$PGBIN/psql" -X -q -h "$dir" -U postgres -d postgres \
	-c "BEGIN; LOCK TABLE orders IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT;" >/dev/null 2>&1 &
locker=$!
for _ in $(seq 50); do
	[ "$(value "SELECT count(*) FROM pg_locks WHERE relation = 'orders'::regclass AND mode = 'AccessExclusiveLock' AND granted")" = 1 ] && break
	sleep 0.1
done
start=$(date +%s)
"$ML" stats --database-url "$url" --output "$work/kept.json" >"$work/out" 2>"$work/err"
code=$?
took=$(($(date +%s) - start))
err=$(cat "$work/err")
check "a table locked by a migration: exit 2 after lock_timeout (${took}s)" bash -c '[ "$0" -eq 2 ] && [ "$1" -lt 30 ]' "$code" "$took"
check "a table locked by a migration: the error says lock timeout" grep -q "the table sizes query failed: .*lock timeout" <<<"$err"
check "a table locked: the output file as it was" cmp -s "$work/kept.json" "$work/sizes.json"
# Its backend, not only its psql, must go: the lock is the backend's.
psql -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'table_stats_locker'" >/dev/null
wait "$locker" 2>/dev/null
locker=
"$ML" stats >/dev/null 2>"$work/err"
check "stats without --database-url: exit 3" test $? -eq 3
"$ML" stats --database-url "$url" --timeout 0 >/dev/null 2>"$work/err"
check "stats --timeout 0: exit 3" test $? -eq 3

# ---- fed back to --stats --------------------------------------------------------------
mkdir -p "$work/proj/db"
cp "$work/sizes.json" "$work/proj/sizes.json"
cat >"$work/proj/.migralint.json" <<'EOF'
{ "stats": "sizes.json", "table_size": { "small_rows": 100, "large_rows": 100000 } }
EOF
cat >"$work/proj/db/001_indexes.sql" <<'EOF'
SET lock_timeout = '5s';
SET statement_timeout = '30min';
CREATE INDEX idx_orders_created_at ON orders (created_at);
CREATE INDEX idx_settings_value ON settings (value);
CREATE INDEX idx_events_kind ON app."Events" (kind);
EOF
out=$(cd "$work/proj" && "$ML" --format json db/001_indexes.sql 2>"$work/err")
err=$(cat "$work/err")
check "fed back: orders (200000 rows, large from 100000) error; settings (12, small below 100) info; Events (600) warning" \
	"$PY" -c 'import json,sys
ds = [d for d in json.loads(sys.argv[1])["diagnostics"] if d["rule"] == "require-concurrent-index-creation"]
got = [(d["line"], d["severity"], d["message"].rsplit(" (", 1)[-1]) for d in ds]
want = [(3, "error", "orders: 200K rows, %s)"), (4, "info", "settings: 12 rows, %s)"), (5, "warning", "app.Events: 600 rows, %s)")]
sizes = sys.argv[2:]
want = [(l, s, m % sizes[i]) for i, (l, s, m) in enumerate(want)]
print(got) if got != want else None
sys.exit(got != want)' "$out" "$(value "SELECT pg_size_pretty(pg_total_relation_size('orders'))")" \
	"$(value "SELECT pg_size_pretty(pg_total_relation_size('settings'))")" \
	"$(value "SELECT pg_size_pretty(pg_total_relation_size('app.events_2023') + pg_total_relation_size('app.events_2024_click') + pg_total_relation_size('app.events_2024_view'))")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
