#!/usr/bin/env bash
# Scaling benchmark of `storyfold pairs`: runs the release binary on the first N articles of a
# corpus for several N and prints N, seconds, seconds per 1,000 articles, candidates and the
# verified pairs by relation, so near-linear growth can be checked (seconds per 1k should stay
# roughly flat). Timings are wall-clock and noisy on a shared machine.
#
# Usage: bash scripts/bench_pairs.sh [CORPUS.jsonl] [N...]
#   default corpus data/allsides.jsonl, default sizes 5000 10000 and the whole file.
#   Extra flags for `storyfold pairs` can be given in PAIRS_FLAGS (e.g. PAIRS_FLAGS="--top-n 10").
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-data/allsides.jsonl}
shift || true
if [ ! -s "$CORPUS" ]; then
    echo "missing $CORPUS (see scripts/allsides_to_jsonl.py)" >&2
    exit 1
fi
TOTAL=$(wc -l <"$CORPUS")
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(5000 10000 "$TOTAL")
BIN=target/release/storyfold
cargo build --release -q
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

printf '%8s %9s %9s %10s %7s %8s %8s %10s %9s %8s\n' \
    N seconds s_per_1k candidates exact near_dup rewrite same_story unrelated written
for n in "${SIZES[@]}"; do
    head -n "$n" "$CORPUS" >"$TMP/in.jsonl"
    # shellcheck disable=SC2086
    "$BIN" pairs "$TMP/in.jsonl" --min-relation same_story --json ${PAIRS_FLAGS:-} \
        --output "$TMP/pairs.jsonl" 2>"$TMP/summary.json"
    python3 - "$TMP/summary.json" <<'PY'
import json, sys
s = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
n, t, v = s["documents"], s["seconds"], s["verified"]
print(f'{n:8d} {t:9.2f} {1000 * t / max(n, 1):9.3f} {s["candidates"]:10d} {v["exact"]:7d} '
      f'{v["near_duplicate"]:8d} {v["rewrite"]:8d} {v["same_story"]:10d} {v["unrelated"]:9d} '
      f'{s["written"]:8d}')
PY
done
