//! Integration tests of the `storyfold` binary on the bundled example corpus and on
//! malformed inputs.

mod common;

use common::{example, json_lines, storyfold};
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

/// Partition (as a set of sorted id sets, singletons dropped) from groups JSONL.
fn groups_partition(groups: &[Value]) -> BTreeSet<Vec<String>> {
    groups
        .iter()
        .map(|g| {
            let mut ids = vec![g["representative"].as_str().unwrap().to_string()];
            for m in g["members"].as_array().unwrap() {
                ids.push(m["id"].as_str().unwrap().to_string());
            }
            ids.sort();
            ids
        })
        .collect()
}

/// Partition from `id<TAB>label`, singletons dropped.
fn expected_partition(tsv: &Path) -> BTreeSet<Vec<String>> {
    let text = std::fs::read_to_string(tsv).unwrap();
    let mut by_label: HashMap<String, Vec<String>> = HashMap::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let (id, label) = line.split_once('\t').unwrap();
        by_label
            .entry(label.to_string())
            .or_default()
            .push(id.to_string());
    }
    by_label
        .into_values()
        .filter(|v| v.len() > 1)
        .map(|mut v| {
            v.sort();
            v
        })
        .collect()
}

#[test]
fn dedup_finds_the_groups_the_example_was_written_with() {
    let out = storyfold()
        .args(["dedup"])
        .arg(example("news.jsonl"))
        .assert()
        .success()
        .stderr(predicate::str::contains("45 documents"))
        .get_output()
        .stdout
        .clone();
    let groups = json_lines(&out);
    assert_eq!(
        groups_partition(&groups),
        expected_partition(&example("expected_dedup.tsv"))
    );
    for g in &groups {
        let size = g["size"].as_u64().unwrap() as usize;
        assert_eq!(size, g["members"].as_array().unwrap().len() + 1);
        for m in g["members"].as_array().unwrap() {
            let sim = m["similarity"].as_f64().unwrap();
            assert!(sim >= 0.8, "member below threshold: {m}");
            let relation = m["relation"].as_str().unwrap();
            assert!(relation == "exact" || relation == "near_duplicate");
            if relation == "exact" {
                assert_eq!(sim, 1.0);
            }
        }
    }
}

#[test]
fn representative_is_the_earliest_published_member() {
    let out = storyfold()
        .arg("dedup")
        .arg(example("news.jsonl"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = std::fs::read_to_string(example("news.jsonl")).unwrap();
    let published: HashMap<String, String> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|v| {
            (
                v["id"].as_str().unwrap().to_string(),
                v["published"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let date = |id: &str| {
        chrono::DateTime::parse_from_rfc3339(&published[id])
            .map(|d| d.timestamp())
            .unwrap_or_else(|_| {
                chrono::NaiveDate::parse_from_str(&published[id], "%Y-%m-%d")
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap()
                    .and_utc()
                    .timestamp()
            })
    };
    for g in json_lines(&out) {
        let rep = g["representative"].as_str().unwrap();
        for m in g["members"].as_array().unwrap() {
            assert!(date(rep) <= date(m["id"].as_str().unwrap()), "{g}");
        }
    }
}

#[test]
fn keep_writes_representatives_and_singletons_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("kept.jsonl");
    let groups = dir.path().join("groups.jsonl");
    storyfold()
        .arg("dedup")
        .arg(example("news.jsonl"))
        .arg("--output")
        .arg(&groups)
        .arg("--keep")
        .arg(&kept)
        .assert()
        .success();
    let input = std::fs::read_to_string(example("news.jsonl")).unwrap();
    let input_lines: BTreeSet<&str> = input.lines().collect();
    let kept_text = std::fs::read_to_string(&kept).unwrap();
    let removed: BTreeSet<String> = json_lines(&std::fs::read(&groups).unwrap())
        .iter()
        .flat_map(|g| {
            g["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["id"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(removed.len(), 17);
    assert_eq!(kept_text.lines().count(), 45 - removed.len());
    for line in kept_text.lines() {
        assert!(input_lines.contains(line), "kept line was changed");
        let v: Value = serde_json::from_str(line).unwrap();
        assert!(!removed.contains(v["id"].as_str().unwrap()));
    }
}

#[test]
fn pairs_lists_verified_pairs_with_scores() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = dir.path().join("pairs.jsonl");
    storyfold()
        .arg("dedup")
        .arg(example("news.jsonl"))
        .arg("--exact")
        .arg("--pairs")
        .arg(&pairs)
        .assert()
        .success();
    let pairs = json_lines(&std::fs::read(&pairs).unwrap());
    assert!(!pairs.is_empty());
    for p in pairs {
        let exact = p["exact_jaccard"]
            .as_f64()
            .expect("exact Jaccard with --exact");
        assert!(exact >= 0.8, "{p}");
        assert!(p["estimated_jaccard"].as_f64().is_some());
        assert_ne!(p["a"], p["b"]);
    }
}

#[test]
fn reads_stdin_csv_and_text_directories_together() {
    let jsonl = std::fs::read(example("news.jsonl")).unwrap();
    let out = storyfold()
        .arg("dedup")
        .arg("-")
        .arg(example("news.csv"))
        .arg(example("txt"))
        .write_stdin(jsonl)
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("60 documents"), "{stderr}");
    // alder-bridge-copy.txt is a copy of wire-001, read from another input kind.
    let partition = groups_partition(&json_lines(&out.stdout));
    assert!(
        partition
            .iter()
            .any(|g| g.contains(&"wire-001".to_string())
                && g.contains(&"alder-bridge-copy".to_string())),
        "{partition:?}"
    );
}

#[test]
fn malformed_line_is_an_error_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.jsonl");
    std::fs::write(
        &path,
        "{\"id\": \"a\", \"text\": \"one two three four five six\"}\n{not json}\n",
    )
    .unwrap();
    storyfold()
        .arg("dedup")
        .arg(&path)
        .assert()
        .failure()
        .stderr(predicate::str::contains("bad.jsonl:2"));
}

#[test]
fn skip_invalid_counts_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(
        f,
        "{{\"id\": \"a\", \"text\": \"alpha beta gamma delta epsilon\"}}"
    )
    .unwrap();
    writeln!(f, "{{broken").unwrap();
    writeln!(f, "{{\"id\": \"a\", \"text\": \"duplicate id here\"}}").unwrap();
    writeln!(f, "{{\"id\": \"c\", \"text\": \"   \"}}").unwrap();
    writeln!(
        f,
        "{{\"id\": \"d\", \"text\": \"x y z\", \"published\": \"2021-02-30\"}}"
    )
    .unwrap();
    f.write_all(b"{\"id\": \"e\", \"text\": \"bad \xff utf8\"}\n")
        .unwrap();
    writeln!(f, "{{\"id\": \"f\", \"text\": \"fine text\"}}").unwrap();
    drop(f);
    storyfold()
        .arg("dedup")
        .arg(&path)
        .arg("--skip-invalid")
        .assert()
        .success()
        .stderr(predicate::str::contains("2 documents, 5 skipped"));
}

#[test]
fn truncated_gzip_is_reported() {
    use flate2::write::GzEncoder;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.jsonl.gz");
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..200 {
        writeln!(
            enc,
            "{{\"id\": \"{i}\", \"text\": \"article number {i} with words\"}}"
        )
        .unwrap();
    }
    let bytes = enc.finish().unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    storyfold()
        .arg("dedup")
        .arg(&path)
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("cut.jsonl.gz").and(predicate::str::contains("truncated")),
        );
}

#[test]
fn explain_params_prints_banding() {
    storyfold()
        .args(["dedup", "--explain-params", "--threshold", "0.8"])
        .assert()
        .success()
        .stderr(predicate::str::contains("bands x").and(predicate::str::contains("J = 0.8")));
}

#[test]
fn vs_exact_reports_recall_and_precision() {
    let out = storyfold()
        .arg("dedup")
        .arg(example("news.jsonl"))
        .args(["--vs-exact", "100", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["documents"], 45);
    assert!(report["true_pairs"].as_u64().unwrap() > 0);
    assert_eq!(report["recall"].as_f64().unwrap(), 1.0);
    assert_eq!(report["precision"].as_f64().unwrap(), 1.0);
}

#[test]
fn eval_scores_dedup_output_against_gold() {
    let dir = tempfile::tempdir().unwrap();
    let groups = dir.path().join("groups.jsonl");
    storyfold()
        .arg("dedup")
        .arg(example("news.jsonl"))
        .arg("-o")
        .arg(&groups)
        .assert()
        .success();
    let out = storyfold()
        .arg("eval")
        .arg("--gold")
        .arg(example("expected_dedup.tsv"))
        .arg("--pred")
        .arg(&groups)
        .arg("--json")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["items"], 45);
    assert_eq!(report["bcubed"]["f1"].as_f64().unwrap(), 1.0);
    assert_eq!(report["ari"].as_f64().unwrap(), 1.0);

    // A deliberately wrong prediction scores below 1 on the same gold.
    let wrong = dir.path().join("wrong.tsv");
    std::fs::write(&wrong, "wire-001\tx\nwire-004\tx\nwire-006\ty\n").unwrap();
    let out = storyfold()
        .arg("eval")
        .arg("--gold")
        .arg(example("expected_dedup.tsv"))
        .arg("--pred")
        .arg(&wrong)
        .arg("--json")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: Value = serde_json::from_slice(&out).unwrap();
    // Gold pairs of wire-001 are lost and wire-001/wire-004 is a false pair.
    assert!(report["pairwise"]["recall"].as_f64().unwrap() < 1.0);
    assert!(report["pairwise"]["precision"].as_f64().unwrap() < 1.0);
    assert!(report["ari"].as_f64().unwrap() < 1.0);
}

#[test]
fn bad_threshold_is_rejected() {
    storyfold()
        .arg("dedup")
        .arg(example("news.jsonl"))
        .args(["--threshold", "1.5"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--threshold"));
}
