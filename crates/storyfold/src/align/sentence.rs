//! Sentences prepared once for comparison.
//!
//! A [`PreparedDoc`] holds the boilerplate-stripped text of an article and its sentences
//! ([`crate::text::sentences`]); each [`Sentence`] keeps its original text (for display and for
//! case-sensitive evidence such as capitalized names), its normalized text
//! ([`crate::text::normalize`]) and the tokens of the normalized text ([`crate::text::tokens`]).

use std::ops::Range;

use crate::text;

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
        }
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
