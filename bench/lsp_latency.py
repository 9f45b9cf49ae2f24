#!/usr/bin/env python3
"""lsp_latency.py - how long `migralint lsp` takes to lint a document again
after an edit: the time from a textDocument/didChange sent to the
textDocument/publishDiagnostics of that version received, over a pipe, as
an editor sees it (from the first byte written to the last byte read:
encoding and decoding the JSON is the client's own work). Used by bench/run.sh (ONLY=lsp).

It copies FILE into a temporary project (db/migrations/, no configuration,
no other migration) and opens it there, as an editor opens a file of a
project, then RUNS times replaces the text with a small
edit half way through (a statement added or taken away, alternately: the
typing of a line) and times each round trip. Prints one line:
  "<label> lines=N bytes=N open=S.SSS median=S.SSS p95=S.SSS max=S.SSS cpu=S.SSS diagnostics=N"
(seconds; open: the first lint, history included; cpu: the server's CPU time
per edit, all threads, which a busy machine does not inflate as it does the
wall times), and exits 1 when the server fails to answer.

usage: lsp_latency.py MIGRALINT FILE RUNS LABEL
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


def main():
    migralint, path, runs, label = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        text = f.read()
    lines = text.split("\n")
    middle = len(lines) // 2
    # A statement boundary near the middle: after a line ending with ";".
    while middle < len(lines) and not lines[middle - 1].rstrip().endswith(";"):
        middle += 1
    edited = "\n".join(lines[:middle] + ["ALTER TABLE bench_edit ADD COLUMN c int;"] + lines[middle:])
    work = tempfile.mkdtemp(prefix="migralint-lsp-bench-")
    folder = os.path.join(work, "db", "migrations")
    os.makedirs(folder)
    target = os.path.join(folder, "20240101000000_bench.sql")
    with open(target, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(text)
    uri = "file://" + target
    proc = subprocess.Popen([migralint, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=None if os.environ.get("LSP_BENCH_STDERR") else subprocess.DEVNULL, cwd=work)

    def frame(msg):
        body = json.dumps(msg).encode("utf-8", "surrogateescape")
        return b"Content-Length: %d\r\n\r\n" % len(body) + body

    def send(msg):
        proc.stdin.write(frame(msg))
        proc.stdin.flush()

    received = [0.0]

    def read():
        length = None
        while True:
            line = proc.stdout.readline()
            if not line:
                raise EOFError("the server closed its output")
            if line == b"\r\n":
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        body = proc.stdout.read(length)
        received[0] = time.perf_counter()  # the message is here; decoding it is the client's work
        return json.loads(body)

    def diagnostics_of(version):
        while True:
            m = read()
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") == version:
                return m["params"]["diagnostics"]

    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"processId": os.getpid(), "rootUri": "file://" + work, "capabilities": {}}})
    while read().get("id") != 1:
        pass
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    message = frame({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                     "params": {"textDocument": {"uri": uri, "languageId": "sql", "version": 1, "text": text}}})
    t0 = time.perf_counter()
    proc.stdin.write(message)
    proc.stdin.flush()
    diags = diagnostics_of(1)
    opened = received[0] - t0
    def cpu_seconds():
        # utime + stime of the server (all its threads), from /proc.
        with open("/proc/%d/stat" % proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    times = []
    cpu0 = cpu_seconds()
    for i in range(runs):
        version = i + 2
        message = frame({"jsonrpc": "2.0", "method": "textDocument/didChange",
                         "params": {"textDocument": {"uri": uri, "version": version},
                                    "contentChanges": [{"text": edited if i % 2 == 0 else text}]}})
        t0 = time.perf_counter()
        proc.stdin.write(message)
        proc.stdin.flush()
        diags = diagnostics_of(version)
        times.append(received[0] - t0)
    cpu = (cpu_seconds() - cpu0) / runs
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    while read().get("id") != 2:
        pass
    send({"jsonrpc": "2.0", "method": "exit"})
    proc.wait(timeout=30)
    shutil.rmtree(work)
    times.sort()
    median = times[len(times) // 2] if len(times) % 2 else (times[len(times) // 2 - 1] + times[len(times) // 2]) / 2
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    print("%s lines=%d bytes=%d open=%.4f median=%.4f p95=%.4f max=%.4f cpu=%.4f diagnostics=%d" %
          (label, len(lines), len(text.encode("utf-8", "surrogateescape")), opened, median, p95, times[-1], cpu,
           len(diags)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
