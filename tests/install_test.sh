#!/usr/bin/env bash
# install_test.sh BUILD_DIR REPO_ROOT [CMAKE]
#
# Installs a built tree with `cmake --install BUILD_DIR --prefix TMP` and checks
# what lands there: the binary runs (--version), the static library, the
# public headers (compiled against), and the man page, which `man -l` (and
# groff, with every warning on) must render without a warning.
# Exits 77 (skipped) when neither man nor groff is installed. CMAKE is the
# cmake to install with (default: cmake on PATH); MIGRALINT_SANITIZE_FLAGS, set
# for a sanitizer build, is added when linking a program against the library.
set -u

if [[ $# -lt 2 || $# -gt 3 ]]; then
	echo "usage: $0 BUILD_DIR REPO_ROOT [CMAKE]" >&2
	exit 2
fi
build_dir=$(cd -- "$1" && pwd -P)
repo_root=$(cd -- "$2" && pwd -P)
cmake=${3:-cmake}
read -r -a sanitize_flags <<<"${MIGRALINT_SANITIZE_FLAGS:-}"

if ! command -v man >/dev/null 2>&1 && ! command -v groff >/dev/null 2>&1; then
	echo "skipped: neither man nor groff is installed (scripts/setup.sh test installs man-db and groff-base)"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/migralint-install.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
prefix=$tmp/prefix

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

if "$cmake" --install "$build_dir" --prefix "$prefix" >"$tmp/install.log" 2>&1; then
	ok "cmake --install $build_dir --prefix $prefix"
else
	fail "cmake --install:"
	sed 's/^/    /' "$tmp/install.log"
	finish
fi

# The binary runs from the prefix and prints "migralint X.Y.Z (PostgreSQL
# N.M grammar)"; $version keeps X.Y.Z.
version_line=$("$prefix/bin/migralint" --version 2>&1)
status=$?
if [[ $status -eq 0 && $version_line =~ ^migralint\ ([0-9]+\.[0-9]+\.[0-9]+)\ \(PostgreSQL\ [0-9]+\.[0-9]+\ grammar[^\)]*\)$ ]]; then
	version=${BASH_REMATCH[1]}
	ok "bin/migralint --version: $version_line"
else
	version=
	fail "bin/migralint --version printed '$version_line' (status $status)"
fi

printf 'CREATE INDEX users_email_idx ON users (email);\n' >"$tmp/index.sql"
status=0
# (from $tmp, so no .migralint.json of the source tree applies)
(cd "$tmp" && "$prefix/bin/migralint" index.sql) >"$tmp/lint.log" 2>&1 || status=$?
if [[ $status -eq 1 ]] && grep -q 'require-concurrent-index-creation' "$tmp/lint.log"; then
	ok "the installed binary lints (exit 1 on CREATE INDEX without CONCURRENTLY)"
else
	fail "the installed binary on CREATE INDEX without CONCURRENTLY (status $status):"
	sed 's/^/    /' "$tmp/lint.log"
fi

# The static library, in lib/ or wherever GNUInstallDirs put it (lib64, ...).
lib=$(find "$prefix" -name libmigralint.a -type f | head -n 1)
if [[ -n $lib ]]; then
	ok "${lib#"$prefix"/} installed"
else
	fail "libmigralint.a not installed under $prefix"
fi

# Every public header of the source tree is installed.
missing=()
for h in "$repo_root"/include/migralint/*.h; do
	[[ -f $prefix/include/migralint/$(basename -- "$h") ]] || missing+=("$(basename -- "$h")")
done
if [[ -f $prefix/include/migralint/migralint.h && ${#missing[@]} -eq 0 ]]; then
	ok "include/migralint/ has every public header ($(cd "$prefix/include/migralint" && echo *.h))"
else
	fail "headers missing from $prefix/include/migralint: ${missing[*]:-migralint.h}"
fi

# The headers are self-contained C11 and link against the library.
cc=${CC:-cc}
if command -v "$cc" >/dev/null 2>&1 && [[ -n $lib ]]; then
	cat >"$tmp/use.c" <<'EOF'
#include <stdio.h>
#include <migralint/migralint.h>
int main(void)
{
	printf("%s %zu\n", MIGRALINT_VERSION, ml_rule_count());
	return ml_rule_count() > 0 ? 0 : 1;
}
EOF
	if "$cc" -std=c11 -Wall -Werror ${sanitize_flags[@]+"${sanitize_flags[@]}"} -I"$prefix/include" -c "$tmp/use.c" -o "$tmp/use.o" 2>"$tmp/cc.log"; then
		ok "a C11 program compiles against the installed migralint.h"
		# The library's own dependencies, as the build links them.
		deps=(-lpg_query)
		for pc in libprotobuf-c libcjson; do
			read -r -a flags <<<"$(pkg-config --libs "$pc" 2>/dev/null)"
			deps+=(${flags[@]+"${flags[@]}"})
		done
		if "$cc" ${sanitize_flags[@]+"${sanitize_flags[@]}"} "$tmp/use.o" "$lib" "${deps[@]}" -lpthread -lm -o "$tmp/use" 2>"$tmp/ld.log" &&
			out=$("$tmp/use") && [[ -n $version && $out == "$version "* ]]; then
			ok "and links against the installed libmigralint.a ($out rules)"
		else
			fail "linking against the installed library:"
			sed 's/^/    /' "$tmp/ld.log"
		fi
	else
		fail "compiling against the installed migralint.h:"
		sed 's/^/    /' "$tmp/cc.log"
	fi
	if [[ -f $prefix/include/migralint/config.h ]]; then
		printf '#include <migralint/config.h>\nint main(void) { return 0; }\n' >"$tmp/cfg.c"
		if "$cc" -std=c11 -Wall -Werror -I"$prefix/include" -c "$tmp/cfg.c" -o "$tmp/cfg.o" 2>"$tmp/cc2.log"; then
			ok "the installed config.h compiles on its own"
		else
			fail "compiling against the installed config.h:"
			sed 's/^/    /' "$tmp/cc2.log"
		fi
	fi
fi

# The man page: installed, for this version, rendered without a warning.
page=$prefix/share/man/man1/migralint.1
if [[ -f $page ]]; then
	ok "share/man/man1/migralint.1 installed"
else
	fail "share/man/man1/migralint.1 not installed"
	finish
fi
th_version=$(sed -n 's/^\.TH [^"]*"[^"]*" "migralint \([^"]*\)".*/\1/p' "$page")
if [[ -n $th_version && $th_version == "$version" ]]; then
	ok "the man page is for version $th_version"
else
	fail "the man page's .TH names version '$th_version', the binary is '$version'"
fi
if command -v man >/dev/null 2>&1; then
	if MANWIDTH=80 man --warnings=w -l "$page" >"$tmp/man.txt" 2>"$tmp/man.err" &&
		[[ ! -s $tmp/man.err ]]; then
		ok "man -l renders the page without warnings ($(wc -l <"$tmp/man.txt") lines)"
	else
		fail "man -l warned:"
		sed 's/^/    /' "$tmp/man.err"
	fi
	for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" FORMATS CONFIGURATION SUPPRESSION ENVIRONMENT EXAMPLES "SEE ALSO"; do
		grep -qx "$section" "$tmp/man.txt" || fail "the rendered page has no $section section"
	done
	missing=()
	for opt in --format --stdin-filename --statements --pg-version --assume-in-transaction \
		--no-assume-in-transaction --exclude --include \
		--fail-on --config --no-config --print-config --list-rules --explain --version --help NO_COLOR \
		.migralint.json $("$prefix/bin/migralint" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		grep -q -- "$opt" "$tmp/man.txt" || missing+=("$opt")
	done
	for fmt in text json locks sarif github gitlab gcc markdown; do
		grep -Eq "^       $fmt( |$)" "$tmp/man.txt" || missing+=("format $fmt")
	done
	for code in 0 1 2 3; do
		grep -Eq "^       $code +[A-Z]" "$tmp/man.txt" || missing+=("exit status $code")
	done
	if [[ ${#missing[@]} -eq 0 ]]; then
		ok "the page documents every option (those of --help too), format and exit status"
	else
		fail "the page does not document: ${missing[*]}"
	fi
	# The .migralint.json example of the page is one the installed binary accepts.
	awk '/^           \{/ { on = 1 } on { print } on && /^           \}/ { exit }' "$tmp/man.txt" >"$tmp/example.json"
	status=0
	"$prefix/bin/migralint" --config "$tmp/example.json" --print-config >/dev/null 2>"$tmp/example.err" || status=$?
	if [[ -s $tmp/example.json && $status -eq 0 ]]; then
		ok "the page's .migralint.json example is a valid configuration"
	else
		fail "the page's .migralint.json example (status $status):"
		sed 's/^/    /' "$tmp/example.json" "$tmp/example.err"
	fi
fi
if command -v groff >/dev/null 2>&1; then
	if groff -man -ww -z "$page" 2>"$tmp/groff.err" && [[ ! -s $tmp/groff.err ]]; then
		ok "groff -man -ww finds nothing to warn about"
	else
		fail "groff -man -ww warned:"
		sed 's/^/    /' "$tmp/groff.err"
	fi
fi

finish
