//! Online story clustering in publication order, with an optional batch refinement pass.
//!
//! ## Representation
//!
//! Every article becomes a TF-IDF unit vector over words, entities, numbers and dates
//! ([`super::features`]; entities, numbers and dates come from [`super::entities`]). Entity
//! terms are boosted ([`FeatureConfig::entity_weight`] = 2, numbers 2, dates 1.5, years
//! 1900–2099 4: the year of an incident is the surest sign that two reports with the same
//! actor and place are different incidents), and an entity also
//! counts as the ordinary words it is made of, so a shared name weighs about three times a
//! shared word of the same rarity: two reports of *different* incidents of one kind share the
//! event vocabulary (`earthquake`, `rehab`) but not the names, places, figures and dates, and
//! those dominate the similarity. The title counts twice ([`FeatureConfig::title_weight`]).
//!
//! A story keeps the sum of its members' vectors (pruned to its 400 heaviest terms), its
//! size and the time of its first and last article. The similarity of an article `v` to a
//! story `S` is the **average link** `sim(v, S) = v · ΣS / |S|`, i.e. the mean cosine of `v`
//! with the members, minus a time penalty `time_penalty · min(1, gap / time_scale)` where `gap`
//! is the time from the story's last article (0.03 per 7 days, at most 0.03; no penalty when
//! either side has no time).
//!
//! ## Online pass
//!
//! Articles are processed in publication order. In [`cluster_articles`] an undated article
//! takes the time of the nearest dated article before it in input order (it stays right after
//! that article), and undated articles before any dated one come first, in input order; with
//! no dates at all the order is the input order. For each article:
//!
//! 1. **Candidates**: the stories listed in an inverted index under the article's 30
//!    heaviest terms (each member indexes its story under its own 30 heaviest terms; only the
//!    last [`MAX_POSTINGS`] (256) postings of a term are read). Stories whose window has closed
//!    are skipped: a story is **closed** to an article published more than
//!    [`ClusterConfig::window`] after the story's last article (never closed without a window,
//!    or when either time is unknown). Of the rest, at most [`MAX_CANDIDATES`] (16) are
//!    scored: those sharing the largest summed weight (in the article's vector) of those 30
//!    terms. So the work per article is bounded (30 × 256 postings, 16 sparse dot products)
//!    and does not grow with the corpus; on a million undated articles the recency bound on
//!    postings acts as a soft window for common terms, while rare names and figures keep short
//!    lists that reach back to the start.
//! 2. **Decision**: the article joins the candidate with the highest `sim` if that is at least
//!    [`ClusterConfig::join_threshold`] (0.2); otherwise it opens a new story.
//!
//! **Parallel batches** ([`cluster_articles`], [`cluster_vectors`]; the result is the same as
//! one article at a time). Articles are taken in batches of 16 in processing order. First,
//! in parallel, every article of the batch picks its query terms, gathers and scores its
//! candidates against the state before the batch. Then, in order, each article's decision
//! is checked and committed: the candidate set is still the same when none of the article's
//! query terms was indexed by an earlier article of the batch (the posting lists it reads
//! are unchanged) and no story that took in an earlier article of the batch opened or closed
//! for it; then only the candidates that took in an earlier article are scored again.
//! Otherwise the article is queried again against the current state. On generated news
//! about one article in nine of a batch of 16 shares a query term with an earlier one.
//!
//! Document frequencies come from the corpus, blended with the shipped background ones
//! ([`super::features::background`], [`FeatureConfig::background_weight`]): [`cluster_articles`] counts
//! them over the whole input first; a streaming [`StoryClusterer::new`] updates them with
//! every article before weighing it (early articles lean on the background).
//!
//! ## Batch refinement (when the whole input is known; [`ClusterConfig::refine`])
//!
//! Only for inputs of at most [`ClusterConfig::refine_max`] articles (200,000 by default): the
//! refinement is sequential and re-queries every story and member, several rounds, which on a
//! million long articles took longer than the whole online pass (more than 15 minutes on two
//! cores). Larger inputs keep the online clustering.
//!
//! 1. **Merge**: two stories merge when the average link between them,
//!    `cross = ΣA · ΣB / (|A| |B|)`, is at least [`ClusterConfig::merge_threshold`] (0.12),
//!    their time spans are within one window of each other, and they are not **separated**:
//!    two stories of two or more articles each are separated when `cross` is below
//!    [`ClusterConfig::separation_ratio`] (0.5) times the mean of their internal average links
//!    (`(|ΣS|² − |S|) / (|S| (|S| − 1))`, the mean cosine between two members). Candidates
//!    come from the inverted index, bounded as in the online pass. The first round looks at
//!    every story, each later one (at most 5 in all) only at the stories that took in another
//!    in the round before; it stops when nothing merges.
//! 2. **Reassign and split**: each member of a story of two or more is compared with the rest
//!    of its story (`v · (ΣS − v) / (|S| − 1)`) and with the other candidate stories open at its
//!    time; it moves to another story that beats its own by [`ClusterConfig::move_margin`]
//!    (0.02) and passes the join threshold, or leaves as a singleton when its own similarity is
//!    below [`ClusterConfig::split_threshold`] (0.15). At most two rounds; the second looks
//!    only at members of stories that gained or lost a member in the first.
//! 3. **Bisect**: every story of four or more articles is cut in two by 2-means (average link;
//!    seeds: each of the 5 members least similar to the story, paired with the member least
//!    similar to it; at most 8 iterations); the cut with the lowest `cross / mean internal link`
//!    is kept if both halves have two or more articles and the halves are separated (ratio
//!    below 0.5). Halves are bisected again. This is what splits twin incidents that the
//!    online pass joined (same event type and main actor, different incident).
//! 4. **Reassign and split** again (at most two rounds), then **merge** again.
//!
//! Story indices returned by [`cluster_articles`] and [`StoryClusterer::finish`] are 0-based
//! and numbered in order of each story's first article in processing order.

use std::collections::{HashMap, HashSet};
use std::sync::PoisonError;

use rayon::prelude::*;

use super::features::{
    add_scaled, dot, heavier_first, keep_heaviest, raw_terms, weigh, DocFreq, FeatureConfig,
    KeyBuildHasher, KeyProbe, RawTerms, TermVector,
};
use crate::ingest::Article;

/// Terms of an article used to look up candidate stories (and to index its story).
const QUERY_TERMS: usize = 30;
/// Postings read per term (the most recent ones): bounds the work per query.
pub const MAX_POSTINGS: usize = 256;
/// Candidate stories scored per query (those sharing the most query-term weight): bounds the
/// work per query.
pub const MAX_CANDIDATES: usize = 16;
/// Articles whose online decisions are taken in parallel, then checked in order (see the
/// [module docs](self)).
const BATCH: usize = 16;
/// Terms kept in a story's sum vector.
const MAX_STORY_TERMS: usize = 400;
/// Rounds of merging in the refinement.
const MERGE_ROUNDS: usize = 5;
/// Rounds of reassignment in the refinement.
const REASSIGN_ROUNDS: usize = 2;
/// Seeds tried when bisecting a story.
const BISECT_SEEDS: usize = 5;

/// Settings of story clustering (see the [module docs](self) for how each is used).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClusterConfig {
    /// A story closes for an article published more than this many seconds after the story's
    /// last article; `None`: stories never close.
    pub window: Option<i64>,
    /// Smallest similarity (average link minus time penalty) to join a story.
    pub join_threshold: f64,
    /// Run the batch refinement (merge, reassign/split, merge) in [`StoryClusterer::finish`].
    pub refine: bool,
    /// Largest number of articles the refinement runs on (see the [module docs](self)).
    pub refine_max: usize,
    /// Smallest average link between two stories to merge them in the refinement.
    pub merge_threshold: f64,
    /// A member whose similarity to the rest of its story is below this leaves it.
    pub split_threshold: f64,
    /// A member moves to another story only if that one is better by this much.
    pub move_margin: f64,
    /// Two stories of two or more articles each stay apart (are split) when the average link
    /// between them is below this fraction of the mean of their internal average links.
    pub separation_ratio: f64,
    /// Largest time penalty.
    pub time_penalty: f64,
    /// Gap (seconds) at which the time penalty reaches its maximum.
    pub time_scale: i64,
    /// Term weights.
    pub features: FeatureConfig,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            window: Some(7 * 86_400),
            join_threshold: 0.2,
            refine: true,
            refine_max: 200_000,
            merge_threshold: 0.12,
            split_threshold: 0.15,
            move_margin: 0.02,
            separation_ratio: 0.5,
            time_penalty: 0.03,
            time_scale: 7 * 86_400,
            features: FeatureConfig::default(),
        }
    }
}

/// Parse a window: `12h`, `7d`, `2w`, `90m`, `30s` (a bare number means days), or `0` / `none`
/// for no window. Returns seconds (`None` for no window).
///
/// ```
/// use storyfold::story::cluster::parse_window;
/// assert_eq!(parse_window("12h"), Ok(Some(43_200)));
/// assert_eq!(parse_window("2w"), Ok(Some(1_209_600)));
/// assert_eq!(parse_window("none"), Ok(None));
/// assert!(parse_window("7x").is_err());
/// ```
pub fn parse_window(s: &str) -> Result<Option<i64>, String> {
    let s = s.trim();
    if s == "0" || s.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "d"),
    };
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid window `{s}` (expected e.g. 12h, 7d, 2w or none)"))?;
    let unit_secs = match unit {
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3_600.0,
        "d" => 86_400.0,
        "w" => 604_800.0,
        _ => {
            return Err(format!(
                "invalid window unit in `{s}` (use s, m, h, d or w)"
            ))
        }
    };
    let secs = n * unit_secs;
    if !secs.is_finite() || secs <= 0.0 || secs > 1e15 {
        return Err(format!("invalid window `{s}`"));
    }
    Ok(Some(secs.round() as i64))
}

/// A story under construction.
#[derive(Clone, Debug, Default)]
pub(crate) struct Story {
    /// Sum of the members' unit vectors (pruned).
    pub(crate) sum: TermVector,
    /// Members (document indices, in processing order).
    pub(crate) members: Vec<usize>,
    pub(crate) first: Option<i64>,
    pub(crate) last: Option<i64>,
}

impl Story {
    pub(crate) fn size(&self) -> usize {
        self.members.len()
    }

    fn add_vector(&mut self, v: &[(u64, f32)], scale: f32) {
        self.sum = add_scaled(&self.sum, v, scale);
        prune(&mut self.sum, MAX_STORY_TERMS);
    }

    fn extend_time(&mut self, t: Option<i64>) {
        if let Some(t) = t {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
        }
    }
}

fn prune(v: &mut TermVector, keep: usize) {
    keep_heaviest(v, keep);
    // Story sums live as long as their story: no spare room.
    v.shrink_to_fit();
}

/// The `n` heaviest keys of a vector.
fn top_keys(v: &[(u64, f32)], n: usize) -> Vec<u64> {
    top_terms(v, n).into_iter().map(|(k, _)| k).collect()
}

/// The `n` heaviest entries of a vector, heaviest first (ties by key).
fn top_terms(v: &[(u64, f32)], n: usize) -> Vec<(u64, f32)> {
    let mut sorted: Vec<(u64, f32)> = v.to_vec();
    if sorted.len() > n && n > 0 {
        sorted.select_nth_unstable_by(n - 1, heavier_first);
        sorted.truncate(n);
    }
    sorted.sort_unstable_by(heavier_first);
    sorted
}

/// Online story clusterer: [`push`](StoryClusterer::push) articles in publication order, then
/// [`finish`](StoryClusterer::finish) (see the [module docs](self)).
#[derive(Debug)]
pub struct StoryClusterer {
    cfg: ClusterConfig,
    /// Document frequencies; updated by `push` unless `frozen_df`.
    df: DocFreq,
    frozen_df: bool,
    docs: Vec<TermVector>,
    times: Vec<Option<i64>>,
    /// Story of every document (indices into `stories`, not yet renumbered).
    story_of: Vec<usize>,
    stories: Vec<Story>,
    postings: Postings,
    /// The last known time, given to undated articles.
    clock: Option<i64>,
    /// Scratch of the queries run by this thread.
    scratch: Scratch,
    /// Scratch of the speculative queries, one per rayon thread.
    spec_scratch: Vec<std::sync::Mutex<Scratch>>,
    /// What the refinement changed, recorded only while [`StoryClusterer::refine_stories`]
    /// runs.
    log: Option<Vec<Change>>,
}

/// The story of a document that was removed ([`StoryClusterer::remove_doc`]).
pub(crate) const REMOVED: usize = usize::MAX;

/// One change made by the refinement (story and document indices of the clusterer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Change {
    /// Story `gone` merged into story `keep`.
    Merge { keep: usize, gone: usize },
    /// Bisection moved part of story `from` to the new story `new`.
    Split { from: usize, new: usize },
    /// Reassignment moved document `doc` from story `from` to story `to` (a new story when it
    /// left as a singleton).
    Move { doc: usize, from: usize, to: usize },
}

impl Change {
    /// The stories this change touched.
    fn stories(&self) -> [usize; 2] {
        match *self {
            Change::Merge { keep, gone } => [keep, gone],
            Change::Split { from, new } => [from, new],
            Change::Move { from, to, .. } => [from, to],
        }
    }
}

/// Story lists of the inverted index, by term key.
type Postings = HashMap<u64, Vec<u32>, KeyBuildHasher>;

/// Scratch memory of one query at a time.
#[derive(Debug, Default)]
struct Scratch {
    /// Of each story: the last query that saw it, and the summed query-term weight of the
    /// shared terms in that query (side by side: one cache line per story seen).
    seen: Vec<(u32, f32)>,
    /// The vector being compared with candidate stories.
    probe: KeyProbe,
    query: u32,
}

/// What a query reads of the clusterer: the stories and the inverted index.
#[derive(Clone, Copy)]
struct View<'a> {
    cfg: &'a ClusterConfig,
    stories: &'a [Story],
    postings: &'a Postings,
}

/// An article's online decision taken speculatively against the state at the start of its
/// batch (see [`StoryClusterer::push_batch`]).
struct Guess {
    /// The article's query terms (its [`QUERY_TERMS`] heaviest, heaviest first).
    terms: Vec<(u64, f32)>,
    /// The candidate stories with their similarity, in the order they were scored.
    scored: Vec<(usize, f64)>,
}

impl StoryClusterer {
    /// A streaming clusterer whose document frequencies grow with every pushed article,
    /// blended with the shipped background ([`FeatureConfig::background_weight`]).
    pub fn new(cfg: ClusterConfig) -> Self {
        let df = DocFreq::with_background(cfg.features.background_weight);
        Self::with_doc_freq(cfg, df, false)
    }

    /// A clusterer with fixed document frequencies (e.g. counted over the whole input).
    pub fn with_doc_freq(cfg: ClusterConfig, df: DocFreq, frozen: bool) -> Self {
        StoryClusterer {
            cfg,
            df,
            frozen_df: frozen,
            docs: Vec::new(),
            times: Vec::new(),
            story_of: Vec::new(),
            stories: Vec::new(),
            postings: Postings::default(),
            clock: None,
            scratch: Scratch::default(),
            spec_scratch: Vec::new(),
            log: None,
        }
    }

    /// The stories (by index; emptied ones stay, with no member).
    pub(crate) fn stories(&self) -> &[Story] {
        &self.stories
    }

    /// The vector of document `d` (empty once removed).
    pub(crate) fn vector(&self, d: usize) -> &TermVector {
        &self.docs[d]
    }

    /// The effective time of document `d`.
    pub(crate) fn time_of(&self, d: usize) -> Option<i64> {
        self.times[d]
    }

    /// The story of document `d` ([`REMOVED`] once removed).
    pub(crate) fn story_of_doc(&self, d: usize) -> usize {
        self.story_of[d]
    }

    /// A new empty story with a given sum and span (a story loaded from a store: its members
    /// follow with [`restore_member`](Self::restore_member)); returns its index.
    pub(crate) fn restore_story(
        &mut self,
        sum: TermVector,
        first: Option<i64>,
        last: Option<i64>,
    ) -> usize {
        self.stories.push(Story {
            sum,
            members: Vec::new(),
            first,
            last,
        });
        self.stories.len() - 1
    }

    /// Add a member to a story made by [`restore_story`](Self::restore_story), without
    /// changing its sum or span, and index it; returns the document index.
    pub(crate) fn restore_member(&mut self, story: usize, v: TermVector, t: Option<i64>) -> usize {
        let doc = self.docs.len();
        self.index(&v, story);
        self.stories[story].members.push(doc);
        self.docs.push(v);
        self.times.push(t);
        self.story_of.push(story);
        doc
    }

    /// Take document `d` out of its story (its sum, members and span) and forget its vector.
    pub(crate) fn remove_doc(&mut self, d: usize) {
        let s = self.story_of[d];
        if s == REMOVED {
            return;
        }
        let v = std::mem::take(&mut self.docs[d]);
        let st = &mut self.stories[s];
        st.add_vector(&v, -1.0);
        st.members.retain(|&m| m != d);
        if st.members.is_empty() {
            *st = Story::default();
        }
        self.respan(s);
        self.story_of[d] = REMOVED;
    }

    /// Forget story `s` and its members (a story closed for good: it leaves memory).
    pub(crate) fn close_story(&mut self, s: usize) {
        let st = std::mem::take(&mut self.stories[s]);
        for d in st.members {
            self.docs[d] = TermVector::new();
            self.story_of[d] = REMOVED;
        }
    }

    /// Recompute the span of story `s` from its members' times.
    fn respan(&mut self, s: usize) {
        let members = std::mem::take(&mut self.stories[s].members);
        let st = &mut self.stories[s];
        st.first = None;
        st.last = None;
        for &m in &members {
            st.extend_time(self.times[m]);
        }
        st.members = members;
    }

    /// Number of documents pushed.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Push an article (title optional; `published` in seconds since the epoch, `None` when
    /// unknown: the article then takes the time of the previous dated one). Returns the
    /// (provisional, 0-based) story it joined online.
    pub fn push(&mut self, title: Option<&str>, text: &str, published: Option<i64>) -> usize {
        let raw = raw_terms(title, text, &self.cfg.features);
        self.push_raw(&raw, published)
    }

    /// Push an [`Article`] (see [`push`](Self::push)).
    pub fn push_article(&mut self, a: &Article) -> usize {
        self.push(
            a.title.as_deref(),
            &a.text,
            a.published.map(|d| d.timestamp()),
        )
    }

    /// Push precomputed raw terms (see [`push`](Self::push)).
    pub fn push_raw(&mut self, raw: &RawTerms, published: Option<i64>) -> usize {
        if !self.frozen_df {
            self.df.add(raw);
        }
        let v = weigh(raw, &self.df, &self.cfg.features);
        self.push_vector(v, published)
    }

    fn push_vector(&mut self, v: TermVector, published: Option<i64>) -> usize {
        self.push_scored(v, published).0
    }

    /// [`push_vector`](Self::push_vector), also returning the similarity of the story joined
    /// (`None` for a new story).
    pub(crate) fn push_scored(
        &mut self,
        v: TermVector,
        published: Option<i64>,
    ) -> (usize, Option<f64>) {
        if published.is_some() {
            self.clock = published;
        }
        let t = published.or(self.clock);
        let terms = top_terms(&v, QUERY_TERMS);
        let (view, scratch) = self.view_and_scratch();
        let scored = view.score(scratch, &v, &terms, t);
        let best = best_of(&scored, self.cfg.join_threshold);
        (
            self.commit(v, &terms, t, best.map(|b| b.0)),
            best.map(|b| b.1),
        )
    }

    /// Add document `v` (time `t`) to story `story` whatever its similarity (a copy joins
    /// its original's story); returns the document index.
    pub(crate) fn push_into(&mut self, v: TermVector, t: Option<i64>, story: usize) -> usize {
        let terms = top_terms(&v, QUERY_TERMS);
        self.commit(v, &terms, t, Some(story));
        self.docs.len() - 1
    }

    /// Push a batch of articles (vectors with their publication times, in processing order)
    /// with the same result as pushing them one by one with [`push_vector`](Self::push_vector):
    /// every article's decision is first taken in parallel against the state before the batch,
    /// then checked in order and taken again where an earlier article of the batch changed
    /// what it depends on (see the [module docs](self)).
    /// The read-only state a query looks at.
    fn view(&self) -> View<'_> {
        View {
            cfg: &self.cfg,
            stories: &self.stories,
            postings: &self.postings,
        }
    }

    /// [`Self::view`] and the scratch space a query writes into (disjoint borrows).
    fn view_and_scratch(&mut self) -> (View<'_>, &mut Scratch) {
        (
            View {
                cfg: &self.cfg,
                stories: &self.stories,
                postings: &self.postings,
            },
            &mut self.scratch,
        )
    }

    pub(crate) fn push_batch(
        &mut self,
        batch: Vec<(TermVector, Option<i64>)>,
    ) -> Vec<(usize, Option<f64>)> {
        let times: Vec<Option<i64>> = batch
            .iter()
            .map(|&(_, p)| {
                if p.is_some() {
                    self.clock = p;
                }
                p.or(self.clock)
            })
            .collect();
        let threads = rayon::current_num_threads().max(1);
        while self.spec_scratch.len() < threads {
            self.spec_scratch.push(Default::default());
        }
        let view = self.view();
        let pool = &self.spec_scratch;
        let guesses: Vec<Guess> = batch
            .par_iter()
            .zip(&times)
            .with_max_len(1)
            .map(|((v, _), &t)| {
                let terms = top_terms(v, QUERY_TERMS);
                let i = rayon::current_thread_index().unwrap_or(0) % pool.len();
                let mut sc = pool[i].lock().unwrap_or_else(PoisonError::into_inner);
                let scored = view.score(&mut sc, v, &terms, t);
                Guess { terms, scored }
            })
            .collect();
        // Stories existing before the batch: the batch's articles can change their sum, size
        // and span. Stories opened in the batch are reached only through dirty keys.
        let before = self.stories.len();
        let mut dirty_keys: HashSet<u64, KeyBuildHasher> = HashSet::default();
        // Stories (existing before the batch) that took in an article of the batch, with
        // their span before the batch.
        let mut dirty: Vec<(usize, Option<i64>, Option<i64>)> = Vec::new();
        let mut placed = Vec::with_capacity(guesses.len());
        for (((v, _), t), g) in batch.into_iter().zip(times).zip(guesses) {
            let keys_clean = !g.terms.iter().any(|(k, _)| dirty_keys.contains(k));
            let spans_same = dirty.iter().all(|&(s, first, last)| {
                let st = &self.stories[s];
                open_span(self.cfg.window, t, st.first, st.last)
                    == open_span(self.cfg.window, t, first, last)
            });
            let best = if keys_clean && spans_same {
                // Same candidates as a query now: rescore those that changed.
                let mut loaded = false;
                let scored: Vec<(usize, f64)> = g
                    .scored
                    .iter()
                    .map(|&(s, sim)| {
                        if dirty.iter().any(|d| d.0 == s) {
                            if !loaded {
                                self.scratch.probe.load(&v);
                                loaded = true;
                            }
                            (s, self.similarity(s, t))
                        } else {
                            (s, sim)
                        }
                    })
                    .collect();
                best_of(&scored, self.cfg.join_threshold)
            } else {
                let (view, scratch) = self.view_and_scratch();
                let scored = view.score(scratch, &v, &g.terms, t);
                best_of(&scored, self.cfg.join_threshold)
            };
            if let Some((s, _)) = best {
                if s < before && !dirty.iter().any(|d| d.0 == s) {
                    dirty.push((s, self.stories[s].first, self.stories[s].last));
                }
            }
            dirty_keys.extend(g.terms.iter().map(|&(k, _)| k));
            let story = self.commit(v, &g.terms, t, best.map(|b| b.0));
            placed.push((story, best.map(|b| b.1)));
        }
        placed
    }

    /// Add document `v` (time `t`, query terms `terms`) to story `best`, or to a new story.
    fn commit(
        &mut self,
        v: TermVector,
        terms: &[(u64, f32)],
        t: Option<i64>,
        best: Option<usize>,
    ) -> usize {
        let doc = self.docs.len();
        let story = match best {
            Some(s) => s,
            None => {
                self.stories.push(Story::default());
                self.stories.len() - 1
            }
        };
        let st = &mut self.stories[story];
        st.add_vector(&v, 1.0);
        st.members.push(doc);
        st.extend_time(t);
        self.index_keys(terms.iter().map(|&(k, _)| k), story);
        self.docs.push(v);
        self.times.push(t);
        self.story_of.push(story);
        story
    }

    fn index(&mut self, v: &[(u64, f32)], story: usize) {
        self.index_keys(top_keys(v, QUERY_TERMS), story);
    }

    fn index_keys(&mut self, keys: impl IntoIterator<Item = u64>, story: usize) {
        for k in keys {
            let list = self.postings.entry(k).or_default();
            if list.last() != Some(&(story as u32)) {
                list.push(story as u32);
                // Only the last MAX_POSTINGS are ever read: drop the older ones now and then,
                // so that the lists of common terms do not grow with the corpus.
                if list.len() >= 2 * MAX_POSTINGS {
                    list.drain(..list.len() - MAX_POSTINGS);
                }
            }
        }
    }

    /// Non-empty open stories sharing a heavy term with `v`, except `exclude`: at most
    /// [`MAX_CANDIDATES`], those with the largest summed weight (in `v`) of the shared terms.
    fn candidates(
        &mut self,
        v: &[(u64, f32)],
        t: Option<i64>,
        exclude: Option<usize>,
    ) -> Vec<usize> {
        let (view, scratch) = self.view_and_scratch();
        view.candidates(scratch, &top_terms(v, QUERY_TERMS), t, exclude)
    }

    /// Average link of the vector loaded in the probe with story `s`, minus the time penalty.
    fn similarity(&self, s: usize, t: Option<i64>) -> f64 {
        self.view().similarity(&self.scratch.probe, s, t)
    }

    /// Run the refinement (if configured) and return the story of every pushed document, in
    /// push order, numbered from 0 in order of first member.
    pub fn finish(mut self) -> Vec<usize> {
        if self.cfg.refine && self.docs.len() <= self.cfg.refine_max {
            self.refine();
        }
        let mut number: Vec<Option<usize>> = vec![None; self.stories.len()];
        let mut next = 0;
        self.story_of
            .iter()
            .map(|&s| {
                *number[s].get_or_insert_with(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect()
    }

    fn refine(&mut self) {
        self.merge_all((0..self.stories.len()).collect());
        self.reassign_rounds((0..self.docs.len()).collect());
        self.bisect_all((0..self.stories.len()).collect());
        self.reassign_rounds((0..self.docs.len()).collect());
        self.merge_all((0..self.stories.len()).collect());
    }

    /// The refinement restricted to the stories `touched` and those they meet: merge them
    /// (with any candidate story), reassign their members, bisect them, reassign again, merge
    /// again; each step starts from the stories `touched` and those the steps before changed
    /// (the whole refinement when `touched` lists every story). Returns what changed, in
    /// order.
    pub(crate) fn refine_stories(&mut self, touched: &[usize]) -> Vec<Change> {
        self.log = Some(Vec::new());
        let mut set: Vec<bool> = vec![false; self.stories.len()];
        for &s in touched {
            if s < set.len() {
                set[s] = true;
            }
        }
        let listed = |set: &[bool]| -> Vec<usize> { (0..set.len()).filter(|&s| set[s]).collect() };
        let members = |me: &Self, set: &[bool]| -> Vec<usize> {
            let mut docs: Vec<usize> = listed(set)
                .into_iter()
                .flat_map(|s| me.stories[s].members.iter().copied())
                .collect();
            docs.sort_unstable();
            docs
        };
        self.merge_all(listed(&set));
        self.mark_changed(&mut set);
        self.reassign_rounds(members(self, &set));
        self.mark_changed(&mut set);
        self.bisect_all(listed(&set));
        self.mark_changed(&mut set);
        self.reassign_rounds(members(self, &set));
        self.mark_changed(&mut set);
        self.merge_all(listed(&set));
        self.log.take().unwrap_or_default()
    }

    /// Mark in `set` the stories the log names (growing it to the number of stories).
    fn mark_changed(&self, set: &mut Vec<bool>) {
        set.resize(self.stories.len(), false);
        for c in self.log.as_deref().unwrap_or(&[]) {
            for s in c.stories() {
                set[s] = true;
            }
        }
    }

    fn record(&mut self, change: Change) {
        if let Some(log) = self.log.as_mut() {
            log.push(change);
        }
    }

    /// Mean cosine between two different members of a story (`None` below two members).
    fn within(&self, s: usize) -> Option<f64> {
        let st = &self.stories[s];
        let n = st.size() as f64;
        (st.size() >= 2).then(|| (dot(&st.sum, &st.sum) - n) / (n * (n - 1.0)))
    }

    /// True when stories `a` and `b`, with average link `cross`, are two separate events.
    fn separated(&self, cross: f64, a: usize, b: usize) -> bool {
        match (self.within(a), self.within(b)) {
            (Some(wa), Some(wb)) => cross < self.cfg.separation_ratio * (wa + wb) / 2.0,
            _ => false,
        }
    }

    /// Split every story of `todo` (in order) that 2-means cuts into two separated halves
    /// (recursively: a split story is tried again, and the new half is tried after the rest).
    fn bisect_all(&mut self, todo: Vec<usize>) {
        let mut queue: std::collections::VecDeque<usize> = todo.into();
        while let Some(&s) = queue.front() {
            if self.stories[s].size() < 4 || !self.bisect(s) {
                queue.pop_front();
            } else {
                queue.push_back(self.stories.len() - 1);
            }
        }
    }

    /// Try to split story `s` in two with 2-means; returns true if it was split.
    fn bisect(&mut self, s: usize) -> bool {
        let members = self.stories[s].members.clone();
        let vecs: Vec<&TermVector> = members.iter().map(|&d| &self.docs[d]).collect();
        let Some((side, ratio)) = best_split(&vecs) else {
            return false;
        };
        if ratio >= self.cfg.separation_ratio {
            return false;
        }
        self.split(s, &members, &side);
        let new = self.stories.len() - 1;
        self.record(Change::Split { from: s, new });
        true
    }

    /// Move the members of story `s` on the `true` side of `side` to a new story.
    fn split(&mut self, s: usize, members: &[usize], side: &[bool]) {
        self.stories.push(Story::default());
        let new = self.stories.len() - 1;
        for (k, &d) in members.iter().enumerate() {
            if side[k] {
                let v = std::mem::take(&mut self.docs[d]);
                self.move_doc(d, &v, s, new);
                self.docs[d] = v;
            }
        }
    }

    fn spans_compatible(&self, a: usize, b: usize) -> bool {
        let (x, y) = (&self.stories[a], &self.stories[b]);
        match (self.cfg.window, x.first, x.last, y.first, y.last) {
            (Some(w), Some(xf), Some(xl), Some(yf), Some(yl)) => yf <= xl + w && xf <= yl + w,
            _ => true,
        }
    }

    /// Merge rounds: the first looks at the stories `todo`, each later one only at the stories
    /// that took in another in the round before.
    fn merge_all(&mut self, mut todo: Vec<usize>) {
        for _ in 0..MERGE_ROUNDS {
            let mut changed = vec![false; self.stories.len()];
            for a in todo {
                if self.stories[a].size() == 0 {
                    continue;
                }
                let sum = self.stories[a].sum.clone();
                let cands = self.candidates(&sum, None, Some(a));
                self.scratch.probe.load(&sum);
                let na = self.stories[a].size() as f64;
                let best = cands
                    .into_iter()
                    .filter(|&b| self.spans_compatible(a, b))
                    .map(|b| {
                        let st = &self.stories[b];
                        (b, self.scratch.probe.dot(&st.sum) / (na * st.size() as f64))
                    })
                    .filter(|&(b, sim)| {
                        sim >= self.cfg.merge_threshold && !self.separated(sim, a, b)
                    })
                    .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)));
                if let Some((b, _)) = best {
                    changed[a.min(b)] = true;
                    self.merge(a, b);
                }
            }
            todo = (0..changed.len()).filter(|&s| changed[s]).collect();
            if todo.is_empty() {
                break;
            }
        }
    }

    /// Merge story `b` into story `a` (the earlier-numbered one keeps the members).
    fn merge(&mut self, a: usize, b: usize) {
        let (keep, gone) = (a.min(b), a.max(b));
        self.record(Change::Merge { keep, gone });
        let gone_story = std::mem::take(&mut self.stories[gone]);
        let k = &mut self.stories[keep];
        k.sum = add_scaled(&k.sum, &gone_story.sum, 1.0);
        prune(&mut k.sum, MAX_STORY_TERMS);
        k.first = min_opt(k.first, gone_story.first);
        k.last = max_opt(k.last, gone_story.last);
        for &d in &gone_story.members {
            self.story_of[d] = keep;
        }
        k.members.extend(gone_story.members.iter().copied());
        k.members.sort_unstable();
        for &d in &gone_story.members {
            let v = std::mem::take(&mut self.docs[d]);
            self.index(&v, keep);
            self.docs[d] = v;
        }
    }

    /// Reassignment rounds: the first looks at the documents `todo` (those of a story of two or
    /// more), each later one only at the members of stories that gained or lost a member in
    /// the round before.
    fn reassign_rounds(&mut self, mut todo: Vec<usize>) {
        for _ in 0..REASSIGN_ROUNDS {
            let mut changed = vec![false; self.stories.len()];
            self.reassign(&todo, &mut changed);
            todo = (0..self.docs.len())
                .filter(|&d| {
                    self.story_of[d] != REMOVED
                        && changed.get(self.story_of[d]).copied().unwrap_or(true)
                })
                .collect();
            if todo.is_empty() {
                break;
            }
        }
    }

    /// One round of reassignment of the documents `todo`; marks in `changed` the stories that
    /// gained or lost a member.
    fn reassign(&mut self, todo: &[usize], changed: &mut Vec<bool>) {
        for &d in todo {
            let s = self.story_of[d];
            if s == REMOVED {
                continue;
            }
            let n = self.stories[s].size();
            if n < 2 {
                continue;
            }
            let v = std::mem::take(&mut self.docs[d]);
            let t = self.times[d];
            let own = (dot(&v, &self.stories[s].sum) - dot(&v, &v)) / (n - 1) as f64;
            self.scratch.probe.load(&v);
            let best = self
                .candidates(&v, t, Some(s))
                .into_iter()
                .map(|c| (c, self.similarity(c, t)))
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
            let target = match best {
                Some((c, sim))
                    if sim >= self.cfg.join_threshold && sim > own + self.cfg.move_margin =>
                {
                    Some(c)
                }
                _ if own < self.cfg.split_threshold => {
                    self.stories.push(Story::default());
                    Some(self.stories.len() - 1)
                }
                _ => None,
            };
            if let Some(c) = target {
                self.record(Change::Move {
                    doc: d,
                    from: s,
                    to: c,
                });
                self.move_doc(d, &v, s, c);
                if changed.len() < self.stories.len() {
                    changed.resize(self.stories.len(), false);
                }
                changed[s] = true;
                changed[c] = true;
            }
            self.docs[d] = v;
        }
    }

    fn move_doc(&mut self, d: usize, v: &[(u64, f32)], from: usize, to: usize) {
        let t = self.times[d];
        let f = &mut self.stories[from];
        f.add_vector(v, -1.0);
        f.members.retain(|&m| m != d);
        self.respan(from);
        let st = &mut self.stories[to];
        st.add_vector(v, 1.0);
        st.members.push(d);
        st.members.sort_unstable();
        st.extend_time(t);
        self.story_of[d] = to;
        self.index(v, to);
    }
}

/// True when a story spanning `first`..`last` is open for an article at time `t`.
fn open_span(window: Option<i64>, t: Option<i64>, first: Option<i64>, last: Option<i64>) -> bool {
    match (window, t, first, last) {
        (Some(w), Some(t), Some(first), Some(last)) => t <= last + w && t >= first - w,
        _ => true,
    }
}

/// The story with the highest similarity of `scored` if it reaches `threshold` (ties: the
/// lower index).
fn best_of(scored: &[(usize, f64)], threshold: f64) -> Option<(usize, f64)> {
    scored
        .iter()
        .copied()
        .filter(|&(_, sim)| sim >= threshold)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
}

impl View<'_> {
    /// True when story `s` is open for an article at time `t`.
    fn open(&self, s: usize, t: Option<i64>) -> bool {
        let st = &self.stories[s];
        open_span(self.cfg.window, t, st.first, st.last)
    }

    /// The candidate stories of document `v` (query terms `terms`) with their similarity.
    fn score(
        &self,
        scratch: &mut Scratch,
        v: &[(u64, f32)],
        terms: &[(u64, f32)],
        t: Option<i64>,
    ) -> Vec<(usize, f64)> {
        scratch.probe.load(v);
        self.candidates(scratch, terms, t, None)
            .into_iter()
            .map(|s| (s, self.similarity(&scratch.probe, s, t)))
            .collect()
    }

    /// Non-empty open stories listed under the query terms `terms` (heaviest first), except
    /// `exclude`: at most [`MAX_CANDIDATES`], those with the largest summed weight of the
    /// shared terms.
    fn candidates(
        &self,
        scratch: &mut Scratch,
        terms: &[(u64, f32)],
        t: Option<i64>,
        exclude: Option<usize>,
    ) -> Vec<usize> {
        scratch.query += 1;
        if scratch.seen.len() < self.stories.len() {
            scratch.seen.resize(self.stories.len(), (0, 0.0));
        }
        let query = scratch.query;
        let mut out = Vec::new();
        for &(k, w) in terms {
            let Some(list) = self.postings.get(&k) else {
                continue;
            };
            for &s in list.iter().rev().take(MAX_POSTINGS) {
                let s = s as usize;
                let seen = &mut scratch.seen[s];
                if seen.0 == query {
                    seen.1 += w;
                    continue;
                }
                // Closed, empty or excluded stories are marked seen with no weight.
                *seen = (query, f32::NEG_INFINITY);
                if Some(s) != exclude && self.stories[s].size() > 0 && self.open(s, t) {
                    seen.1 = w;
                    out.push(s);
                }
            }
        }
        if out.len() > MAX_CANDIDATES {
            let seen = &scratch.seen;
            out.select_nth_unstable_by(MAX_CANDIDATES - 1, |&a, &b| {
                seen[b].1.total_cmp(&seen[a].1).then(a.cmp(&b))
            });
            out.truncate(MAX_CANDIDATES);
        }
        out
    }

    fn time_penalty(&self, s: usize, t: Option<i64>) -> f64 {
        let st = &self.stories[s];
        match (t, st.first, st.last) {
            (Some(t), Some(first), Some(last)) if self.cfg.time_scale > 0 => {
                let gap = if t > last {
                    t - last
                } else if t < first {
                    first - t
                } else {
                    0
                };
                self.cfg.time_penalty * (gap as f64 / self.cfg.time_scale as f64).min(1.0)
            }
            _ => 0.0,
        }
    }

    /// Average link of the vector loaded in `probe` with story `s`, minus the time penalty.
    fn similarity(&self, probe: &KeyProbe, s: usize, t: Option<i64>) -> f64 {
        let st = &self.stories[s];
        probe.dot(&st.sum) / st.size().max(1) as f64 - self.time_penalty(s, t)
    }
}

/// The best 2-means cut of `vecs` (lowest cross / mean internal link): seeds are each of
/// the [`BISECT_SEEDS`] vectors least similar to the sum, paired with the vector least
/// similar to it.
fn best_split(vecs: &[&TermVector]) -> Option<(Vec<bool>, f64)> {
    let mut sum = TermVector::new();
    for v in vecs {
        sum = add_scaled(&sum, v, 1.0);
    }
    let mut by_fit: Vec<usize> = (0..vecs.len()).collect();
    by_fit.sort_by(|&i, &j| {
        dot(vecs[i], &sum)
            .total_cmp(&dot(vecs[j], &sum))
            .then(i.cmp(&j))
    });
    let mut best: Option<(Vec<bool>, f64)> = None;
    for &a0 in by_fit.iter().take(BISECT_SEEDS) {
        let b0 = (0..vecs.len()).filter(|&j| j != a0).min_by(|&i, &j| {
            dot(vecs[i], vecs[a0])
                .total_cmp(&dot(vecs[j], vecs[a0]))
                .then(i.cmp(&j))
        });
        let Some(b0) = b0 else { continue };
        if let Some((side, ratio)) = two_means(vecs, a0, b0) {
            if best.as_ref().is_none_or(|b| ratio < b.1) {
                best = Some((side, ratio));
            }
        }
    }
    best
}

/// 2-means (average link) of unit vectors from seeds `a0` and `b0`: the sides (true = the
/// `b0` side) and the ratio of the cross link to the mean internal link, or `None` when a side
/// has fewer than two members.
fn two_means(vecs: &[&TermVector], a0: usize, b0: usize) -> Option<(Vec<bool>, f64)> {
    let mut side: Vec<bool> = vecs
        .iter()
        .map(|v| dot(v, vecs[b0]) > dot(v, vecs[a0]))
        .collect();
    let mut sums = [TermVector::new(), TermVector::new()];
    let mut n = [0f64; 2];
    for _ in 0..8 {
        sums = [TermVector::new(), TermVector::new()];
        n = [0.0; 2];
        for (v, &b) in vecs.iter().zip(&side) {
            sums[b as usize] = add_scaled(&sums[b as usize], v, 1.0);
            n[b as usize] += 1.0;
        }
        if n[0] < 2.0 || n[1] < 2.0 {
            return None;
        }
        let new: Vec<bool> = vecs
            .iter()
            .map(|v| dot(v, &sums[1]) / n[1] > dot(v, &sums[0]) / n[0])
            .collect();
        if new == side {
            break;
        }
        side = new;
    }
    let n0 = side.iter().filter(|&&b| !b).count() as f64;
    if n0 != n[0] {
        // the last iteration moved members: recount
        sums = [TermVector::new(), TermVector::new()];
        n = [0.0; 2];
        for (v, &b) in vecs.iter().zip(&side) {
            sums[b as usize] = add_scaled(&sums[b as usize], v, 1.0);
            n[b as usize] += 1.0;
        }
    }
    if n[0] < 2.0 || n[1] < 2.0 {
        return None;
    }
    let mut selfdot = [0f64; 2];
    for (v, &b) in vecs.iter().zip(&side) {
        selfdot[b as usize] += dot(v, v);
    }
    let within = |k: usize| (dot(&sums[k], &sums[k]) - selfdot[k]) / (n[k] * (n[k] - 1.0));
    let mean_within = (within(0) + within(1)) / 2.0;
    if mean_within <= 0.0 {
        return None;
    }
    let cross = dot(&sums[0], &sums[1]) / (n[0] * n[1]);
    Some((side, cross / mean_within))
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

/// The processing order of articles: by publication time, undated articles taking the time
/// of the nearest dated article before them in input order (see the [module docs](self)).
/// Returns indices into `articles` and the effective time of each article (by input index).
pub fn processing_order(articles: &[Article]) -> (Vec<usize>, Vec<Option<i64>>) {
    let published: Vec<Option<i64>> = articles
        .iter()
        .map(|a| a.published.map(|d| d.timestamp()))
        .collect();
    processing_order_of(&published)
}

/// [`processing_order`] of articles given by their publication times (seconds), in input
/// order.
pub fn processing_order_of(published: &[Option<i64>]) -> (Vec<usize>, Vec<Option<i64>>) {
    let mut clock = None;
    let times: Vec<Option<i64>> = published
        .iter()
        .map(|&p| {
            if p.is_some() {
                clock = p;
            }
            clock
        })
        .collect();
    let mut order: Vec<usize> = (0..published.len()).collect();
    // Stable: ties (and undated runs) keep input order; `None` sorts first.
    order.sort_by_key(|&i| times[i]);
    (order, times)
}

/// Cluster a whole corpus into stories: document frequencies over all of `articles`, the
/// online pass in [`processing_order`], then the refinement if `cfg.refine`. Returns the
/// 0-based story of every article (by input index), stories numbered in order of their first
/// article in processing order.
pub fn cluster_articles(articles: &[Article], cfg: &ClusterConfig) -> Vec<usize> {
    let raws: Vec<RawTerms> = articles
        .par_iter()
        .map(|a| raw_terms(a.title.as_deref(), &a.text, &cfg.features))
        .collect();
    let mut df = DocFreq::with_background(cfg.features.background_weight);
    for r in &raws {
        df.add(r);
    }
    let vectors: Vec<TermVector> = raws
        .par_iter()
        .map(|r| weigh(r, &df, &cfg.features))
        .collect();
    drop(raws);
    let published: Vec<Option<i64>> = articles
        .iter()
        .map(|a| a.published.map(|d| d.timestamp()))
        .collect();
    cluster_vectors(vectors, &published, cfg)
}

/// Cluster articles given by their TF-IDF vectors ([`weigh`]ed with the document frequencies
/// of the whole input) and publication times (seconds), both in input order: the online
/// pass in [`processing_order_of`], then the refinement if `cfg.refine`. Returns what
/// [`cluster_articles`] returns.
pub fn cluster_vectors(
    vectors: Vec<TermVector>,
    published: &[Option<i64>],
    cfg: &ClusterConfig,
) -> Vec<usize> {
    let (order, times) = processing_order_of(published);
    // Vectors are weighed already: the clusterer's own frequencies are never used.
    let mut clusterer = StoryClusterer::with_doc_freq(cfg.clone(), DocFreq::new(), true);
    let mut vectors: Vec<Option<TermVector>> = vectors.into_iter().map(Some).collect();
    // On a worker thread of the pool, which then takes part in every batch's parallel step.
    rayon::scope(|_| {
        let mut batch = Vec::with_capacity(BATCH);
        for &i in &order {
            let v = vectors
                .get_mut(i)
                .and_then(Option::take)
                .unwrap_or_default();
            batch.push((v, times[i]));
            if batch.len() == BATCH {
                clusterer.push_batch(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
            }
        }
        clusterer.push_batch(batch);
    });
    drop(vectors);
    let by_order = clusterer.finish();
    let mut out = vec![0; order.len()];
    for (pos, &i) in order.iter().enumerate() {
        out[i] = by_order[pos];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Location;
    use chrono::DateTime;

    fn art(id: &str, title: &str, text: &str, published: Option<&str>) -> Article {
        Article {
            id: id.to_string(),
            title: Some(title.to_string()),
            text: text.to_string(),
            published: published.map(|p| DateTime::parse_from_rfc3339(p).expect("date")),
            source: None,
            url: None,
            lang: None,
            seq: 0,
            location: Location::file("test"),
        }
    }

    /// Background articles so that document frequencies look like a corpus.
    fn background() -> Vec<Article> {
        [
            ("City council approves budget for new schools", "The Harwick city council approved a budget of 12 million for three new schools on Monday after a long debate about taxes."),
            ("Museum opens dinosaur hall", "The Grantley natural history museum opened a new hall with dinosaur skeletons, drawing large crowds of families."),
            ("Local team wins regional cup", "The Orville Otters beat the Castor Hawks 3-1 to win the regional football cup in front of a packed stadium."),
            ("Airline adds routes", "Skylark Air will add four routes from Bexley airport next spring, the company announced in a statement."),
            ("Farmers market moves", "The weekly farmers market in Denholm will move to the old railway yard while the square is repaved."),
            ("Library extends hours", "The Pellham public library will stay open until nine on weekdays after a donation from a local foundation."),
        ]
        .iter()
        .enumerate()
        .map(|(i, (t, x))| art(&format!("bg{i}"), t, x, Some("2026-01-01T00:00:00Z")))
        .collect()
    }

    fn quake(id: &str, place: &str, who: &str, mag: &str, date: &str, variant: usize) -> Article {
        let texts = [
            format!("A magnitude {mag} earthquake struck near {place} on {date}, killing at least a dozen people and damaging hundreds of buildings, said {who}, the regional emergency chief. Rescue teams searched the rubble overnight."),
            format!("At least twelve people died when a {mag} magnitude earthquake shook {place} on {date}. {who}, who leads the emergency service, said rescue teams were searching collapsed buildings through the night."),
            format!("Rescuers in {place} dug through rubble after the {mag} earthquake of {date} that killed a dozen people, according to {who}. Hundreds of buildings were damaged."),
        ];
        art(
            id,
            &format!("Earthquake kills a dozen in {place}"),
            &texts[variant % 3],
            Some("2026-03-05T10:00:00Z"),
        )
    }

    fn stories_of(articles: &[Article], cfg: &ClusterConfig) -> HashMap<String, usize> {
        let s = cluster_articles(articles, cfg);
        articles.iter().map(|a| a.id.clone()).zip(s).collect()
    }

    #[test]
    fn distinct_incidents_of_one_kind_stay_apart() {
        let mut articles = background();
        for v in 0..3 {
            articles.push(quake(
                &format!("a{v}"),
                "Valdoria",
                "Marta Quince",
                "6.1",
                "March 3",
                v,
            ));
            articles.push(quake(
                &format!("b{v}"),
                "Port Hessen",
                "Oskar Lindgren",
                "5.4",
                "March 4",
                v,
            ));
        }
        let s = stories_of(&articles, &ClusterConfig::default());
        for v in 1..3 {
            assert_eq!(s[&format!("a{v}")], s["a0"], "{s:?}");
            assert_eq!(s[&format!("b{v}")], s["b0"], "{s:?}");
        }
        assert_ne!(s["a0"], s["b0"], "{s:?}");
        assert_ne!(s["a0"], s["bg0"]);
    }

    fn election(id: &str, year: &str, turnout: &str, seats: &str, variant: usize) -> Article {
        let texts = [
            format!("Turkmenistan held a parliamentary election in December {year}, and the Central Election Commission put turnout at {turnout} percent. President Gurbanguly Berdymukhamedov said the vote for {seats} seats showed the country was opening up, but Western observers were sceptical."),
            format!("Voters in Turkmenistan chose a new parliament in the {year} election. Turnout reached {turnout} percent, the Central Election Commission said, with {seats} seats at stake. Western observers said little had changed under President Gurbanguly Berdymukhamedov."),
            format!("The {year} parliamentary election in Turkmenistan drew a turnout of {turnout} percent for {seats} seats, according to the Central Election Commission. President Gurbanguly Berdymukhamedov praised the vote; Western observers doubted it was free."),
        ];
        let day = if year == "2008" { 14 } else { 15 };
        let text = format!("Ashgabat, December {day}, {year}. {}", texts[variant % 3]);
        art(id, "", &text, None)
    }

    #[test]
    fn same_actor_and_kind_in_different_years_stay_apart() {
        let mut articles = background();
        for a in &mut articles {
            a.published = None;
        }
        for v in 0..3 {
            articles.push(election(&format!("a{v}"), "2008", "93.87", "288", v));
            articles.push(election(&format!("b{v}"), "2013", "91.33", "283", v));
        }
        let s = stories_of(&articles, &ClusterConfig::default());
        for v in 1..3 {
            assert_eq!(s[&format!("a{v}")], s["a0"], "{s:?}");
            assert_eq!(s[&format!("b{v}")], s["b0"], "{s:?}");
        }
        assert_ne!(s["a0"], s["b0"], "{s:?}");
    }

    #[test]
    fn rewrite_a_day_later_joins_and_window_closes_stories() {
        let mut articles = background();
        articles.push(art(
            "orig",
            "Alder Street Bridge closed for six weeks after cracks found",
            "The Alder Street Bridge in Port Aldrin will stay closed for six weeks after engineers found cracks in two steel beams, said Mara Lindqvist, the transport authority's chief engineer. Repairs will cost 4.2 million dollars.",
            Some("2026-11-02T09:30:00Z"),
        ));
        articles.push(art(
            "rewrite",
            "Cracked beams shut Port Aldrin's Alder Street Bridge",
            "Engineers discovered cracks in two steel beams of the Alder Street Bridge, and Port Aldrin's transport authority closed it for six weeks. Chief engineer Mara Lindqvist put the repair bill at 4.2 million dollars.",
            Some("2026-11-03T12:00:00Z"),
        ));
        let s = stories_of(&articles, &ClusterConfig::default());
        assert_eq!(s["orig"], s["rewrite"]);

        // The same rewrite three weeks later: the 7-day window has closed the story.
        let last = articles.len() - 1;
        articles[last].published =
            Some(DateTime::parse_from_rfc3339("2026-11-24T12:00:00Z").expect("date"));
        let s = stories_of(&articles, &ClusterConfig::default());
        assert_ne!(s["orig"], s["rewrite"]);
        // Without a window they fold together again.
        let cfg = ClusterConfig {
            window: None,
            ..ClusterConfig::default()
        };
        let s = stories_of(&articles, &cfg);
        assert_eq!(s["orig"], s["rewrite"]);
    }

    #[test]
    fn undated_articles_follow_input_order() {
        let mut articles = background();
        for a in &mut articles {
            a.published = None;
        }
        articles.insert(
            1,
            quake("q0", "Valdoria", "Marta Quince", "6.1", "March 3", 0),
        );
        articles.push(quake("q1", "Valdoria", "Marta Quince", "6.1", "March 3", 1));
        let (order, times) = processing_order(&articles);
        assert_eq!(order, (0..articles.len()).collect::<Vec<_>>());
        // q0 is dated: the undated articles after it take its time, those before stay undated.
        assert_eq!(times[0], None);
        assert_eq!(times[2], times[1]);
        let s = stories_of(&articles, &ClusterConfig::default());
        assert_eq!(s["q0"], s["q1"]);
        // stories are numbered by first article: the first article opens story 0
        assert_eq!(s["bg0"], 0);
        let distinct: std::collections::HashSet<_> = s.values().collect();
        assert_eq!(distinct.len(), articles.len() - 1);
    }

    #[test]
    fn streaming_clusterer_matches_online_decisions() {
        let mut c = StoryClusterer::new(ClusterConfig {
            refine: false,
            ..ClusterConfig::default()
        });
        for a in background() {
            c.push_article(&a);
        }
        let a = c.push_article(&quake(
            "a0",
            "Valdoria",
            "Marta Quince",
            "6.1",
            "March 3",
            0,
        ));
        let b = c.push_article(&quake(
            "a1",
            "Valdoria",
            "Marta Quince",
            "6.1",
            "March 3",
            1,
        ));
        assert_eq!(a, b);
        assert_eq!(c.len(), 8);
        let final_stories = c.finish();
        assert_eq!(final_stories[6], final_stories[7]);
        assert_eq!(final_stories[0], 0);
    }

    #[test]
    fn candidate_stories_per_query_are_bounded() {
        // Many stories sharing one term (and each a rare one of its own): a query on the
        // shared term scores at most MAX_CANDIDATES of them, preferring the most shared weight.
        let mut c = StoryClusterer::with_doc_freq(ClusterConfig::default(), DocFreq::new(), true);
        for i in 0..(MAX_CANDIDATES as u64 * 3) {
            // Orthogonal except for key 1: every article opens its own story.
            let v = vec![(1, 0.1), (1000 + i, (1.0f32 - 0.01).sqrt())];
            c.push_vector(v, None);
        }
        assert_eq!(c.stories.len(), MAX_CANDIDATES * 3);
        let query = vec![(1, 0.5), (1005, 0.5)];
        let cands = c.candidates(&query, None, None);
        assert_eq!(cands.len(), MAX_CANDIDATES);
        // Story 5 shares both query terms: it is kept.
        assert!(cands.contains(&5));
        let cands = c.candidates(&query, None, Some(5));
        assert!(!cands.contains(&5) && cands.len() == MAX_CANDIDATES);
    }

    /// Random unit vectors over a small vocabulary (so that articles of a batch share terms),
    /// with times that open and close stories within a batch, some undated.
    fn random_docs(n: usize, seed: u64) -> Vec<(TermVector, Option<i64>)> {
        let mut x = seed;
        let mut next = move || {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            x >> 33
        };
        let mut t = 0i64;
        (0..n)
            .map(|_| {
                let topic = next() % 40;
                let mut v: TermVector = (0..12)
                    .map(|_| {
                        let k = if next() % 3 == 0 {
                            1 + next() % 400
                        } else {
                            1_000 + topic * 10 + next() % 10
                        };
                        (k, 1.0 + (next() % 100) as f32 / 25.0)
                    })
                    .collect();
                v.sort_by_key(|e| e.0);
                v.dedup_by_key(|e| e.0);
                let norm = super::super::features::norm(&v) as f32;
                for e in &mut v {
                    e.1 /= norm;
                }
                t += (next() % 3) as i64 * 300;
                let time = (next() % 10 != 0).then_some(t);
                (v, time)
            })
            .collect()
    }

    #[test]
    fn parallel_batches_decide_as_one_at_a_time() {
        for (seed, window) in [(1, Some(4 * 3_600)), (2, Some(86_400)), (3, None)] {
            let cfg = ClusterConfig {
                window,
                refine: false,
                time_scale: 6 * 3_600,
                ..ClusterConfig::default()
            };
            let docs = random_docs(3_000, seed);
            let mut one = StoryClusterer::with_doc_freq(cfg.clone(), DocFreq::new(), true);
            let expected: Vec<usize> = docs
                .iter()
                .map(|(v, t)| one.push_vector(v.clone(), *t))
                .collect();
            assert!(one.stories.len() > 100 && one.stories.len() < 2_500);
            for batch in [1, 2, 5, BATCH, 64] {
                let mut c = StoryClusterer::with_doc_freq(cfg.clone(), DocFreq::new(), true);
                for chunk in docs.chunks(batch) {
                    c.push_batch(chunk.to_vec());
                }
                assert_eq!(c.story_of, expected, "seed {seed}, batch {batch}");
                assert_eq!(c.postings, one.postings);
            }
        }
    }

    #[test]
    fn a_story_reopened_within_a_batch_is_seen() {
        // Story 0 closed for `j` before the batch; `i` joins it and reopens it for `j`, which
        // shares no query term with `i`.
        let w = 86_400;
        let cfg = ClusterConfig {
            window: Some(w),
            refine: false,
            ..ClusterConfig::default()
        };
        let docs = vec![
            (vec![(1, 0.8), (3, 0.6)], Some(w)),
            (vec![(2, 0.8), (4, 0.6)], Some(w + 5)),
        ];
        let mut c = StoryClusterer::with_doc_freq(cfg, DocFreq::new(), true);
        c.push_vector(vec![(1, 0.6), (2, 0.8)], Some(0));
        c.push_batch(docs);
        assert_eq!(c.story_of, vec![0, 0, 0]);
    }

    /// `examples/one-event/articles.jsonl`, written for the project: five articles on one
    /// event from four outlets over two days.
    fn one_event() -> Vec<Article> {
        include_str!("../../../../examples/one-event/articles.jsonl")
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
                let s = |f: &str| v[f].as_str().expect("field").to_string();
                art(&s("id"), &s("title"), &s("text"), Some(&s("published")))
            })
            .collect()
    }

    #[test]
    fn background_keeps_a_single_event_folded_alone_together() {
        let articles = one_event();
        assert_eq!(articles.len(), 5);
        let with = cluster_articles(&articles, &ClusterConfig::default());
        assert!(with.iter().all(|&s| s == 0), "{with:?}");
        // With the input's counts only, the words all five share weigh nothing: apart.
        let mut cfg = ClusterConfig::default();
        cfg.features.background_weight = 0.0;
        let without = cluster_articles(&articles, &cfg);
        assert!(without.iter().any(|&s| s != 0), "{without:?}");
        // The streaming clusterer leans on the background from the first article.
        let mut c = StoryClusterer::new(ClusterConfig::default());
        for a in &articles {
            c.push_article(a);
        }
        assert!(c.finish().iter().all(|&s| s == 0));
    }

    #[test]
    fn empty_and_degenerate_inputs() {
        assert!(cluster_articles(&[], &ClusterConfig::default()).is_empty());
        let a = vec![art("x", "", ".", None), art("y", "", "...", None)];
        assert_eq!(cluster_articles(&a, &ClusterConfig::default()), vec![0, 1]);
    }

    #[test]
    fn windows_parse() {
        assert_eq!(parse_window("7d"), Ok(Some(604_800)));
        assert_eq!(parse_window("12h"), Ok(Some(43_200)));
        assert_eq!(parse_window("2w"), Ok(Some(1_209_600)));
        assert_eq!(parse_window("3"), Ok(Some(259_200)));
        assert_eq!(parse_window("0"), Ok(None));
        assert_eq!(parse_window("NONE"), Ok(None));
        assert!(parse_window("").is_err());
        assert!(parse_window("-1d").is_err());
        assert!(parse_window("7 days").is_err());
    }
}
