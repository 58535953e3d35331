#!/usr/bin/env python3
"""Incremental against batch: a corpus delivered to a live story index in increments
(`storyfold add` calls) against one batch `storyfold fold` of the same articles in the same
order, and both against gold where there is gold (issue 20, part 5; docs/live-index.md).

Usage (from the repository root, after `cargo build --release -p storyfold-cli` and
`cargo build --release -p storyfold --example incremental`):

  python3 scripts/eval_incremental.py ecb      [--batches 20] [--seed 1] [--guard 0.02]  # ECB+ topics 1-35
  python3 scripts/eval_incremental.py uci                                   # UCI headlines, by day
  python3 scripts/eval_incremental.py allsides [--limit N]                  # AllSides, by day

Each prints the B-cubed precision, recall and F1 of the incremental stories against the batch
stories (the batch taken as the reference), and against gold for ECB+ and UCI.
`--reopen` closes and reopens the index between increments, as separate `add` calls do.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import evalkit
from evalkit import bcubed

SHARED = os.environ.get("SHARED", "../shared/data")
BIN = os.environ.get("BIN", "target/release/storyfold")
EXAMPLE = os.environ.get("EXAMPLE", "target/release/examples/incremental")
TMP = tempfile.mkdtemp(prefix="eval_incr_")


def read_tsv(path):
    return dict(l.rstrip("\n").split("\t")[:2] for l in open(path, encoding="utf-8") if l.strip())


def run(corpus, how, window, reopen):
    db = os.path.join(TMP, "index.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    incr = os.path.join(TMP, "incremental.tsv")
    cmd = [EXAMPLE, corpus, db, incr, *how]
    if window == "none":
        cmd.append("--no-window")
    if reopen:
        cmd.append("--reopen")
    res = subprocess.run(cmd, check=True, capture_output=True, text=True)
    print("  incremental:", res.stdout.strip())
    batch = os.path.join(TMP, "batch.tsv")
    subprocess.run([BIN, "fold", incr + ".order.jsonl", "--window", window, "--assignments", batch,
                    "--output", os.path.join(TMP, "stories.jsonl")],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return read_tsv(incr), read_tsv(batch)


def report(name, incr, batch, gold=None):
    p, r, f = bcubed(batch, incr)
    print(f"{name}: incremental vs batch B-cubed P {p:.4f} R {r:.4f} F1 {f:.4f} "
          f"({len(set(incr.values()))} stories vs {len(set(batch.values()))})")
    if gold is not None:
        for label, pred in (("incremental", incr), ("batch", batch)):
            p, r, f = bcubed(gold, pred)
            print(f"  {label:<11} vs gold: P {p:.4f} R {r:.4f} F1 {f:.4f}")


def write_jsonl(rows, name):
    return evalkit.write_jsonl(rows, os.path.join(TMP, name))


def ecb(args):
    docs = [json.loads(l) for l in open(f"{SHARED}/ecbplus/docs.jsonl", encoding="utf-8") if l.strip()]
    path = write_jsonl([{"id": d["doc_id"], "text": d["text"]} for d in docs], "ecb.jsonl")
    gold = {d["doc_id"]: d["cluster"] for d in docs}
    incr, batch = run(path, ["--batches", str(args.batches), "--seed", str(args.seed)], "none", args.reopen)
    report(f"ECB+ topics 1-35 ({len(docs)} docs, {args.batches} random batches, seed {args.seed})",
           incr, batch, gold)
    if args.guard is not None:
        fi, fb = bcubed(gold, incr)[2], bcubed(gold, batch)[2]
        if fi < fb - args.guard:
            sys.exit(f"FAIL: incremental F1 {fi:.4f} is more than {args.guard} below the batch fold's {fb:.4f}")
        print(f"ECB+ incremental F1 {fi:.4f} within {args.guard} of the batch fold's {fb:.4f}")


def uci(args):
    path = os.path.join(TMP, "uci.jsonl")
    gold_path = os.path.join(TMP, "uci.gold.tsv")
    subprocess.run([sys.executable, "scripts/stories_to_jsonl.py", "uci",
                    f"{SHARED}/uci-news-aggregator-sample/uci-news-aggregator-first6366.csv",
                    path, gold_path], check=True, stdout=subprocess.DEVNULL)
    incr, batch = run(path, ["--by-day"], "7d", args.reopen)
    report("UCI headlines (by day)", incr, batch, read_tsv(gold_path))


def allsides(args):
    src = "data/allsides.jsonl"
    if not os.path.exists(src):
        sys.exit("data/allsides.jsonl missing (see docs/evaluation.md for the conversion)")
    path = src
    if args.limit:
        with open(src, encoding="utf-8") as f:
            path = write_jsonl([json.loads(l) for _, l in zip(range(args.limit), f)], "allsides.jsonl")
    incr, batch = run(path, ["--by-day"], "7d", args.reopen)
    report("AllSides (by publication day)", incr, batch)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", choices=["ecb", "uci", "allsides"])
    ap.add_argument("--batches", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--reopen", action="store_true")
    ap.add_argument("--guard", type=float, default=None,
                    help="ecb: fail when the incremental F1 against gold is more than this below the batch fold's")
    args = ap.parse_args()
    {"ecb": ecb, "uci": uci, "allsides": allsides}[args.corpus](args)


if __name__ == "__main__":
    main()
