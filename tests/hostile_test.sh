#!/usr/bin/env bash
# hostile_test.sh - inputs built to break a linter: huge single lines, NUL
# bytes, random binary, unterminated dollar quotes and comments, a directory
# without SQL, a FIFO, a missing path. Each one must get its diagnostic (or
# an input error naming it on stderr, exit status 2; the huge string literal
# is valid SQL and must be one clean SELECT), never a crash or a hang, and
# the normal file after it on the same command line must still be linted.
# And inputs built to slip SQL past the linter that psql would run (issue 9):
# CR-only line endings, SQL after "\\" on a meta-command line, statements
# padded with comments or dollar quotes to look "too complex", a 20,000-line
# PL/pgSQL body, a 20 MB INSERT (reported, at bounded memory), and big
# statements parsed ahead by workers.
# usage: hostile_test.sh MIGRALINT
# MIGRALINT_HOSTILE_MB sets the size of the two huge single-line files
# (default 50, in millions of bytes); their time and peak memory are printed.
set -u
ML=$1
MB=${MIGRALINT_HOSTILE_MB:-50}
case "$MB" in '' | *[!0-9]*)
	echo "MIGRALINT_HOSTILE_MB must be a number of MB, got '$MB'" >&2
	exit 2
	;;
esac
# A hung run is a failure, not a stuck test (timeout exits 124).
LIMIT=${MIGRALINT_HOSTILE_TIMEOUT:-600}
tmp=$(mktemp -d)
writer=
cleanup() {
	[ -n "$writer" ] && kill "$writer" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
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

normal=$tmp/normal.sql
printf 'CREATE INDEX i ON t (c);\n' >"$normal"

# run ARGS... : lints ARGS then the normal file, JSON report in $tmp/out.json,
# standard error in $err, exit status in $code, "N s, M KB" in $usage.
run() {
	usage=
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -o "$tmp/time" -f '%e s, %M KB peak RSS' \
			timeout "$LIMIT" "$ML" --format json --statements "$@" "$normal" >"$tmp/out.json" 2>"$tmp/err"
		code=$?
		usage=$(tail -n 1 "$tmp/time")
	else
		timeout "$LIMIT" "$ML" --format json --statements "$@" "$normal" >"$tmp/out.json" 2>"$tmp/err"
		code=$?
	fi
	err=$(head -c 4000 "$tmp/err")
}

# q OP PATH [ARG...] : questions about $tmp/out.json; false when it is not JSON.
cat >"$tmp/q.py" <<'EOF'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception as e:
    print("report is not JSON: %s" % e, file=sys.stderr)
    sys.exit(1)
op, path, args = sys.argv[2], sys.argv[3], sys.argv[4:]
diags = [d for d in r["diagnostics"] if d["path"] == path]
files = [f for f in r["files"] if f["path"] == path]
if op == "rule":  # rule RULE [LINE]: PATH has a finding of RULE (on LINE)
    ok = any(d["rule"] == args[0] and (len(args) < 2 or d["line"] == int(args[1])) for d in diags)
elif op == "no-rule":  # no-rule RULE: PATH has no finding of RULE
    ok = not any(d["rule"] == args[0] for d in diags)
elif op == "only":  # only RULE...: PATH's findings are all of these rules, and there is one
    ok = bool(diags) and all(d["rule"] in args for d in diags)
elif op == "max-line":  # max-line N: PATH has findings, all on lines 1..N
    ok = bool(diags) and all(d["line"] <= int(args[0]) for d in diags)
elif op == "listed":  # listed [STATEMENTS SYNTAX_ERRORS]
    ok = len(files) == 1 and (not args or (files[0]["statements"], files[0]["syntax_errors"]) == (int(args[0]), int(args[1])))
elif op == "unlisted":  # PATH is neither in files nor in diagnostics
    ok = not files and not diags
elif op == "severity":  # severity RULE SEVERITY: PATH's findings of RULE exist and all have SEVERITY
    hits = [d for d in diags if d["rule"] == args[0]]
    ok = bool(hits) and all(d["severity"] == args[1] for d in hits)
elif op == "message":  # message RULE TEXT: a finding of RULE whose message holds TEXT
    ok = any(d["rule"] == args[0] and args[1] in d["message"] for d in diags)
elif op == "kinds":  # kinds KIND...: the kinds of PATH's statements, in order
    ok = [s["kind"] for s in r.get("statements", []) if s["path"] == path] == args
else:
    sys.exit("unknown question " + op)
if not ok:
    print("  %s %s %s: findings %s, files %s" % (op, path, args,
          [(d["line"], d["rule"]) for d in diags], files), file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
q() { /usr/bin/python3 "$tmp/q.py" "$tmp/out.json" "$@"; }

# common checks for one hostile input: no crash, the normal file still linted
survived() { # survived NAME
	check "$1: exit 0..2, no signal, no timeout (got $code)" test "$code" -le 2
	check "$1: the next file is still linted (require-concurrent-index-creation)" \
		q rule "$normal" require-concurrent-index-creation 1
}
# checks for a path migralint cannot read: named on stderr, exit 2, not reported
input_error() { # input_error NAME PATH
	check "$1: exit 2 (got $code)" test "$code" -eq 2
	check "$1: stderr names the path" grep -qF "$2" <<<"$err"
	check "$1: not in the report" q unlisted "$2"
	check "$1: the next file is still linted (require-concurrent-index-creation)" \
		q rule "$normal" require-concurrent-index-creation 1
}

# (a) huge single lines without a newline: a valid string literal, which is
# one clean SELECT, and a run of x with no statement structure at all.
bytes=$((MB * 1000000))
{ printf "SELECT '"; head -c "$bytes" /dev/zero | tr '\0' a; printf "';"; } >"$tmp/huge-string.sql"
run "$tmp/huge-string.sql"
echo "     $MB MB string literal: $usage"
survived "$MB MB string literal on one line"
check "$MB MB string literal: parsed as one statement without syntax error" q listed "$tmp/huge-string.sql" 1 0
check "$MB MB string literal: the statement is a SELECT" q kinds "$tmp/huge-string.sql" SELECT
rm -f "$tmp/huge-string.sql"

head -c "$bytes" /dev/zero | tr '\0' x >"$tmp/huge-x.sql"
run "$tmp/huge-x.sql"
echo "     $MB MB of x: $usage"
survived "$MB MB of x on one line"
check "$MB MB of x: a syntax-error at line 1" q rule "$tmp/huge-x.sql" syntax-error 1
check "$MB MB of x: listed as one statement with one syntax error" q listed "$tmp/huge-x.sql" 1 1
# The message quotes the token, and the excerpt shows the line: both are
# cut, so the report stays small whatever the line's length.
check "$MB MB of x: the JSON report stays under 64 kB" test "$(stat -c %s "$tmp/out.json")" -lt 65536
"$ML" --no-config "$tmp/huge-x.sql" >"$tmp/out.txt" 2>/dev/null
check "$MB MB of x: the text report stays under 64 kB" test "$(stat -c %s "$tmp/out.txt")" -lt 65536
rm -f "$tmp/huge-x.sql" "$tmp/out.json" "$tmp/out.txt"

# A minified dump: one line of 300,000 statements. Columns are counted on
# from the previous statement, not from the start of the line each time
# (which took minutes); a run past the two-minute bound means that is back.
yes 'SELECT 1;' 2>/dev/null | head -n 300000 | tr '\n' ' ' >"$tmp/one-line.sql"
saved_limit=$LIMIT
LIMIT=120
run "$tmp/one-line.sql"
LIMIT=$saved_limit
echo "     one line of 300,000 statements: $usage"
survived "one line of 300,000 statements"
check "one line of 300,000 statements: all listed, finishing well inside the bound" \
	q listed "$tmp/one-line.sql" 300000 0
rm -f "$tmp/one-line.sql" "$tmp/out.json"

# 300,000 statements on CR-only lines, half of them holding a meta-command:
# the whole file is one psql line with no newline to find, so neither the
# line map nor the splitter may look for one past where it looked before (a
# 25 MB CR-only file once took six minutes).
{
	yes 'SELECT 1;' 2>/dev/null | head -n 150000
	yes 'SELECT 2 \echo two \\ ;' 2>/dev/null | head -n 150000
} | tr '\n' '\r' >"$tmp/cr-lines.sql"
saved_limit=$LIMIT
LIMIT=120
run "$tmp/cr-lines.sql"
LIMIT=$saved_limit
echo "     300,000 statements on CR-only lines: $usage"
survived "300,000 statements on CR-only lines"
check "300,000 statements on CR-only lines: all listed, finishing well inside the bound" \
	q listed "$tmp/cr-lines.sql" 300000 0
rm -f "$tmp/cr-lines.sql" "$tmp/out.json"

# 600,000 statements each holding a piece left out of its text ("\;", a
# meta-command): each statement's copy looks its pieces up, rather than
# going through all of the file's (which took minutes).
awk 'BEGIN { for (i = 0; i < 300000; i++) { print "SELECT 1 \\; SELECT 2;"; print "SELECT 3 \\echo three"; print ";"; } }' \
	>"$tmp/pieces.sql"
saved_limit=$LIMIT
LIMIT=120
run "$tmp/pieces.sql"
LIMIT=$saved_limit
echo "     600,000 statements with pieces left out: $usage"
survived "600,000 statements with pieces left out"
check "600,000 statements with pieces left out: all listed, finishing well inside the bound" \
	q listed "$tmp/pieces.sql" 600000 0
rm -f "$tmp/pieces.sql" "$tmp/out.json"

# (b) a NUL byte: reported as binary and not linted further (the DROP INDEX
# after it would otherwise be a finding).
printf 'SELECT 1;\0DROP INDEX idx_after_nul;\n' >"$tmp/nul.sql"
run "$tmp/nul.sql"
survived "NUL byte"
check "NUL byte: invalid-input" q rule "$tmp/nul.sql" invalid-input
check "NUL byte: nothing after it is linted" q only "$tmp/nul.sql" invalid-input

# (c) 1 MB of random binary
head -c 1048576 /dev/urandom >"$tmp/random.sql"
run "$tmp/random.sql"
survived "1 MB of random binary"
check "random binary: invalid-input" q rule "$tmp/random.sql" invalid-input
check "random binary: nothing else is reported for it" q only "$tmp/random.sql" invalid-input

# (d) an unterminated dollar quote swallows the rest of the file into one
# syntax error; the statement before it is still linted.
printf 'DROP INDEX idx_before;\nDO $$ BEGIN\n  DROP INDEX idx_inside;\n  UPDATE t SET c = 1;\n' >"$tmp/dollar.sql"
run "$tmp/dollar.sql"
survived "unterminated dollar quote"
check "unterminated dollar quote: syntax-error at line 2" q rule "$tmp/dollar.sql" syntax-error 2
check "unterminated dollar quote: the statement before it is linted" \
	q rule "$tmp/dollar.sql" require-concurrent-index-deletion 1
check "unterminated dollar quote: nothing inside it is linted (no finding after line 2)" \
	q max-line "$tmp/dollar.sql" 2

# (e) an unterminated block comment, likewise
printf 'DROP INDEX idx_before;\n/* never closed\nDROP INDEX idx_inside;\n' >"$tmp/comment.sql"
run "$tmp/comment.sql"
survived "unterminated block comment"
check "unterminated block comment: syntax-error at line 2" q rule "$tmp/comment.sql" syntax-error 2
check "unterminated block comment: the statement before it is linted" \
	q rule "$tmp/comment.sql" require-concurrent-index-deletion 1
check "unterminated block comment: the DROP INDEX inside it is not linted (no finding after line 2)" \
	q max-line "$tmp/comment.sql" 2

# (f) a directory without .sql files (but with other files and a subfolder)
mkdir -p "$tmp/nosql/sub"
printf 'not sql\n' >"$tmp/nosql/notes.txt"
run "$tmp/nosql"
input_error "directory without .sql files" "$tmp/nosql"

# (g) a FIFO, written by a background writer (which gives up after 60 s if
# migralint never opens it), then a FIFO whose writer writes nothing.
mkfifo "$tmp/fifo.sql"
timeout 60 bash -c 'printf "DROP INDEX idx_fifo;\n" >"$0"' "$tmp/fifo.sql" &
writer=$!
run "$tmp/fifo.sql"
wait "$writer"
wcode=$?
writer=
survived "FIFO"
check "FIFO: the writer was read (writer exit $wcode)" test "$wcode" -eq 0
check "FIFO: its statement is linted (require-concurrent-index-deletion)" \
	q rule "$tmp/fifo.sql" require-concurrent-index-deletion 1
timeout 60 bash -c ': >"$0"' "$tmp/fifo.sql" &
writer=$!
run "$tmp/fifo.sql"
wait "$writer"
wcode=$?
writer=
survived "empty FIFO"
check "empty FIFO: the writer was read (writer exit $wcode)" test "$wcode" -eq 0
check "empty FIFO: listed with no statement" q listed "$tmp/fifo.sql" 0 0

# (h) a path that does not exist
run "$tmp/no-such-file.sql"
input_error "nonexistent path" "$tmp/no-such-file.sql"

# (i) CR-only line endings: PostgreSQL's scanner ends a -- comment at a
# lone CR, so psql -f runs every statement of this file. Each is linted, on
# its own line.
printf -- '-- rename\rALTER TABLE users RENAME COLUMN email TO e;\r-- drop\rDROP INDEX idx_cr;\r' >"$tmp/cr-only.sql"
run "$tmp/cr-only.sql"
survived "CR-only file"
check "CR-only file: two statements" q listed "$tmp/cr-only.sql" 2 0
check "CR-only file: the ALTER on line 2 is linted (renaming-column)" q rule "$tmp/cr-only.sql" renaming-column 2
check "CR-only file: the DROP INDEX on line 4 is linted" q rule "$tmp/cr-only.sql" require-concurrent-index-deletion 4
printf -- '-- migralint-ignore renaming-column\rALTER TABLE users RENAME COLUMN email TO e;\r' >"$tmp/cr-ignore.sql"
run "$tmp/cr-ignore.sql"
check "CR-only file: an ignore comment ends at the CR and silences the next line" \
	q no-rule "$tmp/cr-ignore.sql" renaming-column
check "CR-only file: ...that line is linted all the same (require-lock-timeout)" \
	q rule "$tmp/cr-ignore.sql" require-lock-timeout 2

# (j) "\\" ends a psql meta-command: psql runs the rest of the line as SQL.
printf '\\set ON_ERROR_STOP on \\\\ ALTER TABLE users RENAME COLUMN email TO e;\n' >"$tmp/double-backslash.sql"
run "$tmp/double-backslash.sql"
survived "SQL after \\\\"
check "SQL after \\\\: the ALTER is linted" q rule "$tmp/double-backslash.sql" renaming-column 1
check "SQL after \\\\: the command is noted" q rule "$tmp/double-backslash.sql" psql-meta-command 1

# (k) padding never buys a pass: 300,000 tokens of comment or of a dollar-
# quoted string around an ALTER once made it "too complex" (a warning, the
# ALTER unchecked). An unterminated comment stays a syntax error.
pad() { # pad N: N tokens of "x +"
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "x + "; }'
}
{ printf 'ALTER TABLE users /* '; pad 150000; printf ' */ RENAME COLUMN email TO e;\n'; } >"$tmp/pad-comment.sql"
{ printf 'ALTER TABLE users -- '; pad 150000; printf '\rRENAME COLUMN email TO e;\n'; } >"$tmp/pad-line-comment.sql"
{ printf 'DO $pad$ BEGIN ALTER TABLE users RENAME COLUMN email TO e; PERFORM $$'; pad 150000; printf '$$; END $pad$;\n'; } >"$tmp/pad-dollar.sql"
for f in pad-comment pad-line-comment pad-dollar; do
	run "$tmp/$f.sql"
	survived "$f"
	check "$f: the ALTER is linted (renaming-column)" q rule "$tmp/$f.sql" renaming-column 1
	check "$f: not reported as too complex" q no-rule "$tmp/$f.sql" statement-too-complex
done
{ printf 'ALTER TABLE users RENAME COLUMN email TO e /* '; pad 150000; printf ';\n'; } >"$tmp/pad-open-comment.sql"
run "$tmp/pad-open-comment.sql"
survived "padding in an unterminated comment"
check "padding in an unterminated comment: a syntax-error" q only "$tmp/pad-open-comment.sql" syntax-error
rm -f "$tmp"/pad-*.sql

# (l) a 20,000-line PL/pgSQL body is analysed to its last statement
{
	printf 'CREATE PROCEDURE nightly() LANGUAGE plpgsql AS $$\nDECLARE n int := 0;\nBEGIN\n'
	awk 'BEGIN { for (i = 0; i < 20000; i++) print "  n := n + (SELECT count(*) FROM users WHERE id > n);"; }'
	printf '  ALTER TABLE users RENAME COLUMN email TO e;\nEND $$;\n'
} >"$tmp/long-body.sql"
run "$tmp/long-body.sql"
echo "     20,000-line PL/pgSQL body: $usage"
survived "20,000-line PL/pgSQL body"
check "20,000-line PL/pgSQL body: its last statement is analysed (line 20004)" \
	q rule "$tmp/long-body.sql" renaming-column 20004
check "20,000-line PL/pgSQL body: not too complex" q no-rule "$tmp/long-body.sql" statement-too-complex
rm -f "$tmp/long-body.sql"

# (m) a 20 MB INSERT ... VALUES (5.9 million tokens) took 785 MB and 14 s,
# and one of numbers 2.5 GB: now it is reported as too large to analyse, an
# error, without being parsed.
/usr/bin/python3 -c '
import sys
row = "(12345, '"'"'some text value'"'"', 3.14)"
n = 20000000 // (len(row) + 2)
sys.stdout.write("INSERT INTO t (a, b, c) VALUES\n" + ",\n".join([row] * n) + ";\n")' >"$tmp/insert-20mb.sql"
run "$tmp/insert-20mb.sql"
echo "     20 MB INSERT: $usage"
survived "20 MB INSERT"
check "20 MB INSERT: statement-too-complex" q rule "$tmp/insert-20mb.sql" statement-too-complex 1
check "20 MB INSERT: at error severity" q severity "$tmp/insert-20mb.sql" statement-too-complex error
check "20 MB INSERT: the message says it was too large" \
	q message "$tmp/insert-20mb.sql" statement-too-complex "too large to analyse"
check "20 MB INSERT: exit 1 (got $code)" test "$code" -eq 1
if [ -n "$usage" ]; then
	kb=${usage##*s, }
	kb=${kb%% KB*}
	check "20 MB INSERT: peak RSS under 1 GB, not gigabytes (got $kb KB)" test "$kb" -lt 1000000
fi
rm -f "$tmp/insert-20mb.sql"

# (n) statements just under the limit, parsed ahead by workers: the trees
# held ahead are bounded in tokens, so --jobs 4 holds no more big trees at
# once than --jobs 1 (without the bound: 738 MB against 135 MB).
/usr/bin/python3 -c '
import sys
stmt = "INSERT INTO t VALUES " + ",".join(["(1,2,3,4)"] * 89000) + ";\n"
sys.stdout.write(stmt * 4)' >"$tmp/big-statements.sql"
peak=()
for jobs in 1 4; do
	run --jobs "$jobs" "$tmp/big-statements.sql"
	echo "     4 statements of 890,000 tokens, --jobs $jobs: $usage"
	survived "4 big statements, --jobs $jobs"
	check "4 big statements, --jobs $jobs: all analysed" q listed "$tmp/big-statements.sql" 4 0
	check "4 big statements, --jobs $jobs: none too complex" q no-rule "$tmp/big-statements.sql" statement-too-complex
	kb=${usage##*s, }
	peak+=("${kb%% KB*}")
done
if [ -n "$usage" ]; then
	check "4 big statements: --jobs 4 peaks under 1.5 x --jobs 1 (${peak[1]} KB against ${peak[0]} KB)" \
		test "$((peak[1] * 2))" -lt "$((peak[0] * 3))"
fi
rm -f "$tmp/big-statements.sql"

# all of the small ones in one run, between two copies of the normal file
cp "$normal" "$tmp/first.sql"
run "$tmp/first.sql" "$tmp/nul.sql" "$tmp/random.sql" "$tmp/dollar.sql" "$tmp/comment.sql" "$tmp/nosql" \
	"$tmp/no-such-file.sql"
check "all together: exit 2 (got $code)" test "$code" -eq 2
check "all together: both missing inputs are named" \
	bash -c 'grep -qF "$1" <<<"$0" && grep -qF "$2" <<<"$0"' "$err" "$tmp/nosql" "$tmp/no-such-file.sql"
check "all together: the file before them is linted" q rule "$tmp/first.sql" require-concurrent-index-creation 1
check "all together: the file after them is linted" q rule "$normal" require-concurrent-index-creation 1
for a in "nul.sql invalid-input" "random.sql invalid-input" "dollar.sql syntax-error" "comment.sql syntax-error"; do
	read -r file rule <<<"$a"
	check "all together: $file has its $rule" q rule "$tmp/$file" "$rule"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
