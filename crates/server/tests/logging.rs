//! The request log of `storyfold serve`: one line per request with the method, the path,
//! the status and the latency. In a test binary of its own: the subscriber is set for this
//! test's thread, and tracing's per-callsite filter cache is shared by the whole process, so
//! requests logged by tests on other threads at the same time could hide these lines.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use storyfold::StoryIndex;
use storyfold_server::{router, Config};
use tower::ServiceExt;

const NEWS: &str = include_str!("../../../examples/news.jsonl");

/// What the log subscriber wrote (a `MakeWriter` over a shared buffer).
#[derive(Clone, Default)]
struct Logged(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logged {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logged {
    type Writer = Logged;
    fn make_writer(&'a self) -> Logged {
        self.clone()
    }
}

#[tokio::test]
async fn each_request_is_logged_with_method_path_status_and_latency() {
    let logged = Logged::default();
    let subscriber = storyfold_server::logging::subscriber(
        tracing_subscriber::EnvFilter::new(storyfold_server::logging::DEFAULT_FILTER),
        logged.clone(),
    );
    // The test runtime has one thread: the subscriber sees every request of this test.
    let _guard = tracing::subscriber::set_default(subscriber);
    let dir = tempfile::tempdir().expect("tempdir");
    let index = Arc::new(
        StoryIndex::builder()
            .open(dir.path().join("x.db"))
            .expect("open"),
    );
    let (app, writer) = router(index, Config::default()).expect("router");
    let send = |req: Request<Body>| {
        let app = app.clone();
        async move {
            let res = app.oneshot(req).await.expect("answer");
            let status = res.status();
            res.into_body().collect().await.expect("body");
            status
        }
    };
    let post = Request::post("/v1/articles")
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .body(Body::from(NEWS))
        .expect("request");
    assert_eq!(send(post).await, StatusCode::CREATED);
    let get = |uri: &str| Request::get(uri).body(Body::empty()).expect("request");
    assert_eq!(send(get("/v1/stories?min_size=2")).await, StatusCode::OK);
    assert_eq!(send(get("/v1/stories/999999")).await, StatusCode::NOT_FOUND);
    drop(app);
    writer.join();
    let text = String::from_utf8(logged.0.lock().expect("log buffer").clone()).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "one line per request:\n{text}");
    let expect = [
        ("POST", "/v1/articles", 201),
        ("GET", "/v1/stories?min_size=2", 200),
        ("GET", "/v1/stories/999999", 404),
    ];
    for (line, (method, path, status)) in lines.iter().zip(expect) {
        // `2026-12-08T02:31:07.412Z  INFO request{method=GET path=/v1/stories}: answered
        // status=200 latency_ms=1.84`
        let (time, rest) = line.split_once(' ').expect("a time first");
        assert!(chrono::DateTime::parse_from_rfc3339(time).is_ok(), "{line}");
        let want = format!(
            "INFO request{{method={method} path={path}}}: answered status={status} latency_ms="
        );
        assert_eq!(
            rest.trim_start().get(..want.len()),
            Some(want.as_str()),
            "{line}"
        );
        let ms: f64 = rest
            .rsplit_once("latency_ms=")
            .and_then(|(_, v)| v.trim().parse().ok())
            .expect("a latency in milliseconds");
        assert!(ms >= 0.0, "{line}");
    }
}
