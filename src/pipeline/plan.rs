//! The run cut into tasks that can be read apart: by other processes or machines (`postmortem
//! plan`, `partial`, `merge`) and by `draft` itself, so that both take the same decisions.
//!
//! What ties files together decides the cut. Lines held twice (rotation overlaps, partial
//! copies, the same bytes twice) are found by reading the files concerned side by side, so a
//! rotation family, files that begin with the same lines, and files too short to have such a
//! head are read in one task. Zone-less and year-less files are placed by the files read before
//! them, so each file has a stage (see [`stage_of`]), ties hold only within a stage, and a task
//! waits for the time spans of every file of the stages before its own. A task of one large plain file with full dates
//! may be cut into byte ranges at line ends: its pieces add up (`Summary::append`).

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::families::family_key;
use super::placement::choose_zone;
use super::report::Analysis;
use super::sniff::{Sniff, sane_times, sniff_all};
use crate::config::Config;
use crate::discover::{self, Passed};
use crate::error::Error;
use crate::parse::{Detection, Format};
use crate::read::{Compression, MAX_RECORD_BACKTRACK};
use crate::time::ZoneConverter;

/// How many stages a run has: see [`stage_of`].
pub(crate) const STAGES: u8 = 3;

/// Which stage a file is read in: 0 for lines with full dates and offsets (they place the
/// rest), 1 for dated lines without an offset (error logs, dpkg: they take their zone from
/// stage 0), 2 for year-less lines (they take their year from both).
pub(crate) fn stage_of(detection: &Detection) -> u8 {
    if detection.year_less {
        2
    } else if detection.local_time || detection.format.zone_less() {
        1
    } else {
        0
    }
}

/// Bytes `[start, end)` of a file, cut at line ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ByteRange {
    /// The first byte: 0, or just after a newline.
    pub start: u64,
    /// One past the last byte: just after a newline, or the file's end.
    pub end: u64,
}

/// Files read together, in one stage; or one byte range of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Its number in the plan, from 0.
    pub id: usize,
    /// The stage it is read in: the latest of its files' (see [`stage_of`]).
    pub stage: u8,
    /// Its files, by their number in the plan, in order.
    pub files: Vec<usize>,
    /// For a piece of a large file: which bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<ByteRange>,
}

/// Every file of a run, sniffed, and the tasks that read them.
#[derive(Debug, Default)]
pub struct Plan {
    /// The files, in discovery order: a file's number is its index.
    pub(crate) logs: Vec<Sniff>,
    /// The tasks, by stage and then by their first file.
    pub tasks: Vec<Task>,
    /// What discovery and the sniffer passed over, with reasons.
    pub passed_over: Vec<Passed>,
    /// Problems met before any file was read (unreadable paths, archives cut short).
    pub errors: Vec<Error>,
    /// Things asked for that had no effect (a `--tz` glob matching no file).
    pub warnings: Vec<String>,
}

impl Plan {
    /// How many files it reads.
    pub fn file_count(&self) -> usize {
        self.logs.len()
    }
}

/// Discovers and sniffs the inputs, and cuts them into tasks; with `split`, a large plain file
/// that can be read in pieces is cut into ranges of about that many bytes.
pub fn make(config: &Config, split: Option<u64>) -> Result<Plan, Error> {
    let discovered = discover::discover(
        &config.paths,
        config.follow_links,
        config.stdin_name.as_deref(),
    );
    let mut found = Analysis {
        passed_over: discovered.passed_over,
        errors: discovered.errors,
        ..Analysis::default()
    };
    let candidates = of_hosts(discovered.candidates, &config.scope.hosts, &mut found)?;
    let mut logs = sniff_all(candidates, config, &mut found);
    let warnings = super::warnings::unused_rules(config, &logs, &found.passed_over);
    if logs.is_empty() {
        return Err(no_input(config, &found));
    }
    let sane = sane_times(&logs, config);
    for s in &mut logs {
        s.sane = sane;
    }
    let mut tasks = group(&logs);
    if let Some(size) = split {
        tasks = split_large(tasks, &logs, config, size.max(1));
    }
    Ok(Plan {
        logs,
        tasks,
        passed_over: found.passed_over,
        errors: found.errors,
        warnings,
    })
}

/// The candidates of the hosts asked for (`--host`): a host is the run's top folder a file is
/// in; the rest are passed over with the reason. No glob: every candidate.
fn of_hosts(
    candidates: Vec<discover::Candidate>,
    hosts: &[String],
    found: &mut Analysis,
) -> Result<Vec<discover::Candidate>, Error> {
    if hosts.is_empty() {
        return Ok(candidates);
    }
    let mut set = globset::GlobSetBuilder::new();
    for h in hosts {
        let glob = globset::Glob::new(h)
            .map_err(|e| Error::invalid("--host", h.clone(), e.kind().to_string()))?;
        set.add(glob);
    }
    let set = set
        .build()
        .map_err(|e| Error::invalid("--host", hosts.join(","), e.to_string()))?;
    let (kept, other): (Vec<_>, Vec<_>) = candidates.into_iter().partition(|c| {
        c.display
            .split_once('/')
            .is_some_and(|(host, _)| set.is_match(host))
    });
    found.passed_over.extend(other.into_iter().map(|c| Passed {
        display: c.display,
        reason: format!("not in a folder of --host {}", hosts.join(",")),
    }));
    Ok(kept)
}

/// Nothing readable: say why for each thing passed over (the first few), never only
/// "nothing found".
fn no_input(config: &Config, found: &Analysis) -> Error {
    let shown: Vec<String> = config
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    const SHOWN: usize = 10;
    let mut passed_over: Vec<String> = found
        .passed_over
        .iter()
        .take(SHOWN)
        .map(|p| format!("{}: {}", p.display, p.reason))
        .chain(found.errors.iter().map(Error::to_string))
        .collect();
    if found.passed_over.len() > SHOWN {
        let more = found.passed_over.len() - SHOWN;
        passed_over.push(format!("… and {more} more passed over"));
    }
    Error::NoInput {
        paths: shown.join(", "),
        passed_over,
    }
}

/// What puts two files in one task (always of one stage: lines held twice are looked for
/// among the files of a stage, which are read together).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Tie {
    /// One rotation family: folder, family name, format (as `count_overlaps_once` groups).
    Family(String, String, String),
    /// Families whose names differ only in digits, which may be time slices of one stream
    /// (`families::join_slices` decides by their times, once read).
    Slices(String, String, String),
    /// The same first lines (as `count_partial_copies_once` groups).
    Head(Format, Vec<u64>),
    /// Too few lines for a head: could be the same bytes as another such file.
    Headless(Format),
}

fn ties(s: &Sniff) -> Vec<Tie> {
    let format = s.detection.format;
    let mut ties = Vec::new();
    if !format.is_alerts() {
        let (folder, family, format_id) = family_key(&s.candidate.display, format);
        if let Some(shape) = crate::discover::rotation::slice_shape(&family) {
            ties.push(Tie::Slices(folder.clone(), shape, format_id.clone()));
        }
        ties.push(Tie::Family(folder, family, format_id));
        if s.head.is_empty() {
            ties.push(Tie::Headless(format));
        }
    }
    if !s.head.is_empty() {
        ties.push(Tie::Head(format, s.head.clone()));
    }
    ties
}

/// The files tied together (see [`Tie`]), as tasks ordered by stage, then by first file.
fn group(logs: &[Sniff]) -> Vec<Task> {
    let mut parent: Vec<usize> = (0..logs.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut first_with: HashMap<(u8, Tie), usize> = HashMap::new();
    for (i, s) in logs.iter().enumerate() {
        let stage = stage_of(&s.detection);
        for tie in ties(s) {
            let other = *first_with.entry((stage, tie)).or_insert(i);
            let (a, b) = (root(&mut parent, i), root(&mut parent, other));
            // The smaller number is the root: a group is named by its first file.
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..logs.len() {
        groups.entry(root(&mut parent, i)).or_default().push(i);
    }
    let mut tasks: Vec<Task> = groups
        .into_values()
        .map(|files| Task {
            id: 0,
            stage: files
                .iter()
                .map(|&i| stage_of(&logs[i].detection))
                .max()
                .unwrap_or(0),
            files,
            range: None,
        })
        .collect();
    tasks.sort_by_key(|t| (t.stage, t.files[0]));
    for (id, t) in tasks.iter_mut().enumerate() {
        t.id = id;
    }
    tasks
}

/// Whether a file can be read in byte ranges by processes that know nothing of each other:
/// plain, on disk, a line format with full dates, and no repeated hour to read in order.
fn splittable(s: &Sniff, config: &Config, stage: u8) -> bool {
    let format = s.detection.format;
    if stage != 0
        || s.compression != Compression::None
        || s.candidate.member.is_some()
        || s.candidate.spool.is_some()
        || format.is_alerts()
        || format.is_document()
    {
        return false;
    }
    let (zone, _) = choose_zone(&s.place, &s.candidate.display, config, &[]);
    format.spec().every_line_has_offset || !ZoneConverter::new(zone).has_transitions()
}

/// Cuts each lone large file that [`splittable`] allows into ranges of about `size` bytes.
fn split_large(tasks: Vec<Task>, logs: &[Sniff], config: &Config, size: u64) -> Vec<Task> {
    let mut out = Vec::new();
    for task in tasks {
        let cuts = match task.files.as_slice() {
            [one] if splittable(&logs[*one], config, task.stage) => {
                let format = logs[*one].detection.format;
                let records = format.has_multi_line_records().then_some(format);
                line_ends(&logs[*one].candidate.path, size, records).unwrap_or_default()
            }
            _ => Vec::new(),
        };
        // `[0, len]`: the file is smaller than a range, and is read whole.
        if cuts.len() <= 2 {
            out.push(task);
            continue;
        }
        for pair in cuts.windows(2) {
            out.push(Task {
                range: Some(ByteRange {
                    start: pair[0],
                    end: pair[1],
                }),
                ..task.clone()
            });
        }
    }
    for (id, t) in out.iter_mut().enumerate() {
        t.id = id;
    }
    out
}

/// `0`, then the first line end at or after each multiple of `size`, then the file's length:
/// found by reading a little at each cut, never the whole file. With a format of records, a
/// cut moves on to the next line that starts one, when one is within
/// [`MAX_RECORD_BACKTRACK`] (the reader's chunks end the same way: a record is read whole).
fn line_ends(path: &Path, size: u64, records: Option<Format>) -> std::io::Result<Vec<u64>> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let mut cuts = vec![0];
    let mut block = vec![0u8; 64 << 10];
    let mut at = size;
    while at < len {
        // The cut goes just after the first newline at or after `at - 1`.
        let mut pos = at - 1;
        file.seek(SeekFrom::Start(pos))?;
        let cut = loop {
            let n = file.read(&mut block)?;
            if n == 0 {
                break len;
            }
            if let Some(i) = memchr::memchr(b'\n', &block[..n]) {
                break pos + i as u64 + 1;
            }
            pos += n as u64;
        };
        let cut = match records {
            Some(format) if cut < len => next_record(&mut file, cut, format)?,
            _ => cut,
        };
        if cut >= len {
            break;
        }
        cuts.push(cut);
        at = (cut + size).max(at + size);
    }
    cuts.push(len);
    Ok(cuts)
}

/// The start of the first line at or after `cut` (a line start) that starts a record of
/// `format`, if one is within [`MAX_RECORD_BACKTRACK`]; else `cut`.
fn next_record(file: &mut std::fs::File, cut: u64, format: Format) -> std::io::Result<u64> {
    file.seek(SeekFrom::Start(cut))?;
    let mut block = Vec::with_capacity(MAX_RECORD_BACKTRACK + 4096);
    file.by_ref()
        .take((MAX_RECORD_BACKTRACK + 4096) as u64)
        .read_to_end(&mut block)?;
    let mut at = 0;
    while at <= MAX_RECORD_BACKTRACK {
        let Some(i) = memchr::memchr(b'\n', &block[at..]) else {
            break;
        };
        let line = &block[at..at + i];
        if format.starts_record(line.strip_suffix(b"\r").unwrap_or(line)) {
            return Ok(cut + at as u64);
        }
        at += i + 1;
    }
    Ok(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ends_fall_after_newlines_and_cover_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.log");
        let text: String = (0..1000).map(|i| format!("line {i}\n")).collect();
        std::fs::write(&path, &text).unwrap();
        let cuts = line_ends(&path, 997, None).unwrap();
        assert_eq!(cuts.first(), Some(&0));
        assert_eq!(cuts.last(), Some(&(text.len() as u64)));
        for c in &cuts[1..cuts.len() - 1] {
            assert_eq!(text.as_bytes()[*c as usize - 1], b'\n', "cut at {c}");
        }
        assert!(cuts.windows(2).all(|w| w[0] < w[1]));
        assert!(cuts.len() > 5);
    }

    #[test]
    fn a_file_smaller_than_a_range_is_not_cut() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.log");
        let line =
            "10.0.0.1 - - [10/Sep/2023:08:15:02 +0000] \"GET / HTTP/1.1\" 200 12 \"-\" \"curl\"\n";
        std::fs::write(&path, line.repeat(100)).unwrap();
        let config = Config::new(vec![dir.path().to_path_buf()]);
        let plan = make(&config, Some(1 << 20)).unwrap();
        assert_eq!(plan.tasks.len(), 1);
        assert_eq!(
            plan.tasks[0].range, None,
            "a whole file is not a range of itself"
        );
        let plan = make(&config, Some(1000)).unwrap();
        assert!(plan.tasks.len() > 1 && plan.tasks.iter().all(|t| t.range.is_some()));
    }

    #[test]
    fn a_file_without_newlines_is_one_range() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.log");
        std::fs::write(&path, vec![b'x'; 10_000]).unwrap();
        assert_eq!(line_ends(&path, 100, None).unwrap(), vec![0, 10_000]);
    }
}
