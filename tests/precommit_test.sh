#!/usr/bin/env bash
# precommit_test.sh MIGRALINT REPO_ROOT
#
# Runs the real pre-commit (Debian's package) with this repository's
# .pre-commit-hooks.yaml against a temporary git repository:
#   - `pre-commit install`, then a `git commit` of a dangerous migration
#     (CREATE INDEX without CONCURRENTLY on an existing table) is rejected;
#   - a commit of a safe migration passes;
#   - `pre-commit try-repo` runs the hook on given files the same way.
# No network: the hook repository is a local copy, PRE_COMMIT_HOME is a
# temporary directory, and migralint comes from the build directory (first on
# PATH). Exits 77 (skipped) when pre-commit or git is not installed.
set -u

if [[ $# -ne 2 ]]; then
	echo "usage: $0 MIGRALINT REPO_ROOT" >&2
	exit 2
fi
migralint=$(cd -- "$(dirname -- "$1")" && pwd -P)/$(basename -- "$1")
repo_root=$(cd -- "$2" && pwd -P)

for tool in pre-commit git; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "skipped: $tool is not installed (scripts/setup.sh test installs it: apt-get install pre-commit git)"
		exit 77
	fi
done
if [[ ! -x $migralint ]]; then
	echo "FAIL: $migralint is not an executable" >&2
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/migralint-precommit.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

# A clean git and pre-commit environment: nothing from the caller's git
# (a hook running this test, a global config asking for signed commits), no
# cache shared with the user, and migralint found on PATH as `migralint`.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
	GIT_COMMON_DIR GIT_PREFIX PRE_COMMIT PRE_COMMIT_CONFIG SKIP
export HOME=$tmp/home GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$tmp/home/.gitconfig
export PRE_COMMIT_HOME=$tmp/pre-commit-home PRE_COMMIT_COLOR=never
PATH=$(dirname -- "$migralint"):$PATH
export PATH
mkdir -p "$HOME" "$PRE_COMMIT_HOME"
git config --global init.defaultBranch main
git config --global user.name "migralint test"
git config --global user.email "test@example.invalid"
git config --global commit.gpgsign false
git config --global protocol.file.allow always

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
finish() {
	echo "$passed passed, $failed failed"
	[[ $failed -eq 0 ]]
	exit $?
}

echo "# pre-commit $(pre-commit --version 2>&1), $(migralint --version)"

# The hook repository: this repository's .pre-commit-hooks.yaml, committed in
# a repository of its own, so the test sees the file as it is in the working
# tree (committed or not) and pre-commit clones it from a local path.
hooks=$tmp/hook-repo
mkdir -p "$hooks"
if [[ ! -f $repo_root/.pre-commit-hooks.yaml ]]; then
	fail ".pre-commit-hooks.yaml exists in $repo_root"
	finish
fi
cp -- "$repo_root/.pre-commit-hooks.yaml" "$hooks/"
(cd "$hooks" && git init -q && git add .pre-commit-hooks.yaml && git commit -q -m "hooks") ||
	{ fail "create the hook repository"; finish; }
rev=$(git -C "$hooks" rev-parse HEAD)

if out=$(cd "$hooks" && pre-commit validate-manifest .pre-commit-hooks.yaml 2>&1); then
	ok "pre-commit validate-manifest accepts .pre-commit-hooks.yaml"
else
	fail "pre-commit validate-manifest: $out"
fi

# The project using the hook.
proj=$tmp/project
mkdir -p "$proj/migrations"
cd "$proj" || exit 1
git init -q
cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: $hooks
    rev: $rev
    hooks:
      - id: migralint
EOF
printf '# project\n' >README.md
git add .pre-commit-config.yaml README.md
git commit -q -m "initial" || { fail "initial commit"; finish; }

if out=$(pre-commit validate-config .pre-commit-config.yaml 2>&1); then
	ok "pre-commit validate-config accepts the project's config"
else
	fail "pre-commit validate-config: $out"
fi

if out=$(pre-commit install 2>&1) && [[ -x .git/hooks/pre-commit ]]; then
	ok "pre-commit install writes .git/hooks/pre-commit"
else
	fail "pre-commit install: $out"
	finish
fi

# A dangerous migration: the table exists (created by an earlier migration),
# and CREATE INDEX without CONCURRENTLY blocks its writes for the whole build.
cat >migrations/0001_create_users.sql <<'EOF'
CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL
);
EOF
git add migrations/0001_create_users.sql
git commit -q -m "create users" >"$tmp/commit0.log" 2>&1 ||
	fail "setup: commit of the CREATE TABLE migration: $(cat "$tmp/commit0.log")"

cat >migrations/0002_index_users_email.sql <<'EOF'
CREATE INDEX users_email_idx ON users (email);
EOF
git add migrations/0002_index_users_email.sql
before=$(git rev-parse HEAD)
status=0
git commit -m "index users.email" >"$tmp/commit1.log" 2>&1 || status=$?
if [[ $status -ne 0 && $(git rev-parse HEAD) == "$before" ]]; then
	ok "git commit of CREATE INDEX without CONCURRENTLY is rejected (status $status)"
else
	fail "git commit of CREATE INDEX without CONCURRENTLY was not rejected (status $status)"
	cat "$tmp/commit1.log"
fi
if grep -q 'require-concurrent-index-creation' "$tmp/commit1.log" &&
	grep -q 'migrations/0002_index_users_email.sql:1:' "$tmp/commit1.log" &&
	grep -Eq '^migralint\.+Failed' "$tmp/commit1.log"; then
	ok "the hook output names the file, the line and the rule"
else
	fail "the hook output does not name the file, line and rule:"
	sed 's/^/    /' "$tmp/commit1.log"
fi

# Fixing it makes the same commit pass.
git reset -q HEAD -- migrations/0002_index_users_email.sql
rm -f migrations/0002_index_users_email.sql
cat >migrations/0002_create_accounts.sql <<'EOF'
CREATE TABLE accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL
);
EOF
git add migrations/0002_create_accounts.sql
status=0
git commit -m "create accounts" >"$tmp/commit2.log" 2>&1 || status=$?
if [[ $status -eq 0 && $(git log -1 --format=%s) == "create accounts" ]]; then
	ok "git commit of a safe migration passes"
else
	fail "git commit of a safe migration failed (status $status)"
	sed 's/^/    /' "$tmp/commit2.log"
fi
if grep -Eq '^migralint\.+Passed' "$tmp/commit2.log"; then
	ok "the hook ran on the safe migration and passed"
else
	fail "the hook did not report Passed:"
	sed 's/^/    /' "$tmp/commit2.log"
fi

# Editing a committed migration: --base HEAD (the hook's entry) sees it.
printf -- '-- reviewed\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n' >migrations/0001_create_users.sql
git add migrations/0001_create_users.sql
before=$(git rev-parse HEAD)
status=0
git commit -m "edit an applied migration" >"$tmp/commit-edit.log" 2>&1 || status=$?
if [[ $status -ne 0 && $(git rev-parse HEAD) == "$before" ]] &&
	grep -q 'migrations/0001_create_users.sql:1:1: error\[applied-migration-modified\]' "$tmp/commit-edit.log"; then
	ok "git commit of an edit to a committed migration is rejected (applied-migration-modified, at the first edited line)"
else
	fail "git commit of an edit to a committed migration (status $status):"
	sed 's/^/    /' "$tmp/commit-edit.log"
fi
git checkout -q HEAD -- migrations/0001_create_users.sql

# A commit without SQL files skips the hook.
printf 'more\n' >>README.md
git add README.md
status=0
git commit -m "docs" >"$tmp/commit3.log" 2>&1 || status=$?
if [[ $status -eq 0 ]] && grep -Eq '^migralint\.+\(no files to check\)Skipped' "$tmp/commit3.log"; then
	ok "a commit without .sql files skips the hook"
else
	fail "a commit without .sql files (status $status):"
	sed 's/^/    /' "$tmp/commit3.log"
fi

# try-repo: run the hook straight from the hook repository on given files.
printf 'CREATE INDEX users_email_idx ON users (email);\n' >migrations/0003_index.sql
status=0
pre-commit try-repo "$hooks" migralint --files migrations/0001_create_users.sql migrations/0003_index.sql \
	>"$tmp/try1.log" 2>&1 || status=$?
if [[ $status -eq 1 ]] && grep -q 'migrations/0003_index.sql:1:' "$tmp/try1.log"; then
	ok "pre-commit try-repo fails on the dangerous migration"
else
	fail "pre-commit try-repo on the dangerous migration (status $status):"
	sed 's/^/    /' "$tmp/try1.log"
fi
status=0
pre-commit try-repo "$hooks" migralint --files migrations/0002_create_accounts.sql \
	>"$tmp/try2.log" 2>&1 || status=$?
if [[ $status -eq 0 ]]; then
	ok "pre-commit try-repo passes the safe migration"
else
	fail "pre-commit try-repo on the safe migration (status $status):"
	sed 's/^/    /' "$tmp/try2.log"
fi

finish
