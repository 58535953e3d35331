//! The one writer: inserts and removals from every request go through one thread, in arrival
//! order, so that writes never race each other. Readers do not wait for it: the index reads
//! committed data on connections of their own. The handlers prepare their articles
//! (`StoryIndex::prepare`: fingerprints, terms) before queueing them, so the writer places
//! one batch while the next is being prepared. A request is answered once its transaction
//! has committed (the answer is sent after `insert_prepared` or `remove` returns).
//!
//! The refinement (`StoryIndex::refine`, what `add` runs after each batch) runs after a write
//! when the queue is empty, or after [`REFINE_EVERY`] articles without a pause, and once more
//! when the writer stops.

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use storyfold::{Placement, PreparedBatch, StoryIndex};
use tokio::sync::{mpsc, oneshot};

use crate::metrics::Metrics;

/// Articles inserted without a pause after which the refinement runs anyway.
pub const REFINE_EVERY: usize = 1000;

/// Writes waiting at most (further requests wait for room).
const QUEUE: usize = 64;

/// A write.
enum Job {
    Insert(
        PreparedBatch,
        oneshot::Sender<storyfold::Result<Vec<Placement>>>,
    ),
    Remove(String, oneshot::Sender<storyfold::Result<()>>),
}

/// The sending side: cheap to clone, one per handler.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

/// The writer thread; [`WriterHandle::join`] waits for it once every [`Writer`] is dropped.
pub struct WriterHandle {
    thread: JoinHandle<()>,
}

impl WriterHandle {
    /// Wait until the writer has drained its queue, refined, and stopped.
    pub fn join(self) {
        let _ = self.thread.join();
    }
}

/// The error when the writer is gone (only while shutting down).
fn gone() -> storyfold::Error {
    storyfold::Error::Store {
        message: "the server is shutting down".into(),
    }
}

impl Writer {
    /// Insert prepared articles as one transaction; the placements once committed.
    pub async fn insert(&self, articles: PreparedBatch) -> storyfold::Result<Vec<Placement>> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Job::Insert(articles, tx))
            .await
            .map_err(|_| gone())?;
        rx.await.map_err(|_| gone())?
    }

    /// Remove an article; done once committed.
    pub async fn remove(&self, id: String) -> storyfold::Result<()> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Job::Remove(id, tx))
            .await
            .map_err(|_| gone())?;
        rx.await.map_err(|_| gone())?
    }
}

/// Start the writer thread over `index`.
pub fn start(
    index: Arc<StoryIndex>,
    metrics: Arc<Metrics>,
) -> std::io::Result<(Writer, WriterHandle)> {
    let (tx, mut rx) = mpsc::channel::<Job>(QUEUE);
    let thread = std::thread::Builder::new()
        .name("storyfold-writer".into())
        .spawn(move || {
            let mut unrefined = 0usize;
            while let Some(job) = rx.blocking_recv() {
                match job {
                    Job::Insert(articles, reply) => {
                        let n = articles.len();
                        let start = Instant::now();
                        let out = index.insert_prepared(articles);
                        metrics.observe_commit(start.elapsed(), &out, n);
                        if out.is_ok() {
                            unrefined += n;
                        }
                        let _ = reply.send(out);
                    }
                    Job::Remove(id, reply) => {
                        let out = index.remove(&id);
                        if out.is_ok() {
                            metrics.removed.inc();
                        }
                        let _ = reply.send(out);
                    }
                }
                if unrefined > 0 && (rx.is_empty() || unrefined >= REFINE_EVERY) {
                    refine(&index, &metrics);
                    unrefined = 0;
                }
            }
            if unrefined > 0 {
                refine(&index, &metrics);
            }
        })?;
    Ok((Writer { tx }, WriterHandle { thread }))
}

fn refine(index: &StoryIndex, metrics: &Metrics) {
    let start = Instant::now();
    match index.refine() {
        Ok(events) => metrics.observe_refine(start.elapsed(), events.len()),
        Err(e) => tracing::error!("refinement failed: {e}"),
    }
}
