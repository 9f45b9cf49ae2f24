#!/usr/bin/python3
"""Checks migralint's --format json output against docs/json-output.schema.json.

Usage: json_schema_test.py MIGRALINT_BINARY REPO_ROOT

Run it with /usr/bin/python3 (Debian's python3-jsonschema); scripts/setup.sh
installs that. Each case runs the binary, validates its output against the
schema and checks what the schema cannot say: every input is listed in files,
diagnostics are sorted by (path, line, column, rule), positions fall inside
the file, the summary adds up, the exit status matches the findings.

Prints one line per case and ends with "N passed, M failed"; exits 1 when a
case failed.
"""

import json
import os
import re
import subprocess
import sys

try:
    import jsonschema
    import jsonschema.validators
except ImportError as exc:  # setup.sh installs python3-jsonschema: no skipping
    print(f"cannot import jsonschema ({exc}); install python3-jsonschema "
          f"(scripts/setup.sh test does) and run this with /usr/bin/python3, "
          f"not {sys.executable}", file=sys.stderr)
    print("0 passed, 1 failed")
    sys.exit(1)

TIMEOUT = 120
SEVERITY_FIELD = {"error": "errors", "warning": "warnings", "info": "infos"}
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}

# A statement after 30 two-byte characters on the same line: when columns
# counted bytes, the DROP INDEX diagnostic would lie past the end of the line.
STDIN_NAME = "db/migrate/20240101000000_from_stdin.sql"
STDIN_SQL = ("SELECT '" + "\u00e9" * 30 + "'; DROP INDEX orders_legacy_idx;\n"
             "-- \u6ce8\u91c8 \u2603\n"
             "ALTER TABLE users DROP COLUMN nickname;\n").encode("utf-8")


class CaseFailure(Exception):
    pass


def split_lines(text):
    """Lines as migralint counts them: each ends at "\\n", "\\r\\n" or a lone
    "\\r" (PostgreSQL's scanner ends a -- comment at either character)."""
    return re.split(r"\r\n|\r|\n", text)


def sql_files_below(directory):
    """Every *.sql below directory, skipping hidden folders and files."""
    found = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".sql") and not name.startswith("."):
                found.append(os.path.join(root, name))
    return found


def norm(path):
    return os.path.normpath(path)


class Checker:
    def __init__(self, binary, root, validator):
        self.binary = binary
        self.root = root
        self.validator = validator

    def run(self, args, stdin=b""):
        cmd = [self.binary, "--format", "json"] + args
        env = dict(os.environ)
        env.pop("NO_COLOR", None)
        try:
            proc = subprocess.run(cmd, input=stdin, capture_output=True,
                                  cwd=self.root, env=env, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise CaseFailure(f"{' '.join(cmd)} did not finish in {TIMEOUT} s")
        return proc

    def parse(self, proc):
        if proc.returncode < 0 or proc.returncode > 3:
            raise CaseFailure(f"exit status {proc.returncode} (crash or sanitizer?); "
                              f"stderr:\n{proc.stderr.decode('utf-8', 'replace')}")
        try:
            text = proc.stdout.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CaseFailure(f"output is not valid UTF-8: {exc}")
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CaseFailure(f"output is not JSON: {exc}\n--- output ---\n{text[:2000]}")
        errors = sorted(self.validator.iter_errors(doc), key=lambda e: list(e.path))
        if errors:
            lines = []
            for err in errors[:10]:
                where = "/".join(str(p) for p in err.absolute_path) or "(top)"
                lines.append(f"  at {where}: {err.message}")
            raise CaseFailure("output does not match the schema:\n" + "\n".join(lines))
        return doc

    def check_common(self, doc, proc, expect_input_errors=False):
        """Checks that hold for every report."""
        problems = []
        files = doc["files"]
        diags = doc["diagnostics"]
        summary = doc["summary"]
        paths = [f["path"] for f in files]

        if len(set(paths)) != len(paths):
            problems.append(f"a path is listed twice in files: {paths}")

        keys = [(d["path"], d["line"], d["column"], d["rule"]) for d in diags]
        for i in range(1, len(keys)):
            if keys[i - 1] > keys[i]:
                problems.append(f"diagnostics not sorted by (path, line, column, rule): "
                                f"{keys[i - 1]} comes before {keys[i]}")
                break

        known = set(paths)
        texts = {}
        for d in diags:
            where = f"{d['path']}:{d['line']}:{d['column']} [{d['rule']}]"
            if d["line"] < 1 or d["column"] < 1 or d["end_line"] < 1 or d["end_column"] < 1:
                problems.append(f"{where}: position below 1")
            if (d["end_line"], d["end_column"]) < (d["line"], d["column"]):
                problems.append(f"{where}: ends at {d['end_line']}:{d['end_column']}, before it starts")
            if d["path"] not in known:
                problems.append(f"{where}: path is not one of files[].path")
                continue
            lines = self.file_lines(d["path"], texts)
            if lines is None:
                continue
            for what, line, col in (("start", d["line"], d["column"]),
                                    ("end", d["end_line"], d["end_column"])):
                if line > len(lines):
                    problems.append(f"{where}: {what} line {line} past the end of the file "
                                    f"({len(lines)} lines)")
                elif col > len(lines[line - 1]) + 1:
                    problems.append(f"{where}: {what} column {col} past the end of line {line} "
                                    f"({len(lines[line - 1])} characters; bytes counted?)")

        if summary["files"] != len(files):
            problems.append(f"summary.files is {summary['files']}, files has {len(files)}")
        total = sum(f["statements"] for f in files)
        if summary["statements"] != total:
            problems.append(f"summary.statements is {summary['statements']}, files add up to {total}")
        for f in files:
            if f["syntax_errors"] > f["statements"]:
                problems.append(f"{f['path']}: more syntax errors than statements")
        in_force = [d for d in diags if "suppressed" not in d]
        for severity, field in SEVERITY_FIELD.items():
            count = sum(1 for d in in_force if d["severity"] == severity)
            if summary[field] != count:
                problems.append(f"summary.{field} is {summary[field]}, diagnostics in force have {count}")
        if summary["suppressed"] != len(diags) - len(in_force):
            problems.append(f"summary.suppressed is {summary['suppressed']}, "
                            f"{len(diags) - len(in_force)} diagnostics are suppressed")

        if expect_input_errors:
            if summary["input_errors"] < 1:
                problems.append("summary.input_errors is 0 for an unreadable input")
            expected_status = 2
        else:
            if summary["input_errors"] != 0:
                problems.append(f"summary.input_errors is {summary['input_errors']}")
            # default --fail-on is warning; suppressed findings never count
            failing = any(SEVERITY_RANK[d["severity"]] >= SEVERITY_RANK["warning"] for d in in_force)
            expected_status = 1 if failing else 0
        if proc.returncode != expected_status:
            problems.append(f"exit status {proc.returncode}, expected {expected_status}")
        return problems

    def file_lines(self, path, cache):
        """The lines of path (relative to the repo root), or None when it is not
        a readable UTF-8 text file (stdin, binary or invalid test input)."""
        if path in cache:
            return cache[path]
        full = os.path.join(self.root, path)
        lines = None
        if path == STDIN_NAME:
            lines = split_lines(STDIN_SQL.decode("utf-8"))
        elif os.path.isfile(full):
            with open(full, "rb") as fh:
                data = fh.read()
            if b"\0" not in data:
                try:
                    lines = split_lines(data.decode("utf-8"))
                except UnicodeDecodeError:
                    lines = None
        cache[path] = lines
        return lines

    def check_directory(self, rel):
        proc = self.run([rel])
        doc = self.parse(proc)
        problems = self.check_common(doc, proc)
        listed = {norm(f["path"]) for f in doc["files"]}
        expected = sql_files_below(os.path.join(self.root, rel))
        expected = {norm(os.path.relpath(p, self.root)) for p in expected}
        missing = sorted(expected - listed)
        if missing:
            problems.append(f"files below {rel} missing from files: {missing[:10]}")
        for f in doc["files"]:
            if not norm(f["path"]).startswith(norm(rel) + os.sep):
                problems.append(f"{f['path']} is not below {rel}")
            if not f["path"].endswith(".sql"):
                problems.append(f"{f['path']} is not a .sql file")
        return problems, doc

    def case_fixtures(self):
        rel = "tests/fixtures"
        if not os.path.isdir(os.path.join(self.root, rel)):
            raise CaseFailure(f"{rel} does not exist")
        problems, _ = self.check_directory(rel)
        return problems

    def case_examples(self):
        problems, doc = self.check_directory("examples")
        if not doc["diagnostics"]:
            problems.append("no diagnostics for examples/, which is meant to show findings")
        return problems

    def case_stdin(self):
        proc = self.run(["--stdin-filename", STDIN_NAME, "-"], stdin=STDIN_SQL)
        doc = self.parse(proc)
        problems = self.check_common(doc, proc)
        paths = [f["path"] for f in doc["files"]]
        if paths != [STDIN_NAME]:
            problems.append(f"files are {paths}, expected [{STDIN_NAME!r}]")
        rules = {d["rule"] for d in doc["diagnostics"]}
        for rule in ("require-concurrent-index-deletion", "ban-drop-column"):
            if rule not in rules:
                problems.append(f"no {rule} diagnostic for the stdin input (got {sorted(rules)})")
        if doc["files"] and doc["files"][0]["statements"] != 3:
            problems.append(f"{doc['files'][0]['statements']} statements counted on stdin, expected 3")
        return problems

    def case_references(self):
        """--references: the uses in the application's code are references of
        kind code, at lines of files that exist, with the line's text."""
        project = "tests/references/project"
        proc = self.run(["--references", project, project + "/db/migrations"])
        doc = self.parse(proc)
        problems = self.check_common(doc, proc)
        code = [r for d in doc["diagnostics"] for r in d.get("references", []) if r["kind"] == "code"]
        if len(code) < 10:
            problems.append(f"{len(code)} code references, expected at least 10 (tests/references/README.md)")
        for r in code:
            try:
                with open(os.path.join(self.root, r["path"]), encoding="utf-8") as f:
                    line = split_lines(f.read())[r["line"] - 1].strip()
            except (OSError, IndexError) as exc:
                problems.append(f"reference {r}: {exc}")
                continue
            if r["effect"] != "uses" or r["text"] != line or not r["path"].startswith(project + "/"):
                problems.append(f"reference {r} does not match its line {line!r}")
        return problems

    def case_empty_stdin(self):
        proc = self.run(["--stdin-filename", "empty.sql", "-"], stdin=b"")
        doc = self.parse(proc)
        problems = self.check_common(doc, proc)
        if [(f["path"], f["statements"]) for f in doc["files"]] != [("empty.sql", 0)]:
            problems.append(f"files are {doc['files']}, expected empty.sql with 0 statements")
        if doc["diagnostics"]:
            problems.append(f"diagnostics for an empty input: {doc['diagnostics']}")
        return problems

    def case_statements(self):
        """--statements adds the lock timeline; its entries follow the schema."""
        proc = self.run(["--statements", "examples"])
        doc = self.parse(proc)
        problems = self.check_common(doc, proc)
        statements = doc.get("statements")
        if not statements:
            return problems + ["no statements array with --statements"]
        total = sum(f["statements"] for f in doc["files"])
        top = [s for s in statements if s["body"] == "top"]
        if len(top) != total:
            problems.append(f"{len(top)} top-level statements in the timeline, files count {total}")
        if not any(s["locks"] and s["locks"][0]["mode"] == "ACCESS EXCLUSIVE" for s in statements):
            problems.append("no ACCESS EXCLUSIVE lock anywhere in the examples' timeline")
        with_lock = [d for d in doc["diagnostics"] if "lock" in d]
        if not with_lock:
            problems.append("no diagnostic carries its statement's lock")
        return problems

    def case_suppressed(self):
        """Findings an ignore comment silenced are listed with that comment, and
        do not make the exit status 1."""
        sql = ("-- migralint-ignore-file require-lock-timeout, require-statement-timeout\n"
               "-- migralint-ignore ban-drop-column: nothing reads it since 2024.03\n"
               "ALTER TABLE users DROP COLUMN legacy;\n"
               "ALTER TABLE users DROP COLUMN old; /* migralint-ignore ban-drop-column */\n").encode()
        proc = self.run(["--no-config", "--stdin-filename", "s.sql", "-"], stdin=sql)
        doc = self.parse(proc)
        problems = self.check_common(doc, proc)
        got = [(d["rule"], d["line"], d.get("suppressed")) for d in doc["diagnostics"]]
        want_drop = ("ban-drop-column", 3, {"kind": "migralint-ignore", "reason": "nothing reads it since 2024.03",
                                            "line": 2, "column": 1})
        want_trailing = ("ban-drop-column", 4, {"kind": "migralint-ignore", "reason": None, "line": 4, "column": 36})
        for want in (want_drop, want_trailing):
            if want not in got:
                problems.append(f"no suppressed finding {want}: {got}")
        if any(not d.get("suppressed") for d in doc["diagnostics"]):
            problems.append(f"a finding in force where all are silenced: {got}")
        timeouts = [s for r, _, s in got if r.startswith("require-") and r.endswith("-timeout")]
        if not timeouts or any(s["kind"] != "migralint-ignore-file" or s["reason"] is not None for s in timeouts):
            problems.append(f"the timeout findings are not silenced by the file comment: {got}")
        if proc.returncode != 0:
            problems.append(f"exit status {proc.returncode} with every finding silenced, expected 0")
        return problems

    def case_missing_path(self):
        examples = sql_files_below(os.path.join(self.root, "examples"))
        if not examples:
            raise CaseFailure("no .sql file below examples/")
        real = os.path.relpath(examples[0], self.root)
        missing = "does/not/exist.sql"
        proc = self.run([missing, real])
        doc = self.parse(proc)
        problems = self.check_common(doc, proc, expect_input_errors=True)
        paths = [f["path"] for f in doc["files"]]
        if real not in paths:
            problems.append(f"{real} (readable) missing from files: {paths}")
        if missing in paths:
            problems.append(f"{missing} (unreadable) listed in files")
        if missing not in proc.stderr.decode("utf-8", "replace"):
            problems.append(f"stderr does not name {missing}")
        return problems


def main(argv):
    if len(argv) != 3:
        print(f"usage: {argv[0]} MIGRALINT_BINARY REPO_ROOT", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    binary = os.path.abspath(argv[1])
    root = os.path.abspath(argv[2])
    schema_path = os.path.join(root, "docs", "json-output.schema.json")

    passed = failed = 0
    try:
        with open(schema_path, encoding="utf-8") as fh:
            schema = json.load(fh)
        validator_class = jsonschema.validators.validator_for(schema)
        validator_class.check_schema(schema)
        validator = validator_class(schema)
        print(f"ok   schema {os.path.relpath(schema_path, root)} ({validator_class.__name__})")
        passed += 1
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as exc:
        print(f"FAIL schema {schema_path}: {exc}")
        print("0 passed, 1 failed")
        return 1

    checker = Checker(binary, root, validator)
    cases = [
        ("tests/fixtures", checker.case_fixtures),
        ("examples", checker.case_examples),
        ("stdin with --stdin-filename", checker.case_stdin),
        ("empty stdin", checker.case_empty_stdin),
        ("--references: uses in the application's code", checker.case_references),
        ("--statements timeline", checker.case_statements),
        ("suppressed findings", checker.case_suppressed),
        ("unreadable path beside a real file", checker.case_missing_path),
    ]
    for name, case in cases:
        try:
            problems = case()
        except CaseFailure as exc:
            problems = [str(exc)]
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for problem in problems:
                print("     " + problem.replace("\n", "\n     "))
        else:
            passed += 1
            print(f"ok   {name}")

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
