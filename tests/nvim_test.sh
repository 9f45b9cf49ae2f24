#!/usr/bin/env bash
# nvim_test.sh - migralint lsp in a real client: Debian's Neovim (0.7.2 in
# Debian 12), headless, with the configuration docs/editors.md documents
# (editors/nvim/migralint.lua) as its init file. It opens a migration,
# receives the diagnostics, applies the CONCURRENTLY code action, writes the
# buffer (tests/nvim_test.lua does that inside Neovim), and the file on disk
# is checked here. Skipped (77) only when nvim is not installed.
#
# usage: nvim_test.sh MIGRALINT PROJECT_DIR
set -euo pipefail
migralint=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
repo=$(cd "$2" && pwd)
if ! command -v nvim >/dev/null; then
	echo "nvim_test: SKIP: nvim is not installed (Debian: apt-get install neovim)"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/migralint-nvim.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/project/db" "$tmp/home"
printf "SELECT '😀é'; CREATE INDEX i ON t (a);\n" >"$tmp/project/db/001_index.sql"
# A home of its own: no user configuration, and the LSP log and state land
# in the temporary directory.
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_DATA_HOME=$tmp/home/.local/share
export XDG_CACHE_HOME=$tmp/home/.cache XDG_STATE_HOME=$tmp/home/.local/state
export PATH=$(dirname "$migralint"):$PATH
status=0
(cd "$tmp/project" && timeout 120 nvim --headless -i NONE -u "$repo/editors/nvim/migralint.lua" \
	-c "luafile $repo/tests/nvim_test.lua" db/001_index.sql) >"$tmp/out" 2>&1 || status=$?
cat "$tmp/out"
if [[ $status -ne 0 ]]; then
	echo "nvim_test: FAIL: nvim exited $status"
	cat "$XDG_CACHE_HOME/nvim/lsp.log" 2>/dev/null | tail -20 || true
	exit 1
fi
grep -q 'nvim_test: all passed' "$tmp/out" || { echo "nvim_test: FAIL: the test script did not finish"; exit 1; }
expected="SELECT '😀é'; CREATE INDEX CONCURRENTLY i ON t (a);"
actual=$(cat "$tmp/project/db/001_index.sql")
if [[ $actual != "$expected" ]]; then
	echo "nvim_test: FAIL: the file written is:"
	printf '%s\n' "$actual"
	exit 1
fi
echo "nvim_test: the fix reached the file on disk"
