#!/usr/bin/env python3
"""Export English token frequencies from the pinned `wordfreq` package as TSV on stdout.

Step 1 of scripts/build_background_df.sh (step 2, `bgdf build`, turns these into the shipped
table of background document frequencies; see docs/background-df.md).

Lines: `kind<TAB>term<TAB>frequency` (frequency = share of all tokens, as wordfreq gives it):

* `w`: every entry of wordfreq's English "large" list without a digit (321k entries down to
  about 1e-8); the builder tokenizes and stems them as story features do.
* `n`: numbers as story features write them (digits, commas removed): 10..9999 except years,
  `d.d`, `dd.d` and `d.dd` decimals, and round numbers k * 10^m (k = 10..99) up to 10^9.
  Frequency = wordfreq's estimate of the plain form plus that of the form with thousands
  separators (`12500` is mostly written `12,500`).
* `y`: years 1900..2099 (wordfreq's own year model).
* `d`: calendar dates `month-day`: a month is named with a day about half of the time, the
  31 days equally likely, and a month name as frequent as the mean of the ten unambiguous
  ones (`march` and `may` are also ordinary words): frequency = mean / 31 / 2.

The output is sorted and printed with 6 significant digits, so it is deterministic for a
given wordfreq version (checked by the wordlist checksum below).
"""
import hashlib
import importlib.metadata
import os
import sys

import wordfreq

LANG, LIST = "en", "large"
# sha256 of wordfreq 3.1.1's data/large_en.msgpack.gz: the build fails on any other data.
EXPECTED_SHA256 = "dffae8066b78dce0a6667cf5f58e567054f902674667090a7ac8a8a44628b05c"
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
UNAMBIGUOUS_MONTHS = [m for m in MONTHS if m not in ("march", "may")]


def freq(term):
    return wordfreq.word_frequency(term, LANG, LIST)


def with_separators(n):
    return f"{n:,}"


def number_freq(s):
    f = freq(s)
    if "." not in s and len(s) > 3:
        f += freq(with_separators(int(s)))
    return f


def numbers():
    out = set()
    for n in range(10, 10000):
        if not 1900 <= n <= 2099:
            out.add(str(n))
    for a in range(0, 100):
        for b in range(0, 10):
            out.add(f"{a}.{b}")
    for a in range(0, 10):
        for b in range(0, 100):
            out.add(f"{a}.{b:02d}")
    for m in range(3, 9):
        for k in range(10, 100):
            out.add(str(k * 10**m))
    return sorted(out)


def main():
    data = os.path.join(os.path.dirname(wordfreq.__file__), "data", f"{LIST}_{LANG}.msgpack.gz")
    digest = hashlib.sha256(open(data, "rb").read()).hexdigest()
    if digest != EXPECTED_SHA256:
        sys.exit(f"unexpected wordfreq data {data}: sha256 {digest}")
    version = importlib.metadata.version("wordfreq")
    rows = []
    for word, f in wordfreq.get_frequency_dict(LANG, LIST).items():
        if not any(c.isdigit() for c in word):
            rows.append(("w", word, f))
    for s in numbers():
        rows.append(("n", s, number_freq(s)))
    for y in range(1900, 2100):
        rows.append(("y", str(y), freq(str(y))))
    month = sum(freq(m) for m in UNAMBIGUOUS_MONTHS) / len(UNAMBIGUOUS_MONTHS)
    for m in MONTHS:
        for d in range(1, 32):
            rows.append(("d", f"{m}-{d}", month / 31 / 2))
    rows.sort()
    out = sys.stdout
    out.write(f"# wordfreq {version} {LIST}_{LANG} sha256 {digest}\n")
    for kind, term, f in rows:
        if f > 0:
            out.write(f"{kind}\t{term}\t{f:.6g}\n")


if __name__ == "__main__":
    main()
