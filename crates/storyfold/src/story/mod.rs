//! Folding articles into stories: online clustering, derivation inside a story, the story report.
//!
//! * [`cluster`]: online story clustering in publication order, with an optional batch
//!   refinement pass.

pub mod cluster;
