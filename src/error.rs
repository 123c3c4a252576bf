//! One error type for the whole pipeline. Variants carry the path (and line) they concern, so
//! every message printed reads `path: …` or `path:line: …` and a user can go and look.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum Error {
    #[error("{path}: {message}")]
    Io { path: String, message: String },

    /// Reading stopped part-way (a truncated or corrupt `.gz`): what came before is kept.
    #[error("{path}: read stopped after line {line}: {message}")]
    ReadStopped {
        path: String,
        line: u64,
        message: String,
    },

    /// The file changed under the reader (truncated, replaced, removed): lines may be lost.
    #[error("{path}: {message} (after line {line})")]
    ChangedWhileRead {
        path: String,
        line: u64,
        message: String,
    },

    #[error("{path}:{line}: {message}")]
    BadLine {
        path: String,
        line: u64,
        message: String,
    },

    #[error("unknown time zone {0:?} (use an IANA name such as Europe/Berlin)")]
    UnknownZone(String),

    #[error("invalid {flag} value {value:?}: {why}")]
    InvalidFlag {
        flag: &'static str,
        value: String,
        why: String,
    },

    #[error("no log files found in {0}")]
    NoInput(String),

    #[error("writing {path}: {message}")]
    Output { path: String, message: String },

    #[error("{path}:{line}: template: {message}")]
    Template {
        path: String,
        line: u64,
        message: String,
    },

    #[error("{path}: {message}")]
    Config { path: String, message: String },
}

impl Error {
    pub fn io(path: &str, err: &std::io::Error) -> Error {
        Error::Io {
            path: path.to_string(),
            message: err.to_string(),
        }
    }
}
