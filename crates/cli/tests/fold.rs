//! Integration tests of `storyfold fold` on the bundled example corpus.

mod common;

use common::{assert_ok, example, json_lines, storyfold};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

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

/// `examples/one-event`: five articles on one event (a wire report, its rewrite, an
/// independent report with a conflicting figure, a next-day follow-up, a brief) folded alone
/// are one story; with the input's own counts only (`--background-weight 0`) the words they
/// all share weigh nothing and the set falls apart.
#[test]
fn fold_keeps_a_single_event_set_together() {
    let dir = tempfile::tempdir().expect("tempdir");
    let assignments = dir.path().join("a.tsv");
    let run = |weight: Option<&str>| {
        let mut cmd = storyfold();
        cmd.arg("fold")
            .arg(example("one-event/articles.jsonl"))
            .arg("--assignments")
            .arg(&assignments);
        if let Some(w) = weight {
            cmd.args(["--background-weight", w]);
        }
        let out = cmd.output().expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = std::fs::read_to_string(&assignments).expect("assignments written");
        assert_eq!(got.lines().count(), 5);
        partition(&got)
    };
    let together = run(None);
    assert_eq!(together.len(), 1, "{together:?}");
    assert_eq!(together.iter().next().map(Vec::len), Some(5));
    assert!(run(Some("0")).len() > 1);
    // A negative weight is refused.
    let out = storyfold()
        .arg("fold")
        .arg(example("one-event/articles.jsonl"))
        .args(["--background-weight", "-1"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
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

/// The stories `fold --output -` writes for `input` with the extra arguments `args`.
fn fold_json(args: &[&str], input: &std::path::Path) -> Vec<Value> {
    let out = storyfold()
        .args(["fold", "--output", "-"])
        .args(args)
        .arg(input)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_lines(&out.stdout)
}

/// The stories of the example corpus, and each member by id (story index, member JSON).
fn example_stories() -> (Vec<Value>, HashMap<String, (usize, Value)>) {
    let stories = fold_json(&[], &example("news.jsonl"));
    let mut by_id = HashMap::new();
    for (n, s) in stories.iter().enumerate() {
        for m in s["members"].as_array().expect("members") {
            by_id.insert(m["id"].as_str().expect("id").to_string(), (n, m.clone()));
        }
    }
    (stories, by_id)
}

#[test]
fn fold_reports_origins_and_derivation_of_the_example_families() {
    let (stories, m) = example_stories();
    // Every family's agency original is its origin; copies derive from it.
    for (origin, copies) in [
        ("wire-001", &["wire-002", "wire-003", "wire-005"][..]),
        ("wire-006", &["wire-008", "wire-010"][..]),
        ("wire-011", &["wire-012"][..]),
        ("wire-018", &["wire-019", "wire-022"][..]),
        ("wire-024", &["wire-025", "wire-029"][..]),
        ("wire-026", &["wire-028"][..]),
        ("wire-032", &["wire-033"][..]),
        ("wire-036", &["wire-037", "wire-038", "wire-040"][..]),
        ("wire-041", &["wire-042", "wire-044"][..]),
    ] {
        let (n, o) = &m[origin];
        assert_eq!(stories[*n]["origin"], origin);
        assert_eq!(o["relation"], "origin");
        assert!(o["derived_from"].is_null());
        assert!(o["similarity"].is_null());
        for c in copies {
            let (cn, cm) = &m[*c];
            assert_eq!(cn, n, "{c}");
            assert_eq!(cm["family"], o["family"], "{c}");
            let rel = cm["relation"].as_str().expect("relation");
            assert!(rel == "exact" || rel == "near_duplicate", "{c}: {rel}");
            // Copies of copies may derive from another copy; all lead to the origin.
            let mut x = cm["derived_from"].as_str().expect("derived").to_string();
            for _ in 0..5 {
                if x == origin {
                    break;
                }
                x = m[&x].1["derived_from"]
                    .as_str()
                    .expect("derived")
                    .to_string();
            }
            assert_eq!(x, origin, "{c}");
            assert!(cm["similarity"].as_f64().expect("similarity") >= 0.8);
        }
    }
    let wire005 = &m["wire-005"].1;
    assert_eq!(wire005["relation"], "exact");
    assert_eq!(wire005["derived_from"], "wire-001");
    // The storm wire story is stamped 08:00; its copies are dated only by the day.
    let storm = &stories[m["wire-036"].0];
    assert_eq!(storm["first_published"], "2026-11-23T08:00:00+00:00");
    assert_eq!(storm["title"], "Storm warning issued for entire coast");
    let bridge = &stories[m["wire-001"].0];
    let shared = bridge["shared_sentences"].as_array().expect("shared");
    assert!(!shared.is_empty());
    assert!(shared
        .iter()
        .all(|s| s["id"] == "wire-001" && s["versions"].as_u64() >= Some(3)));
    assert!(shared[0]["text"]
        .as_str()
        .expect("text")
        .contains("Alder Street Bridge"));
    // Invariants of every story.
    for s in &stories {
        let members = s["members"].as_array().expect("members");
        let ids: BTreeSet<&str> = members.iter().map(|x| x["id"].as_str().unwrap()).collect();
        assert!(ids.contains(s["origin"].as_str().expect("origin")));
        let count: u64 = s["relations"]
            .as_object()
            .expect("relations")
            .values()
            .map(|v| v.as_u64().expect("count"))
            .sum();
        assert_eq!(count as usize, members.len());
        for x in members {
            let rel = x["relation"].as_str().expect("relation");
            match x["derived_from"].as_str() {
                Some(d) => {
                    assert!(ids.contains(d));
                    assert!(
                        ["exact", "near_duplicate", "rewrite"].contains(&rel),
                        "{rel}"
                    );
                }
                None => assert!(rel == "origin" || rel == "same_story", "{rel}"),
            }
            assert_eq!(x["similarity"].is_null(), x["id"] == s["origin"]);
            assert!(x["adds"].as_array().expect("adds").len() <= 10);
            assert!(x["added"].as_u64().is_some());
        }
        for d in s["disagreements"].as_array().expect("disagreements") {
            assert!(ids.contains(d["a"].as_str().expect("a")));
            assert!(ids.contains(d["b"].as_str().expect("b")));
            for k in ["a_sentence", "b_sentence", "a_value", "b_value", "kind"] {
                assert!(d[k].is_string(), "{k}");
            }
        }
    }
}

#[test]
fn fold_summary_names_origins_and_relation_counts() {
    let out = storyfold()
        .arg("fold")
        .arg(example("news.jsonl"))
        .output()
        .expect("runs");
    assert!(out.status.success());
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("origin wire-001; 3 exact"), "{summary}");
    assert!(summary.contains("origin wire-036;"), "{summary}");
}

#[test]
fn fold_derives_the_example_rewrites() {
    let (_, m) = example_stories();
    for (rewrite, original) in [
        ("wire-004", "wire-001"),
        ("wire-013", "wire-011"),
        ("wire-027", "wire-024"),
        ("wire-043", "wire-041"),
    ] {
        let x = &m[rewrite].1;
        assert_eq!(x["relation"], "rewrite", "{rewrite}");
        assert_eq!(x["derived_from"], original, "{rewrite}");
        let sim = x["similarity"].as_f64().expect("similarity");
        assert!(
            sim > 0.2,
            "{rewrite}: a rewrite by provenance scores its content overlap: {x}"
        );
    }
    for report in ["wire-007", "wire-015", "wire-020", "wire-039"] {
        let x = &m[report].1;
        assert_eq!(x["relation"], "same_story", "{report}");
        assert!(x["derived_from"].is_null(), "{report}");
    }
}

#[test]
fn fold_reports_every_disagreement_of_the_example_reports() {
    let (stories, m) = example_stories();
    for (report, values) in [
        ("wire-007", ("85 percent", "more than half")),
        ("wire-015", ("about 60", "nearly 80")),
        ("wire-020", ("about 400", "nearly 600")),
        ("wire-039", ("around 90", "up to 110")),
    ] {
        let (n, x) = &m[report];
        assert_eq!(x["relation"], "same_story", "{report}");
        assert!(x["derived_from"].is_null());
        let found = stories[*n]["disagreements"]
            .as_array()
            .expect("disagreements")
            .iter()
            .any(|d| {
                let (a, b) = (
                    d["a_value"].as_str().unwrap(),
                    d["b_value"].as_str().unwrap(),
                );
                let pair = [a.to_lowercase(), b.to_lowercase()];
                pair.iter().any(|v| v.contains(values.0))
                    && pair.iter().any(|v| v.contains(values.1))
            });
        assert!(found, "{report}: {}", stories[*n]["disagreements"]);
    }
}

/// Disagreements of the example corpus's story of `member` as (a_value, b_value, via).
fn frame_run(args: &[&str], member: &str) -> Vec<(String, String, String)> {
    let stories = fold_json(args, &example("news.jsonl"));
    let story = stories
        .iter()
        .find(|s| {
            s["members"]
                .as_array()
                .is_some_and(|m| m.iter().any(|x| x["id"] == member))
        })
        .expect("story");
    story["disagreements"]
        .as_array()
        .expect("disagreements")
        .iter()
        .filter(|d| d["b"] == member || d["a"] == member)
        .map(|d| {
            let s = |k: &str| d[k].as_str().expect(k).to_string();
            (s("a_value"), s("b_value"), s("via"))
        })
        .collect()
}

#[test]
fn fold_reports_disagreeing_gusts_of_unaligned_sentences_without_a_model() {
    // "wind gusts of up to 110 kilometers per hour" / "Gusts of around 90 kilometers per hour":
    // the same unit and the same measured thing, in sentences that are not aligned.
    for args in [&[][..], &["--frames"][..]] {
        let found = frame_run(args, "wire-039");
        assert!(
            found
                .iter()
                .any(|(a, b, via)| a == "up to 110" && b == "around 90" && via != "aligned"),
            "{args:?}: {found:?}"
        );
    }
}

#[test]
fn default_output_keeps_only_confident_disagreements() {
    let all = |stories: &[Value]| -> Vec<Value> {
        stories
            .iter()
            .flat_map(|s| {
                s["disagreements"]
                    .as_array()
                    .expect("disagreements")
                    .clone()
            })
            .collect()
    };
    let shown = all(&fold_json(&[], &example("news.jsonl")));
    let every = all(&fold_json(&["--frames"], &example("news.jsonl")));
    for d in &shown {
        let c = d["confidence"].as_f64().expect("confidence");
        assert!(c >= 0.7, "below the default cut: {d}");
        assert!(every.contains(d), "{d}");
    }
    // Showing all adds the less confident ones, never fewer.
    assert!(every.len() >= shown.len());
    assert!(every.iter().all(|d| d["confidence"]
        .as_f64()
        .is_some_and(|c| (0.0..=1.0).contains(&c))));
}

#[test]
fn fold_derivation_depth_is_a_setting() {
    // Two later versions share a sentence the first one lacks: aligning every pair finds it
    // shared by two of the three versions; comparing each member with the story origin only
    // (`--derive-all-pairs-max 1 --derive-candidates 0`) does not see it.
    let base = "The Kessler Dam on the Oru River will be drained for repairs starting on Monday, the regional water board said. \
Engineers found a leak in the northern spillway during an inspection last week. \
The board expects the work to cost 3.1 million dollars and to last about five months. \
Farmers downstream will receive water from the Lindqvist reservoir while the dam is empty.";
    let extra = "Local councillors in Oru said they would press the board for a faster timetable.";
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("dam.jsonl");
    let lines: Vec<String> = [
        ("a", base.to_string(), "2026-03-02T08:00:00Z"),
        ("b", format!("{base} {extra}"), "2026-03-02T09:00:00Z"),
        ("c", format!("{extra} {base}"), "2026-03-02T10:00:00Z"),
    ]
    .iter()
    .map(|(id, text, t)| serde_json::json!({"id": id, "text": text, "published": t}).to_string())
    .collect();
    std::fs::write(&input, lines.join("\n") + "\n").expect("write");
    let run = |extra_args: &[&str]| -> Value {
        let stories = fold_json(extra_args, &input);
        assert_eq!(stories.len(), 1, "one story: {stories:?}");
        stories[0].clone()
    };
    let shared = |story: &Value| -> Vec<String> {
        story["shared_sentences"]
            .as_array()
            .expect("shared")
            .iter()
            .map(|s| s["text"].as_str().expect("text").to_string())
            .collect()
    };
    let full = run(&[]);
    let shallow = run(&["--derive-all-pairs-max", "1", "--derive-candidates", "0"]);
    assert!(
        shared(&full).iter().any(|t| t == extra),
        "{:?}",
        shared(&full)
    );
    assert!(
        !shared(&shallow).iter().any(|t| t == extra),
        "{:?}",
        shared(&shallow)
    );
    assert_eq!(full["size"], 3);
    assert_eq!(shallow["origin"], "a");
    let bad = storyfold()
        .args(["fold", "--derive-candidates", "x"])
        .arg(&input)
        .output()
        .expect("runs");
    assert!(!bad.status.success());
}

/// A report and a longer version that keeps all of it and adds as much again: not a copy
/// (shingle Jaccard about 0.5), a rewrite whose alignment score is 1 (all of A is in B).
fn report_and_extension(dir: &std::path::Path) -> std::path::PathBuf {
    let a = "The city council of Millbrook voted on Tuesday to close the old river bridge for \
             repairs. The bridge carries about twelve thousand cars a day between the two halves \
             of the town. Engineers found cracks in two of its steel supports during an \
             inspection in March. The repairs are expected to take eight months and cost 4.2 \
             million dollars.";
    let b = format!(
        "{a} Detours will send traffic over the Elm Street crossing, three miles to the north. \
         Shop owners near the bridge said they feared losing customers during the closure. \
         The council promised a free shuttle bus for commuters on weekday mornings. A public \
         meeting on the detour plan will be held at the library next Thursday evening."
    );
    let lines = [
        serde_json::json!({"id": "report", "text": a, "published": "2026-03-03T08:00:00Z", "source": "Wire"}),
        serde_json::json!({"id": "longer", "text": b, "published": "2026-03-03T10:00:00Z", "source": "Daily"}),
    ];
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    common::write(dir, "pair.jsonl", body.as_bytes())
}

/// Relations are consistent in `fold`, `compare` and the live index: a similarity of 1.0 is
/// `exact` and nothing else, and a `same_story` member derives from nothing.
#[test]
fn relations_and_similarities_are_consistent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = report_and_extension(dir.path());
    let check = |members: &[Value]| {
        for m in members {
            let relation = m["relation"].as_str().unwrap_or("");
            if relation == "same_story" {
                assert!(m["derived_from"].is_null(), "{m}");
            }
            if let Some(s) = m["similarity"].as_f64() {
                assert_eq!(s >= 1.0, relation == "exact", "{m}");
            }
        }
    };

    let out = storyfold()
        .arg("fold")
        .arg(&input)
        .args(["-o", "-"])
        .output()
        .expect("runs");
    assert_ok(&out);
    let stories = json_lines(&out.stdout);
    assert_eq!(stories.len(), 1, "one story");
    let members: Vec<Value> = stories[0]["members"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    check(&members);
    let longer = members
        .iter()
        .find(|m| m["id"] == "longer")
        .expect("member");
    assert_eq!(longer["relation"], "rewrite", "{longer}");
    assert_eq!(longer["similarity"], 0.9999, "{longer}");
    // And on the example corpus, where two near duplicates scored 1.0 before.
    let out = storyfold()
        .arg("fold")
        .arg(example("news.jsonl"))
        .args(["-o", "-"])
        .output()
        .expect("runs");
    let all: Vec<Value> = json_lines(&out.stdout)
        .iter()
        .flat_map(|s| s["members"].as_array().cloned().unwrap_or_default())
        .collect();
    assert_eq!(all.len(), 45);
    check(&all);

    let out = storyfold()
        .args(["compare", "--json", "--corpus"])
        .arg(&input)
        .args(["report", "longer"])
        .output()
        .expect("runs");
    assert_ok(&out);
    let v = json_lines(&out.stdout).remove(0);
    assert_eq!(v["relation"], "rewrite", "{v}");
    assert_eq!(v["score"], 0.9999, "{v}");

    let db = dir.path().join("index.db");
    let out = storyfold()
        .args(["add", "--db"])
        .arg(&db)
        .arg(&input)
        .output()
        .expect("runs");
    assert_ok(&out);
    let placements = json_lines(&out.stdout);
    check(&placements);
    let longer = placements
        .iter()
        .find(|p| p["id"] == "longer")
        .expect("placed");
    assert_eq!(longer["relation"], "rewrite", "{longer}");
    assert_eq!(longer["similarity"], 0.9999, "{longer}");
}
