//! One worker's job: parse every line of a chunk with the file's format and fold it into a
//! [`Summary`]. Lines are byte slices into the chunk; only kept events allocate.

use super::notable::{self, Action, ActionKind};
use super::signature;
use super::{ErrorSample, Event, EventBody, LineRef, Summary};
use crate::parse::common::{kept_text, strip_cr};
use crate::parse::{Format, apache_error, jsonl, nginx_access, nginx_error, packages, syslog};
use crate::read::lines;
use crate::time::year::YearTracker;
use crate::time::{Civil, Micros, Zone, ZoneConverter};

/// What a worker needs to know besides the bytes.
#[derive(Debug, Clone)]
pub struct ChunkContext {
    pub format: Format,
    pub file: usize,
    pub bin_width: Micros,
    pub zone: Zone,
    /// For year-less syslog: the year tracker as it stands at the chunk's first line.
    pub year: Option<YearTracker>,
    /// When this file overlaps another piece of its rotation family (see [`Overlap`]).
    pub overlap: Option<std::sync::Arc<Overlap>>,
    /// For access logs written with a custom `log_format`: its compiled parser.
    pub access_format: Option<std::sync::Arc<crate::parse::log_format::LogFormat>>,
    /// Times outside this range are skipped with a reason (see [`super::SaneTimes`]).
    pub sane: super::SaneTimes,
    /// The instant the previous chunk's last zone-less line was placed at: file order for the
    /// repeated hour when clocks go back (see [`ZoneConverter`]).
    pub zone_last: Option<Micros>,
}

/// Lines that two pieces of a rotation family both hold are counted once: the older piece's
/// lines in the overlapping time are hashed (`Collect`), and the newer piece drops the lines
/// whose hash it finds there (`Drop`).
#[derive(Debug)]
pub enum Overlap {
    Collect {
        from: Micros,
        to: Micros,
    },
    Drop {
        hashes: rustc_hash::FxHashSet<u64>,
        until: Micros,
    },
}

pub fn line_hash(line: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(line);
    h.finish()
}

#[derive(Debug, Default)]
pub struct ChunkOutcome {
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
    /// apt history: the start of the record being read, and its action's index in `events`.
    apt_record: Option<(Micros, Option<usize>)>,
    /// The last line of the bin being read, written to `out.last_lines` when the bin changes:
    /// one comparison a line instead of a map look-up.
    last_line: Option<(i64, super::Seen)>,
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

    /// The same for a zone-less time, placed in the file's zone first.
    fn take_local(&mut self, civil: &Civil, n: u64) -> Option<Micros> {
        let t = self.place(civil, n)?;
        self.take(t, n).then_some(t)
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
        t.div_euclid(self.ctx.bin_width)
    }

    fn keep_error_sample(&mut self, t: Micros, line: u64, text: impl FnOnce() -> String) {
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

    fn keep_signature(&mut self, t: Micros, line: u64, message: &[u8], prefix: String) {
        let text = String::from_utf8_lossy(message);
        let mut key = prefix;
        key.push_str(&signature::signature(&text));
        let bin = self.bin(t);
        let source = self.source(line);
        self.out.signatures.record(key, bin, || ErrorSample {
            time: t,
            source,
            text: kept_text(message),
        });
    }

    fn keep_action(&mut self, t: Micros, line: u64, host: Option<&[u8]>, action: Action) {
        if self.out.events.len() >= super::MAX_KEPT_EVENTS {
            self.out.events_dropped += 1;
            return;
        }
        self.out.events.push(Event {
            time: t,
            source: self.source(line),
            host: host.map(kept_text),
            body: EventBody::Action(action),
        });
    }

    fn access(&mut self, line: &[u8], n: u64) {
        let parsed = match &self.ctx.access_format {
            Some(format) => format.parse(line),
            None => nginx_access::parse(line),
        };
        let Some(a) = parsed else {
            self.out.skip(n, || "not an access log line".into());
            return;
        };
        if !self.take(a.time, n) {
            return;
        }
        self.saw_offset(a.offset_secs, a.time);
        let bin = self.bin(a.time);
        let error = a.status >= 500;
        self.out
            .series
            .record(bin, error, (400..500).contains(&a.status));
        self.out.clients.record(a.client_key(), bin, error);
        if let Some(seconds) = a.request_time {
            self.out.series.record_latency(bin, seconds);
        }
        if error {
            self.out
                .failed_paths
                .record(a.path().unwrap_or(b"(no path)"), bin);
            self.keep_error_sample(a.time, n, || {
                format!(
                    "{} {} from {}",
                    a.status,
                    kept_text(a.request),
                    kept_text(a.client)
                )
            });
        }
    }

    fn nginx_error(&mut self, line: &[u8], n: u64) {
        if !nginx_error::starts_record(line) {
            self.out.continuation += 1;
            return;
        }
        let Some(e) = nginx_error::parse(line) else {
            self.out.skip(n, || "not an nginx error log line".into());
            return;
        };
        let Some(t) = self.take_local(&e.civil, n) else {
            return;
        };
        let error = e.level.is_error();
        self.out.series.record(self.bin(t), error, false);
        if error {
            self.keep_error_sample(t, n, || kept_text(e.message));
            let bin = self.bin(t);
            if let Some(upstream) = e.upstream {
                self.out
                    .failed_upstreams
                    .record(upstream_host(upstream), bin);
            }
            self.keep_signature(t, n, e.message, String::new());
        }
        if let Some(action) = notable::nginx_action(e.message) {
            self.keep_action(t, n, e.server, action);
        }
    }

    fn json(&mut self, _line: &[u8], n: u64, record: Option<jsonl::JsonRecord>, why: &'static str) {
        let Some(r) = record else {
            self.out.skip(n, || why.into());
            return;
        };
        let t = match r.time {
            jsonl::JsonTime::Utc(t) => t,
            jsonl::JsonTime::Local(civil) => match self.place(&civil, n) {
                Some(t) => t,
                None => return,
            },
        };
        if !self.take(t, n) {
            return;
        }
        let bin = self.bin(t);
        let client_error = r.status.is_some_and(|s| (400..500).contains(&s));
        self.out.series.record(bin, r.is_error, client_error);
        if r.status.is_some() {
            if let Some(client) = &r.client {
                self.out.clients.record(client.as_bytes(), bin, r.is_error);
            }
            if r.is_error {
                self.out
                    .failed_paths
                    .record(r.path.as_deref().unwrap_or("(no path)").as_bytes(), bin);
            }
        }
        let program = r.program.as_deref().unwrap_or("");
        if r.is_error {
            let text = format!("{program}: {}", r.message);
            self.keep_error_sample(t, n, || kept_text(text.as_bytes()));
            self.keep_signature(t, n, r.message.as_bytes(), format!("{program}: "));
        }
        if let Some(action) = notable::syslog_action(program.as_bytes(), r.message.as_bytes()) {
            self.keep_action(t, n, r.host.as_deref().map(str::as_bytes), action);
        }
    }

    fn apache_error(&mut self, line: &[u8], n: u64) {
        let Some(e) = apache_error::parse(line) else {
            // Like nginx, Apache continues a record on lines without the bracketed time.
            if line.first() != Some(&b'[') {
                self.out.continuation += 1;
            } else {
                self.out.skip(n, || "not an apache error log line".into());
            }
            return;
        };
        let Some(t) = self.take_local(&e.civil, n) else {
            return;
        };
        let error = e.is_error();
        self.out.series.record(self.bin(t), error, false);
        if error {
            self.keep_error_sample(t, n, || kept_text(e.message));
            self.keep_signature(t, n, e.message, String::new());
        }
        if let Some(action) = notable::any_apache_action(e.message) {
            self.keep_action(t, n, None, action);
        }
    }

    fn dpkg(&mut self, line: &[u8], n: u64) {
        let Some(d) = packages::parse_dpkg(line) else {
            self.out.skip(n, || "not a dpkg log line".into());
            return;
        };
        let Some(t) = self.take_local(&d.civil, n) else {
            return;
        };
        if d.is_change() {
            let version = match (d.old_version, d.new_version) {
                (Some(old), Some(new)) => format!(" {} → {}", kept_text(old), kept_text(new)),
                (None, Some(new)) => format!(" {}", kept_text(new)),
                _ => String::new(),
            };
            let package = d.package.map(kept_text);
            let text = format!(
                "dpkg {} {}{version}",
                kept_text(d.action),
                package.clone().unwrap_or_default()
            );
            let kind = ActionKind::Deploy;
            self.keep_action(
                t,
                n,
                None,
                Action {
                    kind,
                    actor: None,
                    subject: package,
                    text,
                },
            );
        }
    }

    fn apt_history(&mut self, line: &[u8], n: u64) {
        let Some(h) = packages::parse_history(line) else {
            self.out.skip(n, || "not an apt history line".into());
            return;
        };
        self.out.parsed += 1;
        match h {
            packages::HistoryLine::Start(civil) => match self.zone.to_utc(&civil) {
                Some(t) => {
                    if !self.admit(t, n) {
                        return;
                    }
                    self.apt_record = Some((t, None));
                }
                None => self.apt_record = None,
            },
            packages::HistoryLine::Commandline(command) => {
                if let Some((t, _)) = self.apt_record {
                    let action = Action {
                        kind: ActionKind::Deploy,
                        actor: None,
                        subject: None,
                        text: format!("apt: {}", kept_text(command)),
                    };
                    self.keep_action(t, n, None, action);
                    self.apt_record = Some((t, Some(self.out.events.len() - 1)));
                }
            }
            packages::HistoryLine::RequestedBy(user) => {
                if let Some((_, Some(i))) = self.apt_record
                    && let Some(crate::aggregate::EventBody::Action(a)) =
                        self.out.events.get_mut(i).map(|e| &mut e.body)
                {
                    a.actor = Some(kept_text(user));
                }
            }
            packages::HistoryLine::Other => {}
        }
    }

    fn syslog(&mut self, line: &[u8], n: u64) {
        if syslog::is_continuation(line) {
            self.out.continuation += 1;
            return;
        }
        if syslog::is_journal_marker(line) {
            self.out.blank += 1;
            return;
        }
        let Some(s) = syslog::parse(line) else {
            self.out.skip(n, || "not a syslog line".into());
            return;
        };
        let t = match s.stamp {
            syslog::Stamp::Dated { time, offset_secs } => {
                self.saw_offset(offset_secs, time);
                time
            }
            syslog::Stamp::Local(civil) => match self.place(&civil, n) {
                Some(t) => t,
                None => return,
            },
            syslog::Stamp::YearLess(civil) => {
                let tracker = self.year.get_or_insert(YearTracker::new(1970));
                let before = tracker.last_month.unwrap_or(civil.month);
                let Some(year) = tracker.year_for(civil.month) else {
                    self.out.skip(n, || {
                        format!(
                            "out of order: month {:02} among lines of month {before:02} (clock skew?); skipped, the file keeps its year",
                            civil.month
                        )
                    });
                    return;
                };
                let civil = Civil { year, ..civil };
                self.last_civil = Some(civil);
                match self.zone.to_utc(&civil) {
                    Some(t) => t,
                    None => {
                        self.out.skip(n, || {
                            format!(
                                "{:02}-{:02} does not exist in the inferred year {}",
                                civil.month, civil.day, civil.year
                            )
                        });
                        return;
                    }
                }
            }
        };
        if !self.take(t, n) {
            return;
        }
        // sudo logs command lines, not outcomes: `grep Failed …` is not a failure.
        let class = notable::classify_line(s.severity(), s.program, s.message);
        let error = s.program != b"sudo" && class.error;
        self.out.series.record(self.bin(t), error, false);
        if class.failed_login {
            let source = self.source(n);
            self.out.note_auth_failure(self.bin(t), t, source, || {
                format!("{}: {}", kept_text(s.program), kept_text(s.message))
            });
        }
        if error {
            self.keep_error_sample(t, n, || {
                format!("{}: {}", kept_text(s.program), kept_text(s.message))
            });
            self.keep_signature(t, n, s.message, format!("{}: ", kept_text(s.program)));
        }
        if let Some(action) = notable::syslog_action(s.program, s.message) {
            self.keep_action(t, n, Some(s.host), action);
        }
    }
}

/// `http://127.0.0.1:8080/api/v1/login` → `127.0.0.1:8080`: the upstream, not the request.
fn upstream_host(upstream: &[u8]) -> &[u8] {
    let rest = match memchr::memmem::find(upstream, b"://") {
        Some(i) => &upstream[i + 3..],
        None => upstream,
    };
    match memchr::memchr(b'/', rest) {
        Some(i) => &rest[..i],
        None => rest,
    }
}

/// Parses one chunk. Line numbers in the result count from 1 at the chunk's start.
pub fn process_chunk(data: &[u8], ctx: &ChunkContext) -> ChunkOutcome {
    let mut worker = Worker {
        ctx,
        zone: ZoneConverter::new(ctx.zone).after(ctx.zone_last),
        year: ctx.year,
        last_civil: None,
        apt_record: None,
        line_hash: 0,
        offsets: Vec::new(),
        last_line: None,
        out: Summary::default(),
    };
    worker.out.bytes = data.len() as u64;
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    for (i, raw) in lines(data).enumerate() {
        let n = i as u64 + 1;
        worker.out.lines += 1;
        if raw.len() > crate::aggregate::LONG_LINE {
            worker.out.long_lines += 1;
        }
        let mut line = strip_cr(raw);
        if line.first() == Some(&0) {
            // NUL padding before a line (a crash, a preallocating writer) is not part of it.
            let padding = line.iter().take_while(|&&b| b == 0).count();
            line = &line[padding..];
            if line.is_empty() {
                worker
                    .out
                    .skip(n, || format!("{padding} NUL bytes: padding (a crash?)"));
                continue;
            }
        }
        if ctx.overlap.is_some() {
            worker.line_hash = line_hash(line);
        }
        if line.trim_ascii().is_empty() {
            worker.out.blank += 1;
            continue;
        }
        match ctx.format {
            Format::NginxAccess => worker.access(line, n),
            Format::NginxError => worker.nginx_error(line, n),
            Format::ApacheError => worker.apache_error(line, n),
            Format::Syslog => worker.syslog(line, n),
            Format::Alertmanager | Format::PagerDuty | Format::Opsgenie => {
                worker.out.skip(n, || "alert files are read whole".into())
            }
            Format::Dpkg => worker.dpkg(line, n),
            Format::Journald => worker.json(
                line,
                n,
                jsonl::parse_journald(line),
                "not a journald JSON record",
            ),
            Format::JsonLines => worker.json(
                line,
                n,
                jsonl::parse_json_line(line),
                "not a JSON record with a time",
            ),
            Format::AptHistory => worker.apt_history(line, n),
        }
    }
    if let Some((bin, last)) = worker.last_line.take() {
        worker.out.note_line(bin, last.time, last.source);
    }
    for (offset, n) in std::mem::take(&mut worker.offsets) {
        *worker.out.offsets.entry(offset).or_default() += n;
    }
    ChunkOutcome {
        summary: worker.out,
        year: worker.year,
        last_civil: worker.last_civil,
        zone_last: worker.zone.last(),
    }
}

fn year_less_month(line: &[u8]) -> Option<u32> {
    match syslog::parse(strip_cr(line))?.stamp {
        syslog::Stamp::YearLess(civil) => Some(civil.month),
        syslog::Stamp::Dated { .. } | syslog::Stamp::Local(_) => None,
    }
}

/// The months of the first and last year-less lines of a chunk, read without parsing the
/// lines between: enough to start the next chunk's year tracker in the right year.
pub fn month_span(data: &[u8]) -> Option<(u32, u32)> {
    let first = lines(data).find_map(year_less_month)?;
    let body = data.strip_suffix(b"\n").unwrap_or(data);
    let mut end = body.len();
    loop {
        let start = memchr::memrchr(b'\n', &body[..end]).map_or(0, |i| i + 1);
        if let Some(last) = year_less_month(&body[start..end]) {
            return Some((first, last));
        }
        if start == 0 {
            return Some((first, first));
        }
        end = start - 1;
    }
}
