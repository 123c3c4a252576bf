//! Aggregate: what a chunk of lines boils down to, in a form that merges.
//!
//! A worker turns a chunk into a [`Summary`]: counts per time bin, client activity, a
//! handful of kept events and error samples, and line accounting. Summaries of consecutive
//! chunks merge in file order (line numbers are fixed up then), and files merge into the run.
//! Memory grows with bins, distinct clients and notable events, never with lines.

pub mod bounded;
pub mod breakdown;
pub mod chunk;
mod cited;
pub mod clients;
pub mod context;
pub mod digest;
pub mod latency;
mod months;
mod overlap;
pub mod route;
mod sane;
pub mod signature;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

pub use crate::parse::alerts::AlertEvent;
pub use crate::parse::meaning::{Action, ActionKind};
use crate::time::Micros;
pub use breakdown::{Breakdown, MAX_BREAKDOWN_KEYS, MAX_KEY_BYTES, bounded_key};
pub use cited::{ErrorSample, LineRef};
pub use clients::{Clients, client_key};
pub use context::{Context, Edges};
pub use latency::Latency;
pub use sane::{EARLIEST_SANE, SaneTimes};
pub use signature::Signatures;

/// Events a file keeps (in file order); further ones are counted in `events_dropped`. An
/// adversarial log (a sudo loop, a flapping unit) cannot grow memory past this.
pub const MAX_KEPT_EVENTS: usize = 100_000;

/// How many skipped lines per file are kept as examples.
pub(crate) const SKIPPED_EXAMPLES: usize = 3;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
/// Requests (or records) of a bin, and of them the failures.
pub struct Counts {
    /// Requests (access logs) or records (other logs).
    pub total: u64,
    /// Server errors: 5xx, or error-severity records.
    pub errors: u64,
    /// 4xx, counted apart: not an outage by default.
    pub client_errors: u64,
}

impl Counts {
    /// Adds another bin's counts.
    pub fn add(&mut self, other: &Counts) {
        self.total += other.total;
        self.errors += other.errors;
        self.client_errors += other.client_errors;
    }
}

/// Counts per bin; the key is the bin index (`time.div_euclid(bin width)`).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    /// Counts per bin index.
    pub bins: BTreeMap<i64, Counts>,
    /// Request durations per bin, where the access log records them.
    pub latency: BTreeMap<i64, Latency>,
}

impl Series {
    /// Notes one request's duration, in seconds.
    pub(crate) fn record_latency(&mut self, bin: i64, seconds: f64) {
        let l = match self.latency.last_entry() {
            Some(last) if *last.key() == bin => last.into_mut(),
            _ => self.latency.entry(bin).or_default(),
        };
        l.record_seconds(seconds);
    }

    /// Counts one request (or record) in a bin: an error, a client error, or neither.
    pub fn record(&mut self, bin: i64, error: bool, client_error: bool) {
        // Lines come in time order, so the last bin is nearly always the one: look there first.
        let c = match self.bins.last_entry() {
            Some(last) if *last.key() == bin => last.into_mut(),
            _ => self.bins.entry(bin).or_default(),
        };
        c.total += 1;
        c.errors += u64::from(error);
        c.client_errors += u64::from(client_error);
    }

    /// Adds another series, bin by bin.
    pub fn merge(&mut self, other: &Series) {
        if self.bins.is_empty() && self.latency.is_empty() {
            // Into nothing (the first source of a sum): a copy, built in bulk, not bin by bin.
            self.clone_from(other);
            return;
        }
        for (bin, counts) in &other.bins {
            self.bins.entry(*bin).or_default().add(counts);
        }
        for (bin, latency) in &other.latency {
            self.latency.entry(*bin).or_default().merge(latency);
        }
    }

    /// The counts of all bins together.
    pub fn totals(&self) -> Counts {
        let mut all = Counts::default();
        for c in self.bins.values() {
            all.add(c);
        }
        all
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// What an event is.
pub enum EventBody {
    /// A change or command (deploy, restart, rollback…).
    Action(Action),
    /// An alert notice.
    Alert(AlertEvent),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// A line worth a place on the timeline.
pub struct Event {
    /// When it happened.
    pub time: Micros,
    /// The line that says so.
    pub source: LineRef,
    /// The host that wrote it, where the line names one.
    pub host: Option<String>,
    /// What it is.
    pub body: EventBody,
}

/// A line longer than this is unusual enough to report (a dumped request body, a binary blob).
pub(crate) const LONG_LINE: usize = 1 << 20;

/// Lines more than this earlier than the line before them count as a jump back (skew). nginx
/// stamps a request when it starts and writes it when it ends, so a few seconds back is
/// normal; minutes are a clock problem or files merged out of order.
pub(crate) const SKEW_TOLERANCE: Micros = 5 * 60 * 1_000_000;

/// The first and last timed line of a chunk in file order, to join jumps across chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Time of the chunk's first timed line.
    pub first: Micros,
    /// Its line number in the chunk.
    pub first_line: u64,
    /// Time of the chunk's last timed line.
    pub last: Micros,
}

/// Jumps back in time within a file: how many, the largest, and where the first was.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skew {
    /// Jumps back of more than [`SKEW_TOLERANCE`].
    pub jumps: u64,
    /// The largest jump back.
    pub largest: Micros,
    /// The line of the first jump back.
    pub first_line: Option<u64>,
}

impl Skew {
    fn note(&mut self, back: Micros, line: u64) {
        if back > SKEW_TOLERANCE {
            self.jumps += 1;
            self.largest = self.largest.max(back);
            self.first_line = Some(self.first_line.map_or(line, |l| l.min(line)));
        }
    }

    fn merge(&mut self, other: &Skew) {
        self.jumps += other.jumps;
        self.largest = self.largest.max(other.largest);
        self.first_line = match (self.first_line, other.first_line) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}

/// Offset runs a file keeps (a year of daylight saving is two switches; more is a mix of
/// hosts, and the zone is not inferred from it).
pub(crate) const MAX_OFFSET_RUNS: usize = 16;

/// A moment and the line that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// When.
    pub time: Micros,
    /// Where.
    pub source: LineRef,
}

/// Keeps the last `Seen` per bin (lines of a file come in order, so the last bin is the one
/// nearly always).
fn note_last(map: &mut BTreeMap<i64, Seen>, bin: i64, seen: Seen) {
    match map.last_entry() {
        Some(mut last) if *last.key() == bin => {
            if seen.time >= last.get().time {
                *last.get_mut() = seen;
            }
        }
        _ => {
            let slot = map.entry(bin).or_insert(seen);
            if seen.time >= slot.time {
                *slot = seen;
            }
        }
    }
}

/// What a chunk (or a whole file, once merged) boils down to.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Summary {
    /// Bytes read (decompressed).
    pub bytes: u64,
    /// A digest of those bytes, line by line (set by the reader), to notice the same file
    /// twice: see [`digest`].
    pub content_hash: u64,
    /// Lines read.
    pub lines: u64,
    /// Lines read as records of the file's format.
    pub parsed: u64,
    /// Lines that continue the record above (indented syslog, multi-line nginx errors).
    pub continuation: u64,
    /// Blank lines.
    pub blank: u64,
    /// Lines skipped: not readable as the format, or a time outside [`SaneTimes`].
    pub skipped: u64,
    /// Lines dropped as copies of lines an older piece of the rotation family holds.
    pub duplicates: u64,
    /// Lines whose time lies outside the run's scope (`draft --since/--until`): left out.
    #[serde(default)]
    pub out_of_scope: u64,
    /// Hashes of lines in an overlap window (see `chunk::Overlap::Collect`).
    pub line_hashes: Vec<u64>,
    /// Lines longer than [`LONG_LINE`] bytes: read whole, kept in messages only cut short.
    pub long_lines: u64,
    /// Up to [`SKIPPED_EXAMPLES`] skipped lines: (line number, why).
    pub skipped_examples: Vec<(u64, String)>,
    /// The earliest time of any line.
    pub first_time: Option<Micros>,
    /// The latest time of any line.
    pub last_time: Option<Micros>,
    /// Line times in file order, for skew: see [`Skew`].
    pub order: Option<Order>,
    /// Jumps back in time.
    pub skew: Skew,
    /// How many lines were written with each UTC offset (seconds), where lines carry one.
    pub offsets: BTreeMap<i32, u64>,
    /// The offsets in file order, as runs: (first time written with it, offset). A daylight
    /// saving switch shows as a new run; at most [`MAX_OFFSET_RUNS`] are kept.
    pub offset_runs: Vec<(Micros, i32)>,
    /// Records and errors per bin.
    pub series: Series,
    /// Clients per bin, and those who got errors (bounded sketches).
    pub clients: Clients,
    /// Lines worth the timeline: changes, commands, alert notices.
    pub events: Vec<Event>,
    /// Events past [`MAX_KEPT_EVENTS`]: counted, not kept.
    pub events_dropped: u64,
    /// The first server-error line per bin.
    pub error_samples: BTreeMap<i64, ErrorSample>,
    /// Server errors by request path (access logs).
    pub failed_paths: Breakdown,
    /// Errors by upstream (nginx error log).
    pub failed_upstreams: Breakdown,
    /// Error messages grouped by signature (numbers, addresses, paths masked).
    pub signatures: Signatures,
    /// The last line per bin: where a source went silent, and what it said last.
    pub last_lines: BTreeMap<i64, Seen>,
    /// The last error line per bin: what "the last error before recovery" cites.
    pub last_errors: BTreeMap<i64, Seen>,
    /// Failed logins per bin (sshd, PAM): a security signal of their own, never an error.
    pub auth_failures: BTreeMap<i64, u64>,
    /// The first failed login per bin, to cite.
    pub auth_samples: BTreeMap<i64, ErrorSample>,
    /// Failed logins beyond the lines that report them, per bin: rsyslog's `message
    /// repeated 5 times: [ Failed password …]` is one line and five tries. Tries count
    /// `auth_failures` and these; how busy the log was counts lines only.
    #[serde(default)]
    pub auth_repeats: BTreeMap<i64, u64>,
    /// Failed logins by the address they came from, per bin.
    #[serde(default)]
    pub failed_login_sources: Breakdown,
    /// Lines reporting a client's request refused or held back (nginx's `open() … (2: No
    /// such file…)`, `limiting requests`; an access log's 429), by kind (`limited`,
    /// `refused`) per bin: shown, never failures.
    #[serde(default)]
    pub client_side: Breakdown,
    /// The same lines by the client they name, per bin.
    #[serde(default)]
    pub client_side_clients: Breakdown,
    /// For a file that holds the lines of several sources (a CSV export's pod column): each
    /// source's own counts, by name. The file's counts above hold them all.
    #[serde(default)]
    pub streams: BTreeMap<String, StreamCounts>,
    /// The lines around each line a draft may cite, by line number (see [`context`]).
    #[serde(default)]
    pub contexts: BTreeMap<u64, Context>,
    /// The first and last lines, for the contexts of the summaries beside it.
    #[serde(default)]
    pub edges: Edges,
}

/// How many sources one file's lines may name before the rest are counted together: a
/// column of request ids is not a column of sources.
pub(crate) const MAX_STREAMS: usize = 512;

/// The name the sources past [`MAX_STREAMS`] are counted under.
pub(crate) const OTHER_STREAMS: &str = "(other sources)";

/// One source's counts inside a file that holds several.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamCounts {
    /// Its records and errors per bin.
    pub series: Series,
    /// Its failed logins per bin.
    pub auth_failures: BTreeMap<i64, u64>,
}

impl Summary {
    /// Widens the first and last times to include `t`.
    pub(crate) fn saw_time(&mut self, t: Micros) {
        self.first_time = Some(self.first_time.map_or(t, |f| f.min(t)));
        self.last_time = Some(self.last_time.map_or(t, |l| l.max(t)));
    }

    /// A line's time in file order (`line` counts from the chunk's start): notes jumps back.
    pub(crate) fn saw_time_at(&mut self, t: Micros, line: u64) {
        self.saw_time(t);
        match self.order.as_mut() {
            None => {
                self.order = Some(Order {
                    first: t,
                    first_line: line,
                    last: t,
                });
            }
            Some(order) => {
                let back = order.last - t;
                order.last = t;
                self.skew.note(back, line);
            }
        }
    }

    /// Counts a line written with `offset` (seconds east of UTC) at `time`.
    pub(crate) fn note_offset(&mut self, time: Micros, offset: i32) {
        match self.offset_runs.last() {
            Some((_, last)) if *last == offset => {}
            _ if self.offset_runs.len() < MAX_OFFSET_RUNS => self.offset_runs.push((time, offset)),
            _ => {}
        }
    }

    /// Notes the last line seen in a bin.
    pub(crate) fn note_line(&mut self, bin: i64, time: Micros, source: LineRef) {
        note_last(&mut self.last_lines, bin, Seen { time, source });
    }

    /// Notes an error line in a bin.
    pub(crate) fn note_error(&mut self, bin: i64, time: Micros, source: LineRef) {
        note_last(&mut self.last_errors, bin, Seen { time, source });
    }

    /// Counts a failed login in a bin, keeping the first as a sample.
    pub(crate) fn note_auth_failure(
        &mut self,
        bin: i64,
        attempts: u64,
        at: (Micros, LineRef),
        text: impl FnOnce() -> String,
    ) {
        let (time, source) = at;
        *self.auth_failures.entry(bin).or_default() += 1;
        if attempts > 1 {
            *self.auth_repeats.entry(bin).or_default() += attempts - 1;
        }
        self.auth_samples.entry(bin).or_insert_with(|| ErrorSample {
            time,
            source,
            text: text(),
        });
    }

    /// Counts a skipped line, keeping the first few with the reason.
    pub fn skip(&mut self, line: u64, why: impl FnOnce() -> String) {
        self.skipped += 1;
        if self.skipped_examples.len() < SKIPPED_EXAMPLES {
            self.skipped_examples.push((line, why()));
        }
    }

    /// Appends the summary of the chunk that follows this one. Line numbers in `next` count
    /// from 1 at its own start; they are moved past this summary's lines.
    pub fn append(&mut self, mut next: Summary) {
        let offset = self.lines;
        context::stitch(
            self.lines,
            &mut self.contexts,
            &mut self.edges,
            &mut next.contexts,
            &next.edges,
        );
        next.contexts = context::moved(std::mem::take(&mut next.contexts), offset);
        // Digests are sums over lines (see [`digest`]): pieces add up.
        self.content_hash = self.content_hash.wrapping_add(next.content_hash);
        // A jump back across the chunk boundary, seen only now that the chunks meet.
        if let (Some(mine), Some(theirs)) = (self.order, next.order) {
            self.skew
                .note(mine.last - theirs.first, theirs.first_line + offset);
        }
        self.order = match (self.order, next.order) {
            (Some(mine), Some(theirs)) => Some(Order {
                last: theirs.last,
                ..mine
            }),
            (mine, theirs) => mine.or(theirs.map(|o| Order {
                first_line: o.first_line + offset,
                ..o
            })),
        };
        next.skew.first_line = next.skew.first_line.map(|l| l + offset);
        self.skew.merge(&next.skew);
        for e in &mut next.events {
            e.source.line += offset;
        }
        for (line, _) in &mut next.skipped_examples {
            *line += offset;
        }
        for s in next.error_samples.values_mut() {
            s.source.line += offset;
        }
        for s in next.auth_samples.values_mut() {
            s.source.line += offset;
        }
        for s in next
            .last_lines
            .values_mut()
            .chain(next.last_errors.values_mut())
        {
            s.source.line += offset;
        }
        next.signatures.line_offset(offset);
        self.merge_unordered(next);
    }

    /// Adds counts, events and samples from another summary whose line numbers are final.
    pub(crate) fn merge_unordered(&mut self, other: Summary) {
        self.bytes += other.bytes;
        self.lines += other.lines;
        self.parsed += other.parsed;
        self.continuation += other.continuation;
        self.blank += other.blank;
        self.skipped += other.skipped;
        self.long_lines += other.long_lines;
        self.duplicates += other.duplicates;
        self.out_of_scope += other.out_of_scope;
        self.line_hashes.extend(other.line_hashes);
        for example in other.skipped_examples {
            if self.skipped_examples.len() < SKIPPED_EXAMPLES {
                self.skipped_examples.push(example);
            }
        }
        for (offset, n) in other.offsets {
            *self.offsets.entry(offset).or_default() += n;
        }
        for (t, offset) in other.offset_runs {
            self.note_offset(t, offset);
        }
        if let Some(t) = other.first_time {
            self.saw_time(t);
        }
        if let Some(t) = other.last_time {
            self.saw_time(t);
        }
        self.series.merge(&other.series);
        self.clients.merge(other.clients);
        self.events_dropped += other.events_dropped;
        let room = MAX_KEPT_EVENTS.saturating_sub(self.events.len());
        self.events_dropped += other.events.len().saturating_sub(room) as u64;
        self.events.extend(other.events.into_iter().take(room));
        for (bin, sample) in other.error_samples {
            self.error_samples.entry(bin).or_insert(sample);
        }
        self.failed_paths.merge(other.failed_paths);
        self.failed_upstreams.merge(other.failed_upstreams);
        self.signatures.merge(other.signatures);
        for (bin, seen) in other.last_lines {
            note_last(&mut self.last_lines, bin, seen);
        }
        for (bin, seen) in other.last_errors {
            note_last(&mut self.last_errors, bin, seen);
        }
        for (bin, n) in other.auth_failures {
            *self.auth_failures.entry(bin).or_default() += n;
        }
        for (bin, n) in other.auth_repeats {
            *self.auth_repeats.entry(bin).or_default() += n;
        }
        for (bin, sample) in other.auth_samples {
            self.auth_samples.entry(bin).or_insert(sample);
        }
        self.failed_login_sources.merge(other.failed_login_sources);
        self.contexts.extend(other.contexts);
        self.client_side.merge(other.client_side);
        self.client_side_clients.merge(other.client_side_clients);
        for (name, stream) in other.streams {
            let full = self.streams.len() >= MAX_STREAMS && !self.streams.contains_key(&name);
            let name = if full {
                OTHER_STREAMS.to_string()
            } else {
                name
            };
            let mine = self.streams.entry(name).or_default();
            mine.series.merge(&stream.series);
            for (bin, n) in stream.auth_failures {
                *mine.auth_failures.entry(bin).or_default() += n;
            }
        }
    }
}

impl Summary {
    /// The line numbers (in this summary's numbering) a draft may cite.
    pub(crate) fn cited_lines(&self) -> BTreeSet<u64> {
        let mut lines: BTreeSet<u64> = self.events.iter().map(|e| e.source.line).collect();
        let samples = self
            .error_samples
            .values()
            .chain(self.auth_samples.values());
        lines.extend(samples.map(|s| s.source.line));
        lines.extend(self.last_errors.values().map(|s| s.source.line));
        lines.extend(self.signatures.first_lines());
        lines
    }

    /// Drops the contexts of lines nothing cites any longer (a sample a neighbour's earlier
    /// one replaced), so that what is kept does not depend on where chunks were cut.
    pub(crate) fn keep_cited_contexts(&mut self) {
        if self.contexts.is_empty() {
            return;
        }
        let cited = self.cited_lines();
        self.contexts.retain(|line, _| cited.contains(line));
    }
}

#[cfg(test)]
mod tests;
