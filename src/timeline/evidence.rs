//! What an incident hit and what was new in it: the paths, upstreams and hosts with the most
//! failures, latency against its baseline, and error signatures that were absent or rare before
//! the start (root-cause hints, each with its first occurrence cited).

use std::collections::BTreeMap;

use super::model::{ClientSideCounts, ItemKind, KeyCount, LatencyImpact, SignatureRow};
use super::parts::item;
use crate::aggregate::{Breakdown, Latency, Signatures};
use crate::pipeline::Analysis;

/// How many rows each "top" list shows.
pub(crate) const TOP: usize = 5;
/// A signature is a hint when it is at least this many times more frequent per bin during the
/// incident than before it (or absent before).
pub(crate) const NEW_SIGNATURE_RATIO: f64 = 10.0;
/// Bins either side of the start within which a signature's first occurrence is "at the onset".
const ONSET_BINS: i64 = 10;

fn merged(
    analysis: &Analysis,
    pick: impl Fn(&crate::aggregate::Summary) -> &Breakdown,
) -> Breakdown {
    let mut all = Breakdown::default();
    for f in &analysis.files {
        all.merge(pick(&f.summary).clone());
    }
    all
}

fn rows(ranked: Vec<(String, u64)>) -> Vec<KeyCount> {
    ranked
        .into_iter()
        .map(|(key, failed)| KeyCount { key, failed })
        .collect()
}

/// Paths with the most failed requests in the bins.
pub fn top_paths(analysis: &Analysis, from_bin: i64, to_bin: i64) -> Vec<KeyCount> {
    rows(merged(analysis, |s| &s.failed_paths).top(from_bin, to_bin, TOP))
}

/// The addresses most failed logins came from in the bins.
pub fn top_login_sources(analysis: &Analysis, from_bin: i64, to_bin: i64) -> Vec<KeyCount> {
    rows(merged(analysis, |s| &s.failed_login_sources).top(from_bin, to_bin, TOP))
}

/// Clients' requests refused or held back in the bins, and who sent most of them; `None`
/// when there were none.
pub fn client_side(analysis: &Analysis, from_bin: i64, to_bin: i64) -> Option<ClientSideCounts> {
    let kinds = merged(analysis, |s| &s.client_side).top(from_bin, to_bin, 2);
    let count = |key: &str| kinds.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n);
    let (limited, refused) = (count("limited"), count("refused"));
    (limited + refused > 0).then(|| ClientSideCounts {
        limited,
        refused,
        top_clients: rows(merged(analysis, |s| &s.client_side_clients).top(from_bin, to_bin, 3)),
    })
}

/// Upstreams that failed most in the bins.
pub(crate) fn top_upstreams(analysis: &Analysis, from_bin: i64, to_bin: i64) -> Vec<KeyCount> {
    rows(merged(analysis, |s| &s.failed_upstreams).top(from_bin, to_bin, TOP))
}

/// Failures per source file in the window: each file stands for the host that wrote it; a
/// file that names the source of each line (a CSV export's pods) counts per source instead.
pub(crate) fn top_sources(analysis: &Analysis, from_bin: i64, to_bin: i64) -> Vec<KeyCount> {
    let failed_in = |series: &crate::aggregate::Series| -> u64 {
        series
            .bins
            .range(from_bin..=to_bin)
            .map(|(_, c)| c.errors)
            .sum()
    };
    let mut by_name: BTreeMap<String, u64> = BTreeMap::new();
    for f in analysis
        .files
        .iter()
        .filter(|f| !f.detection.format.is_alerts())
    {
        if f.summary.streams.is_empty() {
            *by_name.entry(f.display.clone()).or_default() += failed_in(&f.summary.series);
            continue;
        }
        for (name, stream) in &f.summary.streams {
            *by_name.entry(name.clone()).or_default() += failed_in(&stream.series);
        }
    }
    let mut ranked: Vec<(String, u64)> = by_name.into_iter().filter(|(_, n)| *n > 0).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(TOP);
    rows(ranked)
}

fn latency_in(latency: &BTreeMap<i64, Latency>, from_bin: i64, to_bin: i64) -> Latency {
    let mut all = Latency::default();
    for l in latency.range(from_bin..=to_bin).map(|(_, l)| l) {
        all.merge(l);
    }
    all
}

/// Latency during the incident against the time before it, where requests are timed.
pub fn latency(
    latency: &BTreeMap<i64, Latency>,
    from_bin: i64,
    to_bin: i64,
) -> Option<LatencyImpact> {
    let during = latency_in(latency, from_bin, to_bin);
    let before = latency_in(latency, i64::MIN, from_bin - 1);
    Some(LatencyImpact {
        p50_ms: during.quantile_ms(0.5)?,
        p95_ms: during.quantile_ms(0.95)?,
        p99_ms: during.quantile_ms(0.99)?,
        baseline_p95_ms: before.quantile_ms(0.95),
    })
}

/// Error signatures during `[from_bin, to_bin]` against the bins before `from_bin` that lie
/// outside every incident (`quiet_before` of them).
pub fn signatures(
    analysis: &Analysis,
    from_bin: i64,
    to_bin: i64,
    in_incident: &dyn Fn(i64) -> bool,
    quiet_before: usize,
) -> Vec<SignatureRow> {
    let mut all = Signatures::default();
    for f in &analysis.files {
        all.merge(f.summary.signatures.clone());
    }
    let all = all.generalised();
    let incident_bins = (to_bin - from_bin + 1).max(1) as f64;
    let base_bins = quiet_before.max(1) as f64;
    let mut out: Vec<(f64, SignatureRow)> = Vec::new();
    for (signature, stats) in all.by_signature.iter() {
        let during: u64 = stats
            .per_bin
            .range(from_bin..=to_bin)
            .map(|(_, &n)| u64::from(n))
            .sum();
        if during == 0 {
            continue;
        }
        let before: u64 = stats
            .per_bin
            .range(..from_bin)
            .filter(|(b, _)| !in_incident(**b))
            .map(|(_, &n)| u64::from(n))
            .sum();
        let rate_during = during as f64 / incident_bins;
        let rate_before = (before as f64 + 0.5) / base_bins;
        let new = rate_during >= NEW_SIGNATURE_RATIO * rate_before;
        // First occurrence inside the window, to cite.
        let first_bin = stats
            .per_bin
            .range(from_bin..=to_bin)
            .next()
            .map(|(b, _)| *b)
            .unwrap_or(from_bin);
        let cited = if stats.first.time.div_euclid(analysis.bin_width) >= from_bin {
            item(
                analysis,
                stats.first.time,
                ItemKind::Evidence,
                stats.first.text.clone(),
                stats.first.source,
            )
        } else {
            // The kept first line is older than the window; cite the window's first sample.
            let sample = analysis
                .files
                .iter()
                .filter_map(|f| f.summary.error_samples.get(&first_bin))
                .min_by_key(|s| (s.time, s.source));
            match sample {
                Some(s) => item(
                    analysis,
                    s.time,
                    ItemKind::Evidence,
                    s.text.clone(),
                    s.source,
                ),
                None => item(
                    analysis,
                    stats.first.time,
                    ItemKind::Evidence,
                    stats.first.text.clone(),
                    stats.first.source,
                ),
            }
        };
        let score = during as f64 * (rate_during / rate_before).ln().max(0.0);
        out.push((
            score,
            SignatureRow {
                signature: signature.to_string(),
                during,
                before,
                new,
                at_onset: new && (first_bin - from_bin).abs() <= ONSET_BINS,
                first: cited,
            },
        ));
    }
    // New signatures first, by how much they stand out; then the rest by count.
    out.sort_by(|a, b| {
        b.1.new
            .cmp(&a.1.new)
            .then(b.0.total_cmp(&a.0))
            .then(b.1.during.cmp(&a.1.during))
            .then_with(|| a.1.signature.cmp(&b.1.signature))
    });
    out.into_iter().map(|(_, row)| row).take(2 * TOP).collect()
}
