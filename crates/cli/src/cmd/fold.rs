//! `storyfold fold`: fold articles into stories, with origin, derivation and the story report.
//!
//! Reads the whole input, clusters it with [`storyfold::story::cluster::cluster_articles`],
//! derives each story ([`storyfold::story::derive`]: families, origins, `derived_from`) and
//! writes one JSON object per story ([`storyfold::story::report::StoryReport`], built by
//! [`story_json`]; stories are built in parallel, in chunks, and written in order),
//! `id<TAB>story` assignments and a readable summary on stdout (on stderr when the stories go
//! to stdout).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Result};
use rayon::prelude::*;
use storyfold::align::alignment::Aligner;
use storyfold::align::similarity::Idf;
use storyfold::ingest::{Article, Reader};
use storyfold::story::cluster::{cluster_articles, parse_window, ClusterConfig};
use storyfold::story::derive::DeriveConfig;
use storyfold::story::report::{self, StoryReport};

use crate::common::{create_output, progress, write_json_line, InputArgs};

/// Arguments of `storyfold fold`.
#[derive(clap::Args, Debug)]
pub struct Args {
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
    /// Skip the batch refinement pass (merge, reassign and split): a purely online clustering.
    #[arg(long)]
    pub no_refine: bool,
    /// Stories listed in the summary (largest first).
    #[arg(long, default_value_t = 20)]
    pub top: usize,
}

/// A parsed `--window`: seconds, or `None` for no window.
#[derive(Clone, Copy, Debug)]
pub struct WindowArg(pub Option<i64>);

fn parse_window_arg(s: &str) -> Result<WindowArg, String> {
    parse_window(s).map(WindowArg)
}

/// Stories built in parallel before being written (bounds the memory held by reports).
const CHUNK: usize = 512;

/// Build the report of one story from its members (article indices in processing order):
/// title, span, members with relation, `derived_from`, family and similarity, shared sentences,
/// additions and disagreements (see [`storyfold::story::report`]).
pub fn story_json(
    number: usize,
    articles: &[Article],
    members: &[usize],
    aligner: &Aligner,
) -> StoryReport {
    report::build(number, articles, members, aligner, &DeriveConfig::default())
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
    if !(0.0..=1.0).contains(&args.join_threshold) || !(0.0..=1.0).contains(&args.merge_threshold) {
        bail!("--join-threshold and --merge-threshold must be in [0, 1]");
    }
    let start = Instant::now();
    let bar = progress("reading");
    let mut reader = Reader::open(args.input.engine_inputs(), args.input.read_options());
    let mut articles = Vec::new();
    for item in reader.by_ref() {
        articles.push(item?);
        if articles.len() % 1024 == 0 {
            bar.set_position(articles.len() as u64);
        }
    }
    bar.finish_and_clear();
    let read = reader.read_count();
    let skipped = reader.skipped().clone();

    let cfg = ClusterConfig {
        window: args.window.0,
        join_threshold: args.join_threshold,
        merge_threshold: args.merge_threshold,
        refine: !args.no_refine,
        ..ClusterConfig::default()
    };
    let story_of = cluster_articles(&articles, &cfg);
    let (order, _) = storyfold::story::cluster::processing_order(&articles);
    let n_stories = story_of.iter().map(|&s| s + 1).max().unwrap_or(0);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_stories];
    for &i in &order {
        members[story_of[i]].push(i);
    }

    let to_stdout = args.output.as_deref().is_some_and(|p| p.as_os_str() == "-");
    let mut out = match &args.output {
        Some(path) => Some(create_output(path)?),
        None => None,
    };
    let aligner = Aligner::new(Idf::builtin());
    let bar = progress("deriving stories");
    let mut briefs = Vec::new();
    for (c, chunk) in members.chunks(CHUNK).enumerate() {
        let reports: Vec<StoryReport> = chunk
            .par_iter()
            .enumerate()
            .map(|(k, m)| story_json(c * CHUNK + k + 1, &articles, m, &aligner))
            .collect();
        for r in &reports {
            if let Some(out) = out.as_mut() {
                write_json_line(out, r)?;
            }
            if r.size > 1 {
                briefs.push(Brief::of(r));
            }
        }
        bar.set_position(((c + 1) * CHUNK).min(members.len()) as u64);
    }
    bar.finish_and_clear();
    if let Some(mut out) = out {
        out.flush()?;
    }
    if let Some(path) = &args.assignments {
        let mut out = create_output(path)?;
        for (a, &s) in articles.iter().zip(&story_of) {
            writeln!(out, "{}\t{}", a.id, s + 1)?;
        }
        out.flush()?;
    }

    let seconds = start.elapsed().as_secs_f64();
    let summary = summary(&articles, &members, briefs, args.top, read, seconds);
    if to_stdout {
        eprint!("{summary}");
    } else {
        print!("{summary}");
    }
    if !skipped.is_empty() {
        eprintln!("{skipped}");
    }
    Ok(())
}

/// The readable summary: counts, then the largest stories with their origin and the number of
/// members per relation.
fn summary(
    articles: &[Article],
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
        articles.len(),
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
