//! `docker compose logs` output saved to a file: `web-1  | <line>` (compose v2; `web_1` in v1),
//! with `--timestamps` a Docker time after the bar, and the prefix coloured when compose wrote
//! to a terminal (`--ansi always`). The wrapped line is read by its own format, as for container
//! logs; a line no format reads is a message of its service at compose's time, or, when
//! compose wrote no time, part of the record before it (a Flask banner, a stack trace).

use super::common::rfc3339;
use super::container;
use super::entry::{Entry, Message, Verdict, When};
use super::spec::{Format, FormatSpec, Meaning};

/// What a compose line says.
#[derive(Debug, PartialEq)]
pub struct ComposeLine<'a> {
    /// `web-1`.
    pub service: &'a [u8],
    /// Compose's own time (`--timestamps`).
    pub when: Option<When>,
    /// The container's line.
    pub line: &'a [u8],
}

/// Skips the colour sequences (`ESC [ … m`) compose puts around its prefix.
fn skip_ansi(mut s: &[u8]) -> &[u8] {
    while let Some(rest) = s.strip_prefix(b"\x1b[") {
        let end = rest.iter().position(|b| b.is_ascii_alphabetic());
        match end {
            Some(e) => s = &rest[e + 1..],
            None => return s,
        }
    }
    s
}

/// Reads `service  | line` (the service name, padded, then ` | `).
pub fn parse(line: &[u8]) -> Option<ComposeLine<'_>> {
    let line = skip_ansi(line);
    let bar = memchr::memmem::find(line, b" | ").or_else(|| {
        // A blank container line: `web-1  |` and nothing after.
        line.ends_with(b" |").then(|| line.len() - 2)
    })?;
    let head = &line[..bar];
    let service = head.trim_ascii_end();
    // Compose pads names to one width: a service is one token, with its replica number
    // (`web-1`), or a container's own name (`container_name: caddy`), which compose writes
    // without one; service names are lowercase.
    let token = !service.is_empty()
        && service.len() <= 64
        && service
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b));
    let indexed = service
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count()
        > 0
        && matches!(
            service.iter().rev().find(|b| !b.is_ascii_digit()),
            Some(b'-' | b'_')
        );
    let named = service.first().is_some_and(u8::is_ascii_lowercase)
        && !service.iter().any(u8::is_ascii_uppercase);
    if !token || !(indexed || named) {
        return None;
    }
    let rest = line.get(bar + 3..).unwrap_or(b"");
    let rest = skip_ansi(rest);
    let (when, inner) = match rfc3339(rest) {
        Ok((after, (civil, offset))) => {
            let time = civil.with_offset(offset)?;
            let when = When::Offset {
                time,
                offset_secs: offset,
            };
            (Some(when), after.strip_prefix(b" ").unwrap_or(after))
        }
        Err(_) => (None, rest),
    };
    Some(ComposeLine {
        service,
        when,
        line: inner,
    })
}

/// A line of `docker compose logs`, as an [`Entry`].
pub fn read(line: &[u8]) -> Entry<'_> {
    let Some(c) = parse(line) else {
        return Entry::Unreadable("not a docker compose logs line");
    };
    if c.line.trim_ascii().is_empty() {
        return Entry::Marker;
    }
    if let Some(entry) = container::by_its_format(c.line) {
        return match c.when {
            Some(when) => container::placed_request(entry, when),
            None => entry,
        };
    }
    match c.when {
        // No format read it: the service's message at compose's time.
        Some(when) => Message::text_line(when, Verdict::ByWords(None), Some(c.service), c.line),
        // No time of its own (compose without --timestamps, a program that writes none):
        // it goes with the line before it, as a record's continuation does.
        None => Entry::Continuation,
    }
}

/// `docker compose logs` output.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::Compose,
    name: "docker compose logs",
    meaning: Meaning::MaybeRequests,
    zone_less: false,
    every_line_has_offset: false,
    accepts: |line| parse(line).is_some(),
    read,
    documents: None,
};

#[cfg(test)]
mod tests;
