#!/usr/bin/env python3
"""Reference outputs for checking storyfold's sentence encoder (align::similarity::encoder).

Reads sentences (one per line) and writes one JSON line per sentence: the WordPiece ids of the
Hugging Face `tokenizers` library (the model's own tokenizer.json, [CLS]/[SEP] added, truncated to
256 tokens as sentence-transformers does) and, for the first --embed sentences, the mean-pooled,
L2-normalized sentence embedding of a plain numpy implementation of the BERT forward pass (an
implementation independent of candle). Needs `tokenizers`, `numpy` and `safetensors` (pip
install them into a virtual environment, e.g. `python3 -m venv .venv`).

Usage: scripts/encoder_reference.py MODEL_DIR SENTENCES.txt [--embed N] > reference.jsonl
Compare with `storyfold-train similarity --encoder MODEL_DIR --encoder-dump SENTENCES.txt`.
"""
import argparse
import json
import math

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

MAX_TOKENS = 256


def layer_norm(x, w, b, eps=1e-12):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * w + b


def gelu(x):
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def encode(t, cfg, ids):
    x = np.asarray(ids)
    h = (t["embeddings.word_embeddings.weight"][x]
         + t["embeddings.position_embeddings.weight"][: len(ids)]
         + t["embeddings.token_type_embeddings.weight"][0])
    h = layer_norm(h, t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"])
    heads = cfg["num_attention_heads"]
    d = cfg["hidden_size"] // heads
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def lin(name, v):
            return v @ t[p + name + ".weight"].T + t[p + name + ".bias"]

        q = lin("attention.self.query", h).reshape(-1, heads, d).transpose(1, 0, 2)
        k = lin("attention.self.key", h).reshape(-1, heads, d).transpose(1, 0, 2)
        v = lin("attention.self.value", h).reshape(-1, heads, d).transpose(1, 0, 2)
        s = q @ k.transpose(0, 2, 1) / math.sqrt(d)
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        ctx = (s @ v).transpose(1, 0, 2).reshape(-1, heads * d)
        h = layer_norm(h + lin("attention.output.dense", ctx),
                       t[p + "attention.output.LayerNorm.weight"],
                       t[p + "attention.output.LayerNorm.bias"])
        inter = gelu(lin("intermediate.dense", h))
        h = layer_norm(h + lin("output.dense", inter),
                       t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"])
    m = h.mean(0)
    return m / np.linalg.norm(m)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("sentences")
    ap.add_argument("--embed", type=int, default=0)
    a = ap.parse_args()
    tok = Tokenizer.from_file(f"{a.model}/tokenizer.json")
    tok.enable_truncation(MAX_TOKENS)
    tok.no_padding()
    cfg = json.load(open(f"{a.model}/config.json"))
    tensors = load_file(f"{a.model}/model.safetensors") if a.embed else None
    with open(a.sentences, encoding="utf-8") as f:
        for n, line in enumerate(f):
            s = line.rstrip("\n")
            ids = tok.encode(s).ids
            out = {"ids": ids}
            if n < a.embed:
                out["embedding"] = [float(x) for x in encode(tensors, cfg, ids.copy())]
            print(json.dumps(out))


if __name__ == "__main__":
    main()
