#!/usr/bin/env python3
"""Score found near-duplicate pairs against the exact-Jaccard truth.

Usage: score.py TRUTH.tsv FOUND.tsv
  TRUTH.tsv: "id_a<TAB>id_b<TAB>jaccard" lines (benchgen truth): every pair of documents
             whose storyfold shingle sets have exact Jaccard >= the threshold.
  FOUND.tsv: "id_a<TAB>id_b" lines, the pairs a tool reported.
Prints JSON: true_pairs, found_pairs, recall, precision.
  recall    = share of true pairs whose two documents the tool put in the same group
              (connected component of its found pairs; storyfold links an exact copy only to
              its first occurrence, so direct pairs would undercount it);
  precision = share of found pairs that are true pairs.
Both are 1.0 when their denominator is 0.
"""

import json
import sys


def read_pairs(path):
    pairs = set()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                a, b = parts[0], parts[1]
                pairs.add((a, b) if a <= b else (b, a))
    return pairs


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    truth = read_pairs(sys.argv[1])
    found = read_pairs(sys.argv[2])
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in found:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    recalled = sum(1 for a, b in truth if find(a) == find(b))
    correct = len(found & truth)
    print(
        json.dumps(
            {
                "true_pairs": len(truth),
                "found_pairs": len(found),
                "recall": recalled / len(truth) if truth else 1.0,
                "precision": correct / len(found) if found else 1.0,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
