//! Where a source has data. A source that wrote nothing for much longer than it usually goes
//! quiet has a *gap*: nothing is known there, so no incident may be found across it, and "no
//! data" is never read as "healthy". The threshold is the source's own: ten times its usual
//! spacing between lines (the median distance between bins that have lines), and never less
//! than [`MIN_GAP`], so a busy access log that stops for half an hour has a gap, while a
//! syslog that writes a line every ten minutes does not have one between its lines.

use crate::time::{MICROS_PER_MIN, Micros};

/// A silence shorter than this is never a gap, however busy the source.
pub const MIN_GAP: Micros = 30 * MICROS_PER_MIN;
/// How many times its usual spacing a source must be silent for a gap.
pub const GAP_FACTOR: i64 = 10;

/// The silence (in bins) beyond which a source with lines in `indices` (sorted bin indices)
/// has a gap.
pub fn gap_threshold(indices: &[i64], bin_width: Micros) -> i64 {
    let mut spacing: Vec<i64> = indices.windows(2).map(|w| w[1] - w[0]).collect();
    let floor = (MIN_GAP + bin_width - 1) / bin_width.max(1);
    if spacing.is_empty() {
        return floor.max(1);
    }
    spacing.sort_unstable();
    let usual = spacing[spacing.len() / 2];
    (usual.saturating_mul(GAP_FACTOR)).max(floor).max(1)
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
pub fn union(sorted: &[(i64, i64)]) -> Vec<(i64, i64)> {
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
    fn days_apart_are_separate_segments() {
        let bins = vec![0, 1, 2, 5 * 1440, 5 * 1440 + 1];
        let t = gap_threshold(&bins, MIN);
        assert_eq!(segments(&bins, t), vec![(0, 2), (7200, 7201)]);
    }
}
