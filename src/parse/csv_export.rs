//! Logs exported as CSV: a header row naming the columns, then one log record per row (a
//! research data set's per-minute files, a spreadsheet, a log platform's "download as CSV").
//! The header decides which column is the time, which the log line and which names the
//! record's source (a pod, a container, a host); the other columns are not read.
//!
//! The log column is read by its own format: a Docker json-file record (`{"log":"…",
//! "stream":…,"time":…}`, as container collectors store it) is unwrapped as Docker's own logs
//! are; any other line is read by the first format that reads it (JSON, logfmt, an access or
//! application log) and otherwise is a message at the row's time, judged by its words.
//!
//! The columns are state, like W3C's `#Fields:`: the sniffer reads the header in the file's
//! head and every chunk starts from it; a header met again (exports joined with `cat`) sets
//! the columns for the rows after it.

use super::container;
use super::entry::Entry;
use super::export::{MAX_SOURCE_NAME, SOURCE_NAMES, log_line, read_time};
use super::spec::{Format, FormatSpec, Meaning};

/// Column names that hold a record's time, most telling first.
const TIME_NAMES: [&str; 11] = [
    "@timestamp",
    "timestamp",
    "time",
    "_time",
    "datetime",
    "date",
    "ts",
    "eventtime",
    "event_time",
    "receivedat",
    "timeunixnano",
];

/// Column names that hold the log line itself.
const MESSAGE_NAMES: [&str; 9] = [
    "log",
    "message",
    "msg",
    "_raw",
    "line",
    "textpayload",
    "text",
    "content",
    "body",
];

/// Which column holds what, from the header row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Layout {
    separator: u8,
    columns: usize,
    time: usize,
    message: usize,
    source: Option<usize>,
    /// The header's names of those three columns, to say why in `scan`.
    names: [String; 3],
}

impl Layout {
    /// Reads a header row; `None` unless it names a time column and a log column and every
    /// name is a plain column name.
    pub(crate) fn from_header(line: &[u8]) -> Option<Layout> {
        let line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        let separator = [b',', b';', b'\t']
            .into_iter()
            .find(|s| memchr::memchr(*s, line).is_some())?;
        let mut fields = Vec::new();
        if !split(line, separator, &mut fields) {
            return None;
        }
        let names: Vec<String> = fields
            .iter()
            .map(|f| String::from_utf8_lossy(f.raw(line)).trim().to_string())
            .collect();
        let plain = |n: &String| {
            !n.is_empty()
                && n.len() <= 64
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_.@- /:".contains(&b))
        };
        if names.len() < 2 || !names.iter().all(plain) {
            return None;
        }
        // `Pod Name` is `podname`. CloudWatch Logs Insights writes `@message`, `@logStream`,
        // and `@log` for the log group (never the line): names as written are matched first.
        let plain_names: Vec<String> = names
            .iter()
            .map(|n| n.to_ascii_lowercase().replace(' ', ""))
            .collect();
        let find = |wanted: &[&str]| {
            let exact = wanted
                .iter()
                .find_map(|w| plain_names.iter().position(|n| n == w));
            exact.or_else(|| {
                wanted.iter().find_map(|w| {
                    plain_names
                        .iter()
                        .position(|n| n != "@log" && n.trim_start_matches('@') == *w)
                })
            })
        };
        let time = find(&TIME_NAMES)?;
        let message = find(&MESSAGE_NAMES)?;
        let source = find(&SOURCE_NAMES).filter(|s| *s != time && *s != message);
        (time != message).then(|| Layout {
            separator,
            columns: names.len(),
            time,
            message,
            names: [
                names[time].clone(),
                names[message].clone(),
                source.map_or(String::new(), |s| names[s].clone()),
            ],
            source,
        })
    }

    /// The columns in words: "time `Timestamp`, log line `Log`, source `PodName`".
    pub(crate) fn describe(&self) -> String {
        let [time, message, source] = &self.names;
        let mut text = format!("time `{time}`, log line `{message}`");
        if !source.is_empty() {
            text.push_str(&format!(", source `{source}`"));
        }
        text
    }
}

/// One field of a row: its bytes' range in the line, quotes included.
#[derive(Debug, Clone, Copy)]
struct Field {
    start: usize,
    end: usize,
}

impl Field {
    /// The field as written, quotes included.
    fn raw(self, line: &[u8]) -> &[u8] {
        let raw = &line[self.start..self.end];
        match raw {
            [b'"', inner @ .., b'"'] => inner,
            _ => raw,
        }
    }
}

/// Splits a row into fields (RFC 4180: a quoted field may hold the separator and `""`);
/// `false` when a quote is still open at the end of the line.
fn split(line: &[u8], separator: u8, out: &mut Vec<Field>) -> bool {
    out.clear();
    let mut start = 0;
    loop {
        let end = if line.get(start) == Some(&b'"') {
            let mut at = start + 1;
            loop {
                match memchr::memchr(b'"', &line[at..]) {
                    None => return false,
                    Some(i) if line.get(at + i + 1) == Some(&b'"') => at += i + 2,
                    Some(i) => break at + i + 1,
                }
            }
        } else {
            memchr::memchr(separator, &line[start..]).map_or(line.len(), |i| start + i)
        };
        out.push(Field { start, end });
        match line.get(end) {
            Some(b) if *b == separator => start = end + 1,
            // Bytes after a closing quote: not CSV as written by an exporter.
            Some(_) => return false,
            None => return true,
        }
    }
}

/// A field's text, `""` turned back into `"` (into `buffer` only when it has any).
fn unquoted<'a>(raw: &'a [u8], buffer: &'a mut Vec<u8>) -> &'a [u8] {
    if memchr::memmem::find(raw, b"\"\"").is_none() {
        return raw;
    }
    buffer.clear();
    let mut rest = raw;
    while let Some(i) = memchr::memmem::find(rest, b"\"\"") {
        buffer.extend_from_slice(&rest[..=i]);
        rest = &rest[i + 2..];
    }
    buffer.extend_from_slice(rest);
    buffer
}

/// Reads data rows with a layout, reusing its buffers row after row.
#[derive(Debug)]
pub(crate) struct RowReader {
    layout: Layout,
    fields: Vec<Field>,
    message: Vec<u8>,
    inner: Vec<u8>,
}

impl RowReader {
    /// A reader of rows laid out as `layout` says.
    pub fn new(layout: Layout) -> RowReader {
        RowReader {
            layout,
            fields: Vec::new(),
            message: Vec::new(),
            inner: Vec::new(),
        }
    }

    /// Reads one line: a header sets the columns for the rows after it (a marker); a row is
    /// its log line's entry and the name of the source that wrote it.
    pub fn read<'b>(&'b mut self, line: &'b [u8]) -> (Entry<'b>, Option<&'b [u8]>) {
        if let Some(layout) = Layout::from_header(line) {
            self.layout = layout;
            return (Entry::Marker, None);
        }
        let RowReader {
            layout,
            fields,
            message,
            inner,
        } = self;
        if !split(line, layout.separator, fields) || fields.len() < layout.columns {
            // A quoted log line holding line breaks: the rest of the record.
            return (Entry::Continuation, None);
        }
        if fields.len() > layout.columns {
            return (Entry::Unreadable(MORE_FIELDS), None);
        }
        let field = |i: usize| fields[i].raw(line);
        let Some(when) = read_time(field(layout.time)) else {
            return (Entry::Unreadable(NO_TIME), None);
        };
        let source = layout
            .source
            .map(field)
            .map(<[u8]>::trim_ascii)
            .filter(|s| !s.is_empty() && s.len() <= MAX_SOURCE_NAME);
        let text = unquoted(field(layout.message), message);
        (log_line(text, when, inner), source)
    }
}

const MORE_FIELDS: &str = "more fields than the CSV header names";
const NO_TIME: &str = "no readable time in the CSV row's time column";

/// A line read alone, without its file's header (sniffing, `--format`): a header is a marker;
/// in a row, the first field that reads as a time is the time and the longest field the log
/// line. The file's reader uses the header's columns instead.
pub fn read(line: &[u8]) -> Entry<'_> {
    if Layout::from_header(line).is_some() {
        return Entry::Marker;
    }
    let mut fields = Vec::new();
    if !split(line, b',', &mut fields) || fields.len() < 2 {
        return Entry::Unreadable("not a CSV row");
    }
    let Some(when) = fields.iter().find_map(|f| read_time(f.raw(line))) else {
        return Entry::Unreadable(NO_TIME);
    };
    let longest = fields.iter().map(|f| f.raw(line)).max_by_key(|r| r.len());
    match longest {
        // Unquoting and unwrapping need buffers this reader does not have: the text as is.
        Some(text) if !text.trim_ascii().is_empty() => container::plain_message(text, when, b"csv"),
        _ => Entry::Marker,
    }
}

/// The layout of the first header row in a file's head.
pub(crate) fn first_header(head: &[u8]) -> Option<Layout> {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    head.split(|&b| b == b'\n')
        .map(super::common::strip_cr)
        .find(|l| !l.trim_ascii().is_empty())
        .and_then(Layout::from_header)
}

/// Why a file is a table of metrics and not a log: a header row naming a time column and no
/// log column (`timestamp,value`, `time,cpu,mem`), then rows whose other fields are numbers.
/// `None` for anything else.
pub(crate) fn metrics_not_logs(head: &[u8], complete: bool) -> Option<String> {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(super::common::strip_cr)
        .filter(|l| !l.trim_ascii().is_empty());
    let header = lines.next()?;
    let separator = [b',', b';', b'\t']
        .into_iter()
        .find(|s| memchr::memchr(*s, header).is_some())?;
    let names: Vec<String> = header
        .split(|&b| b == separator)
        .map(|n| {
            String::from_utf8_lossy(n)
                .trim()
                .trim_matches('"')
                .to_ascii_lowercase()
        })
        .collect();
    let plain = |n: &String| {
        !n.is_empty()
            && n.len() <= 64
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.@- /:()%".contains(&b))
    };
    let time = names
        .iter()
        .position(|n| TIME_NAMES.contains(&n.trim_start_matches('@')))?;
    if names.len() < 2
        || !names.iter().all(plain)
        || names
            .iter()
            .any(|n| MESSAGE_NAMES.contains(&n.trim_start_matches('@')))
    {
        return None;
    }
    let number = |f: &[u8]| {
        let f = f.trim_ascii();
        let f = f
            .strip_prefix(b"\"")
            .and_then(|f| f.strip_suffix(b"\""))
            .unwrap_or(f);
        f.is_empty() || std::str::from_utf8(f).is_ok_and(|t| t.parse::<f64>().is_ok())
    };
    let mut rows: Vec<&[u8]> = lines.take(17).collect();
    if !complete || rows.len() == 17 {
        // The head's last line may be cut: it does not vote.
        rows.pop();
    }
    let whole = rows;
    let all_numbers = !whole.is_empty()
        && whole.iter().all(|row| {
            let fields: Vec<&[u8]> = row.split(|&b| b == separator).collect();
            fields.len() == names.len()
                && read_time(fields[time]).is_some()
                && fields
                    .iter()
                    .enumerate()
                    .all(|(i, f)| i == time || number(f))
        });
    all_numbers.then(|| {
        format!(
            "metrics, not log lines: the CSV header `{}` names a time and numbers, no log line",
            String::from_utf8_lossy(header).trim()
        )
    })
}

/// The layout of the last header row in `text` (whole lines), if it has one: exports joined
/// with `cat` repeat theirs. Rows are passed over by their bytes before any is split: a
/// header holds only plain names, separators and quotes.
pub(crate) fn last_header(text: &[u8]) -> Option<Layout> {
    let header_bytes =
        |b: &u8| b.is_ascii_alphanumeric() || b"_.@- /:,;\t\"\r\xef\xbb\xbf".contains(b);
    text.rsplit(|&b| b == b'\n')
        .filter(|l| l.len() <= MAX_HEADER && !l.is_empty() && l.iter().all(header_bytes))
        .find_map(|l| Layout::from_header(super::common::strip_cr(l)))
}

/// A header names fewer than a hundred columns of at most 64 bytes.
const MAX_HEADER: usize = 100 * 66;

/// How many of `lines` (the sampled lines after the header) read as rows of `layout`.
pub(crate) fn rows_read(layout: &Layout, lines: &[&[u8]]) -> usize {
    let mut reader = RowReader::new(layout.clone());
    lines
        .iter()
        .filter(|l| {
            matches!(
                reader.read(l).0,
                Entry::Message(_) | Entry::Request(_) | Entry::Marker
            )
        })
        .count()
}

/// Logs exported as CSV.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::CsvExport,
    name: "log export (CSV)",
    meaning: Meaning::MaybeRequests,
    zone_less: false,
    every_line_has_offset: false,
    accepts: |line| Layout::from_header(line).is_some(),
    read,
    documents: None,
};

#[cfg(test)]
mod tests;
