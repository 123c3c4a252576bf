//! Document formats: a stream of JSON documents (NDJSON or pretty-printed). Alert histories (an
//! Alertmanager body, a PagerDuty webhook or export, an Opsgenie webhook) are read whole and
//! become alert events with the line they start on; the formats whose documents hold many
//! records (Kubernetes event lists, OpenTelemetry exports) are streamed a segment of whole
//! documents at a time and become entries, each at the line its record starts on, folded like
//! the lines of any log.

use crate::aggregate::chunk::ChunkContext;
use crate::aggregate::{AlertEvent, Event, EventBody, LineRef, Summary};
use crate::error::Error;
use crate::parse::spec::{DocumentReader, Documents};
use crate::parse::{alertmanager, pager};
use crate::read;
use crate::time::Micros;
use serde_json::value::RawValue;

/// Alert files are read whole, and a record document may grow to this; past it they are cut
/// (with a message).
const MAX_DOCUMENT_FILE: u64 = 256 << 20;

/// Reads an alert file whole: a stream of JSON documents, pretty-printed or one per line.
/// A document that does not parse costs one line; reading resumes on the next.
pub(super) fn read_alerts(
    candidate: &crate::discover::Candidate,
    file: usize,
) -> (Summary, Vec<Error>) {
    let (data, errors) = read_whole(candidate);
    let mut summary = Summary::default();
    let mut parsed = read_alert_bytes(&data, file);
    parsed.bytes = data.len() as u64;
    summary.merge_unordered(parsed);
    (summary, errors)
}

/// A document file's bytes, read whole up to [`MAX_DOCUMENT_FILE`] (past it, cut, with a
/// message).
pub(super) fn read_whole(candidate: &crate::discover::Candidate) -> (Vec<u8>, Vec<Error>) {
    use std::io::Read;
    let display = candidate.display.as_str();
    let mut errors = Vec::new();
    let mut data = Vec::new();
    match candidate.open() {
        Ok(o) => {
            if let Err(e) = o.stream.take(MAX_DOCUMENT_FILE).read_to_end(&mut data) {
                errors.push(Error::io(display, e));
            }
        }
        Err(e) => return (data, vec![Error::io(display, e)]),
    }
    if data.len() as u64 >= MAX_DOCUMENT_FILE {
        errors.push(Error::Partial {
            path: display.into(),
            message: format!("document file cut at {MAX_DOCUMENT_FILE} bytes"),
        });
    }
    (data, errors)
}

/// Reads alert documents from bytes: a stream of JSON documents, pretty-printed or one per
/// line. A document that does not parse costs one line (skipped); reading resumes on the next.
pub fn read_alert_bytes(data: &[u8], file: usize) -> Summary {
    let mut summary = Summary::default();
    let mut events = Summary::default();
    walk_documents(data, 0, &mut summary, |doc, _, line| {
        let doc: serde_json::Value =
            serde_json::from_str(doc.get()).map_err(|_| "not a JSON document")?;
        alert_events(&doc, file, line, &mut events)
    });
    summary.merge_unordered(events);
    summary
}

/// Walks a stream of JSON documents (pretty-printed or one per line), handing each to `read`
/// with its byte offset and first line; fills in the line counts of `summary`: every line is
/// counted once, as parsed (a document `read` took) or skipped (with `read`'s reason). A
/// document that does not parse costs one line; walking resumes on the next. Lines are
/// counted as the walk moves, so a large file costs one pass. `lines_before` is the number of
/// lines of the file before `data` (a segment of it).
pub(super) fn walk_documents<'d>(
    data: &'d [u8],
    lines_before: u64,
    summary: &mut Summary,
    mut read: impl FnMut(&'d RawValue, usize, u64) -> Result<(), &'static str>,
) {
    summary.lines = read::lines(data).count() as u64;
    let mut offset = 0;
    // Line number (1-based) at `counted_to`.
    let (mut counted_to, mut line) = (0usize, lines_before + 1);
    let mut line_at = |to: usize| {
        let to = to.min(data.len());
        if to > counted_to {
            line += memchr::memchr_iter(b'\n', &data[counted_to..to]).count() as u64;
            counted_to = to;
        }
        line
    };
    // Each line is counted once, as parsed or skipped, by the first document that touches it.
    let mut accounted_through = lines_before;
    let mut account = |summary: &mut Summary, first: u64, last: u64, parsed: bool, why: &str| {
        let from = first.max(accounted_through + 1);
        if last < from {
            return;
        }
        let n = last - from + 1;
        accounted_through = last;
        if parsed {
            summary.parsed += n;
        } else {
            summary.skipped += n;
            if summary.skipped_examples.len() < crate::aggregate::SKIPPED_EXAMPLES {
                summary.skipped_examples.push((from, why.to_string()));
            }
        }
    };
    while offset < data.len() {
        let rest = &data[offset..];
        let Some(start) = rest.iter().position(|b| !b.is_ascii_whitespace()) else {
            break;
        };
        let mut stream =
            serde_json::Deserializer::from_slice(&rest[start..]).into_iter::<&RawValue>();
        let first_line = line_at(offset + start);
        match stream.next() {
            Some(Ok(doc)) => {
                let end = offset + start + stream.byte_offset();
                let last_line = line_at(end.saturating_sub(1).max(offset + start));
                let read = read(doc, offset + start, first_line);
                account(
                    summary,
                    first_line,
                    last_line,
                    read.is_ok(),
                    read.err().unwrap_or_default(),
                );
                offset = end.max(offset + start + 1);
            }
            _ => {
                account(
                    summary,
                    first_line,
                    first_line,
                    false,
                    "not a JSON document",
                );
                offset += start
                    + memchr::memchr(b'\n', &rest[start..]).map_or(rest.len() - start, |i| i + 1);
            }
        }
    }
    summary.blank = summary
        .lines
        .saturating_sub(summary.parsed + summary.skipped);
}

/// Adds the events of one alert document; the reason it is skipped when it gives none.
fn alert_events(
    doc: &serde_json::Value,
    file: usize,
    line: u64,
    summary: &mut Summary,
) -> Result<(), &'static str> {
    let source = LineRef { file, line };
    let push = |time: Micros, alert: AlertEvent, summary: &mut Summary| {
        summary.saw_time(time);
        summary.events.push(Event {
            time,
            source,
            host: None,
            body: EventBody::Alert(alert),
        });
    };
    if let Some(notices) = alertmanager::notices(doc) {
        for n in notices {
            let time = match n.status {
                alertmanager::AlertStatus::Resolved => {
                    n.ends_at.or(n.received_at).unwrap_or(n.starts_at)
                }
                _ => n.starts_at,
            };
            let alert = AlertEvent {
                name: n.name,
                status: n.status,
                receiver: n.receiver,
                identity: n.identity,
                service: n.service,
                summary: n.summary,
                severity: n.severity,
                starts_at: n.starts_at,
                ends_at: n.ends_at,
                received_at: n.received_at,
                pager: None,
                actor: None,
                target: None,
            };
            push(time, alert, summary);
        }
        return Ok(());
    }
    let Some((_, pages)) = pager::notices(doc) else {
        return Err("JSON, but not an alert webhook or export");
    };
    if pages.is_empty() {
        // A PagerDuty or Opsgenie document without a usable time (or status) tells nothing
        // that can be placed: counted as skipped, not as read.
        return Err("a pager notice without a usable time or status");
    }
    for p in pages {
        let alert = AlertEvent {
            name: p.title,
            status: p.status,
            receiver: String::new(),
            identity: p.identity,
            service: p.service,
            summary: None,
            severity: None,
            starts_at: p.at,
            ends_at: None,
            received_at: Some(p.at),
            pager: Some(p.pager),
            actor: p.actor,
            target: p.target,
        };
        push(p.at, alert, summary);
    }
    Ok(())
}

/// Record documents are streamed in segments of about this size, each cut where no document
/// is open, so memory holds a segment and not the file (an OpenTelemetry export file grows
/// without bound).
const SEGMENT: u64 = 8 << 20;

/// Where documents end, followed through a stream: bracket depth outside strings.
#[derive(Default)]
struct Boundaries {
    depth: u32,
    in_string: bool,
    escaped: bool,
}

impl Boundaries {
    /// Follows `bytes`; the index just past the last newline at which no document is open.
    fn last_cut(&mut self, bytes: &[u8]) -> Option<usize> {
        let mut cut = None;
        for (i, &b) in bytes.iter().enumerate() {
            if self.in_string {
                match b {
                    _ if self.escaped => self.escaped = false,
                    b'\\' => self.escaped = true,
                    // JSON strings hold no raw newline: a broken string ends at the line's
                    // end, so it cannot hide every later boundary.
                    b'"' | b'\n' => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => self.depth = self.depth.saturating_sub(1),
                b'\n' if self.depth == 0 => cut = Some(i + 1),
                _ => {}
            }
        }
        cut
    }
}

/// Reads a file of record documents (see [`crate::parse::spec::FormatSpec::documents`]): each
/// record is folded as a line of the line it starts on. Lines are accounted by document, as
/// for alerts: a document with records is read, one without is skipped with why. The file is
/// streamed a segment at a time; a document still open after [`MAX_DOCUMENT_FILE`] bytes is
/// cut at a line's end (with a message) and reading goes on.
pub(super) fn read_records(
    candidate: &crate::discover::Candidate,
    context: &ChunkContext,
) -> (Summary, Vec<Error>) {
    let display = candidate.display.as_str();
    let opened = match candidate.open() {
        Ok(o) => o,
        Err(e) => return (Summary::default(), vec![Error::io(display, e)]),
    };
    match context.format.spec().documents {
        Some(Documents::Streamed(paths, reader)) => {
            super::exports::read_export(opened.stream, display, context, paths, reader)
        }
        _ => read_record_stream(opened.stream, display, context, SEGMENT),
    }
}

/// [`read_records`] over any stream, in segments of `segment` bytes (small ones in tests).
#[doc(hidden)]
pub fn read_record_stream(
    mut stream: impl std::io::Read,
    display: &str,
    context: &ChunkContext,
    segment: u64,
) -> (Summary, Vec<Error>) {
    use std::io::Read;
    let mut errors = Vec::new();
    let mut fold = RecordFold::new(context);
    let (mut buf, mut boundaries) = (Vec::new(), Boundaries::default());
    loop {
        let before = buf.len();
        let eof = match (&mut stream).take(segment).read_to_end(&mut buf) {
            Ok(n) => n < segment as usize,
            Err(e) => {
                errors.push(Error::io(display, e));
                true
            }
        };
        let cut = boundaries.last_cut(&buf[before..]).map(|c| before + c);
        let end = match cut {
            _ if eof => buf.len(),
            Some(cut) => cut,
            None if buf.len() as u64 >= MAX_DOCUMENT_FILE => {
                errors.push(Error::Partial {
                    path: display.into(),
                    message: format!("a document open after {MAX_DOCUMENT_FILE} bytes was cut"),
                });
                boundaries = Boundaries::default();
                memchr::memrchr(b'\n', &buf).map_or(buf.len(), |i| i + 1)
            }
            None => continue,
        };
        fold.segment(&buf[..end]);
        buf.drain(..end);
        if eof {
            break;
        }
    }
    (fold.finish(), errors)
}

/// [`read_records`] over bytes.
pub fn read_record_bytes(data: &[u8], context: &ChunkContext) -> Summary {
    let mut fold = RecordFold::new(context);
    fold.segment(data);
    fold.finish()
}

/// The records of a file's segments, folded in order, and the walk's line counts.
struct RecordFold<'c> {
    folder: crate::aggregate::chunk::EntryFolder<'c>,
    reader: Option<DocumentReader>,
    lines: Summary,
    bytes: u64,
    digest: u64,
}

impl<'c> RecordFold<'c> {
    fn new(context: &'c ChunkContext) -> RecordFold<'c> {
        RecordFold {
            folder: crate::aggregate::chunk::EntryFolder::new(context),
            reader: match context.format.spec().documents {
                Some(Documents::Whole(read)) => Some(read),
                _ => None,
            },
            lines: Summary::default(),
            bytes: 0,
            digest: 0,
        }
    }

    /// Folds the records of `data`, the next segment (whole documents, whole lines).
    fn segment(&mut self, data: &[u8]) {
        let Some(reader) = self.reader else {
            return;
        };
        let (folder, lines_before) = (&mut self.folder, self.lines.lines);
        let mut counts = Summary::default();
        walk_documents(
            data,
            lines_before,
            &mut counts,
            |doc, offset, first_line| {
                let records = reader(doc).ok_or("a JSON document of another kind")?;
                // Records come in order: lines are counted on from the previous one.
                let (mut at, mut line) = (offset, first_line);
                for record in records {
                    let start =
                        (record.at.as_ptr() as usize).saturating_sub(data.as_ptr() as usize);
                    let start = start.clamp(at, data.len());
                    line += memchr::memchr_iter(b'\n', &data[at..start]).count() as u64;
                    at = start;
                    folder.fold(record.entry, line);
                }
                Ok(())
            },
        );
        self.lines.lines += counts.lines;
        self.lines.parsed += counts.parsed;
        self.lines.blank += counts.blank;
        self.lines.skipped += counts.skipped;
        let room =
            crate::aggregate::SKIPPED_EXAMPLES.saturating_sub(self.lines.skipped_examples.len());
        self.lines
            .skipped_examples
            .extend(counts.skipped_examples.into_iter().take(room));
        self.bytes += data.len() as u64;
        // Two document files of the same size are copies only if their lines agree.
        self.digest = self
            .digest
            .wrapping_add(crate::aggregate::digest::content_digest(data));
    }

    fn finish(self) -> Summary {
        let mut summary = self.folder.finish().summary;
        // The walk's line counts stand: a record is not a line.
        summary.lines = self.lines.lines;
        summary.parsed = self.lines.parsed;
        summary.blank = self.lines.blank;
        summary.skipped = self.lines.skipped;
        summary.skipped_examples.extend(self.lines.skipped_examples);
        summary.skipped_examples.sort();
        summary
            .skipped_examples
            .truncate(crate::aggregate::SKIPPED_EXAMPLES);
        summary.bytes = self.bytes;
        summary.content_hash = self.digest;
        summary
    }
}
