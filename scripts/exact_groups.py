#!/usr/bin/env python3
"""Count groups of articles whose bodies are identical after whitespace normalisation.

Usage: python3 scripts/exact_groups.py IN.jsonl|SRC_DIR [--key text|raw] [--show N] [--tsv OUT.tsv]
  e.g. python3 scripts/exact_groups.py ../shared/data/reuters-21578         -> 279 groups / 560 docs
       python3 scripts/exact_groups.py ../shared/data/bbc-news-2225/raw --key raw -> 98 groups / 196 docs
       python3 scripts/exact_groups.py data/bbc.jsonl --key raw                -> 98 groups / 196 docs
       python3 scripts/exact_groups.py data/reuters.jsonl                      -> 339 groups / 682 docs

Input:
- IN.jsonl: one JSON object per line; "text" is the body, "title" the headline, "id" the id.
- a directory holding reut2-*.sgm (Reuters-21578): each <BODY> exactly as distributed,
  i.e. WITH its " Reuter" signature, which is how the 279 / 560 of SOURCE.md is counted;
  converted bodies (signature stripped) merge 60 more groups that differ only in the
  signature's case ("Reuter" vs "REUTER").
- any other directory: .txt files, searched recursively (BBC layout): the first line is
  the headline, the rest the body; files that are not UTF-8 are decoded as latin-1.
Keys:
- text (default): the body with every whitespace run collapsed to one space, trimmed;
- raw: headline and body byte for byte (BBC "byte-identical files" count: 98 / 196;
  on the body alone the BBC has 136 groups / 272 docs, the same body under another headline).
Prints "<groups> groups / <docs> docs" (groups of size >= 2 and the documents in them);
--show N also lists the ids of the first N groups; --tsv OUT.tsv writes `id<TAB>group` for every
document in a group (gold labels for `storyfold eval`).
Python 3 standard library only; output is deterministic.
"""

import glob
import json
import os
import re
import sys
from collections import defaultdict


def read_text_file(path):
    """Read a file as UTF-8, falling back to latin-1."""
    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def iter_reuters(source, files):
    """Yield (id, "", raw body) for every Reuters story with a BODY."""
    story_re = re.compile(r"<REUTERS\b[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)
    body_re = re.compile(r"<BODY>(.*?)</BODY>", re.S)
    for path in files:
        with open(path, encoding="latin-1") as fh:
            data = fh.read()
        for match in story_re.finditer(data):
            body = body_re.search(match.group(2))
            if body:
                yield "reuters-" + match.group(1), "", body.group(1)


def iter_docs(source):
    """Yield (id, title, body) triples from a JSONL file or a directory."""
    sgm = sorted(glob.glob(os.path.join(source, "reut2-*.sgm")))
    if os.path.isdir(source) and sgm:
        yield from iter_reuters(source, sgm)
        return
    if os.path.isdir(source):
        for root, dirs, files in os.walk(source):
            dirs.sort()
            for name in sorted(files):
                if not name.endswith(".txt"):
                    continue
                path = os.path.join(root, name)
                content = read_text_file(path).replace("\r\n", "\n")
                title, _, body = content.partition("\n")
                yield os.path.relpath(path, source), title, body
        return
    with open(source, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                sys.stderr.write("line %d: invalid JSON (%s), skipped\n" % (lineno, err))
                continue
            if not isinstance(obj, dict):
                continue
            yield (
                str(obj.get("id", lineno)),
                str(obj.get("title") or ""),
                str(obj.get("text") or ""),
            )


def main(argv):
    args = list(argv[1:])
    show = 0
    key_mode = "text"
    tsv = None
    try:
        if "--tsv" in args:
            i = args.index("--tsv")
            tsv = args[i + 1]
            del args[i : i + 2]
        if "--show" in args:
            i = args.index("--show")
            show = int(args[i + 1])
            del args[i : i + 2]
        if "--key" in args:
            i = args.index("--key")
            key_mode = args[i + 1]
            del args[i : i + 2]
    except (IndexError, ValueError):
        sys.stderr.write(__doc__)
        return 2
    if len(args) != 1 or key_mode not in ("text", "raw"):
        sys.stderr.write(__doc__)
        return 2
    groups = defaultdict(list)
    total = 0
    for doc_id, title, body in iter_docs(args[0]):
        if not body.strip():
            continue
        key = " ".join(body.split()) if key_mode == "text" else (title, body)
        total += 1
        groups[key].append(doc_id)
    dup = [ids for ids in groups.values() if len(ids) > 1]
    dup.sort(key=lambda ids: ids[0])
    print("%d groups / %d docs" % (len(dup), sum(len(ids) for ids in dup)))
    print("(out of %d documents with a non-empty body)" % total)
    for ids in dup[:show]:
        print("\t".join(ids))
    if tsv:
        with open(tsv, "w", encoding="utf-8") as out:
            for n, ids in enumerate(dup, 1):
                for doc_id in ids:
                    out.write("%s\texact-%d\n" % (doc_id, n))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
