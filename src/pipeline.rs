//! The run, stage by stage: discover the files, sniff each, read and parse them in parallel
//! chunks, merge the summaries in file order. Detection and rendering take it from there.
//!
//! Files with full dates are read before year-less syslog files, so that the latter can be
//! placed in the year of the former (see `time::year`). Large plain files are read one at a
//! time with their chunks spread over all workers; small and compressed files are spread
//! over workers a file each. Chunk contexts (the syslog year) are worked out before the
//! chunks are handed out, so results do not depend on the number of threads.

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::aggregate::chunk::{ChunkContext, ChunkOutcome, month_span, process_chunk};
use crate::aggregate::{AlertEvent, Event, EventBody, LineRef, Summary};
use crate::config::Config;
use crate::discover::{self, Candidate, Passed};
use crate::error::Error;
use crate::parse::{self, Detection, Format, Sniffed, alertmanager, pager};
use crate::read::{self, Chunker, Compression};
use crate::time::year::{self, YearSource, YearTracker};
use crate::time::{Civil, Micros, Zone, ZoneConverter};

/// Alert files are read whole; past this they are cut (with a message).
const MAX_ALERT_FILE: u64 = 256 << 20;

/// How a year-less file was placed in time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearChoice {
    pub year: i32,
    pub source: YearSource,
}

/// One file of the run: what it was read as, and what it held.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub display: String,
    pub detection: Detection,
    pub compression: Compression,
    /// The zone assumed for zone-less lines, when the format has them, and why.
    pub zone: Option<String>,
    pub zone_source: Option<ZoneSource>,
    pub year: Option<YearChoice>,
    pub summary: Summary,
    pub errors: Vec<Error>,
}

#[derive(Debug, Default)]
pub struct Analysis {
    pub files: Vec<FileReport>,
    pub passed_over: Vec<Passed>,
    /// Problems that stopped a file, or part of it; the run went on.
    pub errors: Vec<Error>,
    pub bin_width: Micros,
    pub zone: String,
}

impl Analysis {
    /// Every kept event of every file, in time order (ties by file, then line).
    pub fn events(&self) -> Vec<&Event> {
        let mut all: Vec<&Event> = self.files.iter().flat_map(|f| &f.summary.events).collect();
        all.sort_by_key(|e| (e.time, e.source));
        all
    }

    pub fn display(&self, source: LineRef) -> String {
        match self.files.get(source.file) {
            Some(f) => format!("{}:{}", f.display, source.line),
            None => format!("?:{}", source.line),
        }
    }
}

struct Sniff {
    candidate: Candidate,
    compression: Compression,
    detection: Detection,
    first_civil: Option<Civil>,
    modified: Option<Micros>,
}

fn system_time_micros(t: std::time::SystemTime) -> Option<Micros> {
    let d = t.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(d.as_micros()).ok()
}

/// Opens a candidate just long enough to sniff it; `Err` is a reason to pass it over.
fn sniff_one(candidate: Candidate) -> Result<Sniff, Result<Passed, Error>> {
    let opened = read::open(&candidate.path).map_err(|e| Err(Error::io(&candidate.display, &e)))?;
    let passed = |reason: String| {
        Ok(Passed {
            display: candidate.display.clone(),
            reason,
        })
    };
    let detection = match parse::sniff(&opened.sample, opened.complete) {
        Sniffed::Log(d) => d,
        Sniffed::Binary(why) | Sniffed::Unknown(why) => return Err(passed(why)),
        Sniffed::Empty => return Err(passed("empty".into())),
    };
    let first_civil = if detection.year_less {
        read::lines(&opened.sample).find_map(|l| match parse::syslog::parse(l)?.stamp {
            parse::syslog::Stamp::YearLess(c) => Some(c),
            parse::syslog::Stamp::Dated { .. } => None,
        })
    } else {
        None
    };
    Ok(Sniff {
        compression: opened.compression,
        detection,
        first_civil,
        modified: opened.modified.and_then(system_time_micros),
        candidate,
    })
}

/// Reads a line-format file chunk by chunk. `parallel` spreads each batch of chunks over the
/// pool; otherwise the chunks are parsed in this thread.
fn read_lines(
    path: &Path,
    display: &str,
    context: ChunkContext,
    chunk_size: usize,
    parallel: bool,
) -> (Summary, Option<Civil>, Vec<Error>) {
    let mut summary = Summary::default();
    let mut errors = Vec::new();
    let mut last_civil = None;
    let opened = match read::open(path) {
        Ok(o) => o,
        Err(e) => return (summary, None, vec![Error::io(display, &e)]),
    };
    let mut chunker = Chunker::new(opened.stream, chunk_size);
    let mut tracker = context.year;
    let batch_len = if parallel {
        2 * rayon::current_num_threads().max(1)
    } else {
        1
    };
    let mut buffers: Vec<Vec<u8>> = Vec::new();
    loop {
        let mut filled = 0;
        let mut stopped = None;
        while filled < batch_len {
            if buffers.len() == filled {
                buffers.push(Vec::with_capacity(chunk_size));
            }
            match chunker.next_chunk(&mut buffers[filled]) {
                Ok(true) => filled += 1,
                Ok(false) => break,
                Err(e) => {
                    // Whole lines read before the failure are still parsed.
                    if let Some(nl) = memchr::memrchr(b'\n', &buffers[filled]) {
                        buffers[filled].truncate(nl + 1);
                        filled += 1;
                    }
                    stopped = Some(e);
                    break;
                }
            }
        }
        let batch = &buffers[..filled];
        let contexts: Vec<ChunkContext> = batch
            .iter()
            .map(|data| {
                let ctx = ChunkContext {
                    year: tracker,
                    ..context.clone()
                };
                if let Some(t) = tracker.as_mut()
                    && let Some((first, last)) = month_span(data)
                {
                    t.skip_over(first, last);
                }
                ctx
            })
            .collect();
        let outcomes: Vec<ChunkOutcome> = if parallel {
            batch
                .par_iter()
                .zip(contexts.par_iter())
                .map(|(data, ctx)| process_chunk(data, ctx))
                .collect()
        } else {
            batch
                .iter()
                .zip(&contexts)
                .map(|(data, ctx)| process_chunk(data, ctx))
                .collect()
        };
        for outcome in outcomes {
            summary.append(outcome.summary);
            last_civil = outcome.last_civil.or(last_civil);
        }
        if let Some(e) = stopped {
            errors.push(Error::ReadStopped {
                path: display.to_string(),
                line: summary.lines,
                message: e.to_string(),
            });
            break;
        }
        if filled < batch_len {
            break;
        }
    }
    (summary, last_civil, errors)
}

/// Reads an alert file whole: a stream of JSON documents, pretty-printed or one per line.
/// A document that does not parse costs one line; reading resumes on the next.
fn read_alerts(path: &Path, display: &str, file: usize) -> (Summary, Vec<Error>) {
    use std::io::Read;
    let mut summary = Summary::default();
    let mut errors = Vec::new();
    let mut data = Vec::new();
    match read::open(path) {
        Ok(o) => {
            if let Err(e) = o.stream.take(MAX_ALERT_FILE).read_to_end(&mut data) {
                errors.push(Error::io(display, &e));
            }
        }
        Err(e) => return (summary, vec![Error::io(display, &e)]),
    }
    if data.len() as u64 >= MAX_ALERT_FILE {
        errors.push(Error::Io {
            path: display.into(),
            message: format!("alert file cut at {MAX_ALERT_FILE} bytes"),
        });
    }
    let mut parsed = read_alert_bytes(&data, file);
    parsed.bytes = data.len() as u64;
    summary.merge_unordered(parsed);
    (summary, errors)
}

/// Reads alert documents from bytes: a stream of JSON documents, pretty-printed or one per
/// line. A document that does not parse costs one line (skipped); reading resumes on the next.
/// Lines are counted as the reader moves, so a large log costs one pass.
pub fn read_alert_bytes(data: &[u8], file: usize) -> Summary {
    let mut summary = Summary {
        lines: read::lines(data).count() as u64,
        ..Summary::default()
    };
    let mut offset = 0;
    // Line number (1-based) at `counted_to`.
    let (mut counted_to, mut line) = (0usize, 1u64);
    let mut line_at = |to: usize| {
        let to = to.min(data.len());
        if to > counted_to {
            line += memchr::memchr_iter(b'\n', &data[counted_to..to]).count() as u64;
            counted_to = to;
        }
        line
    };
    // Each line is counted once, as parsed or skipped, by the first document that touches it.
    let mut accounted_through = 0u64;
    let mut account = |summary: &mut Summary, first: u64, last: u64, parsed: bool, why: &str| {
        let from = first.max(accounted_through + 1);
        if last < from {
            return;
        }
        let n = last - from + 1;
        accounted_through = last;
        if parsed {
            summary.parsed += n;
        } else {
            summary.skipped += n;
            if summary.skipped_examples.len() < crate::aggregate::SKIPPED_EXAMPLES {
                summary.skipped_examples.push((from, why.to_string()));
            }
        }
    };
    while offset < data.len() {
        let rest = &data[offset..];
        let Some(start) = rest.iter().position(|b| !b.is_ascii_whitespace()) else {
            break;
        };
        let mut stream = serde_json::Deserializer::from_slice(&rest[start..]).into_iter();
        let first_line = line_at(offset + start);
        match stream.next() {
            Some(Ok(doc)) => {
                let end = offset + start + stream.byte_offset();
                let last_line = line_at(end.saturating_sub(1).max(offset + start));
                let known = alert_events(&doc, file, first_line, &mut summary);
                account(
                    &mut summary,
                    first_line,
                    last_line,
                    known,
                    "JSON, but not an alert webhook or export",
                );
                offset = end.max(offset + start + 1);
            }
            _ => {
                account(
                    &mut summary,
                    first_line,
                    first_line,
                    false,
                    "not a JSON document",
                );
                offset += start
                    + memchr::memchr(b'\n', &rest[start..]).map_or(rest.len() - start, |i| i + 1);
            }
        }
    }
    summary.blank = summary
        .lines
        .saturating_sub(summary.parsed + summary.skipped);
    summary
}

/// Adds the events of one alert document; false (and one skipped line) when it is none.
fn alert_events(doc: &serde_json::Value, file: usize, line: u64, summary: &mut Summary) -> bool {
    let source = LineRef { file, line };
    let push = |time: Micros, alert: AlertEvent, summary: &mut Summary| {
        summary.saw_time(time);
        summary.events.push(Event {
            time,
            source,
            host: None,
            body: EventBody::Alert(alert),
        });
    };
    if let Some(notices) = alertmanager::notices(doc) {
        for n in notices {
            let time = match n.status {
                alertmanager::AlertStatus::Resolved => {
                    n.ends_at.or(n.received_at).unwrap_or(n.starts_at)
                }
                _ => n.starts_at,
            };
            let alert = AlertEvent {
                name: n.name,
                status: n.status,
                receiver: n.receiver,
                identity: n.identity,
                service: n.service,
                summary: n.summary,
                severity: n.severity,
                starts_at: n.starts_at,
                ends_at: n.ends_at,
                received_at: n.received_at,
                pager: None,
                actor: None,
                target: None,
            };
            push(time, alert, summary);
        }
        return true;
    }
    let Some((_, pages)) = pager::notices(doc) else {
        return false;
    };
    for p in pages {
        let alert = AlertEvent {
            name: p.title,
            status: p.status,
            receiver: String::new(),
            identity: p.identity,
            service: p.service,
            summary: None,
            severity: None,
            starts_at: p.at,
            ends_at: None,
            received_at: Some(p.at),
            pager: Some(p.pager),
            actor: p.actor,
            target: p.target,
        };
        push(p.at, alert, summary);
    }
    true
}

/// A file with full dates already read: where it is and what time it covers.
#[derive(Debug, Clone)]
struct DatedSpan {
    folder: Option<std::path::PathBuf>,
    display: String,
    first: Micros,
    last: Micros,
    /// The UTC offset most of its lines were written with, when they carry one.
    offset: Option<i32>,
    /// Access logs are written in the server's local time with its offset: the best witness
    /// of the zone. Other dated lines (RFC 5424 `Z`) may be UTC whatever the server's zone.
    access: bool,
}

/// How the zone of a zone-less file was chosen; shown to the user.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum ZoneSource {
    /// Given with `--tz`.
    Flag,
    /// The offset that files with offsets in the same folder (or the run) were written with.
    SiblingOffset { file: String },
    /// Nothing to go on: `--tz`'s default, UTC.
    Default,
}

impl ZoneSource {
    pub fn describe(&self) -> String {
        match self {
            ZoneSource::Flag => "given with --tz".into(),
            ZoneSource::SiblingOffset { file } => format!("the offset {file} is written with"),
            ZoneSource::Default => "no --tz and no sibling with offsets: UTC".into(),
        }
    }
}

/// The zone for a zone-less file: `--tz` if given; else the one offset that dated files in the
/// same folder (or, failing that, the whole run) agree on; else UTC.
fn choose_zone(path: &Path, config: &Config, dated: &[DatedSpan]) -> (Zone, ZoneSource) {
    if config.zone_given {
        return (Zone::Named(config.zone), ZoneSource::Flag);
    }
    let with_offset: Vec<&DatedSpan> = dated.iter().filter(|d| d.offset.is_some()).collect();
    let same: Vec<&DatedSpan> = with_offset
        .iter()
        .copied()
        .filter(|d| d.folder.as_deref() == path.parent())
        .collect();
    let pool = if same.is_empty() { with_offset } else { same };
    // Access logs first; other dated files only when no access log says.
    for witnesses in [true, false] {
        let group: Vec<&&DatedSpan> = pool.iter().filter(|d| d.access == witnesses).collect();
        let offsets: std::collections::BTreeSet<i32> =
            group.iter().filter_map(|d| d.offset).collect();
        if let (1, Some(d)) = (offsets.len(), group.first()) {
            let offset = d.offset.unwrap_or(0);
            return (
                Zone::Fixed(offset),
                ZoneSource::SiblingOffset {
                    file: d.display.clone(),
                },
            );
        }
        if !offsets.is_empty() {
            break; // witnesses disagree: no guess
        }
    }
    (Zone::Named(config.zone), ZoneSource::Default)
}

/// A span this long says nothing about which year a `Sep 10` line belongs to.
const MAX_ANCHOR_SPAN: Micros = 400 * 24 * 3600 * crate::time::MICROS_PER_SEC;

/// The span of the dated files that best speak for `path`: those in its own folder if any,
/// else all of them; `None` when they cover too long a time to anchor a year.
fn anchor_span(path: &Path, dated: &[DatedSpan]) -> Option<(Micros, Micros)> {
    let folder = path.parent();
    let same: Vec<&DatedSpan> = dated
        .iter()
        .filter(|d| d.folder.as_deref() == folder)
        .collect();
    let pool: Vec<&DatedSpan> = if same.is_empty() {
        dated.iter().collect()
    } else {
        same
    };
    let span = pool
        .iter()
        .map(|d| (d.first, d.last))
        .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))?;
    (span.1 - span.0 <= MAX_ANCHOR_SPAN).then_some(span)
}

/// Picks the base year of a year-less file from what is known before reading it.
fn first_year_guess(
    sniff: &Sniff,
    config: &Config,
    dated: &[DatedSpan],
    zone: &mut ZoneConverter,
) -> YearChoice {
    let dated_span = anchor_span(&sniff.candidate.path, dated);
    if let Some(year) = config.year {
        return YearChoice {
            year,
            source: YearSource::Flag,
        };
    }
    if let (Some(civil), Some((start, end))) = (sniff.first_civil, dated_span)
        && let Some(year) = year::year_nearest_span(&civil, zone, start, end)
    {
        return YearChoice {
            year,
            source: YearSource::DatedFiles,
        };
    }
    if let (Some(civil), Some(mtime)) = (sniff.first_civil, sniff.modified)
        && let Some(year) = year::latest_year_not_after(&civil, zone, mtime)
    {
        return YearChoice {
            year,
            source: YearSource::ModificationTime,
        };
    }
    let now = system_time_micros(std::time::SystemTime::now()).unwrap_or(0);
    YearChoice {
        year: crate::time::to_naive(now).map_or(1970, |d| chrono::Datelike::year(&d)),
        source: YearSource::CurrentYear,
    }
}

fn process_file(
    index: usize,
    sniff: &Sniff,
    config: &Config,
    dated: &[DatedSpan],
    parallel: bool,
) -> FileReport {
    let format = sniff.detection.format;
    let display = &sniff.candidate.display;
    let zone_less = format.zone_less() || sniff.detection.year_less;
    let mut report = FileReport {
        display: display.clone(),
        detection: sniff.detection.clone(),
        compression: sniff.compression,
        zone: None,
        zone_source: None,
        year: None,
        summary: Summary::default(),
        errors: Vec::new(),
    };
    if format.is_alerts() {
        let (summary, errors) = read_alerts(&sniff.candidate.path, display, index);
        report.summary = summary;
        report.errors = errors;
        return report;
    }
    let (zone_choice, zone_source) = choose_zone(&sniff.candidate.path, config, dated);
    if zone_less {
        report.zone = Some(zone_choice.name());
        report.zone_source = Some(zone_source);
    }
    let mut zone = ZoneConverter::new(zone_choice);
    let mut choice = sniff
        .detection
        .year_less
        .then(|| first_year_guess(sniff, config, dated, &mut zone));
    loop {
        let context = ChunkContext {
            format,
            file: index,
            bin_width: config.bin_width,
            zone: zone_choice,
            year: choice.as_ref().map(|c| YearTracker::new(c.year)),
        };
        let (summary, last_civil, errors) = read_lines(
            &sniff.candidate.path,
            display,
            context,
            config.chunk_size,
            parallel,
        );
        // The modification-time rule is about the *last* line: if the guess from the first
        // line puts the last one after the mtime, read again a year earlier.
        if let Some(c) = choice.as_mut()
            && c.source == YearSource::ModificationTime
            && let (Some(last), Some(mtime)) = (last_civil, sniff.modified)
            && let Some(last_year) = year::latest_year_not_after(&last, &mut zone, mtime)
            && last_year != last.year
        {
            c.year += last_year - last.year;
            continue;
        }
        report.summary = summary;
        report.errors = errors;
        report.year = choice;
        return report;
    }
}

/// Runs discovery, reading and aggregation over the configured paths.
pub fn analyse(config: &Config) -> Result<Analysis, Error> {
    let discovered = discover::discover(&config.paths, config.follow_links);
    let mut analysis = Analysis {
        passed_over: discovered.passed_over,
        errors: discovered.errors,
        bin_width: config.bin_width,
        zone: config.zone.name().to_string(),
        ..Analysis::default()
    };
    let sniffed: Vec<Result<Sniff, Result<Passed, Error>>> = discovered
        .candidates
        .into_par_iter()
        .map(sniff_one)
        .collect();
    let mut logs = Vec::new();
    for s in sniffed {
        match s {
            Ok(s) => logs.push(s),
            Err(Ok(passed)) => analysis.passed_over.push(passed),
            Err(Err(e)) => analysis.errors.push(e),
        }
    }
    if logs.is_empty() {
        let shown: Vec<String> = config
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        return Err(Error::NoInput(shown.join(", ")));
    }
    let big = |s: &Sniff| {
        s.compression == Compression::None
            && std::fs::metadata(&s.candidate.path)
                .is_ok_and(|m| m.len() > 2 * config.chunk_size as u64)
    };
    let run_group = |indices: &[usize], dated: &[DatedSpan]| -> Vec<(usize, FileReport)> {
        let (large, small): (Vec<usize>, Vec<usize>) =
            indices.iter().partition(|&&i| big(&logs[i]));
        let mut out: Vec<(usize, FileReport)> = large
            .iter()
            .map(|&i| (i, process_file(i, &logs[i], config, dated, true)))
            .collect();
        out.par_extend(
            small
                .par_iter()
                .map(|&i| (i, process_file(i, &logs[i], config, dated, false))),
        );
        out
    };
    // Files whose lines carry a full date and offset first: zone-less and year-less files are
    // placed by them.
    let (zone_less, dated): (Vec<usize>, Vec<usize>) = (0..logs.len())
        .partition(|&i| logs[i].detection.year_less || logs[i].detection.format.zone_less());
    let mut reports = run_group(&dated, &[]);
    let spans: Vec<DatedSpan> = reports
        .iter()
        .filter(|(_, r)| !r.detection.format.is_alerts())
        .filter_map(|(i, r)| {
            Some(DatedSpan {
                display: r.display.clone(),
                access: r.detection.format == Format::NginxAccess,
                offset: r
                    .summary
                    .offsets
                    .iter()
                    .max_by_key(|(o, n)| (**n, -**o))
                    .map(|(o, _)| *o),
                folder: logs[*i].candidate.path.parent().map(Path::to_path_buf),
                first: r.summary.first_time?,
                last: r.summary.last_time?,
            })
        })
        .collect();
    reports.extend(run_group(&zone_less, &spans));
    reports.sort_by_key(|(i, _)| *i);
    for (_, report) in reports {
        analysis.errors.extend(report.errors.iter().cloned());
        analysis.files.push(report);
    }
    Ok(analysis)
}
