//! JSONL input: one JSON object per line.
//!
//! Fields: `id` (string or number), `text` (aliases `body`, `content`), and the optional
//! `title`, `published` (alias `date`), `source`, `url`, `lang`. [`ReadOptions::id_field`]
//! and [`ReadOptions::text_field`] replace the id and text names (no aliases then).
//! Extra fields are ignored, `null` counts as missing, blank lines are skipped.

use serde_json::{Map, Value};

use super::next_bounded;
use super::records::{BoundedRecords, Split};
use super::{
    decode_utf8, fill_auto_id, ErrorKind, Fields, Raw, ReadOptions, SkipReport, Source, Step,
    Stream,
};

/// Reads JSONL records from a stream.
pub(crate) struct JsonlSource {
    lines: BoundedRecords<Box<dyn std::io::BufRead + Send>>,
    gz: bool,
    file: String,
    stem: String,
}

impl JsonlSource {
    /// Read JSONL from `stream`; `file` names it in locations, `stem` prefixes auto ids.
    pub fn new(stream: Stream, file: String, stem: String, opts: &ReadOptions) -> Self {
        JsonlSource {
            lines: BoundedRecords::new(stream.reader, opts.max_bytes, Split::Lines),
            gz: stream.gz,
            file,
            stem,
        }
    }
}

impl Source for JsonlSource {
    fn next_step(&mut self, opts: &ReadOptions, report: &mut SkipReport) -> Option<Step> {
        loop {
            let (location, rec) =
                match next_bounded(&mut self.lines, &self.file, self.gz, opts.max_bytes) {
                    Ok(Some(next)) => next,
                    Ok(None) => return None,
                    Err(step) => return Some(*step),
                };
            let mut bytes = rec.bytes;
            if rec.line == 1 && bytes.starts_with(b"\xEF\xBB\xBF") {
                bytes.drain(..3);
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let fields = parse_line(&bytes, opts, report).map(|mut f| {
                fill_auto_id(&mut f, opts, &self.stem, rec.line);
                f
            });
            return Some(Step::Record {
                location,
                fields,
                raw: Raw::Line(bytes),
            });
        }
    }
}

/// Parse one JSONL line into raw fields.
pub(crate) fn parse_line(
    bytes: &[u8],
    opts: &ReadOptions,
    report: &mut SkipReport,
) -> Result<Fields, ErrorKind> {
    let text = decode_utf8(bytes, opts, report)?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| ErrorKind::InvalidJson(e.to_string()))?;
    let Value::Object(obj) = value else {
        return Err(ErrorKind::InvalidJson(format!(
            "expected a JSON object, found {}",
            type_name(&value)
        )));
    };
    fields_from_object(obj, opts)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Remove and return the first of `names` present with a non-null value.
fn take_first(obj: &mut Map<String, Value>, names: &[&str]) -> Option<(String, Value)> {
    for name in names {
        match obj.remove(*name) {
            None | Some(Value::Null) => continue,
            Some(v) => return Some((name.to_string(), v)),
        }
    }
    None
}

/// An optional string field (first of `names` present); other types are errors.
fn string_field(obj: &mut Map<String, Value>, names: &[&str]) -> Result<Option<String>, ErrorKind> {
    match take_first(obj, names) {
        None => Ok(None),
        Some((_, Value::String(s))) => Ok(Some(s)),
        Some((field, _)) => Err(ErrorKind::WrongType {
            field,
            expected: "string",
        }),
    }
}

/// Extract the article fields from a JSON object.
fn fields_from_object(
    mut obj: Map<String, Value>,
    opts: &ReadOptions,
) -> Result<Fields, ErrorKind> {
    let id_name = opts.id_field.as_deref().unwrap_or("id");
    let id = match take_first(&mut obj, &[id_name]) {
        None => None,
        Some((_, Value::String(s))) => Some(s),
        Some((_, Value::Number(n))) => Some(n.to_string()),
        Some((field, _)) => {
            return Err(ErrorKind::WrongType {
                field,
                expected: "string or number",
            })
        }
    };
    let text = match opts.text_field.as_deref() {
        Some(name) => string_field(&mut obj, &[name])?,
        None => string_field(&mut obj, &["text", "body", "content"])?,
    };
    Ok(Fields {
        id,
        text,
        title: string_field(&mut obj, &["title"])?,
        published: string_field(&mut obj, &["published", "date"])?,
        source: string_field(&mut obj, &["source"])?,
        url: string_field(&mut obj, &["url"])?,
        lang: string_field(&mut obj, &["lang"])?,
    })
}
