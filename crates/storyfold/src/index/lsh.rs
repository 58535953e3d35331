//! Banded LSH (locality-sensitive hashing) over MinHash signatures.
//!
//! A signature of `bands × rows` values is cut into `bands` consecutive bands of `rows`
//! values. The key of a band is xxh3-64 over the band's `u32` values as little-endian
//! bytes, and every band has its own hash table from key to the ids of the documents
//! having that band. Two documents are *candidates* when at least one band key is equal;
//! with Jaccard similarity `J` this happens with probability `1 − (1 − J^rows)^bands`.
//!
//! # Choosing bands and rows
//!
//! [`LshParams::for_threshold`] picks, among all `bands × rows ≤ num_perm`, the pair that
//! minimises the *false-positive area* — the integral of the candidate probability over
//! `J ∈ [0, t)` — subject to a recall of at least [`MIN_RECALL`] (99.5 %) for pairs at
//! exactly the threshold `t`. Candidates are verified afterwards, which removes false
//! positives, so recall at the threshold is what matters; pairs above the threshold are
//! found with even higher probability. If no pair reaches the recall target (very low
//! thresholds or very short signatures) the pair with the highest recall at `t` is used.
//! The choice is deterministic.
//!
//! Signatures longer than `bands × rows` use only their first `bands × rows` values;
//! shorter ones use only their complete bands.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{xxh3_64, Xxh3};

/// Recall required at the threshold by [`LshParams::for_threshold`].
pub const MIN_RECALL: f64 = 0.995;

/// Banding parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LshParams {
    /// Number of bands (hash tables).
    pub bands: usize,
    /// Signature values per band.
    pub rows: usize,
}

impl LshParams {
    /// Choose `bands × rows ≤ num_perm` for Jaccard threshold `threshold`: minimise the
    /// false-positive area (integral of the candidate probability over `[0, threshold)`)
    /// subject to `probability(threshold) ≥ MIN_RECALL` (0.995). Verification removes
    /// false positives, so recall at the threshold is what matters. Falls back to the
    /// highest recall at the threshold when the target cannot be met; a threshold `≤ 0`
    /// (or NaN) gives one row per band and `num_perm` bands. Deterministic.
    pub fn for_threshold(threshold: f64, num_perm: usize) -> Self {
        if num_perm == 0 {
            return Self { bands: 0, rows: 0 };
        }
        let t = if threshold.is_nan() {
            0.0
        } else {
            threshold.clamp(0.0, 1.0)
        };
        if t <= 0.0 {
            return Self {
                bands: num_perm,
                rows: 1,
            };
        }
        // (params, fp_area) of the best feasible choice.
        let mut best: Option<(Self, f64)> = None;
        // (params, recall, fp_area) of the best infeasible choice.
        let mut fallback: Option<(Self, f64, f64)> = None;
        for rows in 1..=num_perm {
            for bands in 1..=num_perm / rows {
                let p = Self { bands, rows };
                let recall = p.probability(t);
                let area = p.false_positive_area(t);
                if recall >= MIN_RECALL {
                    let better = match best {
                        None => true,
                        Some((_, a)) => area < a,
                    };
                    if better {
                        best = Some((p, area));
                    }
                } else {
                    let better = match fallback {
                        None => true,
                        Some((_, r, a)) => recall > r || (recall == r && area < a),
                    };
                    if better {
                        fallback = Some((p, recall, area));
                    }
                }
            }
        }
        match (best, fallback) {
            (Some((p, _)), _) => p,
            (None, Some((p, _, _))) => p,
            (None, None) => Self {
                bands: num_perm,
                rows: 1,
            },
        }
    }

    /// Probability `1 − (1 − J^rows)^bands` that two signatures with Jaccard similarity
    /// `jaccard` share at least one band (`jaccard` is clamped to `[0, 1]`).
    pub fn probability(&self, jaccard: f64) -> f64 {
        if self.bands == 0 {
            return 0.0;
        }
        let j = if jaccard.is_nan() {
            0.0
        } else {
            jaccard.clamp(0.0, 1.0)
        };
        let rows = i32::try_from(self.rows).unwrap_or(i32::MAX);
        let band_hit = j.powi(rows);
        if band_hit >= 1.0 {
            return 1.0;
        }
        // 1 - (1 - x)^b computed as -expm1(b * ln(1 - x)) for accuracy at small x.
        -(self.bands as f64 * (-band_hit).ln_1p()).exp_m1()
    }

    /// Integral of [`probability`](Self::probability) over `[0, threshold]` (composite
    /// Simpson rule, 256 intervals): the expected share of candidate pairs below the
    /// threshold, a measure of false positives.
    pub fn false_positive_area(&self, threshold: f64) -> f64 {
        let t = if threshold.is_nan() {
            0.0
        } else {
            threshold.clamp(0.0, 1.0)
        };
        const N: usize = 256;
        let h = t / N as f64;
        let mut sum = self.probability(0.0) + self.probability(t);
        for i in 1..N {
            let w = if i % 2 == 1 { 4.0 } else { 2.0 };
            sum += w * self.probability(i as f64 * h);
        }
        sum * h / 3.0
    }

    /// Number of signature values used (`bands × rows`).
    pub fn signature_len(&self) -> usize {
        self.bands.saturating_mul(self.rows)
    }
}

/// Pass-through hasher for keys that are already hashes (`u64` band keys).
#[derive(Clone, Copy, Debug, Default)]
pub struct PassThroughHasher(u64);

impl Hasher for PassThroughHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        // Only reached for non-u64 keys; fold bytes in so it still works.
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
        }
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// One band's table: band key → a document id, or (with [`OVERFLOW`] set) the index of the
/// overflow list holding all ids of the bucket. 16 bytes per entry: most buckets hold one
/// document, so they cost no allocation.
type BandTable = HashMap<u64, u32, BuildHasherDefault<PassThroughHasher>>;

/// Flag of a [`BandTable`] value that points into the overflow lists. Ids with this bit set
/// are always stored in an overflow list, so every `u32` id works.
const OVERFLOW: u32 = 1 << 31;

/// Store `ids` as an overflow list (reusing a freed slot) and return the table value.
fn new_list(overflow: &mut Vec<Vec<u32>>, free: &mut Vec<u32>, ids: Vec<u32>) -> u32 {
    match free.pop() {
        Some(i) => {
            overflow[i as usize] = ids;
            OVERFLOW | i
        }
        None => {
            overflow.push(ids);
            OVERFLOW | (overflow.len() - 1) as u32
        }
    }
}

/// xxh3-64 of the band's values as little-endian bytes.
fn band_key(values: &[u32]) -> u64 {
    const STACK_VALUES: usize = 64;
    if values.len() <= STACK_VALUES {
        let mut buf = [0u8; STACK_VALUES * 4];
        for (chunk, v) in buf.chunks_exact_mut(4).zip(values) {
            chunk.copy_from_slice(&v.to_le_bytes());
        }
        xxh3_64(&buf[..values.len() * 4])
    } else {
        let mut h = Xxh3::new();
        for v in values {
            h.update(&v.to_le_bytes());
        }
        h.digest()
    }
}

/// Band keys of a signature (only complete bands, at most `params.bands`), band by band.
pub fn band_keys(params: LshParams, sig: &[u32]) -> impl Iterator<Item = u64> + '_ {
    let bands = sig
        .len()
        .checked_div(params.rows)
        .map_or(0, |n| n.min(params.bands));
    sig.chunks_exact(params.rows.max(1))
        .take(bands)
        .map(band_key)
}

/// Banded LSH index from MinHash signatures to `u32` document ids.
///
/// Each id should be inserted once; inserting the same id twice stores it twice (queries
/// still report it once, and [`len`](Self::len) counts insertions).
#[derive(Clone, Debug)]
pub struct LshIndex {
    params: LshParams,
    tables: Vec<BandTable>,
    /// Ids of buckets holding more than one document (see [`BandTable`]).
    overflow: Vec<Vec<u32>>,
    /// Unused slots of `overflow`.
    free: Vec<u32>,
    len: usize,
}

impl LshIndex {
    /// An empty index.
    pub fn new(params: LshParams) -> Self {
        Self::with_capacity(params, 0)
    }

    /// An empty index with room for `n` documents per band table.
    pub fn with_capacity(params: LshParams, n: usize) -> Self {
        let tables = (0..params.bands)
            .map(|_| BandTable::with_capacity_and_hasher(n, Default::default()))
            .collect();
        Self {
            params,
            tables,
            overflow: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }

    /// The banding parameters.
    pub fn params(&self) -> LshParams {
        self.params
    }

    /// Add document `id` with signature `sig`.
    pub fn insert(&mut self, id: u32, sig: &[u32]) {
        let Self {
            params,
            tables,
            overflow,
            free,
            ..
        } = self;
        for (table, key) in tables.iter_mut().zip(band_keys(*params, sig)) {
            match table.entry(key) {
                std::collections::hash_map::Entry::Vacant(e) => {
                    if id & OVERFLOW == 0 {
                        e.insert(id);
                    } else {
                        e.insert(new_list(overflow, free, vec![id]));
                    }
                }
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    let v = *e.get();
                    if v & OVERFLOW == 0 {
                        *e.get_mut() = new_list(overflow, free, vec![v, id]);
                    } else {
                        overflow[(v & !OVERFLOW) as usize].push(id);
                    }
                }
            }
        }
        self.len += 1;
    }

    /// Remove document `id` inserted with signature `sig`. Returns whether it was found.
    pub fn remove(&mut self, id: u32, sig: &[u32]) -> bool {
        let Self {
            params,
            tables,
            overflow,
            free,
            ..
        } = self;
        let mut found = false;
        for (table, key) in tables.iter_mut().zip(band_keys(*params, sig)) {
            let Some(v) = table.get(&key).copied() else {
                continue;
            };
            if v & OVERFLOW == 0 {
                if v == id {
                    table.remove(&key);
                    found = true;
                }
                continue;
            }
            let slot = (v & !OVERFLOW) as usize;
            let ids = &mut overflow[slot];
            let Some(pos) = ids.iter().position(|&x| x == id) else {
                continue;
            };
            ids.swap_remove(pos);
            found = true;
            match ids.as_slice() {
                [] => {
                    table.remove(&key);
                }
                [only] if only & OVERFLOW == 0 => {
                    table.insert(key, *only);
                }
                _ => continue,
            }
            overflow[slot] = Vec::new();
            free.push(slot as u32);
        }
        if found {
            self.len = self.len.saturating_sub(1);
        }
        found
    }

    /// All ids sharing at least one band with `sig`, each once, ascending. Excludes
    /// nothing (the caller filters out the query document itself).
    pub fn query(&self, sig: &[u32]) -> Vec<u32> {
        let mut out = Vec::new();
        self.query_into(sig, &mut out);
        out
    }

    /// Like [`query`](Self::query), writing into `out` (cleared first).
    pub fn query_into(&self, sig: &[u32], out: &mut Vec<u32>) {
        out.clear();
        for (table, key) in self.tables.iter().zip(band_keys(self.params, sig)) {
            if let Some(&v) = table.get(&key) {
                if v & OVERFLOW == 0 {
                    out.push(v);
                } else {
                    out.extend_from_slice(&self.overflow[(v & !OVERFLOW) as usize]);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// Number of inserted documents (insertions minus successful removals).
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no document is indexed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_for_default_threshold() {
        let p = LshParams::for_threshold(0.8, 128);
        assert!(p.bands * p.rows <= 128, "{p:?}");
        assert!(p.probability(0.8) >= MIN_RECALL, "{p:?}");
        // A real S-curve: low similarity rarely becomes a candidate.
        assert!(p.probability(0.3) < 0.05, "{p:?} {}", p.probability(0.3));
        assert_eq!(p, LshParams::for_threshold(0.8, 128));
    }

    #[test]
    fn params_are_optimal_among_feasible() {
        for &(t, k) in &[(0.5, 64), (0.8, 128), (0.9, 256), (0.7, 100)] {
            let p = LshParams::for_threshold(t, k);
            assert!(p.probability(t) >= MIN_RECALL);
            let area = p.false_positive_area(t);
            for rows in 1..=k {
                for bands in 1..=k / rows {
                    let q = LshParams { bands, rows };
                    if q.probability(t) >= MIN_RECALL {
                        assert!(area <= q.false_positive_area(t) + 1e-12, "{p:?} vs {q:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn params_edge_cases() {
        assert_eq!(
            LshParams::for_threshold(0.8, 0),
            LshParams { bands: 0, rows: 0 }
        );
        assert_eq!(
            LshParams::for_threshold(0.0, 16),
            LshParams { bands: 16, rows: 1 }
        );
        assert_eq!(
            LshParams::for_threshold(f64::NAN, 16),
            LshParams { bands: 16, rows: 1 }
        );
        // Threshold 1: a single band of all rows has no false positives below 1 to speak of.
        let p = LshParams::for_threshold(1.0, 16);
        assert_eq!(p, LshParams { bands: 1, rows: 16 });
        // Infeasible target (tiny k, low t): highest recall is chosen.
        let p = LshParams::for_threshold(0.05, 4);
        assert_eq!(p, LshParams { bands: 4, rows: 1 });
        assert!(p.probability(0.05) < MIN_RECALL);
    }

    #[test]
    fn probability_is_monotone() {
        let p = LshParams::for_threshold(0.8, 128);
        let mut last = -1.0;
        for i in 0..=1000 {
            let v = p.probability(i as f64 / 1000.0);
            assert!(v >= last, "not monotone at {i}");
            assert!((0.0..=1.0).contains(&v));
            last = v;
        }
        assert_eq!(p.probability(0.0), 0.0);
        assert_eq!(p.probability(1.0), 1.0);
        let q = LshParams { bands: 20, rows: 5 };
        let expected = 1.0 - (1.0 - 0.6f64.powi(5)).powi(20);
        assert!((q.probability(0.6) - expected).abs() < 1e-12);
    }

    fn sig(seed: u32, n: usize) -> Vec<u32> {
        (0..n as u32)
            .map(|i| {
                seed.wrapping_mul(2_654_435_761)
                    .wrapping_add(i.wrapping_mul(40_503))
            })
            .collect()
    }

    #[test]
    fn insert_query_remove() {
        let params = LshParams { bands: 16, rows: 8 };
        let mut idx = LshIndex::with_capacity(params, 10);
        assert!(idx.is_empty());
        let a = sig(1, 128);
        let b = sig(2, 128);
        let mut near_a = a.clone();
        near_a[0] ^= 1; // differs only in band 0
        idx.insert(7, &a);
        idx.insert(3, &a);
        idx.insert(9, &b);
        idx.insert(5, &near_a);
        assert_eq!(idx.len(), 4);
        assert_eq!(idx.query(&a), vec![3, 5, 7]);
        assert_eq!(idx.query(&b), vec![9]);
        assert!(idx.query(&sig(3, 128)).is_empty());

        assert!(idx.remove(7, &a));
        assert!(!idx.remove(7, &a));
        assert!(!idx.remove(42, &b));
        assert_eq!(idx.len(), 3);
        let mut out = vec![99];
        idx.query_into(&a, &mut out);
        assert_eq!(out, vec![3, 5]);
        assert!(idx.remove(3, &a));
        assert!(idx.remove(5, &near_a));
        assert!(idx.query(&a).is_empty());
        assert!(idx.remove(9, &b));
        assert!(idx.is_empty());
        assert!(idx.tables.iter().all(|t| t.is_empty()));
    }

    #[test]
    fn ids_with_the_top_bit_and_shared_buckets() {
        let params = LshParams { bands: 4, rows: 2 };
        let mut idx = LshIndex::new(params);
        let a = sig(1, 8);
        let high = u32::MAX - 1;
        idx.insert(high, &a);
        assert_eq!(idx.query(&a), vec![high]);
        idx.insert(3, &a);
        idx.insert(OVERFLOW, &a);
        assert_eq!(idx.query(&a), vec![3, OVERFLOW, high]);
        assert!(idx.remove(OVERFLOW, &a));
        assert!(idx.remove(high, &a));
        // Back to a single inline id; its overflow slot is reused.
        assert!(idx.tables.iter().all(|t| t.values().all(|&v| v == 3)));
        idx.insert(7, &a);
        assert_eq!(idx.overflow.iter().filter(|l| !l.is_empty()).count(), 4);
        assert_eq!(idx.query(&a), vec![3, 7]);
        assert!(idx.remove(3, &a) && idx.remove(7, &a));
        assert!(idx.is_empty() && idx.tables.iter().all(|t| t.is_empty()));
    }

    #[test]
    fn identical_signatures_are_always_candidates() {
        let params = LshParams::for_threshold(0.8, 128);
        let mut idx = LshIndex::new(params);
        for id in 0..200u32 {
            idx.insert(id, &sig(id, 128));
        }
        for id in 0..200u32 {
            assert!(idx.query(&sig(id, 128)).contains(&id));
        }
    }

    #[test]
    fn short_signatures_and_long_bands() {
        // Signature shorter than bands*rows: only complete bands are used.
        let mut idx = LshIndex::new(LshParams { bands: 4, rows: 4 });
        idx.insert(1, &sig(1, 9));
        assert_eq!(idx.query(&sig(1, 9)), vec![1]);
        assert_eq!(idx.query(&sig(1, 8)), vec![1]);
        assert!(idx.query(&sig(1, 3)).is_empty());
        // Bands longer than the stack buffer go through the streaming hasher.
        let long = LshParams {
            bands: 2,
            rows: 100,
        };
        let mut idx = LshIndex::new(long);
        idx.insert(4, &sig(4, 200));
        assert_eq!(idx.query(&sig(4, 200)), vec![4]);
        // Streaming and one-shot keys agree.
        let v = sig(5, 100);
        let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        assert_eq!(band_key(&v), xxh3_64(&bytes));
        // Degenerate params never panic.
        let mut idx = LshIndex::new(LshParams { bands: 0, rows: 0 });
        idx.insert(1, &sig(1, 8));
        assert!(idx.query(&sig(1, 8)).is_empty());
    }
}
