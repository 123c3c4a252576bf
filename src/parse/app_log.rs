//! The "timestamp, level, message" shape most application loggers write: log4j and logback
//! patterns, Spring Boot, Python's `logging`, Go's `log` package. The time comes first (ISO
//! date, `T` or a space, `,` or `.` fractions, an optional offset, optionally in brackets);
//! the level is one of the next few words; the message follows. A line that does not start
//! with a time continues the record above (stack traces, `Caused by:`, tracebacks). Rarer
//! leading times (TAI64N, `yy/MM/dd`, ordinal dates, `date(1)`) are in [`stamps`]; oVirt's
//! vdsm writes the thread and level first (`MainThread::INFO::2011-12-05 07:04:56,101::`).

use super::common::{civil_parts, clock, date, is_error_level, utc_offset};
use super::entry::{Entry, Message, Verdict, When};
use super::spec::{Format, FormatSpec, Meaning};

/// Words a level is written as (which of them are failures: [`is_error_level`]).
const LEVELS: [&[u8]; 20] = [
    b"ERROR",
    b"EMERGENCY",
    b"ERR",
    b"FATAL",
    b"CRITICAL",
    b"CRIT",
    b"SEVERE",
    b"PANIC",
    b"ALERT",
    b"EMERG",
    b"WARN",
    b"WARNING",
    b"NOTICE",
    b"INFO",
    b"DEBUG",
    b"TRACE",
    b"FINE",
    b"FINER",
    b"FINEST",
    b"CONFIG",
];

/// How many words after the time the level may be (`[main] ERROR`, `- app - ERROR`).
const LEVEL_WITHIN: usize = 4;

fn is_separator(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b':' | b'-' | b'|' | b'[' | b']' | b'(' | b')'
    )
}

/// The leading time: `2023-09-10 08:15:02,123`, `2023-09-10T08:15:02.123+02:00`,
/// `[2023-09-10 08:15:02]`, `2023/09/10 08:15:02`. Returns the rest of the line.
fn time(line: &[u8]) -> Option<(&[u8], When)> {
    if let Some(epoch) = epoch_millis(line) {
        return Some(epoch);
    }
    let body = line.strip_prefix(b"[").unwrap_or(line);
    let sep = *body.get(4)?;
    // The rarer shapes only unbracketed: `[Sun Sep 10 10:15:11.123456 2023]` is Apache's.
    if sep != b'-' && sep != b'/' {
        return stamps::leading(line);
    }
    let Ok((rest, ymd)) = date(sep)(body) else {
        return stamps::leading(line);
    };
    let rest = match rest.first() {
        Some(b'T') | Some(b' ') => &rest[1..],
        _ => return None,
    };
    let (rest, hms) = clock(rest).ok()?;
    let civil = civil_parts(ymd, hms);
    if !civil.is_valid() {
        return None;
    }
    // An offset only directly after the clock (` -` is a separator, not a zone).
    match utc_offset(rest) {
        Ok((rest, offset)) => {
            let time = civil.with_offset(offset)?;
            Some((
                rest,
                When::Offset {
                    time,
                    offset_secs: offset,
                },
            ))
        }
        Err(_) => Some((rest, When::Local(civil))),
    }
}

/// A leading Unix time in milliseconds and a space (`1428634687123 Hello, World!`): thirteen
/// digits, so a count or an id at the head of a line is not taken for a time.
fn epoch_millis(line: &[u8]) -> Option<(&[u8], When)> {
    let digits = line.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits != 13 || line.get(13) != Some(&b' ') {
        return None;
    }
    let millis: i64 = std::str::from_utf8(&line[..13]).ok()?.parse().ok()?;
    Some((&line[14..], When::Utc(millis * 1_000)))
}

/// The level among the first words after the time, and the message after it. Upper case
/// anywhere in the first few words (`[main] ERROR`); lower case only as the first word
/// (zap's `info`), so "http: TLS handshake error" is not a level. A bracketed group
/// (`[http-nio-8080-exec-3]`) is one word.
fn level_and_message(rest: &[u8]) -> Option<(bool, &[u8])> {
    let mut at = 0;
    for n in 0..LEVEL_WITHIN {
        while at < rest.len() && is_separator(rest[at]) && rest[at] != b'[' {
            at += 1;
        }
        if rest.get(at) == Some(&b'[') {
            at += memchr::memchr(b']', &rest[at..])? + 1;
            continue;
        }
        let end = rest[at..]
            .iter()
            .position(|&b| is_separator(b))
            .map_or(rest.len(), |i| at + i);
        let word = &rest[at..end];
        if word.is_empty() {
            return None;
        }
        // Monolog (Laravel, Symfony) writes `channel.LEVEL:`.
        let word = match memchr::memrchr(b'.', word) {
            Some(dot) if n == 0 && dot > 0 => &word[dot + 1..],
            _ => word,
        };
        let is_level = LEVELS
            .iter()
            .any(|l| *l == word || (n == 0 && word.eq_ignore_ascii_case(l)));
        if is_level {
            let message = &rest[end..];
            let skip = message.iter().take_while(|&&b| is_separator(b)).count();
            return Some((is_error_level(word), &message[skip..]));
        }
        at = end;
    }
    None
}

/// vdsm's `MainThread::ERROR::2011-12-05 07:04:56,300::vdsm::74::vds::(run) message`: the
/// thread, the level and the time between `::`. Returns the time, whether the level is a
/// failure, and the rest after the time.
fn thread_level_time(line: &[u8]) -> Option<(When, bool, &[u8])> {
    const THREAD_NAME_WITHIN: usize = 64;
    let head = &line[..line.len().min(THREAD_NAME_WITHIN)];
    let first = memchr::memmem::find(head, b"::")?;
    if first == 0 || line[..first].contains(&b' ') {
        return None;
    }
    let after = &line[first + 2..];
    let level_end = memchr::memmem::find(&after[..after.len().min(12)], b"::")?;
    let level = &after[..level_end];
    if !LEVELS.contains(&level) {
        return None;
    }
    let (rest, when) = time(&after[level_end + 2..])?;
    Some((when, is_error_level(level), rest.strip_prefix(b"::")?))
}

/// An application log's line, as an [`Entry`].
pub fn read(line: &[u8]) -> Entry<'_> {
    let Some((rest, when)) = time(line) else {
        return match thread_level_time(line) {
            Some((when, failed, text)) => {
                Message::text_line(when, Verdict::Given(failed), None, text)
            }
            None => Entry::Continuation,
        };
    };
    let (verdict, text) = match level_and_message(rest) {
        Some((failed, message)) => (Verdict::Given(failed), message),
        // Go's `log` package writes no level: the words decide.
        None => (Verdict::ByWords(None), rest.trim_ascii_start()),
    };
    Message::text_line(when, verdict, None, text)
}

/// Application logs: "timestamp, level, message".
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::AppLog,
    name: "application log",
    meaning: Meaning::Messages,
    zone_less: true,
    every_line_has_offset: false,
    accepts: |line| time(line).is_some() || thread_level_time(line).is_some(),
    read,
    documents: None,
};

mod stamps;

#[cfg(test)]
mod tests;
