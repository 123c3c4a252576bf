//! Docker's `json-file` logs (`/var/lib/docker/containers/<id>/<id>-json.log`): one JSON object
//! a line, `{"log":"<the line, JSON-escaped>\n","stream":"stdout","time":"<RFC 3339 nano>"}`.
//! The wrapped line is read by its own format, as for CRI logs (an access log, JSON, logfmt, an
//! application log, else a plain message). A `log` without its final `\n` is a piece of a line
//! Docker split (over 16 KiB): a continuation, the last piece carries the record.
//!
//! The line must be unescaped before it is read (`\"` in every access log line), so the worker
//! reads these files through [`unescape`] into a buffer it reuses; [`read`] alone (sniffing)
//! reads a line without escapes in place.

use super::common::rfc3339;
use super::container::{plain_message, wrapped};
use super::entry::{Entry, When};
use super::spec::{Format, FormatSpec, Meaning};

/// The envelope of one record.
#[derive(Debug, PartialEq)]
pub(crate) struct Envelope<'a> {
    /// The `log` string as written (still escaped).
    pub escaped: &'a [u8],
    /// `stdout` or `stderr`.
    pub stream: &'static [u8],
    /// Docker's time.
    pub when: When,
}

/// The end of a JSON string body: the first unescaped quote.
fn string_end(body: &[u8]) -> Option<usize> {
    let mut at = 0;
    loop {
        let i = at + memchr::memchr2(b'"', b'\\', &body[at..])?;
        if body[i] == b'"' {
            return Some(i);
        }
        at = i + 2;
        if at > body.len() {
            return None;
        }
    }
}

/// Reads `{"log":"…","stream":"…","time":"…"}` (other keys, such as `attrs`, are passed over),
/// also as a shipper or `jq` writes it again: spaces around `:` and after `,`.
pub(crate) fn envelope(line: &[u8]) -> Option<Envelope<'_>> {
    let body = string_after_key(line.strip_prefix(b"{")?.trim_ascii_start(), b"\"log\"")?;
    let end = string_end(body)?;
    let (escaped, rest) = (&body[..end], &body[end + 1..]);
    let stream_at = memchr::memmem::find(rest, b"\"stream\"")?;
    let stream: &'static [u8] = match string_after_key(&rest[stream_at..], b"\"stream\"")? {
        [b's', b't', b'd', b'e', b'r', b'r', b'"', ..] => b"stderr",
        [b's', b't', b'd', b'o', b'u', b't', b'"', ..] => b"stdout",
        _ => return None,
    };
    let time_at = memchr::memmem::find(rest, b"\"time\"")?;
    let time = string_after_key(&rest[time_at..], b"\"time\"")?;
    let (_, (civil, offset)) = rfc3339(time).ok()?;
    let time = civil.with_offset(offset)?;
    Some(Envelope {
        escaped,
        stream,
        when: When::Offset {
            time,
            offset_secs: offset,
        },
    })
}

/// What follows `"key"` then `:` and the opening quote of a string, spaces allowed between.
fn string_after_key<'a>(text: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let rest = text.strip_prefix(key)?.trim_ascii_start();
    rest.strip_prefix(b":")?
        .trim_ascii_start()
        .strip_prefix(b"\"")
}

/// Unescapes a JSON string body into `out` (cleared first); `None` on a broken escape.
pub(crate) fn unescape(escaped: &[u8], out: &mut Vec<u8>) -> Option<()> {
    out.clear();
    let mut rest = escaped;
    while let Some(i) = memchr::memchr(b'\\', rest) {
        out.extend_from_slice(&rest[..i]);
        let code = *rest.get(i + 1)?;
        rest = &rest[i + 2..];
        match code {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'u' => {
                let hex =
                    |s: &[u8]| u32::from_str_radix(std::str::from_utf8(s.get(..4)?).ok()?, 16).ok();
                let mut c = hex(rest)?;
                rest = &rest[4..];
                if (0xD800..0xDC00).contains(&c) && rest.starts_with(b"\\u") {
                    let low = hex(&rest[2..])?;
                    c = 0x10000 + ((c - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF);
                    rest = &rest[6..];
                }
                let ch = char::from_u32(c).unwrap_or('\u{FFFD}');
                let mut utf8 = [0; 4];
                out.extend_from_slice(ch.encode_utf8(&mut utf8).as_bytes());
            }
            other => out.push(other),
        }
    }
    out.extend_from_slice(rest);
    Some(())
}

/// The record's line (unescaped), read by its own format.
pub(crate) fn read_record<'b>(env: &Envelope<'_>, line: &'b [u8]) -> Entry<'b> {
    let Some(line) = line.strip_suffix(b"\n") else {
        return Entry::Continuation;
    };
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.trim_ascii().is_empty() {
        return Entry::Marker;
    }
    wrapped(line, env.when, env.stream)
}

/// A line read in place (sniffing): a record without escapes but its final `\n` is read by its
/// own format; one with escapes as a plain message at Docker's time.
pub fn read(line: &[u8]) -> Entry<'_> {
    let Some(env) = envelope(line) else {
        return Entry::Unreadable("not a Docker json-file log line");
    };
    let Some(inner) = env.escaped.strip_suffix(b"\\n") else {
        return Entry::Continuation;
    };
    if memchr::memchr(b'\\', inner).is_some() {
        return plain_message(inner, env.when, env.stream);
    }
    match inner.trim_ascii().is_empty() {
        true => Entry::Marker,
        false => wrapped(inner, env.when, env.stream),
    }
}

/// Docker's json-file container logs.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::DockerJson,
    name: "container log (Docker json-file)",
    meaning: Meaning::MaybeRequests,
    zone_less: false,
    every_line_has_offset: false,
    accepts: |line| envelope(line).is_some(),
    read,
    documents: None,
};

#[cfg(test)]
mod tests;
