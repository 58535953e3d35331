//! Candidate retrieval indexes.
//!
//! [`lsh`] implements banded locality-sensitive hashing over MinHash signatures: a
//! document becomes a candidate for another when at least one band of their signatures
//! is identical.

pub mod lsh;

pub use lsh::{LshIndex, LshParams};
