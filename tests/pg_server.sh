# pg_server.sh - sourced by the tests that need a real PostgreSQL 15: skips
# (exit 77) without Debian's PostgreSQL 15 binaries, /usr/bin/python3, or,
# as root, a postgres user to run the server as; otherwise initdb's a
# throw-away cluster in a temporary directory and starts it listening on a
# unix socket in that directory only. It sets PGBIN, PY, as_pg (the command
# prefix that runs a program as the server's user) and dir (the temporary
# directory, socket included), and stops the server and removes dir on exit.
PGBIN=/usr/lib/postgresql/15/bin
PY=/usr/bin/python3

if [[ ! -x $PGBIN/initdb ]]; then
	echo "skipped: $PGBIN/initdb not found (install Debian's postgresql package for PostgreSQL 15)"
	exit 77
fi
if [[ ! -x $PY ]]; then
	echo "skipped: $PY not found"
	exit 77
fi
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
	if ! getent passwd postgres >/dev/null; then
		echo "skipped: running as root and there is no postgres user to run the server as"
		exit 77
	fi
	as_pg=(runuser -u postgres --)
fi

dir=$(mktemp -d)
pg_server_cleanup() {
	if [[ -f $dir/data/postmaster.pid ]]; then
		${as_pg[@]+"${as_pg[@]}"} "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
	fi
	rm -rf "$dir"
}
trap pg_server_cleanup EXIT
[[ ${#as_pg[@]} -eq 0 ]] || chown postgres: "$dir"

if ! ${as_pg[@]+"${as_pg[@]}"} "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C \
	--no-sync >"$dir/initdb.log" 2>&1; then
	echo "FAIL initdb"
	cat "$dir/initdb.log"
	exit 1
fi
if ! ${as_pg[@]+"${as_pg[@]}"} "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
	-o "-k $dir -c listen_addresses='' -c fsync=off -c autovacuum=off" start >/dev/null 2>&1; then
	echo "FAIL pg_ctl start"
	cat "$dir/server.log"
	exit 1
fi
