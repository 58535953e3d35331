//! Inverse document frequencies of normalized tokens: the table, its TSV format and the built-in
//! table. Counting a table over a corpus is `storyfold-train similarity --build-idf`.
//!
//! The built-in table (`crates/storyfold/data/idf.tsv`, embedded with `include_str!`) holds the
//! document frequencies of the most frequent tokens of unlabelled news (AllSides + Reuters-21578
//! + BBC, one document per article, tokens of [`crate::text::prepare`]d text). Rebuild it with
//!
//! ```text
//! cargo build --release -p storyfold-train
//! ./target/release/storyfold-train similarity --build-idf crates/storyfold/data/idf.tsv \
//!     data/allsides.jsonl data/reuters.jsonl data/bbc.jsonl
//! ```
//!
//! Format: a first line `#documents<TAB>N`, then one `token<TAB>df` line per token, by
//! decreasing `df` (ties by token). Tokens absent from the table have `df = 0`, i.e. the largest
//! weight, which is where pruned rare tokens belong anyway.

use std::io::{self, Write};
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

/// Inverse document frequencies of normalized tokens.
#[derive(Clone, Debug, Default)]
pub struct Idf {
    /// Number of documents counted.
    pub documents: u64,
    /// Document frequency per token (a fast hash: weights are looked up for every token the
    /// aligner compares).
    pub df: FxHashMap<String, u64>,
}

/// The embedded TSV of the built-in table.
const BUILTIN_TSV: &str = include_str!("../../../data/idf.tsv");

/// An error in an IDF table file.
#[derive(Debug, thiserror::Error)]
#[error("IDF table line {line}: {message}")]
pub struct IdfError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl Idf {
    /// The built-in table (parsed once per process, then cloned).
    pub fn builtin() -> Self {
        static TABLE: OnceLock<Idf> = OnceLock::new();
        TABLE
            .get_or_init(|| Idf::from_tsv(BUILTIN_TSV).unwrap_or_default())
            .clone()
    }

    /// IDF weight of a token: ln((N + 1) / (df + 1)) + 1.
    pub fn weight(&self, token: &str) -> f64 {
        let df = self.df.get(token).copied().unwrap_or(0) as f64;
        ((self.documents as f64 + 1.0) / (df + 1.0)).ln() + 1.0
    }

    /// Tokens by decreasing document frequency (ties by token).
    pub fn sorted(&self) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> = self.df.iter().map(|(t, &n)| (t.as_str(), n)).collect();
        v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }

    /// Write the table in the TSV format of the [module docs](self).
    pub fn write_tsv(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "#documents\t{}", self.documents)?;
        for (t, n) in self.sorted() {
            writeln!(out, "{t}\t{n}")?;
        }
        Ok(())
    }

    /// Parse a table in the TSV format of the [module docs](self). Tokens containing a tab or a
    /// line break cannot occur (the tokenizer never produces them).
    pub fn from_tsv(s: &str) -> Result<Idf, IdfError> {
        let mut lines = s.lines().enumerate();
        let documents = match lines.next() {
            Some((_, first)) => first
                .strip_prefix("#documents\t")
                .and_then(|n| n.trim().parse::<u64>().ok())
                .ok_or_else(|| IdfError {
                    line: 1,
                    message: "expected `#documents<TAB>N`".into(),
                })?,
            None => 0,
        };
        let mut df = FxHashMap::default();
        for (i, line) in lines {
            if line.is_empty() {
                continue;
            }
            let parsed = line
                .rsplit_once('\t')
                .and_then(|(t, n)| Some((t, n.parse::<u64>().ok()?)));
            match parsed {
                Some((t, n)) if !t.is_empty() => {
                    df.insert(t.to_string(), n);
                }
                _ => {
                    return Err(IdfError {
                        line: i + 1,
                        message: "expected `token<TAB>df`".into(),
                    })
                }
            }
        }
        Ok(Idf { documents, df })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_fall_with_document_frequency() {
        let idf = Idf::from_tsv("#documents\t2\nran\t2\ncat\t1\n").unwrap();
        assert!(idf.weight("cat") > idf.weight("ran"));
        assert!(idf.weight("unseen") > idf.weight("cat"));
        assert!((idf.weight("ran") - 1.0).abs() < 1e-12);
    }

    #[test]
    fn tsv_round_trip_in_frequency_order() {
        let idf = Idf::from_tsv("#documents\t3\nb\t2\na\t3\nc\t2\n").unwrap();
        assert_eq!(idf.sorted(), vec![("a", 3), ("b", 2), ("c", 2)]);
        let mut buf = Vec::new();
        idf.write_tsv(&mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(text, "#documents\t3\na\t3\nb\t2\nc\t2\n");
        let back = Idf::from_tsv(&text).unwrap();
        assert_eq!(back.documents, 3);
        assert_eq!(back.df, idf.df);
        let err = Idf::from_tsv("#documents\t3\nfoo\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(Idf::from_tsv("nonsense").is_err());
    }
}
