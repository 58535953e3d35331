//! Exact-duplicate hashing.
//!
//! The exact hash of a document is the xxh3-64 hash of the UTF-8 bytes of its
//! *normalized, boilerplate-stripped* text (see [`crate::text`]). Two documents with the
//! same exact hash are byte-identical after normalization, so they are exact duplicates
//! even when they differ in case, Unicode representation, quotes, dashes, whitespace or
//! boilerplate lines.

use xxhash_rust::xxh3::xxh3_64;

use crate::text;

/// xxh3-64 of the UTF-8 bytes of already normalized text.
pub fn exact_hash(normalized: &str) -> u64 {
    xxh3_64(normalized.as_bytes())
}

/// Exact hash of raw text: strips boilerplate, normalizes, then hashes.
///
/// This is the same value as [`crate::fingerprint::Fingerprint::exact`] for that text.
pub fn content_hash(raw: &str) -> u64 {
    let stripped = text::strip_boilerplate(raw);
    let mut normalized = String::with_capacity(stripped.len());
    text::normalize_into(&stripped, &mut normalized);
    exact_hash(&normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_hash_is_xxh3_of_bytes() {
        assert_eq!(exact_hash("abc"), xxh3_64(b"abc"));
        assert_ne!(exact_hash("abc"), exact_hash("abd"));
    }

    #[test]
    fn content_hash_ignores_whitespace_and_case() {
        assert_eq!(content_hash("Hello   World\n"), content_hash("hello world"));
        assert_ne!(content_hash("hello world"), content_hash("hello there"));
    }
}
