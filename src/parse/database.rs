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

use super::common::{civil_of, clock, date, fixed_digits, utc_offset};
use super::entry::{Entry, Message, Verdict, When};
use super::spec::{Format, FormatSpec, Meaning};
use super::zone_names;

/// `2023-09-10 08:15:02[.123] ZONE`: the time, placed by its zone when the zone is known.
fn pg_time(line: &[u8]) -> Option<(&[u8], When)> {
    let (rest, ymd) = date(b'-')(line).ok()?;
    let rest = rest.strip_prefix(b" ")?;
    let (rest, hms) = clock(rest).ok()?;
    let civil = civil_of(ymd, hms)?;
    let rest = rest.strip_prefix(b" ")?;
    let end = rest.iter().position(|&b| b == b' ')?;
    let zone = &rest[..end];
    let offset = zone_names::offset(zone).or_else(|| {
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
pub(crate) struct PgLine<'a> {
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
pub(crate) fn parse_postgres(line: &[u8]) -> Option<PgLine<'_>> {
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
pub(crate) fn read_postgres(line: &[u8]) -> Entry<'_> {
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

/// MySQL's leading time: `2023-09-10T08:15:02.123456Z` (8.0, 5.7) or `2023-09-10 08:15:02`
/// (5.6, local). Returns the time and the rest.
fn parse_mysql_time(line: &[u8]) -> Option<(When, &[u8])> {
    let (rest, ymd) = date(b'-')(line).ok()?;
    let (rest, local) = match rest.first() {
        Some(b'T') => (&rest[1..], false),
        Some(b' ') => (&rest[1..], true),
        _ => return None,
    };
    let (rest, hms) = clock(rest).ok()?;
    let civil = civil_of(ymd, hms)?;
    Some(match (local, utc_offset(rest)) {
        (false, Ok((r, o))) => (
            When::Offset {
                time: civil.with_offset(o)?,
                offset_secs: o,
            },
            r,
        ),
        _ => (When::Local(civil), rest),
    })
}

/// What a MySQL error log line says: when, the level, the message.
pub(crate) fn parse_mysql(line: &[u8]) -> Option<(When, &[u8], &[u8])> {
    let (when, rest) = parse_mysql_time(line)?;
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

/// The `# Time:` line that opens each entry of MySQL's slow query log: `# Time:
/// 2021-01-26T23:45:57.678222Z` (5.7 and later, UTC by default) or `# Time: 210126 23:45:57`
/// (5.6 and MariaDB, the server's local time).
fn slow_query_time(line: &[u8]) -> Option<When> {
    let rest = line.strip_prefix(b"# Time: ")?.trim_ascii();
    if rest.get(6) == Some(&b' ') {
        let (_, yymmdd) = fixed_digits(6)(rest).ok()?;
        // 5.6 writes the hour without its leading zero: `9:05:01`.
        let clock_text = rest[7..].trim_ascii_start();
        let hour_digits = if clock_text.get(1) == Some(&b':') {
            1
        } else {
            2
        };
        let (tail, hour) = fixed_digits(hour_digits)(clock_text).ok()?;
        let (tail, minute) = fixed_digits(2)(tail.strip_prefix(b":")?).ok()?;
        let (tail, second) = fixed_digits(2)(tail.strip_prefix(b":")?).ok()?;
        let hms = (hour, minute, second, 0);
        let date = (2000 + yymmdd / 10_000, yymmdd / 100 % 100, yymmdd % 100);
        return tail.is_empty().then_some(When::Local(civil_of(date, hms)?));
    }
    let (when, tail) = parse_mysql_time(rest)?;
    tail.is_empty().then_some(when)
}

/// A line of the general query log: `2025-08-15T14:03:50.259438Z\t    9 Query\tselect 1`
/// (the time, the connection's id, the command, a tab, its argument). Returns the time and
/// the command with its argument.
fn general_query(line: &[u8]) -> Option<(When, &[u8])> {
    const LONGEST_COMMAND: usize = 24;
    let (when, rest) = parse_mysql_time(line)?;
    let rest = rest.strip_prefix(b"\t")?.trim_ascii_start();
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let rest = rest
        .get(digits..)?
        .strip_prefix(b" ")
        .filter(|_| digits > 0)?;
    let tab = memchr::memchr(b'\t', &rest[..rest.len().min(LONGEST_COMMAND + 1)])?;
    let command = &rest[..tab];
    let is_command = !command.is_empty()
        && command
            .iter()
            .all(|b| b.is_ascii_alphabetic() || *b == b' ');
    is_command.then_some((when, rest))
}

/// The lines the server writes at the head of its slow and general logs each time it starts:
/// `/usr/sbin/mysqld, Version: 8.0.43 (…). started with:`, `Tcp port: 3306  Unix socket: …`,
/// `Time                 Id Command    Argument`.
fn server_header(line: &[u8]) -> bool {
    line.starts_with(b"Tcp port: ")
        || (line.starts_with(b"Time ") && memchr::memmem::find(line, b" Id Command").is_some())
        || (line.ends_with(b"started with:")
            && memchr::memmem::find(line, b", Version: ").is_some())
}

/// A MySQL error log line, the head of a slow query log's entry, or a general query log's
/// line, as an [`Entry`]. The slow log's other lines (`# Query_time:`, the statement) continue
/// the entry; the server's start-up header is a marker.
pub(crate) fn read_mysql(line: &[u8]) -> Entry<'_> {
    if let Some(when) = slow_query_time(line) {
        return Message::text_line(when, Verdict::Given(false), Some(b"mysqld"), b"slow query");
    }
    if let Some((when, command)) = general_query(line) {
        return Message::text_line(when, Verdict::Given(false), Some(b"mysqld"), command);
    }
    if server_header(line) {
        return Entry::Marker;
    }
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
pub(crate) const POSTGRES: FormatSpec = FormatSpec {
    format: Format::Postgres,
    name: "postgresql",
    meaning: Meaning::Messages,
    zone_less: true,
    every_line_has_offset: false,
    accepts: |line| parse_postgres(line).is_some(),
    read: read_postgres,
    documents: None,
};

/// MySQL and MariaDB error logs, slow query logs and general query logs.
pub(crate) const MYSQL: FormatSpec = FormatSpec {
    format: Format::Mysql,
    name: "mysql log (error, slow query, general)",
    meaning: Meaning::Messages,
    zone_less: true,
    every_line_has_offset: false,
    accepts: |line| {
        parse_mysql(line).is_some()
            || slow_query_time(line).is_some()
            || general_query(line).is_some()
    },
    read: read_mysql,
    documents: None,
};

#[cfg(test)]
mod tests;
