#!/usr/bin/env bash
# setup.sh - install what migralint needs, build it, and run it or its tests.
#
#   scripts/setup.sh run    install missing packages, build, lint examples/
#   scripts/setup.sh test   install missing packages, build, run every test,
#                           then again in an ASan+UBSan build (build-asan/),
#                           then many threads linting at once under
#                           ThreadSanitizer (build-tsan/), then the
#                           PostgreSQL 17 grammar (scripts/check-pg17.sh,
#                           build-pg17/)
#
# Works from any directory, as root or as a user with sudo (used only for
# apt-get), and without a terminal or standard input (CI).
set -euo pipefail

usage() {
	echo "usage: $0 run|test" >&2
	echo "  run   install missing Debian packages, build, lint examples/" >&2
	echo "  test  install missing Debian packages, build, run the tests (plain and ASan/UBSan)" >&2
}

log() {
	printf '==> %s\n' "$*" >&2
}

die() {
	printf 'setup.sh: error: %s\n' "$*" >&2
	exit 1
}

if [[ $# -ne 1 ]]; then
	usage
	exit 3
fi
mode=$1
case "$mode" in
run | test) ;;
-h | --help)
	usage
	exit 0
	;;
*)
	usage
	exit 3
	;;
esac

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
cd -- "$repo_root"

export DEBIAN_FRONTEND=noninteractive

# libpq-dev: migralint trace and migralint stats connect to PostgreSQL.
packages=(build-essential cmake pkg-config libpg-query-dev libprotobuf-c-dev libcjson-dev libpq-dev check)
if [[ $mode == test ]]; then
	# tests/json_schema_test.py runs with /usr/bin/python3 and needs jsonschema.
	packages+=(python3 python3-jsonschema)
	# tests/precommit_test.sh runs the real pre-commit in a git repository;
	# tests/install_test.sh renders the man page with man and groff;
	# tests/action_test.sh reads action.yml with python3-yaml.
	packages+=(git pre-commit man-db groff-base python3-yaml postgresql clang libclang-rt-14-dev)
	# tests/cli_test.sh reads JSON reports with jq; tests/corpus_test.sh runs
	# the corpus under valgrind.
	packages+=(jq valgrind)
	# tests/fix_cli_test.sh applies the output of --diff with patch.
	packages+=(patch)
	# tests/nvim_test.sh runs migralint lsp in a headless Neovim.
	packages+=(neovim)
	# scripts/check-pg17.sh verifies the PostgreSQL 17 package it downloads
	# with Debian's archive keys (apt-get and dpkg-deb are always there).
	packages+=(debian-archive-keyring)
fi

install_packages() {
	if ! command -v dpkg-query >/dev/null 2>&1; then
		log "dpkg-query not found: not a Debian system, skipping package installation"
		log "make sure these (or their equivalents) are installed: ${packages[*]}"
		return 0
	fi

	local missing=() pkg status
	for pkg in "${packages[@]}"; do
		status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
		if [[ $status != "install ok installed" ]]; then
			missing+=("$pkg")
		fi
	done
	if [[ ${#missing[@]} -eq 0 ]]; then
		log "all required packages are installed"
		return 0
	fi

	local -a as_root=()
	if [[ $(id -u) -ne 0 ]]; then
		if ! command -v sudo >/dev/null 2>&1; then
			die "missing packages: ${missing[*]}; not running as root and sudo is not installed: install them as root, or run this script as root"
		fi
		# sudo drops DEBIAN_FRONTEND, so pass it through env. -n when there is no
		# terminal: fail at once instead of waiting for a password nobody types.
		if [[ -t 0 ]]; then
			as_root=(sudo env DEBIAN_FRONTEND=noninteractive)
		else
			as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive)
		fi
	fi

	log "installing missing packages: ${missing[*]}"
	# ${a[@]+"${a[@]}"}: an empty array expands to nothing, even under set -u.
	${as_root[@]+"${as_root[@]}"} apt-get update </dev/null
	${as_root[@]+"${as_root[@]}"} apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
}

jobs=$(nproc 2>/dev/null || echo 2)

build() {
	local dir=$1
	shift
	log "configuring $dir"
	cmake -S . -B "$dir" "$@"
	log "building $dir"
	cmake --build "$dir" -j"$jobs"
}

install_packages

case "$mode" in
run)
	build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
	log "build/migralint examples/"
	status=0
	build/migralint examples/ || status=$?
	case "$status" in
	0) ;;
	1)
		echo "setup.sh: note: migralint exited 1 because it found problems in examples/; that is expected, the examples are meant to show findings" >&2
		;;
	*)
		echo "setup.sh: error: migralint exited $status (2: some input could not be read, 3: bad usage, 4: no complete report)" >&2
		exit "$status"
		;;
	esac
	;;
test)
	build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
	log "running the tests (build)"
	ctest --test-dir build --output-on-failure

	build build-asan -DMIGRALINT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	log "running the tests under ASan+UBSan (build-asan)"
	# the sanitizer options are set per test by tests/CMakeLists.txt
	ctest --test-dir build-asan --output-on-failure

	log "configuring build-tsan"
	cmake -S . -B build-tsan -DMIGRALINT_SANITIZE_THREAD=ON -DCMAKE_BUILD_TYPE=Debug
	log "building the unit tests under ThreadSanitizer (build-tsan)"
	cmake --build build-tsan -j"$jobs" --target unit_tests
	log "running many threads linting at once under ThreadSanitizer (build-tsan)"
	ctest --test-dir build-tsan --output-on-failure -R '^lint_threads$'
	log "the tests passed (build, build-asan and the threads under build-tsan); next, the PostgreSQL 17 grammar"

	# The PostgreSQL 17 grammar (build-pg17/, Debian 13's libpg-query-dev
	# downloaded into a temporary prefix): skipped, saying so, when the
	# package cannot be downloaded.
	log "the PostgreSQL 17 grammar (scripts/check-pg17.sh)"
	bash scripts/check-pg17.sh
	;;
esac
