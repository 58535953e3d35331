//! The batch pipelines behind `storyfold fold`, `dedup` and `pairs`: read a whole corpus, work
//! on it in parallel, and hand back what the command writes.
//!
//! Each pipeline takes an [`ArticleSource`] (a [`Reader`](crate::ingest::Reader) over files,
//! or articles from memory through [`articles`]), its options, and a [`Progress`] that hears
//! how far it got (the command-line tool draws progress bars with it; [`Silent`] hears
//! nothing). Reading overlaps the parallel work on what was read before, in chunks; worker
//! threads come from a rayon pool of [`Threads`] when the options name a count, else from the
//! global pool.
//!
//! * [`fold()`] ([`fold`](mod@fold)): stories with origin, derivation and their reports, the
//!   texts spooled to a temporary file so that memory holds only compact features. Reports
//!   go to a [`StorySink`] in story order ([`JsonLines`] writes them as JSON lines).
//! * [`dedup()`] ([`dedup`](mod@dedup)): MinHash fingerprints of every article fed to a
//!   [`Deduper`](crate::dedup::Deduper), whose groups and verified pairs are then read.
//! * [`pairs()`] ([`pairs`](mod@pairs)): related article pairs, retrieved by rare terms and
//!   reused sentences and verified by alignment.
//!
//! ```
//! use storyfold::pipeline::{self, FoldOptions, Silent};
//! use storyfold::align::similarity::Idf;
//! use storyfold::{Aligner, Article, StoryReport};
//!
//! let text = "Engineers found cracks in two steel beams of the Alder Street Bridge in Port \
//!             Aldrin, which will stay closed for six weeks, said chief engineer Mara Lindqvist.";
//! let corpus = vec![
//!     Article::new("wire-1", text),
//!     Article::new("copy-2", text),
//!     Article::new("sport-3", "The Orville Otters beat the Castor Hawks 3-1 to win the cup."),
//! ];
//! let mut stories: Vec<StoryReport> = Vec::new();
//! let folded = pipeline::fold(
//!     pipeline::articles(corpus),
//!     &FoldOptions::default(),
//!     &Aligner::new(Idf::builtin()),
//!     &mut stories,
//!     &Silent,
//! )?;
//! assert_eq!(folded.sizes, [2, 1]);
//! let members: Vec<&str> = stories[0].members.iter().map(|m| m.id.as_str()).collect();
//! assert_eq!(members, ["wire-1", "copy-2"]);
//! # Ok::<(), storyfold::Error>(())
//! ```

pub mod dedup;
pub mod fold;
pub mod pairs;
mod progress;
mod source;
mod threads;

pub use dedup::{dedup, DedupOptions, Deduped};
pub use fold::{fold, FoldOptions, Folded, JsonLines, Spooled, StoryBrief, StorySink};
pub use pairs::{pairs, PairsFound, PairsOptions, VerifiedPair};
pub use progress::{Progress, Silent, Stage};
pub use source::{articles, ArticleSource, Articles};
pub use threads::{Threads, THREADS_PER_CORE};
