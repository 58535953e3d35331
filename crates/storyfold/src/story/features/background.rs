//! Background document frequencies: how often a term occurs in a news article in general, so
//! that story-clustering term weights do not depend on the batch being folded.
//!
//! Without them, IDF comes from the input alone: five articles on one event, folded alone,
//! share their words in every document and those words weigh nothing, so the five fall apart.
//! A [`Background`] gives every term key ([`super::term_key`]) a **document rate**
//! `r(t)`, the chance that a news article contains the term; [`super::DocFreq`]
//! blends it with the counts of the documents it has seen as a prior of `M` virtual documents
//! ([`super::FeatureConfig::background_weight`]):
//!
//! `idf(t) = ln((M + N + 1) / (M · r(t) + df(t) + 0.5))`
//!
//! i.e. the document rate is estimated as `(M r + df) / (M + N)`, a Beta prior centred on the
//! background: a small batch (`N ≪ M`) is weighed by the background, a large corpus
//! (`N ≫ M`) by its own counts. With `M = 0` it is the batch-only IDF.
//!
//! ## The shipped table
//!
//! [`Background::shipped`] is `crates/storyfold/data/background-df.bin`, built by
//! `bash scripts/build_background_df.sh` from the English word frequencies of the `wordfreq`
//! package (3.1.1; data CC BY-SA 4.0; see `crates/storyfold/data/BACKGROUND-DF.md` and
//! `docs/background-df.md`). Its rates come from token frequencies `p` through a model of
//! the chance that a word occurs in an article ([`doc_rate`]), fitted on one news corpus and
//! checked on others. Words are tokenized, filtered and stemmed exactly as story features do
//! ([`super::word_term`]); each word is also an entity word (`Reid` in `Tara Reid`)
//! with the word's rate (an upper bound: a word is not always capitalized). Numbers, years and
//! dates have rules of their own (see the build script). Terms the table does not hold take
//! the rate of their kind ([`Background::default_rate`]): multi-word entities, rare words,
//! long numbers; those are rare in news, and the batch counts take over when they are not.
//!
//! ## Format (little endian)
//!
//! `SFBGDF01` (8 bytes), entry count `n` (u32), five default codes (u16: word, entity,
//! number, date, year), then `n` entries `(key u64, code u16)` in strictly increasing key
//! order. A code `q` stands for the rate `10^(−q / 1000)`.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{key_kind, term_key, word_term, KeyBuildHasher, TermKind};
use crate::story::entities::extract;
use crate::text::{for_each_token, prepare};

const MAGIC: &[u8; 8] = b"SFBGDF01";
/// Kinds in the order of the default codes of the format.
const KINDS: [TermKind; 5] = [
    TermKind::Word,
    TermKind::Entity,
    TermKind::Number,
    TermKind::Date,
    TermKind::Year,
];

/// The shipped table (see the [module docs](self)).
static SHIPPED: &[u8] = include_bytes!("../../../data/background-df.bin");

/// Document rates of term keys (see the [module docs](self)).
#[derive(Clone, Debug, PartialEq)]
pub struct Background {
    rates: HashMap<u64, f32, KeyBuildHasher>,
    defaults: [f32; 5],
}

/// The rate a code stands for: `10^(−q / 1000)`.
pub fn rate_of_code(q: u16) -> f32 {
    10f64.powf(-f64::from(q) / 1000.0) as f32
}

/// The code of a rate in (0, 1] (rounded; rates below `10^−65.5` take the largest code).
pub fn code_of_rate(rate: f64) -> u16 {
    if rate.is_nan() || rate <= 0.0 {
        return u16::MAX;
    }
    (-1000.0 * rate.min(1.0).log10())
        .round()
        .clamp(0.0, f64::from(u16::MAX)) as u16
}

fn kind_index(kind: TermKind) -> usize {
    KINDS.iter().position(|&k| k == kind).unwrap_or(0)
}

impl Background {
    /// The table shipped with the library, parsed once.
    pub fn shipped() -> &'static Background {
        static TABLE: OnceLock<Background> = OnceLock::new();
        TABLE.get_or_init(|| {
            Background::from_bytes(SHIPPED).expect("the shipped background table is valid")
        })
    }

    /// Parse a table (see the [module docs](self) for the format).
    pub fn from_bytes(b: &[u8]) -> Result<Background, String> {
        let rest = b
            .strip_prefix(MAGIC.as_slice())
            .ok_or("not a background table (bad magic)")?;
        let (n, rest) = rest
            .split_first_chunk::<4>()
            .ok_or("background table: truncated header")?;
        let n = u32::from_le_bytes(*n) as usize;
        let mut defaults = [0f32; 5];
        let mut rest = rest;
        for d in &mut defaults {
            let (q, r) = rest
                .split_first_chunk::<2>()
                .ok_or("background table: truncated header")?;
            *d = rate_of_code(u16::from_le_bytes(*q));
            rest = r;
        }
        if rest.len() != n.checked_mul(10).ok_or("background table: bad count")? {
            return Err(format!(
                "background table: {} bytes of entries for {n} entries",
                rest.len()
            ));
        }
        let mut rates = HashMap::with_capacity_and_hasher(n, KeyBuildHasher::default());
        let mut prev = None;
        for e in rest.chunks_exact(10) {
            let key = u64::from_le_bytes(e[..8].try_into().expect("8 bytes"));
            let q = u16::from_le_bytes([e[8], e[9]]);
            if prev.is_some_and(|p| p >= key) {
                return Err("background table: keys not in increasing order".into());
            }
            prev = Some(key);
            rates.insert(key, rate_of_code(q));
        }
        Ok(Background { rates, defaults })
    }

    /// Encode `(key, rate)` entries and the default rate of each kind (word, entity, number,
    /// date, year) as a table. Entries are sorted; a repeated key keeps its largest rate.
    pub fn encode(entries: &[(u64, f64)], defaults: [f64; 5]) -> Vec<u8> {
        let mut e: Vec<(u64, u16)> = entries.iter().map(|&(k, r)| (k, code_of_rate(r))).collect();
        // Sorted by key, the largest rate (smallest code) first: dedup keeps it.
        e.sort_unstable();
        e.dedup_by_key(|x| x.0);
        let mut out = Vec::with_capacity(8 + 4 + 10 + e.len() * 10);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(e.len() as u32).to_le_bytes());
        for d in defaults {
            out.extend_from_slice(&code_of_rate(d).to_le_bytes());
        }
        for (k, q) in e {
            out.extend_from_slice(&k.to_le_bytes());
            out.extend_from_slice(&q.to_le_bytes());
        }
        out
    }

    /// Number of terms held.
    pub fn len(&self) -> usize {
        self.rates.len()
    }

    /// True when the table holds no term.
    pub fn is_empty(&self) -> bool {
        self.rates.is_empty()
    }

    /// The rate of a term the table does not hold, by kind.
    pub fn default_rate(&self, kind: TermKind) -> f32 {
        self.defaults[kind_index(kind)]
    }

    /// The document rate of a term key: the table's, or its kind's default.
    pub fn rate(&self, key: u64) -> f32 {
        match self.rates.get(&key) {
            Some(&r) => r,
            None => self.default_rate(key_kind(key)),
        }
    }

    /// The rate of `key` if the table holds it.
    pub fn get(&self, key: u64) -> Option<f32> {
        self.rates.get(&key).copied()
    }
}

/// The chance that a news article contains a term whose share of all tokens is `p`: a
/// Poisson occurrence model over an article of [`DOC_TOKENS`] tokens, with the expected count
/// damped by burstiness (a word that occurs once tends to occur again, so it is in fewer
/// documents than its token count suggests): `1 − exp(−c · (L p)^a)`, with
/// `a` = [`BURST_EXPONENT`] and `c` = [`BURST_SCALE`], fitted (least squares of
/// `ln(−ln(1 − rate))` on `ln p`) to the document rates of the words in at least 5 of the
/// 37,554 AllSides articles, and checked on BBC and Reuters (see `docs/background-df.md`).
pub fn doc_rate(p: f64) -> f64 {
    if p.is_nan() || p <= 0.0 {
        return 0.0;
    }
    let lam = BURST_SCALE * (DOC_TOKENS * p).powf(BURST_EXPONENT);
    -(-lam).exp_m1()
}

/// The document rate of a term key of `kind` whose token share is `p`: [`doc_rate`], times
/// [`ENTITY_SHARE`] for an entity word (a word is capitalized inside a name in only part of
/// the articles that use it).
pub fn key_rate(kind: TermKind, p: f64) -> f64 {
    let r = doc_rate(p);
    if kind == TermKind::Entity {
        r * ENTITY_SHARE
    } else {
        r
    }
}

/// Tokens of a typical news article in the [`doc_rate`] model.
pub const DOC_TOKENS: f64 = 600.0;
/// Exponent of the expected count in the [`doc_rate`] model.
pub const BURST_EXPONENT: f64 = 0.64;
/// Scale of the expected count in the [`doc_rate`] model.
pub const BURST_SCALE: f64 = 0.108;
/// Share of a word's document rate that its entity term gets: `e^−1`, the median ratio of the
/// entity-word rate to the word-model rate on AllSides.
pub const ENTITY_SHARE: f64 = 0.37;

/// The term keys a line of the build input stands for (see `scripts/build_background_df.sh`):
/// kind `w` is a word as `wordfreq` lists it, tokenized, filtered and stemmed as story features
/// do ([`word_term`]; a listed word may hold several tokens), each token also as an entity word
/// when the entity rules take it capitalized; `n`, `y` and `d` are a number, a year and a date
/// written as the features write them. Other kinds give nothing.
pub fn build_keys(kind: &str, term: &str) -> Vec<u64> {
    let mut out = Vec::new();
    match kind {
        "w" => {
            let prepared = prepare(term);
            for_each_token(&prepared, |t| {
                if let Some(w) = word_term(t) {
                    out.push(term_key(TermKind::Word, w));
                    // As a capitalized word inside a sentence.
                    let mut cap: String = t.chars().take(1).flat_map(char::to_uppercase).collect();
                    cap.push_str(&t[t.chars().next().map_or(0, char::len_utf8)..]);
                    let ev = extract(&format!("and {cap} and"));
                    if let [e] = ev.entities.as_slice() {
                        out.push(term_key(TermKind::Entity, e));
                    }
                }
            });
        }
        "n" => out.push(term_key(TermKind::Number, term)),
        "y" => out.push(term_key(TermKind::Year, term)),
        "d" => out.push(term_key(TermKind::Date, term)),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::story::features::{raw_terms, FeatureConfig};

    #[test]
    fn build_keys_are_the_keys_of_story_features() {
        // Every key a text yields for "Reid" and "talks" is among the built ones.
        let built: Vec<u64> = ["reid", "talks"]
            .iter()
            .flat_map(|w| build_keys("w", w))
            .collect();
        let raw = raw_terms(
            None,
            "Later Reid said talks went on.",
            &FeatureConfig::default(),
        );
        for k in [
            term_key(TermKind::Word, "reid"),
            term_key(TermKind::Entity, "reid"),
            term_key(TermKind::Word, "talk"),
        ] {
            assert!(built.contains(&k));
            assert!(raw.terms.iter().any(|t| t.0 == k));
        }
        // Stopwords, months and one-letter tokens give nothing of their kind.
        assert!(build_keys("w", "the").is_empty());
        assert!(!build_keys("w", "january").contains(&term_key(TermKind::Entity, "january")));
        assert_eq!(build_keys("y", "2013"), [term_key(TermKind::Year, "2013")]);
        assert!(build_keys("x", "2013").is_empty());
    }

    #[test]
    fn codes_round_trip_within_a_quarter_percent() {
        for r in [1.0, 0.5, 0.1, 1e-3, 3.3e-7, 1e-12] {
            let back = f64::from(rate_of_code(code_of_rate(r)));
            assert!((back / r - 1.0).abs() < 2.5e-3, "{r} -> {back}");
        }
        assert_eq!(code_of_rate(0.0), u16::MAX);
        assert_eq!(code_of_rate(2.0), 0);
    }

    #[test]
    fn tables_encode_and_parse_and_reject_damage() {
        let a = term_key(TermKind::Word, "talk");
        let b = term_key(TermKind::Entity, "reid");
        let bytes = Background::encode(&[(b, 1e-4), (a, 0.05), (a, 0.01)], [1e-6; 5]);
        let t = Background::from_bytes(&bytes).expect("valid");
        assert_eq!(t.len(), 2);
        assert!((t.rate(a) / 0.05 - 1.0).abs() < 3e-3);
        assert!((t.rate(b) / 1e-4 - 1.0).abs() < 3e-3);
        let unknown = term_key(TermKind::Number, "93.87");
        assert_eq!(t.get(unknown), None);
        assert_eq!(t.rate(unknown), t.default_rate(TermKind::Number));
        assert!(Background::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert!(Background::from_bytes(b"SFBGDF02").is_err());
        assert!(Background::from_bytes(&[]).is_err());
        // Entries out of order.
        let mut swapped = bytes.clone();
        let head = 8 + 4 + 10;
        let (x, y) = swapped[head..].split_at_mut(10);
        x.swap_with_slice(y);
        assert!(Background::from_bytes(&swapped).is_err());
    }

    #[test]
    fn doc_rate_is_monotone_and_bounded() {
        let mut last = 0.0;
        for e in 1..=10 {
            let r = doc_rate(10f64.powi(-e));
            assert!(r > 0.0 && r < 1.0);
            if e > 1 {
                assert!(r < last);
            }
            last = r;
        }
        assert_eq!(doc_rate(0.0), 0.0);
        assert_eq!(doc_rate(f64::NAN), 0.0);
    }
}
