//! Clustering comparison metrics computed from a contingency table.
//!
//! Every metric is derived from the contingency table `n_ij` (number of items in gold
//! cluster `i` and predicted cluster `j`) together with its row sums `a_i` and column
//! sums `b_j`, so the cost is `O(n log n)` in the number of items and never `O(n^2)`
//! in pairs. Counts are `u64` (`n choose 2` for `n` up to `10^7` is about `5 * 10^13`),
//! the adjusted Rand index is computed exactly in `i128` before the final division,
//! and the remaining arithmetic is `f64`. Items are visited in sorted id order, so the
//! results are bit-for-bit reproducible.
//!
//! Definitions and edge cases (`C(x, 2)` is the number of unordered pairs):
//!
//! * **Pairwise**: precision = `sum C(n_ij,2) / sum C(b_j,2)` (of the predicted
//!   same-cluster pairs, the fraction that are gold same-cluster pairs), recall =
//!   `sum C(n_ij,2) / sum C(a_i,2)`. Precision is `1` when the prediction has no pairs
//!   (all singletons) and recall is `1` when gold has no pairs.
//! * **B-cubed** (Bagga & Baldwin 1998): per item, precision is the fraction of its
//!   predicted cluster that shares its gold cluster, recall the fraction of its gold
//!   cluster that shares its predicted cluster; both are averaged over items:
//!   `P = (1/n) sum n_ij^2 / b_j`, `R = (1/n) sum n_ij^2 / a_i`.
//! * **ARI** (Hubert & Arabie 1985): `(index - expected) / (max - expected)` with
//!   `index = sum C(n_ij,2)`, `expected = sum C(a_i,2) * sum C(b_j,2) / C(n,2)` and
//!   `max = (sum C(a_i,2) + sum C(b_j,2)) / 2`. When `expected == max` (both partitions
//!   all-singletons, both single-cluster, or fewer than two items) the formula is 0/0
//!   and the result is `1.0` if the partitions are identical, else `0.0`. ARI is `0` in
//!   expectation for random labellings and can be negative.
//! * **NMI**: mutual information divided by the arithmetic mean of the two entropies
//!   (scikit-learn's default `average_method="arithmetic"`), natural logarithms. If both
//!   partitions have a single cluster (zero entropy) the result is `1.0`; otherwise zero
//!   mutual information gives `0.0`.
//! * F1 is the harmonic mean of precision and recall, `0` when both are `0`.
//! * Identical partitions (up to renaming of labels) score exactly `1.0` everywhere.
//!   With no gold items every score is `1.0`.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

/// Labels: item id -> cluster label.
pub type Labels = HashMap<String, String>;

/// Precision, recall and their harmonic mean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prf {
    /// Precision in `[0, 1]`.
    pub precision: f64,
    /// Recall in `[0, 1]`.
    pub recall: f64,
    /// Harmonic mean of precision and recall (`0` when both are `0`).
    pub f1: f64,
}

impl Prf {
    /// Builds a [`Prf`] from precision and recall, computing F1 (`0` when `p + r == 0`).
    pub fn new(precision: f64, recall: f64) -> Self {
        let sum = precision + recall;
        let f1 = if sum > 0.0 {
            2.0 * precision * recall / sum
        } else {
            0.0
        };
        Prf {
            precision,
            recall,
            f1,
        }
    }
}

/// Result of comparing a predicted clustering with a gold clustering (see [`evaluate`]).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Number of evaluated items (the items of the gold labelling).
    pub items: usize,
    /// Number of distinct gold clusters.
    pub gold_clusters: usize,
    /// Number of distinct predicted clusters over the evaluated items, counting every
    /// gold item missing from the prediction as its own singleton cluster.
    pub pred_clusters: usize,
    /// Number of predicted items that are absent from gold (ignored by every metric).
    pub pred_only: usize,
    /// Pairwise precision/recall/F1 over unordered item pairs placed in the same cluster.
    pub pairwise: Prf,
    /// B-cubed precision/recall/F1 (Bagga & Baldwin 1998), averaged over items.
    pub bcubed: Prf,
    /// Adjusted Rand index (Hubert & Arabie 1985), in `[-1, 1]`.
    pub ari: f64,
    /// Normalized mutual information with arithmetic-mean normalization, in `[0, 1]`.
    pub nmi: f64,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "items          {:>10}", self.items)?;
        writeln!(f, "gold clusters  {:>10}", self.gold_clusters)?;
        writeln!(f, "pred clusters  {:>10}", self.pred_clusters)?;
        writeln!(f, "pred only      {:>10}", self.pred_only)?;
        writeln!(f)?;
        writeln!(
            f,
            "{:<10} {:>9} {:>9} {:>9}",
            "metric", "precision", "recall", "f1"
        )?;
        for (name, prf) in [("pairwise", &self.pairwise), ("b-cubed", &self.bcubed)] {
            writeln!(
                f,
                "{:<10} {:>9.4} {:>9.4} {:>9.4}",
                name, prf.precision, prf.recall, prf.f1
            )?;
        }
        writeln!(f, "{:<10} {:>9.4}", "ari", self.ari)?;
        write!(f, "{:<10} {:>9.4}", "nmi", self.nmi)
    }
}

/// How the ids of a gold and a predicted labelling overlap. Metrics over labellings that share
/// no id, or over an empty gold labelling, say nothing (B-cubed F1 would read 0.667, or 1.0
/// everywhere): [`Overlap::problem`] names such cases so that callers refuse them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Overlap {
    /// Ids in gold.
    pub gold: usize,
    /// Ids in the prediction.
    pub pred: usize,
    /// Ids in both.
    pub shared: usize,
}

impl Overlap {
    /// The overlap of `gold` and `pred`.
    pub fn of(gold: &Labels, pred: &Labels) -> Overlap {
        Overlap {
            gold: gold.len(),
            pred: pred.len(),
            shared: gold.keys().filter(|id| pred.contains_key(*id)).count(),
        }
    }

    /// Gold ids with no prediction (each is scored as a predicted singleton).
    pub fn gold_only(&self) -> usize {
        self.gold - self.shared
    }

    /// Predicted ids absent from gold (ignored by every metric).
    pub fn pred_only(&self) -> usize {
        self.pred - self.shared
    }

    /// Why a comparison would be meaningless: no gold id at all, or no id in common.
    pub fn problem(&self) -> Option<String> {
        if self.gold == 0 {
            Some("the gold labelling is empty".to_string())
        } else if self.shared == 0 {
            Some(format!(
                "the gold labelling ({} ids) and the prediction ({} ids) share no id",
                self.gold, self.pred
            ))
        } else {
            None
        }
    }

    /// Whether some ids are on one side only.
    pub fn is_partial(&self) -> bool {
        self.gold_only() > 0 || self.pred_only() > 0
    }
}

/// `n choose 2` in `u64`.
fn pairs(n: u64) -> u64 {
    if n < 2 {
        0
    } else {
        // Computed in u128 so that no input size can overflow the multiplication.
        u64::try_from(u128::from(n) * u128::from(n - 1) / 2).unwrap_or(u64::MAX)
    }
}

/// Sparse contingency table between gold clusters (rows) and predicted clusters (columns).
struct Contingency {
    /// Total number of items.
    n: u64,
    /// Row sums `a_i` (gold cluster sizes).
    rows: Vec<u64>,
    /// Column sums `b_j` (predicted cluster sizes).
    cols: Vec<u64>,
    /// Non-zero cells `(i, j, n_ij)`, sorted by `(i, j)`.
    cells: Vec<(usize, usize, u64)>,
}

impl Contingency {
    /// Builds the table over the items of `gold`; gold items missing from `pred` each get
    /// a fresh predicted cluster. Returns the table and the number of pred-only items.
    fn build(gold: &Labels, pred: &Labels) -> (Self, usize) {
        // Sort ids so cluster indices and summation order are deterministic.
        let mut ids: Vec<(&str, &str)> =
            gold.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        ids.sort_unstable();
        let mut gold_index: HashMap<&str, usize> = HashMap::new();
        let mut pred_index: HashMap<&str, usize> = HashMap::new();
        let mut rows: Vec<u64> = Vec::new();
        let mut cols: Vec<u64> = Vec::new();
        let mut cells: HashMap<(usize, usize), u64> = HashMap::new();
        for (id, gold_label) in ids {
            let i = *gold_index.entry(gold_label).or_insert_with(|| {
                rows.push(0);
                rows.len() - 1
            });
            let j = match pred.get(id) {
                Some(pred_label) => *pred_index.entry(pred_label.as_str()).or_insert_with(|| {
                    cols.push(0);
                    cols.len() - 1
                }),
                None => {
                    cols.push(0);
                    cols.len() - 1
                }
            };
            rows[i] += 1;
            cols[j] += 1;
            *cells.entry((i, j)).or_insert(0) += 1;
        }
        let mut cells: Vec<(usize, usize, u64)> =
            cells.into_iter().map(|((i, j), c)| (i, j, c)).collect();
        cells.sort_unstable();
        let pred_only = pred.keys().filter(|id| !gold.contains_key(*id)).count();
        let n = rows.iter().sum();
        (
            Contingency {
                n,
                rows,
                cols,
                cells,
            },
            pred_only,
        )
    }

    /// Whether both partitions are identical (every row and every column has exactly one
    /// non-zero cell).
    fn identical(&self) -> bool {
        self.cells.len() == self.rows.len() && self.cells.len() == self.cols.len()
    }

    /// Pairwise precision/recall: P = 1 without predicted pairs, R = 1 without gold pairs.
    fn pairwise(&self) -> Prf {
        let same_both: u64 = self.cells.iter().map(|&(_, _, c)| pairs(c)).sum();
        let same_gold: u64 = self.rows.iter().map(|&a| pairs(a)).sum();
        let same_pred: u64 = self.cols.iter().map(|&b| pairs(b)).sum();
        let ratio = |num: u64, den: u64| {
            if den == 0 {
                1.0
            } else {
                num as f64 / den as f64
            }
        };
        Prf::new(ratio(same_both, same_pred), ratio(same_both, same_gold))
    }

    /// B-cubed: precision = (1/n) sum_ij n_ij^2 / b_j, recall = (1/n) sum_ij n_ij^2 / a_i.
    fn bcubed(&self) -> Prf {
        if self.n == 0 {
            return Prf::new(1.0, 1.0);
        }
        let (mut p, mut r) = (0.0f64, 0.0f64);
        for &(i, j, c) in &self.cells {
            let sq = (c as f64) * (c as f64);
            p += sq / self.cols[j] as f64;
            r += sq / self.rows[i] as f64;
        }
        let n = self.n as f64;
        Prf::new(p / n, r / n)
    }

    /// Adjusted Rand index, exact in `i128` until the final division.
    ///
    /// With `index = sum C(n_ij,2)`, `A = sum C(a_i,2)`, `B = sum C(b_j,2)`, `N = C(n,2)`:
    /// `ARI = (index - A*B/N) / ((A+B)/2 - A*B/N) = 2 (index*N - A*B) / ((A+B)*N - 2*A*B)`.
    /// When the denominator is zero (expected index == max index) the result is `1.0` if
    /// the partitions are identical and `0.0` otherwise.
    fn ari(&self) -> f64 {
        let index: i128 = self.cells.iter().map(|&(_, _, c)| pairs(c) as i128).sum();
        let a: i128 = self.rows.iter().map(|&x| pairs(x) as i128).sum();
        let b: i128 = self.cols.iter().map(|&x| pairs(x) as i128).sum();
        let total = pairs(self.n) as i128;
        let num = 2 * (index * total - a * b);
        let den = (a + b) * total - 2 * a * b;
        if den == 0 || self.identical() {
            return if self.identical() { 1.0 } else { 0.0 };
        }
        num as f64 / den as f64
    }

    /// NMI with arithmetic-mean normalization: `MI / ((H(gold) + H(pred)) / 2)`.
    ///
    /// Both partitions single-cluster (or no items) gives `1.0`; otherwise zero mutual
    /// information gives `0.0`. The result is clamped to `[0, 1]`.
    fn nmi(&self) -> f64 {
        if self.identical() {
            return 1.0;
        }
        let n = self.n as f64;
        let ln_n = n.ln();
        let entropy = |sizes: &[u64]| -> f64 {
            let s: f64 = sizes
                .iter()
                .filter(|&&x| x > 0)
                .map(|&x| {
                    let x = x as f64;
                    x * x.ln()
                })
                .sum();
            (ln_n - s / n).max(0.0)
        };
        let mut mi = 0.0f64;
        for &(i, j, c) in &self.cells {
            let c_f = c as f64;
            let a = self.rows[i] as f64;
            let b = self.cols[j] as f64;
            mi += c_f / n * (c_f.ln() + ln_n - a.ln() - b.ln());
        }
        let norm = (entropy(&self.rows) + entropy(&self.cols)) / 2.0;
        if mi <= 0.0 || norm <= 0.0 {
            return 0.0;
        }
        (mi / norm).clamp(0.0, 1.0)
    }
}

/// Compares a predicted clustering with a gold clustering and returns every metric.
///
/// Metrics are computed over the items of `gold`; gold items missing from `pred` are
/// predicted singletons (a unique label each); predicted items missing from gold are
/// ignored and counted in [`Report::pred_only`]. With no gold items at all the two
/// (empty) partitions are identical and every score is `1.0`.
pub fn evaluate(gold: &Labels, pred: &Labels) -> Report {
    let (table, pred_only) = Contingency::build(gold, pred);
    Report {
        items: gold.len(),
        gold_clusters: table.rows.len(),
        pred_clusters: table.cols.len(),
        pred_only,
        pairwise: table.pairwise(),
        bcubed: table.bcubed(),
        ari: table.ari(),
        nmi: table.nmi(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(id, l)| (id.to_string(), l.to_string()))
            .collect()
    }

    fn close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 1e-6,
            "expected {expected}, got {actual}"
        );
    }

    fn prf(actual: Prf, p: f64, r: f64, f: f64) {
        close(actual.precision, p);
        close(actual.recall, r);
        close(actual.f1, f);
    }

    /// gold {a,b,c | d,e}
    fn gold() -> Labels {
        labels(&[
            ("a", "G1"),
            ("b", "G1"),
            ("c", "G1"),
            ("d", "G2"),
            ("e", "G2"),
        ])
    }

    #[test]
    fn overlap_names_empty_gold_and_disjoint_ids() {
        let g = gold();
        let none = labels(&[("x", "1"), ("y", "1")]);
        let o = Overlap::of(&g, &none);
        assert_eq!((o.gold, o.pred, o.shared), (5, 2, 0));
        assert!(o.problem().expect("disjoint").contains("share no id"));
        let o = Overlap::of(&Labels::new(), &g);
        assert_eq!(o.problem().as_deref(), Some("the gold labelling is empty"));
        let some = labels(&[("a", "1"), ("b", "1"), ("z", "2")]);
        let o = Overlap::of(&g, &some);
        assert_eq!(o.problem(), None);
        assert!(o.is_partial());
        assert_eq!((o.gold_only(), o.pred_only()), (3, 1));
        assert!(!Overlap::of(&g, &g).is_partial());
    }

    #[test]
    fn pairs_is_n_choose_2() {
        assert_eq!(pairs(0), 0);
        assert_eq!(pairs(1), 0);
        assert_eq!(pairs(2), 1);
        assert_eq!(pairs(5), 10);
        assert_eq!(pairs(10_000_000), 49_999_995_000_000);
    }

    #[test]
    fn split_and_merge_case() {
        // gold {a,b,c | d,e}, pred {a,b | c,d,e}
        // contingency: G1: P1=2 (a,b), P2=1 (c); G2: P2=2 (d,e); a=(3,2), b=(2,3), n=5.
        let pred = labels(&[
            ("a", "P1"),
            ("b", "P1"),
            ("c", "P2"),
            ("d", "P2"),
            ("e", "P2"),
        ]);
        let r = evaluate(&gold(), &pred);
        assert_eq!(
            (r.items, r.gold_clusters, r.pred_clusters, r.pred_only),
            (5, 2, 2, 0)
        );
        // pairwise: TP = C(2,2)+C(1,2)+C(2,2) = 2; gold pairs = 3+1 = 4; pred pairs = 1+3 = 4.
        // P = 2/4, R = 2/4, F1 = 0.5.
        prf(r.pairwise, 0.5, 0.5, 0.5);
        // B-cubed P = (1/5)(2^2/2 + 1^2/3 + 2^2/3) = (1/5)(11/3) = 11/15;
        // R = (1/5)(2^2/3 + 1^2/3 + 2^2/2) = 11/15; F1 = 11/15.
        prf(r.bcubed, 11.0 / 15.0, 11.0 / 15.0, 11.0 / 15.0);
        // ARI: index = 2, A = 4, B = 4, N = C(5,2) = 10; expected = 16/10 = 1.6, max = 4;
        // ARI = (2 - 1.6) / (4 - 1.6) = 0.4 / 2.4 = 1/6.
        close(r.ari, 1.0 / 6.0);
        // NMI: H(gold) = H(pred) = -(0.6 ln 0.6 + 0.4 ln 0.4) = 0.6730117;
        // MI = 0.4 ln(5*2/(3*2)) + 0.2 ln(5*1/(3*3)) + 0.4 ln(5*2/(2*3))
        //    = 0.2043302 - 0.1175573 + 0.2043302 = 0.2911032; NMI = 0.2911032/0.6730117.
        close(r.nmi, 0.432_538_07);
    }

    #[test]
    fn identical_partitions_score_one() {
        // Same partition under different label names.
        let pred = labels(&[("a", "x"), ("b", "x"), ("c", "x"), ("d", "y"), ("e", "y")]);
        let r = evaluate(&gold(), &pred);
        assert_eq!(r.pred_clusters, 2);
        prf(r.pairwise, 1.0, 1.0, 1.0);
        prf(r.bcubed, 1.0, 1.0, 1.0);
        assert_eq!(r.ari, 1.0);
        assert_eq!(r.nmi, 1.0);
    }

    #[test]
    fn all_singletons_prediction() {
        // pred {a | b | c | d | e}: no predicted pairs.
        let pred = labels(&[("a", "1"), ("b", "2"), ("c", "3"), ("d", "4"), ("e", "5")]);
        let r = evaluate(&gold(), &pred);
        assert_eq!(r.pred_clusters, 5);
        // pairwise: TP = 0, pred pairs = 0 -> P = 1 by definition; R = 0/4 = 0; F1 = 0.
        prf(r.pairwise, 1.0, 0.0, 0.0);
        // B-cubed: P = 1 for every item; R = (3 * 1/3 + 2 * 1/2)/5 = 2/5;
        // F1 = 2 * 0.4 / 1.4 = 4/7.
        prf(r.bcubed, 1.0, 0.4, 4.0 / 7.0);
        // ARI: index = 0, A = 4, B = 0, N = 10: expected = 0, max = 2 -> 0.
        close(r.ari, 0.0);
        // NMI: MI = H(gold) = 0.6730117 (pred determines gold), H(pred) = ln 5 = 1.6094379;
        // NMI = 0.6730117 / ((0.6730117 + 1.6094379)/2) = 0.5897275.
        close(r.nmi, 0.589_727_52);
    }

    #[test]
    fn missing_predictions_are_singletons() {
        // An empty prediction behaves exactly like the all-singletons prediction.
        let r = evaluate(&gold(), &Labels::new());
        assert_eq!((r.pred_clusters, r.pred_only), (5, 0));
        prf(r.pairwise, 1.0, 0.0, 0.0);
        prf(r.bcubed, 1.0, 0.4, 4.0 / 7.0);
        close(r.nmi, 0.589_727_52);
    }

    #[test]
    fn missing_singletons_do_not_collide_with_real_labels() {
        // c is missing from pred; a label literally named like anything else must not
        // merge it with another cluster. pred = {a,b | c} vs gold {a,b,c}.
        let gold = labels(&[("a", "g"), ("b", "g"), ("c", "g")]);
        let pred = labels(&[("a", "p"), ("b", "p"), ("zz", "p")]);
        let r = evaluate(&gold, &pred);
        assert_eq!((r.items, r.pred_clusters, r.pred_only), (3, 2, 1));
        // TP = 1, pred pairs = 1, gold pairs = 3 -> P = 1, R = 1/3, F1 = 0.5.
        prf(r.pairwise, 1.0, 1.0 / 3.0, 0.5);
    }

    #[test]
    fn all_one_cluster_prediction() {
        // pred {a,b,c,d,e}.
        let pred = labels(&[("a", "p"), ("b", "p"), ("c", "p"), ("d", "p"), ("e", "p")]);
        let r = evaluate(&gold(), &pred);
        assert_eq!(r.pred_clusters, 1);
        // pairwise: TP = C(3,2)+C(2,2) = 4, pred pairs = 10, gold pairs = 4;
        // P = 0.4, R = 1, F1 = 0.8/1.4 = 4/7.
        prf(r.pairwise, 0.4, 1.0, 4.0 / 7.0);
        // B-cubed: P = (3^2/5 + 2^2/5)/5 = 13/25 = 0.52, R = 1, F1 = 1.04/1.52.
        prf(r.bcubed, 0.52, 1.0, 1.04 / 1.52);
        // ARI: index = 4, A = 4, B = 10, N = 10: expected = 4, max = 7 -> 0/3 = 0.
        close(r.ari, 0.0);
        // NMI: H(pred) = 0 so MI = 0 -> 0.
        close(r.nmi, 0.0);
    }

    #[test]
    fn classic_sklearn_example() {
        // labels_true = [0,0,0,1,1,1], labels_pred = [0,0,1,1,2,2]
        // sklearn: adjusted_rand_score = 0.24242424..., normalized_mutual_info_score
        // (arithmetic) = 0.51580374...
        let gold = labels(&[
            ("0", "0"),
            ("1", "0"),
            ("2", "0"),
            ("3", "1"),
            ("4", "1"),
            ("5", "1"),
        ]);
        let pred = labels(&[
            ("0", "0"),
            ("1", "0"),
            ("2", "1"),
            ("3", "1"),
            ("4", "2"),
            ("5", "2"),
        ]);
        let r = evaluate(&gold, &pred);
        // contingency: row0 = (2,1,0), row1 = (0,1,2); a = (3,3), b = (2,2,2), n = 6.
        // ARI: index = 2, A = 6, B = 3, N = 15; expected = 18/15 = 1.2, max = 4.5;
        // (2 - 1.2) / (4.5 - 1.2) = 0.8 / 3.3 = 0.242424.
        close(r.ari, 0.8 / 3.3);
        close(r.ari, 0.242_424_24);
        // NMI: MI = 2 * (2/6) ln(6*2/(3*2)) = (2/3) ln 2 = 0.4620981; H(gold) = ln 2,
        // H(pred) = ln 3; NMI = 0.4620981 / ((ln 2 + ln 3)/2) = 0.5158037.
        close(r.nmi, 0.515_803_74);
        // pairwise: TP = 2, pred pairs = 3, gold pairs = 6 -> P = 2/3, R = 1/3, F1 = 4/9.
        prf(r.pairwise, 2.0 / 3.0, 1.0 / 3.0, 4.0 / 9.0);
        // B-cubed: P = (4/2 + 1/2 + 1/2 + 4/2)/6 = 5/6; R = (4/3 + 1/3 + 1/3 + 4/3)/6 = 5/9;
        // F1 = 2 * (25/54) / (25/18) = 2/3.
        prf(r.bcubed, 5.0 / 6.0, 5.0 / 9.0, 2.0 / 3.0);
    }

    #[test]
    fn ari_can_be_negative() {
        // gold {a,b | c,d}, pred {a,c | b,d}: index = 0, A = 2, B = 2, N = 6;
        // expected = 4/6, max = 2; ARI = (0 - 2/3) / (2 - 2/3) = -0.5.
        let gold = labels(&[("a", "1"), ("b", "1"), ("c", "2"), ("d", "2")]);
        let pred = labels(&[("a", "1"), ("c", "1"), ("b", "2"), ("d", "2")]);
        let r = evaluate(&gold, &pred);
        close(r.ari, -0.5);
        // MI = 4 * (1/4) ln(4*1/(2*2)) = 0 -> NMI = 0.
        close(r.nmi, 0.0);
    }

    #[test]
    fn degenerate_cases() {
        // Both single-cluster: expected index == max index; identical -> 1.0.
        let one = labels(&[("a", "x"), ("b", "x"), ("c", "x")]);
        let r = evaluate(&one, &one);
        assert_eq!((r.ari, r.nmi), (1.0, 1.0));
        // Both all-singletons: no pairs at all -> pairwise P = R = 1, ARI = NMI = 1.
        let singles = labels(&[("a", "1"), ("b", "2"), ("c", "3")]);
        let r = evaluate(&singles, &singles);
        prf(r.pairwise, 1.0, 1.0, 1.0);
        assert_eq!((r.ari, r.nmi), (1.0, 1.0));
        // A single item.
        let r = evaluate(&labels(&[("a", "1")]), &Labels::new());
        assert_eq!((r.items, r.ari, r.nmi), (1, 1.0, 1.0));
        // No items at all.
        let r = evaluate(&Labels::new(), &singles);
        assert_eq!((r.items, r.pred_clusters, r.pred_only), (0, 0, 3));
        prf(r.bcubed, 1.0, 1.0, 1.0);
        assert_eq!((r.ari, r.nmi), (1.0, 1.0));
    }

    #[test]
    fn display_lists_every_metric() {
        let r = evaluate(&gold(), &Labels::new());
        let text = r.to_string();
        for needle in ["items", "pairwise", "b-cubed", "ari", "nmi", "0.4000"] {
            assert!(text.contains(needle), "{needle} missing from\n{text}");
        }
    }

    #[test]
    fn report_serializes_to_json() {
        let r = evaluate(&gold(), &gold());
        let json = serde_json::to_value(&r).expect("serializable");
        assert_eq!(json["items"], 5);
        assert_eq!(json["bcubed"]["f1"], 1.0);
    }

    proptest::proptest! {
        #[test]
        fn matches_brute_force_and_is_symmetric(
            assignment in proptest::collection::vec((0u8..4, 0u8..5), 0..40)
        ) {
            let gold: Labels = assignment.iter().enumerate()
                .map(|(k, (g, _))| (format!("i{k}"), format!("g{g}"))).collect();
            let pred: Labels = assignment.iter().enumerate()
                .map(|(k, (_, p))| (format!("i{k}"), format!("p{p}"))).collect();
            let r = evaluate(&gold, &pred);
            // Brute-force pair counts over all unordered pairs.
            let (mut both, mut in_gold, mut in_pred) = (0u64, 0u64, 0u64);
            for x in 0..assignment.len() {
                for y in x + 1..assignment.len() {
                    let g = assignment[x].0 == assignment[y].0;
                    let p = assignment[x].1 == assignment[y].1;
                    both += u64::from(g && p);
                    in_gold += u64::from(g);
                    in_pred += u64::from(p);
                }
            }
            let expect_p = if in_pred == 0 { 1.0 } else { both as f64 / in_pred as f64 };
            let expect_r = if in_gold == 0 { 1.0 } else { both as f64 / in_gold as f64 };
            proptest::prop_assert!((r.pairwise.precision - expect_p).abs() < 1e-12);
            proptest::prop_assert!((r.pairwise.recall - expect_r).abs() < 1e-12);
            // Swapping gold and prediction swaps precision and recall; ARI/NMI symmetric.
            let s = evaluate(&pred, &gold);
            proptest::prop_assert!((r.bcubed.precision - s.bcubed.recall).abs() < 1e-12);
            proptest::prop_assert!((r.ari - s.ari).abs() < 1e-12);
            proptest::prop_assert!((r.nmi - s.nmi).abs() < 1e-12);
            for v in [r.pairwise.f1, r.bcubed.precision, r.bcubed.recall, r.bcubed.f1, r.nmi] {
                proptest::prop_assert!((0.0..=1.0).contains(&v), "{v}");
            }
            proptest::prop_assert!((-1.0..=1.0).contains(&r.ari));
        }
    }
}
