//! logfmt: `key=value` pairs, values bare or double-quoted, as Go services write them
//! (go-kit, logrus's text formatter, Heroku's router). A line is a record when it has a time
//! (`time`, `ts`, `t`, `timestamp`) and a level or a message; `status` with a path or a
//! client makes it a request too.

use std::borrow::Cow;

use super::common::{duration_seconds, is_error_level, local_date_time, rfc3339};
use super::entry::{Entry, Http, Message, Verdict, Vocabulary, When};
use super::spec::{Format, FormatSpec, Meaning};

/// The first `key=value` pair of `rest` and what follows it; `None` when it is not one.
/// `value` is the raw inside of quotes (escapes kept).
fn pair(rest: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let eq = memchr::memchr(b'=', rest)?;
    let key = &rest[..eq];
    let well_formed = !key.is_empty()
        && key
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'@'));
    if !well_formed {
        return None;
    }
    let after = &rest[eq + 1..];
    let (value, next) = match after.first() {
        Some(b'"') => {
            let end = closing_quote(&after[1..])?;
            (&after[1..1 + end], &after[end + 2..])
        }
        _ => {
            let end = memchr::memchr(b' ', after).unwrap_or(after.len());
            (&after[..end], &after[end..])
        }
    };
    Some((key, value, next.trim_ascii_start()))
}

/// The keys each field is read from, the first listed winning whatever the order on the line.
const TIME: &[&[u8]] = &[b"time", b"ts", b"t", b"timestamp", b"@timestamp"];
const LEVEL: &[&[u8]] = &[b"level", b"lvl", b"severity"];
const TEXT: &[&[u8]] = &[b"msg", b"message"];
const STATUS: &[&[u8]] = &[b"status", b"status_code"];
const PATH: &[&[u8]] = &[b"path", b"uri", b"url"];
/// Durations: with a unit (`took=12ms`, `duration=0.2s`), or bare seconds, or bare
/// milliseconds for `_ms` keys.
const TOOK: &[&[u8]] = &[
    b"duration",
    b"took",
    b"latency",
    b"elapsed",
    b"duration_ms",
    b"took_ms",
];
const CLIENT: &[&[u8]] = &[b"remote_addr", b"client_ip", b"fwd", b"ip"];
const PROGRAM: &[&[u8]] = &[b"app", b"service", b"logger", b"component"];
const HOST: &[&[u8]] = &[b"host", b"hostname"];

/// A field's value and the rank of the key it came from (lower wins).
type Slot<'a> = Option<(usize, &'a [u8])>;

/// The fields that matter, read in one pass over the line (no allocation per line).
#[derive(Default)]
struct Fields<'a> {
    time: Slot<'a>,
    level: Slot<'a>,
    text: Slot<'a>,
    status: Slot<'a>,
    path: Slot<'a>,
    client: Slot<'a>,
    program: Slot<'a>,
    host: Slot<'a>,
    took: Slot<'a>,
}

/// The fields of a line; `None` when a token is not `key=value`.
fn fields(line: &[u8]) -> Option<Fields<'_>> {
    let mut f = Fields::default();
    let mut rest = line.trim_ascii();
    while !rest.is_empty() {
        let (key, value, next) = pair(rest)?;
        let slots = [
            (&mut f.time, TIME),
            (&mut f.level, LEVEL),
            (&mut f.text, TEXT),
            (&mut f.status, STATUS),
            (&mut f.path, PATH),
            (&mut f.client, CLIENT),
            (&mut f.program, PROGRAM),
            (&mut f.host, HOST),
            (&mut f.took, TOOK),
        ];
        for (slot, keys) in slots {
            if let Some(rank) = keys.iter().position(|k| *k == key)
                && slot.is_none_or(|(held, _)| rank < held)
            {
                *slot = Some((rank, value));
            }
        }
        rest = next;
    }
    Some(f)
}

fn value(slot: Slot<'_>) -> Option<&[u8]> {
    slot.map(|(_, v)| v)
}

/// Where an unescaped `"` closes a quoted value.
fn closing_quote(body: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

fn when(text: &[u8]) -> Option<When> {
    if let Ok((_, (civil, offset))) = rfc3339(text) {
        let time = civil.with_offset(offset)?;
        return Some(When::Offset {
            time,
            offset_secs: offset,
        });
    }
    local_date_time(text, b'-').map(|(_, civil)| When::Local(civil))
}

/// A logfmt line, as an [`Entry`].
pub fn read(line: &[u8]) -> Entry<'_> {
    let Some(f) = fields(line) else {
        return Entry::Unreadable("not a logfmt line (key=value pairs)");
    };
    let time = value(f.time).and_then(when);
    let (level, text) = (value(f.level), value(f.text));
    let (Some(when), true) = (time, level.is_some() || text.is_some()) else {
        return Entry::Unreadable("a logfmt line without a time, a level or a message");
    };
    let status = value(f.status)
        .and_then(|s| std::str::from_utf8(s).ok()?.parse::<u16>().ok())
        .filter(|s| (100..600).contains(s));
    let (path, client) = (value(f.path), value(f.client));
    let http = status
        .filter(|_| path.is_some() || client.is_some())
        .map(|status| Http {
            status,
            client: client.map(Cow::Borrowed),
            path: path.map(Cow::Borrowed),
            latency: f
                .took
                .and_then(|(rank, v)| duration_seconds(v, TOOK[rank].ends_with(b"_ms"))),
        });
    let failed =
        level.is_some_and(is_error_level) || http.as_ref().is_some_and(|h| h.status >= 500);
    Entry::Message(Message {
        when,
        verdict: Verdict::Given(failed),
        program: Some(Cow::Borrowed(value(f.program).unwrap_or(b""))),
        host: value(f.host).map(Cow::Borrowed),
        text: Cow::Borrowed(text.unwrap_or(b"")),
        vocabulary: Vocabulary::Syslog,
        upstream: None,
        http,
    })
}

/// logfmt (`time=… level=error msg="…"`).
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::Logfmt,
    name: "logfmt",
    meaning: Meaning::MaybeRequests,
    zone_less: true,
    every_line_has_offset: false,
    accepts: |line| matches!(read(line), Entry::Message(_)),
    read,
    documents: None,
};

#[cfg(test)]
mod tests;
