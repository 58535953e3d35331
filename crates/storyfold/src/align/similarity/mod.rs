//! Sentence similarity: a calibrated lexical score for two sentences and the paraphrase decision.
//!
//! [`score`] computes the 16 lexical [`features`] of a pair (IDF-weighted token overlap, token
//! bigram/trigram and character 4-gram overlap, longest common subsequence, length ratio,
//! agreement of numbers and of capitalized names, prefix-"stem" overlap) and feeds them to the
//! shipped model, fitted on the MRPC training file: an L2-regularized logistic regression
//! (`p = σ(b + Σ wᵢ·xᵢ)`). The model file format ([`gbt`]) also holds boosted trees that correct
//! the regression's log-odds (`--classifier hybrid`), measured but not shipped (see
//! docs/evaluation.md). The score is the model's probability that the pair is a paraphrase in MRPC's sense
//! (a value in [0, 1]; higher = more similar). [`is_paraphrase`] compares it with
//! [`PARAPHRASE_THRESHOLD`], the accuracy-maximizing threshold on the same file.
//!
//! The model is `crates/storyfold/data/paraphrase_model.tsv` (embedded, parsed once per process).
//! This crate only loads trained models and scores with them; fitting, training and
//! cross-validation are the `storyfold-train` tool's (crate `crates/train`). Regenerate the model
//! and the threshold with
//! `storyfold-train similarity --pairs /work/shared/data/mrpc/msr_paraphrase_train.txt --fit --classifier logistic --model-out crates/storyfold/data/paraphrase_model.tsv`
//! and paste the printed const over [`PARAPHRASE_THRESHOLD`].
//!
//! * [`idf`]: the IDF table, its TSV format and the built-in table.
//! * [`features`]: the feature definitions.
//! * [`gbt`]: the model (a logistic regression, optionally corrected by boosted trees), its
//!   file format and its prediction.
//! * [`encoder`], [`cross`]: the contextual sentence encoder and the fine-tuned cross-encoder
//!   (inference; cargo feature `encoder`).
//! * [`kld`], [`embed`]: TF-KLD token weights and static word embeddings, measured as extra
//!   features but not shipped (see docs/evaluation.md).

pub mod cross;
pub mod embed;
pub mod encoder;
pub mod features;
pub mod gbt;
pub mod idf;
pub mod kld;

use std::sync::OnceLock;

pub use embed::{EmbedError, Embeddings};
pub use encoder::{Encoder, EncoderError, Encoding};
pub use features::{
    features, features_with, tfidf_cosine, with_encoder, FEATURE_NAMES, NUM_FEATURES,
};
pub use gbt::{Gbt, Logistic};
pub use idf::{Idf, IdfError};
pub use kld::Kld;

use super::Sentence;

/// The embedded text of the shipped model.
const MODEL_TEXT: &str = include_str!("../../../data/paraphrase_model.tsv");

/// The shipped model (parsed once per process; an empty model, i.e. the constant base rate,
/// only if the embedded file were corrupt, which a test rules out).
pub fn model() -> &'static Gbt {
    static MODEL: OnceLock<Gbt> = OnceLock::new();
    MODEL.get_or_init(|| Gbt::from_text(MODEL_TEXT).unwrap_or_default())
}

/// Similarity of two sentences in [0, 1]: the model's paraphrase probability (see the
/// [module docs](self)). Two sentences without tokens score 0.
pub fn score(a: &Sentence, b: &Sentence, idf: &Idf) -> f64 {
    if a.tokens.is_empty() || b.tokens.is_empty() {
        return 0.0;
    }
    probability(&features(a, b, idf))
}

/// The model's paraphrase probability for some features, clamped to [0, 1] (0 when not finite).
fn probability(f: &[f64; NUM_FEATURES]) -> f64 {
    clamp_probability(model().predict(f))
}

/// A probability clamped to [0, 1] (0 when not finite).
fn clamp_probability(p: f64) -> f64 {
    if p.is_finite() {
        p.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// [`score`] of two sentences from their prepared sides ([`features::SentenceSide`] of `a` and
/// `b` with the same IDF table): the same value, without preparing them again.
pub fn score_prepared(
    a: &Sentence,
    b: &Sentence,
    sa: &features::SentenceSide,
    sb: &features::SentenceSide,
) -> f64 {
    if a.tokens.is_empty() || b.tokens.is_empty() {
        return 0.0;
    }
    probability(&features::lexical_features(sa, sb))
}

/// [`score_prepared`] with the LCS length and the Levenshtein distance of the two sentences'
/// token sequences ([`features::features_and_sequences`]), computed together when the
/// sequences make at most `max_cells` pairs of tokens (`None` otherwise).
pub(crate) fn score_and_sequences(
    a: &Sentence,
    b: &Sentence,
    sa: &features::SentenceSide,
    sb: &features::SentenceSide,
    max_cells: usize,
) -> (f64, Option<(usize, usize)>) {
    let (f, seq) = features::features_and_sequences(sa, sb, max_cells);
    if a.tokens.is_empty() || b.tokens.is_empty() {
        return (0.0, seq);
    }
    (probability(&f), seq)
}

/// The calibrated paraphrase decision on a score.
pub fn is_paraphrase(score: f64) -> bool {
    score >= PARAPHRASE_THRESHOLD
}

/// The embedded text of the shipped encoder model (lexical and encoder features).
const ENCODER_MODEL_TEXT: &str = include_str!("../../../data/paraphrase_model_encoder.tsv");

/// The shipped encoder model: boosted trees (200 rounds of depth 3, learning rate 0.05) on the
/// lexical features and the [`encoder`] features, fitted on the whole MRPC train file (parsed
/// once per process; the constant base rate only if the embedded file were corrupt, which a
/// test rules out).
pub fn encoder_model() -> &'static Gbt {
    static MODEL: OnceLock<Gbt> = OnceLock::new();
    MODEL.get_or_init(|| Gbt::from_text(ENCODER_MODEL_TEXT).unwrap_or_default())
}

/// Similarity of two sentences in [0, 1] given their [`Encoding`]s by the [`Encoder`]: the
/// encoder model's paraphrase probability (lexical and encoder features). Two sentences without
/// tokens score 0.
pub fn score_encoded(a: &Sentence, b: &Sentence, ea: &Encoding, eb: &Encoding, idf: &Idf) -> f64 {
    if a.tokens.is_empty() || b.tokens.is_empty() {
        return 0.0;
    }
    let f = with_encoder(features(a, b, idf), ea, eb, idf);
    clamp_probability(encoder_model().predict(&f))
}

/// The paraphrase decision on a [`score_encoded`] score.
pub fn is_paraphrase_encoded(score: f64) -> bool {
    score >= ENCODER_PARAPHRASE_THRESHOLD
}

// Generated by `storyfold-train similarity --pairs /work/shared/data/mrpc/msr_paraphrase_train.txt --encoder DIR --fit --classifier gbt --model-out crates/storyfold/data/paraphrase_model_encoder.tsv`.
/// [`score_encoded`] at or above which two sentences are paraphrases.
pub const ENCODER_PARAPHRASE_THRESHOLD: f64 = 0.5384;

/// Weight of the cross-encoder's probability in [`blend`].
pub const CROSS_WEIGHT: f64 = 0.5;

/// The most accurate paraphrase score storyfold has: the [`score_encoded`] probability (boosted
/// trees on the lexical and encoder features) and a fine-tuned [`cross`]-encoder's probability
/// (both ways round, [`cross::CrossEncoder::score_both_ways`]), averaged with weight
/// [`CROSS_WEIGHT`]. The two models err on different pairs: the trees see counts of shared and
/// differing words, numbers and names; the cross-encoder attends across the two sentences.
pub fn blend(encoded: f64, cross: f64) -> f64 {
    clamp_probability((1.0 - CROSS_WEIGHT) * encoded + CROSS_WEIGHT * cross)
}

/// The paraphrase decision on a [`blend`] score.
pub fn is_paraphrase_blended(score: f64) -> bool {
    score >= BLENDED_PARAPHRASE_THRESHOLD
}

// Generated by `storyfold-train similarity --pairs /work/shared/data/mrpc/msr_paraphrase_train.txt --encoder DIR --cross-scores eval/mrpc-cross-oof-sts.jsonl --fit --classifier gbt --model-out crates/storyfold/data/paraphrase_model_encoder.tsv`
// (the out-of-fold cross-encoder probabilities of `--cv 10 --cross-train models/cross-sts --seed 7 --cross-oof eval/mrpc-cross-oof-sts.jsonl`:
// each fold's cross-encoder first trained on STS Benchmark (`storyfold-train train-cross --sts`), then on the pairs in random order).
/// [`blend`] at or above which two sentences are paraphrases.
pub const BLENDED_PARAPHRASE_THRESHOLD: f64 = 0.4711;

// Generated by `storyfold-train similarity --pairs /work/shared/data/mrpc/msr_paraphrase_train.txt --fit --classifier logistic --model-out crates/storyfold/data/paraphrase_model.tsv`.
/// Score at or above which two sentences are paraphrases.
pub const PARAPHRASE_THRESHOLD: f64 = 0.4819;

#[cfg(test)]
mod tests {
    use super::*;

    fn s(a: &str, b: &str) -> f64 {
        score(&Sentence::new(a), &Sentence::new(b), &Idf::builtin())
    }

    const BASE: &str = "The company said its quarterly profit rose 12 percent to $1.2 billion.";

    #[test]
    fn blend_weighs_the_two_models_and_stays_a_probability() {
        assert!(
            (blend(0.2, 0.8) - (0.2 * (1.0 - CROSS_WEIGHT) + 0.8 * CROSS_WEIGHT)).abs() < 1e-12
        );
        assert_eq!(blend(0.3, 0.3), 0.3);
        assert!(blend(0.1, 0.9) > blend(0.1, 0.5));
        assert!(blend(0.9, 0.1) > blend(0.5, 0.1));
        assert_eq!(blend(f64::NAN, 0.5), 0.0);
        assert!(is_paraphrase_blended(blend(1.0, 1.0)));
        assert!(!is_paraphrase_blended(blend(0.0, 0.0)));
        assert_eq!(cross::both_ways((0.2, 0.6)), cross::both_ways((0.6, 0.2)));
        assert!((cross::both_ways((0.2, 0.6)) - 0.4).abs() < 1e-12);
    }

    #[test]
    fn an_ensemble_averages_its_members_pair_by_pair() {
        let e = cross::ensemble(&[vec![0.2, 0.9, 0.5], vec![0.6, 0.7, 0.1]]);
        assert_eq!(e.len(), 3);
        for (got, want) in e.iter().zip([0.4, 0.8, 0.3]) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
        assert_eq!(cross::ensemble(&[vec![0.3, 0.4]]), vec![0.3, 0.4]);
        // A shorter member bounds the pairs; no member, no scores.
        assert_eq!(cross::ensemble(&[vec![0.2, 0.4], vec![0.6]]), vec![0.4]);
        assert!(cross::ensemble(&[]).is_empty());
    }

    #[test]
    fn identical_sentences_score_high() {
        let x = s(BASE, BASE);
        assert!(x > 0.95, "{x}");
        assert!(is_paraphrase(x));
    }

    #[test]
    fn unrelated_sentences_score_low() {
        let x = s(
            BASE,
            "Heavy snow closed schools across the northern provinces on Monday.",
        );
        assert!(x < 0.1, "{x}");
        assert!(!is_paraphrase(x));
    }

    #[test]
    fn a_changed_number_lowers_the_score() {
        let changed = "The company said its quarterly profit rose 15 percent to $1.2 billion.";
        assert!(s(BASE, changed) < s(BASE, BASE));
    }

    #[test]
    fn a_reworded_sentence_is_a_paraphrase_and_an_extra_clause_costs() {
        let reworded = "Quarterly profit at the company rose 12 percent to $1.2 billion, it said.";
        let x = s(BASE, reworded);
        assert!(is_paraphrase(x), "{x}");
        let longer = "The company said its quarterly profit rose 12 percent to $1.2 billion, \
                      while rivals struggled with falling demand in Asia and a strike in Europe.";
        assert!(s(BASE, longer) < x);
    }

    #[test]
    fn score_is_symmetric_bounded_and_safe_on_empty_input() {
        let other = "Profit climbed 12% to $1.2 billion, the firm said.";
        assert!((s(BASE, other) - s(other, BASE)).abs() < 1e-12);
        assert_eq!(s("", BASE), 0.0);
        assert_eq!(s("...", "!!!"), 0.0);
        let x = s("a", "b");
        assert!((0.0..=1.0).contains(&x));
    }

    #[test]
    fn shipped_model_is_loaded_and_uses_lexical_features_only() {
        let m = model();
        let linear = m.linear.as_ref().expect("starts from a logistic model");
        assert!(linear.weights[features::NUM_LEXICAL..]
            .iter()
            .all(|&w| w == 0.0));
        for tree in &m.trees {
            for node in tree {
                assert!(node.feature.is_none_or(|f| f < features::NUM_LEXICAL));
            }
        }
    }

    #[test]
    fn shipped_encoder_model_is_loaded_and_uses_encoder_features() {
        let m = encoder_model();
        assert!(!m.trees.is_empty());
        let used = |lo: usize, hi: usize| {
            m.trees
                .iter()
                .flatten()
                .any(|n| n.feature.is_some_and(|f| (lo..hi).contains(&f)))
        };
        assert!(used(features::FIRST_ENC, NUM_FEATURES));
        assert!(used(0, features::NUM_LEXICAL));
        assert!(!used(features::NUM_LEXICAL, features::FIRST_ENC));
        const { assert!(ENCODER_PARAPHRASE_THRESHOLD > 0.0 && ENCODER_PARAPHRASE_THRESHOLD < 1.0) };
    }

    #[test]
    fn builtin_idf_is_loaded() {
        let idf = Idf::builtin();
        assert!(idf.documents > 10_000, "{}", idf.documents);
        assert!(idf.df.len() > 10_000);
        assert!(idf.weight("the") < idf.weight("profit"));
    }
}
