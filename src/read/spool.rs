//! Private copies of what cannot be read twice in place: standard input, a FIFO, a decoded
//! compressed archive, a binary journal's export.
//!
//! Why unlinked: a named temporary file is removed by its destructor, which neither a signal
//! handler's `exit` nor SIGKILL runs; the copies of a killed run filled `$TMPDIR`. The file is
//! unlinked as it is made (`O_TMPFILE` where the kernel has it) and read again through
//! `/proc/self/fd/N`, which opens it afresh with an offset of its own, as often as needed.
//! Why bounded: `yes | postmortem draft -` wrote 300 MB/s until the disk was full. A copy stops
//! at [`limit`]: the free space where it is written, less a reserve, and at most
//! [`DEFAULT_LIMIT`] (`POSTMORTEM_SPOOL_LIMIT` sets another, in bytes).

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The most a copy of a stream may hold unless `POSTMORTEM_SPOOL_LIMIT` says otherwise.
pub(crate) const DEFAULT_LIMIT: u64 = 64 << 30;
/// Left free on the file system the copy is written to, for the rest of the machine.
const RESERVE: u64 = 256 << 20;

/// A private temporary file, gone when the last handle on it closes, whatever ends the run.
#[derive(Debug)]
pub struct SpoolFile {
    file: std::fs::File,
    path: PathBuf,
    /// Where `/proc/self/fd` is missing (not Linux): a named file, removed on drop.
    _named: Option<tempfile::TempPath>,
}

impl SpoolFile {
    /// A new, empty copy.
    pub fn new() -> io::Result<SpoolFile> {
        let proc_fd = Path::new("/proc/self/fd");
        if proc_fd.is_dir() {
            use std::os::fd::AsRawFd;
            let file = tempfile::tempfile()?;
            let path = proc_fd.join(file.as_raw_fd().to_string());
            return Ok(SpoolFile {
                file,
                path,
                _named: None,
            });
        }
        let (file, named) = tempfile::NamedTempFile::new()?.into_parts();
        Ok(SpoolFile {
            file,
            path: named.to_path_buf(),
            _named: Some(named),
        })
    }

    /// A path that opens the copy afresh (its own offset) for as long as this lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The copy, to write into.
    pub fn file(&self) -> &std::fs::File {
        &self.file
    }
}

/// How much a copy may hold: [`DEFAULT_LIMIT`] (or `POSTMORTEM_SPOOL_LIMIT`), and no more than
/// the free space of the temporary folder less a reserve.
pub fn limit() -> u64 {
    let configured = std::env::var("POSTMORTEM_SPOOL_LIMIT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(DEFAULT_LIMIT);
    let free = rustix::fs::statvfs(std::env::temp_dir())
        .map(|s| s.f_bavail.saturating_mul(s.f_frsize))
        .unwrap_or(u64::MAX);
    configured.min(free.saturating_sub(RESERVE))
}

/// Copies `from` into `to`, at most `limit` bytes; `Ok(true)` when the stream held more (it
/// is read no further).
pub(crate) fn copy_bounded(
    from: &mut dyn Read,
    to: &mut dyn Write,
    limit: u64,
) -> io::Result<bool> {
    let copied = io::copy(&mut from.take(limit), to)?;
    if copied < limit {
        return Ok(false);
    }
    let mut probe = [0u8; 1];
    Ok(from.read(&mut probe)? > 0)
}

/// The message for a copy stopped at its limit.
pub(crate) fn limit_reached(limit: u64) -> String {
    format!(
        "longer than {} MiB, as much as may be copied to the temporary folder (its free space less {} MiB, at most POSTMORTEM_SPOOL_LIMIT or {} GiB): read up to there",
        limit >> 20,
        RESERVE >> 20,
        DEFAULT_LIMIT >> 30
    )
}
