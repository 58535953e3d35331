//! Clustering evaluation: gold-label reading and comparison metrics.
//!
//! * [`read_labels`] reads a labelling (item id -> cluster label) from TSV, flat JSONL,
//!   or storyfold dedup-group / story JSONL (see [`labels`] for the formats).
//! * [`evaluate`] compares a predicted labelling with a gold labelling and returns a
//!   [`Report`] with pairwise and B-cubed precision/recall/F1, the adjusted Rand index
//!   and normalized mutual information (see [`metrics`] for definitions and edge cases);
//!   [`Overlap`] names the labellings no metric can judge (empty gold, no shared id).

pub mod labels;
pub mod metrics;

pub use labels::{read_labels, read_labels_from, LabelError, LabelOptions};
pub use metrics::{evaluate, Labels, Overlap, Prf, Report};
