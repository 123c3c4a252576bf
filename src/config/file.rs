//! `postmortem.toml`: a team's settings kept beside its logs (or given with `--config FILE`),
//! so the zone of the servers, the SLO and the odd file's format need not be retyped after
//! every incident. Flags given on the command line win over the file.
//!
//! ```toml
//! slo = 99.95
//! bin = "30s"
//! tz = "Europe/Berlin"          # zone-less lines, all files
//!
//! [[files]]
//! glob = "legacy/*.log"
//! format = "nginx_error"
//! tz = "America/New_York"
//! year = 2023
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::rules::{FileRule, check_year, parse_format, parse_zone};
use crate::error::Error;

/// The name looked for in each folder given.
pub const FILE_NAME: &str = "postmortem.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub tz: Option<String>,
    pub year: Option<i32>,
    pub slo: Option<f64>,
    pub bin: Option<String>,
    pub sensitivity: Option<f64>,
    pub count_4xx: Option<bool>,
    /// An nginx.conf to read `log_format`s from, relative to this file.
    pub nginx_conf: Option<String>,
    /// nginx `log_format` strings the access logs were written with.
    #[serde(default)]
    pub nginx_log_formats: Vec<String>,
    #[serde(default)]
    pub files: Vec<FileSection>,
    /// Where it was read from (set after parsing).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSection {
    pub glob: String,
    pub format: Option<String>,
    pub tz: Option<String>,
    pub year: Option<i32>,
}

impl Settings {
    /// Reads and checks a settings file; errors name the file (and the line, for TOML errors).
    pub fn read(path: &Path) -> Result<Settings, Error> {
        let shown = path.display().to_string();
        let fail = |message: String| Error::Config {
            path: shown.clone(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        let mut settings: Settings = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            let message = e.message().to_string();
            match line {
                Some(l) => Error::Config {
                    path: format!("{shown}:{l}"),
                    message,
                },
                None => fail(message),
            }
        })?;
        settings.path = Some(path.to_path_buf());
        settings.rules().map_err(|e| fail(e.to_string()))?;
        Ok(settings)
    }

    /// The `[[files]]` sections as rules.
    pub fn rules(&self) -> Result<Vec<FileRule>, Error> {
        self.files
            .iter()
            .map(|f| {
                let mut rule = FileRule::new(&f.glob, FILE_NAME)?;
                rule.format = f.format.as_deref().map(parse_format).transpose()?;
                rule.zone = f.tz.as_deref().map(parse_zone).transpose()?;
                rule.year = f.year.map(|y| check_year(y, "year")).transpose()?;
                Ok(rule)
            })
            .collect()
    }
}

/// `--config FILE` if given, else the first `postmortem.toml` directly inside a folder given.
pub fn find(explicit: Option<&Path>, inputs: &[PathBuf]) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    inputs
        .iter()
        .filter(|p| p.is_dir())
        .map(|p| p.join(FILE_NAME))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests;
