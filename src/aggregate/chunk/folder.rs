//! Records read elsewhere (the records of JSON documents: Kubernetes event Lists, OTLP,
//! journal exports) folded one at a time as a chunk's lines are, by the same worker.

use super::{ChunkContext, ChunkOutcome, Worker};
use crate::parse::entry::Entry;

/// Folds records that were read elsewhere (the records of JSON documents), each with the line
/// it starts on, as the lines of a chunk are folded, one at a time: nothing is held but the
/// summary. Line counts are the caller's.
pub struct EntryFolder<'c>(Worker<'c>);

impl<'c> EntryFolder<'c> {
    /// A folder for records of the context's file.
    pub fn new(ctx: &'c ChunkContext) -> Self {
        EntryFolder(Worker::new(ctx))
    }

    /// Folds one record, read from line `line`.
    pub fn fold(&mut self, entry: Entry<'_>, line: u64) {
        self.0.fold(entry, line);
    }

    /// Folds one record, read from line `line`, of the source it names (an export's pod or
    /// host), counted as if that source had a file of its own.
    pub(crate) fn fold_from(&mut self, entry: Entry<'_>, line: u64, source: Option<&[u8]>) {
        self.0.fold_from(entry, line, source);
    }

    /// What the records made.
    pub fn finish(self) -> ChunkOutcome {
        self.0.finish()
    }
}
