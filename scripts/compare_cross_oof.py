#!/usr/bin/env python3
"""Compare cross-encoders' out-of-fold MRPC probabilities on the pairs all of them have scored.

Usage: scripts/compare_cross_oof.py BLEND_OOF.jsonl CROSS.jsonl [CROSS.jsonl ...]

BLEND_OOF is the `--oof` file of
`storyfold-train similarity --cv 10 --encoder DIR --cross-scores FIRST_CROSS --oof BLEND_OOF`: its labels
(`quality`), trees score and each fold's blend threshold are reused for the blend of every
cross-encoder and of their mean (with the trees' weight and the cross-encoder's taken from its rows).
Each CROSS is a `--cross-oof` file of `storyfold-train similarity --cv 10 --cross-train` (it may hold only
some folds). Prints, pooled and per fold, each model's accuracy and F1 at 0.5, AUC, blend
accuracy, the blend's AUC and mean |p_ab - p_ba|.
"""
import json
import sys

from stats import auc


def load(path):
    with open(path, encoding="utf-8") as f:
        return {row["line"]: row for row in map(json.loads, f)}


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    trees = load(sys.argv[1])
    crosses = [(path, load(path)) for path in sys.argv[2:]]
    lines = sorted(l for l in trees if all(l in rows for _, rows in crosses))
    if not lines:
        sys.exit("no pair is scored by every file")
    label = {l: trees[l]["quality"] for l in lines}
    # The blend's weight of the cross-encoder, from a row where the two scores differ.
    r = next(trees[l] for l in lines if abs(trees[l]["cross"] - trees[l]["score"]) > 1e-3)
    w = (r["blend"] - r["score"]) / (r["cross"] - r["score"])
    models = [(path, {l: rows[l]["p"] for l in lines}, rows) for path, rows in crosses]
    if len(models) > 1:
        mean = {l: sum(m[1][l] for m in models) / len(models) for l in lines}
        models.append(("mean", mean, None))

    def row(score, rows, subset):
        at_half = sum((score[l] >= 0.5) == label[l] for l in subset) / len(subset)
        tp = sum(score[l] >= 0.5 and label[l] for l in subset)
        wrong = sum((score[l] >= 0.5) != label[l] for l in subset)
        f1 = 2 * tp / (2 * tp + wrong)
        roc = auc([score[l] for l in subset if label[l]], [score[l] for l in subset if not label[l]])
        mixed = {l: (1 - w) * trees[l]["score"] + w * score[l] for l in subset}
        blend = sum((mixed[l] >= trees[l]["blend_threshold"]) == label[l] for l in subset) / len(
            subset
        )
        blend_roc = auc([mixed[l] for l in subset if label[l]], [mixed[l] for l in subset if not label[l]])
        asym = (
            f"  |p_ab - p_ba| {sum(abs(rows[l]['p_ab'] - rows[l]['p_ba']) for l in subset) / len(subset):.4f}"
            if rows
            else ""
        )
        return (
            f"cross@0.5 {at_half:.4f}  F1 {f1:.4f}  AUC {roc:.3f}  "
            f"blend {blend:.4f}  blend AUC {blend_roc:.3f}{asym}"
        )

    folds = sorted({trees[l]["fold"] for l in lines})
    print(f"folds {folds}, {len(lines)} pairs, cross weight {w:.2f}")
    for fold in [None] + folds:
        subset = [l for l in lines if fold is None or trees[l]["fold"] == fold]
        print("pooled" if fold is None else f"fold {fold}")
        for name, score, rows in models:
            print(f"  {row(score, rows, subset)}  {name}")


if __name__ == "__main__":
    main()
