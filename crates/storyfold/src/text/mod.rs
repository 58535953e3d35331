//! Text preparation: normalization, boilerplate removal, sentence segmentation and word
//! tokenization.
//!
//! The usual pipeline for an article body is
//! [`strip_boilerplate`] → [`normalize()`] → [`for_each_token`] (see [`prepare`]), while
//! [`sentences`] runs on the raw (boilerplate-stripped) text, because it needs case and line
//! breaks.
//!
//! Each step's exact rules are documented in its submodule: [`normalize`](mod@normalize),
//! [`boilerplate`], [`segment`], [`tokenize`].

pub mod boilerplate;
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

/// Position of the first non-ASCII byte of `b`, checked a machine word at a time.
#[inline]
pub(crate) fn first_non_ascii(b: &[u8]) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while let Some(word) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        if w & HIGH != 0 {
            return Some(i + ((w & HIGH).trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b[i..].iter().position(|c| !c.is_ascii()).map(|p| i + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_non_ascii_finds_the_first_high_byte() {
        assert_eq!(first_non_ascii(b""), None);
        assert_eq!(
            first_non_ascii(b"plain ascii text, longer than a word"),
            None
        );
        for len in 0..20 {
            for pos in 0..len {
                let mut v = vec![b'a'; len];
                v[pos] = 0xC3;
                if pos + 1 < len {
                    v[pos + 1] = 0x80;
                }
                assert_eq!(first_non_ascii(&v), Some(pos), "len {len} pos {pos}");
            }
        }
    }

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
