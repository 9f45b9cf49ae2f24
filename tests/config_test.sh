#!/usr/bin/env bash
# config_test.sh - the .migralint.json configuration file as users meet it:
# discovery, comments, every kind of error (exit 3, naming the file and the
# key path), rules, severities, overrides by path glob, exclude globs, the
# command line beating the file, standard input, --print-config.
# usage: config_test.sh MIGRALINT
set -u
ML=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

check() { # check NAME CONDITION...
	local name=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
		echo "ok   $name"
	else
		failed=$((failed + 1))
		echo "FAIL $name"
		[ -n "${err:-}" ] && printf '     stderr: %s\n' "$err"
	fi
}

run() { # run ARGS... ; sets out, err, code
	out=$("$ML" "$@" 2>"$tmp/err")
	code=$?
	err=$(cat "$tmp/err")
}

# diags ARGS...: runs with --format json; sets out to "path rule severity"
# lines, code and err.
diags() {
	run --format json "$@"
	local json=$out
	out=$("$PY" -c '
import json, sys
for d in json.load(sys.stdin)["diagnostics"]:
    print(d["path"], d["rule"], d["severity"])' <<<"$json" 2>/dev/null)
}

has() { grep -qF -- "$1" <<<"$out"; }
lacks() { ! grep -qF -- "$1" <<<"$out"; }
says() { grep -qF -- "$1" <<<"$err"; }

# The timeouts are set so that only the rule under test fires.
TIMEOUTS="SET lock_timeout = '2s';
SET statement_timeout = '10min';"
proj=$tmp/proj
mkdir -p "$proj/migrations/down" "$proj/legacy/old" "$proj/sub/deeper"
printf '%s\nCREATE INDEX idx_a ON accounts (email);\n' "$TIMEOUTS" >"$proj/migrations/0001_index.sql"
cp "$proj/migrations/0001_index.sql" "$proj/migrations/down/0001_index.sql"
cp "$proj/migrations/0001_index.sql" "$proj/legacy/old/0000_index.sql"
printf '%s\nALTER TABLE accounts ADD COLUMN flag boolean DEFAULT false;\n' "$TIMEOUTS" >"$proj/migrations/0002_default.sql"
cd "$proj" || exit 1
IDX=require-concurrent-index-creation

# ---- no configuration: the baseline the other checks differ from ----
diags migrations/0001_index.sql
check "baseline: without a config the index rule fires as a warning" has "migrations/0001_index.sql $IDX warning"
check "baseline: and nothing else fires" test "$(wc -l <<<"$out")" -eq 1

# ---- discovery and comments ----
cat >.migralint.json <<'EOF'
// migralint settings for this project
{
  /* the index rule is off here,
     because of "reasons" // not a line comment */
  "rules": { "require-concurrent-index-creation": "off" },
  "doc_base_url": "https://example.com/rules/" // a URL with // inside a string
}
EOF
diags migrations/0001_index.sql
check "comments (// and /* */, also inside strings) are allowed" test "$code" -eq 0
check "rules off silences the rule" lacks "$IDX"
(cd sub/deeper && "$ML" --format json ../../migrations/0001_index.sql >"$tmp/out" 2>"$tmp/err")
check "discovered from a subdirectory (walking up)" bash -c '! grep -q "require-concurrent-index-creation" "$0"' "$tmp/out"
run --no-config migrations/0001_index.sql
check "--no-config ignores the file" test "$code" -eq 1

# ---- errors: exit 3, the file and the key path named, nothing linted ----
config_error() { # config_error NAME JSON EXPECTED-MESSAGE
	printf '%s\n' "$2" >.migralint.json
	run migrations/0001_index.sql
	check "$1: exit 3" test "$code" -eq 3
	check "$1: message names file and key: $3" says "$3"
	check "$1: nothing linted" test -z "$out"
}
config_error "unknown top-level key" '{"rulez": {}}' '.migralint.json: "rulez": unknown key'
config_error "unknown key in an override" '{"overrides": [{"files": ["a/**"], "severty": {}}]}' \
	'.migralint.json: "overrides[0].severty": unknown key'
config_error "wrong type" '{"assume_in_transaction": "yes"}' \
	'.migralint.json: "assume_in_transaction": expected true or false, got a string'
config_error "wrong type in an override" '{"overrides": [{"files": "down/*.sql"}]}' \
	'.migralint.json: "overrides[0].files": expected an array of path globs, got a string'
config_error "unknown rule in rules (in an override)" \
	'{"overrides": [{"files": ["a"]}, {"files": ["b"], "rules": {"ban-drop-colum": true}}]}' \
	'.migralint.json: "overrides[1].rules.ban-drop-colum": unknown rule'
check "unknown rule: a suggestion" says 'did you mean "ban-drop-column"'
config_error "unknown rule in severity" '{"severity": {"no-such-rule": "info"}}' \
	'.migralint.json: "severity.no-such-rule": unknown rule'
config_error "bad severity" '{"severity": {"ban-drop-column": "fatal"}}' \
	'.migralint.json: "severity.ban-drop-column": bad severity "fatal"'
config_error "bad pg_version" '{"pg_version": "thirteen"}' \
	'.migralint.json: "pg_version": bad PostgreSQL version "thirteen"'
config_error "pg_version too old" '{"pg_version": 8}' '.migralint.json: "pg_version": bad PostgreSQL version "8"'
config_error "bad fail_on" '{"fail_on": "warn"}' '.migralint.json: "fail_on": bad severity "warn"'
config_error "fail_on in an override" '{"overrides": [{"files": ["down/**"], "fail_on": "error"}]}' \
	'.migralint.json: "overrides[0].fail_on": not allowed in an override'
config_error "exclude in an override" '{"overrides": [{"files": ["down/**"], "exclude": ["x"]}]}' \
	'.migralint.json: "overrides[0].exclude": not allowed in an override'
config_error "override without files" '{"overrides": [{"pg_version": "12"}]}' \
	'.migralint.json: "overrides[0]": an override needs "files"'
config_error "bad glob" '{"exclude": ["legacy/[ab"]}' '.migralint.json: "exclude[0]": bad glob'
config_error "duplicate key" '{"rules": {"ban-drop-column": true, "ban-drop-column": false}}' \
	'.migralint.json: "rules.ban-drop-column": duplicate key'
config_error "top level not an object" '["rules"]' '.migralint.json: the top level must be an object'
config_error "invalid JSON with line and column" $'{\n  "fail_on": "error",\n  "pg_version": 13,,\n}' \
	'.migralint.json:3:'
check "invalid JSON: says so" says 'invalid JSON'
config_error "trailing comma named" $'{\n  "rules": {\n    "ban-drop-column": true,\n  }\n}' \
	".migralint.json:3:28: invalid JSON: trailing comma"
# doc_base_url goes into SARIF and the pull-request comment, and a pull
# request can carry the configuration: only a plain http(s) URL is taken.
url_error() { # url_error NAME URL EXPECTED-REASON
	config_error "doc_base_url $1" \
		"{\"doc_base_url\": $("$PY" -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$2")}" \
		".migralint.json: \"doc_base_url\": not a usable URL: $3"
}
url_error "javascript: scheme" 'javascript:alert(1)//' 'it does not start with http:// or https://'
url_error "data: scheme" 'data:text/html,x' 'it does not start with http:// or https://'
url_error "relative" 'docs/rules/' 'it does not start with http:// or https://'
url_error "ftp" 'ftp://example.com/rules/' 'it does not start with http:// or https://'
url_error "no host" 'https:///rules/' 'no host after the scheme'
url_error "space" 'https://example.com/my rules/' 'it contains a space'
url_error "closing parenthesis (ends a Markdown link)" 'https://example.com/x) [y](https://evil.example' \
	"it contains ')'"
url_error "opening bracket" 'https://example.com/[x' "it contains '['"
url_error "angle bracket" 'https://example.com/<script>' "it contains '<'"
url_error "double quote" 'https://example.com/" onclick="x' "it contains '\"'"
url_error "single quote" "https://example.com/'x" "it contains \"'\""
url_error "backtick" 'https://example.com/`x`' "it contains '\`'"
url_error "newline (a workflow command on the next line)" $'https://example.com/\n::error::x' \
	'it contains a control character'
url_error "terminal escape" $'https://example.com/\e]8;;https://evil.example\e\\' 'it contains a control character'
url_error "DEL" $'https://example.com/\x7f' 'it contains a control character'
url_error "non-ASCII" 'https://example.com/règles/' 'it contains a byte outside ASCII'
check "doc_base_url: the message does not echo the bad URL" bash -c '! grep -q "règles" <<<"$0"' "$err"
for url in 'https://example.com/rules/' 'http://wiki.example.com:8080/migralint/rules/' \
	'HTTPS://example.com/a%20b/?x=1&y=2#' 'https://example.com/~team/rules/'; do
	printf '{"doc_base_url": "%s"}\n' "$url" >.migralint.json
	run --print-config
	check "doc_base_url '$url' is taken" grep -qE "^  doc_base_url +$(sed 's/[.?*^$]/\\&/g' <<<"$url") +\.migralint\.json$" \
		<<<"$out"
done
config_error "unterminated comment" $'{\n  /* no end\n}' '.migralint.json:2:3: invalid JSON: unterminated /* comment'
(cd sub/deeper && "$ML" ../../migrations/0001_index.sql >/dev/null 2>"$tmp/err")
code=$?
err=$(cat "$tmp/err")
check "a discovered file's errors name its full path" says "$proj/.migralint.json:"
check "a discovered file's errors exit 3" test "$code" -eq 3
run --no-config migrations/0001_index.sql
check "--no-config ignores a broken file" test "$code" -eq 1
run --config /nonexistent/cfg.json migrations/0001_index.sql
check "--config with an unreadable file: exit 3" test "$code" -eq 3
check "--config with an unreadable file: named" says "/nonexistent/cfg.json: cannot read"
run --config x.json --no-config migrations/0001_index.sql
check "--config with --no-config is bad usage" test "$code" -eq 3

# ---- severity, fail_on, opt-in rules ----
printf '{"severity": {"%s": "error"}}\n' "$IDX" >.migralint.json
diags migrations/0001_index.sql
check "severity override changes the reported severity" has "migrations/0001_index.sql $IDX error"
run --fail-on error migrations/0001_index.sql
check "severity override to error fails --fail-on error" test "$code" -eq 1
run --no-config --fail-on error migrations/0001_index.sql
check "(without it --fail-on error passes)" test "$code" -eq 0
printf '{"severity": {"%s": "info"}}\n' "$IDX" >.migralint.json
run migrations/0001_index.sql
check "severity lowered to info passes the default --fail-on warning" test "$code" -eq 0
printf '{"fail_on": "error"}\n' >.migralint.json
run migrations/0001_index.sql
check "fail_on in the file sets the exit status" test "$code" -eq 0
run --fail-on warning migrations/0001_index.sql
check "--fail-on beats fail_on in the file" test "$code" -eq 1
printf '{"rules": {"require-table-schema": true}}\n' >.migralint.json
diags migrations/0001_index.sql
check "rules: true turns an opt-in rule on" has "require-table-schema"
run --exclude require-table-schema migrations/0001_index.sql
check "--exclude beats rules: true" bash -c '! grep -q "require-table-schema" <<<"$0"' "$out"
printf '{"rules": {"%s": false}}\n' "$IDX" >.migralint.json
diags --include "$IDX" migrations/0001_index.sql
check "--include beats rules: false" has "$IDX"

# require_reasons: an ignore comment without a reason becomes a finding
# (ignore-without-reason), except where an override turns it off.
mkdir -p migrations/old
printf '%s\n-- migralint-ignore %s\nCREATE INDEX idx_r ON accounts (email);\n' "$TIMEOUTS" "$IDX" >migrations/0002_waived.sql
cp migrations/0002_waived.sql migrations/old/0002_waived.sql
printf '{"require_reasons": true, "overrides": [{"files": ["migrations/old/**"], "require_reasons": false}]}\n' \
	>.migralint.json
diags migrations/0002_waived.sql migrations/old/0002_waived.sql
check "require_reasons: a comment without a reason is a finding" has "migrations/0002_waived.sql ignore-without-reason warning"
check "require_reasons: false in an override turns it off" lacks "migrations/old/0002_waived.sql ignore-without-reason"
check "require_reasons: the exit status counts it" test "$code" -eq 1
run --print-config migrations/0002_waived.sql migrations/old/0002_waived.sql
check "--print-config shows require_reasons and where it comes from" \
	grep -qE "^  require_reasons +true +\.migralint\.json$" <<<"$out"
check "--print-config shows require_reasons turned off by the override" \
	grep -qE "^  require_reasons +false +\.migralint\.json overrides\[0\]$" <<<"$out"
run --exclude ignore-without-reason migrations/0002_waived.sql
check "--exclude ignore-without-reason beats require_reasons" test "$code" -eq 0
printf '{"require_reasons": "yes"}\n' >.migralint.json
run migrations/0002_waived.sql
check "require_reasons must be a boolean (exit 3)" test "$code" -eq 3
check "require_reasons: the error names the key" says '"require_reasons": expected true or false'
printf '{"rules": {"ignore-without-reason": true}, "require_reasons": false}\n' >.migralint.json
run migrations/0002_waived.sql
check "require_reasons comes after rules in the same object" test "$code" -eq 0
rm -rf migrations/old migrations/0002_waived.sql
printf '{"rules": {"ban-concurrent-index-creation-in-transaction": "off"}, "assume_in_transaction": true}\n' \
	>.migralint.json
printf '%s\nCREATE INDEX CONCURRENTLY idx_b ON accounts (email);\n' "$TIMEOUTS" >"$tmp/conc.sql"
run "$tmp/conc.sql"
check "a rule is named by its alias" test "$code" -eq 0

# ---- overrides by path glob, exclude ----
cat >.migralint.json <<EOF
{
  "exclude": ["legacy"],
  "overrides": [
    { "files": ["**/down/*.sql"], "severity": { "$IDX": "info" } },
    { "files": ["migrations/0002_*.sql"], "pg_version": "10" }
  ]
}
EOF
diags migrations legacy
check "override applies in down/" has "migrations/down/0001_index.sql $IDX info"
check "override does not apply elsewhere" has "migrations/0001_index.sql $IDX warning"
check "override pg_version applies to its file" has "migrations/0002_default.sql adding-field-with-default"
check "exclude glob (a directory) skips the files below" lacks "legacy/"
diags ./migrations/down/0001_index.sql
check "a ./ path is normalised" has "$IDX info"
diags "$proj/migrations/down/0001_index.sql"
check "an absolute path is made relative to the config" has "$IDX info"
(cd sub/deeper && "$ML" --format json ../../migrations/down/0001_index.sql ../../legacy/old/0000_index.sql \
	>"$tmp/out" 2>/dev/null)
check "from a subdirectory, globs are relative to the config's directory" grep -q '"severity":.*"info"' "$tmp/out"
check "from a subdirectory, exclude still applies" bash -c '! grep -q "legacy" "$0"' "$tmp/out"
mkdir -p "$tmp/elsewhere/down"
cp migrations/0001_index.sql "$tmp/elsewhere/down/0001_index.sql"
diags "$tmp/elsewhere/down/0001_index.sql"
check "a path outside the config's directory matches no glob" has "$IDX warning"
printf '{"exclude": ["**/*_index.sql"]}\n' >.migralint.json
run migrations
check "exclude with ** matches at any depth" grep -q "^1 file," <<<"$(tail -n1 <<<"$out")"

# ---- glob semantics, one case at a time (through --print-config, which
# needs no file): each glob is an exclude, the path is excluded or not ----
glob_case() { # glob_case GLOB PATH excluded|linted
	printf '{"exclude": [%s]}\n' "$("$PY" -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$1")" \
		>.migralint.json
	run --print-config "$2"
	local got=linted
	grep -qF 'excluded: not linted' <<<"$out" && got=excluded
	check "glob '$1' on '$2': $3" test "$got" = "$3"
}
glob_case '*.sql' 'a.sql' excluded
glob_case '*.sql' 'db/a.sql' linted
glob_case 'db/*.sql' 'db/a.sql' excluded
glob_case 'db/*' 'db/sub/a.sql' excluded
glob_case 'd?/a.sql' 'db/a.sql' excluded
glob_case 'd?/a.sql' 'd/a.sql' linted
glob_case 'db?a.sql' 'db/a.sql' linted
glob_case 'db/[a-c].sql' 'db/b.sql' excluded
glob_case 'db/[!a-c].sql' 'db/b.sql' linted
glob_case 'db/[^a-c].sql' 'db/d.sql' excluded
glob_case 'db[/]a.sql' 'db/a.sql' linted
glob_case '**/down.sql' 'down.sql' excluded
glob_case '**/down.sql' 'a/b/down.sql' excluded
glob_case '**/down.sql' 'a/b/xdown.sql' linted
glob_case 'db/**' 'db/a/b/c.sql' excluded
glob_case 'db/**/c.sql' 'db/c.sql' excluded
glob_case 'db/**/c.sql' 'db/a/b/c.sql' excluded
glob_case 'db/**c.sql' 'db/a/c.sql' linted
glob_case 'db/**c.sql' 'db/abc.sql' excluded
glob_case 'db/*/c.sql' 'db/a/b/c.sql' linted
glob_case 'x**/a.sql' 'xy/a.sql' excluded
glob_case 'x**/a.sql' 'xy/z/a.sql' linted
glob_case 'db/\*.sql' 'db/*.sql' excluded
glob_case 'db/\*.sql' 'db/a.sql' linted
glob_case 'legacy' 'legacy/old/0001.sql' excluded
glob_case 'leg*' 'legacy/old/0001.sql' excluded
glob_case 'old' 'legacy/old/0001.sql' linted
glob_case '**/old' 'legacy/old/0001.sql' excluded
config_error "a glob longer than 1024 bytes" "{\"exclude\": [\"$(head -c 1025 /dev/zero | tr '\0' a)\"]}" \
	'.migralint.json: "exclude[0]": bad glob: longer than 1024 bytes'

# A glob of many stars against a long name costs time in proportion to the
# name, not exponentially: the backtracking matcher took over 60 s for this
# name. A pull request controls both, so a run that does not end within the
# bound below is a hang, not a slow test (speed is measured in bench/run.sh).
long=$(head -c 100 /dev/zero | tr '\0' a)
mkdir -p stars
printf '%s\nCREATE INDEX idx_a ON accounts (email);\n' "$TIMEOUTS" >"stars/$long.sql"
cat >.migralint.json <<EOF
{
  "exclude": ["*a*a*a*a*a*a*b", "**/*a*a*a*a*a*a*b/**", "stars/*a*a*a*a*a*a*b.sql"],
  "overrides": [
    { "files": ["**/*a*a*a*a*a*a*b", "stars/*a*a*a*a*a*a*b*"], "severity": { "$IDX": "error" } },
    { "files": ["**/*a*a*a*a*a*a*b", "stars/*a*a*a*a*a*a*a.sql"], "severity": { "$IDX": "info" } }
  ]
}
EOF
out=$(timeout 30 "$ML" --format json "stars/$long.sql" 2>"$tmp/err")
code=$?
err=$(cat "$tmp/err")
check "many-star globs in exclude and overrides, 100-character name: the run ends (exit $code)" \
	test "$code" -eq 0
check "many-star globs: the file is not excluded and only the matching override applies" \
	grep -qE "\"rule\":\"$IDX\",\"severity\":\"info\"" <<<"$out"
out=$(timeout 30 "$ML" --print-config "stars/$long.sql" "stars/${long}b.sql" 2>"$tmp/err")
code=$?
check "many-star globs: --print-config ends too (exit $code)" test "$code" -eq 0
check "many-star globs: a name that matches is excluded" \
	grep -qF 'excluded: not linted (exclude "stars/*a*a*a*a*a*a*b.sql"' <<<"$out"

# ---- the command line beats the file ----
printf '{"pg_version": "10", "rules": {"%s": "on"}}\n' "$IDX" >.migralint.json
diags migrations/0002_default.sql
check "pg_version from the file applies" has "adding-field-with-default"
diags --pg-version 11 migrations/0002_default.sql
check "--pg-version beats the file" lacks "adding-field-with-default"
diags --exclude "$IDX" migrations/0001_index.sql
check "--exclude beats the file" lacks "$IDX"
printf '{"assume_in_transaction": true}\n' >.migralint.json
printf '%s\nCREATE INDEX CONCURRENTLY idx_b ON accounts (email);\n' "$TIMEOUTS" >"$tmp/conc.sql"
diags "$tmp/conc.sql"
check "assume_in_transaction from the file applies" has "concurrently-in-transaction"
diags --no-assume-in-transaction "$tmp/conc.sql"
check "--no-assume-in-transaction beats the file" lacks "concurrently-in-transaction"

# ---- max_input_size ----
printf 'SELECT 1;\n-- %s\n' "$(head -c 100 /dev/zero | tr '\0' x)" >"$tmp/114.sql" # 114 bytes
printf 'DROP INDEX x;\n' >"$tmp/small.sql"
printf '{"max_input_size": 113}\n' >.migralint.json
run "$tmp/114.sql" "$tmp/small.sql"
check "max_input_size (a number of bytes) caps what is read: exit 2" test "$code" -eq 2
check "max_input_size: the file over it is named, with the cap" \
	says "cannot read '$tmp/114.sql': larger than --max-input-size (113): not read"
check "max_input_size: the other file is linted" grep -q "require-concurrent-index-deletion" <<<"$out"
printf '{"max_input_size": "1K"}\n' >.migralint.json
run "$tmp/114.sql"
check "max_input_size \"1K\" (the size syntax) is taken" test "$code" -eq 0
run --max-input-size 100 "$tmp/114.sql"
check "--max-input-size beats max_input_size" test "$code" -eq 2
run --print-config
check "--print-config: max_input_size from the file" grep -qE '^  max_input_size +1KiB +\.migralint\.json$' <<<"$out"
config_error "max_input_size 0" '{"max_input_size": 0}' '.migralint.json: "max_input_size": bad size 0'
config_error "max_input_size not whole" '{"max_input_size": 1.5}' '.migralint.json: "max_input_size": bad size 1.5'
config_error "max_input_size bad unit" '{"max_input_size": "64MB"}' '.migralint.json: "max_input_size": bad size "64MB"'
config_error "max_input_size wrong type" '{"max_input_size": true}' \
	'.migralint.json: "max_input_size": expected a size such as "64M" or a number of bytes, got a boolean'
config_error "max_input_size in an override" '{"overrides": [{"files": ["a"], "max_input_size": "1M"}]}' \
	'.migralint.json: "overrides[0].max_input_size": not allowed in an override'

# ---- --config PATH ----
rm -f .migralint.json
printf '{"rules": {"%s": false}}\n' "$IDX" >"$tmp/shared.json"
diags --config "$tmp/shared.json" migrations/0001_index.sql
check "--config PATH is read" lacks "$IDX"
printf '{"overrides": [{"files": ["proj/migrations/down/**"], "severity": {"%s": "info"}}]}\n' "$IDX" \
	>"$tmp/shared.json"
diags --config "$tmp/shared.json" migrations/down/0001_index.sql
check "--config PATH: globs are relative to its directory" has "$IDX info"

# ---- standard input ----
cat >.migralint.json <<EOF
{ "overrides": [ { "files": ["migrations/down/**"], "severity": { "$IDX": "info" } } ] }
EOF
sql=$(cat migrations/0001_index.sql)
run --format json --stdin-filename migrations/down/x.sql - <<<"$sql"
check "stdin --format json exits 0 (only an info)" test "$code" -eq 0
check "stdin gets the override for --stdin-filename" grep -q '"severity":[[:space:]]*"info"' <<<"$out"
check "stdin is reported under --stdin-filename" grep -qF '"migrations/down/x.sql"' <<<"$out"
run --format json --stdin-filename migrations/x.sql - <<<"$sql"
check "stdin under another path keeps the default" test "$code" -eq 1
run --format gcc --stdin-filename migrations/down/x.sql - <<<"$sql"
check "stdin --format gcc exits 0 with the override" test "$code" -eq 0
if [ -n "$out" ]; then
	check "stdin --format gcc line" grep -qE "^migrations/down/x.sql:3:[0-9]+: [a-z]+: .*\[$IDX\]$" <<<"$out"
fi
run --format gcc --stdin-filename migrations/x.sql - <<<"$sql"
check "stdin --format gcc exits 1 without the override" test "$code" -eq 1
printf '{"exclude": ["migrations/down"]}\n' >.migralint.json
run --format json --stdin-filename migrations/down/x.sql - <<<"$sql"
check "stdin under an excluded path is not linted" test "$code" -eq 0

# ---- --print-config ----
cat >.migralint.json <<EOF
{
  "pg_version": "13.4",
  "exclude": ["legacy/**"],
  "overrides": [ { "files": ["**/down/*.sql"], "severity": { "$IDX": "info" }, "rules": { "ban-drop-column": false } } ]
}
EOF
run --print-config --fail-on error
check "--print-config exits 0" test "$code" -eq 0
check "--print-config names the file" grep -qF "config: .migralint.json" <<<"$out"
check "--print-config: value from the file" grep -qE "^  pg_version +13\.4 +\.migralint\.json$" <<<"$out"
check "--print-config: value from the command line" grep -qE "^  fail_on +error +command line$" <<<"$out"
check "--print-config: default value" grep -qE "^  assume_in_transaction +false +default$" <<<"$out"
check "--print-config: exclude globs" grep -qE "^  exclude +legacy/\*\* +\.migralint\.json$" <<<"$out"
check "--print-config: every rule" test "$(grep -cE '^    [a-z-]+ +(on|off) +(error|warning|info) ' <<<"$out")" \
	-eq "$("$ML" --list-rules | wc -l)"
check "--print-config without a path: no override" grep -qE "^    $IDX +on +warning +default$" <<<"$out"
run --print-config migrations/down/0001_index.sql migrations/0001_index.sql legacy/x.sql
check "--print-config PATH: the override's severity and origin" \
	grep -qE "^    $IDX +on +info +on/off: default; severity: \.migralint\.json overrides\[0\]$" <<<"$out"
check "--print-config PATH: the override's rule off" \
	grep -qE "^    ban-drop-column +off +[a-z]+ +on/off: \.migralint\.json overrides\[0\]; severity: default$" <<<"$out"
check "--print-config PATH: each path is shown" test "$(grep -c '^migrations/' <<<"$out")" -eq 2
check "--print-config PATH: an excluded path says so" grep -qF 'excluded: not linted (exclude "legacy/**"' <<<"$out"
run --print-config --no-config
check "--print-config --no-config" grep -qF "config: (none)" <<<"$out"

# ---- references: the application's code (paths from the file's folder) ----
config_error "references: an object" '{"references": ["app"]}' \
	'.migralint.json: "references": expected an object, got an array'
config_error "references: unknown key" '{"references": {"path": ["app"]}}' \
	'.migralint.json: "references.path": unknown key (did you mean "paths"?'
config_error "references: paths are strings" '{"references": {"paths": ["app", 3]}}' \
	'.migralint.json: "references.paths[1]": expected a path (a non-empty string), got a number'
config_error "references: bad exclude glob" '{"references": {"exclude": ["app/[x"]}}' \
	'.migralint.json: "references.exclude[0]": bad glob'
config_error "references: not in an override" '{"overrides": [{"files": ["a/**"], "references": {}}]}' \
	'.migralint.json: "overrides[0].references": not allowed in an override'
printf '{"references": {"paths": ["app", "./lib/", "/srv/shared"], "exclude": ["./db/migrate/", "**/*_test.go"]}}\n' \
	>.migralint.json
run --print-config
check "--print-config: references from the file, relative to the current directory" \
	bash -c 'grep -qE "^  references +app +\.migralint\.json$" <<<"$0" &&
		 grep -qE "^ +lib +\.migralint\.json$" <<<"$0" && grep -qE "^ +/srv/shared +\.migralint\.json$" <<<"$0"' "$out"
check "--print-config: references_exclude globs, normalized" \
	bash -c 'grep -qE "^  references_exclude +db/migrate +\.migralint\.json$" <<<"$0" &&
		 grep -qE "^ +\*\*/\*_test\.go +\.migralint\.json$" <<<"$0"' "$out"
run --print-config --references web --references=api
check "--print-config: --references comes first, then the file's" \
	bash -c 'grep -A4 "^  references " <<<"$0" | sed -E "s/^  references +//; s/^ +//; s/ .*//" | tr "\n" " " |
		 grep -qx "web api app lib /srv/shared "' "$out"
check "--print-config: references from both" grep -qE "^  references +web +command line and config$" <<<"$out"
(cd sub && "$ML" --print-config >"$tmp/out" 2>"$tmp/err")
check "--print-config from a subdirectory: the file's references from its folder" \
	grep -qE "^  references +$proj/app +$proj/\.migralint\.json$" "$tmp/out"
run --print-config --no-config --references web
check "--print-config: references from the command line" grep -qE "^  references +web +command line$" <<<"$out"
check "--print-config: no references_exclude" grep -qE "^  references_exclude +\(none\) +default$" <<<"$out"
rm .migralint.json
run --print-config
check "--print-config: no references" grep -qE "^  references +\(none\) +default$" <<<"$out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
