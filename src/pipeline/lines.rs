//! Reading a line-format file: newline-aligned chunks handed out in batches, parsed in
//! parallel (or in order where the zone has a repeated hour), reassembled in file order.

use std::sync::atomic::Ordering;

use rayon::prelude::*;

use super::Progress;
use crate::aggregate::Summary;
use crate::aggregate::chunk::{ChunkContext, ChunkOutcome, month_span, process_chunk};
use crate::discover::Candidate;
use crate::error::Error;
use crate::read::{Chunker, Compression};
use crate::time::{Civil, ZoneConverter};

/// Reads a line-format file chunk by chunk. `parallel` spreads each batch of chunks over the
/// pool; otherwise the chunks are parsed in this thread.
pub(super) fn read_lines(
    candidate: &Candidate,
    context: ChunkContext,
    chunk_size: usize,
    parallel: bool,
    progress: Option<&Progress>,
) -> (Summary, Option<Civil>, Vec<Error>) {
    let display = candidate.display.as_str();
    // A byte range of a file (a plan's piece) is not all of it: its size says nothing.
    let before = (candidate.member.is_none() && candidate.range.is_none())
        .then(|| std::fs::metadata(&candidate.path).ok())
        .flatten();
    let opened = match candidate.open() {
        Ok(o) => o,
        Err(e) => return (Summary::default(), None, vec![Error::io(display, e)]),
    };
    let counts_bytes = opened.compression == Compression::None;
    let on_batch = |read: usize| {
        if let Some(p) = progress
            && counts_bytes
        {
            p.bytes_done.fetch_add(read as u64, Ordering::Relaxed);
        }
    };
    let read = read_stream(opened.stream, context, chunk_size, parallel, on_batch);
    let mut summary = read.summary;
    let mut errors = Vec::new();
    if let Some(e) = read.stopped {
        errors.push(Error::ReadStopped {
            path: display.to_string(),
            line: summary.lines,
            source: std::sync::Arc::new(e),
        });
    }
    // Lines cut at the reader's cap count as the long lines they were.
    summary.long_lines += read.cut_lines;
    if let Some(before) = before
        && counts_bytes
        && errors.is_empty()
        && let Some(message) = crate::read::changed_while_read(
            &candidate.path,
            &before,
            summary.bytes + read.cut_bytes,
        )
    {
        errors.push(Error::ChangedWhileRead {
            path: display.to_string(),
            line: summary.lines,
            message,
        });
    }
    (summary, read.last_civil, errors)
}

/// What [`read_stream`] made of a stream.
#[derive(Debug, Default)]
pub struct StreamRead {
    /// The stream's summary.
    pub summary: Summary,
    /// The last year-less time read, with its year.
    pub last_civil: Option<Civil>,
    /// The read error that ended the stream early, if one did.
    pub stopped: Option<std::io::Error>,
    /// Lines cut at the reader's 1 MiB cap, and the bytes left out of them.
    pub cut_lines: u64,
    /// Bytes left out of those lines.
    pub cut_bytes: u64,
}

/// Reads a stream of lines in newline-aligned chunks of about `chunk_size` bytes, parses
/// them (a batch at a time over the pool when `parallel`) and folds the summaries in stream
/// order. `on_batch` is told how many bytes each batch held. The one chunk loop: the
/// pipeline reads every file through it, and the tests cut streams with it.
pub fn read_stream(
    stream: crate::read::Stream,
    context: ChunkContext,
    chunk_size: usize,
    parallel: bool,
    mut on_batch: impl FnMut(usize),
) -> StreamRead {
    let mut out = StreamRead::default();
    let mut chunker = Chunker::new(stream, chunk_size);
    let mut tracker = context.year;
    // Where clocks go back, the repeated hour is read in file order: each chunk starts from
    // where the one before it ended, so the chunks of such a file are read one after another.
    // (Access logs carry their offset on every line: they have no repeated hour.)
    let in_order = !context.format.spec().every_line_has_offset
        && ZoneConverter::new(context.zone).has_transitions();
    let mut zone_last = None;
    let batch_len = if parallel && !in_order {
        2 * rayon::current_num_threads().max(1)
    } else {
        1
    };
    let mut buffers: Vec<Vec<u8>> = Vec::new();
    loop {
        let (filled, stopped) = fill_batch(&mut chunker, &mut buffers, batch_len, chunk_size);
        let batch = &buffers[..filled];
        let contexts: Vec<ChunkContext> = batch
            .iter()
            .map(|data| {
                let ctx = ChunkContext {
                    year: tracker,
                    zone_last,
                    ..context.clone()
                };
                if let Some(t) = tracker.as_mut()
                    && let Some((first, last)) = month_span(data, context.format)
                {
                    t.skip_over(first, last);
                }
                ctx
            })
            .collect();
        let outcomes: Vec<ChunkOutcome> = if parallel {
            batch
                .par_iter()
                .zip(contexts.par_iter())
                .map(|(data, ctx)| process_chunk(data, ctx))
                .collect()
        } else {
            let pairs = batch.iter().zip(&contexts);
            pairs.map(|(data, ctx)| process_chunk(data, ctx)).collect()
        };
        on_batch(batch.iter().map(Vec::len).sum());
        for outcome in outcomes {
            zone_last = outcome.zone_last.or(zone_last);
            out.summary.append(outcome.summary);
            out.last_civil = outcome.last_civil.or(out.last_civil);
        }
        if stopped.is_some() || filled < batch_len {
            out.stopped = stopped;
            break;
        }
    }
    out.cut_lines = chunker.cut_lines;
    out.cut_bytes = chunker.cut_bytes;
    out
}

/// Fills up to `batch_len` buffers with the next chunks: how many were filled, and the read
/// error that stopped the stream, if any (whole lines read before it are kept).
fn fill_batch(
    chunker: &mut Chunker,
    buffers: &mut Vec<Vec<u8>>,
    batch_len: usize,
    chunk_size: usize,
) -> (usize, Option<std::io::Error>) {
    let mut filled = 0;
    while filled < batch_len {
        if buffers.len() == filled {
            buffers.push(Vec::with_capacity(chunk_size));
        }
        match chunker.next_chunk(&mut buffers[filled]) {
            Ok(true) => filled += 1,
            Ok(false) => break,
            Err(e) => {
                if let Some(nl) = memchr::memrchr(b'\n', &buffers[filled]) {
                    buffers[filled].truncate(nl + 1);
                    filled += 1;
                }
                return (filled, Some(e));
            }
        }
    }
    (filled, None)
}
