//! Directory input: every `.txt` file below a directory is one article.
//!
//! Files are found recursively (extension `.txt`, any case; symbolic links to files are
//! followed, links to directories are not, and a link to nothing is an error naming it,
//! [`ErrorKind::DanglingLink`]) and read in sorted path order. The id is the
//! path relative to the directory without the extension, with `/` separators
//! (`business/001`). A file may start with metadata in one of two forms:
//!
//! * a block of `key: value` lines ended by a blank line, with at least one of the keys
//!   `title`, `published` (or `date`), `source`, `url`, `lang` (case-insensitive; other
//!   keys in the block are ignored);
//! * a first line ` date 2021-07-17 Headline text`: optional leading whitespace, the word
//!   `date`, a `YYYY-MM-DD` date, then the headline (the rest of the line).
//!
//! Without metadata the first line is the title when [`looks_like_headline`] says so.
//! The text is the rest of the file with surrounding whitespace trimmed.

use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::{
    decode_utf8, foreign_encoding, io_kind, ErrorKind, Fields, IngestError, Location, Raw,
    ReadOptions, SkipReport, Source, Step,
};

/// Longest headline, in characters.
const MAX_HEADLINE_CHARS: usize = 200;
/// Longest headline, in words.
const MAX_HEADLINE_WORDS: usize = 25;

/// Decide whether `first` (the first line of a file) is a headline, given `rest` (the
/// text after that line).
///
/// The rule: the trimmed line is non-empty, at most 200 characters and 25 words, and does
/// not end like prose: its last character (ignoring closing quotes and brackets) is not
/// `.`, `,`, `;`, `:` or `…` (a headline may end with `?` or `!`). There must be more
/// text after it, and if the line right after it is not blank it must not start with a
/// lowercase letter (which would make the first line part of a hard-wrapped sentence).
pub fn looks_like_headline(first: &str, rest: &str) -> bool {
    let line = first.trim();
    if line.is_empty()
        || line.chars().count() > MAX_HEADLINE_CHARS
        || line.split_whitespace().count() > MAX_HEADLINE_WORDS
    {
        return false;
    }
    let last = line
        .trim_end_matches(['"', '\'', '\u{201D}', '\u{2019}', ')', ']', '»'])
        .chars()
        .next_back();
    match last {
        None | Some('.' | ',' | ';' | ':' | '…') => return false,
        _ => {}
    }
    if rest.trim().is_empty() {
        return false;
    }
    let next = rest.lines().next().unwrap_or("").trim_start();
    !next.chars().next().is_some_and(char::is_lowercase)
}

/// Split off the first line: (line without its terminator, rest).
fn first_line(s: &str) -> (&str, &str) {
    match s.find('\n') {
        Some(i) => (s[..i].trim_end_matches('\r'), &s[i + 1..]),
        None => (s, ""),
    }
}

/// Parse a `key: value` metadata block ended by a blank line. Returns the fields and the
/// text after the block, or `None` when the file does not start with such a block.
fn metadata_block(content: &str) -> Option<(Fields, &str)> {
    let mut fields = Fields::default();
    let mut known = 0;
    let mut rest = content;
    loop {
        if rest.is_empty() {
            // The block must be ended by a blank line.
            return None;
        }
        let (line, after) = first_line(rest);
        rest = after;
        if line.trim().is_empty() {
            break;
        }
        let (key, value) = line.split_once(':')?;
        let key = key.trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return None;
        }
        let value = Some(value.trim().to_string());
        let slot = match key.to_ascii_lowercase().as_str() {
            "title" => &mut fields.title,
            "published" | "date" => &mut fields.published,
            "source" => &mut fields.source,
            "url" => &mut fields.url,
            "lang" => &mut fields.lang,
            _ => continue,
        };
        known += 1;
        *slot = value;
    }
    (known > 0).then_some((fields, rest))
}

/// Parse a first line of the form ` date 2021-07-17 Headline text` into
/// (date, title); `None` if the line does not have that form.
fn date_line(line: &str) -> Option<(String, Option<String>)> {
    let l = line.trim_start();
    let word = l.get(..4)?;
    if !word.eq_ignore_ascii_case("date") {
        return None;
    }
    let after = &l[4..];
    if !after.starts_with([' ', '\t']) {
        return None;
    }
    let after = after.trim_start();
    let date = after.get(..10)?;
    let shape = date.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        _ => b.is_ascii_digit(),
    });
    let title = &after[10..];
    if !shape || !(title.is_empty() || title.starts_with(char::is_whitespace)) {
        return None;
    }
    let title = title.trim();
    Some((
        date.to_string(),
        (!title.is_empty()).then(|| title.to_string()),
    ))
}

/// Split the content of a `.txt` file into fields (without the id).
pub(crate) fn parse_txt(content: &str) -> Fields {
    let content = content.strip_prefix('\u{FEFF}').unwrap_or(content);
    if let Some((mut fields, rest)) = metadata_block(content) {
        fields.text = Some(rest.trim().to_string());
        return fields;
    }
    let (first, rest) = first_line(content);
    if let Some((date, title)) = date_line(first) {
        return Fields {
            title,
            published: Some(date),
            text: Some(rest.trim().to_string()),
            ..Fields::default()
        };
    }
    // Leading blank lines do not count: the headline is the first non-blank line.
    let trimmed = content.trim_start();
    let (first, rest) = first_line(trimmed);
    if looks_like_headline(first, rest) {
        Fields {
            title: Some(first.trim().to_string()),
            text: Some(rest.trim().to_string()),
            ..Fields::default()
        }
    } else {
        Fields {
            text: Some(content.trim().to_string()),
            ..Fields::default()
        }
    }
}

/// Reads the `.txt` files of a directory.
pub(crate) struct TxtSource {
    files: std::vec::IntoIter<(PathBuf, PathBuf)>,
    counter: Arc<AtomicU64>,
}

/// Collect `.txt` files below `dir` as (full path, path relative to `root`).
fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, PathBuf)>) -> Result<(), IngestError> {
    let err = |p: &Path, e: std::io::Error| {
        IngestError::new(Location::file(p.display().to_string()), io_kind(&e))
    };
    let entries = fs::read_dir(dir).map_err(|e| err(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| err(dir, e))?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(|e| err(&path, e))?;
        if file_type.is_dir() {
            walk(root, &path, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("txt"))
            && (file_type.is_file() || path.is_file() || is_dangling(&path))
        {
            let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            out.push((path, rel));
        }
    }
    Ok(())
}

/// Whether `path` is a symbolic link to nothing.
fn is_dangling(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && fs::metadata(path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
}

/// The id of a file: its relative path without extension, `/`-separated.
fn id_for(rel: &Path) -> String {
    let no_ext = rel.with_extension("");
    let parts: Vec<String> = no_ext
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

impl TxtSource {
    /// List the `.txt` files below `dir`.
    pub fn open(dir: &Path, counter: &Arc<AtomicU64>) -> Result<Self, IngestError> {
        let mut files = Vec::new();
        walk(dir, dir, &mut files)?;
        files.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(TxtSource {
            files: files.into_iter(),
            counter: Arc::clone(counter),
        })
    }

    /// Read and split one file.
    fn read_file(
        &self,
        path: &Path,
        rel: &Path,
        opts: &ReadOptions,
        report: &mut SkipReport,
    ) -> Result<Fields, ErrorKind> {
        if is_dangling(path) {
            let target = fs::read_link(path).unwrap_or_default();
            return Err(ErrorKind::DanglingLink(target.display().to_string()));
        }
        let file = File::open(path).map_err(|e| io_kind(&e))?;
        let len = file.metadata().map_err(|e| io_kind(&e))?.len();
        let too_large = |bytes: u64| ErrorKind::TooLarge {
            bytes: usize::try_from(bytes).unwrap_or(usize::MAX),
            max: opts.max_bytes,
        };
        if len > opts.max_bytes as u64 {
            return Err(too_large(len));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        // The file may grow after the metadata check: never read more than the limit + 1.
        file.take(opts.max_bytes as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| io_kind(&e))?;
        self.counter
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        if bytes.len() > opts.max_bytes {
            return Err(too_large(bytes.len() as u64));
        }
        file_fields(&bytes, id_for(rel), opts, report)
    }
}

/// The fields of one `.txt` file's bytes (already checked against the size limit).
fn file_fields(
    bytes: &[u8],
    id: String,
    opts: &ReadOptions,
    report: &mut SkipReport,
) -> Result<Fields, ErrorKind> {
    if let Some(encoding) = foreign_encoding(bytes) {
        return Err(ErrorKind::Encoding(encoding));
    }
    let content = decode_utf8(bytes, opts, report)?;
    let mut fields = parse_txt(&content);
    fields.id = Some(id);
    Ok(fields)
}

/// One `.txt` file held in memory ([`super::Reader::from_bytes`]).
pub(crate) struct TxtBytesSource {
    label: String,
    bytes: Option<Vec<u8>>,
}

impl TxtBytesSource {
    /// The file `label` (its id: `label` without its extension) with content `bytes`.
    pub fn new(label: String, bytes: Vec<u8>) -> Self {
        TxtBytesSource {
            label,
            bytes: Some(bytes),
        }
    }
}

impl Source for TxtBytesSource {
    fn next_step(&mut self, opts: &ReadOptions, report: &mut SkipReport) -> Option<Step> {
        let bytes = self.bytes.take()?;
        let fields = if bytes.len() > opts.max_bytes {
            Err(ErrorKind::TooLarge {
                bytes: bytes.len(),
                max: opts.max_bytes,
            })
        } else {
            file_fields(&bytes, id_for(Path::new(&self.label)), opts, report)
        };
        Some(Step::Record {
            location: Location::file(self.label.clone()),
            fields,
            raw: Raw::None,
        })
    }
}

impl Source for TxtSource {
    fn next_step(&mut self, opts: &ReadOptions, report: &mut SkipReport) -> Option<Step> {
        let (path, rel) = self.files.next()?;
        let location = Location::file(path.display().to_string());
        let fields = self.read_file(&path, &rel, opts, report);
        Some(Step::Record {
            location,
            fields,
            raw: Raw::File { path, rel },
        })
    }
}
