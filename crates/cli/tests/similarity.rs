//! Integration tests of `storyfold similarity` (scoring pairs with the shipped models) on small
//! hand-written TSV files; fitting, training and cross-validation are `storyfold-train`'s
//! (`crates/train/tests`).

mod common;

use common::{encoder_dir, json_lines, storyfold, write, MRPC};
use std::path::Path;

use predicates::prelude::*;

/// `storyfold similarity FLAGS --pairs FILE`.
fn similarity(flags: &[&str], pairs: &Path) -> assert_cmd::Command {
    let mut cmd = storyfold();
    cmd.arg("similarity").args(flags).arg("--pairs").arg(pairs);
    cmd
}

#[test]
fn mrpc_layout_with_bom_crlf_and_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "mrpc.txt", MRPC);
    let out = similarity(&[], &file)
        .assert()
        .success()
        .stderr(predicate::str::contains("3 pairs: accuracy 1.0000"))
        .get_output()
        .stdout
        .clone();
    let rows = json_lines(&out);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["line"], 2);
    assert_eq!(rows[0]["id1"], "101");
    assert_eq!(rows[0]["id2"], "102");
    assert_eq!(rows[0]["paraphrase"], true);
    assert_eq!(rows[1]["line"], 3);
    assert_eq!(rows[1]["paraphrase"], false);
    let s0 = rows[0]["score"].as_f64().unwrap();
    let s1 = rows[1]["score"].as_f64().unwrap();
    let s2 = rows[2]["score"].as_f64().unwrap();
    assert!(s1 < 0.1 && s0 > 0.5 && s2 > 0.95, "{s0} {s1} {s2}");
    assert!(s2 <= 1.0);
}

#[test]
fn two_column_layout_has_null_ids() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "pairs.tsv",
        b"The minister resigned on Friday.\tThe minister resigned on Friday.\n\
          \n\
          The minister resigned on Friday.\tThe minister resigned on Sunday after 12 years.\n",
    );
    let out = similarity(&[], &file)
        .assert()
        .success()
        .stderr(predicate::str::contains("accuracy").not())
        .get_output()
        .stdout
        .clone();
    let rows = json_lines(&out);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["line"], 1);
    assert_eq!(rows[1]["line"], 3);
    assert!(rows[0]["id1"].is_null() && rows[0]["id2"].is_null());
    assert!(rows[0]["score"].as_f64().unwrap() > rows[1]["score"].as_f64().unwrap());
}

#[test]
fn unparseable_line_is_an_error_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "bad.tsv",
        b"a b c\ta b c\nno tab on this line\nx y\tx z\n",
    );
    similarity(&[], &file)
        .assert()
        .failure()
        .stderr(predicate::str::contains("bad.tsv:2:"))
        .stderr(predicate::str::contains("--skip-invalid"));

    let mrpc = write(
        dir.path(),
        "bad_mrpc.txt",
        b"Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\ta\tb\nyes\t3\t4\tc\td\n",
    );
    similarity(&[], &mrpc)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "bad_mrpc.txt:3: Quality must be 0 or 1",
        ));
}

#[test]
fn skip_invalid_skips_counts_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "bad.tsv",
        b"a b c\ta b c\nno tab on this line\nx y\tx z\ttoo\tmany\n\xFF\xFE\tbad utf8\nd e\td e\n",
    );
    let out = similarity(&["--skip-invalid"], &file)
        .assert()
        .success()
        .stderr(predicate::str::contains("skipped 3 invalid pair line(s)"))
        .stderr(predicate::str::contains("bad.tsv:2:"))
        .stderr(predicate::str::contains("bad.tsv:4: invalid UTF-8"))
        .get_output()
        .stdout
        .clone();
    let lines: Vec<u64> = json_lines(&out)
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 5]);
}

#[test]
fn a_missing_encoder_folder_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "mrpc.txt", MRPC);
    let missing = dir.path().join("no-model");
    similarity(&["--encoder", missing.to_str().unwrap()], &file)
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot load the encoder from"))
        .stderr(predicate::str::contains("no-model"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn encoder_scores_and_decides_paraphrases() {
    let Some(model) = encoder_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "mrpc.txt", MRPC);
    let out = similarity(&["--encoder", model.to_str().unwrap()], &file)
        .assert()
        .success()
        .stderr(predicate::str::contains("3 pairs: accuracy 1.0000"))
        .stderr(predicate::str::contains("encoded 6 sentences"))
        .get_output()
        .stdout
        .clone();
    let rows = json_lines(&out);
    let s: Vec<f64> = rows.iter().map(|r| r["score"].as_f64().unwrap()).collect();
    assert!(s[1] < 0.2 && s[0] > 0.6 && s[2] > 0.9, "{s:?}");
}

#[test]
fn a_missing_cross_encoder_folder_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "mrpc.txt", MRPC);
    let missing = dir.path().join("no-cross");
    similarity(&["--cross", missing.to_str().unwrap()], &file)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "cannot load the cross-encoder from",
        ))
        .stderr(predicate::str::contains("no-cross"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn an_idf_table_replaces_the_built_in_one_and_a_broken_one_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = write(
        dir.path(),
        "p.tsv",
        b"the cat sat\tthe cat ran\nthe dog\tthe cat\n",
    );
    let score_with = |extra: &[&str]| {
        let out = similarity(extra, &pairs)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        json_lines(&out)
            .iter()
            .map(|r| r["score"].as_f64().unwrap())
            .collect::<Vec<f64>>()
    };
    // A table in which "cat" is in every document: sharing it says little.
    let table = write(
        dir.path(),
        "idf.tsv",
        b"#documents\t1000\nthe\t1000\ncat\t1000\nsat\t2\nran\t2\ndog\t2\n",
    );
    let builtin = score_with(&[]);
    let custom = score_with(&["--idf", table.to_str().unwrap()]);
    assert_eq!(builtin.len(), 2);
    assert_ne!(builtin, custom, "the table is used");
    let broken = write(dir.path(), "bad.tsv", b"#documents\t3\nno-count\n");
    similarity(&["--idf", broken.to_str().unwrap()], &pairs)
        .assert()
        .failure()
        .stderr(predicate::str::contains("bad.tsv"))
        .stderr(predicate::str::contains("IDF table line 2"));
}

/// Scores of `storyfold similarity --cross DIR...` (and more flags) on [`MRPC`], with the
/// summary it prints.
#[cfg(feature = "encoder")]
fn cross_scores(file: &Path, dirs: &[&Path], extra: &[&str]) -> (Vec<f64>, Vec<bool>, String) {
    let mut args = vec!["--cross"];
    args.extend(dirs.iter().map(|d| d.to_str().unwrap()));
    args.extend(extra);
    let out = similarity(&args, file)
        .assert()
        .success()
        .get_output()
        .clone();
    let rows = json_lines(&out.stdout);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["id1"], "101");
    let scores = rows.iter().map(|r| r["score"].as_f64().unwrap()).collect();
    let decided = rows
        .iter()
        .map(|r| r["paraphrase"].as_bool().unwrap())
        .collect();
    (scores, decided, String::from_utf8(out.stderr).unwrap())
}

#[cfg(feature = "encoder")]
#[test]
fn cross_encoder_folders_score_both_ways_average_as_an_ensemble_and_blend() {
    use storyfold::align::similarity::encoder::testing::{tiny_cross_model, tiny_model};
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "mrpc.txt", MRPC);
    // Two tiny trained cross-encoders (opposite heads) with their own thresholds.
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    std::fs::create_dir_all(&one).unwrap();
    std::fs::create_dir_all(&two).unwrap();
    tiny_cross_model(&one, 0.45, 0.4);
    tiny_cross_model(&two, 0.55, -0.4);
    let (a, decided, stderr) = cross_scores(&file, &[&one], &[]);
    assert!(
        stderr.contains("scored 3 pairs with the cross-encoder (both ways round)"),
        "{stderr}"
    );
    assert!(stderr.contains("3 pairs: accuracy"), "{stderr}");
    assert!(stderr.contains("(threshold 0.45)"), "{stderr}");
    for (s, d) in a.iter().zip(&decided) {
        assert!((0.0..=1.0).contains(s));
        assert_eq!(*d, *s >= 0.45, "{s}");
    }
    let (b, _, _) = cross_scores(&file, &[&two], &[]);
    assert_ne!(a, b);
    // An ensemble averages the members' scores and their thresholds.
    let (both, decided, stderr) = cross_scores(&file, &[&one, &two], &[]);
    assert!(
        stderr.contains("an ensemble of 2 cross-encoders"),
        "{stderr}"
    );
    assert!(stderr.contains("(threshold 0.5)"), "{stderr}");
    for ((m, d), (x, y)) in both.iter().zip(&decided).zip(a.iter().zip(&b)) {
        // Scores are written to 4 decimals.
        assert!(
            (m - (x + y) / 2.0).abs() < 1.5e-4,
            "{m} is not the mean of {x} and {y}"
        );
        assert_eq!(*d, *m >= 0.5);
    }
    // With the encoder: the blend of the two models, decided at its threshold.
    if let Some(model) = encoder_dir() {
        let (blended, decided, _) =
            cross_scores(&file, &[&one], &["--encoder", model.to_str().unwrap()]);
        for ((s, d), c) in blended.iter().zip(&decided).zip(&a) {
            assert_eq!(
                *d,
                *s >= storyfold::align::similarity::BLENDED_PARAPHRASE_THRESHOLD
            );
            assert_ne!(s, c, "the blend is not the cross-encoder alone");
        }
    }
    // A base model (no classifier head) is not a cross-encoder.
    let base = dir.path().join("base");
    std::fs::create_dir_all(&base).unwrap();
    tiny_model(&base, None);
    similarity(&["--cross", base.to_str().unwrap()], &file)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "cannot load the cross-encoder from",
        ))
        .stderr(predicate::str::contains("no classifier head"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn fitting_and_evaluation_flags_belong_to_storyfold_train() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "mrpc.txt", MRPC);
    for flag in ["--cv", "--fit", "--sts", "--build-idf", "--cross-train"] {
        similarity(&[flag, "2"], &file)
            .assert()
            .failure()
            .stderr(predicate::str::contains("unexpected argument"));
    }
    storyfold()
        .args(["train-cross", "--pairs"])
        .arg(&file)
        .assert()
        .failure()
        .stderr(predicate::str::contains("unrecognized subcommand"));
}
