//! Integration tests of the story index commands: `add`, `story`, `stories`, `stats`,
//! `events`, `rm`, `evict`, and durability under `kill -9`.

mod common;

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{assert_ok, example, json_lines, storyfold};
use serde_json::Value;

/// The example corpus split into files of the given ids (in corpus order).
fn subset(dir: &Path, name: &str, ids: &[&str]) -> PathBuf {
    let text = std::fs::read_to_string(example("news.jsonl")).expect("example corpus");
    let path = dir.join(name);
    let mut f = std::fs::File::create(&path).expect("create");
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("json");
        if ids.contains(&v["id"].as_str().unwrap_or("")) {
            writeln!(f, "{line}").expect("write");
        }
    }
    path
}

fn stats(db: &Path) -> Value {
    let out = storyfold()
        .args(["stats", "--json", "--db"])
        .arg(db)
        .output()
        .expect("runs");
    assert_ok(&out);
    json_lines(&out.stdout).remove(0)
}

fn add(db: &Path, input: &Path, extra: &[&str]) -> std::process::Output {
    storyfold()
        .arg("add")
        .arg("--db")
        .arg(db)
        .arg(input)
        .args(extra)
        .output()
        .expect("runs")
}

#[test]
fn articles_added_in_two_calls_keep_one_story_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("stories.db");
    let day1 = subset(
        dir.path(),
        "day1.jsonl",
        &["wire-041", "wire-042", "wire-009"],
    );
    let day2 = subset(
        dir.path(),
        "day2.jsonl",
        &["wire-043", "wire-044", "wire-045"],
    );

    let out = add(&db, &day1, &[]);
    assert_ok(&out);
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 3);
    for l in &lines {
        for key in [
            "id",
            "story",
            "new_story",
            "relation",
            "duplicate_of",
            "derived_from",
            "similarity",
        ] {
            assert!(l.get(key).is_some(), "{key} missing in {l}");
        }
    }
    // Lines come in input order: wire-009 (a zoo), wire-041 and wire-042 (one strike).
    let story = lines[1]["story"].as_u64().expect("story id");
    assert_eq!(lines[1]["relation"], "new_story");
    assert_ne!(lines[0]["story"].as_u64(), Some(story));
    assert_eq!(lines[2]["story"].as_u64(), Some(story), "{lines:?}");
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(summary.contains("added 3 articles"), "{summary}");
    assert!(summary.contains("2 new stories"), "{summary}");

    let out = add(&db, &day2, &[]);
    assert_ok(&out);
    let lines = json_lines(&out.stdout);
    let by_id = |id: &str| lines.iter().find(|l| l["id"] == id).expect("line").clone();
    assert_eq!(by_id("wire-043")["story"].as_u64(), Some(story));
    assert_eq!(by_id("wire-044")["story"].as_u64(), Some(story));
    // wire-044 repeats wire-041 word for word.
    assert_eq!(by_id("wire-044")["relation"], "exact");
    assert_eq!(by_id("wire-044")["duplicate_of"], "wire-041");
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(summary.contains("1 updated stories"), "{summary}");
    assert!(summary.contains("1 duplicates suppressed"), "{summary}");

    let out = storyfold()
        .args(["story", "--json", "--article", "wire-042", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    assert_ok(&out);
    let report = json_lines(&out.stdout).remove(0);
    assert_eq!(report["story"].as_u64(), Some(story));
    let mut members: Vec<&str> = report["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["id"].as_str().expect("id"))
        .collect();
    members.sort();
    assert_eq!(members, ["wire-041", "wire-042", "wire-043", "wire-044"]);
    assert_eq!(report["origin"], "wire-041");

    let st = stats(&db);
    assert_eq!(st["articles"], 6);
    let stories_before = st["stories"].as_u64().expect("stories");

    let out = storyfold()
        .args(["rm", "--db"])
        .arg(&db)
        .arg("wire-041")
        .output()
        .expect("runs");
    assert_ok(&out);
    let out = storyfold()
        .args(["story", "--json", "--db"])
        .arg(&db)
        .arg(story.to_string())
        .output()
        .expect("runs");
    let report = json_lines(&out.stdout).remove(0);
    assert_eq!(report["size"], 3);
    assert!(report["members"]
        .as_array()
        .expect("members")
        .iter()
        .all(|m| m["id"] != "wire-041"));
    assert_ne!(report["origin"], "wire-041");
    let st = stats(&db);
    assert_eq!(st["articles"], 5);
    assert_eq!(st["stories"].as_u64(), Some(stories_before));

    // The readable view and the listing.
    let out = storyfold()
        .args(["story", "--db"])
        .arg(&db)
        .arg(story.to_string())
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with(&format!("story {story}: ")), "{text}");
    assert!(text.contains("wire-044"), "{text}");
    let out = storyfold()
        .args(["stories", "--json", "--min-size", "2", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    let list = json_lines(&out.stdout);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["story"].as_u64(), Some(story));
    let out = storyfold()
        .args(["events", "--json", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    let events = json_lines(&out.stdout);
    assert!(events
        .iter()
        .any(|e| e["kind"] == "created" && e["story"].as_u64() == Some(story)));
}

#[test]
fn an_id_already_indexed_is_an_error_unless_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("stories.db");
    let day1 = subset(dir.path(), "day1.jsonl", &["wire-001", "wire-002"]);
    let both = subset(
        dir.path(),
        "both.jsonl",
        &["wire-001", "wire-002", "wire-003"],
    );
    assert!(add(&db, &day1, &[]).status.success());
    let out = add(&db, &both, &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("wire-001") && err.contains("both.jsonl:1"),
        "{err}"
    );
    assert!(err.contains("--skip-existing"), "{err}");
    assert_eq!(stats(&db)["articles"], 2);
    let out = add(&db, &both, &["--skip-existing"]);
    assert_ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("added 1 articles") && err.contains("2 skipped"),
        "{err}"
    );
    assert_eq!(stats(&db)["articles"], 3);
}

#[test]
fn read_commands_refuse_missing_and_foreign_files_without_creating_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("missing.db");
    let out = storyfold()
        .args(["stats", "--db"])
        .arg(&missing)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(!missing.exists());
    let text = dir.path().join("notes.db");
    std::fs::write(&text, "not a database\n".repeat(200)).expect("write");
    for cmd in ["stats", "stories", "events"] {
        let out = storyfold()
            .args([cmd, "--db"])
            .arg(&text)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{cmd}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not a storyfold index"), "{cmd}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let out = storyfold()
        .args(["add", "--db"])
        .arg(&text)
        .arg(example("news.jsonl"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a storyfold index"));
}

#[test]
fn evict_drops_old_stories_and_rm_refuses_unknown_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("stories.db");
    let out = add(&db, &example("news.jsonl"), &["--batch", "10"]);
    assert_ok(&out);
    let before = stats(&db);
    assert_eq!(before["articles"], 45);
    let out = storyfold()
        .args(["rm", "--db"])
        .arg(&db)
        .args(["wire-001", "no-such-id"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-id"));
    assert_eq!(stats(&db)["articles"], 45, "nothing deleted");
    let out = storyfold()
        .args(["evict", "--older-than", "14d", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    assert_ok(&out);
    let after = stats(&db);
    assert!(after["articles"].as_u64() < before["articles"].as_u64());
    assert!(after["stories"].as_u64() < before["stories"].as_u64());
    // The bridge (early November) is gone, the mayor (November 30) stays.
    let out = storyfold()
        .args(["story", "--article", "wire-001", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let out = storyfold()
        .args(["story", "--article", "wire-045", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    assert!(out.status.success());
    let out = storyfold()
        .args(["events", "--json", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    assert!(json_lines(&out.stdout)
        .iter()
        .any(|e| e["kind"] == "evicted"));
}

/// News-like articles (topics with names, places and figures, several reports of each).
fn corpus(dir: &Path, n: usize) -> PathBuf {
    let places = [
        "Valdoria",
        "Port Hessen",
        "Millbrook",
        "Dunmore",
        "Kessler",
        "Orville",
    ];
    let people = [
        "Marta Quince",
        "Oskar Lindgren",
        "Ana Petrescu",
        "Tomas Brandt",
    ];
    let extras = [
        "Residents were told to stay indoors.",
        "The authorities promised an inquiry.",
        "Officials expect more details later this week.",
        "Traffic was diverted for several hours.",
    ];
    let path = dir.join("corpus.jsonl");
    let mut f = std::fs::File::create(&path).expect("create");
    let mut x = 11u64;
    let mut next = |m: u64| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (x >> 33) % m
    };
    for i in 0..n {
        let topic = i / 3;
        let p = places[topic % places.len()];
        let w = people[(topic / 3) % people.len()];
        let text = format!(
            "A fire destroyed the {} warehouse in {p} on March {}, {w} said, and {} workers were evacuated. {} {}",
            ["timber", "paper", "grain", "textile"][topic % 4],
            1 + topic % 28,
            10 + topic,
            extras[next(4) as usize],
            extras[next(4) as usize],
        );
        let v = serde_json::json!({
            "id": format!("a{i}"),
            "title": format!("Fire in {p}"),
            "text": text,
            "published": format!("2026-03-{:02}T{:02}:00:00Z", 1 + topic % 28, next(24)),
        });
        writeln!(f, "{v}").expect("write");
    }
    path
}

#[test]
fn kill_9_loses_no_committed_batch_and_resumes_to_the_full_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("stories.db");
    let n = 600;
    let batch = 10;
    let input = corpus(dir.path(), n);
    let bin = env!("CARGO_BIN_EXE_storyfold");
    let mut x = 2026u64;
    let mut interrupted = 0;
    for run in 0..5 {
        let placements = dir.path().join(format!("run{run}.jsonl"));
        let mut child = std::process::Command::new(bin)
            .arg("add")
            .arg("--db")
            .arg(&db)
            .arg(&input)
            .args(["--batch", &batch.to_string(), "--skip-existing", "-o"])
            .arg(&placements)
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        std::thread::sleep(Duration::from_millis(50 + (x >> 33) % 700));
        if child.try_wait().expect("wait").is_none() {
            interrupted += 1;
        }
        child.kill().ok(); // SIGKILL on Unix
        child.wait().expect("reaped");

        // The file opens, is sound, and holds whole batches, among them every batch whose
        // placements were written.
        let index = storyfold::StoryIndex::builder()
            .create(false)
            .open(&db)
            .expect("reopens after kill -9");
        assert_eq!(index.check().expect("check"), Vec::<String>::new());
        let st = index.stats().expect("stats");
        assert!(st.articles as usize <= n);
        assert_eq!(
            st.articles % batch as u64,
            0,
            "a batch is stored whole or not at all"
        );
        let written = std::fs::read_to_string(&placements).unwrap_or_default();
        for line in written.lines() {
            let Ok(v) = serde_json::from_str::<Value>(line) else {
                continue; // a line cut by the kill
            };
            let id = v["id"].as_str().expect("id");
            assert!(
                index.story_of(id).expect("lookup").is_some(),
                "{id} was reported placed but is missing after kill -9"
            );
        }
    }
    let out = add(
        &db,
        &input,
        &["--batch", &batch.to_string(), "--skip-existing"],
    );
    assert_ok(&out);
    let index = storyfold::StoryIndex::builder()
        .create(false)
        .open(&db)
        .expect("opens");
    assert_eq!(index.check().expect("check"), Vec::<String>::new());
    assert_eq!(index.stats().expect("stats").articles as usize, n);
    let ids: HashSet<String> = (0..n).map(|i| format!("a{i}")).collect();
    for id in &ids {
        assert!(index.story_of(id).expect("lookup").is_some(), "{id}");
    }
    eprintln!("{interrupted} of 5 runs were killed while adding");
}

#[test]
fn the_index_file_is_never_an_input_or_another_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("stories.db");
    let day1 = subset(dir.path(), "day1.jsonl", &["wire-041", "wire-042"]);
    assert!(add(&db, &day1, &[]).status.success());
    let before = std::fs::read(&db).expect("index");
    let input_before = std::fs::read(&day1).expect("input");
    let db_arg = db.to_str().expect("utf-8 path");
    // The placements written onto the index, and the index read as a corpus.
    for (input, extra) in [(&day1, vec!["-o", db_arg]), (&db, vec![])] {
        let out = add(&db, input, &extra);
        assert_eq!(out.status.code(), Some(1), "{extra:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("outputs never overwrite inputs") || err.contains("are the same file"),
            "{err}"
        );
        assert!(err.contains("nothing was read or written"), "{err}");
        assert_eq!(std::fs::read(&db).expect("index"), before);
    }
    // An index file that is the corpus being added is refused before it is created.
    let fresh = dir.path().join("day1-copy.jsonl");
    std::fs::copy(&day1, &fresh).expect("copy");
    let out = add(&fresh, &fresh, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(&fresh).expect("input"), input_before);
}

/// The lines of `examples/one-event/articles.jsonl` whose ids are given, as a file.
fn one_event(dir: &Path, name: &str, ids: &[&str]) -> PathBuf {
    let text = std::fs::read_to_string(example("one-event/articles.jsonl")).expect("example set");
    let path = dir.join(name);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| {
            let v: Value = serde_json::from_str(l).expect("json");
            ids.contains(&v["id"].as_str().unwrap_or(""))
        })
        .collect();
    assert_eq!(lines.len(), ids.len());
    std::fs::write(&path, lines.join("\n") + "\n").expect("write");
    path
}

/// Five articles on one event, added to a fresh index in two calls (nothing else in it): the
/// shipped background frequencies weigh their shared words, so they form one story, whose id
/// does not change; removing one leaves four.
#[test]
fn a_single_event_added_alone_in_two_calls_is_one_story() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("stories.db");
    let day1 = one_event(dir.path(), "d1.jsonl", &["talks-wire-1", "talks-herald-1"]);
    let day2 = one_event(
        dir.path(),
        "d2.jsonl",
        &["talks-tribune-1", "talks-wire-2", "talks-ledger-1"],
    );
    let out = add(&db, &day1, &[]);
    assert_ok(&out);
    let first = json_lines(&out.stdout);
    let story = first[0]["story"].as_u64().expect("story id");
    assert_eq!(first[1]["story"].as_u64(), Some(story), "{first:?}");
    let out = add(&db, &day2, &[]);
    assert_ok(&out);
    for l in json_lines(&out.stdout) {
        assert_eq!(l["story"].as_u64(), Some(story), "{l}");
    }
    let members = |db: &Path| -> Vec<String> {
        let out = storyfold()
            .args(["story", "--json", "--article", "talks-ledger-1", "--db"])
            .arg(db)
            .output()
            .expect("runs");
        assert_ok(&out);
        let report = json_lines(&out.stdout).remove(0);
        assert_eq!(report["story"].as_u64(), Some(story));
        let mut ids: Vec<String> = report["members"]
            .as_array()
            .expect("members")
            .iter()
            .map(|m| m["id"].as_str().expect("id").to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(members(&db).len(), 5);
    assert_eq!(stats(&db)["stories"], 1);
    // The assignment of every article, as `fold --assignments` writes it.
    let tsv = dir.path().join("a.tsv");
    let out = storyfold()
        .args(["stories", "--db"])
        .arg(&db)
        .arg("--assignments")
        .arg(&tsv)
        .output()
        .expect("runs");
    assert_ok(&out);
    let text = std::fs::read_to_string(&tsv).expect("assignments");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[0].starts_with("talks-wire-1\t"), "{text}");
    assert!(
        lines.iter().all(|l| l.ends_with(&format!("\t{story}"))),
        "{text}"
    );
    // ... never written over the index.
    let out = storyfold()
        .args(["stories", "--db"])
        .arg(&db)
        .arg("--assignments")
        .arg(&db)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stats(&db)["articles"], 5);
    let out = storyfold()
        .args(["rm", "--db"])
        .arg(&db)
        .arg("talks-herald-1")
        .output()
        .expect("runs");
    assert_ok(&out);
    assert_eq!(
        members(&db),
        [
            "talks-ledger-1",
            "talks-tribune-1",
            "talks-wire-1",
            "talks-wire-2"
        ]
    );
    assert_eq!(stats(&db)["articles"], 4);
    assert_eq!(stats(&db)["stories"], 1);
}

/// An article the index cannot hold (no words once boilerplate is stripped) is an error naming
/// its line, or with `--skip-invalid` a counted skip; the rest of its batch is stored.
#[test]
fn an_article_without_words_is_an_error_or_a_counted_skip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("stories.db");
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        concat!(
            r#"{"id": "a", "text": "The council approved the new bridge budget on Monday."}"#,
            "\n",
            r#"{"id": "b", "text": "Share this on:"}"#,
            "\n",
            r#"{"id": "c", "text": "Flooding closed the river road for a third day."}"#,
            "\n"
        ),
    )
    .expect("write");
    let out = add(&db, &input, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("in.jsonl:2") && err.contains("`b`"), "{err}");
    assert!(err.contains("--skip-invalid"), "{err}");
    let out = add(&db, &input, &["--skip-invalid"]);
    assert_ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("added 2 articles"), "{err}");
    assert!(
        err.contains("skipped 1 article(s)") && err.contains("in.jsonl:2"),
        "{err}"
    );
    let ids: Vec<String> = json_lines(&out.stdout)
        .iter()
        .map(|l| l["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(ids, ["a", "c"]);
    assert_eq!(stats(&db)["articles"], 2);
}
