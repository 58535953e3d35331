//! Near-duplicate detection: verified pairs and groups.
