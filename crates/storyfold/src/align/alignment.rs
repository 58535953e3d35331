//! Sentence-by-sentence alignment of two articles, containment both ways and the relation label
//! of the pair.
//!
//! [`Aligner::align`] finds, for every sentence of B, its counterpart in A (or none). The
//! thresholds and limits named below are the fields of the aligner's [`AlignConfig`], with
//! their defaults in parentheses.
//!
//! 1. **Candidates.** Only sentence pairs sharing tokens are scored: an inverted index of A's
//!    tokens gives, for each sentence of B, the sentences of A sharing at least a third of the
//!    smaller sentence's distinct content (non-stopword) tokens (and at least two, or one when a
//!    sentence has only one) and at least a quarter of its distinct tokens.
//!    Candidate pairs are scored with [`similarity::score`] and with the token-level edit
//!    similarity `1 - levenshtein(tokens_a, tokens_b) / max(len_a, len_b)` (tokens compared by
//!    their xxh3 hashes; the distance and the LCS below are computed bit-parallel, 64 tokens of
//!    the shorter sentence per machine word, see [`mod@similarity::features`]).
//! 2. **Kinds.** A pair is `verbatim` when the normalized texts are equal, `edited` when the token
//!    edit similarity is at least [`edited_min`](AlignConfig::edited_min) (0.8), or at least
//!    [`edited_fact_min`](AlignConfig::edited_fact_min) (0.6) when every differing token is a
//!    number or a capitalized name (a changed figure or name), or when B is a copied fragment of A
//!    or A with a few words inserted (token LCS covers at least [`cut_min`](AlignConfig::cut_min)
//!    (0.8) of B and of B's IDF weight, or 0.8 of A and half of B, with at least
//!    [`cut_min_tokens`](AlignConfig::cut_min_tokens) (5) tokens in common), `paraphrase` when
//!    [`similarity::is_paraphrase`] accepts the score, and not a match otherwise. The weight of a
//!    pair is 1 (verbatim), else the largest of the score, the edit similarity and the LCS share of
//!    B.
//! 3. **Monotone backbone.** A weighted longest common subsequence (dynamic programming over the
//!    sentence grid, `O(|A|·|B|)`) picks the order-preserving set of matches with the largest total
//!    weight (above [`max_grid_cells`](AlignConfig::max_grid_cells) pairs, greedy matching
//!    best-first instead).
//! 4. **Moved sentences.** B sentences left over are matched out of order to an unused A sentence
//!    when the pair is verbatim or edited, or a paraphrase whose IDF-weighted token Dice
//!    coefficient is at least [`moved_dice_min`](AlignConfig::moved_dice_min) (0.5), best pairs
//!    first.
//! 5. **Split sentences.** One A sentence may match several B sentences only when B split it: a
//!    left-over B sentence (at least 4 tokens) whose IDF-weighted tokens are at least
//!    [`split_containment_min`](AlignConfig::split_containment_min) (0.8) contained in the A
//!    sentence matched by its neighbour in B is matched to that A sentence as a `paraphrase`.
//!
//! **Containment** is weighted by tokens: `containment_b_in_a` is the share of B's tokens that
//! lie in matched sentences of B, `containment_a_in_b` the share of A's tokens in sentences of A
//! that some B sentence matched. **Score** is the quality-weighted containment, the larger of the
//! two directions, where each matched sentence counts with its pair weight (1 for verbatim).
//!
//! **Relation** (first rule that holds):
//! * `exact`: the normalized texts (sentences joined by a space) are equal;
//! * `near_duplicate`: Jaccard of the word-5-gram shingle sets ([`crate::fingerprint`])
//!   is at least [`near_duplicate_min`](AlignConfig::near_duplicate_min) (0.8);
//! * `rewrite`: the larger containment is at least [`rewrite_min`](AlignConfig::rewrite_min) (0.3),
//!   counting only matches outside a shared *trailing block*: when B's last `k` sentences are
//!   matched verbatim, in order, to A's last `k` sentences and no other sentence is matched, the
//!   pair shares only an outlet footer (a "we are a nonprofit newsroom ... corrections" paragraph),
//!   not derived content, and is not a rewrite. The reported containments still count the footer.
//!   Leading blocks are not treated so: copies share the lead;
//! * `rewrite` also, when no sentence is close enough to match (a heavy paraphrase), by **fact
//!   provenance** ([`FactSupport::derived`]): one side (the derived one) has at least
//!   [`provenance_min_sentences`](AlignConfig::provenance_min_sentences) (3) sentences and
//!   [`provenance_min_facts`](AlignConfig::provenance_min_facts) (3) distinct facts, states no fact
//!   the other does not, a name and a figure among them (`Faith Chebet`, `14,000`, `Tuesday`); the
//!   IDF-weighted stems of its content words are at least
//!   [`provenance_min_content`](AlignConfig::provenance_min_content) (0.3) contained in the other
//!   (`content_b_in_a` / `content_a_in_b`) and cover at least
//!   [`provenance_min_cover`](AlignConfig::provenance_min_cover) (0.2) of the other's; and no fact
//!   of the pair disagrees (both fact passes below). An independent report brings facts of its own
//!   (its own count, its own witness, a figure that disagrees); a rewrite restates its source's.
//!   The score of such a pair is the harmonic mean of the two content containments when that is
//!   larger. On Clough & Stevenson, ECB+ (`scripts/eval_same_story.py`) and 5,000 AllSides articles
//!   no pair becomes a rewrite by provenance alone: real rewrites there keep enough wording for the
//!   containment rule, and no independent report is taken for one;
//! * `same_story`: the IDF-weighted Dice overlap of key terms ([`facts::key_terms`]: names,
//!   numbers, dates, money) is at least [`same_story_min`](AlignConfig::same_story_min) (0.2), with
//!   at least [`same_story_min_shared`](AlignConfig::same_story_min_shared) (3) shared key terms
//!   (key terms of a footer-only trailing block, see `rewrite`, are left out: `key_term_overlap` is
//!   then of the rest);
//! * `unrelated` otherwise.
//!
//! Disagreeing facts ([`facts::compare_sentences`]) are collected from every edited or paraphrase
//! pair, in B's order; a pair of values already reported (same kind, same two values) is not
//! repeated. A second pass, for `same_story` and `rewrite` pairs only, compares sentences that are
//! *not* aligned to each other but are about the same thing: both carry a number, percentage, money
//! amount or date, and the IDF-weighted Dice of the
//! [`stem_chars`](AlignConfig::stem_chars)-character (5) stems of their content words outside those
//! facts is at least [`same_topic_min`](AlignConfig::same_topic_min) (0.2); such pairs are taken
//! most-overlapping first, each sentence once. Of their disagreements only numbers, percentages and
//! money are kept, and only when the words right after the two values share a stem (the same unit:
//! `110 kilometers` / `90 kilometers`) and neither value agrees with a fact of the same kind
//! anywhere in the other article. A third pass compares the figures of unaligned sentences of
//! `same_story` pairs by
//! *quantity frames* ([`super::frames`]). Each disagreement says which pass found it (`via`:
//! `aligned`, `same_topic`, `frame`) and carries a confidence ([`Disagreement::confidence`]:
//! the pass's prior, adjusted by the noise rules of `assess`); only those of at least
//! [`Aligner::min_confidence`] ([`DEFAULT_MIN_CONFIDENCE`], 0.7) are reported.
//!
//! **Limits.** Whatever the input, an alignment does bounded work (issue 23: inputs are
//! untrusted), and says when a limit cut it short ([`Alignment::truncated`]; [`AlignWork`]
//! counts the work): at most [`max_candidates`](AlignConfig::max_candidates) (1,000) candidates per
//! B sentence and [`max_candidate_work`](AlignConfig::max_candidate_work) (20,000,000) units of
//! index entries visited and pair tokens scored in stage 1, the edit and LCS measures only for
//! pairs within [`max_token_cells`](AlignConfig::max_token_cells) (250,000), the greedy
//! backbone above [`max_grid_cells`](AlignConfig::max_grid_cells) (4,000,000), and
//! [`max_fact_work`](AlignConfig::max_fact_work) (20,000,000) for the fact passes; per sentence
//! at most [`MAX_SENTENCE_FACTS`](super::sentence::MAX_SENTENCE_FACTS) (256) facts, read from
//! its first [`MAX_FACT_TEXT_BYTES`](super::sentence::MAX_FACT_TEXT_BYTES) (64 KiB), per document
//! [`MAX_DOC_FACTS`](super::analysis::MAX_DOC_FACTS) (2,048) distinct facts for provenance,
//! the first [`MAX_DOC_SENTENCES`](super::sentence::MAX_DOC_SENTENCES) (20,000) sentences of a
//! document, and similarity features of a sentence's first
//! [`MAX_SIDE_TOKENS`](super::similarity::features::MAX_SIDE_TOKENS) (100,000) tokens.
//! None of them is reached by news articles (the outputs on the example corpus and 5,000
//! AllSides articles are the same with and without them).

use std::cmp::Reverse;
use std::collections::HashSet;
use std::sync::Arc;

pub use super::analysis::DocAnalysis;
use super::analysis::{
    self, stem_containment, stem_dice, stem_dice_without, FactSet, HashedIdf, SentenceTokens,
    Stems, WeightedSet,
};
pub use super::config::{AlignConfig, AlignConfigError};
use super::facts::{self, Disagreement, Via};
use super::frames::{self, Frame, FrameMatch};
use super::sentence::QUANTITY_KINDS;
use super::similarity::embed::Embeddings;
use super::similarity::features::{count_common, Rows, SentenceSide};
use super::similarity::{self, Encoding, Idf};
use super::{PreparedDoc, Sentence};
use crate::text::lexicon::{self, prefix_stem};

/// How two articles relate.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Independent of each other.
    Unrelated,
    /// Independent reports of the same event: shared facts and entities, little shared text.
    SameStory,
    /// One is a rewrite (edited, paraphrased, spun) of the other.
    Rewrite,
    /// Near-duplicate text.
    NearDuplicate,
    /// The same text after normalization.
    Exact,
}

impl Relation {
    /// The snake_case name (as serialized).
    pub fn name(self) -> &'static str {
        match self {
            Relation::Unrelated => "unrelated",
            Relation::SameStory => "same_story",
            Relation::Rewrite => "rewrite",
            Relation::NearDuplicate => "near_duplicate",
            Relation::Exact => "exact",
        }
    }
}

/// How a sentence of B relates to its counterpart in A.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// Same normalized text.
    Verbatim,
    /// Small edits.
    Edited,
    /// Reworded.
    Paraphrase,
    /// No counterpart.
    Unmatched,
}

/// The counterpart of one sentence of B.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SentenceMatch {
    /// Index of the sentence in B.
    pub b: usize,
    /// Index of its counterpart in A, if any.
    pub a: Option<usize>,
    /// Kind of match.
    pub kind: MatchKind,
    /// Similarity score of the two sentences (0 when unmatched).
    pub score: f64,
    /// Whether the match breaks the order of the monotone backbone (a moved sentence).
    pub moved: bool,
}

/// The alignment of article B against article A.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Alignment {
    /// One entry per sentence of B, in B's order.
    pub matches: Vec<SentenceMatch>,
    /// Share of B's sentences derived from A (weighted by tokens).
    pub containment_b_in_a: f64,
    /// Share of A's sentences used by B (weighted by tokens).
    pub containment_a_in_b: f64,
    /// Sentences of B without counterpart (added by B).
    pub added: Vec<usize>,
    /// Sentences of A without counterpart (dropped by B).
    pub dropped: Vec<usize>,
    /// Relation label of the pair.
    pub relation: Relation,
    /// Overall similarity score of the pair in [0, 1]: the quality-weighted containment (see
    /// the [module docs](self)); for a rewrite by fact provenance at least the harmonic mean
    /// of the content containments.
    pub score: f64,
    /// Facts that differ between aligned sentences.
    pub disagreements: Vec<Disagreement>,
    /// Jaccard of the word-5-gram shingle sets of the two texts.
    pub shingle_jaccard: f64,
    /// Share of B's word-5-gram shingles found in A: verbatim reuse, where the containments
    /// above count reworded sentences too.
    pub shingle_b_in_a: f64,
    /// Share of A's word-5-gram shingles found in B.
    pub shingle_a_in_b: f64,
    /// IDF-weighted Dice overlap of the key terms (names, numbers, dates) of the two texts.
    pub key_term_overlap: f64,
    /// Number of key terms the two texts share.
    pub shared_key_terms: usize,
    /// B's facts and how many of them A states too.
    pub facts_b_in_a: FactSupport,
    /// A's facts and how many of them B states too.
    pub facts_a_in_b: FactSupport,
    /// IDF-weighted share of the stems of B's content words that occur in A.
    pub content_b_in_a: f64,
    /// IDF-weighted share of the stems of A's content words that occur in B.
    pub content_a_in_b: f64,
    /// Whether a limit on the aligner's work ([`AlignConfig`]'s `max_*` fields and the named
    /// caps of [`super::analysis`] and [`super::sentence`]) cut some of it short, so that the
    /// result may differ from the unlimited method's (see [`AlignWork`]). Serialized only when
    /// true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// How much work the alignment took (not part of the result: not serialized, and two
    /// alignments are equal whatever their work).
    #[serde(skip)]
    pub work: AlignWork,
}

/// Counters of the work an alignment did, each bounded by a limit of the [`AlignConfig`]
/// whatever the input (tests assert on them instead of on time). Not part of the result:
/// any two `AlignWork`s are equal.
#[derive(Clone, Copy, Debug, Default)]
pub struct AlignWork {
    /// Entries of A's token index visited to find candidates, plus the tokens of the
    /// sentence pairs scored (both sentences' tokens for each pair): at most
    /// [`max_candidate_work`](AlignConfig::max_candidate_work) (and a few sentences' tokens over
    /// when a share is exceeded by the last pair).
    pub candidate_work: u64,
    /// Sentence pairs scored.
    pub pairs_scored: u64,
    /// Most candidates kept for one B sentence (at most
    /// [`max_candidates`](AlignConfig::max_candidates)).
    pub most_candidates: usize,
    /// Token cells (`|a| x |b|`) of the edit and LCS measures computed, summed over the pairs;
    /// each pair at most [`max_token_cells`](AlignConfig::max_token_cells).
    pub token_cells: u64,
    /// Pairs scored without those measures, being over
    /// [`max_token_cells`](AlignConfig::max_token_cells) (judged by their score alone).
    pub long_pairs: u64,
    /// Cells of the monotone backbone's table (at most
    /// [`max_grid_cells`](AlignConfig::max_grid_cells)).
    pub grid_cells: u64,
    /// Estimated work of the fact passes (index entries and stem overlaps of the same-topic
    /// pass, and per sentence pair compared `(facts + 1) x bytes + facts² + words²`): at most
    /// [`max_fact_work`](AlignConfig::max_fact_work).
    pub fact_work: u64,
}

impl PartialEq for AlignWork {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// How a row of the side-by-side view of an alignment ([`Alignment::rows`]) reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RowKind {
    /// A sentence of A without counterpart in B.
    Dropped,
    /// A sentence of B without counterpart in A.
    Added,
    /// A matched pair out of the order of the monotone backbone.
    Moved,
    /// Same normalized text.
    Verbatim,
    /// Small edits.
    Edited,
    /// Reworded.
    Paraphrase,
}

impl RowKind {
    /// The lower-case name (`dropped`, `added`, `moved`, `verbatim`, `edited`, `paraphrase`).
    pub fn name(self) -> &'static str {
        match self {
            RowKind::Dropped => "dropped",
            RowKind::Added => "added",
            RowKind::Moved => "moved",
            RowKind::Verbatim => "verbatim",
            RowKind::Edited => "edited",
            RowKind::Paraphrase => "paraphrase",
        }
    }
}

/// One row of the side-by-side view: a sentence of A, of B, or a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViewRow {
    /// What the row shows.
    pub kind: RowKind,
    /// Index of the sentence in A.
    pub a: Option<usize>,
    /// Index of the sentence in B.
    pub b: Option<usize>,
}

/// The largest similarity shown for two texts that are not exact copies: a similarity of 1.0
/// means the same text ([`Relation::Exact`]), so a score of 1 for anything else (a text
/// wholly contained in a longer one, a rounding up) is shown as this.
pub const MAX_INEXACT_SIMILARITY: f64 = 0.9999;

/// A similarity as shown beside a relation: `score`, at most [`MAX_INEXACT_SIMILARITY`] when
/// the relation is not `exact`. Only what is shown changes; decisions read the score itself.
pub fn shown_similarity(score: f64, exact: bool) -> f64 {
    if exact {
        score
    } else {
        score.min(MAX_INEXACT_SIMILARITY)
    }
}

impl Alignment {
    /// The score as shown beside the relation ([`shown_similarity`]): below 1 unless `exact`.
    pub fn shown_score(&self) -> f64 {
        shown_similarity(self.score, self.relation == Relation::Exact)
    }

    /// The rows of a side-by-side view of B against A (`a_sentences` = the number of A's
    /// sentences): B's sentences in order, each dropped sentence of A placed before the first
    /// in-order match of a later sentence of A (the rest at the end).
    pub fn rows(&self, a_sentences: usize) -> Vec<ViewRow> {
        let mut rows = Vec::new();
        let dropped: std::collections::HashSet<usize> = self.dropped.iter().copied().collect();
        let mut shown = vec![false; a_sentences];
        let flush = |upto: usize, rows: &mut Vec<ViewRow>, shown: &mut [bool]| {
            for i in 0..upto.min(shown.len()) {
                if dropped.contains(&i) && !shown[i] {
                    shown[i] = true;
                    rows.push(ViewRow {
                        kind: RowKind::Dropped,
                        a: Some(i),
                        b: None,
                    });
                }
            }
        };
        for m in &self.matches {
            if let (Some(ai), false) = (m.a, m.moved) {
                flush(ai, &mut rows, &mut shown);
            }
            let kind = match (m.kind, m.moved) {
                (MatchKind::Unmatched, _) => RowKind::Added,
                (_, true) => RowKind::Moved,
                (MatchKind::Verbatim, _) => RowKind::Verbatim,
                (MatchKind::Edited, _) => RowKind::Edited,
                (MatchKind::Paraphrase, _) => RowKind::Paraphrase,
            };
            rows.push(ViewRow {
                kind,
                a: m.a,
                b: Some(m.b),
            });
        }
        flush(a_sentences, &mut rows, &mut shown);
        rows
    }
}

/// Fact provenance of one article against another: how many of its distinct facts (numbers,
/// percentages, money amounts, dates, names; [`facts::extract`]) agree with some fact of the
/// other ([`facts::Fact::agrees`]). A text that states no fact the other does not is a
/// candidate for being derived from it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct FactSupport {
    /// Sentences of the article (a shared footer left out).
    pub sentences: usize,
    /// Distinct facts of the article.
    pub facts: usize,
    /// Of those, the facts the other article states too.
    pub supported: usize,
    /// Of the supported facts, the names.
    pub names: usize,
    /// Of the supported facts, the figures (numbers, percentages, money amounts, dates).
    pub figures: usize,
}

impl FactSupport {
    /// Facts the other article does not state.
    pub fn novel(&self) -> usize {
        self.facts - self.supported
    }

    /// Whether these facts make the article a paraphrased rewrite of the other (with `content` its
    /// content-word containment in the other, `cover` the other's content-word containment in it):
    /// at least [`provenance_min_sentences`](AlignConfig::provenance_min_sentences) sentences and
    /// [`provenance_min_facts`](AlignConfig::provenance_min_facts) facts, every one stated by the
    /// other too (allowing one unstated fact turned a hand-written independent report with its own
    /// quote into a rewrite, and gained nothing on Clough & Stevenson or ECB+), among them a name
    /// and a figure (who and when or how many: a text naming only its topic proves nothing), and
    /// content containment at least [`provenance_min_content`](AlignConfig::provenance_min_content)
    /// with cover at least [`provenance_min_cover`](AlignConfig::provenance_min_cover).
    pub fn derived(&self, content: f64, cover: f64, config: &AlignConfig) -> bool {
        self.sentences >= config.provenance_min_sentences
            && self.facts >= config.provenance_min_facts
            && self.novel() == 0
            && self.names >= 1
            && self.figures >= 1
            && content >= config.provenance_min_content
            && cover >= config.provenance_min_cover
    }
}

/// Aligns articles with a given IDF table.
#[derive(Clone, Debug)]
pub struct Aligner {
    idf: Idf,
    /// The weights of `idf` by token hash.
    weights: HashedIdf,
    /// Thresholds and limits.
    config: AlignConfig,
    /// Word embeddings for the quantity-frame pass ([`super::frames`]), when loaded.
    embeddings: Option<Arc<Embeddings>>,
    /// Least confidence of a reported disagreement ([`Disagreement::confidence`]; default
    /// [`DEFAULT_MIN_CONFIDENCE`]).
    min_confidence: f64,
}

/// The default cut of [`Aligner::with_min_confidence`]: disagreements of a lower confidence are
/// not reported (see `docs/evaluation.md`, Disagreements, for the precision measured at it).
pub const DEFAULT_MIN_CONFIDENCE: f64 = 0.7;

impl Default for Aligner {
    fn default() -> Self {
        Aligner::new(Idf::default())
    }
}

/// A scored candidate pair.
#[derive(Clone, Copy, Debug)]
struct Cand {
    a: usize,
    kind: MatchKind,
    score: f64,
    weight: f64,
}

impl Aligner {
    /// An aligner using `idf` for token weights.
    pub fn new(idf: Idf) -> Self {
        let weights = HashedIdf::of(&idf);
        Aligner {
            idf,
            weights,
            config: AlignConfig::default(),
            embeddings: None,
            min_confidence: DEFAULT_MIN_CONFIDENCE,
        }
    }

    /// This aligner with the thresholds and limits of `config`, when it is valid
    /// ([`AlignConfig::validate`]). Analyses made before ([`Aligner::analyze`]) are not for the
    /// new aligner.
    pub fn with_config(mut self, config: AlignConfig) -> Result<Self, AlignConfigError> {
        config.validate()?;
        self.config = config;
        Ok(self)
    }

    /// The thresholds and limits in use.
    pub fn config(&self) -> &AlignConfig {
        &self.config
    }

    /// This aligner reporting every disagreement whatever its confidence (`on`), or only those
    /// at or above [`DEFAULT_MIN_CONFIDENCE`]. (The quantity-frame pass, [`super::frames`], once
    /// switched on here, now always runs; its weaker matches have a low confidence.)
    pub fn with_frames(self, on: bool) -> Self {
        self.with_min_confidence(if on { 0.0 } else { DEFAULT_MIN_CONFIDENCE })
    }

    /// This aligner reporting only the disagreements of a confidence at least `cut` (0 reports
    /// all; values outside 0-1 are clamped).
    pub fn with_min_confidence(mut self, cut: f64) -> Self {
        self.min_confidence = if cut.is_nan() {
            0.0
        } else {
            cut.clamp(0.0, 1.0)
        };
        self
    }

    /// The least confidence of a reported disagreement.
    pub fn min_confidence(&self) -> f64 {
        self.min_confidence
    }

    /// This aligner with a word-embedding model for the quantity-frame pass ([`super::frames`]:
    /// head and sentence cosines besides the lexical rules).
    pub fn with_embeddings(mut self, embeddings: Arc<Embeddings>) -> Self {
        self.embeddings = Some(embeddings);
        self
    }

    /// The word-embedding model, when loaded.
    pub fn embeddings(&self) -> Option<&Embeddings> {
        self.embeddings.as_deref()
    }

    /// The IDF table in use.
    pub fn idf(&self) -> &Idf {
        &self.idf
    }

    /// `self.idf().weight(token)`, looked up by the token's hash (see [`HashedIdf`]).
    pub(crate) fn token_idf(&self, token: &str) -> f64 {
        self.weights.weight(token)
    }

    /// Align B against A (see the [module docs](self) for the method and thresholds).
    ///
    /// Two texts whose sentences are the same one by one (exact copies, the commonest pair in
    /// a story) are aligned directly, as the general method would: every sentence verbatim to
    /// its counterpart, containments and score 1, relation `exact`; the whole text is then one
    /// shared trailing block, so key terms, facts and content overlap are of nothing.
    pub fn align(&self, a: &PreparedDoc, b: &PreparedDoc) -> Alignment {
        match self.exact_copy(a, b, None) {
            Some(al) => al,
            None => self.align_sentences(a, &self.analyze(a), b, &self.analyze(b), None),
        }
    }

    /// [`Aligner::align`] deciding paraphrases with the sentence encoder: `ea` and `eb` are the
    /// [`Encoder`](similarity::Encoder)'s encodings of the sentences of `a` and `b`, one per
    /// sentence in order. Candidate pairs are scored by [`similarity::score_encoded`] and are
    /// paraphrases by [`similarity::is_paraphrase_encoded`]; everything else is as in
    /// [`Aligner::align`]. Encodings missing for a sentence (slices too short) fall back to the
    /// lexical score for the pairs of that sentence.
    pub fn align_encoded(
        &self,
        a: &PreparedDoc,
        b: &PreparedDoc,
        ea: &[Encoding],
        eb: &[Encoding],
    ) -> Alignment {
        match self.exact_copy(a, b, None) {
            Some(al) => al,
            None => self.align_sentences(a, &self.analyze(a), b, &self.analyze(b), Some((ea, eb))),
        }
    }

    /// What aligning `doc` with other documents needs of it, computed once: align a document
    /// with several others by [`Aligner::align_analyzed`] with its analysis instead of
    /// [`Aligner::align`], which analyzes both documents every time.
    pub fn analyze<'d>(&self, doc: &'d PreparedDoc) -> DocAnalysis<'d> {
        DocAnalysis::new(doc, &self.weights, &self.config)
    }

    /// [`Aligner::align`] with the documents' analyses ([`Aligner::analyze`] of `a` and `b`
    /// with this aligner; the same result as `align(a, b)`).
    pub fn align_analyzed(
        &self,
        a: &PreparedDoc,
        aa: &DocAnalysis,
        b: &PreparedDoc,
        ab: &DocAnalysis,
    ) -> Alignment {
        self.exact_copy(a, b, Some((aa, ab)))
            .unwrap_or_else(|| self.align_sentences(a, aa, b, ab, None))
    }

    /// The general method of [`Aligner::align`]: the stages of the [module docs](self) in
    /// turn (candidates and their kinds, the monotone backbone, moved sentences, split
    /// sentences), then containment and score, the relation, and the fact passes.
    fn align_sentences(
        &self,
        a: &PreparedDoc,
        aa: &DocAnalysis,
        b: &PreparedDoc,
        ab: &DocAnalysis,
        enc: Encodings,
    ) -> Alignment {
        let na = a.sentences.len();
        let mut work = AlignWork::default();
        let (cands, mut truncated) = self.candidates(a, aa, b, ab, enc, &mut work);
        let (mut chosen, greedy) = self.backbone(&cands, na, &mut work);
        truncated |= greedy;
        let moved = self.moved_sentences(na, aa, ab, &cands, &mut chosen);
        self.split_sentences(a, aa, b, ab, enc, &mut chosen);
        let cover = Coverage::of(a, b, &chosen);

        let shingles = overlap_of(&aa.shingles, &ab.shingles, na);
        let copy = self.copy_of(a, b, aa.joined == ab.joined, shingles.jaccard);
        // A shared footer says nothing about the story: its key terms, facts and content words
        // are left out, and it makes no rewrite.
        let footer_only = footer_only(&chosen, na);
        let footer = if footer_only {
            trailing_block(&chosen, na)
        } else {
            0
        };
        let story = self.story_evidence(a, aa, b, ab, footer);
        let by_containment = !footer_only
            && cover.containment_b_in_a.max(cover.containment_a_in_b) >= self.config.rewrite_min;
        let mut relation = match copy {
            Some(copy) => copy,
            // A paraphrased rewrite states (almost) only facts of the other article; it is
            // confirmed below when no fact disagrees.
            None if by_containment || story.provenance(&self.config) => Relation::Rewrite,
            None if story.same_story(&self.config) => Relation::SameStory,
            None => Relation::Unrelated,
        };

        let mut found = Reported::default();
        let mut budget = Budget::new(self.config.max_fact_work);
        found.extend(aligned_disagreements(a, b, &chosen, &mut budget));
        if matches!(relation, Relation::SameStory | Relation::Rewrite) {
            found.extend(self.topic_disagreements(a, aa, b, ab, &chosen, &mut budget));
        }
        let mut score = if copy == Some(Relation::Exact) {
            1.0
        } else {
            cover.score
        };
        if relation == Relation::Rewrite && !by_containment {
            (relation, score) =
                story.confirm_provenance(found.list.is_empty(), score, &self.config);
        }
        if relation == Relation::SameStory {
            found.extend(self.frame_disagreements(a, aa, b, ab, &chosen, &mut budget));
        }
        let mut noise = Noise::default();
        found.list.retain_mut(|d| {
            assess(d, a, aa, b, ab, &mut noise);
            // Confidences are sums of a few constants: rounded, so that a sum landing on the
            // cut is not lost to a floating-point error.
            d.confidence = (d.confidence.clamp(0.0, 1.0) * 1e4).round() / 1e4;
            d.confidence >= self.min_confidence
        });
        work.fact_work = budget.used;
        truncated |= budget.cut || aa.truncated || ab.truncated;

        Alignment {
            matches: sentence_matches(&chosen, &moved),
            containment_b_in_a: cover.containment_b_in_a,
            containment_a_in_b: cover.containment_a_in_b,
            added: cover.added,
            dropped: cover.dropped,
            relation,
            score,
            disagreements: found.list,
            shingle_jaccard: shingles.jaccard,
            shingle_b_in_a: shingles.b_in_a,
            shingle_a_in_b: shingles.a_in_b,
            key_term_overlap: story.key_term_overlap,
            shared_key_terms: story.shared_key_terms,
            facts_b_in_a: story.facts_b_in_a,
            facts_a_in_b: story.facts_a_in_b,
            content_b_in_a: story.content_b_in_a,
            content_a_in_b: story.content_a_in_b,
            truncated,
            work,
        }
    }

    /// Stage 3, the monotone backbone: each B sentence's match in the order-preserving choice of
    /// candidates with the largest total weight ([`weighted_lcs`]), or, when the sentence grid has
    /// more than [`max_grid_cells`](AlignConfig::max_grid_cells) cells, in a greedy one-to-one
    /// choice, best pairs first ([`greedy_matches`]); `None` for a sentence left unmatched. Also
    /// whether the greedy choice was taken (a cut of the work).
    fn backbone(
        &self,
        cands: &[Vec<Cand>],
        na: usize,
        work: &mut AlignWork,
    ) -> (Vec<Option<Cand>>, bool) {
        let nb = cands.len();
        if na.saturating_mul(nb) > self.config.max_grid_cells {
            (greedy_matches(cands, na), true)
        } else if na > 0 && nb > 0 {
            work.grid_cells = (na * nb) as u64;
            (weighted_lcs(cands, na), false)
        } else {
            (vec![None; nb], false)
        }
    }

    /// Stage 4, moved sentences: B sentences left unmatched by the backbone are matched out of
    /// order to an A sentence no match uses yet, when the pair is verbatim or edited, or a
    /// paraphrase whose IDF-weighted token Dice is at least
    /// [`moved_dice_min`](AlignConfig::moved_dice_min); best pairs first (A has `na` sentences).
    /// Returns which B sentences were matched so.
    fn moved_sentences(
        &self,
        na: usize,
        aa: &DocAnalysis,
        ab: &DocAnalysis,
        cands: &[Vec<Cand>],
        chosen: &mut [Option<Cand>],
    ) -> Vec<bool> {
        let mut used = vec![false; na];
        for c in chosen.iter().flatten() {
            used[c.a] = true;
        }
        let mut extra: Vec<(usize, Cand)> = Vec::new();
        for (bi, cs) in cands.iter().enumerate() {
            if chosen[bi].is_some() {
                continue;
            }
            for c in cs {
                let strong = match c.kind {
                    MatchKind::Verbatim | MatchKind::Edited => true,
                    MatchKind::Paraphrase => {
                        weighted_dice(&aa.tokens[c.a], &ab.tokens[bi]) >= self.config.moved_dice_min
                    }
                    MatchKind::Unmatched => false,
                };
                if strong && !used[c.a] {
                    extra.push((bi, *c));
                }
            }
        }
        extra.sort_by(|x, y| y.1.weight.total_cmp(&x.1.weight).then(x.0.cmp(&y.0)));
        let mut moved = vec![false; chosen.len()];
        for (bi, c) in extra {
            if chosen[bi].is_none() && !used[c.a] {
                used[c.a] = true;
                chosen[bi] = Some(c);
                moved[bi] = true;
            }
        }
        moved
    }

    /// Stage 5, split sentences: a B sentence still unmatched (of at least 4 tokens) whose
    /// IDF-weighted tokens are at least
    /// [`split_containment_min`](AlignConfig::split_containment_min) contained in the A sentence
    /// matched by a neighbour in B is matched to that A sentence as a `paraphrase` (B split it).
    /// Sentences are taken in B's order, so a split sentence can be the neighbour of the next.
    fn split_sentences(
        &self,
        a: &PreparedDoc,
        aa: &DocAnalysis,
        b: &PreparedDoc,
        ab: &DocAnalysis,
        enc: Encodings,
        chosen: &mut [Option<Cand>],
    ) {
        let (nb, min) = (chosen.len(), self.config.split_containment_min);
        for bi in 0..nb {
            if chosen[bi].is_some() || b.sentences[bi].tokens.len() < 4 {
                continue;
            }
            let neighbours = [bi.checked_sub(1), Some(bi + 1).filter(|&x| x < nb)];
            let mut best: Option<(usize, f64)> = None;
            for n in neighbours.into_iter().flatten() {
                if let Some(c) = chosen[n] {
                    if c.kind == MatchKind::Verbatim && bi > n {
                        // A verbatim neighbour used the whole A sentence already.
                        continue;
                    }
                    let cont = weighted_containment(&ab.tokens[bi], &aa.tokens[c.a]);
                    if cont >= min && best.is_none_or(|(_, s)| cont > s) {
                        best = Some((c.a, cont));
                    }
                }
            }
            if let Some((ai, _)) = best {
                let (sa, sb) = (&a.sentences[ai], &b.sentences[bi]);
                let score = match encoded(enc, ai, bi) {
                    Some((ea, eb)) => similarity::score_encoded(sa, sb, ea, eb, &self.idf),
                    None => similarity::score_prepared(sa, sb, aa.side(ai, sa), ab.side(bi, sb)),
                };
                chosen[bi] = Some(Cand {
                    a: ai,
                    kind: MatchKind::Paraphrase,
                    score,
                    weight: score.max(min),
                });
            }
        }
    }

    /// Key terms, fact provenance and content containment of the pair, the last `footer`
    /// sentences of each side (a shared footer) left out.
    fn story_evidence(
        &self,
        a: &PreparedDoc,
        aa: &DocAnalysis,
        b: &PreparedDoc,
        ab: &DocAnalysis,
        footer: usize,
    ) -> StoryEvidence {
        let (na, nb) = (a.sentences.len(), b.sentences.len());
        if footer == 0 {
            let (o, n) = key_term_overlap(&aa.key_terms, &ab.key_terms);
            return StoryEvidence {
                key_term_overlap: o,
                shared_key_terms: n,
                facts_b_in_a: fact_support(nb, &ab.facts, &aa.facts),
                facts_a_in_b: fact_support(na, &aa.facts, &ab.facts),
                content_b_in_a: stem_containment(&ab.stems, &aa.stems),
                content_a_in_b: stem_containment(&aa.stems, &ab.stems),
            };
        }
        // The same measures on the bodies (rare, computed here).
        let (body_a, body_b) = (&aa.views[..na - footer], &ab.views[..nb - footer]);
        let (ka, kb) = (
            analysis::key_terms(&a.sentences[..na - footer], &self.weights),
            analysis::key_terms(&b.sentences[..nb - footer], &self.weights),
        );
        let (o, n) = key_term_overlap(&ka, &kb);
        let (fa_set, fb_set) = (FactSet::of(body_a), FactSet::of(body_b));
        let (ua, ub): (Stems, Stems) = (
            WeightedSet::union(body_a.iter().map(|x| &x.stems)),
            WeightedSet::union(body_b.iter().map(|x| &x.stems)),
        );
        StoryEvidence {
            key_term_overlap: o,
            shared_key_terms: n,
            facts_b_in_a: fact_support(body_b.len(), &fb_set, &fa_set),
            facts_a_in_b: fact_support(body_a.len(), &fa_set, &fb_set),
            content_b_in_a: stem_containment(&ub, &ua),
            content_a_in_b: stem_containment(&ua, &ub),
        }
    }

    /// Second fact pass (see the [module docs](self)): disagreeing quantities and dates of
    /// sentence pairs that are not aligned to each other but are about the same thing
    /// (`via: same_topic`).
    fn topic_disagreements(
        &self,
        a: &PreparedDoc,
        aa: &DocAnalysis,
        b: &PreparedDoc,
        ab: &DocAnalysis,
        chosen: &[Option<Cand>],
        budget: &mut Budget,
    ) -> Vec<Disagreement> {
        let (views_a, views_b) = (&aa.views, &ab.views);
        // Pairs about the same thing, most overlapping first, each sentence used once. Only
        // A sentences sharing a stem with B's can overlap (the others' Dice is 0). Each B
        // sentence with a quantity may use an even share of the work left.
        let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
        let (mut seen, mut touched) = (vec![false; views_a.len()], Vec::new());
        let mut left_b = views_b.iter().filter(|v| v.kinds != 0).count() as u64;
        for (bi, vb) in views_b.iter().enumerate() {
            if vb.kinds == 0 {
                continue;
            }
            let share = budget.left / left_b.max(1);
            left_b -= 1;
            let aligned = chosen[bi].map(|c| c.a);
            // Half of the share for the index, half for the overlaps.
            let (mut spent, mut over) = (0u64, false);
            let (visited, cut) =
                aa.for_each_topic_candidate(&vb.stems, share / 2, &mut seen, &mut touched, |ai| {
                    let va = &views_a[ai];
                    if Some(ai) == aligned || va.kinds & vb.kinds == 0 {
                        return;
                    }
                    let cost = (va.stems.items.len() + vb.stems.items.len()) as u64;
                    if spent + cost > share / 2 {
                        over = true;
                        return;
                    }
                    spent += cost;
                    let o = stem_dice(&va.stems, &vb.stems);
                    if o >= self.config.same_topic_min {
                        pairs.push((o, ai, bi));
                    }
                });
            budget.charge(visited + spent);
            budget.cut |= cut || over;
        }
        let mut out = Vec::new();
        for (ai, bi) in best_one_to_one(pairs, views_a.len(), views_b.len()) {
            let (sa, sb) = (&a.sentences[ai], &b.sentences[bi]);
            if !budget.take(compare_cost(sa, sb)) {
                continue;
            }
            let (ta, tb) = (&sa.text, &sb.text);
            let found = compare_cached(ai, sa, bi, sb)
                .into_iter()
                .filter(|d| {
                    d.kind != facts::FactKind::Date
                        && QUANTITY_KINDS.contains(&d.kind)
                        && same_unit(ta, &d.a_value, tb, &d.b_value, self.config.stem_chars)
                        && !agrees_anywhere(views_a[ai].facts, &d.a_value, d.kind, &ab.facts)
                        && !agrees_anywhere(views_b[bi].facts, &d.b_value, d.kind, &aa.facts)
                })
                .map(|d| Disagreement {
                    via: Via::SameTopic,
                    confidence: d.confidence - CONF_TOPIC_DOUBT,
                    ..d
                });
            out.extend(found);
        }
        out
    }

    /// Third fact pass, for `same_story` pairs ([`super::frames`]): figures of sentences not
    /// aligned to each other that count the same thing in the same context and disagree,
    /// best matches first, each figure once. A figure that agrees with a figure of the same
    /// kind anywhere in the other article is left out.
    fn frame_disagreements(
        &self,
        a: &PreparedDoc,
        aa: &DocAnalysis,
        b: &PreparedDoc,
        ab: &DocAnalysis,
        chosen: &[Option<Cand>],
        budget: &mut Budget,
    ) -> Vec<Disagreement> {
        let (fa, fb) = (all_frames(aa), all_frames(ab));
        if fa.is_empty() || fb.is_empty() {
            return Vec::new();
        }
        // Every frame of A against every frame of B, or none.
        if !budget.take((fa.len() as u64).saturating_mul(fb.len() as u64)) {
            return Vec::new();
        }
        let (open_a, open_b) = (open_frames(&fa, &fb), open_frames(&fb, &fa));
        let model = self.embeddings();
        let mut cands: Vec<(f64, usize, usize)> = Vec::new();
        let mut matches = std::collections::HashMap::new();
        for (x, &(ai, f)) in fa.iter().enumerate() {
            if !open_a[x] {
                continue;
            }
            for (y, &(bi, g)) in fb.iter().enumerate() {
                if !open_b[y] || chosen[bi].is_some_and(|c| c.a == ai) {
                    continue;
                }
                if f.kind != g.kind || !frames::values_disagree(f, g) {
                    continue;
                }
                let (sa, sb) = (&a.sentences[ai], &b.sentences[bi]);
                if frames::dates_differ(&sa.facts().facts, &sb.facts().facts) {
                    continue;
                }
                let own: Vec<&str> = f
                    .head
                    .iter()
                    .chain(&g.head)
                    .map(|w| prefix_stem(w, self.config.stem_chars))
                    .collect();
                let dice = stem_dice_without(&aa.views[ai].stems, &ab.views[bi].stems, &own);
                let m = FrameMatch::of(f, g, dice, model, self.config.stem_chars);
                if let Some(m) = m.filter(FrameMatch::candidate) {
                    cands.push((m.rank(), x, y));
                    matches.insert((x, y), m);
                }
            }
        }
        // How many candidate partners each figure has: a figure with one only is the sole
        // count of its kind of thing on either side.
        let (mut partners_a, mut partners_b) = (vec![0u32; fa.len()], vec![0u32; fb.len()]);
        for &(_, x, y) in &cands {
            partners_a[x] += 1;
            partners_b[y] += 1;
        }
        let mut out = Vec::new();
        for (x, y) in best_one_to_one(cands, fa.len(), fb.len()) {
            let ((ai, f), (bi, g)) = (fa[x], fb[y]);
            let unique = partners_a[x] == 1 && partners_b[y] == 1;
            let confidence =
                frames::frame_confidence(&matches[&(x, y)], unique, frames::value_ratio(f, g));
            out.push(Disagreement {
                a_sentence: ai,
                b_sentence: bi,
                a_value: a.sentences[ai].facts().facts[f.fact].text.clone(),
                b_value: b.sentences[bi].facts().facts[g.fact].text.clone(),
                kind: f.kind,
                via: Via::Frame,
                confidence,
            });
        }
        out.sort_by_key(|d| (d.b_sentence, d.a_sentence));
        out
    }

    /// Scored candidate counterparts in A of every sentence of B (pairs that are no match
    /// are left out), within [`max_candidates`](AlignConfig::max_candidates) per sentence and
    /// [`max_candidate_work`](AlignConfig::max_candidate_work) in all; also whether either
    /// limit cut the work.
    fn candidates(
        &self,
        a: &PreparedDoc,
        aa: &DocAnalysis,
        b: &PreparedDoc,
        ab: &DocAnalysis,
        enc: Encodings,
        work: &mut AlignWork,
    ) -> (Vec<Vec<Cand>>, bool) {
        let (na, nb) = (a.sentences.len(), b.sentences.len());
        let max_k = self.config.max_candidates;
        let mut budget = Budget::new(self.config.max_candidate_work);
        let mut shared = vec![0u32; na];
        let mut shared_content = vec![0u32; na];
        // A sentences sharing a content token with the B sentence, and sharing any token.
        let (mut touched, mut visited): (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
        let mut passing: Vec<usize> = Vec::new();
        let mut rarest: Vec<(usize, usize)> = Vec::new();
        let mut out = Vec::with_capacity(nb);
        for (bi, (sb, tb)) in b.sentences.iter().zip(&ab.tokens).enumerate() {
            // An even share of the work left, and the sentence's proportional place in A.
            let share = budget.left / (nb - bi) as u64;
            let mut spent = 0u64;
            let place = proportional_place(bi, na, nb);
            // A sentence found verbatim in A is matched there: other counterparts are not
            // scored (they could only matter when A repeats a sentence). A sentence without
            // content words is never a candidate (below), verbatim or not.
            let same_norm = if tb.content > 0 {
                aa.by_norm.get(ab.norms[bi])
            } else {
                &[]
            };
            // Each verbatim candidate costs as a scored pair of this sentence alone.
            let each = (PAIR_COST + sb.tokens.len()) as u64;
            let k = max_k.min((share / each).try_into().unwrap_or(usize::MAX));
            if same_norm.len() > k {
                budget.cut = true;
            }
            let verbatim: Vec<Cand> = nearest(same_norm, place, k)
                .iter()
                .map(|&ai| ai as usize)
                .filter(|&ai| a.sentences[ai].norm == sb.norm)
                .map(|ai| Cand {
                    a: ai,
                    kind: MatchKind::Verbatim,
                    score: 1.0,
                    weight: 1.0,
                })
                .collect();
            if !verbatim.is_empty() {
                work.most_candidates = work.most_candidates.max(verbatim.len());
                budget.charge(verbatim.len() as u64 * each);
                out.push(verbatim);
                continue;
            }
            // Only the A sentences sharing a content token with B can pass the filter: count
            // the shared tokens, and list those sentences (`touched`, then visited in order).
            for &ai in &visited {
                shared[ai as usize] = 0;
                shared_content[ai as usize] = 0;
            }
            visited.clear();
            touched.clear();
            let mut count = |ai: u32, content: bool| {
                let ai_ = ai as usize;
                if shared[ai_] == 0 {
                    visited.push(ai);
                }
                shared[ai_] += 1;
                if content {
                    if shared_content[ai_] == 0 {
                        touched.push(ai);
                    }
                    shared_content[ai_] += 1;
                }
            };
            let entries: u64 = (tb.tokens.iter())
                .map(|&(h, _)| aa.postings.get(h).len() as u64)
                .sum();
            if entries <= share {
                for &(h, content) in &tb.tokens {
                    for &ai in aa.postings.get(h) {
                        count(ai, content);
                    }
                }
                spent += entries;
            } else {
                // Over the share: at most half of it on the index, the rarest tokens first,
                // each commoner one on the entries nearest the sentence's place in A.
                budget.cut = true;
                rarest.clear();
                rarest.extend(
                    (tb.tokens.iter().enumerate())
                        .map(|(k, &(h, _))| (aa.postings.get(h).len(), k)),
                );
                rarest.sort_unstable();
                let mut allowed = share / 2;
                for (n, &(_, k)) in rarest.iter().enumerate() {
                    let (h, content) = tb.tokens[k];
                    let each = (allowed / (rarest.len() - n) as u64) as usize;
                    let list = nearest(aa.postings.get(h), place, each);
                    for &ai in list {
                        count(ai, content);
                    }
                    allowed -= list.len() as u64;
                    spent += list.len() as u64;
                }
            }
            touched.sort_unstable();
            passing.clear();
            for &ai in &touched {
                let ai = ai as usize;
                let ta = &aa.tokens[ai];
                let smaller = ta.tokens.len().min(tb.tokens.len());
                let smaller_content = ta.content.min(tb.content);
                let (sc, sh) = (shared_content[ai] as usize, shared[ai] as usize);
                if sc == 0
                    || sc < smaller_content.min(2)
                    || sc * 3 < smaller_content
                    || sh * 4 < smaller
                {
                    continue;
                }
                passing.push(ai);
            }
            if passing.len() > max_k {
                // The strongest candidates, then the nearest to the sentence's place.
                budget.cut = true;
                passing.sort_unstable_by_key(|&ai| {
                    let (sc, sh) = (shared_content[ai], shared[ai]);
                    (Reverse(sc), Reverse(sh), ai.abs_diff(place), ai)
                });
                passing.truncate(max_k);
            }
            work.most_candidates = work.most_candidates.max(passing.len());
            let mut cands = Vec::new();
            for &ai in &passing {
                let sa = &a.sentences[ai];
                let cost = (PAIR_COST + sa.tokens.len() + sb.tokens.len()) as u64;
                if spent + cost > share {
                    budget.cut = true;
                    continue;
                }
                spent += cost;
                work.pairs_scored += 1;
                let pair = Pair {
                    ai,
                    sa,
                    sb,
                    side_a: aa.side(ai, sa),
                    side_b: ab.side(bi, sb),
                    ta: &aa.tokens[ai],
                    tb,
                };
                if let Some(c) = self.classify(&pair, encoded(enc, pair.ai, bi), work) {
                    cands.push(c);
                }
            }
            // In A's order (ranked candidates were scored strongest first).
            cands.sort_by_key(|c| c.a);
            budget.charge(spent);
            out.push(cands);
        }
        work.candidate_work = budget.used;
        (out, budget.cut || work.long_pairs > 0)
    }

    /// Kind, score and weight of one pair, or `None` when it is no match.
    fn classify(
        &self,
        p: &Pair,
        enc: Option<(&Encoding, &Encoding)>,
        work: &mut AlignWork,
    ) -> Option<Cand> {
        let (sa, sb) = (p.sa, p.sb);
        if sa.norm == sb.norm {
            return Some(Cand {
                a: p.ai,
                kind: MatchKind::Verbatim,
                score: 1.0,
                weight: 1.0,
            });
        }
        let config = &self.config;
        let (score, sequences) =
            similarity::score_and_sequences(sa, sb, p.side_a, p.side_b, config.max_token_cells);
        match sequences {
            Some(_) => work.token_cells += (sa.tokens.len() * sb.tokens.len()) as u64,
            None => work.long_pairs += 1,
        }
        let (score, paraphrase) = match enc {
            Some((ea, eb)) => {
                let s = similarity::score_encoded(sa, sb, ea, eb, &self.idf);
                (s, similarity::is_paraphrase_encoded(s))
            }
            None => (score, similarity::is_paraphrase(score)),
        };
        let score = score.clamp(0.0, 1.0);
        // Pairs over `max_token_cells` are judged by the score alone.
        let edit = sequences.map_or(0.0, |(_, lev)| {
            edit_similarity_of(lev, sa.tokens.len(), sb.tokens.len())
        });
        let cut = sequences.and_then(|(lcs, _)| cut_share(p, lcs, config));
        let kind = if edit >= config.edited_min
            || (edit >= config.edited_fact_min && only_fact_edits(sa, sb))
            || cut.is_some()
        {
            MatchKind::Edited
        } else if paraphrase {
            MatchKind::Paraphrase
        } else {
            return None;
        };
        Some(Cand {
            a: p.ai,
            kind,
            score,
            weight: score.max(edit).max(cut.unwrap_or(0.0)).max(0.05),
        })
    }
}

/// The encodings of the sentences of A and of B, when aligning with the sentence encoder.
type Encodings<'e> = Option<(&'e [Encoding], &'e [Encoding])>;

/// The encodings of A's sentence `ai` and B's sentence `bi`, if given.
fn encoded<'e>(enc: Encodings<'e>, ai: usize, bi: usize) -> Option<(&'e Encoding, &'e Encoding)> {
    let (ea, eb) = enc?;
    Some((ea.get(ai)?, eb.get(bi)?))
}

/// Fixed cost of a candidate pair in [`max_candidate_work`](AlignConfig::max_candidate_work)'s
/// units, besides its tokens: scoring a pair of short sentences costs about as much as visiting
/// this many index entries.
const PAIR_COST: usize = 16;

/// Work left for a stage of the aligner, what it used and whether it ran out.
#[derive(Debug)]
struct Budget {
    left: u64,
    used: u64,
    cut: bool,
}

impl Budget {
    fn new(limit: usize) -> Self {
        Budget {
            left: limit as u64,
            used: 0,
            cut: false,
        }
    }

    /// Takes `cost` when that much is left (else marks the budget cut).
    fn take(&mut self, cost: u64) -> bool {
        if cost <= self.left {
            self.charge(cost);
            true
        } else {
            self.cut = true;
            false
        }
    }

    /// Counts `cost` as used (work already done, within a share of what was left).
    fn charge(&mut self, cost: u64) {
        self.left = self.left.saturating_sub(cost);
        self.used += cost;
    }
}

/// The place of B's sentence `bi` (of `nb`) in A (of `na` sentences) if B ran along A evenly.
fn proportional_place(bi: usize, na: usize, nb: usize) -> usize {
    (bi as u128 * na as u128 / nb.max(1) as u128) as usize
}

/// The `k` entries of the sorted `list` nearest to `place` (a run of it; ties to the lower).
fn nearest(list: &[u32], place: usize, k: usize) -> &[u32] {
    if list.len() <= k {
        return list;
    }
    let p = list.partition_point(|&x| (x as usize) < place);
    let (mut lo, mut hi) = (p, p);
    while hi - lo < k {
        let left = lo.checked_sub(1).map(|i| place - list[i] as usize);
        let right = list.get(hi).map(|&x| x as usize - place);
        match (left, right) {
            (Some(l), Some(r)) if l <= r => lo -= 1,
            (Some(_), None) => lo -= 1,
            _ => hi += 1,
        }
    }
    &list[lo..hi]
}

/// An upper estimate of the work of [`facts::compare_facts`] on two sentences (the units of
/// [`max_fact_work`](AlignConfig::max_fact_work)): each open name is looked for in the other
/// text and placed among its words, every fact meets every fact of the other, and the words of
/// the two are aligned (up to 1,000,000 cells).
fn compare_cost(a: &Sentence, b: &Sentence) -> u64 {
    let (fa, fb) = (a.facts().facts.len() as u64, b.facts().facts.len() as u64);
    if fa == 0 || fb == 0 {
        return 1;
    }
    let bytes = (a.text.len() + b.text.len()) as u64;
    let words = (a.tokens.len() as u64 * b.tokens.len() as u64).min(1_000_000);
    (fa + fb + 1) * bytes + fa * fb + words
}

/// A greedy one-to-one choice among the candidates (`cands[bi]` of B sentence `bi`, A having
/// `na` sentences): heaviest pairs first (ties: lower B sentence first), each sentence of A and
/// of B used once.
fn greedy_matches(cands: &[Vec<Cand>], na: usize) -> Vec<Option<Cand>> {
    let mut chosen = vec![None; cands.len()];
    let mut all: Vec<(usize, Cand)> = cands
        .iter()
        .enumerate()
        .flat_map(|(bi, cs)| cs.iter().map(move |c| (bi, *c)))
        .collect();
    all.sort_by(|x, y| y.1.weight.total_cmp(&x.1.weight).then(x.0.cmp(&y.0)));
    let mut taken = vec![false; na];
    for (bi, c) in all {
        if chosen[bi].is_none() && !taken[c.a] {
            taken[c.a] = true;
            chosen[bi] = Some(c);
        }
    }
    chosen
}

/// The order-preserving choice among the candidates with the largest total weight (a
/// weighted longest common subsequence over the sentence grid, `O(|A|·|B|)`; `na` > 0
/// sentences of A, at least one of B): the table of [`lcs_table`], traced back from its last
/// cell.
fn weighted_lcs(cands: &[Vec<Cand>], na: usize) -> Vec<Option<Cand>> {
    let nb = cands.len();
    let dp = lcs_table(cands, na);
    let rows = na + 1;
    let at = |i: usize, j: usize| j * rows + i;
    let w = |bi: usize, ai: usize| -> f64 {
        cands[bi]
            .iter()
            .find(|c| c.a == ai)
            .map_or(0.0, |c| c.weight)
    };
    let mut chosen = vec![None; nb];
    let (mut i, mut j) = (na, nb);
    while i > 0 && j > 0 {
        let here = dp[at(i, j)];
        let wij = w(j - 1, i - 1);
        if wij > 0.0 && (here - (dp[at(i - 1, j - 1)] + wij)).abs() < 1e-9 {
            chosen[j - 1] = cands[j - 1].iter().find(|c| c.a == i - 1).copied();
            i -= 1;
            j -= 1;
        } else if (here - dp[at(i - 1, j)]).abs() < 1e-12 {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    chosen
}

/// The table of [`weighted_lcs`]: cell `(i, j)` is the best total weight using `A[..i]` and
/// `B[..j]`, stored by column (`j * (na + 1) + i`): B's sentences are taken in turn, their
/// candidates' weights spread over a dense row of A (the same cells, each computed from the
/// same three).
fn lcs_table(cands: &[Vec<Cand>], na: usize) -> Vec<f64> {
    let nb = cands.len();
    let rows = na + 1;
    let at = |i: usize, j: usize| j * rows + i;
    let mut dp = vec![0.0f64; rows * (nb + 1)];
    let mut row = vec![0.0f64; na];
    for j in 1..=nb {
        for c in &cands[j - 1] {
            row[c.a] = c.weight;
        }
        for i in 1..=na {
            let mut best = dp[at(i - 1, j)].max(dp[at(i, j - 1)]);
            let wij = row[i - 1];
            if wij > 0.0 {
                best = best.max(dp[at(i - 1, j - 1)] + wij);
            }
            dp[at(i, j)] = best;
        }
        for c in &cands[j - 1] {
            row[c.a] = 0.0;
        }
    }
    dp
}

/// The match of every B sentence (`chosen`, `moved`: those matched out of order), in B's
/// order.
fn sentence_matches(chosen: &[Option<Cand>], moved: &[bool]) -> Vec<SentenceMatch> {
    chosen
        .iter()
        .enumerate()
        .map(|(bi, c)| match c {
            Some(c) => SentenceMatch {
                b: bi,
                a: Some(c.a),
                kind: c.kind,
                score: c.score,
                moved: moved[bi],
            },
            None => SentenceMatch {
                b: bi,
                a: None,
                kind: MatchKind::Unmatched,
                score: 0.0,
                moved: false,
            },
        })
        .collect()
}

/// Which sentences the matches cover and how well (see the [module docs](self):
/// **Containment** and **Score**).
struct Coverage {
    /// Sentences of B without counterpart.
    added: Vec<usize>,
    /// Sentences of A without counterpart.
    dropped: Vec<usize>,
    containment_b_in_a: f64,
    containment_a_in_b: f64,
    /// The quality-weighted containment, the larger of the two directions.
    score: f64,
}

impl Coverage {
    /// The coverage of the matches `chosen` (one per B sentence) of B against A.
    fn of(a: &PreparedDoc, b: &PreparedDoc, chosen: &[Option<Cand>]) -> Self {
        let (na, nb) = (a.sentences.len(), b.sentences.len());
        let mut used = vec![false; na];
        let mut weight_a = vec![0.0f64; na];
        for c in chosen.iter().flatten() {
            used[c.a] = true;
            weight_a[c.a] = weight_a[c.a].max(c.weight);
        }
        let len = |s: &Sentence| s.tokens.len() as f64;
        let total_a: f64 = a.sentences.iter().map(len).sum();
        let total_b: f64 = b.sentences.iter().map(len).sum();
        let share = |n: f64, d: f64| {
            if d > 0.0 {
                (n / d).clamp(0.0, 1.0)
            } else {
                0.0
            }
        };
        let mut cov_b = 0.0;
        let mut soft_b = 0.0;
        for (bi, c) in chosen.iter().enumerate() {
            if let Some(c) = c {
                cov_b += len(&b.sentences[bi]);
                soft_b += len(&b.sentences[bi]) * c.weight;
            }
        }
        let mut cov_a = 0.0;
        let mut soft_a = 0.0;
        for ai in 0..na {
            if used[ai] {
                cov_a += len(&a.sentences[ai]);
                soft_a += len(&a.sentences[ai]) * weight_a[ai];
            }
        }
        Coverage {
            added: (0..nb).filter(|&i| chosen[i].is_none()).collect(),
            dropped: (0..na).filter(|&i| !used[i]).collect(),
            containment_b_in_a: share(cov_b, total_b),
            containment_a_in_b: share(cov_a, total_a),
            score: share(soft_b, total_b).max(share(soft_a, total_a)),
        }
    }
}

/// What the relation rules read besides the matches ([`Aligner::story_evidence`]); the fields
/// of [`Alignment`] of the same names.
struct StoryEvidence {
    key_term_overlap: f64,
    shared_key_terms: usize,
    facts_b_in_a: FactSupport,
    facts_a_in_b: FactSupport,
    content_b_in_a: f64,
    content_a_in_b: f64,
}

impl StoryEvidence {
    /// Whether the key terms make the pair the `same_story`
    /// ([`same_story_min`](AlignConfig::same_story_min),
    /// [`same_story_min_shared`](AlignConfig::same_story_min_shared)).
    fn same_story(&self, config: &AlignConfig) -> bool {
        self.key_term_overlap >= config.same_story_min
            && self.shared_key_terms >= config.same_story_min_shared
    }

    /// Whether one side is derived from the other by fact provenance ([`FactSupport::derived`]).
    fn provenance(&self, config: &AlignConfig) -> bool {
        let (x, y) = (self.content_b_in_a, self.content_a_in_b);
        self.facts_b_in_a.derived(x, y, config) || self.facts_a_in_b.derived(y, x, config)
    }

    /// The relation and score of a pair taken for a rewrite by fact provenance alone (score
    /// `score` so far): a rewrite scored at least by the harmonic mean of the content
    /// containments when no fact disagrees (`agreeing`), else an independent report
    /// (`same_story` or `unrelated`).
    fn confirm_provenance(
        &self,
        agreeing: bool,
        score: f64,
        config: &AlignConfig,
    ) -> (Relation, f64) {
        if !agreeing {
            let relation = if self.same_story(config) {
                Relation::SameStory
            } else {
                Relation::Unrelated
            };
            return (relation, score);
        }
        // No sentence carries the derivation: the content overlap does.
        let (x, y) = (self.content_b_in_a, self.content_a_in_b);
        let score = if x + y > 0.0 {
            score.max(2.0 * x * y / (x + y))
        } else {
            score
        };
        (Relation::Rewrite, score)
    }
}

/// Disagreements as the passes find them, each pair of values reported once (same kind, same
/// two values), at its first place.
#[derive(Default)]
struct Reported {
    list: Vec<Disagreement>,
    seen: HashSet<(u8, String, String)>,
}

impl Reported {
    /// Adds the disagreements of `found` not reported yet, in order; one reported already is
    /// replaced by a later pass's finding of a higher confidence.
    fn extend(&mut self, found: impl IntoIterator<Item = Disagreement>) {
        for d in found {
            if self
                .seen
                .insert((d.kind as u8, d.a_value.clone(), d.b_value.clone()))
            {
                self.list.push(d);
            } else if let Some(old) = self.list.iter_mut().find(|x| {
                x.kind == d.kind
                    && x.a_value == d.a_value
                    && x.b_value == d.b_value
                    && x.confidence < d.confidence
            }) {
                *old = d;
            }
        }
    }
}

/// First fact pass: the facts that differ between the sentences of every `edited` or
/// `paraphrase` match (`chosen`, one per B sentence), in B's order.
fn aligned_disagreements(
    a: &PreparedDoc,
    b: &PreparedDoc,
    chosen: &[Option<Cand>],
    budget: &mut Budget,
) -> Vec<Disagreement> {
    let mut out = Vec::new();
    for (bi, c) in chosen.iter().enumerate() {
        let Some(c) = c else { continue };
        if matches!(c.kind, MatchKind::Edited | MatchKind::Paraphrase) {
            let (sa, sb) = (&a.sentences[c.a], &b.sentences[bi]);
            if budget.take(compare_cost(sa, sb)) {
                out.extend(compare_cached(c.a, sa, bi, sb));
            }
        }
    }
    out
}

/// A candidate sentence pair and what the aligner computed of its two sentences.
struct Pair<'p> {
    /// Index of the A sentence.
    ai: usize,
    sa: &'p Sentence,
    sb: &'p Sentence,
    side_a: &'p SentenceSide,
    side_b: &'p SentenceSide,
    ta: &'p SentenceTokens,
    tb: &'p SentenceTokens,
}

/// When B is A with words cut out (a fragment copied in order) or with a few words inserted (see
/// [`cut_min`](AlignConfig::cut_min)), the share of B's tokens in the common subsequence (of `l`
/// tokens).
fn cut_share(p: &Pair, l: usize, config: &AlignConfig) -> Option<f64> {
    let (la, lb) = (p.sa.tokens.len(), p.sb.tokens.len());
    let (min, min_tokens) = (config.cut_min, config.cut_min_tokens);
    if la.min(lb) < min_tokens {
        return None;
    }
    if l < min_tokens {
        return None;
    }
    let share_b = l as f64 / lb as f64;
    let share_a = l as f64 / la as f64;
    let cut = share_b >= min && weighted_containment(p.tb, p.ta) >= min;
    let inserted = share_a >= min && share_b >= 0.5;
    (cut || inserted).then_some(share_b)
}

/// IDF-weighted Dice coefficient of the distinct tokens of two sentences (tokens weighted by
/// [`analysis::token_weight`]).
fn weighted_dice(x: &SentenceTokens, y: &SentenceTokens) -> f64 {
    let wx: f64 = x.weights.iter().sum();
    let wy: f64 = y.weights.iter().sum();
    let mut common = 0.0;
    x.for_each_common(y, |i, _| common += x.weights[i]);
    if wx + wy > 0.0 {
        2.0 * common / (wx + wy)
    } else {
        0.0
    }
}

/// IDF-weighted share of `part`'s distinct tokens found in `whole`.
fn weighted_containment(part: &SentenceTokens, whole: &SentenceTokens) -> f64 {
    let wp: f64 = part.weights.iter().sum();
    let mut common = 0.0;
    part.for_each_common(whole, |i, _| common += part.weights[i]);
    if wp > 0.0 {
        common / wp
    } else {
        0.0
    }
}

/// IDF-weighted Dice overlap of two sets of key terms and the number they share.
fn key_term_overlap(ka: &WeightedSet, kb: &WeightedSet) -> (f64, usize) {
    let (mut wc, mut common) = (0.0, 0usize);
    ka.for_each_common(kb, |w, _| {
        wc += w;
        common += 1;
    });
    let overlap = if ka.total + kb.total > 0.0 {
        2.0 * wc / (ka.total + kb.total)
    } else {
        0.0
    };
    (overlap, common)
}

/// [`facts::compare_sentences`] of two sentences, with the facts they keep
/// ([`Sentence::facts`]) instead of extracting them again.
fn compare_cached(ai: usize, a: &Sentence, bi: usize, b: &Sentence) -> Vec<Disagreement> {
    facts::compare_facts(ai, &a.text, &a.facts().facts, bi, &b.text, &b.facts().facts)
}

/// Bytes after a value in which [`unit_after`] looks for its unit.
const UNIT_WINDOW_BYTES: usize = 256;

/// The first word after the fact written `value` in `text`, cut to its stem of `stem_chars`
/// characters.
fn unit_after(text: &str, value: &str, stem_chars: usize) -> Option<String> {
    let at = text.find(value)? + value.len();
    // The words right after the value: the first few hundred bytes (normalizing the rest of a
    // long sentence for each value would cost its length every time).
    let rest = text.get(at..)?;
    let mut end = rest.len().min(UNIT_WINDOW_BYTES);
    while !rest.is_char_boundary(end) {
        end -= 1;
    }
    let norm = crate::text::normalize(&rest[..end]);
    let first = crate::text::tokens(&norm).into_iter().next()?;
    Some(prefix_stem(first, stem_chars).to_string())
}

/// Whether two facts count the same unit: the words right after them share a stem (of
/// `stem_chars` characters).
fn same_unit(ta: &str, va: &str, tb: &str, vb: &str, stem_chars: usize) -> bool {
    match (
        unit_after(ta, va, stem_chars),
        unit_after(tb, vb, stem_chars),
    ) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// The lowercase words of each article, built once per alignment when a name disagreement is
/// assessed ([`assess`]).
#[derive(Default)]
struct Noise {
    words: Option<(HashSet<String>, HashSet<String>)>,
}

/// Lowercase words (runs of letters and digits) of an article's sentences.
fn doc_words(d: &PreparedDoc) -> HashSet<String> {
    let mut out = HashSet::new();
    for s in &d.sentences {
        for w in s.text.split(|c: char| !c.is_alphanumeric()) {
            if !w.is_empty() {
                out.insert(w.to_lowercase());
            }
        }
    }
    out
}

/// Confidence taken off a quantity disagreement whose two figures count different things
/// ([`frames::Frame::what`]: both name a specific concept and share none): "5 years for the
/// gun charge" against "20 years for the homicide" in aligned sentences.
pub const CONF_DIFFERENT_THINGS: f64 = 0.5;
/// Confidence added to a quantity disagreement of aligned sentences whose two figures share a
/// specific concept.
pub const CONF_SAME_THING: f64 = 0.1;

/// Adjusts the confidence of a disagreement found by any pass with the noise rules (see
/// `docs/alignment.md`, Confidence): a disagreement on page furniture
/// ([`crate::text::is_page_furniture`]: captions, credits, video labels), on a figure that is no
/// count ([`facts::not_a_count`]), on a name in a headline-style sentence
/// ([`facts::headline_case`]: a capital there is no evidence of a name) or on two names of one
/// entity ([`facts::same_entity`]) drops to 0; a quantity in a tally loses [`CONF_TALLY`], one
/// whose sentences name different subjects [`CONF_OTHER_SUBJECT`], and the aligned and
/// same-topic passes' quantities are weighed by their frames ([`assess_frames`]).
fn assess(
    d: &mut Disagreement,
    a: &PreparedDoc,
    aa: &DocAnalysis,
    b: &PreparedDoc,
    ab: &DocAnalysis,
    noise: &mut Noise,
) {
    let (Some(sa), Some(sb)) = (a.sentences.get(d.a_sentence), b.sentences.get(d.b_sentence))
    else {
        return;
    };
    if crate::text::is_page_furniture(&sa.text) || crate::text::is_page_furniture(&sb.text) {
        d.confidence = 0.0;
        return;
    }
    if d.kind != facts::FactKind::Name
        && d.kind != facts::FactKind::Date
        && (facts::not_a_count(&sa.text, &d.a_value) || facts::not_a_count(&sb.text, &d.b_value))
    {
        d.confidence = 0.0;
        return;
    }
    match d.kind {
        facts::FactKind::Name => {
            if facts::headline_case(&sa.text) || facts::headline_case(&sb.text) {
                d.confidence = 0.0;
                return;
            }
            let (wa, wb) = noise
                .words
                .get_or_insert_with(|| (doc_words(a), doc_words(b)));
            if facts::same_entity(&d.a_value, &d.b_value, wa, wb) {
                d.confidence = 0.0;
            }
        }
        facts::FactKind::Date => {}
        kind => {
            let (fa_all, fb_all) = (&sa.facts().facts, &sb.facts().facts);
            // A tally (several figures of one kind: a poll line per candidate) or a series
            // read on another day: its figures are many quantities, not one.
            let count = |fs: &[facts::Fact]| fs.iter().filter(|f| f.kind == kind).count();
            if count(fa_all) >= frames::CROWD_MAX || count(fb_all) >= frames::CROWD_MAX {
                d.confidence -= CONF_TALLY;
            }
            // Two sentences naming different subjects (both name someone or something, and no
            // name of one is in the other): "Ethiopian Airlines ordered 25" / "Singapore
            // Airlines has 31 on order".
            let names = |fs: &[facts::Fact]| -> Vec<String> {
                fs.iter()
                    .filter(|f| f.kind == facts::FactKind::Name)
                    .map(|f| f.text.to_lowercase())
                    .collect()
            };
            let (na, nb) = (names(fa_all), names(fb_all));
            let shares = |xs: &[String], text: &str| {
                let lower = text.to_lowercase();
                xs.iter().any(|x| {
                    x.split(|c: char| !c.is_alphanumeric())
                        .filter(|w| w.len() >= 3)
                        .any(|w| lower.contains(w))
                })
            };
            if !na.is_empty() && !nb.is_empty() && !shares(&na, &sb.text) && !shares(&nb, &sa.text)
            {
                d.confidence -= CONF_OTHER_SUBJECT;
            }
            if d.via != Via::Frame {
                assess_frames(d, aa, sa, ab, sb);
            }
            d.confidence = d.confidence.clamp(0.0, 1.0);
        }
    }
}

/// Confidence taken off a quantity in a tally (a sentence with [`frames::CROWD_MAX`] or more
/// figures of its kind).
pub const CONF_TALLY: f64 = 0.4;
/// Confidence taken off a quantity whose two sentences name different subjects.
pub const CONF_OTHER_SUBJECT: f64 = 0.3;
/// Confidence taken off a disagreement of the same-topic pass (two unaligned sentences sharing
/// wording and a unit, without more evidence that the figures count one thing).
pub const CONF_TOPIC_DOUBT: f64 = 0.3;

/// The frame evidence of a quantity disagreement of the aligned or same-topic pass: figures
/// counting different specific things lose [`CONF_DIFFERENT_THINGS`], one specific thing gains
/// [`CONF_SAME_THING`]; values more than [`frames::RATIO_MAX`] apart lose [`frames::CONF_FAR`].
fn assess_frames(
    d: &mut Disagreement,
    aa: &DocAnalysis,
    sa: &Sentence,
    ab: &DocAnalysis,
    sb: &Sentence,
) {
    let frame_of = |an: &DocAnalysis, s: &Sentence, i: usize, v: &str| -> Option<Frame> {
        let facts = &s.facts().facts;
        an.frames()
            .get(i)?
            .iter()
            .find(|f| facts.get(f.fact).is_some_and(|x| x.text == v))
            .cloned()
    };
    let (fa, fb) = (
        frame_of(aa, sa, d.a_sentence, &d.a_value),
        frame_of(ab, sb, d.b_sentence, &d.b_value),
    );
    let (Some(x), Some(y)) = (fa, fb) else {
        return;
    };
    if x.specific && y.specific {
        if x.what.iter().any(|w| y.what.contains(w)) {
            d.confidence += CONF_SAME_THING;
        } else {
            d.confidence -= CONF_DIFFERENT_THINGS;
        }
    }
    if frames::value_ratio(&x, &y) > frames::RATIO_MAX {
        d.confidence -= frames::CONF_FAR;
    }
}

/// Every frame of an analyzed document with its sentence index.
fn all_frames<'x>(analysis: &'x DocAnalysis) -> Vec<(usize, &'x Frame)> {
    (analysis.frames().iter().enumerate())
        .flat_map(|(i, fs)| fs.iter().map(move |f| (i, f)))
        .collect()
}

/// For each frame of `xs`, whether it is open for the frame pass: no frame of the same kind
/// among `ys` (the other document's) has a value it agrees with. (Proportions are compared as
/// percentages here; the facts' own rule takes a proportion and a plain figure as agreeing.)
fn open_frames(xs: &[(usize, &Frame)], ys: &[(usize, &Frame)]) -> Vec<bool> {
    xs.iter()
        .map(|&(_, x)| {
            !ys.iter()
                .any(|(_, y)| y.kind == x.kind && !frames::values_disagree(x, y))
        })
        .collect()
}

/// Whether the fact written `value` among `own` (the facts of its sentence) agrees with some
/// fact of the same kind in `others` (the distinct facts of the other article).
fn agrees_anywhere(
    own: &[facts::Fact],
    value: &str,
    kind: facts::FactKind,
    others: &FactSet,
) -> bool {
    own.iter()
        .filter(|f| f.kind == kind && f.text == value)
        .any(|f| others.supports(f))
}

/// Fact provenance of `sentences` sentences with the distinct facts `x` against the facts `y`
/// ([`FactSupport`]); facts with the same normalized value (`Google` and `Google's`) count once.
fn fact_support(sentences: usize, x: &FactSet, y: &FactSet) -> FactSupport {
    let mut out = FactSupport {
        sentences,
        facts: x.distinct.len(),
        ..FactSupport::default()
    };
    for (i, f) in x.distinct.iter().enumerate() {
        if y.supports_fact_of(x, i) {
            out.supported += 1;
            if f.kind == facts::FactKind::Name {
                out.names += 1;
            } else {
                out.figures += 1;
            }
        }
    }
    out
}

/// Number of sentences in a shared trailing block: the largest `k` such that B's last `k`
/// sentences are matched verbatim, in order, to A's last `k` sentences (0 when there is none).
fn trailing_block(chosen: &[Option<Cand>], na: usize) -> usize {
    let nb = chosen.len();
    let mut k = 0;
    while k < nb.min(na) {
        match chosen[nb - 1 - k] {
            Some(c) if c.kind == MatchKind::Verbatim && c.a == na - 1 - k => k += 1,
            _ => break,
        }
    }
    k
}

/// Whether the only matched sentences form a shared trailing block ([`trailing_block`]): an
/// outlet footer, not derived content.
fn footer_only(chosen: &[Option<Cand>], na: usize) -> bool {
    let k = trailing_block(chosen, na);
    k > 0 && chosen[..chosen.len() - k].iter().all(Option::is_none)
}

/// Copies, judged on the whole texts.
impl Aligner {
    /// Whether two documents are copies: `exact` (same normalized sentences, or the same text once
    /// joined) or `near_duplicate` (shingle Jaccard at least
    /// [`near_duplicate_min`](AlignConfig::near_duplicate_min)), with the shingle overlap.
    pub fn copy_relation(
        &self,
        a: &PreparedDoc,
        b: &PreparedDoc,
    ) -> (Option<Relation>, ShingleOverlap) {
        let overlap = self.shingle_overlap(a, b);
        let copy = self.copy_of(a, b, true, overlap.jaccard);
        (copy, overlap)
    }

    /// The copy relation of two documents given their shingle Jaccard; `may_be_equal` is false
    /// when their joined normalized texts are known to differ (different hashes).
    fn copy_of(
        &self,
        a: &PreparedDoc,
        b: &PreparedDoc,
        may_be_equal: bool,
        jaccard: f64,
    ) -> Option<Relation> {
        let (na, nb) = (a.sentences.len(), b.sentences.len());
        let exact = na > 0
            && ((na == nb
                && a.sentences
                    .iter()
                    .zip(&b.sentences)
                    .all(|(x, y)| x.norm == y.norm))
                || (may_be_equal && joined_norm(a) == joined_norm(b)));
        if exact {
            Some(Relation::Exact)
        } else if jaccard >= self.config.near_duplicate_min {
            Some(Relation::NearDuplicate)
        } else {
            None
        }
    }

    /// Jaccard and containments of the word-shingle sets of two documents (two documents
    /// without any shingle have Jaccard 1 when they have sentences, as short identical texts).
    pub fn shingle_overlap(&self, a: &PreparedDoc, b: &PreparedDoc) -> ShingleOverlap {
        let n = self.config.shingle_ngram;
        let (sa, sb) = (analysis::doc_shingles(a, n), analysis::doc_shingles(b, n));
        overlap_of(&sa, &sb, a.sentences.len())
    }

    /// The alignment of two texts whose sentences are the same one by one, built directly (see
    /// [`Aligner::align`]); `None` for any other pair.
    fn exact_copy(
        &self,
        a: &PreparedDoc,
        b: &PreparedDoc,
        analyses: Option<(&DocAnalysis, &DocAnalysis)>,
    ) -> Option<Alignment> {
        let same = !a.sentences.is_empty()
            && a.sentences.len() == b.sentences.len()
            && a.sentences
                .iter()
                .zip(&b.sentences)
                .all(|(x, y)| x.norm == y.norm);
        if !same {
            return None;
        }
        let shingles = match analyses {
            Some((aa, ab)) => overlap_of(&aa.shingles, &ab.shingles, a.sentences.len()),
            None => self.shingle_overlap(a, b),
        };
        Some(Alignment {
            matches: (0..b.sentences.len())
                .map(|i| SentenceMatch {
                    b: i,
                    a: Some(i),
                    kind: MatchKind::Verbatim,
                    score: 1.0,
                    moved: false,
                })
                .collect(),
            containment_b_in_a: 1.0,
            containment_a_in_b: 1.0,
            added: Vec::new(),
            dropped: Vec::new(),
            relation: Relation::Exact,
            score: 1.0,
            disagreements: Vec::new(),
            shingle_jaccard: shingles.jaccard,
            shingle_b_in_a: shingles.b_in_a,
            shingle_a_in_b: shingles.a_in_b,
            key_term_overlap: 0.0,
            shared_key_terms: 0,
            facts_b_in_a: FactSupport::default(),
            facts_a_in_b: FactSupport::default(),
            content_b_in_a: 0.0,
            content_a_in_b: 0.0,
            truncated: false,
            work: AlignWork::default(),
        })
    }
}

impl Alignment {
    /// Judge copying on the whole texts when the alignment was made on parts of them (outlet
    /// templates left out, [`super::templates`]): two copies of one article that both carry
    /// their outlet's templates are still `exact` or `near_duplicate`, and `shingle_jaccard`
    /// is that of the whole texts (judged by `aligner`, the one that made the alignment).
    pub fn with_whole_texts(mut self, aligner: &Aligner, a: &PreparedDoc, b: &PreparedDoc) -> Self {
        let (copy, overlap) = aligner.copy_relation(a, b);
        self.shingle_jaccard = overlap.jaccard;
        self.shingle_b_in_a = overlap.b_in_a;
        self.shingle_a_in_b = overlap.a_in_b;
        if let Some(copy) = copy {
            if copy > self.relation {
                self.relation = copy;
            }
            if copy == Relation::Exact {
                self.score = 1.0;
            }
        }
        self
    }
}

/// Normalized text of a document: its sentences' normalized forms joined by a space.
fn joined_norm(d: &PreparedDoc) -> String {
    let mut s = String::new();
    for (i, x) in d.sentences.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&x.norm);
    }
    s
}

/// Overlap of the word-shingle sets of two documents (verbatim reuse).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct ShingleOverlap {
    /// Jaccard of the two sets.
    pub jaccard: f64,
    /// Share of B's shingles found in A.
    pub b_in_a: f64,
    /// Share of A's shingles found in B.
    pub a_in_b: f64,
}

/// [`Aligner::shingle_overlap`] of the sorted distinct shingle sets of two documents, A having `na`
/// sentences.
fn overlap_of(sa: &[u64], sb: &[u64], na: usize) -> ShingleOverlap {
    if sa.is_empty() || sb.is_empty() {
        let both = sa.is_empty() && sb.is_empty() && na > 0;
        let j = if both { 1.0 } else { 0.0 };
        return ShingleOverlap {
            jaccard: j,
            b_in_a: j,
            a_in_b: j,
        };
    }
    let common = count_common(sa, sb) as f64;
    ShingleOverlap {
        jaccard: common / ((sa.len() + sb.len()) as f64 - common),
        b_in_a: common / sb.len() as f64,
        a_in_b: common / sa.len() as f64,
    }
}

/// Token-level edit similarity: `1 - levenshtein(x, y) / max(|x|, |y|)` (1 for two empty
/// sequences).
pub fn token_edit_similarity(x: &[String], y: &[String]) -> f64 {
    let d = Rows::default().levenshtein_dp(x, y);
    edit_similarity_of(d, x.len(), y.len())
}

/// `1 - d / max(n, m)` for an edit distance `d` between sequences of `n` and `m` tokens (1 for
/// two empty sequences).
fn edit_similarity_of(d: usize, n: usize, m: usize) -> f64 {
    if n == 0 && m == 0 {
        return 1.0;
    }
    1.0 - d as f64 / n.max(m) as f64
}

/// Whether every token in one sentence and not the other is a number or (in the original
/// text) a capitalized word: the edit only changes figures or names.
fn only_fact_edits(a: &Sentence, b: &Sentence) -> bool {
    let ta: HashSet<&str> = a.tokens.iter().map(String::as_str).collect();
    let tb: HashSet<&str> = b.tokens.iter().map(String::as_str).collect();
    let caps = |s: &Sentence| -> HashSet<String> {
        s.text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .map(|w| w.to_lowercase())
            .collect()
    };
    let (ca, cb) = (caps(a), caps(b));
    let ok = |t: &str, caps: &HashSet<String>| {
        t.chars().any(|c| c.is_ascii_digit()) || caps.contains(t) || lexicon::is_number_word(t)
    };
    let mut any = false;
    for t in ta.symmetric_difference(&tb) {
        any = true;
        let caps = if ta.contains(t) { &ca } else { &cb };
        if !ok(t, caps) {
            return false;
        }
    }
    any
}

/// A one-to-one choice among scored pairs `(score, a, b)` (`a < na`, `b < nb`): the best score
/// first (ties: lower `b`, then lower `a`), each `a` and each `b` taken once; in that order.
fn best_one_to_one(
    mut pairs: Vec<(f64, usize, usize)>,
    na: usize,
    nb: usize,
) -> Vec<(usize, usize)> {
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.2.cmp(&y.2)).then(x.1.cmp(&y.1)));
    let (mut used_a, mut used_b) = (vec![false; na], vec![false; nb]);
    pairs
        .into_iter()
        .filter_map(|(_, a, b)| {
            let free = !used_a[a] && !used_b[b];
            if free {
                used_a[a] = true;
                used_b[b] = true;
            }
            free.then_some((a, b))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::analysis::FactView;
    use super::*;
    use crate::align::facts::FactKind;

    #[test]
    fn edit_similarity() {
        let t = |s: &str| -> Vec<String> { s.split(' ').map(str::to_owned).collect() };
        assert_eq!(token_edit_similarity(&t("a b c d"), &t("a b c d")), 1.0);
        assert_eq!(token_edit_similarity(&t("a b c d"), &t("a x c d")), 0.75);
        assert_eq!(token_edit_similarity(&t("a b c d"), &t("a b c")), 0.75);
    }

    /// The weighted overlaps of the aligner as they were first written: over hash sets of
    /// the tokens (a test oracle for the merge of the analyses' sorted distinct tokens).
    fn overlaps_by_hash_sets(x: &Sentence, y: &Sentence, idf: &Idf) -> (f64, f64) {
        let w = |t: &str| analysis::token_weight(lexicon::is_stopword(t), idf.weight(t));
        let sx: HashSet<&str> = x.tokens.iter().map(String::as_str).collect();
        let sy: HashSet<&str> = y.tokens.iter().map(String::as_str).collect();
        let wx: f64 = sx.iter().map(|t| w(t)).sum();
        let wy: f64 = sy.iter().map(|t| w(t)).sum();
        let common: f64 = sx.intersection(&sy).map(|t| w(t)).sum();
        let dice = if wx + wy > 0.0 {
            2.0 * common / (wx + wy)
        } else {
            0.0
        };
        let containment = if wx > 0.0 { common / wx } else { 0.0 };
        (dice, containment)
    }

    #[test]
    fn weighted_overlaps_match_the_hash_set_oracle() {
        let al = aligner();
        let a = doc("base.txt");
        let b = doc("rewrite.txt");
        let (aa, ab) = (al.analyze(&a), al.analyze(&b));
        let mut compared = 0;
        for (i, x) in a.sentences.iter().enumerate() {
            for (j, y) in b.sentences.iter().enumerate() {
                let (dice, containment) = overlaps_by_hash_sets(x, y, al.idf());
                let d = weighted_dice(&aa.tokens[i], &ab.tokens[j]);
                let c = weighted_containment(&aa.tokens[i], &ab.tokens[j]);
                // The sums run in another order (a hash set's order is random anyway).
                assert!((d - dice).abs() < 1e-12, "{d} {dice}");
                assert!((c - containment).abs() < 1e-12, "{c} {containment}");
                compared += usize::from(dice > 0.0);
            }
        }
        assert!(compared > 10, "{compared}");
    }

    #[test]
    fn topic_candidates_include_every_overlapping_pair() {
        let al = aligner();
        let docs: Vec<PreparedDoc> = ["base.txt", "samestory.txt", "rewrite.txt", "figure.txt"]
            .iter()
            .map(|n| doc(n))
            .collect();
        let analyses: Vec<DocAnalysis> = docs.iter().map(|d| al.analyze(d)).collect();
        let mut overlapping = 0;
        for aa in &analyses {
            for ab in &analyses {
                let (mut seen, mut touched) = (vec![false; aa.views.len()], Vec::new());
                for vb in &ab.views {
                    let mut visited = Vec::new();
                    aa.for_each_topic_candidate(
                        &vb.stems,
                        u64::MAX,
                        &mut seen,
                        &mut touched,
                        |ai| visited.push(ai),
                    );
                    assert!(visited.windows(2).all(|w| w[0] < w[1]), "{visited:?}");
                    assert!(seen.iter().all(|s| !s));
                    for (ai, va) in aa.views.iter().enumerate() {
                        if va.kinds != 0 && stem_dice(&va.stems, &vb.stems) > 0.0 {
                            overlapping += 1;
                            assert!(visited.contains(&ai), "{ai} {visited:?}");
                        }
                    }
                }
            }
        }
        assert!(overlapping > 20, "{overlapping}");
    }

    fn doc(name: &str) -> PreparedDoc {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/align/");
        let text = std::fs::read_to_string(format!("{dir}{name}")).expect("test article");
        PreparedDoc::new(&text)
    }

    #[test]
    fn rows_put_dropped_sentences_of_a_before_the_next_in_order_match() {
        let a = PreparedDoc::new(
            "The council met on Tuesday to discuss the budget. The mayor was absent because of \
             illness. The budget passed by six votes to three after a long debate.",
        );
        let b = PreparedDoc::new(
            "The council met on Tuesday to discuss the budget. Protesters gathered outside the \
             hall in the rain. The budget passed by six votes to three after a long debate.",
        );
        let al = aligner().align(&a, &b);
        let rows = al.rows(a.sentences.len());
        let kinds: Vec<(RowKind, Option<usize>, Option<usize>)> =
            rows.iter().map(|r| (r.kind, r.a, r.b)).collect();
        assert_eq!(
            kinds,
            vec![
                (RowKind::Verbatim, Some(0), Some(0)),
                (RowKind::Added, None, Some(1)),
                (RowKind::Dropped, Some(1), None),
                (RowKind::Verbatim, Some(2), Some(2)),
            ]
        );
    }

    fn aligner() -> Aligner {
        Aligner::new(Idf::builtin())
    }

    #[test]
    fn exact_copy() {
        let a = doc("base.txt");
        let al = aligner().align(&a, &a.clone());
        assert_eq!(al.relation, Relation::Exact);
        assert_eq!(al.score, 1.0);
        assert!(al
            .matches
            .iter()
            .all(|m| m.kind == MatchKind::Verbatim && m.a == Some(m.b)));
        assert!(al.added.is_empty() && al.dropped.is_empty() && al.disagreements.is_empty());
        assert_eq!(al.containment_b_in_a, 1.0);
    }

    #[test]
    fn moved_paragraph() {
        let a = doc("base.txt");
        let b = doc("moved.txt");
        let al = aligner().align(&a, &b);
        // Every sentence is found, the two moved ones out of order.
        assert!(al.added.is_empty() && al.dropped.is_empty(), "{al:?}");
        assert!(al.matches.iter().all(|m| m.kind == MatchKind::Verbatim));
        assert_eq!(al.matches[0].a, Some(3));
        assert_eq!(al.matches[1].a, Some(4));
        assert_eq!(al.matches[2].a, Some(0));
        assert_eq!(al.matches.iter().filter(|m| m.moved).count(), 2);
        assert_eq!(al.containment_b_in_a, 1.0);
        assert_eq!(al.containment_a_in_b, 1.0);
        assert!(al.relation >= Relation::NearDuplicate, "{:?}", al.relation);
    }

    #[test]
    fn added_sentences() {
        let a = doc("base.txt");
        let b = doc("added.txt");
        let al = aligner().align(&a, &b);
        assert_eq!(al.added, vec![1, 2, 11]);
        assert!(al.dropped.is_empty());
        assert_eq!(al.containment_a_in_b, 1.0);
        assert!(al.containment_b_in_a > 0.7 && al.containment_b_in_a < 0.9);
        assert!(al.relation >= Relation::Rewrite);
    }

    #[test]
    fn changed_figures_are_edits_with_disagreements() {
        let a = doc("base.txt");
        let b = doc("figure.txt");
        let al = aligner().align(&a, &b);
        assert_eq!(al.matches[0].kind, MatchKind::Edited);
        assert_eq!(al.matches[0].a, Some(0));
        let d: Vec<(&str, &str, FactKind)> = al
            .disagreements
            .iter()
            .map(|d| (d.a_value.as_str(), d.b_value.as_str(), d.kind))
            .collect();
        assert_eq!(
            d,
            vec![
                ("3,000", "5,000", FactKind::Number),
                ("85 percent", "more than half", FactKind::Percent)
            ]
        );
        assert_eq!(al.disagreements[1].a_sentence, 6);
        assert_eq!(al.disagreements[1].b_sentence, 6);
        assert!(al.added.is_empty() && al.dropped.is_empty());
    }

    #[test]
    fn paraphrased_rewrite() {
        let a = doc("base.txt");
        let b = doc("rewrite.txt");
        let al = aligner().align(&a, &b);
        assert_eq!(al.relation, Relation::Rewrite, "{al:#?}");
        assert!(al.containment_b_in_a >= 0.5);
        assert!(al.shingle_jaccard < 0.5);
        // Schools and hospital were dropped.
        assert!(
            al.dropped.contains(&7) && al.dropped.contains(&8),
            "{al:#?}"
        );
    }

    #[test]
    fn the_config_in_use_decides() {
        let (a, b) = (doc("base.txt"), doc("rewrite.txt"));
        assert_eq!(aligner().align(&a, &b).relation, Relation::Rewrite);
        // No containment is enough, and no text long enough for provenance: not a rewrite.
        let strict = AlignConfig {
            rewrite_min: 1.0,
            provenance_min_sentences: usize::MAX,
            ..AlignConfig::default()
        };
        let al = aligner().with_config(strict).expect("a valid config");
        assert_eq!(al.config().rewrite_min, 1.0);
        assert_ne!(al.align(&a, &b).relation, Relation::Rewrite);
        let invalid = AlignConfig {
            near_duplicate_min: -0.1,
            ..AlignConfig::default()
        };
        assert!(matches!(
            aligner().with_config(invalid),
            Err(AlignConfigError::NotAShare {
                field: "near_duplicate_min",
                ..
            })
        ));
    }

    #[test]
    fn same_story_and_unrelated() {
        let a = doc("base.txt");
        let al = aligner().align(&a, &doc("samestory.txt"));
        assert_eq!(al.relation, Relation::SameStory, "{al:#?}");
        assert!(al.containment_b_in_a < 0.5);
        let al = aligner().align(&a, &doc("unrelated.txt"));
        assert_eq!(al.relation, Relation::Unrelated, "{al:#?}");
        assert!(al.matches.iter().all(|m| m.a.is_none()));
        assert_eq!(al.containment_b_in_a, 0.0);
        assert_eq!(al.score, 0.0);
    }

    const FOOTER: &str = "The Harbor Ledger is a nonprofit, reader-supported newsroom covering the coast since 1990. Our journalism is free because readers like you donate every month. Please consider becoming a member or making a one-time gift on our website. Corrections can be requested through the form below every article and appear on our corrections page.";

    #[test]
    fn shared_trailing_footer_is_not_a_rewrite() {
        let a = PreparedDoc::new(&format!(
            "The county library will stay open until nine on weekdays. The director said evening hours were the top request of patrons. A board member voted against the plan.\n\n{FOOTER}"
        ));
        let b = PreparedDoc::new(&format!(
            "Students will spend less time on the bus when two rural routes merge. The manager said the longest ride would get much shorter. Parents had complained for years about early departures.\n\n{FOOTER}"
        ));
        let al = aligner().align(&a, &b);
        assert_eq!(al.relation, Relation::Unrelated, "{al:#?}");
        // The reported containment still counts the footer.
        assert!(
            al.containment_b_in_a >= AlignConfig::default().rewrite_min,
            "{al:#?}"
        );
        // The same block at the start (a shared lead) is derived content.
        let lead_a = PreparedDoc::new(&format!(
            "{FOOTER} The county library will stay open until nine on weekdays."
        ));
        let lead_b = PreparedDoc::new(&format!(
            "{FOOTER} Students will spend less time on the bus when two rural routes merge."
        ));
        assert!(aligner().align(&lead_a, &lead_b).relation >= Relation::Rewrite);
        // A footer plus a shared body sentence is a rewrite.
        let c = PreparedDoc::new(&format!(
            "The county library will stay open until nine on weekdays. Parents had complained for years about early departures.\n\n{FOOTER}"
        ));
        assert!(aligner().align(&a, &c).relation >= Relation::Rewrite);
    }

    #[test]
    fn independent_reports_disagree_on_figures_of_the_same_thing() {
        // Two independent reports of one storm: few shared sentences, but both give the
        // wind speed, with figures that cannot both be right.
        let a = PreparedDoc::new(
            "Forecaster Ines Varga issued a storm warning for the entire coast on Sunday.\n\
             Forecasters expect gusts of up to 110 kilometers per hour along exposed headlands.\n\
             Ferry crossings to the islands were cancelled until further notice.\n\
             Schools in Port Aldrin will stay closed on Monday.",
        );
        let b = PreparedDoc::new(
            "Residents were told to secure loose objects on Sunday, forecaster Ines Varga said.\n\
             Meteorologists said gusts would reach around 90 kilometers per hour on the headlands.\n\
             The harbor master ordered small boats to stay in port.\n\
             Port Aldrin schools announced they would not open on Monday.",
        );
        let al = aligner().with_min_confidence(0.0).align(&a, &b);
        assert!(al.relation >= Relation::SameStory, "{al:?}");
        assert_eq!(al.disagreements.len(), 1, "{:?}", al.disagreements);
        let d = &al.disagreements[0];
        // Found by the same-topic pass alone (no word of the measured thing is shared around
        // the figures), whose confidence stays below the default cut: two thirds of such
        // findings were wrong on AllSides.
        assert_eq!(d.via, Via::SameTopic);
        assert!(d.confidence < DEFAULT_MIN_CONFIDENCE, "{d:?}");
        assert!(aligner().align(&a, &b).disagreements.is_empty());
        assert_eq!((d.a_sentence, d.b_sentence), (1, 1));
        assert!(
            d.a_value.contains("110") && d.b_value.contains("90"),
            "{d:?}"
        );
    }

    #[test]
    fn figures_about_different_things_are_not_compared() {
        // Same story, but the figures describe different things (crew size, tonnage).
        let a = PreparedDoc::new(
            "The cargo ship Marlin ran aground off Kestrel Point on Sunday night.\n\
             All 23 crew members were lifted off by a coast guard helicopter.\n\
             The Marlin was carrying timber from Port Aldrin to the northern ports.",
        );
        let b = PreparedDoc::new(
            "A timber freighter, the Marlin, struck rocks near Kestrel Point late on Sunday.\n\
             The 4,000-tonne vessel was listing badly by morning, the coast guard said.\n\
             Salvage crews from Port Aldrin are expected to reach the ship on Tuesday.",
        );
        let al = aligner().align(&a, &b);
        assert!(al.disagreements.is_empty(), "{:?}", al.disagreements);
    }

    /// The disagreements of A and B at the default cut and, second, of every confidence.
    fn both_cuts(a: &str, b: &str) -> (Vec<Disagreement>, Vec<Disagreement>) {
        let (a, b) = (PreparedDoc::new(a), PreparedDoc::new(b));
        let shown = aligner().align(&a, &b).disagreements;
        let all = aligner()
            .with_min_confidence(0.0)
            .align(&a, &b)
            .disagreements;
        (shown, all)
    }

    /// Two reports of one council vote, with `a_line` and `b_line` as their second sentences.
    fn council(a_line: &str, b_line: &str) -> (String, String) {
        (
            format!(
                "The Northfield council voted on Tuesday to raise water rates by 14 percent.\n{a_line}\n\
                 Councilwoman Priya Natarajan said the pipes were a century old.\n\
                 The Elm Creek plant will be modernized, Mayor Tom Reilly said."
            ),
            format!(
                "Northfield water bills will climb after the council approved a 14 percent rate rise on Tuesday.\n{b_line}\n\
                 Supporters on the council, led by Priya Natarajan, pointed to century-old pipes.\n\
                 Mayor Tom Reilly said the Elm Creek plant would be modernized."
            ),
        )
    }

    /// The text of article `id` of the example corpus.
    fn example_text(id: &str) -> String {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/news.jsonl");
        let corpus = std::fs::read_to_string(path).expect("example corpus");
        corpus
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON"))
            .find(|v| v["id"] == id)
            .and_then(|v| v["text"].as_str().map(str::to_string))
            .expect("article")
    }

    #[test]
    fn planted_figures_of_one_thing_in_different_words_are_confident() {
        let (shown, all) = both_cuts(&example_text("wire-006"), &example_text("wire-007"));
        let values: Vec<(&str, &str)> = shown
            .iter()
            .map(|d| (d.a_value.as_str(), d.b_value.as_str()))
            .collect();
        assert_eq!(
            values,
            [
                ("more than half of the 41", "85 percent"),
                ("roughly 7 dollars", "about 9 dollars")
            ]
        );
        assert!(shown.iter().all(|d| d.via == Via::Frame));
        // Showing all adds only less confident ones.
        assert!(all
            .iter()
            .filter(|d| !shown.contains(d))
            .all(|d| d.confidence < DEFAULT_MIN_CONFIDENCE));
    }

    #[test]
    fn captions_make_no_disagreement() {
        let (a, b) = council(
            "Photos: The vote Hide Caption 16 of 16 people in the chamber.",
            "Photos: The vote Hide Caption 13 of 13 people in the chamber.",
        );
        let (shown, all) = both_cuts(&a, &b);
        assert!(shown.is_empty(), "{shown:?}");
        assert!(
            all.iter().all(|d| d.confidence == 0.0),
            "a caption's figures are page furniture: {all:?}"
        );
        // The same figures in a sentence of the story are reported.
        let (a, b) = council(
            "The council counted 16 people in the public gallery during the vote.",
            "The council counted 13 people in the public gallery during the vote.",
        );
        let (shown, _) = both_cuts(&a, &b);
        assert!(shown.iter().any(|d| d.a_value == "16"), "{shown:?}");
    }

    #[test]
    fn headline_capitals_and_notation_are_no_name_disagreements() {
        let (a, b) = (
            "U.S. Stocks Decline as Oil Prices Slide on Tuesday",
            "U.S. Stocks Fluctuate as Oil Prices Slide on Tuesday",
        );
        let (_, all) = both_cuts(a, b);
        assert!(
            all.iter()
                .filter(|d| d.kind == FactKind::Name)
                .all(|d| d.confidence == 0.0),
            "{all:?}"
        );
        let (a, b) = council(
            "The council heard that ISIL fighters had once threatened the plant, officials said.",
            "The council heard that Islamic State fighters had once threatened the plant, officials said.",
        );
        let (_, all) = both_cuts(&a, &b);
        assert!(
            all.iter()
                .filter(|d| d.kind == FactKind::Name)
                .all(|d| d.confidence == 0.0),
            "{all:?}"
        );
        // A name replaced by another in one slot, both written in sentence case, is kept (with
        // the low confidence of names).
        let (a, b) = council(
            "The motion was tabled by councilman Peter Osei after a long debate, officials said.",
            "The motion was tabled by councilman Joan Marsh after a long debate, officials said.",
        );
        let (shown, all) = both_cuts(&a, &b);
        assert!(shown.iter().all(|d| d.kind != FactKind::Name), "{shown:?}");
        assert!(
            all.iter()
                .any(|d| d.kind == FactKind::Name && d.confidence > 0.0),
            "{all:?}"
        );
    }

    #[test]
    fn different_things_counted_in_aligned_sentences_fall_below_the_cut() {
        let (a, b) = council(
            "The gun charge carries a sentence of up to 5 years in prison, prosecutors said.",
            "The homicide charge carries a sentence of up to 20 years in prison, prosecutors said.",
        );
        let (shown, _) = both_cuts(&a, &b);
        assert!(shown.is_empty(), "{shown:?}");
        let (a, b) = council(
            "The council will hire 12 inspectors next year, prosecutors said.",
            "The council will hire 20 lawyers next year, prosecutors said.",
        );
        let (shown, all) = both_cuts(&a, &b);
        assert!(shown.is_empty(), "{shown:?}");
        assert!(all.iter().any(|d| d.a_value == "12"), "{all:?}");
    }

    #[test]
    fn empty_documents() {
        let e = PreparedDoc::new("");
        let a = doc("base.txt");
        for (x, y) in [(&e, &a), (&a, &e), (&e, &e)] {
            let al = aligner().align(x, y);
            assert_eq!(al.relation, Relation::Unrelated);
            assert_eq!(al.score, 0.0);
        }
    }

    /// A wire story and heavy rewrites of it for the fact-provenance rule.
    const FERRY_SOURCE: &str = "GLENHAVEN — Ferry crews on the Glenhaven-Tarrow route walked out \
        on Monday morning in a dispute over night-shift pay, stranding about 3,500 commuters, the \
        operator Bluewater Lines said.\n\
        The strike by the Maritime Workers' Guild is due to last 72 hours.\n\
        Bluewater Lines said it had offered a 4 percent rise, while the guild wants 7 percent.\n\
        Two chartered buses will carry foot passengers around the bay, adding roughly an hour to \
        the trip.\n\
        Guild secretary Ines Marlowe said members had not had a pay increase since 2021.\n\
        Talks are set to resume on Thursday.";

    fn ferry_rewrite(extra: &str) -> String {
        format!(
            "Commuters in Glenhaven were left looking for another way across the bay \
             after ferry staff stopped work on Monday.\n\
             Crews want 7 percent more; Bluewater Lines says 4 percent is as far as it can go.\n\
             The guild's Ines Marlowe complained that wages have been frozen since 2021.\n\
             Stand-in coaches add about an hour to the journey, and the two sides meet again \
             Thursday.{extra}"
        )
    }

    #[test]
    fn heavy_paraphrase_is_a_rewrite_by_fact_provenance() {
        let a = PreparedDoc::new(FERRY_SOURCE);
        let b = PreparedDoc::new(&ferry_rewrite(""));
        let al = aligner().align(&a, &b);
        assert!(
            al.containment_b_in_a.max(al.containment_a_in_b) < AlignConfig::default().rewrite_min,
            "no sentence is close enough for the containment rule: {al:#?}"
        );
        assert_eq!(al.relation, Relation::Rewrite, "{al:#?}");
        assert_eq!(al.facts_b_in_a.novel(), 0, "{:?}", al.facts_b_in_a);
        assert!(al.facts_b_in_a.names >= 1 && al.facts_b_in_a.figures >= 1);
        assert!(
            al.score >= 0.2,
            "the content overlap scores the pair: {}",
            al.score
        );
        // Symmetric: the rewrite as A finds the source derived the other way round.
        let back = aligner().align(&b, &a);
        assert_eq!(back.relation, Relation::Rewrite);
    }

    #[test]
    fn a_report_with_facts_of_its_own_is_not_a_rewrite() {
        let a = PreparedDoc::new(FERRY_SOURCE);
        // Its own figure: not derived from A.
        let b = PreparedDoc::new(&ferry_rewrite(
            "\nA guild survey found that 62 percent of crews work more than 50 hours a week.",
        ));
        let al = aligner().align(&a, &b);
        assert_eq!(al.relation, Relation::SameStory, "{al:#?}");
        assert!(al.facts_b_in_a.novel() >= 1);
        // A figure that disagrees with A's: an independent account.
        let b = PreparedDoc::new(&ferry_rewrite("").replace("want 7 percent", "want 9 percent"));
        let al = aligner().align(&a, &b);
        assert_ne!(al.relation, Relation::Rewrite, "{al:#?}");
        // A one-line summary naming the same route and day proves nothing.
        let b = PreparedDoc::new(
            "Bluewater Lines ferry staff on the Glenhaven route went on strike on Monday over a \
             4 percent offer.",
        );
        let al = aligner().align(&a, &b);
        assert_ne!(al.relation, Relation::Rewrite, "{al:#?}");
    }

    #[test]
    fn fact_support_counts_distinct_values() {
        let al = aligner();
        let dx = PreparedDoc::new("Google's founders met Larry Page in 1998 at Google.");
        let dy = PreparedDoc::new("Larry Page started Google in 1998.");
        let x = [FactView::of(&dx.sentences[0], al.idf())];
        let y = [FactView::of(&dy.sentences[0], al.idf())];
        let s = fact_support(1, &FactSet::of(&x), &FactSet::of(&y));
        // "Google's" and "Google" are one fact; Larry Page, 1998 the others.
        assert_eq!(s.facts, 3, "{s:?}");
        assert_eq!(s.supported, 3);
        assert_eq!((s.names, s.figures), (2, 1));
        assert!(
            !s.derived(1.0, 1.0, &AlignConfig::default()),
            "one sentence is too short to derive"
        );
    }

    #[test]
    fn exact_copies_are_aligned_directly_as_the_general_method_would() {
        let base = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/align/base.txt"
        ))
        .unwrap();
        for text in [
            base.as_str(),
            FERRY_SOURCE,
            "One line.",
            "Same. Same. Same.",
        ] {
            let a = PreparedDoc::new(text);
            // Different case, quotes and spaces: the same normalized sentences.
            let b = PreparedDoc::new(&text.to_uppercase().replace(' ', "  "));
            let direct = aligner().exact_copy(&a, &b, None).expect("an exact copy");
            let al = aligner();
            let general = al.align_sentences(&a, &al.analyze(&a), &b, &al.analyze(&b), None);
            assert_eq!(direct, general, "{text}");
        }
        let (a, b) = (doc("base.txt"), doc("figure.txt"));
        assert!(aligner().exact_copy(&a, &b, None).is_none());
    }

    #[test]
    fn ordinary_articles_are_aligned_in_full() {
        let names = [
            "base.txt",
            "moved.txt",
            "added.txt",
            "figure.txt",
            "rewrite.txt",
        ];
        let names = names.iter().chain(&["samestory.txt", "unrelated.txt"]);
        let docs: Vec<PreparedDoc> = names.map(|n| doc(n)).collect();
        for a in &docs {
            for b in &docs {
                let al = aligner().align(a, b);
                assert!(!al.truncated, "{:?}", al.work);
                assert_eq!(al.work.long_pairs, 0);
            }
        }
    }

    /// `n` sentences of one template, numbered; `day` and `shift` vary the copy.
    fn template(n: usize, day: &str, shift: usize) -> PreparedDoc {
        let text: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    "Officials in the harbor district said on {day} that the budget for item {i} \
                     would rise by {} percent next year.",
                    (i + shift) % 97
                )
            })
            .collect();
        PreparedDoc::new(&text.join(" "))
    }

    #[test]
    fn near_identical_sentences_stay_within_the_candidate_limits() {
        // Every B sentence passes the candidate filter against every A sentence: without
        // limits, n² pairs scored. The limits are lowered so that the test runs fast.
        let n = 1500;
        let (a, b) = (template(n, "Monday", 0), template(n, "Tuesday", 1));
        let config = AlignConfig {
            max_candidates: 6,
            max_candidate_work: 600_000,
            max_fact_work: 300_000,
            ..AlignConfig::default()
        };
        let al = aligner().with_config(config.clone()).unwrap().align(&a, &b);
        let w = al.work;
        assert!(al.truncated);
        assert!(w.most_candidates <= config.max_candidates, "{w:?}");
        assert!(
            w.pairs_scored <= (n * config.max_candidates) as u64,
            "{w:?}"
        );
        // A share is never exceeded (the last sentences' shares may be empty).
        assert!(
            w.candidate_work <= config.max_candidate_work as u64,
            "{w:?}"
        );
        assert!(w.fact_work <= config.max_fact_work as u64, "{w:?}");
        assert!(w.grid_cells <= config.max_grid_cells as u64, "{w:?}");
        // The rarest tokens (the item number) and the sentences near each one's place keep
        // the right counterparts.
        let right = (al.matches.iter())
            .filter(|m| m.a == Some(m.b) && m.kind == MatchKind::Edited)
            .count();
        assert!(right * 10 >= n * 9, "{right} of {n}: {w:?}");
        assert!(al.relation >= Relation::Rewrite, "{:?}", al.relation);
        // A repeated sentence: the verbatim candidates are cut to the nearest ones.
        let same = PreparedDoc::new(&"The storm closed the harbor road again. ".repeat(n));
        let al = aligner()
            .with_config(config.clone())
            .unwrap()
            .align(&same, &same);
        assert_eq!(al.relation, Relation::Exact);
        let other = PreparedDoc::new(&format!(
            "{} One new line about the ferry.",
            "The storm closed the harbor road again. ".repeat(n)
        ));
        let al = aligner()
            .with_config(config.clone())
            .unwrap()
            .align(&same, &other);
        assert!(al.truncated && al.work.most_candidates <= config.max_candidates);
        assert!(al.work.candidate_work <= config.max_candidate_work as u64);
    }

    #[test]
    fn the_default_limits_hold_on_twenty_thousand_near_identical_sentences() {
        // Issue 23's case at full size (the release build takes about a second; see
        // scripts/bench_adversarial.sh), here checked by the work counters only.
        if cfg!(debug_assertions) {
            return;
        }
        let n = 20_000;
        let (a, b) = (template(n, "Monday", 0), template(n, "Tuesday", 1));
        let al = aligner().align(&a, &b);
        let (w, c) = (al.work, AlignConfig::default());
        assert!(al.truncated);
        assert!(w.candidate_work <= c.max_candidate_work as u64, "{w:?}");
        assert!(w.pairs_scored <= (n * c.max_candidates) as u64, "{w:?}");
        assert!(w.fact_work <= c.max_fact_work as u64, "{w:?}");
    }

    #[test]
    fn one_long_sentence_is_scored_without_the_sequence_tables() {
        // One "sentence" of 60,000 tokens (no full stop) against a variant: the pair is over
        // max_token_cells, so no edit or LCS table is built (they took 4.8 GB on 5 MB).
        let words = ["harbor", "council", "budget", "river", "station", "market"];
        let toks: Vec<String> = (0..60_000)
            .map(|i| format!("{}{}", words[i % 6], i % 251))
            .collect();
        let mut changed = toks.clone();
        for k in (0..changed.len()).step_by(1000) {
            changed[k] = "changed".into();
        }
        let (a, b) = (
            PreparedDoc::new(&toks.join(" ")),
            PreparedDoc::new(&changed.join(" ")),
        );
        assert_eq!((a.sentences.len(), b.sentences.len()), (1, 1));
        let al = aligner().align(&a, &b);
        assert!(al.truncated);
        assert_eq!(al.work.token_cells, 0);
        assert_eq!((al.work.long_pairs, al.work.pairs_scored), (1, 1));
        assert!(al.relation >= Relation::Rewrite, "{:?}", al.relation);
    }

    #[test]
    fn one_word_repeated_is_bounded() {
        let a = PreparedDoc::new(&["tax"; 200_000].join(" "));
        let b = PreparedDoc::new(&format!("{} cut", ["tax"; 199_999].join(" ")));
        let al = aligner().align(&a, &b);
        assert!(al.truncated);
        assert_eq!(al.work.token_cells, 0);
        assert_eq!(al.work.pairs_scored, 1);
        assert_eq!(al.matches.len(), 1);
    }

    #[test]
    fn documents_of_millions_of_tiny_sentences_are_aligned_on_their_first_sentences() {
        use crate::align::sentence::MAX_DOC_SENTENCES;
        let tiny = |n: usize, change: &str| -> String {
            (0..n)
                .map(|i| match i % 5 {
                    _ if i % 1000 == 999 => change,
                    0 => "Ka!",
                    1 => "Lo?",
                    2 => "Mi!",
                    3 => "Ne?",
                    _ => "Ru!",
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let (a, b) = (
            PreparedDoc::new(&tiny(MAX_DOC_SENTENCES + 500, "Si!")),
            PreparedDoc::new(&tiny(MAX_DOC_SENTENCES + 500, "To?")),
        );
        assert!(
            a.truncated && b.truncated,
            "{} sentences",
            a.sentences.len()
        );
        assert_eq!(a.sentences.len(), MAX_DOC_SENTENCES);
        let al = aligner().align(&a, &b);
        assert!(al.truncated);
        assert!(al.matches.len() <= MAX_DOC_SENTENCES);
        // At the limit nothing is left out.
        let whole = PreparedDoc::new(&tiny(MAX_DOC_SENTENCES, "Si!"));
        assert!(!whole.truncated);
        assert_eq!(whole.sentences.len(), MAX_DOC_SENTENCES);
    }

    #[test]
    fn many_facts_are_capped_per_sentence_and_compared_within_the_fact_budget() {
        use crate::align::sentence::MAX_SENTENCE_FACTS;
        let figures = |shift: usize| -> String {
            let list: Vec<String> = (0..600)
                .map(|i| format!("{} tonnes", i * 7 + shift))
                .collect();
            format!("The port handled {} in the year.", list.join(", "))
        };
        let (a, b) = (PreparedDoc::new(&figures(0)), PreparedDoc::new(&figures(1)));
        let facts = a.sentences[0].facts();
        assert!(facts.truncated);
        assert_eq!(facts.facts.len(), MAX_SENTENCE_FACTS);
        let al = aligner().align(&a, &b);
        assert!(al.truncated);
        // The one aligned pair is too costly for a small fact budget: not compared.
        let config = AlignConfig {
            max_fact_work: 1000,
            ..AlignConfig::default()
        };
        let al = aligner().with_config(config).unwrap().align(&a, &b);
        assert!(al.disagreements.is_empty() && al.truncated);
        assert!(al.work.fact_work <= 1000, "{:?}", al.work);
    }

    #[test]
    fn nearest_entries_are_a_run_around_the_place() {
        let list = [2u32, 4, 6, 8, 10, 12];
        assert_eq!(nearest(&list, 7, 2), &[6, 8]);
        assert_eq!(nearest(&list, 5, 3), &[2, 4, 6]);
        assert_eq!(nearest(&list, 0, 2), &[2, 4]);
        assert_eq!(nearest(&list, 100, 2), &[10, 12]);
        assert_eq!(nearest(&list, 7, 0), &[] as &[u32]);
        assert_eq!(nearest(&list, 7, 9), &list);
        assert_eq!(proportional_place(10, 100, 20), 50);
        assert_eq!(proportional_place(0, 0, 0), 0);
    }
}
