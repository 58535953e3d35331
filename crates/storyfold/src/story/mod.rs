//! Folding articles into stories: online clustering, derivation inside a story, the story report.
//!
//! * [`cluster`]: online story clustering in publication order, with an optional batch
//!   refinement pass.
//! * [`background`]: background document frequencies (a shipped table from public word
//!   frequencies), blended with the input's own counts so term weights do not depend on the batch.
//! * [`features`]: TF-IDF term vectors (words, entities, numbers, dates) used by clustering.
//! * [`entities`]: named entities, numbers and dates that tell one incident from another.
//! * [`derive`]: relations inside a story, families of derived versions, origins, `derived_from`.
//! * [`report`]: the story report (title, span, members, shared sentences, additions,
//!   disagreements).
//! * [`spool`]: article texts kept in a temporary file and read back by offset, so that
//!   folding a large corpus holds only compact features in memory.

pub mod cluster;
pub mod derive;
pub mod entities;
pub mod features;
pub mod report;
pub mod spool;
