//! Streamed exports (Elasticsearch responses, CloudWatch events, Loki responses, Cloud
//! Logging arrays): the file's bytes pass through a [`Splitter`] a segment at a time; each
//! record found is read into its row, its line read by its own format and folded at the line
//! it starts on, with its source. Memory holds the record still open, never the document: a
//! gigabyte response on one line is read in the memory of its largest record. A record that
//! does not read, or grows past [`MAX_RECORD`], is skipped with why; the others stand.

use std::io::Read;

use crate::aggregate::Summary;
use crate::aggregate::chunk::{ChunkContext, EntryFolder};
use crate::error::Error;
use crate::parse::entry::Entry;
use crate::parse::json_stream::{Found, Paths, Splitter};
use crate::parse::spec::RowReader;

/// Bytes read at a time.
const SEGMENT: usize = 8 << 20;
/// A record larger than this is skipped (no log record is; a broken file could make one).
pub const MAX_RECORD: u64 = 64 << 20;
/// Labels larger than this are not kept.
const MAX_LABELS: u64 = 64 << 10;

/// Reads an export from `stream` (see the module's doc).
pub fn read_export(
    mut stream: impl Read,
    display: &str,
    context: &ChunkContext,
    paths: &'static Paths,
    reader: RowReader,
) -> (Summary, Vec<Error>) {
    let mut errors = Vec::new();
    let mut state = Export {
        folder: EntryFolder::new(context),
        reader,
        labels: None,
        scratch: Vec::new(),
        lines: Lines::default(),
        digest: 0,
    };
    let mut splitter = Splitter::new(paths);
    // `buf` holds the stream's bytes from offset `base` on.
    let (mut buf, mut base) = (Vec::with_capacity(SEGMENT), 0u64);
    let mut found = Vec::new();
    loop {
        let before = buf.len();
        let eof = match (&mut stream).take(SEGMENT as u64).read_to_end(&mut buf) {
            Ok(n) => n < SEGMENT,
            Err(e) => {
                errors.push(Error::io(display, e));
                true
            }
        };
        state.digest = state
            .digest
            .wrapping_add(crate::aggregate::digest::content_digest(&buf[before..]));
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
            state.folder.fold(Entry::Unreadable(TOO_LARGE), line);
        }
        let keep = (splitter.keep_from().max(base) - base) as usize;
        state.lines.at(base + keep as u64, &buf, base);
        buf.drain(..keep);
        base += keep as u64;
        if eof {
            break;
        }
    }
    let end = base + buf.len() as u64;
    let mut lines = state.lines.at(end, &buf, base);
    if buf.last().is_some_and(|&b| b == b'\n') {
        lines -= 1;
    }
    let mut summary = state.folder.finish().summary;
    summary.lines = lines;
    summary.bytes = end;
    summary.content_hash = state.digest;
    (summary, errors)
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
    reader: RowReader,
    /// The labels found last (Loki's `stream`), for the records after them.
    labels: Option<Vec<u8>>,
    scratch: Vec<u8>,
    lines: Lines,
    digest: u64,
}

impl Export<'_> {
    /// A value the splitter found, its bytes in `buf` (which holds the stream from `base`).
    fn found(&mut self, found: Found, buf: &[u8], base: u64) {
        let bytes = |start: u64, end: u64| &buf[(start - base) as usize..(end - base) as usize];
        match found {
            Found::Labels { start, end } => {
                self.labels = (end - start <= MAX_LABELS).then(|| bytes(start, end).to_vec());
            }
            Found::Record { start, end } => {
                let line = self.lines.at(start, buf, base);
                let Export {
                    folder, scratch, ..
                } = self;
                match (self.reader)(bytes(start, end), self.labels.as_deref()) {
                    Ok(row) => {
                        crate::parse::export::fold_row(&row, scratch, &mut |entry, source| {
                            folder.fold_from(entry, line, source)
                        })
                    }
                    Err(why) => folder.fold(Entry::Unreadable(why), line),
                }
            }
        }
    }
}
