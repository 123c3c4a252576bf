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
pub fn bursts_in(
    auth_failures: &BTreeMap<i64, u64>,
    segments: &[(i64, i64)],
    params: Params,
    bin_width: Micros,
) -> Vec<detect::Incident> {
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
    for b in bursts.iter_mut().filter(|b| b.end_bin.is_none()) {
        b.end_bin = quiet_after(auth_failures, b.start_bin, gap_bins);
        b.end_range = b.end_bin.map(|e| (e, e));
    }
    let campaigns = campaigns(bursts, gap_bins, |from, to| {
        failures(auth_failures, from, to)
    });
    unusual(campaigns)
}

/// Where a burst the rate test saw no end of stops: after its last failed login that is
/// followed by a campaign gap with none (on an internet-facing host the rate never returns to
/// a quiet baseline, but an attacker does stop). `None` when failures go on, without such a
/// gap, to the end of the data: the attack is still going when the log ends.
fn quiet_after(auth_failures: &BTreeMap<i64, u64>, start: i64, gap_bins: i64) -> Option<i64> {
    let mut bins = auth_failures.range(start..).map(|(b, _)| *b).peekable();
    while let Some(bin) = bins.next() {
        match bins.peek() {
            Some(next) if next - bin <= gap_bins => continue,
            Some(_) => return Some(bin + 1),
            None => return None,
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
    bursts: Vec<detect::Incident>,
    gap_bins: i64,
    count: impl Fn(i64, Option<i64>) -> u64,
) -> Vec<detect::Incident> {
    let mut out: Vec<detect::Incident> = Vec::new();
    for b in bursts {
        match out.last_mut() {
            Some(c)
                if c.end_bin
                    .is_some_and(|e| b.start_bin < e.saturating_add(gap_bins)) =>
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
/// few to say what is usual).
fn unusual(campaigns: Vec<detect::Incident>) -> Vec<detect::Incident> {
    if campaigns.len() < MIN_CAMPAIGNS_FOR_USUAL {
        return campaigns;
    }
    let mut sizes: Vec<f64> = campaigns.iter().map(|c| c.errors as f64).collect();
    sizes.sort_by(f64::total_cmp);
    let quantile = |q: f64| {
        let at = q * (sizes.len() - 1) as f64;
        let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
        sizes[lo] + (sizes[hi] - sizes[lo]) * (at - lo as f64)
    };
    let (q1, median, q3) = (quantile(0.25), quantile(0.5), quantile(0.75));
    let fence = (q3 + 3.0 * (q3 - q1)).max(USUAL_MULTIPLE * median);
    campaigns
        .into_iter()
        .filter(|c| c.errors as f64 > fence)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn burst(start: i64, end: i64, errors: u64) -> detect::Incident {
        detect::Incident {
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
        let c = campaigns(bursts, 30, |from, to| (to.unwrap() - from) as u64 * 10);
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
        assert_eq!(quiet_after(&failures, 10, 30), Some(15));
        // Still trying when the log ends: no end.
        let going: BTreeMap<i64, u64> = [(10, 5), (11, 9), (14, 3), (30, 4)].into();
        assert_eq!(quiet_after(&going, 10, 30), None);
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
