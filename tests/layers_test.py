#!/usr/bin/env python3
"""layers_test.py - holds the library to its layers (docs/architecture.md).

Each folder of src/ is one layer, and rules/ is one more. Reading the symbols
of the built object files with nm, it fails when:
- a file references a symbol defined by a file of a higher layer (a lower
  layer never calls a higher one);
- a folder of src/ is not a known layer, or a layer has no object file (the
  list below and the tree have drifted apart);
- it saw fewer than a handful of references between layers (it would then be
  checking nothing).

Reading the sources, it fails when:
- an #include "..." of a file of src/<layer>/ (a .c or a header) names a
  header of a higher layer, or one that resolves to no file or to several
  (includes resolve as the compiler resolves them: the including file's own
  folder, then include/ and every layer folder, which are all on the
  library's include path); a file of rules/ may include only headers of
  src/rule_api/ and include/, the rules' whole include path. Public headers
  (include/) may be included anywhere. The one exception is VOCABULARY;
- a VOCABULARY header holds anything but types (a function it declares, a
  variable, an include of a src/ header outside VOCABULARY);
- a function declared both in a header of src/rule_api/ (for rules) and in
  one of a lower layer (for that layer) is declared differently;
- it saw fewer than a handful of includes (it would then be checking nothing).

usage: layers_test.py BUILD_DIR PROJECT_DIR
"""
import os
import re
import subprocess
import sys

# Bottom up: a file may use its own layer and the ones before it.
LAYERS = ["base", "source", "history", "model", "rule_api", "rules", "engine", "run", "report", "live", "lsp", "cli"]

# The vocabulary the model shares with rules: lock modes, statement forms,
# transaction states, effects, column facts, and the grammar switch of
# pg_grammar.h (macros only). Rules can include only
# src/rule_api/, so these types live there, and the layers below the rule
# API (source, model) include them too: the only include of a higher layer
# allowed. They must stay types only (checked below), so that including them
# never reaches code of a higher layer.
VOCABULARY = {"src/rule_api/facts.h", "src/rule_api/lock_forms.h", "src/rule_api/pg_grammar.h"}

# The folders a rule's includes may resolve to: its include path.
RULES_INCLUDE_PATH = ["src/rule_api", "include"]


def layer_of(obj_path):
    parts = obj_path.replace(os.sep, "/").split("/")
    if "rules" in parts and parts[-1].endswith(".c.o") and parts[parts.index("rules") - 1].endswith(".dir"):
        return "rules"
    if "src" in parts:
        i = len(parts) - 1 - parts[::-1].index("src")
        if i + 2 < len(parts) + 1 and i + 1 < len(parts) - 1:
            return parts[i + 1]
    return None


def source_name(obj_path):
    p = obj_path.replace(os.sep, "/")
    for root in ("/src/", "/rules/"):
        if root in p:
            return p[p.rindex(root) + 1:-2]
    return p


def symbols(obj):
    out = subprocess.run(["nm", "-P", obj], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) < 2:
            continue
        name, kind = f[0], f[1]
        if kind == "U":
            undefined.add(name)
        elif kind.isupper() and kind not in "UVW":
            defined.add(name)
    return defined, undefined


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def quoted_includes(path):
    """The names of the #include "..." lines of path, with their line numbers."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if m:
                out.append((n, m.group(1)))
    return out


def top_level_statements(text):
    """The declarations of a header at file scope: its text outside braces
    (static inline bodies dropped whole, with their heads), cut at ';'."""
    text = strip_comments(text)
    text = re.sub(r"^\s*#.*$", " ", text, flags=re.M)
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "{":
            depth += 1
            cur += ch if depth == 1 else ""
        elif ch == "}":
            depth -= 1
            if depth == 0 and re.search(r"\bstatic\s+inline\b", cur):
                cur = ""  # an inline function: a definition, not a declaration
            elif depth == 0:
                cur += ch
        elif depth == 0:
            if ch == ";":
                out.append(" ".join(cur.split()))
                cur = ""
            else:
                cur += ch
    return [st for st in out if st]


def function_declarations(path):
    """name -> the declaration, white space normalised, of each function a
    header declares."""
    decls = {}
    with open(path, encoding="utf-8") as f:
        statements = top_level_statements(f.read())
    for st in statements:
        if st.startswith(("typedef", "_Static_assert")):
            continue
        m = re.match(r"[\w\s*]*?\b(\w+)\s*\(", st)
        if m:
            decls[m.group(1)] = re.sub(r"\s*([(),*])\s*", r"\1", st)
    return decls


def check_includes(project):
    """The include rules of the module docstring; returns the failures and
    how many includes and repeated declarations it compared."""
    failures = []
    src = os.path.join(project, "src")
    layer_dirs = [d for d in LAYERS if os.path.isdir(os.path.join(src, d))]
    search = ["include"] + [f"src/{d}" for d in layer_dirs]
    files = []
    for d in layer_dirs:
        for f in sorted(os.listdir(os.path.join(src, d))):
            if f.endswith((".c", ".h")):
                files.append((f"src/{d}/{f}", d))
    for f in sorted(os.listdir(os.path.join(project, "rules"))):
        if f.endswith((".c", ".h")):
            files.append((f"rules/{f}", "rules"))

    def layer_of_folder(folder):
        if folder == "include":
            return None
        return folder.split("/")[1] if folder.startswith("src/") else folder

    seen = 0
    for rel, layer in files:
        folder = os.path.dirname(rel)
        path = search if layer != "rules" else RULES_INCLUDE_PATH
        for line, name in quoted_includes(os.path.join(project, rel)):
            seen += 1
            where = f"{rel}:{line}: #include \"{name}\""
            if os.path.isfile(os.path.join(project, folder, name)):
                target_folder = folder
            else:
                found = [d for d in path if os.path.isfile(os.path.join(project, d, name))]
                if layer == "rules" and not found:
                    elsewhere = [d for d in search if os.path.isfile(os.path.join(project, d, name))]
                    failures.append(f"{where} is not on the rules' include path (src/rule_api/, include/)"
                                    + (f": it is in {elsewhere[0]}/" if elsewhere else ""))
                    continue
                if not found:
                    failures.append(f"{where} resolves to no file of include/ or src/")
                    continue
                if len(found) > 1:
                    failures.append(f"{where} is in several folders ({', '.join(found)}): the include "
                                    f"path picks one silently")
                    continue
                target_folder = found[0]
            target = f"{target_folder}/{name}"
            target_layer = layer_of_folder(target_folder)
            if target_layer is None or target in VOCABULARY:
                continue
            if target_layer not in LAYERS:
                failures.append(f"{where} resolves to {target}, outside the layers")
            elif LAYERS.index(target_layer) > LAYERS.index(layer):
                failures.append(f"{where} ({layer}) includes {target}, a header of a higher layer "
                                f"({target_layer})")
    if seen < 100:
        failures.append(f"only {seen} includes read: the sources were not found")

    # The vocabulary holds types only.
    for rel in sorted(VOCABULARY):
        full = os.path.join(project, rel)
        if not os.path.isfile(full):
            failures.append(f"{rel} (VOCABULARY) does not exist")
            continue
        for line, name in quoted_includes(full):
            if f"src/rule_api/{name}" not in VOCABULARY:
                failures.append(f"{rel}:{line}: the vocabulary includes \"{name}\": it may include "
                                f"only system headers and the rest of VOCABULARY")
        with open(full, encoding="utf-8") as f:
            for st in top_level_statements(f.read()):
                if st.startswith(("typedef", "_Static_assert")):
                    continue
                if st.startswith(("struct ", "enum ", "union ")) and "(" not in st:
                    continue  # a tag declaration
                failures.append(f"{rel}: the vocabulary declares more than types: {st[:80]}")

    # Declarations the rule API repeats for the layers below must agree.
    repeated = 0
    lower = {}
    for d in (d for d in layer_dirs if LAYERS.index(d) < LAYERS.index("rule_api")):
        for f in sorted(os.listdir(os.path.join(src, d))):
            if f.endswith(".h"):
                for name, decl in function_declarations(os.path.join(src, d, f)).items():
                    lower[name] = (f"src/{d}/{f}", decl)
    for f in sorted(os.listdir(os.path.join(src, "rule_api"))):
        if not f.endswith(".h"):
            continue
        for name, decl in function_declarations(os.path.join(src, "rule_api", f)).items():
            repeated += name in lower
            if name in lower and lower[name][1] != decl:
                failures.append(f"{name} is declared differently in src/rule_api/{f} and {lower[name][0]}: "
                                f"{decl!r} / {lower[name][1]!r}")
    return failures, seen, repeated


def main():
    build, project = sys.argv[1], sys.argv[2]
    failures = []
    objects = []
    for root, _, files in os.walk(os.path.join(build, "CMakeFiles")):
        if not (root.split(os.sep)[-1].endswith(".dir") or "/src/" in root + "/" or root.endswith("/rules")):
            pass
        for f in files:
            if not f.endswith(".c.o"):
                continue
            path = os.path.join(root, f)
            if "/migralint_lib.dir/" not in path and "/migralint_rules.dir/" not in path \
                    and "/migralint.dir/" not in path:
                continue
            layer = layer_of(path)
            if layer is None:
                continue  # generated files (embedded docs)
            objects.append((path, layer))

    src_dirs = sorted(d for d in os.listdir(os.path.join(project, "src"))
                      if os.path.isdir(os.path.join(project, "src", d)))
    for d in src_dirs:
        if d not in LAYERS:
            failures.append(f"src/{d}/ is not a layer of tests/layers_test.py")
    seen_layers = {layer for _, layer in objects}
    for layer in LAYERS:
        if layer not in seen_layers:
            failures.append(f"layer {layer} has no object file")
    for _, layer in objects:
        if layer not in LAYERS:
            failures.append(f"object in unknown layer {layer}")

    definer = {}
    syms = {}
    for path, layer in objects:
        d, u = symbols(path)
        syms[path] = (d, u)
        for s in d:
            definer.setdefault(s, (path, layer))

    cross = 0
    for path, layer in objects:
        if layer not in LAYERS:
            continue
        rank = LAYERS.index(layer)
        for s in sorted(syms[path][1]):
            if s not in definer:
                continue
            dpath, dlayer = definer[s]
            if dlayer == layer or dlayer not in LAYERS:
                continue
            cross += 1
            if LAYERS.index(dlayer) > rank:
                failures.append(f"{source_name(path)} ({layer}) uses {s} from {source_name(dpath)} ({dlayer}), "
                                f"a higher layer")
    if cross < 20:
        failures.append(f"only {cross} references between layers: the objects were not found")

    include_failures, includes, repeated = check_includes(project)
    failures += include_failures

    for f in failures:
        print("FAIL:", f)
    print(f"{len(objects)} object files, {cross} references between layers, {includes} includes, "
          f"{repeated} declarations the rule API repeats, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
