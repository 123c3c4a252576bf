//! The validated settings of a run. `main.rs` parses flags with clap into raw options; this is
//! what they become once zones are resolved and numbers checked, so the pipeline never sees
//! a string it has to validate.

pub mod file;
pub mod flags;
pub mod rules;
pub mod wire;

use std::path::PathBuf;

use chrono_tz::Tz;

use crate::error::Error;
use crate::read::DEFAULT_CHUNK_SIZE;
use crate::time::{MICROS_PER_SEC, Micros, parse_duration};

/// Evidence the detector needs to call an onset, in decades of likelihood ratio (10⁶ : 1),
/// unless `--sensitivity` says otherwise.
pub(crate) const DEFAULT_SENSITIVITY: f64 = 6.0;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
/// A run's settings, validated: what the pipeline and the detector read, and what a plan
/// carries to other machines as it is (see [`wire`]).
pub struct Config {
    /// The files and folders to read.
    pub paths: Vec<PathBuf>,
    /// The zone of zone-less lines (nginx error log, RFC 3164 syslog).
    #[serde(with = "wire::zone_name")]
    pub zone: Tz,
    /// Whether `zone` was given (`--tz`); otherwise siblings with offsets may decide.
    pub zone_given: bool,
    /// Where the run's zone was given (`--tz`, `postmortem.toml:3`), when it was.
    pub zone_origin: Option<String>,
    /// Where the run's year was given (`--year`, `postmortem.toml:4`), when it was.
    pub year_origin: Option<String>,
    /// The year of the first line of year-less files, when the user knows it.
    pub year: Option<i32>,
    /// Width of the time bins, in microseconds.
    pub bin_width: Micros,
    /// The availability objective, e.g. 0.999: sets how large an error-rate rise must be to
    /// count (see `detect`).
    pub slo: f64,
    /// Evidence needed to call an incident, in decades of likelihood ratio (see `detect`).
    pub sensitivity: f64,
    /// Count 4xx as failures (off by default: not an outage).
    pub count_client_errors: bool,
    /// Follow symbolic links while walking folders.
    pub follow_links: bool,
    /// How standard input (`-`) is shown (`<stdin>` unless named).
    pub stdin_name: Option<String>,
    /// Bytes per parallel chunk (results do not depend on it).
    pub chunk_size: usize,
    /// Custom nginx `log_format`s (`--nginx-log-format`, `--nginx-conf`) and which access
    /// log files use which.
    pub access_formats: crate::parse::log_format::NginxConf,
    /// Per-file format, zone and year corrections, in the order given (last wins).
    pub rules: Vec<rules::FileRule>,
    /// How far past the newest input's modification time a line's time may lie before it is
    /// disbelieved (skipped with the reason); one day by default.
    pub max_ahead: Micros,
    /// The part of the logs the run looks at (`draft --since/--until/--host`). Not in a
    /// plan: planning applies it (other hosts' files passed over, the window in the plan's
    /// sane times), and a partial must not apply it twice.
    #[serde(skip)]
    pub scope: Scope,
}

/// What the detector reads of a run's settings (`detect::Params`): a new detection setting is
/// a field here and its line in [`Params::of`], beside the `Config` field it comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// The availability objective, as a fraction (0.999).
    pub slo: f64,
    /// Evidence needed for an onset, in decades of likelihood ratio (default 6).
    pub evidence_decades: f64,
    /// Count 4xx responses as failures too (off: a client's mistake is not an outage).
    pub count_client_errors: bool,
}

impl Params {
    /// The defaults, with this objective.
    pub fn new(slo: f64) -> Self {
        Self {
            slo,
            evidence_decades: DEFAULT_SENSITIVITY,
            count_client_errors: false,
        }
    }

    /// The detector's settings in a run's `config`.
    pub fn of(config: &Config) -> Self {
        Self {
            slo: config.slo,
            evidence_decades: config.sensitivity,
            count_client_errors: config.count_client_errors,
        }
    }
}

/// The part of the logs a run looks at: a window of time and some hosts. Lines outside the
/// window are left out and counted apart (`lines_out_of_scope`); files of other hosts are not
/// read (passed over, with the reason).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    /// Lines before this instant are left out.
    pub since: Option<Micros>,
    /// Lines after this instant are left out.
    pub until: Option<Micros>,
    /// Globs over host names (a run's top folders: `web-1` for `web-1/nginx/access.log`);
    /// empty: every host.
    pub hosts: Vec<String>,
}

impl Config {
    /// The defaults for reading `paths`: every default lives here, and only here.
    pub fn new(paths: Vec<PathBuf>) -> Self {
        Self {
            paths,
            zone: chrono_tz::UTC,
            zone_given: false,
            zone_origin: None,
            year_origin: None,
            year: None,
            bin_width: 60 * MICROS_PER_SEC,
            slo: 0.999,
            sensitivity: DEFAULT_SENSITIVITY,
            count_client_errors: false,
            follow_links: false,
            stdin_name: None,
            chunk_size: DEFAULT_CHUNK_SIZE,
            access_formats: Default::default(),
            rules: Vec::new(),
            max_ahead: 24 * 3600 * MICROS_PER_SEC,
            scope: Scope::default(),
        }
    }

    /// Reads zone-less lines in `name` (an IANA zone).
    pub fn with_zone(mut self, name: &str) -> Result<Self, Error> {
        self.zone = name
            .parse::<Tz>()
            .map_err(|_| Error::UnknownZone(name.to_string()))?;
        self.zone_given = true;
        Ok(self)
    }

    /// Bins of this width: `30s`, `1m`, `5m`… (at most 24 h).
    pub(crate) fn with_bin(mut self, text: &str) -> Result<Self, Error> {
        let secs = parse_duration(text)
            .ok_or_else(|| Error::invalid("bin", text, "use a duration such as 30s, 1m or 5m"))?;
        if secs > 24 * 3600 {
            return Err(Error::invalid("bin", text, "at most 24h"));
        }
        self.bin_width = secs * MICROS_PER_SEC;
        Ok(self)
    }

    /// The availability objective, in percent (50 to 100, exclusive).
    pub(crate) fn with_slo(mut self, percent: f64) -> Result<Self, Error> {
        if !(50.0..100.0).contains(&percent) {
            return Err(Error::invalid(
                "slo",
                percent,
                "a percentage between 50 and 100 (exclusive), e.g. 99.9",
            ));
        }
        self.slo = percent / 100.0;
        Ok(self)
    }

    /// Evidence needed to call an incident, in decades of likelihood ratio (2 to 20).
    pub(crate) fn with_sensitivity(mut self, decades: f64) -> Result<Self, Error> {
        if !(2.0..=20.0).contains(&decades) {
            return Err(Error::invalid(
                "sensitivity",
                decades,
                "decades of evidence between 2 (jumpy) and 20 (deaf); default 6",
            ));
        }
        self.sensitivity = decades;
        Ok(self)
    }

    /// The year of year-less lines, for every file.
    pub fn with_year(mut self, year: Option<i32>) -> Result<Self, Error> {
        self.year = year.map(rules::check_year).transpose()?;
        Ok(self)
    }

    /// Bytes per parallel chunk (at least 1).
    pub fn with_chunk_size(mut self, bytes: usize) -> Self {
        self.chunk_size = bytes.max(1);
        self
    }
}

/// How far a run has got, for a progress bar: bytes of input read (plain files as they are
/// read, compressed files by their size on disk once done) out of the total on disk. Handed
/// to a run beside its `Config`, never inside it.
#[derive(Debug, Default)]
pub struct Progress {
    /// Bytes of input read so far.
    pub bytes_done: std::sync::atomic::AtomicU64,
    /// Bytes of input on disk.
    pub bytes_total: std::sync::atomic::AtomicU64,
    /// Files read so far.
    pub files_done: std::sync::atomic::AtomicU64,
    /// Files to read.
    pub files_total: std::sync::atomic::AtomicU64,
}
