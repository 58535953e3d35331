//! `storyfold train-cross`: fine-tune the cross-encoder for the paraphrase decision on labelled
//! sentence pairs (MRPC layout) and write it to a folder that `similarity --cross DIR` reads.
//!
//! The base model is a local sentence-transformers BERT folder (all-MiniLM-L6-v2,
//! `scripts/fetch_encoder.sh`); training is `storyfold::align::similarity::cross::train`.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use storyfold::align::similarity::cross::{self, CrossEncoder};

use super::similarity::{cpu_seconds, epoch_line, labels, pair_texts, read_pairs, CrossTrainArgs};

/// Arguments of `storyfold train-cross`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Labelled sentence pairs in MRPC layout (with its `Quality` header).
    #[arg(long, value_name = "FILE")]
    pub pairs: PathBuf,
    /// Base model folder (all-MiniLM-L6-v2: `config.json`, `tokenizer.json`, `model.safetensors`).
    #[arg(long, value_name = "DIR")]
    pub encoder: PathBuf,
    /// Output folder for the fine-tuned model (created; files in it are overwritten).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Skip unparseable lines of --pairs (counted) instead of stopping at the first.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Fine-tuning settings.
    #[command(flatten)]
    pub train: CrossTrainArgs,
}

/// Run `storyfold train-cross`.
pub fn run(args: Args) -> Result<()> {
    let params = args.train.params()?;
    let (pairs, mrpc, skipped) = read_pairs(&args.pairs, args.skip_invalid)?;
    if !mrpc {
        bail!("train-cross needs labelled pairs (MRPC layout with its Quality header)");
    }
    let texts = pair_texts(&pairs);
    let ys = labels(&pairs);
    let mut model = CrossEncoder::load(&args.encoder, Some(params.max_tokens), params.seed)
        .with_context(|| format!("cannot load the base model {}", args.encoder.display()))?;
    eprintln!(
        "fine-tuning on {} pairs of {}: {params:?}; {} threads",
        pairs.len(),
        args.pairs.display(),
        rayon::current_num_threads()
    );
    let cpu_start = cpu_seconds();
    cross::train(&mut model, &texts, &ys, &params, |r| {
        eprintln!("{}", epoch_line("", r, cpu_start));
    })?;
    model
        .save(&args.out)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    eprintln!("model written to {}", args.out.display());
    skipped.report("pair");
    Ok(())
}
