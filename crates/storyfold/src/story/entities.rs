//! Event-distinguishing terms of an article: named entities (capitalized sequences), numbers
//! and calendar dates, extracted from the raw text with light heuristics (no model, no
//! gazetteer). Story clustering weighs these terms more than ordinary vocabulary, so that two
//! reports of *different* incidents of the same kind (two earthquakes, two rehab admissions)
//! stay apart.
//!
//! Rules, applied by [`extract`] sentence by sentence ([`crate::text::sentences`]):
//!
//! * **Words** are maximal runs of letters, digits and the joiners `.` `'` `’` `-` `&` between
//!   two such characters (so `U.S.`, `O'Neil`, `Jean-Luc`, `AT&T` and `4.2` are one word).
//!   Any other non-space character (comma, quote, bracket, dash, colon, ...) is a **break**:
//!   entities never span it.
//! * **Entities** are maximal sequences of capitalized words (first letter upper case), which
//!   may contain the connectors `of`, `de`, `del`, `la`, `van`, `von`, `bin`, `al`, `da` between
//!   two capitalized words. Leading stopwords (`The`, `A`, `In`, ...) and honorifics (`Mr`,
//!   `Mrs`, `Ms`, `Dr`, ...) are dropped. Weekday and month names are never entity words (they
//!   date the event; see dates below). A single-word entity in first position of a sentence is
//!   dropped when the word is a stopword or also occurs in lower case in the same document
//!   (`Another day ...`). Sentences written mostly in capitals (more than 70 % of at least 12
//!   letters) yield no entities, because case carries no information there.
//!   Each entity yields its full lower-cased form (`tara reid`) and, for multi-word entities,
//!   each of its words (`tara`, `reid`), so `Reid` alone still matches `Tara Reid`.
//! * **Numbers** are words made of digits (with `.` or `,` inside); commas are removed. Single
//!   digits are skipped (too common to tell events apart).
//! * **Dates** are a month name (or its usual abbreviation:
//!   [`month_of_listed`]) next to a day number 1–31
//!   (`March 3`, `3 March`), written `month-day` (`march-3`); a year 1900–2099 after the day is
//!   a number of its own.

use rustc_hash::FxHashSet;

use crate::text::lexicon::{
    is_broad_stopword, is_capitalized, month_of_listed, MONTHS, NAME_CONNECTORS, WEEKDAYS,
};
use crate::text::{sentences, MAX_DOC_SENTENCES};

/// The event-distinguishing terms of a text (lower-cased; repeated terms are repeated).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventTerms {
    /// Entity terms: full capitalized sequences and, for multi-word ones, their words.
    pub entities: Vec<String>,
    /// Numbers (digits, commas removed), single digits excluded.
    pub numbers: Vec<String>,
    /// Calendar dates as `month-day` (`march-3`).
    pub dates: Vec<String>,
}

/// A word of a sentence and whether a break (punctuation) precedes it.
struct Word<'a> {
    text: &'a str,
    after_break: bool,
}

const HONORIFICS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "sir", "mr.", "mrs.", "ms.", "dr.", "prof", "prof.", "gen", "gen.",
    "sen", "sen.", "rep", "rep.", "gov", "gov.", "lt", "lt.", "col", "col.", "capt", "capt.",
    "sgt", "sgt.", "st",
];

fn is_joiner(c: char) -> bool {
    matches!(c, '.' | '\'' | '’' | '-' | '&')
}

/// The character starting at byte `i` of `s` and its length (ASCII without decoding).
#[inline]
fn char_at(s: &str, i: usize) -> Option<(char, usize)> {
    let b = *s.as_bytes().get(i)?;
    if b < 0x80 {
        Some((b as char, 1))
    } else {
        s[i..].chars().next().map(|c| (c, c.len_utf8()))
    }
}

#[inline]
fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

/// Split a sentence into words, marking those preceded by punctuation.
fn words(s: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut pending_break = true; // the sentence start counts as a break
    let mut i = 0;
    while let Some((c, len)) = char_at(s, i) {
        if !is_alnum(c) {
            if !c.is_whitespace() {
                pending_break = true;
            }
            i += len;
            continue;
        }
        let start = i;
        // Extend over letters and digits, and over a joiner followed by one.
        let mut end = i + len;
        while let Some((cj, lj)) = char_at(s, end) {
            // A joiner counts only when a letter or digit follows it (added on the next turn).
            let joins = is_joiner(cj) && char_at(s, end + lj).is_some_and(|(ck, _)| is_alnum(ck));
            if !(is_alnum(cj) || joins) {
                break;
            }
            end += lj;
        }
        // Keep a final `.` of an abbreviation such as `U.S.` (letter.letter.) in the word.
        if s.as_bytes().get(end) == Some(&b'.') && s[start..end].contains('.') {
            end += 1;
        }
        out.push(Word {
            text: &s[start..end],
            after_break: pending_break,
        });
        pending_break = false;
        i = end;
    }
    out
}

fn mostly_capitals(s: &str) -> bool {
    let (mut letters, mut upper) = (0usize, 0usize);
    if s.is_ascii() {
        for b in s.bytes().filter(u8::is_ascii_alphabetic) {
            letters += 1;
            upper += usize::from(b.is_ascii_uppercase());
        }
    } else {
        for c in s.chars().filter(|c| c.is_alphabetic()) {
            letters += 1;
            upper += usize::from(c.is_uppercase());
        }
    }
    letters >= 12 && upper * 10 > letters * 7
}

fn number_term(w: &str) -> Option<String> {
    if !w.chars().next().is_some_and(|c| c.is_ascii_digit())
        || !w
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let n: String = w
        .trim_end_matches('.')
        .chars()
        .filter(|&c| c != ',')
        .collect();
    (n.len() >= 2).then_some(n)
}

fn day_number(w: &str) -> Option<u32> {
    let d: u32 = w
        .trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '.')
        .parse()
        .ok()?;
    (1..=31).contains(&d).then_some(d)
}

/// Extract the entities, numbers and dates of `text` (see the [module docs](self)), from its
/// first [`MAX_DOC_SENTENCES`] sentences (the words of every sentence are held at once: a text
/// of millions of tiny sentences would hold hundreds of megabytes).
///
/// ```
/// use storyfold::story::entities::extract;
/// let t = extract("Tara Reid entered the Promises Treatment Center in Malibu on March 3, 2008.");
/// assert!(t.entities.contains(&"tara reid".to_string()));
/// assert!(t.entities.contains(&"promises treatment center".to_string()));
/// assert!(t.entities.contains(&"malibu".to_string()));
/// assert_eq!(t.dates, ["march-3"]);
/// assert_eq!(t.numbers, ["2008"]);
/// ```
pub fn extract(text: &str) -> EventTerms {
    let mut out = EventTerms::default();
    // Each sentence's words.
    let split: Vec<(&str, Vec<Word<'_>>)> = sentences(text)
        .into_iter()
        .take(MAX_DOC_SENTENCES)
        .map(|span| {
            let sentence = &text[span];
            (sentence, words(sentence))
        })
        .collect();
    // Single-word entities in first position (index in `out.entities`): dropped at the end when
    // the word also occurs in lower case.
    let mut first_singles: Vec<usize> = Vec::new();
    let mut buf = String::new();
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    for (sentence, ws) in &split {
        let (sentence, ws) = (*sentence, ws);
        let caps_ok = !mostly_capitals(sentence);
        // The lower-cased words, in one buffer.
        buf.clear();
        spans.clear();
        for w in ws {
            let start = buf.len();
            if w.text.is_ascii() {
                buf.push_str(w.text);
                buf[start..].make_ascii_lowercase();
            } else {
                buf.push_str(&w.text.to_lowercase());
            }
            spans.push(start..buf.len());
        }
        let lower: Vec<&str> = spans.iter().map(|r| &buf[r.clone()]).collect();
        // numbers and dates
        for (k, w) in lower.iter().enumerate() {
            if let Some(n) = number_term(w) {
                out.numbers.push(n);
            }
            if let Some(m) = month_of_listed(w) {
                let m = MONTHS[m as usize - 1];
                let next = lower.get(k + 1).and_then(|x| day_number(x));
                let prev = k
                    .checked_sub(1)
                    .and_then(|p| lower.get(p))
                    .and_then(|x| day_number(x));
                // `may` is a month only when capitalized.
                if m == "may" && !is_capitalized(ws[k].text) {
                    continue;
                }
                if let Some(d) = next.or(prev) {
                    out.dates.push(format!("{m}-{d}"));
                }
            }
        }
        if !caps_ok {
            continue;
        }
        let mut k = 0;
        while k < ws.len() {
            if !is_entity_word(&ws[k], lower[k]) {
                k += 1;
                continue;
            }
            // extend the sequence
            let start = k;
            let mut end = k + 1;
            loop {
                if end < ws.len() && !ws[end].after_break && is_entity_word(&ws[end], lower[end]) {
                    end += 1;
                } else if end + 1 < ws.len()
                    && NAME_CONNECTORS.contains(&lower[end])
                    && !ws[end].after_break
                    && !ws[end + 1].after_break
                    && is_entity_word(&ws[end + 1], lower[end + 1])
                {
                    end += 2;
                } else {
                    break;
                }
            }
            let mut s = start;
            while s < end && (is_broad_stopword(lower[s]) || HONORIFICS.contains(&lower[s])) {
                s += 1;
            }
            let parts = &lower[s..end];
            let single_first = parts.len() == 1 && s == 0;
            let stopword_opener = single_first && is_broad_stopword(parts[0]);
            if !parts.is_empty() && !stopword_opener {
                if parts.len() > 1 {
                    for p in parts {
                        if !NAME_CONNECTORS.contains(p) && !is_broad_stopword(p) {
                            out.entities.push(p.trim_end_matches('.').to_string());
                        }
                    }
                }
                if single_first {
                    first_singles.push(out.entities.len());
                }
                out.entities.push(parts.join(" "));
            }
            k = end;
        }
    }
    drop_words_in_lower_case(&mut out.entities, &first_singles, &split);
    out
}

/// Remove the entities at `at` whose word also occurs, as written, starting in lower case
/// among the words of `split`.
fn drop_words_in_lower_case(
    entities: &mut Vec<String>,
    at: &[usize],
    split: &[(&str, Vec<Word<'_>>)],
) {
    if at.is_empty() {
        return;
    }
    let queries: FxHashSet<&str> = at.iter().map(|&i| entities[i].as_str()).collect();
    // Lengths of the queries (bit per length up to 63): most words skip the lookup.
    let lengths = queries.iter().fold(0u64, |m, q| m | (1 << q.len().min(63)));
    let mut found: FxHashSet<&str> = FxHashSet::default();
    for w in split.iter().flat_map(|(_, ws)| ws) {
        if lengths & (1 << w.text.len().min(63)) != 0
            && w.text.chars().next().is_some_and(|c| c.is_lowercase())
        {
            if let Some(q) = queries.get(w.text) {
                found.insert(q);
            }
        }
    }
    if found.is_empty() {
        return;
    }
    let mut keep = vec![true; entities.len()];
    for &i in at {
        keep[i] = !found.contains(entities[i].as_str());
    }
    let mut keep = keep.into_iter();
    entities.retain(|_| keep.next().unwrap_or(true));
}

fn is_entity_word(w: &Word<'_>, lower: &str) -> bool {
    is_capitalized(w.text)
        && !WEEKDAYS.contains(&lower)
        && month_of_listed(lower).is_none()
        && w.text.chars().any(|c| c.is_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word splitter as first written (over `char_indices`), the oracle of [`words`].
    fn words_by_chars(s: &str) -> Vec<Word<'_>> {
        let mut out = Vec::new();
        let mut pending_break = true; // the sentence start counts as a break
        let mut it = s.char_indices().peekable();
        while let Some((start, c)) = it.next() {
            if !c.is_alphanumeric() {
                if !c.is_whitespace() {
                    pending_break = true;
                }
                continue;
            }
            // Extend over letters and digits, and over a joiner followed by one.
            let mut end = start + c.len_utf8();
            loop {
                let mut ahead = it.clone();
                match ahead.next() {
                    Some((i, cj)) if cj.is_alphanumeric() => {
                        end = i + cj.len_utf8();
                        it.next();
                    }
                    Some((_, cj)) if is_joiner(cj) => match ahead.next() {
                        Some((i, ck)) if ck.is_alphanumeric() => {
                            end = i + ck.len_utf8();
                            it.next();
                            it.next();
                        }
                        _ => break,
                    },
                    _ => break,
                }
            }
            // Keep a final `.` of an abbreviation such as `U.S.` (letter.letter.) in the word.
            if it.peek().is_some_and(|&(_, c)| c == '.') && s[start..end].contains('.') {
                end += 1;
                it.next();
            }
            out.push(Word {
                text: &s[start..end],
                after_break: pending_break,
            });
            pending_break = false;
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn words_match_the_char_by_char_splitter(
            s in "[aZé9 .,'’&\\-\u{2019}\u{00A0}\u{3000}Ü\u{0301}\n\t\"()]{0,40}"
        ) {
            let fast: Vec<(&str, bool)> = words(&s).iter().map(|w| (w.text, w.after_break)).collect();
            let slow: Vec<(&str, bool)> =
                words_by_chars(&s).iter().map(|w| (w.text, w.after_break)).collect();
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn a_capitalized_opener_is_kept_unless_written_in_lower_case_elsewhere() {
        let t =
            extract("Police closed the road. Officers said police work continues. Police left.");
        // `Police` opens two sentences and occurs as `police`: dropped both times.
        assert!(
            !t.entities.iter().any(|e| e == "police"),
            "{:?}",
            t.entities
        );
        let t = extract("Kessler spoke first. Then Ana Petrescu said the dam is safe.");
        assert!(
            t.entities.iter().any(|e| e == "kessler"),
            "{:?}",
            t.entities
        );
        assert!(
            t.entities.iter().any(|e| e == "ana petrescu"),
            "{:?}",
            t.entities
        );
        // Order is kept around a dropped opener.
        let t = extract("Ana Petrescu spoke. Police said so. police. Oru Town answered.");
        assert_eq!(
            t.entities,
            ["ana", "petrescu", "ana petrescu", "oru", "town", "oru town"]
        );
    }

    #[test]
    fn entities_skip_sentence_openers_and_breaks() {
        let t = extract(
            "Another day in Hollywood. Word comes from People magazine that Tara Reid, 33, \
             entered rehab. The actress said another thing.",
        );
        assert!(t.entities.contains(&"hollywood".to_string()));
        assert!(t.entities.contains(&"tara reid".to_string()));
        assert!(t.entities.contains(&"reid".to_string()));
        // `Another` also occurs in lower case; `The` is a stopword.
        assert!(!t.entities.iter().any(|e| e.contains("another")));
        assert!(!t
            .entities
            .iter()
            .any(|e| e == "the" || e.starts_with("the ")));
        // the comma breaks the sequence before `33`
        assert_eq!(t.numbers, ["33"]);
    }

    #[test]
    fn connectors_honorifics_and_abbreviations() {
        let t = extract("Officials said Mr. John Smith of the Bank of America met U.S. envoys.");
        assert!(t.entities.contains(&"john smith".to_string()));
        assert!(t.entities.contains(&"bank of america".to_string()));
        assert!(t.entities.contains(&"u.s.".to_string()));
    }

    #[test]
    fn capitals_sentences_yield_no_entities_but_numbers() {
        let t = extract("STORM WARNING ISSUED FOR THE WHOLE COAST WITH GUSTS OF 110 KM/H.");
        assert!(t.entities.is_empty());
        assert_eq!(t.numbers, ["110"]);
    }

    #[test]
    fn dates_and_weekdays() {
        let t = extract("It happened on Friday, 3 March, and again on Jan. 12 in Paris.");
        assert_eq!(t.dates, ["march-3", "january-12"]);
        assert_eq!(t.entities, ["paris"]);
        assert!(extract("They may 5 times ask.").dates.is_empty());
    }

    #[test]
    fn untrusted_input_does_not_panic() {
        for s in [
            "",
            "...",
            "A",
            "É. ’ -",
            "1,2,3.",
            "Ünïcödé Wörds ’s",
            "日本 東京",
        ] {
            let _ = extract(s);
        }
    }
}
