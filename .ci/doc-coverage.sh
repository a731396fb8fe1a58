#!/usr/bin/env bash
# Doc-example coverage of the facade: every public item a user reaches
# through `rt::` (functions, types, traits, macros, and the public methods
# of those types and traits) must have a code example in its docs, written
# against `rt::` paths (not `rt_pool::`, `rt_task::`, ...).
#
# Why not `rustdoc --show-coverage` or `rustdoc::missing_doc_code_examples`:
# neither follows the facade's re-exports (run on `rt` they count its 7
# local items), and per crate neither asks for an example on methods. So
# this builds nightly rustdoc's JSON of the facade and of the crates it
# re-exports, walks the re-exports from `rt`'s root, and checks each item's
# docs. Items of other crates (futures-util's extension traits re-exported
# by `rt::io`) are not ours and are skipped.
#
# Prints a table (one row per facade module) and the items that miss an
# example; exits 1 below 100%. Needs the nightly toolchain.
#
#     bash .ci/doc-coverage.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v python3 >/dev/null; then
    echo "doc-coverage: python3 is missing: apt-get install python3" >&2
    apt-get update -q
    apt-get install -y -q python3
fi

TOOLCHAIN=${DOC_COVERAGE_TOOLCHAIN:-nightly}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
CRATES=(rt rt-core rt-task rt-pool rt-reactor rt-time rt-io rt-net rt-macros rt-hyper rt-sync rt-futures rt-signal rt-process)

for c in "${CRATES[@]}"; do
    # The facade with its optional parts (`rt::hyper`).
    features=()
    [[ $c == rt ]] && features=(--features hyper)
    cargo "+$TOOLCHAIN" rustdoc -q -p "$c" "${features[@]}" --target-dir "$TARGET_DIR" -- \
        -Zunstable-options --output-format json 2>/dev/null ||
        cargo "+$TOOLCHAIN" rustdoc -p "$c" "${features[@]}" --target-dir "$TARGET_DIR" -- \
            -Zunstable-options --output-format json
done

python3 - "$TARGET_DIR/doc" <<'EOF'
import json, re, sys

doc_dir = sys.argv[1]
OURS = ["rt", "rt_core", "rt_task", "rt_pool", "rt_reactor", "rt_time", "rt_io", "rt_net", "rt_macros", "rt_hyper", "rt_sync", "rt_futures", "rt_signal", "rt_process"]
INTERNAL = re.compile(r"\b(" + "|".join(c for c in OURS if c != "rt") + r")::")
crates = {c: json.load(open(f"{doc_dir}/{c}.json")) for c in OURS}
# path (tuple) -> id, for each crate's own items
local_paths = {
    c: {tuple(p["path"]): int(i) for i, p in d["paths"].items() if p["crate_id"] == 0}
    for c, d in crates.items()
}

def item(c, i):
    return crates[c]["index"].get(str(i))

def resolve(c, i):
    """Where the item `i` named in crate `c` lives: (crate, id), or None if not ours."""
    if item(c, i) is not None:
        return c, int(i)
    p = crates[c]["paths"].get(str(i))
    if p is None:
        return None
    name = crates[c]["external_crates"][str(p["crate_id"])]["name"]
    if name not in crates:
        return None
    j = local_paths[name].get(tuple(p["path"]))
    return (name, j) if j is not None else None

def hidden(it):
    return any("hidden" in json.dumps(a) for a in it.get("attrs", []))

def fences(docs):
    """The code blocks of a doc comment that are Rust and compiled, as
    (code, runs) pairs: `runs` is false for `no_run` and `compile_fail`."""
    blocks, cur = [], None
    for line in docs.splitlines():
        s = line.strip()
        if s.startswith("```"):
            if cur is None:
                attrs = s[3:].replace(" ", "").split(",")
                rust = all(a in ("", "rust", "no_run", "should_panic", "compile_fail")
                           or a.startswith("edition") for a in attrs)
                runs = "no_run" not in attrs and "compile_fail" not in attrs
                cur = ([], rust, runs)
            else:
                if cur[1]:
                    blocks.append(("\n".join(cur[0]), cur[2]))
                cur = None
        elif cur is not None:
            cur[0].append(line)
    return blocks

seen = {}    # (crate, id) -> facade path
rows = {}    # facade module -> [(path, ok, why, runs)]

def check(module, path, c, i):
    it = item(c, i)
    if it is None or hidden(it) or (c, i) in seen:
        return
    seen[(c, i)] = path
    docs = it.get("docs") or ""
    blocks = fences(docs)
    why = ""
    if not blocks:
        why = "no example"
    elif not any(re.search(r"\brt::", b) for b, _ in blocks) and c != "rt_macros":
        why = "example does not use rt::"
    elif any(INTERNAL.search(b) for b, _ in blocks):
        why = "example uses an internal crate path"
    runs = any(r for _, r in blocks)
    rows.setdefault(module, []).append((path, not why, why, runs))

def walk(module, prefix, c, i):
    """Visit item `i` of crate `c`, reachable from the facade as `prefix`."""
    r = resolve(c, i)
    if r is None:
        return
    c, i = r
    it = item(c, i)
    if it is None or hidden(it) or it.get("visibility") != "public" and c != "rt":
        return
    kind, inner = next(iter(it["inner"].items()))
    if kind == "use":
        if inner["id"] is None:
            return
        if inner["is_glob"]:
            r = resolve(c, inner["id"])
            if r is None:
                return
            mc, mi = r
            parent = prefix.rsplit("::", 1)[0]
            for j in item(mc, mi)["inner"]["module"]["items"]:
                sub = item(mc, j)
                nm = sub["name"] or (sub["inner"].get("use") or {}).get("name")
                walk(module, f"{parent}::{nm}", mc, j)
        else:
            walk(module, prefix.rsplit("::", 1)[0] + "::" + inner["name"], c, inner["id"])
        return
    if kind == "module":
        for j in inner["items"]:
            sub = item(c, j)
            nm = sub["name"] or (sub["inner"].get("use") or {}).get("name")
            walk(prefix, f"{prefix}::{nm}", c, j)
        return
    check(module, prefix, c, i)
    if kind in ("struct", "enum", "union"):
        for imp in inner["impls"]:
            imp_it = item(c, imp)
            if imp_it is None:
                continue
            imp_inner = imp_it["inner"]["impl"]
            if imp_inner["trait"] is not None or imp_inner.get("is_synthetic"):
                continue
            for m in imp_inner["items"]:
                mit = item(c, m)
                if mit and mit.get("visibility") == "public":
                    check(module, f"{prefix}::{mit['name']}", c, m)
    elif kind == "trait":
        for m in inner["items"]:
            mit = item(c, m)
            if mit:
                check(module, f"{prefix}::{mit['name']}", c, m)

root = crates["rt"]["root"]
for j in item("rt", root)["inner"]["module"]["items"]:
    sub = item("rt", j)
    nm = sub["name"] or (sub["inner"].get("use") or {}).get("name")
    walk("rt", f"rt::{nm}", "rt", j)

print(f"rustdoc JSON format {crates['rt']['format_version']}")
total = ok = ran = 0
print(f"{'facade module':<22} {'items':>6} {'with example':>13} {'percent':>8} {'run':>6}")
for module in sorted(rows):
    n = len(rows[module])
    k = sum(1 for _, good, _, _ in rows[module] if good)
    r = sum(1 for _, good, _, runs in rows[module] if good and runs)
    total += n
    ok += k
    ran += r
    print(f"{module:<22} {n:>6} {k:>13} {100.0 * k / n:>7.1f}% {r:>6}")
print(f"{'total':<22} {total:>6} {ok:>13} {100.0 * ok / max(total, 1):>7.1f}% {ran:>6}")
print("(run: items with an example that runs, not only compiles: no `no_run`)")
norun = [p for m in sorted(rows) for p, good, _, runs in rows[m] if good and not runs]
if norun:
    print("\ncompiled but not run (`no_run`): " + ", ".join(norun))
missing = [(p, why) for m in sorted(rows) for p, good, why, _ in rows[m] if not good]
if missing:
    print("\nwithout a compiled example written against rt:: paths:")
    for p, why in missing:
        print(f"  {p}: {why}")
    sys.exit(1)
EOF
