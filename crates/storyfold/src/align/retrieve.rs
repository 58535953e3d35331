//! Corpus-scale candidate retrieval for rewrites (being written).
