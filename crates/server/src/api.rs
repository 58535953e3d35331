//! The JSON API under `/v1`, `/healthz`, `/metrics` and `/openapi.json` (generated from these
//! handlers by utoipa).
//!
//! Articles are read from a request body by the CLI's reader
//! ([`storyfold::ingest::Reader::from_bytes`]): the same fields, aliases, checks and per-article
//! limit as `storyfold add`, and errors naming the line (`body:3`). A request is one
//! transaction: when one article is refused, nothing of the request is stored.

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use storyfold::ingest::{Article, Format, ReadOptions, Reader};
use storyfold::{EventFilter, StoryFilter, StoryId, StorySummary};
use subtle::ConstantTimeEq;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::error::{ApiError, ErrorBody};
use crate::AppState;

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/articles", axum::routing::post(post_articles))
        .route("/v1/articles/{id}", get(get_article).delete(delete_article))
        .route("/v1/stories", get(list_stories))
        .route("/v1/stories/{id}", get(get_story))
        .route("/v1/stories/{id}/events", get(story_events))
        .route("/v1/compare", get(compare))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
}

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "storyfold",
        description = "Fold news articles into stories: post articles, read stories, their derivation and disagreements."
    ),
    paths(
        post_articles,
        get_article,
        delete_article,
        list_stories,
        get_story,
        story_events,
        compare,
        healthz,
        metrics
    ),
    components(schemas(ErrorBody, Placements, ArticleOut, StoryPage, Health)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

async fn openapi() -> Response {
    match ApiDoc::openapi().to_pretty_json() {
        Ok(s) => ([(header::CONTENT_TYPE, "application/json")], s).into_response(),
        Err(e) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// Run a blocking index call on tokio's blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the request failed: {e}"),
        )
    })?
}

/// Check the bearer token of a write (nothing to check when no token is set).
pub fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(token) = state.config.token.as_deref() else {
        return Ok(());
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(g) if bool::from(g.as_bytes().ct_eq(token.as_bytes())) => Ok(()),
        Some(_) => Err(ApiError::new(StatusCode::UNAUTHORIZED, "wrong token")),
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "this server needs `Authorization: Bearer TOKEN` for writes",
        )),
    }
}

/// The body formats of `POST /v1/articles`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// One JSON object.
    One,
    /// One JSON object per line.
    Lines,
}

fn body_kind(headers: &HeaderMap) -> Result<BodyKind, ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match mime.as_str() {
        "application/json" => Ok(BodyKind::One),
        "application/x-ndjson" | "application/jsonl" | "application/x-jsonlines" => {
            Ok(BodyKind::Lines)
        }
        _ => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "Content-Type `{ct}` is not accepted: send one article as application/json or \
                 one article per line as application/x-ndjson"
            ),
        )),
    }
}

/// The articles of a request body, read by the CLI reader; the first problem is an error
/// naming its line.
pub fn parse_articles(
    bytes: Bytes,
    kind: BodyKind,
    max_article_bytes: usize,
) -> Result<Vec<Article>, ApiError> {
    let mut bytes = bytes.to_vec();
    if kind == BodyKind::One {
        // One JSON document, possibly over several lines: check it is JSON (the error then
        // names the line and column of the document), then put it on one line for the reader.
        // A newline can only be whitespace between tokens in valid JSON.
        if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
            return Err(ApiError::bad_request(format!("invalid JSON: {e}")).at("body"));
        }
        for b in bytes.iter_mut() {
            if *b == b'\n' || *b == b'\r' {
                *b = b' ';
            }
        }
    }
    let opts = ReadOptions {
        max_bytes: max_article_bytes,
        ..ReadOptions::default()
    };
    let mut out = Vec::new();
    for item in Reader::from_bytes("body", bytes, Format::Jsonl, opts) {
        let article = item.map_err(|e| ApiError::from(storyfold::Error::Ingest(e)))?;
        out.push(article);
    }
    if out.is_empty() {
        return Err(ApiError::bad_request("the body holds no article").at("body"));
    }
    Ok(out)
}

/// Placements of a `POST /v1/articles`, in the order of the articles.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Placements {
    /// One per article, as `storyfold add` writes them (`storyfold::PlacementLine`): `id`,
    /// `story`, `new_story`, `relation` (`exact`, `near_duplicate`, `rewrite`, `same_story`,
    /// `new_story`), `duplicate_of`, `derived_from`, `similarity`, and `evidence` with
    /// `?evidence=true`.
    #[schema(value_type = Vec<Object>)]
    pub placements: Vec<serde_json::Value>,
}

/// A placement as a JSON value (the line of `storyfold add`).
fn line_json(p: &storyfold::Placement, evidence: bool) -> serde_json::Value {
    serde_json::to_value(p.line(evidence)).unwrap_or_default()
}

/// Options of `POST /v1/articles`.
#[derive(Deserialize, IntoParams)]
pub struct PostParams {
    /// Add the evidence of each placement.
    #[serde(default)]
    evidence: bool,
}

/// Add articles: one JSON object (`application/json`) or one per line
/// (`application/x-ndjson`), as one transaction, acknowledged once committed.
#[utoipa::path(
    post,
    path = "/v1/articles",
    params(PostParams),
    request_body(content = String, description = "one article `{\"id\", \"text\", \"title\"?, \"published\"?, \"source\"?, \"url\"?, \"lang\"?}` (aliases `body`/`content` for text, `date` for published), or one per line", content_type = "application/x-ndjson"),
    responses(
        (status = 201, description = "committed; the placements", body = Placements),
        (status = 400, description = "invalid article (what and where)", body = ErrorBody),
        (status = 401, description = "missing or wrong token", body = ErrorBody),
        (status = 409, description = "an id already indexed", body = ErrorBody),
        (status = 413, description = "body too large", body = ErrorBody),
        (status = 415, description = "content type not accepted", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn post_articles(
    State(state): State<AppState>,
    Query(params): Query<PostParams>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    let kind = body_kind(&headers)?;
    let limit = state.config.body_limit;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is over the limit of {limit} bytes; send fewer articles per request"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let bytes = http_body_util::BodyExt::collect(http_body_util::Limited::new(body, limit))
        .await
        .map_err(|e| {
            if e.is::<http_body_util::LengthLimitError>() {
                too_large()
            } else {
                ApiError::bad_request(format!("cannot read the body: {e}"))
            }
        })?
        .to_bytes();
    let max = state.config.max_article_bytes;
    let index = state.index.clone();
    let articles = blocking(move || {
        let articles = parse_articles(bytes, kind, max)?;
        // Name the first id already indexed, with its line (the writer refuses it too).
        for a in &articles {
            if index.contains(&a.id)? {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    format!("article `{}` is already in the index", a.id),
                )
                .at(a.location.to_string()));
            }
        }
        // Fingerprints and terms here, on the blocking pool, while the writer works.
        Ok(index.prepare(articles)?)
    })
    .await?;
    let placements = state.writer.insert(articles).await?;
    let out = Placements {
        placements: placements
            .iter()
            .map(|p| line_json(p, params.evidence))
            .collect(),
    };
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// An indexed article with its placement.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ArticleOut {
    /// Its id.
    pub id: String,
    /// Headline.
    pub title: Option<String>,
    /// Body text.
    pub text: String,
    /// Publication time (RFC 3339).
    pub published: Option<String>,
    /// Publisher.
    pub source: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Language.
    pub lang: Option<String>,
    /// Its placement now (after refinements and removals; no evidence), as in
    /// [`Placements`].
    #[schema(value_type = Object)]
    pub placement: serde_json::Value,
}

/// An article and its placement.
#[utoipa::path(
    get,
    path = "/v1/articles/{id}",
    params(("id" = String, Path, description = "article id")),
    responses(
        (status = 200, body = ArticleOut),
        (status = 404, body = ErrorBody),
    )
)]
pub async fn get_article(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ArticleOut>, ApiError> {
    let index = state.index.clone();
    blocking(move || {
        let a = index.article(&id)?;
        let p = index.placement(&id)?;
        Ok(Json(ArticleOut {
            id: a.id,
            title: a.title,
            text: a.text,
            published: a.published.map(|d| d.to_rfc3339()),
            source: a.source,
            url: a.url,
            lang: a.lang,
            placement: line_json(&p, false),
        }))
    })
    .await
}

/// Remove an article (its story is derived again); committed when answered.
#[utoipa::path(
    delete,
    path = "/v1/articles/{id}",
    params(("id" = String, Path, description = "article id")),
    responses(
        (status = 204, description = "removed"),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete_article(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    authorize(&state, &headers)?;
    state.writer.remove(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Most stories in one page.
pub const MAX_PAGE: usize = 500;

/// Filters of `GET /v1/stories`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, IntoParams)]
pub struct StoriesQuery {
    /// Changed at or after this time (RFC 3339 or `YYYY-MM-DD`).
    #[serde(default)]
    pub since: Option<String>,
    /// At least this many articles.
    #[serde(default, deserialize_with = "blank_is_none")]
    pub min_size: Option<usize>,
    /// With an article from this source (exact name).
    #[serde(default)]
    pub source: Option<String>,
    /// Title containing this text.
    #[serde(default)]
    pub q: Option<String>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
    /// Stories per page (default 50, at most 500).
    #[serde(default, deserialize_with = "blank_is_none")]
    pub limit: Option<usize>,
}

/// A number from a query string where an empty value (`min_size=`, as a GET form sends an
/// empty field) means none.
fn blank_is_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    let s: Option<String> = Option::deserialize(d)?;
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

/// Blank form fields count as absent.
fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl StoriesQuery {
    /// The library filter (400 for a bad date or cursor).
    pub fn filter(&self) -> Result<StoryFilter, ApiError> {
        let since = match given(&self.since) {
            None => None,
            Some(s) => match storyfold::ingest::parse_date(s) {
                Ok(Some(d)) => Some(d.timestamp()),
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "invalid time `{s}`: use e.g. 2026-03-01 or 2026-03-01T12:00:00Z"
                    ))
                    .at("since"))
                }
            },
        };
        let after_update = match given(&self.cursor) {
            None => None,
            Some(c) => Some(parse_cursor(c).ok_or_else(|| {
                ApiError::bad_request(format!("invalid cursor `{c}`")).at("cursor")
            })?),
        };
        let limit = self.limit.unwrap_or(50);
        if limit == 0 || limit > MAX_PAGE {
            return Err(
                ApiError::bad_request(format!("limit must be in 1..={MAX_PAGE}")).at("limit"),
            );
        }
        Ok(StoryFilter {
            since,
            min_size: self.min_size,
            source: given(&self.source).map(str::to_string),
            query: given(&self.q).map(str::to_string),
            limit: Some(limit),
            by_update: true,
            after_update,
            ..StoryFilter::default()
        })
    }
}

/// The cursor after a story: `UPDATED-ID`.
pub fn cursor_of(s: &StorySummary) -> String {
    format!("{}-{}", s.updated_secs(), s.story)
}

fn parse_cursor(c: &str) -> Option<(i64, StoryId)> {
    let (t, id) = c.rsplit_once('-')?;
    Some((t.parse().ok()?, StoryId(id.parse().ok()?)))
}

/// A page of stories, latest changed first.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct StoryPage {
    /// The stories (`story`, `title`, `size`, `origin`, `first`, `last`, `created`, `updated`,
    /// `version`).
    #[schema(value_type = Vec<Object>)]
    pub stories: Vec<serde_json::Value>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// One page of stories and the cursor of the next (stories by latest change, then id).
pub fn story_page(
    index: &storyfold::StoryIndex,
    q: &StoriesQuery,
) -> Result<(Vec<StorySummary>, Option<String>), ApiError> {
    let filter = q.filter()?;
    let limit = filter.limit.unwrap_or(50);
    // One more than asked tells whether there is a next page.
    let mut list = index.stories(&StoryFilter {
        limit: Some(limit + 1),
        ..filter
    })?;
    let next = if list.len() > limit {
        list.truncate(limit);
        list.last().map(cursor_of)
    } else {
        None
    };
    Ok((list, next))
}

/// Stories, latest changed first, with filters; paged by `cursor`.
#[utoipa::path(
    get,
    path = "/v1/stories",
    params(StoriesQuery),
    responses(
        (status = 200, body = StoryPage),
        (status = 400, body = ErrorBody),
    )
)]
pub async fn list_stories(
    State(state): State<AppState>,
    Query(q): Query<StoriesQuery>,
) -> Result<Json<StoryPage>, ApiError> {
    let index = state.index.clone();
    blocking(move || {
        let (list, next_cursor) = story_page(&index, &q)?;
        Ok(Json(StoryPage {
            stories: list
                .iter()
                .filter_map(|s| serde_json::to_value(s).ok())
                .collect(),
            next_cursor,
        }))
    })
    .await
}

fn story_id(id: &str) -> Result<StoryId, ApiError> {
    id.parse()
        .map(StoryId)
        .map_err(|_| ApiError::bad_request(format!("story id `{id}` is not a number")).at("id"))
}

/// The full report of a story: members with relation and derivation, families, shared
/// sentences, additions and disagreements (what `fold` writes).
#[utoipa::path(
    get,
    path = "/v1/stories/{id}",
    params(("id" = u64, Path, description = "story id")),
    responses(
        (status = 200, description = "the report", body = Object),
        (status = 404, description = "no such story (or merged into another: the message says which)", body = ErrorBody),
    )
)]
pub async fn get_story(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = story_id(&id)?;
    let index = state.index.clone();
    blocking(move || Ok(Json(index.story(id)?).into_response())).await
}

/// Options of `GET /v1/stories/{id}/events`.
#[derive(Deserialize, IntoParams)]
pub struct EventsQuery {
    /// Only events after this sequence number.
    #[serde(default)]
    after: Option<u64>,
}

/// The events of a story (as `story` or `other`): created, merged, split, moved, removed,
/// evicted.
#[utoipa::path(
    get,
    path = "/v1/stories/{id}/events",
    params(("id" = u64, Path, description = "story id"), EventsQuery),
    responses((status = 200, description = "events in order", body = Vec<Object>))
)]
pub async fn story_events(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<EventsQuery>,
) -> Result<Response, ApiError> {
    let id = story_id(&id)?;
    let index = state.index.clone();
    blocking(move || {
        let events = index.events(EventFilter {
            after: q.after,
            since: None,
        })?;
        let mine: Vec<_> = events
            .into_iter()
            .filter(|e| e.story == id || e.other == Some(id))
            .collect();
        Ok(Json(mine).into_response())
    })
    .await
}

/// `a` and `b` of `GET /v1/compare`.
#[derive(Deserialize, IntoParams)]
pub struct CompareQuery {
    /// Article A (the earlier one, usually).
    pub a: String,
    /// Article B, aligned against A.
    pub b: String,
}

/// One side of a comparison.
#[derive(Serialize)]
struct Side {
    id: String,
    title: Option<String>,
    source: Option<String>,
    published: Option<String>,
    sentences: Vec<String>,
}

/// The answer of `GET /v1/compare`.
#[derive(Serialize)]
struct CompareOut {
    a: Side,
    b: Side,
    alignment: storyfold::align::alignment::Alignment,
}

/// The sentence alignment of B against A: matches (verbatim, edited, paraphrase), added and
/// dropped sentences, containments, disagreeing facts; the sentences of both.
#[utoipa::path(
    get,
    path = "/v1/compare",
    params(CompareQuery),
    responses(
        (status = 200, description = "`{a, b, alignment}`", body = Object),
        (status = 404, body = ErrorBody),
    )
)]
pub async fn compare(
    State(state): State<AppState>,
    Query(q): Query<CompareQuery>,
) -> Result<Response, ApiError> {
    let index = state.index.clone();
    blocking(move || {
        let c = index.comparison(&q.a, &q.b)?;
        let side = |a: Article, sentences: Vec<String>| Side {
            id: a.id,
            title: a.title,
            source: a.source,
            published: a.published.map(|d| d.to_rfc3339()),
            sentences,
        };
        Ok(Json(CompareOut {
            a: side(c.a, c.a_sentences),
            b: side(c.b, c.b_sentences),
            alignment: c.alignment,
        })
        .into_response())
    })
    .await
}

/// `GET /healthz`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// Articles stored.
    pub articles: u64,
    /// Stories stored.
    pub stories: u64,
}

/// Liveness: the index answers.
#[utoipa::path(
    get,
    path = "/healthz",
    responses((status = 200, body = Health), (status = 500, body = ErrorBody))
)]
pub async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let index = state.index.clone();
    blocking(move || {
        let st = index.stats()?;
        Ok(Json(Health {
            status: "ok".into(),
            articles: st.articles,
            stories: st.stories,
        }))
    })
    .await
}

/// Metrics in the Prometheus text format.
#[utoipa::path(
    get,
    path = "/metrics",
    responses((status = 200, description = "OpenMetrics text", body = String, content_type = "application/openmetrics-text"))
)]
pub async fn metrics(State(state): State<AppState>) -> Result<Response, ApiError> {
    let m = state.metrics.clone();
    blocking(move || {
        let text = m
            .render()
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e))?;
        Ok((
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response())
    })
    .await
}
