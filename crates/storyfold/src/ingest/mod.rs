//! Reading articles from JSONL, CSV and directories of text files.
//!
//! The entry point is [`Reader::open`], an iterator of [`Article`]s over one or more
//! [`Input`]s. The format of each input is picked by [`detect_format`] (or forced with
//! [`ReadOptions::format`]); `.gz` inputs are decompressed transparently. Every record is
//! validated the same way whatever its format (id, text, date, duplicate ids) and every
//! problem is reported as an [`IngestError`] naming the file and line. With
//! [`ReadOptions::skip_invalid`] bad records are counted in a [`SkipReport`] instead.
//!
//! [`write_kept`] re-reads the same inputs and writes back the original raw records of a
//! chosen subset of articles (the `--keep` feature of the command-line tool).
//!
//! JSONL and CSV are streamed: at most one record (bounded by [`ReadOptions::max_bytes`])
//! is held in memory at a time.

mod csv;
mod date;
pub(crate) mod jsonl;
mod keep;
mod records;
mod txt;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

pub use date::{parse_date, parse_date_as, DateFormat};
pub use keep::{write_kept, KeepError, KeepTarget};
pub use txt::looks_like_headline;

/// One article read from an input.
#[derive(Clone, Debug, PartialEq)]
pub struct Article {
    /// Identifier, unique across all inputs of one [`Reader`].
    pub id: String,
    /// Headline, if the record has one.
    pub title: Option<String>,
    /// Body text (never empty after normalization: not only whitespace, control or invisible
    /// characters such as zero-width spaces).
    pub text: String,
    /// Publication time; a bare `YYYY-MM-DD` date is midnight UTC.
    pub published: Option<DateTime<FixedOffset>>,
    /// Publisher or feed name.
    pub source: Option<String>,
    /// Canonical URL.
    pub url: Option<String>,
    /// Language code as given in the input (not validated).
    pub lang: Option<String>,
    /// 0-based position among the valid records yielded, across all inputs in input order.
    pub seq: u64,
    /// Where the record came from.
    pub location: Location,
}

impl Article {
    /// An article with an id and a text, and nothing else (no title, date or source; its
    /// location is `api`): set the other fields with struct update syntax.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Article {
        Article {
            id: id.into(),
            title: None,
            text: text.into(),
            published: None,
            source: None,
            url: None,
            lang: None,
            seq: 0,
            location: Location::file("api"),
        }
    }
}

/// Where a record came from: a file (or `<stdin>`) and, for line-based formats, a
/// 1-based line number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// File path as given on input (`<stdin>` for standard input).
    pub file: String,
    /// 1-based line number (the first line of the record), if the format has lines.
    pub line: Option<u64>,
}

impl Location {
    /// A location with a line number.
    pub fn at_line(file: impl Into<String>, line: u64) -> Location {
        Location {
            file: file.into(),
            line: Some(line),
        }
    }

    /// A location naming only a file.
    pub fn file(file: impl Into<String>) -> Location {
        Location {
            file: file.into(),
            line: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}", self.file, line),
            None => write!(f, "{}", self.file),
        }
    }
}

/// Input formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// A directory of `.txt` files, one article per file.
    TxtDir,
}

/// Options for reading articles.
///
/// The field names (`id_field`, `text_field`, `title_field`, `source_field`, `date_field`,
/// `url_field`) map a record's fields (JSONL keys, CSV column names) to the article's; a name
/// given replaces the default name and its aliases. [`ReadOptions::names`] is the one place
/// where both formats look them up.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Name of the id field (default: `id`).
    pub id_field: Option<String>,
    /// Name of the text field (default: `text`, then the aliases `body` and `content`).
    pub text_field: Option<String>,
    /// Name of the title field (default: `title`).
    pub title_field: Option<String>,
    /// Name of the source (publisher) field (default: `source`).
    pub source_field: Option<String>,
    /// Name of the publication date field (default: `published`, then the alias `date`).
    pub date_field: Option<String>,
    /// Name of the URL field (default: `url`).
    pub url_field: Option<String>,
    /// How dates are written (default: the forms [`parse_date`] accepts). With an epoch
    /// format a JSONL date may also be a JSON number.
    pub date_format: Option<DateFormat>,
    /// CSV column names, in order: they replace the names of the header row, or name the
    /// columns of a file without one ([`ReadOptions::no_header`]). Every row must have this
    /// many fields.
    pub columns: Option<Vec<String>>,
    /// The CSV input has no header row: its first row is an article. Its columns are named by
    /// [`ReadOptions::columns`], else by their 1-based position (`1`, `2`, `3`, ...).
    pub no_header: bool,
    /// Generate `<file stem>:<line>` ids for records without one.
    pub auto_id: bool,
    /// Count invalid records in the [`SkipReport`] instead of yielding errors.
    pub skip_invalid: bool,
    /// Largest accepted record (JSONL line, CSV row, or `.txt` file) in bytes.
    pub max_bytes: usize,
    /// Replace invalid UTF-8 with U+FFFD instead of rejecting the record.
    pub lossy_utf8: bool,
    /// Drop unparseable dates (the record is kept with no date) instead of rejecting it.
    pub lenient_dates: bool,
    /// Force a format instead of detecting it from the path.
    pub format: Option<Format>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            id_field: None,
            text_field: None,
            title_field: None,
            source_field: None,
            date_field: None,
            url_field: None,
            date_format: None,
            columns: None,
            no_header: false,
            auto_id: false,
            skip_invalid: false,
            max_bytes: 10_000_000,
            lossy_utf8: false,
            lenient_dates: false,
            format: None,
        }
    }
}

/// The article fields a record field can be mapped to ([`ReadOptions::names`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The id.
    Id,
    /// The body text.
    Text,
    /// The headline.
    Title,
    /// The publication date.
    Published,
    /// The publisher.
    Source,
    /// The URL.
    Url,
    /// The language code (always `lang`).
    Lang,
}

impl Field {
    /// Every field, in the order records are read.
    pub const ALL: [Field; 7] = [
        Field::Id,
        Field::Text,
        Field::Title,
        Field::Published,
        Field::Source,
        Field::Url,
        Field::Lang,
    ];
}

/// The names a field is read from, first match wins (at most three).
#[derive(Clone, Copy, Debug)]
pub struct Names<'a> {
    names: [&'a str; 3],
    len: usize,
}

impl<'a> Names<'a> {
    fn given_or(given: Option<&'a str>, defaults: &[&'static str]) -> Names<'a> {
        let mut names = [""; 3];
        let len = match given {
            Some(g) => {
                names[0] = g;
                1
            }
            None => {
                names[..defaults.len()].copy_from_slice(defaults);
                defaults.len()
            }
        };
        Names { names, len }
    }

    /// The names, in order of preference.
    pub fn as_slice(&self) -> &[&'a str] {
        &self.names[..self.len]
    }

    /// The first name (the one named in a missing-field error).
    pub fn first(&self) -> &'a str {
        self.names[0]
    }
}

impl ReadOptions {
    /// The record field names `field` is read from: the name given in these options, else
    /// the default name and its aliases.
    pub fn names(&self, field: Field) -> Names<'_> {
        match field {
            Field::Id => Names::given_or(self.id_field.as_deref(), &["id"]),
            Field::Text => {
                Names::given_or(self.text_field.as_deref(), &["text", "body", "content"])
            }
            Field::Title => Names::given_or(self.title_field.as_deref(), &["title"]),
            Field::Published => Names::given_or(self.date_field.as_deref(), &["published", "date"]),
            Field::Source => Names::given_or(self.source_field.as_deref(), &["source"]),
            Field::Url => Names::given_or(self.url_field.as_deref(), &["url"]),
            Field::Lang => Names::given_or(None, &["lang"]),
        }
    }
}

/// One input: standard input or a path (file or directory).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// Standard input (JSONL, or CSV when [`ReadOptions::format`] says so; gzip is detected).
    Stdin,
    /// A file or a directory of `.txt` files.
    Path(PathBuf),
}

impl Input {
    /// Parse a command-line argument: `-` is standard input, anything else a path.
    pub fn from_arg(arg: &str) -> Input {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::Path(PathBuf::from(arg))
        }
    }

    /// The name used in [`Location::file`].
    pub fn label(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_string(),
            Input::Path(p) => p.display().to_string(),
        }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// What was wrong with a record or an input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// The input could not be opened or read.
    #[error("I/O error: {0}")]
    Io(String),
    /// A JSONL line is not valid JSON or not a JSON object.
    #[error("invalid JSON: {0}")]
    InvalidJson(String),
    /// A CSV row could not be parsed or has the wrong number of fields.
    #[error("invalid CSV: {0}")]
    InvalidCsv(String),
    /// The record is not valid UTF-8 (and lossy decoding is off).
    #[error("invalid UTF-8 (enable lossy UTF-8 decoding to replace bad bytes)")]
    InvalidUtf8,
    /// A required field is missing or null: the field name, and the names of the fields (JSONL
    /// keys, CSV columns) the record or file has, to show what could be mapped instead.
    #[error("missing field `{}`{}", .0, found_fields(.1))]
    MissingField(String, Vec<String>),
    /// A field has the wrong JSON type.
    #[error("field `{field}` must be a {expected}")]
    WrongType {
        /// The field name.
        field: String,
        /// What was expected, e.g. `string`.
        expected: &'static str,
    },
    /// The text is empty: only whitespace, control or invisible characters (zero-width
    /// spaces, byte-order marks), nothing that normalization keeps.
    #[error("text is empty (nothing but whitespace or invisible characters)")]
    EmptyText,
    /// The id was already used by an earlier record.
    #[error("duplicate id `{id}` (first seen at {first})")]
    DuplicateId {
        /// The repeated id.
        id: String,
        /// Where the first record with this id was read.
        first: Location,
    },
    /// The date could not be parsed or is impossible.
    #[error("invalid date: {0}")]
    InvalidDate(String),
    /// The record is larger than [`ReadOptions::max_bytes`].
    #[error("record is {bytes} bytes, over the limit of {max} bytes")]
    TooLarge {
        /// Size of the record in bytes.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// A gzip stream ended early; the rest of the file is lost.
    #[error("truncated gzip stream")]
    TruncatedGzip,
    /// A gzip stream is corrupt; the rest of the file is lost.
    #[error("corrupt gzip stream: {0}")]
    CorruptGzip(String),
    /// The input cannot be used this way (e.g. standard input for a second pass).
    #[error("unsupported input: {0}")]
    Unsupported(String),
    /// A `.txt` file of a directory input is a symbolic link to nothing (its target).
    #[error("dangling symbolic link (to {0})")]
    DanglingLink(String),
    /// A `.txt` file is UTF-16 or UTF-32 (see [`foreign_encoding`]), not UTF-8. (A JSONL or
    /// CSV input in those encodings is refused whole, as [`ErrorKind::Unsupported`].)
    #[error("the file is {0}, not UTF-8: convert it first, e.g. with `iconv -f {0} -t UTF-8`")]
    Encoding(&'static str),
}

/// ` (fields found: a, b, c)` for a missing-field error, at most 20 names shown; nothing
/// when none are known (the field is present but blank).
fn found_fields(found: &[String]) -> String {
    const SHOWN: usize = 20;
    if found.is_empty() {
        return String::new();
    }
    let mut list: Vec<String> = found.iter().take(SHOWN).map(|f| format!("{f:?}")).collect();
    if found.len() > SHOWN {
        list.push(format!("and {} more", found.len() - SHOWN));
    }
    format!(" (fields found: {})", list.join(", "))
}

impl ErrorKind {
    /// Short stable label used to count errors in a [`SkipReport`].
    pub fn label(&self) -> &'static str {
        match self {
            ErrorKind::Io(_) => "I/O error",
            ErrorKind::InvalidJson(_) => "invalid JSON",
            ErrorKind::InvalidCsv(_) => "invalid CSV",
            ErrorKind::InvalidUtf8 => "invalid UTF-8",
            ErrorKind::MissingField(..) => "missing field",
            ErrorKind::WrongType { .. } => "wrong field type",
            ErrorKind::EmptyText => "empty text",
            ErrorKind::DuplicateId { .. } => "duplicate id",
            ErrorKind::InvalidDate(_) => "invalid date",
            ErrorKind::TooLarge { .. } => "too large",
            ErrorKind::TruncatedGzip | ErrorKind::CorruptGzip(_) => "truncated input",
            ErrorKind::Unsupported(_) => "unsupported input",
            ErrorKind::Encoding(_) => "not UTF-8",
            ErrorKind::DanglingLink(_) => "dangling link",
        }
    }

    /// Whether this error concerns a single record (reading continues after it) rather
    /// than a whole input.
    pub fn is_record_error(&self) -> bool {
        !matches!(
            self,
            ErrorKind::Io(_)
                | ErrorKind::TruncatedGzip
                | ErrorKind::CorruptGzip(_)
                | ErrorKind::Unsupported(_)
        )
    }
}

/// An error naming where it happened and what was wrong, displayed as
/// `data.jsonl:17: invalid JSON: expected value at line 1 column 1`.
///
/// For [`ErrorKind::TruncatedGzip`] and [`ErrorKind::CorruptGzip`] the location's line
/// is the last complete line read before the damage.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", render_error(.location, .kind))]
pub struct IngestError {
    /// Where the error happened.
    pub location: Location,
    /// What was wrong.
    pub kind: ErrorKind,
}

fn render_error(location: &Location, kind: &ErrorKind) -> String {
    match (kind, location.line) {
        (ErrorKind::TruncatedGzip | ErrorKind::CorruptGzip(_), Some(line)) => {
            format!(
                "{}: {kind}; last good line {line}, the rest of the file is lost",
                location.file
            )
        }
        (ErrorKind::TruncatedGzip | ErrorKind::CorruptGzip(_), None) => {
            format!("{}: {kind} before the first complete line", location.file)
        }
        _ => format!("{location}: {kind}"),
    }
}

impl IngestError {
    /// Build an error.
    pub fn new(location: Location, kind: ErrorKind) -> IngestError {
        IngestError { location, kind }
    }
}

/// How many records were skipped and why (with [`ReadOptions::skip_invalid`]), plus
/// counts of silent repairs (dates dropped, invalid UTF-8 replaced).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SkipReport {
    counts: BTreeMap<&'static str, u64>,
    examples: Vec<String>,
    dates_dropped: u64,
    utf8_replaced: u64,
    empty_inputs: Vec<String>,
    warnings: Vec<ReadWarning>,
}

/// How many example error messages a [`SkipReport`] keeps.
pub const SKIP_EXAMPLES: usize = 10;

impl SkipReport {
    /// Record a skipped record.
    pub fn record(&mut self, err: &IngestError) {
        *self.counts.entry(err.kind.label()).or_insert(0) += 1;
        if self.examples.len() < SKIP_EXAMPLES {
            self.examples.push(err.to_string());
        }
    }

    /// Total number of skipped records (or inputs, for truncated gzip).
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    /// Number skipped with a given [`ErrorKind::label`].
    pub fn count(&self, label: &str) -> u64 {
        self.counts.get(label).copied().unwrap_or(0)
    }

    /// Counts per [`ErrorKind::label`], sorted by label.
    pub fn counts(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        self.counts.iter().map(|(k, v)| (*k, *v))
    }

    /// The first few error messages (at most [`SKIP_EXAMPLES`]).
    pub fn examples(&self) -> &[String] {
        &self.examples
    }

    /// Number of unparseable dates dropped under [`ReadOptions::lenient_dates`].
    pub fn dates_dropped(&self) -> u64 {
        self.dates_dropped
    }

    /// Number of invalid UTF-8 sequences replaced under [`ReadOptions::lossy_utf8`].
    pub fn utf8_replaced(&self) -> u64 {
        self.utf8_replaced
    }

    /// Inputs that held no record at all (empty files, blank lines only, directories
    /// without `.txt` files), by [`Input::label`].
    pub fn empty_inputs(&self) -> &[String] {
        &self.empty_inputs
    }

    /// What the inputs read so far seem to lack (see [`ReadWarning`]), at most one of each
    /// kind per input.
    pub fn warnings(&self) -> &[ReadWarning] {
        &self.warnings
    }

    /// Keep only the warnings `keep` accepts (a command that reads only the text has no use
    /// for the others).
    pub fn retain_warnings(&mut self, keep: impl Fn(&ReadWarning) -> bool) {
        self.warnings.retain(|w| keep(w));
    }

    /// True when nothing was skipped, dropped or replaced, no input was empty and nothing
    /// was warned about.
    pub fn is_empty(&self) -> bool {
        !self.has_repairs() && self.warnings.is_empty()
    }

    /// Whether anything was skipped, dropped or replaced, or an input was empty.
    fn has_repairs(&self) -> bool {
        self.total() > 0
            || self.dates_dropped > 0
            || self.utf8_replaced > 0
            || !self.empty_inputs.is_empty()
    }

    pub(crate) fn add_utf8_replaced(&mut self, n: u64) {
        self.utf8_replaced += n;
    }
}

impl fmt::Display for SkipReport {
    /// One line of counts (left out when only warnings are to show), the warnings one per
    /// line, then the first errors.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lines = self.warnings.iter().map(|w| format!("warning: {w}"));
        if !self.has_repairs() && !self.warnings.is_empty() {
            return f.write_str(&lines.collect::<Vec<_>>().join("\n"));
        }
        let total = self.total();
        if total == 0 {
            write!(f, "no records skipped")?;
        } else {
            let parts: Vec<String> = self
                .counts
                .iter()
                .map(|(label, n)| format!("{n} {label}"))
                .collect();
            let noun = if total == 1 { "record" } else { "records" };
            write!(f, "skipped {total} {noun}: {}", parts.join(", "))?;
        }
        if self.dates_dropped > 0 {
            write!(f, "; dropped {} unparseable dates", self.dates_dropped)?;
        }
        if self.utf8_replaced > 0 {
            write!(
                f,
                "; replaced {} invalid UTF-8 sequences",
                self.utf8_replaced
            )?;
        }
        if !self.empty_inputs.is_empty() {
            write!(f, "; no records in {}", self.empty_inputs.join(", "))?;
        }
        for line in lines.by_ref() {
            write!(f, "\n{line}")?;
        }
        if !self.examples.is_empty() {
            write!(f, "\nfirst errors:")?;
            for e in &self.examples {
                write!(f, "\n  {e}")?;
            }
        }
        Ok(())
    }
}

/// What one input's articles seem to lack, warned about once per input when it ends (on
/// standard error by the command-line tool): a text field holding no text, or most articles
/// without a date or a source. Reading goes on; the articles are as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadWarning {
    /// The input ([`Input::label`]).
    pub input: String,
    /// What is lacking.
    pub kind: WarningKind,
    /// How many of the input's articles lack it.
    pub count: u64,
    /// How many articles the input gave.
    pub of: u64,
    /// The field names read for it (`published/date`, or the one given).
    pub field: String,
}

/// What a [`ReadWarning`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarningKind {
    /// Most texts are one word or hold no letter (a number, a class label): the text field
    /// is probably not the text.
    NoText,
    /// Most articles have no date: origins and story order follow input order, and the
    /// time window cannot separate stories.
    NoDate,
    /// Most articles have no source.
    NoSource,
}

impl fmt::Display for ReadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ReadWarning {
            input,
            count,
            of,
            field,
            ..
        } = self;
        match self.kind {
            WarningKind::NoText => write!(
                f,
                "{input}: {count} of {of} texts (field {field}) are a single word or hold no \
                 letter: is it the text field? (choose another with --text-field)"
            ),
            WarningKind::NoDate => write!(
                f,
                "{input}: {count} of {of} articles have no date (field {field}): origins and \
                 story order follow input order, and the time window cannot apply (map a date \
                 with --date-field and --date-format)"
            ),
            WarningKind::NoSource => write!(
                f,
                "{input}: {count} of {of} articles have no source (field {field}; map one with \
                 --source-field)"
            ),
        }
    }
}

/// Counts over one input's valid articles, for its [`ReadWarning`]s.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    articles: u64,
    undated: u64,
    unsourced: u64,
    no_text: u64,
}

impl Tally {
    /// Count one article.
    fn count(&mut self, a: &Article) {
        self.articles += 1;
        self.undated += u64::from(a.published.is_none());
        self.unsourced += u64::from(a.source.is_none());
        self.no_text += u64::from(holds_no_text(&a.text));
    }

    /// The warnings for input `input`: a kind is warned about when more than half of the
    /// articles lack it (the text from one article on; dates and sources, which only matter
    /// between articles, from two).
    fn warnings(&self, input: &str, opts: &ReadOptions) -> Vec<ReadWarning> {
        let n = self.articles;
        let checks = [
            (WarningKind::NoText, self.no_text, Field::Text, 1),
            (WarningKind::NoDate, self.undated, Field::Published, 2),
            (WarningKind::NoSource, self.unsourced, Field::Source, 2),
        ];
        checks
            .into_iter()
            .filter(|&(_, count, _, min)| n >= min && count * 2 > n)
            .map(|(kind, count, field, _)| ReadWarning {
                input: input.to_string(),
                kind,
                count,
                of: n,
                field: opts
                    .names(field)
                    .as_slice()
                    .iter()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join("/"),
            })
            .collect()
    }
}

/// Whether a text looks like no text at all: one word or less, or no letter anywhere (a
/// number, a code, a class label).
fn holds_no_text(text: &str) -> bool {
    text.split_whitespace().nth(1).is_none() || !text.chars().any(char::is_alphabetic)
}

/// Detect the format of a path: a directory is [`Format::TxtDir`]; `.csv` (optionally
/// followed by `.gz`) is [`Format::Csv`]; everything else, including `.jsonl`, `.json`,
/// `.ndjson` and unknown extensions, is [`Format::Jsonl`].
pub fn detect_format(path: &Path) -> Format {
    if path.is_dir() {
        return Format::TxtDir;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    if name.ends_with(".csv") {
        Format::Csv
    } else {
        Format::Jsonl
    }
}

/// The encoding of text that is UTF-16 or UTF-32 rather than UTF-8, judged from its start:
/// a byte-order mark, or (without one) the NUL bytes that Latin text has at fixed places in
/// those encodings (at least 9 in 10 of the first 512 bytes' characters). `None` for
/// anything else, UTF-8 included.
///
/// ```
/// use storyfold::ingest::foreign_encoding;
/// assert_eq!(foreign_encoding(b"\xFF\xFE{\0}\0"), Some("UTF-16LE"));
/// assert_eq!(foreign_encoding(b"{\0\0\0\"\0\0\0i\0\0\0d\0\0\0"), Some("UTF-32LE"));
/// assert_eq!(foreign_encoding("{\"id\": 1}".as_bytes()), None);
/// ```
pub fn foreign_encoding(start: &[u8]) -> Option<&'static str> {
    for (bom, name) in [
        (&b"\xFF\xFE\0\0"[..], "UTF-32LE"),
        (b"\0\0\xFE\xFF", "UTF-32BE"),
        (b"\xFF\xFE", "UTF-16LE"),
        (b"\xFE\xFF", "UTF-16BE"),
    ] {
        if start.starts_with(bom) {
            return Some(name);
        }
    }
    let n = start.len().min(512) / 4 * 4;
    if n < 8 {
        return None;
    }
    // NUL bytes at each position modulo 4, over the 4-byte units.
    let mut zeros = [0usize; 4];
    for (i, &b) in start[..n].iter().enumerate() {
        zeros[i % 4] += usize::from(b == 0);
    }
    let units = n / 4;
    let mostly = |z: usize| z * 10 >= units * 9;
    let rarely = |z: usize| z * 10 <= units;
    let [z0, z1, z2, z3] = zeros;
    if rarely(z0) && mostly(z1) && mostly(z2) && mostly(z3) {
        Some("UTF-32LE")
    } else if mostly(z0) && mostly(z1) && mostly(z2) && rarely(z3) {
        Some("UTF-32BE")
    } else if rarely(z0) && mostly(z1) && rarely(z2) && mostly(z3) {
        Some("UTF-16LE")
    } else if mostly(z0) && rarely(z1) && mostly(z2) && rarely(z3) {
        Some("UTF-16BE")
    } else {
        None
    }
}

/// Whether a path names a gzip file (by its `.gz` extension).
fn is_gz(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// The stem used for automatic ids: the file name without `.gz` and without its last
/// extension (`data.jsonl.gz` gives `data`).
fn file_stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = if name.to_ascii_lowercase().ends_with(".gz") {
        &name[..name.len() - 3]
    } else {
        &name[..]
    };
    match name.rfind('.') {
        Some(i) if i > 0 => name[..i].to_string(),
        _ => name.to_string(),
    }
}

/// Raw fields of one record, before validation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Fields {
    pub id: Option<String>,
    pub title: Option<String>,
    pub text: Option<String>,
    pub published: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub lang: Option<String>,
    /// The names of the record's fields (JSONL keys, CSV columns), filled only when the id or
    /// the text is missing: the list a [`ErrorKind::MissingField`] shows.
    pub found: Vec<String>,
}

/// The original bytes of a record, for [`write_kept`].
#[derive(Clone, Debug)]
pub(crate) enum Raw {
    /// A JSONL line without its `\n`.
    Line(Vec<u8>),
    /// A CSV row without its final `\n`, with the raw header row of its file.
    CsvRow { header: Arc<Vec<u8>>, row: Vec<u8> },
    /// A `.txt` file and its path relative to the input directory.
    File { path: PathBuf, rel: PathBuf },
    /// Nothing (the record failed before its bytes were known).
    None,
}

/// One step of a format-specific source.
pub(crate) enum Step {
    /// A record (possibly with a record-level error in `fields`).
    Record {
        location: Location,
        fields: Result<Fields, ErrorKind>,
        raw: Raw,
    },
    /// An error that ends this source.
    Fatal(IngestError),
}

/// A format-specific producer of raw records.
pub(crate) trait Source: Send {
    /// The next record, or `None` at the end.
    fn next_step(&mut self, opts: &ReadOptions, report: &mut SkipReport) -> Option<Step>;
}

/// A reader that counts the bytes read through it into a shared counter.
struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// An opened byte stream, possibly decompressing.
pub(crate) struct Stream {
    pub reader: Box<dyn BufRead + Send>,
    pub gz: bool,
}

/// Open a file (or stdin) as a buffered, possibly gunzipped byte stream.
fn open_stream(input: &Input, counter: &Arc<AtomicU64>) -> Result<Stream, IngestError> {
    const BUF: usize = 64 * 1024;
    match input {
        Input::Stdin => {
            let counted = CountingReader {
                inner: io::stdin(),
                count: Arc::clone(counter),
            };
            let mut buffered = BufReader::with_capacity(BUF, counted);
            let peek = buffered
                .fill_buf()
                .map_err(|e| IngestError::new(Location::file(input.label()), io_kind(&e)))?;
            if peek.starts_with(&[0x1f, 0x8b]) {
                let dec = flate2::bufread::MultiGzDecoder::new(buffered);
                Ok(Stream {
                    reader: Box::new(BufReader::with_capacity(BUF, dec)),
                    gz: true,
                })
            } else {
                Ok(Stream {
                    reader: Box::new(buffered),
                    gz: false,
                })
            }
        }
        Input::Path(path) => {
            let file = File::open(path)
                .map_err(|e| IngestError::new(Location::file(input.label()), io_kind(&e)))?;
            let counted = CountingReader {
                inner: file,
                count: Arc::clone(counter),
            };
            if is_gz(path) {
                let dec = flate2::read::MultiGzDecoder::new(BufReader::with_capacity(BUF, counted));
                Ok(Stream {
                    reader: Box::new(BufReader::with_capacity(BUF, dec)),
                    gz: true,
                })
            } else {
                Ok(Stream {
                    reader: Box::new(BufReader::with_capacity(BUF, counted)),
                    gz: false,
                })
            }
        }
    }
}

/// Turn an I/O error into an [`ErrorKind::Io`].
pub(crate) fn io_kind(e: &io::Error) -> ErrorKind {
    ErrorKind::Io(e.to_string())
}

/// The next record of a line-based source with its location. `Err` carries the step to
/// return instead: a read failure that ends the source, or a record over `max_bytes` (which
/// was discarded without being held in memory). `Ok(None)` at the end.
pub(crate) fn next_bounded<R: BufRead>(
    records: &mut records::BoundedRecords<R>,
    file: &str,
    gz: bool,
    max_bytes: usize,
) -> Result<Option<(Location, records::RawRecord)>, Box<Step>> {
    let rec = match records.next_record() {
        Ok(Some(rec)) => rec,
        Ok(None) => return Ok(None),
        Err(e) => {
            return Err(Box::new(Step::Fatal(stream_error(
                file,
                gz,
                records.lines(),
                &e,
            ))))
        }
    };
    let location = Location::at_line(file, rec.line);
    match rec.unclosed {
        Some(records::Unclosed::Lost) => {
            // The rest of the input is lost: an error about the whole input, never skipped.
            return Err(Box::new(Step::Fatal(IngestError::new(
                location,
                ErrorKind::Unsupported(
                    "unterminated quoted field: the quote opened on this line does not close \
                     (an unbalanced quote?), and the lines after it cannot be read again (over \
                     the record limit, or too many such quotes); the rest of the file is not read"
                        .into(),
                ),
            ))));
        }
        Some(records::Unclosed::Resynced { until }) => {
            return Err(Box::new(Step::Record {
                location,
                fields: Err(ErrorKind::InvalidCsv(unclosed_message(until))),
                raw: Raw::None,
            }))
        }
        None => {}
    }
    if rec.too_large(max_bytes) {
        return Err(Box::new(Step::Record {
            location,
            fields: Err(ErrorKind::TooLarge {
                bytes: rec.len,
                max: max_bytes,
            }),
            raw: Raw::None,
        }));
    }
    Ok(Some((location, rec)))
}

/// What is wrong with a CSV row whose quote does not close ([`records::Unclosed::Resynced`]).
pub(crate) fn unclosed_message(until: Option<u64>) -> String {
    let how = match until {
        Some(line) => format!("is taken as closed only on line {line}, followed by text"),
        None => "never closes".to_string(),
    };
    format!(
        "unterminated quoted field: the quote opened on this line {how} (an unbalanced \
         quote?); the row is this line alone, and reading goes on with the next line"
    )
}

/// The error for a failed read in the middle of a stream: gzip damage when the stream is
/// compressed, a plain I/O error otherwise. `last_line` is the last complete line.
pub(crate) fn stream_error(file: &str, gz: bool, last_line: u64, e: &io::Error) -> IngestError {
    let location = Location {
        file: file.to_string(),
        line: (last_line > 0).then_some(last_line),
    };
    let kind = if !gz {
        io_kind(e)
    } else if e.kind() == io::ErrorKind::UnexpectedEof {
        ErrorKind::TruncatedGzip
    } else {
        ErrorKind::CorruptGzip(e.to_string())
    };
    IngestError::new(location, kind)
}

/// Decode record bytes as UTF-8, replacing bad sequences when `opts.lossy_utf8` is set
/// (and counting them in `report`).
pub(crate) fn decode_utf8<'a>(
    bytes: &'a [u8],
    opts: &ReadOptions,
    report: &mut SkipReport,
) -> Result<Cow<'a, str>, ErrorKind> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Cow::Borrowed(s)),
        Err(_) if opts.lossy_utf8 => {
            let bad = bytes
                .utf8_chunks()
                .filter(|c| !c.invalid().is_empty())
                .count();
            report.add_utf8_replaced(bad as u64);
            Ok(String::from_utf8_lossy(bytes))
        }
        Err(_) => Err(ErrorKind::InvalidUtf8),
    }
}

/// Fill in an automatic id (`<stem>:<line>`) when the record has none (or a blank one)
/// and `auto_id` is on.
pub(crate) fn fill_auto_id(fields: &mut Fields, opts: &ReadOptions, stem: &str, line: u64) {
    let blank = fields.id.as_deref().is_none_or(|id| id.trim().is_empty());
    if blank && opts.auto_id {
        fields.id = Some(format!("{stem}:{line}"));
    }
}

/// Trim an optional string field; empty or whitespace-only values become `None`.
pub(crate) fn clean_opt(value: Option<String>) -> Option<String> {
    value.and_then(|v| {
        let t = v.trim();
        if t.is_empty() {
            None
        } else if t.len() == v.len() {
            Some(v)
        } else {
            Some(t.to_string())
        }
    })
}

/// Open the format-specific source for one input.
fn open_source(
    input: &Input,
    opts: &ReadOptions,
    counter: &Arc<AtomicU64>,
) -> Result<Box<dyn Source>, IngestError> {
    let label = input.label();
    let format = match (input, opts.format) {
        (Input::Stdin, Some(Format::TxtDir)) => {
            return Err(IngestError::new(
                Location::file(label),
                ErrorKind::Unsupported("standard input cannot be a directory of .txt files".into()),
            ))
        }
        (Input::Stdin, Some(f)) => f,
        (Input::Stdin, None) => Format::Jsonl,
        (Input::Path(p), Some(f)) => {
            if f != Format::TxtDir && p.is_dir() {
                return Err(IngestError::new(
                    Location::file(label),
                    ErrorKind::Unsupported("is a directory".into()),
                ));
            }
            f
        }
        (Input::Path(p), None) => detect_format(p),
    };
    let stem = match input {
        Input::Stdin => "stdin".to_string(),
        Input::Path(p) => file_stem(p),
    };
    let open_text = || checked_text(open_stream(input, counter)?, &label);
    match format {
        Format::Jsonl => {
            let stream = open_text()?;
            Ok(Box::new(jsonl::JsonlSource::new(stream, label, stem, opts)))
        }
        Format::Csv => {
            let stream = open_text()?;
            Ok(Box::new(csv::CsvSource::new(stream, label, stem, opts)))
        }
        Format::TxtDir => match input {
            Input::Path(p) => Ok(Box::new(txt::TxtSource::open(p, counter)?)),
            Input::Stdin => Err(IngestError::new(
                Location::file(label),
                ErrorKind::Unsupported("standard input cannot be a directory".into()),
            )),
        },
    }
}

/// Open the source of an input held in memory (see [`Reader::from_bytes`]).
fn open_memory(
    label: &str,
    bytes: Vec<u8>,
    format: Format,
    opts: &ReadOptions,
    counter: &Arc<AtomicU64>,
) -> Result<Box<dyn Source>, IngestError> {
    counter.fetch_add(bytes.len() as u64, Ordering::Relaxed);
    let stem = file_stem(Path::new(label));
    if format == Format::TxtDir {
        return Ok(Box::new(txt::TxtBytesSource::new(label.to_string(), bytes)));
    }
    let gz = bytes.starts_with(&[0x1f, 0x8b]);
    let cursor = io::Cursor::new(bytes);
    let reader: Box<dyn BufRead + Send> = if gz {
        Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(cursor)))
    } else {
        Box::new(cursor)
    };
    let stream = checked_text(Stream { reader, gz }, label)?;
    let label = label.to_string();
    Ok(match format {
        Format::Csv => Box::new(csv::CsvSource::new(stream, label, stem, opts)),
        _ => Box::new(jsonl::JsonlSource::new(stream, label, stem, opts)),
    })
}

/// `stream`, unless it starts like UTF-16 or UTF-32 text: then an error naming `label` and
/// the encoding, about the whole input ([`ErrorKind::Unsupported`], never skipped; a `.txt`
/// file in that encoding is one record, [`ErrorKind::Encoding`]).
fn checked_text(mut stream: Stream, label: &str) -> Result<Stream, IngestError> {
    // A read error here is met again (and reported) by the source.
    if let Ok(start) = stream.reader.fill_buf() {
        if let Some(encoding) = foreign_encoding(start) {
            return Err(IngestError::new(
                Location::file(label),
                ErrorKind::Unsupported(ErrorKind::Encoding(encoding).to_string()),
            ));
        }
    }
    Ok(stream)
}

/// Iterator over the articles of several inputs, in input order.
///
/// Yields `Ok(article)` for each valid record and `Err` for each problem; after a record
/// error reading continues with the next record, after an input error (missing file, I/O
/// error, damaged gzip) with the next input. With [`ReadOptions::skip_invalid`], record
/// errors and damaged gzip streams are counted in [`Reader::skipped`] instead of being
/// yielded; errors opening or reading an input are always yielded.
pub struct Reader {
    inputs: std::vec::IntoIter<Input>,
    /// An input held in memory, read first ([`Reader::from_bytes`]).
    memory: Option<(String, Vec<u8>, Format)>,
    opts: ReadOptions,
    current: Option<Box<dyn Source>>,
    /// The label of the current input and the records it gave so far.
    current_label: String,
    current_records: u64,
    /// What the valid articles of the current input carry, for [`ReadWarning`]s at its end.
    current_tally: Tally,
    seen_ids: HashMap<String, Location>,
    next_seq: u64,
    read_count: u64,
    bytes: Arc<AtomicU64>,
    skipped: SkipReport,
}

impl fmt::Debug for Reader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader")
            .field("opts", &self.opts)
            .field("next_seq", &self.next_seq)
            .field("read_count", &self.read_count)
            .finish_non_exhaustive()
    }
}

impl Reader {
    /// Read `inputs` in order with `opts`. Nothing is opened until the first `next()`.
    pub fn open(inputs: Vec<Input>, opts: ReadOptions) -> Reader {
        Reader {
            inputs: inputs.into_iter(),
            memory: None,
            opts,
            current: None,
            current_label: String::new(),
            current_records: 0,
            current_tally: Tally::default(),
            seen_ids: HashMap::new(),
            next_seq: 0,
            read_count: 0,
            bytes: Arc::new(AtomicU64::new(0)),
            skipped: SkipReport::default(),
        }
    }

    /// Read articles from bytes in memory (a request body, a test, a fuzzer) as from a file
    /// named `label` in `format`: JSONL or CSV (gzip recognised by its magic bytes), or with
    /// [`Format::TxtDir`] a single `.txt` file whose id is `label` without its extension.
    /// Records are validated, and errors reported, exactly as from a file.
    pub fn from_bytes(
        label: impl Into<String>,
        bytes: Vec<u8>,
        format: Format,
        opts: ReadOptions,
    ) -> Reader {
        let mut reader = Reader::open(Vec::new(), opts);
        reader.memory = Some((label.into(), bytes, format));
        reader
    }

    /// What was skipped (and repaired) so far.
    pub fn skipped(&self) -> &SkipReport {
        &self.skipped
    }

    /// Records seen so far, including invalid ones (blank lines are not records).
    pub fn read_count(&self) -> u64 {
        self.read_count
    }

    /// Bytes read from the inputs so far (compressed bytes for `.gz` files), for progress.
    pub fn bytes_read(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// The next valid article with its raw record, or an error to yield.
    pub(crate) fn next_with_raw(&mut self) -> Option<Result<(Article, Raw), IngestError>> {
        loop {
            let source = match self.current.as_mut() {
                Some(s) => s,
                None => {
                    let (label, opened) = match self.memory.take() {
                        Some((label, bytes, format)) => {
                            let opened =
                                open_memory(&label, bytes, format, &self.opts, &self.bytes);
                            (label, opened)
                        }
                        None => {
                            let input = self.inputs.next()?;
                            (input.label(), open_source(&input, &self.opts, &self.bytes))
                        }
                    };
                    match opened {
                        Ok(s) => {
                            self.current_label = label;
                            self.current_records = 0;
                            self.current_tally = Tally::default();
                            self.current.insert(s)
                        }
                        Err(e) => return Some(Err(e)),
                    }
                }
            };
            let step = match source.next_step(&self.opts, &mut self.skipped) {
                Some(step) => step,
                None => {
                    self.current = None;
                    let label = std::mem::take(&mut self.current_label);
                    let tally = std::mem::take(&mut self.current_tally);
                    self.skipped
                        .warnings
                        .extend(tally.warnings(&label, &self.opts));
                    if self.current_records == 0 {
                        self.skipped.empty_inputs.push(label);
                    }
                    continue;
                }
            };
            match step {
                Step::Fatal(err) => {
                    self.current = None;
                    if self.opts.skip_invalid
                        && matches!(
                            err.kind,
                            ErrorKind::TruncatedGzip | ErrorKind::CorruptGzip(_)
                        )
                    {
                        self.skipped.record(&err);
                        continue;
                    }
                    return Some(Err(err));
                }
                Step::Record {
                    location,
                    fields,
                    raw,
                } => {
                    self.read_count += 1;
                    self.current_records += 1;
                    match fields.and_then(|f| self.validate(f, &location)) {
                        Ok(mut article) => {
                            self.current_tally.count(&article);
                            article.location = location;
                            return Some(Ok((article, raw)));
                        }
                        Err(kind) => {
                            let err = IngestError::new(location, kind);
                            if self.opts.skip_invalid && err.kind.is_record_error() {
                                self.skipped.record(&err);
                                continue;
                            }
                            return Some(Err(err));
                        }
                    }
                }
            }
        }
    }

    /// Check a record's fields and turn them into an article (location filled by the caller).
    fn validate(&mut self, fields: Fields, location: &Location) -> Result<Article, ErrorKind> {
        let missing = |field: Field, found: &[String]| {
            ErrorKind::MissingField(self.opts.names(field).first().to_string(), found.to_vec())
        };
        let id = match fields.id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => return Err(missing(Field::Id, &fields.found)),
        };
        let Some(text) = fields.text else {
            return Err(missing(Field::Text, &fields.found));
        };
        if crate::text::normalize::is_blank(&text) {
            return Err(ErrorKind::EmptyText);
        }
        let mut date_dropped = false;
        let published = match fields.published.as_deref() {
            None => None,
            Some(raw) => match parse_date_as(raw, self.opts.date_format.as_ref()) {
                Ok(d) => d,
                Err(_) if self.opts.lenient_dates => {
                    date_dropped = true;
                    None
                }
                Err(msg) => return Err(ErrorKind::InvalidDate(msg)),
            },
        };
        if let Some(first) = self.seen_ids.get(&id) {
            return Err(ErrorKind::DuplicateId {
                id,
                first: first.clone(),
            });
        }
        self.seen_ids.insert(id.clone(), location.clone());
        if date_dropped {
            self.skipped.dates_dropped += 1;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        Ok(Article {
            id,
            title: clean_opt(fields.title),
            text,
            published,
            source: clean_opt(fields.source),
            url: clean_opt(fields.url),
            lang: clean_opt(fields.lang),
            seq,
            location: Location::file(String::new()),
        })
    }
}

impl Iterator for Reader {
    type Item = Result<Article, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_with_raw().map(|r| r.map(|(article, _)| article))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            fs_create(parent);
        }
        std::fs::write(&path, data).expect("write test file");
        path
    }

    fn fs_create(dir: &Path) {
        std::fs::create_dir_all(dir).expect("create test dir");
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).expect("gzip");
        enc.finish().expect("gzip")
    }

    fn read_all(
        inputs: Vec<Input>,
        opts: ReadOptions,
    ) -> (Vec<Result<Article, IngestError>>, Reader) {
        let mut reader = Reader::open(inputs, opts);
        let items: Vec<_> = reader.by_ref().collect();
        (items, reader)
    }

    fn read_path(path: &Path, opts: ReadOptions) -> Vec<Result<Article, IngestError>> {
        read_all(vec![Input::Path(path.to_path_buf())], opts).0
    }

    fn only_err(items: &[Result<Article, IngestError>]) -> &IngestError {
        let errs: Vec<_> = items.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(errs.len(), 1, "expected one error in {items:?}");
        errs[0]
    }

    fn oks(items: &[Result<Article, IngestError>]) -> Vec<&Article> {
        items.iter().filter_map(|r| r.as_ref().ok()).collect()
    }

    fn tmp() -> tempfile::TempDir {
        tempfile::tempdir().expect("tempdir")
    }

    #[test]
    fn jsonl_happy_path() {
        let dir = tmp();
        let p = write(
            dir.path(),
            "news.jsonl",
            br#"{"id":"a","title":"T","text":"Hello","published":"2021-07-17","source":"S","url":"http://x","lang":"en","extra":[1]}

{"id":7,"body":"Body alias","date":"2021-07-17T10:00:00+02:00","title":null}
{"id":"c","content":"Content alias"}
"#,
        );
        let items = read_path(&p, ReadOptions::default());
        let arts = oks(&items);
        assert_eq!(arts.len(), 3, "{items:?}");
        let a = arts[0];
        assert_eq!(a.id, "a");
        assert_eq!(a.title.as_deref(), Some("T"));
        assert_eq!(a.text, "Hello");
        assert_eq!(
            a.published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2021-07-17T00:00:00+00:00")
        );
        assert_eq!(a.source.as_deref(), Some("S"));
        assert_eq!(a.url.as_deref(), Some("http://x"));
        assert_eq!(a.lang.as_deref(), Some("en"));
        assert_eq!(a.seq, 0);
        assert_eq!(a.location.to_string(), format!("{}:1", p.display()));
        assert_eq!(arts[1].id, "7");
        assert_eq!(arts[1].text, "Body alias");
        assert_eq!(arts[1].title, None);
        assert_eq!(
            arts[1].published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2021-07-17T10:00:00+02:00")
        );
        assert_eq!(
            arts[1].location.line,
            Some(3),
            "blank line still counts for numbering"
        );
        assert_eq!(arts[2].text, "Content alias");
        assert_eq!(arts[2].seq, 2);
    }

    #[test]
    fn jsonl_field_overrides() {
        let dir = tmp();
        let p = write(
            dir.path(),
            "x.ndjson",
            br#"{"id":"ignored","doc_id":"d1","text":"not this","article":"this"}"#,
        );
        let opts = ReadOptions {
            id_field: Some("doc_id".into()),
            text_field: Some("article".into()),
            ..ReadOptions::default()
        };
        let items = read_path(&p, opts);
        let arts = oks(&items);
        assert_eq!(arts[0].id, "d1");
        assert_eq!(arts[0].text, "this");
    }

    #[test]
    fn jsonl_gz_is_read_transparently() {
        let dir = tmp();
        let p = write(
            dir.path(),
            "news.jsonl.gz",
            &gzip(b"{\"id\":1,\"text\":\"one\"}\n{\"id\":2,\"text\":\"two\"}\n"),
        );
        let (items, reader) = read_all(vec![Input::Path(p.clone())], ReadOptions::default());
        let ids: Vec<_> = oks(&items).iter().map(|a| a.id.clone()).collect();
        assert_eq!(ids, ["1", "2"]);
        let size = std::fs::metadata(&p).expect("meta").len();
        assert_eq!(reader.bytes_read(), size);
        assert_eq!(reader.read_count(), 2);
    }

    #[test]
    fn invalid_json_line_is_reported_and_reading_continues() {
        let dir = tmp();
        let p = write(
            dir.path(),
            "d.jsonl",
            b"{\"id\":\"a\",\"text\":\"x\"}\n{\"id\": oops}\n[1,2]\n{\"id\":\"b\",\"text\":\"y\"}\n",
        );
        let items = read_path(&p, ReadOptions::default());
        assert_eq!(items.len(), 4);
        let e = items[1].as_ref().expect_err("line 2 is bad");
        assert_eq!(e.location, Location::at_line(p.display().to_string(), 2));
        assert!(matches!(e.kind, ErrorKind::InvalidJson(_)));
        assert!(e
            .to_string()
            .starts_with(&format!("{}:2: invalid JSON: ", p.display())));
        let e = items[2].as_ref().expect_err("line 3 is not an object");
        assert!(
            e.to_string()
                .contains("expected a JSON object, found an array"),
            "{e}"
        );
        assert_eq!(items[3].as_ref().map(|a| a.seq).ok(), Some(1));
    }

    #[test]
    fn missing_id_is_an_error_unless_auto_id() {
        let dir = tmp();
        let p = write(
            dir.path(),
            "feed.jsonl",
            b"{\"text\":\"x\"}\n{\"id\":\"  \",\"text\":\"y\"}\n",
        );
        let items = read_path(&p, ReadOptions::default());
        assert!(items.iter().all(|r| matches!(
            r,
            Err(IngestError { kind: ErrorKind::MissingField(f, _), .. }) if f == "id"
        )));
        let items = read_path(
            &p,
            ReadOptions {
                auto_id: true,
                ..ReadOptions::default()
            },
        );
        let ids: Vec<_> = oks(&items).iter().map(|a| a.id.clone()).collect();
        assert_eq!(ids, ["feed:1", "feed:2"]);
    }

    #[test]
    fn missing_text_and_wrong_types_are_errors() {
        let dir = tmp();
        let p = write(
            dir.path(),
            "d.jsonl",
            b"{\"id\":\"a\",\"text\":null}\n{\"id\":true,\"text\":\"x\"}\n{\"id\":\"c\",\"text\":3}\n",
        );
        let items = read_path(&p, ReadOptions::default());
        let kinds: Vec<_> = items
            .into_iter()
            .map(|r| r.expect_err("bad").kind)
            .collect();
        assert_eq!(
            kinds,
            [
                ErrorKind::MissingField("text".into(), vec!["id".into(), "text".into()]),
                ErrorKind::WrongType {
                    field: "id".into(),
                    expected: "string or number"
                },
                ErrorKind::WrongType {
                    field: "text".into(),
                    expected: "string"
                },
            ]
        );
    }

    #[test]
    fn empty_text_is_an_error() {
        let dir = tmp();
        let p = write(
            dir.path(),
            "d.jsonl",
            b"{\"id\":\"a\",\"text\":\" \\n\\t \"}\n",
        );
        let items = read_path(&p, ReadOptions::default());
        assert_eq!(only_err(&items).kind, ErrorKind::EmptyText);
    }

    #[test]
    fn invalid_utf8_is_an_error_unless_lossy() {
        let dir = tmp();
        let p = write(
            dir.path(),
            "d.jsonl",
            b"{\"id\":\"a\",\"text\":\"caf\xE9 \xFF ok\"}\n",
        );
        let items = read_path(&p, ReadOptions::default());
        assert_eq!(only_err(&items).kind, ErrorKind::InvalidUtf8);
        let (items, reader) = read_all(
            vec![Input::Path(p)],
            ReadOptions {
                lossy_utf8: true,
                ..ReadOptions::default()
            },
        );
        assert_eq!(oks(&items)[0].text, "caf\u{FFFD} \u{FFFD} ok");
        assert_eq!(reader.skipped().utf8_replaced(), 2);
        assert!(reader
            .skipped()
            .to_string()
            .contains("replaced 2 invalid UTF-8"));
    }

    #[test]
    fn duplicate_id_names_the_first_location() {
        let dir = tmp();
        let a = write(dir.path(), "a.jsonl", b"{\"id\":\"x\",\"text\":\"1\"}\n");
        let b = write(dir.path(), "b.jsonl", b"\n{\"id\":\"x\",\"text\":\"2\"}\n");
        let (items, _) = read_all(
            vec![Input::Path(a.clone()), Input::Path(b.clone())],
            ReadOptions::default(),
        );
        assert_eq!(items[0].as_ref().map(|a| a.text.as_str()).ok(), Some("1"));
        let e = only_err(&items);
        assert_eq!(e.location, Location::at_line(b.display().to_string(), 2));
        assert_eq!(
            e.kind,
            ErrorKind::DuplicateId {
                id: "x".into(),
                first: Location::at_line(a.display().to_string(), 1)
            }
        );
        assert!(e
            .to_string()
            .contains(&format!("first seen at {}:1", a.display())));
    }

    #[test]
    fn bad_dates_are_errors_unless_lenient() {
        let dir = tmp();
        let p = write(
            dir.path(),
            "d.jsonl",
            b"{\"id\":\"a\",\"text\":\"x\",\"published\":\"2021-02-30\"}\n\
              {\"id\":\"b\",\"text\":\"x\",\"date\":\"someday\"}\n\
              {\"id\":\"c\",\"text\":\"x\",\"date\":\"\"}\n",
        );
        let items = read_path(&p, ReadOptions::default());
        assert!(matches!(
            items[0].as_ref().map_err(|e| &e.kind),
            Err(ErrorKind::InvalidDate(_))
        ));
        assert!(matches!(
            items[1].as_ref().map_err(|e| &e.kind),
            Err(ErrorKind::InvalidDate(_))
        ));
        assert_eq!(items[2].as_ref().map(|a| a.published).ok(), Some(None));
        let (items, reader) = read_all(
            vec![Input::Path(p)],
            ReadOptions {
                lenient_dates: true,
                ..ReadOptions::default()
            },
        );
        assert_eq!(oks(&items).len(), 3);
        assert!(oks(&items).iter().all(|a| a.published.is_none()));
        assert_eq!(reader.skipped().dates_dropped(), 2);
        assert_eq!(reader.skipped().total(), 0);
    }

    #[test]
    fn oversized_line_is_too_large_and_reading_continues() {
        let dir = tmp();
        let mut data =
            format!("{{\"id\":\"big\",\"text\":\"{}\"}}\n", "x".repeat(5000)).into_bytes();
        data.extend_from_slice(b"{\"id\":\"small\",\"text\":\"y\"}\n");
        let p = write(dir.path(), "d.jsonl", &data);
        let items = read_path(
            &p,
            ReadOptions {
                max_bytes: 100,
                ..ReadOptions::default()
            },
        );
        assert_eq!(
            only_err(&items).kind,
            ErrorKind::TooLarge {
                bytes: 5022,
                max: 100
            }
        );
        assert_eq!(oks(&items)[0].id, "small");
        assert_eq!(oks(&items)[0].location.line, Some(2));
    }

    fn truncated_gz(dir: &Path) -> PathBuf {
        let mut data = Vec::new();
        for i in 0..200 {
            data.extend_from_slice(
                format!("{{\"id\":\"{i}\",\"text\":\"article number {i} with some words\"}}\n")
                    .as_bytes(),
            );
        }
        let gz = gzip(&data);
        write(dir, "cut.jsonl.gz", &gz[..gz.len() / 2])
    }

    #[test]
    fn truncated_gzip_names_file_and_last_good_line() {
        let dir = tmp();
        let cut = truncated_gz(dir.path());
        let next = write(
            dir.path(),
            "next.jsonl",
            b"{\"id\":\"n\",\"text\":\"after\"}\n",
        );
        let (items, _) = read_all(
            vec![Input::Path(cut.clone()), Input::Path(next.clone())],
            ReadOptions::default(),
        );
        let good = oks(&items).len() - 1;
        assert!(good > 0 && good < 200, "{good}");
        let e = only_err(&items);
        assert_eq!(e.kind, ErrorKind::TruncatedGzip);
        assert_eq!(e.location.line, Some(good as u64));
        assert_eq!(
            e.to_string(),
            format!(
                "{}: truncated gzip stream; last good line {good}, the rest of the file is lost",
                cut.display()
            )
        );
        assert!(matches!(items.last(), Some(Ok(a)) if a.id == "n"));

        let (items, reader) = read_all(
            vec![Input::Path(cut), Input::Path(next)],
            ReadOptions {
                skip_invalid: true,
                ..ReadOptions::default()
            },
        );
        assert!(items.iter().all(Result::is_ok));
        assert_eq!(reader.skipped().count("truncated input"), 1);
    }

    #[test]
    fn missing_file_is_always_an_error() {
        let dir = tmp();
        let missing = dir.path().join("nope.jsonl");
        let ok = write(dir.path(), "ok.jsonl", b"{\"id\":\"a\",\"text\":\"x\"}\n");
        let (items, _) = read_all(
            vec![Input::Path(missing.clone()), Input::Path(ok)],
            ReadOptions {
                skip_invalid: true,
                ..ReadOptions::default()
            },
        );
        let e = only_err(&items);
        assert_eq!(e.location, Location::file(missing.display().to_string()));
        assert!(matches!(e.kind, ErrorKind::Io(_)));
        assert_eq!(oks(&items).len(), 1, "the next input is still read");
    }

    #[test]
    fn skip_invalid_counts_and_keeps_seq_dense() {
        let dir = tmp();
        let p = write(
            dir.path(),
            "d.jsonl",
            b"{\"id\":\"a\",\"text\":\"x\"}\nnot json\n{\"id\":\"b\",\"text\":\"\"}\n\
              {\"id\":\"a\",\"text\":\"dup\"}\n{\"id\":\"c\",\"text\":\"y\"}\n{\"text\":\"z\"}\n",
        );
        let (items, reader) = read_all(
            vec![Input::Path(p.clone())],
            ReadOptions {
                skip_invalid: true,
                ..ReadOptions::default()
            },
        );
        let got: Vec<_> = items
            .into_iter()
            .map(|r| {
                r.map(|a| (a.id, a.seq, a.location.line))
                    .expect("no errors yielded")
            })
            .collect();
        assert_eq!(
            got,
            [("a".into(), 0, Some(1)), ("c".to_string(), 1, Some(5))]
        );
        let report = reader.skipped();
        assert_eq!(reader.read_count(), 6);
        assert_eq!(report.total(), 4);
        assert_eq!(report.count("invalid JSON"), 1);
        assert_eq!(report.count("empty text"), 1);
        assert_eq!(report.count("duplicate id"), 1);
        assert_eq!(report.count("missing field"), 1);
        assert_eq!(report.examples().len(), 4);
        let text = report.to_string();
        assert!(
            text.starts_with(
                "skipped 4 records: 1 duplicate id, 1 empty text, 1 invalid JSON, 1 missing field"
            ),
            "{text}"
        );
        assert!(
            text.contains(&format!("{}:2: invalid JSON", p.display())),
            "{text}"
        );
    }

    #[test]
    fn reader_can_move_to_another_thread() {
        fn assert_send<T: Send>(_: &T) {}
        let reader = Reader::open(vec![Input::Stdin], ReadOptions::default());
        assert_send(&reader);
        assert_eq!(reader.read_count(), 0);
    }

    #[test]
    fn format_detection() {
        let dir = tmp();
        assert_eq!(detect_format(dir.path()), Format::TxtDir);
        assert_eq!(detect_format(Path::new("a.CSV.gz")), Format::Csv);
        assert_eq!(detect_format(Path::new("a.csv")), Format::Csv);
        assert_eq!(detect_format(Path::new("a.ndjson.gz")), Format::Jsonl);
        assert_eq!(detect_format(Path::new("a.dat")), Format::Jsonl);
        assert_eq!(file_stem(Path::new("dir/data.jsonl.gz")), "data");
        assert_eq!(file_stem(Path::new("data")), "data");
        assert_eq!(Input::from_arg("-"), Input::Stdin);
    }

    #[test]
    fn forced_format_overrides_extension() {
        let dir = tmp();
        let p = write(dir.path(), "data.txt", b"id,text\n1,hello\n");
        let items = read_path(
            &p,
            ReadOptions {
                format: Some(Format::Csv),
                ..ReadOptions::default()
            },
        );
        assert_eq!(oks(&items)[0].text, "hello");
    }

    #[test]
    fn csv_happy_path() {
        let dir = tmp();
        let p = write(
            dir.path(),
            "news.csv",
            "\u{FEFF}ID,Title,Body,date,extra\r\n\
             1,First,\"Multi\nline, \"\"quoted\"\" text\",2021-07-17,z\r\n\
             \r\n\
             2,,Second text,,z\r\n"
                .as_bytes(),
        );
        let items = read_path(&p, ReadOptions::default());
        let arts = oks(&items);
        assert_eq!(arts.len(), 2, "{items:?}");
        assert_eq!(arts[0].id, "1");
        assert_eq!(arts[0].title.as_deref(), Some("First"));
        assert_eq!(arts[0].text, "Multi\nline, \"quoted\" text");
        assert!(arts[0].published.is_some());
        assert_eq!(arts[0].location.line, Some(2));
        assert_eq!(arts[1].id, "2");
        assert_eq!(arts[1].title, None);
        assert_eq!(arts[1].location.line, Some(5));
    }

    #[test]
    fn csv_overrides_and_auto_id() {
        let dir = tmp();
        let p = write(
            dir.path(),
            "f.csv.gz",
            &gzip(b"doc,article\n,hello\nx,bye\n"),
        );
        let opts = ReadOptions {
            id_field: Some("doc".into()),
            text_field: Some("article".into()),
            auto_id: true,
            ..ReadOptions::default()
        };
        let items = read_path(&p, opts);
        let ids: Vec<_> = oks(&items)
            .iter()
            .map(|a| (a.id.clone(), a.text.clone()))
            .collect();
        assert_eq!(
            ids,
            [
                ("f:2".to_string(), "hello".to_string()),
                ("x".into(), "bye".into())
            ]
        );
    }

    #[test]
    fn csv_wrong_field_count_names_the_line() {
        let dir = tmp();
        let p = write(dir.path(), "d.csv", b"id,text\n1,a\n2,b,extra\n3,c\n");
        let items = read_path(&p, ReadOptions::default());
        let e = only_err(&items);
        assert_eq!(e.location.line, Some(3));
        assert_eq!(
            e.to_string(),
            format!(
                "{}:3: invalid CSV: expected 2 fields (as in the header), found 3",
                p.display()
            )
        );
        assert_eq!(oks(&items).len(), 2);
    }

    #[test]
    fn csv_invalid_utf8_is_per_row() {
        let dir = tmp();
        let p = write(dir.path(), "d.csv", b"id,text\n1,bad \xFF\n2,good\n");
        let items = read_path(&p, ReadOptions::default());
        let e = only_err(&items);
        assert_eq!(e.kind, ErrorKind::InvalidUtf8);
        assert_eq!(e.location.line, Some(2));
        assert_eq!(oks(&items)[0].id, "2");
        let items = read_path(
            &p,
            ReadOptions {
                lossy_utf8: true,
                ..ReadOptions::default()
            },
        );
        assert_eq!(oks(&items)[0].text, "bad \u{FFFD}");
    }

    #[test]
    fn csv_empty_text_cell_and_missing_column() {
        let dir = tmp();
        let p = write(dir.path(), "d.csv", b"id,text\n1,  \n");
        let items = read_path(&p, ReadOptions::default());
        assert_eq!(only_err(&items).kind, ErrorKind::EmptyText);
        let p = write(dir.path(), "e.csv", b"id,title\n1,x\n2,y\n");
        let items = read_path(
            &p,
            ReadOptions {
                skip_invalid: true,
                ..ReadOptions::default()
            },
        );
        let e = only_err(&items);
        assert_eq!(items.len(), 1, "the file is abandoned");
        assert_eq!(e.location.line, Some(1));
        assert_eq!(
            e.kind,
            ErrorKind::MissingField("text".into(), vec!["id".into(), "title".into()])
        );
        assert_eq!(
            e.to_string(),
            "e.csv:1: missing field `text` (fields found: \"id\", \"title\")"
                .replace("e.csv", &p.display().to_string())
        );
    }

    #[test]
    fn csv_oversized_row() {
        let dir = tmp();
        let data = format!("id,text\n1,\"{}\"\n2,ok\n", "y\n".repeat(100));
        let p = write(dir.path(), "d.csv", data.as_bytes());
        let items = read_path(
            &p,
            ReadOptions {
                max_bytes: 50,
                ..ReadOptions::default()
            },
        );
        assert_eq!(
            only_err(&items).kind,
            ErrorKind::TooLarge {
                bytes: 204,
                max: 50
            }
        );
        assert_eq!(oks(&items)[0].location.line, Some(103));
    }

    fn txt_corpus() -> tempfile::TempDir {
        let dir = tmp();
        let d = dir.path();
        write(
            d,
            "business/001.txt",
            b"Title: Markets rally\nPublished: 2021-07-17\nSource: Wire\nAuthor: ignored\n\nStocks rose.\n",
        );
        write(
            d,
            "business/002.txt",
            b" date 2021-07-18 Oil slips again\nPrices fell.\n",
        );
        write(d, "a/headline.TXT", b"Is this a headline?\n\nYes it is.\n");
        write(
            d,
            "a/prose.txt",
            b"This first line is prose.\nMore prose.\n",
        );
        write(
            d,
            "a/wrapped.txt",
            b"The minister said on Monday that\nthe budget would pass.\n",
        );
        write(d, "notes.md", b"not an article");
        dir
    }

    #[test]
    fn txt_dir_metadata_and_headlines() {
        let dir = txt_corpus();
        let (items, _) = read_all(
            vec![Input::Path(dir.path().to_path_buf())],
            ReadOptions::default(),
        );
        let arts = oks(&items);
        let ids: Vec<_> = arts.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "a/headline",
                "a/prose",
                "a/wrapped",
                "business/001",
                "business/002"
            ]
        );
        let by_id = |id: &str| arts.iter().find(|a| a.id == id).copied().expect("article");
        let a = by_id("business/001");
        assert_eq!(a.title.as_deref(), Some("Markets rally"));
        assert_eq!(a.source.as_deref(), Some("Wire"));
        assert_eq!(a.text, "Stocks rose.");
        assert!(a.published.is_some());
        assert_eq!(a.location.line, None);
        let b = by_id("business/002");
        assert_eq!(b.title.as_deref(), Some("Oil slips again"));
        assert_eq!(
            b.published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2021-07-18T00:00:00+00:00")
        );
        assert_eq!(b.text, "Prices fell.");
        let h = by_id("a/headline");
        assert_eq!(h.title.as_deref(), Some("Is this a headline?"));
        assert_eq!(h.text, "Yes it is.");
        let p = by_id("a/prose");
        assert_eq!(p.title, None);
        assert_eq!(p.text, "This first line is prose.\nMore prose.");
        assert_eq!(by_id("a/wrapped").title, None);
    }

    #[test]
    fn txt_headline_rule() {
        assert!(looks_like_headline("Storm hits coast", "\nText."));
        assert!(looks_like_headline("Storm hits coast!", "Text follows."));
        assert!(!looks_like_headline("Storm hits coast.", "\nText."));
        assert!(!looks_like_headline("He said:", "\nText."));
        assert!(!looks_like_headline("Storm hits coast", "  \n"));
        assert!(!looks_like_headline("   ", "\nText."));
        assert!(!looks_like_headline(&"word ".repeat(26), "\nText."));
        assert!(!looks_like_headline(&"x".repeat(201), "\nText."));
        assert!(!looks_like_headline(
            "The storm that hit",
            "the coast was big."
        ));
    }

    #[test]
    fn txt_oversized_file_and_bad_date() {
        let dir = tmp();
        write(dir.path(), "big.txt", &vec![b'a'; 300]);
        write(dir.path(), "date.txt", b"date 2021-02-30 Bad date\nText.\n");
        let (items, _) = read_all(
            vec![Input::Path(dir.path().to_path_buf())],
            ReadOptions {
                max_bytes: 100,
                ..ReadOptions::default()
            },
        );
        assert_eq!(
            items[0].as_ref().map_err(|e| e.kind.clone()).err(),
            Some(ErrorKind::TooLarge {
                bytes: 300,
                max: 100
            })
        );
        assert!(matches!(
            items[1].as_ref().map_err(|e| &e.kind),
            Err(ErrorKind::InvalidDate(_))
        ));
    }

    #[test]
    fn write_kept_jsonl_writes_raw_lines() {
        let dir = tmp();
        let a = write(
            dir.path(),
            "a.jsonl",
            b"{\"id\":\"a\",  \"text\":\"x\"}\nbad\n{\"id\":\"b\",\"text\":\"y\"}\r\n",
        );
        let b = write(
            dir.path(),
            "b.jsonl.gz",
            &gzip(b"{\"text\":\"z\", \"id\":\"c\"}\n"),
        );
        let inputs = vec![Input::Path(a), Input::Path(b)];
        let opts = ReadOptions {
            skip_invalid: true,
            ..ReadOptions::default()
        };
        let mut out = Vec::new();
        let n = write_kept(
            &inputs,
            &opts,
            &|seq| seq != 1,
            KeepTarget::Writer(&mut out),
        )
        .expect("keep");
        assert_eq!(n, 2);
        assert_eq!(
            out,
            b"{\"id\":\"a\",  \"text\":\"x\"}\n{\"text\":\"z\", \"id\":\"c\"}\n"
        );
        let mut out = Vec::new();
        write_kept(
            &inputs,
            &opts,
            &|seq| seq == 1,
            KeepTarget::Writer(&mut out),
        )
        .expect("keep");
        assert_eq!(out, b"{\"id\":\"b\",\"text\":\"y\"}\r\n");
    }

    #[test]
    fn write_kept_csv_writes_header_once() {
        let dir = tmp();
        let a = write(dir.path(), "a.csv", b"id,text\n1,\"multi\nline\"\n2,two\n");
        let b = write(dir.path(), "b.csv", b"id,text\n3,three\n");
        let inputs = vec![Input::Path(a), Input::Path(b)];
        let mut out = Vec::new();
        let n = write_kept(
            &inputs,
            &ReadOptions::default(),
            &|seq| seq != 1,
            KeepTarget::Writer(&mut out),
        )
        .expect("keep");
        assert_eq!(n, 2);
        assert_eq!(
            String::from_utf8(out).expect("utf8"),
            "id,text\n1,\"multi\nline\"\n3,three\n"
        );
        let c = write(dir.path(), "c.csv", b"text,id\nx,9\n");
        let mut out = Vec::new();
        let e = write_kept(
            &[inputs[0].clone(), Input::Path(c)],
            &ReadOptions::default(),
            &|_| true,
            KeepTarget::Writer(&mut out),
        )
        .expect_err("different headers");
        assert!(
            matches!(&e, KeepError::Input(e) if matches!(e.kind, ErrorKind::Unsupported(_))),
            "{e:?}"
        );
    }

    #[test]
    fn write_kept_txt_dir_copies_files() {
        let src = txt_corpus();
        let out = tmp();
        let n = write_kept(
            &[Input::Path(src.path().to_path_buf())],
            &ReadOptions::default(),
            &|seq| seq == 3,
            KeepTarget::Dir(out.path().to_path_buf()),
        )
        .expect("keep");
        assert_eq!(n, 1);
        let copied = std::fs::read(out.path().join("business/001.txt")).expect("copied");
        let orig = std::fs::read(src.path().join("business/001.txt")).expect("orig");
        assert_eq!(copied, orig);
        assert!(!out.path().join("a").exists());
    }

    #[test]
    fn write_kept_write_errors_name_the_output_not_the_input() {
        /// A writer that fails like a full disk, naming itself as an `Output` would.
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(
                    io::ErrorKind::StorageFull,
                    "cannot write kept.jsonl: no space left",
                ))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let dir = tmp();
        let a = write(dir.path(), "a.jsonl", b"{\"id\":\"a\",\"text\":\"x\"}\n");
        let e = write_kept(
            &[Input::Path(a)],
            &ReadOptions::default(),
            &|_| true,
            KeepTarget::Writer(&mut Full),
        )
        .expect_err("full");
        assert!(matches!(e, KeepError::Output(_)), "{e:?}");
        assert_eq!(e.to_string(), "cannot write kept.jsonl: no space left");
        // A directory target names the file it could not write.
        let src = txt_corpus();
        let blocker = dir.path().join("blocked");
        std::fs::write(&blocker, "a file where a directory is needed").expect("write");
        let e = write_kept(
            &[Input::Path(src.path().to_path_buf())],
            &ReadOptions::default(),
            &|_| true,
            KeepTarget::Dir(blocker.join("out")),
        )
        .expect_err("not a directory");
        assert!(
            e.to_string()
                .starts_with(&format!("cannot write {}", blocker.display())),
            "{e}"
        );
    }

    #[test]
    fn write_kept_rejects_stdin() {
        let mut out = Vec::new();
        let e = write_kept(
            &[Input::Stdin],
            &ReadOptions::default(),
            &|_| true,
            KeepTarget::Writer(&mut out),
        )
        .expect_err("stdin");
        assert!(
            matches!(&e, KeepError::Input(e) if matches!(e.kind, ErrorKind::Unsupported(_))),
            "{e:?}"
        );
    }

    #[test]
    fn never_panics_on_garbage() {
        let dir = tmp();
        let mut junk = Vec::new();
        let mut x: u32 = 12345;
        for _ in 0..20_000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let alphabet = b"{}\",:\n\r\\x\xFFa1 ";
            junk.push(alphabet[(x >> 16) as usize % alphabet.len()]);
        }
        for name in ["j.jsonl", "c.csv", "t/t.txt", "g.jsonl.gz"] {
            write(dir.path(), name, &junk);
        }
        let inputs = vec![
            Input::Path(dir.path().join("j.jsonl")),
            Input::Path(dir.path().join("c.csv")),
            Input::Path(dir.path().join("t")),
            Input::Path(dir.path().join("g.jsonl.gz")),
        ];
        for skip in [false, true] {
            let opts = ReadOptions {
                skip_invalid: skip,
                auto_id: true,
                lossy_utf8: skip,
                max_bytes: 64,
                ..ReadOptions::default()
            };
            let (items, reader) = read_all(inputs.clone(), opts);
            assert!(!items.is_empty());
            assert!(reader.read_count() > 0);
        }
    }

    #[test]
    fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
        let read = |text: String| -> Vec<_> {
            Reader::from_bytes(
                "deep.jsonl",
                text.into_bytes(),
                Format::Jsonl,
                ReadOptions::default(),
            )
            .collect()
        };
        let deep = 100_000;
        let items = read(format!(
            "{}{}\n{{\"id\":\"a\",\"text\":\"x\"}}\n",
            "[".repeat(deep),
            "]".repeat(deep)
        ));
        let err = only_err(&items);
        assert!(
            err.to_string().contains("recursion limit exceeded"),
            "{err}"
        );
        assert_eq!(oks(&items).len(), 1);
        let items = read(format!(
            "{{\"id\":\"b\",\"text\":\"x\",\"extra\":{}{}}}\n",
            "{\"a\":".repeat(deep),
            "}".repeat(deep)
        ));
        assert!(only_err(&items)
            .to_string()
            .contains("recursion limit exceeded"));
    }

    #[test]
    fn bare_carriage_returns_in_jsonl_are_named() {
        let items: Vec<_> = Reader::from_bytes(
            "cr.jsonl",
            b"{\"id\":\"a\",\"text\":\"x\"}\r{\"id\":\"b\",\"text\":\"y\"}\r".to_vec(),
            Format::Jsonl,
            ReadOptions::default(),
        )
        .collect();
        let err = only_err(&items).to_string();
        assert!(err.contains("cr.jsonl:1: invalid JSON"), "{err}");
        assert!(err.contains("bare carriage return"), "{err}");
    }

    #[test]
    fn from_bytes_reads_like_a_file() {
        let jsonl = b"{\"id\":\"a\",\"text\":\"Hello\"}\nbad\n".to_vec();
        let items: Vec<_> = Reader::from_bytes(
            "m.jsonl",
            jsonl.clone(),
            Format::Jsonl,
            ReadOptions::default(),
        )
        .collect();
        assert_eq!(oks(&items)[0].id, "a");
        assert_eq!(
            only_err(&items).to_string().split(':').next(),
            Some("m.jsonl")
        );
        let gz: Vec<_> = Reader::from_bytes(
            "m.jsonl.gz",
            gzip(&jsonl),
            Format::Jsonl,
            ReadOptions::default(),
        )
        .collect();
        assert_eq!(oks(&gz).len(), 1);
        let csv: Vec<_> = Reader::from_bytes(
            "m.csv",
            b"id,text\n1,\"two\nlines\"\n".to_vec(),
            Format::Csv,
            ReadOptions::default(),
        )
        .collect();
        assert_eq!(oks(&csv)[0].text, "two\nlines");
        let txt: Vec<_> = Reader::from_bytes(
            "dir/story.txt",
            b"title: T\n\nBody.".to_vec(),
            Format::TxtDir,
            ReadOptions::default(),
        )
        .collect();
        let a = oks(&txt)[0];
        assert_eq!(
            (a.id.as_str(), a.title.as_deref(), a.text.as_str()),
            ("dir/story", Some("T"), "Body.")
        );
    }

    #[test]
    fn unclosed_csv_quote_costs_its_line_only() {
        let dir = tmp();
        let mut csv = String::from("id,text\n");
        for i in 0..1000 {
            if i == 3 {
                csv.push_str("3,\"unclosed, the rest of this line\n");
            } else if i % 2 == 0 {
                csv.push_str(&format!("{i},\"quoted, with a comma {i}\"\n"));
            } else {
                csv.push_str(&format!("{i},plain text {i}\n"));
            }
        }
        let p = write(dir.path(), "c.csv", csv.as_bytes());
        let items = read_path(&p, ReadOptions::default());
        let err = only_err(&items);
        assert_eq!(err.location.line, Some(5), "the line where the row began");
        assert!(
            err.to_string().contains("unterminated quoted field"),
            "{err}"
        );
        assert_eq!(oks(&items).len(), 999);
        // With nothing after it to close it, the quote runs to the end of the file.
        let p = write(
            dir.path(),
            "d.csv",
            b"id,text\n1,one\n2,\"two\n3,three\n4,four\n",
        );
        let (items, reader) = read_all(
            vec![Input::Path(p)],
            ReadOptions {
                skip_invalid: true,
                ..ReadOptions::default()
            },
        );
        let ids: Vec<&str> = oks(&items).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["1", "3", "4"]);
        assert_eq!(reader.skipped().count("invalid CSV"), 1);
        assert!(reader.skipped().examples()[0].contains("d.csv:3: "));
        // A quoted field spanning lines that closes properly is one record.
        let p = write(
            dir.path(),
            "e.csv",
            b"id,text\n1,\"two\nlines, \"\"quoted\"\"\"\n2,x\n",
        );
        let items = read_path(&p, ReadOptions::default());
        assert_eq!(oks(&items).len(), 2, "{items:?}");
        assert_eq!(oks(&items)[0].text, "two\nlines, \"quoted\"");
        // Lines that cannot be read again (over the record limit) end the input, loudly,
        // also under --skip-invalid.
        let mut long = String::from("id,text\n1,one\n2,\"unclosed\n");
        long.push_str(&"3,three\n".repeat(20));
        let (items, reader) = read_all(
            vec![Input::Path(write(dir.path(), "f.csv", long.as_bytes()))],
            ReadOptions {
                skip_invalid: true,
                max_bytes: 64,
                ..ReadOptions::default()
            },
        );
        let err = only_err(&items);
        assert_eq!(err.location.line, Some(3));
        assert!(!err.kind.is_record_error());
        assert!(
            err.to_string().contains("the rest of the file is not read"),
            "{err}"
        );
        assert_eq!(oks(&items).len(), 1);
        assert_eq!(reader.skipped().total(), 0);
    }

    #[test]
    fn utf16_and_utf32_inputs_are_named() {
        let dir = tmp();
        let line = "{\"id\":\"a\",\"text\":\"hello\"}\n";
        let utf16le: Vec<u8> = line.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let utf16be: Vec<u8> = line.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let utf32le: Vec<u8> = line
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        let with_bom = [&[0xFF, 0xFE][..], &utf16le].concat();
        for (name, bytes, encoding) in [
            ("bom.jsonl", with_bom.clone(), "UTF-16LE"),
            ("le.jsonl", utf16le, "UTF-16LE"),
            ("be.csv", utf16be, "UTF-16BE"),
            ("le32.jsonl", utf32le, "UTF-32LE"),
        ] {
            let p = write(dir.path(), name, &bytes);
            let (items, _) = read_all(
                vec![Input::Path(p)],
                ReadOptions {
                    skip_invalid: true,
                    ..ReadOptions::default()
                },
            );
            let err = only_err(&items);
            assert!(!err.kind.is_record_error(), "the whole input is refused");
            assert!(
                err.to_string()
                    .contains(&format!("is {encoding}, not UTF-8")),
                "{err}"
            );
        }
        write(dir.path(), "t/a.txt", &with_bom);
        let items = read_path(&dir.path().join("t"), ReadOptions::default());
        assert_eq!(only_err(&items).kind, ErrorKind::Encoding("UTF-16LE"));
    }

    #[test]
    fn invisible_only_text_is_empty() {
        let dir = tmp();
        let p = write(
            dir.path(),
            "i.jsonl",
            "{\"id\":\"a\",\"text\":\"\u{200B}\u{FEFF} \u{2060}\"}\n{\"id\":\"b\",\"text\":\"\u{200B}x\"}\n"
                .as_bytes(),
        );
        let items = read_path(&p, ReadOptions::default());
        assert_eq!(only_err(&items).kind, ErrorKind::EmptyText);
        assert_eq!(oks(&items)[0].id, "b");
    }

    #[cfg(unix)]
    #[test]
    fn dangling_links_are_reported() {
        let dir = tmp();
        write(dir.path(), "t/a.txt", b"Some text.");
        std::os::unix::fs::symlink(dir.path().join("gone.txt"), dir.path().join("t/b.txt"))
            .expect("symlink");
        let (items, reader) = read_all(
            vec![Input::Path(dir.path().join("t"))],
            ReadOptions {
                skip_invalid: true,
                ..ReadOptions::default()
            },
        );
        assert_eq!(oks(&items).len(), 1);
        assert_eq!(reader.skipped().count("dangling link"), 1);
        assert!(reader.skipped().examples()[0].contains("b.txt: dangling symbolic link"));
    }

    #[test]
    fn empty_inputs_are_reported() {
        let dir = tmp();
        let empty = write(dir.path(), "e.jsonl", b"\n  \n");
        let full = write(dir.path(), "f.jsonl", b"{\"id\":\"a\",\"text\":\"x\"}\n");
        fs_create(&dir.path().join("no-txt"));
        let (items, reader) = read_all(
            vec![
                Input::Path(empty.clone()),
                Input::Path(full),
                Input::Path(dir.path().join("no-txt")),
            ],
            ReadOptions::default(),
        );
        assert_eq!(oks(&items).len(), 1);
        let report = reader.skipped();
        assert_eq!(report.empty_inputs().len(), 2);
        assert!(!report.is_empty());
        assert!(report
            .to_string()
            .contains(&format!("no records in {}", empty.display())));
    }

    /// One generated record: valid, or broken in a way that must cost exactly one record.
    #[derive(Clone, Debug)]
    enum Rec {
        Plain(String),
        /// Quoted, possibly over several lines, possibly with doubled quotes.
        Quoted(String),
        /// Broken: a quote opened and never closed on its (single) line.
        Unclosed(String),
        /// Broken: not valid JSON, or a wrong field count.
        Garbage(String),
    }

    fn rec() -> impl Strategy<Value = Rec> {
        let word = "[a-z]{1,6}";
        prop_oneof![
            4 => prop::collection::vec(word, 1..6).prop_map(|w| Rec::Plain(w.join(" "))),
            3 => (prop::collection::vec(word, 1..6), prop::sample::select(vec![" ", ", ", "\n", "\"\"", "\r\n"]))
                .prop_map(|(w, sep)| Rec::Quoted(w.join(sep))),
            1 => prop::collection::vec(word, 1..6).prop_map(|w| Rec::Unclosed(w.join(", "))),
            1 => prop::collection::vec(word, 1..3).prop_map(|w| Rec::Garbage(w.join(" "))),
        ]
    }

    fn recs() -> impl Strategy<Value = Vec<Rec>> {
        prop::collection::vec(rec(), 1..40)
    }

    use proptest::prelude::*;

    proptest! {
        /// The records read plus the records skipped account for every record of the input,
        /// and every valid record is read with its own text: no record swallows another.
        #[test]
        fn csv_records_are_all_accounted_for(records in recs()) {
            let dir = tmp();
            let mut csv = String::from("id,text,source\n");
            for (i, r) in records.iter().enumerate() {
                match r {
                    Rec::Plain(t) => csv.push_str(&format!("{i},{t},s\n")),
                    Rec::Quoted(t) => csv.push_str(&format!("{i},\"{t}\",s\n")),
                    Rec::Unclosed(t) => csv.push_str(&format!("{i},\"{t},s\n")),
                    Rec::Garbage(t) => csv.push_str(&format!("{i},{t}\n")),
                }
            }
            let p = write(dir.path(), "r.csv", csv.as_bytes());
            let (items, reader) = read_all(vec![Input::Path(p)], ReadOptions {
                skip_invalid: true,
                ..ReadOptions::default()
            });
            let read: Vec<&Article> = oks(&items);
            prop_assert_eq!(reader.read_count(), records.len() as u64, "{}", csv);
            prop_assert_eq!(read.len() as u64 + reader.skipped().total(), records.len() as u64);
            let valid: Vec<(String, String)> = records.iter().enumerate().filter_map(|(i, r)| match r {
                Rec::Plain(t) => Some((i.to_string(), t.clone())),
                Rec::Quoted(t) => Some((i.to_string(), t.replace("\"\"", "\""))),
                _ => None,
            }).collect();
            let got: Vec<(String, String)> = read.iter().map(|a| (a.id.clone(), a.text.clone())).collect();
            prop_assert_eq!(got, valid, "{}", csv);
        }

        #[test]
        fn jsonl_records_are_all_accounted_for(records in recs()) {
            let dir = tmp();
            let mut jsonl = String::new();
            for (i, r) in records.iter().enumerate() {
                let line = match r {
                    Rec::Plain(t) | Rec::Quoted(t) => serde_json::json!({"id": i, "text": t}).to_string(),
                    // An unterminated string, and a line that is not JSON.
                    Rec::Unclosed(t) => format!("{{\"id\": {i}, \"text\": \"{t}"),
                    Rec::Garbage(t) => t.clone(),
                };
                jsonl.push_str(&line);
                jsonl.push('\n');
            }
            let p = write(dir.path(), "r.jsonl", jsonl.as_bytes());
            let (items, reader) = read_all(vec![Input::Path(p)], ReadOptions {
                skip_invalid: true,
                ..ReadOptions::default()
            });
            let read = oks(&items);
            prop_assert_eq!(reader.read_count(), records.len() as u64);
            prop_assert_eq!(read.len() as u64 + reader.skipped().total(), records.len() as u64);
            let valid = records.iter().filter(|r| matches!(r, Rec::Plain(_) | Rec::Quoted(_))).count();
            prop_assert_eq!(read.len(), valid);
        }
    }
}

#[cfg(test)]
mod mapping_tests;
