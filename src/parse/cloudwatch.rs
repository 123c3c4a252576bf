//! CloudWatch Logs as the AWS CLI writes them: `aws logs filter-log-events` and
//! `aws logs get-log-events` (`{"events": [{"logStreamName", "timestamp", "message",
//! "ingestionTime", "eventId"}, …], …}`, pretty-printed, pages one after another). The time is
//! Unix milliseconds; the stream (a Lambda's `2023/09/10/[$LATEST]ab12…`, an ECS task, a
//! host) names the source. Logs Insights results downloaded as CSV (`@timestamp,@message,
//! @logStream`) are read by the CSV export reader.

use serde_json::Value;

use super::entry::read_whole;
use super::export::{Body, Row, fold_record, text, time_of};
use super::json_stream::{Paths, Step};
use super::spec::{
    Around, Documents, Fold, Format, FormatSpec, Meaning, RECOGNISE_NOTHING, Recognise, Records,
};

static PATHS: Paths = Paths {
    records: &[&[Step::Key("events"), Step::Each]],
    labels: None,
    documents: false,
};

/// One event.
pub fn row(event: Value) -> Result<Row, &'static str> {
    let when = event
        .get("timestamp")
        .and_then(time_of)
        .ok_or("an event without a timestamp")?;
    let message = event
        .get("message")
        .and_then(text)
        .ok_or("an event without a message")?;
    Ok(Row {
        when,
        body: Body::Line(message),
        source: event
            .get("logStreamName")
            .and_then(text)
            .filter(|s| s.len() <= super::export::MAX_SOURCE_NAME),
        error: None,
    })
}

fn read_event(record: &[u8], _: Around<'_>, fold: Fold<'_>) -> Result<(), &'static str> {
    fold_record(record, row, fold)
}

/// Whether a file's head is the CLI's output.
pub(crate) fn looks_like_events(head: &[u8]) -> bool {
    let has = |key: &[u8]| memchr::memmem::find(head, key).is_some();
    has(b"\"events\"")
        && has(b"\"timestamp\"")
        && has(b"\"message\"")
        && (has(b"\"ingestionTime\"") || has(b"\"logStreamName\"") || has(b"\"nextForwardToken\""))
}

/// CloudWatch Logs events from the AWS CLI.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::Cloudwatch,
    name: "CloudWatch Logs events (AWS CLI)",
    meaning: Meaning::MaybeRequests,
    zone_less: false,
    every_line_has_offset: true,
    accepts: |_| false,
    read: read_whole,
    documents: Some(Documents {
        recognise: Recognise {
            head_keys: Some(looks_like_events),
            ..RECOGNISE_NOTHING
        },
        records: Records::Streamed {
            paths: &PATHS,
            read: read_event,
        },
    }),
};
