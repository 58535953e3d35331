//! Counting an IDF table over a corpus (`storyfold-train similarity --build-idf`): the engine's
//! [`Idf`] (`storyfold::align::similarity::idf`, with its TSV format and the built-in table).

use rustc_hash::FxHashMap;
use storyfold::align::similarity::Idf;
use storyfold::text;

/// Count one document: every distinct token of the prepared (boilerplate-stripped,
/// normalized) `text` adds one to its document frequency.
pub fn add_document(idf: &mut Idf, text: &str) {
    let prepared = text::prepare(text);
    let mut seen: Vec<&str> = Vec::new();
    text::for_each_token(&prepared, |t| seen.push(t));
    seen.sort_unstable();
    seen.dedup();
    for t in seen {
        match idf.df.get_mut(t) {
            Some(n) => *n += 1,
            None => {
                idf.df.insert(t.to_string(), 1);
            }
        }
    }
    idf.documents += 1;
}

/// Keep only the `keep` most frequent tokens with a document frequency of at least `min_df`.
pub fn prune(idf: &mut Idf, keep: usize, min_df: u64) {
    let kept: FxHashMap<String, u64> = idf
        .sorted()
        .into_iter()
        .filter(|&(_, n)| n >= min_df)
        .take(keep)
        .map(|(t, n)| (t.to_string(), n))
        .collect();
    idf.df = kept;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_documents_not_occurrences() {
        let mut idf = Idf::default();
        add_document(&mut idf, "The cat sat. The cat ran.");
        add_document(&mut idf, "A dog ran.");
        assert_eq!(idf.documents, 2);
        assert_eq!(idf.df["cat"], 1);
        assert_eq!(idf.df["ran"], 2);
        assert!(idf.weight("cat") > idf.weight("ran"));
    }

    #[test]
    fn prune_keeps_the_most_frequent_above_the_floor() {
        let mut idf = Idf::default();
        for text in ["a b c", "a b", "a", "d d d"] {
            add_document(&mut idf, text);
        }
        let mut top2 = idf.clone();
        prune(&mut top2, 2, 1);
        let mut buf = Vec::new();
        top2.write_tsv(&mut buf).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "#documents\t4\na\t3\nb\t2\n"
        );
        prune(&mut idf, 10, 2);
        let mut kept: Vec<&str> = idf.df.keys().map(String::as_str).collect();
        kept.sort_unstable();
        assert_eq!(kept, vec!["a", "b"]);
        assert_eq!(idf.documents, 4);
    }
}
