//! Word shingles: token hashing, n-gram shingle hashing and exact Jaccard similarity.
//!
//! Every token is hashed once with xxh3-64 over its UTF-8 bytes. A shingle is `n`
//! consecutive tokens and its hash is xxh3-64 over the `n` token hashes written as
//! little-endian bytes (8 bytes per token), so no shingle string is ever built. A
//! document with at least one but fewer than `n` tokens has exactly one shingle made of
//! all its tokens; a document without tokens has no shingles.

use xxhash_rust::xxh3::xxh3_64;

/// xxh3-64 of a token's UTF-8 bytes.
#[inline]
pub fn token_hash(token: &str) -> u64 {
    xxh3_64(token.as_bytes())
}

/// Reusable buffer of token hashes (stored as contiguous little-endian bytes) from which
/// shingle hashes are computed without allocating.
#[derive(Clone, Debug, Default)]
pub struct TokenHashes {
    bytes: Vec<u8>,
}

impl TokenHashes {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forget all tokens, keeping the allocation.
    pub fn clear(&mut self) {
        self.bytes.clear();
    }

    /// Append a token (hashed with [`token_hash`]).
    #[inline]
    pub fn push_token(&mut self, token: &str) {
        self.push_hash(token_hash(token));
    }

    /// Append an already computed token hash.
    #[inline]
    pub fn push_hash(&mut self, hash: u64) {
        self.bytes.extend_from_slice(&hash.to_le_bytes());
    }

    /// Number of tokens pushed since the last [`clear`](Self::clear).
    pub fn len(&self) -> usize {
        self.bytes.len() / 8
    }

    /// True when no token has been pushed.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Release memory beyond `max_bytes` of capacity (used to keep long-lived scratch
    /// buffers from holding on to the size of the largest document ever seen).
    pub fn shrink_to(&mut self, max_bytes: usize) {
        if self.bytes.capacity() > max_bytes {
            self.bytes.shrink_to(max_bytes);
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
            out.push(xxh3_64(&self.bytes));
            return;
        }
        let width = n * 8;
        out.reserve(len - n + 1);
        out.extend(self.bytes.windows(width).step_by(8).map(xxh3_64));
    }
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
pub fn intersection_len(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut common) = (0usize, 0usize, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common
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

    #[test]
    fn shingles_are_order_sensitive() {
        assert_ne!(shingle_hashes(["a", "b"], 2), shingle_hashes(["b", "a"], 2));
    }
}
