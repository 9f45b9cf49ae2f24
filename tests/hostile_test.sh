#!/usr/bin/env bash
# hostile_test.sh - inputs built to break a linter: huge single lines, NUL
# bytes, 80,000 suppression comments, 20,000 partitions, a body quoting
# 80,000 dollar-quote tags, a 3 MB body that does not compile, random
# binary, unterminated dollar quotes and comments, a directory without SQL,
# a FIFO, a missing path, a directory with symbolic links out of it, link
# loops, a FIFO and a device inside, /dev/zero named, files over --max-input-size. Each one must get
# its diagnostic (or
# an input error naming it on stderr, exit status 2; the huge string literal
# is valid SQL and must be one clean SELECT), never a crash or a hang, and
# the normal file after it on the same command line must still be linted.
# Then what a hostile pull request controls: file names, --stdin-filename and
# quoted identifiers carrying line breaks, ESC, OSC 8 links and CI workflow
# commands ("::", "##[") must reach no report for people raw. Last, a report
# that cannot be written (stdout full, closed, a pipe nobody reads) and
# memory running out (through FAILING_MALLOC, an LD_PRELOAD shim built from
# tests/failing_malloc.c; skipped without it) exit with status 4 and say so.
# And inputs built to slip SQL past the linter that psql would run (issue 9):
# CR-only line endings, SQL after "\\" on a meta-command line, statements
# padded with comments or dollar quotes to look "too complex", a 20,000-line
# PL/pgSQL body, a 20 MB INSERT (reported, at bounded memory), and big
# statements parsed ahead by workers.
# usage: hostile_test.sh MIGRALINT [FAILING_MALLOC]
# MIGRALINT_HOSTILE_MB sets the size of the two huge single-line files
# (default 50, in millions of bytes); their time and peak memory are printed.
set -u
ML=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SHIM=${2:-}
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
# the findings in force; "silenced" and "unlisted" also see the suppressed ones
every = [d for d in r["diagnostics"] if d["path"] == path]
diags = [d for d in every if "suppressed" not in d]
files = [f for f in r["files"] if f["path"] == path]
if op == "rule":  # rule RULE [LINE]: PATH has a finding of RULE (on LINE)
    ok = any(d["rule"] == args[0] and (len(args) < 2 or d["line"] == int(args[1])) for d in diags)
elif op == "no-rule":  # no-rule RULE: PATH has no finding of RULE
    ok = not any(d["rule"] == args[0] for d in diags)
elif op == "silenced":  # silenced RULE N: PATH has N findings of RULE, all suppressed
    ok = sum(1 for d in every if d["rule"] == args[0] and "suppressed" in d) == int(args[1]) and \
        not any(d["rule"] == args[0] for d in diags)
elif op == "only":  # only RULE...: PATH's findings are all of these rules, and there is one
    ok = bool(diags) and all(d["rule"] in args for d in diags)
elif op == "max-line":  # max-line N: PATH has findings, all on lines 1..N
    ok = bool(diags) and all(d["line"] <= int(args[0]) for d in diags)
elif op == "listed":  # listed [STATEMENTS SYNTAX_ERRORS]
    ok = len(files) == 1 and (not args or (files[0]["statements"], files[0]["syntax_errors"]) == (int(args[0]), int(args[1])))
elif op == "unlisted":  # PATH is neither in files nor in diagnostics
    ok = not files and not every
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
# (over 64 MiB, the default --max-input-size, a larger MIGRALINT_HOSTILE_MB needs it raised)
cap=(--max-input-size "$((MB + 1))M")
{ printf "SELECT '"; head -c "$bytes" /dev/zero | tr '\0' a; printf "';"; } >"$tmp/huge-string.sql"
run "${cap[@]}" "$tmp/huge-string.sql"
echo "     $MB MB string literal: $usage"
survived "$MB MB string literal on one line"
check "$MB MB string literal: parsed as one statement without syntax error" q listed "$tmp/huge-string.sql" 1 0
check "$MB MB string literal: the statement is a SELECT" q kinds "$tmp/huge-string.sql" SELECT
rm -f "$tmp/huge-string.sql"

head -c "$bytes" /dev/zero | tr '\0' x >"$tmp/huge-x.sql"
run "${cap[@]}" "$tmp/huge-x.sql"
echo "     $MB MB of x: $usage"
survived "$MB MB of x on one line"
check "$MB MB of x: a syntax-error at line 1" q rule "$tmp/huge-x.sql" syntax-error 1
check "$MB MB of x: listed as one statement with one syntax error" q listed "$tmp/huge-x.sql" 1 1
# The message quotes the token, and the excerpt shows the line: both are
# cut, so the report stays small whatever the line's length.
check "$MB MB of x: the JSON report stays under 64 kB" test "$(stat -c %s "$tmp/out.json")" -lt 65536
"$ML" --no-config "${cap[@]}" "$tmp/huge-x.sql" >"$tmp/out.txt" 2>/dev/null
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

# 80,000 suppression comments, each silencing the finding of its own
# statement: one per line, then all on one line (where each comment used to
# read the whole line again). The comments are looked up by line, not one by
# one for every finding (which took 15 s, and minutes on one line).
awk 'BEGIN { for (i = 0; i < 80000; i++) printf "ALTER TABLE t DROP COLUMN c%d; -- migralint-ignore ban-drop-column\n", i }' \
	>"$tmp/ignores.sql"
awk 'BEGIN { for (i = 0; i < 80000; i++) printf "ALTER TABLE t DROP COLUMN c%d; /* migralint-ignore ban-drop-column */ ", i }' \
	>"$tmp/ignores-one-line.sql"
saved_limit=$LIMIT
LIMIT=120
for f in ignores ignores-one-line; do
	run "$tmp/$f.sql"
	echo "     80,000 ignore comments ($f.sql): $usage"
	survived "80,000 ignore comments ($f.sql)"
	check "80,000 ignore comments ($f.sql): all 80,000 statements listed" q listed "$tmp/$f.sql" 80000 0
	check "80,000 ignore comments ($f.sql): every ban-drop-column is silenced" \
		q silenced "$tmp/$f.sql" ban-drop-column 80000
done
LIMIT=$saved_limit
rm -f "$tmp/ignores.sql" "$tmp/ignores-one-line.sql" "$tmp/out.json"

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

# 20,000 partitions, then CREATE INDEX on their parent in a second file: the
# finding names the first ten and counts the rest (building the whole list
# copy by copy took 15 s and 1.6 GB).
{
	echo 'CREATE TABLE p (x int) PARTITION BY LIST (x);'
	awk 'BEGIN { for (i = 0; i < 20000; i++) printf "CREATE TABLE p_%d PARTITION OF p FOR VALUES IN (%d);\n", i, i }'
} >"$tmp/partitions.sql"
printf 'CREATE INDEX j ON p (x);\n' >"$tmp/partitioned-index.sql"
saved_limit=$LIMIT
LIMIT=120
run "$tmp/partitions.sql" "$tmp/partitioned-index.sql"
LIMIT=$saved_limit
echo "     20,000 partitions, then CREATE INDEX on the parent: $usage"
survived "20,000 partitions"
check "20,000 partitions: the index finding names ten partitions and counts the other 19,990" \
	/usr/bin/python3 -c 'import json, sys
try:
    d = json.load(open(sys.argv[1]))["diagnostics"]
except Exception:
    sys.exit(1)
h = [x["help"] for x in d if x["path"] == sys.argv[2] and x["rule"] == "require-concurrent-index-creation"]
sys.exit(not (len(h) == 1 and "(p_0, p_1, p_2, p_3, p_4, p_5, p_6, p_7, p_8, p_9 and 19990 more)" in h[0]))' \
	"$tmp/out.json" "$tmp/partitioned-index.sql"
rm -f "$tmp/partitions.sql" "$tmp/partitioned-index.sql" "$tmp/out.json"

# A DO body quoting 80,000 dollar-quote tags $ml0$ $ml1$ ... (and one too
# long to count): the tag the body is compiled in is found in one pass
# (trying each in turn took 10 s). A tag that clashed would break the
# compile: a syntax-error, and no finding for the DROP INDEX inside.
awk 'BEGIN { printf "DO $x$ BEGIN PERFORM '"'"'"; for (i = 0; i < 80000; i++) printf "$ml%d$", i
	printf "$ml123456789012345678901234$'"'"';\nDROP INDEX i;\nEND $x$;\n" }' >"$tmp/tags.sql"
saved_limit=$LIMIT
LIMIT=120
run "$tmp/tags.sql"
LIMIT=$saved_limit
echo "     a DO body quoting 80,000 dollar-quote tags: $usage"
survived "80,000 dollar-quote tags in a body"
check "80,000 dollar-quote tags: the body compiles (no syntax-error)" q no-rule "$tmp/tags.sql" syntax-error
check "80,000 dollar-quote tags: the DROP INDEX inside is linted" \
	q rule "$tmp/tags.sql" require-concurrent-index-deletion 2
rm -f "$tmp/tags.sql" "$tmp/out.json"

# A 3 MB DO body whose compile fails at its end: the prefixes compiled to
# find the token share one buffer (each kept its own copy: memory grew with
# the body's size times the number of compilations). Its peak memory is
# printed; the check is that the error is still placed on its token.
awk 'BEGIN { printf "DO $x$ DECLARE\n"; pad = sprintf("%1400s", ""); gsub(/ /, "a", pad)
	for (i = 0; i < 2000; i++) printf "v%d text := '"'"'%s'"'"';\n", i, pad
	printf "w int := ;\nBEGIN\nNULL;\nEND $x$;\n" }' >"$tmp/body-error.sql"
saved_limit=$LIMIT
LIMIT=120
run "$tmp/body-error.sql"
LIMIT=$saved_limit
echo "     a 3 MB DO body that does not compile: $usage"
survived "3 MB DO body that does not compile"
check "3 MB DO body that does not compile: the syntax-error is on its line (2002)" \
	q rule "$tmp/body-error.sql" syntax-error 2002
rm -f "$tmp/body-error.sql" "$tmp/out.json"

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

# (i) a pull request's file names, --stdin-filename and identifiers carrying
# CR/LF, ESC (a screen clear, an OSC 8 link), C1 controls and CI workflow
# commands ("::error::", "##[error]", "##vso["). In every report for people,
# and on stderr: no control character, no line that begins (after blanks)
# with "::" unless it is one of the github format's own commands, no "##[".
cat >"$tmp/people.py" <<'EOF'
import re, sys
fmt, text = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
blanks = " \t\u00a0\u1680\u202f\u205f\u3000\ufeff" + "".join(map(chr, range(0x2000, 0x200c)))
problems = []
m = re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]", text)
if m:
    problems.append("control character %r" % m.group(0))
for line in text.split("\n"):
    own = fmt == "github" and re.match(r"::(error|warning|notice) file=[^:,\r\n]*,line=", line)
    if line.lstrip(blanks).startswith("::") and not own:
        problems.append("a line begins with '::': %r" % line[:120])
    if "##[" in line or "##vso[" in line.lower():
        problems.append("'##[' on a line: %r" % line[:120])
for p in problems[:3]:
    print("  " + fmt + ": " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
pr=$tmp/pr
mkdir -p "$pr"
pr_sql=$'DROP INDEX "t\n::error::pwned";\nDROP INDEX "\e]8;;https://evil.example/\e\\\\click\e]8;;\e\\\\";\n'
pr_sql+=$'DROP INDEX "x\e[2J\e[H##[error]boom";\nALTER TABLE "a\rb::warning::c" DROP COLUMN "##vso[task.setvariable variable=x]1";\n'
pr_sql+=$'DROP INDEX "\xc2\x9b31m\xe2\x80\xa8::error::ls";\nSELECT 1 FROM\n::error::excerpt;\n'
for name in $'::error::f\n##[warning]g\e[31m.sql' $'\xc2\xa0::notice::h.sql' $'\e]8;;x\a\r::error::z.sql'; do
	printf '%s' "$pr_sql" >"$pr/$name"
done
stdin_name=$'::warning::s\r\n##[error]x\e]8;;http://e\a.sql'
for fmt in text locks gcc markdown github; do
	(cd "$tmp" && timeout "$LIMIT" "$ML" --format "$fmt" pr "$tmp/pr/missing"$'\n::error::gone.sql') \
		>"$tmp/people.out" 2>"$tmp/people.err"
	code=$?
	check "hostile pull request, --format $fmt: exit 2 (a missing path), no crash (got $code)" test "$code" -eq 2
	check "hostile pull request, --format $fmt: the report is plain text" \
		/usr/bin/python3 "$tmp/people.py" "$fmt" "$tmp/people.out"
	check "hostile pull request, --format $fmt: stderr is plain text" \
		/usr/bin/python3 "$tmp/people.py" stderr "$tmp/people.err"
	if [ "$fmt" != locks ]; then
		check "hostile pull request, --format $fmt: each of the 3 files has its findings" \
			test "$(grep -c 'require-concurrent-index-deletion' "$tmp/people.out")" -ge 3
	fi
	printf '%s' "$pr_sql" | timeout "$LIMIT" "$ML" --format "$fmt" --stdin-filename "$stdin_name" - \
		>"$tmp/people.out" 2>"$tmp/people.err"
	code=$?
	check "hostile --stdin-filename, --format $fmt: exit 1, no crash (got $code)" test "$code" -eq 1
	check "hostile --stdin-filename, --format $fmt: the report is plain text" \
		/usr/bin/python3 "$tmp/people.py" "$fmt" "$tmp/people.out"
done
# The escapes are visible: the reader sees that the name held ESC and a line break.
(cd "$tmp" && "$ML" pr >"$tmp/people.out" 2>/dev/null)
check "hostile pull request: ESC, CR and line breaks are shown as \\x1b, \\r and \\n" \
	bash -c 'grep -qF "of \"a\\rb::warning::c\"" "$0" && grep -qF " 1 | DROP INDEX \"t" "$0" &&
		grep -qF " 2 | ::error::pwned\";" "$0" && grep -qF "\"x\\x1b[2J\\x1b[H#\\x23[error]boom\"" "$0"' \
	"$tmp/people.out"
check "hostile pull request: the file names are shown escaped" \
	grep -qF 'pr/::error::f\n#\x23[warning]g\x1b[31m.sql:1:1: ' "$tmp/people.out"
(cd "$pr" && "$ML" -- $'::error::f\n##[warning]g\e[31m.sql' >"$tmp/people.out" 2>/dev/null)
check "hostile pull request: a file name starting with '::', at the start of a line, is shown as \\x3a:" \
	grep -qF '\x3a:error::f\n#\x23[warning]g\x1b[31m.sql:1:1: ' "$tmp/people.out"

# (j) the pull-request comment pings no one: mentions, issue references and
# URLs in names reach the markdown report's plain text broken (a zero-width
# space after "@", before an issue number, inside "://" and "www.").
cat >"$tmp/pings.py" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
text = re.sub(r"^(`{3,}).*?^\1$", "", text, flags=re.S | re.M)       # code blocks
text = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", text, flags=re.S)      # code spans
text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text).replace("&#8203;", "\u200b")
text = re.sub(r"\]\(https?://[^)]*\)", "]()", text)                    # the footer's own links
found = [m.group(0) for p in (r"@[A-Za-z0-9]", r"[#!&]\d", r"(?i)\bgh-\d", r"://", r"(?i)\bwww\.")
         for m in re.finditer(p, text)]
if found:
    print("  would notify or link: %s" % found[:8], file=sys.stderr)
if text.count("@\u200balice") < 1:
    print("  the name @alice is not shown", file=sys.stderr)
    found.append("missing")
sys.exit(1 if found else 0)
EOF
mkdir -p "$tmp/pings"
printf '%s\n' 'ALTER TABLE "octo/repo#12 GH-7" DROP COLUMN "@alice @org/team";' \
	'ALTER TABLE "!3 &4" DROP COLUMN "see https://github.com/o/r/issues/1 or www.example.com";' \
	>"$tmp/pings/@bob #5.sql"
(cd "$tmp/pings" && "$ML" --format markdown -- "@bob #5.sql" >"$tmp/pings.md" 2>/dev/null)
check "markdown: no mention, issue reference or URL from the input is live" \
	/usr/bin/python3 "$tmp/pings.py" "$tmp/pings.md"
printf '%s\n' 'ALTER TABLE "octo/repo#12 GH-7" DROP COLUMN "@alice @org/team";' |
	"$ML" --format markdown --stdin-filename '@carol #6 https://e.example/x.sql' - >"$tmp/pings.md" 2>/dev/null
check "markdown: nor from --stdin-filename" /usr/bin/python3 "$tmp/pings.py" "$tmp/pings.md"

# (k) no complete report: exit status 4 (not 0, 1 or 2, and no signal) with a
# message on stderr. stdout full, closed, or a pipe whose reader is gone.
"$ML" "$normal" >/dev/full 2>"$tmp/err"
code=$?
check "stdout is /dev/full: exit 4 (got $code)" test "$code" -eq 4
check "stdout is /dev/full: stderr says the report cannot be written" \
	grep -q "cannot write the report: No space left on device" "$tmp/err"
"$ML" "$normal" >&- 2>"$tmp/err"
code=$?
check "stdout closed: exit 4 (got $code)" test "$code" -eq 4
yes 'DROP INDEX i;' 2>/dev/null | head -n 20000 >"$tmp/many-findings.sql"
cat >"$tmp/closed-pipe.py" <<'PY'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)  # nobody will read: every write is EPIPE (SIGPIPE when not ignored)
p = subprocess.run([sys.argv[1], "--format", "text", sys.argv[2]], stdout=w, stderr=subprocess.PIPE)
print(p.returncode)
sys.stdout.write(p.stderr.decode(errors="replace"))
PY
/usr/bin/python3 "$tmp/closed-pipe.py" "$ML" "$tmp/many-findings.sql" >"$tmp/err" 2>&1
check "stdout a pipe nobody reads: exit 4, not killed by SIGPIPE (got $(head -1 "$tmp/err"))" \
	test "$(head -1 "$tmp/err")" = 4
check "stdout a pipe nobody reads: stderr says why" grep -q "cannot write the report: Broken pipe" "$tmp/err"
# Memory running out: reading standard input (a buffer that must grow past
# the limit) and analysing one statement bigger than the limit. Exit 4
# either way, with a message, never 0..2 or a signal.
if [ -n "$SHIM" ] && [ -f "$SHIM" ]; then
	fail_from=$((2 * 1024 * 1024))
	yes 'SELECT 1;' 2>/dev/null | head -n 400000 >"$tmp/4mb.sql"
	MIGRALINT_FAIL_FROM=$fail_from LD_PRELOAD=$SHIM "$ML" --stdin-filename big.sql - <"$tmp/4mb.sql" \
		>"$tmp/out.txt" 2>"$tmp/err"
	code=$?
	check "out of memory reading stdin: exit 4 (got $code)" test "$code" -eq 4
	check "out of memory reading stdin: named on stderr" grep -q "cannot read 'big.sql': out of memory" "$tmp/err"
	check "out of memory reading stdin: the report is still written" grep -q "^0 files" "$tmp/out.txt"
	{
		printf 'INSERT INTO t VALUES '
		awk 'BEGIN { for (i = 0; i < 200000; i++) printf "(%d, %d), ", i, i; print "(0, 0);" }'
	} >"$tmp/big-insert.sql"
	MIGRALINT_FAIL_FROM=$fail_from LD_PRELOAD=$SHIM "$ML" "$tmp/big-insert.sql" "$normal" >"$tmp/out.txt" \
		2>"$tmp/err"
	code=$?
	check "out of memory analysing a statement: exit 4 (got $code)" test "$code" -eq 4
	check "out of memory analysing a statement: stderr says so" grep -q "out of memory" "$tmp/err"
	MIGRALINT_FAIL_FROM=$fail_from LD_PRELOAD=$SHIM "$ML" "$normal" >"$tmp/out.txt" 2>"$tmp/err"
	code=$?
	check "the shim lets a small run through: exit 1 (got $code)" test "$code" -eq 1
	rm -f "$tmp/4mb.sql" "$tmp/big-insert.sql"
else
	echo "     (no failing-malloc shim given: the out-of-memory cases are skipped)"
fi

# (l) a directory a pull request filled: symbolic links out of it (to a file
# with a finding, to a directory, to /dev/zero), a symbolic link loop, a FIFO
# no one writes to, a character device. None of them is opened or followed:
# each is an input error naming it (exit 2), the run ends at once, and the
# regular files (and a link that stays inside) are linted.
mkdir -p "$tmp/outside" "$tmp/tree/sub"
printf 'DROP INDEX idx_secret;\n' >"$tmp/outside/secret.sql"
printf 'CREATE INDEX idx_a ON t (c);\n' >"$tmp/tree/001_plain.sql"
printf 'DROP INDEX idx_b;\n' >"$tmp/tree/sub/002_deeper.sql"
ln -s ../outside/secret.sql "$tmp/tree/010_out.sql"
ln -s "$tmp/outside" "$tmp/tree/011_outdir"
ln -s /dev/zero "$tmp/tree/012_zero.sql"
ln -s 013_loop.sql "$tmp/tree/013_loop.sql"
ln -s 014_loop_b.sql "$tmp/tree/014_loop_a.sql"
ln -s 014_loop_a.sql "$tmp/tree/014_loop_b.sql"
mkfifo "$tmp/tree/015_fifo.sql"
refused=(010_out.sql 011_outdir 012_zero.sql 013_loop.sql 014_loop_a.sql 014_loop_b.sql 015_fifo.sql)
if mknod "$tmp/tree/016_device.sql" c 1 5 2>/dev/null; then
	refused+=(016_device.sql)
else
	echo "     (not root, or no device nodes here: the device inside the directory is left out)"
fi
ln -s sub/002_deeper.sql "$tmp/tree/020_inside.sql"
ln -s sub "$tmp/tree/021_subdir"
saved_limit=$LIMIT
LIMIT=60
run "$tmp/tree"
LIMIT=$saved_limit
check "hostile directory: exit 2, not a hang (got $code)" test "$code" -eq 2
for name in "${refused[@]}"; do
	check "hostile directory: $name is named on stderr" grep -qF "$tmp/tree/$name" <<<"$err"
	check "hostile directory: $name is not in the report" q unlisted "$tmp/tree/$name"
done
check "hostile directory: the link out says where it points" \
	grep -qF "cannot read '$tmp/tree/010_out.sql': a symbolic link to outside '$tmp/tree': not followed" <<<"$err"
check "hostile directory: the loop is named as such" \
	grep -qF "cannot read '$tmp/tree/013_loop.sql': Too many levels of symbolic links" <<<"$err"
check "hostile directory: the FIFO is not opened" \
	grep -qF "cannot read '$tmp/tree/015_fifo.sql': a FIFO, not a regular file" <<<"$err"
check "hostile directory: the files linted are the plain one, the one inside (once) and the next one" \
	/usr/bin/python3 -c 'import json, sys
try:
    files = [f["path"] for f in json.load(open(sys.argv[1]))["files"]]
except Exception:
    sys.exit(1)
sys.exit(files != sys.argv[2:])' "$tmp/out.json" "$tmp/tree/001_plain.sql" "$tmp/tree/020_inside.sql" "$normal"
check "hostile directory: the plain file is linted" q rule "$tmp/tree/001_plain.sql" require-concurrent-index-creation 1
check "hostile directory: the file in a subdirectory is linted once (reached first through a link inside)" \
	q rule "$tmp/tree/020_inside.sql" require-concurrent-index-deletion 1
check "hostile directory: the next file is still linted" q rule "$normal" require-concurrent-index-creation 1

# (m) named on the command line, a FIFO or a device is read as given, but
# never past --max-input-size (64 MiB by default): /dev/zero ends as an
# input error naming it. A bounded address space keeps a regression from
# taking the machine's memory (not under AddressSanitizer, which reserves
# terabytes).
bounded() { # bounded CMD...: runs CMD with at most 4 GB of address space
	if [ -z "${ASAN_OPTIONS:-}" ]; then
		(ulimit -v 4194304 && exec "$@")
	else
		"$@"
	fi
}
for cap in default 1M; do
	opts=(--jobs 1)
	[ "$cap" = default ] || opts+=(--max-input-size "$cap")
	bounded timeout 60 "$ML" --format json "${opts[@]}" /dev/zero "$normal" >"$tmp/out.json" 2>"$tmp/err"
	code=$?
	err=$(head -c 4000 "$tmp/err")
	check "/dev/zero named, cap $cap: exit 2 (got $code)" test "$code" -eq 2
	check "/dev/zero named, cap $cap: named as larger than the cap" \
		grep -qF "cannot read '/dev/zero': larger than --max-input-size" <<<"$err"
	check "/dev/zero named, cap $cap: the next file is linted" q rule "$normal" require-concurrent-index-creation 1
done
if [ -c "$tmp/tree/016_device.sql" ]; then
	bounded timeout 60 "$ML" --format json --jobs 1 --max-input-size 64K "$tmp/tree/016_device.sql" "$normal" \
		>"$tmp/out.json" 2>"$tmp/err"
	code=$?
	check "a device named: read up to the cap, then an input error (exit $code)" \
		bash -c '[ "$0" -eq 2 ] && grep -qF "016_device.sql'"'"': larger than --max-input-size (64KiB)" "$1"' \
		"$code" "$tmp/err"
fi
# A FIFO named and written to is linted; one written past the cap is not.
timeout 60 bash -c 'head -c 2000000 /dev/zero | tr "\0" " " >"$0"' "$tmp/tree/015_fifo.sql" 2>/dev/null &
writer=$!
run --max-input-size 1M "$tmp/tree/015_fifo.sql"
wait "$writer" 2>/dev/null
writer=
check "a FIFO named and written past the cap: exit 2 (got $code)" test "$code" -eq 2
check "a FIFO named and written past the cap: named" \
	grep -qF "cannot read '$tmp/tree/015_fifo.sql': larger than --max-input-size (1MiB)" <<<"$err"
check "a FIFO named and written past the cap: the next file is linted" \
	q rule "$normal" require-concurrent-index-creation 1

# (n) a file over the cap is not read; one at the cap is linted
{ printf 'DROP INDEX idx_big;\n'; head -c $((1048576 - 20)) /dev/zero | tr '\0' ' '; } >"$tmp/at-cap.sql"
{ cat "$tmp/at-cap.sql"; printf ' '; } >"$tmp/over-cap.sql"
run --max-input-size 1M "$tmp/at-cap.sql"
check "a file of exactly --max-input-size is linted (exit $code)" q rule "$tmp/at-cap.sql" require-concurrent-index-deletion 1
run --max-input-size 1M "$tmp/over-cap.sql"
input_error "a file one byte over --max-input-size" "$tmp/over-cap.sql"
check "a file over the cap: the message gives the cap" \
	grep -qF "cannot read '$tmp/over-cap.sql': larger than --max-input-size (1MiB): not read" <<<"$err"
mkdir -p "$tmp/capdir"
cp "$tmp/over-cap.sql" "$tmp/capdir/over.sql"
cp "$normal" "$tmp/capdir/small.sql"
run --max-input-size 1M "$tmp/capdir"
check "a directory with a file over the cap: exit 2, the file named, the other linted" \
	bash -c '[ "$0" -eq 2 ] && grep -qF "capdir/over.sql" <<<"$1"' "$code" "$err"
check "a directory with a file over the cap: the other file is linted" \
	q rule "$tmp/capdir/small.sql" require-concurrent-index-creation 1
timeout 60 "$ML" --format json --max-input-size 1M --stdin-filename over-stdin.sql - "$normal" \
	<"$tmp/over-cap.sql" >"$tmp/out.json" 2>"$tmp/err"
code=$?
err=$(cat "$tmp/err")
check "standard input over the cap: exit 2 (got $code)" test "$code" -eq 2
check "standard input over the cap: named by --stdin-filename" \
	grep -qF "cannot read 'over-stdin.sql': larger than --max-input-size (1MiB)" <<<"$err"
check "standard input over the cap: the next file is linted" q rule "$normal" require-concurrent-index-creation 1
rm -f "$tmp/at-cap.sql" "$tmp/over-cap.sql" "$tmp/capdir/over.sql"

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
