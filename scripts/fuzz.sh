#!/usr/bin/env bash
# Fuzz storyfold's input parsers with cargo fuzz (libFuzzer), one target at a time on one core: the committed corpus (fuzz/corpus/TARGET) and the inputs a fuzzer once
# failed on (fuzz/regressions/TARGET) are replayed first, then the fuzzer runs for SECONDS.
# New inputs go to a scratch folder, so the committed corpus never changes here. Exits non-zero
# on a crash, a timeout or running out of memory (the input is saved under fuzz/artifacts/).
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]    (default: 30 s each, every target)
#   FUZZ_KEEP=1 bash scripts/fuzz.sh 1800 align   (the long runs: what the run found is merged
#                                                 into corpus/TARGET, which `cargo fuzz cmin`
#                                                 then minimises; commit the result)
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
    rss=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    edges=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || echo "?")
    echo "fuzz: $target: $runs executions in ${SECONDS_EACH} s, $edges edges, peak RSS $rss MB, corpus $(ls "corpus/$target" | wc -l) inputs replayed, 0 crashes"
    if [ "${FUZZ_KEEP:-0}" = 1 ]; then
        cp -n "$scratch"/* "corpus/$target/" 2>/dev/null || true
        cargo fuzz cmin -O --sanitizer none "$target" "corpus/$target" >"$log" 2>&1 || { tail -n 20 "$log"; exit 1; }
        echo "fuzz: $target: corpus minimised to $(ls "corpus/$target" | wc -l) inputs, $(du -sk --apparent-size "corpus/$target" | cut -f1) KB"
    fi
    rm -rf "$scratch" "$log"
done
