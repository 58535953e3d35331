//! Sentences prepared once for comparison.
//!
//! A [`PreparedDoc`] holds the boilerplate-stripped text of an article and its sentences
//! ([`crate::text::sentences`]); each [`Sentence`] keeps its original text (for display and for
//! case-sensitive evidence such as capitalized names), its normalized text
//! ([`crate::text::normalize`]) and the tokens of the normalized text ([`crate::text::tokens`]).
//! What the fact passes of the aligner need of a sentence ([`SentenceFacts`]) is computed the
//! first time it is asked for and kept: a member of a story is aligned with many others.

use std::ops::Range;
use std::sync::OnceLock;

use super::alignment::is_stopword;
use super::facts::{self, Fact, FactKind};
use super::frames::{self, Frame};
use crate::text;

/// Fact kinds the aligner's second fact pass compares (numbers, percentages, money, dates);
/// [`SentenceFacts::kinds`] is a bit set over this list.
pub const QUANTITY_KINDS: [FactKind; 4] = [
    FactKind::Number,
    FactKind::Percent,
    FactKind::Money,
    FactKind::Date,
];

/// The facts of a sentence and its content words outside the quantities.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SentenceFacts {
    /// Every fact of the sentence ([`facts::extract`]).
    pub facts: Vec<Fact>,
    /// Bit set of the [`QUANTITY_KINDS`] present.
    pub kinds: u8,
    /// Normalized tokens of the sentence with its quantities blanked out, without stopwords,
    /// digits and number words.
    pub content: Vec<String>,
}

impl SentenceFacts {
    /// The facts of a sentence and its content words. A sentence without quantities has
    /// nothing to blank out: its content words come from its own tokens, which are those of
    /// the same normalized text.
    fn of(sentence: &Sentence) -> Self {
        let text = &sentence.text;
        let facts = facts::extract(text);
        let mut kinds = 0u8;
        let mut rest = None;
        for f in &facts {
            let Some(k) = QUANTITY_KINDS.iter().position(|&k| k == f.kind) else {
                continue;
            };
            kinds |= 1 << k;
            let rest = rest.get_or_insert_with(|| text.clone());
            if let Some(part) = rest.get_mut(f.span.clone()) {
                // Blank the fact (spans are on char boundaries of the same text).
                let blank = " ".repeat(part.len());
                rest.replace_range(f.span.clone(), &blank);
            }
        }
        let content = match rest {
            Some(rest) => content_words(text::tokens(&text::normalize(&rest)).into_iter()),
            None => content_words(sentence.tokens.iter().map(String::as_str)),
        };
        SentenceFacts {
            facts,
            kinds,
            content,
        }
    }
}

/// The content words among some tokens: without stopwords, digits and number words.
fn content_words<'t>(tokens: impl ExactSizeIterator<Item = &'t str>) -> Vec<String> {
    let mut out = Vec::with_capacity(tokens.len());
    out.extend(
        tokens
            .filter(|t| {
                !is_stopword(t)
                    && !t.chars().any(|c| c.is_ascii_digit())
                    && !facts::is_number_word(t)
            })
            .map(str::to_owned),
    );
    out
}

/// A value computed once and kept; not part of equality (it is derived from the rest).
#[derive(Clone, Debug, Default)]
struct Cached<T>(OnceLock<T>);

impl<T> PartialEq for Cached<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// One sentence of an article, ready for comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Sentence {
    /// Byte span in [`PreparedDoc::text`] (or in the string given to [`Sentence::new`]).
    pub range: Range<usize>,
    /// The sentence as written.
    pub text: String,
    /// Normalized form.
    pub norm: String,
    /// Tokens of the normalized form.
    pub tokens: Vec<String>,
    /// [`Sentence::facts`], once computed.
    analysis: Cached<SentenceFacts>,
    /// [`Sentence::frames`], once computed.
    frames: Cached<Vec<Frame>>,
}

impl Sentence {
    /// Prepare a standalone sentence.
    pub fn new(s: &str) -> Self {
        Self::at(s, 0..s.len())
    }

    fn at(doc: &str, range: Range<usize>) -> Self {
        let text = doc[range.clone()].to_string();
        let norm = text::normalize(&text);
        let tokens = text::tokens(&norm).into_iter().map(str::to_owned).collect();
        Sentence {
            range,
            text,
            norm,
            tokens,
            analysis: Cached::default(),
            frames: Cached::default(),
        }
    }

    /// The facts of the sentence and its content words outside the quantities (computed on
    /// first use, then kept).
    pub fn facts(&self) -> &SentenceFacts {
        self.analysis.0.get_or_init(|| SentenceFacts::of(self))
    }

    /// The quantity frames of the sentence ([`frames::frames_of`], computed on first use, then
    /// kept).
    pub fn frames(&self) -> &[Frame] {
        self.frames
            .0
            .get_or_init(|| frames::frames_of(&self.text, &self.facts().facts))
    }

    /// Whether the sentence has no tokens (punctuation only).
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}

/// An article split into prepared sentences.
#[derive(Clone, Debug, PartialEq)]
pub struct PreparedDoc {
    /// The boilerplate-stripped text the sentence spans point into.
    pub text: String,
    /// Sentences in order; sentences without any token are left out.
    pub sentences: Vec<Sentence>,
}

impl PreparedDoc {
    /// Strip boilerplate, split into sentences and prepare each.
    pub fn new(text: &str) -> Self {
        let stripped = text::strip_boilerplate(text).into_owned();
        let sentences = text::sentences(&stripped)
            .into_iter()
            .map(|r| Sentence::at(&stripped, r))
            .filter(|s| !s.is_empty())
            .collect();
        PreparedDoc {
            text: stripped,
            sentences,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_normalizes() {
        let doc = PreparedDoc::new("The U.S. said “yes”. Mr. Smith LEFT.\n***\nShare this article");
        assert_eq!(doc.sentences.len(), 2);
        assert_eq!(doc.sentences[0].norm, "the u.s. said \"yes\".");
        assert_eq!(doc.sentences[1].tokens, vec!["mr", "smith", "left"]);
        assert_eq!(&doc.text[doc.sentences[1].range.clone()], "Mr. Smith LEFT.");
    }
}
