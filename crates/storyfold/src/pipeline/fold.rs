//! The `fold` pipeline: articles into stories, with origin, derivation and the story report.
//!
//! Three passes, so that memory holds compact features rather than texts:
//!
//! 1. **Read** ([`read`]). A reader thread takes the articles from the source and appends every
//!    text to a temporary [`Spool`] file; chunk by chunk and in parallel, each article's raw
//!    terms (kept compactly in a [`TermTable`], which also counts document frequencies and
//!    blends them with the shipped background ones, [`FeatureConfig::background_weight`]) and
//!    headline are computed. What stays in memory per article: id, source, time, headline, the
//!    spool span and the compact terms. The result is a [`Spooled`] corpus.
//! 2. **Cluster** ([`Spooled::fold`]). Once the frequencies are complete, the compact terms
//!    become TF-IDF vectors and [`cluster_vectors`] folds them into stories.
//! 3. **Report.** Stories are built in parallel, in chunks of [`CHUNK`], and handed to a
//!    [`StorySink`] in order: a single-article story from its metadata ([`report::singleton`]),
//!    a larger one from its members' texts read back from the spool ([`report::build`]:
//!    derivation, shared sentences, additions, disagreements). The [`Folded`] result holds
//!    every article's story and a [`StoryBrief`] of each story of two or more articles.
//!
//! [`FeatureConfig::background_weight`]: crate::story::features::FeatureConfig::background_weight

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc::sync_channel;

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;

use super::progress::{Progress, Stage};
use super::source::ArticleSource;
use super::threads::{self, Threads};
use crate::align::alignment::Aligner;
use crate::error::{Error, Result};
use crate::ingest::{Article, Location, SkipReport};
use crate::story::cluster::{cluster_vectors, processing_order_of, ClusterConfig};
use crate::story::derive::DeriveConfig;
use crate::story::features::{raw_terms, CompactTerms, Prior, TermTable, TermVector};
use crate::story::report::{self, headline_of, StoryReport};
use crate::story::spool::{Span, Spool, SpoolReader};

/// Stories built in parallel before being handed to the sink (bounds the memory held by
/// reports).
pub const CHUNK: usize = 512;
/// Articles read before their features are computed in parallel.
const READ_CHUNK: usize = 1024;

/// Options of the fold pipeline.
#[derive(Clone, Debug, Default)]
pub struct FoldOptions {
    /// Clustering (window, thresholds, refinement, term features).
    pub cluster: ClusterConfig,
    /// Derivation inside a story.
    pub derive: DeriveConfig,
    /// Directory of the temporary file holding the article texts (`None`: the system's
    /// temporary directory, `TMPDIR`); it needs about the size of the texts.
    pub spool_dir: Option<PathBuf>,
    /// Worker threads (`None`: rayon's global pool).
    pub threads: Option<Threads>,
}

/// Where the fold pipeline's story reports go, in story order.
///
/// A report is first encoded on the worker thread that built it ([`StorySink::encode`], for
/// example into its JSON line), then written in story order ([`StorySink::write`]).
pub trait StorySink: Send + Sync {
    /// What a report becomes on its worker thread.
    type Encoded: Send;
    /// Encode one report (called on the worker threads, in any order).
    fn encode(&self, report: &StoryReport) -> io::Result<Self::Encoded>;
    /// Take one encoded report (called in story order).
    fn write(&mut self, encoded: Self::Encoded) -> io::Result<()>;
}

/// Story reports written as JSON lines (the format of `storyfold fold -o`).
#[derive(Debug)]
pub struct JsonLines<W>(pub W);

impl<W: Write + Send + Sync> StorySink for JsonLines<W> {
    type Encoded = Vec<u8>;

    fn encode(&self, report: &StoryReport) -> io::Result<Vec<u8>> {
        let mut line = serde_json::to_vec(report).map_err(io::Error::from)?;
        line.push(b'\n');
        Ok(line)
    }

    fn write(&mut self, line: Vec<u8>) -> io::Result<()> {
        self.0.write_all(&line)
    }
}

/// The reports themselves, collected in story order.
impl StorySink for Vec<StoryReport> {
    type Encoded = StoryReport;

    fn encode(&self, report: &StoryReport) -> io::Result<StoryReport> {
        Ok(report.clone())
    }

    fn write(&mut self, report: StoryReport) -> io::Result<()> {
        self.push(report);
        Ok(())
    }
}

/// No sink: the reports are built (for the briefs) but neither encoded nor kept.
impl<S: StorySink> StorySink for Option<S> {
    type Encoded = Option<S::Encoded>;

    fn encode(&self, report: &StoryReport) -> io::Result<Self::Encoded> {
        self.as_ref().map(|s| s.encode(report)).transpose()
    }

    fn write(&mut self, encoded: Self::Encoded) -> io::Result<()> {
        match (self, encoded) {
            (Some(s), Some(e)) => s.write(e),
            _ => Ok(()),
        }
    }
}

impl<S: StorySink> StorySink for &mut S {
    type Encoded = S::Encoded;

    fn encode(&self, report: &StoryReport) -> io::Result<Self::Encoded> {
        (**self).encode(report)
    }

    fn write(&mut self, encoded: Self::Encoded) -> io::Result<()> {
        (**self).write(encoded)
    }
}

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
            text: spool.read(self.span).map_err(|error| Error::Spool {
                what: "cannot read the spooled text back",
                error,
            })?,
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

/// What a summary needs of one story of two or more articles.
#[derive(Clone, Debug, PartialEq)]
pub struct StoryBrief {
    /// The story's number (1-based, in story order).
    pub story: usize,
    /// Its articles.
    pub size: usize,
    /// Its title.
    pub title: String,
    /// The id of its origin.
    pub origin: String,
    /// Its first and last publication times, when known.
    pub first_published: Option<String>,
    /// See `first_published`.
    pub last_published: Option<String>,
    /// Members per relation.
    pub relations: Vec<(&'static str, usize)>,
}

impl StoryBrief {
    fn of(r: &StoryReport) -> Self {
        StoryBrief {
            story: r.story,
            size: r.size,
            title: r.title.clone(),
            origin: r.origin.clone(),
            first_published: r.first_published.clone(),
            last_published: r.last_published.clone(),
            relations: r.relations.iter().map(|(k, v)| (*k, *v)).collect(),
        }
    }
}

/// A corpus read and spooled by [`read`], ready to [`Spooled::fold`].
pub struct Spooled {
    options: FoldOptions,
    pool: Option<rayon::ThreadPool>,
    metas: Vec<Meta>,
    compact: Vec<CompactTerms>,
    table: TermTable,
    spool: SpoolReader,
    read: u64,
    skipped: SkipReport,
}

impl std::fmt::Debug for Spooled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spooled")
            .field("articles", &self.metas.len())
            .field("read", &self.read)
            .finish_non_exhaustive()
    }
}

/// What the fold pipeline found.
#[derive(Clone, Debug, Default)]
pub struct Folded {
    /// Every article's id and story number (1-based), in input order.
    pub assignments: Vec<(String, usize)>,
    /// The number of articles of each story, story 1 first.
    pub sizes: Vec<usize>,
    /// A brief of every story of two or more articles, in story order.
    pub briefs: Vec<StoryBrief>,
    /// Stories whose alignment was cut short by the aligner's work limits.
    pub truncated: usize,
    /// Records read, valid or not.
    pub read: u64,
    /// What was skipped (and repaired).
    pub skipped: SkipReport,
}

/// Fold the articles of `source` into stories whose reports go to `sink` in story order: the
/// [`read`] pass, then [`Spooled::fold`].
pub fn fold<S: ArticleSource + Send>(
    source: S,
    options: &FoldOptions,
    aligner: &Aligner,
    sink: &mut impl StorySink,
    progress: &dyn Progress,
) -> Result<Folded> {
    read(source, options, progress)?.fold(aligner, sink, progress)
}

/// The read pass (see the [module documentation](self)): spool the texts, compute the compact
/// terms and headlines. An empty source gives an empty corpus, not an error.
pub fn read<S: ArticleSource + Send>(
    source: S,
    options: &FoldOptions,
    progress: &dyn Progress,
) -> Result<Spooled> {
    let pool = threads::pool(options.threads)?;
    let (metas, compact, table, spool, read, skipped) =
        threads::run(pool.as_ref(), || read_spooled(source, options, progress))?;
    progress.pass(&format!(
        "read {} articles ({} terms)",
        metas.len(),
        table.terms()
    ));
    Ok(Spooled {
        options: options.clone(),
        pool,
        metas,
        compact,
        table,
        spool,
        read,
        skipped,
    })
}

/// What [`read_spooled`] gives: metadata, compact terms, the term table, the spool, the
/// records read and the skip report.
type ReadPass = (
    Vec<Meta>,
    Vec<CompactTerms>,
    TermTable,
    SpoolReader,
    u64,
    SkipReport,
);

fn read_spooled<S: ArticleSource + Send>(
    mut source: S,
    options: &FoldOptions,
    progress: &dyn Progress,
) -> Result<ReadPass> {
    let features_cfg = &options.cluster.features;
    let spool = Spool::new(options.spool_dir.as_deref()).map_err(|error| Error::Spool {
        what: "cannot create the spool file",
        error,
    })?;
    let (tx, rx) = sync_channel::<Result<Vec<(Article, Span)>>>(4);
    std::thread::scope(|scope| {
        let reading = scope.spawn(move || {
            let mut spool = spool;
            let mut chunk = Vec::with_capacity(READ_CHUNK);
            for item in source.by_ref() {
                let spooled = item.map_err(Error::from).and_then(|a| {
                    let span = spool.push(&a.text).map_err(|error| Error::Spool {
                        what: "cannot write the spool file",
                        error,
                    })?;
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
            Some((spool, source.read_count(), source.skipped()))
        });
        progress.start(Stage::Read, None);
        let mut table = TermTable::with_prior(Prior::shipped(features_cfg.background_weight));
        let mut metas: Vec<Meta> = Vec::new();
        let mut compact: Vec<CompactTerms> = Vec::new();
        // Features of chunk k+1 (on the pool) overlap the term-table inserts of chunk k (in
        // input order, on this thread).
        let features_of = |chunk: Vec<(Article, Span)>| {
            let features: Vec<_> = chunk
                .par_iter()
                .map(|(a, _)| {
                    (
                        raw_terms(a.title.as_deref(), &a.text, features_cfg),
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
            progress.set(Stage::Read, metas.len() as u64);
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
        progress.finish(Stage::Read);
        let Some((spool, read, skipped)) = reading.join().map_err(|_| Error::Threads {
            message: "the reader thread panicked".into(),
        })?
        else {
            return Err(Error::Threads {
                message: "reading stopped early".into(),
            });
        };
        let spool = spool.finish().map_err(|error| Error::Spool {
            what: "cannot flush the spool file",
            error,
        })?;
        Ok((metas, compact, table, spool, read, skipped))
    })
}

impl Spooled {
    /// Articles read.
    pub fn len(&self) -> usize {
        self.metas.len()
    }

    /// Whether no article was read.
    pub fn is_empty(&self) -> bool {
        self.metas.is_empty()
    }

    /// The ids of the articles read, in input order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.metas.iter().map(|m| m.id.as_str())
    }

    /// Records read, valid or not.
    pub fn read_count(&self) -> u64 {
        self.read
    }

    /// What was skipped (and repaired) while reading.
    pub fn skipped(&self) -> &SkipReport {
        &self.skipped
    }

    /// The cluster and report passes (see the [module documentation](self)): the reports go
    /// to `sink` in story order.
    pub fn fold(
        self,
        aligner: &Aligner,
        sink: &mut impl StorySink,
        progress: &dyn Progress,
    ) -> Result<Folded> {
        let pool = self.pool;
        let (metas, compact, table, spool) = (self.metas, self.compact, self.table, self.spool);
        let options = &self.options;
        let (story_of, sizes, briefs, truncated) = threads::run(pool.as_ref(), || {
            let (story_of, members) = cluster(compact, table, &metas, &options.cluster, progress);
            let (briefs, truncated) = report_stories(
                &members,
                &metas,
                &spool,
                aligner,
                &options.derive,
                sink,
                progress,
            )?;
            let sizes: Vec<usize> = members.iter().map(Vec::len).collect();
            Ok::<_, Error>((story_of, sizes, briefs, truncated))
        })?;
        progress.pass("reported");
        Ok(Folded {
            assignments: metas
                .into_iter()
                .zip(story_of)
                .map(|(m, s)| (m.id, s + 1))
                .collect(),
            sizes,
            briefs,
            truncated,
            read: self.read,
            skipped: self.skipped,
        })
    }
}

/// The cluster pass: every article's story (0-based) and every story's members in processing
/// order.
fn cluster(
    compact: Vec<CompactTerms>,
    table: TermTable,
    metas: &[Meta],
    cfg: &ClusterConfig,
    progress: &dyn Progress,
) -> (Vec<usize>, Vec<Vec<usize>>) {
    let vectors: Vec<TermVector> = compact
        .into_par_iter()
        .map(|c| table.weigh(&c, &cfg.features))
        .collect();
    drop(table);
    let published: Vec<Option<i64>> = metas
        .iter()
        .map(|m| m.published.map(|d| d.timestamp()))
        .collect();
    progress.pass("weighed");
    let story_of = cluster_vectors(vectors, &published, cfg);
    let (order, _) = processing_order_of(&published);
    let n_stories = story_of.iter().map(|&s| s + 1).max().unwrap_or(0);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_stories];
    for &i in &order {
        members[story_of[i]].push(i);
    }
    progress.pass(&format!("clustered into {n_stories} stories"));
    (story_of, members)
}

/// The report pass: the reports to `sink` in story order; the briefs and the number of
/// truncated stories.
fn report_stories(
    members: &[Vec<usize>],
    metas: &[Meta],
    spool: &SpoolReader,
    aligner: &Aligner,
    derive: &DeriveConfig,
    sink: &mut impl StorySink,
    progress: &dyn Progress,
) -> Result<(Vec<StoryBrief>, usize)> {
    progress.start(Stage::Report, Some(members.len() as u64));
    let mut briefs = Vec::new();
    let mut truncated = 0usize;
    for (c, chunk) in members.chunks(CHUNK).enumerate() {
        // Largest stories first, so that no large story starts last and leaves the other
        // workers idle at the end of the chunk; each worker also encodes its reports.
        let mut by_size: Vec<usize> = (0..chunk.len()).collect();
        by_size.sort_by_key(|&k| (std::cmp::Reverse(chunk[k].len()), k));
        let encoder = &*sink;
        let mut done: Vec<(usize, _, Option<StoryBrief>, bool)> = by_size
            .par_iter()
            .map(|&k| {
                let number = c * CHUNK + k + 1;
                let r = story_report(number, metas, &chunk[k], spool, aligner, derive)?;
                let encoded = encoder.encode(&r).map_err(Error::Output)?;
                Ok((
                    k,
                    encoded,
                    (r.size > 1).then(|| StoryBrief::of(&r)),
                    r.truncated,
                ))
            })
            .collect::<Result<_>>()?;
        done.sort_unstable_by_key(|x| x.0);
        for (_, encoded, brief, cut) in done {
            sink.write(encoded).map_err(Error::Output)?;
            briefs.extend(brief);
            truncated += usize::from(cut);
        }
        progress.set(Stage::Report, ((c + 1) * CHUNK).min(members.len()) as u64);
    }
    progress.finish(Stage::Report);
    Ok((briefs, truncated))
}
