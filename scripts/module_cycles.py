#!/usr/bin/env python3
"""Import cycles among the modules of a Rust crate (by default the engine, crates/storyfold/src).

Usage: python3 scripts/module_cycles.py [SRC_DIR] [--strict] [--edges]

Each source file is a node (`lib.rs` the crate root, `a/mod.rs` the folder `a`, `a/b.rs` the
module `a::b`); inline modules (`mod tests { ... }`) belong to their file. Every path starting
with `crate::`, `super::` or `self::`, and every `use` of a child module, is an edge from the
file it is written in to the file defining what it names; paths through re-exports (`pub use`,
also globs) are followed to the file that defines the item. Comments and string literals are
ignored, test code is not. Cycles are reported at every depth of the module tree: between files,
and between the folders they are in (`align` against `story`, `align::facts` against
`align::alignment`, ...). Exit status 0 and one line when there is no cycle; otherwise each
cycle with one line of evidence per edge, and exit status 1. `--edges` also prints every edge.

A submodule using an item of its own parent module (`super::Config` in `dedup/brute.rs`, whose
parent `dedup/mod.rs` uses `brute` in turn) is Rust's usual nesting rather than a circle between
concepts: such child-to-ancestor uses are left out of the cycle search and only listed in a
note, unless `--strict` is given.
"""

import os
import re
import sys
from collections import defaultdict


def strip(src):
    """The source with comments blanked and string/char literals emptied (newlines kept)."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            i = j
            continue
        if src.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif src.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append("\n" * src.count("\n", i, j))
            i = j
            continue
        m = re.match(r'b?r(#*)"', src[i:i + 40]) if c in "br" and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")) else None
        if m:
            end = '"' + m.group(1)
            j = src.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append('""' + "\n" * src.count("\n", i, j))
            i = j
            continue
        if c == '"' or (c == "b" and src.startswith('b"', i) and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_"))):
            j = i + (2 if c == "b" else 1)
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            out.append('""' + "\n" * src.count("\n", i, j))
            i = j + 1
            continue
        if c == "'":
            m = re.match(r"'(\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)|[^\\'])'", src[i:i + 12])
            if m:
                out.append("' '")
                i += m.end()
                continue
        out.append(c)
        i += 1
    return "".join(out)


def modules_of(src_dir):
    """{module path (tuple): file} for the files of the crate."""
    mods = {}
    for dirpath, _, files in os.walk(src_dir):
        for f in files:
            if not f.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), src_dir)
            parts = rel[:-3].split(os.sep)
            if parts == ["lib"] or parts == ["main"]:
                parts = []
            elif parts[-1] == "mod":
                parts = parts[:-1]
            mods[tuple(parts)] = os.path.join(dirpath, f)
    return mods


def split_tree(tree):
    """The paths of a `use` tree without aliases: `a::{b, c::{d, self}, e::*}` -> paths
    [a, b], [a, c, d], [a, c], [a, e] (the last a glob). Each path is (segments, None, glob)."""
    tree = re.sub(r"\s+", "", tree)

    def parse(s, prefix):
        out = []
        if "{" not in s:
            segs = [x for x in s.split("::") if x]
            glob = bool(segs) and segs[-1] == "*"
            if glob:
                segs = segs[:-1]
            return [(prefix + segs, None, glob)]
        head, rest = s.split("{", 1)
        body = rest[: rest.rfind("}")]
        head_segs = [x for x in head.split("::") if x]
        parts, depth, cur = [], 0, ""
        for ch in body:
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
                continue
            depth += ch == "{"
            depth -= ch == "}"
            cur += ch
        parts.append(cur)
        for p in parts:
            if not p:
                continue
            if p == "self":
                out.append((prefix + head_segs, None, False))
            else:
                out.extend(parse(p, prefix + head_segs))
        return out

    return parse(tree, [])


USE_ALIAS = re.compile(r"\b(\w+)\s+as\s+(\w+)")
TOKEN = re.compile(
    r"(?P<mod>\bmod\s+(?P<modname>\w+)\s*\{)"
    r"|(?P<use>\b(?P<vis>pub(?:\s*\([^)]*\))?\s+)?use\s+(?P<tree>[^;]+);)"
    r"|(?P<path>\b(?:crate|super|self)(?:\s*::\s*(?:\w+|\*))+)"
    r"|(?P<item>\b(?:fn|struct|enum|const|static|type|trait|union)\s+(?P<itemname>[A-Za-z_]\w*))"
    r"|(?P<open>\{)|(?P<close>\})"
)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show_edges = "--edges" in sys.argv
    strict = "--strict" in sys.argv
    src_dir = args[0] if args else os.path.join(os.path.dirname(__file__), "..", "crates", "storyfold", "src")
    src_dir = os.path.normpath(src_dir)
    files = modules_of(src_dir)
    known = set(files)  # modules, inline ones added below
    items = defaultdict(set)  # module -> names defined
    reexports = defaultdict(dict)  # module -> name -> absolute path (list)
    globs = defaultdict(list)  # module -> [absolute module path]
    refs = []  # (file module, current module, absolute path segs, line)

    parsed = {}
    for mod, path in files.items():
        with open(path, encoding="utf-8") as fh:
            parsed[mod] = strip(fh.read())

    # First pass: inline modules, so that relative paths can be told from external crates.
    for mod, text in parsed.items():
        for m in re.finditer(r"\bmod\s+(\w+)\s*;", text):
            known.add(mod + (m.group(1),))

    def absolute(cur, segs):
        """Absolute segments of a path written in module `cur`, or None (another crate)."""
        if not segs:
            return None
        out = list(cur)
        i = 0
        if segs[0] == "crate":
            out, i = [], 1
        elif segs[0] in ("super", "self"):
            while i < len(segs) and segs[i] in ("super", "self"):
                if segs[i] == "super":
                    out = out[:-1]
                i += 1
        elif tuple(cur) + (segs[0],) in known:
            pass
        else:
            return None
        return out + list(segs[i:])

    for fmod, text in parsed.items():
        stack = []  # (inline name, depth at which it opened)
        depth = 0
        for m in TOKEN.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            cur = fmod + tuple(s for s, _ in stack)
            if m.group("mod"):
                stack.append((m.group("modname"), depth))
                depth += 1
                known.add(cur + (m.group("modname"),))
            elif m.group("open"):
                depth += 1
            elif m.group("close"):
                depth -= 1
                if stack and stack[-1][1] == depth:
                    stack.pop()
            elif m.group("item"):
                items[cur].add(m.group("itemname"))
            elif m.group("use"):
                tree = m.group("tree")
                aliases = {}
                for a in USE_ALIAS.finditer(tree):
                    aliases[a.group(1)] = a.group(2)
                tree = USE_ALIAS.sub(r"\1", tree)
                for segs, _, glob in split_tree(tree):
                    ab = absolute(cur, segs)
                    if ab is None:
                        continue
                    refs.append((fmod, cur, ab, line))
                    if m.group("vis"):
                        if glob:
                            globs[cur].append(ab)
                        elif segs:
                            name = aliases.get(segs[-1], segs[-1])
                            if name != "self":
                                reexports[cur][name] = ab
            elif m.group("path"):
                segs = [s for s in re.split(r"\s*::\s*", m.group("path")) if s and s != "*"]
                ab = absolute(cur, segs)
                if ab is not None:
                    refs.append((fmod, cur, ab, line))

    def resolve(ab, seen=None):
        """The module defining what the absolute path `ab` names."""
        seen = seen or set()
        mod = ()
        for k, seg in enumerate(ab):
            nxt = mod + (seg,)
            if nxt in known:
                mod = nxt
                continue
            key = (mod, seg)
            if key in seen:
                return mod
            seen.add(key)
            if seg in reexports.get(mod, {}):
                return resolve(reexports[mod][seg], seen)
            if seg not in items.get(mod, set()):
                for g in globs.get(mod, []):
                    target = resolve(g, seen)
                    if seg in items.get(target, set()) or seg in reexports.get(target, {}):
                        return resolve(list(target) + [seg] + list(ab[k + 1:]), seen)
            return mod
        return mod

    def file_of(mod):
        while mod not in files:
            mod = mod[:-1]
        return mod

    edges = defaultdict(dict)  # from -> to -> evidence
    for fmod, cur, ab, line in refs:
        target = file_of(resolve(ab))
        if target != fmod and target not in edges[fmod]:
            edges[fmod][target] = f"{os.path.relpath(files[fmod])}:{line} uses {'::'.join(ab)}"

    name = lambda m: "::".join(m) or "crate"
    if show_edges:
        for a in sorted(edges):
            for b in sorted(edges[a]):
                print(f"{name(a)} -> {name(b)}    ({edges[a][b]})")

    upward = lambda a, b: len(b) < len(a) and a[: len(b)] == b
    max_depth = max(len(m) for m in files)

    def cycles_of(keep):
        found = []
        for d in range(1, max_depth + 1):
            graph = defaultdict(dict)
            for a, tos in edges.items():
                for b, ev in tos.items():
                    ca, cb = a[:d], b[:d]
                    if keep(a, b) and ca != cb and cb not in graph[ca]:
                        graph[ca][cb] = ev
            for comp in sccs(graph):
                if len(comp) > 1 and frozenset(comp) not in {frozenset(c) for _, c, _ in found}:
                    found.append((d, comp, graph))
        return found

    cycles = cycles_of(lambda a, b: strict or not upward(a, b))
    nested = [] if strict else [c for c in cycles_of(lambda a, b: True) if frozenset(c[1]) not in {frozenset(x[1]) for x in cycles}]
    if nested:
        print("note: submodules using items of their parent module, which uses them (not counted; --strict counts them):")
        for d, comp, graph in nested:
            print("    " + " <-> ".join(sorted(name(c) for c in comp)))
    if not cycles:
        print(f"no import cycle among {len(files)} module files of {src_dir} (checked at every depth up to {max_depth}{', strict' if strict else ''})")
        return 0
    for d, comp, graph in cycles:
        print(f"cycle at depth {d}: " + " <-> ".join(sorted(name(c) for c in comp)))
        comp_set = set(comp)
        for a in sorted(comp):
            for b, ev in sorted(graph[a].items()):
                if b in comp_set:
                    print(f"    {name(a)} -> {name(b)}: {ev}")
    return 1


def sccs(graph):
    """Strongly connected components (Tarjan), iteratively."""
    nodes = set(graph) | {b for tos in graph.values() for b in tos}
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, {}))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, {})))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(comp)
    return out


if __name__ == "__main__":
    sys.exit(main())
