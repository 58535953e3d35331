//! Helpers shared by subcommands: input options, output files, progress and summaries.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use storyfold::ingest::{Format, Input, ReadOptions};

/// Input files and the options for reading them, shared by every subcommand that reads a corpus.
#[derive(clap::Args, Clone, Debug)]
pub struct InputArgs {
    /// Input files: JSONL (optionally .gz), CSV, or directories of .txt files; `-` reads JSONL from stdin.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// How records are read and validated (every subcommand that reads articles).
#[derive(clap::Args, Clone, Debug)]
pub struct ReadArgs {
    /// Input format, instead of guessing from the file extension.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Field holding the article id (default `id`).
    #[arg(long)]
    pub id_field: Option<String>,
    /// Field holding the article text (default `text`, then `body`, `content`).
    #[arg(long)]
    pub text_field: Option<String>,
    /// Make up ids (`<file>:<line>`) for records without one.
    #[arg(long)]
    pub auto_id: bool,
    /// Skip invalid records, count them and report a summary, instead of stopping at the first.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Largest accepted record (bytes).
    #[arg(long, default_value_t = 10_000_000)]
    pub max_bytes: usize,
    /// Replace invalid UTF-8 with U+FFFD (counted) instead of rejecting the record.
    #[arg(long)]
    pub lossy_utf8: bool,
    /// Drop unparseable dates (counted) instead of rejecting the record.
    #[arg(long)]
    pub lenient_dates: bool,
}

/// `--format` values.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum FormatArg {
    Jsonl,
    Csv,
    Txt,
}

impl InputArgs {
    /// Reader options from the flags.
    pub fn read_options(&self) -> ReadOptions {
        self.read.read_options()
    }

    /// The inputs as engine inputs.
    pub fn engine_inputs(&self) -> Vec<Input> {
        self.inputs
            .iter()
            .map(|s| {
                if s == "-" {
                    Input::Stdin
                } else {
                    Input::Path(PathBuf::from(s))
                }
            })
            .collect()
    }
}

impl ReadArgs {
    /// Reader options from the flags.
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            id_field: self.id_field.clone(),
            text_field: self.text_field.clone(),
            auto_id: self.auto_id,
            skip_invalid: self.skip_invalid,
            max_bytes: self.max_bytes,
            lossy_utf8: self.lossy_utf8,
            lenient_dates: self.lenient_dates,
            format: self.format.map(|f| match f {
                FormatArg::Jsonl => Format::Jsonl,
                FormatArg::Csv => Format::Csv,
                FormatArg::Txt => Format::TxtDir,
            }),
        }
    }
}

/// A buffered output: a file, or stdout for `-`.
pub fn create_output(path: &Path) -> Result<Box<dyn Write>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(BufWriter::new(io::stdout().lock())));
    }
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(Box::new(BufWriter::new(file)))
}

/// Write one JSON value as a line.
pub fn write_json_line<T: serde::Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// A spinner on stderr counting documents, shown only when stderr is a terminal.
pub fn progress(what: &str) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    let style = ProgressStyle::with_template(&format!(
        "{{spinner}} {what}: {{human_pos}} documents in {{elapsed}}"
    ))
    .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Round for output: 4 decimals is plenty for similarities and keeps lines readable.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
