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

use super::cause::with_cause;
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

const TIME_KEYS: [&str; 11] = [
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
    // log4j2's JsonLayout.
    "instant",
    // Kong's file-log and http-log plugins (milliseconds since the epoch).
    "started_at",
];
const LEVEL_KEYS: [&str; 5] = ["level", "severity", "lvl", "loglevel", "log.level"];
const MESSAGE_KEYS: [&str; 5] = ["msg", "message", "text", "MESSAGE", "log"];
const STATUS_KEYS: [&str; 10] = [
    "httpRequest.status",
    "EdgeResponseStatus",
    "status",
    "status_code",
    "statusCode",
    "http_status",
    "response_status",
    "http.status_code",
    "response_code",
    // Kong.
    "response.status",
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
/// says so (`…_ms`, `…Ms`) or the record is Kong's (`latencies.request`).
const LATENCY_KEYS: [&str; 10] = [
    "duration",
    "latency",
    "request_time",
    "response_time",
    "elapsed",
    "took",
    "httpRequest.latency",
    "duration_ms",
    "EdgeTimeToFirstByteMs",
    "latencies.request",
];
const PROGRAM_KEYS: [&str; 5] = ["logger", "service", "app", "name", "component"];
const HOST_KEYS: [&str; 2] = ["host", "hostname"];
/// What went wrong, beside the message: Go's `err`, ECS's `error.message`, Python's
/// `exc_info` and `exception` (a whole traceback), Logstash's `stack_trace`.
const CAUSE_KEYS: [&str; 6] = [
    "err",
    "error.message",
    "error",
    "exception",
    "exc_info",
    "stack_trace",
];
const PID_KEYS: [&str; 1] = ["pid"];
const PATH_KEYS: [&str; 8] = [
    "path",
    "url",
    "uri",
    "request_uri",
    "http.path",
    "request.uri",
    "httpRequest.requestUrl",
    "ClientRequestURI",
];

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

/// A value as a record's roles read it. Both readers reduce what they found to this, so the
/// meaning of a field is written once.
pub(super) enum View<'a> {
    Text(Cow<'a, str>),
    Number(f64),
    Other,
}

impl View<'_> {
    fn of(v: Value) -> View<'static> {
        match v {
            Value::String(s) => View::Text(Cow::Owned(s)),
            Value::Number(n) => n.as_f64().map_or(View::Other, View::Number),
            // MongoDB's extended JSON time: `{"$date": "2026-03-10T20:58:09.401+00:00"}`.
            Value::Object(mut map) if map.len() == 1 && map.contains_key("$date") => {
                map.remove("$date").map_or(View::Other, View::of)
            }
            // log4j2's JsonLayout `instant`: `{"epochSecond": 1663977609, "nanoOfSecond": 484000000}`.
            Value::Object(map) => match (map.get("epochSecond"), map.get("nanoOfSecond")) {
                (Some(Value::Number(s)), nanos) => {
                    let nanos = nanos.and_then(Value::as_f64).unwrap_or(0.0);
                    s.as_f64()
                        .map_or(View::Other, |s| View::Number(s + nanos / 1e9))
                }
                _ => View::Other,
            },
            _ => View::Other,
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            View::Number(n) => Some(*n),
            View::Text(s) => s.trim().parse().ok(),
            View::Other => None,
        }
    }

    fn time(&self) -> Option<JsonTime> {
        if let View::Text(s) = self {
            if let Ok((_, (civil, offset))) = rfc3339(s.as_bytes()) {
                return civil.with_offset(offset).map(JsonTime::Utc);
            }
            if let Some(civil) = local_time(s.as_bytes()) {
                return Some(JsonTime::Local(civil));
            }
        }
        self.number().and_then(epoch).map(JsonTime::Utc)
    }

    fn is_error_level(&self) -> bool {
        match self {
            View::Number(n) => {
                if *n >= 10.0 {
                    *n >= 50.0
                } else {
                    *n <= 3.0
                }
            }
            View::Text(s) => is_error_level(s.as_bytes()),
            View::Other => false,
        }
    }

    /// A duration in seconds; `ms` when the key says milliseconds.
    fn seconds(&self, ms: bool) -> Option<f64> {
        match self {
            View::Number(x) => Some(if ms { x / 1000.0 } else { *x }),
            View::Text(s) => duration_seconds(s.as_bytes(), ms),
            View::Other => None,
        }
    }

    /// An HTTP status, when the value is one.
    fn status(&self) -> Option<u16> {
        self.number()
            .filter(|s| (100.0..600.0).contains(s))
            .map(|s| s as u16)
    }
}

/// Whether a latency key is in milliseconds: its name says so, or the record is Envoy's
/// (`%DURATION%` is in milliseconds; Caddy's `duration` is in seconds).
fn in_milliseconds(key: &str, envoy: bool) -> bool {
    key.ends_with("_ms") || key.ends_with("Ms") || key.starts_with("latencies.") || envoy
}

/// An address without its port: `10.0.0.5:51234` → `10.0.0.5`, `[2001:db8::1]:443` →
/// `2001:db8::1`; anything else as it is. Clients are counted by address, not by connection.
fn without_port(address: &str) -> &str {
    if let Some(rest) = address.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    // Byte loops, not `rsplit_once` (memrchr): an address is a dozen bytes.
    let bytes = address.as_bytes();
    let port_digits = bytes
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let colon = bytes.len() - port_digits;
    match colon.checked_sub(1) {
        Some(c) if port_digits > 0 && bytes[c] == b':' && !bytes[..c].contains(&b':') => {
            &address[..c]
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

/// A number field as the roles read it.
fn number_at(map: &Fields<'_>, key: &str) -> Option<f64> {
    map.get(key).map(View::of)?.number()
}

/// One line of `journalctl -o json`.
pub fn parse_journald(line: &[u8]) -> Option<JsonRecord> {
    let map = object(line)?;
    let time = number_at(&map, "__REALTIME_TIMESTAMP").map(|us| us as Micros)?;
    let priority = number_at(&map, "PRIORITY");
    Some(JsonRecord {
        time: JsonTime::Utc(time),
        is_error: priority.is_some_and(|p| p <= 3.0),
        program: map
            .get("SYSLOG_IDENTIFIER")
            .or_else(|| map.get("_COMM"))
            .as_ref()
            .and_then(as_text),
        host: map.get("_HOSTNAME").as_ref().and_then(as_text),
        pid: number_at(&map, "_PID").map(|p| p as u64),
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

/// The first of `keys` the record has, as the roles read it.
fn first_view(map: &Fields<'_>, keys: &[&str]) -> Option<View<'static>> {
    first(map, keys).map(View::of)
}

/// One line of an application's JSON log; `None` without an object and a time. The general
/// reader, for every line the fast one ([`fast`]) declines; the two agree on every line.
#[doc(hidden)]
pub fn parse_json_line_general(line: &[u8]) -> Option<JsonRecord> {
    let map = object(line)?;
    if map.contains_key("__REALTIME_TIMESTAMP") {
        return None;
    }
    let time = first_view(&map, &TIME_KEYS)?.time()?;
    let status = first_view(&map, &STATUS_KEYS).and_then(|v| v.status());
    // Envoy's and Istio's JSON access log: no message, the request in fields of its own.
    let envoy = map.contains_key("response_code") && map.contains_key("response_flags");
    let message = match first(&map, &MESSAGE_KEYS).as_ref().and_then(as_text) {
        Some(m) => m,
        None if envoy => envoy_summary(&map),
        None => String::new(),
    };
    let text = |keys: &[&str]| first(&map, keys).as_ref().and_then(as_text);
    let message = match text(&CAUSE_KEYS) {
        Some(cause) => with_cause(&message, &cause),
        None => message,
    };
    Some(JsonRecord {
        time,
        is_error: first_view(&map, &LEVEL_KEYS).is_some_and(|v| v.is_error_level())
            || status.is_some_and(|s| s >= 500),
        program: text(&PROGRAM_KEYS),
        host: text(&HOST_KEYS),
        pid: first_view(&map, &PID_KEYS)
            .and_then(|v| v.number())
            .map(|p| p as u64),
        message,
        status,
        client: text(&CLIENT_KEYS).map(|c| without_port(&c).to_string()),
        path: text(&PATH_KEYS),
        latency: LATENCY_KEYS
            .iter()
            .find_map(|k| View::of(lookup(&map, k)?).seconds(in_milliseconds(k, envoy))),
    })
}

/// One line of an application's JSON log; `None` without an object and a time.
pub(crate) fn parse_json_line(line: &[u8]) -> Option<JsonRecord> {
    parse_json_line_general(line)
}

impl JsonRecord {
    /// The record as the aggregate stage reads it. A missing program still labels the text
    /// (`: message`), as it always has, so signatures stay the same.
    pub fn entry(self) -> Entry<'static> {
        let owned = |s: String| Cow::Owned(s.into_bytes());
        let http = self.status.map(|status| Http {
            status,
            client: self.client.map(owned),
            path: self.path.map(owned),
            latency: self.latency,
        });
        record_entry(
            self.time,
            self.is_error,
            owned(self.program.unwrap_or_default()),
            self.host.map(owned),
            owned(self.message),
            http,
        )
    }
}

/// A JSON record's entry, from its parts, whichever reader found them.
fn record_entry<'a>(
    time: JsonTime,
    is_error: bool,
    program: Cow<'a, [u8]>,
    host: Option<Cow<'a, [u8]>>,
    text: Cow<'a, [u8]>,
    http: Option<Http<'a>>,
) -> Entry<'a> {
    let when = match time {
        JsonTime::Utc(t) => When::Utc(t),
        JsonTime::Local(civil) => When::Local(civil),
    };
    Entry::Message(Message {
        when,
        verdict: Verdict::Given(is_error),
        program: Some(program),
        host,
        text,
        vocabulary: Vocabulary::Syslog,
        upstream: None,
        client: None,
        http,
    })
}

/// A line of `journalctl -o json`, as an [`Entry`].
pub(crate) fn read_journald(line: &[u8]) -> Entry<'_> {
    match parse_journald(line) {
        Some(r) => r.entry(),
        None => Entry::Unreadable("not a journald JSON record"),
    }
}

/// A JSON record of any application, as an [`Entry`]: the one-pass reader, else the general.
pub fn read_json_line(line: &[u8]) -> Entry<'_> {
    if let Some(entry) = fast::read(line) {
        return entry;
    }
    match parse_json_line_general(line) {
        Some(r) => r.entry(),
        None => Entry::Unreadable("not a JSON record with a time"),
    }
}

/// `journalctl -o json` exports: PRIORITY, unit, identifier, message.
pub(crate) const JOURNALD: FormatSpec = FormatSpec {
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
pub(crate) const JSON_LINES: FormatSpec = FormatSpec {
    format: Format::JsonLines,
    name: "json lines",
    meaning: Meaning::MaybeRequests,
    zone_less: true,
    every_line_has_offset: false,
    accepts: |line| parse_json_line(line).is_some(),
    read: read_json_line,
    documents: None,
};

mod fast;
#[doc(hidden)]
pub use fast::read as read_json_line_fast;

#[cfg(test)]
mod tests;
