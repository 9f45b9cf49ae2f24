#!/usr/bin/env bash
# dependency_facts_test.sh - what PostgreSQL 15 does to each kind of object
# that depends on a column when the column is dropped (with and without
# CASCADE), changes type or is renamed, and when its table is dropped or
# renamed; and whether migralint's references (dropped-column-still-referenced,
# and changing-column-type / ban-drop-table once they list references) name
# exactly those objects with the right effect. The cases and the checks are in
# dependency_facts.py; the facts are tabled in
# docs/rules/dropped-column-still-referenced.md.
#
# DEPENDENCY_FACTS_ONLY=REGEX runs only the cases whose name matches.
# Exits 77 (skipped) without PostgreSQL 15 or /usr/bin/python3.
# usage: dependency_facts_test.sh MIGRALINT SOURCE_DIR
set -u
ML=$1
SRC=$2
here=$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# a throw-away PostgreSQL 15 cluster: PGBIN, PY, as_pg and dir (tests/pg_server.sh)
source "$here/pg_server.sh"

"$PY" "$here/dependency_facts.py" "$ML" "$dir" "$SRC"
