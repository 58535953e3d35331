//! Sentence-pair files and the figures of paraphrase decisions on them, shared by
//! `storyfold similarity` (scoring) and `storyfold-train similarity` / `train-cross` (fitting,
//! training and cross-validation).
//!
//! A pairs file is MRPC's layout (header `Quality<TAB>#1 ID<TAB>#2 ID<TAB>#1 String<TAB>#2
//! String`, labelled) or a plain two-column `s1<TAB>s2` TSV without header (unlabelled); `-` is
//! stdin. A BOM and `\r` line ends are accepted. A line that does not parse is an error naming
//! the file and line, or with `skip` counted in a [`Skipped`] report.

use std::fmt;
use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context, Result};
use storyfold::align::similarity::{self, Encoder, Encoding, Idf};
use storyfold::align::Sentence;

/// A parsed sentence pair.
pub struct Pair {
    /// 1-based line in its file.
    pub line: usize,
    /// MRPC's `Quality` (1 = paraphrase); `None` in a two-column file.
    pub quality: Option<bool>,
    /// MRPC's `#1 ID`.
    pub id1: Option<String>,
    /// MRPC's `#2 ID`.
    pub id2: Option<String>,
    /// The first sentence.
    pub a: Sentence,
    /// The second sentence.
    pub b: Sentence,
}

/// The two texts of every pair.
pub fn pair_texts(pairs: &[Pair]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|p| (p.a.text.as_str(), p.b.text.as_str()))
        .collect()
}

/// Every pair's label (`Quality` 1; unlabelled pairs count as not paraphrases).
pub fn labels(pairs: &[Pair]) -> Vec<bool> {
    pairs.iter().map(|p| p.quality == Some(true)).collect()
}

/// Lines that could not be parsed (with --skip-invalid).
#[derive(Default)]
pub struct Skipped {
    count: usize,
    examples: Vec<String>,
}

impl Skipped {
    /// A line of `file` that does not parse, for `why`: an error unless `skip`, else counted
    /// (the first 10 kept as examples).
    pub fn record(&mut self, file: &Path, line: usize, why: &str, skip: bool) -> Result<()> {
        let msg = format!("{}:{line}: {why}", file.display());
        if !skip {
            bail!("{msg} (use --skip-invalid to skip such lines)");
        }
        self.count += 1;
        if self.examples.len() < 10 {
            self.examples.push(msg);
        }
        Ok(())
    }

    /// Print the count and the examples to stderr, when lines were skipped.
    pub fn report(&self, what: &str) {
        if self.count > 0 {
            note!("skipped {} invalid {what} line(s):", self.count);
            for e in &self.examples {
                note!("  {e}");
            }
        }
    }
}

/// The bytes of a file, or of stdin for `-`.
pub fn read_all(path: &Path) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .context("cannot read stdin")?;
    } else {
        buf = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    }
    Ok(buf)
}

/// Split into (1-based line number, line) with the BOM and `\r` removed.
pub fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    bytes
        .split(|&c| c == b'\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix(b"\r").unwrap_or(l)))
}

const MRPC_HEADER: &str = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String";

/// Read a pairs file (see the [module docs](self)): the pairs, whether it is labelled (MRPC
/// layout), and the skipped lines.
pub fn read_pairs(path: &Path, skip: bool) -> Result<(Vec<Pair>, bool, Skipped)> {
    let bytes = read_all(path)?;
    let mut skipped = Skipped::default();
    let mut pairs = Vec::new();
    let mut mrpc = false;
    for (n, raw) in lines(&bytes) {
        let Ok(line) = std::str::from_utf8(raw) else {
            skipped.record(path, n, "invalid UTF-8", skip)?;
            continue;
        };
        if n == 1 && line.starts_with("Quality\t") {
            if line.trim_end() != MRPC_HEADER {
                bail!(
                    "{}:1: unexpected header (expected `{}`)",
                    path.display(),
                    MRPC_HEADER.replace('\t', "<TAB>")
                );
            }
            mrpc = true;
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let parsed = if mrpc {
            match fields.as_slice() {
                [q, id1, id2, s1, s2] => match *q {
                    "0" | "1" => Ok(Pair {
                        line: n,
                        quality: Some(*q == "1"),
                        id1: Some(id1.to_string()),
                        id2: Some(id2.to_string()),
                        a: Sentence::new(s1),
                        b: Sentence::new(s2),
                    }),
                    _ => Err(format!("Quality must be 0 or 1, got {q:?}")),
                },
                _ => Err(format!(
                    "expected 5 tab-separated fields (MRPC layout), got {}",
                    fields.len()
                )),
            }
        } else {
            match fields.as_slice() {
                [s1, s2] => Ok(Pair {
                    line: n,
                    quality: None,
                    id1: None,
                    id2: None,
                    a: Sentence::new(s1),
                    b: Sentence::new(s2),
                }),
                _ => Err(format!(
                    "expected 2 tab-separated fields (s1<TAB>s2), got {}",
                    fields.len()
                )),
            }
        };
        match parsed {
            Ok(p) => pairs.push(p),
            Err(why) => skipped.record(path, n, &why, skip)?,
        }
    }
    Ok((pairs, mrpc, skipped))
}

/// The IDF table of `--idf FILE` (a TSV written by `storyfold-train similarity --build-idf`), or
/// the built-in one.
pub fn load_idf(path: Option<&Path>) -> Result<Idf> {
    match path {
        None => Ok(Idf::builtin()),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Idf::from_tsv(&text).with_context(|| format!("in {}", path.display()))
        }
    }
}

/// The encodings of each pair's two sentences.
pub type PairEncodings = [(Encoding, Encoding)];

/// Encode the two sentences of every pair (one batch run over all of them); prints the speed.
pub fn encode_pairs<'a>(
    enc: &Encoder,
    pairs: impl Iterator<Item = (&'a Sentence, &'a Sentence)>,
    n: usize,
) -> Result<Vec<(Encoding, Encoding)>> {
    let mut texts: Vec<&str> = Vec::with_capacity(2 * n);
    let mut second: Vec<&str> = Vec::with_capacity(n);
    for (a, b) in pairs {
        texts.push(&a.text);
        second.push(&b.text);
    }
    texts.extend(second);
    let start = std::time::Instant::now();
    let mut encoded = enc.encode(&texts)?;
    let secs = start.elapsed().as_secs_f64();
    note!(
        "encoded {} sentences in {secs:.1} s ({:.0} sentences/s, {} threads)",
        texts.len(),
        texts.len() as f64 / secs.max(1e-9),
        rayon::current_num_threads()
    );
    let bs = encoded.split_off(n);
    Ok(encoded.into_iter().zip(bs).collect())
}

/// The score of a pair: the encoder model's with its encodings, the shipped lexical one without.
pub fn pair_score(
    a: &Sentence,
    b: &Sentence,
    idf: &Idf,
    enc: Option<&(Encoding, Encoding)>,
) -> f64 {
    match enc {
        Some((ea, eb)) => similarity::score_encoded(a, b, ea, eb, idf),
        None => similarity::score(a, b, idf),
    }
}

/// Binary classification counts and the usual rates.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Confusion {
    /// True positives.
    pub tp: u64,
    /// False positives.
    pub fp: u64,
    /// True negatives.
    pub tn: u64,
    /// False negatives.
    pub fn_: u64,
}

impl Confusion {
    /// Count predictions against gold labels.
    pub fn add(&mut self, predicted: bool, gold: bool) {
        match (predicted, gold) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, false) => self.tn += 1,
            (false, true) => self.fn_ += 1,
        }
    }

    /// (tp + tn) / total (0 when empty).
    pub fn accuracy(&self) -> f64 {
        div(self.tp + self.tn, self.tp + self.fp + self.tn + self.fn_)
    }

    /// tp / (tp + fp).
    pub fn precision(&self) -> f64 {
        div(self.tp, self.tp + self.fp)
    }

    /// tp / (tp + fn).
    pub fn recall(&self) -> f64 {
        div(self.tp, self.tp + self.fn_)
    }

    /// Harmonic mean of precision and recall (F1 of the positive class).
    pub fn f1(&self) -> f64 {
        div(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }
}

/// `accuracy A  F1 F  precision P  recall R`, 4 decimals each.
impl fmt::Display for Confusion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "accuracy {:.4}  F1 {:.4}  precision {:.4}  recall {:.4}",
            self.accuracy(),
            self.f1(),
            self.precision(),
            self.recall()
        )
    }
}

fn div(n: u64, d: u64) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 / d as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confusion_rates_and_their_line() {
        let mut c = Confusion::default();
        assert_eq!(c.accuracy(), 0.0);
        for (p, g) in [(true, true), (true, false), (false, false), (false, true)] {
            c.add(p, g);
        }
        c.add(true, true);
        assert!((c.accuracy() - 0.6).abs() < 1e-12);
        assert!((c.precision() - 2.0 / 3.0).abs() < 1e-12);
        assert!((c.recall() - 2.0 / 3.0).abs() < 1e-12);
        assert!((c.f1() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(
            c.to_string(),
            "accuracy 0.6000  F1 0.6667  precision 0.6667  recall 0.6667"
        );
    }

    #[test]
    fn lines_drop_the_bom_and_carriage_returns() {
        let got: Vec<(usize, &[u8])> = lines(b"\xEF\xBB\xBFa\r\nb\n\nc\n").collect();
        assert_eq!(
            got,
            vec![
                (1, &b"a"[..]),
                (2, &b"b"[..]),
                (3, &b""[..]),
                (4, &b"c"[..])
            ]
        );
    }
}
