//! Tests of the field mapping of [`ReadOptions`]: field names, date formats, CSV column names
//! and files without a header row, missing-field errors listing the fields found, and the
//! per-input warnings.

use super::*;

/// Read `bytes` as a file named `label` in `format`.
fn read(
    label: &str,
    bytes: &[u8],
    format: Format,
    opts: ReadOptions,
) -> (Vec<Result<Article, IngestError>>, SkipReport) {
    let mut reader = Reader::from_bytes(label, bytes.to_vec(), format, opts);
    let items: Vec<_> = reader.by_ref().collect();
    (items, reader.skipped().clone())
}

fn ok(items: &[Result<Article, IngestError>]) -> Vec<&Article> {
    items
        .iter()
        .map(|r| r.as_ref().expect("valid article"))
        .collect()
}

fn err(items: &[Result<Article, IngestError>]) -> &IngestError {
    let errs: Vec<_> = items.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(errs.len(), 1, "one error expected in {items:?}");
    errs[0]
}

/// The UCI News Aggregator layout: epoch milliseconds, publisher, upper-case names.
const UCI: &[u8] = b"ID,TITLE,URL,PUBLISHER,CATEGORY,STORY,HOSTNAME,TIMESTAMP\n\
1,Fed official says weak data caused by weather,http://a.example/1,Los Angeles Times,b,dd,a.example,1394470370698\n\
2,Fed's Plosser sees high bar for change,http://b.example/2,Livemint,b,dd,b.example,1394470371207\n";

fn uci_opts() -> ReadOptions {
    ReadOptions {
        id_field: Some("ID".into()),
        text_field: Some("TITLE".into()),
        title_field: Some("TITLE".into()),
        source_field: Some("PUBLISHER".into()),
        date_field: Some("TIMESTAMP".into()),
        url_field: Some("URL".into()),
        date_format: Some(DateFormat::EpochMillis),
        ..ReadOptions::default()
    }
}

#[test]
fn csv_fields_are_mapped_by_name_with_epoch_ms_dates() {
    let (items, report) = read("uci.csv", UCI, Format::Csv, uci_opts());
    let a = ok(&items);
    assert_eq!(a.len(), 2);
    assert_eq!(a[0].id, "1");
    assert_eq!(a[0].source.as_deref(), Some("Los Angeles Times"));
    assert_eq!(a[0].url.as_deref(), Some("http://a.example/1"));
    assert_eq!(
        a[0].title.as_deref(),
        Some("Fed official says weak data caused by weather")
    );
    assert_eq!(
        a[0].published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2014-03-10T16:52:50.698+00:00")
    );
    assert_eq!(a[1].source.as_deref(), Some("Livemint"));
    assert!(report.warnings().is_empty(), "{report}");

    // Without the mapping: no date, no source, and a warning for each (once for the input).
    let opts = ReadOptions {
        id_field: Some("ID".into()),
        text_field: Some("TITLE".into()),
        ..ReadOptions::default()
    };
    let (items, report) = read("uci.csv", UCI, Format::Csv, opts);
    assert!(ok(&items)
        .iter()
        .all(|a| a.published.is_none() && a.source.is_none()));
    let kinds: Vec<_> = report
        .warnings()
        .iter()
        .map(|w| (w.kind, w.count, w.of))
        .collect();
    assert_eq!(
        kinds,
        [(WarningKind::NoDate, 2, 2), (WarningKind::NoSource, 2, 2)]
    );
    let shown = report.to_string();
    assert!(
        shown.starts_with(
            "warning: uci.csv: 2 of 2 articles have no date (field `published`/`date`)"
        ),
        "{shown}"
    );
    assert!(shown.contains("--source-field"), "{shown}");
    assert!(!shown.contains("skipped"), "only warnings: {shown}");
}

#[test]
fn jsonl_fields_are_mapped_and_epoch_dates_may_be_numbers() {
    let data = b"{\"key\":\"a\",\"body_text\":\"First text here.\",\"headline\":\"H\",\"outlet\":\"AP\",\"ts\":1394470370,\"link\":\"http://x\"}\n\
{\"key\":\"b\",\"body_text\":\"Second text here.\",\"outlet\":\"Reuters\",\"ts\":\"1394470371\",\"published\":\"ignored\"}\n";
    let opts = ReadOptions {
        id_field: Some("key".into()),
        text_field: Some("body_text".into()),
        title_field: Some("headline".into()),
        source_field: Some("outlet".into()),
        date_field: Some("ts".into()),
        url_field: Some("link".into()),
        date_format: Some(DateFormat::EpochSeconds),
        ..ReadOptions::default()
    };
    let (items, _) = read("d.jsonl", data, Format::Jsonl, opts.clone());
    let a = ok(&items);
    assert_eq!(a[0].title.as_deref(), Some("H"));
    assert_eq!(a[0].source.as_deref(), Some("AP"));
    assert_eq!(a[0].url.as_deref(), Some("http://x"));
    assert_eq!(
        a[0].published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2014-03-10T16:52:50+00:00")
    );
    // A given date field replaces `published`/`date`: the other field is not read.
    assert_eq!(
        a[1].published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2014-03-10T16:52:51+00:00")
    );
    // Without an epoch format, a number is not a date.
    let opts = ReadOptions {
        date_format: None,
        ..opts
    };
    let (items, _) = read("d.jsonl", data, Format::Jsonl, opts);
    let e = &items[0].as_ref().expect_err("number date");
    assert_eq!(e.to_string(), "d.jsonl:1: field `ts` must be a string");
}

#[test]
fn bad_dates_for_the_format_name_file_and_line() {
    let data = b"id,text,date\n1,one two,17/07/2021\n2,three four,2021-07-17\n";
    let opts = ReadOptions {
        date_format: Some("%d/%m/%Y".parse().expect("pattern")),
        ..ReadOptions::default()
    };
    let (items, _) = read("d.csv", data, Format::Csv, opts.clone());
    assert_eq!(
        items[0]
            .as_ref()
            .expect("valid")
            .published
            .map(|d| d.to_rfc3339())
            .as_deref(),
        Some("2021-07-17T00:00:00+00:00")
    );
    let e = err(&items);
    assert_eq!(e.location.to_string(), "d.csv:3");
    assert!(matches!(e.kind, ErrorKind::InvalidDate(_)), "{e}");
    assert!(
        e.to_string().contains("\"2021-07-17\"") && e.to_string().contains("%d/%m/%Y"),
        "{e}"
    );

    // epoch-ms on a text date: an error at its line, or a dropped date when lenient.
    let data = b"{\"id\":\"a\",\"text\":\"x y\",\"published\":\"1394470370698\"}\n{\"id\":\"b\",\"text\":\"x y\",\"published\":\"2014-03-10\"}\n";
    let opts = ReadOptions {
        date_format: Some(DateFormat::EpochMillis),
        ..ReadOptions::default()
    };
    let (items, _) = read("e.jsonl", data, Format::Jsonl, opts.clone());
    assert_eq!(err(&items).location.to_string(), "e.jsonl:2");
    let (items, report) = read(
        "e.jsonl",
        data,
        Format::Jsonl,
        ReadOptions {
            lenient_dates: true,
            ..opts
        },
    );
    assert_eq!(ok(&items).len(), 2);
    assert_eq!(report.dates_dropped(), 1);
}

/// The AG News layout: no header row, `"class","title","description"`.
const AG: &[u8] = b"\"3\",\"Fears for T N pension after talks\",\"Unions representing workers at Turner Newall say they are disappointed.\"\n\
\"4\",\"The Race is On\",\"A second team of rocketeers has announced the first launch date.\"\n\
\"4\",\"Ky. Company Wins Grant\",\"A company founded by a chemistry researcher won a grant.\"\n";

#[test]
fn no_header_keeps_the_first_row_with_named_or_numbered_columns() {
    let opts = ReadOptions {
        no_header: true,
        columns: Some(vec!["class".into(), "title".into(), "text".into()]),
        auto_id: true,
        ..ReadOptions::default()
    };
    let (items, _) = read("ag.csv", AG, Format::Csv, opts);
    let a = ok(&items);
    assert_eq!(a.len(), 3, "the first row is an article, not a header");
    assert_eq!(a[0].id, "ag:1");
    assert_eq!(
        a[0].title.as_deref(),
        Some("Fears for T N pension after talks")
    );
    assert!(a[0].text.starts_with("Unions representing"));
    assert_eq!(a[2].location.to_string(), "ag.csv:3");

    // Without names, columns are numbered from 1.
    let opts = ReadOptions {
        no_header: true,
        text_field: Some("3".into()),
        title_field: Some("2".into()),
        auto_id: true,
        ..ReadOptions::default()
    };
    let (items, _) = read("ag.csv", AG, Format::Csv, opts);
    let a = ok(&items);
    assert_eq!(a.len(), 3);
    assert_eq!(a[1].title.as_deref(), Some("The Race is On"));

    // A byte-order mark does not become part of the first row's first field.
    let with_bom = [&b"\xEF\xBB\xBF"[..], AG].concat();
    let opts = ReadOptions {
        no_header: true,
        columns: Some(vec!["id".into(), "title".into(), "text".into()]),
        ..ReadOptions::default()
    };
    let (items, _) = read("ag.csv", &with_bom, Format::Csv, opts);
    assert_eq!(items[0].as_ref().expect("valid").id, "3");

    // Today's trap: read with a header, the first article is taken as the header and
    // `--text-field 3` names the class column; the warning says so.
    let opts = ReadOptions {
        text_field: Some("3".into()),
        auto_id: true,
        ..ReadOptions::default()
    };
    let (items, report) = read("ag.csv", AG, Format::Csv, opts);
    assert_eq!(ok(&items).len(), 2);
    let w = &report.warnings()[0];
    assert_eq!((w.kind, w.count, w.of), (WarningKind::NoText, 2, 2));
    assert!(w.to_string().contains("field `3`"), "{w}");
}

#[test]
fn no_header_rows_are_kept_without_a_header_line() {
    let opts = ReadOptions {
        no_header: true,
        columns: Some(vec!["class".into(), "title".into(), "text".into()]),
        auto_id: true,
        ..ReadOptions::default()
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ag.csv");
    std::fs::write(&path, AG).expect("write");
    let mut out = Vec::new();
    let n = write_kept(
        &[Input::Path(path)],
        &opts,
        &|seq| seq != 1,
        KeepTarget::Writer(&mut out),
    )
    .expect("keep");
    assert_eq!(n, 2);
    let lines: Vec<&str> = std::str::from_utf8(&out).expect("utf8").lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("\"3\",\"Fears"), "{lines:?}");
    assert!(lines[1].starts_with("\"4\",\"Ky."), "{lines:?}");
}

#[test]
fn column_count_mismatches_are_errors_at_their_line() {
    let data = b"a,b,c\nx,y,z\n";
    let opts = ReadOptions {
        no_header: true,
        columns: Some(vec!["id".into(), "title".into(), "text".into()]),
        ..ReadOptions::default()
    };
    let (items, _) = read(
        "d.csv",
        b"1,t,body text\n2,only two\n",
        Format::Csv,
        opts.clone(),
    );
    let e = err(&items);
    assert_eq!(e.location.to_string(), "d.csv:2");
    assert_eq!(
        e.kind,
        ErrorKind::InvalidCsv(
            "expected 3 fields (as many as the column names given), found 2".into()
        )
    );
    // With a header row, the names replace it, and must be as many as its fields.
    let (items, _) = read(
        "h.csv",
        data,
        Format::Csv,
        ReadOptions {
            no_header: false,
            columns: Some(vec!["id".into(), "text".into()]),
            ..ReadOptions::default()
        },
    );
    let e = err(&items);
    assert_eq!(e.location.to_string(), "h.csv:1");
    assert!(
        e.to_string()
            .contains("the header row has 3 fields, but 2 column names were given"),
        "{e}"
    );
    let (items, _) = read(
        "h.csv",
        b"ID,BODY\n1,some text\n",
        Format::Csv,
        ReadOptions {
            columns: Some(vec!["id".into(), "text".into()]),
            ..ReadOptions::default()
        },
    );
    assert_eq!(ok(&items)[0].text, "some text");
    // Numbered columns: a later row with more fields than the first.
    let (items, _) = read(
        "n.csv",
        b"1,a b\n2,c d,extra\n",
        Format::Csv,
        ReadOptions {
            no_header: true,
            text_field: Some("2".into()),
            auto_id: true,
            ..ReadOptions::default()
        },
    );
    assert_eq!(
        err(&items).to_string(),
        "n.csv:2: invalid CSV: expected 2 fields (as in the first row), found 3"
    );
}

#[test]
fn missing_fields_list_what_was_found() {
    let (items, _) = read(
        "d.jsonl",
        b"{\"id\":\"1\",\"body_text\":\"x\",\"extra\":2}\n",
        Format::Jsonl,
        ReadOptions::default(),
    );
    assert_eq!(
        err(&items).to_string(),
        "d.jsonl:1: missing field `text` (fields found: \"id\", \"body_text\", \"extra\")"
    );
    let (items, _) = read(
        "d.jsonl",
        b"{\"doc\":\"1\",\"text\":\"x\"}\n",
        Format::Jsonl,
        ReadOptions::default(),
    );
    assert_eq!(
        err(&items).to_string(),
        "d.jsonl:1: missing field `id` (fields found: \"doc\", \"text\")"
    );
    // A blank id is present: nothing to list.
    let (items, _) = read(
        "d.jsonl",
        b"{\"id\":\" \",\"text\":\"x\"}\n",
        Format::Jsonl,
        ReadOptions::default(),
    );
    assert_eq!(err(&items).to_string(), "d.jsonl:1: missing field `id`");
    let (items, _) = read(
        "ag.csv",
        AG,
        Format::Csv,
        ReadOptions {
            no_header: true,
            text_field: Some("description".into()),
            auto_id: true,
            ..ReadOptions::default()
        },
    );
    assert_eq!(
        err(&items).to_string(),
        "ag.csv:1: missing field `description` (fields found: \"1\", \"2\", \"3\")"
    );
}

#[test]
fn warnings_are_once_per_input_with_counts() {
    let dated =
        b"{\"id\":\"a\",\"text\":\"one two\",\"published\":\"2021-01-01\",\"source\":\"S\"}\n\
{\"id\":\"e\",\"text\":\"seven eight\"}\n";
    let undated = b"{\"id\":\"b\",\"text\":\"one two\"}\n{\"id\":\"c\",\"text\":\"three four\"}\n\
{\"id\":\"d\",\"text\":\"five six\",\"published\":\"2021-01-01\",\"source\":\"S\"}\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let p1 = dir.path().join("dated.jsonl");
    let p2 = dir.path().join("undated.jsonl");
    std::fs::write(&p1, dated).expect("write");
    std::fs::write(&p2, undated).expect("write");
    let mut reader = Reader::open(
        vec![Input::Path(p1), Input::Path(p2.clone())],
        ReadOptions::default(),
    );
    assert_eq!(reader.by_ref().filter(Result::is_ok).count(), 5);
    let w: Vec<_> = reader
        .skipped()
        .warnings()
        .iter()
        .map(|w| (w.input.clone(), w.kind, w.count, w.of))
        .collect();
    // dated.jsonl: 1 of 2 undated is not most; undated.jsonl: 2 of 3, once each.
    let label = p2.display().to_string();
    assert_eq!(
        w,
        [
            (label.clone(), WarningKind::NoDate, 2, 3),
            (label, WarningKind::NoSource, 2, 3)
        ]
    );
    // A single article is not warned about dates or sources.
    let (_, report) = read(
        "one.jsonl",
        b"{\"id\":\"a\",\"text\":\"one two\"}\n",
        Format::Jsonl,
        ReadOptions::default(),
    );
    assert!(report.warnings().is_empty(), "{report}");
    // Texts of numbers or single words.
    let (_, report) = read(
        "n.jsonl",
        b"{\"id\":\"a\",\"text\":\"12.5\"}\n{\"id\":\"b\",\"text\":\"Word\"}\n\
{\"id\":\"c\",\"text\":\"a real sentence\"}\n",
        Format::Jsonl,
        ReadOptions::default(),
    );
    let kinds: Vec<_> = report
        .warnings()
        .iter()
        .map(|w| (w.kind, w.count, w.of))
        .collect();
    assert_eq!(kinds[0], (WarningKind::NoText, 2, 3));
}
