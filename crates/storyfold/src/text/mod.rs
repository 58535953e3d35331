//! Text preparation: normalization, boilerplate removal, sentence segmentation and word
//! tokenization.
//!
//! The usual pipeline for an article body is
//! [`strip_boilerplate`] → [`normalize()`] → [`for_each_token`] (see [`prepare`]), while
//! [`sentences`] runs on the raw (boilerplate-stripped) text, because it needs case and line
//! breaks.
//!
//! Each step's exact rules are documented in its submodule: [`normalize`](mod@normalize),
//! [`boilerplate`], [`segment`], [`tokenize`]. [`lexicon`] holds the English words the
//! aligner and story clustering share (stems, stopwords, months, weekdays, number words).

mod ascii;
pub mod boilerplate;
pub mod lexicon;
pub mod normalize;
pub mod segment;
pub mod tokenize;

pub use boilerplate::*;
pub use normalize::{normalize, normalize_into};
pub use segment::*;
pub use tokenize::{for_each_token, is_bigram_script, tokens};

/// Strip boilerplate lines from `s`, then normalize it: the canonical text fingerprints are
/// computed on. Equivalent to `normalize(&strip_boilerplate(s))`.
pub fn prepare(s: &str) -> String {
    normalize(&strip_boilerplate(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepare_strips_then_normalizes() {
        let raw = "ADVERTISEMENT\nThe “Mayor” resigned — finally.\nShare this article\n";
        assert_eq!(prepare(raw), "the \"mayor\" resigned - finally.");
        assert_eq!(prepare(""), "");
    }

    #[test]
    fn pipeline_tokens() {
        let text = prepare("Don’t panic: 東京 Stocks fell 3.5%.\nRead more: Markets");
        assert_eq!(
            tokens(&text),
            ["don't", "panic", "東京", "stocks", "fell", "3.5"]
        );
    }
}
