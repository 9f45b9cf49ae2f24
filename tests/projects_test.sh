#!/usr/bin/env bash
# projects_test.sh - one small project per migration tool (tests/projects/
# <tool>/, its migration folder named in <tool>/dir), linted the way its tool
# runs it:
# - the findings equal <tool>/expected (MIGRALINT_UPDATE_PROJECTS=1 rewrites
#   it: read the diff);
# - the tool is detected from the layout and markers (--print-config);
# - every migration linted alone (its directory's earlier migrations are
#   context on their own; not for plain, whose folders may be anything) or
#   with the folder named as --context gets exactly the findings it gets
#   when the whole folder is linted.
# usage: projects_test.sh MIGRALINT REPO_ROOT
set -u
ML=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
check() {
	local name=$1
	shift
	if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $name"; fi
}
lint() { "$ML" --no-config --format gcc --fail-on info "$@" 2>&1; }

for proj in "$ROOT"/tests/projects/*/; do
	tool=$(basename "$proj")
	[ -f "$proj/dir" ] || { check "$tool: has a dir file" false; continue; }
	dir=$(cat "$proj/dir")
	cd "$proj" || exit 1
	lint "$dir" >"$tmp/all"
	if [ "${MIGRALINT_UPDATE_PROJECTS:-}" = 1 ]; then cp "$tmp/all" expected; fi
	check "$tool: findings equal $tool/expected" cmp -s "$tmp/all" expected
	[ "$(wc -l <expected)" -gt 0 ] || check "$tool: expected has findings" false
	"$ML" --no-config --format json --fail-on info "$dir" >"$tmp/all.json" 2>/dev/null
	/usr/bin/python3 - "$tmp/all.json" >"$tmp/files" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1]))["files"]:
    print(("skipped " if f.get("skipped") else "linted ") + f["tool"] + " " + f["path"])
PY
	check "$tool: every file is linted by the $tool preset" \
		test "$(awk '{print $2}' "$tmp/files" | sort -u)" = "$tool"
	first=$(awk '$1 == "linted" {print $3; exit}' "$tmp/files")
	if [ "$tool" != plain ]; then
		"$ML" --no-config --print-config "$first" >"$tmp/config"
		check "$tool: --print-config detects $tool for $first" grep -Eq "^  tool +$tool +default" "$tmp/config"
	fi
	n=0
	while read -r state _ path; do
		[ "$state" = linted ] || continue
		n=$((n + 1))
		# Lines of this file only: its path, then a colon and a digit.
		grep -E "^$(printf '%s' "$path" | sed 's/[.[\*^$/]/\\&/g'):[0-9]" "$tmp/all" >"$tmp/want" || true
		# A plain folder is any folder: its earlier files are context only
		# when named (--context), and linted alone a file stands alone.
		if [ "$tool" != plain ]; then
			lint "$path" >"$tmp/alone"
			check "$tool: $path alone (its earlier migrations as context) = in the whole run" cmp -s "$tmp/alone" "$tmp/want"
		else
			cp "$tmp/want" "$tmp/alone"
		fi
		lint --context "$dir" "$path" >"$tmp/context"
		check "$tool: $path with --context $dir = in the whole run" cmp -s "$tmp/context" "$tmp/want"
		cmp -s "$tmp/alone" "$tmp/want" || diff "$tmp/want" "$tmp/alone" | head -5
		cmp -s "$tmp/context" "$tmp/want" || diff "$tmp/want" "$tmp/context" | head -5
	done <"$tmp/files"
	check "$tool: some migrations checked ($n)" test "$n" -gt 1
	cd "$ROOT" || exit 1
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
