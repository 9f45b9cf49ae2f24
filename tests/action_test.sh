#!/usr/bin/env bash
# action_test.sh MIGRALINT REPO_ROOT
#
# Runs the shell steps of the GitHub Action (scripts/action-run.sh lint) the
# way action.yml does, against temporary git repositories with a base commit
# and a head commit, and checks that
#   - exactly the migration files the head changed (and that match the path
#     globs) are linted;
#   - a SARIF report is written (valid JSON, SARIF 2.1.0, results only for
#     those files), and so are the annotations and the Markdown report;
#   - migralint's exit status is the script's and the exit-code output;
# and that action.yml passes the script every variable it reads.
set -u

if [[ $# -ne 2 ]]; then
	echo "usage: $0 MIGRALINT REPO_ROOT" >&2
	exit 2
fi
migralint=$(cd -- "$(dirname -- "$1")" && pwd -P)/$(basename -- "$1")
repo_root=$(cd -- "$2" && pwd -P)
run=$repo_root/scripts/action-run.sh

if ! command -v git >/dev/null 2>&1; then
	echo "skipped: git is not installed"
	exit 77
fi
python=
if command -v python3 >/dev/null 2>&1; then
	python=python3
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/migralint-action.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
	GIT_COMMON_DIR GIT_PREFIX
# Only what each case sets: nothing of the caller's GitHub or migralint setup.
while IFS= read -r var; do
	unset "$var"
done < <(env | sed -n 's/^\(MIGRALINT_[A-Z_]*\|GITHUB_[A-Z_]*\|RUNNER_[A-Z_]*\)=.*/\1/p')
export HOME=$tmp/home GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$tmp/home/.gitconfig
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global user.name "migralint test"
git config --global user.email "test@example.invalid"
git config --global commit.gpgsign false

passed=0
failed=0
ok() {
	echo "ok - $*"
	passed=$((passed + 1))
}
fail() {
	echo "FAIL - $*"
	failed=$((failed + 1))
}
# result DESCRIPTION: ok or FAIL by the status of the command just before.
result() {
	local status=$?
	if [[ $status -eq 0 ]]; then ok "$1"; else fail "$1"; fi
}
show() {
	sed 's/^/    /' "$@"
}

# The value of one step output (single-line or heredoc form) in $1.
output_value() {
	local file=$1 name=$2
	awk -v name="$name" '
		index($0, name "=") == 1 { print substr($0, length(name) + 2); exit }
		index($0, name "<<") == 1 { delim = substr($0, length(name) + 3); inside = 1; next }
		inside && $0 == delim { exit }
		inside { print }
	' "$file"
}

# Runs the lint step in $repo with the action's variables plus "$@" (NAME=VALUE).
# Sets status, and leaves out/err/GITHUB_OUTPUT files in $case_dir.
case_dir=
status=0
lint() {
	local repo=$1 name=$2
	shift 2
	case_dir=$tmp/$name
	mkdir -p "$case_dir"
	: >"$case_dir/github_output"
	: >"$case_dir/summary.md"
	status=0
	(
		cd "$repo" &&
			env GITHUB_OUTPUT="$case_dir/github_output" GITHUB_STEP_SUMMARY="$case_dir/summary.md" \
				MIGRALINT_BIN="$migralint" MIGRALINT_HEAD=HEAD MIGRALINT_PATHS='migrations/**/*.sql' \
				MIGRALINT_ANNOTATE=true MIGRALINT_SARIF="$case_dir/migralint.sarif" \
				MIGRALINT_MARKDOWN="$case_dir/migralint.md" "$@" \
				bash "$run" lint
	) >"$case_dir/out" 2>"$case_dir/err" || status=$?
}

# Checks the SARIF file: valid JSON, version 2.1.0, and the set of result
# files is exactly "$@" (none when no argument).
sarif_files_are() {
	local file=$1
	shift
	[[ -s $file ]] || { echo "    $file is empty or missing"; return 1; }
	[[ -n $python ]] || { echo "    (python3 not installed: JSON not checked)"; return 0; }
	"$python" - "$file" "$@" <<'EOF'
import json, sys, urllib.parse
path, want = sys.argv[1], set(sys.argv[2:])
try:
    log = json.load(open(path, encoding="utf-8"))
except ValueError as e:
    print(f"    {path}: not JSON: {e}")
    sys.exit(1)
if log.get("version") != "2.1.0":
    print(f"    version is {log.get('version')!r}, not 2.1.0")
    sys.exit(1)
got = set()
for run in log.get("runs", []):
    if run.get("tool", {}).get("driver", {}).get("name") != "migralint":
        print("    tool.driver.name is not migralint")
        sys.exit(1)
    for result in run.get("results", []):
        for loc in result.get("locations", []):
            got.add(urllib.parse.unquote(loc["physicalLocation"]["artifactLocation"]["uri"]))
if got != want:
    print(f"    results are for {sorted(got)}, expected {sorted(want)}")
    sys.exit(1)
EOF
}

sarif_has_rule() {
	[[ -n $python ]] || return 0
	"$python" - "$1" "$2" <<'EOF'
import json, sys
log = json.load(open(sys.argv[1], encoding="utf-8"))
sys.exit(0 if any(r.get("ruleId") == sys.argv[2] for run in log["runs"] for r in run.get("results", [])) else 1)
EOF
}

# Checks the lint step's stdout ($1): every ::stop-commands::TOKEN (32 hex
# digits, a new one each time) is closed by ::TOKEN::, and outside those
# blocks every line that the runner would read as a workflow command
# (first non-blank characters "::", or "##[" anywhere) is one of the github
# format's annotations, whose text migralint escapes.
blocks_ok() {
	awk '
		BEGIN { bad = 0 }
		token != "" { if ($0 == "::" token "::") token = ""; next }
		/^::stop-commands::[0-9a-f]+$/ && length($0) == 17 + 32 {
			token = substr($0, 18)
			if (token in used) { print "    token used twice: " token; bad = 1 }
			used[token] = 1
			next
		}
		/^[[:space:]]*::/ && !/^::(error|warning|notice) file=[^,:]*,line=[0-9]+,col=[0-9]+,endLine=[0-9]+,endColumn=[0-9]+,title=[a-z0-9-]+::/ {
			print "    a workflow command outside the blocks: " $0; bad = 1
		}
		/##\[/ { print "    ##[ outside the blocks: " $0; bad = 1 }
		END { if (token != "") { print "    ::stop-commands:: never closed"; bad = 1 } exit bad }
	' "$1"
}

commit_all() {
	git add -A && git commit -q -m "$1" && git rev-parse HEAD
}

# --- the repository: a base commit, then branches with one change each ----

repo=$tmp/repo
mkdir -p "$repo/migrations" "$repo/sql"
cd "$repo" || exit 1
git init -q
cat >migrations/0001_create_users.sql <<'EOF'
CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL
);
EOF
cat >migrations/0002_create_accounts.sql <<'EOF'
CREATE TABLE accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL
);
EOF
# Dangerous, but unchanged by every head below: never linted.
printf 'CREATE INDEX users_name_idx ON users (name);\n' >migrations/0000_legacy.sql
printf 'SELECT 1;\n' >sql/report.sql
printf '# app\n' >README.md
base=$(commit_all "base")

# Head 1: adds a dangerous migration; also changes SQL outside the globs and
# deletes a migration (neither is linted).
git checkout -q -b dangerous
printf 'CREATE INDEX users_email_idx ON users (email);\n' >migrations/0003_index_users_email.sql
printf 'CREATE INDEX report_idx ON users (id);\n' >sql/report.sql
git rm -q migrations/0002_create_accounts.sql
commit_all "index users.email" >/dev/null

lint "$repo" dangerous MIGRALINT_BASE="$base"
[[ $status -eq 1 ]]
result "dangerous change: exit status 1 (findings)"
[[ $status -eq 1 ]] || show "$case_dir/err" "$case_dir/out"
out=$case_dir/github_output
[[ "$(output_value "$out" exit-code)" == 1 ]]
result "dangerous change: exit-code output is 1"
[[ "$(output_value "$out" files)" == migrations/0003_index_users_email.sql ]]
result "dangerous change: exactly the changed migration is linted (files output)"
[[ "$(output_value "$out" file-count)" == 1 ]]
result "dangerous change: file-count output is 1"
grep -q '^migralint-action: linting 1 file(s): migrations/0003_index_users_email.sql$' "$case_dir/out"
result "dangerous change: the log names the file linted"
# The text report, the list of files and migralint's messages quote the
# change: the runner must obey no workflow command among them.
if blocks_ok "$case_dir/out" && [[ $(grep -c '^::stop-commands::' "$case_dir/out") -ge 1 ]] &&
	awk '/^::stop-commands::/ { inside = 1 } inside && /warning\[require-concurrent-index-creation\]/ { found = 1 }
		/^::[0-9a-f]+::$/ { inside = 0 } END { exit !found }' "$case_dir/out"; then
	ok "dangerous change: the text report is between ::stop-commands::TOKEN and ::TOKEN::"
else
	fail "dangerous change: the text report is not between ::stop-commands::TOKEN and ::TOKEN::"
	show "$case_dir/out"
fi
if grep -q 'migrations/0003_index_users_email.sql:1:' "$case_dir/out" &&
	! grep -Eq '0000_legacy|0001_create_users|sql/report' "$case_dir/out"; then
	ok "dangerous change: the report covers the changed migration and nothing else"
else
	fail "dangerous change: the report covers the changed migration and nothing else"
	show "$case_dir/out"
fi
if grep -Eq '^::(warning|error) file=migrations/0003_index_users_email\.sql,line=1,.*title=require-concurrent-index-creation::' "$case_dir/out"; then
	ok "dangerous change: a GitHub annotation for the finding"
else
	fail "dangerous change: no GitHub annotation (::warning file=...,title=require-concurrent-index-creation::...)"
	show "$case_dir/out"
fi
[[ "$(output_value "$out" sarif-file)" == "$case_dir/migralint.sarif" ]]
result "dangerous change: sarif-file output names the SARIF report"
sarif_files_are "$case_dir/migralint.sarif" migrations/0003_index_users_email.sql
result "dangerous change: SARIF 2.1.0 with results for the changed file only"
sarif_has_rule "$case_dir/migralint.sarif" require-concurrent-index-creation
result "dangerous change: SARIF has the require-concurrent-index-creation result"
[[ -s $case_dir/migralint.md ]] && grep -q require-concurrent-index-creation "$case_dir/migralint.md" &&
	cmp -s "$case_dir/migralint.md" "$case_dir/summary.md"
result "dangerous change: Markdown report written and added to the job summary"

# The same change with --fail-on error: the warnings no longer fail the run.
lint "$repo" fail-on-error MIGRALINT_BASE="$base" MIGRALINT_FAIL_ON=error
[[ $status -eq 0 && "$(output_value "$case_dir/github_output" exit-code)" == 0 ]]
result "fail-on error: warnings only, exit status 0 and exit-code 0"
[[ $status -eq 0 ]] || show "$case_dir/err"

# --- the configuration is the base commit's, not the pull request's ------

dangerous_sql='CREATE INDEX users_email_idx ON users (email);'
# A base with a configuration file in ci/ (named relative to the step's
# directory) and one at the top, both raising the rule to an error.
git checkout -q -b strict-base "$base"
mkdir -p ci
printf '{ "severity": { "require-concurrent-index-creation": "error" } }\n' >ci/strict.json
printf '{ "severity": { "require-concurrent-index-creation": "error" } }\n' >.migralint.json
strict_base=$(commit_all "strict configuration")

git checkout -q -b strict-head "$strict_base"
printf '%s\n' "$dangerous_sql" >migrations/0003_index_users_email.sql
commit_all "index" >/dev/null
lint "$repo/ci" config MIGRALINT_BASE="$strict_base" MIGRALINT_FAIL_ON=error MIGRALINT_CONFIG=strict.json
[[ $status -eq 1 ]] && grep -q 'error\[require-concurrent-index-creation\]' "$case_dir/out"
result "config input (relative to the working directory) is applied, from the base commit"
[[ $status -eq 1 ]] || show "$case_dir/err" "$case_dir/out"

# The pull request turns the rule off in both files: the base's still apply.
git checkout -q -b weaken strict-head
printf '{ "rules": { "require-concurrent-index-creation": false } }\n' >ci/strict.json
printf '{ "rules": { "require-concurrent-index-creation": false } }\n' >.migralint.json
commit_all "turn the check off" >/dev/null
lint "$repo/ci" weaken-input MIGRALINT_BASE="$strict_base" MIGRALINT_FAIL_ON=error MIGRALINT_CONFIG=strict.json
[[ $status -eq 1 ]] && grep -q 'error\[require-concurrent-index-creation\]' "$case_dir/out"
result "a pull request that weakens the config input's file is linted with the base's copy"
[[ $status -eq 1 ]] || show "$case_dir/err" "$case_dir/out"
lint "$repo" weaken-top MIGRALINT_BASE="$strict_base" MIGRALINT_FAIL_ON=error
[[ $status -eq 1 ]] && grep -q 'error\[require-concurrent-index-creation\]' "$case_dir/out" &&
	grep -q 'configuration: .migralint.json as in the base commit' "$case_dir/err"
result "a pull request that weakens .migralint.json is linted with the base's copy, and the log says so"
[[ $status -eq 1 ]] || show "$case_dir/err" "$case_dir/out"
# The workflow's own choice (args) still wins: here the change's copy.
lint "$repo" weaken-args MIGRALINT_BASE="$strict_base" MIGRALINT_FAIL_ON=error MIGRALINT_ARGS="--config .migralint.json"
[[ $status -eq 0 ]] && ! grep -q 'require-concurrent-index-creation' "$case_dir/out" &&
	grep -q 'configuration: as the args input says' "$case_dir/err"
result "--config in the args input is used as given"
[[ $status -eq 0 ]] || show "$case_dir/err" "$case_dir/out"

# A base without configuration, a pull request that adds one to turn the
# check off: the defaults apply.
git checkout -q -b add-config "$base"
printf '%s\n' "$dangerous_sql" >migrations/0003_index_users_email.sql
printf '{ "rules": { "require-concurrent-index-creation": false }, "exclude": ["migrations/**"] }\n' \
	>.migralint.json
commit_all "add a configuration" >/dev/null
lint "$repo" add-config MIGRALINT_BASE="$base"
[[ $status -eq 1 ]] && grep -q 'warning\[require-concurrent-index-creation\]' "$case_dir/out" &&
	grep -q 'configuration: the defaults' "$case_dir/err"
result "a pull request that adds .migralint.json to a base without one is linted with the defaults"
[[ $status -eq 1 ]] || show "$case_dir/err" "$case_dir/out"

# The base's exclude and overrides globs apply as they would in place:
# migralint matches them relative to the configuration file's directory, so
# the base's copy must not be read from elsewhere.
git checkout -q -b globs-base "$base"
mkdir -p db/m
printf '{ "exclude": ["m/legacy"],
  "overrides": [ { "files": ["m/quiet/*.sql"], "rules": { "require-concurrent-index-creation": false } } ] }\n' \
	>db/migralint.json
printf '{ "exclude": ["migrations/legacy"] }\n' >.migralint.json
printf 'SELECT 1;\n' >db/m/001.sql
globs_base=$(commit_all "configurations with globs")
git checkout -q -b globs-head "$globs_base"
mkdir -p db/m/legacy db/m/quiet migrations/legacy
printf '%s\n' "$dangerous_sql" >db/m/legacy/002.sql
printf '%s\n' "$dangerous_sql" >db/m/quiet/003.sql
printf '%s\n' "$dangerous_sql" >migrations/legacy/0003_old.sql
commit_all "changes the base's globs leave out" >/dev/null
lint "$repo" globs-config MIGRALINT_BASE="$globs_base" MIGRALINT_CONFIG=db/migralint.json MIGRALINT_PATHS='db/**/*.sql'
# Excluded: 002 is not linted; the override turns one rule off for 003.
if grep -q 'db/m/quiet/003.sql:1:1: warning\[require-lock-timeout\]' "$case_dir/out" &&
	! grep -Eq 'require-concurrent-index-creation|db/m/legacy/002.sql:' "$case_dir/out"; then
	ok "the config input's exclude and overrides globs apply to the change as they would in place"
else
	fail "the config input's exclude and overrides globs apply to the change as they would in place"
	show "$case_dir/err" "$case_dir/out"
fi
lint "$repo" globs-top MIGRALINT_BASE="$globs_base"
[[ $status -eq 0 ]] && ! grep -q 'require-concurrent-index-creation' "$case_dir/out" &&
	grep -q 'configuration: .migralint.json as in the base commit' "$case_dir/err"
result "the top .migralint.json's exclude globs apply to the change as they would in place"
[[ $status -eq 0 ]] || show "$case_dir/err" "$case_dir/out"
[[ -z $(git status --porcelain --ignored) ]]
result "the base's copy of the configuration is removed from the working tree afterwards"
git status --porcelain --ignored | show

# A pull request must not choose which of the base's files is read: not by
# turning the configuration into a link to a lenient file of the base, nor
# by turning its directory into a link to a lenient directory.
git checkout -q -b links-base "$base"
mkdir -p db loose
printf '{ "severity": { "require-concurrent-index-creation": "error" } }\n' >db/migralint.json
printf '{ "rules": { "require-concurrent-index-creation": false } }\n' >db/lenient.json
printf '{ "rules": { "require-concurrent-index-creation": false } }\n' >loose/migralint.json
links_base=$(commit_all "strict and lenient configurations")
git checkout -q -b link-file "$links_base"
ln -sf lenient.json db/migralint.json
printf '%s\n' "$dangerous_sql" >migrations/0003_index_users_email.sql
commit_all "config as a link" >/dev/null
lint "$repo" link-file MIGRALINT_BASE="$links_base" MIGRALINT_FAIL_ON=error MIGRALINT_CONFIG=db/migralint.json
[[ $status -eq 1 ]] && grep -q 'error\[require-concurrent-index-creation\]' "$case_dir/out" &&
	grep -q 'configuration: db/migralint.json as in the base commit' "$case_dir/err"
result "a pull request that links the config input's file to another file: the base's file of that name is read"
[[ $status -eq 1 ]] || show "$case_dir/err" "$case_dir/out"
# A config path that reaches the repository through a link outside it: which
# of the base's files it names depends on the change's links, so refused.
ln -s "$repo" "$tmp/repo-link"
lint "$repo" link-outside MIGRALINT_BASE="$links_base" MIGRALINT_CONFIG="$tmp/repo-link/db/migralint.json"
[[ $status -eq 3 ]] && grep -q 'reaches the repository through a symbolic link' "$case_dir/err"
result "a config path that enters the repository through a link: exit status 3 with a message"
[[ $status -eq 3 ]] || show "$case_dir/err"
git checkout -q -b link-dir "$links_base"
git rm -q -r db
ln -s loose db
printf '%s\n' "$dangerous_sql" >migrations/0003_index_users_email.sql
commit_all "config directory as a link" >/dev/null
lint "$repo" link-dir MIGRALINT_BASE="$links_base" MIGRALINT_FAIL_ON=error MIGRALINT_CONFIG=db/migralint.json
[[ $status -eq 1 ]] && grep -q 'error\[require-concurrent-index-creation\]' "$case_dir/out" &&
	grep -q 'configuration: db/migralint.json as in the base commit' "$case_dir/err"
result "a pull request that links the config input's directory elsewhere: the base's file of that name is read"
[[ $status -eq 1 ]] || show "$case_dir/err" "$case_dir/out"
[[ -z $(git status --porcelain --ignored) && -z $(ls -A "$repo/loose" | grep -v '^migralint.json$') ]]
result "a copy of the base's configuration is never written through the change's link"
git checkout -q dangerous

# --- a hostile pull request: names that smuggle workflow commands ----------

git checkout -q -b hostile "$base"
hostile_name=$'migrations/0003_::error::x\n##[warning]y\e[2J.sql'
printf 'DROP INDEX "t\n::error::pwned";\nALTER TABLE "##[error]a" DROP COLUMN "::warning::b";\n' >"$hostile_name"
printf 'SELECT 1 FROM\n::error::excerpt;\n' >migrations/0004_excerpt.sql
commit_all "hostile" >/dev/null
lint "$repo" hostile MIGRALINT_BASE="$base"
[[ $status -eq 1 ]]
result "hostile names: exit status 1"
blocks_ok "$case_dir/out" && blocks_ok "$case_dir/err"
result "hostile names: no workflow command from the change outside ::stop-commands::"
grep -q 'require-concurrent-index-deletion' "$case_dir/out" && grep -q '^::warning file=' "$case_dir/out"
result "hostile names: still reported and annotated"
! grep -q $'\e' "$case_dir/out" "$case_dir/err"
result "hostile names: no ESC in the log"
[[ "$(output_value "$case_dir/github_output" files)" == "$(printf '%q' "$hostile_name")"$'\nmigrations/0004_excerpt.sql' ]]
result "hostile names: the files output keeps one file per line"
lint "$repo" hostile-again MIGRALINT_BASE="$base"
[[ $(sed -n 's/^::stop-commands:://p' "$tmp/hostile/out" | head -1) != \
	$(sed -n 's/^::stop-commands:://p' "$case_dir/out" | head -1) ]]
result "hostile names: a new token each run"
git checkout -q dangerous

# Bad usage is propagated as it is (3), not turned into a finding.
lint "$repo" bad-usage MIGRALINT_BASE="$base" MIGRALINT_FAIL_ON=sometimes
[[ $status -eq 3 && "$(output_value "$case_dir/github_output" exit-code)" == 3 ]]
result "bad --fail-on value: exit status 3 and exit-code 3"
grep -q "sometimes" "$case_dir/out" && blocks_ok "$case_dir/out"
result "bad --fail-on value: migralint's message is shown (where no command is obeyed)"

# Several globs, and a glob that matches none of the changed files.
lint "$repo" other-glob MIGRALINT_BASE="$base" MIGRALINT_PATHS=$'sql/*.sql\ndb/**/*.sql'
[[ "$(output_value "$case_dir/github_output" files)" == sql/report.sql ]]
result "paths 'sql/*.sql db/**/*.sql': lints sql/report.sql only"

# Head 2: a safe migration.
git checkout -q -b safe "$base"
cat >migrations/0003_create_orders.sql <<'EOF'
CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    note text
);
EOF
commit_all "orders" >/dev/null
lint "$repo" safe MIGRALINT_BASE="$base"
[[ $status -eq 0 && "$(output_value "$case_dir/github_output" exit-code)" == 0 ]]
result "safe change: exit status 0 and exit-code 0"
[[ $status -eq 0 ]] || show "$case_dir/err" "$case_dir/out"
[[ "$(output_value "$case_dir/github_output" files)" == migrations/0003_create_orders.sql ]]
result "safe change: lints migrations/0003_create_orders.sql"
sarif_files_are "$case_dir/migralint.sarif"
result "safe change: SARIF with no result"

# Head 3: no migration changed.
git checkout -q -b docs "$base"
printf 'more\n' >>README.md
commit_all "docs" >/dev/null
lint "$repo" no-migration MIGRALINT_BASE="$base"
[[ $status -eq 0 && "$(output_value "$case_dir/github_output" file-count)" == 0 ]]
result "no migration changed: exit status 0, file-count 0"
sarif_files_are "$case_dir/migralint.sarif"
result "no migration changed: an empty SARIF report is still written (closes old alerts)"
# Its driver version is the version word of `migralint --version`, not the
# grammar that follows it.
want_version=$("$migralint" --version | awk 'NR == 1 { print $2 }')
if [[ -n $python ]]; then
	"$python" -c 'import json, sys; v = json.load(open(sys.argv[1]))["runs"][0]["tool"]["driver"]["version"]
sys.exit(0 if v == sys.argv[2] else print("    driver version %r, want %r" % (v, sys.argv[2])) or 1)' \
		"$case_dir/migralint.sarif" "$want_version"
	result "no migration changed: the empty SARIF report's driver version is $want_version"
fi
# That report is written by the script itself: check it against the schema
# when the shared schema and python3-jsonschema are there.
schema=$repo_root/../shared/schemas/sarif-schema-2.1.0.json
if [[ -f $schema && -n $python ]] && "$python" -c 'import jsonschema' 2>/dev/null; then
	"$python" -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
		"$case_dir/migralint.sarif" "$schema" 2>"$case_dir/schema.err"
	result "no migration changed: the empty SARIF report is valid against sarif-schema-2.1.0.json"
	[[ -s $case_dir/schema.err ]] && show "$case_dir/schema.err"
fi

# Head 4: a name with spaces in a nested directory, and a base that is a
# branch name, as GITHUB_BASE_REF gives it.
git checkout -q -b nested "$base"
mkdir -p "migrations/2024/q1"
printf 'CREATE INDEX users_email_idx ON users (email);\n' >"migrations/2024/q1/0004 add index.sql"
commit_all "nested" >/dev/null
git branch -q -f base-branch "$base"
lint "$repo" nested MIGRALINT_BASE=base-branch
[[ $status -eq 1 && "$(output_value "$case_dir/github_output" files)" == "migrations/2024/q1/0004 add index.sql" ]]
result "nested file with spaces, base given as a branch: exit 1, that file linted"
[[ $status -eq 1 ]] || show "$case_dir/err" "$case_dir/out"
sarif_files_are "$case_dir/migralint.sarif" "migrations/2024/q1/0004 add index.sql"
result "nested file: SARIF result has the repository-relative path"

# A push that created the branch: the base is all zeros, the head's own changes count.
lint "$repo" new-branch MIGRALINT_BASE=0000000000000000000000000000000000000000
[[ $status -eq 1 && "$(output_value "$case_dir/github_output" files)" == "migrations/2024/q1/0004 add index.sql" ]]
result "base of zeros (new branch): lints what HEAD changed"

# Run from a subdirectory (working-directory): same files, reports written there.
mkdir -p "$repo/ci"
(cd "$repo/ci" && env GITHUB_OUTPUT="$tmp/sub_output" MIGRALINT_BIN="$migralint" MIGRALINT_BASE="$base" \
	MIGRALINT_PATHS='migrations/**/*.sql' MIGRALINT_ANNOTATE=false bash "$run" lint >/dev/null 2>&1)
[[ -s $repo/ci/migralint.sarif ]] && sarif_files_are "$repo/ci/migralint.sarif" "migrations/2024/q1/0004 add index.sql"
result "from a subdirectory: the SARIF report lands there, with repository-relative results"
rm -rf "$repo/ci"

# A base that does not exist: the script's own error, exit 3.
lint "$repo" missing-base MIGRALINT_BASE=0123456789abcdef0123456789abcdef01234567
[[ $status -eq 3 && "$(output_value "$case_dir/github_output" exit-code)" == 3 ]] && grep -q "not found" "$case_dir/err"
result "unknown base commit: exit status 3 with a message"

# A repository whose only commit is HEAD, and no base: every matching file.
root=$tmp/root-repo
mkdir -p "$root/migrations/old"
(
	cd "$root" && git init -q &&
		printf 'CREATE INDEX users_email_idx ON users (email);\n' >migrations/old/0001_index.sql &&
		printf 'SELECT 1;\n' >notes.txt &&
		git add -A && git commit -q -m "first"
) || fail "setup: the single-commit repository"
lint "$root" root-commit MIGRALINT_BASE=
[[ $status -eq 1 && "$(output_value "$case_dir/github_output" files)" == migrations/old/0001_index.sql ]]
result "no base and a root commit: lints every matching file of HEAD"
[[ $status -eq 1 ]] || show "$case_dir/err"

# A container job: root on a workspace owned by the runner's user. git calls
# that dubious ownership; the script marks the workspace safe (in the global
# config, here a temporary one). Needs root to hand the files to another user.
if [[ $(id -u) -eq 0 ]]; then
	chown -R 4321:4321 "$root"
	lint "$root" container GITHUB_ACTIONS=true GITHUB_WORKSPACE="$root" MIGRALINT_BASE=
	[[ $status -eq 1 ]] && git config --global --get-all safe.directory | grep -qx "$root"
	result "container job (workspace owned by another user): marked safe, then linted"
	[[ $status -eq 1 ]] || show "$case_dir/err"
fi

# --- action.yml passes the script what it reads ---------------------------

action=$repo_root/action.yml
if [[ -n $python ]] && "$python" -c 'import yaml' 2>/dev/null; then
	if "$python" - "$action" "$run" >"$tmp/action.log" 2>&1 <<'EOF'; then
import re, sys, yaml
action = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
script = open(sys.argv[2], encoding="utf-8").read()
errors = []
assert action["runs"]["using"] == "composite"
steps = action["runs"]["steps"]
inputs = set(action["inputs"])
used_inputs = set()
env_given = set()
for step in steps:
    text = yaml.safe_dump(step)
    used_inputs |= set(re.findall(r"inputs\.([a-z-]+)", text))
    env_given |= {k for k in step.get("env", {}) if k.startswith("MIGRALINT_")}
    if "run" in step and "action-run.sh" not in step["run"] and "EXIT_CODE" not in step["run"]:
        errors.append(f"step {step.get('name')!r} runs shell code outside scripts/action-run.sh")
    if "run" in step and "${{" in step["run"]:
        errors.append(f"step {step.get('name')!r} expands an expression inside its script (use env)")
read = set(re.findall(r"\$\{(MIGRALINT_[A-Z_]+)", script))
for name in sorted(read - env_given - {"MIGRALINT_SOURCE", "MIGRALINT_BUILD_DIR"}):
    errors.append(f"the script reads {name}, which action.yml does not set")
for name in sorted(env_given - read):
    errors.append(f"action.yml sets {name}, which the script does not read")
for name in sorted(inputs - used_inputs):
    errors.append(f"input {name!r} is not used")
for name in sorted(used_inputs - inputs):
    errors.append(f"input {name!r} is used but not declared")
for name, out in action["outputs"].items():
    m = re.fullmatch(r"\$\{\{ steps\.lint\.outputs\.([a-z-]+) \}\}", out["value"])
    if not m or f"output {m.group(1)} " not in script.replace('output_lines files', 'output files '):
        errors.append(f"output {name!r} is not written by the lint step")
upload = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
if not upload or upload[0]["with"].get("category") != "migralint":
    errors.append("no upload-sarif step with category migralint")
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
EOF
		ok "action.yml: inputs, env and outputs match scripts/action-run.sh; SARIF uploaded with category migralint"
	else
		fail "action.yml does not match scripts/action-run.sh:"
		show "$tmp/action.log"
	fi
else
	echo "# python3-yaml not installed: action.yml not checked"
fi

# --- history: a changed migration meets the migrations before it ----------
# A goose history (detected): the pull request adds only 4_, whose SET NOT
# NULL is safe because 2_ and 3_ added and validated a CHECK. Linted alone,
# without the history, it would be flagged.
grepo=$tmp/goose-repo
mkdir -p "$grepo/db/migrations"
cd "$grepo" || exit 1
git init -q
timeouts="SET lock_timeout = '5s'; SET statement_timeout = '5s';"
printf -- '-- +goose Up\nCREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n' >db/migrations/1_accounts.sql
printf -- '-- +goose Up\n%s\nALTER TABLE accounts ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\n' \
	"$timeouts" >db/migrations/2_email_check.sql
printf -- '-- +goose Up\n%s\nALTER TABLE accounts VALIDATE CONSTRAINT email_nn;\n' "$timeouts" >db/migrations/3_validate.sql
gbase=$(commit_all "history")
git checkout -q -b not-null
printf -- '-- +goose Up\n-- migralint: irreversible: the column stays NOT NULL, no code writes NULL\n%s\nALTER TABLE accounts ALTER COLUMN email SET NOT NULL;\n' \
	"$timeouts" >db/migrations/4_not_null.sql
commit_all "email not null" >/dev/null
lint "$grepo" goose-history MIGRALINT_BASE="$gbase" MIGRALINT_PATHS="db/migrations/*.sql"
[[ $status -eq 0 && "$(output_value "$case_dir/github_output" files)" == db/migrations/4_not_null.sql ]]
result "history: only 4_ is linted, with 1_ to 3_ as context, and its SET NOT NULL is safe (exit 0)"
[[ $status -eq 0 ]] || show "$case_dir/out" "$case_dir/err"
lint "$grepo" goose-no-history MIGRALINT_BASE="$gbase" MIGRALINT_PATHS="db/migrations/*.sql" MIGRALINT_TOOL=plain
[[ $status -eq 1 ]] && grep -q adding-not-nullable-field "$case_dir/out"
result "history: as plain (no history behind it) the same SET NOT NULL is flagged"
lint "$grepo" plain-context MIGRALINT_BASE="$gbase" MIGRALINT_PATHS="db/migrations/*.sql" MIGRALINT_TOOL=plain MIGRALINT_CONTEXT=db/migrations
[[ $status -eq 0 ]]
result "history: plain with the context input replays the history (exit 0)"
[[ $status -eq 0 ]] || show "$case_dir/out" "$case_dir/err"

# --- history integrity: the base commit's migrations are applied ---------
# The action passes --base: a pull request that edits 3_ (already on the
# base branch) is applied-migration-modified, an error.
git checkout -q -b edit-applied "$gbase"
printf -- '-- +goose Up\n%s\nALTER TABLE accounts VALIDATE CONSTRAINT email_nn;\nANALYZE accounts;\n' "$timeouts" \
	>db/migrations/3_validate.sql
commit_all "edit an applied migration" >/dev/null
lint "$grepo" edit-applied MIGRALINT_BASE="$gbase" MIGRALINT_PATHS="db/migrations/*.sql"
[[ $status -eq 1 ]] && grep -q 'db/migrations/3_validate.sql:4:1: error\[applied-migration-modified\]' "$case_dir/out"
result "history: an edit to a migration of the base commit is applied-migration-modified (--base passed, exit 1)"
[[ $status -eq 1 ]] || show "$case_dir/out" "$case_dir/err"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
