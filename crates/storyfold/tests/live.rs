//! The live story index through its public API only: placements, stable ids across reopen,
//! removal, eviction, refinement events, batch = one by one, settings and foreign files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use storyfold::ingest::{Input, ReadOptions, Reader};
use storyfold::{
    Article, ClusterConfig, Error, EventFilter, EventKind, Relation, StoryFilter, StoryId,
    StoryIndex,
};

fn examples() -> Vec<Article> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/news.jsonl");
    Reader::open(vec![Input::Path(path)], ReadOptions::default())
        .collect::<Result<Vec<_>, _>>()
        .expect("the example corpus reads")
}

fn by_id<'a>(articles: &'a [Article], id: &str) -> &'a Article {
    articles.iter().find(|a| a.id == id).expect("id present")
}

fn memory() -> StoryIndex {
    StoryIndex::builder().in_memory().expect("in-memory index")
}

fn members(index: &StoryIndex, story: StoryId) -> Vec<String> {
    let mut m: Vec<String> = index
        .story(story)
        .expect("story")
        .members
        .into_iter()
        .map(|m| m.id)
        .collect();
    m.sort();
    m
}

#[test]
fn a_threshold_out_of_range_is_a_typed_error_naming_the_setting() {
    let cfg = ClusterConfig {
        join_threshold: 1.5,
        ..ClusterConfig::default()
    };
    let err = StoryIndex::builder()
        .cluster(cfg)
        .in_memory()
        .expect_err("1.5 is refused");
    match &err {
        Error::Config { field, .. } => assert_eq!(*field, "cluster.join_threshold"),
        other => panic!("expected a Config error, got {other:?}"),
    }
    assert!(err.to_string().contains("1.5"), "{err}");
    let err = StoryIndex::builder()
        .window(Some(0))
        .in_memory()
        .expect_err("an empty window is refused");
    assert!(matches!(
        err,
        Error::Config {
            field: "cluster.window",
            ..
        }
    ));
}

#[test]
fn copies_rewrites_and_independent_reports_are_placed() {
    let a = examples();
    let index = memory();
    let p1 = index.insert(by_id(&a, "wire-001").clone()).expect("insert");
    assert_eq!(p1.relation, Relation::NewStory);
    assert!(p1.new_story && p1.similarity.is_none() && p1.evidence.is_none());
    // wire-002 is the same wire text: an exact or near copy of wire-001.
    let p2 = index.insert(by_id(&a, "wire-002").clone()).expect("insert");
    assert_eq!(p2.story, p1.story);
    assert!(
        matches!(p2.relation, Relation::Exact | Relation::NearDuplicate),
        "{p2:?}"
    );
    assert_eq!(p2.duplicate_of.as_deref(), Some("wire-001"));
    assert_eq!(p2.derived_from, p2.duplicate_of);
    assert!(p2.similarity.expect("similarity") >= 0.8);
    // wire-004 reports the same closure in other words.
    let p4 = index.insert(by_id(&a, "wire-004").clone()).expect("insert");
    assert_eq!(p4.story, p1.story, "{p4:?}");
    assert!(matches!(
        p4.relation,
        Relation::Rewrite | Relation::SameStory
    ));
    let ev = p4.evidence.as_ref().expect("evidence of an alignment");
    assert!(ev.against == "wire-001" || ev.against == "wire-002");
    assert!(ev.score.is_some());
    if p4.relation == Relation::SameStory {
        assert!(p4.derived_from.is_none());
    }
    // Another event opens another story.
    let p9 = index.insert(by_id(&a, "wire-009").clone()).expect("insert");
    assert_eq!(p9.relation, Relation::NewStory);
    assert_ne!(p9.story, p1.story);
    // The same id again is refused, naming it.
    let err = index
        .insert(by_id(&a, "wire-001").clone())
        .expect_err("already there");
    assert!(matches!(&err, Error::AlreadyExists { id } if id == "wire-001"));
    assert_eq!(index.story_of("wire-004").expect("lookup"), Some(p1.story));
    assert_eq!(index.story_of("nope").expect("lookup"), None);
    let stats = index.stats().expect("stats");
    assert_eq!((stats.articles, stats.stories), (4, 2));
    // The stored placement is what insert returned.
    let back = index.placement("wire-002").expect("placement");
    assert_eq!(back.relation, p2.relation);
    assert_eq!(back.duplicate_of, p2.duplicate_of);
    // compare gives the full alignment behind the evidence.
    let al = index.compare("wire-001", "wire-002").expect("compare");
    assert!(al.containment_b_in_a > 0.8);
}

#[test]
fn an_empty_text_or_a_repeated_id_refuses_the_whole_batch() {
    let index = memory();
    let ok = Article::new(
        "a",
        "Rain is expected over the coast on Friday, forecasters said.",
    );
    let empty = Article::new("b", "\u{200b}\u{200b} \u{feff}");
    let err = index
        .insert_batch(vec![ok.clone(), empty])
        .expect_err("invisible-only text");
    assert!(
        matches!(&err, Error::Invalid { id, .. } if id == "b"),
        "{err}"
    );
    assert_eq!(index.stats().expect("stats").articles, 0);
    let err = index
        .insert_batch(vec![ok.clone(), ok])
        .expect_err("repeated id");
    assert!(matches!(err, Error::AlreadyExists { .. }));
    assert_eq!(index.stats().expect("stats").articles, 0);
}

fn temp_db(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("stories.db")
}

#[test]
fn stories_keep_their_ids_across_reopen_and_removal_rederives() {
    let a = examples();
    let dir = tempfile::tempdir().expect("tempdir");
    let db = temp_db(&dir);
    let storm = ["wire-036", "wire-037", "wire-038", "wire-039", "wire-040"];
    let first_story = {
        let index = StoryIndex::builder().open(&db).expect("open");
        let ps = index
            .insert_batch(storm[..3].iter().map(|id| by_id(&a, id).clone()).collect())
            .expect("insert");
        assert!(ps.iter().all(|p| p.story == ps[0].story), "{ps:?}");
        index.refine().expect("refine");
        ps[0].story
    };
    let index = StoryIndex::builder().open(&db).expect("reopen");
    let ps = index
        .insert_batch(storm[3..].iter().map(|id| by_id(&a, id).clone()).collect())
        .expect("insert");
    for p in &ps {
        assert_eq!(p.story, first_story, "{p:?}");
    }
    index.refine().expect("refine");
    assert_eq!(
        index.story_of("wire-036").expect("lookup"),
        Some(first_story)
    );
    assert_eq!(members(&index, first_story), storm.to_vec());
    // wire-038 copies wire-036; removing wire-036 makes it derive from another copy.
    let p38 = index.placement("wire-038").expect("placement");
    assert_eq!(p38.duplicate_of.as_deref(), Some("wire-036"), "{p38:?}");
    index.remove("wire-036").expect("remove");
    assert!(matches!(
        index.remove("wire-036"),
        Err(Error::NotFound {
            what: "article",
            ..
        })
    ));
    let p38 = index.placement("wire-038").expect("placement");
    assert_ne!(p38.derived_from.as_deref(), Some("wire-036"), "{p38:?}");
    assert_ne!(p38.duplicate_of.as_deref(), Some("wire-036"), "{p38:?}");
    let report = index.story(first_story).expect("story");
    assert_eq!(report.size, 4);
    assert!(report.members.iter().all(|m| m.id != "wire-036"));
    assert_ne!(report.origin, "wire-036");
    let stats = index.stats().expect("stats");
    assert_eq!((stats.articles, stats.stories), (4, 1));
    assert!(index.check().expect("check").is_empty());
    drop(index);
    // Reopened again: the removal stayed, the id too.
    let index = StoryIndex::builder().open(&db).expect("reopen");
    assert_eq!(
        index.story_of("wire-037").expect("lookup"),
        Some(first_story)
    );
    assert_eq!(index.story_of("wire-036").expect("lookup"), None);
    // Removing every member removes the story, with an event.
    for id in &storm[1..] {
        index.remove(id).expect("remove");
    }
    assert_eq!(index.stats().expect("stats").stories, 0);
    let events = index.events(EventFilter::default()).expect("events");
    assert!(events
        .iter()
        .any(|e| e.kind == EventKind::Removed && e.story == first_story));
    assert!(matches!(
        index.story(first_story),
        Err(Error::NotFound { what: "story", .. })
    ));
}

#[test]
fn settings_are_stored_and_a_conflicting_open_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = temp_db(&dir);
    drop(
        StoryIndex::builder()
            .window(Some(86_400))
            .open(&db)
            .expect("create"),
    );
    let index = StoryIndex::builder().open(&db).expect("reopen");
    assert_eq!(index.cluster_config().window, Some(86_400));
    drop(index);
    let err = StoryIndex::builder()
        .window(None)
        .open(&db)
        .expect_err("other window");
    assert!(
        matches!(
            err,
            Error::Config {
                field: "cluster",
                ..
            }
        ),
        "{err}"
    );
    let index = StoryIndex::builder()
        .window(None)
        .reconfigure(true)
        .open(&db)
        .expect("reconfigured");
    assert_eq!(index.cluster_config().window, None);
}

#[test]
fn foreign_newer_and_non_sqlite_files_are_clear_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Another program's SQLite database.
    let foreign = dir.path().join("foreign.db");
    {
        let c = rusqlite::Connection::open(&foreign).expect("sqlite");
        c.execute_batch("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT);")
            .expect("table");
    }
    let err = StoryIndex::builder().open(&foreign).expect_err("foreign");
    assert!(matches!(err, Error::Schema { .. }), "{err}");
    assert!(err.to_string().contains("not a storyfold index"), "{err}");
    // A newer schema.
    let newer = dir.path().join("newer.db");
    drop(StoryIndex::builder().open(&newer).expect("create"));
    {
        let c = rusqlite::Connection::open(&newer).expect("sqlite");
        c.execute_batch("PRAGMA user_version = 99;").expect("bump");
    }
    let err = StoryIndex::builder().open(&newer).expect_err("newer");
    assert!(err.to_string().contains("newer"), "{err}");
    // Not SQLite at all.
    let text = dir.path().join("notes.db");
    std::fs::write(&text, "these are my notes, not a database\n".repeat(100)).expect("write");
    let err = StoryIndex::builder().open(&text).expect_err("text");
    assert!(matches!(err, Error::Schema { .. }), "{err}");
    // A missing file is not created when creation is off.
    let missing = dir.path().join("missing.db");
    let err = StoryIndex::builder()
        .create(false)
        .open(&missing)
        .expect_err("missing");
    assert!(matches!(err, Error::Io { .. }), "{err}");
    assert!(!missing.exists());
}

#[test]
fn eviction_drops_old_stories_and_counts_stay_right() {
    let a = examples();
    let index = memory();
    index.insert_batch(a.clone()).expect("insert");
    let before = index.stats().expect("stats");
    assert_eq!(before.articles, a.len() as u64);
    // The clock is the latest publication (2026-11-30); stories ending more than 10 days
    // before it go.
    let n = index
        .evict(std::time::Duration::from_secs(10 * 86_400))
        .expect("evict");
    assert!(n > 0);
    let after = index.stats().expect("stats");
    assert_eq!(after.stories, before.stories - n as u64);
    assert_eq!(index.story_of("wire-001").expect("lookup"), None);
    assert!(index.story_of("wire-045").expect("lookup").is_some());
    let evicted = index
        .events(EventFilter::default())
        .expect("events")
        .into_iter()
        .filter(|e| e.kind == EventKind::Evicted)
        .count();
    assert_eq!(evicted, n);
    assert!(index.check().expect("check").is_empty());
    // Evicted ids can come back.
    index
        .insert(by_id(&a, "wire-001").clone())
        .expect("insert again");
}

#[test]
fn refinement_merges_and_splits_with_stable_ids_and_events() {
    let a = examples();
    // A join threshold no pair reaches: every article opens a story; the refinement's merge
    // threshold then joins the reports of one event.
    let strict = ClusterConfig {
        join_threshold: 0.99,
        merge_threshold: 0.12,
        ..ClusterConfig::default()
    };
    let index = StoryIndex::builder()
        .cluster(strict)
        .dedup(storyfold::DedupConfig {
            threshold: 1.0,
            ..storyfold::DedupConfig::default()
        })
        .in_memory()
        .expect("index");
    let ids = ["wire-011", "wire-012", "wire-013", "wire-015"];
    let ps = index
        .insert_batch(ids.iter().map(|id| by_id(&a, id).clone()).collect())
        .expect("insert");
    let smallest = ps.iter().map(|p| p.story).min().expect("stories");
    let events = index.refine().expect("refine");
    let merged: Vec<_> = events
        .iter()
        .filter(|e| e.kind == EventKind::Merged)
        .collect();
    assert!(!merged.is_empty(), "{events:?}");
    for e in &merged {
        assert!(
            e.story < e.other.expect("other"),
            "the smaller id stays: {e:?}"
        );
    }
    assert_eq!(index.story_of("wire-011").expect("lookup"), Some(smallest));
    for e in &merged {
        let gone = e.other.expect("other");
        let err = index.story(gone).expect_err("merged away");
        assert!(err.to_string().contains("merged into"), "{err}");
    }

    // A join threshold every pair reaches: unrelated articles fold into one story online;
    // the refinement splits them, and the part with the origin keeps the id.
    let loose = ClusterConfig {
        join_threshold: 0.0001,
        time_penalty: 0.0,
        window: None,
        ..ClusterConfig::default()
    };
    let index = StoryIndex::builder()
        .cluster(loose)
        .in_memory()
        .expect("index");
    // Reports of two events in one city (the bridge, the marathon), none a copy of another.
    let ids = [
        "wire-001", "wire-004", "wire-005", "wire-027", "wire-029", "wire-024",
    ];
    let ps = index
        .insert_batch(ids.iter().map(|id| by_id(&a, id).clone()).collect())
        .expect("insert");
    let story = ps[0].story;
    assert!(ps.iter().all(|p| p.story == story), "{ps:?}");
    let events = index.refine().expect("refine");
    let splits: Vec<_> = events
        .iter()
        .filter(|e| e.kind == EventKind::Split)
        .collect();
    assert!(!splits.is_empty(), "{events:?}");
    // wire-001 is the earliest article: it keeps the story id.
    assert_eq!(index.story_of("wire-001").expect("lookup"), Some(story));
    assert_ne!(index.story_of("wire-027").expect("lookup"), Some(story));
    for e in &splits {
        assert_eq!(e.story, story);
        let new = e.other.expect("other");
        assert!(new > story);
        assert!(index.story(new).is_ok());
    }
    assert!(index.check().expect("check").is_empty());
    let stats = index.stats().expect("stats");
    assert_eq!(stats.articles, ids.len() as u64);
}

/// Deterministic news-like articles: topics with names, places and figures, each reported
/// several times (reworded, copied, or cut), some undated, a few days apart.
fn generated(n: usize, seed: u64) -> Vec<Article> {
    let mut x = seed;
    let mut next = move |m: u64| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (x >> 33) % m
    };
    let places = [
        "Valdoria",
        "Port Hessen",
        "Millbrook",
        "Dunmore",
        "Kessler",
        "Orville",
        "Grantley",
        "Bexley",
    ];
    let people = [
        "Marta Quince",
        "Oskar Lindgren",
        "Ana Petrescu",
        "Tomas Brandt",
        "Mara Lindqvist",
        "Iris Vail",
    ];
    let kinds = [
        (
            "fire",
            "A fire destroyed a warehouse in {p} on {d}, {w} said, and {k} workers were evacuated.",
        ),
        (
            "flood",
            "Floods cut the main road to {p} on {d} after {k} millimetres of rain, said {w}.",
        ),
        (
            "strike",
            "{k} nurses in {p} began a strike on {d}, union leader {w} said.",
        ),
        (
            "budget",
            "The {p} council approved a budget of {k} million on {d}, mayor {w} announced.",
        ),
        (
            "quake",
            "A magnitude {k} earthquake shook {p} on {d}, emergency chief {w} said.",
        ),
    ];
    let extras = [
        "Residents were told to stay indoors.",
        "The authorities promised an inquiry.",
        "Officials expect more details later this week.",
        "Local schools stayed open.",
        "Traffic was diverted for several hours.",
        "A spokesperson declined to comment further.",
    ];
    let mut out = Vec::new();
    let mut topic = 0;
    while out.len() < n {
        let p = places[next(places.len() as u64) as usize];
        let w = people[next(people.len() as u64) as usize];
        let (kind, template) = kinds[next(kinds.len() as u64) as usize];
        let k = 10 + next(900);
        let day = 1 + next(27);
        let d = format!("March {day}");
        let base = template
            .replace("{p}", p)
            .replace("{w}", w)
            .replace("{k}", &k.to_string())
            .replace("{d}", &d);
        let versions = 1 + next(5);
        for v in 0..versions {
            let mut sentences = vec![base.clone()];
            for _ in 0..2 + next(3) {
                sentences.push(extras[next(extras.len() as u64) as usize].to_string());
            }
            if v % 2 == 1 {
                sentences.reverse();
            }
            let text = if v == 2 {
                base.clone() + " " + extras[0]
            } else {
                sentences.join(" ")
            };
            let published = (next(6) != 0).then(|| {
                chrono::DateTime::parse_from_rfc3339(&format!(
                    "2026-03-{:02}T{:02}:00:00Z",
                    day.min(27) + v.min(1),
                    next(24)
                ))
                .expect("date")
            });
            out.push(Article {
                title: Some(format!("{} in {p}", kind)),
                published,
                source: Some(format!("outlet-{}", next(7))),
                ..Article::new(format!("g{topic}-{v}"), text)
            });
        }
        topic += 1;
    }
    out.truncate(n);
    out
}

#[test]
fn insert_batch_places_as_inserting_one_by_one() {
    let mut articles = examples();
    articles.extend(generated(300, 7));
    // A seeded shuffle of the input order.
    let mut x = 42u64;
    for i in (1..articles.len()).rev() {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        articles.swap(i, (x >> 33) as usize % (i + 1));
    }
    let one = StoryIndex::builder()
        .window(Some(3 * 86_400))
        .in_memory()
        .expect("index");
    let expected: Vec<_> = articles
        .iter()
        .map(|a| one.insert(a.clone()).expect("insert"))
        .collect();
    let distinct: std::collections::HashSet<StoryId> = expected.iter().map(|p| p.story).collect();
    assert!(distinct.len() > 20 && distinct.len() < articles.len() - 50);
    for size in [7, 64, 1_000] {
        let many = StoryIndex::builder()
            .window(Some(3 * 86_400))
            .in_memory()
            .expect("index");
        let mut got = Vec::new();
        for chunk in articles.chunks(size) {
            got.extend(many.insert_batch(chunk.to_vec()).expect("insert"));
        }
        assert_eq!(got.len(), expected.len());
        for (g, e) in got.iter().zip(&expected) {
            assert_eq!(g, e, "batch size {size}");
        }
        let stories = |ix: &StoryIndex| -> HashMap<String, Option<StoryId>> {
            articles
                .iter()
                .map(|a| (a.id.clone(), ix.story_of(&a.id).expect("lookup")))
                .collect()
        };
        assert_eq!(stories(&many), stories(&one), "batch size {size}");
    }
}

#[test]
fn stories_are_listed_by_filter() {
    let a = examples();
    let index = memory();
    index.insert_batch(a).expect("insert");
    let all = index.stories(&StoryFilter::default()).expect("list");
    assert_eq!(all.len() as u64, index.stats().expect("stats").stories);
    assert!(all.windows(2).all(|w| w[0].story > w[1].story));
    let big = index
        .stories(&StoryFilter {
            min_size: Some(3),
            ..StoryFilter::default()
        })
        .expect("list");
    assert!(!big.is_empty() && big.iter().all(|s| s.size >= 3));
    let storm = index
        .stories(&StoryFilter {
            query: Some("storm".into()),
            ..StoryFilter::default()
        })
        .expect("list");
    assert!(!storm.is_empty());
    assert!(storm
        .iter()
        .all(|s| s.title.to_lowercase().contains("storm")));
    let tokai = index
        .stories(&StoryFilter {
            source: Some("Tokai Shimpo".into()),
            ..StoryFilter::default()
        })
        .expect("list");
    assert_eq!(tokai.len(), 1);
    let page = index
        .stories(&StoryFilter {
            limit: Some(2),
            ..StoryFilter::default()
        })
        .expect("list");
    assert_eq!(page.len(), 2);
    let next = index
        .stories(&StoryFilter {
            limit: Some(2),
            cursor: Some(page[1].story),
            ..StoryFilter::default()
        })
        .expect("list");
    assert_eq!(next[0].story, all[2].story);
}

#[test]
fn the_index_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<StoryIndex>();
}

#[test]
fn stories_by_update_list_the_latest_changed_first_and_page_on() {
    let index = memory();
    let text_a =
        "The harbor bridge closed on Monday after inspectors found cracks in two steel beams. \
                  The city said repairs would take six weeks and cost 2 million dollars.";
    let text_b = "A red panda cub was born at the city zoo, keepers said on Friday. \
                  The cub weighs 150 grams and will stay with its mother until spring.";
    let a = index.insert(Article::new("a", text_a)).expect("a");
    let b = index.insert(Article::new("b", text_b)).expect("b");
    assert!(a.story < b.story);
    // `updated` has a resolution of one second.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let copy = index.insert(Article::new("a-copy", text_a)).expect("copy");
    assert_eq!(copy.story, a.story);
    let by_id = index.stories(&StoryFilter::default()).expect("list");
    assert_eq!(by_id[0].story, b.story);
    let first = index
        .stories(&StoryFilter {
            by_update: true,
            limit: Some(1),
            ..StoryFilter::default()
        })
        .expect("list");
    assert_eq!(first.len(), 1);
    assert_eq!(
        first[0].story, a.story,
        "the story changed last comes first"
    );
    let next = index
        .stories(&StoryFilter {
            by_update: true,
            after_update: Some((first[0].updated_secs(), first[0].story)),
            ..StoryFilter::default()
        })
        .expect("list");
    assert_eq!(
        next.iter().map(|s| s.story).collect::<Vec<_>>(),
        vec![b.story]
    );
}

#[test]
fn stories_behind_the_horizon_close_though_the_clock_stands_still() {
    // A recent article sets the clock; then an archive from weeks before arrives (as a
    // server fed out of order receives it). The clock does not move, yet the memory must not
    // keep every old story open: a sweep is due every 1,024 articles placed.
    let mut articles = vec![Article {
        published: Some(
            chrono::DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z").expect("date"),
        ),
        ..Article::new(
            "recent",
            "A ferry service to the islands resumed on Monday.",
        )
    }];
    articles.extend(generated(1_100, 11));
    let undated = articles.iter().filter(|a| a.published.is_none()).count() as u64;
    let index = |batch: usize| {
        let ix = StoryIndex::builder()
            .window(Some(3 * 86_400))
            .in_memory()
            .expect("index");
        let placements: Vec<_> = articles
            .chunks(batch)
            .flat_map(|c| ix.insert_batch(c.to_vec()).expect("insert"))
            .collect();
        (ix, placements)
    };
    let (one, by_one) = index(1);
    let stats = one.stats().expect("stats");
    assert_eq!(stats.articles, articles.len() as u64);
    // Without the sweeps by count every story would still be open (1,101 articles). Those
    // that stay are the stories with an undated member (it takes the clock's time, so the
    // story's last article is recent) and those placed after the last sweep (at most
    // 1,100 - 1,024 articles).
    assert!(
        stats.open_articles < stats.articles / 2,
        "{} of {} articles open, {undated} undated",
        stats.open_articles,
        stats.articles
    );
    for size in [100, 1_000] {
        let (_, batched) = index(size);
        assert_eq!(batched, by_one, "batch size {size}");
    }
}
