//! `benchgen generate`: a deterministic corpus with near-duplicates injected at known rates.
//!
//! Document `d` (0-based; id `d0000000`-style, 7 digits or more) is built from its own
//! random stream (SplitMix64 seeded with `seed` mixed with `d`), so documents can be
//! generated in parallel and the output only depends on the inputs and the seed:
//!
//! * `d < B` (`B` = base articles used, `--base-limit`): **base**, the `d`-th base article
//!   verbatim;
//! * otherwise the first draw `u` decides: `u < --variant-rate` makes a **variant**, else an
//!   **original**: a *mosaic* of 10–40 paragraphs, each a random non-empty
//!   paragraph of a random base article (so originals share almost no 5-gram shingles);
//! * a **variant** copies a uniformly chosen earlier base/original document (never another
//!   variant) and edits it with a strength `s` drawn uniformly from
//!   `[--min-strength, --max-strength]`:
//!   - every word is deleted with probability `0.015·s`, replaced by a random word (drawn
//!     from the first million words of the base corpus) with probability `0.03·s`, and
//!     followed by an inserted random word with probability `0.015·s` (word edit rate
//!     `0.06·s`);
//!   - every sentence (split after `. `, `? `, `! `) is dropped with probability `0.08·s`
//!     (never all of them);
//!   - with probability `0.5·s` two adjacent paragraphs are swapped (reordering);
//!   - with probability `0.3` one or two boilerplate lines are appended (`Share this
//!     article`, `Advertisement`, newsletter and copyright lines).
//!
//!   With word 5-grams, `s = 1` gives an exact Jaccard around 0.5 and `s = 0` an exact copy
//!   (plus boilerplate), so `s` uniform in `[0, 1]` spreads variants over Jaccard 0.5–1.0.
//!
//! The truth TSV has one line per document: `id kind source strength jaccard subs dels ins
//! dropped_sentences reordered boilerplate` (`-` where not applicable), where `jaccard` is the
//! exact Jaccard of the variant's and its source's shingle sets computed with storyfold's
//! own normalization, tokenization and word `--ngram` shingles.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use storyfold::fingerprint::{exact_jaccard, FingerprintConfig, Fingerprinter};
use storyfold::ingest::{Input, ReadOptions, Reader};

/// Arguments of `benchgen generate`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Base corpus (JSONL with `id`, `title`, `text`), e.g. data/allsides.jsonl.
    #[arg(long)]
    pub base: PathBuf,
    /// Use only the first N base articles.
    #[arg(long)]
    pub base_limit: Option<usize>,
    /// Total number of documents to write (at least the number of base articles used).
    #[arg(long)]
    pub docs: usize,
    /// Share of the non-base documents that are variants (the rest are mosaic originals).
    #[arg(long, default_value_t = 0.3)]
    pub variant_rate: f64,
    /// Smallest edit strength of a variant (0 = exact copy).
    #[arg(long, default_value_t = 0.0)]
    pub min_strength: f64,
    /// Largest edit strength of a variant (1 ≈ Jaccard 0.5 with word 5-grams).
    #[arg(long, default_value_t = 1.0)]
    pub max_strength: f64,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Words per shingle for the `jaccard` column of the truth.
    #[arg(long, default_value_t = 5)]
    pub ngram: usize,
    /// Output corpus (JSONL).
    #[arg(long)]
    pub out: PathBuf,
    /// Output ground truth (TSV).
    #[arg(long)]
    pub truth: PathBuf,
}

/// SplitMix64 (Steele, Lea & Flood, 2014): small, fast, deterministic.
struct Rng(u64);

impl Rng {
    /// The stream of document `d`.
    fn for_doc(seed: u64, d: usize) -> Self {
        let mut r = Rng(seed ^ (d as u64).wrapping_mul(0xA24B_AED4_963E_E407));
        r.next_u64();
        r
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

/// A base article.
struct Base {
    id: String,
    title: String,
    text: String,
}

const BOILERPLATE: &[&str] = &[
    "Share this article",
    "Advertisement",
    "Sign up for our daily newsletter to get the latest news in your inbox.",
    "© 2024 News Media Group. All rights reserved.",
    "Follow us on Twitter and Facebook for more updates.",
    "Click here to read more stories like this.",
];

/// What was done to make a variant.
#[derive(Default)]
struct Edits {
    subs: usize,
    dels: usize,
    ins: usize,
    dropped: usize,
    reordered: bool,
    boilerplate: usize,
}

struct Gen<'a> {
    bases: &'a [Base],
    args: &'a Args,
    /// Non-empty paragraphs (trimmed) of every base article.
    paragraphs: Vec<Vec<&'a str>>,
    /// Words of the first base articles (up to [`VOCAB_WORDS`]), the source of inserted and
    /// substituted words.
    vocab: Vec<&'a str>,
}

/// Size of the vocabulary of [`Gen::random_word`].
const VOCAB_WORDS: usize = 1_000_000;

impl<'a> Gen<'a> {
    fn new(bases: &'a [Base], args: &'a Args) -> Self {
        let paragraphs = bases
            .iter()
            .map(|b| {
                b.text
                    .split('\n')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .collect();
        let vocab = bases
            .iter()
            .flat_map(|b| b.text.split_whitespace())
            .take(VOCAB_WORDS)
            .collect();
        Gen {
            bases,
            args,
            paragraphs,
            vocab,
        }
    }
}

enum Kind {
    Base,
    Original,
    Variant,
}

impl Gen<'_> {
    fn kind(&self, d: usize) -> Kind {
        if d < self.bases.len() {
            return Kind::Base;
        }
        let mut rng = Rng::for_doc(self.args.seed, d);
        if rng.f64() < self.args.variant_rate {
            Kind::Variant
        } else {
            Kind::Original
        }
    }

    /// Title and text of a base or original document.
    fn original(&self, d: usize) -> (String, String) {
        if let Some(b) = self.bases.get(d) {
            return (b.title.clone(), b.text.clone());
        }
        let mut rng = Rng::for_doc(self.args.seed, d);
        let _kind = rng.f64();
        let paragraphs = 10 + rng.below(31);
        let mut text = String::new();
        let mut title = String::new();
        for p in 0..paragraphs {
            let b = rng.below(self.bases.len());
            if p == 0 {
                title = self.bases[b].title.clone();
            }
            let paras = &self.paragraphs[b];
            if paras.is_empty() {
                continue;
            }
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(paras[rng.below(paras.len())]);
        }
        (title, text)
    }

    fn random_word(&self, rng: &mut Rng) -> String {
        if self.vocab.is_empty() {
            return "news".to_string();
        }
        self.vocab[rng.below(self.vocab.len())].to_string()
    }

    /// Edit `text` with strength `s`.
    fn edit(&self, text: &str, s: f64, rng: &mut Rng) -> (String, Edits) {
        let mut e = Edits::default();
        let (p_del, p_sub, p_ins) = (0.015 * s, 0.03 * s, 0.015 * s);
        let p_drop = 0.08 * s;
        let mut paragraphs: Vec<Vec<String>> = text
            .split('\n')
            .filter(|p| !p.trim().is_empty())
            .map(|p| split_sentences(p.trim()))
            .collect();
        let total: usize = paragraphs.iter().map(Vec::len).sum();
        // Sentence drops (never all sentences).
        for para in &mut paragraphs {
            para.retain(|_| {
                if e.dropped + 1 < total && rng.f64() < p_drop {
                    e.dropped += 1;
                    false
                } else {
                    true
                }
            });
        }
        paragraphs.retain(|p| !p.is_empty());
        // Word edits.
        for para in &mut paragraphs {
            for sentence in para.iter_mut() {
                let mut out: Vec<String> = Vec::new();
                for w in sentence.split(' ') {
                    let r = rng.f64();
                    if r < p_del {
                        e.dels += 1;
                    } else if r < p_del + p_sub {
                        e.subs += 1;
                        out.push(self.random_word(rng));
                    } else {
                        out.push(w.to_string());
                    }
                    if rng.f64() < p_ins {
                        e.ins += 1;
                        out.push(self.random_word(rng));
                    }
                }
                *sentence = out.join(" ");
            }
        }
        // Reordering.
        if paragraphs.len() >= 2 && rng.f64() < 0.5 * s {
            let i = rng.below(paragraphs.len() - 1);
            paragraphs.swap(i, i + 1);
            e.reordered = true;
        }
        let mut text = paragraphs
            .iter()
            .map(|p| p.join(" "))
            .collect::<Vec<_>>()
            .join("\n\n");
        // Boilerplate.
        if rng.f64() < 0.3 {
            let n = 1 + rng.below(2);
            for _ in 0..n {
                text.push_str("\n\n");
                text.push_str(BOILERPLATE[rng.below(BOILERPLATE.len())]);
                e.boilerplate += 1;
            }
        }
        (text, e)
    }

    /// The JSON line and the truth line of document `d`.
    fn doc(&self, d: usize, fp: &Fingerprinter) -> (String, String) {
        let id = doc_id(d);
        match self.kind(d) {
            Kind::Base => {
                let (title, text) = self.original(d);
                (
                    json_line(&id, &title, &text),
                    format!(
                        "{id}\tbase\t{}\t-\t-\t-\t-\t-\t-\t-\t-",
                        self.bases[d].id.replace(['\t', '\n'], " ")
                    ),
                )
            }
            Kind::Original => {
                let (title, text) = self.original(d);
                (
                    json_line(&id, &title, &text),
                    format!("{id}\toriginal\t-\t-\t-\t-\t-\t-\t-\t-\t-"),
                )
            }
            Kind::Variant => {
                let mut rng = Rng::for_doc(self.args.seed, d);
                let _kind = rng.f64();
                let source = loop {
                    let k = rng.below(d);
                    if !matches!(self.kind(k), Kind::Variant) {
                        break k;
                    }
                };
                let s = self.args.min_strength
                    + (self.args.max_strength - self.args.min_strength) * rng.f64();
                let (title, src_text) = self.original(source);
                let (text, e) = self.edit(&src_text, s, &mut rng);
                let a = fp.fingerprint(&src_text);
                let b = fp.fingerprint(&text);
                let j = exact_jaccard(
                    a.shingles.as_deref().unwrap_or(&[]),
                    b.shingles.as_deref().unwrap_or(&[]),
                );
                (
                    json_line(&id, &title, &text),
                    format!(
                        "{id}\tvariant\t{}\t{s:.4}\t{j:.4}\t{}\t{}\t{}\t{}\t{}\t{}",
                        doc_id(source),
                        e.subs,
                        e.dels,
                        e.ins,
                        e.dropped,
                        u8::from(e.reordered),
                        e.boilerplate
                    ),
                )
            }
        }
    }
}

/// Split a paragraph after `. `, `? ` and `! ` (the terminator stays with its sentence).
fn split_sentences(p: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = p.as_bytes();
    for i in 1..b.len() {
        if b[i] == b' ' && matches!(b[i - 1], b'.' | b'?' | b'!') {
            out.push(p[start..i].to_string());
            start = i + 1;
        }
    }
    if start < p.len() {
        out.push(p[start..].to_string());
    }
    out
}

fn doc_id(d: usize) -> String {
    format!("d{d:07}")
}

fn json_line(id: &str, title: &str, text: &str) -> String {
    serde_json::json!({ "id": id, "title": title, "text": text }).to_string()
}

/// Run `benchgen generate`.
pub fn run(args: Args) -> Result<()> {
    if !(0.0..=1.0).contains(&args.variant_rate)
        || !(0.0..=args.max_strength).contains(&args.min_strength)
    {
        bail!("--variant-rate must be in [0, 1] and 0 <= --min-strength <= --max-strength");
    }
    let opts = ReadOptions {
        skip_invalid: true,
        ..ReadOptions::default()
    };
    let mut bases = Vec::new();
    for article in Reader::open(vec![Input::Path(args.base.clone())], opts) {
        let article = article.with_context(|| format!("reading {}", args.base.display()))?;
        bases.push(Base {
            id: article.id,
            title: article.title.unwrap_or_default(),
            text: article.text,
        });
        if args.base_limit.is_some_and(|l| bases.len() >= l) {
            break;
        }
    }
    if bases.is_empty() {
        bail!("no base articles in {}", args.base.display());
    }
    if args.docs < bases.len() {
        bail!(
            "--docs ({}) must be at least the number of base articles ({})",
            args.docs,
            bases.len()
        );
    }
    let fp = Fingerprinter::new(FingerprintConfig {
        ngram: args.ngram,
        shingle_set: true,
        ..FingerprintConfig::default()
    });
    let gen = Gen::new(&bases, &args);
    let mut out = BufWriter::with_capacity(
        1 << 20,
        File::create(&args.out).with_context(|| format!("creating {}", args.out.display()))?,
    );
    let mut truth = BufWriter::new(
        File::create(&args.truth).with_context(|| format!("creating {}", args.truth.display()))?,
    );
    writeln!(
        truth,
        "id\tkind\tsource\tstrength\tjaccard\tsubs\tdels\tins\tdropped_sentences\treordered\tboilerplate"
    )?;
    const BATCH: usize = 8192;
    let mut variants = 0usize;
    for start in (0..args.docs).step_by(BATCH) {
        let end = (start + BATCH).min(args.docs);
        let lines: Vec<(String, String)> = (start..end)
            .into_par_iter()
            .map(|d| gen.doc(d, &fp))
            .collect();
        for (doc, t) in lines {
            out.write_all(doc.as_bytes())?;
            out.write_all(b"\n")?;
            variants += usize::from(t.split('\t').nth(1) == Some("variant"));
            truth.write_all(t.as_bytes())?;
            truth.write_all(b"\n")?;
        }
    }
    out.flush()?;
    truth.flush()?;
    eprintln!(
        "wrote {} documents ({} base, {} variants, {} mosaic originals) to {}",
        args.docs,
        bases.len(),
        variants,
        args.docs - bases.len() - variants,
        args.out.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_after_terminators() {
        assert_eq!(
            split_sentences("One. Two? Three! Four"),
            ["One.", "Two?", "Three!", "Four"]
        );
        assert_eq!(split_sentences("No split here"), ["No split here"]);
    }

    #[test]
    fn rng_is_deterministic_and_in_range() {
        let mut a = Rng::for_doc(1, 5);
        let mut b = Rng::for_doc(1, 5);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
            let x = a.f64();
            assert!((0.0..1.0).contains(&x));
            b.f64();
            assert!(a.below(7) < 7);
            b.below(7);
        }
        assert_ne!(Rng::for_doc(1, 5).next_u64(), Rng::for_doc(1, 6).next_u64());
    }
}
