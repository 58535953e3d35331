//! `storyfold dedup`: near-duplicate groups, verified pairs and a deduplicated corpus.
//!
//! The pipeline is the library's ([`storyfold::pipeline::dedup`]: reading, fingerprinting in
//! parallel, the deduplicator); this module maps the flags to its options and writes the
//! groups, the pairs and the kept records.

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Result};
use serde::Serialize;
use storyfold::dedup::{DedupConfig, Relation, VsExactReport};
use storyfold::fingerprint::FingerprintConfig;
use storyfold::index::lsh::LshParams;
use storyfold::ingest::{self, Input, KeepError, KeepTarget, Reader};
use storyfold::output::OutputDir;
use storyfold::pipeline::{self, DedupOptions, Stage, Threads};

use crate::common::{
    check_outputs, create_output, no_documents, round4, write_json_line, Bars, Finished, InputArgs,
    Out, Output,
};

/// Arguments of `storyfold dedup`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// Jaccard similarity (of word-shingle sets) at or above which documents are near-duplicates.
    #[arg(long, default_value_t = 0.8)]
    pub threshold: f64,
    /// Words per shingle.
    #[arg(long, default_value_t = 5)]
    pub ngram: usize,
    /// MinHash permutations (signature length).
    #[arg(long, default_value_t = 128)]
    pub num_perm: usize,
    /// Seed of the MinHash permutations.
    #[arg(long, default_value_t = FingerprintConfig::default().seed)]
    pub seed: u64,
    /// LSH bands (with --rows; default: derived from the threshold).
    #[arg(long, requires = "rows")]
    pub bands: Option<usize>,
    /// LSH rows per band (with --bands).
    #[arg(long, requires = "bands")]
    pub rows: Option<usize>,
    /// Verify candidates with the exact Jaccard of shingle sets (keeps the sets in memory).
    #[arg(long)]
    pub exact: bool,
    /// Fingerprint the title together with the text (default: the text alone, so that copies
    /// republished under another headline stay exact duplicates).
    #[arg(long)]
    pub title: bool,
    /// Write the groups here (JSONL; `-` or nothing: stdout).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Write the input records of representatives and singletons here, unchanged (a directory for .txt inputs).
    #[arg(long)]
    pub keep: Option<PathBuf>,
    /// Write every verified pair here (JSONL).
    #[arg(long)]
    pub pairs: Option<PathBuf>,
    /// Print the LSH banding and its detection probabilities (and stop when no input is given).
    #[arg(long)]
    pub explain_params: bool,
    /// Measure recall and precision against brute-force exact Jaccard on the first N documents, instead of deduplicating.
    #[arg(long, value_name = "N")]
    pub vs_exact: Option<usize>,
    /// Print the summary (or the --vs-exact report) as JSON on stderr/stdout.
    #[arg(long)]
    pub json: bool,
}

/// A group as written to the output (field names are part of the documented format).
#[derive(Serialize)]
struct GroupOut<'a> {
    group: usize,
    representative: &'a str,
    size: usize,
    members: Vec<MemberOut<'a>>,
}

#[derive(Serialize)]
struct MemberOut<'a> {
    id: &'a str,
    similarity: f64,
    relation: Relation,
}

#[derive(Serialize)]
struct PairOut<'a> {
    a: &'a str,
    b: &'a str,
    estimated_jaccard: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    exact_jaccard: Option<f64>,
    relation: Relation,
}

#[derive(Serialize)]
struct Summary {
    read: u64,
    documents: u64,
    skipped: u64,
    groups: usize,
    removed: usize,
    kept: u64,
    candidates: u64,
    verified_pairs: u64,
    exact_links: u64,
    bands: usize,
    rows: usize,
    seconds: f64,
    docs_per_second: f64,
}

fn config(args: &Args) -> Result<DedupConfig> {
    if !(args.threshold > 0.0 && args.threshold <= 1.0) {
        bail!("--threshold must be in (0, 1], got {}", args.threshold);
    }
    if args.ngram == 0 || args.num_perm == 0 {
        bail!("--ngram and --num-perm must be at least 1");
    }
    let lsh = match (args.bands, args.rows) {
        (Some(bands), Some(rows)) => {
            if bands == 0 || rows == 0 || bands * rows > args.num_perm {
                bail!(
                    "--bands x --rows must be between 1 and --num-perm ({})",
                    args.num_perm
                );
            }
            Some(LshParams { bands, rows })
        }
        _ => None,
    };
    Ok(DedupConfig {
        threshold: args.threshold,
        fingerprint: FingerprintConfig {
            ngram: args.ngram,
            num_perm: args.num_perm,
            seed: args.seed,
            shingle_set: args.exact || args.vs_exact.is_some(),
            ..FingerprintConfig::default()
        },
        exact: args.exact,
        lsh,
    })
}

fn explain(config: &DedupConfig) -> String {
    let p = config.lsh_params();
    let mut s = format!(
        "LSH banding for Jaccard threshold {} with {} permutations: {} bands x {} rows ({} values used)\n\
         probability that a pair becomes a candidate, 1 - (1 - J^{})^{}:\n",
        config.threshold,
        config.fingerprint.num_perm,
        p.bands,
        p.rows,
        p.bands * p.rows,
        p.rows,
        p.bands
    );
    for j in [0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0] {
        s.push_str(&format!("  J = {j:<4}  P = {:.6}\n", p.probability(j)));
    }
    s.push_str("every candidate is then verified against the threshold, so only recall depends on the banding\n");
    s
}

/// Run `storyfold dedup` (on `threads` worker threads when given).
pub fn run(args: Args, threads: Option<Threads>) -> Result<()> {
    let config = config(&args)?;
    if args.explain_params {
        note!("{}", explain(&config).trim_end());
        if args.input.inputs.is_empty() {
            return Ok(());
        }
    }
    if args.input.inputs.is_empty() {
        bail!("no INPUT given (use `-` for stdin)");
    }
    let opts = args.input.read_options();
    let mut inputs = args.input.engine_inputs();
    // `--keep` writes a directory of files for directory inputs, one stream otherwise.
    let keep_is_dir = inputs
        .iter()
        .any(|i| matches!(i, Input::Path(p) if p.is_dir()));
    check_outputs(
        &inputs,
        &[
            Out::File("--output", args.output.as_deref()),
            Out::File("--pairs", args.pairs.as_deref()),
            if keep_is_dir {
                Out::Dir("--keep", args.keep.as_deref())
            } else {
                Out::File("--keep", args.keep.as_deref())
            },
        ],
    )?;
    let _spooled = if args.keep.is_some() {
        pipeline::dedup::spool_stdin(&mut inputs)?
    } else {
        None
    };
    let options = DedupOptions {
        config: config.clone(),
        title: args.title,
        threads,
    };
    if let Some(n) = args.vs_exact {
        let reader = Reader::open(inputs, opts);
        let report = pipeline::dedup::measure_vs_exact(reader, n, &options)?;
        return write_vs_exact(&args, &report, config.exact);
    }

    let start = Instant::now();
    let bars = Bars::new("dedup", false).spinner(Stage::Read, "dedup");
    let deduped = pipeline::dedup(Reader::open(inputs.clone(), opts.clone()), &options, &bars)?;
    let (dedup, read, skipped) = (deduped.dedup, deduped.read, deduped.skipped);
    if dedup.is_empty() {
        bail!("{}", no_documents(&inputs, read, &skipped));
    }

    // Every output is written to its temporary file first and committed at the end, so that a
    // failure leaves all previous outputs as they were.
    let groups = dedup.groups();
    let mut out = create_output(args.output.as_deref().unwrap_or("-".as_ref()))?;
    let mut removed_seqs = HashSet::new();
    for (n, group) in groups.iter().enumerate() {
        let members: Vec<MemberOut> = group
            .members
            .iter()
            .map(|m| {
                removed_seqs.insert(dedup.doc(m.doc).seq);
                MemberOut {
                    id: &dedup.doc(m.doc).id,
                    similarity: round4(m.similarity),
                    relation: m.relation,
                }
            })
            .collect();
        write_json_line(
            &mut out,
            &GroupOut {
                group: n + 1,
                representative: &dedup.doc(group.representative).id,
                size: members.len() + 1,
                members,
            },
        )?;
    }
    let mut outputs = Finished::default();
    outputs.hold(out)?;

    if let Some(path) = &args.pairs {
        let mut out = create_output(path)?;
        for pair in dedup.pairs() {
            write_json_line(
                &mut out,
                &PairOut {
                    a: &dedup.doc(pair.a).id,
                    b: &dedup.doc(pair.b).id,
                    estimated_jaccard: round4(pair.estimated),
                    exact_jaccard: pair.exact.map(round4),
                    relation: pair.relation,
                },
            )?;
        }
        outputs.hold(out)?;
    }

    let mut kept = dedup.len() as u64 - removed_seqs.len() as u64;
    let mut kept_dir = None;
    if let Some(path) = &args.keep {
        let keep = |seq: u64| !removed_seqs.contains(&seq);
        let written = if keep_is_dir {
            let dir = OutputDir::create(path)?;
            let n = ingest::write_kept(
                &inputs,
                &opts,
                &keep,
                KeepTarget::Dir(dir.path().to_path_buf()),
            );
            kept_dir = Some(dir);
            n
        } else {
            let mut out = create_output(path)?;
            let n = ingest::write_kept(&inputs, &opts, &keep, KeepTarget::Writer(&mut out));
            if n.is_ok() {
                outputs.hold(out)?;
            }
            n
        };
        kept = written.map_err(|e| match e {
            KeepError::Input(e) => anyhow::Error::from(e),
            KeepError::Output(e) => anyhow::Error::from(e),
        })?;
    }
    outputs.commit()?;
    if let Some(dir) = kept_dir {
        dir.commit()?;
    }

    let seconds = start.elapsed().as_secs_f64();
    let stats = dedup.stats();
    let params = dedup.lsh_params();
    let summary = Summary {
        read,
        documents: stats.documents,
        skipped: read.saturating_sub(stats.documents),
        groups: groups.len(),
        removed: removed_seqs.len(),
        kept,
        candidates: stats.candidates,
        verified_pairs: stats.verified,
        exact_links: stats.exact_links,
        bands: params.bands,
        rows: params.rows,
        seconds,
        docs_per_second: stats.documents as f64 / seconds.max(1e-9),
    };
    if args.json {
        note!("{}", serde_json::to_string(&summary)?);
    } else {
        note!(
            "read {} records: {} documents, {} skipped; {} groups, {} removed as duplicates, {} kept; \
             {:.2} s ({:.0} docs/s)",
            summary.read,
            summary.documents,
            summary.skipped,
            summary.groups,
            summary.removed,
            summary.kept,
            summary.seconds,
            summary.docs_per_second
        );
    }
    if summary.skipped > 0 || !skipped.is_empty() {
        note!("{skipped}");
    }
    Ok(())
}

fn write_vs_exact(args: &Args, report: &VsExactReport, exact: bool) -> Result<()> {
    let mut out = Output::stdout();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(report)?)?;
    } else {
        write!(out, "{}", format_vs_exact(report, exact))?;
    }
    out.commit()?;
    Ok(())
}

fn format_vs_exact(r: &VsExactReport, exact: bool) -> String {
    let mut s = format!(
        "{} documents, threshold {}, LSH {} bands x {} rows, verification by {}\n\
         true pairs (exact Jaccard >= {}): {}\n\
         candidates among them (LSH recall): {} ({:.4})\n\
         reported pairs: {}, of which true: {}\n\
         recall {:.4}  precision {:.4}\n",
        r.documents,
        r.threshold,
        r.lsh.bands,
        r.lsh.rows,
        if exact {
            "exact Jaccard"
        } else {
            "signature estimate"
        },
        r.threshold,
        r.true_pairs,
        r.true_pairs_candidates,
        r.candidate_recall,
        r.predicted_pairs,
        r.true_positives,
        r.recall,
        r.precision
    );
    for b in &r.by_similarity {
        if b.from == b.to {
            s.push_str(&format!(
                "  J = {:.2}:        {} true, {} found\n",
                b.from, b.true_pairs, b.found
            ));
        } else {
            s.push_str(&format!(
                "  J in [{:.2}, {:.2}): {} true, {} found\n",
                b.from, b.to, b.true_pairs, b.found
            ));
        }
    }
    s
}
