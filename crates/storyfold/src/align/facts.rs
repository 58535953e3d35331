//! Disagreeing facts (PLACEHOLDER: the alignment engineer replaces the body; the public
//! signatures are final).

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
}
