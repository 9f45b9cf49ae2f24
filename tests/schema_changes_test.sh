#!/usr/bin/env bash
# schema_changes_test.sh - the step ledger (src/model/schema_changes.c)
# against PostgreSQL 15: for each up/down pair of schema_changes.py, the
# objects the server made and removed (read from pg_catalog before and after
# each step) must be the ones the ledger lists, by ledger_dump, auto-generated
# index and constraint names included. The cases and the comparison are in
# schema_changes.py.
#
# SCHEMA_CHANGES_ONLY=REGEX runs only the cases whose name matches;
# SCHEMA_CHANGES_VERBOSE=1 prints both sides of every case.
# Exits 77 (skipped) without PostgreSQL 15 or /usr/bin/python3.
# usage: schema_changes_test.sh LEDGER_DUMP
set -u
DUMP=$1
here=$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# a throw-away PostgreSQL 15 cluster: PGBIN, PY, as_pg and dir (tests/pg_server.sh)
source "$here/pg_server.sh"

"$PY" "$here/schema_changes.py" "$DUMP" "$dir"
