//! How far a pipeline got: the [`Progress`] a caller gives a pipeline hears when each stage
//! starts, advances and ends, and a line at the end of each pass (for timings). Its methods
//! are called from the pipeline's worker threads, so it is `Sync`; every method does nothing
//! by default.

/// A stage of a pipeline that reports its progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Reading the articles (and fingerprinting or preparing them): counts articles.
    Read,
    /// Building the story reports (`fold`): counts stories.
    Report,
    /// Verifying candidate pairs by alignment (`pairs`): counts candidates, out of a known total.
    Verify,
}

/// Hears a pipeline's progress (see the [module documentation](self)).
pub trait Progress: Sync {
    /// `stage` starts; `total` is its length when known in advance.
    fn start(&self, _stage: Stage, _total: Option<u64>) {}
    /// `done` items of `stage` are done (may be called from several threads at once).
    fn set(&self, _stage: Stage, _done: u64) {}
    /// `stage` is over.
    fn finish(&self, _stage: Stage) {}
    /// A pass of the pipeline is over; `what` says what it did (`read 12 articles`).
    fn pass(&self, _what: &str) {}
}

/// A [`Progress`] that hears nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silent;

impl Progress for Silent {}
