#!/usr/bin/env python3
"""lsp_test.py - `migralint lsp` driven over a pipe, as an editor drives it.

A JSON-RPC client in the standard library (Client below) starts the server,
frames each message with Content-Length, and reads what comes back on a
thread, so a server that stops answering fails the test after a timeout
instead of hanging it. It checks every message the server handles:

- the lifecycle: requests before initialize, the capabilities, a second
  initialize, shutdown, requests after it, exit with status 0 after shutdown
  and 1 without, the end of input;
- diagnostics on didOpen, didChange (full, and ranged from a client that
  sends them), didSave and didClose (an empty list): severity, code,
  codeDescription, source, the help paragraph, silenced findings left out,
  ranges in UTF-16 code units over text with é, 😀, CRLF line ends and a
  byte that is not UTF-8;
- related information: a view an earlier migration made on a dropped column,
  the statement that took a lock still held (in a file and in an untitled
  buffer);
- code actions: the fix, the "ignore" comment (above the statement, with its
  indentation, or added to the comment already there) and every fix at once,
  each applied to the text here and the result linted again: the finding is
  gone;
- hover: the statement's locks, what they block, its transaction, the locks
  held after it;
- history: a goose directory whose earlier migration's CHECK decides a
  later file's finding, changed on disk (didChangeWatchedFiles, didSave);
  an untitled buffer linted alone;
- configuration: .migralint.json changed, made invalid (an error naming
  the file, the defaults meanwhile) and fixed; the editor's settings
  (initializationOptions, didChangeConfiguration), a bad one;
- bad input: invalid JSON, a bad header, garbage between messages, a body
  over the cap, JSON that is not an object, ids, methods and params of the
  wrong type, an unknown method, a notification with an id, a request
  without one, $/ notifications, a didChange for a document not open, a
  position past the end, a document over max_input_size, a NUL character
  in a document, a version no integer holds; and 300 valid
  messages with parts replaced by values of other types. After each one the
  server still answers.

usage: lsp_test.py MIGRALINT
"""
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

TIMEOUT = float(os.environ.get("LSP_TEST_TIMEOUT", "60"))
MIGRALINT = None
FAILURES = []


def fail(msg):
    FAILURES.append(msg)
    print("FAIL:", msg, flush=True)


def check(cond, msg):
    if not cond:
        fail(msg)
    return cond


def uri_of(path):
    from urllib.parse import quote
    return "file://" + quote(os.path.abspath(path))


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def position_of(text, index):
    """The LSP position (UTF-16) of the character index of text (a str);
    lines end at \\n, \\r\\n or \\r."""
    line, start, i = 0, 0, 0
    while i < index:
        c = text[i]
        if c == "\n" or (c == "\r" and (i + 1 >= len(text) or text[i + 1] != "\n")):
            line, start = line + 1, i + 1
        i += 1
    return {"line": line, "character": utf16_len(text[start:index])}


def index_of(text, pos):
    """The character index of an LSP position in text (inverse of position_of)."""
    lines = re.split(r"(\r\n|\n|\r)", text)
    idx = 0
    for n in range(pos["line"]):
        idx += len(lines[2 * n]) + len(lines[2 * n + 1])
    line = lines[2 * pos["line"]]
    units, k = 0, 0
    while k < len(line) and units < pos["character"]:
        units += utf16_len(line[k])
        k += 1
    return idx + k


def apply_edits(text, edits):
    """text with TextEdits applied (positions in UTF-16), last first."""
    spans = sorted(((index_of(text, e["range"]["start"]), index_of(text, e["range"]["end"]), e["newText"])
                    for e in edits), reverse=True)
    for a, b, new in spans:
        text = text[:a] + new + text[b:]
    return text


class Client:
    def __init__(self, args=(), cwd=None):
        self.proc = subprocess.Popen([MIGRALINT, "lsp", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd)
        self.inbox = queue.Queue()
        self.pending = []  # messages read while waiting for another one
        self.next_id = 1
        self.stderr = b""
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                if line == b"\r\n":
                    break
                if not line.endswith(b"\r\n") or b":" not in line:
                    self.inbox.put(("bad", line))
                    return
                k, v = line[:-2].split(b":", 1)
                headers[k.strip().lower()] = v.strip()
            body = out.read(int(headers[b"content-length"]))
            try:
                self.inbox.put(json.loads(body.decode("utf-8")))
            except (UnicodeDecodeError, ValueError) as e:
                self.inbox.put(("bad", repr(e) + " " + repr(body[:200])))

    def _read_stderr(self):
        self.stderr = self.proc.stderr.read()

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send_body(self, body):
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def send(self, msg):
        self.send_body(json.dumps(msg).encode("utf-8"))

    def notify(self, method, params=None):
        m = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            m["params"] = params
        self.send(m)

    def request_async(self, method, params=None):
        rid = self.next_id
        self.next_id += 1
        m = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            m["params"] = params
        self.send(m)
        return rid

    def next_message(self, timeout=TIMEOUT):
        try:
            m = self.inbox.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError("no message from the server in %ss" % timeout)
        if m is None:
            raise EOFError("the server closed its output")
        if isinstance(m, tuple):
            raise ValueError("the server wrote something that is not a framed JSON message: %r" % (m[1],))
        return m

    def wait(self, pred, what, timeout=TIMEOUT):
        for i, m in enumerate(self.pending):
            if pred(m):
                return self.pending.pop(i)
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("waited %ss for %s" % (timeout, what))
            m = self.next_message(left)
            if pred(m):
                return m
            self.pending.append(m)

    def response(self, rid):
        return self.wait(lambda m: m.get("id") == rid and "method" not in m, "the answer to request %r" % rid)

    def request(self, method, params=None):
        return self.response(self.request_async(method, params))

    def result(self, method, params=None):
        r = self.request(method, params)
        if "error" in r:
            raise AssertionError("%s answered an error: %r" % (method, r["error"]))
        return r["result"]

    def error_response(self, pred_what="an error with a null id"):
        return self.wait(lambda m: "error" in m and m.get("id") is None, pred_what)

    def notification(self, method, pred=lambda p: True, what=None):
        m = self.wait(lambda m: m.get("method") == method and "id" not in m and pred(m.get("params")),
                      what or method)
        return m["params"]

    def diagnostics(self, uri, version=None):
        """The next publishDiagnostics for uri (of version, when given)."""
        return self.notification("textDocument/publishDiagnostics",
                                 lambda p: p["uri"] == uri and (version is None or p.get("version") == version),
                                 "diagnostics for %s" % uri)["diagnostics"]

    def initialize(self, options=None, root=None, caps=None):
        params = {
            "processId": os.getpid(),
            "rootUri": uri_of(root) if root else None,
            "capabilities": caps if caps is not None else {
                "textDocument": {"publishDiagnostics": {"relatedInformation": True, "codeDescriptionSupport": True}},
                "workspace": {"workspaceEdit": {"documentChanges": True},
                              "didChangeWatchedFiles": {"dynamicRegistration": True}},
            },
        }
        if options is not None:
            params["initializationOptions"] = options
        r = self.result("initialize", params)
        self.notify("initialized", {})
        return r

    def open(self, uri, text, version=1):
        self.notify("textDocument/didOpen",
                    {"textDocument": {"uri": uri, "languageId": "sql", "version": version, "text": text}})
        return self.diagnostics(uri, version)

    def change(self, uri, text, version):
        self.notify("textDocument/didChange",
                    {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]})
        return self.diagnostics(uri, version)

    def ping(self, what):
        """The server still answers: an unknown method gets MethodNotFound."""
        try:
            r = self.request("migralint/ping", {})
            check(r.get("error", {}).get("code") == -32601, "after %s: ping answered %r" % (what, r))
        except (TimeoutError, EOFError, ValueError) as e:
            fail("after %s the server no longer answers: %s" % (what, e))
            raise

    def finish(self, expect_status=0):
        try:
            self.result("shutdown")
            self.notify("exit")
        except (TimeoutError, EOFError, ValueError, BrokenPipeError) as e:
            fail("shutdown: %s" % e)
        try:
            status = self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            status = "killed after %ss" % TIMEOUT
        check(status == expect_status, "exit status %r, expected %r; stderr: %s" %
              (status, expect_status, self.stderr.decode("utf-8", "replace")[-2000:]))
        return status


def rules_of(diags):
    return sorted(d.get("code") for d in diags)


def find(diags, rule):
    found = [d for d in diags if d.get("code") == rule]
    return found[0] if found else None


# ---------------------------------------------------------------------------
def test_lifecycle(tmp):
    c = Client(cwd=tmp)
    r = c.request("textDocument/hover", {"textDocument": {"uri": "file:///x.sql"}, "position": {"line": 0, "character": 0}})
    check(r.get("error", {}).get("code") == -32002, "a request before initialize: %r" % r)
    c.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///x.sql", "languageId": "sql", "version": 1,
                                                        "text": "DROP TABLE t;"}})
    init = c.initialize()
    caps = init.get("capabilities", {})
    sync = caps.get("textDocumentSync", {})
    check(sync.get("change") == 1 and sync.get("openClose") is True and "save" in sync,
          "textDocumentSync: full, open/close, save: %r" % sync)
    check("quickfix" in caps.get("codeActionProvider", {}).get("codeActionKinds", []), "quickfix kind: %r" % caps)
    check(caps.get("hoverProvider") is True, "hoverProvider")
    version = subprocess.run([MIGRALINT, "--version"], capture_output=True, text=True).stdout.split()[1]
    check(init.get("serverInfo") == {"name": "migralint", "version": version}, "serverInfo: %r" % init.get("serverInfo"))
    reg = c.wait(lambda m: m.get("method") == "client/registerCapability", "the watched files registration")
    globs = [w["globPattern"] for r_ in reg["params"]["registrations"] for w in r_["registerOptions"]["watchers"]]
    check("**/.migralint.json" in globs and "**/*.sql" in globs, "watched files: %r" % globs)
    c.send({"jsonrpc": "2.0", "id": reg["id"], "result": None})
    # The didOpen before initialize was dropped: the document is not open.
    r = c.request("textDocument/hover", {"textDocument": {"uri": "file:///x.sql"}, "position": {"line": 0, "character": 0}})
    check(r.get("error", {}).get("code") == -32602 and "not open" in r["error"]["message"],
          "the didOpen before initialize is dropped: %r" % r)
    r = c.request("initialize", {"capabilities": {}})
    check(r.get("error", {}).get("code") == -32600, "a second initialize: %r" % r)
    c.ping("a second initialize")
    check(c.result("shutdown") is None, "shutdown answers null")
    r = c.request("textDocument/hover", {"textDocument": {"uri": "file:///x.sql"}, "position": {"line": 0, "character": 0}})
    check(r.get("error", {}).get("code") == -32600, "a request after shutdown: %r" % r)
    c.notify("exit")
    check(c.proc.wait(timeout=TIMEOUT) == 0, "exit after shutdown: status 0")

    c = Client(cwd=tmp)
    c.initialize()
    c.notify("exit")
    check(c.proc.wait(timeout=TIMEOUT) == 1, "exit without shutdown: status 1")

    c = Client(cwd=tmp)
    c.initialize()
    c.proc.stdin.close()
    check(c.proc.wait(timeout=TIMEOUT) == 1, "the input ended without shutdown: status 1")

    out = subprocess.run([MIGRALINT, "lsp", "--bogus"], capture_output=True, text=True)
    check(out.returncode == 3 and "unknown option" in out.stderr and out.stdout == "",
          "a bad option: status 3, said on stderr: %r" % (out,))


def test_diagnostics(tmp):
    c = Client(cwd=tmp)
    c.initialize()
    uri = uri_of(os.path.join(tmp, "multibyte.sql"))
    # é is one UTF-16 unit and two bytes, 😀 two units and four bytes.
    text = ("-- é 😀 before\r\n"
            "SELECT 'é😀é'; CREATE INDEX i ON t (a);\r\n"
            "\r\n"
            "-- migralint-ignore ban-drop-column: nothing reads it since 2024.03\r\n"
            "ALTER TABLE users DROP COLUMN legacy;\r\n"
            "ALTER TABLE users ADD COLUMN 😀x int NOT NULL;\r\n"
            "ALTER TABLE users ADD COLUMN v varchar(10);\r\n")
    diags = c.open(uri, text)
    index = find(diags, "require-concurrent-index-creation")
    if check(index, "CREATE INDEX without CONCURRENTLY: %r" % rules_of(diags)):
        start = text.index("t (a)")
        check(index["range"] == {"start": position_of(text, start), "end": position_of(text, start + len("t (a)"))},
              "the range in UTF-16 after é and 😀 on the line: %r" % index["range"])
        check(index["range"]["start"] == {"line": 1, "character": 33}, "UTF-16 column 33: %r" % index["range"])
        check(index["severity"] == 2 and index["source"] == "migralint", "a warning from migralint: %r" % index)
        check(index.get("codeDescription", {}).get("href", "").endswith("/docs/rules/require-concurrent-index-creation.md"),
              "codeDescription.href: %r" % index.get("codeDescription"))
        check("\n\nhelp: " in index["message"] and "CONCURRENTLY" in index["message"].split("\n\n")[1],
              "the help as a second paragraph: %r" % index["message"])
    required = find(diags, "adding-required-field")
    if check(required, "adding-required-field: %r" % rules_of(diags)):
        check(required["severity"] == 1, "an error: severity 1")
        start = text.index("😀x int NOT NULL")
        check(required["range"]["start"] == {"line": 5, "character": 29}, "after CRLF lines: %r" % required["range"])
        check(required["range"]["end"] == position_of(text, start + len("😀x int NOT NULL")),
              "its end counts 😀 as 2: %r" % required["range"])
    info = find(diags, "prefer-text-field")
    check(info and info["severity"] == 3, "an info finding: severity 3: %r" % info)
    check(not find(diags, "ban-drop-column"), "a finding an ignore comment silences is not published")

    # didChange (full), a version echoed.
    diags = c.change(uri, "ALTER TABLE users DROP COLUMN legacy;\n", 2)
    check(rules_of(diags).count("ban-drop-column") == 1 and len(diags) <= 4, "after didChange: %r" % rules_of(diags))
    # A ranged change (the server asks for full text, some clients send ranges anyway).
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3}, "contentChanges": [
        {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 37}},
         "text": "ALTER TABLE users ADD COLUMN n int NOT NULL;"}]})
    diags = c.diagnostics(uri, 3)
    check(find(diags, "adding-required-field") and not find(diags, "ban-drop-column"), "a ranged change: %r" % rules_of(diags))
    # A byte that is not UTF-8 inside the text: one unit, and the answer is UTF-8.
    body = (b'{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"%s","version":4},'
            b'"contentChanges":[{"text":"SELECT \'\xff\xfe\'; CREATE INDEX i ON t (a);\\n"}]}}' % uri.encode())
    c.send_body(body)
    diags = c.diagnostics(uri, 4)
    index = find(diags, "require-concurrent-index-creation")
    check(index and index["range"]["start"] == {"line": 0, "character": 31},
          "each byte that is not UTF-8 counts as one unit: %r" % (index,))
    # didSave publishes again; didClose publishes an empty list.
    c.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    check(find(c.diagnostics(uri), "require-concurrent-index-creation"), "didSave publishes")
    c.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    check(c.diagnostics(uri) == [], "didClose publishes an empty list")
    c.finish()


def test_code_actions(tmp):
    c = Client(cwd=tmp)
    c.initialize()
    uri = uri_of(os.path.join(tmp, "actions.sql"))
    text = ("-- é 😀\n"
            "CREATE INDEX 😀i ON orders (customer_id);\n"
            "-- migralint-ignore require-lock-timeout: reviewed\n"
            "    ALTER TABLE users ADD COLUMN x int NOT NULL;\n")
    version = 1
    diags = c.open(uri, text)
    index = find(diags, "require-concurrent-index-creation")
    actions = c.result("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": index["range"],
                                                   "context": {"diagnostics": [index]}})
    fixes = [a for a in actions if a["kind"] == "quickfix" and a.get("diagnostics", [{}])[0].get("code") ==
             "require-concurrent-index-creation" and "CONCURRENTLY" in a["title"]]
    if check(fixes, "a quickfix for CREATE INDEX: %r" % [a["title"] for a in actions]):
        change = fixes[0]["edit"]["documentChanges"][0]
        check(change["textDocument"] == {"uri": uri, "version": version}, "the edit names the version: %r" % change)
        fixed = apply_edits(text, change["edits"])
        check("CREATE INDEX CONCURRENTLY 😀i ON orders" in fixed, "the fix applied: %r" % fixed)
        version += 1
        diags = c.change(uri, fixed, version)
        check(not find(diags, "require-concurrent-index-creation"), "fixed, the finding is gone: %r" % rules_of(diags))
        text = fixed

    # "Ignore" added to the comment already above the statement.
    required = find(diags, "adding-required-field")
    actions = c.result("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": required["range"],
                                                   "context": {"diagnostics": [required]}})
    ignore = [a for a in actions if a["title"].startswith("Ignore adding-required-field")]
    if check(ignore, "an ignore action: %r" % [a["title"] for a in actions]):
        fixed = apply_edits(text, ignore[0]["edit"]["documentChanges"][0]["edits"])
        check("-- migralint-ignore require-lock-timeout, adding-required-field: reviewed\n    ALTER" in fixed,
              "the rule added to the comment above: %r" % fixed)
        version += 1
        diags = c.change(uri, fixed, version)
        check(not find(diags, "adding-required-field"), "ignored, the finding is gone: %r" % rules_of(diags))
        text = fixed

    # A range that is only the cursor, away from the finding, with the
    # line's diagnostics in the context (as Neovim asks): its actions.
    text2 = "SET lock_timeout = '1s';\nSET statement_timeout = '1s';\n  ALTER TABLE users DROP COLUMN a;\n"
    version += 1
    diags = c.change(uri, text2, version)
    drop = find(diags, "ban-drop-column")
    cursor = {"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 0}}
    actions = c.result("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": cursor,
                                                   "context": {"diagnostics": [drop]}})
    check(any(a["title"].startswith("Ignore ban-drop-column") for a in actions),
          "the diagnostics the client names get their actions: %r" % [a["title"] for a in actions])
    actions = c.result("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": cursor,
                                                   "context": {"diagnostics": []}})
    check(not any(a["title"].startswith("Ignore") for a in actions),
          "without them, only the range counts: %r" % [a["title"] for a in actions])
    version += 1
    c.change(uri, text, version)

    # "Ignore" on a line of its own, with the statement's indentation and
    # the document's CRLF.
    text = "SET lock_timeout = '5s';\r\nSET statement_timeout = '5s';\r\n\r\n  ALTER TABLE users DROP COLUMN 😀;\r\n"
    version += 1
    diags = c.change(uri, text, version)
    drop = find(diags, "ban-drop-column")
    actions = c.result("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": drop["range"],
                                                   "context": {"diagnostics": [drop]}})
    ignore = [a for a in actions if a["title"].startswith("Ignore ban-drop-column")]
    if check(ignore, "an ignore action for ban-drop-column"):
        edits = ignore[0]["edit"]["documentChanges"][0]["edits"]
        check(edits[0]["newText"] == "  -- migralint-ignore ban-drop-column: TODO: why this is safe\r\n",
              "a comment line with the statement's indentation and a reason to write: %r" % edits)
        fixed = apply_edits(text, edits)
        version += 1
        diags = c.change(uri, fixed, version)
        check(not find(diags, "ban-drop-column"), "ignored: %r" % rules_of(diags))

    # Every fix at once.
    text = ("CREATE INDEX a ON t (x);\nSELECT 'é';\nDROP INDEX b;\nCREATE INDEX c ON t (y);\n")
    version += 1
    diags = c.change(uri, text, version)
    actions = c.result("textDocument/codeAction", {"textDocument": {"uri": uri},
                                                   "range": {"start": {"line": 0, "character": 0},
                                                             "end": {"line": 0, "character": 0}},
                                                   "context": {"diagnostics": [], "only": ["source.fixAll"]}})
    check(all(a["kind"].startswith("source.fixAll") for a in actions), "only the kinds asked for: %r" % actions)
    if check(len(actions) == 1, "one fix-all action: %r" % [a["title"] for a in actions]):
        fixed = apply_edits(text, actions[0]["edit"]["documentChanges"][0]["edits"])
        check(fixed == "CREATE INDEX CONCURRENTLY a ON t (x);\nSELECT 'é';\nDROP INDEX CONCURRENTLY b;\n"
                       "CREATE INDEX CONCURRENTLY c ON t (y);\n", "every fix applied: %r" % fixed)
        version += 1
        diags = c.change(uri, fixed, version)
        check(not [d for d in diags if d["code"].startswith("require-concurrent")], "all fixed: %r" % rules_of(diags))
        actions = c.result("textDocument/codeAction", {"textDocument": {"uri": uri},
                                                       "range": {"start": {"line": 0, "character": 0},
                                                                 "end": {"line": 0, "character": 0}},
                                                       "context": {"diagnostics": [], "only": ["source.fixAll"]}})
        check(actions == [], "nothing left to fix: %r" % actions)

    # A client without documentChanges gets "changes".
    c2 = Client(cwd=tmp)
    c2.initialize(caps={})
    c2.open(uri, "CREATE INDEX a ON t (x);\n")
    actions = c2.result("textDocument/codeAction", {"textDocument": {"uri": uri},
                                                    "range": {"start": {"line": 0, "character": 0},
                                                              "end": {"line": 0, "character": 24}},
                                                    "context": {"diagnostics": []}})
    check(actions and all(set(a["edit"]) == {"changes"} and uri in a["edit"]["changes"] for a in actions),
          "WorkspaceEdit.changes: %r" % actions)
    c2.finish()
    c.finish()


def test_hover(tmp):
    c = Client(cwd=tmp)
    c.initialize()
    uri = uri_of(os.path.join(tmp, "hover.sql"))
    text = ("SET lock_timeout = '5s';\n"
            "ALTER TABLE users ADD COLUMN x int NOT NULL DEFAULT random();\n"
            "\n"
            "BEGIN;\n"
            "CREATE INDEX i ON orders (a);\n"
            "COMMIT;\n")
    c.open(uri, text)
    h = c.result("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 8}})
    value = h["contents"]["value"] if h else ""
    check(h and h["contents"]["kind"] == "markdown", "markdown: %r" % h)
    for want in ("ALTER TABLE", "`users`", "ACCESS EXCLUSIVE", "everything, plain SELECTs too",
                 "Rewrites the table: **yes**", "a transaction of its own"):
        check(want in value, "hover on ALTER TABLE says %r: %r" % (want, value))
    check(h and h["range"]["start"] == {"line": 1, "character": 0}, "the statement's range: %r" % h)
    h = c.result("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 4, "character": 3}})
    value = h["contents"]["value"] if h else ""
    for want in ("CREATE INDEX", "`orders`", "| SHARE |", "writes (INSERT, UPDATE, DELETE)",
                 "inside the transaction a BEGIN", "Held after it, until the transaction ends: SHARE on `orders`"):
        check(want in value, "hover on CREATE INDEX in BEGIN says %r: %r" % (want, value))
    h = c.result("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 0}})
    check(h is None, "no statement on a blank line: %r" % h)
    c.finish()


def write(path, text):
    """Writes path whole, as editors save (a temporary file renamed): the
    server, still linting after the last change, never reads half a file."""
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def test_related_and_history(tmp):
    d = os.path.join(tmp, "goose")
    os.makedirs(d)
    write(os.path.join(d, "001_create.sql"), "-- +goose Up\nCREATE TABLE t (id bigint PRIMARY KEY, a int);\n"
                                             "CREATE VIEW v AS SELECT a FROM t;\n")
    write(os.path.join(d, "002_check.sql"), "-- +goose Up\nALTER TABLE t ADD CONSTRAINT c CHECK (a IS NOT NULL) NOT VALID;\n")
    c = Client(cwd=tmp)
    c.initialize(root=tmp)
    # Related information: the view 001 made still uses the column.
    drop_uri = uri_of(os.path.join(d, "004_drop.sql"))
    diags = c.open(drop_uri, "-- +goose Up\nALTER TABLE t DROP COLUMN a;\n")
    ref = find(diags, "dropped-column-still-referenced")
    if check(ref, "the view in 001 is seen from 004: %r" % rules_of(diags)):
        info = ref.get("relatedInformation", [])
        view = [i for i in info if "view v" in i["message"]]
        check(len(view) == 1 and view[0]["location"]["uri"] == uri_of(os.path.join(d, "001_create.sql")) and
              view[0]["location"]["range"]["start"] == {"line": 2, "character": 0},
              "relatedInformation: the view in 001 at its line: %r" % info)
        check(any("constraint c" in i["message"] and i["location"]["uri"].endswith("/002_check.sql") for i in info),
              "relatedInformation: the CHECK of 002: %r" % info)
    c.notify("textDocument/didClose", {"textDocument": {"uri": drop_uri}})
    c.diagnostics(drop_uri)

    # The CHECK of 002, validated in 003, spares SET NOT NULL its scan.
    later = "-- +goose Up\nALTER TABLE t VALIDATE CONSTRAINT c;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;\n"
    uri = uri_of(os.path.join(d, "003_not_null.sql"))
    diags = c.open(uri, later)
    check(not find(diags, "adding-not-nullable-field"), "with 002's CHECK as history: %r" % rules_of(diags))
    # 002 loses its CHECK on disk: the watched file change relints 003.
    write(os.path.join(d, "002_check.sql"), "-- +goose Up\nSELECT 1;\n")
    c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri_of(os.path.join(d, "002_check.sql")), "type": 2}]})
    diags = c.diagnostics(uri)
    check(find(diags, "adding-not-nullable-field"), "002 changed on disk: %r" % rules_of(diags))
    # 002 open and saved with the CHECK back: didSave relints 003 too.
    check_uri = uri_of(os.path.join(d, "002_check.sql"))
    check_text = "-- +goose Up\nALTER TABLE t ADD CONSTRAINT c CHECK (a IS NOT NULL) NOT VALID;\n"
    c.open(check_uri, "-- +goose Up\nSELECT 1;\n")
    c.change(check_uri, check_text, 2)
    write(os.path.join(d, "002_check.sql"), check_text)
    c.notify("textDocument/didSave", {"textDocument": {"uri": check_uri}})
    diags = c.diagnostics(uri)
    check(not find(diags, "adding-not-nullable-field"), "002 saved with its CHECK: %r" % rules_of(diags))
    # An untitled buffer is linted alone.
    diags = c.open("untitled:Untitled-1", later)
    check(find(diags, "adding-not-nullable-field"), "an untitled buffer has no history: %r" % rules_of(diags))
    # The statement that took a lock still held is related information in
    # the document itself, a file's or an untitled buffer's: its whole line.
    held = ("BEGIN;\nSET LOCAL lock_timeout = '1s';\nSET LOCAL statement_timeout = '1s';\n"
            "LOCK TABLE t IN ACCESS EXCLUSIVE MODE;\nINSERT INTO t_new SELECT * FROM t;\nCOMMIT;\n")
    for held_uri in (uri_of(os.path.join(tmp, "held.sql")), "untitled:Untitled-2"):
        ref = find(c.open(held_uri, held), "slow-statement-under-exclusive-lock")
        info = ref.get("relatedInformation", []) if ref else []
        check(len(info) == 1 and info[0]["location"] == {
            "uri": held_uri, "range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 38}}},
              "%s: the LOCK TABLE that took the lock is related information: %r" % (held_uri, ref))
    c.finish()


def test_config(tmp):
    root = os.path.join(tmp, "project")
    os.makedirs(os.path.join(root, "db"))
    config = os.path.join(root, ".migralint.json")
    write(config, '{ "rules": { "ban-drop-column": false } }\n')
    c = Client(cwd=tmp)
    c.initialize(root=root)
    uri = uri_of(os.path.join(root, "db", "001.sql"))
    text = "ALTER TABLE users DROP COLUMN a;\nALTER TABLE users ADD COLUMN b int DEFAULT 0;\n"
    diags = c.open(uri, text)
    check(not find(diags, "ban-drop-column"), ".migralint.json turns ban-drop-column off: %r" % rules_of(diags))
    # A file the configuration excludes shows nothing.
    write(config, '{ "rules": { "ban-drop-column": false }, "exclude": ["db/legacy/**"] }\n')
    c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri_of(config), "type": 2}]})
    check(not find(c.diagnostics(uri), "ban-drop-column"), "reloaded, still off")
    os.makedirs(os.path.join(root, "db", "legacy"))
    legacy = uri_of(os.path.join(root, "db", "legacy", "001.sql"))
    check(c.open(legacy, "CREATE INDEX i ON t (a);\n") == [], "an excluded file has no diagnostics")
    c.notify("textDocument/didClose", {"textDocument": {"uri": legacy}})
    c.diagnostics(legacy)
    # Changed: the rule is on again.
    write(config, '{ "severity": { "ban-drop-column": "info" } }\n')
    c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri_of(config), "type": 2}]})
    diags = c.diagnostics(uri)
    drop = find(diags, "ban-drop-column")
    check(drop and drop["severity"] == 3, "the changed configuration is read: %r" % (drop,))
    # Invalid: an error naming the file, and the defaults meanwhile.
    write(config, '{ "rulez": {} }\n')
    c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri_of(config), "type": 2}]})
    shown = c.notification("window/showMessage")
    check(shown["type"] == 1 and config in shown["message"] and "rulez" in shown["message"],
          "an invalid configuration is shown, naming the file and the key: %r" % shown)
    diags = c.diagnostics(uri)
    drop = find(diags, "ban-drop-column")
    check(drop and drop["severity"] == 2, "linted with the defaults meanwhile: %r" % (drop,))
    c.ping("an invalid configuration")
    write(config, '{ "rules": { "ban-drop-column": false } }\n')
    c.notify("textDocument/didSave", {"textDocument": {"uri": uri_of(config)}})
    check(not find(c.diagnostics(uri), "ban-drop-column"), "fixed and saved: read again")
    # The editor's settings: PostgreSQL 10 has no fast defaults.
    check(not find(diags, "adding-field-with-default"), "PG 15 adds a constant default without a rewrite")
    c.notify("workspace/didChangeConfiguration", {"settings": {"migralint": {"pgVersion": "10", "exclude": ["prefer-robust-stmts"]}}})
    diags = c.diagnostics(uri)
    check(find(diags, "adding-field-with-default"), "pgVersion 10 from the settings: %r" % rules_of(diags))
    # A bad setting: said, the rest still applies.
    c.notify("workspace/didChangeConfiguration", {"settings": {"migralint": {"pgVersion": "ten", "colour": 1}}})
    shown = c.notification("window/showMessage")
    check(shown["type"] == 1 and "pgVersion" in shown["message"] and "colour" in shown["message"],
          "bad settings are shown: %r" % shown)
    diags = c.diagnostics(uri)
    check(not find(diags, "adding-field-with-default"), "back to PG 15: %r" % rules_of(diags))
    # A setting given twice (JSON allows it; cJSON keeps both): the last one
    # counts, and the first is not leaked (the AddressSanitizer build's exit
    # status says so).
    c.send_body(b'{"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration", "params": {"settings": '
                b'{"migralint": {"config": "nowhere.json", "config": ".migralint.json"}}}}')
    diags = c.diagnostics(uri)
    check(not find(diags, "ban-drop-column"), "the last of two config settings: %r" % rules_of(diags))
    c.finish()

    # initializationOptions, and a document over max_input_size.
    c = Client(cwd=tmp)
    c.initialize(options={"migralint": {"config": ".migralint.json", "maxInputSize": "1K"}}, root=root)
    diags = c.open(uri, text)
    check(not find(diags, "ban-drop-column"), "the config the settings name: %r" % rules_of(diags))
    big = "SELECT 1;\n" * 200
    diags = c.change(uri, big, 2)
    check(len(diags) == 1 and "max_input_size" in diags[0]["message"] and diags[0]["severity"] == 1,
          "a document over max_input_size: one clear diagnostic: %r" % diags)
    c.ping("a document over max_input_size")
    diags = c.change(uri, text, 3)
    check(not any("max_input_size" in d["message"] for d in diags), "linted again once small: %r" % diags)
    c.finish()


def test_bad_input(tmp):
    c = Client(["--max-message-size", "64K"], cwd=tmp)
    c.initialize()
    uri = uri_of(os.path.join(tmp, "bad.sql"))
    c.open(uri, "SELECT 1;\n")

    def expect_error(code, what, rid=None):
        pred = (lambda m: "error" in m and m.get("id") == rid)
        try:
            m = c.wait(pred, what)
            check(m["error"]["code"] == code and m["error"].get("message"),
                  "%s: error %r, expected %d" % (what, m["error"], code))
        except TimeoutError as e:
            fail("%s: %s" % (what, e))
        c.ping(what)

    c.send_body(b'{"jsonrpc": "2.0", "id": 1, "method": ')
    expect_error(-32700, "invalid JSON")
    c.send_raw(b"Content-Length: abc\r\n\r\n")
    expect_error(-32700, "a bad Content-Length")
    c.send_raw(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n")
    expect_error(-32700, "a header without Content-Length")
    # Garbage ends where the next header starts: send one at once.
    c.send_raw(b"this is not a header\r\nnor this")
    c.ping("garbage before a message")
    expect_error(-32700, "garbage before a message")
    c.send_body(b'{"jsonrpc": "2.0", "id": 99, "method": "x", "params": "' + b"a" * 70000 + b'"}')
    expect_error(-32700, "a body over --max-message-size")
    c.send_body(b"[1, 2]")
    expect_error(-32600, "a JSON array (a batch)")
    c.send_body(b"42")
    expect_error(-32600, "a JSON number")
    c.send({"jsonrpc": "2.0", "id": {"a": 1}, "method": "shutdown"})
    expect_error(-32600, "an id that is an object")
    c.send({"jsonrpc": "2.0", "id": 7, "method": 5})
    expect_error(-32600, "a method that is a number", 7)
    c.send({"jsonrpc": "2.0", "id": 8})
    expect_error(-32600, "no method", 8)
    c.send({"id": 9, "method": "textDocument/hover", "params": {}})
    expect_error(-32600, "no jsonrpc", 9)
    c.send({"jsonrpc": "2.0", "id": 10, "method": "textDocument/hover", "params": "x"})
    expect_error(-32602, "params that are a string", 10)
    c.send({"jsonrpc": "2.0", "id": 11, "method": "textDocument/hover",
            "params": {"textDocument": {"uri": uri}, "position": {"line": "a", "character": 0}}})
    expect_error(-32602, "a line that is a string", 11)
    c.send({"jsonrpc": "2.0", "id": 12, "method": "textDocument/hover",
            "params": {"textDocument": {"uri": uri}, "position": {"line": -1, "character": 0}}})
    expect_error(-32602, "a negative line", 12)
    c.send({"jsonrpc": "2.0", "id": 13, "method": "textDocument/codeAction",
            "params": {"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}}}})
    expect_error(-32602, "a range without an end", 13)
    c.send({"jsonrpc": "2.0", "id": 14, "method": "workspace/unknownThing", "params": {}})
    expect_error(-32601, "an unknown method", 14)
    c.send({"jsonrpc": "2.0", "id": 15, "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": uri, "languageId": "sql", "version": 1, "text": "DROP TABLE t;"}}})
    expect_error(-32600, "a notification with an id", 15)
    c.send({"jsonrpc": "2.0", "id": "s16", "method": "textDocument/hover",
            "params": {"textDocument": {"uri": uri}, "position": {"line": 40, "character": 0}}})
    expect_error(-32602, "a position past the end", "s16")
    # A request without an id cannot be answered: shutdown is not done.
    c.notify("shutdown")
    c.ping("a request without an id")
    # $/ notifications are ignored, other unknown ones too.
    c.notify("$/cancelRequest", {"id": 3})
    c.notify("$/setTrace", {"value": "off"})
    c.notify("telemetry/whatever", {})
    c.ping("$/ notifications")
    # A didChange for a document not open: said in the client's log.
    other = uri_of(os.path.join(tmp, "never-opened.sql"))
    c.notify("textDocument/didChange", {"textDocument": {"uri": other, "version": 2}, "contentChanges": [{"text": "x"}]})
    logged = c.notification("window/logMessage", lambda p: other in p["message"])
    check(logged["type"] == 1 and "not open" in logged["message"], "a didChange for a closed document: %r" % logged)
    c.ping("a didChange for a document not open")
    # A NUL character (JSON's \\u0000) in the text: said, as the command line
    # says it of a file, not linted up to it as if the text ended there; a
    # backslash and "u0000" written in the SQL is no NUL.
    diags = c.change(uri, "SELECT 1;\u0000\nCREATE INDEX i ON t (a);\n", 2)
    check(len(diags) == 1 and "NUL" in diags[0]["message"] and diags[0]["severity"] == 1,
          "a document with a NUL character: one diagnostic that says so: %r" % diags)
    c.send_body(b'{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": "%s", '
                b'"version": 3}, "contentChanges": [{"text": "SELECT 1;\x00\\nCREATE INDEX i ON t (a);"}]}}' % uri.encode())
    diags = c.diagnostics(uri, 3)
    check(len(diags) == 1 and "NUL" in diags[0]["message"],
          "a NUL byte in a string (not JSON, read anyway): one diagnostic that says so: %r" % diags)
    diags = c.change(uri, "-- \\u0000\nCREATE INDEX i ON t (a);\n", 4)
    check(find(diags, "require-concurrent-index-creation") and not any("NUL" in d["message"] for d in diags),
          "a backslash and u0000 in the SQL is not a NUL: %r" % diags)
    # A version no integer holds is no version: didOpen's is 0, didChange's
    # the one before plus one (a C conversion of 1e300 is undefined).
    big = uri_of(os.path.join(tmp, "big-version.sql"))
    c.notify("textDocument/didOpen", {"textDocument": {"uri": big, "languageId": "sql", "version": 1e300, "text": "x"}})
    published = c.notification("textDocument/publishDiagnostics", lambda p: p["uri"] == big)
    check(published["version"] == 0, "didOpen with version 1e300: published as version %r" % published["version"])
    c.notify("textDocument/didChange", {"textDocument": {"uri": big, "version": -1e300}, "contentChanges": [{"text": "y"}]})
    published = c.notification("textDocument/publishDiagnostics", lambda p: p["uri"] == big)
    check(published["version"] == 1, "didChange with version -1e300: published as version %r" % published["version"])
    # A character past the end of its line means the line's end.
    c.change(uri, "CREATE INDEX i ON t (a);\n", 5)
    h = c.result("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 500}})
    check(h and "CREATE INDEX" in h["contents"]["value"], "a character past the line's end: %r" % h)
    c.finish()


def test_mutated_messages(tmp):
    """Valid messages with parts replaced by values of other types, keys
    dropped and bytes cut: an error or nothing for each, never a crash,
    and the server still answers (a fixed seed: the same run each time)."""
    import copy
    import random
    rng = random.Random(15)
    c = Client(cwd=tmp)
    c.initialize(root=tmp)
    uri = uri_of(os.path.join(tmp, "m.sql"))
    text = "SELECT 'é😀';\nCREATE INDEX i ON t (a);\n-- migralint-ignore x\nALTER TABLE t DROP COLUMN b;\n"
    c.open(uri, text)
    pos = {"line": 1, "character": 3}
    rng_ = {"start": {"line": 0, "character": 0}, "end": {"line": 3, "character": 5}}
    templates = [
        ("textDocument/hover", True, {"textDocument": {"uri": uri}, "position": pos}),
        ("textDocument/codeAction", True, {"textDocument": {"uri": uri}, "range": rng_,
                                           "context": {"diagnostics": [{"code": "ban-drop-column", "range": rng_}],
                                                       "only": ["quickfix", "source"]}}),
        ("textDocument/didChange", False, {"textDocument": {"uri": uri, "version": 5},
                                           "contentChanges": [{"text": text}, {"range": rng_, "text": "x"}]}),
        ("textDocument/didSave", False, {"textDocument": {"uri": uri}}),
        ("workspace/didChangeWatchedFiles", False, {"changes": [{"uri": uri, "type": 2}]}),
        ("workspace/didChangeConfiguration", False, {"settings": {"migralint": {"pgVersion": "12", "include": []}}}),
        ("textDocument/didOpen", False, {"textDocument": {"uri": uri, "languageId": "sql", "version": 9,
                                                         "text": text}}),
    ]
    odd = [None, -1, 2 ** 40, 1.5, 1e300, "", "x" * 300, [], {}, True, [1, "a"], {"a": {}}]

    def mutate(v, depth=0):
        if isinstance(v, dict) and v:
            v = dict(v)
            k = rng.choice(sorted(v))
            r = rng.random()
            if r < 0.2:
                del v[k]
            elif r < 0.6 or depth > 3:
                v[k] = copy.deepcopy(rng.choice(odd))
            else:
                v[k] = mutate(v[k], depth + 1)
            return v
        if isinstance(v, list) and v:
            v = list(v)
            i = rng.randrange(len(v))
            v[i] = mutate(v[i], depth + 1) if rng.random() < 0.5 else copy.deepcopy(rng.choice(odd))
            return v
        return copy.deepcopy(rng.choice(odd))

    for n in range(300):
        method, request, params = rng.choice(templates)
        m = {"jsonrpc": "2.0", "method": method, "params": mutate(params) if rng.random() < 0.9 else params}
        if request:
            m["id"] = 1000 + n
        body = json.dumps(m).encode("utf-8")
        if rng.random() < 0.05:
            body = body[:rng.randrange(1, len(body))]  # cut short: not JSON
        c.send_body(body)
    c.ping("300 mutated messages")
    c.finish()


def main():
    global MIGRALINT
    MIGRALINT = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="migralint-lsp-")
    try:
        for test in (test_lifecycle, test_diagnostics, test_code_actions, test_hover, test_related_and_history,
                     test_config, test_bad_input, test_mutated_messages):
            sub = os.path.join(tmp, test.__name__)
            os.makedirs(sub)
            print("--", test.__name__, flush=True)
            try:
                test(sub)
            except Exception as e:  # a hung or dead server: say which test
                import traceback
                traceback.print_exc()
                fail("%s: %s: %s" % (test.__name__, type(e).__name__, e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if FAILURES:
        print("%d failure(s)" % len(FAILURES))
        return 1
    print("lsp_test: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
