#!/usr/bin/env bash
# The browser test of `storyfold serve` (tests/browser/serve.test.mjs): installs Debian's
# chromium (apt) and playwright-core (npm ci) when missing, builds the binary, and runs the
# test, which saves screenshots to docs/img/. A missing apt-get, npm or node is a printed
# reason and exit status 0 (the step is skipped, not failed); a failed check is exit status 1.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
    if command -v apt-get >/dev/null 2>&1; then
        SUDO=""
        [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
        $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium \
            || { echo "browser test skipped: apt-get could not install chromium"; exit 0; }
    else
        echo "browser test skipped: no /usr/bin/chromium and no apt-get to install it"
        exit 0
    fi
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "browser test skipped: node and npm are needed (apt-get install nodejs npm)"
    exit 0
fi
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error) \
    || { echo "browser test skipped: npm ci failed (no registry?)"; exit 0; }
cargo build --release -p storyfold-cli
STORYFOLD_BIN="$PWD/target/release/storyfold" node tests/browser/serve.test.mjs
