//! OpenTelemetry logs in the OTLP JSON encoding, as the collector's `file` exporter writes
//! them (one export request per line) or as an OTLP/HTTP body is saved: `resourceLogs` →
//! `scopeLogs` (`instrumentationLibraryLogs` before OTLP 0.15) → `logRecords`. One document
//! holds many records, so the format is read by document; each record cites the line it
//! starts on.
//!
//! A record fails when its severity number is ERROR or worse (17–24), or, without one, its
//! severity text says so, or it carries a 5xx HTTP status (`http.response.status_code`, or
//! the older `http.status_code`): then it is also a request, as in JSON lines.

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::common::is_error_level;
use super::entry::read_whole;
use super::json_stream::{Paths, Step};
use super::jsonl::{JsonRecord, JsonTime};
use super::spec::{
    Around, Documents, Fold, Format, FormatSpec, Meaning, RECOGNISE_NOTHING, Recognise, Record,
    Records,
};
use crate::time::Micros;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Export<'a> {
    #[serde(borrow)]
    resource_logs: Vec<ResourceLogs<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceLogs<'a> {
    #[serde(default)]
    resource: Option<Value>,
    #[serde(borrow, default, alias = "instrumentationLibraryLogs")]
    scope_logs: Vec<ScopeLogs<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScopeLogs<'a> {
    #[serde(borrow, default)]
    log_records: Vec<&'a RawValue>,
}

/// The records of one export, or `None` when the document is not one.
pub fn records(doc: &RawValue) -> Option<Vec<Record<'_>>> {
    let export: Export = serde_json::from_str(doc.get()).ok()?;
    let mut records = Vec::new();
    for resource in &export.resource_logs {
        let attributes = resource.resource.as_ref().and_then(|r| r.get("attributes"));
        let service = attribute(attributes, &["service.name"]).and_then(as_text);
        let host = attribute(attributes, &["host.name", "k8s.pod.name"]).and_then(as_text);
        for scope in &resource.scope_logs {
            for raw in &scope.log_records {
                let Ok(record) = serde_json::from_str::<Value>(raw.get()) else {
                    continue;
                };
                let Some(json) = read_record(&record, service.clone(), host.clone()) else {
                    continue;
                };
                records.push(Record {
                    at: raw.get(),
                    entry: json.entry(),
                });
            }
        }
    }
    Some(records)
}

/// Records are streamed one by one, each with its resource (an export of any size, one bad
/// record costing only itself).
static PATHS: Paths = Paths {
    records: &[
        &[
            Step::Key("resourceLogs"),
            Step::Each,
            Step::Key("scopeLogs"),
            Step::Each,
            Step::Key("logRecords"),
            Step::Each,
        ],
        &[
            Step::Key("resourceLogs"),
            Step::Each,
            Step::Key("instrumentationLibraryLogs"),
            Step::Each,
            Step::Key("logRecords"),
            Step::Each,
        ],
    ],
    labels: Some(&[Step::Key("resourceLogs"), Step::Each, Step::Key("resource")]),
    documents: false,
};

/// One log record, with the resource it came from.
fn read_streamed(record: &[u8], around: Around<'_>, fold: Fold<'_>) -> Result<(), &'static str> {
    let record: Value =
        serde_json::from_slice(record).map_err(|_| "a log record that is not valid JSON")?;
    let resource: Option<Value> = around.labels.and_then(|r| serde_json::from_slice(r).ok());
    let attributes = resource.as_ref().and_then(|r| r.get("attributes"));
    let service = attribute(attributes, &["service.name"]).and_then(as_text);
    let host = attribute(attributes, &["host.name", "k8s.pod.name"]).and_then(as_text);
    let json = read_record(&record, service, host).ok_or("a log record without a time")?;
    fold(json.entry(), None);
    Ok(())
}

/// Whether a sample cut inside a large document looks like an OTLP export.
pub(crate) fn looks_like_export(sample: &[u8]) -> bool {
    let has = |key: &[u8]| memchr::memmem::find(sample, key).is_some();
    has(b"\"resourceLogs\"")
}

/// The value of the first attribute named in `keys`, from an OTLP `[{key, value}]` list.
fn attribute<'v>(attributes: Option<&'v Value>, keys: &[&str]) -> Option<&'v Value> {
    let list = attributes?.as_array()?;
    keys.iter().find_map(|k| {
        list.iter()
            .find(|a| a.get("key").and_then(Value::as_str) == Some(k))?
            .get("value")
    })
}

/// An `AnyValue` as text: strings as they are, numbers and the rest as compact JSON.
fn as_text(v: &Value) -> Option<String> {
    let (kind, inner) = v.as_object()?.iter().next()?;
    match (kind.as_str(), inner) {
        ("stringValue", Value::String(s)) => Some(s.clone()),
        ("intValue", Value::String(s)) => Some(s.clone()),
        (_, Value::Null) => None,
        (_, other) => Some(other.to_string()),
    }
}

/// An `AnyValue` as a number (`intValue` is a string in OTLP JSON, being 64-bit).
fn as_number(v: &Value) -> Option<f64> {
    let (_, inner) = v.as_object()?.iter().next()?;
    match inner {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Nanoseconds since the epoch, written as a string (64-bit) or a number; 0 means unset.
fn nanos(v: Option<&Value>) -> Option<Micros> {
    let n: u128 = match v? {
        Value::String(s) => s.parse().ok()?,
        Value::Number(n) => n.as_u64()? as u128,
        _ => return None,
    };
    (n > 0).then_some((n / 1_000) as Micros)
}

fn read_record(
    record: &Value,
    service: Option<String>,
    host: Option<String>,
) -> Option<JsonRecord> {
    let time =
        nanos(record.get("timeUnixNano")).or_else(|| nanos(record.get("observedTimeUnixNano")))?;
    let attributes = record.get("attributes");
    let status = attribute(
        attributes,
        &["http.response.status_code", "http.status_code"],
    )
    .and_then(as_number)
    .filter(|s| (100.0..600.0).contains(s))
    .map(|s| s as u16);
    let severe = match record.get("severityNumber").and_then(Value::as_u64) {
        Some(n) if n > 0 => n >= 17,
        _ => record
            .get("severityText")
            .and_then(Value::as_str)
            .is_some_and(|t| is_error_level(t.as_bytes())),
    };
    let message = record.get("body").and_then(as_text).unwrap_or_default();
    let text_attribute = |keys: &[&str]| attribute(attributes, keys).and_then(as_text);
    Some(JsonRecord {
        time: JsonTime::Utc(time),
        is_error: severe || status.is_some_and(|s| s >= 500),
        program: service,
        host,
        pid: None,
        message,
        status,
        client: text_attribute(&[
            "client.address",
            "http.client_ip",
            "network.peer.address",
            "net.peer.ip",
        ]),
        path: text_attribute(&["url.path", "http.target", "http.route"]),
        latency: None,
    })
}

/// The registry entry: read by document, never sniffed line by line.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::Otlp,
    name: "opentelemetry logs",
    meaning: Meaning::MaybeRequests,
    zone_less: false,
    every_line_has_offset: true,
    accepts: |_| false,
    read: read_whole,
    documents: Some(Documents {
        recognise: Recognise {
            first_document: Some(|doc| records(doc.raw).is_some()),
            cut_document: Some(looks_like_export),
            ..RECOGNISE_NOTHING
        },
        records: Records::Streamed {
            paths: &PATHS,
            read: read_streamed,
        },
    }),
};

#[cfg(test)]
pub(crate) mod tests;
