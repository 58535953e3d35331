//! Sentence segmentation for news text.
//!
//! [`sentences`] works on raw (not normalized) text, because it needs capitalization and line
//! breaks, and returns byte spans into that text:
//!
//! 1. **Unicode sentence boundaries** (UAX #29, `unicode-segmentation`'s
//!    `split_sentence_bound_indices`). UAX #29 already keeps decimals (`3.5`) and abbreviations
//!    followed by a lowercase word (`5 p.m. on`, `U.S. said`) inside one sentence.
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
    let mut out = Vec::new();
    let mut cur: Option<Range<usize>> = None;
    let mut join = Join::No;
    for (off, piece) in s.split_sentence_bound_indices() {
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
