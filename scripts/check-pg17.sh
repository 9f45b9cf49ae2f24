#!/usr/bin/env bash
# check-pg17.sh - builds migralint with the PostgreSQL 17 grammar and tests it.
#
#   scripts/check-pg17.sh
#
# Downloads Debian 13 (trixie)'s libpg-query-dev 17-6.1.0-1 with apt-get into
# a temporary folder, using a sources list, package lists and cache of its
# own: the system's package sources, lists and installed packages are not
# touched, and nothing is installed. The package (checked against
# debian-archive-keyring's keys) is unpacked with dpkg-deb -x into
# build-pg17/libpg_query-17/; build-pg17/ is configured with
# -DMIGRALINT_PG_QUERY_PREFIX pointing there, built, and its fixture, unit,
# cli, corpus and layers tests run. Then tests/grammar_diff_test.py lints
# ../shared/corpus with the default build (build/, PostgreSQL 15, configured
# and built if needed) and with build-pg17/, and checks that they differ
# only where the grammars do (skipped when ../shared is absent).
#
# Exit status: 0 when every check passed, and also when the package could not
# be downloaded (no network, mirror down): the script then says, on stderr
# and last, that the PostgreSQL 17 check was skipped and why, so that CI is
# not failed by that alone (MIGRALINT_PG17_REQUIRED=1 makes it a failure).
# Anything else (configuring, building, a test) exits non-zero.
#
# Runs as root or as a user (apt-get needs no root here; as root its
# downloads run as the unprivileged _apt user when it exists). Needs apt-get
# and dpkg-deb (Debian), cmake and the build's packages (scripts/setup.sh).
# Environment: MIGRALINT_DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail

PACKAGE=libpg-query-dev
PACKAGE_VERSION=17-6.1.0-1
SUITE=trixie
MIRROR=${MIGRALINT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

log() {
	printf '==> %s\n' "$*" >&2
}

die() {
	printf 'check-pg17.sh: error: %s\n' "$*" >&2
	exit 1
}

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
cd -- "$repo_root"
build15=build
build17=build-pg17
prefix=$repo_root/$build17/libpg_query-17
jobs=$(nproc 2>/dev/null || echo 2)
[[ $jobs -le 2 ]] || jobs=2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The download failed: say so clearly, last, and exit 0 (1 when required).
skip_download() {
	local why=$1
	{
		echo
		echo "check-pg17.sh: SKIPPED: the PostgreSQL 17 grammar check did not run, because $PACKAGE=$PACKAGE_VERSION"
		echo "could not be downloaded from $MIRROR ($SUITE): $why"
		if [[ -s $tmp/apt.log ]]; then
			echo "apt-get said:"
			grep -E '^(E|W|Err):' "$tmp/apt.log" | tail -8 | sed 's/^/    /' || tail -8 "$tmp/apt.log" | sed 's/^/    /'
		fi
		if grep -q "Version '$PACKAGE_VERSION' for '$PACKAGE' was not found" "$tmp/apt.log" 2>/dev/null; then
			echo "The mirror answered but no longer has that version: update PACKAGE_VERSION in $0."
		fi
	} >&2
	if [[ ${MIGRALINT_PG17_REQUIRED:-0} == 1 ]]; then
		echo "check-pg17.sh: MIGRALINT_PG17_REQUIRED=1: failing" >&2
		exit 1
	fi
	exit 0
}

# Downloads the .deb into $tmp/deb/ with apt-get, on a state of its own.
download() {
	command -v apt-get >/dev/null 2>&1 || skip_download "apt-get is not installed (not a Debian system)"
	[[ -r $KEYRING ]] || skip_download "$KEYRING (package debian-archive-keyring) is missing: the archive cannot be verified"
	local state=$tmp/apt
	mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/etc/parts" "$tmp/deb"
	echo "deb [signed-by=$KEYRING] $MIRROR $SUITE main" >"$state/etc/sources.list"
	: >"$state/status"
	# The system's apt.conf.d still applies: its hooks after an update
	# (AppStream, PackageKit) and extra index files (DEP-11) are cleared,
	# as they would act on the system for this temporary state.
	cat >"$state/etc/apt.conf" <<'CONF'
#clear APT::Update::Post-Invoke-Success;
#clear APT::Update::Post-Invoke;
#clear APT::Update::Pre-Invoke;
Acquire::IndexTargets::deb::DEP-11::DefaultEnabled "false";
Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled "false";
Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled "false";
Acquire::IndexTargets::deb::DEP-11-icons-hidpi::DefaultEnabled "false";
CONF
	local -a opts=(
		-c "$state/etc/apt.conf"
		-o "Dir::Etc::SourceList=$state/etc/sources.list" -o "Dir::Etc::SourceParts=$state/etc/parts"
		-o "Dir::Etc::Preferences=$state/etc/preferences" -o "Dir::Etc::PreferencesParts=$state/etc/parts"
		-o "Dir::State::Lists=$state/lists" -o "Dir::Cache=$state/cache" -o "Dir::State::status=$state/status"
		-o "Acquire::Languages=none"
	)
	if [[ $(id -u) -eq 0 ]]; then
		if id _apt >/dev/null 2>&1; then
			# apt drops to _apt for downloads: let it write where they go.
			chmod 755 "$tmp"
			chown -R _apt "$state/lists/partial" "$state/cache/archives/partial" "$tmp/deb"
		else
			opts+=(-o "APT::Sandbox::User=root")
		fi
	fi
	log "apt-get update (only $SUITE main of $MIRROR, lists in a temporary folder)"
	if ! apt-get "${opts[@]}" update </dev/null >"$tmp/apt.log" 2>&1; then
		skip_download "apt-get update failed"
	fi
	log "apt-get download $PACKAGE=$PACKAGE_VERSION"
	if ! (cd "$tmp/deb" && apt-get "${opts[@]}" download "$PACKAGE=$PACKAGE_VERSION" </dev/null >>"$tmp/apt.log" 2>&1); then
		skip_download "apt-get download failed"
	fi
	deb=$(find "$tmp/deb" -name "${PACKAGE}_*.deb" | head -n 1)
	[[ -n $deb ]] || skip_download "apt-get download left no .deb"
}

command -v dpkg-deb >/dev/null 2>&1 || skip_download "dpkg-deb is not installed (not a Debian system)"
deb=
download
log "unpacking $(basename -- "$deb") into $prefix"
rm -rf "$prefix"
mkdir -p "$prefix"
dpkg-deb -x "$deb" "$prefix" || die "dpkg-deb -x $deb failed"
[[ -f $prefix/usr/include/pg_query.h ]] || die "$deb holds no usr/include/pg_query.h"
grep -q '^#define PG_MAJORVERSION "17"' "$prefix/usr/include/pg_query.h" ||
	die "$prefix/usr/include/pg_query.h is not PostgreSQL 17's"

log "configuring $build17 (PostgreSQL 17 grammar)"
cmake -S . -B "$build17" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMIGRALINT_PG_QUERY_PREFIX="$prefix/usr"
log "building $build17"
cmake --build "$build17" -j"$jobs"
version17=$("$build17/migralint" --version)
[[ $version17 == *"(PostgreSQL 17."* ]] || die "$build17/migralint --version: '$version17', not the PostgreSQL 17 grammar"
log "$version17"

log "running the fixture, unit, cli, corpus and layers tests ($build17)"
ctest --test-dir "$build17" --output-on-failure -R '^(fixtures|unit|cli|corpus|layers)$'

log "configuring and building $build15 (the default build: PostgreSQL 15 grammar), to compare"
cmake -S . -B "$build15" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build15" -j"$jobs" --target migralint
version15=$("$build15/migralint" --version)
[[ $version15 == *"(PostgreSQL 15."* ]] || die "$build15/migralint --version: '$version15': $build15 is not a default (PostgreSQL 15) build"

log "comparing the two grammars over ../shared/corpus"
status=0
/usr/bin/python3 tests/grammar_diff_test.py "$build15/migralint" "$build17/migralint" "$repo_root" || status=$?
case $status in
0) ;;
77) log "../shared/corpus is absent: the comparison of the grammars was skipped" ;;
*) die "tests/grammar_diff_test.py failed (exit $status)" ;;
esac
log "PostgreSQL 17 check passed: $version17"
