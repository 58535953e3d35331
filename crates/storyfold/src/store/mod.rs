//! Persistence of the live story index: what [`crate::live::StoryIndex`] needs from a store,
//! as the [`Store`] trait, and its embedded implementation on SQLite ([`sqlite::SqliteStore`]).
//!
//! The index reads through small lookups (an article by id or sequence number, the articles
//! with an exact hash, an LSH band or a sentence hash, a story and its members, the stories of
//! the open window) and writes everything a batch changed in one [`Batch`], committed as one
//! transaction: a batch is there entirely or not at all. A store for a shared server
//! (PostgreSQL) implements the same trait.
//!
//! Rows hold plain data: hashes as `u64`, vectors and signatures encoded by the helpers of
//! this module ([`encode_vector`], [`encode_u32s`], [`encode_u64s`]; little-endian, no
//! framing beyond the length).

pub mod sqlite;

use crate::error::Result;
use crate::story::features::TermVector;

/// One article as stored.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArticleRow {
    /// Insertion sequence number (unique, increasing, never reused).
    pub seq: u64,
    /// The article's id.
    pub id: String,
    /// Headline as given.
    pub title: Option<String>,
    /// Text as given.
    pub text: String,
    /// Publisher.
    pub source: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Language code.
    pub lang: Option<String>,
    /// Publication time as given (RFC 3339, its offset kept).
    pub published: Option<String>,
    /// Effective time (seconds): the publication time, else the index clock at insertion.
    pub time: Option<i64>,
    /// Wall-clock time of insertion (seconds since the epoch).
    pub inserted: i64,
    /// Headline used in reports (title, else first sentence).
    pub headline: String,
    /// Story id.
    pub story: u64,
    /// Whether the article opened its story.
    pub new_story: bool,
    /// Placement relation (snake_case name).
    pub relation: String,
    /// The article it copies.
    pub duplicate_of: Option<String>,
    /// The article it derives from.
    pub derived_from: Option<String>,
    /// Similarity of the placement.
    pub similarity: Option<f64>,
    /// Exact hash of the normalized text.
    pub exact_hash: u64,
    /// MinHash signature.
    pub signature: Vec<u32>,
    /// LSH band keys (band number in the low byte).
    pub bands: Vec<u64>,
    /// Sentence hashes.
    pub sentences: Vec<u64>,
    /// TF-IDF vector as weighed at insertion.
    pub vector: TermVector,
    /// Document-frequency buckets of its terms, as encoded by the index (opaque here).
    pub buckets: Vec<u8>,
}

/// What the index keeps in memory of an article of the open window.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberRow {
    /// Sequence number.
    pub seq: u64,
    /// The article's id.
    pub id: String,
    /// Headline used in reports.
    pub headline: String,
    /// Story id.
    pub story: u64,
    /// Effective time.
    pub time: Option<i64>,
    /// Publication time as given.
    pub published: Option<String>,
    /// TF-IDF vector.
    pub vector: TermVector,
}

/// One story as stored.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoryRow {
    /// Story id.
    pub id: u64,
    /// Wall-clock time it was created.
    pub created: i64,
    /// Wall-clock time it last changed.
    pub updated: i64,
    /// Earliest effective time of a member.
    pub first: Option<i64>,
    /// Latest effective time of a member.
    pub last: Option<i64>,
    /// Number of members.
    pub size: u64,
    /// Headline of its origin.
    pub title: String,
    /// Id of its origin (earliest member).
    pub origin: String,
    /// Incremented at every change.
    pub version: u64,
    /// Sum of the members' vectors (as the clustering keeps it).
    pub sum: TermVector,
}

/// One recorded story event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    /// Sequence number (increasing).
    pub seq: u64,
    /// Wall-clock time.
    pub at: i64,
    /// `created`, `merged`, `split`, `moved`, `removed` or `evicted`.
    pub kind: String,
    /// The story concerned (the one kept, for a merge or split).
    pub story: u64,
    /// The other story (merged away, split off, moved from).
    pub other: Option<u64>,
    /// The article concerned, if one.
    pub article: Option<String>,
}

/// A change of placement of an existing article (after a move or a re-derivation).
#[derive(Clone, Debug, PartialEq)]
pub struct Replacement {
    /// Sequence number.
    pub seq: u64,
    /// Its story now.
    pub story: u64,
    /// Relation now.
    pub relation: String,
    /// The article it copies now.
    pub duplicate_of: Option<String>,
    /// The article it derives from now.
    pub derived_from: Option<String>,
    /// Similarity now.
    pub similarity: Option<f64>,
}

/// Everything one write of the index changes, committed atomically by [`Store::commit`].
#[derive(Clone, Debug, Default)]
pub struct Batch {
    /// Articles to insert.
    pub articles: Vec<ArticleRow>,
    /// Articles whose placement changed.
    pub replaced: Vec<Replacement>,
    /// Articles to delete (every table).
    pub removed: Vec<u64>,
    /// Stories to insert or replace.
    pub stories: Vec<StoryRow>,
    /// Stories to delete.
    pub deleted_stories: Vec<u64>,
    /// Events to append (their `seq` is assigned by the store).
    pub events: Vec<EventRow>,
    /// Settings and counters (`meta` table) to set.
    pub meta: Vec<(String, String)>,
    /// A new checkpoint of the term statistics: the sequence number it covers and its
    /// encoding. It replaces the old one and empties the removal log.
    pub term_checkpoint: Option<(u64, Vec<u8>)>,
    /// Removed articles counted in the checkpoint: `(seq, buckets)` to subtract on reopen.
    pub term_log: Vec<(u64, Vec<u8>)>,
}

/// What to replay on top of a term-statistics checkpoint (encoded buckets, as the index
/// wrote them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TermReplay {
    /// Of the articles inserted after the checkpoint.
    pub added: Vec<Vec<u8>>,
    /// Of the articles counted in the checkpoint and removed since.
    pub removed: Vec<Vec<u8>>,
}

/// Counts kept by a store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreCounts {
    /// Articles.
    pub articles: u64,
    /// Stories.
    pub stories: u64,
    /// Events.
    pub events: u64,
    /// Size of the store in bytes (0 when unknown).
    pub bytes: u64,
}

/// A query over stories (see [`crate::live::StoryFilter`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoryQuery {
    /// Updated at or after this wall-clock time.
    pub since: Option<i64>,
    /// At least this many members.
    pub min_size: Option<u64>,
    /// With a member from this source.
    pub source: Option<String>,
    /// Title containing this text (case-insensitive for ASCII letters).
    pub query: Option<String>,
    /// Most rows returned.
    pub limit: Option<u64>,
    /// Only stories with an id below this one (rows come by decreasing id).
    pub before_id: Option<u64>,
    /// Rows by latest change first (then decreasing id) instead of by decreasing id.
    pub by_update: bool,
    /// With `by_update`: only rows after this one, given as (`updated`, id).
    pub after_update: Option<(i64, u64)>,
}

/// Opens another connection to a store, for reading only (see [`Store::reader_factory`]).
pub type ReaderFactory = std::sync::Arc<dyn Fn() -> Result<Box<dyn Store>> + Send + Sync>;

/// What the live index needs from a store. Implementations must make [`Store::commit`]
/// atomic and durable (per their documented durability level).
pub trait Store: Send {
    /// A setting or counter.
    fn meta(&self, key: &str) -> Result<Option<String>>;
    /// Commit a batch of changes atomically.
    fn commit(&mut self, batch: &Batch) -> Result<()>;
    /// The sequence number of the article with this id.
    fn seq_of(&self, id: &str) -> Result<Option<u64>>;
    /// An article by sequence number (with its text).
    fn article(&self, seq: u64) -> Result<Option<ArticleRow>>;
    /// The story of an article.
    fn story_of_seq(&self, seq: u64) -> Result<Option<u64>>;
    /// The articles with this exact hash, by sequence number.
    fn with_exact(&self, hash: u64) -> Result<Vec<u64>>;
    /// Articles sharing an LSH band key.
    fn with_band(&self, key: u64) -> Result<Vec<u64>>;
    /// Articles holding a sentence hash.
    fn with_sentence(&self, hash: u64) -> Result<Vec<u64>>;
    /// The MinHash signature of an article.
    fn signature(&self, seq: u64) -> Result<Option<Vec<u32>>>;
    /// A story.
    fn story(&self, id: u64) -> Result<Option<StoryRow>>;
    /// The members of a story, by sequence number.
    fn members(&self, story: u64) -> Result<Vec<u64>>;
    /// Articles deriving from (or copying) the article with this id.
    fn derived_from(&self, id: &str) -> Result<Vec<u64>>;
    /// Stories whose last member is at or after `since` or has no time (all with `None`).
    fn open_stories(&self, since: Option<i64>) -> Result<Vec<StoryRow>>;
    /// The members of the stories listed, by sequence number.
    fn members_of(&self, stories: &[u64]) -> Result<Vec<MemberRow>>;
    /// Stories whose last member is before `t` (undated ones: inserted before `t`).
    fn stories_before(&self, t: i64) -> Result<Vec<u64>>;
    /// Stories matching a query, by decreasing id (or latest update), without their sum
    /// vector (empty in the rows).
    fn list_stories(&self, q: &StoryQuery) -> Result<Vec<StoryRow>>;
    /// Events after a sequence number and at or after a time, in order.
    fn events(&self, after: Option<u64>, since: Option<i64>) -> Result<Vec<EventRow>>;
    /// The sequence number of the last event (0 when none).
    fn last_event(&self) -> Result<u64>;
    /// The latest event naming `story` as the other side (what became of a story).
    fn fate(&self, story: u64) -> Result<Option<EventRow>>;
    /// Counts.
    fn counts(&self) -> Result<StoreCounts>;
    /// The term-statistics checkpoint: sequence number covered and encoding.
    fn term_checkpoint(&self) -> Result<Option<(u64, Vec<u8>)>>;
    /// Buckets of the articles inserted after `seq`, and of the logged removals.
    fn term_replay(&self, after: u64) -> Result<TermReplay>;
    /// Buckets of an article.
    fn buckets(&self, seq: u64) -> Result<Option<Vec<u8>>>;
    /// Check the store's consistency; returns the problems found (empty: sound).
    fn check(&self) -> Result<Vec<String>>;
    /// How to open read-only connections that read committed data while this one writes
    /// (`None`, the default: reads share this connection, behind the writer's lock).
    fn reader_factory(&self) -> Option<ReaderFactory> {
        None
    }
    /// Start a read transaction: the reads until [`end_read`](Self::end_read) see one
    /// committed state (a no-op by default).
    fn begin_read(&self) -> Result<()> {
        Ok(())
    }
    /// End the read transaction of [`begin_read`](Self::begin_read).
    fn end_read(&self) -> Result<()> {
        Ok(())
    }
}

/// Encode a term vector: per entry the key (8 bytes) and weight (4 bytes), little-endian.
pub fn encode_vector(v: &[(u64, f32)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len() * 12);
    for &(k, w) in v {
        out.extend_from_slice(&k.to_le_bytes());
        out.extend_from_slice(&w.to_le_bytes());
    }
    out
}

/// Decode [`encode_vector`] (a trailing partial entry is ignored).
pub fn decode_vector(b: &[u8]) -> TermVector {
    b.chunks_exact(12)
        .map(|c| {
            let mut k = [0u8; 8];
            k.copy_from_slice(&c[..8]);
            let mut w = [0u8; 4];
            w.copy_from_slice(&c[8..]);
            (u64::from_le_bytes(k), f32::from_le_bytes(w))
        })
        .collect()
}

/// Encode `u32`s, little-endian.
pub fn encode_u32s(v: &[u32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Decode [`encode_u32s`].
pub fn decode_u32s(b: &[u8]) -> Vec<u32> {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// Encode `u64`s, little-endian.
pub fn encode_u64s(v: &[u64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Decode [`encode_u64s`].
pub fn decode_u64s(b: &[u8]) -> Vec<u64> {
    b.chunks_exact(8)
        .map(|c| {
            let mut x = [0u8; 8];
            x.copy_from_slice(c);
            u64::from_le_bytes(x)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_round_trip() {
        let v = vec![(1u64, 0.5f32), (u64::MAX, -0.25)];
        assert_eq!(decode_vector(&encode_vector(&v)), v);
        assert_eq!(decode_u32s(&encode_u32s(&[1, u32::MAX])), vec![1, u32::MAX]);
        assert_eq!(decode_u64s(&encode_u64s(&[7, u64::MAX])), vec![7, u64::MAX]);
        // A damaged blob decodes to what is whole.
        assert_eq!(decode_vector(&encode_vector(&v)[..13]), vec![(1, 0.5)]);
    }
}
