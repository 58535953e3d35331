#!/usr/bin/env bash
# Sentence similarity figures: MRPC 10-fold cross-validation (accuracy/F1 of the paraphrase
# decision, with the TF-IDF cosine baseline) and STS Benchmark correlations (genre main-news),
# computed by the release binary. Usage: scripts/eval_similarity.sh [SHARED_DATA_DIR]
# (default: ../shared/data relative to the repository root). Takes a few seconds once built.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="${1:-$root/../shared/data}"
bin="$root/target/release/storyfold"
mrpc="$data/mrpc/msr_paraphrase_train.txt"
sts="$data/stsbenchmark"
if [[ ! -f "$mrpc" || ! -f "$sts/sts-train.csv" ]]; then
  echo "eval_similarity: data not found under $data, skipping" >&2
  exit 0
fi
(cd "$root" && cargo build --release --quiet)
echo "== MRPC train, 10-fold cross-validation =="
"$bin" similarity --pairs "$mrpc" --cv 10
echo "== MRPC train, shipped model (fitted on the whole file: in-sample) =="
"$bin" similarity --pairs "$mrpc" 2>&1 >/dev/null | tail -n 1
echo "== STS Benchmark, genre main-news =="
"$bin" similarity --sts "$sts/sts-train.csv" --sts "$sts/sts-dev.csv"
