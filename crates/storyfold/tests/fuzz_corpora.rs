//! Replays the committed fuzzing corpora (`fuzz/corpus/<target>/`) and every input a fuzzer
//! once failed on (`fuzz/regressions/<target>/`) through the checks of the fuzz targets, so
//! the ordinary test suite (and CI, without cargo-fuzz) holds what the fuzzers established.

#[path = "../../../fuzz/fuzz_targets/shared.rs"]
mod shared;

use std::path::Path;

use storyfold::ingest::Format;

/// Run `check` on every file of the target's corpus and regression folders; returns how many.
fn replay(target: &str, check: impl Fn(&[u8])) -> usize {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut n = 0;
    for folder in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(folder).join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("corpus entry").path();
            let data = std::fs::read(&path).expect("corpus file");
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&data)));
            assert!(outcome.is_ok(), "{target}: {} fails", path.display());
            n += 1;
        }
    }
    n
}

#[test]
fn jsonl_reader_corpus() {
    let n = replay("read_jsonl", |d| {
        shared::read_and_check(d, "fuzz.jsonl", Format::Jsonl)
    });
    assert!(n > 0, "no corpus found");
}

#[test]
fn csv_reader_corpus() {
    let n = replay("read_csv", |d| {
        shared::read_and_check(d, "fuzz.csv", Format::Csv)
    });
    assert!(n > 0, "no corpus found");
}

#[test]
fn txt_reader_corpus() {
    let n = replay("read_txt", |d| {
        shared::read_and_check(d, "dir/fuzz.txt", Format::TxtDir)
    });
    assert!(n > 0, "no corpus found");
}

#[test]
fn date_corpus() {
    assert!(
        replay("parse_date", shared::check_date) > 0,
        "no corpus found"
    );
}

#[test]
fn sentence_corpus() {
    assert!(
        replay("sentences", shared::check_sentences) > 0,
        "no corpus found"
    );
}

#[test]
fn fact_corpus() {
    assert!(replay("facts", shared::check_facts) > 0, "no corpus found");
}

#[test]
fn alignment_corpus() {
    assert!(
        replay("align", shared::check_alignment) > 0,
        "no corpus found"
    );
}
