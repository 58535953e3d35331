//! storyfold: fold a pile or a stream of news articles into stories.
//!
//! The crate is laid out as the pipeline it implements:
//!
//! * [`ingest`]: read articles from JSONL (optionally gzipped, or stdin), CSV, or a
//!   directory of `.txt` files, with precise errors for malformed input.
//! * [`text`]: normalization (NFKC, quote/dash/whitespace folding, case folding),
//!   boilerplate removal, sentence segmentation and word tokenization.
//! * [`fingerprint`]: exact hashes, MinHash signatures over word shingles, SimHash and
//!   per-sentence hashes.
//! * [`index`]: candidate retrieval (LSH banding over MinHash signatures).
//! * [`align`]: sentence similarity, alignment of two articles, disagreeing facts, rewrite retrieval.
//! * [`dedup`]: verified near-duplicate pairs and groups with a representative each.
//! * [`story`]: folding articles into stories (clustering, derivation, report).
//! * [`eval`]: clustering metrics (pairwise, B-cubed, ARI, NMI) against gold labels.
//! * [`store`]: persistence of the live story index (SQLite); [`error`]: the crate's error
//!   type.
//!
//! The `storyfold` command-line tool is a thin shell over this API.

pub mod align;
pub mod dedup;
pub mod error;
pub mod eval;
pub mod fingerprint;
pub mod index;
pub mod ingest;
pub mod store;
pub mod story;
pub mod text;

pub use error::{Error, Result};
