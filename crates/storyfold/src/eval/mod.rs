//! Clustering evaluation metrics and gold-label reading.
