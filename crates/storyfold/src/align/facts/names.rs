//! Names: runs of capitalized words (see the [module docs](super) for the rules), their
//! comparable word forms, and when two names agree.

use super::fact::{Fact, FactKind, Value};
use super::lex::{Parser, Tok};
use super::vocab::{COMMON_STARTERS, TITLES};
use crate::text::lexicon::{is_capitalized, is_stopword, month_of, weekday_of, NAME_CONNECTORS};

/// Adds to `facts` the names among the lexemes of `p` not `taken` by another fact (see the
/// [module docs](super) for the rules).
pub(super) fn push_names(p: &Parser, taken: &[bool], facts: &mut Vec<Fact>) {
    // Function words and sentence starters at the edges are not part of a name.
    let edge =
        |w: &str| is_stopword(w) || COMMON_STARTERS.contains(&w) || NAME_CONNECTORS.contains(&w);
    // (lexeme index, lowercase word, written in capitals) of each word of the current run.
    let mut items: Vec<(usize, &str, bool)> = Vec::new();
    let mut i = 0;
    // Index of the first word of each sentence-like segment (after . ! ? : or a quote).
    let mut segment_start = true;
    while i < p.lx.len() {
        let starts_segment = segment_start;
        segment_start = matches!(
            p.lx[i].tok,
            Tok::Punct('.' | '!' | '?' | ':' | '"' | '“' | '‘' | '(' | '—')
        );
        if taken[i] || !matches!(p.lx[i].tok, Tok::Word) || !is_capitalized(p.text(i)) {
            i += 1;
            continue;
        }
        let mut j = i;
        items.clear();
        while j < p.lx.len() && !taken[j] {
            let Some(lw) = p.word(j) else { break };
            let w = p.text(j);
            if is_capitalized(w) && month_of(lw).is_none() && weekday_of(lw).is_none() {
                let caps = w.chars().filter(|c| c.is_alphabetic()).count() >= 2
                    && !w.chars().any(char::is_lowercase);
                items.push((j, lw.trim_end_matches('.'), caps));
                j += 1;
            } else if NAME_CONNECTORS.contains(&lw)
                && !items.is_empty()
                && p.lx
                    .get(j + 1)
                    .is_some_and(|l| matches!(l.tok, Tok::Word) && is_capitalized(p.text(j + 1)))
            {
                items.push((j, lw, false));
                j += 1;
            } else {
                break;
            }
        }
        let mut run = &items[..];
        // A leading run of two or more words in capitals before ordinary capitalized words is
        // a kicker or label ("JUST WATCHED Obama", "MUST WATCH The"), not part of the name.
        let caps_run = run.iter().take_while(|x| x.2).count();
        if caps_run >= 2 && caps_run < run.len() {
            run = &run[caps_run..];
        }
        let first_is_start = starts_segment && run.first().is_some_and(|x| x.0 == i);
        while let [first, rest @ ..] = run {
            if !edge(first.1) {
                break;
            }
            run = rest;
        }
        while let [rest @ .., last] = run {
            if !edge(last.1) {
                break;
            }
            run = rest;
        }
        // A lone capitalized word at the start of a sentence is not taken for a name.
        if run.is_empty() || (first_is_start && run.len() == 1 && run[0].0 == i) {
            i = j.max(i + 1);
            continue;
        }
        let key: Vec<String> = run
            .iter()
            .filter(|x| !TITLES.contains(&x.1) && !NAME_CONNECTORS.contains(&x.1))
            .map(|x| name_word(x.1))
            .collect();
        if !key.is_empty() {
            let (span, text) = p.span_text(run[0].0, run[run.len() - 1].0 + 1);
            facts.push(Fact {
                kind: FactKind::Name,
                span,
                text,
                value: Value::Name(key),
            });
        }
        i = j.max(i + 1);
    }
}

/// Comparable form of a (lowercase) name word: curly apostrophes folded, a possessive `'s`
/// and a plural `s` removed (`Trump’s` = `Trump's` = `trump`, `Americans` = `american`).
pub(super) fn name_word(w: &str) -> String {
    if w.contains('.') || w.contains('’') {
        name_stem(&w.replace('’', "'").replace('.', "")).to_string()
    } else {
        name_stem(w).to_string()
    }
}

/// [`name_word`] of a word without curly apostrophes and dots (a slice of it, no copy).
pub(super) fn name_stem(w: &str) -> &str {
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix('\''))
        .unwrap_or(w);
    match w.strip_suffix('s') {
        Some(stem) if stem.chars().count() >= 3 && !stem.ends_with('s') => stem,
        _ => w,
    }
}

/// Whether two names (lowercased words) agree: one's words are a subset of the other's, or
/// the words they do not share are forms of one word (`Democrats` / `Democratic`) or an
/// acronym of the other's (`UN` / `United Nations`). Names have a handful of words, so the
/// sets are the slices themselves (no allocation on this hot path).
pub(super) fn names_agree(a: &[String], b: &[String]) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let in_b = |w: &String| b.contains(w);
    let in_a = |w: &String| a.contains(w);
    if a.iter().all(in_b) || b.iter().all(in_a) {
        return true;
    }
    let rest_a = a.iter().filter(|w| !in_b(w));
    let rest_b = b.iter().filter(|w| !in_a(w));
    let (na, nb) = (rest_a.clone().count(), rest_b.clone().count());
    let (first_a, first_b) = (rest_a.clone().next(), rest_b.clone().next());
    if let (1, 1, Some(x), Some(y)) = (na, nb, first_a, first_b) {
        // Forms of one word: "Democrats" / "Democratic" / "Dems".
        let common = x.chars().zip(y.chars()).take_while(|(p, q)| p == q).count();
        let shorter = x.chars().count().min(y.chars().count());
        if common >= 5 || (common == shorter && common >= 3) {
            return true;
        }
    }
    // An acronym of the other name's differing words: "UN" = "United Nations".
    fn is_initials<'w>(word: &str, words: impl Iterator<Item = &'w String>) -> bool {
        let mut chars = word.chars();
        words
            .filter_map(|w| w.chars().next())
            .all(|c| chars.next() == Some(c))
            && chars.next().is_none()
    }
    (na == 1 && nb > 1 && first_a.is_some_and(|x| is_initials(x, rest_b.clone())))
        || (nb == 1 && na > 1 && first_b.is_some_and(|y| is_initials(y, rest_a.clone())))
}

/// Whether a sentence is written in headline style: at least [`HEADLINE_MIN_WORDS`] words of
/// four or more letters, and at least [`HEADLINE_CAPS_SHARE`] of them capitalized (`U.S.
/// Stocks Decline as Oil Slides`). A capital there says nothing about a name.
pub fn headline_case(s: &str) -> bool {
    let (mut long, mut caps) = (0usize, 0usize);
    for w in s.split(|c: char| !c.is_alphabetic()) {
        if w.chars().count() >= 4 {
            long += 1;
            caps += usize::from(w.chars().next().is_some_and(char::is_uppercase));
        }
    }
    long >= HEADLINE_MIN_WORDS && caps as f64 >= HEADLINE_CAPS_SHARE * long as f64
}

/// Fewest words of four or more letters of a [`headline_case`] sentence.
pub const HEADLINE_MIN_WORDS: usize = 3;
/// Least share of capitalized words of four or more letters of a [`headline_case`] sentence.
pub const HEADLINE_CAPS_SHARE: f64 = 0.7;

/// Whether two names, as written in two articles whose lowercase words are `words_a` and
/// `words_b`, may well name one entity, so that their difference is notation, not a
/// disagreement:
///
/// * one is an abbreviation of the other: a word in capitals whose letters start with the
///   initials of the other's words (`ISIL` / `Islamic State`, `UN` / `United Nations`);
/// * each article also names the other's entity somewhere (every word of the name written in
///   B occurs in A and the other way round): both articles know both names (`Clinton` in one
///   and `Hillary` in the other, both writing `Hillary Clinton` elsewhere), so the two
///   sentences did not give one slot two different values.
pub fn same_entity(
    a: &str,
    b: &str,
    words_a: &std::collections::HashSet<String>,
    words_b: &std::collections::HashSet<String>,
) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (wa, wb) = (words(a), words(b));
    let abbreviates = |short: &[String], long: &[String]| {
        let [w] = short else { return false };
        if w.chars().count() < 2 || !w.chars().all(|c| c.is_uppercase()) || long.len() < 2 {
            return false;
        }
        let initials: String = long
            .iter()
            .filter_map(|x| x.chars().next())
            .filter(|c| c.is_uppercase())
            .collect();
        initials.chars().count() >= 2 && w.starts_with(&initials)
    };
    if abbreviates(&wa, &wb) || abbreviates(&wb, &wa) {
        return true;
    }
    let all_in = |ws: &[String], set: &std::collections::HashSet<String>| {
        !ws.is_empty() && ws.iter().all(|w| set.contains(&w.to_lowercase()))
    };
    all_in(&wb, words_a) && all_in(&wa, words_b)
}

/// Whether the figure written `value` in `sentence` is no count or amount of the story: an
/// ordinal (`3rd Update`, `the 4th Circuit`), a clock time (`6 p.m.`, `1500 GMT`), a number
/// after `#` (`Trailer #3`) or a version after a word in mixed case (`iOS 7.1`).
pub fn not_a_count(sentence: &str, value: &str) -> bool {
    let Some(at) = sentence.find(value) else {
        return false;
    };
    let lower = value.to_ascii_lowercase();
    if ["st", "nd", "rd", "th"].iter().any(|x| {
        lower
            .strip_suffix(x)
            .is_some_and(|n| n.ends_with(|c: char| c.is_ascii_digit()))
    }) {
        return true;
    }
    let after = sentence[at + value.len()..]
        .trim_start()
        .to_ascii_lowercase();
    let times = [
        "a.m", "p.m", "am ", "pm ", "gmt", "edt", "est ", "et)", "utc", "bst", "cet", "o'clock",
    ];
    if times.iter().any(|t| after.starts_with(t)) || after == "am" || after == "pm" {
        return true;
    }
    let before = sentence[..at].trim_end();
    if before.ends_with('#') {
        return true;
    }
    let prev = before
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    let mut chars = prev.chars();
    chars.next();
    chars.any(char::is_uppercase) && prev.chars().next().is_some_and(char::is_lowercase)
}
