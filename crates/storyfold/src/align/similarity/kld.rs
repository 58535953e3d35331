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
//! This module holds the table, its weights and its TSV format; the features built on it are
//! [`kld_features`](super::features::kld_features). Fitting it is `storyfold-train`'s job: not
//! used by the shipped score (no gain on MRPC once the classifier is boosted trees), it is
//! fitted inside the cross-validation folds (`storyfold-train similarity --cv 10 --variant
//! lexical,kld`). TSV format: a first line `#default<TAB>w`, then `token<TAB>weight` lines
//! sorted by token.

use std::collections::HashMap;
use std::io::{self, Write};

/// TF-KLD weights of normalized tokens.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Kld {
    /// Weight per token.
    pub weights: HashMap<String, f64>,
    /// Weight of tokens not in the table.
    pub default: f64,
}

impl Kld {
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
    fn weights_default_and_tsv_round_trip() {
        let k = Kld {
            weights: HashMap::from([("alpha".to_string(), 0.75), ("said".to_string(), 0.0)]),
            default: 0.25,
        };
        assert_eq!(k.weight("alpha"), 0.75);
        assert_eq!(k.weight("never-seen"), 0.25);
        let mut buf = Vec::new();
        k.write_tsv(&mut buf).unwrap();
        let text = std::str::from_utf8(&buf).unwrap();
        assert_eq!(
            text,
            "#default\t0.250000\nalpha\t0.750000\nsaid\t0.000000\n"
        );
        assert_eq!(Kld::from_tsv(text).unwrap(), k);
        assert!(Kld::from_tsv("x\tnan").is_err());
        assert!(Kld::from_tsv("x\t-1").is_err());
        assert!(Kld::from_tsv("no tab").is_err());
    }
}
