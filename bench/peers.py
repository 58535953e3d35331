#!/usr/bin/env python3
"""Near-duplicate detection with rensa or datasketch, the way storyfold dedup does it.

Usage: peers.py {rensa,datasketch} CORPUS.jsonl --pairs PAIRS.tsv --groups GROUPS.jsonl
                [--num-perm 128] [--ngram 5] [--threshold 0.8] [--limit N]

End to end and single-threaded, like a user of the library would write it: read the JSONL
corpus line by line, normalize and tokenize the "text" field, build the set of word n-gram
shingles, sign it with 128-permutation MinHash, query the LSH index for candidates, keep the
candidates whose estimated Jaccard (from the signatures) is >= threshold, insert the document,
and finally write the groups (connected components of the kept pairs) as JSONL.

Tokenization, as close to storyfold's as a regular expression gets: NFKC, curly quotes and
dashes folded, case folding, then words = runs of letters/digits/underscore, where a `.` `'`
or `:` between two letters and a `.` `,` `;` `'` between two digits stay inside the word
(UAX #29 word rules for ASCII), keeping words with a letter or digit. Differences from
storyfold: no boilerplate-line removal, no character bigrams for CJK/Thai, and Python's
`\\w` differs from UAX #29 on some non-Latin marks. Shingles are the n consecutive words
joined by one space (a document with 1..n-1 words has one shingle of all its words).

LSH: rensa RMinHashLSH(threshold, num_perm, num_bands=16) (8 rows per band, the banding of
rensa's README); datasketch MinHashLSH(threshold, num_perm) with the banding datasketch
derives from the threshold.
"""

import argparse
import json
import re
import sys
import unicodedata

FOLDS = [
    ("'", "\u2018\u2019\u201a\u201b\u2039\u203a\u00b4`\u02bc"),
    ('"', "\u201c\u201d\u201e\u201f\u00ab\u00bb"),
    ("-", "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"),
]
L = r"[^\W\d_]"
WORD_RE = re.compile(
    r"\w+(?:(?:(?<=" + L + r")[.':](?=" + L + r")|(?<=\d)[.,;'](?=\d))\w+)*"
)
HAS_ALNUM = re.compile(r"[^\W_]")


def tokens(text):
    """storyfold-like normalization and word tokenization."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        for to, chars in FOLDS:
            for c in chars:
                if c in text:
                    text = text.replace(c, to)
    elif "`" in text:
        text = text.replace("`", "'")
    words = WORD_RE.findall(text.casefold() if not text.isascii() else text.lower())
    if "_" in text:
        words = [w for w in words if HAS_ALNUM.search(w)]
    return words


def shingles(words, n):
    """Set of n-gram shingles as space-joined strings."""
    if not words:
        return set()
    if len(words) < n:
        return {" ".join(words)}
    return set(map(" ".join, zip(*(words[i:] for i in range(n)))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tool", choices=["rensa", "datasketch"])
    ap.add_argument("corpus")
    ap.add_argument("--pairs", required=True)
    ap.add_argument("--groups", required=True)
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--ngram", type=int, default=5)
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--limit", type=int)
    args = ap.parse_args()

    if args.tool == "rensa":
        from rensa import RMinHash, RMinHashLSH

        lsh = RMinHashLSH(threshold=args.threshold, num_perm=args.num_perm, num_bands=16)

        def sign(sh):
            m = RMinHash(num_perm=args.num_perm, seed=42)
            m.update(list(sh))
            return m

    else:
        from datasketch import MinHash, MinHashLSH

        lsh = MinHashLSH(threshold=args.threshold, num_perm=args.num_perm)

        def sign(sh):
            m = MinHash(num_perm=args.num_perm, seed=1)
            m.update_batch([s.encode("utf-8") for s in sh])
            return m

    ids = []
    sigs = {}
    pairs = []
    with open(args.corpus, encoding="utf-8") as fh:
        for line in fh:
            if args.limit is not None and len(ids) >= args.limit:
                break
            if not line.strip():
                continue
            obj = json.loads(line)
            doc = len(ids)
            ids.append(str(obj["id"]))
            sh = shingles(tokens(obj.get("text") or ""), args.ngram)
            if not sh:
                continue
            m = sign(sh)
            for other in lsh.query(m):
                if m.jaccard(sigs[other]) >= args.threshold:
                    pairs.append((other, doc))
            lsh.insert(doc, m)
            sigs[doc] = m

    parent = list(range(len(ids)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups = {}
    for d in range(len(ids)):
        groups.setdefault(find(d), []).append(d)
    with open(args.groups, "w", encoding="utf-8") as out:
        n = 0
        for root in sorted(groups):
            members = groups[root]
            if len(members) < 2:
                continue
            n += 1
            out.write(
                json.dumps(
                    {
                        "group": n,
                        "representative": ids[members[0]],
                        "size": len(members),
                        "members": [ids[m] for m in members[1:]],
                    }
                )
                + "\n"
            )
    with open(args.pairs, "w", encoding="utf-8") as out:
        for a, b in pairs:
            out.write("%s\t%s\n" % (ids[a], ids[b]))
    sys.stderr.write("%s: %d documents, %d pairs, %d groups\n" % (args.tool, len(ids), len(pairs), n))


if __name__ == "__main__":
    main()
