//! Where a kept line came from, and the first error line of a bin: what the summaries cite,
//! below them so that every part of a summary can name it.

use serde::{Deserialize, Serialize};

use crate::time::Micros;

/// Where a kept line came from: the file's index in the run and its 1-based line number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LineRef {
    /// The file's index in the run.
    pub file: usize,
    /// The line number, from 1.
    pub line: u64,
}

/// The first server-error line of a bin in one file: evidence for the draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorSample {
    /// When the line was written.
    pub time: Micros,
    /// The line.
    pub source: LineRef,
    /// The line's text, kept (see `kept_text`).
    pub text: String,
}
