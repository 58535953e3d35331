//! Re-emitting the original raw records of chosen articles (`--keep`).

use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

use super::{ErrorKind, IngestError, Input, Location, Raw, ReadOptions, Reader};

/// Why [`write_kept`] stopped: an input could not be read again, or the output could not be
/// written (an error naming the output, never the input record being copied).
#[derive(Debug, thiserror::Error)]
pub enum KeepError {
    /// Reading an input failed.
    #[error(transparent)]
    Input(#[from] IngestError),
    /// Writing the output failed. A stream target's own errors are passed on as they are (an
    /// [`crate::output::Output`] names itself); a directory target's name the file written.
    #[error(transparent)]
    Output(io::Error),
}

/// Where [`write_kept`] writes.
pub enum KeepTarget<'a> {
    /// A stream receiving JSONL lines or CSV rows (JSONL and CSV inputs).
    Writer(&'a mut dyn Write),
    /// A directory receiving copies of `.txt` files at their relative paths (directory
    /// inputs).
    Dir(PathBuf),
}

/// Second pass for `--keep`: re-read the same inputs with the same options and write the
/// original raw record of every valid article whose `seq` satisfies `keep(seq)`,
/// unchanged. Returns the number of records written.
///
/// * JSONL: the raw line bytes (a UTF-8 BOM on the first line removed) plus `\n`.
/// * CSV: the header row of the first CSV input once (none when read without one,
///   [`ReadOptions::no_header`]), then the raw rows, each plus `\n` (a row keeps its `\r` if
///   it had one). All CSV inputs must have the same header row.
/// * Directory: `out_dir` gets a copy of each kept file at its relative path.
///
/// Because the inputs are read again with the same options, `seq` numbers match the
/// first pass. Invalid records are passed over; errors about whole inputs (missing
/// file, I/O error, damaged gzip unless `skip_invalid`) are returned. Standard input
/// cannot be read twice and is rejected, as is mixing JSONL, CSV and directory records
/// in one target.
pub fn write_kept(
    inputs: &[Input],
    opts: &ReadOptions,
    keep: &dyn Fn(u64) -> bool,
    out: KeepTarget,
) -> Result<u64, KeepError> {
    if inputs.contains(&Input::Stdin) {
        return Err(KeepError::Input(IngestError::new(
            Location::file(Input::Stdin.label()),
            ErrorKind::Unsupported("standard input cannot be read a second time".into()),
        )));
    }
    let mut reader = Reader::open(inputs.to_vec(), opts.clone());
    let mut out = out;
    let mut written = 0u64;
    // What has been written to a stream target so far, to keep it consistent.
    let mut kind: Option<&'static str> = None;
    let mut csv_header: Option<Arc<Vec<u8>>> = None;
    while let Some(item) = reader.next_with_raw() {
        let (article, raw) = match item {
            Ok(x) => x,
            Err(e) if e.kind.is_record_error() => continue,
            Err(e) => return Err(e.into()),
        };
        if !keep(article.seq) {
            continue;
        }
        let location = article.location;
        let write_err = KeepError::Output;
        let mismatch = |what: &str| {
            KeepError::Input(IngestError::new(
                location.clone(),
                ErrorKind::Unsupported(format!("cannot keep {what}")),
            ))
        };
        match (raw, &mut out) {
            (Raw::Line(line), KeepTarget::Writer(w)) => {
                if *kind.get_or_insert("jsonl") != "jsonl" {
                    return Err(mismatch("JSONL records and CSV rows in one output"));
                }
                w.write_all(&line).map_err(write_err)?;
                w.write_all(b"\n").map_err(write_err)?;
            }
            (Raw::CsvRow { header, row }, KeepTarget::Writer(w)) => {
                if *kind.get_or_insert("csv") != "csv" {
                    return Err(mismatch("JSONL records and CSV rows in one output"));
                }
                match &csv_header {
                    None => {
                        // A file read without a header row (no_header) has none to write.
                        if !header.is_empty() {
                            w.write_all(&header).map_err(write_err)?;
                            w.write_all(b"\n").map_err(write_err)?;
                        }
                        csv_header = Some(header);
                    }
                    Some(h) if **h != *header => {
                        return Err(mismatch(
                            "CSV rows with different header rows in one output",
                        ))
                    }
                    Some(_) => {}
                }
                w.write_all(&row).map_err(write_err)?;
                w.write_all(b"\n").map_err(write_err)?;
            }
            (Raw::File { path, rel }, KeepTarget::Dir(dir)) => {
                let dest = dir.join(&rel);
                let named = |e: io::Error| {
                    KeepError::Output(io::Error::new(
                        e.kind(),
                        format!("cannot write {}: {e}", dest.display()),
                    ))
                };
                if let Some(parent) = dest.parent() {
                    fs::create_dir_all(parent).map_err(named)?;
                }
                fs::copy(&path, &dest).map_err(named)?;
            }
            (Raw::File { .. }, KeepTarget::Writer(_)) => {
                return Err(mismatch(".txt files in a stream (use a directory target)"))
            }
            (Raw::Line(_) | Raw::CsvRow { .. }, KeepTarget::Dir(_)) => {
                return Err(mismatch("JSONL or CSV records in a directory target"))
            }
            (Raw::None, _) => continue,
        }
        written += 1;
    }
    if let KeepTarget::Writer(w) = &mut out {
        w.flush().map_err(KeepError::Output)?;
    }
    Ok(written)
}
