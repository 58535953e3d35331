//! `storyfold dedup`: near-duplicate groups, verified pairs and a deduplicated corpus.

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::Serialize;
use storyfold::dedup::{vs_exact, DedupConfig, Deduper, Relation, SampleDoc, VsExactReport};
use storyfold::fingerprint::{Fingerprint, FingerprintConfig, Fingerprinter};
use storyfold::index::lsh::LshParams;
use storyfold::ingest::{self, Article, Input, KeepError, KeepTarget, Reader, SkipReport};
use storyfold::output::OutputDir;

use crate::common::{
    check_outputs, create_output, no_documents, progress, round4, write_json_line, Finished,
    InputArgs, Out, Output,
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

/// Chunks of articles (or the error that stopped reading) from the reader thread.
type ChunkReceiver = mpsc::Receiver<Result<Vec<Article>, ingest::IngestError>>;
/// The reader thread; it returns the number of records read and the skip report.
type ReaderHandle = std::thread::JoinHandle<(u64, SkipReport)>;
/// Consumed chunks sent back to the reader thread to be freed there.
type ChunkReturn = mpsc::Sender<Vec<Article>>;

/// Read articles on a separate thread, in chunks, so parsing overlaps fingerprinting.
///
/// Chunks sent back through the returned sender are dropped on the reader thread: their
/// strings were allocated there, and freeing them on the workers makes the workers and the
/// reader fight over the allocator's lock for the reader's arena (measured: about 5% of the
/// CPU time in futex wake-ups on 2 cores).
fn read_chunks(
    inputs: Vec<Input>,
    opts: ingest::ReadOptions,
    limit: Option<usize>,
) -> (ChunkReceiver, ChunkReturn, ReaderHandle) {
    const CHUNK: usize = 256;
    let (tx, rx) = mpsc::sync_channel(2);
    let (ret_tx, ret_rx) = mpsc::channel::<Vec<Article>>();
    let handle = std::thread::spawn(move || {
        let mut reader = Reader::open(inputs, opts);
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut taken = 0usize;
        for item in reader.by_ref() {
            if limit.is_some_and(|l| taken >= l) {
                break;
            }
            match item {
                Ok(article) => {
                    taken += 1;
                    chunk.push(article);
                    if chunk.len() == CHUNK {
                        // Free the chunks consumed meanwhile (see above).
                        while let Ok(done) = ret_rx.try_recv() {
                            drop(done);
                        }
                    }
                    if chunk.len() == CHUNK
                        && tx
                            .send(Ok(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))))
                            .is_err()
                    {
                        break;
                    }
                }
                Err(err) => {
                    let _ = tx.send(Err(err));
                    break;
                }
            }
        }
        if !chunk.is_empty() {
            let _ = tx.send(Ok(chunk));
        }
        // Deduplication reads the text alone: missing dates and sources change nothing here.
        let mut skipped = reader.skipped().clone();
        skipped.retain_warnings(|w| w.kind == ingest::WarningKind::NoText);
        (reader.read_count(), skipped)
    });
    (rx, ret_tx, handle)
}

/// The text that is fingerprinted: the body, or with `--title` the title and the body.
fn fingerprint_text(article: &Article, with_title: bool) -> std::borrow::Cow<'_, str> {
    match (&article.title, with_title) {
        (Some(title), true) => format!("{title}\n\n{}", article.text).into(),
        _ => article.text.as_str().into(),
    }
}

/// Read the inputs (at most `limit` articles), fingerprint them in parallel chunk by chunk and
/// hand every article with its fingerprint to `each`, in input order. Returns the number of
/// records read and the skip report.
///
/// Three stages overlap: the reader thread parses chunk k+2 while the rayon pool fingerprints
/// chunk k+1 and, in the same `rayon::join`, `each` consumes chunk k, so no core waits for the
/// sequential index updates.
fn fingerprint_inputs(
    inputs: Vec<Input>,
    opts: ingest::ReadOptions,
    limit: Option<usize>,
    fingerprinter: &Fingerprinter,
    with_title: bool,
    mut each: impl FnMut(&mut Article, Fingerprint) + Send,
) -> Result<(u64, SkipReport)> {
    let (rx, ret, reader) = read_chunks(inputs, opts, limit);
    let mut pending: Option<(Vec<Article>, Vec<Fingerprint>)> = None;
    let mut consume = |done: Option<(Vec<Article>, Vec<Fingerprint>)>| {
        if let Some((mut articles, fps)) = done {
            for (article, fp) in articles.iter_mut().zip(fps) {
                each(article, fp);
            }
            // Freed by the reader thread; once it has finished, here.
            let _ = ret.send(articles);
        }
    };
    for chunk in rx {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(err) => {
                consume(pending.take());
                return Err(err.into());
            }
        };
        let done = pending.take();
        let (fps, ()) = rayon::join(
            || {
                chunk
                    .par_iter()
                    .map(|a| fingerprinter.fingerprint(&fingerprint_text(a, with_title)))
                    .collect::<Vec<Fingerprint>>()
            },
            || consume(done),
        );
        pending = Some((chunk, fps));
    }
    consume(pending.take());
    reader
        .join()
        .map_err(|_| anyhow::anyhow!("the reader thread failed"))
}

/// Spool stdin to a temporary file so `--keep` can read it a second time.
fn spool_stdin(inputs: &mut [Input]) -> Result<Option<tempfile::NamedTempFile>> {
    if !inputs.iter().any(|i| matches!(i, Input::Stdin)) {
        return Ok(None);
    }
    let mut tmp = tempfile::Builder::new()
        .prefix("storyfold-stdin-")
        .suffix(".jsonl")
        .tempfile()
        .context("cannot create a temporary file for stdin")?;
    std::io::copy(&mut std::io::stdin().lock(), tmp.as_file_mut()).context("cannot read stdin")?;
    for input in inputs.iter_mut() {
        if matches!(input, Input::Stdin) {
            *input = Input::Path(tmp.path().to_path_buf());
        }
    }
    Ok(Some(tmp))
}

/// Run `storyfold dedup`.
pub fn run(args: Args) -> Result<()> {
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
        spool_stdin(&mut inputs)?
    } else {
        None
    };
    if let Some(n) = args.vs_exact {
        return run_vs_exact(&args, &config, inputs, opts, n);
    }

    let start = Instant::now();
    let fingerprinter = Fingerprinter::new(config.fingerprint.clone());
    let mut dedup = Deduper::new(config.clone());
    let bar = progress("dedup");
    let (read, skipped) = fingerprint_inputs(
        inputs.clone(),
        opts.clone(),
        None,
        &fingerprinter,
        args.title,
        |article, fp| {
            let published = article.published.map(|d| d.timestamp());
            dedup.add(std::mem::take(&mut article.id), article.seq, published, fp);
            bar.set_position(dedup.len() as u64);
        },
    )?;
    bar.finish_and_clear();
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

fn run_vs_exact(
    args: &Args,
    config: &DedupConfig,
    inputs: Vec<Input>,
    opts: ingest::ReadOptions,
    n: usize,
) -> Result<()> {
    let fingerprinter = Fingerprinter::new(config.fingerprint.clone());
    let mut sample = Vec::new();
    fingerprint_inputs(
        inputs,
        opts,
        Some(n),
        &fingerprinter,
        args.title,
        |a, fp| {
            sample.push(SampleDoc {
                published: a.published.map(|d| d.timestamp()),
                id: std::mem::take(&mut a.id),
                seq: a.seq,
                fingerprint: fp,
            })
        },
    )?;
    let report = vs_exact(sample, config);
    let mut out = Output::stdout();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        write!(out, "{}", format_vs_exact(&report, config.exact))?;
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
