//! The thresholds and limits of the aligner ([`super::alignment`]) in one type,
//! [`AlignConfig`], whose [`Default`] holds the calibrated values, and its validation.

/// The thresholds and limits an [`Aligner`](super::alignment::Aligner) works with (see the
/// [alignment docs](super::alignment) for the stage or rule each belongs to). The defaults are
/// the calibrated values; [`AlignConfig::validate`] checks a changed configuration, and
/// [`Aligner::with_config`](super::alignment::Aligner::with_config) takes only a valid one.
#[derive(Clone, Debug, PartialEq)]
pub struct AlignConfig {
    /// Token edit similarity at or above which a pair is `edited` (default 0.8).
    pub edited_min: f64,
    /// Token edit similarity at or above which a pair differing only in numbers and names is
    /// `edited` (default 0.6).
    pub edited_fact_min: f64,
    /// Share of B's tokens (and of their IDF weight) found in order in an A sentence at or
    /// above which B is a copied fragment of A (`edited`); also the share of A's tokens found
    /// in order in B (with at least half of B) for a copy with insertions (default 0.8).
    pub cut_min: f64,
    /// Fewest tokens of a copied fragment, and fewest tokens both sentences must have for the
    /// fragment rule (default 5).
    pub cut_min_tokens: usize,
    /// IDF-weighted token Dice at or above which a paraphrase may be matched out of order
    /// (default 0.5).
    pub moved_dice_min: f64,
    /// Weighted token containment at or above which a B sentence is taken as a split of an A
    /// one (default 0.8).
    pub split_containment_min: f64,
    /// Shingle Jaccard at or above which a pair is `near_duplicate` (default 0.8).
    pub near_duplicate_min: f64,
    /// Larger containment at or above which a pair is a `rewrite` (default 0.3: calibrated on
    /// the Clough & Stevenson corpus, `scripts/eval_clough.sh`, as the lowest threshold with no
    /// independent answer above it; recall of reused answers 0.84 there).
    pub rewrite_min: f64,
    /// Key-term overlap at or above which a pair is the `same_story` (default 0.2: calibrated
    /// on ECB+ topics 1-35, `scripts/eval_same_story.py`, as the best F1 of same-cluster pairs
    /// against twin-cluster and other-topic pairs among 0.1, 0.2, ..., 0.5).
    pub same_story_min: f64,
    /// Shared key terms needed for `same_story` (default 3).
    pub same_story_min_shared: usize,
    /// Fewest sentences of the derived side of a paraphrased rewrite: a one-line summary that
    /// names the same people and day is no evidence of derivation (default 3).
    pub provenance_min_sentences: usize,
    /// Fewest facts the derived side of a paraphrased rewrite must state (default 3).
    pub provenance_min_facts: usize,
    /// Smallest IDF-weighted share of the derived side's content-word stems found in the
    /// other for a paraphrased rewrite (default 0.3).
    pub provenance_min_content: f64,
    /// Smallest IDF-weighted share of the source's content-word stems found in the derived
    /// side for a paraphrased rewrite: a rewrite retells a good part of its source, while a
    /// short report set against a long feature finds its few facts there by chance (default
    /// 0.2).
    pub provenance_min_cover: f64,
    /// Content overlap (IDF-weighted Dice of word stems outside the facts) at or above which
    /// two sentences not aligned to each other but sharing a fact kind are about the same
    /// thing (default 0.2).
    pub same_topic_min: f64,
    /// Characters of a word kept as its stem
    /// ([`prefix_stem`](crate::text::lexicon::prefix_stem)) in the content overlaps, the
    /// same-topic pass and the frame pass (default 5).
    pub stem_chars: usize,
    /// Largest sentence grid (|A| x |B|) aligned by dynamic programming; larger pairs are
    /// matched greedily, best pairs first, so that untrusted input cannot exhaust memory
    /// (default 4,000,000).
    pub max_grid_cells: usize,
    /// Largest token grid of one sentence pair for the edit and LCS measures; longer pairs are
    /// judged by the similarity score alone (default 250,000: two sentences of 500 tokens, far
    /// above any sentence of news; the bit-parallel measures then take 8 words per token of
    /// the longer side).
    pub max_token_cells: usize,
    /// Most candidate counterparts in A scored for one sentence of B (default 1,000). Over it, the
    /// candidates sharing the most content tokens, then the most tokens, then nearest to the
    /// sentence's proportional place in A (`b x |A| / |B|`), then first in A are kept; the
    /// same for the A sentences whose normalized text equals B's (kept: those nearest to that
    /// place). A short sentence of news ("He said.") passes the candidate filter against many
    /// sentences of a long article (up to 743 pairs scored in one pair of 5,000 AllSides
    /// articles; 32 cut some): the limit is above the sentences of any news article (at most
    /// 450 there). A document of one template repeated passes it against every sentence, which
    /// made the candidate lists, and the time, grow with `|A| x |B|`; the work limit below
    /// bounds them then, well before this one.
    pub max_candidates: usize,
    /// Most work of the candidate stage per alignment (default 20,000,000, under a second on
    /// one core of this machine): entries of A's token index visited, plus the tokens of both
    /// sentences of every pair scored and 16 per pair. Each B sentence may use the work left divided by the B sentences
    /// left (an even share, with what earlier ones left unused); a sentence whose tokens
    /// index more entries than its share visits its rarest tokens first and, of the commoner
    /// ones, the entries nearest its proportional place in A; a pair over what is left of the
    /// share is not scored. News pairs use a few thousand units per sentence (at most 162,899
    /// for a pair among the 3,404 related pairs of 5,000 AllSides articles).
    pub max_candidate_work: usize,
    /// Most work of the fact passes per alignment (default 20,000,000): for the first pass,
    /// `(facts of both + 1) x (bytes of both) + facts of one x facts of the other + tokens of
    /// one x tokens of the other (at most 1,000,000)` per aligned sentence pair compared, an
    /// upper estimate of [`facts::compare_facts`](super::facts::compare_facts)' work; for the
    /// same-topic pass also the index entries visited and the stems of each pair overlapped;
    /// for the frame pass the frame pairs. Pairs past it are not compared (in B's order; the
    /// same-topic pass: the sentence's rarest stems first). A news pair uses some thousands per
    /// sentence pair (at most 1,304,608 for a pair of the AllSides sample above).
    pub max_fact_work: usize,
    /// Words per shingle for the near-duplicate test and the shingle overlaps (default 5).
    pub shingle_ngram: usize,
}

impl Default for AlignConfig {
    fn default() -> Self {
        AlignConfig {
            edited_min: 0.8,
            edited_fact_min: 0.6,
            cut_min: 0.8,
            cut_min_tokens: 5,
            moved_dice_min: 0.5,
            split_containment_min: 0.8,
            near_duplicate_min: 0.8,
            rewrite_min: 0.3,
            same_story_min: 0.2,
            same_story_min_shared: 3,
            provenance_min_sentences: 3,
            provenance_min_facts: 3,
            provenance_min_content: 0.3,
            provenance_min_cover: 0.2,
            same_topic_min: 0.2,
            stem_chars: 5,
            max_grid_cells: 4_000_000,
            max_token_cells: 250_000,
            max_candidates: 1000,
            max_candidate_work: 20_000_000,
            max_fact_work: 20_000_000,
            shingle_ngram: 5,
        }
    }
}

/// Why an [`AlignConfig`] is not valid.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum AlignConfigError {
    /// A share, overlap or similarity threshold outside `[0, 1]` (or not a number).
    #[error("align config: {field} must be between 0 and 1, got {value}")]
    NotAShare {
        /// The field's name.
        field: &'static str,
        /// Its value.
        value: f64,
    },
    /// A length that must be at least 1.
    #[error("align config: {field} must be at least 1")]
    Zero {
        /// The field's name.
        field: &'static str,
    },
}

impl AlignConfig {
    /// Checks that every threshold is a share in `[0, 1]` and that stems and shingles have at
    /// least one character or word. Counts and grid limits may be anything (0 turns the rule
    /// or the grid off).
    pub fn validate(&self) -> Result<(), AlignConfigError> {
        let shares = [
            ("edited_min", self.edited_min),
            ("edited_fact_min", self.edited_fact_min),
            ("cut_min", self.cut_min),
            ("moved_dice_min", self.moved_dice_min),
            ("split_containment_min", self.split_containment_min),
            ("near_duplicate_min", self.near_duplicate_min),
            ("rewrite_min", self.rewrite_min),
            ("same_story_min", self.same_story_min),
            ("provenance_min_content", self.provenance_min_content),
            ("provenance_min_cover", self.provenance_min_cover),
            ("same_topic_min", self.same_topic_min),
        ];
        if let Some(&(field, value)) = shares.iter().find(|s| !(0.0..=1.0).contains(&s.1)) {
            return Err(AlignConfigError::NotAShare { field, value });
        }
        for (field, value) in [
            ("stem_chars", self.stem_chars),
            ("shingle_ngram", self.shingle_ngram),
        ] {
            if value == 0 {
                return Err(AlignConfigError::Zero { field });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid() {
        assert_eq!(AlignConfig::default().validate(), Ok(()));
    }

    #[test]
    fn shares_outside_the_unit_range_and_empty_stems_are_refused() {
        let bad = AlignConfig {
            rewrite_min: 1.5,
            ..AlignConfig::default()
        };
        assert_eq!(
            bad.validate(),
            Err(AlignConfigError::NotAShare {
                field: "rewrite_min",
                value: 1.5
            })
        );
        let nan = AlignConfig {
            same_topic_min: f64::NAN,
            ..AlignConfig::default()
        };
        assert!(matches!(
            nan.validate(),
            Err(AlignConfigError::NotAShare {
                field: "same_topic_min",
                ..
            })
        ));
        let empty = AlignConfig {
            stem_chars: 0,
            ..AlignConfig::default()
        };
        assert_eq!(
            empty.validate(),
            Err(AlignConfigError::Zero {
                field: "stem_chars"
            })
        );
        assert_eq!(
            empty.validate().unwrap_err().to_string(),
            "align config: stem_chars must be at least 1"
        );
    }
}
