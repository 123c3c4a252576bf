//! Per-file corrections: `--format GLOB=FORMAT`, `--tz GLOB=ZONE`, `--year GLOB=YYYY`, or the
//! `[[files]]` sections of `postmortem.toml`. Detection guesses; the person who copied the logs
//! knows, and must be able to say so for just the files it got wrong.
//!
//! A glob without `/` matches the file name (`*.log`), one with `/` the path as shown (relative
//! to the folder given: `web-1/nginx/*`). When several rules say the same thing about a file,
//! the last one given wins: flags come after the config file, so flags win.

use std::path::Path;

use chrono_tz::Tz;
use globset::{Glob, GlobMatcher};

use crate::error::Error;
use crate::parse::Format;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(into = "super::wire::RuleText", try_from = "super::wire::RuleText")]
/// What to assume for the files a glob matches: a format, a zone, a year.
pub struct FileRule {
    /// The glob as written, shown in `scan` and the draft.
    pub pattern: String,
    matcher: GlobMatcher,
    on_path: bool,
    /// Their format.
    pub format: Option<Format>,
    /// Their zone.
    pub zone: Option<Tz>,
    /// Their year.
    pub year: Option<i32>,
    /// Where it was given: `--tz`, `postmortem.toml`…
    pub origin: String,
}

impl FileRule {
    /// A rule for files matching `pattern`, given at `origin` (`--tz`, `postmortem.toml`).
    pub fn new(pattern: &str, origin: &str) -> Result<FileRule, Error> {
        let glob = Glob::new(pattern)
            .map_err(|e| Error::invalid("glob", pattern, e.kind().to_string()))?;
        Ok(FileRule {
            pattern: pattern.to_string(),
            matcher: glob.compile_matcher(),
            on_path: pattern.contains('/'),
            format: None,
            zone: None,
            year: None,
            origin: origin.to_string(),
        })
    }

    /// Whether the rule is about the file shown as `display` (found at `path`).
    pub fn matches(&self, display: &str, path: &Path) -> bool {
        if self.on_path {
            self.matcher.is_match(display) || self.matcher.is_match(path)
        } else {
            let name = Path::new(display)
                .file_name()
                .or_else(|| path.file_name())
                .unwrap_or_default();
            self.matcher.is_match(name)
        }
    }

    /// `--tz web-2/*`: where it was given, and for which files.
    pub(crate) fn describe(&self) -> String {
        format!("{} {}", self.origin, self.pattern)
    }
}

/// The last rule about `display` that sets what `pick` reads.
pub(crate) fn last_match<'a, T>(
    rules: &'a [FileRule],
    display: &str,
    path: &Path,
    pick: impl Fn(&FileRule) -> Option<T>,
) -> Option<(T, &'a FileRule)> {
    rules
        .iter()
        .rev()
        .filter(|r| r.matches(display, path))
        .find_map(|r| pick(r).map(|v| (v, r)))
}

/// Splits `GLOB=VALUE`; `None` when there is no `=` (a run-wide value).
pub(crate) fn split_rule(text: &str) -> Option<(&str, &str)> {
    text.rsplit_once('=')
        .filter(|(glob, value)| !glob.is_empty() && !value.is_empty())
}

/// Reads a format's name (see [`Format::from_name`]).
pub(crate) fn parse_format(name: &str) -> Result<Format, Error> {
    Format::from_name(name).ok_or_else(|| {
        let names: Vec<String> = Format::all().map(|f| f.id()).collect();
        Error::invalid("format", name, format!("one of {}", names.join(", ")))
    })
}

/// Reads an IANA zone name.
pub fn parse_zone(name: &str) -> Result<Tz, Error> {
    name.parse::<Tz>()
        .map_err(|_| Error::UnknownZone(name.to_string()))
}

/// A year between 1970 and 9999.
pub(crate) fn check_year(year: i32) -> Result<i32, Error> {
    if (1970..=9999).contains(&year) {
        Ok(year)
    } else {
        Err(Error::invalid("year", year, "a year between 1970 and 9999"))
    }
}

#[cfg(test)]
mod tests;
