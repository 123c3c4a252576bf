//! Where a run's time goes, for `--stats`: the time spent in `read(2)` on the files, in the
//! decoders of compressed files (their own reads left out), and in parsing and aggregating
//! chunks. These happen on every thread at once, interleaved, so each is a sum over threads
//! (thread-seconds), measured where the work is done: one clock reading per buffer read or
//! chunk parsed, never per line.
//!
//! The counters are process-wide, like the allocator's: two runs in one process add up.
//! [`Stages::since`] takes the difference between two readings.

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

static READ_NANOS: AtomicU64 = AtomicU64::new(0);
static DECOMPRESS_NANOS: AtomicU64 = AtomicU64::new(0);
static PARSE_NANOS: AtomicU64 = AtomicU64::new(0);

/// The three counters at one moment, in nanoseconds summed over threads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stages {
    /// In `read(2)` on input files (plain and compressed).
    pub read: u64,
    /// Decoding compressed files, their reads left out.
    pub decompress: u64,
    /// Parsing and aggregating chunks of lines.
    pub parse: u64,
}

impl Stages {
    /// The counters now.
    pub fn now() -> Stages {
        Stages {
            read: READ_NANOS.load(Ordering::Relaxed),
            decompress: DECOMPRESS_NANOS.load(Ordering::Relaxed),
            parse: PARSE_NANOS.load(Ordering::Relaxed),
        }
    }

    /// What was counted between `earlier` and now.
    pub fn since(earlier: Stages) -> Stages {
        let now = Stages::now();
        Stages {
            read: now.read.saturating_sub(earlier.read),
            decompress: now.decompress.saturating_sub(earlier.decompress),
            parse: now.parse.saturating_sub(earlier.parse),
        }
    }
}

fn nanos(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// Runs `parse` (a chunk's parse and fold) on the parse clock.
pub fn parsing<T>(parse: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = parse();
    PARSE_NANOS.fetch_add(nanos(started), Ordering::Relaxed);
    out
}

/// A file's raw bytes, on the read clock; `own` keeps this file's share, which its decoder
/// leaves out of its own time.
pub(super) struct RawReads<R> {
    pub(super) inner: R,
    pub(super) own: Arc<AtomicU64>,
}

impl<R: Read> Read for RawReads<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let started = Instant::now();
        let n = self.inner.read(buf);
        let took = nanos(started);
        READ_NANOS.fetch_add(took, Ordering::Relaxed);
        self.own.fetch_add(took, Ordering::Relaxed);
        n
    }
}

/// A decoder's output, on the decompress clock less the reads it made of its file.
pub(super) struct Decoding<R> {
    pub(super) inner: R,
    pub(super) raw: Arc<AtomicU64>,
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let raw_before = self.raw.load(Ordering::Relaxed);
        let started = Instant::now();
        let n = self.inner.read(buf);
        let took = nanos(started);
        let raw = self.raw.load(Ordering::Relaxed).saturating_sub(raw_before);
        DECOMPRESS_NANOS.fetch_add(took.saturating_sub(raw), Ordering::Relaxed);
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_compressed_files_decoding_is_counted_apart_from_its_reads() {
        let plain = b"Sep 10 08:15:02 web-1 sshd[1]: hello\n".repeat(20_000);
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&plain).expect("in memory");
        let gz = encoder.finish().expect("in memory");
        let before = Stages::now();
        let raw: crate::read::Stream = Box::new(std::io::Cursor::new(gz));
        let (_, mut stream, ..) = crate::read::decode_stream(raw).expect("gzip");
        let mut out = Vec::new();
        stream.read_to_end(&mut out).expect("decodes");
        assert_eq!(out, plain);
        let counted = Stages::since(before);
        // Other tests run beside this one, so only growth is certain.
        assert!(counted.decompress > 0, "{counted:?}");
        assert!(counted.read > 0, "{counted:?}");
        let parsed = parsing(|| {
            std::thread::sleep(std::time::Duration::from_millis(2));
            7
        });
        assert_eq!(parsed, 7, "the parse's result comes back");
        assert!(Stages::since(before).parse >= 2_000_000);
    }
}
