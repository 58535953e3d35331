//! Comparing facts: when two facts agree ([`Fact::agrees`]), and which facts of two sentences
//! disagree ([`compare_facts`]; see the [module docs](super) for the rules).

use std::ops::Range;

use rustc_hash::FxHashMap;

use super::extract::extract;
use super::fact::{Disagreement, Fact, FactKind, Value, Via};
use super::names::{name_stem, name_word, names_agree};

impl Fact {
    /// Whether two facts of the same kind state the same thing (see the [module docs](super)).
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

    /// Whether two facts may be paired as a disagreement: two dates with at least one field in
    /// common (so comparing them makes sense), or two other facts of the same kind.
    pub fn comparable(&self, other: &Fact) -> bool {
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
            // Two amounts in two currencies and of different sizes are a conversion ("$2m" /
            // "£1.2m"), not a disagreement; one size in two currencies is a mix-up.
            (
                Value::Quantity {
                    lo: l1,
                    hi: h1,
                    currency: Some(c1),
                    ..
                },
                Value::Quantity {
                    lo: l2,
                    hi: h2,
                    currency: Some(c2),
                    ..
                },
            ) if c1 != c2 => l1 <= h2 && l2 <= h1,
            _ => self.kind == other.kind,
        }
    }
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
/// (text `b`) of B (see the [module docs](super) for the rules).
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
        // The word slots of the two texts, for names only: each open name's slot and whether
        // few enough other words differ around it there (computed once per name, not once per
        // pair of names).
        let slots = (kind == FactKind::Name).then(|| {
            let (wa, wb) = slot_words(a, b);
            let sl = word_slots(&wa, &wb);
            let place = |words: &SlotWords, slots: &Vec<usize>, matched: &Vec<bool>, f: &Fact| {
                name_slot((words, slots, matched), &f.span).map(|slot| {
                    let close = gap_besides(words, slots, matched, slot, &f.span) <= NAME_GAP_MAX;
                    (slot, close)
                })
            };
            let in_a: Vec<Option<(usize, bool)>> = (fa.iter().zip(&open_a))
                .map(|(f, &open)| {
                    let open = open && f.kind == kind;
                    open.then(|| place(&wa, &sl.a, &sl.matched_a, f)).flatten()
                })
                .collect();
            let in_b: Vec<Option<(usize, bool)>> = (fb.iter().zip(&open_b))
                .map(|(f, &open)| {
                    let open = open && f.kind == kind;
                    open.then(|| place(&wb, &sl.b, &sl.matched_b, f)).flatten()
                })
                .collect();
            (in_a, in_b)
        });
        for i in xs {
            let pick = if let Some((in_a, in_b)) = &slots {
                in_a[i].and_then(|(slot, close_a)| {
                    ys.iter().position(|&j| {
                        in_b[j].is_some_and(|(s, close_b)| s == slot && close_a && close_b)
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
                    confidence: super::fact::prior_confidence(kind),
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
mod tests {
    use super::*;
    use proptest::prelude::*;

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
}
