//! The lexer of fact extraction: a text as numbers (with their decimals), words (with their
//! lowercase forms in one buffer), currency and percent symbols and other punctuation
//! ([`lex`]), and the [`Parser`] cursor the extraction rules read it with. Abbreviations keep
//! their period (`Jan.`, `Mr.`, `U.S.`); clock times and scores (`02:19`) are one punctuation
//! lexeme, not numbers.

use std::ops::Range;

use crate::text::lexicon::{month_of, weekday_of};

/// Kind of a lexeme.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Tok {
    /// Digits, with the number of decimals written.
    Num(f64, u32),
    /// A word (letters, possibly with inner `-`, `'` or `.`): its text is the lexeme's span,
    /// its lowercase form [`Lexeme::lower`].
    Word,
    /// A symbol: `$ £ € ¥ %`.
    Sym(char),
    /// Any other punctuation.
    Punct(char),
}

/// One token of a text, with where it is.
#[derive(Clone, Debug)]
pub(super) struct Lexeme {
    pub(super) tok: Tok,
    /// Byte span in the text.
    pub(super) span: Range<usize>,
    /// Whether whitespace comes right before this lexeme (or it starts the text).
    pub(super) spaced: bool,
    /// Byte range of a word's lowercase form in the buffer [`lex`] returns (empty otherwise).
    lower: Range<usize>,
}

/// The lexemes of a text and one buffer holding the lowercase form of every word (each word's
/// [`str::to_lowercase`], one after the other), so that lexing allocates no string per word.
pub(super) fn lex(s: &str) -> (Vec<Lexeme>, String) {
    if s.is_ascii() {
        lex_chars(s, &AsciiChars(s.as_bytes()))
    } else {
        lex_chars(s, &DecodedChars(s.char_indices().collect()))
    }
}

/// The chars of a text by index, with their byte offsets: the lexer looks a few chars ahead.
trait CharSeq {
    /// Number of chars.
    fn len(&self) -> usize;
    /// Char `k`, if there is one.
    fn get(&self, k: usize) -> Option<char>;
    /// Byte offset of char `k`, or `None` past the end.
    fn offset(&self, k: usize) -> Option<usize>;
}

/// An ASCII text: each byte is a char, at its own offset (no decoding, no copy).
struct AsciiChars<'a>(&'a [u8]);

impl CharSeq for AsciiChars<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn get(&self, k: usize) -> Option<char> {
        self.0.get(k).map(|&b| char::from(b))
    }
    fn offset(&self, k: usize) -> Option<usize> {
        (k < self.0.len()).then_some(k)
    }
}

/// Any other text: its chars decoded once, with their offsets.
struct DecodedChars(Vec<(usize, char)>);

impl CharSeq for DecodedChars {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn get(&self, k: usize) -> Option<char> {
        self.0.get(k).map(|c| c.1)
    }
    fn offset(&self, k: usize) -> Option<usize> {
        self.0.get(k).map(|c| c.0)
    }
}

/// [`lex`] of `s`, whose chars are `chars`.
fn lex_chars(s: &str, chars: &impl CharSeq) -> (Vec<Lexeme>, String) {
    let end_of = |k: usize| chars.offset(k).unwrap_or(s.len());
    // News sentences average more than 4 bytes per lexeme.
    let mut out = Vec::with_capacity(s.len() / 4 + 1);
    let mut lower = String::with_capacity(s.len());
    let mut k = 0;
    let mut spaced = true;
    while k < chars.len() {
        let (Some(start), Some(c)) = (chars.offset(k), chars.get(k)) else {
            break;
        };
        if c.is_whitespace() {
            spaced = true;
            k += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let mut j = k;
            let mut decimals = 0u32;
            let mut seen_dot = false;
            let mut separators = false;
            while j < chars.len() {
                let Some(ch) = chars.get(j) else { break };
                if ch.is_ascii_digit() {
                    if seen_dot {
                        decimals += 1;
                    }
                    j += 1;
                } else if (ch == ',' || ch == '.')
                    && chars.get(j + 1).is_some_and(|x| x.is_ascii_digit())
                {
                    if ch == '.' {
                        if seen_dot {
                            break;
                        }
                        seen_dot = true;
                    } else {
                        // A thousands separator must be followed by exactly 3 digits.
                        let three = (1..=3)
                            .all(|d| chars.get(j + d).is_some_and(|x| x.is_ascii_digit()))
                            && !chars.get(j + 4).is_some_and(|x| x.is_ascii_digit());
                        if !three || seen_dot {
                            break;
                        }
                        separators = true;
                    }
                    j += 1;
                } else {
                    break;
                }
            }
            // Clock times and scores ("02:19", "3:1") are not quantities.
            if chars.get(j).is_some_and(|x| x == ':')
                && chars.get(j + 1).is_some_and(|x| x.is_ascii_digit())
            {
                j += 1;
                while chars.get(j).is_some_and(|x| x.is_ascii_digit() || x == ':') {
                    j += 1;
                }
                out.push(Lexeme {
                    tok: Tok::Punct(':'),
                    span: start..end_of(j),
                    spaced,
                    lower: 0..0,
                });
                spaced = false;
                k = j;
                continue;
            }
            // The digits and the decimal point as written, without thousands separators.
            let written = &s[start..end_of(j)];
            let value = if separators {
                written.replace(',', "").parse::<f64>()
            } else {
                written.parse::<f64>()
            }
            .unwrap_or(0.0);
            out.push(Lexeme {
                tok: Tok::Num(value, decimals),
                span: start..end_of(j),
                spaced,
                lower: 0..0,
            });
            spaced = false;
            k = j;
            continue;
        }
        if c.is_alphabetic() {
            let mut j = k + 1;
            while j < chars.len() {
                let Some(ch) = chars.get(j) else { break };
                if ch.is_alphabetic()
                    || (matches!(ch, '-' | '\'' | '’' | '.')
                        && chars.get(j + 1).is_some_and(|x| x.is_alphabetic()))
                {
                    j += 1;
                } else {
                    break;
                }
            }
            // Keep a trailing '.' of abbreviations such as "Jan." or "U.S." in the word.
            let mut word_end = j;
            if chars.get(j).is_some_and(|x| x == '.') && is_abbreviation(&s[start..end_of(j)]) {
                word_end = j + 1;
            }
            let span = start..end_of(word_end);
            let w = &s[span.clone()];
            let from = lower.len();
            if w.is_ascii() {
                lower.push_str(w);
                lower[from..].make_ascii_lowercase();
            } else {
                lower.push_str(&w.to_lowercase());
            }
            out.push(Lexeme {
                tok: Tok::Word,
                span,
                spaced,
                lower: from..lower.len(),
            });
            spaced = false;
            k = word_end;
            continue;
        }
        let tok = if matches!(c, '$' | '£' | '€' | '¥' | '%') {
            Tok::Sym(c)
        } else {
            Tok::Punct(c)
        };
        out.push(Lexeme {
            tok,
            span: start..end_of(k + 1),
            spaced,
            lower: 0..0,
        });
        spaced = false;
        k += 1;
    }
    (out, lower)
}

/// Whether a word followed by `.` is an abbreviation that keeps it (`Jan.`, `Mr.`, `U.S.`).
fn is_abbreviation(w: &str) -> bool {
    // Every abbreviation has at most 4 letters: an ASCII word is lowercased on the stack.
    if w.is_ascii() {
        if w.len() > 4 {
            return false;
        }
        let mut buf = [0u8; 4];
        buf[..w.len()].copy_from_slice(w.as_bytes());
        buf.make_ascii_lowercase();
        return std::str::from_utf8(&buf[..w.len()]).is_ok_and(is_lower_abbreviation);
    }
    is_lower_abbreviation(&w.to_lowercase())
}

/// [`is_abbreviation`] of a lowercase word.
fn is_lower_abbreviation(l: &str) -> bool {
    (l.len() <= 4 && (month_of(l).is_some() || weekday_of(l).is_some()))
        || matches!(
            l,
            "mr" | "mrs"
                | "ms"
                | "dr"
                | "prof"
                | "gen"
                | "sen"
                | "rep"
                | "gov"
                | "st"
                | "u.s"
                | "u.k"
                | "u.n"
                | "e.u"
        )
}

/// The lexemes of a text, looked at by the quantity, date and name rules (each adds its own
/// methods: [`super::quantity`], [`super::dates`]; [`super::names`] reads it).
pub(super) struct Parser<'a> {
    /// The text.
    pub(super) s: &'a str,
    /// Its lexemes.
    pub(super) lx: Vec<Lexeme>,
    /// Lowercase form of each word lexeme (slices of the buffer of [`lex`]).
    lower: Vec<Option<&'a str>>,
}

impl<'a> Parser<'a> {
    /// The parser of `s`, lexed into `lx` with the lowercase words in `lower` ([`lex`]).
    pub(super) fn new(s: &'a str, lx: Vec<Lexeme>, lower: &'a str) -> Self {
        let lower = lx
            .iter()
            .map(|l| match l.tok {
                Tok::Word => lower.get(l.lower.clone()),
                _ => None,
            })
            .collect();
        Parser { s, lx, lower }
    }

    /// The lowercase form of lexeme `i` if it is a word.
    pub(super) fn word(&self, i: usize) -> Option<&'a str> {
        self.lower.get(i).copied().flatten()
    }

    /// Lexeme `i` as written.
    pub(super) fn text(&self, i: usize) -> &'a str {
        &self.s[self.lx[i].span.clone()]
    }

    /// Whether lexeme `i` is the punctuation `c`.
    pub(super) fn is_punct(&self, i: usize, c: char) -> bool {
        matches!(self.lx.get(i), Some(Lexeme { tok: Tok::Punct(p), .. }) if *p == c)
    }

    /// The byte span and the text of lexemes `from..to`.
    pub(super) fn span_text(&self, from: usize, to: usize) -> (Range<usize>, String) {
        let start = self.lx[from].span.start;
        let end = self.lx[to - 1].span.end;
        (start..end, self.s[start..end].to_string())
    }
}
