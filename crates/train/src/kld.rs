//! Fitting TF-KLD token weights (Ji & Eisenstein 2013) on labelled pairs: the engine's
//! [`Kld`] table (`storyfold::align::similarity::kld`, where the weights are defined), fitted
//! inside the cross-validation folds of `storyfold-train similarity --variant …kld`.

use std::collections::HashMap;

use storyfold::align::similarity::Kld;
use storyfold::align::Sentence;

/// Pseudo-count used with [`fit_kld`] by `similarity --cv`.
pub const KLD_ALPHA: f64 = 1.0;
/// Least number of training pairs a token must appear in to get its own weight.
pub const KLD_MIN_COUNT: u32 = 2;

fn bernoulli_kl(p: f64, q: f64) -> f64 {
    p * (p / q).ln() + (1.0 - p) * ((1.0 - p) / (1.0 - q)).ln()
}

/// Fit the weights on labelled pairs `(a, b, paraphrase)` (see the engine's
/// `storyfold::align::similarity::kld` for the definition).
pub fn fit_kld<'a, I>(pairs: I, alpha: f64, min_count: u32) -> Kld
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
        let k = fit_kld(data.iter().map(|(a, b, y)| (a, b, *y)), 0.5, 2);
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
