//! The per-source run: which detector reads which source, how their findings unite into
//! incidents, and each source's baseline. Requests are read for errors, slowness and lost
//! traffic; log records for errors; every source for bursts of failed logins.
//!
//! Why here and not in the timeline: what counts as one incident is a detection decision
//! (overlap, never across missing data, a login burst during an outage is part of it); the
//! timeline only tells the story of each [`United`].

use serde::Serialize;

use crate::detect::{self, Bin, Kind, Params};
use crate::pipeline::Analysis;
use crate::time::Micros;

use super::security;
use super::sources::{SourceKind, SourceSignal, sources};

/// What detection found in a run.
#[derive(Debug, Clone)]
pub struct Detected {
    /// Each source family's signal.
    pub sources: Vec<SourceSignal>,
    /// Each source's baseline error ratio outside its findings (same order).
    pub baselines: Vec<f64>,
    /// The incidents: findings of every source, united.
    pub united: Vec<United>,
}

/// Finds every source's incidents in `analysis` and unites them. With `count_client_errors`,
/// a request source's 4xx count as failures.
pub fn run(analysis: &Analysis, params: Params) -> Detected {
    let mut sources = sources(analysis);
    if params.count_client_errors {
        for s in sources
            .iter_mut()
            .filter(|s| s.kind == SourceKind::Requests)
        {
            for c in s.series.bins.values_mut() {
                c.errors += c.client_errors;
            }
        }
    }
    let findings = find_all(&sources, params, analysis.bin_width);
    let baselines = baselines(&sources, &findings);
    let united = unite(findings, &sources);
    Detected {
        sources,
        baselines,
        united,
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
pub(crate) fn find_all(
    sources: &[SourceSignal],
    params: Params,
    bin_width: Micros,
) -> Vec<Finding> {
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
    pub(crate) fn primary(&self) -> &Finding {
        &self.findings[self.primary]
    }
}

/// Unites findings that overlap or come within [`detect::MERGE_GAP_BINS`] of each other.
/// A burst of failed logins during an outage stays part of the outage's story (a misleading
/// path, not an incident of its own); alone, it is a `security` incident.
pub(crate) fn unite(findings: Vec<Finding>, sources: &[SourceSignal]) -> Vec<United> {
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
pub(crate) fn describe(
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
pub(crate) fn baselines(sources: &[SourceSignal], findings: &[Finding]) -> Vec<f64> {
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
