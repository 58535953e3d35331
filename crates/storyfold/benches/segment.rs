//! Criterion benchmark for sentence segmentation on real news text.
//!
//! Segments the `text` field of the first `N_TEXTS` lines of a JSONL corpus, by default
//! `bench/out/allsides-20k.jsonl` at the workspace root (override with the
//! `STORYFOLD_SEGMENT_CORPUS` environment variable), and measures
//! (a) [`storyfold::text::sentences`] (the whole segmenter: UAX #29 pieces, line breaks,
//! abbreviation re-joining, trimming), (b) its UAX #29 pieces alone,
//! [`storyfold::text::sentence_bound_indices`], and (c) `unicode-segmentation`'s
//! `split_sentence_bound_indices`, the reference (b) reproduces. Throughput is reported in bytes.
//! When the corpus file is missing, the benchmark prints a message and measures nothing.
//!
//! Run with `cargo bench -p storyfold --bench segment` (add `-- --quick` for a fast run).

use std::hint::black_box;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use storyfold::text::{sentence_bound_indices, sentences};
use unicode_segmentation::UnicodeSegmentation;

const N_TEXTS: usize = 2_000;

fn corpus_path() -> PathBuf {
    match std::env::var_os("STORYFOLD_SEGMENT_CORPUS") {
        Some(p) => PathBuf::from(p),
        None => {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/out/allsides-20k.jsonl")
        }
    }
}

/// The `text` fields of the first `N_TEXTS` lines, or `None` when the file cannot be opened.
fn load_texts() -> Option<Vec<String>> {
    let path = corpus_path();
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            println!(
                "segment bench: skipped, cannot open {} ({e}); set STORYFOLD_SEGMENT_CORPUS",
                path.display()
            );
            return None;
        }
    };
    let mut texts = Vec::with_capacity(N_TEXTS);
    for line in BufReader::new(file).lines().take(N_TEXTS) {
        let line = line.expect("read corpus line");
        let value: serde_json::Value = serde_json::from_str(&line).expect("corpus line is JSON");
        if let Some(text) = value.get("text").and_then(|t| t.as_str()) {
            texts.push(text.to_owned());
        }
    }
    Some(texts)
}

fn bench_segment(c: &mut Criterion) {
    let Some(texts) = load_texts() else {
        return;
    };
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "segment bench: {} texts, {bytes} bytes from {}",
        texts.len(),
        corpus_path().display()
    );

    let mut group = c.benchmark_group("segment");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(bytes as u64));
    // Each function counts the pieces of every text, so the work cannot be optimized away.
    type Count = fn(&str) -> usize;
    let cases: [(&str, Count); 3] = [
        ("sentences", |t| sentences(t).len()),
        ("sentence_bound_indices", |t| {
            sentence_bound_indices(t).count()
        }),
        ("uax29_split_sentence_bound_indices", |t| {
            t.split_sentence_bound_indices().count()
        }),
    ];
    for (name, count) in cases {
        group.bench_function(name, |b| {
            b.iter(|| texts.iter().map(|t| count(black_box(t))).sum::<usize>())
        });
    }
    group.finish();
}

criterion_group!(benches, bench_segment);
criterion_main!(benches);
