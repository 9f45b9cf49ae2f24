#!/usr/bin/env bash
# fix_cli_test.sh - `migralint --fix` and `--diff` as users meet them:
# - the fixes written, and a second --fix changing nothing, byte for byte;
# - no byte outside the edits changes (CRLF, no final newline, a BOM,
#   multibyte text, trailing blanks); a statement that does not parse is
#   never edited;
# - permissions (and, as root, the owner) kept; a symbolic link named as
#   input stays a link and its file is fixed;
# - the run's options decide: a rule turned off (--exclude, the
#   configuration, an override), a silenced finding, an excluded file, a
#   context migration (--context, a directory's earlier migrations,
#   --since), --down skip: nothing fixed there;
# - --diff applied with `patch -p1` and `git apply` gives exactly what
#   --fix writes;
# - a directory that cannot be written: the file is named, the others are
#   fixed, exit status 2 (as another user when run as root);
# - standard input: --fix prints the fixed text, --diff the diff;
# - what makes no sense is refused (exit 3); exit statuses;
# - the issue's done-when: --fix over a copy of examples/ and of
#   ../shared/corpus (each project with its tool): every file parses as
#   before, fewer findings, a second --fix changes nothing, and --diff with
#   patch gives the same tree (the corpus part is skipped, saying so, when
#   ../shared/corpus is absent).
# A file changed between the read and the write is tested on the write's
# own function (tests/unit/test_fix_cli.c): a run cannot be paused there.
# usage: fix_cli_test.sh MIGRALINT REPO_ROOT
set -u
ML=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
passed=0
failed=0
check() {
	local name=$1
	shift
	if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $name"; fi
}
# ml ARGS...: runs migralint without a configuration file; out, err, code.
ml() {
	"$ML" --no-config "$@" >"$tmp/out" 2>"$tmp/err"
	code=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}
# same FILE TEXT: the file holds exactly TEXT (printf's escapes).
same() { cmp -s "$1" <(printf -- "$2"); }
# findings FILE.json [RULE]: the findings in force (of RULE) in a JSON report.
findings() {
	/usr/bin/python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print(sum(1 for x in d["diagnostics"] if not x.get("suppressed") and (len(sys.argv)<3 or x["rule"]==sys.argv[2])))' "$@"
}
# syntax_errors FILE.json: "path count" lines of the syntax errors per file.
syntax_errors() {
	/usr/bin/python3 -c 'import json,sys,collections
c=collections.Counter(x["path"] for x in json.load(open(sys.argv[1]))["diagnostics"] if x["rule"]=="syntax-error")
[print(p, n) for p, n in sorted(c.items())]' "$1"
}

cd "$tmp" || exit 1

# --- what --fix writes --------------------------------------------------------
mkdir w
printf 'DROP INDEX i;\nCREATE INDEX j ON t (x);\n' >w/a.sql
ml --fix w/a.sql
check "--fix: CONCURRENTLY added to both statements" same w/a.sql 'DROP INDEX CONCURRENTLY i;\nCREATE INDEX CONCURRENTLY j ON t (x);\n'
check "--fix: nothing left, exit 0 (got $code)" test "$code" -eq 0
check "--fix: the summary line on stderr" \
	grep -Eqx "migralint: --fix: 2 fixes applied, 1 file changed, 1 pass; [1-9][0-9]* findings before, 0 after" <<<"$err"
check "--fix: stdout is the report of what is left" grep -q "^1 file, 2 statements: 0 errors, 0 warnings, 0 infos" <<<"$out"
cp w/a.sql w/a.first
ml --fix w/a.sql
check "idempotent: a second --fix changes nothing" cmp -s w/a.sql w/a.first
check "idempotent: it says so" grep -q "0 fixes applied, 0 files changed, 0 passes" <<<"$err"
ml --diff w/a.sql
check "--diff after --fix: no diff, exit 0 (got $code)" bash -c '[ -z "$0" ] && [ "$1" -eq 0 ]' "$out" "$code"

# Findings left after fixing: the report in the format asked, exit 1.
printf 'DROP INDEX i;\nALTER TABLE t DROP COLUMN c;\n' >w/left.sql
ml --fix --format json w/left.sql
check "--fix --format json: exit 1 for what is left (got $code)" test "$code" -eq 1
check "--fix --format json: the report is of the fixed file" \
	/usr/bin/python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); rules={x["rule"] for x in d["diagnostics"]}
assert "ban-drop-column" in rules and "require-concurrent-index-deletion" not in rules, rules' "$tmp/out"

# --- no byte outside the edits -------------------------------------------------
# A BOM, CRLF, trailing blanks, multibyte text, a CR-only line, no final newline.
printf '\xef\xbb\xbf-- caf\xc3\xa9 \xf0\x9f\x98\x80  \r\nDROP INDEX i;  \r\nSELECT '"'"'\xc3\xa9'"'"';\r\n\t\r\rDROP INDEX j;' >w/bytes.sql
/usr/bin/python3 -c 'import sys
b=open(sys.argv[1],"rb").read()
open(sys.argv[2],"wb").write(b.replace(b"DROP INDEX ", b"DROP INDEX CONCURRENTLY "))' w/bytes.sql w/bytes.want
ml --fix w/bytes.sql
check "bytes: only the insertions differ (BOM, CRLF, blanks, UTF-8, no final newline kept)" cmp -s w/bytes.sql w/bytes.want

# A statement that does not parse is never edited, even next to one fixed,
# and fixable statements whose missing semicolon joins them to a line that
# does not parse stay too.
printf 'DROP INDEX oops oops;\nDROP INDEX ok;\nALTER TABLE t ADD CONSTRAINT c CHECK (x > 0)\nSELEC 1;\nDROP INDEX also\nSELEC 2;\n' >w/syntax.sql
ml --fix w/syntax.sql
check "syntax errors: only the statement that parses is fixed" \
	same w/syntax.sql 'DROP INDEX oops oops;\nDROP INDEX CONCURRENTLY ok;\nALTER TABLE t ADD CONSTRAINT c CHECK (x > 0)\nSELEC 1;\nDROP INDEX also\nSELEC 2;\n'
check "syntax errors: still reported (exit 1, got $code)" bash -c '[ "$0" -eq 1 ] && grep -q "syntax-error" <<<"$1"' "$code" "$out"

# --- permissions, owner, links ----------------------------------------------------
printf 'DROP INDEX i;\n' >w/mode.sql
chmod 0640 w/mode.sql
ml --fix w/mode.sql
check "permissions: 0640 kept (got $(stat -c %a w/mode.sql))" test "$(stat -c %a w/mode.sql)" = 640
check "permissions: no temporary file left" test -z "$(find w -name '.migralint-fix-*')"
if [ "$(id -u)" -eq 0 ]; then
	printf 'DROP INDEX i;\n' >w/owned.sql
	chown 4321:4322 w/owned.sql
	chmod 0604 w/owned.sql
	ml --fix w/owned.sql
	check "owner: root keeps the file's owner and group (got $(stat -c %u:%g:%a w/owned.sql))" \
		test "$(stat -c %u:%g:%a w/owned.sql)" = 4321:4322:604
fi
mkdir w/real
printf 'DROP INDEX i;\n' >w/real/target.sql
ln -s real/target.sql w/link.sql
ml --fix w/link.sql
check "symlink: still a link to the same file" bash -c '[ -L w/link.sql ] && [ "$(readlink w/link.sql)" = real/target.sql ]'
check "symlink: the file it points to is fixed" same w/real/target.sql 'DROP INDEX CONCURRENTLY i;\n'

printf 'DROP INDEX i;\n' >w/hard.sql
ln w/hard.sql w/hard-too.sql
ml --fix w/hard.sql
check "hard link: a warning names the file" grep -q "'w/hard.sql' has other hard links" <<<"$err"
check "hard link: the file named is fixed, the other name keeps the old text" \
	bash -c 'cmp -s w/hard.sql <(printf "DROP INDEX CONCURRENTLY i;\n") && cmp -s w/hard-too.sql <(printf "DROP INDEX i;\n")'

# --- the run's options decide what is fixed ------------------------------------------
mkdir opts
printf 'DROP INDEX i;\nCREATE INDEX j ON t (x);\n' >opts/a.sql
ml --fix --exclude require-concurrent-index-deletion opts/a.sql
check "--exclude: the rule that is off is not fixed" same opts/a.sql 'DROP INDEX i;\nCREATE INDEX CONCURRENTLY j ON t (x);\n'
printf -- '-- migralint-ignore require-concurrent-index-deletion: a tiny table\nDROP INDEX i;\nDROP INDEX k;\n' >opts/ignored.sql
ml --fix opts/ignored.sql
check "a silenced finding is not fixed" \
	same opts/ignored.sql '-- migralint-ignore require-concurrent-index-deletion: a tiny table\nDROP INDEX i;\nDROP INDEX CONCURRENTLY k;\n'
mkdir -p cfg/db/keep cfg/db/other
printf 'DROP INDEX i;\n' | tee cfg/db/keep/a.sql cfg/db/other/a.sql cfg/db/skip.sql >/dev/null
printf 'CREATE INDEX j ON t (x);\n' >cfg/db/rules_off.sql
cat >cfg/.migralint.json <<'EOF'
{
  "rules": { "require-concurrent-index-creation": false },
  "exclude": ["db/skip.sql"],
  "overrides": [ { "files": ["db/keep/*.sql"], "rules": { "require-concurrent-index-deletion": false } } ]
}
EOF
(cd cfg && "$ML" --fix db >/dev/null 2>&1)
check "config: an override turning the rule off: not fixed" same cfg/db/keep/a.sql 'DROP INDEX i;\n'
check "config: the same file elsewhere: fixed" same cfg/db/other/a.sql 'DROP INDEX CONCURRENTLY i;\n'
check "config: an excluded file: not fixed" same cfg/db/skip.sql 'DROP INDEX i;\n'
check "config: a rule off at the top level: not fixed" same cfg/db/rules_off.sql 'CREATE INDEX j ON t (x);\n'

# Context is read, never edited: --context, a migration directory's earlier
# migrations, --since; and --down skip leaves the downs alone.
mkdir -p ctx/plain ctx/goose
printf 'DROP INDEX a;\n' >ctx/plain/001.sql
printf 'DROP INDEX b;\n' >ctx/plain/002.sql
ml --fix --context ctx/plain ctx/plain/002.sql
check "--context: the context file is not edited" same ctx/plain/001.sql 'DROP INDEX a;\n'
check "--context: the file named is fixed" same ctx/plain/002.sql 'DROP INDEX CONCURRENTLY b;\n'
for n in 1 2 3; do
	printf -- '-- +goose NO TRANSACTION\n-- +goose Up\nDROP INDEX up%s;\n-- +goose Down\nDROP INDEX down%s;\n' $n $n \
		>ctx/goose/0000${n}_m.sql
done
cp -r ctx/goose ctx/goose.orig
ml --fix ctx/goose/00002_m.sql
check "history: the earlier migration (context) is not edited" cmp -s ctx/goose/00001_m.sql ctx/goose.orig/00001_m.sql
check "history: the later one is not touched" cmp -s ctx/goose/00003_m.sql ctx/goose.orig/00003_m.sql
check "history: the file named is fixed, up and down" \
	same ctx/goose/00002_m.sql '-- +goose NO TRANSACTION\n-- +goose Up\nDROP INDEX CONCURRENTLY up2;\n-- +goose Down\nDROP INDEX CONCURRENTLY down2;\n'
ml --fix --since 00002 --down skip ctx/goose
check "--since: migrations at or before it are not edited" cmp -s ctx/goose/00001_m.sql ctx/goose.orig/00001_m.sql
check "--down skip: the down section is left alone" \
	same ctx/goose/00003_m.sql '-- +goose NO TRANSACTION\n-- +goose Up\nDROP INDEX CONCURRENTLY up3;\n-- +goose Down\nDROP INDEX down3;\n'

# --- --diff is what --fix writes ------------------------------------------------------
mkdir -p tree/db/sub
printf 'DROP INDEX i;\n' >tree/db/one.sql
printf 'SELECT 1;\r\nDROP INDEX i;\r\n' >tree/db/crlf.sql
printf 'CREATE INDEX j ON t (x);\nSELECT 2;\nDROP INDEX k;' >tree/db/sub/no-newline.sql
printf 'DROP INDEX i;\n' >"tree/db/with space.sql"
printf 'SELECT 1;\n' >tree/db/clean.sql
printf 'SELECT 1;\rDROP INDEX i;\rSELECT 2;\r' >tree/db/cr-only.sql
# Names git quotes: a line break, a quote and a backslash.
printf 'DROP INDEX i;\n' >"tree/db/new
line.sql"
printf 'DROP INDEX i;\n' >'tree/db/we"ird\name.sql'
{ printf 'DROP INDEX a;\n'; for i in $(seq 1 30); do printf 'SELECT %s;\n' "$i"; done; printf 'DROP INDEX b;\n'; } >tree/db/two-hunks.sql
cp -r tree fixed
cp -r tree patched
cp -r tree applied
(cd tree && "$ML" --no-config --diff db >"$tmp/db.diff" 2>"$tmp/diff.err")
code=$?
check "--diff: exit 1 when there is a change (got $code)" test "$code" -eq 1
check "--diff: nothing written" bash -c 'diff -r "$0" "$1" >/dev/null' tree patched
check "--diff: the summary says nothing was written" grep -q "; nothing written$" "$tmp/diff.err"
check "--diff: a/ and b/ paths, the space ended by a tab" \
	grep -qxF -- "--- a/db/with space.sql"$'\t' "$tmp/db.diff"
check "--diff: two hunks in a file with changes far apart" test "$(grep -c '^@@' <<<"$(sed -n '/two-hunks/,$p' "$tmp/db.diff")")" -ge 2
check "--diff: the missing final newline is said" grep -qx '\\ No newline at end of file' "$tmp/db.diff"
check "--diff: a name with a line break, a quote, a backslash: quoted as git quotes it" \
	bash -c 'grep -qxF -- "--- \"a/db/new\\nline.sql\"" "$0" && grep -qxF -- "+++ \"b/db/we\\\"ird\\\\name.sql\"" "$0"' "$tmp/db.diff"
(cd fixed && "$ML" --no-config --fix db >/dev/null 2>&1)
(cd patched && patch -p1 --quiet <"$tmp/db.diff")
check "patch -p1 applies it" test $? -eq 0
check "patch -p1 of --diff = --fix, every byte" diff -r fixed patched
(cd applied && git apply -p1 "$tmp/db.diff")
check "git apply takes it" test $? -eq 0
check "git apply of --diff = --fix, every byte" diff -r fixed applied
ml --diff tree/db/clean.sql
check "--diff of a file with nothing to fix: nothing printed, exit 0 (got $code)" \
	bash -c '[ -z "$0" ] && [ "$1" -eq 0 ]' "$out" "$code"
mkdir fifo
mkfifo fifo/f.sql
printf 'DROP INDEX i;\n' >fifo/other.sql
ml --fix fifo/f.sql fifo/other.sql
check "a FIFO named as input: named, not waited on, exit 2 (got $code)" \
	bash -c '[ "$0" -eq 2 ] && grep -q "cannot fix '"'"'fifo/f.sql'"'"': not a regular file" <<<"$1"' "$code" "$err"
check "a FIFO named as input: the other file is fixed" same fifo/other.sql 'DROP INDEX CONCURRENTLY i;\n'
ml --diff tree/db/clean.sql tree/db/missing.sql
check "--diff: a missing file is named, exit 2 (got $code)" \
	bash -c '[ "$0" -eq 2 ] && grep -q "missing.sql" <<<"$1"' "$code" "$err"

# --- a directory that cannot be written ----------------------------------------------
mkdir -p rw/ok rw/locked
printf 'DROP INDEX i;\n' | tee rw/ok/a.sql rw/locked/b.sql >/dev/null
as_user=()
if [ "$(id -u)" -eq 0 ]; then
	# root writes anywhere: the run is another user's, who owns all but locked/.
	chmod 755 "$tmp"
	chown -R 65534:65534 rw
	chown 0:0 rw/locked
	as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
else
	chmod 555 rw/locked
fi
${as_user[@]+"${as_user[@]}"} "$ML" --no-config --fix rw >"$tmp/out" 2>"$tmp/err"
code=$?
check "unwritable directory: exit 2 (got $code)" test "$code" -eq 2
check "unwritable directory: the file is named, and why" \
	grep -q "cannot write 'rw/locked/b.sql': cannot create a temporary file in .*/rw/locked: Permission denied; it was not changed" "$tmp/err"
check "unwritable directory: the file is as it was" same rw/locked/b.sql 'DROP INDEX i;\n'
check "unwritable directory: the other file is fixed" same rw/ok/a.sql 'DROP INDEX CONCURRENTLY i;\n'
check "unwritable directory: the summary counts it" grep -q "1 file changed.*; 1 file not written" "$tmp/err"
check "unwritable directory: the report shows what the files hold (the unfixed one)" \
	grep -q "rw/locked/b.sql:1:1: warning.*require-concurrent-index-deletion" "$tmp/out"

# --- standard input ------------------------------------------------------------------
printf 'SELECT 1;\r\nDROP INDEX i;' | "$ML" --no-config --fix --stdin-filename db/x.sql - >"$tmp/out" 2>"$tmp/err"
code=$?
check "stdin --fix: the fixed text on stdout, every other byte kept" cmp -s "$tmp/out" <(printf 'SELECT 1;\r\nDROP INDEX CONCURRENTLY i;')
check "stdin --fix: exit 0 when nothing is left (got $code)" test "$code" -eq 0
printf 'SELECT 1;\n' | "$ML" --no-config --fix - >"$tmp/out" 2>/dev/null
check "stdin --fix: nothing to fix, the text as it came" cmp -s "$tmp/out" <(printf 'SELECT 1;\n')
printf 'DROP INDEX i;\nALTER TABLE t DROP COLUMN c;\n' | "$ML" --no-config --fix - >"$tmp/out" 2>/dev/null
check "stdin --fix: exit 1 for what is left (got $?)" test $? -eq 1
mkdir -p excl
printf '{"exclude": ["db/*.sql"]}\n' >excl/.migralint.json
(cd excl && printf 'DROP INDEX i;' | "$ML" --fix --stdin-filename db/x.sql - >"$tmp/out" 2>/dev/null)
check "stdin --fix, excluded by the configuration: the text as it came, not an empty buffer" \
	cmp -s "$tmp/out" <(printf 'DROP INDEX i;')
printf 'DROP INDEX i;\n' | "$ML" --no-config --diff --stdin-filename db/x.sql - >"$tmp/out" 2>/dev/null
code=$?
check "stdin --diff: the diff under the --stdin-filename name, exit 1 (got $code)" \
	bash -c '[ "$0" -eq 1 ] && grep -qx -- "+++ b/db/x.sql" "$1" && grep -qx "+DROP INDEX CONCURRENTLY i;" "$1"' "$code" "$tmp/out"

# --- refused ---------------------------------------------------------------------------
refused() {
	local why=$1
	shift
	ml "$@"
	check "refused ($*): exit 3 (got $code)" bash -c '[ "$0" -eq 3 ] && grep -qF -- "$1" <<<"$2" && [ -z "$3" ]' \
		"$code" "$why" "$err" "$out"
}
printf 'DROP INDEX i;\n' >w/keep.sql
refused "--fix and --diff exclude each other" --fix --diff w/keep.sql
refused "--diff prints a unified diff" --diff --format json w/keep.sql
refused "--format locks has none" --fix --format locks w/keep.sql
refused "give - alone" --fix - w/keep.sql
refused "--print-config does not go with --fix" --fix --print-config w/keep.sql
refused "give - once" --diff - -
"$ML" trace --no-config --fix w/keep.sql >"$tmp/out" 2>"$tmp/err"
code=$?
err=$(cat "$tmp/err")
check "refused (trace --fix): exit 3 (got $code)" bash -c '[ "$0" -eq 3 ] && grep -q "trace does not take --fix" <<<"$1"' "$code" "$err"
check "refused: the file was not touched" same w/keep.sql 'DROP INDEX i;\n'

# --- done when: examples/ and the corpus --------------------------------------------
# fix_tree NAME DIR [OPTIONS...]: --fix over a copy of DIR (run from the copy's
# parent), checked: parses as before, fewer findings, a second --fix changes
# nothing, and --diff applied with patch gives the same tree. Prints the
# figures.
fix_tree() {
	local name=$1 dir=$2
	shift 2
	local work=$tmp/done/$name
	rm -rf "$work"
	mkdir -p "$work/fix" "$work/patch"
	cp -r "$dir" "$work/fix/tree"
	cp -r "$dir" "$work/patch/tree"
	(cd "$work/fix" && "$ML" --no-config --format json "$@" tree >"$work/before.json" 2>/dev/null)
	(cd "$work/patch" && "$ML" --no-config --diff "$@" tree >"$work/tree.diff" 2>/dev/null)
	(cd "$work/fix" && "$ML" --no-config --fix --format json "$@" tree >"$work/after.json" 2>"$work/fix.err")
	local summary
	summary=$(grep "^migralint: --fix:" "$work/fix.err")
	local before after
	before=$(findings "$work/before.json")
	after=$(findings "$work/after.json")
	echo "$name: $summary"
	# A figure, not a check: the rules whose findings grew (a fix that does
	# not hold where the statement runs, e.g. CONCURRENTLY in a transaction).
	/usr/bin/python3 -c 'import json,sys,collections
c=[collections.Counter(x["rule"] for x in json.load(open(f))["diagnostics"] if not x.get("suppressed")) for f in sys.argv[2:]]
grew=["%s %d -> %d" % (r, c[0][r], c[1][r]) for r in sorted(c[1]) if c[1][r] > c[0][r]]
grew and print("%s: findings that grew: %s" % (sys.argv[1], ", ".join(grew)))' "$name" "$work/before.json" "$work/after.json"
	# A fix is offered only where its statement runs: none may add a
	# statement PostgreSQL refuses in a transaction.
	check "$name: no new concurrently-in-transaction after --fix" test \
		"$(grep -o '"rule":"concurrently-in-transaction"' "$work/after.json" | wc -l)" -le \
		"$(grep -o '"rule":"concurrently-in-transaction"' "$work/before.json" | wc -l)"
	check "$name: --fix ran (${summary:-no summary})" test -n "$summary"
	check "$name: fewer findings after --fix ($before -> $after)" test "$after" -lt "$before"
	check "$name: no new syntax error (per file)" \
		cmp -s <(syntax_errors "$work/before.json") <(syntax_errors "$work/after.json")
	cp -r "$work/fix/tree" "$work/first"
	(cd "$work/fix" && "$ML" --no-config --fix "$@" tree >/dev/null 2>"$work/again.err")
	check "$name: a second --fix changes nothing" diff -r "$work/first" "$work/fix/tree"
	check "$name: a second --fix applies no fix" grep -q ": 0 fixes applied, 0 files changed" "$work/again.err"
	(cd "$work/patch" && patch -p1 --quiet --no-backup-if-mismatch <"$work/tree.diff")
	check "$name: --diff with patch -p1 = --fix" diff -r "$work/first" "$work/patch/tree"
}

fix_tree examples "$ROOT/examples"
CORPUS=$(cd "$ROOT/../shared/corpus" 2>/dev/null && pwd)
if [ -z "$CORPUS" ]; then
	echo "corpus part skipped: $ROOT/../shared/corpus is not present"
else
	# Each project with its tool (the corpus's README): detected from its
	# layout, but concourse and synapse, whose runners wrap each file in
	# a transaction.
	for project in "$CORPUS"/*/; do
		name=$(basename "$project")
		opts=()
		case "$name" in concourse__concourse | element-hq__synapse) opts=(--tool plain --assume-in-transaction) ;; esac
		fix_tree "$name" "${project%/}" ${opts[@]+"${opts[@]}"}
	done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
