//! Safe outputs: files written atomically, and outputs checked against the inputs.
//!
//! Nothing a command writes may destroy what it reads or leave a partial file under the name
//! the user gave. Every writer of the crate's users (the command-line tool, a server) goes
//! through the three guards here:
//!
//! * [`check_outputs`] refuses, before anything is read or written, an output that is one of
//!   the inputs, lies inside an input directory, holds an input (a directory output), or is
//!   another output; and standard output redirected into an input. Files are compared by
//!   identity (device and inode), not by spelling, so `./a.jsonl`, a hard link or a symbolic
//!   link to an input is refused too.
//! * [`Output`] writes a file atomically: into a temporary file in the same directory (a
//!   hidden `.NAME.XXXXXX.tmp`), which [`Output::commit`] flushes, syncs to disk and renames
//!   over the target. A crash, a kill or a full disk before that leaves the previous file
//!   intact and nothing under the final name; an output dropped uncommitted removes its
//!   temporary file (after `kill -9` it stays behind under its hidden name). Standard output
//!   and existing files that are not regular files (`/dev/null`, a FIFO) are written
//!   directly. [`OutputDir`] does the same for a directory of files.
//! * Every [`Error`] names the file (or "standard output") and says what failed; the write
//!   errors of an [`Output`] keep their [`io::ErrorKind`], so a caller can tell a closed pipe
//!   ([`io::ErrorKind::BrokenPipe`]) from a full disk.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::ingest::Input;

/// Where an output goes: standard output, or a file (or directory) path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Standard output.
    Stdout,
    /// A path.
    Path(PathBuf),
}

impl Target {
    /// Parse a command-line argument: `-` is standard output, anything else a path.
    pub fn from_arg(arg: impl Into<PathBuf>) -> Target {
        let path = arg.into();
        if path.as_os_str() == "-" {
            Target::Stdout
        } else {
            Target::Path(path)
        }
    }

    /// The name used in messages: `standard output`, or the path as given.
    pub fn name(&self) -> String {
        match self {
            Target::Stdout => STDOUT_NAME.to_string(),
            Target::Path(p) => p.display().to_string(),
        }
    }
}

/// How standard output is named in messages.
pub const STDOUT_NAME: &str = "standard output";

/// An error writing an output, or an output refused by [`check_outputs`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An operation on an output failed; displayed as `cannot write out.jsonl: No space left
    /// on device (os error 28)`.
    #[error("cannot {action} {name}: {error}")]
    Io {
        /// The output, as [`Target::name`] gives it.
        name: String,
        /// What failed: `create`, `write`, `sync`, `replace`, ...
        action: &'static str,
        /// The underlying error (shown in the message, so not also given as the source).
        error: io::Error,
    },
    /// An output is an input, lies inside an input directory, or is another output.
    #[error("{0}")]
    Collision(String),
}

impl Error {
    fn io(name: impl Into<String>, action: &'static str, error: io::Error) -> Error {
        Error::Io {
            name: name.into(),
            action,
            error,
        }
    }

    /// The kind of the underlying I/O error (`None` for a refused output).
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            Error::Io { error, .. } => Some(error.kind()),
            Error::Collision(_) => None,
        }
    }
}

impl From<Error> for io::Error {
    /// An I/O error of the same kind whose message names the output.
    fn from(e: Error) -> io::Error {
        let kind = e.io_kind().unwrap_or(io::ErrorKind::InvalidInput);
        io::Error::new(kind, e)
    }
}

/// Buffer size of file outputs.
const BUF: usize = 64 * 1024;

/// Where the bytes of an [`Output`] go.
#[derive(Debug)]
enum Sink {
    Stdout(BufWriter<io::Stdout>),
    /// A temporary file, renamed over `target` on commit.
    Atomic {
        file: BufWriter<tempfile::NamedTempFile>,
        target: PathBuf,
    },
    /// An existing file that is not a regular file (a device, a FIFO): written in place.
    Direct(BufWriter<File>),
}

/// An output being written: standard output, or a file replaced atomically on
/// [`Output::commit`] (see the [module documentation](self)). Write errors name the output.
#[derive(Debug)]
pub struct Output {
    name: String,
    sink: Sink,
}

impl Output {
    /// Start writing `target`. For a file, this creates the temporary file beside it; the
    /// target itself is untouched until [`Output::commit`]. A symbolic link is followed (the
    /// file it points to is replaced, the link stays).
    pub fn create(target: &Target) -> Result<Output, Error> {
        let path = match target {
            Target::Stdout => return Ok(Output::stdout()),
            Target::Path(p) => p,
        };
        let name = target.name();
        let (real, existing) = resolve(path, &name)?;
        if let Some(meta) = &existing {
            if meta.is_dir() {
                return Err(Error::io(name, "write", is_a_directory()));
            }
            if !meta.is_file() {
                let file = OpenOptions::new()
                    .write(true)
                    .open(&real)
                    .map_err(|e| Error::io(&name, "open", e))?;
                return Ok(Output {
                    name,
                    sink: Sink::Direct(BufWriter::with_capacity(BUF, file)),
                });
            }
        }
        let (dir, file_name) = split(&real, &name)?;
        // As `File::create` would: read and write for all, less the umask.
        let tmp = hidden_temp(dir, file_name, 0o666, |b, d| b.tempfile_in(d))
            .map_err(|e| Error::io(&name, "create", e))?;
        if let Some(meta) = &existing {
            // The replacement keeps the permissions of the file it replaces.
            fs::set_permissions(tmp.path(), meta.permissions())
                .map_err(|e| Error::io(&name, "create", e))?;
        }
        Ok(Output {
            name,
            sink: Sink::Atomic {
                file: BufWriter::with_capacity(BUF, tmp),
                target: real,
            },
        })
    }

    /// Standard output, buffered; write errors name it `standard output`.
    pub fn stdout() -> Output {
        Output {
            name: STDOUT_NAME.to_string(),
            sink: Sink::Stdout(BufWriter::with_capacity(BUF, io::stdout())),
        }
    }

    /// The output's name in messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether this is standard output (never replaced atomically: what is written is seen).
    pub fn is_stdout(&self) -> bool {
        matches!(self.sink, Sink::Stdout(_))
    }

    /// Finish the output: flush it and, for a file, sync the temporary file to disk and
    /// rename it over the target (then sync the directory, so the rename is durable).
    pub fn commit(self) -> Result<(), Error> {
        let name = self.name;
        match self.sink {
            Sink::Stdout(mut out) => out.flush().map_err(|e| Error::io(name, "write", e)),
            Sink::Direct(out) => {
                let file = out
                    .into_inner()
                    .map_err(|e| Error::io(&name, "write", e.into_error()))?;
                // Devices and pipes may not support syncing: only flushing counts here.
                drop(file);
                Ok(())
            }
            Sink::Atomic { file, target } => {
                let tmp = file
                    .into_inner()
                    .map_err(|e| Error::io(&name, "write", e.into_error()))?;
                tmp.as_file()
                    .sync_all()
                    .map_err(|e| Error::io(&name, "sync", e))?;
                tmp.persist(&target)
                    .map_err(|e| Error::io(&name, "replace", e.error))?;
                sync_parent(&target);
                Ok(())
            }
        }
    }

    fn error(&self, e: io::Error) -> io::Error {
        Error::io(self.name.clone(), "write", e).into()
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = match &mut self.sink {
            Sink::Stdout(w) => w.write(buf),
            Sink::Atomic { file, .. } => file.write(buf),
            Sink::Direct(w) => w.write(buf),
        };
        r.map_err(|e| self.error(e))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let r = match &mut self.sink {
            Sink::Stdout(w) => w.write_all(buf),
            Sink::Atomic { file, .. } => file.write_all(buf),
            Sink::Direct(w) => w.write_all(buf),
        };
        r.map_err(|e| self.error(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        let r = match &mut self.sink {
            Sink::Stdout(w) => w.flush(),
            Sink::Atomic { file, .. } => file.flush(),
            Sink::Direct(w) => w.flush(),
        };
        r.map_err(|e| self.error(e))
    }
}

/// A directory of output files being written: files go into a hidden staging directory beside
/// the target, and [`OutputDir::commit`] moves them into place. A target that did not exist
/// appears whole, by one rename; into an existing directory each file is moved by its own
/// rename, replacing a file of the same name (each file is whole, but a failure part-way
/// leaves some files replaced and the others as they were). Other files of an existing target
/// are left alone.
#[derive(Debug)]
pub struct OutputDir {
    name: String,
    target: PathBuf,
    staging: tempfile::TempDir,
}

impl OutputDir {
    /// Start writing the directory `path` (created on commit if needed).
    pub fn create(path: &Path) -> Result<OutputDir, Error> {
        let name = path.display().to_string();
        let (real, existing) = resolve(path, &name)?;
        if existing.as_ref().is_some_and(|m| !m.is_dir()) {
            return Err(Error::io(
                name,
                "write",
                io::Error::new(io::ErrorKind::AlreadyExists, "not a directory"),
            ));
        }
        let (parent, dir_name) = split(&real, &name)?;
        let staging = hidden_temp(parent, dir_name, 0o777, |b, d| b.tempdir_in(d))
            .map_err(|e| Error::io(&name, "create", e))?;
        Ok(OutputDir {
            name,
            target: real,
            staging,
        })
    }

    /// Where to write the files (the staging directory).
    pub fn path(&self) -> &Path {
        self.staging.path()
    }

    /// The output's name in messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Sync the written files and move them into the target.
    pub fn commit(self) -> Result<(), Error> {
        let name = &self.name;
        sync_tree(self.staging.path()).map_err(|e| Error::io(name, "sync", e))?;
        if fs::symlink_metadata(&self.target).is_err()
            && fs::rename(self.staging.path(), &self.target).is_ok()
        {
            // The staging directory is the target now: nothing left to clean up.
            let _ = self.staging.keep();
            sync_parent(&self.target);
            return Ok(());
        }
        merge_into(self.staging.path(), &self.target).map_err(|e| Error::io(name, "write", e))?;
        sync_parent(&self.target);
        Ok(())
    }
}

/// The path to write for `path` (a symbolic link resolved) and its metadata when it exists.
fn resolve(path: &Path, name: &str) -> Result<(PathBuf, Option<fs::Metadata>), Error> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            let real = fs::canonicalize(path).map_err(|e| {
                Error::io(
                    name,
                    "write",
                    io::Error::new(e.kind(), format!("dangling symbolic link ({e})")),
                )
            })?;
            let meta = fs::metadata(&real).map_err(|e| Error::io(name, "write", e))?;
            Ok((real, Some(meta)))
        }
        Ok(m) => Ok((path.to_path_buf(), Some(m))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok((path.to_path_buf(), None)),
        Err(e) => Err(Error::io(name, "write", e)),
    }
}

/// The directory holding `path` (`.` for a bare name) and its file name.
fn split<'p>(path: &'p Path, name: &str) -> Result<(&'p Path, &'p std::ffi::OsStr), Error> {
    let file_name = path.file_name().ok_or_else(|| {
        Error::io(
            name,
            "write",
            io::Error::new(io::ErrorKind::InvalidInput, "not a file name"),
        )
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Ok((dir, file_name))
}

/// A temporary file or directory, as `make` creates it with the builder in `dir`, named after
/// `name` but hidden (`.NAME.XXXXXX.tmp`), with permissions `mode` less the umask on Unix.
fn hidden_temp<T>(
    dir: &Path,
    name: &std::ffi::OsStr,
    mode: u32,
    make: impl FnOnce(&tempfile::Builder, &Path) -> io::Result<T>,
) -> io::Result<T> {
    let prefix = format!(".{}.", shorten(&name.to_string_lossy()));
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    make(&builder, dir)
}

/// A file name cut to at most 64 bytes (at a character boundary), so that the temporary name
/// built from it stays well within the file system's limit.
fn shorten(name: &str) -> &str {
    let mut end = name.len().min(64);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

fn is_a_directory() -> io::Error {
    io::Error::new(io::ErrorKind::IsADirectory, "is a directory")
}

/// Sync the directory holding `path`, so that a rename into it is durable (best effort: not
/// every platform can open a directory).
fn sync_parent(path: &Path) {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Sync every regular file below `dir`.
fn sync_tree(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            sync_tree(&entry.path())?;
        } else if kind.is_file() {
            File::open(entry.path())?.sync_all()?;
        }
    }
    Ok(())
}

/// Move everything below `from` into `to`, creating directories and replacing files.
fn merge_into(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            merge_into(&entry.path(), &dest)?;
        } else {
            fs::rename(entry.path(), &dest)?;
        }
    }
    Ok(())
}

/// An output to check with [`check_outputs`].
#[derive(Clone, Copy, Debug)]
pub struct Planned<'a> {
    /// How the user named it, for messages (`--output`, `--keep`).
    pub flag: &'a str,
    /// Where it goes.
    pub target: &'a Target,
    /// Whether it is a directory of files (then no input may lie inside it either).
    pub dir: bool,
}

/// File identity: device and inode on Unix, the canonical path elsewhere.
#[cfg(unix)]
type Id = (u64, u64);
#[cfg(not(unix))]
type Id = PathBuf;

#[cfg(unix)]
fn identity(path: &Path) -> Option<Id> {
    use std::os::unix::fs::MetadataExt;
    let m = fs::metadata(path).ok()?;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(path: &Path) -> Option<Id> {
    fs::canonicalize(path).ok()
}

/// The identity of the file behind standard input or output, when it is a regular file.
#[cfg(unix)]
fn stream_identity(fd: std::os::fd::BorrowedFd<'_>) -> Option<Id> {
    use std::os::unix::fs::MetadataExt;
    let m = File::from(fd.try_clone_to_owned().ok()?).metadata().ok()?;
    m.is_file().then(|| (m.dev(), m.ino()))
}

#[cfg(unix)]
fn stdin_identity() -> Option<Id> {
    use std::os::fd::AsFd;
    stream_identity(io::stdin().as_fd())
}

#[cfg(unix)]
fn stdout_identity() -> Option<Id> {
    use std::os::fd::AsFd;
    stream_identity(io::stdout().as_fd())
}

#[cfg(not(unix))]
fn stdin_identity() -> Option<Id> {
    None
}

#[cfg(not(unix))]
fn stdout_identity() -> Option<Id> {
    None
}

/// An input as [`check_outputs`] compares it.
struct Known {
    name: String,
    id: Id,
    dir: bool,
    /// The input's canonical path (for "an input lies inside a directory output").
    real: Option<PathBuf>,
}

/// Refuse outputs that would touch inputs, before anything is read or written:
///
/// * an output that is an input (same file, whatever the spelling: a relative path, a hard
///   link, a symbolic link), including standard input redirected from that file;
/// * an output that lies inside an input directory (through any symbolic links);
/// * a directory output holding an input;
/// * standard output redirected to an input file;
/// * two outputs that are the same file.
///
/// Inputs that do not exist are not compared (reading them fails later with its own error);
/// neither are outputs whose directory does not exist (creating them fails likewise).
pub fn check_outputs(inputs: &[Input], outputs: &[Planned<'_>]) -> Result<(), Error> {
    let known: Vec<Known> = inputs
        .iter()
        .filter_map(|input| match input {
            Input::Stdin => Some(Known {
                name: "standard input".to_string(),
                id: stdin_identity()?,
                dir: false,
                real: None,
            }),
            Input::Path(p) => Some(Known {
                name: p.display().to_string(),
                id: identity(p)?,
                dir: p.is_dir(),
                real: fs::canonicalize(p).ok(),
            }),
        })
        .collect();
    let refuse = |flag: &str, out: &str, why: String| {
        Err(Error::Collision(format!(
            "{flag} {out}: {why}; outputs never overwrite inputs, choose another path \
             (nothing was read or written)"
        )))
    };
    // Each output's key: its identity when it exists, else its directory's identity and name.
    let mut seen: Vec<(String, String, (Id, Option<std::ffi::OsString>))> = Vec::new();
    for planned in outputs {
        let path = match planned.target {
            Target::Stdout => {
                let id = stdout_identity();
                if let Some(k) = known.iter().find(|k| Some(&k.id) == id.as_ref()) {
                    return Err(Error::Collision(format!(
                        "standard output is redirected to the input {}; outputs never \
                         overwrite inputs (nothing was read or written)",
                        k.name
                    )));
                }
                continue;
            }
            Target::Path(p) => p,
        };
        let out = path.display().to_string();
        let (real, key) = match (identity(path), fs::canonicalize(path)) {
            (Some(id), Ok(real)) => (real, (id, None)),
            _ => {
                let (dir, file_name) = match split(path, &out) {
                    Ok(x) => x,
                    Err(_) => continue,
                };
                let (Some(id), Ok(real_dir)) = (identity(dir), fs::canonicalize(dir)) else {
                    continue;
                };
                (
                    real_dir.join(file_name),
                    (id, Some(file_name.to_os_string())),
                )
            }
        };
        if key.1.is_none() {
            if let Some(k) = known.iter().find(|k| k.id == key.0) {
                let what = if k.dir { "input directory" } else { "input" };
                return refuse(planned.flag, &out, format!("is the {what} {}", k.name));
            }
        }
        for ancestor in real.ancestors().skip(1) {
            let Some(id) = identity(ancestor) else {
                continue;
            };
            if let Some(k) = known.iter().find(|k| k.dir && k.id == id) {
                return refuse(
                    planned.flag,
                    &out,
                    format!("lies inside the input directory {}", k.name),
                );
            }
        }
        if planned.dir && key.1.is_none() {
            let holds = known.iter().find(|k| {
                k.real.as_ref().is_some_and(|r| {
                    r.ancestors()
                        .skip(1)
                        .any(|a| identity(a).as_ref() == Some(&key.0))
                })
            });
            if let Some(k) = holds {
                return refuse(planned.flag, &out, format!("holds the input {}", k.name));
            }
        }
        if let Some((flag, name, _)) = seen.iter().find(|(_, _, k)| *k == key) {
            return Err(Error::Collision(format!(
                "{} {out} and {flag} {name} are the same file; give each output its own path \
                 (nothing was read or written)",
                planned.flag
            )));
        }
        seen.push((planned.flag.to_string(), out, key));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(p: &Path) -> Target {
        Target::Path(p.to_path_buf())
    }

    fn planned<'a>(flag: &'a str, t: &'a Target) -> Planned<'a> {
        Planned {
            flag,
            target: t,
            dir: false,
        }
    }

    fn refused(inputs: &[Input], outputs: &[Planned<'_>]) -> String {
        match check_outputs(inputs, outputs) {
            Err(Error::Collision(msg)) => msg,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn commit_replaces_and_drop_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        fs::write(&path, "old\n").unwrap();
        let mut out = Output::create(&target(&path)).unwrap();
        out.write_all(b"new, part").unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "old\n",
            "untouched before commit"
        );
        drop(out);
        assert_eq!(fs::read_to_string(&path).unwrap(), "old\n");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "the temporary file is removed: {names:?}");
        let mut out = Output::create(&target(&path)).unwrap();
        out.write_all(b"new\n").unwrap();
        out.commit().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn replacement_keeps_permissions_and_symlinks() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.tsv");
        fs::write(&real, "old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.tsv");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut out = Output::create(&target(&link)).unwrap();
        out.write_all(b"new").unwrap();
        out.commit().unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_in_place_and_errors_name_them() {
        let full = Path::new("/dev/full");
        if !full.exists() {
            return;
        }
        let mut out = Output::create(&target(full)).unwrap();
        let err = out
            .write_all(&[b'x'; 2 * BUF])
            .and_then(|()| out.flush())
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::StorageFull);
        assert!(
            err.to_string().starts_with("cannot write /dev/full: "),
            "{err}"
        );
    }

    #[test]
    fn a_missing_directory_is_a_create_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/out.jsonl");
        let err = Output::create(&target(&path)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&format!("cannot create {}: ", path.display())),
            "{err}"
        );
    }

    #[test]
    fn a_directory_or_a_dangling_link_is_not_an_output_file() {
        let dir = tempfile::tempdir().unwrap();
        let err = Output::create(&target(dir.path())).unwrap_err();
        assert!(err.to_string().ends_with(": is a directory"), "{err}");
        #[cfg(unix)]
        {
            let link = dir.path().join("link.jsonl");
            std::os::unix::fs::symlink(dir.path().join("nowhere/x"), &link).unwrap();
            let err = Output::create(&target(&link)).unwrap_err();
            assert!(err.to_string().contains("dangling symbolic link"), "{err}");
        }
    }

    #[test]
    fn output_dir_appears_whole_or_merges_file_by_file() {
        let dir = tempfile::tempdir().unwrap();
        let target_dir = dir.path().join("kept");
        let out = OutputDir::create(&target_dir).unwrap();
        fs::create_dir_all(out.path().join("sub")).unwrap();
        fs::write(out.path().join("sub/a.txt"), "a").unwrap();
        assert!(
            !target_dir.exists(),
            "nothing under the final name before commit"
        );
        out.commit().unwrap();
        assert_eq!(
            fs::read_to_string(target_dir.join("sub/a.txt")).unwrap(),
            "a"
        );
        fs::write(target_dir.join("other.txt"), "mine").unwrap();
        let out = OutputDir::create(&target_dir).unwrap();
        fs::create_dir_all(out.path().join("sub")).unwrap();
        fs::write(out.path().join("sub/a.txt"), "A").unwrap();
        out.commit().unwrap();
        assert_eq!(
            fs::read_to_string(target_dir.join("sub/a.txt")).unwrap(),
            "A"
        );
        assert_eq!(
            fs::read_to_string(target_dir.join("other.txt")).unwrap(),
            "mine"
        );
        // No staging directory is left beside it.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_output_that_is_an_input_is_refused_whatever_its_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("b.jsonl");
        fs::write(&input, "{}\n").unwrap();
        let inputs = [Input::Path(input.clone())];
        let dotted = dir.path().join(".").join("b.jsonl");
        let t = target(&dotted);
        let msg = refused(&inputs, &[planned("--keep", &t)]);
        assert!(msg.contains("is the input"), "{msg}");
        #[cfg(unix)]
        {
            let hard = dir.path().join("hard.jsonl");
            fs::hard_link(&input, &hard).unwrap();
            let t = target(&hard);
            refused(&inputs, &[planned("--output", &t)]);
            let soft = dir.path().join("soft.jsonl");
            std::os::unix::fs::symlink(&input, &soft).unwrap();
            let t = target(&soft);
            refused(&inputs, &[planned("--output", &t)]);
        }
        let other = target(&dir.path().join("g.jsonl"));
        check_outputs(&inputs, &[planned("--output", &other)]).unwrap();
    }

    #[test]
    fn outputs_inside_an_input_directory_or_holding_an_input_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        fs::create_dir_all(corpus.join("sub")).unwrap();
        let inputs = [Input::Path(corpus.clone())];
        let same = target(&corpus);
        let msg = refused(
            &inputs,
            &[Planned {
                flag: "--keep",
                target: &same,
                dir: true,
            }],
        );
        assert!(msg.contains("is the input directory"), "{msg}");
        let inside_new = target(&corpus.join("sub/new.jsonl"));
        let msg = refused(&inputs, &[planned("--output", &inside_new)]);
        assert!(msg.contains("lies inside the input directory"), "{msg}");
        let parent = target(dir.path());
        let msg = refused(
            &inputs,
            &[Planned {
                flag: "--keep",
                target: &parent,
                dir: true,
            }],
        );
        assert!(msg.contains("holds the input"), "{msg}");
        let beside = target(&dir.path().join("kept"));
        check_outputs(
            &inputs,
            &[Planned {
                flag: "--keep",
                target: &beside,
                dir: true,
            }],
        )
        .unwrap();
    }

    #[test]
    fn two_outputs_on_one_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let a = target(&dir.path().join("x.jsonl"));
        let b = target(&dir.path().join(".").join("x.jsonl"));
        let msg = refused(&[], &[planned("--output", &a), planned("--pairs", &b)]);
        assert!(msg.contains("are the same file"), "{msg}");
    }
}
