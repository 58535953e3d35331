//! The story report: title, time span, members with their role and source, the sentences most
//! versions share, what each version adds and the facts the versions disagree on.
//!
//! [`build`] runs [`derive`] on the members of one story and turns the result into a
//! [`StoryReport`] (serializable; its JSON is the output format of `storyfold fold`):
//!
//! * **title**: the story origin's headline, else its first sentence (at most 200 characters);
//! * **members**: role (`origin`, `exact`, `near_duplicate`, `rewrite`, `same_story`),
//!   `derived_from` (null for origins and `same_story` members), family, and `similarity`
//!   (alignment score against the member's reference: its `derived_from`, else the story
//!   origin; 1.0 only for an `exact` copy, at most 0.9999 otherwise);
//! * **shared sentences**: sentences of different members matched by any computed alignment are
//!   joined (union-find) into clusters; a cluster is reported when it is carried by at least
//!   half of the members (and by two at least), with the number of versions carrying it, its
//!   text taken from the story origin when the origin carries it (else from the earliest member
//!   that does); most carried first, at most [`MAX_SHARED`];
//! * **adds**: the sentences of a member without counterpart in its reference (the first
//!   [`MAX_ADDS`] of them; `added` counts all);
//! * **disagreements**: the disagreeing facts of each member's alignment against its reference
//!   ([`crate::align::facts`]), with both ids, both sentences and both values; repeats of the
//!   same pair of sentences and values are listed once.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use crate::align::alignment::{shown_similarity, Aligner, MatchKind};
use crate::align::facts::{FactKind, Via};
use crate::align::PreparedDoc;
use crate::ingest::Article;

use super::derive::{derive, time_key, Derivation, DeriveConfig, Role};

/// Most shared sentences listed per story.
pub const MAX_SHARED: usize = 20;
/// Most added sentences listed per member.
pub const MAX_ADDS: usize = 10;
/// Longest title made from a first sentence (characters).
pub const MAX_TITLE_CHARS: usize = 200;

/// One story as reported.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct StoryReport {
    /// Story number (1-based).
    pub story: usize,
    /// The story origin's headline, else its first sentence.
    pub title: String,
    /// Number of members.
    pub size: usize,
    /// Id of the story origin.
    pub origin: String,
    /// Earliest publication time of a member (RFC 3339; a bare date counts as the end of its
    /// day), null when none is dated.
    pub first_published: Option<String>,
    /// Latest publication time of a member (RFC 3339), null when none is dated.
    pub last_published: Option<String>,
    /// Number of families of derived versions (a member deriving from no other is a family).
    pub families: usize,
    /// Number of members per role.
    pub relations: BTreeMap<&'static str, usize>,
    /// The members, in the order given.
    pub members: Vec<MemberReport>,
    /// Sentences carried by most versions.
    pub shared_sentences: Vec<SharedSentence>,
    /// Facts that differ between a member and its reference.
    pub disagreements: Vec<DisagreementReport>,
    /// Whether a limit on the work of the derivation cut some of it short
    /// ([`Derivation::truncated`]): the report may then differ from an unlimited one's.
    /// Serialized only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// A member of a story as reported.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MemberReport {
    /// Article id.
    pub id: String,
    /// Publisher, null when unknown.
    pub source: Option<String>,
    /// Publication time (RFC 3339), null when unknown.
    pub published: Option<String>,
    /// Role in the story.
    pub relation: Role,
    /// Id of the member it derives from (null for origins and `same_story` members).
    pub derived_from: Option<String>,
    /// Family number (1-based, families in order of their origins).
    pub family: usize,
    /// Alignment score against the reference (`derived_from`, else the story origin), rounded
    /// to 4 decimals, 1.0 only for an `exact` copy ([`shown_similarity`]); null for the story
    /// origin.
    pub similarity: Option<f64>,
    /// Share of the member's text found in its reference (token-weighted, 4 decimals); null for
    /// the story origin.
    pub containment: Option<f64>,
    /// Number of sentences without counterpart in the reference.
    pub added: usize,
    /// The first [`MAX_ADDS`] of those sentences.
    pub adds: Vec<String>,
}

/// A sentence shared by several versions.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SharedSentence {
    /// The sentence as written by `id`.
    pub text: String,
    /// Id of the member whose wording is shown (the story origin when it carries the sentence).
    pub id: String,
    /// Number of members carrying the sentence (verbatim, edited or reworded).
    pub versions: usize,
}

/// A fact on which two versions disagree.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DisagreementReport {
    /// Id of the reference version.
    pub a: String,
    /// Id of the member compared with it.
    pub b: String,
    /// The sentence of `a`.
    pub a_sentence: String,
    /// The sentence of `b`.
    pub b_sentence: String,
    /// The value as written in `a`.
    pub a_value: String,
    /// The value as written in `b`.
    pub b_value: String,
    /// Kind of fact.
    pub kind: FactKind,
    /// Which pass found it: `aligned` sentences, or unaligned ones (`same_topic`, `frame`).
    pub via: Via,
    /// How likely the two values are one quantity of one event really differing, 0-1
    /// ([`crate::align::facts::Disagreement::confidence`], rounded to 4 decimals).
    pub confidence: f64,
}

pub(crate) fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The headline of an article, or its first sentence (at most [`MAX_TITLE_CHARS`] characters,
/// then `…`).
pub fn headline(a: &Article) -> String {
    headline_of(a.title.as_deref(), &a.text)
}

/// [`headline`] of a title and a text. Only the first line of the text is segmented: a
/// sentence never spans a line break ([`crate::text::sentences`]), so its first sentence lies
/// in its first line.
pub fn headline_of(title: Option<&str>, text: &str) -> String {
    if let Some(t) = title.map(str::trim).filter(|t| !t.is_empty()) {
        return t.to_string();
    }
    let text = text.trim();
    let line_end = text
        .char_indices()
        .find(|&(_, c)| matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'))
        .map_or(text.len(), |(i, c)| i + c.len_utf8());
    let text = &text[..line_end];
    let first = crate::text::sentences(text)
        .first()
        .and_then(|r| text.get(r.clone()))
        .unwrap_or(text);
    let mut s: String = first.chars().take(MAX_TITLE_CHARS).collect();
    if first.chars().count() > MAX_TITLE_CHARS {
        s.push('…');
    }
    s
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// Build the report of story `number` whose members are `articles[i]` for `i` in `members`
/// (listed in that order). Indices out of range are ignored.
pub fn build(
    number: usize,
    articles: &[Article],
    members: &[usize],
    aligner: &Aligner,
    cfg: &DeriveConfig,
) -> StoryReport {
    build_parts(number, articles, members, aligner, cfg).0
}

/// [`build`], with what the report was made from: the prepared texts of the members (in the
/// order of `members`) and their derivation (whose alignments a story page shows).
pub fn build_parts(
    number: usize,
    articles: &[Article],
    members: &[usize],
    aligner: &Aligner,
    cfg: &DeriveConfig,
) -> (StoryReport, Vec<PreparedDoc>, Derivation) {
    let arts: Vec<&Article> = members.iter().filter_map(|&i| articles.get(i)).collect();
    let n = arts.len();
    let docs: Vec<PreparedDoc> = if n > 1 {
        arts.par_iter().map(|a| PreparedDoc::new(&a.text)).collect()
    } else {
        // A single member needs no alignment; its sentences are not reported.
        arts.iter().map(|_| PreparedDoc::new("")).collect()
    };
    let published: Vec<_> = arts.iter().map(|a| a.published).collect();
    let d = derive(&docs, &published, aligner, cfg);
    let report = report_from(number, &arts, &docs, &d, aligner.min_confidence());
    (report, docs, d)
}

/// The report of a single-article story: what [`build`] gives for one member, without
/// reading its text (`headline` is [`headline_of`] the article's title and text).
pub fn singleton(number: usize, a: &Article, headline: &str) -> StoryReport {
    let published = a.published.map(|t| t.to_rfc3339());
    StoryReport {
        story: number,
        title: headline.to_string(),
        size: 1,
        origin: a.id.clone(),
        first_published: published.clone(),
        last_published: published.clone(),
        families: 1,
        relations: BTreeMap::from([(Role::Origin.name(), 1)]),
        members: vec![MemberReport {
            id: a.id.clone(),
            source: a.source.clone(),
            published,
            relation: Role::Origin,
            derived_from: None,
            family: 1,
            similarity: None,
            containment: None,
            added: 0,
            adds: Vec::new(),
        }],
        shared_sentences: Vec::new(),
        disagreements: Vec::new(),
        truncated: false,
    }
}

/// The report of a story from its members, their prepared texts and their derivation, with the
/// disagreements of a confidence at least `cut` (the aligner's
/// [`min_confidence`](Aligner::min_confidence)).
pub fn report_from(
    number: usize,
    arts: &[&Article],
    docs: &[PreparedDoc],
    d: &Derivation,
    cut: f64,
) -> StoryReport {
    let n = arts.len().min(docs.len()).min(d.role.len());
    // Earliest and latest by the story order of times (a bare date is the end of its day).
    let dates = arts[..n].iter().filter_map(|a| a.published);
    let first = dates.clone().min_by_key(|&t| time_key(Some(t)));
    let last = dates.max_by_key(|&t| time_key(Some(t)));
    let origin = d.story_origin;
    let id = |x: usize| arts[x].id.clone();

    let mut relations = BTreeMap::new();
    let mut out_members = Vec::with_capacity(n);
    for x in 0..n {
        let al = d.reference_alignment.get(x).and_then(Option::as_ref);
        let adds: Vec<usize> = al.map(|a| a.added.clone()).unwrap_or_default();
        *relations.entry(d.role[x].name()).or_insert(0) += 1;
        out_members.push(MemberReport {
            id: id(x),
            source: arts[x].source.clone(),
            published: arts[x].published.map(|t| t.to_rfc3339()),
            relation: d.role[x],
            derived_from: d.derived_from[x].map(id),
            family: d.family[x] + 1,
            similarity: al.map(|a| round4(shown_similarity(a.score, d.role[x] == Role::Exact))),
            containment: al.map(|a| round4(a.containment_b_in_a)),
            added: adds.len(),
            adds: adds
                .iter()
                .take(MAX_ADDS)
                .filter_map(|&s| docs[x].sentences.get(s).map(|s| s.text.clone()))
                .collect(),
        });
    }

    StoryReport {
        story: number,
        title: if n > 0 {
            headline(arts[origin])
        } else {
            String::new()
        },
        size: n,
        origin: if n > 0 { id(origin) } else { String::new() },
        first_published: first.map(|t| t.to_rfc3339()),
        last_published: last.map(|t| t.to_rfc3339()),
        families: d.families.len(),
        relations,
        members: out_members,
        shared_sentences: shared_sentences(arts, docs, d, n),
        disagreements: disagreements(arts, docs, d, n, cut),
        truncated: d.truncated,
    }
}

/// Which sentence of a cluster is shown: (not the story origin, story rank, sentence index).
type ShownKey = (usize, usize, usize);

/// Clusters of aligned sentences carried by most versions.
fn shared_sentences(
    arts: &[&Article],
    docs: &[PreparedDoc],
    d: &Derivation,
    n: usize,
) -> Vec<SharedSentence> {
    if n < 2 {
        return Vec::new();
    }
    let mut offset = vec![0usize; n + 1];
    for x in 0..n {
        offset[x + 1] = offset[x] + docs[x].sentences.len();
    }
    let mut uf: Vec<usize> = (0..offset[n]).collect();
    let alignments = d.pairs.iter().map(|p| (p.a, p.b, &p.alignment)).chain(
        (0..n).filter_map(|x| Some((d.reference[x]?, x, d.reference_alignment[x].as_ref()?))),
    );
    for (a, b, al) in alignments {
        if a >= n || b >= n {
            continue;
        }
        for m in &al.matches {
            if let (Some(sa), true) = (m.a, m.kind != MatchKind::Unmatched) {
                if sa >= docs[a].sentences.len() || m.b >= docs[b].sentences.len() {
                    continue;
                }
                let (x, y) = (
                    find(&mut uf, offset[a] + sa),
                    find(&mut uf, offset[b] + m.b),
                );
                if x != y {
                    uf[x.max(y)] = x.min(y);
                }
            }
        }
    }
    let rank: HashMap<usize, usize> = d.order.iter().enumerate().map(|(r, &m)| (m, r)).collect();
    // Per cluster: carrying members, and the (member, sentence) whose text is shown.
    let mut clusters: HashMap<usize, (HashSet<usize>, ShownKey)> = HashMap::new();
    for x in 0..n {
        for s in 0..docs[x].sentences.len() {
            let root = find(&mut uf, offset[x] + s);
            // Shown: the story origin first, then the earliest member, then the first sentence.
            let key = (
                usize::from(x != d.story_origin),
                rank.get(&x).copied().unwrap_or(x),
                s,
            );
            let e = clusters
                .entry(root)
                .or_insert_with(|| (HashSet::new(), (usize::MAX, 0, 0)));
            e.0.insert(x);
            if key < e.1 {
                e.1 = key;
            }
        }
    }
    let need = n.div_ceil(2).max(2);
    let mut shown: Vec<(usize, (usize, usize, usize))> = clusters
        .into_values()
        .filter(|(m, _)| m.len() >= need)
        .map(|(m, key)| (m.len(), key))
        .collect();
    shown.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    shown
        .into_iter()
        .take(MAX_SHARED)
        .map(|(versions, (_, r, s))| {
            let x = d.order.get(r).copied().unwrap_or(r);
            SharedSentence {
                text: docs[x].sentences[s].text.clone(),
                id: arts[x].id.clone(),
                versions,
            }
        })
        .collect()
}

/// Confidence taken off a disagreement between two articles of one outlet published on
/// different days: an outlet restating a figure on another day reads a series again (a poll
/// average, a tally, a count that grows), it does not contradict itself on one quantity.
pub const CONF_SERIES: f64 = 0.3;

/// Whether two articles have the same source and were published on different days (both
/// known).
fn same_outlet_other_day(a: &Article, b: &Article) -> bool {
    match (&a.source, &b.source, a.published, b.published) {
        (Some(x), Some(y), Some(p), Some(q)) => x == y && p.date_naive() != q.date_naive(),
        _ => false,
    }
}

/// Disagreeing facts of every member against its reference, at or above the confidence `cut`
/// once lowered by [`CONF_SERIES`] between two days of one outlet.
fn disagreements(
    arts: &[&Article],
    docs: &[PreparedDoc],
    d: &Derivation,
    n: usize,
    cut: f64,
) -> Vec<DisagreementReport> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for x in d.order.iter().copied().filter(|&x| x < n) {
        let (Some(r), Some(al)) = (d.reference[x], d.reference_alignment[x].as_ref()) else {
            continue;
        };
        if r >= n {
            continue;
        }
        for g in &al.disagreements {
            let (Some(sa), Some(sb)) = (
                docs[r].sentences.get(g.a_sentence),
                docs[x].sentences.get(g.b_sentence),
            ) else {
                continue;
            };
            let key = (
                sa.text.clone(),
                sb.text.clone(),
                g.a_value.clone(),
                g.b_value.clone(),
            );
            if !seen.insert(key) {
                continue;
            }
            let confidence = if same_outlet_other_day(arts[r], arts[x]) {
                (g.confidence - CONF_SERIES).max(0.0)
            } else {
                g.confidence
            };
            if confidence < cut {
                continue;
            }
            out.push(DisagreementReport {
                a: arts[r].id.clone(),
                b: arts[x].id.clone(),
                a_sentence: sa.text.clone(),
                b_sentence: sb.text.clone(),
                a_value: g.a_value.clone(),
                b_value: g.b_value.clone(),
                kind: g.kind,
                via: g.via,
                confidence: round4(confidence),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::similarity::Idf;
    use crate::ingest::Location;
    use chrono::DateTime;

    const ORIGINAL: &str = "The Kessler Dam on the Oru River will be drained for repairs starting on Monday, the regional water board said. \
Engineers found a leak in the northern spillway during an inspection last week. \
The board expects the work to cost 3.1 million dollars and to last about five months. \
Farmers downstream will receive water from the Lindqvist reservoir while the dam is empty. \
\"We have no reason to think the dam is unsafe,\" said board chair Ana Petrescu. \
The dam was built in 1962 and last repaired in 1998.";

    const REWRITE: &str = "The Kessler Dam on the Oru River will be emptied for repairs starting Monday, the regional water board said. \
Engineers found a leak in the northern spillway during a routine inspection last week. \
The board expects the work to cost 4.5 million dollars and to last about five months. \
Local councillors said they would press the board for a faster timetable.";

    const INDEPENDENT: &str =
        "Opinion is divided in the town about the future of the lake behind the wall. \
Several longtime residents told us they had never trusted the old concrete wall. \
Tomas Brandt, a retired surveyor, recalled fishing below it as a boy in the sixties. \
Younger families mostly worry about the smell of the mud once the lake is gone. \
The mayor has promised to publish every document the water board sends her. \
A petition calling for a new footpath across the top has gathered two hundred names.";

    fn art(id: &str, title: Option<&str>, text: &str, published: Option<&str>) -> Article {
        Article {
            id: id.to_string(),
            title: title.map(str::to_string),
            text: text.to_string(),
            published: published.map(|p| DateTime::parse_from_rfc3339(p).expect("date")),
            source: Some(format!("{id} news")),
            url: None,
            lang: None,
            seq: 0,
            location: Location::file("test"),
        }
    }

    fn corpus(dated: bool) -> Vec<Article> {
        let d = |s: &'static str| dated.then_some(s);
        vec![
            art(
                "rewrite",
                Some("Dam to be emptied"),
                REWRITE,
                d("2026-03-03T10:00:00Z"),
            ),
            art("wire", None, ORIGINAL, d("2026-03-02T08:00:00Z")),
            art(
                "copy",
                Some("Dam repairs"),
                ORIGINAL,
                d("2026-03-02T09:00:00Z"),
            ),
            art(
                "indie",
                Some("Board chair defends dam plan"),
                INDEPENDENT,
                d("2026-03-02T12:00:00Z"),
            ),
        ]
    }

    fn report(arts: &[Article]) -> StoryReport {
        let members: Vec<usize> = (0..arts.len()).collect();
        build(
            7,
            arts,
            &members,
            &Aligner::new(Idf::builtin()),
            &DeriveConfig::default(),
        )
    }

    #[test]
    fn reports_roles_title_span_shared_sentences_adds_and_disagreements() {
        let r = report(&corpus(true));
        assert_eq!(r.story, 7);
        assert_eq!(r.size, 4);
        assert_eq!(r.origin, "wire");
        // The origin has no title: its first sentence.
        assert!(
            r.title
                .starts_with("The Kessler Dam on the Oru River will be drained"),
            "{}",
            r.title
        );
        assert_eq!(
            r.first_published.as_deref(),
            Some("2026-03-02T08:00:00+00:00")
        );
        assert_eq!(
            r.last_published.as_deref(),
            Some("2026-03-03T10:00:00+00:00")
        );
        assert_eq!(r.families, 2);
        let m: HashMap<&str, &MemberReport> =
            r.members.iter().map(|m| (m.id.as_str(), m)).collect();
        assert_eq!(m["wire"].relation, Role::Origin);
        assert_eq!(m["wire"].similarity, None);
        assert_eq!(m["copy"].relation, Role::Exact);
        assert_eq!(m["copy"].derived_from.as_deref(), Some("wire"));
        assert_eq!(m["copy"].similarity, Some(1.0));
        assert_eq!(m["rewrite"].relation, Role::Rewrite);
        assert_eq!(m["rewrite"].derived_from.as_deref(), Some("wire"));
        assert_eq!(m["rewrite"].family, m["wire"].family);
        assert_eq!(m["indie"].relation, Role::SameStory);
        assert_eq!(m["indie"].derived_from, None);
        assert_ne!(m["indie"].family, m["wire"].family);
        assert!(m["indie"].similarity.is_some());
        assert_eq!(
            m["rewrite"].adds,
            vec!["Local councillors said they would press the board for a faster timetable."]
        );
        assert_eq!(m["rewrite"].added, 1);
        assert_eq!(r.relations["origin"], 1);
        assert_eq!(r.relations["exact"], 1);
        assert_eq!(r.relations["rewrite"], 1);
        assert_eq!(r.relations["same_story"], 1);
        // Sentences carried by at least half of the versions, worded as in the origin.
        assert!(!r.shared_sentences.is_empty());
        assert!(r
            .shared_sentences
            .iter()
            .all(|s| s.versions >= 2 && s.id == "wire"));
        let leak = r
            .shared_sentences
            .iter()
            .find(|s| s.text.starts_with("Engineers found a leak"))
            .expect("leak sentence shared");
        assert_eq!(leak.versions, 3);
        assert_eq!(r.shared_sentences[0].versions, 3);
        let built = r
            .shared_sentences
            .iter()
            .find(|s| s.text.starts_with("The dam was built"))
            .expect("shared by the wire and its copy");
        assert_eq!(built.versions, 2);
        // The cost differs between the wire and the rewrite.
        let g = r
            .disagreements
            .iter()
            .find(|g| g.b == "rewrite")
            .expect("a disagreement of the rewrite");
        assert_eq!(g.a, "wire");
        assert!(g.a_value.contains("3.1"), "{g:?}");
        assert!(g.b_value.contains("4.5"), "{g:?}");
        assert!(g.a_sentence.contains("3.1 million dollars"));
        assert!(g.b_sentence.contains("4.5 million dollars"));
    }

    #[test]
    fn undated_story_reports_the_containing_version_as_origin() {
        let r = report(&corpus(false));
        assert_eq!(r.first_published, None);
        assert_eq!(r.last_published, None);
        // The wire text and its copy contain the rewrite's shared part; the first in input order wins.
        assert_eq!(r.origin, "wire");
        let rewrite = &r.members[0];
        assert_eq!(rewrite.relation, Role::Rewrite);
        assert_eq!(rewrite.derived_from.as_deref(), Some("wire"));
        assert!(r.members.iter().all(|m| m.published.is_none()));
    }

    #[test]
    fn single_and_empty_stories() {
        let arts = corpus(true);
        let r = build(
            1,
            &arts,
            &[3],
            &Aligner::new(Idf::builtin()),
            &DeriveConfig::default(),
        );
        assert_eq!(r.origin, "indie");
        assert_eq!(r.title, "Board chair defends dam plan");
        assert_eq!(r.members[0].relation, Role::Origin);
        assert!(r.shared_sentences.is_empty() && r.disagreements.is_empty());
        let r = build(
            2,
            &arts,
            &[99],
            &Aligner::new(Idf::builtin()),
            &DeriveConfig::default(),
        );
        assert_eq!(r.size, 0);
        assert!(r.members.is_empty());
    }

    #[test]
    fn singleton_reports_match_the_general_build() {
        let aligner = Aligner::new(Idf::builtin());
        for a in corpus(true).into_iter().chain(corpus(false)) {
            let built = build(
                5,
                std::slice::from_ref(&a),
                &[0],
                &aligner,
                &DeriveConfig::default(),
            );
            assert_eq!(singleton(5, &a, &headline(&a)), built);
        }
    }

    #[test]
    fn headline_reads_the_first_line_only_as_the_whole_text_would() {
        let full = |text: &str| {
            let text = text.trim();
            let first = crate::text::sentences(text)
                .first()
                .and_then(|r| text.get(r.clone()))
                .unwrap_or(text);
            let mut s: String = first.chars().take(MAX_TITLE_CHARS).collect();
            if first.chars().count() > MAX_TITLE_CHARS {
                s.push('…');
            }
            s
        };
        for text in [
            "  The U.S. said no.\nMr. Smith left.",
            "No break at all. Second sentence here",
            "A line without a stop\r\nnext line.",
            "Ends with Mr.\nSmith on the next line.",
            "Quote: \"Yes.\"\u{2029}Next paragraph.",
            "\n\n  Leading blank lines. Then text.",
            "é\u{85}next",
            "",
            ".",
        ] {
            assert_eq!(headline_of(None, text), full(text), "{text:?}");
        }
    }

    #[test]
    fn headline_falls_back_to_a_bounded_first_sentence() {
        let long = "word ".repeat(100);
        let a = art("x", Some("  "), &long, None);
        let h = headline(&a);
        assert_eq!(h.chars().count(), MAX_TITLE_CHARS + 1);
        assert!(h.ends_with('…'));
    }
}
