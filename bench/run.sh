#!/usr/bin/env bash
# bench/run.sh - time migralint against squawk 2.66.0 on real migrations.
#
# What it measures (wall seconds, user seconds, sys seconds and peak RSS, from
# GNU time; medians over RUNS runs; the two tools alternate run by run):
#   1x   one big file, about 25 MB: every *.sql file of ../shared/corpus
#        (postgres_regress excluded) that migralint AND squawk both parse
#        without a syntax error, each followed by ";\n", repeated to ~25 MB
#   2x   the same, ~50 MB, and
#   4x   ~100 MB: time per MB across 1x/2x/4x shows whether time is linear
#   dir  the corpus as a directory: the 7 projects' *.sql files (many small
#        files), postgres_regress excluded
#   small  one small migration, the pre-commit case: the corpus file nearest
#        SMALL_BYTES (2,000) in size, alone in a folder, linted SMALL_REPS (200)
#        times in a row per timed run (xargs -n 1; the figures are per lint)
# and then migralint's default against --jobs 1 on 1x and dir, side by side
# beside a CPU hog (one `yes >/dev/null` per core but one: a busy machine):
# the default must not be slower (at most 1.05x --jobs 1).
# and, timed for migralint alone at 1x and 4x (the 4x/1x wall-time ratio
# shows whether the time is linear: 4.0), generated inputs that once took
# quadratic time:
#   ignores  20,000 / 80,000 lines "ALTER TABLE t DROP COLUMN cN; -- migralint-ignore
#            ban-drop-column": every finding looks up the comments covering it
# Options: migralint --format json --no-config --max-input-size 1G FILE|DIR...
#          (the 4x input is over the default --max-input-size of 64 MiB)
#          squawk    --reporter json FILE|'DIR/**/*.sql'...
# Then migralint alone on generated inputs at 1x and 4x, to show that a part
# of it is linear in what it handles (time x4 at 4x; x16 would be quadratic):
#   markdown   --format markdown on one file with 20,000 findings (80,000 at
#              4x), against --format text on the same file
#   glob       a directory of 1,000 files named with 60 characters (240 at 4x)
#              under 96 globs of many stars that never match, less the same
#              run without the configuration: the time spent matching globs
# and the scan of the application's code (--references, issue 12):
#   codescan   a generated tree of 100,000 files of a few KB (Ruby, Go,
#              Python, TypeScript, Java, JavaScript; about 430 MB), 1 in 97
#              of them using users.legacy_name and 1 in 89 the User model,
#              scanned for one migration that drops users.legacy_name: the
#              run with --references TREE, the same run without, and the
#              difference, the time the scan takes (target: under 2 s)
# Both write to /dev/null, with NO_COLOR=1, from an empty working directory.
# Exit status 0 or 1 is normal for both; anything else is reported.
#
# Usage: bench/run.sh            (from any directory)
#   RUNS=N          runs per tool and input (default 5)
#   MIGRALINT=PATH  time this binary instead of building build-bench/ (Release)
#   SQUAWK=PATH     use this squawk binary instead of installing it from npm
#   NO_SQUAWK=1     time migralint alone
#   CORPUS=DIR      the corpus (default: ../shared/corpus next to the repository)
#   TARGET_MB=N     size of the 1x input in MB of 10^6 bytes (default 25)
#   BENCH_CACHE=DIR where the npm install of squawk is kept (default bench/.cache)
#   ONLY=scaling    run the scaling cases only (no corpus, no squawk)
#   ONLY=codescan   run the code scan case only (no corpus, no squawk)
#   ONLY=trace      run the trace case only: `migralint trace` start-up
#                   (initdb, pg_ctl start, two connections; target: under
#                   3 s) on an empty file, and the time it adds per
#                   statement over a plain history of 1,000 statements (100
#                   tables, 9 ADD COLUMNs each): wall time less start-up
#                   and less the statements' own time on the server
#   ONLY=lsp        run the language server case only: `migralint lsp`
#                   linting a 10,000-line migration again after an edit,
#                   the time from didChange sent to publishDiagnostics
#                   received (bench/lsp_latency.py; median and p95 over
#                   LSP_EDITS edits, default 40; target: under 50 ms), on
#                   the examples repeated and, when it is there, the corpus
#   CODESCAN_FILES=N  files of the code scan's tree (default 100000)
#   SMALL_REPS=N    lints per timed run of the small case (default 200)
#   NO_HOG=1        skip the default-against---jobs-1 runs beside a CPU hog
#   BASELINE=PATH   also time this migralint binary (say, main before a change)
#                   as the tool "baseline", alternating with the others, and
#                   check that migralint is not slower: wall time and peak RSS
#                   at most 1.05x the baseline's on every input
#
# Needs: cmake and a C compiler, GNU time (/usr/bin/time), jq (or python3),
# and, for squawk, npm with the registry reachable on the first run (the
# install is cached). The corpus is read in place; the inputs are built in a
# temporary directory, removed at the end. The summary is printed and written
# to bench/last-results.txt (not committed).
set -euo pipefail

SQUAWK_VERSION=2.66.0
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
RUNS=${RUNS:-5}
TARGET_MB=${TARGET_MB:-25}
CORPUS=${CORPUS:-$repo/../shared/corpus}
BENCH_CACHE=${BENCH_CACHE:-$here/.cache}
results=$here/last-results.txt
TIME=/usr/bin/time

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'bench: warning: %s\n' "$*" >&2; }
die() {
	printf 'bench: error: %s\n' "$*" >&2
	exit 1
}

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer (got '$RUNS')"
[[ $TARGET_MB =~ ^[1-9][0-9]*$ ]] || die "TARGET_MB must be a positive integer"
[[ -x $TIME ]] || die "$TIME (GNU time) is required"
ONLY=${ONLY:-}
[[ -z $ONLY || $ONLY == scaling || $ONLY == codescan || $ONLY == trace || $ONLY == lsp ]] ||
	die "ONLY must be empty, 'scaling', 'codescan', 'trace' or 'lsp' (got '$ONLY')"
LSP_EDITS=${LSP_EDITS:-40}
[[ $LSP_EDITS =~ ^[1-9][0-9]*$ ]] || die "LSP_EDITS must be a positive integer"
CODESCAN_FILES=${CODESCAN_FILES:-100000}
SMALL_REPS=${SMALL_REPS:-200}
[[ $SMALL_REPS =~ ^[1-9][0-9]*$ ]] || die "SMALL_REPS must be a positive integer"
[[ $CODESCAN_FILES =~ ^[1-9][0-9]*$ ]] || die "CODESCAN_FILES must be a positive integer"
if [[ -z $ONLY ]]; then
	[[ -d $CORPUS ]] || die "corpus not found at $CORPUS (set CORPUS=DIR)"
	CORPUS=$(cd "$CORPUS" && pwd)
fi
if command -v jq >/dev/null; then
	json_tool=jq
elif command -v python3 >/dev/null; then
	json_tool=python3
else
	die "jq or python3 is required to read migralint's JSON report"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/migralint-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/cwd"
export NO_COLOR=1

# ---------------------------------------------------------------- migralint
if [[ -n ${MIGRALINT:-} ]]; then
	[[ -x $MIGRALINT ]] || die "MIGRALINT=$MIGRALINT is not an executable"
	MIGRALINT=$(cd "$(dirname "$MIGRALINT")" && pwd)/$(basename "$MIGRALINT")
	log "migralint: $MIGRALINT (given)"
else
	log "building migralint (Release) in build-bench/"
	if ! { cmake -S "$repo" -B "$repo/build-bench" -DCMAKE_BUILD_TYPE=Release >"$tmp/cmake.log" 2>&1 &&
		cmake --build "$repo/build-bench" -j"$(nproc)" --target migralint >>"$tmp/cmake.log" 2>&1; }; then
		tail -30 "$tmp/cmake.log" >&2
		die "build failed"
	fi
	MIGRALINT=$repo/build-bench/migralint
fi
m_version=$("$MIGRALINT" --version 2>&1 | head -1)
m_rev=$(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)

# ---------------------------------------------------------------- code scan
gen_code_tree() { # DIR N: N files of 30 to 69 lines, 100 per folder, in six languages
	awk -v n="$2" -v dir="$1" 'BEGIN {
		split("rb go py ts java js", ext, " ")
		split("order_id customer_email created_at updated_at total_cents status_code invoice_number shipping_address account_id session_token", words, " ")
		for (i = 0; i < n; i++) {
			d = sprintf("%s/pkg%02d/mod%03d", dir, int(i / 10000), int(i / 100) % 100)
			if (i % 100 == 0)
				system("mkdir -p " d)
			f = sprintf("%s/file%05d.%s", d, i, ext[i % 6 + 1])
			lines = 30 + (i * 7919) % 40
			for (l = 0; l < lines; l++) {
				w1 = words[(i + l) % 10 + 1]
				w2 = words[(i * 3 + l) % 10 + 1]
				if (l % 5 == 0) printf "// handler %d.%d computes %s from %s for the report\n", i, l, w1, w2 > f
				else if (l % 5 == 1) printf "function handle_%d_%d(ctx, request, response) { return compute(%s, %s); }\n", i, l, w1, w2 > f
				else if (l % 5 == 2) printf "    const value%d = fetchRecord(\"%s\", %d, options.%s || defaults.%s);\n", l, w1, i, w2, w1 > f
				else if (l % 5 == 3) printf "    if (value%d && value%d.%s !== undefined) { results.push(value%d.%s); }\n", l, l, w1, l, w2 > f
				else printf "    // TODO(%d): check %s against %s before saving\n", l, w2, w1 > f
			}
			if (i % 97 == 0) printf "const q%d = \"SELECT id, legacy_name FROM users WHERE id = $1\";\n", i > f
			else if (i % 89 == 0) printf "class User { legacyName: string }\n" > f
			close(f)
		}
	}'
}
: >"$tmp/codescan"
codescan_case() {
	local tree=$tmp/code mode r rc refs
	local -A med
	log "code scan: generating $CODESCAN_FILES files"
	gen_code_tree "$tree" "$CODESCAN_FILES"
	local mb_tree
	mb_tree=$(find "$tree" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s / 1e6 }')
	mkdir -p "$tmp/codemig"
	printf "SET lock_timeout = '2s';\nSET statement_timeout = '10min';\nALTER TABLE users DROP COLUMN legacy_name;\n" \
		>"$tmp/codemig/0002_drop.sql"
	# One run untimed (the page and directory caches, as on a second run),
	# which also says whether the scan ran: it needs the rule's finding.
	rc=0
	(cd "$tmp/cwd" && "$MIGRALINT" --no-config --format json --references "$tree" "$tmp/codemig/0002_drop.sql" \
		>"$tmp/codescan.json" 2>"$tmp/stderr") || rc=$?
	((rc <= 1)) || warn "code scan: exit $rc $(head -c 200 "$tmp/stderr")"
	if [[ $json_tool == jq ]]; then
		refs=$(jq '[.diagnostics[] | (.references // [])[] | select(.kind == "code")] | length' "$tmp/codescan.json")
	else
		refs=$(python3 -c 'import json, sys
print(sum(1 for d in json.load(open(sys.argv[1]))["diagnostics"] for r in d.get("references", []) if r["kind"] == "code"))' \
			"$tmp/codescan.json")
	fi
	((refs > 0)) || warn "code scan: no code reference in the report: the scan did not run (no dropped-column-still-referenced finding?)"
	local load
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	for mode in refs none; do
		: >"$tmp/scale.times"
		for ((r = 1; r <= RUNS; r++)); do
			if [[ $mode == refs ]]; then set -- --references "$tree"; else set --; fi
			rc=0
			(cd "$tmp/cwd" && "$TIME" -o "$tmp/time.out" -f '%e %U %S' "$MIGRALINT" --no-config --format json "$@" \
				"$tmp/codemig/0002_drop.sql" >/dev/null 2>"$tmp/stderr") || rc=$?
			((rc <= 1)) || warn "code scan ($mode) run $r: exit $rc $(head -c 200 "$tmp/stderr")"
			tail -1 "$tmp/time.out" >>"$tmp/scale.times"
			[[ $mode == refs ]] && log "code scan: run $r: $(tail -1 "$tmp/time.out") (wall user sys)"
		done
		med[$mode]=$(cut -d' ' -f1 "$tmp/scale.times" | sort -g |
			awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
		med[$mode.cpu]=$(awk '{ print $2 + $3 }' "$tmp/scale.times" | sort -g |
			awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
	done
	{
		printf '  %s files, %s MB, %s code references found\n' "$CODESCAN_FILES" "$mb_tree" "$refs"
		printf '  with --references %6.2f s wall (%5.2f s cpu)   without %5.2f s   the scan %5.2f s (target < 2 s: %s)\n' \
			"${med[refs]}" "${med[refs.cpu]}" "${med[none]}" \
			"$(awk -v a="${med[refs]}" -v b="${med[none]}" 'BEGIN { print a - b }')" \
			"$(awk -v a="${med[refs]}" -v b="${med[none]}" -v n="$refs" \
				'BEGIN { print (n == 0 ? "NOT MEASURED: nothing was looked for" : a - b < 2 ? "PASS" : "FAIL") }')"
		printf '  load average before the timed runs: %s\n' "$load"
	} >>"$tmp/codescan"
	rm -rf "$tree"
}
codescan_summary() {
	echo "code scan (--references; medians of $RUNS runs, warm caches):"
	cat "$tmp/codescan"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
trace_case() {
	local r rc n=1000
	mkdir -p "$tmp/trace"
	: >"$tmp/trace/000_empty.sql"
	for ((t = 1; t <= 100; t++)); do
		printf 'CREATE TABLE t%d (id bigint PRIMARY KEY, v text);\n' "$t"
		for ((c = 1; c <= 9; c++)); do printf 'ALTER TABLE t%d ADD COLUMN c%d integer;\n' "$t" "$c"; done
	done >"$tmp/trace/001_history.sql"
	: >"$tmp/trace.start" ; : >"$tmp/trace.empty" ; : >"$tmp/trace.per"
	for ((r = 1; r <= RUNS; r++)); do
		rc=0
		(cd "$tmp/cwd" && "$TIME" -o "$tmp/time.out" -f '%e' "$MIGRALINT" trace --no-config --tool plain \
			"$tmp/trace/000_empty.sql" >/dev/null 2>"$tmp/stderr") || rc=$?
		((rc <= 1)) || die "trace: exit $rc $(head -c 300 "$tmp/stderr")"
		sed -n 's/.*connected in \([0-9.]*\) s.*/\1/p' "$tmp/stderr" >>"$tmp/trace.start"
		tail -1 "$tmp/time.out" >>"$tmp/trace.empty"
		rc=0
		(cd "$tmp/cwd" && "$TIME" -o "$tmp/time.out" -f '%e' "$MIGRALINT" trace --no-config --tool plain \
			"$tmp/trace/001_history.sql" >/dev/null 2>"$tmp/stderr") || rc=$?
		((rc <= 1)) || die "trace: exit $rc $(head -c 300 "$tmp/stderr")"
		# wall - start-up - the statements' own time, per statement, in ms
		awk -v wall="$(tail -1 "$tmp/time.out")" -v n="$n" '
			/connected in/ { for (i = 1; i <= NF; i++) { if ($i == "in") s = $(i + 1); if ($i == "ms" && $(i + 1) == "on") srv = $(i - 1); if ($i == "ms" && $(i + 1) == "reading") obs = $(i - 1) } }
			END { printf "%.3f %.3f %.1f %.1f\n", (wall - s - srv / 1000) * 1000 / n, obs / n, srv, wall }' "$tmp/stderr" \
			>>"$tmp/trace.per"
		log "trace: run $r: start-up $(tail -1 "$tmp/trace.start") s; 1,000 statements: $(tail -1 "$tmp/trace.per") (overhead ms/stmt, reading ms/stmt, server ms, wall s)"
	done
	local start empty per obs
	start=$(median <"$tmp/trace.start")
	empty=$(median <"$tmp/trace.empty")
	per=$(cut -d' ' -f1 "$tmp/trace.per" | median)
	obs=$(cut -d' ' -f2 "$tmp/trace.per" | median)
	{
		echo "trace (migralint trace on its own throwaway server; medians of $RUNS runs):"
		printf '  start-up (initdb, start, two connections) %5.2f s (target < 3 s: %s); a whole trace of an empty file %5.2f s\n' \
			"$start" "$(awk -v a="$start" 'BEGIN { print (a < 3 ? "PASS" : "FAIL") }')" "$empty"
		printf '  per statement, over 1,000: %6.3f ms added (of which %6.3f ms reading locks, files and counters)\n' "$per" "$obs"
		printf '  load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
	}>"$tmp/tracecase"
}
# ---------------------------------------------------------------- lsp
# migralint lsp after an edit (issue 15): a realistic migration of 10,000
# lines, opened in the server, edited LSP_EDITS times (a statement added
# half way, then taken away), each time from didChange sent to the
# publishDiagnostics of that version received, over a pipe
# (bench/lsp_latency.py). Inputs, cut at a file boundary once they reach
# 10,000 lines: examples/migrations repeated, each copy with its tables
# renamed (one file does not create the same table 300 times); and the
# corpus's migrations without a syntax error (postgres_regress excluded),
# each followed by ";".
lsp_case() {
	local input=$tmp/lsp-examples.sql copy=0 f
	: >"$input"
	while (($(wc -l <"$input") < 10000)); do
		copy=$((copy + 1))
		for f in "$repo"/examples/migrations/*.sql; do
			sed -E "s/\b(invoices|orders|users|accounts)(_[a-z_]+)?\b/\1\2_$copy/g" "$f" >>"$input"
			echo >>"$input"
		done
	done
	: >"$tmp/lspcase"
	lsp_one() { # LABEL FILE
		local line
		line=$(python3 "$here/lsp_latency.py" "$MIGRALINT" "$2" "$LSP_EDITS" "$1") || die "lsp: the server failed on $1"
		log "lsp: $line"
		awk -v line="$line" 'BEGIN {
			n = split(line, f, " "); for (i = 2; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
			printf "  %-9s %6d lines %5.0f KB %4d findings: open %5.1f ms, after an edit median %5.1f ms, p95 %5.1f ms (%s), max %5.1f ms; server CPU %5.1f ms per edit\n",
				f[1], v["lines"], v["bytes"] / 1024, v["diagnostics"], v["open"] * 1000, v["median"] * 1000, v["p95"] * 1000,
				(v["median"] < 0.05 ? "PASS" : "FAIL"), v["max"] * 1000, v["cpu"] * 1000 }' >>"$tmp/lspcase"
	}
	lsp_one examples "$input"
	if [[ -d $CORPUS ]]; then
		local projects_lsp=() d
		while IFS= read -r d; do projects_lsp+=("$d"); done < <(
			find "$CORPUS" -mindepth 1 -maxdepth 1 -type d ! -name postgres_regress | LC_ALL=C sort)
		(cd "$tmp/cwd" && "$MIGRALINT" --format json --no-config "${projects_lsp[@]}" >"$tmp/lsp-corpus.json") || true
		input=$tmp/lsp-corpus.sql
		python3 - "$tmp/lsp-corpus.json" "$input" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
bad = {d["path"] for d in r["diagnostics"] if d["rule"] in ("invalid-input", "syntax-error")}
lines = 0
with open(sys.argv[2], "w", encoding="utf-8", errors="surrogateescape") as out:
    for f in r["files"]:
        if f["path"] in bad or f.get("skipped") or lines >= 10000:
            continue
        text = open(f["path"], encoding="utf-8", errors="surrogateescape").read()
        out.write(text + ("" if text.endswith("\n") else "\n") + ";\n")
        lines += text.count("\n") + 2
PY
		lsp_one corpus "$input"
	else
		echo "  corpus: not found at $CORPUS: skipped" >>"$tmp/lspcase"
	fi
	{
		echo "lsp (migralint lsp over a pipe, $LSP_EDITS edits each; target: median under 50 ms):"
		cat "$tmp/lspcase"
		printf '  load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
	} >"$tmp/lspsummary"
}
if [[ $ONLY == lsp ]]; then
	lsp_case
	{
		echo "migralint lsp, $(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "machine: $(uname -srm), nproc $(nproc)"
		echo "migralint: $m_version (git $m_rev)"
		echo
		cat "$tmp/lspsummary"
	} >"$tmp/summary"
	cp "$tmp/summary" "$results"
	echo
	cat "$tmp/summary"
	exit 0
fi
if [[ $ONLY == trace ]]; then
	trace_case
	{
		echo "migralint trace, $(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "machine: $(uname -srm), nproc $(nproc)"
		echo "migralint: $m_version (git $m_rev)"
		echo
		cat "$tmp/tracecase"
	} >"$tmp/summary"
	cp "$tmp/summary" "$results"
	echo
	cat "$tmp/summary"
	exit 0
fi
if [[ $ONLY == codescan ]]; then
	codescan_case
	{
		echo "migralint code scan, $(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "machine: $(uname -srm), nproc $(nproc)"
		echo "migralint: $m_version (git $m_rev)"
		echo
		codescan_summary
	} >"$tmp/summary"
	cp "$tmp/summary" "$results"
	echo
	cat "$tmp/summary"
	log "written to ${results#"$repo"/}"
	exit 0
fi
# ---------------------------------------------------------- scaling cases
# Each case: a generator writes an input of size N, and migralint runs on it
# at N (1x) and 4N (4x), RUNS times each; the medians and their ratio go to
# the summary. A ratio near 4 is linear; near 16, quadratic.
gen_drop_indexes() { # N: one file, N statements, each a finding (DROP INDEX without CONCURRENTLY)
	awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) printf "DROP INDEX i%d;\n", i }'
}

: >"$tmp/scaling"
scaling_case() { # LABEL N GENERATOR MIGRALINT-ARGS...: the input goes last
	local label=$1 n=$2 gen=$3 x r rc
	shift 3
	local -A med
	for x in 1 4; do
		"$gen" $((n * x)) >"$tmp/scale.sql"
		: >"$tmp/scale.times"
		for ((r = 1; r <= RUNS; r++)); do
			rc=0
			(cd "$tmp/cwd" && "$TIME" -o "$tmp/time.out" -f '%e' "$MIGRALINT" --no-config "$@" "$tmp/scale.sql" \
				>/dev/null 2>"$tmp/stderr") || rc=$?
			((rc <= 1)) || warn "scaling '$label' ${x}x run $r: exit $rc $(head -c 200 "$tmp/stderr")"
			tail -1 "$tmp/time.out" >>"$tmp/scale.times"
		done
		med[$x]=$(sort -g "$tmp/scale.times" |
			awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
		log "scaling: $label, ${x}x: ${med[$x]} s"
	done
	printf '  %-52s 1x %7.2f s   4x %7.2f s   4x/1x %5.2f\n' "$label" "${med[1]}" "${med[4]}" \
		"$(awk -v a="${med[1]}" -v b="${med[4]}" 'BEGIN { print b / (a + 1e-9) }')" >>"$tmp/scaling"
	rm -f "$tmp/scale.sql"
}

log "scaling cases: RUNS=$RUNS"
scaling_case "markdown, 20,000 findings in one file (80,000 at 4x)" 20000 gen_drop_indexes --format markdown
scaling_case "text, the same input (for comparison)" 20000 gen_drop_indexes --format text
gen_ignores() { # N: N findings, each silenced by its own ignore comment
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "ALTER TABLE t DROP COLUMN c%d; -- migralint-ignore ban-drop-column\n", i }'
}
scaling_case "ignore comments, 20,000 each silencing one finding" 20000 gen_ignores --format json
# glob: GLOB_FILES files in a directory, named with N characters (4 digits,
# then a's), under a configuration of 64 exclude globs and 32 override globs
# of many stars that never match ("*a*a*a*a*a*a*b" against a name of a's
# made the old backtracking matcher take over a minute for one name). The
# same directory is timed without the configuration; the figure is the
# difference, the time spent matching globs, for names of N and 4N.
GLOB_FILES=1000
{
	printf '{\n  "exclude": [\n'
	for ((i = 0; i < 64; i++)); do
		if ((i % 2)); then g='**/*a*a*a*a*a*a*b/**'; else g="*a*a*a*a*a*a*b$i*"; fi
		printf '    "%s"%s\n' "$g" "$(((i < 63)) && echo ,)"
	done
	printf '  ],\n  "overrides": [\n'
	for ((i = 0; i < 16; i++)); do
		printf '    { "files": ["**/*a*a*a*a*a*a*b%d", "x%d/**/*a*a*a*a*a*a*a*b"], "pg_version": "15" }%s\n' \
			"$i" "$i" "$(((i < 15)) && echo ,)"
	done
	printf '  ]\n}\n'
} >"$tmp/glob-config.json"
scaling_median_of() { # FILE: the median of the numbers in FILE
	sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
scaling_glob_case() { # N: names of N characters at 1x
	local n=$1 x r rc i a d mode
	local -A med
	for x in 1 4; do
		d=$tmp/glob${x}x
		mkdir -p "$d"
		a=$(head -c $((n * x - 4)) /dev/zero | tr '\0' a)
		for ((i = 0; i < GLOB_FILES; i++)); do printf 'SELECT 1;\n' >"$d/$(printf '%04d' "$i")$a.sql"; done
		for mode in config none; do
			: >"$tmp/scale.times"
			for ((r = 1; r <= RUNS; r++)); do
				rc=0
				if [[ $mode == config ]]; then set -- --config "$tmp/glob-config.json"; else set -- --no-config; fi
				(cd "$tmp/cwd" && "$TIME" -o "$tmp/time.out" -f '%e' "$MIGRALINT" "$@" --format json "$d" \
					>/dev/null 2>"$tmp/stderr") || rc=$?
				((rc <= 1)) || warn "scaling 'glob' ${x}x run $r: exit $rc $(head -c 200 "$tmp/stderr")"
				tail -1 "$tmp/time.out" >>"$tmp/scale.times"
			done
			med[$x$mode]=$(scaling_median_of "$tmp/scale.times")
		done
		med[$x]=$(awk -v a="${med[${x}config]}" -v b="${med[${x}none]}" 'BEGIN { print a - b }')
		log "scaling: glob, ${x}x: ${med[${x}config]} s, without the configuration ${med[${x}none]} s"
		rm -rf "$d"
	done
	printf '  %-52s 1x %7.2f s   4x %7.2f s   4x/1x %5.2f\n' \
		"glob matching, $GLOB_FILES names of $n chars ($((n * 4)) at 4x)" "${med[1]}" "${med[4]}" \
		"$(awk -v a="${med[1]}" -v b="${med[4]}" 'BEGIN { print b / (a + 1e-9) }')" >>"$tmp/scaling"
}
scaling_glob_case 60
scaling_summary() {
	echo "scaling (migralint alone, medians of $RUNS runs; 4x/1x is 4 when linear, 16 when quadratic):"
	cat "$tmp/scaling"
}

if [[ $ONLY == scaling ]]; then
	{
		echo "migralint scaling cases, $(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "machine: $(uname -srm), nproc $(nproc)"
		echo "migralint: $m_version (git $m_rev)"
		echo
		scaling_summary
	} >"$tmp/summary"
	cp "$tmp/summary" "$results"
	echo
	cat "$tmp/summary"
	log "written to ${results#"$repo"/}"
	exit 0
fi
codescan_case

# ------------------------------------------------------------------- squawk
# squawk-cli on npm is a JavaScript launcher; the native binary comes in an
# optional dependency per platform (@squawk-cli/linux-x64/bin/squawk, ...),
# which npm installs without any postinstall download. We run that binary
# directly, so node's start-up is not timed.
squawk_note=
is_squawk() { [[ -x $1 ]] && "$1" --version 2>/dev/null | grep -qx "squawk $SQUAWK_VERSION"; }
find_squawk() { # PREFIX: print the native binary under PREFIX/node_modules
	local nm=$1/node_modules f
	[[ -d $nm ]] || return 1
	for f in "$nm"/@squawk-cli/*/bin/squawk "$nm"/squawk-cli/bin/squawk; do
		if is_squawk "$f"; then
			printf '%s\n' "$f"
			return 0
		fi
	done
	while IFS= read -r f; do
		if [[ $(head -c 4 "$f" | od -An -c | tr -d ' ') == 177ELF ]] && is_squawk "$f"; then
			printf '%s\n' "$f"
			return 0
		fi
	done < <(find "$nm" -type f -name squawk 2>/dev/null)
	return 1
}

SQUAWK_BIN=
if [[ -n ${NO_SQUAWK:-} ]]; then
	squawk_note="squawk skipped (NO_SQUAWK set)"
elif [[ -n ${SQUAWK:-} ]]; then
	is_squawk "$SQUAWK" || die "SQUAWK=$SQUAWK is not squawk $SQUAWK_VERSION"
	SQUAWK_BIN=$SQUAWK
else
	cached=$BENCH_CACHE/squawk-$SQUAWK_VERSION
	if SQUAWK_BIN=$(find_squawk "$cached"); then
		log "squawk: cached in $cached"
	elif ! command -v npm >/dev/null; then
		squawk_note="squawk unavailable: npm is not installed"
	else
		log "installing squawk-cli@$SQUAWK_VERSION from npm"
		if npm install --prefix "$tmp/squawk" --no-audit --no-fund --include=optional \
			"squawk-cli@$SQUAWK_VERSION" >"$tmp/npm.log" 2>&1; then
			if find_squawk "$tmp/squawk" >/dev/null; then
				rm -rf "$cached"
				mkdir -p "$BENCH_CACHE"
				cp -a "$tmp/squawk" "$cached"
				SQUAWK_BIN=$(find_squawk "$cached")
			else
				squawk_note="squawk unavailable: npm installed squawk-cli but no native binary for $(uname -sm) was found in node_modules"
			fi
		else
			tail -5 "$tmp/npm.log" >&2
			squawk_note="squawk unavailable: npm install squawk-cli@$SQUAWK_VERSION failed (registry unreachable?)"
		fi
	fi
fi
if [[ -n $SQUAWK_BIN ]]; then
	log "squawk: $SQUAWK_BIN"
	tools=(migralint squawk)
else
	SQUAWK_BIN=
	warn "$squawk_note; timing migralint alone"
	tools=(migralint)
fi

if [[ -n ${BASELINE:-} ]]; then
	[[ -x $BASELINE ]] || die "BASELINE=$BASELINE is not an executable"
	BASELINE=$(cd "$(dirname "$BASELINE")" && pwd)/$(basename "$BASELINE")
	log "baseline: $BASELINE"
	tools+=(baseline)
fi

run_tool() { # TOOL ARGS...: the command line of TOOL on ARGS
	local t=$1
	shift
	case $t in
	migralint) printf '%s\0' "$MIGRALINT" --format json --no-config --max-input-size 1G "$@" ;;
	baseline) printf '%s\0' "$BASELINE" --format json --no-config --max-input-size 1G "$@" ;;
	squawk) printf '%s\0' "$SQUAWK_BIN" --reporter json "$@" ;;
	esac
}

# ------------------------------------------------------------------- inputs
projects=()
while IFS= read -r d; do projects+=("$d"); done < <(
	find "$CORPUS" -mindepth 1 -maxdepth 1 -type d ! -name postgres_regress | LC_ALL=C sort
)
((${#projects[@]} > 0)) || die "no project folders in $CORPUS"
log "corpus: ${#projects[@]} projects in $CORPUS (postgres_regress excluded)"

# migralint's view: files with no syntax error and no invalid-input diagnostic.
(cd "$tmp/cwd" && "$MIGRALINT" --format json --no-config "${projects[@]}" >"$tmp/corpus.json") || {
	rc=$?
	((rc <= 1)) || die "migralint exited $rc on the corpus"
}
if [[ $json_tool == jq ]]; then
	jq -r '([.diagnostics[] | select(.rule == "invalid-input") | .path] | unique) as $bad
		| .files[] | select(.syntax_errors == 0) | .path | select(. as $p | $bad | index($p) | not)' \
		"$tmp/corpus.json" >"$tmp/m_ok"
	corpus_files=$(jq '.files | length' "$tmp/corpus.json")
else
	python3 - "$tmp/corpus.json" >"$tmp/m_ok" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
bad = {d["path"] for d in r["diagnostics"] if d["rule"] == "invalid-input"}
for f in r["files"]:
    if f["syntax_errors"] == 0 and f["path"] not in bad:
        print(f["path"])
EOF
	corpus_files=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["files"]))' "$tmp/corpus.json")
fi
LC_ALL=C sort -o "$tmp/m_ok" "$tmp/m_ok"
m_ok=$(wc -l <"$tmp/m_ok")
log "migralint: $m_ok of $corpus_files files have no syntax error"

# squawk's view, one run per file: exit 0/1 and no syntax-error in its report.
if [[ -n $SQUAWK_BIN ]]; then
	export SQUAWK_BIN
	# shellcheck disable=SC2016
	tr '\n' '\0' <"$tmp/m_ok" | (cd "$tmp/cwd" && xargs -0 -r -n 1 -P "$(nproc)" bash -c '
		out=$("$SQUAWK_BIN" --reporter json "$1" 2>&1) && rc=0 || rc=$?
		if ((rc > 1)); then printf "crash\t%s\t%s\n" "$rc" "$1"
		elif [[ $out == *"\"rule_name\":\"syntax-error\""* ]]; then printf "syntax\t-\t%s\n" "$1"
		else printf "ok\t-\t%s\n" "$1"; fi' _) >"$tmp/s_check"
	awk -F'\t' '$1 == "ok" { print $3 }' "$tmp/s_check" | LC_ALL=C sort >"$tmp/ok"
	s_syntax=$(awk -F'\t' '$1 == "syntax"' "$tmp/s_check" | wc -l)
	s_crash=$(awk -F'\t' '$1 == "crash"' "$tmp/s_check" | wc -l)
	log "squawk: of those, $s_syntax have a syntax error for squawk, $s_crash make it exit abnormally"
	awk -F'\t' '$1 == "crash" { printf "bench:   squawk exit %s on %s\n", $2, $3 }' "$tmp/s_check" >&2
else
	cp "$tmp/m_ok" "$tmp/ok"
	s_syntax=n/a
	s_crash=n/a
fi
n_ok=$(wc -l <"$tmp/ok")
((n_ok > 0)) || die "no file parses for both tools"

while IFS= read -r f; do
	cat -- "$f"
	printf ';\n'
done <"$tmp/ok" >"$tmp/unit.sql"
unit_bytes=$(stat -c %s "$tmp/unit.sql")
target=$((TARGET_MB * 1000000))
reps=$(((target + unit_bytes / 2) / unit_bytes))
((reps >= 1)) || reps=1
: >"$tmp/1x.sql"
for ((i = 0; i < reps; i++)); do cat "$tmp/unit.sql" >>"$tmp/1x.sql"; done
cat "$tmp/1x.sql" "$tmp/1x.sql" >"$tmp/2x.sql"
cat "$tmp/2x.sql" "$tmp/2x.sql" >"$tmp/4x.sql"

# The small case: the file nearest 2,000 bytes, alone in its folder (so no
# history is found around it), named SMALL_REPS times for xargs.
small_src=$(while IFS= read -r f; do printf '%s\t%s\n' "$(stat -c %s "$f")" "$f"; done <"$tmp/ok" |
	awk -F'\t' '{ d = $1 - 2000; if (d < 0) d = -d; if (NR == 1 || d < best) { best = d; path = $2 } }
		END { print path }')
mkdir -p "$tmp/small"
cp -- "$small_src" "$tmp/small/$(basename "$small_src")"
small_file=$tmp/small/$(basename "$small_src")
for ((i = 0; i < SMALL_REPS; i++)); do printf '%s\n' "$small_file"; done >"$tmp/small.list"

# The concatenation must still parse for both tools (one unit is enough).
unit_m_err=$(cd "$tmp/cwd" && { "$MIGRALINT" --format json --no-config "$tmp/unit.sql" || true; } |
	grep -c '"rule":"syntax-error"' || true)
unit_s_err=n/a
if [[ -n $SQUAWK_BIN ]]; then
	unit_s_err=$(cd "$tmp/cwd" && { "$SQUAWK_BIN" --reporter json "$tmp/unit.sql" 2>/dev/null || true; } |
		{ grep -o '"rule_name":"syntax-error"' || true; } | wc -l)
fi
[[ $unit_m_err == 0 ]] || warn "the concatenated input has $unit_m_err syntax errors for migralint"
[[ $unit_s_err == 0 || $unit_s_err == n/a ]] || warn "the concatenated input has $unit_s_err syntax errors for squawk"

dir_files=$(find "${projects[@]}" -type f -name '*.sql' | wc -l)
dir_bytes=$(find "${projects[@]}" -type f -name '*.sql' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
squawk_patterns=()
for d in "${projects[@]}"; do squawk_patterns+=("$d/**/*.sql"); done
dir_s_files=n/a
if [[ -n $SQUAWK_BIN ]]; then
	dir_s_files=$(cd "$tmp/cwd" && { "$SQUAWK_BIN" --reporter tty "${squawk_patterns[@]}" 2>&1 || true; } |
		sed -n 's/.*checked \([0-9]*\) source file.*/\1/p' | tail -1)
fi

mb() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1e6 }'; }
inputs=(small 1x 2x 4x dir)
declare -A bytes label
for x in 1x 2x 4x; do
	bytes[$x]=$(stat -c %s "$tmp/$x.sql")
	label[$x]="one file, unit x $((reps * ${x%x}))"
done
bytes[dir]=$dir_bytes
label[dir]="$dir_files files in ${#projects[@]} folders"
bytes[small]=$(stat -c %s "$small_file")
label[small]="one file, ${small_src#"$CORPUS"/}, linted $SMALL_REPS times a run (figures per lint)"
{
	echo "inputs (built in $tmp, removed at exit):"
	echo "  unit: $n_ok files parse for both tools (migralint: $m_ok of $corpus_files; squawk: $s_syntax syntax errors, $s_crash abnormal exits), $(mb "$unit_bytes") MB"
	echo "        syntax errors in the concatenated unit: migralint $unit_m_err, squawk $unit_s_err"
	for x in "${inputs[@]}"; do printf '  %-4s %8s MB  %s\n' "$x" "$(mb "${bytes[$x]}")" "${label[$x]}"; done
	echo "  dir: migralint gets the ${#projects[@]} folders, squawk the patterns DIR/**/*.sql (squawk checked $dir_s_files files)"
} >&2

# -------------------------------------------------------------- measurement
args_for() { # INPUT TOOL
	if [[ $1 == small ]]; then
		# One process per lint, as a hook runs it; xargs adds the path.
		printf '%s\0' xargs -d '\n' -n 1 -a "$tmp/small.list"
		run_tool "$2"
	elif [[ $1 == dir ]]; then
		if [[ $2 == squawk ]]; then run_tool squawk "${squawk_patterns[@]}"; else run_tool "$2" "${projects[@]}"; fi
	else
		run_tool "$2" "$tmp/$1.sql"
	fi
}

declare -A abnormal=()
measure() { # INPUT TOOL RUN
	local -a cmd
	local rc=0 line
	mapfile -d '' -t cmd < <(args_for "$1" "$2")
	(cd "$tmp/cwd" && "$TIME" -o "$tmp/time.out" -f '%e %U %S %M' "${cmd[@]}" >/dev/null 2>"$tmp/stderr") || rc=$?
	line=$(tail -1 "$tmp/time.out")
	if [[ $1 == small ]]; then
		# xargs exits 123 when a lint exits 1 (findings); times per lint
		((rc == 123)) && rc=1
		line=$(awk -v n="$SMALL_REPS" '{ printf "%.5f %.5f %.5f %s", $1 / n, $2 / n, $3 / n, $4 }' <<<"$line")
	fi
	if ((rc > 1)) || grep -q 'terminated by signal' "$tmp/time.out"; then
		abnormal[$1,$2]+="run $3: exit $rc $(grep -o 'terminated by signal [0-9]*' "$tmp/time.out" || true) $(head -c 200 "$tmp/stderr" | tr '\n' ' ');"
	fi
	echo "$1 $2 $3 $rc $line" >>"$tmp/raw"
}

log "timing: RUNS=$RUNS, tools alternate (${tools[*]}) run by run"
: >"$tmp/raw"
for x in "${inputs[@]}"; do
	for ((r = 1; r <= RUNS; r++)); do
		for t in "${tools[@]}"; do
			measure "$x" "$t" "$r"
			printf '  %-4s %-9s run %d: %s\n' "$x" "$t" "$r" "$(tail -1 "$tmp/raw" | cut -d' ' -f4-)" >&2
		done
	done
done

median() { # INPUT TOOL FIELD(5=wall 6=user 7=sys 8=rss KB)
	awk -v x="$1" -v t="$2" -v f="$3" '$1 == x && $2 == t { print $f }' "$tmp/raw" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
extreme() { # INPUT TOOL FIELD min|max
	awk -v x="$1" -v t="$2" -v f="$3" '$1 == x && $2 == t { print $f }' "$tmp/raw" | sort -g |
		if [[ $4 == min ]]; then head -1; else tail -1; fi
}

# --------------------------------------------- the default beside a CPU hog
# The default (adaptive workers) against --jobs 1 on a busy machine: one
# busy loop per core but one, then both alternating.
hog_pids=()
stop_hogs() {
	if ((${#hog_pids[@]})); then
		kill "${hog_pids[@]}" 2>/dev/null || true
		wait "${hog_pids[@]}" 2>/dev/null || true
	fi
	hog_pids=()
	return 0
}
trap 'stop_hogs; rm -rf "$tmp"' EXIT
: >"$tmp/hog.raw"
if [[ -z ${NO_HOG:-} ]]; then
	n_hogs=$(($(nproc) - 1))
	((n_hogs >= 1)) || n_hogs=1
	for ((i = 0; i < n_hogs; i++)); do
		yes >/dev/null &
		hog_pids+=($!)
	done
	log "beside $n_hogs CPU hog(s): migralint default against --jobs 1, RUNS=$RUNS"
	for x in 1x dir; do
		for ((r = 1; r <= RUNS; r++)); do
			for mode in default jobs1; do
				if [[ $x == dir ]]; then set -- "${projects[@]}"; else set -- "$tmp/$x.sql"; fi
				[[ $mode == jobs1 ]] && set -- --jobs 1 "$@"
				rc=0
				(cd "$tmp/cwd" && "$TIME" -o "$tmp/time.out" -f '%e %U %S %M' "$MIGRALINT" --format json \
					--no-config --max-input-size 1G "$@" >/dev/null 2>"$tmp/stderr") || rc=$?
				((rc <= 1)) || warn "hog $x $mode run $r: exit $rc"
				echo "$x $mode $r $rc $(tail -1 "$tmp/time.out")" >>"$tmp/hog.raw"
				printf '  hog  %-4s %-8s run %d: %s\n' "$x" "$mode" "$r" "$(tail -1 "$tmp/time.out")" >&2
			done
		done
	done
	stop_hogs
fi
hog_median() { # INPUT MODE
	awk -v x="$1" -v t="$2" '$1 == x && $2 == t { print $5 }' "$tmp/hog.raw" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ------------------------------------------------------------------ summary
declare -A W U S R
for x in "${inputs[@]}"; do
	for t in "${tools[@]}"; do
		W[$x,$t]=$(median "$x" "$t" 5)
		U[$x,$t]=$(median "$x" "$t" 6)
		S[$x,$t]=$(median "$x" "$t" 7)
		R[$x,$t]=$(median "$x" "$t" 8)
	done
done

{
	echo "migralint vs squawk benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $(uname -srm), nproc $(nproc), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ { printf "%.1f GB RAM", $2 / 1048576 }' /proc/meminfo)"
	echo "migralint: $m_version (git $m_rev), $MIGRALINT --format json --no-config --max-input-size 1G"
	if [[ -n $SQUAWK_BIN ]]; then
		echo "squawk:    $("$SQUAWK_BIN" --version), $SQUAWK_BIN --reporter json"
	else
		echo "squawk:    NOT MEASURED: $squawk_note"
	fi
	echo "medians of $RUNS runs per tool, tools alternating; output to /dev/null; MB = 10^6 bytes"
	echo "input: $n_ok corpus files that parse for both tools, $(mb "$unit_bytes") MB, repeated; dir = $dir_files files"
	echo
	printf '%-5s %8s  %-10s %8s %8s %8s %9s %8s %9s\n' input MB tool wall_s user_s sys_s rss_MB s/MB rssMB/MB
	for x in "${inputs[@]}"; do
		m=$(calc '%.6f' "${bytes[$x]} / 1e6")
		first=1
		for t in "${tools[@]}"; do
			# the small case's times are per lint: milliseconds need more places
			if [[ $x == small ]]; then tfmt='%8.5f %8.5f %8.5f'; else tfmt='%8.2f %8.2f %8.2f'; fi
			# shellcheck disable=SC2059
			printf "%-5s %8s  %-10s $tfmt %9.1f %8.4f %9.2f\n" \
				"$(if ((first)); then echo "$x"; fi)" "$(if ((first)); then mb "${bytes[$x]}"; fi)" "$t" \
				"${W[$x,$t]}" "${U[$x,$t]}" "${S[$x,$t]}" "$(calc '%.1f' "${R[$x,$t]} / 1024")" \
				"$(calc '%.4f' "${W[$x,$t]} / $m")" "$(calc '%.2f' "${R[$x,$t]} / 1024 / $m")"
			first=0
		done
		if [[ -n $SQUAWK_BIN ]]; then
			printf '%-5s %8s  %-10s %8s %8s %8s %9s\n' "" "" "m/s ratio" \
				"$(calc '%.3f' "${W[$x,migralint]} / ${W[$x,squawk]}")" \
				"$(calc '%.3f' "${U[$x,migralint]} / ${U[$x,squawk]}")" "" \
				"$(calc '%.3f' "${R[$x,migralint]} / ${R[$x,squawk]}")"
		fi
	done
	echo
	echo "linearity (wall s per MB, relative to 1x; 1.00 = linear):"
	for t in "${tools[@]}"; do
		w1=$(calc '%.6f' "${W[1x,$t]} / (${bytes[1x]} / 1e6)")
		printf '  %-10s' "$t"
		for x in 1x 2x 4x; do
			printf '  %s %.4f s/MB (%s)' "$x" "$(calc '%.6f' "${W[$x,$t]} / (${bytes[$x]} / 1e6)")" \
				"$(calc '%.2f' "${W[$x,$t]} / (${bytes[$x]} / 1e6) / ($w1 + 1e-12)")"
		done
		echo
	done
	echo "throughput on 4x: $(for t in "${tools[@]}"; do printf '%s %.1f MB/s  ' "$t" "$(calc '%.3f' "${bytes[4x]} / 1e6 / ${W[4x,$t]}")"; done)"
	echo
	scaling_summary
	echo
	codescan_summary
	if [[ -n $SQUAWK_BIN ]]; then
		echo
		echo "targets (issue 16): migralint/squawk, medians of alternating runs [each tool's min..max wall s]:"
		verdict() { awk -v v="$1" -v l="$2" 'BEGIN { if (v <= l) print "MET"; else printf "NOT MET: %.2fx the target\n", v / l }'; }
		target_line() { # LABEL INPUT FIELD(W|R) LIMIT
			local r range
			if [[ $3 == W ]]; then
				r=$(calc '%.3f' "${W[$2,migralint]} / ${W[$2,squawk]}")
				range="[m $(extreme "$2" migralint 5 min)..$(extreme "$2" migralint 5 max), s $(extreme "$2" squawk 5 min)..$(extreme "$2" squawk 5 max)]"
			else
				r=$(calc '%.3f' "${R[$2,migralint]} / ${R[$2,squawk]}")
				range="[m $(calc '%.1f' "${R[$2,migralint]} / 1024") MB, s $(calc '%.1f' "${R[$2,squawk]} / 1024") MB]"
			fi
			printf '  %-34s %6s (target <= %s): %s  %s\n' "$1" "$r" "$4" "$(verdict "$r" "$4")" "$range"
		}
		target_line "one small file, wall" small W 0.45
		target_line "corpus directory, wall" dir W 0.50
		target_line "one 25 MB file (1x), wall" 1x W 0.25
		target_line "peak memory, 1x" 1x R 0.25
		target_line "peak memory, dir" dir R 0.25
		target_line "peak memory, small" small R 0.25
		echo "  (why a target is not met: bench/README.md, \"Where the time goes\")"
	fi
	if [[ -s $tmp/hog.raw ]]; then
		echo
		echo "the default (adaptive workers) against --jobs 1 beside a CPU hog, median wall s (target: at most 1.05x):"
		for x in 1x dir; do
			d=$(hog_median "$x" default)
			j=$(hog_median "$x" jobs1)
			r=$(calc '%.3f' "$d / $j")
			printf '  %-4s default %7.2f  --jobs 1 %7.2f  ratio %s  %s\n' "$x" "$d" "$j" "$r" \
				"$(awk -v v="$r" 'BEGIN { print (v <= 1.05 ? "MET" : "NOT MET") }')"
		done
	fi
	if [[ -n ${BASELINE:-} ]]; then
		echo
		echo "against the baseline ($BASELINE; target: at most 1.05, wall and peak RSS):"
		for x in "${inputs[@]}"; do
			rw=$(calc '%.3f' "${W[$x,migralint]} / ${W[$x,baseline]}")
			rr=$(calc '%.3f' "${R[$x,migralint]} / ${R[$x,baseline]}")
			printf '  %-4s wall %s  RSS %s  %s\n' "$x" "$rw" "$rr" \
				"$(awk -v a="$rw" -v b="$rr" 'BEGIN { print (a <= 1.05 && b <= 1.05 ? "PASS" : "FAIL") }')"
		done
	fi
	echo
	if ((${#abnormal[@]} == 0)); then
		echo "abnormal exits (other than 0/1): none"
	else
		echo "abnormal exits (other than 0/1):"
		for k in "${!abnormal[@]}"; do echo "  $k: ${abnormal[$k]}"; done
	fi
	echo
	echo "raw runs (input tool run exit wall user sys rssKB):"
	sed 's/^/  /' "$tmp/raw"
} >"$tmp/summary"

cp "$tmp/summary" "$results"
echo
cat "$tmp/summary"
log "written to ${results#"$repo"/}"
