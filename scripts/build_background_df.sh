#!/usr/bin/env bash
# Build the shipped background document-frequency table, crates/storyfold/data/background-df.bin
# (see docs/background-df.md and crates/storyfold/data/BACKGROUND-DF.md).
# Usage: bash scripts/build_background_df.sh   (from anywhere; needs python3 and PyPI access)
#
# 1. A virtual environment (target/bgdf-venv) with the pinned wordfreq 3.1.1
#    (scripts/background_df/requirements.txt); export_wordfreq.py writes its English token
#    frequencies, numbers, years and dates as TSV (checks the wordlist's sha256).
# 2. The `bgdf` example tokenizes and stems them as story features do, turns token frequencies
#    into document rates and writes the table (same input, same bytes).
# 3. Prints the table's sha256.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=target/bgdf-venv
OUT=crates/storyfold/data/background-df.bin
mkdir -p target
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check -r scripts/background_df/requirements.txt
"$VENV/bin/python" scripts/background_df/export_wordfreq.py > target/bgdf-wordfreq.tsv
cargo run --release -q -p storyfold --example bgdf -- build target/bgdf-wordfreq.tsv "$OUT" \
    --keys target/bgdf-keys.tsv
sha256sum "$OUT"
