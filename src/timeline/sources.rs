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
    /// Failed logins per bin.
    pub auth_failures: BTreeMap<i64, u64>,
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

/// Groups the run's files into source families and builds each one's signal.
pub fn sources(analysis: &Analysis) -> Vec<SourceSignal> {
    let mut by_family: BTreeMap<(String, SourceKind), SourceSignal> = BTreeMap::new();
    for (index, f) in analysis.files.iter().enumerate() {
        let Some(kind) = kind_of(f) else { continue };
        if f.duplicate_of.is_some() {
            continue;
        }
        let path = std::path::Path::new(&f.display);
        let name = path
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().to_string());
        let family = rotation::member(&name).family;
        let folder = path
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let shown = if folder.is_empty() {
            family
        } else {
            format!("{folder}/{family}")
        };
        let errors_only = f.detection.format.meaning() == Meaning::ErrorLog;
        let s = by_family
            .entry((shown.clone(), kind))
            .or_insert_with(|| SourceSignal {
                name: shown,
                kind,
                files: Vec::new(),
                series: Series::default(),
                named_users: false,
                auth_failures: BTreeMap::new(),
                segments: Vec::new(),
                own_segments: Vec::new(),
                folder: folder.clone(),
                errors_only,
            });
        s.errors_only &= errors_only;
        s.files.push(index);
        s.series.merge(&f.summary.series);
        if kind == SourceKind::Requests {
            s.named_users |=
                f.detection.format.meaning() == Meaning::Requests && f.summary.clients.named;
        }
        for (bin, n) in &f.summary.auth_failures {
            *s.auth_failures.entry(*bin).or_default() += n;
        }
    }
    let mut out: Vec<SourceSignal> = by_family.into_values().collect();
    for s in &mut out {
        let mut indices: Vec<i64> = s.series.bins.keys().copied().collect();
        indices.extend(s.auth_failures.keys());
        indices.sort_unstable();
        indices.dedup();
        let threshold = coverage::gap_threshold(&indices, analysis.bin_width);
        s.segments = coverage::segments(&indices, threshold);
        s.own_segments = s.segments.clone();
    }
    lend_host_coverage(&mut out);
    out
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
    pub incident: detect::Incident,
}

impl Finding {
    /// Failures (or lost requests) beyond what the baseline predicts: how much it showed.
    pub fn excess(&self) -> f64 {
        let i = &self.incident;
        (i.errors as f64 - i.baseline_ratio * i.requests as f64).max(0.0)
    }

    fn end(&self) -> i64 {
        self.incident.end_bin.unwrap_or(i64::MAX)
    }
}

/// Errors (and, for requests, slowness) in each stretch of the source's coverage. An incident
/// that runs to the end of its stretch has no recovery in the data (`end_bin` stays `None`).
fn errors_in(
    source: &SourceSignal,
    bins: &[Bin],
    params: Params,
    records: bool,
) -> Vec<detect::Incident> {
    let mut found = Vec::new();
    for &(first, last) in &source.segments {
        let part = detect::within(bins, first, last);
        if part.is_empty() {
            continue;
        }
        if records {
            let padded = detect::padded(part, first, last);
            found.extend(detect::find_incidents_in_counts(&padded, params).0);
            continue;
        }
        let errors = detect::find_incidents(part, params).0;
        let latency = source.series.latency.range(first..=last);
        let slow =
            detect::slow::find_slow_in(latency, params).map_or_else(Vec::new, |s| s.incidents);
        // Slow while failing is the failing incident; slow alone is its own.
        let slow_alone: Vec<detect::Incident> = slow
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
                let mut f = errors_in(s, &bins, params, false);
                f.extend(detect::traffic::find_traffic_loss(&bins, bin_width, params));
                f
            }
            SourceKind::Records => errors_in(s, &bins, params, true),
            SourceKind::Alerts => Vec::new(),
        };
        found.extend(security::bursts_in(
            &s.auth_failures,
            &s.segments,
            params,
            bin_width,
        ));
        out.extend(found.into_iter().map(|incident| Finding {
            source: index,
            incident,
        }));
    }
    out.sort_by_key(|f| (f.incident.start_bin, f.source, f.incident.end_bin));
    out
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
        match groups.last_mut() {
            Some(g) if f.incident.start_bin < group_end.saturating_add(detect::MERGE_GAP_BINS) => {
                group_end = group_end.max(f.end());
                g.push(f);
            }
            _ => {
                group_end = f.end();
                groups.push(vec![f]);
            }
        }
    }
    let overlaps_service = |s: &Finding| {
        groups.iter().any(|g| {
            let start = g.iter().map(|f| f.incident.start_bin).min().unwrap_or(0);
            let end = g.iter().map(Finding::end).max().unwrap_or(i64::MAX);
            s.incident.start_bin < end && start < s.end()
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
            let end_bin = if findings.iter().any(|f| f.incident.end_bin.is_none()) {
                None
            } else {
                findings.iter().filter_map(|f| f.incident.end_bin).max()
            };
            United {
                findings,
                primary,
                start_bin,
                end_bin,
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
