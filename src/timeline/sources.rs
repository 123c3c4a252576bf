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
use crate::detect::{self, Bin, Kind, Params, coverage};
use crate::discover::rotation;
use crate::parse::registry::Meaning;
use crate::pipeline::Analysis;
use crate::time::Micros;

use super::security;

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
    pub fn covers(&self, b: i64) -> bool {
        self.segments.iter().any(|(s, e)| (*s..=*e).contains(&b))
    }

    /// The end of the segment holding bin `b`, as the first bin after it.
    pub fn segment_end(&self, b: i64) -> Option<i64> {
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

/// One source's incident.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The source that found it.
    pub source: usize,
    /// What it found.
    pub incident: detect::SignalIncident,
}

impl Finding {
    /// Failures (or lost requests) beyond what the baseline predicts: how much it showed.
    pub fn excess(&self) -> f64 {
        let i = &self.incident;
        (i.errors as f64 - i.baseline_ratio * i.requests as f64).max(0.0)
    }

    /// The first bin after it, or for one still going when its source's data stops, the first
    /// bin after that data: a source that never recovers cannot stretch another's incident.
    fn end(&self, sources: &[SourceSignal]) -> i64 {
        self.incident.end_bin.unwrap_or_else(|| {
            let s = &sources[self.source];
            s.segment_end(self.incident.start_bin)
                .or_else(|| s.series.bins.keys().next_back().map(|b| b + 1))
                .unwrap_or(i64::MAX)
                .max(self.incident.start_bin + 1)
        })
    }
}

impl SourceSignal {
    /// Whether the source has data over every bin of `[first, last]` (one segment holds them).
    fn continuous(&self, first: i64, last: i64) -> bool {
        self.segments.iter().any(|(a, b)| *a <= first && last <= *b)
    }

    /// Whether the source wrote anything in bin `b`, or, for a log of records, whether it was
    /// writing around then: a quiet minute inside its coverage (no gap by its own rate) is a
    /// minute without errors, where a quiet minute of requests says nothing of their outcome.
    /// An error log's coverage is its host's (its silence is health there).
    fn has_data(&self, b: i64) -> bool {
        self.series.bins.get(&b).is_some_and(|c| c.total > 0)
            || self.auth_failures.contains_key(&b)
            || (self.kind == SourceKind::Records && self.covers(b))
    }

    /// A recovery is placed in a bin with data: the first at or after `end` within the
    /// segment that holds the incident's last bin; `None` when that data stops first.
    fn recovery_bin(&self, last: i64, end: i64) -> Option<i64> {
        let (_, stop) = *self
            .segments
            .iter()
            .find(|(a, b)| (*a..=*b).contains(&last))?;
        (end..=stop).find(|&b| self.has_data(b))
    }
}

/// Errors (and, for requests, slowness) in each stretch of the source's coverage. An incident
/// that runs to the end of its stretch has no recovery in the data (`end_bin` stays `None`).
fn errors_in(
    source: &SourceSignal,
    bins: &[Bin],
    params: Params,
    records: bool,
    bin_width: Micros,
) -> Vec<detect::SignalIncident> {
    if records {
        return detect::find_in_stretches(bins, &source.segments, bin_width, params, true);
    }
    let mut found = Vec::new();
    let errors_by_stretch =
        detect::find_in_stretches(bins, &source.segments, bin_width, params, false);
    for &(first, last) in &source.segments {
        let part = detect::within(bins, first, last);
        if part.is_empty() {
            continue;
        }
        let errors: Vec<detect::SignalIncident> = errors_by_stretch
            .iter()
            .filter(|i| (first..=last).contains(&i.start_bin))
            .cloned()
            .collect();
        let latency = source.series.latency.range(first..=last);
        let slow =
            detect::slow::find_slow_in(latency, params).map_or_else(Vec::new, |s| s.incidents);
        // Slow while failing is the failing incident; slow alone is its own.
        let slow_alone: Vec<detect::SignalIncident> = slow
            .into_iter()
            .filter(|s| {
                !errors.iter().any(|e| {
                    s.start_bin < e.end_bin.unwrap_or(i64::MAX)
                        && e.start_bin < s.end_bin.unwrap_or(i64::MAX)
                })
            })
            .collect();
        found.extend(errors);
        found.extend(slow_alone);
    }
    found
}

/// Every source's incidents: errors and slowness where it has data, lost traffic for request
/// sources, bursts of failed logins.
pub fn find_all(sources: &[SourceSignal], params: Params, bin_width: Micros) -> Vec<Finding> {
    let mut out = Vec::new();
    for (index, s) in sources.iter().enumerate() {
        let bins = s.bins();
        let mut found = match s.kind {
            SourceKind::Requests => {
                let mut f = errors_in(s, &bins, params, false, bin_width);
                f.extend(detect::traffic::find_traffic_loss(&bins, bin_width, params));
                f
            }
            SourceKind::Records => errors_in(s, &bins, params, true, bin_width),
            SourceKind::Alerts => Vec::new(),
        };
        found.extend(security::bursts_in(
            &s.auth_failures,
            &s.segments,
            params,
            bin_width,
        ));
        for incident in &mut found {
            place_recovery(s, incident);
        }
        out.extend(found.into_iter().map(|incident| Finding {
            source: index,
            incident,
        }));
    }
    out.sort_by_key(|f| (f.incident.start_bin, f.source, f.incident.end_bin));
    out
}

/// Moves a recovery the detector placed in a bin without data to the first bin with data
/// after it; where the source's data stops first, the incident has no recovery in the data
/// (it was still going when the data stopped).
fn place_recovery(source: &SourceSignal, incident: &mut detect::SignalIncident) {
    // A loss of traffic is a silence by nature: it recovers where lines return.
    if incident.kind == Kind::TrafficLoss {
        return;
    }
    let Some(end) = incident.end_bin else { return };
    match source.recovery_bin((end - 1).max(incident.start_bin), end) {
        Some(b) if b == end => {}
        Some(b) => {
            incident.end_bin = Some(b);
            incident.end_range = incident.end_range.map(|(lo, hi)| (lo, hi.max(b)));
        }
        None => {
            incident.end_bin = None;
            incident.end_range = None;
        }
    }
}

/// Incidents of several sources that overlap (or nearly touch) are one incident.
#[derive(Debug, Clone)]
pub struct United {
    /// What each source found.
    pub findings: Vec<Finding>,
    /// The finding that speaks for the whole: the one with the most excess failures, requests
    /// before records.
    pub primary: usize,
    /// The first bin of the union.
    pub start_bin: i64,
    /// The first bin after it.
    pub end_bin: Option<i64>,
    /// Without a recovery: the first bin after the data of the source that was still showing
    /// it, and that source.
    pub ongoing: Option<(i64, usize)>,
}

impl United {
    /// The finding with the most evidence: it decides the kind and unit.
    pub fn primary(&self) -> &Finding {
        &self.findings[self.primary]
    }
}

/// Unites findings that overlap or come within [`detect::MERGE_GAP_BINS`] of each other.
/// A burst of failed logins during an outage stays part of the outage's story (a misleading
/// path, not an incident of its own); alone, it is a `security` incident.
pub fn unite(findings: Vec<Finding>, sources: &[SourceSignal]) -> Vec<United> {
    let (security, service): (Vec<Finding>, Vec<Finding>) = findings
        .into_iter()
        .partition(|f| f.incident.kind == Kind::Security);
    let mut groups: Vec<Vec<Finding>> = Vec::new();
    let mut group_end = i64::MIN;
    for f in service {
        let joins = groups.last().is_some_and(|g| {
            let start = f.incident.start_bin;
            // Overlapping or touching windows are one incident; nearly touching ones only where
            // a source of either has data all the way between them, never across missing data.
            start <= group_end
                || (start < group_end.saturating_add(detect::MERGE_GAP_BINS)
                    && g.iter()
                        .chain([&f])
                        .any(|x| sources[x.source].continuous(group_end.saturating_sub(1), start)))
        });
        if joins && let Some(g) = groups.last_mut() {
            group_end = group_end.max(f.end(sources));
            g.push(f);
        } else {
            group_end = f.end(sources);
            groups.push(vec![f]);
        }
    }
    let overlaps_service = |s: &Finding| {
        groups.iter().any(|g| {
            let start = g.iter().map(|f| f.incident.start_bin).min().unwrap_or(0);
            let end = g.iter().map(|f| f.end(sources)).max().unwrap_or(i64::MAX);
            s.incident.start_bin < end && start < s.end(sources)
        })
    };
    let lone_security: Vec<Finding> = security
        .into_iter()
        .filter(|s| !overlaps_service(s))
        .collect();
    groups.extend(lone_security.into_iter().map(|s| vec![s]));
    let mut united: Vec<United> = groups
        .into_iter()
        .map(|findings| {
            let rank = |f: &Finding| {
                let requests = sources[f.source].kind == SourceKind::Requests;
                (requests, f.excess())
            };
            let primary = (0..findings.len())
                .max_by(|&a, &b| {
                    let (ra, ea) = rank(&findings[a]);
                    let (rb, eb) = rank(&findings[b]);
                    ra.cmp(&rb).then(ea.total_cmp(&eb)).then(b.cmp(&a))
                })
                .unwrap_or(0);
            let start_bin = findings
                .iter()
                .map(|f| f.incident.start_bin)
                .min()
                .unwrap_or(0);
            // Still going where the data of one that never recovered stops, unless another
            // source saw it recover later than that.
            let recovered = findings.iter().filter_map(|f| f.incident.end_bin).max();
            let open = findings
                .iter()
                .filter(|f| f.incident.end_bin.is_none())
                .map(|f| (f.end(sources), f.source))
                .max();
            let (end_bin, ongoing) = match open {
                Some((stop, source)) if recovered.is_none_or(|r| stop > r) => {
                    (None, Some((stop, source)))
                }
                _ => (recovered, None),
            };
            United {
                findings,
                primary,
                start_bin,
                end_bin,
                ongoing,
            }
        })
        .collect();
    united.sort_by_key(|u| (u.start_bin, u.end_bin));
    united
}

/// Per incident, for the draft: each source, what it holds, and whether it showed the incident.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentSource {
    /// The source family (its live file's path).
    pub file: String,
    /// What it counts.
    pub kind: SourceKind,
    /// Whether it showed the incident.
    pub showed_incident: bool,
    /// Its own baseline error ratio (errors per request or per record), outside incidents.
    pub baseline_ratio: f64,
    /// Its highest per-bin error ratio within the incident window, where it has data there.
    pub peak_ratio: Option<f64>,
    /// Whether it has data over the whole incident window.
    pub covered: bool,
}

/// How each source looked during `[first, last]` (bins).
pub fn describe(
    united: &United,
    sources: &[SourceSignal],
    baselines: &[f64],
    first: i64,
    last: i64,
) -> Vec<IncidentSource> {
    sources
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let showed = united.findings.iter().any(|f| f.source == i);
            let in_window: Vec<&crate::aggregate::Counts> =
                s.series.bins.range(first..=last).map(|(_, c)| c).collect();
            if !showed
                && in_window.is_empty()
                && !s.segments.iter().any(|(a, b)| *a <= last && *b >= first)
            {
                return None; // no data anywhere near: not a witness either way
            }
            let peak = in_window
                .iter()
                .filter(|c| c.total > 0)
                .map(|c| c.errors as f64 / c.total as f64)
                .fold(None, |m: Option<f64>, r| Some(m.map_or(r, |m| m.max(r))));
            Some(IncidentSource {
                file: s.name.clone(),
                kind: s.kind,
                showed_incident: showed,
                baseline_ratio: baselines.get(i).copied().unwrap_or(0.0),
                peak_ratio: peak,
                covered: s.covers(first) && s.covers(last),
            })
        })
        .collect()
}

/// Each source's baseline error ratio outside the findings (Jeffreys-smoothed).
pub fn baselines(sources: &[SourceSignal], findings: &[Finding]) -> Vec<f64> {
    sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let inside = |b: i64| {
                findings.iter().any(|f| {
                    f.source == i
                        && b >= f.incident.start_bin
                        && f.incident.end_bin.is_none_or(|e| b < e)
                })
            };
            let (n, e) = s
                .series
                .bins
                .iter()
                .filter(|(b, _)| !inside(**b))
                .fold((0u64, 0u64), |(n, e), (_, c)| {
                    (n + c.total, e + c.errors.min(c.total))
                });
            (e as f64 + 0.5) / (n as f64 + 1.0)
        })
        .collect()
}

#[cfg(test)]
mod tests;
