#!/usr/bin/env bash
# history_cli_test.sh - the history options as users meet them: --tool,
# --down, --since, --context and their config keys, --print-config saying
# which tool it found and why, skipped files listed, a goose file on
# standard input, and bad values or unreadable context reported.
# usage: history_cli_test.sh MIGRALINT REPO_ROOT
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
	if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}
run() { # run ARGS... ; sets out, err, code
	out=$("$ML" "$@" 2>"$tmp/err")
	code=$?
	err=$(cat "$tmp/err")
}
has() { grep -q -- "$1" <<<"$2"; }
count() { grep -c -- "$1" <<<"$2" || true; }

cp -r "$ROOT/tests/projects/goose" "$tmp/goose"
cd "$tmp/goose" || exit 1
G=db/migrations

# Bad values: usage errors naming what is accepted.
run --no-config --tool nope $G
check "--tool nope exits 3 and lists the tools" bash -c '[ "$0" -eq 3 ] && grep -q "unknown tool .nope. (auto, goose, dbmate" <<<"$1"' "$code" "$err"
run --no-config --down sometimes $G
check "--down sometimes exits 3" bash -c '[ "$0" -eq 3 ] && grep -q "info, lint or skip" <<<"$1"' "$code" "$err"

# Downs: info by default, their own severities with lint, not linted with skip.
run --no-config --format gcc --fail-on info $G
all=$out
check "default: the Down section's DROP TABLE is a note" has "1_create_accounts.sql:5:1: note: dropping table" "$all"
check "default: no warning or error in a Down section" \
	test "$(grep -E '^db/migrations/(1_|2_|3_|9_|10_|11_|12_)[^:]*:(5|7|8|9|10|11):1: (warning|error)' <<<"$all" | grep -c 'DROP\|drop')" -eq 0
run --no-config --format gcc --fail-on info --down lint $G
check "--down lint: the Down section's DROP TABLE at its own severity" has "1_create_accounts.sql:5:1: warning: dropping table" "$out"
run --no-config --format json --fail-on info --down skip $G
check "--down skip: no finding in a down" test "$(count '"direction":"down"' "$out")" -eq 0
check "--down skip: every file still listed (7)" test "$(grep -o '"path":"db/migrations/[^"]*","statements"' <<<"$out" | sort -u | wc -l)" -eq 7
run --no-config --format json --fail-on info $G
check "json: a down finding says direction down and its version" grep -Eq '"direction":"down","version":"1"[,}]' <<<"$out"

# --since: earlier migrations are context, later ones get the whole run's findings.
run --no-config --format gcc --fail-on info --since 9 $G
check "--since 9: nothing reported up to version 9" test "$(grep -cE '^db/migrations/(1|2|3|9)_' <<<"$out")" -eq 0
check "--since 9: version 10 and later as in the whole run" \
	test "$out" = "$(grep -E '^db/migrations/(10|11|12)_' <<<"$all")"

# A configuration file: tool, down, since, context, with their origins.
mkdir -p only
cp $G/12_accounts_plan_index.sql only/
cat >.migralint.json <<'JSON'
{ "tool": "goose", "down": "lint", "since": "0", "context": ["db/migrations"] }
JSON
run --print-config only/12_accounts_plan_index.sql
check "--print-config: tool goose from the file" grep -Eq "^  tool +goose +.*\.migralint\.json" <<<"$out"
check "--print-config: down, since and context from the file" \
	bash -c 'grep -Eq "^  down +lint " <<<"$0" && grep -Eq "^  since +0 " <<<"$0" && grep -Eq "^  context +.*db/migrations " <<<"$0"' "$out"
run --format gcc --fail-on info only/12_accounts_plan_index.sql
check "config context: a copy of migration 12 elsewhere meets the history (CONCURRENTLY in goose's transaction)" \
	has "only/12_accounts_plan_index.sql:5:1: error: CREATE INDEX CONCURRENTLY cannot run inside a transaction block" "$out"
check "config down lint: its Down's DROP INDEX at warning" has "only/12_accounts_plan_index.sql:8:1: warning" "$out"
echo '{ "tool": "nope" }' >.migralint.json
run $G
check "config tool nope: exit 3 naming the key" bash -c '[ "$0" -eq 3 ] && grep -q "\"tool\": unknown tool \"nope\"" <<<"$1"' "$code" "$err"
echo '{ "overrides": [ { "files": ["x"], "tool": "goose" } ] }' >.migralint.json
run $G
check "tool in an override: exit 3" bash -c '[ "$0" -eq 3 ] && grep -q "not allowed in an override" <<<"$1"' "$code" "$err"
rm .migralint.json

# Detection and why.
run --no-config --print-config $G/2_accounts_email_index.sql
check "--print-config detects goose and says why" \
	bash -c 'grep -Eq "^  tool +goose +default" <<<"$0" && grep -q "+goose Up" <<<"$0"' "$out"
run --no-config --print-config "$ROOT/tests/projects/diesel-free-folder-that-does-not-exist.sql"
check "--print-config on a missing file does not crash" test "$code" -le 3

# A goose file on standard input, named into its folder: cut into Up and Down.
run --no-config --format gcc --fail-on info --stdin-filename $G/1_create_accounts.sql - <$G/1_create_accounts.sql
check "stdin in a goose folder: the Down is a note" has "1_create_accounts.sql:5:1: note: dropping table" "$out"

# Standard input named into a goose folder is linted after the folder's
# earlier migrations, as a file named alone is: a new, unsaved version 13
# sees version 10's CHECK, validated here, so SET NOT NULL does not scan.
printf -- '-- +goose Up\nSET lock_timeout = '"'5s'"';\nSET statement_timeout = '"'5s'"';\nALTER TABLE accounts VALIDATE CONSTRAINT accounts_plan_not_null;\nALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;\n\n-- +goose Down\nSELECT 1;\n' >"$tmp/13.sql"
run --no-config --format gcc --fail-on info --stdin-filename $G/13_accounts_plan_not_null.sql - <"$tmp/13.sql"
check "stdin after its history: the earlier CHECK makes SET NOT NULL cheap" \
	bash -c '[ "$0" -eq 0 ] && [ -z "$1" ]' "$code" "$out"
run --no-config --format gcc --fail-on info --stdin-filename elsewhere/13_accounts_plan_not_null.sql - <"$tmp/13.sql"
check "stdin without that history: SET NOT NULL scans" has "adding-not-nullable-field" "$out"
# The file on disk is not its own context: its first statement meets the
# history before it, not itself.
printf -- '-- +goose Up\nSET lock_timeout = '"'5s'"';\nSET statement_timeout = '"'5s'"';\nALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;\nALTER TABLE accounts ADD CONSTRAINT late CHECK (plan IS NOT NULL);\n-- +goose Down\nSELECT 1;\n' >$G/8_accounts_early.sql
run --no-config --format gcc --fail-on info --stdin-filename $G/8_accounts_early.sql - <$G/8_accounts_early.sql
check "stdin of a file on disk: not replayed before itself" has "8_accounts_early.sql:4:1: warning: SET NOT NULL" "$out"
rm $G/8_accounts_early.sql

# A file its tool does not run: listed as skipped, never parsed.
printf 'this is not sql at all\n' >$G/notes.sql
run --no-config $G
check "text: a file goose does not run is listed as skipped" has "skipped: db/migrations/notes.sql: not a goose migration" "$out"
check "text: and not parsed (no syntax error)" test "$(count 'notes.sql:1' "$out")" -eq 0
rm $G/notes.sql

# Unreadable context: an input error naming it; the linted file is still linted.
run --no-config --format gcc --context "$tmp/nowhere" $G/2_accounts_email_index.sql
check "missing --context path: exit 2, named on stderr" bash -c '[ "$0" -eq 2 ] && grep -q "cannot read .*nowhere" <<<"$1"' "$code" "$err"
check "missing --context path: the named file is still linted" has "2_accounts_email_index.sql:5" "$out"

# --tool goose on a folder of another tool: every file skipped, with the reason.
run --no-config --tool goose "$ROOT/tests/projects/diesel"
check "--tool goose on diesel folders: files listed as skipped" has "skipped: .*up.sql: not a goose migration" "$out"

# --since follows the order the tool runs: sqitch's change names, by plan.
cd "$ROOT/tests/projects/sqitch" || exit 1
run --no-config --format gcc --fail-on info --since users .
check "--since users (sqitch): nothing of the first change is reported" test "$(count '/users.sql:' "$out")" -eq 0
check "--since users (sqitch): later changes are" has "deploy/orders.sql:" "$out"
cd "$tmp/goose" || exit 1
run --no-config --since 10 $G/3_accounts_plan.sql
check "--since: a named file at or before it is listed as skipped, not dropped" \
	has "skipped: db/migrations/3_accounts_plan.sql: at or before --since 10" "$out"

# Hostile sections: a byte that is not UTF-8 in a Down is the Down's (info);
# a Down written before its Up; more sections than the linter keeps apart.
mkdir -p "$tmp/edge"
printf -- '-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 2; -- \377\n' >"$tmp/edge/1_utf8.sql"
run --no-config --format json --fail-on info "$tmp/edge/1_utf8.sql"
check "invalid UTF-8 in a Down: reported as the Down's, at info" \
	grep -Eq '"rule":"invalid-input","severity":"info",[^}]*"direction":"down"' <<<"$out"
printf -- '-- +goose Down\nDROP TABLE accounts;\n-- +goose Up\nCREATE TABLE accounts (id int);\n' >"$tmp/edge/2_down_first.sql"
run --no-config --format gcc --fail-on info "$tmp/edge/2_down_first.sql"
check "a Down before the Up is still a down (its DROP TABLE a note)" has "2_down_first.sql:2:1: note: dropping table" "$out"
awk 'BEGIN { print "-- migrate:up"; for (i = 0; i < 2100; i++) { print "-- migrate:up"; print "SELECT 1;"; print "-- migrate:down"; print "SELECT 2;" } }' \
	>"$tmp/edge/3_pairs.sql"
run --no-config --format gcc --fail-on info --tool dbmate "$tmp/edge/3_pairs.sql"
check "4,200 dbmate sections: the cut is reported, not silent" has "more than 4096 sections" "$out"

# A tool's own list that cannot be used is said, not passed over: a drizzle
# journal without entries.
cp -r "$ROOT/tests/projects/drizzle" "$tmp/drizzle"
printf '{"version": "7"}\n' >"$tmp/drizzle/drizzle/meta/_journal.json"
cd "$tmp/drizzle" || exit 1
run --no-config --tool drizzle drizzle
check "a journal without entries: a note on the directory's first file" has "^note: drizzle/.*_journal.json has no \"entries\"" "$out"
run --no-config --tool drizzle --format json drizzle
check "json: the note on one file only" test "$(grep -o '"note":' <<<"$out" | wc -l)" -eq 1
cd "$tmp/goose" || exit 1

# --base: the history as git holds it. What cannot be read is a usage
# error (exit 3) that says how to fix it, and no report is written.
cp -r "$ROOT/tests/projects/goose" "$tmp/nogit"
cd "$tmp/nogit" || exit 1
run --no-config --base HEAD $G
check "--base outside a git work tree: exit 3, says so, no report" \
	bash -c '[ "$0" -eq 3 ] && grep -q "not in a git work tree" <<<"$1" && [ -z "$2" ]' "$code" "$err" "$out"
git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm base
run --no-config --base no-such-branch $G
check "--base naming no commit: exit 3, asks to fetch it" \
	bash -c '[ "$0" -eq 3 ] && grep -q "no commit .no-such-branch.*git fetch origin no-such-branch" <<<"$1"' "$code" "$err"
run --no-config --base=--output=/tmp/x $G
check "--base starting with '-': exit 3, never given to git" \
	bash -c '[ "$0" -eq 3 ] && grep -q "starts with .-." <<<"$1"' "$code" "$err"
run --no-config --base HEAD $G
check "--base HEAD with nothing changed: exit as without it (no history finding)" \
	bash -c '[ "$0" -ne 3 ] && ! grep -Eq "applied-migration-modified|migration-out-of-order" <<<"$1"' "$code" "$out"
printf -- '-- edited\n' >>$G/1_create_accounts.sql
run --no-config --format gcc --base HEAD $G
check "--base HEAD: a comment added to a Down section is no edit of what ran" \
	bash -c '! grep -q applied-migration-modified <<<"$0"' "$out"
sed -i '1a -- edited' $G/1_create_accounts.sql
run --no-config --format gcc --base HEAD $G
check "--base HEAD: a comment added to the Up section is a warning at its line" \
	has "$G/1_create_accounts.sql:2:1: warning: .*comments, layout or letter case only.*\[applied-migration-modified\]" "$out"
git -c user.name=t -c user.email=t@t commit -qam second
git clone -q --depth 1 "file://$tmp/nogit" "$tmp/shallow" 2>/dev/null
cd "$tmp/shallow" || exit 1
run --no-config --base HEAD~1 $G
check "--base in a shallow clone without the commit: exit 3, fetch-depth: 0" \
	bash -c '[ "$0" -eq 3 ] && grep -q "shallow" <<<"$1" && grep -q "fetch-depth: 0" <<<"$1"' "$code" "$err"
printf '{"base": "HEAD"}\n' >.migralint.json
run --print-config $G/1_create_accounts.sql
check "config \"base\": --print-config shows it and where it came from" has "base  *HEAD  *.*\.migralint\.json" "$out"
run --base main --print-config $G/1_create_accounts.sql
check "--base beats the config's" has "base  *main  *command line" "$out"
cd "$tmp/goose" || exit 1

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
