//! Reading clusterings ("labellings": item id -> cluster label) from files.
//!
//! The format is detected per file from its first non-blank line (gzip-compressed files,
//! recognised by their magic bytes, are decompressed transparently):
//!
//! * a line starting with `{` means JSON Lines; the first record then decides between
//!   * **grouped** records, when it has a `members` array: storyfold dedup groups
//!     `{"group": n, "representative": "id", "members": [{"id": ...}, ...]}` or
//!     storyfold stories `{"story": id, "members": [{"id": ...}]}`. Every member (and the
//!     optional representative) is labelled with the record's `group` (or `story`)
//!     value. Members may also be bare ids (`"members": ["a", "b"]`);
//!   * **flat** records `{"id": ..., "label": ...}`, one item per line;
//! * anything else means TSV: `id<TAB>label` per line. A first line equal to the column
//!   names (`id<TAB>label` by default, compared case-insensitively) is a header and is
//!   skipped. Exactly two columns are expected; surrounding whitespace is trimmed.
//!   (A file whose first line starts with `[`, a JSON array, is rejected with a hint.)
//!
//! [`LabelOptions::id_field`] and [`LabelOptions::label_field`] rename the `id` and
//! `label` fields (e.g. `doc_id` and `cluster` for ECB+ gold files); in grouped files they
//! rename the member id field and the group label field. Ids and labels may be JSON
//! strings or numbers (numbers are used in their JSON spelling, so `7` becomes `"7"`, and
//! an integer beyond 64 bits keeps every digit).
//!
//! Blank lines are skipped everywhere. Errors name the file and the 1-based line: a
//! malformed line, a missing field, a value of the wrong type, or an id given two
//! different labels (repeating an id with the same label is accepted). An empty file
//! yields an empty labelling.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use serde_json::{Map, Value};

use super::metrics::Labels;

/// Options for [`read_labels`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelOptions {
    /// Name of the id field (JSONL) or id column header (TSV); default `id`.
    pub id_field: Option<String>,
    /// Name of the label field (JSONL) or label column header (TSV); default `label`
    /// for flat records, `group` then `story` for grouped records.
    pub label_field: Option<String>,
}

/// Error while reading a labelling; every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    /// The file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line could not be parsed.
    #[error("{}:{line}: {message}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with the line.
        message: String,
    },
    /// A required field is absent from a record.
    #[error("{}:{line}: missing field `{field}`", path.display())]
    MissingField {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The missing field.
        field: String,
    },
    /// An id was given two different labels.
    #[error(
        "{}:{line}: id `{id}` labelled `{label}` but already labelled `{previous}` on line {previous_line}",
        path.display()
    )]
    Conflict {
        /// The file.
        path: PathBuf,
        /// 1-based line number of the conflicting occurrence.
        line: usize,
        /// The id.
        id: String,
        /// The label given on `line`.
        label: String,
        /// The label given earlier.
        previous: String,
        /// 1-based line number of the earlier occurrence.
        previous_line: usize,
    },
}

/// Reads a labelling from `path` (TSV, flat JSONL, or storyfold groups/stories JSONL,
/// optionally gzip-compressed; see the module documentation).
pub fn read_labels(path: &Path, opts: &LabelOptions) -> Result<Labels, LabelError> {
    let io_err = |source| LabelError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io_err)?;
    let mut reader = BufReader::new(file);
    let start = reader.fill_buf().map_err(io_err)?;
    if let Some(encoding) = crate::ingest::foreign_encoding(start) {
        return Err(LabelError::Malformed {
            path: path.to_path_buf(),
            line: 1,
            message: format!(
                "the file is {encoding}, not UTF-8: convert it first, e.g. with \
                 `iconv -f {encoding} -t UTF-8`"
            ),
        });
    }
    let gzipped = start.starts_with(&[0x1f, 0x8b]);
    if gzipped {
        read_labels_from(BufReader::new(MultiGzDecoder::new(reader)), path, opts)
    } else {
        read_labels_from(reader, path, opts)
    }
}

/// Reads a labelling from any buffered reader (uncompressed); `name` is used in errors.
pub fn read_labels_from<R: BufRead>(
    mut reader: R,
    name: &Path,
    opts: &LabelOptions,
) -> Result<Labels, LabelError> {
    let mut parser = Parser {
        path: name,
        opts,
        format: None,
        label_key: opts
            .label_field
            .clone()
            .unwrap_or_else(|| "label".to_string()),
        labels: HashMap::new(),
    };
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    loop {
        buf.clear();
        let read = reader
            .read_until(b'\n', &mut buf)
            .map_err(|source| LabelError::Io {
                path: name.to_path_buf(),
                source,
            })?;
        if read == 0 {
            break;
        }
        line_no += 1;
        let line = std::str::from_utf8(&buf).map_err(|_| LabelError::Malformed {
            path: name.to_path_buf(),
            line: line_no,
            message: "line is not valid UTF-8".to_string(),
        })?;
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() {
            continue;
        }
        parser.line(line, line_no)?;
    }
    Ok(parser
        .labels
        .into_iter()
        .map(|(id, (label, _))| (id, label))
        .collect())
}

/// Whether a JSON value holds a number read as a float (which may have lost digits).
fn has_float(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.is_f64(),
        Value::Array(items) => items.iter().any(has_float),
        Value::Object(map) => map.values().any(has_float),
        _ => false,
    }
}

/// Parse JSON text with every number turned into a string of its spelling (the text was
/// parsed once already, so its nesting is within serde_json's limit).
fn exact_numbers(text: &str) -> serde_json::Result<Value> {
    use crate::ingest::jsonl::RawObject;
    use serde_json::value::RawValue;
    let raw = text.trim();
    match raw.as_bytes().first() {
        Some(b'{') => {
            let RawObject(entries) = serde_json::from_str(raw)?;
            let mut map = Map::new();
            for (k, v) in entries {
                map.insert(k, exact_numbers(v.get())?);
            }
            Ok(Value::Object(map))
        }
        Some(b'[') => {
            let items: Vec<Box<RawValue>> = serde_json::from_str(raw)?;
            items
                .iter()
                .map(|v| exact_numbers(v.get()))
                .collect::<Result<_, _>>()
                .map(Value::Array)
        }
        Some(b'-' | b'0'..=b'9') => Ok(Value::String(raw.to_string())),
        _ => serde_json::from_str(raw),
    }
}

/// File format, decided by the first non-blank line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Tsv,
    FlatJson,
    GroupedJson,
}

struct Parser<'a> {
    path: &'a Path,
    opts: &'a LabelOptions,
    format: Option<Format>,
    /// Field holding the label (JSONL) or header of the label column (TSV).
    label_key: String,
    /// id -> (label, line of first occurrence).
    labels: HashMap<String, (String, usize)>,
}

impl Parser<'_> {
    fn id_field(&self) -> &str {
        self.opts.id_field.as_deref().unwrap_or("id")
    }

    fn malformed(&self, line: usize, message: impl Into<String>) -> LabelError {
        LabelError::Malformed {
            path: self.path.to_path_buf(),
            line,
            message: message.into(),
        }
    }

    fn missing(&self, line: usize, field: &str) -> LabelError {
        LabelError::MissingField {
            path: self.path.to_path_buf(),
            line,
            field: field.to_string(),
        }
    }

    /// Handles one trimmed, non-blank line.
    fn line(&mut self, text: &str, line: usize) -> Result<(), LabelError> {
        match self.format {
            Some(Format::Tsv) => {
                let (id, label) = self.split_tsv(text, line)?;
                self.insert(id, label, line)
            }
            Some(Format::FlatJson | Format::GroupedJson) => {
                let record = self.parse_object(text, line)?;
                self.record(&record, line)
            }
            None if text.starts_with('{') => {
                let record = self.parse_object(text, line)?;
                if matches!(record.get("members"), Some(Value::Array(_))) {
                    self.label_key = match &self.opts.label_field {
                        Some(k) => k.clone(),
                        None if record.contains_key("group") => "group".to_string(),
                        None if record.contains_key("story") => "story".to_string(),
                        None => return Err(self.missing(line, "group")),
                    };
                    self.format = Some(Format::GroupedJson);
                } else {
                    self.format = Some(Format::FlatJson);
                }
                self.record(&record, line)
            }
            None if text.starts_with('[') => Err(self.malformed(
                line,
                "a JSON array is not supported; use JSON Lines (one object per line) or TSV",
            )),
            None => {
                self.format = Some(Format::Tsv);
                let (id, label) = self.split_tsv(text, line)?;
                let is_header = id.eq_ignore_ascii_case(self.id_field())
                    && label.eq_ignore_ascii_case(&self.label_key);
                if is_header {
                    Ok(())
                } else {
                    self.insert(id, label, line)
                }
            }
        }
    }

    fn split_tsv<'t>(&self, text: &'t str, line: usize) -> Result<(&'t str, &'t str), LabelError> {
        let columns: Vec<&str> = text.split('\t').map(str::trim).collect();
        if columns.len() != 2 {
            return Err(self.malformed(
                line,
                format!(
                    "expected 2 tab-separated columns (id, label), found {}",
                    columns.len()
                ),
            ));
        }
        if columns[0].is_empty() {
            return Err(self.malformed(line, "empty id"));
        }
        if columns[1].is_empty() {
            return Err(self.malformed(line, "empty label"));
        }
        Ok((columns[0], columns[1]))
    }

    fn parse_object(&self, text: &str, line: usize) -> Result<Map<String, Value>, LabelError> {
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) if map.values().any(has_float) => {
                // Numbers read as floats would lose digits: take every number as written.
                match exact_numbers(text) {
                    Ok(Value::Object(map)) => Ok(map),
                    _ => Ok(map),
                }
            }
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err(self.malformed(line, "expected a JSON object")),
            Err(e) => Err(self.malformed(line, format!("invalid JSON: {e}"))),
        }
    }

    /// Converts a scalar JSON value (string or number) to an id or label.
    fn scalar(&self, value: &Value, field: &str, line: usize) -> Result<String, LabelError> {
        match value {
            Value::String(s) if !s.is_empty() => Ok(s.clone()),
            Value::String(_) => Err(self.malformed(line, format!("field `{field}` is empty"))),
            Value::Number(n) => Ok(n.to_string()),
            _ => Err(self.malformed(
                line,
                format!("field `{field}` must be a string or a number"),
            )),
        }
    }

    fn field(
        &self,
        record: &Map<String, Value>,
        field: &str,
        line: usize,
    ) -> Result<String, LabelError> {
        match record.get(field) {
            Some(value) => self.scalar(value, field, line),
            None => Err(self.missing(line, field)),
        }
    }

    fn record(&mut self, record: &Map<String, Value>, line: usize) -> Result<(), LabelError> {
        let id_key = self.id_field().to_string();
        let label = self.field(record, &self.label_key, line)?;
        if self.format != Some(Format::GroupedJson) {
            let id = self.field(record, &id_key, line)?;
            return self.insert(&id, &label, line);
        }
        let members = match record.get("members") {
            Some(Value::Array(members)) => members,
            Some(_) => return Err(self.malformed(line, "field `members` must be an array")),
            None => return Err(self.missing(line, "members")),
        };
        if let Some(rep) = record.get("representative") {
            if !rep.is_null() {
                let rep = self.scalar(rep, "representative", line)?;
                self.insert(&rep, &label, line)?;
            }
        }
        for member in members {
            let id = match member {
                Value::Object(m) => self.field(m, &id_key, line)?,
                other => self.scalar(other, "members", line)?,
            };
            self.insert(&id, &label, line)?;
        }
        Ok(())
    }

    fn insert(&mut self, id: &str, label: &str, line: usize) -> Result<(), LabelError> {
        match self.labels.get(id) {
            Some((previous, _)) if previous == label => Ok(()),
            Some((previous, previous_line)) => Err(LabelError::Conflict {
                path: self.path.to_path_buf(),
                line,
                id: id.to_string(),
                label: label.to_string(),
                previous: previous.clone(),
                previous_line: *previous_line,
            }),
            None => {
                self.labels
                    .insert(id.to_string(), (label.to_string(), line));
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(contents: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        f.write_all(contents.as_bytes()).expect("write");
        f
    }

    fn read(contents: &str, opts: &LabelOptions) -> Result<Labels, LabelError> {
        let f = file(contents);
        read_labels(f.path(), opts)
    }

    fn ok(contents: &str) -> Labels {
        read(contents, &LabelOptions::default()).expect("valid labels")
    }

    fn expect(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(id, l)| (id.to_string(), l.to_string()))
            .collect()
    }

    #[test]
    fn big_integer_ids_keep_every_digit() {
        let labels = ok(concat!(
            "{\"id\": 100000000000000000000001, \"label\": 1}\n",
            "{\"id\": 100000000000000000000002, \"label\": 2.50}\n",
        ));
        assert_eq!(
            labels,
            expect(&[
                ("100000000000000000000001", "1"),
                ("100000000000000000000002", "2.50")
            ])
        );
        let grouped = ok(
            "{\"group\": 1, \"members\": [{\"id\": 18446744073709551617}, 18446744073709551618]}\n",
        );
        assert_eq!(
            grouped,
            expect(&[("18446744073709551617", "1"), ("18446744073709551618", "1")])
        );
    }

    #[test]
    fn utf16_files_are_named_as_such() {
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        let text: Vec<u8> = "id\tlabel\na\t1\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        f.write_all(&[0xFF, 0xFE]).expect("write");
        f.write_all(&text).expect("write");
        let err = read_labels(f.path(), &LabelOptions::default()).expect_err("UTF-16");
        assert!(err.to_string().contains("is UTF-16LE, not UTF-8"), "{err}");
    }

    #[test]
    fn tsv_with_header_and_blank_lines() {
        let labels = ok("id\tlabel\n\na\t1\r\nb\t1\n  \nc\t2\n");
        assert_eq!(labels, expect(&[("a", "1"), ("b", "1"), ("c", "2")]));
    }

    #[test]
    fn tsv_without_header_and_custom_header() {
        assert_eq!(ok("x\tA\ny\tB"), expect(&[("x", "A"), ("y", "B")]));
        let opts = LabelOptions {
            id_field: Some("doc_id".into()),
            label_field: Some("cluster".into()),
        };
        let labels = read("DOC_ID\tcluster\nd1\tc1\n", &opts).expect("valid");
        assert_eq!(labels, expect(&[("d1", "c1")]));
    }

    #[test]
    fn tsv_header_only_skipped_on_first_line() {
        // A later `id<TAB>label` line is data, not a header.
        let labels = ok("a\t1\nid\tlabel\n");
        assert_eq!(labels, expect(&[("a", "1"), ("id", "label")]));
    }

    #[test]
    fn tsv_errors_name_file_and_line() {
        let f = file("a\t1\nb 2\n");
        let err = read_labels(f.path(), &LabelOptions::default()).expect_err("malformed");
        assert!(
            matches!(err, LabelError::Malformed { line: 2, .. }),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(text.contains(&f.path().display().to_string()), "{text}");
        assert!(text.contains(":2:"), "{text}");

        let err = read("a\t1\tx\n", &LabelOptions::default()).expect_err("3 columns");
        assert!(err.to_string().contains("found 3"), "{err}");
        let err = read("a\t\n", &LabelOptions::default()).expect_err("empty label");
        assert!(
            matches!(err, LabelError::Malformed { line: 1, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn flat_jsonl_with_strings_and_numbers() {
        let labels = ok("{\"id\": \"a\", \"label\": 3}\n\n{\"id\": 17, \"label\": \"x\"}\n");
        assert_eq!(labels, expect(&[("a", "3"), ("17", "x")]));
    }

    #[test]
    fn flat_jsonl_custom_fields() {
        let opts = LabelOptions {
            id_field: Some("doc_id".into()),
            label_field: Some("cluster".into()),
        };
        let labels = read(
            "{\"doc_id\": \"1_1ecb\", \"cluster\": 1, \"other\": null}\n{\"doc_id\": \"1_2ecb\", \"cluster\": 1}\n",
            &opts,
        )
        .expect("valid");
        assert_eq!(labels, expect(&[("1_1ecb", "1"), ("1_2ecb", "1")]));
        // The default field names are then not accepted.
        let err = read("{\"id\": \"a\", \"label\": 1}\n", &opts).expect_err("missing");
        assert!(
            matches!(&err, LabelError::MissingField { line: 1, field, .. } if field == "cluster"),
            "{err:?}"
        );
    }

    #[test]
    fn flat_jsonl_errors() {
        let err = read(
            "{\"id\": \"a\", \"label\": 1}\n{\"id\": \"b\"}\n",
            &Default::default(),
        )
        .expect_err("missing label");
        assert!(
            matches!(&err, LabelError::MissingField { line: 2, field, .. } if field == "label"),
            "{err:?}"
        );
        assert!(
            err.to_string().contains(":2: missing field `label`"),
            "{err}"
        );

        let err = read(
            "{\"id\": \"a\", \"label\": 1}\n{\"id\": \"b\", \"label\"\n",
            &Default::default(),
        )
        .expect_err("invalid JSON");
        assert!(
            matches!(err, LabelError::Malformed { line: 2, .. }),
            "{err:?}"
        );

        let err = read(
            "{\"id\": \"a\", \"label\": 1}\n[1, 2]\n",
            &Default::default(),
        )
        .expect_err("not an object");
        assert!(
            matches!(err, LabelError::Malformed { line: 2, .. }),
            "{err:?}"
        );

        let err =
            read("{\"id\": true, \"label\": 1}\n", &Default::default()).expect_err("bad type");
        assert!(err.to_string().contains("string or a number"), "{err}");
    }

    #[test]
    fn conflicting_labels_are_rejected_repeats_accepted() {
        assert_eq!(ok("a\t1\na\t1\n"), expect(&[("a", "1")]));
        let err = read("a\t1\nb\t1\n\na\t2\n", &Default::default()).expect_err("conflict");
        match &err {
            LabelError::Conflict {
                line,
                id,
                label,
                previous,
                previous_line,
                ..
            } => {
                assert_eq!((*line, *previous_line), (4, 1));
                assert_eq!(
                    (id.as_str(), label.as_str(), previous.as_str()),
                    ("a", "2", "1")
                );
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().contains(":4: id `a`"), "{err}");
    }

    #[test]
    fn dedup_groups_jsonl() {
        let text = concat!(
            "{\"group\": 0, \"representative\": \"a\", \"members\": [{\"id\": \"a\", \"similarity\": 1.0}, {\"id\": \"b\"}]}\n",
            "{\"group\": 1, \"representative\": \"c\", \"members\": [{\"id\": \"d\"}]}\n",
        );
        let labels = ok(text);
        assert_eq!(
            labels,
            expect(&[("a", "0"), ("b", "0"), ("c", "1"), ("d", "1")])
        );
    }

    #[test]
    fn story_jsonl_and_bare_member_ids() {
        let text = "{\"story\": \"s1\", \"members\": [{\"id\": \"a\"}, \"b\", 7]}\n{\"story\": \"s2\", \"members\": []}\n";
        assert_eq!(ok(text), expect(&[("a", "s1"), ("b", "s1"), ("7", "s1")]));
    }

    #[test]
    fn grouped_errors() {
        let err =
            read("{\"members\": [{\"id\": \"a\"}]}\n", &Default::default()).expect_err("no group");
        assert!(
            matches!(err, LabelError::MissingField { line: 1, .. }),
            "{err:?}"
        );

        let err = read(
            "{\"group\": 0, \"members\": [{\"id\": \"a\"}]}\n{\"group\": 1, \"members\": [{\"name\": \"b\"}]}\n",
            &Default::default(),
        )
        .expect_err("member without id");
        assert!(
            matches!(&err, LabelError::MissingField { line: 2, field, .. } if field == "id"),
            "{err:?}"
        );

        let err = read(
            "{\"group\": 0, \"members\": [\"a\"]}\n{\"group\": 1, \"members\": \"b\"}\n",
            &Default::default(),
        )
        .expect_err("members not an array");
        assert!(
            matches!(err, LabelError::Malformed { line: 2, .. }),
            "{err:?}"
        );

        let err = read(
            "{\"group\": 0, \"members\": [\"a\"]}\n{\"group\": 1, \"members\": [\"a\"]}\n",
            &Default::default(),
        )
        .expect_err("id in two groups");
        assert!(
            matches!(
                err,
                LabelError::Conflict {
                    line: 2,
                    previous_line: 1,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn gzip_and_missing_file() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"id\tlabel\na\t1\n").expect("compress");
        let bytes = gz.finish().expect("compress");
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        f.write_all(&bytes).expect("write");
        let labels = read_labels(f.path(), &Default::default()).expect("gzip");
        assert_eq!(labels, expect(&[("a", "1")]));

        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("nope.tsv");
        let err = read_labels(&missing, &Default::default()).expect_err("missing file");
        assert!(matches!(err, LabelError::Io { .. }), "{err:?}");
        assert!(err.to_string().contains("nope.tsv"), "{err}");
    }

    #[test]
    fn invalid_utf8_and_empty_file() {
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        f.write_all(b"a\t1\nb\t\xff\xfe\n").expect("write");
        let err = read_labels(f.path(), &Default::default()).expect_err("bad utf-8");
        assert!(
            matches!(err, LabelError::Malformed { line: 2, .. }),
            "{err:?}"
        );
        assert!(ok("").is_empty());
        assert!(ok("\n\n").is_empty());
        let err =
            read("[{\"id\": \"a\", \"label\": 1}]\n", &Default::default()).expect_err("JSON array");
        assert!(err.to_string().contains("JSON Lines"), "{err}");
    }
}
