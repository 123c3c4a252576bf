//! Streamed exports (Elasticsearch responses, CloudWatch events, Loki responses, Cloud
//! Logging arrays): the file's bytes pass through a [`Splitter`] a segment at a time; each
//! record found is read into its row, its line read by its own format and folded at the line
//! it starts on, with its source. Memory holds the record still open, never the document: a
//! gigabyte response on one line is read in the memory of its largest record. A record that
//! does not read, or grows past [`MAX_RECORD`], is skipped with why; the others stand.
//!
//! Lines are accounted as people count them in the file: a line of a record that read is
//! parsed, a line only of records that did not is skipped (every such record's reason is
//! shown, up to the examples' limit, even on a line that also holds records that read),
//! and the lines of a document around its records (`{`, `"items": [`) go with the document:
//! parsed when any of its records read, else skipped.

use std::io::Read;

use crate::aggregate::Summary;
use crate::aggregate::chunk::{ChunkContext, EntryFolder};
use crate::error::Error;
use crate::parse::json_stream::{Found, Paths, Splitter};
use crate::parse::spec::{Around, RecordReader};

/// Bytes read at a time.
pub(crate) const SEGMENT: usize = 8 << 20;
/// A record larger than this is skipped (no log record is; a broken file could make one).
pub(crate) const MAX_RECORD: u64 = 64 << 20;
/// Labels larger than this are not kept.
const MAX_LABELS: u64 = 64 << 10;

/// Reads an export from `stream` (see the module's doc).
pub(crate) fn read_export(
    mut stream: impl Read,
    display: &str,
    context: &ChunkContext,
    paths: &'static Paths,
    reader: RecordReader,
    segment: usize,
) -> (Summary, Vec<Error>) {
    let mut errors = Vec::new();
    let mut state = Export {
        folder: EntryFolder::new(context),
        reader,
        labels: None,
        lines: Lines::default(),
        account: Account::default(),
        ends_with_newline: false,
        digest: 0,
        digested: 0,
    };
    let mut splitter = Splitter::new(paths);
    // `buf` holds the stream's bytes from offset `base` on.
    let (mut buf, mut base) = (Vec::with_capacity(segment), 0u64);
    let mut found = Vec::new();
    loop {
        let before = buf.len();
        let eof = match (&mut stream).take(segment as u64).read_to_end(&mut buf) {
            Ok(n) => n < segment,
            Err(e) => {
                errors.push(Error::io(display, e));
                true
            }
        };
        if let Some(&last) = buf[before..].last() {
            state.ends_with_newline = last == b'\n';
        }
        splitter.feed(&buf[before..], &mut |f| found.push(f));
        if eof {
            splitter.finish(&mut |f| found.push(f));
        }
        for f in found.drain(..) {
            state.found(f, &buf, base);
        }
        let open_from = splitter.keep_from();
        if open_from < base + buf.len() as u64
            && base + buf.len() as u64 - open_from > MAX_RECORD
            && splitter.drop_open_record()
        {
            let line = state.lines.at(open_from, &buf, base);
            state.account.record(line, line, Err(TOO_LARGE));
        }
        state.digested = digest_units(&mut state.digest, &buf, base, state.digested, eof);
        let keep = (splitter.keep_from().max(base).min(state.digested) - base) as usize;
        state.lines.at(base + keep as u64, &buf, base);
        buf.drain(..keep);
        base += keep as u64;
        if eof {
            break;
        }
    }
    let end = base + buf.len() as u64;
    let last_line = state.lines.at(end, &buf, base) - u64::from(state.ends_with_newline);
    state.account.close(last_line);
    let mut summary = state.folder.finish().summary;
    let Account {
        parsed,
        skipped,
        blank,
        examples,
        ..
    } = state.account;
    summary.lines = last_line;
    (summary.parsed, summary.skipped, summary.blank) = (parsed, skipped, blank);
    summary.skipped_examples = examples;
    summary.bytes = end;
    summary.content_hash = state.digest;
    (summary, errors)
}

/// A line of the digest is cut into pieces at every multiple of this offset, so the digest
/// never waits for the end of a gigabyte line (and is the same however the file is read).
const DIGEST_UNIT: u64 = 1 << 20;

/// Adds the units of `buf` (the stream from `base`) after `from` to `digest`: lines, cut at
/// multiples of [`DIGEST_UNIT`]; a unit still open waits unless the stream ended. Where the
/// digest got to.
fn digest_units(digest: &mut u64, buf: &[u8], base: u64, mut from: u64, eof: bool) -> u64 {
    let end = base + buf.len() as u64;
    while from < end {
        let at = (from - base) as usize;
        let newline = memchr::memchr(b'\n', &buf[at..]).map(|i| from + i as u64 + 1);
        let cut = (from / DIGEST_UNIT + 1) * DIGEST_UNIT;
        let unit_end = match newline {
            Some(nl) if nl <= cut => nl,
            _ if cut <= end => cut,
            _ if eof => end,
            _ => return from,
        };
        let unit = &buf[at..(unit_end - base) as usize];
        *digest = digest.wrapping_add(crate::aggregate::digest::content_digest(unit));
        from = unit_end;
    }
    from
}

const TOO_LARGE: &str = "a record of the export over 64 MiB";

/// Newlines counted up to an offset: the line a record starts on.
#[derive(Default)]
struct Lines {
    to: u64,
    /// The line number at offset `to`, from 1.
    line: u64,
}

impl Lines {
    /// The line of offset `at` (at or after the last asked for), `buf` holding the bytes
    /// from `base`.
    fn at(&mut self, at: u64, buf: &[u8], base: u64) -> u64 {
        if self.line == 0 {
            self.line = 1;
        }
        if at > self.to {
            let from = (self.to.max(base) - base) as usize;
            let to = ((at - base) as usize).min(buf.len());
            self.line += memchr::memchr_iter(b'\n', &buf[from.min(to)..to]).count() as u64;
            self.to = at;
        }
        self.line
    }
}

/// What reading an export keeps between records.
struct Export<'c> {
    folder: EntryFolder<'c>,
    reader: RecordReader,
    /// The labels found last (Loki's `stream`), for the records after them.
    labels: Option<Vec<u8>>,
    lines: Lines,
    account: Account,
    ends_with_newline: bool,
    digest: u64,
    /// Bytes before this offset are in the digest.
    digested: u64,
}

impl Export<'_> {
    /// A value the splitter found, its bytes in `buf` (which holds the stream from `base`).
    fn found(&mut self, found: Found, buf: &[u8], base: u64) {
        let bytes = |start: u64, end: u64| &buf[(start - base) as usize..(end - base) as usize];
        match found {
            Found::Labels { start, end } => {
                self.labels = (end - start <= MAX_LABELS).then(|| bytes(start, end).to_vec());
            }
            Found::Record {
                start,
                end,
                document,
            } => {
                let line = self.lines.at(start, buf, base);
                let last = self.lines.at(end, buf, base);
                let around = Around {
                    labels: self.labels.as_deref(),
                    document,
                };
                let folder = &mut self.folder;
                let read = (self.reader)(bytes(start, end), around, &mut |entry, source| {
                    folder.fold_from(entry, line, source)
                });
                self.account.record(line, last, read);
            }
            Found::DocumentStart { at } => {
                let line = self.lines.at(at, buf, base);
                self.account.document_starts(line);
            }
            Found::DocumentEnd { end, broken } => {
                // A broken one ends on the line before the one that broke it off.
                let line = self.lines.at(end, buf, base) - u64::from(broken);
                self.account.document_ends(line);
            }
        }
    }
}

/// Where each line of the file went (see the module's doc): lines are accounted in order, up
/// to `done`; those of the open document not in a record wait for its outcome.
#[derive(Default)]
struct Account {
    parsed: u64,
    skipped: u64,
    blank: u64,
    examples: Vec<(u64, String)>,
    /// Lines up to this one are accounted.
    done: u64,
    /// The open document's lines around its records, waiting; where it started.
    waiting: u64,
    document_line: Option<u64>,
    /// Whether any of its records read, and why the first that did not failed.
    any_read: bool,
    failure: Option<&'static str>,
}

impl Account {
    /// Lines after the last accounted and before `line` are blank (between documents).
    fn document_starts(&mut self, line: u64) {
        self.blank += line.saturating_sub(self.done + 1);
        self.done = self.done.max(line - 1);
        (self.document_line, self.any_read, self.failure) = (Some(line), false, None);
        self.waiting = 0;
    }

    /// A record on lines `first..=last` read, or did not.
    fn record(&mut self, first: u64, last: u64, read: Result<(), &'static str>) {
        // Lines before it in its document wait for the document.
        self.waiting += first.saturating_sub(self.done + 1);
        let fresh = last.saturating_sub(self.done.max(first - 1));
        match read {
            Ok(()) => {
                self.any_read = true;
                self.parsed += fresh;
            }
            Err(why) => {
                self.failure.get_or_insert(why);
                // Its reason is shown even where its line also holds records that read.
                self.skip(first, fresh, why);
            }
        }
        self.done = self.done.max(last);
    }

    /// The open document ends on `line`: its waiting lines go with it.
    fn document_ends(&mut self, line: u64) {
        self.waiting += line.saturating_sub(self.done);
        self.done = self.done.max(line);
        let waiting = std::mem::take(&mut self.waiting);
        match (self.any_read, self.failure) {
            (true, _) => self.parsed += waiting,
            (false, why) if waiting > 0 => {
                let at = self.document_line.unwrap_or(line);
                self.skip(at, waiting, why.unwrap_or(NO_RECORDS));
            }
            _ => {}
        }
        self.document_line = None;
    }

    /// The end of the file on `line`: an open document ends there; the rest is blank.
    fn close(&mut self, line: u64) {
        if self.document_line.is_some() {
            self.document_ends(line);
        }
        self.blank += line.saturating_sub(self.done);
        self.done = self.done.max(line);
    }

    fn skip(&mut self, line: u64, lines: u64, why: &str) {
        self.skipped += lines;
        if self.examples.len() < crate::aggregate::SKIPPED_EXAMPLES {
            self.examples.push((line, why.to_string()));
        }
    }
}

const NO_RECORDS: &str = "a JSON document of another kind";
