//! MinHash signatures over shingle hashes.
//!
//! # Hashing scheme
//!
//! * **Tokens.** Each token of the normalized text is hashed with xxh3-64 over its UTF-8
//!   bytes.
//! * **Shingles.** A shingle is `n` consecutive tokens (`ngram`, default 5). Its hash is
//!   xxh3-64 over the `n` token hashes written as little-endian bytes (8 bytes each), so
//!   no shingle string is allocated. A document with at least one but fewer than `n`
//!   tokens has exactly one shingle made of all its tokens. The shingle hashes are then
//!   sorted and deduplicated: the signature describes the shingle *set*.
//! * **Permutations.** Permutation `i` maps a shingle hash `x` to
//!   `h_i(x) = ((a_i · x + b_i) mod 2^64) >> 32`, truncated to `u32` (multiply-shift
//!   hashing). The coefficients come from a SplitMix64 stream seeded with the configured
//!   `seed`: for `i = 0, 1, …` the stream yields `a_i` (forced odd with `| 1`) and then
//!   `b_i`.
//! * **Signature.** `signature[i] = min over shingles x of h_i(x)`. The share of equal
//!   positions between two signatures estimates the Jaccard similarity of the two
//!   shingle sets ([`estimate_jaccard`]); with `k` permutations the estimate is within
//!   `sqrt(ln(2/δ) / (2k))` of the truth with probability at least `1 − δ` (Hoeffding).
//! * **Empty documents.** A document without tokens has no shingles, and its signature
//!   is all [`EMPTY_SLOT`] (`u32::MAX`). Such signatures are all equal to each other, so
//!   token-less documents must only be matched by their exact hash (check
//!   `n_shingles > 0` before trusting a MinHash estimate).
//!
//! The inner loop walks a fixed-size chunk of permutations (`a` and `b` stored in
//! contiguous `Vec<u64>`s) for every shingle, which the compiler auto-vectorizes; on
//! x86-64 a build of the loop for AVX-512 (native 64-bit multiplies, blocks of 32
//! permutations) or AVX2 is selected at run time when the CPU has it.

/// Signature value of a permutation slot that saw no shingle (`u32::MAX`).
pub const EMPTY_SLOT: u32 = u32::MAX;

/// Number of permutations processed together in the vectorized inner loop.
const LANES: usize = 8;

/// One step of the SplitMix64 generator (Steele, Lea & Flood, 2014).
#[inline]
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Precomputed MinHash permutations; signs sets of shingle hashes.
///
/// Cheap to share between threads (`Send + Sync`, immutable after construction).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MinHasher {
    num_perm: usize,
    /// Multipliers (odd), padded with extra stream values to a multiple of `LANES`.
    a: Vec<u64>,
    /// Offsets, padded like `a`.
    b: Vec<u64>,
}

impl MinHasher {
    /// Draw `num_perm` permutations from a SplitMix64 stream seeded with `seed`.
    pub fn new(num_perm: usize, seed: u64) -> Self {
        let padded = num_perm.div_ceil(LANES) * LANES;
        let mut a = Vec::with_capacity(padded);
        let mut b = Vec::with_capacity(padded);
        let mut state = seed;
        for _ in 0..padded {
            a.push(splitmix64(&mut state) | 1);
            b.push(splitmix64(&mut state));
        }
        Self { num_perm, a, b }
    }

    /// Number of permutations (signature length).
    pub fn num_perm(&self) -> usize {
        self.num_perm
    }

    /// Multiplier `a_i` and offset `b_i` of permutation `i`, if `i < num_perm`.
    pub fn coefficients(&self, i: usize) -> Option<(u64, u64)> {
        if i < self.num_perm {
            Some((self.a[i], self.b[i]))
        } else {
            None
        }
    }

    /// Signature of a set of shingle hashes (duplicates do not change the result).
    /// An empty slice yields a signature of all [`EMPTY_SLOT`].
    pub fn sign(&self, shingles: &[u64]) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.num_perm);
        self.sign_into(shingles, &mut out);
        out
    }

    /// Like [`sign`](Self::sign), writing into `out` (cleared first).
    pub fn sign_into(&self, shingles: &[u64], out: &mut Vec<u32>) {
        out.clear();
        out.resize(self.a.len(), EMPTY_SLOT);
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512dq")
            {
                // SAFETY: the running CPU supports AVX-512F and AVX-512DQ, the only
                // features the function enables; it contains no other unsafe operation.
                unsafe { sign_avx512(&self.a, &self.b, shingles, out) };
            } else if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the running CPU supports AVX2, the only feature the function
                // enables; it contains no other unsafe operation.
                unsafe { sign_avx2(&self.a, &self.b, shingles, out) };
            } else {
                sign_chunks(&self.a, &self.b, shingles, out);
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        sign_chunks(&self.a, &self.b, shingles, out);
        out.truncate(self.num_perm);
    }
}

/// MinHash kernel: for each chunk of `LANES` permutations, the minimum of
/// `(a·x + b) >> 32` over all shingles `x`. `a`, `b` and `out` have the same length, a
/// multiple of `LANES`. Written so the inner loop auto-vectorizes.
#[inline(always)]
fn sign_chunks(a: &[u64], b: &[u64], shingles: &[u64], out: &mut [u32]) {
    let chunks = a
        .chunks_exact(LANES)
        .zip(b.chunks_exact(LANES))
        .zip(out.chunks_exact_mut(LANES));
    for ((ca, cb), co) in chunks {
        let mut a = [0u64; LANES];
        let mut b = [0u64; LANES];
        a.copy_from_slice(ca);
        b.copy_from_slice(cb);
        let mut mins = [EMPTY_SLOT; LANES];
        for &x in shingles {
            for j in 0..LANES {
                let h = (a[j].wrapping_mul(x).wrapping_add(b[j]) >> 32) as u32;
                mins[j] = mins[j].min(h);
            }
        }
        co.copy_from_slice(&mins);
    }
}

/// Permutations per block of the wide kernel ([`sign_wide`]).
const WIDE: usize = 32;

/// MinHash kernel for CPUs with native 64-bit vector multiplies (AVX-512DQ `vpmullq`):
/// blocks of [`WIDE`] permutations with 64-bit running minima (so the minimum is a
/// single `vpminuq`), the remainder in [`LANES`]-wide chunks. Same result as
/// [`sign_chunks`].
#[inline(always)]
fn sign_wide(a: &[u64], b: &[u64], shingles: &[u64], out: &mut [u32]) {
    let wide = a.len() / WIDE * WIDE;
    let chunks = a[..wide]
        .chunks_exact(WIDE)
        .zip(b[..wide].chunks_exact(WIDE))
        .zip(out[..wide].chunks_exact_mut(WIDE));
    for ((ca, cb), co) in chunks {
        let mut a = [0u64; WIDE];
        let mut b = [0u64; WIDE];
        a.copy_from_slice(ca);
        b.copy_from_slice(cb);
        let mut mins = [u64::from(EMPTY_SLOT); WIDE];
        for &x in shingles {
            for j in 0..WIDE {
                let h = a[j].wrapping_mul(x).wrapping_add(b[j]) >> 32;
                mins[j] = mins[j].min(h);
            }
        }
        for (o, m) in co.iter_mut().zip(mins) {
            // `m` came from a `>> 32`, so it fits in 32 bits.
            *o = m as u32;
        }
    }
    sign_chunks(&a[wide..], &b[wide..], shingles, &mut out[wide..]);
}

/// [`sign_wide`] compiled with AVX-512F/DQ enabled (selected at run time).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
unsafe fn sign_avx512(a: &[u64], b: &[u64], shingles: &[u64], out: &mut [u32]) {
    sign_wide(a, b, shingles, out)
}

/// [`sign_chunks`] compiled with AVX2 enabled (selected at run time).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn sign_avx2(a: &[u64], b: &[u64], shingles: &[u64], out: &mut [u32]) {
    sign_chunks(a, b, shingles, out)
}

/// Estimated Jaccard similarity: the share of positions where the two signatures are
/// equal. Signatures of different lengths are compared over the shorter length; if that
/// is zero the estimate is 0.0.
pub fn estimate_jaccard(a: &[u32], b: &[u32]) -> f64 {
    let n = a.len().min(b.len());
    if n == 0 {
        return 0.0;
    }
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count();
    equal as f64 / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `count` distinct pseudo-random u64s from a SplitMix64 stream.
    fn distinct_values(seed: u64, count: usize) -> Vec<u64> {
        let mut state = seed;
        let mut seen = std::collections::HashSet::with_capacity(count);
        let mut out = Vec::with_capacity(count);
        while out.len() < count {
            let v = splitmix64(&mut state);
            if seen.insert(v) {
                out.push(v);
            }
        }
        out
    }

    /// Two sets with `common` shared elements and `only_a` / `only_b` private ones,
    /// plus their true Jaccard similarity.
    fn overlapping_sets(
        seed: u64,
        common: usize,
        only_a: usize,
        only_b: usize,
    ) -> (Vec<u64>, Vec<u64>, f64) {
        let all = distinct_values(seed, common + only_a + only_b);
        let (shared, rest) = all.split_at(common);
        let (pa, pb) = rest.split_at(only_a);
        let mut a = shared.to_vec();
        a.extend_from_slice(pa);
        let mut b = shared.to_vec();
        b.extend_from_slice(pb);
        let union = common + only_a + only_b;
        (a, b, common as f64 / union as f64)
    }

    #[test]
    fn splitmix_reference_values() {
        // First outputs of SplitMix64 seeded with 0 (reference implementation).
        let mut s = 0u64;
        assert_eq!(splitmix64(&mut s), 0xE220_A839_7B1D_CDAF);
        assert_eq!(splitmix64(&mut s), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn signature_shape_and_determinism() {
        let m = MinHasher::new(100, 7);
        let sig = m.sign(&[1, 2, 3]);
        assert_eq!(sig.len(), 100);
        assert_eq!(sig, MinHasher::new(100, 7).sign(&[3, 2, 1, 1]));
        assert_ne!(sig, MinHasher::new(100, 8).sign(&[1, 2, 3]));
        assert!(m.sign(&[]).iter().all(|&v| v == EMPTY_SLOT));
        assert!(MinHasher::new(0, 1).sign(&[1]).is_empty());
        let (a, _) = m.coefficients(0).unwrap();
        assert_eq!(a & 1, 1);
        assert!(m.coefficients(100).is_none());
    }

    #[test]
    fn signature_matches_scalar_definition() {
        let m = MinHasher::new(13, 99);
        let shingles = distinct_values(5, 50);
        let sig = m.sign(&shingles);
        for (i, &v) in sig.iter().enumerate() {
            let (a, b) = m.coefficients(i).unwrap();
            let expected = shingles
                .iter()
                .map(|&x| (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32)
                .min()
                .unwrap();
            assert_eq!(v, expected);
        }
    }

    #[test]
    fn wide_kernel_matches_chunk_kernel() {
        for &k in &[8usize, 40, 128, 200] {
            let m = MinHasher::new(k, 3);
            let shingles = distinct_values(11, 300);
            let mut wide = vec![EMPTY_SLOT; m.a.len()];
            let mut narrow = vec![EMPTY_SLOT; m.a.len()];
            sign_wide(&m.a, &m.b, &shingles, &mut wide);
            sign_chunks(&m.a, &m.b, &shingles, &mut narrow);
            assert_eq!(wide, narrow, "k = {k}");
            assert_eq!(&m.sign(&shingles)[..], &narrow[..k]);
        }
    }

    #[test]
    fn estimate_jaccard_basics() {
        assert_eq!(estimate_jaccard(&[1, 2, 3, 4], &[1, 2, 0, 0]), 0.5);
        assert_eq!(estimate_jaccard(&[1, 2], &[1, 2]), 1.0);
        assert_eq!(estimate_jaccard(&[], &[]), 0.0);
        assert_eq!(estimate_jaccard(&[5, 6, 7], &[5, 0]), 0.5);
    }

    #[test]
    fn estimate_is_unbiased_on_average() {
        // Mean error over many independent seeds should be close to 0 (each trial has a
        // standard deviation of at most 1/(2*sqrt(256)) ≈ 0.031; over 300 trials the
        // mean's deviation is ≈ 0.002, so 0.01 is a loose bound).
        let k = 256;
        for &(common, only_a, only_b) in &[(100, 50, 50), (30, 200, 10), (400, 10, 10)] {
            let trials = 300;
            let mut total = 0.0;
            for t in 0..trials {
                let (a, b, j) = overlapping_sets(1000 + t, common, only_a, only_b);
                let m = MinHasher::new(k, 0xABCD_0000 + t);
                total += estimate_jaccard(&m.sign(&a), &m.sign(&b)) - j;
            }
            let mean = total / trials as f64;
            assert!(
                mean.abs() < 0.01,
                "mean error {mean} for {common}/{only_a}/{only_b}"
            );
        }
    }

    proptest! {
        #[test]
        fn estimate_within_hoeffding_bound(
            set_seed in any::<u64>(),
            perm_seed in any::<u64>(),
            common in 0usize..300,
            only_a in 0usize..300,
            only_b in 0usize..300,
        ) {
            prop_assume!(common + only_a + only_b > 0);
            let k = 256usize;
            let delta: f64 = 1e-6;
            let eps = ((2.0 / delta).ln() / (2.0 * k as f64)).sqrt();
            let (a, b, j) = overlapping_sets(set_seed, common, only_a, only_b);
            let m = MinHasher::new(k, perm_seed);
            let est = estimate_jaccard(&m.sign(&a), &m.sign(&b));
            prop_assert!((est - j).abs() <= eps, "estimate {} true {} eps {}", est, j, eps);
        }
    }
}
