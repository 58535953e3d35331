//! The crate's error type: one [`Error`] for every fallible call of the public API (the live
//! index, its store and the readers), and the matching [`Result`].
//!
//! Every message is a complete sentence that says what failed and names the file, article or
//! setting concerned, so that a user can act on it.

use std::path::PathBuf;

use crate::ingest::IngestError;

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input could not be read or a record is invalid (names the file and line).
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// A file could not be opened, read or written.
    #[error("cannot {op} {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done (`open`, `read`, `create`, ...).
        op: &'static str,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A setting is out of range.
    #[error("invalid setting `{field}`: {message}")]
    Config {
        /// The setting (as a field path, e.g. `cluster.join_threshold`).
        field: &'static str,
        /// What is wrong and what is accepted.
        message: String,
    },
    /// The store (database) failed.
    #[error("the story store failed: {message}")]
    Store {
        /// What failed, with the database's own message.
        message: String,
    },
    /// A database file is not a storyfold index, is damaged, or has a newer schema.
    #[error("{path}: {message}")]
    Schema {
        /// The database file.
        path: String,
        /// Why it cannot be used.
        message: String,
    },
    /// No article or story with this id.
    #[error("no {what} `{id}` in the index")]
    NotFound {
        /// `article` or `story`.
        what: &'static str,
        /// The id asked for.
        id: String,
    },
    /// An article with this id is already in the index.
    #[error("article `{id}` is already in the index (remove it first, or skip existing ids)")]
    AlreadyExists {
        /// The id.
        id: String,
    },
    /// An article cannot be indexed (e.g. its text is empty once normalized).
    #[error("article `{id}` cannot be indexed: {message}")]
    Invalid {
        /// The article's id.
        id: String,
        /// Why.
        message: String,
    },
    /// Writing a pipeline's output failed (the writer's own error, which names the output
    /// when it is a [`crate::output::Output`]).
    #[error(transparent)]
    Output(std::io::Error),
    /// The temporary file holding a pipeline's article texts failed (`what` says what was done,
    /// for example `cannot create the spool file`).
    #[error("{what}: {error}")]
    Spool {
        /// What failed, as a phrase.
        what: &'static str,
        /// The operating system's error (shown in the message).
        error: std::io::Error,
    },
    /// The worker threads of a pipeline could not be started, or one of them failed.
    #[error("{message}")]
    Threads {
        /// What failed.
        message: String,
    },
}

/// `std::result::Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A [`Error::Config`] error.
    pub fn config(field: &'static str, message: impl Into<String>) -> Self {
        Error::Config {
            field,
            message: message.into(),
        }
    }

    /// The kind of the I/O error behind a failed output (`None` for the other errors): lets a
    /// caller tell a closed pipe (`BrokenPipe`) from a real failure.
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        match self {
            Error::Output(e) => Some(e.kind()),
            _ => None,
        }
    }

    /// A [`Error::Store`] error from anything displayable (a driver's error).
    pub fn store(what: &str, e: impl std::fmt::Display) -> Self {
        Error::Store {
            message: format!("{what}: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_what_is_wrong() {
        let e = Error::config("cluster.join_threshold", "must be in (0, 1], got 1.5");
        assert_eq!(
            e.to_string(),
            "invalid setting `cluster.join_threshold`: must be in (0, 1], got 1.5"
        );
        let e = Error::AlreadyExists { id: "a1".into() };
        assert!(e.to_string().contains("`a1`"));
        let e = Error::Io {
            path: "x.db".into(),
            op: "open",
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        assert!(e.to_string().starts_with("cannot open x.db: "));
    }
}
