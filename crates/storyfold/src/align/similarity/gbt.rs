//! The paraphrase model: a logistic regression on the pair features, optionally corrected by
//! gradient-boosted regression trees, its text format and its prediction. Fitting it (Newton's
//! method for the regression, exact greedy splits for the trees) is `storyfold-train`'s job;
//! this module only reads a model and scores with it.
//!
//! Prediction: the log-odds start from the logistic model's `b + Σ wᵢ·xᵢ` (or from a constant
//! `base`, the log-odds of the base rate, when there is none); every tree adds the value of the
//! leaf its walk reaches (go left when `x[feature] < threshold`); the probability is the
//! sigmoid of the sum.
//!
//! Text format (one tree node per line, see [`Gbt::to_text`]): a first line
//! `gbt<TAB>base<TAB>trees`, optionally a line `linear<TAB>bias<TAB>w_0<TAB>…` (the starting
//! logistic model, which replaces `base`; missing trailing weights are 0), then `feature<TAB>threshold<TAB>left<TAB>right<TAB>value` per node
//! (`feature = -1` marks a leaf; `left`/`right` index nodes of the same tree), trees separated by
//! a line `tree`.

use super::features::NUM_FEATURES;

/// A logistic model: `p = 1 / (1 + exp(−(bias + Σ weights[i]·x[i])))`.
#[derive(Clone, Debug, PartialEq)]
pub struct Logistic {
    /// Intercept.
    pub bias: f64,
    /// One weight per feature.
    pub weights: [f64; NUM_FEATURES],
}

impl Logistic {
    /// The model's log-odds for a feature vector.
    pub fn margin(&self, x: &[f64; NUM_FEATURES]) -> f64 {
        self.bias + self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f64>()
    }

    /// The model's probability for a feature vector.
    pub fn predict(&self, x: &[f64; NUM_FEATURES]) -> f64 {
        sigmoid(self.margin(x))
    }
}

/// The logistic function.
pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// One node of a tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Split feature, `None` for a leaf.
    pub feature: Option<usize>,
    /// Go left when `x[feature] < threshold`.
    pub threshold: f64,
    /// Left child index.
    pub left: usize,
    /// Right child index.
    pub right: usize,
    /// Leaf value (log-odds contribution).
    pub value: f64,
}

/// A paraphrase model: a starting logistic model (or base rate) and boosted trees.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Gbt {
    /// Initial log-odds (when there is no `linear` model).
    pub base: f64,
    /// Starting logistic model, if any.
    pub linear: Option<Logistic>,
    /// Trees; node 0 is each tree's root.
    pub trees: Vec<Vec<Node>>,
}

impl Gbt {
    /// Log-odds of a feature vector.
    pub fn margin(&self, x: &[f64; NUM_FEATURES]) -> f64 {
        let mut z = match &self.linear {
            Some(l) => l.margin(x),
            None => self.base,
        };
        for tree in &self.trees {
            let mut n = 0;
            // Bounded walk: a malformed tree cannot loop forever.
            for _ in 0..tree.len() {
                let Some(node) = tree.get(n) else { break };
                match node.feature {
                    Some(f) if f < NUM_FEATURES => {
                        n = if x[f] < node.threshold {
                            node.left
                        } else {
                            node.right
                        };
                    }
                    _ => {
                        z += node.value;
                        break;
                    }
                }
            }
        }
        z
    }

    /// Probability of a feature vector.
    pub fn predict(&self, x: &[f64; NUM_FEATURES]) -> f64 {
        sigmoid(self.margin(x))
    }

    /// The text format (see the [module docs](self)).
    pub fn to_text(&self) -> String {
        let mut s = format!("gbt\t{:.9}\t{}\n", self.base, self.trees.len());
        if let Some(l) = &self.linear {
            s.push_str(&format!("linear\t{:.9}", l.bias));
            for w in &l.weights {
                s.push_str(&format!("\t{w:.9}"));
            }
            s.push('\n');
        }
        for tree in &self.trees {
            s.push_str("tree\n");
            for n in tree {
                let f = n.feature.map_or(-1, |f| f as i64);
                s.push_str(&format!(
                    "{f}\t{:.9}\t{}\t{}\t{:.9}\n",
                    n.threshold, n.left, n.right, n.value
                ));
            }
        }
        s
    }

    /// Parse the text format; `None` when malformed.
    pub fn from_text(text: &str) -> Option<Gbt> {
        let mut lines = text.lines();
        let head: Vec<&str> = lines.next()?.split('\t').collect();
        if head.len() != 3 || head[0] != "gbt" {
            return None;
        }
        let mut g = Gbt {
            base: head[1].parse().ok()?,
            linear: None,
            trees: Vec::new(),
        };
        for line in lines {
            if let Some(rest) = line.strip_prefix("linear\t") {
                let v: Vec<f64> = rest
                    .split('\t')
                    .map(|x| x.parse().ok())
                    .collect::<Option<_>>()?;
                if v.len() < 2 || v.len() > NUM_FEATURES + 1 || !g.trees.is_empty() {
                    return None;
                }
                // Files written before features were added have fewer weights: those are 0.
                let mut weights = [0.0; NUM_FEATURES];
                weights[..v.len() - 1].copy_from_slice(&v[1..]);
                g.linear = Some(Logistic {
                    bias: v[0],
                    weights,
                });
                continue;
            }
            if line == "tree" {
                g.trees.push(Vec::new());
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() != 5 {
                return None;
            }
            let feature: i64 = f[0].parse().ok()?;
            let node = Node {
                feature: usize::try_from(feature).ok(),
                threshold: f[1].parse().ok()?,
                left: f[2].parse().ok()?,
                right: f[3].parse().ok()?,
                value: f[4].parse().ok()?,
            };
            g.trees.last_mut()?.push(node);
        }
        (g.trees.len() == head[2].parse::<usize>().ok()?).then_some(g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(value: f64) -> Node {
        Node {
            feature: None,
            threshold: 0.0,
            left: 0,
            right: 0,
            value,
        }
    }

    /// One stump on feature 1 (left −1, right +2) over a linear model on feature 0.
    fn stump_on_linear() -> Gbt {
        let mut weights = [0.0; NUM_FEATURES];
        weights[0] = 3.0;
        Gbt {
            base: 0.7,
            linear: Some(Logistic {
                bias: -0.5,
                weights,
            }),
            trees: vec![vec![
                Node {
                    feature: Some(1),
                    threshold: 0.5,
                    left: 1,
                    right: 2,
                    value: 0.0,
                },
                leaf(-1.0),
                leaf(2.0),
            ]],
        }
    }

    #[test]
    fn margin_is_the_linear_log_odds_plus_the_leaves_reached() {
        let g = stump_on_linear();
        let mut x = [0.0; NUM_FEATURES];
        x[0] = 0.5;
        x[1] = 0.2;
        assert!((g.margin(&x) - (-0.5 + 1.5 - 1.0)).abs() < 1e-12);
        x[1] = 0.5;
        assert!((g.margin(&x) - (-0.5 + 1.5 + 2.0)).abs() < 1e-12);
        assert!((g.predict(&x) - sigmoid(3.0)).abs() < 1e-12);
        // Without a linear model the walk starts from the base log-odds.
        let plain = Gbt {
            linear: None,
            ..stump_on_linear()
        };
        assert!((plain.margin(&x) - 2.7).abs() < 1e-12);
        assert!((sigmoid(0.0) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn text_format_round_trips_and_rejects_a_wrong_tree_count() {
        let g = stump_on_linear();
        let back = Gbt::from_text(&g.to_text()).expect("round trip");
        assert_eq!(back, g);
        assert!(Gbt::from_text("gbt\t0\t2\ntree\n-1\t0\t0\t0\t0\n").is_none());
        assert!(Gbt::from_text("nonsense").is_none());
        // Files written before features were added: the missing weights are 0.
        let short = Gbt::from_text("gbt\t0\t0\nlinear\t1\t2\n").expect("short linear line");
        let linear = short.linear.expect("linear model");
        assert_eq!((linear.bias, linear.weights[0]), (1.0, 2.0));
        assert!(linear.weights[1..].iter().all(|&w| w == 0.0));
    }

    #[test]
    fn malformed_trees_do_not_loop_or_panic() {
        let g = Gbt {
            base: 0.0,
            linear: None,
            trees: vec![vec![Node {
                feature: Some(0),
                threshold: 0.5,
                left: 0,
                right: 7,
                value: 1.0,
            }]],
        };
        assert!(g.predict(&[0.0; NUM_FEATURES]).is_finite());
        assert!(g.predict(&[1.0; NUM_FEATURES]).is_finite());
    }
}
