//! Years for year-less lines (RFC 3164 syslog writes `Sep 10 08:15:02`).
//!
//! A file's *base year* is the year of its first dated line; later lines step forward a year
//! at New Year (see [`YearTracker`]), and one out-of-order line is skew, not a New Year. The base year comes from,
//! in order: `--year`; files with full dates read in the same run (the year that puts this
//! file's first line nearest their span, since copying logs resets modification times); the
//! file's modification time (the largest year that puts the last line at or before it).

use super::{Civil, Micros, ZoneConverter};

/// Lines step forward at most this many months at a time (more only after a second line
/// agrees): a log that writes every day or week never jumps further.
pub(crate) const MAX_STEP_MONTHS: u32 = 3;

/// Hands out years to successive year-less lines of one file, in file order.
///
/// A line up to [`MAX_STEP_MONTHS`] ahead moves the file on (through New Year when its month
/// is smaller: Dec → Jan, Oct → Jan); one a month back is a late line (Jan → Dec is last
/// year's). Any other jump is believed only when the next line agrees: one `Feb 10` line in a
/// September syslog is skew, skipped with a reason, and the rest of the file keeps its year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearTracker {
    /// The year of the lines being read.
    pub year: i32,
    /// The month of the last line read.
    pub last_month: Option<u32>,
    /// A far jump seen on one line, waiting for a second line to confirm it.
    pending: Option<u32>,
    /// Where the lines were (year, month) before the last line stepped two or three months
    /// ahead: if the next line is back there, that line was a stray and the file keeps its year.
    before_jump: Option<(i32, u32)>,
}

impl YearTracker {
    /// A tracker starting in `year`.
    pub fn new(year: i32) -> Self {
        Self {
            year,
            last_month: None,
            pending: None,
            before_jump: None,
        }
    }

    /// The year of a line written in `month`; `None` when the line jumps too far from the
    /// lines around it to be believed (skew).
    pub fn year_for(&mut self, month: u32) -> Option<i32> {
        self.place(month, false)
    }

    /// `trusted`: the jump is real whatever its size (two months many lines apart).
    fn place(&mut self, month: u32, trusted: bool) -> Option<i32> {
        let Some(last) = self.last_month else {
            self.last_month = Some(month);
            return Some(self.year);
        };
        let ahead = (month + 12 - last) % 12;
        let before_jump = self.before_jump.take();
        if ahead == 0 {
            self.pending = None;
            return Some(self.year);
        }
        // Back in the month the lines were in before one line jumped ahead (`Dec 25` among
        // `Sep 10` lines): that line was skew, and the file keeps its year.
        if let Some((year, before)) = before_jump
            && before == month
            && !trusted
        {
            self.year = year;
            self.last_month = Some(month);
            self.pending = None;
            return Some(year);
        }
        if trusted || ahead <= MAX_STEP_MONTHS || self.pending == Some(month) {
            let prior = (self.year, last);
            let year = self.step_to(month, last);
            if !trusted && ahead >= 2 {
                self.before_jump = Some(prior);
            }
            return Some(year);
        }
        if ahead == 11 {
            // A late line from the month before (across New Year: last year's).
            return Some(if month > last {
                self.year - 1
            } else {
                self.year
            });
        }
        self.pending = Some(month);
        None
    }

    fn step_to(&mut self, month: u32, last: u32) -> i32 {
        if month < last {
            self.year += 1;
        }
        self.last_month = Some(month);
        self.pending = None;
        self.year
    }

    /// Where a tracker stands after lines whose first and last months are known, without
    /// reading the lines between: used to start chunks that are parsed in parallel. When two
    /// lines at the chunk's end agree on `last_month` (`settled`), a far jump to it is real;
    /// one line alone may be a stray, and is placed like any line.
    pub(crate) fn skip_over(&mut self, first_month: u32, last_month: u32, settled: bool) {
        let _ = self.place(first_month, false);
        if settled {
            let _ = self.place(last_month, true);
        } else if last_month != first_month {
            let _ = self.place(last_month, false);
        }
    }
}

/// How a base year was chosen; shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum YearSource {
    /// Given for the whole run: `given` says where (`--year`, `postmortem.toml:4`).
    Flag {
        /// Where it was given.
        given: String,
    },
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
    /// Read from standard input or a pipe, which has no modification time: the largest year
    /// placing the last line at or before the moment it was read.
    StreamRead,
    /// The year the file's own fully dated lines carry: HAProxy's requests around its
    /// year-less syslog notices (`Proxy www started.`).
    OwnDatedLines,
}

impl YearSource {
    /// How the year was chosen, in words.
    pub(crate) fn describe(&self) -> String {
        let text = match self {
            YearSource::Flag { given } => return format!("given with {given}"),
            YearSource::DatedFiles => "nearest to the span of the files with full dates",
            YearSource::ModificationTime => "last line at or before the file's modification time",
            YearSource::CurrentYear => "no other clue: the current year",
            YearSource::GzipHeader => "last line at or before the time in the gzip header",
            YearSource::Rule => "given for these files (--year GLOB=YYYY or postmortem.toml)",
            YearSource::OwnDatedLines => "the year of the file's own fully dated lines",
            YearSource::StreamRead => {
                "read from a stream, which has no date: the latest year that puts its last line before it was read"
            }
        };
        text.to_string()
    }
}

/// The largest year in which `civil` (its year ignored) read in the converter's zone falls at
/// or before `limit`. Looks back up to eight years so that Feb 29 finds a leap year.
pub(crate) fn latest_year_not_after(
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
pub(crate) fn year_nearest_span(
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
