//! The fact extraction and comparison as they were before they were made fast, kept as a test
//! oracle: the tests of `main.rs` check that `extract`, `compare_facts` and
//! `key_terms_of` of `storyfold::align::facts` give exactly what these give. The vocabularies
//! are shared (`storyfold::text::lexicon`, `storyfold::align::facts::vocab`).

use std::collections::HashSet;
use std::ops::Range;

use storyfold::align::facts::vocab::{
    currency_sym, currency_word, Hedge, COMMON_STARTERS, HEDGES, TITLES,
};
use storyfold::align::facts::{Disagreement, Fact, FactKind, Value, Via, NAME_GAP_MAX};
use storyfold::text::lexicon::{
    fraction_word, is_capitalized, is_stopword, month_of, number_word, scale_word, weekday_of,
    NAME_CONNECTORS as CONNECTORS,
};

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// Digits, with the number of decimals written.
    Num(f64, u32),
    /// A word (letters, possibly with inner `-`, `'` or `.`).
    Word(String),
    /// A symbol: `$ £ € ¥ %`.
    Sym(char),
    /// Any other punctuation.
    Punct(char),
}

#[derive(Clone, Debug)]
struct Lexeme {
    tok: Tok,
    span: Range<usize>,
    /// Whether whitespace comes right before this lexeme (or it starts the text).
    spaced: bool,
}

fn lex(s: &str) -> Vec<Lexeme> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let end_of = |k: usize| chars.get(k).map_or(s.len(), |c| c.0);
    let mut out = Vec::new();
    let mut k = 0;
    let mut spaced = true;
    while k < chars.len() {
        let (start, c) = chars[k];
        if c.is_whitespace() {
            spaced = true;
            k += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let mut j = k;
            let mut digits = String::new();
            let mut decimals = 0u32;
            let mut seen_dot = false;
            while j < chars.len() {
                let ch = chars[j].1;
                if ch.is_ascii_digit() {
                    digits.push(ch);
                    if seen_dot {
                        decimals += 1;
                    }
                    j += 1;
                } else if (ch == ',' || ch == '.')
                    && chars.get(j + 1).is_some_and(|x| x.1.is_ascii_digit())
                {
                    if ch == '.' {
                        if seen_dot {
                            break;
                        }
                        seen_dot = true;
                        digits.push('.');
                    } else {
                        // A thousands separator must be followed by exactly 3 digits.
                        let three = (1..=3)
                            .all(|d| chars.get(j + d).is_some_and(|x| x.1.is_ascii_digit()))
                            && !chars.get(j + 4).is_some_and(|x| x.1.is_ascii_digit());
                        if !three || seen_dot {
                            break;
                        }
                    }
                    j += 1;
                } else {
                    break;
                }
            }
            // Clock times and scores ("02:19", "3:1") are not quantities.
            if chars.get(j).is_some_and(|x| x.1 == ':')
                && chars.get(j + 1).is_some_and(|x| x.1.is_ascii_digit())
            {
                j += 1;
                while chars
                    .get(j)
                    .is_some_and(|x| x.1.is_ascii_digit() || x.1 == ':')
                {
                    j += 1;
                }
                out.push(Lexeme {
                    tok: Tok::Punct(':'),
                    span: start..end_of(j),
                    spaced,
                });
                spaced = false;
                k = j;
                continue;
            }
            let value = digits.parse::<f64>().unwrap_or(0.0);
            out.push(Lexeme {
                tok: Tok::Num(value, decimals),
                span: start..end_of(j),
                spaced,
            });
            spaced = false;
            k = j;
            continue;
        }
        if c.is_alphabetic() {
            let mut j = k + 1;
            while j < chars.len() {
                let ch = chars[j].1;
                if ch.is_alphabetic()
                    || (matches!(ch, '-' | '\'' | '’' | '.')
                        && chars.get(j + 1).is_some_and(|x| x.1.is_alphabetic()))
                {
                    j += 1;
                } else {
                    break;
                }
            }
            // Keep a trailing '.' of abbreviations such as "Jan." or "U.S." in the word.
            let mut word_end = j;
            if chars.get(j).is_some_and(|x| x.1 == '.') {
                let w: String = chars[k..j].iter().map(|x| x.1).collect();
                if is_abbreviation(&w) {
                    word_end = j + 1;
                }
            }
            let w: String = chars[k..word_end].iter().map(|x| x.1).collect();
            out.push(Lexeme {
                tok: Tok::Word(w),
                span: start..end_of(word_end),
                spaced,
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
        });
        spaced = false;
        k += 1;
    }
    out
}

fn is_abbreviation(w: &str) -> bool {
    let l = w.to_lowercase();
    (l.len() <= 4 && (month_of(&l).is_some() || weekday_of(&l).is_some()))
        || matches!(
            l.as_str(),
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

// Extraction

struct Parser<'a> {
    s: &'a str,
    lx: Vec<Lexeme>,
    /// Lowercased form of each word lexeme.
    lower: Vec<Option<String>>,
}

impl<'a> Parser<'a> {
    fn new(s: &'a str) -> Self {
        let lx = lex(s);
        let lower = lx
            .iter()
            .map(|l| match &l.tok {
                Tok::Word(w) => Some(w.to_lowercase()),
                _ => None,
            })
            .collect();
        Parser { s, lx, lower }
    }

    fn word(&self, i: usize) -> Option<&str> {
        self.lower.get(i)?.as_deref()
    }

    fn is_punct(&self, i: usize, c: char) -> bool {
        matches!(self.lx.get(i), Some(Lexeme { tok: Tok::Punct(p), .. }) if *p == c)
    }

    /// A bare number at `i` (digits or number words with an optional scale word):
    /// (value, half-width of its rounding, index after it).
    fn number(&self, i: usize) -> Option<(f64, f64, usize)> {
        let (mut v, decimals, mut j) = match &self.lx.get(i)?.tok {
            Tok::Num(v, d) => (*v, *d, i + 1),
            Tok::Word(_) => {
                let w = self.word(i)?;
                if w == "a" && self.word(i + 1) == Some("dozen") {
                    (12.0, 0, i + 2)
                } else if w == "a" && self.word(i + 1) == Some("decade") {
                    // "more than a decade" = "over ten (years)".
                    (10.0, 0, i + 2)
                } else if let Some(v) = number_word(w) {
                    (v, 0, i + 1)
                } else {
                    return None;
                }
            }
            _ => return None,
        };
        // "three dozen", "2 dozen": twelve times the number.
        if self.word(j) == Some("dozen") {
            v *= 12.0;
            j += 1;
        }
        // Ordinal suffix glued to digits ("5th") is part of the number.
        if let Some(Lexeme {
            tok: Tok::Word(w),
            spaced: false,
            ..
        }) = self.lx.get(j)
        {
            let lw = w.to_lowercase();
            if matches!(lw.as_str(), "st" | "nd" | "rd" | "th") {
                return Some((v, 0.0, j + 1));
            }
        }
        let mut half = 0.0;
        // Number word + "hundred"/scale ("one hundred", "two million").
        while let Some(w) = self.word(j) {
            let glued = !self.lx[j].spaced;
            match scale_word(w) {
                // Single-letter scales only when glued to digits ("5m", "$3bn").
                Some(scale) if (w.len() > 1 && w != "mn" && w != "tn") || glued => {
                    if w.len() <= 2 && !glued && !matches!(w, "mn" | "bn" | "tn") {
                        break;
                    }
                    v *= scale;
                    half = 0.5 * 10f64.powi(-(decimals as i32)) * scale;
                    j += 1;
                }
                Some(scale) if matches!(w, "mn" | "tn") => {
                    v *= scale;
                    half = 0.5 * 10f64.powi(-(decimals as i32)) * scale;
                    j += 1;
                }
                _ => break,
            }
        }
        Some((v, half, j))
    }

    fn hedge(&self, i: usize) -> Option<(Hedge, usize)> {
        for (words, hedge) in HEDGES {
            if words
                .iter()
                .enumerate()
                .all(|(k, w)| self.word(i + k) == Some(*w))
            {
                return Some((*hedge, i + words.len()));
            }
        }
        None
    }

    fn span_text(&self, from: usize, to: usize) -> (Range<usize>, String) {
        let start = self.lx[from].span.start;
        let end = self.lx[to - 1].span.end;
        (start..end, self.s[start..end].to_string())
    }

    /// A quantity (number, percent, money, proportion) starting at `i`.
    fn quantity(&self, i: usize) -> Option<(Fact, usize)> {
        let (hedge, mut j) = match self.hedge(i) {
            Some((h, j)) => (Some(h), j),
            None => (None, i),
        };
        // Currency before the number.
        let mut currency = None;
        if self.word(j) == Some("us")
            && matches!(
                self.lx.get(j + 1),
                Some(Lexeme {
                    tok: Tok::Sym('$'),
                    ..
                })
            )
        {
            currency = Some("USD");
            j += 2;
        } else if let Some(Lexeme {
            tok: Tok::Sym(c), ..
        }) = self.lx.get(j)
        {
            currency = currency_sym(*c);
            if currency.is_some() {
                j += 1;
            }
        } else if let Some(w) = self.word(j) {
            if matches!(w, "usd" | "eur" | "gbp" | "jpy") {
                currency = currency_word(w);
                j += 1;
            }
        }
        // Fraction words: "half", "a third", "two-thirds".
        let mut k = j;
        if currency.is_none() {
            if matches!(self.word(k), Some("a" | "one"))
                && self.word(k + 1).and_then(fraction_word).is_some()
            {
                k += 1;
            }
            if let Some(f) = self.word(k).and_then(fraction_word) {
                let end = k + 1;
                // "half of (the) 400" is a proportion; otherwise a percentage.
                let mut t = end;
                if self.word(t) == Some("of") {
                    t += 1;
                    if self.word(t) == Some("the") {
                        t += 1;
                    }
                    if let Some((total, _, after)) = self.number(t) {
                        let v = f * total;
                        let (lo, hi) = hedge.map_or((v, v), |h| h.range(v));
                        let (span, text) = self.span_text(i, after);
                        return Some((
                            Fact {
                                kind: FactKind::Number,
                                span,
                                text,
                                value: Value::Quantity {
                                    lo,
                                    hi,
                                    of: Some(total),
                                    currency: None,
                                },
                            },
                            after,
                        ));
                    }
                }
                // A bare fraction word counts only with a hedge or "of" after it
                // ("more than half", "a third of voters").
                if hedge.is_some() || self.word(end) == Some("of") {
                    let v = f * 100.0;
                    let (lo, hi) = hedge.map_or((v, v), |h| h.range(v));
                    let (span, text) = self.span_text(i, end);
                    return Some((
                        Fact {
                            kind: FactKind::Percent,
                            span,
                            text,
                            value: Value::Quantity {
                                lo,
                                hi,
                                of: None,
                                currency: None,
                            },
                        },
                        end,
                    ));
                }
                return None;
            }
        }
        let (v, half, mut end) = self.number(j)?;
        // Digits right after a capitalized word belong to a name ("CAC 40", "Boeing 737").
        if hedge.is_none() && currency.is_none() && j == i && i > 0 && end == j + 1 {
            if let (Tok::Num(_, 0), Some(Tok::Word(prev))) =
                (&self.lx[j].tok, self.lx.get(i - 1).map(|l| &l.tok))
            {
                let lp = prev.to_lowercase();
                if is_capitalized(prev)
                    && month_of(&lp).is_none()
                    && weekday_of(&lp).is_none()
                    && !is_stopword(&lp)
                    && !COMMON_STARTERS.contains(&lp.as_str())
                {
                    return None;
                }
            }
        }
        // A number word after a fraction word was not taken; "one" alone is too vague.
        if matches!(self.lx[j].tok, Tok::Word(_))
            && v <= 1.0
            && hedge.is_none()
            && currency.is_none()
        {
            return None;
        }
        let mut kind = if currency.is_some() {
            FactKind::Money
        } else {
            FactKind::Number
        };
        let mut of = None;
        // Unit after the number.
        if matches!(
            self.lx.get(end),
            Some(Lexeme {
                tok: Tok::Sym('%'),
                ..
            })
        ) {
            kind = FactKind::Percent;
            end += 1;
        } else if let Some(w) = self.word(end) {
            if w == "percent" || w == "pct" || w == "per-cent" {
                kind = FactKind::Percent;
                end += 1;
            } else if w == "per" && self.word(end + 1) == Some("cent") {
                kind = FactKind::Percent;
                end += 2;
            } else if currency.is_none() {
                if let Some(c) = currency_word(w) {
                    currency = Some(c);
                    kind = FactKind::Money;
                    end += 1;
                } else if w == "of" && kind == FactKind::Number {
                    let mut t = end + 1;
                    if self.word(t) == Some("the") {
                        t += 1;
                    }
                    if let Some((total, _, after)) = self.number(t) {
                        if total >= v && total > 0.0 {
                            of = Some(total);
                            end = after;
                        }
                    }
                }
            }
        }
        if kind == FactKind::Number && of.is_none() && currency.is_none() {
            // A lone four-digit year-like integer is a date.
            if let Tok::Num(n, 0) = self.lx[j].tok {
                let txt = &self.s[self.lx[j].span.clone()];
                if hedge.is_none()
                    && (1900.0..2100.0).contains(&n)
                    && txt.len() == 4
                    && end == j + 1
                {
                    let (span, text) = self.span_text(j, end);
                    return Some((
                        Fact {
                            kind: FactKind::Date,
                            span,
                            text,
                            value: Value::Date {
                                year: Some(n as i32),
                                month: None,
                                day: None,
                                weekday: None,
                            },
                        },
                        end,
                    ));
                }
            }
        }
        let (lo, hi) = match hedge {
            Some(h) => h.range(v),
            None => (v - half, v + half),
        };
        let (span, text) = self.span_text(i, end);
        Some((
            Fact {
                kind,
                span,
                text,
                value: Value::Quantity {
                    lo,
                    hi,
                    of,
                    currency,
                },
            },
            end,
        ))
    }

    fn day_at(&self, i: usize) -> Option<(u32, usize)> {
        if let Some(Lexeme {
            tok: Tok::Num(n, 0),
            ..
        }) = self.lx.get(i)
        {
            if (1.0..=31.0).contains(n) {
                let mut j = i + 1;
                if let Some(w) = self.word(j) {
                    if !self.lx[j].spaced && matches!(w, "st" | "nd" | "rd" | "th") {
                        j += 1;
                    }
                }
                return Some((*n as u32, j));
            }
        }
        None
    }

    fn year_at(&self, i: usize) -> Option<(i32, usize)> {
        match self.lx.get(i) {
            Some(Lexeme {
                tok: Tok::Num(n, 0),
                span,
                ..
            }) if (1000.0..2200.0).contains(n) && span.len() == 4 => Some((*n as i32, i + 1)),
            _ => None,
        }
    }

    /// A date starting at `i` (month name, day + month, weekday).
    fn date(&self, i: usize) -> Option<(Fact, usize)> {
        let raw = match &self.lx.get(i)?.tok {
            Tok::Word(w) => Some(w.clone()),
            _ => None,
        };
        let mut year = None;
        let mut month = None;
        let mut day = None;
        let mut weekday = None;
        let mut end;
        if let Some(w) = &raw {
            let lw = w.to_lowercase();
            let capital = w.chars().next().is_some_and(char::is_uppercase);
            if let Some(d) = weekday_of(&lw).filter(|_| capital && lw.len() > 3) {
                weekday = Some(d);
                end = i + 1;
                if self.is_punct(end, ',') && self.word(end + 1).and_then(month_of).is_some() {
                    if let Some((
                        Fact {
                            value:
                                Value::Date {
                                    year: y,
                                    month: m,
                                    day: d2,
                                    ..
                                },
                            ..
                        },
                        e,
                    )) = self.date(end + 1)
                    {
                        year = y;
                        month = m;
                        day = d2;
                        end = e;
                    }
                }
            } else if let Some(m) = month_of(&lw).filter(|_| capital) {
                end = i + 1;
                if let Some((d, e)) = self.day_at(end) {
                    day = Some(d);
                    end = e;
                    let c = if self.is_punct(end, ',') {
                        end + 1
                    } else {
                        end
                    };
                    if let Some((y, e)) = self.year_at(c) {
                        year = Some(y);
                        end = e;
                    }
                } else if let Some((y, e)) = self.year_at(end) {
                    year = Some(y);
                    end = e;
                } else {
                    // A month alone must be a full, unambiguous name ("January", "June") or
                    // an abbreviation with its period ("Jan."): "May", "March", "Jan" are not.
                    let full = lw.len() > 4 || lw == "june" || lw == "july";
                    let ambiguous = lw == "may" || lw == "march";
                    if ambiguous || !(full || lw.ends_with('.')) {
                        return None;
                    }
                }
                month = Some(m);
            } else {
                return None;
            }
        } else {
            // Day before month: "5 January (2020)".
            let (d, e) = self.day_at(i)?;
            let mw = match &self.lx.get(e)?.tok {
                Tok::Word(w) if w.chars().next().is_some_and(char::is_uppercase) => w,
                _ => return None,
            };
            let m = month_of(&mw.to_lowercase())?;
            day = Some(d);
            month = Some(m);
            end = e + 1;
            if let Some((y, e)) = self.year_at(end) {
                year = Some(y);
                end = e;
            }
        }
        let (span, text) = self.span_text(i, end);
        Some((
            Fact {
                kind: FactKind::Date,
                span,
                text,
                value: Value::Date {
                    year,
                    month,
                    day,
                    weekday,
                },
            },
            end,
        ))
    }
}

/// Extract the facts of a text (numbers, percentages, money, dates and names), in order.
pub fn extract(s: &str) -> Vec<Fact> {
    let p = Parser::new(s);
    let mut facts = Vec::new();
    let mut taken = vec![false; p.lx.len()];
    let mut i = 0;
    while i < p.lx.len() {
        if let Some((f, end)) = p.date(i).or_else(|| p.quantity(i)) {
            if end > i {
                for t in taken.iter_mut().take(end).skip(i) {
                    *t = true;
                }
                facts.push(f);
                i = end;
                continue;
            }
        }
        i += 1;
    }
    // Names.
    let mut i = 0;
    // Index of the first word of each sentence-like segment (after . ! ? : or a quote).
    let mut segment_start = true;
    while i < p.lx.len() {
        let starts_segment = segment_start;
        segment_start = matches!(
            p.lx[i].tok,
            Tok::Punct('.' | '!' | '?' | ':' | '"' | '“' | '‘' | '(' | '—')
        );
        let Tok::Word(w) = &p.lx[i].tok else {
            i += 1;
            continue;
        };
        if taken[i] || !is_capitalized(w) {
            i += 1;
            continue;
        }
        let mut j = i;
        // (lexeme index, lowercase word, written in capitals) of each word of the run.
        let mut items: Vec<(usize, String, bool)> = Vec::new();
        while j < p.lx.len() && !taken[j] {
            let Tok::Word(w) = &p.lx[j].tok else { break };
            let lw = w.to_lowercase();
            if is_capitalized(w) && month_of(&lw).is_none() && weekday_of(&lw).is_none() {
                let caps = w.chars().filter(|c| c.is_alphabetic()).count() >= 2
                    && !w.chars().any(char::is_lowercase);
                items.push((j, lw.trim_end_matches('.').to_string(), caps));
                j += 1;
            } else if CONNECTORS.contains(&lw.as_str())
                && !items.is_empty()
                && matches!(p.lx.get(j + 1), Some(Lexeme { tok: Tok::Word(n), .. }) if is_capitalized(n))
            {
                items.push((j, lw, false));
                j += 1;
            } else {
                break;
            }
        }
        // A leading run of two or more words in capitals before ordinary capitalized words is
        // a kicker or label ("JUST WATCHED Obama", "MUST WATCH The"), not part of the name.
        let caps_run = items.iter().take_while(|x| x.2).count();
        if caps_run >= 2 && caps_run < items.len() {
            items.drain(..caps_run);
        }
        // Function words and sentence starters at the edges are not part of a name.
        let edge =
            |w: &str| is_stopword(w) || COMMON_STARTERS.contains(&w) || CONNECTORS.contains(&w);
        let first_is_start = starts_segment && items.first().is_some_and(|x| x.0 == i);
        while items.first().is_some_and(|x| edge(&x.1)) {
            items.remove(0);
        }
        while items.last().is_some_and(|x| edge(&x.1)) {
            items.pop();
        }
        // A lone capitalized word at the start of a sentence is not taken for a name.
        if items.is_empty() || (first_is_start && items.len() == 1 && items[0].0 == i) {
            i = j.max(i + 1);
            continue;
        }
        let key: Vec<String> = items
            .iter()
            .filter(|x| !TITLES.contains(&x.1.as_str()) && !CONNECTORS.contains(&x.1.as_str()))
            .map(|x| name_word(&x.1))
            .collect();
        if !key.is_empty() {
            let (span, text) = p.span_text(items[0].0, items[items.len() - 1].0 + 1);
            facts.push(Fact {
                kind: FactKind::Name,
                span,
                text,
                value: Value::Name(key),
            });
        }
        i = j.max(i + 1);
    }
    facts.sort_by_key(|f| f.span.start);
    facts
}

/// Comparable form of a (lowercase) name word: curly apostrophes folded, a possessive `'s`
/// and a plural `s` removed (`Trump’s` = `Trump's` = `trump`, `Americans` = `american`).
fn name_word(w: &str) -> String {
    let w = w.replace('’', "'").replace('.', "");
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix('\''))
        .unwrap_or(&w);
    match w.strip_suffix('s') {
        Some(stem) if stem.chars().count() >= 3 && !stem.ends_with('s') => stem.to_string(),
        _ => w.to_string(),
    }
}

/// Lowercased words of a text with their byte start.
fn words_lower(s: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(st) = start.take() {
            out.push((st, s[st..i].to_lowercase()));
        }
    }
    out
}

/// Word-level alignment of two texts by a longest common subsequence: each word's slot is the
/// number of LCS-matched words before it, and whether the LCS matched it.
struct Slots {
    a: Vec<usize>,
    b: Vec<usize>,
    matched_a: Vec<bool>,
    matched_b: Vec<bool>,
}

fn word_slots(a: &[(usize, String)], b: &[(usize, String)]) -> Slots {
    let (n, m) = (a.len(), b.len());
    let mut out = Slots {
        a: vec![0; n],
        b: vec![0; m],
        matched_a: vec![false; n],
        matched_b: vec![false; m],
    };
    if n.saturating_mul(m) > 1_000_000 {
        // Too long to align word by word: every word in its own slot, so no names pair up.
        out.a = (0..n).collect();
        out.b = (n..n + m).collect();
        return out;
    }
    let c = m + 1;
    let mut dp = vec![0u32; (n + 1) * c];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            dp[i * c + j] = if a[i].1 == b[j].1 {
                dp[(i + 1) * c + j + 1] + 1
            } else {
                dp[(i + 1) * c + j].max(dp[i * c + j + 1])
            };
        }
    }
    let (mut i, mut j, mut k) = (0, 0, 0);
    while i < n && j < m {
        if a[i].1 == b[j].1 {
            out.a[i] = k;
            out.b[j] = k;
            out.matched_a[i] = true;
            out.matched_b[j] = true;
            k += 1;
            i += 1;
            j += 1;
        } else if dp[(i + 1) * c + j] >= dp[i * c + j + 1] {
            out.a[i] = k;
            i += 1;
        } else {
            out.b[j] = k;
            j += 1;
        }
    }
    for x in out.a.iter_mut().skip(i) {
        *x = k;
    }
    for x in out.b.iter_mut().skip(j) {
        *x = k;
    }
    out
}

/// Number of unmatched words in slot `slot` of one side, besides those inside `span`.
fn gap_besides(
    words: &[(usize, String)],
    slots: &[usize],
    matched: &[bool],
    slot: usize,
    span: &Range<usize>,
) -> usize {
    words
        .iter()
        .enumerate()
        .filter(|(i, w)| slots[*i] == slot && !matched[*i] && !span.contains(&w.0))
        .count()
}

/// Slot of a name: the slot of its first word the LCS did not match (`None` when every word of
/// the name is matched, i.e. the name also occurs in the other text at that place).
fn name_slot(
    (words, slots, matched): (&Vec<(usize, String)>, &Vec<usize>, &Vec<bool>),
    span: &Range<usize>,
) -> Option<usize> {
    words
        .iter()
        .enumerate()
        .find(|(i, w)| span.contains(&w.0) && !matched[*i])
        .map(|(i, _)| slots[i])
}

/// The disagreements of two sentences whose facts are already extracted.
pub fn compare_facts(
    a_sentence: usize,
    a: &str,
    fa: &[Fact],
    b_sentence: usize,
    b: &str,
    fb: &[Fact],
) -> Vec<Disagreement> {
    if fa.is_empty() || fb.is_empty() {
        return Vec::new();
    }
    let mut open_a = vec![true; fa.len()];
    let mut open_b = vec![true; fb.len()];
    let lower_a = a.to_lowercase();
    let lower_b = b.to_lowercase();
    // Remove facts that agree with some fact of the other sentence.
    for (i, x) in fa.iter().enumerate() {
        for (j, y) in fb.iter().enumerate() {
            if open_b[j] && x.agrees(y) {
                open_a[i] = false;
                open_b[j] = false;
                break;
            }
        }
    }
    // Names mentioned anywhere in the other sentence agree too.
    let mentioned = |f: &Fact, other: &str| match &f.value {
        Value::Name(words) => {
            let other: HashSet<String> = words_lower(other)
                .into_iter()
                .map(|(_, x)| name_word(&x))
                .collect();
            words.iter().all(|w| other.contains(w))
        }
        _ => false,
    };
    for (i, x) in fa.iter().enumerate() {
        if open_a[i] && mentioned(x, &lower_b) {
            open_a[i] = false;
        }
    }
    for (j, y) in fb.iter().enumerate() {
        if open_b[j] && mentioned(y, &lower_a) {
            open_b[j] = false;
        }
    }
    let wa = words_lower(a);
    let wb = words_lower(b);
    let sl = word_slots(&wa, &wb);
    let (sa, sb) = (&sl.a, &sl.b);
    let mut out = Vec::new();
    for kind in [
        FactKind::Number,
        FactKind::Percent,
        FactKind::Money,
        FactKind::Date,
        FactKind::Name,
    ] {
        let xs: Vec<usize> = (0..fa.len())
            .filter(|&i| open_a[i] && fa[i].kind == kind)
            .collect();
        let mut ys: Vec<usize> = (0..fb.len())
            .filter(|&j| open_b[j] && fb[j].kind == kind)
            .collect();
        for i in xs {
            let pick = if kind == FactKind::Name {
                let side_a = (&wa, sa, &sl.matched_a);
                let side_b = (&wb, sb, &sl.matched_b);
                name_slot(side_a, &fa[i].span).and_then(|slot| {
                    ys.iter().position(|&j| {
                        name_slot(side_b, &fb[j].span) == Some(slot)
                            && gap_besides(&wa, sa, &sl.matched_a, slot, &fa[i].span)
                                <= NAME_GAP_MAX
                            && gap_besides(&wb, sb, &sl.matched_b, slot, &fb[j].span)
                                <= NAME_GAP_MAX
                    })
                })
            } else {
                ys.iter().position(|&j| fa[i].comparable(&fb[j]))
            };
            if let Some(p) = pick {
                let j = ys.remove(p);
                out.push(Disagreement {
                    a_sentence,
                    b_sentence,
                    a_value: fa[i].text.clone(),
                    b_value: fb[j].text.clone(),
                    kind,
                    via: Via::Aligned,
                    confidence: storyfold::align::facts::prior_confidence(kind),
                });
            }
        }
    }
    out
}

/// The key terms of already extracted facts.
pub fn key_terms_of(facts: &[Fact]) -> Vec<String> {
    let mut out = Vec::new();
    for f in facts {
        match &f.value {
            Value::Name(words) => {
                for w in words {
                    if !is_stopword(w) {
                        out.push(w.clone());
                    }
                }
            }
            Value::Quantity {
                lo, hi, currency, ..
            } => {
                let mid = (lo + hi) / 2.0;
                if f.kind == FactKind::Number && mid < 10.0 {
                    continue;
                }
                let tag = match f.kind {
                    FactKind::Percent => "%",
                    FactKind::Money => currency.unwrap_or("$"),
                    _ => "#",
                };
                out.push(format!("{tag}{}", round_sig(mid)));
            }
            Value::Date {
                year,
                month,
                day,
                weekday,
            } => {
                if weekday.is_some() && year.is_none() && month.is_none() {
                    continue;
                }
                out.push(format!(
                    "@{}-{}-{}",
                    year.map_or(String::new(), |y| y.to_string()),
                    month.map_or(String::new(), |m| m.to_string()),
                    day.map_or(String::new(), |d| d.to_string())
                ));
            }
        }
    }
    out
}

/// Round to 3 significant digits for key-term matching.
fn round_sig(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return "0".into();
    }
    let mag = x.abs().log10().floor() as i32;
    let f = 10f64.powi(2 - mag);
    format!("{}", (x * f).round() / f)
}
