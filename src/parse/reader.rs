//! One file's reader: its format and what that format keeps about the file (the compiled
//! `log_format` of a custom access log, W3C's directives, a CSV export's header). It is built
//! once, when the file is sniffed, travels in a plan as it is, and is moved past each chunk in
//! file order ([`FileReader::after`]) so that every chunk starts from the state the lines
//! before it left. This is the one place a chunk's lines meet their format's parser: the
//! stages around it carry a `FileReader` and never ask which format it reads.

use std::sync::Arc;

use super::entry::Entry;
use super::layout::{self, HeadLayout};
use super::log_format::LogFormat;
use super::spec::Format;
use super::{csv_export, docker, export_lines, nginx_access, syslog, w3c};

/// How the lines of one file are read.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FileReader {
    format: Format,
    state: State,
}

/// What a format keeps about a file beyond each line.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum State {
    /// Nothing: every line says all there is to know.
    Lines,
    /// An access log written with a custom `log_format`: its compiled parser.
    LogFormat(Arc<LogFormat>),
    /// The directives or the header row the lines so far declared.
    Layout(Arc<HeadLayout>),
}

/// Where a chunk's entries go (the aggregate stage's worker), and the line loop whose
/// bookkeeping every format shares (counts, NUL padding, blank lines). Generic, not `dyn`:
/// the busiest parsers are inlined into the loop.
pub trait LineSink {
    /// Hands every line of `data` to `handle` with its number, counted from 1.
    fn each_line<'d>(&mut self, data: &'d [u8], handle: impl FnMut(&mut Self, &'d [u8], u64));
    /// Takes the entry read from line `line`.
    fn entry(&mut self, entry: Entry<'_>, line: u64);
    /// Takes an entry of the source `source` names (an export's pod or host).
    fn entry_from(&mut self, entry: Entry<'_>, line: u64, source: Option<&[u8]>);
    /// Takes a line that continues the record before it (its text may name the cause).
    fn continuation(&mut self, line: &[u8]);
}

impl FileReader {
    /// A reader of `format` with nothing learnt about the file.
    pub fn plain(format: Format) -> FileReader {
        FileReader {
            format,
            state: State::Lines,
        }
    }

    /// The reader of a file of `format` whose first bytes are `head`; `log_format` is the
    /// custom access-log format its lines were found written in, if any.
    pub(crate) fn for_file(
        format: Format,
        head: &[u8],
        log_format: Option<Arc<LogFormat>>,
    ) -> Self {
        let state = match (log_format, layout::of_head(format, head)) {
            (Some(compiled), _) => State::LogFormat(compiled),
            (None, Some(declared)) => State::Layout(Arc::new(declared)),
            (None, None) => State::Lines,
        };
        FileReader { format, state }
    }

    /// The format it reads.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Whether one record may run over several lines, so that chunks are cut where a record
    /// starts. A custom `log_format` writes one request a line.
    pub(crate) fn has_multi_line_records(&self) -> bool {
        !matches!(self.state, State::LogFormat(_)) && self.format.has_multi_line_records()
    }

    /// The reader after `text` (whole lines) when they change what it keeps (a new W3C
    /// `#Fields:`, a CSV header met again with other columns); `None` when they do not.
    pub fn after(&self, text: &[u8]) -> Option<FileReader> {
        let State::Layout(declared) = &self.state else {
            return None;
        };
        let next = declared.after(text)?;
        Some(FileReader {
            format: self.format,
            state: State::Layout(Arc::new(next)),
        })
    }

    /// The reader at byte `start` of the plain file at `path` (where a byte range of a plan
    /// starts): the lines before `start` followed, when the format keeps what they declare.
    pub(crate) fn at_offset(
        &self,
        path: &std::path::Path,
        start: u64,
    ) -> std::io::Result<FileReader> {
        match &self.state {
            State::Layout(head) if start > 0 => Ok(FileReader {
                format: self.format,
                state: State::Layout(Arc::new(layout::at_offset(path, start, head)?)),
            }),
            _ => Ok(self.clone()),
        }
    }

    /// What the lines so far declared (W3C directives, a CSV header), if the format keeps it.
    fn declared(&self) -> Option<&HeadLayout> {
        match &self.state {
            State::Layout(declared) => Some(declared),
            State::Lines | State::LogFormat(_) => None,
        }
    }

    /// Reads every line of `data` into `sink`.
    pub fn fold<S: LineSink>(&self, data: &[u8], sink: &mut S) {
        // The busiest formats get a loop of their own with the parser inlined (a call through
        // the registry's fn pointer is not): 10 % of the time on a plain access log.
        match (&self.state, self.format) {
            (State::LogFormat(compiled), _) => {
                fold_each(sink, data, |line| match compiled.parse(line) {
                    Some(access) => access.entry(),
                    None => Entry::Unreadable(nginx_access::NOT_ACCESS),
                })
            }
            (_, Format::NginxAccess) => fold_each(sink, data, nginx_access::read),
            (_, Format::Syslog) => fold_each(sink, data, syslog::read),
            (_, Format::DockerJson) => fold_docker(sink, data),
            (_, Format::W3c) => {
                // A `#Fields:` changes the columns for the lines after it.
                let mut directives = match self.declared() {
                    Some(HeadLayout::W3c(declared)) => declared.clone(),
                    _ => w3c::Reader::default(),
                };
                fold_each(sink, data, move |line| directives.read(line))
            }
            (_, Format::CsvExport) if let Some(HeadLayout::Csv(columns)) = self.declared() => {
                // The header's columns, and the buffers the rows reuse.
                let mut rows = csv_export::RowReader::new(columns.clone());
                sink.each_line(data, |s, line, n| {
                    let (entry, source) = rows.read(line);
                    s.entry_from(entry, n, source);
                })
            }
            (_, Format::ExportLines) => {
                // Each record's line is read by its own format, with the source its labels name.
                let mut rows = export_lines::LineReader::default();
                sink.each_line(data, |s, line, n| {
                    rows.read(line, &mut |entry, source| s.entry_from(entry, n, source));
                })
            }
            (_, other) => fold_each(sink, data, other.spec().read),
        }
    }
}

/// Every line read on its own with `read`.
#[inline]
fn fold_each<'d, S: LineSink>(
    sink: &mut S,
    data: &'d [u8],
    mut read: impl FnMut(&'d [u8]) -> Entry<'d>,
) {
    sink.each_line(data, |s, line, n| match read(line) {
        Entry::Continuation => s.continuation(line),
        entry => s.entry(entry, n),
    });
}

/// Docker's json-file lines: the wrapped line is unescaped into one buffer, reused line
/// after line.
fn fold_docker<S: LineSink>(sink: &mut S, data: &[u8]) {
    let mut buffer = Vec::new();
    sink.each_line(data, |s, line, n| {
        let Some(envelope) = docker::envelope(line) else {
            return s.entry(docker::read(line), n);
        };
        match docker::unescape(envelope.escaped, &mut buffer) {
            Some(()) => s.entry(docker::read_record(&envelope, &buffer), n),
            None => s.entry(Entry::Unreadable("a broken escape in its log string"), n),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collects what a reader hands over, as text.
    #[derive(Default)]
    struct Collected(Vec<String>);

    impl LineSink for Collected {
        fn each_line<'d>(
            &mut self,
            data: &'d [u8],
            mut handle: impl FnMut(&mut Self, &'d [u8], u64),
        ) {
            for (i, line) in crate::read::lines(data).enumerate() {
                handle(self, line, i as u64 + 1);
            }
        }
        fn entry(&mut self, entry: Entry<'_>, line: u64) {
            self.entry_from(entry, line, None);
        }
        fn entry_from(&mut self, entry: Entry<'_>, line: u64, source: Option<&[u8]>) {
            let kind = match entry {
                Entry::Request(r) => format!("request {}", r.status),
                Entry::Message(_) => "message".into(),
                Entry::Unreadable(why) => format!("unreadable: {why}"),
                _ => "other".into(),
            };
            let source = source.map(String::from_utf8_lossy).unwrap_or_default();
            self.0
                .push(format!("{line} {kind} {source}").trim_end().to_string());
        }
        fn continuation(&mut self, _: &[u8]) {
            self.0.push("continuation".into());
        }
    }

    fn read(reader: &FileReader, data: &[u8]) -> Vec<String> {
        let mut sink = Collected::default();
        reader.fold(data, &mut sink);
        sink.0
    }

    #[test]
    fn w3c_columns_declared_in_the_head_are_kept_and_a_new_fields_line_changes_them() {
        let head = b"#Fields: date time c-ip cs-method cs-uri-stem sc-status\n";
        let reader = FileReader::for_file(Format::W3c, head, None);
        let chunk = b"2024-05-01 08:00:00 10.0.0.1 GET / 503\n";
        assert_eq!(read(&reader, chunk), ["1 request 503"]);
        // A plain reader has no columns: the same line is not a request.
        assert_ne!(
            read(&FileReader::plain(Format::W3c), chunk),
            ["1 request 503"]
        );
        let moved = reader
            .after(b"#Fields: date time sc-status cs-method cs-uri-stem c-ip\n")
            .expect("new columns");
        assert_eq!(
            read(&moved, b"2024-05-01 08:00:01 404 GET / 10.0.0.1\n"),
            ["1 request 404"]
        );
        assert_eq!(reader.after(chunk), None, "a request line changes nothing");
    }

    #[test]
    fn a_custom_log_format_reads_every_line_and_cuts_chunks_anywhere() {
        let compiled = LogFormat::compile("timed", "$remote_addr [$time_local] $status", "test")
            .expect("compiles");
        let reader = FileReader::for_file(Format::NginxAccess, b"", Some(Arc::new(compiled)));
        assert!(!reader.has_multi_line_records());
        assert_eq!(
            read(
                &reader,
                b"10.0.0.1 [01/Dec/2026:08:00:00 +0000] 502\nnot a request\n"
            ),
            ["1 request 502", "2 unreadable: not an access log line"]
        );
    }

    #[test]
    fn a_reader_crosses_a_plan_as_it_is() {
        let head = b"time,host,message\n2024-05-01T08:00:00Z,web-1,hello\n";
        let reader = FileReader::for_file(Format::CsvExport, head, None);
        let text = serde_json::to_string(&reader).expect("serialised");
        let back: FileReader = serde_json::from_str(&text).expect("read back");
        assert_eq!(back, reader);
        assert_eq!(read(&back, &head[18..]), ["1 message web-1"]);
    }
}
