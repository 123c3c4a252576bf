//! Finds the records of a JSON export as its bytes stream past, without holding the
//! document: an Elasticsearch response of a gigabyte is one document whose records sit in
//! `hits.hits`, a Kubernetes List's in `items`. A [`Splitter`] follows the document's
//! structure byte by byte (strings skipped with memchr) and reports where each value at one
//! of its paths starts and ends; the caller keeps only the bytes of the record still open.
//!
//! It is lenient where a record-by-record reader can be: a stray comma, a missing one, or a
//! broken record changes nothing outside that record, so one bad record costs only itself.

/// One step of a path into a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The value of this key of an object.
    Key(&'static str),
    /// Every element of an array.
    Each,
}

/// Where a document's records are, and where the labels that go with the records after them
/// are (Loki's `stream` beside its `values`, OTLP's `resource` beside its `scopeLogs`).
#[derive(Debug)]
pub struct Paths {
    /// Paths of records; `&[]` makes each top-level value a record (one document per line).
    pub records: &'static [&'static [Step]],
    /// A path whose value is kept as the labels of the records that follow it.
    pub labels: Option<&'static [Step]>,
}

/// What the splitter found: a value at a path, by its bytes' offsets in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A record's bytes.
    Record {
        /// Its first byte's offset.
        start: u64,
        /// One past its last byte.
        end: u64,
    },
    /// Labels for the records after them.
    Labels {
        /// Their first byte's offset.
        start: u64,
        /// One past their last byte.
        end: u64,
    },
}

/// Keys longer than this are not compared (no path names one).
const MAX_KEY: usize = 64;
/// Nesting deeper than this is followed by depth alone (no path reaches it).
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone)]
enum Frame {
    /// An object, with its current key and whether a value (not a key) comes next.
    Object {
        key: Vec<u8>,
        value_next: bool,
    },
    Array,
}

/// Follows a stream of JSON documents (one per line, pretty-printed or concatenated).
#[derive(Debug)]
pub struct Splitter {
    paths: &'static Paths,
    stack: Vec<Frame>,
    /// Depth past [`MAX_DEPTH`], followed without frames.
    deeper: usize,
    in_string: bool,
    escaped: bool,
    /// The string being read is a key: its bytes so far.
    key: Option<Vec<u8>>,
    /// A number or a literal is being read, started at this offset.
    scalar: bool,
    /// The record open: where it started and at which depth it ends.
    record: Option<(u64, usize)>,
    labels: Option<(u64, usize)>,
    /// Bytes followed so far: the offset of the next byte fed.
    offset: u64,
}

impl Splitter {
    /// A splitter finding the values at `paths`.
    pub fn new(paths: &'static Paths) -> Splitter {
        Splitter {
            paths,
            stack: Vec::new(),
            deeper: 0,
            in_string: false,
            escaped: false,
            key: None,
            scalar: false,
            record: None,
            labels: None,
            offset: 0,
        }
    }

    /// Where the earliest value still open started: bytes before it are no longer needed.
    pub fn keep_from(&self) -> u64 {
        [self.record, self.labels]
            .iter()
            .flatten()
            .map(|(start, _)| *start)
            .min()
            .unwrap_or(self.offset)
    }

    /// Gives up the record open (it grew too large): its bytes are not needed any more, and
    /// its end is not reported. Whether one was open.
    pub fn drop_open_record(&mut self) -> bool {
        self.record.take().is_some()
    }

    /// Follows the next bytes of the stream, reporting each value found as it ends.
    pub fn feed(&mut self, bytes: &[u8], found: &mut impl FnMut(Found)) {
        let base = self.offset;
        let mut i = 0;
        while i < bytes.len() {
            if self.in_string {
                i = self.string_bytes(bytes, i, base, found);
                continue;
            }
            let b = bytes[i];
            let at = base + i as u64;
            if self.scalar {
                if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n' | b':') {
                    self.scalar = false;
                    self.value_ended(at, found);
                } else {
                    i += 1;
                    continue;
                }
            }
            match b {
                b'"' => {
                    self.in_string = true;
                    if self.key_next() {
                        self.key = Some(Vec::new());
                    } else {
                        self.value_starts(at);
                    }
                }
                b'{' | b'[' => {
                    self.value_starts(at);
                    self.push(b == b'{');
                }
                b'}' | b']' => {
                    self.pop();
                    self.value_ended(at + 1, found);
                }
                b':' => {
                    if let Some(Frame::Object { value_next, .. }) = self.stack.last_mut() {
                        *value_next = true;
                    }
                }
                b',' => {
                    if let Some(Frame::Object { value_next, .. }) = self.stack.last_mut() {
                        *value_next = false;
                    }
                }
                b' ' | b'\t' | b'\r' | b'\n' => {}
                _ => {
                    self.scalar = true;
                    self.value_starts(at);
                }
            }
            i += 1;
        }
        self.offset = base + bytes.len() as u64;
    }

    /// The end of the stream: a number or literal at the very end ends there.
    pub fn finish(&mut self, found: &mut impl FnMut(Found)) {
        if self.scalar {
            self.scalar = false;
            self.value_ended(self.offset, found);
        }
    }

    /// Inside a string from `i`: skips to its closing quote (or the end of `bytes`); the
    /// index after what was read.
    fn string_bytes(
        &mut self,
        bytes: &[u8],
        i: usize,
        base: u64,
        found: &mut impl FnMut(Found),
    ) -> usize {
        if self.escaped {
            self.escaped = false;
            self.take_key_bytes(&bytes[i..=i]);
            return i + 1;
        }
        let Some(j) = memchr::memchr3(b'"', b'\\', b'\n', &bytes[i..]).map(|j| i + j) else {
            self.take_key_bytes(&bytes[i..]);
            return bytes.len();
        };
        self.take_key_bytes(&bytes[i..j]);
        match bytes[j] {
            b'\\' => {
                self.escaped = true;
                self.take_key_bytes(b"\\");
            }
            // A JSON string holds no raw newline: a broken one ends at its line's end, so it
            // cannot hide the rest of the file.
            _ => {
                self.in_string = false;
                match self.key.take() {
                    Some(key) => {
                        if let Some(Frame::Object { key: k, .. }) = self.stack.last_mut() {
                            *k = key;
                        }
                    }
                    None => self.value_ended(base + j as u64 + 1, found),
                }
            }
        }
        j + 1
    }

    fn take_key_bytes(&mut self, bytes: &[u8]) {
        if let Some(key) = self.key.as_mut()
            && key.len() <= MAX_KEY
        {
            key.extend_from_slice(&bytes[..bytes.len().min(MAX_KEY + 1 - key.len())]);
        }
    }

    fn key_next(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::Object {
                value_next: false,
                ..
            })
        ) && self.deeper == 0
    }

    fn depth(&self) -> usize {
        self.stack.len() + self.deeper
    }

    fn push(&mut self, object: bool) {
        if self.stack.len() < MAX_DEPTH && self.deeper == 0 {
            self.stack.push(match object {
                true => Frame::Object {
                    key: Vec::new(),
                    value_next: false,
                },
                false => Frame::Array,
            });
        } else {
            self.deeper += 1;
        }
    }

    fn pop(&mut self) {
        if self.deeper > 0 {
            self.deeper -= 1;
        } else {
            self.stack.pop();
        }
    }

    /// A value starts at `at`, at the current depth: a record or labels if its path is one.
    fn value_starts(&mut self, at: u64) {
        if self.record.is_some() || self.deeper > 0 {
            return;
        }
        let depth = self.depth();
        if self.paths.records.iter().any(|p| self.at_path(p)) {
            self.record = Some((at, depth));
        } else if self.labels.is_none() && self.paths.labels.is_some_and(|p| self.at_path(p)) {
            self.labels = Some((at, depth));
        }
    }

    /// A value ended just before `end`, back at the depth it started at.
    fn value_ended(&mut self, end: u64, found: &mut impl FnMut(Found)) {
        let depth = self.depth();
        if let Some((start, d)) = self.record
            && d == depth
        {
            self.record = None;
            found(Found::Record { start, end });
        }
        if let Some((start, d)) = self.labels
            && d == depth
        {
            self.labels = None;
            found(Found::Labels { start, end });
        }
    }

    /// Whether the value starting now is at `path`.
    fn at_path(&self, path: &[Step]) -> bool {
        path.len() == self.stack.len()
            && path
                .iter()
                .zip(&self.stack)
                .all(|(step, frame)| match (step, frame) {
                    (Step::Each, Frame::Array) => true,
                    (
                        Step::Key(k),
                        Frame::Object {
                            key,
                            value_next: true,
                        },
                    ) => key == k.as_bytes(),
                    _ => false,
                })
    }
}

#[cfg(test)]
mod tests;
