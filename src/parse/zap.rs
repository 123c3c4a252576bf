//! zap's console encoder (Go services using `go.uber.org/zap` in development mode, or
//! `zap.NewDevelopment`): tab-separated `time, LEVEL, [logger,] [caller,] message, [{fields}]`,
//! as in `2023-09-10T08:15:02.123Z\tERROR\tapi/server.go:88\tdb timeout\t{"path": "/x"}`.
//! A message with its level: error, dpanic, panic and fatal are errors. Read before syslog,
//! which would take the time and then the first word after it as a host.

use super::common::{is_error_level, rfc3339};
use super::entry::{Entry, Message, Verdict, When};
use super::spec::{Format, FormatSpec, Meaning};

const LEVELS: [&[u8]; 7] = [
    b"DEBUG", b"INFO", b"WARN", b"ERROR", b"DPANIC", b"PANIC", b"FATAL",
];

/// `file.go:88`: a caller field.
fn is_caller(field: &[u8]) -> bool {
    let Some(colon) = memchr::memrchr(b':', field) else {
        return false;
    };
    let (file, line) = (&field[..colon], &field[colon + 1..]);
    !line.is_empty()
        && line.iter().all(u8::is_ascii_digit)
        && memchr::memchr(b'.', file).is_some()
        && memchr::memchr(b' ', file).is_none()
}

/// What a zap console line says: when, the level, the message.
pub fn parse(line: &[u8]) -> Option<(When, &[u8], &[u8])> {
    let mut fields = line.split(|&b| b == b'\t');
    let (rest, (civil, offset)) = rfc3339(fields.next()?).ok()?;
    if !rest.is_empty() {
        return None;
    }
    let time = civil.with_offset(offset)?;
    let level = fields.next()?;
    if !LEVELS.iter().any(|l| l.eq_ignore_ascii_case(level)) {
        return None;
    }
    let mut message = fields.next()?;
    // An optional logger name, then an optional caller, before the message.
    for _ in 0..2 {
        let next_is_message = is_caller(message)
            || (message
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"._-/".contains(b))
                && fields.clone().next().is_some_and(is_caller));
        if !next_is_message {
            break;
        }
        match fields.next() {
            Some(m) => message = m,
            None => break,
        }
    }
    Some((
        When::Offset {
            time,
            offset_secs: offset,
        },
        level,
        message,
    ))
}

/// A zap console line, as an [`Entry`]; a line without a tab-separated time continues the
/// record before (a stack trace zap prints after an error).
pub fn read(line: &[u8]) -> Entry<'_> {
    let Some((when, level, text)) = parse(line) else {
        return Entry::Continuation;
    };
    Message::text_line(
        when,
        Verdict::Given(is_error_level(level) || level.eq_ignore_ascii_case(b"DPANIC")),
        None,
        text,
    )
}

/// zap's console encoder.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::ZapConsole,
    name: "zap console",
    meaning: Meaning::Messages,
    zone_less: false,
    every_line_has_offset: true,
    accepts: |line| parse(line).is_some(),
    read,
    documents: None,
};

#[cfg(test)]
mod tests;
