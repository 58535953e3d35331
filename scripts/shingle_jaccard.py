#!/usr/bin/env python3
"""Word 5-gram shingle Jaccard between all pairs of a JSONL corpus (reference check).

Usage: python3 scripts/shingle_jaccard.py IN.jsonl [--min J] [--ngram N] [--cjk-chars]
                                          [--expected GROUPS.tsv] [--threshold T]
  e.g. python3 scripts/shingle_jaccard.py examples/news.jsonl \\
           --expected examples/expected_dedup.tsv

Text of a document = its "text" field (the title is not used). Normalisation: NFKC,
curly quotes/apostrophes folded to ' and ", lowercase; words are the \\w+ runs
(Unicode-aware, so a CJK clause without spaces is one word); --cjk-chars makes every
Han/Hiragana/Katakana/Hangul character its own word instead. Shingles are the sets of
N consecutive words (N = 5 by default); a document with 1..N-1 words has one shingle
made of all its words. Prints every pair with J >= --min (default 0.5), highest first.

--expected GROUPS.tsv (lines "id<TAB>group") additionally checks that the connected
components of the graph "J >= --threshold" (default 0.8) are exactly those groups, and
prints the margins: per group, the weakest link needed to connect it (the lowest edge of
its maximum spanning tree) and its lowest pair, and the highest J between different groups. Exit status 1
if the components differ from the groups.
Python 3 standard library only; output is deterministic.
"""

import json
import re
import sys
import unicodedata
from itertools import combinations

QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "\u0060": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
WORD_RE = re.compile(r"\w+")
CJK_RE = re.compile(
    r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af])"
)


def words(text, cjk_chars=False):
    """Normalise text and return its words."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTES).lower()
    if cjk_chars:
        text = CJK_RE.sub(r" \1 ", text)
    return WORD_RE.findall(text)


def shingles(tokens, ngram):
    """Set of n-gram shingles (tuples); short documents get one shingle."""
    if not tokens:
        return set()
    if len(tokens) < ngram:
        return {tuple(tokens)}
    return {tuple(tokens[i : i + ngram]) for i in range(len(tokens) - ngram + 1)}


def jaccard(a, b):
    """Jaccard similarity of two sets (0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def components(ids, edges):
    """Connected components (as a dict id -> root) of an undirected graph."""
    parent = {i: i for i in ids}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {i: find(i) for i in ids}


def load(path):
    """Read (id, text) pairs from a JSONL file."""
    docs = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            obj = json.loads(line)
            docs.append((str(obj.get("id", lineno)), str(obj.get("text") or "")))
    return docs


def check_groups(ids, sims, expected_path, threshold):
    """Compare J >= threshold components with the expected groups; return ok."""
    expected = {}
    with open(expected_path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            doc_id, _, group = line.partition("\t")
            expected[doc_id] = group
    ok = True
    missing = [i for i in ids if i not in expected]
    extra = [i for i in expected if i not in set(ids)]
    if missing or extra:
        print("expected file mismatch: missing %s, unknown %s" % (missing, extra))
        ok = False
    comp = components(ids, [(a, b) for (a, b), j in sims.items() if j >= threshold])
    got = {}
    for i in ids:
        got.setdefault(comp[i], set()).add(i)
    want = {}
    for i in ids:
        want.setdefault(expected.get(i, "?" + i), set()).add(i)
    got_sets = sorted(sorted(s) for s in got.values())
    want_sets = sorted(sorted(s) for s in want.values())
    if got_sets != want_sets:
        ok = False
        print("components at J >= %.2f differ from the expected groups:" % threshold)
        for s in got_sets:
            if s not in want_sets:
                print("  found    ", " ".join(s))
        for s in want_sets:
            if s not in got_sets:
                print("  expected ", " ".join(s))
    # Margins: per multi-member group, the weakest edge needed to connect it
    # (maximum spanning tree over intended pairs), and the strongest cross-group pair.
    weakest = None
    for group, members in sorted(want.items()):
        if len(members) < 2:
            continue
        members = sorted(members)
        connected = {members[0]}
        link = 1.0
        while len(connected) < len(members):
            best = max(
                (sims[(a, b) if a <= b else (b, a)], b)
                for a in connected
                for b in members
                if b not in connected
            )
            link = min(link, best[0])
            connected.add(best[1])
        lowest = min(sims[(a, b)] for a, b in combinations(members, 2))
        print(
            "group %-16s %2d docs, weakest link J = %.3f, lowest pair J = %.3f"
            % (group, len(members), link, lowest)
        )
        if weakest is None or link < weakest[0]:
            weakest = (link, group)
    cross = max(
        ((j, a, b) for (a, b), j in sims.items() if expected.get(a) != expected.get(b)),
        default=(0.0, "-", "-"),
    )
    if weakest:
        print("lowest intended link: J = %.3f (group %s)" % weakest)
    print("highest cross-group pair: J = %.3f (%s, %s)" % cross)
    print("groups: %s" % ("OK" if ok else "MISMATCH"))
    return ok


def main(argv):
    args = list(argv[1:])
    opts = {"--min": 0.5, "--ngram": 5, "--threshold": 0.8, "--expected": None}
    cjk = False
    try:
        if "--cjk-chars" in args:
            args.remove("--cjk-chars")
            cjk = True
        for name in list(opts):
            if name in args:
                i = args.index(name)
                value = args[i + 1]
                opts[name] = value if name == "--expected" else type(opts[name])(value)
                del args[i : i + 2]
    except (IndexError, ValueError):
        sys.stderr.write(__doc__)
        return 2
    if len(args) != 1 or opts["--ngram"] < 1:
        sys.stderr.write(__doc__)
        return 2
    docs = load(args[0])
    sets = {doc_id: shingles(words(text, cjk), opts["--ngram"]) for doc_id, text in docs}
    ids = [doc_id for doc_id, _ in docs]
    sims = {}
    for a, b in combinations(ids, 2):
        key = (a, b) if a <= b else (b, a)
        sims[key] = jaccard(sets[a], sets[b])
    pairs = sorted(
        ((j, a, b) for (a, b), j in sims.items() if j >= opts["--min"]),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    for j, a, b in pairs:
        print("%.3f\t%s\t%s" % (j, a, b))
    print("%d pairs with J >= %.2f among %d documents" % (len(pairs), opts["--min"], len(ids)))
    if opts["--expected"]:
        if not check_groups(ids, sims, opts["--expected"], opts["--threshold"]):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
