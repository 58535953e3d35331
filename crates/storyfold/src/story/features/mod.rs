//! Term vectors for story clustering: hashed, boosted term frequencies of an article
//! ([`raw_terms`]), document frequencies ([`DocFreq`]) and TF-IDF unit vectors ([`weigh`]).
//!
//! Terms of an article (all lower-cased, each hashed with xxh3 together with its kind, so
//! the kinds never collide):
//!
//! * **words**: tokens of [`crate::text::prepare`]d text (boilerplate stripped, normalized),
//!   minus [`is_broad_stopword`]s, one-letter tokens and numbers, with a light plural stemming
//!   ([`plural_stem`]: `-ies` → `-ie`, a final `-s` is dropped unless the word ends in `ss`,
//!   `us` or `is`, for words of more than 3 letters);
//! * **entities**, **numbers** and **dates** from [`super::entities::extract`]; a number
//!   1900–2099 of four digits is a **year**, a kind of its own.
//!
//! The term frequency of each term is the sum over occurrences of the occurrence's weight:
//! 1 in the body, [`FeatureConfig::title_weight`] in the title. The vector weight of a term is
//! `(1 + ln tf) · idf · boost`, where `boost` is [`FeatureConfig::entity_weight`] (2),
//! [`FeatureConfig::number_weight`] (2), [`FeatureConfig::date_weight`] (1.5) or
//! [`FeatureConfig::year_weight`] (4) for those kinds and 1 for words, and `idf = ln((N + 1) / (df + 0.5))` (clamped at 0) over the `N` documents of
//! a [`DocFreq`]. Only the [`FeatureConfig::max_terms`] heaviest terms are kept, and the
//! vector is scaled to unit length.
//!
//! Years and figures weigh most because they are what tells two incidents of one kind with
//! the same main actor apart (a coach fired in 2008 and hired in 2005, an election in 2008 and
//! in 2013, a magnitude 5.6 and a 6.1 quake on the same island): on ECB+ raising the year
//! boost from 1 (an ordinary number) to 4 and the number boost from 1 to 2 lifted B-cubed F1
//! from 0.918 to 0.933; boosts of 3–5 for years and 1.5–3 for numbers all give 0.923–0.933.

pub mod background;

use std::collections::HashMap;

use xxhash_rust::xxh3::xxh3_64;

use self::background::Background;
use super::entities::extract;
use crate::text::lexicon::{is_broad_stopword, plural_stem};
use crate::text::{for_each_token, prepare, strip_boilerplate};

/// Weights of the term kinds (see the [module docs](self)).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FeatureConfig {
    /// Weight of one occurrence in the title (an occurrence in the body weighs 1).
    pub title_weight: f32,
    /// Boost of entity terms.
    pub entity_weight: f32,
    /// Boost of number terms.
    pub number_weight: f32,
    /// Boost of date terms.
    pub date_weight: f32,
    /// Boost of year terms (numbers 1900–2099).
    pub year_weight: f32,
    /// Largest number of terms kept in a document vector (the heaviest ones).
    pub max_terms: usize,
    /// Weight, in virtual documents, of the shipped background document frequencies blended
    /// with the counts of the input ([`background`]); 0: the input's counts only.
    /// (Settings stored before this field existed read as the default.)
    #[serde(default = "default_background_weight")]
    pub background_weight: f64,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            title_weight: 2.0,
            entity_weight: 2.0,
            number_weight: 2.0,
            date_weight: 1.5,
            year_weight: 4.0,
            max_terms: 150,
            background_weight: BACKGROUND_WEIGHT,
        }
    }
}

/// Default [`FeatureConfig::background_weight`].
pub const BACKGROUND_WEIGHT: f64 = 50.0;

fn default_background_weight() -> f64 {
    BACKGROUND_WEIGHT
}

/// Kinds of terms; part of the hashed key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum TermKind {
    /// An ordinary word.
    Word = b'w',
    /// An entity (capitalized sequence or one of its words).
    Entity = b'e',
    /// A number.
    Number = b'n',
    /// A calendar date.
    Date = b'd',
    /// A year (a number 1900–2099).
    Year = b'y',
}

/// The hashed key of a term of a kind.
pub fn term_key(kind: TermKind, term: &str) -> u64 {
    // Hash the kind byte followed by the term; short terms go through a stack buffer.
    let mut stack = [0u8; 64];
    let h = if term.len() < stack.len() {
        stack[0] = kind as u8;
        stack[1..=term.len()].copy_from_slice(term.as_bytes());
        xxh3_64(&stack[..=term.len()])
    } else {
        let mut buf = Vec::with_capacity(term.len() + 1);
        buf.push(kind as u8);
        buf.extend_from_slice(term.as_bytes());
        xxh3_64(&buf)
    };
    // The kind lives in the top byte as well, so weights can be looked up by kind.
    (h & 0x00ff_ffff_ffff_ffff) | ((kind as u64) << 56)
}

/// The kind of a hashed key made by [`term_key`].
pub fn key_kind(key: u64) -> TermKind {
    match (key >> 56) as u8 {
        b'e' => TermKind::Entity,
        b'n' => TermKind::Number,
        b'd' => TermKind::Date,
        b'y' => TermKind::Year,
        _ => TermKind::Word,
    }
}

/// Boosted term frequencies of one article, sorted by key (see the [module docs](self)).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawTerms {
    /// `(key, frequency)`, sorted by key, keys unique.
    pub terms: Vec<(u64, f32)>,
}

/// A TF-IDF unit vector: `(key, weight)` sorted by key.
pub type TermVector = Vec<(u64, f32)>;

/// The word term of a token of [`prepare`]d text (see the [module docs](self)): `None` for
/// stopwords, one-letter tokens and numbers, else the stemmed token.
pub fn word_term(t: &str) -> Option<&str> {
    if t.chars().count() < 2
        || t.chars().next().is_some_and(|c| c.is_ascii_digit())
        || is_broad_stopword(t)
    {
        return None;
    }
    Some(plural_stem(t))
}

fn add_text(counts: &mut HashMap<u64, f32, KeyBuildHasher>, text: &str, weight: f32) {
    let prepared = prepare(text);
    for_each_token(&prepared, |t| {
        if let Some(w) = word_term(t) {
            *counts.entry(term_key(TermKind::Word, w)).or_default() += weight;
        }
    });
    let ev = extract(&strip_boilerplate(text));
    for e in &ev.entities {
        *counts.entry(term_key(TermKind::Entity, e)).or_default() += weight;
    }
    for n in &ev.numbers {
        let kind = if is_year(n) {
            TermKind::Year
        } else {
            TermKind::Number
        };
        *counts.entry(term_key(kind, n)).or_default() += weight;
    }
    for d in &ev.dates {
        *counts.entry(term_key(TermKind::Date, d)).or_default() += weight;
    }
}

/// True for a number 1900–2099 written with four digits.
fn is_year(n: &str) -> bool {
    n.len() == 4
        && (n.starts_with("19") || n.starts_with("20"))
        && n.bytes().all(|b| b.is_ascii_digit())
}

/// The boosted term frequencies of an article (title optional).
pub fn raw_terms(title: Option<&str>, text: &str, cfg: &FeatureConfig) -> RawTerms {
    let mut counts: HashMap<u64, f32, KeyBuildHasher> = HashMap::default();
    if let Some(t) = title {
        add_text(&mut counts, t, cfg.title_weight);
    }
    add_text(&mut counts, text, 1.0);
    let mut terms: Vec<(u64, f32)> = counts.into_iter().collect();
    terms.sort_unstable_by_key(|&(k, _)| k);
    RawTerms { terms }
}

/// Document frequencies of term keys over a number of documents, blended with the
/// [`Background`] when one is given (see [`background`]).
#[derive(Clone, Debug, Default)]
pub struct DocFreq {
    df: HashMap<u64, u32>,
    docs: u64,
    prior: Option<Prior>,
}

/// A background table and its weight in virtual documents ([`background`]).
#[derive(Clone, Copy, Debug)]
pub struct Prior {
    table: &'static Background,
    weight: f64,
}

impl Prior {
    /// `table` weighing as `weight` documents; `None` when `weight` is not positive.
    pub fn new(table: &'static Background, weight: f64) -> Option<Prior> {
        (weight.is_finite() && weight > 0.0).then_some(Prior { table, weight })
    }

    /// The shipped table ([`Background::shipped`]) weighing as `weight` documents.
    pub fn shipped(weight: f64) -> Option<Prior> {
        if weight.is_finite() && weight > 0.0 {
            Prior::new(Background::shipped(), weight)
        } else {
            None
        }
    }

    /// Weight in virtual documents.
    pub fn weight(&self) -> f64 {
        self.weight
    }

    /// The table.
    pub fn table(&self) -> &'static Background {
        self.table
    }
}

/// `(M, M · r(key))`: the virtual documents and virtual document frequency of a key.
pub fn pseudo(prior: Option<Prior>, key: u64) -> (f64, f64) {
    match prior {
        Some(p) => (p.weight, p.weight * f64::from(p.table.rate(key))),
        None => (0.0, 0.0),
    }
}

impl DocFreq {
    /// An empty table, batch counts only.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty table blended with the shipped background weighing as `weight` documents
    /// ([`FeatureConfig::background_weight`]; 0: batch counts only).
    pub fn with_background(weight: f64) -> Self {
        Self::with_prior(Prior::shipped(weight))
    }

    /// An empty table blended with `prior` (`None`: batch counts only).
    pub fn with_prior(prior: Option<Prior>) -> Self {
        DocFreq {
            prior,
            ..Self::default()
        }
    }

    /// Count one document.
    pub fn add(&mut self, raw: &RawTerms) {
        self.docs += 1;
        for &(k, _) in &raw.terms {
            *self.df.entry(k).or_default() += 1;
        }
    }

    /// Uncount one document counted by [`add`](Self::add) (a term or document not counted
    /// stays at 0).
    pub fn remove(&mut self, raw: &RawTerms) {
        self.docs = self.docs.saturating_sub(1);
        for &(k, _) in &raw.terms {
            if let std::collections::hash_map::Entry::Occupied(mut e) = self.df.entry(k) {
                *e.get_mut() -= 1;
                if *e.get() == 0 {
                    e.remove();
                }
            }
        }
    }

    /// Number of documents counted.
    pub fn docs(&self) -> u64 {
        self.docs
    }

    /// Number of documents that contain `key`, as counted.
    pub fn df(&self, key: u64) -> u32 {
        self.df.get(&key).copied().unwrap_or(0)
    }

    /// The background blended in, if any.
    pub fn prior(&self) -> Option<Prior> {
        self.prior
    }

    /// `ln((M + N + 1) / (M · r + df + 0.5))`, clamped at 0 (`M = 0` without a background).
    pub fn idf(&self, key: u64) -> f32 {
        idf_of(self.docs, self.df(key), pseudo(self.prior, key))
    }
}

/// `ln((M + docs + 1) / (M · r + df + 0.5))`, clamped at 0, with `bg = (M, M · r)`.
pub fn idf_of(docs: u64, df: u32, bg: (f64, f64)) -> f32 {
    ((bg.0 + docs as f64 + 1.0) / (bg.1 + df as f64 + 0.5))
        .ln()
        .max(0.0) as f32
}

/// A hasher for keys that are already hashes ([`term_key`]): the key itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        // Mix the kind byte (top) into the low bits the table indexes by.
        self.0 = n ^ (n >> 56);
    }
}

/// Builds [`KeyHasher`]s.
pub type KeyBuildHasher = std::hash::BuildHasherDefault<KeyHasher>;

/// The raw terms of many documents held compactly, with their document frequencies.
///
/// [`TermTable::add`] interns every term key into a dense id (first-seen order), counts its
/// document frequency and returns the document's terms as [`CompactTerms`]: ids in increasing
/// order as variable-length deltas, each followed by its term frequency (a variable-length
/// integer when every frequency of the document is a whole number, as with the default
/// weights; the `f32` bits otherwise). About 3 bytes a term instead of 12, so the raw terms of
/// a million long articles fit in memory until the document frequencies are complete.
/// [`TermTable::weigh`] then gives exactly [`weigh`] of the original raw terms against the
/// frequencies counted so far.
#[derive(Clone, Debug, Default)]
pub struct TermTable {
    ids: HashMap<u64, u32, KeyBuildHasher>,
    keys: Vec<u64>,
    df: Vec<u32>,
    docs: u64,
    prior: Option<Prior>,
    /// The background rate of every id (empty without a background).
    rates: Vec<f32>,
}

/// One document's raw terms as encoded by [`TermTable::add`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompactTerms(Vec<u8>);

impl CompactTerms {
    /// Encoded size in bytes.
    pub fn bytes(&self) -> usize {
        self.0.len()
    }
}

fn put_varint(out: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        out.push((x as u8) | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

fn get_varint(buf: &[u8], pos: &mut usize) -> u64 {
    let (mut x, mut shift) = (0u64, 0u32);
    while let Some(&b) = buf.get(*pos) {
        *pos += 1;
        if shift < 64 {
            x |= u64::from(b & 0x7f) << shift;
        }
        if b < 0x80 {
            break;
        }
        shift += 7;
    }
    x
}

impl TermTable {
    /// An empty table, batch counts only.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty table blended with `prior` (see [`DocFreq::with_prior`]).
    pub fn with_prior(prior: Option<Prior>) -> Self {
        TermTable {
            prior,
            ..Self::default()
        }
    }

    /// Number of documents added.
    pub fn docs(&self) -> u64 {
        self.docs
    }

    /// Number of distinct terms seen.
    pub fn terms(&self) -> usize {
        self.keys.len()
    }

    /// Count one document and encode its terms.
    pub fn add(&mut self, raw: &RawTerms) -> CompactTerms {
        self.docs += 1;
        let mut ids: Vec<(u32, f32)> = Vec::with_capacity(raw.terms.len());
        for &(k, tf) in &raw.terms {
            let next = self.keys.len() as u32;
            let id = *self.ids.entry(k).or_insert(next);
            if id == next {
                self.keys.push(k);
                self.df.push(0);
                if let Some(p) = self.prior {
                    self.rates.push(p.table.rate(k));
                }
            }
            self.df[id as usize] += 1;
            ids.push((id, tf));
        }
        ids.sort_unstable_by_key(|&(id, _)| id);
        let whole = ids
            .iter()
            .all(|&(_, tf)| tf >= 0.0 && tf.fract() == 0.0 && tf < 4.0e9);
        let mut out = Vec::with_capacity(ids.len() * 3 + 1);
        out.push(u8::from(!whole));
        let mut prev = 0u32;
        for (id, tf) in ids {
            put_varint(&mut out, u64::from(id - prev));
            prev = id;
            if whole {
                put_varint(&mut out, tf as u64);
            } else {
                out.extend_from_slice(&tf.to_bits().to_le_bytes());
            }
        }
        CompactTerms(out)
    }

    /// The TF-IDF unit vector of an encoded document: the same as [`weigh`] of its raw terms
    /// with the document frequencies counted so far.
    pub fn weigh(&self, c: &CompactTerms, cfg: &FeatureConfig) -> TermVector {
        let buf = &c.0;
        let whole = buf.first() == Some(&0);
        let mut pos = 1;
        let mut id = 0u64;
        let mut terms: Vec<(u64, f32, f32)> = Vec::new();
        while pos < buf.len() {
            id = id.saturating_add(get_varint(buf, &mut pos));
            let tf = if whole {
                get_varint(buf, &mut pos) as f32
            } else {
                let Some(b) = buf.get(pos..pos + 4) else {
                    break;
                };
                pos += 4;
                f32::from_bits(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            };
            let Some(&key) = self.keys.get(id as usize) else {
                break;
            };
            let bg = match (self.prior, self.rates.get(id as usize)) {
                (Some(p), Some(&r)) => (p.weight, p.weight * f64::from(r)),
                _ => (0.0, 0.0),
            };
            terms.push((key, tf, idf_of(self.docs, self.df[id as usize], bg)));
        }
        terms.sort_unstable_by_key(|t| t.0);
        weigh_with(terms.into_iter(), cfg)
    }
}

/// The TF-IDF unit vector of `raw` (see the [module docs](self)); empty when no term has a
/// positive weight.
pub fn weigh(raw: &RawTerms, df: &DocFreq, cfg: &FeatureConfig) -> TermVector {
    weigh_with(raw.terms.iter().map(|&(k, tf)| (k, tf, df.idf(k))), cfg)
}

/// [`weigh`] with the IDF of each key given by `idf` (for document frequencies kept other
/// than in a [`DocFreq`]).
pub fn weigh_by(raw: &RawTerms, idf: impl Fn(u64) -> f32, cfg: &FeatureConfig) -> TermVector {
    weigh_with(raw.terms.iter().map(|&(k, tf)| (k, tf, idf(k))), cfg)
}

/// [`weigh`] over `(key, tf, idf)` triples in key order.
fn weigh_with(terms: impl Iterator<Item = (u64, f32, f32)>, cfg: &FeatureConfig) -> TermVector {
    let mut v: Vec<(u64, f32)> = terms
        .map(|(k, tf, idf)| {
            let boost = match key_kind(k) {
                TermKind::Word => 1.0,
                TermKind::Entity => cfg.entity_weight,
                TermKind::Number => cfg.number_weight,
                TermKind::Date => cfg.date_weight,
                TermKind::Year => cfg.year_weight,
            };
            (k, (1.0 + tf.max(1e-6).ln().max(0.0)) * idf * boost)
        })
        .filter(|&(_, w)| w > 0.0 && w.is_finite())
        .collect();
    keep_heaviest(&mut v, cfg.max_terms);
    // Kept for the whole run, one per article: give back the room of the dropped terms (a long
    // article has thousands of distinct terms; this took 15 GB on a million articles).
    v.shrink_to_fit();
    let norm = v
        .iter()
        .map(|&(_, w)| (w as f64) * (w as f64))
        .sum::<f64>()
        .sqrt();
    if norm > 0.0 {
        for e in &mut v {
            e.1 = (e.1 as f64 / norm) as f32;
        }
    }
    v
}

/// Dot product of two key-sorted sparse vectors.
pub fn dot(a: &[(u64, f32)], b: &[(u64, f32)]) -> f64 {
    let (mut i, mut j, mut s) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 as f64 * b[j].1 as f64;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// One sparse vector loaded into an open-addressing table, to take its dot product with many
/// others: [`KeyProbe::dot`] walks the other vector once and looks each key up, instead of
/// merging two sorted lists. Matching keys are met in the same (increasing) order as in
/// [`dot`], so the result is the same to the last bit.
#[derive(Clone, Debug, Default)]
pub struct KeyProbe {
    /// `(key, weight)`; key 0 marks an empty slot ([`term_key`] never makes 0).
    slots: Vec<(u64, f32)>,
    mask: usize,
    /// Whether the loaded vector holds a key 0 (then looked up by a scan).
    zero: Option<f32>,
}

impl KeyProbe {
    /// An empty probe.
    pub fn new() -> Self {
        Self::default()
    }

    /// Load `v` (key-sorted, keys unique), replacing what was loaded.
    pub fn load(&mut self, v: &[(u64, f32)]) {
        // At most a quarter full: most keys are found (or missed) in their home slot.
        let cap = (v.len() * 4).next_power_of_two().max(16);
        if self.slots.len() != cap {
            self.slots = vec![(0, 0.0); cap];
        } else {
            self.slots.fill((0, 0.0));
        }
        self.mask = cap - 1;
        self.zero = None;
        for &(k, w) in v {
            if k == 0 {
                self.zero = Some(w);
                continue;
            }
            let mut i = (k as usize) & self.mask;
            while self.slots[i].0 != 0 {
                i = (i + 1) & self.mask;
            }
            self.slots[i] = (k, w);
        }
    }

    fn get(&self, k: u64) -> Option<f32> {
        if k == 0 {
            return self.zero;
        }
        if self.slots.is_empty() {
            return None;
        }
        let mut i = (k as usize) & self.mask;
        loop {
            let (sk, w) = self.slots[i];
            if sk == k {
                return Some(w);
            }
            if sk == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// `dot(loaded, other)` (same value as [`dot`]).
    pub fn dot(&self, other: &[(u64, f32)]) -> f64 {
        if self.slots.is_empty() || self.zero.is_some() {
            let mut s = 0.0f64;
            for &(k, w) in other {
                if let Some(x) = self.get(k) {
                    s += x as f64 * w as f64;
                }
            }
            return s;
        }
        let mut s = 0.0f64;
        for &(k, w) in other {
            // The key's home slot decides most lookups: its weight is added without a branch
            // (adding +0.0 leaves the sum as it is: it is never -0.0); the rare key whose home
            // slot holds another key probes on.
            let (sk, x) = self.slots[(k as usize) & self.mask];
            let hit = sk == k && k != 0;
            s += if hit { x as f64 * w as f64 } else { 0.0 };
            if !hit && sk != 0 && k != 0 {
                if let Some(x) = self.get(k) {
                    s += x as f64 * w as f64;
                }
            }
        }
        s
    }
}

/// `a + scale · b` for key-sorted sparse vectors (entries that cancel out are dropped).
pub fn add_scaled(a: &[(u64, f32)], b: &[(u64, f32)], scale: f32) -> TermVector {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let take_a = j >= b.len() || (i < a.len() && a[i].0 < b[j].0);
        let take_b = i >= a.len() || (j < b.len() && b[j].0 < a[i].0);
        if take_a {
            out.push(a[i]);
            i += 1;
        } else if take_b {
            out.push((b[j].0, scale * b[j].1));
            j += 1;
        } else {
            let w = a[i].1 + scale * b[j].1;
            if w.abs() > 1e-7 {
                out.push((a[i].0, w));
            }
            i += 1;
            j += 1;
        }
    }
    out
}

/// Heaviest entry first, ties by key: a total order, so "the n heaviest" is one set.
pub fn heavier_first(a: &(u64, f32), b: &(u64, f32)) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}

/// Keep the `keep` heaviest entries of a vector ([`heavier_first`]) in key order; by
/// selection, not a full sort.
pub fn keep_heaviest(v: &mut TermVector, keep: usize) {
    if v.len() <= keep {
        return;
    }
    if keep == 0 {
        v.clear();
        return;
    }
    v.select_nth_unstable_by(keep - 1, heavier_first);
    v.truncate(keep);
    v.sort_unstable_by_key(|&(k, _)| k);
}

/// Euclidean norm of a sparse vector.
pub fn norm(v: &[(u64, f32)]) -> f64 {
    v.iter()
        .map(|&(_, w)| (w as f64) * (w as f64))
        .sum::<f64>()
        .sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vec_of(title: Option<&str>, text: &str, df: &DocFreq) -> TermVector {
        weigh(
            &raw_terms(title, text, &FeatureConfig::default()),
            df,
            &FeatureConfig::default(),
        )
    }

    #[test]
    fn kinds_are_kept_apart_and_title_counts_more() {
        let raw = raw_terms(Some("Fire"), "fire in Paris", &FeatureConfig::default());
        let tf = |k: u64| raw.terms.iter().find(|t| t.0 == k).map(|t| t.1);
        assert_eq!(tf(term_key(TermKind::Word, "fire")), Some(3.0));
        assert_eq!(tf(term_key(TermKind::Entity, "paris")), Some(1.0));
        assert_eq!(tf(term_key(TermKind::Word, "paris")), Some(1.0));
        assert_eq!(
            key_kind(term_key(TermKind::Entity, "paris")),
            TermKind::Entity
        );
        // Years are a kind of their own; other numbers stay numbers.
        let raw = raw_terms(
            None,
            "In 2013 the fund paid 2500 dollars.",
            &FeatureConfig::default(),
        );
        let has = |k: u64| raw.terms.iter().any(|t| t.0 == k);
        assert!(has(term_key(TermKind::Year, "2013")));
        assert!(!has(term_key(TermKind::Number, "2013")));
        assert!(has(term_key(TermKind::Number, "2500")));
        assert_eq!(key_kind(term_key(TermKind::Year, "2013")), TermKind::Year);
        assert!(is_year("1999") && !is_year("2500") && !is_year("199") && !is_year("20a3"));
    }

    #[test]
    fn key_probe_dot_is_bit_identical_with_colliding_keys() {
        // Keys that share home slots (multiples of a power of two), a key 0, negative weights.
        let mut x = 7u64;
        let mut next = move || {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            x >> 33
        };
        let mut vecs: Vec<TermVector> = Vec::new();
        for n in [0usize, 1, 3, 40, 150, 400] {
            let mut v: TermVector = (0..n)
                .map(|_| {
                    let k = match next() % 3 {
                        0 => (next() % 64) * 1024,
                        1 => next() % 64,
                        _ => next() << 20,
                    };
                    (k, (next() % 2000) as f32 / 1000.0 - 0.5)
                })
                .collect();
            v.sort_by_key(|e| e.0);
            v.dedup_by_key(|e| e.0);
            vecs.push(v);
        }
        let mut probe = KeyProbe::new();
        for a in &vecs {
            probe.load(a);
            for b in &vecs {
                assert_eq!(probe.dot(b).to_bits(), dot(a, b).to_bits());
            }
        }
    }

    #[test]
    fn compact_terms_weigh_exactly_as_raw_terms() {
        let texts = [
            (
                Some("Quake in Chile"),
                "An earthquake struck northern Chile on March 3, 2014, killing 6.",
            ),
            (
                None,
                "A strong earthquake hit northern Chile, officials said. Chile! Chile!",
            ),
            (
                Some("Budget"),
                "The city council approved the budget of 12,500 dollars for schools.",
            ),
            (None, ""),
        ];
        let cfg = FeatureConfig::default();
        let raws: Vec<RawTerms> = texts.iter().map(|(t, x)| raw_terms(*t, x, &cfg)).collect();
        let mut df = DocFreq::new();
        let mut table = TermTable::new();
        let compact: Vec<CompactTerms> = raws
            .iter()
            .map(|r| {
                df.add(r);
                table.add(r)
            })
            .collect();
        assert_eq!(table.docs(), 4);
        for (r, c) in raws.iter().zip(&compact) {
            assert_eq!(table.weigh(c, &cfg), weigh(r, &df, &cfg));
            assert!(c.bytes() <= 1 + r.terms.len() * 8);
        }
        // Fractional frequencies (a title weight of 1.5) are kept exactly too.
        let cfg = FeatureConfig {
            title_weight: 1.5,
            ..FeatureConfig::default()
        };
        let r = raw_terms(Some("Chile quake"), "Chile earthquake today.", &cfg);
        let mut df = DocFreq::new();
        df.add(&r);
        let mut table = TermTable::new();
        let c = table.add(&r);
        assert_eq!(table.weigh(&c, &cfg), weigh(&r, &df, &cfg));
        // A damaged encoding gives a shorter vector, not a panic.
        let cut = CompactTerms(c.0[..c.0.len() / 2].to_vec());
        let _ = table.weigh(&cut, &cfg);
    }

    #[test]
    fn background_blends_with_counts_and_removal_undoes_adding() {
        let cfg = FeatureConfig::default();
        let a = raw_terms(None, "Dockworkers strike in Kestrel Bay.", &cfg);
        let b = raw_terms(None, "The strike ended after talks.", &cfg);
        let strike = term_key(TermKind::Word, "strike");
        let kestrel = term_key(TermKind::Word, "kestrel");
        // Batch counts only: a word in every document weighs almost nothing.
        let mut plain = DocFreq::new();
        plain.add(&a);
        plain.add(&b);
        assert!(plain.idf(strike) < 0.2);
        // With the background, `strike` weighs as in news at large: less than a rare name,
        // more than nothing; the same table weighs as M virtual documents.
        let m = 1000.0;
        let mut bg = DocFreq::with_background(m);
        bg.add(&a);
        bg.add(&b);
        let r = f64::from(Background::shipped().rate(strike));
        assert!(r > 1e-4 && r < 0.2, "{r}");
        let want = ((m + 3.0) / (m * r + 2.5)).ln() as f32;
        assert!((bg.idf(strike) - want).abs() < 1e-5);
        assert!(bg.idf(strike) > 1.0);
        assert!(bg.idf(kestrel) > bg.idf(strike));
        // A large batch outweighs the background: `strike` in every one of 100,000 documents.
        let mut big = DocFreq::with_background(m);
        for _ in 0..100_000 {
            big.add(&a);
        }
        assert!(big.idf(strike) < 0.02);
        // Removing a document undoes adding it.
        bg.remove(&b);
        let mut one = DocFreq::with_background(m);
        one.add(&a);
        assert_eq!(bg.docs(), 1);
        for &(k, _) in a.terms.iter().chain(&b.terms) {
            assert_eq!(bg.idf(k).to_bits(), one.idf(k).to_bits());
            assert_eq!(bg.df(k), one.df(k));
        }
        // Removing what was never added leaves zeros, not a wrap-around.
        let mut empty = DocFreq::new();
        empty.remove(&a);
        assert_eq!((empty.docs(), empty.df(strike)), (0, 0));
        // Weight 0 (or a negative or NaN weight) is no background at all.
        for w in [0.0, -1.0, f64::NAN] {
            assert!(DocFreq::with_background(w).prior().is_none());
        }
        // The compact table weighs as the blended frequencies.
        let mut table = TermTable::with_prior(Prior::shipped(m));
        let mut df = DocFreq::with_background(m);
        let ca = table.add(&a);
        df.add(&a);
        table.add(&b);
        df.add(&b);
        assert_eq!(table.weigh(&ca, &cfg), weigh(&a, &df, &cfg));
    }

    #[test]
    fn vectors_are_unit_and_similar_texts_score_higher() {
        let mut df = DocFreq::new();
        let texts = [
            "An earthquake struck northern Chile on Tuesday.",
            "A strong earthquake hit northern Chile, officials said.",
            "The city council approved the budget for schools.",
        ];
        for t in texts {
            df.add(&raw_terms(None, t, &FeatureConfig::default()));
        }
        let v: Vec<_> = texts.iter().map(|t| vec_of(None, t, &df)).collect();
        for x in &v {
            assert!((norm(x) - 1.0).abs() < 1e-5);
        }
        assert!(dot(&v[0], &v[1]) > 0.3);
        assert!(dot(&v[0], &v[2]) < 0.05);
        let mut probe = KeyProbe::new();
        for x in &v {
            probe.load(x);
            for y in &v {
                assert_eq!(probe.dot(y).to_bits(), dot(x, y).to_bits());
            }
        }
        let s = add_scaled(&v[0], &v[1], 1.0);
        assert!((dot(&s, &v[0]) - (1.0 + dot(&v[0], &v[1]))).abs() < 1e-5);
        assert!(add_scaled(&v[0], &v[0], -1.0).is_empty());
    }
}
