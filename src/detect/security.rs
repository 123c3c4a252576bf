//! Bursts of failed logins: a series of their own, never part of an availability ratio.
//!
//! Why campaigns and outliers: an internet-facing host sees password-guessing bursts every
//! hour (the public `auth.log` sample has 46 of them in three weeks). Each is real, but a
//! draft that lists them all hides whatever else happened. Bursts close together are one
//! campaign, and when a source has enough campaigns to say what is usual for it, only those
//! far larger than its usual ones are incidents. A host that is normally quiet keeps every
//! burst.

use std::collections::BTreeMap;

use crate::detect::{self, Bin, Kind, Params, padded, within};
use crate::time::{MICROS_PER_MIN, Micros};

/// Bursts this close together are one campaign.
const CAMPAIGN_GAP: Micros = 30 * MICROS_PER_MIN;
/// With fewer campaigns than this, nothing says what is usual: each one counts.
const MIN_CAMPAIGNS_FOR_USUAL: usize = 4;
/// A campaign is unusual when its failed logins are beyond Tukey's far-out fence
/// (Q3 + 3 × IQR) of the source's campaigns and more than this many times their median.
const USUAL_MULTIPLE: f64 = 3.0;

/// A source's unusual campaigns of failed logins (per bin, over its stretches of data), as `security` incidents.
pub(crate) fn bursts_in(
    auth_failures: &BTreeMap<i64, u64>,
    segments: &[(i64, i64)],
    params: Params,
    bin_width: Micros,
) -> Vec<detect::SignalIncident> {
    let bins: Vec<Bin> = auth_failures
        .iter()
        .map(|(&index, &n)| Bin {
            index,
            total: n,
            errors: n,
        })
        .collect();
    let mut bursts = Vec::new();
    for &(first, last) in segments {
        let part = within(&bins, first, last);
        if part.is_empty() {
            continue;
        }
        let part = padded(part, first, last);
        let (incidents, _) = detect::find_incidents_in_counts(&part, params);
        bursts.extend(incidents);
    }
    let gap_bins = (CAMPAIGN_GAP / bin_width.max(1)).max(1);
    // The stretch of data a bin lies in: no campaign runs across missing data.
    let segment_end = |bin: i64| {
        segments
            .iter()
            .find(|(a, b)| (*a..=*b).contains(&bin))
            .map_or(bin, |(_, b)| *b)
    };
    for b in bursts.iter_mut().filter(|b| b.end_bin.is_none()) {
        b.end_bin = quiet_after(
            auth_failures,
            b.start_bin,
            gap_bins,
            segment_end(b.start_bin),
        );
        b.end_range = b.end_bin.map(|e| (e, e));
    }
    let mut campaigns = campaigns(bursts, gap_bins, segment_end, |from, to| {
        // A campaign with no end in its data runs to where its data stops.
        failures(auth_failures, from, to.or(Some(segment_end(from) + 1)))
    });
    let covered: i64 = segments.iter().map(|(a, b)| b - a + 1).sum();
    let total = failures(auth_failures, i64::MIN, None);
    for c in &mut campaigns {
        let end = c.end_bin.unwrap_or(segment_end(c.start_bin) + 1);
        let background =
            total.saturating_sub(c.errors) as f64 / (covered - (end - c.start_bin)).max(1) as f64;
        let start = onset(auth_failures, c.start_bin, end, background);
        if start != c.start_bin {
            c.start_bin = start;
            c.start_range = (start, start);
            c.alarm_bin = c.alarm_bin.max(start);
            c.errors = failures(auth_failures, start, c.end_bin.or(Some(end)));
            c.requests = c.errors;
        }
    }
    unusual(campaigns)
}

/// Evidence a change of rate must reach to move a campaign's start (10⁶ : 1, as for onsets).
const ONSET_LOG_ODDS: f64 = 13.8;

/// Where a campaign of failed logins really starts. The rate test may begin a burst at a
/// probe of the usual kind (a handful of tries) and run it on into an attack half an hour
/// later: split the campaign's bins `[from, to)` in two where the rate most likely changed
/// (Poisson likelihood); when the part before is no busier than the host's `background`
/// (failed logins per bin outside the campaign, tripled for noise) and the change is clear,
/// the campaign starts at the split.
fn onset(auth_failures: &BTreeMap<i64, u64>, from: i64, to: i64, background: f64) -> i64 {
    let len = to - from;
    // Bounded work: a campaign of over 100,000 bins (ten weeks of minutes) keeps its start.
    if !(2..=100_000).contains(&len) {
        return from;
    }
    let counts: Vec<f64> = (from..to)
        .map(|b| auth_failures.get(&b).copied().unwrap_or(0) as f64)
        .collect();
    let part = |sum: f64, bins: f64| {
        if sum > 0.0 {
            sum * (sum / bins).ln() - sum
        } else {
            0.0
        }
    };
    let total: f64 = counts.iter().sum();
    let whole = part(total, len as f64);
    let mut before = 0.0;
    let mut best: Option<(f64, i64)> = None;
    for (k, n) in counts.iter().enumerate().take(counts.len() - 1) {
        before += n;
        let (l1, l2) = ((k + 1) as f64, (len as usize - k - 1) as f64);
        let after = total - before;
        if after / l2 <= before / l1 || before / l1 > USUAL_MULTIPLE * background {
            continue;
        }
        let gain = part(before, l1) + part(after, l2) - whole;
        if best.is_none_or(|(g, _)| gain > g) {
            best = Some((gain, from + k as i64 + 1));
        }
    }
    match best {
        Some((gain, split)) if gain >= ONSET_LOG_ODDS => split,
        _ => from,
    }
}

/// Where a burst the rate test saw no end of stops: after its last failed login that is
/// followed by a campaign gap with none, inside the stretch of data ending at `last_bin` (on
/// an internet-facing host the rate never returns to a quiet baseline, but an attacker does
/// stop). `None` when failures go on, without such a gap, until the data stops: the attack is
/// still going when the log (or the stretch) ends.
fn quiet_after(
    auth_failures: &BTreeMap<i64, u64>,
    start: i64,
    gap_bins: i64,
    last_bin: i64,
) -> Option<i64> {
    let mut bins = auth_failures
        .range(start..=last_bin.max(start))
        .map(|(b, _)| *b)
        .peekable();
    while let Some(bin) = bins.next() {
        match bins.peek() {
            Some(next) if next - bin <= gap_bins => continue,
            _ if bin + gap_bins <= last_bin => return Some(bin + 1),
            _ => return None,
        }
    }
    None
}

/// Failed logins in `[from, to)` (`to` open when `None`).
fn failures(auth_failures: &BTreeMap<i64, u64>, from: i64, to: Option<i64>) -> u64 {
    match to {
        Some(to) => auth_failures.range(from..to).map(|(_, n)| n).sum(),
        None => auth_failures.range(from..).map(|(_, n)| n).sum(),
    }
}

/// Bursts (sorted by start) less than `gap_bins` apart merged; each campaign's count is
/// its failed logins.
fn campaigns(
    bursts: Vec<detect::SignalIncident>,
    gap_bins: i64,
    segment_end: impl Fn(i64) -> i64,
    count: impl Fn(i64, Option<i64>) -> u64,
) -> Vec<detect::SignalIncident> {
    let mut out: Vec<detect::SignalIncident> = Vec::new();
    for b in bursts {
        match out.last_mut() {
            Some(c)
                if c.end_bin
                    .is_some_and(|e| b.start_bin < e.saturating_add(gap_bins))
                    && segment_end(c.start_bin) == segment_end(b.start_bin) =>
            {
                c.end_bin = b.end_bin.map(|e| e.max(c.end_bin.unwrap_or(e)));
                c.end_range = b.end_range;
                c.peak_ratio = c.peak_ratio.max(b.peak_ratio);
            }
            _ => out.push(b),
        }
    }
    for c in &mut out {
        c.kind = Kind::Security;
        c.errors = count(c.start_bin, c.end_bin);
        c.requests = c.errors;
    }
    out
}

/// The campaigns far larger than the source's usual ones (all of them when there are too
/// few to say what is usual). Each is judged against the others: among a handful of
/// campaigns, one attack would otherwise raise the fence it is judged by above itself.
fn unusual(campaigns: Vec<detect::SignalIncident>) -> Vec<detect::SignalIncident> {
    if campaigns.len() < MIN_CAMPAIGNS_FOR_USUAL {
        return campaigns;
    }
    let sizes: Vec<f64> = campaigns.iter().map(|c| c.errors as f64).collect();
    let fences: Vec<f64> = (0..sizes.len())
        .map(|i| {
            let mut others: Vec<f64> = sizes
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, s)| *s)
                .collect();
            others.sort_by(f64::total_cmp);
            fence(&others)
        })
        .collect();
    campaigns
        .into_iter()
        .zip(fences)
        .filter(|(c, fence)| c.errors as f64 > *fence)
        .map(|(c, _)| c)
        .collect()
}

/// Tukey's far-out fence of sorted sizes (Q3 + 3 × IQR), and at least
/// [`USUAL_MULTIPLE`] × their median.
fn fence(sorted: &[f64]) -> f64 {
    let quantile = |q: f64| {
        let at = q * (sorted.len() - 1) as f64;
        let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
        sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64)
    };
    let (q1, median, q3) = (quantile(0.25), quantile(0.5), quantile(0.75));
    (q3 + 3.0 * (q3 - q1)).max(USUAL_MULTIPLE * median)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn burst(start: i64, end: i64, errors: u64) -> detect::SignalIncident {
        detect::SignalIncident {
            kind: Kind::Security,
            start_range: (start, start),
            end_range: Some((end, end)),
            start_bin: start,
            end_bin: Some(end),
            alarm_bin: start,
            baseline_ratio: 0.0,
            ratio: 0.0,
            peak_ratio: 0.0,
            requests: errors,
            errors,
        }
    }

    #[test]
    fn bursts_minutes_apart_are_one_campaign_with_their_summed_failures() {
        let bursts = vec![burst(0, 5, 0), burst(20, 25, 0), burst(100, 102, 0)];
        let c = campaigns(
            bursts,
            30,
            |_| i64::MAX,
            |from, to| (to.unwrap() - from) as u64 * 10,
        );
        assert_eq!(c.len(), 2);
        assert_eq!((c[0].start_bin, c[0].end_bin), (0, Some(25)));
        assert_eq!(c[0].errors, 250);
        assert_eq!(c[1].errors, 20);
    }

    #[test]
    fn on_a_host_that_is_always_probed_only_the_far_larger_campaign_is_an_incident() {
        let mut all: Vec<_> = (0..20)
            .map(|i| burst(i * 100, i * 100 + 3, 19 + (i as u64 % 5) * 10))
            .collect();
        all.push(burst(5000, 5010, 504));
        let kept = unusual(all);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].errors, 504);
    }

    #[test]
    fn a_burst_without_a_measured_end_stops_at_its_attackers_last_try_before_a_quiet_gap() {
        let failures: BTreeMap<i64, u64> = [(10, 5), (11, 9), (14, 3), (60, 1), (300, 2)].into();
        assert_eq!(quiet_after(&failures, 10, 30, 400), Some(15));
        // Still trying when the log ends: no end.
        let going: BTreeMap<i64, u64> = [(10, 5), (11, 9), (14, 3), (30, 4)].into();
        assert_eq!(quiet_after(&going, 10, 30, 35), None);
        // Stopped, and the log went on quiet for longer than a campaign's pauses: ended.
        assert_eq!(quiet_after(&going, 10, 30, 90), Some(31));
        // The data stops (a gap) before the quiet is long enough to tell: no end in it.
        assert_eq!(quiet_after(&failures, 10, 30, 40), None);
    }

    #[test]
    fn one_attack_among_three_probes_is_judged_by_the_probes_alone() {
        let kept = unusual(vec![
            burst(0, 3, 17),
            burst(100, 102, 6),
            burst(300, 302, 14),
            burst(500, 510, 607),
        ]);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].errors, 607);
    }

    #[test]
    fn a_campaign_begun_at_a_probe_starts_where_the_attack_does() {
        // Seven tries at bin 0 (a probe), quiet, then 60 a bin from bin 28 on.
        let mut failures: BTreeMap<i64, u64> = [(0, 7)].into();
        failures.extend((28..38).map(|b| (b, 60)));
        assert_eq!(onset(&failures, 0, 38, 0.3), 28);
        // Twenty a bin before the sixty, on a host whose background is one a bin: the first
        // part is an attack too, and the campaign starts with it.
        let busy: BTreeMap<i64, u64> = (0..38).map(|b| (b, if b < 28 { 20 } else { 60 })).collect();
        assert_eq!(onset(&busy, 0, 38, 1.0), 0);
        // A ramp is part of the attack: it starts where the tries do.
        let ramp: BTreeMap<i64, u64> = (0..10).map(|b| (b, 5 + 6 * b as u64)).collect();
        assert_eq!(onset(&ramp, 0, 10, 0.3), 0);
    }

    #[test]
    fn on_a_quiet_host_every_campaign_counts() {
        let kept = unusual(vec![burst(0, 3, 40), burst(500, 503, 45)]);
        assert_eq!(kept.len(), 2);
    }

    #[test]
    fn equal_campaigns_are_all_usual() {
        let all: Vec<_> = (0..10).map(|i| burst(i * 100, i * 100 + 3, 19)).collect();
        assert!(unusual(all).is_empty());
    }
}
