//! Container logs as the kubelet writes them (CRI: `<RFC 3339 nano> stdout|stderr F|P <line>`,
//! under `/var/log/pods/<namespace>_<pod>_<uid>/<container>/0.log`). The wrapped line is read
//! by its own format (an access log, JSON, logfmt, an application log); a line no format reads
//! is a message at the kubelet's time, judged by its words. Partial lines (`P`, the kubelet
//! splits lines over 16 KiB) count as continuations: the final piece carries the record.

use super::common::rfc3339;
use super::entry::{Entry, Message, Verdict, When};
use super::spec::{Format, FormatSpec, Meaning};
use super::{app_log, envoy, haproxy, jsonl, logfmt, nginx_access, redis};

/// The kubelet's time, the stream, whether the line is whole, and the line.
fn cri(line: &[u8]) -> Option<(When, &'static [u8], bool, &[u8])> {
    let (rest, (civil, offset)) = rfc3339(line).ok()?;
    let time = civil.with_offset(offset)?;
    let rest = rest.strip_prefix(b" ")?;
    let (stream, rest) = if let Some(r) = rest.strip_prefix(b"stdout ") {
        (b"stdout".as_slice(), r)
    } else {
        (b"stderr".as_slice(), rest.strip_prefix(b"stderr ")?)
    };
    let (whole, inner) = match rest {
        [b'F', b' ', inner @ ..] => (true, inner),
        [b'P', b' ', inner @ ..] => (false, inner),
        [b'F'] => (true, &b""[..]),
        _ => return None,
    };
    let when = When::Offset {
        time,
        offset_secs: offset,
    };
    Some((when, stream, whole, inner))
}

/// The wrapped line, read by the first format that reads it, else a plain message.
pub(crate) fn wrapped<'a>(inner: &'a [u8], when: When, stream: &'static [u8]) -> Entry<'a> {
    match by_its_format(inner) {
        Some(entry) => placed_request(entry, when),
        None => plain_message(inner, when, stream),
    }
}

/// A request whose own time has no zone (HAProxy's) takes the wrapper's instant, which
/// has one; everything else keeps its own time.
pub(crate) fn placed_request(entry: Entry<'_>, wrapper: When) -> Entry<'_> {
    match entry {
        Entry::Request(mut r) if matches!(r.when, When::Local(_) | When::YearLess(_)) => {
            r.when = wrapper;
            Entry::Request(r)
        }
        other => other,
    }
}

/// A wrapped line as its own format reads it (a proxy's request, an access log, JSON,
/// logfmt, an application log); `None` when none does.
pub(crate) fn by_its_format(inner: &[u8]) -> Option<Entry<'_>> {
    // Proxies first, and only their requests: HAProxy's line holds an access log's
    // bracketed time, and its reader would take any syslog line as a notice.
    // Each proxy is tried only on lines shaped like its own, so other wrapped lines pay a
    // byte comparison or two, not a parse.
    let proxy: Option<fn(&[u8]) -> Entry<'_>> = match inner.first() {
        Some(b'[') => Some(envoy::read),
        _ if haproxy_shaped(inner) => Some(haproxy::read),
        _ => None,
    };
    if let Some(entry) = proxy.map(|read| read(inner))
        && matches!(entry, Entry::Request(_))
    {
        return Some(entry);
    }
    let readers: [fn(&[u8]) -> Entry<'_>; 4] = [
        nginx_access::read,
        jsonl::read_json_line,
        logfmt::read,
        redis::read,
    ];
    for read in readers {
        let entry = read(inner);
        if matches!(entry, Entry::Request(_) | Entry::Message(_)) {
            return Some(entry);
        }
    }
    match app_log::read(inner) {
        Entry::Message(m) => Some(Entry::Message(m)),
        _ => None,
    }
}

/// HAProxy's line as a container writes it (`log stdout format raw`): `198.51.100.7:40001
/// [10/Sep/2023:08:15:02.000] …`, the client's address and port, then the accept time.
fn haproxy_shaped(line: &[u8]) -> bool {
    let first = memchr::memchr(b' ', line).map_or(line, |space| &line[..space]);
    first.contains(&b':') && line.get(first.len()..first.len() + 2) == Some(b" [")
}

/// A container's line no format reads: a message at the runtime's time, judged by its words.
pub(crate) fn plain_message<'a>(inner: &'a [u8], when: When, stream: &'static [u8]) -> Entry<'a> {
    Message::text_line(when, Verdict::ByWords(None), Some(stream), inner)
}

/// A line of a CRI container log, as an [`Entry`].
pub(crate) fn read_cri(line: &[u8]) -> Entry<'_> {
    match cri(line) {
        None => Entry::Unreadable("not a CRI container log line"),
        Some((_, _, false, _)) => Entry::Continuation,
        Some((_, _, true, inner)) if inner.trim_ascii().is_empty() => Entry::Marker,
        Some((when, stream, true, inner)) => {
            let stream: &'static [u8] = if stream == b"stdout" {
                b"stdout"
            } else {
                b"stderr"
            };
            wrapped(inner, when, stream)
        }
    }
}

/// Container logs as the kubelet writes them (CRI).
pub const CRI: FormatSpec = FormatSpec {
    format: Format::Cri,
    name: "container log (CRI)",
    meaning: Meaning::MaybeRequests,
    zone_less: false,
    every_line_has_offset: false,
    accepts: |line| cri(line).is_some(),
    read: read_cri,
    documents: None,
};

#[cfg(test)]
mod tests;
