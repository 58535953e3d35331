//! The reliability guarantees of the `storyfold` binary (docs/reliability.md): outputs never
//! touch inputs and never appear partly, no record is lost silently, a closed pipe ends
//! quietly, a full disk or standard output is an error naming it, and nothing panics
//! (exit status 101) whatever the input or condition.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output, Stdio};
use std::time::{Duration, Instant};

use common::{example, storyfold};
use predicates::prelude::*;

/// The binary as a plain process (for redirected standard streams).
fn binary() -> StdCommand {
    StdCommand::new(env!("CARGO_BIN_EXE_storyfold"))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A copy of the example corpus in a fresh directory.
fn corpus_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.jsonl");
    fs::copy(example("news.jsonl"), &path).unwrap();
    (dir, path)
}

/// A corpus of `copies` times the example corpus, each copy with its own ids and one changed
/// word per article (so that it is larger than a pipe buffer and takes a while to fold).
fn big_corpus(dir: &Path, copies: usize) -> PathBuf {
    let path = dir.join("big.jsonl");
    let mut out = fs::File::create(&path).unwrap();
    let text = fs::read_to_string(example("news.jsonl")).unwrap();
    for k in 0..copies {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            let id = format!("{}-{k}", v["id"].as_str().unwrap());
            v["id"] = id.into();
            let body = format!("{} Copy {k}.", v["text"].as_str().unwrap());
            v["text"] = body.into();
            writeln!(out, "{v}").unwrap();
        }
    }
    path
}

/// Names in `dir` other than `keep` (temporary files left behind, partial outputs).
fn others(dir: &Path, keep: &[&str]) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

#[test]
fn keep_onto_its_input_is_refused_and_the_input_stays_intact() {
    let (dir, input) = corpus_copy();
    let before = fs::read(&input).unwrap();
    storyfold()
        .current_dir(dir.path())
        .args(["dedup", "b.jsonl", "-o", "g.jsonl", "--keep", "b.jsonl"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "--keep b.jsonl: is the input b.jsonl",
        ));
    assert_eq!(fs::read(&input).unwrap(), before);
    assert!(!dir.path().join("g.jsonl").exists(), "nothing was written");
}

#[test]
fn keep_into_an_input_directory_is_refused_and_its_files_stay_intact() {
    let dir = tempfile::tempdir().unwrap();
    let txt = dir.path().join("DIR");
    fs::create_dir(&txt).unwrap();
    for entry in fs::read_dir(example("txt")).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), txt.join(entry.file_name())).unwrap();
    }
    let snapshot = |d: &Path| {
        let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(d)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    fs::read(e.path()).unwrap_or_default(),
                )
            })
            .collect();
        files.sort();
        files
    };
    let before = snapshot(&txt);
    for keep in ["DIR", "DIR/", "./DIR", "DIR/kept"] {
        storyfold()
            .current_dir(dir.path())
            .args(["dedup", "DIR", "--keep", keep])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("input directory DIR"));
        assert_eq!(snapshot(&txt), before, "--keep {keep}");
    }
    // Beside the input, the kept copies appear (whole).
    storyfold()
        .current_dir(dir.path())
        .args(["dedup", "DIR", "--keep", "kept", "-o", "/dev/null"])
        .assert()
        .success();
    assert!(!snapshot(&dir.path().join("kept")).is_empty());
    assert_eq!(snapshot(&txt), before);
}

#[test]
fn every_output_onto_an_input_is_refused_whatever_its_spelling() {
    let (dir, input) = corpus_copy();
    let before = fs::read(&input).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("b.jsonl", dir.path().join("link.jsonl")).unwrap();
    fs::hard_link(&input, dir.path().join("hard.jsonl")).unwrap();
    let absolute = input.display().to_string();
    let mut cases: Vec<Vec<&str>> = vec![
        vec!["fold", "b.jsonl", "-o", "b.jsonl"],
        vec![
            "fold",
            "b.jsonl",
            "-o",
            "s.jsonl",
            "--assignments",
            "./b.jsonl",
        ],
        vec!["fold", "b.jsonl", "-o", "hard.jsonl"],
        vec!["pairs", "b.jsonl", "-o", "b.jsonl"],
        vec!["pairs", "b.jsonl", "--candidates", "b.jsonl"],
        vec!["dedup", "b.jsonl", "--pairs", "b.jsonl"],
        vec!["dedup", "b.jsonl", "-o", &absolute],
    ];
    if cfg!(unix) {
        cases.push(vec!["dedup", "b.jsonl", "-o", "link.jsonl"]);
    }
    for args in &cases {
        let out = storyfold()
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("outputs never overwrite inputs"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(fs::read(&input).unwrap(), before, "{args:?}");
    }
    assert_eq!(
        others(dir.path(), &["b.jsonl", "link.jsonl", "hard.jsonl"]),
        Vec::<String>::new()
    );
    // Two outputs on one file are refused too.
    storyfold()
        .current_dir(dir.path())
        .args(["dedup", "b.jsonl", "-o", "x.jsonl", "--pairs", "./x.jsonl"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("are the same file"));
}

#[test]
fn inputs_whose_records_are_all_invalid_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bad.jsonl"), "not json\n{\"id\": 1}\n").unwrap();
    storyfold()
        .current_dir(dir.path())
        .args(["dedup", "bad.jsonl", "--skip-invalid", "-o", "g.jsonl"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no valid records in bad.jsonl (2 read, all skipped)",
        ));
    assert!(!dir.path().join("g.jsonl").exists());
}

#[test]
fn standard_output_appended_to_an_input_is_refused() {
    let (dir, input) = corpus_copy();
    let before = fs::read(&input).unwrap();
    let append = fs::OpenOptions::new().append(true).open(&input).unwrap();
    let out = binary()
        .current_dir(dir.path())
        .args(["dedup", "b.jsonl"])
        .stdout(append)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("standard output is redirected to the input b.jsonl"));
    assert_eq!(fs::read(&input).unwrap(), before);
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_output_is_status_1_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let news = example("news.jsonl");
    let gold = example("expected_stories.tsv");
    let cases: Vec<Vec<String>> = vec![
        vec![
            "fold".into(),
            news.display().to_string(),
            "-o".into(),
            "x.jsonl".into(),
        ],
        vec![
            "eval".into(),
            "--gold".into(),
            gold.display().to_string(),
            "--pred".into(),
            gold.display().to_string(),
        ],
        vec!["dedup".into(), news.display().to_string()],
        vec!["pairs".into(), news.display().to_string()],
    ];
    for args in cases {
        let out = binary()
            .current_dir(dir.path())
            .args(&args)
            .stdout(fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("cannot write standard output: No space left on device"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // A full standard error loses the messages, but nothing panics.
    let out = binary()
        .current_dir(dir.path())
        .args(["fold", &news.display().to_string(), "-o", "y.jsonl"])
        .stdout(fs::File::create("/dev/full").unwrap())
        .stderr(fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_output_file_is_named_not_the_input() {
    storyfold()
        .args(["dedup"])
        .arg(example("news.jsonl"))
        .args(["-o", "/dev/null", "--keep", "/dev/full"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "cannot write /dev/full: No space left on device",
        ))
        .stderr(predicate::str::contains("news.jsonl:").not());
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_quietly_with_status_0() {
    let dir = tempfile::tempdir().unwrap();
    let big = big_corpus(dir.path(), 10);
    for args in [
        vec![
            "dedup",
            "big.jsonl",
            "--threshold",
            "1",
            "--keep",
            "-",
            "-o",
            "/dev/null",
        ],
        vec!["fold", "big.jsonl", "-o", "-"],
    ] {
        let mut child = binary()
            .current_dir(dir.path())
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        // The reading end is closed here, with most of the output still to come (`| head -1`).
        assert!(first.starts_with('{'), "{first}");
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("error"), "{}", stderr(&out));
    }
    assert!(
        fs::metadata(&big).unwrap().len() > 256 << 10,
        "larger than a pipe buffer"
    );
}

#[cfg(unix)]
#[test]
fn a_full_disk_keeps_the_previous_output_and_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    big_corpus(dir.path(), 10);
    fs::write(dir.path().join("kept.jsonl"), "previous\n").unwrap();
    // Files may grow to 64 KiB (`ulimit -f` counts KiB), far less than the kept corpus;
    // writes beyond fail as on a full disk (SIGXFSZ ignored: the error is returned).
    let script = format!(
        "ulimit -f 64; trap '' XFSZ; exec '{}' dedup big.jsonl --threshold 1 -o /dev/null --keep kept.jsonl",
        env!("CARGO_BIN_EXE_storyfold")
    );
    let out = StdCommand::new("bash")
        .current_dir(dir.path())
        .args(["-c", &script])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot write kept.jsonl: File too large"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("kept.jsonl")).unwrap(),
        "previous\n"
    );
    assert_eq!(
        others(dir.path(), &["big.jsonl", "kept.jsonl"]),
        Vec::<String>::new()
    );
}

#[cfg(unix)]
#[test]
fn a_killed_fold_leaves_the_previous_stories_intact() {
    let dir = tempfile::tempdir().unwrap();
    big_corpus(dir.path(), 20);
    let complete = {
        let out = binary()
            .current_dir(dir.path())
            .args(["fold", "big.jsonl", "-o", "full.jsonl"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        fs::read(dir.path().join("full.jsonl")).unwrap()
    };
    let stories = dir.path().join("stories.jsonl");
    // Killed once its temporary output exists (during the report pass), then at a few other
    // moments: the stories file is either the previous one or the complete new one.
    for delay_ms in [None, Some(30), Some(300), Some(1500)] {
        fs::write(&stories, "previous\n").unwrap();
        let mut child = binary()
            .current_dir(dir.path())
            .args(["fold", "big.jsonl", "-o", "stories.jsonl"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        match delay_ms {
            None => {
                while others(dir.path(), &["big.jsonl", "full.jsonl", "stories.jsonl"]).is_empty()
                    && child.try_wait().unwrap().is_none()
                    && start.elapsed() < Duration::from_secs(120)
                {
                    std::thread::sleep(Duration::from_millis(2));
                }
            }
            Some(ms) => std::thread::sleep(Duration::from_millis(ms)),
        }
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let now = fs::read(&stories).unwrap();
        assert!(
            now == b"previous\n" || now == complete,
            "after a kill at {delay_ms:?} ms the stories file is partial ({} bytes)",
            now.len()
        );
        // A temporary file may stay behind after kill -9, under its hidden name only.
        for name in others(dir.path(), &["big.jsonl", "full.jsonl", "stories.jsonl"]) {
            assert!(
                name.starts_with(".stories.jsonl.") && name.ends_with(".tmp"),
                "{name}"
            );
            fs::remove_file(dir.path().join(name)).unwrap();
        }
    }
}

#[test]
fn an_unbalanced_csv_quote_is_an_error_naming_its_line_or_a_counted_skip() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,text,published\n");
    for i in 0..1000 {
        if i == 3 {
            csv.push_str("a3,\"Article 3 says the council, in a vote, approved it,2021-01-01\n");
        } else {
            csv.push_str(&format!(
                "a{i},\"Article {i} says the council, in a vote, approved item {i}.\",2021-01-01\n"
            ));
        }
    }
    fs::write(dir.path().join("c.csv"), csv).unwrap();
    storyfold()
        .current_dir(dir.path())
        .args(["dedup", "c.csv", "-o", "/dev/null"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "c.csv:5: invalid CSV: unterminated quoted field",
        ));
    storyfold()
        .current_dir(dir.path())
        .args(["dedup", "c.csv", "-o", "/dev/null", "--skip-invalid"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "read 1000 records: 999 documents, 1 skipped",
        ));
}

#[test]
fn eval_refuses_labellings_it_cannot_judge_and_warns_on_partial_overlap() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        fs::write(&p, text).unwrap();
        p
    };
    let gold = write("gold.tsv", "a\t1\nb\t1\nc\t2\n");
    let other = write("other.tsv", "x\t1\ny\t1\nz\t2\n");
    let empty = write("empty.tsv", "");
    let partial = write("partial.tsv", "a\t1\nb\t1\nq\t3\n");
    storyfold()
        .args(["eval", "--gold"])
        .arg(&gold)
        .arg("--pred")
        .arg(&other)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("share no id"));
    storyfold()
        .args(["eval", "--gold"])
        .arg(&empty)
        .arg("--pred")
        .arg(&gold)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the gold labelling is empty"));
    storyfold()
        .args(["eval", "--gold"])
        .arg(&gold)
        .arg("--pred")
        .arg(&partial)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "1 of 3 gold ids have no prediction (each scored as a singleton) and 1 of 3 predicted ids are not in gold",
        ));
}

#[test]
fn assignment_ids_with_tabs_or_line_breaks_are_refused_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("t.jsonl"),
        "{\"id\": \"a\\tb\", \"text\": \"One article.\"}\n{\"id\": \"c\\nd\", \"text\": \"Another.\"}\n",
    )
    .unwrap();
    storyfold()
        .current_dir(dir.path())
        .args(["fold", "t.jsonl", "-o", "s.jsonl", "--assignments", "a.tsv"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("holds a tab or a line break"));
    assert_eq!(others(dir.path(), &["t.jsonl"]), Vec::<String>::new());
}

#[test]
fn invisible_only_texts_are_empty_not_copies() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("i.jsonl"),
        "{\"id\": \"a\", \"text\": \"\u{200B}\"}\n{\"id\": \"b\", \"text\": \"\u{FEFF} \u{200B}\"}\n{\"id\": \"c\", \"text\": \"Real text.\"}\n",
    )
    .unwrap();
    storyfold()
        .current_dir(dir.path())
        .args(["dedup", "i.jsonl"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("i.jsonl:1: text is empty"));
    storyfold()
        .current_dir(dir.path())
        .args(["dedup", "i.jsonl", "--skip-invalid"])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("2 empty text"));
}

#[test]
fn integer_ids_beyond_64_bits_stay_distinct() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("n.jsonl"),
        "{\"id\": 100000000000000000000001, \"text\": \"The same words in both.\"}\n\
         {\"id\": 100000000000000000000002, \"text\": \"The same words in both.\"}\n",
    )
    .unwrap();
    let out = storyfold()
        .current_dir(dir.path())
        .args(["dedup", "n.jsonl"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let groups = common::json_lines(&out);
    assert_eq!(groups[0]["representative"], "100000000000000000000001");
    assert_eq!(groups[0]["members"][0]["id"], "100000000000000000000002");
}

#[cfg(unix)]
#[test]
fn dangling_links_and_empty_inputs_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let txt = dir.path().join("t");
    fs::create_dir(&txt).unwrap();
    fs::write(txt.join("a.txt"), "A short article about a bridge.").unwrap();
    std::os::unix::fs::symlink(dir.path().join("gone.txt"), txt.join("b.txt")).unwrap();
    storyfold()
        .current_dir(dir.path())
        .args(["dedup", "t"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("b.txt: dangling symbolic link"));
    storyfold()
        .current_dir(dir.path())
        .args(["dedup", "t", "--skip-invalid"])
        .assert()
        .success()
        .stderr(predicate::str::contains("1 dangling link"));
    fs::write(dir.path().join("empty.jsonl"), "").unwrap();
    for cmd in ["dedup", "fold", "pairs"] {
        storyfold()
            .current_dir(dir.path())
            .args([cmd, "empty.jsonl"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("no records in empty.jsonl"));
    }
    // An empty input beside others is named in the summary.
    storyfold()
        .current_dir(dir.path())
        .args(["dedup", "empty.jsonl"])
        .arg(example("news.jsonl"))
        .assert()
        .success()
        .stderr(predicate::str::contains("no records in empty.jsonl"));
}

#[test]
fn utf16_input_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(example("news.jsonl")).unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    fs::write(dir.path().join("u.jsonl"), bytes).unwrap();
    storyfold()
        .current_dir(dir.path())
        .args(["dedup", "u.jsonl", "--skip-invalid"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "u.jsonl: unsupported input: the file is UTF-16LE, not UTF-8",
        ));
}

#[test]
fn threads_zero_is_refused_and_too_many_are_clamped() {
    storyfold()
        .args(["--threads", "0", "dedup"])
        .arg(example("news.jsonl"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--threads must be at least 1"));
    storyfold()
        .args(["--threads", "100000", "dedup"])
        .arg(example("news.jsonl"))
        .args(["-o", "/dev/null"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "--threads 100000 is more than 4 per available core",
        ));
}
