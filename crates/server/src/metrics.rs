//! `/metrics`: counters and latency histograms of the server, and the size of the index, in
//! the Prometheus (OpenMetrics) text format, kept with `prometheus-client`.
//!
//! * `storyfold_http_requests_total{method,route,status}` and
//!   `storyfold_http_request_duration_seconds{method,route}` for every request (`route` is
//!   the matched pattern, e.g. `/v1/stories/{id}`, so ids do not make new series);
//! * `storyfold_articles_ingested_total`, `storyfold_ingest_batches_total{outcome}`,
//!   `storyfold_commit_duration_seconds` (one `insert_batch`), `storyfold_articles_removed_total`,
//!   `storyfold_refine_duration_seconds`, `storyfold_refine_events_total`;
//! * gauges read from `StoryIndex::stats` at each scrape: `storyfold_index_articles`,
//!   `storyfold_index_stories`, `storyfold_index_open_stories`,
//!   `storyfold_index_open_articles`, `storyfold_index_events`, `storyfold_index_bytes`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use storyfold::{Placement, StoryIndex};

use crate::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

/// Buckets from 0.25 ms to about 8 s.
fn latency() -> Histogram {
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    index: Arc<StoryIndex>,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram, fn() -> Histogram>,
    ingested: Counter,
    batches: Family<OutcomeLabels, Counter>,
    commit: Histogram,
    /// Articles removed.
    pub removed: Counter,
    refine: Histogram,
    refine_events: Counter,
    gauges: [Gauge; 6],
}

impl Metrics {
    /// Register every metric; the index gauges read `index` at each scrape.
    pub fn new(index: Arc<StoryIndex>) -> Self {
        let mut registry = Registry::with_prefix("storyfold");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        let durations =
            Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request",
            durations.clone(),
        );
        let ingested = Counter::default();
        registry.register(
            "articles_ingested",
            "Articles committed to the index",
            ingested.clone(),
        );
        let batches = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "ingest_batches",
            "Insert transactions by outcome (committed or refused)",
            batches.clone(),
        );
        let commit = latency();
        registry.register(
            "commit_duration_seconds",
            "Time of one insert transaction (placing and committing its articles)",
            commit.clone(),
        );
        let removed = Counter::default();
        registry.register(
            "articles_removed",
            "Articles removed through the API",
            removed.clone(),
        );
        let refine = latency();
        registry.register(
            "refine_duration_seconds",
            "Time of one refinement of the stories touched by writes",
            refine.clone(),
        );
        let refine_events = Counter::default();
        registry.register(
            "refine_events",
            "Story events recorded by the refinement",
            refine_events.clone(),
        );
        let gauges: [Gauge; 6] = Default::default();
        for (g, (name, help)) in gauges.iter().zip([
            ("index_articles", "Articles stored in the index"),
            ("index_stories", "Stories stored in the index"),
            ("index_open_stories", "Stories in memory (the open window)"),
            (
                "index_open_articles",
                "Articles in memory (the open window)",
            ),
            ("index_events", "Story events recorded"),
            ("index_bytes", "Size of the index file"),
        ]) {
            registry.register(name, help, g.clone());
        }
        Metrics {
            registry,
            index,
            requests,
            durations,
            ingested,
            batches,
            commit,
            removed,
            refine,
            refine_events,
            gauges,
        }
    }

    /// Record one insert transaction of `n` articles.
    pub fn observe_commit(
        &self,
        took: Duration,
        out: &storyfold::Result<Vec<Placement>>,
        n: usize,
    ) {
        self.commit.observe(took.as_secs_f64());
        let outcome = if out.is_ok() {
            self.ingested.inc_by(n as u64);
            "committed"
        } else {
            "refused"
        };
        self.batches.get_or_create(&OutcomeLabels { outcome }).inc();
    }

    /// Record one refinement.
    pub fn observe_refine(&self, took: Duration, events: usize) {
        self.refine.observe(took.as_secs_f64());
        self.refine_events.inc_by(events as u64);
    }

    /// The text exposition (reads the index counts first).
    pub fn render(&self) -> Result<String, String> {
        let st = self.index.stats().map_err(|e| e.to_string())?;
        for (g, v) in self.gauges.iter().zip([
            st.articles,
            st.stories,
            st.open_stories,
            st.open_articles,
            st.events,
            st.bytes,
        ]) {
            g.set(v.min(i64::MAX as u64) as i64);
        }
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .map_err(|e| e.to_string())?;
        Ok(out)
    }
}

/// Middleware counting every request and timing it, by method, matched route and status.
pub async fn track_requests(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = next.run(req).await;
    let m = &state.metrics;
    m.durations
        .get_or_create(&RouteLabels {
            method: method.clone(),
            route: route.clone(),
        })
        .observe(start.elapsed().as_secs_f64());
    m.requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}
