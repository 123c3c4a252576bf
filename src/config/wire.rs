//! A run's settings as a plan carries them to `postmortem partial` and `merge`, on other
//! machines: the [`Config`] itself, validated values and not the flags, so that a settings
//! file or an `nginx.conf` read where the plan was made need not be there too, and every
//! origin (`postmortem.toml:3`) reads as it did. What is read back is checked again.

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::Config;
use super::rules::{FileRule, parse_zone};
use crate::error::Error;
use crate::parse::Format;

impl Config {
    /// The settings as read from a plan, each checked as its flag is: a plan is written by
    /// anyone (`bin_width = i64::MAX` exhausted memory, `slo = 1e308` put `inf` in the chart).
    /// Values are kept as written (a percentage's round trip would move the last digit of
    /// `slo`, and the merge would differ from the draft).
    pub fn checked(self) -> Result<Config, Error> {
        let bin_seconds = self.bin_width / crate::time::MICROS_PER_SEC;
        if self.bin_width % crate::time::MICROS_PER_SEC != 0 || bin_seconds < 1 {
            return Err(Error::invalid(
                "bin",
                self.bin_width,
                "whole seconds, at least 1s",
            ));
        }
        let (slo, sensitivity) = (self.slo, self.sensitivity);
        let mut c = (self.with_bin(&format!("{bin_seconds}s"))?)
            .with_slo(slo * 100.0)?
            .with_sensitivity(sensitivity)?;
        c.slo = slo;
        let year = c.year;
        c = c.with_year(year)?;
        if !(0..=366 * 24 * 3600 * crate::time::MICROS_PER_SEC).contains(&c.max_ahead) {
            return Err(Error::invalid("max_ahead", c.max_ahead, "at most a year"));
        }
        // A plan is an input too: a chunk no larger than the reader's own cap on a line.
        c.chunk_size = c.chunk_size.clamp(4096, 1 << 30);
        Ok(c)
    }
}

/// A zone as its IANA name.
pub(super) mod zone_name {
    use super::*;

    pub fn serialize<S: serde::Serializer>(zone: &Tz, to: S) -> Result<S::Ok, S::Error> {
        to.serialize_str(zone.name())
    }

    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(from: D) -> Result<Tz, D::Error> {
        let name = String::deserialize(from)?;
        parse_zone(&name).map_err(serde::de::Error::custom)
    }
}

/// A per-file rule (`--tz GLOB=ZONE`…) as written: read back, its glob is compiled and its
/// zone and year checked again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct RuleText {
    pattern: String,
    format: Option<Format>,
    zone: Option<String>,
    year: Option<i32>,
    origin: String,
}

impl From<FileRule> for RuleText {
    fn from(r: FileRule) -> Self {
        RuleText {
            zone: r.zone.map(|z| z.name().to_string()),
            pattern: r.pattern,
            format: r.format,
            year: r.year,
            origin: r.origin,
        }
    }
}

impl TryFrom<RuleText> for FileRule {
    type Error = Error;

    fn try_from(r: RuleText) -> Result<FileRule, Error> {
        let mut rule = FileRule::new(&r.pattern, &r.origin)?;
        rule.format = r.format;
        rule.zone = r.zone.as_deref().map(parse_zone).transpose()?;
        rule.year = r.year.map(super::rules::check_year).transpose()?;
        Ok(rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_survive_a_round_trip_through_json() {
        let mut c = Config::new(vec!["logs".into()])
            .with_zone("Europe/Berlin")
            .unwrap()
            .with_bin("30s")
            .unwrap()
            .with_slo(99.95)
            .unwrap();
        let mut rule = FileRule::new("web-2/*", "--tz").unwrap();
        rule.zone = Some(parse_zone("America/New_York").unwrap());
        c.rules.push(rule);
        let json = serde_json::to_string(&c).unwrap();
        let back: Config = serde_json::from_str(&json).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
        let again = back.checked().unwrap();
        assert_eq!(again.zone, chrono_tz::Europe::Berlin);
        assert_eq!(again.bin_width, 30_000_000);
        assert_eq!(again.slo, 0.9995);
        assert_eq!(again.rules.len(), 1);
        assert!(again.rules[0].matches("web-2/access.log", std::path::Path::new("x")));
        assert_eq!(again.rules[0].zone, Some(chrono_tz::America::New_York));
    }
}
