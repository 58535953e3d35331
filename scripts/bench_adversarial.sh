#!/usr/bin/env bash
# Time and peak memory of `storyfold compare` and `storyfold fold` on the adversarial inputs of
# issue 23 (docs/reliability.md, "Bounded cost"): each must take at most 5 s and 500 MB.
#
#   bash scripts/bench_adversarial.sh [STORYFOLD_BINARY]   (default target/release/storyfold)
#
# The inputs are generated in a temporary directory (removed at the end), each a one-record
# JSONL file within the default --max-bytes (10,000,000 bytes per record):
#   near    two articles of 20,000 near-identical sentences (one template; B changes the day
#           and the figures of every sentence), 2.3 MB each
#   long    two articles that are each one 5 MB sentence (random words and numbers from a
#           small vocabulary; B changes every 1,000th word)
#   repeat  one word repeated 2,000,000 times (8 MB; B ends with another word). A 4-letter
#           word repeated so would make a 10,000,023-byte record, refused by --max-bytes.
#   tiny    about 2.5 million tiny sentences ("Ka! Lo? Mi! ...", 9.9 MB; B changes every
#           1,000th)
# For each case it runs `compare A B --json` and `fold` on a corpus of A and B, and prints
# the wall time, the CPU time (user + system), the peak resident memory (/usr/bin/time) and
# whether the output says "truncated": true. Run it with `nice` on a shared machine (the wall
# time then depends on the other load; the CPU time much less); the figures are of one run.
set -euo pipefail

bin=${1:-target/release/storyfold}
bin=$(realpath "$bin")
[ -x "$bin" ] || { echo "no binary at $bin (cargo build --release -p storyfold-cli)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time)" >&2; exit 2; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/storyfold-adversarial.XXXXXX")
trap 'rm -rf "$dir"' EXIT

python3 - "$dir" <<'EOF'
import json, random, sys
d = sys.argv[1]
def write(name, id_, text):
    with open(f"{d}/{name}.jsonl", "w") as f:
        f.write(json.dumps({"id": id_, "text": text}) + "\n")
n = 20000
write("near_a", "near-a", " ".join(
    f"Officials in the harbor district said on Monday that the budget for item {i} would rise by {i % 97} percent next year."
    for i in range(n)))
write("near_b", "near-b", " ".join(
    f"Officials in the harbor district said on Tuesday that the budget for item {i} would rise by {(i + 1) % 97} percent next year."
    for i in range(n)))
words = ["harbor", "council", "budget", "river", "station", "market", "police", "school",
         "bridge", "tower", "ferry", "storm", "mayor", "voters", "tax"]
r = random.Random(1)
toks, size = [], 0
while size < 5_000_000:
    w = r.choice(words) + (str(r.randrange(1000)) if r.random() < 0.3 else "")
    toks.append(w)
    size += len(w) + 1
write("long_a", "long-a", " ".join(toks) + ".")
for k in range(0, len(toks), 1000):
    toks[k] = "changed"
write("long_b", "long-b", " ".join(toks) + ".")
write("repeat_a", "repeat-a", " ".join(["tax"] * 2_000_000))
write("repeat_b", "repeat-b", " ".join(["tax"] * 1_999_999 + ["cut"]))
tiny, size = [], 0
while size < 9_900_000:
    s = r.choice(["Ka!", "Lo?", "Mi!", "Ne?", "Ru!"])
    tiny.append(s)
    size += len(s) + 1
write("tiny_a", "tiny-a", " ".join(tiny))
for k in range(0, len(tiny), 1000):
    tiny[k] = "Si!"
write("tiny_b", "tiny-b", " ".join(tiny))
EOF

printf '%-8s %-8s %8s %8s %8s %6s %s\n' case command "wall s" "CPU s" "peak MB" status truncated
for case in near long repeat tiny; do
    a="$dir/${case}_a.jsonl" b="$dir/${case}_b.jsonl"
    cat "$a" "$b" > "$dir/${case}_corpus.jsonl"
    for cmd in compare fold; do
        out="$dir/out.json"
        if [ "$cmd" = compare ]; then
            args=(compare "$a" "$b" --json)
        else
            args=(fold "$dir/${case}_corpus.jsonl" -o "$out")
        fi
        set +e
        if [ "$cmd" = compare ]; then
            /usr/bin/time -f '%e %U %S %M' -o "$dir/time" "$bin" "${args[@]}" > "$out" 2> "$dir/err"
        else
            /usr/bin/time -f '%e %U %S %M' -o "$dir/time" "$bin" "${args[@]}" > /dev/null 2> "$dir/err"
        fi
        status=$?
        set -e
        read -r secs user sys kb < <(tail -1 "$dir/time")
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
        cut=no
        grep -q '"truncated":true' "$out" 2>/dev/null && cut=yes
        printf '%-8s %-8s %8s %8s %8s %6s %s\n' "$case" "$cmd" "$secs" "$cpu" "$((kb / 1024))" "$status" "$cut"
        rm -f "$out"
    done
done
