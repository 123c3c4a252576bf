//! logfmt: `key=value` pairs, values bare or double-quoted, as Go services write them
//! (go-kit, logrus's text formatter, Heroku's router). A line is a record when it has a time
//! (`time`, `ts`, `t`, `timestamp`) and a level or a message; `status` with a path or a
//! client makes it a request too.

use std::borrow::Cow;

use super::common::{local_date_time, rfc3339};
use super::entry::{Entry, Http, Message, Verdict, Vocabulary, When};
use super::spec::{Format, FormatSpec, Meaning};

/// One `key=value` pair; `value` is the raw inside of quotes (escapes kept).
type Pair<'a> = (&'a [u8], &'a [u8]);

/// The pairs of a line, in order; `None` when a token is not `key=value`.
fn pairs(line: &[u8]) -> Option<Vec<Pair<'_>>> {
    let mut out = Vec::new();
    let mut rest = line.trim_ascii();
    while !rest.is_empty() {
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
        out.push((key, value));
        rest = next.trim_ascii_start();
    }
    Some(out)
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

fn get<'a>(pairs: &[Pair<'a>], keys: &[&[u8]]) -> Option<&'a [u8]> {
    keys.iter()
        .find_map(|k| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| *v))
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

/// Level words that mean a failure (`err`, `error`, `fatal`, `crit`…), any case.
pub fn is_error_level(level: &[u8]) -> bool {
    const ERRORS: [&[u8]; 10] = [
        b"error",
        b"err",
        b"fatal",
        b"critical",
        b"crit",
        b"panic",
        b"alert",
        b"emerg",
        b"emergency",
        b"severe",
    ];
    ERRORS.iter().any(|e| level.eq_ignore_ascii_case(e))
}

/// A logfmt line, as an [`Entry`].
pub fn read(line: &[u8]) -> Entry<'_> {
    let Some(pairs) = pairs(line) else {
        return Entry::Unreadable("not a logfmt line (key=value pairs)");
    };
    let time = get(&pairs, &[b"time", b"ts", b"t", b"timestamp", b"@timestamp"]).and_then(when);
    let level = get(&pairs, &[b"level", b"lvl", b"severity"]);
    let text = get(&pairs, &[b"msg", b"message"]);
    let (Some(when), true) = (time, level.is_some() || text.is_some()) else {
        return Entry::Unreadable("a logfmt line without a time, a level or a message");
    };
    let status = get(&pairs, &[b"status", b"status_code"])
        .and_then(|s| std::str::from_utf8(s).ok()?.parse::<u16>().ok())
        .filter(|s| (100..600).contains(s));
    let path = get(&pairs, &[b"path", b"uri", b"url"]);
    let client = get(&pairs, &[b"remote_addr", b"client_ip", b"fwd", b"ip"]);
    let http = status
        .filter(|_| path.is_some() || client.is_some())
        .map(|status| Http {
            status,
            client: client.map(Cow::Borrowed),
            path: path.map(Cow::Borrowed),
        });
    let failed =
        level.is_some_and(is_error_level) || http.as_ref().is_some_and(|h| h.status >= 500);
    Entry::Message(Message {
        when,
        verdict: Verdict::Given(failed),
        program: Some(Cow::Borrowed(
            get(&pairs, &[b"app", b"service", b"logger", b"component"]).unwrap_or(b""),
        )),
        host: get(&pairs, &[b"host", b"hostname"]).map(Cow::Borrowed),
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
};

#[cfg(test)]
mod tests;
