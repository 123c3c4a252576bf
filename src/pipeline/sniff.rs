//! Sniffing: each candidate opened once, its format decided, the facts its placement needs
//! (first year-less time, modification times, head hashes) kept for the read that follows.

use std::path::Path;

use rayon::prelude::*;

use super::report::Analysis;
use crate::config::Config;
use crate::config::rules::last_match;
use crate::discover::{Candidate, Passed};
use crate::error::Error;
use crate::parse::{self, Detection, Sniffed};
use crate::read::{self, Compression};
use crate::time::{Civil, Micros};

/// A file to read, as sniffed.
#[derive(Debug, Clone)]
pub(crate) struct Sniff {
    pub(crate) candidate: Candidate,
    /// Where it lies among its siblings (see [`Candidate::place`]).
    pub(crate) place: std::path::PathBuf,
    pub(crate) compression: Compression,
    pub(crate) detection: Detection,
    pub(crate) first_civil: Option<Civil>,
    /// For a year-less file, the year of the first line of its sample written with a full
    /// date, if one is.
    pub(crate) dated_year: Option<i32>,
    pub(crate) modified: Option<Micros>,
    pub(crate) gzip_mtime: Option<Micros>,
    /// The times its lines may carry: set for the run once every file is sniffed.
    pub(crate) sane: crate::aggregate::SaneTimes,
    /// How its lines are read: the format, with its head's declarations (W3C, CSV) or the
    /// custom `log_format` they are written in.
    pub(crate) reader: crate::parse::reader::FileReader,
    /// Hashes of its first lines: two files with the same head hold one source's lines.
    pub(crate) head: Vec<u64>,
    /// Read from standard input or a pipe: its copy's modification time is when it was read.
    pub(crate) from_stream: bool,
}

pub(super) fn system_time_micros(t: std::time::SystemTime) -> Option<Micros> {
    let d = t.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(d.as_micros()).ok()
}

/// What sniffing a candidate found.
enum Found {
    Log(Box<Sniff>),
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
                let standing_in =
                    Candidate::standing_in(export, candidate.display, Some(candidate.path));
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
        Ok(s) => Found::Log(Box::new(s)),
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
    let dated_year = match detection.year_less {
        true => read::lines(&opened.sample).find_map(|l| parse::dated_year(detection.format, l)),
        false => None,
    };
    let log_format =
        (detection.log_format.as_ref()).and_then(|name| config.access_formats.named(name));
    let reader = parse::reader::FileReader::for_file(detection.format, &opened.sample, log_format);
    Ok(Sniff {
        dated_year,
        head: head_hashes(&opened.sample, opened.complete),
        from_stream: candidate.spool.is_some(),
        reader,
        compression: opened.compression,
        detection,
        first_civil,
        modified: opened.modified.and_then(system_time_micros),
        gzip_mtime: opened.gzip_mtime.and_then(system_time_micros),
        sane: Default::default(),
        place: candidate.place(),
        candidate,
    })
}

/// Sniffs every candidate, in parallel. Archives (`.tar`, `.tar.gz`…) stand for their
/// members, sniffed in a second round (members are never archives themselves: nested
/// archives are not opened). What is not a log goes to `analysis` with its reason.
pub(super) fn sniff_all(
    candidates: Vec<Candidate>,
    config: &Config,
    analysis: &mut Analysis,
) -> Vec<Sniff> {
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
                Found::Log(s) => logs.push(*s),
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

/// The times lines may carry in this run: from 1990 to `config.max_ahead` past the newest
/// modification time of any input (unbounded when no input has a believable one).
pub(super) fn sane_times(logs: &[Sniff], config: &Config) -> crate::aggregate::SaneTimes {
    let newest = logs
        .iter()
        .filter_map(|s| s.modified)
        .filter(|&m| m > crate::aggregate::EARLIEST_SANE)
        .max();
    crate::aggregate::SaneTimes {
        earliest: crate::aggregate::EARLIEST_SANE,
        latest: newest.map_or(Micros::MAX, |m| m.saturating_add(config.max_ahead)),
        scope: (
            config.scope.since.unwrap_or(Micros::MIN),
            config.scope.until.unwrap_or(Micros::MAX),
        ),
    }
}

/// How many first lines two files must share, in order, to be taken as copies of one source.
/// One or two lines can agree by chance (the same health check, in the same second, written
/// by two hosts behind one balancer); four in a row, time stamps and all, do not.
const HEAD_LINES: usize = 4;

/// Hashes of a file's first [`HEAD_LINES`] complete, non-blank lines (fewer: no head).
pub(super) fn head_hashes(sample: &[u8], complete: bool) -> Vec<u64> {
    let usable = match complete {
        true => sample,
        false => memchr::memrchr(b'\n', sample).map_or(&sample[..0], |i| &sample[..i]),
    };
    let head: Vec<u64> = crate::read::lines(usable)
        .map(crate::parse::common::strip_cr)
        .filter(|l| !l.trim_ascii().is_empty())
        .take(HEAD_LINES)
        .map(crate::aggregate::chunk::line_hash)
        .collect();
    match head.len() {
        HEAD_LINES => head,
        _ => Vec::new(),
    }
}
