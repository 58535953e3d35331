//! Helpers shared by the CLI integration tests.
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
