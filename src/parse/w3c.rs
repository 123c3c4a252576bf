//! W3C extended log files: IIS, CloudFront's standard logs, and other servers that describe
//! their columns in a `#Fields:` directive (`#Fields: date time s-ip cs-method cs-uri-stem …`):
//! IIS's Advanced Logging (`date-local time-local`), Oracle Web Cache (several spaces between
//! fields, a `#GMT-Offset:`), Incapsula (every field quoted) and IIS's FTP service (a time
//! column only, the date in `#Date:`, FTP commands and replies rather than HTTP requests).
//!
//! The directives decide which column is which; they may come again anywhere in the file
//! (IIS writes a new header block when the site restarts, and a new `#Date:` each day), and
//! the lines after them follow them. So the file's [`Reader`] is state: it starts from the
//! directives in the file's head, each chunk starts from the directives of the chunks before
//! it ([`Reader::follow`], run where chunks are cut, in file order), and a byte range of a
//! file starts from the directives before the range.
//!
//! Columns are separated by tabs (CloudFront) or by runs of spaces; a field in double quotes
//! may hold spaces and `""`. Times are UTC unless the columns are `date-local`/`time-local`
//! (the server's zone, placed like any zone-less line) or a `#GMT-Offset:` says otherwise.
//! `time-taken` is milliseconds in IIS and seconds (with a fraction) in CloudFront.
//!
//! Zeek (formerly Bro) writes its logs the same way: `#fields` names tab-separated columns,
//! `ts` is Unix seconds, `-` is unset and `(empty)` empty. Its `http.log` is a request log
//! (`id.orig_h`, `method`, `uri`, `status_code`); its other logs (`conn`, `dns`…) are read as
//! messages at their time.

use super::common::{civil_of, clock, date, month_name, utc_offset};
use super::entry::{Entry, Message, Request, Verdict, When};
use super::spec::{Format, FormatSpec, Meaning};
use crate::time::Civil;

/// Fields looked up by index; the servers above write fewer than 50 columns.
const MAX_FIELDS: usize = 64;

/// What `time-taken` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
enum Taken {
    /// `time-taken`: milliseconds as IIS writes them (`15`), seconds where a fraction is
    /// written (CloudFront's `0.002`).
    ByShape,
    /// `TimeTakenMS` (IIS Advanced Logging): milliseconds.
    Millis,
}

/// Which column holds what, from a `#Fields:` directive.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Columns {
    /// `None` when the date comes from the `#Date:` directive (IIS's FTP log) or the time
    /// column is Unix seconds.
    date: Option<usize>,
    time: usize,
    /// The time column is Unix seconds with a fraction (Zeek's `ts`).
    #[serde(default)]
    epoch: bool,
    /// Fields may be quoted (not in Zeek's logs, where a `"` is a field's own text).
    #[serde(default = "quoted_fields")]
    quotes: bool,
    /// `date-local`/`time-local`: the server's wall clock, not UTC.
    local: bool,
    /// `None` when no column is a status: each line is then a message at its time.
    status: Option<usize>,
    method: Option<usize>,
    stem: Option<usize>,
    /// `cs-uri`, the whole URI, read for its path where there is no `cs-uri-stem`.
    uri: Option<usize>,
    client: Option<usize>,
    taken: Option<(usize, Taken)>,
}

impl Columns {
    /// Reads `#Fields: date time …`; `None` for another line, or when no column is a time.
    pub(crate) fn from_directive(line: &[u8]) -> Option<Columns> {
        let names = line.strip_prefix(b"#Fields:")?;
        let names: Vec<&[u8]> = names
            .split(u8::is_ascii_whitespace)
            .filter(|n| !n.is_empty())
            .collect();
        let at = |wanted: &[&[u8]]| {
            names
                .iter()
                .position(|n| wanted.iter().any(|w| n.eq_ignore_ascii_case(w)))
        };
        let taken = at(&[b"time-taken"])
            .map(|i| (i, Taken::ByShape))
            .or_else(|| at(&[b"TimeTakenMS"]).map(|i| (i, Taken::Millis)));
        Some(Columns {
            date: at(&[b"date", b"date-local"]),
            time: at(&[b"time", b"time-local"])?,
            epoch: false,
            quotes: true,
            local: at(&[b"date-local", b"time-local"]).is_some(),
            status: at(&[b"sc-status"]),
            method: at(&[b"cs-method"]),
            stem: at(&[b"cs-uri-stem"]),
            uri: at(&[b"cs-uri"]),
            client: at(&[b"c-ip"]),
            taken,
        })
    }

    /// Reads Zeek's `#fields\tts\tuid\t…`; `None` without a `ts` column.
    fn from_zeek(line: &[u8]) -> Option<Columns> {
        let names: Vec<&[u8]> = line
            .strip_prefix(b"#fields\t")?
            .split(|&b| b == b'\t')
            .collect();
        let at = |wanted: &[u8]| names.iter().position(|n| *n == wanted);
        Some(Columns {
            date: None,
            time: at(b"ts")?,
            epoch: true,
            quotes: false,
            local: false,
            status: at(b"status_code"),
            method: at(b"method"),
            stem: None,
            uri: at(b"uri"),
            client: at(b"id.orig_h"),
            taken: None,
        })
    }

    /// IIS's default columns.
    pub(crate) fn iis_default() -> Columns {
        Columns {
            date: Some(0),
            time: 1,
            epoch: false,
            quotes: true,
            local: false,
            status: Some(11),
            method: Some(3),
            stem: Some(4),
            uri: None,
            client: Some(8),
            taken: Some((14, Taken::ByShape)),
        }
    }

    /// A data line read with these columns, the date from `#Date:` where no column has it,
    /// at `offset` seconds east of UTC where `#GMT-Offset:` said so.
    fn read<'a>(&self, line: &'a [u8], day: Option<Day>, offset: Option<i32>) -> Entry<'a> {
        let fields = Fields::split(line, self.quotes);
        let field = |i: Option<usize>| {
            i.and_then(|i| fields.get(line, i))
                .filter(|f| !f.is_empty() && *f != b"-" && *f != b"(empty)")
        };
        let Some(when) = self.when(field(self.date), field(Some(self.time)), day, offset) else {
            return Entry::Unreadable(NOT_W3C);
        };
        let method = field(self.method);
        if let Some(command) = method.filter(|m| ftp_command(m)) {
            return ftp_line(when, line, command, field(self.status));
        }
        let Some(written) = field(self.status) else {
            // No status (no such column, or none sent: Incapsula's `REQ_BAD_SERVER_CLOSED…`):
            // the line says what happened, not how a request ended.
            let after_time = fields.span(self.time).map_or(0, |(_, end)| end);
            let text = line[after_time..].trim_ascii();
            return Message::text_line(when, Verdict::ByWords(None), None, text);
        };
        let Some(status) = three_digits(written) else {
            return Entry::Unreadable(NOT_W3C);
        };
        let path = field(self.stem).or_else(|| field(self.uri).map(path_of));
        // `GET /x` when the method and the path are neighbours (IIS), else the path alone.
        let request = match (self.method, self.stem.or(self.uri)) {
            (Some(m), Some(s)) if s == m + 1 && !fields.quoted(m) && !fields.quoted(s) => {
                match (fields.span(m), fields.span(s)) {
                    (Some((from, _)), Some((_, to))) => &line[from..to],
                    _ => path.unwrap_or(b"-"),
                }
            }
            _ => path.unwrap_or(b"-"),
        };
        let client = field(self.client).unwrap_or(b"-");
        Entry::Request(Request {
            when,
            status,
            client_key: client,
            client,
            request,
            path,
            latency: self
                .taken
                .and_then(|(i, unit)| field(Some(i)).and_then(|f| taken_seconds(f, unit))),
        })
    }
}

impl Columns {
    /// The line's time from its date and time fields, the `#Date:` and `#GMT-Offset:`.
    fn when(
        &self,
        date: Option<&[u8]>,
        time: Option<&[u8]>,
        day: Option<Day>,
        offset: Option<i32>,
    ) -> Option<When> {
        if self.epoch {
            return epoch_seconds(time?).map(When::Utc);
        }
        let day = match self.date {
            Some(_) => date.and_then(day_of),
            None => day,
        };
        let civil = civil_of(day?, time_of(time?)?)?;
        Some(match (self.local, offset) {
            (true, _) => When::Local(civil),
            (false, Some(offset_secs)) => When::Offset {
                time: civil.with_offset(offset_secs)?,
                offset_secs,
            },
            (false, None) => When::Utc(civil.with_offset(0)?),
        })
    }
}

/// `1320279566.452687`: Unix seconds with up to microseconds, as Zeek writes `ts`.
fn epoch_seconds(field: &[u8]) -> Option<i64> {
    let (secs, fraction) = match memchr::memchr(b'.', field) {
        Some(dot) => (&field[..dot], &field[dot..]),
        None => (field, &b""[..]),
    };
    if secs.is_empty() || secs.len() > 11 || !secs.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let (rest, micros) = super::common::fraction(fraction);
    if !rest.is_empty() {
        return None;
    }
    let secs: i64 = std::str::from_utf8(secs).ok()?.parse().ok()?;
    Some(secs * crate::time::MICROS_PER_SEC + i64::from(micros))
}

fn quoted_fields() -> bool {
    true
}

const NOT_W3C: &str = "not a line of the W3C log's #Fields";

/// A date: year, month, day.
type Day = (u32, u32, u32);

/// The state a W3C file is read with: its columns and what its other directives said.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Reader {
    /// `None` after a `#Fields:` directive that names no time column: the lines after it
    /// cannot be placed.
    columns: Option<Columns>,
    /// The last `#Date:` (or `#Start-Date:`), for lines with a time and no date.
    day: Option<Day>,
    /// The last `#GMT-Offset:`, seconds east of UTC.
    offset: Option<i32>,
}

impl Default for Reader {
    /// Before any directive: IIS's default columns, in UTC.
    fn default() -> Reader {
        Reader {
            columns: Some(Columns::iis_default()),
            day: None,
            offset: None,
        }
    }
}

impl Reader {
    /// The state after the directives in a file's head, if it has any.
    pub(crate) fn of_head(head: &[u8]) -> Option<Reader> {
        let mut reader = Reader::default();
        reader.follow(head).then_some(reader)
    }

    /// Takes in every directive of `text` (whole lines), in order: the state the lines after
    /// it are read in. Whether there was any directive.
    pub fn follow(&mut self, text: &[u8]) -> bool {
        let mut any = false;
        if text.first() == Some(&b'#') {
            any |= self.directive(first_line(text));
        }
        for at in memchr::memmem::find_iter(text, b"\n#") {
            any |= self.directive(first_line(&text[at + 1..]));
        }
        any
    }

    /// Takes in one directive line; false for another line.
    fn directive(&mut self, line: &[u8]) -> bool {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.starts_with(b"#Fields:") {
            self.columns = Columns::from_directive(line);
        } else if line.starts_with(b"#fields\t") {
            self.columns = Columns::from_zeek(line);
        } else if let Some(rest) = line
            .strip_prefix(b"#Date:")
            .or_else(|| line.strip_prefix(b"#Start-Date:"))
        {
            self.day = directive_day(rest.trim_ascii());
        } else if let Some(rest) = line.strip_prefix(b"#GMT-Offset:") {
            self.offset = match utc_offset(rest.trim_ascii()) {
                Ok((b"", secs)) => Some(secs),
                _ => None,
            };
        } else {
            return line.first() == Some(&b'#');
        }
        true
    }

    /// One line: a directive changes the state for the lines after it (a marker); a data
    /// line is read with the state.
    pub fn read<'a>(&mut self, line: &'a [u8]) -> Entry<'a> {
        if line.first() == Some(&b'#') {
            self.directive(line);
            return Entry::Marker;
        }
        match &self.columns {
            Some(columns) => columns.read(line, self.day, self.offset),
            None => Entry::Unreadable("the W3C log's #Fields directive names no time column"),
        }
    }
}

fn first_line(text: &[u8]) -> &[u8] {
    memchr::memchr(b'\n', text).map_or(text, |end| &text[..end])
}

/// The offsets of a line's fields, quotes left out, on the stack.
struct Fields {
    at: [(u32, u32, bool); MAX_FIELDS],
    len: usize,
}

impl Fields {
    /// Splits at tabs where the line has any (CloudFront, where a field may be empty),
    /// else at runs of spaces; a field opening with `"` runs to its closing quote. Inlined:
    /// returned by value, the offsets were copied once a line (5 % of the time).
    #[inline(always)]
    fn split(line: &[u8], quotes: bool) -> Fields {
        let tabs = memchr::memchr(b'\t', line).is_some();
        let separator = if tabs { b'\t' } else { b' ' };
        let mut fields = Fields {
            at: [(0, 0, false); MAX_FIELDS],
            len: 0,
        };
        if !quotes || memchr::memchr(b'"', line).is_none() {
            // No quotes (IIS, CloudFront): one pass over the separators.
            let mut start = 0;
            for end in memchr::memchr_iter(separator, line).chain(std::iter::once(line.len())) {
                if (tabs || end > start) && fields.len < MAX_FIELDS {
                    fields.at[fields.len] = (start as u32, end as u32, false);
                    fields.len += 1;
                }
                start = end + 1;
            }
            return fields;
        }
        let mut at = 0;
        while at < line.len() && fields.len < MAX_FIELDS {
            if !tabs {
                while line.get(at) == Some(&b' ') {
                    at += 1;
                }
                if at == line.len() {
                    break;
                }
            }
            let (start, end, next, quoted) = match closing_quote(line, at) {
                Some(close) => (at + 1, close, close + 1, true),
                None => {
                    let end = memchr::memchr(separator, &line[at..]).map_or(line.len(), |i| at + i);
                    (at, end, end, false)
                }
            };
            // Offsets fit: lines are cut at 1 MiB before they are read.
            fields.at[fields.len] = (start as u32, end as u32, quoted);
            fields.len += 1;
            at = next + 1;
        }
        fields
    }

    fn span(&self, k: usize) -> Option<(usize, usize)> {
        (k < self.len).then(|| (self.at[k].0 as usize, self.at[k].1 as usize))
    }

    fn quoted(&self, k: usize) -> bool {
        k < self.len && self.at[k].2
    }

    fn get<'a>(&self, line: &'a [u8], k: usize) -> Option<&'a [u8]> {
        self.span(k).map(|(s, e)| &line[s..e])
    }
}

/// Where the quoted field opening at `at` closes: a `"` followed by a separator or the end
/// (a doubled `""` is a quote inside it); `None` when the field is not quoted or not closed.
fn closing_quote(line: &[u8], at: usize) -> Option<usize> {
    if line.get(at) != Some(&b'"') {
        return None;
    }
    let mut i = at + 1;
    while let Some(q) = memchr::memchr(b'"', &line[i..]) {
        let q = i + q;
        match line.get(q + 1) {
            Some(b'"') => i = q + 2,
            None | Some(b' ' | b'\t') => return Some(q),
            Some(_) => i = q + 1,
        }
    }
    None
}

/// `2023-09-10` (also `2023/09/10`).
fn day_of(field: &[u8]) -> Option<Day> {
    [b'-', b'/']
        .into_iter()
        .find_map(|sep| match date(sep)(field) {
            Ok((b"", day)) => Some(day),
            _ => None,
        })
}

/// `08:15:02`, with or without a fraction.
fn time_of(field: &[u8]) -> Option<(u32, u32, u32, u32)> {
    match clock(field) {
        Ok((b"", hms)) => Some(hms),
        _ => None,
    }
}

/// A `#Date:` directive's date: `2000-10-09 16:44:49`, or Incapsula's `28/Jun/2017 07:28:59`.
fn directive_day(text: &[u8]) -> Option<Day> {
    let first = text.split(|&b| b == b' ').next()?;
    day_of(first).or_else(|| {
        let mut parts = first.splitn(3, |&b| b == b'/');
        let day: u32 = std::str::from_utf8(parts.next()?).ok()?.parse().ok()?;
        let (_, month) = month_name(parts.next()?).ok()?;
        let year: u32 = std::str::from_utf8(parts.next()?).ok()?.parse().ok()?;
        civil_of((year, month, day), (0, 0, 0, 0)).map(|_: Civil| (year, month, day))
    })
}

/// The path of `cs-uri`: after the host where one is written, without the query.
fn path_of(uri: &[u8]) -> &[u8] {
    let from_path = match uri.first() {
        Some(b'/') => uri,
        _ => memchr::memchr(b'/', uri).map_or(uri, |i| &uri[i..]),
    };
    memchr::memchr(b'?', from_path).map_or(from_path, |q| &from_path[..q])
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

/// Seconds from a `time-taken` field.
fn taken_seconds(field: &[u8], unit: Taken) -> Option<f64> {
    let text = std::str::from_utf8(field).ok()?;
    let value: f64 = text.parse().ok()?;
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    Some(match (unit, text.contains('.')) {
        (Taken::ByShape, true) => value,
        _ => value / 1000.0,
    })
}

/// IIS's FTP log writes the session and the command where a web log has the method:
/// `[2]USER`, `[3]sent`.
fn ftp_command(method: &[u8]) -> bool {
    let Some(rest) = method.strip_prefix(b"[") else {
        return false;
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && rest.get(digits) == Some(&b']') && rest.len() > digits + 1
}

/// An FTP command and its reply, as a message of the `ftp` program. A 4xx reply is the
/// service failing (421 service not available, 425/426 no data connection, 45x local
/// errors); a 5xx is the client refused (530 not logged in, 550 no such file).
fn ftp_line<'a>(when: When, line: &'a [u8], command: &'a [u8], reply: Option<&[u8]>) -> Entry<'a> {
    let start = command.as_ptr() as usize - line.as_ptr() as usize;
    let verdict = match reply.and_then(three_digits) {
        Some(400..=499) => Verdict::Given(true),
        Some(500..=599) => Verdict::ClientSide(super::entry::ClientSide::Refused),
        _ => Verdict::Given(false),
    };
    Message::text_line(when, verdict, Some(b"ftp"), line[start..].trim_ascii())
}

/// `2023-09-10 08:15:02 …` with a method and a status: a data line of IIS's default layout or
/// of any `#Fields`, told apart from an application log's `date time message`.
fn looks_like_data(line: &[u8]) -> bool {
    let fields = Fields::split(line, true);
    let field = |i: usize| fields.get(line, i).unwrap_or_default();
    if fields.len < 4 {
        return false;
    }
    let timed =
        (0..fields.len - 1).any(|i| day_of(field(i)).is_some() && time_of(field(i + 1)).is_some());
    // IIS's FTP log: `16:44:49 1.1.1.1 [2]USER anonymous 331`, the date in `#Date:`.
    if time_of(field(0)).is_some() && (1..fields.len).any(|i| ftp_command(field(i))) {
        return (2..fields.len).any(|i| three_digits(field(i)).is_some());
    }
    const METHODS: [&[u8]; 7] = [
        b"GET", b"POST", b"PUT", b"DELETE", b"HEAD", b"OPTIONS", b"PATCH",
    ];
    let method = (0..fields.len).any(|i| METHODS.contains(&field(i)));
    // A path, or a URI with its host (Incapsula's `www.example.com/page.php`).
    let uri = |f: &[u8]| match memchr::memchr(b'/', f) {
        Some(0) => true,
        Some(i) => !f.contains(&b' ') && f[..i].contains(&b'.'),
        None => false,
    };
    let path = (0..fields.len).any(|i| uri(field(i)));
    let status = (2..fields.len).any(|i| three_digits(field(i)).is_some());
    fields.len >= 6 && timed && method && path && status
}

/// A line read without the file's directives: directives are markers, data lines are read
/// with IIS's default columns.
pub fn read(line: &[u8]) -> Entry<'_> {
    if line.first() == Some(&b'#') {
        return Entry::Marker;
    }
    Columns::iis_default().read(line, None, None)
}

/// The directives W3C and Zeek files open with.
const DIRECTIVES: [&[u8]; 17] = [
    b"#Fields:",
    b"#Software:",
    b"#Version:",
    b"#Date:",
    b"#Start-Date:",
    b"#End-Date:",
    b"#GMT-Offset:",
    b"#Remark:",
    b"#separator ",
    b"#set_separator\t",
    b"#empty_field\t",
    b"#unset_field\t",
    b"#path\t",
    b"#open\t",
    b"#close\t",
    b"#fields\t",
    b"#types\t",
];

/// A Zeek data line: Unix seconds with a fraction, then a tab.
fn looks_like_zeek(line: &[u8]) -> bool {
    let Some(tab) = memchr::memchr(b'\t', &line[..line.len().min(24)]) else {
        return false;
    };
    let ts = &line[..tab];
    ts.len() > 11 && ts[10] == b'.' && epoch_seconds(ts).is_some()
}

/// W3C extended logs: IIS, CloudFront, and others with a `#Fields:` directive.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::W3c,
    name: "W3C extended (IIS, CloudFront)",
    meaning: Meaning::Requests,
    zone_less: false,
    every_line_has_offset: false,
    accepts: |line| {
        DIRECTIVES.iter().any(|d| line.starts_with(d))
            || looks_like_zeek(line)
            || looks_like_data(line)
    },
    read,
    documents: None,
};

#[cfg(test)]
mod tests;
