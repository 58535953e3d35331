//! Dates: month names and abbreviations with a day and/or a year, day before month, and
//! weekdays (see the [module docs](super)); lone years are read with the quantities.

use super::fact::{Fact, FactKind, Value};
use super::lex::{Lexeme, Parser, Tok};
use crate::text::lexicon::{is_capitalized, month_of, weekday_of};

impl Parser<'_> {
    /// A day of the month (1-31, an ordinal suffix allowed) at `i` and the index after it.
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

    /// A four-digit year at `i` and the index after it.
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
    pub(super) fn date(&self, i: usize) -> Option<(Fact, usize)> {
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
