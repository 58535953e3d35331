//! `storyfold similarity`: score sentence pairs and decide which are paraphrases, with the
//! shipped models.
//!
//! `--pairs FILE` (MRPC layout or two-column TSV, see [`crate::pairs`]) writes one JSON line per
//! pair (`line`, `id1`, `id2`, `score`, `paraphrase`) and, when the file is labelled, prints the
//! accuracy, F1, precision and recall of the decisions. The score is the shipped lexical model's;
//! with `--encoder DIR` (the contextual sentence encoder, all-MiniLM-L6-v2) the encoder model's;
//! with `--cross DIR...` a fine-tuned cross-encoder's (both ways round, the mean of several),
//! blended with the encoder model's when `--encoder` is given too. Fitting, training and
//! cross-validating the models is `storyfold-train similarity` / `storyfold-train train-cross`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::Serialize;
use storyfold::align::similarity::cross::{self, CrossEncoder};
use storyfold::align::similarity::{
    self, Encoder, Idf, ENCODER_PARAPHRASE_THRESHOLD, PARAPHRASE_THRESHOLD,
};

use crate::common::{round4, write_json_line, Output};
use crate::pairs::{
    encode_pairs, load_idf, pair_score, pair_texts, read_pairs, Confusion, Pair, PairEncodings,
};

/// Arguments of `storyfold similarity`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Sentence pairs: MRPC layout (with its `Quality` header) or two-column `s1<TAB>s2` TSV; `-` is stdin.
    #[arg(long, value_name = "FILE")]
    pub pairs: PathBuf,
    /// IDF table to use (TSV written by `storyfold-train similarity --build-idf`) instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub idf: Option<PathBuf>,
    /// The contextual sentence encoder: a local all-MiniLM-L6-v2 folder (`config.json`,
    /// `tokenizer.json`, `model.safetensors`; `scripts/fetch_encoder.sh` fetches it). Pairs are
    /// then scored by the encoder model (lexical and encoder features).
    #[arg(long, value_name = "DIR")]
    pub encoder: Option<PathBuf>,
    /// A fine-tuned cross-encoder folder (written by `storyfold-train train-cross`): pairs are
    /// scored by it (both ways round), blended with the encoder model's score when --encoder is
    /// given. Several folders (an ensemble, say of seeds) are averaged pair by pair.
    #[arg(long, value_name = "DIR", num_args = 1..)]
    pub cross: Vec<PathBuf>,
    /// Skip unparseable lines of --pairs (counted) instead of stopping at the first.
    #[arg(long)]
    pub skip_invalid: bool,
}

/// One scored pair as written to the output (field names are part of the documented format).
#[derive(Serialize)]
struct PairOut<'a> {
    line: usize,
    id1: Option<&'a str>,
    id2: Option<&'a str>,
    score: f64,
    paraphrase: bool,
}

/// Run `storyfold similarity`.
pub fn run(args: Args) -> Result<()> {
    let idf = load_idf(args.idf.as_deref())?;
    let encoder = match &args.encoder {
        Some(dir) => Some(
            Encoder::load(dir)
                .with_context(|| format!("cannot load the encoder from {}", dir.display()))?,
        ),
        None => None,
    };
    let (pairs, _, skipped) = read_pairs(&args.pairs, args.skip_invalid)?;
    // Loaded before the (slow) encoding.
    let models = args
        .cross
        .iter()
        .map(|dir| {
            CrossEncoder::load(dir, None)
                .with_context(|| format!("cannot load the cross-encoder from {}", dir.display()))
        })
        .collect::<Result<Vec<_>>>()?;
    let encodings = encoder
        .as_ref()
        .map(|enc| encode_pairs(enc, pairs.iter().map(|p| (&p.a, &p.b)), pairs.len()))
        .transpose()?;
    if models.is_empty() {
        score_pairs(&pairs, &idf, encodings.as_deref())?;
    } else {
        score_pairs_cross(&pairs, &models, &idf, encodings.as_deref())?;
    }
    skipped.report("pair");
    Ok(())
}

fn score_pairs(pairs: &[Pair], idf: &Idf, encodings: Option<&PairEncodings>) -> Result<()> {
    let scores: Vec<f64> = pairs
        .par_iter()
        .enumerate()
        .map(|(i, p)| pair_score(&p.a, &p.b, idf, encodings.map(|e| &e[i])))
        .collect();
    let (decide, threshold): (fn(f64) -> bool, f64) = if encodings.is_some() {
        (
            similarity::is_paraphrase_encoded,
            ENCODER_PARAPHRASE_THRESHOLD,
        )
    } else {
        (similarity::is_paraphrase, PARAPHRASE_THRESHOLD)
    };
    if let Some(confusion) = write_scored(pairs, &scores, decide)? {
        note!("{} pairs: {confusion} (threshold {threshold})", pairs.len());
    }
    Ok(())
}

/// Write one JSON line per pair (its score and the decision `decide` takes on it) to stdout;
/// the confusion counts when the pairs are labelled.
fn write_scored(
    pairs: &[Pair],
    scores: &[f64],
    decide: impl Fn(f64) -> bool,
) -> Result<Option<Confusion>> {
    let mut out = Output::stdout();
    let mut confusion = Confusion::default();
    let mut labelled = false;
    for (p, &s) in pairs.iter().zip(scores) {
        let paraphrase = decide(s);
        if let Some(q) = p.quality {
            labelled = true;
            confusion.add(paraphrase, q);
        }
        write_json_line(
            &mut out,
            &PairOut {
                line: p.line,
                id1: p.id1.as_deref(),
                id2: p.id2.as_deref(),
                score: round4(s),
                paraphrase,
            },
        )?;
    }
    out.commit()?;
    Ok(labelled.then_some(confusion))
}

/// `--pairs FILE --cross DIR...`: one JSON line per pair from the cross-encoder's probability
/// (the [`cross::ensemble`] mean of several). With encodings, the score is the [`similarity::blend`] of the encoder model's and the
/// cross-encoder's, decided at [`similarity::BLENDED_PARAPHRASE_THRESHOLD`].
fn score_pairs_cross(
    pairs: &[Pair],
    models: &[CrossEncoder],
    idf: &Idf,
    encodings: Option<&PairEncodings>,
) -> Result<()> {
    let texts = pair_texts(pairs);
    let start = std::time::Instant::now();
    let members = models
        .iter()
        .map(|m| m.score_both_ways(&texts))
        .collect::<Result<Vec<_>, _>>()?;
    let mut probs = cross::ensemble(&members);
    let secs = start.elapsed().as_secs_f64();
    let (decide, threshold): (Box<dyn Fn(f64) -> bool>, f64) = match encodings {
        Some(encodings) => {
            probs
                .par_iter_mut()
                .zip(pairs)
                .zip(encodings)
                .for_each(|((c, p), (ea, eb))| {
                    *c = similarity::blend(similarity::score_encoded(&p.a, &p.b, ea, eb, idf), *c)
                });
            (
                Box::new(similarity::is_paraphrase_blended),
                similarity::BLENDED_PARAPHRASE_THRESHOLD,
            )
        }
        None => {
            // The members' own thresholds, averaged like their scores.
            let t = models.iter().map(CrossEncoder::threshold).sum::<f64>()
                / models.len().max(1) as f64;
            (Box::new(move |p| p >= t), t)
        }
    };
    let confusion = write_scored(pairs, &probs, decide)?;
    note!(
        "scored {} pairs with {} (both ways round) in {secs:.1} s ({:.0} pairs/s)",
        pairs.len(),
        match models.len() {
            1 => "the cross-encoder".to_string(),
            n => format!("an ensemble of {n} cross-encoders"),
        },
        pairs.len() as f64 / secs.max(1e-9)
    );
    if let Some(confusion) = confusion {
        note!("{} pairs: {confusion} (threshold {threshold})", pairs.len());
    }
    Ok(())
}
