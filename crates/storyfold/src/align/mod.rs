//! Rewrites and explanations: sentence similarity, article alignment and disagreeing facts.
//!
//! * [`sentence`]: sentences prepared once for comparison (original text, normalized text, tokens).
//! * [`similarity`]: a calibrated lexical similarity score for two sentences and the paraphrase
//!   decision.
//! * [`analysis`]: what the aligner computes once per document before comparing it.
//! * [`alignment`]: sentence-by-sentence alignment of two articles, containment both ways and
//!   the relation label of the pair.
//! * [`config`]: the aligner's thresholds and limits ([`config::AlignConfig`]) with their
//!   calibrated defaults.
//! * [`facts`]: numbers, percentages, dates, money amounts and names that differ between
//!   aligned sentences.
//! * [`frames`]: quantity frames (what each figure counts) for comparing the figures of
//!   unaligned sentences of independent reports.
//! * [`retrieve`]: corpus-scale candidate retrieval for rewrites that MinHash misses.
//! * [`templates`]: sentences an outlet repeats across its articles, learnt from the corpus and
//!   stripped before alignment.
//!
//! Each module uses only those before it in this order: [`facts`] (over
//! [`crate::text::lexicon`]), [`sentence`], [`similarity`], [`frames`], [`analysis`],
//! [`alignment`]; [`config`] uses none of them, [`retrieve`] and [`templates`] only
//! [`sentence`] (`python3 scripts/module_cycles.py` checks that no import cycle appears).

pub mod alignment;
pub mod analysis;
pub mod config;
pub mod facts;
pub mod frames;
pub mod retrieve;
pub mod sentence;
pub mod similarity;
pub mod templates;

pub use sentence::{PreparedDoc, Sentence};
