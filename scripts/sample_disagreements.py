#!/usr/bin/env python3
"""Draw reported disagreements at random from `storyfold fold --output` files, for judging by
eval/disagreements/RULE.md, and score a judged draw.

  draw:  sample_disagreements.py draw --seed S --n N --min-confidence C OUT.jsonl NAME=FOLD.jsonl...
         Every disagreement of the named fold outputs at or above the cut, each once (same two
         ids, sentences and values), drawn without replacement with Python's random.Random(S);
         written with `verdict` and `reason` left empty.
  score: sample_disagreements.py score JUDGED.jsonl
         Precision (verdict "ok") with a 95% Wilson interval, overall and by corpus, kind and via.
"""
import argparse
import collections
import json
import math
import random
import sys

from evalkit import write_jsonl


def disagreements(name, path):
    """Every disagreement of a fold output, with the corpus name and story number."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            story = json.loads(line)
            for d in story.get("disagreements", []):
                yield dict(corpus=name, story=story["story"], **d)


def wilson(k, n, z=1.96):
    """95% Wilson score interval of k successes in n trials."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, mid - half), min(1.0, mid + half))


def draw(args):
    pool, seen = [], set()
    for spec in args.folds:
        name, _, path = spec.partition("=")
        for d in disagreements(name, path):
            key = (d["a"], d["b"], d["a_sentence"], d["b_sentence"], d["a_value"], d["b_value"])
            if d["confidence"] >= args.min_confidence and key not in seen:
                seen.add(key)
                pool.append(d)
    rng = random.Random(args.seed)
    sample = rng.sample(pool, min(args.n, len(pool)))
    for d in sample:
        d["verdict"] = ""
        d["reason"] = ""
    write_jsonl(sample, args.out)
    by = collections.Counter(d["corpus"] for d in pool)
    print(f"pool {len(pool)} ({dict(by)}), drew {len(sample)} -> {args.out}", file=sys.stderr)


def score(args):
    rows = [json.loads(l) for l in open(args.judged, encoding="utf-8")]
    unjudged = [r for r in rows if r.get("verdict") not in ("ok", "wrong")]
    if unjudged:
        sys.exit(f"{len(unjudged)} rows have no verdict (ok / wrong)")

    def line(label, rs):
        k = sum(r["verdict"] == "ok" for r in rs)
        lo, hi = wilson(k, len(rs))
        p = k / len(rs) if rs else 0.0
        print(f"{label:<28} {k:>4} / {len(rs):<4} precision {p:.3f}  95% CI {lo:.3f}-{hi:.3f}")

    line("all", rows)
    for field in ("corpus", "kind", "via"):
        for value in sorted({r[field] for r in rows}):
            line(f"{field}={value}", [r for r in rows if r[field] == value])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("draw")
    d.add_argument("--seed", type=int, required=True)
    d.add_argument("--n", type=int, required=True)
    d.add_argument("--min-confidence", type=float, default=0.7)
    d.add_argument("out")
    d.add_argument("folds", nargs="+", help="NAME=FOLD.jsonl")
    s = sub.add_parser("score")
    s.add_argument("judged")
    args = ap.parse_args()
    draw(args) if args.cmd == "draw" else score(args)


if __name__ == "__main__":
    main()
