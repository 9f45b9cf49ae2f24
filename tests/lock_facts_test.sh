#!/usr/bin/env bash
# lock_facts_test.sh - checks the lock model (src/model/lock_table.c) against a real
# PostgreSQL 15 server: for one statement per form, what migralint says the
# statement locks, rewrites and scans against what PostgreSQL does.
#
# A throw-away cluster (initdb into a temporary directory, unix socket only)
# gets fixture tables. Each case runs inside BEGIN ... ROLLBACK and reads, in
# the same transaction:
#   locks    pg_locks of its own backend: the strongest mode per relation,
#            user tables only (indexes, sequences, TOAST and catalogs are
#            left out unless migralint names them). An ACCESS SHARE that
#            migralint does not name counts as no lock (reads it does not
#            model: a foreign key's check, a name looked up), except in the
#            cases marked `reads`, which are about the tables a query reads.
#   rewrite  pg_class.relfilenode of the tables changed (TRUNCATE also gets a
#            new, empty file: that is not a rewrite, and is marked so below).
#   scan     pg_stat_get_xact_numscans grew: a sequential scan of the table.
#   index    an index of the table got a new relfilenode (built or rebuilt).
# and compares with `migralint --format json --statements` (locks, rewrite,
# scan) and with the kind slow-statement-under-exclusive-lock names for the
# statement after a LOCK TABLE (rewrite / index build / scan; none for a
# statement PostgreSQL refuses inside a transaction block).
#
# Statements PostgreSQL refuses inside a transaction block (CONCURRENTLY,
# VACUUM) are checked three ways: PostgreSQL rejects them after BEGIN; the
# locks they request, seen from another session while a SHARE UPDATE
# EXCLUSIVE lock held elsewhere makes them wait; and relfilenode and scans
# when run in autocommit (then undone).
#
# Rules that say PostgreSQL rejects a statement have their fixtures run on
# the same server (see `reject` at the end), and truncating-table's claim that
# TRUNCATE is not MVCC-safe is shown with two sessions (`mvcc_case`).
#
# LOCK_FACTS_VERBOSE=1 prints what each side said for every case;
# LOCK_FACTS_ONLY=REGEX runs only the cases whose name matches.
# Exits 77 (skipped) without PostgreSQL 15 or /usr/bin/python3.
# usage: lock_facts_test.sh MIGRALINT
set -u
ML=$1
# a throw-away PostgreSQL 15 cluster: PGBIN, PY, as_pg and dir (tests/pg_server.sh)
source "$(dirname -- "${BASH_SOURCE[0]}")/pg_server.sh"

# psql on the test cluster: unaligned, tuples only, '|' between fields.
pg() {
	"$PGBIN/psql" -X -q -A -t -F '|' -h "$dir" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
}

mkdir "$dir/ts"
[[ ${#as_pg[@]} -eq 0 ]] || chown postgres: "$dir/ts"
if ! pg >"$dir/fixture.log" 2>&1 <<SQL; then
CREATE TABLESPACE lf_space LOCATION '$dir/ts';
CREATE PUBLICATION lf_pub;
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, email varchar(50));
INSERT INTO customers SELECT g, 'customer ' || g, 'c' || g || '@example.com' FROM generate_series(1, 100) g;
CREATE TYPE order_status AS ENUM ('new', 'paid');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE TABLE orders (
	id bigint PRIMARY KEY,
	customer_id bigint NOT NULL,
	amount numeric(10,2) NOT NULL,
	quantity integer,
	note varchar(20),
	status text,
	created timestamp,
	state order_status,
	CONSTRAINT orders_created_present CHECK (created IS NOT NULL)
);
INSERT INTO orders SELECT g, 1 + g % 100, g * 1.5, g % 7 + 1, 'note ' || g, 'new', now(), 'new'
	FROM generate_series(1, 2000) g;
CREATE INDEX orders_customer_idx ON orders (customer_id);
CREATE UNIQUE INDEX orders_id_note_uidx ON orders (id, note);
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
CREATE FUNCTION lf_touch() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN RETURN NEW; END\$\$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION lf_touch();
CREATE TABLE notes (id bigint, body text);
CREATE TABLE empty_items (id bigint);
INSERT INTO notes SELECT g, 'note' FROM generate_series(1, 500) g;
CREATE TABLE payments (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));
INSERT INTO payments SELECT g, g FROM generate_series(1, 50) g;
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO events SELECT g, date '2024-01-01' + g % 365 FROM generate_series(1, 500) g;
CREATE TABLE events_2025 (id bigint NOT NULL, at date NOT NULL);
INSERT INTO events_2025 SELECT g, date '2025-01-01' + g % 365 FROM generate_series(1, 500) g;
CREATE MATERIALIZED VIEW order_totals AS SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id;
CREATE UNIQUE INDEX order_totals_customer ON order_totals (customer_id);
CREATE VIEW customer_names AS SELECT id, name FROM customers;
CREATE TABLE lf_locker (id integer);
CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER heap_tableam_handler;
ANALYZE;
SQL
	echo "FAIL fixture"
	cat "$dir/fixture.log"
	exit 1
fi

# The fixture's relations by oid, so that renamed and dropped ones keep
# their names in pg_locks.
declare -A fx_oid fx_name fx_kind
while IFS='|' read -r oid kind name; do
	fx_oid[$name]=$oid
	fx_name[$oid]=$name
	fx_kind[$oid]=$kind
done < <(pg -c "SELECT c.oid, c.relkind, c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace")

declare -A RANK=([NONE]=0 [ACCESS_SHARE]=1 [ROW_SHARE]=2 [ROW_EXCLUSIVE]=3 [SHARE_UPDATE_EXCLUSIVE]=4
	[SHARE]=5 [SHARE_ROW_EXCLUSIVE]=6 [EXCLUSIVE]=7 [ACCESS_EXCLUSIVE]=8)

# PostgreSQL's lock mode name to migralint's, with _ for spaces.
mode_name() {
	case $1 in
	AccessShareLock) echo ACCESS_SHARE ;;
	RowShareLock) echo ROW_SHARE ;;
	RowExclusiveLock) echo ROW_EXCLUSIVE ;;
	ShareUpdateExclusiveLock) echo SHARE_UPDATE_EXCLUSIVE ;;
	ShareLock) echo SHARE ;;
	ShareRowExclusiveLock) echo SHARE_ROW_EXCLUSIVE ;;
	ExclusiveLock) echo EXCLUSIVE ;;
	AccessExclusiveLock) echo ACCESS_EXCLUSIVE ;;
	*) echo "UNKNOWN_$1" ;;
	esac
}

# Reads migralint's JSON: `stmt FILE LINE` prints the statement's locks
# ("L MODE TABLE"), rewrite and scan ("R yes|no", "S yes|no") and kind;
# `diag FILE LINE RULE` prints the messages of RULE at LINE.
read_json='
import json, sys
doc = json.load(open(sys.argv[2]))
line = int(sys.argv[3])
if sys.argv[1] == "stmt":
    for s in doc.get("statements", []):
        if s["line"] == line:
            for l in s["locks"]:
                print("L", l["mode"].replace(" ", "_"), l["table"])
            print("R", "yes" if s["rewrite"] else "no")
            print("S", "yes" if s["scan"] else "no")
            print("K", s["kind"])
else:
    for d in doc["diagnostics"]:
        if d["line"] == line and d["rule"] == sys.argv[4]:
            print(d["message"])
'

lint() {
	"$ML" --no-config --pg-version 15 --format json --statements --stdin-filename x.sql - 2>>"$dir/migralint.err"
}

passed=0
failed=0
notes=()

# One case. Globals set by the caller (see `t` below): name; tables, the
# fixture tables whose relfilenode, scans and indexes are measured (for notx,
# the last is the one another session blocks); stmt; prefix, SQL fed to
# migralint before the statement so that it knows what the fixture has (which
# table an index is on, a column's type, a valid CHECK), never run on the
# server; notx, refused in a transaction block; newfile, TRUNCATE's new empty
# file; noscan, why the scan counters cannot see this statement's reads; notslow,
# why its scan is never slow work (it succeeds only on an empty table); undo,
# SQL that restores the fixture after a notx statement's autocommit run;
# probe and probe_undo, the lock modes another session holds to stop a notx
# statement (one probe each) and SQL that cleans up after the probes.
# Lock modes of every user table and view either side names, and of any
# other relation (an index) migralint names, are compared.
run_case() {
	local problems=() oids="" tbl
	for tbl in $tables; do
		[[ -n ${fx_oid[$tbl]:-} ]] && oids+="${oids:+,}${fx_oid[$tbl]}"
	done
	[[ -n $oids ]] || oids=0

	# ---- migralint ----
	local ml_in=$dir/ml.sql ml_json=$dir/ml.json prefix_lines=0
	if [[ -n $prefix ]]; then
		printf '%s\n' "$prefix" >"$dir/prefix.sql"
		prefix_lines=$(wc -l <"$dir/prefix.sql")
	else
		: >"$dir/prefix.sql"
	fi
	{ cat "$dir/prefix.sql"; printf '%s;\n' "$stmt"; } >"$ml_in"
	lint <"$ml_in" >"$ml_json"
	local line=$((prefix_lines + 1)) ml_rewrite="" ml_scan="" ml_kind=""
	declare -A ml_mode=()
	local tag a b
	while read -r tag a b; do
		case $tag in
		L) ml_mode[$b]=$a ;;
		R) ml_rewrite=$a ;;
		S) ml_scan=$a ;;
		K) ml_kind="$a${b:+ $b}" ;;
		esac
	done < <("$PY" -c "$read_json" stmt "$ml_json" "$line")
	if [[ -z $ml_rewrite ]]; then
		echo "FAIL $name: migralint reported no statement at line $line"
		failed=$((failed + 1))
		return
	fi
	# The slow-statement probe: after LOCK TABLE, slow-statement-under-
	# exclusive-lock names what makes the statement slow.
	{ cat "$dir/prefix.sql"; printf 'BEGIN;\nLOCK TABLE lf_locker;\n%s;\nCOMMIT;\n' "$stmt"; } >"$ml_in"
	lint <"$ml_in" >"$ml_json"
	local msg ml_slow=none
	msg=$("$PY" -c "$read_json" diag "$ml_json" $((prefix_lines + 3)) slow-statement-under-exclusive-lock)
	# "(builds an index)", or "(builds an index, reported by RULE)"
	case $msg in
	*"(rewrites a table"[,\)]*) ml_slow=rewrite ;;
	*"(builds an index"[,\)]*) ml_slow=index ;;
	*"(scans a whole table"[,\)]*) ml_slow=scan ;;
	*"(changes many rows"[,\)]*) ml_slow=rows ;;
	esac

	# ---- PostgreSQL ----
	declare -A pg_all=() pg_tab=() before=() after=() scans_before=() scans_after=() ix_before=() ix_after=()
	local pg_rewrite=no pg_scan=no pg_index=no out kind mode rname oid relnode
	local measure="SELECT 'S', c.oid, c.relfilenode, pg_stat_get_xact_numscans(c.oid) FROM pg_class c WHERE c.oid IN ($oids);
SELECT 'I', i.indexrelid, ic.relfilenode FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid IN ($oids);"
	if [[ -z $notx ]]; then
		if ! out=$(pg 2>&1 <<SQL
BEGIN;
SELECT 'B';
$measure
$stmt;
SELECT 'A';
$measure
SELECT 'L', l.relation, coalesce(c.relkind::text, ''), l.relation::regclass::text, l.mode
	FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation
	WHERE l.locktype = 'relation' AND l.pid = pg_backend_pid() AND l.relation >= 16384;
ROLLBACK;
SQL
		); then
			echo "FAIL $name: PostgreSQL: $(tr '\n' ' ' <<<"$out")"
			failed=$((failed + 1))
			return
		fi
		local phase=B
		while IFS='|' read -r tag a b c d; do
			case $tag in
			A) phase=A ;;
			S)
				if [[ $phase == B ]]; then before[$a]=$b scans_before[$a]=$c; else after[$a]=$b scans_after[$a]=$c; fi ;;
			I)
				# by relfilenode: an index PostgreSQL keeps through ALTER
				# COLUMN TYPE gets a new oid but the same file
				[[ $b == 0 ]] && continue
				if [[ $phase == B ]]; then ix_before[$b]=1; else ix_after[$b]=1; fi ;;
			L)
				oid=$a kind=$b rname=$c mode=$(mode_name "$d")
				if [[ -n ${fx_name[$oid]:-} ]]; then rname=${fx_name[$oid]} kind=${fx_kind[$oid]}; fi
				if ((RANK[$mode] > ${RANK[${pg_all[$rname]:-NONE}]})); then pg_all[$rname]=$mode; fi
				case $kind in r | p | m | v) pg_tab[$rname]=${pg_all[$rname]} ;; esac
				;;
			esac
		done <<<"$out"
		for oid in "${!before[@]}"; do
			if [[ -n ${after[$oid]:-} && ${before[$oid]} != 0 && ${after[$oid]} != "${before[$oid]}" ]]; then
				pg_rewrite=yes
			fi
			if [[ -n ${after[$oid]:-} ]] && ((scans_after[$oid] > scans_before[$oid])); then pg_scan=yes; fi
		done
		for relnode in "${!ix_after[@]}"; do
			[[ -n ${ix_before[$relnode]:-} ]] || pg_index=yes
		done
	else
		# Refused inside a transaction block?
		out=$(pg 2>&1 <<<"BEGIN; $stmt; ROLLBACK;")
		if [[ $out != *"cannot run inside a transaction block"* ]]; then
			problems+=("PostgreSQL accepts it inside BEGIN (lock table: error in transaction): $(tr '\n' ' ' <<<"$out")")
		fi
		# Does migralint tell the user? Not a lock-table claim: a note.
		{ cat "$dir/prefix.sql"; printf 'BEGIN;\n%s;\nCOMMIT;\n' "$stmt"; } >"$ml_in"
		lint <"$ml_in" >"$ml_json"
		"$PY" -c "$read_json" diag "$ml_json" $((prefix_lines + 2)) concurrently-in-transaction | grep -q . ||
			notes+=("$name: no concurrently-in-transaction finding for it after BEGIN")
		# The locks it requests, seen from outside while it waits.
		probe_locks
		# Rewrite and scans, run for real in autocommit.
		autocommit_run
	fi

	# ---- compare ----
	local t2 pgm mlm
	declare -A seen=()
	for t2 in "${!pg_tab[@]}" "${!ml_mode[@]}"; do
		[[ -n ${seen[$t2]:-} ]] && continue
		seen[$t2]=1
		pgm=${pg_all[$t2]:-NONE}
		mlm=${ml_mode[$t2]:-NONE}
		[[ $pgm == ACCESS_SHARE && $mlm == NONE && -z $reads ]] && pgm=NONE
		[[ $pgm == "$mlm" ]] || problems+=("lock on $t2: PostgreSQL ${pgm//_/ }, migralint ${mlm//_/ }")
	done
	if [[ -n $newfile ]]; then
		# A new, empty file is not a rewrite.
		[[ $pg_rewrite == yes ]] || problems+=("relfilenode did not change")
		pg_rewrite=no
	fi
	[[ $pg_rewrite == "$ml_rewrite" ]] || problems+=("rewrite: PostgreSQL $pg_rewrite (relfilenode), migralint $ml_rewrite")
	if [[ -n $noscan ]]; then
		:
	elif [[ $pg_scan != "$ml_scan" ]]; then
		problems+=("scan: PostgreSQL $pg_scan (seq scans), migralint $ml_scan")
	fi
	local pg_slow=none
	if [[ -n $notx ]]; then
		pg_slow=none
	elif [[ $pg_rewrite == yes ]]; then
		pg_slow=rewrite
	elif [[ $pg_index == yes ]]; then
		pg_slow=index
	elif [[ $pg_scan == yes && -z $noscan ]]; then
		pg_slow=scan
	elif [[ -n $noscan && $ml_slow == scan ]]; then
		pg_slow=scan
	fi
	# An UPDATE or DELETE of every row scans the table; migralint calls it
	# "changes many rows", the more telling of the two.
	[[ $pg_slow == scan && $ml_slow == rows ]] && pg_slow=rows
	# A scan that only succeeds when there is nothing to read is never slow.
	[[ $pg_slow == scan && -n $notslow ]] && pg_slow=none
	[[ $pg_slow == "$ml_slow" ]] ||
		problems+=("slow kind after LOCK TABLE: PostgreSQL $pg_slow, migralint $ml_slow${notx:+ (expected none: refused in a transaction)}")

	if [[ -n ${LOCK_FACTS_VERBOSE:-} ]]; then
		local desc="" k
		for k in "${!seen[@]}"; do desc+=" $k=${pg_all[$k]:-NONE}/${ml_mode[$k]:-NONE}"; done
		echo "     locks (PostgreSQL/migralint):$desc; rewrite $pg_rewrite/$ml_rewrite;" \
			"scan $pg_scan/$ml_scan; index built $pg_index; slow $pg_slow/$ml_slow"
	fi
	if [[ ${#problems[@]} -eq 0 ]]; then
		echo "ok   $name [$ml_kind]"
		passed=$((passed + 1))
	else
		echo "FAIL $name: $stmt"
		local p
		for p in "${problems[@]}"; do echo "       $p"; done
		failed=$((failed + 1))
	fi
}

# For a statement that cannot run in a transaction block: another session
# holds a lock on the last table of the case (SHARE UPDATE EXCLUSIVE unless
# the case names other modes with probe=), the statement runs in autocommit
# and waits on it; its locks then (granted ones and the one it waits for) go
# to pg_all / pg_tab. Weaker requests pass the blocker. A statement that runs
# in phases (DETACH PARTITION CONCURRENTLY, REINDEX CONCURRENTLY) gets one
# probe per mode, each stopping it at a later phase; what a cancelled phase
# leaves behind is cleaned up by probe_undo=.
probe_locks() {
	local mode rest=$probe
	while [[ -n $rest ]]; do
		mode=${rest%%;*}
		[[ $rest == *";"* ]] && rest=${rest#*;} || rest=""
		probe_once "$mode"
	done
	if [[ -n $probe_undo ]] && ! out=$(pg 2>&1 <<<"$probe_undo"); then
		problems+=("probe_undo failed: $(tr '\n' ' ' <<<"$out")")
	fi
}

probe_once() {
	local hold=$1 last=${tables##* } i pid="" out
	PGAPPNAME=lf_holder pg -c "BEGIN; LOCK TABLE $last IN $hold MODE; SELECT pg_sleep(60)" \
		>/dev/null 2>&1 &
	local holder=$!
	for ((i = 0; i < 200; i++)); do
		out=$(pg -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			WHERE a.application_name = 'lf_holder' AND l.granted AND l.locktype = 'relation'")
		[[ $out == 1 ]] && break
		sleep 0.02
	done
	PGAPPNAME=lf_probe pg -c "$stmt" >/dev/null 2>&1 &
	local probe=$!
	for ((i = 0; i < 250; i++)); do
		pid=$(pg -c "SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			WHERE a.application_name = 'lf_probe' AND NOT l.granted")
		[[ -n $pid ]] && break
		sleep 0.02
	done
	if [[ -z $pid ]]; then
		problems+=("did not wait on the $hold lock held on $last")
	else
		local oid kind rname mode
		while IFS='|' read -r oid kind rname mode; do
			mode=$(mode_name "$mode")
			if [[ -n ${fx_name[$oid]:-} ]]; then rname=${fx_name[$oid]} kind=${fx_kind[$oid]}; fi
			if ((RANK[$mode] > ${RANK[${pg_all[$rname]:-NONE}]})); then pg_all[$rname]=$mode; fi
			case $kind in r | p | m | v) pg_tab[$rname]=${pg_all[$rname]} ;; esac
		done < <(pg -c "SELECT l.relation, coalesce(c.relkind::text, ''), l.relation::regclass::text, l.mode
			FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation
			WHERE l.locktype = 'relation' AND l.pid = $pid AND l.relation >= 16384")
	fi
	pg -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'lf_probe'" >/dev/null
	wait "$probe"
	pg -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'lf_holder'" >/dev/null
	wait "$holder"
}

# Runs the statement in autocommit in a fresh session and sets pg_rewrite,
# pg_scan from relfilenode and the cumulative scan counters (flushed on
# demand; other sessions gone first so that no late flush of theirs counts).
autocommit_run() {
	local out tag a b c phase=B
	if ! out=$(pg 2>&1 <<SQL
DO \$\$BEGIN
	FOR i IN 1..500 LOOP
		EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE backend_type = 'client backend' AND pid <> pg_backend_pid());
		PERFORM pg_sleep(0.01);
	END LOOP;
END\$\$;
SELECT 'S', c.oid, c.relfilenode, pg_stat_get_numscans(c.oid) FROM pg_class c WHERE c.oid IN ($oids);
$stmt;
SELECT pg_stat_force_next_flush();
SELECT 'A';
SELECT 'S', c.oid, c.relfilenode, pg_stat_get_numscans(c.oid) FROM pg_class c WHERE c.oid IN ($oids);
SQL
	); then
		problems+=("autocommit run failed: $(tr '\n' ' ' <<<"$out")")
	fi
	declare -A b_node=() b_scans=()
	while IFS='|' read -r tag a b c; do
		case $tag in
		A) phase=A ;;
		S)
			if [[ $phase == B ]]; then
				b_node[$a]=$b b_scans[$a]=$c
			else
				[[ ${b_node[$a]:-0} != 0 && $b != "${b_node[$a]}" ]] && pg_rewrite=yes
				((c > ${b_scans[$a]:-0})) && pg_scan=yes
			fi
			;;
		esac
	done <<<"$out"
	if [[ -n $undo ]] && ! out=$(pg 2>&1 <<<"$undo"); then
		problems+=("undo failed: $(tr '\n' ' ' <<<"$out")")
	fi
}

# t NAME TABLES STATEMENT [prefix=SQL] [notx] [probe=MODE;MODE] [probe_undo=SQL] [newfile]
#   [noscan=REASON] [notslow=REASON] [undo=SQL] [reads]
t() {
	[[ -z ${LOCK_FACTS_ONLY:-} || $1 =~ $LOCK_FACTS_ONLY ]] || return 0
	name=$1 tables=$2 stmt=$3
	prefix="" notx="" newfile="" noscan="" notslow="" undo="" probe="SHARE UPDATE EXCLUSIVE" probe_undo="" reads=""
	shift 3
	local arg
	for arg in "$@"; do
		case $arg in
		prefix=*) prefix=${arg#prefix=} ;;
		undo=*) undo=${arg#undo=} ;;
		probe=*) probe=${arg#probe=} ;;
		probe_undo=*) probe_undo=${arg#probe_undo=} ;;
		noscan=*) noscan=${arg#noscan=} ;;
		notslow=*) notslow=${arg#notslow=} ;;
		notx) notx=1 ;;
		reads) reads=1 ;;
		newfile) newfile=1 ;;
		*) echo "bad case option $arg" >&2 ;;
		esac
	done
	run_case
}

start=$SECONDS

# ---- one case per form (several for some) ---------------------------------
t create-table "orders" 'CREATE TABLE line_items (id bigint, qty integer)'
t create-table-references "orders" 'CREATE TABLE line_items (id bigint, order_id bigint REFERENCES orders (id))'
t drop-table "notes" 'DROP TABLE notes'
t drop-table-with-foreign-key "payments customers" 'DROP TABLE payments' \
	prefix='ALTER TABLE payments ADD CONSTRAINT payments_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);'
t add-column "orders" 'ALTER TABLE orders ADD COLUMN extra text'
t analyze "orders" 'ANALYZE orders'
t alter-publication-table "orders" 'ALTER PUBLICATION lf_pub ADD TABLE orders'
nonempty='it reads every row for the NULL it would have, and fails on the first: it succeeds only on an empty table'
t add-column-not-null "empty_items" 'ALTER TABLE empty_items ADD COLUMN extra text NOT NULL' notslow="$nonempty"
t add-column-not-null-default-null "empty_items" 'ALTER TABLE empty_items ADD COLUMN extra text NOT NULL DEFAULT NULL' \
	notslow="$nonempty"
t add-column-default "orders" 'ALTER TABLE orders ADD COLUMN flag boolean NOT NULL DEFAULT false'
t add-column-default-now "orders" 'ALTER TABLE orders ADD COLUMN seen timestamptz DEFAULT now()'
t add-column-volatile-default "orders" 'ALTER TABLE orders ADD COLUMN r double precision DEFAULT random()'
t add-column-identity "orders" 'ALTER TABLE orders ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY'
t add-column-serial "orders" 'ALTER TABLE orders ADD COLUMN seq bigserial'
t add-column-stored-generated "orders" 'ALTER TABLE orders ADD COLUMN total numeric GENERATED ALWAYS AS (amount * quantity) STORED'
t add-column-domain-with-check "orders" 'ALTER TABLE orders ADD COLUMN pieces positive_int' \
	prefix='CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);'
t add-column-references "orders customers" 'ALTER TABLE orders ADD COLUMN referrer_id bigint REFERENCES customers (id)'
t alter-column-type "orders" 'ALTER TABLE orders ALTER COLUMN quantity TYPE bigint'
t alter-column-type-coercible "orders" 'ALTER TABLE orders ALTER COLUMN note TYPE varchar(40)' \
	prefix='ALTER TABLE orders ALTER COLUMN note TYPE varchar(20);'
t set-not-null "orders" 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL'
t set-not-null-checked "orders" 'ALTER TABLE orders ALTER COLUMN created SET NOT NULL' \
	prefix='ALTER TABLE orders ADD CONSTRAINT orders_created_present CHECK (created IS NOT NULL);'
t set-default "orders" "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new'"
t drop-not-null "orders" 'ALTER TABLE orders ALTER COLUMN customer_id DROP NOT NULL'
t drop-column "orders" 'ALTER TABLE orders DROP COLUMN status'
t rename-column "orders" 'ALTER TABLE orders RENAME COLUMN note TO remark'
t rename-table "customers" 'ALTER TABLE customers RENAME TO clients'
t rename-index "orders" 'ALTER INDEX orders_customer_idx RENAME TO orders_cust_idx'
t add-foreign-key "orders customers" 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk2 FOREIGN KEY (customer_id) REFERENCES customers (id)'
t add-foreign-key-not-valid "orders customers" 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk2 FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID'
t validate-foreign-key "orders customers" 'ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk' \
	prefix='ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;'
t validate-check "orders" 'ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive'
t add-check "orders" 'ALTER TABLE orders ADD CONSTRAINT orders_quantity_positive CHECK (quantity > 0)'
t add-check-not-valid "orders" 'ALTER TABLE orders ADD CONSTRAINT orders_quantity_positive CHECK (quantity > 0) NOT VALID'
t add-unique "orders" 'ALTER TABLE orders ADD CONSTRAINT orders_note_key UNIQUE (note)'
t add-primary-key "notes" 'ALTER TABLE notes ADD PRIMARY KEY (id)'
t add-unique-using-index "orders" 'ALTER TABLE orders ADD CONSTRAINT orders_id_note_key UNIQUE USING INDEX orders_id_note_uidx'
t add-exclude "orders" 'ALTER TABLE orders ADD CONSTRAINT orders_id_excl EXCLUDE USING btree (id WITH =)'
t drop-constraint "orders" 'ALTER TABLE orders DROP CONSTRAINT orders_amount_positive'
t drop-foreign-key "orders customers" 'ALTER TABLE orders DROP CONSTRAINT orders_customer_fk' \
	prefix='ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;'
t create-index "orders" 'CREATE INDEX orders_amount_idx ON orders (amount)'
t create-index-on-only "events events_2024" 'CREATE INDEX events_at_idx ON ONLY events (at)'
t create-index-partitioned "events events_2024" 'CREATE INDEX events_at_idx ON events (at)' \
	prefix="ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
t drop-index "orders" 'DROP INDEX orders_customer_idx' \
	prefix='CREATE INDEX orders_customer_idx ON orders (customer_id);'
t reindex-index "orders" 'REINDEX INDEX orders_customer_idx' \
	prefix='CREATE INDEX orders_customer_idx ON orders (customer_id);'
t reindex-table "orders" 'REINDEX TABLE orders'
t drop-view "customers customer_names" 'DROP VIEW customer_names'
t drop-materialized-view "orders order_totals" 'DROP MATERIALIZED VIEW order_totals'
t cluster "orders" 'CLUSTER orders USING orders_pkey'
t truncate "notes" 'TRUNCATE notes' newfile
t truncate-two-tables "notes events_2025" 'TRUNCATE notes, events_2025' newfile
t attach-partition "events events_2025" "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"
t detach-partition "events events_2024" 'ALTER TABLE events DETACH PARTITION events_2024'
t create-trigger "orders" 'CREATE TRIGGER orders_touch2 BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION lf_touch()'
t disable-trigger "orders" 'ALTER TABLE orders DISABLE TRIGGER orders_touch'
t drop-trigger "orders" 'DROP TRIGGER orders_touch ON orders'
t add-enum-value "orders" "ALTER TYPE order_status ADD VALUE 'shipped'"
t refresh-matview "order_totals orders" 'REFRESH MATERIALIZED VIEW order_totals'
t refresh-matview-concurrently "order_totals orders" 'REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals'
t set-storage-parameter "orders" 'ALTER TABLE orders SET (fillfactor = 70)'
t set-statistics "orders" 'ALTER TABLE orders ALTER COLUMN note SET STATISTICS 500'
t cluster-on "orders" 'ALTER TABLE orders CLUSTER ON orders_pkey'
t comment-on-table "orders" "COMMENT ON TABLE orders IS 'customer orders'"
t set-unlogged "notes" 'ALTER TABLE notes SET UNLOGGED'
t set-access-method "notes" 'ALTER TABLE notes SET ACCESS METHOD heap2'
t set-tablespace "notes" 'ALTER TABLE notes SET TABLESPACE lf_space' \
	noscan='copies the files block by block: no scan for the counters to see'
t lock-table "notes" 'LOCK TABLE notes'
t lock-table-share "notes" 'LOCK TABLE notes IN SHARE MODE'
t update-one-row "orders" "UPDATE orders SET note = 'x' WHERE id = 1"
t update-all-rows "notes" "UPDATE notes SET body = 'x'"
t delete-one-row "orders" 'DELETE FROM orders WHERE id = 1'
t delete-all-rows "notes" 'DELETE FROM notes'
t insert "notes" "INSERT INTO notes VALUES (1000, 'x')"
# ---- reads: ACCESS SHARE on each table a query reads, a scan when a copy reads it whole
tiny='the planner reads a table of 50 or 100 rows sequentially even for one row of it'
t select-point "orders" 'SELECT note FROM orders WHERE id = 1' reads
t select-join "orders customers" 'SELECT o.note FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = 1' reads \
	noscan="$tiny"
t insert-select "notes orders" 'INSERT INTO notes SELECT id, note FROM orders' reads
t insert-select-one-row "notes orders" 'INSERT INTO notes SELECT id, note FROM orders WHERE id = 5' reads
t insert-select-limit "notes orders" 'INSERT INTO notes SELECT id, note FROM orders ORDER BY id LIMIT 10' reads
t insert-select-union "notes orders customers" 'INSERT INTO notes SELECT id, note FROM orders UNION ALL SELECT id, name FROM customers' reads
t insert-select-cte "notes orders" 'INSERT INTO notes WITH o AS (SELECT id, note FROM orders) SELECT * FROM o' reads
t select-cte-insert "notes orders" 'WITH moved AS (INSERT INTO notes SELECT id, note FROM orders RETURNING id) SELECT count(*) FROM moved' reads
t insert-cte-delete "notes payments" 'WITH gone AS (DELETE FROM payments WHERE id > 40 RETURNING id) INSERT INTO notes SELECT id, $$x$$ FROM gone' reads \
	noscan="$tiny"
t insert-if-missing "notes" "INSERT INTO notes (id, body) SELECT 9999, 'x' WHERE NOT EXISTS (SELECT 1 FROM customers WHERE id = 9999)" reads
t create-table-as "orders" 'CREATE TABLE orders_copy AS SELECT * FROM orders' reads
t create-table-as-no-data "orders" 'CREATE TABLE orders_copy AS SELECT * FROM orders WITH NO DATA' reads
t select-into "orders customers" 'SELECT o.id, c.name INTO orders_copy FROM orders o JOIN customers c ON c.id = o.customer_id' reads
t create-materialized-view "orders" 'CREATE MATERIALIZED VIEW order_notes AS SELECT id, note FROM orders' reads
t update-from "orders customers" "UPDATE orders SET note = c.name FROM customers c WHERE c.id = orders.customer_id AND orders.id = 7" reads \
	noscan="$tiny"
t delete-using "orders payments" 'DELETE FROM payments USING orders WHERE orders.id = payments.id AND payments.id = 3' reads \
	noscan="$tiny"

t replica-identity "orders" 'ALTER TABLE orders REPLICA IDENTITY FULL'
t enable-row-level-security "orders" 'ALTER TABLE orders ENABLE ROW LEVEL SECURITY'

# ---- refused inside a transaction block -----------------------------------
t create-index-concurrently "orders" 'CREATE INDEX CONCURRENTLY orders_amount_idx ON orders (amount)' notx \
	undo='DROP INDEX orders_amount_idx'
t drop-index-concurrently "orders" 'DROP INDEX CONCURRENTLY orders_customer_idx' notx \
	prefix='CREATE INDEX orders_customer_idx ON orders (customer_id);' \
	undo='CREATE INDEX orders_customer_idx ON orders (customer_id)'
t reindex-concurrently "orders" 'REINDEX TABLE CONCURRENTLY orders' notx
# Both phases: SHARE UPDATE EXCLUSIVE on the partition stops the first, ACCESS
# SHARE (a query on the partition itself) the second, which leaves the detach
# pending when cancelled.
t detach-partition-concurrently "events events_2024" 'ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY' notx \
	probe="SHARE UPDATE EXCLUSIVE;ACCESS SHARE" \
	probe_undo="ALTER TABLE events DETACH PARTITION events_2024 FINALIZE; ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" \
	undo="ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"
# ACCESS SHARE stops it after it has locked the index, waiting for older
# transactions; the cancelled build leaves an invalid copy behind.
t reindex-index-concurrently "orders" 'REINDEX INDEX CONCURRENTLY orders_customer_idx' notx \
	prefix='CREATE INDEX orders_customer_idx ON orders (customer_id);' \
	probe="SHARE UPDATE EXCLUSIVE;ACCESS SHARE" probe_undo='DROP INDEX orders_customer_idx_ccnew'

t vacuum "orders" 'VACUUM orders' notx \
	noscan='VACUUM reads the pages itself, not through a scan the counters see'
t vacuum-full "orders" 'VACUUM FULL orders' notx

# ---- Boolean option values, read as PostgreSQL reads them ----------------
t vacuum-full-false "orders" 'VACUUM (FULL false) orders' notx \
	noscan='VACUUM reads the pages itself, not through a scan the counters see'
t vacuum-full-off-quoted "orders" "VACUUM (FULL 'OFF') orders" notx \
	noscan='VACUUM reads the pages itself, not through a scan the counters see'
t vacuum-full-one "orders" 'VACUUM (FULL 1) orders' notx
t reindex-concurrently-off "orders" 'REINDEX (CONCURRENTLY off) TABLE orders'
t reindex-concurrently-zero "orders" 'REINDEX (CONCURRENTLY 0) TABLE orders'
t reindex-concurrently-on-quoted "orders" "REINDEX (CONCURRENTLY 'On') TABLE orders" notx
# PostgreSQL's defGetBoolean takes only true/false/on/off and 1/0: yes and no
# fail the statement, which migralint documents.
for value in yes no 2; do
	[[ -z ${LOCK_FACTS_ONLY:-} || vacuum-full-$value =~ $LOCK_FACTS_ONLY ]] || continue
	out=$(pg 2>&1 <<<"VACUUM (FULL $value) notes")
	if [[ $out == *"full requires a Boolean value"* ]]; then
		echo "ok   vacuum-full-$value is rejected"
		passed=$((passed + 1))
	else
		echo "FAIL vacuum-full-$value: PostgreSQL accepted it: $out"
		failed=$((failed + 1))
	fi
done

# ---- type changes PostgreSQL makes in place, and their neighbours --------
# A table of its own; each prefix tells migralint the column's old type.
if ! pg >"$dir/fixture-types.log" 2>&1 <<'SQL'; then
CREATE TABLE readings (id bigint, at timestamp(3), at_tz timestamptz(3), at_time time(3), at_timetz timetz(3),
	span interval(3), span_hm interval hour to minute, flags varbit(5), net cidr);
INSERT INTO readings SELECT g, now(), now(), now(), now(), g * interval '1.5 s', g * interval '1 min', B'101', '10.0.0.0/8'
	FROM generate_series(1, 500) g;
CREATE INDEX readings_at_idx ON readings (at);
CREATE INDEX readings_at_tz_idx ON readings (at_tz);
CREATE INDEX readings_at_time_idx ON readings (at_time);
CREATE INDEX readings_at_timetz_idx ON readings (at_timetz);
CREATE INDEX readings_span_idx ON readings (span);
CREATE INDEX readings_span_hm_idx ON readings (span_hm);
CREATE INDEX readings_flags_idx ON readings (flags);
CREATE INDEX readings_net_idx ON readings (net);
ANALYZE readings;
SQL
	echo "FAIL fixture for type changes"
	cat "$dir/fixture-types.log"
	failed=$((failed + 1))
fi
while IFS='|' read -r oid kind name; do
	fx_oid[$name]=$oid fx_name[$oid]=$name fx_kind[$oid]=$kind
done < <(pg -c "SELECT c.oid, c.relkind, c.relname FROM pg_class c WHERE c.relname LIKE 'readings%'")
declared='ALTER TABLE readings ALTER COLUMN at TYPE timestamp(3), ALTER COLUMN at_tz TYPE timestamptz(3),
	ALTER COLUMN at_time TYPE time(3), ALTER COLUMN at_timetz TYPE timetz(3), ALTER COLUMN span TYPE interval(3),
	ALTER COLUMN span_hm TYPE interval hour to minute, ALTER COLUMN flags TYPE varbit(5), ALTER COLUMN net TYPE cidr;'
t type-timestamp-precision-raised "readings" 'ALTER TABLE readings ALTER COLUMN at TYPE timestamp(6)' prefix="$declared"
t type-timestamp-precision-dropped "readings" 'ALTER TABLE readings ALTER COLUMN at TYPE timestamp without time zone' prefix="$declared"
t type-timestamp-precision-lowered "readings" 'ALTER TABLE readings ALTER COLUMN at TYPE timestamp(1)' prefix="$declared"
t type-timestamptz-precision-dropped "readings" 'ALTER TABLE readings ALTER COLUMN at_tz TYPE timestamp with time zone' prefix="$declared"
t type-time-precision-raised "readings" 'ALTER TABLE readings ALTER COLUMN at_time TYPE time(4)' prefix="$declared"
t type-timetz-precision-dropped "readings" 'ALTER TABLE readings ALTER COLUMN at_timetz TYPE time with time zone' prefix="$declared"
t type-interval-precision-raised "readings" 'ALTER TABLE readings ALTER COLUMN span TYPE interval(5)' prefix="$declared"
t type-interval-to-plain "readings" 'ALTER TABLE readings ALTER COLUMN span TYPE interval' prefix="$declared"
t type-interval-fields-down-to-second "readings" 'ALTER TABLE readings ALTER COLUMN span TYPE interval day to second(3)' prefix="$declared"
t type-interval-fields-to-day "readings" 'ALTER TABLE readings ALTER COLUMN span TYPE interval day' prefix="$declared"
t type-interval-minutes-to-seconds "readings" 'ALTER TABLE readings ALTER COLUMN span_hm TYPE interval day to second' prefix="$declared"
t type-interval-minutes-to-hours "readings" 'ALTER TABLE readings ALTER COLUMN span_hm TYPE interval hour' prefix="$declared"
t type-interval-precision-lowered "readings" 'ALTER TABLE readings ALTER COLUMN span TYPE interval(1)' prefix="$declared"
t type-varbit-widened "readings" 'ALTER TABLE readings ALTER COLUMN flags TYPE bit varying(10)' prefix="$declared"
t type-varbit-unconstrained "readings" 'ALTER TABLE readings ALTER COLUMN flags TYPE varbit' prefix="$declared"
t type-varbit-narrowed "readings" 'ALTER TABLE readings ALTER COLUMN flags TYPE varbit(3)' prefix="$declared"
t type-cidr-to-inet "readings" 'ALTER TABLE readings ALTER COLUMN net TYPE inet' prefix="$declared"

# ---- partitioned indexes ---------------------------------------------------
# What the findings on partitioned tables claim: PostgreSQL refuses
# CONCURRENTLY for them, the ON ONLY recipe gives a valid index, and DROP
# INDEX of a partitioned index locks every partition.
claim() { # NAME EXPECTED-OUTPUT-PATTERN SQL
	[[ -z ${LOCK_FACTS_ONLY:-} || $1 =~ $LOCK_FACTS_ONLY ]] || return 0
	local out
	out=$(pg 2>&1 <<<"$3")
	if [[ $out == $2 ]]; then
		echo "ok   $1"
		passed=$((passed + 1))
	else
		echo "FAIL $1: expected $2, PostgreSQL said: $(tr '\n' ' ' <<<"$out")"
		failed=$((failed + 1))
	fi
}
claim partitioned-create-index-concurrently-refused '*cannot create index on partitioned table "events" concurrently*' \
	'CREATE INDEX CONCURRENTLY events_id_cidx ON events (id)'
claim partitioned-on-only-recipe-is-valid 't' "CREATE INDEX events_id_ridx ON ONLY events (id);
CREATE INDEX CONCURRENTLY events_2024_id_ridx ON events_2024 (id);
ALTER INDEX events_id_ridx ATTACH PARTITION events_2024_id_ridx;
SELECT indisvalid FROM pg_index WHERE indexrelid = 'events_id_ridx'::regclass;
DROP INDEX events_id_ridx;"
pg -c 'CREATE INDEX events_id_pidx ON events (id)' >/dev/null
claim partitioned-drop-index-concurrently-refused '*cannot drop partitioned index "events_id_pidx" concurrently*' \
	'DROP INDEX CONCURRENTLY events_id_pidx'
t drop-index-partitioned "events events_2024" 'DROP INDEX events_id_pidx' \
	prefix="CREATE TABLE events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX events_id_pidx ON events (id);"
pg -c 'DROP INDEX events_id_pidx' >/dev/null

# ---- tables emptied earlier in the transaction -------------------------------
# ADD COLUMN ... NOT NULL succeeds once no row is visible; TRUNCATE leaves an
# empty file (work on it is instant), DELETE leaves the dead rows' pages.
claim emptied-by-truncate-takes-required-column 'ok' \
	"BEGIN; TRUNCATE notes; ALTER TABLE notes ADD COLUMN required int NOT NULL; SELECT 'ok'; ROLLBACK;"
claim emptied-by-delete-takes-required-column 'ok' \
	"BEGIN; DELETE FROM notes; ALTER TABLE notes ADD COLUMN required int NOT NULL; SELECT 'ok'; ROLLBACK;"
claim emptied-then-inserted-refuses-required-column '*column "required" of relation "notes" contains null values*' \
	"BEGIN; DELETE FROM notes; INSERT INTO notes VALUES (1, 'x'); ALTER TABLE notes ADD COLUMN required int NOT NULL; ROLLBACK;"
claim emptied-then-rolled-back-refuses-required-column '*column "required" of relation "notes" contains null values*' \
	"BEGIN; SAVEPOINT s; TRUNCATE notes; ROLLBACK TO SAVEPOINT s; ALTER TABLE notes ADD COLUMN required int NOT NULL; ROLLBACK;"
claim emptied-by-truncate-is-an-empty-file '0' "BEGIN; TRUNCATE notes; SELECT pg_relation_size('notes'); ROLLBACK;"
claim emptied-by-delete-keeps-its-pages '[1-9]*' "BEGIN; DELETE FROM notes; SELECT pg_relation_size('notes'); ROLLBACK;"

# ---- TRUNCATE is not MVCC-safe (truncating-table) ----------------------------
# A REPEATABLE READ transaction takes its snapshot, waits on an advisory lock
# while another session empties a table and commits, then counts the table:
# after TRUNCATE it sees no rows, after DELETE the rows of its snapshot.
mvcc_case() {
	local how=$1 expect=$2 out i seen
	name="mvcc:$how"
	pg -c "CREATE TABLE lf_mvcc (id int); INSERT INTO lf_mvcc SELECT generate_series(1, 10)" >/dev/null
	PGAPPNAME=lf_writer pg >"$dir/writer.out" 2>&1 <<SQL &
SELECT pg_advisory_lock(4242);
DO \$\$BEGIN
	FOR i IN 1..500 LOOP
		EXIT WHEN EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted);
		PERFORM pg_sleep(0.01);
	END LOOP;
END\$\$;
$how;
SELECT pg_advisory_unlock(4242);
SQL
	local writer=$!
	for ((i = 0; i < 250; i++)); do
		out=$(pg -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			WHERE a.application_name = 'lf_writer' AND l.locktype = 'advisory' AND l.granted")
		[[ $out == 1 ]] && break
		sleep 0.02
	done
	seen=$(pg 2>&1 <<SQL
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT count(*) FROM lf_locker;
SELECT pg_advisory_lock(4242);
SELECT 'rows', count(*) FROM lf_mvcc;
COMMIT;
SQL
	)
	wait "$writer"
	seen=$(sed -n 's/^rows|//p' <<<"$seen")
	local ml_msg
	printf '%s;\n' "$how" >"$dir/ml.sql"
	lint <"$dir/ml.sql" >"$dir/ml.json"
	ml_msg=$("$PY" -c "$read_json" diag "$dir/ml.json" 1 truncating-table)
	if [[ $seen != "$expect" ]]; then
		echo "FAIL $name: a snapshot taken before it sees ${seen:-?} rows, expected $expect ($(tr '\n' ' ' <"$dir/writer.out"))"
		failed=$((failed + 1))
	elif [[ ($how == TRUNCATE* && $ml_msg != *"not MVCC-safe"*) || ($how != TRUNCATE* && -n $ml_msg) ]]; then
		echo "FAIL $name: truncating-table says '${ml_msg:-nothing}'"
		failed=$((failed + 1))
	else
		echo "ok   $name (an older snapshot sees $seen rows)"
		passed=$((passed + 1))
	fi
	pg -c "DROP TABLE lf_mvcc" >/dev/null
}
mvcc_case "TRUNCATE lf_mvcc" 0
mvcc_case "DELETE FROM lf_mvcc" 10

# ---- lock_timeout and a concurrent build --------------------------------------
# A session's lock_timeout also bounds CREATE INDEX CONCURRENTLY's wait for
# the transactions older than its build, and the build it cancels leaves an
# INVALID index: require-lock-timeout's fix, a session SET, is therefore not
# offered in a file that goes on to a concurrent statement (it is before a
# plain ALTER TABLE alone).
timeout_case() {
	name="lock_timeout:create index concurrently"
	[[ -z ${LOCK_FACTS_ONLY:-} || $name =~ $LOCK_FACTS_ONLY ]] || return 0
	local out i valid fix_before fix_alone
	pg -c "CREATE TABLE lf_cic (id int); INSERT INTO lf_cic SELECT generate_series(1, 10)" >/dev/null
	PGAPPNAME=lf_old pg >/dev/null 2>&1 <<SQL &
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT count(*) FROM lf_cic;
SELECT pg_sleep(3);
COMMIT;
SQL
	local old=$!
	for ((i = 0; i < 250; i++)); do
		out=$(pg -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lf_old'
			AND query LIKE '%pg_sleep%' AND state = 'active'")
		[[ $out == 1 ]] && break
		sleep 0.02
	done
	out=$(pg -v ON_ERROR_STOP=0 -c "SET lock_timeout = '300ms'" -c "CREATE INDEX CONCURRENTLY lf_cic_idx ON lf_cic (id)" 2>&1)
	valid=$(pg -c "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('lf_cic_idx')")
	wait "$old"
	pg -c "DROP TABLE lf_cic" >/dev/null
	fix_before=$(printf 'ALTER TABLE lf_cic ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY lf_cic_note ON lf_cic (note);\n' |
		lint | "$PY" -c 'import json, sys; print(sum("fix" in d for d in json.load(sys.stdin)["diagnostics"] if d["rule"] == "require-lock-timeout"))')
	fix_alone=$(printf 'ALTER TABLE lf_cic ADD COLUMN note text;\n' |
		lint | "$PY" -c 'import json, sys; print(sum("fix" in d for d in json.load(sys.stdin)["diagnostics"] if d["rule"] == "require-lock-timeout"))')
	if [[ $out != *"canceling statement due to lock timeout"* || $valid != f ]]; then
		echo "FAIL $name: expected the build cancelled by lock_timeout and an INVALID index, got '$out', indisvalid '${valid:-none}'"
		failed=$((failed + 1))
	elif [[ $fix_before != 0 || $fix_alone != 1 ]]; then
		echo "FAIL $name: require-lock-timeout offers $fix_before fix(es) before a concurrent build (expected 0) and $fix_alone without one (expected 1)"
		failed=$((failed + 1))
	else
		echo "ok   $name (cancelled while waiting for an older transaction: the index is left INVALID)"
		passed=$((passed + 1))
	fi
}
timeout_case

# ---- statements a rule says PostgreSQL rejects ------------------------------
# reject RULE ERROR_PATTERN SETUP_SQL: every fixture of the rule runs on the
# server (psql -f, autocommit, going on after errors) in a schema of its own
# made by SETUP_SQL. A fires- fixture must fail with as many errors matching
# ERROR_PATTERN (an extended regex) as migralint has findings of the rule,
# and with no other error; a quiet- fixture must run without any error.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
reject() {
	local rule=$1 pattern=$2 setup=$3 f base out ml_n pg_n other
	for f in "$here/fixtures/$rule"/*.sql; do
		base=${f##*/}
		name="rejects:$rule/$base"
		ml_n=$("$ML" --no-config --format json "$f" 2>>"$dir/migralint.err" |
			"$PY" -c 'import json, sys; print(sum(d["rule"] == sys.argv[1] for d in json.load(sys.stdin)["diagnostics"]))' "$rule")
		out=$(pg -v ON_ERROR_STOP=0 2>&1 <<SQL
CREATE SCHEMA lf_reject;
SET search_path = lf_reject;
$setup
\\i $f
RESET search_path;
DROP SCHEMA lf_reject CASCADE;
SQL
		)
		pg_n=$(grep -cE "ERROR: +($pattern)" <<<"$out")
		other=$(grep -E "ERROR:" <<<"$out" | grep -vE "ERROR: +($pattern)" | head -1)
		if [[ -n $other || $pg_n != "$ml_n" || ($base == fires-* && $ml_n == 0) || ($base == quiet-* && $ml_n != 0) ]]; then
			echo "FAIL $name: migralint $ml_n finding(s), PostgreSQL $pg_n matching error(s)${other:+; other: $other}"
			failed=$((failed + 1))
		else
			echo "ok   $name ($ml_n)"
			passed=$((passed + 1))
		fi
	done
}
reject ban-duplicate-column-assignments 'multiple assignments to same column|column ".*" specified more than once' \
	"CREATE TYPE address AS (city text, zip text);
CREATE TABLE invoices (id bigint PRIMARY KEY, status text, note text, paid_at timestamptz, tags text[], address address);
CREATE TABLE imports (id bigint, note text);"

for note in ${notes[@]+"${notes[@]}"}; do echo "note $note"; done
echo "$passed passed, $failed failed ($((SECONDS - start)) s)"
[[ $failed -eq 0 ]]
