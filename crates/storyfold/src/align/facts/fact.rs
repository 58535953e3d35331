//! The facts of a sentence: their kinds ([`FactKind`]), normalized values ([`Value`]), where
//! they were written ([`Fact`]), and a fact that differs between two sentences
//! ([`Disagreement`]).

use std::ops::Range;

/// Kind of a fact value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    /// A plain number or count.
    Number,
    /// A percentage or proportion.
    Percent,
    /// A money amount.
    Money,
    /// A date or time.
    Date,
    /// A person, organization or place name.
    Name,
}

/// A fact that differs between two aligned sentences.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Disagreement {
    /// Index of the sentence in A.
    pub a_sentence: usize,
    /// Index of the sentence in B.
    pub b_sentence: usize,
    /// The value as written in A.
    pub a_value: String,
    /// The value as written in B.
    pub b_value: String,
    /// What kind of fact.
    pub kind: FactKind,
    /// Which pass found it: aligned sentences, or unaligned ones (same topic, quantity frames).
    pub via: Via,
    /// How likely the two values are one quantity of one event really differing, 0-1
    /// ([`prior_confidence`] for the pass that compares aligned sentences; the aligner adjusts
    /// it with the evidence of the two articles). Outputs show by default only those at or
    /// above the aligner's cut.
    pub confidence: f64,
}

/// Confidence of a disagreement between two aligned sentences before any other evidence, by
/// kind: quantities [`CONF_QUANTITY`], dates [`CONF_DATE`], names [`CONF_NAME`] (a judged
/// sample of AllSides found none of 31 name disagreements right: different names in aligned
/// sentences are far more often two ways of naming one entity, or two entities, than a
/// disagreement).
pub fn prior_confidence(kind: FactKind) -> f64 {
    match kind {
        FactKind::Number | FactKind::Percent | FactKind::Money => CONF_QUANTITY,
        FactKind::Date => CONF_DATE,
        FactKind::Name => CONF_NAME,
    }
}

/// [`prior_confidence`] of a number, percentage or money amount.
pub const CONF_QUANTITY: f64 = 0.8;
/// [`prior_confidence`] of a date.
pub const CONF_DATE: f64 = 0.6;
/// [`prior_confidence`] of a name.
pub const CONF_NAME: f64 = 0.3;

/// Which fact pass found a [`Disagreement`] (field `via` of the outputs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// Two sentences aligned to each other (`edited` or `paraphrase`).
    #[default]
    Aligned,
    /// Two unaligned sentences about the same thing (shared wording), the aligner's same-topic
    /// pass.
    SameTopic,
    /// Two unaligned sentences whose figures count the same thing in different words
    /// ([`crate::align::frames`]).
    Frame,
}

/// The normalized value of a fact.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A number, percentage (in percent) or money amount as a closed range.
    Quantity {
        /// Lower end.
        lo: f64,
        /// Upper end.
        hi: f64,
        /// Total of a proportion (`250 of 400`): the range is then of the ratio `value / total`.
        of: Option<f64>,
        /// ISO-like currency code of a money amount, when written.
        currency: Option<&'static str>,
    },
    /// A date; absent fields were not written.
    Date {
        /// Year.
        year: Option<i32>,
        /// Month 1-12.
        month: Option<u32>,
        /// Day of month 1-31.
        day: Option<u32>,
        /// Weekday 0 (Monday) - 6 (Sunday).
        weekday: Option<u32>,
    },
    /// A name: its lowercased words without titles.
    Name(Vec<String>),
}

/// A fact found in a text.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    /// What kind of fact.
    pub kind: FactKind,
    /// Byte span in the text given to [`extract`](super::extract()).
    pub span: Range<usize>,
    /// The fact as written.
    pub text: String,
    /// Its normalized value.
    pub value: Value,
}
