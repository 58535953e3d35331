//! `benchgen truth`: every pair of documents with exact shingle Jaccard ≥ a threshold.
//!
//! Documents are read with storyfold's reader and fingerprinted with storyfold's own
//! pipeline (boilerplate removal, normalization, tokenization, word `--ngram` shingles, the
//! sorted set of 64-bit shingle hashes), so the truth is over exactly the shingles storyfold
//! signs. Documents with the same normalized text form one class (all their pairs have
//! Jaccard 1). Candidate class pairs come from **prefix filtering** (Bayardo et al., 2007):
//! if `J(A, B) ≥ t` then the first `|A| − ⌈t·|A|⌉ + 1` elements of `A` and of `B` in a common
//! order (here: ascending hash) share an element; candidates also pass the length filter
//! `t·|A| ≤ |B| ≤ |A| / t`. Every candidate is then verified with the exact Jaccard, so the
//! output is exactly the set of pairs at or above the threshold. Documents without any
//! shingle are only paired with documents of the same normalized text.
//!
//! Output: TSV lines `id_a id_b jaccard` (4 decimals), `id_a` earlier in the input.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use rayon::prelude::*;
use storyfold::fingerprint::{exact_jaccard, FingerprintConfig, Fingerprinter};
use storyfold::ingest::{Input, ReadOptions, Reader};

/// Arguments of `benchgen truth`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Corpus (JSONL).
    pub corpus: PathBuf,
    /// Jaccard threshold.
    #[arg(long, default_value_t = 0.8)]
    pub threshold: f64,
    /// Words per shingle.
    #[arg(long, default_value_t = 5)]
    pub ngram: usize,
    /// Only the first N documents.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Output TSV (default stdout).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// Prefix length for prefix filtering at threshold `t` (slightly conservative).
fn prefix_len(n: usize, t: f64) -> usize {
    let need = ((t - 1e-9) * n as f64).ceil() as usize;
    (n + 1).saturating_sub(need).min(n)
}

/// All class pairs `(a, b)`, `a < b`, with exact Jaccard ≥ `t`, and their Jaccard.
fn similar_pairs(sets: &[Vec<u64>], t: f64) -> Vec<(u32, u32, f64)> {
    let mut postings: Vec<(u64, u32)> = Vec::new();
    for (c, set) in sets.iter().enumerate() {
        let p = prefix_len(set.len(), t);
        postings.extend(set[..p].iter().map(|&h| (h, c as u32)));
    }
    postings.par_sort_unstable();
    let mut candidates: Vec<(u32, u32)> = Vec::new();
    let mut i = 0;
    while i < postings.len() {
        let mut j = i + 1;
        while j < postings.len() && postings[j].0 == postings[i].0 {
            j += 1;
        }
        for x in i..j {
            for y in x + 1..j {
                let (a, b) = (postings[x].1, postings[y].1);
                let (la, lb) = (sets[a as usize].len() as f64, sets[b as usize].len() as f64);
                if la.min(lb) >= (t - 1e-9) * la.max(lb) {
                    candidates.push((a.min(b), a.max(b)));
                }
            }
        }
        i = j;
    }
    candidates.par_sort_unstable();
    candidates.dedup();
    candidates
        .into_par_iter()
        .filter_map(|(a, b)| {
            let j = exact_jaccard(&sets[a as usize], &sets[b as usize]);
            (j >= t).then_some((a, b, j))
        })
        .collect()
}

/// Run `benchgen truth`.
pub fn run(args: Args) -> Result<()> {
    let opts = ReadOptions {
        skip_invalid: true,
        ..ReadOptions::default()
    };
    let mut articles = Vec::new();
    for a in Reader::open(vec![Input::Path(args.corpus.clone())], opts) {
        if args.limit.is_some_and(|l| articles.len() >= l) {
            break;
        }
        let a = a.with_context(|| format!("reading {}", args.corpus.display()))?;
        articles.push((a.id, a.text));
    }
    let fp = Fingerprinter::new(FingerprintConfig {
        ngram: args.ngram,
        shingle_set: true,
        ..FingerprintConfig::default()
    });
    let fps: Vec<_> = articles
        .par_iter()
        .map(|(_, text)| fp.fingerprint(text))
        .collect();
    // Classes of identical normalized text.
    let mut class_of_hash: HashMap<u64, u32> = HashMap::new();
    let mut members: Vec<Vec<u32>> = Vec::new();
    let mut sets: Vec<Vec<u64>> = Vec::new();
    for (doc, f) in fps.into_iter().enumerate() {
        let next = members.len() as u32;
        let class = *class_of_hash.entry(f.exact).or_insert(next);
        if class == next {
            members.push(Vec::new());
            sets.push(f.shingles.unwrap_or_default());
        }
        members[class as usize].push(doc as u32);
    }
    let pairs = similar_pairs(&sets, args.threshold);
    let mut out: Box<dyn Write> = match &args.out {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut n = 0u64;
    let mut line = |out: &mut dyn Write, a: u32, b: u32, j: f64| -> Result<()> {
        let (a, b) = (a.min(b), a.max(b));
        writeln!(
            out,
            "{}\t{}\t{j:.4}",
            articles[a as usize].0, articles[b as usize].0
        )?;
        n += 1;
        Ok(())
    };
    for m in &members {
        for (i, &a) in m.iter().enumerate() {
            for &b in &m[i + 1..] {
                line(&mut out, a, b, 1.0)?;
            }
        }
    }
    for (ca, cb, j) in pairs {
        for &a in &members[ca as usize] {
            for &b in &members[cb as usize] {
                line(&mut out, a, b, j)?;
            }
        }
    }
    out.flush()?;
    eprintln!(
        "{} documents, {} pairs with exact Jaccard >= {}",
        articles.len(),
        n,
        args.threshold
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force over all pairs.
    fn brute(sets: &[Vec<u64>], t: f64) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        for a in 0..sets.len() {
            for b in a + 1..sets.len() {
                if exact_jaccard(&sets[a], &sets[b]) >= t {
                    out.push((a as u32, b as u32));
                }
            }
        }
        out
    }

    #[test]
    fn prefix_filter_matches_brute_force() {
        // Sets over a small universe so that many pairs are similar.
        let mut state = 7u64;
        let mut sets = Vec::new();
        for _ in 0..60 {
            let mut s: Vec<u64> = (0..40u64)
                .filter(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    (state >> 33) % 10 < 8
                })
                .collect();
            s.sort_unstable();
            sets.push(s);
        }
        for t in [0.5, 0.7, 0.8, 0.9] {
            let got: Vec<(u32, u32)> = similar_pairs(&sets, t)
                .into_iter()
                .map(|(a, b, _)| (a, b))
                .collect();
            let want = brute(&sets, t);
            // Random 80%-dense sets have Jaccard near 2/3: only the lower thresholds have pairs.
            if t <= 0.7 {
                assert!(!want.is_empty(), "t = {t}");
            }
            assert_eq!(got, want, "t = {t}");
        }
    }

    #[test]
    fn prefix_len_bounds() {
        assert_eq!(prefix_len(10, 0.8), 3);
        assert_eq!(prefix_len(1, 0.8), 1);
        assert_eq!(prefix_len(0, 0.8), 0);
    }
}
