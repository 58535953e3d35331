//! Quantity frames: what each figure of a sentence counts, so that two independent reports
//! stating one figure in different words can be compared.
//!
//! The aligner compares the facts of aligned sentences, and of unaligned sentences that share
//! wording (its same-topic pass). Independent reports of one event state the same fact in
//! different words ("85 percent of the people who spoke" / "more than half of the 41
//! speakers", "shed nearly 600 positions" / "cut about 400 jobs"), so neither pass sees them.
//! A **frame** ([`Frame`], [`frames_of`]) is one number, percentage, proportion or money
//! amount ([`super::facts::extract`]) with:
//!
//! * **head**: the content words right after it, up to [`HEAD_WORDS`] (2), stopping at
//!   punctuation and function words, after a leading `of`, `the`, `its`, ... (`85 percent of
//!   the people` → `people`); a relative clause's verb is added (`people who spoke` →
//!   `people`, `spoke`). When the first word is a unit of measure ([`is_unit`]: `kilometers`,
//!   `miles`, `hours`, `tons`, ...) the frame is a *measure* and its unit is that word.
//! * **before**: the content words right before it (at most 2, after a leading `of`, `to`,
//!   `by`), usually the governing verb or the thing measured (`employed about 60`, `gusts of
//!   around 90`, `revenue fell 9 percent`).
//!
//! Figures that are one end of a range of the same kind (`$1 million to $10 million`) and
//! counts of the page's own media (`Hide Caption 3 of 22 Photos`) make no frame.
//!
//! [`FrameMatch::of`] and [`FrameMatch::same`] decide whether two frames of two articles count
//! the same thing:
//!
//! * same kind: counts with counts, percentages and proportions (as a percentage) together,
//!   money with money (same currency when both name one); measures only with the same unit
//!   stem; two proportions only of the same total; no figure of a *tally* (a sentence with
//!   [`CROWD_MAX`] (3) or more figures of one kind: vote counts per candidate);
//! * the **same thing**: for a measure, a shared stem among the words around (`gusts`); otherwise
//!   the first head words share a [`stem_chars`](super::config::AlignConfig::stem_chars)-character
//!   (5) stem (`jobs` / `jobs`), or, when a word-embedding model is loaded, their word vectors'
//!   cosine is at least [`HEAD_COS_MIN`] (0.5); a percentage without head words (`revenue fell 9
//!   percent`) only with one that shares a stem among its words before;
//! * the **verbs**: the first words before two counted heads must not differ (`killed 5
//!   people` / `injured 7 people`): a shared stem or, with the model, a cosine of at least
//!   [`HEAD_COS_MIN`];
//! * the sentences **share context**: an IDF-weighted Dice of their content stems, the heads'
//!   words left out, of at least [`CONTEXT_DICE_MIN`] (0.15), or [`CONTEXT_DICE_STRONG`] (0.3)
//!   when one figure has no word before it to compare;
//! * and they are not about different periods ([`dates_differ`]: both sentences carry dates
//!   and none agree, `in April` / `in February`).
//!
//! The aligner ([`super::alignment`]) runs this pass for `same_story` pairs, on sentence pairs
//! that are not aligned to each other. Besides the looser rule above ([`FrameMatch::same`]), two
//! frames sharing a specific concept of what they count ([`Frame::what`]: a synonym class such as
//! `job` for `jobs` / `positions` / `workers`, the verb of a generic head, `people who spoke` /
//! `speakers` → `speak`, a money amount's period, `per month`) are candidates
//! ([`FrameMatch::candidate`]). It keeps the pairs whose values disagree, neither of which agrees
//! with a frame of the same kind anywhere in the other article, best matches first, each figure
//! once, with a confidence ([`frame_confidence`]). Its disagreements carry `via: frame`.
//!
//! **Measured precision is low**: of all 124 disagreements the AllSides and UCI folds report at
//! the default cut, 85 come from this pass and 24 of those are right (`docs/evaluation.md`,
//! Disagreements: judged sample); the wrong ones count different things under one head
//! (`states`, `candidates`, `committees`). On the example corpus it finds the three
//! independent-report disagreements the aligner missed before (`85 percent of the people who
//! spoke` / `more than half of the 41 speakers`, `about 400 jobs` / `nearly 600 positions`,
//! `about 60 people` / `Nearly 80 workers`) and `roughly 7 dollars more per month` / `about 9
//! dollars` to a monthly bill.

use super::facts::{Fact, FactKind, Value};
use super::similarity::embed::{self, Embeddings};
use crate::text::lexicon::{is_stopword, prefix_stem};

/// Characters of a word kept as its stem in [`Frame::what`] (the aligner's default
/// [`stem_chars`](super::config::AlignConfig::stem_chars)).
pub const WHAT_STEM_CHARS: usize = 5;
/// Most head words kept after a figure.
pub const HEAD_WORDS: usize = 2;
/// Most words kept before a figure.
pub const BEFORE_WORDS: usize = 2;
/// Cosine of the two heads' mean word vectors at or above which, with a model loaded, two
/// frames count the same thing.
pub const HEAD_COS_MIN: f64 = 0.5;
/// IDF-weighted Dice of the two sentences' content stems (the heads' words left out) at or
/// above which they share context, when the words before the figures agree.
pub const CONTEXT_DICE_MIN: f64 = 0.15;
/// The same, when one figure has no word before it to compare.
pub const CONTEXT_DICE_STRONG: f64 = 0.3;
/// Frames of one kind in a sentence from which on the sentence is a tally (several figures of
/// one kind, e.g. vote counts per candidate) and none of them is compared.
pub const CROWD_MAX: usize = 3;

/// One figure of a sentence and what it quantifies.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// Index of the fact among the sentence's facts.
    pub fact: usize,
    /// Number, percent or money.
    pub kind: FactKind,
    /// The value's range; a proportion's as a percentage.
    pub lo: f64,
    /// Upper end of the range.
    pub hi: f64,
    /// Currency of a money amount, when written.
    pub currency: Option<&'static str>,
    /// Total of a proportion (`41` in `half of the 41 speakers`).
    pub total: Option<f64>,
    /// Number of frames of the same kind in the sentence (a tally such as `Trump 845, Cruz
    /// 559 and Kasich 147` has three).
    pub crowd: usize,
    /// Unit of a measure (the first head word), when it is one.
    pub unit: Option<String>,
    /// Content words right after the figure (lowercase), the quantified thing.
    pub head: Vec<String>,
    /// Content words right before the figure (lowercase, nearest first).
    pub before: Vec<String>,
    /// What the figure counts ([`what_of`]): concept keys of its head (a synonym class such as
    /// `job` for `jobs` / `positions` / `workers`, else the lemma's stem), of the verb of a
    /// generic head (`people who spoke`, `employed 60 people`), of a money amount's period
    /// (`per month` / `a typical monthly bill`).
    pub what: Vec<String>,
    /// Whether [`Frame::what`] names a specific thing (not only `people`, `times`, ...).
    pub specific: bool,
}

/// Whether a lowercase word is a unit of measure (the head of a measure, not a counted thing).
pub fn is_unit(w: &str) -> bool {
    matches!(
        w,
        "kilometers"
            | "kilometres"
            | "kilometer"
            | "kilometre"
            | "km"
            | "kph"
            | "mph"
            | "miles"
            | "mile"
            | "meters"
            | "metres"
            | "meter"
            | "metre"
            | "feet"
            | "foot"
            | "inches"
            | "inch"
            | "centimeters"
            | "centimetres"
            | "millimeters"
            | "millimetres"
            | "cm"
            | "mm"
            | "kilograms"
            | "kilogrammes"
            | "kg"
            | "tons"
            | "tonnes"
            | "liters"
            | "litres"
            | "gallons"
            | "barrels"
            | "degrees"
            | "hours"
            | "hour"
            | "minutes"
            | "seconds"
            | "days"
            | "weeks"
            | "months"
            | "years"
            | "acres"
            | "hectares"
            | "square"
            | "cubic"
            | "megawatts"
            | "gigawatts"
            | "points"
    )
}

/// Whether a lowercase word counts the page's own media (`Hide Caption 3 of 22 Photos`):
/// page furniture, not a fact of the story.
fn is_media(w: &str) -> bool {
    matches!(
        w,
        "photos" | "photo" | "images" | "pictures" | "videos" | "slides" | "slideshow"
    )
}

/// Function words skipped at the start of a head (`of the people`).
fn leading_skip(w: &str) -> bool {
    matches!(
        w,
        "of" | "the"
            | "a"
            | "an"
            | "its"
            | "their"
            | "his"
            | "her"
            | "our"
            | "your"
            | "those"
            | "these"
            | "them"
            | "all"
            | "whom"
    )
}

/// Words that end a head or the words before a figure besides punctuation and stopwords:
/// clause openers and reporting verbs.
fn boundary(w: &str) -> bool {
    is_stopword(w)
        || matches!(
            w,
            "said"
                | "says"
                | "say"
                | "according"
                | "per"
                | "than"
                | "while"
                | "since"
                | "including"
                | "during"
                | "because"
                | "over"
                | "more"
                | "less"
                | "when"
                | "where"
                | "whether"
        )
}

/// A word or a stop (punctuation, digits, another figure).
#[derive(Debug, PartialEq)]
enum Item {
    Word(String),
    Stop,
}

/// The lowercase words and stops of `s` (a word: letters with inner `'`, `’`, `-`).
fn items(s: &str) -> Vec<Item> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphabetic() {
            word.extend(c.to_lowercase());
            continue;
        }
        let inner = matches!(c, '\'' | '’' | '-')
            && !word.is_empty()
            && chars.peek().is_some_and(|n| n.is_alphabetic());
        if inner {
            if c != '’' {
                word.push(c);
            } else {
                word.push('\'');
            }
            continue;
        }
        if !word.is_empty() {
            out.push(Item::Word(std::mem::take(&mut word)));
        }
        if !c.is_whitespace() {
            out.push(Item::Stop);
        }
    }
    if !word.is_empty() {
        out.push(Item::Word(word));
    }
    out
}

/// Up to `max` content words from `items` (in the order given): leading words for which
/// `skip` holds are passed over, then words are taken until a stop or a [`boundary`] word.
fn take_words<'i>(
    items: impl Iterator<Item = &'i Item>,
    skip: fn(&str) -> bool,
    max: usize,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut leading = true;
    for it in items {
        match it {
            Item::Stop => break,
            Item::Word(w) => {
                if leading && skip(w) {
                    continue;
                }
                leading = false;
                if boundary(w) || out.len() == max {
                    break;
                }
                out.push(w.clone());
            }
        }
    }
    out
}

/// Words skipped right before a figure (`gusts of around 90`, `rose to 5`).
fn before_skip(w: &str) -> bool {
    matches!(w, "of" | "to" | "by" | "the" | "a" | "an")
}

/// The synonym class of a lowercase word, for what a figure counts: words that news copy uses
/// for one countable thing (`jobs` / `positions` / `workers`, `deaths` / `killed` / `dead`), and
/// the verbs of one change (`cut` / `shed` / `eliminate`). `None` for other words.
pub fn synonym_class(w: &str) -> Option<&'static str> {
    Some(match w {
        "job" | "jobs" | "position" | "positions" | "post" | "posts" | "worker" | "workers"
        | "employee" | "employees" | "staff" | "staffers" | "workforce" | "employ" | "employs"
        | "employed" | "employing" | "hire" | "hires" | "hired" | "layoffs" => "job",
        "cut" | "cuts" | "cutting" | "shed" | "sheds" | "shedding" | "eliminate" | "eliminates"
        | "eliminated" | "eliminating" | "slash" | "slashes" | "slashed" | "axe" | "axed"
        | "lay" | "laid" | "lays" => "cut",
        "death" | "deaths" | "dead" | "died" | "die" | "dies" | "killed" | "kill" | "kills"
        | "killing" | "fatalities" | "victims" | "lives" => "death",
        "injury" | "injuries" | "injured" | "wounded" | "hurt" => "injury",
        "speaker" | "speakers" | "spoke" | "spoken" | "speak" | "speaks" | "testified" => "speak",
        "arrest" | "arrests" | "arrested" | "detained" | "detentions" => "arrest",
        "vote" | "votes" | "voted" | "ballots" => "vote",
        "home" | "homes" | "houses" | "households" | "household" | "residences" => "home",
        "month" | "months" | "monthly" => "month",
        "year" | "years" | "yearly" | "annual" | "annually" => "year",
        "week" | "weeks" | "weekly" => "week",
        "day" | "days" | "daily" => "day",
        _ => return None,
    })
}

/// Heads that say little about what is counted: a figure of `people` counts whatever its verb
/// says (`people who spoke`, `employed 60 people`, `killed 5 people`).
fn generic_head(w: &str) -> bool {
    matches!(
        w,
        "people"
            | "persons"
            | "person"
            | "individuals"
            | "others"
            | "times"
            | "percent"
            | "one"
            | "ones"
            | "more"
            | "many"
            | "new"
            | "other"
            | "total"
    )
}

/// The concept key of a word ([`Frame::what`]): its [`synonym_class`], else its stem of
/// `stem_chars` characters (`speakers` and `speak` share `speak`).
fn concept(w: &str, stem_chars: usize) -> String {
    synonym_class(w).map_or_else(|| prefix_stem(w, stem_chars).to_string(), str::to_string)
}

/// Most words after a money amount searched for its period ([`period_after`]).
const PERIOD_WORDS: usize = 6;

/// The period of a rate right after a figure (`per month`, `a year`, `a typical monthly
/// bill`), within [`PERIOD_WORDS`] words and before any stop.
fn period_after(after: &[Item]) -> Option<&'static str> {
    let mut prev: Option<&str> = None;
    for it in after.iter().take(PERIOD_WORDS) {
        let Item::Word(w) = it else { return None };
        let class = synonym_class(w).filter(|c| matches!(*c, "month" | "year" | "week" | "day"));
        if let Some(c) = class {
            let adjective = w.ends_with("ly") || w == "annual";
            let rate = matches!(prev, Some("per" | "a" | "an" | "each" | "every"));
            if adjective || rate {
                return Some(c);
            }
        }
        prev = Some(w);
    }
    None
}

/// What a figure counts ([`Frame::what`] and [`Frame::specific`]) from its head, the words
/// before it, the words after it and its kind.
fn what_of(
    kind: FactKind,
    head: &[String],
    before: &[String],
    after: &[Item],
    stem_chars: usize,
) -> (Vec<String>, bool) {
    let mut what = Vec::new();
    let mut specific = false;
    if let Some(h) = head.first() {
        if generic_head(h) {
            // The verb of the clause says what is counted: a relative clause's verb
            // (`people who spoke`), else the verb before (`employed about 60 people`).
            for v in head.iter().skip(1).chain(before.first()) {
                if let Some(c) = synonym_class(v) {
                    what.push(c.to_string());
                    specific = true;
                }
            }
            if what.is_empty() {
                what.push(h.clone());
            }
        } else {
            what.push(concept(h, stem_chars));
            specific = true;
        }
    }
    if kind == FactKind::Money {
        if let Some(p) = period_after(after) {
            what.push(format!("per {p}"));
            specific = true;
        }
    }
    (what, specific)
}

/// The frames of a sentence `text` with its facts `facts` ([`super::facts::extract`] of it):
/// one per number, percentage (or proportion) and money amount.
pub fn frames_of(text: &str, facts: &[Fact]) -> Vec<Frame> {
    let mut out = Vec::new();
    for (i, f) in facts.iter().enumerate() {
        if !matches!(
            f.kind,
            FactKind::Number | FactKind::Percent | FactKind::Money
        ) {
            continue;
        }
        let Value::Quantity {
            lo,
            hi,
            of,
            currency,
        } = f.value
        else {
            continue;
        };
        let (lo, hi) = match of {
            Some(t) if t > 0.0 => (100.0 * lo / t, 100.0 * hi / t),
            Some(_) => continue,
            None => (lo, hi),
        };
        let kind = if of.is_some() {
            FactKind::Percent
        } else {
            f.kind
        };
        // The words between this figure and its neighbouring quantities (names are words).
        let quantity = |g: &&Fact| g.kind != FactKind::Name;
        let next_fact = facts[i + 1..]
            .iter()
            .filter(quantity)
            .find(|g| g.span.start >= f.span.end);
        let prev_fact = facts[..i]
            .iter()
            .filter(quantity)
            .filter(|g| g.span.end <= f.span.start)
            .max_by_key(|g| g.span.end);
        let next = next_fact.map_or(text.len(), |g| g.span.start);
        let prev = prev_fact.map_or(0, |g| g.span.end);
        // One end of a range of one kind (`$1 million to $10 million`, `20-25`) is no figure
        // of its own.
        let joins = |g: Option<&Fact>, gap: Option<&str>| {
            g.is_some_and(|g| g.kind == f.kind)
                && gap.is_some_and(|x| {
                    matches!(x.trim(), "to" | "-" | "–" | "and" | "or" | "through")
                })
        };
        if joins(next_fact, text.get(f.span.end..next))
            || joins(prev_fact, text.get(prev..f.span.start))
        {
            continue;
        }
        let after = items(text.get(f.span.end..next).unwrap_or(""));
        let mut head = take_words(after.iter(), leading_skip, HEAD_WORDS);
        // A relative clause's verb: "people who spoke".
        if head.len() == 1 {
            let mut it = after
                .iter()
                .skip_while(|x| **x != Item::Word(head[0].clone()));
            it.next();
            if let (Some(Item::Word(r)), Some(Item::Word(v))) = (it.next(), it.next()) {
                if matches!(r.as_str(), "who" | "that" | "which") && !boundary(v) {
                    head.push(v.clone());
                }
            }
        }
        let before_items = items(text.get(prev..f.span.start).unwrap_or(""));
        let before = take_words(before_items.iter().rev(), before_skip, BEFORE_WORDS);
        if head.first().is_some_and(|w| is_media(w)) {
            continue;
        }
        let unit = head.first().filter(|w| is_unit(w)).cloned();
        let (what, specific) = what_of(kind, &head, &before, &after, WHAT_STEM_CHARS);
        out.push(Frame {
            what,
            specific,
            fact: i,
            kind,
            lo,
            hi,
            currency,
            total: of,
            crowd: 0,
            unit,
            head,
            before,
        });
    }
    for i in 0..out.len() {
        out[i].crowd = out.iter().filter(|g| g.kind == out[i].kind).count();
    }
    out
}

impl Frame {
    /// The frame's own words: head and before.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.head.iter().chain(&self.before).map(String::as_str)
    }
}

/// Whether a word of `a` and a word of `b` share their stem of `stem_chars` characters.
fn share_stem(a: &[String], b: &[String], stem_chars: usize) -> bool {
    a.iter().any(|x| {
        b.iter()
            .any(|y| prefix_stem(x, stem_chars) == prefix_stem(y, stem_chars))
    })
}

/// Whether two sentences are about different dates or periods: both carry dates, and no date
/// of one agrees with a comparable date of the other (`in April` / `in February`).
pub fn dates_differ(a: &[Fact], b: &[Fact]) -> bool {
    let is_date = |x: &&Fact| x.kind == FactKind::Date;
    a.iter().any(|x| x.kind == FactKind::Date)
        && b.iter().any(|x| x.kind == FactKind::Date)
        && !a
            .iter()
            .filter(is_date)
            .any(|x| b.iter().filter(is_date).any(|y| x.agrees(y)))
}

/// Whether two frames' values disagree: their ranges overlap on no more than an edge, by the
/// rule of [`Fact::agrees`].
pub fn values_disagree(a: &Frame, b: &Frame) -> bool {
    let fact = |f: &Frame| Fact {
        kind: f.kind,
        span: 0..0,
        text: String::new(),
        value: Value::Quantity {
            lo: f.lo,
            hi: f.hi,
            of: None,
            currency: f.currency,
        },
    };
    if let (Some(x), Some(y)) = (a.currency, b.currency) {
        if x != y {
            return false;
        }
    }
    !fact(a).agrees(&fact(b))
}

/// How the words right before two figures (their verb or modifier) compare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Verbs {
    /// A shared stem or, with a model, a cosine of at least [`HEAD_COS_MIN`].
    Same,
    /// One of the figures has no word before it.
    #[default]
    Missing,
    /// Neither.
    Differ,
}

/// How two frames' quantified things and sentences compare.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameMatch {
    /// The heads share a stem (or, for measures, the unit and a word around).
    pub lexical: bool,
    /// Cosine of the heads' vectors (0 without a model).
    pub head_cos: f64,
    /// How the words right before the two figures compare (`killed 5` / `injured 7` differ).
    pub verbs: Verbs,
    /// IDF-weighted Dice of the sentences' content stems, the heads' words left out.
    pub context_dice: f64,
    /// The two frames share a specific concept of what they count ([`Frame::what`]:
    /// `speakers` / `people who spoke`, `jobs` / `positions`, dollars `per month` / a `monthly`
    /// bill), or are measures of one unit sharing a word around (`gusts`).
    pub what: bool,
}

impl FrameMatch {
    /// Compare two frames; `None` when they cannot count the same thing (different kinds,
    /// units or proportion totals, one in a tally of three or more). `context_dice` is the
    /// sentences' stem Dice without the heads' words; words share a stem when their first
    /// `stem_chars` characters are equal.
    pub fn of(
        a: &Frame,
        b: &Frame,
        context_dice: f64,
        model: Option<&Embeddings>,
        stem_chars: usize,
    ) -> Option<FrameMatch> {
        if a.kind != b.kind || a.crowd >= CROWD_MAX || b.crowd >= CROWD_MAX {
            return None;
        }
        if let (Some(x), Some(y)) = (a.total, b.total) {
            // Shares of two different totals are shares of different groups.
            if (x - y).abs() > 1e-9 * x.abs().max(y.abs()) {
                return None;
            }
        }
        let mut m = FrameMatch {
            context_dice,
            what: a.specific
                && b.specific
                && a.what
                    .iter()
                    .any(|x| b.what.contains(x) && x.as_str() != "people"),
            ..FrameMatch::default()
        };
        match (&a.unit, &b.unit) {
            (Some(x), Some(y)) => {
                if prefix_stem(x, stem_chars) != prefix_stem(y, stem_chars) {
                    return None;
                }
                let around = |f: &Frame| -> Vec<String> {
                    f.before
                        .iter()
                        .chain(f.head.iter().skip(1))
                        .cloned()
                        .collect()
                };
                m.lexical = share_stem(&around(a), &around(b), stem_chars);
                m.what = m.lexical;
            }
            (None, None) => {
                if a.head.is_empty() || b.head.is_empty() {
                    if !(m.what || (a.head.is_empty() && b.head.is_empty())) {
                        return None;
                    }
                    m.lexical = share_stem(&a.before, &b.before, stem_chars);
                } else {
                    m.lexical =
                        prefix_stem(&a.head[0], stem_chars) == prefix_stem(&b.head[0], stem_chars);
                }
            }
            _ => return None,
        }
        let cos = |x: &str, y: &str, e: &Embeddings| {
            embed::cosine(&e.mean(&e.tokenize(x)), &e.mean(&e.tokenize(y)))
        };
        if a.unit.is_none() && !a.head.is_empty() && !b.head.is_empty() {
            if let Some(e) = model {
                m.head_cos = cos(&a.head[0], &b.head[0], e);
            }
            // The verbs (or modifiers) right before two counted heads.
            m.verbs = match (a.before.first(), b.before.first()) {
                (Some(x), Some(y)) => {
                    if prefix_stem(x, stem_chars) == prefix_stem(y, stem_chars)
                        || synonym_class(x).is_some_and(|c| synonym_class(y) == Some(c))
                        || model.is_some_and(|e| cos(x, y, e) >= HEAD_COS_MIN)
                    {
                        Verbs::Same
                    } else {
                        Verbs::Differ
                    }
                }
                _ => Verbs::Missing,
            };
        } else if m.what && a.unit.is_none() {
            // Two amounts of one period (`7 dollars more per month` / `9 dollars to a monthly
            // bill`): their words before say nothing more.
            m.verbs = Verbs::Missing;
        } else {
            // A measure's words around were compared above; a percentage change without a
            // head (`revenue fell 9 percent`) by its words before.
            m.verbs = if m.lexical {
                Verbs::Same
            } else {
                Verbs::Differ
            };
        }
        Some(m)
    }

    /// Whether the two frames count the same thing in the same context (see the
    /// [module docs](self)).
    pub fn same(&self) -> bool {
        let context = match self.verbs {
            Verbs::Same => CONTEXT_DICE_MIN,
            Verbs::Missing => CONTEXT_DICE_STRONG,
            Verbs::Differ => return false,
        };
        (self.lexical || self.head_cos >= HEAD_COS_MIN) && self.context_dice >= context
    }

    /// Whether the two frames may be the same quantity: they share a specific concept
    /// ([`FrameMatch::what`]) and their verbs do not differ, or they pass the looser rule of
    /// [`FrameMatch::same`].
    pub fn candidate(&self) -> bool {
        (self.what && self.verbs != Verbs::Differ) || self.same()
    }

    /// Confidence that the two frames state one quantity of one event ([`FrameMatch::same`]
    /// or [`FrameMatch::what`] assumed), before the evidence of the two articles
    /// ([`frame_confidence`]): [`CONF_WHAT`] for a shared specific concept, [`CONF_LOOSE`]
    /// otherwise; plus [`CONF_VERBS`] when the verbs agree and [`CONF_CONTEXT`] when the
    /// sentences share context (Dice at least [`CONTEXT_DICE_MIN`]).
    pub fn base_confidence(&self) -> f64 {
        let mut c = if self.what { CONF_WHAT } else { CONF_LOOSE };
        if self.verbs == Verbs::Same {
            c += CONF_VERBS;
        }
        if self.context_dice >= CONTEXT_DICE_MIN {
            c += CONF_CONTEXT;
        }
        c
    }

    /// Rank of a match among the candidates: lexical matches first, then by the head and
    /// context similarities.
    pub fn rank(&self) -> f64 {
        f64::from(u8::from(self.lexical || self.what)) + self.head_cos + self.context_dice
    }
}

/// Base confidence of a frame match sharing a specific concept ([`FrameMatch::what`]).
pub const CONF_WHAT: f64 = 0.5;
/// Base confidence of a frame match by the looser rule ([`FrameMatch::same`]: a shared head
/// stem such as `people`, or a head cosine).
pub const CONF_LOOSE: f64 = 0.3;
/// Added when the verbs before the two figures agree ([`Verbs::Same`]).
pub const CONF_VERBS: f64 = 0.1;
/// Added when the two sentences share context.
pub const CONF_CONTEXT: f64 = 0.1;
/// Added when each of the two figures has no other candidate partner in the other article: the
/// only count of its kind of thing on either side.
pub const CONF_UNIQUE: f64 = 0.2;
/// Taken off when the two values are more than [`RATIO_MAX`] times apart: such figures count
/// different things far more often than they disagree on one.
pub const CONF_FAR: f64 = 0.3;
/// Ratio of two values (middles of their ranges) above which they are far apart.
pub const RATIO_MAX: f64 = 2.0;

/// Ratio of the larger to the smaller middle of two frames' ranges (infinite when one is 0 or
/// they differ in sign).
pub fn value_ratio(a: &Frame, b: &Frame) -> f64 {
    let (x, y) = ((a.lo + a.hi) / 2.0, (b.lo + b.hi) / 2.0);
    if x <= 0.0 || y <= 0.0 {
        return if x == y { 1.0 } else { f64::INFINITY };
    }
    x.max(y) / x.min(y)
}

/// Confidence of a frame disagreement: [`FrameMatch::base_confidence`], plus [`CONF_UNIQUE`]
/// when both figures are `unique` candidates, less [`CONF_FAR`] when the values are more than
/// [`RATIO_MAX`] apart; clamped to 0-1.
pub fn frame_confidence(m: &FrameMatch, unique: bool, ratio: f64) -> f64 {
    let mut c = m.base_confidence();
    if unique {
        c += CONF_UNIQUE;
    }
    if ratio > RATIO_MAX {
        c -= CONF_FAR;
    }
    c.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::config::AlignConfig;
    use crate::align::facts::extract;

    fn frames(s: &str) -> Vec<Frame> {
        frames_of(s, &extract(s))
    }

    fn one(s: &str) -> Frame {
        let f = frames(s);
        assert_eq!(f.len(), 1, "{s}: {f:?}");
        f.into_iter().next().unwrap()
    }

    fn pair(a: &str, b: &str, dice: f64) -> Option<FrameMatch> {
        FrameMatch::of(
            &one(a),
            &one(b),
            dice,
            None,
            AlignConfig::default().stem_chars,
        )
    }

    #[test]
    fn heads_words_before_and_units() {
        let f = one("By the Gazette's count, 85 percent of the people who spoke at the meeting opposed the plan.");
        assert_eq!((f.kind, f.lo, f.hi), (FactKind::Percent, 85.0, 85.0));
        assert_eq!(f.head, ["people", "spoke"]);
        let f = one("More than half of the 41 speakers urged the council to delay the vote.");
        assert_eq!(
            (f.kind, f.lo, f.hi, f.total),
            (FactKind::Percent, 50.0, 60.0, Some(41.0))
        );
        // Up to two content words: the head noun first.
        assert_eq!(f.head, ["speakers", "urged"]);
        let f = one("The warehouse employed about 60 people.");
        assert_eq!(
            (f.head.as_slice(), f.before.as_slice()),
            (
                &["people".to_string()][..],
                &["employed".to_string(), "warehouse".to_string()][..]
            )
        );
        let f = one("Gusts of around 90 kilometers per hour are likely.");
        assert_eq!(f.unit.as_deref(), Some("kilometers"));
        assert_eq!(f.before, ["gusts"]);
        // Another figure bounds the words around: "9 percent" is not the head of the money.
        let f = frames("Revenue fell 9 percent to 212 million dollars.");
        assert_eq!(f[0].before, ["fell", "revenue"]);
        assert!(f[1].before.is_empty() && f[1].head.is_empty());
    }

    #[test]
    fn ranges_and_page_media_are_no_frames() {
        assert!(frames("He gave $1 million to $10 million to the fund.").is_empty());
        assert!(frames("Hide Caption 7 of 19 Photos: the candidates.").is_empty());
    }

    #[test]
    fn the_same_thing_counted_differently_matches() {
        let m = pair(
            "The national weather service forecast wind gusts of up to 110 kilometers per hour.",
            "Gusts of around 90 kilometers per hour are likely.",
            0.3,
        )
        .unwrap();
        assert!(m.lexical && m.same());
        assert!(values_disagree(
            &one("wind gusts of up to 110 kilometers per hour"),
            &one("gusts of around 90 kilometers per hour")
        ));
        let m = pair(
            "The attack killed about 50 people.",
            "The attack killed up to 75 people.",
            0.2,
        )
        .unwrap();
        assert!(m.lexical && m.verbs == Verbs::Same && m.same());
        // Without shared context the same head is not enough.
        assert!(!pair(
            "The attack killed about 50 people.",
            "The attack killed up to 75 people.",
            0.05
        )
        .unwrap()
        .same());
    }

    #[test]
    fn different_quantities_do_not_match() {
        // A percentage increase and a share of a workforce.
        assert!(!pair(
            "The 14 percent increase takes effect in January.",
            "It will cut roughly 12 percent of its workforce.",
            0.5
        )
        .is_some_and(|m| m.same()));
        // Killed and injured counts of one attack.
        let m = pair(
            "The blast killed 5 people.",
            "The blast injured 7 people.",
            0.5,
        )
        .unwrap();
        assert_eq!(m.verbs, Verbs::Differ);
        assert!(!m.same());
        // Different units, different proportion totals, a tally.
        assert!(pair("It fell 80 millimeters.", "It fell 90 kilometers.", 0.5).is_none());
        assert!(pair(
            "Half of the 40 members voted.",
            "Half of the 60 members voted.",
            0.5
        )
        .is_none());
        let tally = frames("Trump has 845 delegates, Cruz has 559 and Kasich has 147.");
        assert!(tally.iter().all(|f| f.crowd == 3));
        let b = one("Trump has 744 delegates.");
        assert!(
            FrameMatch::of(&tally[0], &b, 0.9, None, AlignConfig::default().stem_chars).is_none()
        );
    }

    #[test]
    fn dates_of_different_periods_differ() {
        let a = extract("Payrolls grew by 115,000 jobs in April.");
        let b = extract("Payrolls grew by 332,000 jobs in February.");
        assert!(dates_differ(&a, &b));
        let c = extract("Payrolls grew by 332,000 jobs in April.");
        assert!(!dates_differ(&a, &c));
    }

    #[test]
    fn what_is_counted_matches_across_wordings() {
        let what = |s: &str| {
            let f = one(s);
            (f.what, f.specific)
        };
        let (a, sa) =
            what("By the Gazette's count, 85 percent of the people who spoke opposed it.");
        let (b, sb) = what("Residents came, and more than half of the 41 speakers urged a delay.");
        assert!(sa && sb && a.contains(&"speak".to_string()) && b.contains(&"speak".to_string()));
        let (a, _) = what("The warehouse employed about 60 people.");
        let (b, _) = what("Nearly 80 workers at the distributor do not know their future.");
        assert_eq!((a, b), (vec!["job".to_string()], vec!["job".to_string()]));
        let (a, _) = what("The average household will pay roughly 7 dollars more per month.");
        let (b, _) = what("It will add about 9 dollars to a typical monthly bill.");
        assert_eq!(a, ["per month"]);
        assert_eq!(b, ["per month"]);
        let (c, _) = what("The revenue, about 3.1 million dollars a year, pays for pipes.");
        assert!(c.contains(&"per year".to_string()) && !c.contains(&"per month".to_string()));
        // A generic head without a telling verb names nothing specific.
        let (_, s) = what("The attack left 22 people in hospital.");
        assert!(!s);
        // Cut and shed are one verb class; jobs and positions one thing.
        let m = pair(
            "The company would cut about 400 jobs as orders slowed.",
            "The company will shed nearly 600 positions after a weak quarter.",
            0.0,
        )
        .unwrap();
        assert!(m.what && m.verbs == Verbs::Same && m.candidate());
        // Employing and shedding are not.
        let m = pair(
            "Brightline employs about 3,300 people worldwide.",
            "The company will shed nearly 600 positions after a weak quarter.",
            0.5,
        )
        .unwrap();
        assert_eq!(m.verbs, Verbs::Differ);
        assert!(!m.candidate());
    }

    #[test]
    fn confidence_rewards_uniqueness_and_punishes_far_values() {
        let m = FrameMatch {
            what: true,
            ..FrameMatch::default()
        };
        assert!(frame_confidence(&m, true, 1.5) > frame_confidence(&m, false, 1.5));
        assert!(frame_confidence(&m, true, 1.5) - frame_confidence(&m, true, 5.0) > 0.29);
        let loose = FrameMatch::default();
        assert!(frame_confidence(&loose, true, 1.0) < frame_confidence(&m, true, 1.0));
        assert_eq!(
            value_ratio(&one("about 400 jobs"), &one("nearly 600 jobs")),
            570.0 / 400.0
        );
    }

    #[test]
    fn no_panic_on_odd_text() {
        for s in [
            "",
            "5",
            "$",
            "of 5 of",
            "5 - 6 – 7",
            "ünïcödé 5 ünïts ’s",
            "about 5’",
        ] {
            let _ = frames(s);
        }
    }
}
