//! Document formats: a stream of JSON documents (NDJSON or pretty-printed). Alert histories (an
//! Alertmanager body, a PagerDuty webhook or export, an Opsgenie webhook) are read whole and
//! become alert events with the line they start on; the formats whose documents hold many
//! records (Kubernetes event lists, OpenTelemetry exports) are streamed a segment of whole
//! documents at a time and become entries, each at the line its record starts on, folded like
//! the lines of any log.

use crate::aggregate::chunk::ChunkContext;
use crate::aggregate::{Event, EventBody, LineRef, Summary};
use crate::error::Error;
use crate::parse::alerts;
use crate::parse::spec::{Documents, Records};
use crate::read;
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
        alert_events(alerts::read_document(&doc)?, file, line, &mut events)
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

/// Adds the events of one alert document, each citing the line the document starts on; the
/// reason it is skipped when it gives none.
fn alert_events(
    notices: Vec<(crate::time::Micros, alerts::AlertEvent)>,
    file: usize,
    line: u64,
    summary: &mut Summary,
) -> Result<(), &'static str> {
    let source = LineRef { file, line };
    for (time, alert) in notices {
        summary.saw_time(time);
        summary.events.push(Event {
            time,
            source,
            host: None,
            body: EventBody::Alert(alert),
        });
    }
    Ok(())
}

/// Reads a file of record documents (see [`crate::parse::spec::FormatSpec::documents`]):
/// streamed record by record (see [`super::exports`]).
pub(super) fn read_records(
    candidate: &crate::discover::Candidate,
    context: &ChunkContext,
) -> (Summary, Vec<Error>) {
    let display = candidate.display.as_str();
    match candidate.open() {
        Ok(opened) => read_record_stream(opened.stream, display, context, super::exports::SEGMENT),
        Err(e) => (Summary::default(), vec![Error::io(display, e)]),
    }
}

/// [`read_records`] over any stream, in segments of `segment` bytes (small ones in tests).
#[doc(hidden)]
pub fn read_record_stream(
    stream: impl std::io::Read,
    display: &str,
    context: &ChunkContext,
    segment: usize,
) -> (Summary, Vec<Error>) {
    match context.reader.format().spec().documents {
        Some(Documents {
            records: Records::Streamed { paths, read },
            ..
        }) => super::exports::read_export(stream, display, context, paths, read, segment),
        _ => (Summary::default(), Vec::new()),
    }
}

/// [`read_records`] over bytes.
pub fn read_record_bytes(data: &[u8], context: &ChunkContext) -> Summary {
    read_record_stream(data, "", context, data.len().max(1)).0
}
