//! Fitting the gradient-boosted tree classifier (logistic loss, second-order leaf values, exact
//! greedy splits, no randomness): the nonlinear alternative to the logistic model. The fitted
//! model is the engine's [`Gbt`] (its text format and prediction are
//! `storyfold::align::similarity::gbt`).
//!
//! Training: start from the log-odds of the base rate, or from a fitted logistic model's
//! log-odds (then the trees only correct the linear model, which keeps its smooth, monotone
//! behaviour far from the training data: the trees' corrections are bounded); each round fits a
//! regression tree of depth at most `depth` to the gradients `g = p − y` and Hessians
//! `h = p(1 − p)` of the current model, choosing at every node the split `x[f] < t` (midpoint
//! between consecutive distinct values) that maximizes the gain
//! `G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)` with at least `min_leaf` Hessian mass on each side;
//! a leaf's value is `−G/(H+λ)`, scaled by the learning rate.

use storyfold::align::similarity::gbt::{sigmoid, Gbt, Logistic, Node};
use storyfold::align::similarity::NUM_FEATURES;

/// Hyper-parameters of [`fit_gbt`].
#[derive(Clone, Copy, Debug)]
pub struct GbtParams {
    /// Boosting rounds.
    pub rounds: usize,
    /// Largest tree depth.
    pub depth: usize,
    /// Shrinkage of every tree.
    pub learning_rate: f64,
    /// L2 penalty of leaf values.
    pub lambda: f64,
    /// Least Hessian mass in a child.
    pub min_leaf: f64,
}

impl Default for GbtParams {
    fn default() -> Self {
        GbtParams {
            rounds: 200,
            depth: 3,
            learning_rate: 0.05,
            lambda: 1.0,
            min_leaf: 5.0,
        }
    }
}

/// Fit a boosted-tree model starting from `linear` (or from the base rate) (see the
/// [module docs](self)); deterministic.
pub fn fit_gbt(
    xs: &[[f64; NUM_FEATURES]],
    ys: &[bool],
    params: &GbtParams,
    linear: Option<Logistic>,
) -> Gbt {
    let n = xs.len();
    if n == 0 {
        return Gbt::default();
    }
    let pos = ys.iter().filter(|&&y| y).count() as f64;
    let rate = ((pos + 0.5) / (n as f64 + 1.0)).clamp(1e-6, 1.0 - 1e-6);
    let mut g = Gbt {
        base: (rate / (1.0 - rate)).ln(),
        linear,
        trees: Vec::new(),
    };
    // Each feature's example order, computed once.
    let order: Vec<Vec<usize>> = (0..NUM_FEATURES)
        .map(|f| {
            let mut o: Vec<usize> = (0..n).collect();
            o.sort_by(|&a, &b| xs[a][f].total_cmp(&xs[b][f]));
            o
        })
        .collect();
    let mut margin: Vec<f64> = xs.iter().map(|x| g.margin(x)).collect();
    let mut grad = vec![0.0; n];
    let mut hess = vec![0.0; n];
    for _ in 0..params.rounds {
        for i in 0..n {
            let p = sigmoid(margin[i]);
            grad[i] = p - if ys[i] { 1.0 } else { 0.0 };
            hess[i] = (p * (1.0 - p)).max(1e-12);
        }
        let tree = grow(xs, &grad, &hess, &order, params);
        let t = Gbt {
            base: 0.0,
            linear: None,
            trees: vec![tree],
        };
        for (m, x) in margin.iter_mut().zip(xs) {
            *m += t.margin(x);
        }
        g.trees.extend(t.trees);
    }
    g
}

/// Grow one tree level by level.
fn grow(
    xs: &[[f64; NUM_FEATURES]],
    grad: &[f64],
    hess: &[f64],
    order: &[Vec<usize>],
    p: &GbtParams,
) -> Vec<Node> {
    let n = xs.len();
    let leaf = |gs: f64, hs: f64| -gs / (hs + p.lambda) * p.learning_rate;
    let mut nodes = vec![Node {
        feature: None,
        threshold: 0.0,
        left: 0,
        right: 0,
        value: leaf(grad.iter().sum(), hess.iter().sum()),
    }];
    // Node of each example (index into `nodes`), `usize::MAX` once it sits in a final leaf.
    let mut at = vec![0usize; n];
    let mut frontier = vec![0usize];
    for _ in 0..p.depth {
        // Totals per frontier node.
        let mut pos = vec![usize::MAX; nodes.len()];
        for (k, &node) in frontier.iter().enumerate() {
            pos[node] = k;
        }
        let mut tot = vec![(0.0, 0.0); frontier.len()];
        for i in 0..n {
            if let Some(&k) = pos.get(at[i]).filter(|&&k| k != usize::MAX) {
                tot[k].0 += grad[i];
                tot[k].1 += hess[i];
            }
        }
        // Best split per frontier node: (gain, feature, threshold).
        let mut best = vec![(0.0f64, usize::MAX, 0.0f64); frontier.len()];
        for (f, ord) in order.iter().enumerate() {
            let mut acc = vec![(0.0, 0.0, f64::NAN); frontier.len()];
            for &i in ord {
                let Some(&k) = pos.get(at[i]).filter(|&&k| k != usize::MAX) else {
                    continue;
                };
                let v = xs[i][f];
                let (gl, hl, last) = acc[k];
                if !last.is_nan() && v > last {
                    let (gt, ht) = tot[k];
                    let (gr, hr) = (gt - gl, ht - hl);
                    if hl >= p.min_leaf && hr >= p.min_leaf {
                        let gain = gl * gl / (hl + p.lambda) + gr * gr / (hr + p.lambda)
                            - gt * gt / (ht + p.lambda);
                        if gain > best[k].0 + 1e-12 {
                            best[k] = (gain, f, (last + v) / 2.0);
                        }
                    }
                }
                acc[k] = (gl + grad[i], hl + hess[i], v);
            }
        }
        let mut next = Vec::new();
        let mut child_of = vec![(0usize, 0usize); frontier.len()];
        for (k, &node) in frontier.iter().enumerate() {
            let (gain, f, t) = best[k];
            if f == usize::MAX || gain <= 0.0 {
                continue;
            }
            let l = nodes.len();
            for _ in 0..2 {
                nodes.push(Node {
                    feature: None,
                    threshold: 0.0,
                    left: 0,
                    right: 0,
                    value: 0.0,
                });
            }
            nodes[node].feature = Some(f);
            nodes[node].threshold = t;
            nodes[node].left = l;
            nodes[node].right = l + 1;
            child_of[k] = (l, l + 1);
            next.push(l);
            next.push(l + 1);
        }
        if next.is_empty() {
            break;
        }
        let mut sums = vec![(0.0, 0.0); nodes.len()];
        for i in 0..n {
            let Some(&k) = pos.get(at[i]).filter(|&&k| k != usize::MAX) else {
                continue;
            };
            let node = frontier[k];
            if let Some(f) = nodes[node].feature {
                let (l, r) = child_of[k];
                at[i] = if xs[i][f] < nodes[node].threshold {
                    l
                } else {
                    r
                };
                sums[at[i]].0 += grad[i];
                sums[at[i]].1 += hess[i];
            } else {
                at[i] = usize::MAX;
            }
        }
        for &c in &next {
            nodes[c].value = leaf(sums[c].0, sums[c].1);
        }
        frontier = next;
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_an_interaction_a_linear_model_cannot() {
        // XOR of two features.
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for i in 0..400 {
            let mut x = [0.0; NUM_FEATURES];
            x[0] = (i % 20) as f64 / 20.0;
            x[1] = (i / 20) as f64 / 20.0;
            ys.push((x[0] > 0.5) != (x[1] > 0.5));
            xs.push(x);
        }
        let g = fit_gbt(&xs, &ys, &GbtParams::default(), None);
        let correct = xs
            .iter()
            .zip(&ys)
            .filter(|(x, &y)| (g.predict(x) >= 0.5) == y)
            .count();
        assert!(correct >= 390, "{correct}");
        let back = Gbt::from_text(&g.to_text()).expect("round trip");
        assert!((back.predict(&xs[7]) - g.predict(&xs[7])).abs() < 1e-6);
        assert!(Gbt::from_text("gbt\t0\t2\ntree\n-1\t0\t0\t0\t0\n").is_none());
        // With a starting linear model.
        let lin = crate::fit::fit_logistic(&xs, &ys, 1.0);
        let h = fit_gbt(&xs, &ys, &GbtParams::default(), Some(lin));
        let back = Gbt::from_text(&h.to_text()).expect("round trip");
        assert!(back.linear.is_some());
        assert!((back.predict(&xs[7]) - h.predict(&xs[7])).abs() < 1e-6);
    }
}
