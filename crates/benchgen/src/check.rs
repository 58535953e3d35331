//! `benchgen check`: the exact Jaccard of given pairs, for precision on corpora too large
//! for `benchgen truth`.
//!
//! Reads a TSV of found pairs (`id_a id_b`, further columns ignored), streams the corpus once,
//! fingerprints only the documents named in a pair (storyfold's shingles, as in `truth`), and
//! prints JSON: `found_pairs`, `true_pairs` (pairs with exact Jaccard ≥ threshold),
//! `precision` (their share, 1.0 when there are no pairs) and `missing` (pairs naming an id
//! absent from the corpus, counted as false).

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::PathBuf;

use anyhow::{Context, Result};
use rayon::prelude::*;
use storyfold::fingerprint::{exact_jaccard, FingerprintConfig, Fingerprinter};
use storyfold::ingest::{Input, ReadOptions, Reader};

/// Arguments of `benchgen check`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Corpus (JSONL).
    pub corpus: PathBuf,
    /// Found pairs (TSV `id_a id_b`).
    #[arg(long)]
    pub pairs: PathBuf,
    /// Jaccard threshold.
    #[arg(long, default_value_t = 0.8)]
    pub threshold: f64,
    /// Words per shingle.
    #[arg(long, default_value_t = 5)]
    pub ngram: usize,
}

/// Run `benchgen check`.
pub fn run(args: Args) -> Result<()> {
    let file = std::fs::File::open(&args.pairs)
        .with_context(|| format!("opening {}", args.pairs.display()))?;
    let mut pairs = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line?;
        let mut it = line.split('\t');
        if let (Some(a), Some(b)) = (it.next(), it.next()) {
            pairs.push((a.to_string(), b.to_string()));
        }
    }
    let wanted: HashSet<&str> = pairs
        .iter()
        .flat_map(|(a, b)| [a.as_str(), b.as_str()])
        .collect();
    let fp = Fingerprinter::new(FingerprintConfig {
        ngram: args.ngram,
        shingle_set: true,
        ..FingerprintConfig::default()
    });
    let opts = ReadOptions {
        skip_invalid: true,
        ..ReadOptions::default()
    };
    let mut sets: HashMap<String, Vec<u64>> = HashMap::new();
    let mut batch: Vec<(String, String)> = Vec::new();
    let flush = |batch: &mut Vec<(String, String)>, sets: &mut HashMap<String, Vec<u64>>| {
        let done: Vec<(String, Vec<u64>)> = batch
            .par_drain(..)
            .map(|(id, text)| {
                let s = fp.fingerprint(&text).shingles.unwrap_or_default();
                (id, s)
            })
            .collect();
        sets.extend(done);
    };
    for a in Reader::open(vec![Input::Path(args.corpus.clone())], opts) {
        let a = a.with_context(|| format!("reading {}", args.corpus.display()))?;
        if wanted.contains(a.id.as_str()) {
            batch.push((a.id, a.text));
            if batch.len() >= 4096 {
                flush(&mut batch, &mut sets);
            }
        }
    }
    flush(&mut batch, &mut sets);
    let mut true_pairs = 0u64;
    let mut missing = 0u64;
    for (a, b) in &pairs {
        match (sets.get(a), sets.get(b)) {
            (Some(x), Some(y)) => true_pairs += u64::from(exact_jaccard(x, y) >= args.threshold),
            _ => missing += 1,
        }
    }
    let precision = if pairs.is_empty() {
        1.0
    } else {
        true_pairs as f64 / pairs.len() as f64
    };
    println!(
        "{}",
        serde_json::json!({
            "found_pairs": pairs.len(),
            "true_pairs": true_pairs,
            "precision": precision,
            "missing": missing,
        })
    );
    Ok(())
}
