//! `.tar` and `.tar.gz` (any compression) read in place: people attach `logs.tar.gz` to the
//! incident ticket, and unpacking it first is a step they should not need.
//!
//! The tar format is simple enough to read by hand: 512-byte headers, data padded to 512.
//! One pass lists the members (with GNU long names and PAX `path`s); a member is then opened by
//! seeking to its data in a plain tar, or by decoding up to it in a compressed one.

use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use super::{Compression, Opened, Stream, decode, sample_and_chain};

/// One regular file inside an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    /// Where its data starts in the decoded archive.
    pub offset: u64,
    pub size: u64,
}

/// Whether a decoded sample starts with a tar header (`ustar` magic at byte 257).
pub fn is_tar(sample: &[u8]) -> bool {
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

/// The regular files of a decoded archive, in order.
pub fn members(mut stream: Stream) -> io::Result<Vec<Member>> {
    let mut out = Vec::new();
    let mut header = [0u8; 512];
    let mut offset = 0u64;
    let mut long_name: Option<String> = None;
    loop {
        if let Err(e) = stream.read_exact(&mut header) {
            return match e.kind() {
                io::ErrorKind::UnexpectedEof if !out.is_empty() => Ok(out),
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
        match header[156] {
            // GNU long name, PAX extended header: the name of the next member.
            b'L' | b'x' => {
                let mut data = vec![0u8; size.min(1 << 20) as usize];
                stream.read_exact(&mut data)?;
                skip(&mut stream, padded - data.len() as u64)?;
                long_name = if header[156] == b'L' {
                    Some(c_string(&data))
                } else {
                    pax_path(&data).or(long_name)
                };
            }
            b'0' | 0 => {
                let mut name = c_string(&header[0..100]);
                let prefix = c_string(&header[345..500]);
                if !prefix.is_empty() {
                    name = format!("{prefix}/{name}");
                }
                out.push(Member {
                    name: long_name.take().unwrap_or(name),
                    offset,
                    size,
                });
                skip(&mut stream, padded)?;
            }
            _ => {
                long_name = None;
                skip(&mut stream, padded)?;
            }
        }
        offset += padded;
    }
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
pub fn open_member(path: &Path, member: &Member) -> io::Result<Opened> {
    let (compression, mut stream, modified, _) = decode(path)?;
    let data: Stream = if compression == Compression::None {
        let mut file = std::fs::File::open(path)?;
        file.seek(SeekFrom::Start(member.offset))?;
        Box::new(io::BufReader::with_capacity(256 << 10, file).take(member.size))
    } else {
        skip(&mut stream, member.offset)?;
        Box::new(stream.take(member.size))
    };
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
