//! The format registry: every format the sniffer knows, in the order it tries them, each
//! described by one [`FormatSpec`] that lives beside its parser. Adding a format is its own
//! file (parser, `read` into an [`Entry`], a `SPEC`), a variant of [`Format`] for its name
//! in JSON and in `--format`, and one line in [`LINE_FORMATS`] or [`DOCUMENT_FORMATS`].

use super::entry::Entry;
use super::{Format, alertmanager, apache_error, jsonl, nginx_access, nginx_error, packages};
use super::{pager, syslog};

/// What a format's records are, for the stages after aggregation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// Every record is a request: the availability signal.
    Requests,
    /// Records that are requests when they carry HTTP statuses (JSON application logs).
    MaybeRequests,
    /// Messages of which mostly failures are written (web servers' error logs): their rate
    /// is a signal only beside the host's other logs.
    ErrorLog,
    /// Program messages of every level.
    Messages,
    /// Changes only (package managers): actions, never a signal.
    Changes,
    /// Alert histories: documents read whole, never a signal.
    Alerts,
}

/// One format: what it is called, what its records mean, how a line is recognised and read.
#[derive(Debug)]
pub struct FormatSpec {
    /// The name in JSON and in `--format GLOB=NAME`.
    pub format: Format,
    /// The name shown to people (`nginx access`).
    pub name: &'static str,
    pub meaning: Meaning,
    /// Lines carry no zone, so `--tz` (or a sibling's offset) places them.
    pub zone_less: bool,
    /// Every line carries its UTC offset (or is in UTC): no hour repeats when clocks go back,
    /// so its chunks need not be read in order.
    pub every_line_has_offset: bool,
    /// Whether a sampled line is of this format (the sniffer's vote).
    pub accepts: fn(&[u8]) -> bool,
    /// The line, read.
    pub read: fn(&[u8]) -> Entry<'_>,
}

/// Formats read line by line, in sniffing order: on equal scores the earlier wins, so a
/// stricter format comes before a looser one that also reads its lines.
pub static LINE_FORMATS: [FormatSpec; 8] = [
    nginx_access::SPEC,
    nginx_error::SPEC,
    apache_error::SPEC,
    syslog::SPEC,
    jsonl::JOURNALD,
    jsonl::JSON_LINES,
    packages::DPKG,
    packages::APT_HISTORY,
];

/// Alert histories: JSON documents (one per line or pretty-printed), recognised by their
/// first document and read whole by the pipeline's alert reader.
pub static DOCUMENT_FORMATS: [FormatSpec; 3] =
    [alertmanager::SPEC, pager::PAGERDUTY, pager::OPSGENIE];

/// A line of a document format met on the line path: never read there.
pub fn read_whole(_line: &[u8]) -> Entry<'_> {
    Entry::Unreadable("alert files are read whole")
}

/// Every format, line formats first, in sniffing order.
pub fn all() -> impl Iterator<Item = &'static FormatSpec> {
    LINE_FORMATS.iter().chain(DOCUMENT_FORMATS.iter())
}

/// The spec of a format (every [`Format`] has one: see the registry's tests).
pub fn spec(format: Format) -> &'static FormatSpec {
    all()
        .find(|s| s.format == format)
        .unwrap_or(&LINE_FORMATS[0])
}

#[cfg(test)]
mod tests;
