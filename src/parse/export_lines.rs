//! Exports written one JSON record a line: `logcli query --output=jsonl` (Loki), Splunk's
//! JSON export, Cloud Logging entries a line (a sink's files, `jq -c`), Elasticsearch hits a
//! line (elasticdump) and CloudWatch events a line (`jq -c '.events[]'`). Each line is told
//! by its keys and read by its platform's row reader; its line is then read by its own format
//! and its labels name its source.

use serde_json::Value;

use super::entry::Entry;
use super::export::{Row, parse};
use super::spec::{Format, FormatSpec, Meaning};
use super::{cloud_logging, cloudwatch, elasticsearch, loki, splunk};

/// Which platform wrote a line, by its keys.
fn row(record: Value) -> Result<Row, &'static str> {
    let has = |key: &str| record.get(key).is_some();
    if has("line")
        && has("timestamp")
        && (has("labels") || record.as_object().is_some_and(|m| m.len() == 2))
    {
        loki::logcli_row(record)
    } else if splunk::is_result(&record) {
        splunk::row(record)
    } else if has("_source") && (has("_index") || has("_id")) {
        elasticsearch::row(record)
    } else if has("insertId")
        || has("logName")
        || (has("resource") && (has("textPayload") || has("jsonPayload")))
    {
        cloud_logging::row(record)
    } else if has("message")
        && has("timestamp")
        && (has("logStreamName") || has("ingestionTime") || has("eventId"))
    {
        cloudwatch::row(record)
    } else {
        Err(NOT_EXPORT)
    }
}

const NOT_EXPORT: &str = "not a record of a log platform's export";

/// Reads one line into its row.
pub(crate) fn read_row(line: &[u8]) -> Result<Row, &'static str> {
    let trimmed = line.trim_ascii();
    if trimmed.first() != Some(&b'{') {
        return Err(NOT_EXPORT);
    }
    row(parse(trimmed)?)
}

/// Reads lines with reused buffers: each line's entry and the name of its source.
#[derive(Debug, Default)]
pub(crate) struct LineReader {
    scratch: Vec<u8>,
}

impl LineReader {
    /// Reads one line and hands its entry and source to `fold`.
    pub fn read(&mut self, line: &[u8], fold: &mut dyn FnMut(Entry<'_>, Option<&[u8]>)) {
        if line.trim_ascii().is_empty() {
            return fold(Entry::Marker, None);
        }
        match read_row(line) {
            Ok(row) => super::export::fold_row(&row, &mut self.scratch, fold),
            Err(why) => fold(Entry::Unreadable(why), None),
        }
    }
}

/// A line read alone (the sniffer's sample): the row as a message of its own (the file's
/// reader, [`LineReader`], reads its line by the line's format).
pub fn read(line: &[u8]) -> Entry<'_> {
    match read_row(line) {
        Ok(row) => super::export::row_message(row),
        Err(why) => Entry::Unreadable(why),
    }
}

/// Log platforms' exports, a record a line.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::ExportLines,
    name: "log platform export (JSON lines)",
    meaning: Meaning::MaybeRequests,
    zone_less: false,
    every_line_has_offset: true,
    accepts: |line| read_row(line).is_ok(),
    read,
    documents: None,
};
