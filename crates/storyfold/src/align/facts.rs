//! Disagreeing facts: numbers, percentages, money amounts, dates and names that differ between
//! two aligned sentences.
//!
//! [`extract`] finds the facts of a sentence (in its original, case-preserving text) and
//! normalizes their values:
//!
//! * **Numbers**: digits (`1,200`, `3.5`), number words (`three`, `twenty-five`, `a dozen`,
//!   `three dozen`, `one hundred`), scale words (`thousand`/`k`, `million`/`m`/`mn`,
//!   `billion`/`bn`, `trillion`/`tn`); `N of (the) M` (`250 of the 400`) and fraction words with
//!   a total (`half of 400`, `a third of the 90`) are proportions `N/M`.
//! * **Percentages**: `85%`, `85 percent`, `85 per cent`, `85 pct`, and fraction words without
//!   a total (`half` = 50%, `a third`, `a quarter`, `two-thirds`).
//! * **Money**: a currency sign or code before (`$`, `US$`, `£`, `€`, `¥`, `USD`) or a currency
//!   word after (`dollars`, `pounds`, `euros`, `yen`) a number: `$1.2 billion` = `1.2bn dollars`.
//! * **Dates**: month names and abbreviations with a day and/or year (`Jan. 5` = `January 5` =
//!   `5 January`), weekdays, and lone years 1900-2099. Clock times and scores (`02:19`) and
//!   digits right after a capitalized word (`CAC 40`, `Boeing 737`) are not facts.
//! * **Names**: runs of capitalized words (joined by `of`, `de`, `van`, `von`, `al`, ...),
//!   without months and weekdays, without function words and common sentence starters at
//!   either end (`The`, `Neither`), without a leading run of two or more words in capitals
//!   (kickers such as `JUST WATCHED`), and not a lone capitalized first word of a sentence.
//!   Name words are compared without titles (`Mr.`, `Governor`), dots, curly apostrophes, a
//!   possessive `'s` or a plural `s` (`U.S.` = `US`, `Trump’s` = `Trump`).
//!
//! **Ranges.** Every quantity is a closed range `[lo, hi]`. An exact figure is a point, widened
//! by half a unit of its last written decimal when it has a scale word (`$1.2bn` covers
//! 1.15-1.25 billion). Hedges turn a figure `v` into a range that stays close to `v`, because a
//! hedge in news copy rounds the true figure rather than merely bounding it:
//! `about`/`around`/`roughly`/`approximately`/`some`/`an estimated` → `[0.9v, 1.1v]`;
//! `nearly`/`almost`/`close to`/`just under`/`up to` → `[0.9v, v]`;
//! `more than`/`over`/`above`/`at least`/`just over`/`upwards of` → `[v, 1.2v]`;
//! `less than`/`fewer than`/`under`/`below` → `[0.8v, v]`.
//! Two quantities of the same kind **agree** when their ranges overlap (proportions compare
//! their ratios; money also needs the same currency when both name one). Hence "85 percent"
//! against "more than 50%" (50-60%) and "250 of the 400 districts" (62.5%) against "around half
//! of 400 districts" (45-55%) disagree, while "nearly 40%" against "39%" agrees. Two dates agree
//! when every field (year, month, day, weekday) present in both is equal; dates sharing no field
//! are not compared. Two names agree when one's words contain the other's, when the differing
//! words of one are the initials of the other's (`UN` = `United Nations`), when the single
//! differing words share a prefix of 5 letters or one is a prefix (3+ letters) of the other
//! (`Democrats` = `Democratic` = `Dems`), or when the name occurs anywhere in the other sentence.
//!
//! [`compare_sentences`] removes the facts that agree with a fact of the other sentence, then
//! pairs the rest: numbers, percentages, money and dates of the same kind in order of
//! appearance; names only when they fill the same slot (their first word not matched by a
//! word-level longest common subsequence of the two sentences falls in the same gap between
//! shared words) and that gap holds at most [`NAME_GAP_MAX`] (2) other differing words on each
//! side, i.e. one name was replaced by another. Each pair that does not agree is a
//! [`Disagreement`]. A fact without a partner (something added or left out) is not a
//! disagreement.
//!
//! **Speed.** Both run for every sentence of every story member, so they avoid per-word work
//! and allocation: the lexer keeps each word as a span of the text and all lowercase forms in
//! one buffer (an ASCII text is lexed byte by byte, without decoding), one `match` rules out the
//! words that can start no quantity or hedge, and [`compare_facts`] stops as soon as no kind
//! has a fact left open on both sides (the common case: the facts agree), builds each side's
//! name-mention words at most once (slices of one lowercase copy for ASCII) and aligns the
//! words for name slots on numbers instead of strings. The former code is kept as a test
//! oracle (`facts/oracle.rs`): property tests and an on-demand corpus test check that
//! extraction, comparison and key terms give exactly what it gives.

use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::text::lexicon::{
    fraction_word, is_capitalized, is_stopword, month_of, number_word, scale_word, weekday_of,
    NAME_CONNECTORS,
};

/// Kind of a fact value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    /// A plain number or count.
    Number,
    /// A percentage or proportion.
    Percent,
    /// A money amount.
    Money,
    /// A date or time.
    Date,
    /// A person, organization or place name.
    Name,
}

/// A fact that differs between two aligned sentences.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Disagreement {
    /// Index of the sentence in A.
    pub a_sentence: usize,
    /// Index of the sentence in B.
    pub b_sentence: usize,
    /// The value as written in A.
    pub a_value: String,
    /// The value as written in B.
    pub b_value: String,
    /// What kind of fact.
    pub kind: FactKind,
    /// Which pass found it: aligned sentences, or unaligned ones (same topic, quantity frames).
    pub via: Via,
}

/// Which fact pass found a [`Disagreement`] (field `via` of the outputs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// Two sentences aligned to each other (`edited` or `paraphrase`).
    #[default]
    Aligned,
    /// Two unaligned sentences about the same thing (shared wording), the aligner's same-topic
    /// pass.
    SameTopic,
    /// Two unaligned sentences whose figures count the same thing in different words
    /// ([`super::frames`]).
    Frame,
}

/// The normalized value of a fact.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A number, percentage (in percent) or money amount as a closed range.
    Quantity {
        /// Lower end.
        lo: f64,
        /// Upper end.
        hi: f64,
        /// Total of a proportion (`250 of 400`): the range is then of the ratio `value / total`.
        of: Option<f64>,
        /// ISO-like currency code of a money amount, when written.
        currency: Option<&'static str>,
    },
    /// A date; absent fields were not written.
    Date {
        /// Year.
        year: Option<i32>,
        /// Month 1-12.
        month: Option<u32>,
        /// Day of month 1-31.
        day: Option<u32>,
        /// Weekday 0 (Monday) - 6 (Sunday).
        weekday: Option<u32>,
    },
    /// A name: its lowercased words without titles.
    Name(Vec<String>),
}

/// A fact found in a text.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    /// What kind of fact.
    pub kind: FactKind,
    /// Byte span in the text given to [`extract`].
    pub span: Range<usize>,
    /// The fact as written.
    pub text: String,
    /// Its normalized value.
    pub value: Value,
}

impl Fact {
    /// Whether two facts of the same kind state the same thing (see the [module docs](self)).
    pub fn agrees(&self, other: &Fact) -> bool {
        if self.kind != other.kind {
            return false;
        }
        match (&self.value, &other.value) {
            (
                Value::Quantity {
                    lo: l1,
                    hi: h1,
                    of: o1,
                    currency: c1,
                },
                Value::Quantity {
                    lo: l2,
                    hi: h2,
                    of: o2,
                    currency: c2,
                },
            ) => {
                if let (Some(c1), Some(c2)) = (c1, c2) {
                    if c1 != c2 {
                        return false;
                    }
                }
                let (l1, h1, l2, h2) = match (o1, o2) {
                    (Some(t1), Some(t2)) if *t1 > 0.0 && *t2 > 0.0 => {
                        (l1 / t1, h1 / t1, l2 / t2, h2 / t2)
                    }
                    (None, None) => (*l1, *h1, *l2, *h2),
                    _ => return true,
                };
                let eps = 1e-9 * (h1.abs().max(h2.abs()).max(1.0));
                if h1 - l1 <= eps || h2 - l2 <= eps {
                    // A point agrees with a range that contains it, edges included.
                    l1 <= h2 + eps && l2 <= h1 + eps
                } else {
                    // Two ranges must overlap on more than a shared edge: "up to 110"
                    // (99-110) and "around 90" (81-99) state different figures.
                    l1 < h2 - eps && l2 < h1 - eps
                }
            }
            (
                Value::Date {
                    year: y1,
                    month: m1,
                    day: d1,
                    weekday: w1,
                },
                Value::Date {
                    year: y2,
                    month: m2,
                    day: d2,
                    weekday: w2,
                },
            ) => {
                fn same<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
                    match (a, b) {
                        (Some(x), Some(y)) => x == y,
                        _ => true,
                    }
                }
                same(y1, y2) && same(m1, m2) && same(d1, d2) && same(w1, w2)
            }
            (Value::Name(a), Value::Name(b)) => names_agree(a, b),
            _ => false,
        }
    }

    /// Whether two dates have at least one field in common (so comparing them makes sense).
    fn comparable(&self, other: &Fact) -> bool {
        match (&self.value, &other.value) {
            (
                Value::Date {
                    year: y1,
                    month: m1,
                    day: d1,
                    weekday: w1,
                },
                Value::Date {
                    year: y2,
                    month: m2,
                    day: d2,
                    weekday: w2,
                },
            ) => {
                (y1.is_some() && y2.is_some())
                    || (m1.is_some() && m2.is_some())
                    || (d1.is_some() && d2.is_some())
                    || (w1.is_some() && w2.is_some())
            }
            _ => self.kind == other.kind,
        }
    }
}

/// Whether two names (lowercased words) agree: one's words are a subset of the other's, or
/// the words they do not share are forms of one word (`Democrats` / `Democratic`) or an
/// acronym of the other's (`UN` / `United Nations`). Names have a handful of words, so the
/// sets are the slices themselves (no allocation on this hot path).
fn names_agree(a: &[String], b: &[String]) -> bool {
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

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok {
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

#[derive(Clone, Debug)]
struct Lexeme {
    tok: Tok,
    span: Range<usize>,
    /// Whether whitespace comes right before this lexeme (or it starts the text).
    spaced: bool,
    /// Byte range of a word's lowercase form in the buffer [`lex`] returns (empty otherwise).
    lower: Range<usize>,
}

/// The lexemes of a text and one buffer holding the lowercase form of every word (each word's
/// [`str::to_lowercase`], one after the other), so that lexing allocates no string per word.
fn lex(s: &str) -> (Vec<Lexeme>, String) {
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

// ---------------------------------------------------------------------------------------------
// Vocabularies

fn currency_word(w: &str) -> Option<&'static str> {
    Some(match w {
        "dollar" | "dollars" | "usd" => "USD",
        "pound" | "pounds" | "sterling" | "gbp" => "GBP",
        "euro" | "euros" | "eur" => "EUR",
        "yen" | "jpy" => "JPY",
        "yuan" | "renminbi" | "cny" => "CNY",
        "rupee" | "rupees" | "inr" => "INR",
        _ => return None,
    })
}

fn currency_sym(c: char) -> Option<&'static str> {
    Some(match c {
        '$' => "USD",
        '£' => "GBP",
        '€' => "EUR",
        '¥' => "JPY",
        _ => return None,
    })
}

#[derive(Clone, Copy)]
enum Hedge {
    About,
    Nearly,
    MoreThan,
    LessThan,
}

impl Hedge {
    fn range(self, v: f64) -> (f64, f64) {
        match self {
            Hedge::About => (0.9 * v, 1.1 * v),
            Hedge::Nearly => (0.9 * v, v),
            Hedge::MoreThan => (v, 1.2 * v),
            Hedge::LessThan => (0.8 * v, v),
        }
    }
}

/// Hedge phrases (lowercase word sequences).
const HEDGES: &[(&[&str], Hedge)] = &[
    (&["more", "than"], Hedge::MoreThan),
    (&["at", "least"], Hedge::MoreThan),
    (&["just", "over"], Hedge::MoreThan),
    (&["upwards", "of"], Hedge::MoreThan),
    (&["over"], Hedge::MoreThan),
    (&["above"], Hedge::MoreThan),
    (&["less", "than"], Hedge::LessThan),
    (&["fewer", "than"], Hedge::LessThan),
    (&["under"], Hedge::LessThan),
    (&["below"], Hedge::LessThan),
    (&["just", "under"], Hedge::Nearly),
    (&["close", "to"], Hedge::Nearly),
    (&["up", "to"], Hedge::Nearly),
    (&["nearly"], Hedge::Nearly),
    (&["almost"], Hedge::Nearly),
    (&["about"], Hedge::About),
    (&["around"], Hedge::About),
    (&["roughly"], Hedge::About),
    (&["approximately"], Hedge::About),
    (&["an", "estimated"], Hedge::About),
    (&["some"], Hedge::About),
];

/// Whether a (lowercase) word may start a quantity ([`Parser::quantity`]): a hedge, a currency
/// code before a figure (`US$`, `USD`), `a`/`one` before a fraction word, a fraction word or a
/// number word (`a dozen`, `a decade` start with `a`).
fn starts_quantity(w: &str) -> bool {
    is_hedge_start(w)
        || matches!(w, "us" | "usd" | "eur" | "gbp" | "jpy" | "a" | "one")
        || fraction_word(w).is_some()
        || number_word(w).is_some()
}

/// Whether a (lowercase) word is the first word of one of the [`HEDGES`].
fn is_hedge_start(w: &str) -> bool {
    matches!(
        w,
        "more"
            | "at"
            | "just"
            | "upwards"
            | "over"
            | "above"
            | "less"
            | "fewer"
            | "under"
            | "below"
            | "close"
            | "up"
            | "nearly"
            | "almost"
            | "about"
            | "around"
            | "roughly"
            | "approximately"
            | "an"
            | "some"
    )
}

// ---------------------------------------------------------------------------------------------
// Extraction

struct Parser<'a> {
    s: &'a str,
    lx: Vec<Lexeme>,
    /// Lowercase form of each word lexeme (slices of the buffer of [`lex`]).
    lower: Vec<Option<&'a str>>,
}

impl<'a> Parser<'a> {
    /// The parser of `s`, lexed into `lx` with the lowercase words in `lower` ([`lex`]).
    fn new(s: &'a str, lx: Vec<Lexeme>, lower: &'a str) -> Self {
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
    fn word(&self, i: usize) -> Option<&'a str> {
        self.lower.get(i).copied().flatten()
    }

    /// Lexeme `i` as written.
    fn text(&self, i: usize) -> &'a str {
        &self.s[self.lx[i].span.clone()]
    }

    fn is_punct(&self, i: usize, c: char) -> bool {
        matches!(self.lx.get(i), Some(Lexeme { tok: Tok::Punct(p), .. }) if *p == c)
    }

    /// A bare number at `i` (digits or number words with an optional scale word):
    /// (value, half-width of its rounding, index after it).
    fn number(&self, i: usize) -> Option<(f64, f64, usize)> {
        let (mut v, decimals, mut j) = match &self.lx.get(i)?.tok {
            Tok::Num(v, d) => (*v, *d, i + 1),
            Tok::Word => {
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
        if self.lx.get(j).is_some_and(|l| !l.spaced)
            && matches!(self.word(j), Some("st" | "nd" | "rd" | "th"))
        {
            return Some((v, 0.0, j + 1));
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
        // Most words start no hedge: one `match` rules them out before the phrase scan.
        if !self.word(i).is_some_and(is_hedge_start) {
            return None;
        }
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
        // Most words start no quantity: rule them out before trying every form.
        if self.word(i).is_some_and(|w| !starts_quantity(w)) {
            return None;
        }
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
            if let (Tok::Num(_, 0), Some(lp)) = (self.lx[j].tok, self.word(i - 1)) {
                if is_capitalized(self.text(i - 1))
                    && month_of(lp).is_none()
                    && weekday_of(lp).is_none()
                    && !is_stopword(lp)
                    && !COMMON_STARTERS.contains(&lp)
                {
                    return None;
                }
            }
        }
        // A number word after a fraction word was not taken; "one" alone is too vague.
        if matches!(self.lx[j].tok, Tok::Word) && v <= 1.0 && hedge.is_none() && currency.is_none()
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
        let raw = self.word(i);
        let mut year = None;
        let mut month = None;
        let mut day = None;
        let mut weekday = None;
        let mut end;
        if let Some(lw) = raw {
            // A weekday or a month must be capitalized: a lowercase word is no date.
            if !is_capitalized(self.text(i)) {
                return None;
            }
            if let Some(d) = weekday_of(lw).filter(|_| lw.len() > 3) {
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
            } else if let Some(m) = month_of(lw) {
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
            let mw = self.word(e)?;
            if !is_capitalized(self.text(e)) {
                return None;
            }
            let m = month_of(mw)?;
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

const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sir",
    "gen",
    "sen",
    "rep",
    "gov",
    "president",
    "minister",
    "judge",
    "lord",
    "lady",
    "king",
    "queen",
    "pope",
    "st",
];

/// Extract the facts of a text (numbers, percentages, money, dates and names), in order.
pub fn extract(s: &str) -> Vec<Fact> {
    let (lx, lower) = lex(s);
    let p = Parser::new(s, lx, &lower);
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
    facts.sort_by_key(|f| f.span.start);
    facts
}

/// Comparable form of a (lowercase) name word: curly apostrophes folded, a possessive `'s`
/// and a plural `s` removed (`Trump’s` = `Trump's` = `trump`, `Americans` = `american`).
fn name_word(w: &str) -> String {
    if w.contains('.') || w.contains('’') {
        name_stem(&w.replace('’', "'").replace('.', "")).to_string()
    } else {
        name_stem(w).to_string()
    }
}

/// [`name_word`] of a word without curly apostrophes and dots (a slice of it, no copy).
fn name_stem(w: &str) -> &str {
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix('\''))
        .unwrap_or(w);
    match w.strip_suffix('s') {
        Some(stem) if stem.chars().count() >= 3 && !stem.ends_with('s') => stem,
        _ => w,
    }
}

/// Capitalized sentence starters that are not names.
const COMMON_STARTERS: &[&str] = &[
    "however",
    "meanwhile",
    "while",
    "although",
    "officials",
    "police",
    "according",
    "yet",
    "still",
    "now",
    "then",
    "last",
    "next",
    "later",
    "earlier",
    "many",
    "most",
    "some",
    "several",
    "both",
    "each",
    "every",
    "no",
    "these",
    "those",
    "such",
    "since",
    "because",
    "during",
    "under",
    "despite",
    "instead",
    "thus",
    "why",
    "how",
    "where",
    "once",
    "among",
    "until",
    "neither",
    "nor",
    "though",
    "critics",
    "supporters",
    "experts",
    "analysts",
    "residents",
    "authorities",
    "sources",
    "witnesses",
    "doctors",
    "patients",
];

/// Key terms of a text for same-story detection: the words of names, and canonical forms of
/// numbers (at least 10), percentages, money amounts and dates.
pub fn key_terms(s: &str) -> Vec<String> {
    key_terms_of(&extract(s))
}

/// [`key_terms`] of already extracted facts. Each term is written straight into its own
/// string (no intermediate strings per number or date field).
pub fn key_terms_of(facts: &[Fact]) -> Vec<String> {
    use std::fmt::Write as _;
    let mut out = Vec::with_capacity(facts.len());
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
                let mut t = String::with_capacity(16);
                t.push_str(tag);
                write_round_sig(&mut t, mid);
                out.push(t);
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
                // "@year-month-day", absent fields left empty.
                let mut t = String::with_capacity(16);
                t.push('@');
                if let Some(y) = year {
                    let _ = write!(t, "{y}");
                }
                t.push('-');
                if let Some(m) = month {
                    let _ = write!(t, "{m}");
                }
                t.push('-');
                if let Some(d) = day {
                    let _ = write!(t, "{d}");
                }
                out.push(t);
            }
        }
    }
    out
}

/// Writes `x` rounded to 3 significant digits (for key-term matching) to `out`.
fn write_round_sig(out: &mut String, x: f64) {
    use std::fmt::Write as _;
    if x == 0.0 || !x.is_finite() {
        out.push('0');
        return;
    }
    let mag = x.abs().log10().floor() as i32;
    let f = 10f64.powi(2 - mag);
    let _ = write!(out, "{}", (x * f).round() / f);
}

/// Calls `f` with the byte start and the text of each word (run of alphanumeric characters)
/// of `s`.
fn for_each_word<'s>(s: &'s str, mut f: impl FnMut(usize, &'s str)) {
    let mut start = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(st) = start.take() {
            f(st, &s[st..i]);
        }
    }
}

/// Lowercased words of a text with their byte start.
fn words_lower(s: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for_each_word(s, |st, w| out.push((st, w.to_lowercase())));
    out
}

/// Calls `f` with [`words_lower`] of `s` as slices: of one lowercase copy of a text with
/// ASCII words ([`ascii_words`]: its words lowercase to the same bytes at the same places), of
/// each word's own lowercase string otherwise.
fn with_lower_words<R>(s: &str, f: impl FnOnce(&[(usize, &str)]) -> R) -> R {
    let mut words = Vec::new();
    if ascii_words(s) {
        let lower = s.to_ascii_lowercase();
        for_each_word(&lower, |st, w| words.push((st, w)));
        f(&words)
    } else {
        let owned = words_lower(s);
        words.extend(owned.iter().map(|(st, w)| (*st, w.as_str())));
        f(&words)
    }
}

/// The words of two texts for [`word_slots`]: each word's byte start and a number shared by
/// the equal lowercased words ([`words_lower`]) of both texts, so that the alignment compares
/// numbers instead of strings.
type SlotWords = Vec<(usize, u32)>;

/// Words with their byte starts as [`SlotWords`], numbering the words not seen yet.
fn numbered<'w>(ids: &mut FxHashMap<&'w str, u32>, words: &[(usize, &'w str)]) -> SlotWords {
    let mut out = Vec::with_capacity(words.len());
    for &(st, w) in words {
        let next = ids.len() as u32;
        out.push((st, *ids.entry(w).or_insert(next)));
    }
    out
}

/// [`SlotWords`] of two texts.
fn slot_words(a: &str, b: &str) -> (SlotWords, SlotWords) {
    with_lower_words(a, |wa| {
        with_lower_words(b, |wb| {
            let mut ids = FxHashMap::default();
            let a = numbered(&mut ids, wa);
            (a, numbered(&mut ids, wb))
        })
    })
}

/// Word-level alignment of two texts by a longest common subsequence: each word's slot is the
/// number of LCS-matched words before it, and whether the LCS matched it.
struct Slots {
    a: Vec<usize>,
    b: Vec<usize>,
    matched_a: Vec<bool>,
    matched_b: Vec<bool>,
}

fn word_slots(a: &[(usize, u32)], b: &[(usize, u32)]) -> Slots {
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
    words: &[(usize, u32)],
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
    (words, slots, matched): (&SlotWords, &Vec<usize>, &Vec<bool>),
    span: &Range<usize>,
) -> Option<usize> {
    words
        .iter()
        .enumerate()
        .find(|(i, w)| span.contains(&w.0) && !matched[*i])
        .map(|(i, _)| slots[i])
}

/// Most other differing words allowed around two names in the same slot.
pub const NAME_GAP_MAX: usize = 2;

/// The facts that differ between sentence `a_sentence` (text `a`) of A and `b_sentence`
/// (text `b`) of B (see the [module docs](self) for the rules).
pub fn compare_sentences(
    a_sentence: usize,
    a: &str,
    b_sentence: usize,
    b: &str,
) -> Vec<Disagreement> {
    compare_facts(a_sentence, a, &extract(a), b_sentence, b, &extract(b))
}

/// [`compare_sentences`] with the facts of the two texts already extracted (`fa` =
/// [`extract`]`(a)`, `fb` = [`extract`]`(b)`): the aligner keeps every sentence's facts and
/// compares a sentence with several others.
///
/// Most aligned pairs have nothing left to pair once the facts that agree are removed, so the
/// word-level work (the words of the texts, their alignment) is done only for what is still
/// open on both sides: the name-mention pass only when a name is open on both sides, the
/// slots only when one still is after it.
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
    // Only kinds with a fact open on both sides can disagree.
    let both = |open_a: &[bool], open_b: &[bool]| open_kinds(fa, open_a) & open_kinds(fb, open_b);
    let mut kinds = both(&open_a, &open_b);
    if kinds == 0 {
        return Vec::new();
    }
    if kinds & kind_bit(FactKind::Name) != 0 {
        // Names mentioned anywhere in the other sentence agree too.
        let mentioned = |f: &Fact, other: &mut Option<Mentions>, text: &str| match &f.value {
            Value::Name(words) => other
                .get_or_insert_with(|| Mentions::of(text))
                .contains_all(words),
            _ => false,
        };
        let (mut in_a, mut in_b) = (None, None);
        for (i, x) in fa.iter().enumerate() {
            if open_a[i] && mentioned(x, &mut in_b, b) {
                open_a[i] = false;
            }
        }
        for (j, y) in fb.iter().enumerate() {
            if open_b[j] && mentioned(y, &mut in_a, a) {
                open_b[j] = false;
            }
        }
        kinds = both(&open_a, &open_b);
    }
    let mut out = Vec::new();
    for kind in [
        FactKind::Number,
        FactKind::Percent,
        FactKind::Money,
        FactKind::Date,
        FactKind::Name,
    ] {
        if kinds & kind_bit(kind) == 0 {
            continue;
        }
        let xs: Vec<usize> = (0..fa.len())
            .filter(|&i| open_a[i] && fa[i].kind == kind)
            .collect();
        let mut ys: Vec<usize> = (0..fb.len())
            .filter(|&j| open_b[j] && fb[j].kind == kind)
            .collect();
        // The word slots of the two texts, for names only.
        let slots = (kind == FactKind::Name).then(|| {
            let (wa, wb) = slot_words(a, b);
            let sl = word_slots(&wa, &wb);
            (wa, wb, sl)
        });
        for i in xs {
            let pick = if let Some((wa, wb, sl)) = &slots {
                let (sa, sb) = (&sl.a, &sl.b);
                let side_a = (wa, sa, &sl.matched_a);
                let side_b = (wb, sb, &sl.matched_b);
                name_slot(side_a, &fa[i].span).and_then(|slot| {
                    ys.iter().position(|&j| {
                        name_slot(side_b, &fb[j].span) == Some(slot)
                            && gap_besides(wa, sa, &sl.matched_a, slot, &fa[i].span) <= NAME_GAP_MAX
                            && gap_besides(wb, sb, &sl.matched_b, slot, &fb[j].span) <= NAME_GAP_MAX
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
                });
            }
        }
    }
    out
}

/// A bit of each [`FactKind`], for sets of kinds.
fn kind_bit(kind: FactKind) -> u8 {
    1 << kind as u8
}

/// The kinds of the facts still open.
fn open_kinds(facts: &[Fact], open: &[bool]) -> u8 {
    facts
        .iter()
        .zip(open)
        .filter(|(_, &o)| o)
        .fold(0, |k, (f, _)| k | kind_bit(f.kind))
}

/// The words a name must all be among to count as mentioned in a text ([`compare_facts`]):
/// the [`name_word`] forms of the words ([`words_lower`]) of the lowercased text.
enum Mentions {
    /// A text with ASCII words ([`ascii_words`]), lowercased (the same bytes at the same
    /// places): its words are looked up in it one name word at a time ([`ascii_mentions`]), no
    /// list of words is built.
    Ascii(String),
    /// Any other text: the word forms.
    Other(Vec<String>),
}

impl Mentions {
    fn of(text: &str) -> Self {
        if ascii_words(text) {
            Mentions::Ascii(text.to_ascii_lowercase())
        } else {
            let lower = text.to_lowercase();
            Mentions::Other(
                words_lower(&lower)
                    .into_iter()
                    .map(|(_, x)| name_word(&x))
                    .collect(),
            )
        }
    }

    /// Whether every one of `words` is a word of the text.
    fn contains_all(&self, words: &[String]) -> bool {
        match self {
            Mentions::Ascii(lower) => words.iter().all(|w| ascii_mentions(lower, w)),
            Mentions::Other(forms) => words.iter().all(|w| forms.contains(w)),
        }
    }
}

/// Whether the words (runs of alphanumeric characters) of a text are ASCII and its lowercase
/// ([`str::to_lowercase`]) is its ASCII lowercase ([`str::to_ascii_lowercase`]): every
/// non-ASCII character is neither a letter nor a digit and is its own lowercase (curly quotes
/// and apostrophes, dashes), so lowercasing keeps every byte in place. News text with curly
/// punctuation takes the fast paths of [`compare_facts`] too.
fn ascii_words(s: &str) -> bool {
    s.is_ascii()
        || s.chars().all(|c| {
            c.is_ascii()
                || (!c.is_alphanumeric() && {
                    let mut l = c.to_lowercase();
                    l.next() == Some(c) && l.next().is_none()
                })
        })
}

/// Whether some word (run of alphanumeric characters) of a lowercase text with ASCII words
/// ([`ascii_words`]) has the
/// [`name_word`] form `w`. Such a word's form is a prefix of it (alphanumeric words hold no
/// curly apostrophe nor dot, so the form is [`name_stem`]: at most a plural `s` cut), so `w`
/// occurs where the word starts: only the occurrences of `w` that start a word are checked.
/// Skipping overlapping occurrences loses none: an occurrence starting a word inside an
/// earlier one would make `w` hold the non-alphanumeric character before that word, and no
/// word has such a form.
fn ascii_mentions(lower: &str, w: &str) -> bool {
    if w.is_empty() {
        // Words are not empty, and neither are their forms.
        return false;
    }
    let b = lower.as_bytes();
    memchr::memmem::find_iter(b, w.as_bytes()).any(|p| {
        if p > 0 && b[p - 1].is_ascii_alphanumeric() {
            return false;
        }
        let len = b[p..]
            .iter()
            .position(|c| !c.is_ascii_alphanumeric())
            .unwrap_or(b.len() - p);
        lower.get(p..p + len).is_some_and(|x| name_stem(x) == w)
    })
}

#[cfg(test)]
mod oracle;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kinds_values(s: &str) -> Vec<(FactKind, String)> {
        extract(s).into_iter().map(|f| (f.kind, f.text)).collect()
    }

    fn disagree(a: &str, b: &str) -> Vec<(String, String, FactKind)> {
        compare_sentences(0, a, 0, b)
            .into_iter()
            .map(|d| (d.a_value, d.b_value, d.kind))
            .collect()
    }

    #[test]
    fn extracts_kinds() {
        let f = kinds_values("Acme Corp paid $1.2 billion on Jan. 5, 2020, up 85% from 2019.");
        assert_eq!(
            f,
            vec![
                (FactKind::Name, "Acme Corp".to_string()),
                (FactKind::Money, "$1.2 billion".to_string()),
                (FactKind::Date, "Jan. 5, 2020".to_string()),
                (FactKind::Percent, "85%".to_string()),
                (FactKind::Date, "2019".to_string()),
            ]
        );
    }

    #[test]
    fn percent_forms_agree() {
        for b in [
            "85 percent",
            "85 per cent",
            "85 pct",
            "nearly 90%",
            "about 84%",
        ] {
            let d = disagree(
                "Turnout was 85% on the day.",
                &format!("Turnout was {b} on the day."),
            );
            assert!(d.is_empty(), "{b}: {d:?}");
        }
        let d = disagree("Turnout was 85% on the day.", "Turnout was 58% on the day.");
        assert_eq!(d, vec![("85%".into(), "58%".into(), FactKind::Percent)]);
    }

    #[test]
    fn hedged_ranges_must_overlap_beyond_an_edge() {
        // "up to 110" is 99-110 and "around 90" is 81-99: they touch at 99 only.
        let d = disagree(
            "Gusts of up to 110 kilometers per hour are expected.",
            "Gusts of around 90 kilometers per hour are expected.",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        // "about 100" (90-110) and "nearly 100" (90-100) overlap: the same figure.
        let d = disagree(
            "About 100 homes lost power.",
            "Nearly 100 homes lost power.",
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn a_decade_is_ten() {
        assert!(disagree(
            "He became the first local winner in more than a decade.",
            "He became the first local winner in over ten years."
        )
        .is_empty());
        let f = extract("It has been a decade.");
        assert!(f.iter().any(|f| matches!(
            f.value,
            Value::Quantity { lo, hi, .. } if lo == 10.0 && hi == 10.0
        )));
    }

    #[test]
    fn number_words_and_money() {
        assert!(disagree("Three people died.", "3 people died.").is_empty());
        // "three dozen" is 36: more than 36 agrees with 41, 2 dozen with 24.
        assert!(disagree(
            "A lawyer representing more than three dozen of the groups spoke.",
            "A lawyer representing 41 of the groups spoke."
        )
        .is_empty());
        assert!(disagree("They bought 2 dozen eggs.", "They bought 24 eggs.").is_empty());
        assert_eq!(
            disagree("They bought three dozen eggs.", "They bought 30 eggs."),
            vec![("three dozen".into(), "30".into(), FactKind::Number)]
        );
        assert!(disagree("Twenty-five people died.", "25 people died.").is_empty());
        assert!(disagree(
            "The deal is worth $1.2 billion.",
            "The deal is worth 1.2bn dollars."
        )
        .is_empty());
        assert!(disagree(
            "The deal is worth $1.2bn.",
            "The deal is worth $1.23 billion."
        )
        .is_empty());
        assert_eq!(
            disagree(
                "The deal is worth $1.2 billion.",
                "The deal is worth $2.1 billion."
            ),
            vec![(
                "$1.2 billion".into(),
                "$2.1 billion".into(),
                FactKind::Money
            )]
        );
        assert_eq!(
            disagree(
                "The deal is worth $1.2 billion.",
                "The deal is worth €1.2 billion."
            ),
            vec![(
                "$1.2 billion".into(),
                "€1.2 billion".into(),
                FactKind::Money
            )]
        );
        assert_eq!(
            disagree("Three people died.", "Four people died."),
            vec![("Three".into(), "Four".into(), FactKind::Number)]
        );
    }

    #[test]
    fn dates() {
        assert!(disagree("It opened on Jan. 5.", "It opened on January 5.").is_empty());
        assert!(disagree(
            "It opened on 5 January 2020.",
            "It opened on January 5, 2020."
        )
        .is_empty());
        assert_eq!(
            disagree("It opened on Jan. 5.", "It opened on Jan. 6."),
            vec![("Jan. 5".into(), "Jan. 6".into(), FactKind::Date)]
        );
        assert_eq!(
            disagree(
                "Voters went to the polls on Tuesday.",
                "Voters went to the polls on Wednesday."
            ),
            vec![("Tuesday".into(), "Wednesday".into(), FactKind::Date)]
        );
        assert_eq!(
            disagree("The law passed in 2019.", "The law passed in 2018."),
            vec![("2019".into(), "2018".into(), FactKind::Date)]
        );
        // A weekday and a calendar date share no field: not compared.
        assert!(disagree("It opened on Tuesday.", "It opened on March 3.").is_empty());
    }

    #[test]
    fn names_in_the_same_slot() {
        assert_eq!(
            disagree(
                "The bill was signed by Governor Andrew Cuomo on Monday.",
                "The bill was signed by Governor Kathy Hochul on Monday."
            ),
            vec![(
                "Governor Andrew Cuomo".into(),
                "Governor Kathy Hochul".into(),
                FactKind::Name
            )]
        );
        // A shorter form of the same name agrees.
        assert!(disagree(
            "John Smith resigned as chairman.",
            "Mr. Smith resigned as chairman."
        )
        .is_empty());
        // A sentence-initial function word is not a name, and names in different slots are
        // additions, not disagreements.
        assert!(disagree(
            "The minister met Angela Merkel.",
            "Emmanuel Macron said the minister met her."
        )
        .is_empty());
    }

    #[test]
    fn issue_examples() {
        assert_eq!(
            disagree(
                "Officials said 85 percent of residents backed the plan.",
                "Officials said more than 50% of residents backed the plan."
            ),
            vec![(
                "85 percent".into(),
                "more than 50%".into(),
                FactKind::Percent
            )]
        );
        assert_eq!(
            disagree(
                "The reform reached 250 of the 400 districts.",
                "The reform reached around half of 400 districts."
            ),
            vec![(
                "250 of the 400".into(),
                "around half of 400".into(),
                FactKind::Number
            )]
        );
        assert_eq!(
            disagree(
                "Support rose to 85 percent.",
                "Support rose to more than half."
            ),
            vec![(
                "85 percent".into(),
                "more than half".into(),
                FactKind::Percent
            )]
        );
        assert!(disagree(
            "Support rose to nearly 40%.",
            "Support rose to 39 per cent."
        )
        .is_empty());
        assert!(disagree(
            "It reached 200 of the 400 districts.",
            "It reached around half of 400 districts."
        )
        .is_empty());
    }

    #[test]
    fn untrusted_input_does_not_panic() {
        for s in [
            "",
            "$",
            "%%",
            "1,",
            "1.2.3",
            "$bn",
            "Jan.",
            "5th",
            "ü€1,234.5bn",
            "a half of",
        ] {
            let _ = extract(s);
            let _ = compare_sentences(0, s, 1, "$ 5");
        }
    }

    #[test]
    fn months_alone_and_ambiguous_words() {
        let kinds = |s: &str| -> Vec<FactKind> { extract(s).into_iter().map(|f| f.kind).collect() };
        assert_eq!(kinds("The vote is in January."), vec![FactKind::Date]);
        assert!(kinds("Prices may rise.").is_empty());
        assert!(kinds("Protesters will March on the capital.").is_empty());
        assert_eq!(kinds("It happened on May 3."), vec![FactKind::Date]);
        // A number word standing alone is a number; "one" alone is too vague.
        assert_eq!(
            kinds("He has one plan and three ideas."),
            vec![FactKind::Number]
        );
        assert_eq!(
            extract("She earned 5m pounds in the 5th year.")
                .into_iter()
                .map(|f| f.text)
                .collect::<Vec<_>>(),
            vec!["5m pounds", "5th"]
        );
    }

    #[test]
    fn key_terms_normalize_forms() {
        let a = key_terms("Mayor Linda Carter promised $4.2 million on Jan. 5, 2020.");
        let b = key_terms("Linda Carter pledged 4.2 million dollars on 5 January 2020.");
        for t in &b {
            assert!(a.contains(t), "{t} missing from {a:?}");
        }
        assert!(a.contains(&"carter".to_string()));
    }

    #[test]
    fn name_variants_agree() {
        assert!(disagree(
            "Despite Obama’s reassurances, Republicans objected.",
            "Despite Obama's reassurances, Republicans objected."
        )
        .is_empty());
        assert!(disagree(
            "The 98% of Americans earning less will pay.",
            "The 98% of American families earning less will pay."
        )
        .is_empty());
        assert!(disagree(
            "The US could leave the United Nations Framework Convention on Climate Change.",
            "The US could leave the UN Framework Convention on Climate Change."
        )
        .is_empty());
        // Clock times are not numbers.
        assert!(disagree(
            "MUST WATCH Ebola screenings 02:19",
            "MUST WATCH Ebola screenings 02:11"
        )
        .is_empty());
    }

    #[test]
    fn names_must_fill_the_same_small_slot() {
        // Whole headlines differ: the names are not replacements of each other.
        assert!(disagree(
            "JUST WATCHED Israel: Hamas rocket hit Gaza hospital Replay More Videos",
            "JUST WATCHED Voices of the Gaza conflict Replay More Videos"
        )
        .is_empty());
        assert_eq!(
            disagree(
                "The officer who shot and killed Scott was not charged.",
                "The officer who shot and killed Edwards was not charged."
            ),
            vec![("Scott".into(), "Edwards".into(), FactKind::Name)]
        );
    }

    #[test]
    fn kickers_acronyms_and_model_numbers() {
        let names = |s: &str| -> Vec<String> {
            extract(s)
                .into_iter()
                .filter(|f| f.kind == FactKind::Name)
                .map(|f| f.text)
                .collect()
        };
        assert_eq!(
            names("JUST WATCHED Obama: Ebola threat could grow"),
            vec!["Obama"]
        );
        assert_eq!(
            names("MUST WATCH The shutdown and security"),
            Vec::<String>::new()
        );
        assert!(disagree(
            "Migrants reach the US border.",
            "Migrants reach the U.S. border."
        )
        .is_empty());
        assert!(disagree(
            "Advocates for the U.S. industry cheered.",
            "Advocates for the United States industry cheered."
        )
        .is_empty());
        assert!(disagree(
            "Gains were made by Democrats in the House.",
            "Gains were made by Dems in the House."
        )
        .is_empty());
        assert_eq!(
            disagree(
                "The DAX slid to 10,447.53 on Friday.",
                "The CAC 40 slid on Friday."
            ),
            vec![("DAX".into(), "CAC".into(), FactKind::Name)]
        );
        // A lone capitalized first word is not taken for a name (a known gap).
        assert_eq!(
            disagree(
                "Gross concluded in the 2013 report.",
                "Goss concluded in the 2013 report."
            ),
            vec![]
        );
        assert_eq!(
            disagree(
                "The report, Gross concluded, was final.",
                "The report, Goss concluded, was final."
            ),
            vec![("Gross".into(), "Goss".into(), FactKind::Name)]
        );
    }

    /// Words and marks the extraction treats specially, with some it must leave alone:
    /// numbers in every written form, hedges, currencies, months and weekdays, titles and
    /// connectors, capitals, abbreviations, clock times, and non-ASCII words whose lowercase
    /// has another length or is ASCII (`İ`, the Kelvin sign `K`, `Σ`).
    const VOCAB: &[&str] = &[
        "the",
        "The",
        "a",
        "A",
        "of",
        "Of",
        "and",
        "said",
        "on",
        "in",
        "to",
        "was",
        "per",
        "cent",
        "percent",
        "pct",
        "%",
        "$",
        "US$",
        "£",
        "€",
        "¥",
        "USD",
        "usd",
        "dollars",
        "euros",
        "yen",
        "pounds",
        "billion",
        "bn",
        "m",
        "mn",
        "k",
        "million",
        "thousand",
        "hundred",
        "1",
        "5",
        "12",
        "40",
        "85",
        "250",
        "400",
        "1,200",
        "10,447.53",
        "3.5",
        "1.2bn",
        "5m",
        "5th",
        "2nd",
        "2019",
        "2020",
        "1999",
        "02:19",
        "3:1",
        "one",
        "One",
        "three",
        "Three",
        "twenty-five",
        "Twenty-Five",
        "dozen",
        "decade",
        "half",
        "third",
        "quarter",
        "two-thirds",
        "more",
        "than",
        "about",
        "About",
        "nearly",
        "up",
        "at",
        "least",
        "just",
        "over",
        "under",
        "some",
        "an",
        "estimated",
        "close",
        "upwards",
        "Jan.",
        "Jan",
        "January",
        "May",
        "march",
        "March",
        "June",
        "Sept.",
        "Monday",
        "Tuesday",
        "mon",
        "Mr.",
        "Mrs",
        "Dr.",
        "Governor",
        "President",
        "St.",
        "U.S.",
        "U.N.",
        "US",
        "UN",
        "United",
        "Nations",
        "States",
        "Andrew",
        "Cuomo",
        "Kathy",
        "Hochul",
        "Smith",
        "Smith’s",
        "Obama's",
        "Americans",
        "Democrats",
        "Dems",
        "de",
        "van",
        "al",
        "Bin",
        "JUST",
        "WATCHED",
        "MUST",
        "WATCH",
        "CAC",
        "DAX",
        "Boeing",
        "737",
        "However",
        "Police",
        "Neither",
        "İstanbul",
        "İ",
        "\u{212A}elvin",
        "ΣΑΣ",
        "Ünïcode",
        "straße",
        "STRASSE",
        "東京",
        "Ⅻ",
        "Ⓐ",
        "½",
        ",",
        ".",
        ":",
        ";",
        "!",
        "?",
        "\"",
        "“",
        "”",
        "‘",
        "(",
        ")",
        "—",
        "-",
        "'",
        "’",
        "",
    ];

    /// Hedges, currencies, figures, scales and units, to build quantities of (most
    /// often meaningful) pieces in a row.
    const HEDGE_PARTS: &[&str] = &[
        "",
        "",
        "more than",
        "at least",
        "just over",
        "upwards of",
        "less than",
        "fewer than",
        "just under",
        "close to",
        "up to",
        "nearly",
        "about",
        "around",
        "an estimated",
        "some",
        "Over",
        "About",
    ];
    const CURRENCY_PARTS: &[&str] = &["", "", "", "$", "US$", "£", "€", "¥", "USD", "eur"];
    const FIGURE_PARTS: &[&str] = &[
        "5",
        "40",
        "1,200",
        "3.5",
        "2019",
        "250 of the 400",
        "half of 400",
        "a third of the 90",
        "a dozen",
        "three dozen",
        "a decade",
        "twenty-five",
        "three",
        "one hundred",
        "half",
        "a third",
        "two-thirds",
        "5th",
        "10,447.53",
        "02:19",
        "1.2bn",
        "5m",
        "31",
        "Jan. 5",
        "5 January",
        "January 5, 2020",
        "Tuesday, March 3",
        "May 3",
        "March",
        "Sept. 2019",
    ];
    const SCALE_PARTS: &[&str] = &[
        "", "", "", "million", "billion", "bn", "m", "mn", "k", "thousand",
    ];
    const UNIT_PARTS: &[&str] = &[
        "",
        "",
        "",
        "%",
        "percent",
        "per cent",
        "pct",
        "dollars",
        "pounds",
        "euros",
        "yen",
        "of",
        "of the 300",
        "people",
    ];

    /// One piece of text: a word or mark of [`VOCAB`], or a quantity built from the parts.
    fn piece_strategy() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => prop::sample::select(VOCAB).prop_map(str::to_string),
            1 => (
                prop::sample::select(HEDGE_PARTS),
                prop::sample::select(CURRENCY_PARTS),
                prop::sample::select(FIGURE_PARTS),
                prop::sample::select(SCALE_PARTS),
                prop::sample::select(UNIT_PARTS),
                any::<bool>(),
            )
                .prop_map(|(h, c, f, sc, u, glued)| {
                    let mut s = String::from(h);
                    for (part, sep) in [(c, " "), (f, if glued { "" } else { " " })] {
                        if !part.is_empty() {
                            if !s.is_empty() {
                                s.push_str(sep);
                            }
                            s.push_str(part);
                        }
                    }
                    for part in [sc, u] {
                        if !part.is_empty() {
                            s.push_str(if glued { "" } else { " " });
                            s.push_str(part);
                        }
                    }
                    s
                }),
        ]
    }

    /// Texts built from pieces ([`piece_strategy`]) with spaces, or nothing, between them.
    fn text_strategy() -> impl Strategy<Value = String> {
        prop::collection::vec((piece_strategy(), any::<bool>()), 0..24).prop_map(|parts| {
            let mut s = String::new();
            for (w, glued) in parts {
                if !glued && !s.is_empty() {
                    s.push(' ');
                }
                s.push_str(&w);
            }
            s
        })
    }

    /// Words around names, for pairs of texts that share or swap names.
    const NAME_VOCAB: &[&str] = &[
        "“",
        "”",
        "’s",
        "—",
        "Ⅻ",
        "Smith’s",
        "Smith",
        "Jones",
        "Andrew",
        "Cuomo",
        "Mr.",
        "Governor",
        "United",
        "Nations",
        "UN",
        "US",
        "U.S.",
        "States",
        "Democrats",
        "Dems",
        "Americans",
        "İstanbul",
        "the",
        "The",
        "met",
        "said",
        "and",
        "of",
        "in",
        "by",
        ".",
        ",",
        "JUST",
        "WATCHED",
    ];

    /// A text and a variant of it: each piece kept, replaced or dropped, so that the two
    /// share most words (as aligned sentences do) and names and figures change in place.
    fn pair_strategy() -> impl Strategy<Value = (String, String)> {
        // Few names, so that the two texts often share or swap them.
        let name_piece = || {
            prop_oneof![
                2 => prop::sample::select(NAME_VOCAB).prop_map(str::to_string),
                1 => piece_strategy(),
            ]
        };
        prop::collection::vec((name_piece(), name_piece(), 0u8..8), 0..24).prop_map(|parts| {
            let (mut a, mut b) = (String::new(), String::new());
            for (w, other, op) in parts {
                let (x, y) = match op {
                    0 => (w.as_str(), other.as_str()),
                    1 => (w.as_str(), ""),
                    2 => ("", w.as_str()),
                    _ => (w.as_str(), w.as_str()),
                };
                for (s, piece) in [(&mut a, x), (&mut b, y)] {
                    if !piece.is_empty() {
                        if !s.is_empty() {
                            s.push(' ');
                        }
                        s.push_str(piece);
                    }
                }
            }
            (a, b)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The extraction gives exactly what the former one ([`oracle::extract`]) gives.
        #[test]
        fn extract_matches_the_oracle(s in text_strategy()) {
            prop_assert_eq!(format!("{:?}", extract(&s)), format!("{:?}", oracle::extract(&s)));
        }

        /// The key terms are exactly those of the former code ([`oracle::key_terms_of`]).
        #[test]
        fn key_terms_match_the_oracle(s in text_strategy()) {
            let f = extract(&s);
            prop_assert_eq!(key_terms_of(&f), oracle::key_terms_of(&f));
        }

        /// The comparison gives exactly what the former one ([`oracle::compare_facts`]) gives.
        #[test]
        fn compare_facts_matches_the_oracle((a, b) in pair_strategy()) {
            let (fa, fb) = (extract(&a), extract(&b));
            prop_assert_eq!(
                compare_facts(1, &a, &fa, 2, &b, &fb),
                oracle::compare_facts(1, &a, &fa, 2, &b, &fb)
            );
        }
    }

    proptest! {
        /// A word found by searching the text is one of the text's word forms (small
        /// alphabets, so that words recur and plurals occur).
        #[test]
        fn ascii_mentions_match_the_word_list(
            text in "[abAS1 ,.'-]{0,30}",
            w in "[ab1s'-]{0,5}",
        ) {
            let lower = text.to_ascii_lowercase();
            let forms: Vec<String> = words_lower(&lower)
                .into_iter()
                .map(|(_, x)| name_word(&x))
                .collect();
            prop_assert_eq!(ascii_mentions(&lower, &w), forms.contains(&w));
        }
    }

    #[test]
    fn ascii_mentions_find_plurals_and_skip_inner_matches() {
        assert!(ascii_mentions("the americans voted", "american"));
        assert!(ascii_mentions("obama's plan", "obama"));
        assert!(!ascii_mentions("the class met", "clas"));
        assert!(!ascii_mentions("grossman left", "gross"));
        assert!(!ascii_mentions("mr. ross left", "ross s"));
        assert!(ascii_mentions("ss ross", "ross"));
        assert!(!ascii_mentions("anything", ""));
    }

    #[test]
    fn hedge_starts_cover_every_hedge() {
        for (words, _) in HEDGES {
            assert!(is_hedge_start(words[0]), "{words:?}");
        }
    }

    #[test]
    fn non_ascii_words_are_lowercased_whole() {
        // "İ" lowercases to two chars, the Kelvin sign to an ASCII "k", a final sigma to "ς".
        for s in [
            "İstanbul Mayor Ekrem İmamoğlu met \u{212A}elvin Smith on Jan. 5.",
            "ΣΑΣ said the ÜNÏCODE Group paid €5m.",
        ] {
            assert_eq!(
                format!("{:?}", extract(s)),
                format!("{:?}", oracle::extract(s))
            );
        }
        let (a, b) = (
            "Officials of İstanbul met Smith.",
            "Officials of istanbul met Jones.",
        );
        let (fa, fb) = (extract(a), extract(b));
        assert_eq!(
            compare_facts(0, a, &fa, 0, b, &fb),
            oracle::compare_facts(0, a, &fa, 0, b, &fb)
        );
    }

    /// `FACTS_ORACLE_CORPUS=FILE.jsonl cargo test --release -p storyfold -- --ignored
    /// corpus_matches_the_oracle`: every sentence of a corpus extracts (and gives its key
    /// terms) as with the oracle, and every pair of neighbouring sentences of an article
    /// compares as with it.
    #[test]
    #[ignore = "needs a corpus: FACTS_ORACLE_CORPUS=FILE.jsonl"]
    fn corpus_matches_the_oracle() {
        use crate::align::PreparedDoc;
        use crate::ingest::{Input, ReadOptions, Reader};
        let Some(path) = std::env::var_os("FACTS_ORACLE_CORPUS") else {
            return;
        };
        let input = Input::from_arg(&path.to_string_lossy());
        let (mut sentences, mut pairs) = (0usize, 0usize);
        for article in Reader::open(vec![input], ReadOptions::default()).flatten() {
            let doc = PreparedDoc::new(&article.text);
            let mut prev: Option<(&str, Vec<Fact>)> = None;
            for s in &doc.sentences {
                let f = extract(&s.text);
                assert_eq!(
                    format!("{f:?}"),
                    format!("{:?}", oracle::extract(&s.text)),
                    "{}",
                    s.text
                );
                assert_eq!(key_terms_of(&f), oracle::key_terms_of(&f), "{}", s.text);
                sentences += 1;
                if let Some((p, fp)) = &prev {
                    assert_eq!(
                        compare_facts(0, p, fp, 1, &s.text, &f),
                        oracle::compare_facts(0, p, fp, 1, &s.text, &f),
                        "{p} / {}",
                        s.text
                    );
                    pairs += 1;
                }
                prev = Some((&s.text, f));
            }
        }
        eprintln!("{sentences} sentences, {pairs} pairs as with the oracle");
    }
}
