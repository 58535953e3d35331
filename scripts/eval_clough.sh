#!/usr/bin/env bash
# Calibration of `storyfold compare` on the Clough & Stevenson corpus of plagiarised short answers:
# every answer (B) is compared with the Wikipedia source of its task (A). Prints, per level
# (cut > light > heavy > non), the mean containment of the answer in its source, the mean score,
# the relation labels given, and the ROC AUC of reused (cut/light/heavy) vs non-reused answers
# for several measures, plus the best accuracy of a containment threshold.
#
# "B in A" is the sentence containment (reworded sentences count), "5-gram B in A" the share of the
# answer's word 5-grams found in the source (verbatim reuse only).
#
# Usage: scripts/eval_clough.sh [DATA_DIR] [STORYFOLD_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data/clough-stevenson-plagiarism}
if [[ ! -d "$DATA" ]]; then
  echo "eval_clough: $DATA not found, skipping" >&2
  exit 0
fi
BIN=${2:-}
if [[ -z "$BIN" ]]; then
  if [[ -x target/release/storyfold ]]; then BIN=target/release/storyfold; else BIN=target/debug/storyfold; fi
fi
python3 - "$DATA" "$BIN" <<'PY'
import csv, json, subprocess, sys, os, collections
data, binary = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(os.path.join(data, "file_information.csv"), encoding="utf-8")))
results = []
for r in rows:
    if r["Category"] == "orig":
        continue
    src = os.path.join(data, "files", f"orig_task{r['Task']}.txt")
    ans = os.path.join(data, "files", r["File"])
    out = subprocess.run([binary, "compare", "--json", "--lossy-utf8", src, ans],
                         check=True, capture_output=True, text=True).stdout
    j = json.loads(out)
    results.append((r["Category"], j))

def auc(pos, neg):
    # Probability that a random positive scores above a random negative (ties count half).
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))

levels = ["cut", "light", "heavy", "non"]
print(f"{'level':<6} {'n':>3} {'B in A':>7} {'A in B':>7} {'score':>6} {'shingleJ':>8} {'5-gram B in A':>13}  relations")
for lv in levels:
    js = [j for c, j in results if c == lv]
    mean = lambda k: sum(j[k] for j in js) / len(js)
    rel = collections.Counter(j["relation"] for j in js)
    print(f"{lv:<6} {len(js):>3} {mean('containment_b_in_a'):>7.3f} {mean('containment_a_in_b'):>7.3f} "
          f"{mean('score'):>6.3f} {mean('shingle_jaccard'):>8.3f} {mean('shingle_b_in_a'):>13.3f}  " +
          ", ".join(f"{k} {v}" for k, v in sorted(rel.items())))
print()
for key in ["containment_b_in_a", "score", "shingle_jaccard", "shingle_b_in_a"]:
    pos = [j[key] for c, j in results if c != "non"]
    neg = [j[key] for c, j in results if c == "non"]
    print(f"AUC reused (cut/light/heavy) vs non, by {key}: {auc(pos, neg):.3f}")
pos = [j["containment_b_in_a"] for c, j in results if c != "non"]
neg = [j["containment_b_in_a"] for c, j in results if c == "non"]
best = max(((sum(p >= t for p in pos) + sum(n < t for n in neg)) / (len(pos) + len(neg)), t)
           for t in sorted(set(pos + neg)) + [1.01])
print(f"best accuracy of 'containment_b_in_a >= t' for reused: {best[0]:.3f} at t = {best[1]:.3f}")
print("threshold on max(containment_b_in_a, containment_a_in_b) for 'reused':")
for t in [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]:
    pred = [(c != "non", max(j["containment_b_in_a"], j["containment_a_in_b"]) >= t) for c, j in results]
    tp = sum(1 for g, p in pred if g and p); fp = sum(1 for g, p in pred if not g and p)
    fn = sum(1 for g, p in pred if g and not p)
    print(f"  t = {t:.1f}: precision {tp / max(tp + fp, 1):.3f}, recall {tp / max(tp + fn, 1):.3f}")
labels = [(c != "non", j["relation"] in ("rewrite", "near_duplicate", "exact")) for c, j in results]
tp = sum(1 for g, p in labels if g and p); fp = sum(1 for g, p in labels if not g and p)
fn = sum(1 for g, p in labels if g and not p)
print(f"relation >= rewrite as 'reused': precision {tp / max(tp + fp, 1):.3f}, recall {tp / max(tp + fn, 1):.3f} "
      f"({tp} tp, {fp} fp, {fn} fn)")
PY
