//! TF-KLD token weights (Ji & Eisenstein 2013): how much the presence of a token in *both*
//! sentences, rather than in only one, tells paraphrases from non-paraphrases.
//!
//! For every token `t` seen in a labelled training pair, count over the pairs whose sentences
//! contain `t` (either side): `p_t` = share of those pairs where both sentences have it, among
//! paraphrases; `q_t` the same among non-paraphrases, both smoothed with `α` pseudo-counts:
//! `p_t = (both⁺ + α) / (n⁺ + 2α)`. The weight is the Bernoulli KL divergence
//! `KL(p_t ‖ q_t) = p ln(p/q) + (1−p) ln((1−p)/(1−q))`. Tokens seen in fewer than `min_count`
//! pairs, and unseen tokens, get the default weight: the mean weight of the kept tokens.
//!
//! Not used by the shipped score (no gain on MRPC once the classifier is boosted trees); the CLI
//! fits it inside the cross-validation folds (`storyfold similarity --cv 10 --variant lexical,kld`).
//! TSV format: a first line `#default<TAB>w`, then `token<TAB>weight` lines sorted by token.

use std::collections::HashMap;
use std::io::{self, Write};

use crate::align::Sentence;

/// Pseudo-count used with [`Kld::fit`] by the CLI.
pub const KLD_ALPHA: f64 = 1.0;
/// Least number of training pairs a token must appear in to get its own weight.
pub const KLD_MIN_COUNT: u32 = 2;

/// TF-KLD weights of normalized tokens.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Kld {
    /// Weight per token.
    pub weights: HashMap<String, f64>,
    /// Weight of tokens not in the table.
    pub default: f64,
}

fn bernoulli_kl(p: f64, q: f64) -> f64 {
    p * (p / q).ln() + (1.0 - p) * ((1.0 - p) / (1.0 - q)).ln()
}

impl Kld {
    /// Fit the weights on labelled pairs `(a, b, paraphrase)` (see the [module docs](self)).
    pub fn fit<'a, I>(pairs: I, alpha: f64, min_count: u32) -> Kld
    where
        I: IntoIterator<Item = (&'a Sentence, &'a Sentence, bool)>,
    {
        // [both⁺, one⁺, both⁻, one⁻]
        let mut counts: HashMap<&'a str, [u32; 4]> = HashMap::new();
        let mut ta: Vec<&str> = Vec::new();
        let mut tb: Vec<&str> = Vec::new();
        for (a, b, y) in pairs {
            ta.clear();
            ta.extend(a.tokens.iter().map(String::as_str));
            ta.sort_unstable();
            ta.dedup();
            tb.clear();
            tb.extend(b.tokens.iter().map(String::as_str));
            tb.sort_unstable();
            tb.dedup();
            let off = if y { 0 } else { 2 };
            let (mut i, mut j) = (0, 0);
            while i < ta.len() || j < tb.len() {
                let (t, both) = match (ta.get(i), tb.get(j)) {
                    (Some(x), Some(z)) if x == z => {
                        i += 1;
                        j += 1;
                        (*x, true)
                    }
                    (Some(x), Some(z)) if x < z => {
                        i += 1;
                        (*x, false)
                    }
                    (Some(x), None) => {
                        i += 1;
                        (*x, false)
                    }
                    (_, Some(z)) => {
                        j += 1;
                        (*z, false)
                    }
                    (None, None) => break,
                };
                let c = counts.entry(t).or_default();
                c[off + usize::from(!both)] += 1;
            }
        }
        let alpha = alpha.max(1e-6);
        let mut weights = HashMap::new();
        for (t, c) in counts {
            if c.iter().sum::<u32>() < min_count {
                continue;
            }
            let p = (c[0] as f64 + alpha) / ((c[0] + c[1]) as f64 + 2.0 * alpha);
            let q = (c[2] as f64 + alpha) / ((c[2] + c[3]) as f64 + 2.0 * alpha);
            weights.insert(t.to_string(), bernoulli_kl(p, q));
        }
        let default = if weights.is_empty() {
            0.0
        } else {
            weights.values().sum::<f64>() / weights.len() as f64
        };
        Kld { weights, default }
    }

    /// Weight of a token.
    pub fn weight(&self, token: &str) -> f64 {
        self.weights.get(token).copied().unwrap_or(self.default)
    }

    /// Parse the TSV format (see the [module docs](self)).
    pub fn from_tsv(text: &str) -> Result<Kld, String> {
        let mut kld = Kld::default();
        for (i, line) in text.lines().enumerate() {
            if line.is_empty() {
                continue;
            }
            let (k, v) = line
                .split_once('\t')
                .ok_or_else(|| format!("line {}: no tab", i + 1))?;
            let v: f64 = v
                .trim()
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| format!("line {}: bad weight {v:?}", i + 1))?;
            if i == 0 && k == "#default" {
                kld.default = v;
            } else {
                kld.weights.insert(k.to_string(), v);
            }
        }
        Ok(kld)
    }

    /// Write the TSV format, tokens sorted.
    pub fn write_tsv<W: Write>(&self, mut w: W) -> io::Result<()> {
        writeln!(w, "#default\t{:.6}", self.default)?;
        let mut v: Vec<(&String, &f64)> = self.weights.iter().collect();
        v.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (t, x) in v {
            writeln!(w, "{t}\t{x:.6}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discriminative_tokens_get_large_weights() {
        let s = |x: &str| Sentence::new(x);
        let data = [
            (s("alpha beta said"), s("alpha gamma said"), true),
            (s("alpha beta said"), s("delta beta said"), false),
            (s("alpha zeta said"), s("alpha eta said"), true),
            (s("theta zeta said"), s("iota zeta said"), false),
        ];
        let k = Kld::fit(data.iter().map(|(a, b, y)| (a, b, *y)), 0.5, 2);
        // "alpha" shared only in paraphrases, "said" shared in all, "zeta" one of each.
        assert!(k.weight("alpha") > k.weight("said") + 0.1, "{k:?}");
        assert!(k.weight("said") < 1e-9);
        assert!(k.weight("never-seen") == k.default && k.default > 0.0);
        let mut buf = Vec::new();
        k.write_tsv(&mut buf).unwrap();
        let back = Kld::from_tsv(std::str::from_utf8(&buf).unwrap()).unwrap();
        assert!((back.weight("alpha") - k.weight("alpha")).abs() < 1e-6);
        assert!(Kld::from_tsv("x\tnan").is_err());
    }
}
