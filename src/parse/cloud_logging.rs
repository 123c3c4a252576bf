//! Google Cloud Logging entries as `gcloud logging read --format=json` writes them (a JSON
//! array of LogEntry objects, pretty-printed, newest first), or one entry a line (a sink's
//! files, `jq -c '.[]'`, read by the export lines reader with [`row`]). An entry's payload is
//! `textPayload` (a line, read by its own format), `jsonPayload` (a structured record) or an
//! `httpRequest` (a load balancer's request: status, remote IP, latency); its `severity`
//! judges a line whose words would otherwise; `resource.labels` (`pod_name`,
//! `container_name`, `instance_id`, `service_name`, …) name the source.

use serde_json::Value;

use super::common::is_error_level;
use super::entry::read_whole;
use super::export::{Body, Row, fold_record, lookup, source_of, text, time_of};
use super::json_stream::{Paths, Step};
use super::spec::{
    Around, Documents, Fold, Format, FormatSpec, Meaning, RECOGNISE_NOTHING, Recognise, Records,
};

static PATHS: Paths = Paths {
    records: &[&[Step::Each]],
    labels: None,
    documents: false,
};

/// Resource labels that name a source, the narrowest first.
const RESOURCE_NAMES: [&str; 9] = [
    "pod_name",
    "container_name",
    "service_name",
    "function_name",
    "job_name",
    "instance_id",
    "backend_service_name",
    "url_map_name",
    "cluster_name",
];

/// Keys under which a JSON payload carries its own time, and its own level.
const PAYLOAD_TIME_KEYS: [&str; 4] = ["time", "timestamp", "ts", "@timestamp"];
const PAYLOAD_LEVEL_KEYS: [&str; 4] = ["level", "severity", "lvl", "loglevel"];

/// One LogEntry (taken, so its payload is moved into the row, not copied).
pub fn row(mut entry: Value) -> Result<Row, &'static str> {
    let when = ["timestamp", "receiveTimestamp"]
        .iter()
        .find_map(|k| entry.get(k).and_then(time_of))
        .ok_or("a log entry without a timestamp")?;
    let source = source(&entry);
    let error = entry
        .get("severity")
        .and_then(Value::as_str)
        .map(|s| is_error_level(s.as_bytes()));
    let body = if let Some(line) = entry.get("textPayload").and_then(text) {
        Body::Line(line)
    } else if entry.get("httpRequest").is_some_and(Value::is_object) {
        // The JSON reader knows `httpRequest.status`, `remoteIp` and `latency`.
        Body::Record {
            json: entry,
            line: None,
        }
    } else if entry.get("jsonPayload").is_some_and(Value::is_object) {
        let mut payload = entry["jsonPayload"].take();
        // The entry's time and severity, where the payload does not carry its own.
        if let Some(map) = payload.as_object_mut() {
            for (own, key) in [
                (PAYLOAD_TIME_KEYS, "timestamp"),
                (PAYLOAD_LEVEL_KEYS, "severity"),
            ] {
                if !own.iter().any(|k| map.contains_key(*k))
                    && let Some(v) = entry.get_mut(key).map(Value::take)
                {
                    map.insert(key.into(), v);
                }
            }
        }
        let line = ["message", "msg", "log"]
            .iter()
            .find_map(|k| payload.get(k).and_then(text));
        Body::Record {
            json: payload,
            line,
        }
    } else {
        return Err("a log entry without a text, JSON or HTTP payload");
    };
    Ok(Row {
        when,
        body,
        source,
        error,
    })
}

/// The source an entry names: its resource's narrowest label, else its own labels, else
/// its log's name.
fn source(entry: &Value) -> Option<String> {
    lookup(entry, "resource.labels")
        .and_then(|r| {
            RESOURCE_NAMES
                .iter()
                .find_map(|k| r.get(k).and_then(text))
                .filter(|s| s.len() <= super::export::MAX_SOURCE_NAME)
        })
        .or_else(|| entry.get("labels").and_then(source_of))
        .or_else(|| {
            let name = entry.get("logName").and_then(Value::as_str)?;
            Some(name.rsplit('/').next()?.replace("%2F", "/"))
        })
}

fn read_entry(record: &[u8], _: Around<'_>, fold: Fold<'_>) -> Result<(), &'static str> {
    fold_record(record, row, fold)
}

/// Whether a file's head is an array of log entries.
pub(crate) fn looks_like_entries(head: &[u8]) -> bool {
    let has = |key: &[u8]| memchr::memmem::find(head, key).is_some();
    head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
        && (has(b"\"insertId\"") || has(b"\"logName\""))
        && has(b"\"timestamp\"")
}

/// Cloud Logging entries from `gcloud logging read --format=json`.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::CloudLogging,
    name: "Cloud Logging entries (gcloud)",
    meaning: Meaning::MaybeRequests,
    zone_less: false,
    every_line_has_offset: true,
    accepts: |_| false,
    read: read_whole,
    documents: Some(Documents {
        recognise: Recognise {
            head_keys: Some(looks_like_entries),
            ..RECOGNISE_NOTHING
        },
        records: Records::Streamed {
            paths: &PATHS,
            read: read_entry,
        },
    }),
};
