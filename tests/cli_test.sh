#!/usr/bin/env bash
# cli_test.sh - the command line as users meet it: exit codes, options,
# stdin, colour rules, bad inputs that must be reported while the other
# inputs are still linted.
# usage: cli_test.sh MIGRALINT REPO_ROOT PG_QUERY_INCLUDE_DIR
set -u
ML=$1
ROOT=$2
PG_QUERY_HEADER=${3:+$3/pg_query.h}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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
	fi
}

run() { # run ARGS... ; sets out, err, code
	out=$("$ML" "$@" 2>"$tmp/err")
	code=$?
	err=$(cat "$tmp/err")
}

# the timeouts are set so that only the rule under test speaks
timeouts="SET lock_timeout = '5s'; SET statement_timeout = '30min';"
printf '%s\nCREATE INDEX idx_a ON accounts (email);\n' "$timeouts" >"$tmp/bad.sql"
printf 'CREATE INDEX CONCURRENTLY idx_a ON accounts (email);\n' >"$tmp/good.sql"
printf 'SELECT 1;\n' >"$tmp/select.sql"

run "$tmp/good.sql"
check "clean file exits 0" test "$code" -eq 0
check "clean file report has a summary" grep -q "1 file, 1 statement: 0 errors, 0 warnings, 0 infos" <<<"$out"

run "$tmp/bad.sql"
check "finding exits 1" test "$code" -eq 1
check "text line format path:line:col: severity[rule]: message" \
	grep -qE "^$tmp/bad.sql:2:23: warning\[require-concurrent-index-creation\]: " <<<"$out"
check "text shows the source line" grep -qF " 2 | CREATE INDEX idx_a ON accounts (email);" <<<"$out"
check "text shows a caret under the finding" grep -qE '^ +\| +\^+$' <<<"$out"
check "text shows help" grep -q "^  help: use CREATE INDEX CONCURRENTLY" <<<"$out"
check "no colour when stdout is not a terminal" bash -c '! grep -q $'"'"'\033'"'"' <<<"$0"' "$out"

run --fail-on error "$tmp/bad.sql"
check "--fail-on error ignores warnings" test "$code" -eq 0
run --fail-on info "$tmp/select.sql"
check "--fail-on info with nothing found exits 0" test "$code" -eq 0
run --exclude require-concurrent-index-creation "$tmp/bad.sql"
check "--exclude turns a rule off" test "$code" -eq 0
run --exclude no-such-rule "$tmp/bad.sql"
check "--exclude with an unknown rule is bad usage" test "$code" -eq 3
check "unknown rule is named" grep -q "no-such-rule" <<<"$err"
run --exclude ban-concurrent-index-creation-in-transaction --assume-in-transaction "$tmp/good.sql"
check "--exclude accepts the alias" test "$code" -eq 0
run --assume-in-transaction "$tmp/good.sql"
check "--assume-in-transaction makes CONCURRENTLY an error" test "$code" -eq 1
check "...reported as concurrently-in-transaction" grep -q "error\[concurrently-in-transaction\]" <<<"$out"

for v in 11 11.0 13.4 15; do
	run --pg-version "$v" "$tmp/good.sql"
	check "--pg-version $v accepted" test "$code" -eq 0
done
for v in abc 11.x "" 1000; do
	run --pg-version "$v" "$tmp/good.sql"
	check "--pg-version '$v' is bad usage" test "$code" -eq 3
done
printf '%s\nALTER TABLE accounts ADD COLUMN flag boolean DEFAULT false;\n' "$timeouts" >"$tmp/default.sql"
run --pg-version 10 "$tmp/default.sql"
check "--pg-version 10 makes a constant default rewrite" test "$code" -eq 1
run --pg-version=11 "$tmp/default.sql"
check "--pg-version=11 form works and PG 11 default is safe" test "$code" -eq 0

run --bogus "$tmp/good.sql"
check "unknown option is bad usage" test "$code" -eq 3
run
check "no input is bad usage" test "$code" -eq 3
run --format yaml "$tmp/good.sql"
check "unknown format is bad usage" test "$code" -eq 3

run --version
check "--version" grep -q "^migralint [0-9]" <<<"$out"
# The grammar follows the version: the one of the pg_query.h the build used
# (PG_QUERY_INCLUDE_DIR, the third argument), so a PostgreSQL 17 build
# prints 17.x.
if [ -n "${PG_QUERY_HEADER:-}" ]; then
	pg_version=$(sed -n 's/^#define PG_VERSION "\([^"]*\)"$/\1/p' "$PG_QUERY_HEADER")
	check "--version names the grammar of $PG_QUERY_HEADER (PostgreSQL $pg_version): $out" \
		grep -qE "^migralint [0-9.]+ \(PostgreSQL ${pg_version//./\\.} grammar(, libpg_query [^)]+)?\)$" <<<"$out"
	check "... whose major version is that of PG_MAJORVERSION" \
		grep -q "(PostgreSQL $(sed -n 's/^#define PG_MAJORVERSION "\([0-9]*\)"$/\1/p' "$PG_QUERY_HEADER")\." <<<"$out"
else
	check "the test knows the build's pg_query.h (third argument)" false
fi
run --list-rules
check "--list-rules lists every rule" test "$(wc -l <<<"$out")" -ge 14
check "--list-rules shows severities" grep -qE "^concurrently-in-transaction +error" <<<"$out"
run --explain ban-drop-column
check "--explain prints the doc page" grep -q "^# ban-drop-column" <<<"$out"
run --explain ban-concurrent-index-creation-in-transaction
check "--explain accepts the alias" grep -q "^# concurrently-in-transaction" <<<"$out"
run --explain nope
check "--explain unknown rule is bad usage" test "$code" -eq 3

out=$(printf 'DROP INDEX idx;\n' | "$ML" --stdin-filename db/migrate/001.sql - 2>/dev/null)
code=$?
check "stdin is linted under --stdin-filename" grep -q "^db/migrate/001.sql:1:1: warning\[require-concurrent-index-deletion\]" <<<"$out"
check "stdin finding exits 1" test "$code" -eq 1
out=$(printf 'SELECT 1;\n' | "$ML" --format json - 2>/dev/null)
check "stdin without a name is <stdin>" grep -q '"path":"<stdin>"' <<<"$out"

# bad inputs: a message naming the input, the rest still linted, exit 2
run "$tmp/missing.sql" "$tmp/bad.sql"
check "missing path exits 2" test "$code" -eq 2
check "missing path is named on stderr" grep -q "$tmp/missing.sql" <<<"$err"
check "the other input is still linted" grep -q "require-concurrent-index-creation" <<<"$out"
check "stdout carries only the report" bash -c '! grep -q "cannot read" <<<"$0"' "$out"
mkdir -p "$tmp/empty" "$tmp/tree/sub" "$tmp/tree/.hidden"
run "$tmp/empty" "$tmp/bad.sql"
check "directory without .sql exits 2" test "$code" -eq 2
check "directory without .sql is named" grep -q "$tmp/empty" <<<"$err"
printf 'SELECT 1;\n' >"$tmp/tree/b.sql"
printf 'SELECT 1;\n' >"$tmp/tree/a.sql"
printf 'SELECT 1;\n' >"$tmp/tree/sub/c.sql"
printf 'DROP INDEX x;\n' >"$tmp/tree/.hidden/d.sql"
printf 'not sql\n' >"$tmp/tree/notes.txt"
run --format json "$tmp/tree"
check "directory: every *.sql, sorted, hidden folders skipped" \
	grep -q "\"files\":\[{\"path\":\"$tmp/tree/a.sql\".*{\"path\":\"$tmp/tree/b.sql\".*{\"path\":\"$tmp/tree/sub/c.sql\"[^]]*\]" <<<"$out"
check "directory: hidden folder not linted" bash -c '! grep -q "\.hidden" <<<"$0"' "$out"
mkfifo "$tmp/fifo.sql"
(printf 'DROP INDEX idx_fifo;\n' >"$tmp/fifo.sql" &)
run "$tmp/fifo.sql"
check "a FIFO is read like a file" grep -q "require-concurrent-index-deletion" <<<"$out"
if [ "$(id -u)" -ne 0 ]; then
	printf 'SELECT 1;\n' >"$tmp/locked.sql"
	chmod 000 "$tmp/locked.sql"
	run "$tmp/locked.sql" "$tmp/bad.sql"
	check "unreadable file exits 2 and is named" bash -c '[ "$0" -eq 2 ] && grep -q locked.sql <<<"$1"' "$code" "$err"
fi

# What a pull request controls (file names, --stdin-filename, identifiers)
# reaches the terminal and the CI log as plain text, on stdout and stderr:
# line breaks, ESC and workflow-command markers are shown escaped.
hostile=$'::error::x\n##[warning]y\e]8;;http://e\e\\z'
shown='\x3a:error::x\n#\x23[warning]y\x1b]8;;http://e\x1b\z'
run "$tmp/$hostile.sql" "$tmp/bad.sql"
check "a missing path with a line break and ESC is named escaped on stderr" \
	grep -qF "cannot read '$tmp/:${shown#'\x3a'}.sql'" <<<"$err"
check "stderr: no ESC, no workflow command" \
	bash -c '! grep -q $'"'"'\033'"'"' <<<"$0" && ! grep -qE "^[[:space:]]*::|##\[" <<<"$0"' "$err"
out=$(printf 'ALTER TABLE t DROP COLUMN "a\nb\033[2J";\n' | "$ML" --stdin-filename "$hostile" - 2>/dev/null)
check "text: --stdin-filename shown escaped, its leading ':' too" \
	grep -qF "$shown:1:1: warning[ban-drop-column]" <<<"$out"
check "text: a name with a line break and ESC shown escaped" grep -qF 'column "a\nb\x1b[2J" of "t"' <<<"$out"
check "text: no ESC, no line beginning with '::', no '##['" \
	bash -c '! grep -q $'"'"'\033'"'"' <<<"$0" && ! grep -qE "^[[:space:]]*::|##\[" <<<"$0"' "$out"
out=$(printf 'DROP INDEX i;\n' | "$ML" --format locks --stdin-filename "$hostile" - 2>/dev/null)
check "locks: --stdin-filename shown escaped" grep -qF "$shown:1:1: DROP INDEX" <<<"$out"
out=$(printf 'DROP INDEX i;\n' | "$ML" --format gcc --stdin-filename "$hostile" - 2>/dev/null)
check "gcc: --stdin-filename shown escaped" grep -qF "$shown:1:1: warning: " <<<"$out"

# A report that cannot be written is exit status 4, distinct from 2 (an
# input could not be read) and 3 (bad usage), whatever was found; so is
# anything else asked for on stdout that cannot be written.
"$ML" "$tmp/good.sql" >/dev/full 2>"$tmp/err"
code=$?
check "clean run, stdout /dev/full: exit 4 (got $code)" test "$code" -eq 4
check "... and stderr says the report cannot be written" grep -q "cannot write the report" "$tmp/err"
"$ML" --format json "$tmp/bad.sql" "$tmp/missing.sql" >/dev/full 2>"$tmp/err"
code=$?
check "findings and a missing input, stdout /dev/full: exit 4, not 1 or 2 (got $code)" test "$code" -eq 4
check "... and the missing input is still named" grep -q "missing.sql" "$tmp/err"
for opt in --version --list-rules "--explain ban-drop-column" --help; do
	# shellcheck disable=SC2086
	"$ML" $opt >/dev/full 2>"$tmp/err"
	code=$?
	check "$opt, stdout /dev/full: exit 4 (got $code)" test "$code" -eq 4
done
"$ML" --print-config >/dev/full 2>/dev/null
code=$?
check "--print-config, stdout /dev/full: exit 4 (got $code)" test "$code" -eq 4
check "--help documents exit status 4" bash -c '"$0" --help | grep -q "4 no complete report"' "$ML"

# a directory walk stays inside the directory named; a file named is read as given
mkdir -p "$tmp/walk/sub" "$tmp/elsewhere"
printf 'DROP INDEX idx_elsewhere;\n' >"$tmp/elsewhere/x.sql"
printf 'SELECT 1;\n' >"$tmp/walk/a.sql"
printf 'SELECT 1;\n' >"$tmp/walk/sub/b.sql"
ln -s ../elsewhere/x.sql "$tmp/walk/link-out.sql"
ln -s "$tmp/elsewhere" "$tmp/walk/dir-out"
ln -s sub/b.sql "$tmp/walk/link-in.sql"
ln -s /etc/hostname "$tmp/walk/notes.txt"
mkfifo "$tmp/walk/pipe.sql"
# (opening the FIFO would block: a bound turns that into a failure, not a hang)
out=$(timeout 60 "$ML" --format json "$tmp/walk" "$tmp/bad.sql" 2>"$tmp/err")
code=$?
err=$(cat "$tmp/err")
check "directory: a symlink out of it exits 2, at once (got $code)" test "$code" -eq 2
check "directory: a symlink to a file out of it is named" \
	grep -qF "cannot read '$tmp/walk/link-out.sql': a symbolic link to outside '$tmp/walk': not followed" <<<"$err"
check "directory: a symlink to a directory out of it is named" grep -qF "cannot read '$tmp/walk/dir-out'" <<<"$err"
check "directory: a FIFO in it is named, not opened" grep -qF "cannot read '$tmp/walk/pipe.sql': a FIFO" <<<"$err"
check "directory: a symlink out of it that is not SQL is not an error" bash -c '! grep -q notes.txt <<<"$0"' "$err"
check "directory: nothing out of it is linted" bash -c '! grep -q "elsewhere\|link-out" <<<"$0"' "$out"
check "directory: a symlink inside it is followed, the rest is linted" \
	grep -q "\"files\":\[{\"path\":\"$tmp/walk/a.sql\"[^}]*},{\"path\":\"$tmp/walk/link-in.sql\"[^}]*},{\"path\":\"$tmp/bad.sql\"[^}]*}\]" <<<"$out"
run "$tmp/walk/link-out.sql"
check "a symlink named on the command line is read as given" grep -q "require-concurrent-index-deletion" <<<"$out"

# --max-input-size: no input is read past it (default 64 MiB)
printf 'SELECT 1;\n-- %s\n' "$(head -c 100 /dev/zero | tr '\0' x)" >"$tmp/114.sql" # 114 bytes
for v in 114 1K 1k 1KiB 64M 64mib 1G 1GiB 65536; do
	run --max-input-size "$v" "$tmp/114.sql"
	check "--max-input-size $v accepted, the file linted" test "$code" -eq 0
done
run --max-input-size=113 "$tmp/114.sql" "$tmp/bad.sql"
check "a file one byte over --max-input-size exits 2" test "$code" -eq 2
check "a file over --max-input-size is named, with the cap" \
	grep -qF "cannot read '$tmp/114.sql': larger than --max-input-size (113): not read" <<<"$err"
check "a file over --max-input-size: the other input is linted" grep -q "require-concurrent-index-creation" <<<"$out"
out=$("$ML" --max-input-size 113 --stdin-filename in.sql - <"$tmp/114.sql" 2>"$tmp/err")
code=$?
check "standard input over --max-input-size exits 2, named" \
	bash -c '[ "$0" -eq 2 ] && grep -qF "cannot read '"'"'in.sql'"'"': larger than --max-input-size (113)" "$1"' \
	"$code" "$tmp/err"
for v in 0 -1 1.5M 64KB 64T "" " 1M" x; do
	run --max-input-size "$v" "$tmp/114.sql"
	check "--max-input-size '$v' is bad usage" bash -c '[ "$0" -eq 3 ] && grep -q "bad --max-input-size" <<<"$1"' \
		"$code" "$err"
done
run --print-config --no-config
check "--print-config shows the default --max-input-size" grep -qE '^  max_input_size +64MiB +default$' <<<"$out"
run --print-config --no-config --max-input-size 1536K
check "--print-config shows --max-input-size" grep -qE '^  max_input_size +1536KiB +command line$' <<<"$out"
# --print-config lines that start with a path or a glob (after blanks at
# most): no line of the output may be a workflow command.
run --no-config --print-config '::warning::pwn' '  ::error::x'
check "--print-config: a path that starts a line is escaped" bash -c \
	'[ "$0" -eq 0 ] && grep -qx "\\\\x3a:warning::pwn" <<<"$1" && grep -qx "  \\\\x3a:error::x" <<<"$1" &&
	! grep -Eq "^[[:space:]]*::" <<<"$1"' "$code" "$out"
printf '{ "exclude": ["a", "::warning::g"] }\n' >"$tmp/colons.json"
run --config "$tmp/colons.json" --print-config
check "--print-config: an exclude glob alone on its line is escaped" bash -c \
	'[ "$0" -eq 0 ] && grep -qE "^ +\\\\x3a:warning::g " <<<"$1" && ! grep -Eq "^[[:space:]]*::" <<<"$1"' "$code" "$out"
run --help
check "--help names --max-input-size" grep -q -- "--max-input-size SIZE" <<<"$out"

# hostile inputs: a diagnostic, never a crash
head -c 200000 /dev/urandom >"$tmp/random.sql"
run "$tmp/random.sql" "$tmp/bad.sql"
check "random binary does not crash" test "$code" -le 2
check "random binary is reported" grep -q "invalid-input" <<<"$out"
{ printf 'SELECT '; head -c 2000000 /dev/zero | tr '\0' 'x'; printf ';\n'; } >"$tmp/long.sql"
run "$tmp/long.sql"
check "a 2 MB single line is linted" test "$code" -eq 0
printf 'SELECT 1;\n/* never closed\nDROP INDEX x;\n' >"$tmp/comment.sql"
run "$tmp/comment.sql"
check "unterminated comment does not crash" test "$code" -le 2
printf 'SELECT 1;\nDO $$ BEGIN\n' >"$tmp/dollar.sql"
run "$tmp/dollar.sql"
check "unterminated dollar quote is a syntax error" grep -q "syntax-error" <<<"$out"
: >"$tmp/empty.sql"
printf -- '-- only a comment\n' >"$tmp/comment-only.sql"
run "$tmp/empty.sql" "$tmp/comment-only.sql"
check "empty and comment-only files are clean" test "$code" -eq 0
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "("; }' >"$tmp/parens.sql"
run "$tmp/parens.sql"
check "100000 open parentheses do not crash" test "$code" -le 2

# What psql runs is what gets linted (issue 9, items 1 and 3): a lone CR ends
# a -- comment, "\\" ends a meta-command and the rest of its line is SQL.
rename='ALTER TABLE users RENAME COLUMN email TO e;'
printf -- '-- note\r%s\n' "$rename" >"$tmp/cr-comment.sql"
run --format gcc "$tmp/cr-comment.sql"
check "a lone CR ends a -- comment: the ALTER after it is linted (exit 1)" test "$code" -eq 1
check "...reported on line 2 as renaming-column" grep -q "^$tmp/cr-comment.sql:2:1: error: .*\[renaming-column\]" <<<"$out"
printf 'CREATE INDEX i ON t (c);\r-- c\r%s\rDROP INDEX i;\r' "$rename" >"$tmp/cr-only.sql"
run --format json "$tmp/cr-only.sql"
check "a CR-only file is not empty: 3 statements" grep -q '"statements":3' <<<"$out"
run --format gcc "$tmp/cr-only.sql"
for want in ':1:19: .*require-concurrent-index-creation' ':3:1: .*renaming-column' ':4:1: .*require-concurrent-index-deletion'; do
	check "CR-only file: findings on their own lines ($want)" grep -q "^$tmp/cr-only.sql$want" <<<"$out"
done
run "$tmp/cr-only.sql"
check "CR-only file: the excerpt is the statement's own line" grep -qxF " 3 | $rename" <<<"$out"
check "CR-only file: no carriage return reaches the report" bash -c '! grep -q $'"'"'\r'"'"' <<<"$0"' "$out"
printf -- '-- migralint-ignore renaming-column: reviewed\r%s\r' "$rename" >"$tmp/cr-ignore.sql"
run --format gcc "$tmp/cr-ignore.sql"
check "an ignore comment ends at a lone CR and silences the next line" \
	bash -c '! grep -q renaming-column <<<"$0" && grep -q require-lock-timeout <<<"$0"' "$out"
printf '\\set ON_ERROR_STOP on \\\\ %s\n' "$rename" >"$tmp/double-backslash.sql"
run --format gcc "$tmp/double-backslash.sql"
check "SQL after \\\\ on a meta-command line is linted" grep -q ":1:26: error: .*\[renaming-column\]" <<<"$out"
check "...and the command itself is noted" grep -qF 'psql meta-command "\set ON_ERROR_STOP on"' <<<"$out"
printf '\\set x 1\r%s\n' "$rename" >"$tmp/cr-meta.sql"
run --format gcc "$tmp/cr-meta.sql"
check "a CR inside a meta-command line does not end it (psql reads to the newline)" \
	bash -c '[ "$1" -eq 0 ] && ! grep -q renaming-column <<<"$0" && grep -q "after the carriage return" <<<"$0"' "$out" "$code"
printf 'COPY t FROM stdin; %s\n1\n\\.\n' "$rename" >"$tmp/copy-line.sql"
run --format gcc "$tmp/copy-line.sql"
check "SQL after COPY ... FROM stdin; on its line is linted" grep -q ":1:20: error: .*\[renaming-column\]" <<<"$out"

# colour: only on a terminal, never with NO_COLOR
if command -v script >/dev/null 2>&1; then
	tty_out=$(script -qec "$ML $tmp/bad.sql" /dev/null 2>/dev/null)
	check "colour on a terminal" grep -q $'\033\[' <<<"$tty_out"
	tty_out=$(NO_COLOR=1 script -qec "$ML $tmp/bad.sql" /dev/null 2>/dev/null)
	check "no colour with NO_COLOR" bash -c '! grep -q $'"'"'\033\['"'"' <<<"$0"' "$tty_out"
	tty_out=$(NO_COLOR= script -qec "$ML $tmp/bad.sql" /dev/null 2>/dev/null)
	check "no colour with NO_COLOR set but empty" bash -c '! grep -q $'"'"'\033\['"'"' <<<"$0"' "$tty_out"
fi

# --jobs: workers parse a large file ahead; the report is the same byte for byte
for i in $(seq 1 150); do
	printf 'BEGIN;\nALTER TABLE t%d ADD COLUMN c int;\nUPDATE t%d SET c = 0;\nCOMMIT;\n' "$i" "$i"
	printf 'CREATE INDEX i%d ON t%d (c);\nSELEC broken%d;\n' "$i" "$i" "$i"
	printf 'DO $$ BEGIN UPDATE t%d SET c = 1; END $$;\n' "$i"
done >"$tmp/many.sql"
"$ML" --jobs 1 --format json --statements "$tmp/many.sql" >"$tmp/jobs1.json" 2>/dev/null
"$ML" --jobs 2 --format json --statements "$tmp/many.sql" >"$tmp/jobs2.json" 2>/dev/null
"$ML" --jobs 4 --format json --statements "$tmp/many.sql" >"$tmp/jobs4.json" 2>/dev/null
check "--jobs 2 and 4 give the same report as --jobs 1" \
	bash -c 'cmp -s "$0" "$1" && cmp -s "$0" "$2" && [ -s "$0" ]' "$tmp/jobs1.json" "$tmp/jobs2.json" "$tmp/jobs4.json"
run --jobs 0 "$tmp/good.sql"
check "--jobs 0 is bad usage" test "$code" -eq 3

# A large file's text is given back to the system as the engine moves
# through it; what findings point at must stay: the BEGIN of a transaction
# still open at the end, and the statements late in the file.
{
	for i in $(seq 1 60000); do printf 'ALTER TABLE t%d ADD COLUMN c int;\n' "$i"; done
	printf 'BEGIN;\n'
	for i in $(seq 1 60000); do printf 'ALTER TABLE u%d ADD COLUMN c int;\n' "$i"; done
	printf 'CREATE INDEX late ON t1 (c);\n'
} >"$tmp/big-open.sql"
run --no-config "$tmp/big-open.sql"
check "large file: the BEGIN left open keeps its excerpt" grep -qx ' 60001 | BEGIN;' <<<"$out"
check "large file: the last statement keeps its excerpt" grep -qx ' 120002 | CREATE INDEX late ON t1 (c);' <<<"$out"
check "large file: a statement early in the file keeps its excerpt" grep -qx ' 2 | ALTER TABLE t2 ADD COLUMN c int;' <<<"$out"

# Long lines are cut in excerpts: lines of 1,001 bytes become 1,000 bytes
# and " ...", six of them, with nothing after the cut mark (a too-small
# buffer once let the next allocation write into the last line).
{
	printf 'DROP TABLE t -- %s\n' "$(head -c 985 /dev/zero | tr '\0' a)"
	for i in 1 2 3 4 5 6; do printf -- '-- %s\n' "$(head -c 998 /dev/zero | tr '\0' a)"; done
	printf ';\n'
} >"$tmp/long-lines.sql"
run --no-config "$tmp/long-lines.sql"
# (every finding on the statement quotes it: each quote has six lines)
check "long lines: every excerpt line is cut at 1,000 bytes, six lines per finding" \
	bash -c 'n=$(grep -cE "^ [1-6] [|] .{1000} [.]{3}$" <<<"$0"); m=$(grep -cE "^ [1-9] [|] " <<<"$0");
		[ "$n" -ge 6 ] && [ "$n" = "$m" ] && [ $((n % 6)) = 0 ]' "$out"
check "long lines: the last excerpt line is clean" grep -qE '^ 6 \| -- a{997} \.\.\.$' <<<"$out"

# --jobs across files: a directory of many files (schema facts carry from
# one file to the next), a binary file, a missing path between two real
# ones and a FIFO; the report and the error lines match --jobs 1.
mkdir -p "$tmp/multi/sub"
for i in $(seq 1 60); do
	printf 'CREATE TABLE m%d (id int, name varchar(10));\n' "$i" >"$tmp/multi/$(printf '%03d' "$i")_create.sql"
	printf 'ALTER TABLE m%d ALTER COLUMN name TYPE varchar(20);\nCREATE INDEX mi%d ON m%d (c);\nSELEC x;\n' \
		"$i" "$i" "$i" >"$tmp/multi/sub/$(printf '%03d' "$i")_alter.sql"
done
printf 'SELECT 1;\0binary' >"$tmp/multi/050_binary.sql"
mkfifo "$tmp/multi.fifo"
for j in 1 2 4; do
	(printf 'ALTER TABLE m1 ALTER COLUMN id TYPE bigint;\n' >"$tmp/multi.fifo" &)
	"$ML" --jobs "$j" --format json --statements "$tmp/multi" "$tmp/missing.sql" "$tmp/many.sql" \
		"$tmp/multi.fifo" >"$tmp/multi$j.json" 2>"$tmp/multi$j.err"
	echo "exit $?" >>"$tmp/multi$j.err"
done
check "--jobs 2 and 4 give the same report and errors as --jobs 1 over many files" \
	bash -c 'for f in json err; do cmp -s "$0.$f" "$1.$f" && cmp -s "$0.$f" "$2.$f" || exit 1; done' \
	"$tmp/multi1" "$tmp/multi2" "$tmp/multi4"
check "many files: every file is listed, the missing one is an error (exit 2)" \
	bash -c '[ "$(jq ".files | length" "$0.json")" = 123 ] && grep -q "missing.sql" "$0.err" &&
		grep -qx "exit 2" "$0.err"' "$tmp/multi1"
# m60's varchar(10) is known from an earlier file: widening it is binary-coercible.
check "many files: what earlier files created is known in later ones" \
	bash -c '[ "$(jq -r "[.statements[] | select(.path | endswith(\"sub/060_alter.sql\")) | .kind][0]" "$0.json")" = \
		"ALTER TABLE ... ALTER COLUMN ... TYPE (binary-coercible)" ]' "$tmp/multi1"

# v := v || '...' copies v each time: past 16 MB of rebuilt text in one body
# the values are no longer followed, and the EXECUTE says so.
{
	printf 'DO $do$\nDECLARE stmt text := %s;\nBEGIN\n' "''"
	for i in $(seq 1 1500); do
		printf "    stmt := stmt || 'ALTER TABLE accounts ADD COLUMN note_%d text; ';\n" "$i"
	done
	printf '    EXECUTE stmt;\nEND\n$do$;\n'
} >"$tmp/appends.sql"
run --format gcc "$tmp/appends.sql"
check "a body past the limit of rebuilt text: the EXECUTE is noted, not analysed" \
	grep -q "^.*appends.sql:1504:5: note: EXECUTE runs SQL from \"stmt\", which is given its value after this body's rebuilt text passed migralint's limit (16 MB)" <<<"$out"

# reads are in the lock timeline: ACCESS SHARE on each table a query reads
printf 'BEGIN;\nLOCK TABLE events IN ACCESS EXCLUSIVE MODE;\nCREATE TABLE events_new (LIKE events);\nINSERT INTO events_new SELECT * FROM events;\nCOMMIT;\n' \
	>"$tmp/swap.sql"
run --format locks "$tmp/swap.sql"
check "--format locks shows the table INSERT ... SELECT reads, and its scan" \
	grep -qF "swap.sql:4:1: INSERT ... SELECT | locks: events_new ROW EXCLUSIVE, events ACCESS SHARE | rewrite: no | scan: yes" <<<"$out"
run --format json --statements "$tmp/swap.sql"
check "--statements lists the ACCESS SHARE of a read" \
	test "$(jq -c '[.statements[] | select(.line == 4) | .locks[] | [.table, .mode]]' <<<"$out")" = \
	'[["events_new","ROW EXCLUSIVE"],["events","ACCESS SHARE"]]'
check "the copy under the table's ACCESS EXCLUSIVE lock is slow work" \
	test "$(jq '[.diagnostics[] | select(.rule == "slow-statement-under-exclusive-lock" and .line == 4)] | length' <<<"$out")" = 1

# Suppression comments: a silenced finding does not fail the run; with
# --require-reasons a comment without a reason does.
printf '%s\n-- migralint-ignore require-concurrent-index-creation\nCREATE INDEX idx_a ON accounts (email);\n' \
	"$timeouts" >"$tmp/waived.sql"
printf '%s\n-- migralint-ignore require-concurrent-index-creation: accounts has 40 rows\nCREATE INDEX idx_a ON accounts (email);\n' \
	"$timeouts" >"$tmp/waived-why.sql"
run --no-config "$tmp/waived.sql"
check "a silenced finding exits 0" test "$code" -eq 0
check "a silenced finding is counted in the summary" grep -q "0 errors, 0 warnings, 0 infos, 1 suppressed" <<<"$out"
run --no-config --require-reasons "$tmp/waived.sql"
check "--require-reasons: a comment without a reason exits 1" test "$code" -eq 1
check "--require-reasons: reported as ignore-without-reason at the comment" \
	grep -qE "^$tmp/waived.sql:2:1: warning\[ignore-without-reason\]: migralint-ignore comment gives no reason" <<<"$out"
run --no-config --require-reasons "$tmp/waived-why.sql"
check "--require-reasons: a comment with a reason exits 0" test "$code" -eq 0
run --no-config --require-reasons --exclude ignore-without-reason "$tmp/waived.sql"
check "--exclude ignore-without-reason beats --require-reasons" test "$code" -eq 0
run --no-config --require-reasons=yes "$tmp/waived.sql"
check "--require-reasons takes no value (exit 3)" test "$code" -eq 3
printf '%s\n-- migralint-ignore ban-drop-column: left from an older version of this file\nCREATE INDEX CONCURRENTLY idx_a ON accounts (email);\n' \
	"$timeouts" >"$tmp/stale.sql"
run --no-config "$tmp/stale.sql"
check "an ignore comment that silences nothing exits 1 (unused-ignore)" test "$code" -eq 1
check "unused-ignore points at the name in the comment" \
	grep -qE "^$tmp/stale.sql:2:21: warning\[unused-ignore\]: \"ban-drop-column\" in this migralint-ignore comment silences nothing" <<<"$out"

# squawk's comments, with squawk's rule names (docs/squawk.md)
printf -- '-- squawk-ignore-file require-timeout-settings -- set by the deploy tool\nBEGIN;\n-- squawk-ignore ban-concurrent-index-creation-in-transaction, prefer-robust-stmts\nCREATE INDEX CONCURRENTLY idx_a ON accounts (email);\nCOMMIT;\nALTER TABLE accounts DROP COLUMN fax; /* squawk-ignore ban-drop-column */\n' \
	>"$tmp/squawk.sql"
run --no-config "$tmp/squawk.sql"
check "squawk comments: every finding silenced, exit 0" test "$code" -eq 0
check "squawk comments: require-timeout-settings silences both timeout rules" \
	grep -q "0 errors, 0 warnings, 0 infos, 4 suppressed" <<<"$out"
run --no-config --format json "$tmp/squawk.sql"
for rule in require-lock-timeout require-statement-timeout; do
	check "squawk comments: require-timeout-settings silences $rule" \
		grep -qE "\"rule\":\"$rule\".*\"suppressed\":\\{\"kind\":\"squawk-ignore-file\"" <<<"$out"
done
check "squawk comments: JSON kind and reason" \
	grep -qF '"suppressed":{"kind":"squawk-ignore-file","reason":"set by the deploy tool","line":1,"column":1}' <<<"$out"
check "squawk comments: the alias of concurrently-in-transaction" \
	grep -qE '"rule":"concurrently-in-transaction".*"suppressed":\{"kind":"squawk-ignore","reason":null,"line":3' <<<"$out"
printf -- '-- squawk-ignore-file\nALTER TABLE accounts DROP COLUMN fax;\nCREATE INDEX idx_b ON accounts (plan);\n' >"$tmp/squawk-all.sql"
run --no-config "$tmp/squawk-all.sql"
check "squawk-ignore-file without rules silences every rule of the file" test "$code" -eq 0
check "squawk-ignore-file without rules: all counted" grep -q " 0 infos, 4 suppressed" <<<"$out"
run --no-config "$tmp/squawk-all.sql" "$tmp/bad.sql"
check "squawk-ignore-file covers its own file only" test "$code" -eq 1
run --explain require-statement-timeout
check "--explain names squawk's names for the rule" \
	grep -qF 'squawk calls this check `require-statement-timeout` (also `require-timeout-settings`)' <<<"$out"
run --explain concurrently-in-transaction
check "--explain names squawk's other name" \
	grep -qF 'squawk calls this check `ban-concurrent-index-creation-in-transaction`' <<<"$out"
run --explain unbatched-update
check "--explain says when squawk has no such check" grep -qF "squawk has no such check" <<<"$out"
check "--explain mentions squawk-ignore-file without names" \
	grep -qF 'A `-- squawk-ignore-file` comment without rule names silences every rule' <<<"$out"

# the bundled examples have findings
run "$ROOT/examples"
check "examples have findings" test "$code" -eq 1
# the application that still uses the column it drops: the finding its README
# quotes, word for word (a view, a function and an index use the column)
app_out=$(cd "$ROOT" && "$ML" --no-config examples/app-still-uses-column/db/migrations 2>/dev/null)
app_line=$(grep -m1 '^examples/app-still-uses-column/.*error\[dropped-column-still-referenced\]' \
	"$ROOT/examples/app-still-uses-column/README.md")
check "examples/app-still-uses-column: the README's finding is the one reported" \
	grep -qxF -- "$app_line" <<<"$app_out"
check "examples/app-still-uses-column: it names the view, the function and the index" \
	grep -q 'view author_directory .*function author_label .*index authors_legacy_name_idx' <<<"$app_line"
# with the application's code: the README's list of users, line for line
app_out=$(cd "$ROOT" && "$ML" --no-config --references examples/app-still-uses-column/app \
	--references examples/app-still-uses-column/web examples/app-still-uses-column/db/migrations 2>/dev/null)
app_users=$(grep -E '^  (view|function|index|still used at) ' "$ROOT/examples/app-still-uses-column/README.md")
check "examples/app-still-uses-column --references: the README's users are the ones reported" \
	test "$app_users" = "$(grep -E '^  (view|function|index|still used at) ' <<<"$app_out")"
check "examples/app-still-uses-column --references: three uses in code, none in publisher.rb" \
	test "$(grep -c '^  still used at ' <<<"$app_users")" -eq 3 -a -z "$(grep publisher <<<"$app_out")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
