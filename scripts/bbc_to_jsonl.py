#!/usr/bin/env python3
"""Convert the BBC News dataset (Greene & Cunningham 2006) to storyfold JSONL.

Usage: python3 scripts/bbc_to_jsonl.py SRC_DIR OUT.jsonl
  e.g. python3 scripts/bbc_to_jsonl.py ../shared/data/bbc-news-2225/raw data/bbc.jsonl

SRC_DIR holds one folder per category (business, entertainment, politics, sport, tech)
with files <nnn>.txt; the first line of a file is the headline, the rest is the body.
Writes one JSON object per file with a non-empty body, sorted by category then file name:
  {"id": "bbc-<category>-<nnn>", "title": <first line>, "text": <rest, trimmed>, "source": "BBC"}
Files that are not valid UTF-8 are decoded as latin-1. The dataset has no dates.
Python 3 standard library only; output is deterministic. Prints counts to stderr.
"""

import json
import os
import sys


def read_text_file(path):
    """Read a file as UTF-8, falling back to latin-1; return (text, used_fallback)."""
    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("latin-1"), True


def convert(src_dir, out_path):
    """Convert every <category>/<nnn>.txt; return (files, written, latin1_files)."""
    files = written = latin1 = 0
    categories = sorted(
        d for d in os.listdir(src_dir) if os.path.isdir(os.path.join(src_dir, d))
    )
    if not categories:
        raise SystemExit("no category folders in %s" % src_dir)
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        for category in categories:
            folder = os.path.join(src_dir, category)
            for name in sorted(os.listdir(folder)):
                if not name.endswith(".txt"):
                    continue
                files += 1
                content, fallback = read_text_file(os.path.join(folder, name))
                latin1 += fallback
                content = content.replace("\r\n", "\n").lstrip("\ufeff")
                title, _, body = content.partition("\n")
                body = body.strip()
                if not body:
                    continue
                record = {
                    "id": "bbc-%s-%s" % (category, name[: -len(".txt")]),
                    "title": title.strip(),
                    "text": body,
                    "source": "BBC",
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
    return files, written, latin1


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    files, written, latin1 = convert(argv[1], argv[2])
    sys.stderr.write(
        "files: %d, written: %d, decoded as latin-1: %d\n" % (files, written, latin1)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
