//! Per-sentence hashes.
//!
//! The boilerplate-stripped text is split with [`crate::text::sentences`]; each sentence
//! span is normalized on its own and hashed with xxh3-64 over the normalized UTF-8 bytes.
//! Sentences whose normalized form has no token (empty, or only punctuation/symbols) are
//! skipped, so stray separators such as `***` never match across documents. Hashes are
//! returned in document order and may repeat when a sentence repeats. Only the first
//! [`text::MAX_DOC_SENTENCES`] sentences are hashed.

use xxhash_rust::xxh3::xxh3_64;

use crate::text;

/// Sentence hashes of boilerplate-stripped (not yet normalized) text.
pub fn sentence_hashes(stripped: &str) -> Vec<u64> {
    let mut buf = String::new();
    let mut out = Vec::new();
    sentence_hashes_into(stripped, &mut buf, &mut out);
    out
}

/// Like [`sentence_hashes`], appending to `out` and using `buf` as scratch space.
pub fn sentence_hashes_into(stripped: &str, buf: &mut String, out: &mut Vec<u64>) {
    for span in text::sentences(stripped)
        .into_iter()
        .take(text::MAX_DOC_SENTENCES)
    {
        let Some(sentence) = stripped.get(span) else {
            continue;
        };
        buf.clear();
        text::normalize_into(sentence, buf);
        let mut has_token = false;
        text::for_each_token(buf, |_| has_token = true);
        if has_token {
            out.push(xxh3_64(buf.as_bytes()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_hash_per_sentence_in_order() {
        let a = sentence_hashes("The cat sat.\nThe dog ran.\n");
        let b = sentence_hashes("The dog ran.\nThe cat sat.\n");
        assert_eq!(a.len(), 2);
        assert_ne!(a[0], a[1]);
        assert_eq!(a[0], b[1]);
        assert_eq!(a[1], b[0]);
    }

    #[test]
    fn sentences_are_normalized_before_hashing() {
        let a = sentence_hashes("The CAT   sat.");
        let b = sentence_hashes("the cat sat.");
        assert_eq!(a, b);
        assert_eq!(a.len(), 1);
    }

    #[test]
    fn empty_text_and_tokenless_sentences_are_skipped() {
        assert!(sentence_hashes("").is_empty());
        assert!(sentence_hashes("   \n***\n").is_empty());
    }
}
