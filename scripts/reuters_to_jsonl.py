#!/usr/bin/env python3
"""Convert the Reuters-21578 SGML distribution to storyfold JSONL.

Usage: python3 scripts/reuters_to_jsonl.py SRC_DIR OUT.jsonl
  e.g. python3 scripts/reuters_to_jsonl.py ../shared/data/reuters-21578 data/reuters.jsonl

Reads SRC_DIR/reut2-*.sgm (latin-1) in file order and writes one JSON object per
story that has a non-empty <BODY>:
  {"id": "reuters-<NEWID>", "title", "text", "published", "source": "Reuters"}
- entities (&lt; &amp; &#N; ...) are unescaped; the trailing " Reuter\\n&#3;"
  signature (any case, optional dots) and control characters are removed;
- "published" is RFC3339 (UTC assumed, e.g. 1987-02-26T15:01:01.79Z) from
  <DATE> like "26-FEB-1987 15:01:01.79"; it is omitted when the date is invalid;
- "title" is "" when the story has no <TITLE>.
Python 3 standard library only; output is deterministic. Prints counts to stderr.
"""

import glob
import html
import json
import os
import re
import sys
from datetime import datetime

STORY_RE = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
NEWID_RE = re.compile(r'NEWID="(\d+)"')
DATE_RE = re.compile(r"<DATE>(.*?)</DATE>", re.S)
TITLE_RE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
BODY_RE = re.compile(r"<BODY>(.*?)</BODY>", re.S)
# Trailing "Reuter" signature, optionally followed by the &#3; end-of-text mark.
SIGNATURE_RE = re.compile(r"\s*\breuters?\b\.*\s*(&#3;)?\s*$", re.I)
END_MARK_RE = re.compile(r"\s*&#3;\s*$")
DATE_VALUE_RE = re.compile(
    r"\s*(\d{1,2}-[A-Za-z]{3}-\d{4})\s+(\d{1,2}:\d{2}:\d{2})(\.\d+)?(?![\d:])"
)
# Control characters other than tab and newline.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean(raw):
    """Unescape SGML entities and drop control characters."""
    text = html.unescape(raw)
    return CONTROL_RE.sub("", text)


def parse_date(raw):
    """Return an RFC3339 string for a Reuters DATE, or None if it is invalid.

    Some DATE elements carry trailing control codes ("...00:02:59.13&#5;&#5;RM");
    only the leading "DD-MON-YYYY HH:MM:SS[.ff]" is read.
    """
    match = DATE_VALUE_RE.match(raw)
    if not match:
        return None
    try:
        parsed = datetime.strptime(
            match.group(1) + " " + match.group(2), "%d-%b-%Y %H:%M:%S"
        )
    except ValueError:
        return None
    return parsed.strftime("%Y-%m-%dT%H:%M:%S") + (match.group(3) or "") + "Z"


def body_text(raw_body):
    """Strip the end mark and signature, unescape, and trim a BODY."""
    body = END_MARK_RE.sub("", raw_body)
    body = SIGNATURE_RE.sub("", body)
    return clean(body).strip()


def convert(src_dir, out_path):
    """Convert all reut2-*.sgm under src_dir; return (stories, written, no_date)."""
    files = sorted(glob.glob(os.path.join(src_dir, "reut2-*.sgm")))
    if not files:
        raise SystemExit("no reut2-*.sgm files in %s" % src_dir)
    stories = written = no_date = 0
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        for path in files:
            with open(path, encoding="latin-1") as fh:
                data = fh.read()
            for match in STORY_RE.finditer(data):
                stories += 1
                attrs, inner = match.group(1), match.group(2)
                newid = NEWID_RE.search(attrs)
                body = BODY_RE.search(inner)
                if not newid or not body:
                    continue
                text = body_text(body.group(1))
                if not text:
                    continue
                title = TITLE_RE.search(inner)
                record = {
                    "id": "reuters-" + newid.group(1),
                    "title": " ".join(clean(title.group(1)).split()) if title else "",
                    "text": text,
                }
                date = DATE_RE.search(inner)
                published = parse_date(date.group(1)) if date else None
                if published:
                    record["published"] = published
                else:
                    no_date += 1
                record["source"] = "Reuters"
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
    return stories, written, no_date


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    stories, written, no_date = convert(argv[1], argv[2])
    sys.stderr.write(
        "stories: %d, written (non-empty body): %d, without valid date: %d\n"
        % (stories, written, no_date)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
