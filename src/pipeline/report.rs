//! What the read stage hands on: each file's report (what it was read as, how it was placed
//! in time, what it held) and the run's `Analysis`. Data only, at the bottom of the folder:
//! every step of the reading fills it in, and the stages after reading take it.

use serde::Serialize;

use crate::aggregate::{Event, LineRef, Summary};
use crate::discover::Passed;
use crate::error::Error;
use crate::parse::Detection;
use crate::read::Compression;
use crate::time::Micros;
use crate::time::year::YearSource;

/// How a year-less file was placed in time.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct YearChoice {
    /// The year.
    pub year: i32,
    /// How it was chosen.
    pub source: YearSource,
}

/// One file of the run: what it was read as, and what it held.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file, as shown.
    pub display: String,
    /// What it was read as, and why.
    pub detection: Detection,
    /// How it was compressed.
    pub compression: Compression,
    /// The zone assumed for zone-less lines, when the format has them, and why.
    pub zone: Option<String>,
    /// How the zone was chosen.
    pub zone_source: Option<ZoneSource>,
    /// The year of its year-less lines, and how it was chosen.
    pub year: Option<YearChoice>,
    /// What it held.
    pub summary: Summary,
    /// Problems met reading it.
    pub errors: Vec<Error>,
    /// Set when the file holds the same bytes as an earlier one: it is not counted again.
    pub duplicate_of: Option<String>,
    /// Its place in a rotation family of two or more pieces.
    pub rotation: Option<Rotation>,
    /// The file it holds part of (a backup of its first lines): those lines count once.
    pub copy_of: Option<PartialCopy>,
}

#[derive(Debug, Default)]
/// Everything the read stage learnt, for the stages after it.
pub struct Analysis {
    /// Every file read, in discovery order.
    pub files: Vec<FileReport>,
    /// What discovery and the sniffer passed over, with reasons.
    pub passed_over: Vec<Passed>,
    /// Problems that stopped a file, or part of it; the run went on.
    pub errors: Vec<Error>,
    /// Width of the time bins, in microseconds.
    pub bin_width: Micros,
    /// The run's zone for zone-less lines (`UTC` unless given).
    pub zone: String,
    /// Things the user asked for that had no effect, such as a `--tz` glob matching no file.
    pub warnings: Vec<String>,
    /// The part of the logs the run was asked to look at.
    pub scope: crate::config::Scope,
}

impl Analysis {
    /// Every kept event of every file, in time order (ties by file, then line).
    pub fn events(&self) -> Vec<&Event> {
        let mut all: Vec<&Event> = self.files.iter().flat_map(|f| &f.summary.events).collect();
        all.sort_by_key(|e| (e.time, e.source));
        all
    }

    /// `file:line` of a kept line.
    pub fn display(&self, source: LineRef) -> String {
        match self.files.get(source.file) {
            Some(f) => format!("{}:{}", f.display, source.line),
            None => format!("?:{}", source.line),
        }
    }
}

/// How the zone of a zone-less file was chosen; shown to the user.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum ZoneSource {
    /// Given for the whole run: `given` says where (`--tz`, `postmortem.toml:3`).
    Flag {
        /// `--tz`, or `postmortem.toml:LINE`.
        given: String,
    },
    /// The offset that files with offsets in the same folder (or the run) were written with.
    SiblingOffset {
        /// The sibling whose offset was used.
        file: String,
    },
    /// Nothing to go on: `--tz`'s default, UTC.
    Default,
    /// Given for these files: `--tz GLOB=ZONE` or a `[[files]]` section of the config file.
    #[serde(rename = "glob")]
    Rule {
        /// The rule, and where it was given.
        given: String,
    },
    /// Siblings switch offsets (daylight saving): the IANA zones whose rules give the same
    /// offsets at the same times; the first is used.
    SiblingZone {
        /// The sibling whose offsets switch.
        file: String,
        /// The zones with those switches.
        candidates: Vec<String>,
    },
}

impl ZoneSource {
    /// How the zone was chosen, in words.
    pub(crate) fn describe(&self) -> String {
        match self {
            ZoneSource::Flag { given } => format!("given with {given}"),
            ZoneSource::SiblingOffset { file } => format!("the offset {file} is written with"),
            ZoneSource::Default => "no --tz and no sibling with offsets: UTC".into(),
            ZoneSource::Rule { given } => format!("given with {given}"),
            ZoneSource::SiblingZone { file, candidates } => {
                let others = candidates.len().saturating_sub(1);
                match others {
                    0 => format!("the offsets {file} switches between: {}", candidates[0]),
                    _ => format!(
                        "the offsets {file} switches between: {} or another of {others} zones with the same rules",
                        candidates[0]
                    ),
                }
            }
        }
    }
}

/// A file's place in its rotation family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Rotation {
    /// The live file's name: `syslog` for `syslog.2.gz`.
    pub family: String,
    /// 1 for the oldest piece.
    pub position: usize,
    /// How many pieces the family has.
    pub of: usize,
    /// Lines left out as copies of lines the previous (older) piece holds.
    pub lines_repeated: u64,
}

/// A file that holds part of another one's lines (a backup holding the first 5,000 lines of
/// `auth.log`, an earlier copy of the same log in another folder): the lines both hold are
/// counted once, in the file that holds more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PartialCopy {
    /// The file whose lines it repeats.
    pub file: String,
    /// Its lines left out as copies of that file's lines.
    pub lines_repeated: u64,
}
