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

mod documents;
pub mod families;
pub mod lines;
mod placement;
mod warnings;

pub use documents::{read_alert_bytes, read_record_bytes};
use documents::{read_alerts, read_records};
use lines::read_lines;
pub use placement::ZoneSource;
use placement::{DatedSpan, choose_zone, first_year_guess};

use crate::aggregate::chunk::ChunkContext;
use crate::aggregate::{Event, LineRef, Summary};
use crate::config::Config;
use crate::config::rules::last_match;
use crate::discover::{self, Candidate, Passed};
use crate::error::Error;
use crate::parse::registry::Meaning;
use crate::parse::{self, Detection, Format, Sniffed};
use crate::read::{self, Compression};
use crate::time::year::{self, YearSource, YearTracker};
use crate::time::{Civil, Micros, ZoneConverter};

/// How a year-less file was placed in time.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

struct Sniff {
    candidate: Candidate,
    compression: Compression,
    detection: Detection,
    first_civil: Option<Civil>,
    modified: Option<Micros>,
    gzip_mtime: Option<Micros>,
    /// The times its lines may carry: set for the run once every file is sniffed.
    sane: crate::aggregate::SaneTimes,
    /// For a W3C extended log: the columns its head's `#Fields:` directive names.
    w3c: Option<std::sync::Arc<crate::parse::w3c::Columns>>,
    /// Hashes of its first lines: two files with the same head hold one source's lines.
    head: Vec<u64>,
}

fn system_time_micros(t: std::time::SystemTime) -> Option<Micros> {
    let d = t.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(d.as_micros()).ok()
}

/// What sniffing a candidate found.
enum Found {
    Log(Sniff),
    /// A `.tar` (any compression): its members, to sniff in turn; members passed over (links,
    /// devices) with the reason; where it was cut, if it ends early.
    Archive(Vec<Candidate>, Vec<Passed>, Option<Error>),
    Passed(Passed),
    Failed(Error),
}

/// Opens a candidate just long enough to sniff it. An archive is seen in the same decoded
/// sample and listed from the same stream, so a file is opened once whatever it holds.
fn sniff_one(candidate: Candidate, config: &Config) -> Found {
    let opened = match candidate.open() {
        Ok(o) => o,
        Err(e) => return Found::Failed(Error::io(&candidate.display, e)),
    };
    if candidate.member.is_none()
        && candidate.spool.is_none()
        && read::journal::is_journal(&opened.sample)
    {
        // A binary journal is read through its export, sniffed as journald JSON in the next
        // round (as an archive's members are), with the place it was cut, if it was.
        return match read::journal::export(&candidate.path) {
            Ok((export, cut)) => {
                let cut = cut.map(|message| Error::Partial {
                    path: candidate.display.clone(),
                    message,
                });
                let standing_in = Candidate::standing_in(export, candidate.display);
                Found::Archive(vec![standing_in], Vec::new(), cut)
            }
            Err(e) => Found::Failed(Error::Partial {
                path: candidate.display.clone(),
                message: format!("not a readable journal file: {e}"),
            }),
        };
    }
    if candidate.member.is_none() && read::tar::is_tar(&opened.sample) {
        return match read::tar::list(opened.stream, opened.compression) {
            Ok(listing) => {
                let passed = listing
                    .passed
                    .into_iter()
                    .map(|(name, reason)| Passed {
                        display: format!("{}/{}", candidate.display, name.trim_start_matches("./")),
                        reason,
                    })
                    .collect();
                let cut = listing.cut.map(|message| Error::Partial {
                    path: candidate.display.clone(),
                    message,
                });
                Found::Archive(candidate.members(listing.members), passed, cut)
            }
            Err(e) => Found::Failed(Error::io(&candidate.display, e)),
        };
    }
    // An archive inside an archive is reported, not read as text.
    if candidate.member.is_some() && read::tar::is_tar(&opened.sample) {
        return Found::Passed(Passed {
            display: candidate.display.clone(),
            reason: "an archive inside the archive: not read (unpack it first)".into(),
        });
    }
    match sniff_log(candidate, opened, config) {
        Ok(s) => Found::Log(s),
        Err(Ok(p)) => Found::Passed(p),
        Err(Err(e)) => Found::Failed(e),
    }
}

/// Decides how an opened file is read; `Err` is a reason to pass it over.
fn sniff_log(
    candidate: Candidate,
    opened: read::Opened,
    config: &Config,
) -> Result<Sniff, Result<Passed, Error>> {
    let passed = |reason: String| {
        Ok(Passed {
            display: candidate.display.clone(),
            reason,
        })
    };
    let given = last_match(&config.rules, &candidate.display, &candidate.path, |r| {
        r.format
    });
    let sniffed = parse::sniff(&opened.sample, opened.complete);
    let custom =
        config
            .access_formats
            .best_for(Path::new(&candidate.display), &opened.sample, &sniffed);
    let detection = match (given, custom, sniffed) {
        (Some((format, rule)), _, _) => parse::given(format, &opened.sample, rule.describe()),
        (None, Some(d), _) => d,
        (None, None, Sniffed::Log(d)) => d,
        (None, None, Sniffed::Binary(why) | Sniffed::Unknown(why)) => return Err(passed(why)),
        (None, None, Sniffed::Empty) => return Err(passed("empty".into())),
    };
    let first_civil = match detection.year_less {
        true => {
            read::lines(&opened.sample).find_map(|l| parse::year_less_civil(detection.format, l))
        }
        false => None,
    };
    let w3c = (detection.format == Format::W3c)
        .then(|| parse::w3c::first_directive(&opened.sample))
        .flatten()
        .map(std::sync::Arc::new);
    Ok(Sniff {
        head: families::head_hashes(&opened.sample, opened.complete),
        w3c,
        compression: opened.compression,
        detection,
        first_civil,
        modified: opened.modified.and_then(system_time_micros),
        gzip_mtime: opened.gzip_mtime.and_then(system_time_micros),
        sane: Default::default(),
        candidate,
    })
}

fn process_file(
    index: usize,
    sniff: &Sniff,
    config: &Config,
    dated: &[DatedSpan],
    parallel: bool,
    overlap: Option<std::sync::Arc<crate::aggregate::chunk::Overlap>>,
) -> FileReport {
    let format = sniff.detection.format;
    let display = &sniff.candidate.display;
    let zone_less = format.zone_less() || sniff.detection.year_less || sniff.detection.local_time;
    let mut report = FileReport {
        display: display.clone(),
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
    };
    if format.is_alerts() {
        let (summary, errors) = read_alerts(&sniff.candidate, index);
        report.summary = summary;
        report.errors = errors;
        return report;
    }
    if format.is_document() {
        // Documents carry their instants in UTC: no zone, no year, read whole.
        let context = ChunkContext {
            format,
            file: index,
            bin_width: config.bin_width,
            zone: crate::time::Zone::Fixed(0),
            year: None,
            w3c: None,
            access_format: None,
            overlap: None,
            sane: sniff.sane,
            zone_last: None,
        };
        let (summary, errors) = read_records(&sniff.candidate, &context);
        report.summary = summary;
        report.errors = errors;
        return report;
    }
    let (zone_choice, zone_source) = choose_zone(&sniff.candidate.path, display, config, dated);
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
            w3c: sniff.w3c.clone(),
            access_format: sniff
                .detection
                .log_format
                .as_ref()
                .and_then(|name| config.access_formats.named(name)),
            overlap: overlap.clone(),
            sane: sniff.sane,
            zone_last: None,
        };
        let (summary, last_civil, errors) = read_lines(
            &sniff.candidate,
            context,
            config.chunk_size,
            parallel,
            config.progress.as_deref(),
        );
        // The modification-time rule is about the *last* line: if the guess from the first
        // line puts the last one after the mtime, read again a year earlier.
        let limit = choice.as_ref().and_then(|c| match c.source {
            YearSource::ModificationTime => sniff.modified,
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

/// The times lines may carry in this run: from 1990 to `config.max_ahead` past the newest
/// modification time of any input (unbounded when no input has a believable one).
fn sane_times(logs: &[Sniff], config: &Config) -> crate::aggregate::SaneTimes {
    let newest = logs
        .iter()
        .filter_map(|s| s.modified)
        .filter(|&m| m > crate::aggregate::EARLIEST_SANE)
        .max();
    crate::aggregate::SaneTimes {
        earliest: crate::aggregate::EARLIEST_SANE,
        latest: newest.map_or(Micros::MAX, |m| m.saturating_add(config.max_ahead)),
    }
}

/// How far a run has got (defined with the settings that carry it).
pub use crate::config::Progress;

/// Runs discovery, reading and aggregation over the configured paths.
pub fn analyse(config: &Config) -> Result<Analysis, Error> {
    let discovered = discover::discover(
        &config.paths,
        config.follow_links,
        config.stdin_name.as_deref(),
    );
    let mut analysis = Analysis {
        passed_over: discovered.passed_over,
        errors: discovered.errors,
        bin_width: config.bin_width,
        zone: config.zone.name().to_string(),
        ..Analysis::default()
    };
    let mut logs = sniff_all(discovered.candidates, config, &mut analysis);
    analysis.warnings = warnings::unused_rules(config, &logs, &analysis.passed_over);
    if logs.is_empty() {
        let shown: Vec<String> = config
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        // Say why for each thing passed over (the first few), never only "nothing found".
        const SHOWN: usize = 10;
        let mut passed_over: Vec<String> = analysis
            .passed_over
            .iter()
            .take(SHOWN)
            .map(|p| format!("{}: {}", p.display, p.reason))
            .chain(analysis.errors.iter().map(Error::to_string))
            .collect();
        if analysis.passed_over.len() > SHOWN {
            let more = analysis.passed_over.len() - SHOWN;
            passed_over.push(format!("… and {more} more passed over"));
        }
        return Err(Error::NoInput {
            paths: shown.join(", "),
            passed_over,
        });
    }
    let sane = sane_times(&logs, config);
    for s in &mut logs {
        s.sane = sane;
    }
    start_progress(config, &logs);
    let (mut reports, spans) = read_in_groups(&logs, config);
    families::count_copies_once(&mut reports);
    families::count_overlaps_once(&mut reports, &logs, config, &spans);
    families::count_partial_copies_once(&mut reports, &logs, config, &spans);
    for (_, report) in reports {
        analysis.errors.extend(report.errors.iter().cloned());
        analysis.files.push(report);
    }
    Ok(analysis)
}

/// Sniffs every candidate, in parallel. Archives (`.tar`, `.tar.gz`…) stand for their
/// members, sniffed in a second round (members are never archives themselves: nested
/// archives are not opened). What is not a log goes to `analysis` with its reason.
fn sniff_all(candidates: Vec<Candidate>, config: &Config, analysis: &mut Analysis) -> Vec<Sniff> {
    let mut logs = Vec::new();
    let mut round = candidates;
    while !round.is_empty() {
        let found: Vec<Found> = round
            .into_par_iter()
            .map(|c| sniff_one(c, config))
            .collect();
        round = Vec::new();
        for f in found {
            match f {
                Found::Log(s) => logs.push(s),
                Found::Archive(members, passed, cut) => {
                    round.extend(members);
                    analysis.passed_over.extend(passed);
                    analysis.errors.extend(cut);
                }
                Found::Passed(p) => analysis.passed_over.push(p),
                Found::Failed(e) => analysis.errors.push(e),
            }
        }
    }
    logs
}

/// The totals the progress bar counts towards.
fn start_progress(config: &Config, logs: &[Sniff]) {
    let Some(p) = &config.progress else {
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

/// One file read: counted on the progress bar (streams that do not count their bytes as
/// they go are counted whole).
fn file_done(config: &Config, s: &Sniff, report: FileReport) -> FileReport {
    if let Some(p) = &config.progress {
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
/// the rest side by side, a thread each.
fn read_group(
    indices: &[usize],
    logs: &[Sniff],
    config: &Config,
    dated: &[DatedSpan],
) -> Vec<(usize, FileReport)> {
    let big = |s: &Sniff| {
        s.compression == Compression::None
            && s.candidate.member.is_none()
            && std::fs::metadata(&s.candidate.path)
                .is_ok_and(|m| m.len() > 2 * config.chunk_size as u64)
    };
    let read = |i: usize, parallel: bool| {
        let report = process_file(i, &logs[i], config, dated, parallel, None);
        (i, file_done(config, &logs[i], report))
    };
    let (large, small): (Vec<usize>, Vec<usize>) = indices.iter().partition(|&&i| big(&logs[i]));
    let mut out: Vec<(usize, FileReport)> = large.iter().map(|&i| read(i, true)).collect();
    out.par_extend(small.par_iter().map(|&i| read(i, false)));
    out
}

/// Files whose lines carry a full date and offset first; then those with a date but no
/// offset (error logs, dpkg), placed in the zone the first lend them; then the year-less,
/// which take their year from either (an Apache error log dates a syslog beside it).
/// Reports come back in the order of `logs`, with the dated spans the later groups used.
fn read_in_groups(logs: &[Sniff], config: &Config) -> (Vec<(usize, FileReport)>, Vec<DatedSpan>) {
    let (year_less, with_year): (Vec<usize>, Vec<usize>) =
        (0..logs.len()).partition(|&i| logs[i].detection.year_less);
    let (zone_less, dated): (Vec<usize>, Vec<usize>) = with_year.into_iter().partition(|&i| {
        let d = &logs[i].detection;
        d.local_time || d.format.zone_less()
    });
    let mut reports = read_group(&dated, logs, config, &[]);
    let mut spans = dated_spans(&reports, logs, true);
    let zoned = read_group(&zone_less, logs, config, &spans);
    spans.extend(dated_spans(&zoned, logs, false));
    reports.extend(zoned);
    reports.extend(read_group(&year_less, logs, config, &spans));
    reports.sort_by_key(|(i, _)| *i);
    (reports, spans)
}

/// What the files read so far say about dates: their spans, and (for files whose lines carry
/// an offset, `lend_offsets`) the offsets they were written with.
fn dated_spans(
    reports: &[(usize, FileReport)],
    logs: &[Sniff],
    lend_offsets: bool,
) -> Vec<DatedSpan> {
    reports
        .iter()
        .filter(|(_, r)| !r.detection.format.is_alerts())
        .filter_map(|(i, r)| {
            let offset = r
                .summary
                .offsets
                .iter()
                .max_by_key(|(o, n)| (**n, -**o))
                .map(|(o, _)| *o);
            Some(DatedSpan {
                display: r.display.clone(),
                access: r.detection.format.meaning() == Meaning::Requests,
                offset: offset.filter(|_| lend_offsets),
                folder: logs[*i].candidate.path.parent().map(Path::to_path_buf),
                runs: if lend_offsets {
                    r.summary.offset_runs.clone()
                } else {
                    Vec::new()
                },
                first: r.summary.first_time?,
                last: r.summary.last_time?,
            })
        })
        .collect()
}
