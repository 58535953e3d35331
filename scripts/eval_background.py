#!/usr/bin/env python3
"""Story-clustering figures of `storyfold fold` with and without background document
frequencies, and the cross-topic choice of its settings (docs/background-df.md).

Usage (from the repository root, after `cargo build --release`):

  python3 scripts/eval_background.py grid  --weights 0,300,1000 --joins 0.2   # full-set figures
  python3 scripts/eval_background.py cv    --weights 0,300,1000 --joins 0.2   # leave-topics-out
  python3 scripts/eval_background.py feeds [--weight W] [--join J]            # one-topic feeds

`grid` folds each development set once per setting (`--background-weight W --join-threshold
J`) and prints B-cubed F1: ECB+ topics 1-35 (as scripts/eval_stories.sh: shuffled, no dates,
--window none), the UCI headlines (--window 7d), GVC val (its dates, --window 7d) and the
example single-event set (stories formed: 1 is right).

`cv` is the protocol for choosing the settings: the 33 ECB+ topics are cut into 5 folds
(topic order, fold = rank % 5); for each fold the setting with the best B-cubed F1 on the
other four folds (folded together) is chosen and applied to the held-out fold folded alone.
The held-out assignments of the 5 folds are pooled (stories never span folds) and scored:
the cross-topic figure. The chosen setting of each fold is printed.

`feeds` folds one-topic feeds alone: GVC val (every story a shooting; gold incidents), the
example single-event set, and AllSides articles whose title has a keyword (no gold: stories
and the size of the largest are printed).
"""
import argparse
import collections
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import evalkit
from evalkit import bcubed

SHARED = os.environ.get("SHARED", "../shared/data")
BIN = os.environ.get("BIN", "target/release/storyfold")
TMP = tempfile.mkdtemp(prefix="eval_bg_")


def fold(path, id_field, window, weight, join, extra=()):
    out = os.path.join(TMP, "assign.tsv")
    cmd = [BIN, "fold", path, "--id-field", id_field, "--window", window,
           "--background-weight", str(weight), "--join-threshold", str(join),
           "--assignments", out, *extra]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    res = {}
    for line in open(out, encoding="utf-8"):
        i, s = line.rstrip("\n").split("\t")
        res[i] = s
    return res


def write_jsonl(rows, name):
    return evalkit.write_jsonl(rows, os.path.join(TMP, name))


def ecb_docs():
    docs = [json.loads(l) for l in open(f"{SHARED}/ecbplus/docs.jsonl", encoding="utf-8") if l.strip()]
    # The order of scripts/stories_to_jsonl.py: by SHA-1 of doc_id (not by gold cluster).
    docs.sort(key=lambda d: hashlib.sha1(d["doc_id"].encode()).hexdigest())
    return docs


def ecb_score(docs, weight, join, name="ecb.jsonl"):
    path = write_jsonl([{"doc_id": d["doc_id"], "text": d["text"]} for d in docs], name)
    pred = fold(path, "doc_id", "none", weight, join)
    gold = {d["doc_id"]: d["cluster"] for d in docs}
    return pred, bcubed(gold, pred)


def uci_score(weight, join):
    path = os.path.join(TMP, "uci.jsonl")
    gold_path = os.path.join(TMP, "uci.gold.tsv")
    if not os.path.exists(path):
        subprocess.run([sys.executable, "scripts/stories_to_jsonl.py", "uci",
                        f"{SHARED}/uci-news-aggregator-sample/uci-news-aggregator-first6366.csv",
                        path, gold_path], check=True)
    gold = dict(l.rstrip("\n").split("\t") for l in open(gold_path, encoding="utf-8"))
    return bcubed(gold, fold(path, "id", "7d", weight, join))


def gvc_score(weight, join):
    gold = dict(l.rstrip("\n").split("\t") for l in open(f"{SHARED}/gvc-val/gvc-val.gold.tsv", encoding="utf-8"))
    pred = fold(f"{SHARED}/gvc-val/gvc-val.jsonl", "id", "7d", weight, join)
    return pred, bcubed(gold, pred)


def one_event(weight, join):
    pred = fold("examples/one-event/articles.jsonl", "id", "7d", weight, join)
    return len(set(pred.values()))


def settings(args):
    return [(float(w), float(j)) for w in args.weights.split(",") for j in args.joins.split(",")]


def grid(args):
    docs = ecb_docs()
    print("weight  join   ECB+ F1  UCI F1   GVC F1   one-event stories")
    for w, j in settings(args):
        _, e = ecb_score(docs, w, j)
        u = uci_score(w, j)
        _, g = gvc_score(w, j)
        print(f"{w:<7g} {j:<5g}  {e[2]:.4f}   {u[2]:.4f}   {g[2]:.4f}   {one_event(w, j)}", flush=True)


def cv(args):
    docs = ecb_docs()
    topics = sorted({d["topic"] for d in docs})
    fold_of = {t: k % 5 for k, t in enumerate(topics)}
    grid_ = settings(args)
    gold = {d["doc_id"]: d["cluster"] for d in docs}
    # held[k][setting] = predictions on fold k folded alone; train[k][setting] = F1 on the rest.
    held = [dict() for _ in range(5)]
    train = [dict() for _ in range(5)]
    for k in range(5):
        test_docs = [d for d in docs if fold_of[d["topic"]] == k]
        train_docs = [d for d in docs if fold_of[d["topic"]] != k]
        for s in grid_:
            pred, _ = ecb_score(test_docs, *s, name=f"test{k}.jsonl")
            held[k][s] = {i: f"{k}:{c}" for i, c in pred.items()}
            _, f = ecb_score(train_docs, *s, name=f"train{k}.jsonl")
            train[k][s] = f[2]
        print(f"fold {k}: {len(test_docs)} held-out docs; train F1 " +
              " ".join(f"{s[0]:g}/{s[1]:g}={train[k][s]:.4f}" for s in grid_), flush=True)
    pooled = {}
    for k in range(5):
        best = max(grid_, key=lambda s: (train[k][s], -grid_.index(s)))
        print(f"fold {k}: chosen weight {best[0]:g}, join {best[1]:g}")
        pooled.update(held[k][best])
    p, r, f = bcubed(gold, pooled)
    print(f"cross-topic B-cubed (chosen per fold): P {p:.4f} R {r:.4f} F1 {f:.4f}")
    for s in grid_:
        pooled = {}
        for k in range(5):
            pooled.update(held[k][s])
        print(f"  fixed weight {s[0]:g}, join {s[1]:g}: held-out pooled F1 {bcubed(gold, pooled)[2]:.4f}")


def feeds(args):
    w, j = args.weight, args.join
    pred, (p, r, f) = gvc_score(w, j)
    sizes = sorted(collections.Counter(pred.values()).values(), reverse=True)
    print(f"GVC val alone (78 shootings, 37 incidents): B-cubed P {p:.4f} R {r:.4f} F1 {f:.4f}; "
          f"{len(sizes)} stories, largest {sizes[0]}")
    print(f"examples/one-event alone: {one_event(w, j)} stories (1 is right)")
    src = "data/allsides.jsonl"
    if not os.path.exists(src):
        print("(data/allsides.jsonl missing: AllSides feeds skipped)")
        return
    for kw in args.keywords.split(","):
        docs = []
        for line in open(src, encoding="utf-8"):
            d = json.loads(line)
            if kw.lower() in (d.get("title") or "").lower():
                docs.append(d)
        path = write_jsonl(docs, "feed.jsonl")
        pred = fold(path, "id", "7d", w, j)
        sizes = sorted(collections.Counter(pred.values()).values(), reverse=True)
        single = sum(1 for s in sizes if s == 1)
        print(f"AllSides titles with '{kw}': {len(docs)} articles -> {len(sizes)} stories, "
              f"{single} singletons, largest {sizes[0]}, top sizes {sizes[:6]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["grid", "cv", "feeds"])
    ap.add_argument("--weights", default="0")
    ap.add_argument("--joins", default="0.2")
    ap.add_argument("--weight", type=float, default=None)
    ap.add_argument("--join", type=float, default=0.2)
    ap.add_argument("--keywords", default="shooting,hurricane,brexit")
    args = ap.parse_args()
    {"grid": grid, "cv": cv, "feeds": feeds}[args.mode](args)


if __name__ == "__main__":
    main()
