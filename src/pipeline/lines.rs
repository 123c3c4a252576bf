//! Reading a line-format file: newline-aligned chunks read by one thread and taken by the
//! pool's threads as each is free, parsed in parallel (or in order where the zone has a
//! repeated hour), and folded back in file order.

use std::sync::atomic::Ordering;

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
/// them (over the pool when `parallel`) and folds the summaries in stream order. `on_batch`
/// is told how many bytes each chunk held. The one chunk loop: the pipeline reads every file
/// through it, and the tests cut streams with it.
pub fn read_stream(
    stream: crate::read::Stream,
    context: ChunkContext,
    chunk_size: usize,
    parallel: bool,
    on_batch: impl FnMut(usize) + Send,
) -> StreamRead {
    let mut chunker = Chunker::new(stream, chunk_size);
    // Where clocks go back, the repeated hour is read in file order: each chunk starts from
    // where the one before it ended, so the chunks of such a file are read one after another.
    // (Access logs carry their offset on every line: they have no repeated hour.)
    let in_order = !context.format.spec().every_line_has_offset
        && ZoneConverter::new(context.zone).has_transitions();
    let threads = rayon::current_num_threads();
    let mut out = if parallel && !in_order && threads > 1 {
        read_pipelined(&mut chunker, &context, chunk_size, threads, on_batch)
    } else {
        read_in_order(&mut chunker, &context, on_batch)
    };
    out.cut_lines = chunker.cut_lines;
    out.cut_bytes = chunker.cut_bytes;
    out
}

/// The context of the next chunk: the year tracker as it stands at its first line, moved
/// past the chunk's months for the one after.
fn next_context(
    context: &ChunkContext,
    tracker: &mut Option<crate::time::year::YearTracker>,
    data: &[u8],
) -> ChunkContext {
    let ctx = ChunkContext {
        year: *tracker,
        ..context.clone()
    };
    if let Some(t) = tracker.as_mut()
        && let Some((first, last)) = month_span(data, context.format)
    {
        t.skip_over(first, last);
    }
    ctx
}

/// One chunk after another in this thread, each told where the one before ended.
fn read_in_order(
    chunker: &mut Chunker,
    context: &ChunkContext,
    mut on_batch: impl FnMut(usize),
) -> StreamRead {
    let mut out = StreamRead::default();
    let mut tracker = context.year;
    let mut zone_last = None;
    let mut buffer = Vec::new();
    loop {
        let (filled, stopped) = next_chunk(chunker, &mut buffer);
        if filled {
            let ctx = ChunkContext {
                zone_last,
                ..next_context(context, &mut tracker, &buffer)
            };
            let outcome = process_chunk(&buffer, &ctx);
            on_batch(buffer.len());
            zone_last = outcome.zone_last.or(zone_last);
            fold_outcome(&mut out, outcome);
        }
        if stopped.is_some() || !filled {
            out.stopped = stopped;
            return out;
        }
    }
}

fn fold_outcome(out: &mut StreamRead, outcome: ChunkOutcome) {
    out.summary.append(outcome.summary);
    out.last_civil = outcome.last_civil.or(out.last_civil);
}

/// A chunk on its way to a worker: its place in the stream, its bytes and its context.
type Job = (u64, Vec<u8>, ChunkContext);
/// A chunk on its way back: its place, its outcome (or the worker's panic), its buffer.
type Done = (u64, std::thread::Result<ChunkOutcome>, Vec<u8>);

/// Reads chunks in a thread of its own while the pool's threads parse them, each taking the
/// next chunk as it finishes one (no rounds: a slow chunk holds up no one). The summaries
/// come back in any order and are folded in stream order, so the result is the same bytes
/// whatever the thread count. At most `2 × threads + 2` chunks are in flight: memory stays
/// flat however long the stream, and a buffer is reused once its chunk is folded.
fn read_pipelined(
    chunker: &mut Chunker,
    context: &ChunkContext,
    chunk_size: usize,
    threads: usize,
    on_batch: impl FnMut(usize) + Send,
) -> StreamRead {
    let in_flight = 2 * threads + 2;
    let (job_tx, job_rx) = crossbeam_channel::bounded::<Job>(in_flight);
    let (done_tx, done_rx) = crossbeam_channel::unbounded::<Done>();
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut folder = InOrder::new(in_flight);
            let out = folder.feed(chunker, context, chunk_size, &job_tx, &done_rx, on_batch);
            // Closing the job channel ends the workers, whatever state the stream is in.
            drop(job_tx);
            out.and_then(|out| folder.drain(out, &done_rx))
        });
        rayon::scope(|pool| {
            for _ in 0..threads {
                let (jobs, done) = (job_rx.clone(), done_tx.clone());
                pool.spawn(move |_| {
                    for (seq, buffer, ctx) in jobs {
                        // A panic goes back to the reader, which stops the stream and raises it
                        // again here: the other workers are not left waiting for chunks.
                        let outcome =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                process_chunk(&buffer, &ctx)
                            }));
                        if done.send((seq, outcome, buffer)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(job_rx);
        });
        drop(done_tx);
        match reader.join() {
            Ok(Ok(out)) => out,
            Ok(Err(panic)) | Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// The reader's side of [`read_pipelined`]: chunks sent out, outcomes folded in stream order.
struct InOrder {
    in_flight: u64,
    sent: u64,
    folded: u64,
    pending: std::collections::BTreeMap<u64, (ChunkOutcome, Vec<u8>)>,
    spare: Vec<Vec<u8>>,
}

type Panic = Box<dyn std::any::Any + Send>;

impl InOrder {
    fn new(in_flight: usize) -> Self {
        InOrder {
            in_flight: in_flight as u64,
            sent: 0,
            folded: 0,
            pending: Default::default(),
            spare: Vec::new(),
        }
    }

    /// Sends every chunk of the stream out, folding what comes back as it goes.
    fn feed(
        &mut self,
        chunker: &mut Chunker,
        context: &ChunkContext,
        chunk_size: usize,
        jobs: &crossbeam_channel::Sender<Job>,
        done: &crossbeam_channel::Receiver<Done>,
        mut on_batch: impl FnMut(usize),
    ) -> Result<StreamRead, Panic> {
        let mut out = StreamRead::default();
        let mut tracker = context.year;
        loop {
            // Wait for chunks to come back while too many are out.
            while self.sent - self.folded >= self.in_flight {
                match done.recv() {
                    Ok(d) => self.take(d, &mut out)?,
                    Err(_) => return Ok(out),
                }
            }
            for d in done.try_iter() {
                self.take(d, &mut out)?;
            }
            let mut buffer = self
                .spare
                .pop()
                .unwrap_or_else(|| Vec::with_capacity(chunk_size));
            let (filled, stopped) = next_chunk(chunker, &mut buffer);
            if filled {
                on_batch(buffer.len());
                let ctx = next_context(context, &mut tracker, &buffer);
                if jobs.send((self.sent, buffer, ctx)).is_err() {
                    return Ok(out);
                }
                self.sent += 1;
            }
            if stopped.is_some() || !filled {
                out.stopped = stopped;
                return Ok(out);
            }
        }
    }

    /// Waits for the chunks still out and folds them.
    fn drain(
        &mut self,
        mut out: StreamRead,
        done: &crossbeam_channel::Receiver<Done>,
    ) -> Result<StreamRead, Panic> {
        while self.folded < self.sent {
            match done.recv() {
                Ok(d) => self.take(d, &mut out)?,
                Err(_) => break,
            }
        }
        Ok(out)
    }

    /// One chunk back: held until every chunk before it is folded, then folded itself.
    fn take(&mut self, (seq, outcome, buffer): Done, out: &mut StreamRead) -> Result<(), Panic> {
        self.pending.insert(seq, (outcome?, buffer));
        while let Some((outcome, buffer)) = self.pending.remove(&self.folded) {
            fold_outcome(out, outcome);
            self.spare.push(buffer);
            self.folded += 1;
        }
        Ok(())
    }
}

/// Fills `buffer` with the next chunk: whether it holds one, and the read error that stopped
/// the stream, if any (whole lines read before it are kept).
fn next_chunk(chunker: &mut Chunker, buffer: &mut Vec<u8>) -> (bool, Option<std::io::Error>) {
    match chunker.next_chunk(buffer) {
        Ok(filled) => (filled, None),
        Err(e) => match memchr::memrchr(b'\n', buffer) {
            Some(nl) => {
                buffer.truncate(nl + 1);
                (true, Some(e))
            }
            None => (false, Some(e)),
        },
    }
}
