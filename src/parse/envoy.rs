//! Envoy's default access log, and Istio's (`[2023-09-10T08:15:02.118Z] "GET /api HTTP/1.1" 503
//! UF 0 91 12 - "-" "curl/8.1" "req-id" "api.example.com" "10.1.2.3:8080"`). Each line is one
//! request: the status (`0` when none was sent: the client went away), `%DURATION%` in
//! milliseconds as its latency, the first `X-Forwarded-For` address as its client, the
//! response flags (`UF`, `UO`, `NR`…) kept with the line. Istio's format adds fields between
//! the flags and the byte counts; both are read by finding the counts.

use super::common::{Spans, quoted, rfc3339};
use super::entry::{Entry, Request, When};
use super::nginx_access::{first_of_list, request_path};
use super::spec::{Format, FormatSpec, Meaning};

/// What an Envoy access log line says.
#[derive(Debug, PartialEq)]
pub struct EnvoyLine<'a> {
    /// `%START_TIME%`, in UTC microseconds, and the offset it was written with.
    pub time: (crate::time::Micros, i32),
    /// `GET /api HTTP/1.1`.
    pub request: &'a [u8],
    /// The status; 0 when none was sent.
    pub status: u16,
    /// `%RESPONSE_FLAGS%` (`-` when none).
    pub flags: &'a [u8],
    /// `%DURATION%`, milliseconds.
    pub duration_ms: Option<u64>,
    /// The first address of `X-Forwarded-For`, when set.
    pub forwarded_for: Option<&'a [u8]>,
}

fn integer(field: &[u8]) -> Option<u64> {
    let ok = !field.is_empty() && field.len() <= 15 && field.iter().all(u8::is_ascii_digit);
    ok.then(|| {
        field
            .iter()
            .fold(0u64, |n, &b| n * 10 + u64::from(b - b'0'))
    })
}

/// Reads an Envoy (or Istio) access log line.
pub fn parse(line: &[u8]) -> Option<EnvoyLine<'_>> {
    let rest = line.strip_prefix(b"[")?;
    let (rest, (civil, offset)) = rfc3339(rest).ok()?;
    let time = civil.with_offset(offset)?;
    let rest = rest.strip_prefix(b"] ")?;
    let (rest, request) = quoted(rest).ok()?;
    let rest = rest.strip_prefix(b" ")?;
    // The first fields are enough to find the counts (Istio's are the furthest, at 5 to 7).
    let spans = Spans::<15>::split(rest, b' ');
    let token = |k: usize| spans.field(rest, k);
    let status = integer(token(0)?).filter(|s| *s == 0 || (100..=599).contains(s))? as u16;
    let flags = token(1)?;
    // Bytes received, bytes sent, duration: the first three integers in a row after the flags
    // (Istio puts its details and a quoted reason between).
    let end =
        (4..spans.len()).find(|&k| (k - 2..=k).all(|j| token(j).and_then(integer).is_some()))?;
    let duration_ms = token(end).and_then(integer);
    // After the upstream service time: the quoted X-Forwarded-For.
    let tail = &rest[spans.span(end)?.1..];
    let forwarded_for = memchr::memchr(b'"', tail)
        .and_then(|at| quoted(&tail[at..]).ok())
        .map(|(_, xff)| xff)
        .filter(|xff| *xff != b"-" && !xff.is_empty())
        .map(first_of_list);
    Some(EnvoyLine {
        time: (time, offset),
        request,
        status,
        flags,
        duration_ms,
        forwarded_for,
    })
}

/// A line of an Envoy access log, as an [`Entry`].
pub fn read(line: &[u8]) -> Entry<'_> {
    let Some(e) = parse(line) else {
        return Entry::Unreadable("not an Envoy access log line");
    };
    if e.status == 0 {
        // No response was sent (the client went away first): no status to count.
        return Entry::Marker;
    }
    let path = request_path(e.request);
    let client = e.forwarded_for.unwrap_or(b"-");
    Entry::Request(Request {
        when: When::Offset {
            time: e.time.0,
            offset_secs: e.time.1,
        },
        status: e.status,
        client_key: client,
        client,
        request: e.request,
        path,
        latency: e.duration_ms.map(|ms| ms as f64 / 1000.0),
    })
}

/// Envoy's and Istio's default access logs.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::Envoy,
    name: "envoy",
    meaning: Meaning::Requests,
    zone_less: false,
    every_line_has_offset: true,
    accepts: |line| parse(line).is_some(),
    read,
    documents: None,
};

#[cfg(test)]
mod tests;
