//! CSV input: a header row naming the columns, then one article per row.
//!
//! Column names are the JSONL field names (`id`, `text`/`body`/`content`, `title`,
//! `published`/`date`, `source`, `url`, `lang`), matched case-insensitively after
//! trimming; the field names of [`ReadOptions`] (`id_field`, `text_field`, `title_field`,
//! ...) override them ([`ReadOptions::names`]). [`ReadOptions::columns`] replaces the names
//! of the header row; with [`ReadOptions::no_header`] the file has none, its first row is an
//! article, and the columns are named by `columns`, else by their 1-based position (`1`, `2`,
//! ...). A missing id or text column is an error listing the columns found. Empty cells count
//! as missing (an empty text cell is [`ErrorKind::EmptyText`]).
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
    decode_utf8, fill_auto_id, stream_error, unclosed_message, ErrorKind, Field, Fields,
    IngestError, Location, Raw, ReadOptions, SkipReport, Source, Step, Stream,
};

/// Column positions of the article fields.
#[derive(Clone, Debug, Default)]
struct Columns {
    /// The column names (to list in a missing-field error).
    names: Vec<String>,
    /// Where the names come from, for a row with another number of fields.
    named_by: &'static str,
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
    /// The first row of a file without a header row, read to count its columns.
    pending: Option<(Location, super::records::RawRecord)>,
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
            pending: None,
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

/// Find the article columns among the column names; `named_by` says where the names come
/// from. The error when the text column, or the id column without automatic ids, is missing.
fn columns(
    names: Vec<String>,
    named_by: &'static str,
    opts: &ReadOptions,
) -> Result<Columns, ErrorKind> {
    let find = |field: Field| {
        opts.names(field).as_slice().iter().find_map(|c| {
            names
                .iter()
                .position(|n| n.trim().eq_ignore_ascii_case(c.trim()))
        })
    };
    let cols = Columns {
        count: names.len(),
        id: find(Field::Id),
        text: find(Field::Text),
        title: find(Field::Title),
        published: find(Field::Published),
        source: find(Field::Source),
        url: find(Field::Url),
        lang: find(Field::Lang),
        names,
        named_by,
    };
    let missing = if cols.text.is_none() {
        Some(Field::Text)
    } else if cols.id.is_none() && !opts.auto_id {
        Some(Field::Id)
    } else {
        None
    };
    match missing {
        Some(field) => Err(ErrorKind::MissingField(
            opts.names(field).first().to_string(),
            cols.names.clone(),
        )),
        None => Ok(cols),
    }
}

/// Column names 1, 2, ..., `n` (a file without a header row, without column names given).
fn positions(n: usize) -> Vec<String> {
    (1..=n).map(|i| i.to_string()).collect()
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
            let mut names: Vec<String> = record
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            let mut named_by = "as in the header";
            if let Some(given) = &opts.columns {
                if given.len() != names.len() {
                    let kind = ErrorKind::InvalidCsv(format!(
                        "the header row has {} fields, but {} column names were given",
                        names.len(),
                        given.len()
                    ));
                    return Err(IngestError::new(location, kind));
                }
                names = given.clone();
                named_by = "as many as the column names given";
            }
            let cols = columns(names, named_by, opts).map_err(|k| IngestError::new(location, k))?;
            self.header = Some((cols, Arc::new(bytes)));
            return Ok(true);
        }
    }

    /// The columns of a file without a header row: the names given, else the positions of
    /// the fields of its first row (read and kept in `pending`). `Ok(None)`: no columns yet
    /// (the file is empty, or its first row is a record error, returned as the step).
    fn headless_columns(&mut self, opts: &ReadOptions) -> Result<Option<Columns>, Box<Step>> {
        let location = Location::file(self.file.clone());
        if let Some(given) = &opts.columns {
            let cols = columns(given.clone(), "as many as the column names given", opts)
                .map_err(|k| Box::new(Step::Fatal(IngestError::new(location, k))))?;
            return Ok(Some(cols));
        }
        loop {
            let (location, rec) =
                match next_bounded(&mut self.rows, &self.file, self.gz, opts.max_bytes) {
                    Ok(Some(next)) => next,
                    Ok(None) => return Ok(None),
                    Err(step) => return Err(step),
                };
            if is_blank(&rec.bytes) {
                continue;
            }
            // The row is parsed again as a record: here only its number of fields counts.
            let count = match parse_row(&rec.bytes) {
                Ok(record) => record.len(),
                Err(kind) => {
                    return Err(Box::new(Step::Record {
                        location,
                        fields: Err(kind),
                        raw: Raw::None,
                    }))
                }
            };
            let cols = columns(positions(count), "as in the first row", opts)
                .map_err(|k| Box::new(Step::Fatal(IngestError::new(location.clone(), k))))?;
            self.pending = Some((location, rec));
            return Ok(Some(cols));
        }
    }
}

impl Source for CsvSource {
    fn next_step(&mut self, opts: &ReadOptions, report: &mut SkipReport) -> Option<Step> {
        if self.header.is_none() {
            if opts.no_header {
                match self.headless_columns(opts) {
                    Ok(Some(cols)) => self.header = Some((cols, Arc::new(Vec::new()))),
                    Ok(None) => return None,
                    Err(step) => return Some(*step),
                }
            } else {
                match self.read_header(opts) {
                    Ok(true) => {}
                    Ok(false) => return None,
                    Err(e) => return Some(Step::Fatal(e)),
                }
            }
        }
        let (cols, header) = self.header.as_ref()?;
        loop {
            let next = match self.pending.take() {
                Some(first) => Ok(Some(first)),
                None => next_bounded(&mut self.rows, &self.file, self.gz, opts.max_bytes),
            };
            let (location, mut rec) = match next {
                Ok(Some(next)) => next,
                Ok(None) => return None,
                Err(step) => return Some(*step),
            };
            // A byte-order mark opens the first row of a file without a header row.
            if rec.line == 1 && rec.bytes.starts_with(b"\xEF\xBB\xBF") {
                rec.bytes.drain(..3);
            }
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
            "expected {} fields ({}), found {}",
            cols.count,
            cols.named_by,
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
        // Both columns exist (else the header is refused): an empty cell lists nothing.
        found: Vec::new(),
    })
}
