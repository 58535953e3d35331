//! Key terms of same-story detection: the words of names and canonical forms of numbers (at
//! least 10), percentages, money amounts and dates, so that two texts stating one figure in
//! different words share the term (`$4.2 million` = `4.2 million dollars`).

use super::extract::extract;
use super::fact::{Fact, FactKind, Value};
use crate::text::lexicon::is_stopword;

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
