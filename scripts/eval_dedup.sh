#!/usr/bin/env bash
# Reproduces the dedup figures of docs/evaluation.md on the real corpora in ../shared/data and fails when
# they regress. Usage: bash scripts/eval_dedup.sh   (from the repository root; needs python3)
#
# 1. Reuters-21578 and BBC: every known group of identical bodies (279 and 98) must come out
#    inside one dedup group, and no two of them may be merged (pairwise recall and precision of
#    `storyfold eval` against the exact-duplicate gold = 1).
# 2. AllSides (all 37,554 articles): recall and precision of the reported pairs against
#    brute-force exact Jaccard of the shingle sets, for J >= 0.8, with the default signature
#    estimate and with --exact verification (the latter must be >= 0.99 both).
# 3. The first 5,000 AllSides articles plus 5,000 edited copies made by `benchgen generate`
#    (seed 42; thousands of true pairs spread over J 0.5-1.0): the same comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared/data}
BIN=target/release/storyfold
OUT=data/eval
mkdir -p "$OUT"
cargo build --release -q -p storyfold-cli -p storyfold-benchgen

[ -s data/reuters.jsonl ] || python3 scripts/reuters_to_jsonl.py "$SHARED/reuters-21578" data/reuters.jsonl
[ -s data/bbc.jsonl ] || python3 scripts/bbc_to_jsonl.py "$SHARED/bbc-news-2225/raw" data/bbc.jsonl
[ -s data/allsides.jsonl ] || python3 scripts/allsides_to_jsonl.py \
    "$SHARED/allsides-article-bias/allsides_articles.jsonl.gz" data/allsides.jsonl

check() { # name gold groups
    python3 - "$@" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
r = json.load(open(path))
p, rec = r["pairwise"]["precision"], r["pairwise"]["recall"]
print(f"{name}: {r['gold_clusters']} identical-body groups ({r['items']} docs) -> "
      f"pairwise recall {rec:.4f}, precision {p:.4f}")
sys.exit(0 if p == 1.0 and rec == 1.0 else 1)
PY
}

echo "== Reuters-21578"
python3 scripts/exact_groups.py "$SHARED/reuters-21578" --tsv "$OUT/reuters.exact.tsv"
"$BIN" dedup data/reuters.jsonl -o "$OUT/reuters.groups.jsonl" --pairs "$OUT/reuters.pairs.jsonl"
"$BIN" eval --gold "$OUT/reuters.exact.tsv" --pred "$OUT/reuters.groups.jsonl" --json > "$OUT/reuters.eval.json"
check reuters "$OUT/reuters.eval.json"

echo "== BBC News"
python3 scripts/exact_groups.py data/bbc.jsonl --key raw --tsv "$OUT/bbc.exact.tsv"
"$BIN" dedup data/bbc.jsonl -o "$OUT/bbc.groups.jsonl"
"$BIN" eval --gold "$OUT/bbc.exact.tsv" --pred "$OUT/bbc.groups.jsonl" --json > "$OUT/bbc.eval.json"
check bbc "$OUT/bbc.eval.json"

echo "== AllSides vs brute-force exact Jaccard (J >= 0.8)"
"$BIN" dedup data/allsides.jsonl --vs-exact 40000 --json > "$OUT/allsides.vs-exact.json"
"$BIN" dedup data/allsides.jsonl --vs-exact 40000 --exact --json > "$OUT/allsides.vs-exact.exact.json"
python3 - "$OUT/allsides.vs-exact.json" "$OUT/allsides.vs-exact.exact.json" <<'PY'
import json, sys
ok = True
for path, label, strict in [(sys.argv[1], "signature estimate", False), (sys.argv[2], "exact verification", True)]:
    r = json.load(open(path))
    print(f"allsides {r['documents']} docs, {label}: true pairs {r['true_pairs']}, "
          f"LSH candidate recall {r['candidate_recall']:.4f}, recall {r['recall']:.4f}, precision {r['precision']:.4f}")
    if r["candidate_recall"] < 0.99 or (strict and (r["recall"] < 0.99 or r["precision"] < 0.99)):
        ok = False
sys.exit(0 if ok else 1)
PY
echo "== AllSides 5,000 + 5,000 generated edited copies vs brute-force exact Jaccard (J >= 0.8)"
target/release/benchgen generate --base data/allsides.jsonl --base-limit 5000 --docs 10000 \
    --variant-rate 1 --seed 42 --out "$OUT/gen-small.jsonl" --truth "$OUT/gen-small.truth.tsv"
"$BIN" dedup "$OUT/gen-small.jsonl" --vs-exact 10000 --json > "$OUT/gen-small.vs-exact.json"
"$BIN" dedup "$OUT/gen-small.jsonl" --vs-exact 10000 --exact --json > "$OUT/gen-small.vs-exact.exact.json"
python3 - "$OUT/gen-small.vs-exact.json" "$OUT/gen-small.vs-exact.exact.json" <<'PY'
import json, sys
ok = True
for path, label, strict in [(sys.argv[1], "signature estimate", False), (sys.argv[2], "exact verification", True)]:
    r = json.load(open(path))
    print(f"generated {r['documents']} docs, {label}: true pairs {r['true_pairs']}, "
          f"LSH candidate recall {r['candidate_recall']:.4f}, recall {r['recall']:.4f}, precision {r['precision']:.4f}")
    for b in r["by_similarity"]:
        print(f"    J {b['from']:.2f}-{b['to']:.2f}: {b['found']}/{b['true_pairs']}")
    if r["candidate_recall"] < 0.99 or (strict and (r["recall"] < 0.99 or r["precision"] < 0.99)):
        ok = False
sys.exit(0 if ok else 1)
PY
echo "dedup evaluation passed"
