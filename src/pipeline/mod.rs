//! The run, stage by stage: discover the files, sniff each, read and parse them in parallel
//! chunks, merge the summaries in file order. Detection and rendering take it from there.
//!
//! Files with full dates are read before year-less syslog files, so that the latter can be
//! placed in the year of the former (see `time::year`). Large plain files are read one at a
//! time with their chunks spread over all workers; small and compressed files are spread
//! over workers a file each. Chunk contexts (the syslog year) are worked out before the
//! chunks are handed out, so results do not depend on the number of threads.

use std::path::Path;
use std::sync::atomic::Ordering;

use rayon::prelude::*;
use serde::Serialize;

pub mod distributed;
mod documents;
mod exports;
pub mod families;
pub mod lines;
pub mod opening;
mod placement;
pub mod plan;
mod sniff;
pub mod stages;
mod untrusted;
mod warnings;
pub mod wire;

pub use documents::{read_alert_bytes, read_record_bytes, read_record_stream};
use documents::{read_alerts, read_records};
use lines::read_lines;
pub use placement::ZoneSource;
use placement::{DatedSpan, choose_zone, first_year_guess};
pub use plan::Plan;
use sniff::Sniff;

use crate::aggregate::chunk::ChunkContext;
use crate::aggregate::{Event, LineRef, SaneTimes, Summary};
use crate::config::Config;
use crate::discover::Passed;
use crate::error::Error;
use crate::parse::Detection;
use crate::parse::reader::FileReader;
use crate::parse::registry::Meaning;
use crate::read::Compression;
use crate::time::year::{self, YearSource, YearTracker};
use crate::time::{Micros, ZoneConverter};

/// How a year-less file was placed in time.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct YearChoice {
    /// The year.
    pub year: i32,
    /// How it was chosen.
    pub source: YearSource,
}

/// One file of the run: what it was read as, and what it held.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file, as shown.
    pub display: String,
    /// What it was read as, and why.
    pub detection: Detection,
    /// How it was compressed.
    pub compression: Compression,
    /// The zone assumed for zone-less lines, when the format has them, and why.
    pub zone: Option<String>,
    /// How the zone was chosen.
    pub zone_source: Option<ZoneSource>,
    /// The year of its year-less lines, and how it was chosen.
    pub year: Option<YearChoice>,
    /// What it held.
    pub summary: Summary,
    /// Problems met reading it.
    pub errors: Vec<Error>,
    /// Set when the file holds the same bytes as an earlier one: it is not counted again.
    pub duplicate_of: Option<String>,
    /// Its place in a rotation family of two or more pieces.
    pub rotation: Option<families::Rotation>,
    /// The file it holds part of (a backup of its first lines): those lines count once.
    pub copy_of: Option<families::PartialCopy>,
}

impl FileReport {
    /// The report of a file before (or without) reading it.
    fn unread(sniff: &Sniff) -> FileReport {
        FileReport {
            display: sniff.candidate.display.clone(),
            detection: sniff.detection.clone(),
            compression: sniff.compression,
            zone: None,
            zone_source: None,
            year: None,
            summary: Summary::default(),
            errors: Vec::new(),
            duplicate_of: None,
            rotation: None,
            copy_of: None,
        }
    }
}

#[derive(Debug, Default)]
/// Everything the read stage learnt, for the stages after it.
pub struct Analysis {
    /// Every file read, in discovery order.
    pub files: Vec<FileReport>,
    /// What discovery and the sniffer passed over, with reasons.
    pub passed_over: Vec<Passed>,
    /// Problems that stopped a file, or part of it; the run went on.
    pub errors: Vec<Error>,
    /// Width of the time bins, in microseconds.
    pub bin_width: Micros,
    /// The run's zone for zone-less lines (`UTC` unless given).
    pub zone: String,
    /// Things the user asked for that had no effect, such as a `--tz` glob matching no file.
    pub warnings: Vec<String>,
    /// The part of the logs the run was asked to look at.
    pub scope: crate::config::Scope,
}

impl Analysis {
    /// Every kept event of every file, in time order (ties by file, then line).
    pub fn events(&self) -> Vec<&Event> {
        let mut all: Vec<&Event> = self.files.iter().flat_map(|f| &f.summary.events).collect();
        all.sort_by_key(|e| (e.time, e.source));
        all
    }

    /// `file:line` of a kept line.
    pub fn display(&self, source: LineRef) -> String {
        match self.files.get(source.file) {
            Some(f) => format!("{}:{}", f.display, source.line),
            None => format!("?:{}", source.line),
        }
    }
}

fn process_file(
    index: usize,
    sniff: &Sniff,
    config: &Config,
    dated: &[DatedSpan],
    parallel: bool,
    overlap: Option<std::sync::Arc<crate::aggregate::chunk::Overlap>>,
    progress: Option<&Progress>,
) -> FileReport {
    let format = sniff.detection.format;
    let display = &sniff.candidate.display;
    let zone_less = format.zone_less() || sniff.detection.year_less || sniff.detection.local_time;
    let mut report = FileReport::unread(sniff);
    if format.is_alerts() {
        let (mut summary, errors) = read_alerts(&sniff.candidate, index);
        if sniff.sane.scope != SaneTimes::default().scope {
            // Alert notices outside the scope are left out; the file's lines all still count
            // as read (a document holds several notices).
            summary.events.retain(|e| sniff.sane.in_scope(e.time));
            summary.first_time = summary.events.iter().map(|e| e.time).min();
            summary.last_time = summary.events.iter().map(|e| e.time).max();
        }
        report.summary = summary;
        report.errors = errors;
        return report;
    }
    if format.is_document() {
        // Documents carry their instants in UTC: no zone, no year, read whole.
        let context = ChunkContext {
            sane: sniff.sane,
            ..ChunkContext::new(format, index, config.bin_width, crate::time::Zone::Fixed(0))
        };
        let (summary, errors) = read_records(&sniff.candidate, &context);
        report.summary = summary;
        report.errors = errors;
        return report;
    }
    let (zone_choice, zone_source) = choose_zone(&sniff.place, display, config, dated);
    if zone_less {
        report.zone = Some(zone_choice.name());
        report.zone_source = Some(zone_source);
    }
    let reader = match reader_at_start(sniff) {
        Ok(reader) => reader,
        Err(e) => {
            report.errors = vec![Error::io(display, e)];
            return report;
        }
    };
    let mut zone = ZoneConverter::new(zone_choice);
    let mut choice = sniff
        .detection
        .year_less
        .then(|| first_year_guess(sniff, config, dated, &mut zone));
    loop {
        let context = ChunkContext {
            reader: reader.clone(),
            file: index,
            bin_width: config.bin_width,
            zone: zone_choice,
            year: choice.as_ref().map(|c| YearTracker::new(c.year)),
            overlap: overlap.clone(),
            sane: sniff.sane,
            zone_last: None,
        };
        let (summary, last_civil, errors) = read_lines(
            &sniff.candidate,
            context,
            config.chunk_size,
            parallel,
            progress,
        );
        // The modification-time rule is about the *last* line: if the guess from the first
        // line puts the last one after the mtime, read again a year earlier.
        let limit = choice.as_ref().and_then(|c| match c.source {
            YearSource::ModificationTime | YearSource::StreamRead => sniff.modified,
            YearSource::GzipHeader => sniff.gzip_mtime,
            _ => None,
        });
        if let Some(c) = choice.as_mut()
            && let (Some(last), Some(mtime)) = (last_civil, limit)
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

/// The reader a file's lines are read with from its first byte: the head's, or for a byte
/// range of a plan, the one the lines before the range leave (a W3C `#Fields:` met halfway).
fn reader_at_start(sniff: &Sniff) -> std::io::Result<FileReader> {
    match sniff.candidate.range {
        Some((start, _)) => sniff.reader.at_offset(&sniff.candidate.path, start),
        None => Ok(sniff.reader.clone()),
    }
}

/// How far a run has got (defined with the settings that carry it).
pub use crate::config::Progress;

/// Runs discovery, reading and aggregation over the configured paths: the plan's tasks,
/// stage by stage, in this process.
pub fn analyse(config: &Config) -> Result<Analysis, Error> {
    analyse_watched(config, None)
}

/// [`analyse`], counting how far it has got on `progress` (a progress bar reads it).
pub(crate) fn analyse_watched(
    config: &Config,
    progress: Option<&Progress>,
) -> Result<Analysis, Error> {
    let plan = plan::make(config, None)?;
    start_progress(progress, &plan.logs);
    let mut done: Vec<stages::TaskOutput> = Vec::new();
    for stage in 0..plan::STAGES {
        let dated = stages::spans_before(&plan, &done, stage);
        let files: Vec<usize> = plan
            .tasks
            .iter()
            .filter(|t| t.stage == stage)
            .flat_map(|t| t.files.iter().copied())
            .collect();
        // Read as one group, so that large files use every thread and small ones share them.
        let (reports, spans) = stages::read_stage(&files, &plan.logs, config, &dated, progress);
        done.push(stages::TaskOutput {
            task: None,
            pieces: reports
                .into_iter()
                .map(|(file, report)| stages::Piece {
                    file,
                    range: None,
                    report,
                })
                .collect(),
            spans,
        });
    }
    Ok(stages::assemble(&plan, done, config))
}

/// The totals the progress bar counts towards.
fn start_progress(progress: Option<&Progress>, logs: &[Sniff]) {
    let Some(p) = progress else {
        return;
    };
    let on_disk: u64 = logs
        .iter()
        .filter(|s| s.candidate.member.is_none())
        .filter_map(|s| std::fs::metadata(&s.candidate.path).ok())
        .map(|m| m.len())
        .sum();
    p.bytes_total.store(on_disk, Ordering::Relaxed);
    p.files_total.store(logs.len() as u64, Ordering::Relaxed);
}

/// Compressed logs hold at least this many bytes of lines per byte on disk (gzip makes
/// access logs and syslog 8 to 15 times smaller): what decides whether a compressed file
/// holds enough chunks to split across the threads.
const LEAST_LOG_COMPRESSION: u64 = 8;

/// One file read: counted on the progress bar (streams that do not count their bytes as
/// they go are counted whole).
fn file_done(progress: Option<&Progress>, s: &Sniff, report: FileReport) -> FileReport {
    if let Some(p) = progress {
        p.files_done.fetch_add(1, Ordering::Relaxed);
        if s.compression != Compression::None || s.detection.format.is_document() {
            let len = match &s.candidate.member {
                Some(m) => m.size,
                None => std::fs::metadata(&s.candidate.path).map_or(0, |m| m.len()),
            };
            p.bytes_done.fetch_add(len, Ordering::Relaxed);
        }
    }
    report
}

/// Reads a group of files: large plain files one at a time, each split across the threads;
/// the rest side by side, largest first, a thread each, except that a compressed file of
/// several chunks is also split: whichever of its threads is free decodes its next chunk while
/// the others parse the chunks before, and a thread whose file is done joins another's. (A
/// file's workers never wait on work queued behind them, so nesting them is safe.)
fn read_group(
    indices: &[usize],
    logs: &[Sniff],
    config: &Config,
    dated: &[DatedSpan],
    progress: Option<&Progress>,
) -> Vec<(usize, FileReport)> {
    let on_disk = |s: &Sniff| match s.candidate.member {
        Some(_) => 0,
        None => std::fs::metadata(&s.candidate.path).map_or(0, |m| m.len()),
    };
    let sizes: Vec<u64> = indices.iter().map(|&i| on_disk(&logs[i])).collect();
    let several_chunks = |bytes_of_lines: u64| bytes_of_lines > 2 * config.chunk_size as u64;
    let read = |i: usize, parallel: bool| {
        let report = process_file(i, &logs[i], config, dated, parallel, None, progress);
        (i, file_done(progress, &logs[i], report))
    };
    let mut large = Vec::new();
    let mut side_by_side = Vec::new();
    for (&i, &size) in indices.iter().zip(&sizes) {
        match logs[i].compression {
            Compression::None if several_chunks(size) => large.push(i),
            Compression::None => side_by_side.push((i, size, false)),
            _ => side_by_side.push((
                i,
                size,
                several_chunks(size.saturating_mul(LEAST_LOG_COMPRESSION)),
            )),
        }
    }
    side_by_side.sort_by_key(|&(i, size, _)| (std::cmp::Reverse(size), i));
    let mut out: Vec<(usize, FileReport)> = large.iter().map(|&i| read(i, true)).collect();
    out.par_extend(
        side_by_side
            .par_iter()
            .with_max_len(1)
            .map(|&(i, _, split)| read(i, split)),
    );
    out
}

/// What the files read so far say about dates: their spans, and the offsets their lines were
/// written with (none for lines that carry no offset).
fn dated_spans(reports: &[(usize, FileReport)], logs: &[Sniff]) -> Vec<(usize, DatedSpan)> {
    reports
        .iter()
        .filter_map(|(i, r)| Some((*i, span_of(r, &logs[*i].place)?)))
        .collect()
}

/// What one file read says about dates (see [`dated_spans`]); alert files say nothing.
fn span_of(r: &FileReport, place: &Path) -> Option<DatedSpan> {
    if r.detection.format.is_alerts() {
        return None;
    }
    let offset = r
        .summary
        .offsets
        .iter()
        .max_by_key(|(o, n)| (**n, -**o))
        .map(|(o, _)| *o);
    Some(DatedSpan {
        display: r.display.clone(),
        access: r.detection.format.meaning() == Meaning::Requests,
        offset,
        folder: place.parent().map(Path::to_path_buf),
        runs: r.summary.offset_runs.clone(),
        first: r.summary.first_time?,
        last: r.summary.last_time?,
    })
}
