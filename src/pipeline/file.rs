//! One file read: its format's way (alert documents, record documents, or lines in chunks),
//! its zone and year chosen, the year read again when the modification time says so; and a
//! group of files read together, large plain ones split across the threads.

use std::path::Path;
use std::sync::atomic::Ordering;

use rayon::prelude::*;

use super::documents::{read_alerts, read_records};
use super::lines::read_lines;
use super::placement::{DatedSpan, choose_zone, first_year_guess};
use super::report::FileReport;
use super::sniff::Sniff;
use crate::aggregate::chunk::ChunkContext;
use crate::aggregate::{SaneTimes, Summary};
use crate::config::{Config, Progress};
use crate::error::Error;
use crate::parse::reader::FileReader;
use crate::parse::registry::Meaning;
use crate::read::Compression;
use crate::time::ZoneConverter;
use crate::time::year::{self, YearSource, YearTracker};

/// Reads one file of the run (a byte range of it, for a plan's task) into its report.
pub(super) fn process_file(
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
    let mut report = unread(sniff);
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
/// The report of a file before (or without) reading it.
pub(super) fn unread(sniff: &Sniff) -> FileReport {
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

/// Compressed logs hold at least this many bytes of lines per byte on disk (gzip makes
/// access logs and syslog 8 to 15 times smaller): what decides whether a compressed file
/// holds enough chunks to split across the threads.
const LEAST_LOG_COMPRESSION: u64 = 8;

/// One file read: counted on the progress bar (streams that do not count their bytes as
/// they go are counted whole).
pub(super) fn file_done(progress: Option<&Progress>, s: &Sniff, report: FileReport) -> FileReport {
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
pub(super) fn read_group(
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
pub(super) fn dated_spans(
    reports: &[(usize, FileReport)],
    logs: &[Sniff],
) -> Vec<(usize, DatedSpan)> {
    reports
        .iter()
        .filter_map(|(i, r)| Some((*i, span_of(r, &logs[*i].place)?)))
        .collect()
}

/// What one file read says about dates (see [`dated_spans`]); alert files say nothing.
pub(super) fn span_of(r: &FileReport, place: &Path) -> Option<DatedSpan> {
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
