//! Years for year-less lines (RFC 3164 syslog writes `Sep 10 08:15:02`).
//!
//! A file's *base year* is the year of its first dated line; later lines step forward a year
//! each time the month jumps back by more than six months (Dec → Jan), so small backwards
//! jumps from out-of-order writers are not mistaken for New Year. The base year comes from,
//! in order: `--year`; files with full dates read in the same run (the year that puts this
//! file's first line nearest their span, since copying logs resets modification times); the
//! file's modification time (the largest year that puts the last line at or before it).

use super::{Civil, Micros, ZoneConverter};

/// A month this far *back* from the previous line's month means a new year began.
pub const ROLLOVER_MONTHS_BACK: u32 = 6;

/// True when `month` after `previous` means the year moved on (Dec → Jan, Nov → Feb).
pub fn is_rollover(previous: u32, month: u32) -> bool {
    month + ROLLOVER_MONTHS_BACK < previous
}

/// Hands out years to successive year-less lines of one file, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearTracker {
    pub year: i32,
    pub last_month: Option<u32>,
}

impl YearTracker {
    pub fn new(year: i32) -> Self {
        Self {
            year,
            last_month: None,
        }
    }

    /// The year of a line written in `month`, advancing past New Year when needed.
    pub fn year_for(&mut self, month: u32) -> i32 {
        if let Some(previous) = self.last_month
            && is_rollover(previous, month)
        {
            self.year += 1;
        }
        self.last_month = Some(month);
        self.year
    }

    /// Where a tracker stands after lines whose first and last months are known, without
    /// reading the lines between: used to start chunks that are parsed in parallel.
    pub fn skip_over(&mut self, first_month: u32, last_month: u32) {
        self.year_for(first_month);
        self.year_for(last_month);
    }
}

/// How a base year was chosen; shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum YearSource {
    /// Given with `--year`.
    Flag,
    /// The year placing the file nearest to files with full dates read in the same run.
    DatedFiles,
    /// The largest year placing the last line at or before the file's modification time.
    ModificationTime,
    /// Nothing to go on: the current year.
    CurrentYear,
    /// The largest year placing the last line at or before the gzip header's MTIME (when the
    /// file was compressed; copying does not change it).
    GzipHeader,
    /// Given for these files: `--year GLOB=YYYY` or a `[[files]]` section of the config file.
    #[serde(rename = "glob")]
    Rule,
}

impl YearSource {
    pub fn describe(&self) -> &'static str {
        match self {
            YearSource::Flag => "given with --year",
            YearSource::DatedFiles => "nearest to the span of the files with full dates",
            YearSource::ModificationTime => "last line at or before the file's modification time",
            YearSource::CurrentYear => "no other clue: the current year",
            YearSource::GzipHeader => "last line at or before the time in the gzip header",
            YearSource::Rule => "given for these files (--year GLOB=YYYY or postmortem.toml)",
        }
    }
}

/// The largest year in which `civil` (its year ignored) read in the converter's zone falls at
/// or before `limit`. Looks back up to eight years so that Feb 29 finds a leap year.
pub fn latest_year_not_after(
    civil: &Civil,
    zone: &mut ZoneConverter,
    limit: Micros,
) -> Option<i32> {
    let limit_year = super::to_naive(limit).map(|dt| chrono::Datelike::year(&dt))?;
    (limit_year - 8..=limit_year + 1).rev().find(|&year| {
        let candidate = Civil { year, ..*civil };
        zone.to_utc(&candidate).is_some_and(|t| t <= limit)
    })
}

/// The year (from the years around the span's end) that puts `civil` nearest to the span
/// `[start, end]` of files with full dates; inside the span counts as distance zero.
pub fn year_nearest_span(
    civil: &Civil,
    zone: &mut ZoneConverter,
    start: Micros,
    end: Micros,
) -> Option<i32> {
    let end_year = super::to_naive(end).map(|dt| chrono::Datelike::year(&dt))?;
    let start_year = super::to_naive(start).map(|dt| chrono::Datelike::year(&dt))?;
    (start_year - 1..=end_year + 1)
        .filter_map(|year| {
            let t = zone.to_utc(&Civil { year, ..*civil })?;
            let distance = if t < start {
                start - t
            } else if t > end {
                t - end
            } else {
                0
            };
            Some((distance, year))
        })
        .min()
        .map(|(_, year)| year)
}
