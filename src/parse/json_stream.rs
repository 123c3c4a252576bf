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
    /// A top-level value holding no record at those paths is a record itself, reported
    /// as a whole document (a `--watch` stream's events beside a List's `items`).
    pub documents: bool,
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
        /// Whether it is a whole top-level document (see [`Paths::documents`]).
        document: bool,
    },
    /// A top-level value (a document) started.
    DocumentStart {
        /// Its first byte's offset.
        at: u64,
    },
    /// A top-level value ended, after every record in it was reported.
    DocumentEnd {
        /// One past its last byte; for a broken one, the start of the line that ended it.
        end: u64,
        /// Whether it was broken off, unclosed, by a line starting the next.
        broken: bool,
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
pub(crate) struct Splitter {
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
    /// The top-level value open, and whether a record was found inside it.
    document: Option<(u64, bool)>,
    /// Bytes followed so far: the offset of the next byte fed.
    offset: u64,
    /// The last byte followed was a newline (outside strings).
    line_start: bool,
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
            document: None,
            offset: 0,
            line_start: true,
        }
    }

    /// Where the earliest value still open started: bytes before it are no longer needed.
    pub(crate) fn keep_from(&self) -> u64 {
        let document = self
            .document
            .filter(|(_, has_records)| self.paths.documents && !has_records)
            .map(|(start, _)| (start, 0));
        [self.record, self.labels, document]
            .iter()
            .flatten()
            .map(|(start, _)| *start)
            .min()
            .unwrap_or(self.offset)
    }

    /// Gives up the record open (it grew too large): its bytes are not needed any more, and
    /// its end is not reported. Whether one was open.
    pub(crate) fn drop_open_record(&mut self) -> bool {
        let open_document =
            self.paths.documents && self.document.is_some_and(|(_, has_records)| !has_records);
        if open_document {
            // The document would have been the record: it is given up whole.
            self.document = self.document.map(|(start, _)| (start, true));
        }
        self.record.take().is_some() || open_document
    }

    /// Follows the next bytes of the stream, reporting each value found as it ends.
    pub(crate) fn feed(&mut self, bytes: &[u8], found: &mut impl FnMut(Found)) {
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
            if b == b'{' && self.line_start && self.broken_document() {
                // A document still open when a line starts with `{`: it was broken (a cut
                // line, a lost bracket). It ends before that line, which starts the next;
                // indented pretty-printing never puts a nested `{` there.
                self.reset();
                found(Found::DocumentEnd {
                    end: at,
                    broken: true,
                });
            }
            self.line_start = b == b'\n';
            match b {
                b'"' => {
                    self.in_string = true;
                    if self.key_next() {
                        self.key = Some(Vec::new());
                    } else {
                        self.value_starts(at, found);
                    }
                }
                b'{' | b'[' => {
                    self.value_starts(at, found);
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
                    self.value_starts(at, found);
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
            end => {
                self.in_string = false;
                self.line_start = end == b'\n';
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

    /// Whether a document is open inside a top-level object: a `{` opening a line there is
    /// the next document (a top-level array's elements may open lines).
    fn broken_document(&self) -> bool {
        matches!(self.stack.first(), Some(Frame::Object { .. })) && self.document.is_some()
    }

    /// Forgets the open document: its open record and labels are not reported.
    fn reset(&mut self) {
        self.stack.clear();
        self.deeper = 0;
        self.key = None;
        self.record = None;
        self.labels = None;
        self.document = None;
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
    fn value_starts(&mut self, at: u64, found: &mut impl FnMut(Found)) {
        if self.record.is_some() || self.deeper > 0 {
            return;
        }
        let depth = self.depth();
        if depth == 0 {
            found(Found::DocumentStart { at });
            self.document = Some((at, false));
        }
        if self.paths.records.iter().any(|p| self.at_path(p)) {
            self.record = Some((at, depth));
            if let Some((_, has_records)) = self.document.as_mut() {
                *has_records = true;
            }
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
            found(Found::Record {
                start,
                end,
                document: false,
            });
        }
        if depth == 0
            && let Some((start, has_records)) = self.document.take()
        {
            if !has_records && self.paths.documents {
                found(Found::Record {
                    start,
                    end,
                    document: true,
                });
            }
            found(Found::DocumentEnd { end, broken: false });
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
