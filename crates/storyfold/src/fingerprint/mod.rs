//! Document fingerprints: exact hash, MinHash signature, SimHash and sentence hashes.
//!
//! A [`Fingerprinter`] turns raw article text into a [`Fingerprint`]:
//!
//! 1. [`text::strip_boilerplate`] removes boilerplate lines;
//! 2. [`text::normalize_into`] normalizes the result and [`exact::exact_hash`] hashes it;
//! 3. [`text::for_each_token`] tokenizes the normalized text; tokens are hashed and
//!    grouped into word `ngram` shingles ([`shingle`]);
//! 4. the deduplicated shingle set (sorted only when it is kept) is signed with MinHash ([`minhash`]) and,
//!    optionally, SimHash ([`simhash`]); optional per-sentence hashes come from
//!    [`sentence`].
//!
//! Buffers are reused: [`Fingerprinter::fingerprint`] uses a thread-local [`Scratch`],
//! [`Fingerprinter::fingerprint_with`] takes one explicitly.

pub mod exact;
pub mod minhash;
pub mod sentence;
pub mod shingle;
pub mod simhash;

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

use crate::text;

pub use exact::{content_hash, exact_hash};
pub use minhash::{estimate_jaccard, MinHasher, EMPTY_SLOT};
pub use sentence::{sentence_hashes, sentence_hashes_into};
pub use shingle::{
    exact_jaccard, for_each_common, for_each_common_at, intersection_len, shingle_hashes,
    token_hash, TokenHashes,
};
pub use simhash::{hamming, simhash};

/// Default MinHash seed (fixed so signatures are comparable across runs and machines).
pub const DEFAULT_SEED: u64 = 0x5370_4F1D_F1A6_E2B1;

/// What to compute for each document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FingerprintConfig {
    /// Words per shingle (default 5; 0 is treated as 1).
    pub ngram: usize,
    /// Number of MinHash permutations, i.e. signature length (default 128).
    pub num_perm: usize,
    /// Seed of the SplitMix64 stream the permutations are drawn from.
    pub seed: u64,
    /// Compute the 64-bit SimHash (default false).
    pub simhash: bool,
    /// Compute per-sentence hashes (default false).
    pub sentences: bool,
    /// Keep the sorted, deduplicated shingle hashes for exact Jaccard (default false).
    pub shingle_set: bool,
}

impl Default for FingerprintConfig {
    fn default() -> Self {
        Self {
            ngram: 5,
            num_perm: 128,
            seed: DEFAULT_SEED,
            simhash: false,
            sentences: false,
            shingle_set: false,
        }
    }
}

/// Fingerprints of one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// xxh3-64 of the normalized, boilerplate-stripped text.
    pub exact: u64,
    /// MinHash signature (`num_perm` values; all [`EMPTY_SLOT`] when there are no shingles).
    pub minhash: Vec<u32>,
    /// SimHash over the shingle set, when enabled.
    pub simhash: Option<u64>,
    /// One hash per non-empty sentence, in document order, when enabled.
    pub sentences: Option<Vec<u64>>,
    /// Sorted, deduplicated shingle hashes, when enabled.
    pub shingles: Option<Vec<u64>>,
    /// Number of tokens in the normalized text.
    pub n_tokens: usize,
    /// Number of shingles in the text, repeats included (a text of `t ≥ n` tokens has
    /// `t − n + 1`; the size of the shingle *set* is `shingles.len()` when it is kept).
    pub n_shingles: usize,
}

impl Fingerprint {
    /// True when the document has at least one shingle, i.e. its MinHash signature and
    /// SimHash carry information. Documents without shingles should be matched by
    /// [`exact`](Self::exact) only.
    pub fn has_shingles(&self) -> bool {
        self.n_shingles > 0
    }
}

/// Reusable buffers for [`Fingerprinter::fingerprint_with`].
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    normalized: String,
    tokens: TokenHashes,
    shingles: Vec<u64>,
    sentence: String,
    /// Open-addressing table of [`dedup_unsorted`].
    table: Vec<u64>,
}

impl Scratch {
    /// Empty scratch space.
    pub fn new() -> Self {
        Self::default()
    }

    /// Release capacity beyond a modest size so one huge document does not pin memory.
    pub fn trim(&mut self) {
        const MAX_BYTES: usize = 1 << 20;
        if self.normalized.capacity() > MAX_BYTES {
            self.normalized.shrink_to(MAX_BYTES);
        }
        self.tokens.shrink_to(MAX_BYTES);
        if self.shingles.capacity() > MAX_BYTES / 8 {
            self.shingles.shrink_to(MAX_BYTES / 8);
        }
        if self.sentence.capacity() > MAX_BYTES {
            self.sentence.shrink_to(MAX_BYTES);
        }
        if self.table.capacity() > MAX_BYTES / 8 {
            self.table = Vec::new();
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::new());
}

/// Computes [`Fingerprint`]s with a fixed configuration and precomputed permutations.
/// `Send + Sync`: share one instance across threads.
#[derive(Clone, Debug)]
pub struct Fingerprinter {
    config: FingerprintConfig,
    minhasher: MinHasher,
}

impl Default for Fingerprinter {
    fn default() -> Self {
        Self::new(FingerprintConfig::default())
    }
}

impl Fingerprinter {
    /// Build a fingerprinter, drawing the MinHash permutations from `config.seed`.
    pub fn new(config: FingerprintConfig) -> Self {
        let minhasher = MinHasher::new(config.num_perm, config.seed);
        Self { config, minhasher }
    }

    /// The configuration this fingerprinter was built with.
    pub fn config(&self) -> &FingerprintConfig {
        &self.config
    }

    /// The MinHash permutations in use.
    pub fn minhasher(&self) -> &MinHasher {
        &self.minhasher
    }

    /// Fingerprint raw text (strip boilerplate → normalize → tokens → shingles →
    /// fingerprints), reusing a thread-local [`Scratch`].
    pub fn fingerprint(&self, text: &str) -> Fingerprint {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                let fp = self.fingerprint_with(text, &mut scratch);
                scratch.trim();
                fp
            }
            Err(_) => self.fingerprint_with(text, &mut Scratch::new()),
        })
    }

    /// Like [`fingerprint`](Self::fingerprint) with caller-provided scratch buffers.
    pub fn fingerprint_with(&self, text: &str, scratch: &mut Scratch) -> Fingerprint {
        let Scratch {
            normalized,
            tokens,
            shingles,
            sentence,
            table,
        } = scratch;
        let stripped = text::strip_boilerplate(text);
        normalized.clear();
        text::normalize_into(&stripped, normalized);
        let exact = exact_hash(normalized);

        tokens.clear();
        text::for_each_token(normalized, |t| tokens.push_token(t));

        shingles.clear();
        tokens.shingles_into(self.config.ngram, shingles);
        let n_shingles = shingles.len();
        // MinHash is a minimum, so repeated shingles do not change it: the set is only built
        // when it is kept or SimHash (a sum) needs it.
        if self.config.shingle_set {
            shingles.sort_unstable();
            shingles.dedup();
        } else if self.config.simhash {
            // SimHash does not depend on order: deduplicating is enough.
            dedup_unsorted(shingles, table);
        }

        let minhash = self.minhasher.sign(shingles);
        let simhash = self.config.simhash.then(|| simhash::simhash(shingles));
        let sentences = self.config.sentences.then(|| {
            let mut out = Vec::new();
            sentence_hashes_into(&stripped, sentence, &mut out);
            out
        });
        let shingle_set = self.config.shingle_set.then(|| shingles.clone());

        Fingerprint {
            exact,
            minhash,
            simhash,
            sentences,
            shingles: shingle_set,
            n_tokens: tokens.len(),
            n_shingles,
        }
    }
}

/// Remove duplicate values from `values` in place (the first occurrence of each value is
/// kept, in order) with an open-addressing hash table of at least twice the length, reusing
/// `table` (its contents are overwritten). Faster than sorting for shingle hashes, whose
/// high bits are uniformly distributed.
fn dedup_unsorted(values: &mut Vec<u64>, table: &mut Vec<u64>) {
    if values.len() < 2 {
        return;
    }
    let bits = (values.len() * 2)
        .next_power_of_two()
        .trailing_zeros()
        .max(4);
    let size = 1usize << bits;
    let mask = size - 1;
    // 0 marks an empty slot; the value 0 itself is tracked separately.
    table.clear();
    table.resize(size, 0);
    let mut seen_zero = false;
    let mut w = 0;
    for r in 0..values.len() {
        let x = values[r];
        let keep = if x == 0 {
            !std::mem::replace(&mut seen_zero, true)
        } else {
            let mut i = (x >> (64 - bits)) as usize;
            loop {
                let slot = table[i];
                if slot == 0 {
                    table[i] = x;
                    break true;
                }
                if slot == x {
                    break false;
                }
                i = (i + 1) & mask;
            }
        };
        if keep {
            values[w] = x;
            w += 1;
        }
    }
    values.truncate(w);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedup_unsorted_keeps_first_occurrences() {
        let mut table = Vec::new();
        let mut v = vec![5, 0, 5, u64::MAX, 0, 7, u64::MAX, 1 << 63, 7];
        dedup_unsorted(&mut v, &mut table);
        assert_eq!(v, vec![5, 0, u64::MAX, 7, 1 << 63]);
        let mut big: Vec<u64> = (0..5000u64)
            .map(|i| (i % 1234).wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .collect();
        dedup_unsorted(&mut big, &mut table);
        assert_eq!(big.len(), 1234);
        let mut sorted = big.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 1234);
        let mut one = vec![3];
        dedup_unsorted(&mut one, &mut table);
        assert_eq!(one, vec![3]);
    }

    #[test]
    fn signature_does_not_depend_on_keeping_the_shingle_set() {
        let with = full();
        let without = Fingerprinter::default();
        let t = text_of(9, 400);
        let (a, b) = (with.fingerprint(&t), without.fingerprint(&t));
        assert_eq!(a.minhash, b.minhash);
        assert_eq!(a.n_shingles, b.n_shingles);
        assert_eq!(a.exact, b.exact);
    }

    const WORDS: &[&str] = &[
        "government",
        "minister",
        "said",
        "on",
        "tuesday",
        "that",
        "the",
        "new",
        "policy",
        "would",
        "reduce",
        "costs",
        "for",
        "families",
        "across",
        "country",
        "officials",
        "expect",
        "vote",
        "next",
        "week",
        "after",
        "debate",
        "in",
        "parliament",
        "critics",
        "argue",
        "plan",
        "lacks",
        "funding",
        "and",
        "detail",
        "analysts",
        "markets",
        "rose",
        "sharply",
        "while",
        "bank",
        "kept",
        "interest",
        "rates",
        "unchanged",
        "storm",
        "flooding",
        "residents",
        "evacuated",
        "coast",
        "police",
        "investigation",
        "court",
    ];

    /// Deterministic pseudo-random text of `n` words.
    fn text_of(seed: u64, n: usize) -> String {
        let mut state = seed;
        let mut words = Vec::with_capacity(n);
        for i in 0..n {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            words.push(WORDS[((state >> 33) as usize) % WORDS.len()]);
            if i % 12 == 11 {
                words.push("\n");
            }
        }
        words.join(" ")
    }

    fn full() -> Fingerprinter {
        Fingerprinter::new(FingerprintConfig {
            simhash: true,
            sentences: true,
            shingle_set: true,
            ..FingerprintConfig::default()
        })
    }

    #[test]
    fn fingerprinter_is_send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Fingerprinter>();
    }

    #[test]
    fn default_config() {
        let c = FingerprintConfig::default();
        assert_eq!((c.ngram, c.num_perm, c.seed), (5, 128, DEFAULT_SEED));
        assert!(!c.simhash && !c.sentences && !c.shingle_set);
        let fp = Fingerprinter::default().fingerprint("one two three four five six");
        assert_eq!(fp.minhash.len(), 128);
        assert!(fp.simhash.is_none() && fp.sentences.is_none() && fp.shingles.is_none());
        let parsed: FingerprintConfig = serde_json::from_str(r#"{"ngram": 3}"#).unwrap();
        assert_eq!(parsed.ngram, 3);
        assert_eq!(parsed.num_perm, 128);
    }

    #[test]
    fn identical_texts_identical_fingerprints() {
        let f = full();
        let t = text_of(1, 300);
        let a = f.fingerprint(&t);
        let b = f.fingerprint(&t);
        let mut scratch = Scratch::new();
        let c = f.fingerprint_with(&t, &mut scratch);
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a.n_tokens, 300);
        assert_eq!(estimate_jaccard(&a.minhash, &b.minhash), 1.0);
        // A reused scratch gives the same result after another document.
        let _ = f.fingerprint_with(&text_of(2, 50), &mut scratch);
        assert_eq!(f.fingerprint_with(&t, &mut scratch), a);
    }

    #[test]
    fn one_word_edit_keeps_high_similarity() {
        let f = full();
        let t = text_of(3, 600);
        let mut words: Vec<&str> = t.split(' ').collect();
        words[300] = "zeppelin";
        let edited = words.join(" ");
        let a = f.fingerprint(&t);
        let b = f.fingerprint(&edited);
        assert_ne!(a.exact, b.exact);
        let est = estimate_jaccard(&a.minhash, &b.minhash);
        let exact = exact_jaccard(a.shingles.as_ref().unwrap(), b.shingles.as_ref().unwrap());
        // One edit changes at most 5 of ~600 shingles: J >= 590/610.
        assert!(exact > 0.96, "exact {exact}");
        assert!(est > 0.85, "estimate {est}");
        assert!(hamming(a.simhash.unwrap(), b.simhash.unwrap()) <= 10);
    }

    #[test]
    fn unrelated_texts_low_similarity() {
        let f = full();
        let a = f.fingerprint(&text_of(10, 600));
        let b = f.fingerprint(&text_of(11, 600));
        let est = estimate_jaccard(&a.minhash, &b.minhash);
        assert!(est < 0.1, "estimate {est}");
        let exact = exact_jaccard(a.shingles.as_ref().unwrap(), b.shingles.as_ref().unwrap());
        assert!(exact < 0.05, "exact {exact}");
    }

    #[test]
    fn normalization_differences_do_not_matter() {
        let f = full();
        let a = f.fingerprint("The Minister  said the plan would\n reduce costs.");
        let b = f.fingerprint("the minister said the plan would reduce costs.");
        assert_eq!(a.exact, b.exact);
        assert_eq!(a.minhash, b.minhash);
    }

    #[test]
    fn short_document_has_one_shingle() {
        let f = full();
        let fp = f.fingerprint("breaking news today");
        assert_eq!(fp.n_tokens, 3);
        assert_eq!(fp.n_shingles, 1);
        assert!(fp.has_shingles());
        assert!(fp.minhash.iter().any(|&v| v != EMPTY_SLOT));
        let other = f.fingerprint("breaking news tonight");
        assert!(estimate_jaccard(&fp.minhash, &other.minhash) < 0.2);
    }

    #[test]
    fn empty_text() {
        let f = full();
        let fp = f.fingerprint("");
        assert_eq!(fp.n_tokens, 0);
        assert_eq!(fp.n_shingles, 0);
        assert!(!fp.has_shingles());
        assert_eq!(fp.minhash, vec![EMPTY_SLOT; 128]);
        assert_eq!(fp.simhash, Some(0));
        assert_eq!(fp.sentences, Some(vec![]));
        assert_eq!(fp.shingles, Some(vec![]));
        assert_eq!(fp.exact, exact_hash(""));
        assert_eq!(fp.exact, content_hash(""));
    }

    #[test]
    fn shingle_set_is_sorted_and_deduplicated() {
        let f = full();
        let fp = f.fingerprint("a b c a b c a b c a b c");
        let s = fp.shingles.unwrap();
        assert!(s.windows(2).all(|w| w[0] < w[1]));
        // Distinct 5-grams of a repeating 3-cycle: starting at a, b or c.
        assert_eq!(s.len(), 3);
        // 12 tokens give 8 shingle positions.
        assert_eq!(fp.n_shingles, 8);
        assert_eq!(fp.n_tokens, 12);
    }

    #[test]
    fn sentences_follow_document_order() {
        let f = full();
        let fp = f.fingerprint("First line here.\nSecond line here.\n");
        let s = fp.sentences.unwrap();
        assert_eq!(s, sentence_hashes("First line here.\nSecond line here.\n"));
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn ngram_zero_is_unigrams() {
        let f = Fingerprinter::new(FingerprintConfig {
            ngram: 0,
            shingle_set: true,
            ..FingerprintConfig::default()
        });
        let fp = f.fingerprint("x y z x");
        assert_eq!(fp.n_shingles, 4);
        assert_eq!(fp.shingles.unwrap().len(), 3);
    }
}
