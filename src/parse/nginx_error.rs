//! nginx error log: `2023/09/10 08:15:02 [error] 123#123: *45 message, client: …, server: …`.
//!
//! The time has no zone (nginx writes local time), so the line yields a civil time for the
//! time stage to place. Lines that do not start with a date continue the record above
//! (FastCGI stderr dumps span lines); the caller counts them as continuations.

use std::borrow::Cow;

use super::entry::{ClientSide, Entry, Message, Verdict, Vocabulary, When};
use super::spec::Format;
use super::spec::{FormatSpec, Meaning};

use super::common::{local_date_time, spaces};
use crate::time::Civil;

#[derive(Debug, Clone, PartialEq)]
/// A line of nginx's error log.
pub struct ErrorLine<'a> {
    /// Its local time (nginx writes no zone).
    pub civil: Civil,
    /// Its level.
    pub level: Level,
    /// The worker's process id.
    pub pid: Option<u64>,
    /// The connection number (`*42`).
    pub connection: Option<u64>,
    /// Everything after `pid#tid: [*cid ]`.
    pub message: &'a [u8],
    /// The client address, where the message names one.
    pub client: Option<&'a [u8]>,
    /// The server (virtual host) name, where named.
    pub server: Option<&'a [u8]>,
    /// The upstream the request went to, where named.
    pub upstream: Option<&'a [u8]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
/// nginx's log levels, least to most severe.
pub enum Level {
    /// `debug`
    Debug,
    /// `info`
    Info,
    /// `notice`
    Notice,
    /// `warn`
    Warn,
    /// `error`
    Error,
    /// `crit`
    Crit,
    /// `alert`
    Alert,
    /// `emerg`
    Emerg,
}

impl Level {
    fn from_bytes(b: &[u8]) -> Option<Level> {
        Some(match b {
            b"debug" => Level::Debug,
            b"info" => Level::Info,
            b"notice" => Level::Notice,
            b"warn" => Level::Warn,
            b"error" => Level::Error,
            b"crit" => Level::Crit,
            b"alert" => Level::Alert,
            b"emerg" => Level::Emerg,
            _ => return None,
        })
    }

    /// `error` and worse count as server errors in the error-rate series.
    pub fn is_error(self) -> bool {
        self >= Level::Error
    }
}

/// True when the line opens a record (`YYYY/MM/DD `): anything else continues one.
pub fn starts_record(line: &[u8]) -> bool {
    line.len() >= 11
        && line[..4].iter().all(u8::is_ascii_digit)
        && line[4] == b'/'
        && line[7] == b'/'
}

/// The value of `, name: value` in the message tail, quotes removed.
fn field<'a>(message: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let finder = memchr::memmem::Finder::new(name);
    let mut from = 0;
    while let Some(i) = finder.find(&message[from..]) {
        let at = from + i;
        let preceded = at >= 2 && &message[at - 2..at] == b", ";
        let after = &message[at + name.len()..];
        if preceded && let Some(value) = after.strip_prefix(b": ") {
            let value = match value.first() {
                Some(b'"') => {
                    let end = memchr::memchr(b'"', &value[1..]).map_or(value.len(), |e| e + 1);
                    &value[1..end]
                }
                _ => {
                    let end = memchr::memchr(b',', value).unwrap_or(value.len());
                    &value[..end]
                }
            };
            return Some(value);
        }
        from = at + 1;
    }
    None
}

/// Reads a line of nginx's error log: `2023/09/10 08:15:02 [error] 12#12: *1 message…`.
pub fn parse(line: &[u8]) -> Option<ErrorLine<'_>> {
    let (rest, civil) = local_date_time(line, b'/')?;
    let (rest, _) = spaces(rest).ok()?;
    let rest = rest.strip_prefix(b"[")?;
    let close = memchr::memchr(b']', rest)?;
    let level = Level::from_bytes(&rest[..close])?;
    let mut rest = rest[close + 1..].trim_ascii_start();
    let mut pid = None;
    if let Some(hash) = memchr::memchr(b'#', rest)
        && let Some(colon) = memchr::memchr(b':', rest)
        && hash < colon
        && rest[..hash].iter().all(u8::is_ascii_digit)
    {
        pid = std::str::from_utf8(&rest[..hash])
            .ok()
            .and_then(|p| p.parse().ok());
        rest = rest[colon + 1..].trim_ascii_start();
    }
    let mut connection = None;
    if let Some(after_star) = rest.strip_prefix(b"*") {
        let digits = after_star.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits > 0 {
            connection = std::str::from_utf8(&after_star[..digits])
                .ok()
                .and_then(|c| c.parse().ok());
            rest = after_star[digits..].trim_ascii_start();
        }
    }
    Some(ErrorLine {
        civil,
        level,
        pid,
        connection,
        message: rest,
        client: field(rest, b"client"),
        server: field(rest, b"server"),
        upstream: field(rest, b"upstream"),
    })
}

/// What nginx logs at level `error` (or `crit`) about a request that failed on the client's
/// side, not the server's: a missing file (404 to a crawler or scanner), a forbidden directory
/// listing or rule (403), a body too large (413), a client's broken TLS handshake, and a request
/// held back by `limit_req`/`limit_conn` (a load test, a client over its rate). None of them is
/// the service failing.
const CLIENT_SIDE: [&[u8]; 8] = [
    b"failed (2: No such file or directory)",
    b"is not found (2: No such file or directory)",
    b"failed (20: Not a directory)",
    b"is forbidden",
    b"access forbidden by rule",
    b"client intended to send too large body",
    b"while SSL handshaking, client:",
    b"client sent invalid",
];

/// The requests `limit_req` and `limit_conn` held back: client-side too, counted apart as
/// "limited" (a load test, a client over its rate).
const LIMITED: [&[u8]; 2] = [
    b"limiting requests, excess",
    b"limiting connections by zone",
];

/// How a message reports a client's request failing, if it does (see [`CLIENT_SIDE`]).
pub fn client_side(message: &[u8]) -> Option<ClientSide> {
    let found = |needle: &&[u8]| memchr::memmem::find(message, needle).is_some();
    if LIMITED.iter().any(found) {
        Some(ClientSide::Limited)
    } else {
        CLIENT_SIDE.iter().any(found).then_some(ClientSide::Refused)
    }
}

/// A line of nginx's error log, as an [`Entry`]; lines not starting a record continue one.
pub fn read(line: &[u8]) -> Entry<'_> {
    if !starts_record(line) {
        return Entry::Continuation;
    }
    let Some(e) = parse(line) else {
        return Entry::Unreadable("not an nginx error log line");
    };
    Entry::Message(Message {
        when: When::Local(e.civil),
        verdict: match client_side(e.message) {
            Some(kind) if e.level.is_error() => Verdict::ClientSide(kind),
            _ => Verdict::Given(e.level.is_error()),
        },
        program: None,
        host: e.server.map(Cow::Borrowed),
        text: Cow::Borrowed(e.message),
        vocabulary: Vocabulary::Nginx,
        upstream: e.upstream,
        client: field(e.message, b"client"),
        http: None,
    })
}

/// nginx's `error.log`: zone-less local times, levels, upstreams.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::NginxError,
    name: "nginx error",
    meaning: Meaning::ErrorLog,
    zone_less: true,
    every_line_has_offset: false,
    accepts: |line| parse(line).is_some(),
    read,
    documents: None,
};

#[cfg(test)]
mod tests;
