//! Read: open a file, undo compression (sniffed by magic bytes, not by name), take a sample
//! for the format sniffer, then hand out newline-aligned chunks.
//!
//! Everything is a stream: plain files are read with `read(2)` into a reused buffer, not
//! mapped, so a file that logrotate truncates under us cannot kill the process (mmap would
//! SIGBUS), and gzip is decoded as it is read (`MultiGzDecoder`: rotated logs are often
//! several gzip members back to back). Memory is a few chunks, whatever the file size.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::Path;

use serde::Serialize;

/// Bytes per chunk handed to a worker; whole lines only, so a chunk may run a line longer.
pub const DEFAULT_CHUNK_SIZE: usize = 2 << 20;

/// How much of the decoded start of a file the sniffer sees.
pub(crate) const SAMPLE_SIZE: usize = 64 << 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
/// How a file was compressed (decided by its magic bytes, never its name).
pub enum Compression {
    /// Plain.
    None,
    /// gzip (also several members, and zero padding after them).
    Gzip,
    /// bzip2.
    Bzip2,
    /// xz.
    Xz,
    /// zstd (skippable frames passed over).
    Zstd,
}

/// A decoded byte stream.
pub type Stream = Box<dyn Read + Send>;

/// An opened file: its decoded stream, what compression it had, and the decoded sample
/// (which the stream will give again: it is chained back in front).
pub struct Opened {
    /// Its compression.
    pub compression: Compression,
    /// The first bytes, decoded: what the sniffer reads.
    pub sample: Vec<u8>,
    /// The sample is the whole file.
    pub complete: bool,
    /// The decoded stream, from the start (the sample included).
    pub stream: Stream,
    /// When the file was last written.
    pub modified: Option<std::time::SystemTime>,
    /// The MTIME of a gzip header: when the log was last written before it was compressed.
    /// Unlike the file's own time it survives copying, so it dates year-less lines best.
    pub gzip_mtime: Option<std::time::SystemTime>,
}

/// The gzip header's MTIME field (seconds since 1970, 0 for none).
pub(crate) fn gzip_header_mtime(head: &[u8]) -> Option<std::time::SystemTime> {
    let seconds = u32::from_le_bytes(head.get(4..8)?.try_into().ok()?);
    (head.starts_with(&[0x1f, 0x8b]) && seconds > 0)
        .then(|| std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::from(seconds)))
}

pub mod clock;
pub mod journal;
pub mod spool;
pub mod tar;

type Decoded = (
    Compression,
    Stream,
    Option<std::time::SystemTime>,
    Option<std::time::SystemTime>,
);

/// Opens a file and undoes its compression: (compression, decoded stream, mtime, gzip MTIME).
pub(crate) fn decode(path: &Path) -> io::Result<Decoded> {
    let file = File::open(path)?;
    let modified = file.metadata().and_then(|m| m.modified()).ok();
    let (compression, stream, _, gzip_mtime) = decode_stream(Box::new(file))?;
    Ok((compression, stream, modified, gzip_mtime))
}

/// A zstd skippable frame (magic 0x184D2A50..=0x184D2A5F, little-endian) at the head: metadata
/// some writers put before the first frame; the decoder skips it.
fn is_zstd_skippable(head: &[u8]) -> bool {
    head.len() >= 4 && head[0] & 0xf0 == 0x50 && head[1..4] == [0x2a, 0x4d, 0x18]
}

/// Concatenated gzip members, and the zero bytes some writers pad the file with after the
/// last one (`gzip -t` accepts them; a strict multi-member decoder calls them a bad header).
struct GzMembers<R: BufRead> {
    member: Option<flate2::bufread::GzDecoder<R>>,
}

impl<R: BufRead> GzMembers<R> {
    fn new(inner: R) -> Self {
        Self {
            member: Some(flate2::bufread::GzDecoder::new(inner)),
        }
    }
}

impl<R: BufRead> Read for GzMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(member) = self.member.as_mut() else {
                return Ok(0);
            };
            let n = member.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // The member ended: another follows, or zero padding, or nothing.
            let Some(member) = self.member.take() else {
                return Ok(0);
            };
            let mut inner = member.into_inner();
            loop {
                let rest = inner.fill_buf()?;
                if rest.is_empty() {
                    return Ok(0);
                }
                let zeros = rest.iter().take_while(|&&b| b == 0).count();
                if zeros == 0 {
                    break;
                }
                inner.consume(zeros);
            }
            self.member = Some(flate2::bufread::GzDecoder::new(inner));
        }
    }
}

/// Undoes the compression of any stream, sniffed by its magic bytes.
pub fn decode_stream(raw: Stream) -> io::Result<Decoded> {
    let own_reads = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let raw = clock::RawReads {
        inner: raw,
        own: own_reads.clone(),
    };
    let mut buffered = BufReader::with_capacity(256 << 10, raw);
    let head = buffered.fill_buf()?;
    let gzip_mtime = gzip_header_mtime(head);
    // By magic bytes, never by name; every decoder reads concatenated streams (rotated files
    // are often several members back to back).
    let (compression, decoded): (Compression, Stream) = if head.starts_with(&[0x1f, 0x8b]) {
        (Compression::Gzip, Box::new(GzMembers::new(buffered)))
    } else if head.starts_with(b"BZh") && head.get(3).is_some_and(|b| (b'1'..=b'9').contains(b)) {
        (
            Compression::Bzip2,
            Box::new(bzip2::bufread::MultiBzDecoder::new(buffered)),
        )
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        (
            Compression::Xz,
            Box::new(liblzma::bufread::XzDecoder::new_multi_decoder(buffered)),
        )
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) || is_zstd_skippable(head) {
        (
            Compression::Zstd,
            Box::new(zstd::stream::read::Decoder::with_buffer(buffered)?),
        )
    } else {
        return Ok((Compression::None, Box::new(buffered), None, gzip_mtime));
    };
    let decoded = Box::new(clock::Decoding {
        inner: decoded,
        raw: own_reads,
    });
    Ok((compression, decoded, None, gzip_mtime))
}

/// Opens a file, undoing its compression, with the sniffer's sample taken.
pub fn open(path: &Path) -> io::Result<Opened> {
    let (compression, decoded, modified, gzip_mtime) = decode(path)?;
    sample_and_chain(compression, decoded, modified, gzip_mtime)
}

/// Opens bytes `[start, end)` of a plain file, as they are: a piece of a larger file cut at
/// line ends, which is never decoded (its first bytes could look like any magic number).
pub(crate) fn open_range(path: &Path, start: u64, end: u64) -> io::Result<Opened> {
    use std::io::Seek;
    let mut file = File::open(path)?;
    let modified = file.metadata()?.modified().ok();
    file.seek(io::SeekFrom::Start(start))?;
    let piece: Stream = Box::new(clock::RawReads {
        inner: file.take(end.saturating_sub(start)),
        own: Default::default(),
    });
    sample_and_chain(Compression::None, piece, modified, None)
}

/// Takes the sniffer's sample off a decoded stream and chains it back in front.
pub(crate) fn sample_and_chain(
    compression: Compression,
    mut decoded: Stream,
    modified: Option<std::time::SystemTime>,
    gzip_mtime: Option<std::time::SystemTime>,
) -> io::Result<Opened> {
    let mut sample = Vec::with_capacity(SAMPLE_SIZE);
    let (complete, rest): (bool, Stream) = match read_past_padding(&mut decoded, &mut sample) {
        Ok(complete) => (complete, decoded),
        // A corrupt or truncated stream: keep what came out; the error comes back when the
        // reader reaches it, so it is reported with the line it stopped at.
        Err(e) if !sample.is_empty() => (false, Box::new(Failing(Some(e)))),
        Err(e) => return Err(e),
    };
    let stream: Stream = Box::new(Cursor::new(sample.clone()).chain(rest));
    Ok(Opened {
        compression,
        sample,
        complete,
        stream,
        modified,
        gzip_mtime,
    })
}

/// NUL padding this long at the head of a file is read past to find the text after it.
pub(crate) const MAX_PADDING: usize = 16 << 20;

/// Reads the sniffer's sample: [`SAMPLE_SIZE`] bytes after any run of NUL bytes at the head (a
/// log written through a crash or a preallocating writer), the padding kept in front.
fn read_past_padding(reader: &mut dyn Read, sample: &mut Vec<u8>) -> io::Result<bool> {
    let mut ended = read_up_to(reader, sample, SAMPLE_SIZE)?;
    loop {
        let padding = sample.iter().take_while(|&&b| b == 0).count();
        let want = padding.min(MAX_PADDING) + SAMPLE_SIZE;
        if ended || padding < SAMPLE_SIZE / 2 || sample.len() >= want {
            break;
        }
        ended = read_up_to(reader, sample, want)?;
    }
    // Lines longer than the sample (500 KB request paths): read on until a few whole lines
    // are in it, so the format is judged on lines, not on a fragment that says nothing.
    while !ended
        && memchr::memchr_iter(b'\n', sample)
            .take(MIN_SAMPLE_LINES)
            .count()
            < MIN_SAMPLE_LINES
        && sample.len() < MAX_SAMPLE_SIZE
    {
        let more = (sample.len() + SAMPLE_SIZE).min(MAX_SAMPLE_SIZE);
        ended = read_up_to(reader, sample, more)?;
    }
    Ok(ended)
}

/// Whole lines the sniffer's sample should hold when the file has them.
const MIN_SAMPLE_LINES: usize = 3;
/// How far the sample may grow to hold them: a few lines of the reader's longest.
const MAX_SAMPLE_SIZE: usize = 4 * MAX_LINE_BYTES;

/// What happened to a plain file while it was read, if anything lost lines: it was removed,
/// replaced (another inode has its name: logrotate's `create`), or truncated (`copytruncate`,
/// `> file`), judged against its metadata from before the read and the bytes that were read.
/// A file that grew (a live log) is fine: everything up to where reading ended was read.
pub(crate) fn changed_while_read(
    path: &Path,
    before: &std::fs::Metadata,
    read: u64,
) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let after = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(_) => return Some("removed while being read".into()),
    };
    if (after.dev(), after.ino()) != (before.dev(), before.ino()) {
        return Some(format!(
            "replaced while being read (another file now has its name); {read} of its {} bytes were read",
            before.len()
        ));
    }
    if after.len() < before.len() || read < before.len() {
        return Some(format!(
            "truncated while being read: {} bytes before, {} after, {read} read",
            before.len(),
            after.len()
        ));
    }
    None
}

/// A reader that fails once with a stored error, then reports the end.
struct Failing(Option<io::Error>);

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

/// Reads until `buf` holds `limit` bytes or the stream ends; true when it ended.
fn read_up_to(reader: &mut dyn Read, buf: &mut Vec<u8>, limit: usize) -> io::Result<bool> {
    let taken = reader
        .take((limit - buf.len().min(limit)) as u64)
        .read_to_end(buf);
    match taken {
        Ok(_) if buf.len() < limit => Ok(true),
        Ok(_) => Ok(false),
        Err(e) => Err(e),
    }
}

/// A line longer than this is kept as its first this-many bytes and the rest skipped: memory
/// never depends on line length (a 1 GB line is 8.7 MB gzipped).
pub(crate) const MAX_LINE_BYTES: usize = 1 << 20;

/// Cuts a stream into chunks that end at a newline (the last may not).
pub struct Chunker {
    stream: Stream,
    chunk_size: usize,
    carry: Vec<u8>,
    done: bool,
    /// Lines cut at [`MAX_LINE_BYTES`], and the bytes cut off them.
    pub cut_lines: u64,
    /// Bytes left out of those cut lines.
    pub cut_bytes: u64,
    /// Whether a line starts a record, for formats whose records span lines.
    starts_record: Option<StartsRecord>,
}

/// Whether a line starts a record (see [`Chunker::align_to_records`]).
pub(crate) type StartsRecord = Box<dyn Fn(&[u8]) -> bool + Send>;

/// How far back a chunk's end moves to the start of a record: a record longer than this (a
/// 1,000-frame Java dump) may be cut, and read as two.
pub(crate) const MAX_RECORD_BACKTRACK: usize = 64 << 10;

impl Chunker {
    /// Newline-aligned chunks of about `chunk_size` bytes from `stream`.
    pub fn new(stream: Stream, chunk_size: usize) -> Self {
        Self {
            stream,
            chunk_size: chunk_size.max(1),
            carry: Vec::new(),
            done: false,
            cut_lines: 0,
            cut_bytes: 0,
            starts_record: None,
        }
    }

    /// Ends each chunk before a line that starts a record, so that a record whose lines
    /// belong together (a traceback under its error line) is read by one worker, whatever the
    /// chunk size.
    pub(crate) fn align_to_records(mut self, starts_record: StartsRecord) -> Self {
        self.starts_record = Some(starts_record);
        self
    }

    /// Where the chunk `buf[..end]` (whole lines) ends when cut before its last record: the
    /// start of the last line that starts a record. `None` when the only one is the chunk's
    /// first line and the chunk is still shorter than [`MAX_RECORD_BACKTRACK`] (read on: the
    /// record may end further); `end` itself when not aligning, or when no record starts
    /// within [`MAX_RECORD_BACKTRACK`] of the end (a record that long is cut).
    fn record_end(&self, buf: &[u8], end: usize) -> Option<usize> {
        let Some(starts_record) = &self.starts_record else {
            return Some(end);
        };
        let mut line_end = end - 1;
        while end - line_end <= MAX_RECORD_BACKTRACK {
            let start = memchr::memrchr(b'\n', &buf[..line_end]).map_or(0, |i| i + 1);
            if start == 0 {
                return (buf.len() >= MAX_RECORD_BACKTRACK).then_some(end);
            }
            let line = &buf[start..line_end];
            if starts_record(line.strip_suffix(b"\r").unwrap_or(line)) {
                return Some(start);
            }
            line_end = start - 1;
        }
        Some(end)
    }

    /// Sets the size of the chunks read from now on.
    pub(crate) fn set_chunk_size(&mut self, chunk_size: usize) {
        self.chunk_size = chunk_size.max(1);
    }

    /// Fills `buf` with the next chunk; `Ok(false)` at the end of the stream. On a read
    /// error the bytes read so far are still in `buf` (whole lines) for the caller to use.
    pub fn next_chunk(&mut self, buf: &mut Vec<u8>) -> io::Result<bool> {
        buf.clear();
        buf.append(&mut self.carry);
        if self.done {
            return Ok(!buf.is_empty());
        }
        let mut target = buf.len().max(self.chunk_size);
        loop {
            let ended = match read_up_to(&mut self.stream, buf, target) {
                Ok(ended) => ended,
                Err(e) => {
                    self.done = true;
                    return Err(e);
                }
            };
            if ended {
                self.done = true;
                if buf.len() > MAX_LINE_BYTES && memchr::memchr(b'\n', buf).is_none() {
                    self.cut_bytes += (buf.len() - MAX_LINE_BYTES) as u64;
                    buf.truncate(MAX_LINE_BYTES);
                    self.cut_lines += 1;
                }
                return Ok(!buf.is_empty());
            }
            if let Some(last_newline) = memchr::memrchr(b'\n', buf)
                && let Some(end) = self.record_end(buf, last_newline + 1)
            {
                self.carry.extend_from_slice(&buf[end..]);
                buf.truncate(end);
                return Ok(true);
            }
            // One line longer than a chunk: read on until it ends, up to the cap.
            if buf.len() >= MAX_LINE_BYTES {
                self.cut_bytes += (buf.len() - MAX_LINE_BYTES) as u64;
                buf.truncate(MAX_LINE_BYTES);
                buf.push(b'\n');
                self.cut_lines += 1;
                self.skip_rest_of_line()?;
                return Ok(true);
            }
            target = (buf.len() + self.chunk_size).min(MAX_LINE_BYTES);
        }
    }

    /// Skips to the end of the current line; what follows it is carried to the next chunk.
    fn skip_rest_of_line(&mut self) -> io::Result<()> {
        let piece = self.chunk_size.min(MAX_LINE_BYTES);
        let mut scratch = Vec::with_capacity(piece);
        loop {
            scratch.clear();
            let ended = match read_up_to(&mut self.stream, &mut scratch, piece) {
                Ok(ended) => ended,
                Err(e) => {
                    self.done = true;
                    return Err(e);
                }
            };
            if let Some(nl) = memchr::memchr(b'\n', &scratch) {
                // The newline ending the line in the file is the one added to the cut line.
                self.cut_bytes += nl as u64;
                self.carry.extend_from_slice(&scratch[nl + 1..]);
                self.done = ended;
                return Ok(());
            }
            self.cut_bytes += scratch.len() as u64;
            if ended {
                self.done = true;
                return Ok(());
            }
        }
    }
}

/// Splits a chunk into lines (without `\n`); a final line without newline is included.
pub fn lines(chunk: &[u8]) -> impl Iterator<Item = &[u8]> {
    let body = chunk.strip_suffix(b"\n").unwrap_or(chunk);
    let mut start = 0;
    let mut finished = chunk.is_empty();
    std::iter::from_fn(move || {
        if finished {
            return None;
        }
        match memchr::memchr(b'\n', &body[start..]) {
            Some(i) => {
                let line = &body[start..start + i];
                start += i + 1;
                Some(line)
            }
            None => {
                finished = true;
                Some(&body[start..])
            }
        }
    })
}

#[cfg(test)]
mod tests;
