#!/usr/bin/env python3
"""Quality of `storyfold fold` on a `benchgen generate` corpus (or a prefix of one).

Usage: python3 scripts/fold_gen_quality.py TRUTH.tsv ASSIGNMENTS.tsv

TRUTH.tsv is benchgen's truth (id, kind, source, ...); ASSIGNMENTS.tsv is fold's
`--assignments` output (id<TAB>story). Only articles in the assignments are counted. A *family*
is a base or original document with its variants (a variant's source is never a variant).
Prints:
  - variant pairs together: the share of variant->source pairs (both assigned) in one story;
  - pairwise precision / recall of stories against families (same-story pairs that are in one
    family, and family pairs that are in one story);
  - story sizes.
Standard library only.
"""
import collections
import sys


def main():
    truth_path, asg_path = sys.argv[1], sys.argv[2]
    story = {}
    with open(asg_path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2:
                story[parts[0]] = parts[1]
    family = {}
    pairs = together = 0
    with open(truth_path) as f:
        next(f)
        for line in f:
            doc, kind, source = line.split("\t", 3)[:3]
            if doc not in story:
                continue
            if kind == "variant":
                family[doc] = source
                if source in story:
                    pairs += 1
                    together += story[doc] == story[source]
            else:
                family[doc] = doc
    cells = collections.Counter((story[d], family[d]) for d in family)
    per_story = collections.Counter(story[d] for d in family)
    per_family = collections.Counter(family[d] for d in family)
    c2 = lambda n: n * (n - 1) // 2
    same = sum(c2(n) for n in cells.values())
    in_story = sum(c2(n) for n in per_story.values())
    in_family = sum(c2(n) for n in per_family.values())
    sizes = collections.Counter(per_story.values())
    print(f"articles {len(family)}, stories {len(per_story)}, families {len(per_family)}")
    print(f"variant->source pairs in one story: {together}/{pairs} = {together / max(pairs, 1):.4f}")
    print(f"pairwise precision {same / max(in_story, 1):.4f}, recall {same / max(in_family, 1):.4f}")
    big = sorted(per_story.values(), reverse=True)[:5]
    print(f"story sizes: 1: {sizes[1]}, 2: {sizes[2]}, 3-10: {sum(v for k, v in sizes.items() if 3 <= k <= 10)}, "
          f">10: {sum(v for k, v in sizes.items() if k > 10)}; largest {big}")


if __name__ == "__main__":
    main()
