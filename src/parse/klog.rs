//! klog and glog, the Kubernetes components' and Go services' log format:
//! `E0910 08:15:02.118239    1234 server.go:123] message`, a severity letter (Info, Warning,
//! Error, Fatal), month and day, the time to microseconds, the thread, the source line.
//! No year is written: the year rules apply, as for classic syslog; no zone either (the host's
//! local time), so files are placed like every zone-less format.

use super::common::{clock, fixed_digits};
use super::entry::{Entry, Message, Verdict, When};
use super::spec::{Format, FormatSpec, Meaning};
use crate::time::Civil;

/// What a klog line says.
#[derive(Debug, PartialEq)]
pub struct KlogLine<'a> {
    /// `I`, `W`, `E` or `F`.
    pub severity: u8,
    /// Month, day and time; the year is 0 (unwritten).
    pub civil: Civil,
    /// `server.go:123`.
    pub source: &'a [u8],
    /// The message.
    pub message: &'a [u8],
}

/// Reads a klog or glog line.
pub fn parse(line: &[u8]) -> Option<KlogLine<'_>> {
    let (&severity, rest) = line.split_first()?;
    if !matches!(severity, b'I' | b'W' | b'E' | b'F') {
        return None;
    }
    let (rest, month) = fixed_digits(2)(rest).ok()?;
    let (rest, day) = fixed_digits(2)(rest).ok()?;
    let rest = rest.strip_prefix(b" ")?;
    let (rest, (hour, minute, second, micros)) = clock(rest).ok()?;
    let rest = rest.trim_ascii_start();
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let rest = rest[digits..].strip_prefix(b" ")?;
    let close = memchr::memchr(b']', rest)?;
    let source = &rest[..close];
    if memchr::memchr(b':', source).is_none() || memchr::memchr(b' ', source).is_some() {
        return None;
    }
    let message = rest[close + 1..]
        .strip_prefix(b" ")
        .unwrap_or(&rest[close + 1..]);
    let civil = super::common::civil_parts((0, month, day), (hour, minute, second, micros));
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second < 61;
    valid.then_some(KlogLine {
        severity,
        civil,
        source,
        message,
    })
}

/// A line of a klog log, as an [`Entry`]: a message, an error at `E` and `F`.
pub fn read(line: &[u8]) -> Entry<'_> {
    let Some(k) = parse(line) else {
        // Continuation of a multi-line message (a stack dump after `F…`).
        return match line.first() {
            Some(b' ' | b'\t') | Some(b'g') => Entry::Continuation,
            _ => Entry::Unreadable("not a klog line"),
        };
    };
    Message::text_line(
        When::YearLess(k.civil),
        Verdict::Given(matches!(k.severity, b'E' | b'F')),
        None,
        k.message,
    )
}

/// klog/glog logs.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::Klog,
    name: "klog",
    meaning: Meaning::Messages,
    zone_less: true,
    every_line_has_offset: false,
    accepts: |line| parse(line).is_some(),
    read,
    documents: None,
};

#[cfg(test)]
mod tests;
