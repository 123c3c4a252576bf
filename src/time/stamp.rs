//! An instant as the draft's model keeps it: microseconds (never a string to be parsed back),
//! and the zone it is shown in. Formatting happens at the edge: serde writes RFC 3339 to the
//! second, in UTC (`2023-09-10T08:15:02Z`) or, once a display zone is set, in that zone with
//! its offset (`2023-09-10T10:15:02+02:00`).

use std::fmt;

use chrono::{SecondsFormat, TimeZone};
use chrono_tz::Tz;
use serde::{Serialize, Serializer};

use super::{MICROS_PER_SEC, Micros, to_naive};

/// A time of the model: an instant, and the zone it is shown in (`None`: UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// The instant, in microseconds since the epoch.
    pub micros: Micros,
    /// The zone it is shown in (`None`: UTC).
    pub zone: Option<Tz>,
}

impl Stamp {
    /// An instant shown in UTC.
    pub fn utc(micros: Micros) -> Stamp {
        Stamp { micros, zone: None }
    }

    /// The same instant, shown in `tz`.
    pub(crate) fn in_zone(self, tz: Tz) -> Stamp {
        Stamp {
            zone: Some(tz),
            ..self
        }
    }

    /// `2023-09-10 08:15:02 UTC` or `2023-09-10 10:15:02 +02:00`: a time for a sentence.
    pub fn when(&self) -> String {
        when_text(&self.to_string())
    }

    /// `2023-09-10`, the date in the zone it is shown in.
    pub fn date(&self) -> String {
        let text = self.to_string();
        text.get(..10).map_or(text.clone(), str::to_string)
    }

    /// `08:15:02`, in the zone it is shown in: for rows where the date is stated once above.
    pub fn clock(&self) -> String {
        let text = self.to_string();
        text.get(11..19).map_or(text.clone(), str::to_string)
    }

    /// A row's time: the clock, or `2023-09-10 08:15:02` when the rows run over several days.
    pub(crate) fn row_time(&self, dated: bool) -> String {
        let text = self.to_string();
        match dated {
            true => text
                .get(..19)
                .map_or(text.clone(), |t| t.replacen('T', " ", 1)),
            false => self.clock(),
        }
    }
}

/// A time written as RFC 3339, for a sentence: `2023-09-10 08:15:02 UTC`, or with its offset
/// (`2023-09-10 10:15:02 +02:00`). Templates, which see the model serialised, use it too.
pub fn when_text(time: &str) -> String {
    let spaced = time.replacen('T', " ", 1);
    match spaced.strip_suffix('Z') {
        Some(utc) => format!("{utc} UTC"),
        None => match (spaced.get(..19), spaced.get(19..)) {
            (Some(clock), Some(offset)) if !offset.is_empty() => format!("{clock} {offset}"),
            _ => spaced,
        },
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Shown to the second, the fraction dropped (floored, also before 1970).
        let whole = self.micros.div_euclid(MICROS_PER_SEC) * MICROS_PER_SEC;
        let Some(naive) = to_naive(whole) else {
            return write!(f, "@{}us", self.micros);
        };
        match self.zone {
            None => write!(f, "{}", naive.format("%Y-%m-%dT%H:%M:%SZ")),
            Some(tz) => {
                let local = tz.from_utc_datetime(&naive);
                f.write_str(&local.to_rfc3339_opts(SecondsFormat::Secs, true))
            }
        }
    }
}

/// A stamp equals the text it is shown as (`2023-09-10T08:15:02Z`): what a reader compares.
impl PartialEq<&str> for Stamp {
    fn eq(&self, other: &&str) -> bool {
        self.to_string().as_str() == *other
    }
}

impl Serialize for Stamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_and_a_display_zone_to_the_second() {
        // 2023-09-10T08:15:02.999999Z
        let t = Stamp::utc(1_694_333_702_999_999);
        assert_eq!(t.to_string(), "2023-09-10T08:15:02Z");
        assert_eq!(t.when(), "2023-09-10 08:15:02 UTC");
        assert_eq!(t.clock(), "08:15:02");
        let berlin = t.in_zone(chrono_tz::Europe::Berlin);
        assert_eq!(berlin.to_string(), "2023-09-10T10:15:02+02:00");
        assert_eq!(berlin.when(), "2023-09-10 10:15:02 +02:00");
        assert_eq!(berlin.clock(), "10:15:02");
        assert_eq!(berlin.micros, t.micros, "the instant is unchanged");
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2023-09-10T08:15:02Z\""
        );
    }

    #[test]
    fn before_1970_the_second_is_floored_and_out_of_range_says_so() {
        assert_eq!(Stamp::utc(-1).to_string(), "1969-12-31T23:59:59Z");
        assert_eq!(Stamp::utc(i64::MAX).to_string(), format!("@{}us", i64::MAX));
    }
}
