//! [`extract`]: the facts of a text, in order.

use super::fact::Fact;
use super::lex::{lex, Parser};
use super::names::push_names;

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
    push_names(&p, &taken, &mut facts);
    facts.sort_by_key(|f| f.span.start);
    facts
}
