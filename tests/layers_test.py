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

usage: layers_test.py BUILD_DIR PROJECT_DIR
"""
import os
import subprocess
import sys

# Bottom up: a file may use its own layer and the ones before it.
LAYERS = ["base", "source", "model", "rule_api", "rules", "engine", "run", "report", "cli"]


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

    for f in failures:
        print("FAIL:", f)
    print(f"{len(objects)} object files, {cross} references between layers, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
