//! Integration tests of `storyfold compare` on hand-written article pairs and on the example
//! corpus: the side-by-side text view, colour control and the JSON output.

mod common;

use common::{repo, storyfold};
use std::path::PathBuf;

use predicates::prelude::*;
use serde_json::Value;

fn pair(name: &str) -> PathBuf {
    repo().join("crates/storyfold/tests/data/align").join(name)
}

fn json_of(args: &[&str]) -> Value {
    let out = storyfold()
        .arg("compare")
        .arg("--json")
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert_eq!(text.lines().count(), 1, "one JSON line");
    serde_json::from_str(&text).expect("valid JSON")
}

#[test]
fn text_view_shows_edits_and_disagreements() {
    let assert = storyfold()
        .arg("compare")
        .arg(pair("base.txt"))
        .arg(pair("figure.txt"))
        .assert()
        .success();
    let out = String::from_utf8(assert.get_output().stdout.clone()).expect("UTF-8");
    assert!(
        out.contains("A: base (9 sentences)   B: figure (9 sentences)"),
        "{out}"
    );
    assert!(out.contains("relation: near_duplicate") || out.contains("relation: rewrite"));
    assert!(out.contains("~ edited"), "{out}");
    assert!(out.contains("Disagreements:"), "{out}");
    assert!(out.contains("A0 / B0  number  3,000  vs  5,000"), "{out}");
    assert!(
        out.contains("A6 / B6  percent 85 percent  vs  more than half"),
        "{out}"
    );
    // Not a terminal: no colour by default.
    assert!(!out.contains('\x1b'));
}

#[test]
fn colour_is_controlled_by_the_flag() {
    let run = |mode: &str| {
        let out = storyfold()
            .args(["compare", "--color", mode])
            .arg(pair("base.txt"))
            .arg(pair("added.txt"))
            .output()
            .expect("runs");
        assert!(out.status.success());
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let coloured = run("always");
    assert!(coloured.contains("\x1b[32m+ added"), "{coloured}");
    let plain = run("never");
    assert!(!plain.contains('\x1b'));
    assert!(plain.contains("+ added"));
}

#[test]
fn text_view_lists_added_and_dropped_sentences() {
    storyfold()
        .arg("compare")
        .arg(pair("added.txt"))
        .arg(pair("base.txt"))
        .assert()
        .success()
        .stdout(predicate::str::contains("- dropped    A1 "))
        .stdout(predicate::str::contains("Television footage"))
        .stdout(predicate::str::contains("A sentences dropped: 3"));
}

#[test]
fn json_has_the_full_alignment() {
    let j = json_of(&[
        pair("base.txt").to_str().unwrap(),
        pair("moved.txt").to_str().unwrap(),
    ]);
    assert_eq!(j["a"]["id"], "base");
    assert_eq!(j["b"]["id"], "moved");
    assert_eq!(j["a"]["sentences"].as_array().unwrap().len(), 9);
    assert_eq!(
        j["b"]["sentences"][0],
        "Mayor Linda Carter said the town had never seen water levels this high."
    );
    let matches = j["matches"].as_array().unwrap();
    assert_eq!(matches.len(), 9);
    assert_eq!(matches[0]["a"], 3);
    assert_eq!(matches[0]["kind"], "verbatim");
    assert_eq!(matches[0]["moved"], true);
    assert_eq!(j["containment_b_in_a"], 1.0);
    assert_eq!(j["containment_a_in_b"], 1.0);
    assert_eq!(j["added"].as_array().unwrap().len(), 0);
    assert_eq!(j["dropped"].as_array().unwrap().len(), 0);
    for field in [
        "relation",
        "score",
        "shingle_jaccard",
        "key_term_overlap",
        "shared_key_terms",
    ] {
        assert!(!j[field].is_null(), "{field}");
    }
}

#[test]
fn json_reports_disagreements_and_relations() {
    let j = json_of(&[
        pair("base.txt").to_str().unwrap(),
        pair("figure.txt").to_str().unwrap(),
    ]);
    let d = &j["disagreements"][1];
    assert_eq!(d["a_sentence"], 6);
    assert_eq!(d["b_sentence"], 6);
    assert_eq!(d["a_value"], "85 percent");
    assert_eq!(d["b_value"], "more than half");
    assert_eq!(d["kind"], "percent");

    let same = |other: &str| {
        json_of(&[
            pair("base.txt").to_str().unwrap(),
            pair(other).to_str().unwrap(),
        ])["relation"]
            .clone()
    };
    assert_eq!(same("base.txt"), "exact");
    assert_eq!(same("rewrite.txt"), "rewrite");
    assert_eq!(same("samestory.txt"), "same_story");
    assert_eq!(same("unrelated.txt"), "unrelated");
}

#[test]
fn corpus_ids() {
    let corpus = repo().join("examples/news.jsonl");
    let j = json_of(&["--corpus", corpus.to_str().unwrap(), "wire-001", "wire-002"]);
    assert_eq!(j["a"]["id"], "wire-001");
    assert_eq!(j["b"]["id"], "wire-002");
    assert_eq!(j["relation"], "exact");
    let j = json_of(&["--corpus", corpus.to_str().unwrap(), "wire-001", "wire-006"]);
    assert_eq!(j["relation"], "unrelated");

    storyfold()
        .args([
            "compare",
            "--corpus",
            corpus.to_str().unwrap(),
            "wire-001",
            "no-such-id",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("\"no-such-id\" not found"));
}

#[test]
fn bad_inputs_fail_cleanly() {
    let corpus = repo().join("examples/news.jsonl");
    storyfold()
        .arg("compare")
        .arg(&corpus)
        .arg(pair("base.txt"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("more than one article"));
    storyfold()
        .arg("compare")
        .arg(pair("base.txt"))
        .arg(pair("missing.txt"))
        .assert()
        .failure();
    storyfold()
        .arg("compare")
        .arg(pair("base.txt"))
        .assert()
        .failure();
}

#[test]
fn one_record_jsonl_and_invalid_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("one.jsonl");
    let text = std::fs::read_to_string(pair("figure.txt")).unwrap();
    std::fs::write(
        &jsonl,
        format!("{}\n", serde_json::json!({"id": "x1", "text": text})),
    )
    .unwrap();
    let latin1 = dir.path().join("latin1.txt");
    let mut bytes = std::fs::read(pair("base.txt")).unwrap();
    bytes.extend_from_slice(b"\nCaf\xe9 owners were evacuated too.\n");
    std::fs::write(&latin1, bytes).unwrap();
    storyfold()
        .arg("compare")
        .arg(&latin1)
        .arg(&jsonl)
        .assert()
        .failure();
    let j = json_of(&[
        "--lossy-utf8",
        latin1.to_str().unwrap(),
        jsonl.to_str().unwrap(),
    ]);
    assert_eq!(j["b"]["id"], "x1");
    assert_eq!(j["disagreements"].as_array().unwrap().len(), 2);
    assert_eq!(j["dropped"], serde_json::json!([9]));
}

#[test]
fn encoder_decides_paraphrases_when_given() {
    let dir = std::env::var_os("STORYFOLD_ENCODER")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("models/all-minilm-l6-v2"));
    if !dir.join("model.safetensors").is_file() {
        eprintln!(
            "skipped: no encoder model at {} (run scripts/fetch_encoder.sh or set STORYFOLD_ENCODER)",
            dir.display()
        );
        return;
    }
    let (a, b) = (pair("base.txt"), pair("moved.txt"));
    let args = [a.to_str().unwrap(), b.to_str().unwrap()];
    let plain = json_of(&args);
    let encoded = json_of(&[args[0], args[1], "--encoder", dir.to_str().unwrap()]);
    // Verbatim sentences stay verbatim; the alignment has the same shape.
    assert_eq!(encoded["matches"][0]["kind"], "verbatim");
    assert_eq!(encoded["relation"], plain["relation"]);
    assert_eq!(
        encoded["matches"].as_array().unwrap().len(),
        plain["matches"].as_array().unwrap().len()
    );
}

#[test]
fn a_missing_encoder_folder_is_an_error() {
    storyfold()
        .args(["compare", "--encoder", "/nonexistent/model"])
        .arg(pair("base.txt"))
        .arg(pair("moved.txt"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot load the encoder"))
        .stderr(predicate::str::contains("panicked").not());
}
