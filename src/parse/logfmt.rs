//! logfmt: `key=value` pairs, values bare or double-quoted, as Go services write them
//! (go-kit, logrus's text formatter, Heroku's router). A line is a record when it has a time
//! (`time`, `ts`, `t`, `timestamp`) and a level or a message; `status` with a path or a
//! client makes it a request too.

use std::borrow::Cow;

use super::cause::with_cause;
use super::common::{duration_seconds, is_error_level, local_date_time, rfc3339};
use super::entry::{Entry, Http, Message, Verdict, Vocabulary, When};
use super::spec::{Format, FormatSpec, Meaning};

/// Bytes a key may hold: letters, digits, `_ . - @`.
const fn key_bytes() -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'@');
        b += 1;
    }
    table
}
static KEY_BYTES: [bool; 256] = key_bytes();

/// The first `key=value` pair of `rest` and what follows it; `None` when it is not one.
/// `value` is the raw inside of quotes (escapes kept).
fn pair(rest: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    // Byte loops, not memchr: keys and bare values are a few bytes, shorter than its set-up.
    // The key runs to the first `=`; any other byte outside a key's set makes no pair.
    let eq = rest.iter().position(|&b| !KEY_BYTES[usize::from(b)])?;
    if eq == 0 || rest[eq] != b'=' {
        return None;
    }
    let key = &rest[..eq];
    let after = &rest[eq + 1..];
    let (value, next) = match after.first() {
        Some(b'"') => {
            let end = closing_quote(&after[1..])?;
            (&after[1..1 + end], &after[end + 2..])
        }
        _ => {
            let end = after.iter().position(|&b| b == b' ').unwrap_or(after.len());
            (&after[..end], &after[end..])
        }
    };
    Some((key, value, next.trim_ascii_start()))
}

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
    cause: Slot<'a>,
}

/// The fields a key can fill, as [`Fields`] lists them.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Time,
    Level,
    Text,
    Status,
    Path,
    Client,
    Program,
    Host,
    Took,
    Cause,
}

/// The field `key` fills and its rank among that field's keys: where several keys of one
/// field are on a line, the lowest rank wins whatever their order (`time` over `ts`, `msg`
/// over `message`). One `match`, not a comparison with every key of every field (the keys
/// are listed again in the tests, which hold the two to the same answer).
#[inline]
fn role(key: &[u8]) -> Option<(Role, usize)> {
    use Role::*;
    Some(match key {
        b"time" => (Time, 0),
        b"ts" => (Time, 1),
        b"t" => (Time, 2),
        b"timestamp" => (Time, 3),
        b"@timestamp" => (Time, 4),
        b"level" => (Level, 0),
        b"lvl" => (Level, 1),
        b"severity" => (Level, 2),
        b"msg" => (Text, 0),
        b"message" => (Text, 1),
        b"status" => (Status, 0),
        b"status_code" => (Status, 1),
        b"path" => (Path, 0),
        b"uri" => (Path, 1),
        b"url" => (Path, 2),
        b"remote_addr" => (Client, 0),
        b"client_ip" => (Client, 1),
        b"fwd" => (Client, 2),
        b"ip" => (Client, 3),
        b"app" => (Program, 0),
        b"service" => (Program, 1),
        b"logger" => (Program, 2),
        b"component" => (Program, 3),
        b"host" => (Host, 0),
        b"hostname" => (Host, 1),
        b"duration" => (Took, 0),
        b"took" => (Took, 1),
        b"latency" => (Took, 2),
        b"elapsed" => (Took, 3),
        b"duration_ms" => (Took, 4),
        b"took_ms" => (Took, 5),
        b"err" => (Cause, 0),
        b"error" => (Cause, 1),
        b"exception" => (Cause, 2),
        _ => return None,
    })
}

impl<'a> Fields<'a> {
    fn slot(&mut self, role: Role) -> &mut Slot<'a> {
        match role {
            Role::Time => &mut self.time,
            Role::Level => &mut self.level,
            Role::Text => &mut self.text,
            Role::Status => &mut self.status,
            Role::Path => &mut self.path,
            Role::Client => &mut self.client,
            Role::Program => &mut self.program,
            Role::Host => &mut self.host,
            Role::Took => &mut self.took,
            Role::Cause => &mut self.cause,
        }
    }
}

/// The fields of a line; `None` when a token is not `key=value`.
fn fields(line: &[u8]) -> Option<Fields<'_>> {
    let mut f = Fields::default();
    let mut rest = line.trim_ascii();
    while !rest.is_empty() {
        let (key, value, next) = pair(rest)?;
        if let Some((role, rank)) = role(key) {
            let slot = f.slot(role);
            if slot.is_none_or(|(held, _)| rank < held) {
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
    let text = match value(f.cause) {
        // Go's slog and zerolog put what went wrong in `err`: `msg="quote failed"` alone
        // says only that something did.
        Some(cause) => Cow::Owned(
            with_cause(
                &String::from_utf8_lossy(text.unwrap_or(b"")),
                &String::from_utf8_lossy(cause),
            )
            .into_bytes(),
        ),
        None => Cow::Borrowed(text.unwrap_or(b"")),
    };
    Entry::Message(Message {
        when,
        verdict: Verdict::Given(failed),
        program: Some(Cow::Borrowed(value(f.program).unwrap_or(b""))),
        host: value(f.host).map(Cow::Borrowed),
        text,
        vocabulary: Vocabulary::Syslog,
        upstream: None,
        client: None,
        http,
    })
}

/// logfmt (`time=… level=error msg="…"`).
pub(crate) const SPEC: FormatSpec = FormatSpec {
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
