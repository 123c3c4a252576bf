//! Lines of several sources in one file (a CSV export's pod column): each line is counted for
//! the file and for the source it names, so each source can be judged on its own series.

use super::Worker;
use crate::aggregate::{MAX_STREAMS, OTHER_STREAMS, StreamCounts};
use crate::parse::entry::Entry;

impl Worker<'_> {
    /// Folds a line that names the source that wrote it (`None`: it names none).
    pub(super) fn fold_from(&mut self, entry: Entry<'_>, n: u64, source: Option<&[u8]>) {
        self.stream.clear();
        self.stream.extend_from_slice(source.unwrap_or_default());
        self.fold(entry, n);
        self.stream.clear();
    }

    /// The counts of the source the current line names, when it names one.
    pub(super) fn stream_counts(&mut self) -> Option<&mut StreamCounts> {
        if self.stream.is_empty() {
            return None;
        }
        let name = String::from_utf8_lossy(&self.stream);
        if self.out.streams.contains_key(name.as_ref()) {
            return self.out.streams.get_mut(name.as_ref());
        }
        let name = match self.out.streams.len() < MAX_STREAMS {
            true => name.into_owned(),
            false => OTHER_STREAMS.to_string(),
        };
        Some(self.out.streams.entry(name).or_default())
    }

    /// Counts a record (request or line) in its bin, for the file and its source.
    pub(super) fn count(&mut self, bin: i64, error: bool, client_error: bool) {
        self.out.series.record(bin, error, client_error);
        if let Some(s) = self.stream_counts() {
            s.series.record(bin, error, client_error);
        }
    }

    /// Notes a request's duration, for the file and its source.
    pub(super) fn count_latency(&mut self, bin: i64, seconds: f64) {
        self.out.series.record_latency(bin, seconds);
        if let Some(s) = self.stream_counts() {
            s.series.record_latency(bin, seconds);
        }
    }
}
