//! Sentence similarity (PLACEHOLDER: the similarity engineer replaces the body; signatures are final).

use super::Sentence;

/// Inverse document frequencies of normalized tokens.
#[derive(Clone, Debug, Default)]
pub struct Idf {
    /// Number of documents counted.
    pub documents: u64,
    /// Document frequency per token.
    pub df: std::collections::HashMap<String, u64>,
}

impl Idf {
    /// The built-in table (placeholder: empty, every token weighs the same).
    pub fn builtin() -> Self {
        Idf::default()
    }

    /// IDF weight of a token: ln((N + 1) / (df + 1)) + 1.
    pub fn weight(&self, token: &str) -> f64 {
        let df = self.df.get(token).copied().unwrap_or(0) as f64;
        ((self.documents as f64 + 1.0) / (df + 1.0)).ln() + 1.0
    }
}

/// Similarity of two sentences in [0, 1] (placeholder: token Jaccard).
pub fn score(a: &Sentence, b: &Sentence, _idf: &Idf) -> f64 {
    let sa: std::collections::HashSet<&String> = a.tokens.iter().collect();
    let sb: std::collections::HashSet<&String> = b.tokens.iter().collect();
    let inter = sa.intersection(&sb).count() as f64;
    let union = sa.union(&sb).count() as f64;
    if union == 0.0 {
        0.0
    } else {
        inter / union
    }
}

/// The calibrated paraphrase decision on a score.
pub fn is_paraphrase(score: f64) -> bool {
    score >= PARAPHRASE_THRESHOLD
}

/// Score at or above which two sentences are paraphrases.
pub const PARAPHRASE_THRESHOLD: f64 = 0.5;
