//! Criterion benchmarks for document fingerprinting and LSH candidate retrieval.
//!
//! Builds `N_DOCS` synthetic news-like documents (~600 words each, deterministic from a
//! seeded word list, with a share of near-duplicate rewrites) and measures
//! (a) `Fingerprinter::fingerprint` per document (the whole pipeline, text preparation
//! included), (b) the MinHash signing step alone and (c) LSH query + insert per document.
//! Throughput is reported in elements (documents) per second.
//!
//! Run with `cargo bench -p storyfold --bench signatures` (add `-- --quick` for a fast run).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use storyfold::fingerprint::{FingerprintConfig, Fingerprinter};
use storyfold::index::{LshIndex, LshParams};

const N_DOCS: usize = 500;
const WORDS_PER_DOC: usize = 600;

const VOCAB: &[&str] = &[
    "the",
    "a",
    "of",
    "to",
    "in",
    "and",
    "said",
    "on",
    "for",
    "that",
    "with",
    "was",
    "is",
    "by",
    "at",
    "from",
    "as",
    "it",
    "has",
    "have",
    "will",
    "would",
    "after",
    "over",
    "more",
    "government",
    "minister",
    "president",
    "officials",
    "police",
    "court",
    "city",
    "country",
    "company",
    "market",
    "shares",
    "bank",
    "rates",
    "inflation",
    "economy",
    "election",
    "vote",
    "parliament",
    "senate",
    "bill",
    "law",
    "report",
    "investigation",
    "storm",
    "flooding",
    "residents",
    "coast",
    "fire",
    "emergency",
    "hospital",
    "health",
    "vaccine",
    "school",
    "students",
    "teachers",
    "strike",
    "workers",
    "union",
    "talks",
    "deal",
    "trade",
    "tariffs",
    "exports",
    "energy",
    "oil",
    "gas",
    "prices",
    "climate",
    "summit",
    "leaders",
    "talks",
    "ceasefire",
    "troops",
    "border",
    "security",
    "attack",
    "protest",
    "crowd",
    "spokesperson",
    "statement",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "monday",
    "week",
    "month",
    "year",
    "percent",
    "million",
    "billion",
    "people",
    "according",
    "sources",
    "familiar",
    "matter",
    "expected",
    "announced",
    "confirmed",
    "denied",
    "rejected",
    "approved",
    "plans",
    "proposal",
    "budget",
    "spending",
    "cuts",
    "tax",
    "increase",
    "decline",
    "record",
    "highest",
    "lowest",
    "since",
    "first",
    "last",
    "new",
    "former",
    "chief",
    "executive",
    "director",
    "analysts",
    "investors",
    "quarter",
    "profit",
    "loss",
    "revenue",
    "growth",
    "forecast",
    "warned",
    "risk",
    "crisis",
    "data",
];

/// SplitMix64 step for the deterministic generator.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One news-like document: capitalized sentences of 8–25 words, paragraphs of 3–5
/// sentences.
fn document(seed: u64) -> Vec<&'static str> {
    let mut state = seed;
    let mut words = Vec::with_capacity(WORDS_PER_DOC);
    while words.len() < WORDS_PER_DOC {
        words.push(VOCAB[(next(&mut state) % VOCAB.len() as u64) as usize]);
    }
    words
}

fn render(words: &[&str], seed: u64) -> String {
    let mut state = seed;
    let mut out = String::with_capacity(words.len() * 8);
    let mut in_sentence = 0u64;
    let mut sentence_len = 8 + next(&mut state) % 18;
    let mut sentences = 0u64;
    for w in words {
        if in_sentence == 0 {
            let mut chars = w.chars();
            if let Some(c) = chars.next() {
                out.extend(c.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push_str(w);
        }
        in_sentence += 1;
        if in_sentence == sentence_len {
            out.push('.');
            in_sentence = 0;
            sentence_len = 8 + next(&mut state) % 18;
            sentences += 1;
            out.push_str(if sentences.is_multiple_of(4) {
                "\n\n"
            } else {
                " "
            });
        } else {
            out.push(' ');
        }
    }
    out
}

/// `n` documents; every fifth one is a lightly edited rewrite of an earlier one.
fn corpus(n: usize) -> Vec<String> {
    let mut originals: Vec<Vec<&'static str>> = Vec::new();
    let mut docs = Vec::with_capacity(n);
    let mut state = 0x5EED_u64;
    for i in 0..n {
        let words = if i % 5 == 4 && !originals.is_empty() {
            let src = &originals[(next(&mut state) % originals.len() as u64) as usize];
            let mut w = src.clone();
            for _ in 0..6 {
                let pos = (next(&mut state) % w.len() as u64) as usize;
                w[pos] = VOCAB[(next(&mut state) % VOCAB.len() as u64) as usize];
            }
            w
        } else {
            let w = document(next(&mut state));
            originals.push(w.clone());
            w
        };
        docs.push(render(&words, i as u64));
    }
    docs
}

fn bench_signatures(c: &mut Criterion) {
    let docs = corpus(N_DOCS);
    let fingerprinter = Fingerprinter::new(FingerprintConfig::default());

    let mut group = c.benchmark_group("signatures");
    group.throughput(Throughput::Elements(docs.len() as u64));
    group.bench_function("fingerprint", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(fingerprinter.fingerprint(black_box(d)));
            }
        })
    });

    let shingle_sets: Vec<Vec<u64>> = {
        let with_sets = Fingerprinter::new(FingerprintConfig {
            shingle_set: true,
            ..FingerprintConfig::default()
        });
        docs.iter()
            .map(|d| with_sets.fingerprint(d).shingles.unwrap_or_default())
            .collect()
    };
    let minhasher = fingerprinter.minhasher();
    group.bench_function("minhash_sign", |b| {
        let mut sig = Vec::new();
        b.iter(|| {
            for set in &shingle_sets {
                minhasher.sign_into(black_box(set), &mut sig);
                black_box(&sig);
            }
        })
    });

    let sigs: Vec<Vec<u32>> = docs
        .iter()
        .map(|d| fingerprinter.fingerprint(d).minhash)
        .collect();
    let params = LshParams::for_threshold(0.8, fingerprinter.config().num_perm);
    group.bench_function("lsh_query_insert", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            let mut index = LshIndex::with_capacity(params, sigs.len());
            let mut candidates = 0usize;
            for (id, sig) in sigs.iter().enumerate() {
                index.query_into(sig, &mut out);
                candidates += out.len();
                index.insert(id as u32, sig);
            }
            black_box(candidates)
        })
    });
    group.finish();
}

criterion_group!(benches, bench_signatures);
criterion_main!(benches);
