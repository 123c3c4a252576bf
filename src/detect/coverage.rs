//! Where a source has data. A source that wrote nothing for much longer than it usually goes
//! quiet has a *gap*: nothing is known there, so no incident may be found across it, and "no
//! data" is never read as "healthy". Two rules, both the source's own, and either makes a gap:
//!
//! - **Its rate.** A silence in which the source, at the rate it wrote just before *and* just
//!   after (the smaller of the two), would have written [`EXPECTED_LINES_FOR_GAP`] lines or
//!   more. Poisson odds of that silence by chance are e⁻²⁰: a busy log with a minute-long
//!   hole has a gap (logs copied in windows around events, a collector that dropped out),
//!   while a quiet one that goes silent at night does not, since its rate after is low.
//! - **Its spacing.** Ten times its usual spacing between lines (the median distance between
//!   bins with lines), and never less than [`MIN_GAP`], so a sparse syslog that writes a line
//!   every ten minutes is judged on the hours, not the minutes.

use crate::time::{MICROS_PER_MIN, Micros};

/// A silence shorter than this is never a gap, however busy the source.
pub(crate) const MIN_GAP: Micros = 30 * MICROS_PER_MIN;
/// How many times its usual spacing a source must be silent for a gap.
pub(crate) const GAP_FACTOR: i64 = 10;

/// The silence (in bins) beyond which a source with lines in `indices` (sorted bin indices)
/// has a gap.
pub(crate) fn gap_threshold(indices: &[i64], bin_width: Micros) -> i64 {
    let mut spacing: Vec<i64> = indices.windows(2).map(|w| w[1] - w[0]).collect();
    let floor = (MIN_GAP + bin_width - 1) / bin_width.max(1);
    if spacing.is_empty() {
        return floor.max(1);
    }
    spacing.sort_unstable();
    let usual = spacing[spacing.len() / 2];
    (usual.saturating_mul(GAP_FACTOR)).max(floor).max(1)
}

/// Lines a silence must have been expected to hold, at the source's own rate around it, to be a
/// gap whatever its length.
pub(crate) const EXPECTED_LINES_FOR_GAP: f64 = 20.0;
/// Bins with data on each side of a silence that give the rate around it.
const RATE_NEIGHBOURS: usize = 5;

/// Runs of bins with data, between gaps by either rule, for a source with `counts` lines in
/// each bin that has any (`(bin index, lines)`, sorted by index).
pub(crate) fn segments_of_counts(counts: &[(i64, u64)], bin_width: Micros) -> Vec<(i64, i64)> {
    let indices: Vec<i64> = counts.iter().map(|(b, _)| *b).collect();
    let spacing = gap_threshold(&indices, bin_width);
    // Prefix sums of lines, so each side's rate is two look-ups.
    let mut prefix = Vec::with_capacity(counts.len() + 1);
    prefix.push(0u64);
    for (_, n) in counts {
        prefix.push(prefix.last().copied().unwrap_or(0).saturating_add(*n));
    }
    // Lines per bin over counts[from..to] (bins with data and the silences between them).
    let rate = |from: usize, to: usize| {
        let span = counts[to - 1].0 - counts[from].0 + 1;
        (prefix[to] - prefix[from]) as f64 / span.max(1) as f64
    };
    let mut out: Vec<(i64, i64)> = Vec::new();
    for (i, &(bin, _)) in counts.iter().enumerate() {
        let Some((_, last)) = out.last_mut() else {
            out.push((bin, bin));
            continue;
        };
        let silent = bin - *last - 1;
        let expected = if silent > 0 {
            let before = rate(i.saturating_sub(RATE_NEIGHBOURS), i);
            let after = rate(i, (i + RATE_NEIGHBOURS).min(counts.len()));
            before.min(after) * silent as f64
        } else {
            0.0
        };
        if bin - *last <= spacing && expected < EXPECTED_LINES_FOR_GAP {
            *last = bin;
        } else {
            out.push((bin, bin));
        }
    }
    out
}

/// `segments` cut wherever one of `gaps` (a stretch with no data at all, `(last bin with
/// data, next bin with data)`) lies inside one.
pub(crate) fn cut_at(segments: &[(i64, i64)], gaps: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut out = Vec::with_capacity(segments.len());
    for &(first, last) in segments {
        let mut from = first;
        for &(before, after) in gaps {
            if before >= from && after <= last {
                out.push((from, before));
                from = after;
            }
        }
        out.push((from, last));
    }
    out
}

/// Runs of bins with data: `[first, last]` bin indices (inclusive) between gaps.
pub fn segments(indices: &[i64], threshold: i64) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for &i in indices {
        match out.last_mut() {
            Some((_, last)) if i - *last <= threshold => *last = i,
            _ => out.push((i, i)),
        }
    }
    out
}

/// Sorted segments with the overlapping or touching ones merged.
pub(crate) fn union(sorted: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for &(a, b) in sorted {
        match out.last_mut() {
            Some((_, last)) if a <= last.saturating_add(1) => *last = (*last).max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// The gaps between segments: `(last bin with data, next bin with data)`.
pub fn gaps(segments: &[(i64, i64)]) -> Vec<(i64, i64)> {
    segments.windows(2).map(|w| (w[0].1, w[1].0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Micros = MICROS_PER_MIN;

    #[test]
    fn a_busy_source_silent_for_an_hour_has_a_gap() {
        let mut bins: Vec<i64> = (0..100).collect();
        bins.extend(160..200);
        let t = gap_threshold(&bins, MIN);
        assert_eq!(t, 30);
        assert_eq!(segments(&bins, t), vec![(0, 99), (160, 199)]);
        assert_eq!(gaps(&segments(&bins, t)), vec![(99, 160)]);
    }

    #[test]
    fn a_sparse_source_is_judged_by_its_own_spacing() {
        // A line every 20 minutes: a 2-hour silence is ordinary, a 5-hour one is a gap.
        let mut bins: Vec<i64> = (0..20).map(|i| i * 20).collect();
        bins.push(19 * 20 + 120);
        bins.push(19 * 20 + 120 + 300);
        let t = gap_threshold(&bins, MIN);
        assert_eq!(t, 200);
        assert_eq!(segments(&bins, t).len(), 2);
    }

    #[test]
    fn overlapping_and_touching_segments_unite() {
        assert_eq!(
            union(&[(0, 10), (5, 20), (21, 30), (40, 50)]),
            vec![(0, 30), (40, 50)]
        );
    }

    #[test]
    fn a_busy_source_with_a_three_minute_hole_has_a_gap() {
        // 300 lines a minute, then nothing for three minutes: data copied in windows.
        let mut counts: Vec<(i64, u64)> = (0..4).map(|b| (b, 300)).collect();
        counts.extend((8..12).map(|b| (b, 300)));
        assert_eq!(segments_of_counts(&counts, MIN), vec![(0, 3), (8, 11)]);
    }

    #[test]
    fn a_quiet_source_with_the_same_hole_has_none() {
        // Two lines a minute: three silent minutes are six lines short, which happens.
        let mut counts: Vec<(i64, u64)> = (0..10).map(|b| (b, 2)).collect();
        counts.extend((14..20).map(|b| (b, 2)));
        assert_eq!(segments_of_counts(&counts, MIN), vec![(0, 19)]);
    }

    #[test]
    fn a_busy_evening_before_a_quiet_night_is_no_gap() {
        // 100 lines a minute, then five silent minutes, then one line a minute: the rate after
        // the silence is the smaller, and it does not predict twenty lines.
        let mut counts: Vec<(i64, u64)> = (0..10).map(|b| (b, 100)).collect();
        counts.extend((15..30).map(|b| (b, 1)));
        assert_eq!(segments_of_counts(&counts, MIN), vec![(0, 29)]);
    }

    #[test]
    fn a_gap_of_the_whole_run_cuts_every_segment_across_it() {
        assert_eq!(
            cut_at(&[(0, 20), (30, 40)], &[(5, 9), (12, 15), (25, 28)]),
            vec![(0, 5), (9, 12), (15, 20), (30, 40)]
        );
    }

    #[test]
    fn days_apart_are_separate_segments() {
        let bins = vec![0, 1, 2, 5 * 1440, 5 * 1440 + 1];
        let t = gap_threshold(&bins, MIN);
        assert_eq!(segments(&bins, t), vec![(0, 2), (7200, 7201)]);
    }
}
