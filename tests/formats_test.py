#!/usr/bin/python3
"""Checks the report formats on real output of the migralint binary.

Usage: formats_test.py MIGRALINT_BINARY REPO_ROOT

Run it with /usr/bin/python3 (Debian's python3-jsonschema). Each case runs the
binary over tests/fixtures, examples/ or a generated temporary file and checks
one format: SARIF against ../shared/schemas/sarif-schema-2.1.0.json (skipped
when the schema is absent, as in a user's clone) and what the schema cannot
say (every registered rule, 1-based regions, relative URIs under %SRCROOT%,
fixes, fingerprints that survive lines shifting), GitHub workflow commands
line by line with their escaping, the GitLab Code Quality array, the gcc
lines editors parse, and the markdown comment's size budget. The JSON report
of the same input is the reference for what each format must contain: json
and sarif list the findings an ignore comment silenced (marked as such), the
others leave them out and the text and markdown reports count them.

Prints one line per case (ok, FAIL or skip) and ends with "N passed, M failed";
exits 1 when a case failed.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

try:
    import jsonschema
    import jsonschema.validators
except ImportError as exc:  # setup.sh installs python3-jsonschema: no skipping
    print(f"cannot import jsonschema ({exc}); install python3-jsonschema "
          f"and run this with /usr/bin/python3, not {sys.executable}", file=sys.stderr)
    print("0 passed, 1 failed")
    sys.exit(1)

TIMEOUT = 120
SEVERITY_FIELD = {"error": "errors", "warning": "warnings", "info": "infos"}
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
GITLAB_SEVERITY = {"error": "critical", "warning": "major", "info": "info"}
GCC_SEVERITY = {"error": "error", "warning": "warning", "info": "note"}
MD_ICON = {"error": ":x:", "warning": ":warning:", "info": ":information_source:"}

GITHUB_LINE = re.compile(
    r"^::(error|warning|notice) file=([^,:\r\n]+),line=(\d+),col=(\d+),endLine=(\d+),"
    r"endColumn=(\d+),title=([a-z0-9-]+)::([^\r\n]+)$")
GCC_LINE = re.compile(r"^[^:]+:\d+:\d+: (error|warning|note): .+ \[[a-z0-9-]+\]$")
GCC_PARTS = re.compile(r"^([^:]+):(\d+):(\d+): (error|warning|note): (.+) \[([a-z0-9-]+)\]$")
MD_HEADER = re.compile(r"^### migralint: (\d+) errors?, (\d+) warnings?, (\d+) infos? in (\d+) files?$",
                       re.M)
# The rule is a link only when doc_base_url is configured.
MD_FINDING = re.compile(r"^(:x:|:warning:|:information_source:) \*\*(error|warning|info)\*\* \[?`([a-z0-9-]+)`(?:\]\([^)]*\))? ",
                        re.M)
MD_LEFT_OUT = re.compile(
    r"(\d+) findings? (?:was|were) left out [^(]*\((\d+) errors?, (\d+) warnings?, (\d+) infos?\), "
    r"in (\d+) files?")
MD_LIMIT = 65536

# Two findings silenced by comments (one with a reason), one in force.
SUPPRESSED_SQL = ("SET lock_timeout = '2s';\nSET statement_timeout = '5s';\n"
                  "-- migralint-ignore ban-drop-column: nothing reads it since 2024.03\n"
                  "ALTER TABLE users DROP COLUMN legacy;\n"
                  "ALTER TABLE users DROP COLUMN old;  /* migralint-ignore ban-drop-column */\n"
                  "DROP INDEX users_legacy_idx;\n")


def in_force(diags):
    """The diagnostics no ignore comment silenced."""
    return [d for d in diags if "suppressed" not in d]


# The dangerous example: ADD COLUMN, an UPDATE and SET NOT NULL in one
# transaction; several findings whose messages name lines.
EXAMPLE = "examples/migrations/20240202160000_orders_region.sql"
CREATE_INDEX_FIXTURE = "tests/fixtures/require-concurrent-index-creation/fires-plain-create-index.sql"


class CaseFailure(Exception):
    pass


class CaseSkipped(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CaseFailure(message)


# White space .NET's String.TrimStart removes, which the Actions runner skips
# before looking for "::", plus the invisible U+200B and U+FEFF.
BLANKS = set(" \t\u00a0\u1680\u202f\u205f\u3000\ufeff") | {chr(c) for c in range(0x2000, 0x200c)}


def people_escape(text, line_start=False):
    """What every report for people shows for text from the input
    (src/report/report_escape.c): control characters, C1 controls and line
    separators as visible escapes, the '#' completing "##[" or "##vso[" as
    \\x23, and, on a line's start, the first non-blank ':' as \\x3a."""
    out = []
    for i, ch in enumerate(text):
        cp = ord(ch)
        esc = None
        if ch == "\n":
            esc = "\\n"
        elif ch == "\r":
            esc = "\\r"
        elif (cp < 0x20 and ch != "\t") or cp == 0x7F:
            esc = "\\x%02x" % cp
        elif 0x80 <= cp <= 0x9F or cp in (0x2028, 0x2029):
            esc = "\\u%04x" % cp
        elif ch == ":" and line_start:
            esc = "\\x3a"
        elif ch == "#" and i > 0 and text[i - 1] == "#" and (
                text[i + 1:i + 2] == "[" or text[i + 1:i + 5].lower() == "vso["):
            esc = "\\x23"
        if esc:
            out.append(esc)
            line_start = False
        else:
            out.append(ch)
            line_start = line_start and ch in BLANKS
    return "".join(out)


def markdown_plain_text(text):
    """The text of a Markdown comment outside code, as GitHub renders it
    before looking for mentions and links: fenced blocks and code spans
    (where it makes none) removed, backslash escapes and the zero-width
    space entity decoded."""
    text = re.sub(r"^(`{3,}).*?^\1$", "", text, flags=re.S | re.M)
    text = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", text, flags=re.S)
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    return text.replace("&#8203;", "\u200b")


def markdown_pings(text):
    """What GitHub (or GitLab) would turn into a notification or a link in
    the plain text of a comment: mentions, issue and merge request
    references, bare URLs."""
    plain = markdown_plain_text(text)
    # the comment's own footer links are not from the input
    plain = re.sub(r"\]\(https?://[^)]*\)", "]()", plain)
    found = []
    for pattern in (r"@[A-Za-z0-9]", r"[#!&]\d", r"(?i)\bgh-\d", r"://", r"(?i)\bwww\."):
        found += [m.group(0) for m in re.finditer(pattern, plain)]
    return found


def unescape_github(text):
    """Undoes the workflow-command escaping (%25, %0D, %0A, %3A, %2C)."""
    table = {"%25": "%", "%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: table[m.group(0)], text)


class Checker:
    def __init__(self, binary, root):
        self.binary = binary
        self.root = root
        self.tmp = tempfile.mkdtemp(prefix="migralint-formats-")

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run(self, fmt, args, cwd=None, stdin=b""):
        cmd = [self.binary, "--format", fmt] + args
        env = dict(os.environ)
        env.pop("NO_COLOR", None)
        try:
            proc = subprocess.run(cmd, input=stdin, capture_output=True, cwd=cwd or self.root, env=env,
                                  timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise CaseFailure(f"{' '.join(cmd)} did not finish in {TIMEOUT} s")
        if proc.returncode < 0 or proc.returncode > 3:
            raise CaseFailure(f"{' '.join(cmd)} exited with {proc.returncode}: "
                              f"{proc.stderr.decode(errors='replace')[-500:]}")
        return proc

    def output(self, fmt, args, cwd=None, stdin=b""):
        proc = self.run(fmt, args, cwd, stdin)
        try:
            return proc.stdout.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CaseFailure(f"--format {fmt} output is not UTF-8: {exc}")

    def json_report(self, args, cwd=None, stdin=b""):
        return json.loads(self.output("json", args, cwd, stdin))

    def sarif(self, args, cwd=None, stdin=b""):
        text = self.output("sarif", args, cwd, stdin)
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CaseFailure(f"SARIF output does not parse: {exc}")

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def registered_rules(self):
        proc = subprocess.run([self.binary, "--list-rules"], capture_output=True, timeout=TIMEOUT)
        check(proc.returncode == 0, f"--list-rules exited with {proc.returncode}")
        return [line.split()[0] for line in proc.stdout.decode().splitlines() if line.strip()]

    # ---- SARIF -------------------------------------------------------------

    def case_sarif_schema(self):
        path = os.path.normpath(os.path.join(self.root, "..", "shared", "schemas", "sarif-schema-2.1.0.json"))
        if not os.path.exists(path):
            raise CaseSkipped(f"{path} is absent")
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validator = cls(schema)
        suppressed = self.write("suppressed.sql", SUPPRESSED_SQL)
        references = ["--references", "tests/references/project", "tests/references/project/db/migrations"]
        for args in (["tests/fixtures", "examples"], [EXAMPLE, "no-such-file.sql"], [CREATE_INDEX_FIXTURE],
                     [suppressed], references):
            log = self.sarif(args)
            errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
            if args == references:
                related = [r for x in log["runs"][0]["results"] for r in x.get("relatedLocations", [])]
                check(len(related) >= 10, f"{len(related)} relatedLocations for tests/references/project")
            check(not errors, f"{args}: {len(errors)} schema errors, first: "
                              f"{errors[0].message if errors else ''} at {list(errors[0].path) if errors else ''}")

    def case_sarif_driver_lists_every_rule(self):
        log = self.sarif([EXAMPLE])
        check(log.get("version") == "2.1.0", "version is not 2.1.0")
        driver = log["runs"][0]["tool"]["driver"]
        check(driver.get("name") == "migralint", "driver.name")
        check(driver.get("version"), "driver.version missing")
        # Without a configured doc_base_url nothing links to a place the
        # pages may not be: each rule's page is inline, as --explain prints it.
        check("informationUri" not in driver, f"informationUri {driver.get('informationUri')}")
        ids = [r["id"] for r in driver["rules"]]
        check(ids == self.registered_rules(), f"driver rules {ids} differ from --list-rules")
        for r in driver["rules"]:
            check(r["shortDescription"]["text"], f"{r['id']}: empty shortDescription")
            check(r["fullDescription"]["text"].startswith(r["shortDescription"]["text"]),
                  f"{r['id']}: fullDescription does not start with the summary")
            check("helpUri" not in r, f"{r['id']}: helpUri {r.get('helpUri')} without a doc_base_url")
            check(r["help"]["text"], f"{r['id']}: empty help")
            page = subprocess.run([self.binary, "--explain", r["id"]], capture_output=True, timeout=TIMEOUT)
            check(r["help"].get("markdown") == page.stdout.decode() and page.stdout.startswith(b"# "),
                  f"{r['id']}: help.markdown is not the rule's page")
            check(r["defaultConfiguration"]["level"] in ("error", "warning", "note"), f"{r['id']}: level")

    def case_sarif_results_match_json(self):
        args = ["tests/fixtures", "examples"]
        log = self.sarif(args)
        report = self.json_report(args)
        run = log["runs"][0]
        rules = run["tool"]["driver"]["rules"]
        results = run["results"]
        diags = report["diagnostics"]
        check(len(results) == len(diags), f"{len(results)} results for {len(diags)} diagnostics")
        base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        expected_base = "file://" + urllib.parse.quote(os.path.realpath(self.root).rstrip("/") + "/")
        check(base == expected_base, f"%SRCROOT% is {base}, expected {expected_base}")
        check(run.get("columnKind") == "unicodeCodePoints", "columnKind")
        check(run["invocations"][0]["executionSuccessful"] is True, "executionSuccessful is not true")
        saw_syntax_error = False
        for res, d in zip(results, diags):
            where = f"{d['path']}:{d['line']}"
            check(res["ruleId"] == d["rule"], f"{where}: ruleId {res['ruleId']} != {d['rule']}")
            check(rules[res["ruleIndex"]]["id"] == res["ruleId"], f"{where}: ruleIndex points elsewhere")
            check(res["level"] == SARIF_LEVEL[d["severity"]], f"{where}: level {res['level']}")
            check(res["message"]["text"].startswith(d["message"]), f"{where}: message")
            loc = res["locations"][0]["physicalLocation"]
            art = loc["artifactLocation"]
            check(art.get("uriBaseId") == "%SRCROOT%", f"{where}: uriBaseId {art.get('uriBaseId')}")
            uri = art["uri"]
            check(not uri.startswith(("/", "./", "file:")) and "://" not in uri, f"{where}: uri {uri} not relative")
            check(" " not in uri, f"{where}: uri {uri} not percent-encoded")
            rel = urllib.parse.unquote(uri)
            check(os.path.normpath(rel) == os.path.normpath(d["path"]), f"{where}: uri {uri} is not the path")
            check(os.path.isfile(os.path.join(self.root, rel)), f"{where}: {rel} does not exist")
            reg = loc["region"]
            check(reg["startLine"] == d["line"] and reg["startColumn"] == d["column"],
                  f"{where}: region start {reg}")
            check(reg["endLine"] == d["end_line"] and reg["endColumn"] == d["end_column"],
                  f"{where}: region end {reg}")
            check(reg["startLine"] >= 1 and reg["startColumn"] >= 1 and reg["endColumn"] >= 1 and
                  reg["endLine"] >= reg["startLine"], f"{where}: region not 1-based: {reg}")
            fp = res.get("partialFingerprints", {}).get("migralintFingerprint/v1", "")
            check(re.fullmatch(r"[0-9a-f]{16}", fp), f"{where}: fingerprint {fp!r}")
            if "lock" in d:
                props = res.get("properties", {})
                check(props.get("lock", {}).get("mode") == d["lock"]["mode"], f"{where}: lock property")
                check(props.get("rewrite") == d["rewrite"] and props.get("scan") == d["scan"],
                      f"{where}: rewrite/scan properties")
            saw_syntax_error |= d["rule"] == "syntax-error"
        check(saw_syntax_error, "no syntax-error result (tests/fixtures/syntax-error has some)")
        fps = [r["partialFingerprints"]["migralintFingerprint/v1"] for r in results]
        check(len(set(fps)) == len(fps), "two results share a fingerprint")

    def case_sarif_fix_adds_concurrently(self):
        log = self.sarif([CREATE_INDEX_FIXTURE])
        res = [r for r in log["runs"][0]["results"] if r["ruleId"] == "require-concurrent-index-creation"]
        check(res, "no require-concurrent-index-creation result")
        fixes = res[0].get("fixes")
        check(fixes, "no fixes on the CREATE INDEX result")
        change = fixes[0]["artifactChanges"][0]
        check(change["artifactLocation"] == res[0]["locations"][0]["physicalLocation"]["artifactLocation"],
              "the fix names another artifact")
        with open(os.path.join(self.root, CREATE_INDEX_FIXTURE), encoding="utf-8") as f:
            lines = f.read().split("\n")
        rep = change["replacements"][0]
        reg = rep["deletedRegion"]
        check(reg["startLine"] == reg["endLine"], "a fix over several lines")
        line = lines[reg["startLine"] - 1]
        fixed = line[:reg["startColumn"] - 1] + rep["insertedContent"]["text"] + line[reg["endColumn"] - 1:]
        check(re.match(r"^CREATE INDEX CONCURRENTLY ", fixed), f"fixed line is {fixed!r}")

    def fingerprints(self, path):
        log = self.sarif([path])
        out = []
        for r in log["runs"][0]["results"]:
            out.append((r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"],
                        r["partialFingerprints"]["migralintFingerprint/v1"]))
        return out

    def case_sarif_fingerprints_survive_shifted_lines(self):
        with open(os.path.join(self.root, EXAMPLE), encoding="utf-8") as f:
            text = f.read()
        # The statement repeated: two identical findings told apart by order.
        text += "\nBEGIN;\nUPDATE orders SET region = 'eu-west';\nCOMMIT;\n"
        path = self.write("shift/migration.sql", text)
        before = self.fingerprints(path)
        check(len(before) >= 2, f"only {len(before)} findings")
        fps = [fp for _, _, fp in before]
        check(len(set(fps)) == len(fps), f"distinct findings share a fingerprint: {before}")
        shift = 4
        self.write("shift/migration.sql", "\n" * (shift - 1) + "-- a comment added above\n" + text)
        after = self.fingerprints(path)
        check(len(after) == len(before), "the shifted file has other findings")
        for (rule, line, fp), (rule2, line2, fp2) in zip(before, after):
            check(rule == rule2 and line2 == line + shift, f"findings moved unexpectedly: {rule}:{line}")
            check(fp == fp2, f"{rule} at line {line}: fingerprint {fp} became {fp2} when lines moved")
        # A different file gives different fingerprints for the same findings.
        other = self.write("shift/other.sql", text)
        check(not set(fps) & {fp for _, _, fp in self.fingerprints(other)},
              "two files share fingerprints")

    def case_sarif_unreadable_input_is_a_notification(self):
        proc = self.run("sarif", [EXAMPLE, "no-such-file.sql"])
        check(proc.returncode == 2, f"exit status {proc.returncode}, expected 2")
        log = json.loads(proc.stdout)
        inv = log["runs"][0]["invocations"][0]
        check(inv["executionSuccessful"] is False, "executionSuccessful is not false")
        notes = inv.get("toolExecutionNotifications", [])
        check(len(notes) == 1 and notes[0]["level"] == "error" and notes[0]["message"]["text"],
              f"notifications: {notes}")
        check(log["runs"][0]["results"], "the readable input's results are missing")

    def case_sarif_outside_paths_and_stdin(self):
        outside = self.write("elsewhere/drop.sql", "ALTER TABLE users DROP COLUMN nickname;\n")
        log = self.sarif([outside])
        art = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        check(art["uri"].startswith("file:///") and "uriBaseId" not in art, f"outside file: {art}")
        log = self.sarif(["--stdin-filename", "./db/migrate/x y.sql", "-"],
                         stdin=b"ALTER TABLE users DROP COLUMN nickname;\n")
        art = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        check(art == {"uri": "db/migrate/x%20y.sql", "uriBaseId": "%SRCROOT%"}, f"stdin file: {art}")

    def case_doc_base_url_from_config(self):
        cfg_dir = os.path.join(self.tmp, "cfg")
        self.write("cfg/.migralint.json", '{"doc_base_url": "https://docs.example.com/rules/"}\n')
        self.write("cfg/a.sql", "DROP INDEX orders_idx;\n")
        log = self.sarif(["a.sql"], cwd=cfg_dir)
        for r in log["runs"][0]["tool"]["driver"]["rules"]:
            check(r["helpUri"] == f"https://docs.example.com/rules/{r['id']}.md", f"helpUri {r['helpUri']}")
        text = self.output("markdown", ["a.sql"], cwd=cfg_dir)
        rules = [rule for _, _, rule in MD_FINDING.findall(text)]
        check(rules, "no findings in the markdown report")
        for rule in rules:
            check(f"[`{rule}`](https://docs.example.com/rules/{rule}.md)" in text,
                  f"{rule} not linked to the configured base")
        check("[rules](https://docs.example.com/rules/)" in text, "the footer does not link the rule pages")

    def case_sarif_suppressed_results(self):
        path = self.write("suppressed.sql", SUPPRESSED_SQL)
        results = self.sarif([path], cwd=self.tmp)["runs"][0]["results"]
        diags = self.json_report([path], cwd=self.tmp)["diagnostics"]
        check(len(results) == len(diags) == 3, f"{len(results)} results, {len(diags)} diagnostics, expected 3")
        for res, d in zip(results, diags):
            where = f"{d['rule']} at line {d['line']}"
            if "suppressed" not in d:
                check("suppressions" not in res, f"{where}: in force but has suppressions")
                continue
            sup = res.get("suppressions")
            check(sup and len(sup) == 1 and sup[0]["kind"] == "inSource", f"{where}: suppressions {sup}")
            check(sup[0].get("justification") == d["suppressed"]["reason"] or
                  (d["suppressed"]["reason"] is None and "justification" not in sup[0]),
                  f"{where}: justification {sup[0].get('justification')!r}")
            reg = sup[0]["location"]["physicalLocation"]["region"]
            check((reg["startLine"], reg["startColumn"]) == (d["suppressed"]["line"], d["suppressed"]["column"]),
                  f"{where}: the suppression's region {reg} is not the comment")
        check(results[0]["suppressions"][0]["justification"] == "nothing reads it since 2024.03",
              f"first result: {results[0]}")
        check(results[1]["suppressions"][0]["location"]["physicalLocation"]["region"]["startColumn"] == 37,
              f"second result's comment: {results[1]['suppressions']}")

    def case_suppressed_findings_counted_not_listed(self):
        """text and markdown count the silenced findings; github, gitlab and gcc
        leave them out; the exit status ignores them."""
        path = self.write("suppressed.sql", SUPPRESSED_SQL)
        proc = self.run("text", [path], cwd=self.tmp)
        text = proc.stdout.decode()
        check(text.rstrip("\n").endswith(": 0 errors, 1 warning, 0 infos, 2 suppressed"),
              f"text summary: {text.splitlines()[-1:]}")
        check("ban-drop-column" not in text, "the text report lists a silenced finding")
        check(proc.returncode == 1, f"exit status {proc.returncode} with one warning in force")
        md = self.output("markdown", [path], cwd=self.tmp)
        check(self.markdown_counts(md) == {"errors": 0, "warnings": 1, "infos": 0, "files": 1},
              f"markdown header {self.markdown_counts(md)}")
        check("2 findings silenced by ignore comments are not shown" in md, "markdown does not count them")
        check("ban-drop-column" not in md, "the markdown comment shows a silenced finding")
        for fmt in ("github", "gitlab", "gcc"):
            out = self.output(fmt, [path], cwd=self.tmp)
            check("ban-drop-column" not in out, f"--format {fmt} lists a silenced finding: {out[:300]}")
            check("require-concurrent-index-deletion" in out, f"--format {fmt} lost the finding in force")
        only = self.write("only-suppressed.sql", SUPPRESSED_SQL.replace("DROP INDEX users_legacy_idx;\n", ""))
        for fmt in ("text", "json", "sarif", "github", "gitlab", "gcc", "markdown"):
            code = self.run(fmt, [only], cwd=self.tmp).returncode
            check(code == 0, f"--format {fmt}: exit status {code} with every finding silenced")

    # ---- GitHub ------------------------------------------------------------

    def case_github_lines_parse(self):
        args = ["tests/fixtures", "examples"]
        lines = self.output("github", args).splitlines()
        diags = in_force(self.json_report(args)["diagnostics"])
        check(len(lines) == len(diags), f"{len(lines)} lines for {len(diags)} diagnostics in force")
        for line, d in zip(lines, diags):
            m = GITHUB_LINE.match(line)
            check(m, f"line does not parse: {line[:200]}")
            cmd, path, ln, col, eln, ecol, title, msg = m.groups()
            where = f"{d['path']}:{d['line']}"
            check(cmd == GITHUB_COMMAND[d["severity"]], f"{where}: ::{cmd}")
            check(os.path.normpath(unescape_github(path)) == os.path.normpath(d["path"]), f"{where}: file={path}")
            check((int(ln), int(col), int(eln), int(ecol)) ==
                  (d["line"], d["column"], d["end_line"], d["end_column"]), f"{where}: position")
            check(title == d["rule"], f"{where}: title={title}")
            check(unescape_github(msg).startswith(people_escape(d["message"])), f"{where}: message")

    def case_github_escaping(self):
        name = "we,ird:dir/50%,a:b.sql"
        sql = ('DROP INDEX "idx%50,a:b\nsecond line";\n'
               'ALTER TABLE "t%1,x:y\nz" DROP COLUMN c;\n')
        self.write(name, sql)
        lines = self.output("github", [name], cwd=self.tmp).splitlines()
        diags = self.json_report([name], cwd=self.tmp)["diagnostics"]
        check(len(lines) == len(diags) and lines, f"{len(lines)} lines for {len(diags)} diagnostics")
        escaped_specials = False
        for line, d in zip(lines, diags):
            m = GITHUB_LINE.match(line)
            check(m, f"line does not parse: {line[:300]}")
            check(m.group(2) == "we%2Cird%3Adir/50%25%2Ca%3Ab.sql", f"file= is {m.group(2)}")
            msg = m.group(8)
            # A line break from the input shows as \n in the annotation, as in
            # every report for people; %0A only separates the safe recipe.
            expected = people_escape(d["message"]) + ("\nhelp: " + people_escape(d["help"]) if d.get("help") else "")
            check(unescape_github(msg) == expected, f"message {msg!r} does not decode to {expected!r}")
            check(not re.search(r"%(?!25|0D|0A)", msg), f"unescaped % in {msg!r}")
            check(msg.count("%0A") == (1 if d.get("help") else 0) and "%0D" not in msg,
                  f"a line break from the input reached the command: {msg!r}")
            if "%" in d["message"] and "\n" in d["message"]:
                escaped_specials = True
                check("%25" in msg and "\\n" in msg, f"% and newline not escaped: {msg!r}")
        check(escaped_specials, "no message carried both % and a line break: the case tests nothing")

    # ---- what a pull request controls: names, paths, excerpts --------------

    HOSTILE_SQL = ('DROP INDEX "t\n::error::pwned";\n'
                   'DROP INDEX "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\";\n'
                   'DROP INDEX "x\x1b[2J\x1b[H";\n'
                   'DROP INDEX "##[error]boom ##VSO[task.setvariable variable=a]1";\n'
                   'DROP INDEX "a\rb::warning::c";\n'
                   'DROP INDEX "\u2028::error::ls\u0085::notice::n\u009b31m\x7f";\n'
                   "SELECT '\x07\x1b[5m'; CREATE INDEX i ON t (c);\n"
                   "SELECT 1 FROM\n::error::y;\n"
                   "SELECT 1 FROM\n\u00a0 ::error::z;\n")
    HOSTILE_FILES = ("::error::f\n##[warning]g\x1b[31m.sql", "\u00a0::notice::h.sql", "ok.sql")
    HOSTILE_STDIN = "::warning::s\r\n##[error]x\x1b]8;;http://e\x07.sql"
    CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")

    def hostile_runs(self):
        """(format, args, stdin) for the hostile inputs: a directory with
        hostile file names and identifiers, and standard input under a
        hostile --stdin-filename."""
        d = os.path.join(self.tmp, "hostile")
        os.makedirs(d, exist_ok=True)
        for name in self.HOSTILE_FILES:
            with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                f.write(self.HOSTILE_SQL)
        for fmt in ("text", "locks", "gcc", "markdown", "github"):
            yield fmt, ["hostile"], b""
            yield fmt, ["--stdin-filename", self.HOSTILE_STDIN, "-"], self.HOSTILE_SQL.encode()

    def check_people_output(self, fmt, args, text):
        where = f"--format {fmt} {args[:2]}"
        bad = self.CONTROL.search(text)
        check(not bad, f"{where}: control character {bad.group(0)!r} in the output" if bad else "")
        for line in text.split("\n"):
            if fmt == "github":
                check(not line or GITHUB_LINE.match(line), f"{where}: not one workflow command: {line[:200]!r}")
            else:
                check(not line.lstrip("".join(BLANKS)).startswith("::"), f"{where}: a line begins with '::': {line!r}")
            check("##[" not in line and "##vso[" not in line.lower(), f"{where}: '##[' on a line: {line!r}")

    def case_hostile_names_are_escaped(self):
        seen = set()
        for fmt, args, stdin in self.hostile_runs():
            text = self.output(fmt, args, cwd=self.tmp, stdin=stdin)
            check(text, f"--format {fmt}: no output")
            self.check_people_output(fmt, args, text)
            report = self.json_report(args, cwd=self.tmp, stdin=stdin)
            diags = report["diagnostics"]
            check(len(diags) >= 10, f"only {len(diags)} findings: the case tests little")
            if fmt == "text":
                for d in diags:
                    head = (f"{people_escape(d['path'], True)}:{d['line']}:{d['column']}: "
                            f"{d['severity']}[{d['rule']}]: {people_escape(d['message'])}\n")
                    check(head in text, f"no line {head!r}")
                    seen.add("text")
            elif fmt == "gcc":
                lines = text.splitlines()
                check(len(lines) == len(diags), f"{len(lines)} gcc lines for {len(diags)} findings")
                for line, d in zip(lines, diags):
                    want = (f"{people_escape(d['path'], True)}:{d['line']}:{d['column']}: "
                            f"{GCC_SEVERITY[d['severity']]}: {people_escape(d['message'])} [{d['rule']}]")
                    check(line == want, f"gcc line {line!r}, expected {want!r}")
                seen.add("gcc")
            elif fmt == "locks":
                check(people_escape("t\n::error::pwned") + " ACCESS EXCLUSIVE" in text, "locks: the table name")
                seen.add("locks")
            elif fmt == "markdown":
                check("\\x1b" in text and "\\n" in text, "markdown: no visible escape")
                check("\n\\x3a:error::y;\n" in text, "markdown: the excerpt line starting with '::' is not escaped")
                check("\n\u00a0 \\x3a:error::z;\n" in text, "markdown: an excerpt line starting with blanks and '::'")
                seen.add("markdown")
            elif fmt == "github":
                seen.add("github")
        check(seen == {"text", "gcc", "locks", "markdown", "github"}, f"formats checked: {seen}")

    PINGS = ('ALTER TABLE "octo/repo#12 GH-7 !3" DROP COLUMN "@alice @org/team";\n'
             'ALTER TABLE "#34" DROP COLUMN "https://github.com/o/r/issues/1";\n'
             'ALTER TABLE "&56" DROP COLUMN "www.example.com mail@example.com";\n')

    def case_markdown_pings_no_one(self):
        path = self.write("pings/@bob #9.sql", self.PINGS)
        text = self.output("markdown", [os.path.basename(path)], cwd=os.path.dirname(path))
        check(text.count("dropping column") == 3, "the findings naming the columns are missing")
        check(markdown_pings(text) == [], f"GitHub would link or notify: {markdown_pings(text)}")
        rendered = markdown_plain_text(text)
        for name in ("@alice", "@org/team", "octo/repo#12", "GH-7", "https://github.com/o/r/issues/1",
                     "www.example.com"):
            shown = name.replace("@", "@\u200b").replace("#1", "#\u200b1").replace("GH-", "GH\u200b-")
            shown = shown.replace("://", ":\u200b//").replace("www.", "www\u200b.")
            check(shown in rendered, f"{name!r} is not shown (as {shown!r})")
        check("#### `@bob #9.sql`" in text, "the path is not in a code span")

    def case_text_carets_line_up_after_escapes(self):
        line = "SELECT '\x07\x1b[5m'; CREATE INDEX i ON t (c);"
        path = self.write("carets/a.sql", line + "\n")
        text = self.output("text", [path])
        d = [d for d in self.json_report([path])["diagnostics"] if d["rule"] == "require-concurrent-index-creation"][0]
        shown = people_escape(line)
        lines = text.split("\n")
        i = [k for k, l in enumerate(lines) if "[require-concurrent-index-creation]" in l][0]
        check(lines[i + 1] == " 1 | " + shown, f"excerpt line {lines[i + 1]!r}")
        caret = lines[i + 2]
        check(caret.startswith("   | "), f"caret line {caret!r}")
        before = len(people_escape(line[:d["column"] - 1]))
        width = len(people_escape(line[d["column"] - 1:d["end_column"] - 1]))
        check(caret[5:] == " " * before + "^" * width, f"caret line {caret!r} is not under {shown[before:]!r}")

    # ---- GitLab ------------------------------------------------------------

    def case_gitlab_code_quality(self):
        args = ["tests/fixtures", "examples"]
        text = self.output("gitlab", args)
        try:
            issues = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CaseFailure(f"output does not parse: {exc}")
        check(isinstance(issues, list), "not a JSON array")
        diags = in_force(self.json_report(args)["diagnostics"])
        check(len(issues) == len(diags), f"{len(issues)} issues for {len(diags)} diagnostics in force")
        for issue, d in zip(issues, diags):
            where = f"{d['path']}:{d['line']}"
            for key in ("description", "check_name", "fingerprint", "severity", "location"):
                check(key in issue, f"{where}: no {key}")
            check(issue["description"] == d["message"], f"{where}: description")
            check(issue["check_name"] == d["rule"], f"{where}: check_name")
            check(issue["severity"] == GITLAB_SEVERITY[d["severity"]], f"{where}: severity {issue['severity']}")
            check(re.fullmatch(r"[0-9a-f]{16,64}", issue["fingerprint"]), f"{where}: fingerprint")
            loc = issue["location"]
            check(not loc["path"].startswith(("/", "./")), f"{where}: path {loc['path']} not relative")
            check(os.path.isfile(os.path.join(self.root, loc["path"])), f"{where}: {loc['path']} missing")
            check(isinstance(loc["lines"]["begin"], int) and loc["lines"]["begin"] == d["line"], f"{where}: begin")
            check(loc["lines"]["end"] == d["end_line"], f"{where}: end")
        fps = [i["fingerprint"] for i in issues]
        check(len(set(fps)) == len(fps), "two issues share a fingerprint")
        # The SARIF fingerprints and GitLab's are the same hash.
        sarif = [r for r in self.sarif(args)["runs"][0]["results"] if not r.get("suppressions")]
        check(fps == [r["partialFingerprints"]["migralintFingerprint/v1"] for r in sarif],
              "GitLab and SARIF fingerprints differ")

    def case_gitlab_empty_array(self):
        clean = self.write("clean/ok.sql", "SELECT 1;\n")
        text = self.output("gitlab", [clean])
        check(json.loads(text) == [], f"expected [], got {text!r}")

    # ---- gcc ---------------------------------------------------------------

    def case_gcc_lines(self):
        args = ["tests/fixtures", "examples"]
        lines = self.output("gcc", args).splitlines()
        diags = in_force(self.json_report(args)["diagnostics"])
        # Each finding, then a note at the place of each of its references
        # that has one (docs/formats.md, "References").
        want = []
        for d in diags:
            want.append((d["path"], d["line"], d["column"], GCC_SEVERITY[d["severity"]], d["rule"]))
            for r in d.get("references", []):
                if r["path"] is not None:
                    want.append((r["path"], r["line"] or 1, 1, "note", d["rule"]))
        notes = len(want) - len(diags)
        check(notes > 0, "no finding with references among the fixtures")
        check(len(lines) == len(want), f"{len(lines)} lines for {len(diags)} diagnostics in force and {notes} notes")
        for line, w in zip(lines, want):
            check(GCC_LINE.match(line), f"line does not match: {line[:200]}")
            path, ln, col, sev, msg, rule = GCC_PARTS.match(line).groups()
            check((path, int(ln), int(col), sev, rule) == w, f"line disagrees with the JSON report: {line[:200]}")
        stdin = self.output("gcc", ["--stdin-filename", "db/migrate/1_x.sql", "-"],
                            stdin=b"ALTER TABLE users DROP COLUMN nickname;\n").splitlines()
        check(stdin and all(GCC_LINE.match(l) and l.startswith("db/migrate/1_x.sql:1:") for l in stdin),
              f"stdin lines: {stdin}")

    # ---- markdown ----------------------------------------------------------

    def markdown_counts(self, text):
        m = MD_HEADER.search(text)
        check(m, "no '### migralint: N errors, N warnings, N infos in N files' header")
        return dict(zip(("errors", "warnings", "infos", "files"), map(int, m.groups())))

    def case_markdown_small_shows_everything(self):
        text = self.output("markdown", [EXAMPLE])
        report = self.json_report([EXAMPLE])
        diags = report["diagnostics"]
        counts = self.markdown_counts(text)
        for key in ("errors", "warnings", "infos"):
            check(counts[key] == report["summary"][key], f"header {key} {counts[key]}")
        check(counts["files"] == 1, "header file count")
        shown = MD_FINDING.findall(text)
        check(len(shown) == len(diags), f"{len(shown)} findings shown of {len(diags)}")
        for (icon, sev, rule), d in zip(shown, diags):
            check((icon, sev, rule) == (MD_ICON[d["severity"]], d["severity"], d["rule"]), f"finding {rule}")
        check("left out" not in text, "says findings were left out")
        check(text.count("```sql") == len(diags), "not every finding has its SQL excerpt")
        check("**Lock:** ACCESS EXCLUSIVE on `orders`" in text, "the lock is not shown")
        check(text.count("**Safe recipe:**") == len(diags), "not every finding has its safe recipe")
        check(f"**{diags[0]['severity']}** `{diags[0]['rule']}` · " in text, "the rule is not named")
        check(not re.search(r"\]\(|https?:", text), "a link without a configured doc_base_url")
        check("#### `" + EXAMPLE + "`" in text, "no section for the file")

    def case_markdown_no_findings(self):
        clean = self.write("clean/ok.sql", "SELECT 1;\n")
        text = self.output("markdown", [clean])
        check("### migralint: no findings" in text, f"no 'no findings' header: {text!r}")
        check(not MD_FINDING.search(text), "a finding in a clean report")

    def case_markdown_huge_input_is_truncated(self):
        stmts = ["BEGIN;"]
        for i in range(1700):
            stmts.append(f"CREATE INDEX idx_{i} ON t{i % 40} (c{i});")
            stmts.append(f"ALTER TABLE t{i % 40} DROP COLUMN c{i};")
            stmts.append(f"UPDATE t{i % 40} SET c{i} = 0;")
        stmts.append("COMMIT;")
        huge = self.write("huge/001_big.sql", "\n".join(stmts) + "\n")
        self.write("huge/002_more.sql", "CREATE TABLE x (c char(3));\nDROP INDEX i1;\nALTER TABLE t1 ADD COLUMN n int NOT NULL;\n")
        args = [os.path.dirname(huge)]
        text = self.output("markdown", args, cwd=self.tmp)
        report = self.json_report(args, cwd=self.tmp)
        total = len(report["diagnostics"])
        check(total >= 5000, f"only {total} findings generated")
        check(len(text) < MD_LIMIT, f"{len(text)} characters, over GitHub's limit")
        check(len(text.encode("utf-16-le")) // 2 < MD_LIMIT, "over the limit in UTF-16 code units")
        counts = self.markdown_counts(text)
        for key in ("errors", "warnings", "infos"):
            check(counts[key] == report["summary"][key], f"header {key} {counts[key]}")
        shown = MD_FINDING.findall(text)
        m = MD_LEFT_OUT.search(text)
        check(m, "does not say how many findings were left out")
        left, e, w, i, files = map(int, m.groups())
        check(len(shown) + left == total, f"{len(shown)} shown + {left} left out != {total}")
        check(e + w + i == left, "left-out counts by severity do not add up")
        by_sev = {"error": 0, "warning": 0, "info": 0}
        for _, sev, _ in shown:
            by_sev[sev] += 1
        check((by_sev["error"] + e, by_sev["warning"] + w, by_sev["info"] + i) ==
              (counts["errors"], counts["warnings"], counts["infos"]), "shown + left out != header counts")
        rest = report["diagnostics"][len(shown):]
        check(files == len({d["path"] for d in rest}), f"left out in {files} files")
        check("--format sarif" in text or "SARIF" in text, "does not point to the full report")
        check(text == self.output("markdown", args, cwd=self.tmp), "two runs give different comments")

    # ---- docs/formats.md --------------------------------------------------

    def doc_block(self, doc, section, lang=""):
        """The first fenced block (``` or ````) after the '## section' heading."""
        m = re.search(r"^## " + re.escape(section) + r"\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
        check(m, f"docs/formats.md has no '## {section}' section")
        b = re.search(r"^(`{3,})" + re.escape(lang) + r"\n(.*?)\n\1$", m.group(1), re.S | re.M)
        check(b, f"no ```{lang} block in the {section} section")
        return b.group(2)

    def case_docs_samples_are_real_output(self):
        with open(os.path.join(self.root, "docs", "formats.md"), encoding="utf-8") as f:
            doc = f.read()
        for fmt in ("gcc", "github"):
            real = self.output(fmt, [EXAMPLE]).splitlines()
            sample = self.doc_block(doc, fmt, "text").splitlines()
            check(sample and all(line in real for line in sample),
                  f"the {fmt} sample in docs/formats.md is not what migralint prints now: regenerate it")
        real = json.loads(self.output("gitlab", [EXAMPLE]))
        sample = json.loads(self.doc_block(doc, "gitlab", "json"))
        check(sample and all(issue in real for issue in sample), "the gitlab sample is stale: regenerate it")
        real = self.output("markdown", [EXAMPLE])
        head = self.doc_block(doc, "markdown", "markdown").split("\n\n...\n")[0]
        check(real.startswith(head + "\n"), "the markdown sample is stale: regenerate it")
        log = self.sarif([EXAMPLE])
        sample = json.loads(self.doc_block(doc, "sarif", "json"))
        got = {r["partialFingerprints"]["migralintFingerprint/v1"]: r for r in log["runs"][0]["results"]}
        for r in sample["runs"][0]["results"]:
            fp = r["partialFingerprints"]["migralintFingerprint/v1"]
            check(fp in got and {k: v for k, v in got[fp].items() if k != "ruleIndex"} ==
                  {k: v for k, v in r.items() if k != "ruleIndex"}, "the sarif sample is stale: regenerate it")


def main():
    if len(sys.argv) != 3:
        print("usage: formats_test.py MIGRALINT_BINARY REPO_ROOT", file=sys.stderr)
        return 2
    checker = Checker(os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]))
    passed = failed = 0
    try:
        for name in sorted(n for n in dir(checker) if n.startswith("case_")):
            label = name[len("case_"):]
            try:
                getattr(checker, name)()
                print(f"ok   {label}")
                passed += 1
            except CaseSkipped as exc:
                print(f"skip {label}: {exc}")
            except (CaseFailure, OSError, KeyError, IndexError, TypeError, ValueError) as exc:
                print(f"FAIL {label}: {type(exc).__name__}: {exc}")
                failed += 1
    finally:
        checker.close()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
