//! The `dedup` pipeline: every article fingerprinted (MinHash over word shingles) in parallel
//! and fed, in input order, to a [`Deduper`], whose groups and verified pairs are then read.
//!
//! Three stages overlap: a reader thread takes chunk k+2 from the source while the worker
//! threads fingerprint chunk k+1 and, in the same `rayon::join`, chunk k goes into the
//! deduplicator, so that no core waits for its sequential index updates. [`spool_stdin`]
//! copies standard input to a temporary file, for a caller that reads the inputs twice.

use std::borrow::Cow;
use std::sync::mpsc;

use rayon::prelude::*;

use super::progress::{Progress, Stage};
use super::source::ArticleSource;
use super::threads::{self, Threads};
use crate::dedup::{vs_exact, DedupConfig, Deduper, SampleDoc, VsExactReport};
use crate::error::{Error, Result};
use crate::fingerprint::{Fingerprint, Fingerprinter};
use crate::ingest::{Article, IngestError, Input, SkipReport};

/// Options of the dedup pipeline.
#[derive(Clone, Debug, Default)]
pub struct DedupOptions {
    /// Threshold, fingerprints, verification and banding.
    pub config: DedupConfig,
    /// Fingerprint the title together with the text (default: the text alone, so that copies
    /// republished under another headline stay exact duplicates).
    pub title: bool,
    /// Worker threads (`None`: rayon's global pool).
    pub threads: Option<Threads>,
}

/// What the dedup pipeline found: the deduplicator holding every article, and the counts of
/// the source.
pub struct Deduped {
    /// Every article, its verified pairs and its groups.
    pub dedup: Deduper,
    /// Records read, valid or not.
    pub read: u64,
    /// What was skipped (and repaired).
    pub skipped: SkipReport,
}

impl std::fmt::Debug for Deduped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deduped")
            .field("documents", &self.dedup.len())
            .field("read", &self.read)
            .field("skipped", &self.skipped)
            .finish_non_exhaustive()
    }
}

/// Deduplicate the articles of `source` (see the [module documentation](self)). An empty
/// source gives an empty deduplicator, not an error.
pub fn dedup<S: ArticleSource + Send>(
    source: S,
    options: &DedupOptions,
    progress: &dyn Progress,
) -> Result<Deduped> {
    let pool = threads::pool(options.threads)?;
    let fingerprinter = Fingerprinter::new(options.config.fingerprint.clone());
    let mut dedup = Deduper::new(options.config.clone());
    let (read, skipped) = threads::run(pool.as_ref(), || {
        progress.start(Stage::Read, None);
        fingerprint_source(
            source,
            None,
            &fingerprinter,
            options.title,
            |article, fp| {
                let published = article.published.map(|d| d.timestamp());
                dedup.add(std::mem::take(&mut article.id), article.seq, published, fp);
                progress.set(Stage::Read, dedup.len() as u64);
            },
        )
    })?;
    progress.finish(Stage::Read);
    Ok(Deduped {
        dedup,
        read,
        skipped,
    })
}

/// Recall and precision of the options' deduplication against brute-force exact Jaccard, on
/// the first `n` articles of `source` (their shingle sets are kept: set
/// [`FingerprintConfig::shingle_set`](crate::fingerprint::FingerprintConfig::shingle_set)).
pub fn measure_vs_exact<S: ArticleSource + Send>(
    source: S,
    n: usize,
    options: &DedupOptions,
) -> Result<VsExactReport> {
    let pool = threads::pool(options.threads)?;
    let fingerprinter = Fingerprinter::new(options.config.fingerprint.clone());
    let mut sample = Vec::new();
    threads::run(pool.as_ref(), || {
        fingerprint_source(source, Some(n), &fingerprinter, options.title, |a, fp| {
            sample.push(SampleDoc {
                published: a.published.map(|d| d.timestamp()),
                id: std::mem::take(&mut a.id),
                seq: a.seq,
                fingerprint: fp,
            })
        })?;
        Ok(vs_exact(sample, &options.config))
    })
}

/// Chunks of articles (or the error that stopped reading) from the reader thread.
type ChunkReceiver = mpsc::Receiver<std::result::Result<Vec<Article>, IngestError>>;
/// Consumed chunks sent back to the reader thread to be freed there.
type ChunkReturn = mpsc::Sender<Vec<Article>>;

/// Articles taken from the source on a separate thread, in chunks, so parsing overlaps
/// fingerprinting. Returns the number of records read and the skip report.
///
/// Chunks sent back through `ret_rx` are dropped on the reader thread: their strings were
/// allocated there, and freeing them on the workers makes the workers and the reader fight
/// over the allocator's lock for the reader's arena (measured: about 5% of the CPU time in
/// futex wake-ups on 2 cores).
fn read_chunks<S: ArticleSource>(
    mut source: S,
    limit: Option<usize>,
    tx: mpsc::SyncSender<std::result::Result<Vec<Article>, IngestError>>,
    ret_rx: mpsc::Receiver<Vec<Article>>,
) -> (u64, SkipReport) {
    const CHUNK: usize = 256;
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut taken = 0usize;
    for item in source.by_ref() {
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
    let mut skipped = source.skipped();
    skipped.retain_warnings(|w| w.kind == crate::ingest::WarningKind::NoText);
    (source.read_count(), skipped)
}

/// The text that is fingerprinted: the body, or with `with_title` the title and the body.
fn fingerprint_text(article: &Article, with_title: bool) -> Cow<'_, str> {
    match (&article.title, with_title) {
        (Some(title), true) => format!("{title}\n\n{}", article.text).into(),
        _ => article.text.as_str().into(),
    }
}

/// Take the articles of `source` (at most `limit`), fingerprint them in parallel chunk by
/// chunk and hand every article with its fingerprint to `each`, in input order. Returns the
/// number of records read and the skip report.
///
/// Three stages overlap: the reader thread takes chunk k+2 while the rayon pool fingerprints
/// chunk k+1 and, in the same `rayon::join`, `each` consumes chunk k, so no core waits for the
/// sequential index updates.
fn fingerprint_source<S: ArticleSource + Send>(
    source: S,
    limit: Option<usize>,
    fingerprinter: &Fingerprinter,
    with_title: bool,
    mut each: impl FnMut(&mut Article, Fingerprint) + Send,
) -> Result<(u64, SkipReport)> {
    let (tx, rx): (_, ChunkReceiver) = mpsc::sync_channel(2);
    let (ret, ret_rx): (ChunkReturn, _) = mpsc::channel::<Vec<Article>>();
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || read_chunks(source, limit, tx, ret_rx));
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
        // `rx` is moved in: returning early drops it, so that the reader cannot wait on a full
        // channel while the scope waits for the reader.
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
        reader.join().map_err(|_| Error::Threads {
            message: "the reader thread failed".into(),
        })
    })
}

/// Copy standard input to a temporary file, and make every [`Input::Stdin`] of `inputs` read
/// that file instead, so that the inputs can be read a second time (to write the kept
/// records). `None` when no input is standard input; the file is deleted when the returned
/// handle is dropped.
pub fn spool_stdin(inputs: &mut [Input]) -> Result<Option<tempfile::NamedTempFile>> {
    if !inputs.iter().any(|i| matches!(i, Input::Stdin)) {
        return Ok(None);
    }
    let mut tmp = tempfile::Builder::new()
        .prefix("storyfold-stdin-")
        .suffix(".jsonl")
        .tempfile()
        .map_err(|error| Error::Spool {
            what: "cannot create a temporary file for stdin",
            error,
        })?;
    std::io::copy(&mut std::io::stdin().lock(), tmp.as_file_mut()).map_err(|error| {
        Error::Spool {
            what: "cannot read stdin",
            error,
        }
    })?;
    for input in inputs.iter_mut() {
        if matches!(input, Input::Stdin) {
            *input = Input::Path(tmp.path().to_path_buf());
        }
    }
    Ok(Some(tmp))
}
