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
    /// The files and folders given.
    pub paths: Vec<PathBuf>,
    /// `ZONE` or `GLOB=ZONE`, repeated.
    pub tz: Vec<String>,
    /// `YYYY` or `GLOB=YYYY`, repeated.
    pub year: Vec<String>,
    /// `GLOB=FORMAT`, repeated.
    pub format: Vec<String>,
    /// `--nginx-log-format`, repeated.
    pub nginx_log_format: Vec<String>,
    /// `--nginx-conf`.
    pub nginx_conf: Option<PathBuf>,
    /// `--follow`.
    pub follow: bool,
    /// `--stdin-name`.
    pub stdin_name: Option<String>,
    /// `--config FILE`.
    pub config: Option<PathBuf>,
}

/// How the run detects, as given (`None`: the settings file's, else the default).
#[derive(Debug, Clone, Default)]
pub struct RawDetect {
    /// `--bin`.
    pub bin: Option<String>,
    /// `--slo`.
    pub slo: Option<f64>,
    /// `--sensitivity`.
    pub sensitivity: Option<f64>,
    /// `--count-4xx`.
    pub count_4xx: bool,
    /// `--chunk-size` (hidden).
    pub chunk_size: Option<usize>,
}

/// Where a value was given: a flag, or a line of the settings file. Errors about the value,
/// and the draft's account of it (the zone's "given with …"), name that place.
#[derive(Debug, Clone, PartialEq)]
enum Origin {
    Flag(&'static str),
    File(String),
}

impl Origin {
    fn credit<T>(&self, result: Result<T, Error>) -> Result<T, Error> {
        result.map_err(|e| match self {
            Origin::Flag(flag) => e.for_flag(flag),
            Origin::File(place) => e.at_origin(place),
        })
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Flag(flag) => f.write_str(flag),
            Origin::File(place) => f.write_str(place),
        }
    }
}

/// A run-wide value and where it was given, if it was.
type Given<T> = Option<(T, Origin)>;

/// The settings file (found or given) and the flags, merged into a validated `Config`.
pub fn resolve(read: &RawRead, detect: Option<&RawDetect>) -> Result<Config, Error> {
    let explicit = read.config.is_some();
    let settings = match file::find(read.config.as_deref(), &read.paths) {
        Some(path) => {
            let loaded = file::check_found(&path, explicit, read.follow)
                .and_then(|()| file::check_regular(&path))
                .and_then(|()| Settings::read(&path));
            loaded.map_err(Error::in_config_file)?
        }
        None => Settings::default(),
    };
    let mut config = Config::new(read.paths.clone());
    config.rules = settings.rules()?;
    let (zone, year) = rules_from_flags(read, &settings, &mut config)?;
    access_formats(read, &settings, explicit, &mut config)?;
    if let Some((year, origin)) = year {
        config = origin.credit(config.with_year(Some(year)))?;
        config.year_origin = Some(origin.to_string());
    }
    if let Some((tz, origin)) = &zone {
        config = origin.credit(config.with_zone(tz))?;
        config.zone_origin = Some(origin.to_string());
    }
    config.follow_links = read.follow;
    config.stdin_name = read.stdin_name.clone();
    // Neither a flag nor the settings file: `Config::new`'s default, which lives there only.
    if let Some(d) = detect {
        let given = |flag: &'static str, key: &'static str, by_flag: bool| match by_flag {
            true => Origin::Flag(flag),
            false => Origin::File(settings.origin(key)),
        };
        if let Some(bin) = d.bin.as_deref().or(settings.bin.as_deref()) {
            let origin = given("--bin", "bin", d.bin.is_some());
            config = origin.credit(config.with_bin(bin))?;
        }
        if let Some(slo) = d.slo.or(settings.slo) {
            let origin = given("--slo", "slo", d.slo.is_some());
            config = origin.credit(config.with_slo(slo))?;
        }
        if let Some(decades) = d.sensitivity.or(settings.sensitivity) {
            let origin = given("--sensitivity", "sensitivity", d.sensitivity.is_some());
            config = origin.credit(config.with_sensitivity(decades))?;
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
) -> Result<(Given<String>, Given<i32>), Error> {
    let mut zone = (settings.tz.clone()).map(|tz| (tz, Origin::File(settings.origin("tz"))));
    let mut year = settings
        .year
        .map(|y| (y, Origin::File(settings.origin("year"))));
    for text in &read.tz {
        match split_rule(text) {
            Some((glob, name)) => {
                let mut rule = Origin::Flag("--tz").credit(FileRule::new(glob, "--tz"))?;
                rule.zone = Some(parse_zone(name)?);
                config.rules.push(rule);
            }
            None => zone = Some((text.clone(), Origin::Flag("--tz"))),
        }
    }
    let flag = Origin::Flag("--year");
    for text in &read.year {
        let number = |t: &str| {
            let parsed = t.parse::<i32>();
            parsed.map_err(|_| Error::invalid("--year", text, "YYYY or GLOB=YYYY"))
        };
        match split_rule(text) {
            Some((glob, value)) => {
                let mut rule = flag.credit(FileRule::new(glob, "--year"))?;
                rule.year = Some(flag.credit(check_year(number(value)?))?);
                config.rules.push(rule);
            }
            None => year = Some((number(text)?, flag.clone())),
        }
    }
    let flag = Origin::Flag("--format");
    for text in &read.format {
        let (glob, name) = split_rule(text).ok_or_else(|| {
            Error::invalid(
                "--format",
                text,
                "GLOB=FORMAT, e.g. 'legacy/*.log=nginx_error'",
            )
        })?;
        let mut rule = flag.credit(FileRule::new(glob, "--format"))?;
        rule.format = Some(flag.credit(parse_format(name))?);
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
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&shown, e))?;
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
                .map_err(|why| Error::invalid("--nginx-log-format", text.clone(), why))?;
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
            Err(Error::InvalidValue { setting, .. }) if setting == "--format"
        ));
    }
}
