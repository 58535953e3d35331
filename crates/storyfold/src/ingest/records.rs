//! Bounded record splitting: reads one JSONL line or one CSV row at a time without ever
//! buffering more than `max_bytes` of it; the rest of an oversized record is discarded
//! (but still counted, so the error can say how large it was).

use std::io::{self, BufRead};

/// How records are delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Split {
    /// Every `\n` ends a record.
    Lines,
    /// A `\n` outside a quoted field ends a record (RFC 4180 quoting with `"` and `,`,
    /// following the rules of the `csv` crate: a quote only opens a quoted field at the
    /// start of a field, `""` inside quotes is a literal quote).
    Csv,
}

/// Quote-tracking state for [`Split::Csv`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CsvState {
    StartField,
    InField,
    InQuoted,
    QuoteInQuoted,
}

/// One record as read from the stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawRecord {
    /// The record bytes without the terminating `\n` (at most `max` bytes; cut short when
    /// the record is too large).
    pub bytes: Vec<u8>,
    /// 1-based line number of the first line of the record.
    pub line: u64,
    /// Full length of the record in bytes, without the terminating `\n`.
    pub len: usize,
}

impl RawRecord {
    /// Whether the record was larger than the limit (its bytes are incomplete).
    pub fn too_large(&self, max: usize) -> bool {
        self.len > max
    }
}

/// Splits a byte stream into records, keeping at most `max` bytes of each.
pub(crate) struct BoundedRecords<R> {
    inner: R,
    max: usize,
    split: Split,
    /// Number of complete lines consumed so far.
    lines: u64,
    /// Set once the stream failed; no further reads are attempted.
    failed: bool,
}

impl<R: BufRead> BoundedRecords<R> {
    /// Wrap `inner`.
    pub fn new(inner: R, max: usize, split: Split) -> Self {
        BoundedRecords {
            inner,
            max,
            split,
            lines: 0,
            failed: false,
        }
    }

    /// Number of complete lines read so far (the last good line after an error).
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// The next record, `Ok(None)` at the end of the stream. After an error the stream
    /// is finished.
    pub fn next_record(&mut self) -> io::Result<Option<RawRecord>> {
        if self.failed {
            return Ok(None);
        }
        let mut rec = RawRecord {
            bytes: Vec::new(),
            line: self.lines + 1,
            len: 0,
        };
        let mut started = false;
        let mut state = CsvState::StartField;
        loop {
            let buf = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.failed = true;
                    return Err(e);
                }
            };
            if buf.is_empty() {
                return Ok(started.then_some(rec));
            }
            started = true;
            let (take, found_end, inner_newlines) = match self.split {
                Split::Lines => match memchr::memchr(b'\n', buf) {
                    Some(i) => (i, true, 0),
                    None => (buf.len(), false, 0),
                },
                Split::Csv => scan_csv(buf, &mut state),
            };
            if rec.bytes.len() < self.max {
                let room = self.max - rec.bytes.len();
                rec.bytes.extend_from_slice(&buf[..take.min(room)]);
            }
            rec.len += take;
            self.lines += inner_newlines;
            self.inner.consume(take + usize::from(found_end));
            if found_end {
                self.lines += 1;
                return Ok(Some(rec));
            }
        }
    }
}

/// Scan `buf` for the end of a CSV record, updating `state`. Returns the number of bytes
/// belonging to the record, whether its terminating `\n` was found (not included in the
/// count), and how many `\n` inside quoted fields were passed.
fn scan_csv(buf: &[u8], state: &mut CsvState) -> (usize, bool, u64) {
    let mut newlines = 0;
    for (i, &b) in buf.iter().enumerate() {
        *state = match (*state, b) {
            (CsvState::StartField | CsvState::InField | CsvState::QuoteInQuoted, b'\n') => {
                return (i, true, newlines);
            }
            (CsvState::StartField, b'"') => CsvState::InQuoted,
            (CsvState::StartField | CsvState::InField | CsvState::QuoteInQuoted, b',') => {
                CsvState::StartField
            }
            (CsvState::StartField | CsvState::InField, _) => CsvState::InField,
            (CsvState::InQuoted, b'"') => CsvState::QuoteInQuoted,
            (CsvState::InQuoted, b'\n') => {
                newlines += 1;
                CsvState::InQuoted
            }
            (CsvState::InQuoted, _) => CsvState::InQuoted,
            (CsvState::QuoteInQuoted, b'"') => CsvState::InQuoted,
            (CsvState::QuoteInQuoted, _) => CsvState::InField,
        };
    }
    (buf.len(), false, newlines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    fn all(data: &[u8], max: usize, split: Split, cap: usize) -> Vec<RawRecord> {
        let mut r = BoundedRecords::new(BufReader::with_capacity(cap, data), max, split);
        let mut out = Vec::new();
        while let Some(rec) = r.next_record().expect("in-memory read") {
            out.push(rec);
        }
        out
    }

    #[test]
    fn splits_lines_and_numbers_them() {
        let recs = all(b"a\n\nbc\nlast", 100, Split::Lines, 2);
        let got: Vec<(&[u8], u64)> = recs.iter().map(|r| (&r.bytes[..], r.line)).collect();
        assert_eq!(
            got,
            vec![
                (&b"a"[..], 1),
                (&b""[..], 2),
                (&b"bc"[..], 3),
                (&b"last"[..], 4)
            ]
        );
    }

    #[test]
    fn oversized_line_is_cut_but_measured() {
        let mut data = vec![b'x'; 1000];
        data.extend_from_slice(b"\nok\n");
        let recs = all(&data, 10, Split::Lines, 7);
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].bytes.len(), 10);
        assert_eq!(recs[0].len, 1000);
        assert!(recs[0].too_large(10));
        assert_eq!(recs[1].bytes, b"ok");
        assert_eq!(recs[1].line, 2);
        assert!(!recs[1].too_large(10));
    }

    #[test]
    fn csv_quoted_newlines_stay_in_one_record() {
        let data = b"id,text\n1,\"two\nlines, \"\"quoted\"\"\"\n2,a\"b\n";
        let recs = all(data, 100, Split::Csv, 3);
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[1].bytes, b"1,\"two\nlines, \"\"quoted\"\"\"");
        assert_eq!(recs[1].line, 2);
        assert_eq!(recs[2].bytes, b"2,a\"b");
        assert_eq!(recs[2].line, 4);
    }
}
