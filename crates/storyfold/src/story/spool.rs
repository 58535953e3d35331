//! Article texts spooled to a temporary file and read back by offset, so that folding a large
//! corpus holds only compact features in memory.
//!
//! [`Spool::push`] appends a text to an anonymous temporary file (deleted when the spool is
//! dropped, also on a crash, since it is unlinked at creation) and returns its [`Span`];
//! [`Spool::finish`] flushes it and gives a [`SpoolReader`], which reads any span back
//! (positioned reads, so many threads can read at once). The file holds the texts back to
//! back, nothing else; the operating system's page cache keeps recently written texts in
//! memory, outside the process's resident set. Any input (standard input, gzip, CSV, text
//! directories) is spooled the same way, so nothing depends on re-opening the inputs.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Where a text lies in the spool.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    /// Byte offset in the spool file.
    pub offset: u64,
    /// Length in bytes.
    pub len: u32,
}

/// A temporary file receiving texts.
#[derive(Debug)]
pub struct Spool {
    out: BufWriter<File>,
    len: u64,
}

impl Spool {
    /// A spool in `dir`, or in the system's temporary directory (`TMPDIR`) when `None`.
    pub fn new(dir: Option<&Path>) -> io::Result<Spool> {
        let file = match dir {
            Some(d) => tempfile::tempfile_in(d)?,
            None => tempfile::tempfile()?,
        };
        Ok(Spool {
            out: BufWriter::with_capacity(1 << 20, file),
            len: 0,
        })
    }

    /// Append a text; returns where it lies. Texts over 4 GiB are refused.
    pub fn push(&mut self, text: &str) -> io::Result<Span> {
        let len = u32::try_from(text.len()).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "text over 4 GiB cannot be spooled",
            )
        })?;
        self.out.write_all(text.as_bytes())?;
        let span = Span {
            offset: self.len,
            len,
        };
        self.len += u64::from(len);
        Ok(span)
    }

    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.len
    }

    /// Flush and open for reading.
    pub fn finish(self) -> io::Result<SpoolReader> {
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        Ok(SpoolReader { file })
    }
}

/// Reads spooled texts back.
#[derive(Debug)]
pub struct SpoolReader {
    file: File,
}

impl SpoolReader {
    /// The text at `span` (invalid UTF-8, which a span from [`Spool::push`] never holds, is
    /// replaced).
    pub fn read(&self, span: Span) -> io::Result<String> {
        let mut buf = vec![0u8; span.len as usize];
        read_exact_at(&self.file, &mut buf, span.offset)?;
        Ok(String::from_utf8(buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_back_by_span_in_any_order() {
        let mut spool = Spool::new(None).expect("spool");
        let texts = ["first text", "", "ünïcödé ✓ and more", "last"];
        let spans: Vec<Span> = texts.iter().map(|t| spool.push(t).expect("push")).collect();
        assert_eq!(
            spool.bytes(),
            texts.iter().map(|t| t.len() as u64).sum::<u64>()
        );
        assert_eq!(spans[1].len, 0);
        let r = spool.finish().expect("finish");
        for k in [3, 0, 2, 1, 2] {
            assert_eq!(r.read(spans[k]).expect("read"), texts[k]);
        }
        // A span past the end is an error, not a panic.
        assert!(r
            .read(Span {
                offset: 1_000,
                len: 5
            })
            .is_err());
    }
}
