//! `storyfold fold`: fold articles into stories, with origin, derivation and the story report.
//!
//! The pipeline is the library's ([`storyfold::pipeline::fold`]): reading with the texts
//! spooled to a temporary file, clustering, and the story reports built in parallel. This
//! module maps the flags to its options, writes the stories (JSON lines) and the
//! `id<TAB>story` assignments, then a readable summary on stdout (on stderr when the stories
//! go to stdout).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Result};
use storyfold::pipeline::{self, FoldOptions, JsonLines, StoryBrief, Threads};
use storyfold::story::cluster::{parse_window, ClusterConfig};
use storyfold::story::derive::DeriveConfig;
use storyfold::story::features::FeatureConfig;

use crate::common::{
    check_corpus_outputs, create_output, no_documents, print_stdout, Bars, Finished, InputArgs, Out,
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

/// Run `storyfold fold` (on `threads` worker threads when given).
pub fn run(args: Args, threads: Option<Threads>) -> Result<()> {
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
    let options = FoldOptions {
        cluster: ClusterConfig {
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
        },
        derive: DeriveConfig {
            all_pairs_max: args.derive_all_pairs_max,
            candidates: args.derive_candidates,
        },
        spool_dir: args.spool_dir.clone(),
        threads,
    };
    let start = Instant::now();
    let bars = Bars::new("fold", args.timings);

    let spooled = pipeline::fold::read(args.input.reader(), &options, &bars)?;
    if spooled.is_empty() {
        bail!(
            "{}",
            no_documents(
                &args.input.engine_inputs(),
                spooled.read_count(),
                spooled.skipped()
            )
        );
    }
    if args.assignments.is_some() {
        // Checked before anything is written: the TSV cannot hold such an id.
        if let Some(id) = spooled.ids().find(|id| id.contains(['\t', '\n', '\r'])) {
            bail!(
                "id {id:?} holds a tab or a line break, which the TSV of --assignments cannot \
                 hold; nothing was written"
            );
        }
    }

    let to_stdout = args.output.as_deref().is_some_and(|p| p.as_os_str() == "-");
    let mut out = match &args.output {
        Some(path) => Some(JsonLines(create_output(path)?)),
        None => None,
    };
    let aligner = args.align.aligner()?;
    let folded = spooled.fold(&aligner, &mut out, &bars)?;
    let mut outputs = Finished::default();
    if let Some(JsonLines(out)) = out {
        outputs.hold(out)?;
    }
    if let Some(path) = &args.assignments {
        let mut out = create_output(path)?;
        for (id, story) in &folded.assignments {
            writeln!(out, "{id}\t{story}")?;
        }
        outputs.hold(out)?;
    }
    // Both outputs are complete: only now do they replace the previous files.
    outputs.commit()?;

    let seconds = start.elapsed().as_secs_f64();
    let summary = summary(
        folded.assignments.len(),
        &folded.sizes,
        folded.briefs,
        args.top,
        folded.read,
        seconds,
    );
    if to_stdout {
        note!("{}", summary.trim_end());
    } else {
        print_stdout(&summary)?;
    }
    if !folded.skipped.is_empty() {
        note!("{}", folded.skipped);
    }
    if folded.truncated > 0 {
        note!(
            "note: {} stories hold articles too long or too repetitive to align in full: \
             the aligner's work limits cut some of it short (\"truncated\": true in their \
             reports; see docs/reliability.md)",
            folded.truncated
        );
    }
    Ok(())
}

/// The readable summary: counts, then the largest stories with their origin and the number of
/// members per relation.
fn summary(
    articles: usize,
    sizes: &[usize],
    mut briefs: Vec<StoryBrief>,
    top: usize,
    read: u64,
    seconds: f64,
) -> String {
    let multi = sizes.iter().filter(|&&n| n > 1).count();
    let in_multi: usize = sizes.iter().filter(|&&n| n > 1).sum();
    let mut s = format!(
        "{} articles ({} records read) in {} stories: {} with two or more articles ({} articles), {} singletons; {:.2} s\n",
        articles,
        read,
        sizes.len(),
        multi,
        in_multi,
        sizes.len() - multi,
        seconds
    );
    briefs.sort_by_key(|b| (std::cmp::Reverse(b.size), b.story));
    for b in briefs.iter().take(top) {
        let counts: Vec<String> = b
            .relations
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        let span = match (&b.first_published, &b.last_published) {
            (Some(f), Some(l)) if f == l => format!(" [{f}]"),
            (Some(f), Some(l)) => format!(" [{f} .. {l}]"),
            _ => String::new(),
        };
        s.push_str(&format!(
            "  story {:>5}  {:>4} articles{}  {}\n               origin {}; {}\n",
            b.story,
            b.size,
            span,
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
