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

/// Folds a chunk into a running content hash (FxHash per chunk, chained in file order).
fn mix(running: u64, data: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(data);
    running.rotate_left(17) ^ h.finish() ^ data.len() as u64
}

/// Reads a line-format file chunk by chunk. `parallel` spreads each batch of chunks over the
/// pool; otherwise the chunks are parsed in this thread.
pub(super) fn read_lines(
    candidate: &Candidate,
    context: ChunkContext,
    chunk_size: usize,
    parallel: bool,
    progress: Option<&Progress>,
) -> (Summary, Option<Civil>, Vec<Error>) {
    let mut summary = Summary::default();
    let mut errors = Vec::new();
    let mut last_civil = None;
    let display = candidate.display.as_str();
    let before = candidate
        .member
        .is_none()
        .then(|| std::fs::metadata(&candidate.path).ok())
        .flatten();
    let opened = match candidate.open() {
        Ok(o) => o,
        Err(e) => return (summary, None, vec![Error::io(display, &e)]),
    };
    let mut chunker = Chunker::new(opened.stream, chunk_size);
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
    let mut content_hash = 0u64;
    loop {
        let mut filled = 0;
        let mut stopped = None;
        while filled < batch_len {
            if buffers.len() == filled {
                buffers.push(Vec::with_capacity(chunk_size));
            }
            match chunker.next_chunk(&mut buffers[filled]) {
                Ok(true) => filled += 1,
                Ok(false) => break,
                Err(e) => {
                    // Whole lines read before the failure are still parsed.
                    if let Some(nl) = memchr::memrchr(b'\n', &buffers[filled]) {
                        buffers[filled].truncate(nl + 1);
                        filled += 1;
                    }
                    stopped = Some(e);
                    break;
                }
            }
        }
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
                    && let Some((first, last)) = month_span(data)
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
            batch
                .iter()
                .zip(&contexts)
                .map(|(data, ctx)| process_chunk(data, ctx))
                .collect()
        };
        for data in batch {
            content_hash = mix(content_hash, data);
        }
        if let Some(p) = progress
            && opened.compression == Compression::None
        {
            let read: usize = batch.iter().map(Vec::len).sum();
            p.bytes_done.fetch_add(read as u64, Ordering::Relaxed);
        }
        for outcome in outcomes {
            zone_last = outcome.zone_last.or(zone_last);
            summary.append(outcome.summary);
            last_civil = outcome.last_civil.or(last_civil);
        }
        summary.content_hash = content_hash;
        if let Some(e) = stopped {
            errors.push(Error::ReadStopped {
                path: display.to_string(),
                line: summary.lines,
                message: e.to_string(),
            });
            break;
        }
        if filled < batch_len {
            break;
        }
    }
    // Lines cut at the reader's cap count as the long lines they were.
    summary.long_lines += chunker.cut_lines;
    if let Some(before) = before
        && opened.compression == Compression::None
        && errors.is_empty()
        && let Some(message) = crate::read::changed_while_read(
            &candidate.path,
            &before,
            summary.bytes + chunker.cut_bytes,
        )
    {
        errors.push(Error::ChangedWhileRead {
            path: display.to_string(),
            line: summary.lines,
            message,
        });
    }
    (summary, last_civil, errors)
}
