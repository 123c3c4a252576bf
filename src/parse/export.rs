//! What the exports of log platforms have in common (Loki, Elasticsearch/OpenSearch,
//! CloudWatch Logs, Cloud Logging, Splunk, and CSV downloads): each row holds a time, the
//! log line as its program wrote it, and labels that say which program and host wrote it.
//! A [`Row`] is that; [`fold_row`] reads its line by the line's own format (an nginx line
//! stays a request) and names the row's source from its labels, the narrowest first, so each
//! source is its own signal as if it had its own file.

use serde_json::Value;

use super::common::{civil_of, clock, local_date_time, month_name, rfc3339};
use super::container;
use super::docker;
use super::entry::{Entry, Verdict, When};
use super::jsonl;

/// Label names that say which process wrote a record, the narrowest first: a pod is one
/// process, a container name is often the same for every pod, a node hosts many.
pub(crate) const SOURCE_NAMES: [&str; 24] = [
    "podname",
    "pod",
    "pod_name",
    "kubernetes.pod_name",
    "kubernetes.pod.name",
    "k8s.pod.name",
    "container_name",
    "containername",
    "container.name",
    "service",
    "service.name",
    "servicename",
    "service_name",
    "app",
    "host",
    "hostname",
    "host.name",
    "host.hostname",
    "instance",
    "logstream",
    "logstreamname",
    "source",
    "container",
    "node",
];

/// A source name longer than this is not a name: the row is counted without one.
pub(crate) const MAX_SOURCE_NAME: usize = 128;

/// The log line of a row: text as a program wrote it, or a structured record.
#[derive(Debug)]
pub enum Body {
    /// A line, read by its own format.
    Line(String),
    /// A JSON record (an Elasticsearch `_source`, a Cloud Logging `jsonPayload`), read as a
    /// JSON log line; `line` is its message when it also has one (read first, for requests).
    Record {
        /// The record (serialised to be read only when its line is not a request).
        json: Value,
        /// Its message, where it has one.
        line: Option<String>,
    },
}

/// One row of an export.
#[derive(Debug)]
pub struct Row {
    /// When the platform says it happened.
    pub when: When,
    /// What was logged.
    pub body: Body,
    /// Which process wrote it, from the labels.
    pub source: Option<String>,
    /// The platform's severity, where it has one: an error or not.
    pub error: Option<bool>,
}

/// Reads a streamed record into its row with `row`, then folds the row (see [`fold_row`]).
pub(crate) fn fold_record(
    record: &[u8],
    row: fn(Value) -> Result<Row, &'static str>,
    fold: super::spec::Fold<'_>,
) -> Result<(), &'static str> {
    fold_row(&row(parse(record)?)?, &mut Vec::new(), fold);
    Ok(())
}

/// Reads a row's line and hands its entry, with the row's source, to `fold`.
pub(crate) fn fold_row(
    row: &Row,
    scratch: &mut Vec<u8>,
    fold: &mut dyn FnMut(Entry<'_>, Option<&[u8]>),
) {
    let source = row.source.as_deref().map(str::as_bytes);
    let entry = match &row.body {
        Body::Line(line) => log_line(line.as_bytes(), row.when, scratch),
        Body::Record { json, line } => {
            let request = line
                .as_deref()
                .and_then(|l| container::by_its_format(l.as_bytes()))
                .filter(|e| matches!(e, Entry::Request(_)));
            if let Some(request) = request {
                request
            } else if let Some(record) = jsonl::parse_json_line(json.to_string().as_bytes()) {
                record.entry()
            } else if let Some(line) = line {
                log_line(line.as_bytes(), row.when, scratch)
            } else {
                scratch.clear();
                scratch.extend_from_slice(json.to_string().as_bytes());
                container::plain_message(scratch, row.when, b"export")
            }
        }
    };
    fold(settled(entry, row.when, row.error), source);
}

/// A row as a message of its own, its text owned: for a line read alone.
pub(crate) fn row_message(row: Row) -> Entry<'static> {
    let text = match row.body {
        Body::Line(line) => line,
        Body::Record { json, line } => line.unwrap_or_else(|| json.to_string()),
    };
    let verdict = match row.error {
        Some(error) => Verdict::Given(error),
        None => Verdict::ByWords(None),
    };
    Entry::Message(super::entry::Message {
        when: row.when,
        verdict,
        program: None,
        host: None,
        text: std::borrow::Cow::Owned(text.into_bytes()),
        vocabulary: super::entry::Vocabulary::Syslog,
        upstream: None,
        client: None,
        http: None,
    })
}

/// An entry with the row's time where its own line had none that places it (a zone-less
/// or year-less time), and the platform's severity where the line's words were to judge.
fn settled(entry: Entry<'_>, when: When, error: Option<bool>) -> Entry<'_> {
    let placed = |own: When| match own {
        When::Local(_) | When::YearLess(_) => when,
        _ => own,
    };
    match entry {
        Entry::Request(mut r) => {
            r.when = placed(r.when);
            Entry::Request(r)
        }
        Entry::Message(mut m) => {
            m.when = placed(m.when);
            if let (Verdict::ByWords(_), Some(error)) = (m.verdict, error) {
                m.verdict = Verdict::Given(error);
            }
            Entry::Message(m)
        }
        other => other,
    }
}

/// A log line of an export, read by its own format: a Docker json-file record (`{"log":"…",
/// "stream":…,"time":…}`, as container collectors store it) is unwrapped as Docker's own logs
/// are; any other line is read by the first format that reads it, else it is a message at
/// the row's time, judged by its words.
pub(crate) fn log_line<'b>(text: &'b [u8], when: When, inner: &'b mut Vec<u8>) -> Entry<'b> {
    if let Some(envelope) = docker::envelope(text) {
        return match docker::unescape(envelope.escaped, inner) {
            Some(()) => docker::read_record(&envelope, inner),
            None => Entry::Unreadable("a broken escape in the Docker record's log string"),
        };
    }
    let text = text.strip_suffix(b"\n").unwrap_or(text);
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    if text.trim_ascii().is_empty() {
        return Entry::Marker;
    }
    container::wrapped(text, when, b"export")
}

/// The value at a dotted key: the key as written (`"host.name": …`), else nested objects.
pub fn lookup<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    if let Some(v) = value.get(key) {
        return Some(v);
    }
    let (head, rest) = key.split_once('.')?;
    lookup(value.get(head)?, rest)
}

/// The text of a value: a string as it is, a number written out.
pub fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The name of the source among `labels`, the narrowest first; where only a host and a file
/// are named (Splunk's `host` and `source`, Loki's `host` and `filename`), both.
pub(crate) fn source_of(labels: &Value) -> Option<String> {
    let named = |key: &str| {
        lookup(labels, key)
            .and_then(text)
            .filter(|s| !s.trim().is_empty() && s.len() <= MAX_SOURCE_NAME)
    };
    let host = ["host", "hostname", "host.name", "host.hostname", "instance"]
        .into_iter()
        .find_map(named);
    let file = ["filename", "source", "log.file.path", "log_file"]
        .into_iter()
        .find_map(named);
    if let (Some(host), Some(file)) = (&host, &file) {
        let narrower = SOURCE_NAMES
            .iter()
            .take_while(|n| **n != "host")
            .find_map(|n| named(n));
        return Some(narrower.unwrap_or_else(|| format!("{host}:{file}")));
    }
    SOURCE_NAMES.iter().find_map(|n| named(n)).or(file)
}

/// A time as exports write it: RFC 3339 text, or a Unix time in seconds, milliseconds,
/// microseconds or nanoseconds (as a number or as digits in a string).
pub(crate) fn time_of(value: &Value) -> Option<When> {
    match value {
        Value::String(s) => read_time(s.as_bytes()),
        Value::Number(n) => {
            let digits = n.as_u64()?.to_string();
            read_time(digits.as_bytes())
        }
        _ => None,
    }
}

/// A time as exports write it in text (a CSV column, a JSON string): RFC 3339, a zone-less date and time, Kibana's `Jan 29, 2023 @
/// 08:42:22.383`, or a Unix time in seconds, milliseconds, microseconds or nanoseconds.
pub(crate) fn read_time(text: &[u8]) -> Option<When> {
    let text = text.trim_ascii();
    if let Ok((rest, (civil, offset))) = rfc3339(text)
        && rest.is_empty()
    {
        let time = civil.with_offset(offset)?;
        return Some(When::Offset {
            time,
            offset_secs: offset,
        });
    }
    if let Some((rest, civil)) = local_date_time(text, b'-').or_else(|| local_date_time(text, b'/'))
        && rest.trim_ascii().is_empty()
    {
        return Some(When::Local(civil));
    }
    if !text.is_empty() && text.len() <= 19 && text.iter().all(u8::is_ascii_digit) {
        let n: i64 = std::str::from_utf8(text).ok()?.parse().ok()?;
        let micros = match text.len() {
            9..=10 => n.checked_mul(1_000_000)?,
            12..=13 => n.checked_mul(1_000)?,
            15..=16 => n,
            18..=19 => n / 1_000,
            _ => return None,
        };
        return Some(When::Utc(micros));
    }
    kibana_time(text)
}

/// `Jan 29, 2023 @ 08:42:22.383`: Kibana's default, in the browser's zone (unsaid).
fn kibana_time(text: &[u8]) -> Option<When> {
    let (rest, month) = month_name(text).ok()?;
    let rest = rest.strip_prefix(b" ")?;
    let comma = memchr::memchr(b',', rest)?;
    let day: u32 = std::str::from_utf8(&rest[..comma]).ok()?.parse().ok()?;
    let rest = rest[comma..].strip_prefix(b", ")?;
    let year: u32 = std::str::from_utf8(rest.get(..4)?).ok()?.parse().ok()?;
    let rest = rest[4..].strip_prefix(b" @ ")?;
    let (rest, hms) = clock(rest).ok()?;
    if !rest.is_empty() {
        return None;
    }
    Some(When::Local(civil_of((year, month, day), hms)?))
}

/// A record's JSON, or why it is not one.
pub fn parse(record: &[u8]) -> Result<Value, &'static str> {
    serde_json::from_slice(record).map_err(|_| "a record of the export that is not valid JSON")
}

#[cfg(test)]
mod tests;
