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

use super::facts::{self, Fact, FactKind};
use crate::text;
use crate::text::lexicon::{is_number_word, is_stopword};

/// Fact kinds the aligner's second fact pass compares (numbers, percentages, money, dates);
/// [`SentenceFacts::kinds`] is a bit set over this list.
pub const QUANTITY_KINDS: [FactKind; 4] = [
    FactKind::Number,
    FactKind::Percent,
    FactKind::Money,
    FactKind::Date,
];

/// Most facts kept of one sentence (the first ones): the fact passes compare every fact of a
/// sentence with every fact of the other of a pair, and look each name up in the other text.
/// A sentence of news states a handful; a table or list run together without a full stop some
/// dozens; a text of figures without a full stop could state hundreds of thousands.
pub const MAX_SENTENCE_FACTS: usize = 256;

/// Longest part of a sentence whose facts are extracted (bytes; the first ones, to a character
/// boundary): the fact lexer holds some 60 bytes per word of what it reads, and a sentence of
/// news is a few hundred bytes long. A "sentence" of megabytes (a text without a full stop)
/// keeps the facts of its first 64 KiB.
pub const MAX_FACT_TEXT_BYTES: usize = 1 << 16;

pub use crate::text::MAX_DOC_SENTENCES;

/// The facts of a sentence and its content words outside the quantities.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SentenceFacts {
    /// The facts of the sentence ([`facts::extract`]), the first [`MAX_SENTENCE_FACTS`].
    pub facts: Vec<Fact>,
    /// Whether facts were left out: past [`MAX_SENTENCE_FACTS`], or past
    /// [`MAX_FACT_TEXT_BYTES`] of the text.
    pub truncated: bool,
    /// Bit set of the [`QUANTITY_KINDS`] present.
    pub kinds: u8,
    /// Normalized tokens of the sentence with its quantities blanked out, without stopwords,
    /// digits and number words ([`Sentence::content_words`]).
    content: Content,
}

/// Where the content words of a sentence are, without one `String` per word (this is
/// computed for every sentence of every story member).
#[derive(Clone, Debug, PartialEq)]
enum Content {
    /// A sentence without quantities: indices of its own tokens.
    Tokens(Vec<u32>),
    /// A sentence with quantities: the tokens of its text with the quantities blanked out,
    /// as spans of one buffer.
    Blanked {
        words: String,
        spans: Vec<(u32, u32)>,
    },
}

impl Default for Content {
    fn default() -> Self {
        Content::Tokens(Vec::new())
    }
}

impl SentenceFacts {
    /// The facts of a sentence and its content words. A sentence without quantities has
    /// nothing to blank out: its content words are its own tokens, which are those of the
    /// same normalized text.
    fn of(sentence: &Sentence) -> Self {
        let text = &sentence.text;
        let mut read = text.len().min(MAX_FACT_TEXT_BYTES);
        while !text.is_char_boundary(read) {
            read -= 1;
        }
        let mut facts = facts::extract(&text[..read]);
        let truncated = facts.len() > MAX_SENTENCE_FACTS || read < text.len();
        facts.truncate(MAX_SENTENCE_FACTS);
        let mut kinds = 0u8;
        let mut rest: Option<Vec<u8>> = None;
        for f in &facts {
            let Some(k) = QUANTITY_KINDS.iter().position(|&k| k == f.kind) else {
                continue;
            };
            kinds |= 1 << k;
            let rest = rest.get_or_insert_with(|| text.as_bytes().to_vec());
            if text.get(f.span.clone()).is_some() {
                // Blank the fact (whole characters, so the bytes stay UTF-8).
                rest[f.span.clone()].fill(b' ');
            }
        }
        let content = match rest {
            Some(rest) => {
                let rest = String::from_utf8_lossy(&rest);
                let norm = text::normalize(&rest);
                let (mut words, mut spans) = (String::new(), Vec::new());
                for t in text::tokens(&norm) {
                    if is_content_word(t) {
                        spans.push((words.len() as u32, (words.len() + t.len()) as u32));
                        words.push_str(t);
                    }
                }
                Content::Blanked { words, spans }
            }
            None => Content::Tokens(
                (sentence.tokens.iter().enumerate())
                    .filter(|(_, t)| is_content_word(t))
                    .map(|(i, _)| i as u32)
                    .collect(),
            ),
        };
        SentenceFacts {
            facts,
            truncated,
            kinds,
            content,
        }
    }
}

/// Whether a token is a content word: not a stopword, no digit, not a number word.
fn is_content_word(t: &str) -> bool {
    !is_stopword(t) && !t.bytes().any(|c| c.is_ascii_digit()) && !is_number_word(t)
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
        }
    }

    /// The facts of the sentence and its content words outside the quantities (computed on
    /// first use, then kept).
    pub fn facts(&self) -> &SentenceFacts {
        self.analysis.0.get_or_init(|| SentenceFacts::of(self))
    }

    /// The content words of the sentence outside its quantities (see [`SentenceFacts`]), each
    /// with its index among [`Sentence::tokens`] when it is one of them (always, in a sentence
    /// without quantities; never, in one with quantities).
    pub fn content_words(&self) -> impl Iterator<Item = (Option<usize>, &str)> + '_ {
        let (tokens, blanked) = match &self.facts().content {
            Content::Tokens(ix) => (&ix[..], None),
            Content::Blanked { words, spans } => (&[][..], Some((words, spans))),
        };
        let own = tokens
            .iter()
            .map(|&i| (Some(i as usize), self.tokens[i as usize].as_str()));
        let blanked = blanked.into_iter().flat_map(|(words, spans)| {
            spans
                .iter()
                .map(move |&(a, b)| (None, &words[a as usize..b as usize]))
        });
        own.chain(blanked)
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
    /// Sentences in order; sentences without any token are left out, and those past the
    /// first [`MAX_DOC_SENTENCES`].
    pub sentences: Vec<Sentence>,
    /// Whether sentences past [`MAX_DOC_SENTENCES`] were left out.
    pub truncated: bool,
}

impl PreparedDoc {
    /// Strip boilerplate, split into sentences and prepare each.
    pub fn new(text: &str) -> Self {
        let stripped = text::strip_boilerplate(text).into_owned();
        let mut sentences = text::sentences(&stripped)
            .into_iter()
            .map(|r| Sentence::at(&stripped, r))
            .filter(|s| !s.is_empty());
        let kept: Vec<Sentence> = sentences.by_ref().take(MAX_DOC_SENTENCES).collect();
        let truncated = sentences.next().is_some();
        PreparedDoc {
            text: stripped,
            sentences: kept,
            truncated,
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

    #[test]
    fn content_words_leave_out_quantities_stopwords_and_numbers() {
        // Without quantities: the sentence's own tokens, by index.
        let s = Sentence::new("The mayor of Springfield resigned and left the city.");
        let words: Vec<(Option<usize>, &str)> = s.content_words().collect();
        assert_eq!(
            words.iter().map(|w| w.1).collect::<Vec<_>>(),
            ["mayor", "springfield", "resigned", "left", "city"]
        );
        for (i, w) in &words {
            assert_eq!(s.tokens[i.expect("a token index")], *w);
        }
        assert_eq!(s.facts().kinds, 0);
        // With quantities: the words of the text with the quantities blanked out.
        let s = Sentence::new("Turnout rose to 85 percent, up from 62% in 2019, officials said.");
        assert_ne!(s.facts().kinds, 0);
        let words: Vec<(Option<usize>, &str)> = s.content_words().collect();
        assert!(words.iter().all(|w| w.0.is_none()));
        assert_eq!(
            words.iter().map(|w| w.1).collect::<Vec<_>>(),
            ["turnout", "rose", "officials"]
        );
    }
}
