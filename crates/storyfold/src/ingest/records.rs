//! Bounded record splitting: reads one JSONL line or one CSV row at a time without ever
//! buffering more than `max_bytes` of it; the rest of an oversized record is discarded
//! (but still counted, so the error can say how large it was).
//!
//! A CSV quote that is never closed would make one record swallow every following line (the
//! `csv` crate reads on to the next quote, or to the end of the file). A row whose quoted
//! field spans lines is therefore held to RFC 4180 from its first line break on: a closing
//! quote must be followed by a comma, a line break or the end, and the file must not end
//! inside the quotes. A row breaking that rule is reported as [`Unclosed`] and covers its
//! first line only; the lines after it are read again as rows of their own, so that one bad
//! quote costs one record, not the rest of the file.

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

/// The scan of one CSV record: the quote state and what RFC 4180 checks have seen.
#[derive(Clone, Copy, Debug)]
struct CsvScan {
    state: CsvState,
    /// A line break inside quotes was passed: the record spans lines.
    multiline: bool,
    /// Where the record broke the rule (line breaks inside quotes before it), once it spans
    /// lines: a closing quote followed by something else than a comma or a line break.
    broken_after: Option<u64>,
}

impl CsvScan {
    fn new() -> Self {
        CsvScan {
            state: CsvState::StartField,
            multiline: false,
            broken_after: None,
        }
    }
}

/// A CSV record whose quoted field does not close properly (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unclosed {
    /// The record is cut to its first line, and reading goes on with the next line. `until`
    /// is the line where the quote would have been taken as closed, `None` when it runs to
    /// the end of the input.
    Resynced { until: Option<u64> },
    /// The record cannot be read again (over the size limit, or the budget for reading lines
    /// twice is spent): the rest of the input is not read.
    Lost,
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
    /// For CSV: a quote that does not close (the record is then its first line only).
    pub unclosed: Option<Unclosed>,
}

impl RawRecord {
    /// Whether the record was larger than the limit (its bytes are incomplete).
    pub fn too_large(&self, max: usize) -> bool {
        self.len > max
    }
}

/// Most bytes read a second time after unclosed quotes: this much plus
/// [`REREAD_PER_BYTE`] times the bytes of the stream (so a file full of bad quotes costs a
/// bounded multiple of its size, never a square).
const REREAD_BASE: u64 = 64 << 20;
/// See [`REREAD_BASE`].
const REREAD_PER_BYTE: u64 = 4;

/// Splits a byte stream into records, keeping at most `max` bytes of each.
pub(crate) struct BoundedRecords<R> {
    inner: R,
    max: usize,
    split: Split,
    /// Number of complete lines consumed so far.
    lines: u64,
    /// Set once the stream failed; no further reads are attempted.
    failed: bool,
    /// Bytes given back to be read again (after an unclosed CSV quote), read before `inner`.
    pending: Vec<u8>,
    /// How much of `pending` was read.
    pending_pos: usize,
    /// Bytes taken from `inner`, and bytes given back so far (for the re-read budget).
    consumed: u64,
    reread: u64,
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
            pending: Vec::new(),
            pending_pos: 0,
            consumed: 0,
            reread: 0,
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
            unclosed: None,
        };
        let mut started = false;
        let mut scan = CsvScan::new();
        loop {
            let from_pending = self.pending_pos < self.pending.len();
            let buf = if from_pending {
                &self.pending[self.pending_pos..]
            } else {
                match self.inner.fill_buf() {
                    Ok(b) => b,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        self.failed = true;
                        return Err(e);
                    }
                }
            };
            if buf.is_empty() {
                if !started {
                    return Ok(None);
                }
                if self.split == Split::Csv && scan.state == CsvState::InQuoted {
                    // The input ends inside quotes.
                    self.unclosed(&mut rec, scan.multiline, None, false);
                }
                return Ok(Some(rec));
            }
            started = true;
            let (take, found_end, inner_newlines) = match self.split {
                Split::Lines => match memchr::memchr(b'\n', buf) {
                    Some(i) => (i, true, 0),
                    None => (buf.len(), false, 0),
                },
                Split::Csv => scan_csv(buf, &mut scan, self.lines + 1 - rec.line),
            };
            if rec.bytes.len() < self.max {
                let room = self.max - rec.bytes.len();
                rec.bytes.extend_from_slice(&buf[..take.min(room)]);
            }
            rec.len += take;
            self.lines += inner_newlines;
            let used = take + usize::from(found_end);
            if from_pending {
                self.pending_pos += used;
                if self.pending_pos == self.pending.len() {
                    self.pending.clear();
                    self.pending_pos = 0;
                }
            } else {
                self.inner.consume(used);
                self.consumed += used as u64;
            }
            if found_end {
                self.lines += 1;
                if let Some(after) = scan.broken_after {
                    let until = rec.line + after;
                    self.unclosed(&mut rec, true, Some(until), true);
                }
                return Ok(Some(rec));
            }
        }
    }

    /// Mark `rec` as unclosed. A record spanning lines is cut to its first line and the rest
    /// (with the line break that ended it, when `ended`) is given back to be read again, so
    /// far as the bytes were kept and the re-read budget allows.
    fn unclosed(&mut self, rec: &mut RawRecord, multiline: bool, until: Option<u64>, ended: bool) {
        if !multiline {
            rec.unclosed = Some(Unclosed::Resynced { until });
            return;
        }
        let first_break = memchr::memchr(b'\n', &rec.bytes);
        let budget = REREAD_BASE + REREAD_PER_BYTE * self.consumed;
        let give_back = (rec.len - first_break.unwrap_or(0)) as u64;
        let (Some(cut), false, true) = (
            first_break,
            rec.len > rec.bytes.len(),
            self.reread + give_back <= budget,
        ) else {
            rec.unclosed = Some(Unclosed::Lost);
            return;
        };
        let mut again = rec.bytes.split_off(cut + 1);
        if ended {
            again.push(b'\n');
        }
        again.extend_from_slice(&self.pending[self.pending_pos..]);
        self.pending = again;
        self.pending_pos = 0;
        self.reread += give_back;
        rec.bytes.truncate(cut);
        rec.len = cut;
        self.lines = rec.line;
        rec.unclosed = Some(Unclosed::Resynced { until });
    }
}

/// Scan `buf` for the end of a CSV record, updating `scan`; `breaks` is the number of line
/// breaks inside quotes passed before `buf`. Returns the number of bytes belonging to the
/// record, whether its terminating `\n` was found (not included in the count), and how many
/// `\n` inside quoted fields were passed in `buf`.
fn scan_csv(buf: &[u8], scan: &mut CsvScan, breaks: u64) -> (usize, bool, u64) {
    let mut newlines = 0;
    for (i, &b) in buf.iter().enumerate() {
        scan.state = match (scan.state, b) {
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
                scan.multiline = true;
                CsvState::InQuoted
            }
            (CsvState::InQuoted, _) => CsvState::InQuoted,
            (CsvState::QuoteInQuoted, b'"') => CsvState::InQuoted,
            (CsvState::QuoteInQuoted, b'\r') => CsvState::InField,
            (CsvState::QuoteInQuoted, _) => {
                // A quote closing a field that spans lines, followed by text: the quote that
                // opened it was most likely never closed.
                if scan.multiline && scan.broken_after.is_none() {
                    scan.broken_after = Some(breaks + newlines);
                }
                CsvState::InField
            }
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
