//! `storyfold-train train-cross`: fine-tune the cross-encoder for the paraphrase decision on
//! labelled sentence pairs (MRPC layout) and write it to a folder that `storyfold similarity
//! --cross DIR` reads.
//!
//! The base model is a local sentence-transformers BERT folder (all-MiniLM-L6-v2,
//! `scripts/fetch_encoder.sh`) or a cross-encoder folder this command wrote (training goes on
//! from it, head included); training is [`crate::cross::train`]. With `--sts FILE` instead of
//! `--pairs` it trains on STS Benchmark pairs with graded targets (gold / 5,
//! [`crate::cross::train_graded`]), an intermediate stage to start the paraphrase training from.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use storyfold_cli::pairs::{labels, pair_texts, read_pairs, Skipped};

use storyfold::output::OutputDir;
use storyfold_cli::common::{check_outputs, path_inputs, Out};

use super::similarity::{cpu_seconds, epoch_line, read_sts, CrossTrainArgs};
use crate::cross::{self, TrainableCross};

/// Arguments of `storyfold-train train-cross`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Labelled sentence pairs in MRPC layout (with its `Quality` header).
    #[arg(long, value_name = "FILE", required_unless_present = "sts")]
    pub pairs: Option<PathBuf>,
    /// Instead of --pairs: STS Benchmark pairs (`sts-train.csv` layout: genre, file, year, id,
    /// score, s1, s2), trained towards their gold similarity / 5 (all genres). Give the file once
    /// per STS file to use.
    #[arg(long, value_name = "FILE", conflicts_with = "pairs")]
    pub sts: Vec<PathBuf>,
    /// With --sts: leave out the pairs of these STS source files (comma list; `none` keeps
    /// all). Default `MSRpar`: those pairs are taken from the MRPC corpus itself (592 of the
    /// 1,000 in sts-train.csv share a sentence with MRPC's train file, the others may be in its
    /// test file), so training on them would leak MRPC pairs into a model judged on MRPC.
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        default_value = "MSRpar"
    )]
    pub skip_source: Vec<String>,
    /// Base model folder (all-MiniLM-L6-v2: `config.json`, `tokenizer.json`, `model.safetensors`),
    /// or a cross-encoder folder written by this command to train further.
    #[arg(long, value_name = "DIR")]
    pub encoder: PathBuf,
    /// Output folder for the fine-tuned model (created; files in it are overwritten).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Skip unparseable lines of --pairs or --sts (counted) instead of stopping at the first.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Fine-tuning settings.
    #[command(flatten)]
    pub train: CrossTrainArgs,
}

/// What `train-cross` trains on: text pairs, their targets in [0, 1], a description for the
/// messages, and the skipped-line report of each input file.
#[derive(Default)]
struct TrainingSet {
    texts: Vec<(String, String)>,
    targets: Vec<f64>,
    what: String,
    skipped: Vec<Skipped>,
}

/// Labelled pairs (MRPC layout): targets 0 or 1.
fn labelled_pairs(path: &Path, skip_invalid: bool) -> Result<TrainingSet> {
    let (pairs, mrpc, skipped) = read_pairs(path, skip_invalid)?;
    if !mrpc {
        bail!("train-cross needs labelled pairs (MRPC layout with its Quality header)");
    }
    let texts = pair_texts(&pairs)
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let targets = labels(&pairs)
        .into_iter()
        .map(|y| f64::from(u8::from(y)))
        .collect();
    Ok(TrainingSet {
        texts,
        targets,
        what: path.display().to_string(),
        skipped: vec![skipped],
    })
}

/// STS Benchmark pairs of every genre but the `skip_source` files: targets gold / 5.
fn sts_pairs(files: &[PathBuf], skip_source: &[String], skip_invalid: bool) -> Result<TrainingSet> {
    let mut set = TrainingSet::default();
    let mut left_out = 0;
    for path in files {
        let (pairs, skipped) = read_sts(path, "all", skip_invalid)?;
        for p in pairs {
            if skip_source.contains(&p.source) {
                left_out += 1;
            } else if !(0.0..=5.0).contains(&p.gold) {
                bail!(
                    "{}:{}: gold score {} is outside 0 to 5",
                    path.display(),
                    p.line,
                    p.gold
                );
            } else {
                set.texts.push((p.a.text, p.b.text));
                set.targets.push(p.gold / 5.0);
            }
        }
        set.skipped.push(skipped);
    }
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    set.what = format!(
        "{} (graded, gold / 5; {left_out} pairs of {} left out)",
        names.join(", "),
        skip_source.join(", ")
    );
    Ok(set)
}

/// Run `storyfold-train train-cross`.
pub fn run(args: Args) -> Result<()> {
    check_outputs(
        &path_inputs(args.pairs.iter().chain(&args.sts).chain([&args.encoder])),
        &[Out::Dir("--out", Some(&args.out))],
    )?;
    let params = args.train.params()?;
    let TrainingSet {
        texts: owned,
        targets,
        what,
        skipped,
    } = match &args.pairs {
        Some(path) => labelled_pairs(path, args.skip_invalid)?,
        None => sts_pairs(&args.sts, &args.skip_source, args.skip_invalid)?,
    };
    if owned.is_empty() {
        bail!("no training pairs in {what}");
    }
    let texts: Vec<(&str, &str)> = owned
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let mut model = TrainableCross::load(&args.encoder, Some(params.max_tokens), params.seed)
        .with_context(|| format!("cannot load the base model {}", args.encoder.display()))?;
    note!(
        "fine-tuning on {} pairs of {what}: {params:?}; {} threads",
        texts.len(),
        rayon::current_num_threads()
    );
    let cpu_start = cpu_seconds();
    cross::train_graded(&mut model, &texts, &targets, &params, |r| {
        note!("{}", epoch_line("", r, cpu_start));
    })?;
    // Saved into a staging directory beside --out, moved into place once complete.
    let out = OutputDir::create(&args.out)?;
    model
        .save(out.path())
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    out.commit()?;
    note!("model written to {}", args.out.display());
    for s in &skipped {
        s.report("pair");
    }
    Ok(())
}
