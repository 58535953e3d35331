//! Sentence segmentation for news text.
//!
//! [`sentences`] works on raw (not normalized) text, because it needs capitalization and line
//! breaks, and returns byte spans into that text:
//!
//! 1. **Unicode sentence boundaries** (UAX #29), computed by [`sentence_bound_indices`]. UAX #29
//!    already keeps decimals (`3.5`) and abbreviations followed by a lowercase word (`5 p.m. on`,
//!    `U.S. said`) inside one sentence.
//! 2. **Line breaks always end a sentence** (`\n`, `\r`, `U+0085`, `U+2028`, `U+2029`): a line
//!    is treated as a paragraph, and a sentence never spans two lines.
//! 3. **Re-joining after abbreviations**, where UAX #29 split because a capitalized word follows:
//!    * after a *title, month or reference abbreviation* that almost always precedes a name or a
//!      number ([`LEADING_ABBREVIATIONS`]: `Mr.`, `Mrs.`, `Ms.`, `Dr.`, `Prof.`, `Gen.`, `Gov.`,
//!      `Sen.`, `Rep.`, `Jan.`, `Feb.`, `Mar.`, `Apr.`, `Aug.`, `Sept.`, `Oct.`, `Nov.`, `Dec.`,
//!      `No.`, `vs.`, ...), the split is always undone;
//!    * after an abbreviation that can also end a sentence ([`TRAILING_ABBREVIATIONS`]: `Inc.`,
//!      `Corp.`, `Ltd.`, `Co.`, `Jr.`, `Sr.`, `St.`, `etc.`, ...), after any dotted acronym
//!      (`U.S.`, `U.K.`, `U.N.`, `a.m.`, `p.m.`, `e.g.`, `D.C.`, `Ph.D.`) and after a single
//!      capital initial (`J.`), the split is undone unless the next piece starts with a common
//!      sentence-opening word ([`SENTENCE_STARTERS`]: `The`, `He`, `She`, `It`, `But`, ...).
//!      So `in the U.S. President Biden said` is one sentence, `moved to the U.S. The company
//!      said` is two.
//!
//!    Abbreviations match case-sensitively (`No.` but not `no.`).
//! 4. Spans are **trimmed** of surrounding whitespace; empty sentences are dropped.
//!
//! ## The UAX #29 fast path
//!
//! [`sentence_bound_indices`] yields exactly the `(offset, piece)` sequence of
//! `unicode-segmentation`'s `split_sentence_bound_indices` (the rules SB1–SB998 as that crate,
//! version 1.13, implements them), an order of magnitude faster on news text (see
//! `benches/segment.rs`). It runs the rules as a state machine over bytes, with the
//! Sentence_Break categories of ASCII in a 128-entry table, and of the two non-ASCII blocks common
//! in news text, Latin-1 Supplement (U+0080–U+00FF) and the start of General Punctuation
//! (U+2000–U+203F: curly quotes, dashes, special spaces), in two more tables, all copied from that
//! crate's data. While no terminator is pending it skips every ASCII byte other than `.`, `!`,
//! `?`, CR and LF with one table lookup; SB8's look-ahead for a lowercase letter runs at most
//! once per terminator and stops at the first letter, terminator or paragraph separator, so the
//! pass is linear.
//!
//! A character outside the tables hands its **line** to `unicode-segmentation`: a paragraph
//! separator (CR, LF, CRLF, `U+0085`, `U+2028`, `U+2029`) always ends a piece (SB4) and no rule
//! looks back or ahead across one, so a line's pieces depend on that line alone. The pieces
//! found so far in the line are dropped, the library segments the line, and the machine restarts
//! after it.
//!
//! The unit tests check the fast path against `split_sentence_bound_indices`, kept as the oracle
//! (so they also fail if an update of that crate changes its data for the tabled characters):
//! every tabled character in 31 × 22 surrounding contexts, alone and doubled; all strings of up
//! to five characters over 14 representatives of the categories; property tests on random
//! strings rich in terminators, quotes, brackets, spaces, line breaks and non-ASCII characters
//! (tabled or not) and on arbitrary strings; and the example and test-data articles, also with
//! CRLF line ends and reduced to ASCII. [`sentences`] is compared with the same steps fed by the
//! library's pieces.

use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// Abbreviations (without the final `.`) after which a sentence never ends: titles, months and
/// reference words that precede a name or a number.
pub const LEADING_ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Messrs", "Dr", "Prof", "Gen", "Gov", "Sen", "Sens", "Rep", "Reps", "Rev",
    "Hon", "Pres", "Lt", "Col", "Capt", "Cmdr", "Sgt", "Adm", "Maj", "Supt", "Det", "Insp", "Jan",
    "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "No", "Nos",
    "Vol", "Fig", "Mt", "Ft", "vs", "v",
];

/// Abbreviations (without the final `.`) that are usually followed by more of the same sentence
/// but may also end one; the split is kept when the next piece starts with a
/// [`SENTENCE_STARTERS`] word. Dotted acronyms (`U.S.`, `p.m.`) and single capital initials
/// (`J.`) are handled the same way without being listed.
pub const TRAILING_ABBREVIATIONS: &[&str] = &[
    "Inc", "Corp", "Ltd", "Co", "Cos", "Bros", "LLC", "Plc", "Jr", "Sr", "St", "Ave", "Blvd", "Rd",
    "Dept", "Univ", "approx", "est", "etc", "al",
];

/// Capitalized words that, right after an ambiguous abbreviation, indicate a new sentence.
pub const SENTENCE_STARTERS: &[&str] = &[
    "A",
    "According",
    "After",
    "Also",
    "An",
    "And",
    "As",
    "At",
    "Before",
    "But",
    "Earlier",
    "For",
    "He",
    "Her",
    "His",
    "How",
    "However",
    "I",
    "If",
    "In",
    "It",
    "Its",
    "Last",
    "Later",
    "Many",
    "Meanwhile",
    "Most",
    "No",
    "Now",
    "On",
    "Our",
    "She",
    "Since",
    "So",
    "Some",
    "Still",
    "That",
    "The",
    "Their",
    "Then",
    "There",
    "These",
    "They",
    "This",
    "Those",
    "Under",
    "We",
    "What",
    "When",
    "Where",
    "While",
    "Who",
    "Why",
    "Yet",
    "You",
];

/// How the sentence being built relates to the next piece.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Join {
    /// The next piece starts a new sentence.
    No,
    /// The next piece continues this sentence.
    Always,
    /// The next piece continues this sentence unless it opens with a sentence starter.
    UnlessStarter,
}

/// Most sentences of one document that storyfold reads past segmentation (the first ones):
/// those prepared for alignment (a prepared sentence holds its tokens, stems and facts, about a
/// kilobyte), read for event terms and hashed for the sentence index. A news article has a few
/// hundred sentences at most; ten megabytes of two-letter sentences ("Ka! Lo? ...") would be
/// 2.5 million of them and gigabytes prepared. Past the limit an alignment says `truncated`.
pub const MAX_DOC_SENTENCES: usize = 20_000;

/// Byte spans into `s` of its sentences, trimmed and non-empty, in order (see the
/// [module docs](self) for the rules).
///
/// ```
/// use storyfold::text::sentences;
/// let s = "The U.S. said Mr. Smith left at 5 p.m. on Jan. 5. He returned.";
/// let spans = sentences(s);
/// assert_eq!(spans.len(), 2);
/// assert_eq!(&s[spans[1].clone()], "He returned.");
/// ```
pub fn sentences(s: &str) -> Vec<Range<usize>> {
    sentences_from_pieces(s, sentence_bound_indices(s))
}

/// [`sentences`] from the UAX #29 `(offset, piece)` sequence of `s`.
fn sentences_from_pieces<'a>(
    s: &'a str,
    pieces: impl Iterator<Item = (usize, &'a str)>,
) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut cur: Option<Range<usize>> = None;
    let mut join = Join::No;
    for (off, piece) in pieces {
        let ends_line = piece.ends_with(is_line_break);
        let trimmed_start = piece.trim_start();
        let text = trimmed_start.trim_end();
        if !text.is_empty() {
            let start = off + (piece.len() - trimmed_start.len());
            let end = start + text.len();
            let extend = match join {
                Join::No => false,
                Join::Always => true,
                Join::UnlessStarter => !opens_sentence(text),
            };
            cur = match cur.take() {
                Some(c) if extend => Some(c.start..end),
                previous => {
                    out.extend(previous);
                    Some(start..end)
                }
            };
            join = cur.as_ref().map_or(Join::No, |c| join_after(&s[c.clone()]));
        }
        if ends_line {
            out.extend(cur.take());
            join = Join::No;
        }
    }
    out.extend(cur);
    out
}

/// The UAX #29 sentence pieces of `s` with their byte offsets, in order: exactly what
/// `unicode_segmentation::UnicodeSegmentation::split_sentence_bound_indices` yields, computed
/// by a faster state machine (see [the module docs](self#the-uax-29-fast-path)).
///
/// ```
/// use storyfold::text::sentence_bound_indices;
/// let pieces: Vec<_> = sentence_bound_indices("It was 3.5 p.m. here. Then rain.").collect();
/// assert_eq!(pieces, [(0, "It was 3.5 p.m. here. "), (22, "Then rain.")]);
/// ```
pub fn sentence_bound_indices(s: &str) -> SentenceBoundIndices<'_> {
    let mut starts = Vec::new();
    piece_starts(s, &mut starts);
    SentenceBoundIndices { s, starts, next: 0 }
}

/// Iterator returned by [`sentence_bound_indices`].
#[derive(Debug, Clone)]
pub struct SentenceBoundIndices<'a> {
    s: &'a str,
    /// Byte offset of each piece's start.
    starts: Vec<usize>,
    /// Index into `starts` of the next piece.
    next: usize,
}

impl<'a> Iterator for SentenceBoundIndices<'a> {
    type Item = (usize, &'a str);

    #[inline]
    fn next(&mut self) -> Option<(usize, &'a str)> {
        let start = *self.starts.get(self.next)?;
        self.next += 1;
        let end = self.starts.get(self.next).copied().unwrap_or(self.s.len());
        Some((start, &self.s[start..end]))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.starts.len() - self.next;
        (n, Some(n))
    }
}

impl ExactSizeIterator for SentenceBoundIndices<'_> {}

/// Sentence_Break category of a character, as far as the fast path's tables know it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Cat {
    /// `Any` (no OLetter occurs in the tables).
    Other,
    Cr,
    Lf,
    Sep,
    Sp,
    Lower,
    Upper,
    Numeric,
    ATerm,
    STerm,
    Close,
    SContinue,
    /// Extend or Format: the library treats the two alike.
    Extend,
    /// Not in the tables: the line goes to `unicode-segmentation`.
    Unknown,
}

/// A category table for the code points `base..base + N`, from `(first, last, category)`
/// ranges; code points in no range are [`Cat::Other`].
const fn cat_table<const N: usize>(base: u32, ranges: &[(u32, u32, Cat)]) -> [Cat; N] {
    let mut table = [Cat::Other; N];
    let mut k = 0;
    while k < ranges.len() {
        let (first, last, cat) = ranges[k];
        let mut c = first;
        while c <= last {
            table[(c - base) as usize] = cat;
            c += 1;
        }
        k += 1;
    }
    table
}

// The three tables below copy unicode-segmentation 1.13's `sentence_cat_table` (Unicode 17)
// for their code points; `tests::tables_match_the_library` checks every entry in context.

/// Categories of U+0000–U+007F.
static ASCII_CAT: [Cat; 128] = cat_table(
    0,
    &[
        (0x09, 0x09, Cat::Sp),
        (0x0A, 0x0A, Cat::Lf),
        (0x0B, 0x0C, Cat::Sp),
        (0x0D, 0x0D, Cat::Cr),
        (0x20, 0x20, Cat::Sp),
        (0x21, 0x21, Cat::STerm),
        (0x22, 0x22, Cat::Close),
        (0x27, 0x29, Cat::Close),
        (0x2C, 0x2D, Cat::SContinue),
        (0x2E, 0x2E, Cat::ATerm),
        (0x30, 0x39, Cat::Numeric),
        (0x3A, 0x3B, Cat::SContinue),
        (0x3F, 0x3F, Cat::STerm),
        (0x41, 0x5A, Cat::Upper),
        (0x5B, 0x5B, Cat::Close),
        (0x5D, 0x5D, Cat::Close),
        (0x61, 0x7A, Cat::Lower),
        (0x7B, 0x7B, Cat::Close),
        (0x7D, 0x7D, Cat::Close),
    ],
);

/// Categories of U+0080–U+00FF (Latin-1 Supplement), indexed by code point − 0x80.
static LATIN1_CAT: [Cat; 128] = cat_table(
    0x80,
    &[
        (0x85, 0x85, Cat::Sep),
        (0xA0, 0xA0, Cat::Sp),
        (0xAA, 0xAA, Cat::Lower),
        (0xAB, 0xAB, Cat::Close),
        (0xAD, 0xAD, Cat::Extend), // Format
        (0xB5, 0xB5, Cat::Lower),
        (0xBA, 0xBA, Cat::Lower),
        (0xBB, 0xBB, Cat::Close),
        (0xC0, 0xD6, Cat::Upper),
        (0xD8, 0xDE, Cat::Upper),
        (0xDF, 0xF6, Cat::Lower),
        (0xF8, 0xFF, Cat::Lower),
    ],
);

/// Categories of U+2000–U+203F (the first quarter of General Punctuation), indexed by code
/// point − 0x2000.
static PUNCT_CAT: [Cat; 64] = cat_table(
    0x2000,
    &[
        (0x2000, 0x200A, Cat::Sp),
        (0x200B, 0x200B, Cat::Extend), // Format
        (0x200C, 0x200D, Cat::Extend),
        (0x200E, 0x200F, Cat::Extend), // Format
        (0x2013, 0x2014, Cat::SContinue),
        (0x2018, 0x201F, Cat::Close),
        (0x2024, 0x2024, Cat::ATerm),
        (0x2028, 0x2029, Cat::Sep),
        (0x202A, 0x202E, Cat::Extend), // Format
        (0x202F, 0x202F, Cat::Sp),
        (0x2039, 0x203A, Cat::Close),
        (0x203C, 0x203D, Cat::STerm),
    ],
);

/// Bytes the fast path must look at when no terminator is pending: `.`, `!`, `?`, CR, LF
/// and every non-ASCII byte. All other ASCII neither breaks nor changes the state (beyond
/// whether the last character was a letter).
static STOP_PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = b >= 0x80 || matches!(b as u8, b'.' | b'!' | b'?' | b'\r' | b'\n');
        b += 1;
    }
    t
};

/// Category and UTF-8 length of the character starting at `b[i]` (`b` is valid UTF-8).
#[inline]
fn cat_at(b: &[u8], i: usize) -> (Cat, usize) {
    let lead = b[i];
    match lead {
        0..=0x7F => (ASCII_CAT[lead as usize], 1),
        // U+0080–U+00FF: C2 80..BF, C3 80..BF.
        0xC2 | 0xC3 => (
            LATIN1_CAT[(((lead & 1) << 6) | (b[i + 1] & 0x3F)) as usize],
            2,
        ),
        // U+2000–U+203F: E2 80 80..BF.
        0xE2 if b[i + 1] == 0x80 => (PUNCT_CAT[(b[i + 2] & 0x3F) as usize], 3),
        _ => (Cat::Unknown, 0),
    }
}

/// What precedes the next character, in the terms the rules look at. The library keeps the
/// last four runs of categories (`Close+` and `Sp+` collapsed); these states are the classes
/// of that window the rules tell apart.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum St {
    /// Start of text (SB1).
    Sot,
    /// After LF or Sep (SB4).
    ParaSep,
    /// After CR (SB3, SB4).
    Cr,
    /// No terminator pending; the last character was not Upper or Lower.
    Plain,
    /// No terminator pending; the last character was Upper or Lower.
    Letter,
    /// ATerm, not after Upper or Lower.
    ATerm,
    /// (Upper | Lower) ATerm (SB7).
    LetterATerm,
    /// ATerm Close+.
    ATermClose,
    /// ATerm Close* Sp+.
    ATermSp,
    /// STerm.
    STerm,
    /// STerm Close+.
    STermClose,
    /// STerm Close* Sp+.
    STermSp,
}

/// The state after a character of category `cat` (not Extend, not Unknown) in state `st`.
#[inline]
fn transition(st: St, cat: Cat) -> St {
    use St::*;
    match cat {
        Cat::Cr => Cr,
        Cat::Lf | Cat::Sep => ParaSep,
        Cat::ATerm if st == Letter => LetterATerm,
        Cat::ATerm => ATerm,
        Cat::STerm => STerm,
        Cat::Close => match st {
            ATerm | LetterATerm | ATermClose => ATermClose,
            STerm | STermClose => STermClose,
            _ => Plain,
        },
        Cat::Sp => match st {
            ATerm | LetterATerm | ATermClose | ATermSp => ATermSp,
            STerm | STermClose | STermSp => STermSp,
            _ => Plain,
        },
        Cat::Upper | Cat::Lower => Letter,
        Cat::Numeric | Cat::SContinue | Cat::Other | Cat::Extend | Cat::Unknown => Plain,
    }
}

/// Is there a break before a character of category `cat` (not Extend, not Unknown) at `b[i]`
/// when a terminator is pending (`st` is one of the ATerm/STerm states)? `None` when SB8's
/// look-ahead meets a character outside the tables.
fn breaks_after_terminator(b: &[u8], i: usize, st: St, cat: Cat) -> Option<bool> {
    use St::*;
    let keep = match cat {
        // SB8a: SATerm Close* Sp* × (SContinue | SATerm)
        Cat::SContinue | Cat::STerm | Cat::ATerm => true,
        // SB9: SATerm Close* × (Close | Sp | ParaSep); SB10: SATerm Close* Sp* × (Sp | ParaSep)
        Cat::Sp | Cat::Cr | Cat::Lf | Cat::Sep => true,
        Cat::Close => !matches!(st, ATermSp | STermSp),
        // SB6: ATerm × Numeric
        Cat::Numeric => matches!(st, ATerm | LetterATerm),
        // SB7: (Upper | Lower) ATerm × Upper
        Cat::Upper => st == LetterATerm,
        Cat::Lower | Cat::Other | Cat::Extend | Cat::Unknown => false,
    };
    if keep {
        return Some(false);
    }
    if matches!(st, ATerm | LetterATerm | ATermClose | ATermSp) {
        // SB8: ATerm Close* Sp* × (¬(OLetter | Upper | Lower | ParaSep | SATerm))* Lower
        return lowercase_ahead(b, i).map(|lower| !lower);
    }
    // SB11: SATerm Close* Sp* ParaSep? ÷
    Some(true)
}

/// SB8's look-ahead from `b[i]`: does a Lower come before any OLetter, Upper, ParaSep or
/// SATerm (or the end)? `None` when it meets a character outside the tables first.
fn lowercase_ahead(b: &[u8], mut i: usize) -> Option<bool> {
    while i < b.len() {
        let (cat, len) = cat_at(b, i);
        match cat {
            Cat::Lower => return Some(true),
            Cat::Upper | Cat::Cr | Cat::Lf | Cat::Sep | Cat::STerm | Cat::ATerm => {
                return Some(false)
            }
            Cat::Unknown => return None,
            Cat::Other | Cat::Sp | Cat::Numeric | Cat::Close | Cat::SContinue | Cat::Extend => {
                i += len
            }
        }
    }
    Some(false)
}

/// Append to `out` the byte offset at which each UAX #29 sentence piece of `s` starts (the
/// last piece ends at `s.len()`).
fn piece_starts(s: &str, out: &mut Vec<usize>) {
    let b = s.as_bytes();
    let n = b.len();
    let mut st = St::Sot;
    // Start of the current line: just after the last CR, LF or Sep.
    let mut line = 0;
    let mut i = 0;
    while i < n {
        if matches!(st, St::Plain | St::Letter) {
            let from = i;
            while i < n && !STOP_PLAIN[b[i] as usize] {
                i += 1;
            }
            if i > from {
                st = if matches!(ASCII_CAT[b[i - 1] as usize], Cat::Upper | Cat::Lower) {
                    St::Letter
                } else {
                    St::Plain
                };
            }
            if i == n {
                break;
            }
        }
        let (cat, len) = cat_at(b, i);
        let (brk, next) = match (st, cat) {
            (_, Cat::Unknown) => (None, st),
            // SB1 / SB4 come before SB5; the library then records the Extend as Any.
            (St::Sot | St::ParaSep | St::Cr, Cat::Extend) => (Some(true), St::Plain),
            // SB5: X (Extend | Format)* → X
            (_, Cat::Extend) => (Some(false), st),
            // SB1, SB4
            (St::Sot | St::ParaSep, _) => (Some(true), transition(st, cat)),
            // SB3 (CR × LF), SB4
            (St::Cr, _) => (Some(cat != Cat::Lf), transition(st, cat)),
            // SB998
            (St::Plain | St::Letter, _) => (Some(false), transition(st, cat)),
            _ => (breaks_after_terminator(b, i, st, cat), transition(st, cat)),
        };
        match brk {
            Some(brk) => {
                if brk {
                    out.push(i);
                }
                st = next;
                i += len;
                if matches!(cat, Cat::Cr | Cat::Lf | Cat::Sep) {
                    line = i;
                }
            }
            None => {
                // A character outside the tables on this line: let the library segment the
                // whole line, then start afresh after it.
                while out.last().is_some_and(|&start| start >= line) {
                    out.pop();
                }
                let end = line_end(b, i);
                out.extend(
                    s[line..end]
                        .split_sentence_bound_indices()
                        .map(|(off, _)| line + off),
                );
                st = St::Sot;
                i = end;
                line = end;
            }
        }
    }
}

/// End of the line containing `b[i]`: just after the next LF, CR or CRLF, or `b.len()`.
fn line_end(b: &[u8], i: usize) -> usize {
    match memchr::memchr2(b'\n', b'\r', &b[i..]) {
        Some(k) if b[i + k] == b'\r' && b.get(i + k + 1) == Some(&b'\n') => i + k + 2,
        Some(k) => i + k + 1,
        None => b.len(),
    }
}

#[inline]
fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{0085}' | '\u{2028}' | '\u{2029}')
}

/// Decide whether a sentence ending with `text` (trimmed) continues into the next piece.
fn join_after(text: &str) -> Join {
    let Some(body) = text.strip_suffix('.') else {
        return Join::No;
    };
    let word = body
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or(body)
        .trim_start_matches(|c: char| !c.is_alphanumeric());
    if word.is_empty() {
        return Join::No;
    }
    if LEADING_ABBREVIATIONS.contains(&word) {
        return Join::Always;
    }
    if TRAILING_ABBREVIATIONS.contains(&word) || is_dotted_acronym(word) || is_initial(word) {
        return Join::UnlessStarter;
    }
    Join::No
}

/// `U.S`, `a.m`, `Ph.D`: letters in groups of one or two separated by dots, at least one dot.
fn is_dotted_acronym(word: &str) -> bool {
    word.contains('.')
        && word.split('.').all(|part| {
            let n = part.chars().count();
            (1..=2).contains(&n) && part.chars().all(char::is_alphabetic)
        })
}

/// A single capital letter (an initial such as `J`).
fn is_initial(word: &str) -> bool {
    let mut chars = word.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
}

/// Does `text` open with one of the [`SENTENCE_STARTERS`] (after any opening quotes/brackets)?
fn opens_sentence(text: &str) -> bool {
    let t = text.trim_start_matches(|c: char| !c.is_alphanumeric());
    let end = t.find(|c: char| !c.is_alphanumeric()).unwrap_or(t.len());
    SENTENCE_STARTERS.contains(&&t[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The library's pieces: the oracle for [`sentence_bound_indices`].
    fn oracle_pieces(s: &str) -> Vec<(usize, &str)> {
        s.split_sentence_bound_indices().collect()
    }

    /// [`sentences`] as it was before the fast path: fed by the library's pieces.
    fn oracle_sentences(s: &str) -> Vec<Range<usize>> {
        sentences_from_pieces(s, s.split_sentence_bound_indices())
    }

    fn assert_same_pieces(s: &str) {
        let fast: Vec<_> = sentence_bound_indices(s).collect();
        assert_eq!(fast, oracle_pieces(s), "pieces of {s:?}");
    }

    fn assert_same(s: &str) {
        assert_same_pieces(s);
        assert_eq!(sentences(s), oracle_sentences(s), "sentences of {s:?}");
    }

    /// Contexts around one character that make each rule's outcome depend on its category.
    const PREFIXES: &[&str] = &[
        "",
        "a",
        "A",
        "1",
        " ",
        ",",
        "#",
        ".",
        "a.",
        "A.",
        "1.",
        ".)",
        "a.)",
        "a.\"",
        "a. ",
        "a.) ",
        "a. )",
        "a!",
        "a?)",
        "a! ",
        "a?) ",
        "!",
        "\r",
        "\n",
        "a.\r",
        "a.\u{AD}",
        "a\u{AD}.",
        "a.,",
        "x\u{2019}",
        "\u{85}",
        "a.\u{2029}",
    ];
    const SUFFIXES: &[&str] = &[
        "",
        "a",
        "A",
        "1",
        ".",
        "!",
        " ",
        ")",
        " a",
        " A",
        ")a",
        ")A",
        "#a",
        "-a",
        "\n",
        "\r\n",
        "\u{AD}a",
        "\u{AD}1",
        " \u{201C}a",
        "\u{6771}",
        "a\u{6771}",
        ". a",
    ];

    /// Every code point of the three category tables, in every context of [`PREFIXES`] ×
    /// [`SUFFIXES`] and doubled, gives the library's pieces: the tables agree with its data.
    #[test]
    fn tables_match_the_library() {
        let code_points = (0u32..0x100).chain(0x2000..0x2040);
        let mut s = String::new();
        for c in code_points.map(|c| char::from_u32(c).expect("not a surrogate")) {
            for p in PREFIXES {
                for q in SUFFIXES {
                    for times in 1..=2 {
                        s.clear();
                        s.push_str(p);
                        (0..times).for_each(|_| s.push(c));
                        s.push_str(q);
                        assert_same_pieces(&s);
                    }
                }
            }
        }
    }

    /// All strings of up to five characters over one representative of each category (and
    /// a character outside the tables).
    #[test]
    fn all_short_strings() {
        const ALPHABET: &[char] = &[
            'a', 'B', '7', '.', '?', ')', ' ', '\r', '\n', ',', '#', '\u{AD}', '\u{2029}', '東',
        ];
        let mut s = String::new();
        for len in 0..=5u32 {
            for mut k in 0..ALPHABET.len().pow(len) {
                s.clear();
                for _ in 0..len {
                    s.push(ALPHABET[k % ALPHABET.len()]);
                    k /= ALPHABET.len();
                }
                assert_same(&s);
            }
        }
    }

    /// Tokens for random text: the tricky ASCII characters, words and abbreviations, and
    /// non-ASCII characters both inside and outside the fast path's tables.
    const TOKENS: &[&str] = &[
        ".", "!", "?", "\"", "'", "(", ")", "[", "]", ",", ";", ":", "-", " ", " ", " ", "\t",
        "\r", "\n", "\r\n", "\n\n", "0", "42", "3.5", "a", "x", "the", "said", "word", "A", "The",
        "He", "US", "Mr.", "U.S.", "p.m.", "Inc.", "J.", "#", "/", "\u{B}", "\u{C}", "\u{0}", "é",
        "É", "ß", "\u{A0}", "\u{AD}", "\u{85}", "”", "“", "’", "‘", "—", "–", "…", "‼", "\u{2024}",
        "\u{2028}", "\u{2029}", "\u{200B}", "\u{200D}", "\u{202F}", "。", "東", "Ω", "ω",
        "\u{301}", "«", "»", "¿", "©", "•",
    ];

    fn random_text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(TOKENS), 0..60).prop_map(|t| t.concat())
    }

    /// Mostly ASCII prose with a few tricky characters: long runs for the fast skip.
    fn random_prose() -> impl Strategy<Value = String> {
        let token = prop_oneof![
            8 => prop::sample::select(&["the ", "said ", "Mr. ", "U.S. ", "It ", "3.5 ", "word"][..]),
            4 => prop::sample::select(&[". ", "! ", "? ", ".\" ", ".) ", "\n", "\r\n", ", "][..]),
            1 => prop::sample::select(TOKENS),
        ];
        prop::collection::vec(token, 0..120).prop_map(|t| t.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn same_as_the_library_on_random_text(s in random_text()) {
            let fast: Vec<_> = sentence_bound_indices(&s).collect();
            prop_assert_eq!(fast, oracle_pieces(&s));
            prop_assert_eq!(sentences(&s), oracle_sentences(&s));
        }

        #[test]
        fn same_as_the_library_on_random_prose(s in random_prose()) {
            let fast: Vec<_> = sentence_bound_indices(&s).collect();
            prop_assert_eq!(fast, oracle_pieces(&s));
            prop_assert_eq!(sentences(&s), oracle_sentences(&s));
        }

        #[test]
        fn same_as_the_library_on_any_string(s in any::<String>()) {
            let fast: Vec<_> = sentence_bound_indices(&s).collect();
            prop_assert_eq!(fast, oracle_pieces(&s));
        }
    }

    /// The example articles and the alignment test data, as they are, with CRLF line ends,
    /// and with the non-ASCII characters dropped (all on the fast path).
    #[test]
    fn same_as_the_library_on_real_text() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = Vec::new();
        for dir in ["../../examples/txt", "tests/data/align"] {
            let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
                .expect("fixture dir")
                .map(|e| e.expect("dir entry").path())
                .collect();
            paths.sort();
            texts.extend(
                paths
                    .iter()
                    .map(|p| std::fs::read_to_string(p).expect("fixture")),
            );
        }
        let jsonl = std::fs::read_to_string(root.join("../../examples/news.jsonl")).expect("news");
        for line in jsonl.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("json");
            texts.push(v["text"].as_str().expect("text").to_owned());
        }
        texts.push(std::fs::read_to_string(root.join("../../examples/news.csv")).expect("csv"));
        assert!(texts.len() > 10 && texts.iter().any(|t| !t.is_ascii()));
        for t in &texts {
            assert_same(t);
            assert_same(&t.replace('\n', "\r\n"));
            assert_same(&t.chars().filter(char::is_ascii).collect::<String>());
        }
    }

    #[test]
    fn pieces_of_edge_cases() {
        for s in [
            "",
            "a",
            ".",
            "\r",
            "\r\n",
            "\n\r",
            "A. b",
            "A. B",
            "a.B",
            "e.g. x",
            "He said (yes.) Then",
            "Hi!! There",
            "1.5",
            "x. 5",
            "Wait... what",
            "Go.\u{AD}\u{AD} Now",
            "\u{AD}x",
            "é. É",
            "“Yes.” He left.",
            "done. “he said",
            "end. 東京",
            "x. )東 a",
            "a.\u{2029}b",
            "a.\u{85}B",
            "line one\r\nline two. Three\rfour\n東\n",
        ] {
            assert_same(s);
        }
    }

    fn split(s: &str) -> Vec<&str> {
        sentences(s).into_iter().map(|r| &s[r]).collect()
    }

    #[test]
    fn empty_input() {
        assert!(sentences("").is_empty());
        assert!(sentences("  \n\n \t ").is_empty());
    }

    #[test]
    fn news_abbreviations_do_not_split() {
        assert_eq!(
            split("The U.S. said Mr. Smith left at 5 p.m. on Jan. 5. He returned."),
            [
                "The U.S. said Mr. Smith left at 5 p.m. on Jan. 5.",
                "He returned."
            ]
        );
        assert_eq!(
            split("Dr. Jane Doe met Gov. Newsom and Sen. Warren. They talked."),
            [
                "Dr. Jane Doe met Gov. Newsom and Sen. Warren.",
                "They talked."
            ]
        );
        assert_eq!(
            split("Author J. K. Rowling spoke. Acme Inc. Chief Executive Bob Ray agreed."),
            [
                "Author J. K. Rowling spoke.",
                "Acme Inc. Chief Executive Bob Ray agreed."
            ]
        );
        assert_eq!(
            split("It was No. 3 on Sept. 12. Growth was 3.5 percent."),
            ["It was No. 3 on Sept. 12.", "Growth was 3.5 percent."]
        );
    }

    #[test]
    fn ambiguous_abbreviation_before_sentence_starter_splits() {
        assert_eq!(
            split("He moved to the U.S. The company followed. U.S. President Biden spoke."),
            [
                "He moved to the U.S.",
                "The company followed.",
                "U.S. President Biden spoke."
            ]
        );
        assert_eq!(
            split("Shares of Acme Corp. He said so."),
            ["Shares of Acme Corp.", "He said so."]
        );
    }

    #[test]
    fn lowercase_no_is_not_an_abbreviation() {
        assert_eq!(
            split("He said no. Then he left."),
            ["He said no.", "Then he left."]
        );
    }

    #[test]
    fn line_breaks_split_and_spans_are_trimmed() {
        let s = "  First line without stop\nSecond one! Third?\r\n\r\n  Mr.\nSmith  ";
        assert_eq!(
            split(s),
            [
                "First line without stop",
                "Second one!",
                "Third?",
                "Mr.",
                "Smith"
            ]
        );
        for r in sentences(s) {
            assert!(!s[r.clone()].starts_with(char::is_whitespace));
            assert!(!s[r].ends_with(char::is_whitespace));
        }
    }

    #[test]
    fn quotes_and_non_latin() {
        assert_eq!(
            split("“We won,” Mr. Lee said. «Ça va.» Москва — столица. 東京は晴れ。大阪は雨。"),
            [
                "“We won,” Mr. Lee said.",
                "«Ça va.»",
                "Москва — столица.",
                "東京は晴れ。",
                "大阪は雨。"
            ]
        );
    }

    #[test]
    fn helpers() {
        assert!(is_dotted_acronym("U.S"));
        assert!(is_dotted_acronym("p.m"));
        assert!(is_dotted_acronym("Ph.D"));
        assert!(!is_dotted_acronym("3.5"));
        assert!(!is_dotted_acronym("example.com"));
        assert!(is_initial("J"));
        assert!(!is_initial("j"));
        assert!(opens_sentence("\"The end"));
        assert!(!opens_sentence("Theater"));
    }
}
