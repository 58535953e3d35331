#!/usr/bin/env bash
# Fuzz storyfold's input parsers with cargo fuzz (libFuzzer), one target at a time on one core: the committed corpus (fuzz/corpus/TARGET) and the inputs a fuzzer once
# failed on (fuzz/regressions/TARGET) are replayed first, then the fuzzer runs for SECONDS.
# New inputs go to a scratch folder, so the committed corpus never changes here. Exits non-zero
# on a crash, a timeout or running out of memory (the input is saved under fuzz/artifacts/).
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]    (default: 30 s each, every target)
#
# `--sanitizer none`: cargo fuzz's default, AddressSanitizer, needs a nightly-only flag
# (-Zsanitizer) that this machine's stable toolchain refuses, and the code fuzzed is safe Rust;
# without it, cargo fuzz works on stable as it is (and runs about twice as fast). To fuzz with
# AddressSanitizer anyway: RUSTC_BOOTSTRAP=1 cargo fuzz run -O TARGET. cargo-fuzz is installed
# if missing.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

SECONDS_EACH=${1:-30}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
    TARGETS=(read_jsonl read_csv read_txt parse_date sentences facts align)
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2

cargo fuzz build -O --sanitizer none
for target in "${TARGETS[@]}"; do
    scratch=$(mktemp -d)
    mkdir -p "regressions/$target"
    log="$scratch.log"
    if ! cargo fuzz run -O --sanitizer none "$target" "$scratch" "corpus/$target" "regressions/$target" -- \
        -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "fuzz: $target FAILED (input saved under fuzz/artifacts/$target/)"
        exit 1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "fuzz: $target: $runs executions in ${SECONDS_EACH} s, corpus $(ls "corpus/$target" | wc -l) inputs replayed, 0 crashes"
    rm -rf "$scratch" "$log"
done
