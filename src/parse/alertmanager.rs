//! Prometheus Alertmanager webhook bodies, as a receiver logs them.
//!
//! A file holds one body per line (NDJSON) or pretty-printed bodies one after another. A
//! receiver that logs what it got often wraps the body with the time it arrived
//! (`{"time": …, "body": {…}}`); that time is when the notification happened, which the
//! body alone does not say. Both version 4 and the older shape without per-alert `status`
//! are read; Go's zero time in `endsAt` means "not ended".

use serde_json::Value;

use super::entry::read_whole;
use super::spec::Format;
use super::spec::{Documents, FormatSpec, Meaning, RECOGNISE_NOTHING, Recognise, Records};

use super::common::rfc3339;
use crate::time::Micros;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
/// Whether an alert is firing.
pub enum AlertStatus {
    /// Firing.
    Firing,
    /// Resolved.
    Resolved,
    /// Someone took the page (PagerDuty, Opsgenie).
    Acknowledged,
    /// Passed up the escalation policy, or more responders added.
    Escalated,
    /// Handed to another person or team.
    Reassigned,
}

#[derive(Debug, Clone, PartialEq)]
/// One alert of an Alertmanager notification.
pub struct AlertNotice {
    /// Its `alertname`.
    pub name: String,
    /// Firing or resolved.
    pub status: AlertStatus,
    /// When it started.
    pub starts_at: Micros,
    /// When it ended, if it has.
    pub ends_at: Option<Micros>,
    /// When the receiver got the notification, if the log says.
    pub received_at: Option<Micros>,
    /// The receiver it was sent to.
    pub receiver: String,
    /// Alertmanager's fingerprint, or the sorted labels when absent (older bodies).
    pub identity: String,
    /// Its summary annotation.
    pub summary: Option<String>,
    /// Its severity label.
    pub severity: Option<String>,
    /// `service`, `job`, `instance` or `host`, whichever the labels have first.
    pub service: Option<String>,
}

const TIME_KEYS: [&str; 6] = [
    "received_at",
    "receivedAt",
    "time",
    "timestamp",
    "@timestamp",
    "ts",
];
const WRAPPER_KEYS: [&str; 4] = ["body", "payload", "data", "message"];

/// Parses an RFC 3339 string; `None` for Go's zero time and anything unreadable.
pub(crate) fn parse_time(text: &str) -> Option<Micros> {
    let (_, (civil, offset)) = rfc3339(text.as_bytes()).ok()?;
    if civil.year <= 1 {
        return None;
    }
    civil.with_offset(offset)
}

fn is_body(v: &Value) -> bool {
    v.get("alerts").is_some_and(Value::is_array)
}

/// Finds the webhook body in a logged document, and the receiver's arrival time if any.
fn unwrap(doc: &Value) -> Option<(&Value, Option<Micros>)> {
    let received = TIME_KEYS
        .iter()
        .find_map(|k| doc.get(*k).and_then(Value::as_str).and_then(parse_time));
    if is_body(doc) {
        return Some((doc, received));
    }
    let body = WRAPPER_KEYS
        .iter()
        .find_map(|k| doc.get(*k).filter(|v| is_body(v)))?;
    Some((body, received))
}

/// True when the document is (or wraps) an Alertmanager webhook body.
pub(crate) fn is_alertmanager(doc: &Value) -> bool {
    unwrap(doc).is_some_and(|(body, _)| {
        body.get("version").is_some()
            || body.get("receiver").is_some()
            || body.get("groupKey").is_some()
    })
}

fn label<'a>(alert: &'a Value, common: &'a Value, key: &str) -> Option<&'a str> {
    alert
        .get("labels")
        .and_then(|l| l.get(key))
        .or_else(|| common.get(key))
        .and_then(Value::as_str)
}

fn identity(alert: &Value) -> String {
    if let Some(fp) = alert.get("fingerprint").and_then(Value::as_str) {
        return fp.to_string();
    }
    match alert.get("labels").and_then(Value::as_object) {
        Some(labels) => {
            let mut pairs: Vec<String> = labels
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect();
            pairs.sort();
            pairs.join(",")
        }
        None => String::new(),
    }
}

/// The alerts one logged document reports; `None` when it is not an Alertmanager body.
pub fn notices(doc: &Value) -> Option<Vec<AlertNotice>> {
    let (body, received_at) = unwrap(doc)?;
    let group_status = body.get("status").and_then(Value::as_str);
    let receiver = body
        .get("receiver")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let null = Value::Null;
    let common = body.get("commonLabels").unwrap_or(&null);
    let common_annotations = body.get("commonAnnotations").unwrap_or(&null);
    let mut out = Vec::new();
    for alert in body.get("alerts")?.as_array()? {
        let Some(starts_at) = alert
            .get("startsAt")
            .and_then(Value::as_str)
            .and_then(parse_time)
        else {
            continue;
        };
        let status = match alert.get("status").and_then(Value::as_str).or(group_status) {
            Some("resolved") => AlertStatus::Resolved,
            _ => AlertStatus::Firing,
        };
        let ends_at = alert
            .get("endsAt")
            .and_then(Value::as_str)
            .and_then(parse_time);
        let annotation = |key: &str| {
            alert
                .get("annotations")
                .and_then(|a| a.get(key))
                .or_else(|| common_annotations.get(key))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        out.push(AlertNotice {
            name: label(alert, common, "alertname")
                .unwrap_or("unnamed alert")
                .to_string(),
            status,
            starts_at,
            ends_at,
            received_at,
            receiver: receiver.clone(),
            identity: identity(alert),
            summary: annotation("summary").or_else(|| annotation("description")),
            severity: label(alert, common, "severity").map(str::to_string),
            service: ["service", "job", "instance", "host"]
                .iter()
                .find_map(|k| label(alert, common, k))
                .map(str::to_string),
        });
    }
    Some(out)
}

/// Alertmanager webhook payloads, one per line or pretty-printed.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::Alertmanager,
    name: "alertmanager webhook",
    meaning: Meaning::Alerts,
    zone_less: false,
    every_line_has_offset: false,
    accepts: |_| false,
    read: read_whole,
    documents: Some(Documents {
        recognise: Recognise {
            first_document: Some(|doc| doc.value().is_some_and(is_alertmanager)),
            cut_document: Some(looks_like_webhook),
            ..RECOGNISE_NOTHING
        },
        records: Records::Alerts,
    }),
};

/// Whether a sample cut inside a large document looks like an Alertmanager body.
pub(crate) fn looks_like_webhook(sample: &[u8]) -> bool {
    let has = |key: &[u8]| memchr::memmem::find(sample, key).is_some();
    has(b"\"alerts\"") && (has(b"\"startsAt\"") || has(b"\"groupKey\""))
}

#[cfg(test)]
mod tests;
