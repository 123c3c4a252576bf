//! One worker's job: parse every line of a chunk with the file's format and fold it into a
//! [`Summary`]. Lines are byte slices into the chunk; only kept events allocate.

use super::{ErrorSample, Event, EventBody, LineRef, Summary};
use crate::parse::Format;
use crate::parse::common::kept_text;
use crate::parse::entry::{Change, ClientSide, Entry, Message, Request, When};
use crate::parse::meaning;
use crate::parse::meaning::notable::{self, Action, ActionKind};
use crate::parse::reader::FileReader;
use crate::time::year::YearTracker;
use crate::time::{Civil, Micros, Zone, ZoneConverter};

mod cite;
mod folder;
mod lines;
mod records;
mod streams;

pub use folder::EntryFolder;

pub use super::months::month_span;
pub use super::overlap::{Overlap, line_hash};

/// What a worker needs to know besides the bytes.
#[derive(Debug, Clone)]
pub struct ChunkContext {
    /// How the file's lines are read: its format and what the format keeps about the file
    /// as it stands at the chunk's first line.
    pub reader: FileReader,
    /// The file's index in the run.
    pub file: usize,
    /// Width of the time bins, in microseconds.
    pub bin_width: Micros,
    /// The zone of zone-less lines.
    pub zone: Zone,
    /// For year-less syslog: the year tracker as it stands at the chunk's first line.
    pub year: Option<YearTracker>,
    /// When this file overlaps another piece of its rotation family (see [`Overlap`]).
    pub overlap: Option<std::sync::Arc<Overlap>>,
    /// Times outside this range are skipped with a reason (see [`super::SaneTimes`]).
    pub sane: super::SaneTimes,
    /// The instant the previous chunk's last zone-less line was placed at: file order for the
    /// repeated hour when clocks go back (see [`ZoneConverter`]).
    pub zone_last: Option<Micros>,
}

impl ChunkContext {
    /// A file's context before anything is learnt from it: no year, columns, `log_format`,
    /// overlap or earlier chunk, and every time sane.
    pub fn new(format: Format, file: usize, bin_width: Micros, zone: Zone) -> Self {
        ChunkContext {
            reader: FileReader::plain(format),
            file,
            bin_width,
            zone,
            year: None,
            overlap: None,
            sane: Default::default(),
            zone_last: None,
        }
    }
}

#[derive(Debug, Default)]
/// What a chunk yields.
pub struct ChunkOutcome {
    /// Its summary.
    pub summary: Summary,
    /// The tracker after the chunk's last line.
    pub year: Option<YearTracker>,
    /// The last year-less time read, with its year: checked against the file's mtime.
    pub last_civil: Option<Civil>,
    /// The last zone-less line's instant, for the next chunk (see `ChunkContext::zone_last`).
    pub zone_last: Option<Micros>,
}

struct Worker<'c> {
    ctx: &'c ChunkContext,
    zone: ZoneConverter,
    year: Option<YearTracker>,
    last_civil: Option<Civil>,
    /// Offsets seen, as a short list: a file has one or two, and a map entry per line costs.
    offsets: Vec<(i32, u64)>,
    /// The current line's hash, when an overlap is being looked for.
    line_hash: u64,
    /// A multi-line record (apt history): its start's time, and its action's index in
    /// `events`.
    record: Option<(Micros, Option<usize>)>,
    /// The last line of the bin being read, written to `out.last_lines` when the bin changes:
    /// one comparison a line instead of a map look-up.
    last_line: Option<(i64, super::Seen)>,
    /// The start of the last bin a time fell in, and its index.
    last_bin: std::cell::Cell<Option<(Micros, i64)>>,
    /// Clients of the current bin, counted when it changes.
    clients: super::clients::ClientBatch,
    /// The source the line being folded names, in a file of several (see `Summary::streams`);
    /// empty otherwise.
    stream: Vec<u8>,
    /// The failing path's route, written here when it has ids (see [`super::route`]).
    route: Vec<u8>,
    /// An error line whose signature waits for the record's continuation lines.
    open_record: records::OpenRecord,
    /// Where the lines that may be cited are (see [`cite`]).
    marks: cite::Marks,
    out: Summary,
}

impl Worker<'_> {
    fn source(&self, line: u64) -> LineRef {
        LineRef {
            file: self.ctx.file,
            line,
        }
    }

    /// A line that parsed, at `t`: counted as parsed, and `false` when it goes no further
    /// (see [`Self::admit`]).
    fn take(&mut self, t: Micros, n: u64) -> bool {
        self.out.parsed += 1;
        self.admit(t, n)
    }

    /// A parsed line's time: records it, unless the line is a copy of one the older piece
    /// of its rotation family already counted (then `false`, and it goes no further).
    fn admit(&mut self, t: Micros, n: u64) -> bool {
        if let Some(why) = self.ctx.sane.reject(t) {
            // Counted as parsed by the caller; undo that: the line is skipped, with the reason.
            self.out.parsed = self.out.parsed.saturating_sub(1);
            self.out.skip(n, || why);
            return false;
        }
        if !self.ctx.sane.in_scope(t) {
            self.out.parsed = self.out.parsed.saturating_sub(1);
            self.out.out_of_scope += 1;
            return false;
        }
        match self.ctx.overlap.as_deref() {
            Some(Overlap::Collect { from, to }) if (*from..=*to).contains(&t) => {
                self.out.line_hashes.push(self.line_hash);
            }
            Some(Overlap::Drop { hashes, until })
                if t <= *until && hashes.contains(&self.line_hash) =>
            {
                self.out.duplicates += 1;
                return false;
            }
            _ => {}
        }
        self.out.saw_time_at(t, n);
        let seen = super::Seen {
            time: t,
            source: self.source(n),
        };
        let bin = self.bin(t);
        match &mut self.last_line {
            Some((b, last)) if *b == bin => {
                if t >= last.time {
                    *last = seen;
                }
            }
            pending => {
                if let Some((b, last)) = pending.replace((bin, seen)) {
                    self.out.note_line(b, last.time, last.source);
                }
            }
        }
        true
    }

    fn bin(&self, t: Micros) -> i64 {
        // A division is dear and a line asks two or three times: the last bin's span first.
        if let Some((from, bin)) = self.last_bin.get()
            && t.checked_sub(from)
                .is_some_and(|d| (0..self.ctx.bin_width).contains(&d))
        {
            return bin;
        }
        let bin = t.div_euclid(self.ctx.bin_width);
        let from = bin.checked_mul(self.ctx.bin_width);
        self.last_bin.set(from.map(|from| (from, bin)));
        bin
    }

    fn keep_error_sample(&mut self, t: Micros, line: u64, text: impl FnOnce() -> String) {
        self.marks.kept += 1;
        let bin = self.bin(t);
        let source = self.source(line);
        self.out.note_error(bin, t, source);
        if !self.out.error_samples.contains_key(&bin) {
            let sample = ErrorSample {
                time: t,
                source: self.source(line),
                text: text(),
            };
            self.out.error_samples.insert(bin, sample);
        }
    }

    /// A zone-less time on the time line; `None` (and the line skipped, with why) when the
    /// zone has no such local time.
    fn place(&mut self, civil: &Civil, n: u64) -> Option<Micros> {
        let t = self.zone.to_utc(civil);
        if t.is_none() {
            self.out
                .skip(n, || "time does not exist in the zone".into());
        }
        t
    }

    fn saw_offset(&mut self, offset: i32, t: Micros) {
        self.out.note_offset(t, offset);
        match self.offsets.iter_mut().find(|(o, _)| *o == offset) {
            Some((_, n)) => *n += 1,
            None => self.offsets.push((offset, 1)),
        }
    }

    fn keep_action(&mut self, t: Micros, line: u64, host: Option<&[u8]>, action: Action) {
        if self.out.events.len() >= super::MAX_KEPT_EVENTS {
            self.out.events_dropped += 1;
            return;
        }
        self.marks.kept += 1;
        self.out.events.push(Event {
            time: t,
            source: self.source(line),
            host: host.map(kept_text),
            body: EventBody::Action(action),
        });
    }

    /// Folds one line's entry, whatever format it came from.
    #[inline(always)]
    fn fold(&mut self, entry: Entry<'_>, n: u64) {
        if !matches!(entry, Entry::Continuation) {
            self.close_record();
        }
        match entry {
            Entry::Request(r) => self.request(r, n),
            Entry::Message(m) => self.message(m, n),
            Entry::Package(when, change) => {
                if let Some(t) = self.take_when(when, n)
                    && let Some(change) = change
                {
                    self.keep_change(t, n, change);
                }
            }
            Entry::RecordStart(civil) => self.record_start(civil, n),
            Entry::RecordChange(change) => {
                self.out.parsed += 1;
                if let Some((t, _)) = self.record {
                    self.keep_change(t, n, change);
                    self.record = Some((t, Some(self.out.events.len() - 1)));
                }
            }
            Entry::RecordActor(user) => {
                self.out.parsed += 1;
                if let Some((_, Some(i))) = self.record
                    && let Some(EventBody::Action(a)) =
                        self.out.events.get_mut(i).map(|e| &mut e.body)
                {
                    a.actor = Some(kept_text(user));
                }
            }
            Entry::RecordOther => self.out.parsed += 1,
            Entry::Continuation => self.out.continuation += 1,
            Entry::Marker => self.out.blank += 1,
            Entry::Unreadable(why) => self.out.skip(n, || why.into()),
        }
    }

    /// The instant a line happened; `None` (and the line skipped, with why) when it has none.
    fn instant(&mut self, when: When, n: u64) -> Option<Micros> {
        match when {
            When::Utc(t) | When::Offset { time: t, .. } => Some(t),
            When::Local(civil) => self.place(&civil, n),
            When::YearLess(civil) => self.year_less(civil, n),
        }
    }

    /// A parsed line's instant, counted (see [`Self::take`]), its offset noted.
    #[inline]
    fn take_when(&mut self, when: When, n: u64) -> Option<Micros> {
        let t = self.instant(when, n)?;
        if !self.take(t, n) {
            return None;
        }
        if let When::Offset { offset_secs, .. } = when {
            self.saw_offset(offset_secs, t);
        }
        Some(t)
    }

    /// A year-less time in the year the tracker infers for it.
    fn year_less(&mut self, civil: Civil, n: u64) -> Option<Micros> {
        let tracker = self.year.get_or_insert(YearTracker::new(1970));
        let before = tracker.last_month.unwrap_or(civil.month);
        let Some(year) = tracker.year_for(civil.month) else {
            self.out.skip(n, || {
                format!(
                    "out of order: month {:02} among lines of month {before:02} (clock skew?); skipped, the file keeps its year",
                    civil.month
                )
            });
            return None;
        };
        let civil = Civil { year, ..civil };
        self.last_civil = Some(civil);
        let t = self.zone.to_utc(&civil);
        if t.is_none() {
            self.out.skip(n, || {
                format!(
                    "{:02}-{:02} does not exist in the inferred year {}",
                    civil.month, civil.day, civil.year
                )
            });
        }
        t
    }

    fn request(&mut self, r: Request<'_>, n: u64) {
        let Some(t) = self.take_when(r.when, n) else {
            return;
        };
        let bin = self.bin(t);
        let error = r.status >= 500;
        self.count(bin, error, (400..500).contains(&r.status));
        self.clients
            .record(&mut self.out.clients, r.client_key, bin, error);
        if let Some(seconds) = r.latency {
            self.count_latency(bin, seconds);
        }
        if r.status == 429 {
            self.client_side(ClientSide::Limited, Some(r.client), bin);
        }
        if error {
            let path = r.path.unwrap_or(b"(no path)");
            let route = super::route::route_of(path, &mut self.route);
            self.out.failed_paths.record(route, bin);
            self.keep_error_sample(t, n, || {
                format!(
                    "{} {} from {}",
                    r.status,
                    kept_text(r.request),
                    kept_text(r.client)
                )
            });
        }
    }

    fn message(&mut self, m: Message<'_>, n: u64) {
        let Some(t) = self.take_when(m.when, n) else {
            return;
        };
        let program = m.program.as_deref();
        let judged = meaning::judge(&m);
        let (error, failed_login) = (judged.error, judged.failed_login);
        if let Some(kind) = judged.client_side {
            let bin = self.bin(t);
            self.client_side(kind, m.client, bin);
        }
        let bin = self.bin(t);
        let client_error = m
            .http
            .as_ref()
            .is_some_and(|h| (400..500).contains(&h.status));
        // In a file of requests, a line neither a request nor a connection (HAProxy's `Proxy
        // www started.`, its health checks) is kept as evidence, never counted as a request.
        let notice = m.http.is_none()
            && m.upstream.is_none()
            && self.ctx.reader.format().meaning() == crate::parse::registry::Meaning::Requests;
        if !notice {
            self.count(bin, error, client_error);
        }
        if let Some(http) = &m.http {
            if let Some(seconds) = http.latency {
                self.count_latency(bin, seconds);
            }
            if let Some(client) = &http.client {
                self.clients
                    .record(&mut self.out.clients, client, bin, error);
            }
            if error {
                let path = http.path.as_deref().unwrap_or(b"(no path)");
                self.out.failed_paths.record(path, bin);
            }
        }
        let labelled = || match program {
            Some(p) => format!("{}: {}", kept_text(p), kept_text(&m.text)),
            None => kept_text(&m.text),
        };
        if failed_login {
            let attempts = judged.attempts;
            let source = self.source(n);
            self.marks.kept += 1;
            self.out
                .note_auth_failure(bin, attempts, (t, source), labelled);
            // A source named in a column counts lines: its repeats are the file's.
            if let Some(s) = self.stream_counts() {
                *s.auth_failures.entry(bin).or_default() += 1;
            }
            if let Some(address) = notable::failed_login_address(&m.text) {
                self.out
                    .failed_login_sources
                    .record_n(address, bin, attempts);
            }
        }
        if error {
            self.keep_error_sample(t, n, labelled);
            if let Some(upstream) = m.upstream {
                self.out
                    .failed_upstreams
                    .record(crate::parse::common::upstream_host(upstream), bin);
            }
            let prefix = match program {
                Some(p) if !p.is_empty() => format!("{}: ", kept_text(p)),
                _ => String::new(),
            };
            self.open_record(t, n, &m.text, prefix);
        }
        if let Some(action) = judged.action {
            self.keep_action(t, n, m.host.as_deref(), action);
        }
    }

    /// A client's request refused or held back: counted apart, by kind and by client.
    fn client_side(&mut self, kind: ClientSide, client: Option<&[u8]>, bin: i64) {
        self.out.client_side.record(kind.key().as_bytes(), bin);
        if let Some(client) = client {
            self.out.client_side_clients.record(client, bin);
        }
    }

    /// A package manager's change: a deploy.
    fn keep_change(&mut self, t: Micros, n: u64, change: Change) {
        let action = Action {
            kind: ActionKind::Deploy,
            actor: None,
            subject: change.subject,
            text: change.text,
        };
        self.keep_action(t, n, None, action);
    }

    /// The first line of a multi-line record: its time stands for the record's lines.
    fn record_start(&mut self, civil: Civil, n: u64) {
        self.out.parsed += 1;
        self.record = match self.zone.to_utc(&civil) {
            Some(t) if self.admit(t, n) => Some((t, None)),
            Some(_) => return,
            None => None,
        };
    }
}

impl<'c> Worker<'c> {
    fn new(ctx: &'c ChunkContext) -> Self {
        Worker {
            ctx,
            zone: ZoneConverter::new(ctx.zone).after(ctx.zone_last),
            year: ctx.year,
            last_civil: None,
            record: None,
            line_hash: 0,
            offsets: Vec::new(),
            last_line: None,
            clients: Default::default(),
            last_bin: std::cell::Cell::new(None),
            stream: Vec::new(),
            route: Vec::new(),
            open_record: Default::default(),
            marks: Default::default(),
            out: Summary::default(),
        }
    }

    /// The summary, with what is held back for speed written out.
    fn finish(mut self) -> ChunkOutcome {
        self.close_record();
        if let Some((bin, last)) = self.last_line.take() {
            self.out.note_line(bin, last.time, last.source);
        }
        self.clients.flush(&mut self.out.clients);
        for (offset, n) in std::mem::take(&mut self.offsets) {
            *self.out.offsets.entry(offset).or_default() += n;
        }
        ChunkOutcome {
            summary: self.out,
            year: self.year,
            last_civil: self.last_civil,
            zone_last: self.zone.last(),
        }
    }
}

/// Parses one chunk. Line numbers in the result count from 1 at the chunk's start.
pub fn process_chunk(data: &[u8], ctx: &ChunkContext) -> ChunkOutcome {
    let mut worker = Worker::new(ctx);
    worker.out.bytes = data.len() as u64;
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    // Colour sequences out first (a copy of the chunk, only when it has any).
    let stripped = crate::parse::ansi::strip(data);
    let data = &stripped[..];
    ctx.reader.fold(data, &mut worker);
    worker.close_record();
    worker.keep_contexts(data);
    worker.finish()
}
