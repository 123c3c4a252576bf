//! uWSGI's request log (its default `log-format`):
//! `[pid: 812|app: 0|req: 7/21] 203.0.113.7 () {34 vars in 412 bytes} [Sun Sep 10 08:15:02
//! 2023] GET /api/v1/items => generated 512 bytes in 12 msecs (HTTP/1.1 503) 2 headers in 79
//! bytes (1 switches on core 0)`. Each line is one request: the status, `in N msecs` (or
//! `micros`) as latency, the client address, method and path. The time is the host's local
//! time, without a zone; uWSGI's other lines (start-up, worker respawns) continue nothing and
//! are left out with the reason.

use super::common::{clock, month_name, spaces};
use super::entry::{Entry, Request, When};
use super::spec::{Format, FormatSpec, Meaning};
use crate::time::Civil;

/// What a uWSGI request line says.
#[derive(Debug, PartialEq)]
pub struct UwsgiLine<'a> {
    /// The client's address.
    pub client: &'a [u8],
    /// The host's local time.
    pub civil: Civil,
    /// `GET /api/v1/items`.
    pub request: &'a [u8],
    /// The status.
    pub status: u16,
    /// How long it took, in seconds.
    pub seconds: Option<f64>,
}

/// `Sun Sep 10 08:15:02 2023` (asctime: the day may be space-padded).
fn asctime(s: &[u8]) -> Option<Civil> {
    let s = s.get(4..)?;
    let (s, month) = month_name(s).ok()?;
    let (s, _) = spaces(s).ok()?;
    let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if !(1..=2).contains(&digits) {
        return None;
    }
    let day = std::str::from_utf8(&s[..digits]).ok()?.parse().ok()?;
    let (s, _) = spaces(&s[digits..]).ok()?;
    let (s, hms) = clock(s).ok()?;
    let (s, _) = spaces(s).ok()?;
    let year = std::str::from_utf8(s.get(..4)?).ok()?.parse().ok()?;
    super::common::civil_of((year, month, day), hms)
}

fn number_before<'a>(text: &'a [u8], word: &[u8]) -> Option<(u64, &'a [u8])> {
    let at = memchr::memmem::find(text, word)?;
    let head = text[..at].trim_ascii_end();
    let start = head
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let n = std::str::from_utf8(&head[start..]).ok()?.parse().ok()?;
    Some((n, &text[at + word.len()..]))
}

/// Reads a uWSGI request line.
pub fn parse(line: &[u8]) -> Option<UwsgiLine<'_>> {
    let rest = line.strip_prefix(b"[pid: ")?;
    let rest = &rest[memchr::memchr(b']', rest)? + 1..];
    let rest = rest.strip_prefix(b" ")?;
    let client_end = memchr::memchr(b' ', rest)?;
    let client = &rest[..client_end];
    let open = memchr::memmem::find(rest, b"} [")? + 3;
    let close = open + memchr::memchr(b']', &rest[open..])?;
    let civil = asctime(&rest[open..close])?;
    let after = rest[close + 1..].strip_prefix(b" ")?;
    let arrow = memchr::memmem::find(after, b" => generated ")?;
    let request = &after[..arrow];
    let tail = &after[arrow..];
    let seconds = match number_before(tail, b" msecs") {
        Some((ms, _)) => Some(ms as f64 / 1000.0),
        None => number_before(tail, b" micros").map(|(us, _)| us as f64 / 1e6),
    };
    let http = memchr::memmem::find(tail, b"(HTTP/")?;
    let status_at = http + memchr::memchr(b' ', &tail[http..])? + 1;
    let status = std::str::from_utf8(tail.get(status_at..status_at + 3)?)
        .ok()?
        .parse::<u16>()
        .ok()
        .filter(|s| (100..600).contains(s))?;
    Some(UwsgiLine {
        client,
        civil,
        request,
        status,
        seconds,
    })
}

/// A uWSGI log line, as an [`Entry`].
pub fn read(line: &[u8]) -> Entry<'_> {
    let Some(u) = parse(line) else {
        return Entry::Unreadable("not a uWSGI request line");
    };
    let path = super::nginx_access::request_path(u.request);
    Entry::Request(Request {
        when: When::Local(u.civil),
        status: u.status,
        client_key: u.client,
        client: u.client,
        request: u.request,
        path,
        latency: u.seconds,
    })
}

/// uWSGI request logs.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::Uwsgi,
    name: "uwsgi",
    meaning: Meaning::Requests,
    zone_less: true,
    every_line_has_offset: false,
    accepts: |line| parse(line).is_some(),
    read,
    documents: None,
};

#[cfg(test)]
mod tests;
