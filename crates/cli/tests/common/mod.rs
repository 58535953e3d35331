//! Helpers shared by the CLI integration tests (and by `storyfold-train`'s, which include this
//! file).
#![allow(dead_code)] // each test binary uses its own subset

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file of the bundled example corpus.
pub fn example(name: &str) -> PathBuf {
    repo().join("examples").join(name)
}

/// The `storyfold` binary under test.
pub fn storyfold() -> Command {
    Command::cargo_bin("storyfold").expect("binary built")
}

/// Parse JSONL output, skipping blank lines.
pub fn json_lines(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}

/// Write `bytes` to `dir/name` and return the path.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Three labelled pairs in MRPC's layout, with a BOM, `\r\n` line ends and quotes (lines 2-4:
/// a paraphrase, not one, identical sentences).
pub const MRPC: &[u8] = b"\xEF\xBB\xBFQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\r\n\
1\t101\t102\tThe company said its quarterly profit rose 12 percent to $1.2 billion.\tQuarterly profit at the company rose 12 percent to $1.2 billion, it said.\r\n\
0\t201\t202\tStocks fell sharply on Monday as oil prices climbed.\tHeavy snow closed schools across the northern provinces.\r\n\
1\t301\t302\t\"We will appeal,\" the lawyer said.\t\"We will appeal,\" the lawyer said.\r\n";

/// The all-MiniLM-L6-v2 folder for the encoder tests: `$STORYFOLD_ENCODER`, else
/// `models/all-minilm-l6-v2` in the repository (`scripts/fetch_encoder.sh`); `None` (the test
/// prints why and passes) when absent.
pub fn encoder_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("STORYFOLD_ENCODER")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("models/all-minilm-l6-v2"));
    if dir.join("model.safetensors").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: no encoder model at {} (run scripts/fetch_encoder.sh or set STORYFOLD_ENCODER)",
            dir.display()
        );
        None
    }
}

/// Assert that a finished command succeeded, showing its standard error when not.
#[allow(dead_code)] // not every test file uses it
#[track_caller]
pub fn assert_ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
