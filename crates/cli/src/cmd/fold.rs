//! `storyfold fold`: fold articles into stories, with origin, derivation and the story report.
//!
//! Three passes, so that memory holds compact features rather than texts:
//!
//! 1. **Read.** A reader thread parses the inputs and appends every text to a temporary
//!    [`Spool`] file; the main thread computes, chunk by chunk and in parallel, each article's
//!    raw terms (kept compactly in a [`TermTable`], which also counts document frequencies and
//!    blends them with the shipped background ones, `--background-weight`)
//!    and headline. What stays in memory per article: id, source, time, headline, the spool
//!    span and the compact terms.
//! 2. **Cluster.** Once the frequencies are complete, the compact terms become TF-IDF vectors
//!    and [`cluster_vectors`] folds them into stories.
//! 3. **Report.** Stories are built in parallel, in chunks of [`CHUNK`], and written in order:
//!    a single-article story from its metadata ([`report::singleton`]), a larger one from its
//!    members' texts read back from the spool ([`report::build`]: derivation, shared sentences,
//!    additions, disagreements). Then `id<TAB>story` assignments and a readable summary on
//!    stdout (on stderr when the stories go to stdout).

use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use storyfold::align::alignment::Aligner;
use storyfold::ingest::{Article, Location, Reader};
use storyfold::story::cluster::{cluster_vectors, parse_window, ClusterConfig};
use storyfold::story::derive::DeriveConfig;
use storyfold::story::features::{
    raw_terms, CompactTerms, FeatureConfig, Prior, TermTable, TermVector,
};
use storyfold::story::report::{self, headline_of, StoryReport};
use storyfold::story::spool::{Span, Spool, SpoolReader};

use crate::common::{
    check_corpus_outputs, create_output, no_documents, print_stdout, progress, write_json_line,
    Finished, InputArgs, Out,
};

/// Arguments of `storyfold fold`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub align: crate::common::AlignArgs,
    #[command(flatten)]
    pub input: InputArgs,
    /// Write the stories here, one JSON object per line (`-`: stdout, the summary then goes to stderr).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// A story closes for articles published this long after its last article: `12h`, `7d`, `2w`, or `0`/`none`.
    #[arg(long, default_value = "7d", value_parser = parse_window_arg)]
    pub window: WindowArg,
    /// Write `id<TAB>story` for every article (singletons included).
    #[arg(long)]
    pub assignments: Option<PathBuf>,
    /// Smallest similarity (average TF-IDF cosine with the members, minus the time penalty) to join a story.
    #[arg(long, default_value_t = ClusterConfig::default().join_threshold)]
    pub join_threshold: f64,
    /// Smallest average link between two stories to merge them in the refinement pass.
    #[arg(long, default_value_t = ClusterConfig::default().merge_threshold)]
    pub merge_threshold: f64,
    /// Weight, in virtual documents, of the shipped background document frequencies blended
    /// with the input's own counts (so that a small or one-topic input keeps meaningful term
    /// weights); 0 uses the input's counts only.
    #[arg(long, default_value_t = FeatureConfig::default().background_weight)]
    pub background_weight: f64,
    /// Skip the batch refinement pass (merge, reassign and split): a purely online clustering.
    #[arg(long)]
    pub no_refine: bool,
    /// Run the refinement only on inputs of at most this many articles (it is sequential and
    /// re-queries every story and member).
    #[arg(long, default_value_t = ClusterConfig::default().refine_max)]
    pub refine_max: usize,
    /// Derivation: stories of at most this many articles align every pair of members; larger
    /// ones align each member with its `--derive-candidates` most similar earlier members.
    #[arg(long, default_value_t = DeriveConfig::default().all_pairs_max)]
    pub derive_all_pairs_max: usize,
    /// Derivation: in stories larger than `--derive-all-pairs-max`, how many of the earlier
    /// members most similar to a member it is aligned with. Fewer is faster on very large
    /// stories; 0 compares each member with the story origin only.
    #[arg(long, default_value_t = DeriveConfig::default().candidates)]
    pub derive_candidates: usize,
    /// Stories listed in the summary (largest first).
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// Directory for the temporary file holding the article texts (default: the system's
    /// temporary directory, `TMPDIR`); it needs about the size of the texts.
    #[arg(long)]
    pub spool_dir: Option<PathBuf>,
    /// Print the time of each pass on stderr.
    #[arg(long)]
    pub timings: bool,
}

/// A parsed `--window`: seconds, or `None` for no window.
#[derive(Clone, Copy, Debug)]
pub struct WindowArg(pub Option<i64>);

pub fn parse_window_arg(s: &str) -> Result<WindowArg, String> {
    parse_window(s).map(WindowArg)
}

/// Stories built in parallel before being written (bounds the memory held by reports).
const CHUNK: usize = 512;
/// Articles read before their features are computed in parallel.
const READ_CHUNK: usize = 1024;

/// What stays in memory of an article between reading and reporting.
struct Meta {
    id: String,
    source: Option<String>,
    published: Option<DateTime<FixedOffset>>,
    headline: String,
    span: Span,
}

impl Meta {
    /// The article with its text read back from the spool. Its title is the headline, which is
    /// all the report uses a title for ([`report::headline`] of it is the headline again).
    fn article(&self, spool: &SpoolReader) -> Result<Article> {
        Ok(Article {
            title: Some(self.headline.clone()),
            text: spool
                .read(self.span)
                .context("cannot read the spooled text back")?,
            ..self.bare()
        })
    }

    /// The article without its text (for a single-article story).
    fn bare(&self) -> Article {
        Article {
            id: self.id.clone(),
            title: None,
            text: String::new(),
            published: self.published,
            source: self.source.clone(),
            url: None,
            lang: None,
            seq: 0,
            location: Location::file("spool"),
        }
    }
}

/// Build the report of one story from its members (indices into `metas`, in processing
/// order), reading their texts back from the spool.
fn story_report(
    number: usize,
    metas: &[Meta],
    members: &[usize],
    spool: &SpoolReader,
    aligner: &Aligner,
    derive: &DeriveConfig,
) -> Result<StoryReport> {
    if let [only] = members {
        let m = &metas[*only];
        return Ok(report::singleton(number, &m.bare(), &m.headline));
    }
    let articles: Vec<Article> = members
        .iter()
        .map(|&i| metas[i].article(spool))
        .collect::<Result<_>>()?;
    let local: Vec<usize> = (0..articles.len()).collect();
    Ok(report::build(number, &articles, &local, aligner, derive))
}

/// What the summary needs of one story.
struct Brief {
    story: usize,
    size: usize,
    title: String,
    origin: String,
    span: String,
    relations: Vec<(&'static str, usize)>,
}

impl Brief {
    fn of(r: &StoryReport) -> Self {
        let span = match (&r.first_published, &r.last_published) {
            (Some(f), Some(l)) if f == l => format!(" [{f}]"),
            (Some(f), Some(l)) => format!(" [{f} .. {l}]"),
            _ => String::new(),
        };
        Brief {
            story: r.story,
            size: r.size,
            title: r.title.clone(),
            origin: r.origin.clone(),
            span,
            relations: r.relations.iter().map(|(k, v)| (*k, *v)).collect(),
        }
    }
}

/// Run `storyfold fold`.
pub fn run(args: Args) -> Result<()> {
    if args.input.inputs.is_empty() {
        bail!("no INPUT given (use `-` for stdin)");
    }
    check_corpus_outputs(
        &args.input,
        &args.align,
        &[
            Out::File("--output", args.output.as_deref()),
            Out::File("--assignments", args.assignments.as_deref()),
        ],
    )?;
    if !(0.0..=1.0).contains(&args.join_threshold) || !(0.0..=1.0).contains(&args.merge_threshold) {
        bail!("--join-threshold and --merge-threshold must be in [0, 1]");
    }
    if !(args.background_weight.is_finite() && args.background_weight >= 0.0) {
        bail!("--background-weight must be a number of at least 0");
    }
    let cfg = ClusterConfig {
        window: args.window.0,
        join_threshold: args.join_threshold,
        merge_threshold: args.merge_threshold,
        refine: !args.no_refine,
        refine_max: args.refine_max,
        features: FeatureConfig {
            background_weight: args.background_weight,
            ..FeatureConfig::default()
        },
        ..ClusterConfig::default()
    };
    let start = Instant::now();
    let mut lap = Instant::now();
    let mut timing = |what: &str| {
        if args.timings {
            note!("fold: {what} in {:.2} s", lap.elapsed().as_secs_f64());
        }
        lap = Instant::now();
    };

    // 1. Read: spool the texts (reader thread), compact terms and headlines (main thread).
    let spool = Spool::new(args.spool_dir.as_deref()).context("cannot create the spool file")?;
    let (tx, rx) = sync_channel::<Result<Vec<(Article, Span)>>>(4);
    let mut reader = Reader::open(args.input.engine_inputs(), args.input.read_options());
    let reading = std::thread::spawn(move || {
        let mut spool = spool;
        let mut chunk = Vec::with_capacity(READ_CHUNK);
        for item in reader.by_ref() {
            let spooled = item.map_err(anyhow::Error::from).and_then(|a| {
                let span = spool.push(&a.text).context("cannot write the spool file")?;
                Ok((a, span))
            });
            match spooled {
                Ok(x) => chunk.push(x),
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return None;
                }
            }
            if chunk.len() == READ_CHUNK && tx.send(Ok(std::mem::take(&mut chunk))).is_err() {
                return None;
            }
        }
        if !chunk.is_empty() {
            let _ = tx.send(Ok(chunk));
        }
        Some((spool, reader.read_count(), reader.skipped().clone()))
    });
    let bar = progress("reading");
    let mut table = TermTable::with_prior(Prior::shipped(cfg.features.background_weight));
    let mut metas: Vec<Meta> = Vec::new();
    let mut compact: Vec<CompactTerms> = Vec::new();
    // Features of chunk k+1 (on the pool) overlap the term-table inserts of chunk k (in
    // input order, on this thread).
    let features_of = |chunk: Vec<(Article, Span)>| {
        let features: Vec<_> = chunk
            .par_iter()
            .map(|(a, _)| {
                (
                    raw_terms(a.title.as_deref(), &a.text, &cfg.features),
                    headline_of(a.title.as_deref(), &a.text),
                )
            })
            .collect();
        (chunk, features)
    };
    let mut insert = |(chunk, features): (Vec<(Article, Span)>, Vec<_>)| {
        for ((a, span), (raw, headline)) in chunk.into_iter().zip(features) {
            compact.push(table.add(&raw));
            metas.push(Meta {
                id: a.id,
                source: a.source,
                published: a.published,
                headline,
                span,
            });
        }
        bar.set_position(metas.len() as u64);
    };
    let mut pending = None;
    for chunk in rx {
        let chunk = chunk?;
        let (done, ()) = rayon::join(
            || features_of(chunk),
            || {
                if let Some(p) = pending.take() {
                    insert(p);
                }
            },
        );
        pending = Some(done);
    }
    if let Some(p) = pending {
        insert(p);
    }
    bar.finish_and_clear();
    let Some((spool, read, skipped)) = reading
        .join()
        .map_err(|_| anyhow::anyhow!("the reader thread panicked"))?
    else {
        bail!("reading stopped early");
    };
    if metas.is_empty() {
        bail!(
            "{}",
            no_documents(&args.input.engine_inputs(), read, &skipped)
        );
    }
    if args.assignments.is_some() {
        // Checked before anything is written: the TSV cannot hold such an id.
        if let Some(m) = metas.iter().find(|m| m.id.contains(['\t', '\n', '\r'])) {
            bail!(
                "id {:?} holds a tab or a line break, which the TSV of --assignments cannot \
                 hold; nothing was written",
                m.id
            );
        }
    }
    let spool = spool.finish().context("cannot flush the spool file")?;
    timing(&format!(
        "read {} articles ({} terms)",
        metas.len(),
        table.terms()
    ));

    // 2. Cluster.
    let vectors: Vec<TermVector> = compact
        .into_par_iter()
        .map(|c| table.weigh(&c, &cfg.features))
        .collect();
    drop(table);
    let published: Vec<Option<i64>> = metas
        .iter()
        .map(|m| m.published.map(|d| d.timestamp()))
        .collect();
    timing("weighed");
    let story_of = cluster_vectors(vectors, &published, &cfg);
    let (order, _) = storyfold::story::cluster::processing_order_of(&published);
    let n_stories = story_of.iter().map(|&s| s + 1).max().unwrap_or(0);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_stories];
    for &i in &order {
        members[story_of[i]].push(i);
    }
    timing(&format!("clustered into {n_stories} stories"));

    // 3. Report.
    let to_stdout = args.output.as_deref().is_some_and(|p| p.as_os_str() == "-");
    let mut out = match &args.output {
        Some(path) => Some(create_output(path)?),
        None => None,
    };
    let aligner = args.align.aligner()?;
    let derive = DeriveConfig {
        all_pairs_max: args.derive_all_pairs_max,
        candidates: args.derive_candidates,
    };
    let bar = progress("deriving stories");
    let mut briefs = Vec::new();
    let mut truncated = 0usize;
    let write = out.is_some();
    for (c, chunk) in members.chunks(CHUNK).enumerate() {
        // Largest stories first, so that no large story starts last and leaves the other
        // workers idle at the end of the chunk; each worker also serializes its reports.
        let mut by_size: Vec<usize> = (0..chunk.len()).collect();
        by_size.sort_by_key(|&k| (std::cmp::Reverse(chunk[k].len()), k));
        let mut done: Vec<(usize, Vec<u8>, Option<Brief>, bool)> = by_size
            .par_iter()
            .map(|&k| {
                let number = c * CHUNK + k + 1;
                let r = story_report(number, &metas, &chunk[k], &spool, &aligner, &derive)?;
                let mut line = Vec::new();
                if write {
                    write_json_line(&mut line, &r)?;
                }
                Ok((k, line, (r.size > 1).then(|| Brief::of(&r)), r.truncated))
            })
            .collect::<Result<_>>()?;
        done.sort_unstable_by_key(|x| x.0);
        for (_, line, brief, cut) in done {
            if let Some(out) = out.as_mut() {
                out.write_all(&line)?;
            }
            briefs.extend(brief);
            truncated += usize::from(cut);
        }
        bar.set_position(((c + 1) * CHUNK).min(members.len()) as u64);
    }
    bar.finish_and_clear();
    let mut outputs = Finished::default();
    if let Some(out) = out {
        outputs.hold(out)?;
    }
    if let Some(path) = &args.assignments {
        let mut out = create_output(path)?;
        for (m, &s) in metas.iter().zip(&story_of) {
            writeln!(out, "{}\t{}", m.id, s + 1)?;
        }
        outputs.hold(out)?;
    }
    // Both outputs are complete: only now do they replace the previous files.
    outputs.commit()?;
    timing("reported");

    let seconds = start.elapsed().as_secs_f64();
    let summary = summary(metas.len(), &members, briefs, args.top, read, seconds);
    if to_stdout {
        note!("{}", summary.trim_end());
    } else {
        print_stdout(&summary)?;
    }
    if !skipped.is_empty() {
        note!("{skipped}");
    }
    if truncated > 0 {
        note!(
            "note: {truncated} stories hold articles too long or too repetitive to align in full: \
             the aligner's work limits cut some of it short (\"truncated\": true in their \
             reports; see docs/reliability.md)"
        );
    }
    Ok(())
}

/// The readable summary: counts, then the largest stories with their origin and the number of
/// members per relation.
fn summary(
    articles: usize,
    members: &[Vec<usize>],
    mut briefs: Vec<Brief>,
    top: usize,
    read: u64,
    seconds: f64,
) -> String {
    let multi = members.iter().filter(|m| m.len() > 1).count();
    let in_multi: usize = members.iter().filter(|m| m.len() > 1).map(Vec::len).sum();
    let mut s = format!(
        "{} articles ({} records read) in {} stories: {} with two or more articles ({} articles), {} singletons; {:.2} s\n",
        articles,
        read,
        members.len(),
        multi,
        in_multi,
        members.len() - multi,
        seconds
    );
    briefs.sort_by_key(|b| (std::cmp::Reverse(b.size), b.story));
    for b in briefs.iter().take(top) {
        let counts: Vec<String> = b
            .relations
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        s.push_str(&format!(
            "  story {:>5}  {:>4} articles{}  {}\n               origin {}; {}\n",
            b.story,
            b.size,
            b.span,
            b.title,
            b.origin,
            counts.join(", ")
        ));
    }
    if briefs.len() > top {
        s.push_str(&format!(
            "  ... {} more stories with two or more articles\n",
            briefs.len() - top
        ));
    }
    s
}
