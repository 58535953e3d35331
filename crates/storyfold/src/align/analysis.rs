//! What the aligner computes once per document, before comparing it with any other.
//!
//! A member of a story is aligned with several others, and a document of `storyfold pairs` with
//! every candidate it is paired with. [`DocAnalysis`] ([`super::alignment::Aligner::analyze`])
//! holds what [`super::alignment::Aligner::align_analyzed`] would otherwise recompute for every
//! pair: the xxh3 hash and IDF weight of every token (`HashedIdf`: the table's weights keyed by
//! token hash), the distinct tokens of each sentence (hashed, with their stopword flag and the
//! aligner's weight) and an inverted index of them, each sentence's [`FactView`] (quantity kinds
//! and IDF-weighted content stems) and an index of the stems of the sentences carrying a quantity,
//! the document's key terms, content stems and distinct facts (indexed for agreement lookups), its
//! word-shingle set (5-grams by default) and a hash of its normalized text. The results are exactly
//! those of computing everything per pair: sums run over the same items in the same (string) order
//! (`Keyed` strings compare in `str` order, most of the time as one integer). Tokens are identified
//! by their 64-bit hash: two distinct tokens with the same hash would be taken as one (no such pair
//! is known).

use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64;

use super::config::AlignConfig;
use super::facts::{self, Fact, FactKind, Value};
use super::frames::{frames_of, Frame};
use super::similarity::features::SentenceSide;
use super::similarity::Idf;
use super::{PreparedDoc, Sentence};
use crate::fingerprint::shingle::TokenHashes;
use crate::fingerprint::{for_each_common, for_each_common_at, shingle_hashes};
use crate::text::lexicon::{is_stopword, prefix_stem};

/// A string ordered as `str` is, with its first eight bytes packed into a big-endian integer
/// (zero-padded): two strings whose heads differ compare as their heads do, so most comparisons
/// of the merge passes over [`WeightedSet`]s are one integer comparison instead of a `memcmp`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Keyed<S> {
    head: u64,
    s: S,
}

impl<S: AsRef<str>> Keyed<S> {
    pub(crate) fn new(s: S) -> Self {
        let b = s.as_ref().as_bytes();
        let mut head = [0u8; 8];
        let n = b.len().min(8);
        head[..n].copy_from_slice(&b[..n]);
        Keyed {
            head: u64::from_be_bytes(head),
            s,
        }
    }
}

impl<S: AsRef<str>> PartialEq for Keyed<S> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl<S: AsRef<str>> Eq for Keyed<S> {}

impl<S: AsRef<str>> PartialOrd for Keyed<S> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<S: AsRef<str>> Ord for Keyed<S> {
    /// The order of `str`: when the zero-padded first eight bytes differ, the strings differ
    /// first there (or the shorter is a prefix of the other), in the same order. Equal heads
    /// of two strings of at most eight bytes mean one is the other followed by zero bytes:
    /// the shorter comes first.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match self.head.cmp(&other.head) {
            std::cmp::Ordering::Equal => {
                let (x, y) = (self.s.as_ref(), other.s.as_ref());
                if x.len() <= 8 && y.len() <= 8 {
                    x.len().cmp(&y.len())
                } else {
                    x.cmp(y)
                }
            }
            o => o,
        }
    }
}

/// Items with weights, sorted by item (each once), and the sum of the weights in that order.
#[derive(Clone, Debug)]
pub(crate) struct WeightedSet<T = Keyed<String>> {
    pub(crate) items: Vec<(T, f64)>,
    pub(crate) total: f64,
}

impl<T> Default for WeightedSet<T> {
    fn default() -> Self {
        WeightedSet {
            items: Vec::new(),
            total: 0.0,
        }
    }
}

/// The content-word stems of some sentences (slices of their words).
pub(crate) type Stems<'d> = WeightedSet<Keyed<&'d str>>;

impl<T: Ord + Clone> WeightedSet<T> {
    /// From items in any order: each item once, with the largest of its weights.
    pub(crate) fn max_of(mut items: Vec<(T, f64)>) -> Self {
        // A total order on (item, weight): an unstable sort gives the same sequence.
        items.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(y.1.total_cmp(&x.1)));
        items.dedup_by(|later, kept| later.0 == kept.0);
        items.shrink_to_fit();
        let total = items.iter().map(|x| x.1).sum();
        WeightedSet { items, total }
    }

    /// The union of several sets, each item with its largest weight.
    pub(crate) fn union<'s>(sets: impl Iterator<Item = &'s WeightedSet<T>>) -> Self
    where
        T: 's,
    {
        Self::max_of(sets.flat_map(|s| s.items.iter().cloned()).collect())
    }

    /// Calls `f(weight in self, weight in other)` for every item of both, in item order.
    pub(crate) fn for_each_common(&self, other: &WeightedSet<T>, mut f: impl FnMut(f64, f64)) {
        for_each_common(
            &self.items,
            &other.items,
            |x| &x.0,
            |y| &y.0,
            |x, y| f(x.1, y.1),
        );
    }
}

/// What the fact passes need of a sentence.
#[derive(Clone, Debug)]
pub(crate) struct FactView<'s> {
    /// Bit set of the [`super::sentence::QUANTITY_KINDS`] present.
    pub(crate) kinds: u8,
    /// IDF weight of each stem of the content words outside the facts.
    pub(crate) stems: Stems<'s>,
    /// Every fact of the sentence.
    pub(crate) facts: &'s [Fact],
}

/// A hash of a stem for [`DocAnalysis::topic_postings`] (two stems that differ after their
/// first eight bytes may share it: a shared key only makes a pair a candidate).
fn stem_key(k: &Keyed<&str>) -> u64 {
    (k.head ^ k.s.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl<'s> FactView<'s> {
    /// The view of one sentence (stems of the default length).
    #[cfg(test)]
    pub(crate) fn of(s: &'s Sentence, idf: &Idf) -> Self {
        let weights = HashedIdf::of(idf);
        let token_weights: Vec<f64> = s.tokens.iter().map(|t| weights.weight(t)).collect();
        Self::with_weights(
            s,
            &weights,
            &token_weights,
            AlignConfig::default().stem_chars,
        )
    }

    /// [`FactView::of`] with the weights of the sentence's document (`token_weights`: those
    /// of the sentence's tokens, in order) and stems of `stem_chars` characters.
    fn with_weights(
        s: &'s Sentence,
        weights: &HashedIdf,
        token_weights: &[f64],
        stem_chars: usize,
    ) -> Self {
        let sf = s.facts();
        // Each stem once with its largest weight (as `max_of` keeps), gathered in a map so that
        // a sentence repeating a word holds one entry, not one per word.
        let mut largest: FxHashMap<&str, f64> = FxHashMap::default();
        for (i, t) in s.content_words() {
            let w = match i.and_then(|i| token_weights.get(i)) {
                Some(&w) => w,
                None => weights.weight(t),
            };
            let entry = largest
                .entry(prefix_stem(t, stem_chars))
                .or_insert(f64::MIN);
            if w.max(0.0).total_cmp(entry).is_gt() {
                *entry = w.max(0.0);
            }
        }
        let stems = largest
            .into_iter()
            .map(|(t, w)| (Keyed::new(t), w))
            .collect();
        FactView {
            kinds: sf.kinds,
            stems: WeightedSet::max_of(stems),
            facts: &sf.facts,
        }
    }
}

/// The IDF weights ([`Idf::weight`]) of a table by the xxh3 hash of each token, computed once
/// per [`super::alignment::Aligner`]: a lookup hashes the token and probes for a `u64` instead
/// of comparing strings and taking a logarithm. A token absent from the table whose 64-bit hash
/// equals that of a token in the table would take that token's weight (no such pair is known).
#[derive(Clone, Debug)]
pub(crate) struct HashedIdf {
    weights: FxHashMap<u64, f64>,
    /// The weight of a token absent from the table.
    unseen: f64,
}

impl HashedIdf {
    /// The weights of `idf`.
    pub(crate) fn of(idf: &Idf) -> Self {
        // The weight of an absent token, by the table's own formula: that of a string it
        // does not hold.
        let mut absent = String::from("\0");
        while idf.df.contains_key(&absent) {
            absent.push('\0');
        }
        HashedIdf {
            weights: idf
                .df
                .keys()
                .map(|t| (xxh3_64(t.as_bytes()), idf.weight(t)))
                .collect(),
            unseen: idf.weight(&absent),
        }
    }

    /// The xxh3 hash of `token` and its weight.
    pub(crate) fn hashed(&self, token: &str) -> (u64, f64) {
        let h = xxh3_64(token.as_bytes());
        (h, self.weights.get(&h).copied().unwrap_or(self.unseen))
    }

    /// The weight of `token`.
    pub(crate) fn weight(&self, token: &str) -> f64 {
        self.hashed(token).1
    }
}

/// IDF-weighted Dice coefficient of two weighted stem sets.
pub(crate) fn stem_dice(x: &Stems, y: &Stems) -> f64 {
    let mut common = 0.0;
    x.for_each_common(y, |wx, wy| common += wx.min(wy));
    if x.total + y.total > 0.0 {
        2.0 * common / (x.total + y.total)
    } else {
        0.0
    }
}

/// [`stem_dice`] with the stems in `exclude` left out of both sets.
pub(crate) fn stem_dice_without(x: &Stems, y: &Stems, exclude: &[&str]) -> f64 {
    let kept = |s: &Stems| -> f64 {
        s.items
            .iter()
            .filter(|(k, _)| !exclude.contains(&k.s))
            .map(|x| x.1)
            .sum()
    };
    let mut common = 0.0;
    for_each_common(
        &x.items,
        &y.items,
        |a| &a.0,
        |b| &b.0,
        |a, b| {
            if !exclude.contains(&a.0.s) {
                common += a.1.min(b.1);
            }
        },
    );
    let total = kept(x) + kept(y);
    if total > 0.0 {
        2.0 * common / total
    } else {
        0.0
    }
}

/// IDF-weighted share of the stems of `x` (a union) found in `y`.
pub(crate) fn stem_containment(x: &Stems, y: &Stems) -> f64 {
    let mut found = 0.0;
    x.for_each_common(y, |wx, _| found += wx);
    if x.total > 0.0 {
        found / x.total
    } else {
        0.0
    }
}

/// A fact's normalized value as a hashable key (two facts with equal keys agree with exactly
/// the same facts: [`Fact::agrees`] looks at the kind and the value only).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum ValueKey<'f> {
    Quantity(u64, u64, Option<u64>, Option<&'static str>),
    Date(Option<i32>, Option<u32>, Option<u32>, Option<u32>),
    Name(&'f [String]),
}

fn key_of(f: &Fact) -> (u8, ValueKey<'_>) {
    let v = match &f.value {
        Value::Quantity {
            lo,
            hi,
            of,
            currency,
        } => ValueKey::Quantity(lo.to_bits(), hi.to_bits(), of.map(f64::to_bits), *currency),
        Value::Date {
            year,
            month,
            day,
            weekday,
        } => ValueKey::Date(*year, *month, *day, *weekday),
        Value::Name(words) => ValueKey::Name(words),
    };
    (f.kind as u8, v)
}

/// The distinct facts of some sentences, indexed to find the facts agreeing with a given one.
/// Name words, prefixes and initials are indexed by their xxh3 hash: a collision only adds a
/// candidate, which [`Fact::agrees`] then rejects.
#[derive(Clone, Debug, Default)]
pub(crate) struct FactSet<'f> {
    /// Distinct facts (by kind and value), first occurrences in order.
    pub(crate) distinct: Vec<&'f Fact>,
    /// The lookups finding the names that may agree with each distinct fact in another set
    /// (`probe_starts[i]..probe_starts[i + 1]` for the `i`-th; none for other kinds).
    probes: Vec<(NameIndex, u64)>,
    probe_starts: Vec<usize>,
    /// Indices into `distinct` of the facts of each kind other than names.
    by_kind: [Vec<u32>; 4],
    /// Names by each of their words.
    name_words: FxHashMap<u64, Vec<u32>>,
    /// One-word names by their first three characters.
    name_prefix: FxHashMap<u64, Vec<u32>>,
    /// Names of several words by their initials.
    name_initials: FxHashMap<u64, Vec<u32>>,
    /// Whether facts past [`MAX_DOC_FACTS`] were left out.
    pub(crate) truncated: bool,
}

/// Most distinct facts of a document (or of the body of one) indexed in a [`FactSet`]: fact
/// provenance looks up each fact of one article among those of the same kind of the other, a
/// product of the two counts (a news article states some dozens; 2,048 of each make at most
/// about four million lookups). The first ones in the text are kept.
pub const MAX_DOC_FACTS: usize = 2048;

/// One of the name indices of a [`FactSet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NameIndex {
    Words,
    Prefix,
    Initials,
}

/// Index of a non-name kind in [`FactSet::by_kind`].
fn kind_slot(k: FactKind) -> Option<usize> {
    match k {
        FactKind::Number => Some(0),
        FactKind::Percent => Some(1),
        FactKind::Money => Some(2),
        FactKind::Date => Some(3),
        FactKind::Name => None,
    }
}

/// The first three characters of a word, when it has three.
fn prefix3(w: &str) -> Option<&str> {
    let mut it = w.char_indices();
    let end = it.nth(3).map_or(w.len(), |(i, _)| i);
    (w.chars().count() >= 3).then(|| &w[..end])
}

fn initials<'w>(words: impl Iterator<Item = &'w String>) -> String {
    words.filter_map(|w| w.chars().next()).collect()
}

fn key(s: &str) -> u64 {
    xxh3_64(s.as_bytes())
}

/// The lookups of [`FactSet::supports`] for a name of `words`: two names can only agree when
/// they share a word, or are two one-word forms (a common prefix of three characters at
/// least), or one is a single word spelling the other's initials (see `facts::names_agree`).
fn name_probes(words: &[String], out: &mut Vec<(NameIndex, u64)>) {
    for w in words {
        out.push((NameIndex::Words, key(w)));
    }
    if let [w] = words {
        if let Some(p) = prefix3(w) {
            out.push((NameIndex::Prefix, key(p)));
        }
        out.push((NameIndex::Initials, key(w)));
    } else if words.len() > 1 {
        out.push((NameIndex::Words, key(&initials(words.iter()))));
    }
}

impl<'f> FactSet<'f> {
    /// The distinct facts of `views`, the first [`MAX_DOC_FACTS`] of them
    /// ([`FactSet::truncated`] when there are more).
    pub(crate) fn of(views: &[FactView<'f>]) -> Self {
        let mut seen = rustc_hash::FxHashSet::default();
        let mut set = FactSet {
            probe_starts: vec![0],
            ..FactSet::default()
        };
        for f in views.iter().flat_map(|v| v.facts) {
            if !seen.insert(key_of(f)) {
                continue;
            }
            if set.distinct.len() == MAX_DOC_FACTS {
                set.truncated = true;
                break;
            }
            let id = set.distinct.len() as u32;
            set.distinct.push(f);
            match (&f.value, kind_slot(f.kind)) {
                (Value::Name(words), _) => {
                    for w in words {
                        set.name_words.entry(key(w)).or_default().push(id);
                    }
                    if let [w] = &words[..] {
                        if let Some(p) = prefix3(w) {
                            set.name_prefix.entry(key(p)).or_default().push(id);
                        }
                    } else if words.len() > 1 {
                        set.name_initials
                            .entry(key(&initials(words.iter())))
                            .or_default()
                            .push(id);
                    }
                    name_probes(words, &mut set.probes);
                }
                (_, Some(slot)) => set.by_kind[slot].push(id),
                (_, None) => {}
            }
            set.probe_starts.push(set.probes.len());
        }
        set
    }

    /// Whether some fact of the set agrees with `f` ([`Fact::agrees`]).
    pub(crate) fn supports(&self, f: &Fact) -> bool {
        let mut probes = Vec::new();
        if let Value::Name(words) = &f.value {
            name_probes(words, &mut probes);
        }
        self.supports_with(f, &probes)
    }

    /// Whether some fact of the set agrees with the `i`-th distinct fact of `other`.
    pub(crate) fn supports_fact_of(&self, other: &FactSet, i: usize) -> bool {
        let probes = &other.probes[other.probe_starts[i]..other.probe_starts[i + 1]];
        self.supports_with(other.distinct[i], probes)
    }

    /// Whether some fact of the set agrees with `f`, whose name lookups are `probes`.
    fn supports_with(&self, f: &Fact, probes: &[(NameIndex, u64)]) -> bool {
        let agrees = |id: &u32| f.agrees(self.distinct[*id as usize]);
        match (&f.value, kind_slot(f.kind)) {
            (Value::Name(_), _) => probes.iter().any(|&(index, k)| {
                let map = match index {
                    NameIndex::Words => &self.name_words,
                    NameIndex::Prefix => &self.name_prefix,
                    NameIndex::Initials => &self.name_initials,
                };
                map.get(&k).is_some_and(|ids| ids.iter().any(agrees))
            }),
            (_, Some(slot)) => self.by_kind[slot].iter().any(agrees),
            (_, None) => false,
        }
    }
}

/// The distinct tokens of a sentence, for candidate retrieval and the weighted overlaps of
/// the aligner ([`super::alignment`]'s Dice and containment of IDF-weighted tokens).
#[derive(Clone, Debug, Default)]
pub(crate) struct SentenceTokens {
    /// Hash of each distinct token and whether it is a content word (not a stopword), sorted.
    pub(crate) tokens: Vec<(u64, bool)>,
    /// The aligner's weight of each of those tokens ([`token_weight`]).
    pub(crate) weights: Vec<f64>,
    /// Number of distinct content tokens.
    pub(crate) content: usize,
}

/// The weight of a token in the aligner's weighted overlaps: 0.1 for a stopword, else its IDF
/// weight (`idf`), at least 0.
pub(crate) fn token_weight(stopword: bool, idf: f64) -> f64 {
    if stopword {
        0.1
    } else {
        idf.max(0.0)
    }
}

impl SentenceTokens {
    /// The distinct tokens of `s`, whose tokens have the hashes `hashes` and IDF weights
    /// `idf` (in order).
    fn of(s: &Sentence, hashes: &[u64], idf: &[f64]) -> Self {
        // Distinct tokens first (a hash map holds one entry per distinct token, not one per
        // token of a sentence repeating a word); equal hashes are equal tokens, with the same
        // flag and weight.
        let mut distinct: FxHashMap<u64, (bool, f64)> = FxHashMap::default();
        for (t, (&h, &w)) in s.tokens.iter().zip(hashes.iter().zip(idf)) {
            distinct.entry(h).or_insert_with(|| {
                let stop = is_stopword(t);
                (!stop, token_weight(stop, w))
            });
        }
        let mut tokens: Vec<(u64, bool, f64)> =
            distinct.into_iter().map(|(h, (c, w))| (h, c, w)).collect();
        tokens.sort_unstable_by_key(|t| t.0);
        tokens.dedup_by_key(|t| t.0);
        let content = tokens.iter().filter(|t| t.1).count();
        SentenceTokens {
            weights: tokens.iter().map(|t| t.2).collect(),
            tokens: tokens.iter().map(|t| (t.0, t.1)).collect(),
            content,
        }
    }

    /// Calls `f(i, j)` for the `i`-th token of `self` and the `j`-th of `other` for every
    /// token of both, in hash order.
    pub(crate) fn for_each_common(&self, other: &SentenceTokens, f: impl FnMut(usize, usize)) {
        for_each_common_at(&self.tokens, &other.tokens, |x| x.0, |y| y.0, f);
    }
}

/// The distinct shingle hashes (of `ngram` words) of a document's tokens, sorted.
pub(crate) fn doc_shingles(doc: &PreparedDoc, ngram: usize) -> Vec<u64> {
    let mut v = shingle_hashes(
        doc.sentences
            .iter()
            .flat_map(|s| s.tokens.iter().map(String::as_str)),
        ngram,
    );
    v.sort_unstable();
    v.dedup();
    v
}

/// The key terms ([`facts::key_terms_of`]) of some sentences with their IDF weights.
pub(crate) fn key_terms(sentences: &[Sentence], weights: &HashedIdf) -> WeightedSet {
    let items = sentences
        .iter()
        .flat_map(|s| facts::key_terms_of(&s.facts().facts))
        .map(|t| {
            let w = weights.weight(&t).max(0.0);
            (Keyed::new(t), w)
        })
        .collect();
    WeightedSet::max_of(items)
}

/// Sentences by key (a token hash, a stem key, a normalized-text hash), each list in sentence
/// order, all lists in one array (one allocation instead of one per key).
#[derive(Clone, Debug, Default)]
pub(crate) struct Postings {
    ranges: FxHashMap<u64, (u32, u32)>,
    sentences: Vec<u32>,
}

impl Postings {
    /// The postings of (key, sentence) pairs in any order (repeated pairs count once).
    fn of(mut pairs: Vec<(u64, u32)>) -> Self {
        pairs.sort_unstable();
        pairs.dedup();
        let mut ranges = FxHashMap::with_capacity_and_hasher(pairs.len(), Default::default());
        let mut start = 0;
        for (i, &(k, _)) in pairs.iter().enumerate() {
            if pairs.get(i + 1).is_none_or(|next| next.0 != k) {
                ranges.insert(k, (start as u32, i as u32 + 1));
                start = i + 1;
            }
        }
        Postings {
            ranges,
            sentences: pairs.into_iter().map(|p| p.1).collect(),
        }
    }

    /// The sentences with key `k`, in order.
    pub(crate) fn get(&self, k: u64) -> &[u32] {
        self.ranges
            .get(&k)
            .map_or(&[], |&(a, b)| &self.sentences[a as usize..b as usize])
    }
}

/// What [`super::alignment::Aligner::align_analyzed`] needs of one document, computed once
/// (see the [module docs](self)).
#[derive(Clone, Debug)]
pub struct DocAnalysis<'d> {
    pub(crate) views: Vec<FactView<'d>>,
    pub(crate) tokens: Vec<SentenceTokens>,
    /// Sentences containing each token hash, in order.
    pub(crate) postings: Postings,
    /// Hash of each sentence's normalized text.
    pub(crate) norms: Vec<u64>,
    /// Sentences by the hash of their normalized text, in order.
    pub(crate) by_norm: Postings,
    /// Key terms of the whole document.
    pub(crate) key_terms: WeightedSet,
    /// Union of the sentences' content stems.
    pub(crate) stems: Stems<'d>,
    /// Distinct facts of the whole document.
    pub(crate) facts: FactSet<'d>,
    /// The sentences carrying a quantity ([`FactView::kinds`]) by each of their stems
    /// ([`stem_key`]), in order: the only sentences whose [`stem_dice`] with a sentence
    /// containing that stem can be above 0.
    topic_postings: Postings,
    /// Distinct shingle hashes ([`AlignConfig::shingle_ngram`] words), sorted.
    pub(crate) shingles: Vec<u64>,
    /// Hash of the normalized sentences joined by a space.
    pub(crate) joined: u64,
    /// The xxh3 hash of every token of every sentence, in order (sentence `i`'s are
    /// `starts[i]..starts[i + 1]`).
    hashes: Vec<u64>,
    /// The IDF weight of every token, as `hashes`.
    idf_weights: Vec<f64>,
    starts: Vec<usize>,
    /// Each sentence prepared for the similarity score, when first compared.
    sides: Vec<OnceLock<SentenceSide>>,
    /// The sentences of the document.
    sentences: &'d [Sentence],
    /// The quantity frames of each sentence, when first asked for ([`DocAnalysis::frames`]).
    frames: OnceLock<Vec<Vec<Frame>>>,
    /// Whether some facts were left out: of a sentence over
    /// [`MAX_SENTENCE_FACTS`](super::sentence::MAX_SENTENCE_FACTS), or of the document over
    /// [`MAX_DOC_FACTS`].
    pub(crate) truncated: bool,
}

impl<'d> DocAnalysis<'d> {
    /// Analyze `doc` with the token weights `weights` and the stem and shingle lengths of
    /// `config`.
    pub(crate) fn new(doc: &'d PreparedDoc, weights: &HashedIdf, config: &AlignConfig) -> Self {
        let n_tokens: usize = doc.sentences.iter().map(|s| s.tokens.len()).sum();
        let (mut hashes, mut idf_weights) =
            (Vec::with_capacity(n_tokens), Vec::with_capacity(n_tokens));
        let mut starts = Vec::with_capacity(doc.sentences.len() + 1);
        starts.push(0);
        for s in &doc.sentences {
            for t in &s.tokens {
                let (h, w) = weights.hashed(t);
                hashes.push(h);
                idf_weights.push(w);
            }
            starts.push(hashes.len());
        }
        let views: Vec<FactView> = doc
            .sentences
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let r = starts[i]..starts[i + 1];
                FactView::with_weights(s, weights, &idf_weights[r], config.stem_chars)
            })
            .collect();
        let tokens: Vec<SentenceTokens> = doc
            .sentences
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let r = starts[i]..starts[i + 1];
                SentenceTokens::of(s, &hashes[r.clone()], &idf_weights[r])
            })
            .collect();
        let topic_postings = Postings::of(
            views
                .iter()
                .enumerate()
                .filter(|(_, v)| v.kinds != 0)
                .flat_map(|(i, v)| {
                    v.stems
                        .items
                        .iter()
                        .map(move |x| (stem_key(&x.0), i as u32))
                })
                .collect(),
        );
        let postings = Postings::of(
            tokens
                .iter()
                .enumerate()
                .flat_map(|(i, s)| s.tokens.iter().map(move |t| (t.0, i as u32)))
                .collect(),
        );
        // The shingles of the token hashes (`doc_shingles` hashes the tokens the same way).
        let mut shingles = Vec::new();
        let mut buf = TokenHashes::new();
        hashes.iter().for_each(|&h| buf.push_hash(h));
        buf.shingles_into(config.shingle_ngram, &mut shingles);
        shingles.sort_unstable();
        shingles.dedup();
        shingles.shrink_to_fit();
        let norms: Vec<u64> = doc
            .sentences
            .iter()
            .map(|s| xxh3_64(s.norm.as_bytes()))
            .collect();
        let by_norm = Postings::of(
            norms
                .iter()
                .enumerate()
                .map(|(i, &h)| (h, i as u32))
                .collect(),
        );
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for (i, s) in doc.sentences.iter().enumerate() {
            if i > 0 {
                h.update(b" ");
            }
            h.update(s.norm.as_bytes());
        }
        let facts = FactSet::of(&views);
        let truncated =
            facts.truncated || doc.truncated || doc.sentences.iter().any(|s| s.facts().truncated);
        DocAnalysis {
            key_terms: key_terms(&doc.sentences, weights),
            stems: WeightedSet::union(views.iter().map(|v| &v.stems)),
            facts,
            truncated,
            topic_postings,
            views,
            tokens,
            postings,
            norms,
            by_norm,
            shingles,
            joined: h.digest(),
            hashes,
            idf_weights,
            starts,
            sides: (0..doc.sentences.len()).map(|_| OnceLock::new()).collect(),
            sentences: &doc.sentences,
            frames: OnceLock::new(),
        }
    }

    /// Calls `f` with every sentence carrying a quantity that shares a stem key with
    /// `stems`, once each, in order (`seen` has one flag per sentence, all false, and is left
    /// so; `touched` is a work buffer), visiting at most `limit` entries of the index: over it,
    /// the stems with the fewest sentences first, as long as they fit. Returns the entries
    /// visited and whether some stem was left out.
    pub(crate) fn for_each_topic_candidate(
        &self,
        stems: &Stems,
        limit: u64,
        seen: &mut [bool],
        touched: &mut Vec<u32>,
        mut f: impl FnMut(usize),
    ) -> (u64, bool) {
        touched.clear();
        let mut visit = |list: &[u32]| {
            for &i in list {
                if !seen[i as usize] {
                    seen[i as usize] = true;
                    touched.push(i);
                }
            }
        };
        let lists = stems
            .items
            .iter()
            .map(|(k, _)| self.topic_postings.get(stem_key(k)));
        let entries: u64 = lists.clone().map(|l| l.len() as u64).sum();
        let (mut visited, mut cut) = (entries, false);
        if entries <= limit {
            lists.for_each(&mut visit);
        } else {
            let mut by_size: Vec<&[u32]> = lists.collect();
            by_size.sort_by_key(|l| l.len());
            visited = 0;
            for list in by_size {
                if visited + list.len() as u64 > limit {
                    cut = true;
                    break;
                }
                visited += list.len() as u64;
                visit(list);
            }
        }
        touched.sort_unstable();
        for &i in touched.iter() {
            seen[i as usize] = false;
            f(i as usize);
        }
        (visited, cut)
    }

    /// The quantity frames of each sentence ([`frames_of`]), computed on first use (only the
    /// frame pass of the aligner and its confidence rules ask), then kept.
    pub(crate) fn frames(&self) -> &[Vec<Frame>] {
        self.frames.get_or_init(|| {
            (self.sentences.iter())
                .map(|s| frames_of(&s.text, &s.facts().facts))
                .collect()
        })
    }

    /// Sentence `i` (`s`) prepared for the similarity score (prepared on first use).
    pub(crate) fn side(&self, i: usize, s: &Sentence) -> &SentenceSide {
        self.sides[i].get_or_init(|| {
            let r = self.starts[i]..self.starts[i + 1];
            SentenceSide::hashed(s, &self.hashes[r.clone()], &self.idf_weights[r])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "un",
        "united",
        "nations",
        "democrats",
        "democratic",
        "dems",
        "dem",
        "new",
        "york",
        "ny",
        "nyc",
        "city",
        "a",
        "ab",
        "abc",
        "abcde",
        "abcdef",
        "",
    ];

    fn name(words: &[usize]) -> Fact {
        Fact {
            kind: FactKind::Name,
            span: 0..0,
            text: String::new(),
            value: Value::Name(words.iter().map(|&i| WORDS[i].to_string()).collect()),
        }
    }

    fn quantity(lo: u8, width: u8, kind: FactKind) -> Fact {
        Fact {
            kind,
            span: 0..0,
            text: String::new(),
            value: Value::Quantity {
                lo: lo as f64,
                hi: (lo + width) as f64,
                of: None,
                currency: None,
            },
        }
    }

    fn set_of(facts: &[Fact]) -> FactSet<'_> {
        let view = FactView {
            kinds: 0,
            stems: WeightedSet::default(),
            facts,
        };
        FactSet::of(std::slice::from_ref(&view))
    }

    proptest! {
        /// The indexed lookup finds an agreeing fact exactly when a scan of every fact does.
        #[test]
        fn supports_matches_a_full_scan(
            names in prop::collection::vec(prop::collection::vec(0..WORDS.len(), 0..4), 0..12),
            queries in prop::collection::vec(prop::collection::vec(0..WORDS.len(), 0..4), 1..12),
            numbers in prop::collection::vec((0u8..20, 0u8..3), 0..6),
        ) {
            let mut facts: Vec<Fact> = names.iter().map(|n| name(n)).collect();
            facts.extend(numbers.iter().map(|&(lo, w)| quantity(lo, w, FactKind::Number)));
            let set = set_of(&facts);
            let mut qs: Vec<Fact> = queries.iter().map(|q| name(q)).collect();
            qs.extend((0..20).map(|lo| quantity(lo, 0, FactKind::Number)));
            qs.push(quantity(3, 1, FactKind::Percent));
            for q in &qs {
                let scan = facts.iter().any(|o| q.agrees(o));
                prop_assert_eq!(set.supports(q), scan, "{:?}", q.value);
            }
        }
    }

    proptest! {
        /// Keyed strings compare as the strings do (short, long, prefixes, zero bytes).
        #[test]
        fn keyed_strings_order_as_str(
            x in "[ab\\x00é]{0,11}",
            y in "[ab\\x00é]{0,11}",
        ) {
            prop_assert_eq!(Keyed::new(x.as_str()).cmp(&Keyed::new(y.as_str())), x.cmp(&y));
            prop_assert_eq!(Keyed::new(x.as_str()) == Keyed::new(y.as_str()), x == y);
        }
    }

    #[test]
    fn shingles_of_the_token_hashes_are_the_documents() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/align/");
        let hashed = HashedIdf::of(&Idf::builtin());
        for name in ["base.txt", "rewrite.txt"] {
            let text = std::fs::read_to_string(format!("{dir}{name}")).expect("test article");
            for doc in [PreparedDoc::new(&text), PreparedDoc::new("One two three.")] {
                let a = DocAnalysis::new(&doc, &hashed, &AlignConfig::default());
                assert_eq!(
                    a.shingles,
                    doc_shingles(&doc, AlignConfig::default().shingle_ngram)
                );
            }
        }
    }

    #[test]
    fn hashed_weights_are_the_table_weights() {
        let idf = Idf::builtin();
        let hashed = HashedIdf::of(&idf);
        for t in ["the", "profit", "minister", "zzqxunseen", "", "\0", "é"] {
            assert_eq!(hashed.weight(t).to_bits(), idf.weight(t).to_bits(), "{t:?}");
        }
        for t in idf.df.keys().take(2000) {
            assert_eq!(hashed.weight(t).to_bits(), idf.weight(t).to_bits(), "{t:?}");
        }
        let mut small = Idf::default();
        small.df.insert("\0".into(), 3);
        small.documents = 10;
        let hashed = HashedIdf::of(&small);
        for t in ["\0", "\0\0", "x"] {
            assert_eq!(
                hashed.weight(t).to_bits(),
                small.weight(t).to_bits(),
                "{t:?}"
            );
        }
    }

    #[test]
    fn weighted_sets_keep_the_largest_weight_in_item_order() {
        let k = Keyed::new;
        let s: Stems = WeightedSet::max_of(vec![(k("b"), 1.0), (k("a"), 2.0), (k("b"), 3.0)]);
        assert_eq!(s.items, vec![(k("a"), 2.0), (k("b"), 3.0)]);
        assert_eq!(s.total, 5.0);
        let t: Stems = WeightedSet::max_of(vec![(k("b"), 1.0), (k("c"), 1.0)]);
        assert!((stem_dice(&s, &t) - 2.0 * 1.0 / 7.0).abs() < 1e-12);
        assert!((stem_containment(&t, &s) - 0.5).abs() < 1e-12);
    }
}
