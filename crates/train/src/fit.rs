//! Fitting and checking the paraphrase model: L2-regularized logistic regression by Newton's
//! method (IRLS), the accuracy-maximizing threshold, k-fold cross-validation, and the Pearson and
//! Spearman correlations used on STS. The fitted model is the engine's
//! [`Logistic`] (scored by `storyfold::align::similarity::gbt`).

use storyfold::align::similarity::gbt::sigmoid;
use storyfold::align::similarity::{Logistic, NUM_FEATURES};
use storyfold_cli::pairs::Confusion;

/// Solve `m · x = v` (dense, small) by Gaussian elimination with partial pivoting; `None` when
/// singular.
fn solve(mut m: Vec<Vec<f64>>, mut v: Vec<f64>) -> Option<Vec<f64>> {
    let n = v.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        v.swap(col, pivot);
        for row in col + 1..n {
            let f = m[row][col] / m[col][col];
            if f != 0.0 {
                let (upper, lower) = m.split_at_mut(row);
                for (dst, src) in lower[0][col..].iter_mut().zip(&upper[col][col..]) {
                    *dst -= f * src;
                }
                v[row] -= f * v[col];
            }
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| m[row][k] * x[k]).sum();
        x[row] = (v[row] - s) / m[row][row];
    }
    Some(x)
}

/// Fit a logistic regression with an L2 penalty `l2 · ‖weights‖² / 2` (the bias is not
/// penalized) by Newton's method; stops after 100 steps or when no parameter moves by more than
/// 1e-10.
pub fn fit_logistic(xs: &[[f64; NUM_FEATURES]], ys: &[bool], l2: f64) -> Logistic {
    let d = NUM_FEATURES + 1;
    let mut theta = vec![0.0; d];
    for _ in 0..100 {
        let mut grad = vec![0.0; d];
        let mut hess = vec![vec![0.0; d]; d];
        for (x, &y) in xs.iter().zip(ys) {
            let z = theta[0] + (0..NUM_FEATURES).map(|i| theta[i + 1] * x[i]).sum::<f64>();
            let p = sigmoid(z);
            let r = p - if y { 1.0 } else { 0.0 };
            let w = (p * (1.0 - p)).max(1e-12);
            let xi = |i: usize| if i == 0 { 1.0 } else { x[i - 1] };
            for (i, (g, h)) in grad.iter_mut().zip(hess.iter_mut()).enumerate() {
                *g += r * xi(i);
                for (j, hij) in h.iter_mut().enumerate().take(i + 1) {
                    *hij += w * xi(i) * xi(j);
                }
            }
        }
        for i in 0..d {
            let (upper, lower) = hess.split_at_mut(i);
            for (j, row) in upper.iter_mut().enumerate() {
                row[i] = lower[0][j];
            }
            if i > 0 {
                grad[i] += l2 * theta[i];
                hess[i][i] += l2;
            }
        }
        let Some(step) = solve(hess, grad) else {
            break;
        };
        let mut moved = 0.0f64;
        for (t, s) in theta.iter_mut().zip(&step) {
            *t -= s;
            moved = moved.max(s.abs());
        }
        if moved < 1e-10 {
            break;
        }
    }
    let mut weights = [0.0; NUM_FEATURES];
    weights.copy_from_slice(&theta[1..]);
    Logistic {
        bias: theta[0],
        weights,
    }
}

/// The threshold `t` maximizing the accuracy of `score >= t` (midpoint between two consecutive
/// distinct scores; the lowest such threshold among ties).
pub fn best_threshold(scores: &[f64], ys: &[bool]) -> f64 {
    let mut order: Vec<(f64, bool)> = scores.iter().copied().zip(ys.iter().copied()).collect();
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    // Threshold below everything: all predicted positive.
    let mut correct = ys.iter().filter(|&&y| y).count() as i64;
    let (mut best, mut best_t) = (correct, order.first().map_or(0.5, |x| x.0 - 1e-9));
    let mut i = 0;
    while i < order.len() {
        let s = order[i].0;
        while i < order.len() && order[i].0 == s {
            correct += if order[i].1 { -1 } else { 1 };
            i += 1;
        }
        if correct > best {
            best = correct;
            best_t = match order.get(i) {
                Some(next) => (s + next.0) / 2.0,
                None => s + 1e-9,
            };
        }
    }
    best_t
}

/// Result of a k-fold cross-validation.
#[derive(Clone, Debug, Default)]
pub struct CrossValidation {
    /// Counts pooled over all held-out folds.
    pub pooled: Confusion,
    /// Accuracy of each held-out fold.
    pub fold_accuracy: Vec<f64>,
    /// Threshold chosen on each fold's training part.
    pub fold_threshold: Vec<f64>,
    /// Out-of-fold score of each example (from the model that did not see it; NaN when its fold
    /// was empty). Example `i` was decided with `fold_threshold[i % k]`.
    pub scores: Vec<f64>,
}

/// K-fold cross-validation of "fit on k−1 folds, pick the accuracy-maximizing threshold on them,
/// predict the held-out fold". Example `i` belongs to fold `i mod k`. `fit` gets the training
/// indices and returns a scoring function for an example index.
pub fn cross_validate<F, S>(n: usize, ys: &[bool], k: usize, mut fit: F) -> CrossValidation
where
    F: FnMut(&[usize]) -> S,
    S: Fn(usize) -> f64,
{
    let k = k.max(2);
    let mut cv = CrossValidation {
        scores: vec![f64::NAN; n],
        ..CrossValidation::default()
    };
    for fold in 0..k {
        let train: Vec<usize> = (0..n).filter(|i| i % k != fold).collect();
        let test: Vec<usize> = (0..n).filter(|i| i % k == fold).collect();
        if test.is_empty() || train.is_empty() {
            continue;
        }
        let scorer = fit(&train);
        let train_scores: Vec<f64> = train.iter().map(|&i| scorer(i)).collect();
        let train_ys: Vec<bool> = train.iter().map(|&i| ys[i]).collect();
        let t = best_threshold(&train_scores, &train_ys);
        let mut c = Confusion::default();
        for &i in &test {
            let s = scorer(i);
            cv.scores[i] = s;
            c.add(s >= t, ys[i]);
            cv.pooled.add(s >= t, ys[i]);
        }
        cv.fold_accuracy.push(c.accuracy());
        cv.fold_threshold.push(t);
    }
    cv
}

/// Pearson correlation (0 when either side is constant or there are fewer than 2 values).
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    if n < 2 {
        return 0.0;
    }
    let mx = x[..n].iter().sum::<f64>() / n as f64;
    let my = y[..n].iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (dx, dy) = (x[i] - mx, y[i] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx == 0.0 || syy == 0.0 {
        0.0
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// Ranks with ties given their average rank (1-based).
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_unstable_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Spearman rank correlation (Pearson of the tie-averaged ranks).
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    pearson(&ranks(&x[..n]), &ranks(&y[..n]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_separates_separable_scores() {
        let s = [0.1, 0.2, 0.3, 0.7, 0.8];
        let y = [false, false, false, true, true];
        let t = best_threshold(&s, &y);
        assert!(t > 0.3 && t < 0.7, "{t}");
        assert!(best_threshold(&[0.5, 0.6], &[true, true]) <= 0.5);
    }

    #[test]
    fn logistic_learns_a_monotone_rule() {
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for i in 0..200 {
            let mut x = [0.0; NUM_FEATURES];
            x[0] = i as f64 / 200.0;
            xs.push(x);
            // Noisy labels: mostly positive above 0.5.
            ys.push((i > 100) ^ (i % 10 == 0));
        }
        let m = fit_logistic(&xs, &ys, 1e-3);
        assert!(m.weights[0] > 1.0, "{:?}", m.weights);
        assert!(m.predict(&xs[190]) > 0.5 && m.predict(&xs[10]) < 0.5);
    }

    #[test]
    fn correlations() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert!((pearson(&x, &[2.0, 4.0, 6.0, 8.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&x, &[1.0, 10.0, 100.0, 1000.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&x, &[4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        assert_eq!(pearson(&x, &[1.0, 1.0, 1.0, 1.0]), 0.0);
        assert_eq!(ranks(&[5.0, 1.0, 5.0]), vec![2.5, 1.0, 2.5]);
    }

    #[test]
    fn cross_validation_uses_every_example_once() {
        let ys: Vec<bool> = (0..50).map(|i| i % 3 == 0).collect();
        let cv = cross_validate(50, &ys, 10, |_train| {
            let ys = ys.clone();
            move |i: usize| if ys[i] { 1.0 } else { 0.0 }
        });
        assert_eq!(cv.fold_accuracy.len(), 10);
        let p = cv.pooled;
        assert_eq!(p.tp + p.fp + p.tn + p.fn_, 50);
        assert_eq!(cv.pooled.accuracy(), 1.0);
    }
}
