//! `storyfold pairs`: related article pairs of a corpus (copies, rewrites, same-story reports).
//!
//! The pipeline is the library's ([`storyfold::pipeline::pairs`]): candidates retrieved by
//! rare terms, names and numbers, and reused sentences, each verified by aligning the two
//! articles. This module maps the flags to its options and writes every pair whose relation
//! is at least `--min-relation` as one JSON line (and the candidates, with `--candidates`).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Result};
use serde::Serialize;
use storyfold::align::alignment::Relation;
use storyfold::align::retrieve::{RetrieveConfig, RetrieveStats};
use storyfold::pipeline::{self, PairsOptions, Stage, Threads};

use crate::common::{
    check_corpus_outputs, create_output, no_documents, round4, write_json_line, Bars, Finished,
    InputArgs, Out,
};

/// `--min-relation` values.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
#[value(rename_all = "snake_case")]
pub enum MinRelation {
    /// Only texts equal after normalization.
    Exact,
    /// Near-duplicates and exact copies.
    NearDuplicate,
    /// Rewrites, near-duplicates and copies.
    Rewrite,
    /// Everything related, including independent reports of the same story.
    SameStory,
}

impl MinRelation {
    fn relation(self) -> Relation {
        match self {
            MinRelation::Exact => Relation::Exact,
            MinRelation::NearDuplicate => Relation::NearDuplicate,
            MinRelation::Rewrite => Relation::Rewrite,
            MinRelation::SameStory => Relation::SameStory,
        }
    }
}

/// Arguments of `storyfold pairs`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub align: crate::common::AlignArgs,
    #[command(flatten)]
    pub input: InputArgs,
    /// Weakest relation written.
    #[arg(long, value_enum, default_value_t = MinRelation::Rewrite)]
    pub min_relation: MinRelation,
    /// Write the pairs here (JSONL; `-` or nothing: stdout).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Never pair two dated articles published more than this many days apart.
    #[arg(long, value_name = "DAYS")]
    pub window_days: Option<f64>,
    /// Candidates kept per article before verification.
    #[arg(long, default_value_t = RetrieveConfig::default().top_n)]
    pub top_n: usize,
    /// Rare terms (names, numbers, uncommon words) each article queries with.
    #[arg(long, default_value_t = RetrieveConfig::default().terms_per_doc)]
    pub terms_per_doc: usize,
    /// Terms found in more articles than this (or than 15% of them, at least 5) are not indexed.
    #[arg(long, default_value_t = RetrieveConfig::default().max_df)]
    pub max_df: usize,
    /// Least term score of a candidate: shared query-term weight / √(W(a)·W(b)), in [0, 1].
    #[arg(long, default_value_t = RetrieveConfig::default().min_term_score)]
    pub min_term_score: f64,
    /// Least number of query terms a candidate must share.
    #[arg(long, default_value_t = RetrieveConfig::default().min_shared_terms)]
    pub min_shared_terms: usize,
    /// Sentences with a shared sentence key that make a candidate on their own.
    #[arg(long, default_value_t = RetrieveConfig::default().min_shared_sentences)]
    pub min_shared_sentences: usize,
    /// Sentence keys found in more articles than this are ignored.
    #[arg(long, default_value_t = RetrieveConfig::default().sentence_max_df)]
    pub sentence_max_df: usize,
    /// Also write every candidate with its retrieval evidence and verified relation here (JSONL).
    #[arg(long, value_name = "PATH")]
    pub candidates: Option<PathBuf>,
    /// Only retrieve: write the candidates (to --candidates, or else to the output) without
    /// aligning them.
    #[arg(long)]
    pub no_verify: bool,
    /// Print the summary as JSON on stderr.
    #[arg(long)]
    pub json: bool,
}

/// One output line (field names are part of the documented format).
#[derive(Serialize)]
struct PairOut<'a> {
    a: &'a str,
    b: &'a str,
    relation: Relation,
    containment_a_in_b: f64,
    containment_b_in_a: f64,
    score: f64,
    disagreements: usize,
    /// Present (true) only when a limit on the aligner's work cut some of it short.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    truncated: bool,
}

/// One `--candidates` line.
#[derive(Serialize)]
struct CandidateOut<'a> {
    a: &'a str,
    b: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    relation: Option<Relation>,
    retrieval_score: f64,
    term_score: f64,
    shared_terms: usize,
    shared_sentences: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
}

/// Verified pairs per relation.
#[derive(Serialize, Default)]
struct ByRelation {
    exact: u64,
    near_duplicate: u64,
    rewrite: u64,
    same_story: u64,
    unrelated: u64,
}

impl ByRelation {
    fn add(&mut self, r: Relation) {
        match r {
            Relation::Exact => self.exact += 1,
            Relation::NearDuplicate => self.near_duplicate += 1,
            Relation::Rewrite => self.rewrite += 1,
            Relation::SameStory => self.same_story += 1,
            Relation::Unrelated => self.unrelated += 1,
        }
    }
}

#[derive(Serialize)]
struct Summary {
    read: u64,
    documents: usize,
    skipped: u64,
    /// Outlet template sentences found (per source) and sentences stripped as such.
    templates: usize,
    template_sentences_stripped: usize,
    candidates: usize,
    verified: ByRelation,
    written: u64,
    retrieval: RetrieveStats,
    retrieve_seconds: f64,
    verify_seconds: f64,
    seconds: f64,
    docs_per_second: f64,
}

fn config(args: &Args) -> Result<RetrieveConfig> {
    if let Some(w) = args.window_days {
        if !(w >= 0.0 && w.is_finite()) {
            bail!("--window-days must be a non-negative number, got {w}");
        }
    }
    if !(0.0..=1.0).contains(&args.min_term_score) {
        bail!(
            "--min-term-score must be in [0, 1], got {}",
            args.min_term_score
        );
    }
    if args.top_n == 0 || args.terms_per_doc == 0 {
        bail!("--top-n and --terms-per-doc must be at least 1");
    }
    Ok(RetrieveConfig {
        terms_per_doc: args.terms_per_doc,
        max_df: args.max_df,
        min_shared_terms: args.min_shared_terms,
        min_term_score: args.min_term_score,
        min_shared_sentences: args.min_shared_sentences,
        sentence_max_df: args.sentence_max_df,
        top_n: args.top_n,
        window_days: args.window_days,
        ..RetrieveConfig::default()
    })
}

/// Run `storyfold pairs` (on `threads` worker threads when given).
pub fn run(args: Args, threads: Option<Threads>) -> Result<()> {
    let cfg = config(&args)?;
    if args.input.inputs.is_empty() {
        bail!("no INPUT given (use `-` for stdin)");
    }
    check_corpus_outputs(
        &args.input,
        &args.align,
        &[
            Out::File("--output", args.output.as_deref()),
            Out::File("--candidates", args.candidates.as_deref()),
        ],
    )?;
    let start = Instant::now();
    let min = args.min_relation.relation();
    let aligner = args.align.aligner()?;
    let options = PairsOptions {
        retrieve: cfg,
        verify: !args.no_verify,
        threads,
    };
    let bars = Bars::new("pairs", false)
        .spinner(Stage::Read, "pairs: reading")
        .bar(Stage::Verify, "pairs: verifying");
    let found = pipeline::pairs(args.input.reader(), &options, &aligner, &bars)?;
    if found.documents() == 0 {
        bail!(
            "{}",
            no_documents(&args.input.engine_inputs(), found.read, &found.skipped)
        );
    }

    let candidates_path = match (&args.candidates, args.no_verify) {
        (Some(path), _) => Some(path.clone()),
        (None, true) => Some(args.output.clone().unwrap_or_else(|| "-".into())),
        (None, false) => None,
    };
    // Both outputs replace their previous files only once both are complete.
    let mut outputs = Finished::default();
    if let Some(path) = &candidates_path {
        let mut out = create_output(path)?;
        for p in found.verified() {
            let c = p.candidate;
            write_json_line(
                &mut out,
                &CandidateOut {
                    a: p.a,
                    b: p.b,
                    relation: p.alignment.map(|al| al.relation),
                    retrieval_score: round4(c.score),
                    term_score: round4(c.term_score),
                    shared_terms: c.shared_terms,
                    shared_sentences: c.shared_sentences,
                    score: p.alignment.map(|al| round4(al.shown_score())),
                },
            )?;
        }
        outputs.hold(out)?;
    }

    let mut by_relation = ByRelation::default();
    let mut written = 0u64;
    if !args.no_verify {
        let mut out = create_output(args.output.as_deref().unwrap_or("-".as_ref()))?;
        for al in found.verified().filter_map(|p| p.alignment) {
            by_relation.add(al.relation);
        }
        for p in found.related(min) {
            let Some(al) = p.alignment else { continue };
            write_json_line(
                &mut out,
                &PairOut {
                    a: p.a,
                    b: p.b,
                    relation: al.relation,
                    containment_a_in_b: round4(al.containment_a_in_b),
                    containment_b_in_a: round4(al.containment_b_in_a),
                    score: round4(al.shown_score()),
                    disagreements: al.disagreements.len(),
                    truncated: al.truncated,
                },
            )?;
            written += 1;
        }
        outputs.hold(out)?;
    }
    outputs.commit()?;

    let seconds = start.elapsed().as_secs_f64();
    let documents = found.documents();
    let summary = Summary {
        read: found.read,
        documents,
        skipped: found.read.saturating_sub(documents as u64),
        templates: found.templates,
        template_sentences_stripped: found.template_sentences_stripped,
        candidates: found.candidates().len(),
        verified: by_relation,
        written,
        retrieval: found.retrieval.clone(),
        retrieve_seconds: found.retrieve_seconds,
        verify_seconds: found.verify_seconds,
        seconds,
        docs_per_second: documents as f64 / seconds.max(1e-9),
    };
    if args.json {
        note!("{}", serde_json::to_string(&summary)?);
    } else {
        let v = &summary.verified;
        note!(
            "read {} records: {} documents, {} skipped; {} outlet template sentences stripped; \
             {} candidates verified: {} exact, {} near_duplicate, {} rewrite, {} same_story, {} unrelated; {} pairs written; \
             {:.2} s (retrieval {:.2} s, verification {:.2} s; {:.0} docs/s)",
            summary.read,
            summary.documents,
            summary.skipped,
            summary.template_sentences_stripped,
            summary.candidates,
            v.exact,
            v.near_duplicate,
            v.rewrite,
            v.same_story,
            v.unrelated,
            summary.written,
            summary.seconds,
            summary.retrieve_seconds,
            summary.verify_seconds,
            summary.docs_per_second
        );
    }
    if summary.skipped > 0 || !found.skipped.is_empty() {
        note!("{}", found.skipped);
    }
    Ok(())
}
