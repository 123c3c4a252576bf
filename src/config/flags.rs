//! Flags as given (`RawRead`, `RawDetect`: what clap parsed, nothing checked) and the settings
//! file, merged into one validated [`Config`] (ripgrep's `LowArgs` -> `HiArgs`). Flags win
//! over `postmortem.toml`; defaults live in `Config::new` only. Testable without the binary.

use std::path::{Path, PathBuf};

use super::Config;
use super::file::{self, Settings};
use super::rules::{FileRule, check_year, parse_format, parse_zone, split_rule};
use crate::error::Error;

/// What every reading subcommand reads, and how to place it in time, as given.
#[derive(Debug, Clone, Default)]
pub struct RawRead {
    pub paths: Vec<PathBuf>,
    /// `ZONE` or `GLOB=ZONE`, repeated.
    pub tz: Vec<String>,
    /// `YYYY` or `GLOB=YYYY`, repeated.
    pub year: Vec<String>,
    /// `GLOB=FORMAT`, repeated.
    pub format: Vec<String>,
    pub nginx_log_format: Vec<String>,
    pub nginx_conf: Option<PathBuf>,
    pub follow: bool,
    /// `--config FILE`.
    pub config: Option<PathBuf>,
}

/// How the run detects, as given (`None`: the settings file's, else the default).
#[derive(Debug, Clone, Default)]
pub struct RawDetect {
    pub bin: Option<String>,
    pub slo: Option<f64>,
    pub sensitivity: Option<f64>,
    pub count_4xx: bool,
    pub chunk_size: Option<usize>,
}

/// The settings file (found or given) and the flags, merged into a validated `Config`.
pub fn resolve(read: &RawRead, detect: Option<&RawDetect>) -> Result<Config, Error> {
    let explicit = read.config.is_some();
    let settings = match file::find(read.config.as_deref(), &read.paths) {
        Some(path) => {
            file::check_found(&path, explicit, read.follow)?;
            file::check_regular(&path)?;
            Settings::read(&path)?
        }
        None => Settings::default(),
    };
    let mut config = Config::new(read.paths.clone());
    config.rules = settings.rules()?;
    let (zone, year) = rules_from_flags(read, &settings, &mut config)?;
    access_formats(read, &settings, explicit, &mut config)?;
    config = config.with_year(year)?;
    if let Some(tz) = &zone {
        config = config.with_zone(tz)?;
    }
    config.follow_links = read.follow;
    // Neither a flag nor the settings file: `Config::new`'s default, which lives there only.
    if let Some(d) = detect {
        if let Some(bin) = d.bin.as_deref().or(settings.bin.as_deref()) {
            config = config.with_bin(bin)?;
        }
        if let Some(slo) = d.slo.or(settings.slo) {
            config = config.with_slo(slo)?;
        }
        if let Some(decades) = d.sensitivity.or(settings.sensitivity) {
            config = config.with_sensitivity(decades)?;
        }
        config.count_client_errors = d.count_4xx || settings.count_4xx.unwrap_or(false);
        if let Some(size) = d.chunk_size {
            config = config.with_chunk_size(size);
        }
    }
    Ok(config)
}

/// `--tz`, `--year` and `--format`: `GLOB=VALUE` adds a rule, a bare value sets the run's
/// (over the settings file's). Returns the run's zone and year.
fn rules_from_flags(
    read: &RawRead,
    settings: &Settings,
    config: &mut Config,
) -> Result<(Option<String>, Option<i32>), Error> {
    let mut zone = settings.tz.clone();
    let mut year = settings.year;
    for text in &read.tz {
        match split_rule(text) {
            Some((glob, name)) => {
                let mut rule = FileRule::new(glob, "--tz")?;
                rule.zone = Some(parse_zone(name)?);
                config.rules.push(rule);
            }
            None => zone = Some(text.clone()),
        }
    }
    for text in &read.year {
        let number = |t: &str| {
            t.parse::<i32>().map_err(|_| Error::InvalidFlag {
                flag: "--year",
                value: text.clone(),
                why: "YYYY or GLOB=YYYY".into(),
            })
        };
        match split_rule(text) {
            Some((glob, value)) => {
                let mut rule = FileRule::new(glob, "--year")?;
                rule.year = Some(check_year(number(value)?, "--year")?);
                config.rules.push(rule);
            }
            None => year = Some(number(text)?),
        }
    }
    for text in &read.format {
        let (glob, name) = split_rule(text).ok_or_else(|| Error::InvalidFlag {
            flag: "--format",
            value: text.clone(),
            why: "GLOB=FORMAT, e.g. 'legacy/*.log=nginx_error'".into(),
        })?;
        let mut rule = FileRule::new(glob, "--format")?;
        rule.format = Some(parse_format(name)?);
        config.rules.push(rule);
    }
    Ok((zone, year))
}

/// Access-log formats: an nginx.conf (`--nginx-conf`, or the settings file's `nginx_conf`,
/// confined to its folder when the file was found there), then `log_format` strings.
fn access_formats(
    read: &RawRead,
    settings: &Settings,
    explicit: bool,
    config: &mut Config,
) -> Result<(), Error> {
    let conf = match (
        &read.nginx_conf,
        &settings.nginx_conf,
        settings.path.as_deref(),
    ) {
        (Some(flag), _, _) => Some(flag.clone()),
        (None, Some(named), Some(found)) => {
            let base = found.parent().unwrap_or(Path::new("."));
            Some(file::named_file(base, named, !explicit)?)
        }
        _ => None,
    };
    if let Some(path) = conf {
        file::check_regular(&path)?;
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&shown, &e))?;
        config.access_formats =
            crate::parse::log_format::read_conf(&text, &shown).map_err(|message| {
                Error::Config {
                    path: shown.clone(),
                    message,
                }
            })?;
    }
    let formats = settings
        .nginx_log_formats
        .iter()
        .chain(&read.nginx_log_format);
    for (n, text) in formats.enumerate() {
        let name = format!("custom-{}", n + 1);
        let format =
            crate::parse::log_format::LogFormat::compile(&name, text, "--nginx-log-format")
                .map_err(|why| Error::InvalidFlag {
                    flag: "--nginx-log-format",
                    value: text.clone(),
                    why,
                })?;
        config.access_formats.add(format);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_become_rules_or_run_settings_and_defaults_stay_config_news() {
        let dir = tempfile::tempdir().unwrap();
        let read = RawRead {
            paths: vec![dir.path().to_path_buf()],
            tz: vec!["web-2/*=America/New_York".into(), "Europe/Berlin".into()],
            year: vec!["2023".into()],
            ..RawRead::default()
        };
        let config = resolve(&read, Some(&RawDetect::default())).unwrap();
        let defaults = Config::new(vec![]);
        assert_eq!(config.zone, chrono_tz::Europe::Berlin);
        assert_eq!(config.year, Some(2023));
        assert_eq!(config.rules.len(), 1);
        assert_eq!(config.bin_width, defaults.bin_width);
        assert_eq!(config.slo, defaults.slo);
        assert_eq!(config.sensitivity, defaults.sensitivity);
        let bad = RawRead {
            paths: vec![dir.path().to_path_buf()],
            format: vec!["no-equals-sign".into()],
            ..RawRead::default()
        };
        assert!(matches!(
            resolve(&bad, None),
            Err(Error::InvalidFlag {
                flag: "--format",
                ..
            })
        ));
    }
}
