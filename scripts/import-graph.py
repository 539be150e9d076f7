#!/usr/bin/env python3
"""The module import graph of a crate's src/ tree, and its cycles.

Each file is a node named by its module path (`providers::worldcard::merchant`);
an edge A -> B means A names `crate::B...` (a `use` or a path). Edges are
collapsed to the deepest module that exists. Prints every strongly connected
component with more than one module (a circle), and with --top the same for
top-level modules only (`crypto`, `envelope`, ...). Exit status 1 when a circle
is found and --fail is given.

    scripts/import-graph.py core/src [--top] [--fail]
"""
import re
import sys
from pathlib import Path


def modules(src: Path):
    out = {}
    for f in sorted(src.rglob("*.rs")):
        rel = f.relative_to(src).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] in ("mod", "lib", "main"):
            parts = parts[:-1]
        out["::".join(parts)] = f
    return out


def strip_tests(text: str) -> str:
    # Drop `#[cfg(test)] mod tests { ... }` blocks: test-only imports are not structure.
    i = text.find("#[cfg(test)]\nmod tests")
    return text if i < 0 else text[:i]


def edges(mods, top: bool):
    names = set(mods)
    g = {}
    for m, f in mods.items():
        text = strip_tests(f.read_text())
        text = re.sub(r"//[^\n]*", "", text)
        # Relative paths: in module `a::b`, `super::x` is `crate::a::x` and
        # `self::x` is `crate::a::b::x` (a `mod.rs` names its directory).
        here = m.split("::") if m else []
        base_super = "::".join(here[:-1])
        base_self = "::".join(here)
        def absolute(prefix, rest):
            return "crate::" + ("::".join(x for x in (prefix, rest) if x))
        text = re.sub(r"\bsuper::([a-z_][a-z0-9_:]*)", lambda mm: absolute(base_super, mm.group(1)), text)
        text = re.sub(r"\bself::([a-z_][a-z0-9_:]*)", lambda mm: absolute(base_self, mm.group(1)), text)
        targets = set()
        for path in re.findall(r"crate::((?:[a-z_][a-z0-9_]*::)*[a-z_][a-z0-9_]*)", text):
            segs = path.split("::")
            while segs and "::".join(segs) not in names:
                segs.pop()
            if segs:
                targets.add("::".join(segs))
        # `use crate::a::{b, c::d}` groups
        for head, body in re.findall(r"use crate::([a-z0-9_:]*)\{([^}]*)\}", text):
            for item in re.split(r"\s*,\s*", body):
                item = item.strip().split(" as ")[0]
                if not item or item == "self":
                    item = ""
                segs = (head.rstrip(":") + ("::" + item if item else "")).split("::")
                segs = [s for s in segs if s]
                while segs and "::".join(segs) not in names:
                    segs.pop()
                if segs:
                    targets.add("::".join(segs))
        src_node = m.split("::")[0] if top else m
        for t in targets:
            t_node = t.split("::")[0] if top else t
            if t_node != src_node and t_node and src_node:
                g.setdefault(src_node, set()).add(t_node)
        g.setdefault(src_node, set())
    return g


def sccs(g):
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(g.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(g):
        if v not in index:
            visit(v)
    return [c for c in out if len(c) > 1]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    top = "--top" in sys.argv
    src = Path(args[0] if args else "core/src")
    g = edges(modules(src), top)
    circles = sccs(g)
    for c in circles:
        print("circle:", " <-> ".join(c))
    print(f"{len(circles)} circle(s) among {len(g)} modules in {src}")
    if circles and "--fail" in sys.argv:
        sys.exit(1)


if __name__ == "__main__":
    main()
