//! Time: every line ends up as one UTC instant (microseconds since the Unix epoch).
//!
//! Lines carry time in three shapes: with an offset (nginx access, RFC 3339), zone-less but
//! dated (nginx error), and zone-less *and* year-less (RFC 3164 syslog). The first is pure
//! arithmetic; the other two need a zone (`--tz`, default UTC) and, for syslog, a year
//! (see [`year`]). Civil→UTC conversion through chrono-tz is cached per local minute,
//! because a log holds many lines per minute and the zone rules only change on the hour.

pub mod stamp;
pub mod year;

use chrono::{NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

/// Microseconds since 1970-01-01T00:00:00Z.
pub type Micros = i64;

/// Microseconds in a second: times are microseconds since the epoch.
pub const MICROS_PER_SEC: i64 = 1_000_000;
/// Microseconds in a minute.
pub const MICROS_PER_MIN: i64 = 60 * MICROS_PER_SEC;

/// A wall-clock reading as written in a line, not yet tied to a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Civil {
    /// The year (four digits).
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u32,
    /// The day of the month, from 1.
    pub day: u32,
    /// The hour, 0 to 23.
    pub hour: u32,
    /// The minute.
    pub minute: u32,
    /// The second (60 for a leap second, as written).
    pub second: u32,
    /// Microseconds past the second.
    pub micros: u32,
}

impl Civil {
    /// Days in the given month, or 0 when the month is out of range.
    pub(crate) fn days_in_month(year: i32, month: u32) -> u32 {
        match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if is_leap(year) => 29,
            2 => 28,
            _ => 0,
        }
    }

    /// Whether the date exists (Feb 30 does not) and the clock is in range.
    pub fn is_valid(&self) -> bool {
        (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= Self::days_in_month(self.year, self.month)
            && self.hour < 24
            && self.minute < 60
            && self.second < 61 // a leap second is written as :60
            && self.micros < 1_000_000
    }

    /// Read as if it were UTC; `None` when the date does not exist (e.g. Feb 29 of 2023).
    pub fn as_utc(&self) -> Option<Micros> {
        if !self.is_valid() {
            return None;
        }
        let days = days_from_civil(self.year, self.month, self.day);
        let secs = days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second.min(59));
        Some(secs * MICROS_PER_SEC + i64::from(self.micros))
    }

    /// Read with a fixed offset east of UTC, in seconds (`+0200` is 7200).
    pub fn with_offset(&self, offset_secs: i32) -> Option<Micros> {
        self.as_utc()
            .map(|t| t - i64::from(offset_secs) * MICROS_PER_SEC)
    }
}

/// Whether `year` is a leap year in the proleptic Gregorian calendar.
pub(crate) fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm): plain
/// integer arithmetic, so the hot path never builds a chrono value.
pub(crate) fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The zone zone-less lines are read in: an IANA zone, or a fixed offset taken from sibling
/// files that carry one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// An IANA zone, with its daylight-saving rules.
    Named(Tz),
    /// Seconds east of UTC.
    Fixed(i32),
}

impl From<Tz> for Zone {
    fn from(tz: Tz) -> Self {
        Zone::Named(tz)
    }
}

impl Zone {
    /// The name shown: `Europe/Berlin`, or an offset such as `+02:00`.
    pub fn name(&self) -> String {
        match self {
            Zone::Named(tz) => tz.name().to_string(),
            Zone::Fixed(secs) => format_offset(*secs),
        }
    }
}

/// `+02:00`, `-07:00`, `+05:30`.
pub(crate) fn format_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    format!(
        "{sign}{:02}:{:02}",
        secs.abs() / 3600,
        secs.abs() % 3600 / 60
    )
}

/// Converts zone-less civil times to UTC in one zone, caching the offset of the last local
/// minute seen. Times in the spring-forward gap take the offset in force before it. Times in
/// the repeated hour when clocks go back are resolved by file order: the earlier instant,
/// until the file's local time jumps back into the hour (the second pass), then the later one.
/// [`ZoneConverter::last`] carries that order from one chunk of a file to the next.
#[derive(Debug, Clone)]
pub struct ZoneConverter {
    zone: Zone,
    cached_minute: i64,
    cached_offset: i32,
    /// The last instant returned: what "file order" means for the repeated hour.
    last: Option<Micros>,
}

/// A local time in the repeated hour whose earlier reading lies this far before the line
/// before it is read as the second pass (nginx and syslog write lines a few seconds late).
const FOLD_TOLERANCE: Micros = 5 * MICROS_PER_MIN;

impl ZoneConverter {
    /// A converter for times written in `zone`.
    pub fn new(zone: impl Into<Zone>) -> Self {
        Self {
            zone: zone.into(),
            cached_minute: i64::MIN,
            cached_offset: 0,
            last: None,
        }
    }

    /// The same converter, continuing after a line placed at `last`.
    pub fn after(mut self, last: Option<Micros>) -> Self {
        self.last = last;
        self
    }

    /// The zone it converts from.
    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// The last instant this converter returned.
    pub fn last(&self) -> Option<Micros> {
        self.last
    }

    /// The instant a zone-less time stands for; `None` when the zone has no such local time (the hour skipped when clocks go forward). In the repeated hour, file order decides.
    pub fn to_utc(&mut self, civil: &Civil) -> Option<Micros> {
        let as_utc = civil.as_utc()?;
        let local_minute = as_utc.div_euclid(MICROS_PER_MIN);
        if local_minute != self.cached_minute {
            let (offset, later) = self.offsets_at_local(civil)?;
            match later {
                Some(later) => {
                    // In the repeated hour: never cached, each line is judged by order.
                    let earlier_t = as_utc - i64::from(offset) * MICROS_PER_SEC;
                    let later_t = as_utc - i64::from(later) * MICROS_PER_SEC;
                    // The line before was later than this one's first reading, but not later
                    // than its second: the file has looped back into the hour.
                    let second_pass = self.last.is_some_and(|l| {
                        l > earlier_t + FOLD_TOLERANCE && l <= later_t + FOLD_TOLERANCE
                    });
                    let t = if second_pass { later_t } else { earlier_t };
                    self.last = Some(t);
                    return Some(t);
                }
                None => {
                    self.cached_offset = offset;
                    self.cached_minute = local_minute;
                }
            }
        }
        let t = as_utc - i64::from(self.cached_offset) * MICROS_PER_SEC;
        self.last = Some(t);
        Some(t)
    }

    /// The offset of a local time, and in the repeated hour also the later reading's offset.
    fn offsets_at_local(&self, civil: &Civil) -> Option<(i32, Option<i32>)> {
        let tz = match self.zone {
            Zone::Named(tz) => tz,
            Zone::Fixed(secs) => return Some((secs, None)),
        };
        let naive = NaiveDate::from_ymd_opt(civil.year, civil.month, civil.day)?.and_hms_opt(
            civil.hour,
            civil.minute,
            0,
        )?;
        let offsets = match tz.offset_from_local_datetime(&naive) {
            chrono::LocalResult::Single(o) => (o.fix().local_minus_utc(), None),
            chrono::LocalResult::Ambiguous(earlier, later) => (
                earlier.fix().local_minus_utc(),
                Some(later.fix().local_minus_utc()),
            ),
            chrono::LocalResult::None => {
                let before = naive - chrono::Duration::hours(3);
                let o = tz
                    .offset_from_local_datetime(&before)
                    .earliest()?
                    .fix()
                    .local_minus_utc();
                (o, None)
            }
        };
        Some(offsets)
    }

    /// Whether this zone ever changes its offset (a fixed offset or UTC never does).
    pub(crate) fn has_transitions(&self) -> bool {
        match self.zone {
            Zone::Fixed(_) => false,
            Zone::Named(tz) => {
                // Daylight saving, north or south, gives January and July different offsets.
                const JAN_2024: Micros = 1_704_067_200 * MICROS_PER_SEC;
                const JUL_2024: Micros = 1_719_792_000 * MICROS_PER_SEC;
                offset_at(tz, JAN_2024) != offset_at(tz, JUL_2024)
            }
        }
    }
}

/// Formats an instant as RFC 3339 in UTC with second precision (`2023-09-10T08:15:00Z`).
pub fn format_utc(t: Micros) -> String {
    match to_naive(t) {
        Some(dt) => dt.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        None => format!("@{t}us"),
    }
}

/// `08:15:02`, for timeline rows where the date is stated once above.
pub(crate) fn format_clock(t: Micros) -> String {
    match to_naive(t) {
        Some(dt) => dt.format("%H:%M:%S").to_string(),
        None => format!("@{t}us"),
    }
}

/// An instant as a date and time in UTC; `None` out of chrono's range.
pub fn to_naive(t: Micros) -> Option<NaiveDateTime> {
    chrono::DateTime::from_timestamp_micros(t).map(|dt| dt.naive_utc())
}

/// The UTC offset the zone has at an instant, in seconds.
pub fn offset_at(zone: Tz, t: Micros) -> i32 {
    match chrono::DateTime::from_timestamp_micros(t) {
        Some(dt) => zone
            .offset_from_utc_datetime(&dt.naive_utc())
            .fix()
            .local_minus_utc(),
        None => 0,
    }
}

/// Parses a `--bin`-style duration: `90s`, `1m`, `5m`, `1h`; a bare number is seconds.
pub(crate) fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    let (digits, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let n: i64 = digits.parse().ok()?;
    let secs = match unit {
        "s" => n,
        "m" | "min" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        _ => return None,
    };
    (secs > 0).then_some(secs)
}

#[cfg(test)]
mod tests;

/// A length of time for people: `30 s`, `2 min 42 s`, `3 h 15 min`, `24 d 6 h` (past two days,
/// days and hours: minutes no longer matter).
pub(crate) fn duration_text(seconds: i64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        (seconds % 86_400) / 3600,
        (seconds % 3600) / 60,
        seconds % 60,
    );
    match (d, h, m, s) {
        (0, 0, 0, s) => format!("{s} s"),
        (0, 0, m, 0) => format!("{m} min"),
        (0, 0, m, s) => format!("{m} min {s} s"),
        (0 | 1, h, m, _) => format!("{} h {m} min", d * 24 + h),
        (d, h, _, _) => format!("{d} d {h} h"),
    }
}
