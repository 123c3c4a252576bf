//! Package changes: `/var/log/dpkg.log` and `/var/log/apt/history.log`. Both write local time
//! without a zone. A package installed, upgraded or removed during an incident is an action.
//!
//! dpkg.log: `2023-09-10 08:14:05 upgrade nginx:amd64 1.18.0-6 1.18.0-6.1` (also `status`,
//! `configure`, `trigproc`, `startup` lines, which are read but are not actions).
//! history.log: records of `Start-Date:`, `Commandline:`, `Requested-By:`, `Upgrade:`… lines.

use super::common::kept_text;
use super::entry::{Change, Entry, When};
use super::spec::Format;
use super::spec::{FormatSpec, Meaning};

use super::common::{local_date_time, spaces};
use crate::time::Civil;

#[derive(Debug, Clone, PartialEq)]
/// A line of `dpkg.log`.
pub struct DpkgLine<'a> {
    /// Its local time.
    pub civil: Civil,
    /// `install`, `upgrade`, `remove`, `purge`, `status`, `configure`, `trigproc`, `startup`.
    pub action: &'a [u8],
    /// The package, for changes.
    pub package: Option<&'a [u8]>,
    /// The version before.
    pub old_version: Option<&'a [u8]>,
    /// The version after.
    pub new_version: Option<&'a [u8]>,
}

impl DpkgLine<'_> {
    /// Whether the line records a package change (not a status step).
    pub(crate) fn is_change(&self) -> bool {
        matches!(self.action, b"install" | b"upgrade" | b"remove" | b"purge")
    }
}

/// `2023-09-10 08:14:05` (one or two spaces between date and time in history.log).
fn local_time(input: &[u8]) -> Option<(&[u8], Civil)> {
    local_date_time(input, b'-')
}

const DPKG_ACTIONS: [&[u8]; 8] = [
    b"install",
    b"upgrade",
    b"remove",
    b"purge",
    b"status",
    b"configure",
    b"trigproc",
    b"startup",
];

/// Reads a line of `dpkg.log`.
pub fn parse_dpkg(line: &[u8]) -> Option<DpkgLine<'_>> {
    let (rest, civil) = local_time(line)?;
    let (rest, _) = spaces(rest).ok()?;
    let mut words = rest.split(|&b| b == b' ').filter(|w| !w.is_empty());
    let action = words.next()?;
    if !DPKG_ACTIONS.contains(&action) {
        return None;
    }
    let (package, old_version, new_version) = if action == b"status" {
        let _state = words.next();
        (words.next(), None, words.next())
    } else {
        (
            words.next(),
            words.next().filter(|v| *v != b"<none>"),
            words.next().filter(|v| *v != b"<none>"),
        )
    };
    Some(DpkgLine {
        civil,
        action,
        package,
        old_version,
        new_version,
    })
}

#[derive(Debug, Clone, PartialEq)]
/// A line of apt's `history.log`.
pub enum HistoryLine<'a> {
    /// `Start-Date:`: a record begins.
    Start(Civil),
    /// `Commandline: apt-get install nginx`
    Commandline(&'a [u8]),
    /// `Requested-By: alice (1000)`: the user's name.
    RequestedBy(&'a [u8]),
    /// Any other `Key: value` line of a record (`Upgrade:`, `Install:`, `End-Date:`…).
    Other,
}

/// Reads a line of apt's `history.log`.
pub fn parse_history(line: &[u8]) -> Option<HistoryLine<'_>> {
    let colon = memchr::memchr(b':', line)?;
    let key = &line[..colon];
    if key.is_empty() || !key.iter().all(|b| b.is_ascii_alphabetic() || *b == b'-') {
        return None;
    }
    let value = line[colon + 1..].trim_ascii();
    Some(match key {
        b"Start-Date" => HistoryLine::Start(local_time(value)?.1),
        b"Commandline" => HistoryLine::Commandline(value),
        b"Requested-By" => {
            HistoryLine::RequestedBy(value.split(|&b| b == b' ').next().unwrap_or(value))
        }
        b"End-Date" | b"Install" | b"Upgrade" | b"Remove" | b"Purge" | b"Downgrade"
        | b"Reinstall" | b"Error" => HistoryLine::Other,
        _ => return None,
    })
}

/// A line of `dpkg.log`, as an [`Entry`]: every line is timed, installs and upgrades are
/// changes.
pub(crate) fn read_dpkg(line: &[u8]) -> Entry<'_> {
    let Some(d) = parse_dpkg(line) else {
        return Entry::Unreadable("not a dpkg log line");
    };
    let change = d.is_change().then(|| {
        let version = match (d.old_version, d.new_version) {
            (Some(old), Some(new)) => format!(" {} → {}", kept_text(old), kept_text(new)),
            (None, Some(new)) => format!(" {}", kept_text(new)),
            _ => String::new(),
        };
        let subject = d.package.map(kept_text);
        let text = format!(
            "dpkg {} {}{version}",
            kept_text(d.action),
            subject.clone().unwrap_or_default()
        );
        Change { text, subject }
    });
    Entry::Package(When::Local(d.civil), change)
}

/// A line of apt's `history.log`, as an [`Entry`] of a multi-line record.
pub(crate) fn read_history(line: &[u8]) -> Entry<'_> {
    match parse_history(line) {
        None => Entry::Unreadable("not an apt history line"),
        Some(HistoryLine::Start(civil)) => Entry::RecordStart(civil),
        Some(HistoryLine::Commandline(command)) => Entry::RecordChange(Change {
            text: format!("apt: {}", kept_text(command)),
            subject: None,
        }),
        Some(HistoryLine::RequestedBy(user)) => Entry::RecordActor(user),
        Some(HistoryLine::Other) => Entry::RecordOther,
    }
}

/// `/var/log/dpkg.log`.
pub(crate) const DPKG: FormatSpec = FormatSpec {
    format: Format::Dpkg,
    name: "dpkg log",
    meaning: Meaning::Changes,
    zone_less: true,
    every_line_has_offset: false,
    accepts: |line| parse_dpkg(line).is_some(),
    read: read_dpkg,
    documents: None,
};

/// `/var/log/apt/history.log`.
pub(crate) const APT_HISTORY: FormatSpec = FormatSpec {
    format: Format::AptHistory,
    name: "apt history",
    meaning: Meaning::Changes,
    zone_less: true,
    every_line_has_offset: false,
    accepts: |line| parse_history(line).is_some(),
    read: read_history,
    documents: None,
};

#[cfg(test)]
mod tests;
