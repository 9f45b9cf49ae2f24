#!/usr/bin/env bash
# fuzz_smoke.sh - a short smoke run of the libFuzzer harnesses (tests/fuzz/):
# builds them with clang in build-fuzz/, builds their seed corpus from the
# project's files (tests/fuzz/make-seeds.sh), runs each one for about 10
# seconds from its seeds, then once over its regression inputs in
# tests/fuzz/crashes/<harness>/. Prints ok or FAIL per harness and
# "N passed, M failed"; exits 1 when any harness crashed, leaked, timed out or
# ran out of memory, and 77 (skipped) when clang or libFuzzer is missing.
#
#   tests/fuzz_smoke.sh [SOURCE_DIR]
#
# Environment: MIGRALINT_FUZZ_BUILD (build directory, default
# SOURCE_DIR/build-fuzz), MIGRALINT_FUZZ_SECONDS (per harness, default 12),
# CC (default clang).
set -uo pipefail

root=${1:-$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)}
root=$(cd -- "$root" && pwd -P)
build=${MIGRALINT_FUZZ_BUILD:-$root/build-fuzz}
seconds=${MIGRALINT_FUZZ_SECONDS:-10}
cc=${CC:-clang}
harnesses=(fuzz_lint fuzz_plpgsql fuzz_suppress fuzz_config fuzz_unpack)

skip() {
	echo "fuzz_smoke.sh: skipped: $*" >&2
	exit 77
}

command -v "$cc" >/dev/null 2>&1 || skip "$cc not found (install clang and libclang-rt-14-dev)"
command -v cmake >/dev/null 2>&1 || skip "cmake not found"
probe_dir=$(mktemp -d)
trap 'rm -rf -- "$probe_dir"' EXIT
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
	>"$probe_dir/probe.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe_dir/probe.c" -o "$probe_dir/probe" \
	>"$probe_dir/log" 2>&1; then
	cat "$probe_dir/log" >&2
	skip "$cc cannot build a libFuzzer target (install libclang-rt-14-dev)"
fi

jobs=$(nproc 2>/dev/null || echo 2)
echo "==> building the harnesses in $build" >&2
if ! cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER="$cc" -DMIGRALINT_FUZZ=ON -DMIGRALINT_TESTS=OFF \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >"$probe_dir/configure.log" 2>&1; then
	cat "$probe_dir/configure.log" >&2
	echo "fuzz_smoke.sh: error: configuring $build failed" >&2
	exit 1
fi
if ! cmake --build "$build" --target fuzzers -j"$jobs" >"$probe_dir/build.log" 2>&1; then
	cat "$probe_dir/build.log" >&2
	echo "fuzz_smoke.sh: error: building the harnesses failed" >&2
	exit 1
fi

seeds=$build/fuzz-seeds
bash "$root/tests/fuzz/make-seeds.sh" "$seeds" || {
	echo "fuzz_smoke.sh: error: make-seeds.sh failed" >&2
	exit 1
}

logs=$build/fuzz-logs
artifacts=$build/fuzz-artifacts
mkdir -p -- "$logs" "$artifacts"
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

passed=0 failed=0
for h in "${harnesses[@]}"; do
	bin=$build/tests/fuzz/$h
	rm -rf -- "${artifacts:?}/$h"
	mkdir -p -- "$artifacts/$h"
	# New inputs land in the first directory: a throw-away one, so the
	# seeds stay as make-seeds.sh wrote them and every run starts alike.
	corpus=$(mktemp -d)
	status=0
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$artifacts/$h/" "$corpus" "$seeds/$h" >"$logs/$h.log" 2>&1 || status=$?
	rm -rf -- "$corpus"
	what=fuzzing
	# The regression inputs: each file is run once.
	regress=()
	if [[ -d $root/tests/fuzz/crashes/$h ]]; then
		mapfile -t regress < <(find "$root/tests/fuzz/crashes/$h" -type f | LC_ALL=C sort)
	fi
	if [[ $status -eq 0 && ${#regress[@]} -gt 0 ]]; then
		what="tests/fuzz/crashes/$h"
		"$bin" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$artifacts/$h/" "${regress[@]}" \
			>"$logs/$h.crashes.log" 2>&1 || status=$?
	fi
	done_line=$(grep -a '^#[0-9]*[[:space:]]*DONE' "$logs/$h.log" | tail -n 1)
	if [[ $status -eq 0 ]]; then
		printf 'ok    %-14s %s; %d regression inputs\n' "$h" "${done_line:-(no DONE line)}" "${#regress[@]}"
		passed=$((passed + 1))
	else
		printf 'FAIL  %-14s exit %d while %s; log: %s\n' "$h" "$status" "$what" \
			"$logs/$h$([[ $what == fuzzing ]] || echo .crashes).log"
		# The sanitizer's or libFuzzer's report, and the saved input.
		log=$logs/$h.log
		[[ $what == fuzzing ]] || log=$logs/$h.crashes.log
		grep -a -A60 -m1 -E '^==[0-9]+==|runtime error:|check failed:|^ALARM|out-of-memory|Test unit written' "$log" |
			sed 's/^/      /' | head -n 80
		ls -1 "$artifacts/$h" 2>/dev/null | sed "s|^|      artifact: $artifacts/$h/|"
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]] || exit 1
exit 0
