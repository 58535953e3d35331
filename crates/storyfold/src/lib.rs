//! storyfold: fold a pile or a stream of news articles into stories.
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
//! * [`eval`]: clustering metrics (pairwise, B-cubed, ARI, NMI) against gold labels.
//! * [`output`]: safe outputs: written atomically, never over an input, errors naming the file.
//!
//! Modules import each other without a cycle (`python3 scripts/module_cycles.py` checks it).
//! The `storyfold` command-line tool is a thin shell over this API.

pub mod align;
pub mod dedup;
pub mod eval;
pub mod fingerprint;
pub mod index;
pub mod ingest;
pub mod output;
pub mod story;
pub mod text;
