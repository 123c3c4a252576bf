//! The incident's own signal around its window, for its sparkline. Drawn from the same
//! numbers the incident was judged on (its primary sources' bins, or their failed logins),
//! so the line's peak is the incident's peak, whatever else the folder holds.

use crate::detect::Kind;
use crate::detect::wording::Plotted;
use crate::time::{MICROS_PER_MIN, Micros};

use crate::aggregate::Series;

use crate::detect::sources::{SourceKind, SourceSignal};

/// What the line plots, and how its peak reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Failed over all, per bin.
    Ratio,
    /// Events per bin.
    Count,
    /// The 95th percentile request time per bin, in milliseconds.
    Milliseconds,
}

#[derive(Debug, Clone)]
/// An incident's own signal around its window, for its sparkline.
pub struct Shape {
    /// What it measures.
    pub measure: Measure,
    /// What is plotted, as the line's label says it ("error ratio", "failed logins").
    pub label: &'static str,
    /// Width of a cell.
    pub bin_micros: Micros,
    /// Start of each bin with data, and its value; bins without data are absent.
    pub points: Vec<(Micros, f64)>,
    /// The window drawn: `[from, to)`.
    pub from: Micros,
    /// End of the last cell.
    pub to: Micros,
    /// The highest value inside the incident: the peak the text names.
    pub peak: f64,
}

/// Context drawn on either side of the incident: as long as the incident, at least this.
const MIN_CONTEXT: Micros = 30 * MICROS_PER_MIN;
/// And at most this, so a day-long incident keeps a readable line.
const MAX_CONTEXT: Micros = 12 * 60 * MICROS_PER_MIN;

/// What an incident was judged on: its kind, the unit and merged series of its primary
/// sources, and the sources that showed it.
pub struct Judged<'a> {
    /// What kind of incident.
    pub kind: Kind,
    /// What its sources count.
    pub unit: SourceKind,
    /// Its merged series.
    pub series: &'a Series,
    /// The sources that showed it.
    pub showing: Vec<&'a SourceSignal>,
}

/// The shape of an incident over `[start, until)` and the context around it.
pub fn of(case: &Judged, bin: Micros, start: Micros, until: Micros) -> Shape {
    let bin = bin.max(1);
    let context = (until - start).clamp(MIN_CONTEXT, MAX_CONTEXT);
    let (from, to) = (start - context, until.max(start + bin) + context);
    let (first, last) = (from.div_euclid(bin), (to - 1).div_euclid(bin));
    let (plotted, label) = case.kind.chart(case.unit);
    let (measure, points): (Measure, Vec<(i64, f64)>) = match plotted {
        Plotted::FailedLogins => {
            let mut per_bin = std::collections::BTreeMap::<i64, u64>::new();
            for s in &case.showing {
                for (&b, &n) in s.auth_failures.range(first..=last) {
                    *per_bin.entry(b).or_default() += n;
                }
            }
            let points = per_bin.into_iter().map(|(b, n)| (b, n as f64)).collect();
            (Measure::Count, points)
        }
        Plotted::LatencyP95 => {
            let points = case
                .series
                .latency
                .range(first..=last)
                .filter_map(|(&b, l)| l.quantile_ms(0.95).map(|v| (b, v)))
                .collect();
            (Measure::Milliseconds, points)
        }
        Plotted::Total => (Measure::Count, counts(case, first, last, |c| c.total)),
        Plotted::Failures => (Measure::Count, counts(case, first, last, |c| c.errors)),
        Plotted::Ratio => {
            let points = case
                .series
                .bins
                .range(first..=last)
                .filter(|(_, c)| c.total > 0)
                .map(|(&b, c)| (b, c.errors as f64 / c.total as f64))
                .collect();
            (Measure::Ratio, points)
        }
    };
    let points = if measure == Measure::Count {
        zero_filled(case, points, first, last)
    } else {
        points
    };
    let (lo, hi) = (
        start.div_euclid(bin),
        (until - 1).max(start).div_euclid(bin),
    );
    let peak = points
        .iter()
        .filter(|(b, _)| (lo..=hi).contains(b))
        .map(|&(_, v)| v)
        .fold(0.0, f64::max);
    Shape {
        measure,
        label,
        bin_micros: bin,
        points: points.into_iter().map(|(b, v)| (b * bin, v)).collect(),
        from: first * bin,
        to: (last + 1) * bin,
        peak,
    }
}

fn counts(
    case: &Judged,
    first: i64,
    last: i64,
    value: impl Fn(&crate::aggregate::Counts) -> u64,
) -> Vec<(i64, f64)> {
    case.series
        .bins
        .range(first..=last)
        .map(|(&b, c)| (b, value(c) as f64))
        .collect()
}

/// Counts with the quiet bins of the showing sources' coverage as zeros: a minute without a
/// failed login (or without a request) is a zero, not a hole; a gap in the data stays blank.
fn zero_filled(case: &Judged, points: Vec<(i64, f64)>, first: i64, last: i64) -> Vec<(i64, f64)> {
    let mut all: std::collections::BTreeMap<i64, f64> = points.into_iter().collect();
    for s in &case.showing {
        for &(a, b) in &s.segments {
            for index in a.max(first)..=b.min(last) {
                all.entry(index).or_insert(0.0);
            }
        }
    }
    all.into_iter().collect()
}
