//! Database servers' own logs: PostgreSQL's (`log_line_prefix = '%m [%p] '`, the default since
//! 10: `2023-09-10 08:15:02.123 UTC [812] ERROR:  relation "x" does not exist`) and MySQL's
//! error log (8.0: `2023-09-10T08:15:02.123456Z 0 [ERROR] [MY-010119] [Server] Aborting`; 5.7
//! without the code and subsystem; 5.6 with a space-separated local time). Each line is a
//! message with its level: PostgreSQL's ERROR, FATAL and PANIC, MySQL's ERROR, are errors.
//! PostgreSQL's continuation lines (`DETAIL:`, `STATEMENT:` with their own prefix, or
//! indented query text) belong to the record before.
//!
//! PostgreSQL names its zone by abbreviation (`PDT`, `CEST`): the common ones are read as
//! their offsets; another is left zone-less and placed like every zone-less line.

use super::common::{civil_of, clock, date, utc_offset};
use super::entry::{Entry, Message, Verdict, When};
use super::spec::{Format, FormatSpec, Meaning};

/// Zone abbreviations PostgreSQL writes, as offsets in seconds. Ambiguous ones (`IST`, `CST`
/// in China) are read as their most common meaning in server logs.
const ABBREVIATIONS: [(&[u8], i32); 28] = [
    (b"UTC", 0),
    (b"GMT", 0),
    (b"WET", 0),
    (b"WEST", 3600),
    (b"BST", 3600),
    (b"CET", 3600),
    (b"CEST", 7200),
    (b"EET", 7200),
    (b"EEST", 10800),
    (b"MSK", 10800),
    (b"IST", 19800),
    (b"SGT", 28800),
    (b"HKT", 28800),
    (b"AWST", 28800),
    (b"JST", 32400),
    (b"KST", 32400),
    (b"AEST", 36000),
    (b"AEDT", 39600),
    (b"NZST", 43200),
    (b"NZDT", 46800),
    (b"EST", -18000),
    (b"EDT", -14400),
    (b"CST", -21600),
    (b"CDT", -18000),
    (b"MST", -25200),
    (b"MDT", -21600),
    (b"PST", -28800),
    (b"PDT", -25200),
];

fn abbreviation(word: &[u8]) -> Option<i32> {
    ABBREVIATIONS
        .iter()
        .find(|(name, _)| *name == word)
        .map(|&(_, offset)| offset)
}

/// `2023-09-10 08:15:02[.123] ZONE`: the time, placed by its zone when the zone is known.
fn pg_time(line: &[u8]) -> Option<(&[u8], When)> {
    let (rest, ymd) = date(b'-')(line).ok()?;
    let rest = rest.strip_prefix(b" ")?;
    let (rest, hms) = clock(rest).ok()?;
    let civil = civil_of(ymd, hms)?;
    let rest = rest.strip_prefix(b" ")?;
    let end = rest.iter().position(|&b| b == b' ')?;
    let zone = &rest[..end];
    let offset = abbreviation(zone).or_else(|| {
        let (tail, o) = utc_offset(zone).ok()?;
        tail.is_empty().then_some(o)
    });
    let when = match offset.and_then(|o| Some((civil.with_offset(o)?, o))) {
        Some((time, offset_secs)) => When::Offset { time, offset_secs },
        None if zone.iter().all(u8::is_ascii_alphabetic) => When::Local(civil),
        None => return None,
    };
    Some((&rest[end + 1..], when))
}

const PG_LEVELS: [&[u8]; 13] = [
    b"DEBUG1",
    b"DEBUG2",
    b"DEBUG3",
    b"DEBUG4",
    b"DEBUG5",
    b"INFO",
    b"NOTICE",
    b"WARNING",
    b"ERROR",
    b"LOG",
    b"FATAL",
    b"PANIC",
    b"STATEMENT",
];

/// What a PostgreSQL line says.
#[derive(Debug, PartialEq)]
pub struct PgLine<'a> {
    /// When, placed by its zone when the zone is known.
    pub when: When,
    /// `812`, or `812-1` with `%l`.
    pub pid: &'a [u8],
    /// `ERROR`, `LOG`, `STATEMENT`…
    pub level: &'a [u8],
    /// The message.
    pub text: &'a [u8],
}

/// Reads a PostgreSQL log line.
pub fn parse_postgres(line: &[u8]) -> Option<PgLine<'_>> {
    let (rest, when) = pg_time(line)?;
    let rest = rest.strip_prefix(b"[")?;
    let close = memchr::memchr(b']', rest)?;
    let pid = &rest[..close];
    if pid.is_empty() || !pid.iter().all(|b| b.is_ascii_digit() || *b == b'-') {
        return None;
    }
    // `[812] user@db LOG:`, `[812-1] LOG:`: the level is the word before the first `:  `.
    let rest = &rest[close + 1..];
    let colon = memchr::memmem::find(rest, b":  ")?;
    let level = rest[..colon].rsplit(|&b| b == b' ').next()?;
    let known =
        PG_LEVELS.contains(&level) || matches!(level, b"DETAIL" | b"HINT" | b"CONTEXT" | b"QUERY");
    known.then(|| PgLine {
        when,
        pid,
        level,
        text: &rest[colon + 3..],
    })
}

/// A PostgreSQL log line, as an [`Entry`].
pub fn read_postgres(line: &[u8]) -> Entry<'_> {
    let Some(PgLine {
        when, level, text, ..
    }) = parse_postgres(line)
    else {
        return match line.first() {
            Some(b'\t' | b' ') => Entry::Continuation,
            _ => Entry::Unreadable("not a PostgreSQL log line"),
        };
    };
    if matches!(
        level,
        b"DETAIL" | b"HINT" | b"CONTEXT" | b"QUERY" | b"STATEMENT"
    ) {
        return Entry::Continuation;
    }
    Message::text_line(
        when,
        Verdict::Given(matches!(level, b"ERROR" | b"FATAL" | b"PANIC")),
        Some(b"postgres"),
        text,
    )
}

/// What a MySQL error log line says: when, the level, the message.
pub fn parse_mysql(line: &[u8]) -> Option<(When, &[u8], &[u8])> {
    let (rest, ymd) = date(b'-')(line).ok()?;
    let (rest, local) = match rest.first() {
        Some(b'T') => (&rest[1..], false),
        Some(b' ') => (&rest[1..], true),
        _ => return None,
    };
    let (rest, hms) = clock(rest).ok()?;
    let civil = civil_of(ymd, hms)?;
    let (rest, when) = match (local, utc_offset(rest)) {
        (false, Ok((r, o))) => (
            r,
            When::Offset {
                time: civil.with_offset(o)?,
                offset_secs: o,
            },
        ),
        _ => (rest, When::Local(civil)),
    };
    let rest = rest.strip_prefix(b" ")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let rest = rest[digits..].strip_prefix(b" ")?;
    let rest = rest.strip_prefix(b"[")?;
    let close = memchr::memchr(b']', rest)?;
    let level = &rest[..close];
    let known = [&b"ERROR"[..], b"Warning", b"Note", b"System", b"Warn"]
        .iter()
        .any(|l| level.eq_ignore_ascii_case(l));
    if !known {
        return None;
    }
    let mut text = rest[close + 1..].trim_ascii_start();
    // 8.0: `[MY-010119] [Server] ` before the message.
    for _ in 0..2 {
        if let Some(t) = text.strip_prefix(b"[")
            && let Some(c) = memchr::memchr(b']', t)
        {
            text = t[c + 1..].trim_ascii_start();
        }
    }
    Some((when, level, text))
}

/// A MySQL error log line, as an [`Entry`].
pub fn read_mysql(line: &[u8]) -> Entry<'_> {
    let Some((when, level, text)) = parse_mysql(line) else {
        return Entry::Continuation;
    };
    Message::text_line(
        when,
        Verdict::Given(level.eq_ignore_ascii_case(b"ERROR")),
        Some(b"mysqld"),
        text,
    )
}

/// PostgreSQL server logs.
pub const POSTGRES: FormatSpec = FormatSpec {
    format: Format::Postgres,
    name: "postgresql",
    meaning: Meaning::Messages,
    zone_less: true,
    every_line_has_offset: false,
    accepts: |line| parse_postgres(line).is_some(),
    read: read_postgres,
    documents: None,
};

/// MySQL and MariaDB error logs.
pub const MYSQL: FormatSpec = FormatSpec {
    format: Format::Mysql,
    name: "mysql error log",
    meaning: Meaning::Messages,
    zone_less: true,
    every_line_has_offset: false,
    accepts: |line| parse_mysql(line).is_some(),
    read: read_mysql,
    documents: None,
};

#[cfg(test)]
mod tests;
