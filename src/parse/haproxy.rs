//! HAProxy's HTTP and TCP logs (`option httplog`, `option tcplog`), inside syslog lines
//! (`… haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] …`) or bare (`log stdout
//! format raw`). Each HTTP line is one request: status, the total time `Ta` (`Tt` before 1.5),
//! the client address, the request line. A TCP line is a connection, a failure when its
//! termination state says a side broke it. Other lines of the same program (`Server web/s1
//! is DOWN`, `Proxy x started`) are messages; a server going DOWN is an error.
//!
//! The accept date has no zone (HAProxy writes its host's local time), so files are placed
//! like every zone-less format; it is read instead of the syslog header because it has the
//! year and the milliseconds.

use std::borrow::Cow;

use super::common::{clock, fixed_digits, month_name, quoted};
use super::entry::{Entry, Message, Request, Verdict, When};
use super::nginx_access::request_path;
use super::spec::{Format, FormatSpec, Meaning};
use crate::time::Civil;

/// What a traffic line says.
#[derive(Debug, PartialEq)]
pub struct Traffic<'a> {
    /// The client's address, without its port.
    pub client: &'a [u8],
    /// The accept date, the host's local time.
    pub accepted: Civil,
    /// `frontend`, `backend/server`.
    pub frontend: &'a [u8],
    /// `backend/server`.
    pub server: &'a [u8],
    /// The HTTP status (`None` for a TCP connection, or `-1`: no response).
    pub status: Option<u16>,
    /// The total time in milliseconds (`Ta`, or `Tt`), when the connection was not aborted.
    pub total_ms: Option<u64>,
    /// The termination state (`----`, `SC--`, `cD`…).
    pub termination: &'a [u8],
    /// The request line, for HTTP.
    pub request: Option<&'a [u8]>,
}

/// `06/Feb/2009:12:14:14.655`
fn accept_date(input: &[u8]) -> Option<(&[u8], Civil)> {
    let (rest, day) = fixed_digits(2)(input).ok()?;
    let rest = rest.strip_prefix(b"/")?;
    let (rest, month) = month_name(rest).ok()?;
    let rest = rest.strip_prefix(b"/")?;
    let (rest, year) = fixed_digits(4)(rest).ok()?;
    let rest = rest.strip_prefix(b":")?;
    let (rest, (hour, minute, second, micros)) = clock(rest).ok()?;
    let civil = super::common::civil_of((year, month, day), (hour, minute, second, micros))?;
    Some((rest, civil))
}

/// `10.0.1.2:33317` or `[2001:db8::1]:33317` ending just before `at`: the address.
fn client_before(line: &[u8], at: usize) -> Option<&[u8]> {
    let head = line[..at].strip_suffix(b" ")?;
    let start = memchr::memrchr(b' ', head).map_or(0, |i| i + 1);
    let token = &head[start..];
    let colon = memchr::memrchr(b':', token)?;
    let (address, port) = (&token[..colon], &token[colon + 1..]);
    let port_ok = !port.is_empty() && port.len() <= 5 && port.iter().all(u8::is_ascii_digit);
    let address = address
        .strip_prefix(b"[")
        .and_then(|a| a.strip_suffix(b"]"))
        .unwrap_or(address);
    let address_ok = !address.is_empty()
        && address
            .iter()
            .all(|b| b.is_ascii_hexdigit() || *b == b'.' || *b == b':');
    (port_ok && address_ok).then_some(address)
}

/// `10/0/30/69/109` (HTTP) or `0/0/5007` (TCP): the timers, the last is the total.
fn timers(field: &[u8]) -> Option<(usize, Option<u64>)> {
    let (mut count, mut last) = (0, &b""[..]);
    for part in field.split(|&b| b == b'/') {
        let digits = part
            .strip_prefix(b"-")
            .or(part.strip_prefix(b"+"))
            .unwrap_or(part);
        if digits.is_empty() || digits.len() > 10 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        (count, last) = (count + 1, part);
    }
    if !(3..=5).contains(&count) {
        return None;
    }
    let last = last.strip_prefix(b"+").unwrap_or(last);
    let total = std::str::from_utf8(last).ok()?.parse::<i64>().ok()?;
    Some((count, u64::try_from(total).ok()))
}

/// Reads a traffic line: the first `ip:port [accept date]` in it starts the log proper.
pub fn parse(line: &[u8]) -> Option<Traffic<'_>> {
    let (client, accepted, after) = memchr::memchr_iter(b'[', line).find_map(|at| {
        let client = client_before(line, at)?;
        let (rest, civil) = accept_date(&line[at + 1..])?;
        let rest = rest.strip_prefix(b"] ")?;
        Some((client, civil, rest))
    })?;
    let mut fields = after.split(|&b| b == b' ').filter(|f| !f.is_empty());
    let frontend = fields.next()?;
    let server = fields.next()?;
    // `backend/server`: the slash is what tells this from other bracketed dates.
    memchr::memchr(b'/', server)?;
    let (count, total_ms) = timers(fields.next()?)?;
    if count == 3 {
        // TCP: Tw/Tc/Tt bytes_read termination_state …
        let _bytes = fields.next()?;
        let termination = fields.next()?;
        return Some(Traffic {
            client,
            accepted,
            frontend,
            server,
            status: None,
            total_ms,
            termination,
            request: None,
        });
    }
    let status = fields.next()?;
    let status = match status {
        b"-1" => None,
        s if s.len() == 3 && s.iter().all(u8::is_ascii_digit) => {
            Some(std::str::from_utf8(s).ok()?.parse::<u16>().ok()?)
        }
        _ => return None,
    };
    let _bytes = fields.next()?;
    let _request_cookie = fields.next()?;
    let _response_cookie = fields.next()?;
    let termination = fields.next()?;
    // The request line is the last quoted field (captured headers `{…}` may hold quotes).
    let quote = memchr::memchr(b'"', after)?;
    let request = quoted(&after[quote..]).ok().map(|(_, r)| r);
    Some(Traffic {
        client,
        accepted,
        frontend,
        server,
        status,
        total_ms,
        termination,
        request,
    })
}

/// A side broke the connection: the client (`C`), the server (`S`), a resource (`R`), a
/// proxy check (`P`), an internal error (`I`), or a timeout on the server side (`s`).
fn broken(termination: &[u8]) -> bool {
    matches!(termination.first(), Some(b'S' | b's' | b'R' | b'I' | b'P'))
}

/// A line of an HAProxy log, as an [`Entry`].
pub fn read(line: &[u8]) -> Entry<'_> {
    let Some(t) = parse(line) else {
        return other_line(line);
    };
    let when = When::Local(t.accepted);
    match (t.request, t.status) {
        (Some(request), Some(status)) => {
            let path = request_path(request);
            Entry::Request(Request {
                when,
                status,
                client_key: t.client,
                client: t.client,
                request,
                path,
                latency: t.total_ms.map(|ms| ms as f64 / 1000.0),
            })
        }
        // A connection without a response (`-1`), or TCP: judged by how it ended.
        _ => Entry::Message(Message {
            when,
            verdict: Verdict::Given(broken(t.termination)),
            program: Some(Cow::Borrowed(b"haproxy")),
            host: None,
            text: Cow::Borrowed(line),
            vocabulary: super::entry::Vocabulary::Syslog,
            upstream: Some(t.server),
            client: None,
            http: None,
        }),
    }
}

/// HAProxy's other lines, as syslog messages: a server going DOWN is an error.
fn other_line(line: &[u8]) -> Entry<'_> {
    match super::syslog::read(line) {
        Entry::Message(mut m) => {
            if super::common::contains_ignore_case(&m.text, b" is DOWN") {
                m.verdict = Verdict::Given(true);
            }
            Entry::Message(m)
        }
        other => other,
    }
}

/// HAProxy HTTP and TCP logs, in syslog or bare.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::Haproxy,
    name: "haproxy",
    meaning: Meaning::Requests,
    zone_less: true,
    every_line_has_offset: false,
    accepts: |line| parse(line).is_some(),
    read,
    documents: None,
};

#[cfg(test)]
mod tests;
