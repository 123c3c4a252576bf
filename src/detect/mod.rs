//! Detect: find incidents in the error-rate series and say how sure we are.
//!
//! The test is a two-sided binomial CUSUM on (errors, requests) per bin:
//! - The *baseline* error ratio `p0` is the pooled ratio outside incidents, re-estimated after
//!   each pass (so an earlier incident does not raise it), with a Jeffreys correction and a
//!   floor of a tenth of the error budget, so a spotless baseline is not a division by zero.
//! - The *material* ratio `p1 = p0 + 14.4 × (1 − SLO)`: 14.4× is the burn rate at which the
//!   Google SRE workbook pages (2 % of a 30-day budget in an hour). Below it, a rise is not
//!   an incident, however significant.
//! - Onset: the CUSUM of log-likelihood ratios `p1` vs `p0` alarms at 10⁶ : 1
//!   (`config::DEFAULT_SENSITIVITY`, `--sensitivity`); the start is then placed where a two-segment binomial fit puts the change.
//!   Evidence accrues per request, so low traffic needs longer to alarm: a few errors at two
//!   requests a minute cannot.
//! - Recovery: the mirror CUSUM after the alarm, `p0` against "still failing" (half the
//!   incident's own ratio, or `p1` if higher, so a 50 % outage at 2 requests a minute is seen
//!   to end within minutes, not hours), at `RECOVERY_EVIDENCE` (ln 10³); the end is placed by
//!   the same fit. No recovery in the data means `None`.
//! - Incidents closer than `MERGE_GAP_BINS` merge; one with fewer than
//!   `MIN_EXCESS_FAILURES` failures above baseline is a blip and is dropped.

pub mod burn;
pub mod coverage;
pub mod effect;
pub mod run;
pub mod security;
pub mod slow;
pub mod sources;
pub mod traffic;
pub mod wording;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::aggregate::Counts;

/// Budget burn rate that pages (SRE workbook, multiwindow alerting: 1 h at 14.4×).
pub(crate) const PAGE_BURN_RATE: f64 = 14.4;
/// ln(10³): evidence needed to call a recovery (a false recovery costs less than a false
/// incident, and the end is placed by the fit anyway).
pub(crate) const RECOVERY_EVIDENCE: f64 = 6.907_755_278_982_137;
/// Incidents separated by fewer bins than this are one incident.
pub(crate) const MERGE_GAP_BINS: i64 = 15;
/// An incident must cost at least this many failures above what the baseline predicts.
pub(crate) const MIN_EXCESS_FAILURES: f64 = 10.0;
/// How far (in bins) the fit may move a CUSUM change point.
const REFIT_WINDOW: usize = 60;
/// Passes of baseline re-estimation.
const BASELINE_PASSES: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq)]
/// One time bin of a signal.
pub struct Bin {
    /// Its index (`time.div_euclid(bin width)`).
    pub index: i64,
    /// Requests (or records) in it.
    pub total: u64,
    /// Of which failed.
    pub errors: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
/// What kind of incident.
pub enum Kind {
    /// Requests failed.
    Errors,
    /// Requests succeeded, slowly.
    Slow,
    /// Requests stopped arriving (or fell to a small fraction of what the hours around
    /// predict): a host gone dark, a load balancer routing around it, DNS.
    TrafficLoss,
    /// A burst of failed logins (sshd, PAM): an attack, not an outage.
    Security,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
/// An incident the detector found in one signal.
pub struct SignalIncident {
    /// What kind.
    pub kind: Kind,
    /// The bins the start could be in (95 % likelihood interval), first and last.
    pub start_range: (i64, i64),
    /// The same for the first bin after the end.
    pub end_range: Option<(i64, i64)>,
    /// First bin of the incident (inclusive) and first bin after it (exclusive).
    pub start_bin: i64,
    /// The first bin after it (`None`: not over by the end of the data).
    pub end_bin: Option<i64>,
    /// The bin in which the evidence first crossed the onset threshold.
    pub alarm_bin: i64,
    /// The error ratio before it.
    pub baseline_ratio: f64,
    /// The error ratio over it.
    pub ratio: f64,
    /// The highest error ratio of one bin in it.
    pub peak_ratio: f64,
    /// Requests (or records) over it.
    pub requests: u64,
    /// Of which failed.
    pub errors: u64,
}

/// How the detector decides (defined with the settings it comes from, so that a new one is a
/// change in `config/`).
pub use crate::config::Params;

impl Params {
    fn onset_evidence(&self) -> f64 {
        self.evidence_decades.max(1.0) * std::f64::consts::LN_10
    }
}

fn llr(bin: &Bin, p_alt: f64, p_null: f64) -> f64 {
    let e = bin.errors as f64;
    let ok = (bin.total - bin.errors.min(bin.total)) as f64;
    e * (p_alt / p_null).ln() + ok * ((1.0 - p_alt) / (1.0 - p_null)).ln()
}

fn pooled(bins: &[Bin]) -> (u64, u64) {
    bins.iter()
        .fold((0, 0), |(n, e), b| (n + b.total, e + b.errors.min(b.total)))
}

/// What a bin's numbers mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Model {
    /// errors out of total (requests, records): a binomial ratio.
    Ratio,
    /// Only errors are counted (an error log): a Poisson rate, fed to the same binomial code
    /// with [`COUNT_TRIALS`] virtual trials per bin, where binomial and Poisson agree.
    Counts,
}

/// Virtual trials per bin in the count model: large enough that `p` stays tiny.
const COUNT_TRIALS: u64 = 1_000_000_000;

/// A count-model ratio (errors per virtual trial) as the error lines per bin it stands for.
pub(crate) fn errors_per_bin(ratio: f64) -> f64 {
    ratio * COUNT_TRIALS as f64
}

impl Model {
    /// The smallest rise that counts: the paging burn rate on the SLO for ratios; for counts,
    /// 14.4 times the usual rate and at least one more error a bin.
    fn material(self, p0: f64, slo: f64) -> f64 {
        match self {
            Model::Ratio => (p0 + PAGE_BURN_RATE * (1.0 - slo)).min(0.99),
            Model::Counts => {
                let rate = p0 * COUNT_TRIALS as f64;
                (PAGE_BURN_RATE * rate).max(rate + 1.0) / COUNT_TRIALS as f64
            }
        }
    }

    fn floor(self, slo: f64) -> f64 {
        match self {
            Model::Ratio => (1.0 - slo) / 10.0,
            Model::Counts => 0.0,
        }
    }
}

fn baseline(bins: &[Bin], incidents: &[SignalIncident], slo: f64, model: Model) -> f64 {
    let outside = |b: &&Bin| {
        !incidents
            .iter()
            .any(|i| b.index >= i.start_bin && i.end_bin.is_none_or(|end| b.index < end))
    };
    let quiet: Vec<Bin> = bins.iter().filter(outside).copied().collect();
    let (n, e) = pooled(&quiet);
    let jeffreys = (e as f64 + 0.5) / (n as f64 + 1.0);
    jeffreys.max(model.floor(slo)).min(0.5)
}

/// Half the 95 % point of χ²(1): cut positions whose log-likelihood is within this of the
/// best form the likelihood-ratio confidence interval of the change point.
const CUT_CONFIDENCE: f64 = 1.92;

/// The position in `lo..=hi` that minimises the running sum of `score` from `lo` (where a
/// segment that scores `score` per bin is best begun), with the first and last positions whose
/// sum is within [`CUT_CONFIDENCE`] of it.
fn best_cut(
    bins: &[Bin],
    lo: usize,
    hi: usize,
    score: impl Fn(&Bin) -> f64,
) -> (usize, usize, usize) {
    let mut sums = Vec::with_capacity(hi.saturating_sub(lo) + 1);
    sums.push((lo, 0.0));
    let mut running = 0.0;
    for (i, bin) in bins.iter().enumerate().take(hi).skip(lo) {
        running += score(bin);
        sums.push((i + 1, running));
    }
    let best = sums
        .iter()
        .fold((lo, 0.0), |b, &(p, v)| if v < b.1 { (p, v) } else { b });
    let near: Vec<usize> = sums
        .iter()
        .filter(|(_, v)| *v <= best.1 + CUT_CONFIDENCE)
        .map(|(p, _)| *p)
        .collect();
    let first = near.iter().copied().min().unwrap_or(best.0);
    let last = near.iter().copied().max().unwrap_or(best.0);
    (best.0, first, last)
}

/// One pass over the bins with a fixed baseline.
fn scan(bins: &[Bin], p0: f64, params: Params, model: Model) -> Vec<SignalIncident> {
    let onset_evidence = params.onset_evidence();
    let p1 = model.material(p0, params.slo);
    let mut found: Vec<(usize, usize, Option<usize>)> = Vec::new();
    let mut i = 0;
    while i < bins.len() {
        // Onset CUSUM from i.
        let mut s = 0.0;
        let mut after_zero = i;
        let mut alarm = None;
        for (j, bin) in bins.iter().enumerate().skip(i) {
            s = (s + llr(bin, p1, p0)).max(0.0);
            if s == 0.0 {
                after_zero = j + 1;
            }
            if s >= onset_evidence {
                alarm = Some(j);
                break;
            }
        }
        let Some(alarm) = alarm else { break };
        // Recovery CUSUM after the alarm: baseline against "still failing", where still
        // failing is half the incident's own ratio so far, or the material ratio if higher.
        let (n_so_far, e_so_far) = pooled(&bins[after_zero.min(alarm)..=alarm]);
        let still_failing = (0.5 * e_so_far as f64 / n_so_far.max(1) as f64).clamp(p1, 0.99);
        let mut r = 0.0;
        let mut recovery_start = alarm + 1;
        let mut recovered = None;
        for (j, bin) in bins.iter().enumerate().skip(alarm + 1) {
            r = (r + llr(bin, p0, still_failing)).max(0.0);
            if r == 0.0 {
                recovery_start = j + 1;
            }
            if r >= RECOVERY_EVIDENCE {
                recovered = Some(recovery_start);
                break;
            }
        }
        found.push((after_zero.min(alarm), alarm, recovered));
        i = match recovered {
            Some(end) => end.max(alarm + 1),
            None => bins.len(),
        };
    }
    // Place start and end by a two-segment fit at the incident's own ratio.
    let mut incidents: Vec<SignalIncident> = Vec::new();
    for (start, alarm, end) in found {
        let stop = end.unwrap_or(bins.len());
        let (n, e) = pooled(&bins[start..stop.max(start + 1).min(bins.len())]);
        let p_hat = ((e as f64 + 0.5) / (n as f64 + 1.0)).clamp(p0 * 1.0001, 0.999);
        let lo = start.saturating_sub(REFIT_WINDOW);
        let hi = (start + REFIT_WINDOW).min(alarm + 1);
        let (start, start_first, start_last) = best_cut(bins, lo, hi, |b| llr(b, p_hat, p0));
        let start = start.min(alarm);
        let start_range = (
            bins[start_first.min(alarm)].index,
            bins[start_last.min(alarm)].index,
        );
        let fitted_end = end.map(|end| {
            let lo = end.saturating_sub(REFIT_WINDOW).max(alarm + 1);
            let hi = (end + REFIT_WINDOW).min(bins.len());
            // Minimising the sum of -llr from `lo` finds where the excess stops.
            let (cut, first, last) = best_cut(bins, lo, hi, |b| llr(b, p0, p_hat));
            let after = |p: usize| bins[p.max(alarm + 1) - 1].index + 1;
            (cut.max(alarm + 1), (after(first), after(last)))
        });
        let end = fitted_end.map(|(cut, _)| cut);
        let end_range = fitted_end.map(|(_, range)| range);
        let stop = end.unwrap_or(bins.len());
        let span = &bins[start..stop];
        let (n, e) = pooled(span);
        let peak = span
            .iter()
            .filter(|b| b.total > 0)
            .map(|b| b.errors as f64 / b.total as f64)
            .fold(0.0, f64::max);
        let incident = SignalIncident {
            kind: Kind::Errors,
            start_range,
            end_range,
            start_bin: bins[start].index,
            end_bin: end.map(|i| bins[i - 1].index + 1),
            alarm_bin: bins[alarm].index,
            baseline_ratio: p0,
            ratio: if n > 0 { e as f64 / n as f64 } else { 0.0 },
            peak_ratio: peak,
            requests: n,
            errors: e,
        };
        match incidents.last_mut() {
            Some(prev)
                if prev
                    .end_bin
                    .is_some_and(|end| incident.start_bin - end < MERGE_GAP_BINS) =>
            {
                let requests = prev.requests + incident.requests;
                let errors = prev.errors + incident.errors;
                prev.end_bin = incident.end_bin;
                prev.end_range = incident.end_range;
                prev.peak_ratio = prev.peak_ratio.max(incident.peak_ratio);
                prev.requests = requests;
                prev.errors = errors;
                prev.ratio = errors as f64 / requests.max(1) as f64;
            }
            _ => incidents.push(incident),
        }
    }
    incidents.retain(|i| i.errors as f64 - p0 * i.requests as f64 >= MIN_EXCESS_FAILURES);
    incidents
}

/// Finds the incidents in a series of bins (sorted by index; empty bins may be absent).
pub(crate) fn find_incidents(bins: &[Bin], params: Params) -> (Vec<SignalIncident>, f64) {
    find_with(bins, params, Model::Ratio)
}

/// The most bins a count series is filled out to (quiet minutes have no lines at all).
const MAX_DENSE_BINS: i64 = 2_000_000;

/// Error-only logs: finds incidents in the *rate* of errors. Minutes without a line are
/// quiet minutes, so the series is filled out first; each bin becomes `COUNT_TRIALS`
/// trials. Returns the incidents and the bins as the detector saw them (for effects).
pub(crate) fn find_incidents_in_counts(
    bins: &[Bin],
    params: Params,
) -> (Vec<SignalIncident>, Vec<Bin>) {
    let dense = counts_as_trials(bins);
    let (incidents, _) = find_with(&dense, params, Model::Counts);
    (incidents, dense)
}

/// Error counts as virtual trials, quiet minutes included (when the span is not absurd).
pub(crate) fn counts_as_trials(bins: &[Bin]) -> Vec<Bin> {
    let trial = |index: i64, errors: u64| Bin {
        index,
        total: COUNT_TRIALS,
        errors,
    };
    match (bins.first(), bins.last()) {
        (Some(first), Some(last)) if last.index - first.index < MAX_DENSE_BINS => {
            let mut dense = Vec::with_capacity((last.index - first.index + 1) as usize);
            let mut it = bins.iter().peekable();
            for index in first.index..=last.index {
                let errors = match it.peek() {
                    Some(b) if b.index == index => it.next().map_or(0, |b| b.errors),
                    _ => 0,
                };
                dense.push(trial(index, errors));
            }
            dense
        }
        _ => bins.iter().map(|b| trial(b.index, b.errors)).collect(),
    }
}

/// Bins pooled per window for the robust first baseline.
const ROBUST_WINDOW_BINS: usize = 10;

/// A first baseline that an outage cannot drag up: the median of the pooled ratios of
/// consecutive windows of [`ROBUST_WINDOW_BINS`] bins. A 20-minute total outage in an hour of
/// traffic moves the pooled ratio to 33 %, and a CUSUM against 33 % never alarms; the median
/// window is a quiet one as long as less than half the windows are in incidents. The passes
/// that follow re-estimate it from the bins outside the incidents found.
fn robust_baseline(bins: &[Bin], slo: f64, model: Model) -> f64 {
    let mut ratios: Vec<f64> = bins
        .chunks(ROBUST_WINDOW_BINS)
        .filter_map(|w| {
            let (n, e) = pooled(w);
            (n > 0).then(|| e as f64 / n as f64)
        })
        .collect();
    if ratios.is_empty() {
        return model.floor(slo).max(f64::MIN_POSITIVE);
    }
    ratios.sort_by(f64::total_cmp);
    // The lower median: with an even count (four windows, two of them in the outage) the
    // upper one is an outage window.
    let median = ratios[(ratios.len() - 1) / 2];
    let (n, _) = pooled(bins);
    // Jeffreys-style, as in `baseline`, so a median of zero is not a division by zero.
    let smoothed = (median * n as f64 + 0.5) / (n as f64 + 1.0);
    smoothed.max(model.floor(slo)).min(0.5)
}

fn find_with(bins: &[Bin], params: Params, model: Model) -> (Vec<SignalIncident>, f64) {
    let (mut per_part, p0) = settle(&[bins], params, model);
    (per_part.pop().unwrap_or_default(), p0)
}

/// Scans `parts` (series that no incident may cross) against one baseline, re-estimated from
/// their bins outside the incidents found until it settles (at most [`BASELINE_PASSES`]).
/// Returns the last pass's incidents of each part, stamped with the final baseline, and it.
fn settle(parts: &[&[Bin]], params: Params, model: Model) -> (Vec<Vec<SignalIncident>>, f64) {
    let pooled_bins: std::borrow::Cow<[Bin]> = match parts {
        [one] => std::borrow::Cow::Borrowed(*one),
        many => std::borrow::Cow::Owned(many.iter().flat_map(|p| p.iter().copied()).collect()),
    };
    let mut p0 = robust_baseline(&pooled_bins, params.slo, model);
    let mut per_part: Vec<Vec<SignalIncident>> = Vec::new();
    for _ in 0..BASELINE_PASSES {
        per_part = parts.iter().map(|p| scan(p, p0, params, model)).collect();
        let all: Vec<SignalIncident> = per_part.iter().flatten().cloned().collect();
        let next = baseline(&pooled_bins, &all, params.slo, model);
        if (next - p0).abs() <= p0 * 1e-3 {
            break;
        }
        p0 = next;
    }
    for i in per_part.iter_mut().flatten() {
        i.baseline_ratio = p0;
    }
    (per_part, p0)
}

/// How far around a stretch of data the baseline it is judged against reaches, in bins of a
/// minute (scaled to the run's bin width): the day before and the day after.
const CONTEXT_MINUTES: i64 = 24 * 60;

/// Incidents in each stretch (`[first, last]` bin indices) of a source's data, never across a
/// stretch's edge. Each stretch is judged against a baseline of the stretches within a day of
/// it: a log copied in windows of a few minutes is judged against its own other windows (a
/// window alone is too short to know what is usual), while a log that spans months is judged
/// against the days around each stretch, not against its whole history. `counts`: the bins
/// count error lines only (an error log, records), tested as a rate.
pub(crate) fn find_in_stretches(
    bins: &[Bin],
    stretches: &[(i64, i64)],
    bin_width: crate::time::Micros,
    params: Params,
    counts: bool,
) -> Vec<SignalIncident> {
    let model = if counts { Model::Counts } else { Model::Ratio };
    let parts: Vec<std::borrow::Cow<[Bin]>> = stretches
        .iter()
        .map(|&(first, last)| {
            let part = within(bins, first, last);
            if counts && !part.is_empty() {
                std::borrow::Cow::Owned(counts_as_trials(&padded(part, first, last)))
            } else {
                std::borrow::Cow::Borrowed(part)
            }
        })
        .collect();
    let reach = (CONTEXT_MINUTES * crate::time::MICROS_PER_MIN / bin_width.max(1)).max(1);
    // Stretches are grouped by the day-long block their first bin falls in; a block's
    // baseline comes from the stretches of it and of the blocks on each side.
    let block = |i: usize| stretches[i].0.div_euclid(reach);
    let mut found = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let day = block(i);
        let context: Vec<usize> = (0..parts.len())
            .filter(|&k| (block(k) - day).abs() <= 1 && !parts[k].is_empty())
            .collect();
        let slices: Vec<&[Bin]> = context.iter().map(|&k| &*parts[k]).collect();
        let (per_part, _) = settle(&slices, params, model);
        // The block's own stretches keep what the settled scan found in them.
        for (k, incidents) in context.iter().zip(per_part) {
            if block(*k) == day {
                found.extend(incidents);
            }
        }
        while i < parts.len() && block(i) == day {
            i += 1;
        }
    }
    found
}

/// The bins of `bins` (sorted by index) inside `[first, last]`.
pub fn within(bins: &[Bin], first: i64, last: i64) -> &[Bin] {
    let from = bins.partition_point(|b| b.index < first);
    let to = bins.partition_point(|b| b.index <= last);
    &bins[from..to]
}

/// A stretch's bins with a quiet bin at each end where it has none: a rate is judged over
/// the whole stretch (quiet minutes before the first line and after the last included), not
/// only between the minutes that had a line.
pub fn padded(part: &[Bin], first: i64, last: i64) -> Vec<Bin> {
    let quiet = |index| Bin {
        index,
        total: 0,
        errors: 0,
    };
    let mut out = Vec::with_capacity(part.len() + 2);
    if part.first().is_some_and(|b| b.index > first) {
        out.push(quiet(first));
    }
    out.extend_from_slice(part);
    if part.last().is_some_and(|b| b.index < last) {
        out.push(quiet(last));
    }
    out
}

/// Turns a per-bin count map into the bins the detector reads.
pub(crate) fn bins_from(series: &BTreeMap<i64, Counts>) -> Vec<Bin> {
    series
        .iter()
        .map(|(&index, c)| Bin {
            index,
            total: c.total,
            errors: c.errors,
        })
        .collect()
}

#[cfg(test)]
mod tests;
