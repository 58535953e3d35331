#!/usr/bin/env python3
"""Compare two cross-encoders' out-of-fold MRPC probabilities on the folds both have scored.

Usage: scripts/compare_cross_oof.py MRPC_TRAIN FIRST.jsonl SECOND.jsonl BLEND_OOF.jsonl

FIRST and SECOND are `--cross-oof` files of `storyfold similarity --cv 10 --cross-train` (SECOND may
hold only some folds). BLEND_OOF is the `--oof` file of
`storyfold similarity --cv 10 --encoder DIR --cross-scores FIRST --oof BLEND_OOF`: its trees score
and each fold's blend threshold are reused for the blends with SECOND and with the mean of the two.
Prints accuracy at 0.5 and AUC of each cross-encoder and their mean, the blends' accuracy, and the
same per fold.
"""
import json
import sys

from stats import auc


def load(path):
    with open(path, encoding="utf-8") as f:
        return {row["line"]: row for row in map(json.loads, f)}


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    labels = {}
    with open(sys.argv[1], encoding="utf-8-sig") as f:
        for n, line in enumerate(f, 1):
            fields = line.rstrip("\r\n").split("\t")
            if n > 1 and len(fields) >= 5:
                labels[n] = fields[0] == "1"
    first, second, trees = load(sys.argv[2]), load(sys.argv[3]), load(sys.argv[4])
    lines = sorted(l for l in second if l in first and l in trees)
    folds = sorted({second[l]["fold"] for l in lines})
    models = {
        "first": {l: first[l]["p"] for l in lines},
        "second": {l: second[l]["p"] for l in lines},
    }
    models["mean"] = {l: (models["first"][l] + models["second"][l]) / 2 for l in lines}

    def accuracy(decide, subset):
        return sum(decide(l) == labels[l] for l in subset) / len(subset)

    def roc_auc(score):
        return auc([score[l] for l in lines if labels[l]], [score[l] for l in lines if not labels[l]])

    def blended(score):
        return lambda l: 0.5 * trees[l]["score"] + 0.5 * score[l] >= trees[l]["blend_threshold"]

    print(f"folds {folds}, {len(lines)} pairs")
    asymmetry = {
        name: f"  mean |p_ab - p_ba| {sum(abs(rows[l]['p_ab'] - rows[l]['p_ba']) for l in lines) / len(lines):.4f}"
        for name, rows in (("first", first), ("second", second))
    }
    for name, score in models.items():
        asym = asymmetry.get(name, "")
        print(
            f"{name:<7} cross@0.5 {accuracy(lambda l: score[l] >= 0.5, lines):.4f}  AUC {roc_auc(score):.3f}  "
            f"blend {accuracy(blended(score), lines):.4f}{asym}"
        )
    for fold in folds:
        subset = [l for l in lines if second[l]["fold"] == fold]
        cells = "  ".join(
            f"{name} {accuracy(lambda l: score[l] >= 0.5, subset):.4f}/{accuracy(blended(score), subset):.4f}"
            for name, score in models.items()
        )
        print(f"fold {fold}: cross@0.5/blend  {cells}")


if __name__ == "__main__":
    main()
