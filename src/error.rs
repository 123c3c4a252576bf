//! One error type for the whole pipeline. Variants carry the path (and line) they concern, so
//! every message printed reads `path: …` or `path:line: …` and a user can go and look.

use std::sync::Arc;

use thiserror::Error;

/// Everything that can go wrong, each with the path (and line) it concerns. Operating-system
/// errors are kept whole as the `source` (shared, so the error stays cheap to clone).
#[derive(Debug, Error, Clone)]
pub enum Error {
    /// The operating system refused a read (permission, a vanished file, a device error).
    #[error("{path}: {source}")]
    Io {
        /// The file, as shown.
        path: String,
        /// What the operating system said.
        #[source]
        source: Arc<std::io::Error>,
    },

    /// Part of an input was left out, on purpose and said why (an alert file past its cap,
    /// an archive cut short, a symbolic link loop).
    #[error("{path}: {message}")]
    Partial {
        /// The file, as shown.
        path: String,
        /// What was left out, and why.
        message: String,
    },

    /// Reading stopped part-way (a truncated or corrupt `.gz`): what came before is kept.
    #[error("{path}: read stopped after line {line}: {source}")]
    ReadStopped {
        /// The file, as shown.
        path: String,
        /// The last line read whole.
        line: u64,
        /// The error that stopped the read.
        #[source]
        source: Arc<std::io::Error>,
    },

    /// The file changed under the reader (truncated, replaced, removed): lines may be lost.
    #[error("{path}: {message} (after line {line})")]
    ChangedWhileRead {
        /// The file, as shown.
        path: String,
        /// The last line read.
        line: u64,
        /// What changed.
        message: String,
    },

    /// A line that breaks the file it is in (an alert document that is not JSON).
    #[error("{path}:{line}: {message}")]
    BadLine {
        /// The file, as shown.
        path: String,
        /// The line, from 1.
        line: u64,
        /// What is wrong with it.
        message: String,
    },

    /// A zone name that is not in the IANA database.
    #[error("unknown time zone {name:?} ({hint})", name = .0, hint = zone_hint(.0))]
    UnknownZone(String),

    /// A value that does not hold. `setting` names it as the user wrote it: a flag
    /// (`--slo`), or a key (`slo`) with `origin` the settings file's `path:line`.
    #[error("{}invalid {setting} value {value:?}: {why}", at(.origin))]
    InvalidValue {
        /// The flag or the key.
        setting: String,
        /// The value as given.
        value: String,
        /// What a valid value looks like.
        why: String,
        /// Where a value from a file was written (`postmortem.toml:3`).
        origin: Option<String>,
    },

    /// Nothing in the paths given was a log file: each one passed over says why.
    #[error("no log files found in {paths}{}", reasons(.passed_over))]
    NoInput {
        /// The paths given.
        paths: String,
        /// `path: why` for what was passed over (the first few).
        passed_over: Vec<String>,
    },

    /// An output could not be written.
    #[error("writing {path}: {message}")]
    Output {
        /// Where it was to go.
        path: String,
        /// Why it could not.
        message: String,
    },

    /// A template that does not render (`--template`).
    #[error("{path}:{line}: template: {message}")]
    Template {
        /// The template file.
        path: String,
        /// The line the template engine names.
        line: u64,
        /// What it said.
        message: String,
    },

    /// A problem another process met (`postmortem partial`), as it worded it: a merge reports
    /// it exactly as a single run would have.
    #[error("{0}")]
    Carried(String),

    /// A plan, or a partial summary, that cannot be used with the others: another plan,
    /// another version, damaged bytes.
    #[error("{path}: {message}")]
    Plan {
        /// The plan or partial file.
        path: String,
        /// What is wrong.
        message: String,
    },

    /// A settings file (or a file it names) that cannot be used.
    #[error("{path}: {message}")]
    Config {
        /// The file, or `file:line`.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// What to write instead of a zone that is not an IANA name: for a fixed offset
/// (`+02:00`, `UTC+2`), the `Etc/GMT` zone with its inverted sign (`Etc/GMT-2`).
fn zone_hint(name: &str) -> String {
    let general = "use an IANA name such as Europe/Berlin";
    let rest = name
        .trim()
        .trim_start_matches("UTC")
        .trim_start_matches("GMT");
    let Some((sign, digits)) = rest
        .strip_prefix('+')
        .map(|d| ('-', d))
        .or_else(|| rest.strip_prefix('-').map(|d| ('+', d)))
    else {
        return general.to_string();
    };
    let (hours, minutes) = digits.split_once(':').unwrap_or((digits, "00"));
    match (hours.parse::<u8>(), minutes.parse::<u8>()) {
        (Ok(0), Ok(0)) => "a fixed offset: write UTC".to_string(),
        (Ok(h @ 1..=14), Ok(0)) => {
            format!(
                "a fixed offset: write Etc/GMT{sign}{h} (POSIX inverts the sign), or the place's IANA name"
            )
        }
        (Ok(_), Ok(_)) => format!(
            "a fixed offset with minutes has no Etc/GMT zone: {general} (Asia/Kolkata for +05:30)"
        ),
        _ => general.to_string(),
    }
}

/// The reasons files were passed over, one per line under the message.
fn reasons(passed_over: &[String]) -> String {
    passed_over
        .iter()
        .map(|r| format!("\n  {}", crate::name::plain(r)))
        .collect()
}

/// `path:line: ` before a message about a value read from a file; nothing for a flag.
fn at(origin: &Option<String>) -> String {
    origin.as_ref().map_or(String::new(), |o| format!("{o}: "))
}

impl Error {
    /// A value that does not hold, named by its setting (`bin`, `slo`): the caller says where
    /// it came from with [`Error::for_flag`] or [`Error::at_origin`].
    pub fn invalid(setting: &str, value: impl ToString, why: impl Into<String>) -> Error {
        Error::InvalidValue {
            setting: setting.to_string(),
            value: value.to_string(),
            why: why.into(),
            origin: None,
        }
    }

    /// A problem with the settings file itself, said to be about the settings file (a missing
    /// `--config x.toml` is "config file x.toml: No such file…", not a log that is missing).
    pub(crate) fn in_config_file(self) -> Error {
        match self {
            Error::Config { path, message } if !path.starts_with("config file ") => Error::Config {
                path: format!("config file {path}"),
                message,
            },
            Error::Io { path, source } => Error::Config {
                path: format!("config file {path}"),
                message: source.to_string(),
            },
            other => other,
        }
    }

    /// The value came from this command-line flag.
    pub fn for_flag(self, flag: &str) -> Error {
        match self {
            Error::InvalidValue {
                value, why, origin, ..
            } => Error::InvalidValue {
                setting: flag.to_string(),
                value,
                why,
                origin,
            },
            other => other,
        }
    }

    /// The value came from a file, at `origin` (`postmortem.toml:3`).
    pub(crate) fn at_origin(self, place: &str) -> Error {
        match self {
            Error::InvalidValue {
                setting,
                value,
                why,
                ..
            } => Error::InvalidValue {
                setting,
                value,
                why,
                origin: Some(place.to_string()),
            },
            other => other,
        }
    }

    /// An operating-system error on `path`, kept whole.
    pub fn io(path: &str, err: std::io::Error) -> Error {
        Error::Io {
            path: path.to_string(),
            source: Arc::new(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operating_system_error_is_kept_as_the_source() {
        let denied = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        let e = Error::io("logs/auth.log", denied);
        assert_eq!(e.to_string(), "logs/auth.log: denied");
        let source = std::error::Error::source(&e).expect("a source");
        let io = source
            .downcast_ref::<Arc<std::io::Error>>()
            .expect("the io::Error, shared");
        assert_eq!(io.kind(), std::io::ErrorKind::PermissionDenied);
    }

    /// `--display-tz +02:00` was refused with "use an IANA name" alone.
    #[test]
    fn a_fixed_offset_is_answered_with_its_etc_zone() {
        let said = |z: &str| Error::UnknownZone(z.into()).to_string();
        assert!(said("+02:00").contains("Etc/GMT-2"), "{}", said("+02:00"));
        assert!(said("UTC-5").contains("Etc/GMT+5"), "{}", said("UTC-5"));
        assert!(
            said("+05:30").contains("Asia/Kolkata"),
            "{}",
            said("+05:30")
        );
        assert!(said("+00:00").contains("write UTC"), "{}", said("+00:00"));
        assert!(
            said("Mars/Olympus").contains("Europe/Berlin"),
            "{}",
            said("Mars/Olympus")
        );
        // The zones named really exist.
        assert!(parse_zone_name("Etc/GMT-2"));
    }

    fn parse_zone_name(name: &str) -> bool {
        name.parse::<chrono_tz::Tz>().is_ok()
    }

    #[test]
    fn a_value_is_named_by_where_it_was_given() {
        let e = Error::invalid("slo", 120, "between 50 and 100");
        assert_eq!(
            e.clone().for_flag("--slo").to_string(),
            "invalid --slo value \"120\": between 50 and 100"
        );
        assert_eq!(
            e.at_origin("postmortem.toml:3").to_string(),
            "postmortem.toml:3: invalid slo value \"120\": between 50 and 100"
        );
    }
}
