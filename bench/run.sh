#!/usr/bin/env bash
# storyfold vs rensa vs datasketch, side by side (issue 5).
#
# Usage (from anywhere in the repository):
#   bench/run.sh              first 20,000 AllSides articles and all 37,554 (storyfold, rensa, datasketch)
#   bench/run.sh --small      generated quality corpus: 5,000 AllSides articles + 5,000 edited copies
#                             spread over exact Jaccard 0.5-1.0 (all three tools)
#   bench/run.sh --million    generated 1,000,000-article corpus (storyfold only; add --peers for rensa
#                             and datasketch, which take hours)
#   bench/run.sh FILE.jsonl   any JSONL corpus (id/text fields)
#   --runs=N                  run every tool N times in a row and report the median wall time (default
#                             3, 1 with --million); the table lists each run's seconds
#
# What it does: builds storyfold and the generator (`cargo build --release`), creates the virtualenv
# bench/.venv with PyPI rensa and datasketch (pinned), converts AllSides to data/allsides.jsonl if it
# is missing, then for every corpus runs the three tools end to end (read JSONL, shingle, sign, index,
# query, verify, write groups) with 128 permutations, word 5-gram shingles and threshold 0.8, and
# prints a markdown table: documents/second (documents / median wall seconds of the whole process), peak RSS
# (getrusage of the child, as /usr/bin/time -v reports it), recall and precision of the pairs found
# against exact Jaccard (bench/score.py; truth: `benchgen truth`, over storyfold's shingles).
# storyfold uses all cores (rayon); rensa and datasketch run single-threaded from Python.
# Outputs go to bench/out/ (git-ignored). Environment: THRESHOLD (0.8), NUM_PERM (128), NGRAM (5).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/bench/out"
VENV="$ROOT/bench/.venv"
THRESHOLD="${THRESHOLD:-0.8}"
NUM_PERM="${NUM_PERM:-128}"
NGRAM="${NGRAM:-5}"
ALLSIDES_GZ="${ALLSIDES_GZ:-$ROOT/../shared/data/allsides-article-bias/allsides_articles.jsonl.gz}"
mkdir -p "$OUT"

log() { printf '== %s\n' "$*" >&2; }

log "building storyfold and benchgen (release)"
cargo build --release --quiet -p storyfold-cli -p storyfold-benchgen
SF="$ROOT/target/release/storyfold"
GEN="$ROOT/target/release/benchgen"

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import rensa, datasketch' 2>/dev/null; then
  log "setting up $VENV with rensa and datasketch"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet "rensa==0.5.0" "datasketch==2.0.0"
fi
PY="$VENV/bin/python"

if [ ! -s data/allsides.jsonl ]; then
  log "converting AllSides to data/allsides.jsonl"
  mkdir -p data
  python3 scripts/allsides_to_jsonl.py "$ALLSIDES_GZ" data/allsides.jsonl
fi

PEERS=1
MODE=default
RUNS=
CORPORA=()
for arg in "$@"; do
  case "$arg" in
    --small) MODE=small ;;
    --million) MODE=million; PEERS=0 ;;
    --peers) PEERS=2 ;;
    --runs=*) RUNS="${arg#--runs=}" ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) CORPORA+=("$arg") ;;
  esac
done
[ "$PEERS" = 2 ] && PEERS=1
if [ -z "$RUNS" ]; then
  if [ "$MODE" = million ]; then RUNS=1; else RUNS=3; fi
fi

case "$MODE" in
  default)
    if [ ${#CORPORA[@]} -eq 0 ]; then
      head -n 20000 data/allsides.jsonl > "$OUT/allsides-20k.jsonl"
      CORPORA=("$OUT/allsides-20k.jsonl" "$ROOT/data/allsides.jsonl")
    fi ;;
  small)
    log "generating the small quality corpus (5,000 base + 5,000 variants)"
    "$GEN" generate --base data/allsides.jsonl --base-limit 5000 --docs 10000 --variant-rate 1 \
      --seed 42 --out "$OUT/gen-small.jsonl" --truth "$OUT/gen-small.truth.tsv"
    CORPORA=("$OUT/gen-small.jsonl") ;;
  million)
    if [ ! -s "$OUT/gen-1m.jsonl" ]; then
      log "generating the 1,000,000-article corpus (about 6 GB)"
      "$GEN" generate --base data/allsides.jsonl --docs 1000000 --variant-rate 0.3 \
        --seed 42 --out "$OUT/gen-1m.jsonl" --truth "$OUT/gen-1m.truth.tsv"
    fi
    CORPORA=("$OUT/gen-1m.jsonl") ;;
esac

# measure NAME TOOL CMD...: run CMD, record wall time and peak RSS in $OUT/NAME.TOOL.time.json
measure() {
  local name="$1" tool="$2"
  shift 2
  "$PY" bench/measure.py "$OUT/$name.$tool.time.json" --runs "$RUNS" -- "$@"
}

for corpus in "${CORPORA[@]}"; do
  name="$(basename "$corpus" .jsonl)"
  docs=$(grep -c . "$corpus" || true)
  log "$name: $docs documents"
  tools=(storyfold)

  sync
  measure "$name" storyfold "$SF" dedup "$corpus" --threshold "$THRESHOLD" --num-perm "$NUM_PERM" \
    --ngram "$NGRAM" -o "$OUT/$name.storyfold.groups.jsonl" --pairs "$OUT/$name.storyfold.pairs.jsonl"
  "$PY" -c 'import json,sys
for l in open(sys.argv[1]):
    p=json.loads(l); print(p["a"]+"\t"+p["b"])' "$OUT/$name.storyfold.pairs.jsonl" > "$OUT/$name.storyfold.pairs.tsv"

  if [ "$PEERS" = 1 ]; then
    for tool in rensa datasketch; do
      log "$name: $tool"
      measure "$name" "$tool" "$PY" bench/peers.py "$tool" "$corpus" --threshold "$THRESHOLD" \
        --num-perm "$NUM_PERM" --ngram "$NGRAM" --pairs "$OUT/$name.$tool.pairs.tsv" \
        --groups "$OUT/$name.$tool.groups.jsonl"
      tools+=("$tool")
    done
  fi

  if [ "$MODE" = million ]; then
    # Truth: the generator's variant -> source pairs at or above the threshold (recall); every
    # found pair is checked by exact Jaccard (precision).
    awk -F'\t' -v t="$THRESHOLD" 'NR > 1 && $2 == "variant" && $5 >= t { print $3 "\t" $1 }' \
      "$OUT/$name.truth.tsv" > "$OUT/$name.truth-pairs.tsv"
  else
    log "$name: exact-Jaccard truth"
    "$GEN" truth "$corpus" --threshold "$THRESHOLD" --ngram "$NGRAM" -o "$OUT/$name.truth-pairs.tsv"
  fi
  for tool in "${tools[@]}"; do
    "$PY" bench/score.py "$OUT/$name.truth-pairs.tsv" "$OUT/$name.$tool.pairs.tsv" > "$OUT/$name.$tool.score.json"
    if [ "$MODE" = million ]; then
      "$GEN" check "$corpus" --pairs "$OUT/$name.$tool.pairs.tsv" --threshold "$THRESHOLD" \
        --ngram "$NGRAM" > "$OUT/$name.$tool.check.json"
    fi
  done

  "$PY" - "$OUT" "$name" "$docs" "$MODE" "${tools[@]}" <<'EOF'
import json, os, platform, sys
out, name, docs, mode, tools = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:]
cpu = "?"
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
print(f"\n### {name}: {docs:,} documents ({os.cpu_count()} cores, {cpu}, {platform.system()})\n")
print("| tool | seconds, median (runs) | docs/s | peak RSS | recall | precision | true pairs | found pairs |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
rows = {}
for t in tools:
    tm = json.load(open(f"{out}/{name}.{t}.time.json"))
    sc = json.load(open(f"{out}/{name}.{t}.score.json"))
    prec = sc["precision"]
    if mode == "million":
        prec = json.load(open(f"{out}/{name}.{t}.check.json"))["precision"]
    rows[t] = tm["seconds"]
    runs = "/".join(f"{r:.2f}" for r in tm.get("runs", [tm["seconds"]]))
    print(f"| {t} | {tm['seconds']:.2f} ({runs}) | {docs / tm['seconds']:,.0f} | {tm['peak_rss_kb'] / 1024:,.0f} MB "
          f"| {sc['recall']:.4f} | {prec:.4f} | {sc['true_pairs']:,} | {sc['found_pairs']:,} |")
if "storyfold" in rows and len(rows) > 1:
    print()
    for t, s in rows.items():
        if t != "storyfold":
            print(f"storyfold is {s / rows['storyfold']:.1f}x faster than {t}")
EOF
done
