//! A run's settings as a plan carries them to `postmortem partial` and `merge`, on other
//! machines: the validated values, not the flags, so that a settings file or an `nginx.conf`
//! read where the plan was made need not be there too, and every origin (`postmortem.toml:3`)
//! reads as it did.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::Config;
use super::rules::{FileRule, parse_zone};
use crate::error::Error;
use crate::parse::Format;
use crate::parse::log_format::NginxConf;
use crate::time::Micros;

/// A per-file rule (`--tz GLOB=ZONE`…), as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSettings {
    /// The glob.
    pub pattern: String,
    /// The format it gives.
    pub format: Option<Format>,
    /// The zone it gives (an IANA name).
    pub zone: Option<String>,
    /// The year it gives.
    pub year: Option<i32>,
    /// Where it was given.
    pub origin: String,
}

/// Everything of a [`Config`] that reading and detecting depend on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanSettings {
    /// The paths the plan was made from.
    pub paths: Vec<PathBuf>,
    /// The run's zone for zone-less lines.
    pub zone: String,
    /// Whether it was given.
    pub zone_given: bool,
    /// Where it was given.
    pub zone_origin: Option<String>,
    /// Where the year was given.
    pub year_origin: Option<String>,
    /// The year of year-less lines, when given.
    pub year: Option<i32>,
    /// Bin width, microseconds.
    pub bin_width: Micros,
    /// The availability objective (0.999).
    pub slo: f64,
    /// Evidence needed, in decades.
    pub sensitivity: f64,
    /// 4xx counted as failures.
    pub count_client_errors: bool,
    /// Symbolic links followed.
    pub follow_links: bool,
    /// The name of standard input.
    pub stdin_name: Option<String>,
    /// Bytes per chunk.
    pub chunk_size: usize,
    /// Custom nginx `log_format`s.
    pub access_formats: NginxConf,
    /// Per-file rules, in order.
    pub rules: Vec<RuleSettings>,
    /// How far past the newest modification time a line may lie.
    pub max_ahead: Micros,
}

impl From<&Config> for PlanSettings {
    fn from(c: &Config) -> Self {
        PlanSettings {
            paths: c.paths.clone(),
            zone: c.zone.name().to_string(),
            zone_given: c.zone_given,
            zone_origin: c.zone_origin.clone(),
            year_origin: c.year_origin.clone(),
            year: c.year,
            bin_width: c.bin_width,
            slo: c.slo,
            sensitivity: c.sensitivity,
            count_client_errors: c.count_client_errors,
            follow_links: c.follow_links,
            stdin_name: c.stdin_name.clone(),
            chunk_size: c.chunk_size,
            access_formats: c.access_formats.clone(),
            rules: c
                .rules
                .iter()
                .map(|r| RuleSettings {
                    pattern: r.pattern.clone(),
                    format: r.format,
                    zone: r.zone.map(|z| z.name().to_string()),
                    year: r.year,
                    origin: r.origin.clone(),
                })
                .collect(),
            max_ahead: c.max_ahead,
        }
    }
}

impl PlanSettings {
    /// The settings as a [`Config`] again (globs compiled, zones looked up).
    /// Every setting is checked as its flag is: a plan is written by anyone (`bin_width =
    /// i64::MAX` exhausted memory, `slo = 1e308` put `inf` in the chart).
    pub fn to_config(&self) -> Result<Config, Error> {
        let mut c = Config::new(self.paths.clone());
        c.zone = parse_zone(&self.zone)?;
        c.zone_given = self.zone_given;
        c.zone_origin = self.zone_origin.clone();
        c.year_origin = self.year_origin.clone();
        c = c.with_year(self.year)?;
        let bin_seconds = self.bin_width / crate::time::MICROS_PER_SEC;
        if self.bin_width % crate::time::MICROS_PER_SEC != 0 || bin_seconds < 1 {
            return Err(Error::invalid(
                "bin",
                self.bin_width,
                "whole seconds, at least 1s",
            ));
        }
        c = c.with_bin(&format!("{bin_seconds}s"))?;
        // Checked as `--slo` is, and kept as written (a percentage's round trip would move
        // the last digit, and the merge would differ from the draft).
        c = c.with_slo(self.slo * 100.0)?;
        c.slo = self.slo;
        c = c.with_sensitivity(self.sensitivity)?;
        if !(0..=366 * 24 * 3600 * crate::time::MICROS_PER_SEC).contains(&self.max_ahead) {
            return Err(Error::invalid(
                "max_ahead",
                self.max_ahead,
                "at most a year",
            ));
        }
        c.count_client_errors = self.count_client_errors;
        c.follow_links = self.follow_links;
        c.stdin_name = self.stdin_name.clone();
        // A plan is an input too: a chunk no larger than the reader's own cap on a line.
        c.chunk_size = self.chunk_size.clamp(4096, 1 << 30);
        c.access_formats = self.access_formats.clone();
        c.max_ahead = self.max_ahead;
        for r in &self.rules {
            let mut rule = FileRule::new(&r.pattern, &r.origin)?;
            rule.format = r.format;
            rule.zone = r.zone.as_deref().map(parse_zone).transpose()?;
            rule.year = r.year.map(crate::config::rules::check_year).transpose()?;
            c.rules.push(rule);
        }
        Ok(c)
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
        let settings = PlanSettings::from(&c);
        let json = serde_json::to_string(&settings).unwrap();
        let back: PlanSettings = serde_json::from_str(&json).unwrap();
        assert_eq!(back, settings);
        let again = back.to_config().unwrap();
        assert_eq!(again.zone, chrono_tz::Europe::Berlin);
        assert_eq!(again.bin_width, 30_000_000);
        assert_eq!(again.slo, 0.9995);
        assert_eq!(again.rules.len(), 1);
        assert!(again.rules[0].matches("web-2/access.log", std::path::Path::new("x")));
        assert_eq!(again.rules[0].zone, Some(chrono_tz::America::New_York));
    }
}
