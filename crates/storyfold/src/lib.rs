//! storyfold: fold a pile or a stream of news articles into stories.
//!
//! ```
//! use storyfold::{Article, Relation, StoryIndex};
//!
//! let index = StoryIndex::builder().in_memory()?;
//! let article = |id: &str, title: &str, text: &str| -> Result<Article, chrono::ParseError> {
//!     Ok(Article {
//!         title: Some(title.into()),
//!         published: Some("2026-11-02T09:30:00Z".parse()?),
//!         ..Article::new(id, text)
//!     })
//! };
//! let first = index.insert(article(
//!     "wire-1",
//!     "Alder Street Bridge closed for six weeks after cracks found",
//!     "The Alder Street Bridge in Port Aldrin will stay closed for six weeks after engineers \
//!      found cracks in two steel beams, said Mara Lindqvist, the transport authority's chief \
//!      engineer. Repairs will cost 4.2 million dollars.",
//! )?)?;
//! let second = index.insert(article(
//!     "paper-7",
//!     "Cracked beams shut Port Aldrin's Alder Street Bridge",
//!     "Engineers discovered cracks in two steel beams of the Alder Street Bridge, and Port \
//!      Aldrin's transport authority closed it for six weeks. Chief engineer Mara Lindqvist \
//!      put the repair bill at 4.2 million dollars.",
//! )?)?;
//! let other = index.insert(article(
//!     "sport-3",
//!     "Otters win the regional cup",
//!     "The Orville Otters beat the Castor Hawks 3-1 to win the regional football cup in \
//!      front of a packed stadium on Sunday.",
//! )?)?;
//! assert_eq!(first.relation, Relation::NewStory);
//! assert_eq!(second.story, first.story);
//! assert_ne!(other.story, first.story);
//!
//! let story = index.story(first.story)?;
//! let members: Vec<&str> = story.members.iter().map(|m| m.id.as_str()).collect();
//! assert_eq!(members, ["wire-1", "paper-7"]);
//! assert_eq!(index.story_of("paper-7")?, Some(first.story));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`StoryIndex`] is the live, persistent index ([`live`]): articles join their story as they
//! arrive, stories keep their ids, and everything is kept in one SQLite file
//! ([`StoryIndex::builder`]`().open(path)`) or in memory. The batch pipeline below folds a
//! whole corpus at once ([`pipeline::fold()`], `storyfold fold`).
//!
//! The crate is laid out as the pipeline it implements:
//!
//! * [`ingest`]: read articles from JSONL (optionally gzipped, or stdin), CSV, or a
//!   directory of `.txt` files, with precise errors for malformed input.
//! * [`text`]: normalization (NFKC, quote/dash/whitespace folding, case folding),
//!   boilerplate removal, sentence segmentation, word tokenization, and the English lexicon
//!   ([`text::lexicon`]: stems, stopwords, months, weekdays, number words) that `align` and
//!   `story` share.
//! * [`fingerprint`]: exact hashes, MinHash signatures over word shingles, SimHash and
//!   per-sentence hashes.
//! * [`index`]: candidate retrieval (LSH banding over MinHash signatures).
//! * [`align`]: sentence similarity, alignment of two articles (thresholds in
//!   [`align::config::AlignConfig`]), disagreeing facts ([`align::facts`]), rewrite retrieval.
//! * [`dedup`]: verified near-duplicate pairs and groups with a representative each.
//! * [`story`]: folding articles into stories (clustering, derivation, report).
//! * [`pipeline`]: the batch pipelines of `fold`, `dedup` and `pairs` over a whole corpus
//!   (reading, spooling, chunking and worker threads), reporting progress to a callback.
//! * [`eval`]: clustering metrics (pairwise, B-cubed, ARI, NMI) against gold labels.
//! * [`output`]: safe outputs: written atomically, never over an input, errors naming the file.
//! * [`live`]: the live story index; [`store`]: its persistence (SQLite); [`error`]: the
//!   crate's error type.
//!
//! Modules import each other without a cycle (`python3 scripts/module_cycles.py` checks it).
//! The `storyfold` command-line tool is a thin shell over this API.

pub mod align;
pub mod dedup;
pub mod error;
pub mod eval;
pub mod fingerprint;
pub mod index;
pub mod ingest;
pub mod live;
pub mod output;
pub mod pipeline;
pub mod store;
pub mod story;
pub mod text;

pub use align::alignment::Aligner;
pub use dedup::DedupConfig;
pub use error::{Error, Result};
pub use fingerprint::FingerprintConfig;
pub use ingest::Article;
pub use live::{
    Comparison, EventFilter, EventKind, Evidence, IndexStats, Passage, Placement, PlacementLine,
    PreparedBatch, Relation, StoryDetail, StoryEvent, StoryFilter, StoryId, StoryIndex,
    StoryIndexBuilder, StorySummary,
};
pub use pipeline::{
    ArticleSource, DedupOptions, FoldOptions, JsonLines, PairsOptions, Progress, StorySink, Threads,
};
pub use store::sqlite::Durability;
pub use story::cluster::ClusterConfig;
pub use story::derive::DeriveConfig;
pub use story::features::FeatureConfig;
pub use story::report::StoryReport;
