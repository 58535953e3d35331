//! The live story index: articles join their story as they arrive, stories keep their ids, and
//! everything is kept in a store between runs.
//!
//! [`StoryIndex`] is the front door (built by [`StoryIndex::builder`]); it is `Send + Sync`,
//! every method takes `&self` and locks internally, and the store behind it is a
//! [`Store`](crate::store::Store) (an SQLite file by default, [`crate::store::sqlite`]).
//!
//! ## Placing an article ([`StoryIndex::insert`])
//!
//! 1. **Exact copy**: an indexed article with the same normalized text (exact hash) →
//!    relation [`Relation::Exact`], `duplicate_of` = the first such article still indexed;
//!    the copy joins that article's story (even a closed one).
//! 2. **Near duplicate**: articles sharing an LSH band of the MinHash signature (the dedup
//!    settings: 128 permutations, word 5-grams) whose estimated Jaccard is at least the dedup
//!    threshold (0.8) → [`Relation::NearDuplicate`] with the most similar (ties: the earliest);
//!    joins its story.
//! 3. **Clustering**: otherwise the article's TF-IDF vector (document frequencies of the
//!    articles indexed so far, [`df`]) is matched against the open stories exactly as
//!    [`crate::story::cluster`] does (candidates from the postings of its 30 heaviest terms, at
//!    most 16 scored, average link minus the time penalty, the window): it joins the best
//!    story at or above the join threshold, else opens a new one ([`Relation::NewStory`]).
//! 4. **Derivation** (joining a story): the article is aligned with the members of its story
//!    that share the most sentences with it, then the most similar by TF-IDF cosine
//!    (`DeriveConfig::candidates`, at least one); when an alignment says `exact`,
//!    `near_duplicate` or `rewrite` the relation is [`Relation::Rewrite`] with
//!    `derived_from` = the best of them (stronger relation, then containment, then score);
//!    otherwise [`Relation::SameStory`].
//!
//! `similarity` is the estimated Jaccard for a near duplicate (1 for an exact copy), the
//! alignment score for a rewrite, the story similarity (average link minus time penalty) for
//! `same_story`, and null for `new_story`; 1 only for an exact copy, at most 0.9999 for any
//! other relation ([`shown`]). A `same_story` article has no `derived_from`.
//!
//! An undated article takes the index clock: the latest effective time seen so far.
//! [`StoryIndex::insert_batch`] prepares articles in parallel, decides in order and aligns in
//! parallel: its placements are those of inserting the articles one by one.
//!
//! ## Stable ids and events
//!
//! A story keeps its id as articles join it. [`StoryIndex::refine`] runs the refinement of
//! [`crate::story::cluster`] (merge, reassign/split, bisect) on the stories touched since the
//! last refinement; on a merge the smaller id stays, on a split the part holding the story's
//! origin keeps the id. Every change is an event ([`StoryEvent`]): `created`, `merged`,
//! `split`, `moved`, `removed`, `evicted`.

pub mod df;
mod place;
mod refine;
mod state;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::align::alignment::{Aligner, Alignment, MatchKind};
use crate::align::similarity::Idf;
use crate::align::PreparedDoc;
use crate::dedup::DedupConfig;
use crate::error::{Error, Result};
use crate::fingerprint::Fingerprinter;
use crate::ingest::{Article, Location};
use crate::store::sqlite::{Durability, SqliteStore};
use crate::store::{ArticleRow, Batch, EventRow, ReaderFactory, Store, StoryQuery, StoryRow};
use crate::story::cluster::ClusterConfig;
use crate::story::derive::DeriveConfig;
use crate::story::report::{self, StoryReport};

use state::State;

/// A story's stable id.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct StoryId(pub u64);

impl std::fmt::Display for StoryId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// How an inserted article was placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The same normalized text as an indexed article.
    Exact,
    /// A near duplicate (MinHash Jaccard at or above the dedup threshold).
    NearDuplicate,
    /// A rewrite of a member of its story (by alignment).
    Rewrite,
    /// Joined a story as an independent report.
    SameStory,
    /// Opened a new story.
    NewStory,
}

impl Relation {
    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Relation::Exact => "exact",
            Relation::NearDuplicate => "near_duplicate",
            Relation::Rewrite => "rewrite",
            Relation::SameStory => "same_story",
            Relation::NewStory => "new_story",
        }
    }

    /// Parse [`Relation::name`].
    pub fn parse(s: &str) -> Option<Self> {
        [
            Relation::Exact,
            Relation::NearDuplicate,
            Relation::Rewrite,
            Relation::SameStory,
            Relation::NewStory,
        ]
        .into_iter()
        .find(|r| r.name() == s)
    }
}

/// A matched pair of sentences shown as evidence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Passage {
    /// How the sentence of the article matches (verbatim, edited, paraphrase).
    pub kind: MatchKind,
    /// Sentence similarity.
    pub score: f64,
    /// The sentence of the article compared against.
    pub a: String,
    /// The sentence of the inserted article.
    pub b: String,
}

/// Why an article was placed as it was: the article it was compared with and the scores.
/// The full alignment of the two is [`StoryIndex::compare`]`(against, id)`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence {
    /// The article compared against.
    pub against: String,
    /// Estimated Jaccard of the MinHash signatures (copies).
    pub jaccard: Option<f64>,
    /// Alignment score (rewrites and independent reports).
    pub score: Option<f64>,
    /// Share of the inserted article found in `against`.
    pub containment_b_in_a: Option<f64>,
    /// Share of `against` found in the inserted article.
    pub containment_a_in_b: Option<f64>,
    /// The first matched sentence pairs (at most [`MAX_PASSAGES`]).
    pub passages: Vec<Passage>,
}

/// Most passages in an [`Evidence`].
pub const MAX_PASSAGES: usize = 3;

/// A placement's similarity as shown: 1 only for [`Relation::Exact`], at most
/// [`MAX_INEXACT_SIMILARITY`](crate::align::alignment::MAX_INEXACT_SIMILARITY) for the others
/// (an estimated Jaccard or an alignment score of 1 between texts that are not the same).
pub(crate) fn shown(relation: Relation, similarity: Option<f64>) -> Option<f64> {
    similarity.map(|s| crate::align::alignment::shown_similarity(s, relation == Relation::Exact))
}

/// Where an inserted article went.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Placement {
    /// The article's id.
    pub id: String,
    /// Its story.
    pub story: StoryId,
    /// Whether it opened the story.
    pub new_story: bool,
    /// How it was placed.
    pub relation: Relation,
    /// The article it copies (exact and near duplicates).
    pub duplicate_of: Option<String>,
    /// The article it derives from (copies and rewrites).
    pub derived_from: Option<String>,
    /// See the [module docs](self).
    pub similarity: Option<f64>,
    /// What the decision rests on (none for a new story).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

/// A placement as `storyfold add` writes it and `POST /v1/articles` answers it: the fields of
/// [`Placement`] with `similarity` rounded to 4 decimals, and the evidence only when asked
/// for ([`Placement::line`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlacementLine<'a> {
    /// The article's id.
    pub id: &'a str,
    /// Its story.
    pub story: StoryId,
    /// Whether it opened the story.
    pub new_story: bool,
    /// How it was placed.
    pub relation: Relation,
    /// The article it copies.
    pub duplicate_of: Option<&'a str>,
    /// The article it derives from.
    pub derived_from: Option<&'a str>,
    /// See the [module docs](self), rounded to 4 decimals.
    pub similarity: Option<f64>,
    /// What the decision rests on (with `evidence` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<&'a Evidence>,
}

impl Placement {
    /// The line written for this placement (see [`PlacementLine`]).
    pub fn line(&self, evidence: bool) -> PlacementLine<'_> {
        PlacementLine {
            id: &self.id,
            story: self.story,
            new_story: self.new_story,
            relation: self.relation,
            duplicate_of: self.duplicate_of.as_deref(),
            derived_from: self.derived_from.as_deref(),
            similarity: self.similarity.map(report::round4),
            evidence: if evidence {
                self.evidence.as_ref()
            } else {
                None
            },
        }
    }
}

/// Two indexed articles aligned ([`StoryIndex::comparison`]).
#[derive(Clone, Debug)]
pub struct Comparison {
    /// Article A.
    pub a: Article,
    /// Article B (aligned against A).
    pub b: Article,
    /// A's sentences (the indices of [`Alignment`] point into them).
    pub a_sentences: Vec<String>,
    /// B's sentences.
    pub b_sentences: Vec<String>,
    /// B against A.
    pub alignment: Alignment,
}

/// Which stories [`StoryIndex::stories`] lists (all conditions must hold).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoryFilter {
    /// Changed at or after this time (seconds since the epoch, wall clock).
    pub since: Option<i64>,
    /// At least this many articles.
    pub min_size: Option<usize>,
    /// With an article from this source.
    pub source: Option<String>,
    /// Title containing this text (ASCII letters case-insensitive).
    pub query: Option<String>,
    /// At most this many stories.
    pub limit: Option<usize>,
    /// Only stories with a smaller id (the next page after the last one listed).
    pub cursor: Option<StoryId>,
    /// List the latest changed first (then by decreasing id) instead of by decreasing id.
    pub by_update: bool,
    /// With `by_update`: only the stories listed after this one, given as its `updated` time
    /// (seconds) and id (the next page; see [`StorySummary::updated_secs`]).
    pub after_update: Option<(i64, StoryId)>,
}

fn rfc3339(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .unwrap_or_default()
        .to_rfc3339()
}

/// A story in a listing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StorySummary {
    /// Its id.
    pub story: StoryId,
    /// The origin's headline.
    pub title: String,
    /// Number of articles.
    pub size: usize,
    /// Id of its origin (earliest article).
    pub origin: String,
    /// Earliest effective time of an article (RFC 3339).
    pub first: Option<String>,
    /// Latest effective time of an article.
    pub last: Option<String>,
    /// When it was created (wall clock).
    pub created: String,
    /// When it last changed (wall clock).
    pub updated: String,
    /// Changes so far.
    pub version: u64,
}

impl StorySummary {
    /// [`StorySummary::updated`] in seconds since the epoch (0 if unreadable): with the id,
    /// the cursor of [`StoryFilter::after_update`].
    pub fn updated_secs(&self) -> i64 {
        DateTime::parse_from_rfc3339(&self.updated).map_or(0, |t| t.timestamp())
    }

    fn of(r: &StoryRow) -> Self {
        StorySummary {
            story: StoryId(r.id),
            title: r.title.clone(),
            size: r.size as usize,
            origin: r.origin.clone(),
            first: r.first.map(rfc3339),
            last: r.last.map(rfc3339),
            created: rfc3339(r.created),
            updated: rfc3339(r.updated),
            version: r.version,
        }
    }
}

/// What happened to a story.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A new story (`article` opened it).
    Created,
    /// Story `other` merged into `story` (`other` is gone).
    Merged,
    /// Part of `story` left to form the new story `other`.
    Split,
    /// `article` moved from story `other` to `story`.
    Moved,
    /// `story` lost its last article (`article`) to a removal.
    Removed,
    /// `story` was evicted with its articles.
    Evicted,
}

impl EventKind {
    fn name(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::Merged => "merged",
            EventKind::Split => "split",
            EventKind::Moved => "moved",
            EventKind::Removed => "removed",
            EventKind::Evicted => "evicted",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [
            EventKind::Created,
            EventKind::Merged,
            EventKind::Split,
            EventKind::Moved,
            EventKind::Removed,
            EventKind::Evicted,
        ]
        .into_iter()
        .find(|k| k.name() == s)
    }
}

/// A recorded change of a story.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoryEvent {
    /// Sequence number (increasing; a consumer resumes after the last one it saw).
    pub seq: u64,
    /// When (RFC 3339, wall clock).
    pub at: String,
    /// What happened.
    pub kind: EventKind,
    /// The story concerned (the one that stays, for a merge or split).
    pub story: StoryId,
    /// The other story.
    pub other: Option<StoryId>,
    /// The article concerned.
    pub article: Option<String>,
}

/// Which events [`StoryIndex::events`] lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Only events after this sequence number.
    pub after: Option<u64>,
    /// Only events at or after this time (seconds, wall clock).
    pub since: Option<i64>,
}

/// Counts of an index.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IndexStats {
    /// Articles stored.
    pub articles: u64,
    /// Stories stored.
    pub stories: u64,
    /// Stories in memory (the open window).
    pub open_stories: u64,
    /// Articles in memory.
    pub open_articles: u64,
    /// Events recorded.
    pub events: u64,
    /// Size of the store (bytes).
    pub bytes: u64,
    /// The index clock (RFC 3339), null before any dated article.
    pub clock: Option<String>,
}

/// The settings stored with an index at creation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Settings {
    cluster: ClusterConfig,
    dedup: DedupConfig,
    derive: DeriveConfig,
}

/// Builds a [`StoryIndex`], validating its settings.
#[derive(Clone, Debug, Default)]
pub struct StoryIndexBuilder {
    cluster: Option<ClusterConfig>,
    window: Option<Option<i64>>,
    dedup: Option<DedupConfig>,
    derive: Option<DeriveConfig>,
    durability: Durability,
    reconfigure: bool,
    create: bool,
    aligner: Option<Aligner>,
}

fn check(ok: bool, field: &'static str, message: String) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::config(field, message))
    }
}

fn in_unit(x: f64, field: &'static str, zero_ok: bool) -> Result<()> {
    let ok = x.is_finite() && x <= 1.0 && if zero_ok { x >= 0.0 } else { x > 0.0 };
    let range = if zero_ok { "[0, 1]" } else { "(0, 1]" };
    check(ok, field, format!("must be in {range}, got {x}"))
}

impl Settings {
    fn validate(&self) -> Result<()> {
        let c = &self.cluster;
        in_unit(c.join_threshold, "cluster.join_threshold", false)?;
        in_unit(c.merge_threshold, "cluster.merge_threshold", false)?;
        in_unit(c.split_threshold, "cluster.split_threshold", true)?;
        in_unit(c.separation_ratio, "cluster.separation_ratio", true)?;
        in_unit(c.time_penalty, "cluster.time_penalty", true)?;
        check(
            c.move_margin.is_finite() && (0.0..=1.0).contains(&c.move_margin),
            "cluster.move_margin",
            format!("must be in [0, 1], got {}", c.move_margin),
        )?;
        check(
            c.time_scale >= 0,
            "cluster.time_scale",
            format!("must not be negative, got {}", c.time_scale),
        )?;
        if let Some(w) = c.window {
            check(
                w > 0,
                "cluster.window",
                format!("must be positive (or none), got {w} seconds"),
            )?;
        }
        let f = &c.features;
        for (x, field) in [
            (f.title_weight, "cluster.features.title_weight"),
            (f.entity_weight, "cluster.features.entity_weight"),
            (f.number_weight, "cluster.features.number_weight"),
            (f.date_weight, "cluster.features.date_weight"),
            (f.year_weight, "cluster.features.year_weight"),
        ] {
            check(
                x.is_finite() && x > 0.0 && x <= 100.0,
                field,
                format!("must be in (0, 100], got {x}"),
            )?;
        }
        check(
            f.background_weight.is_finite() && (0.0..=1e9).contains(&f.background_weight),
            "cluster.features.background_weight",
            format!("must be in [0, 1e9], got {}", f.background_weight),
        )?;
        check(
            (1..=10_000).contains(&f.max_terms),
            "cluster.features.max_terms",
            format!("must be in 1..=10000, got {}", f.max_terms),
        )?;
        in_unit(self.dedup.threshold, "dedup.threshold", false)?;
        let fp = &self.dedup.fingerprint;
        check(
            (1..=1024).contains(&fp.num_perm),
            "dedup.fingerprint.num_perm",
            format!("must be in 1..=1024, got {}", fp.num_perm),
        )?;
        check(
            (1..=32).contains(&fp.ngram),
            "dedup.fingerprint.ngram",
            format!("must be in 1..=32, got {}", fp.ngram),
        )?;
        check(
            self.derive.candidates <= 64,
            "derive.candidates",
            format!("must be at most 64, got {}", self.derive.candidates),
        )?;
        Ok(())
    }
}

impl StoryIndexBuilder {
    /// Clustering settings (validated by [`open`](Self::open)).
    pub fn cluster(mut self, cfg: ClusterConfig) -> Self {
        self.cluster = Some(cfg);
        self
    }

    /// The window in seconds (`None`: stories never close); overrides the cluster setting.
    pub fn window(mut self, window: Option<i64>) -> Self {
        self.window = Some(window);
        self
    }

    /// Near-duplicate settings (threshold, MinHash).
    pub fn dedup(mut self, cfg: DedupConfig) -> Self {
        self.dedup = Some(cfg);
        self
    }

    /// Derivation settings (candidates aligned per article).
    pub fn derive(mut self, cfg: DeriveConfig) -> Self {
        self.derive = Some(cfg);
        self
    }

    /// How hard commits are made to last (see [`Durability`]).
    pub fn durability(mut self, d: Durability) -> Self {
        self.durability = d;
        self
    }

    /// Accept settings that differ from those stored in an existing index (and store them).
    /// Without it, opening an index with other settings is an [`Error::Config`].
    pub fn reconfigure(mut self, on: bool) -> Self {
        self.reconfigure = on;
        self
    }

    /// The aligner (default: the built-in IDF table).
    pub fn aligner(mut self, aligner: Aligner) -> Self {
        self.aligner = Some(aligner);
        self
    }

    /// Whether [`open`](Self::open) may create a missing file (default true).
    pub fn create(mut self, on: bool) -> Self {
        self.create = on;
        self
    }

    fn explicit(&self) -> bool {
        self.cluster.is_some()
            || self.window.is_some()
            || self.dedup.is_some()
            || self.derive.is_some()
    }

    fn settings(&self, base: Option<Settings>) -> Settings {
        let mut s = base.unwrap_or_else(|| Settings {
            cluster: ClusterConfig::default(),
            dedup: DedupConfig::default(),
            derive: DeriveConfig::default(),
        });
        if let Some(c) = &self.cluster {
            s.cluster = c.clone();
        }
        if let Some(w) = self.window {
            s.cluster.window = w;
        }
        if let Some(d) = &self.dedup {
            s.dedup = d.clone();
        }
        if let Some(d) = self.derive {
            s.derive = d;
        }
        s
    }

    /// Open (or create) the index file at `path`.
    pub fn open(self, path: impl AsRef<Path>) -> Result<StoryIndex> {
        // Validate before touching the file.
        self.settings(None).validate()?;
        let store = SqliteStore::open(path.as_ref(), self.create, self.durability)?;
        self.with_store(Box::new(store))
    }

    /// An index in memory (nothing is kept when it is dropped).
    pub fn in_memory(self) -> Result<StoryIndex> {
        self.settings(None).validate()?;
        self.with_store(Box::new(SqliteStore::in_memory()?))
    }

    /// An index on any [`Store`].
    pub fn with_store(self, mut store: Box<dyn Store>) -> Result<StoryIndex> {
        let stored: Option<Settings> = match store.meta("settings")? {
            Some(json) => Some(serde_json::from_str(&json).map_err(|e| Error::Schema {
                path: "index".into(),
                message: format!("the stored settings are damaged: {e}"),
            })?),
            None => None,
        };
        let settings = self.settings(stored.clone());
        settings.validate()?;
        if let Some(old) = &stored {
            if old != &settings && !self.reconfigure {
                let field = if old.cluster != settings.cluster {
                    "cluster"
                } else if old.dedup != settings.dedup {
                    "dedup"
                } else {
                    "derive"
                };
                return Err(Error::config(
                    field,
                    format!(
                        "the index was created with other settings ({}); open it without settings to use them, or reconfigure to replace them",
                        serde_json::to_string(&match field {
                            "cluster" => serde_json::to_value(&old.cluster),
                            "dedup" => serde_json::to_value(&old.dedup),
                            _ => serde_json::to_value(old.derive),
                        }
                        .unwrap_or_default())
                        .unwrap_or_default()
                    ),
                ));
            }
        }
        if stored.as_ref() != Some(&settings) && (stored.is_none() || self.explicit()) {
            let json = serde_json::to_string(&settings)
                .map_err(|e| Error::store("encode the settings", e))?;
            store.commit(&Batch {
                meta: vec![("settings".into(), json)],
                ..Batch::default()
            })?;
        }
        let state = State::load(settings.cluster.clone(), store.as_ref())?;
        let fingerprinter = Fingerprinter::new(crate::fingerprint::FingerprintConfig {
            sentences: true,
            simhash: false,
            shingle_set: false,
            ..settings.dedup.fingerprint.clone()
        });
        Ok(StoryIndex {
            lsh: settings.dedup.lsh_params(),
            aligner: self.aligner.unwrap_or_else(|| Aligner::new(Idf::builtin())),
            fingerprinter,
            settings,
            readers: store.reader_factory().map(|open| Readers {
                open,
                idle: Mutex::new(Vec::new()),
            }),
            published: Mutex::new(Published::of(&state)),
            inner: Mutex::new(Inner { store, state }),
            reports: Mutex::new(ReportCache::default()),
        })
    }
}

/// The store and the in-memory state, behind one lock.
struct Inner {
    store: Box<dyn Store>,
    state: State,
}

impl Published {
    fn of(state: &State) -> Self {
        let (open_stories, open_articles) = state.open_counts();
        Published {
            open_stories,
            open_articles,
            clock: state.clock,
        }
    }
}

impl Inner {
    /// Rebuild the in-memory state from the store (after a failed write).
    fn reload(&mut self, cfg: &ClusterConfig) {
        if let Ok(state) = State::load(cfg.clone(), self.store.as_ref()) {
            self.state = state;
        }
    }
}

/// Articles checked and prepared by [`StoryIndex::prepare`], to be inserted by
/// [`StoryIndex::insert_prepared`].
pub struct PreparedBatch(Vec<place::Prepared>);

impl PreparedBatch {
    /// Number of articles.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for PreparedBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedBatch")
            .field("articles", &self.0.len())
            .finish()
    }
}

/// Read-only connections to the store, kept for reuse (see [`StoryIndex`]'s reads).
struct Readers {
    open: ReaderFactory,
    idle: Mutex<Vec<Box<dyn Store>>>,
}

/// Idle read connections kept at most (more are opened while more readers run at once).
const IDLE_READERS: usize = 8;

/// What the readers see of the in-memory state, copied from it after every write.
#[derive(Clone, Copy, Debug, Default)]
struct Published {
    open_stories: u64,
    open_articles: u64,
    clock: Option<i64>,
}

/// Cached story details, by story id: the version they were built at, and the detail.
#[derive(Default)]
struct ReportCache {
    entries: HashMap<u64, (u64, Arc<StoryDetail>)>,
    /// [`StoryDetail::bytes`] of the entries.
    bytes: usize,
}

/// Most story details cached.
const REPORT_CACHE: usize = 256;

/// Most bytes of text the cached story details hold (a detail above it is not cached).
const REPORT_CACHE_BYTES: usize = 16 << 20;

impl ReportCache {
    fn get(&self, story: u64, version: u64) -> Option<Arc<StoryDetail>> {
        self.entries
            .get(&story)
            .filter(|(v, _)| *v == version)
            .map(|(_, d)| d.clone())
    }

    /// Keep `detail`; everything is dropped when a limit would be passed (the entries of a
    /// busy index are rebuilt at their next version anyway).
    fn put(&mut self, story: u64, version: u64, detail: Arc<StoryDetail>) {
        let size = detail.bytes();
        if size > REPORT_CACHE_BYTES {
            return;
        }
        if let Some((_, old)) = self.entries.remove(&story) {
            self.bytes -= old.bytes();
        }
        if self.entries.len() >= REPORT_CACHE || self.bytes + size > REPORT_CACHE_BYTES {
            self.entries.clear();
            self.bytes = 0;
        }
        self.bytes += size;
        self.entries.insert(story, (version, detail));
    }
}

/// A story's report with what its page shows besides: each member's headline, and the
/// comparison of each member derived from another with that member
/// ([`StoryIndex::story_detail`]).
#[derive(Clone, Debug)]
pub struct StoryDetail {
    /// The report ([`StoryIndex::story`]).
    pub report: StoryReport,
    /// Headline of each member, by id.
    pub headlines: HashMap<String, String>,
    /// For each member with a `derived_from`, in the order of the report's members: the
    /// alignment of the member (B) against the member it derives from (A), the one the
    /// report's derivation computed (what [`StoryIndex::comparison`] gives for the two).
    pub changes: Vec<Comparison>,
}

impl StoryDetail {
    /// About the bytes of text it holds (what bounds the cache).
    fn bytes(&self) -> usize {
        let article = |a: &Article| a.text.len() + a.title.as_ref().map_or(0, String::len);
        let sentences = |s: &[String]| s.iter().map(|x| x.len() + 24).sum::<usize>();
        let changes: usize = self
            .changes
            .iter()
            .map(|c| {
                article(&c.a)
                    + article(&c.b)
                    + sentences(&c.a_sentences)
                    + sentences(&c.b_sentences)
            })
            .sum();
        let heads: usize = self.headlines.iter().map(|(k, v)| k.len() + v.len()).sum();
        let members = self.report.members.len() * 256;
        changes + heads + members + 1024
    }

    /// The comparison shown for a member (`None`: it derives from none).
    pub fn change_of(&self, member: &str) -> Option<&Comparison> {
        self.changes.iter().find(|c| c.b.id == member)
    }
}

/// The live story index (see the [module docs](self)).
pub struct StoryIndex {
    inner: Mutex<Inner>,
    settings: Settings,
    aligner: Aligner,
    fingerprinter: Fingerprinter,
    lsh: crate::index::lsh::LshParams,
    reports: Mutex<ReportCache>,
    readers: Option<Readers>,
    published: Mutex<Published>,
}

impl std::fmt::Debug for StoryIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoryIndex")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// Wall-clock seconds.
fn now() -> i64 {
    Utc::now().timestamp()
}

impl StoryIndex {
    /// A builder with the default settings; an existing index keeps its stored settings.
    pub fn builder() -> StoryIndexBuilder {
        StoryIndexBuilder {
            create: true,
            ..StoryIndexBuilder::default()
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Run `f` on one committed state of the store, without the writer's lock when the store
    /// has read-only connections ([`Store::reader_factory`]; an SQLite file has): a read does
    /// not wait for a write in progress, and sees every write committed before it started.
    /// A store without them (in memory) is read under the lock.
    fn read<T>(&self, f: impl FnOnce(&dyn Store) -> Result<T>) -> Result<T> {
        let Some(readers) = &self.readers else {
            return f(self.lock().store.as_ref());
        };
        let idle = readers
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let conn = match idle {
            Some(c) => c,
            None => (readers.open)()?,
        };
        conn.begin_read()?;
        let out = f(conn.as_ref());
        // A connection whose transaction does not end cleanly is dropped, not reused.
        if conn.end_read().is_ok() {
            let mut idle = readers.idle.lock().unwrap_or_else(PoisonError::into_inner);
            if idle.len() < IDLE_READERS {
                idle.push(conn);
            }
        }
        out
    }

    /// Copy what readers see of the in-memory state (after a write, under the lock).
    fn publish(&self, inner: &Inner) {
        *self
            .published
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Published::of(&inner.state);
    }

    fn published(&self) -> Published {
        *self
            .published
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The clustering settings in use.
    pub fn cluster_config(&self) -> &ClusterConfig {
        &self.settings.cluster
    }

    /// The near-duplicate settings in use.
    pub fn dedup_config(&self) -> &DedupConfig {
        &self.settings.dedup
    }

    /// The derivation settings in use.
    pub fn derive_config(&self) -> &DeriveConfig {
        &self.settings.derive
    }

    /// Insert one article (see the [module docs](self)); [`Error::AlreadyExists`] for an id
    /// already indexed.
    pub fn insert(&self, article: Article) -> Result<Placement> {
        let mut out = self.insert_batch(vec![article])?;
        out.pop().ok_or_else(|| Error::Store {
            message: "an insert placed nothing".into(),
        })
    }

    /// Insert articles in one transaction, with the placements of inserting them one by one
    /// in order. Nothing is inserted when an article is refused (an id already indexed or
    /// repeated in the batch, an empty text).
    pub fn insert_batch(&self, articles: Vec<Article>) -> Result<Vec<Placement>> {
        self.insert_prepared(self.prepare(articles)?)
    }

    /// Check a batch and compute what does not depend on the index (fingerprints, sentence
    /// hashes, terms), without the lock: the first half of [`insert_batch`](Self::insert_batch).
    /// A server prepares the next batch while [`insert_prepared`](Self::insert_prepared)
    /// places the one before. Refuses what `insert_batch` refuses of the batch itself (an
    /// empty or too long id or text, an id repeated in the batch); ids already indexed are
    /// refused by `insert_prepared`.
    pub fn prepare(&self, articles: Vec<Article>) -> Result<PreparedBatch> {
        Ok(PreparedBatch(place::prepare_all(self, articles)?))
    }

    /// Insert a batch made by [`prepare`](Self::prepare) (of this index), as
    /// [`insert_batch`](Self::insert_batch) does.
    pub fn insert_prepared(&self, batch: PreparedBatch) -> Result<Vec<Placement>> {
        let prepared = batch.0;
        if prepared.is_empty() {
            return Ok(Vec::new());
        }
        let mut inner = self.lock();
        let out = place::insert(self, &mut inner, prepared);
        if out.is_err() {
            inner.reload(&self.settings.cluster);
        }
        self.publish(&inner);
        out
    }

    /// Whether an article id is indexed.
    pub fn contains(&self, id: &str) -> Result<bool> {
        self.read(|store| Ok(store.seq_of(id)?.is_some()))
    }

    /// The story of an article (`None` when the id is not indexed).
    pub fn story_of(&self, id: &str) -> Result<Option<StoryId>> {
        self.read(|store| match store.seq_of(id)? {
            Some(seq) => Ok(store.story_of_seq(seq)?.map(StoryId)),
            None => Ok(None),
        })
    }

    /// An indexed article as it was given.
    pub fn article(&self, id: &str) -> Result<Article> {
        Ok(to_article(self.read(|store| Self::row(store, id))?))
    }

    /// The stored placement of an indexed article: as decided at insertion, or as changed
    /// since by the refinement or a removal (without evidence).
    pub fn placement(&self, id: &str) -> Result<Placement> {
        let row = self.read(|store| Self::row(store, id))?;
        Ok(Placement {
            id: row.id,
            story: StoryId(row.story),
            new_story: row.new_story,
            relation: Relation::parse(&row.relation).unwrap_or(Relation::SameStory),
            duplicate_of: row.duplicate_of,
            derived_from: row.derived_from,
            similarity: row.similarity,
            evidence: None,
        })
    }

    fn row(store: &dyn Store, id: &str) -> Result<ArticleRow> {
        let not_found = || Error::NotFound {
            what: "article",
            id: id.to_string(),
        };
        let seq = store.seq_of(id)?.ok_or_else(not_found)?;
        store.article(seq)?.ok_or_else(not_found)
    }

    /// The report of a story: the same as `fold` gives for these members (derivation, shared
    /// sentences, additions, disagreements), numbered by the story id. A story merged into
    /// another, removed or evicted is [`Error::NotFound`] with what became of it.
    pub fn story(&self, story: StoryId) -> Result<StoryReport> {
        Ok(self.story_detail(story)?.report.clone())
    }

    /// The report of a story with what its page shows besides ([`StoryDetail`]): the
    /// comparisons come from the report's own derivation, so they cost no alignment of their
    /// own. Details are cached by story version (bounded in number and bytes).
    pub fn story_detail(&self, story: StoryId) -> Result<Arc<StoryDetail>> {
        /// What one read of the store found: the cached detail, or what to build it from.
        enum Found {
            Cached(Arc<StoryDetail>),
            Rows(StoryRow, Vec<ArticleRow>),
        }
        let found = self.read(|store| {
            let Some(row) = store.story(story.0)? else {
                let fate = store.fate(story.0)?;
                return Err(Error::NotFound {
                    what: "story",
                    id: match fate {
                        Some(e) if e.kind == "merged" => {
                            format!(
                                "{} (merged into story {} by event {})",
                                story, e.story, e.seq
                            )
                        }
                        Some(e) => format!("{} ({} by event {})", story, e.kind, e.seq),
                        None => story.to_string(),
                    },
                });
            };
            let cached = self
                .reports
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(story.0, row.version);
            if let Some(detail) = cached {
                return Ok(Found::Cached(detail));
            }
            let mut rows = Vec::new();
            for seq in store.members(story.0)? {
                if let Some(r) = store.article(seq)? {
                    rows.push(r);
                }
            }
            Ok(Found::Rows(row, rows))
        })?;
        let (row, articles) = match found {
            Found::Rows(row, rows) => (row, rows),
            Found::Cached(report) => return Ok(report),
        };
        // Processing order: effective time, then insertion order (as `fold` orders members).
        let mut articles = articles;
        articles.sort_by_key(|a| (a.time, a.seq));
        let number = story.0 as usize;
        let headlines = articles
            .iter()
            .map(|a| (a.id.clone(), a.headline.clone()))
            .collect();
        let detail = if let [only] = articles.as_slice() {
            let headline = only.headline.clone();
            StoryDetail {
                report: report::singleton(number, &to_article(only.clone()), &headline),
                headlines,
                changes: Vec::new(),
            }
        } else {
            let arts: Vec<Article> = articles.into_iter().map(to_article).collect();
            let members: Vec<usize> = (0..arts.len()).collect();
            let (report, docs, d) = report::build_parts(
                number,
                &arts,
                &members,
                &self.aligner,
                &self.settings.derive,
            );
            let texts = |x: usize| docs[x].sentences.iter().map(|s| s.text.clone()).collect();
            let changes = (0..arts.len())
                .filter_map(|x| {
                    let p = d.derived_from[x]?;
                    Some(Comparison {
                        a: arts[p].clone(),
                        b: arts[x].clone(),
                        a_sentences: texts(p),
                        b_sentences: texts(x),
                        alignment: d.reference_alignment[x].clone()?,
                    })
                })
                .collect();
            StoryDetail {
                report,
                headlines,
                changes,
            }
        };
        let detail = Arc::new(detail);
        self.reports
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .put(story.0, row.version, detail.clone());
        Ok(detail)
    }

    /// Stories matching a filter, newest id first (latest changed first with
    /// [`StoryFilter::by_update`]).
    pub fn stories(&self, filter: &StoryFilter) -> Result<Vec<StorySummary>> {
        let q = StoryQuery {
            since: filter.since,
            min_size: filter.min_size.map(|n| n as u64),
            source: filter.source.clone(),
            query: filter.query.clone(),
            limit: filter.limit.map(|n| n as u64),
            before_id: filter.cursor.map(|c| c.0),
            by_update: filter.by_update,
            after_update: filter.after_update.map(|(t, id)| (t, id.0)),
        };
        let rows = self.read(|store| store.list_stories(&q))?;
        Ok(rows.iter().map(StorySummary::of).collect())
    }

    /// The articles of the given stories with their story: `(article id, story)` in insertion
    /// order (with every story of [`stories`](Self::stories), the assignment of every article,
    /// as `fold --assignments` writes it for a batch). Unknown stories have no articles.
    pub fn assignments(&self, stories: &[StoryId]) -> Result<Vec<(String, StoryId)>> {
        let ids: Vec<u64> = stories.iter().map(|s| s.0).collect();
        let members = self.read(|store| store.members_of(&ids))?;
        Ok(members
            .into_iter()
            .map(|m| (m.id, StoryId(m.story)))
            .collect())
    }

    /// Recorded events, in order.
    pub fn events(&self, filter: EventFilter) -> Result<Vec<StoryEvent>> {
        let rows = self.read(|store| store.events(filter.after, filter.since))?;
        Ok(rows
            .into_iter()
            .filter_map(|e| {
                Some(StoryEvent {
                    seq: e.seq,
                    at: rfc3339(e.at),
                    kind: EventKind::parse(&e.kind)?,
                    story: StoryId(e.story),
                    other: e.other.map(StoryId),
                    article: e.article,
                })
            })
            .collect())
    }

    /// Counts.
    pub fn stats(&self) -> Result<IndexStats> {
        let c = self.read(|store| store.counts())?;
        let p = self.published();
        Ok(IndexStats {
            articles: c.articles,
            stories: c.stories,
            open_stories: p.open_stories,
            open_articles: p.open_articles,
            events: c.events,
            bytes: c.bytes,
            clock: p.clock.map(rfc3339),
        })
    }

    /// The index clock: the latest effective time seen (seconds), `None` before any dated
    /// article.
    pub fn clock(&self) -> Option<i64> {
        self.published().clock
    }

    /// The alignment of article `b` against article `a` (what `storyfold compare --json`
    /// reports for the two).
    pub fn compare(&self, a: &str, b: &str) -> Result<Alignment> {
        Ok(self.comparison(a, b)?.alignment)
    }

    /// The alignment of article `b` against article `a` with both articles and their
    /// sentences (the indices of the alignment point into them).
    pub fn comparison(&self, a: &str, b: &str) -> Result<Comparison> {
        let (ra, rb) = self.read(|store| Ok((Self::row(store, a)?, Self::row(store, b)?)))?;
        let (da, db) = (PreparedDoc::new(&ra.text), PreparedDoc::new(&rb.text));
        let alignment = self.aligner.align(&da, &db);
        let texts = |d: PreparedDoc| d.sentences.into_iter().map(|s| s.text).collect();
        Ok(Comparison {
            a_sentences: texts(da),
            b_sentences: texts(db),
            a: to_article(ra),
            b: to_article(rb),
            alignment,
        })
    }

    /// Run the online refinement on the stories touched since the last one; returns the
    /// events it recorded. See the [module docs](self).
    pub fn refine(&self) -> Result<Vec<StoryEvent>> {
        let mut inner = self.lock();
        let out = refine::refine(self, &mut inner);
        if out.is_err() {
            inner.reload(&self.settings.cluster);
        }
        self.publish(&inner);
        drop(inner);
        let rows = out?;
        Ok(rows
            .into_iter()
            .filter_map(|e| {
                Some(StoryEvent {
                    seq: e.seq,
                    at: rfc3339(e.at),
                    kind: EventKind::parse(&e.kind)?,
                    story: StoryId(e.story),
                    other: e.other.map(StoryId),
                    article: e.article,
                })
            })
            .collect())
    }

    /// Delete an article from every table and from its story; articles that derived from it
    /// are derived again, and the story's origin and title recomputed. A story left empty is
    /// deleted (event `removed`). [`Error::NotFound`] when the id is not indexed.
    pub fn remove(&self, id: &str) -> Result<()> {
        let mut inner = self.lock();
        let out = refine::remove(self, &mut inner, id);
        if out.is_err() {
            inner.reload(&self.settings.cluster);
        }
        self.publish(&inner);
        out
    }

    /// Drop every story whose last article is more than `older_than` before the index clock,
    /// with its articles (event `evicted`); returns the number of stories dropped. Nothing
    /// happens before the clock is known (no dated article yet).
    pub fn evict(&self, older_than: std::time::Duration) -> Result<usize> {
        let clock = self.clock();
        match clock {
            Some(c) => self.evict_before(c.saturating_sub(older_than.as_secs() as i64)),
            None => Ok(0),
        }
    }

    /// Drop every story whose last article is before `t` (seconds since the epoch; a story
    /// without any time: inserted before `t`); returns the number of stories dropped.
    pub fn evict_before(&self, t: i64) -> Result<usize> {
        let mut inner = self.lock();
        let out = refine::evict(&mut inner, t);
        if out.is_err() {
            inner.reload(&self.settings.cluster);
        }
        self.publish(&inner);
        out
    }

    /// Check the store's consistency; returns the problems found (empty: sound).
    pub fn check(&self) -> Result<Vec<String>> {
        self.lock().store.check()
    }

    /// Write a checkpoint of the term statistics, so that the next open replays nothing.
    /// Called when the index is dropped; call it to see its error.
    pub fn close(&self) -> Result<()> {
        let mut inner = self.lock();
        if inner.state.df_changes == 0 {
            return Ok(());
        }
        let batch = Batch {
            term_checkpoint: Some((inner.state.next_seq - 1, inner.state.df.encode())),
            ..Batch::default()
        };
        inner.store.commit(&batch)?;
        inner.state.df_upto = inner.state.next_seq - 1;
        inner.state.df_changes = 0;
        Ok(())
    }
}

impl Drop for StoryIndex {
    fn drop(&mut self) {
        let _ = self.close();
    }
}

/// The article of a stored row.
fn to_article(r: ArticleRow) -> Article {
    Article {
        id: r.id,
        title: r.title,
        text: r.text,
        published: r
            .published
            .as_deref()
            .and_then(|p| DateTime::parse_from_rfc3339(p).ok()),
        source: r.source,
        url: r.url,
        lang: r.lang,
        seq: r.seq,
        location: Location::file("index"),
    }
}

/// An event row to record.
fn event(kind: EventKind, story: u64, other: Option<u64>, article: Option<String>) -> EventRow {
    EventRow {
        seq: 0,
        at: now(),
        kind: kind.name().to_string(),
        story,
        other,
        article,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_do_not_wait_for_the_writers_lock() {
        let dir = tempfile::tempdir().expect("tempdir");
        let index = Arc::new(
            StoryIndex::builder()
                .open(dir.path().join("x.db"))
                .expect("open"),
        );
        let placed = index
            .insert(Article::new(
                "a",
                "The council approved the budget on Monday.",
            ))
            .expect("insert");
        // The writer's lock held, as `insert_batch` holds it while it places and commits.
        let held = index.lock();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = {
            let index = index.clone();
            std::thread::spawn(move || {
                let story = index.story(placed.story).expect("story");
                let listed = index.stories(&StoryFilter::default()).expect("stories");
                let article = index.article("a").expect("article");
                let stats = index.stats().expect("stats");
                let _ = tx.send((
                    story.members.len(),
                    listed.len(),
                    article.id,
                    stats.articles,
                ));
            })
        };
        // The reads answer while the lock is still held. A read that waited for the lock
        // would never answer; the bound only keeps such a failure from hanging the test.
        let answer = rx.recv_timeout(std::time::Duration::from_secs(600));
        drop(held);
        reader.join().expect("the reader thread");
        let (members, listed, id, articles) =
            answer.expect("the reads waited for the writer's lock");
        assert_eq!((members, listed, id.as_str(), articles), (1, 1, "a", 1));
    }

    #[test]
    fn an_index_in_memory_reads_under_its_lock() {
        let index = StoryIndex::builder().in_memory().expect("index");
        assert!(index.readers.is_none());
        index
            .insert(Article::new(
                "a",
                "The council approved the budget on Monday.",
            ))
            .expect("insert");
        assert!(index.contains("a").expect("contains"));
    }
}
