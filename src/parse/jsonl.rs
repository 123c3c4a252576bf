//! JSON records, one per line: `journalctl -o json` exports and the JSON logs of any
//! application.
//!
//! journald: `__REALTIME_TIMESTAMP` (µs since the epoch), `PRIORITY` (syslog severity),
//! `SYSLOG_IDENTIFIER`, `_SYSTEMD_UNIT`, `_HOSTNAME`, `_PID`, and `MESSAGE` as a string or, for
//! non-UTF-8 payloads, an array of bytes.
//!
//! Applications: the time is the first of `time`, `timestamp`, `ts`, `@timestamp`, `t`,
//! `datetime` (RFC 3339, with or without offset, or epoch seconds/ms/µs/ns told apart by
//! magnitude); the level is `level`, `severity`, `lvl` or `loglevel` (words, or numbers on
//! bunyan/pino's scale where 50 is error); the message is `msg`, `message` or `text`; an HTTP
//! status (`status`, `status_code`, `http.status_code`…) makes the record a request.

use std::borrow::Cow;

use super::entry::{Entry, Http, Message, Verdict, Vocabulary, When};
use super::spec::Format;
use super::spec::{FormatSpec, Meaning};

use serde_json::Value;

use super::json_fields::Fields;

use super::common::{duration_seconds, is_error_level, local_date_time, rfc3339};
use crate::time::{Civil, Micros};

#[derive(Debug, Clone, PartialEq)]
/// When a JSON record happened.
pub enum JsonTime {
    /// An instant (with a zone, or epoch seconds, milliseconds or microseconds).
    Utc(Micros),
    /// Written without an offset: the zone stage places it.
    Local(Civil),
}

#[derive(Debug, Clone, PartialEq)]
/// A JSON record, with the fields that matter here.
pub struct JsonRecord {
    /// When it happened.
    pub time: JsonTime,
    /// Error or worse (journald PRIORITY ≤ 3, level error/fatal/…, bunyan ≥ 50).
    pub is_error: bool,
    /// The program or logger that wrote it.
    pub program: Option<String>,
    /// The host that wrote it.
    pub host: Option<String>,
    /// The process id.
    pub pid: Option<u64>,
    /// The message.
    pub message: String,
    /// An HTTP status, for request logs.
    pub status: Option<u16>,
    /// The client address, for request logs.
    pub client: Option<String>,
    /// The path requested, for request logs.
    pub path: Option<String>,
    /// Seconds the request took, for request logs.
    pub latency: Option<f64>,
}

const TIME_KEYS: [&str; 9] = [
    "EdgeStartTimestamp",
    "time",
    "timestamp",
    "ts",
    "@timestamp",
    "t",
    "datetime",
    "date",
    // Envoy's and Istio's JSON access log.
    "start_time",
];
const LEVEL_KEYS: [&str; 5] = ["level", "severity", "lvl", "loglevel", "log.level"];
const MESSAGE_KEYS: [&str; 5] = ["msg", "message", "text", "MESSAGE", "log"];
const STATUS_KEYS: [&str; 9] = [
    "httpRequest.status",
    "EdgeResponseStatus",
    "status",
    "status_code",
    "statusCode",
    "http_status",
    "response_status",
    "http.status_code",
    "response_code",
];
const CLIENT_KEYS: [&str; 9] = [
    "remote_addr",
    "client_ip",
    "clientip",
    "remote_ip",
    "ip",
    "request.remote_ip",
    "httpRequest.remoteIp",
    "ClientIP",
    // Envoy's, with its port: see `without_port`.
    "downstream_remote_address",
];
/// Durations: seconds (Caddy's `duration`, GCP's `"0.012s"`), or milliseconds where the key
/// says so (`…_ms`, `…Ms`).
const LATENCY_KEYS: [&str; 9] = [
    "duration",
    "latency",
    "request_time",
    "response_time",
    "elapsed",
    "took",
    "httpRequest.latency",
    "duration_ms",
    "EdgeTimeToFirstByteMs",
];
const PROGRAM_KEYS: [&str; 5] = ["logger", "service", "app", "name", "component"];

fn object(line: &[u8]) -> Option<Fields<'_>> {
    Fields::of(line)
}

/// A value at a key, also looking one level down for dotted keys (`http.status_code`).
fn lookup(map: &Fields<'_>, key: &str) -> Option<Value> {
    map.get(key).or_else(|| {
        // A byte search: `split_once('.')` was a tenth of the time, run for every key missed.
        let dot = key.bytes().position(|b| b == b'.')?;
        map.get(&key[..dot])?.get(&key[dot + 1..]).cloned()
    })
}

fn first(map: &Fields<'_>, keys: &[&str]) -> Option<Value> {
    keys.iter().find_map(|k| lookup(map, k))
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(bytes) => {
            let raw: Option<Vec<u8>> = bytes
                .iter()
                .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                .collect();
            raw.map(|r| String::from_utf8_lossy(&r).into_owned())
        }
        _ => None,
    }
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An address without its port: `10.0.0.5:51234` → `10.0.0.5`, `[2001:db8::1]:443` →
/// `2001:db8::1`; anything else as it is. Clients are counted by address, not by connection.
fn without_port(address: &str) -> &str {
    if let Some(rest) = address.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match address.rsplit_once(':') {
        Some((host, port))
            if !host.contains(':')
                && !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit()) =>
        {
            host
        }
        _ => address,
    }
}

/// The request of an Envoy JSON access-log record, in words: `GET /api 503 UF`.
fn envoy_summary(map: &Fields<'_>) -> String {
    let field = |k: &str| {
        map.get(k)
            .as_ref()
            .and_then(as_text)
            .filter(|v| !v.is_empty() && v != "-")
    };
    ["method", "path", "response_code", "response_flags"]
        .iter()
        .filter_map(|k| field(k))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Epoch seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude.
fn epoch(n: f64) -> Option<Micros> {
    if !n.is_finite() || n <= 0.0 {
        return None;
    }
    let micros = if n < 1e11 {
        n * 1e6
    } else if n < 1e14 {
        n * 1e3
    } else if n < 1e17 {
        n
    } else {
        n / 1e3
    };
    (micros < 2.6e17).then_some(micros as Micros)
}

/// `2023-09-10 08:15:02[.123]` without an offset.
fn local_time(text: &[u8]) -> Option<Civil> {
    local_date_time(text, b'-').map(|(_, civil)| civil)
}

fn time_of(v: &Value) -> Option<JsonTime> {
    if let Value::String(s) = v {
        if let Ok((_, (civil, offset))) = rfc3339(s.as_bytes()) {
            return civil.with_offset(offset).map(JsonTime::Utc);
        }
        if let Some(civil) = local_time(s.as_bytes()) {
            return Some(JsonTime::Local(civil));
        }
    }
    as_number(v).and_then(epoch).map(JsonTime::Utc)
}

fn level_is_error(v: &Value) -> bool {
    match v {
        Value::Number(n) => n
            .as_f64()
            .is_some_and(|n| if n >= 10.0 { n >= 50.0 } else { n <= 3.0 }),
        Value::String(s) => is_error_level(s.as_bytes()),
        _ => false,
    }
}

/// One line of `journalctl -o json`.
pub fn parse_journald(line: &[u8]) -> Option<JsonRecord> {
    let map = object(line)?;
    let time = as_number(&map.get("__REALTIME_TIMESTAMP")?).map(|us| us as Micros)?;
    let priority = map.get("PRIORITY").as_ref().and_then(as_number);
    Some(JsonRecord {
        time: JsonTime::Utc(time),
        is_error: priority.is_some_and(|p| p <= 3.0),
        program: map
            .get("SYSLOG_IDENTIFIER")
            .or_else(|| map.get("_COMM"))
            .as_ref()
            .and_then(as_text),
        host: map.get("_HOSTNAME").as_ref().and_then(as_text),
        pid: map
            .get("_PID")
            .as_ref()
            .and_then(as_number)
            .map(|p| p as u64),
        message: map
            .get("MESSAGE")
            .as_ref()
            .and_then(as_text)
            .unwrap_or_default(),
        status: None,
        client: None,
        path: map.get("_SYSTEMD_UNIT").as_ref().and_then(as_text),
        latency: None,
    })
}

/// One line of an application's JSON log; `None` without an object and a time.
pub fn parse_json_line(line: &[u8]) -> Option<JsonRecord> {
    let map = object(line)?;
    if map.contains_key("__REALTIME_TIMESTAMP") {
        return None;
    }
    let time = first(&map, &TIME_KEYS).as_ref().and_then(time_of)?;
    let status = first(&map, &STATUS_KEYS)
        .as_ref()
        .and_then(as_number)
        .filter(|s| (100.0..600.0).contains(s))
        .map(|s| s as u16);
    // Envoy's and Istio's JSON access log: no message, the request in fields of its own.
    let envoy = map.contains_key("response_code") && map.contains_key("response_flags");
    let message = match first(&map, &MESSAGE_KEYS).as_ref().and_then(as_text) {
        Some(m) => m,
        None if envoy => envoy_summary(&map),
        None => String::new(),
    };
    Some(JsonRecord {
        time,
        is_error: first(&map, &LEVEL_KEYS)
            .as_ref()
            .is_some_and(level_is_error)
            || status.is_some_and(|s| s >= 500),
        program: first(&map, &PROGRAM_KEYS).as_ref().and_then(as_text),
        host: first(&map, &["host", "hostname"])
            .as_ref()
            .and_then(as_text),
        pid: first(&map, &["pid"])
            .as_ref()
            .and_then(as_number)
            .map(|p| p as u64),
        message,
        status,
        client: first(&map, &CLIENT_KEYS)
            .as_ref()
            .and_then(as_text)
            .map(|c| without_port(&c).to_string()),
        path: first(
            &map,
            &[
                "path",
                "url",
                "uri",
                "request_uri",
                "http.path",
                "request.uri",
                "httpRequest.requestUrl",
                "ClientRequestURI",
            ],
        )
        .as_ref()
        .and_then(as_text),
        latency: LATENCY_KEYS.iter().find_map(|k| {
            let v = lookup(&map, k)?;
            // Envoy's `duration` (`%DURATION%`) is in milliseconds; Caddy's is in seconds.
            let ms = k.ends_with("_ms") || k.ends_with("Ms") || envoy;
            match v {
                Value::Number(n) => n.as_f64().map(|x| if ms { x / 1000.0 } else { x }),
                Value::String(s) => duration_seconds(s.as_bytes(), ms),
                _ => None,
            }
        }),
    })
}

impl JsonRecord {
    /// The record as the aggregate stage reads it. A missing program still labels the text
    /// (`: message`), as it always has, so signatures stay the same.
    pub fn entry(self) -> Entry<'static> {
        let when = match self.time {
            JsonTime::Utc(t) => When::Utc(t),
            JsonTime::Local(civil) => When::Local(civil),
        };
        let http = self.status.map(|status| Http {
            status,
            client: self.client.map(|c| Cow::Owned(c.into_bytes())),
            path: self.path.map(|p| Cow::Owned(p.into_bytes())),
            latency: self.latency,
        });
        Entry::Message(Message {
            when,
            verdict: Verdict::Given(self.is_error),
            program: Some(Cow::Owned(self.program.unwrap_or_default().into_bytes())),
            host: self.host.map(|h| Cow::Owned(h.into_bytes())),
            text: Cow::Owned(self.message.into_bytes()),
            vocabulary: Vocabulary::Syslog,
            upstream: None,
            http,
        })
    }
}

/// A line of `journalctl -o json`, as an [`Entry`].
pub fn read_journald(line: &[u8]) -> Entry<'_> {
    match parse_journald(line) {
        Some(r) => r.entry(),
        None => Entry::Unreadable("not a journald JSON record"),
    }
}

/// A JSON record of any application, as an [`Entry`].
pub fn read_json_line(line: &[u8]) -> Entry<'_> {
    match parse_json_line(line) {
        Some(r) => r.entry(),
        None => Entry::Unreadable("not a JSON record with a time"),
    }
}

/// `journalctl -o json` exports: PRIORITY, unit, identifier, message.
pub const JOURNALD: FormatSpec = FormatSpec {
    format: Format::Journald,
    name: "journald json",
    meaning: Meaning::Messages,
    zone_less: false,
    every_line_has_offset: false,
    accepts: |line| parse_journald(line).is_some(),
    read: read_journald,
    documents: None,
};

/// JSON records of any application, one per line; with HTTP statuses they are requests too.
pub const JSON_LINES: FormatSpec = FormatSpec {
    format: Format::JsonLines,
    name: "json lines",
    meaning: Meaning::MaybeRequests,
    zone_less: true,
    every_line_has_offset: false,
    accepts: |line| parse_json_line(line).is_some(),
    read: read_json_line,
    documents: None,
};

#[cfg(test)]
mod tests;
