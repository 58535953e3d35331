//! The HTTP API and the pages of `storyfold serve`, driven through the router with tower's
//! `oneshot` over an index in a temporary file: status codes and JSON errors (400, 401, 404,
//! 409, 413, 415), that a refused request stores nothing, the token, paging, the pages'
//! content and escaping, and that what was acknowledged is there after a restart.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use storyfold::StoryIndex;
use storyfold_server::writer::WriterHandle;
use storyfold_server::{router, Config};
use tower::ServiceExt;

const NEWS: &str = include_str!("../../../examples/news.jsonl");

struct App {
    router: Router,
    writer: WriterHandle,
    index: Arc<StoryIndex>,
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

impl App {
    fn new(config: Config) -> App {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("stories.db");
        let index = Arc::new(StoryIndex::builder().open(&path).expect("open"));
        let (router, writer) = router(index.clone(), config).expect("router");
        App {
            router,
            writer,
            index,
            _dir: dir,
            path,
        }
    }

    fn open() -> App {
        App::new(Config::default())
    }

    async fn send(&self, req: Request<Body>) -> (StatusCode, Vec<u8>) {
        let res = self.router.clone().oneshot(req).await.expect("answer");
        let status = res.status();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        (status, bytes.to_vec())
    }

    async fn get(&self, uri: &str) -> (StatusCode, Value) {
        let (s, b) = self
            .send(Request::get(uri).body(Body::empty()).expect("request"))
            .await;
        (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }

    async fn page(&self, uri: &str) -> (StatusCode, String) {
        let (s, b) = self
            .send(Request::get(uri).body(Body::empty()).expect("request"))
            .await;
        (s, String::from_utf8(b).expect("utf-8 page"))
    }

    async fn post(&self, ctype: &str, body: &str, token: Option<&str>) -> (StatusCode, Value) {
        let mut req = Request::post("/v1/articles").header(header::CONTENT_TYPE, ctype);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let (s, b) = self
            .send(req.body(Body::from(body.to_string())).expect("request"))
            .await;
        (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }

    async fn articles(&self) -> u64 {
        let (s, v) = self.get("/healthz").await;
        assert_eq!(s, StatusCode::OK);
        v["articles"].as_u64().expect("articles")
    }

    /// Stop the writer (after the router is dropped): every write committed and refined.
    fn stop(self) -> (Arc<StoryIndex>, std::path::PathBuf, tempfile::TempDir) {
        drop(self.router);
        self.writer.join();
        (self.index, self.path, self._dir)
    }
}

fn error_of(v: &Value) -> (&str, &str) {
    (
        v["error"].as_str().expect("error code"),
        v["message"].as_str().expect("error message"),
    )
}

#[tokio::test]
async fn post_one_article_then_read_it_its_story_and_the_stories() {
    let app = App::open();
    let body = r#"{
        "id": "a1",
        "title": "Bridge closed",
        "text": "The Alder Street Bridge will stay closed for six weeks after cracks were found.",
        "published": "2024-05-03T10:00:00Z",
        "source": "Wire"
    }"#;
    let (s, v) = app.post("application/json", body, None).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let p = &v["placements"][0];
    assert_eq!(p["id"], "a1");
    assert_eq!(p["relation"], "new_story");
    assert_eq!(p["new_story"], true);
    let story = p["story"].as_u64().expect("story id");
    let (s, a) = app.get("/v1/articles/a1").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(a["title"], "Bridge closed");
    assert_eq!(a["source"], "Wire");
    assert_eq!(a["published"], "2024-05-03T10:00:00+00:00");
    assert_eq!(a["placement"]["story"], story);
    let (s, r) = app.get(&format!("/v1/stories/{story}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r["origin"], "a1");
    assert_eq!(r["size"], 1);
    let (s, list) = app.get("/v1/stories").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["stories"][0]["story"], story);
    assert_eq!(list["next_cursor"], Value::Null);
    let (s, ev) = app.get(&format!("/v1/stories/{story}/events")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ev[0]["kind"], "created");
}

#[tokio::test]
async fn a_batch_folds_the_example_corpus_like_add_and_pages_cover_every_story_once() {
    let app = App::open();
    let (s, v) = app.post("application/x-ndjson", NEWS, None).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let placements = v["placements"].as_array().expect("placements");
    assert_eq!(placements.len(), 45);
    // The same placements as the library gives for the same articles one by one.
    let reference = StoryIndex::builder().in_memory().expect("memory");
    let articles: Vec<_> = storyfold::ingest::Reader::from_bytes(
        "news",
        NEWS.as_bytes().to_vec(),
        storyfold::ingest::Format::Jsonl,
        Default::default(),
    )
    .map(|a| a.expect("article"))
    .collect();
    for (a, p) in articles.into_iter().zip(placements) {
        let want = reference.insert(a).expect("insert");
        assert_eq!(serde_json::to_value(want.line(false)).expect("json"), *p);
    }
    assert!(placements.iter().any(|p| p["relation"] == "rewrite"));
    let total = app.index.stats().expect("stats").stories;
    let mut seen = Vec::new();
    let mut uri = "/v1/stories?limit=4".to_string();
    loop {
        let (s, page) = app.get(&uri).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        let stories = page["stories"].as_array().expect("stories");
        assert!(stories.len() <= 4);
        seen.extend(stories.iter().map(|s| s["story"].as_u64().expect("id")));
        match page["next_cursor"].as_str() {
            Some(c) => uri = format!("/v1/stories?limit=4&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len() as u64, total);
    let mut unique = seen.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "a story listed twice: {seen:?}");
    // Filters reach the library.
    let (s, big) = app.get("/v1/stories?min_size=4").await;
    assert_eq!(s, StatusCode::OK);
    let big = big["stories"].as_array().expect("stories");
    assert!(!big.is_empty());
    assert!(big.iter().all(|s| s["size"].as_u64().expect("size") >= 4));
    let (s, bridge) = app.get("/v1/stories?q=bridge").await;
    assert_eq!(s, StatusCode::OK);
    assert!(bridge["stories"]
        .as_array()
        .expect("stories")
        .iter()
        .all(|s| s["title"]
            .as_str()
            .expect("title")
            .to_lowercase()
            .contains("bridge")));
    let (s, _) = app.get("/v1/stories?since=yesterday").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = app.get("/v1/stories?cursor=zz").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = app.get("/v1/stories?limit=0").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = app.get("/v1/stories?min_size=x").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // Empty fields, as a GET form sends them, are no filter.
    let (s, all) = app
        .get("/v1/stories?q=&source=&since=&min_size=&limit=")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        all["stories"].as_array().expect("stories").len() as u64,
        total
    );
}

#[tokio::test]
async fn malformed_requests_answer_400_with_where_and_store_nothing() {
    let app = App::open();
    let (s, _) = app
        .post(
            "application/json",
            r#"{"id": "keep", "text": "Kept before the bad requests."}"#,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    // Broken JSON.
    let (s, v) = app
        .post("application/json", r#"{"id": "x", "text": "#, None)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (code, msg) = error_of(&v);
    assert_eq!(code, "bad_request");
    assert!(msg.contains("invalid JSON"), "{msg}");
    // A batch whose second line has no text: nothing of it is stored.
    let batch =
        "{\"id\": \"b1\", \"text\": \"Fine article.\"}\n{\"id\": \"b2\", \"title\": \"no text\"}\n";
    let (s, v) = app.post("application/x-ndjson", batch, None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["where"], "body:2");
    assert!(error_of(&v).1.contains("missing field `text`"), "{v}");
    // A repeated id inside a batch, an empty text, a bad date, not an object, an empty body.
    for (body, what) in [
        (
            "{\"id\": \"c\", \"text\": \"one\"}\n{\"id\": \"c\", \"text\": \"two\"}",
            "duplicate id",
        ),
        ("{\"id\": \"d\", \"text\": \"\\u200b \"}", "text is empty"),
        (
            "{\"id\": \"e\", \"text\": \"t\", \"published\": \"31/31/2024\"}",
            "invalid date",
        ),
        ("[1, 2]", "invalid JSON"),
        ("", "no article"),
    ] {
        let (s, v) = app.post("application/x-ndjson", body, None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert!(error_of(&v).1.contains(what), "{body}: {v}");
    }
    let (s, v) = app.post("text/plain", "{}", None).await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error_of(&v).0, "unsupported_media_type");
    assert_eq!(app.articles().await, 1);
    let (s, _) = app.get("/v1/articles/b1").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get("/v1/articles/keep").await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn an_id_already_indexed_is_409_and_its_batch_is_not_stored() {
    let app = App::open();
    let one = r#"{"id": "dup", "text": "The first version of this article."}"#;
    assert_eq!(
        app.post("application/json", one, None).await.0,
        StatusCode::CREATED
    );
    let batch = "{\"id\": \"new1\", \"text\": \"Something else entirely.\"}\n{\"id\": \"dup\", \"text\": \"Again.\"}";
    let (s, v) = app.post("application/x-ndjson", batch, None).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["error"], "conflict");
    assert_eq!(v["where"], "body:2");
    assert!(error_of(&v).1.contains("`dup`"));
    let (s, _) = app.get("/v1/articles/new1").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(app.articles().await, 1);
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_and_articles_over_the_reader_limit_400() {
    let app = App::new(Config {
        body_limit: 2_000,
        max_article_bytes: 500,
        ..Config::default()
    });
    let long = format!(r#"{{"id": "big", "text": "{}"}}"#, "word ".repeat(1_000));
    let (s, v) = app.post("application/json", &long, None).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(v["error"], "payload_too_large");
    // Without a Content-Length header too (a streamed body).
    let chunks: Vec<Result<String, std::io::Error>> = vec![Ok(long.clone())];
    let req = Request::post("/v1/articles")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(futures_stream(chunks)))
        .expect("request");
    let (s, _) = app.send(req).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    let mid = format!(r#"{{"id": "mid", "text": "{}"}}"#, "word ".repeat(150));
    let (s, v) = app.post("application/json", &mid, None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        error_of(&v).1.contains("over the limit of 500 bytes"),
        "{v}"
    );
    assert_eq!(app.articles().await, 0);
}

/// A body stream of the given chunks.
fn futures_stream(
    chunks: Vec<Result<String, std::io::Error>>,
) -> impl futures_core::Stream<Item = Result<String, std::io::Error>> {
    Chunks(chunks.into_iter())
}

struct Chunks(std::vec::IntoIter<Result<String, std::io::Error>>);

impl futures_core::Stream for Chunks {
    type Item = Result<String, std::io::Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        std::task::Poll::Ready(self.0.next())
    }
}

#[tokio::test]
async fn writes_need_the_token_when_one_is_set_and_reads_do_not() {
    let app = App::new(Config {
        token: Some("s3cret-token".into()),
        ..Config::default()
    });
    let one = r#"{"id": "t1", "text": "An article behind a token."}"#;
    let (s, v) = app.post("application/json", one, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(v["error"], "unauthorized");
    let (s, _) = app.post("application/json", one, Some("wrong")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app
        .post("application/json", one, Some("s3cret-tokenX"))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(app.articles().await, 0);
    let (s, _) = app
        .post("application/json", one, Some("s3cret-token"))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let del = |token: Option<&str>| {
        let mut r = Request::delete("/v1/articles/t1");
        if let Some(t) = token {
            r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        r.body(Body::empty()).expect("request")
    };
    assert_eq!(app.send(del(None)).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/v1/articles/t1").await.0, StatusCode::OK);
    assert_eq!(
        app.send(del(Some("s3cret-token"))).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.get("/v1/articles/t1").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_ids_are_404_and_bad_ids_400() {
    let app = App::open();
    app.post("application/x-ndjson", NEWS, None).await;
    for uri in [
        "/v1/articles/nope",
        "/v1/stories/99999",
        "/v1/compare?a=wire-001&b=nope",
        "/stories/99999",
    ] {
        let (s, _) = app.get(uri).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{uri}");
    }
    let (s, v) = app.get("/v1/stories/abc").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["where"], "id");
    let req = Request::delete("/v1/articles/nope")
        .body(Body::empty())
        .expect("request");
    assert_eq!(app.send(req).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn compare_metrics_and_openapi_answer() {
    let app = App::open();
    app.post("application/x-ndjson", NEWS, None).await;
    let (s, c) = app.get("/v1/compare?a=wire-018&b=wire-020").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c["a"]["id"], "wire-018");
    let n_b = c["b"]["sentences"].as_array().expect("sentences").len();
    assert_eq!(
        c["alignment"]["matches"].as_array().expect("matches").len(),
        n_b
    );
    let (s, text) = app.page("/metrics").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        text.contains("storyfold_articles_ingested_total 45"),
        "{text}"
    );
    assert!(text.contains("storyfold_index_articles 45"));
    assert!(text.contains("storyfold_commit_duration_seconds_bucket"));
    assert!(text.contains("route=\"/v1/articles\""));
    let (s, doc) = app.get("/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
    for path in [
        "/v1/articles",
        "/v1/articles/{id}",
        "/v1/stories",
        "/v1/stories/{id}",
        "/v1/stories/{id}/events",
        "/v1/compare",
        "/healthz",
        "/metrics",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
}

#[tokio::test]
async fn the_pages_show_stories_origins_rewrites_and_disagreements_escaped() {
    let app = App::open();
    app.post("application/x-ndjson", NEWS, None).await;
    let (s, list) = app.page("/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(list.contains("Alder Street Bridge"));
    assert!(list.contains("disagreement"));
    let reports: Vec<_> = app
        .index
        .stories(&Default::default())
        .expect("stories")
        .into_iter()
        .map(|s| app.index.story(s.story).expect("report"))
        .collect();
    // A story with a rewrite: its origin and the badge.
    let r = reports
        .iter()
        .find(|r| r.relations.contains_key("rewrite"))
        .expect("a story with a rewrite");
    let (s, page) = app.page(&format!("/stories/{}", r.story)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("rel-origin"));
    assert!(page.contains(&r.origin));
    assert!(page.contains("rel-rewrite"));
    assert!(page.contains("What each version changed"));
    // A story with a disagreement: both values highlighted.
    let r = reports
        .iter()
        .find(|r| !r.disagreements.is_empty())
        .expect("a story with a disagreement");
    let (s, page) = app.page(&format!("/stories/{}", r.story)).await;
    assert_eq!(s, StatusCode::OK);
    let d = &r.disagreements[0];
    assert!(
        page.contains(&format!("<mark>{}</mark>", d.a_value)),
        "{page}"
    );
    assert!(
        page.contains(&format!("<mark>{}</mark>", d.b_value)),
        "{page}"
    );
    let (s, cmp) = app.page("/compare?a=wire-018&b=wire-020").await;
    assert_eq!(s, StatusCode::OK);
    assert!(cmp.contains("Sentence by sentence"));
    // Text is escaped.
    let evil = r#"{"id": "evil<b>", "title": "<script>alert(1)</script>", "text": "A <b>bold</b> claim & more."}"#;
    assert_eq!(
        app.post("application/json", evil, None).await.0,
        StatusCode::CREATED
    );
    let (_, list) = app.page("/?q=script").await;
    assert!(list.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!list.contains("<script>"));
    // Filters keep their values in the form and the page links on.
    let (_, p) = app.page("/?limit=2").await;
    assert!(p.contains("rel=\"next\""));
}

#[tokio::test]
async fn acknowledged_writes_survive_a_restart() {
    let app = App::open();
    let (s, _) = app.post("application/x-ndjson", NEWS, None).await;
    assert_eq!(s, StatusCode::CREATED);
    let (index, path, _dir) = app.stop();
    drop(index);
    let reopened = Arc::new(StoryIndex::builder().open(&path).expect("reopen"));
    assert_eq!(reopened.stats().expect("stats").articles, 45);
    assert!(reopened.check().expect("check").is_empty());
    let (router, writer) = router(reopened.clone(), Config::default()).expect("router");
    let req = Request::post("/v1/articles")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"id": "wire-001", "text": "again"}"#))
        .expect("request");
    let res = router.oneshot(req).await.expect("answer");
    assert_eq!(res.status(), StatusCode::CONFLICT);
    writer.join();
}

#[tokio::test]
async fn no_body_makes_it_fail_without_an_answer() {
    let app = App::open();
    let bodies = [
        "\u{0}",
        "{\"id\": 1e400, \"text\": \"x\"}",
        "{\"id\": {}, \"text\": \"x\"}",
        "{\"id\": \"a\", \"text\": 5}",
        "\u{feff}{\"id\": \"a\"",
        "{\"id\": \"\", \"text\": \"x\"}",
        "\"just a string\"",
        "null",
        "\n\n\n",
        "{\"id\": \"a\", \"text\": \"x\"} trailing",
    ];
    for body in bodies {
        for ctype in ["application/json", "application/x-ndjson"] {
            let (s, v) = app.post(ctype, body, None).await;
            assert!(
                s.is_client_error() || s == StatusCode::CREATED,
                "{ctype} {body:?}: {s}"
            );
            if s.is_client_error() {
                assert!(v["message"].is_string(), "{ctype} {body:?}: {v}");
            }
        }
    }
    let invalid_utf8 = Request::post("/v1/articles")
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .body(Body::from(vec![b'{', 0xff, 0xfe, b'}']))
        .expect("request");
    assert_eq!(app.send(invalid_utf8).await.0, StatusCode::BAD_REQUEST);
}

#[test]
fn a_public_address_needs_a_token() {
    let open = Config {
        listen: "0.0.0.0:8080".parse().expect("addr"),
        ..Config::default()
    };
    assert!(open.validate().unwrap_err().contains("token"));
    let with_token = Config {
        token: Some("t".into()),
        ..open.clone()
    };
    assert!(with_token.validate().is_ok());
    assert!(Config::default().validate().is_ok());
    let empty = Config {
        token: Some("  ".into()),
        ..Config::default()
    };
    assert!(empty.validate().is_err());
}
