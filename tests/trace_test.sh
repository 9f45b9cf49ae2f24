#!/usr/bin/env bash
# trace_test.sh - `migralint trace` over every fixture and example must find
# no trace-mismatch: the lock model's regression test is what PostgreSQL 15
# does. Fixtures are traced on a server this test starts (tests/pg_server.sh),
# each in a fresh database; the examples on migralint's own throwaway server.
# The cases and the comparison are in trace_test.py.
#
# TRACE_ONLY=REGEX traces only the fixtures whose path matches (and no
# example). Exits 77 (skipped) without PostgreSQL 15 or /usr/bin/python3.
# usage: trace_test.sh MIGRALINT
set -u
ML=$(cd "$(dirname -- "$1")" && pwd)/$(basename -- "$1")
here=$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# a throw-away PostgreSQL 15 cluster: PGBIN, PY, as_pg and dir (tests/pg_server.sh)
source "$here/pg_server.sh"

"$PY" "$here/trace_test.py" "$ML" "$(dirname -- "$here")" "$PGBIN/psql" "$dir"
