//! Syslog files as rsyslog writes them (`/var/log/syslog`, `auth.log`, `messages`).
//!
//! Two timestamp styles share the rest of the line: the traditional RFC 3164 one
//! (`Sep 10 08:15:02`, no year, no zone) and rsyslog's high-precision file format
//! (`2023-09-10T08:15:02.123456+00:00`). An optional `<PRI>` may lead. After the time come
//! the host, the tag (`program[pid]:`) and the message. Lines starting with white space
//! continue the record above (macOS and multi-line messages).

use std::borrow::Cow;

use super::entry::{Entry, Message, Verdict, Vocabulary, When};
use super::spec::Format;
use super::spec::{FormatSpec, Meaning};

use super::common::{civil_parts, clock, fail, fixed_digits, month_name, rfc3339, spaces, token};
use crate::time::{Civil, Micros};
use nom::IResult;

#[derive(Debug, Clone, Copy, PartialEq)]
/// A syslog line's time, as written.
pub enum SyslogStamp {
    /// Month, day and clock; the year field is 0 until the time stage assigns one.
    YearLess(Civil),
    /// A full date without a zone (network gear: `Mar  7 2008 19:06:53`): placed in the
    /// file's zone like other zone-less lines.
    Local(Civil),
    /// A full date with its offset (RFC 5424, RFC 3339 stamps).
    Dated {
        /// The instant, in UTC.
        time: Micros,
        /// The offset written, in seconds east of UTC.
        offset_secs: i32,
    },
}

/// A syslog line.
#[derive(Debug, Clone, PartialEq)]
pub struct SyslogLine<'a> {
    /// The PRI, where written (`<34>`).
    pub pri: Option<u8>,
    /// Its time.
    pub stamp: SyslogStamp,
    /// The host.
    pub host: &'a [u8],
    /// The tag without its pid; empty when the line has no tag.
    pub program: &'a [u8],
    /// The process id (`sshd[812]`).
    pub pid: Option<u64>,
    /// The message.
    pub message: &'a [u8],
}

impl SyslogLine<'_> {
    /// Severity from the PRI (0 emerg … 7 debug), when the line carries one.
    pub fn severity(&self) -> Option<u8> {
        self.pri.map(|p| p & 7)
    }
}

fn pri(input: &[u8]) -> (&[u8], Option<u8>) {
    if input.first() != Some(&b'<') {
        return (input, None);
    }
    let digits = input[1..]
        .iter()
        .take(3)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 || input.get(1 + digits) != Some(&b'>') {
        return (input, None);
    }
    let value: u32 = input[1..1 + digits]
        .iter()
        .fold(0, |acc, &b| acc * 10 + u32::from(b - b'0'));
    if value > 191 {
        return (input, None);
    }
    (&input[2 + digits..], Some(value as u8))
}

/// A month's abbreviation as `journalctl` and `syslog` write it under a French, German or
/// Spanish locale (glibc's `%b`: `août`, `févr.`, `Mär`, `dic`), as 1..12; tried only where
/// [`month_name`] fails. The word ends at a space.
fn localized_month_name(input: &[u8]) -> IResult<&[u8], u32> {
    const NAMES: [(&str, u32); 27] = [
        ("janv", 1),
        ("févr", 2),
        ("mars", 3),
        ("mär", 3),
        ("avr", 4),
        ("avril", 4),
        ("abr", 4),
        ("mai", 5),
        ("juin", 6),
        ("juil", 7),
        ("août", 8),
        ("ago", 8),
        ("sept", 9),
        ("okt", 10),
        ("déc", 12),
        ("dez", 12),
        ("dic", 12),
        ("ene", 1),
        ("feb", 2),
        ("mar", 3),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("jan", 1),
    ];
    const LONGEST: usize = 7;
    let end = input
        .iter()
        .take(LONGEST)
        .position(|&b| b == b' ')
        .ok_or_else(|| fail(input))?;
    let word = input[..end].strip_suffix(b".").unwrap_or(&input[..end]);
    let month = NAMES
        .iter()
        .find(|(name, _)| word.eq_ignore_ascii_case(name.as_bytes()))
        .map(|&(_, month)| month)
        .ok_or_else(|| fail(input))?;
    Ok((&input[end..], month))
}

/// `Sep 10 08:15:02`, `Nov  3 09:23:38`, `AUG 10 22:18:24`, and the year inside the date
/// that Cisco-style devices write (`Mar  7 2008 19:06:53`, then the civil's year is set).
/// A `:` right after the clock (`19:06:53: host …`) is taken as part of the stamp.
fn traditional(input: &[u8]) -> Option<(&[u8], Civil)> {
    // `mars`, `juin`, `sept.` open with an English name but go on.
    let (rest, month) = match month_name(input) {
        Ok((rest, month)) if rest.first() == Some(&b' ') => (rest, month),
        _ => localized_month_name(input).ok()?,
    };
    let (rest, _) = spaces(rest).ok()?;
    let digits = rest
        .iter()
        .take(2)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 {
        return None;
    }
    let (rest, day) = fixed_digits(digits)(rest).ok()?;
    let (mut rest, _) = spaces(rest).ok()?;
    let mut year = 0;
    if rest.len() > 5
        && rest[..4].iter().all(u8::is_ascii_digit)
        && rest[4] == b' '
        && rest.get(6) != Some(&b':')
    {
        year = rest[..4]
            .iter()
            .fold(0u32, |acc, &b| acc * 10 + u32::from(b - b'0'));
        rest = spaces(&rest[4..]).ok()?.0;
    }
    let (rest, (hour, minute, second, micros)) = clock(rest).ok()?;
    let rest = rest.strip_prefix(b":").unwrap_or(rest);
    let civil = civil_parts((year, month, day), (hour, minute, second, micros));
    // Year 0 is a leap year, so Feb 29 passes here and is judged once the year is known.
    civil.is_valid().then_some((rest, civil))
}

/// Splits `program[pid]: message`; without a `:`, the first word is the tag, as rsyslog
/// reads it.
fn tag_and_message(rest: &[u8]) -> (&[u8], Option<u64>, &[u8]) {
    let Ok((after, first)) = token(rest) else {
        return (b"", None, rest);
    };
    let (program_part, message) = if let Some(name) = first.strip_suffix(b":") {
        (name, after)
    } else if let Some(colon) = memchr::memchr(b':', rest)
        && let Some(bracket) = memchr::memchr(b'[', rest)
        && bracket < colon
        && rest[colon - 1] == b']'
        && memchr::memchr(b' ', &rest[..bracket]).is_none()
    {
        (&rest[..colon], &rest[colon + 1..])
    } else {
        // As rsyslog: without a `tag:`, the first word is the tag (`-- MARK --` has tag `--`).
        (first, after)
    };
    let (program, pid) = match memchr::memchr(b'[', program_part) {
        Some(open) if program_part.ends_with(b"]") => {
            let inside = &program_part[open + 1..program_part.len() - 1];
            let pid = std::str::from_utf8(inside)
                .ok()
                .and_then(|p| p.parse().ok());
            (&program_part[..open], pid)
        }
        _ => (program_part, None),
    };
    (program, pid, message.trim_ascii_start())
}

/// True when the line continues the record above rather than starting one.
pub fn is_continuation(line: &[u8]) -> bool {
    matches!(line.first(), Some(b' ') | Some(b'\t'))
}

/// journalctl's own lines in `-o short*` text: `-- Boot 3f2a… --`, `-- No entries --`,
/// `-- Journal begins at … --`. They are not records, and not broken ones either.
pub(crate) fn is_journal_marker(line: &[u8]) -> bool {
    let line = line.trim_ascii();
    line.len() >= 6 && line.starts_with(b"-- ") && line.ends_with(b" --")
}

/// A nil-able RFC 5424 header field (`-` is absent).
fn field5424(input: &[u8]) -> Option<(&[u8], Option<&[u8]>)> {
    let (rest, value) = token(input).ok()?;
    let rest = rest.strip_prefix(b" ")?;
    Some((rest, (value != b"-").then_some(value)))
}

/// Structured data: `-` or one or more `[id key="value" …]` elements (`\]` inside values).
fn structured_data(input: &[u8]) -> Option<&[u8]> {
    if let Some(rest) = input.strip_prefix(b"-") {
        return Some(rest);
    }
    let mut rest = input;
    while rest.first() == Some(&b'[') {
        let mut i = 1;
        let mut quoted = false;
        loop {
            match rest.get(i)? {
                b'\\' => i += 1,
                b'"' => quoted = !quoted,
                b']' if !quoted => break,
                _ => {}
            }
            i += 1;
        }
        rest = &rest[i + 1..];
    }
    (rest.len() < input.len()).then_some(rest)
}

/// RFC 5424: `<PRI>1 2017-04-27T07:50:47.38+02:00 host app procid msgid [sd] msg`.
fn rfc5424(pri: Option<u8>, rest: &[u8]) -> Option<SyslogLine<'_>> {
    let version = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if pri.is_none() || version == 0 || version > 2 || rest.get(version) != Some(&b' ') {
        return None;
    }
    let rest = &rest[version + 1..];
    let (rest, time, offset_secs) = {
        let (rest, (civil, offset)) = rfc3339(rest).ok()?;
        (rest, civil.with_offset(offset)?, offset)
    };
    let rest = rest.strip_prefix(b" ")?;
    let (rest, host) = field5424(rest)?;
    let (rest, app) = field5424(rest)?;
    let (rest, procid) = field5424(rest)?;
    let (rest, _msgid) = field5424(rest)?;
    let rest = structured_data(rest)?;
    let message = rest.strip_prefix(b" ").unwrap_or(rest);
    let message = message.strip_prefix(b"\xef\xbb\xbf").unwrap_or(message);
    Some(SyslogLine {
        pri,
        stamp: SyslogStamp::Dated { time, offset_secs },
        host: host.unwrap_or(b""),
        program: app.unwrap_or(b""),
        pid: procid.and_then(|p| std::str::from_utf8(p).ok()?.parse().ok()),
        message,
    })
}

/// Level words application logs write right after their time: never a host's name.
const LEVEL_WORDS: [&[u8]; 9] = [
    b"TRACE",
    b"DEBUG",
    b"INFO",
    b"WARN",
    b"WARNING",
    b"ERROR",
    b"FATAL",
    b"CRITICAL",
    b"SEVERE",
];

/// Reads a syslog line (RFC 3164, RFC 5424, rsyslog's high-precision format).
pub fn parse(line: &[u8]) -> Option<SyslogLine<'_>> {
    let (rest, pri) = pri(line);
    if rest.first().is_some_and(u8::is_ascii_digit)
        && let Some(parsed) = rfc5424(pri, rest)
    {
        return Some(parsed);
    }
    // rsyslog accepts a space after the PRI (`<167> Mar  7 …`); so do we.
    let rest = match pri {
        Some(_) => rest.strip_prefix(b" ").unwrap_or(rest),
        None => rest,
    };
    let (rest, stamp) = match traditional(rest) {
        Some((rest, civil)) if civil.year > 0 => (rest, SyslogStamp::Local(civil)),
        Some((rest, civil)) => (rest, SyslogStamp::YearLess(civil)),
        None => {
            let (rest, (civil, offset)) = rfc3339(rest).ok()?;
            let time = civil.with_offset(offset)?;
            (
                rest,
                SyslogStamp::Dated {
                    time,
                    offset_secs: offset,
                },
            )
        }
    };
    // A stamp and nothing else (`<14>Aug 30 23:00:05`) is a record with no host and no text.
    let rest = rest.trim_ascii_start();
    let (rest, host) = token(rest).unwrap_or((rest, b""));
    // `2024-05-17T15:04:30.123+02:00  WARN 12345 --- [main] …` is Spring Boot (and many an
    // application log), not a host called WARN: leave it to the application-log reader.
    if pri.is_none() && matches!(stamp, SyslogStamp::Dated { .. }) && LEVEL_WORDS.contains(&host) {
        return None;
    }
    let rest = rest.strip_prefix(b" ").unwrap_or(rest);
    let (program, pid, message) = tag_and_message(rest);
    Some(SyslogLine {
        pri,
        stamp,
        host,
        program,
        pid,
        message,
    })
}

/// How many times a message stands for: rsyslog and syslog-ng fold repeats of one message into
/// `message repeated 5 times: [ Failed password for root from …]`, which is five tries, not
/// one. 1 for any other message.
pub fn repeats(message: &[u8]) -> u64 {
    let Some(rest) = message.strip_prefix(b"message repeated ") else {
        return 1;
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 6 || !rest[digits..].starts_with(b" times: [") {
        return 1;
    }
    std::str::from_utf8(&rest[..digits])
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(1)
}

/// A syslog line, as an [`Entry`]: indented lines and a traceback's lines continue the one
/// before, and journal markers (`-- Boot …`) carry nothing.
#[inline]
pub fn read(line: &[u8]) -> Entry<'_> {
    if is_continuation(line) {
        return Entry::Continuation;
    }
    if is_journal_marker(line) {
        return Entry::Marker;
    }
    let Some(s) = parse(line) else {
        // A traceback's last line (`KeyError: 'user_id'`) is written at the margin.
        if super::cause::is_traceback_line(line) {
            return Entry::Continuation;
        }
        return Entry::Unreadable("not a syslog line");
    };
    let when = match s.stamp {
        SyslogStamp::Dated { time, offset_secs } => When::Offset { time, offset_secs },
        SyslogStamp::Local(civil) => When::Local(civil),
        SyslogStamp::YearLess(civil) => When::YearLess(civil),
    };
    Entry::Message(Message {
        when,
        verdict: Verdict::ByWords(s.severity()),
        program: Some(Cow::Borrowed(s.program)),
        host: Some(Cow::Borrowed(s.host)),
        text: Cow::Borrowed(s.message),
        vocabulary: Vocabulary::Syslog,
        upstream: None,
        client: None,
        http: None,
    })
}

/// RFC 3164 and RFC 5424 lines, as rsyslog and syslog-ng write them.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::Syslog,
    name: "syslog",
    meaning: Meaning::Messages,
    zone_less: false,
    every_line_has_offset: false,
    accepts: |line| parse(line).is_some(),
    read,
    documents: None,
};

#[cfg(test)]
mod tests;
