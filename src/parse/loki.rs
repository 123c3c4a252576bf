//! Grafana Loki: the query API's response (`/loki/api/v1/query_range`, `logcli query
//! -o raw` of the API, `{"status":"success","data":{"resultType":"streams","result":[{"stream":
//! {labels},"values":[["<Unix ns>","<line>"], …]}, …]}}`) and `logcli query --output=jsonl`
//! (`{"labels":{…},"line":"…","timestamp":"<RFC 3339>"}` a line, read by the export lines
//! reader with [`logcli_row`]). A stream's labels (`pod`, `container`, `host` and
//! `filename`, `job`) name the source; its lines are read by their own format. Streams come
//! one after another, each in the query's direction (newest first by default): any order is
//! read.

use serde_json::Value;

use super::entry::read_whole;
use super::export::{Body, Row, fold_row, parse, source_of, text, time_of};
use super::json_stream::{Paths, Step};
use super::spec::{
    Around, Documents, Fold, Format, FormatSpec, Meaning, RECOGNISE_NOTHING, Recognise, Records,
};

static PATHS: Paths = Paths {
    records: &[&[
        Step::Key("data"),
        Step::Key("result"),
        Step::Each,
        Step::Key("values"),
        Step::Each,
    ]],
    labels: Some(&[
        Step::Key("data"),
        Step::Key("result"),
        Step::Each,
        Step::Key("stream"),
    ]),
    documents: false,
};

/// One `[time, line]` pair of a stream, with the stream's labels.
fn read_value(record: &[u8], around: Around<'_>, fold: Fold<'_>) -> Result<(), &'static str> {
    fold_row(&value_row(record, around.labels)?, &mut Vec::new(), fold);
    Ok(())
}

fn value_row(record: &[u8], labels: Option<&[u8]>) -> Result<Row, &'static str> {
    let pair = parse(record)?;
    let when = pair
        .get(0)
        .and_then(time_of)
        .ok_or("a Loki value without a time in nanoseconds")?;
    let line = pair
        .get(1)
        .and_then(text)
        .ok_or("a Loki value without its line")?;
    let labels: Option<Value> = labels.and_then(|l| serde_json::from_slice(l).ok());
    Ok(Row {
        when,
        body: Body::Line(line),
        source: labels.as_ref().and_then(source_of),
        error: labels
            .as_ref()
            .and_then(level)
            .or_else(|| pair.get(2).and_then(level)),
    })
}

/// A `level` or `detected_level` label (Loki 3 adds one).
fn level(labels: &Value) -> Option<bool> {
    ["level", "detected_level", "severity"]
        .iter()
        .find_map(|k| labels.get(k).and_then(Value::as_str))
        .map(|level| super::common::is_error_level(level.as_bytes()))
}

/// One line of `logcli query --output=jsonl`.
pub(crate) fn logcli_row(record: Value) -> Result<Row, &'static str> {
    let when = record
        .get("timestamp")
        .and_then(time_of)
        .ok_or("a logcli line without a timestamp")?;
    let line = record
        .get("line")
        .and_then(text)
        .ok_or("a logcli record without its line")?;
    let labels = record.get("labels");
    Ok(Row {
        when,
        body: Body::Line(line),
        source: labels.and_then(source_of),
        error: labels.and_then(level),
    })
}

/// Whether a file's head is a query response.
pub(crate) fn looks_like_response(head: &[u8]) -> bool {
    let has = |key: &[u8]| memchr::memmem::find(head, key).is_some();
    has(b"\"resultType\"") && has(b"\"streams\"") && has(b"\"values\"")
}

/// Loki's query API response.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::Loki,
    name: "Loki query response",
    meaning: Meaning::MaybeRequests,
    zone_less: false,
    every_line_has_offset: true,
    accepts: |_| false,
    read: read_whole,
    documents: Some(Documents {
        recognise: Recognise {
            head_keys: Some(looks_like_response),
            ..RECOGNISE_NOTHING
        },
        records: Records::Streamed {
            paths: &PATHS,
            read: read_value,
        },
    }),
};
