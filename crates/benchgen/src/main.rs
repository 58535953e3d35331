//! `benchgen`: the deterministic corpus generator and exact-Jaccard truth of the storyfold
//! benchmark (`bench/run.sh`).
//!
//! * `benchgen generate` writes a JSONL corpus of `--docs` articles built from a base corpus
//!   (AllSides): the base articles themselves, synthetic originals (sentence mosaics of random
//!   base articles), and edited copies ("variants") of earlier originals, plus a TSV ground
//!   truth saying which document was derived from which, with what edit strength, and the
//!   exact word 5-gram Jaccard of every variant with its source. Same inputs and `--seed`,
//!   same bytes out, whatever the number of threads.
//! * `benchgen truth` lists every pair of documents of a corpus whose shingle sets (storyfold's
//!   own normalization, tokenization and shingles) have an exact Jaccard at or above a
//!   threshold: the reference the benchmark scores storyfold, rensa and datasketch against.
//! * `benchgen check` computes the exact Jaccard of given pairs only (precision on corpora
//!   too large for `truth`).
//!
//! See [`generate`], [`truth`] and [`check`] for the exact rules.

mod check;
mod generate;
mod truth;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// Command line of `benchgen`.
#[derive(Parser, Debug)]
#[command(name = "benchgen", version, about)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
enum Cmd {
    /// Generate a corpus with injected near-duplicates and its ground truth.
    Generate(generate::Args),
    /// List all pairs with exact shingle Jaccard at or above a threshold.
    Truth(truth::Args),
    /// Exact Jaccard of given pairs: precision on corpora too large for `truth`.
    Check(check::Args),
}

fn main() -> Result<()> {
    match Cli::parse().cmd {
        Cmd::Generate(args) => generate::run(args),
        Cmd::Truth(args) => truth::run(args),
        Cmd::Check(args) => check::run(args),
    }
}
