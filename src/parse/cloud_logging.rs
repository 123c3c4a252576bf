//! Google Cloud Logging entries as `gcloud logging read --format=json` writes them (a JSON
//! array of LogEntry objects, pretty-printed, newest first), or one entry a line (a sink's
//! files, `jq -c '.[]'`, read by the export lines reader with [`row`]). An entry's payload is
//! `textPayload` (a line, read by its own format), `jsonPayload` (a structured record) or an
//! `httpRequest` (a load balancer's request: status, remote IP, latency); its `severity`
//! judges a line whose words would otherwise; `resource.labels` (`pod_name`,
//! `container_name`, `instance_id`, `service_name`, …) name the source.

use serde_json::Value;

use super::entry::read_whole;
use super::export::{Body, Row, fold_record, lookup, severity_is_error, source_of, text, time_of};
use super::json_stream::{Paths, Step};
use super::spec::{Around, Documents, Fold, Format, FormatSpec, Meaning};

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

/// One LogEntry.
pub fn row(entry: &Value) -> Result<Row, &'static str> {
    let when = ["timestamp", "receiveTimestamp"]
        .iter()
        .find_map(|k| entry.get(k).and_then(time_of))
        .ok_or("a log entry without a timestamp")?;
    let body = if let Some(line) = entry.get("textPayload").and_then(text) {
        Body::Line(line)
    } else if entry.get("httpRequest").is_some_and(Value::is_object) {
        // The JSON reader knows `httpRequest.status`, `remoteIp` and `latency`.
        Body::Record {
            json: entry.clone(),
            line: None,
        }
    } else if let Some(payload) = entry.get("jsonPayload").filter(|p| p.is_object()) {
        // The entry's time and severity, where the payload does not carry its own.
        let mut payload = payload.clone();
        if let Some(map) = payload.as_object_mut() {
            for (key, entry_key) in [("timestamp", "timestamp"), ("severity", "severity")] {
                if !payload_has(map, key)
                    && let Some(v) = entry.get(entry_key)
                {
                    map.insert(key.into(), v.clone());
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
    let resource = lookup(entry, "resource.labels");
    let source = resource
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
        });
    Ok(Row {
        when,
        body,
        source,
        error: entry
            .get("severity")
            .and_then(Value::as_str)
            .map(|s| severity_is_error(s) || s.eq_ignore_ascii_case("EMERGENCY")),
    })
}

/// Whether a JSON payload carries its own time (or level) under any usual key.
fn payload_has(payload: &serde_json::Map<String, Value>, what: &str) -> bool {
    let keys: &[&str] = match what {
        "timestamp" => &["time", "timestamp", "ts", "@timestamp"],
        _ => &["level", "severity", "lvl", "loglevel"],
    };
    keys.iter().any(|k| payload.contains_key(*k))
}

fn read_entry(record: &[u8], _: Around<'_>, fold: Fold<'_>) -> Result<(), &'static str> {
    fold_record(record, row, fold)
}

/// Whether a file's head is an array of log entries.
pub fn looks_like_entries(head: &[u8]) -> bool {
    let has = |key: &[u8]| memchr::memmem::find(head, key).is_some();
    head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
        && (has(b"\"insertId\"") || has(b"\"logName\""))
        && has(b"\"timestamp\"")
}

/// Cloud Logging entries from `gcloud logging read --format=json`.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::CloudLogging,
    name: "Cloud Logging entries (gcloud)",
    meaning: Meaning::MaybeRequests,
    zone_less: false,
    every_line_has_offset: true,
    accepts: |_| false,
    read: read_whole,
    documents: Some(Documents::Streamed(&PATHS, read_entry)),
};
