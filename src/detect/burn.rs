//! When a multiwindow, multi-burn-rate page would have fired (Google SRE workbook, "Alerting on
//! SLOs", recommendation 6): the error ratio over both a long and a short window at least
//! `factor × (1 − SLO)`. Used as the detection moment when no alert is in the logs.

use super::Bin;
use crate::time::{MICROS_PER_MIN, Micros};

/// (long window, short window, burn-rate factor): the workbook's two paging conditions.
pub(crate) const PAGE_CONDITIONS: [(i64, i64, f64); 2] = [(60, 5, 14.4), (360, 30, 6.0)];

/// Errors and requests in bins with index in `(upto - len, upto]`.
fn window(bins: &[Bin], prefix: &[(u64, u64)], upto: usize, len_bins: i64) -> (u64, u64) {
    let last = bins[upto].index;
    let first = bins.partition_point(|b| b.index <= last - len_bins);
    let (n_hi, e_hi) = prefix[upto + 1];
    let (n_lo, e_lo) = prefix[first];
    (n_hi - n_lo, e_hi - e_lo)
}

/// The end of the first bin in `[from_bin, to_bin]` at which a page fires, with the condition
/// that fired (e.g. `1h/5m at 14.4×`).
pub(crate) fn first_page(
    bins: &[Bin],
    bin_width: Micros,
    slo: f64,
    from_bin: i64,
    to_bin: i64,
) -> Option<(Micros, String)> {
    let budget = 1.0 - slo;
    let mut prefix = Vec::with_capacity(bins.len() + 1);
    prefix.push((0u64, 0u64));
    for b in bins {
        let (n, e) = *prefix.last().unwrap_or(&(0, 0));
        prefix.push((n + b.total, e + b.errors.min(b.total)));
    }
    let bins_in = |minutes: i64| ((minutes * MICROS_PER_MIN + bin_width - 1) / bin_width).max(1);
    let start = bins.partition_point(|b| b.index < from_bin);
    for i in start..bins.len() {
        if bins[i].index > to_bin {
            break;
        }
        for (long, short, factor) in PAGE_CONDITIONS {
            // A window reaching back before the logs would judge a few requests as an hour's.
            if bins[i].index - bins[0].index + 1 < bins_in(long) {
                continue;
            }
            let burning = |minutes: i64| {
                let (n, e) = window(bins, &prefix, i, bins_in(minutes));
                n > 0 && e as f64 / n as f64 >= factor * budget
            };
            if burning(long) && burning(short) {
                let name = format!("{}/{} at {factor}×", label(long), label(short));
                return Some(((bins[i].index + 1) * bin_width, name));
            }
        }
    }
    None
}

fn label(minutes: i64) -> String {
    if minutes % 60 == 0 {
        format!("{}h", minutes / 60)
    } else {
        format!("{minutes}m")
    }
}

#[cfg(test)]
mod tests;
