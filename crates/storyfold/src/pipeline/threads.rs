//! The worker threads of a pipeline: a count checked and bounded by the cores available, and
//! the rayon pool built from it. A pipeline whose options name no count runs on rayon's global
//! pool (one thread per core).

use crate::error::{Error, Result};

/// Most worker threads per available core: more only adds memory and switching.
pub const THREADS_PER_CORE: usize = 4;

/// A worker-thread count: at least one, at most [`THREADS_PER_CORE`] per available core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Threads {
    requested: usize,
    count: usize,
    cores: usize,
}

impl Threads {
    /// `requested` threads, clamped to [`THREADS_PER_CORE`] per available core; 0 is refused.
    pub fn new(requested: usize) -> Result<Threads> {
        if requested == 0 {
            return Err(Error::config("threads", "must be at least 1"));
        }
        let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
        Ok(Threads {
            requested,
            count: requested.min(THREADS_PER_CORE * cores),
            cores,
        })
    }

    /// The threads used.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The threads asked for.
    pub fn requested(&self) -> usize {
        self.requested
    }

    /// The cores available.
    pub fn cores(&self) -> usize {
        self.cores
    }

    /// Whether fewer threads are used than were asked for.
    pub fn clamped(&self) -> bool {
        self.count < self.requested
    }

    /// A rayon pool of [`Threads::count`] threads.
    pub fn pool(&self) -> Result<rayon::ThreadPool> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(self.count)
            .build()
            .map_err(cannot_start)
    }

    /// Make rayon's global pool [`Threads::count`] threads (for work outside the pipelines;
    /// it can be done once per process, before anything uses the global pool).
    pub fn install_global(&self) -> Result<()> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(self.count)
            .build_global()
            .map_err(cannot_start)
    }
}

fn cannot_start(e: rayon::ThreadPoolBuildError) -> Error {
    Error::Threads {
        message: format!("cannot start the worker threads: {e}"),
    }
}

/// The pool of `threads`, or `None` (the global pool) when no count is given.
pub(crate) fn pool(threads: Option<Threads>) -> Result<Option<rayon::ThreadPool>> {
    threads.map(|t| t.pool()).transpose()
}

/// Run `f` on `pool`, or on the current thread (whose rayon calls use the global pool).
pub(crate) fn run<R: Send>(pool: Option<&rayon::ThreadPool>, f: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_refused_and_too_many_are_clamped() {
        assert!(matches!(
            Threads::new(0),
            Err(Error::Config {
                field: "threads",
                ..
            })
        ));
        let t = Threads::new(1).expect("one thread");
        assert_eq!((t.count(), t.clamped()), (1, false));
        let t = Threads::new(100_000).expect("many threads");
        assert_eq!(t.count(), THREADS_PER_CORE * t.cores());
        assert!(t.clamped());
        assert_eq!(t.requested(), 100_000);
    }

    #[test]
    fn the_pool_has_the_count_of_threads() {
        let pool = Threads::new(3).expect("threads").pool().expect("pool");
        assert_eq!(run(Some(&pool), rayon::current_num_threads), 3);
    }
}
