//! Measuring the LSH stage against brute-force exact Jaccard.
//!
//! [`vs_exact`] runs a [`Deduper`] over a sample and compares its verified pairs with the truth:
//! every pair of documents whose shingle sets have an exact Jaccard similarity at or above the
//! threshold. The truth is computed without comparing all pairs: an inverted index from shingle
//! hash to documents counts the shared shingles of every pair that has any, which is exact.
//! Documents with the same normalized text form one class (they have identical shingle sets), so
//! pairs are counted over classes and weighted by class sizes.

use std::collections::HashMap;

use super::{DedupConfig, Deduper};
use crate::fingerprint::Fingerprint;
use crate::index::lsh::LshParams;

/// One document of a sample.
pub struct SampleDoc {
    /// Input id.
    pub id: String,
    /// Input position.
    pub seq: u64,
    /// Publication time (Unix seconds).
    pub published: Option<i64>,
    /// Fingerprint; must carry its shingle set.
    pub fingerprint: Fingerprint,
}

/// Recall and precision of LSH retrieval plus verification against exact Jaccard.
#[derive(Clone, Debug, serde::Serialize)]
pub struct VsExactReport {
    /// Documents in the sample.
    pub documents: usize,
    /// The Jaccard threshold.
    pub threshold: f64,
    /// The banding used.
    pub lsh: LshParams,
    /// Pairs with exact Jaccard at or above the threshold.
    pub true_pairs: u64,
    /// True pairs that share at least one LSH band (or the same normalized text).
    pub true_pairs_candidates: u64,
    /// Pairs reported by the deduper.
    pub predicted_pairs: u64,
    /// Reported pairs that are true pairs.
    pub true_positives: u64,
    /// `true_pairs_candidates / true_pairs` (1 when there are no true pairs).
    pub candidate_recall: f64,
    /// `true_positives / true_pairs` (1 when there are no true pairs).
    pub recall: f64,
    /// `true_positives / predicted_pairs` (1 when nothing was reported).
    pub precision: f64,
    /// True pairs and how many were reported, by exact-Jaccard band `[lo, hi)`.
    pub by_similarity: Vec<SimilarityBand>,
}

/// Recall within a band of exact Jaccard values.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SimilarityBand {
    /// Lower bound (inclusive).
    pub from: f64,
    /// Upper bound (exclusive, except for 1.0).
    pub to: f64,
    /// True pairs in the band.
    pub true_pairs: u64,
    /// Of those, reported.
    pub found: u64,
}

fn ratio(num: u64, den: u64) -> f64 {
    if den == 0 {
        1.0
    } else {
        num as f64 / den as f64
    }
}

fn shares_band(a: &[u32], b: &[u32], params: LshParams) -> bool {
    (0..params.bands).any(|band| {
        let range = band * params.rows..(band + 1) * params.rows;
        a[range.clone()] == b[range]
    })
}

/// Run the deduper over `docs` (in order) and compare its pairs with brute-force exact Jaccard.
/// Every fingerprint must carry its shingle set (`FingerprintConfig::shingle_set`).
pub fn vs_exact(docs: Vec<SampleDoc>, config: &DedupConfig) -> VsExactReport {
    let n = docs.len();
    let mut dedup = Deduper::new(config.clone());
    let params = dedup.lsh_params();
    // Canonical classes: exact hash -> class index.
    let mut class_of_hash: HashMap<u64, usize> = HashMap::new();
    let mut class_of_doc = Vec::with_capacity(n);
    let mut class_size: Vec<u64> = Vec::new();
    let mut class_shingles: Vec<Vec<u64>> = Vec::new();
    let mut class_sig: Vec<Vec<u32>> = Vec::new();
    for doc in docs {
        let fp = doc.fingerprint;
        let next = class_size.len();
        let class = *class_of_hash.entry(fp.exact).or_insert(next);
        if class == next {
            class_size.push(0);
            class_shingles.push(fp.shingles.clone().unwrap_or_default());
            class_sig.push(fp.minhash.clone());
        }
        class_size[class] += 1;
        class_of_doc.push(class);
        dedup.add(doc.id, doc.seq, doc.published, fp);
    }

    // Truth over classes via an inverted index of shingles.
    let t = config.threshold;
    let mut postings: HashMap<u64, Vec<u32>> = HashMap::new();
    let mut truth: HashMap<(usize, usize), f64> = HashMap::new();
    let mut counts: HashMap<u32, u32> = HashMap::new();
    for (i, set) in class_shingles.iter().enumerate() {
        counts.clear();
        for s in set {
            if let Some(list) = postings.get(s) {
                for &j in list {
                    *counts.entry(j).or_insert(0) += 1;
                }
            }
        }
        for (&j, &shared) in &counts {
            let other = &class_shingles[j as usize];
            let union = set.len() + other.len() - shared as usize;
            let jac = shared as f64 / union as f64;
            if jac >= t {
                truth.insert((j as usize, i), jac);
            }
        }
        for &s in set {
            postings.entry(s).or_default().push(i as u32);
        }
    }

    let within = |c: usize| class_size[c] * (class_size[c].saturating_sub(1)) / 2;
    let mut bands: Vec<SimilarityBand> = [0.8, 0.85, 0.9, 0.95, 1.0]
        .windows(2)
        .map(|w| SimilarityBand {
            from: w[0],
            to: w[1],
            true_pairs: 0,
            found: 0,
        })
        .chain(std::iter::once(SimilarityBand {
            from: 1.0,
            to: 1.0,
            true_pairs: 0,
            found: 0,
        }))
        .filter(|b| b.from >= t || b.to > t)
        .collect();
    let band_of = |j: f64, bands: &mut Vec<SimilarityBand>| -> Option<usize> {
        bands
            .iter()
            .position(|b| (j >= b.from && j < b.to) || (b.from == 1.0 && j >= 1.0))
    };

    // Predicted pairs over classes.
    let mut predicted: HashMap<(usize, usize), ()> = HashMap::new();
    for pair in dedup.pairs() {
        let (ca, cb) = (class_of_doc[pair.a as usize], class_of_doc[pair.b as usize]);
        if ca != cb {
            predicted.insert((ca.min(cb), ca.max(cb)), ());
        }
    }

    let mut true_pairs = 0u64;
    let mut candidates = 0u64;
    let mut tp = 0u64;
    let mut predicted_pairs = 0u64;
    for c in 0..class_size.len() {
        let w = within(c);
        true_pairs += w;
        candidates += w;
        tp += w;
        predicted_pairs += w;
        if w > 0 {
            if let Some(b) = band_of(1.0, &mut bands) {
                bands[b].true_pairs += w;
                bands[b].found += w;
            }
        }
    }
    for (&(a, b), &jac) in &truth {
        let w = class_size[a] * class_size[b];
        true_pairs += w;
        if shares_band(&class_sig[a], &class_sig[b], params) {
            candidates += w;
        }
        let found = predicted.contains_key(&(a, b));
        if found {
            tp += w;
        }
        if let Some(i) = band_of(jac, &mut bands) {
            bands[i].true_pairs += w;
            if found {
                bands[i].found += w;
            }
        }
    }
    for &(a, b) in predicted.keys() {
        predicted_pairs += class_size[a] * class_size[b];
    }
    VsExactReport {
        documents: n,
        threshold: t,
        lsh: params,
        true_pairs,
        true_pairs_candidates: candidates,
        predicted_pairs,
        true_positives: tp,
        candidate_recall: ratio(candidates, true_pairs),
        recall: ratio(tp, true_pairs),
        precision: ratio(tp, predicted_pairs),
        by_similarity: bands,
    }
}
