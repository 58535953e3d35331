//! `storyfold fold`: fold articles into stories (preliminary: clustering only).
//!
//! Reads the whole input, clusters it with [`storyfold::story::cluster::cluster_articles`]
//! and writes one JSON object per story (built by [`story_json`]), `id<TAB>story` assignments
//! and a readable summary on stdout (on stderr when the stories go to stdout).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Result};
use serde::Serialize;
use storyfold::ingest::{Article, Reader};
use storyfold::story::cluster::{cluster_articles, parse_window, ClusterConfig};

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

/// A story as written to the output (field names are part of the documented format).
#[derive(Serialize)]
pub struct StoryOut<'a> {
    /// 1-based story number, in order of first article (processing order).
    pub story: usize,
    /// Headline of the earliest member, or its first sentence.
    pub title: String,
    /// Number of members.
    pub size: usize,
    /// Earliest publication time of a member (RFC 3339), null when none is dated.
    pub first_published: Option<String>,
    /// Latest publication time of a member (RFC 3339), null when none is dated.
    pub last_published: Option<String>,
    /// Members in processing order.
    pub members: Vec<MemberOut<'a>>,
}

/// A member of a story.
#[derive(Serialize)]
pub struct MemberOut<'a> {
    /// Article id.
    pub id: &'a str,
    /// Publisher, null when unknown.
    pub source: Option<&'a str>,
    /// Publication time (RFC 3339), null when unknown.
    pub published: Option<String>,
}

/// The headline of an article, or its first sentence (at most 200 characters).
fn headline(a: &Article) -> String {
    if let Some(t) = a.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        return t.to_string();
    }
    let text = a.text.trim();
    let first = storyfold::text::sentences(text)
        .first()
        .map(|r| &text[r.clone()])
        .unwrap_or(text);
    let mut s: String = first.chars().take(200).collect();
    if first.chars().count() > 200 {
        s.push('…');
    }
    s
}

/// Build the JSON of one story from its members (article indices in processing order).
/// Later stages (derivation, origin, disagreements) extend this one function.
pub fn story_json<'a>(number: usize, articles: &'a [Article], members: &[usize]) -> StoryOut<'a> {
    let dates = members.iter().filter_map(|&i| articles[i].published);
    let first = dates.clone().min();
    let last = dates.max();
    // The earliest member: the first dated one in time, else the first in processing order.
    let earliest = members
        .iter()
        .copied()
        .filter(|&i| articles[i].published.is_some())
        .min_by_key(|&i| articles[i].published)
        .or_else(|| members.first().copied());
    StoryOut {
        story: number,
        title: earliest.map(|i| headline(&articles[i])).unwrap_or_default(),
        size: members.len(),
        first_published: first.map(|d| d.to_rfc3339()),
        last_published: last.map(|d| d.to_rfc3339()),
        members: members
            .iter()
            .map(|&i| {
                let a = &articles[i];
                MemberOut {
                    id: &a.id,
                    source: a.source.as_deref(),
                    published: a.published.map(|d| d.to_rfc3339()),
                }
            })
            .collect(),
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
    if let Some(path) = &args.output {
        let mut out = create_output(path)?;
        for (n, m) in members.iter().enumerate() {
            write_json_line(&mut out, &story_json(n + 1, &articles, m))?;
        }
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
    let summary = summary(&articles, &members, args.top, read, seconds);
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

/// The readable summary: counts, then the largest stories.
fn summary(
    articles: &[Article],
    members: &[Vec<usize>],
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
    let mut by_size: Vec<usize> = (0..members.len())
        .filter(|&n| members[n].len() > 1)
        .collect();
    by_size.sort_by_key(|&n| (std::cmp::Reverse(members[n].len()), n));
    for &n in by_size.iter().take(top) {
        let st = story_json(n + 1, articles, &members[n]);
        let span = match (&st.first_published, &st.last_published) {
            (Some(f), Some(l)) if f == l => format!(" [{f}]"),
            (Some(f), Some(l)) => format!(" [{f} .. {l}]"),
            _ => String::new(),
        };
        s.push_str(&format!(
            "  story {:>5}  {:>4} articles{}  {}\n",
            st.story, st.size, span, st.title
        ));
    }
    if by_size.len() > top {
        s.push_str(&format!(
            "  ... {} more stories with two or more articles\n",
            by_size.len() - top
        ));
    }
    s
}
