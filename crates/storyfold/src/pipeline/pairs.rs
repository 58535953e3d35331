//! The `pairs` pipeline: related article pairs of a corpus (copies, rewrites, same-story
//! reports).
//!
//! Articles are read and prepared (sentences, tokens) in parallel chunks. Sentences an outlet
//! repeats across its articles ([`TemplateCounter`]) are stripped, since they are no evidence.
//! Candidates come from [`retrieve`] (rare terms, names and numbers, and reused sentences,
//! through capped inverted indexes); each candidate is then verified in parallel by aligning
//! the two articles with [`Aligner::align`]. [`PairsFound::related`] lists the pairs whose
//! relation is at least a given one.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use rayon::prelude::*;

use super::progress::{Progress, Stage};
use super::source::ArticleSource;
use super::threads::{self, Threads};
use crate::align::alignment::{Aligner, Alignment, Relation};
use crate::align::retrieve::{retrieve, Candidate, DocFeatures, RetrieveConfig, RetrieveStats};
use crate::align::templates::{TemplateCounter, TEMPLATE_MIN_DOCS};
use crate::align::PreparedDoc;
use crate::error::Result;
use crate::ingest::{Article, SkipReport};

/// Articles prepared in parallel at a time.
const READ_CHUNK: usize = 2048;

/// Options of the pairs pipeline.
#[derive(Clone, Debug)]
pub struct PairsOptions {
    /// Candidate retrieval.
    pub retrieve: RetrieveConfig,
    /// Align every candidate (`false`: only retrieve).
    pub verify: bool,
    /// Worker threads (`None`: rayon's global pool).
    pub threads: Option<Threads>,
}

impl Default for PairsOptions {
    fn default() -> Self {
        PairsOptions {
            retrieve: RetrieveConfig::default(),
            verify: true,
            threads: None,
        }
    }
}

/// What is kept of an article: its id, its order key and its prepared text.
struct Doc {
    id: String,
    seq: u64,
    published: Option<i64>,
    source: Option<String>,
    prepared: PreparedDoc,
    /// The article without its outlet's templates, when it has some.
    view: Option<PreparedDoc>,
}

impl Doc {
    /// What is indexed and aligned: the article without its outlet's templates.
    fn view(&self) -> &PreparedDoc {
        self.view.as_ref().unwrap_or(&self.prepared)
    }
}

/// Of the articles `x` and `y` (indices into `docs`), the one written first, then the other:
/// the earlier published, or the earlier input when a date is missing, when both times are
/// equal, or when both fall on the same UTC day and one of them is exactly midnight (a bare
/// `YYYY-MM-DD` date, which says nothing about the time of day).
fn ordered(docs: &[Doc], x: usize, y: usize) -> (usize, usize) {
    const DAY: i64 = 86_400;
    let (dx, dy) = (&docs[x], &docs[y]);
    let x_first = match (dx.published, dy.published) {
        (Some(p), Some(q))
            if p.div_euclid(DAY) == q.div_euclid(DAY)
                && (p.rem_euclid(DAY) == 0 || q.rem_euclid(DAY) == 0) =>
        {
            dx.seq < dy.seq
        }
        (Some(p), Some(q)) if p != q => p < q,
        _ => dx.seq < dy.seq,
    };
    if x_first {
        (x, y)
    } else {
        (y, x)
    }
}

/// What the pairs pipeline found.
pub struct PairsFound {
    docs: Vec<Doc>,
    candidates: Vec<Candidate>,
    /// Per candidate: the indices of its first and second article, and its alignment when
    /// verified.
    verified: Vec<(usize, usize, Option<Alignment>)>,
    /// Outlet template sentences found (per source).
    pub templates: usize,
    /// Sentences stripped as outlet templates.
    pub template_sentences_stripped: usize,
    /// Retrieval counters.
    pub retrieval: RetrieveStats,
    /// Seconds from the start to the end of retrieval (reading included).
    pub retrieve_seconds: f64,
    /// Seconds of verification.
    pub verify_seconds: f64,
    /// Records read, valid or not.
    pub read: u64,
    /// What was skipped (and repaired).
    pub skipped: SkipReport,
}

/// A candidate pair, its first article first (the earlier published; see `storyfold pairs`).
#[derive(Clone, Copy, Debug)]
pub struct VerifiedPair<'a> {
    /// The first article's id.
    pub a: &'a str,
    /// The second article's id.
    pub b: &'a str,
    /// The candidate with its retrieval evidence.
    pub candidate: &'a Candidate,
    /// The alignment of `b` against `a`, when verified.
    pub alignment: Option<&'a Alignment>,
}

impl std::fmt::Debug for PairsFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PairsFound")
            .field("documents", &self.docs.len())
            .field("candidates", &self.candidates.len())
            .field("read", &self.read)
            .field("skipped", &self.skipped)
            .finish_non_exhaustive()
    }
}

impl PairsFound {
    /// Articles read.
    pub fn documents(&self) -> usize {
        self.docs.len()
    }

    /// The candidates, in retrieval order.
    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    /// Every candidate in retrieval order, with its alignment when verified.
    pub fn verified(&self) -> impl Iterator<Item = VerifiedPair<'_>> {
        self.candidates
            .iter()
            .zip(&self.verified)
            .map(|(c, (a, b, al))| VerifiedPair {
                a: &self.docs[*a].id,
                b: &self.docs[*b].id,
                candidate: c,
                alignment: al.as_ref(),
            })
    }

    /// The verified pairs whose relation is at least `min`, in input order of their first
    /// then their second article.
    pub fn related(&self, min: Relation) -> Vec<VerifiedPair<'_>> {
        let mut keep: Vec<(u64, u64, VerifiedPair<'_>)> = self
            .verified
            .iter()
            .zip(self.verified())
            .filter(|(_, p)| p.alignment.is_some_and(|al| al.relation >= min))
            .map(|((a, b, _), p)| (self.docs[*a].seq, self.docs[*b].seq, p))
            .collect();
        keep.sort_by_key(|(a, b, _)| (*a, *b));
        keep.into_iter().map(|(_, _, p)| p).collect()
    }
}

/// Find the related pairs of the articles of `source` (see the [module
/// documentation](self)). An empty source gives no pair, not an error.
pub fn pairs<S: ArticleSource + Send>(
    source: S,
    options: &PairsOptions,
    aligner: &Aligner,
    progress: &dyn Progress,
) -> Result<PairsFound> {
    let pool = threads::pool(options.threads)?;
    threads::run(pool.as_ref(), || find(source, options, aligner, progress))
}

fn find<S: ArticleSource>(
    mut source: S,
    options: &PairsOptions,
    aligner: &Aligner,
    progress: &dyn Progress,
) -> Result<PairsFound> {
    let start = Instant::now();
    let cfg = &options.retrieve;
    // Read and prepare, in chunks so preparation overlaps nothing but stays parallel.
    progress.start(Stage::Read, None);
    let mut docs: Vec<Doc> = Vec::new();
    let mut chunk = Vec::new();
    let prepare = |chunk: &mut Vec<Article>, docs: &mut Vec<Doc>| {
        let done: Vec<Doc> = chunk
            .par_drain(..)
            .map(|a| Doc {
                prepared: PreparedDoc::new(&a.text),
                published: a.published.map(|d| d.timestamp()),
                seq: a.seq,
                id: a.id,
                source: a.source,
                view: None,
            })
            .collect();
        docs.extend(done);
    };
    for item in source.by_ref() {
        chunk.push(item?);
        if chunk.len() == READ_CHUNK {
            prepare(&mut chunk, &mut docs);
            progress.set(Stage::Read, docs.len() as u64);
        }
    }
    prepare(&mut chunk, &mut docs);
    progress.finish(Stage::Read);
    let read = source.read_count();
    let skipped = source.skipped();
    if docs.is_empty() {
        return Ok(PairsFound {
            docs,
            candidates: Vec::new(),
            verified: Vec::new(),
            templates: 0,
            template_sentences_stripped: 0,
            retrieval: RetrieveStats::default(),
            retrieve_seconds: start.elapsed().as_secs_f64(),
            verify_seconds: 0.0,
            read,
            skipped,
        });
    }

    // Outlet templates (sentences a source repeats across its articles) are not evidence.
    let templates = docs
        .par_iter()
        .fold(TemplateCounter::new, |mut c, d| {
            c.add(d.source.as_deref(), &d.prepared);
            c
        })
        .reduce(TemplateCounter::new, |mut x, y| {
            x.merge(y);
            x
        })
        .finish(TEMPLATE_MIN_DOCS);
    docs.par_iter_mut().for_each(|d| {
        d.view = templates.stripped(d.source.as_deref(), &d.prepared);
    });
    let stripped: usize = docs
        .iter()
        .filter_map(|d| Some(d.prepared.sentences.len() - d.view.as_ref()?.sentences.len()))
        .sum();

    let features: Vec<DocFeatures> = docs
        .par_iter()
        .map(|d| DocFeatures::new(d.view(), d.published, cfg))
        .collect();
    let retrieval = retrieve(&features, cfg);
    drop(features);
    let retrieve_seconds = start.elapsed().as_secs_f64();

    let verify_start = Instant::now();
    let total = if options.verify {
        retrieval.candidates.len() as u64
    } else {
        0
    };
    progress.start(Stage::Verify, Some(total));
    let done = AtomicU64::new(0);
    let verified: Vec<_> = retrieval
        .candidates
        .par_iter()
        .map(|c| {
            let (ia, ib) = ordered(&docs, c.a, c.b);
            let (a, b) = (&docs[ia], &docs[ib]);
            let alignment = options.verify.then(|| {
                let al = aligner.align(a.view(), b.view());
                if a.view.is_some() || b.view.is_some() {
                    al.with_whole_texts(aligner, &a.prepared, &b.prepared)
                } else {
                    al
                }
            });
            progress.set(Stage::Verify, done.fetch_add(1, Ordering::Relaxed) + 1);
            (ia, ib, alignment)
        })
        .collect();
    progress.finish(Stage::Verify);
    let verify_seconds = verify_start.elapsed().as_secs_f64();
    Ok(PairsFound {
        templates: templates.len(),
        template_sentences_stripped: stripped,
        docs,
        candidates: retrieval.candidates,
        verified,
        retrieval: retrieval.stats,
        retrieve_seconds,
        verify_seconds,
        read,
        skipped,
    })
}
