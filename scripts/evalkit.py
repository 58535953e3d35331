"""Helpers shared by the evaluation scripts: B-cubed scores of one grouping against another
(`storyfold eval` computes the same for files) and writing JSON lines."""
import collections
import json


def bcubed(gold, pred):
    """B-cubed precision, recall, F1 of `pred` against `gold` (dicts item -> group) over the
    items of `pred` that have a gold group."""
    items = [i for i in pred if i in gold]
    g = collections.defaultdict(set)
    p = collections.defaultdict(set)
    for i in items:
        g[gold[i]].add(i)
        p[pred[i]].add(i)
    prec = rec = 0.0
    for i in items:
        both = len(g[gold[i]] & p[pred[i]])
        prec += both / len(p[pred[i]])
        rec += both / len(g[gold[i]])
    n = len(items) or 1
    prec, rec = prec / n, rec / n
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def write_jsonl(rows, path):
    """Write `rows` (dicts) to `path` as JSON lines; return the path."""
    with open(path, "w", encoding="utf-8") as f:
        for d in rows:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    return path
