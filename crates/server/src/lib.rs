//! `storyfold serve`: an HTTP API (JSON under `/v1`, OpenAPI at `/openapi.json`) and a web
//! page (`/`) over the live story index, [`storyfold::StoryIndex`].
//!
//! The server folds nothing itself: every answer comes from the same library calls as the
//! `add`, `story`, `stories`, `events`, `rm` and `compare` commands. What it adds is HTTP:
//!
//! * **one writer** ([`writer`]): inserts and removals go through one thread, in arrival
//!   order, each as one transaction (`insert_batch`); a request is answered only once its
//!   transaction is committed. The refinement runs after a write when no other write waits
//!   (or after [`writer::REFINE_EVERY`] articles), as `add` runs it after each batch.
//! * **concurrent reads**: every read runs on tokio's blocking pool, so a story report being
//!   built does not hold up other requests, and the index reads committed data on read-only
//!   connections of its own, so a read does not wait for the write in progress.
//! * **limits**: a body limit (413), the per-article limit of the CLI reader (400), a timeout
//!   per request (408), bearer-token auth of writes compared in constant time (401), and a
//!   panic in a handler answered as a 500 JSON error rather than a dropped connection.
//! * **logging** ([`logging`]): one line per request (method, path, status, latency) through
//!   `tracing`, written to stderr once [`logging::init`] installs the subscriber.
//! * **shutdown**: on SIGTERM or ctrl-c it stops accepting, finishes the requests in flight,
//!   lets the writer finish its queue and refine, checkpoints the index and returns.
//!
//! [`router`] builds the whole application (used by the tests with `tower::ServiceExt`);
//! [`run`] binds and serves it until a signal.

pub mod api;
pub mod error;
pub mod logging;
pub mod metrics;
pub mod page;
pub mod view;
pub mod writer;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderValue, Method, StatusCode};
use axum::Router;
use storyfold::StoryIndex;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::CorsLayer;
use tower_http::timeout::TimeoutLayer;

/// How the server runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The bearer token writes need (`None`: writes are open, allowed on loopback only).
    pub token: Option<String>,
    /// The origin allowed by CORS (`None`: no CORS headers at all).
    pub cors: Option<String>,
    /// Largest request body (bytes): 413 above.
    pub body_limit: usize,
    /// Largest article (one JSON object, bytes), as the CLI reader's `--max-bytes`: 400 above.
    pub max_article_bytes: usize,
    /// Time limit of one request: 408 after.
    pub timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            token: None,
            cors: None,
            body_limit: 32 * 1024 * 1024,
            max_article_bytes: storyfold::ingest::ReadOptions::default().max_bytes,
            timeout: Duration::from_secs(30),
        }
    }
}

impl Config {
    /// Refuse settings that are unsafe or unusable: a non-loopback address without a token,
    /// an empty token, zero limits.
    pub fn validate(&self) -> Result<(), String> {
        if !self.listen.ip().is_loopback() && self.token.is_none() {
            return Err(format!(
                "refusing to listen on {} (not a loopback address) without a token: give \
                 --token-file, or listen on 127.0.0.1",
                self.listen
            ));
        }
        if self.token.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err("the token is empty".into());
        }
        if self.body_limit == 0 || self.max_article_bytes == 0 {
            return Err("the body and article limits must be at least 1 byte".into());
        }
        if self.timeout.is_zero() {
            return Err("the request timeout must be positive".into());
        }
        Ok(())
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The index (reads call it directly on the blocking pool).
    pub index: Arc<StoryIndex>,
    /// The queue of the one writer.
    pub writer: writer::Writer,
    /// Counters and histograms of `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
    /// The settings.
    pub config: Arc<Config>,
}

/// The whole application over `index`, with its writer thread (drop the router, then
/// [`writer::WriterHandle::join`] waits until every write is committed and refined).
pub fn router(
    index: Arc<StoryIndex>,
    config: Config,
) -> std::io::Result<(Router, writer::WriterHandle)> {
    let metrics = Arc::new(metrics::Metrics::new(index.clone()));
    let (writer, handle) = writer::start(index.clone(), metrics.clone())?;
    let timeout = config.timeout;
    let cors = config.cors.clone();
    let state = AppState {
        index,
        writer,
        metrics,
        config: Arc::new(config),
    };
    // `route_layer`: the metrics see the matched route (unmatched paths are not counted).
    let mut app = Router::new()
        .merge(api::routes())
        .merge(page::routes())
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track_requests,
        ))
        .with_state(state)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(logging::trace_layer())
        .layer(CatchPanicLayer::custom(panic_response));
    if let Some(origin) = cors {
        let layer = match origin.as_str() {
            "*" => CorsLayer::new().allow_origin(tower_http::cors::Any),
            o => match HeaderValue::from_str(o) {
                Ok(v) => CorsLayer::new().allow_origin(v),
                Err(_) => CorsLayer::new(),
            },
        }
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers([
            axum::http::header::AUTHORIZATION,
            axum::http::header::CONTENT_TYPE,
        ]);
        app = app.layer(layer);
    }
    Ok((app, handle))
}

/// A handler that panicked still answers: 500 with a JSON error.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    use axum::response::IntoResponse;
    error::ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "the request failed inside the server",
    )
    .into_response()
}

/// Serve `index` until SIGTERM or ctrl-c, then finish the requests in flight, let the writer
/// commit what it holds, refine, and checkpoint the index. `ready` (if given) receives the
/// bound address once the server accepts connections (the port of `:0`).
pub async fn run(
    index: Arc<StoryIndex>,
    config: Config,
    ready: Option<tokio::sync::oneshot::Sender<SocketAddr>>,
) -> std::io::Result<()> {
    config
        .validate()
        .map_err(|m| std::io::Error::new(std::io::ErrorKind::InvalidInput, m))?;
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    if let Some(tx) = ready {
        let _ = tx.send(addr);
    }
    let (app, writer) = router(index.clone(), config)?;
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    // The router (and its queue senders) are gone: the writer drains and stops.
    tokio::task::spawn_blocking(move || writer.join())
        .await
        .map_err(std::io::Error::other)?;
    tokio::task::spawn_blocking(move || index.close())
        .await
        .map_err(std::io::Error::other)?
        .map_err(std::io::Error::other)?;
    Ok(())
}

/// Resolves on ctrl-c or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
