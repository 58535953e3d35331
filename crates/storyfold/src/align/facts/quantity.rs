//! Quantities: numbers, percentages, money amounts and proportions, with their hedges (see
//! the [module docs](super) for the forms and the ranges).

use super::fact::{Fact, FactKind, Value};
use super::lex::{Lexeme, Parser, Tok};
use super::vocab::{currency_sym, currency_word, Hedge, COMMON_STARTERS, HEDGES};
use crate::text::lexicon::{
    fraction_word, is_capitalized, is_stopword, month_of, number_word, scale_word, weekday_of,
};

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

impl Parser<'_> {
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

    /// The hedge phrase starting at `i` ([`HEDGES`]) and the index after it.
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

    /// A quantity (number, percent, money, proportion) starting at `i`.
    pub(super) fn quantity(&self, i: usize) -> Option<(Fact, usize)> {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hedge_starts_cover_every_hedge() {
        for (words, _) in HEDGES {
            assert!(is_hedge_start(words[0]), "{words:?}");
        }
    }
}
