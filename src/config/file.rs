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
pub(crate) const FILE_NAME: &str = crate::discover::SETTINGS_FILE_NAME;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
/// What a `postmortem.toml` holds.
pub struct Settings {
    /// The zone of zone-less lines, for every file.
    pub tz: Option<String>,
    /// The year of year-less lines, for every file.
    pub year: Option<i32>,
    /// The availability objective, in percent.
    pub slo: Option<f64>,
    /// Width of the time bins (`30s`, `1m`…).
    pub bin: Option<String>,
    /// Evidence needed, in decades of likelihood ratio.
    pub sensitivity: Option<f64>,
    /// Count 4xx responses as failures too.
    pub count_4xx: Option<bool>,
    /// An nginx.conf to read `log_format`s from, relative to this file.
    pub nginx_conf: Option<String>,
    /// nginx `log_format` strings the access logs were written with.
    #[serde(default)]
    pub nginx_log_formats: Vec<String>,
    #[serde(default)]
    /// Rules for some files (`[[files]]`).
    pub files: Vec<FileSection>,
    /// Where it was read from (set after parsing).
    #[serde(skip)]
    pub path: Option<PathBuf>,
    /// The line of each top-level key (set after parsing), to credit values to.
    #[serde(skip)]
    pub key_lines: Vec<(String, usize)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
/// A `[[files]]` section: a glob and what to assume for the files it matches.
pub struct FileSection {
    /// Which files (a glob on the path as shown, or on the name).
    pub glob: String,
    /// Their format.
    pub format: Option<String>,
    /// Their zone.
    pub tz: Option<String>,
    /// Their year.
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
        settings.key_lines = top_level_key_lines(&text);
        settings.rules().map_err(|e| fail(e.to_string()))?;
        Ok(settings)
    }

    /// Where a top-level key was written: `postmortem.toml:3` (the file alone if unknown).
    pub fn origin(&self, key: &str) -> String {
        let path = self
            .path
            .as_deref()
            .map_or(FILE_NAME.to_string(), |p| p.display().to_string());
        match self.key_lines.iter().find(|(k, _)| k == key) {
            Some((_, line)) => format!("{path}:{line}"),
            None => path,
        }
    }

    /// The `[[files]]` sections as rules.
    pub fn rules(&self) -> Result<Vec<FileRule>, Error> {
        self.files
            .iter()
            .map(|f| {
                let mut rule = FileRule::new(&f.glob, FILE_NAME)?;
                rule.format = f.format.as_deref().map(parse_format).transpose()?;
                rule.zone = f.tz.as_deref().map(parse_zone).transpose()?;
                rule.year = f.year.map(check_year).transpose()?;
                Ok(rule)
            })
            .collect()
    }
}

/// The line of each `key = value` before the first table header: TOML's top-level keys.
fn top_level_key_lines(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_start();
        if line.starts_with('[') {
            break;
        }
        if let Some((key, _)) = line.split_once('=') {
            let key = key.trim().trim_matches('"');
            if !key.is_empty() && !key.starts_with('#') {
                out.push((key.to_string(), n + 1));
            }
        }
    }
    out
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
        .find(|p| std::fs::symlink_metadata(p).is_ok())
}

/// Files a settings file names are read whole: past this they are not a config.
pub(crate) const MAX_NAMED_FILE_BYTES: u64 = 4 << 20;

fn refuse(path: &Path, message: String) -> Error {
    Error::Config {
        path: path.display().to_string(),
        message,
    }
}

/// Checks a `postmortem.toml` found in a log folder (not given with `--config`): a symbolic
/// link is followed only with `--follow`. A log folder is data someone copied off a server;
/// a link in it may point anywhere.
pub(crate) fn check_found(path: &Path, explicit: bool, follow: bool) -> Result<(), Error> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link && !explicit && !follow {
        return Err(refuse(
            path,
            "a symbolic link, not followed without --follow (or give the file with --config)"
                .into(),
        ));
    }
    Ok(())
}

/// The file a setting names (`nginx_conf`), relative to the settings file's folder. From a
/// settings file found in a log folder it must stay inside that folder (no absolute path, no
/// `..` out of it, no link out of it); from any settings file it must be a regular file of a
/// sane size (not `/dev/zero`, a FIFO or a device).
pub(crate) fn named_file(base: &Path, given: &str, confined: bool) -> Result<PathBuf, Error> {
    let path = base.join(given);
    if confined {
        let named = Path::new(given);
        let escapes = named.is_absolute()
            || named
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir));
        if escapes {
            return Err(refuse(
                &path,
                format!(
                    "{given:?} is outside the log folder; give it with --nginx-conf or the settings with --config"
                ),
            ));
        }
        let inside = std::fs::canonicalize(&path)
            .ok()
            .zip(std::fs::canonicalize(base).ok())
            .is_some_and(|(p, b)| p.starts_with(b));
        if !inside {
            return Err(refuse(
                &path,
                "missing, or a link out of the log folder".into(),
            ));
        }
    }
    check_regular(&path)?;
    Ok(path)
}

/// A file read whole as settings: a regular file of a sane size, never a FIFO, a device or
/// `/dev/zero` (which would hang the run or fill memory).
pub(crate) fn check_regular(path: &Path) -> Result<(), Error> {
    let meta = std::fs::metadata(path).map_err(|e| refuse(path, e.to_string()))?;
    if !meta.is_file() {
        return Err(refuse(path, "not a regular file".into()));
    }
    if meta.len() > MAX_NAMED_FILE_BYTES {
        return Err(refuse(
            path,
            format!("{} bytes: too large for a settings file", meta.len()),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
