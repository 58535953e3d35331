//! `storyfold add`: fold articles into a persistent story index (one SQLite file), so that the
//! next day's articles join yesterday's stories and stories keep their ids.
//!
//! Articles are read in order and inserted in batches of `--batch` (each batch is one
//! transaction: a batch is stored entirely or not at all, so `kill -9` loses at most the
//! batch in flight). After each batch the online refinement runs on the stories it touched,
//! so the stories can depend on `--batch`. One JSON line per article goes to stdout (or
//! `-o`): `{"id", "story", "new_story", "relation", "duplicate_of", "derived_from",
//! "similarity"}`; a summary goes to stderr.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use storyfold::ingest::{Article, Reader};
use storyfold::{Durability, Relation, StoryId, StoryIndex};

use crate::cmd::fold::WindowArg;
use crate::common::{check_outputs, create_output, write_json_line, InputArgs, Out, Output};

/// Where the index is, and the settings of a new one.
#[derive(clap::Args, Debug, Clone)]
pub struct DbArgs {
    /// The index file (SQLite); `add` creates it when missing.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
}

/// Arguments of `storyfold add`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub input: InputArgs,
    /// Write the placements here, one JSON object per line (default: stdout).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Articles per transaction (and per refinement).
    #[arg(long, default_value_t = 1000)]
    pub batch: usize,
    /// Skip (and count) articles whose id is already in the index, instead of stopping.
    #[arg(long)]
    pub skip_existing: bool,
    /// A story closes for articles published this long after its last article (`12h`, `7d`,
    /// `none`); stored in a new index (default 7d).
    #[arg(long, value_parser = crate::cmd::fold::parse_window_arg)]
    pub window: Option<WindowArg>,
    /// Smallest similarity to join a story; stored in a new index (default 0.2).
    #[arg(long)]
    pub join_threshold: Option<f64>,
    /// Smallest average link to merge two stories in the refinement (default 0.12).
    #[arg(long)]
    pub merge_threshold: Option<f64>,
    /// Jaccard similarity at or above which an article is a near duplicate (default 0.8).
    #[arg(long)]
    pub dedup_threshold: Option<f64>,
    /// Replace the settings stored in the index by those given (otherwise different settings
    /// are an error).
    #[arg(long)]
    pub reconfigure: bool,
    /// Do not run the refinement after each batch.
    #[arg(long)]
    pub no_refine: bool,
    /// Make each commit survive a power loss too (`synchronous=FULL`; slower).
    #[arg(long)]
    pub durable: bool,
    /// Add the evidence of each placement (compared article, scores, matched sentences).
    #[arg(long)]
    pub evidence: bool,
}

/// Open the index of `db` with the settings given on the command line.
pub fn open(db: &Path, args: Option<&Args>, create: bool) -> Result<StoryIndex> {
    let mut b = StoryIndex::builder().create(create);
    if let Some(a) = args {
        if a.window.is_some() || a.join_threshold.is_some() || a.merge_threshold.is_some() {
            // Start from what the index holds, so that one flag changes one setting.
            let current = if db.exists() {
                Some(
                    StoryIndex::builder()
                        .create(false)
                        .open(db)
                        .with_context(|| format!("cannot open {}", db.display()))?
                        .cluster_config()
                        .clone(),
                )
            } else {
                None
            };
            let mut cfg = current.unwrap_or_default();
            if let Some(w) = a.window {
                cfg.window = w.0;
            }
            if let Some(x) = a.join_threshold {
                cfg.join_threshold = x;
            }
            if let Some(x) = a.merge_threshold {
                cfg.merge_threshold = x;
            }
            b = b.cluster(cfg);
        }
        if let Some(t) = a.dedup_threshold {
            b = b.dedup(storyfold::DedupConfig {
                threshold: t,
                ..storyfold::DedupConfig::default()
            });
        }
        b = b.reconfigure(a.reconfigure);
        if a.durable {
            b = b.durability(Durability::Full);
        }
    }
    b.open(db)
        .with_context(|| format!("cannot open the index {}", db.display()))
}

/// Running totals of an `add`.
#[derive(Default)]
struct Totals {
    added: u64,
    batches: u64,
    new_stories: HashSet<StoryId>,
    updated: HashSet<StoryId>,
    duplicates: u64,
    skipped: u64,
    events: u64,
    /// Articles the index refused (`--skip-invalid`): `location: why`.
    invalid: Vec<String>,
}

/// Run `storyfold add`.
pub fn run(args: Args) -> Result<()> {
    if args.input.inputs.is_empty() {
        bail!("no INPUT given (use `-` for stdin)");
    }
    if args.batch == 0 {
        bail!("--batch must be at least 1");
    }
    // The index file is written too: no input, output or standard output may be it.
    check_outputs(
        &args.input.engine_inputs(),
        &[
            Out::File("--output", args.output.as_deref()),
            Out::File("--db", Some(&args.db.db)),
        ],
    )?;
    let start = Instant::now();
    let index = open(&args.db.db, Some(&args), true)?;
    let mut out = create_output(args.output.as_deref().unwrap_or(Path::new("-")))?;
    let mut reader = Reader::open(args.input.engine_inputs(), args.input.read_options());
    let mut totals = Totals::default();
    let mut batch: Vec<Article> = Vec::with_capacity(args.batch);
    loop {
        let next = reader.next();
        let done = next.is_none();
        if let Some(item) = next {
            let article = item?;
            if index.contains(&article.id)? {
                if args.skip_existing {
                    totals.skipped += 1;
                    continue;
                }
                bail!(
                    "{}: article `{}` is already in the index {} (use --skip-existing to skip such articles)",
                    article.location,
                    article.id,
                    args.db.db.display()
                );
            }
            batch.push(article);
        }
        if batch.len() >= args.batch || (done && !batch.is_empty()) {
            commit(&index, &mut batch, &mut out, &args, &mut totals)?;
        }
        if done {
            break;
        }
    }
    out.commit()?;
    index.close()?;
    let secs = start.elapsed().as_secs_f64();
    note!(
        "added {} articles in {} batches: {} new stories, {} updated stories, {} duplicates suppressed, {} skipped (already indexed), {} refinement events; {:.2} s ({:.0} articles/s)",
        totals.added,
        totals.batches,
        totals.new_stories.len(),
        totals.updated.difference(&totals.new_stories).count(),
        totals.duplicates,
        totals.skipped,
        totals.events,
        secs,
        totals.added as f64 / secs.max(1e-9)
    );
    if !totals.invalid.is_empty() {
        note!(
            "skipped {} article(s) the index cannot hold:",
            totals.invalid.len()
        );
        for line in totals.invalid.iter().take(10) {
            note!("  {line}");
        }
    }
    if !reader.skipped().is_empty() {
        note!("{}", reader.skipped());
    }
    Ok(())
}

/// Insert one batch, write its lines, refine.
fn commit(
    index: &StoryIndex,
    batch: &mut Vec<Article>,
    out: &mut Output,
    args: &Args,
    totals: &mut Totals,
) -> Result<()> {
    let mut articles = std::mem::take(batch);
    let placements = loop {
        // A batch is stored whole or not at all: an article the index refuses (a text with no
        // words once normalized, say) leaves nothing stored, and the batch is tried again
        // without it when such articles are skipped.
        let again = args.input.read.skip_invalid.then(|| articles.clone());
        let locations: HashMap<String, String> = articles
            .iter()
            .map(|a| (a.id.clone(), a.location.to_string()))
            .collect();
        let first = articles.first().map(|a| a.location.to_string());
        match index.insert_batch(articles) {
            Ok(p) => break p,
            Err(storyfold::Error::Invalid { id, message }) => {
                let location = locations.get(&id).cloned().unwrap_or_default();
                let Some(mut rest) = again else {
                    bail!(
                        "{location}: article `{id}` cannot be indexed: {message} \
                         (use --skip-invalid to skip and count such articles)"
                    );
                };
                rest.retain(|a| a.id != id);
                totals
                    .invalid
                    .push(format!("{location}: article `{id}`: {message}"));
                if rest.is_empty() {
                    return Ok(());
                }
                articles = rest;
            }
            Err(e) => {
                return Err(e).with_context(|| {
                    format!(
                        "cannot add the batch starting at {}",
                        first.unwrap_or_default()
                    )
                })
            }
        }
    };
    totals.batches += 1;
    for p in &placements {
        write_json_line(out, &p.line(args.evidence))?;
        totals.added += 1;
        match p.relation {
            Relation::NewStory => {
                totals.new_stories.insert(p.story);
            }
            Relation::Exact | Relation::NearDuplicate => {
                totals.duplicates += 1;
                totals.updated.insert(p.story);
            }
            _ => {
                totals.updated.insert(p.story);
            }
        }
    }
    out.flush()?;
    if !args.no_refine {
        totals.events += index.refine()?.len() as u64;
    }
    Ok(())
}
