//! Alignment of two articles (PLACEHOLDER: the alignment engineer replaces the body; the public
//! signatures are final).

use super::facts::Disagreement;
use super::similarity::{self, Idf};
use super::PreparedDoc;

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
}

/// The alignment of article B against article A.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Alignment {
    /// One entry per sentence of B, in B's order.
    pub matches: Vec<SentenceMatch>,
    /// Share of B's sentences derived from A.
    pub containment_b_in_a: f64,
    /// Share of A's sentences used by B.
    pub containment_a_in_b: f64,
    /// Sentences of B without counterpart (added by B).
    pub added: Vec<usize>,
    /// Sentences of A without counterpart (dropped by B).
    pub dropped: Vec<usize>,
    /// Relation label of the pair.
    pub relation: Relation,
    /// Overall similarity score of the pair in [0, 1].
    pub score: f64,
    /// Facts that differ between aligned sentences.
    pub disagreements: Vec<Disagreement>,
}

/// Aligns articles with a given IDF table.
#[derive(Clone, Debug, Default)]
pub struct Aligner {
    idf: Idf,
}

impl Aligner {
    /// An aligner using `idf` for token weights.
    pub fn new(idf: Idf) -> Self {
        Aligner { idf }
    }

    /// The IDF table in use.
    pub fn idf(&self) -> &Idf {
        &self.idf
    }

    /// Align B against A (placeholder: greedy best match).
    pub fn align(&self, a: &PreparedDoc, b: &PreparedDoc) -> Alignment {
        let mut matches = Vec::new();
        let mut used = vec![false; a.sentences.len()];
        for (bi, sb) in b.sentences.iter().enumerate() {
            let best = a
                .sentences
                .iter()
                .enumerate()
                .map(|(ai, sa)| (ai, similarity::score(sa, sb, &self.idf)))
                .max_by(|x, y| x.1.total_cmp(&y.1));
            match best {
                Some((ai, s)) if s >= 0.5 => {
                    used[ai] = true;
                    matches.push(SentenceMatch {
                        b: bi,
                        a: Some(ai),
                        kind: if sa_eq(a, ai, b, bi) {
                            MatchKind::Verbatim
                        } else {
                            MatchKind::Paraphrase
                        },
                        score: s,
                    })
                }
                _ => matches.push(SentenceMatch {
                    b: bi,
                    a: None,
                    kind: MatchKind::Unmatched,
                    score: 0.0,
                }),
            }
        }
        let added: Vec<usize> = matches
            .iter()
            .filter(|m| m.a.is_none())
            .map(|m| m.b)
            .collect();
        let dropped: Vec<usize> = (0..a.sentences.len()).filter(|&i| !used[i]).collect();
        let share = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
        let containment_b_in_a = share(b.sentences.len() - added.len(), b.sentences.len());
        let containment_a_in_b = share(a.sentences.len() - dropped.len(), a.sentences.len());
        let relation = if containment_b_in_a > 0.5 {
            Relation::Rewrite
        } else {
            Relation::Unrelated
        };
        Alignment {
            matches,
            containment_b_in_a,
            containment_a_in_b,
            added,
            dropped,
            relation,
            score: containment_b_in_a.max(containment_a_in_b),
            disagreements: Vec::new(),
        }
    }
}

fn sa_eq(a: &PreparedDoc, ai: usize, b: &PreparedDoc, bi: usize) -> bool {
    a.sentences[ai].norm == b.sentences[bi].norm
}
