#!/usr/bin/env python3
"""Cut a sample of whole stories out of a folded corpus, to time or check the derivation on it.

Usage:
  python3 scripts/sample_stories.py ASSIGN.tsv CORPUS.jsonl OUT.jsonl OUT.tsv --every 50 --rest 7
  python3 scripts/sample_stories.py ASSIGN.tsv CORPUS.jsonl OUT.jsonl OUT.tsv --largest 4

ASSIGN.tsv is `storyfold fold --assignments` output (id<TAB>story) for CORPUS.jsonl. Only
stories of two or more articles are sampled: with `--every N --rest R` those whose story number
is R modulo N (a deterministic spread over all story sizes), with `--largest K` the K largest.
OUT.jsonl gets their articles (lines copied as they are, in corpus order), OUT.tsv their
assignments, the input of `crates/storyfold/examples/derive_cost.rs`. Standard library only;
ids are read with `json` only on lines whose id is not at the start of the line.
"""
import argparse
import collections
import json
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("assign")
    p.add_argument("corpus")
    p.add_argument("out_jsonl")
    p.add_argument("out_tsv")
    p.add_argument("--every", type=int)
    p.add_argument("--rest", type=int, default=0)
    p.add_argument("--largest", type=int)
    a = p.parse_args()
    if (a.every is None) == (a.largest is None):
        sys.exit("give either --every N [--rest R] or --largest K")
    story = {}
    with open(a.assign, encoding="utf-8") as f:
        for line in f:
            i, s = line.rstrip("\n").split("\t")
            story[i] = int(s)
    size = collections.Counter(story.values())
    multi = [s for s in size if size[s] > 1]
    if a.every is not None:
        chosen = {s for s in multi if s % a.every == a.rest}
    else:
        chosen = set(sorted(multi, key=lambda s: (-size[s], s))[: a.largest])
    n = 0
    with open(a.corpus, encoding="utf-8") as f, open(a.out_jsonl, "w", encoding="utf-8") as out, open(
        a.out_tsv, "w", encoding="utf-8"
    ) as tsv:
        for line in f:
            if line.startswith('{"id":"'):
                i = line[7 : line.index('"', 7)]
            else:
                i = str(json.loads(line).get("id"))
            s = story.get(i)
            if s in chosen:
                out.write(line)
                tsv.write(f"{i}\t{s}\n")
                n += 1
    print(f"{len(chosen)} stories, {n} articles", file=sys.stderr)


if __name__ == "__main__":
    main()
