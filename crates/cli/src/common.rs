//! Helpers shared by subcommands: input options, output files, progress and summaries.
//!
//! Every output goes through [`storyfold::output`]: [`check_outputs`] refuses outputs that
//! would touch an input before anything is read, [`create_output`] writes a file atomically
//! (committed with [`Output::commit`]), and `outln!` prints to standard output with an error
//! naming it instead of a panic. `note!` prints messages on standard error and never panics.
//! [`Bars`] draws a pipeline's progress (reported through [`storyfold::pipeline::Progress`])
//! as progress bars on standard error when it is a terminal.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use storyfold::ingest::{DateFormat, Format, Input, ReadOptions, Reader};
pub use storyfold::output::Output;
use storyfold::output::{Planned, Target};
use storyfold::pipeline::{Progress, Stage, Threads, THREADS_PER_CORE};

/// `println!` to standard output, returning an error that names standard output (a full disk,
/// a closed pipe) instead of panicking.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::common::print_stdout(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` that never panics: a message that cannot be written to standard error (closed,
/// or a full disk) is dropped.
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

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
    /// Field holding the headline (default `title`).
    #[arg(long)]
    pub title_field: Option<String>,
    /// Field holding the publisher or feed name (default `source`).
    #[arg(long)]
    pub source_field: Option<String>,
    /// Field holding the publication date (default `published`, then `date`).
    #[arg(long)]
    pub date_field: Option<String>,
    /// Field holding the URL (default `url`).
    #[arg(long)]
    pub url_field: Option<String>,
    /// How dates are written: a strftime pattern (`%d/%m/%Y %H:%M`; UTC unless it has `%z`),
    /// `epoch-s` or `epoch-ms` (default: RFC 3339, YYYY-MM-DD, RFC 2822).
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<DateFormat>,
    /// CSV column names, comma-separated: they replace the header row's names, or with
    /// --no-header name the columns of a file without one.
    #[arg(long, value_name = "A,B,C", value_delimiter = ',')]
    pub columns: Option<Vec<String>>,
    /// The CSV input has no header row: its first row is an article; columns are named by
    /// --columns, else by position (`--text-field 3`).
    #[arg(long)]
    pub no_header: bool,
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
    /// Show every disagreement whatever its confidence (the same as `--min-confidence 0`).
    #[arg(long)]
    pub frames: bool,
    /// Show only the disagreements of at least this confidence (0-1; default 0.7, the
    /// documented cut: see docs/alignment.md, Confidence).
    #[arg(long, value_name = "C")]
    pub min_confidence: Option<f64>,
}

impl AlignArgs {
    /// An aligner with the built-in IDF table and the model, when given.
    pub fn aligner(&self) -> Result<storyfold::align::alignment::Aligner> {
        use storyfold::align::alignment::Aligner;
        use storyfold::align::similarity::{Embeddings, Idf};
        let mut aligner = Aligner::new(Idf::builtin()).with_frames(self.frames);
        if let Some(c) = self.min_confidence {
            anyhow::ensure!(
                (0.0..=1.0).contains(&c),
                "--min-confidence must be between 0 and 1, not {c}"
            );
            aligner = aligner.with_min_confidence(c);
        }
        Ok(match &self.embeddings {
            Some(dir) => aligner.with_embeddings(std::sync::Arc::new(
                Embeddings::load(dir)
                    .with_context(|| format!("loading embeddings from {}", dir.display()))?,
            )),
            None => aligner,
        })
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

    /// A reader of the inputs with the flags' options.
    pub fn reader(&self) -> Reader {
        Reader::open(self.engine_inputs(), self.read_options())
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
            title_field: self.title_field.clone(),
            source_field: self.source_field.clone(),
            date_field: self.date_field.clone(),
            url_field: self.url_field.clone(),
            date_format: self.date_format.clone(),
            columns: self.columns.clone(),
            no_header: self.no_header,
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

/// An output: a file written atomically (replaced on [`Output::commit`], never partly), or
/// standard output for `-`.
pub fn create_output(path: &Path) -> Result<Output> {
    Ok(Output::create(&Target::from_arg(path))?)
}

/// The finished outputs of a command, committed together at its end so that a failure leaves
/// every previous output file as it was. Standard output is flushed at once instead, so that
/// several outputs sent to it keep their order.
#[derive(Default)]
pub struct Finished(Vec<Output>);

impl Finished {
    /// Hold `out` until [`Finished::commit`] (standard output: flush it now).
    pub fn hold(&mut self, out: Output) -> Result<()> {
        if out.is_stdout() {
            out.commit()?;
        } else {
            self.0.push(out);
        }
        Ok(())
    }

    /// Replace every held output's file.
    pub fn commit(self) -> Result<()> {
        for out in self.0 {
            out.commit()?;
        }
        Ok(())
    }
}

/// Write `text` to standard output (see [`outln!`]).
pub fn print_stdout(text: &str) -> Result<()> {
    let mut out = Output::stdout();
    out.write_all(text.as_bytes())?;
    out.commit()?;
    Ok(())
}

/// One output of a command, for [`check_outputs`].
#[derive(Clone, Copy, Debug)]
pub enum Out<'a> {
    /// A file (`-`: standard output), named by its flag in messages.
    File(&'static str, Option<&'a Path>),
    /// A directory of files.
    Dir(&'static str, Option<&'a Path>),
}

/// Refuse, before anything is read or written, any output (and standard output) that is an
/// input, lies inside an input directory or is another output ([`storyfold::output::check_outputs`]).
pub fn check_outputs(inputs: &[Input], outputs: &[Out]) -> Result<()> {
    let targets: Vec<(&'static str, Target, bool)> = outputs
        .iter()
        .filter_map(|o| match *o {
            Out::File(flag, path) => Some((flag, Target::from_arg(path?), false)),
            Out::Dir(flag, path) => Some((flag, Target::from_arg(path?), true)),
        })
        .chain([("standard output", Target::Stdout, false)])
        .collect();
    let planned: Vec<Planned> = targets
        .iter()
        .map(|(flag, target, dir)| Planned {
            flag,
            target,
            dir: *dir,
        })
        .collect();
    storyfold::output::check_outputs(inputs, &planned)?;
    Ok(())
}

/// The error for inputs that gave no document: empty, or every record skipped.
pub fn no_documents(
    inputs: &[Input],
    read: u64,
    skipped: &storyfold::ingest::SkipReport,
) -> String {
    let names: Vec<String> = inputs.iter().map(Input::label).collect();
    if read == 0 {
        format!("no records in {}", names.join(", "))
    } else {
        format!(
            "no valid records in {} ({read} read, all skipped)\n{skipped}",
            names.join(", ")
        )
    }
}

/// [`check_outputs`] for a command reading a corpus with the aligner (its embeddings model is
/// an input too).
pub fn check_corpus_outputs(input: &InputArgs, align: &AlignArgs, outputs: &[Out]) -> Result<()> {
    let mut inputs = input.engine_inputs();
    inputs.extend(path_inputs(&align.embeddings));
    check_outputs(&inputs, outputs)
}

/// Paths read as inputs besides the corpus (models, label files), as engine inputs.
pub fn path_inputs<'a>(paths: impl IntoIterator<Item = &'a PathBuf>) -> Vec<Input> {
    paths
        .into_iter()
        .map(|p| Input::from_arg(&p.to_string_lossy()))
        .collect()
}

/// Write one JSON value as a line. Serialization writes straight into `out`, whose errors
/// (named after the output) are passed on as they are.
pub fn write_json_line<T: serde::Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(io::Error::from)?;
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

/// A bar on stderr counting `what` out of `len`, shown only when stderr is a terminal.
pub fn bar(len: u64, what: &str) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    let style = ProgressStyle::with_template(&format!(
        "{{bar:30}} {what}: {{human_pos}}/{{human_len}} ({{per_sec}}) {{elapsed}}"
    ))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// A pipeline's progress drawn on stderr ([`progress`] spinners and [`bar`]s, only when stderr
/// is a terminal), and with timings on, the time of each pass.
pub struct Bars {
    /// The stages drawn: stage, label, whether a bar (else a spinner), and its bar once started.
    stages: Vec<(Stage, &'static str, bool, OnceLock<ProgressBar>)>,
    /// With timings: the tool's name and the start of the current pass.
    timings: Option<(&'static str, Mutex<Instant>)>,
}

impl Bars {
    /// Nothing drawn yet; with `timings`, the time of each pass printed as `tool: ... in N s`.
    pub fn new(tool: &'static str, timings: bool) -> Bars {
        Bars {
            stages: Vec::new(),
            timings: timings.then(|| (tool, Mutex::new(Instant::now()))),
        }
    }

    /// Draw `stage` as a spinner labelled `what`.
    pub fn spinner(mut self, stage: Stage, what: &'static str) -> Bars {
        self.stages.push((stage, what, false, OnceLock::new()));
        self
    }

    /// Draw `stage` as a bar labelled `what`.
    pub fn bar(mut self, stage: Stage, what: &'static str) -> Bars {
        self.stages.push((stage, what, true, OnceLock::new()));
        self
    }

    fn started(&self, stage: Stage) -> Option<&ProgressBar> {
        self.stages
            .iter()
            .find(|s| s.0 == stage)
            .and_then(|s| s.3.get())
    }
}

impl Progress for Bars {
    fn start(&self, stage: Stage, total: Option<u64>) {
        if let Some((_, what, is_bar, cell)) = self.stages.iter().find(|s| s.0 == stage) {
            cell.get_or_init(|| {
                if *is_bar {
                    bar(total.unwrap_or(0), what)
                } else {
                    progress(what)
                }
            });
        }
    }

    fn set(&self, stage: Stage, done: u64) {
        if let Some(bar) = self.started(stage) {
            bar.set_position(done);
        }
    }

    fn finish(&self, stage: Stage) {
        if let Some(bar) = self.started(stage) {
            bar.finish_and_clear();
        }
    }

    fn pass(&self, what: &str) {
        if let Some((tool, lap)) = &self.timings {
            let mut lap = lap.lock().unwrap_or_else(|e| e.into_inner());
            note!("{tool}: {what} in {:.2} s", lap.elapsed().as_secs_f64());
            *lap = Instant::now();
        }
    }
}

/// Round for output: 4 decimals is plenty for similarities and keeps lines readable.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The worker threads of `--threads n` (none given: `None`, all cores): an error for 0, and at
/// most [`THREADS_PER_CORE`] per available core (with a message naming `tool` when clamped).
pub fn worker_threads(tool: &str, threads: Option<usize>) -> Result<Option<Threads>> {
    let Some(n) = threads else {
        return Ok(None);
    };
    let threads = Threads::new(n).map_err(|_| anyhow::anyhow!("--threads must be at least 1"))?;
    if threads.clamped() {
        note!(
            "{tool}: --threads {n} is more than {THREADS_PER_CORE} per available core \
             ({} cores); using {}",
            threads.cores(),
            threads.count()
        );
    }
    Ok(Some(threads))
}

/// Make rayon's global pool `threads` threads (none: leave it at all cores).
pub fn install_threads(threads: Option<Threads>) -> Result<()> {
    if let Some(threads) = threads {
        threads.install_global()?;
    }
    Ok(())
}

/// Start the worker threads for `--threads n` on rayon's global pool ([`worker_threads`],
/// then [`install_threads`]).
pub fn start_threads(tool: &str, threads: Option<usize>) -> Result<()> {
    install_threads(worker_threads(tool, threads)?)
}

/// Whether an error comes from writing into a closed pipe.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        let kind = if let Some(e) = e.downcast_ref::<std::io::Error>() {
            Some(e.kind())
        } else if let Some(e) = e.downcast_ref::<storyfold::output::Error>() {
            e.io_kind()
        } else if let Some(e) = e.downcast_ref::<storyfold::Error>() {
            e.io_kind()
        } else {
            e.downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
        };
        kind == Some(io::ErrorKind::BrokenPipe)
    })
}

/// End a tool's run: return on success, exit with status 0 when standard output is a pipe
/// closed early (`tool ... | head` stops quietly), else print the error and exit with status 1.
pub fn finish(tool: &str, result: Result<()>) {
    match result {
        Ok(()) => {}
        Err(err) if is_broken_pipe(&err) => std::process::exit(0),
        Err(err) => {
            note!("{tool}: error: {err:#}");
            std::process::exit(1);
        }
    }
}
