//! Integration tests of `storyfold fold` on the bundled example corpus.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

fn storyfold() -> Command {
    Command::cargo_bin("storyfold").expect("binary built")
}

/// The partition of a `id<TAB>label` file, as a set of sorted id sets.
fn partition(tsv: &str) -> BTreeSet<Vec<String>> {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in tsv.lines().filter(|l| !l.trim().is_empty()) {
        let (id, label) = line.split_once('\t').expect("two columns");
        groups
            .entry(label.to_string())
            .or_default()
            .push(id.to_string());
    }
    groups
        .into_values()
        .map(|mut v| {
            v.sort();
            v
        })
        .collect()
}

#[test]
fn fold_reproduces_the_example_story_families() {
    let dir = tempfile::tempdir().expect("tempdir");
    let assignments = dir.path().join("a.tsv");
    let out = storyfold()
        .arg("fold")
        .arg(example("news.jsonl"))
        .arg("--assignments")
        .arg(&assignments)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.starts_with("45 articles"), "{summary}");
    let got = std::fs::read_to_string(&assignments).expect("assignments written");
    assert_eq!(got.lines().count(), 45);
    let expected = std::fs::read_to_string(example("expected_stories.tsv")).expect("expected");
    assert_eq!(partition(&got), partition(&expected));
}

#[test]
fn fold_writes_story_json() {
    let out = storyfold()
        .args(["fold", "--output", "-"])
        .arg(example("news.jsonl"))
        .output()
        .expect("runs");
    assert!(out.status.success());
    let stories: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    // The summary went to stderr, so stdout holds only stories.
    assert!(String::from_utf8_lossy(&out.stderr).contains("stories"));
    let mut seen = HashMap::new();
    for (n, s) in stories.iter().enumerate() {
        assert_eq!(s["story"], n + 1);
        let members = s["members"].as_array().expect("members");
        assert_eq!(s["size"], members.len());
        for m in members {
            seen.insert(m["id"].as_str().expect("id").to_string(), n + 1);
        }
    }
    assert_eq!(seen.len(), 45);
    let bridge = &stories[seen["wire-001"] - 1];
    assert_eq!(
        bridge["title"],
        "Alder Street Bridge to stay closed for six weeks after cracks found"
    );
    assert_eq!(bridge["first_published"], "2026-11-02T09:30:00+00:00");
    assert_eq!(bridge["size"], 5);
    let first = &bridge["members"][0];
    assert_eq!(first["id"], "wire-001");
    assert_eq!(first["source"], "Coastline Wire");
    // Millbrook and Dunmore fires are the same kind of event but different incidents.
    assert_ne!(seen["wire-011"], seen["wire-032"]);
}

#[test]
fn fold_rejects_bad_windows_and_reads_undated_input() {
    storyfold()
        .args(["fold", "--window", "7x"])
        .arg(example("news.jsonl"))
        .assert()
        .failure();
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("undated.jsonl");
    std::fs::write(
        &input,
        "{\"id\": \"a\", \"text\": \"Storm Kiara hit Port Hessen, cutting power to 4,000 homes.\"}\n\
         {\"id\": \"b\", \"text\": \"The city zoo welcomed a baby giraffe named Pip.\"}\n\
         {\"id\": \"c\", \"text\": \"Storm Kiara left 4,000 homes in Port Hessen without power.\"}\n",
    )
    .expect("write");
    let assignments = dir.path().join("a.tsv");
    storyfold()
        .args(["fold", "--window", "none", "--assignments"])
        .arg(&assignments)
        .arg(&input)
        .assert()
        .success();
    let got = std::fs::read_to_string(&assignments).expect("assignments");
    assert_eq!(got, "a\t1\nb\t2\nc\t1\n");
}
