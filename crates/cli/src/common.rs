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

/// The aligner of `fold`, `pairs` and `compare`, with an optional word-embedding model.
#[derive(clap::Args, Clone, Debug)]
pub struct AlignArgs {
    /// Word-embedding model folder (model2vec layout, e.g. `minilm-l6-static-256`): lets the
    /// quantity-frame pass match differently worded figures ("jobs" / "positions") and
    /// contexts by cosine.
    #[arg(long, value_name = "DIR")]
    pub embeddings: Option<PathBuf>,
    /// Also report disagreeing figures of unaligned sentences of independent reports by
    /// quantity frames (experimental: about 1 in 5 is right on AllSides, see the README).
    #[arg(long)]
    pub frames: bool,
    /// The contextual sentence encoder (a local all-MiniLM-L6-v2 folder;
    /// `scripts/fetch_encoder.sh` fetches it). With --frames it also reports disagreeing figures
    /// of unaligned sentences of independent reports that say the same thing in other words
    /// (the meaning pass, `via: meaning`; experimental); `compare` decides paraphrases with it.
    #[arg(long, value_name = "DIR")]
    pub encoder: Option<PathBuf>,
}

impl AlignArgs {
    /// [`AlignArgs::aligner`] for `pairs` and `fold`, where the encoder serves the frame
    /// passes only: `--encoder` without `--frames` is an error rather than a no-op.
    pub fn frames_aligner(&self) -> Result<storyfold::align::alignment::Aligner> {
        if self.encoder.is_some() && !self.frames {
            anyhow::bail!(
                "--encoder serves the --frames passes here (the meaning pass): add --frames"
            );
        }
        self.aligner()
    }

    /// An aligner with the built-in IDF table and the models, when given.
    pub fn aligner(&self) -> Result<storyfold::align::alignment::Aligner> {
        use std::sync::Arc;
        use storyfold::align::alignment::Aligner;
        use storyfold::align::meaning::SentenceVectors;
        use storyfold::align::similarity::{Embeddings, Encoder, Idf};
        let mut aligner = Aligner::new(Idf::builtin()).with_frames(self.frames);
        if let Some(dir) = &self.embeddings {
            aligner = aligner.with_embeddings(Arc::new(
                Embeddings::load(dir)
                    .with_context(|| format!("loading embeddings from {}", dir.display()))?,
            ));
        }
        if let Some(dir) = &self.encoder {
            let encoder = Encoder::load(dir)
                .with_context(|| format!("cannot load the encoder from {}", dir.display()))?;
            aligner = aligner.with_meaning(Arc::new(SentenceVectors::new(encoder)));
        }
        Ok(aligner)
    }
}

/// A warning on stderr when the encoder failed on sentences of the meaning pass (their
/// figures were not compared by meaning).
pub fn warn_meaning_failures(aligner: &storyfold::align::alignment::Aligner) {
    if let Some(m) = aligner.meaning().filter(|m| m.failed() > 0) {
        eprintln!(
            "warning: the encoder failed on {} sentence(s); their figures were not compared by meaning",
            m.failed()
        );
    }
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
