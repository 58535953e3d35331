#!/usr/bin/env bash
# Byte-identical check of two storyfold builds: `fold`, `dedup`, `pairs` and `compare --json`
# on the example corpus and on a 5,000-article AllSides sample must write the same bytes.
#
# Usage: bash scripts/check_identical.sh BASE_BIN NEW_BIN [OUT_DIR]
#   BASE_BIN: the binary before a change, for example built from an earlier commit with
#             git worktree add /tmp/base REV && cargo build --release --manifest-path /tmp/base/Cargo.toml
#   NEW_BIN:  the binary after it (usually target/release/storyfold)
# The AllSides sample is the first 5,000 lines of data/allsides.jsonl (made from ../shared/data
# by scripts/allsides_to_jsonl.py when absent); without ../shared/data only the example corpus
# is checked. The summary's run time is masked. Exit status 1 when any output differs; the differing files are listed.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=$(realpath "$1")
NEW=$(realpath "$2")
OUT=${3:-runs/identical}
SHARED=${SHARED:-../shared/data}
rm -rf "$OUT"
mkdir -p "$OUT/base" "$OUT/new"

corpora=("examples/news.jsonl")
if [ ! -s data/allsides.jsonl ] && [ -d "$SHARED/allsides-article-bias" ]; then
    mkdir -p data
    python3 scripts/allsides_to_jsonl.py "$SHARED/allsides-article-bias/allsides_articles.jsonl.gz" data/allsides.jsonl
fi
if [ -s data/allsides.jsonl ]; then
    head -n 5000 data/allsides.jsonl > "$OUT/allsides5k.jsonl"
    corpora+=("$OUT/allsides5k.jsonl")
else
    echo "data/allsides.jsonl absent: checking the example corpus only"
fi

run_all() { # BIN DIR
    local bin=$1 dir=$2 i=0
    for corpus in "${corpora[@]}"; do
        i=$((i + 1))
        "$bin" fold "$corpus" -o "$dir/fold$i.jsonl" --assignments "$dir/fold$i.tsv" \
            | sed -E 's/[0-9]+\.[0-9]+ s$/(seconds)/' > "$dir/fold$i.stdout"
        "$bin" fold "$corpus" -o "$dir/fold$i.frames.jsonl" --frames > /dev/null
        "$bin" dedup "$corpus" -o "$dir/dedup$i.jsonl" --keep "$dir/dedup$i.kept.jsonl" --pairs "$dir/dedup$i.pairs.jsonl" 2> /dev/null
        "$bin" pairs "$corpus" -o "$dir/pairs$i.jsonl" 2> /dev/null
        "$bin" pairs "$corpus" --min-relation same_story -o "$dir/pairs$i.same.jsonl" 2> /dev/null
    done
}
run_all "$BASE" "$OUT/base"
run_all "$NEW" "$OUT/new"

# compare --json on up to 40 related pairs of each corpus (taken from the base's pairs output)
i=0
for corpus in "${corpora[@]}"; do
    i=$((i + 1))
    python3 - "$OUT/base/pairs$i.same.jsonl" > "$OUT/cmp$i.ids" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for r in rows[:: max(1, len(rows) // 40)][:40]:
    print(r["a"], r["b"])
PY
    n=0
    while read -r a b; do
        n=$((n + 1))
        "$BASE" compare --corpus "$corpus" "$a" "$b" --json > "$OUT/base/compare$i.$n.json"
        "$NEW" compare --corpus "$corpus" "$a" "$b" --json > "$OUT/new/compare$i.$n.json"
    done < "$OUT/cmp$i.ids"
done

status=0
for f in "$OUT"/base/*; do
    name=$(basename "$f")
    if ! cmp -s "$f" "$OUT/new/$name"; then
        echo "DIFFERS: $name"
        status=1
    fi
done
count=$(ls "$OUT/base" | wc -l)
if [ $status = 0 ]; then
    echo "identical: $count outputs of ${#corpora[@]} corpora"
fi
exit $status
