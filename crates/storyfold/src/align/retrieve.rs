//! Corpus-scale candidate retrieval for rewrites and same-story reports that MinHash misses.
//!
//! MinHash over word 5-grams finds copies, but a paraphrased rewrite shares few exact 5-grams
//! with its source. This module proposes candidate pairs from two cheaper, more tolerant
//! signals, each served by an inverted index whose posting lists are capped, so the work per
//! article is bounded by constants and the whole pass grows linearly with the corpus:
//!
//! 1. **Rare terms and names.** Every normalized token of an article is a term; a token that is
//!    written capitalized (not as the first word of its sentence) or contains a digit is an
//!    *entity* (names, places, figures). With `N` documents and `df(t)` the number of documents
//!    containing `t`, `idf(t) = ln(N / df(t))`. Terms with `df < 2` (no partner possible) or
//!    `df > cap` (too common to discriminate) are not indexed, where
//!    `cap = min(max_df, max(5, ⌈max_df_fraction · N⌉))`. Each article `d` selects its
//!    `terms_per_doc` most characteristic indexed terms `S(d)` by
//!    `idf(t) · (1 + ln tf(t)) · boost` (`boost = entity_boost` for entities, 1 otherwise); a
//!    selected term weighs `w(t) = idf(t) · boost`, and `W(d) = Σ_{t ∈ S(d)} w(t)`. The query of
//!    `d` walks the posting lists of its selected terms (each at most `cap` long) and gives every
//!    other article `e` the cosine-like score
//!    `term_score(d → e) = min(1, Σ_{t ∈ S(d), t ∈ e} w(t) / √(W(d) · W(e)))`, so a short
//!    article whose few indexed words are common ones does not score high against a long one.
//! 2. **Reused sentences.** Each sentence with at least `sentence_min_tokens` tokens gets a
//!    small MinHash over its word `sentence_ngram`-grams ([`SENTENCE_PERM`] = 18 values, banded
//!    into [`SENTENCE_BANDS`] = 6 keys of [`SENTENCE_ROWS`] = 3 values). A sentence of `d` counts
//!    as found in `e` when at least [`SENTENCE_MIN_BANDS`] = 2 of its keys occur in `e`. For two
//!    sentences whose n-gram sets have Jaccard `J`, with `p = J³`, that happens with probability
//!    `Σ_{k ≥ 2} C(6, k) pᵏ (1 - p)⁶⁻ᵏ`: 0.9 at J = 0.8, 0.67 at J = 0.7, 0.17 at J = 0.5, 0.01
//!    at J = 0.3 and 0.001 at J = 0.2, so a reused or lightly edited sentence yields a candidate
//!    while sentences that merely share a stock phrase ("for the first time since") do not (one
//!    matching band alone, as plain LSH would use, let such phrases through by the thousand on
//!    real news). Keys found in more than `sentence_max_df` documents (boilerplate, ubiquitous
//!    quotes) are ignored. `shared_sentences(d → e)` counts the sentences of `d` found in `e`.
//!
//! A pair `(d, e)` qualifies from `d`'s side when `shared_terms ≥ min_shared_terms` and
//! `term_score ≥ min_term_score`, or when `shared_sentences ≥ min_shared_sentences`. Its rank
//! score is `term_score + shared_sentences / keyed_sentences(d)`; each article keeps its
//! `top_n` best qualifying partners, and the union over all articles (each unordered pair once,
//! with the best evidence of its two directions) is the candidate list. With `window_days`, two
//! dated articles further apart than that are never paired (undated articles pair with anything).
//!
//! Cost: extraction is linear in the text; an article's query touches at most
//! `terms_per_doc · max_df` term postings plus `keyed sentences · SENTENCE_BANDS · sentence_max_df`
//! sentence postings, and the candidate list has at most `top_n · N` pairs. Extraction and
//! queries run in parallel with rayon. Candidates are *proposals*: verify each one with
//! [`Aligner::align`](super::alignment::Aligner::align).

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use rayon::prelude::*;

use super::PreparedDoc;
use crate::fingerprint::shingle::{token_hash, TokenHashes};
use crate::index::lsh::PassThroughHasher;
use crate::text;

/// MinHash values per sentence band key.
pub const SENTENCE_ROWS: usize = 3;
/// Band keys per sentence.
pub const SENTENCE_BANDS: usize = 6;
/// Band keys of a sentence that must occur in another article for the sentence to count as
/// found there.
pub const SENTENCE_MIN_BANDS: u8 = 2;
/// MinHash values computed per sentence (`SENTENCE_ROWS · SENTENCE_BANDS`).
pub const SENTENCE_PERM: usize = SENTENCE_ROWS * SENTENCE_BANDS;

type U64Map<V> = HashMap<u64, V, BuildHasherDefault<PassThroughHasher>>;

/// Parameters of candidate retrieval (see the [module docs](self) for how each is used).
#[derive(Clone, Debug, PartialEq)]
pub struct RetrieveConfig {
    /// Indexed terms each article selects for its query.
    pub terms_per_doc: usize,
    /// Terms found in more documents than this are not indexed (caps posting lists).
    pub max_df: usize,
    /// Terms found in more than this share of the documents are not indexed either (the cap
    /// is `min(max_df, max(5, ⌈max_df_fraction · N⌉))`, so small corpora drop function words).
    pub max_df_fraction: f64,
    /// Selection and weight multiplier of entity terms (capitalized words, numbers).
    pub entity_boost: f64,
    /// Least number of selected terms a partner must share (term channel).
    pub min_shared_terms: usize,
    /// Least share of the selected term weight a partner must contain (term channel).
    pub min_term_score: f64,
    /// Words per sentence shingle.
    pub sentence_ngram: usize,
    /// Sentences with fewer tokens get no sentence keys.
    pub sentence_min_tokens: usize,
    /// Sentence keys found in more documents than this are ignored.
    pub sentence_max_df: usize,
    /// Least number of sentences with a shared key for a candidate (sentence channel).
    pub min_shared_sentences: usize,
    /// Candidates kept per article.
    pub top_n: usize,
    /// Never pair two dated articles published further apart than this many days.
    pub window_days: Option<f64>,
}

impl Default for RetrieveConfig {
    fn default() -> Self {
        RetrieveConfig {
            terms_per_doc: 30,
            max_df: 300,
            max_df_fraction: 0.15,
            entity_boost: 1.5,
            min_shared_terms: 3,
            min_term_score: 0.2,
            sentence_ngram: 3,
            sentence_min_tokens: 8,
            sentence_max_df: 20,
            min_shared_sentences: 1,
            top_n: 5,
            window_days: None,
        }
    }
}

/// One distinct term of an article.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TermFeature {
    /// xxh3 hash of the normalized token.
    pub hash: u64,
    /// Occurrences in the article.
    pub tf: u32,
    /// Written capitalized (not sentence-initially) or containing a digit at least once.
    pub entity: bool,
}

/// What retrieval needs to know about one article.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DocFeatures {
    /// Distinct terms, sorted by hash.
    pub terms: Vec<TermFeature>,
    /// Band keys of each keyed sentence.
    pub sentence_keys: Vec<[u64; SENTENCE_BANDS]>,
    /// Publication time (Unix seconds), if known.
    pub published: Option<i64>,
}

impl DocFeatures {
    /// Extract the features of a prepared article.
    pub fn new(doc: &PreparedDoc, published: Option<i64>, cfg: &RetrieveConfig) -> Self {
        let mut counts: U64Map<(u32, bool)> = U64Map::default();
        let mut buf = TokenHashes::new();
        let mut shingles = Vec::new();
        let mut sentence_keys = Vec::new();
        let mut norm = String::new();
        for s in &doc.sentences {
            for t in &s.tokens {
                counts.entry(token_hash(t)).or_insert((0, false)).0 += 1;
            }
            let mut first = true;
            text::for_each_token(&s.text, |tok| {
                let initial = std::mem::replace(&mut first, false);
                let capital = !initial && tok.chars().next().is_some_and(char::is_uppercase);
                if capital || tok.chars().any(|c| c.is_numeric()) {
                    norm.clear();
                    text::normalize_into(tok, &mut norm);
                    if let Some(c) = counts.get_mut(&token_hash(&norm)) {
                        c.1 = true;
                    }
                }
            });
            if s.tokens.len() >= cfg.sentence_min_tokens.max(1) {
                buf.clear();
                for t in &s.tokens {
                    buf.push_token(t);
                }
                shingles.clear();
                buf.shingles_into(cfg.sentence_ngram, &mut shingles);
                sentence_keys.push(sentence_band_keys(&shingles));
            }
        }
        let mut terms: Vec<TermFeature> = counts
            .into_iter()
            .map(|(hash, (tf, entity))| TermFeature { hash, tf, entity })
            .collect();
        terms.sort_unstable_by_key(|t| t.hash);
        DocFeatures {
            terms,
            sentence_keys,
            published,
        }
    }
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Band keys of a sentence's shingle hashes (empty input gives keys of an empty set).
fn sentence_band_keys(shingles: &[u64]) -> [u64; SENTENCE_BANDS] {
    let mut mins = [u64::MAX; SENTENCE_PERM];
    for &s in shingles {
        for (i, m) in mins.iter_mut().enumerate() {
            let h = splitmix(s ^ splitmix(i as u64 + 1));
            if h < *m {
                *m = h;
            }
        }
    }
    let mut keys = [0u64; SENTENCE_BANDS];
    for (b, key) in keys.iter_mut().enumerate() {
        let mut k = splitmix(0x5E17_E11C_E000 + b as u64);
        for &m in &mins[b * SENTENCE_ROWS..(b + 1) * SENTENCE_ROWS] {
            k = splitmix(k ^ m);
        }
        *key = k;
    }
    keys
}

/// A proposed pair of articles (indices into the slice given to [`retrieve`]), `a < b`.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Index of the first article (the smaller index).
    pub a: usize,
    /// Index of the second article.
    pub b: usize,
    /// Best rank score of the two directions (`term_score + shared sentence share`).
    pub score: f64,
    /// Best `term_score` of the two directions, in [0, 1].
    pub term_score: f64,
    /// Most selected terms shared, over the two directions.
    pub shared_terms: usize,
    /// Most sentences with a shared key, over the two directions.
    pub shared_sentences: usize,
}

/// Counters of one retrieval pass.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct RetrieveStats {
    /// Articles indexed.
    pub documents: usize,
    /// Distinct terms indexed (2 ≤ df ≤ max_df).
    pub indexed_terms: usize,
    /// Distinct terms left out as too common (df > max_df).
    pub common_terms: usize,
    /// Distinct sentence keys indexed (2 ≤ df ≤ sentence_max_df).
    pub indexed_sentence_keys: usize,
    /// Distinct sentence keys left out as too common.
    pub common_sentence_keys: usize,
    /// Posting entries walked by all queries (the work that must stay linear).
    pub postings_walked: u64,
    /// Candidate pairs returned.
    pub candidates: usize,
}

/// Candidate pairs and counters.
#[derive(Clone, Debug, Default)]
pub struct Retrieval {
    /// Each unordered pair once, sorted by `(a, b)`.
    pub candidates: Vec<Candidate>,
    /// Counters.
    pub stats: RetrieveStats,
}

/// Compressed posting lists: postings of key `k` are `docs[offsets[k]..offsets[k + 1]]`.
struct Postings {
    ids: U64Map<u32>,
    offsets: Vec<usize>,
    docs: Vec<u32>,
}

impl Postings {
    /// Index the keys of every document, keeping keys with `2 ≤ df ≤ max_df`. `keys(d)` must
    /// yield each key of a document once. Returns the postings and the number of keys dropped
    /// as too common.
    fn build<'a, I>(n: usize, keys: impl Fn(usize) -> I + Sync, max_df: usize) -> (Self, usize)
    where
        I: Iterator<Item = u64> + 'a,
    {
        let df = (0..n)
            .into_par_iter()
            .fold(U64Map::<u32>::default, |mut m, d| {
                for k in keys(d) {
                    *m.entry(k).or_insert(0) += 1;
                }
                m
            })
            .reduce(U64Map::default, |mut a, b| {
                let (big, small) = if a.len() >= b.len() {
                    (&mut a, b)
                } else {
                    let old = std::mem::replace(&mut a, b);
                    (&mut a, old)
                };
                for (k, c) in small {
                    *big.entry(k).or_insert(0) += c;
                }
                a
            });
        let mut common = 0usize;
        let mut kept: Vec<(u64, u32)> = df
            .into_iter()
            .filter(|&(_, c)| {
                common += usize::from(c as usize > max_df);
                c >= 2 && c as usize <= max_df
            })
            .collect();
        kept.sort_unstable();
        let mut ids = U64Map::default();
        ids.reserve(kept.len());
        let mut offsets = Vec::with_capacity(kept.len() + 1);
        let mut total = 0usize;
        for (i, &(k, c)) in kept.iter().enumerate() {
            ids.insert(k, i as u32);
            offsets.push(total);
            total += c as usize;
        }
        offsets.push(total);
        let mut fill = offsets.clone();
        let mut docs = vec![0u32; total];
        for d in 0..n {
            for k in keys(d) {
                if let Some(&i) = ids.get(&k) {
                    docs[fill[i as usize]] = d as u32;
                    fill[i as usize] += 1;
                }
            }
        }
        (Postings { ids, offsets, docs }, common)
    }

    fn get(&self, key: u64) -> Option<(u32, &[u32])> {
        let &i = self.ids.get(&key)?;
        let i = i as usize;
        Some((i as u32, &self.docs[self.offsets[i]..self.offsets[i + 1]]))
    }

    fn df(&self, id: u32) -> usize {
        self.offsets[id as usize + 1] - self.offsets[id as usize]
    }

    fn len(&self) -> usize {
        self.ids.len()
    }
}

/// Per-thread accumulators, sized to the corpus once per thread and reset through the list of
/// touched entries, so a query costs what it walks.
struct Scratch {
    weight: Vec<f32>,
    terms: Vec<u16>,
    sentences: Vec<u16>,
    stamp: Vec<u32>,
    bands: Vec<u8>,
    stamped: Vec<u32>,
    touched: Vec<u32>,
    walked: u64,
}

impl Scratch {
    fn new(n: usize) -> Self {
        Scratch {
            weight: vec![0.0; n],
            terms: vec![0; n],
            sentences: vec![0; n],
            stamp: vec![u32::MAX; n],
            bands: vec![0; n],
            stamped: Vec::new(),
            touched: Vec::new(),
            walked: 0,
        }
    }

    fn touch(&mut self, e: u32) {
        let e = e as usize;
        if self.terms[e] == 0 && self.sentences[e] == 0 && self.weight[e] == 0.0 {
            self.touched.push(e as u32);
        }
    }
}

/// Propose candidate pairs for `docs` (see the [module docs](self) for the algorithm).
pub fn retrieve(docs: &[DocFeatures], cfg: &RetrieveConfig) -> Retrieval {
    let n = docs.len();
    let mut stats = RetrieveStats {
        documents: n,
        ..RetrieveStats::default()
    };
    if n < 2 || n > u32::MAX as usize {
        return Retrieval {
            candidates: Vec::new(),
            stats,
        };
    }
    let term_cap = (cfg.max_df_fraction * n as f64).ceil().max(5.0) as usize;
    let (terms, common_terms) = Postings::build(
        n,
        |d| docs[d].terms.iter().map(|t| t.hash),
        cfg.max_df.min(term_cap).max(2),
    );
    let (sents, common_keys) = Postings::build(
        n,
        |d| {
            let mut keys: Vec<u64> = docs[d].sentence_keys.iter().flatten().copied().collect();
            keys.sort_unstable();
            keys.dedup();
            keys.into_iter()
        },
        cfg.sentence_max_df.max(2),
    );
    stats.indexed_terms = terms.len();
    stats.common_terms = common_terms;
    stats.indexed_sentence_keys = sents.len();
    stats.common_sentence_keys = common_keys;

    let ln_n = (n as f64).ln();
    let selections: Vec<Selection> = docs
        .par_iter()
        .map(|doc| select_terms(doc, &terms, cfg, ln_n))
        .collect();

    let window = cfg.window_days.map(|d| d * 86_400.0);
    let in_window = |a: usize, b: usize| match (window, docs[a].published, docs[b].published) {
        (Some(w), Some(x), Some(y)) => ((x - y) as f64).abs() <= w,
        _ => true,
    };
    let ctx = QueryContext {
        docs,
        selections: &selections,
        terms: &terms,
        sents: &sents,
        cfg,
        in_window: &in_window,
    };
    let per_doc: Vec<(Vec<Candidate>, u64)> = (0..n)
        .into_par_iter()
        .map_init(
            || Scratch::new(n),
            |s, d| {
                let walked_before = s.walked;
                let found = ctx.query(d, s);
                (found, s.walked - walked_before)
            },
        )
        .collect();

    let mut best: HashMap<(usize, usize), Candidate> = HashMap::new();
    for (found, walked) in per_doc {
        stats.postings_walked += walked;
        for c in found {
            best.entry((c.a, c.b))
                .and_modify(|b| {
                    b.score = b.score.max(c.score);
                    b.term_score = b.term_score.max(c.term_score);
                    b.shared_terms = b.shared_terms.max(c.shared_terms);
                    b.shared_sentences = b.shared_sentences.max(c.shared_sentences);
                })
                .or_insert(c);
        }
    }
    let mut candidates: Vec<Candidate> = best.into_values().collect();
    candidates.sort_unstable_by_key(|c| (c.a, c.b));
    stats.candidates = candidates.len();
    Retrieval { candidates, stats }
}

/// The query terms of one document: `(weight, term id)` and the total weight.
struct Selection {
    terms: Vec<(f64, u32)>,
    total: f64,
}

/// Select the `terms_per_doc` most characteristic indexed terms of a document.
fn select_terms(doc: &DocFeatures, terms: &Postings, cfg: &RetrieveConfig, ln_n: f64) -> Selection {
    let mut ranked: Vec<(f64, f64, u32)> = doc
        .terms
        .iter()
        .filter_map(|t| {
            let (id, _) = terms.get(t.hash)?;
            let idf = (ln_n - (terms.df(id) as f64).ln()).max(0.0);
            let boost = if t.entity { cfg.entity_boost } else { 1.0 };
            let rank = idf * (1.0 + f64::from(t.tf).ln()) * boost;
            Some((rank, idf * boost, id))
        })
        .collect();
    let k = cfg.terms_per_doc.min(ranked.len());
    if k < ranked.len() {
        ranked.select_nth_unstable_by(k, |x, y| y.0.total_cmp(&x.0).then(x.2.cmp(&y.2)));
        ranked.truncate(k);
    }
    let total = ranked.iter().map(|x| x.1).sum();
    Selection {
        terms: ranked.into_iter().map(|(_, w, id)| (w, id)).collect(),
        total,
    }
}

/// Everything a query reads.
struct QueryContext<'a, W> {
    docs: &'a [DocFeatures],
    selections: &'a [Selection],
    terms: &'a Postings,
    sents: &'a Postings,
    cfg: &'a RetrieveConfig,
    in_window: &'a W,
}

impl<W: Fn(usize, usize) -> bool + Sync> QueryContext<'_, W> {
    /// The best qualifying partners of document `d`.
    fn query(&self, d: usize, s: &mut Scratch) -> Vec<Candidate> {
        let (docs, terms, sents, cfg) = (self.docs, self.terms, self.sents, self.cfg);
        let doc = &docs[d];
        let selected = &self.selections[d];
        for &(w, id) in &selected.terms {
            let range = terms.offsets[id as usize]..terms.offsets[id as usize + 1];
            s.walked += range.len() as u64;
            for &e in &terms.docs[range] {
                if e as usize == d {
                    continue;
                }
                s.touch(e);
                s.weight[e as usize] += w as f32;
                s.terms[e as usize] = s.terms[e as usize].saturating_add(1);
            }
        }
        // Sentence keys: count a partner once per sentence of `d` of which it holds at least
        // SENTENCE_MIN_BANDS keys.
        for (i, keys) in doc.sentence_keys.iter().enumerate() {
            for &key in keys {
                if let Some((_, posting)) = sents.get(key) {
                    s.walked += posting.len() as u64;
                    for &e in posting {
                        let eu = e as usize;
                        if eu == d {
                            continue;
                        }
                        if s.stamp[eu] != i as u32 {
                            if s.stamp[eu] == u32::MAX {
                                s.stamped.push(e);
                            }
                            s.stamp[eu] = i as u32;
                            s.bands[eu] = 0;
                        }
                        s.bands[eu] = s.bands[eu].saturating_add(1);
                        if s.bands[eu] == SENTENCE_MIN_BANDS {
                            s.touch(e);
                            s.sentences[eu] = s.sentences[eu].saturating_add(1);
                        }
                    }
                }
            }
        }
        let keyed = doc.sentence_keys.len().max(1) as f64;
        let mut found = Vec::new();
        for &e in &s.touched {
            let eu = e as usize;
            // Cosine-like normalization: a short article sharing its few indexed (and so fairly
            // common) words with a long one does not score high.
            let norm = (selected.total * self.selections[eu].total).sqrt();
            let term_score = if norm > 0.0 {
                f64::from(s.weight[eu]) / norm
            } else {
                0.0
            };
            let shared_terms = usize::from(s.terms[eu]);
            let shared_sentences = usize::from(s.sentences[eu]);
            let by_terms =
                shared_terms >= cfg.min_shared_terms.max(1) && term_score >= cfg.min_term_score;
            let by_sentences = shared_sentences >= cfg.min_shared_sentences.max(1);
            if (by_terms || by_sentences) && (self.in_window)(d, eu) {
                found.push(Candidate {
                    a: d.min(eu),
                    b: d.max(eu),
                    score: term_score.min(1.0) + shared_sentences as f64 / keyed,
                    term_score: term_score.min(1.0),
                    shared_terms,
                    shared_sentences,
                });
            }
        }
        for &e in &s.touched {
            let eu = e as usize;
            s.weight[eu] = 0.0;
            s.terms[eu] = 0;
            s.sentences[eu] = 0;
        }
        s.touched.clear();
        for &e in &s.stamped {
            s.stamp[e as usize] = u32::MAX;
            s.bands[e as usize] = 0;
        }
        s.stamped.clear();
        found.sort_unstable_by(|x, y| {
            y.score
                .total_cmp(&x.score)
                .then(x.a.cmp(&y.a))
                .then(x.b.cmp(&y.b))
        });
        found.truncate(cfg.top_n);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feats(texts: &[&str], cfg: &RetrieveConfig) -> Vec<DocFeatures> {
        texts
            .iter()
            .map(|t| DocFeatures::new(&PreparedDoc::new(t), None, cfg))
            .collect()
    }

    fn pairs(r: &Retrieval) -> Vec<(usize, usize)> {
        r.candidates.iter().map(|c| (c.a, c.b)).collect()
    }

    const ORIGINAL: &str = "Engineers found cracks in the Alder Street Bridge on Friday. \
        Mara Lindqvist said repairs would cost 4.2 million dollars. \
        Buses on routes 12 and 14 will go over Kestrel Road instead.";
    const REWRITE: &str = "Cracks discovered Friday have shut the Alder Street Bridge. \
        Fixing it will cost about 4.2 million dollars, according to Mara Lindqvist. \
        Routes 12 and 14 now detour via Kestrel Road.";
    const OTHER: &[&str] = &[
        "The city zoo welcomed a baby giraffe named Pebble this week after a long wait.",
        "Farmers at the Saturday market sold out of pumpkins before noon again.",
        "The museum opened a new wing dedicated to maritime history and old maps.",
        "A school robotics team from Eastbank won the regional championship trophy.",
    ];

    #[test]
    fn finds_a_paraphrased_rewrite_by_shared_names_and_numbers() {
        let cfg = RetrieveConfig::default();
        let mut texts = vec![ORIGINAL, REWRITE];
        texts.extend_from_slice(OTHER);
        let r = retrieve(&feats(&texts, &cfg), &cfg);
        assert_eq!(pairs(&r), vec![(0, 1)], "{:?}", r.candidates);
        let c = &r.candidates[0];
        assert!(c.term_score >= cfg.min_term_score, "{c:?}");
        assert!(c.shared_terms >= 5, "{c:?}");
        assert_eq!(r.stats.documents, 6);
        assert_eq!(r.stats.candidates, 1);
    }

    #[test]
    fn entities_are_marked_from_capitalization_and_digits() {
        let doc = PreparedDoc::new("Yesterday Mara met the mayor at 9 o'clock.");
        let f = DocFeatures::new(&doc, None, &RetrieveConfig::default());
        let entity = |w: &str| {
            f.terms
                .iter()
                .find(|t| t.hash == token_hash(w))
                .map(|t| t.entity)
        };
        assert_eq!(entity("mara"), Some(true));
        assert_eq!(entity("9"), Some(true));
        assert_eq!(entity("mayor"), Some(false));
        // Sentence-initial capitals are not names.
        assert_eq!(entity("yesterday"), Some(false));
    }

    #[test]
    fn one_reused_sentence_is_enough() {
        let shared = "The committee voted seven to two to approve the harbour dredging plan";
        let a = format!("Rain fell all day. {shared}. Nobody expected it.");
        let b = format!("Sunny weather is forecast. {shared}. Fishermen welcomed it.");
        let mut texts = vec![a.as_str(), b.as_str()];
        texts.extend_from_slice(OTHER);
        let cfg = RetrieveConfig {
            min_term_score: 2.0, // switch the term channel off
            ..RetrieveConfig::default()
        };
        let r = retrieve(&feats(&texts, &cfg), &cfg);
        assert_eq!(pairs(&r), vec![(0, 1)]);
        assert_eq!(r.candidates[0].shared_sentences, 1);
        let off = RetrieveConfig {
            min_shared_sentences: 2,
            ..cfg
        };
        assert!(retrieve(&feats(&texts, &off), &off).candidates.is_empty());
    }

    #[test]
    fn common_terms_and_sentences_are_capped() {
        // Six documents share one boilerplate sentence and nothing else.
        let boiler = "Subscribe to our newsletter for the latest local news every single morning";
        let texts: Vec<String> = OTHER
            .iter()
            .chain(["Bakers raised bread prices.", "Ferries ran late."].iter())
            .map(|t| format!("{t} {boiler}."))
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let cfg = RetrieveConfig {
            max_df: 3,
            sentence_max_df: 3,
            ..RetrieveConfig::default()
        };
        let r = retrieve(&feats(&refs, &cfg), &cfg);
        assert!(r.candidates.is_empty(), "{:?}", r.candidates);
        assert!(r.stats.common_terms > 0 && r.stats.common_sentence_keys > 0);
        // With a higher cap the shared sentence pairs everything.
        let loose = RetrieveConfig {
            sentence_max_df: 10,
            top_n: 10,
            ..cfg
        };
        assert_eq!(retrieve(&feats(&refs, &loose), &loose).candidates.len(), 15);
    }

    #[test]
    fn top_n_limits_partners_per_document() {
        let boiler = "Subscribe to our newsletter for the latest local news every single morning";
        let texts: Vec<String> = (0..8)
            .map(|i| format!("Story {i} here. {boiler}."))
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let cfg = RetrieveConfig {
            top_n: 2,
            ..RetrieveConfig::default()
        };
        let r = retrieve(&feats(&refs, &cfg), &cfg);
        assert!(!r.candidates.is_empty());
        assert!(r.candidates.len() <= 2 * refs.len());
        for d in 0..refs.len() {
            let own = r.candidates.iter().filter(|c| c.a == d || c.b == d).count();
            // Each document keeps 2; it may also appear in the lists of others.
            assert!(own >= 2, "document {d} has {own} partners");
        }
    }

    #[test]
    fn query_work_is_bounded_by_the_caps() {
        // 60 articles share a long sentence and many words; articles 2k and 2k + 1 also share
        // three names and one short sentence. Nothing common is walked: each article walks its
        // 3 name postings and its 6 sentence-key postings, each 2 long.
        let texts: Vec<String> = (0..60)
            .map(|i| {
                let k = i / 2;
                format!(
                    "Officials in the county said on Monday that the weather would stay mild for \
                     the rest of the week. Resident Name{k} of Town{k} spoke at length to Reporter{k}."
                )
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let cfg = RetrieveConfig {
            max_df: 10,
            sentence_max_df: 10,
            ..RetrieveConfig::default()
        };
        let r = retrieve(&feats(&refs, &cfg), &cfg);
        let expected: Vec<(usize, usize)> = (0..30).map(|k| (2 * k, 2 * k + 1)).collect();
        assert_eq!(pairs(&r), expected);
        assert!(r.stats.common_terms > 10 && r.stats.common_sentence_keys > 0);
        assert_eq!(
            r.stats.postings_walked,
            60 * (3 * 2 + SENTENCE_BANDS as u64 * 2)
        );
    }

    #[test]
    fn time_window_separates_distant_articles() {
        let cfg = RetrieveConfig {
            window_days: Some(3.0),
            ..RetrieveConfig::default()
        };
        let mut docs = feats(&[ORIGINAL, REWRITE, OTHER[0], OTHER[1]], &cfg);
        docs[0].published = Some(0);
        docs[1].published = Some(10 * 86_400);
        assert!(retrieve(&docs, &cfg).candidates.is_empty());
        docs[1].published = Some(2 * 86_400);
        assert_eq!(pairs(&retrieve(&docs, &cfg)), vec![(0, 1)]);
        docs[1].published = None;
        assert_eq!(pairs(&retrieve(&docs, &cfg)), vec![(0, 1)]);
    }

    #[test]
    fn degenerate_inputs() {
        let cfg = RetrieveConfig::default();
        assert!(retrieve(&[], &cfg).candidates.is_empty());
        assert!(retrieve(&feats(&[ORIGINAL], &cfg), &cfg)
            .candidates
            .is_empty());
        let empty = feats(&["", "...", ORIGINAL], &cfg);
        assert!(retrieve(&empty, &cfg).candidates.is_empty());
        let same = feats(&[ORIGINAL, ORIGINAL], &cfg);
        assert_eq!(pairs(&retrieve(&same, &cfg)), vec![(0, 1)]);
    }
}
