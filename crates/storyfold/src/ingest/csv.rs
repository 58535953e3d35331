//! CSV input: a header row naming the columns, then one article per row.
//!
//! Column names are the JSONL field names (`id`, `text`/`body`/`content`, `title`,
//! `published`/`date`, `source`, `url`, `lang`), matched case-insensitively after
//! trimming; [`ReadOptions::id_field`] and [`ReadOptions::text_field`] override the id and
//! text names. Empty cells count as missing (an empty text cell is [`ErrorKind::EmptyText`]).
//!
//! Rows are split with a bounded, quote-aware splitter (so a row over
//! [`ReadOptions::max_bytes`] is never buffered whole and the original bytes of each row
//! are available for [`super::write_kept`]); each row is then parsed by the `csv` crate.
//! Line numbers name the first line of a row. Rows with a different number of fields
//! than the header are errors. Line breaks must be `\n` or `\r\n`. A quoted field that does
//! not close (an unbalanced quote) is an error at the line where its row began, and costs
//! that line only: the lines after it are read as rows again (see [`super::records`]).

use std::sync::Arc;

use super::next_bounded;
use super::records::{BoundedRecords, Split, Unclosed};
use super::{
    decode_utf8, fill_auto_id, stream_error, unclosed_message, ErrorKind, Fields, IngestError,
    Location, Raw, ReadOptions, SkipReport, Source, Step, Stream,
};

/// Column positions of the article fields.
#[derive(Clone, Debug, Default)]
struct Columns {
    count: usize,
    id: Option<usize>,
    text: Option<usize>,
    title: Option<usize>,
    published: Option<usize>,
    source: Option<usize>,
    url: Option<usize>,
    lang: Option<usize>,
}

/// Reads CSV records from a stream.
pub(crate) struct CsvSource {
    rows: BoundedRecords<Box<dyn std::io::BufRead + Send>>,
    gz: bool,
    file: String,
    stem: String,
    header: Option<(Columns, Arc<Vec<u8>>)>,
}

impl CsvSource {
    /// Read CSV from `stream`; `file` names it in locations, `stem` prefixes auto ids.
    pub fn new(stream: Stream, file: String, stem: String, opts: &ReadOptions) -> Self {
        CsvSource {
            rows: BoundedRecords::new(stream.reader, opts.max_bytes, Split::Csv),
            gz: stream.gz,
            file,
            stem,
            header: None,
        }
    }
}

/// Whether a raw row is empty (the `csv` crate skips such lines).
fn is_blank(row: &[u8]) -> bool {
    row.is_empty() || row == b"\r"
}

/// Parse exactly one CSV record from `bytes`.
fn parse_row(bytes: &[u8]) -> Result<csv::ByteRecord, ErrorKind> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(bytes.len().clamp(64, 64 * 1024))
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => {}
        Ok(false) => return Err(ErrorKind::InvalidCsv("empty row".into())),
        Err(e) => return Err(ErrorKind::InvalidCsv(e.to_string())),
    }
    let mut extra = csv::ByteRecord::new();
    match reader.read_byte_record(&mut extra) {
        Ok(false) => Ok(record),
        Ok(true) => Err(ErrorKind::InvalidCsv(
            "unexpected line break inside a row (bare carriage return?)".into(),
        )),
        Err(e) => Err(ErrorKind::InvalidCsv(e.to_string())),
    }
}

/// Find the article columns in a header row.
fn columns(names: &[String], opts: &ReadOptions) -> Columns {
    let find = |candidates: &[&str]| {
        candidates.iter().find_map(|c| {
            names
                .iter()
                .position(|n| n.trim().eq_ignore_ascii_case(c.trim()))
        })
    };
    let id_name = opts.id_field.as_deref().unwrap_or("id");
    let text = match opts.text_field.as_deref() {
        Some(name) => find(&[name]),
        None => find(&["text", "body", "content"]),
    };
    Columns {
        count: names.len(),
        id: find(&[id_name]),
        text,
        title: find(&["title"]),
        published: find(&["published", "date"]),
        source: find(&["source"]),
        url: find(&["url"]),
        lang: find(&["lang"]),
    }
}

impl CsvSource {
    /// Read the header row; `Err` ends the source.
    fn read_header(&mut self, opts: &ReadOptions) -> Result<bool, IngestError> {
        loop {
            let rec = match self.rows.next_record() {
                Ok(Some(rec)) => rec,
                Ok(None) => return Ok(false),
                Err(e) => return Err(stream_error(&self.file, self.gz, self.rows.lines(), &e)),
            };
            let location = Location::at_line(self.file.clone(), rec.line);
            if let Some(unclosed) = rec.unclosed {
                let message = match unclosed {
                    Unclosed::Resynced { until } => unclosed_message(until),
                    Unclosed::Lost => unclosed_message(None),
                };
                return Err(IngestError::new(location, ErrorKind::InvalidCsv(message)));
            }
            if rec.too_large(opts.max_bytes) {
                let kind = ErrorKind::TooLarge {
                    bytes: rec.len,
                    max: opts.max_bytes,
                };
                return Err(IngestError::new(location, kind));
            }
            let mut bytes = rec.bytes;
            if bytes.starts_with(b"\xEF\xBB\xBF") {
                bytes.drain(..3);
            }
            if is_blank(&bytes) {
                continue;
            }
            let record = parse_row(&bytes).map_err(|k| IngestError::new(location.clone(), k))?;
            let names: Vec<String> = record
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            let cols = columns(&names, opts);
            let text_name = opts.text_field.as_deref().unwrap_or("text");
            let id_name = opts.id_field.as_deref().unwrap_or("id");
            let missing = if cols.text.is_none() {
                Some(text_name)
            } else if cols.id.is_none() && !opts.auto_id {
                Some(id_name)
            } else {
                None
            };
            if let Some(name) = missing {
                return Err(IngestError::new(
                    location,
                    ErrorKind::MissingField(name.to_string()),
                ));
            }
            self.header = Some((cols, Arc::new(bytes)));
            return Ok(true);
        }
    }
}

impl Source for CsvSource {
    fn next_step(&mut self, opts: &ReadOptions, report: &mut SkipReport) -> Option<Step> {
        if self.header.is_none() {
            match self.read_header(opts) {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => return Some(Step::Fatal(e)),
            }
        }
        let (cols, header) = self.header.as_ref()?;
        loop {
            let (location, rec) =
                match next_bounded(&mut self.rows, &self.file, self.gz, opts.max_bytes) {
                    Ok(Some(next)) => next,
                    Ok(None) => return None,
                    Err(step) => return Some(*step),
                };
            if is_blank(&rec.bytes) {
                continue;
            }
            let fields = row_fields(&rec.bytes, cols, opts, report).map(|mut f| {
                fill_auto_id(&mut f, opts, &self.stem, rec.line);
                f
            });
            return Some(Step::Record {
                location,
                fields,
                raw: Raw::CsvRow {
                    header: Arc::clone(header),
                    row: rec.bytes,
                },
            });
        }
    }
}

/// Parse a data row into raw fields.
fn row_fields(
    bytes: &[u8],
    cols: &Columns,
    opts: &ReadOptions,
    report: &mut SkipReport,
) -> Result<Fields, ErrorKind> {
    let text = decode_utf8(bytes, opts, report)?;
    let record = parse_row(text.as_bytes())?;
    if record.len() != cols.count {
        return Err(ErrorKind::InvalidCsv(format!(
            "expected {} fields (as in the header), found {}",
            cols.count,
            record.len()
        )));
    }
    let get = |col: Option<usize>| -> Option<String> {
        let cell = record.get(col?)?;
        // The row was decoded as UTF-8 above, so every cell is valid UTF-8.
        let s = String::from_utf8_lossy(cell);
        (!s.trim().is_empty()).then(|| s.into_owned())
    };
    Ok(Fields {
        id: get(cols.id),
        // An empty text cell is present but empty: EmptyText, not MissingField.
        text: cols
            .text
            .and_then(|c| record.get(c))
            .map(|c| String::from_utf8_lossy(c).into_owned()),
        title: get(cols.title),
        published: get(cols.published),
        source: get(cols.source),
        url: get(cols.url),
        lang: get(cols.lang),
    })
}
