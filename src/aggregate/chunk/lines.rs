//! The line loop every format shares: counts, digests, NUL padding, blank lines and overlap
//! hashes, then the format's own reading of the line.

use super::Worker;
use super::line_hash;
use crate::aggregate::digest::line_digest;
use crate::parse::common::strip_cr;
use crate::parse::entry::Entry;
use crate::parse::reader::LineSink;
use crate::read::lines;

impl LineSink for Worker<'_> {
    /// Every line of a chunk, handed with its number to `handle` after the bookkeeping every
    /// format shares (counts, NUL padding, blank lines, overlap hashes).
    #[inline]
    fn each_line<'d>(&mut self, data: &'d [u8], handle: impl FnMut(&mut Self, &'d [u8], u64)) {
        each_line(self, data, handle);
    }

    #[inline]
    fn entry(&mut self, entry: Entry<'_>, line: u64) {
        self.fold(entry, line);
    }

    fn entry_from(&mut self, entry: Entry<'_>, line: u64, source: Option<&[u8]>) {
        self.fold_from(entry, line, source);
    }

    fn continuation(&mut self, line: &[u8]) {
        Worker::continuation(self, line);
    }
}

#[inline]
fn each_line<'d, 'c>(
    worker: &mut Worker<'c>,
    data: &'d [u8],
    mut handle: impl FnMut(&mut Worker<'c>, &'d [u8], u64),
) {
    let overlap = worker.ctx.overlap.is_some();
    for (i, raw) in lines(data).enumerate() {
        let n = i as u64 + 1;
        worker.out.lines += 1;
        worker.out.content_hash = worker.out.content_hash.wrapping_add(line_digest(raw));
        if raw.len() > crate::aggregate::LONG_LINE {
            worker.out.long_lines += 1;
        }
        let mut line = strip_cr(raw);
        if line.first() == Some(&0) {
            // NUL padding before a line (a crash, a preallocating writer) is not part of it.
            let padding = line.iter().take_while(|&&b| b == 0).count();
            line = &line[padding..];
            if line.is_empty() {
                // A run of NULs longer than the reader's cap on a line (a sparse tail after a
                // crash) was cut there: its length is not known, only that it is longer.
                let cut = raw.len() >= crate::read::MAX_LINE_BYTES;
                worker.out.skip(n, || match cut {
                    true => format!(
                        "a run of NUL bytes longer than the {} MiB a line may hold (a hole left by a crash, a sparse file?): passed over",
                        crate::read::MAX_LINE_BYTES >> 20
                    ),
                    false => format!("{padding} NUL bytes: padding (a crash?)"),
                });
                continue;
            }
        }
        if overlap {
            worker.line_hash = line_hash(line);
        }
        if line.trim_ascii().is_empty() {
            worker.out.blank += 1;
            continue;
        }
        let kept = worker.marks.kept;
        handle(worker, line, n);
        if worker.marks.kept != kept {
            let start = raw.as_ptr() as usize - data.as_ptr() as usize;
            worker.marks.at.push((n, start, start + raw.len()));
        }
    }
}
