//! Signals per source. Every source family (an access log and its rotations, one host's
//! syslog, one app's JSON log, an error log) keeps its own series, its own coverage and its
//! own baseline; incidents are found per source and then united. A ratio is only ever taken
//! over records of one kind: requests are requests, log records are records.
//!
//! Why per source: pooled together, an error log that is quiet beside a busy syslog of
//! another host looks healthy, and the same log beside unrelated files from other days makes
//! an incident that spans the days between them. Alone, each source is judged only where it
//! has data (see [`crate::detect::coverage`]).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::aggregate::Series;
use crate::detect::{self, Bin, coverage};
use crate::discover::rotation;
use crate::parse::registry::Meaning;
use crate::pipeline::Analysis;

/// What a source's records are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// HTTP requests (access logs, JSON logs with a status).
    Requests,
    /// Log records (syslog, error logs, application logs): errors among records.
    Records,
    /// Alert notices (Alertmanager, PagerDuty, Opsgenie).
    Alerts,
}

impl SourceKind {
    /// The plural noun the draft uses for one of these.
    pub fn noun(self) -> &'static str {
        match self {
            SourceKind::Requests => "requests",
            SourceKind::Records => "log records",
            SourceKind::Alerts => "alert notices",
        }
    }
}

/// One source family and its signal.
#[derive(Debug, Clone)]
pub struct SourceSignal {
    /// The family as shown: the live file's path (`web-1/nginx/access.log` for its `.1.gz`).
    pub name: String,
    /// What its files count.
    pub kind: SourceKind,
    /// Its files (indices into the analysis).
    pub files: Vec<usize>,
    /// Its records and errors per bin, merged.
    pub series: Series,
    /// Whether the access log names users (`$remote_user`).
    pub named_users: bool,
    /// Failed logins per bin (tries: a folded repeat counts each).
    pub auth_failures: BTreeMap<i64, u64>,
    /// Lines reporting failed logins per bin: how busy the log was, for its coverage.
    pub auth_lines: BTreeMap<i64, u64>,
    /// Bins with data, between gaps: `[first, last]`.
    pub segments: Vec<(i64, i64)>,
    /// The stretches the family's own lines cover (before an error log borrows its host's):
    /// what the Inputs table shows.
    pub own_segments: Vec<(i64, i64)>,
    /// The folder the family's files are in (one host, as copied).
    pub folder: String,
    /// An error log writes only when something fails: its silence is health, not a lack of
    /// data, wherever its host is known to be up.
    pub errors_only: bool,
}

impl SourceSignal {
    /// Its series as detector bins.
    pub fn bins(&self) -> Vec<Bin> {
        detect::bins_from(&self.series.bins)
    }

    /// Whether the source has data around bin `b` (inside one of its segments).
    pub(crate) fn covers(&self, b: i64) -> bool {
        self.segments.iter().any(|(s, e)| (*s..=*e).contains(&b))
    }

    /// The end of the segment holding bin `b`, as the first bin after it.
    pub(crate) fn segment_end(&self, b: i64) -> Option<i64> {
        self.segments
            .iter()
            .find(|(s, e)| (*s..=*e).contains(&b))
            .map(|(_, e)| e + 1)
    }
}

fn kind_of(f: &crate::pipeline::FileReport) -> Option<SourceKind> {
    match f.detection.format.meaning() {
        Meaning::Requests => Some(SourceKind::Requests),
        Meaning::MaybeRequests if !f.summary.clients.is_empty() => Some(SourceKind::Requests),
        // Package logs are actions, and alert histories alerts: neither is a signal.
        Meaning::Changes | Meaning::Alerts => None,
        Meaning::MaybeRequests | Meaning::ErrorLog | Meaning::Messages => Some(SourceKind::Records),
    }
}

/// Groups the run's files into source families and builds each one's signal. A file that
/// names the source of each line (a CSV export's pod column) gives one signal per source.
pub fn sources(analysis: &Analysis) -> Vec<SourceSignal> {
    let mut by_family: BTreeMap<(String, SourceKind), SourceSignal> = BTreeMap::new();
    for (index, f) in analysis.files.iter().enumerate() {
        let Some(kind) = kind_of(f) else { continue };
        if f.duplicate_of.is_some() {
            continue;
        }
        let path = std::path::Path::new(&f.display);
        let folder = path
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        // Rotated pieces and time slices: the family the read found (by name and times).
        let family = match &f.rotation {
            Some(r) => r.family.clone(),
            None => {
                let name = path
                    .file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().to_string());
                rotation::member(&name).family
            }
        };
        let within = |name: &str| match folder.is_empty() {
            true => name.to_string(),
            false => format!("{folder}/{name}"),
        };
        let errors_only = f.detection.format.meaning() == Meaning::ErrorLog;
        let blank = SourceSignal {
            name: String::new(),
            kind,
            files: Vec::new(),
            series: Series::default(),
            named_users: false,
            auth_failures: BTreeMap::new(),
            auth_lines: BTreeMap::new(),
            segments: Vec::new(),
            own_segments: Vec::new(),
            folder: folder.clone(),
            errors_only,
        };
        if f.summary.streams.is_empty() {
            let s = family_signal(&mut by_family, within(&family), &blank, index);
            s.series.merge(&f.summary.series);
            if kind == SourceKind::Requests {
                s.named_users |=
                    f.detection.format.meaning() == Meaning::Requests && f.summary.clients.named;
            }
            for (bin, n) in &f.summary.auth_failures {
                *s.auth_failures.entry(*bin).or_default() += n;
                *s.auth_lines.entry(*bin).or_default() += n;
            }
            for (bin, n) in &f.summary.auth_repeats {
                *s.auth_failures.entry(*bin).or_default() += n;
            }
            continue;
        }
        for (name, stream) in &f.summary.streams {
            let s = family_signal(&mut by_family, within(name), &blank, index);
            s.series.merge(&stream.series);
            for (bin, n) in &stream.auth_failures {
                *s.auth_failures.entry(*bin).or_default() += n;
                *s.auth_lines.entry(*bin).or_default() += n;
            }
        }
    }
    let mut out: Vec<SourceSignal> = by_family.into_values().collect();
    // Where the whole run wrote nothing although its sources together were writing busily
    // around it: the logs were copied in windows, or a collector dropped out. No source has
    // data there, whatever its own rate says.
    let lines: Vec<Vec<(i64, u64)>> = out.iter().map(lines_per_bin).collect();
    let mut run: BTreeMap<i64, u64> = BTreeMap::new();
    for (bin, n) in lines.iter().flatten() {
        *run.entry(*bin).or_default() += n;
    }
    let run: Vec<(i64, u64)> = run.into_iter().collect();
    let run_gaps = coverage::gaps(&coverage::segments_of_counts(&run, analysis.bin_width));
    for (s, counts) in out.iter_mut().zip(&lines) {
        let own = coverage::segments_of_counts(counts, analysis.bin_width);
        s.segments = coverage::cut_at(&own, &run_gaps);
        s.own_segments = s.segments.clone();
    }
    lend_host_coverage(&mut out);
    for s in &mut out {
        s.segments = coverage::cut_at(&s.segments, &run_gaps);
    }
    out
}

/// The signal of the family shown as `shown`, with file `index` among its files: made from
/// `blank` (the file's kind, folder and error-log flag) when it is the first.
fn family_signal<'m>(
    by_family: &'m mut BTreeMap<(String, SourceKind), SourceSignal>,
    shown: String,
    blank: &SourceSignal,
    index: usize,
) -> &'m mut SourceSignal {
    let s = by_family
        .entry((shown.clone(), blank.kind))
        .or_insert_with(|| SourceSignal {
            name: shown,
            ..blank.clone()
        });
    s.errors_only &= blank.errors_only;
    if s.files.last() != Some(&index) {
        s.files.push(index);
    }
    s
}

/// The lines a source wrote in each bin that has any (records, and failed logins), in order.
fn lines_per_bin(s: &SourceSignal) -> Vec<(i64, u64)> {
    let mut lines: BTreeMap<i64, u64> = s.series.bins.iter().map(|(b, c)| (*b, c.total)).collect();
    for (bin, n) in &s.auth_lines {
        *lines.entry(*bin).or_default() += n;
    }
    lines.into_iter().collect()
}

/// An error log covers what its own lines cover and what the other sources of its folder
/// (its host) cover: an nginx error log that starts with the outage's first error is judged
/// against the quiet hours its access log shows, not found healthy for lack of a past.
fn lend_host_coverage(sources: &mut [SourceSignal]) {
    let lent: Vec<Vec<(i64, i64)>> = sources
        .iter()
        .map(|s| {
            if !s.errors_only {
                return s.segments.clone();
            }
            let mut all: Vec<(i64, i64)> = sources
                .iter()
                .filter(|o| o.folder == s.folder && !o.errors_only)
                .flat_map(|o| o.segments.iter().copied())
                .chain(s.segments.iter().copied())
                .collect();
            all.sort_unstable();
            coverage::union(&all)
        })
        .collect();
    for (s, segments) in sources.iter_mut().zip(lent) {
        s.segments = segments;
    }
}

impl SourceSignal {
    /// Whether the source has data over every bin of `[first, last]` (one segment holds them).
    pub(super) fn continuous(&self, first: i64, last: i64) -> bool {
        self.segments.iter().any(|(a, b)| *a <= first && last <= *b)
    }

    /// Whether the source wrote anything in bin `b`, or, for a log of records, whether it was
    /// writing around then: a quiet minute inside its coverage (no gap by its own rate) is a
    /// minute without errors, where a quiet minute of requests says nothing of their outcome.
    /// An error log's coverage is its host's (its silence is health there).
    pub(super) fn has_data(&self, b: i64) -> bool {
        self.series.bins.get(&b).is_some_and(|c| c.total > 0)
            || self.auth_failures.contains_key(&b)
            || (self.kind == SourceKind::Records && self.covers(b))
    }

    /// A recovery is placed in a bin with data: the first at or after `end` within the
    /// segment that holds the incident's last bin; `None` when that data stops first.
    pub(super) fn recovery_bin(&self, last: i64, end: i64) -> Option<i64> {
        let (_, stop) = *self
            .segments
            .iter()
            .find(|(a, b)| (*a..=*b).contains(&last))?;
        (end..=stop).find(|&b| self.has_data(b))
    }
}
