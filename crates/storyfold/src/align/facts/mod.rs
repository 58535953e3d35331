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
//! oracle (`crates/storyfold/tests/facts_oracle/`): property tests and an on-demand corpus
//! test there check that extraction, comparison and key terms give exactly what it gives.
//!
//! **Files**, one per concept: `fact.rs` (the types), `lex.rs` (the lexer and the parser's
//! cursor), `quantity.rs`, `dates.rs` and `names.rs` (the rules of each kind), `extract.rs`
//! ([`extract`]: the rules in turn over a text), `compare.rs` (agreement and [`compare_facts`])
//! and `key_terms.rs` ([`key_terms`]). The words the rules recognize are those of the shared
//! lexicon ([`crate::text::lexicon`]: months, weekdays, number words, stopwords, name
//! connectors) and of [`vocab`] (currencies, hedges, titles, sentence starters).

mod compare;
mod dates;
mod extract;
mod fact;
mod key_terms;
mod lex;
mod names;
mod quantity;
pub mod vocab;

pub use compare::{compare_facts, compare_sentences, NAME_GAP_MAX};
pub use extract::extract;
pub use fact::{
    prior_confidence, Disagreement, Fact, FactKind, Value, Via, CONF_DATE, CONF_NAME, CONF_QUANTITY,
};
pub use key_terms::{key_terms, key_terms_of};
pub use names::{headline_case, not_a_count, same_entity, HEADLINE_CAPS_SHARE, HEADLINE_MIN_WORDS};

#[cfg(test)]
mod tests;
