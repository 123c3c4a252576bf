//! Parse: one module per log format, each a nom parser over `&[u8]` lines, plus the sniffer
//! that decides, from a file's first lines, which format it holds (content, never the name).

pub mod alertmanager;
pub mod alerts;
pub mod ansi;
pub mod apache_error;
pub mod app_log;
pub mod aws_lb;
pub mod cause;
pub mod cloud_logging;
pub mod cloudwatch;
pub mod common;
pub mod compose;
pub mod container;
pub mod csv_export;
pub mod database;
pub mod docker;
pub mod elasticsearch;
pub mod entry;
pub mod envoy;
pub mod export;
pub mod export_lines;
pub mod haproxy;
pub mod json_fields;
pub mod json_scan;
pub mod json_stream;
pub mod jsonl;
pub mod klog;
pub mod kube_events;
pub mod layout;
pub mod log_format;
pub mod logfmt;
pub mod loghub;
pub mod loki;
pub mod meaning;
pub mod nginx_access;
pub mod nginx_error;
pub mod otlp;
pub mod packages;
pub mod pager;
pub mod reader;
pub mod redis;
pub mod registry;
pub mod spec;
pub mod splunk;
pub mod syslog;
pub mod uwsgi;
mod vote;
pub mod w3c;
pub mod zap;
pub mod zone_names;
use vote::{prefer_requests, voters};

use serde::Serialize;

pub use spec::Format;

impl Format {
    /// Every format, in sniffing order (see [`registry`]).
    pub fn all() -> impl Iterator<Item = Format> {
        registry::all().map(|s| s.format)
    }

    /// Its entry in the registry.
    pub fn spec(self) -> &'static registry::FormatSpec {
        registry::spec(self)
    }

    /// The name in JSON and in `--format GLOB=NAME`: `nginx_access`, `pagerduty`…
    pub fn id(self) -> String {
        crate::name::serde_name(&self)
    }

    /// Reads a format name: `nginx_access`, `nginx-access` and `nginx access` alike.
    pub(crate) fn from_name(name: &str) -> Option<Format> {
        let wanted = name.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Format::all().find(|f| f.id() == wanted)
    }

    /// Whether a record of this format can span lines (a traceback under an error line,
    /// PostgreSQL's `DETAIL:`, an entry of apt's history): its chunks end before a line that
    /// starts a record, so a record is read whole by one worker.
    pub(crate) fn has_multi_line_records(self) -> bool {
        matches!(
            self,
            Format::AppLog
                | Format::Syslog
                | Format::NginxError
                | Format::ApacheError
                | Format::Postgres
                | Format::Mysql
                | Format::Klog
                | Format::AptHistory
                | Format::ZapConsole
        )
    }

    /// Whether a record's continuation lines may be any text, not only indented or traceback
    /// lines: an application dumps a request body or a result under its line, a slow query
    /// log writes the statement under `# Time:`. Prose under syslog lines is not syslog.
    pub(crate) fn continues_with_any_text(self) -> bool {
        matches!(self, Format::AppLog | Format::Mysql)
    }

    /// Whether `line` of this format starts a record (see [`Self::has_multi_line_records`]).
    pub fn starts_record(self, line: &[u8]) -> bool {
        !(self.spec().read)(line).continues_record()
    }

    /// Alert histories: JSON documents read whole (by [`alerts::read_document`]), not line
    /// by line.
    pub fn is_alerts(self) -> bool {
        let documents = self.spec().documents;
        matches!(documents.map(|d| d.records), Some(spec::Records::Alerts))
    }

    /// Formats read whole, by JSON document, not line by line (alerts, events, exports).
    pub(crate) fn is_document(self) -> bool {
        self.spec().documents.is_some()
    }

    /// Whether the kubelet writes its files (under `/var/log/pods/NAMESPACE_POD_UID/CONTAINER/`),
    /// so that a file's path names its pod.
    pub fn written_by_kubelet(self) -> bool {
        matches!(self, Format::Cri)
    }

    /// Whether lines carry no zone, so `--tz` places them.
    pub(crate) fn zone_less(self) -> bool {
        self.spec().zone_less
    }

    /// The name shown to people: `nginx access`.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// What its records are, for the stages after aggregation.
    pub fn meaning(self) -> registry::Meaning {
        self.spec().meaning
    }

    /// Whether a line of this format parses (continuation lines do not count either way).
    fn accepts(self, line: &[u8]) -> bool {
        (self.spec().accepts)(line)
    }
}

/// What the sniffer concluded about one file, and why.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Detection {
    /// The format decided on.
    pub format: Format,
    /// Sampled lines that parsed as `format`, out of `sampled`.
    pub matched: usize,
    /// Lines sampled (blank and continuation lines left out).
    pub sampled: usize,
    /// The next best format and how many sampled lines it parsed.
    pub runner_up: Option<(Format, usize)>,
    /// Syslog written with `Mon dd hh:mm:ss` stamps: the year must be inferred.
    pub year_less: bool,
    /// Syslog with full dates but no zone (`Mar  7 2008 19:06:53`): placed like zone-less
    /// formats.
    #[serde(skip)]
    pub local_time: bool,
    /// Access logs read with a custom `log_format`: its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<String>,
    /// Given, not detected: the rule that said so (`--format nginx/*`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_by: Option<String>,
    /// A CSV export: which columns its header names for the time, the log line and the
    /// source.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub columns: Option<String>,
}

impl Detection {
    /// Why, in words: `62 of 64 sampled lines parse as syslog (next: …)`.
    pub fn explain(&self) -> String {
        if let Some(name) = &self.log_format {
            return format!(
                "{} of {} sampled lines parse with log_format {name}",
                self.matched, self.sampled
            );
        }
        if let Some(rule) = &self.given_by {
            return format!(
                "given with {rule}; {} of {} sampled lines parse as {}",
                self.matched,
                self.sampled,
                self.format.name()
            );
        }
        if self.format.is_document() {
            return format!("the first JSON document reads as {}", self.format.name());
        }
        if let Some(columns) = &self.columns {
            return format!(
                "its CSV header names the columns: {columns}; {} of {} sampled rows read",
                self.matched, self.sampled
            );
        }
        let mut text = format!(
            "{} of {} sampled lines parse as {}",
            self.matched,
            self.sampled,
            self.format.name()
        );
        if let Some((other, n)) = self.runner_up {
            text.push_str(&format!(" (next: {} with {})", other.name(), n));
        }
        text
    }
}

#[derive(Debug, Clone, PartialEq)]
/// What the sniffer made of a file.
pub enum Sniffed {
    /// A log, and how to read it.
    Log(Detection),
    /// Not text: the reason says what gave it away.
    Binary(String),
    /// Text, but no format reads enough of it.
    Unknown(String),
    /// Nothing but whitespace.
    Empty,
}

/// How many lines the sniffer tries.
pub(crate) const SNIFF_LINES: usize = 64;

/// Known binary signatures, so the skip message can name them.
fn binary_signature(sample: &[u8]) -> Option<&'static str> {
    const SIGNATURES: [(&[u8], &str); 5] = [
        (b"\x7fELF", "an ELF executable or core dump"),
        (b"\x89PNG", "a PNG image"),
        (b"PK\x03\x04", "a zip archive"),
        (b"%PDF", "a PDF document"),
        (b"\xff\xd8\xff", "a JPEG image"),
    ];
    SIGNATURES
        .iter()
        .find(|(magic, _)| sample.starts_with(magic))
        .map(|(_, name)| *name)
}

/// Fewer bytes of text than this beside NUL bytes: nothing to read.
const MIN_TEXT_BESIDE_NUL: usize = 256;

/// Whether a sample is binary. NUL bytes alone do not make it so: a log written through a
/// crash is often padded with a run of NULs, and its other lines are still worth reading.
fn binary_reason(sample: &[u8]) -> Option<String> {
    if let Some(name) = binary_signature(sample) {
        return Some(format!("binary: looks like {name}"));
    }
    // Runs of NUL bytes (padding left by a crash) are not judged: the text around them is.
    let nul = memchr::memchr_iter(0, sample).count();
    if nul > 0 && sample.len() - nul < MIN_TEXT_BESIDE_NUL {
        return Some(format!(
            "binary: {nul} NUL bytes and almost no text in the first {} bytes",
            sample.len()
        ));
    }
    let control = sample
        .iter()
        .filter(|&&b| b != 0 && b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x1b | 0x0c))
        .count();
    if control * 10 > sample.len() - nul {
        return Some(format!(
            "binary: {control} control bytes in the first {} bytes",
            sample.len()
        ));
    }
    // Text in Latin-1 or with a stray byte has a few bytes that are not UTF-8; compressed or
    // random data has about half of them.
    let not_utf8: usize = sample.utf8_chunks().map(|c| c.invalid().len()).sum();
    if not_utf8 * 4 > sample.len() {
        return Some(format!(
            "binary: {not_utf8} of the first {} bytes are not text (UTF-8)",
            sample.len()
        ));
    }
    (memchr::memchr(b'\n', sample).is_none() && nul > 0).then(|| {
        format!(
            "binary: NUL bytes and no line break in the first {} bytes",
            sample.len()
        )
    })
}

/// Which document format (alert history, events, export) the sample holds, if any (NDJSON or
/// pretty-printed documents).
fn sniff_documents(sample: &[u8], complete: bool) -> Option<Format> {
    if let Some(format) = sniff_export(sample) {
        return Some(format);
    }
    let mut stream =
        serde_json::Deserializer::from_slice(sample).into_iter::<&serde_json::value::RawValue>();
    let (format, _) = match stream.next() {
        Some(Ok(raw)) => {
            let doc = spec::FirstDocument::new(raw);
            recognition().find(|(_, r)| r.first_document.is_some_and(|is| is(&doc)))
        }
        // A large pretty-printed document cut by the sample: judge by its keys.
        Some(Err(e)) if e.is_eof() && !complete => {
            recognition().find(|(_, r)| r.cut_document.is_some_and(|keys| keys(sample)))
        }
        _ => None,
    }?;
    Some(format)
}

/// Each document format with how it is told, in the registry's order.
fn recognition() -> impl Iterator<Item = (Format, spec::Recognise)> {
    (registry::DOCUMENT_FORMATS.iter()).filter_map(|s| Some((s.format, s.documents?.recognise)))
}

/// The streamed export whose keys a file's head holds: told before any document is parsed,
/// whole or cut, since a response may be a gigabyte on one line.
fn sniff_export(sample: &[u8]) -> Option<Format> {
    let (format, _) = recognition().find(|(_, r)| r.head_keys.is_some_and(|keys| keys(sample)))?;
    Some(format)
}

/// Decides a file's format from its first bytes. `complete` says the sample is the whole
/// file (otherwise its last, possibly cut, line is ignored).
pub fn sniff(sample: &[u8], complete: bool) -> Sniffed {
    // NUL padding at the head is judged apart: the text after it decides.
    let padding = sample.iter().take_while(|&&b| b == 0).count();
    if padding > 0 && padding == sample.len() {
        return Sniffed::Binary(format!(
            "binary: only NUL bytes in the first {padding} bytes"
        ));
    }
    let sample = &sample[padding..];
    let sample = sample.strip_prefix(b"\xef\xbb\xbf").unwrap_or(sample);
    let stripped = ansi::strip(sample);
    let sample = &stripped[..];
    if sample.iter().all(u8::is_ascii_whitespace) {
        return Sniffed::Empty;
    }
    if let Some(reason) = binary_reason(sample) {
        return Sniffed::Binary(reason);
    }
    if let Some(reason) = csv_export::metrics_not_logs(sample, complete) {
        return Sniffed::Unknown(reason);
    }
    let first = sample.iter().find(|b| !b.is_ascii_whitespace());
    let document = match first {
        Some(b'{') => sniff_documents(sample, complete),
        Some(b'[') => sniff_export(sample),
        _ => None,
    };
    if let Some(format) = document {
        return Sniffed::Log(Detection {
            format,
            matched: 1,
            sampled: 1,
            runner_up: None,
            year_less: false,
            local_time: false,
            log_format: None,
            given_by: None,
            columns: None,
        });
    }
    let usable = if complete {
        sample
    } else {
        match memchr::memrchr(b'\n', sample) {
            Some(i) => &sample[..i],
            None => sample,
        }
    };
    let non_blank: Vec<&[u8]> = usable
        .split(|&b| b == b'\n')
        .map(common::strip_cr)
        .filter(|l| !l.trim_ascii().is_empty())
        .take(SNIFF_LINES)
        .collect();
    // Indented lines and a traceback's lines continue a record in several formats: they
    // neither vote nor count.
    let lines: Vec<&[u8]> = non_blank
        .iter()
        .copied()
        .filter(|l| {
            !syslog::is_continuation(l)
                && !syslog::is_journal_marker(l)
                && !cause::is_traceback_line(l)
        })
        .collect();
    // A CSV export is told by its header, which no other format writes; its rows alone could
    // pass for application-log lines.
    if let Some((first, rows)) = lines.split_first()
        && let Some(layout) = csv_export::Layout::from_header(first)
    {
        let read = csv_export::rows_read(&layout, rows);
        if read * 2 >= rows.len() {
            return Sniffed::Log(Detection {
                format: Format::CsvExport,
                matched: read,
                sampled: rows.len(),
                runner_up: None,
                year_less: false,
                local_time: false,
                log_format: None,
                given_by: None,
                columns: Some(layout.describe()),
            });
        }
    }
    let mut scores: Vec<(usize, Format)> = registry::LINE_FORMATS
        .iter()
        .map(|spec| {
            let votes = lines.iter().filter(|l| (spec.accepts)(l)).count();
            (votes, spec.format)
        })
        .collect();
    // Highest score first; ties keep the declared order (stable sort).
    scores.sort_by_key(|s| std::cmp::Reverse(s.0));
    prefer_requests(&mut scores, lines.len());
    let (best, format) = scores[0];
    let runner_up = scores.get(1).filter(|s| s.0 > 0).map(|s| (s.1, s.0));
    if best == 0 || best * 2 < voters(format, &lines) {
        return Sniffed::Unknown(match best {
            0 => format!(
                "no known format reads any of the first {}",
                crate::name::count(non_blank.len(), "line", "lines")
            ),
            _ => {
                let closest: Vec<String> = scores
                    .iter()
                    .take(3)
                    .filter(|s| s.0 > 0)
                    .map(|(n, f)| format!("{}, {n} of {}", f.name(), lines.len()))
                    .collect();
                format!(
                    "no known format reads half of the first {} lines (closest: {})",
                    lines.len(),
                    closest.join("; ")
                )
            }
        });
    }
    let (year_less, local_time) = stamp_kind(format, &lines);
    Sniffed::Log(Detection {
        format,
        matched: best,
        sampled: lines.len(),
        runner_up,
        year_less,
        local_time,
        log_format: None,
        given_by: None,
        columns: None,
    })
}

/// The sampled lines (blank and continuation lines left out) that formats vote with.
pub(crate) fn sample_lines(sample: &[u8]) -> Vec<&[u8]> {
    let sample = sample.strip_prefix(b"\xef\xbb\xbf").unwrap_or(sample);
    sample
        .split(|&b| b == b'\n')
        .map(common::strip_cr)
        .filter(|l| {
            !l.trim_ascii().is_empty()
                && !syslog::is_continuation(l)
                && !cause::is_traceback_line(l)
        })
        .take(SNIFF_LINES)
        .collect()
}

/// The detection for an access log read with a custom `log_format`.
pub(crate) fn with_log_format(name: &str, matched: usize, sampled: usize) -> Detection {
    Detection {
        format: Format::NginxAccess,
        matched,
        sampled,
        runner_up: None,
        year_less: false,
        local_time: false,
        log_format: Some(name.to_string()),
        given_by: None,
        columns: None,
    }
}

/// For syslog: whether the first stamped line lacks the year, or has a date but no zone.
/// The month, day and clock of a line written without a year (classic syslog, klog), read
/// with `format`.
pub(crate) fn year_less_civil(format: Format, line: &[u8]) -> Option<crate::time::Civil> {
    let line = common::strip_cr(line);
    if format == Format::Syslog {
        return match syslog::parse(line)?.stamp {
            syslog::SyslogStamp::YearLess(c) => Some(c),
            syslog::SyslogStamp::Dated { .. } | syslog::SyslogStamp::Local(_) => None,
        };
    }
    match (format.spec().read)(line).when()? {
        entry::When::YearLess(c) => Some(c),
        _ => None,
    }
}

/// The year of a line `format` reads with a full date (a year written in it); `None` for a
/// year-less line or one without a time.
pub(crate) fn dated_year(format: Format, line: &[u8]) -> Option<i32> {
    let micros = match (format.spec().read)(common::strip_cr(line)).when()? {
        entry::When::Local(c) => return Some(c.year),
        entry::When::Utc(t) | entry::When::Offset { time: t, .. } => t,
        entry::When::YearLess(_) => return None,
    };
    crate::time::to_naive(micros).map(|d| chrono::Datelike::year(&d))
}

fn stamp_kind(format: Format, lines: &[&[u8]]) -> (bool, bool) {
    if format != Format::Syslog {
        let year_less = lines.iter().any(|l| year_less_civil(format, l).is_some());
        return (year_less, false);
    }
    match lines.iter().find_map(|l| syslog::parse(l)).map(|s| s.stamp) {
        Some(syslog::SyslogStamp::YearLess(_)) => (true, false),
        Some(syslog::SyslogStamp::Local(_)) => (false, true),
        _ => (false, false),
    }
}

/// The detection for a file whose format was given (`--format GLOB=FORMAT`): how well the
/// sample agrees is still measured and shown, so a wrong rule is visible in `scan`.
pub fn given(format: Format, sample: &[u8], rule: String) -> Detection {
    let sample = sample.strip_prefix(b"\xef\xbb\xbf").unwrap_or(sample);
    let lines: Vec<&[u8]> = sample
        .split(|&b| b == b'\n')
        .map(common::strip_cr)
        .filter(|l| !l.trim_ascii().is_empty() && !syslog::is_continuation(l))
        .take(SNIFF_LINES)
        .collect();
    let matched = match format.is_document() {
        true => usize::from(sniff_documents(sample, true) == Some(format)),
        false => lines.iter().filter(|l| format.accepts(l)).count(),
    };
    let (year_less, local_time) = stamp_kind(format, &lines);
    Detection {
        format,
        matched,
        sampled: if format.is_document() { 1 } else { lines.len() },
        runner_up: None,
        year_less,
        local_time,
        log_format: None,
        given_by: Some(rule),
        columns: None,
    }
}

#[cfg(test)]
mod tests;
