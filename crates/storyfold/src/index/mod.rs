//! Candidate retrieval indexes.
