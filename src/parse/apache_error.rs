//! Apache httpd error logs, 2.2 and 2.4:
//! `[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] Directory index forbidden by rule: /x`
//! `[Wed Oct 11 14:32:52.123456 2023] [core:error] [pid 1234:tid 5678] [client 1.2.3.4:5678] AH00124: …`
//! Local time without a zone, like nginx's.

use std::borrow::Cow;

use super::entry::{ClientSide, Entry, Message, Verdict, Vocabulary, When};
use super::spec::Format;
use super::spec::{FormatSpec, Meaning};

use super::common::{civil_of, clock, fixed_digits, month_name, spaces};
use crate::time::Civil;

#[derive(Debug, Clone, PartialEq)]
/// A line of Apache httpd's error log.
pub struct ApacheError<'a> {
    /// Its local time (Apache writes no zone).
    pub civil: Civil,
    /// `error`, `crit`, `warn`, …
    pub level: &'a [u8],
    /// `core` in `[core:error]` (2.4).
    pub module: Option<&'a [u8]>,
    /// The process id.
    pub pid: Option<u64>,
    /// The client address, where written.
    pub client: Option<&'a [u8]>,
    /// The message.
    pub message: &'a [u8],
}

impl ApacheError<'_> {
    /// Whether the line reports the server failing: level `error` or worse, and not a
    /// client's request (see [`CLIENT_SIDE`]).
    pub fn is_error(&self) -> bool {
        self.is_error_level() && !is_client_side(self.message)
    }

    /// Whether the level is `error` or worse.
    pub(crate) fn is_error_level(&self) -> bool {
        matches!(self.level, b"error" | b"crit" | b"alert" | b"emerg")
    }
}

/// What Apache logs at level `error` about a client's request, not the server failing: a
/// missing file (404 to a crawler or scanner: 2.2's `File does not exist:`, 2.4's `AH00128`),
/// a directory without an index (403), a request denied by configuration or `.htaccess`.
const CLIENT_SIDE: [&[u8]; 6] = [
    b"File does not exist:",
    b"AH00128:",
    b"AH01276:",
    b"client denied by server configuration",
    b"Directory index forbidden by",
    b"script not found or unable to stat",
];

/// Whether a message reports a client's request failing (see [`CLIENT_SIDE`]).
pub(crate) fn is_client_side(message: &[u8]) -> bool {
    CLIENT_SIDE
        .iter()
        .any(|needle| memchr::memmem::find(message, needle).is_some())
}

const LEVELS: [&[u8]; 8] = [
    b"emerg", b"alert", b"crit", b"error", b"warn", b"notice", b"info", b"debug",
];

/// The inside of the next `[...]` and what follows it.
fn bracket(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let rest = input.strip_prefix(b"[")?;
    let close = memchr::memchr(b']', rest)?;
    Some((
        &rest[..close],
        rest[close + 1..]
            .strip_prefix(b" ")
            .unwrap_or(&rest[close + 1..]),
    ))
}

/// Reads a line of Apache's error log (2.2 and 2.4 formats).
pub fn parse(line: &[u8]) -> Option<ApacheError<'_>> {
    let (stamp, rest) = bracket(line)?;
    // `Sun Dec 04 04:47:44 2005` or with `.123456`
    let stamp = stamp.get(4..)?;
    let (s, month) = month_name(stamp).ok()?;
    let (s, _) = spaces(s).ok()?;
    let (s, day) = fixed_digits(2)(s).ok()?;
    let (s, _) = spaces(s).ok()?;
    let (s, (hour, minute, second, micros)) = clock(s).ok()?;
    let (s, _) = spaces(s).ok()?;
    let (_, year) = fixed_digits(4)(s).ok()?;
    let civil = civil_of((year, month, day), (hour, minute, second, micros))?;
    let (level_field, mut rest) = bracket(rest)?;
    let (module, level) = match memchr::memchr(b':', level_field) {
        Some(i) => (Some(&level_field[..i]), &level_field[i + 1..]),
        None => (None, level_field),
    };
    let level_ok = LEVELS.contains(&level) || level.starts_with(b"trace");
    if !level_ok {
        return None;
    }
    let mut pid = None;
    let mut client = None;
    while let Some((inside, after)) = bracket(rest) {
        if let Some(p) = inside.strip_prefix(b"pid ") {
            let digits = p.iter().take_while(|b| b.is_ascii_digit()).count();
            pid = std::str::from_utf8(&p[..digits])
                .ok()
                .and_then(|d| d.parse().ok());
        } else if let Some(c) = inside.strip_prefix(b"client ") {
            client = Some(c);
        } else {
            break;
        }
        rest = after;
    }
    Some(ApacheError {
        civil,
        level,
        module,
        pid,
        client,
        message: rest,
    })
}

/// A line of Apache's error log, as an [`Entry`]. Like nginx, Apache continues a record on
/// lines without the bracketed time.
pub fn read(line: &[u8]) -> Entry<'_> {
    let Some(e) = parse(line) else {
        return match line.first() {
            Some(b'[') => Entry::Unreadable("not an apache error log line"),
            _ => Entry::Continuation,
        };
    };
    Entry::Message(Message {
        when: When::Local(e.civil),
        verdict: match e.is_error() {
            false if e.is_error_level() => Verdict::ClientSide(ClientSide::Refused),
            error => Verdict::Given(error),
        },
        program: None,
        host: None,
        text: Cow::Borrowed(e.message),
        vocabulary: Vocabulary::Apache,
        upstream: None,
        // `10.0.0.7:52342`: the address without its port.
        client: e
            .client
            .map(|c| memchr::memrchr(b':', c).map_or(c, |i| &c[..i])),
        http: None,
    })
}

/// Apache httpd's error log (2.2 and 2.4).
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::ApacheError,
    name: "apache error",
    meaning: Meaning::ErrorLog,
    zone_less: true,
    every_line_has_offset: false,
    accepts: |line| parse(line).is_some(),
    read,
    documents: None,
};

#[cfg(test)]
mod tests;
