//! `storyfold eval`: compare a predicted grouping with gold labels.

use std::path::PathBuf;

use std::io::Write;

use anyhow::{bail, Context, Result};
use storyfold::eval::{evaluate, read_labels, LabelOptions, Overlap};

use crate::common::{check_outputs, path_inputs, Output};

/// Arguments of `storyfold eval`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Gold labels: TSV `id<TAB>label`, JSONL `{"id", "label"}`, or storyfold groups/stories JSONL.
    #[arg(long)]
    pub gold: PathBuf,
    /// Predicted labels, in any of the same formats.
    #[arg(long)]
    pub pred: PathBuf,
    /// Id field of a JSONL gold file (default `id`).
    #[arg(long)]
    pub gold_id_field: Option<String>,
    /// Label field of a JSONL gold file (default `label`).
    #[arg(long)]
    pub gold_label_field: Option<String>,
    /// Id field of a JSONL predicted file (default `id`).
    #[arg(long)]
    pub pred_id_field: Option<String>,
    /// Label field of a JSONL predicted file (default `label`).
    #[arg(long)]
    pub pred_label_field: Option<String>,
    /// Print the metrics as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Run `storyfold eval`.
pub fn run(args: Args) -> Result<()> {
    check_outputs(&path_inputs([&args.gold, &args.pred]), &[])?;
    let gold = read_labels(
        &args.gold,
        &LabelOptions {
            id_field: args.gold_id_field.clone(),
            label_field: args.gold_label_field.clone(),
        },
    )
    .with_context(|| format!("reading gold labels from {}", args.gold.display()))?;
    let pred = read_labels(
        &args.pred,
        &LabelOptions {
            id_field: args.pred_id_field.clone(),
            label_field: args.pred_label_field.clone(),
        },
    )
    .with_context(|| format!("reading predicted labels from {}", args.pred.display()))?;
    let overlap = Overlap::of(&gold, &pred);
    if let Some(problem) = overlap.problem() {
        bail!(
            "{problem} (gold {}, predictions {}): no metric can be computed",
            args.gold.display(),
            args.pred.display()
        );
    }
    if overlap.is_partial() {
        note!(
            "storyfold: warning: {} of {} gold ids have no prediction (each scored as a \
             singleton) and {} of {} predicted ids are not in gold (ignored)",
            overlap.gold_only(),
            overlap.gold,
            overlap.pred_only(),
            overlap.pred
        );
    }
    let report = evaluate(&gold, &pred);
    let mut out = Output::stdout();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        writeln!(out, "{report}")?;
    }
    out.commit()?;
    Ok(())
}
