#!/usr/bin/env python3
"""Prepare the story-clustering evaluation corpora (used by scripts/eval_stories.sh).

  ecbplus DOCS.jsonl OUT.jsonl   ECB+ docs in a deterministic pseudo-random order: sorted by the
                                 SHA-1 of doc_id, so the input order does not follow the gold
                                 clusters (the file itself is sorted by topic and sub-topic).
                                 Fields kept: doc_id, text (no title, no date, no labels).
  uci CSV OUT.jsonl GOLD.tsv     UCI News Aggregator CSV -> JSONL {id, title, text, source,
                                 published} with the headline as title and text, published =
                                 TIMESTAMP (ms since epoch) in RFC 3339 UTC, in file order; the
                                 gold `id<TAB>STORY` goes to GOLD.tsv.
"""
import csv, datetime, hashlib, json, sys

def ecbplus(src, out):
    docs = [json.loads(l) for l in open(src, encoding="utf-8") if l.strip()]
    docs.sort(key=lambda d: hashlib.sha1(d["doc_id"].encode()).hexdigest())
    with open(out, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps({"doc_id": d["doc_id"], "text": d["text"]}, ensure_ascii=False) + "\n")

def uci(src, out, gold):
    with open(src, newline="", encoding="utf-8") as f, open(out, "w", encoding="utf-8") as o, \
            open(gold, "w", encoding="utf-8") as g:
        for row in csv.DictReader(f):
            ts = datetime.datetime.fromtimestamp(int(row["TIMESTAMP"]) / 1000, datetime.timezone.utc)
            o.write(json.dumps({"id": row["ID"], "title": row["TITLE"], "text": row["TITLE"],
                                "source": row["PUBLISHER"],
                                "published": ts.strftime("%Y-%m-%dT%H:%M:%SZ")}, ensure_ascii=False) + "\n")
            g.write(f"{row['ID']}\t{row['STORY']}\n")

if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "ecbplus":
        ecbplus(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "uci":
        uci(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
