//! Integration tests of the reading flags every corpus command shares: `--title-field`,
//! `--source-field`, `--date-field`, `--url-field`, `--date-format`, `--columns`,
//! `--no-header`, the missing-field error and the warnings on standard error.

mod common;

use common::{assert_ok, json_lines, storyfold, write};
use serde_json::Value;

/// Four headlines in the UCI News Aggregator layout (epoch milliseconds, publisher).
const UCI: &str = "ID,TITLE,URL,PUBLISHER,CATEGORY,STORY,HOSTNAME,TIMESTAMP\n\
1,Fed official says weak data caused by weather should not slow taper,http://a.example/1,Los Angeles Times,b,s1,a.example,1394470370698\n\
2,Fed's Plosser sees high bar for change in pace of tapering,http://b.example/2,Livemint,b,s1,b.example,1394470371207\n\
3,US open: Stocks fall after Fed official hints at accelerated tapering,http://c.example/3,IFA Magazine,b,s1,c.example,1394470371550\n\
4,Fed risks falling behind the curve Charles Plosser says,http://d.example/4,IFA Magazine,b,s1,d.example,1394470372027\n";

/// Three items in the AG News layout: no header row, `"class","title","description"`.
const AG: &str = "\"3\",\"Fears for T N pension after talks\",\"Unions representing workers at Turner Newall say they are disappointed after talks with stricken parent firm Federal Mogul.\"\n\
\"4\",\"The Race is On: Second Private Team Sets Launch Date\",\"A second team of rocketeers competing for the Ansari X Prize has officially announced the first launch date for its manned rocket.\"\n\
\"4\",\"Ky. Company Wins Grant to Study Peptides\",\"A company founded by a chemistry researcher at the University of Louisville won a grant to develop a method of producing better peptides.\"\n";

fn members(stories: &[Value]) -> Vec<Value> {
    stories
        .iter()
        .flat_map(|s| s["members"].as_array().cloned().unwrap_or_default())
        .collect()
}

#[test]
fn fold_reads_uci_source_and_epoch_ms_dates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(dir.path(), "uci.csv", UCI.as_bytes());
    let out = storyfold()
        .arg("fold")
        .arg(&input)
        .args([
            "--id-field",
            "ID",
            "--text-field",
            "TITLE",
            "--title-field",
            "TITLE",
        ])
        .args(["--source-field", "PUBLISHER", "--url-field", "URL"])
        .args(["--date-field", "TIMESTAMP", "--date-format", "epoch-ms"])
        .args(["-o", "-"])
        .output()
        .expect("runs");
    assert_ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("warning"), "{stderr}");
    let all = members(&json_lines(&out.stdout));
    assert_eq!(all.len(), 4);
    let first = all.iter().find(|m| m["id"] == "1").expect("member 1");
    assert_eq!(first["source"], "Los Angeles Times");
    assert_eq!(first["published"], "2014-03-10T16:52:50.698+00:00");

    // The same file without the mapping: one warning per lacking field, with counts.
    let out = storyfold()
        .arg("fold")
        .arg(&input)
        .args(["--id-field", "ID", "--text-field", "TITLE", "-o", "-"])
        .output()
        .expect("runs");
    assert_ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("4 of 4 articles have no date").count(),
        1,
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("4 of 4 articles have no source").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("--date-field"), "{stderr}");
}

#[test]
fn a_date_not_in_the_format_is_an_error_naming_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(
        dir.path(),
        "d.jsonl",
        b"{\"id\":\"a\",\"text\":\"One text.\",\"when\":\"17/07/2021 10:30\"}\n\
{\"id\":\"b\",\"text\":\"Two text.\",\"when\":\"2021-07-17\"}\n",
    );
    let out = storyfold()
        .args([
            "dedup",
            "--date-field",
            "when",
            "--date-format",
            "%d/%m/%Y %H:%M",
        ])
        .arg(&input)
        .args(["-o", "-"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("d.jsonl:2: invalid date"), "{stderr}");
    assert!(stderr.contains("%d/%m/%Y %H:%M"), "{stderr}");

    // A pattern chrono cannot read is refused before anything is read.
    let out = storyfold()
        .args(["dedup", "--date-format", "%Q"])
        .arg(&input)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid date format \"%Q\""));
}

#[test]
fn ag_news_reads_with_no_header_and_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(dir.path(), "ag.csv", AG.as_bytes());
    // Today's trap: the first article is taken as the header, and `3` names its class column.
    let out = storyfold()
        .args(["pairs", "--auto-id", "--text-field", "3"])
        .arg(&input)
        .args(["-o", "-"])
        .output()
        .expect("runs");
    assert_ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2 of 2 texts (field `3`) are a single word or hold no letter"),
        "{stderr}"
    );

    let out = storyfold()
        .args([
            "fold",
            "--auto-id",
            "--no-header",
            "--columns",
            "class,title,text",
        ])
        .arg(&input)
        .args(["-o", "-"])
        .output()
        .expect("runs");
    assert_ok(&out);
    let all = members(&json_lines(&out.stdout));
    let ids: Vec<&str> = all.iter().filter_map(|m| m["id"].as_str()).collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(
        ids.contains(&"ag:1"),
        "the first row is an article: {ids:?}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("texts (field"), "{stderr}");

    // Without names, the columns are numbered. (dedup reads the text alone: no warning
    // about dates or sources.)
    let out = storyfold()
        .args(["dedup", "--auto-id", "--no-header", "--text-field", "3"])
        .arg(&input)
        .args(["-o", "-"])
        .output()
        .expect("runs");
    assert_ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("read 3 records: 3 documents"),
        "{stderr}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");

    // Three names for a row of three fields, given as two: an error at the first row.
    let out = storyfold()
        .args([
            "fold",
            "--auto-id",
            "--no-header",
            "--columns",
            "class,text",
        ])
        .arg(&input)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "ag.csv:1: invalid CSV: expected 2 fields (as many as the column names given), found 3"
        ),
        "{stderr}"
    );
}

#[test]
fn a_missing_field_error_lists_the_fields_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(dir.path(), "ag.csv", AG.as_bytes());
    let out = storyfold()
        .args([
            "fold",
            "--no-header",
            "--columns",
            "class,title,description",
        ])
        .arg(&input)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .contains("missing field `text` (fields found: \"class\", \"title\", \"description\")"),
        "{stderr}"
    );
    let input = write(dir.path(), "d.jsonl", b"{\"id\":\"a\",\"story\":\"x y\"}\n");
    let out = storyfold()
        .arg("compare")
        .arg("--corpus")
        .arg(&input)
        .args(["a", "a"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("d.jsonl:1: missing field `text` (fields found: \"id\", \"story\")"),
        "{stderr}"
    );
    // The same record read with the mapping.
    let out = storyfold()
        .args(["compare", "--json", "--text-field", "story", "--corpus"])
        .arg(&input)
        .args(["a", "a"])
        .output()
        .expect("runs");
    assert_ok(&out);
}
