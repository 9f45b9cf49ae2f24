#!/usr/bin/python3
"""grammar_diff_test.py - what changes when migralint parses with the
PostgreSQL 17 grammar instead of 15's, over ../shared/corpus (read in
place): only what a newer grammar may change, and the PostgreSQL 16
unaliased subqueries in FROM parse. scripts/check-pg17.sh runs it with the
two builds.

usage: grammar_diff_test.py MIGRALINT_PG15 MIGRALINT_PG17 REPO_ROOT

Both builds lint the whole corpus (--statements --format json). Checked:
- each binary's --version names the grammar it is given as;
- both list the same files;
- a top-level statement that parses with 15 parses with 17 as the same
  kind, starting at the same place, but for the few KNOWN_REJECTED_BY_17
  below and those now part of a statement that was a syntax error with 15;
  a statement that was a syntax error with 15 may parse with 17, or fail
  elsewhere in it;
- in a file whose syntax errors are the same with both grammars, every
  finding is the same, byte for byte; in a file whose syntax errors differ,
  every finding before the first difference is the same (what follows a
  statement that now parses may rightly change: the catalog knows more);
- every syntax error "subquery in FROM must have an alias" of 15 sits in a
  statement that parses with 17, and there is at least one.
Prints the figures (statements and files that now parse). Exits 0, 1 on a
failed check, 77 when ../shared/corpus is absent.
"""
import bisect
import collections
import json
import os
import subprocess
import sys

# Statements PostgreSQL 15's grammar accepts (its server rejects them later)
# and 17's grammar rejects: corpus-relative path and line -> why.
KNOWN_REJECTED_BY_17 = {
    ("postgres_regress/create_table.sql", 140):
        "PARTITION BY MAGIC: since PostgreSQL 16 the grammar checks the partitioning strategy",
    ("postgres_regress/sqljson_jsontable.sql", 4):
        "JSON_TABLE('[]', '$'): a keyword since PostgreSQL 17, an unknown function call for 15",
    ("postgres_regress/sqljson.sql", 2): "JSON(): a keyword since PostgreSQL 16, a function call for 15",
    ("postgres_regress/sqljson.sql", 30): "JSON_SCALAR(): likewise",
    ("postgres_regress/sqljson.sql", 48): "JSON_SERIALIZE(): likewise",
}
UNALIASED = "subquery in FROM must have an alias"

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL " + name)
        if detail:
            print("    " + detail.replace("\n", "\n    "))


def lint(ml, corpus):
    p = subprocess.run([ml, "--no-config", "--jobs", "2", "--statements", "--format", "json", "--fail-on", "info",
                        corpus], capture_output=True, text=True)
    if p.returncode > 2:
        print(p.stderr[-2000:], file=sys.stderr)
        sys.exit(f"{ml} exited {p.returncode} over {corpus}")
    return json.loads(p.stdout)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    ml15, ml17, root = sys.argv[1:]
    corpus = os.path.realpath(os.path.join(root, "..", "shared", "corpus"))
    if not os.path.isdir(corpus):
        print(f"skipped: {corpus} not present")
        return 77

    for ml, major in ((ml15, 15), (ml17, 17)):
        v = subprocess.run([ml, "--version"], capture_output=True, text=True).stdout.strip()
        check(f"{ml} --version names the PostgreSQL {major} grammar ({v})", f"(PostgreSQL {major}." in v)

    r15, r17 = lint(ml15, corpus), lint(ml17, corpus)
    rel = lambda p: os.path.relpath(p, corpus)
    files15 = {f["path"]: f for f in r15["files"]}
    files17 = {f["path"]: f for f in r17["files"]}
    check(f"both builds list the same {len(files15)} files", set(files15) == set(files17) and len(files15) > 0)

    def tops(report):
        out = collections.defaultdict(dict)
        for s in report["statements"]:
            if s["body"] == "top":
                out[s["path"]][(s["line"], s["column"])] = s["kind"]
        return out

    tops15, tops17 = tops(r15), tops(r17)
    newly_parsed, regressions, known, absorbed = 0, [], 0, 0
    for path, stmts in tops15.items():
        starts17 = sorted(tops17[path])
        for start, kind in stmts.items():
            kind17 = tops17[path].get(start)
            if kind == "syntax error":
                newly_parsed += kind17 is not None and kind17 != "syntax error"
            elif kind17 is None and bisect.bisect_left(starts17, start) > 0 and \
                    stmts.get(starts17[bisect.bisect_left(starts17, start) - 1]) == "syntax error":
                # Part of a statement that was a syntax error with 15 and now
                # parses longer (e.g. a BEGIN ATOMIC body whose END the
                # failed parse took for a COMMIT).
                absorbed += 1
            elif kind17 != kind:
                if kind17 == "syntax error" and (rel(path), start[0]) in KNOWN_REJECTED_BY_17:
                    known += 1
                else:
                    regressions.append(f"{rel(path)}:{start[0]}:{start[1]}: {kind} with 15, {kind17} with 17")
    check(f"every statement that parses with 15 parses with 17 as the same kind (but {known} of "
          f"{len(KNOWN_REJECTED_BY_17)} known to be rejected by 17's grammar, and {absorbed} now inside a "
          f"statement that was a syntax error with 15)",
          not regressions and known == len(KNOWN_REJECTED_BY_17), "\n".join(regressions[:20]))

    def by_file(report):
        out = collections.defaultdict(list)
        for d in report["diagnostics"]:
            out[d["path"]].append(d)
        return out

    diags15, diags17 = by_file(r15), by_file(r17)
    pos = lambda d: (d["line"], d["column"])
    syntax = lambda ds: sorted((pos(d), d["message"]) for d in ds if d["rule"] == "syntax-error")
    canon = lambda ds: sorted(json.dumps(d, sort_keys=True) for d in ds)
    same_files = differing_files = 0
    mismatches = []
    for path in sorted(set(diags15) | set(diags17)):
        d15, d17 = diags15.get(path, []), diags17.get(path, [])
        s15, s17 = syntax(d15), syntax(d17)
        if s15 == s17:
            same_files += 1
            if canon(d15) != canon(d17):
                mismatches.append(f"{rel(path)}: same syntax errors, other findings differ")
            continue
        differing_files += 1
        first = min(set(s15) ^ set(s17))[0]
        before15 = canon(d for d in d15 if pos(d) < first)
        before17 = canon(d for d in d17 if pos(d) < first)
        if before15 != before17:
            mismatches.append(f"{rel(path)}: findings before {first[0]}:{first[1]} (the first syntax error "
                              f"that differs) differ")
    check(f"findings: identical in the {same_files} files whose syntax errors are the same, and before the "
          f"first difference in the {differing_files} whose syntax errors differ", not mismatches,
          "\n".join(mismatches[:20]))

    # The PostgreSQL 16 subqueries in FROM without an alias.
    unaliased = [d for d in r15["diagnostics"] if d["rule"] == "syntax-error" and d["message"] == UNALIASED]
    still = []
    for d in unaliased:
        starts = sorted(tops15[d["path"]])
        i = bisect.bisect_right(starts, pos(d)) - 1
        start = starts[i] if i >= 0 else None
        kind17 = tops17[d["path"]].get(start)
        error17 = any(x["rule"] == "syntax-error" and pos(x) == pos(d) for x in diags17.get(d["path"], []))
        if start is None or kind17 in (None, "syntax error") or error17:
            still.append(f"{rel(d['path'])}:{d['line']}:{d['column']}")
    in_files = sorted({rel(d["path"]) for d in unaliased})
    check(f"the {len(unaliased)} subqueries in FROM without an alias (syntax errors with 15, in "
          f"{len(in_files)} files: {', '.join(in_files)}) parse with 17",
          unaliased and not still, "still syntax errors: " + ", ".join(still) if still else "none found")

    errors15 = sum(f["syntax_errors"] for f in r15["files"])
    errors17 = sum(f["syntax_errors"] for f in r17["files"])
    now_clean = sorted(rel(p) for p in files15 if files15[p]["syntax_errors"] and not files17[p]["syntax_errors"])
    fewer = sum(1 for p in files15 if files17[p]["syntax_errors"] < files15[p]["syntax_errors"])
    print(f"figures: syntax errors {errors15} with 15, {errors17} with 17; {newly_parsed} top-level statements "
          f"that were syntax errors parse with 17; {fewer} files have fewer syntax errors, {len(now_clean)} "
          f"have none left: {', '.join(now_clean)}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
