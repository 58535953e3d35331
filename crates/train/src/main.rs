//! `storyfold-train`: fit, train and cross-validate storyfold's paraphrase models, apart from the
//! `storyfold` tool, which only loads and scores them.
//!
//! * `similarity`: cross-validation (`--cv K`) and fitting (`--fit`) of the paraphrase model on
//!   labelled pairs, STS correlations (`--sts`), the IDF table (`--build-idf`), an encoder check
//!   (`--encoder-dump`), and the cross-validation of the cross-encoder (`--cv K --cross-train`).
//! * `train-cross`: fine-tune the cross-encoder.
//!
//! Modules: [`fit`] (logistic regression, thresholds, cross-validation, correlations), [`gbt`]
//! (boosted trees), [`kld`] (TF-KLD weights), [`idf`] (document frequencies), [`cross`] (the
//! differentiable cross-encoder and its training); the commands live under `cmd/`, the input
//! options and pair files they share with `storyfold` in the `storyfold_cli` library.

#[macro_use]
extern crate storyfold_cli;

mod cmd;
mod cross;
mod fit;
mod gbt;
mod idf;
mod kld;

use clap::{Parser, Subcommand};

/// The memory allocator: mimalloc, as in `storyfold` (training and the cross-validation's
/// feature passes allocate many small tensors and vectors).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Fit, train and cross-validate storyfold's paraphrase models (`storyfold similarity` scores
/// pairs with them).
#[derive(Parser)]
#[command(name = "storyfold-train", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Worker threads (default: all cores; at most 4 per core, more is clamped).
    #[arg(long, global = true)]
    threads: Option<usize>,
}

#[derive(Subcommand)]
enum Command {
    /// Cross-validate and fit the paraphrase model on labelled pairs (MRPC layout), correlate its
    /// score with STS Benchmark, build an IDF table.
    Similarity(Box<cmd::similarity::Args>),
    /// Fine-tune the cross-encoder paraphrase model on labelled sentence pairs (MRPC layout), or
    /// on graded STS Benchmark pairs as a first stage (`--sts`, then `--pairs` from its folder).
    TrainCross(cmd::train_cross::Args),
}

fn run(cli: Cli) -> anyhow::Result<()> {
    storyfold_cli::common::start_threads("storyfold-train", cli.threads)?;
    match cli.command {
        Command::Similarity(args) => cmd::similarity::run(*args),
        Command::TrainCross(args) => cmd::train_cross::run(args),
    }
}

fn main() {
    storyfold_cli::common::finish("storyfold-train", run(Cli::parse()));
}
