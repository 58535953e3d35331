//! `storyfold serve` as a process: the flags it refuses, and that SIGTERM after a write exits
//! 0 with the write in the file (the API itself is tested in crates/server/tests/api.rs, the
//! page in tests/browser/).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Stdio;

use common::{example, storyfold};

#[test]
fn a_public_address_without_a_token_or_an_empty_token_is_refused_before_the_index_is_made() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("x.db");
    let out = storyfold()
        .args(["serve", "--listen", "0.0.0.0:0", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--token-file"), "{err}");
    assert!(
        !db.exists(),
        "no index is created for a refused configuration"
    );
    let token = dir.path().join("token");
    std::fs::write(&token, " \n").expect("write");
    let out = storyfold()
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(&db)
        .arg("--token-file")
        .arg(&token)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty"));
}

/// One HTTP/1.1 request with `Connection: close`; the status line and the body.
fn request(addr: &str, head: &str, body: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "{head} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-ndjson\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .expect("write head");
    s.write_all(body).expect("write body");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    out
}

#[cfg(unix)]
#[test]
fn sigterm_after_a_write_exits_cleanly_with_the_write_committed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("x.db");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_storyfold"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(&db)
        .env_remove("RUST_LOG")
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    stderr.read_line(&mut line).expect("first line");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    let body = std::fs::read(example("news.jsonl")).expect("corpus");
    let answer = request(&addr, "POST /v1/articles", &body);
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("wait");
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).ok();
    assert!(status.success(), "{status}: {rest}");
    assert!(rest.contains("stopped"), "{rest}");
    // The request was logged on stderr (at `info`, the default without RUST_LOG).
    assert!(
        rest.lines().any(|l| l.contains(
            "INFO request{method=POST path=/v1/articles}: answered status=201 latency_ms="
        )),
        "{rest}"
    );
    let out = storyfold()
        .args(["stats", "--json", "--db"])
        .arg(&db)
        .output()
        .expect("stats");
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(stats["articles"], 45);
}
