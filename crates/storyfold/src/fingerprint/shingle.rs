//! Word shingles: token hashing, n-gram shingle hashing and exact Jaccard similarity.
//!
//! Every token is hashed once with xxh3-64 over its UTF-8 bytes. A shingle is `n`
//! consecutive tokens and its hash is xxh3-64 over the `n` token hashes written as
//! little-endian bytes (8 bytes per token), so no shingle string is ever built. A
//! document with at least one but fewer than `n` tokens has exactly one shingle made of
//! all its tokens; a document without tokens has no shingles.
//!
//! For shingles of 3 to 16 tokens (24 to 128 bytes, the default 5 included) the hash is
//! computed by [`xxh3_words`], xxh3-64's 17–128-byte path written over the token hashes as
//! 64-bit words: the same value (a property test checks it against `xxh3_64`) without loading
//! bytes or branching on the length per shingle.

use xxhash_rust::xxh3::xxh3_64;

/// xxh3-64 of a token's UTF-8 bytes.
#[inline]
pub fn token_hash(token: &str) -> u64 {
    xxh3_64(token.as_bytes())
}

/// Reusable buffer of token hashes from which shingle hashes are computed without
/// allocating.
#[derive(Clone, Debug, Default)]
pub struct TokenHashes {
    hashes: Vec<u64>,
}

impl TokenHashes {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forget all tokens, keeping the allocation.
    pub fn clear(&mut self) {
        self.hashes.clear();
    }

    /// Append a token (hashed with [`token_hash`]).
    #[inline]
    pub fn push_token(&mut self, token: &str) {
        self.push_hash(token_hash(token));
    }

    /// Append an already computed token hash.
    #[inline]
    pub fn push_hash(&mut self, hash: u64) {
        self.hashes.push(hash);
    }

    /// Number of tokens pushed since the last [`clear`](Self::clear).
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// True when no token has been pushed.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// Release memory beyond `max_bytes` of capacity (used to keep long-lived scratch
    /// buffers from holding on to the size of the largest document ever seen).
    pub fn shrink_to(&mut self, max_bytes: usize) {
        if self.hashes.capacity() * 8 > max_bytes {
            self.hashes.shrink_to(max_bytes / 8);
        }
    }

    /// Append the hash of every `ngram`-token shingle, in document order (not
    /// deduplicated), to `out`. `ngram == 0` is treated as 1.
    pub fn shingles_into(&self, ngram: usize, out: &mut Vec<u64>) {
        let n = ngram.max(1);
        let len = self.len();
        if len == 0 {
            return;
        }
        if len < n {
            out.push(hash_words_bytes(&self.hashes, &mut Vec::new()));
            return;
        }
        out.reserve(len - n + 1);
        if n == 5 {
            // The default, with the window length known to the compiler.
            out.extend(self.hashes.windows(5).map(|w| {
                let w: &[u64; 5] = w.try_into().expect("windows of 5");
                xxh3_words(w)
            }));
        } else if (MIN_WORDS..=MAX_WORDS).contains(&n) {
            out.extend(self.hashes.windows(n).map(xxh3_words));
        } else {
            let mut bytes = Vec::with_capacity(n * 8);
            out.extend(
                self.hashes
                    .windows(n)
                    .map(|w| hash_words_bytes(w, &mut bytes)),
            );
        }
    }
}

/// xxh3-64 of `words` written as little-endian bytes, through a byte buffer.
fn hash_words_bytes(words: &[u64], bytes: &mut Vec<u8>) -> u64 {
    bytes.clear();
    for w in words {
        bytes.extend_from_slice(&w.to_le_bytes());
    }
    xxh3_64(bytes)
}

/// Fewest words [`xxh3_words`] takes (17 bytes or more: xxh3's 17–128-byte path).
const MIN_WORDS: usize = 3;
/// Most words [`xxh3_words`] takes (128 bytes).
const MAX_WORDS: usize = 16;

/// The first 128 bytes of xxh3's default secret, as little-endian 64-bit words.
const SECRET: [u64; 16] = {
    const BYTES: [u8; 128] = [
        0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad,
        0x1c, 0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3,
        0x67, 0x1f, 0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc,
        0xff, 0x72, 0x21, 0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6,
        0x81, 0x3a, 0x26, 0x4c, 0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65,
        0x8b, 0x1b, 0x53, 0x2e, 0xa3, 0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19,
        0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8, 0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9,
        0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d, 0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31,
        0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
    ];
    let mut words = [0u64; 16];
    let mut i = 0;
    while i < 16 {
        let mut b = [0u8; 8];
        let mut j = 0;
        while j < 8 {
            b[j] = BYTES[8 * i + j];
            j += 1;
        }
        words[i] = u64::from_le_bytes(b);
        i += 1;
    }
    words
};

/// xxh3's 128-bit multiply folded to 64 bits, over 16 input bytes (two words) keyed with two
/// secret words.
#[inline(always)]
fn mix16(lo: u64, hi: u64, s: usize) -> u64 {
    let product = u128::from(lo ^ SECRET[s]) * u128::from(hi ^ SECRET[s + 1]);
    (product as u64) ^ ((product >> 64) as u64)
}

/// xxh3-64 (seed 0) of `words` written as little-endian bytes, for 3 to 16 words: xxh3's
/// 17–128-byte path with word-aligned reads. Equal to `xxh3_64` of those bytes.
#[inline(always)]
pub fn xxh3_words(words: &[u64]) -> u64 {
    const PRIME64_1: u64 = 0x9E37_79B1_85EB_CA87;
    let n = words.len();
    debug_assert!((MIN_WORDS..=MAX_WORDS).contains(&n));
    let w = |i: usize| words[i];
    let mut acc = (n as u64 * 8).wrapping_mul(PRIME64_1);
    if n > 4 {
        if n > 8 {
            if n > 12 {
                acc = acc.wrapping_add(mix16(w(6), w(7), 12));
                acc = acc.wrapping_add(mix16(w(n - 8), w(n - 7), 14));
            }
            acc = acc.wrapping_add(mix16(w(4), w(5), 8));
            acc = acc.wrapping_add(mix16(w(n - 6), w(n - 5), 10));
        }
        acc = acc.wrapping_add(mix16(w(2), w(3), 4));
        acc = acc.wrapping_add(mix16(w(n - 4), w(n - 3), 6));
    }
    acc = acc.wrapping_add(mix16(w(0), w(1), 0));
    acc = acc.wrapping_add(mix16(w(n - 2), w(n - 1), 2));
    // xxh3's avalanche.
    acc ^= acc >> 37;
    acc = acc.wrapping_mul(0x1656_6791_9E37_79F9);
    acc ^ (acc >> 32)
}

/// Shingle hashes of a token sequence, in document order (not deduplicated).
pub fn shingle_hashes<'a>(tokens: impl IntoIterator<Item = &'a str>, ngram: usize) -> Vec<u64> {
    let mut buf = TokenHashes::new();
    for t in tokens {
        buf.push_token(t);
    }
    let mut out = Vec::new();
    buf.shingles_into(ngram, &mut out);
    out
}

/// Exact Jaccard similarity |A∩B| / |A∪B| of two **sorted, deduplicated** hash sets,
/// computed with a merge walk. Two empty sets have similarity 1.0.
pub fn exact_jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let common = intersection_len(a, b);
    let union = a.len() + b.len() - common;
    common as f64 / union as f64
}

/// Number of values two sorted, deduplicated slices have in common.
pub fn intersection_len<T: Ord>(a: &[T], b: &[T]) -> usize {
    let mut n = 0;
    for_each_common(a, b, |x| x, |y| y, |_, _| n += 1);
    n
}

/// Call `on` with every pair of entries of `a` and `b` whose keys are equal; both slices are
/// sorted by their keys, which are distinct within a slice (one merge pass).
pub fn for_each_common<'s, A, B, K: Ord>(
    a: &'s [A],
    b: &'s [B],
    key_a: impl Fn(&'s A) -> K,
    key_b: impl Fn(&'s B) -> K,
    mut on: impl FnMut(&'s A, &'s B),
) {
    for_each_common_at(a, b, key_a, key_b, |i, j| on(&a[i], &b[j]));
}

/// [`for_each_common`] giving the positions `(i, j)` of each pair of entries with equal keys.
#[inline]
pub fn for_each_common_at<'s, A, B, K: Ord>(
    a: &'s [A],
    b: &'s [B],
    key_a: impl Fn(&'s A) -> K,
    key_b: impl Fn(&'s B) -> K,
    mut on: impl FnMut(usize, usize),
) {
    let (mut i, mut j) = (0usize, 0usize);
    while i < a.len() && j < b.len() {
        match key_a(&a[i]).cmp(&key_b(&b[j])) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                on(i, j);
                i += 1;
                j += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_jaccard_hand_computed() {
        assert_eq!(exact_jaccard(&[], &[]), 1.0);
        assert_eq!(exact_jaccard(&[1, 2, 3], &[]), 0.0);
        assert_eq!(exact_jaccard(&[1, 2, 3], &[1, 2, 3]), 1.0);
        // {1,2,3,4} vs {3,4,5,6}: 2 common, 6 in union.
        assert!((exact_jaccard(&[1, 2, 3, 4], &[3, 4, 5, 6]) - 2.0 / 6.0).abs() < 1e-12);
        // {1,5,9} vs {2,5,9,10}: 2 common, 5 in union.
        assert!((exact_jaccard(&[1, 5, 9], &[2, 5, 9, 10]) - 0.4).abs() < 1e-12);
        assert_eq!(exact_jaccard(&[1, 3, 5], &[2, 4, 6]), 0.0);
    }

    #[test]
    fn shingle_is_hash_of_token_hash_bytes() {
        let sh = shingle_hashes(["a", "b", "c"], 2);
        assert_eq!(sh.len(), 2);
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&token_hash("a").to_le_bytes());
        bytes.extend_from_slice(&token_hash("b").to_le_bytes());
        assert_eq!(sh[0], xxh3_64(&bytes));
        assert_ne!(sh[0], sh[1]);
    }

    #[test]
    fn short_and_empty_token_sequences() {
        // Fewer tokens than n: exactly one shingle of all tokens.
        let short = shingle_hashes(["x", "y"], 5);
        assert_eq!(short, shingle_hashes(["x", "y"], 2));
        assert_eq!(short.len(), 1);
        assert!(shingle_hashes(std::iter::empty::<&str>(), 5).is_empty());
        // Exactly n tokens: one shingle; n+2 tokens: three.
        assert_eq!(shingle_hashes(["a", "b", "c"], 3).len(), 1);
        assert_eq!(shingle_hashes(["a", "b", "c", "d", "e"], 3).len(), 3);
        // ngram 0 behaves like 1.
        assert_eq!(shingle_hashes(["a", "b"], 0), shingle_hashes(["a", "b"], 1));
    }

    proptest::proptest! {
        #[test]
        fn word_path_is_xxh3_of_the_bytes(words in proptest::collection::vec(proptest::num::u64::ANY, 3..=16)) {
            let mut bytes = Vec::new();
            proptest::prop_assert_eq!(xxh3_words(&words), hash_words_bytes(&words, &mut bytes));
        }

        #[test]
        fn every_ngram_is_xxh3_of_the_token_hash_bytes(
            tokens in proptest::collection::vec("[a-z]{1,6}", 0..30),
            ngram in 0usize..20,
        ) {
            let got = shingle_hashes(tokens.iter().map(String::as_str), ngram);
            let hashes: Vec<u64> = tokens.iter().map(|t| token_hash(t)).collect();
            let bytes = |w: &[u64]| w.iter().flat_map(|h| h.to_le_bytes()).collect::<Vec<u8>>();
            let n = ngram.max(1);
            let want: Vec<u64> = if hashes.is_empty() {
                Vec::new()
            } else if hashes.len() < n {
                vec![xxh3_64(&bytes(&hashes))]
            } else {
                hashes.windows(n).map(|w| xxh3_64(&bytes(w))).collect()
            };
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn shingles_are_order_sensitive() {
        assert_ne!(shingle_hashes(["a", "b"], 2), shingle_hashes(["b", "a"], 2));
    }
}
