//! Reading a line-format file: newline-aligned chunks read in turn by the pool's threads as
//! each is free, parsed in parallel (or in order where the zone has a repeated hour), and
//! folded back in file order.

use std::sync::atomic::Ordering;
use std::sync::{Condvar, Mutex};

use crate::aggregate::Summary;
use crate::aggregate::chunk::{ChunkContext, ChunkOutcome, month_span, process_chunk};
use crate::config::Progress;
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
    let format = context.reader.format();
    if context.reader.has_multi_line_records() {
        chunker = chunker.align_to_records(Box::new(move |line| format.starts_record(line)));
    }
    // Where clocks go back, the repeated hour is read in file order: each chunk starts from
    // where the one before it ended, so the chunks of such a file are read one after another.
    // (Access logs carry their offset on every line: they have no repeated hour.)
    let in_order =
        !format.spec().every_line_has_offset && ZoneConverter::new(context.zone).has_transitions();
    let threads = rayon::current_num_threads();
    let mut out = if parallel && !in_order && threads > 1 {
        let work = Work {
            context: &context,
            chunk_size,
            threads,
            process: process_chunk,
        };
        read_pipelined(&mut chunker, work, on_batch)
    } else {
        read_in_order(&mut chunker, &context, on_batch)
    };
    out.cut_lines = chunker.cut_lines;
    out.cut_bytes = chunker.cut_bytes;
    out
}

/// What one chunk leaves to the next, followed in file order where chunks are cut: the year
/// tracker and the file's reader (W3C directives, a CSV header).
#[derive(Clone)]
struct Carried {
    tracker: Option<crate::time::year::YearTracker>,
    reader: crate::parse::reader::FileReader,
}

impl Carried {
    fn of(context: &ChunkContext) -> Carried {
        Carried {
            tracker: context.year,
            reader: context.reader.clone(),
        }
    }
}

/// The context of the next chunk: the year tracker and the reader as they stand at its
/// first line, moved past the chunk for the one after.
fn next_context(context: &ChunkContext, carried: &mut Carried, data: &[u8]) -> ChunkContext {
    let ctx = ChunkContext {
        year: carried.tracker,
        reader: carried.reader.clone(),
        ..context.clone()
    };
    if let Some(t) = carried.tracker.as_mut()
        && let Some(span) = month_span(data, context.reader.format())
    {
        t.skip_over(span.first, span.last, span.last_settled);
    }
    if let Some(next) = carried.reader.after(data) {
        carried.reader = next;
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
    let mut carried = Carried::of(context);
    let mut zone_last = None;
    let mut buffer = Vec::new();
    loop {
        let (filled, stopped) = next_chunk(chunker, &mut buffer);
        if filled {
            let ctx = ChunkContext {
                zone_last,
                ..next_context(context, &mut carried, &buffer)
            };
            let outcome = crate::read::clock::parsing(|| process_chunk(&buffer, &ctx));
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

/// A worker's panic, raised again once every worker has stopped.
type Panic = Box<dyn std::any::Any + Send>;

/// Reads a stream with the pool's threads alone: each takes the stream in turn, reads the
/// next chunk into its own buffer and parses it there (no rounds: a slow chunk holds up no
/// one). No thread of its own reads ahead: with as many threads as cores, a reader would
/// take a core from a parser (at the start it filled the pipeline for 3 ms while the second
/// parser waited), and a chunk parsed by the core that read it is still in that core's cache.
/// The outcomes are folded in stream order, so the result is the same bytes whatever the
/// thread count; at most `2 × threads + 2` chunks are read and not yet folded, so memory
/// stays flat however long the stream.
fn read_pipelined<P>(
    chunker: &mut Chunker,
    work: Work<'_, P>,
    on_batch: impl FnMut(usize) + Send,
) -> StreamRead
where
    P: Fn(&[u8], &ChunkContext) -> ChunkOutcome + Sync,
{
    let Work {
        context,
        chunk_size,
        threads,
        process,
    } = work;
    let shared = Shared {
        source: Mutex::new(Source {
            chunker,
            carried: Carried::of(context),
            next: 0,
            ended: false,
            stopped: None,
            on_batch,
        }),
        folds: Mutex::new(Folds::default()),
        room: Condvar::new(),
        window: 2 * threads as u64 + 2,
        threads: threads as u64,
        chunk_size,
        process,
    };
    rayon::scope(|pool| {
        for _ in 0..threads {
            pool.spawn(|_| shared.work(context));
        }
    });
    let stopped = lock(&shared.source).stopped.take();
    let folds = shared.folds.into_inner().unwrap_or_else(|p| p.into_inner());
    if let Some(panic) = folds.panic {
        std::panic::resume_unwind(panic);
    }
    StreamRead {
        stopped,
        ..folds.out
    }
}

/// What [`read_pipelined`] does to a stream: the chunks' context and size, the threads, and
/// what parses a chunk (the tests put a panic there).
struct Work<'c, P> {
    context: &'c ChunkContext,
    chunk_size: usize,
    threads: usize,
    process: P,
}

/// The least size of a thread's first chunk (when chunks are large).
const FIRST_CHUNK_LEAST: usize = 64 << 10;

/// What the workers of [`read_pipelined`] share.
struct Shared<'c, F, P> {
    /// The stream, read by one worker at a time.
    source: Mutex<Source<'c, F>>,
    /// What has been read and parsed, folded in stream order.
    folds: Mutex<Folds>,
    /// Signalled when chunks are folded (room to read more) or the workers must stop.
    room: Condvar,
    /// Most chunks read and not yet folded.
    window: u64,
    threads: u64,
    chunk_size: usize,
    process: P,
}

/// The stream's side: the next chunk, and the context it is read in.
struct Source<'c, F> {
    chunker: &'c mut Chunker,
    carried: Carried,
    /// The next chunk's place in the stream.
    next: u64,
    ended: bool,
    /// The read error that ended the stream, if one did.
    stopped: Option<std::io::Error>,
    on_batch: F,
}

/// The fold's side: chunks claimed (being read, parsed or waiting for the ones before them),
/// those folded, those parsed out of turn, and a worker's panic.
#[derive(Default)]
struct Folds {
    out: StreamRead,
    claimed: u64,
    folded: u64,
    pending: std::collections::BTreeMap<u64, ChunkOutcome>,
    panic: Option<Panic>,
}

/// A lock whose holder panicked is still taken: the panic is raised after the workers stop,
/// and what it left half-done is not used.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl<F, P> Shared<'_, F, P>
where
    F: FnMut(usize) + Send,
    P: Fn(&[u8], &ChunkContext) -> ChunkOutcome + Sync,
{
    /// One worker: chunks read and parsed until the stream ends or a worker panics. A
    /// panic stops every worker, so none is left waiting for room that will not come.
    fn work(&self, context: &ChunkContext) {
        let mut buffer = Vec::with_capacity(self.chunk_size);
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            while self.claim() {
                let Some((seq, ctx)) = self.read_next(context, &mut buffer) else {
                    self.release();
                    return;
                };
                let outcome = crate::read::clock::parsing(|| (self.process)(&buffer, &ctx));
                self.fold(seq, outcome);
            }
        }));
        if let Err(panic) = run {
            let mut folds = lock(&self.folds);
            folds.panic.get_or_insert(panic);
            drop(folds);
            lock(&self.source).ended = true;
            self.room.notify_all();
        }
    }

    /// Waits for room to read one more chunk; false once a worker has panicked.
    fn claim(&self) -> bool {
        let mut folds = lock(&self.folds);
        while folds.panic.is_none() && folds.claimed - folds.folded >= self.window {
            folds = self.room.wait(folds).unwrap_or_else(|p| p.into_inner());
        }
        folds.claimed += 1;
        folds.panic.is_none()
    }

    /// Gives back a claim the stream had no chunk for.
    fn release(&self) {
        lock(&self.folds).claimed -= 1;
        self.room.notify_all();
    }

    /// The next chunk into `buffer`, with its place and context; none once the stream ended.
    fn read_next(
        &self,
        context: &ChunkContext,
        buffer: &mut Vec<u8>,
    ) -> Option<(u64, ChunkContext)> {
        let mut guard = lock(&self.source);
        let source = &mut *guard;
        if source.ended {
            return None;
        }
        // Each thread's first chunk is an eighth of the size, so the last thread starts
        // parsing an eighth as late (reading the first chunks is what every thread waits for).
        let first = source.next < self.threads;
        source.chunker.set_chunk_size(match first {
            true => (self.chunk_size / 8)
                .max(FIRST_CHUNK_LEAST)
                .min(self.chunk_size),
            false => self.chunk_size,
        });
        let (filled, stopped) = next_chunk(source.chunker, buffer);
        if stopped.is_some() || !filled {
            source.ended = true;
            source.stopped = stopped;
        }
        if !filled {
            return None;
        }
        (source.on_batch)(buffer.len());
        let ctx = next_context(context, &mut source.carried, buffer);
        source.next += 1;
        Some((source.next - 1, ctx))
    }

    /// One chunk parsed: held until every chunk before it is folded, then folded itself.
    fn fold(&self, seq: u64, outcome: ChunkOutcome) {
        let mut guard = lock(&self.folds);
        let folds = &mut *guard;
        folds.pending.insert(seq, outcome);
        let before = folds.folded;
        while let Some(outcome) = folds.pending.remove(&folds.folded) {
            fold_outcome(&mut folds.out, outcome);
            folds.folded += 1;
        }
        let advanced = folds.folded > before;
        drop(guard);
        if advanced {
            self.room.notify_all();
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn access_context() -> ChunkContext {
        let utc = crate::time::Zone::Fixed(0);
        ChunkContext::new(crate::parse::Format::NginxAccess, 0, 60_000_000, utc)
    }

    fn lines(n: usize) -> Vec<u8> {
        (0..n)
            .map(|i| format!("10.0.0.{} - - [01/Dec/2026:08:{:02}:00 +0000] \"GET /{i} HTTP/1.1\" 200 5 \"-\" \"t\"\n", i % 250, i % 60))
            .collect::<String>()
            .into_bytes()
    }

    /// Reads `data` in chunks of `size` over `threads` threads of a pool of their own.
    fn read_with<P>(data: &[u8], size: usize, threads: usize, process: P) -> StreamRead
    where
        P: Fn(&[u8], &ChunkContext) -> ChunkOutcome + Sync + Send,
    {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build();
        let pool = pool.expect("a pool of threads");
        let mut chunker = Chunker::new(Box::new(std::io::Cursor::new(data.to_vec())), size);
        let context = access_context();
        let work = Work {
            context: &context,
            chunk_size: size,
            threads,
            process,
        };
        pool.install(|| read_pipelined(&mut chunker, work, |_| {}))
    }

    #[test]
    fn the_threads_fold_every_chunk_in_stream_order() {
        let data = lines(3000);
        let one = read_in_order(
            &mut Chunker::new(Box::new(std::io::Cursor::new(data.clone())), 700),
            &access_context(),
            |_| {},
        );
        for (size, threads) in [(700, 2), (700, 4), (64 << 10, 3), (1, 2)] {
            let many = read_with(&data, size, threads, process_chunk);
            assert_eq!(many.summary.lines, 3000, "{size} bytes, {threads} threads");
            let same = serde_json::to_string(&many.summary).ok()
                == serde_json::to_string(&one.summary).ok();
            assert!(same, "{size} bytes, {threads} threads");
        }
    }

    /// A worker that panics while the others wait for room (the window is full behind the
    /// chunk it held) must not leave them waiting: the run ends and the panic is raised.
    #[test]
    fn a_panicking_worker_stops_the_others_and_its_panic_is_raised() {
        let data = std::sync::Arc::new(lines(3000));
        for threads in [2, 3] {
            let (tx, rx) = std::sync::mpsc::channel();
            let data = data.clone();
            // A thread of its own, so that workers left waiting fail the test, not hang it.
            std::thread::spawn(move || {
                let raised = std::panic::catch_unwind(|| {
                    read_with(&data, 200, threads, |chunk: &[u8], ctx: &ChunkContext| {
                        if chunk.windows(8).any(|w| w == b"GET /40 ") {
                            // Held long enough for the other workers to fill the window.
                            std::thread::sleep(std::time::Duration::from_millis(50));
                            panic!("chunk with line 40");
                        }
                        process_chunk(chunk, ctx)
                    })
                });
                let _ = tx.send(raised.map(|read| read.summary.lines));
            });
            let raised = rx
                .recv_timeout(std::time::Duration::from_secs(60))
                .expect("the workers stop within a minute");
            let payload = raised.expect_err("the panic is raised again");
            assert_eq!(payload.downcast_ref::<&str>(), Some(&"chunk with line 40"));
        }
    }
}
