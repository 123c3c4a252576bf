//! Lost traffic: a request source whose rate falls far below what the hours around it
//! predict, to zero or to a small fraction, is an incident even without one error line. A
//! host that went dark writes nothing, so the error ratio cannot see it.
//!
//! - The prediction for a moment is the larger of two medians of the rate in 5-minute buckets:
//!   over the [`MAX_LOSS`] before it and the [`MAX_LOSS`] after it. A median ignores the loss
//!   itself as long as the loss is shorter than the window, and taking the larger side lets a
//!   loss at the start of the morning rise, or just before the evening fall, be judged by the
//!   side that saw normal traffic. Daily rhythm changes the rate by a few times over hours, not
//!   tenfold within minutes, so it does not read as a loss.
//! - A bin is *low* when it holds at most [`LOSS_FRACTION`] of its prediction. A run of low bins
//!   is a loss when the Poisson evidence for "a tenth of the usual rate" against "the usual
//!   rate" reaches the same onset evidence as errors (10⁶ : 1 by default), it lasts at least
//!   [`MIN_LOSS`], and it lost at least [`super::MIN_EXCESS_FAILURES`] requests. At 6 requests
//!   a minute, a silent 5 minutes is a loss; at one request every five minutes nothing can be.
//! - Only the source's own span is judged: a file that simply ends (or starts late) has lost
//!   nothing. A silence longer than [`MAX_LOSS`] is a gap in the data, not a loss.

use super::{Bin, Kind, MIN_EXCESS_FAILURES, Params, SignalIncident};
use crate::time::{MICROS_PER_MIN, Micros};

/// "A small fraction" of the predicted rate.
pub(crate) const LOSS_FRACTION: f64 = 0.1;
/// The shortest loss worth a postmortem.
pub(crate) const MIN_LOSS: Micros = 5 * MICROS_PER_MIN;
/// Longer silences are gaps in the data (a missing rotation piece, a copy of other days).
pub(crate) const MAX_LOSS: Micros = 6 * 60 * MICROS_PER_MIN;
/// The resolution of the prediction.
const BUCKET: Micros = 5 * MICROS_PER_MIN;
/// A side of the prediction window needs this many buckets (30 minutes) to speak.
const MIN_SIDE_BUCKETS: usize = 6;
/// Low runs this close (in bins) are one loss if the whole stays low.
const JOIN_BINS: usize = 2;
/// The densest series this looks at (longer spans are filled out no further).
const MAX_DENSE_BINS: i64 = 2_000_000;

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(values[values.len() / 2])
}

/// The predicted requests per bin for each bin of `counts` (dense, from the source's first bin).
fn predictions(counts: &[u64], bin_width: Micros) -> Vec<Option<f64>> {
    let per_bucket = ((BUCKET / bin_width.max(1)) as usize).max(1);
    let rates: Vec<f64> = counts
        .chunks(per_bucket)
        .map(|c| c.iter().sum::<u64>() as f64 / c.len() as f64)
        .collect();
    let window = ((MAX_LOSS / BUCKET.max(bin_width)) as usize).max(1);
    let predicted: Vec<Option<f64>> = (0..rates.len())
        .map(|k| {
            let side = |range: std::ops::Range<usize>| {
                let mut v: Vec<f64> = rates[range].to_vec();
                if v.len() < MIN_SIDE_BUCKETS {
                    None
                } else {
                    median(&mut v)
                }
            };
            let before = side(k.saturating_sub(window)..k);
            let after = side((k + 1).min(rates.len())..(k + 1 + window).min(rates.len()));
            match (before, after) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            }
        })
        .collect();
    (0..counts.len())
        .map(|i| predicted[i / per_bucket])
        .collect()
}

/// Poisson log-likelihood ratio of "rate × LOSS_FRACTION" against "rate", for `observed`
/// requests where `expected` were predicted.
fn loss_evidence(observed: f64, expected: f64) -> f64 {
    observed * LOSS_FRACTION.ln() + (1.0 - LOSS_FRACTION) * expected
}

/// Finds losses of traffic in a request source's bins (sorted by index; empty bins absent).
pub(crate) fn find_traffic_loss(
    bins: &[Bin],
    bin_width: Micros,
    params: Params,
) -> Vec<SignalIncident> {
    let (Some(first), Some(last)) = (bins.first(), bins.last()) else {
        return Vec::new();
    };
    if last.index - first.index >= MAX_DENSE_BINS {
        return Vec::new();
    }
    let mut counts = vec![0u64; (last.index - first.index + 1) as usize];
    for b in bins {
        counts[(b.index - first.index) as usize] = b.total;
    }
    let expected = predictions(&counts, bin_width);
    let low =
        |i: usize| expected[i].is_some_and(|e| e > 0.0 && counts[i] as f64 <= LOSS_FRACTION * e);
    // Runs of low bins, joined across short interruptions while the whole stays low.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < counts.len() {
        if !low(i) {
            i += 1;
            continue;
        }
        let mut end = i;
        while end + 1 < counts.len() && low(end + 1) {
            end += 1;
        }
        match runs.last_mut() {
            Some((start, prev_end)) if i - *prev_end - 1 <= JOIN_BINS => {
                let (o, e) = sums(&counts, &expected, *start, end);
                if o <= LOSS_FRACTION * e {
                    *prev_end = end;
                } else {
                    runs.push((i, end));
                }
            }
            _ => runs.push((i, end)),
        }
        i = end + 1;
    }
    let min_bins = ((MIN_LOSS + bin_width - 1) / bin_width.max(1)).max(1) as usize;
    let max_bins = (MAX_LOSS / bin_width.max(1)).max(1) as usize;
    let threshold = params.onset_evidence();
    runs.into_iter()
        .filter_map(|(start, end)| {
            let len = end - start + 1;
            let (observed, predicted) = sums(&counts, &expected, start, end);
            // Traffic is there on both sides: a run that starts or ends because the prediction
            // itself ran out (a long hole between two days of data) is a gap, not a loss.
            let real = |j: usize| counts[j] > 0 && !low(j);
            let bounded = start > 0 && real(start - 1) && end + 1 < counts.len() && real(end + 1);
            let enough = bounded
                && len >= min_bins
                && len <= max_bins
                && predicted - observed >= MIN_EXCESS_FAILURES
                && loss_evidence(observed, predicted) >= threshold;
            if !enough {
                return None;
            }
            // Where the evidence first reached the threshold: the alarm.
            let mut running = (0.0, 0.0);
            let alarm = (start..=end)
                .find(|&j| {
                    running.0 += counts[j] as f64;
                    running.1 += expected[j].unwrap_or(0.0);
                    loss_evidence(running.0, running.1) >= threshold
                })
                .unwrap_or(end);
            let index = |j: usize| first.index + j as i64;
            let peak = (start..=end)
                .filter_map(|j| expected[j].map(|e| 1.0 - (counts[j] as f64 / e).min(1.0)))
                .fold(0.0, f64::max);
            Some(SignalIncident {
                kind: Kind::TrafficLoss,
                start_range: (index(start), index(start)),
                end_range: Some((index(end) + 1, index(end) + 1)),
                start_bin: index(start),
                end_bin: Some(index(end) + 1),
                alarm_bin: index(alarm),
                baseline_ratio: 0.0,
                ratio: 1.0 - observed / predicted.max(1.0),
                peak_ratio: peak,
                requests: predicted.round() as u64,
                errors: (predicted - observed).max(0.0).round() as u64,
            })
        })
        .collect()
}

fn sums(counts: &[u64], expected: &[Option<f64>], start: usize, end: usize) -> (f64, f64) {
    (start..=end).fold((0.0, 0.0), |(o, e), j| {
        (o + counts[j] as f64, e + expected[j].unwrap_or(0.0))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Micros = MICROS_PER_MIN;

    fn steady(rpm: u64, minutes: i64, silent: std::ops::Range<i64>) -> Vec<Bin> {
        (0..minutes)
            .filter(|m| !silent.contains(m))
            .map(|m| Bin {
                index: m,
                total: rpm,
                errors: 0,
            })
            .collect()
    }

    #[test]
    fn a_host_gone_dark_for_26_minutes_is_a_loss() {
        let bins = steady(20, 240, 100..126);
        let found = find_traffic_loss(&bins, MIN, Params::new(0.999));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, Kind::TrafficLoss);
        assert_eq!((found[0].start_bin, found[0].end_bin), (100, Some(126)));
        assert_eq!(found[0].errors, 520);
    }

    #[test]
    fn six_requests_a_minute_silent_for_twenty_minutes_is_a_loss() {
        let bins = steady(6, 180, 60..80);
        let found = find_traffic_loss(&bins, MIN, Params::new(0.999));
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn a_trickle_cannot_show_a_loss() {
        // One request every five minutes: half an hour without one is ordinary.
        let bins: Vec<Bin> = (0..600)
            .filter(|m| m % 5 == 0 && !(300..330).contains(m))
            .map(|m| Bin {
                index: m,
                total: 1,
                errors: 0,
            })
            .collect();
        assert!(find_traffic_loss(&bins, MIN, Params::new(0.999)).is_empty());
    }

    #[test]
    fn a_file_that_ends_or_a_day_long_hole_is_no_loss() {
        let mut bins = steady(50, 120, 0..0);
        assert!(find_traffic_loss(&bins, MIN, Params::new(0.999)).is_empty());
        bins.extend(steady(50, 120, 0..0).into_iter().map(|b| Bin {
            index: b.index + 24 * 60,
            ..b
        }));
        assert!(find_traffic_loss(&bins, MIN, Params::new(0.999)).is_empty());
    }

    #[test]
    fn a_fall_to_five_percent_is_a_loss() {
        let bins: Vec<Bin> = (0..240)
            .map(|m| Bin {
                index: m,
                total: if (100..130).contains(&m) { 5 } else { 100 },
                errors: 0,
            })
            .collect();
        let found = find_traffic_loss(&bins, MIN, Params::new(0.999));
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].start_bin, found[0].end_bin), (100, Some(130)));
    }
}
