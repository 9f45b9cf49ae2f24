#!/usr/bin/env bash
# action-run.sh - the shell steps of the migralint GitHub Action (action.yml),
# kept here so they can be run and tested outside GitHub.
#
#   scripts/action-run.sh deps    install the Debian/Ubuntu build packages
#   scripts/action-run.sh build   build migralint; writes bin=PATH to $GITHUB_OUTPUT
#   scripts/action-run.sh lint    lint the migration files changed between
#                                 MIGRALINT_BASE and MIGRALINT_HEAD
#
# Everything comes from the environment (action.yml maps its inputs onto it):
#
#   MIGRALINT_SOURCE        migralint's source tree (deps, build; default: this script's repository)
#   MIGRALINT_BUILD_DIR     build directory (build; default: $RUNNER_TEMP/migralint-build)
#   MIGRALINT_BIN           the migralint binary (lint; default: migralint on PATH)
#   MIGRALINT_BASE          the commit to compare with (lint): the pull request's base. Empty or
#                           all zeros (a push that created the branch): HEAD's parent, or every
#                           matching file when HEAD has none.
#   MIGRALINT_HEAD          the commit whose changes are linted (default: HEAD); the files are
#                           read from the working tree, which should be that commit
#   MIGRALINT_PATHS         git pathspec globs of the migration files, relative to the
#                           repository's top, separated by newlines or spaces (default:
#                           **/*.sql); "**" matches any number of directories
#   MIGRALINT_PG_VERSION    --pg-version (default: unset, so the configuration file or 15)
#   MIGRALINT_ASSUME_IN_TRANSACTION
#                           true: --assume-in-transaction
#   MIGRALINT_TOOL          --tool (default: unset, so the configuration file or auto: the
#                           tool of each migration directory is detected, and a changed
#                           migration is linted with its directory's earlier ones as context)
#   MIGRALINT_CONTEXT       --context for each path, relative to the repository's top,
#                           separated by newlines or spaces: migrations replayed as history
#                           before the changed files (for plain histories)
#   MIGRALINT_FAIL_ON       --fail-on (error, warning, info)
#   MIGRALINT_CONFIG        --config PATH, relative to the current directory (default:
#                           .migralint.json found from the repository's top up). With a
#                           base commit, the file is read as it is in that commit: the
#                           change being linted cannot loosen its own checks (see
#                           base_config below)
#   MIGRALINT_ARGS          more options, split on whitespace
#   MIGRALINT_SARIF         SARIF report to write (default: migralint.sarif; empty: none)
#   MIGRALINT_MARKDOWN      Markdown report to write (default: none)
#   MIGRALINT_ANNOTATE      true (default): print --format github workflow commands, which the
#                           runner turns into annotations
#   GITHUB_OUTPUT           where the step outputs go (lint: exit-code, files, file-count,
#                           sarif-file, markdown-file); GITHUB_STEP_SUMMARY, when set, gets the
#                           Markdown report
#
# lint exits with migralint's status (0 clean, 1 findings, 2 unreadable input,
# 3 bad usage, 4 no complete report) and writes it as the exit-code output;
# its own failures (a base commit that cannot be found, no git repository)
# exit 3 as well.
#
# A pull request controls the SQL, the file names and .migralint.json. So
# the configuration comes from the base commit, and everything printed that
# quotes the change (the text report, migralint's messages, the list of
# files) goes to the log between "::stop-commands::TOKEN" and "::TOKEN::"
# with a random TOKEN, where the runner obeys no workflow command. Only the
# --format github run, whose annotations are wanted, is outside; migralint
# escapes what it quotes there.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)

log() {
	printf 'migralint-action: %s\n' "$*" >&2
}

output() {
	if [[ -n ${GITHUB_OUTPUT:-} ]]; then
		printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
	fi
}

# 32 random hex digits, which no input can guess.
random_token() {
	od -An -N16 -tx1 /dev/urandom | tr -d ' \n'
}

# Runs "$@" with its stdout and stderr in the log between
# ::stop-commands::TOKEN and ::TOKEN::, so that nothing it prints (file
# names, SQL, names from the change) is taken for a workflow command.
# Returns its status.
without_commands() {
	local token status=0
	token=$(random_token)
	[[ -n $token ]] || return 3
	printf '::stop-commands::%s\n' "$token"
	"$@" 2>&1 || status=$?
	printf '::%s::\n' "$token"
	return "$status"
}

# A multi-line output, in the heredoc form GitHub reads.
output_lines() {
	local name=$1 delim
	shift
	[[ -n ${GITHUB_OUTPUT:-} ]] || return 0
	delim="migralint_$(random_token)"
	{
		printf '%s<<%s\n' "$name" "$delim"
		if [[ $# -gt 0 ]]; then
			printf '%s\n' "$@"
		fi
		printf '%s\n' "$delim"
	} >>"$GITHUB_OUTPUT"
}

truthy() {
	case "${1,,}" in
	1 | true | yes | on) return 0 ;;
	*) return 1 ;;
	esac
}

# --- deps -----------------------------------------------------------------

cmd_deps() {
	local packages=(build-essential cmake pkg-config libpg-query-dev libprotobuf-c-dev libcjson-dev)
	if ! command -v apt-get >/dev/null 2>&1; then
		log "apt-get not found: install these (or their equivalents) yourself: ${packages[*]}"
		return 1
	fi
	local -a as_root=()
	if [[ $(id -u) -ne 0 ]]; then
		as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive)
	fi
	export DEBIAN_FRONTEND=noninteractive
	${as_root[@]+"${as_root[@]}"} apt-get update -q </dev/null
	# migralint needs libpg_query 15 or later (PostgreSQL 15 grammar and
	# protobuf trees): Debian 12 has 15, Ubuntu 24.04 has 16; Ubuntu 22.04's
	# 13 is too old.
	local candidate
	candidate=$(apt-cache policy libpg-query-dev 2>/dev/null | sed -n 's/^ *Candidate: *//p')
	if [[ -z $candidate || $candidate == "(none)" ]]; then
		log "error: this system has no libpg-query-dev package; use runs-on: ubuntu-24.04 or a Debian 12 container (container: debian:12)"
		return 1
	fi
	if [[ ${candidate%%[-.]*} =~ ^[0-9]+$ ]] && ((${candidate%%[-.]*} < 15)); then
		log "error: libpg-query-dev $candidate is too old (migralint needs 15 or later); use runs-on: ubuntu-24.04 or a Debian 12 container (container: debian:12)"
		return 1
	fi
	log "installing ${packages[*]} (libpg-query-dev $candidate)"
	${as_root[@]+"${as_root[@]}"} apt-get install -y -q --no-install-recommends "${packages[@]}" </dev/null
}

# --- build ----------------------------------------------------------------

cmd_build() {
	local src=${MIGRALINT_SOURCE:-$(cd -- "$script_dir/.." && pwd -P)}
	local dir=${MIGRALINT_BUILD_DIR:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/migralint-build}
	log "building migralint from $src in $dir"
	cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DMIGRALINT_TESTS=OFF >&2
	cmake --build "$dir" -j"$(nproc 2>/dev/null || echo 2)" >&2
	local bin=$dir/migralint
	"$bin" --version >&2
	output bin "$bin"
	printf '%s\n' "$bin"
}

# --- lint -----------------------------------------------------------------

# The text run, inside without_commands: the files it lints (lint_files,
# names from the change; one with a control character in bash's $'...'
# quoting, so no terminal escape or line break reaches the log raw), then
# migralint's report and messages. "$@": the command.
lint_text_run() {
	local file
	printf 'migralint-action: linting %d file(s):' "${#lint_files[@]}"
	for file in "${lint_files[@]}"; do
		if [[ $file == *[[:cntrl:]]* ]]; then
			printf ' %q' "$file"
		else
			printf ' %s' "$file"
		fi
	done
	printf '\n'
	"$@"
}

lint_status=3
lint_files=()

lint_fail() {
	log "error: $*"
	exit 3
}

# Sets base_config_opts to the options that lint with the configuration of
# commit $1 (a pull request's base), not the working tree's: a pull request
# could otherwise turn rules off for itself, lower their severity, exclude
# its own files or point doc_base_url (the links in the comment) elsewhere.
# $2 is the --config path the workflow gave (absolute), or empty to look
# for .migralint.json at the repository's top as migralint would; $3 is the
# repository's top (symlinks resolved, as git gives it). A file outside the
# repository is not the change's: it is used as it is. When the base has no
# such file, the defaults apply (--no-config), or a .migralint.json found
# above the repository.
#
# The path is resolved lexically: a symbolic link the change puts in its
# working tree (the file itself or a directory on the way) must not choose
# which of the base's files is read. The base's copy is written, under a
# random name, into the directory the original names, because migralint
# matches exclude and overrides globs against paths relative to the
# configuration file's directory: elsewhere they would silently match
# nothing. Only when that directory is not a plain directory of the working
# tree (missing, or reached through a link) does the copy go to the
# temporary directory: no changed file git lists can lie in it then, so
# no glob could match there either.
base_config_opts=()
base_config() {
	local base=$1 config=$2 top=$3 rel dir
	base_config_opts=()
	if [[ -n $config ]]; then
		rel=$(realpath -m -s --relative-to="$top" -- "$config")
		if [[ $rel == .. || $rel == ../* ]]; then
			# Outside the repository as written; through a link it may
			# still land inside, where the change could choose the file.
			local through
			through=$(realpath -m --relative-to="$top" -- "$config")
			if [[ $through != .. && $through != ../* ]]; then
				lint_fail "the config path $config reaches the repository through a symbolic link; give it without one"
			fi
			base_config_opts=(--config "$config")
			return 0
		fi
	else
		rel=.migralint.json
	fi
	if git -C "$top" cat-file -e "$base:$rel" 2>/dev/null; then
		dir=$(realpath -m -s -- "$top/$(dirname -- "$rel")")
		if [[ -d $dir && $(realpath -e -- "$dir") == "$dir" ]]; then
			base_config_file=$(mktemp "$dir/.migralint-base-config.XXXXXX") ||
				lint_fail "cannot write the base commit's $rel into $dir"
		else
			base_config_file=$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/migralint-base-config.XXXXXX") ||
				lint_fail "cannot write the base commit's $rel into a temporary file"
		fi
		git -C "$top" show "$base:$rel" >"$base_config_file" ||
			lint_fail "cannot read $rel from the base commit $base"
		log "configuration: $rel as in the base commit $base (the change's own copy is not used)"
		base_config_opts=(--config "$base_config_file")
		return 0
	fi
	if [[ -z $config ]]; then
		dir=$(dirname -- "$top")
		while :; do
			if [[ -f $dir/.migralint.json ]]; then
				log "configuration: $dir/.migralint.json (above the repository; none in the base commit $base)"
				base_config_opts=(--config "$dir/.migralint.json")
				return 0
			fi
			[[ $dir == / ]] && break
			dir=$(dirname -- "$dir")
		done
	fi
	log "configuration: the defaults ($rel is not in the base commit $base; the change's own copy is not used)"
	base_config_opts=(--no-config)
}

# Writes a SARIF log with no results, for a run that linted nothing: uploading
# it tells code scanning the earlier alerts of these files are fixed.
empty_sarif() {
	local version=$1
	cat <<EOF
{
  "\$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": {
        "driver": {
          "name": "migralint",
          "version": "$version",
          "rules": []
        }
      },
      "results": []
    }
  ]
}
EOF
}

cmd_lint() {
	base_config_file=
	trap 'output exit-code "$lint_status"; [[ -z $base_config_file ]] || rm -f -- "$base_config_file"' EXIT

	local bin=${MIGRALINT_BIN:-migralint}
	if ! command -v "$bin" >/dev/null 2>&1; then
		lint_fail "migralint not found (MIGRALINT_BIN=$bin)"
	fi
	local probe
	probe=$(git rev-parse --is-inside-work-tree 2>&1) || true
	if [[ ${GITHUB_ACTIONS:-} == true && $probe == *"dubious ownership"* ]]; then
		# A container job runs as root on a workspace the runner's user owns.
		local safe=${GITHUB_WORKSPACE:-$(pwd -P)}
		log "marking $safe as a safe git directory (container job)"
		git config --global --add safe.directory "$safe"
	fi
	git rev-parse --is-inside-work-tree >/dev/null 2>&1 || lint_fail "$(pwd) is not in a git work tree"
	local top
	top=$(git rev-parse --show-toplevel)

	local head=${MIGRALINT_HEAD:-HEAD}
	git rev-parse -q --verify "$head^{commit}" >/dev/null || lint_fail "head commit '$head' not found"

	local base=${MIGRALINT_BASE:-}
	if [[ -n $base && ! $base =~ ^0+$ ]] && ! git rev-parse -q --verify "$base^{commit}" >/dev/null; then
		# A shallow checkout (actions/checkout's default depth is 1): fetch it.
		log "base $base not in the clone, fetching it"
		git fetch -q --no-tags origin "$base" >&2 || true
		git rev-parse -q --verify "$base^{commit}" >/dev/null ||
			lint_fail "base commit '$base' not found (check out with fetch-depth: 0)"
	fi

	# The pathspecs: each glob with the glob magic, so ** spans directories
	# and * does not cross a slash.
	local -a specs=() globs=()
	local glob
	# read splits on whitespace without expanding the globs against the disk.
	read -r -d '' -a globs <<<"${MIGRALINT_PATHS:-**/*.sql}" || true
	[[ ${#globs[@]} -gt 0 ]] || globs=('**/*.sql')
	for glob in "${globs[@]}"; do
		specs+=(":(glob)$glob")
	done

	local -a diff_cmd
	if [[ -n $base && ! $base =~ ^0+$ ]]; then
		if ! git merge-base "$base" "$head" >/dev/null 2>&1; then
			if [[ $(git rev-parse --is-shallow-repository) == true ]]; then
				log "no merge base of $base and $head in this shallow clone, fetching the history"
				git fetch -q --no-tags --unshallow origin >&2 || true
			fi
			git merge-base "$base" "$head" >/dev/null 2>&1 ||
				lint_fail "$base and $head have no merge base (check out with fetch-depth: 0)"
		fi
		log "changed files: git diff $base...$head -- ${specs[*]}"
		diff_cmd=(git -C "$top" diff -z --name-only --no-renames --diff-filter=ACMR "$base...$head" --)
	elif git rev-parse -q --verify "$head^" >/dev/null; then
		log "no base commit: the files changed by $head"
		diff_cmd=(git -C "$top" diff -z --name-only --no-renames --diff-filter=ACMR "$head^" "$head" --)
	else
		log "no base commit and $head has no parent: every matching file"
		local empty_tree
		empty_tree=$(git hash-object -t tree /dev/null)
		diff_cmd=(git -C "$top" diff -z --name-only --no-renames --diff-filter=ACMR "$empty_tree" "$head" --)
	fi
	local list file
	list=$(mktemp)
	if ! "${diff_cmd[@]}" "${specs[@]}" >"$list"; then
		rm -f -- "$list"
		lint_fail "${diff_cmd[*]} ${specs[*]} failed"
	fi
	while IFS= read -r -d '' file; do
		lint_files+=("$file")
	done <"$list"
	rm -f -- "$list"

	output file-count "${#lint_files[@]}"
	# One per line: a name with a control character (a line break) in
	# bash's $'...' quoting, so it stays one line.
	local -a listed=()
	for file in ${lint_files[@]+"${lint_files[@]}"}; do
		if [[ $file == *[[:cntrl:]]* ]]; then
			listed+=("$(printf '%q' "$file")")
		else
			listed+=("$file")
		fi
	done
	output_lines files ${listed[@]+"${listed[@]}"}

	# The options (the command line overrides .migralint.json).
	local -a opts=() extra=()
	local config= arg own_config=false
	if [[ -n ${MIGRALINT_ARGS:-} ]]; then
		read -r -a extra <<<"$MIGRALINT_ARGS"
	fi
	for arg in ${extra[@]+"${extra[@]}"}; do
		[[ $arg == --config || $arg == --config=* || $arg == --no-config ]] && own_config=true
	done
	if [[ -n ${MIGRALINT_CONFIG:-} ]]; then
		# Relative to where the step runs, not to the repository's top.
		# $PWD may name the directory through a link that lies outside the
		# repository; base_config compares with the top git gives, resolved.
		config=$MIGRALINT_CONFIG
		[[ $config == /* ]] || config=$(pwd -P)/$config
	fi
	if $own_config; then
		log "configuration: as the args input says"
	elif [[ -n $base && ! $base =~ ^0+$ ]]; then
		base_config "$base" "$config" "$top"
		opts+=("${base_config_opts[@]}")
	elif [[ -n $config ]]; then
		# No base (a push that created the branch): the commit's own.
		opts+=(--config "$config")
	fi
	[[ -n ${MIGRALINT_PG_VERSION:-} ]] && opts+=(--pg-version "$MIGRALINT_PG_VERSION")
	truthy "${MIGRALINT_ASSUME_IN_TRANSACTION:-false}" && opts+=(--assume-in-transaction)
	[[ -n ${MIGRALINT_TOOL:-} ]] && opts+=(--tool "$MIGRALINT_TOOL")
	local context_path
	for context_path in ${MIGRALINT_CONTEXT:-}; do
		opts+=(--context "$context_path")
	done
	[[ -n ${MIGRALINT_FAIL_ON:-} ]] && opts+=(--fail-on "$MIGRALINT_FAIL_ON")
	# The history as the base has it: applied migrations edited, renamed or
	# deleted, new ones out of order (unless the args name their own base).
	local own_base=false
	for arg in ${extra[@]+"${extra[@]}"}; do
		[[ $arg == --base || $arg == --base=* ]] && own_base=true
	done
	if [[ -n $base && ! $base =~ ^0+$ ]] && ! $own_base; then
		opts+=(--base "$base")
	fi
	opts+=(${extra[@]+"${extra[@]}"})

	local sarif=${MIGRALINT_SARIF-migralint.sarif}
	local markdown=${MIGRALINT_MARKDOWN:-}
	# Reports are written relative to where the action runs (the workspace);
	# migralint runs from the repository's top so the paths in them are
	# repository-relative, as code scanning wants.
	[[ -n $sarif && $sarif != /* ]] && sarif=$PWD/$sarif
	[[ -n $markdown && $markdown != /* ]] && markdown=$PWD/$markdown
	if [[ $bin == */* ]]; then
		bin=$(cd -- "$(dirname -- "$bin")" && pwd -P)/$(basename -- "$bin")
	fi
	cd -- "$top"

	if [[ ${#lint_files[@]} -eq 0 ]]; then
		log "no changed migration file matches ${MIGRALINT_PATHS:-**/*.sql}: nothing to lint"
		if [[ -n $sarif ]]; then
			local version
			version=$("$bin" --version 2>/dev/null | sed -n 's/^migralint \([^ ]*\).*/\1/p')
			empty_sarif "${version:-unknown}" >"$sarif"
			output sarif-file "$sarif"
		fi
		if [[ -n $markdown ]]; then
			printf '## migralint\n\nNo migration file changed.\n' >"$markdown"
			output markdown-file "$markdown"
		fi
		lint_status=0
		return 0
	fi

	# The main run: text for the log, with the list of files, where no
	# workflow command is obeyed; its status is the action's.
	local status=0
	without_commands lint_text_run "$bin" "${opts[@]}" -- "${lint_files[@]}" || status=$?
	# Unknown option or bad value: the other formats would fail the same way.
	if [[ $status -eq 3 ]]; then
		lint_status=3
		return 3
	fi

	# The other runs' messages repeat the text run's; they go to the log
	# only when there are some, and where no workflow command is obeyed.
	local s errors
	errors=$(mktemp)
	if truthy "${MIGRALINT_ANNOTATE:-true}"; then
		s=0
		"$bin" "${opts[@]}" --format github -- "${lint_files[@]}" 2>"$errors" || s=$?
		[[ -s $errors ]] && without_commands cat -- "$errors"
		[[ $s -eq $status ]] || log "warning: --format github exited $s, the text run $status"
	fi
	if [[ -n $sarif ]]; then
		s=0
		"$bin" "${opts[@]}" --format sarif -- "${lint_files[@]}" >"$sarif" 2>"$errors" || s=$?
		[[ -s $errors ]] && without_commands cat -- "$errors"
		[[ $s -eq $status ]] || log "warning: --format sarif exited $s, the text run $status"
		output sarif-file "$sarif"
		log "wrote $sarif"
	fi
	if [[ -n $markdown ]]; then
		s=0
		"$bin" "${opts[@]}" --format markdown -- "${lint_files[@]}" >"$markdown" 2>"$errors" || s=$?
		[[ -s $errors ]] && without_commands cat -- "$errors"
		[[ $s -eq $status ]] || log "warning: --format markdown exited $s, the text run $status"
		output markdown-file "$markdown"
		log "wrote $markdown"
		if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
			cat -- "$markdown" >>"$GITHUB_STEP_SUMMARY"
		fi
	fi
	rm -f -- "$errors"

	lint_status=$status
	return "$status"
}

case "${1:-}" in
deps) cmd_deps ;;
build) cmd_build ;;
lint)
	status=0
	cmd_lint || status=$?
	exit "$status"
	;;
*)
	echo "usage: $0 deps|build|lint (see the comment at the top of this script)" >&2
	exit 3
	;;
esac
