//! `.tar` and `.tar.gz` (any compression) read in place: people attach `logs.tar.gz` to the
//! incident ticket, and unpacking it first is a step they should not need.
//!
//! The tar format is simple enough to read by hand: 512-byte headers, data padded to 512.
//! One pass lists the members (with GNU long names and PAX `path`s); a member is then opened by
//! seeking to its data. A compressed archive is decoded once, into a private temporary file
//! the listing pass writes as it reads (decoding from the start for each member made 20,000
//! members take 35 s), so every member is a seek away.

use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;

use super::{Compression, Opened, Stream, sample_and_chain};

/// One regular file inside an archive.
#[derive(Debug, Clone)]
pub struct Member {
    /// Its path inside the archive.
    pub name: String,
    /// Where its data starts in the decoded archive.
    pub offset: u64,
    /// Its size in bytes.
    pub size: u64,
    /// The decoded copy of a compressed archive, where `offset` points; `None`: the file.
    pub spool: Option<Arc<crate::read::spool::SpoolFile>>,
    /// The archive's own compression, shown for its members.
    pub compression: Compression,
}

impl PartialEq for Member {
    fn eq(&self, other: &Self) -> bool {
        (&self.name, self.offset, self.size) == (&other.name, other.offset, other.size)
    }
}

impl Eq for Member {}

/// What an archive holds: its regular files, the members passed over (links, devices,
/// archives inside it) with the reason, and where it was cut if it ends early.
#[derive(Debug, Default)]
pub struct Listing {
    /// Regular files, in archive order.
    pub members: Vec<Member>,
    /// Members passed over (links, devices, archives in the archive), with reasons.
    pub passed: Vec<(String, String)>,
    /// Why the listing stopped early, if it did.
    pub cut: Option<String>,
}

/// Whether a decoded sample starts with a tar header (`ustar` magic at byte 257).
pub(crate) fn is_tar(sample: &[u8]) -> bool {
    sample.get(257..262) == Some(b"ustar")
}

fn octal(field: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(field).ok()?;
    let text = text.trim_matches(|c: char| c == '\0' || c == ' ');
    if text.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(text, 8).ok()
}

fn c_string(field: &[u8]) -> String {
    let end = memchr::memchr(0, field).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

fn skip(stream: &mut dyn Read, n: u64) -> io::Result<()> {
    let copied = io::copy(&mut stream.take(n), &mut io::sink())?;
    if copied < n {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "archive ends inside a member",
        ));
    }
    Ok(())
}

/// The members of a decoded archive, in order; a copy of every byte read goes to `spool`
/// when given. An archive that ends early keeps every complete member and says where.
pub fn members(stream: Stream, spool: Option<&mut dyn Write>) -> io::Result<Listing> {
    let mut tee = Tee { stream, spool };
    let mut out = Listing::default();
    let mut header = [0u8; 512];
    let mut offset = 0u64;
    let mut long_name: Option<String> = None;
    loop {
        if let Err(e) = tee.read_exact(&mut header) {
            return match e.kind() {
                io::ErrorKind::UnexpectedEof if offset > 0 => {
                    out.cut = Some(format!(
                        "the archive ends at byte {offset}, without its end marker"
                    ));
                    Ok(out)
                }
                _ => Err(e),
            };
        }
        offset += 512;
        if header.iter().all(|&b| b == 0) {
            return Ok(out);
        }
        let size = octal(&header[124..136])
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "bad tar header size"))?;
        let padded = size.div_ceil(512) * 512;
        let mut name = c_string(&header[0..100]);
        let prefix = c_string(&header[345..500]);
        if !prefix.is_empty() {
            name = format!("{prefix}/{name}");
        }
        let kind = header[156];
        if matches!(kind, b'L' | b'x') {
            // GNU long name, PAX extended header: the name of the next member.
            let mut data = vec![0u8; size.min(1 << 20) as usize];
            if let Err(e) = tee
                .read_exact(&mut data)
                .and_then(|_| skip(&mut tee, padded - data.len() as u64))
            {
                return cut_or(out, e, offset);
            }
            long_name = if kind == b'L' {
                Some(c_string(&data))
            } else {
                pax_path(&data).or(long_name)
            };
            offset += padded;
            continue;
        }
        let name = long_name.take().unwrap_or(name);
        match kind {
            b'0' | 0 | b'7' => out.members.push(Member {
                name,
                offset,
                size,
                spool: None,
                compression: Compression::None,
            }),
            b'1' | b'2' => {
                let target = c_string(&header[157..257]);
                let what = if kind == b'2' {
                    "a symbolic link"
                } else {
                    "a hard link"
                };
                out.passed.push((
                    name,
                    format!("{what} to {target:?} inside the archive: not followed"),
                ));
            }
            b'5' => {}
            other => out.passed.push((
                name,
                format!("not a regular file (tar type {:?})", other as char),
            )),
        }
        if let Err(e) = skip(&mut tee, padded) {
            out.members.retain(|m| m.offset + m.size <= offset);
            return cut_or(out, e, offset);
        }
        offset += padded;
    }
}

/// An archive that ends inside a member: the members before it are kept.
fn cut_or(mut out: Listing, e: io::Error, offset: u64) -> io::Result<Listing> {
    if e.kind() != io::ErrorKind::UnexpectedEof {
        return Err(e);
    }
    out.cut = Some(format!(
        "the archive is cut inside the member that starts at byte {offset}; the members before it are read"
    ));
    Ok(out)
}

/// A reader that copies what it reads to a writer (the spool of a compressed archive).
struct Tee<'a> {
    stream: Stream,
    spool: Option<&'a mut dyn Write>,
}

impl Read for Tee<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.stream.read(buf)?;
        if let Some(w) = self.spool.as_mut() {
            w.write_all(&buf[..n])?;
        }
        Ok(n)
    }
}

/// A decoded archive read no further than a copy of it may hold (see
/// [`crate::read::spool::limit`]): a decompression bomb ends there, as if cut, with the
/// members before it kept and `hit` set.
struct Bounded {
    stream: Stream,
    left: u64,
    hit: Arc<std::sync::atomic::AtomicBool>,
}

impl Read for Bounded {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            let mut probe = [0u8; 1];
            if self.stream.read(&mut probe)? > 0 {
                self.hit.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            return Ok(0);
        }
        let take = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.stream.read(&mut buf[..take])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// Lists a decoded archive; a compressed one is spooled to a private temporary file as it
/// is listed, and its members point there.
pub fn list(stream: Stream, compression: Compression) -> io::Result<Listing> {
    if compression == Compression::None {
        return members(stream, None);
    }
    let copy = crate::read::spool::SpoolFile::new()?;
    let limit = crate::read::spool::limit();
    let mut writer = BufWriter::with_capacity(256 << 10, copy.file());
    let hit = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stream: Stream = Box::new(Bounded {
        stream,
        left: limit,
        hit: Arc::clone(&hit),
    });
    let mut listing = members(stream, Some(&mut writer))?;
    writer.flush()?;
    drop(writer);
    if hit.load(std::sync::atomic::Ordering::Relaxed) {
        listing.cut = Some(crate::read::spool::limit_reached(limit));
    }
    let spool = Arc::new(copy);
    for m in &mut listing.members {
        m.spool = Some(Arc::clone(&spool));
        m.compression = compression;
    }
    Ok(listing)
}

/// `path=` in PAX records (`<len> path=<value>\n`).
fn pax_path(data: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(data);
    text.lines()
        .find_map(|l| {
            l.split_once(' ')
                .and_then(|(_, kv)| kv.strip_prefix("path="))
        })
        .map(str::to_string)
}

/// Opens one member of the archive at `path` as if it were a file of its own.
pub(crate) fn open_member(path: &Path, member: &Member) -> io::Result<Opened> {
    let (compression, file, modified) = match &member.spool {
        Some(spool) => {
            let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
            let file = std::fs::File::open(spool.path())?;
            (member.compression, file, modified)
        }
        None => {
            let file = std::fs::File::open(path)?;
            let modified = file.metadata().and_then(|m| m.modified()).ok();
            (Compression::None, file, modified)
        }
    };
    let mut file = file;
    file.seek(SeekFrom::Start(member.offset))?;
    let data: Stream = Box::new(io::BufReader::with_capacity(256 << 10, file).take(member.size));
    // The member's own compression (a `.gz` inside the tar) is undone too.
    let (inner, decoded, _, gzip_mtime) = super::decode_stream(data)?;
    let shown = match inner {
        Compression::None => compression,
        inner => inner,
    };
    sample_and_chain(shown, decoded, modified, gzip_mtime)
}

#[cfg(test)]
mod tests;
