//! Placing zone-less and year-less files in time: which zone (`--tz`, else the offset sibling
//! access logs are written with) and which year (`--year`, else the span of dated files, else
//! the modification time).
//!
//! A sibling is a file of the same folder, else of the same host: the same top folder of the
//! run as shown (`web-1/` for `web-1/nginx/error.log`). Never a file of another host's folder:
//! a 1995 access log copied in beside this week's logs must not move them by a zone or years.

use std::path::Path;

use serde::Serialize;

use super::report::{YearChoice, ZoneSource};
use super::sniff::{Sniff, system_time_micros};
use crate::config::Config;
use crate::config::rules::last_match;
use crate::time::year::{self, YearSource};
use crate::time::{Micros, Zone, ZoneConverter};

/// A file with full dates already read: where it is and what time it covers.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct DatedSpan {
    pub(crate) folder: Option<std::path::PathBuf>,
    pub(crate) display: String,
    pub(crate) first: Micros,
    pub(crate) last: Micros,
    /// The UTC offset most of its lines were written with, when they carry one.
    pub(crate) offset: Option<i32>,
    /// Access logs are written in the server's local time with its offset: the best witness
    /// of the zone. Other dated lines (RFC 5424 `Z`) may be UTC whatever the server's zone.
    pub(crate) access: bool,
    /// Its offsets in file order: (first time written with it, offset).
    pub(crate) runs: Vec<(Micros, i32)>,
}

/// The zone for a zone-less file: `--tz` if given; else the one offset that dated files in the
/// same folder (or, failing that, the whole run) agree on; else UTC.
pub(super) fn choose_zone(
    path: &Path,
    display: &str,
    config: &Config,
    dated: &[DatedSpan],
) -> (Zone, ZoneSource) {
    if let Some((tz, rule)) = last_match(&config.rules, display, path, |r| r.zone) {
        return (
            Zone::Named(tz),
            ZoneSource::Rule {
                given: rule.describe(),
            },
        );
    }
    if config.zone_given {
        let given = config
            .zone_origin
            .as_deref()
            .unwrap_or("the run's settings");
        let source = ZoneSource::Flag {
            given: given.to_string(),
        };
        return (Zone::Named(config.zone), source);
    }
    let with_offset: Vec<&DatedSpan> = dated.iter().filter(|d| d.offset.is_some()).collect();
    let pool = siblings(path, display, &with_offset);
    // Access logs first; other dated files only when no access log says.
    for witnesses in [true, false] {
        let group: Vec<&&DatedSpan> = pool.iter().filter(|d| d.access == witnesses).collect();
        // Every offset any witness wrote, daylight saving's second one included.
        let offsets: std::collections::BTreeSet<i32> = group
            .iter()
            .flat_map(|d| d.runs.iter().map(|(_, o)| *o).chain(d.offset))
            .collect();
        if let (1, Some(d)) = (offsets.len(), group.first()) {
            let offset = d.offset.unwrap_or(0);
            return (
                Zone::Fixed(offset),
                ZoneSource::SiblingOffset {
                    file: d.display.clone(),
                },
            );
        }
        if offsets.len() > 1
            && let Some((zone, source)) = zone_from_switches(&group)
        {
            return (zone, source);
        }
        if !offsets.is_empty() {
            break; // witnesses disagree: no guess
        }
    }
    (Zone::Named(config.zone), ZoneSource::Default)
}

/// The host a file belongs to, as shown: the run's top folder it is in (`web-1` for
/// `web-1/nginx/error.log`), or `None` for a file at the top of the run.
fn host_of(display: &str) -> Option<&str> {
    display.split_once('/').map(|(host, _)| host)
}

/// The dated files that may speak for the file at `path` (shown as `display`), nearest first:
/// those of its own folder; else, for a file in a host's folder, those of that host and then
/// those at the top of the run (where the run is one host's logs); for a file at the top, any
/// of the run. Never those of another host's folder.
fn siblings<'a>(path: &Path, display: &str, dated: &[&'a DatedSpan]) -> Vec<&'a DatedSpan> {
    let pick = |keep: &dyn Fn(&DatedSpan) -> bool| -> Vec<&'a DatedSpan> {
        dated.iter().copied().filter(|d| keep(d)).collect()
    };
    let same = pick(&|d| d.folder.as_deref() == path.parent());
    if !same.is_empty() {
        return same;
    }
    match host_of(display) {
        Some(host) => {
            let of_host = pick(&|d| host_of(&d.display) == Some(host));
            if of_host.is_empty() {
                pick(&|d| host_of(&d.display).is_none())
            } else {
                of_host
            }
        }
        None => dated.to_vec(),
    }
}

/// Zones commonly meant, preferred among zones with the same rules.
const PREFERRED_ZONES: [&str; 12] = [
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Europe/Helsinki",
    "Europe/Lisbon",
    "America/Sao_Paulo",
    "Pacific/Auckland",
    "America/Halifax",
];

/// The IANA zones that give every witness's offsets at the times it wrote them, including
/// the switch (the first line with a new offset, and the last with the old one before it).
fn zone_from_switches(witnesses: &[&&DatedSpan]) -> Option<(Zone, ZoneSource)> {
    let mut checks: Vec<(Micros, i32)> = Vec::new();
    for w in witnesses {
        if w.runs.len() >= crate::aggregate::MAX_OFFSET_RUNS {
            return None; // a mix of hosts, not one clock
        }
        checks.extend(w.runs.iter().copied());
        if let Some((_, last)) = w.runs.last() {
            checks.push((w.last, *last));
        }
        for pair in w.runs.windows(2) {
            // Just before the switch the old offset still held (within the minute).
            checks.push((pair[1].0 - 60 * crate::time::MICROS_PER_SEC, pair[0].1));
        }
    }
    let fits = |tz: &chrono_tz::Tz| {
        checks
            .iter()
            .all(|(t, o)| crate::time::offset_at(*tz, *t) == *o)
    };
    let mut candidates: Vec<&str> = chrono_tz::TZ_VARIANTS
        .iter()
        .filter(|tz| tz.name().contains('/') && !tz.name().starts_with("Etc/"))
        .filter(|tz| fits(tz))
        .map(|tz| tz.name())
        .collect();
    if candidates.is_empty() {
        return None;
    }
    candidates.sort_by_key(|n| {
        (
            PREFERRED_ZONES
                .iter()
                .position(|p| p == n)
                .unwrap_or(usize::MAX),
            *n,
        )
    });
    let chosen: chrono_tz::Tz = candidates[0].parse().ok()?;
    let file = witnesses
        .first()
        .map(|w| w.display.clone())
        .unwrap_or_default();
    Some((
        Zone::Named(chosen),
        ZoneSource::SiblingZone {
            file,
            candidates: candidates.iter().map(|c| c.to_string()).collect(),
        },
    ))
}

/// A span this long says nothing about which year a `Sep 10` line belongs to.
const MAX_ANCHOR_SPAN: Micros = 400 * 24 * 3600 * crate::time::MICROS_PER_SEC;

/// The span of the dated files that best speak for `path` (its [`siblings`]); `None` when they
/// cover too long a time to anchor a year.
fn anchor_span(path: &Path, display: &str, dated: &[DatedSpan]) -> Option<(Micros, Micros)> {
    let all: Vec<&DatedSpan> = dated.iter().collect();
    span_of(siblings(path, display, &all))
}

/// How near another host's dated files must come to a year-less file's first line to place it.
const SAME_DAYS: Micros = 24 * 3600 * crate::time::MICROS_PER_SEC;

/// The span of `dated`, when it is short enough to anchor a year.
fn span_of<'a>(dated: impl IntoIterator<Item = &'a DatedSpan>) -> Option<(Micros, Micros)> {
    let span = dated
        .into_iter()
        .map(|d| (d.first, d.last))
        .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))?;
    (span.1 - span.0 <= MAX_ANCHOR_SPAN).then_some(span)
}

/// Picks the base year of a year-less file from what is known before reading it.
pub(super) fn first_year_guess(
    sniff: &Sniff,
    config: &Config,
    dated: &[DatedSpan],
    zone: &mut ZoneConverter,
) -> YearChoice {
    let dated_span = anchor_span(&sniff.place, &sniff.candidate.display, dated);
    if let Some((year, _)) =
        last_match(&config.rules, &sniff.candidate.display, &sniff.place, |r| {
            r.year
        })
    {
        return YearChoice {
            year,
            source: YearSource::Rule,
        };
    }
    if let Some(year) = config.year {
        return YearChoice {
            year,
            source: YearSource::Flag {
                given: config
                    .year_origin
                    .clone()
                    .unwrap_or_else(|| "the run's settings".into()),
            },
        };
    }
    // A file that writes some lines with their year (HAProxy's requests around its year-less
    // notices) dates the rest by them, before any other clue.
    if let (Some(_), Some(year)) = (sniff.first_civil, sniff.dated_year) {
        return YearChoice {
            year,
            source: YearSource::OwnDatedLines,
        };
    }
    // A gzip header's MTIME is when the log was last written: copying does not reset it.
    if let (Some(civil), Some(written)) = (sniff.first_civil, sniff.gzip_mtime)
        && let Some(year) = year::latest_year_not_after(&civil, zone, written)
    {
        return YearChoice {
            year,
            source: YearSource::GzipHeader,
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
    // Another host's dated files speak only where they cover the very days this file's first
    // line names (the database host of the same outage); otherwise they are unrelated logs.
    if let (Some(civil), Some((start, end))) = (sniff.first_civil, span_of(dated))
        && let Some(year) = year::year_nearest_span(&civil, zone, start, end)
        && zone
            .to_utc(&crate::time::Civil { year, ..civil })
            .is_some_and(|t| t >= start - SAME_DAYS && t <= end + SAME_DAYS)
    {
        return YearChoice {
            year,
            source: YearSource::DatedFiles,
        };
    }
    if let (Some(civil), Some(mtime)) = (sniff.first_civil, sniff.modified)
        && let Some(year) = year::latest_year_not_after(&civil, zone, mtime)
    {
        // A stream's copy was written as it was read: its time says when, not when logged.
        let source = match sniff.from_stream {
            true => YearSource::StreamRead,
            false => YearSource::ModificationTime,
        };
        return YearChoice { year, source };
    }
    let now = system_time_micros(std::time::SystemTime::now()).unwrap_or(0);
    YearChoice {
        year: crate::time::to_naive(now).map_or(1970, |d| chrono::Datelike::year(&d)),
        source: YearSource::CurrentYear,
    }
}
