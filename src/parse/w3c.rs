//! W3C extended log files: IIS, CloudFront's standard logs, and other servers that describe
//! their columns in a `#Fields:` directive (`#Fields: date time s-ip cs-method cs-uri-stem …`).
//! The directive decides which column is which; it may come again anywhere in the file (IIS
//! writes a new header block when the site restarts), and the lines after it follow it.
//! Columns are separated by spaces (IIS) or tabs (CloudFront). Times are UTC, as both write
//! them. `time-taken` is milliseconds in IIS and seconds (with a fraction) in CloudFront.
//!
//! The worker keeps the columns as state (`Columns`), starting each chunk with the file's
//! first directive, which the sniffer finds in the file's head.

use super::common::{Spans, civil_of, clock, date};
use super::entry::{Entry, Request, When};
use super::spec::{Format, FormatSpec, Meaning};

/// The columns IIS writes by default (W3C format, IIS 8.5 and later), used when a line comes
/// before any `#Fields:` directive.
pub const IIS_DEFAULT_FIELDS: &[u8] = b"#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken";

static IIS_DEFAULT: std::sync::LazyLock<Columns> = std::sync::LazyLock::new(|| Columns {
    date: 0,
    time: 1,
    status: 11,
    method: Some(3),
    stem: Some(4),
    client: Some(8),
    taken: Some(14),
});

/// Which column holds what, from a `#Fields:` directive.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Columns {
    date: usize,
    time: usize,
    status: usize,
    method: Option<usize>,
    stem: Option<usize>,
    client: Option<usize>,
    taken: Option<usize>,
}

impl Columns {
    /// Reads `#Fields: date time …`; `None` for another line, or when it lacks a date, a time
    /// or a status.
    pub fn from_directive(line: &[u8]) -> Option<Columns> {
        let names = line.strip_prefix(b"#Fields:")?;
        let names: Vec<&[u8]> = names
            .split(|b| *b == b' ' || *b == b'\t')
            .filter(|n| !n.is_empty())
            .collect();
        let at = |name: &[u8]| names.iter().position(|n| n.eq_ignore_ascii_case(name));
        Some(Columns {
            date: at(b"date")?,
            time: at(b"time")?,
            status: at(b"sc-status")?,
            method: at(b"cs-method"),
            stem: at(b"cs-uri-stem"),
            client: at(b"c-ip"),
            taken: at(b"time-taken"),
        })
    }

    /// IIS's default columns.
    pub fn iis_default() -> Columns {
        IIS_DEFAULT.clone()
    }

    /// A data line read with these columns.
    pub fn read<'a>(&self, line: &'a [u8]) -> Entry<'a> {
        const NOT_W3C: &str = "not a line of the W3C log's #Fields";
        let sep = if memchr::memchr(b'\t', line).is_some() {
            b'\t'
        } else {
            b' '
        };
        // Column offsets, so the request can be a slice of the line; IIS and CloudFront
        // write fewer than 40 columns.
        let spans = Spans::<64>::split(line, sep);
        let field = |i: Option<usize>| {
            i.and_then(|i| spans.field(line, i))
                .filter(|f| !f.is_empty() && *f != b"-")
        };
        let (Some(d), Some(t), Some(status)) = (
            field(Some(self.date)),
            field(Some(self.time)),
            field(Some(self.status)),
        ) else {
            return Entry::Unreadable(NOT_W3C);
        };
        let Some(time) = utc_time(d, t) else {
            return Entry::Unreadable(NOT_W3C);
        };
        let Some(status) = three_digits(status) else {
            return Entry::Unreadable(NOT_W3C);
        };
        let stem = field(self.stem);
        // `GET /x` when the method and the path are neighbours (IIS), else the path alone.
        let request = match (self.method, self.stem) {
            (Some(m), Some(s)) if s == m + 1 && spans.len() > s => {
                match (spans.span(m), spans.span(s)) {
                    (Some((from, _)), Some((_, to))) => &line[from..to],
                    _ => stem.unwrap_or(b"-"),
                }
            }
            _ => stem.unwrap_or(b"-"),
        };
        let client = field(self.client).unwrap_or(b"-");
        Entry::Request(Request {
            when: When::Utc(time),
            status,
            client_key: client,
            client,
            request,
            path: stem,
            latency: field(self.taken).and_then(taken_seconds),
        })
    }
}

fn utc_time(d: &[u8], t: &[u8]) -> Option<crate::time::Micros> {
    let (rest, ymd) = date(b'-')(d).ok()?;
    let (rest2, hms) = clock(t).ok()?;
    if !rest.is_empty() || !rest2.is_empty() {
        return None;
    }
    civil_of(ymd, hms)?.with_offset(0)
}

fn three_digits(field: &[u8]) -> Option<u16> {
    if field.len() != 3 || !field.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = field
        .iter()
        .fold(0u16, |n, &b| n * 10 + u16::from(b - b'0'));
    (100..=599).contains(&n).then_some(n)
}

/// IIS writes milliseconds (`15`), CloudFront seconds (`0.002`).
fn taken_seconds(field: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(field).ok()?;
    let value: f64 = text.parse().ok()?;
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    Some(match text.contains('.') {
        true => value,
        false => value / 1000.0,
    })
}

/// `2023-09-10 08:15:02 …` with a method and a status: a data line of IIS's default layout or
/// of any `#Fields`, told apart from an application log's `date time message`.
fn looks_like_data(line: &[u8]) -> bool {
    let sep = if memchr::memchr(b'\t', line).is_some() {
        b'\t'
    } else {
        b' '
    };
    let fields: Vec<&[u8]> = line.split(|&b| b == sep).collect();
    if fields.len() < 8 || utc_time(fields[0], fields[1]).is_none() {
        return false;
    }
    const METHODS: [&[u8]; 7] = [
        b"GET", b"POST", b"PUT", b"DELETE", b"HEAD", b"OPTIONS", b"PATCH",
    ];
    let method = fields.iter().position(|f| METHODS.contains(f));
    let path = fields.iter().position(|f| f.first() == Some(&b'/'));
    let status = fields.iter().skip(2).any(|f| three_digits(f).is_some());
    method.is_some() && path.is_some() && status
}

/// A line read without the file's directive: directives are markers, data lines are read with
/// IIS's default columns.
pub fn read(line: &[u8]) -> Entry<'_> {
    if line.first() == Some(&b'#') {
        return Entry::Marker;
    }
    IIS_DEFAULT.read(line)
}

/// The file's first `#Fields:` directive in its head, if any.
pub fn first_directive(head: &[u8]) -> Option<Columns> {
    head.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .find_map(Columns::from_directive)
}

/// W3C extended logs: IIS, CloudFront, and others with a `#Fields:` directive.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::W3c,
    name: "W3C extended (IIS, CloudFront)",
    meaning: Meaning::Requests,
    zone_less: false,
    every_line_has_offset: false,
    accepts: |line| {
        line.starts_with(b"#Fields:")
            || line.starts_with(b"#Software:")
            || line.starts_with(b"#Version:")
            || line.starts_with(b"#Date:")
            || looks_like_data(line)
    },
    read,
    documents: None,
};

#[cfg(test)]
mod tests;
