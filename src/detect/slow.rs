//! Slow-not-down incidents: requests that succeed, slowly. A request is *slow* when it takes
//! more than `SLOW_FACTOR` × the baseline p95 (the median over bins of each bin's p95); the
//! share of slow requests per bin then goes through the same CUSUM as errors, so the same
//! evidence, floor and paging threshold apply: a latency objective of the same target.

use super::{Bin, Kind, Params, SignalIncident, find_incidents};
use crate::aggregate::Latency;

/// "Well above": twice the usual p95.
pub(crate) const SLOW_FACTOR: f64 = 2.0;
/// Bins with fewer timed requests do not vote on the baseline p95.
const MIN_TIMED: u64 = 5;

#[derive(Debug, Clone, PartialEq)]
/// What the latency detector found.
pub(crate) struct SlowFindings {
    /// The slow incidents.
    pub incidents: Vec<SignalIncident>,
    /// The usual p95, in milliseconds.
    pub baseline_p95_ms: f64,
    /// Twice that: a bin above it is slow.
    pub threshold_ms: f64,
}

/// Finds slow incidents; `None` when the logs carry no request times.
#[cfg(test)]
pub(crate) fn find_slow(
    latency: &std::collections::BTreeMap<i64, Latency>,
    params: Params,
) -> Option<SlowFindings> {
    find_slow_in(latency.range(..), params)
}

/// The same over some bins of a series (one stretch of a source's coverage), without copying
/// their sketches.
pub(crate) fn find_slow_in<'a>(
    latency: impl Iterator<Item = (&'a i64, &'a Latency)> + Clone,
    params: Params,
) -> Option<SlowFindings> {
    let mut p95s: Vec<f64> = latency
        .clone()
        .map(|(_, l)| l)
        .filter(|l| l.count() >= MIN_TIMED)
        .filter_map(|l| l.quantile_ms(0.95))
        .collect();
    if p95s.is_empty() {
        return None;
    }
    p95s.sort_by(f64::total_cmp);
    let baseline_p95_ms = p95s[p95s.len() / 2];
    let threshold_ms = SLOW_FACTOR * baseline_p95_ms;
    let bins: Vec<Bin> = latency
        .map(|(&index, l)| Bin {
            index,
            total: l.count(),
            errors: l.count_above_ms(threshold_ms),
        })
        .collect();
    let (mut incidents, _) = find_incidents(&bins, params);
    for i in &mut incidents {
        i.kind = Kind::Slow;
    }
    Some(SlowFindings {
        incidents,
        baseline_p95_ms,
        threshold_ms,
    })
}

#[cfg(test)]
mod tests;
