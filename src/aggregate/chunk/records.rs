//! Multi-line error records: a Python, Java or Go traceback under an error line names the
//! exception that was raised (`KeyError: 'user_id'`), which the first line (`Internal Server
//! Error: /checkout/`) does not. An error line's signature waits for the lines that continue
//! it, and takes the last exception they name (Java's deepest `Caused by:`, the exception a
//! Python traceback ends with).
//!
//! Records are read whole: the reader cuts chunks, and a plan its byte ranges, before a line
//! that starts a record (see `crate::read::Chunker::align_to_records`), so a traceback is
//! never split between two workers and the signature does not depend on the chunk size.

use super::Worker;
use crate::aggregate::ErrorSample;
use crate::aggregate::signature::signature;
use crate::parse::cause::exception_line;
use crate::parse::common::kept_text;
use crate::time::Micros;

/// Continuation lines looked at per record: a 100,000-line dump is not read for its cause.
const MAX_LINES_LOOKED_AT: u32 = 2_000;

/// An error line whose signature waits for the lines that continue it.
#[derive(Debug, Default)]
pub(super) struct OpenRecord {
    open: bool,
    time: Micros,
    line: u64,
    /// `program: `, or empty.
    prefix: String,
    message: Vec<u8>,
    /// The last exception line among the record's continuations; empty while none.
    cause: Vec<u8>,
    looked_at: u32,
}

impl Worker<'_> {
    /// Holds an error line's signature until its record ends.
    pub(super) fn open_record(&mut self, t: Micros, n: u64, message: &[u8], prefix: String) {
        self.close_record();
        let r = &mut self.open_record;
        r.open = true;
        r.time = t;
        r.line = n;
        r.prefix = prefix;
        r.message.clear();
        r.message.extend_from_slice(message);
        r.cause.clear();
        r.looked_at = 0;
    }

    /// A line that continues the record above it.
    pub(super) fn continuation(&mut self, line: &[u8]) {
        self.out.continuation += 1;
        let r = &mut self.open_record;
        if !r.open || r.looked_at >= MAX_LINES_LOOKED_AT {
            return;
        }
        r.looked_at += 1;
        if let Some(exception) = exception_line(line) {
            r.cause.clear();
            r.cause.extend_from_slice(exception);
        }
    }

    /// Counts the open record's signature, with its cause when it has one.
    pub(super) fn close_record(&mut self) {
        if !self.open_record.open {
            return;
        }
        let r = std::mem::take(&mut self.open_record);
        let mut key = r.prefix;
        key.push_str(&signature(&String::from_utf8_lossy(&r.message)));
        if !r.cause.is_empty() {
            key.push_str(" — ");
            key.push_str(&signature(&String::from_utf8_lossy(&r.cause)));
        }
        let bin = self.bin(r.time);
        let source = self.source(r.line);
        self.out.signatures.record(key, bin, || {
            let mut text = kept_text(&r.message);
            if !r.cause.is_empty() {
                text.push_str(" — ");
                text.push_str(&kept_text(&r.cause));
            }
            ErrorSample {
                time: r.time,
                source,
                text,
            }
        });
        // The buffers go back for the next record.
        self.open_record = OpenRecord {
            message: r.message,
            cause: r.cause,
            ..OpenRecord::default()
        };
    }
}
