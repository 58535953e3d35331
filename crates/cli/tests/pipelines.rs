//! The library's fold pipeline called directly writes what `storyfold fold` writes: the
//! command-line tool adds nothing to the stories but flags and files.

mod common;

use common::{assert_ok, example, storyfold};
use storyfold::align::similarity::Idf;
use storyfold::ingest::{Input, ReadOptions, Reader};
use storyfold::pipeline::{self, Silent};
use storyfold::{Aligner, FoldOptions, JsonLines};

#[test]
fn the_fold_pipeline_writes_what_the_cli_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (stories, assignments) = (dir.path().join("s.jsonl"), dir.path().join("a.tsv"));
    let out = storyfold()
        .arg("fold")
        .arg(example("news.jsonl"))
        .arg("-o")
        .arg(&stories)
        .arg("--assignments")
        .arg(&assignments)
        .output()
        .expect("runs");
    assert_ok(&out);

    let reader = Reader::open(
        vec![Input::Path(example("news.jsonl"))],
        ReadOptions::default(),
    );
    let mut lines = JsonLines(Vec::new());
    let folded = pipeline::fold(
        reader,
        &FoldOptions::default(),
        &Aligner::new(Idf::builtin()),
        &mut lines,
        &Silent,
    )
    .expect("fold runs");
    assert!(!lines.0.is_empty());
    assert_eq!(lines.0, std::fs::read(&stories).expect("stories"));
    let tsv: String = folded
        .assignments
        .iter()
        .map(|(id, story)| format!("{id}\t{story}\n"))
        .collect();
    assert_eq!(tsv, std::fs::read_to_string(&assignments).expect("tsv"));
}
