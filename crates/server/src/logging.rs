//! Request logging: one line per request on stderr, with the method, the path (and query),
//! the status and the latency, as an operator reads an access log:
//!
//! ```text
//! 2026-12-08T02:31:07.412Z  INFO request{method=GET path=/v1/stories?min_size=3}: answered status=200 latency_ms=1.84
//! ```
//!
//! The level is `info` unless `RUST_LOG` says otherwise (`RUST_LOG=warn` keeps only errors
//! and warnings, `RUST_LOG=debug` adds the libraries' own lines). [`trace_layer`] makes the
//! lines (tower-http's `TraceLayer`); [`subscriber`] formats them (tracing-subscriber);
//! [`init`] installs it for the process. A server without a subscriber (the tests, the load
//! bench) logs nothing.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, Response};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{DefaultOnBodyChunk, DefaultOnEos, DefaultOnFailure, TraceLayer};
use tracing::Span;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// The filter when `RUST_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info";

/// The span of a request: its method and path (with the query).
pub fn request_span(req: &Request<Body>) -> Span {
    tracing::info_span!("request", method = %req.method(), path = %req.uri())
}

/// The line written when the answer is ready: status and latency in milliseconds.
pub fn log_response(res: &Response<Body>, latency: Duration, _span: &Span) {
    tracing::info!(
        status = res.status().as_u16(),
        latency_ms = (latency.as_secs_f64() * 1e5).round() / 100.0,
        "answered"
    );
}

/// The request-logging layer of the router.
pub type RequestTrace = TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    fn(&Request<Body>) -> Span,
    (),
    fn(&Response<Body>, Duration, &Span),
    DefaultOnBodyChunk,
    DefaultOnEos,
    DefaultOnFailure,
>;

/// One line per request (see the [module docs](self)).
pub fn trace_layer() -> RequestTrace {
    TraceLayer::new_for_http()
        .make_span_with(request_span as fn(&Request<Body>) -> Span)
        .on_request(())
        .on_response(log_response as fn(&Response<Body>, Duration, &Span))
}

/// The subscriber of [`init`], writing to `writer` with `filter` (plain text, no colours).
pub fn subscriber<W>(filter: EnvFilter, writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .with_target(false)
        .finish()
}

/// The filter of `RUST_LOG`, or [`DEFAULT_FILTER`] when it is unset; an invalid `RUST_LOG`
/// is an error naming it.
pub fn filter_from_env() -> Result<EnvFilter, String> {
    match std::env::var("RUST_LOG") {
        Ok(v) if !v.trim().is_empty() => {
            EnvFilter::try_new(&v).map_err(|e| format!("RUST_LOG=`{v}` is not a log filter: {e}"))
        }
        _ => Ok(EnvFilter::new(DEFAULT_FILTER)),
    }
}

/// Log to stderr for the rest of the process (see the [module docs](self)).
pub fn init() -> Result<(), String> {
    let sub = subscriber(filter_from_env()?, std::io::stderr);
    tracing::subscriber::set_global_default(sub).map_err(|e| format!("cannot set up logging: {e}"))
}
