#!/usr/bin/env python3
"""Calibration of the `same_story` relation of `storyfold compare` on ECB+ (news event clusters).

Only topics 1-35 are used (the literature's train and dev topics); test topics 36-45 are never read.
For a sample of documents, each is compared with one document of the same gold cluster (positive),
one of the twin cluster of the same topic (same event type, different incident: hard negative) and
one of another topic (easy negative). Prints relation labels per pair type, the mean key-term
overlap, ROC AUCs, and precision/recall of "relation >= same_story" and of key-term thresholds.

Usage: scripts/eval_same_story.py [DOCS_JSONL] [STORYFOLD_BINARY] [N_DOCS]
"""
import collections, json, os, random, subprocess, sys
from stats import auc

docs_path = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/ecbplus/docs.jsonl"
binary = sys.argv[2] if len(sys.argv) > 2 else (
    "target/release/storyfold" if os.path.exists("target/release/storyfold") else "target/debug/storyfold")
n_docs = int(sys.argv[3]) if len(sys.argv) > 3 else 250

docs = [json.loads(l) for l in open(docs_path, encoding="utf-8")]
docs = [d for d in docs if d["topic"] <= 35]
by_cluster = collections.defaultdict(list)
by_topic = collections.defaultdict(list)
for d in docs:
    by_cluster[d["cluster"]].append(d["doc_id"])
    by_topic[d["topic"]].append(d)
rng = random.Random(0)
sample = rng.sample(docs, min(n_docs, len(docs)))
pairs = []
for d in sample:
    same = [x for x in by_cluster[d["cluster"]] if x != d["doc_id"]]
    twin = [x["doc_id"] for x in by_topic[d["topic"]] if x["cluster"] != d["cluster"]]
    other = [x["doc_id"] for x in docs if x["topic"] != d["topic"]]
    for kind, pool in (("same_cluster", same), ("twin_cluster", twin), ("other_topic", other)):
        if pool:
            pairs.append((kind, d["doc_id"], rng.choice(pool)))

results = []
for kind, a, b in pairs:
    out = subprocess.run([binary, "compare", "--json", "--corpus", docs_path, "--id-field", "doc_id", a, b],
                         check=True, capture_output=True, text=True).stdout
    results.append((kind, json.loads(out)))


order = ["unrelated", "same_story", "rewrite", "near_duplicate", "exact"]
print(f"{'pairs':<13} {'n':>4} {'key terms':>9} {'shared':>6} {'B in A':>6}  relations")
for kind in ("same_cluster", "twin_cluster", "other_topic"):
    js = [j for k, j in results if k == kind]
    rel = collections.Counter(j["relation"] for j in js)
    print(f"{kind:<13} {len(js):>4} {sum(j['key_term_overlap'] for j in js) / len(js):>9.3f} "
          f"{sum(j['shared_key_terms'] for j in js) / len(js):>6.2f} "
          f"{sum(j['containment_b_in_a'] for j in js) / len(js):>6.3f}  " +
          ", ".join(f"{r} {rel[r]}" for r in order if rel[r]))
for kind in ("same_cluster", "twin_cluster", "other_topic"):
    prov = [j for k, j in results if k == kind and j["relation"] == "rewrite"
            and max(j["containment_b_in_a"], j["containment_a_in_b"]) < 0.3]
    print(f"{kind}: rewrites by fact provenance alone (containment < 0.3): {len(prov)}"
          + "".join(f"\n    {j['a']['id']} {j['b']['id']}" for j in prov))
pos = [j["key_term_overlap"] for k, j in results if k == "same_cluster"]
for neg_kind in ("twin_cluster", "other_topic"):
    neg = [j["key_term_overlap"] for k, j in results if k == neg_kind]
    print(f"AUC same_cluster vs {neg_kind} by key_term_overlap: {auc(pos, neg):.3f}")

def pr(pred):
    tp = sum(1 for k, p in pred if k == "same_cluster" and p)
    fp = sum(1 for k, p in pred if k != "same_cluster" and p)
    fn = sum(1 for k, p in pred if k == "same_cluster" and not p)
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1), fp
for neg_kinds in (("twin_cluster", "other_topic"), ("other_topic",)):
    sub = [(k, j) for k, j in results if k == "same_cluster" or k in neg_kinds]
    p, r, fp = pr([(k, order.index(j["relation"]) >= 1) for k, j in sub])
    print(f"relation >= same_story vs {'+'.join(neg_kinds)}: precision {p:.3f}, recall {r:.3f} ({fp} fp)")
print("key_term_overlap >= t and shared_key_terms >= 3 (vs twin + other):")
for t in (0.1, 0.2, 0.3, 0.4, 0.5):
    p, r, fp = pr([(k, j["key_term_overlap"] >= t and j["shared_key_terms"] >= 3) for k, j in results])
    print(f"  t = {t:.1f}: precision {p:.3f}, recall {r:.3f}")
