#!/usr/bin/env python3
"""Convert the AllSides article-bias corpus (Baly et al. 2020) to storyfold JSONL.

Usage: python3 scripts/allsides_to_jsonl.py IN.jsonl.gz OUT.jsonl [--limit N]
  e.g. python3 scripts/allsides_to_jsonl.py \\
           ../shared/data/allsides-article-bias/allsides_articles.jsonl.gz data/allsides.jsonl

IN is the gzip'd (or plain, if the name does not end in .gz) JSONL of the shared data folder
with fields ID, topic, source, source_url, url, date, authors, title, bias_text, text.
Writes, in input order, one JSON object per article with a non-empty text:
  {"id": <ID>, "title", "text", "published" (only if a valid YYYY-MM-DD), "source", "url"}
Empty title/source/url fields are omitted. --limit N stops after N written articles.
Python 3 standard library only; output is deterministic. Prints counts to stderr.
"""

import gzip
import json
import re
import sys
from datetime import date

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def valid_date(value):
    """Return value if it is a real calendar date written YYYY-MM-DD, else None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not DATE_RE.fullmatch(value):
        return None
    try:
        date.fromisoformat(value)
    except ValueError:
        return None
    return value


def text_field(obj, name):
    """Return obj[name] as a stripped string ("" when missing or not a string)."""
    value = obj.get(name)
    return value.strip() if isinstance(value, str) else ""


def convert(in_path, out_path, limit):
    """Convert the corpus; return a dict of counts."""
    counts = {"read": 0, "written": 0, "skipped": 0, "no_date": 0}
    opener = gzip.open if in_path.endswith(".gz") else open
    with opener(in_path, "rt", encoding="utf-8") as src, open(
        out_path, "w", encoding="utf-8", newline="\n"
    ) as out:
        for line in src:
            if limit is not None and counts["written"] >= limit:
                break
            if not line.strip():
                continue
            counts["read"] += 1
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                counts["skipped"] += 1
                continue
            if not isinstance(obj, dict):
                counts["skipped"] += 1
                continue
            doc_id = text_field(obj, "ID")
            text = text_field(obj, "text")
            if not doc_id or not text:
                counts["skipped"] += 1
                continue
            record = {"id": doc_id}
            title = text_field(obj, "title")
            if title:
                record["title"] = title
            record["text"] = text
            published = valid_date(obj.get("date"))
            if published:
                record["published"] = published
            else:
                counts["no_date"] += 1
            for name in ("source", "url"):
                value = text_field(obj, name)
                if value:
                    record[name] = value
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            counts["written"] += 1
    return counts


def main(argv):
    args = list(argv[1:])
    limit = None
    if "--limit" in args:
        i = args.index("--limit")
        try:
            limit = int(args[i + 1])
        except (IndexError, ValueError):
            sys.stderr.write(__doc__)
            return 2
        if limit < 0:
            sys.stderr.write(__doc__)
            return 2
        del args[i : i + 2]
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    counts = convert(args[0], args[1], limit)
    sys.stderr.write(
        "read: %(read)d, written: %(written)d, skipped (no id/text or bad JSON): "
        "%(skipped)d, without valid date: %(no_date)d\n" % counts
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
