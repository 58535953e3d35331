//! Lexical features of a sentence pair, the inputs of the paraphrase model.
//!
//! Every feature is symmetric in the two sentences. Notation: `A`, `B` are the sets of distinct
//! normalized tokens, `w(t)` the IDF weight ([`Idf::weight`]), `W(S) = Σ_{t∈S} w(t)`.
//!
//! | # | name | definition |
//! |---|------|------------|
//! | 0 | `idf_jaccard` | `W(A∩B) / W(A∪B)` |
//! | 1 | `idf_recall_min` | `W(A∩B) / max(W(A), W(B))` |
//! | 2 | `idf_recall_max` | `W(A∩B) / min(W(A), W(B))` |
//! | 3 | `unigram_dice` | `2|A∩B| / (|A|+|B|)` |
//! | 4 | `bigram_dice` | Dice of the sets of token bigrams |
//! | 5 | `trigram_dice` | Dice of the sets of token trigrams |
//! | 6 | `char4_dice` | Dice of the sets of 4-byte windows of the normalized text |
//! | 7 | `lcs_ratio` | longest common token subsequence / longer token count |
//! | 8 | `length_ratio` | shorter / longer token count |
//! | 9 | `numbers_present` | 1 if either sentence has a number token (a token with a digit; `,` ignored) |
//! | 10 | `numbers_differ` | `1 − Jaccard` of the number sets (0 when neither has numbers) |
//! | 11 | `numbers_both_new` | 1 if each sentence has a number the other lacks |
//! | 12 | `names_differ` | `1 − Jaccard` of capitalized words of the original text, case-sensitive, the first word of the sentence excluded (0 when neither has any) |
//! | 13 | `stem_idf_dice` | IDF-weighted Dice of the sets of 5-character token prefixes (a crude stemmer: `reported`/`reporting` share `repor`) |
//! | 14 | `unmatched_idf` | `ln(1 + W(A∪B) − W(A∩B)) / 5`: the IDF mass of tokens only one side has |
//! | 15 | `idf_jaccard_sq` | `idf_jaccard²` |
//! | 16 | `kld_jaccard` | `K(A∩B) / K(A∪B)` with TF-KLD weights `k(t)` ([`Kld`]) instead of IDF |
//! | 17 | `kld_recall_min` | `K(A∩B) / max(K(A), K(B))` |
//! | 18 | `kld_unmatched` | `ln(1 + K(A∪B) − K(A∩B)) / 5` |
//! | 19 | `emb_cosine` | cosine of the two sentence embeddings (mean of static WordPiece vectors, [`Embeddings`]) |
//! | 20 | `emb_align_mean` | soft alignment: mean over the distinct pieces of one side of the best cosine with the other side's pieces, averaged over both directions |
//! | 21 | `emb_align_min` | the smaller of the two directions |
//! | 22 | `emb_align_weighted` | as 20, pieces weighted by the norm of their vector (a frequency weight in model2vec) |
//! | 23 | `emb_new_mass` | largest share (over the two sides) of norm mass in pieces whose best cosine is below 0.5 |
//! | 24 | `emb_new_count` | largest number (over the two sides) of such pieces, / 10 |
//! | 25 | `emb_unmatched_best` | mean best cosine of the pieces the other side lacks verbatim, averaged over both directions |
//! | 26 | `enc_cosine` | cosine of the two contextual sentence embeddings (all-MiniLM-L6-v2, [`encoder`](super::encoder)) |
//! | 27 | `enc_align_f` | IDF-weighted greedy soft alignment of the contextual word vectors (BERTScore-like): `2PR/(P+R)` |
//! | 28 | `enc_align_min` | `min(P, R)` of the same alignment |
//! | 29 | `enc_new_mass` | largest IDF share (over the two sides) of words whose best contextual cosine is below 0.5 |
//!
//! [`features`] (used by the shipped lexical score) computes the lexical features 0–15 and
//! leaves the others 0; [`features_with`] adds features 16–18 when given a [`Kld`] table and
//! 19–25 when given [`Embeddings`] (experiments of `storyfold-train similarity --cv`);
//! [`with_encoder`] sets features 26–29 from two [`Encoding`]s (the score used with an encoder).
//!
//! Work buffers are thread-local and reused, so computing the features does not allocate once a
//! thread has seen a pair of the same size.

use std::cell::RefCell;

use xxhash_rust::xxh3::xxh3_64;

use super::embed::{cosine, soft_alignment, Embeddings};
use super::encoder::{encoder_features, Encoding, NUM_ENC};
use super::{Idf, Kld};
use crate::align::Sentence;
#[cfg(test)]
use crate::fingerprint::intersection_len;
use crate::fingerprint::{for_each_common, for_each_common_at};
use crate::text::lexicon::prefix_stem;

/// Number of features.
pub const NUM_FEATURES: usize = 30;
/// Number of lexical features (the first ones).
pub const NUM_LEXICAL: usize = 16;
/// Index of the first TF-KLD feature.
pub const FIRST_KLD: usize = 16;
/// Index of the first embedding feature.
pub const FIRST_EMB: usize = 19;
/// Index of the first contextual encoder feature.
pub const FIRST_ENC: usize = 26;

/// Feature names, in order (see the [module docs](self)).
pub const FEATURE_NAMES: [&str; NUM_FEATURES] = [
    "idf_jaccard",
    "idf_recall_min",
    "idf_recall_max",
    "unigram_dice",
    "bigram_dice",
    "trigram_dice",
    "char4_dice",
    "lcs_ratio",
    "length_ratio",
    "numbers_present",
    "numbers_differ",
    "numbers_both_new",
    "names_differ",
    "stem_idf_dice",
    "unmatched_idf",
    "idf_jaccard_sq",
    "kld_jaccard",
    "kld_recall_min",
    "kld_unmatched",
    "emb_cosine",
    "emb_align_mean",
    "emb_align_min",
    "emb_align_weighted",
    "emb_new_mass",
    "emb_new_count",
    "emb_unmatched_best",
    "enc_cosine",
    "enc_align_f",
    "enc_align_min",
    "enc_new_mass",
];

/// Longest token sequence used by the LCS (longer sentences are cut; bounds the quadratic cost).
const MAX_LCS_TOKENS: usize = 256;
/// Longest normalized text (bytes) used for character windows.
const MAX_CHAR_BYTES: usize = 4096;
/// Most tokens (and words, for the names) of a sentence its features are computed on, the
/// first ones: a side holds some 80 bytes per token before deduplication, and a sentence of
/// news has fewer than a hundred. A longer one is marked cut, and gets no sequence measures.
pub const MAX_SIDE_TOKENS: usize = 100_000;
/// Characters kept by the prefix stemmer ([`prefix_stem`]).
const STEM_CHARS: usize = 5;

/// Per-sentence work buffers.
#[derive(Clone, Default)]
struct Side {
    /// Token hashes in order.
    seq: Vec<u64>,
    /// Distinct (token hash, IDF weight), sorted by hash.
    set: Vec<(u64, f64)>,
    /// Distinct (stem hash, IDF weight of the lightest token with that stem), sorted.
    stems: Vec<(u64, f64)>,
    bigrams: Vec<u64>,
    trigrams: Vec<u64>,
    chars: Vec<u32>,
    numbers: Vec<u64>,
    names: Vec<u64>,
    /// Whether the sentence has more than [`MAX_SIDE_TOKENS`] tokens (the rest left out).
    cut: bool,
    /// Index in `set` of each token, in order (the bit-parallel sequence measures of [`Rows`]
    /// build their tables from it, per pair: a table kept per sentence would hold
    /// `distinct tokens x length / 64` words, quadratic in the length of a long sentence).
    ids: Vec<u32>,
}

#[derive(Default)]
struct Scratch {
    a: Side,
    b: Side,
    rows: Rows,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

fn mix(a: u64, b: u64) -> u64 {
    (a ^ b.rotate_left(23)).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (a >> 29)
}

fn sort_dedup<T: Ord>(v: &mut Vec<T>) {
    v.sort_unstable();
    v.dedup();
}

fn sort_dedup_weighted(v: &mut Vec<(u64, f64)>) {
    v.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)));
    v.dedup_by_key(|x| x.0);
}

impl Side {
    /// Frees the room reserved for a sentence's tokens that deduplication left unused (a side
    /// kept per sentence: one of a sentence repeating a word would otherwise hold the room of
    /// its every token in each set).
    fn shrink(&mut self) {
        self.set.shrink_to_fit();
        self.stems.shrink_to_fit();
        self.bigrams.shrink_to_fit();
        self.trigrams.shrink_to_fit();
        self.chars.shrink_to_fit();
    }

    fn fill(&mut self, s: &Sentence, idf: &Idf) {
        let hashed = s
            .tokens
            .iter()
            .map(|t| (xxh3_64(t.as_bytes()), idf.weight(t)));
        self.fill_hashed(s, hashed);
    }

    /// [`Side::fill`] given the xxh3 hash and the IDF weight of each token of `s`, in order.
    fn fill_hashed(&mut self, s: &Sentence, hashed: impl Iterator<Item = (u64, f64)>) {
        self.seq.clear();
        self.set.clear();
        self.stems.clear();
        self.bigrams.clear();
        self.trigrams.clear();
        self.chars.clear();
        self.numbers.clear();
        self.names.clear();
        let n = s.tokens.len().min(MAX_SIDE_TOKENS);
        self.cut = s.tokens.len() > MAX_SIDE_TOKENS;
        self.seq.reserve(n);
        self.set.reserve(n);
        self.stems.reserve(n);
        self.bigrams.reserve(n.saturating_sub(1));
        self.trigrams.reserve(n.saturating_sub(2));
        self.chars.reserve(s.norm.len().min(MAX_CHAR_BYTES));
        for (t, (h, w)) in s.tokens.iter().zip(hashed).take(MAX_SIDE_TOKENS) {
            self.seq.push(h);
            self.set.push((h, w));
            self.stems
                .push((xxh3_64(prefix_stem(t, STEM_CHARS).as_bytes()), w));
            if t.bytes().any(|c| c.is_ascii_digit()) {
                let mut h = 0xcbf2_9ce4_8422_2325u64;
                for c in t.bytes().filter(|&c| c != b',') {
                    h = (h ^ c as u64).wrapping_mul(0x100_0000_01b3);
                }
                self.numbers.push(h);
            }
        }
        for w in self.seq.windows(2) {
            self.bigrams.push(mix(w[0], w[1]));
        }
        for w in self.seq.windows(3) {
            self.trigrams.push(mix(mix(w[0], w[1]), w[2]));
        }
        let bytes = s.norm.as_bytes();
        let bytes = &bytes[..bytes.len().min(MAX_CHAR_BYTES)];
        if bytes.len() < 4 {
            if !bytes.is_empty() {
                let mut x = [0u8; 4];
                x[..bytes.len()].copy_from_slice(bytes);
                self.chars.push(u32::from_le_bytes(x));
            }
        } else {
            for w in bytes.windows(4) {
                self.chars
                    .push(u32::from_le_bytes([w[0], w[1], w[2], w[3]]));
            }
        }
        let mut first = true;
        for word in s
            .text
            .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
            .map(|w| w.trim_matches(|c| c == '\'' || c == '-'))
            .filter(|w| !w.is_empty())
            .take(MAX_SIDE_TOKENS)
        {
            let is_name = word.chars().next().is_some_and(char::is_uppercase);
            if is_name && !first {
                self.names.push(xxh3_64(word.as_bytes()));
            }
            first = false;
        }
        sort_dedup_weighted(&mut self.set);
        self.ids.clear();
        for h in &self.seq {
            let id = self.set.partition_point(|x| x.0 < *h);
            self.ids.push(id as u32);
        }
        sort_dedup_weighted(&mut self.stems);
        sort_dedup(&mut self.bigrams);
        sort_dedup(&mut self.trigrams);
        sort_dedup(&mut self.chars);
        sort_dedup(&mut self.numbers);
        sort_dedup(&mut self.names);
    }
}

/// Weight of the intersection of two sorted, distinct weighted slices (the smaller weight of the
/// two sides; equal for tokens).
fn inter_weight(a: &[(u64, f64)], b: &[(u64, f64)]) -> f64 {
    let mut w = 0.0;
    for_each_common(a, b, |x| x.0, |y| y.0, |x, y| w += x.1.min(y.1));
    w
}

fn total(v: &[(u64, f64)]) -> f64 {
    v.iter().map(|x| x.1).sum()
}

/// Number of values two sorted, deduplicated slices have in common: a merge without branches
/// on the comparisons ([`intersection_len`]'s result; the sets of a sentence pair interleave
/// unpredictably, so this hot loop avoids the mispredicted branches of a plain merge).
pub(crate) fn count_common<T: Ord + Copy>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        n += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    n
}

fn dice<T: Ord + Copy>(a: &[T], b: &[T]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    2.0 * count_common(a, b) as f64 / (a.len() + b.len()) as f64
}

/// `1 − Jaccard`, 0 when both are empty.
fn jaccard_distance(a: &[u64], b: &[u64]) -> f64 {
    let i = count_common(a, b);
    let u = a.len() + b.len() - i;
    if u == 0 {
        0.0
    } else {
        1.0 - i as f64 / u as f64
    }
}

fn ratio(n: f64, d: f64) -> f64 {
    if d > 0.0 {
        (n / d).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Work rows of the token sequence measures (LCS and edit distance), kept between pairs.
#[derive(Default)]
pub(crate) struct Rows {
    prev: Vec<u32>,
    cur: Vec<u32>,
    /// For each distinct token of the text side, its positions in the pattern side.
    eq: Vec<u64>,
    /// For each distinct token of the pattern side, its index among the text side's distinct
    /// tokens (`u32::MAX` when the text lacks it).
    in_text: Vec<u32>,
    prev64: Vec<u64>,
    cur64: Vec<u64>,
}

impl Rows {
    /// Length of the longest common subsequence of two sequences (dynamic programming).
    pub(crate) fn lcs_dp<T: PartialEq>(&mut self, x: &[T], y: &[T]) -> usize {
        let m = y.len();
        let row = &mut self.prev;
        row.clear();
        row.resize(m + 1, 0);
        for xi in x {
            let mut diag = 0u32;
            for (j, yj) in y.iter().enumerate() {
                let up = row[j + 1];
                row[j + 1] = if xi == yj { diag + 1 } else { up.max(row[j]) };
                diag = up;
            }
        }
        row[m] as usize
    }

    /// Levenshtein distance of two sequences (dynamic programming).
    pub(crate) fn levenshtein_dp<T: PartialEq>(&mut self, x: &[T], y: &[T]) -> usize {
        let m = y.len();
        let (prev, cur) = (&mut self.prev, &mut self.cur);
        prev.clear();
        prev.extend(0..=m as u32);
        cur.clear();
        cur.resize(m + 1, 0);
        for (i, xi) in x.iter().enumerate() {
            cur[0] = i as u32 + 1;
            for (j, yj) in y.iter().enumerate() {
                let sub = prev[j] + u32::from(xi != yj);
                cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
            }
            std::mem::swap(prev, cur);
        }
        prev[m] as usize
    }

    /// The pattern side (the shorter) and the text side of a pair for the bit-parallel
    /// measures, with `self.eq` set to the positions in the pattern of each distinct token of
    /// the text (in [`words_of`] the pattern's length words per token), and the number of words.
    fn bit_parallel<'s>(&mut self, a: &'s Side, b: &'s Side) -> (&'s Side, &'s Side, usize) {
        let (p, t) = if a.seq.len() <= b.seq.len() {
            (a, b)
        } else {
            (b, a)
        };
        let words = words_of(p.seq.len());
        self.eq.clear();
        self.eq.resize(t.set.len() * words, 0);
        self.in_text.clear();
        self.in_text.resize(p.set.len(), u32::MAX);
        let in_text = &mut self.in_text;
        for_each_common_at(
            &p.set,
            &t.set,
            |x| x.0,
            |y| y.0,
            |i, j| {
                in_text[i] = j as u32;
            },
        );
        for (i, &id) in p.ids.iter().enumerate() {
            let j = self.in_text[id as usize];
            if j != u32::MAX {
                self.eq[j as usize * words + i / 64] |= 1 << (i % 64);
            }
        }
        (p, t, words)
    }

    /// Length of the longest common subsequence of the token sequences of two sides, bit-
    /// parallel (Allison & Dix 1986; Hyyrö 2004): one machine word per 64 tokens of the
    /// shorter side for every token of the longer, instead of a cell per pair of tokens.
    fn lcs(&mut self, a: &Side, b: &Side) -> usize {
        let (p, t, words) = self.bit_parallel(a, b);
        self.lcs_set_up(p, t, words)
    }

    /// [`Rows::lcs`] once [`Rows::bit_parallel`] has set up the pair.
    fn lcs_set_up(&mut self, p: &Side, t: &Side, words: usize) -> usize {
        // Bit i of v is 0 where row i of the LCS table steps up: v' = (v + u) | (v - u) with
        // u = v & eq, as one integer of `words` words (carries run up; u is within v).
        let v = &mut self.prev64;
        v.clear();
        v.resize(words, !0);
        for &id in &t.ids {
            let eq = &self.eq[id as usize * words..][..words];
            let mut carry = false;
            for (vw, &e) in v.iter_mut().zip(eq) {
                let u = *vw & e;
                let (sum, c1) = vw.overflowing_add(u);
                let (sum, c2) = sum.overflowing_add(u64::from(carry));
                carry = c1 || c2;
                *vw = sum | (*vw - u);
            }
        }
        let n = p.seq.len();
        v.iter()
            .enumerate()
            .map(|(w, &vw)| {
                let bits = (n - (w * 64).min(n)).min(64);
                let low = if bits == 64 { !0 } else { (1u64 << bits) - 1 };
                (!vw & low).count_ones() as usize
            })
            .sum()
    }

    /// Levenshtein distance of the token sequences of two sides, bit-parallel (Myers 1999,
    /// with Hyyrö's global distance and the blocks of edlib): the vertical deltas of a column
    /// of the table in words of 64 rows, a horizontal delta passed from each word to the next.
    #[cfg(test)]
    fn levenshtein(&mut self, a: &Side, b: &Side) -> usize {
        let (p, t, words) = self.bit_parallel(a, b);
        self.levenshtein_set_up(p, t, words)
    }

    /// [`Rows::levenshtein`] once [`Rows::bit_parallel`] has set up the pair.
    fn levenshtein_set_up(&mut self, p: &Side, t: &Side, words: usize) -> usize {
        let n = p.seq.len();
        if n == 0 {
            return t.seq.len();
        }
        // +1 (pv) and -1 (mv) vertical deltas of the current column; D[n][j] in `score`.
        let (pv, mv) = (&mut self.prev64, &mut self.cur64);
        pv.clear();
        pv.resize(words, !0);
        mv.clear();
        mv.resize(words, 0);
        let last = words - 1;
        let high = 1u64 << ((n - 1) % 64);
        let mut score = n;
        for &id in &t.ids {
            let eq = &self.eq[id as usize * words..][..words];
            // Horizontal delta entering the word from above: row 0 steps up by one
            // (D[0][j] = j).
            let mut hin: i8 = 1;
            for w in 0..words {
                let neg = u64::from(hin < 0);
                let e = eq[w];
                let xv = e | mv[w];
                let e = e | neg;
                let xh = ((e & pv[w]).wrapping_add(pv[w]) ^ pv[w]) | e;
                let ph = mv[w] | !(xh | pv[w]);
                let mh = pv[w] & xh;
                if w == last {
                    if ph & high != 0 {
                        score += 1;
                    } else if mh & high != 0 {
                        score -= 1;
                    }
                }
                let hout = (ph >> 63) as i8 - (mh >> 63) as i8;
                let ph = (ph << 1) | u64::from(hin > 0);
                let mh = (mh << 1) | neg;
                pv[w] = mh | !(xv | ph);
                mv[w] = ph & xv;
                hin = hout;
            }
        }
        score
    }
}

/// Number of 64-bit words holding one bit per token of a sequence of `n` tokens (at least 1).
fn words_of(n: usize) -> usize {
    n.div_ceil(64).max(1)
}

/// Length of the longest common subsequence of the token sequences (token hashes) of two
/// prepared sentences.
#[cfg(test)]
pub(crate) fn token_lcs(a: &SentenceSide, b: &SentenceSide) -> usize {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => scratch.rows.lcs(&a.0, &b.0),
        Err(_) => Rows::default().lcs(&a.0, &b.0),
    })
}

/// Levenshtein distance of the token sequences (token hashes) of two prepared sentences.
#[cfg(test)]
pub(crate) fn token_levenshtein(a: &SentenceSide, b: &SentenceSide) -> usize {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => scratch.rows.levenshtein(&a.0, &b.0),
        Err(_) => Rows::default().levenshtein(&a.0, &b.0),
    })
}

/// The LCS of feature 7: of the first [`MAX_LCS_TOKENS`] tokens of each side.
fn capped_lcs(a: &Side, b: &Side, rows: &mut Rows) -> usize {
    if a.seq.len() <= MAX_LCS_TOKENS && b.seq.len() <= MAX_LCS_TOKENS {
        rows.lcs(a, b)
    } else {
        let a = &a.seq[..a.seq.len().min(MAX_LCS_TOKENS)];
        let b = &b.seq[..b.seq.len().min(MAX_LCS_TOKENS)];
        rows.lcs_dp(a, b)
    }
}

/// The lexical features of a sentence pair, the others 0 (see the [module docs](self) for the
/// definitions).
pub fn features(a: &Sentence, b: &Sentence, idf: &Idf) -> [f64; NUM_FEATURES] {
    features_with(a, b, idf, None, None)
}

/// The features of a sentence pair, with the TF-KLD and embedding features when given a table
/// and a model.
pub fn features_with(
    a: &Sentence,
    b: &Sentence,
    idf: &Idf,
    kld: Option<&Kld>,
    emb: Option<&Embeddings>,
) -> [f64; NUM_FEATURES] {
    let mut f = SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => compute(&mut scratch, a, b, idf),
        // Only reachable through re-entrance, which `compute` never does; stay correct anyway.
        Err(_) => compute(&mut Scratch::default(), a, b, idf),
    });
    if let Some(kld) = kld {
        f[FIRST_KLD..FIRST_EMB].copy_from_slice(&kld_features(a, b, kld));
    }
    if let Some(e) = emb {
        let x = embedding_features(a, b, e);
        f[FIRST_EMB..FIRST_ENC].copy_from_slice(&x);
    }
    f
}

/// `f` with the encoder features 26–29 set from the encodings of its two sentences.
pub fn with_encoder(
    mut f: [f64; NUM_FEATURES],
    a: &Encoding,
    b: &Encoding,
    idf: &Idf,
) -> [f64; NUM_FEATURES] {
    f[FIRST_ENC..].copy_from_slice(&encoder_features(a, b, idf));
    f
}

const _: () = assert!(FIRST_ENC + NUM_ENC == NUM_FEATURES);

/// Features 16–18 (TF-KLD weighted overlap).
pub fn kld_features(a: &Sentence, b: &Sentence, kld: &Kld) -> [f64; 3] {
    fn distinct(s: &Sentence) -> Vec<&str> {
        let mut v: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
    let (ta, tb) = (distinct(a), distinct(b));
    let ka: f64 = ta.iter().map(|t| kld.weight(t)).sum();
    let kb: f64 = tb.iter().map(|t| kld.weight(t)).sum();
    let (mut i, mut j, mut ki) = (0, 0, 0.0);
    while i < ta.len() && j < tb.len() {
        match ta[i].cmp(tb[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                ki += kld.weight(ta[i]);
                i += 1;
                j += 1;
            }
        }
    }
    let ku = ka + kb - ki;
    [
        ratio(ki, ku),
        ratio(ki, ka.max(kb)),
        (1.0 + (ku - ki).max(0.0)).ln() / 5.0,
    ]
}

/// Number of embedding features.
pub const NUM_EMB: usize = FIRST_ENC - FIRST_EMB;

/// Features 19–25 (static embeddings).
pub fn embedding_features(a: &Sentence, b: &Sentence, e: &Embeddings) -> [f64; NUM_EMB] {
    let (ia, ib) = (e.tokenize(&a.text), e.tokenize(&b.text));
    if ia.is_empty() || ib.is_empty() {
        return [0.0; NUM_EMB];
    }
    let c = cosine(&e.mean(&ia), &e.mean(&ib));
    let (ab, ba) = soft_alignment(e, &ia, &ib);
    let fin = |x: f64| if x.is_finite() { x } else { 0.0 };
    [
        fin(c),
        fin((ab.mean_best + ba.mean_best) / 2.0),
        fin(ab.mean_best.min(ba.mean_best)),
        fin((ab.weighted_best + ba.weighted_best) / 2.0),
        fin(ab.new_mass.max(ba.new_mass)),
        ab.new_count.max(ba.new_count) as f64 / 10.0,
        fin((ab.unmatched_best + ba.unmatched_best) / 2.0),
    ]
}

fn compute(s: &mut Scratch, a: &Sentence, b: &Sentence, idf: &Idf) -> [f64; NUM_FEATURES] {
    let Scratch { a: sa, b: sb, rows } = s;
    sa.fill(a, idf);
    sb.fill(b, idf);
    compute_sides(sa, sb, rows)
}

/// What the lexical features need of one sentence, computed once: a sentence compared with
/// several others ([`crate::align::alignment::Aligner`] does) is prepared once instead of once
/// per pair. [`lexical_features`] of two of them equals [`features`] of the sentences.
#[derive(Clone, Default)]
pub struct SentenceSide(Side);

impl SentenceSide {
    /// Prepare `s` with the token weights of `idf`.
    pub fn new(s: &Sentence, idf: &Idf) -> Self {
        let mut side = Side::default();
        side.fill(s, idf);
        side.shrink();
        SentenceSide(side)
    }

    /// [`SentenceSide::new`] given the xxh3 hash (`xxh3_64` of its bytes) and the IDF weight
    /// of each token of `s`, in order (computed once per document by the aligner).
    pub(crate) fn hashed(s: &Sentence, hashes: &[u64], weights: &[f64]) -> Self {
        let mut side = Side::default();
        side.fill_hashed(s, hashes.iter().copied().zip(weights.iter().copied()));
        side.shrink();
        SentenceSide(side)
    }
}

impl std::fmt::Debug for SentenceSide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SentenceSide")
            .field("tokens", &self.0.seq.len())
            .finish()
    }
}

/// [`features`] of two prepared sentences.
pub fn lexical_features(a: &SentenceSide, b: &SentenceSide) -> [f64; NUM_FEATURES] {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => compute_sides(&a.0, &b.0, &mut scratch.rows),
        Err(_) => compute_sides(&a.0, &b.0, &mut Rows::default()),
    })
}

/// The features and, when the two token sequences make at most `max_cells` pairs of tokens,
/// the LCS length and Levenshtein distance of the whole sequences of two prepared sentences:
/// [`lexical_features`], [`token_lcs`] and [`token_levenshtein`] with one setting up of the
/// bit-parallel measures and one LCS (the features' when no side is cut to
/// [`MAX_LCS_TOKENS`]). Above `max_cells` the sequence measures are not computed (`None`): their
/// tables (`⌈shorter / 64⌉` words per token of the longer, besides as many words per distinct
/// token of the longer) grow with the product of the lengths.
pub(crate) fn features_and_sequences(
    a: &SentenceSide,
    b: &SentenceSide,
    max_cells: usize,
) -> ([f64; NUM_FEATURES], Option<(usize, usize)>) {
    let run = |rows: &mut Rows| {
        let (sa, sb) = (&a.0, &b.0);
        if sa.cut || sb.cut || sa.seq.len().saturating_mul(sb.seq.len()) > max_cells {
            return (compute_sides(sa, sb, rows), None);
        }
        let (p, t, words) = rows.bit_parallel(sa, sb);
        let lcs = rows.lcs_set_up(p, t, words);
        let lev = rows.levenshtein_set_up(p, t, words);
        let capped = if sa.seq.len() <= MAX_LCS_TOKENS && sb.seq.len() <= MAX_LCS_TOKENS {
            lcs
        } else {
            capped_lcs(sa, sb, rows)
        };
        (compute_sides_with(sa, sb, capped), Some((lcs, lev)))
    };
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => run(&mut scratch.rows),
        Err(_) => run(&mut Rows::default()),
    })
}

fn compute_sides(sa: &Side, sb: &Side, rows: &mut Rows) -> [f64; NUM_FEATURES] {
    compute_sides_with(sa, sb, capped_lcs(sa, sb, rows))
}

/// The features given the LCS of feature 7 ([`capped_lcs`]).
fn compute_sides_with(sa: &Side, sb: &Side, capped_lcs: usize) -> [f64; NUM_FEATURES] {
    let mut f = [0.0; NUM_FEATURES];
    let (wa, wb) = (total(&sa.set), total(&sb.set));
    let wi = inter_weight(&sa.set, &sb.set);
    let wu = wa + wb - wi;
    f[0] = ratio(wi, wu);
    f[1] = ratio(wi, wa.max(wb));
    f[2] = ratio(wi, wa.min(wb));
    let ni = inter_weight_count(&sa.set, &sb.set);
    f[3] = if sa.set.is_empty() && sb.set.is_empty() {
        0.0
    } else {
        2.0 * ni as f64 / (sa.set.len() + sb.set.len()) as f64
    };
    f[4] = dice(&sa.bigrams, &sb.bigrams);
    f[5] = dice(&sa.trigrams, &sb.trigrams);
    f[6] = dice(&sa.chars, &sb.chars);
    let (la, lb) = (sa.seq.len(), sb.seq.len());
    let longer = la.max(lb).min(MAX_LCS_TOKENS);
    f[7] = ratio(capped_lcs as f64, longer as f64);
    f[8] = ratio(la.min(lb) as f64, la.max(lb) as f64);
    let nums_i = count_common(&sa.numbers, &sb.numbers);
    f[9] = if sa.numbers.is_empty() && sb.numbers.is_empty() {
        0.0
    } else {
        1.0
    };
    f[10] = jaccard_distance(&sa.numbers, &sb.numbers);
    f[11] = if nums_i < sa.numbers.len() && nums_i < sb.numbers.len() {
        1.0
    } else {
        0.0
    };
    f[12] = jaccard_distance(&sa.names, &sb.names);
    let (sta, stb) = (total(&sa.stems), total(&sb.stems));
    f[13] = ratio(2.0 * inter_weight(&sa.stems, &sb.stems), sta + stb);
    f[14] = (1.0 + (wu - wi).max(0.0)).ln() / 5.0;
    f[15] = f[0] * f[0];
    f
}

/// Number of keys two sorted, distinct weighted slices share.
fn inter_weight_count(a: &[(u64, f64)], b: &[(u64, f64)]) -> usize {
    let mut n = 0;
    for_each_common(a, b, |x| x.0, |y| y.0, |_, _| n += 1);
    n
}

/// Sorted (token, tf · idf) pairs of a sentence.
fn tfidf_bag<'a>(s: &'a Sentence, idf: &Idf) -> Vec<(&'a str, f64)> {
    let mut v: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
    v.sort_unstable();
    let mut out: Vec<(&str, f64)> = Vec::with_capacity(v.len());
    for t in v {
        match out.last_mut() {
            Some(last) if last.0 == t => last.1 += 1.0,
            _ => out.push((t, 1.0)),
        }
    }
    for x in &mut out {
        x.1 *= idf.weight(x.0);
    }
    out
}

/// TF-IDF cosine of the two token bags (the baseline the model is compared with): term
/// frequency times [`Idf::weight`], cosine of the two vectors.
pub fn tfidf_cosine(a: &Sentence, b: &Sentence, idf: &Idf) -> f64 {
    let (va, vb) = (tfidf_bag(a, idf), tfidf_bag(b, idf));
    let norm = |v: &[(&str, f64)]| v.iter().map(|x| x.1 * x.1).sum::<f64>().sqrt();
    let (na, nb) = (norm(&va), norm(&vb));
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < va.len() && j < vb.len() {
        match va[i].0.cmp(vb[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += va[i].1 * vb[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    (dot / (na * nb)).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(a: &str, b: &str) -> [f64; NUM_FEATURES] {
        features(&Sentence::new(a), &Sentence::new(b), &Idf::default())
    }

    #[test]
    fn identical_sentences_have_full_overlap() {
        let x = f(
            "The Senate passed the bill 52-48.",
            "The Senate passed the bill 52-48.",
        );
        for i in [0, 1, 2, 3, 4, 5, 6, 7, 8, 13, 15] {
            assert!(
                (x[i] - 1.0).abs() < 1e-12,
                "{} = {}",
                FEATURE_NAMES[i],
                x[i]
            );
        }
        assert_eq!(x[9], 1.0);
        assert_eq!(x[10], 0.0);
        assert_eq!(x[11], 0.0);
        assert_eq!(x[12], 0.0);
        assert_eq!(x[14], 0.0);
    }

    #[test]
    fn hand_computed_overlaps() {
        // Tokens {a, b, c} vs {b, c, d}; all weights equal without a table.
        let x = f("a b c", "b c d");
        assert!((x[0] - 0.5).abs() < 1e-12);
        assert!((x[1] - 2.0 / 3.0).abs() < 1e-12);
        assert!((x[3] - 2.0 / 3.0).abs() < 1e-12);
        // Bigrams {ab, bc} vs {bc, cd}: Dice 0.5; trigrams disjoint.
        assert!((x[4] - 0.5).abs() < 1e-12);
        assert_eq!(x[5], 0.0);
        // LCS "b c" over 3 tokens.
        assert!((x[7] - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(x[8], 1.0);
    }

    #[test]
    fn numbers_and_names() {
        let x = f(
            "Smith paid $1,000 in 2004.",
            "Smith paid 1000 dollars in 2005.",
        );
        assert_eq!(x[9], 1.0);
        // {1000, 2004} vs {1000, 2005}: Jaccard 1/3.
        assert!((x[10] - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(x[11], 1.0);
        // The first word is not a name; no other capitalized word.
        assert_eq!(x[12], 0.0);
        let y = f("He met Jones in Paris.", "He met Brown in Paris.");
        assert!((y[12] - 2.0 / 3.0).abs() < 1e-12);
        let z = f("He met Jones.", "He met jones.");
        assert_eq!(z[12], 1.0, "names are compared case-sensitively");
    }

    #[test]
    fn idf_weighting_matters() {
        let mut idf = Idf {
            documents: 1000,
            ..Idf::default()
        };
        idf.df.insert("the".into(), 999);
        idf.df.insert("said".into(), 900);
        let a = Sentence::new("the minister said");
        let shares_rare = Sentence::new("the minister resigned");
        let shares_common = Sentence::new("the president said");
        let x = features(&a, &shares_rare, &idf);
        let y = features(&a, &shares_common, &idf);
        assert!(x[0] > y[0] + 0.3, "{} vs {}", x[0], y[0]);
        // Unweighted overlap cannot tell them apart.
        assert!((x[3] - y[3]).abs() < 1e-12);
    }

    #[test]
    fn empty_and_tiny_inputs_do_not_panic() {
        let x = f("", "");
        assert!(x.iter().all(|v| v.is_finite()));
        let y = f("é", "a b");
        assert!(y.iter().all(|v| v.is_finite()));
    }

    /// A sentence of the given words (one token each).
    fn words(ws: &[u8]) -> Sentence {
        let text: Vec<String> = ws.iter().map(|w| format!("w{w}")).collect();
        Sentence::new(&text.join(" "))
    }

    proptest::proptest! {
        /// The bit-parallel LCS and edit distance equal the dynamic programs they replace,
        /// in one word and across words (a small alphabet makes repeats common, a large one
        /// rare matches).
        #[test]
        fn bit_parallel_measures_match_the_dynamic_programs(
            alphabet in proptest::sample::select(vec![2u8, 6, 40]),
            x in proptest::collection::vec(0u8..=255, 0..200),
            y in proptest::collection::vec(0u8..=255, 0..200),
        ) {
            let x: Vec<u8> = x.iter().map(|c| c % alphabet).collect();
            let y: Vec<u8> = y.iter().map(|c| c % alphabet).collect();
            let idf = Idf::default();
            let (sx, sy) = (words(&x), words(&y));
            let (a, b) = (SentenceSide::new(&sx, &idf), SentenceSide::new(&sy, &idf));
            let mut rows = Rows::default();
            let lcs = rows.lcs_dp(&x, &y);
            let lev = rows.levenshtein_dp(&x, &y);
            proptest::prop_assert_eq!(token_lcs(&a, &b), lcs);
            proptest::prop_assert_eq!(token_lcs(&b, &a), lcs);
            proptest::prop_assert_eq!(token_levenshtein(&a, &b), lev);
            proptest::prop_assert_eq!(token_levenshtein(&b, &a), lev);
            let (f, seq) = features_and_sequences(&a, &b, usize::MAX);
            proptest::prop_assert_eq!(seq, Some((lcs, lev)));
            let separate = lexical_features(&a, &b);
            proptest::prop_assert!(f.iter().zip(&separate).all(|(x, y)| x.to_bits() == y.to_bits()));
            // Over the cell limit: the same features, no sequence measures.
            let cells = x.len() * y.len();
            if cells > 0 {
                let (g, none) = features_and_sequences(&a, &b, cells - 1);
                proptest::prop_assert_eq!(none, None);
                proptest::prop_assert!(g.iter().zip(&f).all(|(x, y)| x.to_bits() == y.to_bits()));
            }
        }
    }

    #[test]
    fn sentences_over_the_side_limit_get_no_sequence_measures() {
        let idf = Idf::default();
        let long = Sentence::new(&vec!["tax"; MAX_SIDE_TOKENS + 1].join(" "));
        let short = Sentence::new("tax cut");
        let (l, s) = (
            SentenceSide::new(&long, &idf),
            SentenceSide::new(&short, &idf),
        );
        assert_eq!(l.0.seq.len(), MAX_SIDE_TOKENS);
        assert_eq!(features_and_sequences(&l, &s, usize::MAX).1, None);
        let at_limit = Sentence::new(&vec!["tax"; MAX_SIDE_TOKENS].join(" "));
        let m = SentenceSide::new(&at_limit, &idf);
        assert_eq!(
            features_and_sequences(&m, &s, usize::MAX).1,
            Some((1, MAX_SIDE_TOKENS - 1))
        );
    }

    proptest::proptest! {
        /// The branch-free count of common values is the merge's.
        #[test]
        fn count_common_is_the_intersection_length(
            mut x in proptest::collection::vec(0u64..50, 0..60),
            mut y in proptest::collection::vec(0u64..50, 0..60),
        ) {
            for v in [&mut x, &mut y] {
                v.sort_unstable();
                v.dedup();
            }
            proptest::prop_assert_eq!(count_common(&x, &y), intersection_len(&x, &y));
        }
    }

    #[test]
    fn bit_parallel_measures_at_the_limits() {
        let idf = Idf::default();
        let mut rows = Rows::default();
        for (n, m) in [
            (0, 0),
            (0, 5),
            (1, 1),
            (63, 64),
            (64, 64),
            (64, 65),
            (65, 65),
            (127, 300),
            (128, 128),
            (129, 140),
            (300, 300),
        ] {
            let x: Vec<u8> = (0..n).map(|i| (i % 7) as u8).collect();
            let y: Vec<u8> = (0..m).map(|i| (i * 3 % 5) as u8).collect();
            let a = SentenceSide::new(&words(&x), &idf);
            let b = SentenceSide::new(&words(&y), &idf);
            assert_eq!(token_lcs(&a, &b), rows.lcs_dp(&x, &y), "{n} {m}");
            assert_eq!(
                token_levenshtein(&a, &b),
                rows.levenshtein_dp(&x, &y),
                "{n} {m}"
            );
        }
    }

    #[test]
    fn tfidf_cosine_bounds() {
        let idf = Idf::default();
        let a = Sentence::new("a b c");
        assert!((tfidf_cosine(&a, &a, &idf) - 1.0).abs() < 1e-12);
        assert_eq!(tfidf_cosine(&a, &Sentence::new("x y"), &idf), 0.0);
    }
}
