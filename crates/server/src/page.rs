//! The web page: server-rendered HTML (maud escapes every text) with its CSS embedded, and no
//! script. Three views, each a bookmarkable GET URL:
//!
//! * `/`: the story list, latest changed first: title, size, outlets, time span, relation
//!   counts and a badge for disagreements; a search form (title, source, changed since,
//!   minimum size) and paging by cursor;
//! * `/stories/{id}`: the timeline of members (time, outlet, headline, relation badge), the
//!   derivation tree from the origin, the disagreeing facts with both sentences and the values
//!   highlighted, and each derived member's changes against the article it derives from,
//!   sentence by sentence (added and dropped sentences, edited words highlighted, paraphrases
//!   side by side);
//! * `/compare?a=ID&b=ID`: the same sentence view for any two articles.
//!
//! Every figure comes from the library (`stories`, `story`, `article`, `comparison`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;
use storyfold::align::alignment::RowKind;
use storyfold::story::report::{MemberReport, StoryReport};
use storyfold::{Comparison, StoryId, StoryIndex};

use crate::api::{story_page, StoriesQuery};
use crate::error::ApiError;
use crate::view::{marked, word_diff, Piece};
use crate::AppState;

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(list))
        .route("/stories/{id}", get(story))
        .route("/compare", get(compare))
        .route("/style.css", get(style))
}

/// Members whose changes are shown on a story page (the rest link to the compare page).
const MAX_DIFFS: usize = 30;

const CSS: &str = include_str!("style.css");

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        CSS,
    )
        .into_response()
}

/// An error as a page.
struct PageError(ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError(e)
    }
}

impl From<storyfold::Error> for PageError {
    fn from(e: storyfold::Error) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        let title = format!(
            "{} {}",
            e.status.as_u16(),
            e.status.canonical_reason().unwrap_or("")
        );
        let body = layout(
            &title,
            html! {
                h1 { (title) }
                p.error { (e.body.message) @if let Some(w) = &e.body.location { " (" (w) ")" } }
                p { a href="/" { "Back to the stories" } }
            },
        );
        (e.status, body).into_response()
    }
}

/// Run a page builder on the blocking pool.
async fn blocking(
    f: impl FnOnce() -> Result<Markup, PageError> + Send + 'static,
) -> Result<Markup, PageError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        PageError(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            e.to_string(),
        ))
    })?
}

fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · storyfold" }
                link rel="stylesheet" href="/style.css";
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.site {
                    nav aria-label="site" {
                        a.brand href="/" { "storyfold" }
                        a href="/" { "Stories" }
                        a href="/compare" { "Compare" }
                        a href="/openapi.json" { "API" }
                    }
                }
                main #main { (body) }
            }
        }
    }
}

fn pieces(p: &[Piece]) -> Markup {
    html! {
        @for x in p {
            @if x.hot { mark { (x.text) } } @else { (x.text) }
        }
    }
}

fn badge(relation: &str) -> Markup {
    html! { span class={ "badge rel-" (relation) } { (relation.replace('_', " ")) } }
}

/// `2024-05-03T10:00:00+00:00` → `2024-05-03 10:00`.
fn short_time(t: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(t) {
        Ok(d) => d.format("%Y-%m-%d %H:%M").to_string(),
        Err(_) => t.to_string(),
    }
}

fn span_of(first: Option<&str>, last: Option<&str>) -> String {
    match (first, last) {
        (Some(f), Some(l)) if f == l => short_time(f),
        (Some(f), Some(l)) => format!("{} – {}", short_time(f), short_time(l)),
        (Some(t), None) | (None, Some(t)) => short_time(t),
        (None, None) => "undated".into(),
    }
}

fn outlets(r: &StoryReport) -> Vec<String> {
    let set: BTreeSet<&str> = r
        .members
        .iter()
        .filter_map(|m| m.source.as_deref())
        .collect();
    set.into_iter().map(str::to_string).collect()
}

fn relation_counts(r: &StoryReport) -> Markup {
    html! {
        @for (k, v) in &r.relations {
            @if *k != "origin" {
                span.count { (v) " " (k.replace('_', " ")) }
            }
        }
    }
}

async fn list(
    State(state): State<AppState>,
    Query(q): Query<StoriesQuery>,
) -> Result<Markup, PageError> {
    let index = state.index.clone();
    blocking(move || list_page(&index, &q)).await
}

fn list_page(index: &StoryIndex, q: &StoriesQuery) -> Result<Markup, PageError> {
    let (stories, next) = story_page(index, q)?;
    let mut rows = Vec::new();
    for s in &stories {
        // A story removed between the listing and now is left out.
        if let Ok(r) = index.story(s.story) {
            rows.push((s, r));
        }
    }
    let field = |v: &Option<String>| v.clone().unwrap_or_default();
    let next_href = next.map(|c| {
        let mut p = q.clone();
        p.cursor = Some(c);
        format!("/?{}", serde_urlencoded(&p))
    });
    let body = html! {
        h1 { "Stories" }
        form.filters method="get" action="/" role="search" {
            label { "Title" input type="search" name="q" value=(field(&q.q)) placeholder="words in the headline"; }
            label { "Source" input type="text" name="source" value=(field(&q.source)) placeholder="outlet name"; }
            label { "Changed since" input type="date" name="since" value=(field(&q.since)); }
            label { "Min. articles" input type="number" name="min_size" min="1" value=(q.min_size.map(|n| n.to_string()).unwrap_or_default()); }
            button type="submit" { "Filter" }
            @if q.q.is_some() || q.source.is_some() || q.since.is_some() || q.min_size.is_some() {
                a href="/" { "Clear" }
            }
        }
        @if rows.is_empty() {
            p { "No story matches." }
        }
        ol.stories {
            @for (s, r) in &rows {
                li {
                    article.story-row {
                        h2 { a href={ "/stories/" (s.story) } { (s.title) } }
                        p.meta {
                            span.size { (s.size) @if s.size == 1 { " article" } @else { " articles" } }
                            span { (span_of(s.first.as_deref(), s.last.as_deref())) }
                            @if !r.disagreements.is_empty() {
                                span.badge.disagree { (r.disagreements.len()) " disagreement" @if r.disagreements.len() > 1 { "s" } }
                            }
                        }
                        p.meta.outlets { (outlets(r).join(" · ")) }
                        p.meta.relations { (relation_counts(r)) }
                    }
                }
            }
        }
        @if let Some(href) = next_href {
            nav.pager aria-label="pages" { a rel="next" href=(href) { "Older stories →" } }
        }
    };
    Ok(layout("Stories", body))
}

/// The query string of a stories query (only the fields given).
fn serde_urlencoded(q: &StoriesQuery) -> String {
    let mut parts = Vec::new();
    let mut push = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            parts.push(format!("{k}={}", encode(&v)));
        }
    };
    push("q", q.q.clone());
    push("source", q.source.clone());
    push("since", q.since.clone());
    push("min_size", q.min_size.map(|n| n.to_string()));
    push("limit", q.limit.map(|n| n.to_string()));
    push("cursor", q.cursor.clone());
    parts.join("&")
}

/// Percent-encode a query value.
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn compare_href(a: &str, b: &str) -> String {
    format!("/compare?a={}&b={}", encode(a), encode(b))
}

async fn story(State(state): State<AppState>, Path(id): Path<String>) -> Result<Markup, PageError> {
    let id: u64 = id
        .parse()
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, format!("no story `{id}`")))?;
    let index = state.index.clone();
    blocking(move || story_page_html(&index, StoryId(id))).await
}

fn tree(
    node: &MemberReport,
    children: &BTreeMap<&str, Vec<&MemberReport>>,
    heads: &HashMap<String, String>,
    depth: usize,
) -> Markup {
    html! {
        li {
            a href={ "#m-" (node.id) } { (node.id) }
            " " (badge(node.relation.name()))
            @if let Some(s) = &node.source { " " span.outlet { (s) } }
            " " span.headline { (heads.get(&node.id).map(String::as_str).unwrap_or("")) }
            @if let Some(kids) = children.get(node.id.as_str()) {
                @if depth < 64 {
                    ul { @for k in kids { (tree(k, children, heads, depth + 1)) } }
                }
            }
        }
    }
}

fn story_page_html(index: &StoryIndex, id: StoryId) -> Result<Markup, PageError> {
    // The report, headlines and comparisons of one cached detail: no alignment of its own.
    let detail = index.story_detail(id)?;
    let (r, heads) = (&detail.report, &detail.headlines);
    let mut timeline: Vec<&MemberReport> = r.members.iter().collect();
    timeline.sort_by(|a, b| a.published.cmp(&b.published));
    let mut children: BTreeMap<&str, Vec<&MemberReport>> = BTreeMap::new();
    for m in &r.members {
        if let Some(p) = &m.derived_from {
            children.entry(p.as_str()).or_default().push(m);
        }
    }
    let origin = r.members.iter().find(|m| m.id == r.origin);
    let roots: Vec<&MemberReport> = r
        .members
        .iter()
        .filter(|m| m.derived_from.is_none() && m.id != r.origin)
        .collect();
    let derived: Vec<&MemberReport> = r
        .members
        .iter()
        .filter(|m| m.derived_from.is_some())
        .collect();
    let body = html! {
        p.crumbs { a href="/" { "Stories" } " › story " (r.story) }
        h1 { (r.title) }
        p.meta {
            span.size { (r.size) " articles" }
            span { (span_of(r.first_published.as_deref(), r.last_published.as_deref())) }
            span { (outlets(r).len()) " outlets" }
            span { "origin " a href={ "#m-" (r.origin) } { (r.origin) } }
            (relation_counts(r))
            @if !r.disagreements.is_empty() {
                a.badge.disagree href="#disagreements" { (r.disagreements.len()) " disagreement" @if r.disagreements.len() > 1 { "s" } }
            }
        }
        section aria-labelledby="h-timeline" {
            h2 #h-timeline { "Timeline" }
            ol.timeline {
                @for m in &timeline {
                    li #{ "m-" (m.id) } class=(if m.id == r.origin { "origin" } else { "" }) {
                        time datetime=(m.published.clone().unwrap_or_default()) {
                            (m.published.as_deref().map(short_time).unwrap_or_else(|| "undated".into()))
                        }
                        span.outlet { (m.source.as_deref().unwrap_or("unknown outlet")) }
                        (badge(m.relation.name()))
                        span.headline { (heads.get(&m.id).map(String::as_str).unwrap_or("")) }
                        span.id { (m.id) }
                        @if let Some(p) = &m.derived_from {
                            span.from { "from " a href=(compare_href(p, &m.id)) { (p) } }
                        }
                    }
                }
            }
        }
        section aria-labelledby="h-tree" {
            h2 #h-tree { "Derivation" }
            @if let Some(o) = origin {
                ul.tree { (tree(o, &children, heads, 0)) }
            }
            @if !roots.is_empty() {
                h3 { "Independent reports" }
                ul.tree { @for m in &roots { (tree(m, &children, heads, 0)) } }
            }
        }
        @if !r.disagreements.is_empty() {
            section #disagreements aria-labelledby="h-dis" {
                h2 #h-dis { "Disagreements" }
                ul.disagreements {
                    @for d in &r.disagreements {
                        li {
                            p.versus {
                                strong { (format!("{:?}", d.kind).to_lowercase()) } ": "
                                a href={ "#m-" (d.a) } { (d.a) } " says " mark { (d.a_value) }
                                ", " a href={ "#m-" (d.b) } { (d.b) } " says " mark { (d.b_value) }
                                " · " a href=(compare_href(&d.a, &d.b)) { "compare" }
                            }
                            div.pair {
                                blockquote { (pieces(&marked(&d.a_sentence, &[&d.a_value]))) }
                                blockquote { (pieces(&marked(&d.b_sentence, &[&d.b_value]))) }
                            }
                        }
                    }
                }
            }
        }
        @if !derived.is_empty() {
            section aria-labelledby="h-changes" {
                h2 #h-changes { "What each version changed" }
                @for (k, m) in derived.iter().enumerate() {
                    @let parent = m.derived_from.as_deref().unwrap_or("");
                    details open[k < 5] {
                        summary {
                            (m.id) " " (badge(m.relation.name())) " against " (parent)
                            @if let Some(s) = &m.source { " · " (s) }
                        }
                        @if k < MAX_DIFFS {
                            @match detail.change_of(&m.id) {
                                Some(c) => { (rows_view(c, true)) }
                                None => { p.error { "no comparison for " (m.id) } }
                            }
                        }
                        p { a href=(compare_href(parent, &m.id)) { "Open the comparison" } }
                    }
                }
            }
        }
    };
    Ok(layout(&r.title, body))
}

/// The sentence rows of a comparison: verbatim runs folded when `fold_verbatim`.
fn rows_view(c: &Comparison, fold_verbatim: bool) -> Markup {
    let al = &c.alignment;
    let rows = al.rows(c.a_sentences.len());
    let text =
        |v: &[String], i: Option<usize>| i.and_then(|i| v.get(i)).cloned().unwrap_or_default();
    // Disagreeing values per sentence of A and of B.
    let values = |side_a: bool, i: Option<usize>| -> Vec<&str> {
        let Some(i) = i else { return Vec::new() };
        al.disagreements
            .iter()
            .filter(|d| (if side_a { d.a_sentence } else { d.b_sentence }) == i)
            .map(|d| {
                if side_a {
                    d.a_value.as_str()
                } else {
                    d.b_value.as_str()
                }
            })
            .collect()
    };
    let mut groups: Vec<(RowKind, Vec<_>)> = Vec::new();
    for row in rows {
        match groups.last_mut() {
            Some((RowKind::Verbatim, v)) if fold_verbatim && row.kind == RowKind::Verbatim => {
                v.push(row)
            }
            _ => groups.push((row.kind, vec![row])),
        }
    }
    html! {
        ol.diff {
            @for (kind, group) in &groups {
                @if *kind == RowKind::Verbatim && fold_verbatim {
                    li.row.verbatim {
                        span.kind { "same" }
                        span.text { (group.len()) " unchanged sentence" @if group.len() > 1 { "s" } ": " q { (text(&c.b_sentences, group[0].b)) } @if group.len() > 1 { " …" } }
                    }
                } @else {
                    @for row in group {
                        @let a = text(&c.a_sentences, row.a);
                        @let b = text(&c.b_sentences, row.b);
                        li class={ "row " (row.kind.name()) } {
                            span.kind { (row.kind.name()) }
                            @match row.kind {
                                RowKind::Added => { ins.text { (pieces(&marked(&b, &values(false, row.b)))) } }
                                RowKind::Dropped => { del.text { (pieces(&marked(&a, &values(true, row.a)))) } }
                                RowKind::Verbatim => { span.text { (b) } }
                                RowKind::Edited => {
                                    @let (l, r) = word_diff(&a, &b);
                                    div.pair.edit {
                                        span.a { (pieces(&l)) }
                                        span.b { (pieces(&r)) }
                                    }
                                }
                                RowKind::Paraphrase | RowKind::Moved => {
                                    div.pair {
                                        span.a { (pieces(&marked(&a, &values(true, row.a)))) }
                                        span.b { (pieces(&marked(&b, &values(false, row.b)))) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `a` and `b` of the compare page (both optional: the form alone).
#[derive(Deserialize)]
struct CompareForm {
    #[serde(default)]
    a: Option<String>,
    #[serde(default)]
    b: Option<String>,
}

async fn compare(
    State(state): State<AppState>,
    Query(q): Query<CompareForm>,
) -> Result<Markup, PageError> {
    let index = state.index.clone();
    blocking(move || compare_page(&index, &q)).await
}

fn compare_page(index: &StoryIndex, q: &CompareForm) -> Result<Markup, PageError> {
    let a = q.a.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let b = q.b.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let c = match (a, b) {
        (Some(a), Some(b)) => Some(index.comparison(a, b)?),
        _ => None,
    };
    let form = html! {
        form.filters method="get" action="/compare" {
            label { "Article A" input type="text" name="a" required value=(a.unwrap_or("")); }
            label { "Article B" input type="text" name="b" required value=(b.unwrap_or("")); }
            button type="submit" { "Compare" }
        }
    };
    let Some(c) = c else {
        return Ok(layout(
            "Compare",
            html! { h1 { "Compare two articles" } (form) p { "Give the ids of two indexed articles." } },
        ));
    };
    let al = &c.alignment;
    let pct = |x: f64| format!("{:.0}%", x * 100.0);
    let side = |x: &storyfold::ingest::Article| {
        html! {
            (x.title.as_deref().unwrap_or(&x.id))
            " " span.id { (x.id) }
            @if let Some(s) = &x.source { " · " span.outlet { (s) } }
            @if let Some(p) = &x.published { " · " (p.format("%Y-%m-%d %H:%M").to_string()) }
        }
    };
    let title = format!("{} vs {}", c.a.id, c.b.id);
    let body = html! {
        h1 { "Compare " (c.a.id) " and " (c.b.id) }
        (form)
        dl.sides {
            dt { "A" } dd { (side(&c.a)) @if let Ok(Some(s)) = index.story_of(&c.a.id) { " · " a href={ "/stories/" (s) } { "story " (s) } } }
            dt { "B" } dd { (side(&c.b)) @if let Ok(Some(s)) = index.story_of(&c.b.id) { " · " a href={ "/stories/" (s) } { "story " (s) } } }
        }
        p.meta {
            (badge(al.relation.name()))
            span { "score " (format!("{:.2}", al.score)) }
            span { "B in A " (pct(al.containment_b_in_a)) }
            span { "A in B " (pct(al.containment_a_in_b)) }
            span { (al.added.len()) " added" }
            span { (al.dropped.len()) " dropped" }
            @if !al.disagreements.is_empty() {
                span.badge.disagree { (al.disagreements.len()) " disagreement" @if al.disagreements.len() > 1 { "s" } }
            }
        }
        @if !al.disagreements.is_empty() {
            h2 { "Disagreements" }
            ul.disagreements {
                @for d in &al.disagreements {
                    li {
                        p.versus { "A says " mark { (d.a_value) } ", B says " mark { (d.b_value) } }
                        div.pair {
                            blockquote { (pieces(&marked(c.a_sentences.get(d.a_sentence).map(String::as_str).unwrap_or(""), &[&d.a_value]))) }
                            blockquote { (pieces(&marked(c.b_sentences.get(d.b_sentence).map(String::as_str).unwrap_or(""), &[&d.b_value]))) }
                        }
                    }
                }
            }
        }
        h2 { "Sentence by sentence" }
        p.legend { "Left: A, right: B. " del { "dropped" } " " ins { "added" } " " mark { "changed" } }
        (rows_view(&c, false))
    };
    Ok(layout(&title, body))
}
